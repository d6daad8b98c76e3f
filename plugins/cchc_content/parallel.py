"""Markdown and typogrify for every article and page in worker processes, ahead of Pelican's reading.

Pelican reads one file after another in one process. At 5,000 articles, converting the Markdown
(≈ 2 ms a file with the Markdown object) and typogrify on the converted text (≈ 1.7 ms) were about
half of the build's CPU time, on one of the two cores (benchmarks/HISTORY.md). Pelican has no
setting to read in parallel, and its readers return Content objects tied to the whole settings, so
the files themselves cannot be read elsewhere. What can: the pure text work. When the generators
are made, every Markdown file they will read is given to a pool of worker processes (fork), which
return for each file what the reader and Pelican would compute from its text: the HTML, the
Markdown header (Python-Markdown's Meta), the Summary's HTML, and typogrify applied to the HTML, the
Summary and the title with Pelican's own arguments. The reader then uses them when the file's bytes
are unchanged (SHA-256), and computes them itself otherwise; Pelican's calls to typogrify get the
worker's answer for exactly the same text and arguments, and compute any other. Everything an
editor can get wrong is still reported by the reader in the main process: the workers report
nothing. The output is byte for byte that of reading in one process (tests/test_site.py builds both).

The answers are also kept in CACHE_PATH/cchc-reading/ (Store), under the SHA-256 of each file's
bytes, for the next build: a publication after one edit converts one file instead of 5,000 (25 s
of the build at 5,000 articles, benchmarks/HISTORY.md). They are a pure function of the bytes, the
settings above and the code, so the store is used only when all three are the same (fingerprint):
any change of the project's Python code, of the Markdown/typogrify packages or of these settings
starts an empty store. It is JSON, never pickle: a cache file is data, not code. Pelican's own
reader cache is not used: it would skip the reader, and with it every check an editor relies on.

Settings read: CCHC_PARALLEL_READING (default True: when at least MIN_FILES files are read; False:
never; a number: when at least that many files are read, as tests/test_site.py sets it), CACHE_PATH,
MARKDOWN, FORMATTED_FIELDS, TYPOGRIFY, TYPOGRIFY_DASHES, TYPOGRIFY_IGNORE_TAGS, TYPOGRIFY_OMIT_FILTERS.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.metadata
import json
import logging
import multiprocessing
import os
import pathlib
import tempfile

import smartypants
import typogrify.filters
from markdown import Markdown
from pelican.generators import ArticlesGenerator

from cchc import updates

log = logging.getLogger(__name__)
MIN_FILES = 200  # fewer files are read faster than a pool starts (≈ 1.5 s on the 31 of content/)
_real_typogrify = typogrify.filters.typogrify


def typogrify_arguments(settings) -> tuple[tuple, dict]:
    """The arguments Pelican's readers.read_file passes to typogrify (Pelican 4.12)."""
    return (settings["TYPOGRIFY_IGNORE_TAGS"],), dict.fromkeys(settings["TYPOGRIFY_OMIT_FILTERS"], False)


def _smartypants_attributes(settings) -> None:
    # As Pelican's read_file sets them before its first typogrify (a worker may start earlier).
    dashes = settings["TYPOGRIFY_DASHES"]
    if dashes == "oldschool":
        smartypants.Attr.default = smartypants.Attr.set2
    elif dashes == "oldschool_inverted":
        smartypants.Attr.default = smartypants.Attr.set3
    else:
        smartypants.Attr.default = smartypants.Attr.set1
    smartypants.Attr.default |= smartypants.Attr.w


_settings = None  # the build's settings, inherited by the forked workers


def _work(path: str):
    """In a worker (or in the main process for the files no worker read): (sha256 of the bytes, HTML, Meta, formatted header fields {text: HTML}, typogrify
    answers {text: typographic text}), or None when the file is not plain UTF-8 text (the reader
    reports it). The formatted fields (Summary) are converted as Pelican's _parse_metadata does,
    with the same Markdown object after the body; typogrify is applied to the body, the Summary's
    HTML and the title, as Pelican's read_file does."""
    from .reader import CONTROL  # noqa: PLC0415

    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if CONTROL.search(text) or not text.strip():
        return None
    md = Markdown(**_settings["MARKDOWN"])
    html = md.convert(text)
    meta = getattr(md, "Meta", None)
    formatted = {}
    if meta:
        md.preprocessors.deregister("meta")
        for name, value in meta.items():
            if name.lower() in _settings["FORMATTED_FIELDS"]:
                joined = "\n".join(value)
                md.reset()
                formatted[joined] = md.convert(joined)
    answers = {}
    if _settings["TYPOGRIFY"]:
        _smartypants_attributes(_settings)
        args, kwargs = typogrify_arguments(_settings)
        texts = [html, *formatted.values(), *(meta or {}).get("title", [])[:1]]
        answers = {t: _real_typogrify(t, *args, **kwargs) for t in texts if t}
    return hashlib.sha256(raw).hexdigest(), html, meta, formatted, answers


class Converted:
    """What the reader's _parse_metadata asks of its Markdown object, answered with the worker's
    conversions of the same texts; a real Markdown object only for a text the worker did not see."""

    def __init__(self, settings, formatted: dict[str, str]):
        self.settings, self.formatted, self.markdown = settings, formatted, None
        self.preprocessors = self

    def deregister(self, name, strict=True):  # preprocessors.deregister("meta")
        pass

    def reset(self):
        if self.markdown is not None:
            self.markdown.reset()
        return self

    def convert(self, text: str) -> str:
        if text in self.formatted:
            return self.formatted[text]
        if self.markdown is None:
            self.markdown = Markdown(**self.settings["MARKDOWN"])
            self.markdown.preprocessors.deregister("meta")
        return self.markdown.convert(text)


_READ_SETTINGS = ("MARKDOWN", "FORMATTED_FIELDS", "TYPOGRIFY", "TYPOGRIFY_DASHES", "TYPOGRIFY_IGNORE_TAGS",
                  "TYPOGRIFY_OMIT_FILTERS")
_PACKAGES = ("markdown", "typogrify", "smartypants", "pelican")
_CODE = pathlib.Path(__file__).resolve().parents[2]  # the project: plugins/ and cchc/


def fingerprint(settings) -> str:
    """What the answers of _work depend on besides a file's bytes: the reading settings (objects in
    them, e.g. Markdown extensions, by their class), the installed packages and the project's code."""
    def name(value):
        kind = value if callable(value) and hasattr(value, "__qualname__") else type(value)
        return f"{kind.__module__}.{kind.__qualname__}"

    digest = hashlib.sha256(json.dumps({key: settings.get(key) for key in _READ_SETTINGS}, default=name,
                                       sort_keys=True).encode())
    for package in _PACKAGES:
        digest.update(f"{package}={importlib.metadata.version(package)};".encode())
    for folder in ("plugins", "cchc"):
        for source in sorted((_CODE / folder).rglob("*.py")):
            digest.update(source.relative_to(_CODE).as_posix().encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


class Store:
    """What the last build computed from the files' text, in CACHE_PATH/cchc-reading/<fingerprint>.json:
    "files" {sha256 of a file's bytes: [HTML, Meta, formatted, answers]} and "sanitized" (the
    allowlist's answers, see remember). Only the answers a build used are written back, and only
    when they differ from what was loaded: the store never grows past one site."""

    SECTIONS = ("files", "sanitized")

    def __init__(self, settings):
        self.folder = pathlib.Path(settings["CACHE_PATH"]).resolve() / "cchc-reading"
        self.file = self.folder / f"{fingerprint(settings)}.json"
        self.loaded: dict[str, dict[str, list]] = {section: {} for section in self.SECTIONS}
        self.used: dict[str, dict[str, list]] = {section: {} for section in self.SECTIONS}
        try:
            with open(self.file, encoding="utf-8") as handle:
                loaded = json.load(handle)
        except (OSError, ValueError):  # none yet, or unreadable: the answers are computed again
            loaded = {}
        for section in self.SECTIONS:
            if isinstance(loaded, dict) and isinstance(loaded.get(section), dict):
                self.loaded[section] = loaded[section]

    def get(self, digest: str):
        answer = self.loaded["files"].get(digest)
        if not (isinstance(answer, list) and len(answer) == 4):
            return None
        return (digest, *answer)

    def keep(self, done) -> None:
        self.used["files"][done[0]] = list(done[1:])

    def remember(self, section: str, key: str, compute):
        """compute(), or its answer for the same key in the last build (a list)."""
        answer = self.loaded[section].get(key)
        if not isinstance(answer, list):
            answer = compute()
        self.used[section][key] = answer
        return answer

    def save(self) -> None:
        if all(self.used[s].keys() == self.loaded[s].keys() for s in self.SECTIONS):
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in self.folder.glob("*.json"):  # another fingerprint: older code or settings
            if stale != self.file:
                stale.unlink(missing_ok=True)
        handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.folder, suffix=".tmp", delete=False)
        try:
            with handle:
                json.dump(self.used, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(handle.name, self.file)
        except BaseException:
            os.unlink(handle.name)
            raise


def remember(section: str, key_text: str, compute):
    """compute() for a text, kept in the reading cache for the next build when there is one (the
    allowlist's answers for an article's HTML: 3 s of a build at 5,000 articles). compute must
    return a JSON list and depend only on key_text and the project's code."""
    store = PREFETCH.store
    if store is None:
        return compute()
    return store.remember(section, hashlib.sha256(key_text.encode("utf-8", "surrogatepass")).hexdigest(), compute)


class Prefetch:
    def __init__(self):
        self.pool = None
        self.store: Store | None = None
        self.seen = 0
        self.used = 0
        self.stored = 0
        self.pending: dict[str, object] = {}   # path → a worker's job, or its answer from the store
        self.typographic: dict[str, str] = {}

    def start(self, settings, paths: list[str]) -> None:
        global _settings
        if _settings is not settings:  # a new build: what an earlier one left is stale
            self.close()
        _settings = settings
        if self.store is None and settings.get("CACHE_PATH"):
            self.store = Store(settings)
        paths = [p for p in paths if p not in self.pending]
        if self.store is not None:
            missing = []
            for path in paths:
                stored = self.store.get(_digest(path))
                if stored is None:
                    missing.append(path)
                else:
                    self.pending[path] = stored
            paths = missing
        wanted = settings.get("CCHC_PARALLEL_READING", True)
        if (wanted is False or (os.cpu_count() or 1) < 2
                or multiprocessing.current_process().daemon):  # the preview's worker may have no children
            return
        self.seen += len(paths)
        if self.seen < (MIN_FILES if wanted is True else int(wanted)):
            return
        if self.pool is None:
            self.pool = multiprocessing.get_context("fork").Pool(os.cpu_count())
        for path in paths:
            self.pending[path] = self.pool.apply_async(_work, (path,))

    def take(self, path: str, raw: bytes):
        """The (HTML, Meta, Converted) of this file, from the store or a worker if its bytes are
        those they had, else (with a store) from _work here, so that the next build has them; None
        when the reader is to read the file itself."""
        job = self.pending.pop(path, None)
        digest = hashlib.sha256(raw).hexdigest()
        if job is None and self.store is None:
            return None
        try:
            done = _work(path) if job is None else job if isinstance(job, tuple) else job.get()
        except Exception:  # noqa: BLE001 - the reader then reads the file itself, and reports
            return None
        if done is None or done[0] != digest:
            return None
        _digest, html, meta, formatted, answers = done
        if isinstance(job, tuple):
            self.stored += 1
        elif job is not None:
            self.used += 1
        if self.store is not None:
            self.store.keep(done)
        self.typographic.update(answers)
        return html, meta, Converted(_settings, formatted)

    def finish(self) -> None:
        """Every file is read: the answers used are kept for the next build."""
        if self.store is not None:
            try:
                self.store.save()
            except OSError as error:  # a full disk costs the next build time, not this one its pages
                log.debug("Reading cache not saved: %s", error)
        self.close()

    def close(self) -> None:
        if self.used:
            log.debug("Parallel reading: %d files read by the worker processes.", self.used)
        if self.stored:
            log.debug("Reading cache: %d files unchanged since the last build.", self.stored)
        self.seen = self.used = self.stored = 0
        self.store = None
        self.pending.clear()
        self.typographic.clear()
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


def _digest(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return ""


PREFETCH = Prefetch()
atexit.register(PREFETCH.close)


def typogrify_with_prefetch(text, *args, **kwargs):
    """typogrify, answered from the workers for a text they typogrified with these arguments."""
    if text in PREFETCH.typographic and (args, kwargs) == typogrify_arguments(_settings):
        return PREFETCH.typographic.pop(text)
    return _real_typogrify(text, *args, **kwargs)


# Pelican's read_file imports typogrify from typogrify.filters on every call.
typogrify.filters.typogrify = typogrify_with_prefetch


def generator_init(generator) -> None:
    """article_generator_init / page_generator_init: hand the generator's Markdown files to the pool."""
    from .reader import CheckedMarkdownReader  # noqa: PLC0415

    if updates.rerunning() and not updates.rereading_everything():  # the preview's run after a
        return  # save reads only the saved files (after a data file's, every file: from the store)
    kind = "ARTICLE" if isinstance(generator, ArticlesGenerator) else "PAGE"
    settings = generator.settings
    files = generator.get_files(settings[f"{kind}_PATHS"], exclude=settings[f"{kind}_EXCLUDES"],
                                extensions=tuple(CheckedMarkdownReader.file_extensions))
    PREFETCH.start(settings, [os.path.abspath(os.path.join(generator.path, f)) for f in sorted(files)])


def finished() -> None:
    """Every file is read (checks.all_generators_finalized): the answers are kept, the workers can go."""
    PREFETCH.finish()
