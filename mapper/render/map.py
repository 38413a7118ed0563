"""Draw incidents as one self-contained, offline HTML map.

The page is a Leaflet map (the builds folium 0.20 uses, inlined from folium-offline) driven by
mapper's own scripts (``assets/*.js``) from data embedded as JSON: per-category layers with the
taxonomy's colours and icons, clustering, a heat layer, a time filter, search, a legend and a
summary. Nothing is fetched from the network unless online tiles are asked for, and a
Content-Security-Policy with the hashes of the inline scripts enforces it.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import logging
import os
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mapper.atomic import atomic_path
from mapper.attribution import DATA_SOURCES, map_credits, tile_sources
from mapper.config import RenderConfig
from mapper.errors import RenderError, RenderWriteError
from mapper.events.taxonomy import Taxonomy
from mapper.models import Incident
from mapper.render.assets import library_assets, own_asset, template
from mapper.render.basemap import basemap_geojson
from mapper.render.data import (
    AREA_PRECISIONS,
    FACT_LABELS,
    MIN_AREA_KM,
    build_layers,
    date_span,
    escape_for_script,
    html_attr,
    pack_chunks,
    script_json_chunks,
)
from mapper.render.png import render_png

__all__ = [
    "MapSummary",
    "build_html",
    "data_as_of",
    "html_chunks",
    "render_map",
    "render_png",
    "write_iframe_snippet",
]

log = logging.getLogger(__name__)

# One group, so that split() keeps the placeholders between the literal parts.
_PLACEHOLDER = re.compile(r"(@[A-Z_]+@)")


@dataclass(frozen=True, slots=True)
class MapSummary:
    """What the summary panel says. ``generated`` is passed in so that output is reproducible."""

    articles: int
    incidents: int
    date_from: str | None = None
    date_to: str | None = None
    generated: str | None = None  # None: no timestamp on the map
    # "Data as of": the newest article date; None takes it from the incidents' sources.
    data_as_of: str | None = None


def data_as_of(incidents: Sequence[Incident]) -> str | None:
    """The newest article date among the incidents' sources (else their last-seen or own dates).

    Taken from the data, never from the clock, so a rerun writes the same bytes.
    """
    newest: str | None = None
    for incident in incidents:
        dates = [s.date for s in incident.sources if s.date]
        if not dates:
            dates = [d for d in (incident.last_seen, incident.date) if d]
        for value in dates:
            day = value[:10]
            if newest is None or day > newest:
                newest = day
    return newest


def _summary(incidents: Sequence[Incident], summary: MapSummary | None) -> dict[str, Any]:
    if summary is None:
        first, last = date_span(incidents)
        articles = {a for i in incidents for a in i.article_ids}
        summary = MapSummary(
            articles=len(articles), incidents=len(incidents), date_from=first, date_to=last
        )
    return {
        "articles": summary.articles,
        "incidents": summary.incidents,
        "from": summary.date_from,
        "to": summary.date_to,
        "asOf": summary.data_as_of or data_as_of(incidents),
        "generated": summary.generated,
    }


def _tile_layers(names: Sequence[str], keys: dict[str, str]) -> list[dict[str, Any]]:
    """Online tile layers from xyzservices provider names ("OpenStreetMap.Mapnik").

    A provider that needs an API key is left out, with a warning, unless ``keys`` has one.
    """
    import xyzservices

    layers = []
    for name in names:
        try:
            provider = xyzservices.providers.query_name(name)
        except ValueError as exc:
            raise RenderError(f"render.online_tiles: unknown tile provider {name!r}") from exc
        options: dict[str, Any] = {"scale_factor": "{r}"}
        if provider.requires_token():
            if name not in keys:
                log.warning("tile layer %s left out: it needs an API key (render.tile_keys)", name)
                continue
            options["accessToken" if "accessToken" in provider else "apikey"] = keys[name]
        with warnings.catch_warnings():
            # xyzservices warns about keys; handled above.
            warnings.simplefilter("ignore")
            url = provider.build_url(**options)
        layers.append(
            {
                "name": provider.name,
                "url": url,
                "attribution": provider.get("attribution", ""),
                "credits": map_credits(tile_sources(provider.name)),
                "maxZoom": int(provider.get("max_zoom", 18)),
            }
        )
    return layers


def _csp(scripts: Sequence[str], online: bool) -> str:
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in scripts
    )
    images = "data: blob: https:" if online else "data: blob:"
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
        f"img-src {images}; font-src data:; connect-src data: blob:; base-uri 'none'; "
        "form-action 'none'"
    )


def html_chunks(
    incidents: Sequence[Incident],
    taxonomy: Taxonomy,
    config: RenderConfig,
    *,
    summary: MapSummary | None = None,
    online: bool | None = None,
    embed: bool = False,
) -> Iterator[str]:
    """The map page in pieces, to be written as they come (see :func:`render_map`).

    The embedded data of a large map is tens of MB as JSON before it is packed: it is encoded,
    packed and written a slice at a time, never held as one string.
    """
    online = config.online if online is None else online
    # Large maps switch to the compact variant: mapper's own grid clustering instead of
    # markercluster, areas batched on canvas, popup details gzipped and unpacked after the first
    # draw.
    compact = len(incidents) > config.cluster_threshold
    categories, body, details = build_layers(incidents, taxonomy, compact=compact)
    data: dict[str, Any] = {
        "title": config.title,
        "subtitle": config.subtitle,
        "source": config.source,
        "attribution": map_credits(DATA_SOURCES),
        "summary": _summary(incidents, summary),
        "compact": compact,
        "maxZoom": config.max_zoom,
        "minAreaKm": MIN_AREA_KM,
        "areaPrecisions": sorted(AREA_PRECISIONS),
        "categories": categories,
        "factLabels": FACT_LABELS,
        "tiles": _tile_layers(config.online_tiles, config.tile_keys) if online else [],
        # The embed's design size: the page fills its frame; the snippet keeps this ratio.
        "size": [config.embed_width, config.embed_height] if embed else None,
        "places": body["places"],
        "layers": body["layers"],
    }
    if not compact:
        data["details"] = details
    libs = library_assets()
    own = (
        "popups.js",
        "timeline.js",
        "list.js",
        "permalink.js",
        "controls.js",
        "cluster.js",
        "areas.js",
        "labels.js",
        "mapper.js",
    )
    scripts = [*libs.scripts, *(own_asset(name) for name in own)]
    styles = [*libs.styles, own_asset("mapper.css")]
    page = template("map.html")
    replacements: dict[str, Iterable[str]] = {
        "@CSP@": (html_attr(_csp(scripts, online)),),
        "@BODY_CLASS@": ("mapper-embed" if embed else "mapper-full",),
        "@STYLES@": ("\n".join(f"<style>{s}</style>" for s in styles),),
        "@SCRIPTS@": ("\n".join(f"<script>{s}</script>" for s in scripts),),
        "@BASEMAP@": (escape_for_script(basemap_geojson()),),
        "@DATA@": script_json_chunks(data),
        # Base64 only, so safe in a script element as is; parsed when a popup needs it.
        "@DETAILS@": pack_chunks(details) if compact else (),
    }
    # Cut at the placeholders once, so no inserted text is ever searched for a placeholder.
    pieces = _PLACEHOLDER.split(page)
    found = set(_PLACEHOLDER.findall(page))
    if found != set(replacements) or len(pieces) != 2 * len(found) + 1:
        raise RenderError(f"map template placeholders {sorted(found)} != {sorted(replacements)}")
    for literal, placeholder in zip(pieces[::2], [*pieces[1::2], None], strict=True):
        yield literal
        if placeholder is not None:
            yield from replacements[placeholder]


def build_html(
    incidents: Sequence[Incident],
    taxonomy: Taxonomy,
    config: RenderConfig,
    *,
    summary: MapSummary | None = None,
    online: bool | None = None,
    embed: bool = False,
) -> str:
    """The map page as a string (see :func:`render_map`, which writes it in pieces)."""
    return "".join(
        html_chunks(incidents, taxonomy, config, summary=summary, online=online, embed=embed)
    )


def render_map(
    incidents: Sequence[Incident],
    taxonomy: Taxonomy,
    config: RenderConfig,
    out_path: Path,
    *,
    summary: MapSummary | None = None,
    online: bool | None = None,
    embed: bool = False,
) -> Path:
    """Write the incident map to ``out_path`` as one self-contained HTML file.

    Args:
        incidents: What to draw; their order does not matter (output is sorted).
        taxonomy: Gives each category's label, colour and icon.
        config: Title, clustering threshold, online tiles, embed size.
        out_path: The HTML file to write (parent directories are created).
        summary: Counts for the summary panel; computed from ``incidents`` (without a
            timestamp) when None.
        online: Add online tile layers; None means ``config.online``.
        embed: Write the variant for reports, which fills the frame that embeds it; see
            :func:`write_iframe_snippet` (``config.embed_width`` x ``embed_height`` give the
            aspect ratio and the PNG size).

    Returns:
        ``out_path``.

    Raises:
        RenderError: The file cannot be written or an asset is missing.
    """
    out_path = Path(out_path)
    chunks = html_chunks(incidents, taxonomy, config, summary=summary, online=online, embed=embed)
    # The page's data is built (and its template checked) before the disk is touched.
    first = next(chunks)
    written = 0
    try:
        # A unique temporary name, renamed into place once the whole page is written.
        with (
            atomic_path(out_path, error=RenderWriteError) as tmp,
            tmp.open("w", encoding="utf-8", newline="\n") as out,
        ):
            for chunk in itertools.chain((first,), chunks):
                out.write(chunk)
                written += len(chunk)
    except OSError as exc:
        raise RenderError(f"{out_path}: cannot write the map ({exc.strerror})") from exc
    log.info("map of %d incidents written to %s (%d characters)", len(incidents), out_path, written)
    return out_path


def iframe_snippet(src: str, config: RenderConfig) -> str:
    """The embed code: an iframe that fills its container's width at the map's aspect ratio.

    The wrapper keeps ``embed_width`` : ``embed_height`` with ``aspect-ratio`` (and the
    padding-top trick for browsers without it), so the map is responsive in any page.
    """
    width, height = int(config.embed_width), int(config.embed_height)
    ratio = f"{100 * height / width:.4f}".rstrip("0").rstrip(".")
    return (
        f'<div class="mapper-embed-frame" style="position:relative;width:100%;height:0;'
        f'padding-top:{ratio}%">'
        f'<iframe src="{html_attr(src)}" title="{html_attr(config.title)}" '
        f'width="{width}" height="{height}" '
        'style="position:absolute;top:0;left:0;width:100%;height:100%;border:0" loading="lazy" '
        'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" allow="fullscreen">'
        "</iframe></div>\n"
    )


def write_iframe_snippet(
    map_path: Path,
    snippet_path: Path | None = None,
    *,
    config: RenderConfig | None = None,
) -> Path:
    """Write the responsive ``<iframe>`` snippet that embeds the map (path relative to it).

    ``snippet_path`` defaults to ``incident_map.iframe.html`` for ``incident_map.html``.
    """
    config = config or RenderConfig()
    map_path = Path(map_path)
    if snippet_path is None:
        snippet_path = map_path.with_name(map_path.name.removesuffix(".html") + ".iframe.html")
    src = os.path.relpath(map_path, Path(snippet_path).parent).replace(os.sep, "/")
    snippet = iframe_snippet(src, config)
    try:
        Path(snippet_path).write_text(snippet, encoding="utf-8")
    except OSError as exc:
        raise RenderError(f"{snippet_path}: cannot write the snippet ({exc.strerror})") from exc
    return Path(snippet_path)
