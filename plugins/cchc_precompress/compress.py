from __future__ import annotations

import atexit
import hashlib
import logging
import multiprocessing
import os
import pathlib
import re
import shutil
import time
import zlib

import brotli

log = logging.getLogger(__name__)

EXTENSIONS = {".html", ".css", ".js", ".xml", ".json", ".svg", ".txt", ".csv"}
MIN_SIZE = 20  # bytes; smaller files are never worth a second copy
# Brotli quality by how long a file lives in the reader's cache (measured on 300 article pages of the
# reference site, benchmarks/HISTORY.md): quality 11 makes an article page 9 % smaller than quality 5
# (5,178 against 5,696 bytes) for 70 times the time (49 ms against 0.7 ms), which on every page of a
# 5,000-article site was two thirds of the build. Pages change with every build and are fetched once;
# the theme's CSS, JS and icons, files whose name carries their content's hash (the finder's data)
# and Pagefind's runtime are fetched once and kept for a year, so they keep quality 11.
PAGE_QUALITY = 5
ASSET_QUALITY = 11
_FINGERPRINTED = re.compile(r"\.[0-9a-f]{10}\.[a-z]+$")


def quality_for(relative: str) -> int:
    """Brotli quality of a file of the output (a path relative to it, with "/")."""
    if (relative.startswith("theme/") or _FINGERPRINTED.search(relative)
            or (relative.startswith("pagefind/") and relative.count("/") == 1)):
        return ASSET_QUALITY
    return PAGE_QUALITY


def compress_brotli(data: bytes, quality: int) -> bytes:
    return brotli.compress(data, mode=brotli.MODE_TEXT, quality=quality)


def compress_gzip(data: bytes, quality: int) -> bytes:
    # A raw zlib stream in a gzip wrapper: the header carries no time and no name, so two builds of
    # the same page give the same bytes. Level 9 costs no more than level 6 on these pages (0.62 ms
    # against 0.57 ms for 6,050 against 6,054 bytes) and every browser takes gzip.
    compressor = zlib.compressobj(level=9, wbits=16 + zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


FORMATS = ((".br", compress_brotli), (".gz", compress_gzip))


def cache_entry(cache: pathlib.Path, digest: str, suffix: str, quality: int) -> pathlib.Path:
    # gzip entries keep their old names (level 9 always); brotli entries name their quality.
    name = f"{digest}{suffix}" if suffix == ".gz" or quality == ASSET_QUALITY else f"{digest}.q{quality}{suffix}"
    return cache / digest[:2] / name


def compress_into_cache(job: tuple[str, str | None, str, int]) -> None:
    """Compress one file's content into the cache; an empty entry records "not smaller". digest None:
    the file was just written and is hashed here (cache warming while Pelican writes the rest)."""
    path, digest, cache, quality = job
    try:
        data = pathlib.Path(path).read_bytes()
    except OSError:  # written and removed again (a failed build cleaning up): nothing to warm
        return
    if len(data) < MIN_SIZE:
        return
    digest = digest or hashlib.sha256(data).hexdigest()
    for suffix, compress in FORMATS:
        entry = cache_entry(pathlib.Path(cache), digest, suffix, quality)
        if entry.exists():
            continue
        blob = compress(data, quality)
        entry.parent.mkdir(parents=True, exist_ok=True)
        partial = entry.with_name(f".{entry.name}.{os.getpid()}")
        partial.write_bytes(blob if len(blob) < len(data) else b"")
        os.replace(partial, entry)


def compress_all_into_cache(jobs: list[tuple[str, str | None, str, int]]) -> None:
    for job in jobs:
        compress_into_cache(job)


def cache_folder(settings) -> pathlib.Path:
    return pathlib.Path(settings["CACHE_PATH"]).resolve() / "precompress"


def extensions_of(settings) -> set[str]:
    return set(settings.get("CCHC_PRECOMPRESS_EXTENSIONS", EXTENSIONS))


class Warmer:
    """Compresses pages into the cache in worker processes while Pelican goes on writing, and while
    Pagefind indexes: on two cores the compression then costs almost no wall time. finalized() still
    hashes every file of the output and compresses whatever the warmer missed or saw half-written, so
    the copies never depend on timing."""

    BATCH = 32  # files a job: one job a file cost the build 0.5 ms of pickling each (4 s at 9,000 pages)

    def __init__(self):
        self.pool = None
        self.settings = None
        self.batch: list[tuple] = []
        self.pending: list = []

    def start(self, settings) -> None:
        self.close()
        if not settings.get("CCHC_PRECOMPRESS"):
            return
        self.settings = settings
        self.output = os.path.realpath(settings["OUTPUT_PATH"])
        self.output_given = os.path.abspath(settings["OUTPUT_PATH"])
        self.cache = str(cache_folder(settings))
        self.extensions = extensions_of(settings)
        # The workers are forked now, before the build starts a thread: a process forked while the
        # search index's thread is inside subprocess.Popen keeps Popen's pipe open, and the build
        # waited for it for ever (a CI run hung 600 s). The end of the build uses them too (run).
        self.pool = multiprocessing.get_context("fork").Pool(os.cpu_count() or 1)

    def written(self, path, context=None) -> None:
        if self.settings is None or os.path.splitext(path)[1] not in self.extensions:
            return
        full, output = os.path.abspath(path), self.output_given  # realpath: a system call per folder
        if not full.startswith(output + os.sep):
            full, output = os.path.realpath(path), self.output
            if not full.startswith(output + os.sep):
                return
        relative = full[len(output) + 1:].replace(os.sep, "/")
        self.batch.append((full, None, self.cache, quality_for(relative)))
        if len(self.batch) >= self.BATCH:
            self._submit()

    def _submit(self) -> None:
        if self.batch and self.pool is not None:
            self.pending.append(self.pool.apply_async(compress_all_into_cache, (self.batch,)))
        self.batch = []

    def wait(self) -> None:
        """Every page handed over so far is compressed (or was seen half-written)."""
        self._submit()
        for job in self.pending:
            job.wait()
        self.pending = []

    def run(self, jobs) -> None:
        """Compress these (path, digest, cache, quality) jobs with the workers, then stop them."""
        pool = self.pool or multiprocessing.get_context("fork").Pool()
        try:
            for _ in pool.imap_unordered(compress_into_cache, jobs, chunksize=4):
                pass
        finally:
            self.pool = pool
            self.close()

    def close(self) -> None:
        self.batch, self.pending = [], []
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None
        self.settings = None


WARMER = Warmer()
atexit.register(WARMER.close)


def initialized(pelican) -> None:
    WARMER.start(pelican.settings)


def content_written(path, context=None) -> None:
    WARMER.written(path, context)


def feed_written(path, context=None, feed=None) -> None:
    WARMER.written(path, context)


def finalized(pelican) -> None:
    settings = pelican.settings
    if not settings.get("CCHC_PRECOMPRESS"):
        WARMER.close()
        return
    output = pathlib.Path(settings["OUTPUT_PATH"])
    cache = cache_folder(settings)
    extensions = extensions_of(settings)
    files = []
    for path in sorted(output.rglob("*")):
        if path.suffix in extensions and path.is_file() and path.stat().st_size >= MIN_SIZE:
            quality = quality_for(path.relative_to(output).as_posix())
            files.append((path, hashlib.sha256(path.read_bytes()).hexdigest(), quality))
    WARMER.wait()
    missing = {(digest, quality): path for path, digest, quality in files
               if not all(cache_entry(cache, digest, suffix, quality).exists() for suffix, _ in FORMATS)}
    jobs = [(str(path), digest, str(cache), quality) for (digest, quality), path in missing.items()]
    WARMER.run(jobs)
    now = time.time()
    for path, digest, quality in files:
        for suffix, _ in FORMATS:
            entry = cache_entry(cache, digest, suffix, quality)
            if entry.stat().st_size:
                place(entry, path.with_name(path.name + suffix))
            os.utime(entry, (now, now))
    log.info("Nén sẵn %d tệp chữ: %d nội dung mới, %d lấy lại từ bộ nhớ đệm.",
             len(files), len(missing), len(files) - len(missing))
    prune(cache, now - 86400 * settings.get("CCHC_PRECOMPRESS_KEEP_DAYS", 30))


def place(entry: pathlib.Path, target: pathlib.Path) -> None:
    """The cached copy at `target`: a hard link when the cache is on the same file system (entries
    are never changed in place, only replaced), else a copy. 18,000 copies at 5,000 articles."""
    target.unlink(missing_ok=True)
    try:
        os.link(entry, target)
    except OSError:
        shutil.copyfile(entry, target)


def prune(cache: pathlib.Path, before: float) -> None:
    for entry in cache.glob("*/*"):
        if entry.stat().st_mtime < before:
            entry.unlink(missing_ok=True)
