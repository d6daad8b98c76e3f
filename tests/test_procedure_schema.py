"""The procedure schema lives in one table (cchc/procedures/schema.py, issue 16). These checks fail when
a field is added, renamed or removed in one place only: a key the code or the templates use that the
table does not have, a table field the importer drops or the history does not name, a module that
keeps its own list of field keys."""

from __future__ import annotations

import ast
import copy
import json
import re
import unicodedata

import pytest

from cchc.procedures import crawl, files, history, inputs, portal, schema, validation
from conftest import ROOT, SHARED

KEYS = {f.key for f in schema.FIELDS}
OVERLAY_KEYS = {f.key for f in schema.OVERLAY_FIELDS}
CODE = "1.001193"

# A valid value of each kind, as the YAML loader reads it (every scalar text). A new kind needs one here, a check in validation.CHECKS and, when it is
# read plainly from an input key, a reader in portal.PLAIN and crawl.PLAIN.
SAMPLES = {
    schema.OWN_CODE: CODE,
    schema.CODE_OF: "1.000890",
    schema.LINE: "Một dòng chữ",
    schema.TEXT: "Dòng thứ nhất\nDòng thứ hai",
    schema.TEXTS: ["Công dân Việt Nam"],
    schema.LEVEL_LIST: ["xa"],
    schema.BODIES: [{"ma": "G15-TP07", "ten": "Hộ tịch"}],
    schema.STEPS: [{"ten": "Bước 1", "mo_ta": "Nộp hồ sơ"}],
    schema.CHANNEL_LIST: [{"hinh_thuc": "truc-tiep", "thoi_han": "05 ngày làm việc", "so_ngay": "5",
                           "don_vi": "ngay-lam-viec", "phi": [{"loai": "le-phi", "muc": "8.000 đồng", "mo_ta": "Bản sao"}],
                           "mo_ta": "Nộp tại Bộ phận một cửa"}],
    schema.DOCUMENTS: [{"nhom": "Giấy tờ phải nộp", "giay_to": [{"ten": "Tờ khai", "ban_chinh": "1", "ban_sao": "0",
                                                                 "bat_buoc": "true", "mau": [{"ten": "Mẫu tờ khai",
                                                                                            "tep": "https://dichvucong.gov.vn/mau.docx"}]}]}],
    schema.LEGAL: [{"ten": "Luật Hộ tịch", "so": "60/2014/QH13"}],
    schema.CHOICE: None,  # the field's first choice
    schema.DAY: "2026-03-05",
    schema.DECISION: {"so": "1389/QĐ-UBND", "ngay": "2026-06-15", "co_quan": "Ủy ban nhân dân thành phố Hải Phòng"},
    schema.HISTORY: [{"ngay": "2026-03-05", "loai": "moi", "quyet_dinh": "1389/QĐ-UBND", "noi_dung": "Công bố"}],
    schema.SOURCE: {"he_thong": "dvcqg", "dia_chi": "https://dichvucong.gov.vn/p/1", "ma_noi_bo": "abc",
                    "ngay_nhap": "2026-03-05"},
    schema.VERBATIM: {"description": "Văn bản nguyên văn"},
    schema.LOCAL_FEES: [{"hinh_thuc": "truc-tiep", "loai": "phi", "muc": "3.000 đồng", "can_cu": "Nghị quyết"}],
    schema.PHONE: "0220 3882 116",
    schema.WARD_BODY: "",
}


def sample(field: schema.Field):
    return next(iter(field.choices)) if field.kind == schema.CHOICE else copy.deepcopy(SAMPLES[field.kind])


def full_record() -> dict:
    """A record with every field of the table filled."""
    return {f.key: sample(f) for f in schema.FIELDS}


def test_the_table_is_well_formed():
    every = [*schema.FIELDS, *schema.OVERLAY_FIELDS]
    assert len({f.key for f in every}) == len(every), "a key is in the table twice"
    for field in every:
        assert re.fullmatch(r"[a-z][a-z_]*", field.key), field.key
        assert field.kind in schema.KINDS and field.kind in validation.CHECKS, field
        assert field.kind in SAMPLES, f"{field.key}: no sample value for kind {field.kind} in this test"
        assert field.label and unicodedata.is_normalized("NFC", field.label + field.page_label), field
        assert (field.kind == schema.CHOICE) == bool(field.choices), field
        if field.portal:
            assert field.kind in portal.PLAIN, f"{field.key}: kind {field.kind} is not read plainly from the portal"
        if field.crawl:
            assert field.kind in crawl.PLAIN, f"{field.key}: kind {field.kind} is not read plainly from the crawl"
    assert set(validation.CHECKS) == schema.KINDS and set(validation.FILLS) <= schema.KINDS
    assert set(SAMPLES) == schema.KINDS
    assert set(schema.PAGE_LABELS) == KEYS | OVERLAY_KEYS


def test_a_record_with_every_field_validates_and_keeps_every_field():
    record, problems = validation.validate(f"{CODE}.yaml", full_record())
    assert not problems, [str(p) for p in problems]
    assert set(record) == KEYS
    local, problems = validation.validate_overlay("dia-phuong/1.001193.yaml", {f.key: sample(f) for f in schema.OVERLAY_FIELDS})
    assert not problems and set(local) == OVERLAY_KEYS
    assert set(validation.validate(f"{CODE}.yaml", {f.key: sample(f) for f in schema.FIELDS if f.required})[0]) == KEYS


def test_every_unknown_key_is_refused():
    _record, problems = validation.validate(f"{CODE}.yaml", {**full_record(), "khoa_la": "x"})
    assert [p.field for p in problems] == ["khoa_la"]
    _local, problems = validation.validate_overlay("o.yaml", {"khoa_la": "x"})
    assert [p.field for p in problems] == ["khoa_la"]


def test_the_importer_writes_every_field_of_the_table(tmp_path):
    """A field missing from the written order was dropped on import without a word (issue 16)."""
    imported = full_record()
    imported["ho_so"][0]["giay_to"][0]["bat_buoc"] = True     # the importer's own value is a boolean
    changes, _missing, problems = history.plan_import([inputs.Imported(CODE, imported, "nhap.json")],
                                                      str(tmp_path), "2026-11-26")
    assert not problems, [str(p) for p in problems]
    written = files.reload(changes[0].text)
    assert list(written) == [f.key for f in schema.FIELDS]
    for key in KEYS - {"lich_su", "trang_thai", "nguon"}:     # the history's own fields
        assert written[key] == full_record()[key], key


@pytest.mark.parametrize("field", [f for f in schema.FIELDS if f.key != "ma"], ids=lambda f: f.key)
def test_a_change_of_one_field_is_named_in_the_history_when_it_amends(field):
    old = full_record()
    new = copy.deepcopy(old)
    if field.kind == schema.CHOICE:
        new[field.key] = list(field.choices)[1]
    elif field.kind == schema.CHANNEL_LIST:
        new[field.key][0]["thoi_han"] = "02 ngày làm việc"
    elif isinstance(old[field.key], dict):
        new[field.key] = {key: "khác" for key in old[field.key]}
    else:
        new[field.key] = "khác" if isinstance(old[field.key], str) else old[field.key] * 2
    names = history.changed_fields(old, new)
    if not field.amended:
        assert names == []
    elif field.kind == schema.CHANNEL_LIST:
        assert names == [f"{field.label} (thời hạn giải quyết)"]
    else:
        assert names == [field.label]


def test_both_importers_produce_only_fields_of_the_table():
    portal_raw = json.loads((ROOT / "sample-data" / "dvcqg" / f"{CODE}.json").read_text(encoding="utf-8"))
    assert set(portal.read(portal_raw)) <= KEYS
    for path in sorted((SHARED / "corpus" / "dvcqg-crawl").glob("[0-9]*.json")):
        record, _notes = crawl.read(json.loads(path.read_text(encoding="utf-8")))
        assert set(record) <= KEYS, path.name
    item = inputs.parse_record(portal_raw, "nhap.json")
    assert set(item.record) <= KEYS


TEMPLATE_KEY = re.compile(r"\b(?:v|procedure)\.(data|local)\.([a-z_]+)|CCHC_PROCEDURE_LABELS\.([a-z_]+)")


def test_every_field_the_templates_use_is_in_the_table():
    used = set()
    for path in (ROOT / "theme" / "templates").rglob("*.html"):
        for match in TEMPLATE_KEY.finditer(path.read_text(encoding="utf-8")):
            key = match[2] or match[3]
            table = OVERLAY_KEYS if match[1] == "local" else KEYS if match[1] == "data" else KEYS | OVERLAY_KEYS
            assert key in table, f"{path.relative_to(ROOT)}: {match[0]} is not a field of the schema table"
            used.add(key)
    assert used >= {"ho_so", "trinh_tu", "ghi_chu"}   # the pattern still finds what the templates print


# Variables that hold a record or an overlay in the code that reads them.
RECORD_NAMES = {"record", "old", "new", "data", "local", "raw"}
INPUT_MODULES = {"portal.py", "crawl.py", "inputs.py"}   # their `raw` is the national input, not a record


def _record_keys_used(path):
    """Keys read from a record or an overlay in a module: record["ho_so"], old.get("lich_su"),
    self.data["linh_vuc"], view.local.get("phi_dia_phuong")."""
    names = RECORD_NAMES - ({"raw"} if path.name in INPUT_MODULES else set())
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        target = key = None
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            target, key = node.value, node.slice.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in ("get", "setdefault") and node.args and isinstance(node.args[0], ast.Constant):
            target, key = node.func.value, node.args[0].value
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
        if name in names and isinstance(key, str) and not key.startswith("__"):  # the loader's line numbers
            yield node.lineno, key


CODE_READING_RECORDS = [*sorted((ROOT / "cchc" / "procedures").glob("*.py")),
                        *sorted((ROOT / "plugins" / "cchc_procedures").glob("*.py")), ROOT / "cchc" / "new_content.py"]


@pytest.mark.parametrize("path", CODE_READING_RECORDS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_field_the_code_reads_is_in_the_table(path):
    unknown = [f"line {line}: “{key}”" for line, key in _record_keys_used(path) if key not in KEYS | OVERLAY_KEYS]
    assert not unknown, f"{path.relative_to(ROOT)} reads fields the schema table does not have: {unknown}"


def _key_lists(path):
    """Literals that list two or more field keys: ["ma", "ten", …], {"ten": "Tên thủ tục", …}."""
    every = KEYS | OVERLAY_KEYS
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            items = node.elts
        elif isinstance(node, ast.Dict):
            try:  # a dict that only maps keys to constants (labels, defaults); a record being built is not a list
                [ast.literal_eval(value) for value in node.values]
            except ValueError:
                continue
            items = [k for k in node.keys if k is not None]
        else:
            continue
        keys = [i.value for i in items if isinstance(i, ast.Constant) and i.value in every]
        if len(keys) >= 2 and not set(keys) <= {"ma", "ten"}:   # a body's own keys, {ma, ten}
            yield node.lineno, keys


PYTHON = [p for folder in ("cchc", "plugins", "benchmarks", "scripts") for p in sorted((ROOT / folder).rglob("*.py"))]


def test_no_other_module_keeps_its_own_list_of_field_keys():
    found = [f"{p.relative_to(ROOT)}:{line} {keys}" for p in PYTHON if p != ROOT / "cchc/procedures/schema.py"
             for line, keys in _key_lists(p)]
    assert not found, "field keys listed outside cchc/procedures/schema.py (use the table): " + "; ".join(found)
