"""`cchc preview` as a process: stopped the way a process manager or `kill PID` stops it (SIGTERM), it
takes its worker process (and the worker's Pagefind) with it, and nothing writes into the output
after the server is gone."""

from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import time

from conftest import BUILD_DATE, ROOT, article
from servers import answers, free_port


def descendants(pid: int) -> set[int]:
    """Every living process below pid (from /proc), e.g. the preview's worker and its Pagefind."""
    parents = {}
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents.setdefault(int(fields[1]), set()).add(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        children = parents.get(todo.pop(), set()) - found
        found |= children
        todo.extend(children)
    return found


def alive(pid: int) -> bool:
    try:
        state = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has exited and waits only to be reaped


def written(folder: pathlib.Path) -> dict[str, tuple[int, int]]:
    """Every file and folder in and beside the output (a build writes into a new folder beside it
    and swaps it in), with its modification time and size."""
    return {str(path): (path.lstat().st_mtime_ns, path.lstat().st_size) for path in folder.rglob("*")}


def test_sigterm_stops_the_worker_with_the_server(fixture_site, tmp_path):
    for number in range(1, 9):
        fixture_site.write(f"articles/bai-{number}.md", article(title=f"Bài số {number} của phường",
                                                                 date=f"2026-03-{number:02d} 09:00"))
    port, liveport = free_port(), free_port()
    out = tmp_path / "xem-truoc" / "output"
    env = dict(os.environ, CCHC_BUILD_DATE=BUILD_DATE)
    env.pop("SITEURL", None)
    with (tmp_path / "preview.log").open("w") as log:
        server = subprocess.Popen([sys.executable, "-m", "cchc.cli", "preview", "--port", str(port), "--liveport",
                                   str(liveport), "--content", str(fixture_site.content), "-o", str(out)],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 120
        while not answers(f"http://127.0.0.1:{port}/"):
            assert server.poll() is None and time.time() < deadline, (tmp_path / "preview.log").read_text()
            time.sleep(0.2)
        first = descendants(server.pid)
        assert first, "the preview has no worker process"
        # A new photo needs a full build in a new worker (an article or a data file is an update in
        # the same worker): stop the preview while that worker builds.
        photo = sorted((ROOT / "content" / "images").rglob("*.jpg"))[0]
        (fixture_site.content / "images").mkdir(exist_ok=True)
        (fixture_site.content / "images" / "anh-moi.jpg").write_bytes(photo.read_bytes())
        while not descendants(server.pid) - first:
            assert server.poll() is None and time.time() < deadline, (tmp_path / "preview.log").read_text()
            time.sleep(0.05)
        workers = descendants(server.pid) | first
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        # All of them, not only the worker: none of the preview's processes is left behind.
        time.sleep(0.5)
        assert not [pid for pid in workers | descendants(server.pid) if alive(pid)], \
            (tmp_path / "preview.log").read_text()
        after_exit = written(out.parent)
        time.sleep(8)  # longer than a full build of this site takes
        assert written(out.parent) == after_exit
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
