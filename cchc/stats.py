"""`cchc stats`: readership figures (task 04 of the plan) from the web server's own access logs.

The site loads no tracker; the figures come from nginx/Apache "combined" access logs, read line by
line (plain or gzip, several files, in any order).

Rules, in the order they are applied to each line
  1. A line that is not in the combined format, whose time cannot be read, or longer than 8 KB
     (MAX_LINE_BYTES; such a line is never read whole nor parsed), is malformed: counted and
     skipped. Blank lines are ignored. Bytes that are not UTF-8 are read as U+FFFD.
  2. Times carry their own offset (+0700, +0000, …); each is converted to Asia/Ho_Chi_Minh and the
     Vietnam day decides whether the line falls in the period (else: counted as out of period).
  3. Excluded, counted by reason (first matching reason wins):
     health_check   the site's own health checks: User-Agent containing kube-probe, HealthCheck,
                    Health-Check, or a request to /healthz, /livez, /readyz, /health;
     bot            bots and crawlers according to CrawlerDetect (see BotCheck), on the User-Agent's
                    first 512 characters (MAX_AGENT); on feeds, feed readers
                    and aggregators are what we count, so there a client CrawlerDetect flags is kept
                    when its User-Agent says it reads feeds (feed, rss, atom, reader, "N subscribers");
     error          status 4xx or 5xx;
     other_method   anything but GET (HEAD, POST, …), or a request line that cannot be read;
     asset          theme/, pagefind/, images/, favicon, robots.txt, sitemap.xml, style sheets,
                    scripts, images and fonts;
     redirect       3xx other than 304 (the target of the redirect is logged separately);
     other          anything that is not a page, a feed or an audio file (documents, exports…).
  4. What is left (2xx and 304) is counted:
     page views     addresses ending in "/" or ".html" ("…/index.html" is the same page as "…/");
                    articles (ARTICLE_URL), procedures (CCHC_PROCEDURE_URL), other pages;
     searches       ?q=… on the search page (CCHC_SEARCH_URL): the query after vn.normalize,
                    spaces collapsed, case-folded (so "Đăng ký" = "đăng ký", but "dang ky" is
                    another query); one per request;
     feeds          feeds/**.xml: distinct fetchers per day, averaged over the days the logs cover,
                    plus the subscriber counts aggregators state in their User-Agent ("Feedly/1.0
                    (…; 27 subscribers; …)"): the latest count per aggregator and feed, added up.
                    A fetcher that states a count is counted by that count, not as one fetcher;
     audio          media/**.mp3 (.m4a, .ogg, .opus, .wav): a play is one visitor-day per file, so
                    several range requests (206) of one file by one visitor on one day are one play;
                    a download is a 200 response (the whole file sent).

Visitors, without storing IP addresses
  A visitor is the 8-byte keyed BLAKE2b digest of (IP, User-Agent) with a random salt made for each
  Vietnam day. Salts live only in memory and are never written; as files come in any order, a day's
  salt cannot be dropped when the day ends in the logs, so all are dropped when the command ends.
  IPs are never stored (not even in memory beyond the line being read) or written. "Khách" (visitors) is thus counted per day: a person reading on three days
  counts three times; the figure for a period is the sum of the daily figures (visitor-days).
  Section-wide visitors count readers of any page; per category, article, procedure or page, readers
  of that address (a category's readers are those of its articles, known only with --site).

Memory
  Files may come in any order, so a day is never known to be finished: every distinct
  (day, counted item, visitor) triple is kept, packed in one Python int (≈ 80 bytes each with the
  set's overhead, measured: 1 million triples ≈ 80 MB). Memory grows with distinct readers per day ×
  items each reads × days, never with the number of lines: a year of 2 000 readers a day reading
  4 pages each is ≈ 3 million triples ≈ 240 MB; a quarter ≈ 60 MB. Per-address counters grow with
  the number of distinct addresses. docs/chat-luong.md records the timing of 1 million lines.

Chuyên mục (--site OUTPUT_DIR)
  With the built site, each article address is mapped to its chuyên mục by the link in the article
  page's `<p class="cc-article__kicker"><a href="…/chuyen-muc/<mã>/">`; titles of articles and
  procedures are read from their <h1>. Without it, articles are listed by address only.

JSON keys (stable; unaccented Vietnamese, like the site's other exports)
  phien_ban                  format version (1)
  ky                         {ten, tu_ngay, den_ngay, mui_gio}: the period, dates YYYY-MM-DD
  so_ngay_co_du_lieu         Vietnam days of the period with at least one log line
  dong                       {tong, sai_dinh_dang, ngoai_ky, duoc_tinh,
                              loai_tru: {health_check, bot, error, other_method, asset, redirect, other}}
  tong                       {luot_xem, khach, luot_tim_kiem, nguoi_theo_doi_ban_tin, thue_bao_ban_tin,
                              luot_nghe, luot_tai}
  theo_ngay                  [{ngay, luot_xem, khach}] for every day with data, oldest first
  co_chuyen_muc              true when --site was given
  chuyen_muc                 [{ma, ten, luot_xem, khach}]  (ma "khong-ro": article not in the site)
  bai_viet                   [{dia_chi, tieu_de, chuyen_muc, luot_xem, khach}]  (chuyen_muc: mã or null)
  thu_tuc                    [{dia_chi, ma, ten, luot_xem, khach}]  (ma "1.001193")
  trang_khac                 [{dia_chi, luot_xem, khach}]
  tim_kiem                   [{tu_khoa, so_lan}]
  ban_tin                    [{dia_chi, nguoi_doc_moi_ngay, thue_bao, dich_vu: [{ten, thue_bao}],
                               nguoi_theo_doi}]  (nguoi_theo_doi = nguoi_doc_moi_ngay + thue_bao)
  am_thanh                   [{dia_chi, luot_nghe, luot_tai, yeu_cau}]
  Lists are sorted by luot_xem / so_lan / nguoi_theo_doi / luot_nghe (most first), then address.
  Addresses are paths from the site's root ("/tin-tuc/2026/03/ten-bai/"). Which are articles,
  procedures and the search page is read from the site's settings (ARTICLE_URL, CCHC_PROCEDURE_URL,
  CCHC_SEARCH_URL of pelicanconf.py, through cchc.addresses), as the build that wrote them did.

Why not GoAccess or a log-parsing library: GoAccess counts visitors by IP, date and User-Agent in
its own store and knows nothing of chuyên mục, subscriber counts or plays; the combined format is one
regular expression, and the figures here must be exact on known input (tests/test_stats.py).

CSV (--csv): one row per figure, columns nhom, ma, ten, chi_so, gia_tri; nhom is a JSON key above
(ky, dong, loai_tru, tong, theo_ngay, chuyen_muc, bai_viet, thu_tuc, trang_khac, tim_kiem, ban_tin,
am_thanh), chi_so the figure's JSON key; decimals use "." (UTF-8 with BOM, CRLF, as the site's CSVs).

Hostile logs (../shared/design/TRUST.md, rule 6; tests/test_hostile_logs.py)
  Request lines, queries and User-Agents are whatever a visitor sent. Control characters (C0, DEL,
  C1, escape sequences whole, bidi and other format characters) are removed from everything printed
  or written (clean_text); a CSV text cell that does not start with a letter, digit, "/", quote or
  opening bracket gets a leading ' (spreadsheet_cell), so =, +, -, @, tab and CR never start a
  formula; counts stay numbers. The User-Agent is cut before any matching and the bot check is
  linear in its length (BotCheck); an over-long line costs its reading only.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import gzip
import hashlib
import html
import io
import json
import os
import pathlib
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from urllib.parse import parse_qs, unquote

# CrawlerDetect (PyPI `crawlerdetect`, a port of JayBizzle/Crawler-Detect): a maintained list of
# ~1 400 crawler patterns plus exclusions, with no network access and no dependencies. Chosen over a
# hand-written regex (the list is kept up to date upstream) and over Matomo's device-detector (more
# detail than we need, several compiled dependencies, slower start). It flags scripts (curl,
# python-requests, wget) and monitoring agents as well as search crawlers. Its lists are used as
# they are; how they are matched is ours (see BotCheck): the package's own regex is quadratic.
from crawlerdetect.providers.crawlers import data as _CRAWLER_PATTERNS
from crawlerdetect.providers.exclusions import data as _EXCLUSION_PATTERNS

from . import addresses, vn
from .periods import Period, parse_period, year_period

# ---- hostile text (../shared/design/TRUST.md, rule 6) --------------------------------------------
# Every byte of an access log is written by whoever sends a request: the request line, the query
# and the User-Agent are an attacker's text. What reaches staff (terminal, CSV, JSON) is cleaned
# here, by allowlist: a character is kept when Python calls it printable (letters, marks, numbers,
# punctuation, symbols, the space); whitespace controls become a space; everything else (C0, DEL,
# C1, format characters such as bidi overrides, surrogates, private use, unassigned) is removed.

MAX_LINE_BYTES = 8192   # longer log lines are counted as malformed and never parsed
MAX_AGENT = 512         # a User-Agent is cut to this many characters before any matching

# Terminal escape sequences are removed whole, parameters included (the characters left after
# removing ESC alone are harmless, but "]0;title" is noise): CSI (colours, cursor moves), the
# string commands OSC/DCS/SOS/PM/APC (window titles, clipboard) up to BEL or ST, and any other ESC
# sequence; the 8-bit forms too. Every part is a bounded character class: linear time.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?")


def clean_text(text: str) -> str:
    """Text from a log (or anything printed or written) without control or format characters."""
    if text.isprintable():  # the usual case, checked in C
        return text
    text = _ESCAPE_SEQUENCE.sub("", text)
    return "".join(c if c.isprintable() else " " if c.isspace() else "" for c in text)


# A spreadsheet runs a cell as a formula when it starts with =, +, -, @ (tab and CR are OWASP's
# too; some spreadsheets also take the full-width ＝＋－＠). By allowlist, a text cell is left as
# it is only when it starts with a letter, a digit, "/" (addresses), a quote or an opening bracket;
# anything else gets a leading ' (OWASP "CSV Injection"), which spreadsheets show as text. Excel
# with Vietnamese regional settings splits .csv files on ";", ignoring quotes that do not open a
# field, so what follows a ";" inside a text cell is held to the same rule.
_SAFE_START_PUNCTUATION = frozenset("/\"'")
_SEMICOLON_THEN_UNSAFE = re.compile(r";(?=[\s\"']*[^\w\s/\"'])")


def spreadsheet_cell(value):
    """A CSV cell: numbers as they are, text cleaned and never a formula."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = clean_text(str(value))
    if ";" in text:
        text = _SEMICOLON_THEN_UNSAFE.sub(";'", text)
    if text and not _safe_start(text[0]):
        text = "'" + text
    return text


def _safe_start(char: str) -> bool:
    return char.isalnum() or char in _SAFE_START_PUNCTUATION or unicodedata.category(char) in ("Ps", "Pi")


def clean_tree(value):
    """clean_text() on every string of a JSON document (keys included)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_tree(v) for v in value]
    return value


# ---- format -------------------------------------------------------------------------------------

# nginx/Apache combined: ip - user [10/Oct/2026:13:55:36 +0700] "GET /x HTTP/1.1" 200 123 "ref" "agent"
# Extra fields after the User-Agent (some servers add them) are ignored.
_QUOTED = r'"([^"\\]*(?:\\.[^"\\]*)*)"'  # a quoted field; nginx escapes " inside as \x22 or \"
_LINE = re.compile(
    r'(\S+) \S+ \S+ \[(\d\d/[A-Za-z]{3}/\d{4}:[0-2]\d:[0-5]\d:[0-5]\d [+-][0-2]\d[0-5]\d)\] '
    + _QUOTED + r' (\d{3}) (?:\d+|-) ' + _QUOTED + " " + _QUOTED)
_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}

# Excluded lines: key (JSON, CSV) → what the table says, in the order the rules apply.
REASONS = {
    "health_check": "kiểm tra hoạt động của máy chủ",
    "bot": "bot, trình thu thập tự động",
    "error": "yêu cầu lỗi (4xx, 5xx)",
    "other_method": "không phải yêu cầu GET",
    "asset": "tài nguyên của trang (giao diện, ảnh, chỉ mục tìm kiếm…)",
    "redirect": "chuyển hướng (3xx)",
    "other": "tệp khác (tài liệu, dữ liệu xuất…)",
}

_HEALTH_AGENTS = ("kube-probe", "healthcheck", "health-check")
_HEALTH_PATHS = frozenset(("/healthz", "/livez", "/readyz", "/health"))
_ASSET_PREFIXES = ("/theme/", "/pagefind/", "/images/", "/favicon", "/apple-touch-icon")
_ASSET_FILES = frozenset(("/robots.txt", "/sitemap.xml", "/site.webmanifest", "/manifest.webmanifest"))
_ASSET_SUFFIXES = (".css", ".js", ".mjs", ".map", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif",
                   ".svg", ".ico", ".woff", ".woff2", ".ttf", ".otf", ".wasm", ".pf_meta", ".pf_index",
                   ".pf_fragment", ".pf_filter")
_AUDIO_SUFFIXES = (".mp3", ".m4a", ".ogg", ".opus", ".wav")
_SUBSCRIBERS = re.compile(r"(?<!\d)(\d{1,9})\s+subscribers?\b", re.IGNORECASE)  # no 500-digit counts
# CrawlerDetect flags every feed reader (Feedly, Inoreader, NetNewsWire, FreshRSS…), yet on feeds they
# are the followers we count; it ships no list of feed readers, so on feeds a flagged client is kept
# when it calls itself one. Search crawlers fetching feeds (Googlebot, bingbot) stay excluded.
_FEED_READER = re.compile(r"feed|rss|atom|reader|subscriber", re.IGNORECASE)
_PRODUCT = re.compile(r"[A-Za-z][A-Za-z0-9._-]*")
_UNKNOWN_CATEGORY = "khong-ro"


@dataclasses.dataclass(frozen=True)
class Sections:
    """Where the site puts what is counted apart, from its settings (pelicanconf.py by default)."""

    article: re.Pattern        # "/tin-tuc/2026/03/ten-bai/"
    procedure: re.Pattern      # "/…/1-001193/" → groups ("1", "001193"): the code 1.001193
    search: str                # the search page, "/…/"
    pages: tuple[str, ...]     # globs of the article and procedure pages in a built site

    @classmethod
    def of(cls, settings: dict | None = None) -> Sections:
        settings = settings or addresses.settings()
        dates = {"date:%Y": r"\d{4}", "date:%m": r"\d{2}"}
        return cls(addresses.regex(settings["ARTICLE_URL"], dates),
                   addresses.regex(settings["CCHC_PROCEDURE_URL"], {"slug": r"(\d)-(\d{6})"}),
                   "/" + settings["CCHC_SEARCH_URL"],
                   (addresses.glob(settings["ARTICLE_SAVE_AS"]), addresses.glob(settings["CCHC_PROCEDURE_SAVE_AS"])))

# ---- period ---------------------------------------------------------------------------------------


def period_from(quarter: str | None = None, year: str | None = None,
                start: str | None = None, end: str | None = None) -> Period:
    """The period asked for on the command line; ValueError with a Vietnamese message otherwise."""
    if quarter:
        try:
            return parse_period(f"Quý {quarter}")
        except ValueError:
            raise ValueError(f"Không hiểu quý “{quarter}”: ghi --quarter I/2026 … IV/2026.") from None
    if year:
        if not re.fullmatch(r"\d{4}", year.strip()):
            raise ValueError(f"Không hiểu năm “{year}”: ghi --year 2026.")
        return year_period(int(year))
    try:
        first, last = dt.date.fromisoformat(start or ""), dt.date.fromisoformat(end or "")
    except ValueError:
        raise ValueError("Ghi khoảng ngày dạng --from 2026-01-01 --to 2026-03-31.") from None
    if last < first:
        raise ValueError("Ngày --to phải sau hoặc bằng ngày --from.")
    return Period("khoang-ngay", f"Từ {vn.short_date(first)} đến {vn.short_date(last)}", first, last)


# ---- reading a line -------------------------------------------------------------------------------


def parse_time(stamp: str) -> dt.datetime:
    """"10/Oct/2026:13:55:36 +0700" → an aware datetime; ValueError/KeyError when it is not a time."""
    minutes = int(stamp[22:24]) * 60 + int(stamp[24:26])
    offset = dt.timezone(dt.timedelta(minutes=-minutes if stamp[21] == "-" else minutes))
    return dt.datetime(int(stamp[7:11]), _MONTHS[stamp[3:6]], int(stamp[0:2]), int(stamp[12:14]),
                       int(stamp[15:17]), int(stamp[18:20]), tzinfo=offset)


def vietnam_day(stamp: str) -> int:
    """The Vietnam date (as an ordinal) of a log time. With a whole-hour offset the day can only
    change on the hour, so one computation serves a whole hour of lines."""
    if stamp.endswith("00"):
        return _vietnam_day(stamp[:14] + ":00:00" + stamp[20:])
    return _vietnam_day(stamp[:17] + ":00" + stamp[20:])


@lru_cache(maxsize=1 << 16)
def _vietnam_day(stamp: str) -> int:
    return parse_time(stamp).astimezone(vn.TIMEZONE).date().toordinal()


class BotCheck:
    """CrawlerDetect's answer (`CrawlerDetect().is_crawler(agent)`), in time linear in the agent.

    The package joins its ~1 460 patterns into one alternation that Python's regex engine tries at
    every position of the agent, one pattern after another (≈ 6 µs per character), and one of them,
    `[a-z0-9\\-_]*(bot|crawl|…)`, rescans every run of letters from each of its positions: a 512-
    character agent of letters took 40 ms, 8 KB 8.7 s, 1 MB ten minutes. Only whether a pattern is
    found matters, so the same patterns are rearranged without changing what they find:
      - a leading `[…]*` is dropped (it also matches nothing, so the rest is found where it was);
      - a pattern that is one group of alternatives, or has `|` at its top level, is split into them;
      - the literal characters patterns begin with are merged into a tree (`ab|ac` → `a(?:b|c)`),
        so at each position only the patterns starting with that character are tried. Letters are
        merged lower-cased, which matches the same characters under IGNORECASE.
    The exclusions (browser tokens removed before matching) are applied exactly as the package
    does. tests/test_hostile_logs.py compares the answers with the package's on every pattern.
    """

    # A literal character a pattern may start with: letters, digits, space and punctuation that is
    # not regex syntax, or an escaped punctuation character; never one followed by a quantifier.
    _LITERAL = re.compile(r"(?:([A-Za-z0-9 !\"#%&',/:;<=>@_`~-])|\\([!-/:-@\[-`{-~]))(?![*+?{])")
    _LEADING_STAR = re.compile(r"\[(?:\\.|[^\]\\])*\]\*(?=.)")  # "[a-z0-9\-_]*" at the start

    def __init__(self, crawlers=_CRAWLER_PATTERNS, exclusions=_EXCLUSION_PATTERNS):
        self.exclusions = re.compile("(" + "|".join(exclusions) + ")", re.IGNORECASE)
        tree: dict = {}
        for pattern in crawlers:
            for alternative in self._alternatives(pattern):
                self._insert(tree, alternative)
        self.crawlers = re.compile(self._emit(tree), re.IGNORECASE)

    def __call__(self, agent: str) -> bool:
        agent = agent.strip()
        if not agent:
            return False
        agent = self.exclusions.sub("", agent)
        return bool(agent) and self.crawlers.search(agent) is not None

    @classmethod
    def _alternatives(cls, pattern: str) -> list[str]:
        if star := cls._LEADING_STAR.match(pattern):
            pattern = pattern[star.end():]
        parts = cls._split(pattern)
        if len(parts) > 1:
            return [alt for part in parts for alt in cls._alternatives(part)]
        if pattern.startswith("(") and not pattern.startswith("(?") and cls._closes_at_end(pattern):
            return cls._alternatives(pattern[1:-1])
        return [pattern]

    @staticmethod
    def _walk(pattern: str):
        """(index, character, group depth after it) of each character of the pattern outside
        escapes and character classes: the one walk _split and _closes_at_end share."""
        depth, i, in_class = 0, 0, False
        while i < len(pattern):
            char = pattern[i]
            if char == "\\":
                i += 1
            elif in_class:
                in_class = char != "]"
            elif char == "[":
                in_class = True
                if pattern[i + 1:i + 2] == "]":
                    i += 1
            else:
                depth += (char == "(") - (char == ")")
                yield i, char, depth
            i += 1

    @classmethod
    def _split(cls, pattern: str) -> list[str]:
        """The pattern cut at each `|` outside groups and character classes."""
        parts, start = [], 0
        for i, char, depth in cls._walk(pattern):
            if char == "|" and depth == 0:
                parts.append(pattern[start:i])
                start = i + 1
        return parts + [pattern[start:]]

    @classmethod
    def _closes_at_end(cls, pattern: str) -> bool:
        """True when the `(` opening the pattern is closed by its last character."""
        for i, char, depth in cls._walk(pattern):
            if char == ")" and depth == 0:
                return i == len(pattern) - 1
        return False

    @classmethod
    def _insert(cls, tree: dict, pattern: str) -> None:
        node, rest = tree, pattern
        if rest.startswith("^"):
            node, rest = node.setdefault("^", {}), rest[1:]
        while rest and (literal := cls._LITERAL.match(rest)):
            node, rest = node.setdefault((literal[1] or literal[2]).lower(), {}), rest[literal.end():]
        node.setdefault(None, set()).add(rest)

    @classmethod
    def _emit(cls, node: dict) -> str:
        ends = node.get(None, set())
        if "" in ends:  # a whole pattern ends here: found, whatever longer ones would say
            return ""
        options = [("^" if key == "^" else re.escape(key)) + cls._emit(child)
                   for key, child in sorted((k, v) for k, v in node.items() if k is not None)]
        options += sorted(ends)
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"


_is_bot = lru_cache(maxsize=1 << 13)(BotCheck())


def _is_health_check(path: str, agent: str) -> bool:
    return path in _HEALTH_PATHS or _is_health_agent(agent)


@lru_cache(maxsize=1 << 13)
def _is_health_agent(agent: str) -> bool:
    lowered = agent.lower()
    return any(token in lowered for token in _HEALTH_AGENTS)


def _path_and_query(target: str) -> tuple[str, str]:
    """"/tin-tuc/x/index.html?utm=1#a" → ("/tin-tuc/x/", "utm=1"). Absolute-form targets are cut
    to their path."""
    if target.startswith(("http://", "https://")):
        target = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
    path, _, query = target.partition("?")
    path = path.partition("#")[0]
    if "%" in path:
        path = unquote(path, errors="replace")
    path = clean_text(path)
    if path.endswith("/index.html"):
        path = path[:-len("index.html")]
    return path, query


def kind_of(path: str) -> str:
    """What an address is: asset, feed, audio, page (articles, procedures and other pages) or other."""
    if path.startswith(_ASSET_PREFIXES) or path in _ASSET_FILES or path.endswith(_ASSET_SUFFIXES):
        return "asset"
    if path.startswith("/feeds/") and path.endswith(".xml"):
        return "feed"
    if path.startswith("/media/") and path.lower().endswith(_AUDIO_SUFFIXES):
        return "audio"
    if path.endswith(("/", ".html")):
        return "page"
    return "other"


def search_query(query: str) -> str:
    """The search of "q=…" as counted: normalised, spaces collapsed, case-folded; "" when none."""
    values = parse_qs(query, errors="replace").get("q") or [""]
    return vn.normalize_line(clean_text(values[0]))[:200].casefold()


def aggregator(agent: str) -> str:
    """The service behind a feed fetcher: its first product name other than Mozilla/compatible
    ("Mozilla/5.0 (compatible; Inoreader/1.0; …)" → "Inoreader")."""
    for word in _PRODUCT.findall(agent):
        if word.lower() not in ("mozilla", "compatible"):
            return word
    return clean_text(agent).strip()[:64] or "?"


# ---- the built site ------------------------------------------------------------------------------

_KICKER = re.compile(r'<p class="cc-article__kicker"><a href="[^"]*/chuyen-muc/([^/"]+)/">(.*?)</a>', re.S)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
_TAGS = re.compile(r"<[^>]+>")


@dataclasses.dataclass
class SiteMap:
    """What the built site tells about addresses: article → chuyên mục, titles, category names."""

    category_of: dict[str, str] = dataclasses.field(default_factory=dict)   # article path → mã
    category_names: dict[str, str] = dataclasses.field(default_factory=dict)  # mã → tên
    titles: dict[str, str] = dataclasses.field(default_factory=dict)        # path → title


def _text(fragment: str) -> str:
    return vn.normalize_line(clean_text(html.unescape(_TAGS.sub("", fragment))))


def read_site(output_dir: str | os.PathLike, sections: Sections | None = None) -> SiteMap:
    """Reads article and procedure pages of a built site (OUTPUT_DIR of `cchc build`)."""
    root, sections = pathlib.Path(output_dir), sections or Sections.of()
    site = SiteMap()
    pages = [page for pattern in sections.pages for page in root.glob(pattern)]
    for page in sorted(pages):
        path = "/" + page.parent.relative_to(root).as_posix() + "/"
        text = page.read_text(encoding="utf-8", errors="replace")
        if title := _H1.search(text):
            site.titles[path] = _text(title[1])
        if sections.article.match(path) and (kicker := _KICKER.search(text)):
            site.category_of[path] = clean_text(kicker[1])
            site.category_names[clean_text(kicker[1])] = _text(kicker[2])
    return site


# ---- counting ------------------------------------------------------------------------------------


def open_log(path: str | os.PathLike):
    """A binary stream of a log, gzip or plain (decided by the file's first bytes, not its name).
    Binary, so that a line is read up to a length and no further (see Tally.add_file)."""
    with open(path, "rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gzipped else open(path, "rb")


class _Visitors:
    """Daily salted digests of (IP, User-Agent); the salts exist only in this object's memory."""

    def __init__(self):
        self._salts: dict[int, bytes] = {}

    def digest(self, day: int, ip: str, agent: str) -> int:
        salt = self._salts.get(day)
        if salt is None:
            salt = self._salts[day] = os.urandom(16)
        data = f"{ip}\x00{agent}".encode("utf-8", "replace")
        return int.from_bytes(hashlib.blake2b(data, digest_size=8, key=salt).digest(), "big")


class Tally:
    """Everything counted from the lines of one period; `result()` turns it into the report."""

    SITE = 0  # item id of "any page of the section"

    def __init__(self, period: Period, site: SiteMap | None = None, sections: Sections | None = None):
        self.period, self.site, self.sections = period, site, sections or Sections.of()
        self._first, self._last = period.start.toordinal(), period.end.toordinal()
        self._visitors = _Visitors()
        self.lines = Counter()          # tong, sai_dinh_dang, ngoai_ky, duoc_tinh
        self.excluded = Counter()       # reason → lines
        self.days: set[int] = set()     # days of the period with any line
        self.views = Counter()          # page path → views
        self.category_views = Counter()
        self.day_views = Counter()      # day → page views
        self.searches = Counter()
        self.downloads = Counter()      # audio path → 200 responses
        self.audio_requests = Counter()
        self.subscribers: dict[tuple[str, str], tuple[dt.datetime, int]] = {}
        self._items: dict[tuple[str, str], int] = {("site", ""): self.SITE}
        self._seen: set[int] = set()    # (day << 96) | (item << 64) | visitor

    # -- per line --

    def add_file(self, path: str | os.PathLike) -> None:
        """Reads a log line by line. A line longer than MAX_LINE_BYTES is counted as malformed
        without being read into memory whole or parsed; bytes that are not UTF-8 become U+FFFD."""
        limit = MAX_LINE_BYTES + 2  # room for "\r\n"
        with open_log(path) as stream:
            read = stream.readline
            while raw := read(limit):
                if len(raw) == limit and raw[-1:] != b"\n":
                    while (rest := read(1 << 16)) and rest[-1:] != b"\n":
                        pass
                    self.lines["tong"] += 1
                    self.lines["sai_dinh_dang"] += 1
                elif not raw.isspace():
                    self.add_line(raw.decode("utf-8", "replace"))

    def add_line(self, line: str) -> None:
        self.lines["tong"] += 1
        if len(line) > MAX_LINE_BYTES and len(line.rstrip("\r\n")) > MAX_LINE_BYTES:
            self.lines["sai_dinh_dang"] += 1
            return
        match = _LINE.match(line)
        try:
            day = vietnam_day(match[2]) if match else None
        except (KeyError, ValueError):
            day = None
        if day is None:
            self.lines["sai_dinh_dang"] += 1
            return
        if not self._first <= day <= self._last:
            self.lines["ngoai_ky"] += 1
            return
        self.days.add(day)
        ip, stamp, request, status, _referer, agent = match.groups()
        agent = agent[:MAX_AGENT]  # before any matching: see BotCheck
        parts = request.split(" ")
        path, query = _path_and_query(parts[1]) if len(parts) >= 2 else ("", "")
        kind = kind_of(path)
        reason = self._reason(parts[0] if len(parts) >= 2 else "", path, kind, int(status), agent)
        if reason:
            self.excluded[reason] += 1
            return
        self.lines["duoc_tinh"] += 1
        visitor = self._visitors.digest(day, ip, agent)
        if kind == "page":
            self._page(day, path, query, visitor)
        elif kind == "feed":
            self._feed(day, path, stamp, agent, visitor)
        else:
            self._audio(day, path, int(status), visitor)

    def _reason(self, method: str, path: str, kind: str, status: int, agent: str) -> str | None:
        if _is_health_check(path, agent):
            return "health_check"
        if _is_bot(agent) and not (kind == "feed" and _FEED_READER.search(agent)):
            return "bot"
        if status >= 400:
            return "error"
        if method != "GET":
            return "other_method"
        if kind == "asset":
            return "asset"
        if 300 <= status < 400 and status != 304:
            return "redirect"
        if kind == "other" or status < 200:
            return "other"
        return None

    def _mark(self, day: int, scope: str, key: str, visitor: int) -> None:
        item = self._items.setdefault((scope, key), len(self._items))
        self._seen.add((day << 96) | (item << 64) | visitor)

    def _page(self, day: int, path: str, query: str, visitor: int) -> None:
        self.views[path] += 1
        self.day_views[day] += 1
        self._mark(day, "site", "", visitor)
        self._mark(day, "url", path, visitor)
        if self.site is not None and self.sections.article.match(path):
            category = self.site.category_of.get(path, _UNKNOWN_CATEGORY)
            self.category_views[category] += 1
            self._mark(day, "category", category, visitor)
        if path == self.sections.search and (text := search_query(query)):
            self.searches[text] += 1

    def _feed(self, day: int, path: str, stamp: str, agent: str, visitor: int) -> None:
        stated = _SUBSCRIBERS.search(agent)
        if stated is None:
            self._mark(day, "url", path, visitor)
            return
        key, seen = (path, aggregator(agent)), (parse_time(stamp), int(stated[1]))
        if key not in self.subscribers or seen > self.subscribers[key]:
            self.subscribers[key] = seen
        self._items.setdefault(("url", path), len(self._items))  # listed even with no direct fetcher

    def _audio(self, day: int, path: str, status: int, visitor: int) -> None:
        self.audio_requests[path] += 1
        if status == 200:
            self.downloads[path] += 1
        self._mark(day, "url", path, visitor)

    # -- the report --

    def _visitor_days(self) -> tuple[Counter, Counter]:
        """(visitor-days per item id, section visitors per day)."""
        per_item, per_day = Counter(), Counter()
        mask = (1 << 32) - 1
        for packed in self._seen:
            item = (packed >> 64) & mask
            per_item[item] += 1
            if item == self.SITE:
                per_day[packed >> 96] += 1
        return per_item, per_day

    def result(self) -> dict:
        per_item, per_day = self._visitor_days()
        visitors = {key: per_item[item] for key, item in self._items.items()}
        titles = self.site.titles if self.site else {}
        urls = [key for scope, key in self._items if scope == "url"]
        pages = [u for u in urls if kind_of(u) == "page"]

        def page_row(url):
            return {"dia_chi": url, "luot_xem": self.views[url], "khach": visitors[("url", url)]}

        article, procedure = self.sections.article, self.sections.procedure
        articles = [{"dia_chi": u, "tieu_de": titles.get(u, ""),
                     "chuyen_muc": (self.site.category_of.get(u, _UNKNOWN_CATEGORY) if self.site else None),
                     "luot_xem": self.views[u], "khach": visitors[("url", u)]}
                    for u in pages if article.match(u)]
        procedures = [{"dia_chi": u, "ma": "{}.{}".format(*procedure.match(u).groups()),
                       "ten": titles.get(u, ""), "luot_xem": self.views[u], "khach": visitors[("url", u)]}
                      for u in pages if procedure.match(u)]
        others = [page_row(u) for u in pages if not article.match(u) and not procedure.match(u)]
        categories = [{"ma": code, "ten": (self.site.category_names.get(code) or "Không rõ chuyên mục"),
                       "luot_xem": n, "khach": visitors[("category", code)]}
                      for code, n in self.category_views.items()] if self.site else []
        feeds = self._feeds(urls, visitors)
        audio = [{"dia_chi": u, "luot_nghe": visitors[("url", u)], "luot_tai": self.downloads[u],
                  "yeu_cau": self.audio_requests[u]} for u in urls if kind_of(u) == "audio"]
        by_views = lambda row: (-row["luot_xem"], row.get("dia_chi") or row.get("ma"))  # noqa: E731
        return {
            "phien_ban": 1,
            "ky": {"ten": self.period.label, "tu_ngay": self.period.start.isoformat(),
                   "den_ngay": self.period.end.isoformat(), "mui_gio": str(vn.TIMEZONE)},
            "so_ngay_co_du_lieu": len(self.days),
            "dong": {"tong": self.lines["tong"], "sai_dinh_dang": self.lines["sai_dinh_dang"],
                     "ngoai_ky": self.lines["ngoai_ky"], "duoc_tinh": self.lines["duoc_tinh"],
                     "loai_tru": {reason: self.excluded[reason] for reason in REASONS}},
            "tong": {"luot_xem": sum(self.views.values()), "khach": visitors[("site", "")],
                     "luot_tim_kiem": sum(self.searches.values()),
                     "nguoi_theo_doi_ban_tin": round(sum(f["nguoi_theo_doi"] for f in feeds), 2),
                     "thue_bao_ban_tin": sum(f["thue_bao"] for f in feeds),
                     "luot_nghe": sum(a["luot_nghe"] for a in audio),
                     "luot_tai": sum(a["luot_tai"] for a in audio)},
            "theo_ngay": [{"ngay": dt.date.fromordinal(d).isoformat(), "luot_xem": self.day_views[d],
                           "khach": per_day[d]} for d in sorted(self.days)],
            "co_chuyen_muc": self.site is not None,
            "chuyen_muc": sorted(categories, key=by_views),
            "bai_viet": sorted(articles, key=by_views),
            "thu_tuc": sorted(procedures, key=by_views),
            "trang_khac": sorted(others, key=by_views),
            "tim_kiem": [{"tu_khoa": q, "so_lan": n}
                         for q, n in sorted(self.searches.items(), key=lambda kv: (-kv[1], kv[0]))],
            "ban_tin": sorted(feeds, key=lambda f: (-f["nguoi_theo_doi"], f["dia_chi"])),
            "am_thanh": sorted(audio, key=lambda a: (-a["luot_nghe"], a["dia_chi"])),
        }

    def _feeds(self, urls: list[str], visitors: dict) -> list[dict]:
        days = len(self.days) or 1
        rows = []
        for url in (u for u in urls if kind_of(u) == "feed"):
            services = sorted(({"ten": name, "thue_bao": count}
                               for (feed, name), (_, count) in self.subscribers.items() if feed == url),
                              key=lambda s: (-s["thue_bao"], s["ten"]))
            daily = round(visitors[("url", url)] / days, 2)
            subscribers = sum(s["thue_bao"] for s in services)
            rows.append({"dia_chi": url, "nguoi_doc_moi_ngay": daily, "thue_bao": subscribers,
                         "dich_vu": services, "nguoi_theo_doi": round(daily + subscribers, 2)})
        return rows


def collect(paths, period: Period, site_dir: str | os.PathLike | None = None, settings: dict | None = None) -> dict:
    """Reads the logs (any order) and returns the figures as the JSON document described above;
    `settings`: the site's (its addresses), pelicanconf.py's when None."""
    sections = Sections.of(settings)
    tally = Tally(period, read_site(site_dir, sections) if site_dir else None, sections)
    for path in paths:
        tally.add_file(path)
    return tally.result()


# ---- output --------------------------------------------------------------------------------------


def write_json(stats: dict, path: str | os.PathLike) -> None:
    """The figures as JSON; no string in it holds a control character (not even escaped)."""
    text = json.dumps(clean_tree(stats), ensure_ascii=False, indent=2)
    pathlib.Path(path).write_text(text + "\n", encoding="utf-8")


def csv_rows(stats: dict) -> list[list]:
    """The figures as (nhom, ma, ten, chi_so, gia_tri) rows."""
    period = stats["ky"]
    rows = [["ky", "", period["ten"], key, period[key]] for key in ("tu_ngay", "den_ngay", "mui_gio")]
    rows.append(["ky", "", period["ten"], "so_ngay_co_du_lieu", stats["so_ngay_co_du_lieu"]])
    rows += [["dong", "", "", key, value] for key, value in stats["dong"].items() if key != "loai_tru"]
    rows += [["loai_tru", key, REASONS[key], "so_dong", n] for key, n in stats["dong"]["loai_tru"].items()]
    rows += [["tong", "", "", key, value] for key, value in stats["tong"].items()]
    metrics = ("luot_xem", "khach")
    rows += [["theo_ngay", d["ngay"], "", m, d[m]] for d in stats["theo_ngay"] for m in metrics]
    rows += [["chuyen_muc", c["ma"], c["ten"], m, c[m]] for c in stats["chuyen_muc"] for m in metrics]
    rows += [["bai_viet", a["dia_chi"], a["tieu_de"], m, a[m]] for a in stats["bai_viet"] for m in metrics]
    rows += [["thu_tuc", p["dia_chi"], f"{p['ma']} {p['ten']}".strip(), m, p[m]]
             for p in stats["thu_tuc"] for m in metrics]
    rows += [["trang_khac", p["dia_chi"], "", m, p[m]] for p in stats["trang_khac"] for m in metrics]
    rows += [["tim_kiem", s["tu_khoa"], "", "so_lan", s["so_lan"]] for s in stats["tim_kiem"]]
    for feed in stats["ban_tin"]:
        rows += [["ban_tin", feed["dia_chi"], "", m, feed[m]]
                 for m in ("nguoi_doc_moi_ngay", "thue_bao", "nguoi_theo_doi")]
        rows += [["ban_tin", feed["dia_chi"], s["ten"], "thue_bao_dich_vu", s["thue_bao"]] for s in feed["dich_vu"]]
    rows += [["am_thanh", a["dia_chi"], "", m, a[m]] for a in stats["am_thanh"]
             for m in ("luot_nghe", "luot_tai", "yeu_cau")]
    return rows


def write_csv(stats: dict, path: str | os.PathLike) -> None:
    """The figures as CSV: counts are numbers; every text cell is cleaned and never a formula."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    out.writerow(["nhom", "ma", "ten", "chi_so", "gia_tri"])
    out.writerows([spreadsheet_cell(cell) for cell in row] for row in csv_rows(stats))
    # BOM: Excel, which the ward's offices use, then reads the file as UTF-8 (as the site's CSVs).
    pathlib.Path(path).write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def _cut(text: str, width: int = 64) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _table(headers: list[str], rows: list[list], indent: str = "  ") -> list[str]:
    """Columns padded to their widest cell; numbers (every column but the first) right-aligned.
    Cells are cleaned: nothing from a log can move the cursor, recolour or retitle the terminal."""
    cells = [[clean_text(str(c)) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for row in cells:
        parts = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        lines.append(indent + "  ".join(parts).rstrip())
    return lines


def _section(title: str, headers: list[str], rows: list[list], top: int, noun: str) -> list[str]:
    """A titled table of at most `top` rows, saying how many were left out."""
    if not rows:
        return [title, "  (không có)", ""]
    n = vn.number
    shown = f" – {n(top)} {noun} đầu trong {n(len(rows))}" if len(rows) > top else ""
    return [title + shown, *_table(headers, rows[:top]), ""]


def _date(iso: str) -> str:
    return vn.short_date(dt.date.fromisoformat(iso))


def _summary(stats: dict) -> list[str]:
    n, period, lines, total = vn.number, stats["ky"], stats["dong"], stats["tong"]
    excluded = [[label, n(lines["loai_tru"][key])] for key, label in REASONS.items()]
    totals = [["Lượt xem trang", n(total["luot_xem"])],
              ["Khách (mỗi người đếm một lần mỗi ngày)", n(total["khach"])],
              ["Lượt tìm kiếm", n(total["luot_tim_kiem"])],
              ["Người theo dõi bản tin (trung bình ngày + thuê bao)", n(total["nguoi_theo_doi_ban_tin"], 2)],
              ["Lượt nghe âm thanh", n(total["luot_nghe"])],
              ["Lượt tải trọn tệp âm thanh", n(total["luot_tai"])]]
    return [f"Thống kê truy cập chuyên mục Cải cách hành chính – {period['ten']}",
            f"Từ {_date(period['tu_ngay'])} đến {_date(period['den_ngay'])} (giờ Việt Nam); "
            f"nhật ký có số liệu {n(stats['so_ngay_co_du_lieu'])} ngày.",
            "",
            f"Dòng nhật ký: {n(lines['tong'])} đã đọc; {n(lines['duoc_tinh'])} được tính; "
            f"{n(lines['sai_dinh_dang'])} sai định dạng (bỏ qua); {n(lines['ngoai_ky'])} ngoài kỳ.",
            f"Đã loại trừ {n(sum(lines['loai_tru'].values()))} dòng:",
            *_table(["Lý do", "Số dòng"], excluded),
            "",
            "Tổng cộng",
            *_table(["Chỉ số", "Số liệu"], totals),
            ""]


def _days(days: list[dict]) -> list[str]:
    """Day by day for up to a month of data, else month by month."""
    n = vn.number
    if len(days) <= 31:
        rows = [[_date(d["ngay"]), n(d["luot_xem"]), n(d["khach"])] for d in days]
        return ["Theo ngày", *_table(["Ngày", "Lượt xem", "Khách"], rows), ""]
    months: dict[str, list[int]] = {}
    for d in days:
        month = months.setdefault(vn.month_label(dt.date.fromisoformat(d["ngay"])), [0, 0])
        month[0] += d["luot_xem"]
        month[1] += d["khach"]
    rows = [[label, n(views), n(visitors)] for label, (views, visitors) in months.items()]
    return ["Theo tháng", *_table(["Tháng", "Lượt xem", "Khách"], rows), ""]


_NOTE = ["Ghi chú: “Khách” là số người xem khác nhau trong từng ngày, cộng các ngày (ước tính bằng mã băm",
         "đổi muối mỗi ngày, không lưu địa chỉ IP). “Người đọc/ngày”: số máy đọc bản tin khác nhau mỗi ngày,",
         "tính trung bình; “Thuê bao”: số người đăng ký do dịch vụ đọc tin (Feedly, Inoreader…) tự báo.",
         "Một lượt nghe là một người nghe một tệp trong một ngày."]


def render_table(stats: dict, top: int = 20) -> str:
    """The readable report printed in the terminal (Vietnamese, Vietnamese number style)."""
    n = vn.number
    seen = ["Lượt xem", "Khách"]
    out = _summary(stats) + _days(stats["theo_ngay"])
    if stats["co_chuyen_muc"]:
        out += _section("Theo chuyên mục (bài viết)", ["Chuyên mục", *seen],
                        [[c["ten"], n(c["luot_xem"]), n(c["khach"])] for c in stats["chuyen_muc"]],
                        top, "chuyên mục")
    else:
        out += ["Theo chuyên mục: chạy lại với --site THƯ_MỤC_ĐÃ_DỰNG để xếp bài viết theo chuyên mục.", ""]
    out += _section("Bài viết", ["Bài viết", *seen],
                    [[_cut(a["tieu_de"] or a["dia_chi"]), n(a["luot_xem"]), n(a["khach"])]
                     for a in stats["bai_viet"]], top, "bài")
    out += _section("Thủ tục hành chính", ["Thủ tục", *seen],
                    [[_cut(f"{p['ma']} {p['ten']}".strip()), n(p["luot_xem"]), n(p["khach"])]
                     for p in stats["thu_tuc"]], top, "thủ tục")
    out += _section("Trang khác", ["Địa chỉ", *seen],
                    [[_cut(p["dia_chi"]), n(p["luot_xem"]), n(p["khach"])] for p in stats["trang_khac"]],
                    top, "trang")
    out += _section("Từ khóa tìm kiếm", ["Từ khóa", "Số lần"],
                    [[_cut(q["tu_khoa"]), n(q["so_lan"])] for q in stats["tim_kiem"]], top, "từ khóa")
    out += _section("Bản tin (RSS, Atom)", ["Bản tin", "Người đọc/ngày", "Thuê bao", "Người theo dõi"],
                    [[f["dia_chi"], n(f["nguoi_doc_moi_ngay"], 2), n(f["thue_bao"]), n(f["nguoi_theo_doi"], 2)]
                     for f in stats["ban_tin"]], top, "bản tin")
    out += _section("Âm thanh", ["Tệp", "Lượt nghe", "Lượt tải"],
                    [[_cut(a["dia_chi"]), n(a["luot_nghe"]), n(a["luot_tai"])] for a in stats["am_thanh"]],
                    top, "tệp")
    return "\n".join(clean_text(line) for line in out + _NOTE) + "\n"
