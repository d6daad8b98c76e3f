"""`cchc new-article` and `cchc new-procedure` create complete, valid files for editors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import types

import pytest

from cchc import new_content, procedures
from conftest import BUILD_DATE, ROOT


def options(**given):
    base = dict(title=None, category=None, form=None, co_quan=None, task=None, areas=None, summary=None, tags=None,
                document=None, date=None, slug=None)
    base.update(given)
    return types.SimpleNamespace(**base)


def site_root(tmp_path):
    shutil.copytree(ROOT / "content" / "data", tmp_path / "content" / "data")
    return tmp_path


def test_new_article_has_complete_metadata_and_builds(tmp_path, fixture_site):
    root = site_root(tmp_path / "repo")
    path = new_content.new_article(root, options(
        title="Phường Chí Linh tiếp nhận 500 hồ sơ trực tuyến", category="Thủ tục hành chính và dịch vụ công",
        form="tin", co_quan="Trung tâm Phục vụ hành chính công", task=["04"], summary="Tóm tắt ngắn.",
        date="2026-11-20 08:00", document="110/QĐ-UBND"), interactive=False)
    assert path == root / "content/articles/2026/phuong-chi-linh-tiep-nhan-500-ho-so-truc-tuyen.md"
    text = path.read_text(encoding="utf-8")
    for line in ("Date: 2026-11-20 08:00", "Category: Thủ tục hành chính và dịch vụ công", "co_quan: tthcc",
                 "hinh_thuc: tin", "noi_dung: m", "nhiem_vu: 04", "so_van_ban: 110/QĐ-UBND", "Status: draft"):
        assert line in text.splitlines()
    fixture_site.copy(path, "articles/2026/moi.md")
    fixture_site.write("articles/khac.md", "Title: Bài khác\nDate: 2026-03-01\nCategory: chinh-quyen-so\n"
                       "Summary: Tóm tắt.\nco_quan: vhxh\nhinh_thuc: tin\nnoi_dung: l\n\nNội dung.\n")
    result = fixture_site.build()
    assert result.returncode == 0, result.log
    assert not (fixture_site.output / "tin-tuc/2026/11").exists()  # a draft is not published
    assert not (fixture_site.output / "ban-nhap").exists()


def test_drafts_are_previewed_locally_but_not_searchable(tmp_path, fixture_site):
    """The preview (pelicanconf.py) shows drafts at ban-nhap/, outside the search index and the
    sitemap; a draft page too. A draft's tag has no page yet (only published articles are listed):
    the draft shows it without a link, so the build's link check passes."""
    root = site_root(tmp_path / "repo")
    path = new_content.new_article(root, options(
        title="Phường Chí Linh tiếp nhận 500 hồ sơ trực tuyến", category="thu-tuc-dich-vu-cong", form="tin",
        co_quan="tthcc", summary="Tóm tắt ngắn.", date="2026-11-20 08:00", tags="tiếp nhận hồ sơ"),
        interactive=False)
    fixture_site.copy(path, "articles/2026/moi.md")
    fixture_site.write("articles/khac.md", "Title: Bài khác\nDate: 2026-03-01\nCategory: chinh-quyen-so\n"
                       "Summary: Tóm tắt.\nco_quan: vhxh\nhinh_thuc: tin\nnoi_dung: l\n\nNội dung.\n")
    fixture_site.write("pages/trang-nhap.md", "Title: Trang đang soạn\nStatus: draft\n\nNội dung trang.\n")
    # As the preview builds it: `cchc build` (pelicanconf.py), with its check of every built link.
    result = subprocess.run([sys.executable, "-m", "cchc.cli", "build", "--content", str(fixture_site.content),
                             "-o", str(fixture_site.output), "--cache", str(fixture_site.cache)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env=dict(os.environ, CCHC_BUILD_DATE=BUILD_DATE))
    assert result.returncode == 0, result.stdout + result.stderr
    for rel in ("ban-nhap/moi/index.html", "ban-nhap/trang/trang-nhap/index.html"):
        html = (fixture_site.output / rel).read_text(encoding="utf-8")
        assert "data-pagefind-body" not in html, rel
    assert "ban-nhap" not in (fixture_site.output / "sitemap.xml").read_text(encoding="utf-8")
    draft_html = (fixture_site.output / "ban-nhap/moi/index.html").read_text(encoding="utf-8")
    assert "tiếp nhận hồ sơ" in draft_html and not (fixture_site.output / "the/tiep-nhan-ho-so").exists()
    published = (fixture_site.output / "tin-tuc/2026/03/khac/index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" in published


def test_new_article_refuses_unknown_values_and_existing_files(tmp_path):
    root = site_root(tmp_path)
    with pytest.raises(new_content.Refused, match="chuyên mục “Tin tức” không có trong danh mục"):
        new_content.new_article(root, options(title="A", category="Tin tức", form="tin", co_quan="vhxh", summary="S"),
                                interactive=False)
    with pytest.raises(new_content.Refused, match="thiếu Tiêu đề"):
        new_content.new_article(root, options(category="chinh-quyen-so"), interactive=False)
    given = options(title="Bài A", category="chinh-quyen-so", form="tin", co_quan="vhxh", summary="S", date="2026-05-01")
    new_content.new_article(root, given, interactive=False)
    with pytest.raises(new_content.Refused, match="đã có tệp content/articles/2026/bai-a.md"):
        new_content.new_article(root, given, interactive=False)


def test_new_article_asks_for_what_is_missing(tmp_path, monkeypatch, capsys):
    root = site_root(tmp_path)
    answers = iter(["Đối thoại trực tuyến đợt 3", "nguoi-dan-giam-sat", "tin", "van-phong", "06", "Tóm tắt đợt 3."])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    path = new_content.new_article(root, options(date="2026-11-25 09:00"), interactive=True)
    text = path.read_text(encoding="utf-8")
    assert "Title: Đối thoại trực tuyến đợt 3" in text and "nhiem_vu: 06" in text and "noi_dung: h" in text
    assert "cuoc-thi-phong-trao" in capsys.readouterr().out  # the choices were shown


def test_new_procedure_starts_the_wards_overlay(tmp_path):
    from test_procedures_site import record

    root = tmp_path
    (root / "content/procedures").mkdir(parents=True)
    text = record("1.004873", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân").replace(
        "{loai: le-phi, muc: 8.000 đồng, mo_ta: Lệ phí cấp bản sao}",
        "{loai: le-phi, mo_ta: Mức thu do Hội đồng nhân dân thành phố quyết định}")
    (root / "content/procedures/1.004873.yaml").write_text(text, encoding="utf-8")
    settings = {"ADDRESS": "Trung tâm Phục vụ hành chính công phường Chí Linh", "HOTLINE": "0220 3882 115"}
    path = new_content.new_procedure(root, "1.004873", settings)
    written = path.read_text(encoding="utf-8")
    assert "# phi_dia_phuong:" in written and "hinh_thuc: truc-tiep, loai: le-phi" in written
    loaded = procedures.load_all(str(root / "content/procedures"))
    assert loaded[0].local["dia_chi"] == "Trung tâm Phục vụ hành chính công phường Chí Linh"
    assert loaded[0].local["phi_dia_phuong"] == []  # nothing unfinished reaches the site
    with pytest.raises(new_content.Refused, match="đã có"):
        new_content.new_procedure(root, "1.004873", settings)
    with pytest.raises(new_content.Refused, match="chưa có thủ tục 1.000001"):
        new_content.new_procedure(root, "1.000001", settings)


# -- hostile or mistyped input (issue 14, "Editor input") ----------------------------------------

GOOD = dict(title="Bài A", category="chinh-quyen-so", form="tin", co_quan="vhxh", summary="S", date="2026-05-01")


@pytest.mark.parametrize("option, value, what", [
    ("title", "A\nStatus: published", "ký tự xuống dòng ở ký tự thứ 2"),
    ("title", "A\rStatus: published", "ký tự xuống dòng"),              # CR alone
    ("title", "A\r\nSlug: khac", "ký tự xuống dòng"),
    ("title", "Tin\x1b]0;pwned\x07", "ký tự điều khiển U+001B (ESC)"),
    ("title", "A\u2028Status: published", "ký tự xuống dòng"),          # LINE SEPARATOR
    ("title", "A\x0bB", "ký tự xuống dòng"),                            # Word's Shift+Enter
    ("title", "A\udcffB", "byte không phải chữ UTF-8"),                 # argv bytes that are not UTF-8
    ("summary", "Tóm tắt\nStatus: published", "ký tự xuống dòng"),
    ("tags", "a\x85Status: published", "ký tự xuống dòng"),             # NEL (C1)
    ("document", "110/QĐ-UBND\x00", "ký tự điều khiển U+0000"),
    ("category", "chinh-quyen-so\x1b[2J", "ký tự điều khiển U+001B"),
    ("form", "tin\x7f", "ký tự điều khiển U+007F"),                    # DEL
    ("co_quan", "vhxh\u009b", "ký tự điều khiển U+009B"),                 # C1 CSI
    ("areas", "m\nl", "ký tự xuống dòng"),
    ("date", "2026-05-01\nStatus: published", "ký tự xuống dòng"),
    ("slug", "bai-a\n", "ký tự xuống dòng"),
    ("task", ["04", "05\nStatus: published"], "ký tự xuống dòng"),
])
def test_new_article_refuses_control_characters_and_line_breaks(tmp_path, option, value, what):
    """No value from the command line can add a header line (`Status: published` would publish a
    draft) or reach the terminal in a message; the message names the option."""
    root = site_root(tmp_path)
    with pytest.raises(new_content.Refused) as refused:
        new_content.new_article(root, options(**{**GOOD, option: value}), interactive=False)
    message = str(refused.value)
    assert message.startswith(f"--{option.replace('_', '-')} có {what}"), message
    assert "Cách sửa:" in message
    assert not any(c in message for c in "\n\r\x1b\x00\x7f\x85\u009b\u2028"), repr(message)
    assert not (root / "content" / "articles").exists()


def test_new_article_title_tab_becomes_a_space(tmp_path):
    """A tab (copied from a spreadsheet cell) is whitespace, not a new line: it becomes one space,
    as the build does with the same Title line in a .md file (vn.normalize_line)."""
    root = site_root(tmp_path)
    path = new_content.new_article(root, options(**{**GOOD, "title": "Bài\tA\t", "summary": "Tóm\ttắt"}),
                                   interactive=False)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "Title: Bài A" in lines and "Summary: Tóm tắt" in lines
    assert not [line for line in lines if "\t" in line]
    assert sum(line.startswith("Status:") for line in lines) == 1


def test_new_article_title_length_limit(tmp_path):
    root = site_root(tmp_path)
    with pytest.raises(new_content.Refused, match="--title dài 5000 ký tự, quá giới hạn 200 ký tự"):
        new_content.new_article(root, options(**{**GOOD, "title": "Á" * 5000}), interactive=False)
    with pytest.raises(new_content.Refused, match="dài 201 ký tự"):
        new_content.new_article(root, options(**{**GOOD, "title": "ă" * 201}), interactive=False)
    # Counted after normalisation: decomposed tone marks and doubled spaces do not count.
    title = ("a\u0301  " * 100).rstrip() + "!"  # 100 × "á", 99 spaces, "!": 200 characters
    path = new_content.new_article(root, options(**{**GOOD, "title": title}), interactive=False)
    assert len(path.read_text(encoding="utf-8").splitlines()[0]) == len("Title: ") + 200
    with pytest.raises(new_content.Refused, match="thiếu Tiêu đề"):
        new_content.new_article(root, options(**{**GOOD, "title": " \t "}), interactive=False)


@pytest.mark.parametrize("date", ["hôm qua", "20/11/2026", "2026-13-01", "2026-02-30 08:00", "ngày mai 8h"])
def test_new_article_unreadable_date_is_a_message(tmp_path, monkeypatch, capsys, date):
    """`cchc new-article --date 'hôm qua'` used to end in a ValueError traceback."""
    from cchc import cli

    root = site_root(tmp_path)
    monkeypatch.setattr(cli, "ROOT", root)
    code = cli.main(["new-article", "--title", "Bài A", "--category", "chinh-quyen-so", "--form", "tin",
                     "--co-quan", "vhxh", "--summary", "S", "--date", date])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"Không tạo được bài: --date “{date}” không phải một ngày đọc được."), err
    assert "2026-03-05 09:30" in err and "Traceback" not in err
    assert not (root / "content" / "articles").exists()


def test_new_article_date_with_offset_is_vietnam_time(tmp_path):
    root = site_root(tmp_path)
    path = new_content.new_article(root, options(**{**GOOD, "date": "2026-12-31T20:00+00:00"}), interactive=False)
    assert path.parent.name == "2027" and "Date: 2027-01-01 03:00" in path.read_text(encoding="utf-8")


def test_new_article_command_refuses_a_header_in_the_title(tmp_path, monkeypatch, capsys):
    """The command itself: exit 1, the Vietnamese message on stderr, no file."""
    from cchc import cli

    root = site_root(tmp_path)
    monkeypatch.setattr(cli, "ROOT", root)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code = cli.main(["new-article", "--title", "A\nStatus: published", "--category", "chinh-quyen-so",
                     "--form", "tin", "--co-quan", "vhxh", "--summary", "S"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("Không tạo được bài: --title có ký tự xuống dòng ở ký tự thứ 2"), err
    assert not (root / "content" / "articles").exists()


def test_prompt_asks_again_after_control_characters(tmp_path, monkeypatch, capsys):
    """Arrow keys at a prompt without line editing type ESC sequences; a pasted title can carry a
    line break or run past the limit: each answer is explained and asked again, never written."""
    root = site_root(tmp_path)
    answers = iter(["Đối thoại\x1b[D đợt 3", "x" * 201, "Đối thoại trực tuyến đợt 3",
                    "nguoi-dan-giam-sat\x7f", "nguoi-dan-giam-sat", "tin", "van-phong", "06",
                    "Tóm tắt\u2028đợt 3.", "Tóm tắt đợt 3."])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    path = new_content.new_article(root, options(date="2026-11-25 09:00"), interactive=True)
    text = path.read_text(encoding="utf-8")
    assert "Title: Đối thoại trực tuyến đợt 3" in text and "Summary: Tóm tắt đợt 3." in text
    assert "\x1b" not in text and "\u2028" not in text and "\x7f" not in text
    err = capsys.readouterr().err
    assert "“Tiêu đề” có ký tự điều khiển U+001B (ESC) ở ký tự thứ 10" in err
    assert "“Tiêu đề” dài 201 ký tự, quá giới hạn 200 ký tự" in err
    assert "“Chuyên mục” có ký tự điều khiển U+007F" in err
    assert "“Tóm tắt (1–2 câu)” có ký tự xuống dòng" in err


@pytest.mark.parametrize("option", ["--co-quan", "--body"])
def test_new_article_names_the_issuing_body_co_quan_and_keeps_body_as_a_hidden_alias(tmp_path, monkeypatch, capsys,
                                                                                       option):
    from cchc import cli

    root = site_root(tmp_path)
    monkeypatch.setattr(cli, "ROOT", root)
    assert cli.main(["new-article", "--title", "Bài B", "--category", "chinh-quyen-so", "--form", "tin",
                     option, "vhxh", "--summary", "S", "--date", "2026-05-01 08:00"]) == 0
    assert "co_quan: vhxh" in (root / "content/articles/2026/bai-b.md").read_text(encoding="utf-8").splitlines()
    capsys.readouterr()
    with pytest.raises(SystemExit):
        cli.main(["new-article", "--help"])
    shown = capsys.readouterr().out
    assert "--co-quan" in shown and "--body" not in shown
