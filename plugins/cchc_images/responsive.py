"""Handlers of cchc_images (module level: blinker keeps only weak references)."""

from __future__ import annotations

import html
import logging
import os
import re
import shutil
from functools import lru_cache

import jinja2
from PIL import Image

logger = logging.getLogger(__name__)

EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp"}
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_SRC = re.compile(r'\bsrc=(["\'])\{(?:static|filename)\}(?P<path>[^"\']+)\1')
_HAS = re.compile(r"\b(srcset|width|height)=", re.I)


def initialized(pelican):
    _stamps.clear()  # a new build: photos may have changed since the last one in this process
    settings = pelican.settings
    settings.setdefault("JINJA_FILTERS", {})["srcset"] = srcset_filter
    settings["JINJA_FILTERS"]["kich_thuoc"] = size_filter


def variant_path(path: str, width: int) -> str:
    stem, ext = os.path.splitext(path)
    return f"{stem}-{width}w{ext}"


@lru_cache(maxsize=8192)
def _size(full_path: str, _mtime: int) -> tuple[int, int] | None:
    try:
        with Image.open(full_path) as image:
            return image.size
    except (OSError, ValueError):
        return None


# Modification time of each photo, asked once a build: the same photos appear on thousands of
# listing pages (30,000 questions to the file system at 5,000 articles, 2-8 s of a build).
_stamps: dict[str, int | None] = {}


def image_size(full_path: str) -> tuple[int, int] | None:
    if full_path not in _stamps:
        try:
            _stamps[full_path] = os.stat(full_path).st_mtime_ns
        except OSError:
            _stamps[full_path] = None
    stamp = _stamps[full_path]
    return None if stamp is None else _size(full_path, stamp)


def srcset(rel_path: str, settings) -> tuple[str, tuple[int, int]] | None:
    """("…/anh-480w.jpg 480w, …/anh.jpg 1200w", (1200, 800)) for an image path under PATH."""
    rel_path = rel_path.lstrip("/")
    if os.path.splitext(rel_path)[1].lower() not in EXTENSIONS:
        return None
    size = image_size(os.path.join(settings["PATH"], rel_path))
    if size is None:
        return None
    base = settings["SITEURL"].rstrip("/") + "/"
    candidates = [f"{base}{variant_path(rel_path, w)} {w}w"
                  for w in settings["CCHC_IMAGE_WIDTHS"] if w < size[0]]
    candidates.append(f"{base}{rel_path} {size[0]}w")
    return ", ".join(candidates), size


@jinja2.pass_context
def srcset_filter(context, rel_path):
    """{{ article.image.path | srcset }} → the srcset attribute value ('' when not an image)."""
    result = srcset(rel_path or "", context)
    return result[0] if result else ""


@jinja2.pass_context
def size_filter(context, rel_path):
    """{{ "images/2026/anh.jpg" | kich_thuoc }} → [1200, 800] ([] when unknown): for og:image."""
    size = image_size(os.path.join(context["PATH"], (rel_path or "").lstrip("/")))
    return list(size) if size else []


def _resolve(instance, link: str) -> str | None:
    """Path under PATH of a {static}/{filename} link written in the content."""
    root = instance.settings["PATH"]
    if link.startswith("/"):
        full = os.path.normpath(os.path.join(root, link.lstrip("/")))
    else:
        full = os.path.normpath(os.path.join(os.path.dirname(instance.source_path), link))
    rel = os.path.relpath(full, root)
    return None if rel.startswith("..") else rel.replace(os.sep, "/")


def content_object_init(instance):
    content = getattr(instance, "_content", None)
    if not content or "<img" not in content:
        return

    def replace(match):
        tag = match.group(0)
        src = _SRC.search(tag)
        if not src or _HAS.search(tag):
            return tag
        rel = _resolve(instance, html.unescape(src["path"]))
        result = srcset(rel, instance.settings) if rel else None
        if not result:
            return tag
        value, (width, height) = result
        extra = (f' width="{width}" height="{height}" srcset="{html.escape(value)}"'
                 f' sizes="{instance.settings["CCHC_IMAGE_SIZES"]}"')
        end = -2 if tag.endswith("/>") else -1
        return tag[:end].rstrip() + extra + tag[end:]

    instance._content = _IMG.sub(replace, content)


def finalized(pelican):
    """Writes the smaller copies of every static image into the output (cached across builds)."""
    settings = pelican.settings
    root, output = settings["PATH"], pelican.output_path
    cache = os.path.join(settings.get("CACHE_PATH", "cache"), "cchc-images")
    made = 0
    for static_dir in settings["STATIC_PATHS"]:
        top = os.path.join(root, static_dir)
        for folder, _dirs, files in os.walk(top):
            for name in files:
                if os.path.splitext(name)[1].lower() not in EXTENSIONS:
                    continue
                full = os.path.join(folder, name)
                rel = os.path.relpath(full, root)
                size = image_size(full)
                if size is None:
                    continue
                for width in settings["CCHC_IMAGE_WIDTHS"]:
                    if width >= size[0]:
                        continue
                    made += _write_variant(full, rel, width, cache, output)
    if made:
        logger.info("cchc_images: %d ảnh thu nhỏ mới", made)


def _write_variant(full: str, rel: str, width: int, cache: str, output: str) -> int:
    target = os.path.join(output, variant_path(rel, width))
    cached = os.path.join(cache, variant_path(rel, width))
    source_mtime = os.stat(full).st_mtime_ns
    created = 0
    if not os.path.exists(cached) or os.stat(cached).st_mtime_ns != source_mtime:
        os.makedirs(os.path.dirname(cached), exist_ok=True)
        with Image.open(full) as image:
            height = round(image.height * width / image.width)
            small = image.resize((width, height), Image.Resampling.LANCZOS)
            options = {"quality": 80, "optimize": True, "progressive": True} \
                if full.lower().endswith((".jpg", ".jpeg")) else {"optimize": True}
            small.save(cached, **options)
        os.utime(cached, ns=(source_mtime, source_mtime))
        created = 1
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copy2(cached, target)
    return created
