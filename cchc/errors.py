"""Problems found in what editors wrote, reported the way an editor can act on them.

Every message names the file, the line, the field, what is wrong and what to do, in Vietnamese:
"content/articles/2026/abc.md, dòng 3, khóa “Date”: … Cách sửa: …".
"""

from __future__ import annotations

import dataclasses
import os


@dataclasses.dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    field: str | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.line:
            where += f", dòng {self.line}"
        if self.field:
            where += f", khóa “{self.field}”"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f" Cách sửa: {self.hint}"
        return text


def sort_key(problem: "Problem"):
    return (problem.path, problem.line or 0, problem.field or "", problem.message)


class ContentError(Exception):
    """One or more problems that stop the build; str() lists them all, one per line."""

    def __init__(self, problems):
        self.problems = sorted(set(problems), key=sort_key)
        count = len(self.problems)
        head = f"Có {count} lỗi trong nội dung, trang chưa được tạo lại (bản cũ giữ nguyên):"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))


def display_path(path: str) -> str:
    """Path relative to the working directory when it is inside it (what an editor sees)."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel
