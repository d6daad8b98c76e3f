"""`cchc import-procedures`: national procedure records → content/procedures/<mã>.yaml.

    cchc import-procedures FILE_OR_DIR... [--into content/procedures] [--dry-run]
    cchc import-procedures --abolish 1.000123 --decision 2585/QĐ-UBND [--date 2026-06-30]
                           [--replaced-by 1.000456] [--into content/procedures] [--dry-run]

Directories are scanned (not recursively) for *.json; names starting with "_" are skipped. A file
holds one record or a list of records. The output follows the schema of cchc.procedures and is
checked with cchc.procedures.validate before anything is written.

How: inputs.py reads the records (portal.py, crawl.py), history.py works out what changes in
each file, files.py writes them.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

from .. import vn
from ..errors import Problem
from . import clean, files
from .history import Change, plan_abolition, plan_import
from .inputs import read_inputs


def _apply(changes: list[Change], folder: str) -> int:
    written = 0
    for change in changes:
        if change.text:
            files.write_atomically(os.path.join(folder, f"{change.code}.yaml"), change.text)
            written += 1
    return written


def report(changes: list[Change], missing: list[str], notes: list[tuple[str, str]]) -> list[str]:
    new = [c.code for c in changes if c.kind == "moi"]
    amended = [c for c in changes if c.kind == "sua-doi"]
    same = [c for c in changes if c.kind == "khong-doi"]
    lines = [f"Mới: {len(new)}" + (f" ({', '.join(new)})" if new else ""),
             f"Sửa đổi: {len(amended)}" + (f" ({'; '.join(f'{c.code}: ' + ', '.join(c.fields) for c in amended)})"
                                            if amended else ""),
             f"Không đổi: {len(same)}",
             "Có trong thư mục nhưng không có trong dữ liệu nhập: "
             + (f"{len(missing)} ({', '.join(missing)}) — chỉ báo, không xóa; thủ tục đã bãi bỏ thì ghi nhận "
                "bằng --abolish" if missing else "0")]
    if notes:
        lines.append("Ghi chú:")
        lines.extend(f"  - {code}: {note}" for code, note in notes)
    return lines


def _print_problems(problems: list[Problem], folder: str, err):
    print(f"Không nhập được: có {len(problems)} lỗi, chưa ghi tệp nào vào {folder}:", file=err)
    for problem in problems:
        print(f"  - {problem}", file=err)


def today_in_vietnam() -> str:
    return dt.datetime.now(vn.TIMEZONE).date().isoformat()


def import_procedures(paths, folder: str, dry_run: bool = False, today: str | None = None,
                      out=None, err=None) -> int:
    """The `cchc import-procedures FILE_OR_DIR...` command; returns the exit status."""
    out, err = out or sys.stdout, err or sys.stderr
    items, problems = read_inputs(paths)
    if problems:
        _print_problems(problems, folder, err)
        return 1
    changes, missing, problems = plan_import(items, folder, today or today_in_vietnam())
    if problems:
        _print_problems(problems, folder, err)
        return 1
    notes = [(item.code, note) for item in items for note in item.notes
             if any(c.code == item.code and c.text for c in changes)]
    for line in report(changes, missing, notes):
        print(line, file=out)
    if dry_run:
        print("Chạy thử (--dry-run): không ghi tệp nào.", file=out)
    else:
        print(f"Đã ghi {_apply(changes, folder)} tệp vào {folder}.", file=out)
    return 0


def abolish(folder: str, code: str, decision: str, date: str | None = None, replaced_by: str | None = None,
            dry_run: bool = False, out=None, err=None) -> int:
    """The `cchc import-procedures --abolish` command; returns the exit status."""
    out, err = out or sys.stdout, err or sys.stderr
    date = date or today_in_vietnam()
    changes, problems = plan_abolition(folder, code, decision, date, replaced_by)
    if problems:
        _print_problems(problems, folder, err)
        return 1
    if changes[0].kind == "khong-doi":
        print(f"Không đổi: thủ tục {code} đã được ghi nhận bãi bỏ theo Quyết định số {clean.line(decision)}.", file=out)
        return 0
    line = f"Bãi bỏ: {code} theo Quyết định số {clean.line(decision)} ngày {vn.short_date(dt.date.fromisoformat(date))}"
    print(line + (f"; thủ tục thay thế: {replaced_by}" if replaced_by else ""), file=out)
    if dry_run:
        print("Chạy thử (--dry-run): không ghi tệp nào.", file=out)
    else:
        print(f"Đã ghi {_apply(changes, folder)} tệp vào {folder}.", file=out)
    return 0
