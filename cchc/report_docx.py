"""The ward's communication report (task 02) as a Word document, laid out as an official report.

`write_docx(report, site, path)` turns a `cchc.plan.Report` into a .docx that the clerk of the
Phòng Văn hóa – Xã hội can number, sign and send without re-typing. The layout follows the
presentation rules of Nghị định 30/2020/NĐ-CP (Phụ lục I):

- A4, margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman everywhere (set for the
  Latin, East Asian and complex-script slots, and as the document default, so that Word never
  substitutes a theme font); body 14 pt, tables 12 pt; page numbers centred in the top margin,
  not shown on the first page; the document language is vi-VN.
- Header: a borderless two-column table. Left: "ỦY BAN NHÂN DÂN" / "PHƯỜNG CHÍ LINH" (13 pt, bold:
  the issuing body's name) over a rule 1/3–1/2 as long as that line, then "Số:      /BC-UBND" with
  the number left blank for the clerk. Right: the national name (bold 13 pt) / the motto (bold
  14 pt) over a rule as long as the motto, then "Chí Linh, ngày … tháng … năm …" (italic 14 pt)
  on the same row as the number.
- Title: "BÁO CÁO" then the summary "Kết quả tuyên truyền cải cách hành chính quý I năm 2026"
  (bold 14 pt, centred) over a short rule.
- Body: justified, first-line indent 1 cm, 6 pt after each paragraph; headings "I.", "II.", "III."
  in bold capitals, sub-headings "1.", "2." … in bold. Count tables (STT | Nội dung | Số lượng)
  have a bold, light-grey header row repeated after a page break and right-aligned numbers; a
  bold "Tổng cộng" row is added only where the rows partition the items (forms, categories,
  bodies), never for content areas or tasks, where one item counts in several rows. The text ends
  with "./." as the decree asks.
- Signature: a borderless two-column table, "Nơi nhận:" (bold italic 12 pt, list 11 pt) on the
  left and "TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH" on the right, with room for the signature; the
  name is left for the clerk.

Every date and number shown goes through cchc.vn. The output is deterministic: the core
properties and the ZIP entries carry a timestamp derived from the report's date (python-docx
would otherwise stamp the current time), so the same report always gives the same bytes.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell

from . import plan, vn

FONT = "Times New Roman"
LANGUAGE = "vi-VN"
AUTHOR = "Ủy ban nhân dân phường Chí Linh"
BODY_PT = 14
TABLE_PT = 12
TEXT_WIDTH_MM = 210 - 30 - 15    # A4 width minus the left and right margins
CELL_PADDING_MM = 3.8            # Word's default left + right cell margins (2 × 0.19 cm)
GREY = "D9D9D9"

CENTER = WD_ALIGN_PARAGRAPH.CENTER
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY

UNCLASSIFIED = "Chưa phân loại"
RECIPIENTS = (
    "- Sở Văn hóa, Thể thao và Du lịch thành phố;",
    "- CT, các PCT UBND phường;",
    "- Lưu: VT, VHXH.",
)


def write_docx(report, site, path) -> None:
    """Writes `report` (a cchc.plan.Report) for `site` (a cchc.data.SiteData) to `path`."""
    stamp = _timestamp(report.date)
    document = _new_document(report, stamp)
    _header(document, report)
    _title(document, report)
    _results(document, report, site)
    _published_list(document, report)
    _proposals(document, report)
    _signature(document)
    _save(document, path, stamp)


# ---- document set-up ------------------------------------------------------------------------


def _timestamp(day: dt.date) -> dt.datetime:
    """08:00 in Việt Nam on the report's date, as UTC (python-docx writes core dates as UTC)."""
    local = dt.datetime.combine(day, dt.time(8, 0), tzinfo=vn.TIMEZONE)
    return local.astimezone(dt.timezone.utc)


def _new_document(report, stamp: dt.datetime):
    document = docx.Document()
    _drop_thumbnail(document)
    _set_defaults(document)
    _set_page(document.sections[0])
    props = document.core_properties
    props.title = report.title
    props.subject = "Báo cáo kết quả tuyên truyền cải cách hành chính"
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.category = "Báo cáo"
    props.keywords = "cải cách hành chính; tuyên truyền; báo cáo"
    props.comments = ""
    props.language = LANGUAGE
    props.revision = 1
    props.created = stamp
    props.modified = stamp
    return document


def _drop_thumbnail(document) -> None:
    """python-docx's template carries a thumbnail of another document; file managers would show it."""
    rels = document.part.package.rels
    for rel_id in [r for r, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[rel_id]


def _set_defaults(document) -> None:
    """Times New Roman in every script slot, 14 pt, Vietnamese — as document defaults and Normal."""
    styles = document.styles.element
    r_pr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(r_pr)
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)

    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0


def _set_fonts(r_pr) -> None:
    """Explicit font names for the four slots; theme references would override them, so they go."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for slot in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{slot}"), None)
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), FONT)


def _set_page(section) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = section.footer_distance = Mm(10)
    # Page numbers from page 2 on, centred in the top margin; the first page has an empty header.
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    number = section.header.paragraphs[0]
    number.alignment = CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    field.append(_text_run("2"))
    number._p.append(field)


def _text_run(text: str):
    run, t = OxmlElement("w:r"), OxmlElement("w:t")
    t.text = text
    run.append(t)
    return run


# ---- paragraphs -----------------------------------------------------------------------------


def _para(container, text: str = "", *, size: float | None = None, bold: bool = False,
          italic: bool = False, align=None, indent: bool = False, before: float = 0,
          after: float = 0, keep: bool = False):
    """A paragraph in a document or a table cell (reusing the empty one a new cell starts with)."""
    paragraph = _fresh_paragraph(container)
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if align is not None:
        paragraph.alignment = align
    if indent:
        fmt.first_line_indent = Mm(10)
    if keep:
        fmt.keep_with_next = True
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic)
    return paragraph


def _fresh_paragraph(container):
    if isinstance(container, _Cell):
        paragraphs = container.paragraphs
        if len(paragraphs) == 1 and not paragraphs[0].runs and paragraphs[0]._p.pPr is None:
            return paragraphs[0]
    return container.add_paragraph()


def _run(paragraph, text: str, *, size: float | None = None, bold: bool = False, italic: bool = False):
    run = paragraph.add_run(vn.normalize(text))
    run.bold = bold or None
    run.italic = italic or None
    if size is not None:
        run.font.size = Pt(size)
    for t in run._r.findall(qn("w:t")):  # keep runs of spaces (the blank document number)
        t.set(qn("xml:space"), "preserve")
    return run


def _body(document, text: str, **kwargs):
    """A body paragraph: justified, first line indented 1 cm, 6 pt after."""
    return _para(document, text, align=JUSTIFY, indent=True, after=6, **kwargs)


def _heading(document, text: str):
    """A bold heading kept on the page of what follows it (6 pt above, clear of a table)."""
    return _body(document, text, bold=True, keep=True, before=6)


def _rule(container, length_mm: float, width_mm: float, after: float = 0):
    """A centred horizontal rule `length_mm` long, drawn as the bottom border of a tiny paragraph
    whose indents leave that length inside a space `width_mm` wide."""
    paragraph = _fresh_paragraph(container)
    borders, bottom = OxmlElement("w:pBdr"), OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    # Added while w:pPr is still empty; python-docx then inserts spacing and indents after it,
    # which is the schema's order.
    paragraph._p.get_or_add_pPr().append(borders)
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(2)
    fmt.space_before, fmt.space_after = Pt(0), Pt(after)
    fmt.left_indent = fmt.right_indent = Mm((width_mm - length_mm) / 2)
    return paragraph


# ---- tables ---------------------------------------------------------------------------------


def _table(document, widths_mm: list[float], *, grid: bool):
    """A fixed-layout table of one row, centred, with these column widths; bordered when `grid`."""
    table = document.add_table(rows=1, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    if grid:
        table.style = document.styles["Table Grid"]
    else:
        _set_table_borders(table, "nil")
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)
    for cell, width in zip(table.rows[0].cells, widths_mm):
        cell.width = Mm(width)
    return table


def _add_row(table, widths_mm: list[float]):
    row = table.add_row()
    _row_property(row, "w:cantSplit")
    for cell, width in zip(row.cells, widths_mm):
        cell.width = Mm(width)
    return row


def _set_table_borders(table, value: str) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), value)
        borders.append(element)
    table._tbl.tblPr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
        "w:tblDescription", "w:tblPrChange")


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().insert_element_before(
        shading, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign",
        "w:hideMark", "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")


def _row_property(row, tag: str) -> None:
    """Adds an on/off row property (w:cantSplit, w:tblHeader); call in the schema's order."""
    row._tr.get_or_add_trPr().append(OxmlElement(tag))


_SPECIAL = re.compile(r"[\t\r\n]")  # python-docx writes these as <w:tab/> and <w:cr/>, not text


def _data_table(document, headers: list[str], widths_mm: list[float], rows, aligns):
    """A bordered 12 pt table: a bold grey header row repeated on every page, then `rows`
    (lists of cell texts, or (cells, bold) pairs), each cell aligned as in `aligns`."""
    table = _table(document, widths_mm, grid=True)
    header = table.rows[0]
    _row_property(header, "w:cantSplit")
    _row_property(header, "w:tblHeader")
    for cell, text in zip(header.cells, headers):
        _shade(cell, GREY)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _para(cell, text, size=TABLE_PT, bold=True, align=CENTER, before=3, after=3)
    # python-docx takes about 1.5 ms a row (2 s for a report of 5,000 articles, five reports a
    # build): the first row of each shape (bold or not, which cells are empty) is made with it,
    # and later rows of that shape are copies of it with their own texts, the same XML.
    shapes = {}
    for values in rows:
        values, bold = values if isinstance(values, tuple) else (values, False)
        shape = (bold, tuple(bool(text) for text in values))
        plain = not any(_SPECIAL.search(text) for text in values)
        if plain and shape in shapes:
            tr = copy.deepcopy(shapes[shape])
            texts = iter(text for text in values if text)
            for tc in tr.iterchildren(qn("w:tc")):
                for t in tc.iter(qn("w:t")):
                    t.text = vn.normalize(next(texts))
            table._tbl.append(tr)
            continue
        row = _add_row(table, widths_mm)
        for cell, text, align in zip(row.cells, values, aligns):
            _para(cell, text, size=TABLE_PT, bold=bold, align=align, before=2, after=2)
        if plain:
            shapes[shape] = row._tr
    return table


def _count_table(document, rows, label, *, total: int, partition: bool) -> None:
    """STT | Nội dung | Số lượng for ReportRows. When the rows partition the items (`partition`),
    the items none of them counts go to a "Chưa phân loại" row and a bold "Tổng cộng" row = total."""
    lines = [[vn.number(n), label(row.entry), vn.number(row.count)] for n, row in enumerate(rows, 1)]
    if partition and (missing := total - sum(row.count for row in rows)) > 0:
        lines.append([vn.number(len(lines) + 1), UNCLASSIFIED, vn.number(missing)])
    if not lines:
        _body(document, "Trong kỳ chưa có tin, bài.")
        return
    if partition:
        lines.append((["", "Tổng cộng", vn.number(total)], True))
    _data_table(document, ["STT", "Nội dung", "Số lượng"], [12, 123, 30], lines,
                [CENTER, JUSTIFY, RIGHT])


# ---- the parts of the report ----------------------------------------------------------------


def _header(document, report) -> None:
    widths = [65, 100]
    table = _table(document, widths, grid=False)
    left, right = table.rows[0].cells
    number, place_date = _add_row(table, widths).cells
    _para(left, "ỦY BAN NHÂN DÂN", size=13, bold=True, align=CENTER)
    _para(left, "PHƯỜNG CHÍ LINH", size=13, bold=True, align=CENTER)
    _rule(left, 18, widths[0] - CELL_PADDING_MM)
    _para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=13, bold=True, align=CENTER)
    _para(right, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True, align=CENTER)
    _rule(right, 57, widths[1] - CELL_PADDING_MM)
    _para(number, "Số:      /BC-UBND", size=13, align=CENTER, before=6)
    _para(place_date, f"Chí Linh, {vn.official_date(report.date)}", size=14, italic=True,
          align=CENTER, before=6)


def _title(document, report) -> None:
    _para(document, "BÁO CÁO", bold=True, align=CENTER, before=18)
    _para(document, f"Kết quả tuyên truyền cải cách hành chính {report.period.spoken}",
          bold=True, align=CENTER)
    _rule(document, 35, TEXT_WIDTH_MM, after=18)


def _plan_reference(plan: dict) -> str:
    """"Kế hoạch … ban hành kèm theo Quyết định số 110/QĐ-UBND ngày 22/01/2026"."""
    name = vn.normalize_line(plan.get("trich_yeu", ""))
    name = name.removeprefix("Ban hành ")
    issued = vn.short_date(dt.date.fromisoformat(plan["ngay"]))
    return f"{name} ban hành kèm theo Quyết định số {plan['so']} ngày {issued}"


def _results(document, report, site) -> None:
    _body(document, f"Thực hiện {_plan_reference(site.plan)} của Chủ tịch Ủy ban nhân dân phường, "
                    f"Ủy ban nhân dân phường báo cáo kết quả tuyên truyền cải cách hành chính "
                    f"{report.period.spoken} như sau:")
    _heading(document, "I. KẾT QUẢ THỰC HIỆN")
    if not report.complete:
        _body(document, f"Kỳ báo cáo chưa kết thúc; số liệu dưới đây được tổng hợp đến "
                        f"{vn.official_date(report.date)}.", italic=True)

    total = len(report.items)
    lead = _body(document, "1. Tổng số tin, bài đã đăng trên chuyên mục “Cải cách hành chính”:",
                 bold=True)
    _run(lead, f" {vn.number(total)} tin, bài.")

    several = "Một tin, bài có thể phục vụ nhiều {0} nên bảng không có dòng tổng cộng."
    _heading(document, "2. Theo nội dung tuyên truyền (mục II.1 Kế hoạch)")
    _count_table(document, report.by_area, lambda e: f"{e.code}) {e.name}", total=total, partition=False)
    _note(document, several.format("nội dung"))
    _heading(document, "3. Theo hình thức")
    _count_table(document, report.by_form, _name, total=total, partition=True)
    _heading(document, "4. Theo chuyên mục")
    _count_table(document, report.by_category, _name, total=total, partition=True)
    _heading(document, "5. Theo cơ quan, đơn vị thực hiện")
    _count_table(document, report.by_body, _name, total=total, partition=True)
    _heading(document, "6. Theo nhiệm vụ của Kế hoạch")
    _count_table(document, report.by_task, lambda e: f"Nhiệm vụ {e.code}: {e.name}",
                 total=total, partition=False)
    _note(document, several.format("nhiệm vụ"))
    _heading(document, "7. Thủ tục hành chính được công bố mới, sửa đổi, bãi bỏ trong kỳ")
    _procedures(document, report.procedures)
    if report.stats:
        _heading(document, "8. Số lượt truy cập, theo dõi chuyên mục (nhiệm vụ 04)")
        rows = [[vn.number(n), label, vn.number(value, 1 if isinstance(value, float) and value % 1 else 0)]
                for n, (label, value) in enumerate(plan.readership_rows(report.stats), 1)]
        _data_table(document, ["STT", "Chỉ số", "Số lượng"], [12, 118, 35], rows, [CENTER, JUSTIFY, CENTER])
        _note(document, "Số liệu từ nhật ký máy chủ của Cổng thông tin điện tử phường, không dùng công cụ "
                        "theo dõi người đọc; mỗi người đọc được tính một lần mỗi ngày.")


def _note(document, text: str) -> None:
    _para(document, text, size=TABLE_PT, italic=True, align=JUSTIFY, indent=True, before=3, after=6)


def _name(entry) -> str:
    return entry.name


def _short_name(entry) -> str:
    if entry is None:
        return ""
    return entry.fields.get("ten_ngan") or entry.name


def _procedures(document, procedures) -> None:
    if not procedures:
        _body(document, "Trong kỳ không có thay đổi.")
        return
    rows = []
    for n, procedure in enumerate(procedures, 1):
        name, code = getattr(procedure, "name", ""), getattr(procedure, "code", "")
        rows.append([vn.number(n), f"{name} (mã {code})" if code else name,
                     getattr(procedure, "change", ""), getattr(procedure, "decision", "")])
    _data_table(document, ["STT", "Thủ tục hành chính", "Nội dung thay đổi", "Quyết định công bố"],
                [12, 83, 30, 40], rows, [CENTER, JUSTIFY, CENTER, CENTER])


def _published_list(document, report) -> None:
    _heading(document, "II. DANH MỤC TIN, BÀI ĐÃ ĐĂNG")
    if not report.items:
        _body(document, "Trong kỳ chưa có tin, bài được đăng.")
        return
    rows = [[vn.number(n), vn.short_date(item.date), vn.normalize_line(item.title),
             getattr(item.hinh_thuc, "name", ""), _short_name(item.co_quan)]
            for n, item in enumerate(report.items, 1)]
    _data_table(document, ["STT", "Ngày đăng", "Tiêu đề", "Hình thức", "Cơ quan"],
                [12, 25, 71, 22, 35], rows, [CENTER, CENTER, JUSTIFY, CENTER, CENTER])


def _proposals(document, report) -> None:
    _heading(document, "III. ĐỀ XUẤT, KIẾN NGHỊ")
    _body(document, "Ủy ban nhân dân phường tiếp tục duy trì, cập nhật thường xuyên chuyên mục "
                    "“Cải cách hành chính” trên Cổng thông tin điện tử phường; đề nghị các phòng, "
                    "ban chuyên môn, cơ quan, đơn vị và các tổ dân phố chủ động cung cấp tin, bài, "
                    "hình ảnh về kết quả cải cách hành chính của cơ quan, đơn vị, địa bàn để kịp "
                    "thời đăng tải.")
    _body(document, "Đề nghị Sở Văn hóa, Thể thao và Du lịch thành phố tiếp tục quan tâm hướng dẫn "
                    "nghiệp vụ, cung cấp tài liệu tuyên truyền cải cách hành chính cho cơ sở.")
    _body(document, f"Trên đây là báo cáo kết quả tuyên truyền cải cách hành chính "
                    f"{report.period.spoken} của Ủy ban nhân dân phường Chí Linh./.")


def _signature(document) -> None:
    widths = [80, 85]
    left, right = _table(document, widths, grid=False).rows[0].cells
    _para(left, "Nơi nhận:", size=12, bold=True, italic=True, before=6)
    for line in RECIPIENTS:
        _para(left, line, size=11)
    _para(right, "TM. ỦY BAN NHÂN DÂN", bold=True, align=CENTER, before=6)
    _para(right, "CHỦ TỊCH", bold=True, align=CENTER)
    for _ in range(4):  # room for the signature and seal; the clerk types the name below
        _para(right, align=CENTER)


# ---- saving ---------------------------------------------------------------------------------


def _save(document, path, stamp: dt.datetime) -> None:
    """Saves with every ZIP entry dated `stamp` (local time), so equal reports give equal bytes;
    the file is written in one go, after the whole document has been built."""
    built = io.BytesIO()
    document.save(built)
    fixed = io.BytesIO()
    date_time = stamp.astimezone(vn.TIMEZONE).timetuple()[:6]
    with zipfile.ZipFile(built) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info))
    with open(path, "wb") as handle:
        handle.write(fixed.getvalue())
