"""What each written file was made from, so that the preview's next run of the build renders again
only the files whose inputs changed (cchc.incremental, `Session.rerun`).

Pelican has no dependency graph, and none of the generators says what a template will read. This
module finds out while a page is rendered, in the preview's worker only:

* names: every variable a template (and the macros and templates it imports with context) looks
  up, through Jinja's `Context.resolve_or_missing`;
* entities: every article or page (pelican.contents.Content) whose attributes a template reads,
  through `Environment.getattr`/`getitem`, or that is handed to one of our filters.

A written file is then the same in the next run when (1) the values of its names are the same,
compared with `Fingerprints` (articles and pages by identity, anything else by value), and
(2) none of the entities it read changed (`state_of`: every attribute, the items its
{filename} links point to included) or, for one it read only by attribute (a listing, a
neighbour: title, address, date…), the values of those attributes are the same. Rendering is a
function of those inputs, so a file whose inputs are equal is byte for byte what rendering it
again would give; tests/test_incremental.py checks this against full builds after random edits.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import posixpath
import re
import types
from urllib.parse import unquote

from .settings import STATE_KEY

MISSING = ("missing",)


class Recording:
    """The names and entities one render read, and the data files' entries it read through a
    chuyên mục or a tag (`category.entry`, plugins/cchc_content): such a page depends on those
    entries (`entries`, by their `_cchc_key`), or on all the data when it read something else of
    one (`data`)."""

    __slots__ = ("names", "touched", "read", "data", "entries", "fields", "listed", "whole_listing")

    def __init__(self):
        self.names: set[str] = set()
        self.touched: dict[int, object] = {}           # items read as a whole (handed to a filter…)
        self.read: dict[int, tuple[object, set]] = {}   # items read by attribute: id → (item, names)
        self.data = False
        self.entries: dict[tuple, object] = {}
        # The fields the templates read of each data file entry they met, however they reached it
        # (an article's hinh_thuc, a chuyên mục's entry): its key → the fields' names, or None when
        # it was used whole (printed, handed to one of our filters, its `fields` read). The
        # preview's in-place edit of fields only templates show (cchc.data.SHOWN_ONLY) renders
        # again only the files that read one of them (Outputs.reading_fields).
        self.fields: dict[tuple, set | None] = {}
        # The listing pages (pelican.paginator.Page) whose articles it read, and whether it read
        # more of a listing than a page's articles (a paginator's whole list, or a list handed to
        # one of our filters): see own_print.
        self.listed: list = []
        self.whole_listing = False

    def read_fields(self, entry, names) -> None:
        """`names` (a set, or None: all of them) of `entry` (a class with `_cchc_key`) were read."""
        key = entry._cchc_key()
        if names is None:
            self.fields[key] = None
        else:
            known = self.fields.get(key, _NONE_YET)
            if known is _NONE_YET:
                self.fields[key] = set(names)
            elif known is not None:
                known.update(names)


_NONE_YET = object()


def whole_entry(entry) -> None:
    """Called by an entry (cchc.data.Entry) made into text while a render is recorded: all of it
    may show."""
    rec = _ACTIVE[0]
    if rec is not None:
        rec.read_fields(entry, None)


# What a Category or Tag is made of: anything else a template reads of one (its data file entry) is
# the data's.
_WRAPPER_OWN = frozenset({"name", "slug", "url", "save_as"})


_ACTIVE: list[Recording | None] = [None]


def recording() -> Recording | None:
    return _ACTIVE[0]


class recorded:
    """with recorded() as rec: render(...) — rec holds what the render read."""

    def __enter__(self) -> Recording:
        self.previous = _ACTIVE[0]
        rec = _ACTIVE[0] = Recording()
        return rec

    def __exit__(self, *exc):
        _ACTIVE[0] = self.previous
        return False


def _entity_class():
    from pelican.contents import Content

    return Content


def touch(value) -> None:
    rec = _ACTIVE[0]
    if rec is None:
        return
    content = _entity_class()
    for item in value if isinstance(value, (list, tuple)) else (value,):
        if isinstance(item, content):
            rec.touched[id(item)] = item
        elif type(item) in _LISTING_TYPES:  # (the filter may read all of the list)
            rec.whole_listing = True
        elif _fields_of(item) is not None:  # a data file's entry, handed whole
            rec.read_fields(item, None)


def _fields_of(value):
    """The entry's answer to which fields an attribute is made of (cchc.data.Entry._cchc_fields_of),
    or None for anything that is not a data file's entry."""
    return getattr(type(value), "_cchc_fields_of", None)


_INSTALLED = []
_LISTING_TYPES: list = []  # [pelican.paginator.Page, Paginator], once installed
_WHOLE_PAGINATOR = frozenset({"object_list", "count", "_count"})  # (what a Shape leaves out)


def install() -> None:
    """Hooks Jinja in this process (the preview's worker) so renders inside `recorded()` are traced.
    Outside a recording each hook costs one list lookup."""
    if _INSTALLED:
        return
    _INSTALLED.append(True)
    from jinja2 import Environment
    from jinja2.runtime import Context
    from pelican.urlwrappers import URLWrapper

    from . import data

    data.ON_TEXT.append(whole_entry)

    content = _entity_class()
    resolve, get_attr, get_item = Context.resolve_or_missing, Environment.getattr, Environment.getitem

    def resolve_or_missing(self, key):
        rec = _ACTIVE[0]
        if rec is not None:
            rec.names.add(key)
        return resolve(self, key)

    def read(rec, obj, attribute):
        found = rec.read.get(id(obj))
        if found is None:
            rec.read[id(obj)] = (obj, {attribute})
        else:
            found[1].add(attribute)

    def listing(rec, obj, attribute):
        if type(obj) in _LISTING_TYPES:
            if type(obj) is _LISTING_TYPES[0]:
                if attribute == "object_list":
                    rec.listed.append(obj)
            elif attribute in _WHOLE_PAGINATOR:
                rec.whole_listing = True

    def getattr_(self, obj, attribute):
        rec = _ACTIVE[0]
        if rec is not None:
            listing(rec, obj, attribute)
            if isinstance(obj, content):
                read(rec, obj, attribute)
            elif (fields_of := _fields_of(obj)) is not None:  # a data file's entry
                rec.read_fields(obj, fields_of(attribute))
            elif isinstance(obj, URLWrapper) and attribute not in _WRAPPER_OWN:
                value = get_attr(self, obj, attribute)
                key = getattr(type(value), "_cchc_key", None)  # (of the type: Jinja's Undefined answers any name)
                if key is None:
                    rec.data = True
                else:
                    rec.entries[key(value)] = value
                return value
        return get_attr(self, obj, attribute)

    def getitem(self, obj, argument):
        rec = _ACTIVE[0]
        if rec is not None:
            listing(rec, obj, argument)
            if isinstance(obj, content):
                if type(argument) is str:  # article["title"], and Jinja's attribute= filters (map, sort…)
                    read(rec, obj, argument)
                else:
                    rec.touched[id(obj)] = obj
            elif (fields_of := _fields_of(obj)) is not None:  # (Jinja then asks getattr)
                rec.read_fields(obj, fields_of(argument) if type(argument) is str else None)
        return get_item(self, obj, argument)

    from pelican.paginator import Page, Paginator

    _LISTING_TYPES[:] = [Page, Paginator]
    Context.resolve_or_missing = resolve_or_missing
    Environment.getattr = getattr_
    Environment.getitem = getitem


def trace_filters(env) -> None:
    """Our filters and globals (not Jinja's own, which read attributes through the hooks above)
    may read an article handed to them: that article counts as read."""
    for table in (env.filters, env.globals):
        for name, func in list(table.items()):
            if not callable(func) or getattr(func, "_cchc_traced", False) or isinstance(func, type):
                continue
            module = getattr(func, "__module__", "") or ""
            # Jinja's own filters read attributes through the hooks above; Python's builtins (`length`
            # is len) read none: counting every article of a list as read made each listing depend
            # on the whole site.
            if module.startswith(("jinja2", "markupsafe")) or module == "builtins":
                continue
            table[name] = _traced(func)


def _traced(func):
    @functools.wraps(func)
    def traced(*args, **kwargs):
        if _ACTIVE[0] is not None:
            for arg in args:
                touch(arg)
            for arg in kwargs.values():
                touch(arg)
        return func(*args, **kwargs)

    traced._cchc_traced = True
    for marker in ("jinja_pass_arg",):  # @pass_context / @pass_environment
        if hasattr(func, marker):
            setattr(traced, marker, getattr(func, marker))
    return traced


# ---- comparing values -----------------------------------------------------------------------------

_PLAIN = (str, int, float, bool, bytes, dt.date, dt.datetime, dt.time, type(None))
_OPAQUE = (types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.ModuleType, type,
           functools.partial)


class Fingerprints:
    """Hashable values equal exactly when two inputs render the same, within one session: articles
    and pages by identity (their own changes are found by `state_of`), everything else by value.
    Memoised by identity for one run (keeps a reference to each value, so identities stay unique)."""

    def __init__(self):
        self.memo: dict[int, tuple[object, object]] = {}
        self.stack: list[int] = []
        self.open: set[int] = set()
        self.content = _entity_class()
        from pelican.paginator import Page
        from pelican.urlwrappers import URLWrapper

        self.wrapper, self.listing_page = URLWrapper, Page

    def of(self, value):
        if isinstance(value, _PLAIN):
            return value
        key = id(value)
        hit = self.memo.get(key)
        if hit is not None and hit[0] is value:
            return hit[1]
        stack = self.stack
        if key in self.open:  # a value that contains itself: named by how far up it is
            return ("cycle", len(stack) - stack.index(key))
        self.open.add(key)
        stack.append(key)
        try:
            result = self._compute(value)
        finally:
            stack.pop()
            self.open.discard(key)
        self.memo[key] = (value, result)
        return result

    def adopt(self, value, print_) -> None:
        """`print_` (equal to value's fingerprint) is value's fingerprint from now on."""
        if not isinstance(value, _PLAIN):
            self.memo[id(value)] = (value, print_)

    def _compute(self, value):
        # The settings (and the build's state in them) are the same for the whole preview session:
        # a settings or code change starts a new worker.
        if isinstance(value, dict) and STATE_KEY in value or type(value).__name__ == "BuildState":
            return ("settings",)
        if isinstance(value, self.content):
            return ("entity", id(value))
        own = getattr(type(value), "__fingerprint__", None)
        if own is not None:  # a class that says what it is made of (plugins/cchc_procedures)
            return Declared((type(value).__qualname__, own(value)))
        if type(value) is self.listing_page:  # one page of a listing: all of it comes from its paginator
            # (Paginator.page: the paginator's name, address, settings and slice of its list)
            return ("listing page", self.of(value.paginator), value.number)
        if isinstance(value, self.wrapper):  # Category, Tag: equal by slug, shown by name (a page that
            # reads more of one, the data file's entry, depends on that entry: Recording.entries)
            return ("wrapper", type(value).__name__, value.name, value.slug)
        if isinstance(value, (list, tuple)):
            return (type(value).__name__, *[self.of(item) for item in value])
        if isinstance(value, dict):
            if all(type(key) is str for key in value):  # most are (metadata, contexts): no repr, no key function
                return ("dict", *[(key, self.of(value[key])) for key in sorted(value)])
            return ("dict-r", *sorted(((repr(k), self.of(v)) for k, v in value.items()), key=lambda kv: kv[0]))
        if isinstance(value, (set, frozenset)):
            return ("set", *sorted(repr(self.of(item)) for item in value))
        if isinstance(value, _OPAQUE) or callable(value) and not hasattr(value, "__dict__"):
            return ("opaque", id(value))
        if isinstance(value, re.Pattern):
            return ("pattern", value.pattern, value.flags)
        if hasattr(value, "__dict__"):
            return ("object", type(value).__qualname__, self.of(vars(value)))
        if hasattr(value, "__slots__"):
            return ("object", type(value).__qualname__,
                    *[self.of(getattr(value, name, MISSING)) for name in value.__slots__])
        return ("opaque", id(value))


class Shape(tuple):
    """The fingerprint of a write's listing page or paginator by what a page can show of it
    (own_print): its paginator's name, address, page size and number of pages, and the page's
    number and articles; not the other pages' articles, nor their count (the last page's count is
    its articles')."""

    __slots__ = ()


def own_print(prints: Fingerprints, value, whole_listing: bool):
    """The fingerprint of one of a write's own values (a listing's `articles_page` and
    `articles_paginator`…). A render that read no articles of the listing but those of its own
    page depends on the page and paginator by their Shape: the page before the place where an
    article joined or left the list is the same page (Pelican's paginators hold the whole list).
    Otherwise (`whole_listing`: see listing_read) by their whole value."""
    if not whole_listing and type(value) in _LISTING_TYPES:
        if type(value) is _LISTING_TYPES[0]:
            paginator = value.paginator
            return Shape(("listing page", _shape(paginator), value.number, prints.of(value.object_list)))
        return Shape(("paginator", *_shape(value)))
    return prints.of(value)


def _shape(paginator) -> tuple:
    return paginator.name, paginator.url, paginator.per_page, paginator.orphans, paginator.num_pages


def listing_read(rec: Recording, own_values) -> bool:
    """Whether a render read more of a listing than its own pages' articles: a paginator's list or
    count, another page's articles (articles_paginator.page(2).object_list), or a listing handed to
    one of our filters."""
    return rec.whole_listing or any(not any(page is value for value in own_values) for page in rec.listed)


class Declared(tuple):
    """The fingerprint of an object whose class says what it is made of (`__fingerprint__`), equal
    to the plain tuple: the preview finds by it the files made from such an object
    (cchc.incremental, `Outputs.reading`)."""

    __slots__ = ()


# Attributes that are not what an item is: the shared context, the settings, Pelican's caches.
_NOT_STATE = {"_context", "settings"}
_FILENAME_LINK = re.compile(r"\{(?:filename|attach)\}([^\"'\s#?<>)]+)")


def state_of(item, prints: Fingerprints, context) -> tuple:
    """Everything an item's page can show of it: its attributes, and the address of every item its
    text links to with {filename} (whose page, date or slug can change without this item changing)."""
    parts = [(key, prints.of(value)) for key, value in sorted(item.__dict__.items()) if key not in _NOT_STATE]
    return (*parts, *links_of(item, context))


def links_of(item, context) -> tuple:
    """The last part of `state_of`: the address of each item the text links to with {filename}."""
    text = item.__dict__.get("_content") or ""
    if "{filename}" not in text and "{attach}" not in text:
        return ()
    parts = []
    generated = context.get("generated_content", {})
    folder = posixpath.dirname(item.relative_source_path.replace(os.sep, "/"))
    for match in _FILENAME_LINK.finditer(text):
        value = unquote(match.group(1))
        path = value[1:] if value.startswith("/") else posixpath.normpath(posixpath.join(folder, value))
        target = generated.get(path)
        parts.append(("link", path, None if target is None else
                      (getattr(target, "url", None), getattr(target, "save_as", None))))
    return tuple(parts)


# ---- the same objects as at the last run ------------------------------------------------------------
#
# At 5,000 articles, working out `state_of` for every item took 0.7 s of each of the preview's runs,
# although a run changes a handful of them. Most attributes of most items are the very objects they
# were in the last run: what the reader made (kept by cchc.incremental, lists and dicts copied) and
# what handlers set from items and data (a related list: other articles). When every attribute is
# the same object as when the last state was taken, of a kind that is never changed in place once
# made, and every list or dict holds the same such objects in the same order, `state_of` would give
# what it gave then, and `same_objects` says so at a tenth of the cost.

class _Copy(tuple):
    """A list's, tuple's or dict's contents when a snapshot was taken: (type, elements) or
    (type, keys, copies of the values)."""


def snapshot(item) -> dict:
    """Each attribute of `item` as it is now, for `same_objects` (lists and dicts copied)."""
    return {key: _copy(value) for key, value in item.__dict__.items() if key not in _NOT_STATE}


def _copy(value):
    if isinstance(value, (list, tuple)):
        return _Copy((type(value), tuple(value)))
    if isinstance(value, dict):
        return _Copy((type(value), tuple(value), tuple(map(_copy, value.values()))))
    return value


_UNCHANGING: dict[type, bool] = {}


def _unchanging(kind: type) -> bool:
    """Objects whose fingerprint cannot change while they live: immutable values (the plain kinds
    and their subclasses: a Text is fingerprinted as the string it is; time zones), articles and pages (by
    identity), chuyên mục, tags and authors (set up while their article is read, as Pelican makes
    them, and not changed after: the preview keeps them from one run to the next in the kept
    readings), and classes that say so (`_cchc_unchanging`: the data files' entries)."""
    known = _UNCHANGING.get(kind)
    if known is None:
        from pelican.urlwrappers import URLWrapper

        known = _UNCHANGING[kind] = (issubclass(kind, (*_PLAIN, dt.tzinfo, _entity_class(), URLWrapper))
                                     or bool(getattr(kind, "_cchc_unchanging", False)))
    return known


def _same_object(value, old) -> bool:
    return value is old and (_UNCHANGING.get(type(value)) or _unchanging(type(value)))


def _same(value, old) -> bool:
    if type(old) is _Copy:
        if type(value) is not old[0]:
            return False
        if len(old) == 2:
            return len(value) == len(old[1]) and all(map(_same_object, value, old[1]))
        return len(value) == len(old[1]) and tuple(value) == old[1] and all(map(_same, value.values(), old[2]))
    return _same_object(value, old)


def same_objects(item, kept: dict) -> bool:
    """True when each attribute of `item` is, object for object, what `kept` (its `snapshot`)
    holds, so that its `state_of` is the one taken with the snapshot, but for `links_of` (the
    addresses its {filename} links point to may have changed)."""
    attributes = item.__dict__
    if len(attributes) - sum(key in attributes for key in _NOT_STATE) != len(kept):
        return False
    for key, old in kept.items():
        value = attributes.get(key, _ABSENT)
        if value is _ABSENT or not _same(value, old):
            return False
    return True


_ABSENT = object()
