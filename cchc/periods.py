"""The plan's periods: "Quý I/2026", "Tháng 11/2026", "Năm 2026", "Theo yêu cầu của …".

A ground-floor module (it needs only cchc.vn): cchc.data checks the plan's periods when it reads
the plan, and cchc.plan builds progress and reports on them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from . import vn

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


@dataclasses.dataclass(frozen=True)
class Period:
    """A time frame of the plan. kind: "quy", "thang", "nam", or "theo-yeu-cau" (no dates)."""

    kind: str
    label: str
    start: dt.date | None
    end: dt.date | None

    @property
    def slug(self) -> str:
        """"quy-i-2026", "thang-11-2026", "nam-2026"."""
        return vn.slugify(self.label)

    @property
    def spoken(self) -> str:
        """The period inside a sentence: "quý I năm 2026", "tháng 11 năm 2026", "năm 2026"."""
        if self.kind in ("quy", "thang"):
            head, _, year = self.label.partition("/")
            word, _, number = head.partition(" ")
            return f"{word.lower()} {number} năm {year}"
        return self.label[:1].lower() + self.label[1:]

    def contains(self, day: dt.date) -> bool:
        return self.start is not None and self.start <= day <= self.end


def quarter_period(number: int, year: int) -> Period:
    start = dt.date(year, 3 * number - 2, 1)
    end = (dt.date(year + (number == 4), (3 * number) % 12 + 1, 1)) - dt.timedelta(days=1)
    return Period("quy", f"Quý {vn.ROMAN_QUARTERS[number - 1]}/{year}", start, end)


def year_period(year: int) -> Period:
    return Period("nam", f"Năm {year}", dt.date(year, 1, 1), dt.date(year, 12, 31))


def month_period(month: int, year: int) -> Period:
    end = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    return Period("thang", f"Tháng {month}/{year}", dt.date(year, month, 1), end)


_QUARTER = re.compile(r"^quy (i|ii|iii|iv)\s*/\s*(\d{4})$")
_MONTH = re.compile(r"^thang (\d{1,2})\s*/\s*(\d{4})$")
_YEAR = re.compile(r"^nam (\d{4})$")
_ON_REQUEST = re.compile(r"^theo yeu cau\b")


def parse_period(text: str) -> Period:
    """"Quý I/2026", "Tháng 11/2026", "Năm 2026", "Theo yêu cầu của …"; ValueError otherwise."""
    key = vn.fold_key(text)
    if match := _QUARTER.match(key):
        return quarter_period(ROMAN[match[1].upper()], int(match[2]))
    if (match := _MONTH.match(key)) and 1 <= int(match[1]) <= 12:
        return month_period(int(match[1]), int(match[2]))
    if match := _YEAR.match(key):
        return year_period(int(match[1]))
    if _ON_REQUEST.match(key):
        return Period("theo-yeu-cau", vn.normalize_line(text), None, None)
    raise ValueError(text)
