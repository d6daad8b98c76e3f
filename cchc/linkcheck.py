"""Links written by hand (e.g. "/lien-he/" or "/lien-he/#muc") checked against the built
site: the page (and its #anchor) must exist. Runs on the new output folder inside `cchc build`
and `cchc check`, before that folder replaces anything; each broken link is reported against the
Markdown file it came from (cchc.state's `written`, filled by cchc_content while Pelican writes).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from . import source
from .errors import Problem

def _values(text: str, name: str) -> Iterator[tuple[int, str]]:
    """(position, value) of every attribute \\bname=(["'])([^"']+)\\1 in an HTML text, found with
    str.find: a regular expression spends 5-20 times as long on a page, and 5,000 article pages
    hold 125,000 links (benchmarks/HISTORY.md)."""
    size = len(name) + 1
    at = text.find(name + "=")
    while at != -1:
        quote = text[at + size:at + size + 1]
        if quote in ('"', "'") and (at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_")):
            end = text.find(quote, at + size + 1)
            value = text[at + size + 1:end]
            if end != -1 and value and ("'" if quote == '"' else '"') not in value:
                yield at, value
        at = text.find(name + "=", at + size)


def _links(text: str) -> list[str]:
    """The href and src values in the order they are written ("#" alone is no link)."""
    found = sorted([*_values(text, "href"), *_values(text, "src")])
    return [value for _at, value in found if value != "#"]


def _ids(text: str) -> set[str]:
    return {value for _at, value in _values(text, "id")}


class _Resolver:
    """(file a link leads to or None for the page itself, #fragment) for a link written on a page,
    None for other websites, mail and phone; computed once for each address, and for each folder
    when the address is relative (every page repeats the menu's addresses)."""

    _RELATIVE = object()

    def __init__(self, output: str, siteurl: str):
        self.output, self.site = output, urlsplit(siteurl)
        self.known: dict = {}

    def __call__(self, url: str, page: str):
        resolved = self.known.get(url)
        if resolved is None and url not in self.known:
            resolved = self.known[url] = self._resolve(url, None)
        if resolved is not self._RELATIVE:
            return resolved
        key = (url, os.path.dirname(page))
        if key not in self.known:
            self.known[key] = self._resolve(url, key[1])
        return self.known[key]

    def _resolve(self, url: str, folder: str | None):
        parts = urlsplit(url)
        if parts.scheme in ("mailto", "tel", "data", "javascript"):
            return None
        if parts.scheme or parts.netloc:
            if parts.netloc != self.site.netloc:
                return None  # another website
            path = parts.path[len(self.site.path.rstrip("/")):]
        elif url.startswith("#"):
            return None, unquote(parts.fragment)
        elif parts.path.startswith("/"):
            path = parts.path
        elif folder is None:
            return self._RELATIVE
        else:
            path = os.path.join("/" + os.path.relpath(folder, self.output), parts.path)
        rel = unquote(path).lstrip("/")
        target = os.path.join(self.output, rel)
        if rel == "" or rel.endswith("/"):
            target = os.path.join(target, "index.html")
        return target, unquote(parts.fragment)


def _targets(text: str, page: str, resolve: _Resolver) -> Iterator[tuple[str, str, str]]:
    """(url as written, file it leads to, #fragment) for every link of a built page into the site
    (links to other websites, mail and phone are skipped)."""
    for url in _links(text):
        resolved = resolve(url, page)
        if resolved is not None:
            target, fragment = resolved
            yield url, page if target is None else target, fragment


def broken_links(output: str, siteurl: str, written: dict[str, str]) -> list[Problem]:
    resolve = _Resolver(output, siteurl)
    ids: dict[str, set[str]] = {}
    problems = []
    # Every page links the same menu, feeds and listings: ask the file system once per target.
    exists = functools.lru_cache(maxsize=None)(os.path.exists)

    def ids_of(path):
        if path not in ids:
            with open(path, encoding="utf-8") as handle:
                ids[path] = _ids(handle.read())
        return ids[path]

    for page, source_path in sorted(written.items()):
        if not page.endswith(".html") or not os.path.exists(page):
            continue
        with open(page, encoding="utf-8") as handle:
            text = handle.read()
        own_ids = None
        for url, target, fragment in _targets(text, page, resolve):
            if target != page and not exists(target):
                path = urlsplit(url).path
                problems.append(_problem(source_path, url, f"dẫn tới trang “{unquote(path)}” không có trên trang web."))
                continue
            if fragment and target.endswith(".html"):
                if target == page:
                    own_ids = _ids(text) if own_ids is None else own_ids
                    if fragment in own_ids:
                        continue
                elif fragment in ids_of(os.path.normpath(target)):
                    continue
                problems.append(_problem(source_path, url, f"dẫn tới mục “#{fragment}” không có trong trang đích."))
    return problems


def fragment_targets(pages, output: str, siteurl: str) -> Iterator[tuple[str, set[str]]]:
    """(page, the built pages it links to with a #fragment) for each of `pages` that exists: when
    one of those changes, the links of the page must be checked again (used by the incremental
    preview, cchc.incremental). One resolver for all of them: the pages repeat the same links."""
    resolve = _Resolver(output, siteurl)
    for page in pages:
        if not os.path.exists(page):
            continue
        with open(page, encoding="utf-8") as handle:
            text = handle.read()
        yield page, {os.path.normpath(target) for _url, target, fragment in _targets(text, page, resolve)
                     if fragment and target != page}


def _problem(source_path: str, url: str, message: str) -> Problem:
    path = urlsplit(url).path
    line = (source.line_containing(source_path, f"({url}") or source.line_containing(source_path, url)
            or (path and source.line_containing(source_path, path)) or None)
    return Problem(source_path, line, None, f"liên kết “{url}” {message}",
                   "Sửa địa chỉ (mở trang đích để chép đúng địa chỉ), hoặc dùng {filename}ten-bai.md cho bài trong trang.")
