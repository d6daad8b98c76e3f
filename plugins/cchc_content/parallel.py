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
worker's answer for exactly the same text and arguments, and compute any other. Everything an editor can get wrong is still reported by the reader in the main
process: the workers report nothing. The output is byte for byte that of reading in one process
(tests/test_site.py builds both).

Settings read: CCHC_PARALLEL_READING (default True: when at least MIN_FILES files are read; False:
never; a number: when at least that many files are read, as tests/test_site.py sets it), MARKDOWN, TYPOGRIFY, TYPOGRIFY_DASHES,
TYPOGRIFY_IGNORE_TAGS, TYPOGRIFY_OMIT_FILTERS.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import multiprocessing
import os

import smartypants
import typogrify.filters
from markdown import Markdown
from pelican.generators import ArticlesGenerator

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
    """In a worker: (sha256 of the bytes, HTML, Meta, formatted header fields {text: HTML}, typogrify
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


class Prefetch:
    def __init__(self):
        self.pool = None
        self.seen = 0
        self.used = 0
        self.pending: dict[str, object] = {}
        self.typographic: dict[str, str] = {}

    def start(self, settings, paths: list[str]) -> None:
        global _settings
        if _settings is not settings:  # a new build: what an earlier one left is stale
            self.close()
        _settings = settings
        wanted = settings.get("CCHC_PARALLEL_READING", True)
        if (wanted is False or (os.cpu_count() or 1) < 2
                or multiprocessing.current_process().daemon):  # the preview's worker may have no children
            return
        paths = [p for p in paths if p not in self.pending]
        self.seen += len(paths)
        if self.seen < (MIN_FILES if wanted is True else int(wanted)):
            return
        if self.pool is None:
            self.pool = multiprocessing.get_context("fork").Pool(os.cpu_count())
        for path in paths:
            self.pending[path] = self.pool.apply_async(_work, (path,))

    def take(self, path: str, raw: bytes):
        """The worker's (HTML, Meta, Converted) for this file if its bytes are those the worker
        read, else None."""
        job = self.pending.pop(path, None)
        if job is None:
            return None
        try:
            done = job.get()
        except Exception:  # noqa: BLE001 - the reader then reads the file itself, and reports
            return None
        if done is None or done[0] != hashlib.sha256(raw).hexdigest():
            return None
        _digest, html, meta, formatted, answers = done
        self.used += 1
        self.typographic.update(answers)
        return html, meta, Converted(_settings, formatted)

    def close(self) -> None:
        if self.used:
            log.debug("Parallel reading: %d files read by the worker processes.", self.used)
        self.seen = self.used = 0
        self.pending.clear()
        self.typographic.clear()
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


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

    kind = "ARTICLE" if isinstance(generator, ArticlesGenerator) else "PAGE"
    settings = generator.settings
    files = generator.get_files(settings[f"{kind}_PATHS"], exclude=settings[f"{kind}_EXCLUDES"],
                                extensions=tuple(CheckedMarkdownReader.file_extensions))
    PREFETCH.start(settings, [os.path.abspath(os.path.join(generator.path, f)) for f in sorted(files)])


def finished() -> None:
    """Every file is read (checks.all_generators_finalized): the workers can go."""
    PREFETCH.close()
