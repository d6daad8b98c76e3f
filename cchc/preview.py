"""`cchc preview`: the editors' preview server. It builds the site, serves it on 127.0.0.1, rebuilds
whenever a Markdown, data, procedure, theme or plugin file is saved, and reloads the open browser
tab (livereload injects its small script into the pages it serves; the published site has none).

A worker process keeps the last full build in memory (cchc.incremental). When the only change is
the body of one article or page, the worker writes again just the files that show it (its page
and the feeds it is in) and the tab reloads well under a second later, also with 5,000 articles.
A title or a summary is taken the same way (the files that showed that article are written
again). Other header edits, new or deleted articles and pages, procedure records and the data
files (content/data/, and those a plugin declares it reads in each run: cchc/updates.py) are
updates too: the build runs again in the worker and writes only the files whose inputs changed.
Any other change (photos, theme, code) gets a full build in a new worker process: a full build in a fresh process
keeps memory flat however long the preview runs, and takes changed theme or plugin code into
account. Full builds, like `cchc build`, replace the output only when they succeed; an update with
a mistake in it writes nothing. Either way the last good preview stays on screen while the terminal says what to fix.
"""

from __future__ import annotations

import multiprocessing
import os
import pathlib
import signal
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
CODE = (ROOT / "theme", ROOT / "plugins", ROOT / "cchc", ROOT / "pelicanconf.py")
# Files the worker may take without a new process (it answers "full" for the ones it cannot:
# data files, cchc.incremental._rerun_if_content).
TEXT_SUFFIXES = {".md", ".markdown", ".yaml", ".yml", ".json"}


def snapshot(*roots: pathlib.Path) -> dict[str, tuple[int, int]]:
    """(modification time, size) of every file under the roots."""
    files = {}
    for root in roots:
        if root.is_file():
            stat = root.stat()
            files[str(root)] = (stat.st_mtime_ns, stat.st_size)
            continue
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
            for name in names:
                if name.startswith(".") or name.endswith("~"):
                    continue  # editors' swap and backup files
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                files[path] = (stat.st_mtime_ns, stat.st_size)
    return files


def changes(before: dict, after: dict) -> list[str]:
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


class Builder:
    """Keeps the worker process and decides, on each save, between an update and a full build."""

    def __init__(self, content: pathlib.Path, output: pathlib.Path, siteurl: str, cache: pathlib.Path | None = None,
                 search: bool = True, log: pathlib.Path | None = None):
        self.content, self.output, self.siteurl = content, output, siteurl
        self.cache, self.search, self.log = cache, search, log
        self.process = None
        self.connection = None
        self.files = {}
        self.code = {}
        self.last = None  # what the last rebuild did: "update", "full", "problems", "failed"
        self.outcome = None  # the worker's last answer to an update (kind, reason, seconds, files written)

    def start(self) -> bool:
        """A full build in a new worker (the old one is stopped first)."""
        self.stop()
        self.files, self.code = snapshot(self.content), snapshot(*CODE)
        spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: new code, empty memory
        parent, child = spawn.Pipe()
        from .incremental import worker

        self.process = spawn.Process(target=worker, daemon=True,
                                     args=(child, str(self.content), str(self.output), self.siteurl,
                                           str(self.cache) if self.cache else None, self.search,
                                           str(self.log) if self.log else None))
        self.process.start()
        child.close()
        self.connection = parent
        try:
            _, built = self.connection.recv()
        except EOFError:
            built = False
        if not built:
            self.stop()
        self.last = "full" if built else "failed"
        return built

    def stop(self, now: bool = False) -> None:
        """Ends the worker: between builds it is told to stop; with now=True (the preview itself is
        stopping) it is sent SIGTERM, which ends a build in progress too (cchc.incremental.worker
        then stops its Pagefind and removes its unfinished folder)."""
        if self.process is None:
            return
        try:
            if now:
                self.process.terminate()
            else:
                self.connection.send(("stop", None))
        except (OSError, ValueError):
            pass
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()
        self.process = self.connection = None

    def ask(self, message: str, argument=None):
        self.connection.send((message, argument))
        return self.connection.recv()[1]

    def rebuild(self) -> str:
        """Called after a save: an update when the worker can make one, otherwise a full build."""
        files, code = snapshot(self.content), snapshot(*CODE)
        changed = changes(self.files, files)
        if not changed and code == self.code and self.process is not None:
            self.last = "unchanged"
            return self.last
        if self.process is not None:
            reason = self._full_without_asking(changed, code)
            if reason is None:
                try:
                    outcome = self.ask("update", changed)
                except (EOFError, OSError):
                    outcome = {"kind": "full", "reason": "tiến trình dựng trang đã dừng"}
                self.outcome = outcome
                if outcome["kind"] == "done":
                    self.files = files
                    self.last = "update"
                    return self.last
                if outcome["kind"] == "problems":
                    self.files = files  # the next save of the file is compared with this one
                    self.last = "problems"
                    return self.last
                reason = outcome["reason"]
            print(f"Dựng lại toàn bộ ({reason}).", flush=True)
        self.start()
        return self.last

    def _full_without_asking(self, changed, code) -> str | None:
        """Why the save needs a full build in a new process before asking the worker, or None."""
        if code != self.code:
            return "mã, giao diện hoặc cấu hình đã đổi"
        others = sorted(p for p in changed if pathlib.Path(p).suffix not in TEXT_SUFFIXES)
        if others:
            first = os.path.relpath(others[0], self.content)
            return f"ảnh, âm thanh hoặc tệp khác: {first}" + (f" và {len(others) - 1} tệp khác" if len(others) > 1 else "")
        return None


def save_watcher(on_save):
    """livereload's Watcher, told about saves by the operating system (watchfiles: inotify on
    Linux) instead of livereload's own way, walking every watched file every 0.8 s: at 5,000
    articles that costs 50 ms each time and adds up to 0.8 s to every save-to-preview.
    on_save() rebuilds and says what happened; the open tab reloads when there is something new."""
    import threading

    import watchfiles
    from livereload.watcher import Watcher
    from tornado.ioloop import IOLoop

    class SaveWatcher(Watcher):
        def __init__(self):
            super().__init__()
            self.saved = threading.Event()
            self.stopped = threading.Event()

        def start(self, callback):
            loop = IOLoop.current()
            roots = list(self._tasks)

            def run():
                for _changes in watchfiles.watch(*roots, debounce=100, step=20, stop_event=self.stopped,
                                                 raise_interrupt=False):
                    self.saved.set()
                    loop.add_callback(callback)

            threading.Thread(target=run, daemon=True).start()
            return True  # livereload then does not poll

        def examine(self):
            if not self.saved.is_set():
                return None, None
            self.saved.clear()
            if on_save() in ("update", "full"):
                # livereload's marker for "reload now": its 3-second limit between reloads is for
                # tools that rebuild file by file; the preview reports once per save.
                return "__livereload__", None
            return None, None

    return SaveWatcher()


def serve(content: pathlib.Path, output: pathlib.Path, port: int, liveport: int) -> None:
    from livereload import Server

    siteurl = f"http://127.0.0.1:{port}"
    builder = Builder(content, output, siteurl)

    def rebuild():
        started = time.perf_counter()
        result = builder.rebuild()
        seconds = time.perf_counter() - started
        if result == "update":
            written = (builder.outcome or {}).get("written", 0)
            print(f"Đã cập nhật {written} tệp trong {seconds:.2f} giây; trình duyệt sẽ tự tải lại trang.", flush=True)
        elif result == "full":
            print("Đã dựng lại; trình duyệt sẽ tự tải lại trang.", flush=True)
        elif result in ("problems", "failed"):
            print("Chưa dựng lại được: sửa các lỗi ở trên rồi lưu tệp; trang cũ vẫn hiển thị.", flush=True)
        return result

    # SIGTERM (`kill PID`, a process manager) ends the preview like Ctrl+C: through the `finally`
    # below, which stops the worker. Python's default for SIGTERM is to die at once, leaving the
    # worker building and then writing into the output with no server left (issue 17).
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    watcher = None
    try:
        if not builder.start():
            print("Chưa dựng lại được: sửa các lỗi ở trên rồi lưu tệp; trang cũ vẫn hiển thị.", flush=True)
        watcher = save_watcher(rebuild)
        server = Server(watcher=watcher)
        for watched in (content, *CODE):
            server.watch(str(watched))
        print(f"Xem trước tại {siteurl}/ (Ctrl+C để dừng)", flush=True)
        server.serve(host="127.0.0.1", port=port, liveport=liveport, root=str(output), open_url=False)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM does not cut the cleanup short
        if watcher is not None:
            watcher.stopped.set()
        builder.stop(now=True)
        print("Đã dừng xem trước.", flush=True)


def _stop_on_sigterm(signum, frame):
    raise SystemExit(0)
