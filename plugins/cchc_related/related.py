"""article_generator_finalized handler of cchc_related."""

from __future__ import annotations

from collections import Counter, defaultdict

WEIGHTS = {"tag": 3, "area": 2, "category": 1}
COMMON = 400  # a feature more articles share than this says little: it scores nothing


def _features(article) -> tuple:
    """What an article's related list is made of: its features, and its date (ties go to the newer)."""
    return (tuple(("tag", tag.slug) for tag in getattr(article, "tags", []) or [])
            + tuple(("area", area.code) for area in getattr(article, "noi_dung", []) or [])
            + ((("category", article.category.slug),) if getattr(article, "category", None) is not None else ()),
            article.date)


def _index(features: list) -> dict:
    """feature → the positions of the articles that have it (inverted index: the cost of scoring
    grows with the number of shared features, not with the square of the archive)."""
    index = defaultdict(list)
    for n, (own, _date) in enumerate(features):
        for feature in own:
            index[feature].append(n)
    return index


def _ranked(n: int, features: list, index: dict, place: list, order: list, limit: int) -> list[int]:
    """The positions of article n's related articles: highest score, then newest, then the place
    in generator.articles (the order of the paths for the same date, cchc.order), so the order the
    scores were added in (which feature two articles first shared) decides nothing."""
    scores = Counter()
    for feature in features[n][0]:
        members = index[feature]
        if len(members) <= COMMON:
            for _ in range(WEIGHTS[feature[0]]):
                scores.update(members)  # Counter.update of an iterable counts in C
    scores.pop(n, None)
    # One integer per candidate orders like (-score, newest, place): sorting ints is done in C,
    # ~3× faster than heapq.nsmallest with a key function over 3 million candidates at 5,000 articles.
    size = len(order)
    keys = sorted(place[j] - score * size for j, score in scores.items())
    return [order[key % size] for key in keys[:limit]]


# The last answer, by article: the preview runs the build again in one process after each save
# (cchc/incremental.py). A save changes one article's features at most, and only the articles that
# shared a feature with it (before or after) can have another list; ranking every article took
# 2–4 s of each run at 5,000 articles.
_LAST: dict = {}


def article_generator_finalized(generator):
    limit = generator.settings["CCHC_RELATED_MAX"]
    articles = generator.articles
    features = [_features(a) for a in articles]
    paths = [a.source_path for a in articles]
    # place[j]: where article j comes by (newest, position); order[place[j]] == j.
    order = sorted(range(len(articles)), key=lambda j: (-features[j][1].timestamp(), j))
    place = [0] * len(articles)
    for k, j in enumerate(order):
        place[j] = k
    index = _index(features)
    position = {path: n for n, path in enumerate(paths)}
    now = dict(zip(paths, features))

    todo = _changed(paths, position, now, limit, index, place)
    last_ranked = _LAST.get("ranked", {})
    ranked = {}
    for n, article in enumerate(articles):
        path = paths[n]
        if todo is None or n in todo:
            positions = _ranked(n, features, index, place, order, limit)
            ranked[path] = [paths[j] for j in positions]
        else:
            ranked[path] = last_ranked[path]
            positions = [position[p] for p in ranked[path]]
        related = [articles[j] for j in positions]
        if article.__dict__.get("related") != related:  # (the same list stays: the preview compares by identity first)
            article.related = related
    _LAST.clear()
    _LAST.update(limit=limit, paths=paths, features=now, ranked=ranked,
                 sizes={feature: len(members) for feature, members in index.items()})


def _changed(paths: list, position: dict, now: dict, limit: int, index: dict, place: list) -> set[int] | None:
    """The positions of the articles whose related list may differ from the last answer, or None:
    every one (first run, another limit, or the articles in another order). position: path → place
    in `paths`; now: path → its features."""
    if not _LAST or _LAST["limit"] != limit or len(position) != len(paths):
        return None
    before = _LAST["features"]
    changed = {path for path in paths if before.get(path) != now[path]} | (before.keys() - now.keys())
    if not changed:
        return set()
    # Every other article keeps its place relative to the others (dates and paths are the same).
    if [p for p in _LAST["paths"] if p not in changed] != [p for p in paths if p not in changed]:
        return None
    todo = {position[path] for path in changed if path in position}
    if len(changed) == 1:
        (path,) = changed
        if path in before and path in position and before[path][1] == now[path][1]:
            entering = _entering(position[path], before[path][0], now[path][0], paths, position, now, index,
                                 place, limit)
            if entering is not None:
                return todo | entering
    for path in changed:
        (was, then), (has, date) = before.get(path, ((), None)), now.get(path, ((), None))
        # An article that kept its date (so its place) changes the scores it gets from others only
        # through the features it gained or lost: an article sharing only the others with it keeps
        # its list (a tag edit rescored ~770 articles of the common tags it kept, 0.13 s).
        features = set(was) | set(has) if then != date or path not in before or path not in now \
            else _gained_or_lost(was, has)
        for feature in features:
            members = index.get(feature, ())
            if len(members) <= COMMON or _LAST["sizes"].get(feature, 0) <= COMMON:  # it scores, or did
                todo.update(members)  # (a member that left the feature is a changed article itself)
    return todo


def _gained_or_lost(was: tuple, has: tuple) -> set:
    """The features an article has more or fewer times now."""
    return {feature for feature in set(was) | set(has) if was.count(feature) != has.count(feature)}


def _score(own: tuple, other: tuple, index: dict) -> int:
    """What `other` scores in the related list of an article with the features `own` (_ranked)."""
    counts, others = Counter(own), Counter(other)
    return sum(WEIGHTS[feature[0]] * counts[feature] * others[feature] for feature in counts.keys() & others.keys()
               if len(index.get(feature, ())) <= COMMON)


def _entering(x: int, was: tuple, has: tuple, paths: list, position: dict, now: dict, index: dict,
              place: list, limit: int) -> set[int] | None:
    """After article x (kept its date, so its place) changed its features from `was` to `has`, the
    only edit: the positions of the other articles whose list may differ. Only x's score in their
    lists changed, so a list differs only when x was in it, or now scores above its last article.
    None when a feature x gained or lost now scores and did not, or the other way (every article
    sharing it scores another way: the caller re-ranks them)."""
    differ = _gained_or_lost(was, has)
    sizes = _LAST["sizes"]
    if any((sizes.get(feature, 0) <= COMMON) != (len(index.get(feature, ())) <= COMMON) for feature in differ):
        return None
    ranked, size = _LAST["ranked"], len(paths)
    x_path, todo, seen = paths[x], set(), {x}
    for feature in differ:
        members = index.get(feature, ())
        if len(members) > COMMON:
            continue
        for m in members:
            if m in seen:
                continue
            seen.add(m)
            own = now[paths[m]][0]
            old, new = _score(own, was, index), _score(own, has, index)
            if old == new:
                continue
            listed = ranked[paths[m]]
            if x_path in listed:
                todo.add(m)
            elif len(listed) < limit:
                if new > 0:
                    todo.add(m)
            elif place[x] - new * size < place[position[listed[-1]]] - _score(own, now[listed[-1]][0], index) * size:
                todo.add(m)
    return todo
