"""The procedure finder ("Tìm nhanh thủ tục", plugins/cchc_finder, theme/static/js/finder.js) as
residents use it: words they know, no diacritics, codes read off a paper; its data file checked like
the other data files; folding the same in Python and in the browser."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from cchc import finder, vn
from cchc.errors import ContentError
from conftest import ROOT

STRINGS = ["Đăng Ký khai sinh", "ĐĂNG KÝ", "hoà giải", "hòa giải", "thuỷ", "THỦY", "Ứng dụng", "ấp",
           "\u00d0ăng ký", "đăng k\u200eý", "Tha\u0300nh phô\u0301", "Xét tặng “Gia đình văn hóa”",
           "1.001193", "mã 1.001193; (1-001193)", "Sổ đỏ / sổ hồng", "  nhiều   khoảng  trắng ",
           "Nguyễn Thị Ánh Tuyết", "Giấy khai sinh\u00a0bản sao", "quyền sử dụng đất, nhà ở"]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_javascript_folds_like_python():
    script = (f"import {{ fold, searchKey }} from {json.dumps((ROOT / 'theme/static/js/fold.js').as_uri())};"
              f"const s = {json.dumps(STRINGS)};"
              "console.log(JSON.stringify(s.map((t) => [fold(t), searchKey(t)])));")
    result = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [[vn.fold(t), vn.search_key(t)] for t in STRINGS]


def test_search_key_folds_and_drops_punctuation():
    assert vn.search_key("Xét tặng “Gia đình văn hóa”") == "xet tang gia dinh van hoa"
    assert vn.search_key("Làm giấy khai sinh") == vn.search_key("lam  giay khai sinh") == "lam giay khai sinh"


def _codes():
    return {path.stem: "trang_thai: bai-bo" not in path.read_text(encoding="utf-8")
            for path in (ROOT / "content" / "procedures").glob("*.yaml")}


def test_the_wards_keywords_file_is_valid():
    keywords = finder.load_keywords(str(ROOT / "content/data" / finder.FILE), _codes())
    phrases = {vn.search_key(p): codes for texts, codes in keywords.groups for p in texts}
    assert phrases["giay khai sinh"] == phrases["lam giay khai sinh"] == ["1.001193"]
    assert "2.001035" in phrases["so do"] and "1.004873" in phrases["xac nhan doc than"]
    assert keywords.chosen[0] == "1.001193"


def test_keywords_file_problems_are_reported_with_file_and_line(tmp_path):
    path = tmp_path / finder.FILE
    path.write_text("tu_khoa:\n"
                    "  - cum_tu: [sổ đỏ]\n"
                    "    thu_tuc: [\"9.999999\"]\n"                 # line 3: unknown code
                    "  - cum_tu: [tạm trú]\n"
                    "    thu_tuc: [\"1.002755\"]\n"                 # line 5: abolished
                    "  - cum_tu: [So do]\n"                        # line 6: same words as line 2
                    "    thu_tuc: [\"1.001193\"]\n"
                    "    ghi_chu: x\n"                             # line 8: unknown key
                    "duoc_quan_tam: [\"1.00119\"]\n", encoding="utf-8")  # line 9
    with pytest.raises(ContentError) as error:
        finder.load_keywords(str(path), _codes())
    text = "\n".join(str(p) for p in error.value.problems)
    assert "dòng 3, khóa “thu_tuc”: cụm từ “sổ đỏ”: không có thủ tục mã “9.999999”." in text
    assert "dòng 5, khóa “thu_tuc”: cụm từ “tạm trú”: thủ tục 1.002755 đã bãi bỏ." in text
    assert "dòng 6, khóa “cum_tu”: cụm từ “So do” đã có ở dòng 2" in text
    assert "dòng 8, khóa “ghi_chu”" in text and "dòng 9, khóa “duoc_quan_tam”" in text


def test_yaml_anchors_and_aliases_are_refused(tmp_path):
    path = tmp_path / finder.FILE
    path.write_text("tu_khoa:\n  - cum_tu: [giấy khai sinh]\n    thu_tuc: &ks [\"1.001193\"]\n"
                    "  - cum_tu: [khai sinh cho con]\n    thu_tuc: *ks\n", encoding="utf-8")
    with pytest.raises(ContentError) as error:
        finder.load_keywords(str(path), _codes())
    text = "\n".join(str(p) for p in error.value.problems)
    assert "dòng 3: tệp dùng neo (&) “ks”" in text and "dòng 5: tệp dùng bí danh (*) “ks”" in text


def test_popular_procedures_come_from_the_latest_period_else_the_wards_list(tmp_path):
    keywords = finder.Keywords([], ["1.001193", "1.004194"])
    active = {"1.001193", "1.004194", "2.000815", "1.000894"}
    assert finder.popular(str(tmp_path), active, keywords) == finder.Popular(["1.001193", "1.004194"], None, None)

    def stats(name, start, end, rows):
        (tmp_path / f"{vn.slugify(name)}.json").write_text(json.dumps({
            "ky": {"ten": name, "tu_ngay": start, "den_ngay": end}, "tong": {},
            "thu_tuc": [{"dia_chi": f"/thu-tuc/{vn.slugify(c)}/", "ma": c, "ten": "", "luot_xem": n, "khach": n}
                        for c, n in rows]}), encoding="utf-8")

    stats("Quý II/2026", "2026-04-01", "2026-06-30", [("1.000894", 900)])
    stats("Quý III/2026", "2026-07-01", "2026-09-30", [("9.999999", 500), ("2.000815", 120), ("1.004194", 300)])
    chosen = finder.popular(str(tmp_path), active, keywords)
    assert (chosen.codes, chosen.period) == (["1.004194", "2.000815"], "Quý III/2026")  # unknown code left out


def test_fee_in_a_few_words():
    free = {"fees": [], "fees_known": True}
    assert finder.fee_line([free, free]) == "Miễn phí"
    assert finder.fee_line([{"fees": [], "fees_known": False}]) == "Phí: hỏi tại nơi nộp hồ sơ"
    fee = {"fees": [{"label": "Lệ phí", "amount": "8.000 đồng"}], "fees_known": True}
    other = {"fees": [{"label": "Lệ phí", "amount": "4.000 đồng"}], "fees_known": True}
    assert finder.fee_line([fee, fee]) == "Lệ phí: 8.000 đồng"
    assert finder.fee_line([fee, other]) == "Lệ phí: 8.000 đồng (tùy cách nộp)"


# ---- in Chromium, on the real site -------------------------------------------------------------

pytest.importorskip("playwright.sync_api")
from test_browser import axe_violations, browser, served_site  # noqa: E402,F401


@pytest.fixture(scope="module")
def phone(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    yield context
    context.close()


def find(page, query):
    page.fill("#cc-finder-q", query)
    page.wait_for_function("() => /khớp/.test(document.getElementById('cc-finder-status').textContent)", timeout=20000)
    return [t.strip() for t in page.locator("#cc-finder-results .cc-finder__result").all_inner_texts()]


@pytest.mark.browser
@pytest.mark.parametrize("where", ["thu-tuc/", ""])
@pytest.mark.parametrize("query, first", [
    ("làm giấy khai sinh", "Đăng ký khai sinh 1.001193 · Trực tuyến toàn trình · Miễn phí"),
    ("lam giay khai sinh", "Đăng ký khai sinh 1.001193"),
    ("1.001193", "Đăng ký khai sinh 1.001193"),
    ("1001193", "Đăng ký khai sinh 1.001193"),
    ("dang ky tam tru", "Đăng ký tạm trú 1.004194 · Trực tuyến toàn trình · Lệ phí: 7.000 đồng"),
    ("xin xac nhan doc than", "Cấp Giấy xác nhận tình trạng hôn nhân 1.004873"),
    ("sổ đỏ", "Chứng thực giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất, nhà ở 2.001035"),
    ("so do", "Chứng thực giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất, nhà ở 2.001035"),
])
def test_finder_answers_in_the_words_residents_use(phone, served_site, where, query, first):  # noqa: F811
    page = phone.new_page()
    page.goto(f"{served_site[0]}/{where}", wait_until="load")
    results = find(page, query)
    assert results and results[0].startswith(first), results[:3]
    page.close()


@pytest.mark.browser
def test_finder_searches_lines_of_work_and_shows_one_line_per_procedure(phone, served_site):  # noqa: F811
    page = phone.new_page()
    page.goto(f"{served_site[0]}/thu-tuc/", wait_until="load")
    results = find(page, "chung thuc")
    assert len(results) >= 4 and all(r.startswith("Chứng thực") for r in results[:4])
    results = find(page, "ho tich")  # lĩnh vực Hộ tịch
    assert any(r.startswith("Đăng ký kết hôn 1.000894") for r in results) or "hiện 8" in page.inner_text("#cc-finder-status")
    for item in page.locator("#cc-finder-results .cc-finder__result").all():
        facts = item.locator(".cc-finder__facts").inner_text()
        assert len(facts.split(" · ")) == 3 and facts.split(" · ")[1].startswith(("Trực tuyến", "Không trực tuyến"))
    page.close()


@pytest.mark.browser
def test_finder_downloads_nothing_until_used_and_answers_from_the_second_letter(phone, served_site):  # noqa: F811
    base, _ = served_site
    page = phone.new_page()
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{base}/tin-tuc/", wait_until="load")
    page.goto(f"{base}/", wait_until="load")
    finder_files = lambda: [u for u in requested if "tim-thu-tuc" in u or "/fold." in u or "/finder." in u]  # noqa: E731
    assert [u for u in finder_files() if "/finder." not in u] == []            # the data waits for the box
    assert [u for u in requested if "/finder." in u] == [u for u in finder_files() if "/finder." in u] != []
    page.focus("#cc-finder-q")
    page.keyboard.type("s")
    page.wait_for_function("() => performance.getEntriesByType('resource').some((e) => e.name.includes('tim-thu-tuc'))")
    page.wait_for_timeout(300)
    assert page.locator("#cc-finder-results li").count() == 0
    page.keyboard.type("o")
    page.wait_for_function("() => document.querySelectorAll('#cc-finder-results a').length > 0")
    page.close()
    article = phone.new_page()
    requested.clear()
    article.on("request", lambda r: requested.append(r.url))
    article.goto(f"{base}/thu-tuc/1-001193/", wait_until="load")
    assert not [u for u in requested if "tim-thu-tuc" in u or "/finder." in u or "/fold." in u]
    article.close()


@pytest.mark.browser
def test_finder_with_keyboard_and_screen_reader(phone, served_site):  # noqa: F811
    page = phone.new_page()
    page.goto(f"{served_site[0]}/thu-tuc/", wait_until="load")
    assert page.get_attribute("#cc-finder-status", "role") == "status"
    assert page.get_attribute("#cc-finder-status", "aria-live") == "polite"
    assert page.locator("form[role=search][aria-label='Tìm nhanh thủ tục hành chính']").count() == 1
    page.focus("#cc-finder-q")
    page.keyboard.type("tạm trú")
    page.wait_for_function("() => document.querySelectorAll('#cc-finder-results a').length > 1")
    assert page.inner_text("#cc-finder-status").endswith("thủ tục khớp với “tạm trú”.")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.textContent") == "Đăng ký tạm trú"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    assert page.evaluate("() => document.activeElement.id") == "cc-finder-q"
    assert axe_violations(page) == []
    page.keyboard.press("Enter")  # the whole site's search page, with the query
    page.wait_for_url("**/tim-kiem/?q=*")
    assert "q=t%E1%BA%A1m+tr%C3%BA" in page.url
    page.close()


@pytest.mark.browser
def test_finder_without_javascript_opens_the_search_page(browser, served_site):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{served_site[0]}/", wait_until="load")
    page.fill("#cc-finder-q", "so do")
    page.press("#cc-finder-q", "Enter")
    page.wait_for_url("**/tim-kiem/?q=so+do")
    context.close()


@pytest.mark.browser
def test_popular_procedures_beside_the_finder(phone, served_site):  # noqa: F811
    page = phone.new_page()
    for where in ("", "thu-tuc/"):
        page.goto(f"{served_site[0]}/{where}", wait_until="load")
        items = page.locator(".cc-finder__popular li").all_inner_texts()
        # no readership figures in content/data/thong-ke/: the ward's list, in its order
        assert items[0] == "Đăng ký khai sinh 1.001193 · Trực tuyến toàn trình" and len(items) == 6
        assert page.locator(".cc-finder__popular h3").inner_text() == "Thủ tục được quan tâm"
    page.close()
