"""The Markdown extension behind cchc_figures."""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor


class FigureTreeprocessor(Treeprocessor):
    def run(self, root):
        # Collect first, then replace: the new elements contain the old ones, and iterating
        # while wrapping would find each table again inside its own wrapper.
        paragraphs = [(parent, index, child) for parent in root.iter()
                      for index, child in enumerate(parent) if child.tag == "p" and _only_image(child)]
        for parent, index, paragraph in paragraphs:
            parent[index] = _figure(paragraph[0])
        tables = [(parent, index, child) for parent in root.iter()
                  for index, child in enumerate(parent) if child.tag == "table"]
        for parent, index, table in tables:
            parent[index] = _scrollable(table)
        for image in root.iter("img"):
            image.set("loading", "lazy")
            image.set("decoding", "async")


def _only_image(paragraph) -> bool:
    return (
        len(paragraph) == 1
        and paragraph[0].tag == "img"
        and not (paragraph.text or "").strip()
        and not (paragraph[0].tail or "").strip()
    )


def _figure(image):
    figure = etree.Element("figure", {"class": "cc-figure"})
    caption = (image.attrib.pop("title", "") or "").strip()
    image.tail = None
    figure.append(image)
    if caption:
        figcaption = etree.SubElement(figure, "figcaption")
        figcaption.text = caption
    return figure


def _scrollable(table):
    """A wide table scrolls sideways on a phone inside a region that keyboard users can focus
    and screen readers announce (WCAG 2.1.1; axe "scrollable-region-focusable")."""
    region = etree.Element("div", {"class": "cc-table", "role": "region", "tabindex": "0",
                                    "aria-label": "Bảng (trên điện thoại, vuốt ngang để xem hết)"})
    region.tail, table.tail = table.tail, None
    region.append(table)
    return region


class FigureExtension(Extension):
    def extendMarkdown(self, md):
        # After inline patterns (priority 20) have made <img>, before prettify (10).
        md.treeprocessors.register(FigureTreeprocessor(md), "cchc_figures", 15)
