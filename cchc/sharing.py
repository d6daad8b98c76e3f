"""Share links that are plain addresses: no third-party script, no tracking, nothing loaded until the
resident taps one.

Facebook documents its sharer URL (sharer.php?u=…). Zalo documents only its JavaScript share button;
the address that button opens, share_external?d=<base64 of {"url": …}>, is what every Zalo share link
without the SDK uses. If Zalo changes it, only zalo_share_url changes.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import quote


def facebook_share_url(url: str) -> str:
    return "https://www.facebook.com/sharer/sharer.php?u=" + quote(url, safe="")


def zalo_share_url(url: str) -> str:
    payload = base64.b64encode(json.dumps({"url": url}, separators=(",", ":")).encode("utf-8")).decode("ascii")
    return "https://button-share.zalo.me/share_external?d=" + quote(payload, safe="")
