"""cchc_podcast — the ward's radio programmes (plan task 05) as a podcast feed.

Every article with an audio file (`am_thanh`) becomes one item of feeds/phat-thanh.rss.xml: RSS 2.0
with one enclosure (absolute URL, exact byte length, MIME type), the duration read from the file
(cchc_content), iTunes podcast tags (author, artwork, category, explicit, owner), language vi, and
the same stable ids as the other feeds. Pelican never writes enclosures, so this plugin writes the
feed itself with feedgenerator.

Settings read (cchc/settings.py): SITEURL, FEED_DOMAIN, AUTHOR, CONTACT_EMAIL, CCHC_PODCAST_FEED (its address,
"feeds/phat-thanh.rss.xml" in pelicanconf.py), CCHC_PODCAST_IMAGE (default theme/podcast.jpg, 1400×1400).
"""

from pelican import signals

from cchc import state

from .feed import article_generator_finalized, write_feed


def register():
    signals.initialized.connect(state.start)
    signals.article_generator_finalized.connect(article_generator_finalized)
    signals.article_writer_finalized.connect(write_feed)
