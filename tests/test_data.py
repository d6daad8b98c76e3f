"""The taxonomy files in content/data/ (cchc.data): read as text, cross-checked, clear errors."""

import pathlib
import shutil

import pytest

from cchc import data
from cchc.errors import ContentError

from conftest import ROOT

DATA = ROOT / "content" / "data"


def copy_data(tmp_path) -> pathlib.Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def test_project_data_follows_the_plan():
    site = data.load(str(DATA))
    assert [t.code for t in site.tasks] == ["01", "02", "03", "04", "05", "06"]
    assert [a.code for a in site.areas] == list("abcd") + ["đ"] + list("eghiklmn")
    assert {f.code for f in site.forms} == {"tin", "bai", "anh", "video", "phong-su", "am-thanh"}
    assert 6 <= len(site.categories) <= 9
    # Every content area of the plan belongs to a chuyên mục, and every chuyên mục to some area.
    covered = {letter for c in site.categories for letter in c.noi_dung}
    assert covered == {a.code for a in site.areas}
    assert site.plan["so"] == "110/QĐ-UBND"
    assert site.plan["ngay"] == "2026-01-22"  # text, not a date object


def test_lookup_by_code_name_or_other_spelling():
    site = data.load(str(DATA))
    assert site.bodies.get("vhxh").name == "Phòng Văn hóa – Xã hội"
    assert site.bodies.get("Phòng Văn hóa-Xã hội").code == "vhxh"
    assert site.bodies.get("phong van hoa - xa hoi").code == "vhxh"
    assert site.bodies.get("Uỷ ban nhân dân phường Chí Linh").code == "ubnd"
    assert site.forms.get("Âm thanh").code == "am-thanh"
    assert site.categories.get("thu tuc hanh chinh va dich vu cong").code == "thu-tuc-dich-vu-cong"
    assert site.bodies.get("Sở Tư pháp") is None


def test_content_area_d_with_stroke_is_not_d():
    site = data.load(str(DATA))
    assert site.areas.get("đ").code == "đ"
    assert site.areas.get("d").code == "d"
    assert site.areas.get("đ") is not site.areas.get("d")


def test_values_stay_text(tmp_path):
    folder = copy_data(tmp_path)
    text = (folder / "ke-hoach.yaml").read_text(encoding="utf-8")
    (folder / "ke-hoach.yaml").write_text(text.replace('so: "01"', "so: 01"), encoding="utf-8")
    site = data.load(str(folder))
    assert site.tasks.get("01") is not None  # YAML 1.1 would have read 01 as the integer 1


def test_malformed_yaml_names_file_and_line(tmp_path):
    folder = copy_data(tmp_path)
    path = folder / "hinh-thuc.yaml"
    path.write_text("- ma: tin\n  ten: Tin\n - ma: bai\n", encoding="utf-8")
    with pytest.raises(ContentError) as error:
        data.load(str(folder))
    message = str(error.value)
    assert "hinh-thuc.yaml, dòng 3" in message
    assert "sai cú pháp" in message


def test_duplicate_code_and_unknown_body_are_reported_together(tmp_path):
    folder = copy_data(tmp_path)
    forms = folder / "hinh-thuc.yaml"
    forms.write_text(forms.read_text(encoding="utf-8") + "- ma: tin\n  ten: Tin vắn\n", encoding="utf-8")
    plan = folder / "ke-hoach.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("chu_tri: ttdvsnc", "chu_tri: so-tu-phap"),
                    encoding="utf-8")
    with pytest.raises(ContentError) as error:
        data.load(str(folder))
    problems = [str(p) for p in error.value.problems]
    assert any("hinh-thuc.yaml" in p and "mã “tin” trùng" in p for p in problems)
    assert any("ke-hoach.yaml" in p and "cơ quan “so-tu-phap”" in p for p in problems)


@pytest.mark.parametrize("old, new, taken", [
    ("  mo_ta: Hướng dẫn làm thủ tục,", "  mo_ta: Hướng dẫn chi tiết cách làm thủ tục,", True),  # a description
    ("  ten: Chủ trương, chính sách\n", "  ten: Chủ trương và chính sách\n", False),             # a name
    ("  noi_dung: [a, d, đ]\n", "  noi_dung: [a, đ]\n", False),                                  # its areas
    ("- ma: to-chuc-bo-may\n", "- ma: tin-phuong\n  ten: Tin của phường\n- ma: to-chuc-bo-may\n", False),  # a new one
    ("# Chuyên mục", "# Các chuyên mục\n# Chuyên mục", False),                                     # every line moves
])
def test_an_edit_of_descriptions_only_is_told_apart(tmp_path, old, new, taken):
    """The preview takes in place an edit of fields only templates show (cchc.data.SHOWN_ONLY):
    changes_in_place names the entries it changes, and None for any other edit."""
    folder = copy_data(tmp_path)
    before = data.load(str(folder))
    path = folder / "chuyen-muc.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    found = data.changes_in_place(before, data.load(str(folder)))
    if taken:
        changed, renamed = found
        assert [(entry.code, now.fields["mo_ta"][:30]) for entry, now, _fields in changed] == [
            ("thu-tuc-dich-vu-cong", "Hướng dẫn chi tiết cách làm th")] and not renamed
    else:
        assert found is None


def test_an_edit_of_names_is_taken_in_place_only_when_no_lookup_made_finds_another_entry(tmp_path, monkeypatch):
    """A cơ quan's short name and other spellings (cchc.data.NAMES_ONLY) name it for lookups: an
    edit of them is taken in place when no lookup this process made would find another entry, or
    none, or one where it found none."""
    monkeypatch.setattr(data, "ASKED", {})  # (the lookups of this test only)
    folder = copy_data(tmp_path)
    before = data.load(str(folder))
    path = folder / "co-quan.yaml"
    text = path.read_text("utf-8")

    def edited(old, new):
        assert old in text
        path.write_text(text.replace(old, new, 1), "utf-8")
        return data.changes_in_place(before, data.load(str(folder)))

    short = ("  ten_ngan: Phòng KT-HT-ĐT\n", "  ten_ngan: Phòng KT–HT–ĐT\n")
    changed, renamed = edited(*short)
    assert [entry.code for entry, _now, _fields in changed] == ["kthtdt"] and renamed == {"bodies"}
    assert before.bodies.get("Phòng KT-HT-ĐT").code == "kthtdt"  # a lookup of the old short name…
    assert edited(*short) is None                                  # …which would now find nothing
    other = ("  ten_khac: [HĐND phường Chí Linh]\n", "  ten_khac: [HĐND phường Chí Linh, Hội đồng nhân dân phường]\n")
    assert edited(*other)[1] == {"bodies"}
    assert before.bodies.get("Hội đồng nhân dân phường") is None  # asked, found nothing…
    assert edited(*other) is None                                   # …and would now find the HĐND
    assert edited("  ten: Hội đồng nhân dân phường Chí Linh\n", "  ten: HĐND phường\n") is None  # (a name: a run)


def test_a_new_reading_keeps_the_entries_that_did_not_change(tmp_path):
    folder = copy_data(tmp_path)
    before = data.load(str(folder))
    path = folder / "co-quan.yaml"
    path.write_text(path.read_text("utf-8").replace("  ten_ngan: HĐND phường\n", "  ten_ngan: HĐND P. Chí Linh\n", 1),
                    "utf-8")
    after = data.load(str(folder))
    data.keep_entries(before, after)
    assert all(a is b for a, b in zip(before.categories, after.categories))
    assert after.categories.get("Chủ trương, chính sách") is before.categories.get("Chủ trương, chính sách")
    hdnd = after.bodies.get("hdnd")
    assert hdnd is not before.bodies.get("hdnd") and hdnd.ten_ngan == "HĐND P. Chí Linh"
    assert after.bodies.get("ubnd") is before.bodies.get("ubnd")
