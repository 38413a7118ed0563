"""Every script, stylesheet and font the map needs, as text to inline into one HTML file.

The third-party libraries are the exact builds folium 0.20 links (Leaflet 1.9.3,
Leaflet.markercluster 1.1.0, Leaflet.heat, Leaflet.fullscreen 3.0.0, Font Awesome 6.2.0): their
URLs are read from folium's own classes and their contents from the folium-offline package, which
carries every asset folium 0.20 links. mapper's own script and styles live in ``assets/``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

from mapper.errors import RenderError
from mapper.render.cache import cached_json, fingerprint

# The icon shown when a taxonomy names an icon Font Awesome 6 does not know.
FALLBACK_ICON = "circle"


@dataclass(frozen=True, slots=True)
class Assets:
    """Inline-ready library code: scripts and stylesheets in load order."""

    scripts: tuple[str, ...]
    styles: tuple[str, ...]


def _library_urls() -> tuple[list[str], list[str]]:
    """The CDN URLs folium 0.20 uses for the parts the map needs (scripts, styles)."""
    import folium
    from folium import plugins

    leaflet_js = dict(folium.Map.default_js)["leaflet"]
    leaflet_css = dict(folium.Map.default_css)["leaflet_css"]
    fa_css = dict(folium.Map.default_css)["awesome_markers_font_css"]
    scripts = [leaflet_js]
    styles = [leaflet_css, fa_css]
    for part in (plugins.MarkerCluster, plugins.HeatMap, plugins.Fullscreen):
        scripts += [url for _, url in part.default_js]
        styles += [url for _, url in getattr(part, "default_css", [])]
    return scripts, styles


def _offline_table() -> dict[str, str]:
    try:
        from offlinefolium.elements import _res
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise RenderError(
            "offline map assets not found: install the folium-offline package"
        ) from exc
    return _res


_SOURCE_MAP = re.compile(r"^[ \t]*//[#@] sourceMappingURL=.*$|/\*# sourceMappingURL=[^*]*\*/", re.M)
_FONT_FACE = re.compile(r"@font-face\{[^}]*\}")


def _solid_font_only(css: str) -> str:
    """Keep Font Awesome's solid face (inlined as woff2) and drop faces that load files.

    The regular, brands and v4-compatibility faces point at relative ``../webfonts`` files that
    do not exist next to a saved map; a browser would try to fetch them as soon as one of their
    glyphs is used. The solid face also lists a ``.ttf`` fallback, removed for the same reason.
    """
    kept: list[str] = []
    for face in _FONT_FACE.findall(css):
        if 'font-family:"Font Awesome 6 Free"' in face and "data:font/woff2" in face:
            kept.append(re.sub(r',url\([^)]*\.ttf\) format\("truetype"\)', "", face))
    return "".join(kept) + _FONT_FACE.sub("", css)


def _check_inline(name: str, text: str) -> str:
    text = _SOURCE_MAP.sub("", text)
    if re.search(r"</(script|style)", text, re.I):
        # Cannot happen with the pinned builds; guard so a future build cannot break the page.
        raise RenderError(f"asset {name} cannot be inlined: it contains a closing tag")
    return text


@functools.cache
def library_assets() -> Assets:
    """Leaflet and plugins, ready to inline; cached per process and in the user cache.

    Deriving them imports folium and folium-offline's multi-megabyte table (with pandas): over
    half a second that a run need not pay again for the same package versions.
    """
    key = fingerprint(("folium", "folium-offline"), (__file__,))
    data = cached_json("map-assets", key, _compute_assets)
    return Assets(scripts=tuple(data["scripts"]), styles=tuple(data["styles"]))


def _compute_assets() -> dict[str, list[str]]:
    table = _offline_table()
    scripts_urls, styles_urls = _library_urls()
    missing = [u for u in scripts_urls + styles_urls if u not in table]
    if missing:
        raise RenderError(f"folium-offline lacks {', '.join(missing)}: pin folium-offline to 0.20")
    scripts = tuple(_check_inline(u, table[u]) for u in scripts_urls)
    styles = []
    for url in styles_urls:
        css = table[url]
        if "fontawesome" in url:
            css = _solid_font_only(css)
        styles.append(_check_inline(url, css))
    return {"scripts": list(scripts), "styles": styles}


def own_asset(name: str) -> str:
    """One of mapper's own files in ``mapper/render/assets``."""
    text = (resources.files("mapper.render") / "assets" / name).read_text(encoding="utf-8")
    return _check_inline(name, text)


def template(name: str) -> str:
    """One of the HTML templates in ``mapper/render/templates``."""
    return (resources.files("mapper.render") / "templates" / name).read_text(encoding="utf-8")


@functools.cache
def _icon_names() -> frozenset[str]:
    css = library_assets().styles[1]
    return frozenset(re.findall(r"\.fa-([a-z0-9-]+)(?=[:,{])", css))


def icon_name(name: str) -> str:
    """The Font Awesome 6 name for a taxonomy icon (Font Awesome 4 names like ``handshake-o``)."""
    known = _icon_names()
    for candidate in (name, name.removesuffix("-o"), name.removeprefix("fa-")):
        if candidate in known:
            return candidate
    return FALLBACK_ICON
