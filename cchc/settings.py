"""The project's own Pelican settings (`CCHC_*`): one table of every key with its kind, its default
and what it does, checked when a build starts.

Every `CCHC_*` key in the settings (pelicanconf.py, publishconf.py, `-e KEY=VALUE`, the overrides of
`cchc build`/`check`/`report` and the preview) must be a key of SETTINGS below and hold a value of its
kind; anything else stops the build before a file is read, with a Vietnamese message naming the key
(“Khóa cấu hình CCHC_PRECOMPRES không có; có phải CCHC_PRECOMPRESS?”). A misspelt key would otherwise
silently take its default. Defaults are set here, once, for keys the settings leave out.

Not settings, so not in SETTINGS:
  CONTEXT          names generators add to the template context (each build's data);
  cchc.state       the build's state (problems, notices, written pages, the build date): one object
                   under STATE_KEY, never a setting of its own;
  CCHC_DEPLOY_*    `cchc deploy`'s configuration, read from the environment or its TOML file by
                   cchc/deploy.py (README, "Publishing"); a build's settings never hold them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import os
from collections.abc import Callable
from typing import Any

from .errors import ContentError

PREFIX = "CCHC_"
STATE_KEY = "CCHC_STATE"  # where cchc.state keeps the build's state (created when a build starts)
DEPLOY_PREFIX = "CCHC_DEPLOY_"
REQUIRED = object()  # a key without default: the settings file must give it


@dataclasses.dataclass(frozen=True)
class Kind:
    label: str                      # what an editor is told the value must be, in Vietnamese
    accepts: Callable[[Any], bool]


def _is_str_list(value) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_date(value) -> bool:
    """None (today), a date, or "YYYY-MM-DD" (what `-e` and the environment give)."""
    if value is None or type(value) is dt.date:
        return True
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


BOOL = Kind("True hoặc False", lambda v: isinstance(v, bool))
INT = Kind("một số nguyên", _is_int)
NUMBER = Kind("một số", lambda v: (_is_int(v) or isinstance(v, float)))
TEXT = Kind("một chuỗi", lambda v: isinstance(v, str))
PATH = Kind("đường dẫn một thư mục (chuỗi)", lambda v: isinstance(v, str) and v != "")
TEXTS = Kind("danh sách chuỗi", _is_str_list)
TEXT_SET = Kind("danh sách chuỗi",
                lambda v: _is_str_list(v) or isinstance(v, (set, frozenset)) and all(isinstance(x, str) for x in v))
INTS = Kind("danh sách số nguyên",
            lambda v: isinstance(v, (list, tuple)) and all(_is_int(x) for x in v))
MAPPING = Kind("một từ điển {khóa: giá trị}", lambda v: isinstance(v, dict))
SIZES_MB = Kind("một từ điển {loại tệp: số MB}, ví dụ {\"image\": 2}",
                lambda v: isinstance(v, dict) and all(isinstance(k, str) and NUMBER.accepts(x) for k, x in v.items()))
BOOL_OR_INT = Kind("True, False hoặc một số nguyên (số tệp tối thiểu)", lambda v: isinstance(v, bool) or _is_int(v))
# An address of the site, relative to SITEURL, as pelicanconf.py writes them: "chuyen-muc/{slug}/".
ADDRESS = Kind("một địa chỉ trong trang, không bắt đầu bằng “/”, ví dụ \"chuyen-muc/{slug}/\"",
               lambda v: isinstance(v, str) and v.strip() == v != "" and not v.startswith("/") and "//" not in v)
DATE = Kind("một ngày dạng “YYYY-MM-DD”, ví dụ \"2026-11-26\"", _is_date)


@dataclasses.dataclass(frozen=True)
class Setting:
    kind: Kind
    default: Any      # a value, a function of the settings (paths under PATH), or REQUIRED
    plugin: str       # where it is read
    doc: str


def _under_path(*parts):
    return lambda settings: os.path.join(settings["PATH"], *parts)


def _address(plugin: str, doc: str) -> Setting:
    return Setting(ADDRESS, REQUIRED, plugin, doc)


# The addresses of the project's own sections: written in pelicanconf.py and nowhere else, so they
# have no default here (README, "Addresses"; tests/test_structure.py). Each *_SAVE_AS is the file
# its *_URL is served from. `cchc stats` and `cchc report` read them through cchc.addresses.
ADDRESSES: dict[str, Setting] = {
    "CCHC_PROCEDURES_URL": _address("cchc_procedures, theme", "the procedures' landing page"),
    "CCHC_PROCEDURES_SAVE_AS": _address("cchc_procedures", "the file of CCHC_PROCEDURES_URL"),
    "CCHC_PROCEDURE_URL": _address("cchc_procedures, cchc.stats, theme",
                                   "one procedure's page ({slug}: the code's slug, 1-001193)"),
    "CCHC_PROCEDURE_SAVE_AS": _address("cchc_procedures, cchc_search, cchc.stats", "the file of CCHC_PROCEDURE_URL"),
    "CCHC_PROCEDURES_AZ_URL": _address("theme", "the procedures A–Z"),
    "CCHC_PROCEDURES_AZ_SAVE_AS": _address("cchc_procedures", "the file of CCHC_PROCEDURES_AZ_URL"),
    "CCHC_PROCEDURE_INDEX_URL": _address("cchc_procedures, theme",
                                         "an index of procedures ({kind}: linh-vuc, co-quan, muc-do, su-kien)"),
    "CCHC_PROCEDURE_INDEX_SAVE_AS": _address("cchc_procedures", "the file of CCHC_PROCEDURE_INDEX_URL"),
    "CCHC_PROCEDURE_GROUP_URL": _address("cchc_procedures, theme", "one group of an index ({kind}, {slug})"),
    "CCHC_PROCEDURE_GROUP_SAVE_AS": _address("cchc_procedures", "the file of CCHC_PROCEDURE_GROUP_URL"),
    "CCHC_FINDER_SAVE_AS": _address("cchc_finder", "the procedure finder's data ({hash}: of its content)"),
    "CCHC_PROCEDURE_FEED_ATOM": _address("cchc_procedures, theme", "the procedure change feed (Atom)"),
    "CCHC_PROCEDURE_FEED_RSS": _address("cchc_procedures, theme", "the procedure change feed (RSS)"),
    "CCHC_PLAN_TASK_URL": _address("cchc_plan, theme", "a task of the plan ({code}: 01)"),
    "CCHC_PLAN_TASK_SAVE_AS": _address("cchc_plan", "the file of CCHC_PLAN_TASK_URL"),
    "CCHC_PLAN_BODY_URL": _address("theme", "what a body does in the plan ({code}: the body's code)"),
    "CCHC_PLAN_BODY_SAVE_AS": _address("cchc_plan", "the file of CCHC_PLAN_BODY_URL"),
    "CCHC_PLAN_MATRIX_CSV": _address("cchc_plan, theme", "the task matrix as CSV"),
    "CCHC_PLAN_MATRIX_JSON": _address("cchc_plan, theme", "the task matrix as JSON"),
    "CCHC_REPORTS_URL": _address("theme", "the list of reports"),
    "CCHC_REPORTS_SAVE_AS": _address("cchc_plan", "the file of CCHC_REPORTS_URL"),
    "CCHC_REPORT_URL": _address("cchc_plan, cchc.cli",
                                "a report and its .docx/.csv files ({year}: 2026, {slug}: quy-i, ca-nam)"),
    "CCHC_REPORT_SAVE_AS": _address("cchc_plan", "the file of CCHC_REPORT_URL"),
    "CCHC_SEARCH_URL": _address("theme, cchc.stats", "the search page"),
    "CCHC_SEARCH_SAVE_AS": _address("pelicanconf.py (TEMPLATE_PAGES)", "the file of CCHC_SEARCH_URL"),
    "CCHC_PODCAST_FEED": _address("cchc_podcast, theme", "the podcast feed"),
}

# Every project setting. Lists and dictionaries given as defaults are copied for each build.
SETTINGS: dict[str, Setting] = {
    "CCHC_DATA_DIR": Setting(PATH, _under_path("data"), "cchc_content",
                             "folder of the taxonomy and plan files (content/data/)"),
    "CCHC_MEDIA_HOSTS": Setting(TEXTS, ["www.youtube-nocookie.com"], "cchc_content, cchc_procedures",
                                "hosts an embedded video (`video_nhung`, iframes) may come from"),
    "CCHC_MEDIA_LIMITS_MB": Setting(SIZES_MB, {}, "cchc_content",
                                    "size limits in MB per kind of file (image, audio, video, other) over "
                                    "plugins/cchc_content/safety.py's MEDIA_LIMITS_MB"),
    "CCHC_PARALLEL_READING": Setting(BOOL_OR_INT, True, "cchc_content",
                                     "read Markdown in worker processes: True (from MIN_FILES files on), "
                                     "False, or the number of files from which to"),
    "CCHC_PARALLEL_WRITING": Setting(BOOL_OR_INT, True, "cchc.parallel_writes",
                                     "write news and procedure pages in two processes: True (from MIN_WRITES writes "
                                     "on), False, or the number of writes from which to"),
    "CCHC_BUILD_DATE": Setting(DATE, None, "cchc.state",
                               "the day the build is for (task statuses, reports, future dates): "
                               "None = the CCHC_BUILD_DATE environment variable, else today in Vietnam; "
                               "`cchc report --date` and reproducible builds set it"),
    "CCHC_ASSETS": Setting(TEXTS, ["css/*.css", "js/*.js"], "cchc_assets",
                           "globs under theme/static/ of the files given fingerprinted names"),
    "CCHC_MINIFY_CSS": Setting(BOOL, False, "cchc_assets", "minify stylesheets (publishconf.py)"),
    "CCHC_IMAGE_WIDTHS": Setting(INTS, [480, 960], "cchc_images", "widths of the smaller copies of photos"),
    "CCHC_IMAGE_SIZES": Setting(TEXT, "(min-width: 46em) 44em, 100vw", "cchc_images",
                                "the `sizes` attribute of photos in articles"),
    "CCHC_RELATED_MAX": Setting(INT, 4, "cchc_related", "at most this many “Tin liên quan”"),
    "CCHC_PROCEDURES_DIR": Setting(PATH, _under_path("procedures"), "cchc_procedures",
                                   "folder of the procedure records (content/procedures/)"),
    "CCHC_PROCEDURE_FEED_TITLE": Setting(TEXT, "Thủ tục hành chính mới, sửa đổi, bãi bỏ", "cchc.feeds, theme",
                                         "the procedure change feed's title (after “SITENAME - ”) and its name "
                                         "on the pages"),
    "CCHC_REPORTS": Setting(TEXTS, [], "cchc_plan",
                            "extra periods to report on, e.g. [\"Quý I/2026\"] (`cchc report`)"),
    "CCHC_REPORT_STATS": Setting(MAPPING, {}, "cchc_plan",
                                 "readership figures per period label (`cchc report --stats`)"),
    "CCHC_STATS_DIR": Setting(PATH, _under_path("data", "thong-ke"), "cchc_plan, cchc_finder",
                              "folder of readership figures, <kỳ>.json (`cchc stats --json`)"),
    "CCHC_PODCAST_IMAGE": Setting(TEXT, "theme/podcast.jpg", "cchc_podcast",
                                  "the podcast's cover (1400×1400), relative to the site"),
    "CCHC_PODCAST_TITLE": Setting(TEXT, "Chuyên đề phát thanh cải cách hành chính – Phường Chí Linh", "cchc.feeds",
                                  "the podcast's title"),
    "CCHC_PODCAST_DESCRIPTION": Setting(
        TEXT, "Các chương trình phát thanh tuyên truyền cải cách hành chính trên hệ thống truyền thanh cơ sở "
              "phường Chí Linh, thành phố Hải Phòng (Kế hoạch 110/QĐ-UBND, nhiệm vụ 05).",
        "cchc.feeds", "the podcast's description (also its itunes:summary)"),
    "CCHC_PODCAST_AUTHOR": Setting(TEXT, "Trung tâm Dịch vụ sự nghiệp công phường Chí Linh", "cchc.feeds",
                                   "who makes the programmes (itunes:author and itunes:owner)"),
    "CCHC_FEED_ALL_TITLE": Setting(TEXT, "Tất cả tin bài", "theme",
                                   "the name the pages give the feed of all articles (FEED_ALL_ATOM/_RSS)"),
    "CCHC_CATEGORY_FEED_TITLE": Setting(TEXT, "Chuyên mục {name}", "theme",
                                        "the name the pages give a chuyên mục's feed ({name}: the chuyên mục)"),
    "CCHC_TAG_FEED_TITLE": Setting(TEXT, "Từ khóa {name}", "theme",
                                   "the name the pages give a tag's feed ({name}: the tag)"),
    "CCHC_REDIRECT_MAP": Setting(TEXT, "redirects.map", "cchc_redirects", "the nginx map of old addresses"),
    "CCHC_SITEMAP_EXCLUDE": Setting(TEXTS, ["404.html", "theme/*", "ban-nhap/*"], "cchc_sitemap",
                                    "glob patterns of built files left out of sitemap.xml"),
    "CCHC_SEARCH": Setting(BOOL, True, "cchc_search", "make the Pagefind index (False: none)"),
    "CCHC_SEARCH_BUNDLE_PAGES": Setting(INT, 2000, "cchc_search",
                                        "pages per full-text Pagefind bundle (plugins/cchc_search BUNDLE_PAGES)"),
    "CCHC_PRECOMPRESS": Setting(BOOL, False, "cchc_precompress", ".br and .gz copies of text files (publishconf.py)"),
    "CCHC_PRECOMPRESS_EXTENSIONS": Setting(TEXT_SET, [".html", ".css", ".js", ".xml", ".json", ".svg", ".txt", ".csv"],
                                           "cchc_precompress", "extensions of the files compressed"),
    "CCHC_PRECOMPRESS_KEEP_DAYS": Setting(NUMBER, 30, "cchc_precompress",
                                          "days a compressed copy unused stays in the cache"),
    "CCHC_ORGANIZATION": Setting(MAPPING, REQUIRED, "theme",
                                 "schema.org data of the ward (pelicanconf.py), JSON-LD on every page"),
    **ADDRESSES,
}

# Set by plugins for templates when a build starts, from the code's own tables; a value in the
# settings is replaced.
DERIVED = {
    "CCHC_CHANGE_LABELS": "cchc_procedures: procedures.CHANGES, labels of a procedure's changes",
    "CCHC_CHANNEL_LABELS": "cchc_procedures: procedures.CHANNELS, labels of how a procedure is filed",
    "CCHC_PROCEDURE_LABELS": "cchc_procedures: each procedure field's Vietnamese label, from cchc/procedures/schema.py",
}

# Added to the template context by generators while a build runs; never settings.
CONTEXT = {
    "CCHC_PROCEDURES": "cchc_procedures: the procedure section",
    "CCHC_FINDER": "cchc_finder: the procedure finder's data",
    "CCHC_PLAN": "cchc_plan: the plan, task statuses and reports",
    "CCHC_PODCAST_EPISODES": "cchc_podcast: articles with audio",
}


class SettingsError(ContentError):
    """Settings the build cannot run with; str() lists every one, with what to do."""

    def __init__(self, messages: list[str]):
        self.problems = list(messages)
        head = f"Có {len(messages)} lỗi trong cấu hình, trang chưa được tạo lại (bản cũ giữ nguyên):"
        Exception.__init__(self, "\n".join([head, *(f"  - {m}" for m in messages)]))


WHERE = "tệp cấu hình (pelicanconf.py, publishconf.py) hoặc tùy chọn -e"
LIST = "Các khóa dùng được, kiểu và giá trị mặc định: bảng SETTINGS trong cchc/settings.py (README, mục “Settings”)."


def problems(settings) -> list[str]:
    """Every CCHC_* key of the settings that is unknown, or whose value is not of its kind."""
    found = []
    for key in sorted(k for k in settings if k.startswith(PREFIX)):
        value = settings[key]
        if key in SETTINGS:
            setting = SETTINGS[key]
            if not setting.kind.accepts(value):
                example = setting.default(settings) if callable(setting.default) else setting.default
                shown = "" if example in (REQUIRED, None) else f" Giá trị mặc định: {key} = {example!r}."
                found.append(f"Khóa cấu hình {key} phải là {setting.kind.label}, không phải {value!r}. "
                             f"Cách sửa: sửa giá trị trong {WHERE}.{shown}")
        elif key == STATE_KEY:  # checked before cchc.state puts the build's state there
            found.append(f"Khóa cấu hình {key} là tên dành riêng cho trạng thái của lần dựng. "
                         f"Cách sửa: xóa khóa này khỏi {WHERE}.")
        elif key in DERIVED:
            continue
        elif key.startswith(DEPLOY_PREFIX):
            found.append(f"Khóa {key} là cấu hình xuất bản (cchc deploy), không phải cấu hình dựng trang. "
                         "Cách sửa: xóa khóa này khỏi tệp cấu hình; đặt nó trong biến môi trường hoặc tệp TOML "
                         "của cchc deploy (README, mục “Publishing”).")
        else:
            guess = difflib.get_close_matches(key, [*SETTINGS, *DERIVED], n=1, cutoff=0.75)
            if guess:
                found.append(f"Khóa cấu hình {key} không có; có phải {guess[0]}? "
                             f"Cách sửa: sửa tên khóa trong {WHERE}. {LIST}")
            else:
                found.append(f"Khóa cấu hình {key} không có. Cách sửa: xóa khóa này khỏi {WHERE}, hoặc, "
                             f"nếu đó là một cấu hình mới, thêm nó vào bảng SETTINGS. {LIST}")
    for key, setting in SETTINGS.items():
        if setting.default is REQUIRED and key not in settings:
            found.append(f"Thiếu khóa cấu hình {key} ({setting.kind.label}). Cách sửa: đặt {key} trong "
                         f"pelicanconf.py. {LIST}")
    return found


def prepare(settings) -> None:
    """Checks every CCHC_* key (SettingsError) and sets the defaults of those left out."""
    found = problems(settings)
    if found:
        raise SettingsError(found)
    for key, setting in SETTINGS.items():
        if key not in settings and setting.default is not REQUIRED:
            default = setting.default(settings) if callable(setting.default) else setting.default
            settings[key] = default.copy() if isinstance(default, (list, dict, set)) else default


def site_overrides(siteurl: str) -> dict:
    """The settings a build for another address overrides: SITEURL and the feeds' FEED_DOMAIN
    (neither conf file derives FEED_DOMAIN; Pelican sets it from SITEURL when it is left out)."""
    siteurl = siteurl.rstrip("/")
    return {"SITEURL": siteurl, "FEED_DOMAIN": siteurl}
