"""The plan's taxonomies, read from content/data/*.yaml: chuyên mục, nội dung (II.1 a–n), hình thức,
cơ quan and the plan with its tasks.

YAML is read with BaseLoader so every scalar stays text: "01" stays "01", "1.000890" never becomes
a float, "2026-01-22" never becomes a date (PELICAN-NOTES.md, YAML). Each file is checked here;
a problem is a ContentError naming the file and line.
"""

from __future__ import annotations

import dataclasses
import os
from functools import lru_cache

import yaml

from . import vn
from .errors import ContentError, Problem

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

    def line_of(self, field: str) -> int:
        """Line of one field of this entry in its data file (the entry's first line if absent)."""
        return self.fields.get("__lines__", {}).get(field, self.line)

    def __getattr__(self, item):  # lets templates write entry.mo_ta, entry.ten_ngan …
        try:
            return self.__dict__["fields"][item]
        except KeyError:
            raise AttributeError(item) from None


class Taxonomy:
    """Ordered entries looked up by code or by any accepted spelling of the name."""

    def __init__(self, label: str, entries: list[Entry], fold_codes: bool = True):
        self.label = label
        self.entries = entries
        self._fold_codes = fold_codes
        self._lookup: dict[str, Entry] = {}
        for entry in entries:
            names = [entry.name, *entry.fields.get("ten_khac", []), entry.fields.get("ten_ngan", "")]
            for name in filter(None, names):
                self._lookup.setdefault(vn.fold_key(name), entry)
        for entry in entries:  # codes win over names
            self._lookup[self._code_key(entry.code)] = entry

    def _code_key(self, text: str) -> str:
        # Content-area letters include "đ", which must not fold into "d".
        return vn.fold_key(text) if self._fold_codes else vn.normalize_line(text).lower()

    def get(self, text: str) -> Entry | None:
        text = vn.normalize_line(text or "")
        if not self._fold_codes:
            return self._lookup.get(self._code_key(text))
        return self._lookup.get(vn.fold_key(text)) or self._lookup.get(vn.slugify(text))

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


class _LineLoader(getattr(yaml, "CBaseLoader", yaml.BaseLoader)):
    """BaseLoader (all scalars are text) that records the line of every mapping; libyaml's parser
    when PyYAML has it (its wheels do), about 8 times faster on procedure records, same values and lines."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=True)
        mapping["__line__"] = node.start_mark.line + 1
        mapping["__lines__"] = {key.value: key.start_mark.line + 1 for key, _value in node.value}
        return mapping


def load_yaml(path: str):
    try:
        with open(path, encoding="utf-8") as handle:
            text = vn.normalize(handle.read())
    except FileNotFoundError:
        raise ContentError([Problem(path, None, None, "không tìm thấy tệp dữ liệu.",
                                    "Khôi phục tệp từ kho mã (git).")]) from None
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError([Problem(path, line, None, f"tệp YAML sai cú pháp ({problem}).",
                                    "Kiểm tra thụt lề (dùng dấu cách, không dùng Tab) và dấu “:” sau mỗi khóa.")]) from None


def _entries(path: str, items, problems: list[Problem]) -> list[Entry]:
    entries, seen = [], {}
    if not isinstance(items, list):
        problems.append(Problem(path, None, None, "tệp phải là một danh sách các mục “- ma: …”."))
        return entries
    for item in items:
        if not isinstance(item, dict):
            problems.append(Problem(path, None, None, f"mục không hợp lệ: {item!r}."))
            continue
        line = item.pop("__line__", None)
        lines = item.get("__lines__", {})
        code, name = item.get("ma", "").strip(), vn.normalize_line(item.get("ten", ""))
        if not code or not name:
            problems.append(Problem(path, lines.get("ma", line), "ma" if not code else "ten",
                                    "mỗi mục cần có mã (ma) và tên (ten)."))
            continue
        if code in seen:
            problems.append(Problem(path, lines.get("ma", lines.get("so", line)), "ma" if "ma" in lines else "so", f"mã “{code}” trùng với mục ở dòng {seen[code]}.",
                                    "Đặt mã khác cho một trong hai mục."))
            continue
        seen[code] = line
        entries.append(Entry(code, name, item, path, line))
    return entries


@dataclasses.dataclass
class SiteData:
    categories: Taxonomy
    areas: Taxonomy
    forms: Taxonomy
    bodies: Taxonomy
    plan: dict
    tasks: Taxonomy


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

    categories = Taxonomy("chuyên mục", _entries(path["categories"], raw["categories"], problems))
    areas = Taxonomy("mục nội dung", _entries(path["areas"], raw["areas"], problems), fold_codes=False)
    forms = Taxonomy("hình thức", _entries(path["forms"], raw["forms"], problems))
    bodies = Taxonomy("cơ quan", _entries(path["bodies"], raw["bodies"], problems))

    plan = raw["plan"] if isinstance(raw["plan"], dict) else {}
    plan.pop("__line__", None)
    plan.pop("__lines__", None)
    task_items = []
    for item in plan.get("nhiem_vu", []) or []:
        if isinstance(item, dict):
            item = dict(item, ma=item.get("so", ""))
        task_items.append(item)
    tasks = Taxonomy("nhiệm vụ", _entries(path["plan"], task_items, problems))

    for area in areas:
        if not categories.get(area.fields.get("chuyen_muc", "")):
            problems.append(Problem(area.source, area.line_of("chuyen_muc"), "chuyen_muc",
                                    f"chuyên mục “{area.fields.get('chuyen_muc')}” không có trong {FILES['categories']}."))
    for category in categories:
        for letter in category.fields.get("noi_dung", []):
            if not areas.get(letter):
                problems.append(Problem(category.source, category.line_of("noi_dung"), "noi_dung",
                                        f"mục nội dung “{letter}” không có trong {FILES['areas']}."))
    from .plan import parse_period  # plan builds on this module

    for task in tasks:
        try:
            parse_period(task.fields.get("thoi_gian", ""))
        except ValueError:
            problems.append(Problem(task.source, task.line_of("thoi_gian"), "thoi_gian",
                                    f"không hiểu thời gian thực hiện “{task.fields.get('thoi_gian', '')}”.",
                                    "Viết “Quý I/2026”, “Tháng 11/2026”, “Năm 2026” hoặc “Theo yêu cầu của …”."))
        if task.fields.get("tien_do", "thuong-xuyen") not in ("mot-lan", "thuong-xuyen"):
            problems.append(Problem(task.source, task.line_of("tien_do"), "tien_do",
                                    f"“{task.fields.get('tien_do')}” không hợp lệ.", "Dùng “mot-lan” hoặc “thuong-xuyen”."))
        for code in [task.fields.get("chu_tri", ""), *task.fields.get("phoi_hop", [])]:
            if not bodies.get(code):
                field = "chu_tri" if code == task.fields.get("chu_tri") else "phoi_hop"
                problems.append(Problem(task.source, task.line_of(field), field,
                                        f"cơ quan “{code}” không có trong {FILES['bodies']}.",
                                        f"Dùng một mã trong: {bodies.choices()}."))
    if problems:
        raise ContentError(problems)
    return SiteData(categories, areas, forms, bodies, plan, tasks)
