"""The task matrix, progress, per-body views, reports and exports as residents and the city see them."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections import Counter

from cchc import data
from conftest import BUILD_DATE, ROOT, SITEURL, article, moved, page, url_to_path

SITE_DATA = data.load(str(ROOT / "content" / "data"))
STATUS = {"chua-den-han": "Chưa đến hạn", "dang-thuc-hien": "Đang thực hiện", "hoan-thanh": "Hoàn thành",
          "qua-han": "Quá hạn"}


def text_of(el) -> str:
    return " ".join(el.text_content().split())


def published(site):
    """(date, tasks, form, body, areas, category) of every article page of the built site."""
    result = []
    for path in sorted((site / "tin-tuc").glob("20*/[01]*/*/index.html")):
        if moved(path):
            continue  # a page left at an old address
        doc = page(path)
        meta = text_of(doc.xpath("//dl[@class='cc-meta']")[0])
        kicker = text_of(doc.xpath("//p[@class='cc-article__kicker']")[0])
        category, _, form = kicker.partition(" · ")
        body = text_of(doc.xpath("//dt[.='Cơ quan thực hiện']/following-sibling::dd")[0])
        result.append({
            "date": doc.xpath("//p[@class='cc-article__date']/time/@datetime")[0][:10],
            "tasks": {t.code for t in SITE_DATA.tasks if f"Nhiệm vụ {t.code}:" in meta},
            "areas": {a.code for a in SITE_DATA.areas if f"{a.code}) {a.name}" in meta},
            "form": form, "body": body, "category": category, "url": f"{SITEURL}/{path.parent.relative_to(site)}/",
        })
    return result


def matrix_rows(doc):
    table = doc.xpath("//table[@class='cc-matrix__table']")[0]
    return table, table.xpath("./tbody/tr")


def test_plan_page_renders_the_accessible_matrix(site):
    doc = page(site / "ke-hoach-tuyen-truyen-cchc-2026" / "index.html")
    assert "[[" not in doc.text_content()
    table, rows = matrix_rows(doc)
    caption = text_of(table.xpath("./caption")[0])
    assert "Danh mục nhiệm vụ" in caption and "110/QĐ-UBND" in caption and "26/11/2026" in caption
    headers = [text_of(th) for th in table.xpath("./thead/tr/th")]
    assert headers == ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện",
                       "Sản phẩm", "Tiến độ"]
    assert all(th.get("scope") == "col" for th in table.xpath("./thead/tr/th"))
    assert [text_of(r.xpath("./td")[0]) for r in rows] == ["01", "02", "03", "04", "05", "06"]
    for row, task in zip(rows, SITE_DATA.tasks):
        header = row.xpath("./th[@scope='row']")[0]
        assert text_of(header) == task.name
        assert all(cell.get("data-label") for cell in row.xpath("./td|./th"))  # labels for phone cards
        assert SITE_DATA.bodies[task.chu_tri].name in text_of(row)
        assert task.thoi_gian in text_of(row)


def test_statuses_and_product_counts_match_what_is_published(site):
    products = Counter(code for a in published(site) for code in a["tasks"])
    reports = page(site / "bao-cao" / "index.html").xpath("//ul[@class='cc-cards']/li")
    finished = [r for r in reports if "tính đến ngày" not in text_of(r)]
    assert len(finished) == 3  # Q1–Q3 are over on 26/11/2026; Q4 and the year are still running
    _, rows = matrix_rows(page(site / "ke-hoach-tuyen-truyen-cchc-2026" / "index.html"))
    status = {}
    for row in rows:
        code = text_of(row.xpath("./td")[0])
        status[code] = text_of(row.xpath(".//span[contains(@class,'cc-status')]")[0])
        count = int(re.search(r"(\d+) sản phẩm đã đăng", text_of(row))[1])
        expected = products[code] + (len(finished) if code == "02" else 0)  # finished reports count for 02
        assert count == expected, code
        task_page = page(site / "ke-hoach" / "nhiem-vu" / code / "index.html")
        assert len(task_page.xpath("//ul[@class='cc-archive-list']/li")) == expected
    assert status == {"01": "Hoàn thành", "02": "Đang thực hiện", "03": "Hoàn thành",
                      "04": "Đang thực hiện", "05": "Đang thực hiện", "06": "Đang thực hiện"}


def test_per_body_views(site):
    for body in SITE_DATA.bodies:
        led = [t.code for t in SITE_DATA.tasks if t.chu_tri == body.code]
        supported = [t.code for t in SITE_DATA.tasks if body.code in t.fields.get("phoi_hop", [])]
        path = site / "ke-hoach" / "co-quan" / body.code / "index.html"
        if not led and not supported:
            assert not path.exists()
            continue
        doc = page(path)
        assert text_of(doc.xpath("//h1")[0]) == body.name
        assert f"Nhiệm vụ chủ trì ({len(led)})" in text_of(doc)
        assert f"Nhiệm vụ phối hợp ({len(supported)})" in text_of(doc)


def test_exports_for_the_city(site):
    document = json.loads((site / "ke-hoach" / "ma-tran-nhiem-vu.json").read_text(encoding="utf-8"))
    assert document["ke_hoach"]["so"] == "110/QĐ-UBND" and document["cap_nhat"] == BUILD_DATE
    assert [t["so"] for t in document["nhiem_vu"]] == ["01", "02", "03", "04", "05", "06"]
    assert document["nhiem_vu"][2]["thoi_gian"] == {"nhan": "Tháng 11/2026", "bat_dau": "2026-11-01",
                                                   "ket_thuc": "2026-11-30"}
    assert document["nhiem_vu"][1]["thoi_gian"]["ket_thuc"] is None
    for task in document["nhiem_vu"]:
        assert task["so_san_pham"] == len(task["san_pham"])
        for product in task["san_pham"]:
            assert url_to_path(site, product["dia_chi"]).exists()
    raw = (site / "ke-hoach" / "ma-tran-nhiem-vu.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r["so"], r["tien_do"], int(r["so_san_pham"])) for r in rows] == \
        [(t["so"], t["tien_do"]["nhan"], t["so_san_pham"]) for t in document["nhiem_vu"]]


def test_quarterly_report_figures_equal_the_site(site):
    q1 = [a for a in published(site) if "2026-01-01" <= a["date"] <= "2026-03-31"]
    doc = page(site / "bao-cao" / "2026" / "quy-i-2026" / "index.html")
    assert text_of(doc.xpath("//h1")[0]) == "Báo cáo kết quả tuyên truyền cải cách hành chính quý I năm 2026"
    assert f"đã đăng {len(q1)} tin, bài" in text_of(doc)
    listed = doc.xpath("//section[@aria-labelledby='bc-danh-muc']//li/a/@href")
    assert sorted(listed) == sorted(a["url"] for a in q1)

    def table(label):
        section = doc.xpath(f"//section[@aria-labelledby='bc-{label}']")[0]
        return {text_of(r.xpath("./th")[0]): int(text_of(r.xpath("./td")[0]).replace(".", ""))
                for r in section.xpath(".//tbody/tr")}

    forms = table("hinh-thuc")
    assert forms == {f.name: sum(1 for a in q1 if a["form"] == f.name) for f in SITE_DATA.forms}
    areas = table("noi-dung")
    assert areas == {f"{a.code}) {a.name}": sum(1 for x in q1 if a.code in x["areas"]) for a in SITE_DATA.areas}
    tasks = table("nhiem-vu")
    assert tasks == {f"Nhiệm vụ {t.code}: {t.name}": sum(1 for x in q1 if t.code in x["tasks"]) for t in SITE_DATA.tasks}
    bodies = table("co-quan")
    assert bodies == dict(Counter(a["body"] for a in q1))
    figures = list(csv.reader(io.StringIO((site / "bao-cao/2026/quy-i-2026/bao-cao-quy-i-2026-so-lieu.csv")
                                          .read_text(encoding="utf-8-sig"))))
    assert {(r[0], r[2]): int(r[3]) for r in figures[1:] if r[0] == "hinh_thuc"} == \
        {("hinh_thuc", name): n for name, n in forms.items()}
    assert (site / "bao-cao/2026/quy-i-2026/bao-cao-quy-i-2026.docx").stat().st_size > 5000


def test_running_quarter_says_figures_are_provisional(site):
    doc = page(site / "bao-cao" / "2026" / "quy-iv-2026" / "index.html")
    assert "Kỳ báo cáo chưa kết thúc: số liệu tính đến ngày 26/11/2026." in text_of(doc)
    assert not (site / "bao-cao" / "2027").exists()


def test_overdue_task_stands_out(fixture_site):
    fixture_site.write("articles/a.md", article(extra="nhiem_vu: 01"))
    fixture_site.write("pages/ke-hoach.md", "Title: Kế hoạch\nSlug: ke-hoach-tuyen-truyen-cchc-2026\n\n[[ma-tran-nhiem-vu]]\n")
    result = fixture_site.build(extra=["-e", 'CCHC_BUILD_DATE="2026-12-05"'])
    assert result.returncode == 0, result.log
    doc = page(fixture_site.output / "ke-hoach-tuyen-truyen-cchc-2026" / "index.html")
    _, rows = matrix_rows(doc)
    row03 = rows[2]
    assert "cc-matrix__row--qua-han" in row03.get("class")
    assert text_of(row03.xpath(".//span[contains(@class,'cc-status')]")[0]) == "Quá hạn"
    assert text_of(rows[0].xpath(".//span[contains(@class,'cc-status')]")[0]) == "Hoàn thành"


def test_matrix_follows_the_data_file_even_with_the_content_cache(fixture_site):
    fixture_site.write("pages/ke-hoach.md", "Title: Kế hoạch\nSlug: ke-hoach\n\n[[ma-tran-nhiem-vu]]\n")
    fixture_site.write("articles/a.md", article())
    cache = ["-e", "CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true"]
    assert fixture_site.build(extra=cache).returncode == 0
    plan_file = fixture_site.content / "data" / "ke-hoach.yaml"
    plan_file.write_text(plan_file.read_text(encoding="utf-8").replace(
        "thoi_gian: Tháng 11/2026", "thoi_gian: Tháng 12/2026"), encoding="utf-8")
    result = fixture_site.build(extra=cache)
    assert result.returncode == 0, result.log
    _, rows = matrix_rows(page(fixture_site.output / "ke-hoach" / "index.html"))
    assert "Tháng 12/2026" in text_of(rows[2])


def test_bad_plan_data_and_unknown_placeholder_are_errors(fixture_site):
    plan_file = fixture_site.content / "data" / "ke-hoach.yaml"
    plan_file.write_text(plan_file.read_text(encoding="utf-8").replace(
        "thoi_gian: Quý I/2026", "thoi_gian: Đầu năm 2026").replace('so: "04"', 'so: "03"'), encoding="utf-8")
    fixture_site.write("articles/a.md", article())
    result = fixture_site.build()
    assert result.returncode != 0
    log = " ".join(result.log.split())
    assert "ke-hoach.yaml, dòng 15, khóa “thoi_gian”: không hiểu thời gian thực hiện “Đầu năm 2026”." in log
    assert "ke-hoach.yaml, dòng 32, khóa “so”: mã “03” trùng với mục ở dòng 25" in log


def test_unknown_placeholder_is_an_error(fixture_site):
    fixture_site.write("articles/a.md", article(body="\n[[bang-tien-do]]\n"))
    result = fixture_site.build()
    assert result.returncode != 0
    assert "a.md, dòng 12: không có khối “[[bang-tien-do]]”." in " ".join(result.log.split())


def test_report_command_writes_word_and_csv(tmp_path):
    result = subprocess.run([sys.executable, "-m", "cchc.cli", "report", "--quarter", "I/2026", "--date", BUILD_DATE,
                             "-o", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**__import__("os").environ, "SITEURL": SITEURL})
    assert result.returncode == 0, result.stdout + result.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["bao-cao-quy-i-2026-danh-muc.csv", "bao-cao-quy-i-2026-so-lieu.csv", "bao-cao-quy-i-2026.docx"]
    result = subprocess.run([sys.executable, "-m", "cchc.cli", "report", "--quarter", "V/2026", "-o", str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2 and "Không hiểu kỳ báo cáo" in result.stderr


def test_readership_figures_reach_the_report(tmp_path):
    """cchc stats --json on the web server's log → cchc report --stats: the Word report and the
    site's report page show the same figures."""
    import docx

    log = tmp_path / "access.log"
    lines = []
    for n, (day, path) in enumerate([("10/Feb/2026", "/"), ("10/Feb/2026", "/thu-tuc/1-001193/"),
                                     ("11/Feb/2026", "/thu-tuc/1-001193/"), ("12/Feb/2026", "/tim-kiem/?q=khai+sinh")]):
        lines.append(f'10.0.0.{n} - - [{day}:09:00:00 +0700] "GET {path} HTTP/1.1" 200 5120 "-" '
                     '"Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36"')
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stats_file = tmp_path / "quy-i-2026.json"
    run = lambda *args: subprocess.run([sys.executable, "-m", "cchc.cli", *args], cwd=ROOT, capture_output=True,  # noqa: E731
                                       text=True, timeout=300, env={**__import__("os").environ, "SITEURL": SITEURL})
    result = run("stats", str(log), "--quarter", "I/2026", "--json", str(stats_file))
    assert result.returncode == 0, result.stderr
    totals = json.loads(stats_file.read_text(encoding="utf-8"))["tong"]
    assert totals["luot_xem"] == 4 and totals["luot_tim_kiem"] == 1  # the search page is a page view too
    out = tmp_path / "bao-cao"
    result = run("report", "--quarter", "I/2026", "--date", BUILD_DATE, "--stats", str(stats_file), "-o", str(out))
    assert result.returncode == 0, result.stderr
    document = docx.Document(str(out / "bao-cao-quy-i-2026.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "8. Số lượt truy cập, theo dõi chuyên mục (nhiệm vụ 04)" in text
    cells = {row.cells[1].text: row.cells[2].text for table in document.tables for row in table.rows
             if len(row.cells) == 3}
    assert cells["Lượt xem trang"] == "4" and cells["Lượt tìm kiếm trên trang"] == "1"
    wrong = run("report", "--year", "2026", "--date", BUILD_DATE, "--stats", str(stats_file), "-o", str(out))
    assert wrong.returncode == 1 and "không phải Năm 2026" in wrong.stderr


def test_report_page_shows_readership_when_the_ward_adds_the_figures(fixture_site):
    stats = {"phien_ban": 1, "ky": {"ten": "Quý I/2026", "tu_ngay": "2026-01-01", "den_ngay": "2026-03-31"},
             "so_ngay_co_du_lieu": 90, "tong": {"luot_xem": 12345, "khach": 6789, "luot_tim_kiem": 321,
                                                 "nguoi_theo_doi_ban_tin": 12.5, "thue_bao_ban_tin": 40,
                                                 "luot_nghe": 210, "luot_tai": 15},
             "bai_viet": [{"dia_chi": "/tin-tuc/2026/03/a/", "tieu_de": "Bài kiểm thử", "chuyen_muc": None,
                           "luot_xem": 900, "khach": 700}]}
    fixture_site.write("data/thong-ke/quy-i-2026.json", json.dumps(stats, ensure_ascii=False))
    fixture_site.write("articles/a.md", article(title="Bài kiểm thử"))
    result = fixture_site.build()
    assert result.returncode == 0, result.log
    doc = page(fixture_site.output / "bao-cao/2026/quy-i-2026/index.html")
    section = text_of(doc.xpath("//section[@aria-labelledby='bc-truy-cap']")[0])
    assert "Lượt xem trang12.345" in section and "Người theo dõi qua bản tin RSS/Atom (trung bình mỗi ngày)12,5" in section
    assert "Bài kiểm thử — 900 lượt xem" in section
    assert not page(fixture_site.output / "bao-cao/2026/quy-ii-2026/index.html").xpath("//section[@aria-labelledby='bc-truy-cap']")
    fixture_site.write("data/thong-ke/quy-ii-2026.json", json.dumps(stats, ensure_ascii=False))  # wrong period
    result = fixture_site.build()
    assert result.returncode != 0
    assert "quy-ii-2026.json: số liệu truy cập là của kỳ 2026-01-01 – 2026-03-31, không phải Quý II/2026" in " ".join(result.log.split())
