"""Checking a procedure record or overlay as loaded by cchc.data.load_yaml: each field by its kind
in the schema table (cchc.procedures.schema), so a wrong value is a problem with its line, never a
crash.

All scalars are read as text (BaseLoader): "1.000890" never becomes a float, "010" never 8.
Addresses printed into links — ho_so[].giay_to[].mau[].tep and nguon.dia_chi — must be absolute
http(s) addresses (safe_url); the overlay's dien_thoai, printed into a tel: link, a phone number.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from urllib.parse import urlsplit

from .. import vn
from ..data import kind_of, line_in, shown
from ..errors import Problem
from . import schema
from .schema import CHANGES, CHANNELS, CODE, DATE, DAY_UNITS, FEE_KINDS, LEVELS


def _text(value) -> bool:
    return isinstance(value, str)


# ---- addresses printed into links ------------------------------------------------------------------

URL_SCHEMES = ("http", "https")
_URL_START = re.compile(r"^https?://", re.I)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Removed before the scheme is read, as a browser would: ASCII whitespace and controls, and the
# invisible or spacing characters an attacker can hide a scheme behind.
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\xa0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]")
# Characters no address needs written as they are, and that would end the href="…" attribute (or
# open a tag) wherever a template printed the address without escaping it.
_BREAKS_OUT = re.compile(r"[\"'<>`\\]")
PHONE = re.compile(r"^[+(]?[0-9][0-9 .()-]{2,30}$")


def safe_url(value) -> bool:
    """True for an address that may be printed into href/src as it is: an absolute http:// or
    https:// address with a host, written plainly. Allowlist: the scheme is read after HTML entities
    are decoded (repeatedly) and whitespace and control characters removed, and must be http(s)
    both before and after, so javascript&#58;…, jav&#x61;script:, " javascript:", JaVaScRiPt:,
    data:, vbscript: and anything relative or protocol-relative are refused; so are quotes, < > `
    and backslashes, which no address needs and which could end the attribute it is printed in."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not text or _CONTROL.search(text):
        return False
    decoded = text
    for _round in range(5):
        unescaped = html.unescape(decoded)
        if unescaped == decoded:
            break
        decoded = unescaped
    else:
        return False
    decoded = _INVISIBLE.sub("", decoded)
    if not _URL_START.match(text) or not _URL_START.match(decoded):
        return False
    if _BREAKS_OUT.search(text) or _BREAKS_OUT.search(decoded):
        return False
    try:
        parts = urlsplit(decoded)
        parts.port  # noqa: B018 — raises ValueError for a port that is not a number
    except ValueError:
        return False
    return parts.scheme.lower() in URL_SCHEMES and bool(parts.hostname)


class _Checker:
    """Collects the problems of one record or overlay. Every check is told where its value sits
    (`at`: the mapping holding it, `key`, `index` in a list), so a problem names that line."""

    def __init__(self, path: str, raw: dict, bodies=None):
        self.path, self.raw, self.problems, self.bodies = path, raw, [], bodies
        self.lines = raw.get("__lines__", {}) if isinstance(raw, dict) else {}

    def problem(self, field, message, hint="", at=None, key=None, index=None):
        if at is None:
            line = self.lines.get(field.split(".")[0].split("[")[0])
        else:
            line = line_in(at, key, index)
        self.problems.append(Problem(self.path, line, field, message, hint))

    def text(self, field, value, required=False, at=None, key=None, index=None):
        if value is None or value == "":
            if required:
                self.problem(field, "thiếu giá trị.", "Nhập lại thủ tục từ Cổng Dịch vụ công quốc gia.", at, key, index)
            return False
        if not _text(value):
            self.problem(field, f"phải là chữ (một giá trị), không phải {kind_of(value)}.",
                         "Viết giá trị ngay sau dấu hai chấm; không dùng [ ], { } hay các dòng “- …” cho khóa này.",
                         at, key, index)
            return False
        return True

    def choice(self, field, value, choices, required=True, at=None, key=None, index=None):
        if value in (None, "") and not required:
            return
        if not _text(value):
            self.problem(field, f"phải là chữ (một giá trị), không phải {kind_of(value)}.",
                         f"Dùng một trong: {', '.join(choices)}.", at, key, index)
        elif value not in choices:
            self.problem(field, f"giá trị “{shown(value)}” không hợp lệ.", f"Dùng một trong: {', '.join(choices)}.",
                         at, key, index)

    def date(self, field, value, required=False, at=None, key=None):
        if value in (None, "") and not required:
            return
        if not _text(value) or not DATE.match(value):
            shown_value = shown(value) if _text(value) else kind_of(value)
            self.problem(field, f"ngày “{shown_value}” phải viết dạng năm-tháng-ngày (2026-03-05).", "", at, key)
            return
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            self.problem(field, f"ngày “{value}” không có thật.", "", at, key)

    def url(self, field, value, hint, at=None, key=None):
        """An address printed into href: absolute http(s) only (safe_url)."""
        if value in (None, "") or not self.text(field, value, at=at, key=key):
            return
        if not safe_url(value):
            self.problem(field, f"địa chỉ “{shown(value)}” không dùng được trong liên kết: chỉ nhận địa chỉ web "
                                "đầy đủ bắt đầu bằng http:// hoặc https:// (không nhận javascript:, data:, vbscript:, "
                                "địa chỉ viết bằng mã HTML hay có ký tự điều khiển); trang không đăng liên kết này.",
                         hint, at, key)

    def items(self, field, value, required=False, at=None, key=None):
        """A list (of dicts or texts); reports and returns [] when it is not."""
        if value in (None, "", []):
            if required:
                self.problem(field, "cần ít nhất một mục.", "Nhập lại thủ tục từ Cổng Dịch vụ công quốc gia.", at, key)
            return []
        if not isinstance(value, list):
            self.problem(field, f"phải là một danh sách (mỗi mục bắt đầu bằng “- ”), không phải {kind_of(value)}.",
                         "", at, key)
            return []
        return value

    def texts(self, field, value, required=False, at=None, key=None):
        """A list of texts."""
        for n, item in enumerate(self.items(field, value, required, at, key)):
            self.text(f"{field}[{n}]", item, required=True, at=at, key=key, index=n)

    def mapping(self, field, value, keys, required=(), nested=(), at=None, key=None, index=None):
        """A mapping with only `keys`, each holding text (those in `nested` are checked by the caller)."""
        if not isinstance(value, dict):
            self.problem(field, f"phải là một nhóm khóa: giá trị, không phải {kind_of(value)}.", "", at, key, index)
            return {}
        for name, item in value.items():
            if name.startswith("__"):
                continue
            if name not in keys:
                self.problem(f"{field}.{name}", "khóa không có trong lược đồ.",
                             f"Các khóa được dùng: {', '.join(sorted(keys))}.", value, name)
            elif name not in nested:
                self.text(f"{field}.{name}", item, at=value, key=name)
        for name in required:
            if name not in nested and value.get(name) in (None, ""):
                self.text(f"{field}.{name}", value.get(name), required=True, at=value, key=name)
        return value

    def mappings(self, field, value, keys, required=(), nested=(), at=None, key=None, required_list=False):
        """(index, mapping) of each valid mapping of a list of mappings."""
        found = []
        for n, item in enumerate(self.items(field, value, required_list, at, key)):
            checked = self.mapping(f"{field}[{n}]", item, keys, required, nested, at, key, n)
            if isinstance(item, dict):
                found.append((n, checked))
        return found


def _strip_lines(value):
    """The YAML loader's line bookkeeping, removed recursively."""
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return vn.normalize(value) if isinstance(value, str) else value


def _bool(value) -> bool | None:
    if value is None or value == "":
        return None
    return {"true": True, "false": False, "co": True, "khong": False}.get(str(value).lower())




# ---- one field, by its kind ----------------------------------------------------------------------
# Each check is called as check(c, field, value) with the field's row of the table.

CHANNEL_KEYS = {key for _label, keys in schema.CHANNEL_ASPECTS for key in keys}
DECISION_KEYS = ("so", "ngay", "co_quan")
SOURCE_KEYS = ("he_thong", "dia_chi", "ma_noi_bo", "ngay_nhap")


def _own_code(c, field, code):
    c.text(field.key, code)
    expected = os.path.splitext(os.path.basename(c.path))[0]
    if _text(code) and code and not CODE.match(code):
        c.problem(field.key, f"mã “{shown(code)}” không đúng dạng d.dddddd (ví dụ 1.001193).")
    elif _text(code) and code and code != expected:
        c.problem(field.key, f"mã “{code}” khác tên tệp “{expected}”.", f"Đổi tên tệp thành {code}.yaml.")


def _code_of(c, field, code):
    c.text(field.key, code)
    if _text(code) and code and not CODE.match(code):
        c.problem(field.key, f"mã “{shown(code)}” không đúng dạng d.dddddd.")


def _text_value(c, field, value):
    c.text(field.key, value)


def _phone(c, field, phone):
    c.text(field.key, phone)
    if _text(phone) and phone and not PHONE.match(phone.strip()):
        c.problem(field.key, f"số điện thoại “{shown(phone)}” chỉ được có chữ số, dấu cách và các dấu + . - ( ) "
                             "(số này được đặt vào liên kết gọi điện tel:).",
                  "Ví dụ: dien_thoai: 0220 3882 116; ghi chú thêm (giờ nghe máy, người trực) viết vào “ghi_chu”.")


def _ward_body(c, field, office):
    c.text(field.key, office)
    if _text(office) and office and c.bodies is not None and c.bodies.get(office) is None:
        c.problem(field.key, f"cơ quan “{shown(office)}” không có trong co-quan.yaml.",
                  f"Dùng một mã trong: {c.bodies.choices()}.")


def _texts(c, field, value):
    c.texts(field.key, value)


def _levels(c, field, value):
    for n, level in enumerate(c.items(field.key, value)):
        c.choice(f"{field.key}[{n}]", level, LEVELS, at=c.raw, key=field.key, index=n)


def _bodies(c, field, value):
    c.mappings(field.key, value, {"ma", "ten"}, required=("ten",))


def _steps(c, field, value):
    c.mappings(field.key, value, {"ten", "mo_ta"}, required=("mo_ta",))


def _legal(c, field, value):
    c.mappings(field.key, value, {"ten", "so"}, required=("ten",))




def _channels(c, field, value):
    for n, channel in c.mappings(field.key, value, CHANNEL_KEYS, required=("hinh_thuc",), nested=("phi",)):
        where = f"{field.key}[{n}]"
        c.choice(f"{where}.hinh_thuc", channel.get("hinh_thuc"), CHANNELS, at=channel, key="hinh_thuc")
        c.choice(f"{where}.don_vi", channel.get("don_vi"), DAY_UNITS, required=False, at=channel, key="don_vi")
        days = channel.get("so_ngay")
        if _text(days) and days and not re.match(r"^\d+(,\d+)?$", days):
            c.problem(f"{where}.so_ngay", f"“{shown(days)}” không phải số ngày.", "", channel, "so_ngay")
        for m, fee in c.mappings(f"{where}.phi", channel.get("phi"), {"loai", "muc", "mo_ta"}, at=channel, key="phi"):
            c.choice(f"{where}.phi[{m}].loai", fee.get("loai"), FEE_KINDS, at=fee, key="loai")


def _documents(c, field, value):
    for n, group in c.mappings(field.key, value, {"nhom", "giay_to"}, nested=("giay_to",)):
        where = f"{field.key}[{n}]"
        documents = c.mappings(f"{where}.giay_to", group.get("giay_to"), {"ten", "ban_chinh", "ban_sao", "bat_buoc", "mau"},
                               required=("ten",), nested=("mau",), at=group, key="giay_to", required_list=True)
        for m, doc in documents:
            here = f"{where}.giay_to[{m}]"
            for qty in ("ban_chinh", "ban_sao"):
                if _text(doc.get(qty)) and doc[qty] and not doc[qty].isdigit():
                    c.problem(f"{here}.{qty}", f"“{shown(doc[qty])}” không phải số lượng.", "", doc, qty)
            if _text(doc.get("bat_buoc")) and doc["bat_buoc"] and _bool(doc["bat_buoc"]) is None:
                c.problem(f"{here}.bat_buoc", "phải là true hoặc false.", "", doc, "bat_buoc")
            for k, form in c.mappings(f"{here}.mau", doc.get("mau"), {"ten", "tep"}, required=("ten",), at=doc, key="mau"):
                c.url(f"{here}.mau[{k}].tep", form.get("tep"),
                      "Ghi địa chỉ đầy đủ của mẫu đơn, ví dụ https://dichvucong.gov.vn/…, hoặc xóa khóa “tep”; "
                      "bản ghi nhập từ Cổng Dịch vụ công quốc gia thì nhập lại.", form, "tep")


def _choice(c, field, value):
    c.choice(field.key, value, field.choices)


def _date(c, field, value):
    c.date(field.key, value)


def _decision(c, field, value):
    if value is not None:
        decision = c.mapping(field.key, value, DECISION_KEYS, required=("so",))
        c.date(f"{field.key}.ngay", decision.get("ngay"), at=decision, key="ngay")


def _history(c, field, value):
    for n, change in c.mappings(field.key, value, {"ngay", "loai", "quyet_dinh", "noi_dung"}):
        c.date(f"{field.key}[{n}].ngay", change.get("ngay"), required=True, at=change, key="ngay")
        c.choice(f"{field.key}[{n}].loai", change.get("loai"), CHANGES, at=change, key="loai")


def _source(c, field, value):
    if value is not None:
        source = c.mapping(field.key, value, SOURCE_KEYS)
        c.url(f"{field.key}.dia_chi", source.get("dia_chi"),
              "Ghi địa chỉ trang thủ tục trên Cổng Dịch vụ công quốc gia (https://dichvucong.gov.vn/…), "
              "hoặc nhập lại thủ tục.", source, "dia_chi")


def _verbatim(c, field, value):
    if value is not None:
        c.mapping(field.key, value, {k for k in value if not k.startswith("__")} if isinstance(value, dict) else set())


def _local_fees(c, field, value):
    for n, fee in c.mappings(field.key, value, {"hinh_thuc", "loai", "muc", "can_cu"}, required=("muc",)):
        c.choice(f"{field.key}[{n}].loai", fee.get("loai"), FEE_KINDS, required=False, at=fee, key="loai")
        c.choice(f"{field.key}[{n}].hinh_thuc", fee.get("hinh_thuc"), CHANNELS, required=False, at=fee, key="hinh_thuc")


CHECKS = {schema.OWN_CODE: _own_code, schema.CODE_OF: _code_of, schema.LINE: _text_value, schema.TEXT: _text_value,
          schema.TEXTS: _texts, schema.LEVEL_LIST: _levels, schema.BODIES: _bodies, schema.STEPS: _steps,
          schema.CHANNEL_LIST: _channels, schema.DOCUMENTS: _documents, schema.LEGAL: _legal,
          schema.CHOICE: _choice, schema.DAY: _date, schema.DECISION: _decision, schema.HISTORY: _history,
          schema.SOURCE: _source, schema.VERBATIM: _verbatim, schema.LOCAL_FEES: _local_fees,
          schema.PHONE: _phone, schema.WARD_BODY: _ward_body}


# ---- filling in what a valid record leaves out, by kind --------------------------------------------

def _fill_channels(channels):
    for channel in channels:
        for key in ("thoi_han", "so_ngay", "don_vi", "mo_ta"):
            channel.setdefault(key, "")
        channel.setdefault("phi", None)  # absent = not known (never shown as free); [] = free


def _fill_documents(groups):
    for group in groups:
        group.setdefault("nhom", "")
        for doc in group["giay_to"]:
            doc["bat_buoc"] = _bool(doc.get("bat_buoc"))
            for key in ("ban_chinh", "ban_sao"):
                doc.setdefault(key, "")
            doc.setdefault("mau", [])


def _fill_keys(keys, default=""):
    def fill(items):
        for item in items if isinstance(items, list) else [items] if items else []:
            for key in keys:
                item.setdefault(key, default)
    return fill


FILLS = {schema.CHANNEL_LIST: _fill_channels, schema.DOCUMENTS: _fill_documents,
         schema.DECISION: _fill_keys(DECISION_KEYS), schema.SOURCE: _fill_keys(SOURCE_KEYS),
         schema.STEPS: _fill_keys(("ten",)), schema.LEGAL: _fill_keys(("so",)),
         schema.HISTORY: _fill_keys(("quyet_dinh", "noi_dung"))}


# ---- a record, an overlay ------------------------------------------------------------------------

def _check_fields(c, raw, fields, unknown, unknown_hint):
    for key in raw:
        if not key.startswith("__") and key not in {f.key for f in fields}:
            c.problem(key, unknown, unknown_hint)
    for field in fields:
        if field.required and raw.get(field.key) in (None, "", []):
            c.problem(field.key, "thiếu trường bắt buộc.", "Nhập lại thủ tục từ Cổng Dịch vụ công quốc gia.")
    for field in fields:
        CHECKS[field.kind](c, field, raw.get(field.key))


def _complete(value, fields):
    """The value without the loader's bookkeeping, every field present and filled in by kind."""
    value = _strip_lines(value)
    for field in fields:
        if field.key not in value:
            value[field.key] = field.empty()
        elif field.kind in FILLS:
            FILLS[field.kind](value[field.key])
    return value


def validate(path: str, raw) -> tuple[dict | None, list[Problem]]:
    """(record, problems) for one imported record as loaded by cchc.data.load_yaml. Every value's
    type is checked before it is used, so a wrong one is a problem with its line, never a crash."""
    if not isinstance(raw, dict):
        return None, [Problem(path, line_in(raw), None,
                              f"tệp không phải một bản ghi thủ tục (nhóm khóa: giá trị) mà là {kind_of(raw)}.",
                              "Nhập lại thủ tục từ Cổng Dịch vụ công quốc gia bằng cchc import-procedures.")]
    c = _Checker(path, raw)
    _check_fields(c, raw, schema.FIELDS, "khóa không có trong lược đồ thủ tục.",
                  "Xóa khóa này hoặc nhập lại từ Cổng Dịch vụ công quốc gia.")
    if raw.get("trang_thai") == "bai-bo" and isinstance(raw.get("lich_su"), list) and \
            not any(isinstance(h, dict) and h.get("loai") == "bai-bo" for h in raw["lich_su"]):
        c.problem("lich_su", "thủ tục đã bãi bỏ cần một mục “loai: bai-bo” với quyết định bãi bỏ.")
    if c.problems:
        return None, c.problems
    return _complete(raw, schema.FIELDS), []


def validate_overlay(path: str, raw, bodies=None) -> tuple[dict, list[Problem]]:
    if raw is None or raw == "":
        raw = {}
    if not isinstance(raw, dict):
        return {}, [Problem(path, line_in(raw), None,
                            f"tệp bổ sung của phường phải là một nhóm khóa: giá trị, không phải {kind_of(raw)}.",
                            "Tạo lại tệp bằng cchc new-procedure MÃ rồi điền các khóa.")]
    c = _Checker(path, raw, bodies)
    _check_fields(c, raw, schema.OVERLAY_FIELDS, "khóa không có trong phần bổ sung của phường.",
                  f"Các khóa được dùng: {', '.join(sorted(schema.OVERLAY_BY_KEY))}.")
    if c.problems:
        return {}, c.problems
    return _complete(raw, schema.OVERLAY_FIELDS), []
