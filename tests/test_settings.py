"""The project's settings (issue 16): every CCHC_* key the code, the conf files and the templates
use is in cchc/settings.py's table; a misspelt or mistyped key stops the build with a Vietnamese
message naming it, before anything is read, and the previous output stays; the site's address
is a setting override, never read from the environment by the conf files or plugins."""

from __future__ import annotations

import ast
import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

from cchc import settings as project_settings
from cchc import state
from conftest import BUILD_DATE, ROOT, SITEURL

KEY = re.compile(r"CCHC_[A-Z0-9_]*[A-Z0-9]")  # a whole key, not a prefix such as "CCHC_DEPLOY_"
SOURCES = sorted([*(ROOT / "cchc").glob("*.py"), *(ROOT / "plugins").rglob("*.py"),
                  ROOT / "pelicanconf.py", ROOT / "publishconf.py"])
# The build state's old settings keys (CCHC_PROBLEMS, …, CCHC): now cchc.state, never settings.
OLD_STATE_KEYS = {"CCHC_PROBLEMS", "CCHC_NOTICES", "CCHC_WRITTEN", "CCHC_NOW", "CCHC"}

# Builds through cchc/build.py as `cchc build` does, with settings overrides (which the command
# line sets only for the address, the content folder and the cache).
BUILD = """
import json, pathlib, sys
from cchc.build import build_and_swap
sys.exit(0 if build_and_swap(pathlib.Path(sys.argv[1]), False, json.loads(sys.argv[2])) else 1)
"""


def keys_in(path: pathlib.Path) -> set[str]:
    """CCHC_* keys the file's code names: string constants that are a whole key (settings["…"],
    .get("…"), overrides) and names assigned in the conf files; docstrings and messages are prose."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and KEY.fullmatch(node.value):
            found.add(node.value)
        elif isinstance(node, ast.Constant) and node.value == "CCHC":
            found.add("CCHC")
        elif isinstance(node, ast.Name) and KEY.fullmatch(node.id):
            found.add(node.id)
    return found


def build(tmp_path, override: dict, env_extra=None) -> tuple[subprocess.CompletedProcess, pathlib.Path]:
    target = tmp_path / "output"
    target.mkdir(exist_ok=True)
    (target / "index.html").write_text("bản trước", encoding="utf-8")
    env = dict(os.environ, CCHC_BUILD_DATE=BUILD_DATE, COLUMNS="200", NO_COLOR="1", TERM="dumb")
    env.pop("SITEURL", None)
    env.update(env_extra or {})
    override = {"PATH": str(ROOT / "content"), "CACHE_PATH": str(tmp_path / "cache"), "CCHC_SEARCH": False, **override}
    result = subprocess.run([sys.executable, "-c", BUILD, str(target), json.dumps(override)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    return result, target


def assert_refused(result, target, *expected):
    """Stopped with the message, no traceback; the previous output as it was and nothing left beside it."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    message = " ".join(result.stderr.split())
    assert "lỗi trong cấu hình" in message, result.stderr
    for text in expected:
        assert text in message, result.stderr
    assert [p.name for p in target.parent.iterdir() if p.name != "cache"] == ["output"]
    assert [p.name for p in target.iterdir()] == ["index.html"]
    assert (target / "index.html").read_text(encoding="utf-8") == "bản trước"


def test_a_misspelt_key_stops_the_build_and_names_the_key(tmp_path):
    result, target = build(tmp_path, {"CCHC_PRECOMPRES": True})
    assert_refused(result, target, "Khóa cấu hình CCHC_PRECOMPRES không có; có phải CCHC_PRECOMPRESS?",
                   "Cách sửa: sửa tên khóa")


def test_an_unknown_key_and_a_deploy_key_are_refused_with_what_to_do(tmp_path):
    result, target = build(tmp_path, {"CCHC_KHONG_CO": 1, "CCHC_DEPLOY_HOST": "may-chu"})
    assert_refused(result, target, "Khóa cấu hình CCHC_KHONG_CO không có.", "thêm nó vào bảng SETTINGS",
                   "Khóa CCHC_DEPLOY_HOST là cấu hình xuất bản (cchc deploy)", "biến môi trường hoặc tệp TOML")


@pytest.mark.parametrize("key, value, kind", [
    ("CCHC_IMAGE_WIDTHS", "480", "danh sách số nguyên"),
    ("CCHC_PRECOMPRESS", "có", "True hoặc False"),
    ("CCHC_RELATED_MAX", True, "một số nguyên"),
    ("CCHC_BUILD_DATE", "26/11/2026", "một ngày dạng “YYYY-MM-DD”, ví dụ \"2026-11-26\""),
])
def test_a_value_of_the_wrong_kind_stops_the_build(tmp_path, key, value, kind):
    result, target = build(tmp_path, {key: value})
    assert_refused(result, target, f"Khóa cấu hình {key} phải là {kind}, không phải {value!r}.")


def test_a_wrong_build_date_in_the_environment_is_named_too(tmp_path):
    result, target = build(tmp_path, {}, {"CCHC_BUILD_DATE": "26-11-2026"})
    assert_refused(result, target, "Biến môi trường CCHC_BUILD_DATE phải là một ngày dạng “YYYY-MM-DD”")


def test_the_state_key_is_not_a_setting(tmp_path):
    result, target = build(tmp_path, {project_settings.STATE_KEY: {}})
    assert_refused(result, target, f"Khóa cấu hình {project_settings.STATE_KEY} là tên dành riêng")


def test_every_key_the_code_uses_is_in_the_table():
    """A new CCHC_* setting read anywhere (plugins, cchc/, the conf files) without a line in the
    table fails here; so do the build state's old keys."""
    known = set(project_settings.SETTINGS) | set(project_settings.DERIVED) | set(project_settings.CONTEXT)
    unlisted = []
    for path in SOURCES:
        rel = path.relative_to(ROOT).as_posix()
        for key in sorted(keys_in(path)):
            deploy = key.startswith(project_settings.DEPLOY_PREFIX) and rel == "cchc/deploy.py"
            if key in OLD_STATE_KEYS or not (key in known or deploy or key == project_settings.STATE_KEY):
                unlisted.append(f"{rel}: {key}")
    assert unlisted == []
    # The walk sees what it must: keys read with settings[…], .get(…) and set in the conf files.
    seen = set().union(*(keys_in(p) for p in SOURCES))
    assert {"CCHC_RELATED_MAX", "CCHC_SEARCH", "CCHC_PRECOMPRESS", "CCHC_ORGANIZATION", "CCHC_MEDIA_HOSTS"} <= seen
    # Every key of the table is used somewhere outside the table itself: by code, a conf file or a
    # template (a table of dead keys would hide misspellings).
    used = set().union(*(keys_in(p) for p in SOURCES if p != ROOT / "cchc" / "settings.py"),
                       *(KEY.findall(p.read_text(encoding="utf-8")) for p in (ROOT / "theme" / "templates").rglob("*.html")))
    assert set(project_settings.SETTINGS) - used - {"CCHC_BUILD_DATE"} == set()


def test_templates_use_only_known_names():
    known = set(project_settings.SETTINGS) | set(project_settings.DERIVED) | set(project_settings.CONTEXT)
    used = {key: path.name for path in (ROOT / "theme" / "templates").rglob("*.html")
            for key in KEY.findall(path.read_text(encoding="utf-8"))}
    assert {key: where for key, where in used.items() if key not in known} == {}


def test_defaults_written_in_the_code_agree_with_the_table():
    """Where code still reads a key with .get(KEY, default), that default is the table's."""
    sys.path.insert(0, str(ROOT / "plugins"))
    from cchc_precompress import compress
    from cchc_search import index

    assert project_settings.SETTINGS["CCHC_SEARCH_BUNDLE_PAGES"].default == index.BUNDLE_PAGES
    assert set(project_settings.SETTINGS["CCHC_PRECOMPRESS_EXTENSIONS"].default) == compress.EXTENSIONS
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                    and len(node.args) == 2 and isinstance(node.args[0], ast.Constant)
                    and node.args[0].value in project_settings.SETTINGS):
                try:
                    written = ast.literal_eval(node.args[1])
                except ValueError:
                    continue  # a module constant, compared above
                assert written == project_settings.SETTINGS[node.args[0].value].default, \
                    f"{path.relative_to(ROOT)}: {ast.unparse(node)}"


def test_every_default_is_of_its_kind():
    settings = {"PATH": "/tmp/noi-dung"}
    for key, setting in project_settings.SETTINGS.items():
        if setting.default is project_settings.REQUIRED:
            continue
        default = setting.default(settings) if callable(setting.default) else setting.default
        assert setting.kind.accepts(default), key
        assert setting.doc and setting.plugin, key


def test_the_conf_files_set_only_known_keys_and_the_state_starts_from_them(tmp_path):
    from pelican.settings import read_settings

    for name in ("pelicanconf.py", "publishconf.py"):
        settings = read_settings(str(ROOT / name), override={"CCHC_BUILD_DATE": BUILD_DATE})
        assert project_settings.problems(settings) == []
        built = state.create(settings)
        assert built.build_date.isoformat() == BUILD_DATE and built.now.hour == 23
        assert settings["CCHC_RELATED_MAX"] == 4 and settings["CCHC_STATS_DIR"].endswith("content/data/thong-ke")
        assert built.site.categories and built.problems == [] and built.written == {}
        assert not OLD_STATE_KEYS & set(settings)


def test_the_address_is_a_setting_override_not_an_environment_variable():
    """SITEURL reaches Pelican as a setting (cchc build --siteurl, the preview, pelican -e); only the
    command line reads the SITEURL environment variable (CI), as its documented input."""
    from pelican.settings import read_settings

    settings = read_settings(str(ROOT / "publishconf.py"), override=project_settings.site_overrides("https://thu.example.vn/"))
    assert settings["SITEURL"] == settings["FEED_DOMAIN"] == "https://thu.example.vn"
    settings = read_settings(str(ROOT / "publishconf.py"), override={"SITEURL": "https://thu.example.vn"})
    assert settings["FEED_DOMAIN"] == "https://thu.example.vn"  # pelican -e SITEURL=…: the feeds follow
    assert read_settings(str(ROOT / "publishconf.py"))["FEED_DOMAIN"] == SITEURL
    readers = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "environ":
                readers.append(path.relative_to(ROOT).as_posix())
    assert "pelicanconf.py" not in readers and "publishconf.py" not in readers
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        if re.search(r"environ(\.get)?\(?\[?[\"']SITEURL", text):
            assert path.relative_to(ROOT).as_posix() == "cchc/cli.py"
