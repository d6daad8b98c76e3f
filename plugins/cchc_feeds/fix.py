"""feed_generated handler (module level: blinker keeps only weak references)."""

from __future__ import annotations

from feedgenerator import Rss201rev2Feed

from cchc import state
from cchc.feeds import TypedRss201rev2Feed, absolutize

LANGUAGE = "vi"


def feed_generated(context, feed):
    if type(feed) is Rss201rev2Feed:
        # Pelican picks the feed class itself: swap it on the finished object before writing.
        feed.__class__ = TypedRss201rev2Feed
    feed.feed["language"] = LANGUAGE
    if not feed.items:
        # feedgenerator dates a feed without entries (the procedure feed before any change) with
        # the clock at writing, so two builds of the same sources differed: use the build's time.
        now = state.of(context).now
        feed.latest_post_date = lambda: now
    for item in feed.items:
        # Pelican's ids are tag: URIs, not URLs: say so, or RSS readers take them for links.
        item["unique_id_is_permalink"] = False
        for key in ("description", "content"):
            item[key] = absolutize(item.get(key), item["link"])
