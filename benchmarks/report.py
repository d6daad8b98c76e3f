"""benchmarks/results.md from the figures of bench.py (results.json), so the two never disagree."""

from __future__ import annotations


def _n(value, digits=0) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and digits:
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _mb(n_bytes) -> str:
    return "—" if n_bytes is None else f"{n_bytes / 1024 / 1024:,.1f} MB"


def _met(flag) -> str:
    return "—" if flag is None else ("**met**" if flag else "**not met**")


def markdown(results: dict) -> str:
    m = results["machine"]
    s = results["settings"]
    sizes = results["sizes"]
    lines = [
        "# Build benchmark (issue 8)",
        "",
        "Written by `make bench` (`benchmarks/bench.py`); the same figures are in `results.json`. "
        "Do not edit by hand: run the benchmark again after performance work and commit both files.",
        "",
        "## Machine and versions",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {m['cpu']} |",
        f"| Cores | {m['cores']} |",
        f"| RAM | {m['ram_gb']} GB |",
        f"| OS | {m['os']} |",
        f"| Python | {m['python']} |",
        f"| Pelican | {m['pelican']} |",
        f"| Hugo | {m['hugo']} |",
        f"| Run on | {m['date']} (build date CCHC_BUILD_DATE={s['build_date']}, seed {s['seed']}) |",
        f"| Whole benchmark | {results.get('bench_total_s', '—')} s |",
        "",
        "Every reference site holds the project's own content (26 real articles, 5 pages, 37 procedures, "
        "data, photos, audio) plus generated articles and procedures up to the stated counts "
        "(`benchmarks/generate.py`). Builds run one after another; times are one run each (wall clock).",
        "",
        "## Full builds",
        "",
    ]
    keys = list(sizes)
    header = "| Measurement | " + " | ".join(f"{sizes[k]['articles']:,} articles" for k in keys) + " |"
    lines += [header, "|---|" + "---:|" * len(keys)]

    def row(label, fn):
        lines.append(f"| {label} | " + " | ".join(fn(sizes[k]) for k in keys) + " |")

    row("Procedures in the site", lambda r: _n(r["procedures"]))
    row("(a) Project, `cchc build --production`: time", lambda r: f"{r['production_seconds']} s")
    row("(a) peak RSS, process tree (sampled)", lambda r: f"{r['production_peak_rss_mb']} MB")
    row("(a) max RSS, largest process (wait4)", lambda r: f"{r['production_max_process_rss_mb']} MB")
    row("(a) again after editing one article, caches kept: time",
        lambda r: f"{r['production_warm_seconds']} s" if "production_warm_seconds" in r else "—")
    row("(b) Plain Pelican 4.12, same articles: time", lambda r: f"{r['bare_pelican_seconds']} s")
    row("(b) peak RSS", lambda r: f"{r['bare_pelican_peak_rss_mb']} MB")
    row("(b) warnings (unknown `{thu-tuc}` links)", lambda r: _n(r.get("bare_pelican_warnings")))
    row("(c) Hugo, same articles: time", lambda r: f"{r['hugo_seconds']} s" if "hugo_seconds" in r else "skipped")
    row("(c) peak RSS", lambda r: f"{r['hugo_peak_rss_mb']} MB" if "hugo_seconds" in r else "—")
    row("Ratio project / plain Pelican", lambda r: f"{r['production_to_bare_ratio']}×")
    row("Ratio project / Hugo", lambda r: f"{r['production_to_hugo_ratio']}×" if "production_to_hugo_ratio" in r else "—")
    row("(e) Project output: files", lambda r: _n(r["output_files"]))
    row("(e) Project output: bytes", lambda r: f"{_n(r['output_bytes'])} ({_mb(r['output_bytes'])})")
    row("(e) of which .html files / bytes", lambda r: f"{_n(r['output_html_files'])} / {_mb(r['output_html_bytes'])}")
    row("(e) of which .gz + .br copies / bytes",
        lambda r: f"{_n(r['output_precompressed_files'])} / {_mb(r['output_precompressed_bytes'])}")
    row("(e) Plain Pelican output: files / bytes", lambda r: f"{_n(r['bare_output_files'])} / {_mb(r['bare_output_bytes'])}")
    row("(e) Hugo output: files / bytes",
        lambda r: f"{_n(r['hugo_output_files'])} / {_mb(r['hugo_output_bytes'])}" if "hugo_output_files" in r else "—")
    row("Generating the site (not a build)", lambda r: f"{r['generate_s']} s")

    ref = sizes.get(str(s["reference"]))
    if ref:
        lines += ["", f"## Reference site ({ref['articles']:,} articles, {ref['procedures']:,} procedures)", ""]
        if "preview" in ref:
            p = ref["preview"]
            lines += [
                "### (d) Save-to-preview",
                "",
                "Measured with the preview server's own machinery (`cchc.preview.Builder`). Its worker process "
                "keeps the last full build; when only the body of one article or page changed it writes again "
                "just the files that show it (cchc.incremental), otherwise it makes a full build in a new "
                "process. The operating system tells the preview of a save (watchfiles, inotify), which waits "
                "100 ms for the rest of the same save; the budget line below adds those 0.1 s. Times and "
                "memory end when the preview shows the new pages: the search index then follows in the "
                "background (Pagefind, the largest process of the production build above).",
                "",
                "| Edit | What the preview does | Time | Peak RSS (tree) | File edited |",
                "|---|---|---:|---:|---|",
                f"| none (first preview build) | full build | {p['first_build']['seconds']} s | "
                f"{p['first_build']['peak_rss_mb']} MB | — |",
            ]
            for kind, label in (("article", "one article's body"), ("procedure", "one procedure"), ("data", "one data file")):
                row_ = p[kind]
                what = "update" if row_.get("kind") == "update" else "full build"
                rss = f"{row_['peak_rss_mb']} MB" if "peak_rss_mb" in row_ else f"{row_.get('worker_rss_mb', '—')} MB (worker)"
                lines.append(f"| {label} | {what} | {row_['seconds']} s | {rss} | `{row_['edited']}` |")
            repeated = p.get("repeated_updates")
            if repeated:
                lines += ["", f"{repeated['count']} consecutive updates of the same article: median "
                          f"{repeated['median_s']} s, slowest {repeated['max_s']} s; the worker's memory "
                          f"{repeated['worker_rss_before_mb']} MB before, {repeated['worker_rss_after_mb']} MB after; "
                          f"Pelican's memoised renderings {repeated['memo_entries_before']:,} before, "
                          f"{repeated['memo_entries_after']:,} after."]
            lines.append("")
        for key, label in (("article_page", "article"), ("procedure_page", "procedure")):
            if key not in ref:
                continue
            if key == "article_page":
                lines += ["### (f) Bytes per page (production build, as the web server sends them)", "",
                          "HTML and CSS as their `.gz` copies (nginx `gzip_static`); fonts and photos as files. "
                          "Fonts: every font file the CSS or a preload names (the browser fetches only the faces "
                          "used). Photos: the `src` file and, what a phone takes, the narrowest `srcset` candidate.",
                          "",
                          "| Page | HTML gz | CSS gz (screen) | HTML+CSS gz | render-blocking scripts | fonts | photos (src / narrowest) |",
                          "|---|---:|---:|---:|---:|---:|---:|"]
            pg = ref[key]
            lines.append(f"| {label}: `{pg['page']}` | {_n(pg['html_gzip_bytes'])} B | {_n(pg['css_gzip_bytes'])} B | "
                         f"**{_n(pg['html_css_gzip_bytes'])} B** | {pg['render_blocking_scripts']} | "
                         f"{pg['font_files_referenced']} files, {_n(pg['font_bytes_referenced'])} B | "
                         f"{pg['images']}: {_n(pg['image_bytes_src'])} B / {_n(pg['image_bytes_narrowest_srcset'])} B |")
        if "search" in ref and ref["search"].get("index_files"):
            g = ref["search"]
            lines += ["", "### (g) Search", "",
                      "| | |", "|---|---:|",
                      f"| Pagefind index (`pagefind/`): files | {_n(g['index_files'])} |",
                      f"| Pagefind index: bytes (without .gz/.br copies) | {_n(g['index_bytes'])} ({_mb(g['index_bytes'])}) |",
                      f"| … with the .gz/.br copies | {_n(g['index_bytes_with_precompressed'])} ({_mb(g['index_bytes_with_precompressed'])}) |"]
            if "first_visit_bytes" in g:
                lines += [f"| Bytes to first result, first visit (`scripts/measure_search.py {g['query']}`) | {_n(g['first_visit_bytes'])} |",
                          f"| … search part only (fonts, CSS, shared script already cached) | {_n(g['search_only_bytes'])} |",
                          f"| … requests | {g['requests']} |"]
            if "error" in g:
                lines.append(f"| measure_search failed | {g['error']} |")
    v = results.get("verdicts") or {}
    if v:
        b = results["budgets"]
        lines += ["", "## Budgets of issue 8", "", "| Budget | Limit | Measured | |", "|---|---:|---:|---|"]
        if "production_to_bare_ratio" in v:
            lines.append(f"| Full production build of R ÷ plain Pelican (same articles) | ≤ {b['production_to_bare_ratio']}× | "
                         f"{v['production_to_bare_ratio']['value']}× | {_met(v['production_to_bare_ratio']['met'])} |")
        if "peak_rss_mb" in v:
            lines.append(f"| Peak memory of the production build (process tree) | ≤ {b['peak_rss_mb']} MB | "
                         f"{v['peak_rss_mb']['value']} MB | {_met(v['peak_rss_mb']['met'])} |")
        if "save_to_preview_s" in v:
            lines.append(f"| Save-to-preview, one edited article (0.1 s until the preview sees the save + update) | "
                         f"≤ {b['save_to_preview_s']} s | {v['save_to_preview_s']['value']} s | {_met(v['save_to_preview_s']['met'])} |")
        if "memory_growth_over_updates_mb" in v:
            m = v["memory_growth_over_updates_mb"]
            lines.append(f"| No memory growth over {m['updates']} consecutive preview updates | none | "
                         f"{m['value']:+} MB (worker RSS); memoised renderings {'unchanged' if m['memo_entries_same'] else 'grew'} | "
                         f"{_met(m['met'])} |")
        if "article_page_kb" in v:
            lines.append(f"| Article page, HTML + CSS compressed; no render-blocking JS | ≤ {b['article_page_kb']} KB | "
                         f"{v['article_page_kb']['value']} KB, {v['article_page_kb']['render_blocking_scripts']} blocking scripts | "
                         f"{_met(v['article_page_kb']['met'])} |")
    if ref and "profile" in ref:
        pr = ref["profile"]
        lines += ["", "## Hot spots: cProfile of the production build of R", "",
                  f"One build under cProfile ({pr['profiled_build_s']} s wall with the profiler; "
                  f"{pr['profile_total_s']} s profiled in the main process — Pagefind runs as its own "
                  "process and shows as waiting in `subprocess`; precompression workers are not profiled).",
                  "", "### Own time by plugin / module (top 20)", "",
                  "| Plugin / module | Own time | Share |", "|---|---:|---:|"]
        for g in pr["own_time_by_group"]:
            lines.append(f"| {g['group']} | {g['own_s']} s | {g['share'] * 100:.1f} % |")
        lines += ["", "### Top 25 functions by cumulative time", "",
                  "| Function | Plugin / module | Calls | Cumulative | Own |", "|---|---|---:|---:|---:|"]
        for f in pr["top_cumulative"]:
            lines.append(f"| `{f['function']}` | {f['group']} | {_n(f['calls'])} | {f['cumulative_s']} s | {f['own_s']} s |")
    notes = results.get("notes")
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"
