"""Which article URLs may be linked or exported: plain http(s) links only.

Article URLs come from the web; ``javascript:`` and ``data:`` links must never reach a map
popup, a GeoJSON consumer or a spreadsheet as something clickable.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20]")
_HTTP_NETLOC = re.compile(r"https?://([^/?#]+)", re.I)


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) link, else None (javascript:, data:, garbage)."""
    if not url:
        return None
    url = url.strip()
    # Regexes rather than urlsplit on every URL: this runs once per source of 100,000s.
    if _CONTROL_OR_SPACE.search(url):
        return None
    match = _HTTP_NETLOC.match(url)
    if match is None:
        return None
    if "[" in match.group(1) or "]" in match.group(1):
        try:  # an IPv6 literal: let the standard parser judge its brackets
            urlsplit(url)
        except ValueError:
            return None
    return url
