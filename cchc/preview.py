"""`cchc preview`: the editors' preview server. It builds the site, serves it on 127.0.0.1, rebuilds
whenever a Markdown, data, procedure, theme or plugin file is saved, and reloads the open browser
tab (livereload injects its small script into the pages it serves; the published site has none).

Each rebuild runs `cchc build` in a fresh process: Pelican memoises every rendered page on its
classes, so rebuilding in one long-lived process would grow without end; and `cchc build` swaps
the output only when the build succeeds, so a mistake leaves the last good preview on screen while
the terminal shows what to fix.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

from livereload import Server

ROOT = pathlib.Path(__file__).resolve().parent.parent


def build_command(content: pathlib.Path, output: pathlib.Path, siteurl: str) -> list[str]:
    return [sys.executable, "-m", "cchc.cli", "build", "--content", str(content), "-o", str(output),
            "--siteurl", siteurl]


def serve(content: pathlib.Path, output: pathlib.Path, port: int, liveport: int) -> None:
    siteurl = f"http://127.0.0.1:{port}"
    command = build_command(content, output, siteurl)

    def rebuild():
        result = subprocess.run(command, cwd=ROOT)
        if result.returncode == 0:
            print("Đã dựng lại; trình duyệt sẽ tự tải lại trang.", flush=True)
        else:
            print("Chưa dựng lại được: sửa các lỗi ở trên rồi lưu tệp; trang cũ vẫn hiển thị.", flush=True)

    rebuild()
    server = Server()
    for watched in (content, ROOT / "theme", ROOT / "plugins", ROOT / "cchc", ROOT / "pelicanconf.py"):
        server.watch(str(watched), rebuild, delay=0.3)
    print(f"Xem trước tại {siteurl}/ (Ctrl+C để dừng)", flush=True)
    server.serve(host="127.0.0.1", port=port, liveport=liveport, root=str(output), open_url=False)
