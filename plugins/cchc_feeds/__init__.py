"""cchc_feeds — makes Pelican's Atom/RSS feeds valid and readable for Vietnamese readers.

Pelican 4.12 writes RSS <guid> tag: URIs without isPermaLink="false" (invalid RSS), never sets the
feed language, and leaves root-relative links written by hand relative inside entry HTML, which
feed readers cannot resolve. One `feed_generated` handler fixes all three on every feed, before
it is written; a feed without entries is dated with the build's time (cchc.state), not the clock.
Reads SITEURL.
"""

from pelican import signals

from cchc import state

from .fix import feed_generated


def register():
    signals.initialized.connect(state.start)
    signals.feed_generated.connect(feed_generated)
