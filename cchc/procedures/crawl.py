"""The public crawl of the portal's pages → a record in the schema's shape.

The crawl (shared/corpus/dvcqg-crawl) has snake_case Vietnamese keys: ma_thu_tuc, ten_thu_tuc,
cach_thuc_thuc_hien, thanh_phan_ho_so, can_cu_phap_ly, … Its tables are run together without separators, so each section is split only where a reliable
marker exists, and ANY text that cannot be split reliably is kept verbatim in
van_ban_chua_tach[<crawl key>]:
- channels: a row starts with "Trực tuyến" / "Trực tiếp" / "Dịch vụ bưu chính" immediately
  followed by a time cell ("5 Ngày làm việc", "1", "Không có thông tin") and a fee cell
  ("Miễn phí", "150,000 Việt Nam Đồng", "Không có thông tin"); a parenthesised note right
  after the fee belongs to the fee; the rest up to the next row is the channel's description.
  The crawl never says phí or lệ phí: a fee is "le-phi" when its note says "lệ phí", else
  "phi" (a guess, the schema needs one).
- steps: at lines starting with "Bước n" (optionally after "a)" or "-"), else at lines starting
  with "-", else one step holding the whole text.
- documents: groups end at the header "Tên giấy tờMẫu đơn, tờ khaiSố lượng"; each document
  ends at its quantity ("1 bản chính", "1 bản chính,1 bản sao", "1 bản sao"); a form's file
  name run into the document name (".docx") cannot be cut off reliably and stays in the name.
- legal basis: a row ends at a document number (60/2014/QH13, 85/2019/TT-BTC, 2222/QĐ-BHXH)
  glued to the text before it (the table cell boundary). A row whose name still shows a cell
  boundary (lower-case or digit run into a capitalised word, "…Bộ Tư phápThông tư…") is not
  split reliably and is kept verbatim.
- results: each ends at its code "Mã: KQ.…"; the page's UI text from "Chọn cơ quan thực hiện"
  on is dropped, and the "Từ khóa…Mô tả…" tail is kept verbatim when it says more than
  "Không có thông tin".
- a field of a plain kind is read from the key or section its schema row names (`crawl`);
- lists (levels, applicants, bodies): split at ", " followed by a capital letter, outside
  parentheses ("Tổ chức (không bao gồm doanh nghiệp, HTX), Công dân Việt Nam").
- muc_do_truc_tuyen: "toan-trinh" when a channel is "Trực tuyến" and the record's text says
  "toàn trình"; "mot-phan" when a channel is "Trực tuyến"; otherwise "khong".
- raw_text is the whole page; it is not imported, but when the crawler cut a section at the
  wrong label (1.001613: steps cut at "(Thành phần hồ sơ)") the sections are cut again from
  the page text at its labels in page order — only when every crawled section is found
  whole inside the re-cut sections, so no text is lost either way.
A required field that cannot be derived gets a generic value (co_quan_thuc_hien from the level:
"Ủy ban nhân dân cấp xã" for Cấp xã) and the import report says so.
"""

from __future__ import annotations

import json
import re

from .. import vn
from . import clean, schema
from .schema import CHANNELS, LEVELS

CHANNEL_ORDER = list(CHANNELS)
LEVEL_WORDS = {"cap xa": "xa", "cap tinh": "tinh", "cap bo": "bo", "co quan khac": "khac"}
CRAWL_SECTIONS = [("trinh_tu_thuc_hien", "Trình Tự Thực Hiện"), ("cach_thuc_thuc_hien", "Cách Thức Thực Hiện"),
                  ("thanh_phan_ho_so", "Thành phần hồ sơ"), ("can_cu_phap_ly", "Căn cứ pháp lý"),
                  ("co_quan_thuc_hien", "Cơ quan thực hiện"), ("yeu_cau_dieu_kien", "Yêu cầu, điều kiện thực hiện"),
                  ("ket_qua_xu_ly", "Kết quả xử lý")]
# Crawl keys mapped to a schema field (here or by the field's row, `crawl`); any other key with text
# is kept verbatim.
CRAWL_MAPPED = {"ma_thu_tuc", "ten_thu_tuc", "so_quyet_dinh", "cap_thuc_hien", "detail_url", "formality_id",
                "raw_text", *dict(CRAWL_SECTIONS), *(field.crawl for field in schema.FIELDS if field.crawl)}

_UPPER = "".join(re.escape(c) for c in map(chr, [*range(0x41, 0x250), *range(0x1EA0, 0x1F00)]) if c.isupper())
_LOWER = "".join(re.escape(c) for c in map(chr, [*range(0x61, 0x250), *range(0x1EA0, 0x1F00)]) if c.islower())

CHANNEL_ROW = re.compile(
    r"(?P<channel>Trực tuyến|Trực tiếp|Dịch vụ bưu chính)"
    r"(?:Không có thông tin|(?P<days>\d+(?:[.,]\d+)?) ?(?P<unit>[Nn]gày làm việc|[Nn]gày|[Gg]iờ làm việc|[Gg]iờ|[Tt]háng)?)"
    r"(?P<fee>Miễn phí|Không có thông tin|(?P<amount>[1-9]\d{0,2}(?:[.,]\d{3})*|0) ?"
    r"(?P<currency>Việt Nam Đồng|VNĐ|VND|USD|đồng|Đồng))")
CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
CHANNEL_WORDS = {word: key for key, word in CHANNELS.items()}
STEP_MARK = re.compile(r"(?m)^[ \t]*(?:[a-zđ]\)[ \t]*|[-–][ \t]*)?(?P<ten>Bước[ \t]*\d+)[ \t]*[:.]?[ \t]*")
DASH_MARK = re.compile(r"(?m)^[ \t]*[-–][ \t]*")
DOCUMENT_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
QUANTITY = re.compile(r"(?P<chinh>\d+) bản chính(?:, ?(?P<sao>\d+) bản sao)?|(?P<chi_sao>\d+) bản sao")
LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
# Parts of document numbers ("NĐ-CP", "TT-BLĐTBXH", "QĐ-BCA-C06"): knowing them tells where a number
# glued to the next cell ends ("…/NĐ-CPquy định", "…/QH13BAN HÀNH").
ISSUER_PARTS = ["NĐ", "NQ", "TT", "TTLT", "QĐ", "NQLT", "QĐLT", "CT", "PL", "CTN", "HD", "TB", "KH", "CP", "TTg",
                "BTC", "BTP", "BCA", "BYT", "BLĐTBXH", "BQP", "BXD", "BHXH", "BNNMT", "BNNPTNT", "BTNMT", "BGDĐT",
                "BKHĐT", "BCT", "BGTVT", "BNV", "BVHTTDL", "BTTTT", "BKHCN", "BNG", "NHNN", "TTCP", "KTNN", "UBDT",
                "VPCP", "UBND", "HĐND", "UBTƯMTTQVN", "MTTQVN", "VKSNDTC", "TANDTC", "HĐTP", "TLĐ"]
_PART = "|".join([r"UBTVQH\d\d", r"QH\d\d", r"C\d\d", *map(re.escape, sorted(ISSUER_PARTS, key=len, reverse=True))])
_ISSUER = (rf"(?:{_PART})(?:-(?:{_PART}))*(?!-[A-Z0-9ĐƯ])"                 # known parts only
           r"|[A-ZĐƯ][A-Z0-9ĐƯ]*(?:-[A-Z0-9ĐƯ]+)*(?=$|[^\w-]|\d+(?:\.\d+)?/)")  # unknown: needs a clear end
DOC_TYPES = ("Thông tư liên tịch", "Thông tư", "Nghị định", "Nghị quyết liên tịch", "Nghị quyết", "Quyết định",
             "Bộ luật", "Luật", "Chỉ thị", "Pháp lệnh")
# A code cell: a document number, possibly written with its kind ("Thông tư số 03/2023/TT-BTP");
# digits glued to "QH13" or to a year ("Luật Cư trú 202068/2020/QH14") start a new number.
CODE_CELL = re.compile(
    rf"(?P<words>(?i:{'|'.join(DOC_TYPES)})(?: (?i:số))? ?)?"
    r"(?:(?<!\d)|(?<=QH\d\d)|(?<=(?:19|20)\d\d))"
    rf"(?P<so>\d{{1,4}}(?:\.\d+|\.?[a-z])?/(?:\d{{4}}/)?(?:{_ISSUER}))")
# Cell boundaries left inside a name: a lower-case letter or digit run into a capitalised word
# ("Bộ Tư phápThông tư"), or a document number run into the text before it ("quốc gia118/2025/…").
CELL_BOUNDARY = re.compile(rf"[{_LOWER}\d][{_UPPER}][{_LOWER}]|(?<![\s(\[/\d.-])\d{{1,4}}(?:\.\d+|\.?[a-z])?/\d{{4}}/")
CAPITALISED = re.compile(rf"[{_UPPER}][{_LOWER}]")
RESULT_CODE = re.compile(r"Mã: ?KQ\.[A-Z0-9.]*\d")
RESULT_UI = "Chọn cơ quan thực hiện"


class _Unsplit:
    """Text of a crawl key that could not be split reliably, collected in source order."""

    def __init__(self):
        self.texts: dict[str, list[str]] = {}

    def keep(self, key: str, text: str):
        text = clean.para(text)
        if text:
            self.texts.setdefault(key, []).append(text)

    def as_dict(self) -> dict:
        return {key: "\n".join(parts) for key, parts in sorted(self.texts.items())}


def _page_sections(raw: dict) -> tuple[dict, bool]:
    """The crawl's sections; re-cut from raw_text at its labels when the crawler cut one wrongly."""
    fields = {key: raw.get(key) or "" for key, _label in CRAWL_SECTIONS}
    page = raw.get("raw_text") or ""
    cuts, pos = [], 0
    for key, label in CRAWL_SECTIONS:
        at = page.find(label, pos)
        if at < 0:
            return fields, False
        cuts.append((key, at, at + len(label)))
        pos = at + len(label)
    recut = {key: page[end:(cuts[n + 1][1] if n + 1 < len(cuts) else len(page))]
             for n, (key, _start, end) in enumerate(cuts)}
    differs = [key for key in fields if fields[key].strip() != recut[key].strip()]
    # Use the page's cut only when every crawled section lies whole inside one re-cut section.
    if differs and all(any(fields[key].strip() in text for text in recut.values()) for key in differs):
        return recut, True
    return fields, False


def _crawl_channels(text: str, unsplit: _Unsplit) -> list[dict]:
    text = text.replace(CHANNEL_HEADER, "", 1)
    rows = list(CHANNEL_ROW.finditer(text))
    if not rows:
        unsplit.keep("cach_thuc_thuc_hien", text)
        return []
    unsplit.keep("cach_thuc_thuc_hien", text[:rows[0].start()])
    channels = []
    for n, row in enumerate(rows):
        end = rows[n + 1].start() if n + 1 < len(rows) else len(text)
        note, rest = _leading_parenthesis(text[row.end():end])
        note, rest = clean.para(note), clean.para(rest)
        timing = clean.duration(row["days"], row["unit"] or "") if row["days"] else {}
        fees = None                                         # unknown fee: no phi key
        if row["amount"]:
            kind = "le-phi" if "le phi" in vn.fold(note) else "phi"
            fee = clean.fee(kind, clean.parse_amount(row["amount"]), row["currency"], note)
            fees, note = ([fee], "") if fee else ([], note)
        elif row["fee"] == "Miễn phí":
            fees = []
        description = "\n".join(filter(None, [note, rest]))
        channels.append(clean.compact({"hinh_thuc": CHANNEL_WORDS[row["channel"]], **timing, "phi": fees,
                                       "mo_ta": description}, keep=("phi",) if fees is not None else ()))
    channels.sort(key=lambda c: CHANNEL_ORDER.index(c["hinh_thuc"]))
    return channels


def _leading_parenthesis(text: str) -> tuple[str, str]:
    """("note", rest) when text starts with a balanced "(note)"; the outer parentheses go."""
    if not text.startswith("("):
        return "", text
    depth = 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            return text[1:i], text[i + 1:]
    return text[1:], ""


def _crawl_steps(text: str) -> list[dict]:
    marks = list(STEP_MARK.finditer(text))
    if marks:
        steps = [{"mo_ta": clean.para(text[:marks[0].start()])}]
        for n, mark in enumerate(marks):
            end = marks[n + 1].start() if n + 1 < len(marks) else len(text)
            ten = clean.line(mark["ten"])
            steps.append({"ten": ten, "mo_ta": clean.para(text[mark.end():end]) or ten})
    else:
        marks = list(DASH_MARK.finditer(text))
        pieces = [text[:marks[0].start()] if marks else text]
        pieces += [text[mark.end():(marks[n + 1].start() if n + 1 < len(marks) else len(text))]
                   for n, mark in enumerate(marks)]
        steps = [{"mo_ta": clean.para(piece)} for piece in pieces]
    return [clean.compact(s) for s in steps if s.get("mo_ta")]


def _crawl_documents(text: str, unsplit: _Unsplit) -> list[dict]:
    segments = text.split(DOCUMENT_HEADER)
    if len(segments) == 1:
        segments = ["", text] if QUANTITY.search(text) else [text]
    if len(segments) == 1:
        unsplit.keep("thanh_phan_ho_so", text)
        return []
    groups, heading = [], segments[0]
    for n, segment in enumerate(segments[1:], 1):
        quantities = list(QUANTITY.finditer(segment))
        if not quantities:
            unsplit.keep("thanh_phan_ho_so", heading)
            heading = segment
            continue
        documents, start = [], 0
        for qty in quantities:
            name = clean.para(re.sub(r"^\s*[-–]\s*", "", segment[start:qty.start()]))
            if name:
                documents.append({"ten": name, "ban_chinh": qty["chinh"] or "0", "ban_sao": qty["sao"] or qty["chi_sao"] or "0"})
            start = qty.end()
        groups.append(clean.compact({"nhom": _group_heading(heading), "giay_to": documents}))
        heading = segment[start:]
    unsplit.keep("thanh_phan_ho_so", heading)               # text after the last document
    return [g for g in groups if g.get("giay_to")]


def _group_heading(text: str) -> str:
    text = clean.line(re.sub(r"^\s*\*\s*", "", text))
    return "" if text in ("--", "-") else text


def _crawl_legal(text: str, unsplit: _Unsplit) -> list[dict]:
    text = text.replace(LEGAL_HEADER, "", 1)
    rows, start = [], 0
    for cell in CODE_CELL.finditer(text):
        cell_start = _cell_start(text, cell, start)
        if cell_start is None:
            continue
        name = clean.para(text[start:cell_start])
        if name and not _holds_cell_boundary(name):
            rows.append({"ten": name, "so": clean.legal_number(cell["so"])})
        else:
            unsplit.keep("can_cu_phap_ly", text[start:cell.end()])
        start = cell.end()
    unsplit.keep("can_cu_phap_ly", text[start:])
    return clean.sorted_legal(rows)


def _cell_start(text: str, cell: re.Match, row_start: int) -> int | None:
    """Where a code cell that closes a legal-basis row begins, or None for a number inside a name.

    A closing cell is run into the name before it ("…Trung ương85/2019/TT-BTC", "…Luật Nhà ở;05/…")
    where a number inside a name follows a space; one written with its kind ("…Bộ Tư phápThông tư
    số 03/2023/TT-BTP") must also be followed by the end, the next cell, or a capitalised word.
    """
    for start, worded in ((cell.start(), bool(cell["words"])), (cell.start("so"), False)):
        before = text[start - 1:start]
        if start <= row_start or not (before.isalnum() or before in ".;)"):
            continue
        after = text[cell.end():].lstrip()
        if not worded or not after or text[cell.end()].isalnum() or after[0].isupper():
            return start
    return None


def _holds_cell_boundary(name: str) -> bool:
    """A name that still holds a cell boundary ("…Bộ Tư phápThông tư…", "…/NĐ-CPThực hiện") was
    not split reliably."""
    return bool(CELL_BOUNDARY.search(name)) or any(CAPITALISED.match(name, cell.end())
                                                    for cell in CODE_CELL.finditer(name))


def _crawl_results(text: str, unsplit: _Unsplit) -> list[str]:
    text = text.split(RESULT_UI, 1)[0]                      # the page's search widget, not record text
    codes = list(RESULT_CODE.finditer(text))
    at = text.find("Từ khóa", codes[-1].end() if codes else 0)
    results, tail = (text[:at], text[at:]) if at >= 0 else (text, "")
    if tail and not re.fullmatch(rf"Từ khóa({clean.PLACEHOLDER})?Mô tả({clean.PLACEHOLDER})?", tail.strip()):
        unsplit.keep("ket_qua_xu_ly", tail)
    return clean.sorted_names(clean.line(part) for part in RESULT_CODE.split(results))


def _crawl_levels(text: str) -> list[str]:
    levels = [LEVEL_WORDS.get(vn.fold_key(name)) for name in clean.split_names(text)]
    return [level for level in LEVELS if level in levels]


# How a field of a plain kind is read from the crawl key (or section) its schema row names.
PLAIN = {schema.LINE: clean.line, schema.TEXT: clean.para,
         schema.TEXTS: lambda text: clean.sorted_names(clean.split_names(text)),
         schema.BODIES: lambda text: clean.sorted_bodies({"ten": name} for name in clean.split_names(text))}


def read(raw: dict) -> tuple[dict, list[str]]:
    """(the record's fields but its code, name, decision and source, notes for the report)."""
    raw = {k: vn.normalize(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
           for k, v in raw.items() if v is not None}
    notes, unsplit = [], _Unsplit()
    sections, recut = _page_sections(raw)
    if recut:
        notes.append("bản thu thập cắt sai các mục; đã cắt lại theo nhãn trong raw_text (không mất chữ).")
    levels = _crawl_levels(raw.get("cap_thuc_hien", ""))
    skipped = [n for n in clean.split_names(raw.get("cap_thuc_hien", "")) if not LEVEL_WORDS.get(vn.fold_key(n))]
    if skipped:
        notes.append(f"bỏ qua cấp thực hiện không còn dùng: {', '.join(skipped)}.")
    channels = _crawl_channels(sections["cach_thuc_thuc_hien"], unsplit)
    text_of_record = vn.fold(" ".join(v for k, v in raw.items() if k != "raw_text"))
    if any(c["hinh_thuc"] == "truc-tuyen" for c in channels):
        online = "toan-trinh" if "toan trinh" in text_of_record else "mot-phan"
    else:
        online = "khong"
    results = _crawl_results(sections["ket_qua_xu_ly"], unsplit)
    cells = {**raw, **sections}
    record = {field.key: PLAIN[field.kind](cells.get(field.crawl, "")) for field in schema.FIELDS if field.crawl}
    record.update({
        "cap_thuc_hien": levels,
        "trinh_tu": _crawl_steps(sections["trinh_tu_thuc_hien"]),
        "cach_thuc": channels,
        "ho_so": _crawl_documents(sections["thanh_phan_ho_so"], unsplit),
        "can_cu_phap_ly": _crawl_legal(sections["can_cu_phap_ly"], unsplit),
        "ket_qua": results,
        "muc_do_truc_tuyen": online,
    })
    for key in sorted(set(raw) - CRAWL_MAPPED):
        unsplit.keep(key, raw[key])
    record["van_ban_chua_tach"] = unsplit.as_dict()
    if record["van_ban_chua_tach"]:
        notes.append(f"giữ nguyên văn phần chưa tách được: {', '.join(record['van_ban_chua_tach'])}.")
    glued_forms = sum(1 for g in record["ho_so"] for d in g["giay_to"] if re.search(r"\.(docx?|pdf|xlsx?)$", d["ten"]))
    if glued_forms:
        notes.append(f"{glued_forms} giấy tờ có tên tệp mẫu đơn dính vào tên giấy tờ (giữ nguyên).")
    return record, notes


def source_of(raw: dict) -> dict:
    url = clean.link(raw.get("detail_url"), "detail_url", "trang thủ tục trên Cổng Dịch vụ công quốc gia")
    internal = clean.line(raw.get("formality_id"))
    if not internal and url:
        match = re.search(r"/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", url)
        internal = match.group(1) if match else ""
    return clean.compact({"he_thong": "crawl", "dia_chi": url, "ma_noi_bo": internal})
