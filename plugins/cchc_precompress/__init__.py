"""cchc_precompress — .br and .gz copies of every text file, each distinct content compressed once.

pelican-precompress, used before, compresses every file on every build. Our builds always write into
a fresh folder (cchc build swaps folders so a failed build never touches the old one), so each
production build paid brotli's slowest, best quality again for every page: about two thirds of a
5,000-article build (benchmarks/results.md). This plugin makes the same kind of files — brotli in text
mode (quality 11 for the theme's and Pagefind's long-lived files, 5 for pages: compress.quality_for),
gzip level 9 with no timestamp, no copy when it would not be smaller — and keeps them in
CACHE_PATH/precompress/ under the SHA-256 of the original, so a build compresses only what changed
since an earlier build that used the same cache. Entries unused for CCHC_PRECOMPRESS_KEEP_DAYS are
removed.

Pages are compressed into the cache by worker processes as Pelican writes them (content_written,
feed_written), so the work overlaps with the rest of the build and with Pagefind. The copies are
made when everything else is written (registered last: after the search index of cchc_search), from
the hashes of the files as they are then.
Settings read: CCHC_PRECOMPRESS (publishconf.py), CCHC_PRECOMPRESS_EXTENSIONS, CACHE_PATH,
OUTPUT_PATH, CCHC_PRECOMPRESS_KEEP_DAYS (30).
"""

from pelican import signals

from cchc import updates

from .compress import content_written, feed_written, finalized, initialized


def register():
    signals.initialized.connect(initialized)
    signals.content_written.connect(content_written)
    signals.feed_written.connect(feed_written)
    signals.finalized.connect(finalized)
    updates.declare(finalized, updates.HEADERS)  # the written files (off in the preview)
