"""finalized handler of cchc_search (module level: blinker keeps only weak references)."""

from __future__ import annotations

import logging
import subprocess
import sys

logger = logging.getLogger(__name__)


class SearchIndexError(RuntimeError):
    pass


def finalized(pelican):
    if not pelican.settings.get("CCHC_SEARCH", True):
        return
    # --force-language: Pagefind has no Vietnamese stemmer; "vi" keeps words whole, one index.
    command = [sys.executable, "-m", "pagefind", "--site", pelican.output_path, "--force-language", "vi",
               "--silent"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SearchIndexError("Không tạo được chỉ mục tìm kiếm (Pagefind): "
                               + (result.stderr or result.stdout).strip()[-2000:])
