"""Incremental preview: after one article or page has been saved with only its body changed (or a
draft with its header too), write again only the files that show it, in well under a second at
5,000 articles.

Pelican has no incremental mode: every build reads and renders every file (75 s at 5,000 articles
on the benchmark machine, benchmarks/results.md). `cchc preview` therefore keeps one full build in
a worker process (cchc.preview) and asks this module to patch it:

* While the full build writes, a Tracker records which written file read which article's body:
  Pelican's memoised `Content.get_content` is wrapped, and so are `Writer.write_file`,
  `Writer.write_feed` and the `article_writer_finalized` signal (the podcast feed), each of which
  is kept as a call that can be made again. Listing pages show the required `Summary` line, never
  the body, so an article's body reaches only its own page and the feeds it is in.
* On a save, the file is read again with Pelican's own reader, so every `content_object_init`
  handler runs on it as in a full build (normalisation, checks, photos, `{thu-tuc}` links); then
  the per-article steps of `all_generators_finalized` run on it alone (link checks, the
  `[[ma-tran-nhiem-vu]]` block). If anything but the body differs from what the full build had
  (any metadata, any attribute a plugin derived from it), or the file is new, deleted or not an
  article or page, the answer is FULL and the preview makes a full build in a new process.
* Otherwise the new body is put into the existing Article object (the one categories, tags,
  archives, neighbours and related lists already refer to), its memoised rendering is dropped
  (Pelican would otherwise keep every version, the memory leak of `pelican -r`), the recorded
  writes that read it are made again, and its page and the pages that link to its #anchors are
  link-checked as `cchc build` does. A problem in the new text leaves every file as it was.
* Pagefind then re-indexes in the background into a new folder that replaces pagefind/ (after
  the first full build too: the preview does not wait for the search index).

tests/test_incremental.py proves that the result is byte for byte a full build of the same
sources after random body edits. A plugin that adds a handler to a signal this module does not
replay makes every update FULL (UNKNOWN_HANDLERS), never a wrong page.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import importlib
import os
import pathlib
import shutil
import signal
import sys
import threading
import time
import types
import weakref
from collections import defaultdict

from . import state
from .settings import site_overrides

FULL = "full"            # a full build is needed (the reason says why)
DONE = "done"            # written incrementally
PROBLEMS = "problems"    # the new text has problems: printed, nothing written

# Handlers whose work an incremental update repeats (or that never depend on a body). Any other
# handler of these signals, e.g. from a new plugin, turns incremental updates off.
KNOWN_HANDLERS = {
    "all_generators_finalized": {"cchc_content.checks.all_generators_finalized",
                                 "cchc_procedures.generator.check_links",
                                 "cchc_plan.generator.expand_placeholders",
                                 "cchc.incremental.Session._keep_generators",
                                 "cchc_urls.keep_addresses"},
    # These work on metadata only (order of lists, tag spellings, podcast episodes, related
    # articles), which an incremental update never changes.
    "article_generator_finalized": {"cchc_content.checks.article_generator_finalized",
                                    "cchc_podcast.feed.article_generator_finalized",
                                    "cchc_related.related.article_generator_finalized",
                                    "pelican.plugins.neighbors.neighbors.neighbors"},
    "article_generator_pretaxonomy": {"cchc_content.checks.article_generator_pretaxonomy"},
    "page_generator_finalized": set(),
    "article_generator_preread": set(),
    "article_generator_context": set(),
    "page_generator_preread": set(),
    "page_generator_context": set(),
    "article_generator_write_article": set(),
    "page_generator_write_page": set(),
    # Built files the sitemap, photos, assets and search read or write; a body edit changes none
    # of them except the search index, which is rebuilt after each update.
    "finalized": {"cchc_assets.assets.finalized", "cchc_images.responsive.finalized", "cchc_sitemap.sitemap.finalized",
                  "cchc_search.index.finalized", "cchc_precompress.compress.finalized",
                  "cchc_urls.check_addresses"},
}


def _handler_name(receiver) -> str:
    func = getattr(receiver, "__func__", receiver)
    return f"{func.__module__}.{func.__qualname__}"


def unknown_handlers() -> list[str]:
    from pelican import signals

    unknown = []
    for name, known in KNOWN_HANDLERS.items():
        signal = getattr(signals, name)
        for receiver in signal.receivers.values():
            target = receiver() if isinstance(receiver, weakref.ref) else receiver
            if target is None:
                continue
            label = _handler_name(target)
            if label not in known:
                unknown.append(f"{name}: {label}")
    return sorted(unknown)


# ---- which written file read which body ----------------------------------------------------------

class Tracker:
    """Records, while files are written, the source files whose body each write read, and how to
    make that write again."""

    def __init__(self):
        self.output_phase = False
        self.current = None
        self.calls = {}                        # key → replay(writer)
        self.reads = {}                        # key → source paths it read
        self.readers = defaultdict(set)        # source path → keys
        self.unscoped = set()                  # bodies read outside any recorded write

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
        for path in self.reads.pop(key, ()):
            self.readers[path].discard(key)
        self.calls[key] = replay
        self.reads[key] = set()
        self.current = key
        try:
            yield
        finally:
            self.current = None
            read = self.reads[key]
            if read:
                for path in read:
                    self.readers[path].add(key)
            else:
                del self.reads[key], self.calls[key]


_INSTALLED: list[Tracker] = []


def install(tracker: Tracker) -> None:
    """Wraps Pelican's rendering entry points in this process (the preview's worker only)."""
    from pelican import signals
    from pelican.contents import Content
    from pelican.generators import ArticlesGenerator
    from pelican.utils import memoized
    from pelican.writers import Writer

    if _INSTALLED:
        raise RuntimeError("cchc.incremental: one session per process")
    _INSTALLED.append(tracker)

    class TrackedMemoized(memoized):
        def __call__(self, *args):
            tracker.read(args[0])
            return super().__call__(*args)

    Content.get_content = TrackedMemoized(Content.__dict__["get_content"].func)

    write_file, write_feed = Writer.write_file, Writer.write_feed

    def tracked_write_file(self, *args, **kwargs):
        name = args[0] if args else kwargs["name"]
        with tracker.scope(("file", name), lambda writer: write_file(writer, *args, **kwargs)):
            return write_file(self, *args, **kwargs)

    def tracked_write_feed(self, *args, **kwargs):
        path = args[2] if len(args) > 2 else kwargs.get("path")
        with tracker.scope(("feed", path), lambda writer: write_feed(writer, *args, **kwargs)):
            return write_feed(self, *args, **kwargs)

    def generate_output(self, writer):
        # ArticlesGenerator.generate_output of Pelican 4.12, with the signal made repeatable.
        self.generate_feeds(writer)
        self.generate_pages(writer)
        send = signals.article_writer_finalized.send
        with tracker.scope(("signal", "article_writer_finalized"), lambda w: send(self, writer=w)):
            send(self, writer=writer)

    Writer.write_file, Writer.write_feed = tracked_write_file, tracked_write_feed
    ArticlesGenerator.generate_output = generate_output


def forget_rendering(item) -> None:
    """Drops Pelican's memoised renderings of one item (kept for every (item, siteurl) forever)."""
    from pelican.contents import Content

    for name in ("get_content", "get_summary"):
        cache = Content.__dict__[name].cache
        for key in [key for key in cache if key[0] is item]:
            del cache[key]


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


def difference(old, new) -> str | None:
    """The first attribute (other than the body) in which a new reading differs from the old one."""
    for key, value in new.__dict__.items():
        if key in _NOT_COMPARED:
            continue
        if key not in old.__dict__ or _canonical(value) != _canonical(old.__dict__[key]):
            return key
    return None


# ---- the session ---------------------------------------------------------------------------------

@dataclasses.dataclass
class Outcome:
    kind: str
    reason: str = ""
    seconds: float = 0.0
    written: int = 0


class Session:
    """One full build kept in memory, patched on each body edit."""

    def __init__(self, content: pathlib.Path, output: pathlib.Path, siteurl: str, cache: pathlib.Path | None = None,
                 search: bool = True):
        self.content, self.output, self.siteurl = content, output, siteurl
        self.cache, self.search = cache, search
        self.tracker = Tracker()
        install(self.tracker)
        self.generators = None
        self.pelican = None
        self.fragment_links = {}               # built page → pages it links to with #anchors
        self.fragment_sources = defaultdict(set)  # built page → pages that link to its #anchors
        self._search_lock = threading.Lock()
        self._search_dirty = False
        self._search_thread = None
        self._search_process = None
        self._closing = False
        self.disabled = ""

    # -- full build --------------------------------------------------------------------------------

    def _keep_generators(self, generators):
        self.generators = generators

    def build(self) -> bool:
        from pelican import Pelican, signals

        from . import build

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
        # The search index is made after the swap, in the background, as after an update: the
        # preview shows the new pages without waiting for Pagefind (14 s at 5,000 articles).
        override = {"PATH": str(self.content), "CCHC_SEARCH": False, **site_overrides(self.siteurl)}
        if self.cache:
            override["CACHE_PATH"] = str(self.cache)
        built_in = []
        settings = build.build_and_swap(self.output, False, override, pelican_class=KeepingPelican,
                                        after_build=built_in.append)
        if settings is None:
            return False
        build.print_notices(settings)
        self._relocate(str(built_in[0]), str(self.output))
        self.context = self.generators[0].context
        self.by_source = {}
        for generator in self.generators:
            for attr in ("articles", "drafts", "hidden_articles", "pages", "hidden_pages", "draft_pages"):
                for item in getattr(generator, attr, []):
                    self.by_source[os.path.realpath(item.source_path)] = (generator, item)
        self.generated_key = {id(item): key for key, item in self.context["generated_content"].items()}
        self._index_fragment_links()
        unknown = unknown_handlers()
        if unknown:
            self.disabled = "có phần mở rộng chưa hỗ trợ dựng từng phần: " + "; ".join(unknown)
        self._schedule_search()
        print(f"Đã dựng xong trang vào {self.output}", flush=True)
        return True

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
        self.generators[0].context["OUTPUT_PATH"] = self.pelican.settings["OUTPUT_PATH"] = output

    def _index_fragment_links(self) -> None:
        from .linkcheck import fragment_targets

        for page in state.of(self.context).written:
            if page.endswith(".html") and os.path.exists(page):
                self._set_fragment_links(page, fragment_targets(page, str(self.output), self.siteurl))

    def _set_fragment_links(self, page: str, targets: set[str]) -> None:
        for target in self.fragment_links.get(page, ()):
            self.fragment_sources[target].discard(page)
        self.fragment_links[page] = targets
        for target in targets:
            self.fragment_sources[target].add(page)

    # -- one saved file ------------------------------------------------------------------------------

    def update(self, paths: list[str]) -> Outcome:
        start = time.perf_counter()
        try:
            outcome = self._update([os.path.realpath(p) for p in paths])
        except Exception as error:  # noqa: BLE001 — the full build reports whatever this is
            outcome = Outcome(FULL, f"{type(error).__name__}: {error}")
        outcome.seconds = round(time.perf_counter() - start, 4)
        return outcome

    def _update(self, paths: list[str]) -> Outcome:
        from pelican import signals
        from pelican.contents import Page
        from pelican.readers import SkipStub

        from .errors import ContentError

        if self.disabled:
            return Outcome(FULL, self.disabled)
        if len(paths) != 1:
            return Outcome(FULL, f"{len(paths)} tệp thay đổi")
        path = paths[0]
        if path not in self.by_source or not os.path.isfile(path):
            return Outcome(FULL, "tệp mới, bị xóa hoặc không phải bài/trang")
        generator, old = self.by_source[path]
        if old.source_path in self.tracker.unscoped:
            return Outcome(FULL, "nội dung bài được dùng ngoài trang của nó")
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
            return Outcome(FULL, "tệp không đọc được như một bài")
        new.refresh_metadata_intersite_links()
        # A draft is shown on its own page only (ban-nhap/…: no listing, feed, neighbour, related
        # list, task count or search index has it), so while it stays a draft at the same address
        # its header may change too: the kept object takes all of the new reading.
        draft = old.status == new.status == "draft" and old.save_as == new.save_as and old.url == new.url
        changed = None if draft else difference(old, new)
        if changed:
            return Outcome(FULL, f"phần khai báo thay đổi ({changed})")
        linked = new.get_static_links() - context["static_links"] - set(context["static_content"])
        if linked:
            return Outcome(FULL, "liên kết tới tệp mới")

        # The steps of all_generators_finalized, in their order, on this item (and on the items
        # whose {filename} links point into it, since its #anchors may have changed).
        procedure_steps = importlib.import_module("cchc_procedures.generator")
        plan_steps = importlib.import_module("cchc_plan.generator")
        safety = importlib.import_module("cchc_content.safety")
        alone = types.SimpleNamespace(context=context, **{"pages" if page else "articles": [new]})
        generated = context["generated_content"]
        key = self.generated_key[id(old)]
        name = os.path.basename(old.source_path)
        linking = [item for _g, item in self.by_source.values()
                   if item is not old and name in (item._content or "") and "{filename}" in item._content]
        generated[key] = new
        try:
            safety.check_links([new, *linking], context, problems.append)
            procedure_steps.check_links([alone])
            plan_steps.expand_placeholders([alone, *[g for g in self.generators if isinstance(g, plan_steps.PlanGenerator)]])
        finally:
            generated[key] = old
        if problems:
            print(str(ContentError(problems)), file=sys.stderr, flush=True)
            return Outcome(PROBLEMS, "lỗi trong nội dung")

        kept = dict(old.__dict__)
        if draft:
            old.__dict__.clear()
            old.__dict__.update(new.__dict__)
        else:
            old._content = new._content
        keys = sorted(self.tracker.readers.get(old.source_path, ()), key=repr)
        written = self._replay(old, keys)
        broken = self._check_built_links(old)
        if broken:
            old.__dict__.clear()
            old.__dict__.update(kept)
            self._replay(old, keys)
            print(str(ContentError(broken)), file=sys.stderr, flush=True)
            return Outcome(PROBLEMS, "liên kết hỏng")
        if notices:
            from . import build

            build.print_notices(self.pelican.settings)
        self._schedule_search()
        return Outcome(DONE, written=written)

    def _replay(self, item, keys) -> int:
        forget_rendering(item)
        writer = self.pelican._get_writer()
        for key in keys:
            replay = self.tracker.calls[key]
            with self.tracker.scope(key, replay):  # recorded again: the new body may be read by other writes
                replay(writer)
        return len(keys)

    def _check_built_links(self, item):
        from .linkcheck import broken_links, fragment_targets

        written = state.of(self.context).written
        page = os.path.normpath(os.path.join(str(self.output), item.save_as))
        pages = {page} | self.fragment_sources.get(page, set())
        broken = broken_links(str(self.output), self.siteurl, {p: written[p] for p in pages if p in written})
        if not broken:
            self._set_fragment_links(page, fragment_targets(page, str(self.output), self.siteurl))
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
        search = importlib.import_module("cchc_search.index")
        while True:
            with self._search_lock:
                if not self._search_dirty:
                    return
                self._search_dirty = False
            try:
                search.build(self.output, search.procedure_pages(self.pelican.settings), started=self._search_started)
            except search.SearchIndexError as error:
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
        if not built:
            return
        while True:
            try:
                message, argument = connection.recv()
            except EOFError:
                return
            if message == "update":
                connection.send(("outcome", dataclasses.asdict(session.update(argument))))
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
