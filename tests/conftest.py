"""Shared fixtures: real builds of the site into temporary folders, and small fixture sites.

Builds run the `pelican` command exactly as every build path does (make, CI, publishing), so the
tests see what residents and editors see.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest
from lxml import html as lxml_html

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SITEURL = "https://cchc.chilinh.haiphong.gov.vn"
BUILD_DATE = "2026-11-26"  # task statuses and reports are computed for this day in every test build
PELICAN = [sys.executable, "-m", "pelican"]


def run_pelican(content: pathlib.Path, output: pathlib.Path, settings: str = "publishconf.py",
                siteurl: str = SITEURL, cache: pathlib.Path | None = None, extra=()):
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1", TERM="dumb")
    env.setdefault("CCHC_BUILD_DATE", BUILD_DATE)
    args = [*PELICAN, str(content), "-s", str(ROOT / settings), "-o", str(output), "--fatal", "warnings"]
    if cache is not None:
        args += ["--cache-path", str(cache)]
    # The address is an ordinary setting override (FEED_DOMAIN follows it), as README shows; in the
    # same -e as the caller's overrides, since Pelican keeps only the last -e.
    extra, address = list(extra), f"SITEURL={json.dumps(siteurl)}"
    if "-e" in extra:
        extra.insert(extra.index("-e") + 1, address)
    else:
        extra += ["-e", address]
    return subprocess.run([*args, *extra], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> pathlib.Path:
    """The real site (content/), built with publishconf.py into a temporary folder."""
    out = tmp_path_factory.mktemp("site")
    result = run_pelican(ROOT / "content", out, cache=tmp_path_factory.mktemp("cache"))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def built_files(root: pathlib.Path) -> dict[str, str]:
    """Every file of a built site outside pagefind/ (Pagefind names its chunks differently on each
    run, README "Production build") → its sha256: two builds are the same when these are equal."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.relative_to(root).as_posix().startswith("pagefind/")}


def page(path: pathlib.Path):
    return lxml_html.fromstring(path.read_bytes())


def moved(path: pathlib.Path) -> bool:
    """A page left at an old address by plugins/cchc_redirects (noindex, sends readers on)."""
    return 'name="robots" content="noindex"' in path.read_text(encoding="utf-8")


def url_to_path(out: pathlib.Path, url: str) -> pathlib.Path:
    assert url.startswith(SITEURL + "/"), url
    rel = url[len(SITEURL) + 1:].split("#")[0]
    target = out / rel
    return target / "index.html" if rel.endswith("/") or rel == "" else target


ARTICLE = """\
Title: {title}
Date: {date}
Category: {category}
Tags: dịch vụ công trực tuyến
Summary: Tóm tắt ngắn của bài kiểm thử.
co_quan: {co_quan}
hinh_thuc: {hinh_thuc}
noi_dung: {noi_dung}
{extra}
Nội dung bài viết dùng để kiểm thử việc dựng trang, đủ dài để có một đoạn văn hoàn chỉnh cho người đọc.
{body}
"""


def article(title="Bài kiểm thử", date="2026-03-05 09:30", category="Thủ tục hành chính và dịch vụ công",
            co_quan="tthcc", hinh_thuc="tin", noi_dung="m", extra="", body="") -> str:
    return ARTICLE.format(title=title, date=date, category=category, co_quan=co_quan,
                          hinh_thuc=hinh_thuc, noi_dung=noi_dung, extra=extra, body=body)


class FixtureSite:
    """A small content folder (with the project's real data files) built into its own output."""

    def __init__(self, root: pathlib.Path):
        self.content = root / "content"
        self.output = root / "output"
        self.cache = root / "cache"
        shutil.copytree(ROOT / "content" / "data", self.content / "data")
        # The finder's words name the real site's procedures, which a fixture site does not have.
        (self.content / "data" / "tu-khoa-thu-tuc.yaml").unlink()
        (self.content / "articles").mkdir(parents=True)
        (self.content / "pages").mkdir()

    def write(self, rel: str, text: str) -> pathlib.Path:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def copy(self, source: pathlib.Path, rel: str):
        target = self.content / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)

    def build(self, settings="publishconf.py", extra=()):
        result = run_pelican(self.content, self.output, settings=settings, cache=self.cache, extra=extra)
        result.log = result.stdout + result.stderr
        return result


@pytest.fixture
def fixture_site(tmp_path) -> FixtureSite:
    return FixtureSite(tmp_path)
