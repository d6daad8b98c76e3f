"""Bytes a visitor's browser downloads from opening the search page to the first result (issue 15).

measure(out, siteurl, queries) opens `{siteurl}/tim-kiem/?q=QUERY` in Debian's Chromium with
Playwright, once per query, each in a fresh browser context (empty cache: a first search). Nothing
is built and no server is started: requests to the site's address are answered from the files of
an already built production folder (`page.route`), every other address is refused.

Each response after the page document itself is counted as the web server sends it: the `.br` copy
the build wrote next to the file if there is one, else the `.gz` copy, else the file itself
(Pagefind's `.pf_*` files and its wasm are already compressed; fonts and images as they are).
Files every other page of the site already put in the visitor's cache (fonts, the site's CSS and
script, the favicon: their names carry a content hash) are counted apart as `shared_bytes`.

Figures are taken when the first result is visible (the responses finished by then) and again when
the network is idle (everything the page fetched, e.g. the rest of the results' fragments).
"""

from __future__ import annotations

import mimetypes
import pathlib
import urllib.parse

FIRST_RESULT = "[data-search-result] a, a[data-search-result], .cc-search__title a"  # the first form is the new markup
TIMEOUT_MS = 60_000
CHROMIUM = "/usr/bin/chromium"
# Files a visitor already has from any other page of the site (names carry a content hash).
SHARED = ("/theme/fonts/", "/theme/css/site.", "/theme/css/print.", "/theme/js/site.")

mimetypes.add_type("application/wasm", ".wasm")
mimetypes.add_type("font/woff2", ".woff2")


def sent_bytes(path: pathlib.Path) -> int:
    """What the web server sends for a file: its precompressed .br copy, else its .gz copy, else the file."""
    for suffix in (".br", ".gz"):
        copy = path.with_name(path.name + suffix)
        if copy.is_file():
            return copy.stat().st_size
    return path.stat().st_size


def is_shared(path: str) -> bool:
    return path.startswith(SHARED) or (path.endswith(".svg") and "favicon" in path.rsplit("/", 1)[-1])


def local_file(out: pathlib.Path, site_path: str) -> pathlib.Path | None:
    """The file of the built folder for a path of the site (a folder → its index.html), or None."""
    relative = urllib.parse.unquote(site_path).lstrip("/")
    target = (out / relative).resolve()
    if target != out and out not in target.parents:
        return None
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def _one_query(browser, out: pathlib.Path, siteurl: str, query: str) -> dict:
    site = urllib.parse.urlsplit(siteurl)
    prefix = siteurl.rstrip("/")
    served: dict[str, tuple[str, int]] = {}  # url → (site path, bytes sent), filled by the route
    finished: list[str] = []  # urls of finished responses, in order
    refused: list[str] = []  # addresses outside the site (none expected)
    not_found: list[str] = []  # paths of the site without a file

    def refuse(route):
        refused.append(route.request.url)
        route.abort()

    def serve(route):
        url = route.request.url
        parts = urllib.parse.urlsplit(url)
        path = local_file(out, parts.path) if parts.netloc == site.netloc else None
        if path is None:
            not_found.append(parts.path)
            served[url] = (parts.path, len(b"Not found"))
            route.fulfill(status=404, body="Not found", content_type="text/plain")
            return
        served[url] = (parts.path, sent_bytes(path))
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        route.fulfill(path=str(path), content_type=kind)

    def done(request):
        if not request.is_navigation_request():  # the search page itself is not counted
            finished.append(request.url)

    context = browser.new_context()
    try:
        context.route("**/*", refuse)  # nothing leaves the machine …
        page = context.new_page()
        page.route(prefix + "/**", serve)  # … but the site's own address (the later route wins)
        page.on("requestfinished", done)
        target = f"{prefix}/tim-kiem/?q={urllib.parse.quote_plus(query)}"
        page.goto(target, wait_until="commit", timeout=TIMEOUT_MS)
        first = page.wait_for_selector(FIRST_RESULT, state="visible", timeout=TIMEOUT_MS)
        at_first = list(finished)  # snapshot: what had arrived when the first result showed
        text = " ".join(first.inner_text().split())
        href = first.get_attribute("href")
        try:
            page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
            idle = True
        except Exception:  # noqa: BLE001 - a page that keeps fetching is a figure, not a failure
            idle = False
        at_idle = list(finished)
    finally:
        context.close()

    def figures(urls: list[str]) -> dict:
        own = shared = own_requests = shared_requests = 0
        files = []
        for url in urls:
            path, size = served.get(url, (urllib.parse.urlsplit(url).path, 0))
            if is_shared(path):
                shared += size
                shared_requests += 1
            else:
                own += size
                own_requests += 1
                files.append({"path": path, "bytes": size})
        return {"bytes": own, "requests": own_requests, "shared_bytes": shared, "shared_requests": shared_requests,
                "files": files}

    first_figures, idle_figures = figures(at_first), figures(at_idle)
    return {"query": query, "url": target.replace(prefix, "", 1),
            "first_result_text": text, "first_result_href": href,
            "first_result_bytes": first_figures["bytes"], "first_result_requests": first_figures["requests"],
            "shared_bytes": first_figures["shared_bytes"], "shared_requests": first_figures["shared_requests"],
            "idle_bytes": idle_figures["bytes"], "idle_requests": idle_figures["requests"],
            "idle_shared_bytes": idle_figures["shared_bytes"], "network_idle": idle,
            "not_found": not_found, "refused": refused,
            "files_to_first_result": first_figures["files"]}


def measure(out: pathlib.Path, siteurl: str, queries: list[tuple[str, str]]) -> list[dict]:
    """queries: (kind, query) pairs. One result per query; a query that fails (no result within
    the timeout, …) gets an `error` instead of figures, the others are still measured."""
    from playwright.sync_api import sync_playwright

    out = out.resolve()
    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for kind, query in queries:
                try:
                    result = _one_query(browser, out, siteurl, query)
                except Exception as error:  # noqa: BLE001 - one query must not cost the others
                    result = {"query": query, "error": repr(error)[:300]}
                results.append({"kind": kind, **result})
        finally:
            browser.close()
    return results


if __name__ == "__main__":
    import argparse
    import json

    parser = argparse.ArgumentParser(description="Search bytes to the first result, served from a built folder.")
    parser.add_argument("output", type=pathlib.Path, help="a production build's output folder")
    parser.add_argument("--siteurl", default="https://cchc.chilinh.haiphong.gov.vn", help="the SITEURL it was built with")
    parser.add_argument("queries", nargs="*", default=["dang ky khai sinh"])
    args = parser.parse_args()
    print(json.dumps(measure(args.output, args.siteurl, [("query", q) for q in args.queries]),
                     ensure_ascii=False, indent=1))
