"""The hostile-input harness (issue 14, docs/chat-luong.md "Đầu vào độc hại").

Every case of the suite asserts three things about what an attacker's bytes became:

1. the build refuses with a Vietnamese message naming the file (`assert_refused`), or the built
   output is inert (`assert_inert`): no script-capable element, attribute or URL scheme anywhere in
   the HTML, feeds and SVG that were published;
2. nothing from outside content/ appears in or beside the output: a canary file sits next to
   content/ (`outside/`) and in a folder above the site, and neither its name nor its text may be
   found in any built file, and the build creates nothing outside its output folder;
3. the previous output is untouched when the build refuses (same files, same bytes).

Builds use `cchc build --production -o …`, the command CI and publishing use, which swaps a new
folder in only when everything passed.
"""

from __future__ import annotations

import atexit
import hashlib
import html
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from conftest import BUILD_DATE, ROOT, SITEURL, FixtureSite, article

CANARY = "CANARY-ngoai-content-7f3a9"   # text of the files outside content/
CANARY_NAME = "bi-mat-ngoai-content.txt"
CCHC = [sys.executable, "-m", "cchc.cli"]

# Script-capable markup, by allowlist: what a published page may contain.
SAFE_SCHEMES = {"", "http", "https", "mailto", "tel"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "cite", "background", "ping",
                  "xlink:href", "{http://www.w3.org/1999/xlink}href", "codebase", "manifest", "longdesc"}
ACTIVE_ELEMENTS = {"object", "embed", "applet", "base", "frame", "frameset", "portal", "foreignobject",
                   "handler", "listener", "set", "animate", "animatetransform", "animatemotion"}
# The theme's own scripts: its fingerprinted files under /theme/js/, Pagefind's, and JSON-LD data.
THEME_SCRIPT = re.compile(r"^(?:https?://[^/]+)?/(?:theme/js/[a-z-]+(?:\.[0-9a-f]{8,})?\.js|pagefind/pagefind[a-z-]*\.js)$")
ALLOWED_FRAME_HOSTS = {"www.youtube-nocookie.com"}


def digest(folder: pathlib.Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def scheme_of(url: str) -> str:
    """The scheme a browser would see: entities decoded, whitespace and control characters gone."""
    text = html.unescape(url or "")
    text = re.sub(r"[\x00-\x20\x7f-\x9f]", "", text)
    match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", text)
    return match.group(1).lower() if match else ""


def script_capable(path: pathlib.Path) -> list[str]:
    """What in one built file could run script in a reader's browser ([] for an inert file)."""
    data = path.read_bytes()
    found = []
    suffix = path.suffix.lower()
    if suffix in (".svg", ".xml"):
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        try:
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError:
            return [] if suffix == ".xml" else [f"{path.name}: SVG không đọc được"]
        if suffix == ".xml":
            # Feeds: entry content is HTML text; parse it as a page.
            for node in root.iter():
                if isinstance(node.tag, str) and etree.QName(node).localname in ("content", "summary", "description"):
                    if node.text and "<" in node.text:
                        found += _html_findings(lxml_html.fragment_fromstring(node.text, create_parent="div"), path)
            return found
        for node in root.iter():
            if not isinstance(node.tag, str):
                found.append(f"{path.name}: {node!r}")
                continue
            name = etree.QName(node).localname.lower()
            if name in ACTIVE_ELEMENTS or name == "script" or name == "style" and "@import" in (node.text or ""):
                found.append(f"{path.name}: <{name}>")
            for attr, value in node.attrib.items():
                local = etree.QName(attr).localname.lower()
                if local.startswith("on"):
                    found.append(f"{path.name}: {local}=")
                if local in ("href", "src") and not value.strip().startswith("#"):
                    found.append(f"{path.name}: {local}={value[:40]}")
        return found
    if suffix in (".html", ".htm"):
        doc = lxml_html.document_fromstring(data)
        return _html_findings(doc, path)
    return found


def _html_findings(doc, path) -> list[str]:
    found = []
    for node in doc.iter():
        if not isinstance(node.tag, str):
            continue
        name = node.tag.lower().rsplit("}", 1)[-1]
        if name == "script":
            src = node.get("src")
            kind = (node.get("type") or "").lower()
            if src is not None and THEME_SCRIPT.match(src):
                continue
            if src is None and kind == "application/ld+json" and "</" not in (node.text or ""):
                continue
            found.append(f"{path.name}: <script {src or kind or (node.text or '')[:40]}>")
        if name in ACTIVE_ELEMENTS or name == "svg" and node.xpath(".//*[local-name()='script']"):
            found.append(f"{path.name}: <{name}>")
        if name == "iframe" and urlsplit(node.get("src", "")).hostname not in ALLOWED_FRAME_HOSTS:
            found.append(f"{path.name}: <iframe src={node.get('src')}>")
        if name == "meta" and (node.get("http-equiv") or "").lower() == "refresh" and scheme_of(
                (node.get("content") or "").partition("=")[2]) not in SAFE_SCHEMES:
            found.append(f"{path.name}: meta refresh {node.get('content')}")
        for attr, value in node.attrib.items():
            local = attr.lower()
            if local.startswith("on"):
                found.append(f"{path.name}: <{name} {local}=>")
            if local in URL_ATTRIBUTES and scheme_of(value) not in SAFE_SCHEMES:
                found.append(f"{path.name}: <{name} {local}={value[:40]}>")
            if local in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    if scheme_of(candidate.strip().split(" ")[0]) not in SAFE_SCHEMES:
                        found.append(f"{path.name}: <{name} {local}={value[:40]}>")
            if local == "style" and re.search(r"expression\s*\(|url\s*\(\s*['\"]?\s*javascript", value, re.I):
                found.append(f"{path.name}: <{name} style={value[:40]}>")
    return found


_TEMPLATE: list[pathlib.Path] = []  # the good site and its first output, built once per test session


class HostileSite(FixtureSite):
    """A small site with one good article, already built (the previous output), plus canaries
    outside content/. Write the attacker's input into it, call build(), then assert_refused or
    assert_inert. The first site is built once per session and copied for every case."""

    def __init__(self, root: pathlib.Path):
        self.root = root
        self.content, self.output, self.cache = root / "content", root / "output", root / "cache"
        self.outside = root / "outside"
        if not _TEMPLATE:
            template = pathlib.Path(tempfile.mkdtemp(prefix="hostile-template-"))
            atexit.register(shutil.rmtree, template, True)
            super().__init__(template)
            self.write("articles/2026/bai-hop-le.md", article(title="Bài hợp lệ trước khi bị tấn công"))
            outside = template / "outside"
            outside.mkdir()
            (outside / CANARY_NAME).write_text(CANARY + "\n", encoding="utf-8")
            (outside / "x.js").write_text(f"alert('{CANARY}')\n", encoding="utf-8")
            self.output, self.cache = template / "output", template / "cache"
            result = self.build()
            assert result.returncode == 0, result.log
            shutil.rmtree(self.cache, ignore_errors=True)
            _TEMPLATE.append(template)
            self.content, self.output, self.cache = root / "content", root / "output", root / "cache"
        shutil.copytree(_TEMPLATE[0], root, symlinks=True, dirs_exist_ok=True)
        self.previous = digest(self.output)
        assert self.previous, "the first build wrote nothing"
        self.around = self._around()

    def _around(self) -> set[str]:
        """Files beside the output (anything the build could have written outside its folder)."""
        skip = {self.output, self.cache}
        return {p.relative_to(self.root).as_posix() for p in self.root.rglob("*")
                if not any(p == s or s in p.parents for s in skip)}

    def build(self, extra_env=None):
        env = dict(os.environ, CCHC_BUILD_DATE=BUILD_DATE, COLUMNS="200", NO_COLOR="1", TERM="dumb",
                   **(extra_env or {}))
        result = subprocess.run([*CCHC, "build", "--production", "--content", str(self.content), "-o",
                                 str(self.output), "--cache", str(self.cache), "--siteurl", SITEURL],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        result.log = result.stdout + result.stderr
        return result

    # -- the three assertions -----------------------------------------------------------------

    def assert_nothing_from_outside(self):
        for path in self.output.rglob("*"):
            assert CANARY_NAME not in path.name, path
            if path.is_symlink():
                raise AssertionError(f"symlink published: {path} → {os.readlink(path)}")
            if path.is_file():
                data = path.read_bytes()
                assert CANARY.encode() not in data, f"{path} carries a file from outside content/"
                assert b"root:x:0:0" not in data, f"{path} carries /etc/passwd"
        assert not any(self.root.parent.glob(CANARY_NAME)), "written beside the site"
        new = self._around() - self.around
        new = {p for p in new if not p.startswith(("content/", "outside/"))}
        assert not new, f"the build wrote outside its output folder: {sorted(new)}"

    def assert_refused(self, result, *fragments):
        """Exit 1 with the Vietnamese list of problems naming each fragment (file, line, what),
        no traceback, and the previous output exactly as it was."""
        log = " ".join(result.log.split())
        assert result.returncode != 0, f"the build accepted hostile input:\n{result.log[-3000:]}"
        assert "Traceback" not in result.log, result.log[-3000:]
        assert "lỗi" in log, log[-3000:]
        for fragment in fragments:
            assert fragment in log, f"{fragment!r} not in:\n{log[-3000:]}"
        assert digest(self.output) == self.previous, "a refused build changed the previous output"
        self.assert_nothing_from_outside()
        return log

    def assert_inert(self, result):
        """The build succeeded and nothing it published can run script."""
        assert result.returncode == 0, result.log[-3000:]
        assert "Traceback" not in result.log, result.log[-3000:]
        found = []
        for path in sorted(self.output.rglob("*")):
            if path.is_file() and path.suffix.lower() in (".html", ".htm", ".xml", ".svg") \
                    and not path.relative_to(self.output).as_posix().startswith("pagefind/"):
                found += script_capable(path)
        assert not found, found
        self.assert_nothing_from_outside()


def new_hostile_site(tmp_path) -> HostileSite:
    return HostileSite(tmp_path)
