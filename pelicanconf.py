"""Pelican settings for a local build of the "Cải cách hành chính" section (make html / serve).

publishconf.py imports these and adds what production needs. URL patterns live here and only here.
"""

import logging
import os
import sys

import jinja2

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)  # the cchc package, also when pelican runs outside the virtualenv's cwd

from cchc import html_safety, plan, sharing, vn  # noqa: E402

AUTHOR = "Ủy ban nhân dân phường Chí Linh"
SITENAME = "Cải cách hành chính – Phường Chí Linh"
SITESUBTITLE = ("Chuyên mục Cải cách hành chính của Cổng thông tin điện tử phường Chí Linh, "
                "thành phố Hải Phòng")
PORTAL_NAME = "Cổng thông tin điện tử phường Chí Linh"
# Local builds are served by `make serve` on port 8000; absolute URLs keep feeds valid there too.
# Another address is a setting override (`cchc build --siteurl URL`, `pelican -e SITEURL='"URL"'`).
SITEURL = "http://127.0.0.1:8000"
RELATIVE_URLS = False

PATH = os.path.join(_HERE, "content")
OUTPUT_PATH = os.path.join(_HERE, "output")
CACHE_PATH = os.path.join(_HERE, "cache")
THEME = os.path.join(_HERE, "theme")
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
# No reStructuredText here: docutils has no Vietnamese and would warn on every build (fatal in CI).
READERS = {"rst": None}

ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "media"]
# Data and procedure records are read by our plugins, never as pages or static files.
ARTICLE_EXCLUDES = ["data"]
PAGE_EXCLUDES = ["data"]
SLUGIFY_SOURCE = "basename"
# One language, no translations: Pelican would otherwise group items by slug and keep one of two
# articles whose addresses collide. plugins/cchc_content reports such collisions (both files named).
ARTICLE_TRANSLATION_ID = None
PAGE_TRANSLATION_ID = None  # plugins/cchc_content replaces the slug with cchc.vn.slugify anyway

# ---- addresses (all ASCII, folder-style) -------------------------------------------------------
ARTICLE_URL = "tin-tuc/{date:%Y}/{date:%m}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
ARTICLE_LANG_URL = ARTICLE_URL
ARTICLE_LANG_SAVE_AS = ""
DRAFT_URL = "ban-nhap/{slug}/"
DRAFT_SAVE_AS = DRAFT_URL + "index.html"
DRAFT_PAGE_URL = "ban-nhap/trang/{slug}/"
DRAFT_PAGE_SAVE_AS = DRAFT_PAGE_URL + "index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = PAGE_URL + "index.html"
PAGE_LANG_SAVE_AS = ""
CATEGORY_URL = "chuyen-muc/{slug}/"
CATEGORY_SAVE_AS = CATEGORY_URL + "index.html"
CATEGORIES_URL = "chuyen-muc/"
CATEGORIES_SAVE_AS = CATEGORIES_URL + "index.html"
TAG_URL = "the/{slug}/"
TAG_SAVE_AS = TAG_URL + "index.html"
TAGS_URL = "the/"
TAGS_SAVE_AS = TAGS_URL + "index.html"
AUTHOR_SAVE_AS = ""  # the issuing body is our own field (co_quan), not a Pelican author
AUTHORS_SAVE_AS = ""
ARCHIVES_URL = "tin-tuc/"
ARCHIVES_SAVE_AS = ARCHIVES_URL + "index.html"
YEAR_ARCHIVE_URL = "tin-tuc/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = YEAR_ARCHIVE_URL + "index.html"
MONTH_ARCHIVE_URL = "tin-tuc/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_URL + "index.html"
DAY_ARCHIVE_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "categories", "tags", "archives"]

# The project's own sections (keys listed in cchc/settings.py). This is the one place they are
# written: the plugins write and link them from these, the templates read them from the context,
# the scripts from the pages (data-procedure), `cchc stats` and `cchc report` through
# cchc.addresses; tests/test_structure.py fails on a copy anywhere else. {slug}, {kind}, {code},
# {year} and {hash} are filled in as Pelican fills ARTICLE_URL.
# Procedures (plugins/cchc_procedures, cchc_finder): the landing page, one page per procedure
# ({slug}: 1-001193 for 1.001193), A–Z, the indexes ({kind}: linh-vuc, co-quan, muc-do, su-kien)
# and their groups, the finder's data, the change feed.
CCHC_PROCEDURES_URL = "thu-tuc/"
CCHC_PROCEDURES_SAVE_AS = CCHC_PROCEDURES_URL + "index.html"
CCHC_PROCEDURE_URL = CCHC_PROCEDURES_URL + "{slug}/"
CCHC_PROCEDURE_SAVE_AS = CCHC_PROCEDURE_URL + "index.html"
CCHC_PROCEDURES_AZ_URL = CCHC_PROCEDURES_URL + "a-z/"
CCHC_PROCEDURES_AZ_SAVE_AS = CCHC_PROCEDURES_AZ_URL + "index.html"
CCHC_PROCEDURE_INDEX_URL = CCHC_PROCEDURES_URL + "{kind}/"
CCHC_PROCEDURE_INDEX_SAVE_AS = CCHC_PROCEDURE_INDEX_URL + "index.html"
CCHC_PROCEDURE_GROUP_URL = CCHC_PROCEDURE_INDEX_URL + "{slug}/"
CCHC_PROCEDURE_GROUP_SAVE_AS = CCHC_PROCEDURE_GROUP_URL + "index.html"
CCHC_FINDER_SAVE_AS = CCHC_PROCEDURES_URL + "tim-thu-tuc.{hash}.json"
CCHC_PROCEDURE_FEED_ATOM = "feeds/thu-tuc.atom.xml"
CCHC_PROCEDURE_FEED_RSS = "feeds/thu-tuc.rss.xml"
# The plan (plugins/cchc_plan): task and body pages, the task matrix's exports, the reports
# ({year}/{slug}: 2026/quy-i; the .docx and .csv files are written beside each report's page).
CCHC_PLAN_TASK_URL = "ke-hoach/nhiem-vu/{code}/"
CCHC_PLAN_TASK_SAVE_AS = CCHC_PLAN_TASK_URL + "index.html"
CCHC_PLAN_BODY_URL = "ke-hoach/co-quan/{code}/"
CCHC_PLAN_BODY_SAVE_AS = CCHC_PLAN_BODY_URL + "index.html"
CCHC_PLAN_MATRIX_CSV = "ke-hoach/ma-tran-nhiem-vu.csv"
CCHC_PLAN_MATRIX_JSON = "ke-hoach/ma-tran-nhiem-vu.json"
CCHC_REPORTS_URL = "bao-cao/"
CCHC_REPORTS_SAVE_AS = CCHC_REPORTS_URL + "index.html"
CCHC_REPORT_URL = CCHC_REPORTS_URL + "{year}/{slug}/"
CCHC_REPORT_SAVE_AS = CCHC_REPORT_URL + "index.html"
# The search page (plugins/cchc_search; `cchc stats` counts its queries) and the podcast feed.
CCHC_SEARCH_URL = "tim-kiem/"
CCHC_SEARCH_SAVE_AS = CCHC_SEARCH_URL + "index.html"
CCHC_PODCAST_FEED = "feeds/phat-thanh.rss.xml"
# The search page and the Vietnamese "page not found" page.
TEMPLATE_PAGES = {"tim-kiem.html": CCHC_SEARCH_SAVE_AS, "404.html": "404.html"}
# An article dated in the future is an error unless its editor writes "hen_gio: co"; such an article
# stays unpublished (a draft) until a build on or after its date (plugins/cchc_content).
WITH_FUTURE_DATES = False

DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "period_archives": 20}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/trang/{number}/", "{base_name}/trang/{number}/index.html"),
)
NEWEST_FIRST_ARCHIVES = True

# ---- feeds: each taxonomy in its own folder (no category/tag path collisions) ------------------
# Every feed is written by cchc/feeds.py (plugins/cchc_feeds). The procedure feed's and the
# podcast's titles and the names the pages give the feeds are CCHC_*_TITLE settings (cchc/settings.py).
# FEED_DOMAIN is left out: Pelican sets it to SITEURL, also to an overridden one.
FEED_ALL_ATOM = "feeds/tat-ca.atom.xml"
FEED_ALL_RSS = "feeds/tat-ca.rss.xml"
FEED_ATOM = None
FEED_RSS = None
CATEGORY_FEED_ATOM = "feeds/chuyen-muc/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/chuyen-muc/{slug}.rss.xml"
TAG_FEED_ATOM = "feeds/the/{slug}.atom.xml"
TAG_FEED_RSS = "feeds/the/{slug}.rss.xml"
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
FEED_MAX_ITEMS = 20  # enough for a phone's feed reader, small enough for a slow connection
RSS_FEED_SUMMARY_ONLY = False

# ---- reading ---------------------------------------------------------------------------------
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.toc": {"permalink": False, "slugify": vn.heading_id},
        "markdown.extensions.sane_lists": {},
    },
    "output_format": "html5",
}
# plugins/cchc_content reports images without a description in Vietnamese with file and line;
# Pelican's own English warning for the same thing would stop a --fatal build before it.
LOG_FILTER = [(logging.WARNING, "Empty alt attribute for image %s in %s")]
TYPOGRIFY = True
# "caps" wraps only part of Vietnamese abbreviations ("QĐ-UBND" → "QĐ-<span>UBND</span>");
# "initial_quotes" adds spans for nothing Vietnamese needs; "widont" puts no-break spaces into
# titles, which then reach feeds, search and the <title> of every page.
TYPOGRIFY_OMIT_FILTERS = ["caps", "initial_quotes", "widont"]
SUMMARY_MAX_LENGTH = 50

# ---- plugins (listed explicitly; order matters: content checks before images) -----------------
PLUGIN_PATHS = [os.path.join(_HERE, "plugins")]
PLUGINS = [
    "cchc_assets",       # fingerprinted names for the theme's CSS and JS ({{ "css/site.css" | asset }})
    "cchc_figures",      # Markdown: photos with captions become <figure>
    "cchc_content",      # normalise text, slugs, check metadata against content/data/
    "cchc_uploads",      # what may be read and published from content/: no links out, allowed types, safe SVG
    "cchc_images",       # srcset, width/height, smaller copies of photos
    "cchc_related",      # "Tin liên quan"
    "cchc_procedures",   # "Tra cứu thủ tục hành chính" (content/procedures/); before cchc_plan
    "cchc_finder",       # the procedure finder's data (content/data/tu-khoa-thu-tuc.yaml); after cchc_procedures
    "cchc_plan",         # task matrix, progress, reports, exports (content/data/ke-hoach.yaml)
    "cchc_podcast",      # the radio programmes as a podcast feed (enclosures, iTunes tags)
    "cchc_feeds",        # every feed by cchc/feeds.py's writer: language, RSS guids, absolute URLs
    "cchc_redirects",    # old addresses (dia_chi_cu) keep working: pages + nginx map
    "cchc_sitemap",      # sitemap.xml and robots.txt for every page written
    "cchc_search",       # Pagefind index of articles, pages and procedures (after writing)
    "pelican.plugins.neighbors",  # previous / next article
    "cchc_urls",         # addresses worked out once, after every plugin has set slugs (last)
    "cchc_writing",      # the news pages written by two processes (cchc/parallel_writes.py)
]

# ---- theme -----------------------------------------------------------------------------------
JINJA_FILTERS = {
    "ngay_chinh_thuc": vn.official_date,   # ngày 05 tháng 3 năm 2026
    "ngay_ngan": vn.short_date,            # 05/03/2026
    "thu": vn.weekday,                     # Thứ Năm
    "iso": vn.iso_date,                    # 2026-03-05T09:30:00+07:00
    "thang": vn.month_label,               # Tháng 3/2026
    "so": vn.number,                       # 1.245
    "dung_luong": vn.file_size,            # 2,4 MB
    "sap_xep_vi": vn.sorted_vi,
    "slug": vn.slugify,                    # Đăng ký → dang-ky
    "tu_khoa_tim": vn.search_terms,        # folded words and codes for the search index
    "readership": plan.readership_rows,    # report figures of `cchc stats` (task 04)
    "top_articles": plan.top_articles,
    "chia_se_facebook": sharing.facebook_share_url,
    "chia_se_zalo": sharing.zalo_share_url,
    "sanitized": html_safety.sanitized,    # an item's content/summary/title: HTML that passed the sanitizer
}
HOTLINE = "0220 3882 115"
CONTACT_EMAIL = "cchc.chilinh@haiphong.gov.vn"
ADDRESS = "Trung tâm Phục vụ hành chính công phường Chí Linh, phường Chí Linh, thành phố Hải Phòng"
PORTAL_URL = "https://chilinh.haiphong.gov.vn/"
# StrictUndefined: a typo in a template is a build error, never an empty link on the site.
# autoescape: everything a template prints is text unless it is an item's sanitized HTML
# (`| sanitized`, cchc/html_safety.py); data, procedures, plan and log figures are never markup.
# auto_reload off: a build renders 9,000 pages with templates that cannot change during it, and
# Jinja otherwise asks the file system about each imported macro file on every page (71,000 times,
# 2 s at 5,000 articles); the preview builds again in a new process when a template is saved.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "extensions": ["jinja2.ext.do"],
                     "undefined": jinja2.StrictUndefined, "autoescape": True, "auto_reload": False}

# Project settings (CCHC_*): every key, its kind and default is in cchc/settings.py, and a key that
# is not there stops the build (README, "Settings").

# schema.org data of the ward (JSON-LD on the home page and as provider/publisher elsewhere).
CCHC_ORGANIZATION = {
    "@type": "GovernmentOrganization",
    "name": AUTHOR,
    "url": PORTAL_URL,
    "telephone": HOTLINE,
    "email": CONTACT_EMAIL,
    "address": {"@type": "PostalAddress", "streetAddress": ADDRESS, "addressLocality": "Phường Chí Linh",
                "addressRegion": "Thành phố Hải Phòng", "addressCountry": "VN"},
    "areaServed": {"@type": "AdministrativeArea", "name": "Phường Chí Linh, thành phố Hải Phòng"},
}
