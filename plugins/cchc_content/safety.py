"""Checks of cchc_content on what a page will contain: HTML outside the allowlist, links that lead nowhere, media
files too heavy for residents' phones, text that had to be normalised, dates in the future.

Each function adds Problems (fatal) or notices (told, not fatal) to the build's lists.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import weakref
from urllib.parse import unquote, urlsplit

from markupsafe import Markup

from cchc import html_safety, procedures, source, vn
from cchc.errors import Problem

from . import parallel

def sanitize(instance, report):
    """Body and summary become what the allowlist allows (cchc.html_safety), the title becomes
    text, before any other plugin, feed or index reads them; whatever was removed is an error with file and line,
    so the editor learns why and nothing is dropped without a word."""
    hosts = instance.settings["CCHC_MEDIA_HOSTS"]
    parts = [("nội dung", "_content", instance), ("tóm tắt", "_summary", instance),
             ("tóm tắt", "summary", instance.metadata), ("tiêu đề", "title", instance.metadata),
             ("tiêu đề", "title", instance)]
    cleaned: dict[str, str] = {}  # _summary and metadata["summary"] (title and metadata["title"]) are one text
    for part, key, holder in parts:
        mapping = isinstance(holder, dict)
        text = holder.get(key) if mapping else getattr(holder, key, None)
        if not isinstance(text, str) or not text:
            continue
        if text not in cleaned:
            removed, clean = parallel.remember("sanitized", json.dumps([sorted(hosts), text]), lambda: [
                html_safety.removed(text, hosts), html_safety.sanitize(text, hosts)])
            for what, needles in removed:
                line = None
                for needle in needles:
                    line = line or source.line_containing(instance.source_path, needle, ignore_case=True)
                report(Problem(instance.source_path, line, None,
                               f"{part} có {what}, không được phép trong bài (có thể chạy mã độc trên máy người đọc); "
                               "trang không đăng nội dung này.",
                               "Xóa đoạn HTML đó, viết bằng Markdown; video chỉ nhúng bằng khóa “video_nhung”."))
            if key == "title":
                # A title is text wherever it is shown (<title>, headings, feeds, search, JSON-LD):
                # typogrify's entities and spans (“, –, <span class="amp">) become characters.
                clean = html_safety.Text(Markup(clean).striptags())
            cleaned[text] = clean
        if mapping:
            holder[key] = cleaned[text]
        else:
            setattr(holder, key, cleaned[text])


# ---- links to other content, files and anchors -------------------------------------------------

_INTRASITE = re.compile(r"""(?P<attr>\b(?:href|src|poster))=(?P<q>["'])\{(?P<what>filename|static|attach)\}(?P<value>[^"']*)(?P=q)""")
_IDS = re.compile(r"""\bid=(["'])(?P<id>[^"']+)\1""")
_SAME_PAGE = re.compile(r"""\bhref=(["'])#(?P<id>[^"']+)\1""")
# ids every article or page has around its content (theme/templates): skip link, body, sections.
PAGE_IDS = {"noi-dung-chinh", "noi-dung", "cc-article-title", "cc-page-title"}
PROCEDURE_IDS = {"noi-dung-chinh", "tom-tat", "cach-thuc", "trinh-tu", "ho-so", "dieu-kien", "ket-qua", "can-cu",
                 "lich-su", "ghi-chu", "nguyen-van", "cc-procedure-title"}


# What the two expressions below find in a text, by item while its text is the same string: the
# preview runs the build again after each save and most texts are the last run's.
_FOUND: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _links_in(item) -> tuple[list, list]:
    """(#anchors linked on the same page, (kind, value) of each {filename}/{static}/{attach} link)."""
    content = item._content or ""
    found = _FOUND.get(item)
    if found is not None and found[0] is content:
        return found[1], found[2]
    # Most texts have neither kind of link: what each expression needs is looked for first (in C:
    # the two expressions over every text were 1 s of each build at the ward's full size).
    same_page = 'href="#' in content or "href='#" in content
    intrasite = '="{' in content or "='{" in content
    anchors = [match["id"] for match in _SAME_PAGE.finditer(content)] if same_page else []
    links = [(match["what"], match["value"]) for match in _INTRASITE.finditer(content)] if intrasite else []
    _FOUND[item] = (content, anchors, links)
    return anchors, links


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
        anchors, links = _links_in(item)
        for anchor in anchors:
            if anchor not in ids_of(item):
                _report_link(item, f"#{anchor}", "không có mục (tiêu đề) nào mang tên này trong bài.", report)
        for what, written_value in links:
            if what != "filename":
                continue  # files were checked while reading (check_file_links)
            value = html.unescape(written_value)
            path, _, fragment = value.partition("#")
            path = path.split("?")[0]
            written = "{" + what + "}" + value
            if path.startswith("/"):
                full = os.path.normpath(os.path.join(root, path.lstrip("/")))
            else:
                full = os.path.normpath(os.path.join(os.path.dirname(os.path.realpath(item.source_path)), path))
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            if path.startswith("/" + procedures.LINK):  # {thu-tuc} links: checked by cchc_procedures
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


_LINKED_FILES = {"static", "attach", "filename"}


def confine_links(instance, report):
    """Every link Pelican resolves to a file ({static}, {attach}, {filename} and the older
    |static|, |attach|, |filename|, in any attribute Pelican rewrites) names a file inside
    content/, after following symlinks. Found with Pelican's own pattern
    (Content._get_intrasite_link_regex), so nothing Pelican would copy escapes this check. Checked
    while reading, before Pelican collects the files to copy; a refused link is emptied (the build
    stops anyway), so nothing outside content/ is ever read or written."""
    content = instance._content or ""
    if "{" not in content and "|" not in content:
        return
    root = os.path.realpath(instance.settings["PATH"])
    source_dir = os.path.dirname(os.path.join(root, instance.get_relative_source_path()))

    def replace(match):
        what = match["what"]
        if what not in _LINKED_FILES:
            return match.group(0)
        value = match["value"]
        written = match["path"]
        candidates = {urlsplit(value).path, unquote(urlsplit(value).path), urlsplit(html.unescape(value)).path}
        problem = None
        for path in sorted(candidates):
            base = root if path.startswith("/") else source_dir
            if not _inside(os.path.join(base, path.lstrip("/")), root):
                problem = ("trỏ ra ngoài thư mục content/.",
                           "Chỉ liên kết tới bài, trang trong content/, ảnh trong content/images/, tệp trong content/media/.")
                break
        if problem is None and what != "filename":
            path = urlsplit(html.unescape(value)).path.split("?")[0]
            full = os.path.realpath(os.path.join(root if path.startswith("/") else source_dir, path.lstrip("/")))
            if not os.path.isfile(full):
                rel = os.path.relpath(full, root).replace(os.sep, "/")
                problem = (f"không tìm thấy tệp “{rel}”.",
                           "Chép tệp vào content/images/ hoặc content/media/, hoặc sửa tên tệp.")
        if problem is None:
            return match.group(0)
        _report_link(instance, written, problem[0], report, problem[1])
        return f'{match["markup"]}{match["quote"]}{match["quote"]}'

    instance._content = instance._get_intrasite_link_regex().sub(replace, content)


def _inside(path: str, root: str) -> bool:
    """Whether path, symlinks followed, is root or lies under it (root already a realpath)."""
    full = os.path.realpath(path)
    return full == root or full.startswith(root + os.sep)


def confine_save_as(instance, report):
    """An editor's Save_as that would write outside the output folder: an error with its line
    (Pelican would skip the file with an English message). The item then has no file to write."""
    save_as = instance.save_as or ""
    output = os.path.realpath(instance.settings["OUTPUT_PATH"])
    target = os.path.realpath(os.path.join(output, save_as))
    if save_as and not target.startswith(output + os.sep):
        field = source.header(instance.source_path).get("save_as")
        report(Problem(instance.source_path, field.line if field else None, field.key if field else "Save_as",
                       f"tệp sẽ được ghi ra ngoài thư mục trang (“{save_as}”).",
                       "Xóa dòng “Save_as”; địa chỉ của bài do máy đặt theo tên tệp."))
        instance.override_save_as = ""


def confine_writes(generators, context, report):
    """Every file Pelican will copy lands inside the output folder (articles and pages were checked
    when read, confine_save_as): Pelican's copy of static files does not check, its writer does."""
    output = os.path.realpath(context["OUTPUT_PATH"])
    for generator in generators:
        for item in getattr(generator, "staticfiles", []):
            if item.save_as and not _inside(os.path.join(output, item.save_as), output):
                report(Problem(item.source_path, None, None,
                               f"tệp sẽ được chép ra ngoài thư mục trang (“{item.save_as}”).",
                               "Đặt tệp trong content/images/ hoặc content/media/ và liên kết bằng {static}."))


def _report_link(item, written, message, report, hint="Sửa hoặc xóa liên kết."):
    # The link as the editor wrote it, or as Markdown and the sanitizer re-wrote it (entities
    # decoded), or at least the file it names.
    plain = written.split("#")[0] or written
    line = None
    for needle in (plain, html.unescape(plain), unquote(html.unescape(plain)), os.path.basename(plain)):
        line = line or (needle and source.line_containing(item.source_path, needle))
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
