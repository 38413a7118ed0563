"""`mapper render`: redraw the map from an incidents GeoJSON without rereading articles.

The input may be mapper's incidents.geojson or the same data rewritten by GDAL or QGIS
(mapper/export_read.py parses the list fields they turn into text, or refuses them).
"""

from __future__ import annotations

import logging
from pathlib import Path

from mapper.config import Config
from mapper.events.taxonomy import load_taxonomy
from mapper.export_read import read_incidents_file

log = logging.getLogger(__name__)


def render_from_geojson(
    config: Config,
    input_path: Path | None,
    out_path: Path | None,
    *,
    online: bool = False,
    embed: bool = False,
    png_path: Path | None = None,
    png_size: tuple[int | None, int | None] = (None, None),
    bbox: tuple[float, float, float, float] | None = None,
) -> list[Path]:
    """Render the map (and optionally the embed snippet and a PNG); returns the paths written.

    With ``embed`` the map fills the responsive ``.iframe.html`` snippet written beside it,
    whose aspect ratio is ``render.embed_width`` x ``embed_height``; the PNG is that size
    unless ``png_size`` (width, height; None keeps the default) says otherwise. The PNG has
    no controls and shows ``bbox`` (minlon, minlat, maxlon, maxlat) when given.
    """
    from mapper.render.data import date_span
    from mapper.render.map import MapSummary, render_map, render_png, write_iframe_snippet

    out_dir = config.resolve_path(config.output_dir)
    input_path = input_path or out_dir / "incidents.geojson"
    out_path = out_path or out_dir / "incident_map.html"
    read = read_incidents_file(input_path)
    incidents = read.incidents
    if read.unplaced:
        log.warning(
            "%s: %d features without geometry (unplaced events) are not on the map",
            input_path,
            read.unplaced,
        )
    taxonomy = load_taxonomy(config.events.taxonomy, config.base_dir)
    date_from, date_to = date_span(incidents)
    summary = MapSummary(
        articles=len({a for i in incidents for a in i.article_ids}),
        incidents=len(incidents),
        date_from=date_from,
        date_to=date_to,
    )
    # --online adds tiles; without it the config decides (None).
    written = [
        render_map(
            incidents,
            taxonomy,
            config.render,
            out_path,
            summary=summary,
            online=online or None,
            embed=embed,
        )
    ]
    if embed:
        written.append(write_iframe_snippet(out_path, config=config.render))
    if png_path is not None:
        size = (config.render.embed_width, config.render.embed_height) if embed else (1280, 800)
        width, height = (given or default for given, default in zip(png_size, size, strict=True))
        written.append(render_png(out_path, png_path, width=width, height=height, bbox=bbox))
    return written
