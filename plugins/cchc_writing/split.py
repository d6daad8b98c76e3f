"""The articles' generator's page writes shared between this process and a forked child (see the
package's docstring)."""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import signal
import traceback

from pelican import signals
from pelican.generators import ArticlesGenerator

logger = logging.getLogger(__name__)
MIN_ITEMS = 200  # below this a fork costs more than half the writing (≈ 0.3 s)
_pelican_generate_pages = ArticlesGenerator.generate_pages
# Writer.write_file's own parameters; its other keyword arguments go into the page's context.
_WRITER_PARAMETERS = {"name", "template", "context", "relative_urls", "paginated", "template_name",
                      "override_output", "url"}


def initialized(pelican):
    ArticlesGenerator.generate_pages = generate_pages


def _wanted(generator) -> bool:
    wanted = generator.settings.get("CCHC_PARALLEL_WRITING", True)
    if wanted is False or (os.cpu_count() or 1) < 2 or multiprocessing.current_process().daemon:
        return False
    return len(generator.articles) >= (MIN_ITEMS if wanted is True else int(wanted))


def generate_pages(self, writer):
    """ArticlesGenerator.generate_pages, its writes made by two processes."""
    if not _wanted(self):
        return _pelican_generate_pages(self, writer)
    calls = []
    writer.write_file = lambda *args, **kwargs: calls.append((args, kwargs))
    try:
        _pelican_generate_pages(self, writer)
    finally:
        del writer.write_file
    if any(kwargs.get("override_output") for _args, kwargs in calls):
        # Save_as onto another page's address: which one is kept depends on Pelican's order.
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
