"""Handlers of cchc_sitemap (module level: blinker keeps only weak references)."""

from __future__ import annotations

import fnmatch
import os
import re
from xml.sax.saxutils import escape

from cchc import updates, vn

# A written file's path from the output folder → W3C date of its content, filled while Pelican writes.
# (The preview builds into a new folder, then names it as the output, and keeps this.)
_DATES: dict[str, str] = {}


# What each file's head said, by the file's size, time and inode: the preview runs the build again
# in one process after each save (cchc/incremental.py) and leaves most files as they were; opening
# the 9,000 pages of the ward's full size was 0.5 s of every run. Kept by the path from the output
# folder (the preview builds into a new folder, then gives it the output's name).
_HEADS: dict[str, tuple] = {}


def _noindex(path: str, rel: str) -> bool:
    info = os.stat(path)
    stamp = (info.st_size, info.st_mtime_ns, info.st_ino)
    known = _HEADS.get(rel)
    if known is None or known[0] != stamp:
        with open(path, encoding="utf-8") as handle:
            known = _HEADS[rel] = (stamp, '<meta name="robots" content="noindex">' in handle.read(4096))
    return known[1]


def initialized(pelican):
    _DATES.clear()


def content_written(path, context):
    out = context.get("OUTPUT_PATH")
    if path.endswith(".html") and out:
        # What its head says, found while the file is fresh: after an update that writes thousands
        # of pages (a page's title, in every footer), the next sitemap need not open them again.
        rel = os.path.relpath(path, out)
        if not rel.startswith(".."):
            _noindex(path, rel.replace(os.sep, "/"))
    for key in ("article", "page", "procedure"):
        item = context.get(key)
        if item is not None and getattr(item, "save_as", None) and path.endswith(item.save_as):
            when = getattr(item, "modified", None) or getattr(item, "date", None)
            if when is not None:
                _DATES[os.path.normpath(item.save_as)] = vn.local(when).date().isoformat()
            return


def _pages(out: str):
    """(full path, path from `out` with "/") of every .html file under `out`, as os.walk finds them
    (symlinked folders not entered). Written for speed, as the checks below: the preview runs this
    after every save, over 9,000 folders at the ward's full size (os.walk and relpath took 0.6 s)."""
    folders = [(out, "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir():
                    if not entry.is_symlink():
                        folders.append((entry.path, prefix + entry.name + "/"))
                elif entry.name.endswith(".html"):
                    yield entry.path, prefix + entry.name


def _excluded(patterns):
    """One expression for all of CCHC_SITEMAP_EXCLUDE's patterns (fnmatch's), or None."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(os.path.normcase(p))})" for p in patterns))


def finalized(pelican):
    settings, out = pelican.settings, pelican.output_path
    siteurl = settings["SITEURL"].rstrip("/")
    excluded = _excluded(settings["CCHC_SITEMAP_EXCLUDE"])
    entries = []
    for full, rel in _pages(out):
        if excluded is not None and excluded.match(os.path.normcase(rel)):
            continue
        if _noindex(full, rel):
            continue  # e.g. the pages left at old addresses (cchc_redirects)
        url = rel[: -len("index.html")] if rel.endswith("index.html") else rel
        entries.append((url, _DATES.get(os.path.normpath(rel))))
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url, lastmod in sorted(entries):
        lines.append(f"<url><loc>{escape(siteurl + '/' + url)}</loc>"
                     + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + "</url>")
    lines.append("</urlset>\n")
    updates.before_writing(os.path.join(out, "sitemap.xml"))
    with open(os.path.join(out, "sitemap.xml"), "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    updates.before_writing(os.path.join(out, "robots.txt"))
    with open(os.path.join(out, "robots.txt"), "w", encoding="utf-8") as handle:
        handle.write(f"User-agent: *\nAllow: /\n\nSitemap: {siteurl}/sitemap.xml\n")
