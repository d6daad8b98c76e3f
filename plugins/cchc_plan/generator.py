"""The generator and handlers of cchc_plan (module level: blinker keeps only weak references)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import re

from pelican.generators import Generator

from cchc import data, plan, source, state, updates, vn
from cchc.errors import Problem

PLACEHOLDER = re.compile(r"<p>\s*\[\[(?P<name>[a-z0-9-]+)\]\]\s*</p>")
KNOWN = {"ma-tran-nhiem-vu"}


def get_generators(pelican):
    return PlanGenerator


@dataclasses.dataclass
class ReportPage:
    """A report as a product of task 02 and as a page: title, url, date like an article."""

    report: plan.Report
    url: str
    save_as: str
    date: dt.datetime
    year: int

    @property
    def title(self):
        return self.report.title

    @property
    def files(self):
        stem = f"bao-cao-{self.report.slug}"
        return {"docx": f"{self.url}{stem}.docx", "csv": f"{self.url}{stem}-so-lieu.csv",
                "items_csv": f"{self.url}{stem}-danh-muc.csv"}


@dataclasses.dataclass
class PlanView:
    """What templates get as CCHC_PLAN."""

    site: object
    today: dt.date
    tasks: list
    reports: list
    bodies: list  # (body, tasks led, tasks supported, articles by the body) for bodies in the plan

    def task(self, code):
        return next(t for t in self.tasks if t.code == code)


class PlanGenerator(Generator):
    def generate_context(self):
        site = state.of(self.settings).site
        today = state.of(self.settings).build_date
        articles = self.context.get("articles", [])
        year = plan.plan_year(site)

        periods = plan.report_periods(year, today)
        for label in self.settings["CCHC_REPORTS"]:
            period = plan.parse_period(label)
            if period not in periods:
                periods.append(period)
        # Procedure changes come from cchc_procedures (which runs before this generator), when present.
        section = self.context.get("CCHC_PROCEDURES")
        changes = [plan.ProcedureChange(c.date.date(), c.view.code, c.view.title,
                                        c.change_label, c.change.get("quyet_dinh", ""), c.view.url)
                   for c in (section.changes if section else [])]
        # Made again by the preview after a procedure's edit (cchc.updates.Regenerate) or an
        # article's chuyên mục (Session._regroup): a report whose articles are counted as before
        # (plan.report_inputs) keeps what it counted and takes the new procedure changes.
        counted = getattr(self, "counted", None)
        if counted is None or counted[0] is not site or counted[1] != today:
            counted = self.counted = (site, today, {})
        reports = []
        for period in periods:
            inputs = plan.report_inputs(period, articles, today)
            kept = counted[2].get(period)
            if kept is not None and kept[0] == inputs:
                report = dataclasses.replace(kept[1], procedures=plan.changes_in(period, today, changes))
            else:
                report = plan.build_report(site, period, articles, today, changes)
                counted[2][period] = (inputs, report)
            report.stats = self._stats_for(period)
            reports.append(self._report_page(report))
        finished = [r for r in reports if r.report.complete]
        tasks = plan.progress(site, articles, today, extra_products={"02": finished})

        bodies = []
        for body in site.bodies:
            led = [t for t in tasks if t.lead == body]
            supported = [t for t in tasks if body in t.partners]
            if led or supported:
                written = [a for a in articles if getattr(a, "co_quan", None) == body]
                bodies.append((body, led, supported, written))
        self.plan = PlanView(site, today, tasks, reports, bodies)
        self.context["CCHC_PLAN"] = self.plan

    def regenerated(self, before: dict) -> bool:
        """cchc.updates.Regenerate, after this context was made again (`before`: this generator's
        attributes as they were): True when the task matrix that articles and pages embed
        (expand_placeholders, which the preview does not run again then) is the same."""
        template = self.get_template("embed_task_matrix")
        now = template.render(self.context)
        self.context["CCHC_PLAN"] = before["plan"]
        try:
            then = template.render(self.context)
        finally:
            self.context["CCHC_PLAN"] = self.plan
        return now == then

    def _stats_for(self, period):
        # Readership figures (`cchc stats --json`) for a report: CCHC_REPORT_STATS {period label: data}
        # (set by `cchc report --stats`), or files CCHC_STATS_DIR/<kỳ>.json, e.g. quy-i-2026.json.
        given = self.settings["CCHC_REPORT_STATS"].get(period.label)
        path = os.path.join(self.settings["CCHC_STATS_DIR"], f"{period.slug}.json")
        if given is None and not os.path.exists(path):
            return None
        try:
            if given is not None:
                stats = given
            else:
                if data.not_plain(path):
                    raise ValueError("không phải tệp thường")
                with open(path, encoding="utf-8") as handle:
                    stats = json.load(handle)
        except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError; deep nesting recurses
            state.of(self.context).problems.append(Problem(path, None, None, f"tệp số liệu truy cập không đọc được ({error}).",
                                                  "Tạo lại bằng: cchc stats … --json TỆP."))
            return None
        reason = plan.check_stats(stats, period)
        if reason:
            state.of(self.context).problems.append(Problem(path if given is None else "--stats", None, None, reason + ".",
                                                  "Tạo lại bằng: cchc stats NHẬT_KÝ --quarter/--year … --json TỆP."))
            return None
        return stats

    def _report_page(self, report):
        year = report.period.end.year
        where = {"year": year, "slug": report.slug}
        day = dt.datetime.combine(report.date, dt.time(17, 0), tzinfo=vn.TIMEZONE)
        return ReportPage(report, self.settings["CCHC_REPORT_URL"].format(**where),
                          self.settings["CCHC_REPORT_SAVE_AS"].format(**where), day, year)

    def generate_output(self, writer):
        view, settings = self.plan, self.settings
        for task in view.tasks:
            writer.write_file(settings["CCHC_PLAN_TASK_SAVE_AS"].format(code=task.code), self.get_template("plan_task"),
                              self.context, task=task)
        for body, led, supported, written in view.bodies:
            writer.write_file(settings["CCHC_PLAN_BODY_SAVE_AS"].format(code=body.code), self.get_template("plan_body"),
                              self.context, body=body, led=led, supported=supported, written=written)
        writer.write_file(settings["CCHC_REPORTS_SAVE_AS"], self.get_template("reports"), self.context)
        for page in view.reports:
            writer.write_file(page.save_as, self.get_template("report"), self.context, report_page=page,
                              report=page.report)
            self._write_report_files(page)
        self._write_exports()

    def rewrite_for(self, item):
        for page in self.plan.reports:
            if any(shown is item for shown in page.report.items):
                self._write_report_files(page)
        if any(product is item for task in self.plan.tasks for product in task.products):
            self._write_exports()

    # ---- files that are not HTML ------------------------------------------------------------

    def _write(self, rel, data: bytes):
        path = os.path.join(self.output_path, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        updates.before_writing(path)
        with open(path, "wb") as handle:
            handle.write(data)

    def _write_csv(self, rel, header, rows):
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\r\n")
        out.writerow(header)
        # Titles and names come from editors' files: never a live formula in Excel. (Imported here:
        # cchc.stats compiles its bot patterns on import, 0.2 s no other part of a build needs.)
        from cchc.stats import spreadsheet_cell

        out.writerows([[spreadsheet_cell(value) for value in row] for row in rows])
        # BOM: Excel, which the ward's offices use, then reads the file as UTF-8.
        self._write(rel, b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))

    def _write_report_files(self, page):
        report, siteurl = page.report, self.settings["SITEURL"]
        self._write_csv(page.files["csv"], ["nhom", "ma", "ten", "so_luong"], plan.counts_table(report))
        self._write_csv(page.files["items_csv"],
                        ["ngay", "tieu_de", "dia_chi", "hinh_thuc", "chuyen_muc", "co_quan", "noi_dung", "nhiem_vu"],
                        [[vn.short_date(i.date), i.title, f"{siteurl}/{i.url}",
                          i.hinh_thuc.name if i.hinh_thuc else "", i.category.name,
                          i.co_quan.name if i.co_quan else "",
                          ", ".join(a.code for a in i.noi_dung), ", ".join(t.code for t in i.nhiem_vu)]
                         for i in report.items])
        from cchc.report_docx import write_docx

        path = os.path.join(self.output_path, page.files["docx"])
        site = state.of(self.settings).site
        if updates.unchanged(path, page.report, site):  # 0.2 s a report at 5,000 articles
            return
        os.makedirs(os.path.dirname(path), exist_ok=True)
        updates.before_writing(path)
        write_docx(report, site, path)

    def _write_exports(self):
        view, siteurl, site = self.plan, self.settings["SITEURL"], state.of(self.settings).site
        tasks = []
        for t in view.tasks:
            tasks.append({
                "so": t.code, "nhiem_vu": t.task.name,
                "chu_tri": {"ma": t.lead.code, "ten": t.lead.name},
                "phoi_hop": [{"ma": b.code, "ten": b.name} for b in t.partners],
                "thoi_gian": {"nhan": t.period.label,
                              "bat_dau": t.period.start.isoformat() if t.period.start else None,
                              "ket_thuc": t.period.end.isoformat() if t.period.end else None},
                "san_pham_ke_hoach": t.task.fields.get("san_pham", ""),
                "tien_do": {"ma": t.status, "nhan": t.status_label},
                "so_san_pham": len(t.products),
                "san_pham": [{"tieu_de": p.title, "dia_chi": f"{siteurl}/{p.url}",
                              "ngay": vn.iso_date(p.date)} for p in t.products],
                "trang": f"{siteurl}/{self.settings['CCHC_PLAN_TASK_URL'].format(code=t.code)}",
            })
        document = {
            "ke_hoach": {"so": site.plan["so"], "ngay": site.plan["ngay"],
                         "co_quan_ban_hanh": site.bodies[site.plan["co_quan_ban_hanh"]].name,
                         "trich_yeu": site.plan["trich_yeu"]},
            "don_vi": "Phường Chí Linh, thành phố Hải Phòng",
            "cap_nhat": view.today.isoformat(),
            "nhiem_vu": tasks,
        }
        self._write(self.settings["CCHC_PLAN_MATRIX_JSON"],
                    (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        self._write_csv(self.settings["CCHC_PLAN_MATRIX_CSV"],
                        ["so", "nhiem_vu", "chu_tri", "phoi_hop", "thoi_gian", "bat_dau", "ket_thuc",
                         "san_pham_ke_hoach", "tien_do", "so_san_pham", "cap_nhat"],
                        [[t["so"], t["nhiem_vu"], t["chu_tri"]["ten"], "; ".join(b["ten"] for b in t["phoi_hop"]),
                          t["thoi_gian"]["nhan"], t["thoi_gian"]["bat_dau"] or "", t["thoi_gian"]["ket_thuc"] or "",
                          t["san_pham_ke_hoach"], t["tien_do"]["nhan"], t["so_san_pham"], view.today.isoformat()]
                         for t in tasks])


def rewrite_shown(item, generators):
    """The preview changed `item`'s title alone (cchc/updates.py `shows`): the plan's own files that
    print it are written again, the reports' lists of items and the matrix exports."""
    next(g for g in generators if isinstance(g, PlanGenerator)).rewrite_for(item)


def expand_edited(item, linking, generators):
    """expand_placeholders for the preview's body update (cchc/updates.py): the edited item only."""
    expand_placeholders([updates.alone(item, generators), *[g for g in generators if isinstance(g, PlanGenerator)]])


def expand_placeholders(generators):
    """Replaces [[ma-tran-nhiem-vu]] paragraphs after reading, so the cache never holds the table."""
    plan_generator = next(g for g in generators if isinstance(g, PlanGenerator))
    problems = state.of(generators[0].context).problems
    rendered = None
    for generator in generators:
        for attr in ("articles", "pages", "hidden_pages", "drafts", "hidden_articles"):
            for item in getattr(generator, attr, []):
                content = item._content or ""
                if "[[" not in content:
                    continue
                for match in PLACEHOLDER.finditer(content):
                    if match["name"] not in KNOWN:
                        problems.append(Problem(
                            item.source_path, source.line_containing(item.source_path, f"[[{match['name']}]]"), None,
                            f"không có khối “[[{match['name']}]]”.",
                            "Khối được hỗ trợ: [[ma-tran-nhiem-vu]] (viết riêng một dòng)."))
                if rendered is None:
                    rendered = plan_generator.get_template("embed_task_matrix").render(plan_generator.context)
                item._content = PLACEHOLDER.sub(
                    lambda m: rendered if m["name"] in KNOWN else m.group(0), content)

