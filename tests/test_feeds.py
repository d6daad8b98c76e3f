"""Atom and RSS feeds, as a feed reader would read them (and as shared/tools/check_feeds.py does)."""

from __future__ import annotations

import email.utils
import re
import subprocess
import sys

import feedparser
from lxml import etree
from lxml import html as lxml_html

from cchc import data, settings
from conftest import ROOT, SHARED, SITEURL, moved, page, url_to_path

ATOM = "{http://www.w3.org/2005/Atom}"
SITE_DATA = data.load(str(ROOT / "content" / "data"))
# The names of the feeds (cchc/feeds.py): each written once, in cchc/settings.py's table.
TITLE_KEYS = ["CCHC_FEED_ALL_TITLE", "CCHC_CATEGORY_FEED_TITLE", "CCHC_TAG_FEED_TITLE", "CCHC_PROCEDURE_FEED_TITLE",
              "CCHC_PODCAST_TITLE"]
TITLES = {key: settings.SETTINGS[key].default for key in TITLE_KEYS}


def feeds(site):
    return sorted((site / "feeds").rglob("*.xml"))


def test_feed_for_everything_a_resident_can_follow(site):
    names = {str(p.relative_to(site / "feeds")) for p in feeds(site)}
    assert {"tat-ca.atom.xml", "tat-ca.rss.xml"} <= names
    for category in SITE_DATA.categories:
        assert f"chuyen-muc/{category.code}.atom.xml" in names
        assert f"chuyen-muc/{category.code}.rss.xml" in names
    tags = [a.get("href") for a in page(site / "the" / "index.html").xpath("//ul[@class='cc-tag-cloud']//a")]
    for href in tags:
        slug = href.rstrip("/").rsplit("/", 1)[1]
        assert f"the/{slug}.atom.xml" in names and f"the/{slug}.rss.xml" in names


def test_rss_is_valid_for_readers(site):
    for path in feeds(site):
        root = etree.parse(str(path)).getroot()
        if root.tag != "rss":
            continue
        channel = root.find("channel")
        assert channel.findtext("language") == "vi", path
        assert channel.findtext("description").strip()
        self_link = channel.find(ATOM + "link")
        assert self_link.get("rel") == "self" and self_link.get("type") == "application/rss+xml"
        assert self_link.get("href") == f"{SITEURL}/{path.relative_to(site)}"
        items = channel.findall("item")
        assert 1 <= len(items) <= 20
        for item in items:
            guid = item.find("guid")
            assert guid.get("isPermaLink") == "false", path
            assert re.match(r"^tag:cchc\.chilinh\.haiphong\.gov\.vn,20\d\d-\d\d-\d\d:/", guid.text)
            assert item.findtext("pubDate").endswith("+0700")
            email.utils.parsedate_to_datetime(item.findtext("pubDate"))
            assert url_to_path(site, item.findtext("link")).exists()
            for url in re.findall(r'(?:href|src)="([^"]+)"', item.findtext("description")):
                assert re.match(r"^(https?:|mailto:|tel:|#)", url), (path, url)


def test_atom_is_valid_for_readers(site):
    for path in feeds(site):
        root = etree.parse(str(path)).getroot()
        if root.tag != ATOM + "feed":
            continue
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "vi"
        assert root.findtext(ATOM + "updated").endswith("+07:00")
        entries = root.findall(ATOM + "entry")
        assert 1 <= len(entries) <= 20
        ids = [e.findtext(ATOM + "id") for e in entries]
        assert len(set(ids)) == len(ids)
        for entry in entries:
            assert entry.find(ATOM + "author/" + ATOM + "name").text == "Ủy ban nhân dân phường Chí Linh"
            assert entry.findtext(ATOM + "published").endswith("+07:00")
            content = entry.findtext(ATOM + "content")
            fragment = lxml_html.fragment_fromstring(content, create_parent="div")
            for url in fragment.xpath("//@href | //@src"):
                assert re.match(r"^(https?:|mailto:|tel:|#)", url), (path, url)
            for srcset in fragment.xpath("//@srcset"):
                assert all(c.split()[0].startswith(SITEURL) for c in srcset.split(","))


def test_feeds_parse_cleanly_and_match_the_site(site):
    parsed = feedparser.parse(str(site / "feeds" / "tat-ca.atom.xml"))
    assert not parsed.bozo
    assert parsed.feed.title == "Cải cách hành chính – Phường Chí Linh"
    newest = page(site / "index.html").xpath("//h3[@class='cc-item__title']/a")[0]
    assert parsed.entries[0].link == newest.get("href")
    assert " ".join(parsed.entries[0].title.split()) == " ".join(newest.text_content().split())


def test_every_page_advertises_existing_feeds(site):
    for path in site.rglob("*.html"):
        links = page(path).xpath("//head/link[@rel='alternate']")
        assert {l.get("type") for l in links} == {"application/atom+xml", "application/rss+xml"}, path
        for link in links:
            assert url_to_path(site, link.get("href")).exists(), (path, link.get("href"))


def test_follow_page_lists_every_feed(site):
    doc = page(site / "theo-doi" / "index.html")
    listed = set(doc.xpath("//ul[@class='cc-feeds']//a/@href"))
    expected = {f"{SITEURL}/{p.relative_to(site)}" for p in feeds(site)}
    assert listed == expected


def test_shared_feed_checker_finds_no_error(site):
    result = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "check_feeds.py"), str(site), "--siteurl", SITEURL,
         "--strict-guid", "--rng", str(SHARED / "tools" / "atom-min.rng")],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert re.search(r" 0 errors, 0 warnings$", result.stdout.strip()), result.stdout[-2000:]


def test_shared_link_checker_finds_no_broken_link(site):
    result = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "check_links.py"), str(site), "--siteurl", SITEURL],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_shared_sitemap_checker_agrees_apart_from_directory_addresses(site):
    """check_sitemap.py maps a listed "dir/" to dir/index.html when it checks that listed pages
    exist, but not when it checks that every page is listed (only for the home page), so it reports
    every page whose canonical address is a folder as missing. Every other check must pass, and each
    page it reports must be listed in the sitemap under its folder address, or be a page left at an
    old address (noindex, so never in a sitemap)."""
    result = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "check_sitemap.py"), str(site), "--siteurl", SITEURL],
        capture_output=True, text=True)
    errors = [line[len("ERROR "):] for line in result.stdout.splitlines() if line.startswith("ERROR ")]
    locs = set(etree.parse(str(site / "sitemap.xml")).getroot().itertext())
    missing = "page not in sitemap: "
    unexplained = [e for e in errors if not (
        e.startswith(missing) and e.endswith("/index.html")
        and (f"{SITEURL}/{e[len(missing):-len('index.html')]}" in locs or moved(site / e[len(missing):])))]
    assert unexplained == [], unexplained
    assert re.search(r"^sitemap.xml: \d+ URLs$", result.stdout, re.M)


def test_podcast_feed_of_the_radio_programmes(site):
    import mutagen
    from PIL import Image

    ns = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd"}
    root = etree.parse(str(site / "feeds" / "phat-thanh.rss.xml")).getroot()
    channel = root.find("channel")
    assert channel.findtext("language") == "vi"
    assert channel.find("itunes:category", ns).get("text") == "Government"
    artwork = channel.find("itunes:image", ns).get("href")
    with Image.open(url_to_path(site, artwork)) as image:
        assert image.size == (1400, 1400)
    items = channel.findall("item")
    audio_pages = [p for p in (site / "tin-tuc").rglob("index.html") if "<audio" in p.read_text("utf-8")]
    assert len(items) == len(audio_pages) >= 2
    for item in items:
        enclosure = item.find("enclosure")
        path = url_to_path(site, enclosure.get("url"))
        assert int(enclosure.get("length")) == path.stat().st_size
        assert enclosure.get("type") == "audio/mpeg"
        seconds = round(mutagen.File(path).info.length)
        assert item.findtext("itunes:duration", namespaces=ns) == f"00:{seconds // 60:02d}:{seconds % 60:02d}"
        assert item.find("guid").get("isPermaLink") == "false"
    parsed = feedparser.parse(str(site / "feeds" / "phat-thanh.rss.xml"))
    assert not parsed.bozo
    assert all(entry.enclosures and entry.enclosures[0].type == "audio/mpeg" for entry in parsed.entries)


def test_every_feed_follows_the_site_rules(site):
    """cchc/feeds.py's rules on every feed written, Pelican's and the plugins' alike: the site's
    language, tag: ids that say they are not links, absolute links everywhere, a typed self link."""
    written = {str(p.relative_to(site)) for p in feeds(site)}
    assert {"feeds/phat-thanh.rss.xml", "feeds/thu-tuc.atom.xml", "feeds/thu-tuc.rss.xml"} <= written
    tag_id = re.compile(r"^tag:cchc\.chilinh\.haiphong\.gov\.vn,20\d\d-\d\d-\d\d:/\S+$")
    for path in feeds(site):
        root = etree.parse(str(path)).getroot()
        address = f"{SITEURL}/{path.relative_to(site)}"
        if root.tag == "rss":
            channel = root.find("channel")
            assert channel.findtext("language") == "vi", path
            assert channel.find(ATOM + "link").get("href") == address
            assert channel.find(ATOM + "link").get("type") == "application/rss+xml"
            items = channel.findall("item")
            ids = [(i.find("guid").text, i.find("guid").get("isPermaLink")) for i in items]
            assert all(tag_id.match(guid) and permalink == "false" for guid, permalink in ids), path
            links = [channel.findtext("link"), *(i.findtext("link") for i in items),
                     *(e.get("url") for e in channel.iter("enclosure"))]
            html_parts = [i.findtext("description") for i in items]
        else:
            assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "vi", path
            assert root.find(ATOM + "link[@rel='self']").get("href") == address
            entries = root.findall(ATOM + "entry")
            assert all(tag_id.match(e.findtext(ATOM + "id")) for e in entries), path
            links = [l.get("href") for l in root.iter(ATOM + "link")]
            html_parts = [e.findtext(ATOM + tag) for e in entries for tag in ("content", "summary")]
        assert all(link.startswith(SITEURL + "/") for link in links), (path, links)
        for part in filter(None, html_parts):
            fragment = lxml_html.fragment_fromstring(part, create_parent="div")
            for url in fragment.xpath("//@href | //@src | //@poster"):
                assert re.match(r"^(https?:|mailto:|tel:|#)", url), (path, url)
            for srcset in fragment.xpath("//@srcset"):
                assert all(c.split()[0].startswith(SITEURL) for c in srcset.split(",")), (path, srcset)


def test_feed_titles_are_named_once():
    """A feed's title or its name on the pages is written in cchc/settings.py and nowhere else: the
    feed writer and the templates read the setting."""
    sources = [*(ROOT / "cchc").rglob("*.py"), *(ROOT / "plugins").rglob("*.py"),
               *(ROOT / "theme" / "templates").rglob("*.html"), ROOT / "pelicanconf.py", ROOT / "publishconf.py"]
    texts = {path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8") for path in sources}
    for key, title in TITLES.items():
        written = {name: text.count(title) for name, text in texts.items() if title in text}
        assert written == {"cchc/settings.py": 1}, (key, written)
    # No template names a feed with a text of its own: the first item of each (title, atom, rss) is a setting.
    for name, text in texts.items():
        if name.startswith("theme/"):
            assert not re.search(r"""feed_(?:links|list)\(\[\(\s*["']""", text), name


def test_feed_titles_in_the_feeds_and_on_the_pages(site):
    sitename = "Cải cách hành chính – Phường Chí Linh"
    procedures = TITLES["CCHC_PROCEDURE_FEED_TITLE"]
    for name in ("thu-tuc.atom.xml", "thu-tuc.rss.xml"):
        assert feedparser.parse(str(site / "feeds" / name)).feed.title == f"{sitename} - {procedures}"
    assert feedparser.parse(str(site / "feeds" / "phat-thanh.rss.xml")).feed.title == TITLES["CCHC_PODCAST_TITLE"]
    for path in ("thu-tuc/index.html", "thu-tuc/1-001193/index.html"):
        titles = page(site / path).xpath("//head/link[@rel='alternate']/@title")
        assert f"{procedures} (Atom)" in titles and f"{procedures} (RSS)" in titles, path
    assert procedures in page(site / "theo-doi" / "index.html").xpath("//h3/text()")
    category = next(iter(SITE_DATA.categories))
    doc = page(site / "chuyen-muc" / category.code / "index.html")
    assert TITLES["CCHC_CATEGORY_FEED_TITLE"].format(name=category.name) + " (RSS)" in doc.xpath(
        "//head/link[@rel='alternate']/@title")
    assert f"{TITLES['CCHC_FEED_ALL_TITLE']} – {sitename} (Atom)" in doc.xpath("//head/link[@rel='alternate']/@title")
