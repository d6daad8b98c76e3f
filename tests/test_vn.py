"""The Vietnamese text rules (cchc.vn): normalisation, folding, order, slugs, dates, numbers."""

import datetime as dt
import unicodedata

import pytest

from cchc import vn


def test_normalize_composes_tone_marks_and_removes_invisible_characters():
    decomposed = "bo\u031b\u0309i"  # "bởi" typed as o + horn + hook above, as in real records
    assert vn.normalize(decomposed) == "bởi"
    assert vn.normalize("đăng k\u200eý\u200b") == "đăng ký"
    assert vn.normalize("\u00d0ăng ký") == "Đăng ký"  # Icelandic eth typed for Đ
    assert vn.normalize("a\u00adb\ufeff") == "ab"
    assert unicodedata.is_normalized("NFC", vn.normalize("Thu\u0309y"))


def test_normalize_line_collapses_spaces():
    assert vn.normalize_line("  Phòng\u00a0Văn hóa \t– Xã hội ") == "Phòng Văn hóa – Xã hội"


def test_problems_describes_what_normalisation_changes():
    assert vn.problems("Đăng ký") == []
    assert len(vn.problems("đăng k\u200eý")) == 1
    assert len(vn.problems("bo\u031b\u0309i")) == 1


@pytest.mark.parametrize("text, folded", [
    ("Đăng ký khai sinh", "dang ky khai sinh"),
    ("ĐƯỜNG", "duong"),
    ("đất đai", "dat dai"),
    ("Thuỷ", "thuy"),
    ("Thủy", "thuy"),
    ("hoà", "hoa"),
    ("hòa", "hoa"),
    ("Uỷ ban", "uy ban"),
])
def test_fold_removes_marks_and_maps_d_with_stroke(text, folded):
    assert vn.fold(text) == folded


def test_fold_makes_old_and_new_tone_placement_equal():
    assert vn.fold("hoà thuỷ") == vn.fold("hòa thủy")
    assert vn.fold_key(" Đăng   Ký ") == vn.fold_key("dang ky")


@pytest.mark.parametrize("text, slug", [
    ("Đăng ký đất đai", "dang-ky-dat-dai"),
    ("110/QĐ-UBND", "110-qd-ubnd"),
    ("1.001193", "1-001193"),
    ("  Chính quyền số, chuyển đổi số! ", "chinh-quyen-so-chuyen-doi-so"),
    ("Hỏi – đáp", "hoi-dap"),
])
def test_slugify_is_ascii(text, slug):
    assert vn.slugify(text) == slug
    assert vn.slugify(text).isascii()


def test_heading_ids_keep_d_with_stroke():
    assert vn.heading_id("Bước 1: Đăng nhập") == "buoc-1-dang-nhap"


def test_vietnamese_alphabetical_order():
    words = ["Zô", "Ư", "Đường", "Ơn", "Ăn", "Dân", "An", "Bảo", "Âm", "Uỷ", "Ô", "O", "Cà"]
    assert vn.sorted_vi(words) == ["An", "Ăn", "Âm", "Bảo", "Cà", "Dân", "Đường", "O", "Ô", "Ơn",
                                   "Uỷ", "Ư", "Zô"]
    # Python's own order puts Đ, Ơ, Ư after Z: the reason the module exists.
    assert sorted(["Đường", "Zô"]) == ["Zô", "Đường"]


def test_tones_are_a_secondary_difference():
    assert vn.sorted_vi(["má", "mà", "ma", "mả", "mạ", "mã", "mạnh"]) == ["ma", "mà", "mả", "mã", "má", "mạ", "mạnh"]


def test_vietnamese_order_is_total():
    """Texts the collation ranks equal (a control character is ignored) are in code point order,
    and items with the same text in the order of `then`: never in the order they came in."""
    assert vn.sort_key("ab") == vn.sort_key("a\x01b")
    for given in (["a\x01b", "ab"], ["ab", "a\x01b"]):
        assert vn.sorted_vi(given) == ["a\x01b", "ab"]
    same = [("Đăng ký khai sinh", "1.000002"), ("Đăng ký khai sinh", "1.000001"), ("Chứng thực", "2.000001")]
    for given in (same, same[::-1]):
        assert vn.sorted_vi(given, key=lambda p: p[0], then=lambda p: p[1]) == [
            ("Chứng thực", "2.000001"), ("Đăng ký khai sinh", "1.000001"), ("Đăng ký khai sinh", "1.000002")]


@pytest.mark.parametrize("date, text", [
    (dt.date(2026, 3, 5), "ngày 05 tháng 3 năm 2026"),
    (dt.date(2026, 1, 22), "ngày 22 tháng 01 năm 2026"),
    (dt.date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
    (dt.date(2026, 11, 26), "ngày 26 tháng 11 năm 2026"),
    (dt.date(2026, 10, 9), "ngày 09 tháng 10 năm 2026"),
])
def test_official_date_style(date, text):
    assert vn.official_date(date) == text


def test_dates_are_shown_in_vietnam_time():
    utc_evening = dt.datetime(2026, 3, 4, 20, 0, tzinfo=dt.timezone.utc)  # 03:00 on 5 March in Hà Nội
    assert vn.short_date(utc_evening) == "05/03/2026"
    assert vn.official_date(utc_evening) == "ngày 05 tháng 3 năm 2026"
    assert vn.iso_date(utc_evening) == "2026-03-05T03:00:00+07:00"
    assert vn.weekday(utc_evening) == "Thứ Năm"


def test_short_date_weekday_quarter_month():
    assert vn.short_date(dt.date(2026, 1, 2)) == "02/01/2026"
    assert vn.weekday(dt.date(2026, 11, 29)) == "Chủ nhật"
    assert vn.weekday(dt.date(2026, 11, 23)) == "Thứ Hai"
    assert vn.quarter(dt.date(2026, 3, 31)) == "Quý I/2026"
    assert vn.quarter(dt.date(2026, 11, 1)) == "Quý IV/2026"
    assert vn.month_label(dt.date(2026, 11, 1)) == "Tháng 11/2026"


def test_numbers_use_vietnamese_separators():
    assert vn.number(1245) == "1.245"
    assert vn.number(2000000) == "2.000.000"
    assert vn.number(96.391, 2) == "96,39"
    assert vn.file_size(2_516_582) == "2,4 MB"
    assert vn.file_size(350_000) == "342 KB"


def test_durations():
    assert vn.duration(275) == "04:35"
    assert vn.duration(3725) == "1:02:05"
    assert vn.duration(31, always_hours=True) == "00:00:31"
