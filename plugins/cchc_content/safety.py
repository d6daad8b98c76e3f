"""Checks of cchc_content on what a page will contain: unsafe HTML, links that lead nowhere, media
files too heavy for residents' phones, text that had to be normalised, dates in the future.

Each function adds Problems (fatal) or notices (told, not fatal) to the build's lists.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re

from cchc import source, vn
from cchc.html_safety import unsafe_html
from cchc.errors import Problem

def check_unsafe(instance, report):
    allowed = instance.settings["CCHC_MEDIA_HOSTS"]
    for part, text in (("nội dung", instance._content), ("tóm tắt", getattr(instance, "_summary", "")),
                       ("tiêu đề", instance.metadata.get("title", ""))):
        for what in dict.fromkeys(unsafe_html(text, allowed)):
            needle = what.split("“")[-1].rstrip("”") if "“" in what else what.split()[-1].strip("<>=")
            line = source.line_containing(instance.source_path, needle) or None
            report(Problem(instance.source_path, line, None,
                           f"{part} có {what}, có thể chạy mã độc trên máy người đọc; trang không đăng nội dung này.",
                           "Xóa đoạn HTML đó; video chỉ nhúng bằng khóa “video_nhung”."))


# ---- links to other content, files and anchors -------------------------------------------------

_INTRASITE = re.compile(r"""(?P<attr>\b(?:href|src|poster))=(?P<q>["'])\{(?P<what>filename|static|attach)\}(?P<value>[^"']*)(?P=q)""")
_IDS = re.compile(r"""\bid=(["'])(?P<id>[^"']+)\1""")
_SAME_PAGE = re.compile(r"""\bhref=(["'])#(?P<id>[^"']+)\1""")
# ids every article or page has around its content (theme/templates): skip link, body, sections.
PAGE_IDS = {"noi-dung-chinh", "noi-dung", "cc-article-title", "cc-page-title"}
PROCEDURE_IDS = {"noi-dung-chinh", "tom-tat", "cach-thuc", "trinh-tu", "ho-so", "dieu-kien", "ket-qua", "can-cu",
                 "lich-su", "ghi-chu", "nguyen-van", "cc-procedure-title"}


def check_links(items, context, report):
    """{filename} links name an article or page of the site, and every #anchor exists."""
    root = os.path.realpath(context["PATH"])
    generated = context["generated_content"]
    ids = {}

    def ids_of(target):
        if id(target) not in ids:
            if hasattr(target, "code") and hasattr(target, "history"):  # a procedure page
                found = set(PROCEDURE_IDS) | {f"thay-doi-{h['ngay']}-{h['loai']}" for h in target.history}
            else:
                found = set(PAGE_IDS) | {m["id"] for m in _IDS.finditer(getattr(target, "_content", "") or "")}
            ids[id(target)] = found
        return ids[id(target)]

    for item in items:
        content = item._content or ""
        for match in _SAME_PAGE.finditer(content):
            if match["id"] not in ids_of(item):
                _report_link(item, f"#{match['id']}", "không có mục (tiêu đề) nào mang tên này trong bài.", report)
        for match in _INTRASITE.finditer(content):
            value = html.unescape(match["value"])
            path, _, fragment = value.partition("#")
            path = path.split("?")[0]
            written = "{" + match["what"] + "}" + value
            if path.startswith("/"):
                full = os.path.normpath(os.path.join(root, path.lstrip("/")))
            else:
                full = os.path.normpath(os.path.join(os.path.dirname(os.path.realpath(item.source_path)), path))
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            if match["what"] != "filename":
                continue  # files were checked while reading (check_file_links)
            if path.startswith("/thu-tuc/"):  # {thu-tuc} links: checked by cchc_procedures
                target = generated.get(path.lstrip("/"))
                if target is None:
                    continue
            elif rel.startswith("../") or rel == "..":
                _report_link(item, written, "trỏ ra ngoài thư mục content/.", report,
                             "Chỉ liên kết tới bài, trang trong content/.")
                continue
            else:
                target = generated.get(rel)
                if target is None:
                    _report_link(item, written, f"không có bài hoặc trang “{rel}”.", report,
                                 "Kiểm tra tên tệp và thư mục (ví dụ {filename}ten-bai-khac.md trong cùng thư mục).")
                    continue
            if fragment and fragment not in ids_of(target):
                _report_link(item, written, f"trang đích không có mục “#{fragment}”.", report,
                             "Kiểm tra tên mục (tiêu đề viết không dấu, nối bằng dấu gạch ngang).")


def check_file_links(instance, report):
    """{static} and {attach} links must name a file inside content/. Checked while reading: Pelican
    would otherwise try to copy the missing file and stop with an English warning. A bad link is
    emptied (the build stops anyway) so nothing outside content/ is ever read."""
    content = instance._content or ""
    if "{static}" not in content and "{attach}" not in content:
        return
    root = os.path.realpath(instance.settings["PATH"])

    def replace(match):
        if match["what"] == "filename":
            return match.group(0)
        value = html.unescape(match["value"])
        path = value.partition("#")[0].split("?")[0]
        base = root if path.startswith("/") else os.path.dirname(os.path.realpath(instance.source_path))
        full = os.path.normpath(os.path.join(base, path.lstrip("/")))
        rel = os.path.relpath(full, root).replace(os.sep, "/")
        written = "{" + match["what"] + "}" + value
        if rel.startswith("../") or rel == "..":
            _report_link(instance, written, "trỏ ra ngoài thư mục content/.", report,
                         "Chỉ liên kết tới tệp trong content/ (ảnh trong content/images/, tệp trong content/media/).")
        elif not os.path.isfile(full):
            _report_link(instance, written, f"không tìm thấy tệp “{rel}”.", report,
                         "Chép tệp vào content/images/ hoặc content/media/, hoặc sửa tên tệp.")
        else:
            return match.group(0)
        return f'{match["attr"]}={match["q"]}{match["q"]}'

    instance._content = _INTRASITE.sub(replace, content)


def _report_link(item, written, message, report, hint="Sửa hoặc xóa liên kết."):
    line = source.line_containing(item.source_path, written.split("#")[0] or written)
    report(Problem(item.source_path, line, None, f"liên kết “{written}” {message}", hint))


# ---- media ---------------------------------------------------------------------------------------

MEDIA_LIMITS_MB = {"image": 2, "audio": 40, "video": 200, "other": 20}
_KINDS = {".jpg": "image", ".jpeg": "image", ".png": "image", ".webp": "image", ".gif": "image", ".svg": "image",
          ".mp3": "audio", ".m4a": "audio", ".ogg": "audio", ".opus": "audio", ".mp4": "video", ".webm": "video"}


def check_media(settings, report):
    """Files residents would download on a phone: each kind has a size limit (CCHC_MEDIA_LIMITS_MB)."""
    limits = {**MEDIA_LIMITS_MB, **settings.get("CCHC_MEDIA_LIMITS_MB", {})}
    for static_dir in settings["STATIC_PATHS"]:
        for folder, _dirs, files in os.walk(os.path.join(settings["PATH"], static_dir)):
            for name in sorted(files):
                path = os.path.join(folder, name)
                kind = _KINDS.get(os.path.splitext(name)[1].lower(), "other")
                size = os.path.getsize(path)
                if size > limits[kind] * 1024 * 1024:
                    report(Problem(path, None, None,
                                   f"tệp nặng {vn.file_size(size)}, quá giới hạn {limits[kind]} MB cho loại tệp này; "
                                   "người dân dùng điện thoại, mạng chậm sẽ khó tải.",
                                   "Nén lại: ảnh rộng tối đa 2.000 điểm ảnh, chất lượng 80%; âm thanh MP3 64 kbit/s; "
                                   "video đăng lên YouTube rồi nhúng bằng “video_nhung”."))


# ---- text that was normalised, dates in the future -----------------------------------------------


def notice_source_text(instance, notices):
    """Lines whose text was not NFC or carried invisible characters: fixed in the page, told here."""
    try:
        with open(instance.source_path, encoding="utf-8") as handle:
            lines = handle.readlines()
    except (OSError, UnicodeDecodeError):
        return
    for number, text in enumerate(lines, 1):
        found = vn.problems(text)
        if found:
            notices.append(Problem(instance.source_path, number, None,
                                   "đã tự chuẩn hóa: " + "; ".join(found) + ".",
                                   "Không bắt buộc sửa; nên gõ lại bằng bộ gõ Unicode dựng sẵn."))


def check_future(instance, now: dt.datetime, report):
    """A date in the future is an error unless the editor means it (hen_gio: co publishes it then)."""
    date = getattr(instance, "date", None)
    written = source.header(instance.source_path)
    # Pelican itself turns future-dated articles into drafts (WITH_FUTURE_DATES = False): only a
    # "Status: draft" the editor wrote means the article is meant to wait.
    if date is None or vn.fold_key(written["status"].raw if "status" in written else "") == "draft":
        return
    if vn.fold_key(str(instance.metadata.get("hen_gio", ""))) in ("co", "yes", "true", "1"):
        return
    if date > now:
        field = written.get("date")
        report(Problem(instance.source_path, field.line if field else None, "Date",
                       f"ngày đăng {vn.short_date(date)} ở tương lai.",
                       "Sửa lại ngày; nếu muốn hẹn giờ đăng, thêm dòng “hen_gio: co” (bài chỉ hiện từ ngày đó)."))
