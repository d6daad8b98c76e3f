"""`cchc stats` on hostile access logs (issue 14, "Logs are hostile text"; TRUST.md rule 6).

Every byte of an access log is chosen by whoever sends the request. Each case here runs the
command staff run (`cchc stats … --csv … --json …`) and asserts what they would see: the terminal
output and the CSV and JSON files, parsed. Nothing from a log may reach them as a control character
or escape sequence, no CSV text cell may be a spreadsheet formula, and no line may make the command
hang (over-long lines are counted as malformed; the User-Agent is cut before the bot check).

Run as a script, this file writes the million-line log of docs/chat-luong.md:

    .venv/bin/python tests/test_hostile_logs.py /tmp/hostile.log --lines 1000000
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import json
import pathlib
import random
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from urllib.parse import quote

import pytest

from cchc import stats
from test_stats import ANDROID, IPHONE, WINDOWS

ROOT = pathlib.Path(__file__).resolve().parent.parent
QUARTER = stats.period_from("I/2026")
TIMEOUT = 60  # a guard against hanging, not a speed requirement

FIREFOX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
ZALO = ("Mozilla/5.0 (Linux; Android 12; CPH2211 Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/119.0.6045.193 Mobile Safari/537.36 Zalo android/12110618 ZaloTheme/light ZaloLanguage/vi")
HUMANS = (ANDROID, IPHONE, WINDOWS, FIREFOX, ZALO)
BOTS = ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        "python-requests/2.31.0", "curl/8.5.0")
FEED_READERS = ("Feedly/1.0 (+http://www.feedly.com/fetcher.html; 27 subscribers; like FeedFetcher-Google)",
                "Tiny Tiny RSS/22.08 (https://tt-rss.org/)", "NetNewsWire (RSS Reader; https://netnewswire.com/)")

def forbidden_in(text: str, allow_newlines: bool = False) -> list[str]:
    """Characters staff must never receive: every control or format character (C0 but the line
    breaks of the terminal output itself, DEL, C1, bidi overrides…), surrogates, private use,
    unassigned, line and paragraph separators."""
    found = {c for c in text if unicodedata.category(c)[0] == "C" or c in "\u2028\u2029"}
    if allow_newlines:
        found -= {"\n"}
    return sorted(found)


def stamp(when: dt.datetime) -> str:
    return when.strftime("%d/%b/%Y:%H:%M:%S ") + (when.strftime("%z") or "+0700")


def line(target: str, agent: str = ANDROID, status: int = 200, when: str = "05/Jan/2026:08:00:00 +0700",
         ip: str = "203.0.113.10", method: str = "GET") -> bytes:
    return f'{ip} - - [{when}] "{method} {target} HTTP/1.1" {status} 5120 "-" "{agent}"'.encode(
        "utf-8", "surrogateescape")


def search(text: str) -> str:
    return "/tim-kiem/?q=" + quote(text, safe="")


# ---- generating logs ---------------------------------------------------------------------------

ARTICLES = [f"/tin-tuc/2026/{m:02d}/bai-so-{i}/" for m in (1, 2, 3) for i in range(100)]
PROCEDURES = [f"/thu-tuc/1-{i:06d}/" for i in range(1000, 1037)]
PAGES = ["/", "/gioi-thieu/", "/chuyen-muc/tin-hoat-dong/", "/chuyen-muc/ket-qua-chi-so/", "/thu-tuc/"]
ASSETS = ["/theme/css/main.3f2a9c1d.css", "/theme/js/search.9a8b7c6d.js", "/pagefind/pagefind.js",
          "/images/2026/anh-hop.jpg", "/favicon.ico", "/robots.txt", "/pagefind/fragment/vi_1a2b.pf_fragment"]
QUERIES = ["đăng ký khai sinh", "dang ky khai sinh", "chứng thực", "hộ tịch", "đất đai", "1.001193",
           "thủ tục kết hôn", "cấp bản sao", "tạm trú"]
FEEDS = ["/feeds/tat-ca.atom.xml", "/feeds/phat-thanh.rss.xml"]
AUDIO = ["/media/2026/chuyen-de-sipas.mp3", "/media/2026/chuyen-de-so.mp3"]


def normal_line(rng: random.Random, when: str) -> tuple[bytes, str]:
    """One line of the ordinary mix of docs/chat-luong.md (assets 35 %, pages 45 %, searches, feeds,
    audio 3 % each, bots 7 %, errors 2 %, health checks 1 %, malformed 1 %); a random IP each."""
    ip = f"{rng.randrange(1, 224)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    human = rng.choice(HUMANS)
    roll = rng.random()
    if roll < 0.35:
        return line(rng.choice(ASSETS), human, when=when, ip=ip), "normal"
    if roll < 0.80:
        target = rng.choice(ARTICLES if rng.random() < 0.6 else PROCEDURES if rng.random() < 0.5 else PAGES)
        return line(target, human, when=when, ip=ip), "normal"
    if roll < 0.83:
        return line(search(rng.choice(QUERIES)), human, when=when, ip=ip), "normal"
    if roll < 0.86:
        return line(rng.choice(FEEDS), rng.choice(FEED_READERS), status=rng.choice((200, 304)), when=when,
                    ip=ip), "normal"
    if roll < 0.89:
        return line(rng.choice(AUDIO), human, status=206, when=when, ip=ip), "normal"
    if roll < 0.96:
        return line(rng.choice(ARTICLES + PAGES), rng.choice(BOTS), when=when, ip=ip), "normal"
    if roll < 0.98:
        return line("/khong-co/" + str(rng.randrange(1000)) + "/", human, status=404, when=when, ip=ip), "normal"
    if roll < 0.99:
        return line("/healthz", "kube-probe/1.29", when=when, ip="10.0.0.2"), "normal"
    return b"this is not a log line " + str(rng.random()).encode(), "malformed"


def _letters(rng: random.Random, size: int) -> str:
    """The text the bot check is slowest on: one long run of letters (unique, so never cached)."""
    return (rng.choice("abcdefghij") * size)[:size - 12] + f"{rng.getrandbits(48):012x}"


FORMULAS = ['=HYPERLINK("http://evil.example/?x","Bấm vào đây")', "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "＝1+1", "thủ tục;=1+1", 'a; "=1+1']
ESCAPES = ["\x1b]0;Bị chiếm quyền\x07", "\x1b[31m\x1b[5m", "\x1b[2J\x1b[H", "\x1b]52;c;ZXZpbA==\x07",
           "\x9b31m", "\u202etxt.exe", "\x1bP+q\x1b\\", "\x00\x07\x08\x7f"]


def hostile_line(rng: random.Random, when: str, n: int) -> tuple[bytes, str]:
    """One hostile line of 12 kinds in turn; the second value says how the line must be counted
    ("malformed", or "parsed" for lines that reach counting)."""
    ip = f"198.51.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    unique = f"{rng.getrandbits(40):010x}"
    kind = n % 12
    if kind == 0:   # long User-Agent inside the line limit: cut to MAX_AGENT before the bot check
        agent = _letters(rng, rng.randrange(1000, 7000))
        return line(rng.choice(ARTICLES), agent, when=when, ip=ip), "parsed"
    if kind == 1:   # over-long line (9 KB to 64 KB of User-Agent): malformed, never parsed
        return line("/", _letters(rng, rng.randrange(9000, 65536)), when=when, ip=ip), "malformed"
    if kind == 2:   # escape sequences in the request target (404, as nginx answers)
        target = "/" + rng.choice(ESCAPES) + unique + "/"
        return line(target, rng.choice(HUMANS), status=404, when=when, ip=ip), "parsed"
    if kind == 3:   # escape sequences in a counted page's address (a forged or rewritten log)
        target = "/tin-tuc/2026/01/" + quote(rng.choice(ESCAPES)) + unique + "/"
        return line(target, rng.choice(HUMANS), when=when, ip=ip), "parsed"
    if kind == 4:   # escape sequences in a search, percent-encoded (queries are decoded)
        return line(search(rng.choice(ESCAPES) + "khai sinh " + unique), rng.choice(HUMANS), when=when,
                    ip=ip), "parsed"
    if kind == 5:   # escape sequences in the User-Agent, raw, of a feed aggregator stating subscribers
        agent = rng.choice(ESCAPES) + "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 3 subscribers)"
        return line(rng.choice(FEEDS), agent, when=when, ip=ip), "parsed"
    if kind == 6:   # spreadsheet formulas as search queries
        return line(search(rng.choice(FORMULAS) + " " + unique), rng.choice(HUMANS), when=when,
                    ip=ip), "parsed"
    if kind == 7:   # NUL bytes in the address and the User-Agent
        return line("/tin-tuc/2026/01/\x00" + unique + "/", "Mozilla/5.0\x00\x00" + unique, when=when,
                    ip=ip), "parsed"
    if kind == 8:   # bytes that are not UTF-8 in the address, query and User-Agent
        raw = line(search("x" + unique), "Mozilla/5.0 " + unique, when=when, ip=ip)
        return raw.replace(b"?q=x", b"?q=\xff\xfe%ff%c3%28").replace(b"Mozilla/", b"Mozilla\xc3\x28/"), "parsed"
    if kind == 9:   # C1 controls and bidi overrides, raw UTF-8, in a search
        return line("/tim-kiem/?q=\u009b31m\u202e" + unique, rng.choice(HUMANS), when=when, ip=ip), "parsed"
    if kind == 10:  # a flood of distinct searches
        return line(search("".join(rng.choice("abcdefghijklmnopqrstuvwxyzđăâêôơư ") for _ in range(60))),
                    rng.choice(HUMANS), when=when, ip=ip), "parsed"
    # binary garbage, NUL bytes included, as a whole line
    garbage = bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 400))).replace(b"\n", b"\x00")
    return b"\xff" + garbage, "malformed"


def generate(path: pathlib.Path, lines: int, hostile: float = 0.02, huge: int = 10, seed: int = 2026,
             huge_size: int = 1 << 20) -> Counter:
    """Writes a combined log of `lines` lines over the 90 days of quarter I/2026, times in order, one
    line in five stamped +0000; `hostile` of them hostile, plus `huge` lines with a 1 MB User-Agent.
    Returns how many lines of each outcome were written (malformed, parsed, normal)."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    step = dt.timedelta(days=90) / max(lines, 1)
    utc = dt.timezone.utc
    huge_at = set(rng.sample(range(lines), min(huge, lines)))
    counts = Counter()
    with open(path, "wb") as out:
        hostile_count = 0
        for i in range(lines):
            when = start + i * step
            when = stamp(when.astimezone(utc) if i % 5 == 0 else when)
            if i in huge_at:
                raw, outcome = line("/", "A" * huge_size, when=when), "malformed"
            elif rng.random() < hostile:
                raw, outcome = hostile_line(rng, when, hostile_count)
                hostile_count += 1
            else:
                raw, outcome = normal_line(rng, when)
            out.write(raw + b"\n")
            counts[outcome] += 1
    return counts


# ---- running the command -----------------------------------------------------------------------


class Seen:
    """What staff see after `cchc stats`: terminal output, CSV rows and the JSON document."""

    def __init__(self, result: subprocess.CompletedProcess, csv_path: pathlib.Path, json_path: pathlib.Path):
        self.returncode, self.stdout, self.stderr = result.returncode, result.stdout, result.stderr
        self.csv_raw = csv_path.read_bytes().decode("utf-8-sig") if csv_path.exists() else ""
        self.rows = list(csv.reader(self.csv_raw.splitlines()))
        self.json_raw = json_path.read_text(encoding="utf-8") if json_path.exists() else ""
        self.figures = json.loads(self.json_raw) if self.json_raw else {}

    def strings(self):
        """Every string of the JSON document, keys included."""
        def walk(value):
            if isinstance(value, str):
                yield value
            elif isinstance(value, dict):
                for key, item in value.items():
                    yield key
                    yield from walk(item)
            elif isinstance(value, list):
                for item in value:
                    yield from walk(item)
        return list(walk(self.figures))

    def text_cells(self):
        """CSV cells that are text: every column but gia_tri, and gia_tri when it is not a number."""
        for row in self.rows[1:]:
            yield from row[:4]
            if not re.fullmatch(r"-?\d+(?:\.\d+)?", row[4]):
                yield row[4]


def run_stats(tmp_path: pathlib.Path, log_lines: list[bytes] | None = None, log: pathlib.Path | None = None,
              gz: bool = False) -> Seen:
    if log is None:
        log = tmp_path / ("access.log.gz" if gz else "access.log")
        data = b"\n".join(log_lines) + b"\n"
        if gz:
            with gzip.open(log, "wb") as handle:
                handle.write(data)
        else:
            log.write_bytes(data)
    out_csv, out_json = tmp_path / "thong-ke.csv", tmp_path / "thong-ke.json"
    result = subprocess.run(
        [sys.executable, "-m", "cchc.cli", "stats", str(log), "--quarter", "I/2026", "--top", "1000",
         "--csv", str(out_csv), "--json", str(out_json)],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", errors="surrogateescape", timeout=TIMEOUT)
    seen = Seen(result, out_csv, out_json)
    assert seen.returncode == 0, seen.stderr
    assert "Traceback" not in seen.stderr
    return seen


def assert_nothing_hostile(seen: Seen) -> None:
    """No control or format character in the terminal output, the CSV or any JSON string (nor
    escaped in the JSON text: `\\u001b`); no CSV text cell that a spreadsheet would run; counts add up."""
    assert forbidden_in(seen.stdout, allow_newlines=True) == []
    assert forbidden_in(seen.stderr, allow_newlines=True) == []
    assert forbidden_in(seen.csv_raw.replace("\r\n", "")) == []
    assert all(forbidden_in(s) == [] for s in seen.strings()), [s for s in seen.strings() if forbidden_in(s)]
    assert not re.search(r"\\u00[0-1][0-9a-fA-F]|\\u007[fF]|\\u00[89][0-9a-fA-F]|\\u20(?:2[a-eA-E]|6[6-9])",
                         seen.json_raw)
    assert seen.rows[0] == ["nhom", "ma", "ten", "chi_so", "gia_tri"]
    assert all(len(row) == 5 for row in seen.rows)
    for cell in seen.text_cells():
        assert (not cell or cell[0].isalnum() or cell[0] in "/'\""
                or unicodedata.category(cell[0]) in ("Ps", "Pi")), cell
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")), cell
    # Excel with Vietnamese regional settings splits on ";": no field it would see is a formula either
    for raw_line in seen.csv_raw.splitlines()[1:]:
        for field in raw_line.split(";")[1:]:
            assert not field.lstrip(' "').startswith(("=", "+", "-", "@")), raw_line
    lines = seen.figures["dong"]
    assert lines["tong"] == (lines["sai_dinh_dang"] + lines["ngoai_ky"] + lines["duoc_tinh"]
                             + sum(lines["loai_tru"].values()))


def csv_value(seen: Seen, group: str, metric: str, code: str | None = None) -> str:
    return next(row[4] for row in seen.rows if row[0] == group and row[3] == metric and code in (None, row[1]))


# ---- formulas ----------------------------------------------------------------------------------

FORMULA_QUERIES = {
    '=HYPERLINK("http://evil.example/?x")': '\'=hyperlink("http://evil.example/?x")',
    "+1+1": "'+1+1",
    "-2+3": "'-2+3",
    "@SUM(A1)": "'@sum(a1)",
    "\t=1+1": "'=1+1",          # tab and CR are removed as controls (then the query is trimmed)…
    "\r=2+2": "'=2+2",          # …and what starts the cell is still a formula character
    "＝3+3": "'＝3+3",           # full-width equals sign, a formula in some spreadsheets
    "%=4+4": "'%=4+4",          # allowlist: anything but a letter, digit, "/", quote or bracket
    "thủ tục;=5+5": "thủ tục;'=5+5",   # ";" is Excel's separator under Vietnamese settings
}


@pytest.mark.parametrize("query, cell", FORMULA_QUERIES.items(), ids=[
    "hyperlink", "plus", "minus", "at", "tab", "cr", "fullwidth", "percent", "semicolon"])
def test_formula_query_is_text_in_the_csv(tmp_path, query, cell):
    seen = run_stats(tmp_path, [line(search(query)), line(search("đăng ký khai sinh"))])
    assert_nothing_hostile(seen)
    searches = [row for row in seen.rows if row[0] == "tim_kiem"]
    assert [cell, "", "so_lan", "1"] in [row[1:] for row in searches], searches
    assert ["đăng ký khai sinh", "", "so_lan", "1"] in [row[1:] for row in searches]
    # the JSON is data, not a spreadsheet: the query is kept as typed (controls removed)
    queries = [s["tu_khoa"] for s in seen.figures["tim_kiem"]]
    assert cell.lstrip("'").replace(";'", ";") in queries, queries


def test_counts_stay_numbers_and_ordinary_cells_are_unchanged(tmp_path):
    seen = run_stats(tmp_path, [line(search("=1+1")), line(search("=1+1"), IPHONE), line("/tin-tuc/2026/01/bai-mot/"),
                                line("/thu-tuc/1-001193/")])
    assert_nothing_hostile(seen)
    assert csv_value(seen, "tim_kiem", "so_lan") == "2"
    assert csv_value(seen, "tong", "luot_xem") == "4"
    assert csv_value(seen, "bai_viet", "luot_xem", "/tin-tuc/2026/01/bai-mot/") == "1"
    assert ["thu_tuc", "/thu-tuc/1-001193/", "1.001193", "luot_xem", "1"] in seen.rows
    assert ["ky", "", "Quý I/2026", "tu_ngay", "2026-01-01"] in seen.rows
    assert ["loai_tru", "bot", stats.REASONS["bot"], "so_dong", "0"] in seen.rows
    # every gia_tri is a number or a date/zone the program wrote
    for row in seen.rows[1:]:
        assert re.fullmatch(r"\d+(?:\.\d+)?|\d{4}-\d\d-\d\d|Asia/Ho_Chi_Minh", row[4]), row


def test_semicolon_separated_reading_has_no_formula(tmp_path):
    queries = ["a;=1+1", 'a; "=1+1', "a;+1", "a;-1", "a;@x", "a; b", "a;＝1"]
    seen = run_stats(tmp_path, [line(search(q)) for q in queries])
    assert_nothing_hostile(seen)
    cells = {row[1] for row in seen.rows if row[0] == "tim_kiem"}
    assert cells == {"a;'=1+1", "a;' \"=1+1", "a;'+1", "a;'-1", "a;'@x", "a; b", "a;'＝1"}


# ---- control characters ------------------------------------------------------------------------

ESCAPE_CASES = {
    # what is in the log → what staff see in its place
    "osc-title": ("\x1b]0;Bị chiếm quyền\x07", ""),
    "osc-title-st": ("\x1b]2;x\x1b\\", ""),
    "osc-clipboard": ("\x1b]52;c;ZXZpbA==\x07", ""),
    "csi-colour": ("\x1b[31m\x1b[5m", ""),
    "csi-clear": ("\x1b[2J\x1b[H", ""),
    "c1-csi": ("\u009b31m", ""),
    "bidi-override": ("\u202e\u2066", ""),
    "c0-del": ("\x00\x07\x08\x7f", ""),
    "line-breaks": ("\r\n\u2028", "   "),   # each becomes a space (searches collapse spaces)
}


@pytest.mark.parametrize("hostile, shown", ESCAPE_CASES.values(), ids=ESCAPE_CASES.keys())
def test_escape_sequences_never_reach_staff(tmp_path, hostile, shown):
    encoded = quote(hostile, safe="")
    # raw: a line break would end the log line, a space the request target
    raw_target = "/tin-tuc/2026/01/bai" + hostile.replace("\n", "").replace(" ", "") + "x/"
    seen = run_stats(tmp_path, [
        line(search("khai" + hostile + "sinh")),                        # percent-encoded in a search
        line("/tin-tuc/2026/02/bai" + encoded + "x/"),                  # percent-encoded in an address
        line(raw_target, agent=IPHONE),                                 # raw in the request line
        line("/feeds/tat-ca.atom.xml",                                  # raw in a feed reader's User-Agent
             agent=hostile.replace("\n", "") + "Feedly/1.0 (+http://feedly.com; 7 subscribers)"),
        line("/", agent="Mozilla/5.0 " + hostile.replace("\n", "") + " x"),  # raw in a User-Agent
    ])
    assert_nothing_hostile(seen)
    assert seen.figures["dong"]["duoc_tinh"] == 5
    queries = [s["tu_khoa"] for s in seen.figures["tim_kiem"]]
    assert queries == [" ".join(f"khai{shown}sinh".split())], queries
    addresses = [a["dia_chi"] for a in seen.figures["bai_viet"]]
    assert f"/tin-tuc/2026/02/bai{shown}x/" in addresses, addresses
    assert seen.figures["ban_tin"][0]["dich_vu"][0]["thue_bao"] == 7
    assert f"khai{shown}sinh".split()[0] in seen.stdout


def test_titles_and_chuyen_muc_from_the_site_are_cleaned(tmp_path):
    """The built site is read for titles and chuyên mục names: they are cleaned as well."""
    site = tmp_path / "output"
    page = site / "tin-tuc/2026/01/bai-mot/index.html"
    page.parent.mkdir(parents=True)
    page.write_text('<p class="cc-article__kicker"><a href="/chuyen-muc/tin\x1b[31m/">'
                    'Tin \x1b]0;x\x07hoạt động</a></p>'
                    '<h1>=Bài \x1b[2J một\u202e</h1>', encoding="utf-8")
    log = tmp_path / "access.log"
    log.write_bytes(line("/tin-tuc/2026/01/bai-mot/") + b"\n")
    out_csv, out_json = tmp_path / "s.csv", tmp_path / "s.json"
    result = subprocess.run([sys.executable, "-m", "cchc.cli", "stats", str(log), "--quarter", "I/2026",
                             "--site", str(site), "--csv", str(out_csv), "--json", str(out_json)],
                            cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    seen = Seen(result, out_csv, out_json)
    assert seen.returncode == 0, seen.stderr
    assert_nothing_hostile(seen)
    assert seen.figures["bai_viet"][0]["tieu_de"] == "=Bài một"
    assert seen.figures["chuyen_muc"][0]["ten"] == "Tin hoạt động"
    assert ["bai_viet", "/tin-tuc/2026/01/bai-mot/", "'=Bài một", "luot_xem", "1"] in seen.rows
    assert "Tin hoạt động" in seen.stdout


def test_nul_bytes_and_invalid_utf8(tmp_path):
    seen = run_stats(tmp_path, [
        line("/tin-tuc/2026/01/bai\x00mot/", agent="Mozilla/5.0\x00\x00(X11)"),
        line(search("x")).replace(b"?q=x", b"?q=\xff\xfe%ff%c3%28ok"),
        line("/tin-tuc/2026/01/bai-hai/").replace(b"bai-hai", b"bai-\xc3\x28hai"),
        b"\x00" * 200,                                   # a line of NUL bytes
        b"\xff\xfe\x00\x01 not a line",                  # garbage
    ])
    assert_nothing_hostile(seen)
    lines = seen.figures["dong"]
    assert (lines["tong"], lines["sai_dinh_dang"], lines["duoc_tinh"]) == (5, 2, 3)
    addresses = sorted(a["dia_chi"] for a in seen.figures["bai_viet"])
    assert addresses == ["/tin-tuc/2026/01/bai-\ufffd(hai/", "/tin-tuc/2026/01/baimot/"]
    assert [s["tu_khoa"] for s in seen.figures["tim_kiem"]] == ["\ufffd\ufffd\ufffd\ufffd(ok"]


# ---- long lines and User-Agents ----------------------------------------------------------------


def test_one_megabyte_user_agent_line_is_counted_as_malformed_at_once(tmp_path):
    huge = line("/tin-tuc/2026/01/bai-mot/", agent="a" * (1 << 20))
    log = tmp_path / "access.log"
    log.write_bytes(b"\n".join([line("/"), huge, line("/gioi-thieu/"), huge]))  # the last has no "\n"
    seen = run_stats(tmp_path, log=log)
    assert_nothing_hostile(seen)
    lines = seen.figures["dong"]
    assert (lines["tong"], lines["sai_dinh_dang"], lines["duoc_tinh"]) == (4, 2, 2)
    assert "2 sai định dạng" in seen.stdout


def test_one_megabyte_user_agent_line_in_a_gzip_log(tmp_path):
    huge = line("/", agent="Mozilla/5.0 " + "Googlebot" * 120_000)
    seen = run_stats(tmp_path, [huge, line("/"), huge], gz=True)
    lines = seen.figures["dong"]
    assert (lines["tong"], lines["sai_dinh_dang"], lines["duoc_tinh"]) == (3, 2, 1)


@pytest.mark.parametrize("extra, malformed", [(0, False), (1, True), (50_000, True)])
def test_line_length_limit(tmp_path, extra, malformed):
    """A line of exactly MAX_LINE_BYTES bytes is read; one byte more is malformed."""
    base = line("/", agent="")
    padded = base[:-1] + b"x" * (stats.MAX_LINE_BYTES - len(base) + extra) + b'"'
    assert len(padded) == stats.MAX_LINE_BYTES + extra
    for ending in (b"\n", b"\r\n"):
        log = tmp_path / "access.log"
        log.write_bytes(padded + ending + line("/") + ending)
        seen = run_stats(tmp_path, log=log)
        assert seen.figures["dong"]["sai_dinh_dang"] == int(malformed), ending
        assert seen.figures["dong"]["duoc_tinh"] == 2 - int(malformed)


def test_user_agent_is_cut_before_the_bot_check(monkeypatch):
    asked = []
    real = stats._is_bot
    monkeypatch.setattr(stats, "_is_bot", lambda agent: asked.append(len(agent)) or real(agent))
    tally = stats.Tally(QUARTER)
    for agent in ("Mozilla/5.0 (compatible; Googlebot/2.1) " + "a" * 7000,   # a bot, padded
                  "Mozilla/5.0 " + "b" * 7000 + " Googlebot/2.1",           # the token after the cut
                  ANDROID + " " + "c" * 7000):
        tally.add_line(line("/tin-tuc/2026/01/bai-mot/", agent=agent).decode())
    assert asked and max(asked) <= stats.MAX_AGENT
    assert tally.lines["tong"] == 3 and tally.lines["sai_dinh_dang"] == 0
    assert tally.excluded["bot"] == 1 and tally.lines["duoc_tinh"] == 2


def test_over_long_text_line_given_directly_is_malformed():
    tally = stats.Tally(QUARTER)
    tally.add_line(line("/", agent="a" * (1 << 20)).decode())
    tally.add_line(line("/").decode() + "\r\n")
    assert (tally.lines["tong"], tally.lines["sai_dinh_dang"], tally.lines["duoc_tinh"]) == (2, 1, 1)


def test_absurd_subscriber_counts_are_not_read():
    tally = stats.Tally(QUARTER)
    agent = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; " + "9" * 400 + " subscribers)"
    tally.add_line(line("/feeds/tat-ca.atom.xml", agent=agent).decode())
    tally.add_line(line("/feeds/tat-ca.atom.xml", agent=FEED_READERS[0], ip="203.0.113.99").decode())
    assert tally.result()["tong"]["thue_bao_ban_tin"] == 27


# ---- the bot check -----------------------------------------------------------------------------


def _bot_samples():
    """User-Agents that exercise every CrawlerDetect pattern: each literal pattern alone, inside a
    browser-like agent and one character short; near-misses of the generic pattern; real agents and
    seeded random ones."""
    from crawlerdetect.providers.crawlers import data as patterns
    literal = re.compile(r"^\^?((?:[A-Za-z0-9 !\"#%&',/:;<=>@_`~-]|\\[^A-Za-z0-9])+)\$?$")
    for pattern in patterns:
        if match := literal.match(pattern):
            word = re.sub(r"\\(.)", r"\1", match[1])
            yield from (word, word.upper(), f"Mozilla/5.0 (compatible; {word}/1.0)", word[:-1])
        else:
            yield from (pattern, "x" + pattern)
    for token in ("bot", "crawl", "spider", "fetcher", "reader", "monitoring", "scraper", "cron"):
        yield from (f"x{token}y", f"Mozilla/5.0 {token.upper()}", token[:-1], f"a-b_c{token}")
    yield from (*HUMANS, *BOTS, *FEED_READERS, "YandexSearch/1.0", "YandexBot/3.0", "Java/1.8", "x Java/1.8",
                "Ruby", "x Ruby/3", "x Ruby", "b0t", "b0t x", "", "   ")
    rng = random.Random(14)
    for _ in range(1500):
        yield "".join(rng.choice("abcdeilnoprstuyABCX0123 ;/()-_.:") for _ in range(rng.randrange(1, 60)))


def test_bot_check_answers_as_crawlerdetect():
    from crawlerdetect import CrawlerDetect
    theirs, ours = CrawlerDetect(), stats.BotCheck()
    differ = [agent for agent in _bot_samples() if ours(agent) != theirs.is_crawler(agent)]
    assert differ == []


def test_bot_check_on_long_runs_of_letters():
    """The agents CrawlerDetect's own regex is quadratic on (8 KB of letters: 8.7 s there)."""
    check = stats.BotCheck()
    assert check("a" * 8192) is False
    assert check("a" * 8192 + "bot") is True
    assert check("-" * 8192 + "Crawl") is True


# ---- a hostile mix -----------------------------------------------------------------------------


def test_hostile_mix(tmp_path):
    """A log of ordinary lines with every kind of hostile line mixed in, two of them 1 MB long."""
    log = tmp_path / "access.log"
    counts = generate(log, lines=3000, hostile=0.3, huge=2, seed=14)
    assert counts["parsed"] > 500
    seen = run_stats(tmp_path, log=log)
    assert_nothing_hostile(seen)
    lines = seen.figures["dong"]
    assert lines["tong"] == sum(counts.values())
    assert lines["sai_dinh_dang"] == counts["malformed"]
    assert lines["ngoai_ky"] == 0
    assert any(q["tu_khoa"].startswith("=hyperlink") for q in seen.figures["tim_kiem"])
    assert any(row[1].startswith("'=hyperlink") for row in seen.rows if row[0] == "tim_kiem")


# ---- the benchmark log -------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Writes a hostile combined access log for quarter I/2026.")
    parser.add_argument("output", type=pathlib.Path)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--hostile", type=float, default=0.02, help="share of hostile lines (default 0.02)")
    parser.add_argument("--huge", type=int, default=10, help="lines with a 1 MB User-Agent (default 10)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    counts = generate(args.output, args.lines, args.hostile, args.huge, args.seed)
    print(f"{args.output}: {sum(counts.values())} lines, {args.output.stat().st_size} bytes, {dict(counts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
