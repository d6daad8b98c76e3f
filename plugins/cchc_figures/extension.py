"""The Markdown extension behind cchc_figures."""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor


class FigureTreeprocessor(Treeprocessor):
    def run(self, root):
        for parent in root.iter():
            for index, paragraph in enumerate(list(parent)):
                if paragraph.tag == "p" and _only_image(paragraph):
                    parent[index] = _figure(paragraph[0])
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


class FigureExtension(Extension):
    def extendMarkdown(self, md):
        # After inline patterns (priority 20) have made <img>, before prettify (10).
        md.treeprocessors.register(FigureTreeprocessor(md), "cchc_figures", 15)
