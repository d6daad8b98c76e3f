"""What each plugin's handlers mean for the preview's updates, declared by the plugin next to its code
(in its `register()`), read by cchc/incremental.py.

The preview updates an edited body in place (`Session._update`): it reads the file again and makes
again only the writes that read its body. That is right only if no handler of the signals it does
not replay would have done something else with the new body. So every handler of those signals
(`SIGNALS`) says which of two things it is:

* `HEADERS`: what it does depends on the items' headers, the file system or the built output, never
  on a body (ordering, tag spellings, related lists, podcast episodes, the sitemap…), nor on the
  headers of `SHOWN` (title, summary) unless it says so with `shows` below;
* a step, `step(item, linking, generators)`: its work on one item, which the update runs on the
  edited item (and `linking`, the items whose {filename} links point into it) in place of the
  whole-site handler (link checks, the task matrix placeholder).

A file a plugin reads itself (a procedure record) can also be taken in place, when the plugin says
how (`edits_in_place`, below): the objects it made from the file change in place, and the files
made from those objects are rendered again; or, when the edit changes more of what the plugin's
generator makes (a procedure's name: the lists' order, the groups), by making that generator's
context again, with those of the generators that read it (`Regenerate`, `context_keys`, below).

An article's "Tags", "Category" and "Date" lines are taken in place too (`GROUPED`,
`Session._regroup`): the generator's tags and chuyên mục are grouped again from its articles
(after a date, its articles are ordered again and it writes all its files, those whose inputs are
the same left as they are), the `article_generator_finalized` handlers are called again on the
generator they finalized (after a date, the `all_generators_finalized` handlers declared HEADERS
too: the addresses), and after a chuyên mục or a date the later generators that read the articles
make their context again. So a HEADERS handler of these signals must give the same result when
called twice, and give an item a new value rather than change one in place (a list it appends
to): the update finds the items a handler changed by comparing each attribute's object with the
one before.

Every other edit is a new run of the whole build in the worker (`Session._rerun`), which calls
every handler as a full build does and finds by itself which pages changed (cchc/dependencies.py);
it too needs every handler declared, because a handler with unknown effects could make a run
differ from a full build. An undeclared handler (a new plugin) turns updates off: each save is a
full build in a new process, never a wrong page.

This module imports nothing from the project, so any plugin can import it.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable

HEADERS = "headers"

# The signals whose handlers a body update does not call again.
SIGNALS = (
    "all_generators_finalized", "article_generator_finalized", "article_generator_pretaxonomy",
    "page_generator_finalized", "article_generator_preread", "article_generator_context",
    "page_generator_preread", "page_generator_context", "article_generator_write_article",
    "page_generator_write_page", "finalized",
)

_DECLARED: dict[str, str | Callable] = {}
_ORDER: list[str] = []


def name_of(handler) -> str:
    func = getattr(handler, "__func__", handler)
    return f"{func.__module__}.{func.__qualname__}"


def declare(handler, what) -> None:
    """handler: a function a plugin connects to one of SIGNALS; what: HEADERS or a step."""
    if what != HEADERS and not callable(what):
        raise ValueError(f"{name_of(handler)}: declare HEADERS or a step function, not {what!r}")
    name = name_of(handler)
    if name not in _DECLARED:
        _ORDER.append(name)
    _DECLARED[name] = what


def declared(handler):
    """HEADERS, a step, or None for a handler no plugin declared."""
    return _DECLARED.get(name_of(handler))


def connected(signal) -> list[Callable]:
    """The handlers connected to a blinker `signal` that are alive, in connection order."""
    import weakref

    found = []
    for receiver in signal.receivers.values():
        target = receiver() if isinstance(receiver, weakref.ref) else receiver
        if target is not None:
            found.append(target)
    return found


def receivers(signal, what) -> list[Callable]:
    """The handlers connected to `signal` that are declared `what` (HEADERS), in connection order."""
    return [target for target in connected(signal) if (declared(target) or THIRD_PARTY.get(name_of(target))) == what]


def steps() -> list[Callable]:
    """The declared steps, in the order their plugins registered (PLUGINS order)."""
    return [_DECLARED[name] for name in _ORDER if callable(_DECLARED[name])]


# Handlers of plugins that are not ours (pelican-plugins), declared here.
THIRD_PARTY = {
    "pelican.plugins.neighbors.neighbors.neighbors": HEADERS,  # previous / next by date and chuyên mục
}


def alone(item, generators):
    """A stand-in for the generators in which `item` is the only article or page, for a handler
    written for the whole site (steps reuse the handler on the edited item this way)."""
    import types

    from pelican.contents import Page

    return types.SimpleNamespace(context=generators[0].context, **{"pages" if isinstance(item, Page) else "articles": [item]})


# ---- header fields that are only shown ---------------------------------------------------------
# A header line whose value no whole-site step of the build uses: Pelican orders articles by date
# (pages by file name), groups them by chuyên mục, tags and authors and addresses them by slug,
# and never looks at these. A change to one shows only where a page or a feed prints it, which the
# preview finds by itself (cchc.dependencies records the items each written file read), so it
# renders just those files again instead of running the build again (cchc.incremental). Key: the
# header's name; value: the attributes Pelican's reader sets from it.
SHOWN = {"title": ("title",), "summary": ("_summary",)}

# A plugin whose own whole-site work uses one of SHOWN (cchc_plan's reports print each article's
# title) declares how to make again what it made from one item: header → [rewrite(item, generators)].
_SHOWN_BY: dict[str, list[Callable]] = {}


def shows(header: str, rewrite: Callable) -> None:
    """header: a key of SHOWN that the plugin's generator or handlers use for more than a page they
    write through Pelican's Writer; rewrite(item, generators): writes again the plugin's own files
    that show `item` (after `item` took its new header values)."""
    if header not in SHOWN:
        raise ValueError(f"{name_of(rewrite)}: {header!r} is not one of {sorted(SHOWN)}; "
                         "a change to any other header runs the build again")
    if rewrite not in _SHOWN_BY.setdefault(header, []):
        _SHOWN_BY[header].append(rewrite)


def rewrites(header: str) -> list[Callable]:
    return list(_SHOWN_BY.get(header, ()))


# ---- header fields that group and order articles ------------------------------------------------
# Pelican groups articles by chuyên mục and tags and orders them by date (the lists, the archives by
# period). After an edit of these lines alone the preview groups (and after a date, orders) the
# generator's articles again in place and writes what changed (cchc.incremental.Session._regroup)
# instead of running the build again. Key: the header's name; value: the attributes a reading sets
# from it, Pelican's reader's and those plugins declare with `derives`.
GROUPED = {"tags": {"tags"}, "category": {"category"}, "date": {"date", "locale_date"}}


def derives(header: str, *attributes: str) -> None:
    """A plugin that sets `attributes` of an article from the header `header` (a key of GROUPED)
    while the article is read (cchc_content keeps the chuyên mục as written)."""
    if header not in GROUPED:
        raise ValueError(f"{header!r} is not one of {sorted(GROUPED)}")
    GROUPED[header] |= set(attributes)


# Work the preview does in the background after each update instead of at the end of the build
# (the search index): name → function(output folder, settings, started(process)).
_BACKGROUND: dict[str, Callable] = {}


def background(name: str, function: Callable) -> None:
    _BACKGROUND[name] = function


def background_work() -> dict[str, Callable]:
    return dict(_BACKGROUND)


_RERUNNING = [False, False]


def rerunning() -> bool:
    """True while the preview runs the build again with the unchanged files taken as read: a plugin
    that prepares work for every file (cchc_content's parallel reading) skips it then..."""
    return _RERUNNING[0]


def rereading_everything() -> bool:
    """... unless this run reads every file again (after a data file's edit)."""
    return _RERUNNING[1]


class rerun:
    def __init__(self, everything: bool = False):
        self.everything = everything

    def __enter__(self):
        _RERUNNING[:] = [True, self.everything]

    def __exit__(self, *exc):
        _RERUNNING[:] = [False, False]
        return False


# The data files (content/data/, cchc.data): reading an article turns the chuyên mục, cơ quan,
# hình thức… its headers name into the data's entries. After a data file's edit the preview's run
# would read every article again (5,000 Markdown files at R: most of a 24 s run) to give each the
# new entries. A plugin that uses the data while an item is read says how to redo that part alone:
# rebind(item, site) gives a kept item, as it was read, what reading it again with the new data
# `site` would give it, and returns True; False (the item left as it was) when only reading it again
# can tell (a header now names another entry, or none). An item is kept when every declared
# function says True; with none declared, every item is read again.
_REBINDERS: list[Callable] = []


def rebinds(rebind: Callable) -> None:
    if rebind not in _REBINDERS:
        _REBINDERS.append(rebind)


def rebinders() -> list[Callable]:
    return list(_REBINDERS)


# A file a plugin reads itself (a procedure record) whose edit changes only objects the plugin made
# from it, in place: not their order, their groups, nor anything another step of the build reads
# (its data for the finder, a feed, a report, the sitemap). The preview then renders again the
# files whose recorded inputs hold one of those objects (cchc.dependencies fingerprints), without a
# run of the build. edit(path, generators) → None (not the plugin's file, or an edit only a run of
# the build can take) or an InPlace.


@dataclasses.dataclass
class InPlace:
    changed: list                       # the objects the edit changes, as they are before `apply`
    #                                     (of classes with __fingerprint__: cchc.dependencies.Declared)
    apply: Callable[[], None] | None    # changes them in place
    undo: Callable[[], None] | None     # puts them back (a page made from them has a broken link)
    problems: list = dataclasses.field(default_factory=list)  # mistakes in the file: nothing is applied
    # The changed values are shown only by templates (cchc.data.SHOWN_ONLY): the files a plugin
    # writes itself do not show them, and are left as they are (the next run finds their recorded
    # inputs changed and makes them again, with the same bytes).
    shown_only: bool = False
    # For the data files' entries (cchc.data.Entry): each changed entry's key → the names of its
    # fields that changed. The files rendered again are those whose templates read one of those
    # fields or used the entry whole, however they reached it (cchc.dependencies, Recording.fields).
    fields: dict | None = None
    # For an edit of the names of the data's entries (cchc.data.NAMES_ONLY): the generators that
    # read them (DATA_NAMES) make their context again and write their files, after `apply`.
    regenerate: str | None = None


_IN_PLACE: list[Callable] = []


def edits_in_place(edit: Callable) -> None:
    if edit not in _IN_PLACE:
        _IN_PLACE.append(edit)


def in_place_edits() -> list[Callable]:
    return list(_IN_PLACE)


# A file a plugin's generator reads itself (a procedure record) whose edit changes what the
# generator makes, more than objects in place (a name: the lists' order, the groups, the finder's
# data, the reports): the preview makes the generator's context again (generate_context), then
# that of every later generator that reads a context key it sets, and writes the files of those
# generators whose inputs changed, with the other pages that read one of those keys; the
# `finalized` handlers (the sitemap) then run again, as after a run. Articles and pages are not
# read again nor handled again: the edit must change nothing they show but through those keys,
# and nothing the `all_generators_finalized` handlers read (a plugin returns `Regenerate` only
# then). Each generator says what its generate_context reads of other generators' keys and which
# keys it sets (`context_keys`); while one does not, such an edit is a run of the build.


@dataclasses.dataclass
class Regenerate:
    generator: type                     # the generator whose context the edit changes


_CONTEXT_KEYS: dict[str, tuple[frozenset, frozenset]] = {}

# Pelican's own generators read no key another generator sets.
PELICAN_GENERATORS = {"pelican.generators.ArticlesGenerator", "pelican.generators.PagesGenerator",
                      "pelican.generators.StaticGenerator", "pelican.generators.TemplatePagesGenerator"}


def _class_name(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


# Not a context key: for `reads`, the generator's code reads the names of the data files' entries
# besides looking them up (cchc.data.NAMES_ONLY: the plan's Word reports print a cơ quan's short
# name). An edit of those names the preview takes in place makes such a generator's context again.
DATA_NAMES = "cchc.data.NAMES_ONLY"


def context_keys(generator_class, reads=(), sets=()) -> None:
    """A plugin's generator: the context keys its generate_context reads that other generators
    set (`reads`, with DATA_NAMES when it reads the data's names), and those it sets (`sets`)."""
    _CONTEXT_KEYS[_class_name(generator_class)] = (frozenset(reads), frozenset(sets))


def keys_of(generator) -> tuple[frozenset, frozenset] | None:
    """(reads, sets) of a generator object, or None when its plugin did not say."""
    name = _class_name(type(generator))
    if name in PELICAN_GENERATORS:
        return frozenset(), frozenset()
    return _CONTEXT_KEYS.get(name)


# Files outside articles and pages that a plugin reads again in every run of the build, in its
# generator, and keeps nowhere else (so a run after their edit is right): plugin → settings → paths
# or glob patterns. Any other file of content/ but the data files (above) makes the preview start
# again with a full build.
_FILES: list[Callable] = []


def files_read_in_each_run(patterns: Callable) -> None:
    """patterns(settings) → the paths or glob patterns of the files."""
    _FILES.append(patterns)


def read_in_each_run(path: str, settings) -> bool:
    import fnmatch
    import os

    return any(fnmatch.fnmatchcase(path, os.path.realpath(pattern))
               for patterns in _FILES for pattern in patterns(settings))


# Files a plugin writes itself, not through Pelican's Writer (reports, the finder's data, the
# sitemap): it says so just before, so that the preview can put the earlier bytes back when its
# run of the build ends with a problem (cchc/incremental.py). Outside the preview, nobody listens.
_BEFORE_WRITING: list[Callable] = []


def before_writing(path: str) -> None:
    """Call before writing or removing `path` in the output folder."""
    for listener in _BEFORE_WRITING:
        listener(path)


def listening(listener: Callable):
    """While the preview runs the build: listener(path) before each file a plugin writes itself."""
    return _registered(_BEFORE_WRITING, listener)


@contextlib.contextmanager
def _registered(registry: list, function: Callable):
    registry.append(function)
    try:
        yield
    finally:
        registry.remove(function)


# A file a plugin writes itself can be left as it is by a run of the preview when it is made from
# the same inputs as in the last run: the preview compares them as it compares a page's (articles
# and pages by identity and by what changed in them, everything else by value).
_JUDGES: list[Callable] = []


def unchanged(path: str, *inputs) -> bool:
    """Call before making `path` from `inputs` (everything the file is made of): True in a run of
    the preview when the last run made it from the same inputs; leave the file as it is then.
    Outside the preview's runs, always False."""
    return bool(_JUDGES) and _JUDGES[-1](path, inputs)


def judging(judge: Callable):
    """While the preview runs the build: judge(path, inputs) answers `unchanged`."""
    return _registered(_JUDGES, judge)
