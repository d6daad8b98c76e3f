"""cchc_feeds — every feed is written by cchc/feeds.py's FeedWriter, which Pelican gets here as its
writer (`get_writer`).

Pelican 4.12 writes RSS <guid> tag: URIs without isPermaLink="false" (invalid RSS), never sets the
feed language, and leaves root-relative links written by hand relative inside entry HTML, which
feed readers cannot resolve; FeedWriter's feed classes fix all three in every feed, Pelican's and
the plugins' (the podcast, the procedure changes), and date a feed without entries with the build's
time (cchc.state), not the clock. Reads SITEURL, FEED_DOMAIN, DEFAULT_LANG, SITENAME, SITESUBTITLE.
"""

from pelican import signals

from cchc import feeds, state


def register():
    signals.initialized.connect(state.start)
    signals.get_writer.connect(feeds.get_writer)
