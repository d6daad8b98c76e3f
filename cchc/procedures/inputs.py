"""Reading the import's input: files and folders of JSON, one record each or a list; the format is
detected per record (portal.py, crawl.py).

Directories are scanned (not recursively) for *.json; names starting with "_" are skipped. A file
holds one record or a list of records.
Bad input (not JSON, wrong shape or types, missing code or name, invalid code, two different records
for one code, a form file or page address that is not an absolute http(s) address — javascript:,
data:, entity-encoded schemes —) stops the import with Vietnamese messages naming the file and
record (and the line, when the bad value is found there): exit status 1 and nothing written.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os

from ..errors import Problem
from . import clean, crawl, files, portal, schema
from .clean import RecordError
from .schema import CODE


@dataclasses.dataclass
class Imported:
    """One record read from the input, already in the schema's shape (without its history)."""

    code: str
    record: dict
    where: str                      # "path" or "path, bản ghi thứ n" for messages
    decision: str = ""
    decision_date: str = ""
    replaces: bool = False          # the decision replaces (thay thế) rather than amends
    notes: list = dataclasses.field(default_factory=list)



GENERIC_BODIES = {"xa": "Ủy ban nhân dân cấp xã", "tinh": "Ủy ban nhân dân cấp tỉnh",
                  "bo": "Bộ, cơ quan ngang bộ", "khac": "Cơ quan có thẩm quyền"}
GENERIC_TEXT = "Chưa tách được từ dữ liệu nguồn — xem phần nguyên văn hoặc Cổng Dịch vụ công quốc gia"
# What a required field of these kinds gets when the source does not give it.
GENERIC = {schema.BODIES: [{"ten": "Chưa phân loại"}], schema.STEPS: [{"mo_ta": GENERIC_TEXT}],
           schema.CHANNEL_LIST: [{"hinh_thuc": "truc-tiep"}], schema.DOCUMENTS: [{"giay_to": [{"ten": GENERIC_TEXT}]}],
           schema.LEGAL: [{"ten": GENERIC_TEXT}], schema.TEXTS: [GENERIC_TEXT]}


def _fill_required(record: dict, notes: list):
    """Generic values for required fields the source does not give, each said in the report; the
    executing body from the level ("Ủy ban nhân dân cấp xã" for Cấp xã)."""
    levels = record.get("cap_thuc_hien") or []
    if not record.get("co_quan_thuc_hien"):
        body = GENERIC_BODIES[levels[0]]
        record["co_quan_thuc_hien"] = [{"ten": body}]
        notes.append(f"không có cơ quan thực hiện; ghi chung “{body}” theo cấp thực hiện.")
    for field in schema.FIELDS:
        if field.required and field.kind in GENERIC and not record.get(field.key):
            record[field.key] = copy.deepcopy(GENERIC[field.kind])
            notes.append(f"không có hoặc không tách được “{field.label}”; ghi giá trị chung.")


def parse_record(raw, where: str) -> Imported:
    """One input object → Imported; raises RecordError (Vietnamese) for bad input."""
    if not isinstance(raw, dict):
        raise RecordError("không phải một bản ghi thủ tục (đối tượng JSON).")
    if "ma_thu_tuc" in raw or "ten_thu_tuc" in raw:
        code, name, fmt = raw.get("ma_thu_tuc"), raw.get("ten_thu_tuc"), "crawl"
        code_key, name_key = "ma_thu_tuc", "ten_thu_tuc"
    elif "code" in raw or "name" in raw:
        code, name, fmt = raw.get("code"), raw.get("name"), "dvcqg"
        code_key, name_key = "code", "name"
    else:
        raise RecordError("không nhận ra định dạng bản ghi.", None,
                          "Cần các khóa của Cổng Dịch vụ công quốc gia (code, name, …) "
                          "hoặc của bản thu thập (ma_thu_tuc, ten_thu_tuc, …).")
    code = clean.line(code) if isinstance(code, (str, int, float)) and not isinstance(code, bool) else ""
    if not code:
        raise RecordError("thiếu mã thủ tục.", code_key, "Mỗi bản ghi cần mã dạng 1.001193.")
    if not CODE.match(code):
        raise RecordError(f"mã “{code}” không đúng dạng d.dddddd (ví dụ 1.001193).", code_key,
                          "Dùng mã quốc gia; mã biến thể của tỉnh (…H29) hoặc của dịch vụ (.01) không nhập được.")
    name = clean.line(name) if isinstance(name, str) else ""
    if not name:
        raise RecordError(f"thủ tục {code} thiếu tên.", name_key)
    if fmt == "dvcqg":
        record, notes = portal.read(raw), []
        decision, replaces = portal.decision_of(raw)
        source = clean.compact({"he_thong": "dvcqg", "ma_noi_bo": clean.line(raw.get("id"))})
    else:
        record, notes = crawl.read(raw)
        decision, replaces = clean.compact({"so": clean.line(raw.get("so_quyet_dinh"))}), False
        source = crawl.source_of(raw)
    if not record["cap_thuc_hien"]:
        raise RecordError(f"thủ tục {code}: không xác định được cấp thực hiện.",
                          "cap_thuc_hien" if fmt == "crawl" else "isWard",
                          "Cần Cấp xã, Cấp tỉnh, Cấp bộ hoặc Cơ quan khác.")
    _fill_required(record, notes)
    record.update({"ma": code, "ten": name, "quyet_dinh_cong_bo": decision, "nguon": source})
    return Imported(code, schema.ordered(record), where, decision.get("so", ""), decision.get("ngay", ""),
                    replaces, notes)


# ---- inputs ----------------------------------------------------------------------------------

def _input_files(paths) -> tuple[list[str], list[Problem]]:
    found_files, problems = [], []
    for path in paths:
        if os.path.isdir(path):
            found = sorted(os.path.join(path, n) for n in os.listdir(path)
                           if n.endswith(".json") and not n.startswith("_") and os.path.isfile(os.path.join(path, n)))
            if not found:
                problems.append(Problem(path, None, None, "thư mục không có tệp .json nào để nhập."))
            found_files.extend(found)
        elif os.path.isfile(path):
            found_files.append(path)
        else:
            problems.append(Problem(path, None, None, "không tìm thấy tệp hoặc thư mục.",
                                    "Kiểm tra lại đường dẫn."))
    return found_files, problems


def _line_of(text: str, value) -> int | None:
    """Line of a string value in the JSON text, when it is written there exactly once."""
    if not isinstance(value, str) or not value:
        return None
    for written in {json.dumps(value, ensure_ascii=False)[1:-1], json.dumps(value)[1:-1]}:
        if text.count(written) == 1:
            return text.count("\n", 0, text.index(written)) + 1
    return None


def _read_file(path: str) -> tuple[list[Imported], list[Problem]]:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
        loaded = json.loads(text)
    except UnicodeDecodeError:
        return [], [Problem(path, None, None, "tệp không phải văn bản UTF-8.", "Lưu lại tệp JSON ở mã UTF-8.")]
    except json.JSONDecodeError as error:
        return [], [Problem(path, error.lineno, None, f"không phải JSON hợp lệ ({error.msg}, cột {error.colno}).",
                            "Tải lại dữ liệu từ Cổng Dịch vụ công quốc gia.")]
    except RecursionError:
        return [], [Problem(path, None, None, "JSON lồng nhau quá sâu, không phải dữ liệu của Cổng Dịch vụ công quốc gia.",
                            "Tải lại dữ liệu từ Cổng Dịch vụ công quốc gia.")]
    except OSError as error:
        return [], [Problem(path, None, None, f"không đọc được tệp ({error.strerror or error}).",
                            "Kiểm tra quyền đọc tệp.")]
    if isinstance(loaded, dict):
        objects = [(None, loaded)]
    elif isinstance(loaded, list) and loaded:
        objects = list(enumerate(loaded, 1))
    else:
        return [], [Problem(path, None, None, "tệp phải chứa một bản ghi thủ tục (đối tượng JSON) "
                                              "hoặc một danh sách bản ghi không rỗng.")]
    imported, problems = [], []
    for index, raw in objects:
        where = path if index is None else f"{path}, bản ghi thứ {index}"
        label = "" if index is None else f"bản ghi thứ {index}: "
        try:
            imported.append(parse_record(raw, where))
        except RecordError as error:
            problems.append(Problem(path, _line_of(text, error.value), error.field, label + str(error), error.hint))
    return imported, problems


def read_inputs(paths) -> tuple[list[Imported], list[Problem]]:
    """Every record of the given files and folders, one per code; problems for bad input."""
    json_files, problems = _input_files(paths)
    by_code: dict[str, Imported] = {}
    for path in json_files:
        imported, found = _read_file(path)
        problems.extend(found)
        for item in imported:
            other = by_code.get(item.code)
            if other is None:
                by_code[item.code] = item
            elif files.render(other.record) != files.render(item.record):
                problems.append(Problem(path, None, None,
                                        f"mã {item.code} có hai bản ghi khác nhau trong cùng lần nhập "
                                        f"({item.where}; {other.where}).",
                                        "Chỉ nhập một bản ghi cho mỗi mã thủ tục."))
    return [by_code[code] for code in sorted(by_code)], problems
