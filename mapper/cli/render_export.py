"""`mapper export` and `mapper render`: what a run stored, written again without rerunning
it — the store's incidents as GeoJSON, CSV or Parquet, and the map (HTML, PNG) from GeoJSON."""

from __future__ import annotations

from pathlib import Path

import click

from mapper.cli.options import config_options, load_settings, window_options
from mapper.cli.output import handle_errors, say
from mapper.errors import InputError


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["geojson", "csv", "parquet"]),
    default="geojson",
    show_default=True,
    help="File format (parquet needs the incident-mapper[parquet] extra).",
)
@click.option(
    "-o",
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: <output_dir>/incidents.<format>).",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The output directory whose store (mapper.sqlite) to read (default: output/).",
)
@window_options
@config_options
@handle_errors
def export(
    fmt: str,
    out_path: Path | None,
    output_dir: Path | None,
    since: str | None,
    last_days: int | None,
    config_path: Path | None,
    overrides: tuple[str, ...],
) -> None:
    """Write the stored incidents as GeoJSON, CSV or Parquet, without rerunning anything.

    \b
    Example:
      mapper export --format parquet --since 2025-01-01 -o incidents-2025.parquet
    """
    from mapper.incidents.store import MEMORY
    from mapper.outputs import export_store, store_path_for

    config = load_settings(config_path, overrides)
    out_dir = output_dir or config.resolve_path(config.output_dir)
    store = store_path_for(config, out_dir)
    if store != MEMORY and not Path(store).exists():  # a user error (exit 2), not a failure
        raise InputError("no store here yet; `mapper run` creates it", path=store)
    path, count = export_store(
        config, fmt, out_path, output_dir=output_dir, since=since, last_days=last_days
    )
    say(f"wrote {count} incidents to {path}", err=True)


def _bbox_option(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[float, float, float, float] | None:
    from mapper.render.png import parse_bbox

    if value is None:
        return None
    try:
        return parse_bbox(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@click.option(
    "--input",
    "input_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Incidents GeoJSON (default: <output_dir>/incidents.geojson).",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Map HTML to write (default: <output_dir>/incident_map.html).",
)
@click.option(
    "--online",
    is_flag=True,
    help="Add online tile layers (OpenStreetMap, CartoDB) to the offline basemap.",
)
@click.option(
    "--embed",
    is_flag=True,
    help="Write a fixed-size variant and an .iframe.html snippet for reports.",
)
@click.option(
    "--png",
    "png_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write a static PNG image of the map without controls (needs Chromium).",
)
@click.option("--width", type=click.IntRange(1, 10_000), default=None, help="PNG width (px).")
@click.option("--height", type=click.IntRange(1, 10_000), default=None, help="PNG height (px).")
@click.option(
    "--bbox",
    callback=_bbox_option,
    default=None,
    metavar="MINLON,MINLAT,MAXLON,MAXLAT",
    help="Area the PNG shows (default: every incident).",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The output directory whose incidents.geojson to read and where to write the map "
    "(default: output_dir, output/).",
)
@config_options
@handle_errors
def render(
    input_path: Path | None,
    out_path: Path | None,
    online: bool,
    embed: bool,
    png_path: Path | None,
    width: int | None,
    height: int | None,
    bbox: tuple[float, float, float, float] | None,
    output_dir: Path | None,
    config_path: Path | None,
    overrides: tuple[str, ...],
) -> None:
    """Redraw the map from incidents, without rereading articles.

    \b
    Example:
      mapper render --input output/incidents.geojson --out report/map.html --embed
      mapper render --png map.png --width 1200 --height 800 --bbox 22,44,41,53
      mapper render --output-dir out/ --online
    """
    from dataclasses import replace

    from mapper.render.command import render_from_geojson

    if png_path is None and (width or height or bbox):
        raise click.UsageError("--width, --height and --bbox go with --png")
    config = load_settings(config_path, overrides)
    if output_dir is not None:  # as given: relative to the current directory
        config = replace(config, output_dir=str(output_dir.absolute()))
    for path in render_from_geojson(
        config,
        input_path,
        out_path,
        online=online,
        embed=embed,
        png_path=png_path,
        png_size=(width, height),
        bbox=bbox,
    ):
        say(f"wrote {path}")
