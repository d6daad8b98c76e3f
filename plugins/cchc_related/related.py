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


def article_generator_finalized(generator):
    limit = generator.settings["CCHC_RELATED_MAX"]
    articles = generator.articles
    scores = _score_pairs(articles)
    newest = [-article.date.timestamp() for article in articles]  # once, not once per comparison
    for n, article in enumerate(articles):
        # Highest score, then newest, then the article's place in generator.articles, which is the
        # order of the paths for articles with the same date (cchc.order): the order the scores
        # were added in (which feature two articles first shared) decides nothing.
        # nsmallest(k, …) == sorted(…)[:k] without sorting every candidate.
        ranked = heapq.nsmallest(limit, scores[n].items(), key=lambda item: (-item[1], newest[item[0]], item[0]))
        article.related = [articles[j] for j, _score in ranked]
