"""Feed classes shared by the site's feed plugins (cchc_feeds, cchc_podcast)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from feedgenerator import Rss201rev2Feed


class TypedRss201rev2Feed(Rss201rev2Feed):
    """RSS whose <atom:link rel="self"> carries type="application/rss+xml", as RSS Best Practices
    and the W3C validator ask; feedgenerator writes it without."""

    def add_root_elements(self, handler):
        feed_url = self.feed["feed_url"]
        self.feed["feed_url"] = None  # the parent then writes everything but its untyped self link
        try:
            super().add_root_elements(handler)
        finally:
            self.feed["feed_url"] = feed_url
        if feed_url is not None:
            handler.addQuickElement(
                "atom:link", None, {"rel": "self", "type": "application/rss+xml", "href": feed_url})


# href/src/poster/srcset attribute values in entry HTML.
_ATTR = re.compile(r'(?P<attr>\b(?:href|src|poster|srcset))=(?P<q>["\'])(?P<value>.*?)(?P=q)', re.S)
_ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|#|//)", re.I)


def absolutize(html: str | None, base: str) -> str | None:
    """Every relative URL in html made absolute against base (the entry's own address)."""
    if not html:
        return html

    def one(url: str) -> str:
        url = url.strip()
        return url if not url or _ABSOLUTE.match(url) else urljoin(base, url)

    def replace(match):
        value = match["value"]
        if match["attr"] == "srcset":
            parts = []
            for candidate in value.split(","):
                bits = candidate.strip().split(None, 1)
                if bits:
                    parts.append(" ".join([one(bits[0]), *bits[1:]]))
            value = ", ".join(parts)
        else:
            value = one(value)
        return f'{match["attr"]}={match["q"]}{value}{match["q"]}'

    return _ATTR.sub(replace, html)
