"""Reads the metadata header of a Markdown file as written, with line numbers.

Pelican gives plugins parsed values only; error messages need the line, and some checks need the
raw text (a date written 05/01/2026 has already become 1 May by the time Pelican hands it over).
The header follows Python-Markdown's "meta" rules: "Key: value" lines at the top, continuation
lines indented, ended by the first blank line.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache

_KEY = re.compile(r"^(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_CONTINUATION = re.compile(r"^( {4,}|\t)(?P<value>.*)$")


@dataclasses.dataclass(frozen=True)
class Field:
    key: str
    raw: str
    line: int


@lru_cache(maxsize=16384)  # (every article and page of a site of 5,000 and more, kept by the preview)
def _read(path: str, mtime_ns: int) -> dict[str, Field]:
    fields: dict[str, Field] = {}
    last = None
    with open(path, encoding="utf-8-sig") as handle:
        for number, text in enumerate(handle, 1):
            text = text.rstrip("\r\n")
            if not text.strip():
                break
            match = _KEY.match(text)
            if match:
                key = match["key"].lower()
                last = fields[key] = Field(match["key"], match["value"].strip(), number)
                continue
            match = _CONTINUATION.match(text)
            if match and last is not None:
                last = fields[last.key.lower()] = dataclasses.replace(
                    last, raw=f"{last.raw} {match['value'].strip()}"
                )
                continue
            break
    return fields


def header(path: str) -> dict[str, Field]:
    """{lower-case key: Field} of the file's metadata header; {} for files without one."""
    import os

    try:
        return _read(path, os.stat(path).st_mtime_ns)
    except (OSError, UnicodeDecodeError):
        return {}


def line_of(path: str, key: str) -> int | None:
    field = header(path).get(key.lower())
    return field.line if field else None


def line_containing(path: str, needle: str, ignore_case: bool = False) -> int | None:
    """Number of the first line of the file that contains needle (for messages about the body)."""
    if ignore_case:
        needle = needle.lower()
    try:
        with open(path, encoding="utf-8-sig") as handle:
            for number, text in enumerate(handle, 1):
                if needle in (text.lower() if ignore_case else text):
                    return number
    except (OSError, UnicodeDecodeError):
        pass
    return None
