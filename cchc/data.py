"""The plan's taxonomies, read from content/data/*.yaml: chuyên mục, nội dung (II.1 a–n), hình thức,
cơ quan and the plan with its tasks.

YAML is read with BaseLoader so every scalar stays text: "01" stays "01", "1.000890" never becomes
a float, "2026-01-22" never becomes a date (PELICAN-NOTES.md, YAML). load_yaml is the one reader of
every content, data, procedure and overlay file (and the importer's): it refuses anchors, aliases,
merge keys and tags before anything is built from them (TRUST.md, rule 5). Each file is checked here,
every value's type before it is used; a problem is a ContentError naming the file, line and key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from functools import lru_cache

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, MappingEndEvent, ScalarEvent, SequenceEndEvent, SequenceStartEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from . import vn
from .errors import ContentError, Problem
from .periods import parse_period

FILES = {
    "categories": "chuyen-muc.yaml",
    "areas": "noi-dung.yaml",
    "forms": "hinh-thuc.yaml",
    "bodies": "co-quan.yaml",
    "plan": "ke-hoach.yaml",
}


@dataclasses.dataclass(frozen=True)
class Entry:
    """One item of a taxonomy: its code (ma), its name (ten) and the rest of its fields."""

    code: str
    name: str
    fields: dict
    source: str
    line: int

    # Made once for each reading of the data files and never changed after (a data file's edit
    # makes new entries): cchc.dependencies compares them by identity between two runs.
    _cchc_unchanging = True

    def _cchc_key(self) -> tuple:
        """The same entry in any reading of the data (its file and code): a page that showed it
        depends on this entry alone (cchc.dependencies)."""
        return (self.source, self.code)

    def __fingerprint__(self) -> tuple:
        """For the preview (cchc.dependencies): an entry is its place and its fields, by value. A
        Declared fingerprint lets the preview find the files made from an entry, when an edit
        changes only fields templates show (SHOWN_ONLY) and the entry takes them in place."""
        return (self.source, self.code, self.name, self.line, repr(self.fields))

    def line_of(self, field: str) -> int:
        """Line of one field of this entry in its data file (the entry's first line if absent)."""
        return self.fields.get("__lines__", {}).get(field, self.line)

    def __getattr__(self, item):  # lets templates write entry.mo_ta, entry.ten_ngan …
        try:
            return self.__dict__["fields"][item]
        except KeyError:
            raise AttributeError(item) from None

    @staticmethod
    def _cchc_fields_of(attribute: str) -> frozenset | None:
        """For the preview (cchc.dependencies): the fields a template reads when it asks an entry for
        `attribute` (entry.name, entry.mo_ta), or None for all of them (entry.fields, a method)."""
        if attribute == "fields" or attribute == "line_of" or attribute.startswith("_"):
            return None
        return frozenset((attribute,))


# An entry made into text (repr, and str and format, which call it) shows all of its fields: the
# preview's recording of a render counts them all as read (cchc.dependencies.install adds its hook;
# nobody listens elsewhere).
ON_TEXT: list = []
_fields_repr = Entry.__repr__  # (made by dataclass)


def _entry_repr(self) -> str:
    for hook in ON_TEXT:
        hook(self)
    return _fields_repr(self)


Entry.__repr__ = _entry_repr


# Every key a lookup asked for in this process, by taxonomy (its label), whatever it found: an edit
# of the names that changes none of these answers changes no reading (the preview then takes it in
# place, cchc.incremental).
ASKED: dict[str, set[str]] = {}


class Taxonomy:
    """Ordered entries looked up by code or by any accepted spelling of the name."""

    def __init__(self, label: str, entries: list[Entry], fold_codes: bool = True):
        self.label = label
        self.entries = entries
        self._fold_codes = fold_codes
        self._asked = ASKED.setdefault(label, set())
        self._lookup: dict[str, Entry] = {}
        for entry in entries:
            names = [entry.name, *entry.fields.get("ten_khac", []), entry.fields.get("ten_ngan", "")]
            for name in filter(None, names):
                self._lookup.setdefault(vn.fold_key(name), entry)
        for entry in entries:  # codes win over names
            self._lookup[self._code_key(entry.code)] = entry

    def same_as(self, other) -> bool:
        """The same entries (by value) under the same rules: every lookup answers the same."""
        return isinstance(other, Taxonomy) and (self.label, self._fold_codes, self.entries) == (
            other.label, other._fold_codes, other.entries)

    def _code_key(self, text: str) -> str:
        # Content-area letters include "đ", which must not fold into "d".
        return vn.fold_key(text) if self._fold_codes else vn.normalize_line(text).lower()

    def get(self, text: str) -> Entry | None:
        text = vn.normalize_line(text or "")
        if not self._fold_codes:
            key = self._code_key(text)
            self._asked.add(key)
            return self._lookup.get(key)
        key = vn.fold_key(text)
        self._asked.add(key)
        found = self._lookup.get(key)
        if found is None:
            key = vn.slugify(text)
            self._asked.add(key)
            found = self._lookup.get(key)
        return found

    def answers(self) -> dict[str, str]:
        """Each key a lookup can find → the code of the entry it finds."""
        return {key: entry.code for key, entry in self._lookup.items()}

    def __getitem__(self, code: str) -> Entry:
        entry = self.get(code)
        if entry is None:
            raise KeyError(code)
        return entry

    def __iter__(self):
        return iter(self.entries)

    def __len__(self):
        return len(self.entries)

    def choices(self) -> str:
        """"tin (Tin), bai (Bài viết) …" for error messages."""
        return ", ".join(f"{e.code} ({e.name})" for e in self.entries)


# ---- reading YAML -------------------------------------------------------------------------------
#
# Editors' files and imported records never need anchors, aliases, merge keys or tags (TRUST.md,
# rule 5): they are refused while the document is composed, from the parser's events, before any
# value is built. A "billion laughs" file (anchors nested ten deep) is therefore refused at its first
# "&" in microseconds instead of expanding to gigabytes, and the same holds for libyaml's parser.

YAML_TAG = "tag:yaml.org,2002:"
MAX_DEPTH = 40      # procedure records nest 5 deep; far deeper is a mistake or an attack
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class RefusedYAML(yaml.MarkedYAMLError):
    """A construct the ward's format does not use; message and hint are Vietnamese."""

    def __init__(self, message: str, hint: str, mark):
        super().__init__(problem=message, problem_mark=mark)
        self.message, self.hint = message, hint


def shown(value: str, limit: int = 60) -> str:
    """A value quoted in a message: control characters removed, cut to `limit` characters."""
    text = _CONTROL.sub("", value)
    return text if len(text) <= limit else text[:limit] + "…"


class _RefusingComposer(Composer):
    """Composes nodes from the parser's events (libyaml's when available) and refuses, at the event,
    aliases (*a), anchors (&a), merge keys (<<), tags (!!python/object, !tag) and deep nesting."""

    def __init__(self):
        Composer.__init__(self)
        self._depth = 0

    # CParser defines its own composer in C; these names must be the Python ones.
    get_single_node = Composer.get_single_node
    compose_document = Composer.compose_document
    check_node = Composer.check_node
    get_node = Composer.get_node

    def compose_node(self, parent, index):
        # Composer.compose_node without anchors (refused) and path resolvers (BaseResolver has none).
        event = self.get_event()
        if event.anchor is not None or event.tag is not None:   # an AliasEvent always has an anchor
            raise self._refusal(event)
        kind = event.__class__
        if kind is ScalarEvent:
            if index is None and event.value == "<<" and isinstance(parent, MappingNode):
                raise RefusedYAML(
                    "tệp dùng khóa gộp YAML “<<” (neo/bí danh); định dạng của phường không dùng cách viết này.",
                    "Viết đầy đủ các khóa cần dùng vào nhóm này, rồi xóa dòng “<<: …”.", event.start_mark)
            return ScalarNode(self.resolve(ScalarNode, event.value, event.implicit), event.value,
                              event.start_mark, event.end_mark, style=event.style)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise RefusedYAML(f"tệp lồng nhau quá {MAX_DEPTH} tầng; định dạng của phường không cần như vậy.",
                              "Kiểm tra thụt lề và các dấu [ ] { }.", event.start_mark)
        if kind is SequenceStartEvent:
            node = SequenceNode(self.resolve(SequenceNode, None, event.implicit), [], event.start_mark, None,
                                flow_style=event.flow_style)
            while not self.check_event(SequenceEndEvent):
                node.value.append(self.compose_node(node, len(node.value)))
        else:
            node = MappingNode(self.resolve(MappingNode, None, event.implicit), [], event.start_mark, None,
                               flow_style=event.flow_style)
            while not self.check_event(MappingEndEvent):
                key = self.compose_node(node, None)
                node.value.append((key, self.compose_node(node, key)))
        node.end_mark = self.get_event().end_mark
        self._depth -= 1
        return node

    @staticmethod
    def _refusal(event) -> RefusedYAML:
        if event.anchor is not None:
            written = ("*" if isinstance(event, AliasEvent) else "&") + shown(event.anchor)
            return RefusedYAML(
                "tệp dùng neo/bí danh YAML (&, *), định dạng của phường không dùng cách viết này "
                f"(ở đây: “{written}”; nó có thể làm máy dựng trang treo vì hết bộ nhớ).",
                "Viết đầy đủ giá trị ở mỗi chỗ cần dùng (chép lại nội dung), rồi xóa mọi “&tên” và “*tên”.",
                event.start_mark)
        tag = event.tag
        written = shown("!!" + tag[len(YAML_TAG):] if tag.startswith(YAML_TAG) else tag)
        return RefusedYAML(
            f"tệp dùng thẻ kiểu YAML “{written}”; định dạng của phường không dùng thẻ "
            "(mọi giá trị được đọc là chữ, thẻ bị bỏ qua nên không được viết).",
            f"Xóa “{written}”, chỉ giữ giá trị.", event.start_mark)


_CLoader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


class Items(list):
    """A YAML list with the line of each item (`lines`), so a wrong item is reported at its line."""

    lines: list = []


class _PlainLoader(_RefusingComposer, _CLoader):
    """BaseLoader (every scalar is text) with the refusals above; libyaml's parser when PyYAML has it
    (its wheels do), about 8 times faster on procedure records than the pure-Python parser."""

    def __init__(self, stream):
        _CLoader.__init__(self, stream)
        _RefusingComposer.__init__(self)


class _LineLoader(_PlainLoader):
    """_PlainLoader that also records the line of every mapping (__line__) and of each of its keys
    (__lines__), and of every list item (Items.lines)."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=True)
        mapping["__line__"] = node.start_mark.line + 1
        mapping["__lines__"] = {key.value: key.start_mark.line + 1 for key, _value in node.value}
        return mapping

    def construct_sequence(self, node, deep=False):
        items = Items(super().construct_sequence(node, deep=True))
        items.lines = [child.start_mark.line + 1 for child in node.value]
        return items


def parse_yaml(text: str, path: str, lines: bool = True):
    """The document in `text` (every scalar text); ContentError naming `path` and the line when it is
    not valid YAML or uses what the ward's format refuses. `lines`: record __line__/__lines__."""
    try:
        return yaml.load(text, Loader=_LineLoader if lines else _PlainLoader)
    except RefusedYAML as exc:
        raise ContentError([Problem(path, exc.problem_mark.line + 1, None, exc.message, exc.hint)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError([Problem(path, line, None, f"tệp YAML sai cú pháp ({shown(problem, 200)}).",
                                    "Kiểm tra thụt lề (dùng dấu cách, không dùng Tab) và dấu “:” sau mỗi khóa.")]) from None


def not_plain(path: str) -> str | None:
    """The file or its folder when either is a symlink or a special file (FIFO, device), else None.
    Such a path is never opened (TRUST.md rule 3): /dev/zero or a FIFO would hang the build, a link
    would read a file from outside content/."""
    for part in (path, os.path.dirname(path)):
        if os.path.islink(part) or os.path.exists(part) and not (os.path.isfile(part) or os.path.isdir(part)):
            return part
    return None


def load_yaml(path: str, lines: bool = True):
    """One content, data, procedure or overlay file, read by parse_yaml. Only a plain file in a
    plain folder is read: a symlink (to /etc/…, to /dev/zero) or a FIFO never is (TRUST.md rule 3;
    plugins/cchc_uploads checks the rest of content/, but data files are read before it runs)."""
    part = not_plain(path)
    if part:
        raise ContentError([Problem(part, None, None,
                                    "là liên kết tượng trưng (symlink) hoặc tệp đặc biệt, không phải tệp thường; "
                                    "máy không đọc nó.",
                                    "Chép tệp thật vào thư mục content/ thay cho liên kết.")])
    try:
        with open(path, encoding="utf-8") as handle:
            text = vn.normalize(handle.read())
    except FileNotFoundError:
        raise ContentError([Problem(path, None, None, "không tìm thấy tệp dữ liệu.",
                                    "Khôi phục tệp từ kho mã (git).")]) from None
    except UnicodeDecodeError as exc:
        raise ContentError([Problem(path, None, None, f"tệp không phải văn bản UTF-8 (byte thứ {exc.start + 1}).",
                                    "Mở tệp bằng trình soạn thảo và lưu lại với mã UTF-8.")]) from None
    except OSError as exc:
        raise ContentError([Problem(path, None, None, f"không đọc được tệp ({exc.strerror or exc}).",
                                    "Kiểm tra tệp có đúng là một tệp văn bản và có quyền đọc.")]) from None
    return parse_yaml(text, path, lines)


# ---- the files' schemas ---------------------------------------------------------------------------

TEXT, TEXTS = "text", "texts"
# Keys each item may have and their types; any other key must hold text or a list of texts.
SCHEMAS = {
    "categories": {"ma": TEXT, "ten": TEXT, "mo_ta": TEXT, "noi_dung": TEXTS},
    "areas": {"ma": TEXT, "ten": TEXT, "chuyen_muc": TEXT, "mo_ta": TEXT},
    "forms": {"ma": TEXT, "ten": TEXT, "mo_ta": TEXT},
    "bodies": {"ma": TEXT, "ten": TEXT, "ten_ngan": TEXT, "ten_khac": TEXTS},
    "tasks": {"so": TEXT, "ten": TEXT, "chu_tri": TEXT, "phoi_hop": TEXTS, "thoi_gian": TEXT, "tien_do": TEXT,
              "san_pham": TEXT},
}
# The fields only templates show: no code reads them (no lookup, check, order, address, feed, report
# or finder). An edit of a data file that changes nothing else is made in place by the preview (the
# pages whose templates read a changed field are rendered again: cchc.dependencies records which
# fields of an entry a template reads, Entry._cchc_fields_of): mark a field here only when that
# holds. Cơ quan have none: their short names and other spellings are looked up.
SHOWN_ONLY = {"categories": {"mo_ta"}, "areas": {"mo_ta"}, "forms": {"mo_ta"}}
# The fields that only name an entry: looked up (Taxonomy.get), shown by templates, and read by the
# generators that say so (cchc.updates.DATA_NAMES: the plan's Word reports print a cơ quan's short
# name). An edit that changes only these and SHOWN_ONLY, and no answer a lookup gave, is made in
# place by the preview, with those generators' context made again.
NAMES_ONLY = {"bodies": {"ten_ngan", "ten_khac"}}
PLAN_SCHEMA = {"so": TEXT, "ngay": TEXT, "co_quan_ban_hanh": TEXT, "trich_yeu": TEXT}
PLAN_REQUIRED = ("so", "ngay", "co_quan_ban_hanh", "trich_yeu", "nhiem_vu")
INVALID = "__invalid__"   # keys of an item whose value had the wrong type (removed, already reported)


def kind_of(value) -> str:
    """What a YAML value is, in the words of the messages."""
    if isinstance(value, dict):
        return "một nhóm khóa: giá trị"
    if isinstance(value, list):
        return "một danh sách"
    return "để trống" if value in (None, "") else "chữ"


def line_in(mapping, key=None, index=None) -> int | None:
    """Line of `key` in a mapping read by load_yaml (of its item `index` when the value is a list)."""
    if not isinstance(mapping, dict):
        return None
    line = mapping.get("__lines__", {}).get(key, mapping.get("__line__")) if key is not None else mapping.get("__line__")
    value = mapping.get(key) if key is not None else None
    if index is not None and isinstance(value, Items) and index < len(value.lines):
        return value.lines[index]
    return line


def typed(path: str, item: dict, schema: dict, problems: list[Problem]) -> dict:
    """A copy of `item` holding only values of the right type; each wrong one is reported (file,
    line, key) and its key listed under INVALID, so later checks neither crash nor repeat it."""
    result, invalid = {}, set()
    for key, value in item.items():
        if key.startswith("__"):
            result[key] = value
            continue
        expected = schema.get(key)
        if expected == TEXT or expected is None and not isinstance(value, list):
            if not isinstance(value, str):
                problems.append(Problem(path, line_in(item, key), key,
                                        f"phải là chữ (một giá trị), không phải {kind_of(value)}.",
                                        f"Viết giá trị ngay sau dấu hai chấm trên cùng dòng, ví dụ “{key}: …”; "
                                        "không dùng [ ], { } hay các dòng “- …” cho khóa này."))
                invalid.add(key)
                continue
        else:
            if value == "":   # an empty value (YAML null) is an empty list
                value = Items()
            if not isinstance(value, list):
                example = shown(value, 30) if isinstance(value, str) else "a, b"
                problems.append(Problem(path, line_in(item, key), key,
                                        f"phải là một danh sách, không phải {kind_of(value)}.",
                                        f"Viết danh sách trong ngoặc vuông, ví dụ “{key}: [{example}]”."))
                invalid.add(key)
                continue
            wrong = [n for n, element in enumerate(value) if not isinstance(element, str) or not element.strip()]
            for n in wrong:
                problems.append(Problem(path, line_in(item, key, n), key,
                                        f"mục thứ {n + 1} của danh sách phải là chữ, không phải {kind_of(value[n])}.",
                                        f"Mỗi mục là một mã hoặc tên, ví dụ “{key}: [a, b]”; không lồng [ ] hay {{ }} "
                                        "bên trong, không để mục trống."))
            if wrong:
                invalid.add(key)
                continue
        result[key] = value
    result[INVALID] = invalid
    return result


def _mappings(path: str, items, what: str, problems: list[Problem], line=None, code_key="ma") -> list[dict]:
    """The items of a list that are mappings; every other item (and a non-list) is reported."""
    if not isinstance(items, list):
        problems.append(Problem(path, line, None, f"{what} phải là một danh sách các mục “- {code_key}: …”, "
                                                  f"không phải {kind_of(items)}.",
                                "Viết mỗi mục bắt đầu bằng “- ” ở đầu dòng, các khóa của mục thụt vào dưới nó."))
        return []
    found = []
    for n, item in enumerate(items):
        if isinstance(item, dict):
            found.append(item)
            continue
        item_line = items.lines[n] if isinstance(items, Items) and n < len(items.lines) else line
        problems.append(Problem(path, item_line, None,
                                f"mục thứ {n + 1} phải là một nhóm khóa ({code_key}: …, ten: …), "
                                f"không phải {kind_of(item)}.",
                                f"Viết mỗi mục bắt đầu bằng “- {code_key}: …”, các khóa khác thụt vào thẳng hàng "
                                f"dưới “{code_key}”."))
    return found


def _entries(path: str, items: list[dict], problems: list[Problem], code_key: str = "ma") -> list[Entry]:
    entries, seen = [], {}
    for item in items:
        line = item.pop("__line__", None)
        lines = item.get("__lines__", {})
        code, name = item.get("ma", "").strip(), vn.normalize_line(item.get("ten", ""))
        if not code and code_key in item[INVALID]:
            continue   # already reported as a wrong type
        if code and not name and "ten" in item[INVALID]:
            name = code   # reported; kept so that what refers to this code is not reported too
        if not code or not name:
            problems.append(Problem(path, lines.get(code_key, line), code_key if not code else "ten",
                                    f"mỗi mục cần có mã ({code_key}) và tên (ten).",
                                    f"Thêm “{code_key}: …” và “ten: …” cho mục này."))
            continue
        if code in seen:
            problems.append(Problem(path, lines.get(code_key, line), code_key, f"mã “{shown(code)}” trùng với mục ở dòng {seen[code]}.",
                                    "Đặt mã khác cho một trong hai mục."))
            continue
        seen[code] = line
        entries.append(Entry(code, name, item, path, line))
    return entries


def _taxonomy(path: str, raw, key: str, problems: list[Problem]) -> list[Entry]:
    items = _mappings(path, raw, "tệp", problems, line_in(raw))
    return _entries(path, [typed(path, item, SCHEMAS[key], problems) for item in items], problems)


def _plan(path: str, raw, problems: list[Problem]) -> tuple[dict, list[dict]]:
    """The plan's own fields (typed) and its tasks (typed, with their number as code)."""
    if not isinstance(raw, dict):
        problems.append(Problem(path, None, None, f"tệp phải là một nhóm khóa (so, ngay, …, nhiem_vu), "
                                                  f"không phải {kind_of(raw)}.",
                                "Khôi phục tệp từ kho mã (git) rồi sửa lại."))
        return {}, []
    plan = typed(path, {k: v for k, v in raw.items() if k != "nhiem_vu"}, PLAN_SCHEMA, problems)
    for key in PLAN_REQUIRED:
        if key not in plan[INVALID] and raw.get(key) in (None, "", []):
            problems.append(Problem(path, line_in(raw, key), key, "thiếu giá trị bắt buộc của Kế hoạch.",
                                    f"Thêm dòng “{key}: …” như trong Quyết định ban hành Kế hoạch."))
    day = plan.get("ngay")
    if day and not _is_date(day):
        problems.append(Problem(path, line_in(raw, "ngay"), "ngay", f"ngày “{shown(day)}” phải viết dạng năm-tháng-ngày "
                                                                    "và là ngày có thật.",
                                "Viết trong ngoặc kép, ví dụ ngay: \"2026-01-22\"."))
        plan[INVALID].add("ngay")
        del plan["ngay"]
    tasks = []
    if raw.get("nhiem_vu") not in (None, ""):
        for item in _mappings(path, raw["nhiem_vu"], "khóa “nhiem_vu”", problems, line_in(raw, "nhiem_vu"), "so"):
            item = typed(path, item, SCHEMAS["tasks"], problems)
            tasks.append(dict(item, ma=item.get("so", "")))
    plan.pop("__line__", None)
    plan.pop("__lines__", None)
    if isinstance(raw.get("nhiem_vu"), list):
        plan["nhiem_vu"] = raw["nhiem_vu"]
    return plan, tasks


def _is_date(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


TAXONOMIES = ("categories", "areas", "forms", "bodies", "tasks")  # SiteData's taxonomies, in order


@dataclasses.dataclass
class SiteData:
    categories: Taxonomy
    areas: Taxonomy
    forms: Taxonomy
    bodies: Taxonomy
    plan: dict
    tasks: Taxonomy

    def entries(self):
        """Every entry of every taxonomy."""
        for name in TAXONOMIES:
            yield from getattr(self, name)


def changes_in_place(old: SiteData, new: SiteData) -> tuple[list[tuple[Entry, Entry, set]], set[str]] | None:
    """The entries of `old` whose fields only templates show (SHOWN_ONLY) or that only name them
    (NAMES_ONLY) differ in `new`, each with its new reading and the names of the fields that differ,
    and the taxonomies whose names changed: ([(old entry, new entry, {"ten_ngan"}), …], {"bodies"}).
    None when anything else differs (an entry added, removed, moved or renamed, another field, the
    plan), or when a lookup made in this process would find another entry, or none, or one where it
    found none (ASKED)."""
    if old.plan != new.plan:
        return None
    changed, renamed = [], set()
    for name in TAXONOMIES:
        before, after = getattr(old, name), getattr(new, name)
        if (before.label, before._fold_codes, len(before)) != (after.label, after._fold_codes, len(after)):
            return None
        shown, names = SHOWN_ONLY.get(name, set()) | {"__lines__"}, NAMES_ONLY.get(name, set())
        for entry, now in zip(before, after):
            if entry == now:
                continue
            if (entry.source, entry.code, entry.name, entry.line) != (now.source, now.code, now.name, now.line):
                return None
            differ = {key for key in entry.fields.keys() | now.fields.keys()
                      if entry.fields.get(key, _ABSENT) != now.fields.get(key, _ABSENT)}
            if not differ <= shown | names:
                return None
            if differ & names:
                renamed.add(name)
            changed.append((entry, now, differ))
        if name in renamed:
            then, answers = before.answers(), after.answers()
            moved = {key for key in then.keys() | answers.keys() if then.get(key) != answers.get(key)}
            if not moved.isdisjoint(ASKED.get(before.label, ())):
                return None
    return changed, renamed


_ABSENT = object()


def keep_entries(old: SiteData, new: SiteData) -> None:
    """Gives `new` (a later reading of the data files) the very entries of `old` that are equal to
    its own. What holds an entry (an article, a chuyên mục) then holds the one of the data in use,
    which an edit of SHOWN_ONLY fields changes in place (the preview, cchc.incremental)."""
    for name in TAXONOMIES:
        before = {entry._cchc_key(): entry for entry in getattr(old, name)}
        taxonomy = getattr(new, name)
        kept = {}
        for index, entry in enumerate(taxonomy.entries):
            same = before.get(entry._cchc_key())
            if same is not None and same is not entry and same == entry:
                taxonomy.entries[index] = kept[id(entry)] = same
        if kept:
            taxonomy._lookup = {key: kept.get(id(entry), entry) for key, entry in taxonomy._lookup.items()}


def load(data_dir: str) -> SiteData:
    """Reads and cross-checks all taxonomy files; raises ContentError listing every problem."""
    return _load(os.path.abspath(data_dir), _mtimes(data_dir))


def _mtimes(data_dir: str) -> tuple:
    stamps = []
    for name in FILES.values():
        try:
            stamps.append(os.stat(os.path.join(data_dir, name)).st_mtime_ns)
        except OSError:
            stamps.append(None)
    return tuple(stamps)


@lru_cache(maxsize=8)
def _load(data_dir: str, _stamps: tuple) -> SiteData:
    problems: list[Problem] = []
    path = {key: os.path.join(data_dir, name) for key, name in FILES.items()}
    raw = {}
    for key in FILES:
        try:
            raw[key] = load_yaml(path[key])
        except ContentError as exc:
            problems.extend(exc.problems)
            raw[key] = [] if key != "plan" else {}
    if problems:
        raise ContentError(problems)

    categories = Taxonomy("chuyên mục", _taxonomy(path["categories"], raw["categories"], "categories", problems))
    areas = Taxonomy("mục nội dung", _taxonomy(path["areas"], raw["areas"], "areas", problems), fold_codes=False)
    forms = Taxonomy("hình thức", _taxonomy(path["forms"], raw["forms"], "forms", problems))
    bodies = Taxonomy("cơ quan", _taxonomy(path["bodies"], raw["bodies"], "bodies", problems))
    plan, task_items = _plan(path["plan"], raw["plan"], problems)
    tasks = Taxonomy("nhiệm vụ", _entries(path["plan"], task_items, problems, code_key="so"))

    def valid(entry: Entry, key: str) -> bool:
        return key not in entry.fields[INVALID]

    for area in areas:
        if valid(area, "chuyen_muc") and not categories.get(area.fields.get("chuyen_muc", "")):
            problems.append(Problem(area.source, area.line_of("chuyen_muc"), "chuyen_muc",
                                    f"chuyên mục “{shown(area.fields.get('chuyen_muc', ''))}” không có trong {FILES['categories']}.",
                                    f"Dùng một mã trong: {categories.choices()}."))
    for category in categories:
        for letter in category.fields.get("noi_dung", []):
            if not areas.get(letter):
                problems.append(Problem(category.source, category.line_of("noi_dung"), "noi_dung",
                                        f"mục nội dung “{shown(letter)}” không có trong {FILES['areas']}."))
    issuer = plan.get("co_quan_ban_hanh")
    if issuer and not bodies.get(issuer):
        problems.append(Problem(path["plan"], line_in(raw["plan"], "co_quan_ban_hanh"), "co_quan_ban_hanh",
                                f"cơ quan “{shown(issuer)}” không có trong {FILES['bodies']}.",
                                f"Dùng một mã trong: {bodies.choices()}."))
    for task in tasks:
        if valid(task, "thoi_gian"):
            try:
                parse_period(task.fields.get("thoi_gian", ""))
            except ValueError:
                problems.append(Problem(task.source, task.line_of("thoi_gian"), "thoi_gian",
                                        f"không hiểu thời gian thực hiện “{shown(task.fields.get('thoi_gian', ''))}”.",
                                        "Viết “Quý I/2026”, “Tháng 11/2026”, “Năm 2026” hoặc “Theo yêu cầu của …”."))
        if valid(task, "tien_do") and task.fields.get("tien_do", "thuong-xuyen") not in ("mot-lan", "thuong-xuyen"):
            problems.append(Problem(task.source, task.line_of("tien_do"), "tien_do",
                                    f"“{shown(task.fields.get('tien_do'))}” không hợp lệ.", "Dùng “mot-lan” hoặc “thuong-xuyen”."))
        codes = [("chu_tri", task.fields.get("chu_tri", ""))] if valid(task, "chu_tri") else []
        codes += [("phoi_hop", code) for code in task.fields.get("phoi_hop", [])]
        for field, code in codes:
            if not bodies.get(code):
                problems.append(Problem(task.source, task.line_of(field), field,
                                        f"cơ quan “{shown(code)}” không có trong {FILES['bodies']}." if code else
                                        "thiếu mã cơ quan chủ trì.",
                                        f"Dùng một mã trong: {bodies.choices()}."))
    if problems:
        raise ContentError(problems)
    return SiteData(categories, areas, forms, bodies, plan, tasks)
