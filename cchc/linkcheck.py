"""Links written by hand (e.g. "/lien-he/" or "/thu-tuc/#da-bai-bo") checked against the built
site: the page (and its #anchor) must exist. Runs on the new output folder inside `cchc build`
and `cchc check`, before that folder replaces anything; each broken link is reported against the
Markdown file it came from (settings["CCHC_WRITTEN"], filled by cchc_content while Pelican writes).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from . import source
from .errors import Problem

_LINK = re.compile(r"""\b(?:href|src)=(["'])(?P<url>[^"'#][^"']*|#[^"']+)\1""")
_ID = re.compile(r"""\bid=(["'])(?P<id>[^"']+)\1""")


def _targets(text: str, page: str, output: str, site) -> Iterator[tuple[str, str, str]]:
    """(url as written, file it leads to, #fragment) for every link of a built page into the site
    (links to other websites, mail and phone are skipped)."""
    for match in _LINK.finditer(text):
        url = match["url"]
        parts = urlsplit(url)
        if parts.scheme in ("mailto", "tel", "data", "javascript"):
            continue
        if parts.scheme or parts.netloc:
            if parts.netloc != site.netloc:
                continue  # another website
            path = parts.path[len(site.path.rstrip("/")):]
        elif url.startswith("#"):
            path = None
        elif parts.path.startswith("/"):
            path = parts.path
        else:
            path = os.path.join(os.path.dirname("/" + os.path.relpath(page, output)), parts.path)
        if path is None:
            target = page
        else:
            rel = unquote(path).lstrip("/")
            target = os.path.join(output, rel)
            if rel == "" or rel.endswith("/"):
                target = os.path.join(target, "index.html")
        yield url, target, unquote(parts.fragment)


def broken_links(output: str, siteurl: str, written: dict[str, str]) -> list[Problem]:
    site = urlsplit(siteurl)
    ids: dict[str, set[str]] = {}
    problems = []
    # Every page links the same menu, feeds and listings: ask the file system once per target.
    exists = functools.lru_cache(maxsize=None)(os.path.exists)

    def ids_of(path):
        if path not in ids:
            with open(path, encoding="utf-8") as handle:
                ids[path] = {m["id"] for m in _ID.finditer(handle.read())}
        return ids[path]

    for page, source_path in sorted(written.items()):
        if not page.endswith(".html") or not os.path.exists(page):
            continue
        with open(page, encoding="utf-8") as handle:
            text = handle.read()
        for url, target, fragment in _targets(text, page, output, site):
            if target != page and not exists(target):
                path = urlsplit(url).path
                problems.append(_problem(source_path, url, f"dẫn tới trang “{unquote(path)}” không có trên trang web."))
                continue
            if fragment and target.endswith(".html") and fragment not in ids_of(target):
                problems.append(_problem(source_path, url, f"dẫn tới mục “#{fragment}” không có trong trang đích."))
    return problems


def fragment_targets(page: str, output: str, siteurl: str) -> set[str]:
    """The built pages a page links to with a #fragment: when one of them changes, the links of
    this page must be checked again (used by the incremental preview, cchc.incremental)."""
    with open(page, encoding="utf-8") as handle:
        text = handle.read()
    return {os.path.normpath(target) for _url, target, fragment in _targets(text, page, output, urlsplit(siteurl))
            if fragment and target != page}


def _problem(source_path: str, url: str, message: str) -> Problem:
    path = urlsplit(url).path
    line = (source.line_containing(source_path, f"({url}") or source.line_containing(source_path, url)
            or (path and source.line_containing(source_path, path)) or None)
    return Problem(source_path, line, None, f"liên kết “{url}” {message}",
                   "Sửa địa chỉ (mở trang đích để chép đúng địa chỉ), hoặc dùng {filename}ten-bai.md cho bài trong trang.")
