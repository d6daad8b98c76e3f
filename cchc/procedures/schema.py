"""The procedure schema: one table of fields, read by validation, both importers, the history and
the templates. Adding a field means adding a row here (and showing it in a template, if it is shown).

A row gives the key (unaccented Vietnamese, like article metadata), its kind (what the validator
checks and the importers produce, see KINDS), the Vietnamese label (history, import notes and the
procedure page), whether a record must have it, and whether a change of it is an amendment
("sửa đổi") in the history and change feed. The table's order is the key order of a written
record. `portal` and `crawl` name the input key a field of a plain kind (line, text, texts,
bodies) is read from in the national portal's JSON and in the public crawl; the other fields are
worked out by cchc.procedures.portal and .crawl. `page_label` is the wording of the procedure page
where it differs from the label.

`page_only` marks a field that only templates show (the procedure's page): no order, group,
finder data, feed, report, sitemap or other step of the build reads it. When only such fields of
a record or of its overlay changed, the preview writes again the pages made from that procedure
(plugins/cchc_procedures, `edit_in_place`) instead of running the build again. A new field is not
page-only until it is marked so: mark it only when nothing but templates read it.
"""

from __future__ import annotations

import dataclasses
import re

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

# What the validator tells apart. The value of each kind, as written in a record:
OWN_CODE = "own_code"      # "1.001193": the national code, equal to the file name
CODE_OF = "code"           # "1.xxxxxx": another procedure's code
LINE = "line"              # one line of text
TEXT = "text"              # text that may hold line breaks
TEXTS = "texts"            # [text, …]
LEVEL_LIST = "levels"      # [xa | tinh | bo | khac, …]
BODIES = "bodies"          # [{ma?, ten}, …]
STEPS = "steps"            # [{ten?, mo_ta}, …]
CHANNEL_LIST = "channels"  # [{hinh_thuc, thoi_han, so_ngay, don_vi, phi: [{loai, muc, mo_ta}], mo_ta}, …]
DOCUMENTS = "documents"    # [{nhom, giay_to: [{ten, ban_chinh, ban_sao, bat_buoc, mau: [{ten, tep}]}]}, …]
LEGAL = "legal"            # [{ten, so}, …]
CHOICE = "choice"          # one key of the field's `choices`
DAY = "date"               # "2026-03-05"
DECISION = "decision"      # {so, ngay, co_quan}
HISTORY = "history"        # [{ngay, loai: moi | sua-doi | thay-the | bai-bo, quyet_dinh, noi_dung}, …]
SOURCE = "source"          # {he_thong: dvcqg | crawl, dia_chi, ma_noi_bo, ngay_nhap}
VERBATIM = "verbatim"      # {crawl or portal key: text that could not be split}
# The ward's overlay only:
LOCAL_FEES = "local_fees"  # [{hinh_thuc?, loai?, muc, can_cu?}, …]
PHONE = "phone"            # a phone number, printed into a tel: link
WARD_BODY = "ward_body"    # a code of content/data/co-quan.yaml

KINDS = {OWN_CODE, CODE_OF, LINE, TEXT, TEXTS, LEVEL_LIST, BODIES, STEPS, CHANNEL_LIST, DOCUMENTS, LEGAL,
         CHOICE, DAY, DECISION, HISTORY, SOURCE, VERBATIM, LOCAL_FEES, PHONE, WARD_BODY}
LIST_KINDS = {TEXTS, LEVEL_LIST, BODIES, STEPS, CHANNEL_LIST, DOCUMENTS, LEGAL, HISTORY, LOCAL_FEES}
MAPPING_KINDS = {DECISION, SOURCE, VERBATIM}

# The parts of a channel an amendment names ("Cách thức thực hiện (thời hạn giải quyết, phí, lệ phí)").
CHANNEL_ASPECTS = (("hình thức nộp", ("hinh_thuc",)), ("thời hạn giải quyết", ("thoi_han", "so_ngay", "don_vi")),
                   ("phí, lệ phí", ("phi",)), ("mô tả", ("mo_ta",)))


@dataclasses.dataclass(frozen=True)
class Field:
    key: str
    kind: str
    label: str
    required: bool = False
    amended: bool = True        # a change of it is recorded as "sửa đổi"
    choices: dict | None = None  # CHOICE: value → Vietnamese label
    portal: str = ""            # input key in the national portal's JSON (plain kinds)
    crawl: str = ""             # input key in the public crawl (plain kinds)
    page_label: str = ""        # the procedure page's wording, when not the label
    page_only: bool = False     # shown on the procedure's page only (see above)

    @property
    def shown_label(self) -> str:
        return self.page_label or self.label

    def empty(self):
        """The value an absent optional field gets, so every record has every field."""
        return [] if self.kind in LIST_KINDS else {} if self.kind in MAPPING_KINDS else ""


F = Field
# An imported record (Nghị định 63/2010/NĐ-CP Điều 8 and the portal's fields), in written order.
FIELDS = (
    F("ma", OWN_CODE, "Mã thủ tục", required=True, amended=False),
    F("ten", LINE, "Tên thủ tục", required=True),
    F("cap_thuc_hien", LEVEL_LIST, "Cấp thực hiện", required=True, page_only=True),
    F("loai", LINE, "Loại thủ tục", crawl="loai_thu_tuc", page_only=True),
    F("linh_vuc", BODIES, "Lĩnh vực", required=True, portal="categoriesDetails", crawl="linh_vuc"),
    F("doi_tuong", TEXTS, "Đối tượng thực hiện", portal="subjectTypesDetails", crawl="doi_tuong_thuc_hien",
      page_only=True),
    F("co_quan_thuc_hien", BODIES, "Cơ quan thực hiện", required=True, portal="departmentsExecuting",
      crawl="co_quan_thuc_hien"),
    F("co_quan_tham_quyen", BODIES, "Cơ quan có thẩm quyền", portal="departmentsAuthority",
      crawl="co_quan_co_tham_quyen", page_label="Cơ quan có thẩm quyền quyết định", page_only=True),
    F("co_quan_uy_quyen", BODIES, "Cơ quan được ủy quyền", portal="departmentsAuthorized",
      crawl="co_quan_duoc_uy_quyen", page_only=True),
    F("co_quan_phoi_hop", BODIES, "Cơ quan phối hợp", portal="departmentsCoordinating", crawl="co_quan_phoi_hop",
      page_only=True),
    F("noi_tiep_nhan", TEXT, "Địa chỉ tiếp nhận hồ sơ", crawl="dia_chi_tiep_nhan", page_label="Nơi nộp hồ sơ",
      page_only=True),
    F("trinh_tu", STEPS, "Trình tự thực hiện", required=True, page_only=True),
    F("cach_thuc", CHANNEL_LIST, "Cách thức thực hiện", required=True,
      page_label="Cách thức nộp, thời hạn giải quyết và phí, lệ phí"),
    F("ho_so", DOCUMENTS, "Thành phần hồ sơ", required=True, page_only=True),
    F("can_cu_phap_ly", LEGAL, "Căn cứ pháp lý", required=True, page_only=True),
    F("yeu_cau_dieu_kien", TEXT, "Yêu cầu, điều kiện", portal="requirementsAndConditions",
      crawl="yeu_cau_dieu_kien", page_only=True),
    F("ket_qua", TEXTS, "Kết quả thực hiện", required=True, portal="resultsDetails", page_only=True),
    F("muc_do_truc_tuyen", CHOICE, "Mức độ trực tuyến", required=True, choices=ONLINE_LEVELS,
      page_label="Mức độ dịch vụ công"),
    F("su_kien_doi_song", TEXTS, "Sự kiện đời sống", portal="serviceGroupsDetails"),
    # The announcing decision: its number changes between snapshots of the national portal.
    F("quyet_dinh_cong_bo", DECISION, "Quyết định công bố", amended=False, page_only=True),
    F("trang_thai", CHOICE, "Trạng thái", required=True, amended=False, choices=STATUSES),
    F("thay_the_boi", CODE_OF, "Thủ tục thay thế", amended=False),
    F("lich_su", HISTORY, "Quá trình công bố, sửa đổi", required=True, amended=False),
    F("ngay_cap_nhat", DAY, "Ngày cập nhật", amended=False, page_only=True),
    F("nguon", SOURCE, "Nguồn dữ liệu", amended=False, page_only=True),
    F("van_ban_chua_tach", VERBATIM, "Văn bản chưa tách",
      page_label="Thông tin khác theo nguyên văn Cổng Dịch vụ công quốc gia", page_only=True),
)
# The ward's additions, content/procedures/dia-phuong/<mã>.yaml (never imported).
OVERLAY_FIELDS = (
    F("phi_dia_phuong", LOCAL_FEES, "Phí, lệ phí của Hải Phòng"),
    F("dia_chi", TEXT, "Nơi nộp hồ sơ", page_only=True),
    F("gio_lam_viec", TEXT, "Giờ làm việc", page_only=True),
    F("dien_thoai", PHONE, "Điện thoại", page_only=True),
    F("ghi_chu", TEXT, "Lưu ý của phường", page_only=True),
    F("co_quan_phuong", WARD_BODY, "Cơ quan của phường"),
)
del F

BY_KEY = {f.key: f for f in FIELDS}
OVERLAY_BY_KEY = {f.key: f for f in OVERLAY_FIELDS}
# What templates print as a field's name: CCHC_PROCEDURE_LABELS["ho_so"] → "Thành phần hồ sơ".
PAGE_LABELS = {f.key: f.shown_label for f in (*FIELDS, *OVERLAY_FIELDS)}


def ordered(record: dict) -> dict:
    """The record's non-empty fields in the table's order (the written order)."""
    return {f.key: record[f.key] for f in FIELDS if record.get(f.key) not in (None, "", [], {})}
