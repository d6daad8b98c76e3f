"""cchc_search — the static search index, made by Pagefind at the end of every build.

Pelican itself (local, production, CI) produces the index: when every page is written, this plugin
runs the Pagefind binary that the PyPI package `pagefind[bin]` ships, on the output folder. Only
articles, pages and procedure pages are indexed (they carry data-pagefind-body in the theme);
listing pages are not. Pagefind folds tone and vowel marks but not đ/Đ, so each indexed page also
carries its title and keywords folded by cchc.vn.search_terms ("Đăng ký" → "dang ky", codes with
and without dots) in a data-tim attribute that Pagefind indexes (data-pagefind-index-attrs).
The search page (theme/templates/tim-kiem.html) and theme/static/js/search.js use the index.

Settings read: OUTPUT_PATH (Pelican's output), CCHC_SEARCH (default True; False skips the index).
"""

from pelican import signals

from cchc import updates

from .index import article_writer_finalized, finalized, page_writer_finalized, preview_index


def register():
    signals.article_writer_finalized.connect(article_writer_finalized)
    signals.page_writer_finalized.connect(page_writer_finalized)
    signals.finalized.connect(finalized)
    # The preview indexes after each update, in the background, instead of at the end of the build.
    updates.declare(finalized, updates.HEADERS)
    updates.background("search", preview_index)
