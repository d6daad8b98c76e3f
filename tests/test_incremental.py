"""The preview's incremental updates (cchc.incremental through cchc.preview.Builder, the worker
process `cchc preview` runs): after body edits the output is byte for byte what a full build of the
same sources writes, also after header edits, new or deleted articles and pages and procedure
edits and data file edits (the build runs again in the worker); photos, templates and code get a
full build; mistakes leave the output untouched; memory does not grow with the number of updates."""

from __future__ import annotations

import os
import pathlib
import random
import re
import shutil
import subprocess
import sys
import types

import pytest

from conftest import BUILD_DATE, ROOT, built_files

from cchc.preview import Builder

SITEURL = "http://127.0.0.1:8000"


def full_build(content: pathlib.Path, output: pathlib.Path, cache: pathlib.Path) -> dict[str, str]:
    result = subprocess.run([sys.executable, "-m", "cchc.cli", "build", "--content", str(content), "-o", str(output),
                             "--siteurl", SITEURL, "--cache", str(cache)], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return built_files(output)


def assert_same(incremental: dict, full: dict):
    assert incremental.keys() == full.keys(), sorted(incremental.keys() ^ full.keys())
    differ = sorted(name for name in full if incremental[name] != full[name])
    assert not differ, differ


@pytest.fixture
def preview(tmp_path, monkeypatch, request):
    """The real content in a temporary folder, with the preview's worker built on it (without the
    search index unless a test asks for it: @pytest.mark.parametrize("preview", [True], indirect=True))."""
    monkeypatch.setenv("CCHC_BUILD_DATE", BUILD_DATE)
    monkeypatch.delenv("SITEURL", raising=False)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    builder = Builder(content, tmp_path / "output", SITEURL, cache=tmp_path / "cache",
                      search=getattr(request, "param", False), log=tmp_path / "preview.log")
    assert builder.start(), builder.log.read_text("utf-8")
    yield builder
    builder.stop()


def body_edits(rng: random.Random, articles: list[pathlib.Path]):
    """Edits an editor makes to the text of an article (never to its header lines)."""
    codes = ["1.001193", "1.000894", "2.000635", "1.001612"]

    def add_paragraph(text, path):
        return text.rstrip("\n") + f"\n\nThông tin bổ sung số {rng.randint(1, 999)}: người dân có thể gọi đường dây nóng để được hướng dẫn.\n"

    def add_heading(text, path):  # a new #anchor and a new entry in the page
        return text.rstrip("\n") + f"\n\n## Câu hỏi thường gặp {rng.randint(1, 99)}\n\nTrả lời ngắn gọn, dễ hiểu.\n"

    def change_words(text, path):
        head, _, body = text.partition("\n\n")
        return head + "\n\n" + body.replace("người dân", "công dân", 1).replace("phường", "Phường", 1)

    def procedure_link(text, path):
        code = rng.choice(codes)
        return text.rstrip("\n") + f"\n\nXem [hồ sơ cần chuẩn bị]({{thu-tuc}}{code}#ho-so).\n"

    def article_link(text, path):
        other = rng.choice([a for a in articles if a != path])
        target = os.path.relpath(other, path.parent)
        return text.rstrip("\n") + f"\n\nĐọc thêm bài [{other.stem.replace('-', ' ')}]({{filename}}{target}).\n"

    def table(text, path):
        return text.rstrip("\n") + "\n\n| Thủ tục | Thời hạn |\n|---|---|\n| Khai sinh | Trong ngày |\n| Kết hôn | 05 ngày |\n"

    def remove_paragraph(text, path):
        head, _, body = text.partition("\n\n")
        paragraphs = body.split("\n\n")
        plain = [i for i, p in enumerate(paragraphs) if p and not p.startswith(("#", "!", "|", "-", "<", "[[")) and "{" not in p]
        if len(plain) > 2:
            del paragraphs[rng.choice(plain[1:])]
        return head + "\n\n" + "\n\n".join(paragraphs)

    return [add_paragraph, add_heading, change_words, procedure_link, article_link, table, remove_paragraph]


def test_random_body_edits_give_the_same_files_as_a_full_build(preview, tmp_path):
    rng = random.Random(20261126)
    articles = sorted((preview.content / "articles").rglob("*.md"))
    pages = sorted((preview.content / "pages").glob("*.md"))
    edits = body_edits(rng, articles)
    for round_ in range(3):
        for _ in range(8):
            path = rng.choice(articles + pages)
            edit = rng.choice(edits)
            before = path.read_text("utf-8")
            after = edit(before, path)
            if after == before:
                continue
            path.write_text(after, "utf-8")
            assert preview.rebuild() == "update", (path.name, edit.__name__)
        assert_same(built_files(preview.output), full_build(preview.content, tmp_path / f"full-{round_}", tmp_path / f"cache-{round_}"))


def header(text, key, value):
    """The text with its `key` header line saying `value` (added after the others if it had none)."""
    if re.search(rf"^{key}: .*$", text, flags=re.M):
        return re.sub(rf"^{key}: .*$", lambda _m: f"{key}: {value}", text, count=1, flags=re.M)
    head, _, body = text.partition("\n\n")
    return f"{head}\n{key}: {value}\n\n{body}"


def header_edits(rng: random.Random, content: pathlib.Path):
    """What editors change besides the text: header lines, new articles and pages, deletions."""
    categories = sorted({m for p in (content / "articles").rglob("*.md")
                         for m in re.findall(r"^Category: (.*)$", p.read_text("utf-8"), flags=re.M)})
    tags = ["hộ kinh doanh", "dịch vụ công trực tuyến", "chuyển đổi số", "một cửa", "Hòa giải cơ sở", "thanh niên"]

    def title(path):
        text = path.read_text("utf-8")
        path.write_text(re.sub(r"^Title: (.*)$", lambda m: f"Title: {m.group(1)} (cập nhật {rng.randint(1, 99)})", text,
                               count=1, flags=re.M), "utf-8")

    def date(path):  # sometimes the very minute of another article: ties are ordered by path
        others = [re.search(r"^Date: (.*)$", p.read_text("utf-8"), flags=re.M).group(1)
                  for p in (content / "articles").rglob("*.md")]
        value = rng.choice(others) if rng.random() < 0.5 else \
            f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d} {rng.choice(['07:30', '08:00', '14:00', '16:15'])}"
        path.write_text(header(path.read_text("utf-8"), "Date", value), "utf-8")

    def tag_list(path):
        path.write_text(header(path.read_text("utf-8"), "Tags", ", ".join(rng.sample(tags, rng.randint(1, 3)))), "utf-8")

    def category(path):
        path.write_text(header(path.read_text("utf-8"), "Category", rng.choice(categories)), "utf-8")

    def summary(path):
        path.write_text(header(path.read_text("utf-8"), "Summary",
                               f"Tóm tắt mới số {rng.randint(1, 999)}: người dân làm thủ tục nhanh hơn tại phường."),
                        "utf-8")

    def new_article(path):
        slug = f"bai-moi-{rng.randint(1000, 9999)}"
        text = re.sub(r"^Title: (.*)$", lambda m: f"Title: Bài mới {slug[-4:]}: {m.group(1)}", path.read_text("utf-8"),
                      count=1, flags=re.M)
        (path.parent / f"{slug}.md").write_text(text, "utf-8")

    def delete(path):  # (deleting a file another links to is a mistake: tested on its own)
        linked = any(path.name in other.read_text("utf-8") for other in content.rglob("*.md") if other != path)
        if not linked and "ke-hoach" not in path.name:  # the plan's own page is linked from the task pages
            path.unlink()

    return [title, date, tag_list, category, summary, new_article, delete]


def edit_in_rounds(preview, tmp_path, rounds: int, per_round: int, pick):
    """pick() → (file, edit); each edit is an update, and each round ends as a full build would."""
    for round_ in range(rounds):
        for _ in range(per_round):
            path, edit = pick()
            edit(path)
            outcome = preview.rebuild()
            assert outcome in ("update", "unchanged"), (path.name, edit.__name__, preview.log.read_text("utf-8")[-3000:])
        assert_same(built_files(preview.output), full_build(preview.content, tmp_path / f"full-{round_}",
                                                            tmp_path / f"cache-{round_}"))


def test_random_header_edits_new_and_deleted_files_give_the_same_files_as_a_full_build(preview, tmp_path):
    rng = random.Random(20261130)
    edits = header_edits(rng, preview.content)

    def pick():
        sources = sorted((preview.content / "articles").rglob("*.md")) + sorted((preview.content / "pages").glob("*.md"))
        path = rng.choice(sources)
        return path, rng.choice(edits[:5] if path.parent.name == "pages" and rng.random() < 0.7 else edits)

    edit_in_rounds(preview, tmp_path, 3, 5, pick)


def test_random_title_and_summary_edits_rewrite_what_shows_them_without_a_run(preview, tmp_path):
    """A title or a summary (cchc.updates.SHOWN) is shown, never used to order or group: the preview
    writes again the files that showed the item (its page, neighbours, listings, feeds, related
    lists, the plan's reports and exports), without running the build again."""
    rng = random.Random(20261202)
    title, summary = header_edits(rng, preview.content)[0], header_edits(rng, preview.content)[4]

    def no_summary(path):  # (a page: articles must have one) Pelican then makes it from the text
        path.write_text(re.sub(r"^Summary: .*\n", "", path.read_text("utf-8"), count=1, flags=re.M), "utf-8")
    sources = sorted((preview.content / "articles").rglob("*.md")) + sorted((preview.content / "pages").glob("*.md"))
    products = [path for path in sources if "nhiem_vu:" in path.read_text("utf-8")]
    pages = [path for path in sources if path.parent.name == "pages" and "\nSummary: " in path.read_text("utf-8")]
    for round_ in range(2):
        for turn in range(6):
            path = rng.choice(products if turn == 0 else pages if turn == 1 else sources)
            edit = title if turn == 0 else no_summary if turn == 1 else rng.choice([title, summary])
            edit(path)
            logged = len(preview.log.read_text("utf-8"))
            assert preview.rebuild() == "update", (path.name, edit.__name__)
            log = preview.log.read_text("utf-8")[logged:]
            assert "Processed" not in log, (path.name, edit.__name__, log)  # Pelican did not run again
        assert_same(built_files(preview.output), full_build(preview.content, tmp_path / f"full-{round_}",
                                                            tmp_path / f"cache-{round_}"))


def test_random_tag_edits_rewrite_what_they_change_without_a_run(preview, tmp_path):
    """An article's "Tags" line (its body maybe too): the tags' lists are grouped again in place,
    the pages and feeds of the tags it left or joined are written, a tag no article has any more
    loses its pages, and the related lists follow, without running the build again; each round
    ends as a full build would. A spelling that clashes with another article's tag is a run of
    the build, which reports it."""
    rng = random.Random(20261201)
    articles = sorted((preview.content / "articles").rglob("*.md"))
    known = sorted({tag.strip() for path in articles
                    for line in re.findall(r"^Tags: (.*)$", path.read_text("utf-8"), flags=re.M)
                    for tag in line.split(",") if tag.strip()})
    assert len(known) > 10
    edits = header_edits(rng, preview.content)

    def tags_line(path, value, body=False):
        text = header(path.read_text("utf-8"), "Tags", value)
        path.write_text(text + ("\nMột đoạn mới được thêm vào bài.\n" if body else ""), "utf-8")

    for round_ in range(2):
        for turn in range(6):
            path = rng.choice(articles)
            chosen = rng.sample(known, rng.randint(1, 3))
            if turn % 3 == 1:  # a tag of its own: a new tag, whose pages go when the next edit takes it away
                chosen.append(f"thẻ riêng {rng.randint(1, 9)}")
            tags_line(path, ", ".join(chosen), body=turn == 4)
            logged = len(preview.log.read_text("utf-8"))
            assert preview.rebuild() == "update", path.name
            log = preview.log.read_text("utf-8")[logged:]
            assert "Processed" not in log, (path.name, chosen, log)  # Pelican did not run again
        if round_ == 1:  # a date moves the articles, then tags again: the lists are those of the run
            edits[1](rng.choice(articles))  # (a date)
            assert preview.rebuild() == "update"
        assert_same(built_files(preview.output), full_build(preview.content, tmp_path / f"full-{round_}",
                                                            tmp_path / f"cache-{round_}"))
    # A tag on 11 articles has two pages; one article leaving it takes the second page away, the
    # last one leaving it takes its pages and feeds away.
    paged = rng.sample(articles, 11)
    for path in paged[:10]:
        tags_line(path, "một cửa, thẻ phân trang")
    assert preview.rebuild() == "update"  # (several files: a run)
    tags_line(paged[10], "thẻ phân trang")
    assert preview.rebuild() == "update"
    assert (preview.output / "the" / "the-phan-trang" / "trang" / "2" / "index.html").exists()
    for path in (paged[10], *paged[:10]):
        tags_line(path, "một cửa")
        logged = len(preview.log.read_text("utf-8"))
        assert preview.rebuild() == "update"
        assert "Processed" not in preview.log.read_text("utf-8")[logged:]
        if path == paged[10]:
            assert not (preview.output / "the" / "the-phan-trang" / "trang" / "2").exists()
            assert_same(built_files(preview.output), full_build(preview.content, tmp_path / "full-pages",
                                                                tmp_path / "cache-pages"))
    assert not (preview.output / "the" / "the-phan-trang").exists()
    assert not list(preview.output.rglob("the-phan-trang*"))
    # Another word at the address of a tag ("văn hoa" is not "văn hóa"): the run reports it, and
    # the fix is an update again.
    assert "văn hóa công vụ" in known
    path = rng.choice(articles)
    tags_line(path, "một cửa, văn hoa công vụ")
    assert preview.rebuild() == "problems"
    assert "văn hoa công vụ" in preview.log.read_text("utf-8")
    tags_line(path, "một cửa, văn hóa công vụ")
    assert preview.rebuild() == "update"
    assert_same(built_files(preview.output), full_build(preview.content, tmp_path / "full-end", tmp_path / "cache-end"))


def test_random_category_edits_rewrite_what_they_change_without_a_run(preview, tmp_path):
    """An article's "Category" line (its tags or body maybe too): the chuyên mục are grouped again
    in place, the pages and feeds of the two it left and joined are written, the plan counts the
    articles by chuyên mục again (its reports), a chuyên mục no article is in any more loses its
    pages and feeds, and one that gains its first article has them, without running the build
    again; each round ends as a full build would."""
    rng = random.Random(20261203)
    articles = sorted((preview.content / "articles").rglob("*.md"))
    edits = header_edits(rng, preview.content)
    tag_list, category = edits[2], edits[3]

    def line_of(path):
        return re.search(r"^Category: (.*)$", path.read_text("utf-8"), flags=re.M).group(1)

    def updated_in_place(path, what):
        logged = len(preview.log.read_text("utf-8"))
        assert preview.rebuild() == "update", (path.name, what)
        log = preview.log.read_text("utf-8")[logged:]
        assert "Processed" not in log, (path.name, what, log)  # Pelican did not run again

    for round_ in range(2):
        for turn in range(6):
            path = rng.choice(articles)
            before = line_of(path)
            while line_of(path) == before:
                category(path)
            if turn % 3 == 2:  # its tags too
                tag_list(path)
            if turn == 4:  # and its text
                path.write_text(path.read_text("utf-8") + "\nMột đoạn mới được thêm vào bài.\n", "utf-8")
            updated_in_place(path, line_of(path))
        assert_same(built_files(preview.output), full_build(preview.content, tmp_path / f"full-{round_}",
                                                            tmp_path / f"cache-{round_}"))
    # Every article of one chuyên mục moves to another: it loses its pages and feeds; the first
    # article back gives them again.
    lines = {path: line_of(path) for path in articles}
    emptied = min(set(lines.values()), key=lambda line: (list(lines.values()).count(line), line))
    members = [path for path, line in lines.items() if line == emptied]
    slug = re.search(r"chuyen-muc/([^/]+)/", next(
        str(p) for p in (preview.output / "chuyen-muc").glob("*/index.html")
        if emptied in (p.read_text("utf-8").split("<h1>", 1)[1].split("<", 1)[0]))).group(1)
    target = next(line for line in sorted(set(lines.values())) if line != emptied)
    for path in members:
        path.write_text(header(path.read_text("utf-8"), "Category", target), "utf-8")
        updated_in_place(path, target)
    assert not (preview.output / "chuyen-muc" / slug).exists()
    assert not list(preview.output.glob(f"feeds/chuyen-muc/{slug}.*"))
    assert_same(built_files(preview.output), full_build(preview.content, tmp_path / "full-empty", tmp_path / "cache-empty"))
    members[0].write_text(header(members[0].read_text("utf-8"), "Category", emptied), "utf-8")
    updated_in_place(members[0], emptied)
    assert (preview.output / "chuyen-muc" / slug / "index.html").exists()
    assert_same(built_files(preview.output), full_build(preview.content, tmp_path / "full-back", tmp_path / "cache-back"))


def test_random_date_edits_order_the_articles_again_without_a_run(preview, tmp_path):
    """An article's "Date" line (its tags, chuyên mục or text maybe too), half the time the very
    minute of another article: the articles are ordered again in place (the lists, the archives by
    month and year, neighbours, feeds, related lists, the plan's reports) and the article's page
    moves to its new month's address, without running the build again; each round ends as a full
    build would. A date that gives the article another article's address is a run of the build,
    which reports it, and the fix is an update again."""
    rng = random.Random(20261205)
    articles = sorted((preview.content / "articles").rglob("*.md"))
    edits = header_edits(rng, preview.content)
    date, tag_list, category = edits[1], edits[2], edits[3]

    def updated_in_place(path, what):
        logged = len(preview.log.read_text("utf-8"))
        assert preview.rebuild() in ("update", "unchanged"), (path.name, what)
        log = preview.log.read_text("utf-8")[logged:]
        assert "Processed" not in log, (path.name, what, log)  # Pelican did not run again

    for round_ in range(2):
        for turn in range(6):
            path = rng.choice(articles)
            linked = any(path.name in other.read_text("utf-8") for other in articles if other != path)
            date(path)
            if turn == 2:
                tag_list(path)
            if turn == 3:
                category(path)
            if turn == 4:
                path.write_text(path.read_text("utf-8") + "\nMột đoạn mới được thêm vào bài.\n", "utf-8")
            if linked:  # (an article that another links to with {filename}: its links are made in a run)
                assert preview.rebuild() in ("update", "unchanged")
            else:
                updated_in_place(path, turn)
        assert_same(built_files(preview.output), full_build(preview.content, tmp_path / f"full-{round_}",
                                                            tmp_path / f"cache-{round_}"))
    # The same file name in another year's folder (the same address when dated in the same month):
    # moved there by its date, the run reports the clash; dated back, the update is in place.
    original = next(path for path in articles if not any(path.name in other.read_text("utf-8")
                                                         for other in articles if other != path))
    when = re.search(r"^Date: (\d{4})-(\d{2})", original.read_text("utf-8"), flags=re.M)
    twin = preview.content / "articles" / "trung-ten" / original.name
    twin.parent.mkdir()
    other_month = f"{int(when[1]) - 1}-{when[2]}-15 09:00"
    twin.write_text(header(re.sub(r"^Title: .*$", "Title: Bài trùng tên tệp", original.read_text("utf-8"), count=1,
                                  flags=re.M), "Date", other_month), "utf-8")
    assert preview.rebuild() == "update"
    twin.write_text(header(twin.read_text("utf-8"), "Date", f"{when[1]}-{when[2]}-20 09:00"), "utf-8")
    assert preview.rebuild() == "problems"
    assert "trùng địa chỉ" in preview.log.read_text("utf-8")
    twin.write_text(header(twin.read_text("utf-8"), "Date", other_month), "utf-8")
    assert preview.rebuild() == "update"
    assert_same(built_files(preview.output), full_build(preview.content, tmp_path / "full-end", tmp_path / "cache-end"))


def test_a_tags_line_taken_away_and_tags_written_in_other_letters_are_made_in_place(preview, tmp_path):
    """No Tags line at all, then the same tags in capitals and with the old tone placement ("hoá"):
    the same addresses, so the same tags, without a run; each time as a full build would have it."""
    path = preview.content / "articles" / "2026" / "chi-tieu-cai-cach-hanh-chinh-nam-2026.md"
    text = path.read_text("utf-8")
    assert re.search(r"^Tags: .*một cửa", text, flags=re.M)
    steps = [re.sub(r"^Tags: .*\n", "", text, count=1, flags=re.M),
             re.sub(r"^Tags: .*$", "Tags: Một Cửa, văn hoá công vụ, Số hóa hồ sơ", text, count=1, flags=re.M)]
    for number, step in enumerate(steps):
        path.write_text(step, "utf-8")
        logged = len(preview.log.read_text("utf-8"))
        assert preview.rebuild() == "update"
        assert "Processed" not in preview.log.read_text("utf-8")[logged:]
        assert_same(built_files(preview.output), full_build(preview.content, tmp_path / f"full-{number}",
                                                            tmp_path / f"cache-{number}"))


def test_a_changed_header_is_an_update_that_renders_only_what_shows_it(preview, tmp_path):
    path = preview.content / "articles" / "2026" / "thanh-toan-truc-tuyen-le-phi-ho-tich.md"
    text = path.read_text("utf-8")
    before = built_files(preview.output)
    path.write_text(re.sub(r"^Title: .*$", "Title: Thanh toán trực tuyến lệ phí hộ tịch ngay tại nhà", text, count=1,
                           flags=re.M), "utf-8")
    assert preview.rebuild() == "update"
    after = built_files(preview.output)
    assert_same(after, full_build(preview.content, tmp_path / "full", tmp_path / "cache"))
    changed = sorted(name for name in after if after[name] != before.get(name))
    # its page, its neighbours, listings, feeds, the plan's task pages and reports that show its title
    assert any(name.endswith("thanh-toan-truc-tuyen-le-phi-ho-tich/index.html") for name in changed)
    assert "lien-he/index.html" not in changed and len(changed) < len(after) / 3, changed
    # and the next body edit is the quick update again
    path.write_text(path.read_text("utf-8") + "\nThêm một câu vào cuối bài.\n", "utf-8")
    assert preview.rebuild() == "update"
    assert "Thêm một câu vào cuối bài." in (preview.output / "tin-tuc").joinpath(
        *_url_of(preview.output, "thanh-toan-truc-tuyen-le-phi-ho-tich")).read_text("utf-8")


def test_a_pages_title_rewrites_its_page_and_every_footer_only_when_the_footer_shows_it(preview, tmp_path):
    """The footer names each page by its short name (its menu line) where it has one: a new title
    of such a page is its own page's, and a new title of a page without one is every footer's."""
    def retitle(name, title):
        path = preview.content / "pages" / name
        path.write_text(re.sub(r"^Title: .*$", f"Title: {title}", path.read_text("utf-8"), count=1, flags=re.M), "utf-8")

    before = built_files(preview.output)
    retitle("lien-he.md", "Liên hệ, góp ý và đường dây nóng")
    assert preview.rebuild() == "update"
    after = built_files(preview.output)
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed == ["lien-he/index.html"], changed
    def text(name):
        return (preview.output / name).read_text("utf-8")

    assert "Liên hệ, góp ý và đường dây nóng</h1>" in text("lien-he/index.html")
    assert text("index.html").count(">Liên hệ</a></li>") == 2  # (its short name, in the bar and the footer)

    retitle("gioi-thieu.md", "Giới thiệu về chuyên mục")  # no menu line: the footer shows the title
    assert preview.rebuild() == "update"
    again = built_files(preview.output)
    pages = [name for name in again if name.endswith(".html")]
    assert all(">Giới thiệu về chuyên mục</a></li>" in text(name) for name in pages if "cc-footer" in text(name))
    assert "cc-footer" in text("index.html")
    assert sum(again[name] != after[name] for name in pages) > len(pages) / 2
    assert_same(again, full_build(preview.content, tmp_path / "full", tmp_path / "cache"))


def test_an_edit_of_a_radio_programme_rewrites_the_podcast_feed(preview, tmp_path):
    """The podcast is written by the feed writer (cchc/feeds.py) when the articles have been written:
    an update writes it again with the new text, as a full build does."""
    path = preview.content / "articles" / "2026" / "chuyen-de-phat-thanh-lam-thu-tuc-khong-can-den-tru-so.md"
    path.write_text(path.read_text("utf-8") + "\nNghe lại chương trình trên ứng dụng podcast.\n", "utf-8")
    assert preview.rebuild() == "update"
    assert "Nghe lại chương trình trên ứng dụng podcast." in (preview.output / "feeds" / "phat-thanh.rss.xml").read_text("utf-8")
    assert_same(built_files(preview.output), full_build(preview.content, tmp_path / "full", tmp_path / "cache"))


def _url_of(output: pathlib.Path, slug: str) -> tuple[str, ...]:
    found = sorted(output.glob(f"tin-tuc/*/*/{slug}/index.html"))
    assert found, slug
    return found[0].relative_to(output / "tin-tuc").parts


@pytest.mark.parametrize("added, message", [
    ("Xem [thủ tục]({thu-tuc}9.999999).", "liên kết tới thủ tục “9.999999”"),
    ("Xem [mục này](#khong-co-muc-nay).", "không có mục (tiêu đề) nào mang tên này"),
    ("Xem [trang liên hệ](/lien-he-cu/).", "dẫn tới trang “/lien-he-cu/” không có trên trang web"),
    ("<script>alert(1)</script>", "có thể chạy mã độc"),
])
def test_a_mistake_in_the_body_writes_nothing_and_says_where(preview, added, message):
    path = preview.content / "articles" / "2026" / "ra-mat-zalo-oa-ubnd-phuong-chi-linh.md"
    before = built_files(preview.output)
    original = path.read_text("utf-8")
    path.write_text(original.rstrip("\n") + "\n\n" + added + "\n", "utf-8")
    logged = len(preview.log.read_text("utf-8"))
    assert preview.rebuild() == "problems"
    err = preview.log.read_text("utf-8")[logged:]
    assert "ra-mat-zalo-oa-ubnd-phuong-chi-linh.md, dòng" in err and message in err, err
    assert built_files(preview.output) == before
    # fixed: the next save is an update again
    path.write_text(original.rstrip("\n") + "\n\nĐã sửa.\n", "utf-8")
    assert preview.rebuild() == "update"
    assert built_files(preview.output) != before


def set_overlay_field(record: pathlib.Path, key: str, value: str) -> None:
    """Sets one line of the ward's overlay of a procedure record, making the overlay if there is none."""
    overlay = record.parent / "dia-phuong" / record.name
    line = f"{key}: {value}\n"
    if overlay.exists():
        text = overlay.read_text("utf-8")
        text = re.sub(rf"^{key}: .*\n", line, text, flags=re.M) if f"{key}:" in text else text + line
    else:
        text = f"# Phần bổ sung của phường Chí Linh cho thủ tục {record.stem}.\n" + line
    overlay.write_text(text, "utf-8")


def procedure_edits(rng: random.Random):
    """What the ward changes in procedure records and in its overlays (cchc/procedures/schema.py)."""

    def name(path):
        text = path.read_text("utf-8")
        path.write_text(re.sub(r"^ten: (.*)$", lambda m: f"ten: {m.group(1)} (sửa đổi {rng.randint(1, 99)})", text,
                               count=1, flags=re.M), "utf-8")

    def online_level(path):
        text = path.read_text("utf-8")
        level = rng.choice(["toan-trinh", "mot-phan", "khong"])
        path.write_text(re.sub(r"^muc_do_truc_tuyen: .*$", f"muc_do_truc_tuyen: {level}", text, count=1, flags=re.M),
                        "utf-8")

    def life_event(path):
        text = path.read_text("utf-8")
        event = rng.choice(["Khai sinh", "Kết hôn", "Cư trú", "Khởi nghiệp kinh doanh"])
        if re.search(r"^su_kien_doi_song:\n- .*$", text, flags=re.M):
            text = re.sub(r"^su_kien_doi_song:\n- .*$", f"su_kien_doi_song:\n- {event}", text, count=1, flags=re.M)
        path.write_text(text, "utf-8")

    def overlay_phone(path):
        set_overlay_field(path, "dien_thoai", f"0220 3882 {rng.randint(100, 999)}")

    def field_of_work(path):  # sometimes one no other procedure has: a new group page, maybe one gone
        text = path.read_text("utf-8")
        field = rng.choice(["Hộ tịch", "Chứng thực", "Đất đai", "Văn hóa cơ sở", f"Lĩnh vực thử {rng.randint(1, 9)}"])
        path.write_text(re.sub(r"^(linh_vuc:\n- ma: .*\n  ten: ).*$", lambda m: m[1] + field, text, count=1,
                               flags=re.M), "utf-8")

    def ward_body(path):  # the ward's body that receives it (the index by cơ quan)
        set_overlay_field(path, "co_quan_phuong", rng.choice(["tthcc", "cong-an", "ubnd"]))

    def history_date(path):  # the date of its last change: the change feed, the reports, the sitemap
        text = path.read_text("utf-8")
        day = f"2026-{rng.randint(1, 10):02d}-{rng.randint(10, 28)}"
        path.write_text(re.sub(r"^(lich_su:\n- ngay: ).*$", lambda m: f'{m[1]}"{day}"', text, count=1, flags=re.M),
                        "utf-8")

    return [name, online_level, life_event, overlay_phone, field_of_work, ward_body, history_date]


def test_random_procedure_edits_give_the_same_files_as_a_full_build(preview, tmp_path):
    """Any edit of a procedure that keeps its code, its abolition and what replaces it: its
    section is made again (cchc.updates.Regenerate), without a run of the build."""
    rng = random.Random(20261201)
    edits = procedure_edits(rng)
    records = sorted((preview.content / "procedures").glob("*.yaml"))
    for round_ in range(3):
        for _ in range(5):
            path, edit = rng.choice(records), rng.choice(edits)
            edit(path)
            logged = len(preview.log.read_text("utf-8"))
            assert preview.rebuild() in ("update", "unchanged"), (path.name, edit.__name__)
            log = preview.log.read_text("utf-8")[logged:]
            assert "Processed" not in log, (path.name, edit.__name__, log)  # Pelican did not run again
        assert_same(built_files(preview.output), full_build(preview.content, tmp_path / f"full-{round_}",
                                                            tmp_path / f"cache-{round_}"))


def test_a_procedure_in_a_new_field_of_work_gets_its_group_page_and_the_empty_group_goes(preview, tmp_path):
    """Its section made again (no run of the build): the new lĩnh vực's page is written and listed
    in the sitemap; moved back, that page is removed, as a full build leaves the output."""
    path = preview.content / "procedures" / "1.001022.yaml"
    original = path.read_text("utf-8")
    moved = re.sub(r"^(linh_vuc:\n- ma: .*\n  ten: ).*$", r"\1Lĩnh vực thử nghiệm", original, count=1, flags=re.M)
    assert moved != original
    page = "thu-tuc/linh-vuc/linh-vuc-thu-nghiem/index.html"
    for round_, text in enumerate((moved, original)):
        path.write_text(text, "utf-8")
        logged = len(preview.log.read_text("utf-8"))
        assert preview.rebuild() == "update"
        assert "Processed" not in preview.log.read_text("utf-8")[logged:]
        built = built_files(preview.output)
        assert (page in built) == (text == moved)
        assert (f"{SITEURL}/{page[:-len('index.html')]}</loc>" in (preview.output / "sitemap.xml").read_text("utf-8")) \
            == (text == moved)
        assert_same(built, full_build(preview.content, tmp_path / f"full-{round_}", tmp_path / f"cache-{round_}"))


def test_a_procedure_no_longer_abolished_is_a_run_of_the_build(preview, tmp_path):
    """Its abolition or what replaces it changed: the articles and keywords that name it are checked
    again (cchc_procedures.check_links, the finder's keywords), which only a run does."""
    path = preview.content / "procedures" / "1.002755.yaml"  # abolished, replaced by 1.004194
    text = path.read_text("utf-8")
    active = re.sub(r"^- ngay: \"2026-07-10\"\n  loai: bai-bo\n(  .*\n)*", "",
                    text.replace("trang_thai: bai-bo", "trang_thai: hieu-luc").replace('thay_the_boi: "1.004194"\n', ""),
                    count=1, flags=re.M)
    assert "bai-bo" not in active
    path.write_text(active, "utf-8")
    logged = len(preview.log.read_text("utf-8"))
    assert preview.rebuild() == "update", preview.log.read_text("utf-8")[logged:]
    assert "Processed" in preview.log.read_text("utf-8")[logged:]
    assert "Đã bãi bỏ" not in (preview.output / "thu-tuc" / "1-002755" / "index.html").read_text("utf-8")
    assert_same(built_files(preview.output), full_build(preview.content, tmp_path / "full", tmp_path / "cache"))


def page_only_edits(rng: random.Random):
    """Edits of the fields only a procedure's page shows (page_only in cchc/procedures/schema.py)."""

    def substituted(name, pattern, replace):
        def edit(path):
            text = path.read_text("utf-8")
            changed = re.sub(pattern, replace, text, count=1, flags=re.M)
            assert changed != text, (name, path.name)
            path.write_text(changed, "utf-8")
        edit.__name__ = name
        return edit

    step = substituted("step", r"^(  mo_ta: )(.*)$",
                       lambda m: f"{m[1]}{m[2]} Bước được sửa lần {rng.randint(1, 999)}.")
    document = substituted("document", r"^(  - ten: )(.*)$", lambda m: f"{m[1]}{m[2]} (bản {rng.randint(1, 999)})")
    legal = substituted("legal", r"^(can_cu_phap_ly:\n- ten: )(.*)$",
                        lambda m: f"{m[1]}{m[2]}, sửa đổi {rng.randint(1, 999)}")
    result = substituted("result", r"^(ket_qua:\n- )(.*)$",
                         lambda m: f"{m[1]}{m[2]} (bản điện tử {rng.randint(1, 999)})")

    def overlay_note(path):
        set_overlay_field(path, "ghi_chu", f"Phường nhận hồ sơ cả sáng thứ Bảy (thông báo số {rng.randint(1, 999)}).")

    return [step, document, legal, result, overlay_note]


def test_random_page_only_procedure_edits_rewrite_its_pages_without_a_run(preview, tmp_path):
    """A field only the procedure's page shows (its steps, documents, legal basis, results, the
    ward's note): the preview writes again the pages made from the procedure, without running the
    build again."""
    rng = random.Random(20261203)
    edits = page_only_edits(rng)
    records = sorted((preview.content / "procedures").glob("*.yaml"))
    for round_ in range(2):
        for _ in range(5):
            path, edit = rng.choice(records), rng.choice(edits)
            before = built_files(preview.output)
            edit(path)
            logged = len(preview.log.read_text("utf-8"))
            assert preview.rebuild() == "update", (path.name, edit.__name__)
            log = preview.log.read_text("utf-8")[logged:]
            assert "Processed" not in log, (path.name, edit.__name__, log)  # Pelican did not run again
            after = built_files(preview.output)
            changed = sorted(name for name in after if after[name] != before.get(name))
            assert changed == [f"thu-tuc/{path.stem.replace('.', '-')}/index.html"], (path.name, edit.__name__, changed)
        assert_same(built_files(preview.output), full_build(preview.content, tmp_path / f"full-{round_}",
                                                            tmp_path / f"cache-{round_}"))


def test_a_mistake_in_a_procedure_record_writes_nothing_and_the_fix_is_made_in_place(preview, tmp_path):
    path = preview.content / "procedures" / "1.001193.yaml"
    original = path.read_text("utf-8")
    before = built_files(preview.output)
    broken = re.sub(r"^(ket_qua:\n- )(.*)$", r"\1\2 <script>alert(1)</script>", original, count=1, flags=re.M)
    assert broken != original
    path.write_text(broken, "utf-8")
    logged = len(preview.log.read_text("utf-8"))
    assert preview.rebuild() == "problems"
    err = preview.log.read_text("utf-8")[logged:]
    assert "1.001193.yaml" in err, err
    assert built_files(preview.output) == before
    fixed = re.sub(r"^(ket_qua:\n- )(.*)$", r"\1\2 (bản điện tử)", original, count=1, flags=re.M)
    path.write_text(fixed, "utf-8")
    logged = len(preview.log.read_text("utf-8"))
    assert preview.rebuild() == "update"
    assert "Processed" not in preview.log.read_text("utf-8")[logged:]
    assert "(bản điện tử)" in (preview.output / "thu-tuc" / "1-001193" / "index.html").read_text("utf-8")
    assert_same(built_files(preview.output), full_build(preview.content, tmp_path / "full", tmp_path / "cache"))


def test_a_mistake_in_a_header_or_a_new_file_writes_nothing_and_the_fix_is_an_update(preview, tmp_path):
    path = preview.content / "articles" / "2026" / "thanh-toan-truc-tuyen-le-phi-ho-tich.md"
    original = path.read_text("utf-8")
    before = built_files(preview.output)
    path.write_text(re.sub(r"^Category: .*$", "Category: Chuyên mục không có", original, count=1, flags=re.M), "utf-8")
    logged = len(preview.log.read_text("utf-8"))
    assert preview.rebuild() == "problems"
    err = preview.log.read_text("utf-8")[logged:]
    assert "thanh-toan-truc-tuyen-le-phi-ho-tich.md, dòng" in err and "Category" in err, err
    assert built_files(preview.output) == before
    # a new file with a mistake, while the first one is still wrong: nothing is written either
    other = preview.content / "articles" / "2026" / "bai-moi-co-loi.md"
    other.write_text(original.replace("Title: ", "Title: Bài mới: ", 1).replace("Date: ", "Date: hôm nay ", 1), "utf-8")
    assert preview.rebuild() == "problems"
    assert built_files(preview.output) == before
    other.unlink()
    path.write_text(re.sub(r"^Title: .*$", "Title: Đã sửa chuyên mục", original, count=1, flags=re.M), "utf-8")
    assert preview.rebuild() == "update"
    assert_same(built_files(preview.output), full_build(preview.content, tmp_path / "full", tmp_path / "cache"))


def test_a_broken_link_in_a_new_article_writes_nothing_and_the_fix_is_an_update(preview, tmp_path):
    before = built_files(preview.output)
    source = preview.content / "articles" / "2026" / "thanh-toan-truc-tuyen-le-phi-ho-tich.md"
    new = preview.content / "articles" / "2026" / "bai-moi-lien-ket-hong.md"
    text = source.read_text("utf-8").replace("Title: ", "Title: Bài mới: ", 1)
    new.write_text(text.rstrip("\n") + "\n\nXem [trang liên hệ](/lien-he-cu/).\n", "utf-8")
    logged = len(preview.log.read_text("utf-8"))
    assert preview.rebuild() == "problems"
    assert "bai-moi-lien-ket-hong.md" in preview.log.read_text("utf-8")[logged:]
    after = built_files(preview.output)
    # what the run wrote is put back: pages, feeds, reports, sitemap, the finder's data
    assert after == before
    new.write_text(text, "utf-8")
    assert preview.rebuild() == "update"
    assert_same(built_files(preview.output), full_build(preview.content, tmp_path / "full", tmp_path / "cache"))


def test_new_and_deleted_articles_are_updates_and_a_photo_a_full_build(preview, capsys):
    new = preview.content / "articles" / "2026" / "bai-moi-them.md"
    source = preview.content / "articles" / "2026" / "thanh-toan-truc-tuyen-le-phi-ho-tich.md"
    new.write_text(source.read_text("utf-8").replace("Title: ", "Title: Bản mới: ", 1), "utf-8")
    assert preview.rebuild() == "update"
    assert list(preview.output.glob("tin-tuc/*/*/bai-moi-them/index.html"))
    new.unlink()
    assert preview.rebuild() == "update"
    assert not list(preview.output.glob("tin-tuc/*/*/bai-moi-them/index.html"))
    assert not list(preview.output.glob("tin-tuc/*/*/bai-moi-them"))  # (no empty folder: a full build has none)
    photo = sorted((preview.content / "images").rglob("*.jpg"))[0]
    shutil.copy(photo, photo.with_name("anh-moi-them.jpg"))
    capsys.readouterr()
    assert preview.rebuild() == "full"
    added = photo.with_name("anh-moi-them.jpg").relative_to(preview.content)
    assert f"Dựng lại toàn bộ (ảnh, âm thanh hoặc tệp khác: {added})." in capsys.readouterr().out  # says why


def data_edits(rng: random.Random, content: pathlib.Path):
    """What the ward changes in its data files (content/data/): names, descriptions, the order of
    the chuyên mục, a task of the plan. Articles name chuyên mục, cơ quan and the rest by code."""
    folder = content / "data"

    def replace(name, pattern, make):
        path = folder / name
        text = path.read_text("utf-8")
        found = re.findall(pattern, text, flags=re.M)
        chosen = rng.choice(found)
        path.write_text(text.replace(chosen, make(chosen), 1), "utf-8")

    def category_description(path):
        replace("chuyen-muc.yaml", r"^  mo_ta: .*$", lambda line: line + f" Cập nhật lần {rng.randint(1, 99)}.")

    def category_order(path):  # the menu and the chuyên mục lists follow the file's order
        file = folder / "chuyen-muc.yaml"
        head, *entries = re.split(r"(?m)^(?=- ma: )", file.read_text("utf-8"))
        i = rng.randrange(len(entries) - 1)
        entries[i], entries[i + 1] = entries[i + 1], entries[i]
        file.write_text(head + "".join(entries), "utf-8")

    def body_name(path):
        replace("co-quan.yaml", r"^  ten_ngan: .*$", lambda line: line + f" {rng.randint(2, 9)}")

    def form_name(path):
        replace("hinh-thuc.yaml", r"^  ten: .*$", lambda line: line + " (mới)")

    def area_name(path):
        replace("noi-dung.yaml", r"^  ten: .*$", lambda line: line + f"; bổ sung {rng.randint(1, 99)}")

    def plan_task(path):
        replace("ke-hoach.yaml", r"^    san_pham: .*$", lambda line: line + f" (điều chỉnh {rng.randint(1, 99)})")

    def categories():
        file = folder / "chuyen-muc.yaml"
        head, *entries = re.split(r"(?m)^(?=- ma: )", file.read_text("utf-8"))
        return file, head, entries, [i for i, entry in enumerate(entries) if "ten_khac:" not in entry]

    def renamed(entry, suffix):
        old = re.search(r"(?m)^  ten: (.*)$", entry)[1]
        return old, entry.replace(f"  ten: {old}\n", f"  ten: {old} {suffix}\n", 1)

    def category_renamed(path):  # articles name chuyên mục by name: the old one stays accepted
        file, head, entries, plain = categories()
        i = rng.choice(plain)
        old, entries[i] = renamed(entries[i], "(tên mới)")
        entries[i] += f'  ten_khac: ["{old}"]\n'
        file.write_text(head + "".join(entries), "utf-8")

    def category_merged(path):  # the articles written with one chuyên mục's name now go to another
        file, head, entries, plain = categories()
        i, j = rng.sample(plain, 2)
        old, entries[i] = renamed(entries[i], "(cũ)")
        entries[j] += f'  ten_khac: ["{old}"]\n'
        file.write_text(head + "".join(entries), "utf-8")

    return [category_description, category_order, body_name, form_name, area_name, plan_task, category_renamed,
            category_merged]


def test_random_data_file_edits_give_the_same_files_as_a_full_build(preview, tmp_path):
    """A data file is read again in the worker. Each article is given the new entries its headers
    name (cchc_content's rebind), or read again when a header now names another entry (a chuyên mục
    merged into another); only the pages whose inputs changed are rendered."""
    rng = random.Random(20261203)
    edits = data_edits(rng, preview.content)
    rng.shuffle(edits)  # each kind once, in a random order, each compared (one can hide another)
    edit_in_rounds(preview, tmp_path, len(edits), 1, lambda: (preview.content / "data", edits.pop()))


def test_random_description_edits_of_data_files_rewrite_what_shows_them_without_a_run(preview, tmp_path):
    """A field of a data file only templates show (cchc.data.SHOWN_ONLY: a chuyên mục's or a hình
    thức's description): the entries take it in place and the preview writes again the pages that
    show them, without running the build again. Only pages showing the new text change."""
    rng = random.Random(20261204)
    folder = preview.content / "data"
    for round_ in range(2):
        if round_:  # a run after another data edit reads the data again: what holds an entry must
            # still hold the one an edit in place changes (cchc.data.keep_entries)
            bodies = folder / "co-quan.yaml"
            bodies.write_text(bodies.read_text("utf-8").replace("  ten_ngan: HĐND phường\n",
                                                                "  ten_ngan: HĐND P. Chí Linh\n", 1), "utf-8")
            assert preview.rebuild() == "update"
        for _ in range(3):
            path = folder / rng.choice(["chuyen-muc.yaml", "chuyen-muc.yaml", "hinh-thuc.yaml"])
            text = path.read_text("utf-8")
            line = rng.choice(re.findall(r"^  mo_ta: .*$", text, flags=re.M))
            added = f" Cập nhật lần {rng.randint(1, 999)}."
            path.write_text(text.replace(line, line + added, 1), "utf-8")
            before = built_files(preview.output)
            logged = len(preview.log.read_text("utf-8"))
            assert preview.rebuild() == "update", (path.name, line)
            log = preview.log.read_text("utf-8")[logged:]
            assert "Processed" not in log, (path.name, line, log)  # Pelican did not run again
            after = built_files(preview.output)
            changed = sorted(name for name in after if after[name] != before.get(name))
            showing = sorted(name for name in after
                             if added in (preview.output / name).read_text("utf-8", errors="replace"))
            assert changed == showing, (path.name, line, changed, showing)
            assert bool(changed) == (path.name == "chuyen-muc.yaml"), (path.name, changed)  # (no page shows a form's)
        assert_same(built_files(preview.output), full_build(preview.content, tmp_path / f"full-{round_}",
                                                            tmp_path / f"cache-{round_}"))


def test_a_description_no_template_shows_rewrites_no_page(preview, tmp_path):
    """A hình thức's description is shown by no template: its edit holds every article of that form,
    yet no page's template reads it, so no page is written again (each article's page and the
    lists showing them were, 3,226 files at the reference size)."""
    path = preview.content / "data" / "hinh-thuc.yaml"
    text = path.read_text("utf-8")
    line = re.search(r"^- ma: am-thanh\n(?:  .*\n)*?  mo_ta: .*$", text, flags=re.M).group(0)
    pages = {name: (preview.output / name).stat().st_mtime_ns for name in built_files(preview.output)
             if name.endswith(".html")}
    path.write_text(text.replace(line, line + " của phường", 1), "utf-8")
    logged = len(preview.log.read_text("utf-8"))
    assert preview.rebuild() == "update"
    assert "Processed" not in preview.log.read_text("utf-8")[logged:]
    rewritten = sorted(name for name, stamp in pages.items() if (preview.output / name).stat().st_mtime_ns != stamp)
    assert not rewritten, rewritten
    assert_same(built_files(preview.output), full_build(preview.content, tmp_path / "full", tmp_path / "cache"))


def test_a_co_quans_names_are_made_in_place_unless_a_record_looked_one_up(preview, tmp_path):
    """A cơ quan's short name (shown only in the plan's Word reports) and other spellings: taken in
    place, the plan's reports made again, when no lookup made finds another entry; a spelling the
    procedure records use ("Công an cấp xã") is a run of the build, which reads them again."""
    path = preview.content / "data" / "co-quan.yaml"

    def edit(old, new):
        text = path.read_text("utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), "utf-8")
        logged = len(preview.log.read_text("utf-8"))
        assert preview.rebuild() == "update"
        return "Processed" in preview.log.read_text("utf-8")[logged:]  # Pelican ran again

    before = built_files(preview.output)
    assert not edit("  ten_ngan: Phòng KT-HT-ĐT\n", "  ten_ngan: Phòng Kinh tế – Hạ tầng – Đô thị\n")
    after = built_files(preview.output)
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed and all(name.startswith("bao-cao/") and name.endswith(".docx") for name in changed), changed
    assert not edit("  ten_khac: [HĐND phường Chí Linh]\n", "  ten_khac: [HĐND phường Chí Linh, HĐND P. Chí Linh]\n")
    assert_same(built_files(preview.output), full_build(preview.content, tmp_path / "full-1", tmp_path / "cache-1"))
    assert edit("  ten_khac: [Công an cấp xã, ", "  ten_khac: [")
    assert_same(built_files(preview.output), full_build(preview.content, tmp_path / "full-2", tmp_path / "cache-2"))


def script_lines(script: str) -> list[str]:
    """The lines a Python script run in a new process in the project printed (it must succeed)."""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.splitlines()


def test_a_render_records_which_fields_of_a_data_entry_its_templates_read():
    """What the preview knows of a render's use of a data file's entries (cchc.dependencies,
    Recording.fields): the fields a template asks for by name, however it asks, or all of them when
    it prints the entry or reads its `fields`."""
    script = (
        "import sys; sys.path[:0] = ['.']\n"
        "from jinja2 import Environment, StrictUndefined\n"
        "from cchc import data, dependencies\n"
        "dependencies.install()\n"
        "env = Environment(undefined=StrictUndefined)\n"
        "form = data.Entry('video', 'Video', {'mo_ta': 'Phóng sự truyền hình'}, 'hinh-thuc.yaml', 7)\n"
        "area = data.Entry('a', 'Chủ trương', {'mo_ta': 'Mục a'}, 'noi-dung.yaml', 3)\n"
        "cases = {'name': '{{ f.name }}', 'attribute': '{{ f.mo_ta }}', 'item': '{{ f[\"mo_ta\"] }}',\n"
        "         'map': '{{ [f, a] | map(attribute=\"name\") | join(\", \") }}', 'printed': '{{ f }}',\n"
        "         'fields': '{{ f.fields.mo_ta }}', 'tested': '{% if f %}có{% endif %}', 'pprint': '{{ f | pprint }}',\n"
        "         'attr': '{{ f | attr(\"mo_ta\") }}'}\n"
        "for name, source in cases.items():\n"
        "    with dependencies.recorded() as rec:\n"
        "        env.from_string(source).render(f=form, a=area)\n"
        "    print(name, sorted((key[1], None if names is None else sorted(names)) for key, names in rec.fields.items()))\n"
        "print('outside', str(form).startswith('Entry('))\n")
    assert script_lines(script) == [
        "name [('video', ['name'])]", "attribute [('video', ['mo_ta'])]", "item [('video', ['mo_ta'])]",
        "map [('a', ['name']), ('video', ['name'])]", "printed [('video', None)]", "fields [('video', None)]",
        "tested []", "pprint [('video', None)]", "attr [('video', ['mo_ta'])]", "outside True"]


def test_a_listing_page_depends_on_the_other_pages_articles_only_when_its_templates_read_them():
    """A listing page is the same page after an article joined or left the list after it when it
    showed its own articles and the paginator's number of pages (cchc.dependencies.own_print,
    Shape); reading the paginator's list or count, or another page's articles, makes it depend on
    the whole list."""
    script = (
        "import sys; sys.path[:0] = ['.']\n"
        "from jinja2 import Environment, StrictUndefined\n"
        "from pelican.paginator import PaginationRule, Paginator\n"
        "from pelican.settings import DEFAULT_CONFIG\n"
        "from cchc import dependencies\n"
        "dependencies.install()\n"
        "env = Environment(undefined=StrictUndefined)\n"
        "settings = dict(DEFAULT_CONFIG, PAGINATION_PATTERNS=[PaginationRule(1, '{url}', '{save_as}'), PaginationRule(2, '{base_name}/trang/{number}/', '{base_name}/trang/{number}/index.html')])\n"
        "def pages(items):\n"
        "    pg = Paginator('chuyen-muc/a/index.html', 'chuyen-muc/a/', items, settings, 2)\n"
        "    return pg, pg.page(1)\n"
        "cases = {'own': '{% for a in p.object_list %}{{ a }}{% endfor %}{{ pg.num_pages }}{{ pg.page(2).url }}{{ p.has_next() }}',\n"
        "         'other page': '{{ pg.page(2).object_list | length }}', 'list': '{{ pg.object_list | length }}',\n"
        "         'count': '{{ pg.count }}', 'attr': '{{ pg | attr(\"object_list\") | first }}',\n"
        "         'through the page': '{{ p.paginator.object_list | last }}'}\n"
        "prints = dependencies.Fingerprints()\n"
        "before, after = pages(['a', 'b', 'c', 'd', 'e']), pages(['a', 'b', 'c', 'x', 'd', 'e'])\n"
        "for name, source in cases.items():\n"
        "    with dependencies.recorded() as rec:\n"
        "        env.from_string(source).render(pg=before[0], p=before[1])\n"
        "    whole = dependencies.listing_read(rec, before)\n"
        "    same = all(dependencies.own_print(prints, old, whole) == dependencies.own_print(prints, new, whole)\n"
        "               for old, new in zip(before, after))\n"
        "    print(name, whole, same)\n")
    assert script_lines(script) == [
        "own False True", "other page True False", "list True False", "count True False", "attr True False",
        "through the page True False"]


def test_a_mistake_in_a_data_file_writes_nothing_and_the_fix_is_an_update(preview, tmp_path):
    data = preview.content / "data" / "co-quan.yaml"
    original = data.read_text("utf-8")
    before = built_files(preview.output)
    data.write_text(original.replace("- ma: kthtdt\n  ten: Phòng Kinh tế, Hạ tầng và Đô thị\n", "- ma: kthtdt\n", 1), "utf-8")
    logged = len(preview.log.read_text("utf-8"))
    assert preview.rebuild() == "problems"
    err = preview.log.read_text("utf-8")[logged:]
    assert "co-quan.yaml" in err, err
    assert built_files(preview.output) == before
    # an article edited meanwhile: the site is still that of the broken data file, nothing written
    article = preview.content / "articles" / "2026" / "thanh-toan-truc-tuyen-le-phi-ho-tich.md"
    article.write_text(article.read_text("utf-8") + "\nThêm một câu.\n", "utf-8")
    assert preview.rebuild() == "problems"
    assert built_files(preview.output) == before
    data.write_text(original.replace("  ten: Phòng Kinh tế, Hạ tầng và Đô thị", "  ten: Phòng Kinh tế – Hạ tầng – Đô thị", 1),
                    "utf-8")
    assert preview.rebuild() == "update"
    assert_same(built_files(preview.output), full_build(preview.content, tmp_path / "full", tmp_path / "cache"))


def test_a_data_edit_that_gives_a_header_another_entry_reads_the_article_again(preview, tmp_path):
    """An article names its hình thức by name. The ward renames that hình thức and gives its old name
    to "Âm thanh": the article is a radio programme now, read again with that hình thức's rules (a
    sound file), and the editor is told what a full build would say; the fix is an update."""
    article = preview.content / "articles" / "2026" / "thanh-toan-truc-tuyen-le-phi-ho-tich.md"
    text = article.read_text("utf-8")
    assert "\nhinh_thuc: tin\n" in text
    article.write_text(text.replace("\nhinh_thuc: tin\n", "\nhinh_thuc: Bài viết\n", 1), "utf-8")
    assert preview.rebuild() == "update"
    before = built_files(preview.output)
    forms = preview.content / "data" / "hinh-thuc.yaml"
    original = forms.read_text("utf-8")
    forms.write_text(original.replace("  ten: Bài viết\n", "  ten: Bài viết chuyên sâu\n", 1)
                     .replace("  ten: Âm thanh\n", '  ten: Âm thanh\n  ten_khac: ["Bài viết"]\n', 1), "utf-8")
    logged = len(preview.log.read_text("utf-8"))
    assert preview.rebuild() == "problems"
    err = preview.log.read_text("utf-8")[logged:]
    assert "thanh-toan-truc-tuyen-le-phi-ho-tich.md" in err and "bài âm thanh cần tệp âm thanh" in err, err
    assert built_files(preview.output) == before
    article.write_text(text.replace("\nhinh_thuc: tin\n", "\nhinh_thuc: bai\n", 1), "utf-8")  # by code
    assert preview.rebuild() == "update"
    assert_same(built_files(preview.output), full_build(preview.content, tmp_path / "full", tmp_path / "cache"))


def test_the_finders_keywords_are_an_update(preview, tmp_path):
    """A data file a plugin reads in each run (cchc_finder declares it, cchc/updates.py)."""
    keywords = preview.content / "data" / "tu-khoa-thu-tuc.yaml"
    text = keywords.read_text("utf-8")
    keywords.write_text(text.replace("[giấy khai sinh, ", "[giấy khai sinh, đăng ký khai sinh cho trẻ, ", 1), "utf-8")
    assert preview.rebuild() == "update"
    assert_same(built_files(preview.output), full_build(preview.content, tmp_path / "full", tmp_path / "cache"))
    data = sorted((preview.output / "thu-tuc").glob("tim-thu-tuc.*.json"))
    assert len(data) == 1 and "dang ky khai sinh cho tre" in data[0].read_text("utf-8")  # folded


def test_a_deleted_article_leaves_the_sitemap_as_a_full_build_does(preview, tmp_path):
    """The files a run no longer writes are removed before the sitemap lists the output's pages."""
    before = built_files(preview.output)
    source = preview.content / "articles" / "2026" / "thanh-toan-truc-tuyen-le-phi-ho-tich.md"
    new = preview.content / "articles" / "2026" / "bai-moi-roi-xoa.md"
    new.write_text(source.read_text("utf-8").replace("Title: ", "Title: Bản mới: ", 1), "utf-8")
    assert preview.rebuild() == "update"
    assert "bai-moi-roi-xoa" in (preview.output / "sitemap.xml").read_text("utf-8")
    new.unlink()
    assert preview.rebuild() == "update"
    assert_same(built_files(preview.output), before)
    assert_same(before, full_build(preview.content, tmp_path / "full", tmp_path / "cache"))


def test_memory_does_not_grow_with_updates(preview):
    """Pelican memoises every rendering on its classes; an update drops the edited article's."""
    path = preview.content / "articles" / "2026" / "cai-cach-thu-tuc-tao-thuan-loi-cho-ho-kinh-doanh.md"
    original = path.read_text("utf-8")
    path.write_text(original + "\nLần sửa 0.\n", "utf-8")
    assert preview.rebuild() == "update"
    first = preview.ask("stats")
    for number in range(1, 31):
        path.write_text(original + f"\nLần sửa {number}.\n", "utf-8")
        assert preview.rebuild() == "update"
    last = preview.ask("stats")
    assert last["memo_entries"] == first["memo_entries"]
    assert last["summary_entries"] == first["summary_entries"]
    assert last["tracked_writes"] == first["tracked_writes"]
    assert "Lần sửa 30." in (preview.output / "tin-tuc").joinpath(
        *_url_of(preview.output, "cai-cach-thu-tuc-tao-thuan-loi-cho-ho-kinh-doanh")).read_text("utf-8")


@pytest.mark.parametrize("preview", [True], indirect=True)
def test_the_search_index_follows_an_update(preview, tmp_path):
    """Pagefind runs after the preview has shown the page, into a new folder swapped in whole."""
    preview.ask("wait-search")  # the first index is made in the background too
    entry = preview.output / "pagefind" / "pagefind-entry.json"
    before = entry.read_text("utf-8")
    path = preview.content / "articles" / "2026" / "ra-mat-zalo-oa-ubnd-phuong-chi-linh.md"
    path.write_text(path.read_text("utf-8") + "\nTừ khóa kiểm thử xyzzykhoamoi.\n", "utf-8")
    assert preview.rebuild() == "update"
    preview.ask("wait-search")
    assert entry.read_text("utf-8") != before
    assert not list(tmp_path.glob(".output.tim-kiem-*")), "the new index folder was not swapped in"


@pytest.mark.parametrize("how", ["filename", "address"])
def test_removing_a_heading_another_article_links_to_is_reported_against_that_article(preview, how):
    """The edited article's #anchors are checked for the links other pages have into them."""
    target = preview.content / "articles" / "2026" / "bieu-duong-ca-nhan-tieu-bieu-tai-trung-tam-phuc-vu-hanh-chinh-cong.md"
    page = next(preview.output.glob("tin-tuc/*/*/bieu-duong-ca-nhan-tieu-bieu-tai-trung-tam-phuc-vu-hanh-chinh-cong/index.html"))
    assert 'id="lan-toa-tinh-than-phuc-vu"' in page.read_text("utf-8")
    address = "/" + page.parent.relative_to(preview.output).as_posix() + "/"
    link = f"{{filename}}{target.name}#lan-toa-tinh-than-phuc-vu" if how == "filename" else f"{address}#lan-toa-tinh-than-phuc-vu"
    source = preview.content / "articles" / "2026" / "van-hoa-cong-vu-4-xin-4-luon-tai-trung-tam-phuc-vu-hanh-chinh-cong.md"
    source.write_text(source.read_text("utf-8").rstrip("\n") + f"\n\nXem [tấm gương lan tỏa]({link}).\n", "utf-8")
    assert preview.rebuild() == "update"
    before = built_files(preview.output)
    text = target.read_text("utf-8")
    target.write_text(text.replace("## Lan tỏa tinh thần phục vụ", "Lan tỏa tinh thần phục vụ.", 1), "utf-8")
    logged = len(preview.log.read_text("utf-8"))
    assert preview.rebuild() == "problems"
    err = preview.log.read_text("utf-8")[logged:]
    assert "van-hoa-cong-vu-4-xin-4-luon-tai-trung-tam-phuc-vu-hanh-chinh-cong.md, dòng" in err, err
    assert "lan-toa-tinh-than-phuc-vu" in err, err
    assert built_files(preview.output) == before


def test_a_draft_made_by_new_article_is_updated_too(preview, tmp_path):
    """`cchc new-article` writes a draft (Status: draft): the editor then writes its body."""
    from cchc import new_content

    options = types.SimpleNamespace(title="Hướng dẫn đặt lịch hẹn trực tuyến", category="thu-tuc-dich-vu-cong",
                                    form="tin", co_quan="tthcc", task=[], areas="m", summary="Tóm tắt bài nháp.",
                                    tags="", document="", date="2026-11-20 08:00", slug=None)
    new_content.new_article(preview.content.parent, options, interactive=False)
    assert preview.rebuild() == "update"  # a new file: a run of the build in the worker
    assert_same(built_files(preview.output), full_build(preview.content, tmp_path / "full-0", tmp_path / "cache-0"))
    draft = next(preview.content.rglob("huong-dan-dat-lich-hen-truc-tuyen.md"))
    assert "Status: draft" in draft.read_text("utf-8")
    draft.write_text(draft.read_text("utf-8").rstrip("\n") + "\n\nNgười dân đặt lịch trên Cổng dịch vụ công.\n", "utf-8")
    assert preview.rebuild() == "update"
    page = preview.output / "ban-nhap" / "huong-dan-dat-lich-hen-truc-tuyen" / "index.html"
    assert "Người dân đặt lịch trên Cổng dịch vụ công." in page.read_text("utf-8")
    # While it is a draft, its header lines are updated the same way (it is shown nowhere else).
    text = draft.read_text("utf-8")
    text = re.sub(r"^Title: .*$", "Title: Hướng dẫn đặt lịch hẹn làm thủ tục trực tuyến", text, count=1, flags=re.M)
    text = re.sub(r"^Summary: .*$", "Summary: Các bước đặt lịch hẹn trên Cổng dịch vụ công.", text, count=1, flags=re.M)
    text = re.sub(r"^Tags: .*$", "Tags: đặt lịch hẹn, dịch vụ công trực tuyến", text, count=1, flags=re.M) \
        if re.search(r"^Tags: ", text, flags=re.M) else text.replace("\nco_quan:", "\nTags: đặt lịch hẹn\nco_quan:", 1)
    draft.write_text(text, "utf-8")
    assert preview.rebuild() == "update"
    assert "Hướng dẫn đặt lịch hẹn làm thủ tục trực tuyến" in page.read_text("utf-8")
    assert_same(built_files(preview.output), full_build(preview.content, tmp_path / "full-1", tmp_path / "cache-1"))
    # Published (Status line removed): shown in listings and feeds, by a run of the build.
    draft.write_text(re.sub(r"^Status: draft\n", "", text, flags=re.M), "utf-8")
    assert preview.rebuild() == "update"
    assert list(preview.output.glob("tin-tuc/2026/11/huong-dan-dat-lich-hen-truc-tuyen/index.html"))
    assert_same(built_files(preview.output), full_build(preview.content, tmp_path / "full", tmp_path / "cache"))


def test_a_handler_the_updates_do_not_repeat_turns_them_off():
    """A plugin that adds a step the incremental update does not know about (here: one more
    all_generators_finalized handler) must make every update a full build, never a wrong page."""
    script = (
        "import sys; sys.path.insert(0, 'plugins')\n"
        "from pelican import signals\n"
        "import cchc_content, cchc_procedures, cchc_plan\n"
        "for p in (cchc_content, cchc_procedures, cchc_plan): p.register()\n"
        "from cchc.incremental import unknown_handlers\n"
        "assert unknown_handlers() == [], unknown_handlers()\n"
        "def new_step(generators): pass\n"
        "signals.all_generators_finalized.connect(new_step)\n"
        "print(unknown_handlers())\n"
        "from cchc import updates\n"
        "updates.declare(new_step, updates.HEADERS)  # what its plugin says next to its code\n"
        "print('declared:', unknown_handlers())\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "all_generators_finalized: __main__.new_step" in result.stdout
    assert "declared: []" in result.stdout


def test_a_generator_that_does_not_say_what_it_reads_makes_a_procedure_edit_a_run():
    """cchc.updates.context_keys: the preview makes a generator's context again after a procedure's
    edit only when every generator said which context keys it reads and sets; Pelican's own read
    none of the plugins'."""
    script = (
        "import sys, types; sys.path.insert(0, 'plugins')\n"
        "import cchc_procedures, cchc_finder, cchc_plan, cchc_redirects\n"
        "for p in (cchc_procedures, cchc_finder, cchc_plan, cchc_redirects): p.register()\n"
        "from pelican.generators import ArticlesGenerator, Generator\n"
        "from cchc import updates\n"
        "def of(cls): return updates.keys_of(cls.__new__(cls))\n"
        "from cchc_procedures.generator import ProceduresGenerator\n"
        "from cchc_finder.generator import FinderGenerator\n"
        "from cchc_plan.generator import PlanGenerator\n"
        "print('procedures', sorted(of(ProceduresGenerator)[1]))\n"
        "print('finder', sorted(of(FinderGenerator)[0]), sorted(of(FinderGenerator)[1]))\n"
        "print('plan', sorted(of(PlanGenerator)[0]))\n"
        "print('articles', of(ArticlesGenerator))\n"
        "class NewGenerator(Generator): pass\n"
        "print('new', of(NewGenerator))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "procedures ['CCHC_PROCEDURES']" in result.stdout
    assert "finder ['CCHC_PROCEDURES'] ['CCHC_FINDER']" in result.stdout
    assert "plan ['CCHC_PROCEDURES', 'articles', 'cchc.data.NAMES_ONLY']" in result.stdout  # (updates.DATA_NAMES)
    assert "articles (frozenset(), frozenset())" in result.stdout
    assert "new None" in result.stdout


def run_in_a_session(tmp_path, before_build: str = "", after_build: str = "") -> str:
    """Runs a script in a new process on a copy of the real content: `before_build`, then a preview
    Session `s` built on `content`, then `after_build`; its output."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    script = ("import os, re, sys, pathlib; sys.path[:0] = ['.', 'plugins']\n"
              "from cchc.incremental import Session\n" + before_build
              + f"content = pathlib.Path({str(content)!r})\n"
              f"s = Session(content, pathlib.Path({str(tmp_path / 'output')!r}), 'http://127.0.0.1:8000', search=False)\n"
              "assert s.build()\n" + after_build)
    env = {**os.environ, "CCHC_BUILD_DATE": BUILD_DATE}
    env.pop("SITEURL", None)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=600,
                            env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_a_body_edit_after_a_run_of_the_build_is_still_made_in_place(tmp_path):
    """A run compares the attributes a page read of an item that changed, the body as shown among
    them: working that out reads the body outside any page, which must not count as a page's
    reading (the Tracker would then send every later edit of that body through a run)."""
    stdout = run_in_a_session(tmp_path, before_build=(
        "runs = []\n"
        "rerun = Session._rerun\n"
        "Session._rerun = lambda self, paths: runs.append(paths) or rerun(self, paths)\n"), after_build=(
        "path = content / 'articles' / '2026' / 'thanh-toan-truc-tuyen-le-phi-ho-tich.md'\n"
        "path.write_text(re.sub(r'^Modified: .*$', 'Modified: 2026-03-10 08:00', path.read_text('utf-8'), count=1, flags=re.M), 'utf-8')\n"
        "assert s.update([str(path)]).kind == 'done'\n"
        "print('runs', len(runs))\n"
        "path.write_text(path.read_text('utf-8') + '\\nThêm một câu.\\n', 'utf-8')\n"
        "assert s.update([str(path)]).kind == 'done'\n"
        "print('runs', len(runs))\n"))
    assert "runs 1\nruns 1\n" in stdout, stdout[-3000:]


def test_a_write_given_a_copy_of_the_context_is_made_again_with_the_context_as_it_is_then(tmp_path):
    """Pelican gives each period archive a copy of the context with its period. A replay of such a
    write (an update in place) takes the period from the copy and every other value from the
    shared context as it is then: a value a generator's context made again since (Session.
    _regenerate) shows, as a full build would show it."""
    stdout = run_in_a_session(tmp_path, after_build=(
        "paths = sorted(p for p, r in s.outputs.records.items() if r[0] == 'period_archives.html' and 'SITENAME' in r[1])\n"
        "assert paths, 'no period archive page read SITENAME'\n"
        "before = pathlib.Path(paths[0]).read_text('utf-8')\n"
        "s.context['SITENAME'] = 'Tên mới của chuyên mục'\n"
        "s._replay_keys([s.outputs.keys[paths[0]]])\n"
        "after = pathlib.Path(paths[0]).read_text('utf-8')\n"
        "print('period kept', after.count('<h1') == before.count('<h1') and after.split('<h1', 1)[1].split('</h1>')[0] == before.split('<h1', 1)[1].split('</h1>')[0])\n"
        "print('new name', 'Tên mới của chuyên mục' in after)\n"))
    assert "period kept True\nnew name True\n" in stdout, stdout[-3000:]


def test_an_item_counts_as_unchanged_only_when_its_attributes_are_the_same_objects():
    """A run takes an item's last state without working it out again when each attribute is the
    object it was (cchc.dependencies.same_objects): lists and dicts copied with the same elements
    count as the same, anything changed, added, removed or of a kind that can change in place
    does not."""
    import datetime as dt

    from cchc.dependencies import Fingerprints, same_objects, snapshot, state_of

    from zoneinfo import ZoneInfo

    item = types.SimpleNamespace(title="Một cửa", date=dt.datetime(2026, 5, 1, 8, 0), timezone=ZoneInfo("Asia/Ho_Chi_Minh"),
                                 tags=["một cửa", "dịch vụ công"],
                                 metadata={"tags": ["một cửa"], "summary": "Tóm tắt"}, settings={"SITEURL": ""})
    kept, state = snapshot(item), state_of(item, Fingerprints(), {})

    def same():
        answer = same_objects(item, kept)
        if answer:  # what the shortcut stands for
            assert state_of(item, Fingerprints(), {}) == state
        return answer

    assert same()
    item.tags, item.metadata = list(item.tags), {**item.metadata, "tags": list(item.metadata["tags"])}
    item.settings = {"SITEURL": "http://127.0.0.1:8000"}  # not what an item is (the session's)
    assert same()
    item.tags.append("cải cách")
    assert not same()
    item.tags.pop()
    item.metadata["tags"].append("cải cách")
    assert not same()
    item.metadata["tags"].pop()
    item.title = "Một cửa liên thông"
    assert not same()
    item.title = kept["title"]
    item.related = []
    assert not same()
    del item.related
    del item.date
    assert not same()
    item.date = kept["date"]
    assert same()
    # An object of a kind that may change in place is never taken as the same: its fingerprint
    # is what it holds, not which object it is.
    holder = types.SimpleNamespace(name="Phòng Văn hóa - Xã hội")
    item.body = holder
    kept = snapshot(item)
    assert not same_objects(item, kept)


def test_an_item_whose_link_points_to_a_new_address_counts_as_changed():
    """The shortcut above keeps an item's last state, but not the addresses of the items its
    {filename} links point to: those are looked up again in each run."""
    from cchc.dependencies import Fingerprints
    from cchc.incremental import _Pending, _state

    target = types.SimpleNamespace(relative_source_path="articles/a.md", _content="<p>Bài A</p>",
                                   url="tin-tuc/bai-a/", save_as="tin-tuc/bai-a/index.html")
    linking = types.SimpleNamespace(relative_source_path="articles/b.md", title="Bài B",
                                    _content='<p>Xem <a href="{filename}a.md">bài A</a>.</p>')
    context = {"generated_content": {"articles/a.md": target, "articles/b.md": linking}}
    session = types.SimpleNamespace(generators=[types.SimpleNamespace(articles=[target, linking], context=context)])
    states = {id(item): _state(item, Fingerprints(), context) for item in (target, linking)}

    def changed_since(before):
        pending = _Pending(session, before)
        return {item.title if item is linking else "A" for item in (target, linking)
                if not pending.isdisjoint({id(item)})}, pending.states

    changed, states = changed_since(states)
    assert changed == set()
    target.url, target.save_as = "tin-tuc/bai-a-moi/", "tin-tuc/bai-a-moi/index.html"
    changed, states = changed_since(states)
    assert changed == {"A", "Bài B"}
    changed, states = changed_since(states)
    assert changed == set()
