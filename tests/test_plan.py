"""The plan's time frames, task statuses and report figures (cchc.plan)."""

import datetime as dt
import types

import pytest

from cchc import data, plan
from conftest import ROOT

SITE = data.load(str(ROOT / "content" / "data"))


@pytest.mark.parametrize("text, start, end", [
    ("Quý I/2026", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
    ("Quý IV/2026", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    ("quý ii / 2026", dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
    ("Tháng 11/2026", dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
    ("Tháng 2/2028", dt.date(2028, 2, 1), dt.date(2028, 2, 29)),
    ("Tháng 12/2026", dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
    ("Năm 2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
])
def test_time_frames_become_real_periods(text, start, end):
    period = plan.parse_period(text)
    assert (period.start, period.end) == (start, end)


def test_on_request_has_no_deadline():
    period = plan.parse_period("Theo yêu cầu của Sở VH-TT-DL")
    assert period.kind == "theo-yeu-cau" and period.start is None and period.end is None


@pytest.mark.parametrize("text", ["Quý V/2026", "Tháng 13/2026", "Cuối năm", "2026", ""])
def test_unparseable_time_frames(text):
    with pytest.raises(ValueError):
        plan.parse_period(text)


def item(day, tasks=(), form="tin", body="vhxh", areas=("m",), category="thu-tuc-dich-vu-cong"):
    category_entry = SITE.categories[category]
    return types.SimpleNamespace(
        title=f"Tin ngày {day}", url=f"tin-tuc/{day}/", date=dt.datetime.fromisoformat(f"{day}T09:00:00+07:00"),
        hinh_thuc=SITE.forms[form], co_quan=SITE.bodies[body], noi_dung=[SITE.areas[a] for a in areas],
        nhiem_vu=[SITE.tasks[t] for t in tasks], category=types.SimpleNamespace(name=category_entry.name, entry=category_entry))


def statuses(items, today):
    return {t.code: t.status for t in plan.progress(SITE, items, today)}


def test_statuses_follow_the_build_date():
    items = [item("2026-01-22", tasks=["01"]), item("2026-05-04", tasks=["04"]), item("2026-06-10", tasks=["05"])]
    assert statuses([], dt.date(2025, 12, 1)) == {
        "01": "chua-den-han", "02": "chua-den-han", "03": "chua-den-han",
        "04": "chua-den-han", "05": "chua-den-han", "06": "chua-den-han"}
    early = statuses(items, dt.date(2026, 2, 1))
    assert early["01"] == "hoan-thanh"          # one deliverable, published
    assert early["03"] == "chua-den-han"        # Tháng 11/2026
    assert early["04"] == "dang-thuc-hien"      # all year, nothing yet is not overdue
    assert early["02"] == "dang-thuc-hien"      # on request: no deadline
    late = statuses(items, dt.date(2026, 12, 5))
    assert late["03"] == "qua-han"              # the contest month passed without a product
    assert late["04"] == "dang-thuc-hien"
    after = statuses(items, dt.date(2027, 1, 2))
    assert after["04"] == "hoan-thanh" and after["05"] == "hoan-thanh"
    assert after["06"] == "qua-han"             # a whole year without a dialogue
    assert after["02"] == "dang-thuc-hien"      # on request, and no report published: never overdue


def test_one_off_task_without_product_is_overdue_after_its_quarter():
    assert statuses([], dt.date(2026, 4, 1))["01"] == "qua-han"
    assert statuses([item("2026-04-05", tasks=["01"])], dt.date(2026, 4, 10))["01"] == "hoan-thanh"


def test_products_published_after_the_build_date_do_not_count():
    assert statuses([item("2026-03-01", tasks=["01"])], dt.date(2026, 2, 1))["01"] == "dang-thuc-hien"


def test_report_counts_every_way_and_only_its_period():
    items = [item("2026-01-10", tasks=["01"], form="tin", areas=["a", "d"], category="chu-truong-chinh-sach"),
             item("2026-02-11", tasks=["04"], form="bai", body="tthcc", areas=["m"]),
             item("2026-03-31", tasks=["04", "05"], form="am-thanh", body="ttdvsnc", areas=["m", "l"]),
             item("2026-04-01", tasks=["04"], form="tin")]
    report = plan.build_report(SITE, plan.quarter_period(1, 2026), items, dt.date(2026, 5, 1))
    assert len(report.items) == 3 and report.complete and report.date == dt.date(2026, 3, 31)
    rows = {(g, code): n for g, code, _name, n in plan.counts_table(report)}
    assert rows[("hinh_thuc", "tin")] == 1 and rows[("hinh_thuc", "bai")] == 1 and rows[("hinh_thuc", "am-thanh")] == 1
    assert rows[("noi_dung", "m")] == 2 and rows[("noi_dung", "đ")] == 0 and rows[("noi_dung", "d")] == 1
    assert rows[("nhiem_vu", "04")] == 2 and rows[("nhiem_vu", "05")] == 1 and rows[("nhiem_vu", "06")] == 0
    assert rows[("co_quan", "vhxh")] == 1 and ("co_quan", "cong-an") not in rows  # bodies with items only
    assert rows[("chuyen_muc", "thu-tuc-dich-vu-cong")] == 2
    assert sum(n for (g, _), n in rows.items() if g == "hinh_thuc") == len(report.items)
    running = plan.build_report(SITE, plan.quarter_period(2, 2026), items, dt.date(2026, 4, 15))
    assert not running.complete and running.date == dt.date(2026, 4, 15) and len(running.items) == 1
    assert running.title == "Báo cáo kết quả tuyên truyền cải cách hành chính quý II năm 2026"
    assert plan.month_period(11, 2026).spoken == "tháng 11 năm 2026"
    assert plan.year_period(2026).spoken == "năm 2026"


def test_items_of_the_same_date_are_in_path_order_whatever_order_they_come_in():
    """Editors publish at round times: task products and a report's items with the same date are
    in the order of their files' paths, not in the order the caller happened to list them."""
    def tied(name, day="2026-03-05"):
        return types.SimpleNamespace(**{**vars(item(day, tasks=["04"])), "title": name,
                                        "source_path": f"/site/content/articles/{name}.md", "url": f"tin-tuc/{name}/"})

    names = ["c", "a", "d", "b"]
    for given in (names, names[::-1], sorted(names)):
        items = [tied(n) for n in given] + [tied("z-newer", "2026-03-06"), tied("0-older", "2026-03-04")]
        products = plan.progress(SITE, items, dt.date(2026, 11, 26))[3].products
        assert [p.title for p in products] == ["z-newer", "a", "b", "c", "d", "0-older"]
        report = plan.build_report(SITE, plan.quarter_period(1, 2026), items, dt.date(2026, 11, 26))
        assert [i.title for i in report.items] == ["0-older", "a", "b", "c", "d", "z-newer"]
        assert [i.title for i in report.by_task[3].items] == ["0-older", "a", "b", "c", "d", "z-newer"]


def test_report_periods_follow_the_build_date():
    labels = [p.label for p in plan.report_periods(2026, dt.date(2026, 5, 2))]
    assert labels == ["Quý I/2026", "Quý II/2026", "Năm 2026"]
    assert plan.report_periods(2026, dt.date(2025, 12, 31)) == []
