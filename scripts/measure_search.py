#!/usr/bin/env python3
"""Bytes a phone downloads from opening the search page to the first results (search issue goal:
≤ 150 KB on the sample site). A measurement, not a test: prints JSON; figures go in docs/chat-luong.md.

Usage: .venv/bin/python scripts/measure_search.py [QUERY]
Builds the production site into a temporary folder, serves it on 127.0.0.1, opens
/tim-kiem/?q=QUERY in Debian's Chromium and adds up every response until results are shown. Text
responses are counted gzip-compressed (as the portal's web server sends them); fonts, images and
Pagefind's index files are counted as they are (already compressed).
"""

import functools
import gzip
import http.server
import json
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import threading

from playwright.sync_api import sync_playwright

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ("/theme/fonts/", "/theme/css/site.", "/theme/css/print.", "/theme/js/site.", ".svg")  # names carry a content hash


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main(query: str) -> dict:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "cchc.cli", "build", "--production", "-o", tmp, "--siteurl", base],
                       cwd=ROOT, check=True, capture_output=True, env=dict(os.environ))
        handler = functools.partial(Quiet, directory=tmp)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
                page = browser.new_page()
                responses = []
                page.on("response", lambda response: responses.append(response))
                page.goto(f"{base}/tim-kiem/?q={query}", wait_until="load")
                page.wait_for_function("() => document.querySelectorAll('.cc-search__title a').length > 0",
                                       timeout=30000)
                files, total, shared = [], 0, 0
                for response in responses:
                    body = response.body()
                    kind = response.headers.get("content-type", "")
                    text = kind.startswith(("text/", "application/javascript", "application/json", "image/svg"))
                    size = len(gzip.compress(body, 9)) if text else len(body)
                    total += size
                    shared += size if any(s in response.url for s in SHARED) else 0
                    files.append({"url": response.url.replace(base, ""), "bytes": size})
                browser.close()
        finally:
            server.shutdown()
    return {"query": query, "first_visit_bytes": total, "search_only_bytes": total - shared, "files": files}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1] if len(sys.argv) > 1 else "dang+ky+khai+sinh"), ensure_ascii=False, indent=1))
