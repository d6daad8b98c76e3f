"""article_generator_finalized handler of cchc_related."""

from __future__ import annotations

import heapq
from collections import defaultdict


def _score_pairs(articles):
    """{(i, j): score} for article indices sharing something, computed through inverted indexes
    so the cost grows with the number of shared features, not with the square of the archive."""
    index = defaultdict(list)
    for n, article in enumerate(articles):
        for tag in getattr(article, "tags", []) or []:
            index[("tag", tag.slug)].append(n)
        for area in getattr(article, "noi_dung", []) or []:
            index[("area", area.code)].append(n)
        category = getattr(article, "category", None)
        if category is not None:
            index[("category", category.slug)].append(n)
    weights = {"tag": 3, "area": 2, "category": 1}
    scores = defaultdict(lambda: defaultdict(int))
    for (kind, _value), members in index.items():
        if len(members) > 400:  # a feature most of the archive shares says little
            continue
        for i in members:
            for j in members:
                if i != j:
                    scores[i][j] += weights[kind]
    return scores


# The last answer, by what it is made of: the preview runs the build again in one process after
# each save (cchc/incremental.py), and most saves (a title, a text) change no article's features;
# scoring 5,000 articles took 1.5–4 s of each run.
_LAST: dict = {}


def _features(articles, limit) -> tuple:
    return (limit, tuple((tuple(tag.slug for tag in getattr(a, "tags", []) or []),
                          tuple(area.code for area in getattr(a, "noi_dung", []) or []),
                          getattr(getattr(a, "category", None), "slug", None), a.date) for a in articles))


def article_generator_finalized(generator):
    limit = generator.settings["CCHC_RELATED_MAX"]
    articles = generator.articles
    features = _features(articles, limit)
    if _LAST.get("features") == features:  # the same ranking, by position in generator.articles
        for article, ranked in zip(articles, _LAST["ranked"]):
            article.related = [articles[j] for j in ranked]
        return
    rankings = []
    _LAST.clear()
    scores = _score_pairs(articles)
    newest = [-article.date.timestamp() for article in articles]  # once, not once per comparison
    for n, article in enumerate(articles):
        # Highest score, then newest, then the article's place in generator.articles, which is the
        # order of the paths for articles with the same date (cchc.order): the order the scores
        # were added in (which feature two articles first shared) decides nothing.
        # nsmallest(k, …) == sorted(…)[:k] without sorting every candidate.
        ranked = heapq.nsmallest(limit, scores[n].items(), key=lambda item: (-item[1], newest[item[0]], item[0]))
        article.related = [articles[j] for j, _score in ranked]
        rankings.append([j for j, _score in ranked])
    _LAST.update(features=features, ranked=rankings)
