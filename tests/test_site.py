"""The real site, built for production: what a resident sees on pages, in lists and archives."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from collections import Counter

import pytest

from cchc import data
from conftest import BUILD_DATE, ROOT, SITEURL, moved, page, url_to_path

SITE_DATA = data.load(str(ROOT / "content" / "data"))
OFFICIAL_DATE = re.compile(r"^ngày (0[1-9]|[12]\d|3[01]) tháng (01|02|[3-9]|1[0-2]) năm 20\d\d$")
SHORT_DATE = re.compile(r"^\d\d/\d\d/20\d\d$")


def html_pages(site):
    return sorted(site.rglob("*.html"))


def articles(site):
    """Article pages (not the pages left at old addresses, which are noindex)."""
    return sorted(p for p in (site / "tin-tuc").glob("20*/[01]*/*/index.html") if not moved(p))


def text_of(el) -> str:
    return " ".join(el.text_content().split())


def test_every_page_is_vietnamese_accessible_and_nfc(site):
    pages = html_pages(site)
    assert len(pages) > 50
    for path in pages:
        raw = path.read_text(encoding="utf-8")
        doc = page(path)
        where = path.relative_to(site)
        assert doc.get("lang") == "vi", where
        assert unicodedata.is_normalized("NFC", raw), where
        assert not re.search("[\u200b-\u200f\ufeff]", raw), where
        assert len(doc.xpath("//h1")) == 1, where
        assert len(doc.xpath("//main[@id='noi-dung-chinh']")) == 1, where
        skip = doc.xpath("//a[contains(@class,'cc-skip-link')]")
        assert skip and skip[0].get("href") == "#noi-dung-chinh", where
        assert doc.xpath("//header") and doc.xpath("//footer") and doc.xpath("//nav"), where
        assert doc.findtext(".//title").strip(), where
        assert "Ủy ban nhân dân phường Chí Linh" in text_of(doc.xpath("//header[@class='cc-header']")[0]), where
        assert "0220 3882 115" in text_of(doc.xpath("//footer[@class='cc-footer']")[0]), where


def test_addresses_are_ascii(site):
    for path in site.rglob("*"):
        assert str(path.relative_to(site)).isascii(), path


def test_no_external_resources_are_loaded(site):
    """Fonts, styles and scripts come from the site itself: no CDN, no tracker."""
    for path in html_pages(site):
        doc = page(path)
        for url in doc.xpath("//link[@rel='stylesheet' or @rel='preload']/@href | //script/@src | //img/@src"):
            assert url.startswith(SITEURL + "/"), (path, url)
    css = next((site / "theme" / "css").glob("site.*.css")).read_text(encoding="utf-8")
    assert "http" not in css.replace("https://", "")  # only relative font URLs
    assert all((site / "theme" / "fonts" / f).exists() for f in re.findall(r"fonts/([\w.-]+\.woff2)", css))


def test_sample_content_covers_the_plan(site):
    paths = articles(site)
    assert len(paths) >= 20
    forms, categories, areas, tasks = Counter(), Counter(), Counter(), Counter()
    for path in paths:
        doc = page(path)
        kicker = text_of(doc.xpath("//p[@class='cc-article__kicker']")[0])
        category, _, form = kicker.partition(" · ")
        categories[category] += 1
        forms[form] += 1
        meta = text_of(doc.xpath("//dl[@class='cc-meta']")[0])
        for area in SITE_DATA.areas:
            if f"{area.code}) {area.name}" in meta:
                areas[area.code] += 1
        for task in SITE_DATA.tasks:
            if f"Nhiệm vụ {task.code}:" in meta:
                tasks[task.code] += 1
    assert set(categories) == {c.name for c in SITE_DATA.categories}
    assert set(forms) == {f.name for f in SITE_DATA.forms}
    assert set(areas) == {a.code for a in SITE_DATA.areas}
    assert set(tasks) == {t.code for t in SITE_DATA.tasks}


def test_article_page_shows_official_date_metadata_and_navigation(site):
    for path in articles(site):
        doc = page(path)
        where = path.relative_to(site)
        times = doc.xpath("//p[@class='cc-article__date']/time")
        assert times, where
        assert OFFICIAL_DATE.match(times[0].text), (where, times[0].text)
        assert re.match(r"^2026-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$", times[0].get("datetime")), where
        date = times[0].get("datetime")
        # the address carries the year and month of the article's date
        assert f"tin-tuc/{date[:4]}/{date[5:7]}/" in str(where)
        crumbs = doc.xpath("//nav[@class='cc-breadcrumb']//li")
        assert text_of(crumbs[0]) == "Trang chủ"
        assert crumbs[-1].get("aria-current") == "page"
        assert text_of(crumbs[1]) in {c.name for c in SITE_DATA.categories}
        assert doc.xpath("//dl[@class='cc-meta']//dt[.='Cơ quan thực hiện']"), where
        assert doc.xpath("//link[@rel='canonical']/@href")[0] == f"{SITEURL}/{where.parent}/"
        assert doc.xpath("//section[@class='cc-related']//a"), where
        assert doc.xpath("//nav[@class='cc-neighbors']//a"), where


def test_previous_and_next_follow_dates(site):
    dated = sorted((page(p).xpath("//p[@class='cc-article__date']/time/@datetime")[0], p) for p in articles(site))
    newest, oldest = dated[-1][1], dated[0][1]
    assert not page(newest).xpath("//li[@class='cc-neighbors__newer']")
    assert not page(oldest).xpath("//li[@class='cc-neighbors__older']")
    second = page(dated[1][1])
    older = second.xpath("//li[@class='cc-neighbors__older']/a/@href")[0]
    assert url_to_path(site, older) == oldest


def test_figures_have_alt_text_captions_and_responsive_sources(site):
    figures = 0
    for path in articles(site):
        doc = page(path)
        for figure in doc.xpath("//div[@id='noi-dung']//figure"):
            figures += 1
            img = figure.xpath(".//img")[0]
            assert img.get("alt", "").strip(), path
            assert figure.xpath("./figcaption") and text_of(figure.xpath("./figcaption")[0]), path
            assert img.get("width") and img.get("height") and img.get("loading") == "lazy"
            for candidate in img.get("srcset").split(","):
                url, width = candidate.split()
                assert url_to_path(site, url).exists(), url
                assert re.match(r"^\d+w$", width)
        for img in doc.xpath("//img"):
            assert img.get("alt") is not None, path
    assert figures >= 3


def test_radio_programme_has_player_download_and_transcript(site):
    audio_pages = [p for p in articles(site) if page(p).xpath("//audio")]
    assert len(audio_pages) >= 3
    for path in audio_pages:
        doc = page(path)
        audio = doc.xpath("//audio")[0]
        assert audio.get("controls") is not None and audio.get("preload") == "none"
        assert url_to_path(site, audio.get("src")).stat().st_size > 1000
        download = doc.xpath("//p[@id='cc-audio-note']//a[@download]")[0]
        assert re.search(r"\(\d+(,\d)? (KB|MB)\)", text_of(download))
        transcript = text_of(doc.xpath("//div[@id='noi-dung']")[0])
        assert len(transcript) > 200


def test_video_has_titled_frame_and_text_alternative(site):
    video_pages = [p for p in articles(site) if page(p).xpath("//section[@class='cc-video']")]
    assert len(video_pages) >= 2
    for path in video_pages:
        doc = page(path)
        frame = doc.xpath("//section[@class='cc-video']//iframe")
        if frame:
            assert frame[0].get("src").startswith("https://www.youtube-nocookie.com/embed/")
            assert frame[0].get("title", "").startswith("Video: ")
        assert len(text_of(doc.xpath("//div[@id='noi-dung']")[0])) > 200


def test_lists_show_short_dates_and_paginate(site):
    home = page(site / "index.html")
    dates = home.xpath("//p[@class='cc-item__meta']/time")
    assert len(dates) == 10  # DEFAULT_PAGINATION
    assert all(SHORT_DATE.match(t.text) for t in dates)
    iso = [t.get("datetime") for t in dates]
    assert iso == sorted(iso, reverse=True)  # newest first
    second = site / "trang" / "2" / "index.html"
    assert second.exists()
    assert page(second).xpath("//nav[@class='cc-pagination']//span[@aria-current='page']")
    assert home.xpath("//a[@rel='next']/@href")[0] == f"{SITEURL}/trang/2/"


def test_article_counts_by_category_show_on_the_front_page_only(site):
    """The later pages of the list name the chuyên mục without counts: a count there would make
    every one of them change with each article that joins or leaves a chuyên mục."""
    def aside(path):
        return page(path).xpath("//aside[@class='cc-aside']//ul[@class='cc-category-list']/li")

    front, later = aside(site / "index.html"), aside(site / "trang" / "2" / "index.html")
    assert [text_of(li.xpath("a")[0]) for li in front] == [text_of(li.xpath("a")[0]) for li in later] != []
    counts = [text_of(li.xpath("span[@class='cc-count']")[0]) for li in front]
    assert all(re.fullmatch(r"\(\d+ bài\)", count) for count in counts), counts
    articles = [path for path in (site / "tin-tuc").glob("*/*/*/index.html")  # tin-tuc/yyyy/mm/slug/
                if re.fullmatch(r"\d\d", path.parent.parent.name)
                and 'http-equiv="refresh"' not in path.read_text("utf-8")]  # (not an old address's redirect)
    assert sum(int(re.search(r"\d+", count).group()) for count in counts) == len(articles)
    assert not any(li.xpath("span[@class='cc-count']") for li in later)


def test_category_and_tag_pages(site):
    for category in SITE_DATA.categories:
        path = site / "chuyen-muc" / category.code / "index.html"
        doc = page(path)
        assert text_of(doc.xpath("//h1")[0]) == category.name
        assert category.mo_ta in text_of(doc)
        assert doc.xpath("//ul[@class='cc-list']/li")
        assert doc.xpath(f"//link[@type='application/rss+xml'][@href='{SITEURL}/feeds/chuyen-muc/{category.code}.rss.xml']")
    index = page(site / "chuyen-muc" / "index.html")
    assert [text_of(a) for a in index.xpath("//h2[@class='cc-card__title']/a")] == [c.name for c in SITE_DATA.categories]
    tags = page(site / "the" / "index.html").xpath("//ul[@class='cc-tag-cloud']//a/@href")
    assert len(tags) >= 10
    for href in tags:
        assert url_to_path(site, href).exists()


def test_year_and_month_archives(site):
    archive = page(site / "tin-tuc" / "index.html")
    assert archive.xpath("//h2[@id='nam-2026']")
    months = archive.xpath("//section[@class='cc-archive-year']//li/a/@href")
    assert len(months) >= 6
    # Years and months only: each month's page lists its articles (a list of every article was
    # 1.5 MB at 5,000 articles).
    assert not [href for href in archive.xpath("//main//a/@href") if re.search(r"/tin-tuc/\d{4}/\d{2}/[^/]+/$", href)]
    for href in months:
        doc = page(url_to_path(site, href))
        assert text_of(doc.xpath("//h1")[0]).startswith("Tin bài tháng ")
    year = page(site / "tin-tuc" / "2026" / "index.html")
    assert text_of(year.xpath("//h1")[0]) == "Tin bài năm 2026"


@pytest.mark.parametrize("slug, title", [
    ("gioi-thieu", "Giới thiệu chuyên mục"),
    ("ke-hoach-tuyen-truyen-cchc-2026", "Kế hoạch tuyên truyền cải cách hành chính năm 2026"),
    ("lien-he", "Liên hệ – đường dây nóng"),
    ("doi-thoai-truc-tuyen", "Đối thoại trực tuyến"),
    ("theo-doi", "Theo dõi chuyên mục"),
])
def test_static_pages(site, slug, title):
    doc = page(site / slug / "index.html")
    assert text_of(doc.xpath("//h1")[0]) == title


def test_plan_page_lists_all_six_tasks(site):
    doc = page(site / "ke-hoach-tuyen-truyen-cchc-2026" / "index.html")
    body = text_of(doc.xpath("//main")[0])
    for task in SITE_DATA.tasks:
        assert task.name.rstrip(".") in body
    assert "110/QĐ-UBND" in body


def test_internal_links_resolve(site):
    """Every link and image inside the site points to a file that exists (and its #anchor)."""
    ids = {}
    for path in html_pages(site):
        doc = page(path)
        for url in doc.xpath("//a/@href | //img/@src | //link/@href | //audio/@src | //script/@src"):
            if not url.startswith(SITEURL + "/"):
                continue
            target = url_to_path(site, url)
            assert target.exists(), (path.relative_to(site), url)
            if "#" in url and target.suffix == ".html":
                anchor = url.split("#", 1)[1]
                if target not in ids:
                    ids[target] = set(page(target).xpath("//@id"))
                assert anchor in ids[target], (path.relative_to(site), url)


def test_sitemap_lists_every_page_by_its_canonical_address(site):
    from lxml import etree

    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    root = etree.parse(str(site / "sitemap.xml")).getroot()
    entries = {u.findtext(ns + "loc"): u.findtext(ns + "lastmod") for u in root.iter(ns + "url")}
    pages = [p for p in html_pages(site)
             if not str(p.relative_to(site)).startswith(("theme/", "ban-nhap/", "404.html")) and not moved(p)]
    expected = set()
    for path in pages:
        rel = str(path.relative_to(site))
        expected.add(f"{SITEURL}/{rel[:-len('index.html')] if rel.endswith('index.html') else rel}")
    assert set(entries) == expected
    for loc in entries:
        assert url_to_path(site, loc).exists()
    # pages with a date carry it; the same canonical address the page itself declares
    article = next(iter(articles(site)))
    doc = page(article)
    canonical = doc.xpath("//link[@rel='canonical']/@href")[0]
    assert entries[canonical] == doc.xpath("//p[@class='cc-article__date']/time/@datetime")[-1][:10]
    assert entries[f"{SITEURL}/thu-tuc/1-004873/"] == "2026-06-15"  # a procedure's last change
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {SITEURL}/sitemap.xml" in robots.splitlines() and "Disallow: /" not in robots


def test_every_page_has_a_sharing_card(site):
    for path in html_pages(site):
        if moved(path):
            continue  # a page left at an old address: its card is the new page's
        doc = page(path)
        meta = {m.get("property") or m.get("name"): m.get("content") for m in doc.xpath("//head/meta")}
        where = path.relative_to(site)
        assert meta["og:locale"] == "vi_VN" and meta["og:title"] and meta["og:description"], where
        assert meta["twitter:card"] == "summary_large_image", where
        assert url_to_path(site, meta["og:image"]).exists(), where
        assert int(meta["og:image:width"]) > 0 and int(meta["og:image:height"]) > 0, where
        assert url_to_path(site, meta["og:url"]) == path, where
        canonical = doc.xpath("//link[@rel='canonical']/@href")
        if canonical:
            assert canonical[0] == meta["og:url"], where


def test_structured_data(site):
    import json

    def blocks(path):
        return [json.loads(s) for s in page(path).xpath("//script[@type='application/ld+json']/text()")]

    home = blocks(site / "index.html")
    assert home[0]["@type"] == "GovernmentOrganization" and home[0]["name"] == "Ủy ban nhân dân phường Chí Linh"
    news = blocks(articles(site)[0])[0]
    assert news["@type"] == "NewsArticle" and news["inLanguage"] == "vi" and news["datePublished"].endswith("+07:00")
    assert news["publisher"]["@type"] == "GovernmentOrganization"
    service = blocks(site / "thu-tuc/1-001193/index.html")[0]
    assert service["@type"] == "GovernmentService" and service["identifier"] == "1.001193"
    assert service["provider"]["name"] == "Ủy ban nhân dân phường Chí Linh"
    assert service["areaServed"]["name"] == "Phường Chí Linh, thành phố Hải Phòng"
    assert {c["name"] for c in service["availableChannel"]} >= {"Trực tuyến"}
    assert all(c["processingTime"].startswith("P") for c in service["availableChannel"] if "processingTime" in c)


def test_not_found_page_in_vietnamese(site):
    doc = page(site / "404.html")
    assert doc.get("lang") == "vi"
    assert text_of(doc.xpath("//h1")[0]) == "Không tìm thấy trang"
    assert doc.xpath("//form[@role='search']/@action")[0] == f"{SITEURL}/tim-kiem/"
    assert doc.xpath("//meta[@property='og:url']/@content")[0] == f"{SITEURL}/404.html"


def test_text_files_have_precompressed_copies(site):
    import gzip

    import brotli

    checked = 0
    paths = list(site.rglob("*.html"))[:40] + list(site.rglob("*.css")) + list((site / "pagefind").glob("*.js"))
    for path in paths + [site / "feeds" / "tat-ca.atom.xml", site / "sitemap.xml"]:
        original = path.read_bytes()
        if len(original) < 20:
            continue
        assert gzip.decompress(path.with_name(path.name + ".gz").read_bytes()) == original, path
        assert brotli.decompress(path.with_name(path.name + ".br").read_bytes()) == original, path
        checked += 1
    assert checked > 40


def test_renamed_article_keeps_its_old_address(site):
    old = site / "tin-tuc/2026/04/ap-dung-iso-9001-tai-trung-tam-phuc-vu-hanh-chinh-cong/index.html"
    doc = page(old)
    new = f"{SITEURL}/tin-tuc/2026/04/trung-tam-phuc-vu-hanh-chinh-cong-ap-dung-iso-9001-2015/"
    assert doc.xpath("//link[@rel='canonical']/@href") == [new]
    assert doc.xpath("//meta[@http-equiv='refresh']/@content") == [f"0; url={new}"]
    assert doc.xpath("//main//a/@href") == [new]
    redirects = (site / "redirects.map").read_text(encoding="utf-8")
    assert f"    /tin-tuc/2026/04/ap-dung-iso-9001-tai-trung-tam-phuc-vu-hanh-chinh-cong/ {new};" in redirects


def test_theme_files_have_content_hashed_names(site):
    """Stylesheets and scripts are linked under a name that changes with their content (so the server
    can cache them for a year), minified in production, and no unhashed copy is left behind."""
    import hashlib

    doc = page(site / "index.html")
    linked = doc.xpath("//link[@rel='stylesheet']/@href | //script/@src")
    assert len(linked) == 4  # site.css, print.css, site.js and the procedure finder's finder.js
    for url in linked:
        file = site / url[len(SITEURL) + 1:]
        name, digest, suffix = file.name.split(".")
        assert digest == hashlib.sha256(file.read_bytes()).hexdigest()[:10], url
        assert not (file.parent / f"{name}.{suffix}").exists(), url
    css = next((site / "theme" / "css").glob("site.*.css")).read_text(encoding="utf-8")
    assert "/*" not in css and "\n  " not in css
    assert page(site / "tim-kiem" / "index.html").xpath("//script[@type='module']/@src")[0].split("/")[-1].startswith("search.")


def test_share_links_are_plain_links_to_the_canonical_address(site):
    """Zalo, Facebook and copy-link on articles and procedures, with no third-party script."""
    import base64
    import json
    from urllib.parse import parse_qs, urlsplit

    article = next(p for p in articles(site) if not moved(p))
    for path in (article, site / "thu-tuc" / "1-001193" / "index.html"):
        doc = page(path)
        canonical = doc.xpath("//link[@rel='canonical']/@href")[0]
        share = doc.xpath("//section[@class='cc-share']")[0]
        links = {text_of(a): a.get("href") for a in share.xpath(".//a")}
        assert list(links) == ["Zalo", "Facebook", "Sao chép liên kết"], path
        zalo = urlsplit(links["Zalo"])
        assert (zalo.scheme, zalo.netloc, zalo.path) == ("https", "button-share.zalo.me", "/share_external")
        assert json.loads(base64.b64decode(parse_qs(zalo.query)["d"][0])) == {"url": canonical}
        assert parse_qs(urlsplit(links["Facebook"]).query)["u"] == [canonical]
        assert links["Sao chép liên kết"] == canonical
        assert all(src.startswith(SITEURL + "/") for src in doc.xpath("//script/@src"))


def test_two_builds_of_the_same_sources_are_identical(site, tmp_path):
    """Reproducible output: a second production build (its own caches) writes the same files with
    the same bytes, .br and .gz copies included. The one documented exception is pagefind/, whose
    chunk names Pagefind derives differently on each run (README, "Production build")."""
    from conftest import built_files, run_pelican

    again = tmp_path / "again"
    result = run_pelican(ROOT / "content", again, cache=tmp_path / "cache")
    assert result.returncode == 0, result.stdout + result.stderr
    first, second = built_files(site), built_files(again)
    assert first.keys() == second.keys(), sorted(first.keys() ^ second.keys())
    assert [name for name in first if first[name] != second[name]] == []


def test_addresses_are_kept_only_while_nothing_changes_them(tmp_path):
    """plugins/cchc_urls keeps each address once the site is read; a change made later (here by a
    plugin that renames an article after that point) stops the build instead of leaving links
    to pages that do not exist."""
    plugin = tmp_path / "plugins" / "doi_slug_muon"
    plugin.mkdir(parents=True)
    (plugin / "__init__.py").write_text(
        "from pelican import signals\n"
        "def rename(generator, writer):\n"
        "    for article in generator.articles[:1]:\n"
        "        article.slug = article.slug + '-doi'\n"
        "def register():\n"
        "    signals.article_writer_finalized.connect(rename)\n", encoding="utf-8")
    settings = tmp_path / "conf.py"
    settings.write_text(
        f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "from pelicanconf import *\n"
        f"PLUGIN_PATHS = PLUGIN_PATHS + [{str(tmp_path / 'plugins')!r}]\n"
        "PLUGINS = PLUGINS + ['doi_slug_muon']\n"
        "CCHC_SEARCH = False\n", encoding="utf-8")
    env = dict(os.environ, CCHC_BUILD_DATE=BUILD_DATE)
    result = subprocess.run([sys.executable, "-m", "pelican", str(ROOT / "content"), "-s", str(settings),
                             "-o", str(tmp_path / "out"), "-e", f'SITEURL="{SITEURL}"'], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "cchc_urls: địa chỉ của" in result.stdout + result.stderr


def test_pagination_numbers_a_window_of_pages():
    """A listing with many pages numbers the first, the last and two on each side of the current
    page, with "…" between (at 5,000 articles the home page has 500 pages)."""
    import jinja2
    from lxml import html as lxml_html

    class Page:
        def __init__(self, number, last):
            self.number, self.last, self.url = number, last, ("" if number == 1 else f"trang/{number}/")

        def has_previous(self):
            return self.number > 1

        def has_next(self):
            return self.number < self.last

        def previous_page_number(self):
            return self.number - 1

        def next_page_number(self):
            return self.number + 1

    class Paginator:
        def __init__(self, last):
            self.num_pages = last

        def page(self, number):
            return Page(number, self.num_pages)

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT / "theme" / "templates")), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals["SITEURL"] = ""
    macro = env.get_template("components/pagination.html").module.pagination

    def shown(current, last):
        nav = lxml_html.fromstring(str(macro(Page(current, last), Paginator(last))))
        items = []
        for li in nav.xpath("//li"):
            text = li.text_content().replace("Trang ", "").strip()
            items.append(text)
        return items

    assert shown(1, 2) == ["1", "2", "sau ›"]
    assert shown(1, 500) == ["1", "2", "3", "…", "500", "sau ›"]
    assert shown(250, 500) == ["‹ trước", "1", "…", "248", "249", "250", "251", "252", "…", "500", "sau ›"]
    assert shown(500, 500) == ["‹ trước", "1", "…", "498", "499", "500"]
    assert shown(4, 7) == ["‹ trước", "1", "2", "3", "4", "5", "6", "7", "sau ›"]


def test_reading_and_writing_in_several_processes_changes_no_byte(site, tmp_path):
    """plugins/cchc_content/parallel.py: Markdown and typogrify in worker processes, and
    plugins/cchc_writing: the news pages written by two processes (both forced on here: content/
    has fewer files than it takes to pay for them) give the site byte for byte, with the sitemap,
    compressed copies and link checks of every page."""
    from conftest import built_files, run_pelican

    parallel = run_pelican(ROOT / "content", tmp_path / "parallel", cache=tmp_path / "c1",
                           extra=["-D", "-e", "CCHC_SEARCH=false", "CCHC_PARALLEL_READING=1", "CCHC_PARALLEL_WRITING=1"])
    log = parallel.stdout + parallel.stderr
    assert parallel.returncode == 0, log
    assert "Parallel reading: 31 files read by the worker processes." in log
    written = re.search(r"Parallel writing: (\d+) of (\d+) files written by the second process", log)
    assert written and 0 < int(written[1]) < int(written[2]), log
    alone = run_pelican(ROOT / "content", tmp_path / "alone", cache=tmp_path / "c2",
                        extra=["-e", "CCHC_SEARCH=false", "CCHC_PARALLEL_READING=false", "CCHC_PARALLEL_WRITING=false"])
    assert alone.returncode == 0, alone.stdout + alone.stderr
    assert built_files(tmp_path / "parallel") == built_files(tmp_path / "alone")
    assert built_files(tmp_path / "parallel") == {k: v for k, v in built_files(site).items()}


def test_the_reading_cache_converts_only_changed_files_and_still_reports_every_problem(fixture_site, tmp_path):
    """parallel.Store: a build converts only the files whose bytes changed since the last one; the
    reader's checks still run on every file, and the pages are those of a build without a cache."""
    from conftest import article, built_files, run_pelican

    for name, title in (("a", "Tiếp nhận hồ sơ trực tuyến"), ("b", "Đối thoại với người dân"), ("c", "Số hóa hồ sơ")):
        fixture_site.write(f"articles/{name}.md", article(title=title, body=f"Nội dung bài {title}."))
    first = fixture_site.build(extra=["-D", "-e", "CCHC_SEARCH=false"])
    assert first.returncode == 0, first.log
    assert "Reading cache:" not in first.log

    fixture_site.write("articles/b.md", article(title="Đối thoại với người dân", body="Nội dung đã sửa."))
    no_title = fixture_site.write("articles/d.md", article(title="x", body="Bài chưa có tiêu đề.").replace("Title: x\n", ""))
    script = fixture_site.write("articles/e.md", article(title="Lịch tiếp dân", body="Xem lịch.\n\n<script>alert(1)</script>"))
    second = fixture_site.build(extra=["-D", "-e", "CCHC_SEARCH=false"])
    assert second.returncode != 0
    assert "Reading cache: 2 files unchanged since the last build." in second.log
    assert "d.md" in second.log and "thiếu tiêu đề" in second.log
    assert "e.md" in second.log and "không được phép trong bài" in second.log
    again = fixture_site.build(extra=["-D", "-e", "CCHC_SEARCH=false"])  # every answer from the cache
    assert again.returncode != 0
    assert "Reading cache: 5 files unchanged since the last build." in again.log
    assert "d.md" in again.log and "thiếu tiêu đề" in again.log
    assert "e.md" in again.log and "không được phép trong bài" in again.log

    no_title.unlink()
    script.unlink()
    third = fixture_site.build(extra=["-D", "-e", "CCHC_SEARCH=false"])
    assert third.returncode == 0, third.log
    assert "Reading cache: 3 files unchanged since the last build." in third.log
    fresh = run_pelican(fixture_site.content, tmp_path / "fresh", cache=tmp_path / "empty", extra=["-e", "CCHC_SEARCH=false"])
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert built_files(fixture_site.output) == built_files(tmp_path / "fresh")
    pages = [path for path in fixture_site.output.rglob("*.html") if "Nội dung đã sửa." in path.read_text("utf-8")]
    assert pages and not any("Nội dung bài Đối thoại" in path.read_text("utf-8") for path in pages)
