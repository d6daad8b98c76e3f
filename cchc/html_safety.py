"""HTML that could run script in a resident's browser: found in editors' Markdown (raw HTML) and in
imported data, and refused rather than published (used by cchc_content and cchc_procedures)."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from .errors import Problem

_TAG = re.compile(r"<(?P<name>[a-zA-Z][a-zA-Z0-9]*)\b(?P<attrs>[^>]*)>", re.S)
_EVENT_ATTR = re.compile(r"""(?:^|\s)(on[a-z]+)\s*=""", re.I)
_URL_ATTR = re.compile(r"""\b(?:href|src|action|formaction|xlink:href|data)\s*=\s*(["']?)(?P<url>[^"'\s>]*)""", re.I)
_FORBIDDEN_TAGS = {"script", "object", "embed", "applet", "base", "meta", "link", "form", "style"}


def unsafe_html(text: str, allowed_hosts) -> list[str]:
    """Descriptions (Vietnamese) of what in this HTML could run script in a resident's browser."""
    found = []
    for match in _TAG.finditer(text or ""):
        name, attrs = match["name"].lower(), match["attrs"]
        if name in _FORBIDDEN_TAGS:
            found.append(f"thẻ <{name}>")
        if name == "iframe":
            src = re.search(r"""\bsrc\s*=\s*["']?([^"'\s>]+)""", attrs, re.I)
            host = urlsplit(html.unescape(src.group(1))).hostname if src else None
            if host not in allowed_hosts:
                found.append(f"khung nhúng <iframe> từ “{host or 'không rõ'}”")
        for event in _EVENT_ATTR.findall(attrs):
            found.append(f"thuộc tính {event.lower()}=")
        for url in _URL_ATTR.finditer(attrs):
            scheme = re.sub(r"[\s\x00-\x1f]", "", html.unescape(url["url"])).lower()
            if scheme.startswith(("javascript:", "vbscript:", "data:text/html")):
                found.append(f"địa chỉ “{url['url'][:30]}”")
    return found


def check_data_text(path, record, allowed_hosts, report, field=""):
    """Procedure records and overlays are shown as HTML too: the same rules for every text."""
    if isinstance(record, dict):
        for key, value in record.items():
            check_data_text(path, value, allowed_hosts, report, f"{field}.{key}" if field else key)
    elif isinstance(record, list):
        for n, value in enumerate(record):
            check_data_text(path, value, allowed_hosts, report, f"{field}[{n}]")
    elif isinstance(record, str) and "<" in record or isinstance(record, str) and "script:" in record.lower():
        found = unsafe_html(record, allowed_hosts) + (
            ["địa chỉ javascript:"] if re.search(r"javascript\s*:", record, re.I) else [])
        for what in dict.fromkeys(found):
            report(Problem(path, None, field, f"có {what}, có thể chạy mã độc; trang không đăng dữ liệu này.",
                           "Xóa đoạn HTML khỏi dữ liệu (nhập lại hoặc sửa phần bổ sung của phường)."))
