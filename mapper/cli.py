"""The `mapper` command: argument parsing plus one call into the Python API per command."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from mapper import __version__
from mapper.cli_output import handle_errors as _handle_errors
from mapper.cli_output import output_options as _output_options
from mapper.cli_output import quiet as _quiet
from mapper.cli_output import say as _say
from mapper.cli_output import setup_logging as _setup_logging
from mapper.config import Config, config_as_dict, load_config
from mapper.errors import InputError
from mapper.models import RunSummary

DEFAULT_CONFIG = "config.yaml"
# `-` as a file name: standard input, or standard output for -o.
STDIO = "-"


def _config_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--set",
        "overrides",
        multiple=True,
        metavar="KEY=VALUE",
        help=(
            "Override one setting, e.g. --set geoparse.country_hint=US (repeatable). VALUE is "
            "YAML (true, 5, [a, b]); a text setting takes VALUE as written (store.path=:memory:)."
        ),
    )(func)
    func = click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=f"Settings file (default: ./{DEFAULT_CONFIG} when it exists, else built-in defaults).",
    )(func)
    return _output_options(func)


def _load(config_path: Path | None, overrides: tuple[str, ...]) -> Config:
    if config_path is None and Path(DEFAULT_CONFIG).exists():
        config_path = Path(DEFAULT_CONFIG)
    return load_config(config_path, list(overrides))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "-v", "--verbose", count=True, help="More log output (-vv for debug); tracebacks on error."
)
@click.option("-q", "--quiet", is_flag=True, help="Only errors: no summary.")
@click.version_option(version=__version__, prog_name="mapper")
@click.pass_context
def main(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """mapper: map the incidents a batch of news articles reports, offline.

    \b
    Quick start:
      mapper run                          # the bundled sample -> output/incident_map.html
      mapper run --input news.jsonl       # your batch (.jsonl .json .csv .txt or a folder)
      mapper export --format csv --since 2025-01-01
      mapper geoparse docs.jsonl -o places.jsonl
      mapper extract docs.jsonl -o events.jsonl
      mapper render --input output/incidents.geojson --online
    """
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    ctx.obj["quiet"] = quiet
    _setup_logging(verbose, quiet)


def _window_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--last-days",
        type=click.IntRange(min=0),
        default=None,
        metavar="N",
        help="Only incidents dated or reported in the last N days (today and N days before).",
    )(func)
    func = click.option(
        "--since",
        metavar="DATE",
        default=None,
        help="Only incidents dated or reported on or after DATE (YYYY-MM-DD).",
    )(func)
    return func


def _echo_run_summary(summary: RunSummary) -> None:
    bad = f" ({summary.articles_skipped_bad} skipped)" if summary.articles_skipped_bad else ""
    click.echo(f"articles read:   {summary.articles_read}{bad}")
    click.echo(
        f"articles:        {summary.articles_new} new, {summary.articles_skipped} skipped "
        f"(seen before), {summary.articles_reprocessed} reprocessed"
    )
    click.echo(f"places found:    {summary.places_found} ({summary.places_resolved} resolved)")
    click.echo(
        f"incidents:       {summary.incidents} ({len(summary.incidents_created)} created, "
        f"{len(summary.incidents_updated)} updated, {len(summary.incidents_removed)} removed)"
    )
    for category, count in summary.incidents_by_category.items():
        click.echo(f"  {category:<22} {count}")
    for incident_id, changes in list(summary.incidents_updated.items())[:10]:
        what = ", ".join(f"{key} {old} -> {new}" for key, (old, new) in changes.items())
        click.echo(f"  updated {incident_id}: {what}")
    if len(summary.incidents_updated) > 10:
        click.echo(f"  ... and {len(summary.incidents_updated) - 10} more updated (see run.json)")
    if summary.unresolved_places:
        top = list(summary.unresolved_places.items())[:10]
        click.echo("unresolved:      " + ", ".join(f"{name} ({n})" for name, n in top))
    if summary.geocoder:
        counts = ", ".join(f"{k} {v}" for k, v in summary.geocoder.items() if v)
        click.echo(f"geocoder:        {counts or 'no requests'}")
    run = f"run {summary.run_id}" if summary.run_id is not None else "unchanged"
    # format_filename: a path that is not UTF-8 is shown with U+FFFD, never a crash.
    store = click.format_filename(summary.store)
    click.echo(f"store:           {store} ({run}, {summary.incidents_stored} incidents)")
    for kind, path in summary.outputs.items():
        click.echo(f"wrote {kind:<8} {click.format_filename(path)}")


@main.command()
@_config_options
@click.option(
    "--input",
    "inputs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Input file or folder (repeatable); - reads standard input (with --input-format). "
    "Default: `input` from the config.",
)
@click.option(
    "--input-format",
    type=click.Choice(["jsonl", "json", "csv", "txt"]),
    default=None,
    help="Read the inputs as this format: needed for - (stdin), pipes and FIFOs.",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write incident_map.html, incidents.geojson, incidents.csv, run.json and "
    "the store mapper.sqlite (default: output/).",
)
@_window_options
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default=None,
    help="Where articles are processed: local (this machine's processes) or dask (a Dask "
    "cluster; needs the incident-mapper[dask] extra). Default: engine.kind, local.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Worker processes: the local pool, or the Dask LocalCluster's size (default: "
    "engine.workers, 1 = in this process).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="A running Dask scheduler (tcp://host:8786) to run on; implies --engine dask. "
    "Without it, --engine dask starts a LocalCluster on 127.0.0.1.",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Articles read, processed and stored per chunk (default: engine.chunk_size, 2000).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the summary as JSON on stdout (what run.json holds), even with -q.",
)
@_handle_errors
def run(
    config_path: Path | None,
    overrides: tuple[str, ...],
    inputs: tuple[Path, ...],
    input_format: str | None,
    output_dir: Path | None,
    since: str | None,
    last_days: int | None,
    engine: str | None,
    workers: int | None,
    scheduler: str | None,
    chunk_size: int | None,
    as_json: bool,
) -> None:
    """Add a batch of articles to the store and write the incident map, GeoJSON and CSV.

    Articles seen before are skipped; reports of the same event, in this batch or earlier
    ones, merge into one incident. The map and exports hold every stored incident (or those
    since DATE / in the last N days); `new` marks what this run created or updated. A summary
    of the run is written to run.json.

    \b
    Inputs: .jsonl / .json (objects with id, title, text, date, url, source; only text is
    required), .csv (columns set by ingest.csv_columns), .txt (one article per line) or a
    folder of .txt/.md files (one article each). Batches of any size stream through in
    chunks; every engine writes the same outputs.

    \b
    Example:
      mapper run --input batch.jsonl --output-dir out/
      mapper run --input next-batch.jsonl --output-dir out/ --last-days 30
      mapper run --input big.jsonl --workers 2
      mapper run --input big.jsonl --engine dask --scheduler tcp://scheduler-host:8786
      mapper run --input batch.jsonl --json -q | jq .incidents.created
    """
    from mapper.pipeline import run as run_pipeline

    if scheduler is not None and engine == "local":
        raise click.UsageError("--scheduler is for --engine dask")
    engine_options = {
        "kind": "dask" if scheduler is not None else engine,
        "workers": workers,
        "scheduler": scheduler,
        "chunk_size": chunk_size,
    }
    # As --set overrides (JSON is YAML): checked like the config file's values.
    overrides += tuple(
        f"engine.{key}={json.dumps(value)}"
        for key, value in engine_options.items()
        if value is not None
    )
    if input_format is not None:
        overrides += (f"ingest.input_format={input_format}",)
    config = _load(config_path, overrides)
    summary = run_pipeline(
        config,
        inputs=list(inputs) or None,
        output_dir=output_dir,
        since=since,
        last_days=last_days,
    )
    if as_json:
        report = Path(summary.outputs["report"]).read_text(encoding="utf-8")
        click.echo(report, nl=False)
    elif not _quiet():
        _echo_run_summary(summary)


@main.command()
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
@_window_options
@_config_options
@_handle_errors
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

    config = _load(config_path, overrides)
    out_dir = output_dir or config.resolve_path(config.output_dir)
    store = store_path_for(config, out_dir)
    if store != MEMORY and not Path(store).exists():  # a user error (exit 2), not a failure
        raise InputError("no store here yet; `mapper run` creates it", path=store)
    path, count = export_store(
        config, fmt, out_path, output_dir=output_dir, since=since, last_days=last_days
    )
    _say(f"wrote {count} incidents to {path}", err=True)


def _jsonl_io(func: Callable[..., Any]) -> Callable[..., Any]:
    """INPUT.jsonl and -o OUT.jsonl, shared by `geoparse` and `extract`; - is stdin/stdout."""
    func = click.option(
        "-o",
        "--out",
        "out_path",
        type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
        help="Output JSONL (default, or -: stdout).",
    )(func)
    return click.argument(
        "input_path",
        metavar="INPUT.jsonl",
        type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
    )(func)


def _jsonl_command(
    input_path: Path, out_path: Path | None, config: Config, write: Callable[..., int]
) -> None:
    """Run ``write`` over INPUT (- = stdin, read as JSONL unless ingest.input_format says
    otherwise) into OUT (none or - = stdout, line by line)."""
    from dataclasses import replace

    from mapper.ingest import spooled_inputs

    if str(input_path) == STDIO and not config.ingest.input_format:
        config = replace(config, ingest=replace(config.ingest, input_format="jsonl"))
    with spooled_inputs([input_path], config.ingest) as (readable,):
        if out_path is None or str(out_path) == STDIO:
            write(readable, sys.stdout, config)
            return
        from mapper.export import write_atomic

        buffer = io.StringIO()
        count = write(readable, buffer, config)
    write_atomic(out_path, buffer.getvalue())
    _say(f"wrote {count} lines to {out_path}", err=True)


@main.command()
@_jsonl_io
@_config_options
@_handle_errors
def geoparse(
    input_path: Path, out_path: Path | None, config_path: Path | None, overrides: tuple[str, ...]
) -> None:
    """Find and resolve the place mentions of each document.

    Reads lines {"id", "text", ...}; writes one line per document, in input order:
    {"id", "toponyms": [{"start", "end", "name", "lat", "lon", "place_id", "country",
    "precision", "score"}]}; lat/lon are null where mapper abstains.

    \b
    Example:
      mapper geoparse docs.jsonl -o places.jsonl
      cat docs.jsonl | mapper geoparse - | head -1
    """
    from mapper.cli_records import geoparse_file

    _jsonl_command(input_path, out_path, _load(config_path, overrides), geoparse_file)


@main.command()
@_jsonl_io
@_config_options
@_handle_errors
def extract(
    input_path: Path, out_path: Path | None, config_path: Path | None, overrides: tuple[str, ...]
) -> None:
    """Recognise each document's event: type, facts, severity, date and locations.

    Reads lines {"id", "text", "title"?, "date"?}; writes one line per document, in order:
    {"id", "event_type", "facts": {...}, "severity", "severity_reason", "event_date",
    "locations": [{"name", "lat", "lon", "role"}]}.

    \b
    Example:
      mapper extract docs.jsonl -o events.jsonl
      mapper extract - -o - < docs.jsonl
    """
    from mapper.cli_records import extract_file

    _jsonl_command(input_path, out_path, _load(config_path, overrides), extract_file)


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


@main.command()
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
@_config_options
@_handle_errors
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
    config = _load(config_path, overrides)
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
        _say(f"wrote {path}")


@main.group()
def gazetteer() -> None:
    """Build or inspect the offline gazetteer index."""


@gazetteer.command("build")
@_config_options
@_handle_errors
def gazetteer_build(config_path: Path | None, overrides: tuple[str, ...]) -> None:
    """Build the search index from the installed data packages (runs once; cached).

    \b
    Example:
      mapper gazetteer build
    """
    from mapper.gazetteer import build_index, index_path, save_gazetteer

    config = _load(config_path, overrides)
    cache = config.gazetteer.cache_dir
    path = index_path(
        config.resolve_path(cache) if cache else None, config.gazetteer.min_population
    )
    index = build_index(config.gazetteer.min_population)
    save_gazetteer(index, path)
    _say(f"built {len(index):,} places, {len(index.index):,} names -> {path}")


@gazetteer.command("info")
@click.argument("names", nargs=-1)
@_config_options
@_handle_errors
def gazetteer_info(
    names: tuple[str, ...], config_path: Path | None, overrides: tuple[str, ...]
) -> None:
    """Show the index's size, package versions and data credits, or the candidates for NAMES.

    \b
    Example:
      mapper gazetteer info Georgia Valencia
    """
    from mapper.attribution import DATA_SOURCES
    from mapper.gazetteer import load_gazetteer

    config = _load(config_path, overrides)
    cache = config.gazetteer.cache_dir
    index = load_gazetteer(
        config.resolve_path(cache) if cache else None,
        min_population=config.gazetteer.min_population,
    )
    if not names:
        click.echo(f"{len(index):,} places, {len(index.index):,} names, sources: {index.sources}")
        click.echo("data from (credit them where you show or share the data):")
        for source in DATA_SOURCES:
            click.echo(f"  {source.as_text()}")
    for name in names:
        entries = index.lookup(name)
        click.echo(f"{name}: {len(entries)} candidates")
        for entry in sorted(entries, key=lambda e: -index.populations[e])[:10]:
            place = index.place(entry)
            click.echo(
                f"  {place.place_id:<22} {place.name} ({place.feature_class}, "
                f"{place.country or '-'}) {place.lat:.4f},{place.lon:.4f} pop {place.population:,}"
            )


@main.group("config")
def config_group() -> None:
    """Inspect settings."""


@config_group.command("show")
@_config_options
@_handle_errors
def config_show(config_path: Path | None, overrides: tuple[str, ...]) -> None:
    """Print the effective settings (defaults, config file, MAPPER_* environment variables and
    --set overrides) as JSON; API keys are shown as "***"."""
    from mapper.config_env import redacted

    config = _load(config_path, overrides)
    click.echo(json.dumps(redacted(config_as_dict(config)), indent=2, sort_keys=True))


if __name__ == "__main__":  # pragma: no cover
    main()
