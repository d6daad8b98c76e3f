"""Pages written by two processes: a generator's Writer.write_file calls are collected, a forked
copy of the build renders every other one, this process the rest, and every `content_written`
handler is then told about each file in the order one process would have written them. Each page
is rendered from the same objects as in one process, so the output is byte for byte the same
(tests/test_site.py builds both).

Pelican renders every page in one process, one after another: at 5,000 articles the articles'
generator writes about 7,900 pages (35–40 s) and the procedures' 1,050, on one of the machine's two
cores (benchmarks/HISTORY.md). Pelican has no setting for this; plugins/cchc_writing uses it for
the articles' generator, plugins/cchc_procedures for its own pages.

Off in daemonic processes (the preview's worker: its updates record which write read which
article), for fewer than MIN_WRITES writes (a fork costs ≈ 0.3 s), and when an item overrides
another page's address (Save_as), where Pelican's order decides which page is kept.

Settings read: CCHC_PARALLEL_WRITING (True: from MIN_WRITES writes on; False: never; a number: from
that many writes on, as tests set it).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
import signal
import traceback

from pelican import signals

logger = logging.getLogger(__name__)
MIN_WRITES = 200
# Writer.write_file's own parameters; its other keyword arguments go into the page's context.
_WRITER_PARAMETERS = {"name", "template", "context", "relative_urls", "paginated", "template_name",
                      "override_output", "url"}


@contextlib.contextmanager
def shared(writer, settings):
    """The writer's write_file calls inside the block are made by two processes when it ends (feeds
    are written at once)."""
    calls = []
    writer.write_file = lambda *args, **kwargs: calls.append((args, kwargs))
    try:
        yield
    finally:
        del writer.write_file
    wanted = settings.get("CCHC_PARALLEL_WRITING", True)
    if (wanted is False or (os.cpu_count() or 1) < 2 or multiprocessing.current_process().daemon
            or len(calls) < (MIN_WRITES if wanted is True else int(wanted))
            or any(kwargs.get("override_output") for _args, kwargs in calls)):
        for args, kwargs in calls:
            writer.write_file(*args, **kwargs)
        return
    _write_in_two(writer, calls)


def _write(writer, calls, indexes, events) -> None:
    """Make these calls, recording each file written as (call, path) instead of telling the
    content_written handlers (they are told afterwards, in Pelican's order)."""
    current = [None]
    signals.content_written.send = lambda path, **_kwargs: events.append((current[0], path))
    try:
        for index in indexes:
            current[0] = index
            args, kwargs = calls[index]
            writer.write_file(*args, **kwargs)
    finally:
        del signals.content_written.send


def _write_in_two(writer, calls) -> None:
    theirs = list(range(1, len(calls), 2))
    mine = list(range(0, len(calls), 2))
    before = set(writer._written_files)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its half, then what it wrote, through the pipe
        os.close(read)
        try:
            events = []
            _write(writer, calls, theirs, events)
            payload, status = pickle.dumps((events, writer._written_files - before)), 0
        except BaseException:  # noqa: BLE001 - the parent writes this half again and reports
            payload, status = pickle.dumps(traceback.format_exc()), 1
        with os.fdopen(write, "wb") as pipe:
            pipe.write(payload)
        os._exit(status)
    os.close(write)
    events = []
    try:
        _write(writer, calls, mine, events)
        with os.fdopen(read, "rb") as pipe:
            answer = pickle.loads(pipe.read())
        _pid, status = os.waitpid(pid, 0)
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    if status != 0 or not isinstance(answer, tuple):
        # The same error, raised here as in a build in one process (a template mistake).
        logger.debug("Parallel writing: the second process stopped: %s", answer)
        _write(writer, calls, theirs, events)
    else:
        child_events, child_files = answer
        for path in sorted(child_files & writer._written_files):
            logger.warning('File %s is to be overwritten', path)  # Pelican's words, as in one process
        writer._written_files |= child_files
        events += child_events
        logger.debug("Parallel writing: %d of %d files written by the second process.", len(child_events),
                      len(events))
    for index, path in sorted(events, key=lambda event: event[0]):  # stable: a call's files in order
        args, kwargs = calls[index]
        context = dict(args[2] if len(args) > 2 else kwargs["context"])
        context.update((key, value) for key, value in kwargs.items() if key not in _WRITER_PARAMETERS)
        signals.content_written.send(path, context=context)
