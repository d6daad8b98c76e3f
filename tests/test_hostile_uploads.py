"""Hostile uploads (issue 14, "Files editors upload", SVG, symlinks): plugins/cchc_uploads.

Each case puts one attacker's file, link or name under content/ of a small site built once before
(hostile.HostileSite) and asserts the three things of the suite: the build refuses with the
Vietnamese message naming the file (or, for the harmless SVG, publishes it unchanged and inert);
nothing from outside content/ is published; the previous output is untouched.

One site serves the whole module (a refused build changes nothing); each test's files are removed
afterwards.
"""

from __future__ import annotations

import os
import pathlib
import shutil

import pytest

from conftest import ROOT, article
from hostile import CANARY_NAME, HostileSite, digest

SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"'
LINK_OUT = "liên kết tượng trưng (symlink) trỏ ra ngoài thư mục content/"
SVG_REFUSED = "ảnh SVG có"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> HostileSite:
    site = HostileSite(tmp_path_factory.mktemp("uploads"))
    site.copy(ROOT / "content/images/2026/ket-qua-quy-i-2026.jpg", "images/2026/anh-that.jpg")
    result = site.build()
    assert result.returncode == 0, result.log
    site.previous = digest(site.output)
    site.around = site._around()
    return site


def _entries(root: pathlib.Path) -> set[pathlib.Path]:
    found = set()
    for folder, dirs, files in os.walk(root, followlinks=False):
        found |= {pathlib.Path(folder, name) for name in dirs + files}
    return found


@pytest.fixture
def site(hostile_site):
    """The module's site; whatever a test adds under content/ is removed after it."""
    before = _entries(hostile_site.content)
    yield hostile_site
    for path in sorted(_entries(hostile_site.content) - before, key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif os.path.lexists(path):
            path.unlink()
    hostile_site.previous = digest(hostile_site.output)  # a test that publishes moves the baseline on
    hostile_site.around = hostile_site._around()


def put(site: HostileSite, rel: str, data: bytes | str) -> pathlib.Path:
    path = site.content / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def link(site: HostileSite, rel: str, target) -> pathlib.Path:
    path = site.content / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)
    return path


# ---- links and special files: refused before Pelican reads anything -------------------------------

def test_symlinked_file_out_of_content_is_refused(site):
    link(site, "images/2026/bi-mat.jpg", site.outside / CANARY_NAME)
    site.assert_refused(site.build(), "content/images/2026/bi-mat.jpg", LINK_OUT, CANARY_NAME)


def test_symlink_to_etc_passwd_is_refused(site):
    link(site, "media/mau-don.pdf", "/etc/passwd")
    site.assert_refused(site.build(), "content/media/mau-don.pdf", LINK_OUT, "“/etc/passwd”")


def test_symlinked_folder_out_of_content_is_refused(site):
    link(site, "images/ngoai", site.outside)
    link(site, "media/etc", "/etc")
    site.assert_refused(site.build(), "content/images/ngoai:", "content/media/etc:", LINK_OUT)


@pytest.mark.parametrize("target", ["/etc/passwd", "/dev/zero"])
def test_symlinked_article_is_never_read(site, target):
    # Reading /dev/zero would never end: the build must stop before Pelican opens the article.
    link(site, "articles/2026/bai-ngoai.md", target)
    site.assert_refused(site.build(), "content/articles/2026/bai-ngoai.md", LINK_OUT, f"“{target}”")


def test_symlink_inside_content_is_refused_too(site):
    # A link in images/ to articles/ would publish Markdown sources; to a parent folder, loop forever.
    link(site, "images/2026/ban-sao.jpg", "anh-that.jpg")
    link(site, "images/vong", "..")
    site.assert_refused(site.build(), "content/images/2026/ban-sao.jpg", "content/images/vong:",
                        "content/ không nhận liên kết")


@pytest.mark.parametrize("rel", ["images/2026/anh.jpg", "articles/2026/bai.md", "data/thong-ke/quy-i-2026.json"])
def test_fifo_is_refused(site, rel):
    path = site.content / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)  # opening it would wait forever for a writer
    site.assert_refused(site.build(), f"content/{rel}", "không phải tệp thường (ống dẫn FIFO)")


# ---- types per folder --------------------------------------------------------------------------

@pytest.mark.parametrize("rel, data", [
    ("images/2026/x.js", "alert('x')"),
    ("images/2026/X.JS", "alert('x')"),
    ("images/2026/x.mjs", "export default 1"),
    ("images/2026/x.html", "<script>alert(1)</script>"),
    ("images/2026/x.svgz", b"\x1f\x8b\x08\x00"),
    ("images/2026/x.xml", "<x/>"),
    ("media/2026/trang.html", "<!doctype html><script>alert(document.domain)</script>"),
    ("media/2026/trang.HTM", "<script>alert(1)</script>"),
    ("media/2026/trang.xhtml", '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>'),
    ("media/2026/hoat-hinh.swf", b"FWS"),
    ("media/2026/chay.php", "<?php system($_GET['c']); ?>"),
    ("media/2026/chuong-trinh.exe", b"MZ"),
    ("articles/2026/trang-tho.html", "<html><head><title>x</title></head><body><script>alert(1)</script></body></html>"),
    ("pages/kieu.css", "body{}"),
    ("procedures/1.001193.yml.js", "alert(1)"),
])
def test_file_type_not_allowed_in_its_folder_is_refused(site, rel, data):
    put(site, rel, data)
    folder = rel.split("/")[0]
    log = site.assert_refused(site.build(), f"content/{rel}", f"không được đặt trong content/{folder}/",
                              "thư mục này chỉ nhận:")
    assert os.path.splitext(rel)[1].lower() in log


def test_file_without_extension_and_hidden_files_are_refused(site):
    put(site, "images/2026/anh", b"\xff\xd8\xff\xe0")
    put(site, "images/.htaccess", "AddType application/x-httpd-php .jpg")
    put(site, "articles/2026/.an.md", article(title="Bài ẩn"))
    put(site, "images/.gitkeep", b"")  # git's placeholder, empty: accepted
    log = site.assert_refused(site.build(), "content/images/2026/anh:", "tệp không có đuôi",
                              "content/images/.htaccess:", "content/articles/2026/.an.md:", "tệp hoặc thư mục ẩn")
    assert ".gitkeep" not in log


def test_folders_outside_the_table_are_refused(site):
    put(site, "js/x.js", "alert(1)")
    put(site, "trang.html", "<script>alert(1)</script>")
    site.assert_refused(site.build(), "content/js:", "không phải thư mục của trang",
                        "content/trang.html:", "tệp không được đặt thẳng trong content/")


def test_static_link_to_a_data_file_is_not_published(site):
    # Allowed where it lies (data/), but only images/ and media/ are published.
    put(site, "articles/2026/lien-ket.md", article(title="Liên kết dữ liệu",
                                                   body="\nXem [kế hoạch]({static}/data/ke-hoach.yaml).\n"))
    site.assert_refused(site.build(), "content/data/ke-hoach.yaml", "tệp này không được đăng lên trang")


# ---- content must be what the extension says ------------------------------------------------------

@pytest.mark.parametrize("rel, data, label", [
    ("images/2026/anh.jpg", "<html><body><script>alert(document.cookie)</script></body></html>", "ảnh JPEG"),
    ("images/2026/anh.PNG", "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "ảnh PNG"),
    ("images/2026/anh.gif", b"GIF8<script>alert(1)</script>", "ảnh GIF"),
    ("media/2026/chuong-trinh.mp3", "<!doctype html><script>alert(1)</script>", "âm thanh MP3"),
    ("media/2026/phong-su.mp4", b"\0" * 64, "video MP4"),
    ("media/2026/mau-don.pdf", "<html><script>alert(1)</script>", "tài liệu PDF"),
    ("media/2026/mau-don.docx", b"PK\x03\x04" + b"\0" * 60, "văn bản Word"),
])
def test_bytes_that_are_not_the_extension_are_refused(site, rel, data, label):
    put(site, rel, data)
    site.assert_refused(site.build(), f"content/{rel}", f"nội dung tệp không phải {label}")


# ---- names that could leave an attribute or an address -------------------------------------------

@pytest.mark.parametrize("name, why", [
    ('anh"onerror="alert(1).jpg', "dấu nháy kép"),
    ("anh'x.jpg", "dấu nháy đơn"),
    ("anh<svg>.jpg", "“<”"),
    ("ảnh chụp.jpg", "dấu cách"),
    ("anh\nStatus.jpg", "ký tự điều khiển"),
    ("anh\\x.jpg", "dấu “\\”"),
    ("anh.php.jpg", "nhiều hơn một dấu chấm"),
    ("-rf.jpg", "bắt đầu bằng “-”"),
])
def test_unsafe_file_names_are_refused_with_an_ascii_name_suggested(site, name, why):
    put(site, f"images/2026/{name}", (ROOT / "content/images/2026/ket-qua-quy-i-2026.jpg").read_bytes())
    result = site.build()
    site.assert_refused(result, "content/images/2026/", why, "Đổi tên thành “")
    assert "anh\nStatus" not in result.log  # a control character is never printed raw


@pytest.mark.parametrize("rel", ['articles/2026/bai"><script>alert(1)<\\script>.md', "pages/trang\x1b]0;x\x07.md"])
def test_markdown_names_with_quotes_or_control_characters_are_refused(site, rel):
    # Markdown may be named as editors write ("Đăng ký khai sinh.md": the address is an ASCII slug),
    # but never with quotes, <, > or control characters; Pelican reads these folders, so at once.
    put(site, rel, article(title="Tên tệp lạ"))
    result = site.build()
    site.assert_refused(result, f"content/{rel.split('/')[0]}/", "có ký tự không được phép", "Đổi tên thành “")
    assert "\x1b" not in result.log  # an escape sequence is shown as \x1b, never sent to the terminal


# ---- SVG: allowlist ------------------------------------------------------------------------------

@pytest.mark.parametrize("svg, offence", [
    (f'<svg {SVG_NS}><script href="/images/2026/x.js"/></svg>', "phần tử <script>"),
    (f'<svg {SVG_NS}><script>alert(document.domain)</script></svg>', "phần tử <script>"),
    (f'<svg {SVG_NS} onload="alert(1)"/>', "thuộc tính sự kiện “onload”"),
    (f'<svg {SVG_NS} ONLOAD="alert(1)"/>', "thuộc tính sự kiện “ONLOAD”"),
    (f'<svg {SVG_NS}\n  onload\n  =\n  "alert(1)"/>', "thuộc tính sự kiện “onload”"),
    (f'<svg {SVG_NS}><rect OnMouseOver="alert(1)"/></svg>', "thuộc tính sự kiện “OnMouseOver”"),
    ('<svg/onload=alert(1)>', "nội dung không phải XML hợp lệ"),
    (f'<svg {SVG_NS}><foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="javascript:alert(1)"/>'
     '</foreignObject></svg>', "phần tử <foreignObject>"),
    (f'<svg {SVG_NS}><h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script></svg>',
     "phần tử <{http://www.w3.org/1999/xhtml}script>"),
    (f'<svg {SVG_NS} {XLINK}><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', "phần tử <a>"),
    (f'<svg {SVG_NS} {XLINK}><use xlink:href="javascript:alert(1)"/></svg>', "xlink:href=\"javascript:alert(1)\""),
    (f'<svg {SVG_NS} {XLINK}><use xlink:href="jav&#x61;script:alert(1)"/></svg>', "xlink:href=\"javascript:alert(1)\""),
    (f'<svg {SVG_NS}><use href="/images/2026/khac.svg#a"/></svg>', "href=\"/images/2026/khac.svg#a\""),
    (f'<svg {SVG_NS}><set attributeName="onmouseover" to="alert(1)"/></svg>', "phần tử <set>"),
    (f'<svg {SVG_NS}><image href="https://example.com/x.png"/></svg>', "phần tử <image>"),
    (f'<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
     f'<svg {SVG_NS}><text>&b;</text></svg>', "khai báo <!DOCTYPE svg>"),
    (f'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg {SVG_NS}><text>&x;</text></svg>',
     "khai báo <!DOCTYPE svg>"),
    (f'<?xml-stylesheet type="text/xsl" href="x.xsl"?><svg {SVG_NS}/>', "chỉ thị xử lý <?xml-stylesheet"),
    (f'<svg {SVG_NS}><style>@import url(https://example.com/x.css);</style></svg>', "<style> chứa “@”"),
    (f'<svg {SVG_NS}><rect style="fill:u\\72l(https://example.com/x)"/></svg>', "chứa “\\”"),
    (f'<svg {SVG_NS}><rect fill="url(https://example.com/x#a)"/></svg>', "tải tệp khác"),
    ('<html><body><script>alert(1)</script></body></html>', "phần tử gốc <html>"),
])
def test_active_svg_is_refused_naming_the_first_offence(site, svg, offence):
    put(site, "images/2026/so-do.svg", svg)
    site.assert_refused(site.build(), "content/images/2026/so-do.svg, dòng", SVG_REFUSED, offence)


def test_uppercase_svg_extension_is_checked_the_same(site):
    put(site, "images/2026/SO-DO.SVG", f'<svg {SVG_NS} onload="alert(1)"/>')
    site.assert_refused(site.build(), "content/images/2026/SO-DO.SVG", "thuộc tính sự kiện “onload”")


HARMLESS_SVG = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Sơ đồ hai cấp chính quyền -->
<svg {SVG_NS} {XLINK} viewBox="0 0 200 100" width="200" height="100" role="img" aria-labelledby="t">
  <title id="t">Sơ đồ: Thành phố Hải Phòng – Phường Chí Linh</title>
  <defs>
    <linearGradient id="nen"><stop offset="0" stop-color="#e8f1fb"/><stop offset="1" stop-color="#fff"/></linearGradient>
    <symbol id="o"><rect width="80" height="30" rx="4"/></symbol>
  </defs>
  <style>.chu {{ font-family: sans-serif; fill: #123; }} .o {{ fill: url(#nen); }}</style>
  <rect width="200" height="100" fill="url(#nen)"/>
  <use xlink:href="#o" x="10" y="10" class="o" stroke="#1a4d8f"/>
  <use href="#o" x="110" y="60" style="fill: url('#nen'); stroke: #b22"/>
  <path d="M50 40 L150 60" stroke="#333" stroke-width="2"/>
  <text x="15" y="30" class="chu" xml:space="preserve">TP Hải Phòng</text>
  <text x="115" y="80" class="chu"><tspan font-weight="bold">P. Chí Linh</tspan></text>
</svg>
"""


def test_harmless_svg_is_published_as_it_is(site):
    put(site, "images/2026/so-do-hai-cap.svg", HARMLESS_SVG)
    put(site, "articles/2026/so-do.md", article(
        title="Sơ đồ hai cấp", body='\n![Sơ đồ hai cấp chính quyền]({static}/images/2026/so-do-hai-cap.svg "Sơ đồ")\n'))
    result = site.build()
    site.assert_inert(result)
    published = site.output / "images" / "2026" / "so-do-hai-cap.svg"
    assert published.read_bytes() == HARMLESS_SVG.encode("utf-8")
    assert not published.is_symlink()
