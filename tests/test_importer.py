"""`cchc import-procedures`: the national portal's JSON and the public crawl → content/procedures.

Fixtures in tests/fixtures/dvcqg/ are our own records in the portal's camelCase shape; the 32 real
crawl records are read from shared/corpus/dvcqg-crawl (never copied into the project).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pathlib
import re
import subprocess
import sys
import unicodedata

import pytest
import yaml

from cchc import procedures, vn
from cchc.procedures import clean, files, importer, inputs, schema
from cchc.data import load_yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "dvcqg"
AMENDED = FIXTURES / "sua-doi"
CRAWL = ROOT.parent / "shared" / "corpus" / "dvcqg-crawl"
TODAY = "2026-07-01"
FIXTURE_CODES = ["1.000890", "1.001193", "1.002211", "2.000635"]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "cchc.cli", "import-procedures", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def folder_hash(folder: pathlib.Path) -> str:
    """Every file's path and bytes under folder (a missing folder hashes as empty)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")) if folder.exists() else []:
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def record(folder: pathlib.Path, code: str) -> dict:
    """A written record as load_yaml reads it (booleans restored), after checking it validates."""
    path = folder / f"{code}.yaml"
    raw = load_yaml(str(path))
    _data, problems = procedures.validate(str(path), raw)
    assert not problems, [str(p) for p in problems]
    return _written(raw)


def _written(value):
    if isinstance(value, dict):
        return {k: _written(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [_written(v) for v in value]
    return {"true": True, "false": False}.get(value, value)


def run_import(paths, folder, today=TODAY):
    out, err = _Capture(), _Capture()
    status = importer.import_procedures([str(p) for p in paths], str(folder), today=today, out=out, err=err)
    return status, out.text, err.text


class _Capture:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text


@pytest.fixture
def imported(tmp_path) -> pathlib.Path:
    folder = tmp_path / "procedures"
    status, out, err = run_import([FIXTURES], folder)
    assert status == 0, err
    return folder


# ---- the portal's JSON -----------------------------------------------------------------------

def test_portal_fields_are_mapped_to_the_schema(imported):
    r = record(imported, "1.000890")
    assert r["ten"] == "Thủ tục chứng thực bản sao từ bản chính giấy tờ, văn bản"
    assert r["cap_thuc_hien"] == ["xa", "khac"]
    assert r["loai"] == "TTHC không được luật giao cho địa phương quy định"
    assert r["linh_vuc"] == [{"ma": "G15-TP04", "ten": "Chứng thực"}]
    assert r["doi_tuong"] == ["Công dân Việt Nam", "Tổ chức (không bao gồm doanh nghiệp, HTX)"]
    assert r["co_quan_thuc_hien"] == [{"ma": "UBND_XA", "ten": "Ủy ban nhân dân cấp xã"}]
    assert [s["ten"] for s in r["trinh_tu"]] == ["Bước 1", "Bước 2", "Bước 3"]
    assert r["trinh_tu"][1]["mo_ta"].count("\n") == 1                   # line breaks kept
    assert [c["hinh_thuc"] for c in r["cach_thuc"]] == ["truc-tuyen", "truc-tiep", "buu-chinh"]
    direct = r["cach_thuc"][1]
    assert (direct["thoi_han"], direct["so_ngay"], direct["don_vi"]) == ("01 ngày làm việc", "1", "ngay-lam-viec")
    assert r["ho_so"][0]["nhom"] == "Giấy tờ phải nộp"
    documents = r["ho_so"][0]["giay_to"]
    assert documents[0] == {"ten": "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao",
                            "ban_chinh": "1", "ban_sao": "0", "bat_buoc": True}
    assert documents[1]["bat_buoc"] is False
    assert documents[1]["mau"] == [{"ten": "Mẫu yêu cầu chứng thực.docx",
                                    "tep": "https://dichvucong.gov.vn/mau/yeu-cau-chung-thuc.docx"}]
    assert {b["so"] for b in r["can_cu_phap_ly"]} == {"23/2015/NĐ-CP", "226/2016/TT-BTC"}   # "23/2015/\nNĐ-CP "
    assert r["ket_qua"] == ["Bản sao được chứng thực từ bản chính"]
    assert r["muc_do_truc_tuyen"] == "mot-phan"
    assert r["quyet_dinh_cong_bo"] == {"so": "1234/QĐ-UBND", "ngay": "2025-06-30",
                                       "co_quan": "Ủy ban nhân dân thành phố Hải Phòng"}
    assert r["trang_thai"] == "hieu-luc"
    assert r["lich_su"] == [{"ngay": "2025-06-30", "loai": "moi", "quyet_dinh": "1234/QĐ-UBND"}]
    assert r["nguon"] == {"he_thong": "dvcqg", "ma_noi_bo": "0f3c2a10-5b7e-4c1d-9a6f-2d8e4b1c7a01",
                          "ngay_nhap": TODAY}


def test_online_level_and_life_events(imported):
    assert record(imported, "1.001193")["muc_do_truc_tuyen"] == "toan-trinh"      # isFullProcess
    assert record(imported, "1.002211")["muc_do_truc_tuyen"] == "khong"           # isOfflineOnly
    assert record(imported, "2.000635")["muc_do_truc_tuyen"] == "mot-phan"
    assert record(imported, "1.001193")["su_kien_doi_song"] == ["Khai sinh"]
    # The record's free-text description has no schema field: it is kept verbatim.
    assert record(imported, "1.001193")["van_ban_chua_tach"]["description"].startswith("Thủ tục liên thông")


def test_fees_are_written_the_vietnamese_way(imported):
    online, direct, postal = record(imported, "1.000890")["cach_thuc"]
    assert direct["phi"][0] == {"loai": "le-phi", "muc": "2.000 đồng/trang"}      # "2,000 Việt Nam Đồng"
    assert online["phi"] == [{"loai": "le-phi", "muc": "2.000 đồng/trang"}]       # 2000 + currencyName
    assert direct["phi"][1] == {"loai": "le-phi", "muc": "10 USD", "mo_ta": "Tại cơ quan đại diện Việt Nam ở nước ngoài"}
    assert postal["phi"] == []                                                  # value 0: free, no entry
    assert postal["mo_ta"] == "Miễn phí đối với bản sao phục vụ chế độ chính sách"  # its note is kept
    fees = [c["phi"] for c in record(imported, "2.000635")["cach_thuc"]]
    assert fees[0][0]["muc"] == fees[1][0]["muc"] == "8.000 đồng" and fees[0][0]["loai"] == "phi"


def test_text_is_normalised_on_the_way_in(imported):
    r = record(imported, "1.001193")
    assert r["ten"] == "Thủ tục đăng ký khai sinh"                 # NFD and a LEFT-TO-RIGHT MARK in the source
    assert r["trinh_tu"][0]["mo_ta"] == "Người yêu cầu nộp hồ sơ đăng ký khai sinh trực tuyến hoặc trực tiếp."
    assert r["co_quan_thuc_hien"][0]["ten"] == "Đơn vị tiếp nhận: Trung tâm Phục vụ hành chính công phường"  # Ð, tab
    assert r["doi_tuong"][0] == "Công dân Việt Nam"                 # no-break space and runs of spaces
    assert r["trinh_tu"][1]["mo_ta"] == ("Công chức tư pháp - hộ tịch kiểm tra hồ sơ.\n\n"
                                         "Nếu hồ sơ đầy đủ thì ghi vào Sổ đăng ký khai sinh.")
    assert len(r["trinh_tu"]) == 2                                  # the empty step is dropped
    assert "yeu_cau_dieu_kien" not in r                            # "Không có thông tin" → absent
    for path in imported.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text) and vn.problems(text) == [], path.name


def test_epoch_dates_are_read_as_local_midnights(imported):
    decision_ms = json.loads((FIXTURES / "chung-thuc-ban-sao.json").read_text())["procedureProposal"]["decisionDate"]
    naive_utc = dt.datetime.fromtimestamp(decision_ms / 1000, tz=dt.timezone.utc).date().isoformat()
    assert naive_utc == "2025-06-29"                                 # the trap: the previous day
    assert clean.local_date(decision_ms, "decisionDate") == "2025-06-30"
    r = record(imported, "1.000890")
    assert r["quyet_dinh_cong_bo"]["ngay"] == "2025-06-30"
    assert r["ngay_cap_nhat"] == "2026-03-05"
    assert record(imported, "1.001193")["quyet_dinh_cong_bo"]["ngay"] == "2025-01-02"


def test_codes_quantities_and_dates_stay_text(imported):
    path = imported / "1.000890.yaml"
    raw = load_yaml(str(path))
    assert raw["ma"] == "1.000890"
    assert raw["ho_so"][0]["giay_to"][1]["ban_chinh"] == "010"
    text = path.read_text(encoding="utf-8")
    assert 'ma: "1.000890"' in text and 'ban_chinh: "010"' in text and 'ngay: "2025-06-30"' in text
    # Even a loader that resolves types (safe_load) reads them back as text.
    typed = yaml.safe_load(text)
    assert typed["ma"] == "1.000890" and typed["ho_so"][0]["giay_to"][1]["ban_chinh"] == "010"
    assert typed["lich_su"][0]["ngay"] == "2025-06-30"
    assert text.startswith("# Nhập từ Cổng Dịch vụ công quốc gia bằng cchc import-procedures — không sửa tay; "
                           "phần bổ sung của phường: content/procedures/dia-phuong/1.000890.yaml\n")


def test_every_written_file_validates(imported):
    loaded = procedures.load_all(str(imported))
    assert sorted(p.code for p in loaded) == FIXTURE_CODES
    first_keys = list(load_yaml(str(imported / "1.000890.yaml")))
    written = [k for k in first_keys if not k.startswith("__")]
    assert written == [f.key for f in schema.FIELDS if f.key in written]     # keys in the schema's order


# ---- lifecycle -------------------------------------------------------------------------------

def test_reimport_is_byte_identical(tmp_path):
    folder = tmp_path / "procedures"
    first = cli(FIXTURES, "--into", folder)
    assert first.returncode == 0, first.stderr
    assert "Mới: 4 (1.000890, 1.001193, 1.002211, 2.000635)" in first.stdout
    before = folder_hash(folder)
    second = cli(FIXTURES, "--into", folder)
    assert second.returncode == 0, second.stderr
    assert "Mới: 0" in second.stdout and "Sửa đổi: 0" in second.stdout and "Không đổi: 4" in second.stdout
    assert folder_hash(folder) == before


def test_amendment_keeps_history_and_names_the_changed_fields(tmp_path):
    folder = tmp_path / "procedures"
    assert cli(FIXTURES, "--into", folder).returncode == 0
    result = cli(AMENDED, "--into", folder)
    assert result.returncode == 0, result.stderr
    assert "Sửa đổi: 1 (1.000890: Cách thức thực hiện (phí, lệ phí), Thành phần hồ sơ)" in result.stdout
    assert "Có trong thư mục nhưng không có trong dữ liệu nhập: 3 (1.001193, 1.002211, 2.000635)" in result.stdout
    assert (folder / "1.001193.yaml").exists()                       # only reported, never deleted
    r = record(folder, "1.000890")
    assert r["lich_su"] == [
        {"ngay": "2025-06-30", "loai": "moi", "quyet_dinh": "1234/QĐ-UBND"},
        {"ngay": "2026-06-15", "loai": "sua-doi", "quyet_dinh": "2200/QĐ-UBND",
         "noi_dung": "Thay đổi: Cách thức thực hiện (phí, lệ phí), Thành phần hồ sơ"}]
    assert r["cach_thuc"][1]["phi"][0]["muc"] == "3.000 đồng/trang"
    assert r["quyet_dinh_cong_bo"]["so"] == "2200/QĐ-UBND"
    assert r["ngay_cap_nhat"] == "2026-06-16"
    # Reordered applicants and legal basis, or a legal number's stray spaces, are not changes.
    before = folder_hash(folder)
    again = cli(AMENDED, "--into", folder)
    assert "Không đổi: 1" in again.stdout and folder_hash(folder) == before


def test_a_replacing_decision_is_recorded_as_thay_the(imported, tmp_path):
    data = json.loads((AMENDED / "1.000890.json").read_text(encoding="utf-8"))
    data["procedureProposal"].update(proposalType="REPLACE", proposalNumber="2300/QĐ-UBND")
    source = tmp_path / "thay-the.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    status, out, err = run_import([source], imported)
    assert status == 0, err
    assert record(imported, "1.000890")["lich_su"][-1]["loai"] == "thay-the"


def test_a_content_change_without_a_new_decision_is_dated_today(imported, tmp_path):
    data = json.loads((FIXTURES / "chung-thuc-ban-sao.json").read_text(encoding="utf-8"))
    data["requirementsAndConditions"] = "Bản chính còn nguyên vẹn."
    source = tmp_path / "dieu-kien.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    status, out, err = run_import([source], imported, today="2026-08-01")
    assert status == 0, err
    assert "1.000890: Yêu cầu, điều kiện" in out
    assert record(imported, "1.000890")["lich_su"][-1] == {
        "ngay": "2026-08-01", "loai": "sua-doi", "quyet_dinh": "1234/QĐ-UBND", "noi_dung": "Thay đổi: Yêu cầu, điều kiện"}


def test_the_wards_overlay_is_never_touched(tmp_path):
    folder = tmp_path / "procedures"
    overlay = folder / "dia-phuong" / "1.000890.yaml"
    overlay.parent.mkdir(parents=True)
    overlay.write_text("gio_lam_viec: Sáng 7:30–11:30 từ thứ Hai đến thứ Sáu\n", encoding="utf-8")
    before = overlay.read_bytes()
    assert cli(FIXTURES, "--into", folder).returncode == 0
    assert cli(AMENDED, "--into", folder).returncode == 0
    assert cli("--abolish", "1.000890", "--decision", "2585/QĐ-UBND", "--date", "2026-06-30",
               "--into", folder).returncode == 0
    assert overlay.read_bytes() == before
    assert sorted(p.name for p in overlay.parent.iterdir()) == ["1.000890.yaml"]
    assert procedures.load_all(str(folder))[0].local["gio_lam_viec"].startswith("Sáng")


def test_abolition_is_recorded_and_survives_a_reimport(tmp_path):
    folder = tmp_path / "procedures"
    assert cli(FIXTURES, "--into", folder).returncode == 0
    result = cli("--abolish", "2.000635", "--decision", "2585/QĐ-UBND", "--date", "2026-06-30",
                 "--replaced-by", "1.001193", "--into", folder)
    assert result.returncode == 0, result.stderr
    assert "Bãi bỏ: 2.000635 theo Quyết định số 2585/QĐ-UBND ngày 30/06/2026; thủ tục thay thế: 1.001193" in result.stdout
    r = record(folder, "2.000635")
    assert r["trang_thai"] == "bai-bo" and r["thay_the_boi"] == "1.001193"
    assert r["lich_su"][-1] == {"ngay": "2026-06-30", "loai": "bai-bo", "quyet_dinh": "2585/QĐ-UBND",
                                "noi_dung": "Bãi bỏ thủ tục; thay thế bằng thủ tục 1.001193"}
    assert [p.code for p in procedures.load_all(str(folder)) if p.abolished] == ["2.000635"]
    before = folder_hash(folder)
    again = cli("--abolish", "2.000635", "--decision", "2585/QĐ-UBND", "--date", "2026-06-30",
                "--replaced-by", "1.001193", "--into", folder)
    assert again.returncode == 0 and "Không đổi" in again.stdout and folder_hash(folder) == before
    # A stale national record does not undo the abolition; an abolished code is not "missing".
    reimport = cli(FIXTURES / "chung-thuc-ban-sao.json", "--into", folder)
    assert "Có trong thư mục nhưng không có trong dữ liệu nhập: 2 (1.001193, 1.002211)" in reimport.stdout
    assert cli(FIXTURES, "--into", folder).returncode == 0 and folder_hash(folder) == before


@pytest.mark.parametrize("args, message", [
    (["--abolish", "1.999999", "--decision", "1/QĐ-UBND"], "không có thủ tục 1.999999"),
    (["--abolish", "2.000635", "--decision", "1/QĐ-UBND", "--replaced-by", "1.999999"], "chưa có trong thư mục"),
    (["--abolish", "2.000635", "--decision", "1/QĐ-UBND", "--date", "30/06/2026"], "năm-tháng-ngày"),
    (["--abolish", "2.635", "--decision", "1/QĐ-UBND"], "không đúng dạng"),
])
def test_a_wrong_abolition_changes_nothing(tmp_path, args, message):
    folder = tmp_path / "procedures"
    assert cli(FIXTURES, "--into", folder).returncode == 0
    before = folder_hash(folder)
    result = cli(*args, "--into", folder)
    assert result.returncode == 1 and message in result.stderr
    assert folder_hash(folder) == before


def test_dry_run_prints_the_report_and_writes_nothing(tmp_path):
    folder = tmp_path / "procedures"
    result = cli(FIXTURES, "--into", folder, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "Mới: 4" in result.stdout and "Chạy thử (--dry-run): không ghi tệp nào." in result.stdout
    assert not folder.exists()
    assert cli(FIXTURES, "--into", folder).returncode == 0
    before = folder_hash(folder)
    assert cli(AMENDED, "--into", folder, "--dry-run").returncode == 0
    assert folder_hash(folder) == before


# ---- bad input -------------------------------------------------------------------------------

def _portal(**changes) -> dict:
    data = json.loads((FIXTURES / "chung-thuc-ban-sao.json").read_text(encoding="utf-8"))
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


BAD_INPUTS = {
    "khong-phai-json": ("{ “code”: 1.000890 ", "không phải JSON hợp lệ"),
    "sai-dang": (json.dumps("một đoạn chữ"), "tệp phải chứa một bản ghi thủ tục"),
    "khong-nhan-ra": (json.dumps({"ma": "1.000890", "ten": "Thủ tục"}), "không nhận ra định dạng"),
    "thieu-ma": (json.dumps(_portal(code=None), ensure_ascii=False), "thiếu mã thủ tục"),
    "thieu-ten": (json.dumps(_portal(name=None), ensure_ascii=False), "thiếu tên"),
    "ma-sai": (json.dumps(_portal(code="1.000890.000.00.00.H29"), ensure_ascii=False), "không đúng dạng d.dddddd"),
    "danh-sach-co-ban-ghi-loi": (json.dumps([_portal(code="1.000777"), _portal(code="1000890")], ensure_ascii=False),
                                 "bản ghi thứ 2: mã “1000890” không đúng dạng"),
    "trung-ma": (json.dumps(_portal(name="Thủ tục chứng thực chữ ký"), ensure_ascii=False),
                 "mã 1.000890 có hai bản ghi khác nhau"),
    "sai-kieu": (json.dumps(_portal(executionMethods={"submissionMethod": "DIRECT"}), ensure_ascii=False),
                 "executionMethods phải là một danh sách"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_stops_the_import_and_writes_nothing(tmp_path, case):
    text, message = BAD_INPUTS[case]
    folder = tmp_path / "procedures"
    assert cli(FIXTURES, "--into", folder).returncode == 0
    before = folder_hash(folder)
    bad = tmp_path / "nhap" / f"{case}.json"
    bad.parent.mkdir()
    bad.write_text(text, encoding="utf-8")
    # The good amended record in the same run is not written either.
    result = cli(AMENDED, bad, "--into", folder)
    assert result.returncode == 1, result.stdout
    assert f"{case}.json" in result.stderr and message in result.stderr, result.stderr
    assert "Không nhập được" in result.stderr and "chưa ghi tệp nào" in result.stderr
    assert folder_hash(folder) == before
    assert not list(folder.glob(".*tmp"))


def test_a_missing_path_is_bad_input(tmp_path):
    result = cli(tmp_path / "khong-co.json", "--into", tmp_path / "procedures")
    assert result.returncode == 1 and "không tìm thấy tệp hoặc thư mục" in result.stderr
    assert not (tmp_path / "procedures").exists()


def test_writes_go_through_a_temporary_file(tmp_path, monkeypatch):
    replaced = []
    real_replace = files.os.replace
    monkeypatch.setattr(files.os, "replace", lambda a, b: (replaced.append((a, b)), real_replace(a, b)))
    status, out, err = run_import([FIXTURES], tmp_path)
    assert status == 0, err
    assert len(replaced) == 4
    assert all(pathlib.Path(a).parent == tmp_path and pathlib.Path(a).name.startswith(".") for a, _ in replaced)


# ---- the public crawl: the 32 real records ---------------------------------------------------

class CorpusFolder(pathlib.PosixPath):
    """The folder the corpus was imported into, with the import report."""

    report = ""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> CorpusFolder:
    folder = CorpusFolder(tmp_path_factory.mktemp("crawl") / "procedures")
    status, out, err = run_import([CRAWL], folder)
    assert status == 0, err
    folder.report = out
    return folder


def crawl_records() -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(CRAWL.glob("*.json")) if not path.name.startswith("_")}


def test_all_32_crawl_records_import_and_validate(corpus):
    assert len(crawl_records()) == 32
    loaded = procedures.load_all(str(corpus))
    assert sorted(p.code for p in loaded) == sorted(crawl_records())
    assert "Mới: 32" in corpus.report and "Sửa đổi: 0" in corpus.report and "Không đổi: 0" in corpus.report


def test_crawl_output_is_nfc_without_invisible_marks(corpus):
    hazards = [code for code, raw in crawl_records().items() if vn.problems(json.dumps(raw, ensure_ascii=False))]
    assert len(hazards) >= 13                                       # the corpus does carry them
    for path in corpus.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), path.name
        assert "\u200e" not in text and vn.problems(text) == [], path.name


# Table labels, the page's UI text and cell values re-encoded as fields (times, amounts, quantities);
# then levels, channel words, a code cell's kind before its number, upper-case document numbers and
# punctuation used as list markers. Everything between them must survive.
LABELS = re.compile("|".join([
    r"Khôngcóthôngtin", r"Hìnhthứcnộp", r"Thờigian", r"Phí,lệphí", r"Môtả", r"Têngiấytờ", r"Mẫuđơn,tờkhai",
    r"Sốlượng", r"Tênvănbảnpháplý", r"Mãvănbản", r"Từkhóa", r"Mã:KQ\.[A-Z0-9.]*\d", r"Chọncơquanthựchiện.*",
    r"\d+(?:[.,]\d+)?(?:Ngàylàmviệc|Ngày)", r"Miễnphí", r"\d[\d.,]*(?:ViệtNamĐồng|VNĐ|USD)", r"\d+bản(?:chính|sao)",
]), re.S)
RE_ENCODED = re.compile("|".join([
    r"Cấp(?:xã|tỉnh|bộ)", r"Cơquankhác", r"Trựctuyến", r"Trựctiếp", r"Dịchvụbưuchính",
    r"(?i:Thôngtư|Nghịđịnh|Nghịquyết|Quyếtđịnh|Bộluật|Luật)(?:liêntịch)?(?:số)?(?=\d)",
    r"Bước\d+", r"[A-Z0-9ĐƯ/.-]{3,}", r"[-–+*():;.,/\x00]",
]))


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", vn.normalize(text))


def test_no_crawl_text_is_lost(corpus):
    """Every non-placeholder field of every crawl record is found, piece by piece, in a structured
    field or in van_ban_chua_tach (whitespace ignored)."""
    lost = []
    for code, raw in crawl_records().items():
        data = load_yaml(str(corpus / f"{code}.yaml"))
        haystack = "\x00".join(_squeeze(s) for s in _strings(data))
        for key, value in raw.items():
            if key == "raw_text" or not value or vn.fold_key(value) == "khong co thong tin":
                continue
            for piece in RE_ENCODED.split(LABELS.sub("\x00", _squeeze(value))):
                if len(piece) >= 4 and piece not in haystack:
                    lost.append((code, key, piece[:80]))
    assert not lost, lost[:10]


def test_crawl_tables_are_split(corpus):
    r = record(corpus, "1.004222")
    fees = {c["hinh_thuc"]: [f["muc"] for f in c["phi"]] for c in r["cach_thuc"]}
    assert fees == {"truc-tuyen": ["10.000 đồng"], "truc-tiep": ["20.000 đồng"]}
    assert r["cach_thuc"][0]["thoi_han"] == "07 ngày làm việc" and r["cach_thuc"][0]["so_ngay"] == "7"
    assert [s["ten"] for s in r["trinh_tu"]] == ["Bước 1", "Bước 2", "Bước 3", "Bước 4", "Bước 5"]
    assert len(r["ho_so"]) == 8 and r["ho_so"][0]["nhom"].startswith("Đăng ký thường trú vào chỗ ở hợp pháp")
    assert record(corpus, "2.000815")["cach_thuc"][0]["phi"][0]["muc"] == "2.000 đồng/trang"
    assert record(corpus, "1.001193")["cach_thuc"][0]["phi"] == []                   # "Miễn phí"
    assert "phi" not in record(corpus, "1.002693")["cach_thuc"][0]                   # fee unknown
    legal = {b["so"]: b["ten"] for b in record(corpus, "1.001193")["can_cu_phap_ly"]}
    assert legal["60/2014/QH13"] == "Luật 60/2014/QH13"                              # "Luật 60/2014/QH1360/2014/QH13"
    assert legal["85/2019/TT-BTC"].endswith("thành phố trực thuộc Trung ương")
    assert legal["03/2023/TT-BTP"] == "Thông tư số 03/2023/TT-BTP ngày 02/8/2023 của Bộ trưởng Bộ Tư pháp"
    assert {b["so"] for b in record(corpus, "1.004222")["can_cu_phap_ly"]} >= {"68/2020/QH14", "154/2024/NĐ-CP"}
    assert record(corpus, "1.001193")["ket_qua"] == ["Giấy khai sinh"]               # cut before "Mã: KQ…"
    assert len(record(corpus, "1.004194")["ket_qua"]) == 4


def test_crawl_fallbacks_and_verbatim_text(corpus):
    khai_sinh = record(corpus, "1.001193")
    assert khai_sinh["co_quan_thuc_hien"] == [{"ten": "Ủy ban nhân dân cấp xã"}]      # "Không có thông tin"
    assert "1.001193: không có cơ quan thực hiện; ghi chung “Ủy ban nhân dân cấp xã”" in corpus.report
    assert record(corpus, "1.003677")["van_ban_chua_tach"] == {
        "ket_qua_xu_ly": "Từ khóaKhai báo tạm vắngMô tảKhông có thông tin"}
    assert "Thực hiện thủ tục hành chính theo cơ chế một cửa" in \
        record(corpus, "1.012753")["van_ban_chua_tach"]["can_cu_phap_ly"]              # "…/NĐ-CQuy định": a typo
    # The crawler cut 1.001613 at "(Thành phần hồ sơ)" inside step 1; the page text restores it.
    bhxh = record(corpus, "1.001613")
    assert [s["ten"] for s in bhxh["trinh_tu"]] == ["Bước 1", "Bước 2", "Bước 3"]
    assert any(g.get("nhom") == "1. Trường hợp hưởng BHXH một lần" for g in bhxh["ho_so"])
    assert record(corpus, "1.001193")["nguon"]["dia_chi"].startswith("https://dichvucong.gov.vn/thu-tuc-hanh-chinh/")
    assert record(corpus, "1.001193")["lich_su"] == [{"ngay": TODAY, "loai": "moi", "quyet_dinh": "163/QĐ-BTP"}]


def test_crawl_online_level_rule(corpus):
    assert record(corpus, "1.001193")["muc_do_truc_tuyen"] == "mot-phan"             # has "Trực tuyến"
    assert record(corpus, "1.011607")["muc_do_truc_tuyen"] == "khong"                # post and in person only
    raw = crawl_records()["1.001193"]
    raw["yeu_cau_dieu_kien"] = "Thủ tục được thực hiện trực tuyến toàn trình."
    assert inputs.parse_record(raw, "1.001193.json").record["muc_do_truc_tuyen"] == "toan-trinh"


def test_crawl_reimport_is_idempotent(corpus):
    before = folder_hash(corpus)
    status, out, err = run_import([CRAWL], corpus, today="2027-01-01")
    assert status == 0, err
    assert "Không đổi: 32" in out and folder_hash(corpus) == before
