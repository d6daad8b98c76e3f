from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import pathlib
import shutil
import time
import zlib

import brotli

log = logging.getLogger(__name__)

EXTENSIONS = {".html", ".css", ".js", ".xml", ".json", ".svg", ".txt", ".csv"}
MIN_SIZE = 20  # bytes; smaller files are never worth a second copy


def compress_brotli(data: bytes) -> bytes:
    return brotli.compress(data, mode=brotli.MODE_TEXT, quality=11)


def compress_gzip(data: bytes) -> bytes:
    # A raw zlib stream in a gzip wrapper: the header carries no time and no name, so two builds of
    # the same page give the same bytes.
    compressor = zlib.compressobj(level=9, wbits=16 + zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


FORMATS = ((".br", compress_brotli), (".gz", compress_gzip))


def cache_entry(cache: pathlib.Path, digest: str, suffix: str) -> pathlib.Path:
    return cache / digest[:2] / f"{digest}{suffix}"


def compress_into_cache(job: tuple[str, str, str]) -> None:
    """Compress one file's content into the cache; an empty entry records "not smaller"."""
    path, digest, cache = job
    data = pathlib.Path(path).read_bytes()
    for suffix, compress in FORMATS:
        entry = cache_entry(pathlib.Path(cache), digest, suffix)
        if entry.exists():
            continue
        blob = compress(data)
        entry.parent.mkdir(parents=True, exist_ok=True)
        partial = entry.with_name(f".{entry.name}.{os.getpid()}")
        partial.write_bytes(blob if len(blob) < len(data) else b"")
        os.replace(partial, entry)


def finalized(pelican) -> None:
    settings = pelican.settings
    if not settings.get("CCHC_PRECOMPRESS"):
        return
    output = pathlib.Path(settings["OUTPUT_PATH"])
    cache = pathlib.Path(settings["CACHE_PATH"]).resolve() / "precompress"
    extensions = set(settings.get("CCHC_PRECOMPRESS_EXTENSIONS", EXTENSIONS))
    files = []
    for path in sorted(output.rglob("*")):
        if path.suffix in extensions and path.is_file() and path.stat().st_size >= MIN_SIZE:
            files.append((path, hashlib.sha256(path.read_bytes()).hexdigest()))
    missing = {digest: path for path, digest in files
               if not all(cache_entry(cache, digest, suffix).exists() for suffix, _ in FORMATS)}
    jobs = [(str(path), digest, str(cache)) for digest, path in missing.items()]
    if jobs:
        with multiprocessing.get_context("fork").Pool() as pool:
            for _ in pool.imap_unordered(compress_into_cache, jobs, chunksize=4):
                pass
    now = time.time()
    for path, digest in files:
        for suffix, _ in FORMATS:
            entry = cache_entry(cache, digest, suffix)
            if entry.stat().st_size:
                shutil.copyfile(entry, path.with_name(path.name + suffix))
            os.utime(entry, (now, now))
    log.info("Nén sẵn %d tệp chữ: %d nội dung mới, %d lấy lại từ bộ nhớ đệm.",
             len(files), len(missing), len(files) - len(missing))
    prune(cache, now - 86400 * settings.get("CCHC_PRECOMPRESS_KEEP_DAYS", 30))


def prune(cache: pathlib.Path, before: float) -> None:
    for entry in cache.glob("*/*"):
        if entry.stat().st_mtime < before:
            entry.unlink(missing_ok=True)
