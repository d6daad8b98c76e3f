"""`cchc import-procedures`: national procedure records → content/procedures/<mã>.yaml.

    cchc import-procedures FILE_OR_DIR... [--into content/procedures] [--dry-run]
    cchc import-procedures --abolish 1.000123 --decision 2585/QĐ-UBND [--date 2026-06-30]
                           [--replaced-by 1.000456] [--into content/procedures] [--dry-run]

Directories are scanned (not recursively) for *.json; names starting with "_" are skipped. A file
holds one record or a list of records. The output follows the schema of cchc.procedures and is
checked with cchc.procedures.validate before anything is written.

Input formats, detected per record
----------------------------------
1. The national portal's JSON (Cổng Dịch vụ công quốc gia; camelCase keys, see
   shared/design/PROCEDURES.md): `code`, `name`, `executionSteps`, `executionMethods` (channel,
   time, fees), `executionCases` (document groups), `legalBasisesDetails`, `categoriesDetails`,
   `subjectTypesDetails`, `departments*`, `resultsDetails`, `isWard`/`isProvince`/…,
   `formalityType`, `isFullProcess`/`isOfflineOnly`, `serviceGroupsDetails`,
   `procedureProposal` (the announcing decision), `updatedAt`. Structured data maps field by
   field. Readings of ours: fee `type` FEE → lệ phí, SERVICE_FEE → phí; the record's free-text
   `description` has no schema field and is kept verbatim in van_ban_chua_tach.description;
   service variants (`cases`) and `type` are not imported.
2. The public crawl of the portal's pages (shared/corpus/dvcqg-crawl; snake_case Vietnamese keys:
   ma_thu_tuc, ten_thu_tuc, cach_thuc_thuc_hien, thanh_phan_ho_so, can_cu_phap_ly, …). Its
   tables are run together without separators, so each section is split only where a reliable
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

Normalisation: every string goes through vn.normalize (NFC, invisible marks removed, Ð→Đ);
one-line values have their whitespace collapsed, multi-line ones keep their line breaks;
"Không có thông tin" becomes absent; amounts are written "2.000 đồng"; "Miễn phí" or 0 gives no
fee entry (phi: [], shown as free) while an unknown fee leaves phi out; epoch-millisecond dates
are read in Asia/Ho_Chi_Minh (they are local midnights); legal-basis numbers lose their spaces
and line breaks; times read "05 ngày làm việc" with so_ngay "5" and don_vi ngay-lam-viec.

Lifecycle (the file of a code is compared with what is imported for it)
----------------------------------------------------------------------
- New code: lich_su gets {ngay: the decision's date or today, loai: moi, quyet_dinh}.
- Changed content: the old lich_su is kept and {ngay, loai: sua-doi — thay-the when the
  decision's proposalType says replace —, quyet_dinh, noi_dung: "Thay đổi: <fields>"} appended;
  ngay is the new decision's date when its number differs from the last entry's, else today.
- Same content: the file is left byte-identical and nothing is appended. "Content" is every
  field but lich_su, nguon, ngay_cap_nhat, quyet_dinh_cong_bo (the portal's decision number
  changes between snapshots) and the local lifecycle (trang_thai, thay_the_boi), so a re-import
  is idempotent and never undoes a recorded abolition.
- Codes in the folder but not in the import are only reported, never deleted: the national
  database drops abolished procedures, and `--abolish` records that (trang_thai: bai-bo,
  thay_the_boi, a lich_su entry loai: bai-bo).
- content/procedures/dia-phuong/ (the ward's overlay) is never read or written.
Bad input (not JSON, wrong shape or types, missing code or name, invalid code, two different records
for one code, a form file or page address that is not an absolute http(s) address — javascript:,
data:, entity-encoded schemes —) stops the import with Vietnamese messages naming the file and
record (and the line, when the bad value is found there): exit status 1 and nothing written.
Existing records are read with cchc.data's loader, which refuses anchors, aliases and tags.
Files are written through a temporary file and os.replace.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
import re
import sys
import tempfile

import yaml

from . import data, procedures, vn
from .errors import ContentError, Problem

HEADER = ("# Nhập từ Cổng Dịch vụ công quốc gia bằng cchc import-procedures — không sửa tay; "
          "phần bổ sung của phường: content/procedures/dia-phuong/{code}.yaml\n")
PLACEHOLDER = "Không có thông tin"

# Key order of a written record, as in the schema (cchc.procedures).
ORDER = ["ma", "ten", "cap_thuc_hien", "loai", "linh_vuc", "doi_tuong", "co_quan_thuc_hien",
         "co_quan_tham_quyen", "co_quan_uy_quyen", "co_quan_phoi_hop", "noi_tiep_nhan", "trinh_tu",
         "cach_thuc", "ho_so", "can_cu_phap_ly", "yeu_cau_dieu_kien", "ket_qua", "muc_do_truc_tuyen",
         "su_kien_doi_song", "quyet_dinh_cong_bo", "trang_thai", "thay_the_boi", "lich_su",
         "ngay_cap_nhat", "nguon", "van_ban_chua_tach"]
# Not part of the compared content: history, provenance, the local lifecycle, and the announcing
# decision (its number changes between snapshots of the national portal; PROCEDURES.md).
NOT_CONTENT = {"lich_su", "nguon", "ngay_cap_nhat", "quyet_dinh_cong_bo", "trang_thai", "thay_the_boi"}

FIELD_NAMES = {
    "ten": "Tên thủ tục", "cap_thuc_hien": "Cấp thực hiện", "loai": "Loại thủ tục", "linh_vuc": "Lĩnh vực",
    "doi_tuong": "Đối tượng thực hiện", "co_quan_thuc_hien": "Cơ quan thực hiện",
    "co_quan_tham_quyen": "Cơ quan có thẩm quyền", "co_quan_uy_quyen": "Cơ quan được ủy quyền",
    "co_quan_phoi_hop": "Cơ quan phối hợp", "noi_tiep_nhan": "Địa chỉ tiếp nhận hồ sơ",
    "trinh_tu": "Trình tự thực hiện", "cach_thuc": "Cách thức thực hiện", "ho_so": "Thành phần hồ sơ",
    "can_cu_phap_ly": "Căn cứ pháp lý", "yeu_cau_dieu_kien": "Yêu cầu, điều kiện", "ket_qua": "Kết quả thực hiện",
    "muc_do_truc_tuyen": "Mức độ trực tuyến", "su_kien_doi_song": "Sự kiện đời sống",
    "quyet_dinh_cong_bo": "Quyết định công bố", "van_ban_chua_tach": "Văn bản chưa tách",
}
CHANNEL_ASPECTS = [("hình thức nộp", ("hinh_thuc",)), ("thời hạn giải quyết", ("thoi_han", "so_ngay", "don_vi")),
                   ("phí, lệ phí", ("phi",)), ("mô tả", ("mo_ta",))]

LEVEL_WORDS = {"cap xa": "xa", "cap tinh": "tinh", "cap bo": "bo", "co quan khac": "khac"}
GENERIC_BODIES = {"xa": "Ủy ban nhân dân cấp xã", "tinh": "Ủy ban nhân dân cấp tỉnh",
                  "bo": "Bộ, cơ quan ngang bộ", "khac": "Cơ quan có thẩm quyền"}
GENERIC_TEXT = "Chưa tách được từ dữ liệu nguồn — xem phần nguyên văn hoặc Cổng Dịch vụ công quốc gia"
CHANNEL_ORDER = list(procedures.CHANNELS)
UNITS = {"ngay lam viec": "ngay-lam-viec", "ngay": "ngay"}


class RecordError(Exception):
    """A record that cannot be imported; the message is Vietnamese."""

    def __init__(self, message: str, field: str | None = None, hint: str = "", value=None):
        super().__init__(message)
        self.field, self.hint = field, hint
        self.value = value              # the offending input text, to find its line in the file


@dataclasses.dataclass
class Imported:
    """One record read from the input, already in the schema's shape (without its history)."""

    code: str
    record: dict
    where: str                      # "path" or "path, bản ghi thứ n" for messages
    decision: str = ""
    decision_date: str = ""
    replaces: bool = False          # the decision replaces (thay thế) rather than amends
    notes: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Change:
    """What an import or an abolition does to one file."""

    code: str
    kind: str                       # moi | sua-doi | khong-doi | bai-bo
    text: str = ""                  # the file to write (empty: nothing to write)
    fields: list = dataclasses.field(default_factory=list)


# ---- text ------------------------------------------------------------------------------------

def _placeholder(text: str) -> bool:
    return not text or vn.fold_key(text) == vn.fold_key(PLACEHOLDER)


def _line(value) -> str:
    """A one-line value: normalised, whitespace collapsed, the portal's empty marker removed."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    text = vn.normalize_line(re.sub(r"\s+", " ", vn.normalize(str(value))))
    return "" if _placeholder(text) else text


def _para(value) -> str:
    """A multi-line value: normalised, each line's spacing collapsed, paragraph breaks kept."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    text = vn.normalize(str(value))
    text = re.sub(r"\r\n?|[\u2028\u2029\x85]", "\n", text)
    text = "\n".join(vn.normalize_line(line) for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return "" if _placeholder(text) else text


def _split_names(text: str) -> list[str]:
    """"Tổ chức (không bao gồm doanh nghiệp, HTX), Công dân Việt Nam" → two names: split at ", "
    followed by a capital letter, outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth <= 0 and text[i + 1:i + 2] == " " and text[i + 2:i + 3].isupper():
            parts.append(text[start:i])
            start = i + 2
    parts.append(text[start:])
    return [p for p in (_line(p) for p in parts) if p]


def _sorted_names(names) -> list[str]:
    return vn.sorted_vi(dict.fromkeys(n for n in names if n))


def _sorted_bodies(bodies) -> list[dict]:
    unique = {(b.get("ma", ""), b["ten"]): b for b in bodies if b.get("ten")}
    return [unique[k] for k in sorted(unique, key=lambda k: (vn.sort_key(k[1]), k[0]))]


def _number(text: str) -> str:
    """"5" → "5", "0.5" → "0,5" (Vietnamese decimal mark), for so_ngay."""
    try:
        value = float(str(text).replace(",", "."))
        if not math.isfinite(value):
            raise ValueError(text)
    except ValueError:
        raise RecordError(f"thời hạn “{data.shown(str(text))}” không phải một số.", "processingTime") from None
    return str(int(value)) if value == int(value) else vn.number(value, len(str(value).split(".")[1]))


def _time(amount: str, unit: str) -> dict:
    """{thoi_han: "05 ngày làm việc", so_ngay: "5", don_vi: "ngay-lam-viec"} from the portal's cells."""
    if amount in (None, ""):
        return {}
    days = _number(amount)
    don_vi = UNITS.get(vn.fold_key(unit or ""), "khac")
    if don_vi == "khac":
        shown = f"{days} {_line(unit).lower()}".strip()
    else:
        shown = f"{days.zfill(2) if days.isdigit() else days} {procedures.DAY_UNITS[don_vi]}"
    return {"thoi_han": shown, "so_ngay": days, "don_vi": don_vi}


def _money(amount, currency: str) -> str:
    """2000, "Việt Nam Đồng" → "2.000 đồng"; 10, "USD" → "10 USD"."""
    decimals = 0 if float(amount) == int(float(amount)) else 2
    shown = vn.number(float(amount), decimals)
    folded = vn.fold_key(currency or "")
    if not folded or folded in ("viet nam dong", "vnd", "dong", "vnđ"):
        return f"{shown} đồng"
    return f"{shown} {_line(currency)}"


def _amount(text: str):
    """"2,000" / "2.000" / "2000" → 2000; None when the text is not an amount."""
    text = text.strip()
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):
        return int(re.sub(r"[.,]", "", text))
    if re.fullmatch(r"\d+(?:[.,]\d+)?", text):
        return float(text.replace(",", "."))
    return None


_DECIDED_ELSEWHERE = re.compile(r"quyet dinh|hdnd|hoi dong nhan dan|theo quy dinh")


def _fee(kind: str, amount, currency: str, note: str) -> dict | None:
    """One fee entry, or None for a free one. A note "/trang" is the unit of the amount.

    0 with a note like "Mức thu do Hội đồng nhân dân thành phố quyết định" is not free: the amount
    is set by the city, so the entry stays, without an amount, for the ward's overlay to complete.
    """
    if amount == 0:
        if note and _DECIDED_ELSEWHERE.search(vn.fold(note)):
            return {"loai": kind, "muc": "", "mo_ta": note}
        return None
    muc = _money(amount, currency)
    if note.startswith("/") and len(note) <= 30 and "." not in note:
        muc, note = muc + note, ""
    return _compact({"loai": kind, "muc": muc, "mo_ta": note})


def _local_date(value, field: str) -> str:
    """Epoch milliseconds (local midnight in the portal) or an ISO text → "YYYY-MM-DD" in Vietnam."""
    if value in (None, ""):
        return ""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value / 1000, tz=vn.TIMEZONE).date().isoformat()
        except (OverflowError, OSError, ValueError):
            raise RecordError(f"ngày “{data.shown(str(value))}” không đọc được.", field,
                              "Ngày phải là mili giây kể từ 1970 hoặc dạng 2026-03-05.") from None
    try:
        parsed = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(f"ngày “{value}” không đọc được.", field,
                          "Ngày phải là mili giây kể từ 1970 hoặc dạng 2026-03-05.") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(vn.TIMEZONE)
    return parsed.date().isoformat()


def _link(value, field: str, what: str) -> str:
    """An address the site prints into a link: absolute http(s) only (procedures.safe_url). Anything
    else (javascript:, data:, entity-encoded or hidden schemes) stops the import of the record: the
    national portal never publishes such a link, so the input is damaged or forged."""
    text = _line(value)
    if text and not procedures.safe_url(text):
        raise RecordError(f"{what}: “{data.shown(text)}” không phải địa chỉ dùng được trong liên kết — chỉ nhận địa chỉ "
                          "web đầy đủ bắt đầu bằng http:// hoặc https:// (không nhận javascript:, data:, vbscript: "
                          "hay địa chỉ viết bằng mã HTML); không nhập bản ghi này.", field,
                          "Tải lại dữ liệu từ Cổng Dịch vụ công quốc gia; nếu nguồn vẫn ghi như vậy, xóa địa chỉ này "
                          "khỏi tệp JSON rồi nhập lại.", value)
    return text


def _compact(mapping: dict, keep=()) -> dict:
    """The mapping without empty values (except the keys in keep, e.g. phi: [] = free)."""
    return {k: v for k, v in mapping.items() if k in keep or v not in (None, "", [], {})}


def _ordered(record: dict) -> dict:
    return {key: record[key] for key in ORDER if record.get(key) not in (None, "", [], {})}


# ---- the national portal's JSON --------------------------------------------------------------

PORTAL_CHANNELS = {"ONLINE": "truc-tuyen", "DIRECT": "truc-tiep", "POSTAL": "buu-chinh"}
PORTAL_UNITS = {"WORKING_DAY": "Ngày làm việc", "DAY": "Ngày", "CALENDAR_DAY": "Ngày"}
PORTAL_FEES = {"FEE": "le-phi", "SERVICE_FEE": "phi"}
PORTAL_KINDS = {"ASSIGNED_REGULATION": "TTHC được giao luật quy định chi tiết",
                "NOT_ASSIGNED_REGULATION": "TTHC không được luật giao cho địa phương quy định"}
PORTAL_LEVELS = [("isWard", "xa"), ("isProvince", "tinh"), ("isMinistry", "bo"), ("isOtherAgency", "khac"),
                 ("isUndetermined", "khac")]


def _items(raw: dict, key: str) -> list:
    value = raw.get(key)
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise RecordError(f"trường {key} phải là một danh sách.", key)
    return value


def _list(value, field: str) -> list:
    """A list inside a record (absent or empty: []); anything else is bad input, not a crash."""
    if not value:
        return []
    if not isinstance(value, list):
        raise RecordError(f"trường {field} phải là một danh sách.", field)
    return value


def _mapping_items(raw: dict, key: str) -> list[dict]:
    items = _items(raw, key)
    if not all(isinstance(item, dict) for item in items):
        raise RecordError(f"mỗi mục của {key} phải là một đối tượng JSON.", key)
    return items


def _portal_bodies(raw: dict, key: str) -> list[dict]:
    return _sorted_bodies(_compact({"ma": _line(d.get("code")), "ten": _line(d.get("name"))})
                          for d in _mapping_items(raw, key))


def _portal_text_list(raw: dict, key: str) -> str:
    """A value that is a text or a list of texts / {name, address} objects, one per line."""
    value = raw.get(key)
    items = value if isinstance(value, list) else [value]
    lines = []
    for item in items:
        if isinstance(item, dict):
            item = ", ".join(filter(None, (_line(item.get(k)) for k in ("name", "address"))))
        lines.append(_para(item))
    return "\n".join(filter(None, lines))


def _portal_channel(method: dict) -> dict:
    channel = PORTAL_CHANNELS.get(str(method.get("submissionMethod", "")).upper())
    if channel is None:
        raise RecordError(f"hình thức nộp “{method.get('submissionMethod')}” không rõ.", "executionMethods",
                          "Dùng ONLINE, DIRECT hoặc POSTAL.")
    time = method.get("processingTime")
    unit = str(method.get("processingTimeUnit") or "").upper()
    timing = _time(str(time), PORTAL_UNITS.get(unit, "")) if time not in (None, "", 0) else {}
    fees, free_notes = [], []
    for fee in _list(method.get("fees"), "executionMethods.fees"):
        if not isinstance(fee, dict):
            raise RecordError("mỗi mục phí của executionMethods phải là một đối tượng JSON.", "executionMethods")
        entry, note = _portal_fee(fee)
        if entry:
            fees.append(entry)
        elif note:
            free_notes.append(note)
    description = "\n".join(filter(None, [*free_notes, _para(method.get("description"))]))
    return _compact({"hinh_thuc": channel, **timing, "phi": fees, "mo_ta": description}, keep=("phi",))


def _portal_fee(fee: dict) -> tuple[dict | None, str]:
    """(entry, note of a free fee): value 2000 + currencyName, or the text "2,000 Việt Nam Đồng"."""
    kind = PORTAL_FEES.get(str(fee.get("type", "")).upper(), "le-phi")
    note = _para(fee.get("description"))
    value, currency = fee.get("value"), _line(fee.get("currencyName"))
    if isinstance(value, str):
        match = re.match(r"\s*([\d.,]+)\s*(.*)$", vn.normalize(value))
        amount = _amount(match.group(1)) if match else None
        if amount is None:                     # "Miễn phí", "Theo quy định của HĐND tỉnh" …
            text = _line(value)
            if not text or vn.fold_key(text) == "mien phi":
                return None, note
            return _compact({"loai": kind, "muc": text, "mo_ta": note}), ""
        value, currency = amount, _line(match.group(2)) or currency
    if value in (None, "") or isinstance(value, bool):
        return None, note
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise RecordError(f"mức phí “{data.shown(str(value))}” không phải một số.", "executionMethods",
                          "Mức phí là một số (2000) hoặc chữ (“2.000 Việt Nam Đồng”, “Miễn phí”).")
    entry = _fee(kind, value, currency, note)
    return entry, "" if entry else note


def _portal_documents(raw: dict) -> list[dict]:
    groups = []
    for n, case in enumerate(_mapping_items(raw, "executionCases")):
        documents = []
        for m, item in enumerate(_list(case.get("profileComponents"), "executionCases.profileComponents")):
            if not isinstance(item, dict):
                raise RecordError("mỗi giấy tờ của executionCases phải là một đối tượng JSON.", "executionCases")
            forms = [_compact({"ten": _line(a.get("fileName")),
                               "tep": _link(a.get("filePath"),
                                            f"executionCases[{n}].profileComponents[{m}].attachments[{k}].filePath",
                                            f"mẫu “{_line(a.get('fileName'))}” của giấy tờ “{data.shown(_line(item.get('name')))}”")})
                     for k, a in enumerate(_list(item.get("attachments"),
                                                 "executionCases.profileComponents.attachments"))
                     if isinstance(a, dict) and _line(a.get("fileName"))]
            required = item.get("required")
            documents.append(_compact({
                "ten": _para(item.get("name")),
                "ban_chinh": _quantity(item.get("originalQty")), "ban_sao": _quantity(item.get("copyQty")),
                "bat_buoc": required if isinstance(required, bool) else None, "mau": forms}))
        documents = [d for d in documents if d.get("ten")]
        if documents:
            groups.append(_compact({"nhom": _line(case.get("name")), "giay_to": documents}))
    return groups


def _quantity(value) -> str:
    """Quantities stay text ("010" stays "010"); None and "" stay absent."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        raise RecordError(f"số lượng “{value}” không phải một số.", "executionCases.profileComponents",
                          "originalQty và copyQty là số bản (0, 1, 2 …).")
    return _line(value) if not isinstance(value, float) else str(int(value))


def _portal_record(raw: dict) -> dict:
    levels = [level for key, level in PORTAL_LEVELS if raw.get(key) is True]
    levels = [level for level in procedures.LEVELS if level in levels]
    methods = [_portal_channel(m) for m in _mapping_items(raw, "executionMethods")]
    methods.sort(key=lambda c: CHANNEL_ORDER.index(c["hinh_thuc"]))
    steps = []
    for step in _mapping_items(raw, "executionSteps"):
        name, text = _line(step.get("name")), _para(step.get("description"))
        steps.append(_compact({"ten": name if text else "", "mo_ta": text or name}))
    if raw.get("isFullProcess") is True:
        online = "toan-trinh"
    elif raw.get("isOfflineOnly") is True or not any(m["hinh_thuc"] == "truc-tuyen" for m in methods):
        online = "khong"
    else:
        online = "mot-phan"
    kind = str(raw.get("formalityType") or "")
    record = {
        "cap_thuc_hien": levels,
        "loai": PORTAL_KINDS.get(kind, _line(kind)),
        "linh_vuc": _portal_bodies(raw, "categoriesDetails"),
        "doi_tuong": _sorted_names(_line(d.get("name")) for d in _mapping_items(raw, "subjectTypesDetails")),
        "co_quan_thuc_hien": _portal_bodies(raw, "departmentsExecuting"),
        "co_quan_tham_quyen": _portal_bodies(raw, "departmentsAuthority"),
        "co_quan_uy_quyen": _portal_bodies(raw, "departmentsAuthorized"),
        "co_quan_phoi_hop": _portal_bodies(raw, "departmentsCoordinating"),
        "noi_tiep_nhan": _portal_text_list(raw, "dossierReceivingAddresses"),
        "trinh_tu": [s for s in steps if s.get("mo_ta")],
        "cach_thuc": methods,
        "ho_so": _portal_documents(raw),
        "can_cu_phap_ly": _sorted_legal(_compact({"ten": _para(d.get("name")), "so": _legal_number(d.get("code"))})
                                        for d in _mapping_items(raw, "legalBasisesDetails")),
        "yeu_cau_dieu_kien": _para(raw.get("requirementsAndConditions")),
        "ket_qua": _sorted_names(_line(d.get("name")) for d in _mapping_items(raw, "resultsDetails")),
        "muc_do_truc_tuyen": online,
        "su_kien_doi_song": _sorted_names(_line(d.get("name")) for d in _mapping_items(raw, "serviceGroupsDetails")),
        "ngay_cap_nhat": _local_date(raw.get("updatedAt"), "updatedAt"),
        "van_ban_chua_tach": _compact({"description": _para(raw.get("description"))}),
    }
    return record


def _portal_decision(raw: dict) -> tuple[dict, bool]:
    proposal = raw.get("procedureProposal") or {}
    if not isinstance(proposal, dict):
        raise RecordError("trường procedureProposal phải là một đối tượng JSON.", "procedureProposal")
    decision = _compact({"so": _line(proposal.get("proposalNumber")),
                         "ngay": _local_date(proposal.get("decisionDate"), "procedureProposal.decisionDate"),
                         "co_quan": _line(proposal.get("issuingAgency"))})
    kind = vn.fold_key(str(proposal.get("proposalType") or ""))
    return decision, ("replace" in kind or "thay the" in kind)


def _legal_number(value) -> str:
    """"60/2014/QH13 " / "85/2019/\\nTT-BTC" → "60/2014/QH13" / "85/2019/TT-BTC"."""
    return re.sub(r"\s+", "", vn.normalize(str(value))) if value not in (None, "") else ""


def _sorted_legal(items) -> list[dict]:
    unique = {(b.get("so", ""), b["ten"]): b for b in items if b.get("ten")}
    return [unique[k] for k in sorted(unique, key=lambda k: (k[0], vn.sort_key(k[1])))]


# ---- the public crawl of the portal's pages --------------------------------------------------

CRAWL_SECTIONS = [("trinh_tu_thuc_hien", "Trình Tự Thực Hiện"), ("cach_thuc_thuc_hien", "Cách Thức Thực Hiện"),
                  ("thanh_phan_ho_so", "Thành phần hồ sơ"), ("can_cu_phap_ly", "Căn cứ pháp lý"),
                  ("co_quan_thuc_hien", "Cơ quan thực hiện"), ("yeu_cau_dieu_kien", "Yêu cầu, điều kiện thực hiện"),
                  ("ket_qua_xu_ly", "Kết quả xử lý")]
# Crawl keys mapped to a schema field; any other key with text is kept verbatim.
CRAWL_MAPPED = {"ma_thu_tuc", "ten_thu_tuc", "so_quyet_dinh", "cap_thuc_hien", "loai_thu_tuc", "linh_vuc",
                "doi_tuong_thuc_hien", "co_quan_co_tham_quyen", "dia_chi_tiep_nhan", "co_quan_duoc_uy_quyen",
                "co_quan_phoi_hop", "detail_url", "formality_id", "raw_text", *dict(CRAWL_SECTIONS)}

_UPPER = "".join(re.escape(c) for c in map(chr, [*range(0x41, 0x250), *range(0x1EA0, 0x1F00)]) if c.isupper())
_LOWER = "".join(re.escape(c) for c in map(chr, [*range(0x61, 0x250), *range(0x1EA0, 0x1F00)]) if c.islower())

CHANNEL_ROW = re.compile(
    r"(?P<channel>Trực tuyến|Trực tiếp|Dịch vụ bưu chính)"
    r"(?:Không có thông tin|(?P<days>\d+(?:[.,]\d+)?) ?(?P<unit>[Nn]gày làm việc|[Nn]gày|[Gg]iờ làm việc|[Gg]iờ|[Tt]háng)?)"
    r"(?P<fee>Miễn phí|Không có thông tin|(?P<amount>[1-9]\d{0,2}(?:[.,]\d{3})*|0) ?"
    r"(?P<currency>Việt Nam Đồng|VNĐ|VND|USD|đồng|Đồng))")
CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
CHANNEL_WORDS = {word: key for key, word in procedures.CHANNELS.items()}
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
        text = _para(text)
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
        note, rest = _para(note), _para(rest)
        timing = _time(row["days"], row["unit"] or "") if row["days"] else {}
        fees = None                                         # unknown fee: no phi key
        if row["amount"]:
            kind = "le-phi" if "le phi" in vn.fold(note) else "phi"
            fee = _fee(kind, _amount(row["amount"]), row["currency"], note)
            fees, note = ([fee], "") if fee else ([], note)
        elif row["fee"] == "Miễn phí":
            fees = []
        description = "\n".join(filter(None, [note, rest]))
        channels.append(_compact({"hinh_thuc": CHANNEL_WORDS[row["channel"]], **timing, "phi": fees,
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
        steps = [{"mo_ta": _para(text[:marks[0].start()])}]
        for n, mark in enumerate(marks):
            end = marks[n + 1].start() if n + 1 < len(marks) else len(text)
            ten = _line(mark["ten"])
            steps.append({"ten": ten, "mo_ta": _para(text[mark.end():end]) or ten})
    else:
        marks = list(DASH_MARK.finditer(text))
        pieces = [text[:marks[0].start()] if marks else text]
        pieces += [text[mark.end():(marks[n + 1].start() if n + 1 < len(marks) else len(text))]
                   for n, mark in enumerate(marks)]
        steps = [{"mo_ta": _para(piece)} for piece in pieces]
    return [_compact(s) for s in steps if s.get("mo_ta")]


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
            name = _para(re.sub(r"^\s*[-–]\s*", "", segment[start:qty.start()]))
            if name:
                documents.append({"ten": name, "ban_chinh": qty["chinh"] or "0", "ban_sao": qty["sao"] or qty["chi_sao"] or "0"})
            start = qty.end()
        groups.append(_compact({"nhom": _group_heading(heading), "giay_to": documents}))
        heading = segment[start:]
    unsplit.keep("thanh_phan_ho_so", heading)               # text after the last document
    return [g for g in groups if g.get("giay_to")]


def _group_heading(text: str) -> str:
    text = _line(re.sub(r"^\s*\*\s*", "", text))
    return "" if text in ("--", "-") else text


def _crawl_legal(text: str, unsplit: _Unsplit) -> list[dict]:
    text = text.replace(LEGAL_HEADER, "", 1)
    rows, start = [], 0
    for cell in CODE_CELL.finditer(text):
        cell_start = _cell_start(text, cell, start)
        if cell_start is None:
            continue
        name = _para(text[start:cell_start])
        if name and not _holds_cell_boundary(name):
            rows.append({"ten": name, "so": _legal_number(cell["so"])})
        else:
            unsplit.keep("can_cu_phap_ly", text[start:cell.end()])
        start = cell.end()
    unsplit.keep("can_cu_phap_ly", text[start:])
    return _sorted_legal(rows)


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
    if tail and not re.fullmatch(rf"Từ khóa({PLACEHOLDER})?Mô tả({PLACEHOLDER})?", tail.strip()):
        unsplit.keep("ket_qua_xu_ly", tail)
    return _sorted_names(_line(part) for part in RESULT_CODE.split(results))


def _crawl_levels(text: str) -> list[str]:
    levels = [LEVEL_WORDS.get(vn.fold_key(name)) for name in _split_names(text)]
    return [level for level in procedures.LEVELS if level in levels]


def _crawl_record(raw: dict) -> tuple[dict, list[str]]:
    raw = {k: vn.normalize(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
           for k, v in raw.items() if v is not None}
    notes, unsplit = [], _Unsplit()
    sections, recut = _page_sections(raw)
    if recut:
        notes.append("bản thu thập cắt sai các mục; đã cắt lại theo nhãn trong raw_text (không mất chữ).")
    levels = _crawl_levels(raw.get("cap_thuc_hien", ""))
    skipped = [n for n in _split_names(raw.get("cap_thuc_hien", "")) if not LEVEL_WORDS.get(vn.fold_key(n))]
    if skipped:
        notes.append(f"bỏ qua cấp thực hiện không còn dùng: {', '.join(skipped)}.")
    channels = _crawl_channels(sections["cach_thuc_thuc_hien"], unsplit)
    text_of_record = vn.fold(" ".join(v for k, v in raw.items() if k != "raw_text"))
    if any(c["hinh_thuc"] == "truc-tuyen" for c in channels):
        online = "toan-trinh" if "toan trinh" in text_of_record else "mot-phan"
    else:
        online = "khong"
    results = _crawl_results(sections["ket_qua_xu_ly"], unsplit)
    record = {
        "cap_thuc_hien": levels,
        "loai": _line(raw.get("loai_thu_tuc")),
        "linh_vuc": _sorted_bodies({"ten": name} for name in _split_names(raw.get("linh_vuc", ""))),
        "doi_tuong": _sorted_names(_split_names(raw.get("doi_tuong_thuc_hien", ""))),
        "co_quan_thuc_hien": _sorted_bodies({"ten": n} for n in _split_names(sections["co_quan_thuc_hien"])),
        "co_quan_tham_quyen": _sorted_bodies({"ten": n} for n in _split_names(raw.get("co_quan_co_tham_quyen", ""))),
        "co_quan_uy_quyen": _sorted_bodies({"ten": n} for n in _split_names(raw.get("co_quan_duoc_uy_quyen", ""))),
        "co_quan_phoi_hop": _sorted_bodies({"ten": n} for n in _split_names(raw.get("co_quan_phoi_hop", ""))),
        "noi_tiep_nhan": _para(raw.get("dia_chi_tiep_nhan")),
        "trinh_tu": _crawl_steps(sections["trinh_tu_thuc_hien"]),
        "cach_thuc": channels,
        "ho_so": _crawl_documents(sections["thanh_phan_ho_so"], unsplit),
        "can_cu_phap_ly": _crawl_legal(sections["can_cu_phap_ly"], unsplit),
        "yeu_cau_dieu_kien": _para(sections["yeu_cau_dieu_kien"]),
        "ket_qua": results,
        "muc_do_truc_tuyen": online,
    }
    for key in sorted(set(raw) - CRAWL_MAPPED):
        unsplit.keep(key, raw[key])
    record["van_ban_chua_tach"] = unsplit.as_dict()
    if record["van_ban_chua_tach"]:
        notes.append(f"giữ nguyên văn phần chưa tách được: {', '.join(record['van_ban_chua_tach'])}.")
    glued_forms = sum(1 for g in record["ho_so"] for d in g["giay_to"] if re.search(r"\.(docx?|pdf|xlsx?)$", d["ten"]))
    if glued_forms:
        notes.append(f"{glued_forms} giấy tờ có tên tệp mẫu đơn dính vào tên giấy tờ (giữ nguyên).")
    return record, notes


def _crawl_source(raw: dict) -> dict:
    url = _link(raw.get("detail_url"), "detail_url", "trang thủ tục trên Cổng Dịch vụ công quốc gia")
    internal = _line(raw.get("formality_id"))
    if not internal and url:
        match = re.search(r"/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", url)
        internal = match.group(1) if match else ""
    return _compact({"he_thong": "crawl", "dia_chi": url, "ma_noi_bo": internal})


# ---- one record ------------------------------------------------------------------------------

def _fill_required(record: dict, notes: list):
    """Generic values for required fields the source does not give, each said in the report."""
    levels = record.get("cap_thuc_hien") or []
    if not record.get("co_quan_thuc_hien"):
        body = GENERIC_BODIES[levels[0]]
        record["co_quan_thuc_hien"] = [{"ten": body}]
        notes.append(f"không có cơ quan thực hiện; ghi chung “{body}” theo cấp thực hiện.")
    generic = {"linh_vuc": [{"ten": "Chưa phân loại"}], "trinh_tu": [{"mo_ta": GENERIC_TEXT}],
               "cach_thuc": [{"hinh_thuc": "truc-tiep"}], "ho_so": [{"giay_to": [{"ten": GENERIC_TEXT}]}],
               "can_cu_phap_ly": [{"ten": GENERIC_TEXT}], "ket_qua": [GENERIC_TEXT]}
    for key, value in generic.items():
        if not record.get(key):
            record[key] = value
            notes.append(f"không có hoặc không tách được “{FIELD_NAMES[key]}”; ghi giá trị chung.")


def parse_record(raw, where: str) -> Imported:
    """One input object → Imported; raises RecordError (Vietnamese) for bad input."""
    if not isinstance(raw, dict):
        raise RecordError("không phải một bản ghi thủ tục (đối tượng JSON).")
    if "ma_thu_tuc" in raw or "ten_thu_tuc" in raw:
        code, name, fmt = raw.get("ma_thu_tuc"), raw.get("ten_thu_tuc"), "crawl"
        code_key, name_key = "ma_thu_tuc", "ten_thu_tuc"
    elif "code" in raw or "name" in raw:
        code, name, fmt = raw.get("code"), raw.get("name"), "dvcqg"
        code_key, name_key = "code", "name"
    else:
        raise RecordError("không nhận ra định dạng bản ghi.", None,
                          "Cần các khóa của Cổng Dịch vụ công quốc gia (code, name, …) "
                          "hoặc của bản thu thập (ma_thu_tuc, ten_thu_tuc, …).")
    code = _line(code) if isinstance(code, (str, int, float)) and not isinstance(code, bool) else ""
    if not code:
        raise RecordError("thiếu mã thủ tục.", code_key, "Mỗi bản ghi cần mã dạng 1.001193.")
    if not procedures.CODE.match(code):
        raise RecordError(f"mã “{code}” không đúng dạng d.dddddd (ví dụ 1.001193).", code_key,
                          "Dùng mã quốc gia; mã biến thể của tỉnh (…H29) hoặc của dịch vụ (.01) không nhập được.")
    name = _line(name) if isinstance(name, str) else ""
    if not name:
        raise RecordError(f"thủ tục {code} thiếu tên.", name_key)
    if fmt == "dvcqg":
        record, notes = _portal_record(raw), []
        decision, replaces = _portal_decision(raw)
        source = _compact({"he_thong": "dvcqg", "ma_noi_bo": _line(raw.get("id"))})
    else:
        record, notes = _crawl_record(raw)
        decision, replaces = _compact({"so": _line(raw.get("so_quyet_dinh"))}), False
        source = _crawl_source(raw)
    if not record["cap_thuc_hien"]:
        raise RecordError(f"thủ tục {code}: không xác định được cấp thực hiện.",
                          "cap_thuc_hien" if fmt == "crawl" else "isWard",
                          "Cần Cấp xã, Cấp tỉnh, Cấp bộ hoặc Cơ quan khác.")
    _fill_required(record, notes)
    record.update({"ma": code, "ten": name, "quyet_dinh_cong_bo": decision, "nguon": source})
    return Imported(code, _ordered(record), where, decision.get("so", ""), decision.get("ngay", ""),
                    replaces, notes)


# ---- YAML ------------------------------------------------------------------------------------

_STR = "tag:yaml.org,2002:str"


class _Dumper(yaml.SafeDumper):
    """Quotes every string YAML would otherwise read as another type ("1.000890", "010", "yes",
    "2026-03-05"), writes multi-line text as a block, and never uses anchors."""

    def ignore_aliases(self, data):
        return True


def _represent_str(dumper, value):
    style = None
    if dumper.resolve(yaml.ScalarNode, value, (True, False)) != _STR:
        style = '"'
    elif "\n" in value:
        style = "|"
    return dumper.represent_scalar(_STR, value, style=style)


_Dumper.add_representer(str, _represent_str)


def render(record: dict) -> str:
    body = yaml.dump(record, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000,
                     default_flow_style=False)
    return HEADER.format(code=record["ma"]) + body


def _reload(text: str, path: str = "", lines: bool = False):
    """The record as cchc.data.load_yaml reads it: every scalar text, anchors, aliases, merge keys and
    tags refused (ContentError naming path and line); without the line bookkeeping unless `lines`."""
    return data.parse_yaml(vn.normalize(text), path, lines=lines)


def _check(path: str, text: str) -> list[Problem]:
    try:
        raw = _reload(text, path, lines=True)
    except ContentError as error:
        return list(error.problems)
    _record, problems = procedures.validate(path, raw)
    return problems


# ---- inputs ----------------------------------------------------------------------------------

def _input_files(paths) -> tuple[list[str], list[Problem]]:
    files, problems = [], []
    for path in paths:
        if os.path.isdir(path):
            found = sorted(os.path.join(path, n) for n in os.listdir(path)
                           if n.endswith(".json") and not n.startswith("_") and os.path.isfile(os.path.join(path, n)))
            if not found:
                problems.append(Problem(path, None, None, "thư mục không có tệp .json nào để nhập."))
            files.extend(found)
        elif os.path.isfile(path):
            files.append(path)
        else:
            problems.append(Problem(path, None, None, "không tìm thấy tệp hoặc thư mục.",
                                    "Kiểm tra lại đường dẫn."))
    return files, problems


def _line_of(text: str, value) -> int | None:
    """Line of a string value in the JSON text, when it is written there exactly once."""
    if not isinstance(value, str) or not value:
        return None
    for written in {json.dumps(value, ensure_ascii=False)[1:-1], json.dumps(value)[1:-1]}:
        if text.count(written) == 1:
            return text.count("\n", 0, text.index(written)) + 1
    return None


def _read_file(path: str) -> tuple[list[Imported], list[Problem]]:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
        loaded = json.loads(text)
    except UnicodeDecodeError:
        return [], [Problem(path, None, None, "tệp không phải văn bản UTF-8.", "Lưu lại tệp JSON ở mã UTF-8.")]
    except json.JSONDecodeError as error:
        return [], [Problem(path, error.lineno, None, f"không phải JSON hợp lệ ({error.msg}, cột {error.colno}).",
                            "Tải lại dữ liệu từ Cổng Dịch vụ công quốc gia.")]
    except RecursionError:
        return [], [Problem(path, None, None, "JSON lồng nhau quá sâu, không phải dữ liệu của Cổng Dịch vụ công quốc gia.",
                            "Tải lại dữ liệu từ Cổng Dịch vụ công quốc gia.")]
    except OSError as error:
        return [], [Problem(path, None, None, f"không đọc được tệp ({error.strerror or error}).",
                            "Kiểm tra quyền đọc tệp.")]
    if isinstance(loaded, dict):
        objects = [(None, loaded)]
    elif isinstance(loaded, list) and loaded:
        objects = list(enumerate(loaded, 1))
    else:
        return [], [Problem(path, None, None, "tệp phải chứa một bản ghi thủ tục (đối tượng JSON) "
                                              "hoặc một danh sách bản ghi không rỗng.")]
    imported, problems = [], []
    for index, raw in objects:
        where = path if index is None else f"{path}, bản ghi thứ {index}"
        label = "" if index is None else f"bản ghi thứ {index}: "
        try:
            imported.append(parse_record(raw, where))
        except RecordError as error:
            problems.append(Problem(path, _line_of(text, error.value), error.field, label + str(error), error.hint))
    return imported, problems


def read_inputs(paths) -> tuple[list[Imported], list[Problem]]:
    """Every record of the given files and folders, one per code; problems for bad input."""
    files, problems = _input_files(paths)
    by_code: dict[str, Imported] = {}
    for path in files:
        imported, found = _read_file(path)
        problems.extend(found)
        for item in imported:
            other = by_code.get(item.code)
            if other is None:
                by_code[item.code] = item
            elif render(other.record) != render(item.record):
                problems.append(Problem(path, None, None,
                                        f"mã {item.code} có hai bản ghi khác nhau trong cùng lần nhập "
                                        f"({item.where}; {other.where}).",
                                        "Chỉ nhập một bản ghi cho mỗi mã thủ tục."))
    return [by_code[code] for code in sorted(by_code)], problems


# ---- lifecycle -------------------------------------------------------------------------------

def _existing(folder: str) -> dict[str, str]:
    """code → path of the imported records in folder (the overlay folder is not looked at)."""
    if not os.path.isdir(folder):
        return {}
    return {name[:-5]: os.path.join(folder, name) for name in sorted(os.listdir(folder))
            if name.endswith(".yaml") and os.path.isfile(os.path.join(folder, name))}


def _read_existing(path: str) -> tuple[dict | None, list[Problem]]:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem(path, None, None, f"không đọc được tệp hiện có ({error}).",
                              "Khôi phục tệp từ kho mã rồi nhập lại.")]
    try:
        old = _reload(text, path)
    except ContentError as error:
        return None, [dataclasses.replace(p, message=f"tệp hiện có: {p.message}",
                                          hint=f"{p.hint} Hoặc khôi phục tệp từ kho mã rồi nhập lại.".strip())
                      for p in error.problems]
    problems = _check(path, text)
    return (old if not problems else None), problems


def changed_fields(old: dict, new: dict) -> list[str]:
    """Vietnamese names of the content fields that differ (both as read back from YAML)."""
    names = []
    for key in ORDER:
        if key in NOT_CONTENT or key == "ma" or old.get(key) == new.get(key):
            continue
        if key == "cach_thuc":
            aspects = [label for label, keys in CHANNEL_ASPECTS
                       if _aspect(old.get(key), keys) != _aspect(new.get(key), keys)]
            names.append(f"{FIELD_NAMES[key]} ({', '.join(aspects)})" if aspects else FIELD_NAMES[key])
        else:
            names.append(FIELD_NAMES[key])
    return names


def _aspect(channels, keys) -> list:
    return [[c.get(k) for k in keys] for c in channels or [] if isinstance(c, dict)]


def _content(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in NOT_CONTENT}


def plan_import(items: list[Imported], folder: str, today: str) -> tuple[list[Change], list[str], list[Problem]]:
    """(changes, codes in the folder missing from the import, problems) — nothing is written."""
    existing, changes, problems = _existing(folder), [], []
    for item in items:
        new = dict(item.record)
        new["nguon"] = {**new.get("nguon", {}), "ngay_nhap": today}
        path = os.path.join(folder, f"{item.code}.yaml")
        if item.code not in existing:
            new["trang_thai"] = "hieu-luc"
            new["lich_su"] = [_compact({"ngay": item.decision_date or today, "loai": "moi",
                                        "quyet_dinh": item.decision})]
            changes.append(Change(item.code, "moi", render(_ordered(new))))
        else:
            old, found = _read_existing(path)
            problems.extend(found)
            if old is None:
                continue
            fields = changed_fields(_content(old), _content(_reload(render(_ordered(new)))))
            if not fields:
                changes.append(Change(item.code, "khong-doi"))
                continue
            changes.append(Change(item.code, "sua-doi", render(_amended(old, new, item, fields, today)), fields))
        problems.extend(_check(path, changes[-1].text) if changes[-1].text else [])
    imported = {item.code for item in items}
    missing = []
    for code, path in existing.items():
        if code not in imported:
            old, _found = _read_existing(path)
            if not old or old.get("trang_thai") != "bai-bo":
                missing.append(code)
    return changes, missing, problems


def _amended(old: dict, new: dict, item: Imported, fields: list[str], today: str) -> dict:
    history = list(old.get("lich_su") or [])
    last = history[-1].get("quyet_dinh") if history else ""
    date = item.decision_date if item.decision and item.decision != last and item.decision_date else today
    history.append(_compact({"ngay": date, "loai": "thay-the" if item.replaces else "sua-doi",
                             "quyet_dinh": item.decision, "noi_dung": f"Thay đổi: {', '.join(fields)}"}))
    new.update({"trang_thai": old.get("trang_thai") or "hieu-luc", "thay_the_boi": old.get("thay_the_boi"),
                "lich_su": history})
    return _ordered(new)


def plan_abolition(folder: str, code: str, decision: str, date: str, replaced_by: str | None
                   ) -> tuple[list[Change], list[Problem]]:
    where = os.path.join(folder, f"{code}.yaml")
    problems = []
    if not procedures.CODE.match(code):
        problems.append(Problem(where, None, "--abolish", f"mã “{code}” không đúng dạng d.dddddd."))
    if replaced_by and (not procedures.CODE.match(replaced_by) or replaced_by == code):
        problems.append(Problem(where, None, "--replaced-by", f"mã thay thế “{replaced_by}” không hợp lệ."))
    elif replaced_by and not os.path.isfile(os.path.join(folder, f"{replaced_by}.yaml")):
        problems.append(Problem(where, None, "--replaced-by", f"thủ tục thay thế {replaced_by} chưa có trong thư mục.",
                                "Nhập thủ tục thay thế trước rồi ghi nhận bãi bỏ."))
    if not _line(decision):
        problems.append(Problem(where, None, "--decision", "thiếu số quyết định bãi bỏ.", "Ví dụ: --decision 2585/QĐ-UBND"))
    if not procedures.DATE.match(date or "") or not _valid_date(date):
        problems.append(Problem(where, None, "--date", f"ngày “{date}” phải viết dạng năm-tháng-ngày (2026-06-30)."))
    if problems:
        return [], problems
    if not os.path.isfile(where):
        return [], [Problem(where, None, None, f"không có thủ tục {code} trong thư mục để ghi nhận bãi bỏ.")]
    old, problems = _read_existing(where)
    if old is None:
        return [], problems
    decision = _line(decision)
    history = list(old.get("lich_su") or [])
    if old.get("trang_thai") == "bai-bo" and history and history[-1].get("quyet_dinh") == decision \
            and (old.get("thay_the_boi") or None) == (replaced_by or None):
        return [Change(code, "khong-doi")], []
    what = "Bãi bỏ thủ tục" + (f"; thay thế bằng thủ tục {replaced_by}" if replaced_by else "")
    history.append({"ngay": date, "loai": "bai-bo", "quyet_dinh": decision, "noi_dung": what})
    record = _ordered({**_typed(old), "trang_thai": "bai-bo", "thay_the_boi": replaced_by, "lich_su": history})
    text = render(record)
    return [Change(code, "bai-bo", text)], _check(where, text)


def _typed(record: dict) -> dict:
    """A record read back as text with its booleans restored, so it is written as the importer writes."""
    record = json.loads(json.dumps(record))
    for group in record.get("ho_so") or []:
        for doc in group.get("giay_to") or []:
            if doc.get("bat_buoc") in ("true", "false"):
                doc["bat_buoc"] = doc["bat_buoc"] == "true"
    return record


def _valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


# ---- writing and reporting -------------------------------------------------------------------

def write_atomically(path: str, text: str):
    """Writes through a temporary file in the same folder, so a crash never leaves half a file."""
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _apply(changes: list[Change], folder: str) -> int:
    written = 0
    for change in changes:
        if change.text:
            write_atomically(os.path.join(folder, f"{change.code}.yaml"), change.text)
            written += 1
    return written


def report(changes: list[Change], missing: list[str], notes: list[tuple[str, str]]) -> list[str]:
    new = [c.code for c in changes if c.kind == "moi"]
    amended = [c for c in changes if c.kind == "sua-doi"]
    same = [c for c in changes if c.kind == "khong-doi"]
    lines = [f"Mới: {len(new)}" + (f" ({', '.join(new)})" if new else ""),
             f"Sửa đổi: {len(amended)}" + (f" ({'; '.join(f'{c.code}: ' + ', '.join(c.fields) for c in amended)})"
                                            if amended else ""),
             f"Không đổi: {len(same)}",
             "Có trong thư mục nhưng không có trong dữ liệu nhập: "
             + (f"{len(missing)} ({', '.join(missing)}) — chỉ báo, không xóa; thủ tục đã bãi bỏ thì ghi nhận "
                "bằng --abolish" if missing else "0")]
    if notes:
        lines.append("Ghi chú:")
        lines.extend(f"  - {code}: {note}" for code, note in notes)
    return lines


def _print_problems(problems: list[Problem], folder: str, err):
    print(f"Không nhập được: có {len(problems)} lỗi, chưa ghi tệp nào vào {folder}:", file=err)
    for problem in problems:
        print(f"  - {problem}", file=err)


def today_in_vietnam() -> str:
    return dt.datetime.now(vn.TIMEZONE).date().isoformat()


def import_procedures(paths, folder: str, dry_run: bool = False, today: str | None = None,
                      out=None, err=None) -> int:
    """The `cchc import-procedures FILE_OR_DIR...` command; returns the exit status."""
    out, err = out or sys.stdout, err or sys.stderr
    items, problems = read_inputs(paths)
    if problems:
        _print_problems(problems, folder, err)
        return 1
    changes, missing, problems = plan_import(items, folder, today or today_in_vietnam())
    if problems:
        _print_problems(problems, folder, err)
        return 1
    notes = [(item.code, note) for item in items for note in item.notes
             if any(c.code == item.code and c.text for c in changes)]
    for line in report(changes, missing, notes):
        print(line, file=out)
    if dry_run:
        print("Chạy thử (--dry-run): không ghi tệp nào.", file=out)
    else:
        print(f"Đã ghi {_apply(changes, folder)} tệp vào {folder}.", file=out)
    return 0


def abolish(folder: str, code: str, decision: str, date: str | None = None, replaced_by: str | None = None,
            dry_run: bool = False, out=None, err=None) -> int:
    """The `cchc import-procedures --abolish` command; returns the exit status."""
    out, err = out or sys.stdout, err or sys.stderr
    date = date or today_in_vietnam()
    changes, problems = plan_abolition(folder, code, decision, date, replaced_by)
    if problems:
        _print_problems(problems, folder, err)
        return 1
    if changes[0].kind == "khong-doi":
        print(f"Không đổi: thủ tục {code} đã được ghi nhận bãi bỏ theo Quyết định số {_line(decision)}.", file=out)
        return 0
    line = f"Bãi bỏ: {code} theo Quyết định số {_line(decision)} ngày {vn.short_date(dt.date.fromisoformat(date))}"
    print(line + (f"; thủ tục thay thế: {replaced_by}" if replaced_by else ""), file=out)
    if dry_run:
        print("Chạy thử (--dry-run): không ghi tệp nào.", file=out)
    else:
        print(f"Đã ghi {_apply(changes, folder)} tệp vào {folder}.", file=out)
    return 0
