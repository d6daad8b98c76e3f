"""Input text → the schema's values, for both input formats.

Normalisation: every string goes through vn.normalize (NFC, invisible marks removed, Ð→Đ);
one-line values have their whitespace collapsed, multi-line ones keep their line breaks;
"Không có thông tin" becomes absent; amounts are written "2.000 đồng"; "Miễn phí" or 0 gives no
fee entry (phi: [], shown as free) while an unknown fee leaves phi out; epoch-millisecond dates
are read in Asia/Ho_Chi_Minh (they are local midnights); legal-basis numbers lose their spaces
and line breaks; times read "05 ngày làm việc" with so_ngay "5" and don_vi ngay-lam-viec.
A record that cannot be imported raises RecordError, whose message is Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from .. import vn
from ..data import shown
from .schema import DAY_UNITS
from .validation import safe_url

PLACEHOLDER = "Không có thông tin"
UNITS = {"ngay lam viec": "ngay-lam-viec", "ngay": "ngay"}


class RecordError(Exception):
    """A record that cannot be imported; the message is Vietnamese."""

    def __init__(self, message: str, field: str | None = None, hint: str = "", value=None):
        super().__init__(message)
        self.field, self.hint = field, hint
        self.value = value              # the offending input text, to find its line in the file


def _placeholder(text: str) -> bool:
    return not text or vn.fold_key(text) == vn.fold_key(PLACEHOLDER)


def line(value) -> str:
    """A one-line value: normalised, whitespace collapsed, the portal's empty marker removed."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    text = vn.normalize_line(re.sub(r"\s+", " ", vn.normalize(str(value))))
    return "" if _placeholder(text) else text


def para(value) -> str:
    """A multi-line value: normalised, each line's spacing collapsed, paragraph breaks kept."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    text = vn.normalize(str(value))
    text = re.sub(r"\r\n?|[\u2028\u2029\x85]", "\n", text)
    text = "\n".join(vn.normalize_line(row) for row in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return "" if _placeholder(text) else text


def split_names(text: str) -> list[str]:
    """"Tổ chức (không bao gồm doanh nghiệp, HTX), Công dân Việt Nam" → two names: split at ", "
    followed by a capital letter, outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth <= 0 and text[i + 1:i + 2] == " " and text[i + 2:i + 3].isupper():
            parts.append(text[start:i])
            start = i + 2
    parts.append(text[start:])
    return [p for p in (line(p) for p in parts) if p]


def sorted_names(names) -> list[str]:
    return vn.sorted_vi(dict.fromkeys(n for n in names if n))


def sorted_bodies(bodies) -> list[dict]:
    unique = {(b.get("ma", ""), b["ten"]): b for b in bodies if b.get("ten")}
    return [unique[k] for k in sorted(unique, key=lambda k: (vn.sort_key(k[1]), k[0], k[1]))]


def number(text: str) -> str:
    """"5" → "5", "0.5" → "0,5" (Vietnamese decimal mark), for so_ngay."""
    try:
        value = float(str(text).replace(",", "."))
        if not math.isfinite(value):
            raise ValueError(text)
    except ValueError:
        raise RecordError(f"thời hạn “{shown(str(text))}” không phải một số.", "processingTime") from None
    return str(int(value)) if value == int(value) else vn.number(value, len(str(value).split(".")[1]))


def duration(amount: str, unit: str) -> dict:
    """{thoi_han: "05 ngày làm việc", so_ngay: "5", don_vi: "ngay-lam-viec"} from the portal's cells."""
    if amount in (None, ""):
        return {}
    days = number(amount)
    don_vi = UNITS.get(vn.fold_key(unit or ""), "khac")
    if don_vi == "khac":
        shown = f"{days} {line(unit).lower()}".strip()
    else:
        shown = f"{days.zfill(2) if days.isdigit() else days} {DAY_UNITS[don_vi]}"
    return {"thoi_han": shown, "so_ngay": days, "don_vi": don_vi}


def money(amount, currency: str) -> str:
    """2000, "Việt Nam Đồng" → "2.000 đồng"; 10, "USD" → "10 USD"."""
    decimals = 0 if float(amount) == int(float(amount)) else 2
    shown = vn.number(float(amount), decimals)
    folded = vn.fold_key(currency or "")
    if not folded or folded in ("viet nam dong", "vnd", "dong", "vnđ"):
        return f"{shown} đồng"
    return f"{shown} {line(currency)}"


def parse_amount(text: str):
    """"2,000" / "2.000" / "2000" → 2000; None when the text is not an amount."""
    text = text.strip()
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):
        return int(re.sub(r"[.,]", "", text))
    if re.fullmatch(r"\d+(?:[.,]\d+)?", text):
        return float(text.replace(",", "."))
    return None


_DECIDED_ELSEWHERE = re.compile(r"quyet dinh|hdnd|hoi dong nhan dan|theo quy dinh")


def fee(kind: str, amount, currency: str, note: str) -> dict | None:
    """One fee entry, or None for a free one. A note "/trang" is the unit of the amount.

    0 with a note like "Mức thu do Hội đồng nhân dân thành phố quyết định" is not free: the amount
    is set by the city, so the entry stays, without an amount, for the ward's overlay to complete.
    """
    if amount == 0:
        if note and _DECIDED_ELSEWHERE.search(vn.fold(note)):
            return {"loai": kind, "muc": "", "mo_ta": note}
        return None
    muc = money(amount, currency)
    if note.startswith("/") and len(note) <= 30 and "." not in note:
        muc, note = muc + note, ""
    return compact({"loai": kind, "muc": muc, "mo_ta": note})


def local_date(value, field: str) -> str:
    """Epoch milliseconds (local midnight in the portal) or an ISO text → "YYYY-MM-DD" in Vietnam."""
    if value in (None, ""):
        return ""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value / 1000, tz=vn.TIMEZONE).date().isoformat()
        except (OverflowError, OSError, ValueError):
            raise RecordError(f"ngày “{shown(str(value))}” không đọc được.", field,
                              "Ngày phải là mili giây kể từ 1970 hoặc dạng 2026-03-05.") from None
    try:
        parsed = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(f"ngày “{value}” không đọc được.", field,
                          "Ngày phải là mili giây kể từ 1970 hoặc dạng 2026-03-05.") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(vn.TIMEZONE)
    return parsed.date().isoformat()


def link(value, field: str, what: str) -> str:
    """An address the site prints into a link: absolute http(s) only (safe_url). Anything
    else (javascript:, data:, entity-encoded or hidden schemes) stops the import of the record: the
    national portal never publishes such a link, so the input is damaged or forged."""
    text = line(value)
    if text and not safe_url(text):
        raise RecordError(f"{what}: “{shown(text)}” không phải địa chỉ dùng được trong liên kết — chỉ nhận địa chỉ "
                          "web đầy đủ bắt đầu bằng http:// hoặc https:// (không nhận javascript:, data:, vbscript: "
                          "hay địa chỉ viết bằng mã HTML); không nhập bản ghi này.", field,
                          "Tải lại dữ liệu từ Cổng Dịch vụ công quốc gia; nếu nguồn vẫn ghi như vậy, xóa địa chỉ này "
                          "khỏi tệp JSON rồi nhập lại.", value)
    return text


def compact(mapping: dict, keep=()) -> dict:
    """The mapping without empty values (except the keys in keep, e.g. phi: [] = free)."""
    return {k: v for k, v in mapping.items() if k in keep or v not in (None, "", [], {})}


def legal_number(value) -> str:
    """"60/2014/QH13 " / "85/2019/\\nTT-BTC" → "60/2014/QH13" / "85/2019/TT-BTC"."""
    return re.sub(r"\s+", "", vn.normalize(str(value))) if value not in (None, "") else ""


def sorted_legal(items) -> list[dict]:
    unique = {(b.get("so", ""), b["ten"]): b for b in items if b.get("ten")}
    return [unique[k] for k in sorted(unique, key=lambda k: (k[0], vn.sort_key(k[1]), k[1]))]


