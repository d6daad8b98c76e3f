"""`cchc stats`: exact figures from generated access logs (issue 9)."""

from __future__ import annotations

import csv
import gzip
import json
import pathlib
import subprocess
import sys
import unicodedata
from urllib.parse import quote

import pytest

from cchc import stats

ROOT = pathlib.Path(__file__).resolve().parent.parent

ANDROID = ("Mozilla/5.0 (Linux; Android 13; SM-A135F) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/120.0.0.0 Mobile Safari/537.36")
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.1 Mobile/15E148 Safari/604.1")
WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/120.0.0.0 Safari/537.36 coc_coc_browser/120.0.0")
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
BINGBOT = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
AHREFS = "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)"
FEEDLY = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; {} subscribers; like FeedFetcher-Google)"
INOREADER = "Mozilla/5.0 (compatible; Inoreader/1.0; +http://www.inoreader.com/feed-fetcher; 12 subscribers; )"
FEEDBIN = "Feedbin feed-id:1234 - 5 subscribers"
TTRSS = "Tiny Tiny RSS/22.08 (https://tt-rss.org/)"
THUNDERBIRD = "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Thunderbird/115.3.1"
NETNEWSWIRE = "NetNewsWire (RSS Reader; https://netnewswire.com/)"

# Visitors: an IP with a User-Agent. v1 and v3 share an IP but are different visitors.
V1, V2, V3, V4 = ("203.0.113.10", ANDROID), ("203.0.113.11", IPHONE), ("203.0.113.10", IPHONE), \
    ("198.51.100.7", WINDOWS)
IPS = ["203.0.113.10", "203.0.113.11", "198.51.100.7", "198.51.100.8", "198.51.100.9", "198.51.100.20",
       "192.0.2.5", "192.0.2.6", "127.0.0.1", "10.0.0.2", "66.249.66.1"]

ART1, ART2, ART3 = "/tin-tuc/2026/01/bai-mot/", "/tin-tuc/2026/01/bai-hai/", "/tin-tuc/2026/03/bai-ba/"
PROC = "/thu-tuc/1-001193/"
FEED, PODCAST = "/feeds/tat-ca.atom.xml", "/feeds/phat-thanh.rss.xml"
SIPAS, SO = "/media/2026/chuyen-de-sipas.mp3", "/media/2026/chuyen-de-so.mp3"
Q_ACCENTED = "/tim-kiem/?q=%C4%91%C4%83ng+k%C3%BD+khai+sinh"          # đăng ký khai sinh
Q_UPPER = "/tim-kiem/?q=%C4%90%C4%83ng%20K%C3%BD%20%20khai%20sinh"      # "Đăng Ký  khai sinh"
Q_PLAIN = "/tim-kiem/?q=dang+ky+khai+sinh"
Q_NFD = "/tim-kiem/?q=" + quote(unicodedata.normalize("NFD", "đăng ký khai sinh"))


def line(who, stamp, target, status=200, method="GET", size=5120):
    ip, agent = who
    return f'{ip} - - [{stamp}] "{method} {target} HTTP/1.1" {status} {size} "-" "{agent}"'


# Vietnam days: D0 2026-01-01, D1 2026-01-05, D2 2026-01-06, D3 2026-02-10.
OLDER = [  # written gzip-compressed; D1 and D2
    # D1, human page views: v1 reads ART1 three times (one with a tracking query), the procedure and searches
    line(V1, "05/Jan/2026:08:00:00 +0700", ART1),
    line(V1, "05/Jan/2026:08:05:00 +0700", ART1),
    line(V1, "05/Jan/2026:08:06:00 +0700", ART1 + "index.html?utm_source=zalo"),
    line(V1, "05/Jan/2026:08:10:00 +0700", PROC),
    line(V1, "05/Jan/2026:08:12:00 +0700", Q_UPPER),
    line(V2, "05/Jan/2026:09:00:00 +0700", ART1),
    line(V2, "05/Jan/2026:09:03:00 +0700", ART2),
    line(V2, "05/Jan/2026:09:04:00 +0700", Q_ACCENTED),
    line(V3, "05/Jan/2026:10:00:00 +0700", "/"),
    line(V3, "05/Jan/2026:10:01:00 +0700", Q_PLAIN),
    # 16:30 UTC is 23:30 in Vietnam: still D1
    line(V2, "05/Jan/2026:16:30:00 +0000", PROC),
    # D2 in Vietnam time
    line(V1, "06/Jan/2026:08:00:00 +0700", ART2),
    line(V2, "06/Jan/2026:09:00:00 +0700", PROC),
    line(V2, "06/Jan/2026:09:01:00 +0700", Q_NFD),
    # 23:30 UTC on 5 January is 06:30 on 6 January in Vietnam: D2, the same visitor-day as above
    line(V1, "05/Jan/2026:23:30:00 +0000", ART2),
    # feeds
    line(("198.51.100.20", FEEDLY.format(27)), "05/Jan/2026:08:00:00 +0000", FEED),
    line(("198.51.100.20", FEEDLY.format(30)), "06/Jan/2026:08:00:00 +0000", FEED, status=304),
    line(("198.51.100.21", INOREADER), "05/Jan/2026:09:00:00 +0700", FEED),
    line(("198.51.100.8", TTRSS), "05/Jan/2026:09:00:00 +0700", FEED),
    line(("198.51.100.8", TTRSS), "05/Jan/2026:21:00:00 +0700", FEED, status=304),
    line(("198.51.100.8", TTRSS), "06/Jan/2026:09:00:00 +0700", FEED),
    line(("198.51.100.9", THUNDERBIRD), "05/Jan/2026:12:00:00 +0700", FEED),
    line(("192.0.2.5", NETNEWSWIRE), "05/Jan/2026:07:00:00 +0700", PODCAST),
    line(("192.0.2.5", NETNEWSWIRE), "06/Jan/2026:07:00:00 +0700", PODCAST),
    line(("192.0.2.6", FEEDBIN), "06/Jan/2026:07:00:00 +0700", PODCAST),
    # audio: three ranges of one file by v1 on D1 are one play; another on D2 is a second play
    line(V1, "05/Jan/2026:08:20:00 +0700", SIPAS, status=206),
    line(V1, "05/Jan/2026:08:20:01 +0700", SIPAS, status=206),
    line(V1, "05/Jan/2026:08:25:00 +0700", SIPAS, status=206),
    line(V1, "06/Jan/2026:08:25:00 +0700", SIPAS, status=206),
    line(V2, "05/Jan/2026:09:10:00 +0700", SIPAS),
    line(V3, "05/Jan/2026:10:10:00 +0700", SO),
]
NEWER = [  # written plain; D0, D3, everything excluded, malformed and out-of-period lines
    # 17:30 UTC on 31 December 2025 is 00:30 on 1 January 2026 in Vietnam: in the period (D0)
    line(V3, "31/Dec/2025:17:30:00 +0000", "/"),
    line(V1, "10/Feb/2026:20:00:00 +0700", ART1),
    line(V4, "10/Feb/2026:20:30:00 +0700", ART1, status=304),
    line(V4, "10/Feb/2026:20:31:00 +0700", ART3),
    line(V1, "10/Feb/2026:20:40:00 +0700", FEED),
    # the latest count Feedly states (read first, yet the latest in time)
    line(("198.51.100.20", FEEDLY.format(31)), "10/Feb/2026:01:00:00 +0000", FEED),
    # bots
    line(("66.249.66.1", GOOGLEBOT), "05/Jan/2026:03:00:00 +0700", ART1),
    line(("66.249.66.1", GOOGLEBOT), "05/Jan/2026:03:01:00 +0700", FEED),
    line(("157.55.39.1", BINGBOT), "05/Jan/2026:03:02:00 +0700", ART2),
    line(("54.36.148.1", AHREFS), "05/Jan/2026:03:03:00 +0700", "/"),
    line(("198.51.100.30", "python-requests/2.31.0"), "05/Jan/2026:03:04:00 +0700", PROC),
    line(("198.51.100.31", "curl/8.5.0"), "05/Jan/2026:03:05:00 +0700", ART1),
    # health checks
    line(("127.0.0.1", "kube-probe/1.29"), "05/Jan/2026:03:00:00 +0700", "/healthz"),
    line(("127.0.0.1", "curl/8.5.0"), "05/Jan/2026:03:00:10 +0700", "/healthz"),
    line(("10.0.0.2", "HealthCheck/1.0"), "05/Jan/2026:03:00:20 +0700", "/"),
    # errors
    line(V1, "05/Jan/2026:08:30:00 +0700", "/khong-co/", status=404),
    line(V2, "05/Jan/2026:08:31:00 +0700", ART1, status=500),
    line(V2, "05/Jan/2026:08:32:00 +0700", "/media/2026/khong-co.mp3", status=404),
    # assets
    *(line(V1, "05/Jan/2026:08:00:01 +0700", target) for target in (
        "/theme/css/main.css", "/pagefind/pagefind.js", "/images/2026/anh.jpg", "/favicon.ico",
        "/robots.txt", "/sitemap.xml")),
    # redirect, HEAD, a document
    line(V1, "05/Jan/2026:08:00:02 +0700", "/tin-tuc/2026/01/bai-mot", status=301),
    line(V1, "05/Jan/2026:08:00:03 +0700", "/", method="HEAD"),
    line(V1, "05/Jan/2026:08:00:04 +0700", "/bao-cao/2026/quy-i-2026/bao-cao-quy-i-2026.docx"),
    # out of the period: 23:00 on 31 December in Vietnam; 17:30 UTC on 31 March is 1 April in Vietnam
    line(V1, "31/Dec/2025:23:00:00 +0700", ART1),
    line(V1, "31/Mar/2026:17:30:00 +0000", ART1),
    # malformed
    "this is not a log line",
    line(V1, "05/Foo/2026:08:00:00 +0700", ART1),
    line(V1, "31/Feb/2026:08:00:00 +0700", ART1),
    '203.0.113.10 - - [05/Jan/2026:08:00:00 +0700] "GET /tin-tuc/2026/01/bai-mot/ HTTP/1.1',
    "",  # blank lines are not log lines
]


@pytest.fixture
def logs(tmp_path) -> list[pathlib.Path]:
    """The newer (plain) file first, the older (gzip) second: reverse order on purpose."""
    older, newer = tmp_path / "access.log.1.gz", tmp_path / "access.log"
    with gzip.open(older, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(OLDER) + "\n")
    newer.write_text("\n".join(NEWER) + "\n", encoding="utf-8")
    return [newer, older]


ARTICLE_PAGE = """<!doctype html><html lang="vi"><head><title>{title}</title></head><body>
<article class="cc-article"><header class="cc-article__header">
<p class="cc-article__kicker"><a href="https://cchc.chilinh.haiphong.gov.vn/chuyen-muc/{code}/">{name}</a> · Tin</p>
<h1 id="cc-article-title" class="cc-article__title">{title}</h1></header></article></body></html>
"""


@pytest.fixture
def site(tmp_path) -> pathlib.Path:
    """A tiny built site: two articles in two chuyên mục and one procedure page."""
    out = tmp_path / "output"
    for path, code, name, title in (
            (ART1, "tin-hoat-dong", "Tin hoạt động", "Bài một &amp; hai"),
            (ART2, "ket-qua-chi-so", "Kết quả và chỉ số cải cách hành chính", "Bài hai")):
        page = out / path.strip("/") / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(ARTICLE_PAGE.format(code=code, name=name, title=title), encoding="utf-8")
    procedure = out / PROC.strip("/") / "index.html"
    procedure.parent.mkdir(parents=True)
    procedure.write_text('<p class="cc-article__kicker">Thủ tục hành chính · Mã 1.001193</p>'
                         '<h1 class="cc-article__title">Đăng ký khai sinh</h1>', encoding="utf-8")
    return out


QUARTER = stats.period_from("I/2026")


def test_lines_and_exclusions(logs):
    figures = stats.collect(logs, QUARTER)
    lines = figures["dong"]
    assert lines == {
        "tong": len(OLDER) + len(NEWER) - 1,
        "sai_dinh_dang": 4,
        "ngoai_ky": 2,
        "duoc_tinh": 37,
        "loai_tru": {"health_check": 3, "bot": 6, "error": 3, "other_method": 1, "asset": 6,
                     "redirect": 1, "other": 1},
    }
    assert lines["tong"] == (lines["sai_dinh_dang"] + lines["ngoai_ky"] + lines["duoc_tinh"]
                             + sum(lines["loai_tru"].values()))
    assert figures["so_ngay_co_du_lieu"] == 4


def test_views_and_daily_visitors(logs):
    figures = stats.collect(logs, QUARTER)
    assert figures["theo_ngay"] == [
        {"ngay": "2026-01-01", "luot_xem": 1, "khach": 1},
        {"ngay": "2026-01-05", "luot_xem": 11, "khach": 3},
        {"ngay": "2026-01-06", "luot_xem": 4, "khach": 2},
        {"ngay": "2026-02-10", "luot_xem": 3, "khach": 2},
    ]
    assert figures["tong"] == {"luot_xem": 19, "khach": 8, "luot_tim_kiem": 4,
                               "nguoi_theo_doi_ban_tin": 49.5, "thue_bao_ban_tin": 48,
                               "luot_nghe": 4, "luot_tai": 2}


def test_articles_procedures_pages(logs):
    figures = stats.collect(logs, QUARTER)
    assert figures["co_chuyen_muc"] is False and figures["chuyen_muc"] == []
    assert figures["bai_viet"] == [
        {"dia_chi": ART1, "tieu_de": "", "chuyen_muc": None, "luot_xem": 6, "khach": 4},
        {"dia_chi": ART2, "tieu_de": "", "chuyen_muc": None, "luot_xem": 3, "khach": 2},
        {"dia_chi": ART3, "tieu_de": "", "chuyen_muc": None, "luot_xem": 1, "khach": 1},
    ]
    assert figures["thu_tuc"] == [
        {"dia_chi": PROC, "ma": "1.001193", "ten": "", "luot_xem": 3, "khach": 3}]
    assert figures["trang_khac"] == [
        {"dia_chi": "/tim-kiem/", "luot_xem": 4, "khach": 4},
        {"dia_chi": "/", "luot_xem": 2, "khach": 2},
    ]


def test_searches_keep_accented_and_unaccented_apart(logs):
    assert stats.collect(logs, QUARTER)["tim_kiem"] == [
        {"tu_khoa": "đăng ký khai sinh", "so_lan": 3},  # as typed, upper-case and decomposed (NFD)
        {"tu_khoa": "dang ky khai sinh", "so_lan": 1},
    ]


def test_feed_followers(logs):
    feeds = stats.collect(logs, QUARTER)["ban_tin"]
    assert feeds == [
        # direct fetchers: Tiny Tiny RSS on two days, Thunderbird, a browser: 4 visitor-days / 4 days;
        # Feedly's latest stated count (31, from the file read first) + Inoreader's 12
        {"dia_chi": FEED, "nguoi_doc_moi_ngay": 1.0, "thue_bao": 43,
         "dich_vu": [{"ten": "Feedly", "thue_bao": 31}, {"ten": "Inoreader", "thue_bao": 12}],
         "nguoi_theo_doi": 44.0},
        {"dia_chi": PODCAST, "nguoi_doc_moi_ngay": 0.5, "thue_bao": 5,
         "dich_vu": [{"ten": "Feedbin", "thue_bao": 5}], "nguoi_theo_doi": 5.5},
    ]


def test_audio_plays_and_downloads(logs):
    assert stats.collect(logs, QUARTER)["am_thanh"] == [
        {"dia_chi": SIPAS, "luot_nghe": 3, "luot_tai": 1, "yeu_cau": 5},
        {"dia_chi": SO, "luot_nghe": 1, "luot_tai": 1, "yeu_cau": 1},
    ]


def test_categories_from_the_built_site(logs, site):
    figures = stats.collect(logs, QUARTER, site)
    assert figures["co_chuyen_muc"] is True
    assert figures["chuyen_muc"] == [
        {"ma": "tin-hoat-dong", "ten": "Tin hoạt động", "luot_xem": 6, "khach": 4},
        {"ma": "ket-qua-chi-so", "ten": "Kết quả và chỉ số cải cách hành chính", "luot_xem": 3, "khach": 2},
        {"ma": "khong-ro", "ten": "Không rõ chuyên mục", "luot_xem": 1, "khach": 1},
    ]
    assert [(a["dia_chi"], a["tieu_de"], a["chuyen_muc"]) for a in figures["bai_viet"]] == [
        (ART1, "Bài một & hai", "tin-hoat-dong"), (ART2, "Bài hai", "ket-qua-chi-so"), (ART3, "", "khong-ro")]
    assert figures["thu_tuc"][0]["ten"] == "Đăng ký khai sinh"


def test_other_periods(logs):
    year = stats.collect(logs, stats.period_from(year="2026"))
    assert year["dong"]["ngoai_ky"] == 1 and year["tong"]["luot_xem"] == 19 + 1
    days = stats.collect(logs, stats.period_from(start="2026-01-05", end="2026-01-05"))
    assert days["theo_ngay"] == [{"ngay": "2026-01-05", "luot_xem": 11, "khach": 3}]
    assert days["ky"]["ten"] == "Từ 05/01/2026 đến 05/01/2026"
    with pytest.raises(ValueError):
        stats.period_from(quarter="V/2026")
    with pytest.raises(ValueError):
        stats.period_from(start="2026-02-01", end="2026-01-01")


def test_vietnam_day_with_a_half_hour_offset():
    # +0530: the Vietnam day changes at 22:30 local time, not on the hour
    assert stats.vietnam_day("05/Jan/2026:22:29:00 +0530") == stats.dt.date(2026, 1, 5).toordinal()
    assert stats.vietnam_day("05/Jan/2026:22:31:00 +0530") == stats.dt.date(2026, 1, 6).toordinal()
    assert stats.vietnam_day("05/Jan/2026:16:59:59 +0000") == stats.dt.date(2026, 1, 5).toordinal()
    assert stats.vietnam_day("05/Jan/2026:17:00:00 +0000") == stats.dt.date(2026, 1, 6).toordinal()


def test_csv_and_json_files(logs, site, tmp_path):
    figures = stats.collect(logs, QUARTER, site)
    stats.write_csv(figures, tmp_path / "s.csv")
    stats.write_json(figures, tmp_path / "s.json")
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8")) == figures
    raw = (tmp_path / "s.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["nhom", "ma", "ten", "chi_so", "gia_tri"]
    for expected in (
            ["ky", "", "Quý I/2026", "tu_ngay", "2026-01-01"],
            ["dong", "", "", "sai_dinh_dang", "4"],
            ["loai_tru", "bot", stats.REASONS["bot"], "so_dong", "6"],
            ["tong", "", "", "luot_xem", "19"],
            ["tong", "", "", "khach", "8"],
            ["theo_ngay", "2026-01-05", "", "khach", "3"],
            ["chuyen_muc", "tin-hoat-dong", "Tin hoạt động", "luot_xem", "6"],
            ["bai_viet", ART2, "Bài hai", "khach", "2"],
            ["thu_tuc", PROC, "1.001193 Đăng ký khai sinh", "luot_xem", "3"],
            ["tim_kiem", "đăng ký khai sinh", "", "so_lan", "3"],
            ["tim_kiem", "dang ky khai sinh", "", "so_lan", "1"],
            ["ban_tin", FEED, "", "nguoi_theo_doi", "44.0"],
            ["ban_tin", FEED, "Feedly", "thue_bao_dich_vu", "31"],
            ["am_thanh", SIPAS, "", "luot_nghe", "3"]):
        assert expected in rows, expected
    assert all(len(row) == 5 for row in rows)


def test_table_is_vietnamese(logs):
    table = stats.render_table(stats.collect(logs, QUARTER))
    assert "Thống kê truy cập chuyên mục Cải cách hành chính – Quý I/2026" in table
    assert "Từ 01/01/2026 đến 31/03/2026 (giờ Việt Nam)" in table
    assert "4 sai định dạng (bỏ qua); 2 ngoài kỳ" in table
    followers = next(row for row in table.splitlines() if "Người theo dõi bản tin" in row)
    assert followers.split()[-1] == "49,50"  # Vietnamese decimal comma


def test_command_line(logs, site, tmp_path):
    out_csv, out_json = tmp_path / "thong-ke.csv", tmp_path / "thong-ke.json"
    result = subprocess.run(
        [sys.executable, "-m", "cchc.cli", "stats", *map(str, logs), "--quarter", "I/2026",
         "--site", str(site), "--csv", str(out_csv), "--json", str(out_json)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    table = result.stdout
    for text in ("Thống kê truy cập chuyên mục Cải cách hành chính – Quý I/2026",
                 "Lượt xem trang", "Theo chuyên mục (bài viết)", "Tin hoạt động",
                 "đăng ký khai sinh", "dang ky khai sinh", "bot, trình thu thập tự động",
                 "1.001193 Đăng ký khai sinh", f"Đã ghi {out_csv}", f"Đã ghi {out_json}"):
        assert text in table, text
    assert json.loads(out_json.read_text(encoding="utf-8"))["tong"]["luot_xem"] == 19
    written = table + result.stderr + out_csv.read_text(encoding="utf-8-sig") + out_json.read_text(encoding="utf-8")
    for ip in IPS:
        assert ip not in written, ip


def test_command_line_refuses_a_bad_period(logs):
    result = subprocess.run([sys.executable, "-m", "cchc.cli", "stats", str(logs[0]), "--from", "2026-01-01"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "--to" in result.stderr
