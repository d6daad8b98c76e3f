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

All scalars are read as text (BaseLoader): "1.000890" never becomes a float, "010" never 8.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re

from . import vn
from .data import load_yaml
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


class _Checker:
    def __init__(self, path: str, raw: dict):
        self.path, self.raw, self.problems = path, raw, []
        self.lines = raw.get("__lines__", {}) if isinstance(raw, dict) else {}

    def problem(self, field, message, hint=""):
        top = field.split(".")[0].split("[")[0]
        self.problems.append(Problem(self.path, self.lines.get(top), field, message, hint))

    def text(self, field, value, required=False):
        if value is None or value == "":
            if required:
                self.problem(field, "thiếu giá trị.", "Nhập lại thủ tục từ Cổng Dịch vụ công quốc gia.")
            return
        if not _text(value):
            self.problem(field, f"phải là chữ, không phải {type(value).__name__}.")

    def choice(self, field, value, choices, required=True):
        if value in (None, "") and not required:
            return
        if value not in choices:
            self.problem(field, f"giá trị “{value}” không hợp lệ.", f"Dùng một trong: {', '.join(choices)}.")

    def date(self, field, value, required=False):
        if value in (None, "") and not required:
            return
        if not _text(value) or not DATE.match(value):
            self.problem(field, f"ngày “{value}” phải viết dạng năm-tháng-ngày (2026-03-05).")
            return
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            self.problem(field, f"ngày “{value}” không có thật.")

    def items(self, field, value, required=False):
        """A list (of dicts or texts); reports and returns [] when it is not."""
        if value in (None, "", []):
            if required:
                self.problem(field, "cần ít nhất một mục.", "Nhập lại thủ tục từ Cổng Dịch vụ công quốc gia.")
            return []
        if not isinstance(value, list):
            self.problem(field, "phải là một danh sách (mỗi mục bắt đầu bằng “- ”).")
            return []
        return value

    def mapping(self, field, value, keys, required=()):
        if not isinstance(value, dict):
            self.problem(field, "phải là một nhóm khóa: giá trị.")
            return {}
        for key in value:
            if key.startswith("__"):
                continue
            if key not in keys:
                self.problem(f"{field}.{key}", "khóa không có trong lược đồ.", f"Các khóa được dùng: {', '.join(sorted(keys))}.")
        for key in required:
            self.text(f"{field}.{key}", value.get(key), required=True)
        return value


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
    """(record, problems) for one imported record as loaded by cchc.data.load_yaml."""
    if not isinstance(raw, dict):
        return None, [Problem(path, None, None, "tệp không phải một bản ghi thủ tục (nhóm khóa: giá trị).")]
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
    if _text(code) and not CODE.match(code):
        c.problem("ma", f"mã “{code}” không đúng dạng d.dddddd (ví dụ 1.001193).")
    elif _text(code) and code != expected:
        c.problem("ma", f"mã “{code}” khác tên tệp “{expected}”.", f"Đổi tên tệp thành {code}.yaml.")
    c.text("ten", raw.get("ten"))
    for n, level in enumerate(c.items("cap_thuc_hien", raw.get("cap_thuc_hien"))):
        c.choice(f"cap_thuc_hien[{n}]", level, LEVELS)
    for key in ("linh_vuc", "co_quan_thuc_hien", "co_quan_tham_quyen", "co_quan_uy_quyen", "co_quan_phoi_hop"):
        for n, item in enumerate(c.items(key, raw.get(key))):
            c.mapping(f"{key}[{n}]", item, {"ma", "ten"}, required=("ten",))
    for n, item in enumerate(c.items("doi_tuong", raw.get("doi_tuong"))):
        c.text(f"doi_tuong[{n}]", item, required=True)
    for n, step in enumerate(c.items("trinh_tu", raw.get("trinh_tu"))):
        c.mapping(f"trinh_tu[{n}]", step, {"ten", "mo_ta"}, required=("mo_ta",))
    for n, channel in enumerate(c.items("cach_thuc", raw.get("cach_thuc"))):
        where = f"cach_thuc[{n}]"
        channel = c.mapping(where, channel, {"hinh_thuc", "thoi_han", "so_ngay", "don_vi", "phi", "mo_ta"},
                            required=("hinh_thuc",))
        c.choice(f"{where}.hinh_thuc", channel.get("hinh_thuc"), CHANNELS)
        c.choice(f"{where}.don_vi", channel.get("don_vi"), DAY_UNITS, required=False)
        if channel.get("so_ngay") not in (None, "") and not re.match(r"^\d+(,\d+)?$", str(channel.get("so_ngay"))):
            c.problem(f"{where}.so_ngay", f"“{channel.get('so_ngay')}” không phải số ngày.")
        for m, fee in enumerate(c.items(f"{where}.phi", channel.get("phi"))):
            fee = c.mapping(f"{where}.phi[{m}]", fee, {"loai", "muc", "mo_ta"})
            c.choice(f"{where}.phi[{m}].loai", fee.get("loai"), FEE_KINDS)
    for n, group in enumerate(c.items("ho_so", raw.get("ho_so"))):
        where = f"ho_so[{n}]"
        group = c.mapping(where, group, {"nhom", "giay_to"})
        for m, doc in enumerate(c.items(f"{where}.giay_to", group.get("giay_to"), required=True)):
            doc = c.mapping(f"{where}.giay_to[{m}]", doc, {"ten", "ban_chinh", "ban_sao", "bat_buoc", "mau"},
                            required=("ten",))
            for qty in ("ban_chinh", "ban_sao"):
                if doc.get(qty) not in (None, "") and not str(doc.get(qty)).isdigit():
                    c.problem(f"{where}.giay_to[{m}].{qty}", f"“{doc.get(qty)}” không phải số lượng.")
            if doc.get("bat_buoc") not in (None, "") and _bool(doc.get("bat_buoc")) is None:
                c.problem(f"{where}.giay_to[{m}].bat_buoc", "phải là true hoặc false.")
            for k, form in enumerate(c.items(f"{where}.giay_to[{m}].mau", doc.get("mau"))):
                c.mapping(f"{where}.giay_to[{m}].mau[{k}]", form, {"ten", "tep"}, required=("ten",))
    for n, basis in enumerate(c.items("can_cu_phap_ly", raw.get("can_cu_phap_ly"))):
        c.mapping(f"can_cu_phap_ly[{n}]", basis, {"ten", "so"}, required=("ten",))
    for n, result in enumerate(c.items("ket_qua", raw.get("ket_qua"))):
        c.text(f"ket_qua[{n}]", result, required=True)
    for n, event in enumerate(c.items("su_kien_doi_song", raw.get("su_kien_doi_song"))):
        c.text(f"su_kien_doi_song[{n}]", event, required=True)
    c.choice("muc_do_truc_tuyen", raw.get("muc_do_truc_tuyen"), ONLINE_LEVELS)
    c.choice("trang_thai", raw.get("trang_thai"), STATUSES)
    for key in ("loai", "noi_tiep_nhan", "yeu_cau_dieu_kien", "thay_the_boi"):
        c.text(key, raw.get(key))
    if raw.get("thay_the_boi") and not CODE.match(str(raw.get("thay_the_boi"))):
        c.problem("thay_the_boi", f"mã “{raw.get('thay_the_boi')}” không đúng dạng d.dddddd.")
    c.date("ngay_cap_nhat", raw.get("ngay_cap_nhat"))
    if raw.get("quyet_dinh_cong_bo") is not None:
        decision = c.mapping("quyet_dinh_cong_bo", raw["quyet_dinh_cong_bo"], {"so", "ngay", "co_quan"}, required=("so",))
        c.date("quyet_dinh_cong_bo.ngay", decision.get("ngay"))
    for n, change in enumerate(c.items("lich_su", raw.get("lich_su"))):
        change = c.mapping(f"lich_su[{n}]", change, {"ngay", "loai", "quyet_dinh", "noi_dung"})
        c.date(f"lich_su[{n}].ngay", change.get("ngay"), required=True)
        c.choice(f"lich_su[{n}].loai", change.get("loai"), CHANGES)
    if raw.get("nguon") is not None:
        c.mapping("nguon", raw["nguon"], {"he_thong", "dia_chi", "ma_noi_bo", "ngay_nhap"})
    if raw.get("van_ban_chua_tach") is not None:
        c.mapping("van_ban_chua_tach", raw["van_ban_chua_tach"], set(raw["van_ban_chua_tach"]))
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
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        return {}, [Problem(path, None, None, "tệp bổ sung của phường phải là một nhóm khóa: giá trị.")]
    c = _Checker(path, raw)
    for key in raw:
        if not key.startswith("__") and key not in OVERLAY_KNOWN:
            c.problem(key, "khóa không có trong phần bổ sung của phường.", f"Các khóa được dùng: {', '.join(sorted(OVERLAY_KNOWN))}.")
    for key in ("dia_chi", "gio_lam_viec", "dien_thoai", "ghi_chu"):
        c.text(key, raw.get(key))
    for n, fee in enumerate(c.items("phi_dia_phuong", raw.get("phi_dia_phuong"))):
        fee = c.mapping(f"phi_dia_phuong[{n}]", fee, {"hinh_thuc", "loai", "muc", "can_cu"}, required=("muc",))
        c.choice(f"phi_dia_phuong[{n}].loai", fee.get("loai"), FEE_KINDS, required=False)
        c.choice(f"phi_dia_phuong[{n}].hinh_thuc", fee.get("hinh_thuc"), CHANNELS, required=False)
    if raw.get("co_quan_phuong") and bodies is not None and bodies.get(raw["co_quan_phuong"]) is None:
        c.problem("co_quan_phuong", f"cơ quan “{raw['co_quan_phuong']}” không có trong co-quan.yaml.",
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
        try:
            raw = load_yaml(path)
        except ContentError as error:
            problems.extend(error.problems)
            continue
        record, found = validate(path, raw)
        problems.extend(found)
        if record is None:
            continue
        local, _ = validate_overlay("", None)
        overlay = os.path.join(overlay_dir, name)
        if os.path.exists(overlay):
            try:
                local, found = validate_overlay(overlay, load_yaml(overlay), bodies)
                problems.extend(found)
            except ContentError as error:
                problems.extend(error.problems)
        codes.add(record["ma"])
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
