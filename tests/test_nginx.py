"""The nginx site shipped in deploy/nginx/, run on 127.0.0.1 over a production build: headers,
precompressed files, types, caching, the 404 page, and a Content-Security-Policy the site satisfies
(checked in Chromium)."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

import servers
from conftest import ROOT, run_pelican
from test_browser import browser  # noqa: F401


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    work = tmp_path_factory.mktemp("nginx")
    site = work / "site"
    port = servers.free_port()
    base = f"http://127.0.0.1:{port}"
    result = run_pelican(ROOT / "content", site, siteurl=base, cache=work / "cache")
    assert result.returncode == 0, result.stdout + result.stderr
    with servers.nginx(work, site, site / "redirects.map", port=port) as base:
        yield base, site


def fetch(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_security_headers_on_every_kind_of_response(nginx):
    base, site = nginx
    css = "/" + next((site / "theme" / "css").glob("site.*.css")).relative_to(site).as_posix()
    for path in ("/", "/thu-tuc/1-001193/", "/feeds/tat-ca.atom.xml", css, "/khong-co-trang-nay/"):
        _, headers, _ = fetch(base + path)
        assert "default-src 'self'" in headers["Content-Security-Policy"], path
        assert "script-src 'self' 'wasm-unsafe-eval'" in headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path
        assert "camera=()" in headers["Permissions-Policy"], path


def test_precompressed_files_types_and_caching(nginx):
    base, site = nginx
    status, headers, body = fetch(base + "/", **{"Accept-Encoding": "br"})
    assert status == 200 and headers["Content-Encoding"] == "br"
    assert body == (site / "index.html.br").read_bytes()
    status, headers, body = fetch(base + "/thu-tuc/", **{"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip" and body == (site / "thu-tuc" / "index.html.gz").read_bytes()
    assert fetch(base + "/feeds/tat-ca.atom.xml")[1]["Content-Type"].startswith("application/atom+xml")
    assert fetch(base + "/feeds/tat-ca.rss.xml")[1]["Content-Type"].startswith("application/rss+xml")
    mp3 = next((site / "media").rglob("*.mp3")).relative_to(site)
    _, headers, _ = fetch(f"{base}/{mp3}")
    assert headers["Content-Type"] == "audio/mpeg" and "max-age=604800" in headers["Cache-Control"]
    assert "max-age=300" in fetch(base + "/")[1]["Cache-Control"]
    # Content-hashed theme files and search chunks: a year; the search's entry files: as short as pages.
    for pattern in ("theme/css/site.*.css", "theme/js/site.*.js", "pagefind/index/*.pf_index", "pagefind/*.pf_meta"):
        hashed = next(site.glob(pattern)).relative_to(site).as_posix()
        cache_control = fetch(f"{base}/{hashed}")[1]["Cache-Control"]
        assert "max-age=31536000" in cache_control and "immutable" in cache_control, hashed
    for entry in ("pagefind/pagefind.js", "pagefind/pagefind-entry.json"):
        assert "max-age=300" in fetch(f"{base}/{entry}")[1]["Cache-Control"], entry


def test_uploaded_files_are_sandboxed_pages_keep_their_policy(nginx):
    """Files from content/images and content/media carry `Content-Security-Policy: sandbox` (opened
    on their own address they cannot run script on the portal's origin) on top of every header of
    the snippet; forms download; pages keep the site's policy without the sandbox."""
    base, site = nginx
    image = next((site / "images").rglob("*.jpg")).relative_to(site).as_posix()
    mp3 = next((site / "media").rglob("*.mp3")).relative_to(site).as_posix()
    # Types the real content has none of yet, each in its own nested location.
    (site / "images" / "kiem-thu.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    (site / "media" / "kiem-thu.m4a").write_bytes(b"\0\0\0\x18ftypM4A ")
    (site / "media" / "mau-don.pdf").write_bytes(b"%PDF-1.4\n")
    for path, kind in ((image, "image/jpeg"), (mp3, "audio/mpeg"), ("images/kiem-thu.svg", "image/svg+xml"),
                       ("media/kiem-thu.m4a", "audio/mp4"), ("media/mau-don.pdf", "application/pdf")):
        status, _, _ = fetch(f"{base}/{path}")
        assert status == 200, path
        response = urllib.request.urlopen(f"{base}/{path}", timeout=5)
        policies = response.headers.get_all("Content-Security-Policy")
        assert "sandbox" in policies, (path, policies)
        assert any("default-src 'self'" in p for p in policies), (path, policies)
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path
        assert response.headers["Content-Type"].startswith(kind), path
        assert "max-age=604800" in ", ".join(response.headers.get_all("Cache-Control")), path
        assert (response.headers["Content-Disposition"] == "attachment") == path.endswith(".pdf"), path
        response.close()
    for path in ("/", "/thu-tuc/1-001193/", "/tin-tuc/", "/feeds/tat-ca.atom.xml", "/theme/favicon.svg"):
        response = urllib.request.urlopen(base + path, timeout=5)
        policies = response.headers.get_all("Content-Security-Policy")
        assert len(policies) == 1 and "sandbox" not in policies[0], (path, policies)
        assert "script-src 'self' 'wasm-unsafe-eval'" in policies[0], path
        response.close()


def test_missing_page_gets_the_vietnamese_404(nginx):
    base, _ = nginx
    status, _, body = fetch(base + "/tin-tuc/2026/13/khong-co/")
    assert status == 404 and "Không tìm thấy trang".encode() in body


def test_the_site_satisfies_its_content_security_policy(nginx, browser):  # noqa: F811
    base, site = nginx
    video = next(p for p in sorted((site / "tin-tuc").rglob("index.html")) if "cc-video" in p.read_text("utf-8"))
    pages = ["/", f"/{video.parent.relative_to(site)}/", "/thu-tuc/1-001193/", "/tim-kiem/?q=khai+sinh"]
    page = browser.new_page()
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    for path in pages:
        page.goto(base + path, wait_until="load")
        if "tim-kiem" in path:  # the search runs: WebAssembly and its worker are allowed
            page.wait_for_function("() => document.querySelectorAll('.cc-search__title a').length > 0", timeout=20000)
    page.close()
    assert violations == []


def test_old_addresses_redirect_permanently(nginx):
    base, site = nginx
    old = "/tin-tuc/2026/04/ap-dung-iso-9001-tai-trung-tam-phuc-vu-hanh-chinh-cong/"
    request = urllib.request.Request(base + old, method="GET")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(request, timeout=5)
        raise AssertionError("no redirect")
    except urllib.error.HTTPError as error:
        assert error.code == 301
        assert error.headers["Location"] == f"{base}/tin-tuc/2026/04/trung-tam-phuc-vu-hanh-chinh-cong-ap-dung-iso-9001-2015/"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
