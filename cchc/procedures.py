"""Administrative-procedure records: the schema, loading, validation and the local overlay.

One YAML file per procedure, content/procedures/<mã>.yaml (e.g. 1.001193.yaml), written by
`cchc import-procedures` from the national portal's record — never edited by hand. What the ward
adds lives in content/procedures/dia-phuong/<mã>.yaml (the overlay) and is merged at build time;
a re-import never touches it. Keys are unaccented Vietnamese, like article metadata.

Record (imported) — every component of Nghị định 63/2010/NĐ-CP Điều 8 and the portal's fields:

    ma: "1.001193"                      national code, text (required; equals the file name)
    ten: Thủ tục đăng ký khai sinh      name (required)
    cap_thuc_hien: [xa]                 levels: xa, tinh, bo, khac (required, ≥1)
    loai: TTHC được giao …              kind, as the portal words it
    linh_vuc: [{ma: G15-TP07, ten: Hộ tịch}]            fields (required, ≥1; ma optional)
    doi_tuong: [Công dân Việt Nam, …]                   who may apply
    co_quan_thuc_hien: [{ma, ten}]      executing bodies (required, ≥1)
    co_quan_tham_quyen / co_quan_uy_quyen / co_quan_phoi_hop: [{ma, ten}]
    noi_tiep_nhan: text                 where to submit
    trinh_tu: [{ten: Bước 1, mo_ta: …}] steps (required, ≥1)
    cach_thuc:                          channels (required, ≥1), each with its own time and fees
      - hinh_thuc: truc-tuyen | truc-tiep | buu-chinh
        thoi_han: "05 ngày làm việc"    as shown; so_ngay: "5"; don_vi: ngay-lam-viec | ngay | khac
        phi: [{loai: phi | le-phi, muc: "8.000 đồng" | "", mo_ta: …}]   empty list = miễn phí
        mo_ta: text
    ho_so:                              document groups (required, ≥1)
      - nhom: Giấy tờ phải nộp
        giay_to: [{ten, ban_chinh: "1", ban_sao: "0", bat_buoc: true|false,
                   mau: [{ten: Tờ khai…, tep: https://…}]}]
    can_cu_phap_ly: [{ten, so: 60/2014/QH13}]           legal basis (required, ≥1)
    yeu_cau_dieu_kien: text
    ket_qua: [Giấy khai sinh]           results (required, ≥1)
    muc_do_truc_tuyen: toan-trinh | mot-phan | khong     (required)
    su_kien_doi_song: [Khai sinh]       life events
    quyet_dinh_cong_bo: {so, ngay: "2025-06-30", co_quan}   the announcing decision
    trang_thai: hieu-luc | bai-bo       (required)
    thay_the_boi: "1.xxxxxx"            the replacing procedure, for an abolished one
    lich_su: [{ngay, loai: moi | sua-doi | thay-the | bai-bo, quyet_dinh, noi_dung}]  (required, ≥1)
    ngay_cap_nhat: "2026-03-05"         last change of the national record
    nguon: {he_thong: dvcqg | crawl, dia_chi, ma_noi_bo, ngay_nhap}
    van_ban_chua_tach: {khoa: text}     crawl text that could not be split, kept verbatim

Overlay (local, optional): phi_dia_phuong: [{hinh_thuc?, loai, muc, can_cu}], dia_chi, gio_lam_viec,
dien_thoai, ghi_chu, co_quan_phuong: <mã in content/data/co-quan.yaml>.

All scalars are read as text (BaseLoader): "1.000890" never becomes a float, "010" never 8. Every
value's type is checked (a list where text is expected is a problem with its line, not a crash).
Addresses printed into links — ho_so[].giay_to[].mau[].tep and nguon.dia_chi — must be absolute
http(s) addresses (safe_url); the overlay's dien_thoai, printed into a tel: link, a phone number.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import os
import re
from urllib.parse import urlsplit

from . import vn
from .data import kind_of, line_in, load_yaml, shown
from .errors import ContentError, Problem

CODE = re.compile(r"^\d\.\d{6}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
OVERLAY_DIR = "dia-phuong"

LEVELS = {"xa": "Cấp xã", "tinh": "Cấp tỉnh", "bo": "Cấp bộ", "khac": "Cơ quan khác"}
CHANNELS = {"truc-tuyen": "Trực tuyến", "truc-tiep": "Trực tiếp", "buu-chinh": "Dịch vụ bưu chính"}
FEE_KINDS = {"phi": "Phí", "le-phi": "Lệ phí"}
ONLINE_LEVELS = {"toan-trinh": "Trực tuyến toàn trình", "mot-phan": "Trực tuyến một phần",
                 "khong": "Không trực tuyến"}
STATUSES = {"hieu-luc": "Đang có hiệu lực", "bai-bo": "Đã bãi bỏ"}
CHANGES = {"moi": "Mới ban hành", "sua-doi": "Sửa đổi, bổ sung", "thay-the": "Thay thế", "bai-bo": "Bãi bỏ"}
DAY_UNITS = {"ngay-lam-viec": "ngày làm việc", "ngay": "ngày", "khac": ""}

REQUIRED = ["ma", "ten", "cap_thuc_hien", "linh_vuc", "co_quan_thuc_hien", "trinh_tu", "cach_thuc",
            "ho_so", "can_cu_phap_ly", "ket_qua", "muc_do_truc_tuyen", "trang_thai", "lich_su"]
KNOWN = set(REQUIRED) | {"loai", "doi_tuong", "co_quan_tham_quyen", "co_quan_uy_quyen", "co_quan_phoi_hop",
                         "noi_tiep_nhan", "yeu_cau_dieu_kien", "su_kien_doi_song", "quyet_dinh_cong_bo",
                         "thay_the_boi", "ngay_cap_nhat", "nguon", "van_ban_chua_tach"}
OVERLAY_KNOWN = {"phi_dia_phuong", "dia_chi", "gio_lam_viec", "dien_thoai", "ghi_chu", "co_quan_phuong"}
# Optional fields absent from a record get these values, so every record has every field.
LIST_FIELDS = {"doi_tuong", "co_quan_tham_quyen", "co_quan_uy_quyen", "co_quan_phoi_hop", "su_kien_doi_song"}
DICT_FIELDS = {"quyet_dinh_cong_bo", "nguon", "van_ban_chua_tach"}


@dataclasses.dataclass
class Procedure:
    """A validated record merged with its overlay; templates read its fields directly."""

    code: str
    data: dict
    local: dict
    source: str

    def __getattr__(self, item):
        try:
            return self.__dict__["data"][item]
        except KeyError:
            raise AttributeError(item) from None

    @property
    def name(self) -> str:
        return self.data["ten"]

    @property
    def slug(self) -> str:
        """"1-001193-dang-ky-khai-sinh": the code first, so an amended name keeps the page findable."""
        name = re.sub(r"^thu tuc\s+", "", vn.fold_key(self.name))
        words = vn.slugify(name).split("-")[:8]
        return f"{vn.slugify(self.code)}-{'-'.join(words)}".strip("-")

    @property
    def abolished(self) -> bool:
        return self.data["trang_thai"] == "bai-bo"

    @property
    def online_label(self) -> str:
        return ONLINE_LEVELS[self.data["muc_do_truc_tuyen"]]

    @property
    def fields_of_work(self) -> list[str]:
        return [f["ten"] for f in self.data["linh_vuc"]]

    @property
    def history(self) -> list[dict]:
        """Changes, newest first."""
        return sorted(self.data["lich_su"], key=lambda h: h["ngay"], reverse=True)

    @property
    def last_change(self) -> dict:
        return self.history[0]


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

    def __init__(self, path: str, raw: dict):
        self.path, self.raw, self.problems = path, raw, []
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


def validate(path: str, raw) -> tuple[dict | None, list[Problem]]:
    """(record, problems) for one imported record as loaded by cchc.data.load_yaml. Every value's
    type is checked before it is used, so a wrong one is a problem with its line, never a crash."""
    if not isinstance(raw, dict):
        return None, [Problem(path, line_in(raw), None,
                              f"tệp không phải một bản ghi thủ tục (nhóm khóa: giá trị) mà là {kind_of(raw)}.",
                              "Nhập lại thủ tục từ Cổng Dịch vụ công quốc gia bằng cchc import-procedures.")]
    c = _Checker(path, raw)
    for key in raw:
        if not key.startswith("__") and key not in KNOWN:
            c.problem(key, "khóa không có trong lược đồ thủ tục.", "Xóa khóa này hoặc nhập lại từ Cổng Dịch vụ công quốc gia.")
    for key in REQUIRED:
        if raw.get(key) in (None, "", []):
            c.problem(key, "thiếu trường bắt buộc.", "Nhập lại thủ tục từ Cổng Dịch vụ công quốc gia.")
    code = raw.get("ma")
    c.text("ma", code)
    expected = os.path.splitext(os.path.basename(path))[0]
    if _text(code) and code and not CODE.match(code):
        c.problem("ma", f"mã “{shown(code)}” không đúng dạng d.dddddd (ví dụ 1.001193).")
    elif _text(code) and code and code != expected:
        c.problem("ma", f"mã “{code}” khác tên tệp “{expected}”.", f"Đổi tên tệp thành {code}.yaml.")
    for key in ("ten", "loai", "noi_tiep_nhan", "yeu_cau_dieu_kien", "thay_the_boi"):
        c.text(key, raw.get(key))
    for n, level in enumerate(c.items("cap_thuc_hien", raw.get("cap_thuc_hien"))):
        c.choice(f"cap_thuc_hien[{n}]", level, LEVELS, at=raw, key="cap_thuc_hien", index=n)
    for key in ("linh_vuc", "co_quan_thuc_hien", "co_quan_tham_quyen", "co_quan_uy_quyen", "co_quan_phoi_hop"):
        c.mappings(key, raw.get(key), {"ma", "ten"}, required=("ten",))
    for key in ("doi_tuong", "ket_qua", "su_kien_doi_song"):
        c.texts(key, raw.get(key))
    c.mappings("trinh_tu", raw.get("trinh_tu"), {"ten", "mo_ta"}, required=("mo_ta",))
    channels = c.mappings("cach_thuc", raw.get("cach_thuc"),
                          {"hinh_thuc", "thoi_han", "so_ngay", "don_vi", "phi", "mo_ta"},
                          required=("hinh_thuc",), nested=("phi",))
    for n, channel in channels:
        where = f"cach_thuc[{n}]"
        c.choice(f"{where}.hinh_thuc", channel.get("hinh_thuc"), CHANNELS, at=channel, key="hinh_thuc")
        c.choice(f"{where}.don_vi", channel.get("don_vi"), DAY_UNITS, required=False, at=channel, key="don_vi")
        days = channel.get("so_ngay")
        if _text(days) and days and not re.match(r"^\d+(,\d+)?$", days):
            c.problem(f"{where}.so_ngay", f"“{shown(days)}” không phải số ngày.", "", channel, "so_ngay")
        for m, fee in c.mappings(f"{where}.phi", channel.get("phi"), {"loai", "muc", "mo_ta"}, at=channel, key="phi"):
            c.choice(f"{where}.phi[{m}].loai", fee.get("loai"), FEE_KINDS, at=fee, key="loai")
    for n, group in c.mappings("ho_so", raw.get("ho_so"), {"nhom", "giay_to"}, nested=("giay_to",)):
        where = f"ho_so[{n}]"
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
    c.mappings("can_cu_phap_ly", raw.get("can_cu_phap_ly"), {"ten", "so"}, required=("ten",))
    c.choice("muc_do_truc_tuyen", raw.get("muc_do_truc_tuyen"), ONLINE_LEVELS)
    c.choice("trang_thai", raw.get("trang_thai"), STATUSES)
    successor = raw.get("thay_the_boi")
    if _text(successor) and successor and not CODE.match(successor):
        c.problem("thay_the_boi", f"mã “{shown(successor)}” không đúng dạng d.dddddd.")
    c.date("ngay_cap_nhat", raw.get("ngay_cap_nhat"))
    if raw.get("quyet_dinh_cong_bo") is not None:
        decision = c.mapping("quyet_dinh_cong_bo", raw["quyet_dinh_cong_bo"], {"so", "ngay", "co_quan"}, required=("so",))
        c.date("quyet_dinh_cong_bo.ngay", decision.get("ngay"), at=decision, key="ngay")
    for n, change in c.mappings("lich_su", raw.get("lich_su"), {"ngay", "loai", "quyet_dinh", "noi_dung"}):
        c.date(f"lich_su[{n}].ngay", change.get("ngay"), required=True, at=change, key="ngay")
        c.choice(f"lich_su[{n}].loai", change.get("loai"), CHANGES, at=change, key="loai")
    if raw.get("nguon") is not None:
        source = c.mapping("nguon", raw["nguon"], {"he_thong", "dia_chi", "ma_noi_bo", "ngay_nhap"})
        c.url("nguon.dia_chi", source.get("dia_chi"),
              "Ghi địa chỉ trang thủ tục trên Cổng Dịch vụ công quốc gia (https://dichvucong.gov.vn/…), "
              "hoặc nhập lại thủ tục.", source, "dia_chi")
    unsplit = raw.get("van_ban_chua_tach")
    if unsplit is not None:
        c.mapping("van_ban_chua_tach", unsplit, {k for k in unsplit if not k.startswith("__")} if isinstance(unsplit, dict) else set())
    if raw.get("trang_thai") == "bai-bo" and isinstance(raw.get("lich_su"), list) and \
            not any(isinstance(h, dict) and h.get("loai") == "bai-bo" for h in raw["lich_su"]):
        c.problem("lich_su", "thủ tục đã bãi bỏ cần một mục “loai: bai-bo” với quyết định bãi bỏ.")
    if c.problems:
        return None, c.problems
    record = _strip_lines(raw)
    for key in KNOWN - set(record):
        record[key] = [] if key in LIST_FIELDS else ({} if key in DICT_FIELDS else "")
    for channel in record["cach_thuc"]:
        for key in ("thoi_han", "so_ngay", "don_vi", "mo_ta"):
            channel.setdefault(key, "")
        channel.setdefault("phi", None)  # absent = not known (never shown as free); [] = free
    for group in record["ho_so"]:
        group.setdefault("nhom", "")
        for doc in group["giay_to"]:
            doc["bat_buoc"] = _bool(doc.get("bat_buoc"))
            for key in ("ban_chinh", "ban_sao"):
                doc.setdefault(key, "")
            doc.setdefault("mau", [])
    for key, fields in (("quyet_dinh_cong_bo", ("so", "ngay", "co_quan")),
                        ("nguon", ("he_thong", "dia_chi", "ma_noi_bo", "ngay_nhap"))):
        if record[key]:
            for field in fields:
                record[key].setdefault(field, "")
    for step in record["trinh_tu"]:
        step.setdefault("ten", "")
    for basis in record["can_cu_phap_ly"]:
        basis.setdefault("so", "")
    for change in record["lich_su"]:
        change.setdefault("quyet_dinh", "")
        change.setdefault("noi_dung", "")
    return record, []


def validate_overlay(path: str, raw, bodies=None) -> tuple[dict, list[Problem]]:
    if raw is None or raw == "":
        raw = {}
    if not isinstance(raw, dict):
        return {}, [Problem(path, line_in(raw), None,
                            f"tệp bổ sung của phường phải là một nhóm khóa: giá trị, không phải {kind_of(raw)}.",
                            "Tạo lại tệp bằng cchc new-procedure MÃ rồi điền các khóa.")]
    c = _Checker(path, raw)
    for key in raw:
        if not key.startswith("__") and key not in OVERLAY_KNOWN:
            c.problem(key, "khóa không có trong phần bổ sung của phường.", f"Các khóa được dùng: {', '.join(sorted(OVERLAY_KNOWN))}.")
    for key in ("dia_chi", "gio_lam_viec", "dien_thoai", "ghi_chu", "co_quan_phuong"):
        c.text(key, raw.get(key))
    phone = raw.get("dien_thoai")
    if _text(phone) and phone and not PHONE.match(phone.strip()):
        c.problem("dien_thoai", f"số điện thoại “{shown(phone)}” chỉ được có chữ số, dấu cách và các dấu + . - ( ) "
                                "(số này được đặt vào liên kết gọi điện tel:).",
                  "Ví dụ: dien_thoai: 0220 3882 116; ghi chú thêm (giờ nghe máy, người trực) viết vào “ghi_chu”.")
    for n, fee in c.mappings("phi_dia_phuong", raw.get("phi_dia_phuong"), {"hinh_thuc", "loai", "muc", "can_cu"},
                             required=("muc",)):
        c.choice(f"phi_dia_phuong[{n}].loai", fee.get("loai"), FEE_KINDS, required=False, at=fee, key="loai")
        c.choice(f"phi_dia_phuong[{n}].hinh_thuc", fee.get("hinh_thuc"), CHANNELS, required=False, at=fee, key="hinh_thuc")
    office = raw.get("co_quan_phuong")
    if _text(office) and office and bodies is not None and bodies.get(office) is None:
        c.problem("co_quan_phuong", f"cơ quan “{shown(office)}” không có trong co-quan.yaml.",
                  f"Dùng một mã trong: {bodies.choices()}.")
    if c.problems:
        return {}, c.problems
    local = _strip_lines(raw)
    for key in OVERLAY_KNOWN - set(local):
        local[key] = [] if key == "phi_dia_phuong" else ""
    return local, []


def load_all(folder: str, bodies=None) -> list[Procedure]:
    """Every record of the folder with its overlay; raises ContentError listing every problem."""
    procedures, problems = [], []
    if not os.path.isdir(folder):
        return []
    overlay_dir = os.path.join(folder, OVERLAY_DIR)
    codes = set()
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if not name.endswith((".yaml", ".yml")) or not os.path.isfile(path):
            continue
        # The code is there even when its record is refused: its overlay is checked all the same
        # and is not reported as belonging to no procedure.
        codes.add(os.path.splitext(name)[0])
        record = None
        try:
            record, found = validate(path, load_yaml(path))
            problems.extend(found)
        except ContentError as error:
            problems.extend(error.problems)
        local, _ = validate_overlay("", None)
        overlay = os.path.join(overlay_dir, name)
        if os.path.exists(overlay):
            try:
                local, found = validate_overlay(overlay, load_yaml(overlay), bodies)
                problems.extend(found)
            except ContentError as error:
                problems.extend(error.problems)
        if record is not None:
            procedures.append(Procedure(record["ma"], record, local, path))
    if os.path.isdir(overlay_dir):
        for name in sorted(os.listdir(overlay_dir)):
            if name.endswith((".yaml", ".yml")) and os.path.splitext(name)[0] not in codes:
                problems.append(Problem(os.path.join(overlay_dir, name), None, None,
                                        f"không có thủ tục {os.path.splitext(name)[0]} để bổ sung.",
                                        "Kiểm tra mã thủ tục trong tên tệp."))
    for procedure in procedures:
        successor = procedure.data.get("thay_the_boi")
        if successor and successor not in codes:
            problems.append(Problem(procedure.source, None, "thay_the_boi",
                                    f"thủ tục thay thế {successor} không có trong content/procedures/."))
    if problems:
        raise ContentError(problems)
    return procedures
