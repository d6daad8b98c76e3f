"""Handlers of cchc_podcast (module level: blinker keeps only weak references)."""

from __future__ import annotations

import os

from feedgenerator import Enclosure, get_tag_uri

from cchc import vn
from cchc.feeds import TypedRss201rev2Feed, absolutize

TITLE = "Chuyên đề phát thanh cải cách hành chính – Phường Chí Linh"
DESCRIPTION = ("Các chương trình phát thanh tuyên truyền cải cách hành chính trên hệ thống truyền thanh "
               "cơ sở phường Chí Linh, thành phố Hải Phòng (Kế hoạch 110/QĐ-UBND, nhiệm vụ 05).")
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"


class PodcastFeed(TypedRss201rev2Feed):
    """RSS 2.0 with the iTunes podcast tags that podcast apps read."""

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


def article_generator_finalized(generator):
    generator.context["CCHC_PODCAST_EPISODES"] = [a for a in generator.articles if getattr(a, "audio", None)]


def write_feed(generator, writer):
    from markupsafe import Markup

    settings = generator.settings
    episodes = generator.context.get("CCHC_PODCAST_EPISODES") or []
    if not episodes:
        return
    site = settings["SITEURL"]
    path = settings["CCHC_PODCAST_FEED"]
    feed = PodcastFeed(title=TITLE, link=f"{site}/theo-doi/", description=DESCRIPTION, language="vi",
                       feed_url=f"{settings.get('FEED_DOMAIN') or site}/{path}", author_name=settings["AUTHOR"],
                       podcast={"author": "Trung tâm Dịch vụ sự nghiệp công phường Chí Linh",
                                "image": f"{site}/{settings['CCHC_PODCAST_IMAGE']}",
                                "email": settings["CONTACT_EMAIL"]})
    for article in episodes[: settings["FEED_MAX_ITEMS"]]:
        link = f"{site}/{article.url}"
        audio = article.audio
        summary = Markup(article.summary).striptags()
        feed.add_item(
            title=Markup(article.title).striptags(), link=link, description=absolutize(article.get_content(site), link),
            unique_id=get_tag_uri(link, article.date), unique_id_is_permalink=False,
            pubdate=article.date, author_name=settings["AUTHOR"],
            enclosures=[Enclosure(f"{site}/{audio['path']}", str(audio["size"]), audio["type"])],
            duration=vn.duration(audio.get("seconds", 0), always_hours=True), plain_summary=summary)
    target = os.path.join(generator.output_path, path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8") as handle:
        feed.write(handle, "utf-8")
