"""cchc_figures — accessible block markup for what editors put in Markdown: photos and tables.

A photo on its own line becomes a figure with its caption; a table is wrapped in a focusable,
labelled region that scrolls sideways on a phone.

Editors write `![Mô tả ảnh]({static}/images/2026/anh.jpg "Chú thích")` on a line of its own; the
Markdown reader then produces <figure><img alt="Mô tả ảnh" …><figcaption>Chú thích</figcaption>
</figure>. Python-Markdown has no such extension, and pymdownx's caption blocks need an extra
"/// caption" syntax editors would have to learn, hence this small treeprocessor. Images also get
loading="lazy" and decoding="async" so phones on slow connections load the text first.
Settings changed: MARKDOWN["extensions"] (the extension is added in `initialized`).
"""

from pelican import signals

from .extension import FigureExtension


def initialized(pelican):
    markdown = pelican.settings.setdefault("MARKDOWN", {})
    extensions = markdown.setdefault("extensions", [])
    if not any(isinstance(e, FigureExtension) for e in extensions):
        extensions.append(FigureExtension())


def register():
    signals.initialized.connect(initialized)
