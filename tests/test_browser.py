"""Real Chromium (Debian's, driven by Playwright): accessibility with axe-core, phone layout,
text size control, and reading without JavaScript."""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading

import pytest

from conftest import ROOT, moved, run_pelican
from servers import free_port

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served_site(tmp_path_factory):
    """The site built for and served from a loopback address chosen for this run."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out = tmp_path_factory.mktemp("served")
    result = run_pelican(ROOT / "content", out, siteurl=base, cache=tmp_path_factory.mktemp("cache"))
    assert result.returncode == 0, result.stdout + result.stderr
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(QuietHandler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, out
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


def representative_pages(out):
    """One page of every template: home, an article of each form, listings, archives, pages,
    procedures and their indexes, the task matrix, a task, a body, the reports."""
    articles = sorted(p for p in (out / "tin-tuc").glob("20*/[01]*/*/index.html") if not moved(p))
    by_form = {}
    for path in articles:
        kicker = re.search(r'cc-article__kicker">.*?· ([^<]+)</p>', path.read_text("utf-8"), re.S)
        by_form.setdefault(kicker.group(1).strip() if kicker else "", path)
    assert len(by_form) == 6, sorted(by_form)  # tin, bài, ảnh, video, phóng sự, âm thanh
    procedures = sorted((out / "thu-tuc").glob("[0-9]-*/index.html"))
    abolished = [p for p in procedures if "cc-abolished" in p.read_text("utf-8")][:1]
    tag = sorted((out / "the").glob("*/index.html"))[0]
    month = sorted((out / "tin-tuc" / "2026").glob("[01]*/index.html"))[0]
    field = sorted((out / "thu-tuc" / "linh-vuc").glob("*/index.html"))[0]
    rel = [str(p.relative_to(out).parent) + "/"
           for p in (*by_form.values(), *procedures[:2], *abolished, tag, month, field)]
    return ["", "trang/2/", "chuyen-muc/", "chuyen-muc/thu-tuc-dich-vu-cong/", "the/", "tin-tuc/",
            "tin-tuc/2026/", "theo-doi/", "gioi-thieu/", "ke-hoach-tuyen-truyen-cchc-2026/", "lien-he/",
            "ke-hoach/nhiem-vu/03/", "ke-hoach/co-quan/vhxh/", "bao-cao/", "bao-cao/2026/quy-i-2026/",
            "thu-tuc/", "thu-tuc/a-z/", "thu-tuc/linh-vuc/", "thu-tuc/muc-do/toan-trinh/", "tim-kiem/", *rel]


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(page):
    """WCAG 2.1 A/AA and axe's best practices (landmark-unique, region, heading-order, …)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 900)])
def test_no_accessibility_violations(served_site, browser, width, height):
    base, out = served_site
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    page = context.new_page()
    problems = {}
    for rel in representative_pages(out):
        page.goto(f"{base}/{rel}", wait_until="domcontentloaded")
        violations = axe_violations(page)
        if violations:
            problems[rel] = violations
    context.close()
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_phone_layout_has_no_horizontal_scrolling(served_site, browser):
    base, out = served_site
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for rel in representative_pages(out):
        page.goto(f"{base}/{rel}", wait_until="load")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (rel, overflow)
    context.close()


PHONE = {"width": 390, "height": 844}
FIRST_SCREEN_PAGES = {"trang chủ": "", "thủ tục": "thu-tuc/1-001193/", "ma trận nhiệm vụ": "ke-hoach-tuyen-truyen-cchc-2026/"}


def first_screen_pages(out):
    article = sorted(p for p in (out / "tin-tuc").glob("20*/[01]*/*/index.html") if not moved(p))[0]
    return {**FIRST_SCREEN_PAGES, "tin bài": str(article.relative_to(out).parent) + "/"}


@pytest.mark.parametrize("javascript", [True, False])
def test_on_a_phone_the_first_screen_starts_with_the_page_heading(served_site, browser, javascript):
    """At 390 × 844 the header is one row (name and "Danh mục"): the <h1> starts within the top
    200 px and nothing runs off the right edge, with or without JavaScript."""
    base, out = served_site
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    measured = {}
    for name, rel in first_screen_pages(out).items():
        page.goto(f"{base}/{rel}", wait_until="load")
        measured[name] = page.evaluate("""() => ({
            h1: document.querySelector('h1').getBoundingClientRect().top,
            scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth})""")
        assert not page.get_by_role("banner").get_by_role("link", name="Tra cứu thủ tục", exact=True).is_visible(), \
            name  # behind the menu
        assert not page.get_by_role("searchbox", name="Tìm tin bài, thủ tục", exact=True).is_visible(), name
    context.close()
    assert all(m["h1"] <= 200 for m in measured.values()), measured
    assert all(m["scrollWidth"] <= m["innerWidth"] for m in measured.values()), measured


def open_menu_by_keyboard(page):
    for _ in range(5):  # skip link, the ward's name, then the menu button
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('summary.cc-menu__button')"):
            break
    else:
        pytest.fail("the menu button is not reached with Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Danh mục"
    page.keyboard.press("Enter")


def test_phone_menu_opens_by_keyboard_and_holds_links_search_and_text_size(served_site, browser):
    base, out = served_site
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{base}/thu-tuc/1-001193/", wait_until="load")
    menu_link = page.get_by_role("banner").get_by_role("link", name="Tra cứu thủ tục", exact=True)
    assert not menu_link.is_visible()
    open_menu_by_keyboard(page)
    assert page.locator("summary.cc-menu__button").get_attribute("aria-expanded") in (None, "true")
    assert page.evaluate("() => document.querySelector('details.cc-menu').open")
    header = page.get_by_role("banner")
    for name in ("Tra cứu thủ tục", "Thủ tục hành chính và dịch vụ công", "Liên hệ"):
        assert header.get_by_role("link", name=name, exact=True).is_visible(), name
    assert page.get_by_role("searchbox", name="Tìm tin bài, thủ tục", exact=True).is_visible()
    assert page.get_by_role("button", name="Tăng cỡ chữ").is_visible()  # the text size control is in the menu
    width = page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
    assert width <= 0  # the open menu does not run off the edge either
    assert axe_violations(page) == []
    page.keyboard.press("Tab")  # the next stop is inside the menu
    assert page.evaluate("() => document.activeElement.closest('details.cc-menu') !== null")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # and the same button closes it
    assert not menu_link.is_visible()
    context.close()


def test_phone_menu_works_without_javascript(served_site, browser):
    base, _ = served_site
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/", wait_until="load")
    open_menu_by_keyboard(page)
    category = page.get_by_role("navigation", name="Chuyên mục").get_by_role("link", name="Chủ trương, chính sách")
    assert category.is_visible()
    category.click()
    assert page.locator("h1").inner_text().startswith("Chủ trương, chính sách")
    page.locator("summary.cc-menu__button").click()  # by pointer (a tap) too
    page.get_by_role("searchbox", name="Tìm tin bài, thủ tục", exact=True).fill("khai sinh")
    page.get_by_role("search", name="Tìm nhanh trong chuyên mục").get_by_role("button", name="Tìm").click()
    assert page.url.endswith("/tim-kiem/?q=khai+sinh")
    context.close()


def test_desktop_shows_the_menu_as_bars_without_a_button(served_site, browser):
    base, _ = served_site
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/", wait_until="load")
    assert not page.locator("summary.cc-menu__button").is_visible()
    header = page.get_by_role("banner")
    for name in ("Tra cứu thủ tục", "Cuộc thi, phong trào", "Liên hệ"):
        assert header.get_by_role("link", name=name, exact=True).is_visible(), name
    assert page.get_by_role("searchbox", name="Tìm tin bài, thủ tục", exact=True).is_visible()
    assert page.get_by_role("button", name="Tăng cỡ chữ").is_visible()
    nav = page.locator(".cc-nav").bounding_box()
    assert nav["y"] > page.locator(".cc-header__search").bounding_box()["y"]  # the bar is below the search
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # skip link, the ward's name, then straight to the first link: no button
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Đối thoại"
    context.close()


def test_text_size_control_enlarges_text_and_is_remembered(served_site, browser):
    base, _ = served_site
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/", wait_until="load")
    size = lambda: page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")  # noqa: E731
    normal = size()
    page.get_by_role("button", name="Tăng cỡ chữ").click()
    bigger = size()
    assert bigger > normal
    page.goto(f"{base}/theo-doi/", wait_until="load")
    assert size() == bigger  # remembered on this device
    page.get_by_role("button", name="Cỡ chữ mặc định").click()
    assert size() == normal
    context.close()


def test_copy_link_copies_the_page_address_and_says_so(served_site, browser):
    base, _ = served_site
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{base}/thu-tuc/1-001193/", wait_until="load")
    share = page.get_by_role("region", name="Chia sẻ trang này")
    share.get_by_role("link", name="Sao chép liên kết").click()
    page.wait_for_function("() => document.querySelector('[data-copy-status]').textContent !== ''")
    assert share.get_by_role("status").inner_text() == "Đã sao chép liên kết của trang."
    assert page.evaluate("() => navigator.clipboard.readText()") == f"{base}/thu-tuc/1-001193/"
    assert page.url == f"{base}/thu-tuc/1-001193/"  # the click did not navigate
    context.close()


def test_site_reads_without_javascript(served_site, browser):
    base, out = served_site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/", wait_until="load")
    assert not page.locator("[data-textsize-control]").is_visible()  # the control needs JS: hidden without it
    first = page.locator(".cc-item__title a").first
    title = first.inner_text()
    first.click()
    assert page.locator("h1").inner_text() == title
    assert page.locator("#noi-dung p").count() > 0
    context.close()


def test_skip_link_is_first_and_moves_focus_to_main(served_site, browser):
    base, _ = served_site
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/", wait_until="load")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Bỏ qua, đến nội dung chính"
    assert page.locator(".cc-skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#noi-dung-chinh"
    context.close()


def test_preview_rebuilds_on_save_and_reloads_the_browser(browser, fixture_site, tmp_path):
    """`cchc preview` (make devserver): saving a Markdown file updates the open page by itself."""
    import os
    import subprocess
    import sys
    import time

    from conftest import article

    port, liveport = free_port(), free_port()
    path = fixture_site.write("articles/xem-truoc.md", article(title="Tiêu đề trước khi sửa"))
    env = dict(os.environ, CCHC_BUILD_DATE="2026-11-26")
    server = subprocess.Popen([sys.executable, "-m", "cchc.cli", "preview", "--port", str(port), "--liveport",
                               str(liveport), "--content", str(fixture_site.content), "-o", str(tmp_path / "out")],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}/tin-tuc/2026/03/xem-truoc/"
        deadline = time.time() + 60
        page = browser.new_page()
        while True:
            try:
                page.goto(url, wait_until="load")
                if page.locator("h1").count():
                    break
            except playwright_api.Error:
                pass
            assert time.time() < deadline, "preview server did not start"
            time.sleep(0.5)
        assert page.locator("h1").inner_text() == "Tiêu đề trước khi sửa"
        time.sleep(1.5)  # let livereload's script connect
        path.write_text(path.read_text(encoding="utf-8").replace("Tiêu đề trước khi sửa", "Tiêu đề sau khi lưu"),
                        encoding="utf-8")
        page.wait_for_function("() => document.querySelector('h1') && "
                               "document.querySelector('h1').textContent === 'Tiêu đề sau khi lưu'", timeout=60000)
        # Right after (livereload would otherwise wait 3 s between reloads): a body edit is an
        # update of the kept build, not a full build, and the tab shows it too.
        path.write_text(path.read_text(encoding="utf-8") + "\nĐoạn văn vừa thêm khi xem trước.\n", encoding="utf-8")
        page.wait_for_function("() => document.body.textContent.includes('Đoạn văn vừa thêm khi xem trước.')",
                               timeout=10000)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    log = server.stdout.read()
    assert "Đã cập nhật" in log, log

