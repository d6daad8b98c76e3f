"""Every page of the production build is valid HTML for the Nu HTML Checker (npm vnu-jar, pinned)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from conftest import ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_errors(folder):
    if not shutil.which("java") or not VNU.exists():
        pytest.fail("Java or vnu-jar is missing: run `make test` (scripts/setup.sh --test installs them)")
    result = subprocess.run(["java", "-jar", str(VNU), "--skip-non-html", "--errors-only", "--format", "json",
                             str(folder)], capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [m for m in messages if m.get("type") == "error"]


def test_checker_catches_invalid_html(tmp_path):
    (tmp_path / "index.html").write_text("<!DOCTYPE html><html lang=vi><title>x</title><p><div></span>",
                                         encoding="utf-8")
    assert vnu_errors(tmp_path)


def test_every_page_is_valid_html(site):
    errors = vnu_errors(site)
    assert not errors, json.dumps(errors[:20], ensure_ascii=False, indent=1)
