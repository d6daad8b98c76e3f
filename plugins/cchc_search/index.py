"""finalized handler of cchc_search (module level: blinker keeps only weak references), and the
bundles of the search index, also used by the preview (cchc.incremental)."""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import importlib.metadata
import json
import logging
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from cchc import addresses

logger = logging.getLogger(__name__)


class SearchIndexError(RuntimeError):
    pass


# Where the pages that carry data-pagefind-body live (articles, procedures, pages). Pagefind reads
# only these: parsing the listing pages too cost a third of its time and memory at 5,000 articles
# (benchmarks/HISTORY.md). check_glob() makes sure no indexable page falls outside them. The
# procedures' are where the settings put them (procedure_pages), passed to what indexes them.
ARTICLES = "tin-tuc/*/*/*/index.html"
PAGES = "*/index.html"  # "*": one path segment


def procedure_pages(settings) -> str:
    """The procedure pages' glob ("*": one path segment), from CCHC_PROCEDURE_SAVE_AS."""
    return addresses.glob(settings["CCHC_PROCEDURE_SAVE_AS"])


def _glob(procedures: str) -> str:
    return "{" + ",".join((ARTICLES, procedures, PAGES)) + "}"


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
# Pagefind still parses what the selectors leave out, and keeps the ids in it as anchors: the
# headline index is made from copies of the article pages reduced to the article without its text
# (headline_page), so that it depends on nothing else. An edit of an article's text then leaves the
# headline index as it was (kept in the cache), and Pagefind indexes R in 5.2 s instead of 9.3 s.
_ARTICLE = (b'<article class="cc-article"', b'<div class="cc-article__body cc-prose" id="noi-dung">',
            b'<footer class="cc-article__footer" data-pagefind-ignore>', b"</article>")  # article.html


def headline_page(data: bytes) -> bytes:
    """An article page as the headline index reads it: the <article> element without its text
    (every data-pagefind-* attribute of the page is in it); any other page as it is."""
    start = data.find(_ARTICLE[0])
    body = data.find(_ARTICLE[1], start)
    footer = data.find(_ARTICLE[2], body)
    end = data.find(_ARTICLE[3], footer)
    if min(start, body, footer, end) == -1:
        return data
    return (b'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"></head><body>'
            + data[start:body] + data[footer:end + len(_ARTICLE[3])] + b"</body></html>")


FULL_TEXT = "toan-van"  # pagefind/toan-van/<bundle>/ and the list pagefind/toan-van/danh-sach.json
# Pagefind needs about 300 KB of memory per page it indexes in full (benchmarks/HISTORY.md): 1.8 GB
# for the 6,000 pages of the reference site in one index. Full-text bundles of at most this many
# pages keep each Pagefind process under 1 GB; articles are grouped by whole years.
BUNDLE_PAGES = 2000


BODY = b"data-pagefind-body"  # pages without it are not indexed (Pagefind's rule when any page has it)


@dataclasses.dataclass(frozen=True)
class Read:
    """The pages of a bundle when its index was begun: key (what Pagefind's answer depends on: its
    version, the bundle's options and the bytes of every page it indexes), modification time and
    size of each page its glob takes, and the pages Pagefind indexes."""
    key: str
    stamps: dict[str, tuple[int, int]]
    indexed: set[str]

    def changed(self, bundle: Bundle, output: pathlib.Path) -> bool:
        """Whether a page Pagefind indexes (then or now) was written, added or removed since. A
        bundle begun before the last page was written (the headline index, while Pelican writes
        procedures) is then made again."""
        now = {}
        for page in bundle.files(output):
            stat = page.stat()
            now[page.relative_to(output).as_posix()] = (stat.st_mtime_ns, stat.st_size)
        for rel in sorted(now.keys() | self.stamps.keys()):
            if now.get(rel) != self.stamps.get(rel) and (rel in self.indexed or (
                    rel in now and BODY in (output / rel).read_bytes())):
                logger.debug("Search index: %s is indexed again (%s was written since it was begun).", bundle.path, rel)
                return True
        return False


@dataclasses.dataclass(frozen=True)
class Bundle:
    path: str                      # folder under the output: "pagefind" or "pagefind/toan-van/…"
    glob: str
    excludes: tuple[str, ...] = ()
    headline: bool = False         # made from headline_page copies of the pages

    def files(self, output: pathlib.Path) -> list[pathlib.Path]:
        """The pages of the output this bundle's glob takes ("*" is one path segment)."""
        found = set()
        for pattern in self.glob.strip("{}").split(","):
            found.update(output.glob(pattern))
        return sorted(found)

    def read(self, output: pathlib.Path) -> tuple[Read, dict[str, bytes]]:
        """The pages this bundle is made from, as they are now, and for the headline index the
        copies Pagefind reads ({path: bytes})."""
        digest = hashlib.sha256(json.dumps([importlib.metadata.version("pagefind"), self.glob, self.excludes,
                                            self.headline]).encode())
        stamps, bodies, others, copies = {}, {}, {}, {}
        for page in self.files(output):
            rel = page.relative_to(output).as_posix()
            stat = page.stat()
            stamps[rel] = (stat.st_mtime_ns, stat.st_size)
            data = page.read_bytes()
            if BODY in data:
                if self.headline:
                    data = copies[rel] = headline_page(data)
                bodies[rel] = hashlib.sha256(data).digest()
            else:
                others[rel] = hashlib.sha256(data).digest()
        # Pagefind reads only the pages with data-pagefind-body (not, e.g., the listings Pelican is
        # still writing), or every page when none has it (a site without articles yet).
        read = bodies or others
        for rel in sorted(read):
            digest.update(rel.encode() + b"\0" + read[rel])
        indexed = set(read)
        return Read(digest.hexdigest(), stamps, indexed), copies

    def command(self, site: str, output_path: str) -> list[str]:
        # --force-language: Pagefind has no Vietnamese stemmer; "vi" keeps words whole, one index.
        command = [sys.executable, "-m", "pagefind", "--site", site, "--output-path", output_path,
                   "--force-language", "vi", "--glob", self.glob, "--silent"]
        for selector in self.excludes:
            command += ["--exclude-selectors", selector]
        return command


def bundles(output: pathlib.Path, procedures: str, bundle_pages: int = BUNDLE_PAGES) -> list[Bundle]:
    """The headline index and the full-text bundles for the pages now in the output (procedures:
    procedure_pages(settings))."""
    found = [Bundle("pagefind", HEADLINE, HEADLINE_EXCLUDES, headline=True)]
    if any(output.glob(procedures)):
        found.append(Bundle(f"pagefind/{FULL_TEXT}/thu-tuc", procedures))
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


def check_glob(output: pathlib.Path, procedures: str) -> None:
    parts = [re.compile("^" + re.escape(p).replace(r"\*", "[^/]+") + "$") for p in (ARTICLES, procedures, PAGES)]
    for path in sorted(output.rglob("*.html")):
        rel = path.relative_to(output).as_posix()
        if rel.startswith("pagefind/") or any(part.match(rel) for part in parts):
            continue
        if BODY in path.read_bytes():
            raise SearchIndexError(f"{rel} có data-pagefind-body nhưng nằm ngoài các trang Pagefind đọc "
                                   f"({_glob(procedures)}): thêm đường dẫn của nó vào plugins/cchc_search/index.py.")


class Indexing:
    """One index of one output folder, made in a temporary folder inside it: bundles are started as
    their pages are written (start), at most one Pagefind process per core, and put in place at the
    end (finish) with two renames, so the preview serves the old index until then. started(process)
    is called for each Pagefind process (the preview stops them when it closes).

    With a cache folder (CACHE_PATH/cchc-search), a bundle whose pages are byte for byte those of
    the last build is copied from there instead of being indexed again: after one article is
    edited, only its years' bundle and the headline index are made (Pagefind's time was 14 of the
    123 s of such a build at 5,000 articles, benchmarks/HISTORY.md). The cache keeps the bundles of
    the last build only."""

    def __init__(self, output: pathlib.Path, procedures: str, bundle_pages: int = BUNDLE_PAGES, started=None,
                 cache: pathlib.Path | None = None):
        self.output, self.bundle_pages, self.started, self.cache = output, bundle_pages, started, cache
        self.procedures = procedures  # procedure_pages(settings)
        self.kept: set[str] = set()            # cache entries this index uses
        self.work = pathlib.Path(tempfile.mkdtemp(prefix=".tim-kiem-", dir=output))
        self.pending: list[Bundle] = []
        self.running: list[tuple[Bundle, subprocess.Popen, object, str | None]] = []  # output file, cache key
        self.begun: set[str] = set()
        self.reads: dict[str, Read] = {}          # bundle path → its pages when it was begun
        self.copies: list[pathlib.Path] = []      # folders of headline_page copies
        self.failures: list[str] = []
        self.lock = threading.Lock()
        self.thread = None

    def start(self, wanted, limit: int) -> list[Bundle]:
        """Queue the bundles that `wanted(bundle)` accepts and run them in a background thread, at
        most `limit` Pagefind processes at once. Returns every bundle of the output as it is now."""
        every = bundles(self.output, self.procedures, self.bundle_pages)
        with self.lock:
            for bundle in every:
                if bundle.path not in self.begun and wanted(bundle):
                    self.begun.add(bundle.path)
                    self.pending.append(bundle)
            self.limit = limit
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, daemon=True)
                self.thread.start()
        return every

    def _run(self) -> None:
        try:
            self._loop()
        except Exception as error:  # noqa: BLE001 - finish() reports it; the build must not go on without an index
            with self.lock:
                self.failures.append(f"{type(error).__name__}: {error}")

    def _loop(self) -> None:
        while True:
            with self.lock:
                while self.pending and len(self.running) < self.limit:
                    bundle = self.pending.pop(0)
                    read, copies = bundle.read(self.output)
                    self.reads[bundle.path] = read
                    key = self.cache and read.key
                    if key and (self.cache / key).is_dir():
                        # dirs_exist_ok: the headline index's folder holds the full-text bundles' folder
                        shutil.copytree(self.cache / key, self.work / bundle.path, dirs_exist_ok=True)
                        self.kept.add(key)
                        logger.debug("Search index: %s unchanged since the last build.", bundle.path)
                        continue
                    log = tempfile.TemporaryFile("w+", encoding="utf-8")  # a file, not a pipe nobody drains
                    site = self.output
                    if bundle.headline and copies:
                        # Outside the output: the sitemap and the compression walk it meanwhile.
                        site = pathlib.Path(tempfile.mkdtemp(prefix="cchc-tim-kiem-"))
                        self.copies.append(site)
                        for rel, data in copies.items():
                            (site / rel).parent.mkdir(parents=True, exist_ok=True)
                            (site / rel).write_bytes(data)
                    process = subprocess.Popen(bundle.command(str(site), str(self.work / bundle.path)),
                                               stdout=log, stderr=subprocess.STDOUT, text=True)
                    self.running.append((bundle, process, log, key))
                    if self.started is not None:
                        self.started(process)
                if not self.running:
                    return
            time.sleep(0.05)
            with self.lock:
                for job in [job for job in self.running if job[1].poll() is not None]:
                    bundle, process, log, key = job
                    self.running.remove(job)
                    if process.returncode != 0:
                        log.seek(0)
                        self.failures.append(f"{bundle.path}: {log.read().strip()[-2000:]}")
                    elif key:
                        self._keep(bundle, key)
                    log.close()

    def _keep(self, bundle: Bundle, key: str) -> None:
        """A copy of a new bundle in the cache, put there with one rename (never half a bundle)."""
        self.cache.mkdir(parents=True, exist_ok=True)
        copy = pathlib.Path(tempfile.mkdtemp(prefix=".moi-", dir=self.cache))
        try:
            # Without the full-text bundles inside the headline index's folder: each is kept on its own.
            shutil.copytree(self.work / bundle.path, copy / "bundle",
                            ignore=lambda folder, names: [FULL_TEXT] if folder == str(self.work / "pagefind") else [])
            (copy / "bundle").rename(self.cache / key)
            self.kept.add(key)
        except OSError:  # a full disk, or another build kept the same bundle: the cache is optional
            pass
        finally:
            shutil.rmtree(copy, ignore_errors=True)

    def _clear(self, bundle: Bundle) -> None:
        """Forget a bundle begun too early: its folder (the headline index's without the full-text
        bundles inside it) and its copy in the cache."""
        self.kept.discard(self.reads.pop(bundle.path).key)
        self.begun.discard(bundle.path)
        folder = self.work / bundle.path
        for entry in folder.iterdir() if folder.is_dir() else ():
            if bundle.path != "pagefind" or entry.name != FULL_TEXT:
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()

    def _prune(self) -> None:
        """The cache keeps the bundles of this build only."""
        if self.cache is None or not self.cache.is_dir():
            return
        for entry in self.cache.iterdir():
            if entry.name not in self.kept:
                shutil.rmtree(entry, ignore_errors=True)

    def finish(self) -> None:
        """Index what is not indexed yet, wait for every bundle, then put the index in place.
        Raises SearchIndexError with Pagefind's messages when a run failed."""
        try:
            for _round in range(2):  # the second round, after Pelican's last write, finds nothing stale
                every = self.start(lambda bundle: True, max(1, os.cpu_count() or 1))
                self.thread.join()
                if self.failures:
                    raise SearchIndexError("Không tạo được chỉ mục tìm kiếm (Pagefind): " + "; ".join(self.failures))
                stale = [b for b in every if self.reads[b.path].changed(b, self.output)]
                for bundle in stale:
                    self._clear(bundle)
                if not stale:
                    break
            names = [b.path.split("/", 1)[1] + "/" for b in every if b.path != "pagefind"]
            (self.work / "pagefind" / FULL_TEXT / "danh-sach.json").write_text(
                json.dumps({"bundles": names}, ensure_ascii=False), encoding="utf-8")
            live = self.output / "pagefind"
            if live.exists():
                live.rename(self.work / "cu")
            (self.work / "pagefind").rename(live)
            self._prune()
        finally:
            self.close()

    def close(self) -> None:
        with self.lock:
            self.pending.clear()
            for _bundle, process, log, _key in self.running:
                if process.poll() is None:
                    process.kill()
                log.close()
            self.running.clear()
        if self.thread is not None:
            self.thread.join()
        shutil.rmtree(self.work, ignore_errors=True)
        for folder in self.copies:
            shutil.rmtree(folder, ignore_errors=True)


def build(output: pathlib.Path, procedures: str, bundle_pages: int = BUNDLE_PAGES, started=None) -> None:
    """Index the pages of `output` into its pagefind/ (headline index, full-text bundles and their
    list), running as many Pagefind processes at once as there are cores (the preview's index)."""
    Indexing(output, procedures, bundle_pages, started).finish()


def preview_index(output: pathlib.Path, settings, started=None) -> None:
    """The preview's index after each update (cchc/updates.py `background`); SearchIndexError's
    text is printed by the preview."""
    build(output, procedure_pages(settings), started=started)


_current: Indexing | None = None


def _forget() -> None:
    global _current
    if _current is not None:
        _current.close()
        _current = None


atexit.register(_forget)


def _bundle_pages(settings) -> int:
    return settings.get("CCHC_SEARCH_BUNDLE_PAGES", BUNDLE_PAGES)


def _cache(settings) -> pathlib.Path | None:
    return pathlib.Path(settings["CACHE_PATH"]).resolve() / "cchc-search" if settings.get("CACHE_PATH") else None


def article_writer_finalized(generator, writer=None):
    """Every article page is written: index their full text on one core while Pelican writes the
    rest on the other (at 5,000 articles this is most of Pagefind's time)."""
    global _current
    settings = generator.settings
    if not settings.get("CCHC_SEARCH", True):
        return
    _forget()
    _current = Indexing(pathlib.Path(generator.output_path).resolve(), procedure_pages(settings), _bundle_pages(settings),
                        cache=_cache(settings))
    _current.start(lambda bundle: bundle.path.startswith(f"pagefind/{FULL_TEXT}/tin-"), 1)


def page_writer_finalized(generator, writer=None):
    """Every article and ordinary page is written: begin the headline index, while Pelican writes
    procedures and the plan (finish() makes it again if one of its pages is written after this)."""
    if _current is not None and _current.output == pathlib.Path(generator.output_path).resolve():
        _current.start(lambda bundle: bundle.path == "pagefind", 1)


def finalized(pelican):
    global _current
    enabled = pelican.settings.get("CCHC_SEARCH", True)
    output = pathlib.Path(pelican.output_path).resolve()
    indexing, _current = _current, None
    if indexing is not None and (not enabled or indexing.output != output):  # another build's
        indexing.close()
        indexing = None
    if not enabled:
        return
    try:
        check_glob(output, procedure_pages(pelican.settings))
    except SearchIndexError:
        if indexing is not None:
            indexing.close()
        raise
    settings = pelican.settings
    (indexing or Indexing(output, procedure_pages(settings), _bundle_pages(settings), cache=_cache(settings))).finish()
