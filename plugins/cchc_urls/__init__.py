"""cchc_urls — each article's and page's address worked out once, after the site has been read.

Pelican formats `url` and `save_as` from the URL patterns every time anything asks: about 50 times
per article (its page, the listings, tag and archive pages, related lists, neighbours, feeds), a
tenth of a build (profile in benchmarks/HISTORY.md). Pelican has no setting for this, hence this
plugin. Listed last: when all_generators_finalized reaches it, every plugin has set slugs, dates
and chuyên mục, so each object keeps its address from then on. An object read later (the preview's
incremental update, cchc.incremental) keeps nothing and is worked out as before. At the end of
each build every kept address is worked out again and compared (check_addresses).
"""

import datetime as dt
import string

from pelican import signals
from pelican.contents import Content

from cchc import updates

ITEM_LISTS = ("articles", "translations", "drafts", "drafts_translations", "hidden_articles", "hidden_translations",
              "pages", "hidden_pages", "draft_pages")


def _kept(name: str) -> property:
    compute = getattr(Content, name).fget
    slot = f"_cchc_{name}"

    def get(self):
        kept = self.__dict__.get(slot)
        return kept if kept is not None else compute(self)

    get.computed = compute
    return property(get)


_KEPT: list = []  # the objects of the current build, until check_addresses

# An address by what it is made of: the pattern and the values of the fields it names. Before
# keep_addresses, and in check_addresses, Pelican formats each address again (the generators ask
# 20,000 times at the ward's full size), and the preview's every run asks for every item again: 2 s
# of each run. Only strings and dates are taken (the key must hold all that formatting can show).
_FIELDS: dict[str, tuple | None] = {}
_MADE: dict[tuple, str] = {}
_SPECIAL = {"path", "slug", "lang", "date", "author", "category"}


def _fields(pattern: str):
    names = _FIELDS.get(pattern, False)
    if names is False:
        try:
            parts = [(field, spec) for _text, field, spec, _conversion in string.Formatter().parse(pattern)
                     if field is not None]
        except ValueError:
            parts = [("", "")]
        # only plain names: "{date:%Y}", not "{date.year}", "{metadata[x]}", "{}" or "{date:{spec}}"
        plain = all(field.isidentifier() and "{" not in (spec or "") for field, spec in parts)
        names = _FIELDS[pattern] = tuple(sorted({field for field, _spec in parts})) if plain else None
    return names


def _value(item, name):
    """What Pelican's Content.url_format gives `name`, or _OTHER (not memoised)."""
    if name == "slug":
        value = getattr(item, "slug", "")
    elif name == "lang":
        value = getattr(item, "lang", "en")
    elif name == "date":
        value = getattr(item, "date", _OTHER)  # Pelican takes the time of the call
    elif name == "category":
        value = item.category.slug if hasattr(item, "category") else ""
    elif name == "author":
        value = item.author.slug if hasattr(item, "author") else ""
    elif name == "path":
        return _OTHER
    else:
        value = item.metadata.get(name, _OTHER)
    if type(value) is str:
        return value
    if isinstance(value, (dt.date, dt.time)):  # datetime included; repr holds every field and the zone
        return (type(value), repr(value))
    return _OTHER


_OTHER = object()


def _expand_settings(pelican_expand):
    def expand(self, key, klass=None):
        pattern = self.settings.get(f"{klass or type(self).__name__}_{key}".upper())
        names = _fields(pattern) if type(pattern) is str else None
        if names is not None:
            made = (pattern, *(_value(self, name) for name in names))
            if _OTHER not in made:
                found = _MADE.get(made)
                if found is None:
                    found = _MADE[made] = pelican_expand(self, key, klass)
                return found
        return pelican_expand(self, key, klass)

    expand.pelican = pelican_expand
    return expand


def keep_addresses(generators):
    _KEPT.clear()
    for generator in generators:
        for attr in ITEM_LISTS:
            for item in getattr(generator, attr, None) or []:
                # (as worked out now: the preview keeps addresses again after a date's edit)
                item.__dict__["_cchc_url"] = Content.url.fget.computed(item)
                item.__dict__["_cchc_save_as"] = Content.save_as.fget.computed(item)
                _KEPT.append(item)


def check_addresses(pelican):
    """After writing: had anything changed what an address is made of (slug, date, chuyên mục)
    after it was kept, pages would link to addresses that do not exist. Stop the build instead."""
    try:
        for item in _KEPT:
            for name in ("url", "save_as"):
                kept = item.__dict__.get(f"_cchc_{name}")
                now = getattr(Content, name).fget.computed(item)
                if kept is not None and kept != now:
                    raise RuntimeError(f"cchc_urls: địa chỉ của {item.source_path} đổi từ “{kept}” thành “{now}” "
                                       "sau khi đã được ghi nhớ; một phần mở rộng đổi slug/ngày/chuyên mục quá muộn.")
    finally:
        _KEPT.clear()


def register():
    if not hasattr(Content.url.fget, "computed"):  # once per process
        Content.url = _kept("url")
        Content.save_as = _kept("save_as")
        Content._expand_settings = _expand_settings(Content._expand_settings)
    signals.all_generators_finalized.connect(keep_addresses)
    signals.finalized.connect(check_addresses)
    updates.declare(keep_addresses, updates.HEADERS)  # slugs and dates
    updates.declare(check_addresses, updates.HEADERS)
