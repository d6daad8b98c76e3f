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
