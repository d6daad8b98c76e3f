"""The plan's tasks as real periods, their progress, and the communication reports (task 02).

Everything here is plain data computed from the taxonomies (cchc.data) and from what was published
(objects with title, url, date, hinh_thuc, co_quan, noi_dung, nhiem_vu, category — Pelican
articles, or anything shaped like them), so the site plugin, `cchc report` and the tests share it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

from . import order, vn
from .data import Entry, SiteData

# Periods live in cchc.periods (cchc.data checks the plan's periods and must not import this module).
from .periods import ROMAN, Period, month_period, parse_period, quarter_period, year_period  # noqa: E402,F401 (plan.X for callers)

# ---- progress -------------------------------------------------------------------------------

STATUS_LABELS = {
    "chua-den-han": "Chưa đến hạn",
    "dang-thuc-hien": "Đang thực hiện",
    "hoan-thanh": "Hoàn thành",
    "qua-han": "Quá hạn",
}


@dataclasses.dataclass
class TaskProgress:
    task: Entry
    period: Period
    lead: Entry
    partners: list[Entry]
    products: list  # published items (and generated reports) contributing to the task
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def code(self) -> str:
        return self.task.code

    @property
    def overdue(self) -> bool:
        return self.status == "qua-han"


def task_status(kind: str, period: Period, products: list, today: dt.date, plan_year: int) -> str:
    """Status of a task on `today`.

    kind "mot-lan" (one deliverable: the plan, a contest entry): done as soon as a product exists;
    overdue when its period has ended without one.
    kind "thuong-xuyen" (all year long): in progress during its period, then done if it produced
    something, overdue if it produced nothing.
    An on-request task ("Theo yêu cầu của Sở …") has no deadline: it is never overdue; it runs
    through the plan's year and is done after the year if it produced something.
    """
    done_so_far = [p for p in products if _day(p.date) <= today]
    start, end = period.start, period.end
    if period.kind == "theo-yeu-cau":
        start, end = dt.date(plan_year, 1, 1), dt.date(plan_year, 12, 31)
        if today < start:
            return "chua-den-han"
        return "hoan-thanh" if today > end and done_so_far else "dang-thuc-hien"
    if kind == "mot-lan" and done_so_far:
        return "hoan-thanh"
    if today < start:
        return "chua-den-han"
    if today <= end:
        return "dang-thuc-hien"
    return "hoan-thanh" if done_so_far else "qua-han"


def _day(value) -> dt.date:
    value = vn.local(value)
    return value.date() if isinstance(value, dt.datetime) else value


def plan_year(site: SiteData) -> int:
    return int(site.plan["ngay"][:4])


def progress(site: SiteData, items: list, today: dt.date, extra_products: dict | None = None) -> list[TaskProgress]:
    """Every task of the plan with its products (newest first, the same date in path order:
    cchc.order) and its status on `today`."""
    year = plan_year(site)
    result = []
    for task in site.tasks:
        products = [i for i in items if task in (getattr(i, "nhiem_vu", None) or [])]
        products += (extra_products or {}).get(task.code, [])
        products = order.newest_first(products)
        period = parse_period(task.fields["thoi_gian"])
        status = task_status(task.fields.get("tien_do", "thuong-xuyen"), period, products, today, year)
        result.append(TaskProgress(
            task=task, period=period, lead=site.bodies[task.fields["chu_tri"]],
            partners=[site.bodies[c] for c in task.fields.get("phoi_hop", [])],
            products=products, status=status))
    return result


# ---- reports --------------------------------------------------------------------------------


@dataclasses.dataclass
class ReportRow:
    entry: Entry
    count: int
    items: list


@dataclasses.dataclass
class Report:
    """What was published in a period, counted the ways task 02's report needs."""

    period: Period
    date: dt.date                 # the report's date (the build date, or the period's end if earlier)
    items: list                   # published items in the period, oldest first (same date: path order)
    by_area: list[ReportRow]      # every content area II.1 a–n, in plan order, zero counts included
    by_form: list[ReportRow]
    by_category: list[ReportRow]
    by_body: list[ReportRow]
    by_task: list[ReportRow]
    procedures: list = dataclasses.field(default_factory=list)  # procedure changes, when present
    complete: bool = True         # False while the period is still running on the report's date
    stats: dict | None = None     # readership figures of `cchc stats --json` for this period (task 04)

    @property
    def title(self) -> str:
        return f"Báo cáo kết quả tuyên truyền cải cách hành chính {self.period.spoken}"

    @property
    def slug(self) -> str:
        return self.period.slug


def _rows(entries, items, key) -> list[ReportRow]:
    rows = []
    for entry in entries:
        matched = [i for i in items if entry in key(i)]
        rows.append(ReportRow(entry, len(matched), matched))
    return rows


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, (list, tuple)) else [value]


@dataclasses.dataclass(frozen=True)
class ProcedureChange:
    """A procedure's change as a report lists it (from the procedure lifecycle)."""

    date: dt.date
    code: str
    name: str
    change: str      # "Mới ban hành", "Sửa đổi, bổ sung", "Thay thế", "Bãi bỏ"
    decision: str
    url: str = ""


def build_report(site: SiteData, period: Period, items: list, today: dt.date,
                 procedure_changes: list[ProcedureChange] = ()) -> Report:
    in_period = order.oldest_first(i for i in items if period.contains(_day(i.date)) and _day(i.date) <= today)
    category_entry = lambda i: [getattr(getattr(i, "category", None), "entry", None)]  # noqa: E731
    return Report(
        period=period,
        date=min(today, period.end),
        items=in_period,
        by_area=_rows(site.areas, in_period, lambda i: _as_list(getattr(i, "noi_dung", None))),
        by_form=_rows(site.forms, in_period, lambda i: _as_list(getattr(i, "hinh_thuc", None))),
        by_category=_rows(site.categories, in_period, category_entry),
        by_body=[r for r in _rows(site.bodies, in_period, lambda i: _as_list(getattr(i, "co_quan", None))) if r.count],
        by_task=_rows(site.tasks, in_period, lambda i: _as_list(getattr(i, "nhiem_vu", None))),
        procedures=changes_in(period, today, procedure_changes),
        complete=today > period.end,
    )


def report_inputs(period: Period, items: list, today: dt.date) -> frozenset:
    """What build_report counts of `items` for `period` on `today`: each item of the period, with
    its date and the entries it is counted under. Equal inputs give an equal report (but its
    procedure changes), so the preview need not count it again after an edit of another article
    (plugins/cchc_plan). The items themselves are held, not their ids, which could be reused."""
    def keys(values) -> tuple:  # (entries by their data file and code: within one SiteData, the same)
        return tuple(None if value is None else value._cchc_key() for value in _as_list(values))

    return frozenset(
        (i, i.date, keys(getattr(getattr(i, "category", None), "entry", None)),
         *(keys(getattr(i, key, None)) for key in ("hinh_thuc", "co_quan", "noi_dung", "nhiem_vu")))
        for i in items if period.contains(_day(i.date)) and _day(i.date) <= today)


def changes_in(period: Period, today: dt.date, procedure_changes) -> list[ProcedureChange]:
    """The procedure changes a report of `period` lists on `today`, oldest first."""
    return sorted((c for c in procedure_changes if period.contains(c.date) and c.date <= today),
                  key=lambda c: (c.date, c.code, c.change, c.decision))


def report_periods(year: int, today: dt.date) -> list[Period]:
    """The quarters of `year` that have started by `today`, then the year itself."""
    periods = [quarter_period(n, year) for n in range(1, 5) if quarter_period(n, year).start <= today]
    if periods:
        periods.append(year_period(year))
    return periods


def counts_table(report: Report) -> list[tuple[str, str, str, int]]:
    """Flat rows (group, code, name, count) — the CSV of a report and what tests compare."""
    rows = []
    for group, entries in (("noi_dung", report.by_area), ("hinh_thuc", report.by_form),
                           ("chuyen_muc", report.by_category), ("co_quan", report.by_body),
                           ("nhiem_vu", report.by_task)):
        rows.extend((group, r.entry.code, r.entry.name, r.count) for r in entries)
    return rows



# ---- readership (task 04) -------------------------------------------------------------------

READERSHIP = [
    ("luot_xem", "Lượt xem trang"),
    ("khach", "Lượt người đọc (mỗi người tính một lần mỗi ngày)"),
    ("nguoi_theo_doi_ban_tin", "Người theo dõi qua bản tin RSS/Atom (trung bình mỗi ngày)"),
    ("thue_bao_ban_tin", "Thuê bao qua các dịch vụ đọc tin"),
    ("luot_nghe", "Lượt nghe chương trình phát thanh"),
    ("luot_tai", "Lượt tải tệp âm thanh"),
    ("luot_tim_kiem", "Lượt tìm kiếm trên trang"),
]


def _number(value) -> bool:
    """A count or an average of `cchc stats`: a finite number, not negative (not a bool, not text)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


def check_stats(stats, period: Period) -> str | None:
    """Why a `cchc stats --json` file cannot be used for this period's report (None when it can).
    The file sits in content/data/, where editors write: every value the report prints is checked
    for its type here, so a wrong one is a message, never a traceback."""
    not_ours = "tệp không phải kết quả của cchc stats --json"
    if not isinstance(stats, dict):
        return not_ours + " (cần một đối tượng JSON)"
    span = stats.get("ky") or {}
    if not isinstance(span, dict):
        return not_ours + " (“ky” phải là {tu_ngay, den_ngay})"
    start, end = span.get("tu_ngay"), span.get("den_ngay")
    if start != period.start.isoformat() or end != period.end.isoformat():
        shown = [vn.normalize_line(v)[:20] if isinstance(v, str) else "?" for v in (start, end)]
        return (f"số liệu truy cập là của kỳ {shown[0]} – {shown[1]}, không phải "
                f"{period.label} ({period.start.isoformat()} – {period.end.isoformat()})")
    totals = stats.get("tong")
    if not isinstance(totals, dict):
        return not_ours
    for key, _label in READERSHIP:
        if key in totals and not _number(totals[key]):
            return f"{not_ours} (“tong.{key}” phải là một số không âm)"
    if "so_ngay_co_du_lieu" in stats and not _number(stats["so_ngay_co_du_lieu"]):
        return f"{not_ours} (“so_ngay_co_du_lieu” phải là một số không âm)"
    articles = stats.get("bai_viet", [])
    if not isinstance(articles, list):
        return f"{not_ours} (“bai_viet” phải là một danh sách)"
    for n, item in enumerate(articles, 1):
        if not isinstance(item, dict) or not isinstance(item.get("dia_chi"), str) \
                or not isinstance(item.get("tieu_de", ""), (str, type(None))) or not _number(item.get("luot_xem")):
            return f"{not_ours} (mục thứ {n} của “bai_viet” cần dia_chi, tieu_de là chữ và luot_xem là số)"
    return None


def readership_rows(stats: dict) -> list[tuple[str, float]]:
    """(label, value) of the section-wide figures, for the report page and the Word report."""
    totals = stats["tong"]
    return [(label, totals.get(key, 0)) for key, label in READERSHIP]


def top_articles(stats: dict, limit: int = 5) -> list[tuple[str, int]]:
    return [(a.get("tieu_de") or a["dia_chi"], a["luot_xem"]) for a in stats.get("bai_viet", [])[:limit]]
