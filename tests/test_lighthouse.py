"""Lighthouse 12.2.3 (npm, pinned; the last release that runs on Node 20) on the home page and one
article of the production build: accessibility 1.0 and SEO ≥ 0.95. The figures of a run are kept
in docs/chat-luong.md; the test prints them (pytest -s)."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from conftest import ROOT
from test_browser import served_site  # noqa: F401  (the site built for a loopback address)

pytestmark = pytest.mark.browser
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update " \
        "--no-first-run --disable-sync"


def lighthouse(url, out):
    if not LIGHTHOUSE.exists():
        pytest.fail("Lighthouse is missing: run `make test` (scripts/setup.sh --test installs it)")
    subprocess.run([str(LIGHTHOUSE), url, "--only-categories=accessibility,seo,best-practices,performance",
                    "--output=json", f"--output-path={out}", "--quiet", f"--chrome-flags={FLAGS}"],
                   env=dict(os.environ, CHROME_PATH="/usr/bin/chromium"), check=True, timeout=180,
                   capture_output=True)
    report = json.loads(out.read_text(encoding="utf-8"))
    return {name: category["score"] for name, category in report["categories"].items()}


def test_home_and_article_scores(served_site, tmp_path):  # noqa: F811
    base, out = served_site
    article = sorted((out / "tin-tuc").glob("20*/[01]*/*/index.html"))[0].relative_to(out).parent
    scores = {"trang-chu": lighthouse(f"{base}/", tmp_path / "home.json"),
              "bai-viet": lighthouse(f"{base}/{article}/", tmp_path / "article.json")}
    print(json.dumps(scores))
    for page, score in scores.items():
        assert score["accessibility"] == 1.0, (page, score)
        assert score["seo"] >= 0.95, (page, score)
