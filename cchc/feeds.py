"""Every feed of the site, in one place: Pelican's (all articles, each chuyên mục, each tag), the
procedure changes (cchc_procedures) and the radio programmes' podcast (cchc_podcast).

Pelican writes each of them with `Writer.write_feed`; the plugins cchc_feeds, cchc_podcast and
cchc_procedures give Pelican FeedWriter below as its writer (`get_writer`), which makes every feed
with this module's classes, so the same rules hold for all:

* language: the feed's language is DEFAULT_LANG (`vi`); Pelican 4.12 never sets one;
* guid: item ids are tag: URIs (feedgenerator's `get_tag_uri` of the link and the date, stable
  across builds), written with isPermaLink="false": Pelican 4.12 leaves it out (invalid RSS), and
  readers would take the ids for links;
* absolute links: every relative href/src/poster/srcset in an item's HTML is made absolute against
  the item's own address (root-relative links written by hand stay relative in Pelican's feeds,
  and feed readers cannot resolve them); an RSS feed's self link carries its type;
* date: a feed without items (the procedure feed before any change) is dated with the build's
  time (cchc.state), not the clock at writing, so two builds of the same sources are the same bytes.

Titles: a feed of part of the site is titled "SITENAME - title" (TITLE, Pelican's own pattern), the
site's feed SITENAME; the procedure feed's title and the podcast's texts are settings
(CCHC_PROCEDURE_FEED_TITLE, CCHC_PODCAST_*), as are the names the pages give the feeds
(CCHC_FEED_ALL_TITLE, CCHC_CATEGORY_FEED_TITLE, CCHC_TAG_FEED_TITLE): each named once, in
cchc/settings.py, and read by the templates from the context (tests/test_feeds.py).

The plugins write their feeds with write_podcast and write_procedure_changes, both through
`Writer.write_feed`, so cchc.incremental sees every feed written.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, get_tag_uri
from markupsafe import Markup
from pelican.writers import Writer

from . import state, vn

ATOM, RSS, PODCAST = "atom", "rss", "podcast"  # the feed_type of Writer.write_feed
TITLE = "{sitename} - {title}"  # a feed of part of the site, as Pelican 4.12 titles it
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"


class _SiteRules:
    """The rules every feed of the site follows (module docstring), for a feedgenerator class."""

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **kwargs)
        item = self.items[-1]
        item["unique_id_is_permalink"] = False
        for key in ("description", "content"):
            item[key] = absolutize(item[key], item["link"])

    def latest_post_date(self):
        if not self.items:
            return self.feed["build_time"]
        return super().latest_post_date()


class SiteAtomFeed(_SiteRules, Atom1Feed):
    """Atom 1.0 with the site's rules."""


class SiteRssFeed(_SiteRules, Rss201rev2Feed):
    """RSS 2.0 with the site's rules, whose <atom:link rel="self"> carries type="application/rss+xml",
    as RSS Best Practices and the W3C validator ask; feedgenerator writes it without."""

    def add_root_elements(self, handler):
        feed_url = self.feed["feed_url"]
        self.feed["feed_url"] = None  # the parent then writes everything but its untyped self link
        try:
            super().add_root_elements(handler)
        finally:
            self.feed["feed_url"] = feed_url
        if feed_url is not None:
            handler.addQuickElement(
                "atom:link", None, {"rel": "self", "type": "application/rss+xml", "href": feed_url})


class PodcastFeed(SiteRssFeed):
    """RSS 2.0 with the iTunes podcast tags that podcast apps read, and one enclosure per episode."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:itunes": ITUNES}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        extra = self.feed["podcast"]
        handler.addQuickElement("itunes:author", extra["author"])
        handler.addQuickElement("itunes:summary", self.feed["description"])
        handler.addQuickElement("itunes:type", "episodic")
        handler.addQuickElement("itunes:explicit", "false")
        handler.addQuickElement("itunes:image", None, {"href": extra["image"]})
        handler.addQuickElement("itunes:category", None, {"text": "Government"})
        handler.startElement("itunes:owner", {})
        handler.addQuickElement("itunes:name", extra["author"])
        handler.addQuickElement("itunes:email", extra["email"])
        handler.endElement("itunes:owner")
        handler.startElement("image", {})
        handler.addQuickElement("url", extra["image"])
        handler.addQuickElement("title", self.feed["title"])
        handler.addQuickElement("link", self.feed["link"])
        handler.endElement("image")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("itunes:duration", item["duration"])
        handler.addQuickElement("itunes:summary", item["plain_summary"])
        handler.addQuickElement("itunes:explicit", "false")
        handler.addQuickElement("itunes:episodeType", "full")

    def add_episode(self, article, site: str, settings) -> None:
        """One article with an audio file (`am_thanh`, read by cchc_content) as an episode."""
        link = f"{site}/{article.url}"
        audio = article.audio
        self.add_item(
            title=Markup(article.title).striptags(), link=link, description=article.get_content(site),
            unique_id=get_tag_uri(link, article.date), pubdate=article.date, author_name=settings["AUTHOR"],
            enclosures=[Enclosure(f"{site}/{audio['path']}", str(audio["size"]), audio["type"])],
            duration=vn.duration(audio.get("seconds", 0), always_hours=True),
            plain_summary=Markup(article.summary).striptags())


class FeedWriter(Writer):
    """Pelican's writer, whose `write_feed` makes every feed with the classes above: feed_type ATOM
    or RSS (Pelican's feeds and the procedure feed), or PODCAST (the radio programmes)."""

    def _create_new_feed(self, feed_type, feed_title, context):
        common = {"language": context["DEFAULT_LANG"], "feed_url": self.feed_url,
                  "build_time": state.of(context).now}
        if feed_type == PODCAST:
            site = self.site_url
            return PodcastFeed(
                title=context["CCHC_PODCAST_TITLE"], link=f"{site}/theo-doi/",
                description=context["CCHC_PODCAST_DESCRIPTION"], author_name=context["AUTHOR"],
                podcast={"author": context["CCHC_PODCAST_AUTHOR"], "image": f"{site}/{context['CCHC_PODCAST_IMAGE']}",
                         "email": context["CONTACT_EMAIL"]},
                **common)
        # Pelican 4.12's Writer._create_new_feed, with the site's classes.
        sitename = context["SITENAME"]
        title = TITLE.format(sitename=sitename, title=feed_title) if feed_title else sitename
        feed_class = SiteRssFeed if feed_type == RSS else SiteAtomFeed
        return feed_class(title=Markup(title).striptags(), link=self.site_url + "/",
                          description=context.get("SITESUBTITLE", ""), subtitle=context.get("SITESUBTITLE", None),
                          **common)

    def _add_item_to_the_feed(self, feed, item):
        if isinstance(feed, PodcastFeed):
            feed.add_episode(item, self.site_url, self.settings)
        else:
            super()._add_item_to_the_feed(feed, item)


def get_writer(pelican):
    """get_writer handler (module level: blinker keeps only weak references)."""
    return FeedWriter


def write_podcast(writer, context, episodes) -> None:
    """The podcast CCHC_PODCAST_FEED of the newest FEED_MAX_ITEMS episodes; none without episodes."""
    if episodes:
        writer.write_feed(episodes, context, context["CCHC_PODCAST_FEED"], feed_type=PODCAST)


def write_procedure_changes(writer, context, changes) -> None:
    """The procedure change feed, Atom and RSS (cchc_procedures' ChangeEntry objects, newest first)."""
    for feed_type, key in ((ATOM, "CCHC_PROCEDURE_FEED_ATOM"), (RSS, "CCHC_PROCEDURE_FEED_RSS")):
        writer.write_feed(changes, context, context[key], feed_type=feed_type,
                          feed_title=context["CCHC_PROCEDURE_FEED_TITLE"])


# href/src/poster/srcset attribute values in entry HTML.
_ATTR = re.compile(r'(?P<attr>\b(?:href|src|poster|srcset))=(?P<q>["\'])(?P<value>.*?)(?P=q)', re.S)
_ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|#|//)", re.I)


def absolutize(html: str | None, base: str) -> str | None:
    """Every relative URL in html made absolute against base (the entry's own address)."""
    if not html:
        return html

    def one(url: str) -> str:
        url = url.strip()
        return url if not url or _ABSOLUTE.match(url) else urljoin(base, url)

    def replace(match):
        value = match["value"]
        if match["attr"] == "srcset":
            parts = []
            for candidate in value.split(","):
                bits = candidate.strip().split(None, 1)
                if bits:
                    parts.append(" ".join([one(bits[0]), *bits[1:]]))
            value = ", ".join(parts)
        else:
            value = one(value)
        return f'{match["attr"]}={match["q"]}{value}{match["q"]}'

    return _ATTR.sub(replace, html)
