"""cchc_urls — each article's and page's address worked out once, after the site has been read.

Pelican formats `url` and `save_as` from the URL patterns every time anything asks: about 50 times
per article (its page, the listings, tag and archive pages, related lists, neighbours, feeds), a
tenth of a build (profile in benchmarks/HISTORY.md). Pelican has no setting for this, hence this
plugin. Listed last: when all_generators_finalized reaches it, every plugin has set slugs, dates
and chuyên mục, so each object keeps its address from then on. An object read later (the preview's
incremental update, cchc.incremental) keeps nothing and is worked out as before. At the end of
each build every kept address is worked out again and compared (check_addresses).
"""

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


def keep_addresses(generators):
    _KEPT.clear()
    for generator in generators:
        for attr in ITEM_LISTS:
            for item in getattr(generator, attr, None) or []:
                item.__dict__["_cchc_url"] = item.url
                item.__dict__["_cchc_save_as"] = item.save_as
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
    signals.all_generators_finalized.connect(keep_addresses)
    signals.finalized.connect(check_addresses)
    updates.declare(keep_addresses, updates.HEADERS)  # slugs and dates
    updates.declare(check_addresses, updates.HEADERS)
