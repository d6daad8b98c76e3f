"""Incremental preview: after a save, write again only the files that show what changed, byte for
byte what a full build of the same sources writes (tests/test_incremental.py, random edits).

Pelican has no incremental mode: every build reads and renders every file (a minute at 5,000
articles, benchmarks/results.md). `cchc preview` therefore keeps one full build in a worker process
(cchc.preview) and asks this module to patch it. There are two ways, the second for what the first
cannot take:

1. A body edit of one article or page (`Session._update`). While the full build writes, a Tracker
   records which written file read which item's body: Pelican's memoised `Content.get_content` is
   wrapped, and so are the writes (every feed too: cchc/feeds.py's FeedWriter inherits
   `Writer.write_feed`) and the `article_writer_finalized` signal (the podcast feed),
   each kept as a call that can be made again. The file is read again with Pelican's own reader
   (every `content_object_init` handler runs), the per-item steps of `all_generators_finalized`
   run on it alone, and if only the body differs the recorded writes that read it are made again.
   About 0.1 s at 5,000 articles.
   A title or a summary (cchc.updates.SHOWN: never used to order, group or address items) goes
   the same way: the writes made again are those whose render read the item at all (Outputs, from
   cchc.dependencies), and the plugins that print it in their own files write those again
   (`updates.shows`, the plan's reports). About 0.4 s at 5,000 articles.
2. Anything else in articles and pages: a header line (title, date, tags, chuyên mục, summary…),
   a new or deleted file, several files at once (`Session._rerun`). The build runs again in this
   process, with every unchanged file taken as read last time (from the attributes the reader gave
   it, before any handler: `_keep_readings`), so every generator and handler sees what a full
   build would. Each written file carries what its render read (cchc.dependencies: the template's
   variables and the items it looked at); a file whose inputs are all the same is not rendered
   again, a file the run no longer writes is removed. Items keep their identity across runs, so an
   edited article is the same object, found changed by comparing its state.

A problem in the new text leaves every file as it was and the next save tries again. Pagefind then
re-indexes in the background into a new folder that replaces pagefind/. Procedure records and
overlays go the second way too (cchc_procedures reads again only the changed records). Data files,
photos, templates and code still get a full build in a new process. A plugin that adds a handler
to a signal the updates do not know turns them off until it is declared (cchc/updates.py): never a wrong page.
"""

from __future__ import annotations

import contextlib
import gc
import dataclasses
import datetime as dt
import functools
import itertools
import operator
import os
import pathlib
import shutil
import signal
import sys
import threading
import time
import weakref
from collections import defaultdict

from . import state
from .dependencies import Declared, Shape, listing_read, own_print
from .settings import site_overrides

FULL = "full"            # a full build is needed (the reason says why)
DONE = "done"            # written incrementally
PROBLEMS = "problems"    # the new text has problems: printed, nothing written

def unknown_handlers() -> list[str]:
    """Handlers of the signals a body update does not replay that no plugin declared
    (cchc/updates.py): while there is one, every save is a full build."""
    from pelican import signals

    from . import updates

    unknown = []
    for name in updates.SIGNALS:
        for target in updates.connected(getattr(signals, name)):
            label = updates.name_of(target)
            if updates.declared(target) is None and label not in updates.THIRD_PARTY and label not in _OWN:
                unknown.append(f"{name}: {label}")
    return sorted(unknown)


_OWN = {"cchc.incremental.Session._keep_generators"}


# ---- which written file read which body ----------------------------------------------------------

class Tracker:
    """Records, while files are written, how to make each write again and the source files whose
    body it read."""

    def __init__(self):
        self.output_phase = False
        self.current = None
        self.calls = {}                        # key → replay(writer), for every write
        self.reads = {}                        # key → source paths whose body it read
        self.readers = defaultdict(set)        # source path → keys
        self.unscoped = set()                  # bodies read outside any recorded write
        self.skipped_inside = False            # a write inside the current one was not made (unchanged)
        self.shared = None                     # the context the generators share (Session._keep_generators)

    def refresh(self, key, replay) -> None:
        """A write a run did not make (its inputs were the same): it is made again, if ever, with
        this run's context (the last run's is not kept alive)."""
        if self.current is not None:
            self.skipped_inside = True
        elif key in self.calls:
            self.calls[key] = replay

    def read(self, item) -> None:
        path = getattr(item, "source_path", None)
        if not path or not self.output_phase:
            return
        if self.current is None:
            self.unscoped.add(path)
        else:
            self.reads[self.current].add(path)

    @contextlib.contextmanager
    def scope(self, key, replay):
        if self.current is not None:  # e.g. a feed written by a signal handler: the outer call replays it
            yield
            return
        before = self.reads.pop(key, set())
        for path in before:
            self.readers[path].discard(key)
        self.calls[key] = replay
        self.reads[key] = set()
        self.current, self.skipped_inside = key, False
        try:
            yield
        finally:
            self.current = None
            read = self.reads[key]
            if self.skipped_inside:  # what the unmade write read last time, it still shows
                read |= before
            for path in read:
                self.readers[path].add(key)


_INSTALLED: list[Tracker] = []


class Outputs:
    """Every file the build writes through Pelican's Writer, with what it was made from
    (cchc.dependencies): in a later run (`Session._rerun`) a file whose inputs are all the same is
    not rendered again, and a file no longer written is removed."""

    def __init__(self, tracker: Tracker):
        # output path → (template, shared names, their fingerprint, ((own name, fingerprint), …),
        #                the ids of the items it read, those of the items read as a whole,
        #                {id: ((attribute, fingerprint), …)} of the others (read by attribute),
        #                what it read of the data files: None, ("all", the data's fingerprint) or
        #                ("entries", ((an entry's key, its fingerprint), …)),
        #                the Declared fingerprints all these hold (`reading`))
        self.records: dict[str, tuple] = {}
        self.keys: dict[str, tuple] = {}     # output path → the Tracker key of the write that makes it
        self.reusing = False
        self.changed: set[int] = set()       # ids of entities that changed or went since the last run
        self.prints = None
        self.produced: set[str] = set()
        self.rendered: list[str] = []
        self.known: set[int] = set()         # ids of the items whose state is compared between runs
        self.files: dict[str, tuple] = {}    # a file a plugin wrote itself → (its inputs' fingerprint, item ids)
        self.owners: dict[str, str] = {}     # output path → the class name of the generator that wrote it
        self.owner = ""                      # that of the generator writing now (Session._keep_generators)
        self.declared_memo: dict[int, tuple] = {}
        self.same_as_now: dict[tuple, tuple] = {}  # (now_of, shows_other)
        self.tracker = tracker               # the session's: which write read which body

    def begin(self, reusing: bool, changed: set[int] = frozenset()) -> None:
        from .dependencies import Fingerprints

        self.reusing, self.changed = reusing, changed
        self.prints = Fingerprints()
        self.produced, self.rendered = set(), []
        self.shared_prints = {}
        self.data_print = self.data_entries = None
        self.attribute_prints = {}
        # A run's earlier bytes of each file it writes or removes, and its records, put back when
        # the run ends with a problem (nothing an editor's mistake makes stays in the output).
        self.backups: dict[str, bytes | None] = {}
        self.records_before = (dict(self.records), dict(self.keys), dict(self.files), dict(self.owners)) \
            if reusing else None
        self.declared_memo = {}

    def produce(self, path: str) -> None:
        """`path` is written (or left as it is) by this run, by the generator writing now."""
        self.produced.add(path)
        if self.owner:  # (a write made again on its own, outside its generator, keeps its owner)
            self.owners[path] = self.owner

    def back_up(self, path: str) -> None:
        if self.records_before is not None and path not in self.backups:
            try:
                with open(path, "rb") as handle:
                    self.backups[path] = handle.read()
            except FileNotFoundError:
                self.backups[path] = None

    def put_back(self) -> None:
        """Undoes the run's writes and removals, those of the plugins' own files included
        (cchc.updates.before_writing)."""
        for path, data in self.backups.items():
            if data is None:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(path)
            else:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as handle:
                    handle.write(data)
        if self.records_before is not None:
            for kept, before in zip((self.records, self.keys, self.files, self.owners), self.records_before):
                kept.clear()
                kept.update(before)
        self.backups = {}

    # A page's names are of two kinds: its own (the write's arguments: article, the listing's page,
    # output_file…) and the context's, shared by every page a generator writes (SITEURL, menus,
    # the lists of all articles…). The shared ones are compared once per run for each set of names.

    @staticmethod
    def _values(names: tuple, context) -> tuple:
        """The context's values of `names` (_MISSING for a name it lacks), looked up in C: once per page."""
        return tuple(map(context.get, names, itertools.repeat(_MISSING, len(names))))

    def _shared(self, names: tuple, context) -> tuple:
        values = self._values(names, context)
        key = (names, tuple(map(id, values)))
        found = self.shared_prints.get(key)
        if found is None:
            found = self.shared_prints[key] = (values, tuple(map(self.prints.of, values)))
        return found[1]

    def unchanged(self, path: str, template: str, context, localcontext, own_names) -> bool:
        """True: the file's inputs are those of the last run, so it need not be rendered again."""
        old = self.records.get(path)
        if not self.reusing or old is None or old[0] != template or not old[4] <= self.known:
            return False
        if not self.changed.isdisjoint(old[4]) and not self._same_attributes(old[5], old[6]):
            return False
        shared = self._shared(old[1], context)
        if shared is not old[2]:
            if shared != old[2]:
                return False
            self._adopt_shared(old[1], context, old[2])
        if old[7] is not None and not self._same_data(old[7], context):
            return False
        prints = self.prints
        for name, print_ in old[3]:
            value = localcontext.get(name, _MISSING)
            if type(print_) is Shape:  # (a listing's page or paginator, by what the page shows of it)
                if own_print(prints, value, False) != print_:
                    return False
                continue
            new = prints.of(value)
            if new is not print_:
                if new != print_:
                    return False
                prints.adopt(value, print_)
        return True

    # A fingerprint found equal to the last run's is replaced by the last run's object, so the next
    # page that shows the same value compares it by identity. Listings are why: the 500 pages of the
    # home page's list at 5,000 articles each hold the list of every article (through the
    # paginator), which was compared element by element on each page (0.9 s of each run).

    def _adopt_shared(self, names: tuple, context, print_: tuple) -> None:
        values = self._values(names, context)
        self.shared_prints[(names, tuple(map(id, values)))] = (values, print_)
        for value, value_print in zip(values, print_):
            self.prints.adopt(value, value_print)

    def now_of(self, names: set, context) -> dict:
        """The fingerprints of the context's values of `names` (those an update changed)."""
        self.same_as_now = {}  # (name, id of a recorded print) → (that print, equal to now's)
        return {name: self.prints.of(context.get(name, _MISSING)) for name in names}

    def shows_other(self, record: tuple, now: dict) -> bool:
        """The file of `record` read a context name of `now` whose value is another now. (Only those
        names: a write may be given a copy of the context with names of its own, the period
        archives' `period`, which the context itself has not.)"""
        names = record[1]
        key = (names, tuple(now))
        places = _PLACES.get(key)
        if places is None:  # (a few sets of names, one per template and generator)
            if len(_PLACES) > 4096:
                _PLACES.clear()
            places = _PLACES[key] = tuple((n, name) for n, name in enumerate(names) if name in now)
        shown, same = record[2], self.same_as_now
        for n, name in places:
            print_ = shown[n]
            found = same.get((name, id(print_)))
            if found is None:  # (pages share their prints: compared once for each)
                found = same[(name, id(print_))] = (print_, now[name] == print_)
            if not found[1]:
                return True
        return False

    def made_from(self, path: str, inputs: tuple) -> bool:
        """cchc.updates.unchanged: True when the last run made `path` (a file a plugin writes itself)
        from the same inputs, and it is still there."""
        key = os.path.normpath(path)
        print_ = self.prints.of(inputs)
        old = self.files.get(key)
        self.files[key] = (print_, frozenset(_entities(print_)))
        return (self.reusing and old is not None and old[0] == print_ and old[1] <= self.known
                and self.changed.isdisjoint(old[1]) and os.path.exists(key))

    def _data(self, context):
        """The data files' fingerprint (for the pages that read more than their entries), once per run."""
        if self.data_print is None:
            self.data_print = self.prints.of(state.of(context).site)
        return self.data_print

    def _read_of_data(self, rec, context):
        """What a render read of the data files, as `records` keeps it."""
        if rec.data:
            return ("all", self._data(context))
        if rec.entries:
            return ("entries", tuple(sorted((key, self.prints.of(entry)) for key, entry in rec.entries.items())))
        return None

    def _same_data(self, read: tuple, context) -> bool:
        if read[0] == "all":
            return read[1] == self._data(context)
        if self.data_entries is None:  # this run's entries by key, once per run
            self.data_entries = {entry._cchc_key(): entry for entry in state.of(context).site.entries()}
        now, of = self.data_entries, self.prints.of
        return all(key in now and of(now[key]) == print_ for key, print_ in read[1])

    # An item a page read only by attribute (a listing's or a neighbour's title, address, date…)
    # changes that page only when one of those attributes' values changed: a tag or a cơ quan of an
    # article does not render again every page that links to it. An attribute's value is worked out
    # (properties such as the address or the summary included) once per run and item.

    def _attribute(self, item, name: str):
        key = (id(item), name)
        found = self.attribute_prints.get(key)
        if found is None:
            found = self.attribute_prints[key] = (item, self._attribute_now(item, name, self.prints))
        return found[1]

    def _attribute_now(self, item, name: str, prints):
        # (a body this reads is no page's: the Tracker would count it as read outside any write,
        # and every later edit of that body would be a run of the build)
        phase, self.tracker.output_phase = self.tracker.output_phase, False
        try:
            value = getattr(item, name)
        except Exception:  # noqa: BLE001 — Jinja shows such an attribute as undefined
            value = _MISSING
        finally:
            self.tracker.output_phase = phase
        # A method (article.get_url_setting…) is new each time: the page read the item as a whole.
        return _METHOD if callable(value) else prints.of(value)

    def _same_attributes(self, whole: frozenset, read: dict) -> bool:
        """Of the items that changed since the last run, the page read none as a whole and the
        attributes it read of the others have the values they had."""
        changed = self.changed
        if not changed.isdisjoint(whole):
            return False
        items = changed.states
        for key, attributes in read.items():
            if key in changed:
                if key not in items:
                    return False
                item = items[key][0]
                for name, print_ in attributes:
                    if self._attribute(item, name) != print_:
                        return False
        return True

    def note(self, path: str, template: str, rec, context, localcontext, own_names, key) -> None:
        self.keys[path] = key
        of = self.prints.of
        shared = tuple(sorted(name for name in rec.names if name not in own_names))
        own_read = [name for name in rec.names if name in own_names]
        whole_listing = listing_read(rec, [localcontext.get(name) for name in own_read])
        own = tuple(sorted((name, own_print(self.prints, localcontext.get(name, _MISSING), whole_listing))
                           for name in own_read))
        whole, read = set(rec.touched), {}
        for item_id, (item, names) in rec.read.items():
            if item_id not in whole:
                prints = tuple(sorted((name, self._attribute(item, name)) for name in names))
                if any(print_ is _METHOD for _name, print_ in prints):
                    whole.add(item_id)
                else:
                    read[item_id] = prints
        shared_print = self._shared(shared, context)
        of_data = self._read_of_data(rec, context)
        declared = self._declared(shared_print).union(self._declared(own), *map(self._declared, read.values()),
                                                      self._declared_of_data(of_data))
        fields = {key: (None if names is None else frozenset(names)) for key, names in rec.fields.items()} \
            if rec.fields else _NO_FIELDS
        self.records[path] = (template, shared, shared_print, own, frozenset(whole) | read.keys(), frozenset(whole),
                              read, of_data, declared, fields)
        self.rendered.append(path)

    def _declared(self, print_, shared: bool = False) -> frozenset:
        """The Declared fingerprints (cchc.dependencies) in a fingerprint, at any depth. The large
        ones (a listing's, the procedures') are shared by many records: each is walked once a run,
        as is one the caller says is `shared` (all the data)."""
        big = shared or len(print_) > 4
        if big:
            found = self.declared_memo.get(id(print_))
            if found is not None and found[0] is print_:
                return found[1]
        found = set()  # (one set filled in place: a union per part copied the whole of it each time)
        for part in print_:
            # (an article or a page, ("entity", id), the most common part, holds nothing)
            if isinstance(part, tuple) and not (len(part) == 2 and part[0] == "entity"):
                inner = self._declared(part)
                if inner:
                    found |= inner
        if type(print_) is Declared:
            found.add(print_)
        found = frozenset(found) if found else _NOTHING
        if big:
            self.declared_memo[id(print_)] = (print_, found)
        return found

    def _declared_of_data(self, read) -> frozenset:
        """The data files' entries (Declared: cchc.data.Entry) a render read (`_read_of_data`)."""
        if read is None:
            return _NOTHING
        if read[0] == "entries":
            return frozenset(print_ for _key, print_ in read[1] if type(print_) is Declared)
        return self._declared(read[1], shared=True)

    def finish(self) -> list[str]:
        """The files written by the last run but not by this one (removed by the caller)."""
        gone = [path for path in self.records if path not in self.produced]
        for path in gone:
            del self.records[path]
            self.keys.pop(path, None)
            self.owners.pop(path, None)
        self.declared_memo = {}
        return gone

    def reading(self, markers: set) -> tuple[list[str], bool]:
        """The files whose recorded inputs hold one of the Declared fingerprints `markers`
        (cchc.dependencies), and whether a file a plugin wrote itself (`files`) holds one."""
        if not markers:
            return [], False
        paths = [path for path, record in self.records.items() if record[8] and not record[8].isdisjoint(markers)]
        return paths, any(not self._declared(print_).isdisjoint(markers) for print_, _ids in self.files.values()
                          if isinstance(print_, tuple))

    def reading_fields(self, fields: dict) -> list[str]:
        """The files whose templates read one of `fields` (a data file entry's key → the names of
        its fields that changed) or used that entry whole, however they reached it
        (cchc.dependencies, Recording.fields): a page that shows a hình thức's name is not made
        again for its description."""
        found = []
        for path, record in self.records.items():
            read = record[9]
            if read:
                for key, changed in fields.items():
                    names = read.get(key, _NOTHING)
                    if names is None or not names.isdisjoint(changed):
                        found.append(path)
                        break
        return found

    def showing(self, item) -> set[tuple]:
        """The Tracker keys of the writes whose files read `item` as a whole, or an attribute of it
        whose value (the item has taken its new values) is not the one they read: a page's title is
        not made again in the footer of every page, which shows its short name (`menu`)."""
        from .dependencies import Fingerprints

        prints, now = Fingerprints(), {}

        def differs(name, print_):
            if name not in now:
                now[name] = self._attribute_now(item, name, prints)
            return now[name] != print_

        key = id(item)
        return {self.keys[path] for path, record in self.records.items() if key in record[4] and (
            key in record[5] or any(differs(name, print_) for name, print_ in record[6][key]))}


_MISSING = ("missing",)  # a name the render looked up that is not in the context
_PLACES: dict = {}      # (Outputs.shows_other) (names, changed names) → where those are among the names
_NOTHING = frozenset()
_NO_FIELDS: dict = {}   # (Outputs.note) a render that read no data file entry's field
_METHOD = object()      # (Outputs._attribute) an attribute that is a method


def _entities(print_):
    """The ids of the articles and pages in a fingerprint (cchc.dependencies: ("entity", id))."""
    found, todo = [], [print_]
    while todo:
        value = todo.pop()
        if isinstance(value, tuple):  # (Declared fingerprints too)
            if len(value) == 2 and value[0] == "entity":
                found.append(value[1])
            else:
                todo.extend(value)
    return found


def install(tracker: Tracker, outputs: Outputs | None = None) -> None:
    """Wraps Pelican's rendering entry points in this process (the preview's worker only)."""
    from pelican import signals
    from pelican.contents import Content
    from pelican.generators import ArticlesGenerator
    from pelican.utils import memoized, path_to_url, get_relative_path, sanitised_join
    from pelican.writers import Writer

    from . import dependencies

    if _INSTALLED:
        raise RuntimeError("cchc.incremental: one session per process")
    _INSTALLED.append(tracker)
    outputs = outputs if outputs is not None else Outputs(tracker)
    dependencies.install()
    global _COMPILED
    _COMPILED = _compiled_templates()
    signals.generator_init.connect(_prepare_environment, weak=False)

    class TrackedMemoized(memoized):
        def __call__(self, *args):
            tracker.read(args[0])
            return super().__call__(*args)

    Content.get_content = TrackedMemoized(Content.__dict__["get_content"].func)

    write_feed = Writer.write_feed

    def skipped(writer, template, context, localcontext, own, name, override) -> bool:
        """A file whose inputs are those of the last run: not rendered, told as written."""
        path = sanitised_join(writer.output_path, name)
        key = os.path.normpath(path)
        if path in writer._written_files or not outputs.unchanged(key, template.name, context, localcontext, own):
            return False  # (written already in this run: Pelican's rules for a second write apply)
        tracker.refresh(("file", name), _replay(template, context, localcontext, own, name, override))
        outputs.produce(key)
        writer._written_files.add(path)
        if override:  # as Writer._open_w records it: a later write of the same file is skipped
            writer._overridden_files.add(path)
        signals.content_written.send(path, context=localcontext)
        return True

    def _replay(template, context, localcontext, own, name, override):
        """The write made again later: with the shared context as it is then, and the write's own
        values (a copy of the context holds no others: see tracked_write_file)."""
        copied = tracker.shared is not None and context is not tracker.shared

        def replay(writer):
            now = tracker.shared if copied else context
            emit(writer, template, now, _current(localcontext, now, own), own, name, override)
        return replay

    def emit(writer, template, context, localcontext, own, name, override):
        # Pelican 4.12's Writer.write_file._write_file, noting what the render read.
        path = sanitised_join(writer.output_path, name)
        if localcontext["localsiteurl"]:
            context["localsiteurl"] = localcontext["localsiteurl"]
        with dependencies.recorded() as rec:
            output = template.render(localcontext)
        key = os.path.normpath(path)
        outputs.note(key, template.name, rec, context, localcontext, own, tracker.current)
        outputs.produce(key)
        outputs.back_up(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with writer._open_w(path, "utf-8", override=override) as handle:
            handle.write(output)
        signals.content_written.send(path, context=localcontext)

    def tracked_write_file(self, name, template, context, relative_urls=False, paginated=None,
                           template_name=None, override_output=False, url=None, **kwargs):
        # Pelican 4.12's Writer.write_file, with each file going through emit() above.
        if not name:
            return

        def local(name, kwargs):
            localcontext = context.copy()
            localcontext["localsiteurl"] = localcontext.get("localsiteurl", None)
            if relative_urls:
                relative_url = path_to_url(get_relative_path(name))
                localcontext["SITEURL"] = relative_url
                localcontext["localsiteurl"] = relative_url
            localcontext["output_file"] = name
            localcontext.update(kwargs)
            return localcontext

        def write(name, localcontext, own):
            if skipped(self, template, context, localcontext, own, name, override_output):
                return
            with tracker.scope(("file", name), _replay(template, context, localcontext, own, name, override_output)):
                emit(self, template, context, localcontext, own, name, override_output)

        own = {"output_file", "localsiteurl", *kwargs, *(("SITEURL",) if relative_urls else ())}
        base = tracker.shared
        if base is not None and context is not base:
            # A copy of the shared context with values of its own (Pelican's period archives: the
            # period): those are the write's, and a replay takes the others as they are then
            # (a generator's context made again since, Session._regenerate), not as copied.
            own |= {key for key, value in context.items() if base.get(key, _MISSING) is not value}

        if paginated is None:
            paginated = {key: val for key, val in kwargs.items() if key in {"articles", "dates"}}
        if paginated and template_name in self.settings["PAGINATED_TEMPLATES"]:
            paginators = {key: _paginator(self.settings, name, url, val, template_name) for key, val in paginated.items()}
            for page_num in range(next(iter(paginators.values())).num_pages):
                paginated_kwargs = kwargs.copy()
                for key, paginator in paginators.items():
                    previous_page = paginator.page(page_num) if page_num > 0 else None
                    page = paginator.page(page_num + 1)
                    next_page = paginator.page(page_num + 2) if page_num + 1 < paginator.num_pages else None
                    paginated_kwargs.update({f"{key}_paginator": paginator, f"{key}_page": page,
                                             f"{key}_previous_page": previous_page, f"{key}_next_page": next_page})
                write(page.save_as, local(page.save_as, paginated_kwargs), own | set(paginated_kwargs))
        else:
            write(name, local(name, kwargs), own)

    def tracked_write_feed(self, elements, context, path=None, url=None, feed_type="atom", override_output=False,
                           feed_title=None):
        shown = list(elements[: self.settings["FEED_MAX_ITEMS"]])
        key = os.path.normpath(sanitised_join(self.output_path, path)) if path else None
        inputs = {"elements": shown, "path": path, "url": url, "type": feed_type, "title": feed_title}

        def replay(writer):
            return write_feed(writer, elements, context, path, url, feed_type, override_output, feed_title)

        if key and not override_output and outputs.unchanged(key, "feed", {}, inputs, inputs.keys()):
            tracker.refresh(("feed", path), replay)
            outputs.produce(key)
            return None
        if key:
            outputs.back_up(key)
        with tracker.scope(("feed", path), replay):
            owner = tracker.current  # the feed's, or the signal's that wrote it (the podcast)
            feed = write_feed(self, elements, context, path, url, feed_type, override_output, feed_title)
        if key:
            rec = dependencies.Recording()
            rec.names.update(inputs)
            for item in shown:
                if isinstance(item, Content):
                    rec.touched[id(item)] = item
            outputs.note(key, "feed", rec, {}, inputs, inputs.keys(), owner)
            outputs.produce(key)
        return feed

    def generate_output(self, writer):
        # ArticlesGenerator.generate_output of Pelican 4.12, with the signal made repeatable.
        self.generate_feeds(writer)
        self.generate_pages(writer)
        send = signals.article_writer_finalized.send
        with tracker.scope(("signal", "article_writer_finalized"), lambda w: send(self, writer=w)):
            send(self, writer=writer)

    Writer.write_file, Writer.write_feed = tracked_write_file, tracked_write_feed
    ArticlesGenerator.generate_output = generate_output


def _current(localcontext: dict, context: dict, own) -> dict:
    """A write's context made again later (a replay): the context's values as they are now (a
    generator's context made again, Session._regenerate), with the write's own."""
    return {**localcontext, **{key: value for key, value in context.items() if key not in own}}


def _owned(outputs, generator, generate_output, writer):
    outputs.owner = type(generator).__name__
    try:
        generate_output(writer)
    finally:
        outputs.owner = ""


def _prepare_environment(generator) -> None:
    from .dependencies import trace_filters

    trace_filters(generator.env)
    # Each run makes new generators, each with a new Jinja environment that compiled every template
    # from its source again (0.4 s of each run): the compiled code is kept for the session. Jinja
    # checks each template's source against the code's checksum.
    generator.env.bytecode_cache = _COMPILED


def _compiled_templates():
    """A jinja2.BytecodeCache in memory (Jinja has one for files and one for memcached)."""
    import jinja2

    class CompiledTemplates(jinja2.BytecodeCache):
        def __init__(self):
            self.code: dict[str, bytes] = {}

        def load_bytecode(self, bucket) -> None:
            if bucket.key in self.code:
                bucket.bytecode_from_string(self.code[bucket.key])

        def dump_bytecode(self, bucket) -> None:
            self.code[bucket.key] = bucket.bytecode_to_string()

    return CompiledTemplates()


_COMPILED = None


def forget_rendering(item) -> None:
    """Drops Pelican's memoised renderings of one item (kept for every (item, siteurl) forever)."""
    from pelican.contents import Content

    for name in ("get_content", "get_summary"):
        cache = Content.__dict__[name].cache
        for key in [key for key in cache if key[0] is item]:
            del cache[key]


def _copy_state(attributes: dict) -> dict:
    """The attributes, with their lists, dicts and sets copied (handlers change those in place)."""
    return {key: (value.copy() if isinstance(value, (list, dict, set)) else value) for key, value in attributes.items()}


def _take(target: dict, source: dict, keys) -> None:
    """`target` gets the values of `keys` in `source`, and loses the keys `source` has not."""
    for key in keys:
        if key in source:
            target[key] = source[key]
        else:
            target.pop(key, None)


def _restore_state(item, kept: dict) -> None:
    item.__dict__.clear()
    item.__dict__.update(_copy_state(kept))


def _items(generators):
    for generator in generators:
        for attr in ("articles", "drafts", "hidden_articles", "pages", "hidden_pages", "draft_pages",
                     "translations", "drafts_translations", "hidden_translations"):
            yield from getattr(generator, attr, [])


def _state(item, prints, context) -> tuple:
    """What a later run compares an item with (_Pending): (item, its state, its snapshot)."""
    from .dependencies import snapshot, state_of

    return item, state_of(item, prints, context), snapshot(item)


class _Pending(set):
    """The ids of the items that changed since the last run, worked out on first use (after
    every generator and handler of the new run finished, before the first page is written)."""

    def __init__(self, session, before: dict, maybe: set[int] | None = None):
        super().__init__()
        self.session, self.before, self.ready = session, before, False
        self.maybe = maybe  # (an update in place) the ids of the only items that may have changed
        self.states = None  # id → (item, state, snapshot) of every item of the new run, kept for the next one

    def _work_out(self):
        from .dependencies import Fingerprints, links_of, same_objects

        self.ready = True
        generators = self.session.generators
        context = generators[0].context
        prints = Fingerprints()
        self.states = states = {}
        before, maybe = self.before, self.maybe
        for item in _items(generators):
            key = id(item)
            old = before.get(key)
            if maybe is not None and key not in maybe and old is not None and old[0] is item:
                states[key] = old
                continue
            # An item whose attributes are the objects they were (most of them): the last state
            # stands, found without working it out (cchc.dependencies.same_objects), with the
            # addresses its {filename} links point to now.
            if old is not None and old[0] is item and same_objects(item, old[2]):
                links = links_of(item, context)
                if not links or old[1][-len(links):] == links:
                    states[key] = old
                else:
                    states[key] = (item, old[1][:-len(links)] + links, old[2])
            else:
                states[key] = _state(item, prints, context)
        for key, (_item, state, _kept) in before.items():
            if key not in states or states[key][1] != state:
                self.add(key)

    def isdisjoint(self, other):
        if not self.ready:
            self._work_out()
        return super().isdisjoint(other)


# ---- comparing two readings of one file -------------------------------------------------------------

_NOT_COMPARED = {"_content", "_context", "settings"}


def _canonical(value):
    from pelican.urlwrappers import URLWrapper

    if value is None or isinstance(value, (str, int, float, bool, dt.date, dt.datetime, dt.time)):
        return value
    if isinstance(value, URLWrapper):  # Tag/Category equality is by slug only: compare the name too
        return (type(value).__name__, value.name, value.slug)
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(k), _canonical(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return ("list", tuple(_canonical(v) for v in value))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted(repr(_canonical(v)) for v in value)))
    if dataclasses.is_dataclass(value):
        return value  # data-file entries: frozen dataclasses, equal by value
    return ("object", id(value))  # anything else is equal only to itself: a difference means FULL


def differences(old, new) -> list[str]:
    """The attributes (other than the body) in which a new reading differs from the old one."""
    return [key for key, value in new.__dict__.items() if key not in _NOT_COMPARED
            and (key not in old.__dict__ or _canonical(value) != _canonical(old.__dict__[key]))]


def shown_only(old, new, differ: list[str], settings) -> list[str] | None:
    """The headers of cchc.updates.SHOWN (title, summary) that make all of `differ`, or None when
    something else differs too (or the site orders its items by one of them)."""
    from . import updates

    headers = _headers_within(old, new, differ, updates.SHOWN, settings)
    return sorted(headers) if headers else None


def _ordering(settings) -> set[str]:
    """The attributes the site orders its articles and pages by."""
    return {settings.get(name, "").removeprefix("reversed-") for name in ("ARTICLE_ORDER_BY", "PAGE_ORDER_BY")}


def _headers_within(old, new, differ: list[str], table: dict, settings, orders: bool = False) -> set[str] | None:
    """The header lines in which a new reading differs from the old one, when they are all keys of
    `table` (header → the attributes a reading sets from it), none orders the site's items (unless
    `orders`: the caller orders them again), and the reading differs in nothing else (`differ`:
    the attributes); None otherwise."""
    headers = {key for key in set(old.metadata) | set(new.metadata)
               if _canonical(old.metadata.get(key)) != _canonical(new.metadata.get(key))}
    if not headers or not headers <= table.keys() or (headers & _ordering(settings) and not orders):
        return None
    allowed = {"metadata", *(attr for header in headers for attr in table[header])}
    return headers if set(differ) <= allowed else None


def regrouped(generator, old, new, differ: list[str], settings) -> set[str] | None:
    """The headers of cchc.updates.GROUPED in which a new reading of a published article differs
    from the old one, when they alone differ (and its body): Session._regroup can take it in place,
    ordering the articles again when one of them orders them. None otherwise."""
    from pelican.generators import ArticlesGenerator

    from .updates import GROUPED

    if not isinstance(generator, ArticlesGenerator) or old.status != "published" or new.status != "published":
        return None
    headers = _headers_within(old, new, differ, GROUPED, settings, orders=True)
    if not headers or getattr(old, "translations", None) or not any(item is old for item in generator.articles):
        return None
    return headers


def _remake_contexts(generators, changed: set, remade: list, kept: dict, first=None) -> bool:
    """The context of `first` and of each of `generators` that reads a context key in `changed`
    (cchc.updates.context_keys) made again, in order, the keys each sets joining `changed` and the
    generator `remade`. False when one of them says the result needs a run (its `regenerated`,
    given its attributes as they were in `kept`)."""
    from . import updates

    for generator in generators:
        reads, sets = updates.keys_of(generator)
        if generator is first or not reads.isdisjoint(changed):
            generator.generate_context()
            changed |= sets
            remade.append(generator)
            agrees = getattr(generator, "regenerated", None)
            if agrees is not None and not agrees(kept[id(generator)]):
                return False
    return True


def _remove_output(path: str, output: str) -> None:
    """Removes a file the build no longer writes, and the folders it leaves empty (a full build
    has none), up to the output folder."""
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)
    folder, top = os.path.dirname(os.path.abspath(path)), os.path.abspath(output)
    while folder.startswith(top + os.sep):
        try:
            os.rmdir(folder)
        except OSError:  # (not empty, or gone)
            break
        folder = os.path.dirname(folder)


def _paginator(settings, name: str, url: str, items: list, template_name: str):
    """Pelican 4.12's Writer.write_file's paginator of a listing (the template is paginated)."""
    from pelican.paginator import Paginator

    per_page = settings["PAGINATED_TEMPLATES"][template_name] or settings["DEFAULT_PAGINATION"]
    return Paginator(name, url, items, settings, per_page)


def _listing_pages(settings, name: str, url: str, items: list, template_name: str) -> list[str]:
    """The files a write of the listing `items` makes (tracked_write_file's pagination)."""
    if template_name not in settings["PAGINATED_TEMPLATES"]:
        return [name]
    paginator = _paginator(settings, name, url, items, template_name)
    return [paginator.page(number + 1).save_as for number in range(paginator.num_pages)]


# ---- the session ---------------------------------------------------------------------------------

@dataclasses.dataclass
class Outcome:
    kind: str
    reason: str = ""
    seconds: float = 0.0
    written: int = 0


# Allocations between two collections of young objects, young collections between two of the
# middle generation, and those between two full ones (Python's defaults: 700, 10, 10). The worker
# collects everything after answering each run of the build (Session.tidy).
GC_THRESHOLDS = (50_000, 20, 100)


class Session:
    """One full build kept in memory, patched on each body edit."""

    def __init__(self, content: pathlib.Path, output: pathlib.Path, siteurl: str, cache: pathlib.Path | None = None,
                 search: bool = True):
        self.content, self.output, self.siteurl = content, output, siteurl
        self.cache, self.search = cache, search
        self.tracker = Tracker()
        self.outputs = Outputs(self.tracker)
        install(self.tracker, self.outputs)
        self.pristine = {}                      # id → (item, its attributes as read, before any handler)
        self.states = {}                        # id → (item, state, snapshot) at the end of the last run (_state)
        self.stale = False                      # a run stopped half-way: the next update is a run too
        self.unread: set[str] = set()           # files saved while a broken data file stopped the runs
        self.reread_all = False                 # a data file changed: the next run reads it, and every item's entries, again
        self.generators = None
        self.pelican = None
        self.fragment_links = {}               # built page → pages it links to with #anchors
        self.realpaths = {}                     # a source's path as Pelican names it → os.path.realpath (_real)
        self.static_links = weakref.WeakKeyDictionary()  # item → (its text, its path, the files it links to) (_rerun)
        self.fragment_sources = defaultdict(set)  # built page → pages that link to its #anchors
        self._search_lock = threading.Lock()
        self._search_dirty = False
        self._search_thread = None
        self._search_process = None
        self._closing = False
        self.disabled = ""
        # The worker keeps a whole site in memory (several million objects at the reference size)
        # and each run makes as many again: with Python's default threshold (a young collection
        # every 700 allocations) the collector took a fifth of a run.
        gc.set_threshold(*GC_THRESHOLDS)
        self.ran = True                         # a build ran since the last tidy()
        self.collecting = True                  # the garbage collector was on when update() began

    # -- full build --------------------------------------------------------------------------------

    def _keep_generators(self, generators):
        self.generators = generators
        self.tracker.shared = generators[0].context if generators else None
        for generator in generators:  # which generator writes which file (Outputs.owners)
            if hasattr(generator, "generate_output"):
                generator.generate_output = functools.partial(_owned, self.outputs, generator,
                                                              generator.generate_output)

    def build(self) -> bool:
        from pelican import Pelican, signals

        from . import build, updates

        session = self

        class KeepingPelican(Pelican):
            def _get_writer(self):
                writer = super()._get_writer()
                session.pelican = self
                session.tracker.output_phase = True
                return writer

        for leftover in self.output.glob(".tim-kiem-*"):  # an index the preview was stopped in
            shutil.rmtree(leftover, ignore_errors=True)
        signals.all_generators_finalized.connect(self._keep_generators)
        self._keep_readings()
        self.outputs.begin(reusing=False)
        # The search index is made after the swap, in the background, as after an update: the
        # preview shows the new pages without waiting for Pagefind (14 s at 5,000 articles).
        # Pages are written by this process only: each write's inputs are kept here (Outputs).
        override = {"PATH": str(self.content), "CCHC_SEARCH": False, "CCHC_PARALLEL_WRITING": False,
                    **site_overrides(self.siteurl)}
        if self.cache:
            override["CACHE_PATH"] = str(self.cache)
        built_in = []
        with updates.judging(self.outputs.made_from):
            settings = build.build_and_swap(self.output, False, override, pelican_class=KeepingPelican,
                                            after_build=built_in.append)
        if settings is None:
            return False
        build.print_notices(settings)
        self._relocate(str(built_in[0]), str(self.output))
        self._index_items()
        self._index_fragment_links()
        unknown = unknown_handlers()
        if unknown:
            self.disabled = "có phần mở rộng chưa hỗ trợ dựng từng phần: " + "; ".join(unknown)
        self._schedule_search()
        print(f"Đã dựng xong trang vào {self.output}", flush=True)
        return True

    def _index_items(self) -> None:
        from .dependencies import Fingerprints

        self.context = self.generators[0].context
        self.by_source = {}
        for generator in self.generators:
            for item in _items([generator]):
                self.by_source[self._real(item.source_path)] = (generator, item)
        self.generated_key = {id(item): key for key, item in self.context["generated_content"].items()}
        # The states the run compared before writing (rendering changes no item: if it did, the
        # next run would only render more than needed).
        worked_out = getattr(self.outputs.changed, "states", None)
        if worked_out is not None:
            self.states = worked_out
        else:
            prints = Fingerprints()
            self.states = {id(item): _state(item, prints, self.context) for item in _items(self.generators)}
        self.outputs.known = set(self.states)
        alive = set(self.states)
        self.pristine = {key: value for key, value in self.pristine.items() if key in alive}

    def _real(self, path: str) -> str:
        """os.path.realpath of a source, kept between runs: each run asks it twice for every item
        (0.4 s at 5,000 articles: a system call for each folder of each path). Forgotten whenever a
        save is not an edit of a known article, page, procedure or data file (a new, deleted or moved
        file or folder, whatever links point to), in `_rerun`."""
        found = self.realpaths.get(path)
        if found is None:
            found = self.realpaths[path] = os.path.realpath(path)
        return found

    def _keep_readings(self) -> None:
        """Keeps each item's attributes as Pelican's reader left them (content_object_init handlers
        included), so a later run starts every kept item from what a full build would read."""
        from pelican.contents import Content
        from pelican.readers import Readers

        if getattr(Readers.read_file, "_cchc_keeps", False):
            return
        read_file = Readers.read_file
        session = self

        def keeping_read_file(self, *args, **kwargs):
            item = read_file(self, *args, **kwargs)
            if isinstance(item, Content):
                session.pristine[id(item)] = (item, _copy_state(item.__dict__))
            return item

        keeping_read_file._cchc_keeps = True
        Readers.read_file = keeping_read_file

    def _rerun_if_content(self, paths: list[str]) -> Outcome:
        """Articles, pages, procedure records, the data files and the files plugins read in each run
        (new, deleted, any change): a run of the build that renders only what changed. Anything
        else (photos, templates): a full build."""
        from . import updates

        settings = self.pelican.settings

        def under(path, folders):
            folders = [os.path.realpath(os.path.join(str(self.content), f)) for f in folders]
            return any(path == f or path.startswith(f + os.sep) for f in folders)

        procedures = settings.get("CCHC_PROCEDURES_DIR")
        for path in paths:
            ours = path.endswith(".md") and any(
                under(path, settings[f"{kind}_PATHS"]) and not under(path, settings[f"{kind}_EXCLUDES"])
                for kind in ("ARTICLE", "PAGE"))
            # A procedure record or its overlay: read again by cchc_procedures in the run (only the
            # files that changed, cchc.procedures.load_all), nothing else keeps what it read.
            ours = ours or bool(procedures) and path.endswith((".yaml", ".yml")) and under(path, [procedures])
            ours = ours or updates.read_in_each_run(path, settings)  # e.g. the finder's keywords
            ours = ours or self._data_file(path)
            if not ours:
                return Outcome(FULL, "tệp không phải bài, trang hay thủ tục: " + os.path.relpath(path, str(self.content)))
        return self._rerun(paths)

    def _data_file(self, path: str) -> bool:
        """One of the taxonomy and plan files (cchc.data.FILES), which every item's reading uses."""
        from . import data

        folder = os.path.realpath(self.pelican.settings["CCHC_DATA_DIR"])
        return os.path.dirname(path) == folder and os.path.basename(path) in data.FILES.values()

    def _rerun(self, paths: list[str]) -> Outcome:
        """Runs the build again in this process: every file but `paths` is taken as read last time,
        and a page is rendered only when what it showed changed (cchc.dependencies). After a data
        file's edit the data is read again; each kept item is given the new data's entries (its
        chuyên mục, cơ quan, hình thức…) by the plugins that used the data to read it
        (cchc.updates.rebinds), or is read again when one of them cannot say, keeping its identity."""
        from pelican import signals
        from pelican.contents import Content
        from pelican.readers import Readers

        from . import build, data, updates
        from .errors import ContentError

        if self.collecting:  # (Session.update)
            gc.enable()
        # (with the files saved while a broken data file stopped every run before reading them)
        paths = sorted(set(paths) | self.unread)
        gone = set(paths)
        if any(not os.path.isfile(path) or path.endswith(".md") and path not in self.by_source for path in paths):
            # An article or page came, or a file or folder went or moved (_real): the real paths are
            # worked out again. A procedure's or a data file's edit changes no other path's.
            self.realpaths.clear()
        build_state = state.of(self.pelican.settings)
        site_before = build_state.site
        # Until a run with the new data succeeds, every run reads the data again and gives every
        # item its entries (a failed run may have left items read or given entries with it).
        self.reread_all = self.reread_all or any(self._data_file(path) for path in paths)
        rebinders = []  # (those of the data files' edit, when this run reads the data again)
        if self.reread_all:
            self.stale = True
            try:
                build_state.site = data.load(self.pelican.settings["CCHC_DATA_DIR"])
                data.keep_entries(site_before, build_state.site)  # (for _data_in_place)
            except ContentError as error:
                print(str(error), file=sys.stderr, flush=True)
                self.unread = set(paths)
                return Outcome(PROBLEMS, "lỗi trong tệp dữ liệu")
            rebinders = updates.rebinders()
            if not rebinders:
                gone |= set(self.by_source)
        self.unread = set()  # (from here each file of `paths` is read, or known gone: _rerun_if_content)
        kept = {source: item for source, (_g, item) in self.by_source.items() if source not in gone}
        edited = {source: item for source, (_g, item) in self.by_source.items() if source in gone}
        session = self
        for item in kept.values():
            _restore_state(item, self.pristine[id(item)][1])
        if rebinders:
            for source, item in list(kept.items()):
                if all(rebind(item, build_state.site) for rebind in rebinders):
                    self.pristine[id(item)] = (item, _copy_state(item.__dict__))  # as read with the new data
                else:
                    edited[source] = kept.pop(source)
        previous = (self.generators, self.context, self.by_source, self.states)  # alive: ids stay unique
        for name in ("get_content", "get_summary"):
            Content.__dict__[name].cache.clear()
        read_file = Readers.read_file

        # A kept item is what it was last run when Pelican asks, right after reading, whether it is
        # valid and which files it links to (0.3 s for 5,000 items): the last answers stand.
        valid = set()
        is_valid, get_static_links = Content.is_valid, Content.get_static_links
        links = self.static_links

        def kept_is_valid(self):
            if id(self) in valid:
                valid.discard(id(self))
                return True
            return is_valid(self)

        def kept_static_links(self):
            known = links.get(self)
            if known is None or known[0] is not self._content or known[1] != self.source_path:
                known = links[self] = (self._content, self.source_path, frozenset(get_static_links(self)))
            return set(known[2])

        def reusing_read_file(self, base_path, path, content_class=None, *args, **kwargs):
            source = session._real(os.path.join(base_path, path))
            item = kept.get(source)
            if item is not None and (content_class is None or type(item) is content_class):
                valid.add(id(item))
                return item
            new = read_file(self, base_path, path, content_class, *args, **kwargs)
            old = edited.get(source)
            if old is not None and type(old) is type(new):
                # The item keeps its identity (the lists, neighbours and pages that show it refer
                # to it): what changed in it is found by comparing its state (cchc.dependencies).
                old.__dict__.clear()
                old.__dict__.update(new.__dict__)
                session.pristine[id(old)] = (old, session.pristine.pop(id(new))[1])
                return old
            return new

        settings = self.pelican.settings
        state.of(settings).new_run()
        self.stale = self.ran = True
        self.tracker.output_phase = False  # bodies read before writing (checks) are no page's: see _get_writer
        Readers.read_file = reusing_read_file
        Content.is_valid, Content.get_static_links = kept_is_valid, kept_static_links
        try:
            # Which items changed is known only after every handler ran: the outputs compare it
            # when asked (Outputs.unchanged), which first happens once all generators finished.
            self.outputs.begin(reusing=True, changed=_Pending(self, previous[3]))
            # The files this run no longer writes (a deleted article's page) go before the finalized
            # handlers, which read the output as a full build leaves it (the sitemap lists its pages).
            signals.finalized.send = functools.partial(self._remove_then_send, signals.finalized.send)
            # (parallel reading of every file when most are read again)
            with updates.rerun(everything=len(edited) > len(kept)), updates.listening(self.outputs.back_up), \
                    updates.judging(self.outputs.made_from):
                self.pelican.run()
        except ContentError as error:
            self.outputs.put_back()
            build_state.site = site_before
            print(str(error), file=sys.stderr, flush=True)
            return Outcome(PROBLEMS, "lỗi trong nội dung")
        except BaseException:
            self.outputs.put_back()
            build_state.site = site_before
            raise
        finally:
            Readers.read_file = read_file
            Content.is_valid, Content.get_static_links = is_valid, get_static_links
            signals.finalized.__dict__.pop("send", None)
        self._index_items()
        rendered = [p for p in self.outputs.rendered if p.endswith(".html")]
        written = state.of(self.context).written
        from .linkcheck import broken_links, fragment_targets

        # The pages of articles and pages, as a full build checks them (cchc.build.run_pelican):
        # listings and the home page may link to pages a site does not have yet (the menu's).
        broken = broken_links(str(self.output), self.siteurl, {p: written[p] for p in rendered if p in written})
        if not broken:
            for page, targets in fragment_targets(rendered, str(self.output), self.siteurl):
                self._set_fragment_links(page, targets)
        if broken:
            # What the last good run wrote goes back, with what it knew of each item: the next
            # run (the editor's fix) compares with that.
            self.outputs.put_back()
            build_state.site = site_before
            self.states, self.generators, self.context, self.by_source = previous[3], *previous[:3]
            self.outputs.known = set(self.states)
            print(str(ContentError(broken)), file=sys.stderr, flush=True)
            return Outcome(PROBLEMS, "liên kết hỏng")
        del previous
        self.outputs.backups = {}
        self.stale = self.reread_all = False
        self.outputs.reusing = False
        build.print_notices(settings)
        self._schedule_search()
        return Outcome(DONE, written=len(self.outputs.rendered))

    def tidy(self) -> None:
        """After a run of the build (not after the in-place updates, which leave little): frees what
        it left, cycles included, and gives it back to the system (glibc keeps freed heap otherwise).
        The worker lives as long as the preview, and a run after a data file's edit reads every item
        again. The worker does this after answering, not in the run; a full collection takes 0.5 s
        at 5,000 articles, which after every update made the next one wait."""
        if not self.ran:
            return
        self.ran = False
        gc.collect()
        try:
            import ctypes

            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass

    def _remove_then_send(self, send, *args, **kwargs):
        for path in self.outputs.finish():
            self.outputs.back_up(path)
            _remove_output(path, str(self.output))
        return send(*args, **kwargs)

    def _relocate(self, built_in: str, output: str) -> None:
        """The build wrote into a fresh folder that now has the output's name: point every path
        the generators and the link check keep at the output."""
        for generator in self.generators:
            generator.output_path = output
        self.pelican.output_path = output
        written = state.of(self.generators[0].context).written
        moved = {os.path.join(output, os.path.relpath(page, built_in)): source for page, source in written.items()}
        written.clear()
        written.update(moved)
        for records in (self.outputs.records, self.outputs.keys, self.outputs.files, self.outputs.owners):
            moved_records = {os.path.join(output, os.path.relpath(page, built_in)): value for page, value in records.items()}
            records.clear()
            records.update(moved_records)
        self.generators[0].context["OUTPUT_PATH"] = self.pelican.settings["OUTPUT_PATH"] = output

    def _index_fragment_links(self) -> None:
        from .linkcheck import fragment_targets

        pages = [page for page in state.of(self.context).written if page.endswith(".html")]
        for page, targets in fragment_targets(pages, str(self.output), self.siteurl):
            self._set_fragment_links(page, targets)

    def _set_fragment_links(self, page: str, targets: set[str]) -> None:
        for target in self.fragment_links.get(page, ()):
            self.fragment_sources[target].discard(page)
        self.fragment_links[page] = targets
        for target in targets:
            self.fragment_sources[target].add(page)

    # -- one saved file ------------------------------------------------------------------------------

    def update(self, paths: list[str], answer=None) -> Outcome:
        """answer: called with the outcome as soon as it is known (the worker sends it), before the
        garbage collector's young collections that the update left for later."""
        start = time.perf_counter()
        # An update in place leaves the collector's young collections (40–60 ms each at the reference
        # size) until it has answered. A run of the build collects as it goes (_rerun): it
        # allocates far more.
        self.collecting = gc.isenabled()  # (as the caller had it)
        gc.disable()
        try:
            try:
                outcome = self._update([os.path.realpath(p) for p in paths])
            except Exception as error:  # noqa: BLE001 — the full build reports whatever this is
                outcome = Outcome(FULL, f"{type(error).__name__}: {error}")
            outcome.seconds = round(time.perf_counter() - start, 4)
            if answer is not None:
                answer(outcome)
        finally:
            if self.collecting:
                gc.enable()
        return outcome

    def _update(self, paths: list[str]) -> Outcome:
        from pelican import signals
        from pelican.contents import Page
        from pelican.readers import SkipStub

        from .errors import ContentError

        if self.disabled:
            return Outcome(FULL, self.disabled)
        if self.stale or len(paths) != 1:
            return self._rerun_if_content(paths)
        path = paths[0]
        if path not in self.by_source or not os.path.isfile(path):
            return (os.path.isfile(path) and self._edit_in_place(path)) or self._rerun_if_content(paths)
        generator, old = self.by_source[path]
        if old.source_path in self.tracker.unscoped:
            return self._rerun_if_content(paths)
        context = self.context
        problems, notices = state.of(context).problems, state.of(context).notices
        problems.clear()
        notices.clear()
        page = isinstance(old, Page)
        new = generator.readers.read_file(
            base_path=generator.path, path=os.path.relpath(old.source_path, generator.path), content_class=type(old),
            context=context,
            preread_signal=signals.page_generator_preread if page else signals.article_generator_preread,
            preread_sender=generator,
            context_signal=signals.page_generator_context if page else signals.article_generator_context,
            context_sender=generator)
        if isinstance(new, SkipStub) or not new.is_valid():
            return self._rerun_if_content(paths)
        new.refresh_metadata_intersite_links()
        # A draft is shown on its own page only (ban-nhap/…: no listing, feed, neighbour, related
        # list, task count or search index has it), so while it stays a draft at the same address
        # its header may change too: the kept object takes all of the new reading.
        draft = old.status == new.status == "draft" and old.save_as == new.save_as and old.url == new.url
        # (and what the last reading had that this one has not: a Summary line taken out)
        changed = [] if draft else differences(old, new) + [
            key for key in self.pristine[id(old)][1] if key not in new.__dict__ and key not in _NOT_COMPARED]
        # A title or a summary (cchc.updates.SHOWN): the files that showed the item are made again.
        shown = shown_only(old, new, changed, self.pelican.settings) if changed else []
        # An article's tags or chuyên mục (those lines alone): its generator's lists are grouped
        # again in place (_regroup).
        regroup = regrouped(generator, old, new, changed, self.pelican.settings) if shown is None else None
        if shown is None and not regroup:
            return self._rerun_if_content(paths)
        linked = new.get_static_links() - context["static_links"] - set(context["static_content"])
        if linked:
            return self._rerun_if_content(paths)

        # The declared steps of all_generators_finalized (cchc/updates.py), in PLUGINS order, on this
        # item and on the items whose {filename} links point into it (its #anchors may have changed).
        from . import updates

        generated = context["generated_content"]
        key = self.generated_key[id(old)]
        name = os.path.basename(old.source_path)
        linking = [item for _g, item in self.by_source.values()
                   if item is not old and name in (item._content or "") and "{filename}" in item._content]
        generated[key] = new
        try:
            for step in updates.steps():
                step(new, linking, self.generators)
        finally:
            generated[key] = old
        if problems:
            print(str(ContentError(problems)), file=sys.stderr, flush=True)
            return Outcome(PROBLEMS, "lỗi trong nội dung")

        if regroup:
            return self._regroup(generator, old, new, changed, regroup, linking) or self._rerun_if_content(paths)
        kept = dict(old.__dict__)
        if draft:
            old.__dict__.clear()
            old.__dict__.update(new.__dict__)
        else:
            old._content = new._content
            _take(old.__dict__, new.__dict__, changed)
        keys = set(self.tracker.readers.get(old.source_path, ()))
        if shown:
            forget_rendering(old)  # (its summary, as the files that read it will show it)
            keys |= self.outputs.showing(old)
        keys = sorted(keys, key=repr)
        rewrites = [rewrite for header in shown for rewrite in updates.rewrites(header)]
        self.outputs.begin(reusing=False)
        written = self._replay(old, keys, rewrites)
        broken = self._check_built_links(old, keys if shown else ())
        if broken:
            old.__dict__.clear()
            old.__dict__.update(kept)
            self._replay(old, keys, rewrites)
            print(str(ContentError(broken)), file=sys.stderr, flush=True)
            return Outcome(PROBLEMS, "liên kết hỏng")
        # What a later run compares: this item as read now, and as its pages show it now.
        from .dependencies import Fingerprints

        self._keep_reading(old, new, changed, draft)
        self.states[id(old)] = _state(old, Fingerprints(), context)
        if notices:
            from . import build

            build.print_notices(self.pelican.settings)
        self._schedule_search()
        return Outcome(DONE, written=written)

    def _edit_in_place(self, path: str) -> Outcome | None:
        """A file a plugin reads itself whose edit changes only objects the plugin made from it, in
        place (cchc.updates.edits_in_place), or a data file's edit of fields only templates show
        (_data_in_place): the files whose recorded inputs hold one of them are rendered again,
        without a run of the build. None when the edit cannot be taken so."""
        from . import updates
        from .dependencies import Fingerprints
        from .errors import ContentError

        if self._data_file(path):
            found = self._data_in_place(path)
        else:
            taken = (edit(path, self.generators) for edit in updates.in_place_edits())
            found = next((edit for edit in taken if edit is not None), None)
        if found is None:
            return None
        if isinstance(found, updates.Regenerate):
            return self._regenerate(found.generator)
        if found.problems:
            print(str(ContentError(found.problems)), file=sys.stderr, flush=True)
            return Outcome(PROBLEMS, "lỗi trong nội dung")
        prints = Fingerprints()
        markers = {prints.of(value) for value in found.changed}
        if not all(type(marker) is Declared for marker in markers):  # (no record would be found holding it)
            return None
        paths, in_own_files = self.outputs.reading(markers)
        if in_own_files and not found.shown_only:  # a file a plugin writes itself, which only a run makes again
            return None
        if found.fields is not None:  # (not the files that hold an entry but read none of the fields that changed)
            paths = self.outputs.reading_fields(found.fields)
        keys = sorted({self.outputs.keys[p] for p in paths}, key=repr)
        if found.regenerate is not None and any(
                found.regenerate in (updates.keys_of(g) or ((),))[0] for g in self.generators):
            # (names the generators' code reads: their context made again, with these files)
            found.apply()
            outcome = self._regenerate(None, reading=found.regenerate, also=keys)
            if outcome is None or outcome.kind != DONE:
                found.undo()
            return outcome
        if found.changed:
            found.apply()
        self.outputs.begin(reusing=False)
        written = self._replay_keys(keys)
        made = self._pages_of(keys)
        # (the pages of articles and pages, the only ones a build checks: cchc.build.run_pelican)
        broken = self._check_built_pages(made, sorted(made & state.of(self.context).written.keys()))
        if broken:
            found.undo()
            self._replay_keys(keys)
            print(str(ContentError(broken)), file=sys.stderr, flush=True)
            return Outcome(PROBLEMS, "liên kết hỏng")
        self._schedule_search()
        return Outcome(DONE, written=written)

    def _regenerate(self, generator_class, reading: str | None = None, also=()) -> Outcome | None:
        """cchc.updates.Regenerate: the context of the generator of `generator_class` is made again,
        then that of every later generator that reads a key one of these sets (cchc.updates.
        context_keys); these generators write their files (those whose inputs are the same are left
        as they are, as in a run), the other files that read a changed key are rendered again, the
        files these generators no longer write are removed, and the `finalized` handlers run again.
        None when it cannot be so (a generator that did not say what it reads, or one that says
        the edit needs a run): a run of the build, which also reports any mistake. With `reading`
        (cchc.updates.DATA_NAMES), the generators that read it come first instead; the writes
        `also` are made again too."""
        from pelican import signals

        from . import updates
        from .errors import ContentError

        generators, context = self.generators, self.context
        if any(updates.keys_of(generator) is None for generator in generators):
            return None
        if reading is None:
            first = next((g for g in generators if type(g) is generator_class), None)
        else:
            first = next((g for g in generators if reading in updates.keys_of(g)[0]), None)
        if first is None:
            return None
        generated = context["generated_content"]
        kept_context, kept_generated = dict(context), dict(generated)
        kept = {id(generator): dict(generator.__dict__) for generator in generators}
        build_state = state.of(context)
        build_state.problems.clear()
        build_state.notices.clear()

        def undo():
            for generator in generators:
                generator.__dict__.clear()
                generator.__dict__.update(kept[id(generator)])
            context.clear()
            context.update(kept_context)
            generated.clear()
            generated.update(kept_generated)

        changed, remade = ({reading} if reading is not None else set()), []
        self.tracker.output_phase = False  # (bodies read before writing are no page's)
        try:
            if not _remake_contexts(generators[generators.index(first):], changed, remade, kept, first):
                undo()
                return None
            if build_state.problems:
                undo()
                return None
        except BaseException:
            undo()
            raise
        finally:
            self.tracker.output_phase = True

        outputs = self.outputs
        names = {type(generator).__name__ for generator in remade}
        owned = {path for path, owner in outputs.owners.items() if owner in names}
        outputs.begin(reusing=True)
        try:
            writer = self.pelican._get_writer()
            with updates.listening(outputs.back_up), updates.judging(outputs.made_from):
                for generator in remade:
                    generator.generate_output(writer)
                made = set(outputs.produced)
                now = outputs.now_of(changed, context)
                keys = {outputs.keys[path] for path, record in outputs.records.items()
                        if path not in made and outputs.shows_other(record, now)}
                if also:
                    remade_keys = {outputs.keys.get(path) for path in made}
                    keys |= {key for key in also if key not in remade_keys}
                keys = sorted(keys, key=repr)
                self._replay_keys(keys)
                for path in sorted(owned - made):  # (a group no procedure is in now)
                    self._remove_unwritten(path)
                signals.finalized.send(self.pelican)
            pages = self._pages_of(keys)
            broken = self._check_built_pages(pages, sorted(pages & build_state.written.keys()))
        except BaseException:
            self._put_back(undo)
            raise
        if broken:
            self._put_back(undo)
            print(str(ContentError(broken)), file=sys.stderr, flush=True)
            return Outcome(PROBLEMS, "liên kết hỏng")
        outputs.backups = {}
        outputs.reusing = False
        if build_state.notices:
            from . import build

            build.print_notices(self.pelican.settings)
        self._schedule_search()
        return Outcome(DONE, written=len(outputs.rendered))

    def _keep_reading(self, old, new, changed: list[str], draft: bool = False) -> None:
        """After an update in place: the edited item as read now is what a later run starts from
        (its whole new reading for a draft, else its last reading with `changed` and the body taken
        from the new one)."""
        read = self.pristine.pop(id(new), None)
        if read is not None:
            kept_reading = {**self.pristine[id(old)][1], "_content": new._content}
            _take(kept_reading, read[1], changed)
            self.pristine[id(old)] = (old, read[1] if draft else kept_reading)

    def _remove_unwritten(self, path: str) -> None:
        """A file an update in place no longer writes: removed (kept to put back), and forgotten."""
        outputs = self.outputs
        outputs.back_up(path)
        _remove_output(path, str(self.output))
        for kept_by in (outputs.records, outputs.keys, outputs.owners, state.of(self.context).written):
            kept_by.pop(path, None)
        if path in self.fragment_links:  # (an article's page that moved with its date)
            self._set_fragment_links(path, set())
            del self.fragment_links[path]

    def _put_back(self, undo) -> None:
        """An update in place that failed: the output and its records as they were, then the objects
        (`undo`). The writes' replays may hold what was undone: the next update is a run."""
        self.outputs.put_back()
        undo()
        self.stale = True

    def _regroup(self, generator, old, new, differ: list[str], headers: set[str], linking=()) -> Outcome | None:
        """An article whose tags, chuyên mục or date (`headers`, of cchc.updates.GROUPED) alone
        changed, its body maybe too: the article takes its new values and the generator's tags and
        chuyên mục are grouped again from its articles, as Pelican's generate_context groups them;
        its article_generator_finalized handlers run again (their work depends on headers only,
        cchc.updates.HEADERS: the lists' order and spellings, the related lists, the neighbours).
        After a chuyên mục or a date changed, the articles' list is a new one and the later
        generators that read it make their context again (cchc.updates.context_keys: the plan
        counts articles by chuyên mục and period). The pages and feeds of the tags and chuyên mục
        the article left or joined are written, and the files of the generators made again (those
        whose inputs are the same are left as they are, as in a run), the other files that read
        what changed are rendered again, the files of a group no article has now are removed, and
        the `finalized` handlers run again (the sitemap).
        After a date (a header the articles are ordered by), the articles are first ordered again
        as Pelican orders them, the archives by period made again, and the all_generators_finalized
        handlers that work from headers run again (the addresses: the article's page may move to
        its new month's); the generator then writes all its files as in a run, and the files it no
        longer writes (the page at the old address) are removed.
        None when it cannot be so (a generator that did not say what it reads, or one that says
        the edit needs a run, a tag's spelling that clashes with another's, a new address that is
        another item's or that `linking` items link to): a run of the build, which reports any
        mistake."""
        from pelican import signals
        from pelican.utils import order_content, sanitised_join

        from . import updates
        from .errors import ContentError

        context, settings = self.context, self.pelican.settings
        build_state = state.of(context)
        generators = self.generators
        later = generators[generators.index(generator) + 1:]
        if any(updates.keys_of(g) is None for g in generators if g is not generator):
            return None
        ordered = "date" in headers or bool(headers & _ordering(settings))
        if ordered and (new.url, new.save_as) != (old.url, old.save_as) and (linking or any(
                item is not old and item.save_as == new.save_as for item in _items(generators))):
            return None  # (the run makes their links again, or reports the clash)

        def spelled(group):
            return {(member.slug, member.name) for member in group or ()}

        def category(item):
            return [item.category] if getattr(item, "category", None) else []

        moved = {
            "tags": {slug for slug, _name in spelled(getattr(old, "tags", ())) ^ spelled(getattr(new, "tags", ()))},
            "category": {slug for slug, _name in spelled(category(old)) ^ spelled(category(new))}}
        tags_before, categories_before = dict(generator.tags), list(generator.categories)
        kept_items = {id(item): (item, dict(item.__dict__)) for item in _items(generators)}
        kept_generators = {id(g): dict(g.__dict__) for g in generators}
        kept_context = dict(context)
        body = old._content != new._content

        def undo():
            for item, attributes in kept_items.values():
                item.__dict__.clear()
                item.__dict__.update(attributes)
            for g in generators:
                g.__dict__.clear()
                g.__dict__.update(kept_generators[id(g)])
            context.clear()
            context.update(kept_context)
            forget_rendering(old)

        old._content = new._content
        _take(old.__dict__, new.__dict__, differ)
        if ordered:  # (as a run gives it to the handlers: what they set from its old date goes, its address too)
            read = self.pristine[id(old)][1]
            for key in [key for key in old.__dict__ if key not in read and key not in new.__dict__]:
                del old.__dict__[key]
        remade = []
        self.tracker.output_phase = False  # (bodies read before writing are no page's)
        try:
            # Pelican 4.12's ArticlesGenerator.generate_context, from its read articles.
            names = []
            if ordered:
                generator.articles = order_content(list(generator.articles), settings["ARTICLE_ORDER_BY"])
                signals.article_generator_pretaxonomy.send(generator)
                authors = defaultdict(list)
                for article in generator.articles:
                    for author in getattr(article, "authors", []):
                        authors[author].append(article)
                generator.authors = sorted(authors.items())
                generator.dates = sorted(generator.articles, key=operator.attrgetter("date"),
                                         reverse=context["NEWEST_FIRST_ARCHIVES"])
                generator.period_archives = generator._build_period_archives(
                    generator.dates, generator.articles, settings)
                context["period_archives"] = generator.period_archives
                names += ["articles", "dates", "authors"]
                headers = headers | {"tags", "category"}  # (each list in the new order)
            if "tags" in headers:
                grouped = defaultdict(list)
                for article in generator.articles:
                    for tag in getattr(article, "tags", None) or ():
                        grouped[tag].append(article)
                generator.tags = grouped
                names.append("tags")
            if "category" in headers:
                grouped = defaultdict(list)
                for article in generator.articles:
                    if hasattr(article, "category"):
                        grouped[article.category].append(article)
                generator.categories = sorted(grouped.items(), reverse=settings["REVERSE_CATEGORY_ORDER"])
                # (a new list: the generators that read the articles count them again)
                generator.articles = list(generator.articles)
                names += ["categories", "articles"]
            generator._update_context(sorted(set(names)))
            signals.article_generator_finalized.send(generator)
            if ordered:
                for handler in updates.receivers(signals.all_generators_finalized, updates.HEADERS):
                    handler(generators)
            changed = {key for key, value in context.items() if kept_context.get(key, _MISSING) is not value}
            changed |= kept_context.keys() - context.keys()
            if not _remake_contexts(later, changed, remade, kept_generators):
                undo()
                return None
        except BaseException:
            undo()
            raise
        finally:
            self.tracker.output_phase = True
        if build_state.problems or any(not updates.keys_of(g)[0].isdisjoint(changed)
                                       for g in generators[:generators.index(generator)]):
            build_state.problems.clear()
            undo()
            return None

        outputs = self.outputs
        # The items the handlers gave another value (they give new values, never change one in
        # place: cchc.updates), and the edited article.
        maybe = {id(old)} | {key for key, (item, attributes) in kept_items.items()
                             if item.__dict__.keys() != attributes.keys()
                             or any(map(operator.is_not, item.__dict__.values(), attributes.values()))}
        pending = _Pending(self, self.states, maybe)
        remade_names = {type(g).__name__ for g in (*remade, *((generator,) if ordered else ()))}
        owned = {path for path, owner in outputs.owners.items() if owner in remade_names}
        outputs.begin(reusing=True, changed=pending)
        try:
            writer = self.pelican._get_writer()
            with updates.listening(outputs.back_up), updates.judging(outputs.made_from):
                if ordered:
                    _owned(outputs, generator, generator.generate_output, writer)
                else:
                    self._write_moved(generator, writer, moved, old)
                for g in remade:
                    g.generate_output(writer)
                made = set(outputs.produced)
                gone = set()  # (the files of the groups no article has now, or of fewer pages)
                groups = (("tags", "tag", tags_before.items(), {tag.slug for tag in generator.tags}),
                          ("category", "category", categories_before,
                           {cat.slug for cat, _m in generator.categories}))
                for header, template, before, left in groups:
                    for group, members in before:
                        if group.slug in moved[header]:
                            gone.update(_listing_pages(settings, group.save_as, group.url, members, template))
                            if group.slug not in left:  # (TAG_FEED_ATOM, CATEGORY_FEED_RSS…)
                                gone.update(str(settings[name]).format(slug=group.slug) for name in (
                                    f"{template.upper()}_FEED_ATOM", f"{template.upper()}_FEED_RSS") if settings.get(name))
                gone = {os.path.normpath(sanitised_join(writer.output_path, name)) for name in gone}
                gone = (gone | owned) - made  # (and a file the generators made again no longer write)
                keys = set(self.tracker.readers.get(old.source_path, ())) if body else set()
                now = outputs.now_of(changed, context)
                for path, record in outputs.records.items():
                    if path in made or path in gone:
                        continue
                    if outputs.shows_other(record, now) or (
                            not pending.isdisjoint(record[4]) and not outputs._same_attributes(record[5], record[6])):
                        keys.add(outputs.keys[path])
                keys = sorted(keys, key=repr)
                forget_rendering(old)
                self._replay_keys(keys)
                for path in sorted(gone - outputs.produced):
                    self._remove_unwritten(path)
                signals.finalized.send(self.pelican)
            if not pending.ready:
                pending._work_out()
            pages = {path for path in outputs.rendered if path.endswith(".html")}
            broken = self._check_built_pages(pages, sorted(pages & build_state.written.keys()))
        except BaseException:
            self._put_back(undo)
            raise
        if broken:
            self._put_back(undo)
            print(str(ContentError(broken)), file=sys.stderr, flush=True)
            return Outcome(PROBLEMS, "liên kết hỏng")
        outputs.backups = {}
        outputs.reusing = False
        self.states = pending.states
        self.outputs.known = set(self.states)
        self._keep_reading(old, new, differ)
        if build_state.notices:
            from . import build

            build.print_notices(settings)
        self._schedule_search()
        return Outcome(DONE, written=len(outputs.rendered))

    def _write_moved(self, generator, writer, moved: dict, article) -> None:
        """_regroup's writes when the order is the same: the generator's feeds, the pages of the
        tags and chuyên mục whose slugs are in `moved` (header → slugs), and the page of `article`
        when its chuyên mục moved (Pelican hands it its `category`, which the menu marks)."""
        outputs, settings = self.outputs, self.pelican.settings
        every_tag, every_category = generator.tags, generator.categories
        generator.tags = {tag: members for tag, members in every_tag.items() if tag.slug in moved["tags"]}
        generator.categories = [(cat, members) for cat, members in every_category if cat.slug in moved["category"]]
        outputs.owner = type(generator).__name__
        try:
            generator.generate_feeds(writer)
            write = functools.partial(writer.write_file, relative_urls=settings["RELATIVE_URLS"])
            generator.generate_tags(write)
            generator.generate_categories(write)
            if moved["category"]:
                lists = {name: getattr(generator, name) for name in
                         ("translations", "articles", "hidden_translations", "hidden_articles")}
                generator.__dict__.update(translations=[], articles=[article], hidden_translations=[],
                                          hidden_articles=[])
                try:
                    generator.generate_articles(write)
                finally:
                    generator.__dict__.update(lists)
        finally:
            generator.tags, generator.categories = every_tag, every_category
            outputs.owner = ""

    def _data_in_place(self, path: str):
        """A data file's edit that changes only fields templates show (cchc.data.SHOWN_ONLY) or that
        only name an entry (NAMES_ONLY) and no answer a lookup gave (cchc.data.changes_in_place):
        the entries take the new values in place (every article, chuyên mục and page that holds them
        sees them), and a renamed taxonomy its new lookups, as an InPlace of cchc.updates (for names,
        the generators that read them make their context again: updates.DATA_NAMES). None for any
        other edit (a run of the build, which also reports a mistake in the file and reads the data
        again in every run until it is fixed)."""
        from . import data, updates
        from .errors import ContentError

        try:
            new = data.load(self.pelican.settings["CCHC_DATA_DIR"])
        except ContentError:
            return None
        site = state.of(self.pelican.settings).site
        found = data.changes_in_place(site, new)
        if found is None:
            return None
        changed, renamed = found
        entries = [entry for entry, _now, _fields in changed]
        before = [dict(entry.fields) for entry in entries]
        # A renamed taxonomy looks up its names anew (the same answers to every lookup made: found)
        taxonomies, lookups_now = [], []
        for name in sorted(renamed):
            taxonomy = getattr(site, name)
            live = {entry.code: entry for entry in taxonomy.entries}
            taxonomies.append(taxonomy)
            lookups_now.append({key: live[entry.code] for key, entry in getattr(new, name)._lookup.items()})
        lookups_before = [taxonomy._lookup for taxonomy in taxonomies]

        def put(values, lookups):
            for entry, fields in zip(entries, values):
                entry.fields.clear()
                entry.fields.update(fields)
            for taxonomy, lookup in zip(taxonomies, lookups):
                taxonomy._lookup = lookup

        # (No file is made again for holding an article that holds a changed entry: code reads no
        # field of SHOWN_ONLY, nor of NAMES_ONLY but in the generators that say so, and templates'
        # reads of the entry's fields are recorded, however they reached it: `fields`.)
        fields = {}
        for entry, _now, names in changed:
            fields.setdefault(entry._cchc_key(), set()).update(names)
        return updates.InPlace(entries, lambda: put([dict(now.fields) for _entry, now, _fields in changed], lookups_now),
                               lambda: put(before, lookups_before), shown_only=True, fields=fields,
                               regenerate=updates.DATA_NAMES if renamed else None)

    def _replay(self, item, keys, rewrites=()) -> int:
        forget_rendering(item)
        self._replay_keys(keys)
        for rewrite in rewrites:  # the plugins' own files (cchc.updates.shows)
            rewrite(item, self.generators)
        return len(keys)

    def _replay_keys(self, keys) -> int:
        if len(keys) > 500 and self.collecting:  # (the garbage of 9,000 renders, a page's title, held 500 MB: update)
            gc.enable()
        writer = self.pelican._get_writer()
        for key in keys:
            replay = self.tracker.calls[key]
            with self.tracker.scope(key, replay):  # recorded again: the new body may be read by other writes
                replay(writer)
        return len(keys)

    def _pages_of(self, keys) -> set[str]:
        """The pages the writes `keys` made."""
        keys = set(keys)
        return {path for path, key in self.outputs.keys.items() if key in keys and path.endswith(".html")}

    def _check_built_links(self, item, keys=()):
        """The links of the item's page, of the pages that link to its #anchors and of the pages
        the writes `keys` made."""
        page = os.path.normpath(os.path.join(str(self.output), item.save_as))
        return self._check_built_pages({page} | self._pages_of(keys), [page])

    def _check_built_pages(self, pages: set[str], anchored: list[str]):
        """The links of `pages`, and of the pages that link to #anchors of `anchored` (the pages
        whose text changed: an anchor may be gone)."""
        from .linkcheck import broken_links, fragment_targets

        written = state.of(self.context).written
        for page in anchored:
            pages = pages | self.fragment_sources.get(page, set())
        broken = broken_links(str(self.output), self.siteurl, {p: written[p] for p in pages if p in written})
        if not broken:
            for page, targets in fragment_targets(anchored, str(self.output), self.siteurl):
                self._set_fragment_links(page, targets)
        return broken

    # -- search index ---------------------------------------------------------------------------------

    def _schedule_search(self) -> None:
        if not self.search:
            return
        with self._search_lock:
            self._search_dirty = True
            if self._search_thread is not None and self._search_thread.is_alive():
                return
            self._search_thread = threading.Thread(target=self._search_loop, daemon=True)
            self._search_thread.start()

    def _search_loop(self) -> None:
        from . import updates

        index = updates.background_work().get("search")
        while index is not None:
            with self._search_lock:
                if not self._search_dirty:
                    return
                self._search_dirty = False
            try:
                index(self.output, self.pelican.settings, started=self._search_started)
            except RuntimeError as error:  # cchc_search's SearchIndexError
                if not self._closing:
                    print("Chưa cập nhật được chỉ mục tìm kiếm: " + str(error)[-500:], file=sys.stderr, flush=True)

    def _search_started(self, process) -> None:
        self._search_process = process
        if self._closing:
            process.kill()

    def wait_for_search(self) -> None:
        thread = self._search_thread
        if thread is not None:
            thread.join()

    def close(self) -> None:
        with self._search_lock:
            self._search_dirty = False
            self._closing = True
        process = self._search_process
        if process is not None and process.poll() is None:
            process.kill()
        self.wait_for_search()

    def stats(self) -> dict:
        from pelican.contents import Content

        import resource

        return {"memo_entries": len(Content.__dict__["get_content"].cache),
                "summary_entries": len(Content.__dict__["get_summary"].cache),
                "tracked_writes": len(self.tracker.calls),
                "rss_mb": round(_rss_bytes() / 2**20, 1),
                "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def _rss_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


# ---- the worker process of `cchc preview` --------------------------------------------------------

def worker(connection, content: str, output: str, siteurl: str, cache: str | None = None, search: bool = True,
           log: str | None = None):
    """Runs in its own process (cchc.preview): a full build, then updates until told to stop.
    log: a file that gets what the worker prints (tests); by default the preview's terminal."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in the terminal: the preview stops this worker
    # The preview stops this worker with SIGTERM when it stops itself: end the build in progress
    # through the `finally` clauses (its unfinished folder removed, Pagefind stopped), not mid-write.
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    _terminate_with_parent()
    if log:
        descriptor = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.dup2(descriptor, 1)
        os.dup2(descriptor, 2)
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
    session = Session(pathlib.Path(content), pathlib.Path(output), siteurl,
                      pathlib.Path(cache) if cache else None, search)
    try:
        built = session.build()
        connection.send(("built", built))
        session.tidy()
        if not built:
            return
        while True:
            try:
                message, argument = connection.recv()
            except EOFError:
                return
            if message == "update":
                session.update(argument, answer=lambda outcome: connection.send(("outcome", dataclasses.asdict(outcome))))
                session.tidy()
            elif message == "wait-search":
                session.wait_for_search()
                connection.send(("idle", None))
            elif message == "stats":
                connection.send(("stats", session.stats()))
            elif message == "stop":
                return
    finally:
        session.close()


def _stop_on_sigterm(signum, frame):
    raise SystemExit(0)


def _terminate_with_parent() -> None:
    """Linux: SIGTERM this process when the preview dies without stopping it (SIGKILL, a crash)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    import multiprocessing

    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # the preview died before the line above
        raise SystemExit(0)
