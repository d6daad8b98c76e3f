"""The communication report as a Word document (cchc.report_docx): what the clerk opens in Word."""

from __future__ import annotations

import collections
import datetime as dt
import pathlib
import time
import types
import unicodedata

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table

from cchc import data, plan, vn
from cchc.report_docx import write_docx

DATA = pathlib.Path(__file__).resolve().parent.parent / "content" / "data"
TZ = vn.TIMEZONE
TODAY = dt.date(2026, 4, 10)


@pytest.fixture(scope="module")
def site():
    return data.load(str(DATA))


def _item(site, title, date, form="tin", body="tthcc", areas=("m",), tasks=("04",),
          category="thu-tuc-dich-vu-cong"):
    entry = site.categories[category]
    return types.SimpleNamespace(
        title=title, url=f"tin-tuc/{date:%Y/%m}/{vn.slugify(title)}/", date=date,
        hinh_thuc=site.forms[form] if form else None,
        co_quan=site.bodies[body] if body else None,
        noi_dung=[site.areas[a] for a in areas], nhiem_vu=[site.tasks[t] for t in tasks],
        category=types.SimpleNamespace(name=entry.name, entry=entry))


@pytest.fixture(scope="module")
def items(site):
    return [
        _item(site, "Phường Chí Linh ban hành Kế hoạch tuyên truyền cải cách hành chính năm 2026",
              dt.datetime(2026, 1, 22, 15, 0, tzinfo=TZ), form="bai", body="vhxh", areas=("a", "i"),
              tasks=("01", "04"), category="chu-truong-chinh-sach"),
        _item(site, "Hướng dẫn nộp hồ sơ khai sinh trực tuyến", dt.datetime(2026, 1, 15, 9, 30, tzinfo=TZ)),
        _item(site, "Chuyên đề phát thanh: thanh toán trực tuyến phí, lệ phí",
              dt.datetime(2026, 3, 5, 7, 0, tzinfo=TZ), form="am-thanh", body="ttdvsnc",
              areas=("m", "l"), tasks=("05",), category="chinh-quyen-so"),
        # Late evening of 31 March in Việt Nam: still quarter I.
        _item(site, "Tổ dân phố tuyên truyền dịch vụ công", dt.datetime(2026, 3, 31, 23, 30, tzinfo=TZ),
              body=None),
        # 18:00 UTC on 31 March is 01:00 on 1 April in Việt Nam: quarter II.
        _item(site, "Kết quả chỉ số cải cách hành chính", dt.datetime(2026, 3, 31, 18, 0, tzinfo=dt.timezone.utc),
              form="anh", areas=("e",), category="ket-qua-chi-so"),
    ]


@pytest.fixture(scope="module")
def quarter(site, items):
    return plan.build_report(site, plan.quarter_period(1, 2026), items, TODAY)


def _write(tmp_path, report, site, name="bao-cao.docx"):
    path = tmp_path / name
    write_docx(report, site, path)
    return path, docx.Document(str(path))


@pytest.fixture(scope="module")
def quarter_doc(site, quarter, tmp_path_factory):
    return _write(tmp_path_factory.mktemp("docx"), quarter, site)[1]


def _paragraph_texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def _all_text(document) -> str:
    parts = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            parts.extend(cell.text for row in block.rows for cell in row.cells)
        else:
            parts.append(block.text)
    return "\n".join(parts)


def _table_after(document, heading: str) -> Table:
    """The first table after the paragraph whose text is `heading`."""
    seen = False
    for block in document.iter_inner_content():
        if not isinstance(block, Table):
            seen = seen or block.text == heading
        elif seen:
            return block
    raise AssertionError(f"no table after {heading!r}")


def _rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_report_covers_quarter_one_in_local_time(quarter):
    assert quarter.date == dt.date(2026, 3, 31)  # min(today, end of the quarter)
    assert quarter.complete
    assert len(quarter.items) == 4


def test_header_names_the_ward_the_nation_and_the_date(quarter_doc):
    header = quarter_doc.tables[0]
    (left, right), (number, place_date) = ([c for c in row.cells] for row in header.rows)
    assert [p.text for p in left.paragraphs if p.text] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG CHÍ LINH"]
    assert [p.text for p in right.paragraphs if p.text] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert number.text == "Số:      /BC-UBND"
    assert place_date.text == "Chí Linh, ngày 31 tháng 3 năm 2026"

    runs = {p.text: p.runs[0] for cell in (left, right, place_date) for p in cell.paragraphs if p.runs}
    assert runs["ỦY BAN NHÂN DÂN"].bold and runs["PHƯỜNG CHÍ LINH"].bold  # the issuing body, bold (NĐ 30/2020)
    assert runs["ỦY BAN NHÂN DÂN"].font.size == Pt(13)
    assert runs["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"].bold
    assert runs["Độc lập - Tự do - Hạnh phúc"].font.size == Pt(14)
    assert runs["Chí Linh, ngày 31 tháng 3 năm 2026"].italic
    # Borderless, with a rule (a bottom border) under each name block.
    assert header.style is None or header.style.name != "Table Grid"
    for cell in (left, right):
        assert cell._tc.findall(".//" + qn("w:pBdr"))


def test_title_names_the_quarter(quarter_doc):
    texts = _paragraph_texts(quarter_doc)
    title = texts.index("BÁO CÁO")
    assert texts[title + 1] == "Kết quả tuyên truyền cải cách hành chính quý I năm 2026"
    for paragraph in quarter_doc.paragraphs[title:title + 2]:
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert all(run.bold for run in paragraph.runs)


def test_lead_cites_the_plan_and_total_is_stated(quarter_doc, quarter):
    texts = _paragraph_texts(quarter_doc)
    assert ("Thực hiện Kế hoạch tuyên truyền cải cách hành chính nhà nước phường Chí Linh năm 2026 "
            "ban hành kèm theo Quyết định số 110/QĐ-UBND ngày 22/01/2026 của Chủ tịch Ủy ban nhân dân "
            "phường, Ủy ban nhân dân phường báo cáo kết quả tuyên truyền cải cách hành chính quý I năm "
            "2026 như sau:") in texts
    assert "1. Tổng số tin, bài đã đăng trên chuyên mục “Cải cách hành chính”: 4 tin, bài." in texts
    assert not any("tổng hợp đến" in t for t in texts)  # the quarter is over: no "as of" note
    lead = next(p for p in quarter_doc.paragraphs if p.text.startswith("Thực hiện"))
    assert lead.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert round(lead.paragraph_format.first_line_indent.mm) == 10
    assert lead.paragraph_format.space_after == Pt(6)


def test_form_table_counts_each_form_and_totals_the_items(quarter_doc, quarter):
    table = _table_after(quarter_doc, "3. Theo hình thức")
    rows = _rows(table)
    assert rows[0] == ["STT", "Nội dung", "Số lượng"]
    expected = collections.Counter(item.hinh_thuc.name for item in quarter.items)
    counts = {name: int(count) for _, name, count in rows[1:-1]}
    assert counts == {form.name: expected[form.name] for form in data.load(str(DATA)).forms}
    assert counts["Tin"] == 2 and counts["Bài viết"] == 1 and counts["Âm thanh"] == 1
    assert rows[-1] == ["", "Tổng cộng", vn.number(len(quarter.items))]
    assert all(run.bold for run in table.rows[-1].cells[1].paragraphs[0].runs)


def test_count_tables_look_official(quarter_doc):
    table = _table_after(quarter_doc, "3. Theo hình thức")
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated after a page break
    for cell in header.cells:
        assert cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "D9D9D9"
        assert all(run.bold for run in cell.paragraphs[0].runs)
    number_cell = table.rows[1].cells[2].paragraphs[0]
    assert number_cell.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert number_cell.runs[0].font.size == Pt(12)


def test_body_table_has_an_unclassified_row_and_areas_have_no_total(quarter_doc, quarter):
    bodies = _rows(_table_after(quarter_doc, "5. Theo cơ quan, đơn vị thực hiện"))
    assert ["4", "Chưa phân loại", "1"] in bodies  # the item of a tổ dân phố without co_quan
    assert bodies[-1] == ["", "Tổng cộng", "4"]
    areas = _rows(_table_after(quarter_doc, "2. Theo nội dung tuyên truyền (mục II.1 Kế hoạch)"))
    assert len(areas) == 1 + len(quarter.by_area)
    assert areas[1][1].startswith("a) Quan điểm, chủ trương của Đảng")
    assert ["12", "m) " + data.load(str(DATA)).areas["m"].name, "3"] in areas
    tasks = _rows(_table_after(quarter_doc, "6. Theo nhiệm vụ của Kế hoạch"))
    assert tasks[1][1].startswith("Nhiệm vụ 01: Ban hành Kế hoạch")
    assert all(row[1] != "Tổng cộng" for row in areas + tasks)


def test_list_table_has_one_row_per_item_with_local_dates(quarter_doc, quarter):
    rows = _rows(_table_after(quarter_doc, "II. DANH MỤC TIN, BÀI ĐÃ ĐĂNG"))
    assert rows[0] == ["STT", "Ngày đăng", "Tiêu đề", "Hình thức", "Cơ quan"]
    assert len(rows) == 1 + len(quarter.items)
    assert [row[1] for row in rows[1:]] == ["15/01/2026", "22/01/2026", "05/03/2026", "31/03/2026"]
    assert [row[2] for row in rows[1:]] == [item.title for item in quarter.items]
    assert rows[1][3:] == ["Tin", "Trung tâm Phục vụ HCC"]


def test_no_procedure_changes(quarter_doc):
    texts = _paragraph_texts(quarter_doc)
    heading = texts.index("7. Thủ tục hành chính được công bố mới, sửa đổi, bãi bỏ trong kỳ")
    assert texts[heading + 1] == "Trong kỳ không có thay đổi."


def test_procedure_changes_are_listed(site, items, tmp_path):
    report = plan.build_report(site, plan.quarter_period(1, 2026), items, TODAY)
    report.procedures = [types.SimpleNamespace(code="1.001193", name="Thủ tục đăng ký khai sinh",
                                               change="Sửa đổi, bổ sung", decision="2585/QĐ-UBND")]
    _, document = _write(tmp_path, report, site)
    rows = _rows(_table_after(document, "7. Thủ tục hành chính được công bố mới, sửa đổi, bãi bỏ trong kỳ"))
    assert rows[1] == ["1", "Thủ tục đăng ký khai sinh (mã 1.001193)", "Sửa đổi, bổ sung", "2585/QĐ-UBND"]


def test_proposals_and_signature_block(quarter_doc):
    texts = _paragraph_texts(quarter_doc)
    assert "III. ĐỀ XUẤT, KIẾN NGHỊ" in texts
    assert ("Trên đây là báo cáo kết quả tuyên truyền cải cách hành chính quý I năm 2026 "
            "của Ủy ban nhân dân phường Chí Linh./.") in texts
    signature = quarter_doc.tables[-1]
    left, right = signature.rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "Nơi nhận:", "- Sở Văn hóa, Thể thao và Du lịch thành phố;", "- CT, các PCT UBND phường;",
        "- Lưu: VT, VHXH."]
    heading = left.paragraphs[0].runs[0]
    assert heading.bold and heading.italic and heading.font.size == Pt(12)
    assert left.paragraphs[1].runs[0].font.size == Pt(11)
    lines = [p.text for p in right.paragraphs]
    assert lines[:2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert len(lines) > 2 and not any(lines[2:])  # room to sign; the name is left to the clerk
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.CENTER for p in right.paragraphs)


def test_page_setup_and_fonts(quarter_doc):
    section = quarter_doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]
    normal = quarter_doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)
    styles = quarter_doc.styles.element
    for fonts in (normal.element.rPr.rFonts, styles.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))):
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            assert fonts.get(qn(f"w:{slot}")) == "Times New Roman"
        assert not any(key.endswith("Theme") or key.endswith("theme") for key in fonts.attrib)
    # No run names another font.
    body = quarter_doc.element.body
    assert {f.get(qn("w:ascii")) for f in body.iter(qn("w:rFonts"))} <= {"Times New Roman", None}


def test_core_properties_are_fixed(quarter_doc):
    props = quarter_doc.core_properties
    assert props.title == "Báo cáo kết quả tuyên truyền cải cách hành chính quý I năm 2026"
    assert props.author == "Ủy ban nhân dân phường Chí Linh"
    assert props.language == "vi-VN"
    assert props.created == props.modified
    assert vn.local(props.created).date() == dt.date(2026, 3, 31)


def test_text_is_nfc(quarter_doc):
    text = _all_text(quarter_doc)
    assert unicodedata.is_normalized("NFC", text)


def test_annual_report_says_year_and_notes_the_cut_off(site, items, tmp_path):
    report = plan.build_report(site, plan.year_period(2026), items, TODAY)
    assert report.date == TODAY and not report.complete
    _, document = _write(tmp_path, report, site)
    texts = _paragraph_texts(document)
    assert "Kết quả tuyên truyền cải cách hành chính năm 2026" in texts
    assert "Kỳ báo cáo chưa kết thúc; số liệu dưới đây được tổng hợp đến ngày 10 tháng 4 năm 2026." in texts
    assert "1. Tổng số tin, bài đã đăng trên chuyên mục “Cải cách hành chính”: 5 tin, bài." in texts
    assert document.tables[0].rows[1].cells[1].text == "Chí Linh, ngày 10 tháng 4 năm 2026"
    rows = _rows(_table_after(document, "II. DANH MỤC TIN, BÀI ĐÃ ĐĂNG"))
    assert rows[-1][1:3] == ["01/04/2026", "Kết quả chỉ số cải cách hành chính"]


def test_empty_quarter(site, tmp_path):
    report = plan.build_report(site, plan.quarter_period(2, 2026), [], dt.date(2026, 7, 15))
    _, document = _write(tmp_path, report, site)
    texts = _paragraph_texts(document)
    assert "Kết quả tuyên truyền cải cách hành chính quý II năm 2026" in texts
    assert "1. Tổng số tin, bài đã đăng trên chuyên mục “Cải cách hành chính”: 0 tin, bài." in texts
    assert "Trong kỳ không có thay đổi." in texts
    assert "Trong kỳ chưa có tin, bài được đăng." in texts
    assert _rows(_table_after(document, "3. Theo hình thức"))[-1] == ["", "Tổng cộng", "0"]
    assert document.tables[0].rows[1].cells[1].text == "Chí Linh, ngày 30 tháng 6 năm 2026"


def test_output_is_byte_identical(site, quarter, tmp_path, monkeypatch):
    first, _ = _write(tmp_path, quarter, site, "a.docx")
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 86_400)  # a day later, as far as ZIP knows
    second, _ = _write(tmp_path, quarter, site, "b.docx")
    assert first.read_bytes() == second.read_bytes()
