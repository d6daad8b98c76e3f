"""Writing records: YAML as the importer writes it, read back and checked with cchc.procedures.validate
before anything is written, through a temporary file and os.replace."""

from __future__ import annotations

import os
import tempfile

import yaml

from .. import data, vn
from ..errors import ContentError, Problem
from .validation import validate

HEADER = ("# Nhập từ Cổng Dịch vụ công quốc gia bằng cchc import-procedures — không sửa tay; "
          "phần bổ sung của phường: content/procedures/dia-phuong/{code}.yaml\n")

_STR = "tag:yaml.org,2002:str"


class _Dumper(yaml.SafeDumper):
    """Quotes every string YAML would otherwise read as another type ("1.000890", "010", "yes",
    "2026-03-05"), writes multi-line text as a block, and never uses anchors."""

    def ignore_aliases(self, data):
        return True


def _represent_str(dumper, value):
    style = None
    if dumper.resolve(yaml.ScalarNode, value, (True, False)) != _STR:
        style = '"'
    elif "\n" in value:
        style = "|"
    return dumper.represent_scalar(_STR, value, style=style)


_Dumper.add_representer(str, _represent_str)


def render(record: dict) -> str:
    body = yaml.dump(record, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000,
                     default_flow_style=False)
    return HEADER.format(code=record["ma"]) + body


def reload(text: str, path: str = "", lines: bool = False):
    """The record as cchc.data.load_yaml reads it: every scalar text, anchors, aliases, merge keys and
    tags refused (ContentError naming path and line); without the line bookkeeping unless `lines`."""
    return data.parse_yaml(vn.normalize(text), path, lines=lines)


def check(path: str, text: str) -> list[Problem]:
    try:
        raw = reload(text, path, lines=True)
    except ContentError as error:
        return list(error.problems)
    _record, problems = validate(path, raw)
    return problems


def write_atomically(path: str, text: str):
    """Writes through a temporary file in the same folder, so a crash never leaves half a file."""
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
