"""Search (Pagefind, plugins/cchc_search) as residents use it, in real Chromium: without
diacritics, with đ, old and new tone placement, procedure codes with and without dots."""

from __future__ import annotations

import json

import pytest

from cchc import addresses
from conftest import moved
from test_browser import AXE, axe_violations, browser, served_site  # noqa: F401

pytestmark = pytest.mark.browser


def search(page, base, query):
    page.goto(f"{base}/tim-kiem/", wait_until="load")
    page.fill("#cc-search-input", query)
    page.wait_for_function("() => /^(Tìm thấy|Không tìm thấy)/.test(document.getElementById('cc-search-status').textContent)",
                           timeout=20000)
    return [t.strip() for t in page.locator(".cc-search__title").all_inner_texts()]


@pytest.fixture(scope="module")
def page(browser, served_site):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("query, top", [
    # Procedures come first, under the short name the finder and the A–Z list use.
    ("dang ky khai sinh", "Đăng ký khai sinh"),                   # no diacritics, đ typed as d
    ("Đăng ký kết hôn", "Đăng ký kết hôn"),                       # with diacritics
    ("dang ky ket hon", "Đăng ký kết hôn"),
    ("1.001193", "Đăng ký khai sinh"),                            # code with dots
    ("1001193", "Đăng ký khai sinh"),                             # code without dots
    ("chung thuc ban sao", "Chứng thực bản sao từ bản chính"),    # several words
    ("lien he duong day nong", "Liên hệ – đường dây nóng"),
])
def test_expected_top_result(page, served_site, query, top):  # noqa: F811
    results = search(page, served_site[0], query)
    assert results and results[0].startswith(top), results[:3]


def same_results(page, base, one, other):
    """Both spellings find as many results, the best first (the order of the rest may differ:
    Pagefind ranks a word spelt as in the query a little higher)."""
    first = search(page, base, one)
    count = page.locator("#cc-search-status").inner_text().replace(one, "")
    second = search(page, base, other)
    assert first and count == page.locator("#cc-search-status").inner_text().replace(other, "")
    assert first[0] == second[0]
    return first


def test_d_with_stroke_and_unaccented_find_the_same_pages(page, served_site):  # noqa: F811
    found = same_results(page, served_site[0], "dat dai", "đất đai")
    assert any("tranh chấp đất đai" in title for title in found[:3])


def test_old_and_new_tone_placement_find_each_other(page, served_site):  # noqa: F811
    same_results(page, served_site[0], "hoà giải", "hòa giải")
    same_results(page, served_site[0], "thuỷ", "thủy")


def test_results_show_section_code_and_online_level(page, served_site):  # noqa: F811
    search(page, served_site[0], "1.001193")
    meta = page.locator(".cc-search__meta").first.inner_text()
    assert meta.startswith("Thủ tục hành chính · Mã 1.001193 · Trực tuyến")
    assert page.locator(".cc-search__excerpt mark").count() >= 1
    assert "q=1.001193" in page.url  # the query is in the address (shareable, in server logs)


def test_no_result_says_what_to_do(page, served_site):  # noqa: F811
    assert search(page, served_site[0], "xyzqwv") == []
    status = page.locator("#cc-search-status").inner_text()
    assert status.startswith("Không tìm thấy kết quả nào cho “xyzqwv”.") and "danh mục" in status
    assert page.locator("a[href$='/thu-tuc/a-z/']").count() == 1


def test_only_content_pages_are_indexed(served_site):  # noqa: F811
    """The first index holds articles and pages; the full-text bundles articles and procedures."""
    _, out = served_site

    def pages(bundle):
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        return sum(language["page_count"] for language in entry["languages"].values())

    articles = len([p for p in (out / "tin-tuc").glob("20*/[01]*/*/index.html") if not moved(p)])
    procedures = len(list((out / "thu-tuc").glob("[0-9]-*/index.html")))
    assert pages(out / "pagefind") == articles + 5  # 5 pages
    listing = json.loads((out / "pagefind" / "toan-van" / "danh-sach.json").read_text(encoding="utf-8"))
    bundles = [out / "pagefind" / b for b in listing["bundles"]]
    assert sum(pages(b) for b in bundles) == articles + procedures
    assert pages(out / "pagefind" / "toan-van" / "thu-tuc") == procedures


def test_filters_for_section_and_fields(page, served_site):  # noqa: F811
    page.goto(f"{served_site[0]}/tim-kiem/", wait_until="load")
    filters = page.evaluate("""async () => {
        const url = document.querySelector('form[data-pagefind]').dataset.pagefind;
        const pf = await import(url);
        await pf.options({ noWorker: true });
        const base = url.replace(/pagefind[.]js$/, "");
        const listing = await (await fetch(base + "toan-van/danh-sach.json")).json();
        for (const bundle of listing.bundles) await pf.mergeIndex(base + bundle);
        return await pf.filters(); }""")
    assert set(filters["muc"]) == {"Tin tức", "Thủ tục hành chính", "Giới thiệu"}
    assert "Hộ tịch" in filters["linh_vuc"] and "Trực tuyến toàn trình" in filters["muc_do"]
    assert "Chính quyền số, chuyển đổi số" in filters["chuyen_muc"]


def test_keyboard_and_screen_reader_use(page, served_site):  # noqa: F811
    base = served_site[0]
    page.goto(f"{base}/tim-kiem/", wait_until="load")
    page.focus("#cc-search-input")
    page.keyboard.type("khai sinh")
    page.wait_for_function("() => document.querySelectorAll('.cc-search__title a').length > 0", timeout=20000)
    assert page.get_attribute("#cc-search-status", "role") == "status"
    page.keyboard.press("Tab")  # the button
    page.keyboard.press("Tab")  # the first result
    assert page.evaluate("() => document.activeElement.closest('.cc-search__result') !== null")
    assert axe_violations(page) == []


def test_header_search_box_leads_to_results(page, served_site):  # noqa: F811
    base = served_site[0]
    page.goto(f"{base}/", wait_until="load")
    page.locator("summary.cc-menu__button").click()  # on a phone the search box is in the "Danh mục" menu
    page.fill("#cc-header-q", "ho kinh doanh")
    page.press("#cc-header-q", "Enter")
    page.wait_for_function("() => document.querySelectorAll('.cc-search__title a').length > 0", timeout=20000)
    assert page.url.startswith(f"{base}/tim-kiem/?q=ho+kinh+doanh")


def excerpts(page):
    return [(title.strip(), text, marks) for title, text, marks in page.evaluate("""() =>
        [...document.querySelectorAll('.cc-search__result')].map((r) => [
            r.querySelector('.cc-search__title').innerText, r.querySelector('.cc-search__excerpt').innerText,
            [...r.querySelectorAll('.cc-search__excerpt mark')].map((m) => m.textContent)])""")]


@pytest.mark.parametrize("query, title, marked", [
    ("dang ky khai sinh", "Đăng ký khai sinh", ["đăng", "ký", "khai", "sinh"]),           # procedure, no diacritics
    ("Đăng ký khai sinh", "Đăng ký khai sinh", ["đăng", "ký", "khai", "sinh"]),           # procedure, diacritics
    ("1001193", "Đăng ký khai sinh", ["1.001193"]),                                       # code without dots
    ("chuyen doi so", "Chuyên đề phát thanh: Chuyển đổi số", ["chuyển", "đổi", "số"]),     # article, no diacritics
    ("chuyển đổi số", "Chuyên đề phát thanh: Chuyển đổi số", ["chuyển", "đổi", "số"]),    # article, diacritics
])
def test_excerpts_are_the_pages_own_text_with_the_matched_words_marked(page, served_site, query, title, marked):  # noqa: F811
    search(page, served_site[0], query)
    found = excerpts(page)
    text, marks = next((text, marks) for t, text, marks in found if t.startswith(title))
    assert set(marked) <= {m.lower() for m in marks}, (text, marks)
    for _, text, _ in found:  # never the hidden folded terms (data-tim) or their code variants
        assert "\u2042" not in text and "1-001193" not in text and " ma 1." not in text
        assert "dang ky khai sinh" not in text and "chuyen doi so" not in text and not text.startswith("thu tuc")
        assert "1001193" not in text.replace("1.001193", "")


def titles(page):
    return [t.strip() for t in page.locator(".cc-search__title").all_inner_texts()]


def test_words_only_in_an_articles_text_are_found_in_the_full_text(page, served_site):  # noqa: F811
    """The first index holds titles, summaries, tags and headings; when it finds nothing the page
    searches the full text by itself ("kịch bản" is written only in articles' and procedures' text)."""
    base = served_site[0]
    page.goto(f"{base}/tim-kiem/", wait_until="load")
    headline = page.evaluate("""async () => {
        const pf = await import(document.querySelector('form[data-pagefind]').dataset.pagefind);
        await pf.options({ noWorker: true });
        return (await pf.search("kich ban")).results.length; }""")
    assert headline == 0
    found = search(page, base, "kich ban")
    assert any(t.startswith("Hai phát thanh viên của phường Chí Linh vào vòng chung kết") for t in found), found
    assert page.locator("#cc-search-more").is_hidden()  # the full text was searched already


def test_the_full_text_is_searched_when_the_resident_asks(page, served_site):  # noqa: F811
    base = served_site[0]
    first = search(page, base, "tap luyen")  # only the plan's page has it in what the first index holds
    more = page.locator("#cc-search-more")
    assert more.is_visible() and more.inner_text() == "Tìm thêm trong toàn văn tin bài và thủ tục"
    more.click()
    page.wait_for_function("() => document.getElementById('cc-search-more').hidden && "
                           "/^Tìm thấy/.test(document.getElementById('cc-search-status').textContent)", timeout=20000)
    after = titles(page)
    assert set(first) < set(after), (first, after)
    assert not any(t.startswith("Hai phát thanh viên") for t in first), first
    assert any(t.startswith("Hai phát thanh viên") for t in after), after  # "tập luyện" is in its text
    assert axe_violations(page) == []


def test_procedures_answer_without_the_search_index(page, served_site):  # noqa: F811
    """A procedure is shown from the finder's small data before Pagefind is downloaded at all."""
    base = served_site[0]
    page.route("**/pagefind/**", lambda route: route.abort())
    try:
        page.goto(f"{base}/tim-kiem/?q=dang+ky+khai+sinh", wait_until="load")
        page.wait_for_function("() => /^Tìm thấy/.test(document.getElementById('cc-search-status').textContent)",
                               timeout=20000)
        assert titles(page)[0] == "Đăng ký khai sinh"
    finally:
        page.unroute("**/pagefind/**")


def test_a_later_build_reindexes_only_bundles_whose_pages_changed(page, tmp_path):  # noqa: F811
    """With the cache kept (CI), a bundle whose pages are byte for byte those of the last build is
    copied from the cache; the bundle of an edited article is made again and finds its new words."""
    import functools
    import http.server
    import shutil
    import threading

    from conftest import ROOT, run_pelican
    from servers import free_port
    from test_browser import QuietHandler

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    content, out, cache = tmp_path / "content", tmp_path / "out", tmp_path / "cache"
    shutil.copytree(ROOT / "content", content)
    first = run_pelican(content, tmp_path / "first", siteurl=base, cache=cache, extra=["-D"])
    assert first.returncode == 0, first.stdout + first.stderr
    assert "unchanged since the last build" not in first.stdout + first.stderr
    edited = content / "articles" / "2026" / "cai-cach-thu-tuc-tao-thuan-loi-cho-ho-kinh-doanh.md"
    edited.write_text(edited.read_text("utf-8") + "\nHộ kinh doanh ở tổ dân phố Trại Thượng được hướng dẫn "
                      "đăng ký qua Cổng dịch vụ công.\n", encoding="utf-8")
    second = run_pelican(content, out, siteurl=base, cache=cache, extra=["-D"])
    log = second.stdout + second.stderr
    assert second.returncode == 0, log
    assert "Search index: pagefind/toan-van/thu-tuc unchanged since the last build." in log
    assert "Search index: pagefind/toan-van/tin-2026 unchanged" not in log
    assert (out / "pagefind" / "toan-van" / "thu-tuc").is_dir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(QuietHandler, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        found = search(page, base, "trai thuong")
        assert found and found[0].startswith("Cải cách thủ tục"), found
        assert any(t.startswith("Đăng ký khai sinh") for t in search(page, base, "dang ky khai sinh"))
    finally:
        server.shutdown()
        server.server_close()


def test_a_bundle_begun_before_its_last_page_was_written_is_made_again(tmp_path, caplog):
    """The headline index is begun when the articles and pages are written, while Pelican writes
    the rest; if one of its pages is written again after that, finish() indexes it again and the
    cache does not keep the early index."""
    import gzip
    import logging
    import os
    import sys

    sys.path.insert(0, str(__import__("conftest").ROOT / "plugins"))
    from cchc_search import index

    out, cache = tmp_path / "out", tmp_path / "cache"
    page = out / "tin-tuc" / "2026" / "01" / "bai" / "index.html"
    html = '<!doctype html><html lang="vi"><body><main data-pagefind-body><h1>{}</h1></main></body></html>'
    page.parent.mkdir(parents=True)
    page.write_text(html.format("Lịch tiếp công dân tháng Một"), encoding="utf-8")
    (out / "lien-he").mkdir()
    (out / "lien-he" / "index.html").write_text(html.format("Liên hệ"), encoding="utf-8")
    (out / "thu-tuc").mkdir()  # a listing written late, without data-pagefind-body: no new index
    procedures = index.procedure_pages(addresses.settings())
    indexing = index.Indexing(out, procedures, cache=cache)
    indexing.start(lambda bundle: bundle.path == "pagefind", 1)
    indexing.thread.join()
    early = indexing.reads["pagefind"].key
    (out / "thu-tuc" / "index.html").write_text("<!doctype html><html lang='vi'><body>Thủ tục</body></html>")
    page.write_text(html.format("Lịch tiếp công dân tháng Hai"), encoding="utf-8")
    os.utime(page, ns=(1, 1))
    with caplog.at_level(logging.DEBUG, logger=index.logger.name):
        indexing.finish()
    assert [r.getMessage() for r in caplog.records if "indexed again" in r.getMessage()] == [
        "Search index: pagefind is indexed again (tin-tuc/2026/01/bai/index.html was written since it was begun)."]
    texts = [gzip.decompress(f.read_bytes()).decode("utf-8") for f in (out / "pagefind" / "fragment").iterdir()]
    assert any("tháng Hai" in t for t in texts) and not any("tháng Một" in t for t in texts)
    assert not (cache / early).exists() and (cache / index.bundles(out, procedures)[0].read(out)[0].key).is_dir()


def test_the_headline_index_reads_all_an_article_page_gives_it(served_site, tmp_path):  # noqa: F811
    """The headline index is made from the article pages without their text (index.headline_page):
    Pagefind run on the whole pages gives every page the same words, title, date and filters (and,
    unused, the ids and first photo of the text, which the copies no longer send to phones)."""
    import gzip
    import subprocess
    import sys

    sys.path.insert(0, str(__import__("conftest").ROOT / "plugins"))
    from cchc_search import index

    _, out = served_site
    headline = index.bundles(out, index.procedure_pages(addresses.settings()))[0]
    assert headline.headline
    whole = subprocess.run(headline.command(str(out), str(tmp_path / "whole")), capture_output=True, text=True)
    assert whole.returncode == 0, whole.stdout + whole.stderr

    def fragments(folder):
        found = {}
        for file in (folder / "fragment").iterdir():
            fragment = json.loads(gzip.decompress(file.read_bytes())[len(b"pagefind_dcd"):])
            # Pagefind takes these from the text the selectors leave out too; search.js uses neither
            # (pageResult: title, muc, ma, muc_do, bai_bo, date and the words).
            fragment.pop("anchors")
            fragment["meta"].pop("image", None), fragment["meta"].pop("image_alt", None)
            found[fragment["url"]] = fragment
        return found

    built, expected = fragments(out / "pagefind"), fragments(tmp_path / "whole")
    assert len(built) > 20 and built == expected
