"""The "Tra cứu thủ tục hành chính" section: procedure pages, indexes, lifecycle, change feed,
links from articles, the ward's overlay — on small fixture sites built for real."""

from __future__ import annotations

import re

from lxml import etree

from cchc import vn
from conftest import SITEURL, article, page

ATOM = "{http://www.w3.org/2005/Atom}"


def record(code, name, field="Hộ tịch", online="toan-trinh", status="hieu-luc", history=None, extra="",
           body="Ủy ban nhân dân cấp xã", events=("Khai sinh",)):
    history = history or [("2025-07-01", "moi", "1234/QĐ-UBND")]
    lines = [f"ma: {code}", f"ten: {name}", "cap_thuc_hien: [xa]", "linh_vuc:", f"  - {{ma: G15-TP07, ten: {field}}}",
             "doi_tuong: [Công dân Việt Nam]", "co_quan_thuc_hien:", f"  - ten: {body}",
             "trinh_tu:", "  - {ten: Bước 1, mo_ta: Người yêu cầu nộp hồ sơ tại Trung tâm Phục vụ hành chính công.}",
             "  - {ten: Bước 2, mo_ta: Cán bộ tiếp nhận kiểm tra và trả kết quả.}",
             "cach_thuc:", "  - hinh_thuc: truc-tuyen", "    thoi_han: 03 ngày làm việc", '    so_ngay: "3"',
             "    don_vi: ngay-lam-viec", "    phi: []",
             "  - hinh_thuc: truc-tiep", "    thoi_han: 03 ngày làm việc", "    phi:",
             "      - {loai: le-phi, muc: 8.000 đồng, mo_ta: Lệ phí cấp bản sao}",
             "ho_so:", "  - nhom: Giấy tờ phải nộp", "    giay_to:",
             '      - {ten: Tờ khai theo mẫu, ban_chinh: "01", ban_sao: "0", bat_buoc: true, mau: [{ten: Tờ khai, tep: "https://dichvucong.gov.vn/mau/to-khai.docx"}]}',
             "can_cu_phap_ly:", "  - {ten: Luật Hộ tịch, so: 60/2014/QH13}",
             "ket_qua: [Giấy khai sinh]", f"muc_do_truc_tuyen: {online}", f"trang_thai: {status}",
             f"su_kien_doi_song: [{', '.join(events)}]", "lich_su:"]
    lines += [f'  - {{ngay: "{d}", loai: {kind}, quyet_dinh: {decision}}}' for d, kind, decision in history]
    return "\n".join(lines) + "\n" + extra


def add_sample(fixture_site):
    fixture_site.write("procedures/1.001193.yaml", record("1.001193", "Thủ tục đăng ký khai sinh"))
    fixture_site.write("procedures/1.000890.yaml", record(
        "1.000890", "Thủ tục chứng thực bản sao từ bản chính", field="Chứng thực", online="mot-phan",
        history=[("2025-07-01", "moi", "1234/QĐ-UBND"), ("2026-06-15", "sua-doi", "2200/QĐ-UBND")], events=()))
    fixture_site.write("procedures/2.000635.yaml", record(
        "2.000635", "Ủy quyền ghi chú vào sổ hộ tịch", online="khong", status="bai-bo",
        history=[("2025-07-01", "moi", "1234/QĐ-UBND"), ("2026-08-20", "bai-bo", "3100/QĐ-UBND")],
        extra='thay_the_boi: "1.001193"\n'))
    fixture_site.write("procedures/dia-phuong/1.001193.yaml",
                       "phi_dia_phuong:\n  - {hinh_thuc: truc-tiep, loai: phi, muc: 3.000 đồng/bản, can_cu: Nghị quyết của HĐND thành phố}\n"
                       "gio_lam_viec: Sáng 7:30–11:30, chiều 13:30–17:00 từ thứ Hai đến thứ Sáu\n"
                       "ghi_chu: Trẻ sinh tại Bệnh viện Đa khoa Chí Linh được hướng dẫn làm liên thông khai sinh.\n")
    fixture_site.write("articles/a.md", article(body="\nXem [thủ tục đăng ký khai sinh]({thu-tuc}1.001193#ho-so).\n"))


def text_of(el):
    return " ".join(el.text_content().split())


def test_procedure_page_states_everything_the_law_requires(fixture_site):
    add_sample(fixture_site)
    result = fixture_site.build()
    assert result.returncode == 0, result.log
    doc = page(fixture_site.output / "thu-tuc/1-001193/index.html")
    assert text_of(doc.xpath("//h1")[0]) == "Thủ tục đăng ký khai sinh"
    box = text_of(doc.xpath("//section[@class='cc-summary']")[0])
    for expected in ("Mã thủ tục 1.001193", "Trực tuyến toàn trình", "Hộ tịch", "Ủy ban nhân dân phường Chí Linh",
                     "Sáng 7:30–11:30", "Công dân Việt Nam"):
        assert expected in box, expected
    rows = doc.xpath("//table[@class='cc-channels']/tbody/tr")
    assert [text_of(r.xpath("./th")[0]) for r in rows] == ["Trực tuyến", "Trực tiếp"]
    assert "Miễn phí" in text_of(rows[0])
    assert "Lệ phí: 8.000 đồng" in text_of(rows[1]) and "Phí (Hải Phòng): 3.000 đồng/bản" in text_of(rows[1])
    assert len(doc.xpath("//ol[@class='cc-steps']/li")) == 2
    assert "01 bản chính" in text_of(doc.xpath("//ul[@class='cc-documents']")[0])
    assert doc.xpath("//a[@class='cc-documents__form']/@href") == ["https://dichvucong.gov.vn/mau/to-khai.docx"]
    assert "Luật Hộ tịch (60/2014/QH13)" in text_of(doc)
    assert "Giấy khai sinh" in text_of(doc.xpath("//section[@aria-labelledby='ket-qua']")[0])
    assert "Bệnh viện Đa khoa Chí Linh" in text_of(doc.xpath("//section[@aria-labelledby='ghi-chu']")[0])
    assert doc.xpath("//a[contains(@class,'cc-button')]")  # "Nộp hồ sơ trực tuyến"
    # the procedure it replaces is named on the page
    assert "2.000635" in text_of(doc.xpath("//p[@class='cc-note']")[0])


def test_abolished_procedure_keeps_its_page_and_leaves_the_lists(fixture_site):
    add_sample(fixture_site)
    assert fixture_site.build().returncode == 0
    doc = page(fixture_site.output / "thu-tuc/2-000635/index.html")
    note = text_of(doc.xpath("//div[@class='cc-abolished']")[0])
    assert "Đã bãi bỏ" in note and "20/08/2026" in note and "3100/QĐ-UBND" in note
    assert doc.xpath("//div[@class='cc-abolished']//a/@href") == [f"{SITEURL}/thu-tuc/1-001193/"]
    assert not doc.xpath("//a[contains(@class,'cc-button')]")
    az = page(fixture_site.output / "thu-tuc/a-z/index.html")
    assert "2.000635" not in text_of(az)
    field = page(fixture_site.output / "thu-tuc/linh-vuc/ho-tich/index.html")
    assert text_of(field.xpath("//h1")[0]) == "Hộ tịch (1 thủ tục)"
    landing = page(fixture_site.output / "thu-tuc/index.html")
    assert "2.000635" in text_of(landing.xpath("//section[@aria-labelledby='da-bai-bo']")[0])


def test_indexes_count_and_sort_in_vietnamese_order(fixture_site):
    add_sample(fixture_site)
    fixture_site.write("procedures/1.003677.yaml", record("1.003677", "Thủ tục đăng ký giám hộ", body="Công an cấp xã"))
    fixture_site.write("procedures/1.004194.yaml", record("1.004194", "Thủ tục ân hạn nộp phạt", field="Xử lý vi phạm"))
    assert fixture_site.build().returncode == 0
    az = page(fixture_site.output / "thu-tuc/a-z/index.html")
    letters = [text_of(h).split(" (")[0] for h in az.xpath("//main//section/h2")]
    assert letters == vn.sorted_vi(letters) == ["Â", "C", "Đ"]
    names = [text_of(a) for a in az.xpath("//main//section//li/a")]
    assert names == ["Ân hạn nộp phạt", "Chứng thực bản sao từ bản chính", "Đăng ký giám hộ", "Đăng ký khai sinh"]
    fields = page(fixture_site.output / "thu-tuc/linh-vuc/index.html")
    cards = {text_of(c.xpath(".//a")[0]): text_of(c.xpath(".//p")[0]) for c in fields.xpath("//li[@class='cc-card']")}
    assert cards == {"Chứng thực": "1 thủ tục", "Hộ tịch": "2 thủ tục", "Xử lý vi phạm": "1 thủ tục"}
    bodies = page(fixture_site.output / "thu-tuc/co-quan/index.html")
    assert {text_of(a) for a in bodies.xpath("//h2/a")} == {"Ủy ban nhân dân phường Chí Linh", "Công an phường Chí Linh"}
    levels = page(fixture_site.output / "thu-tuc/muc-do/index.html")
    assert [text_of(a) for a in levels.xpath("//h2/a")] == ["Trực tuyến toàn trình", "Trực tuyến một phần"]
    events = page(fixture_site.output / "thu-tuc/su-kien/khai-sinh/index.html")
    assert len(events.xpath("//ul[contains(@class,'cc-procedures')]/li")) == 3


def test_change_feed_has_one_entry_per_change_with_stable_ids(fixture_site):
    add_sample(fixture_site)
    assert fixture_site.build().returncode == 0
    feed = etree.parse(str(fixture_site.output / "feeds/thu-tuc.atom.xml")).getroot()
    entries = feed.findall(ATOM + "entry")
    titles = [e.findtext(ATOM + "title") for e in entries]
    assert titles[0] == "Bãi bỏ: Ủy quyền ghi chú vào sổ hộ tịch (2.000635)"
    assert titles[1] == "Sửa đổi, bổ sung: Thủ tục chứng thực bản sao từ bản chính (1.000890)"
    assert len(entries) == 5
    ids = [e.findtext(ATOM + "id") for e in entries]
    assert len(set(ids)) == 5
    assert "Thay thế bằng thủ tục Thủ tục đăng ký khai sinh (1.001193)" in entries[0].findtext(ATOM + "summary")
    link = entries[0].find(ATOM + "link").get("href")
    assert link == f"{SITEURL}/thu-tuc/2-000635/#thay-doi-2026-08-20-bai-bo"
    target = page(fixture_site.output / "thu-tuc/2-000635/index.html")
    assert target.xpath("//li[@id='thay-doi-2026-08-20-bai-bo']")
    # a second build gives the same ids: readers do not see old changes again
    fixture_site.write("articles/b.md", article(title="Bài khác"))
    assert fixture_site.build().returncode == 0
    again = etree.parse(str(fixture_site.output / "feeds/thu-tuc.atom.xml")).getroot()
    assert [e.findtext(ATOM + "id") for e in again.findall(ATOM + "entry")] == ids
    rss = etree.parse(str(fixture_site.output / "feeds/thu-tuc.rss.xml")).getroot()
    assert rss.find("channel/language").text == "vi"
    assert all(g.get("isPermaLink") == "false" for g in rss.iter("guid"))


def test_articles_link_to_procedures_by_code(fixture_site):
    add_sample(fixture_site)
    assert fixture_site.build().returncode == 0
    doc = page(fixture_site.output / "tin-tuc/2026/03/a/index.html")
    assert doc.xpath("//div[@id='noi-dung']//a/@href") == [f"{SITEURL}/thu-tuc/1-001193/#ho-so"]
    rss = (fixture_site.output / "feeds/tat-ca.rss.xml").read_text(encoding="utf-8")
    assert f"{SITEURL}/thu-tuc/1-001193/#ho-so" in rss


def test_unknown_procedure_code_in_an_article_is_an_error(fixture_site):
    add_sample(fixture_site)
    fixture_site.write("articles/b.md", article(title="Bài B", body="\nXem [thủ tục]({thu-tuc}1.999999).\n"))
    result = fixture_site.build()
    assert result.returncode != 0
    assert "b.md, dòng 12: liên kết tới thủ tục “1.999999” nhưng không có thủ tục này" in " ".join(result.log.split())


def test_invalid_records_and_overlays_are_reported_with_file_and_field(fixture_site):
    add_sample(fixture_site)
    broken = record("1.001193", "Thủ tục đăng ký khai sinh").replace("muc_do_truc_tuyen: toan-trinh", "muc_do_truc_tuyen: muc-do-4")
    broken = broken.replace("ket_qua: [Giấy khai sinh]\n", "")
    fixture_site.write("procedures/1.001193.yaml", broken)
    fixture_site.write("procedures/dia-phuong/1.009999.yaml", "ghi_chu: Không có thủ tục này\n")
    fixture_site.write("procedures/1.000001.yaml", "ma: 1.000002\nten: Sai mã\n")
    result = fixture_site.build()
    assert result.returncode != 0
    log = " ".join(result.log.split())
    assert re.search(r"1\.001193\.yaml, dòng \d+, khóa “muc_do_truc_tuyen”: giá trị “muc-do-4” không hợp lệ", log)
    assert "1.001193.yaml, khóa “ket_qua”: thiếu trường bắt buộc." in log
    assert "dia-phuong/1.009999.yaml: không có thủ tục 1.009999 để bổ sung." in log
    assert "1.000001.yaml, dòng 1, khóa “ma”: mã “1.000002” khác tên tệp “1.000001”." in log


def test_codes_stay_text(fixture_site):
    fixture_site.write("procedures/1.000890.yaml", record("1.000890", "Thủ tục chứng thực bản sao từ bản chính"))
    fixture_site.write("articles/a.md", article())
    result = fixture_site.build()
    assert result.returncode == 0, result.log
    doc = page(fixture_site.output / "thu-tuc/1-000890/index.html")
    assert "Mã thủ tục 1.000890" in text_of(doc)


def test_reports_list_the_procedures_that_changed_in_their_period(fixture_site):
    add_sample(fixture_site)
    assert fixture_site.build().returncode == 0
    q2 = text_of(page(fixture_site.output / "bao-cao/2026/quy-ii-2026/index.html")
                 .xpath("//section[@aria-labelledby='bc-thu-tuc']")[0])
    assert "15/06/2026 Sửa đổi, bổ sung: Thủ tục chứng thực bản sao từ bản chính (1.000890) — Quyết định số 2200/QĐ-UBND" in q2
    q3 = text_of(page(fixture_site.output / "bao-cao/2026/quy-iii-2026/index.html")
                 .xpath("//section[@aria-labelledby='bc-thu-tuc']")[0])
    assert "Bãi bỏ: Ủy quyền ghi chú vào sổ hộ tịch (2.000635)" in q3 and "1.000890" not in q3
    q1 = text_of(page(fixture_site.output / "bao-cao/2026/quy-i-2026/index.html")
                 .xpath("//section[@aria-labelledby='bc-thu-tuc']")[0])
    assert "Trong kỳ không có thay đổi." in q1


def test_sample_procedures_cover_the_ward(site):
    """The real site's procedures (imported from sample-data/ with the importer)."""
    pages = sorted((site / "thu-tuc").glob("[0-9]-*/index.html"))
    assert len(pages) >= 30
    fields = {text_of(a) for a in page(site / "thu-tuc/linh-vuc/index.html").xpath("//h2/a")}
    assert {"Hộ tịch", "Chứng thực", "Đăng ký, quản lý cư trú", "Đất đai", "Hoạt động xây dựng",
            "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)", "Giảm nghèo", "Bảo trợ xã hội"} <= fields
    texts = [text_of(page(p).xpath("//section[@aria-labelledby='lich-su']")[0]) for p in pages]
    assert any("Sửa đổi, bổ sung" in t for t in texts)
    assert any(page(p).xpath("//div[@class='cc-abolished']") for p in pages)
    levels = {text_of(a) for a in page(site / "thu-tuc/muc-do/index.html").xpath("//h2/a")}
    assert levels == {"Trực tuyến toàn trình", "Trực tuyến một phần", "Không trực tuyến"}


def test_every_corpus_record_imports_and_builds_a_page(fixture_site):
    import subprocess
    import sys

    from conftest import ROOT, SHARED

    result = subprocess.run([sys.executable, "-m", "cchc.cli", "import-procedures", str(SHARED / "corpus" / "dvcqg-crawl"),
                             "--into", str(fixture_site.content / "procedures")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    fixture_site.write("articles/a.md", article())
    build = fixture_site.build()
    assert build.returncode == 0, build.log
    codes = sorted(p.stem for p in (SHARED / "corpus" / "dvcqg-crawl").glob("[0-9]*.json"))
    assert len(codes) == 32
    for code in codes:
        doc = page(fixture_site.output / "thu-tuc" / vn.slugify(code) / "index.html")
        assert doc.xpath("//h1") and doc.xpath("//section[@class='cc-summary']")
        assert f"Mã thủ tục {code}" in text_of(doc.xpath("//section[@class='cc-summary']")[0])
    az = page(fixture_site.output / "thu-tuc/a-z/index.html")
    assert len(az.xpath("//main//section//li/a")) == 32


def test_the_procedures_move_with_their_settings(fixture_site):
    """Where the procedures live is pelicanconf.py's alone (CCHC_PROCEDURES_URL and the patterns
    made from it): moved elsewhere, every page, index and the finder's data move, every link to
    them follows (menu, breadcrumbs, an article's {thu-tuc} link, the feed, the scripts'
    data-procedure, the search index), and the link check of `cchc build` passes."""
    import json
    import os
    import subprocess
    import sys

    from pelican.settings import read_settings

    from cchc import stats
    from conftest import BUILD_DATE, ROOT
    from test_settings import BUILD

    add_sample(fixture_site)
    settings = read_settings(str(ROOT / "publishconf.py"))
    old, new = settings["CCHC_PROCEDURES_URL"], "thu-tuc-hanh-chinh/"
    moved = {key: new + value[len(old):] for key, value in settings.items()
             if key.startswith("CCHC_") and isinstance(value, str) and value.startswith(old)}
    assert {"CCHC_PROCEDURE_URL", "CCHC_PROCEDURE_GROUP_SAVE_AS", "CCHC_FINDER_SAVE_AS"} <= set(moved)
    override = {"PATH": str(fixture_site.content), "CACHE_PATH": str(fixture_site.cache), "SITEURL": SITEURL,
                "FEED_DOMAIN": SITEURL, **moved}
    out = fixture_site.output
    result = subprocess.run([sys.executable, "-c", BUILD, str(out), json.dumps(override)],
                            cwd=ROOT, env=dict(os.environ, CCHC_BUILD_DATE=BUILD_DATE), capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr  # pages written and every link checked

    assert not (out / old).exists()
    for rel in ("", "1-001193/", "2-000635/", "a-z/", "linh-vuc/", "linh-vuc/ho-tich/", "muc-do/mot-phan/"):
        assert (out / new / rel / "index.html").is_file(), rel
    assert len(list((out / new).glob("tim-thu-tuc.*.json"))) == 1
    assert list((out / "pagefind" / "toan-van" / "thu-tuc").iterdir())  # the procedure pages were indexed
    for path in sorted(out.rglob("*")):
        if path.suffix in (".html", ".xml", ".json", ".csv", ".txt", ".map") and "pagefind" not in path.parts:
            assert f"/{old}" not in path.read_text(encoding="utf-8"), path.relative_to(out)
    link = page(out / "tin-tuc/2026/03/a/index.html").xpath("//main//a[contains(., 'đăng ký khai sinh')]/@href")
    assert link == [f"{SITEURL}/{new}1-001193/#ho-so"]
    home = page(out / "index.html")
    assert home.xpath("//form[@data-finder]/@data-procedure") == [f"{SITEURL}/{new}{{slug}}/"]
    assert f"{SITEURL}/{new}" in home.xpath("//nav//a[contains(., 'Tra cứu thủ tục')]/@href")
    crumbs = page(out / new / "1-001193/index.html").xpath("//nav[@class='cc-breadcrumb']//a/@href")
    assert crumbs[1:] == [f"{SITEURL}/{new}", f"{SITEURL}/{new}linh-vuc/ho-tich/"]
    feed = (out / settings["CCHC_PROCEDURE_FEED_ATOM"]).read_text(encoding="utf-8")
    assert f"{SITEURL}/{new}1-001193/" in feed
    # `cchc stats` counts the same addresses as procedures when given the same settings.
    sections = stats.Sections.of({**settings, **moved})
    assert sections.procedure.match(f"/{new}1-001193/").groups() == ("1", "001193")
    assert not sections.procedure.match(f"/{old}1-001193/")
