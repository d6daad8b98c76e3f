"""finalized handler of cchc_search (module level: blinker keeps only weak references), and the
bundles of the search index, also used by the preview (cchc.incremental)."""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile



class SearchIndexError(RuntimeError):
    pass


# Where the pages that carry data-pagefind-body live (articles, procedures, pages). Pagefind reads
# only these: parsing the listing pages too cost a third of its time and memory at 5,000 articles
# (benchmarks/HISTORY.md). check_glob() makes sure no indexable page falls outside it.
ARTICLES = "tin-tuc/*/*/*/index.html"
PROCEDURES = "thu-tuc/*/index.html"
PAGES = "*/index.html"  # "*": one path segment
PATTERNS = (ARTICLES, PROCEDURES, PAGES)
GLOB = "{" + ",".join(PATTERNS) + "}"
_GLOB_PARTS = [re.compile("^" + re.escape(p).replace(r"\*", "[^/]+") + "$") for p in PATTERNS]

# The first index a search loads (pagefind/) holds what an article is about, not all it says: its
# title, summary and tags (the folded data-tim terms), and the whole of the few ordinary pages.
# Procedures are not in it: the search page finds them first from the procedure finder's data
# (plugins/cchc_finder), by name, code, lĩnh vực and residents' words. Pagefind loads one chunk of
# about 40 KB per word of a query whatever the size of the index, plus a list of every indexed page:
# with every word of 5,000 articles and 1,000 procedures indexed, a news query cost a phone 1.1 MB to
# its first result; with titles, summaries, tags and headings of both, 330–360 KB; with this index,
# 250–280 KB (benchmarks/HISTORY.md). The full text of every article and procedure is in the
# bundles below, which the search page adds on request, or at once when nothing else is found.
# Each selector names what is left out of an article (article.html; tests/test_search.py checks
# what each index finds).
HEADLINE = "{" + ARTICLES + "," + PAGES + "}"
HEADLINE_EXCLUDES = (
    ".cc-article > :not(header, span)",                       # photo, players, text, footer
    ".cc-article__header > :not(h1, .cc-article__summary)",   # kicker and date: words of every article
)
FULL_TEXT = "toan-van"  # pagefind/toan-van/<bundle>/ and the list pagefind/toan-van/danh-sach.json
# Pagefind needs about 300 KB of memory per page it indexes in full (benchmarks/HISTORY.md): 1.8 GB
# for the 6,000 pages of the reference site in one index. Full-text bundles of at most this many
# pages keep each Pagefind process under 1 GB; articles are grouped by whole years.
BUNDLE_PAGES = 2000


@dataclasses.dataclass(frozen=True)
class Bundle:
    path: str                      # folder under the output: "pagefind" or "pagefind/toan-van/…"
    glob: str
    excludes: tuple[str, ...] = ()

    def command(self, site: str, output_path: str) -> list[str]:
        # --force-language: Pagefind has no Vietnamese stemmer; "vi" keeps words whole, one index.
        command = [sys.executable, "-m", "pagefind", "--site", site, "--output-path", output_path,
                   "--force-language", "vi", "--glob", self.glob, "--silent"]
        for selector in self.excludes:
            command += ["--exclude-selectors", selector]
        return command


def bundles(output: pathlib.Path, bundle_pages: int = BUNDLE_PAGES) -> list[Bundle]:
    """The headline index and the full-text bundles for the pages now in the output."""
    found = [Bundle("pagefind", HEADLINE, HEADLINE_EXCLUDES)]
    if any((output / "thu-tuc").glob("*/index.html")):
        found.append(Bundle(f"pagefind/{FULL_TEXT}/thu-tuc", PROCEDURES))
    years = sorted(p.name for p in (output / "tin-tuc").glob("[12][0-9][0-9][0-9]") if p.is_dir())
    group: list[tuple[str, int]] = []
    for year in years + [None]:
        pages = 0 if year is None else len(list((output / "tin-tuc" / year).glob("*/*/index.html")))
        if group and (year is None or sum(n for _, n in group) + pages > bundle_pages):
            first, last = group[0][0], group[-1][0]
            name = first if first == last else f"{first}-{last}"
            glob = "{" + ",".join(f"tin-tuc/{y}/*/*/index.html" for y, _ in group) + "}"
            found.append(Bundle(f"pagefind/{FULL_TEXT}/tin-{name}", glob))
            group = []
        if year is not None:
            group.append((year, pages))
    return found


def check_glob(output: pathlib.Path) -> None:
    for path in sorted(output.rglob("*.html")):
        rel = path.relative_to(output).as_posix()
        if rel.startswith("pagefind/") or any(part.match(rel) for part in _GLOB_PARTS):
            continue
        if "data-pagefind-body" in path.read_text(encoding="utf-8"):
            raise SearchIndexError(f"{rel} có data-pagefind-body nhưng nằm ngoài các trang Pagefind đọc "
                                   f"({GLOB}): thêm đường dẫn của nó vào PATTERNS trong plugins/cchc_search/index.py.")


def build(output: pathlib.Path, bundle_pages: int = BUNDLE_PAGES, started=None) -> None:
    """Index the pages of `output` into its pagefind/ (headline index, full-text bundles and their
    list), running as many Pagefind processes at once as there are cores, then put the new folder in
    place of the old one with two renames (the preview serves it meanwhile). started(process) is
    called for each Pagefind process (the preview stops them when it closes). Raises
    SearchIndexError with Pagefind's message when a run fails."""
    todo = bundles(output, bundle_pages)
    work = pathlib.Path(tempfile.mkdtemp(prefix=".tim-kiem-", dir=output))
    try:
        running: list[tuple[Bundle, subprocess.Popen]] = []
        pending = list(todo)
        failures = []
        limit = max(1, os.cpu_count() or 1)
        while pending or running:
            while pending and len(running) < limit:
                bundle = pending.pop(0)
                target = work / bundle.path
                process = subprocess.Popen(bundle.command(str(output), str(target)), stdout=subprocess.PIPE,
                                           stderr=subprocess.STDOUT, text=True)
                running.append((bundle, process))
                if started is not None:
                    started(process)
            bundle, process = running.pop(0)
            message, _ = process.communicate()
            if process.returncode != 0:
                failures.append(f"{bundle.path}: {(message or '').strip()[-2000:]}")
        if failures:
            raise SearchIndexError("Không tạo được chỉ mục tìm kiếm (Pagefind): " + "; ".join(failures))
        listing = {"bundles": [f"{b.path.split('/', 1)[1]}/" for b in todo if b.path != "pagefind"]}
        (work / "pagefind" / FULL_TEXT / "danh-sach.json").write_text(json.dumps(listing, ensure_ascii=False),
                                                                       encoding="utf-8")
        live = output / "pagefind"
        if live.exists():
            live.rename(work / "cu")
        (work / "pagefind").rename(live)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def finalized(pelican):
    if not pelican.settings.get("CCHC_SEARCH", True):
        return
    output = pathlib.Path(pelican.output_path)
    check_glob(output)
    build(output, pelican.settings.get("CCHC_SEARCH_BUNDLE_PAGES", BUNDLE_PAGES))
