"""Hostile YAML and data (issue 14, TRUST.md rules 5 and 7): anchors, aliases, merge keys and tags
are refused by the one loader of every content, data, procedure and overlay file before anything is
built from them; a wrong type is a Vietnamese message with file, line and key, never a traceback;
addresses printed into links (form files, the national portal's page) are absolute http(s) only.

Site cases use the hostile-input harness (tests/hostile.py): the build refuses naming the file and
line, the previous output is untouched and nothing from outside content/ is published. One site is
built once for the whole module; each case writes its files, builds, and takes them away again.
"""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess
import time

import pytest

from cchc import data, procedures
from cchc.procedures import history, inputs
from cchc.errors import ContentError

from conftest import ROOT
from hostile import CCHC, HostileSite, digest

RECORD = ROOT / "content" / "procedures" / "1.001193.yaml"
OVERLAY = ROOT / "content" / "procedures" / "dia-phuong" / "1.001193.yaml"
PORTAL_JSON = ROOT / "sample-data" / "dvcqg" / "1.001193.json"
FORM_URL = "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/bieu-mau/To-khai-dang-ky-khai-sinh.docx"

# Spellings of a script address: entities, case, whitespace, other script-capable schemes.
SCRIPT_LINKS = ["javascript&#58;alert(1)", "jav&#x61;script:alert(1)", " javascript:alert(1)",
                "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
                "java\tscript:alert(1)", "&#106;avascript:alert(1)", "javascript&amp;#58;alert(1)",
                "//evil.example/x.docx", "https&#58;//evil.example/", "\u200bjavascript:alert(1)"]


def billion_laughs(key_indent: str = "  ", levels: int = 10) -> str:
    """The classic YAML bomb: each level refers nine times to the one before (9^10 strings)."""
    lines = [f'{key_indent}l0: &l0 ["ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha"]']
    for n in range(1, levels):
        refs = ", ".join([f"*l{n - 1}"] * 9)
        lines.append(f"{key_indent}l{n}: &l{n} [{refs}]")
    return "\n".join(lines) + "\n"


def line_of(text: str, fragment: str) -> int:
    return text[:text.index(fragment)].count("\n") + 1


def yaml_quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)   # a JSON string is a YAML double-quoted scalar


# ---- the site -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shared_site(tmp_path_factory) -> HostileSite:
    return HostileSite(tmp_path_factory.mktemp("hostile-yaml"))


@pytest.fixture
def site(shared_site):
    """The module's site; what a case writes under content/ is put back afterwards."""
    content = shared_site.content
    saved = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}
    yield shared_site
    for path in sorted(content.rglob("*"), reverse=True):
        if path.is_file() and path not in saved:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()) and path != content:
            path.rmdir()
    for path, body in saved.items():
        if path.read_bytes() != body:
            path.write_bytes(body)
    shared_site.previous = digest(shared_site.output)   # whatever a failed case left behind


def write(site: HostileSite, rel: str, text: str) -> tuple[pathlib.Path, str]:
    path = site.content / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path, text


def record_text(replace: dict | None = None, append: str = "") -> str:
    text = RECORD.read_text(encoding="utf-8")
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text + append


def build_within(site: HostileSite, seconds: int, monkeypatch):
    """site.build() with its subprocess limited to `seconds` (a hang fails the test, not the run)."""
    real_run = subprocess.run

    def limited(*args, **kwargs):
        kwargs["timeout"] = seconds
        return real_run(*args, **kwargs)

    monkeypatch.setattr(subprocess, "run", limited)
    started = time.monotonic()
    result = site.build()
    monkeypatch.setattr(subprocess, "run", real_run)
    return result, time.monotonic() - started


# ---- anchors, aliases, merge keys, tags -----------------------------------------------------------

def test_alias_bomb_in_van_ban_chua_tach_is_refused_at_once(site, monkeypatch):
    """9^10 strings (about 6.8 GB once expanded) under a key that takes any mapping: refused at
    the first anchor, in well under a second, with file and line."""
    bomb = "van_ban_chua_tach:\n" + billion_laughs()
    _path, text = write(site, "procedures/1.001193.yaml", record_text(append=bomb))
    started = time.monotonic()
    with pytest.raises(ContentError) as error:
        procedures.load_all(str(site.content / "procedures"))
    assert time.monotonic() - started < 1
    assert "neo/bí danh YAML" in str(error.value)

    result, seconds = build_within(site, 60, monkeypatch)
    log = site.assert_refused(result, f"procedures/1.001193.yaml, dòng {line_of(text, '&l0')}:",
                              "tệp dùng neo/bí danh YAML (&, *), định dạng của phường không dùng",
                              "“&l0”", "Cách sửa:")
    assert seconds < 60
    assert log.count("neo/bí danh") == 1    # refused before anything was built from the file


def test_alias_in_a_data_file(site):
    path = site.content / "data" / "chuyen-muc.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  noi_dung: [m]", "  noi_dung: &chung [m]", 1).replace("  noi_dung: [n]", "  noi_dung: *chung", 1)
    path.write_text(text, encoding="utf-8")
    site.assert_refused(site.build(), f"data/chuyen-muc.yaml, dòng {line_of(text, '&chung')}:",
                        "neo/bí danh YAML", "“&chung”")


def test_merge_key_in_the_plan(site):
    path = site.content / "data" / "ke-hoach.yaml"
    text = path.read_text(encoding="utf-8").replace(
        '  - so: "02"\n', '  - so: "02"\n    <<: {chu_tri: vhxh, phoi_hop: [lien-quan]}\n', 1)
    path.write_text(text, encoding="utf-8")
    site.assert_refused(site.build(), f"data/ke-hoach.yaml, dòng {line_of(text, '<<')}:", "khóa gộp YAML “<<”")


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/name:os.system", "!ten-rieng", "!!str"])
def test_tags_are_refused_in_loader(tag):
    text = f"ma: \"1.001193\"\nten: {tag} [\"touch /tmp/da-bi-tan-cong\"]\n"
    with pytest.raises(ContentError) as error:
        data.parse_yaml(text, "thu.yaml")
    message = str(error.value)
    assert "thu.yaml, dòng 2: tệp dùng thẻ kiểu YAML" in message and tag in message


def test_python_object_tag_in_a_record(site):
    canary = site.root / "da-bi-tan-cong"
    tagged = f'!!python/object/apply:os.system ["touch {canary}"]'
    _path, text = write(site, "procedures/1.001193.yaml",
                        record_text({"loai: TTHC được giao luật quy định chi tiết": f"loai: {tagged}"}))
    site.assert_refused(site.build(), f"procedures/1.001193.yaml, dòng {line_of(text, '!!python')}:",
                        "thẻ kiểu YAML “!!python/object/apply:os.system”")
    assert not canary.exists()


@pytest.mark.parametrize("text, fragment, line", [
    ("a: &x 1\nb: *x\n", "“&x”", 1),
    ("a: [1]\nb: *nowhere\n", "“*nowhere”", 2),
    ("- &a {ma: x}\n", "“&a”", 1),
    ("a:\n  <<: {b: 1}\n", "khóa gộp YAML “<<”", 2),
    ("a: " + "[" * 200 + "]" * 200 + "\n", "lồng nhau quá", 1),
])
def test_loader_refusals_name_the_line(text, fragment, line):
    for lines in (True, False):     # the line-keeping loader and the importer's plain one
        with pytest.raises(ContentError) as error:
            data.parse_yaml(text, "thu.yaml", lines=lines)
        assert f"thu.yaml, dòng {line}:" in str(error.value) and fragment in str(error.value)


def test_loader_keeps_lines_and_text():
    loaded = data.parse_yaml('ma: "01"\nds:\n  - a\n  - {b: "2026-01-22"}\n', "thu.yaml")
    assert loaded["ma"] == "01" and loaded["ds"][1]["b"] == "2026-01-22"
    assert loaded["__lines__"] == {"ma": 1, "ds": 2} and loaded["ds"].lines == [3, 4]
    assert loaded["ds"][1]["__line__"] == 4


def test_importer_refuses_an_existing_record_with_an_alias_bomb(tmp_path):
    folder = tmp_path / "procedures"
    folder.mkdir()
    (folder / "1.001193.yaml").write_text(record_text(append="van_ban_chua_tach:\n" + billion_laughs()),
                                          encoding="utf-8")
    result = subprocess.run([*CCHC, "import-procedures", str(PORTAL_JSON), "--into", str(folder), "--dry-run"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "1.001193.yaml, dòng" in result.stderr and "tệp hiện có: tệp dùng neo/bí danh YAML" in result.stderr


# ---- wrong types ----------------------------------------------------------------------------------

def test_nested_list_in_a_data_file(site):
    path = site.content / "data" / "chuyen-muc.yaml"
    text = path.read_text(encoding="utf-8").replace("noi_dung: [m]", "noi_dung: [[m]]", 1)
    path.write_text(text, encoding="utf-8")
    site.assert_refused(site.build(), f"data/chuyen-muc.yaml, dòng {line_of(text, '[[m]]')}, khóa “noi_dung”: "
                                      "mục thứ 1 của danh sách phải là chữ, không phải một danh sách.", "Cách sửa:")


def test_wrong_types_in_the_plan(site):
    path = site.content / "data" / "ke-hoach.yaml"
    text = (path.read_text(encoding="utf-8")
            .replace("    phoi_hop: [ttdvsnc, lien-quan]", "    phoi_hop: ttdvsnc", 1)
            .replace("    thoi_gian: Quý I/2026", "    thoi_gian:\n      quy: I\n      nam: 2026", 1)
            .replace("trich_yeu: Ban hành", "trich_yeu:\n  - Ban hành", 1)
            .replace('ngay: "2026-01-22"', "ngay:", 1)
            .replace("    ten: Tổ chức xây dựng các chuyên đề", "    ten: {a: b}\n    mo_ta: Tổ chức xây dựng các chuyên đề", 1))
    path.write_text(text, encoding="utf-8")
    site.assert_refused(
        site.build(),
        f"ke-hoach.yaml, dòng {line_of(text, 'phoi_hop: ttdvsnc')}, khóa “phoi_hop”: phải là một danh sách, không phải chữ.",
        "ví dụ “phoi_hop: [ttdvsnc]”",
        f"ke-hoach.yaml, dòng {line_of(text, 'thoi_gian:')}, khóa “thoi_gian”: phải là chữ (một giá trị), "
        "không phải một nhóm khóa: giá trị.",
        f"ke-hoach.yaml, dòng {line_of(text, 'trich_yeu:')}, khóa “trich_yeu”: phải là chữ",
        f"ke-hoach.yaml, dòng {line_of(text, 'ngay:')}, khóa “ngay”: thiếu giá trị bắt buộc",
        f"ke-hoach.yaml, dòng {line_of(text, 'ten: {a: b}')}, khóa “ten”: phải là chữ")


def test_wrong_types_in_an_overlay(site):
    write(site, "procedures/1.001193.yaml", record_text())
    overlay = (OVERLAY.read_text(encoding="utf-8")
               .replace("co_quan_phuong: tthcc", "co_quan_phuong: [tthcc]")
               .replace("dien_thoai: 0220 3882 116", "dien_thoai:\n  - 0220 3882 116\n  - 0220 3882 117")
               + "phi_dia_phuong:\n  muc: 8.000 đồng\n")
    _path, text = write(site, "procedures/dia-phuong/1.001193.yaml", overlay)
    site.assert_refused(
        site.build(),
        f"dia-phuong/1.001193.yaml, dòng {line_of(text, 'co_quan_phuong')}, khóa “co_quan_phuong”: phải là chữ",
        f"dia-phuong/1.001193.yaml, dòng {line_of(text, 'dien_thoai')}, khóa “dien_thoai”: phải là chữ",
        f"dia-phuong/1.001193.yaml, dòng {line_of(text, 'phi_dia_phuong')}, khóa “phi_dia_phuong”: "
        "phải là một danh sách")


def test_wrong_types_in_a_record(site):
    _path, text = write(site, "procedures/1.001193.yaml", record_text({
        "- xa\n": "- [xa]\n",
        "  thoi_han: 01 ngày làm việc\n": "  thoi_han: {so: 1}\n",
        "    ban_chinh: \"1\"\n": "    ban_chinh:\n    - \"1\"\n",
        "  so: 04/2020/TT-BTP": "  so: [04/2020/TT-BTP]",
    }, append="van_ban_chua_tach:\n  mo_ta: [a, b]\n"))
    site.assert_refused(
        site.build(),
        f"1.001193.yaml, dòng {line_of(text, '- [xa]')}, khóa “cap_thuc_hien[0]”: phải là chữ (một giá trị), không phải một danh sách.",
        f"1.001193.yaml, dòng {line_of(text, 'thoi_han: {')}, khóa “cach_thuc[0].thoi_han”: phải là chữ",
        f"1.001193.yaml, dòng {line_of(text, 'ban_chinh:')}, khóa “ho_so[0].giay_to[0].ban_chinh”: phải là chữ",
        f"1.001193.yaml, dòng {line_of(text, 'so: [04')}, khóa “can_cu_phap_ly[0].so”: phải là chữ",
        f"1.001193.yaml, dòng {line_of(text, 'mo_ta: [a, b]')}, khóa “van_ban_chua_tach.mo_ta”: phải là chữ")


DATA_VALUES = [[["m"]], {"a": "b"}, ""]


def _strip(value):
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _paths(value, here=()):
    yield here
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield from _paths(child, (*here, key))


def _replaced(document, path, value):
    document = json.loads(json.dumps(document))
    if not path:
        return value
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return document


def test_every_value_of_the_data_files_replaced_by_a_wrong_type_is_a_message(tmp_path):
    """A small fuzz: each value of each data file, then of a record and its overlay, replaced in turn
    by a nested list, a mapping, an empty value or a list; loading either succeeds or raises
    ContentError naming the file — never another exception."""
    import yaml

    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "data", folder / "data")
    (folder / "procedures" / "dia-phuong").mkdir(parents=True)
    shutil.copy(RECORD, folder / "procedures")
    shutil.copy(OVERLAY, folder / "procedures" / "dia-phuong")
    files = [f"data/{p.name}" for p in sorted((folder / "data").glob("*.yaml"))]
    files += ["procedures/1.001193.yaml", "procedures/dia-phuong/1.001193.yaml"]
    bodies = data.load(str(folder / "data")).bodies
    tried = 0
    for rel in files:
        path = folder / rel
        original = path.read_text(encoding="utf-8")
        document = _strip(data.parse_yaml(original, rel))
        # Every kind of position: the first two items of each list stand for the others.
        paths = [p for p in _paths(document) if not any(isinstance(k, int) and k >= 2 for k in p)]
        for where in paths:
            for value in DATA_VALUES:
                path.write_text(yaml.safe_dump(_replaced(document, where, value), allow_unicode=True), encoding="utf-8")
                try:
                    if rel.startswith("data/"):
                        data._load.cache_clear()
                        data.load(str(folder / "data"))
                    else:
                        procedures.load_all(str(folder / "procedures"), bodies)
                except ContentError as error:
                    assert all(p.path.startswith(str(folder)) and p.message for p in error.problems), error
                tried += 1
        path.write_text(original, encoding="utf-8")
    data._load.cache_clear()
    assert tried > 400


# ---- addresses printed into links ----------------------------------------------------------------

@pytest.mark.parametrize("url", SCRIPT_LINKS + ["", "https://", "http://:80/", "https://x:abc/", "ftp://x/y",
                                                  "/media/mau.docx", "mau.docx", "https://a.example/\x00",
                                                  'https://a.example/"onmouseover="alert(1)', "https://a.example/<script>",
                                                  "https://a.example/&quot;onmouseover=&quot;alert(1)"])
def test_safe_url_refuses_everything_but_plain_http(url):
    assert not procedures.safe_url(url)


@pytest.mark.parametrize("url", [FORM_URL, "http://dichvucong.gov.vn/a.docx", "HTTPS://Example.vn/a?b=1&c=2",
                                 "https://haiphong.gov.vn/Mẫu đơn.docx"])
def test_safe_url_accepts_absolute_http(url):
    assert procedures.safe_url(url)


def test_script_links_in_a_record_and_its_source(site):
    forms = "".join(f"    - ten: Mẫu {n}\n      tep: {yaml_quoted(url)}\n" for n, url in enumerate(SCRIPT_LINKS))
    _path, text = write(site, "procedures/1.001193.yaml", record_text({
        f"    - ten: To-khai-dang-ky-khai-sinh.docx\n      tep: {FORM_URL}\n": forms,
        "  he_thong: dvcqg\n": "  he_thong: dvcqg\n  dia_chi: \"JaVaScRiPt:alert(document.domain)\"\n",
    }))
    expected = [f"1.001193.yaml, dòng {text.count(chr(10), 0, text.index(yaml_quoted(url))) + 1}, "
                f"khóa “ho_so[0].giay_to[0].mau[{n}].tep”: địa chỉ “" for n, url in enumerate(SCRIPT_LINKS)]
    site.assert_refused(site.build(), *expected,
                        "chỉ nhận địa chỉ web đầy đủ bắt đầu bằng http:// hoặc https://",
                        f"1.001193.yaml, dòng {line_of(text, 'dia_chi:')}, khóa “nguon.dia_chi”")


def test_a_phone_number_is_only_a_phone_number(site):
    write(site, "procedures/1.001193.yaml", record_text())
    overlay = OVERLAY.read_text(encoding="utf-8").replace(
        "dien_thoai: 0220 3882 116", 'dien_thoai: "0220\\"onclick=\\"alert(1)"')
    _path, text = write(site, "procedures/dia-phuong/1.001193.yaml", overlay)
    site.assert_refused(site.build(), f"dia-phuong/1.001193.yaml, dòng {line_of(text, 'dien_thoai')}, "
                                      "khóa “dien_thoai”: số điện thoại")


def _import(tmp_path, record: dict, name="nhap.json"):
    source = tmp_path / name
    source.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    folder = tmp_path / "procedures"
    result = subprocess.run([*CCHC, "import-procedures", str(source), "--into", str(folder), "--dry-run"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result, source.read_text(encoding="utf-8")


def test_script_links_in_an_import_json_stop_the_import(tmp_path):
    portal = json.loads(PORTAL_JSON.read_text(encoding="utf-8"))
    attachment = portal["executionCases"][0]["profileComponents"][0]["attachments"][0]
    assert attachment["filePath"] == FORM_URL
    for n, url in enumerate(SCRIPT_LINKS):
        attachment["filePath"] = url
        result, text = _import(tmp_path, portal, f"nhap-{n}.json")
        assert result.returncode == 1, (url, result.stdout)
        assert "chưa ghi tệp nào" in result.stderr
        assert (f"nhap-{n}.json, dòng {line_of(text, 'filePath')}, "
                "khóa “executionCases[0].profileComponents[0].attachments[0].filePath”: mẫu") in result.stderr, result.stderr
        assert "chỉ nhận địa chỉ web đầy đủ bắt đầu bằng http:// hoặc https://" in result.stderr
    assert not (tmp_path / "procedures").exists()

    attachment["filePath"] = FORM_URL
    result, _text = _import(tmp_path, portal, "nhap-dung.json")
    assert result.returncode == 0, result.stderr


def test_a_script_link_as_the_crawled_page_address_stops_the_import(tmp_path):
    crawl = sorted((ROOT.parent / "shared" / "corpus" / "dvcqg-crawl").glob("[0-9]*.json"))
    if not crawl:
        pytest.skip("../shared/corpus/dvcqg-crawl is not beside the repository")
    record = json.loads(crawl[0].read_text(encoding="utf-8"))
    record["detail_url"] = "jav&#x61;script:alert(1)"
    result, _text = _import(tmp_path, record)
    assert result.returncode == 1
    assert ("khóa “detail_url”: trang thủ tục trên Cổng Dịch vụ công quốc gia: “jav&#x61;script:alert(1)” "
            "không phải địa chỉ dùng được trong liên kết") in result.stderr, result.stderr


def test_imported_form_links_are_checked_again_when_written():
    """What the importer writes goes through procedures.validate: a link that slipped past parsing
    would still stop the import (defence in depth)."""
    record = json.loads(PORTAL_JSON.read_text(encoding="utf-8"))
    item = inputs.parse_record(record, "nhap.json")
    item.record["ho_so"][0]["giay_to"][0]["mau"][0]["tep"] = "javascript&#58;alert(1)"
    changes, _missing, problems = history.plan_import([item], "/khong-co-thu-muc", "2026-11-26")
    assert any(p.field == "ho_so[0].giay_to[0].mau[0].tep" and p.line for p in problems), problems


def test_the_overlay_of_a_refused_record_is_still_checked(tmp_path):
    folder = tmp_path / "procedures"
    (folder / "dia-phuong").mkdir(parents=True)
    (folder / "1.001193.yaml").write_text(record_text({FORM_URL: "javascript&#58;alert(1)"}), encoding="utf-8")
    (folder / "dia-phuong" / "1.001193.yaml").write_text("co_quan_phuong: {ma: tthcc}\n", encoding="utf-8")
    with pytest.raises(ContentError) as error:
        procedures.load_all(str(folder))
    found = {(pathlib.Path(p.path).parent.name, p.line, p.field) for p in error.value.problems}
    line = line_of(RECORD.read_text(encoding="utf-8"), FORM_URL)
    assert found == {("procedures", line, "ho_so[0].giay_to[0].mau[0].tep"), ("dia-phuong", 1, "co_quan_phuong")}


@pytest.mark.parametrize("stats, reason", [
    ([], "cần một đối tượng JSON"),
    ({"ky": {"tu_ngay": ["2026-01-01"], "den_ngay": "2026-03-31"}, "tong": {}}, "số liệu truy cập là của kỳ ? –"),
    ({"tong": [1]}, "tệp không phải kết quả của cchc stats --json"),
    ({"tong": {"luot_xem": "=1+1"}}, "“tong.luot_xem” phải là một số không âm"),
    ({"tong": {}, "bai_viet": {"dia_chi": "/"}}, "“bai_viet” phải là một danh sách"),
    ({"tong": {}, "bai_viet": [{"dia_chi": ["/"], "luot_xem": 1}]}, "mục thứ 1 của “bai_viet”"),
    ({"tong": {}, "so_ngay_co_du_lieu": None}, "“so_ngay_co_du_lieu” phải là một số"),
])
def test_readership_figures_in_content_data_are_checked_before_use(stats, reason):
    from cchc import plan

    period = plan.quarter_period(1, 2026)
    if isinstance(stats, dict):
        stats.setdefault("ky", {"tu_ngay": "2026-01-01", "den_ngay": "2026-03-31"})
    assert reason in plan.check_stats(stats, period)
