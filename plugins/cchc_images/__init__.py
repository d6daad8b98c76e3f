"""cchc_images — responsive photos for residents on phones and slow connections.

Every image under the static image folders gets smaller copies (by default 480 and 960 pixels wide,
never wider than the original) next to it in the output: images/2026/anh.jpg →
images/2026/anh-480w.jpg, anh-960w.jpg. Images in articles and pages get width/height (no layout
jump while loading), srcset and sizes; templates use the `srcset` filter for featured images.
Resized copies are kept in CACHE_PATH/cchc-images and reused while the original is unchanged, so
a clean production build does not resize every photo again.

pelican-image-process does the resizing part too, but it re-parses every written HTML file with
BeautifulSoup after writing (seconds per thousand pages) and rewrites the markup; adding srcset
while the content is read costs nothing per page.

Settings read (cchc/settings.py): CCHC_IMAGE_WIDTHS (default [480, 960]), CCHC_IMAGE_SIZES (the `sizes` attribute),
STATIC_PATHS, PATH, SITEURL, CACHE_PATH.
"""

from pelican import signals

from cchc import state, updates

from . import responsive


def register():
    signals.initialized.connect(state.start)
    signals.initialized.connect(responsive.initialized)
    signals.content_object_init.connect(responsive.content_object_init)
    signals.finalized.connect(responsive.finalized)
    updates.declare(responsive.finalized, updates.HEADERS)  # photo files
