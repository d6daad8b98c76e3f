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


def _s(value) -> str:
    return "—" if value is None else f"{value} s"


def _x(value) -> str:
    return "—" if value is None else f"{value}×"


def _kb(n_bytes) -> str:
    return "—" if n_bytes is None else f"{n_bytes / 1024:,.1f} KB"


# The preview's kinds of edit (benchmarks/bench.py save_to_preview), in the order of the tables.
PREVIEW_EDITS = (("article", "one article's body"), ("title", "an article's title"),
                 ("summary", "an article's summary"), ("date", "an article's date"),
                 ("tags", "an article's tags"), ("category", "an article's chuyên mục"),
                 ("new_article", "a new article"), ("deleted_article", "that article deleted"),
                 ("page_title", "a page's title"), ("procedure", "a procedure's name"),
                 ("procedure_field", "a field only a procedure's page shows"),
                 ("data", "a chuyên mục's description (data file)"),
                 ("data_form", "a hình thức's description (data file)"),
                 ("data_body", "a cơ quan's short name (data file)"))


def markdown(results: dict) -> str:
    m = results["machine"]
    s = results["settings"]
    sizes = results["sizes"]
    lines = [
        "# Build benchmark (issues 8 and 15)",
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
        f"| Hugo | {m['hugo'] or 'not installed'} |",
        f"| Run on | {m['date']} (build date CCHC_BUILD_DATE={s['build_date']}, seed {s['seed']}) |",
        f"| Whole benchmark | {results.get('bench_total_s', '—')} s |",
        "",
        "Every reference site holds the project's own content (26 real articles, 5 pages, 37 procedures, "
        "data, photos, audio) plus generated articles and procedures up to the stated counts "
        "(`benchmarks/generate.py`). Builds run one after another; times are one run each. Time is wall "
        "clock; CPU time is user + system of the whole process tree (the kernel's figures from `wait4`, "
        "which include every child process the build waited for: Pagefind, the compression workers). "
        "The cold production build (empty cache) and plain Pelican run right after each other.",
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
    row("(a) Project, `cchc build --production`, empty cache: time", lambda r: f"{r['production_seconds']} s")
    row("(a) CPU time (user + system, process tree)", lambda r: _s(r.get("production_cpu_seconds")))
    row("(a) peak RSS, process tree (sum, sampled every 50 ms)", lambda r: f"{r['production_peak_rss_mb']} MB")
    row("(a) max RSS of the largest single process (wait4)", lambda r: f"{r['production_max_process_rss_mb']} MB")
    row("(a') again after editing one article, cache kept: time",
        lambda r: f"{r['production_warm_seconds']} s" if "production_warm_seconds" in r else "—")
    row("(a') CPU time", lambda r: _s(r.get("production_warm_cpu_seconds")))
    row("(a') max RSS of the largest single process (wait4)",
        lambda r: f"{r['production_warm_max_process_rss_mb']} MB" if "production_warm_max_process_rss_mb" in r else "—")
    row("(b) Plain Pelican 4.12, same articles: time", lambda r: f"{r['bare_pelican_seconds']} s")
    row("(b) CPU time", lambda r: _s(r.get("bare_pelican_cpu_seconds")))
    row("(b) peak RSS", lambda r: f"{r['bare_pelican_peak_rss_mb']} MB")
    row("(b) warnings (unknown `{thu-tuc}` links)", lambda r: _n(r.get("bare_pelican_warnings")))
    row("(c) Hugo, same articles: time", lambda r: f"{r['hugo_seconds']} s" if "hugo_seconds" in r else "skipped")
    row("(c) CPU time", lambda r: _s(r.get("hugo_cpu_seconds")) if "hugo_seconds" in r else "—")
    row("(c) peak RSS", lambda r: f"{r['hugo_peak_rss_mb']} MB" if "hugo_seconds" in r else "—")
    row("Ratio (a) / (b), wall time", lambda r: f"{r['production_to_bare_ratio']}×")
    row("Ratio (a) / (b), CPU time", lambda r: _x(r.get("production_to_bare_cpu_ratio")))
    row("Ratio (a') / (b): one edit, cache kept ÷ plain Pelican's cold build", lambda r: _x(r.get("production_warm_to_bare_ratio")))
    row("Ratio (a) / Hugo, wall time", lambda r: f"{r['production_to_hugo_ratio']}×" if "production_to_hugo_ratio" in r else "—")
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
                "just the files that show it (cchc.incremental), and so it does after a title or a summary "
                "edit (the files that read a value of that article that changed: a page's title with a menu line "
                "shows on that page alone), and after a tags or chuyên mục edit (the lists are "
                "grouped again in place, the plan's reports counted again after a chuyên mục, then the pages "
                "and feeds of the tags or chuyên mục it left or joined and the files that read what changed "
                "are written; a listing's page before the place where the article joined or left it is left "
                "as it is), and after a date edit (the articles are ordered again in place, the archives by "
                "period made again, and the articles' generator writes the files whose inputs changed; its "
                "page at the old month's address is removed); any other edit of articles and pages runs "
                "the build again in the worker and renders only the files whose inputs changed "
                "(cchc.dependencies), and so does a data file (each article is given the data's new "
                "entries; an edit of descriptions only is made in place). A procedure record whose changed "
                "fields only its page shows: the files made from that procedure are written again in place; "
                "any other edit of a procedure that keeps its code, its abolition and what replaces it: the "
                "procedures' section is made again, with the finder's data and the plan's reports, and the "
                "files whose inputs changed are written, without a run of the build (cchc.updates.Regenerate). "
                "The operating system tells the preview of a save (watchfiles, inotify), which waits "
                "100 ms for the rest of the same save; the budget line below adds those 0.1 s. Times and "
                "memory end when the preview shows the new pages: the search index then follows in the "
                "background (Pagefind, the largest process of the production build above).",
                "",
                "| Edit | What the preview does | Time | Peak RSS (tree) | File edited |",
                "|---|---|---:|---:|---|",
                f"| none (first preview build) | full build | {p['first_build']['seconds']} s | "
                f"{p['first_build']['peak_rss_mb']} MB | — |",
            ]
            for kind, label in PREVIEW_EDITS:
                if kind not in p:
                    continue
                row_ = p[kind]
                what = "update" if row_.get("kind") == "update" else "full build"
                if row_.get("written") is not None:
                    what += f", {row_['written']:,} files written"
                rss = f"{row_['peak_rss_mb']} MB" if "peak_rss_mb" in row_ else \
                    f"{row_['worker_rss_mb']} MB (worker)" if "worker_rss_mb" in row_ else "—"
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
            if "error" in g:
                lines += ["", f"The Chromium run failed: `{g['error']}`"]
            queries = g.get("queries")
            if queries:
                b = results["budgets"]
                lines += ["", "#### Bytes from the search page to the first result", "",
                          f"`{g['siteurl']}/tim-kiem/?q=…` opened in Chromium with an empty cache, served from the "
                          "production output above (no build of its own; `benchmarks/search_bytes.py`). Every response "
                          "after the page's HTML is counted as the web server sends it: the `.br` copy if the build "
                          "wrote one, else the `.gz` copy, else the file (Pagefind's `.pf_*` files and wasm are "
                          "already compressed). Not counted: the page's HTML, and the files a visitor already has "
                          "from any other page (fonts, `site.*.css`, `print.*.css`, `site.*.js`, the favicon), given "
                          "apart as “shared”. “To first result” is what had arrived when the first result link became "
                          "visible; “network idle” is everything the page fetched.",
                          "",
                          "| Kind | Query | To first result | Budget | | Shared (cached) | Network idle | First result |",
                          "|---|---|---:|---:|---|---:|---:|---|"]
                for q in queries:
                    if "error" in q:
                        error = q["error"].replace("|", "\\|")
                        lines.append(f"| {q['kind']} | {q['query']} | failed | "
                                     f"≤ {_kb(b.get('search_bytes_' + q['kind']))} | {_met(False)} | — | — | `{error}` |")
                        continue
                    first = q["first_result_text"].replace("|", "\\|")
                    lines.append(f"| {q['kind']} | {q['query']} | **{_kb(q['first_result_bytes'])}** "
                                 f"({q['first_result_requests']} requests) | ≤ {_kb(q['budget_bytes'])} | {_met(q['met'])} | "
                                 f"{_kb(q['shared_bytes'])} ({q['shared_requests']}) | "
                                 f"{_kb(q['idle_bytes'])} ({q['idle_requests']}){'' if q['network_idle'] else ', not idle after 60 s'} | "
                                 f"{first} |")
                for q in queries:
                    for key, label in (("not_found", "answered 404 (no such file in the output)"),
                                       ("refused", "refused (outside the site's address)")):
                        if q.get(key):
                            lines.append("")
                            lines.append(f"Requests of “{q['query']}” {label}: " + ", ".join(f"`{u}`" for u in q[key]))
    v = results.get("verdicts") or {}
    if v:
        b = results["budgets"]
        lines += ["", "## Budgets of issue 15", "",
                  f"Measured on the reference site R ({ref['articles']:,} articles, {ref['procedures']:,} procedures)."
                  if ref else "", "",
                  "| Budget | Limit | Measured | |", "|---|---:|---:|---|"]

        def budget(name, label, limit, value):
            if name in v:
                lines.append(f"| {label} | {limit} | {value(v[name])} | {_met(v[name]['met'])} |")

        budget("production_to_bare_ratio", "Cold production build (empty cache) ÷ plain Pelican, wall time",
               f"≤ {b.get('production_to_bare_ratio')}×", lambda x: f"{x['value']}×")
        budget("production_to_bare_cpu_ratio", "Cold production build ÷ plain Pelican, CPU time (user + system, process tree)",
               f"≤ {b.get('production_to_bare_cpu_ratio')}×", lambda x: f"{x['value']}×")
        budget("production_warm_to_bare_ratio", "Production build after editing one article, cache kept ÷ plain Pelican's cold build",
               f"≤ {b.get('production_warm_to_bare_ratio')}×", lambda x: f"{x['value']}×")
        budget("max_process_rss_mb", "Largest single process of the production build, max RSS (wait4)",
               f"≤ {b.get('max_process_rss_mb', 0):,} MB", lambda x: f"{x['value']} MB")
        for kind in ("procedure", "news"):
            budget(f"search_bytes_{kind}", f"Search page → first result, {kind} queries (largest of {v.get(f'search_bytes_{kind}', {}).get('queries')})",
                   f"≤ {_kb(b.get(f'search_bytes_{kind}'))}",
                   lambda x: (_kb(x["value"]) + (f", failed: {', '.join(x['failed'])}" if x.get("failed") else "")))
        budget("save_to_preview_s", "Save-to-preview, one edited article (0.1 s until the preview sees the save + update)",
               f"≤ {b.get('save_to_preview_s')} s", lambda x: f"{x['value']} s")
    if ref and "preview" in ref:
        p = ref["preview"]
        lines += ["", "## Budgets of issue 16 (save to served page at R)", "",
                  "Each time plus the 0.1 s the preview waits for the rest of a save (watchfiles). "
                  "Limit: 1 s for an article, a page or a procedure, 2 s for a data file.", "",
                  "| Edit | Limit | Measured | Files written | |", "|---|---:|---:|---:|---|"]
        for kind, label in PREVIEW_EDITS:
            if kind not in p or kind == "article":
                continue
            limit = 2.0 if kind.startswith("data") else 1.0
            seconds = round(p[kind]["seconds"] + 0.1, 2)
            written = p[kind].get("written")
            lines.append(f"| {label} | ≤ {limit} s | {seconds} s | "
                         f"{'—' if written is None else format(written, ',')} | {_met(seconds <= limit)} |")
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
