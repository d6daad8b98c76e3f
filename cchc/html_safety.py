"""The site's one HTML sanitizer (TRUST.md rules 1–2): what editors' Markdown may become.

Every piece of HTML that comes from outside the repository's code passes `sanitize()`: the rendered
body, summary and title of every article and page (plugins/cchc_content, when Pelican has read the
file), before any other plugin, feed or index sees it. Templates print those three as HTML with
the `sanitized` filter; every other value a template prints is text, escaped by Jinja (autoescape).

The sanitizer is Ammonia, through nh3: an HTML5 parser (html5ever) and an allowlist. Our own
regular expressions would always be one spelling short (`<svg/onload=…>`, `<img src=x"onerror=…>`,
`jav&#x61;script:`). The allowlist below is what the site's Markdown produces (Python-Markdown with
"extra", "toc", "sane_lists", plus plugins/cchc_figures and plugins/cchc_images), and nothing else.

`removed()` tells the editor, in Vietnamese, what the sanitizer would drop, so that nothing an
editor wrote disappears without a word: it reads the same HTML with the standard library's HTML5-
tolerant tokenizer against the same allowlist, and, should the two parsers ever disagree, compares
the tags nh3 kept with the tags that were written.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

from .errors import Problem

# ---- the allowlist: the one place that says what editors' HTML may contain ----------------------
TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "iframe", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href"},
    "abbr": set(),
    "blockquote": {"cite"},
    "q": {"cite"},
    "img": {"src", "alt", "width", "height", "loading", "decoding", "srcset", "sizes"},
    "ol": {"start", "reversed"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    # plugins/cchc_figures: a table scrolls sideways inside a focusable, labelled region
    "div": {"role", "tabindex", "aria-label"},
    # only from CCHC_MEDIA_HOSTS (frame_hosts below)
    "iframe": {"src", "width", "height", "allow", "allowfullscreen", "loading", "referrerpolicy"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}  # and relative addresses
URL_ATTRIBUTES = {"href", "src", "cite", "srcset"}
STYLE_PROPERTIES = {"text-align"}  # Markdown tables write column alignment as style="text-align: …"
DROPPED_WITH_CONTENT = {"script", "style"}

_cleaners: dict[tuple, nh3.Cleaner] = {}


def _cleaner(frame_hosts: tuple[str, ...]) -> nh3.Cleaner:
    cleaner = _cleaners.get(frame_hosts)
    if cleaner is None:
        allowed = set(frame_hosts)

        def frames_only_from_allowed_hosts(tag, attribute, value):
            if tag == "iframe" and attribute == "src":
                parts = urlsplit(value)
                return value if parts.scheme == "https" and parts.hostname in allowed else None
            return value

        cleaner = _cleaners[frame_hosts] = nh3.Cleaner(
            tags=TAGS, clean_content_tags=DROPPED_WITH_CONTENT, attributes=ATTRIBUTES,
            attribute_filter=frames_only_from_allowed_hosts, strip_comments=True, link_rel=None,
            url_schemes=URL_SCHEMES, filter_style_properties=STYLE_PROPERTIES)
    return cleaner


def sanitize(text: str, frame_hosts=()) -> str:
    """The HTML with everything outside the allowlist removed (nh3/Ammonia)."""
    if not text:
        return text or ""
    return _cleaner(tuple(sorted(frame_hosts))).clean(text)


class Text(str):
    """Plain text (an item's title) that stays text wherever HTML is made of it: Jinja's autoescape
    and markupsafe.Markup() both call __html__, so "Phí & lệ phí: 5 < 10" is escaped on pages and
    survives the Markup(title).striptags() of Pelican's feed writer as written."""

    __slots__ = ()

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))


def sanitized(text):
    """Jinja filter `sanitized`: prints an item's `content`, `summary` or `title` as HTML. Those,
    and only those, passed sanitize() when Pelican read the file (plugins/cchc_content); what the
    site's own plugins add afterwards (photo sizes, the task matrix, Pelican's link addresses) is
    the repository's code. Any other value a template prints is text, escaped by Jinja.
    tests/test_hostile.py keeps templates from using it, or `|safe`, on anything else."""
    from markupsafe import Markup

    return Markup(text or "")


# ---- what the editor is told -----------------------------------------------------------------------

def scheme_of(url: str) -> str:
    """The scheme a browser would see: entities decoded, whitespace and control characters gone."""
    text = re.sub(r"[\x00-\x20\x7f-\x9f]", "", html.unescape(url or ""))
    match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", text)
    return match.group(1).lower() if match else ""


class _Reader(HTMLParser):
    def __init__(self, frame_hosts):
        super().__init__(convert_charrefs=True)
        self.frame_hosts = set(frame_hosts)
        self.found: list[tuple[str, tuple[str, ...]]] = []  # (Vietnamese description, texts to look for in the source)
        self._tag = ""
        self.tags: Counter = Counter()

    def _add(self, what, *needles):
        self.found.append((what, tuple(n for n in needles if n) + (f"<{self._tag}",)))

    def handle_starttag(self, tag, attrs):
        tag = self._tag = tag.lower()
        if tag not in TAGS:
            self._add(f"thẻ <{tag}>")
            return
        self.tags[tag] += 1
        allowed = ATTRIBUTES["*"] | ATTRIBUTES.get(tag, set())
        raw = self.get_starttag_text() or ""
        for name, value in attrs:
            name = name.lower()
            value = value or ""
            written = re.search(rf"""{re.escape(name)}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*))""", raw, re.I)
            written = next((g for g in written.groups() if g), value) if written else value
            if name not in allowed:
                self._add(f"thuộc tính “{name}” trong thẻ <{tag}>", name)
            elif name in URL_ATTRIBUTES:
                urls = [c.strip().split(" ")[0] for c in value.split(",")] if name == "srcset" else [value]
                for url in urls:
                    scheme = scheme_of(url)
                    if scheme and scheme not in URL_SCHEMES:
                        self._add(f"địa chỉ “{url.strip()[:40]}” (chỉ dùng được http, https, mailto, tel)",
                                  written.strip()[:20], url.strip()[:20])
                if tag == "iframe" and name == "src":
                    parts = urlsplit(value.strip())
                    if parts.scheme != "https" or parts.hostname not in self.frame_hosts:
                        self._add(f"khung nhúng <iframe> từ “{parts.hostname or value[:40]}”", written[:20])
            elif name == "style":
                for declaration in filter(None, (d.strip() for d in value.split(";"))):
                    prop = declaration.split(":")[0].strip().lower()
                    if prop not in STYLE_PROPERTIES:
                        self._add(f"kiểu trình bày “{declaration[:40]}”", declaration[:20], "style")

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.found.append(("chú thích HTML <!-- … -->", ("<!--",)))

    def handle_decl(self, decl):
        self.found.append((f"khai báo <!{decl[:20]}>", ("<!",)))

    def handle_pi(self, data):
        self.found.append((f"chỉ thị <?{data[:20]}>", ("<?",)))

    def unknown_decl(self, data):
        self.found.append((f"khai báo <![{data[:20]}", ("<![",)))


_MARKUP = re.compile(r"<[A-Za-z/!?]")
_SIMPLE_TAG = re.compile(r"""<(/?)([a-z][a-z0-9]*)((?:\s+[a-z][a-z-]*(?:="[^"<>&]*")?)*)\s*/?>""")
_SIMPLE_ATTR = re.compile(r"""\s+([a-z][a-z-]*)(?:="([^"]*)")?""")
_SAFE_URL = re.compile(r"^(?:https?:|mailto:|tel:|[^:]*$|[^:]*[/?#])", re.I)
_START_TAG = re.compile(r"<([a-z][a-z0-9]*)")


def _plainly_allowed(text: str) -> bool:
    """True when every piece of markup in the text is a plain, lower-case tag with double-quoted,
    entity-free attributes, all on the allowlist (what Python-Markdown writes for ordinary
    Markdown): nothing would be removed, and the full reading below can be skipped. Anything this
    does not fully understand returns False, never a wrong True."""
    tags = list(_SIMPLE_TAG.finditer(text))
    if len(tags) != len(_MARKUP.findall(text)):
        return False
    for match in tags:
        tag = match[2]
        if tag not in TAGS or tag == "iframe":
            return False
        allowed = ATTRIBUTES["*"] | ATTRIBUTES.get(tag, set())
        for name, value in _SIMPLE_ATTR.findall(match[3]):
            if name not in allowed or name == "style" or name in URL_ATTRIBUTES and not all(
                    _SAFE_URL.match(url.strip().split(" ")[0]) for url in value.split(",")):
                return False
    return True


def removed(text: str, frame_hosts=()) -> list[tuple[str, tuple[str, ...]]]:
    """What sanitize() drops from this HTML: [(description in Vietnamese, texts to look for in the
    source file to find its line, best first)]."""
    if not text or "<" not in text or _plainly_allowed(text):
        return []
    reader = _Reader(frame_hosts)
    reader.feed(text)
    reader.close()
    found = list(dict.fromkeys(reader.found))
    if not found:
        # The two parsers agree on well-formed HTML; on anything else, say which tag was lost.
        # (nh3 writes canonical HTML, where every "<" + letter starts a tag.)
        kept = Counter(_START_TAG.findall(sanitize(text, frame_hosts)))
        for tag, count in (reader.tags - kept).items():
            found.append((f"thẻ <{tag}> viết sai cú pháp", (f"<{tag}",)))
    return found


def check_data_text(path, record, allowed_hosts, report, field=""):
    """Imported procedure records are text (escaped by the templates), never HTML: markup in them is
    told to whoever imports, since the page will show it as written, not as formatting."""
    if isinstance(record, dict):
        for key, value in record.items():
            check_data_text(path, value, allowed_hosts, report, f"{field}.{key}" if field else key)
    elif isinstance(record, list):
        for n, value in enumerate(record):
            check_data_text(path, value, allowed_hosts, report, f"{field}[{n}]")
    elif isinstance(record, str) and "<" in record:
        for what, _needles in removed(record, allowed_hosts)[:1]:
            report(Problem(path, None, field, f"có {what}, có thể chạy mã độc; trang không đăng dữ liệu này.",
                           "Xóa đoạn HTML khỏi dữ liệu (nhập lại hoặc sửa phần bổ sung của phường)."))
