"""The addresses of the project's sections, for code that reads them outside a build.

Every address pattern is a setting written once, in pelicanconf.py (CCHC_PROCEDURE_URL = …,
README "Addresses"). A build reads them from its settings like any other; `cchc stats`, which runs
without Pelican, reads the same file through Pelican's own read_settings (settings()). glob() and
regex() turn a pattern into what finds its files in a built site and its addresses in a log.
"""

from __future__ import annotations

import functools
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
_FIELD = re.compile(r"\{[^{}]*\}")  # {slug}, {date:%Y}: what Pelican fills in


@functools.cache
def settings() -> dict:
    """pelicanconf.py's settings (publishconf.py imports every address from it), read once."""
    from pelican.settings import read_settings

    return read_settings(str(ROOT / "pelicanconf.py"))


def glob(pattern: str) -> str:
    """The files of a pattern: "chuyen-muc/{slug}/index.html" → "chuyen-muc/*/index.html"."""
    return _FIELD.sub("*", pattern)


def regex(pattern: str, fields: dict[str, str] | None = None) -> re.Pattern:
    """The addresses of a pattern, from the site's root: "chuyen-muc/{slug}/" → ^/chuyen-muc/[^/]+/$; a
    field named in `fields` ({"slug": r"(\\d)-(\\d{6})"}) matches that expression instead."""
    fields = fields or {}
    parts, end = [], 0
    for match in _FIELD.finditer(pattern):
        parts += [re.escape(pattern[end:match.start()]), fields.get(match[0][1:-1], "[^/]+")]
        end = match.end()
    return re.compile("^/" + "".join(parts) + re.escape(pattern[end:]) + "$")
