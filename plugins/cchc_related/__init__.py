"""cchc_related — "Tin liên quan" under each article.

Scores every other article by what residents would call related: shared tags (3 each), shared
content areas of the plan (2 each), same chuyên mục (1); ties go to the newer article. The PyPI
related_posts plugin (unmaintained since 2020) counts shared tags only, so an article without tags
would get nothing. Sets `article.related` (a list of at most CCHC_RELATED_MAX articles, default 4:
cchc/settings.py).
"""

from pelican import signals

from cchc import state, updates

from .related import article_generator_finalized


def register():
    signals.initialized.connect(state.start)
    signals.article_generator_finalized.connect(article_generator_finalized)
    updates.declare(article_generator_finalized, updates.HEADERS)  # tags and chuyên mục only
