"""cchc_podcast — the ward's radio programmes (plan task 05) as a podcast feed.

Every article with an audio file (`am_thanh`) becomes one item of feeds/phat-thanh.rss.xml: RSS 2.0
with one enclosure (absolute URL, exact byte length, MIME type), the duration read from the file
(cchc_content), iTunes podcast tags (author, artwork, category, explicit, owner), and the language,
ids and absolute links of every other feed. Pelican never writes enclosures: the feed is
cchc/feeds.py's PodcastFeed, written by its FeedWriter (`write_feed(..., feed_type="podcast")`)
when the articles have been written.

Settings read (cchc/settings.py): SITEURL, FEED_DOMAIN, AUTHOR, CONTACT_EMAIL, FEED_MAX_ITEMS,
CCHC_PODCAST_FEED (its address, "feeds/phat-thanh.rss.xml" in pelicanconf.py), CCHC_PODCAST_IMAGE
(default theme/podcast.jpg, 1400×1400), CCHC_PODCAST_TITLE, CCHC_PODCAST_DESCRIPTION, CCHC_PODCAST_AUTHOR.
"""

from pelican import signals

from cchc import feeds, state, updates

from .feed import article_generator_finalized, write_feed


def register():
    signals.initialized.connect(state.start)
    signals.get_writer.connect(feeds.get_writer)
    signals.article_generator_finalized.connect(article_generator_finalized)
    updates.declare(article_generator_finalized, updates.HEADERS)  # which articles have audio
    signals.article_writer_finalized.connect(write_feed)
