"""The lifecycle of a record: new, amended, abolished, each a lich_su entry (the file of a code is
compared with what is imported for it).

- New code: lich_su gets {ngay: the decision's date or today, loai: moi, quyet_dinh}.
- Changed content: the old lich_su is kept and {ngay, loai: sua-doi — thay-the when the
  decision's proposalType says replace —, quyet_dinh, noi_dung: "Thay đổi: <fields>"} appended;
  ngay is the new decision's date when its number differs from the last entry's, else today.
- Same content: the file is left byte-identical and nothing is appended. "Content" is every
  field the schema marks `amended` (not the history, provenance, announcing decision or local
  lifecycle), so a re-import is idempotent and never undoes a recorded abolition.
- Codes in the folder but not in the import are only reported, never deleted: the national
  database drops abolished procedures, and `--abolish` records that (trang_thai: bai-bo,
  thay_the_boi, a lich_su entry loai: bai-bo).
- content/procedures/dia-phuong/ (the ward's overlay) is never read or written.
Existing records are read with cchc.data's loader, which refuses anchors, aliases and tags.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os

from ..errors import ContentError, Problem
from . import clean, files, schema
from .inputs import Imported
from .schema import CODE, DATE


@dataclasses.dataclass
class Change:
    """What an import or an abolition does to one file."""

    code: str
    kind: str                       # moi | sua-doi | khong-doi | bai-bo
    text: str = ""                  # the file to write (empty: nothing to write)
    fields: list = dataclasses.field(default_factory=list)


def _existing(folder: str) -> dict[str, str]:
    """code → path of the imported records in folder (the overlay folder is not looked at)."""
    if not os.path.isdir(folder):
        return {}
    return {name[:-5]: os.path.join(folder, name) for name in sorted(os.listdir(folder))
            if name.endswith(".yaml") and os.path.isfile(os.path.join(folder, name))}


def _read_existing(path: str) -> tuple[dict | None, list[Problem]]:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem(path, None, None, f"không đọc được tệp hiện có ({error}).",
                              "Khôi phục tệp từ kho mã rồi nhập lại.")]
    try:
        old = files.reload(text, path)
    except ContentError as error:
        return None, [dataclasses.replace(p, message=f"tệp hiện có: {p.message}",
                                          hint=f"{p.hint} Hoặc khôi phục tệp từ kho mã rồi nhập lại.".strip())
                      for p in error.problems]
    problems = files.check(path, text)
    return (old if not problems else None), problems


def changed_fields(old: dict, new: dict) -> list[str]:
    """Labels of the fields that differ and count as an amendment (both records as read back from
    YAML); for channels, which of their aspects changed."""
    names = []
    for field in schema.FIELDS:
        key = field.key
        if not field.amended or old.get(key) == new.get(key):
            continue
        aspects = [label for label, keys in schema.CHANNEL_ASPECTS
                   if _aspect(old.get(key), keys) != _aspect(new.get(key), keys)] \
            if field.kind == schema.CHANNEL_LIST else []
        names.append(f"{field.label} ({', '.join(aspects)})" if aspects else field.label)
    return names


def _aspect(channels, keys) -> list:
    return [[c.get(k) for k in keys] for c in channels or [] if isinstance(c, dict)]


def plan_import(items: list[Imported], folder: str, today: str) -> tuple[list[Change], list[str], list[Problem]]:
    """(changes, codes in the folder missing from the import, problems) — nothing is written."""
    existing, changes, problems = _existing(folder), [], []
    for item in items:
        new = dict(item.record)
        new["nguon"] = {**new.get("nguon", {}), "ngay_nhap": today}
        path = os.path.join(folder, f"{item.code}.yaml")
        if item.code not in existing:
            new["trang_thai"] = "hieu-luc"
            new["lich_su"] = [clean.compact({"ngay": item.decision_date or today, "loai": "moi",
                                              "quyet_dinh": item.decision})]
            changes.append(Change(item.code, "moi", files.render(schema.ordered(new))))
        else:
            old, found = _read_existing(path)
            problems.extend(found)
            if old is None:
                continue
            fields = changed_fields(old, files.reload(files.render(schema.ordered(new))))
            if not fields:
                changes.append(Change(item.code, "khong-doi"))
                continue
            changes.append(Change(item.code, "sua-doi", files.render(_amended(old, new, item, fields, today)), fields))
        problems.extend(files.check(path, changes[-1].text) if changes[-1].text else [])
    imported = {item.code for item in items}
    missing = []
    for code, path in existing.items():
        if code not in imported:
            old, _found = _read_existing(path)
            if not old or old.get("trang_thai") != "bai-bo":
                missing.append(code)
    return changes, missing, problems


def _amended(old: dict, new: dict, item: Imported, fields: list[str], today: str) -> dict:
    history = list(old.get("lich_su") or [])
    last = history[-1].get("quyet_dinh") if history else ""
    date = item.decision_date if item.decision and item.decision != last and item.decision_date else today
    history.append(clean.compact({"ngay": date, "loai": "thay-the" if item.replaces else "sua-doi",
                                  "quyet_dinh": item.decision, "noi_dung": f"Thay đổi: {', '.join(fields)}"}))
    new.update({"trang_thai": old.get("trang_thai") or "hieu-luc", "thay_the_boi": old.get("thay_the_boi"),
                "lich_su": history})
    return schema.ordered(new)


def plan_abolition(folder: str, code: str, decision: str, date: str, replaced_by: str | None
                   ) -> tuple[list[Change], list[Problem]]:
    where = os.path.join(folder, f"{code}.yaml")
    problems = []
    if not CODE.match(code):
        problems.append(Problem(where, None, "--abolish", f"mã “{code}” không đúng dạng d.dddddd."))
    if replaced_by and (not CODE.match(replaced_by) or replaced_by == code):
        problems.append(Problem(where, None, "--replaced-by", f"mã thay thế “{replaced_by}” không hợp lệ."))
    elif replaced_by and not os.path.isfile(os.path.join(folder, f"{replaced_by}.yaml")):
        problems.append(Problem(where, None, "--replaced-by", f"thủ tục thay thế {replaced_by} chưa có trong thư mục.",
                                "Nhập thủ tục thay thế trước rồi ghi nhận bãi bỏ."))
    if not clean.line(decision):
        problems.append(Problem(where, None, "--decision", "thiếu số quyết định bãi bỏ.", "Ví dụ: --decision 2585/QĐ-UBND"))
    if not DATE.match(date or "") or not _valid_date(date):
        problems.append(Problem(where, None, "--date", f"ngày “{date}” phải viết dạng năm-tháng-ngày (2026-06-30)."))
    if problems:
        return [], problems
    if not os.path.isfile(where):
        return [], [Problem(where, None, None, f"không có thủ tục {code} trong thư mục để ghi nhận bãi bỏ.")]
    old, problems = _read_existing(where)
    if old is None:
        return [], problems
    decision = clean.line(decision)
    history = list(old.get("lich_su") or [])
    if old.get("trang_thai") == "bai-bo" and history and history[-1].get("quyet_dinh") == decision \
            and (old.get("thay_the_boi") or None) == (replaced_by or None):
        return [Change(code, "khong-doi")], []
    what = "Bãi bỏ thủ tục" + (f"; thay thế bằng thủ tục {replaced_by}" if replaced_by else "")
    history.append({"ngay": date, "loai": "bai-bo", "quyet_dinh": decision, "noi_dung": what})
    record = schema.ordered({**_typed(old), "trang_thai": "bai-bo", "thay_the_boi": replaced_by, "lich_su": history})
    text = files.render(record)
    return [Change(code, "bai-bo", text)], files.check(where, text)


def _typed(record: dict) -> dict:
    """A record read back as text with its booleans restored, so it is written as the importer writes."""
    record = json.loads(json.dumps(record))
    for group in record.get("ho_so") or []:
        for doc in group.get("giay_to") or []:
            if doc.get("bat_buoc") in ("true", "false"):
                doc["bat_buoc"] = doc["bat_buoc"] == "true"
    return record


def _valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


