"""Hostile and broken Markdown files from editors (issue 14, "Editor input"; docs/chat-luong.md).

Each case writes one bad file next to a good article in a HostileSite (built once before) and
builds again with `cchc build --production`: the build must refuse with a Vietnamese message naming
the file and, where there is one, the line; no traceback and no English Pelican message; the
previous output untouched; nothing from outside content/ published (hostile.HostileSite).

What Pelican 4.12 did before plugins/cchc_content/reader.py read the bytes itself:
- empty or whitespace-only file: "Skipping …: could not find information about 'title'" (English);
- invalid UTF-8: "Could not process …" (English), the file dropped;
- NUL or ESC in the body: a traceback from the feed writer (XML 1.0 has no control characters);
- a 5,000-character title: accepted;
- a title on two lines: "Could not process …" (a list reached typogrify).
"""

from __future__ import annotations

import pytest

from conftest import article
from hostile import HostileSite

ENGLISH = ("Skipping", "Could not process", "could not find information", "Traceback", "Warning or error")

# The attacker's (or the unlucky editor's) bytes → fragments the refusal must contain.
CASES = {
    "empty-0-bytes": (
        "articles/2026/trong.md", b"",
        ["content/articles/2026/trong.md: tệp trống"]),
    "only-whitespace-crlf": (
        "pages/trang-trong.md", b" \r\n\t\r\n\xc2\xa0\r\n",
        ["content/pages/trang-trong.md: tệp trống"]),
    "nul-in-body": (
        "articles/2026/nul.md", article(body="Đoạn thứ hai\x00 có byte rỗng.").encode(),
        ["content/articles/2026/nul.md, dòng 11:", "byte NUL"]),
    "nul-in-header-crlf-bom": (
        # CR LF line endings and a BOM must not shift the line number (Summary is line 5).
        "articles/2026/nul-khai-bao.md",
        b"\xef\xbb\xbf" + article().replace("Summary:", "Sum\x00mary:").replace("\n", "\r\n").encode(),
        ["content/articles/2026/nul-khai-bao.md, dòng 5:", "byte NUL"]),
    "not-utf8-windows-1258": (
        # A file saved by an old Vietnamese Windows editor: Windows-1258 with combining tone marks.
        "articles/2026/ban-ma-cu.md",
        article().encode().replace("Nội dung".encode(), "N\u00f4\u0323i dung".encode("cp1258")),
        ["content/articles/2026/ban-ma-cu.md, dòng 10:", "không phải văn bản UTF-8", "byte F4"]),
    "word-document-renamed": (
        # A .docx is a ZIP: NUL bytes and bytes that are not UTF-8 from the first line; one message.
        "articles/2026/van-ban.md", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xa4\xd3\xe8\x9f",
        ["content/articles/2026/van-ban.md, dòng 1:", "không phải văn bản UTF-8", "byte A4", "tệp Word"]),
    "escape-sequence-in-title": (
        # Retitles a terminal window that prints the title (OSC 0), if it were let through.
        "articles/2026/esc.md", article(title="Tin mới\x1b]0;pwned\x07").encode(),
        ["content/articles/2026/esc.md, dòng 1:", "ký tự điều khiển ESC (U+001B)"]),
    "c1-control-in-body": (
        "articles/2026/c1.md", article(body="Dòng một.\n\nDòng hai có \u009b31m.").encode(),
        ["content/articles/2026/c1.md, dòng 13:", "U+009B"]),
    "title-5000-characters": (
        "articles/2026/tieu-de-dai.md", article(title="Tiêu đề rất dài " * 312 + "hết").encode(),
        ["content/articles/2026/tieu-de-dai.md, dòng 1, khóa “Title”:", "dài 4995 ký tự",
         "giới hạn 200 ký tự"]),
    "two-title-lines": (
        "articles/2026/hai-tieu-de.md", ("Title: Một\n" + article(title="Hai")).encode(),
        ["content/articles/2026/hai-tieu-de.md, dòng 2, khóa “Title”:", "được viết 2 lần (dòng 1, 2)"]),
    "no-title": (
        "pages/khong-tieu-de.md", "Nội dung trang không có phần khai báo.\n".encode(),
        ["content/pages/khong-tieu-de.md, khóa “Title”: thiếu tiêu đề."]),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_markdown_file_is_refused_with_file_and_line(tmp_path, name):
    rel, data, fragments = CASES[name]
    site = HostileSite(tmp_path)
    path = site.content / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    result = site.build()
    log = site.assert_refused(result, *fragments)
    for english in ENGLISH:
        assert english not in log, log[-3000:]
    assert "Có 1 lỗi" in log, log[-3000:]  # one clear problem, not a list of consequences


def test_title_on_continuation_lines_is_one_title(fixture_site):
    """An indented continuation line is part of the title (Python-Markdown's meta syntax, read the
    same way by cchc.source); Pelican used to stop with "Could not process"."""
    fixture_site.write("articles/2026/hai-dong.md", article(title="Phường Chí Linh tổ chức\n    đối thoại trực tuyến"))
    result = fixture_site.build()
    assert result.returncode == 0, result.log
    html = (fixture_site.output / "tin-tuc/2026/03/hai-dong/index.html").read_text(encoding="utf-8")
    assert "Phường Chí Linh tổ chức đối thoại trực tuyến" in html
