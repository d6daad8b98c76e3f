"""Production settings: the portal's address, absolute URLs everywhere, feeds with full URLs.

`pelican content -s publishconf.py -o DIR` builds the production site into DIR, for the portal's
address; another address (staging, tests) is a setting override: `cchc build --production --siteurl
URL` or `pelican … -e SITEURL='"URL"'` (FEED_DOMAIN follows SITEURL: neither file sets it).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

SITEURL = "https://cchc.chilinh.haiphong.gov.vn"
RELATIVE_URLS = False
# .gz and .br copies of every text file for the web server to send as they are, made after
# everything else (including the search index of plugins/cchc_search), each distinct content
# compressed once and kept in CACHE_PATH (plugins/cchc_precompress).
PLUGINS = PLUGINS + ["cchc_precompress"]  # noqa: F405
CCHC_PRECOMPRESS = True
CCHC_MINIFY_CSS = True  # plugins/cchc_assets
DRAFT_SAVE_AS = ""  # drafts and scheduled articles are previewed locally, never published
DRAFT_PAGE_SAVE_AS = ""
DELETE_OUTPUT_DIRECTORY = False  # cchc build writes a fresh folder and swaps it in on success
