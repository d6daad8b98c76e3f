"""Markdown photos and tables become accessible block markup (plugins/cchc_figures)."""

import sys

import markdown

from conftest import ROOT

sys.path.insert(0, str(ROOT / "plugins"))
from cchc_figures.extension import FigureExtension  # noqa: E402


def render(text):
    return markdown.markdown(text, extensions=["extra", FigureExtension()], output_format="html5")


def test_photo_on_its_own_line_becomes_a_figure_with_caption():
    html = render('![Cán bộ hướng dẫn người dân]({static}/images/a.jpg "Bộ phận Một cửa")')
    assert html.startswith('<figure class="cc-figure"><img alt="Cán bộ hướng dẫn người dân"')
    assert "<figcaption>Bộ phận Một cửa</figcaption>" in html
    assert "title=" not in html
    assert 'loading="lazy"' in html and 'decoding="async"' in html


def test_photo_inside_a_sentence_stays_inline():
    html = render("Biểu tượng ![VNeID](v.png) trên điện thoại.")
    assert "<figure" not in html and html.startswith("<p>")


def test_each_table_is_wrapped_once_in_a_focusable_labelled_region():
    html = render("| A | B |\n|---|---|\n| 1 | 2 |\n\nĐoạn giữa.\n\n| C |\n|---|\n| 3 |\n")
    assert html.count('<div aria-label="Bảng') == 2 or html.count('class="cc-table"') == 2
    assert html.count("<table>") == 2
    assert html.count('tabindex="0"') == 2 and html.count('role="region"') == 2
