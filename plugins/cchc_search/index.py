"""finalized handler of cchc_search (module level: blinker keeps only weak references)."""

from __future__ import annotations

import logging
import pathlib
import re
import subprocess
import sys

logger = logging.getLogger(__name__)


class SearchIndexError(RuntimeError):
    pass


# Where the pages that carry data-pagefind-body live (articles, procedures, pages). Pagefind reads
# only these: parsing the listing pages too cost a third of its time and memory at 5,000 articles
# (benchmarks/HISTORY.md). check_glob() makes sure no indexable page falls outside it.
PATTERNS = ("tin-tuc/*/*/*/index.html", "thu-tuc/*/index.html", "*/index.html")  # "*": one path segment
GLOB = "{" + ",".join(PATTERNS) + "}"
_GLOB_PARTS = [re.compile("^" + re.escape(p).replace(r"\*", "[^/]+") + "$") for p in PATTERNS]


def check_glob(output: pathlib.Path) -> None:
    for path in sorted(output.rglob("*.html")):
        rel = path.relative_to(output).as_posix()
        if rel.startswith("pagefind/") or any(part.match(rel) for part in _GLOB_PARTS):
            continue
        if "data-pagefind-body" in path.read_text(encoding="utf-8"):
            raise SearchIndexError(f"{rel} có data-pagefind-body nhưng nằm ngoài các trang Pagefind đọc "
                                   f"({GLOB}): thêm đường dẫn của nó vào GLOB trong plugins/cchc_search/index.py.")


def finalized(pelican):
    if not pelican.settings.get("CCHC_SEARCH", True):
        return
    check_glob(pathlib.Path(pelican.output_path))
    # --force-language: Pagefind has no Vietnamese stemmer; "vi" keeps words whole, one index.
    command = [sys.executable, "-m", "pagefind", "--site", pelican.output_path, "--force-language", "vi",
               "--glob", GLOB, "--silent"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SearchIndexError("Không tạo được chỉ mục tìm kiếm (Pagefind): "
                               + (result.stderr or result.stdout).strip()[-2000:])
