"""`mapper run`: a batch of articles into the store, then the map and exports; gives the
summary of the run on stdout (lines, or run.json's JSON with --json)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from mapper.cli.options import config_options, load_settings, window_options
from mapper.cli.output import handle_errors, quiet
from mapper.models import RunSummary


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


@click.command()
@config_options
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
@window_options
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
@handle_errors
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
    config = load_settings(config_path, overrides)
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
    elif not quiet():
        _echo_run_summary(summary)
