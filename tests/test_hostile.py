"""Hostile input through what editors write and what the site imports (issue 14): markup that could
run script, links that could publish a file from outside content/, text printed by templates.

Each case goes through tests/hostile.py: refused with a Vietnamese message naming the file (and the
previous output untouched), or published inert; and nothing from outside content/ in or beside the
output. The other classes live in test_hostile_uploads.py, test_hostile_yaml.py,
test_hostile_editor.py and test_hostile_logs.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess

import feedparser
import pytest

from conftest import ROOT, article, page
from hostile import CANARY_NAME, CCHC, HostileSite

HEADER = """\
Title: {title}
Date: 2026-03-05 09:30
Category: Thủ tục hành chính và dịch vụ công
Tags: {tags}
Summary: {summary}
co_quan: tthcc
hinh_thuc: tin
noi_dung: m
{extra}
Nội dung bài viết dùng để kiểm thử, đủ dài để có một đoạn văn hoàn chỉnh cho người đọc.

{body}
"""


def hostile_article(body="", title="Bài có nội dung lạ", tags="dịch vụ công", summary="Tóm tắt ngắn.", extra=""):
    return HEADER.format(title=title, tags=tags, summary=summary, extra=extra, body=body)


@pytest.fixture
def site(tmp_path) -> HostileSite:
    return HostileSite(tmp_path)


# ---- script through markup: refused with file and line, never published ---------------------------

MARKUP = {
    "img-slash-onerror": ("<img/onerror=alert(1) src=x>", "thuộc tính “onerror” trong thẻ <img>"),
    "svg-slash-onload": ("<svg/onload=alert(1)>", "thẻ <svg>"),
    "attribute-after-quote": ('<p><img src="x"onerror="alert(1)" alt="a"></p>', "thuộc tính “onerror” trong thẻ <img>"),
    "mixed-case": ("<IMG SRC=x OnErRoR=alert(1) ALT=a>", "thuộc tính “onerror” trong thẻ <img>"),
    "script-tag": ("<ScRiPt>alert(1)</sCrIpT>", "thẻ <script>"),
    "entity-scheme": ('<a href="jav&#x61;script:alert(1)">mẫu đơn</a>', "địa chỉ “javascript:alert(1)”"),
    "control-in-scheme": ('<a href=" &#14; java\tscript:alert(1)">mẫu</a>', "(chỉ dùng được http, https, mailto, tel)"),
    "markdown-link-encoded-colon": ("[Tải mẫu đơn](javascript&#58;alert(1))", "địa chỉ “javascript:alert(1)”"),
    "nested-scheme": ('<a href="javascript:javascript:alert(1)">x</a>', "địa chỉ “javascript:javascript:alert(1)”"),
    "data-url": ('<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>', "địa chỉ “data:text/html"),
    "iframe-other-host": ('<iframe src="https://www.youtube-nocookie.com.evil.example/embed/x"></iframe>',
                          "khung nhúng <iframe> từ “www.youtube-nocookie.com.evil.example”"),
    "iframe-javascript": ('<iframe src="javascript:alert(1)"></iframe>', "khung nhúng <iframe>"),
    "object": ('<object data="/images/x.swf"></object>', "thẻ <object>"),
    "base": ('<base href="https://evil.example/">', "thẻ <base>"),
    "meta-refresh": ('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', "thẻ <meta>"),
    "form-action": ('<form action="https://evil.example/"><button>Gửi</button></form>', "thẻ <form>"),
    "style-attribute": ('<p style="background:url(javascript:alert(1))">Đoạn văn</p>', "thuộc tính “style” trong thẻ <p>"),
    "style-property": ('<table><tr><td style="text-align:left;background:url(javascript:alert(1))">x</td></tr></table>',
                       "kiểu trình bày “background:url(javascript:alert(1))”"),
    "attr-list-event": ("Đoạn văn có thuộc tính.\n{: onclick=\"alert(1)\" }", "thuộc tính “onclick” trong thẻ <p>"),
    "noscript-mutation": ('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>', "thẻ <noscript>"),
    "math-xlink": ('<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>', "thẻ <math>"),
    "conditional-comment": ("<!--[if gte IE 4]><script>alert(1)</script><![endif]-->", "chú thích HTML"),
}


@pytest.mark.parametrize("name", sorted(MARKUP))
def test_script_in_an_article_body_is_refused_with_its_line(site, name):
    payload, what = MARKUP[name]
    site.write("articles/2026/tan-cong.md", hostile_article(body=payload))
    line = 13 if name == "attr-list-event" else 12
    site.assert_refused(site.build(), f"content/articles/2026/tan-cong.md, dòng {line}: nội dung có", what,
                        "Cách sửa: Xóa đoạn HTML đó")


def test_script_in_the_summary_and_title_is_refused(site):
    site.write("articles/2026/tieu-de.md", hostile_article(
        title="Thông báo <img src=x onerror=alert(1)>", summary="Tóm tắt <svg onload=alert(1)> ngắn."))
    site.assert_refused(site.build(), "tieu-de.md, dòng 1: tiêu đề có thuộc tính “onerror” trong thẻ <img>",
                        "tieu-de.md, dòng 5: tóm tắt có thẻ <svg>")


def test_metadata_and_tags_are_text(site):
    """Fields that are not HTML are printed as text: a tag or a document number that looks like
    markup is shown as written and runs nothing, on the article, tag and listing pages and feeds."""
    tag = '<img src=x onerror=alert(1)>'
    site.write("articles/2026/the.md", hostile_article(
        title='Hỏi & đáp: "Một cửa" <điện tử>', tags=f"{tag}, dịch vụ công",
        extra='so_van_ban: 12/QĐ-UBND"><script>alert(1)</script>'))
    result = site.build()
    # The title has no HTML element (only text with <, > and &): refused as markup or shown as text.
    if result.returncode != 0:
        site.assert_refused(result, "the.md, dòng 1: tiêu đề có thẻ <điện>")
        return
    site.assert_inert(result)
    doc = page(site.output / "tin-tuc/2026/03/the/index.html")
    assert doc.xpath("//h1")[0].text_content() == "Hỏi & đáp: “Một cửa” <điện tử>"  # typogrify's quotes
    assert any(tag in a.text_content() for a in doc.xpath("//a[contains(@href, '/the/')]"))


def test_article_text_with_angle_brackets_and_ampersands_is_shown_as_written(site):
    site.write("articles/2026/ky-tu.md", hostile_article(
        title="Phí & lệ phí: 5 < 10 > 2", tags="phí & lệ phí", summary="Giảm 50% phí & lệ phí.",
        body="Mức phí: 5 < 10, \"miễn\" & 'giảm' — không có thẻ nào.\n"))
    result = site.build()
    site.assert_inert(result)
    doc = page(site.output / "tin-tuc/2026/03/ky-tu/index.html")
    assert doc.xpath("//h1")[0].text_content() == "Phí & lệ phí: 5 < 10 > 2"
    assert "Mức phí: 5 < 10" in doc.xpath("//div[@id='noi-dung']")[0].text_content()
    assert doc.xpath("//title")[0].text_content().startswith("Phí & lệ phí: 5 < 10 > 2 – ")
    feed = feedparser.parse((site.output / "feeds/tat-ca.atom.xml").read_bytes())
    assert "Phí & lệ phí: 5 < 10 > 2" in [entry.title for entry in feed.entries]


# ---- links that would publish a file from outside content/ ----------------------------------------

LINKS = {
    "old-attach-syntax": "[Tải mẫu](|attach|../../../../etc/passwd)",
    "old-static-syntax": f"[Tải mẫu](|static|../../../outside/{CANARY_NAME})",
    "static-relative": f"[Tải mẫu]({{static}}../../../outside/{CANARY_NAME})",
    "static-from-root": f"[Tải mẫu]({{static}}/../outside/{CANARY_NAME})",
    "attach-percent-encoded": f"[Tải mẫu]({{attach}}%2e%2e/%2e%2e/%2e%2e/outside/{CANARY_NAME})",
    "attach-entities": f'<a href="{{attach}}&#46;&#46;/&#46;&#46;/&#46;&#46;/outside/{CANARY_NAME}">Tải mẫu</a>',
    "filename-outside": "[Xem](|filename|../../../outside/bai.md)",
    "link-inside-another-attribute": f"<img alt=\"ảnh\" title=\"x href='|static|../../../outside/{CANARY_NAME}'\" "
                                     "src=\"{static}/images/khong-co.jpg\">",
    "poster-attribute": f'<p><a href="#" cite="{{attach}}../../../outside/{CANARY_NAME}">x</a></p>',
}


@pytest.mark.parametrize("name", sorted(LINKS))
def test_links_out_of_content_are_refused_and_nothing_is_copied(site, name):
    site.write("articles/2026/lien-ket.md", hostile_article(body=LINKS[name]))
    site.assert_refused(site.build(), "content/articles/2026/lien-ket.md, dòng 12")


def test_a_link_through_a_symlinked_folder_is_refused(site):
    (site.content / "images").mkdir(exist_ok=True)
    os.symlink(site.outside, site.content / "images" / "album")
    site.write("articles/2026/album.md", hostile_article(body=f"[Ảnh]({{static}}/images/album/{CANARY_NAME})"))
    log = site.assert_refused(site.build())
    assert "content/images/album" in log or "album.md" in log


def test_save_as_outside_the_output_folder_is_refused(site):
    site.write("articles/2026/ghi-ra-ngoai.md", hostile_article(extra="Save_as: ../../outside/pwned.html"))
    site.assert_refused(site.build(), "ghi-ra-ngoai.md, dòng 9, khóa “Save_as”")
    assert not (site.outside / "pwned.html").exists()
    assert not (site.root / "pwned.html").exists()


def test_good_links_inside_content_still_work(site):
    site.write("articles/2026/mot.md", hostile_article(title="Bài một", body="## Hồ sơ\n\nNội dung.\n"))
    site.write("articles/2026/hai.md", hostile_article(
        title="Bài hai", body="Xem [bài một]({filename}mot.md#ho-so) và [bài một cũ](|filename|mot.md).\n"))
    result = site.build()
    site.assert_inert(result)
    doc = page(site.output / "tin-tuc/2026/03/hai/index.html")
    hrefs = doc.xpath("//div[@id='noi-dung']//a/@href")
    assert hrefs == ["https://cchc.chilinh.haiphong.gov.vn/tin-tuc/2026/03/mot/#ho-so",
                     "https://cchc.chilinh.haiphong.gov.vn/tin-tuc/2026/03/mot/"]


# ---- imported procedure records and the ward's overlay: text, never markup ------------------------

def _record(code="1.001193"):
    return (ROOT / "content" / "procedures" / f"{code}.yaml").read_text(encoding="utf-8")


def test_markup_in_an_overlay_is_refused_or_inert(site):
    (site.content / "procedures" / "dia-phuong").mkdir(parents=True)
    (site.content / "procedures" / "1.001193.yaml").write_text(_record(), encoding="utf-8")
    (site.content / "procedures" / "dia-phuong" / "1.001193.yaml").write_text(
        'ghi_chu: "Mang theo CCCD <svg/onload=alert(1)> <img src=x onerror=alert(2)>"\n'
        'gio_lam_viec: "<a href=javascript:alert(3)>Sáng</a>"\n', encoding="utf-8")
    result = site.build()
    if result.returncode:
        site.assert_refused(result, "procedures/dia-phuong/1.001193.yaml")
    else:
        site.assert_inert(result)


def test_markup_in_imported_portal_json_is_refused_or_inert(site, tmp_path_factory):
    source = json.loads((ROOT / "sample-data" / "dvcqg" / "1.001193.json").read_text(encoding="utf-8"))
    text = json.dumps(source, ensure_ascii=False)
    # Put script into every text value the record has that mentions "khai sinh".
    hostile = text.replace("khai sinh", 'khai sinh<img src=x onerror=alert(1)><svg/onload=alert(2)>')
    assert hostile != text
    feed = tmp_path_factory.mktemp("nhap") / "1.001193.json"
    feed.write_text(hostile, encoding="utf-8")
    imported = subprocess.run([*CCHC, "import-procedures", str(feed), "--into", str(site.content / "procedures")],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in imported.stdout + imported.stderr
    if imported.returncode:
        assert "1.001193" in imported.stdout + imported.stderr
        site.assert_nothing_from_outside()
        return
    result = site.build()
    if result.returncode:
        site.assert_refused(result, "procedures/1.001193.yaml")
    else:
        site.assert_inert(result)


# ---- the theme: text by default, HTML only where it passed the sanitizer ---------------------------

def test_templates_print_html_only_from_the_sanitizer():
    """Autoescape is on; `| sanitized` is applied only to an item's content or summary (sanitized
    when read), and `| safe` only to literal markup written in the template itself."""
    from pelican.settings import read_settings

    settings = read_settings(str(ROOT / "publishconf.py"))
    assert settings["JINJA_ENVIRONMENT"].get("autoescape") is True
    for path in sorted((ROOT / "theme" / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"([\w.\"'<>() ]+?)\s*\|\s*sanitized\b", text):
            assert re.fullmatch(r"\s*\(?\s*(article|page|item|a)\.(content|summary)\s*\)?", match.group(1)), \
                f"{path.name}: | sanitized on {match.group(1)!r}"
        for match in re.finditer(r"\|\s*safe\b", text):
            assert re.search(r'"[^"{}]*"\s*$', text[:match.start()]), \
                f"{path.name}: | safe on something other than a literal: {text[max(0, match.start() - 60):match.end()]!r}"
        assert "Markup(" not in text


@pytest.mark.parametrize("kind", ["symlink-dev-zero", "symlink-outside", "fifo"])
def test_a_data_file_that_is_not_a_plain_file_is_never_read(site, kind):
    """Data files are read first (before the uploads check): a link to /dev/zero or a FIFO would
    hang the build, a link out of content/ would read a server file into the error messages."""
    target = site.content / "data" / "co-quan.yaml"
    target.unlink()
    if kind == "fifo":
        os.mkfifo(target)
    else:
        os.symlink("/dev/zero" if kind == "symlink-dev-zero" else site.outside / CANARY_NAME, target)
    site.assert_refused(site.build(), "content/data/co-quan.yaml: là liên kết tượng trưng (symlink) hoặc tệp đặc biệt")


def test_a_title_that_looks_like_a_formula_is_text_in_the_report_csv(site):
    """The plan's report CSVs list editors' titles; Excel must not run one as a formula."""
    site.write("articles/2026/cong-thuc.md", hostile_article(
        title='=HYPERLINK("https://evil.example/?x","Bấm vào đây")', extra="nhiem_vu: 04"))
    result = site.build()
    site.assert_inert(result)
    import csv

    cells = [cell for path in site.output.rglob("*.csv")
             for row in csv.reader(path.read_text(encoding="utf-8-sig").splitlines()) for cell in row]
    assert any("HYPERLINK" in cell for cell in cells), "the title is in no report CSV"
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
