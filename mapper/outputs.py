"""The run's outputs, written from the store: the map, GeoJSON layers, CSV, COLUMNS.md, run.json.

write_outputs(incidents, ...) -> {output: path}; write_run_report(RunSummary, ...) -> run.json;
export_store(config, fmt) -> the `mapper export` file. store_path_for() and resolve_since()
name the store and the output window for the run, `mapper export` and the API alike.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from mapper.bounds import MAX_WINDOW_DAYS
from mapper.config import Config
from mapper.errors import ConfigError
from mapper.events.taxonomy import Taxonomy
from mapper.incidents.store import MEMORY, Store, Tally
from mapper.incidents.unplaced import unplaced_events
from mapper.models import Article, Incident, RunSummary, UnplacedEvent

if TYPE_CHECKING:
    from mapper.stages import Stages

MAP_FILE = "incident_map.html"
GEOJSON_FILE = "incidents.geojson"
CSV_FILE = "incidents.csv"
RUN_FILE = "run.json"
STORE_FILE = "mapper.sqlite"


def store_path_for(config: Config, out_dir: Path) -> str:
    """The store's path: store.path, else mapper.sqlite in the output directory."""
    if config.store.path == MEMORY:
        return MEMORY
    if config.store.path:
        return str(config.resolve_path(config.store.path))
    return str(out_dir / STORE_FILE)


def resolve_since(
    since: str | date | None, last_days: int | None, today: date | None = None
) -> str | None:
    """The first day of the output window (ISO), or None for the whole store.

    ``last_days`` N means today and the N days before it.
    """
    if since is not None and last_days is not None:
        raise ConfigError("give --since or --last-days, not both")
    if last_days is not None:
        if not 0 <= last_days <= MAX_WINDOW_DAYS:
            raise ConfigError(
                f"--last-days: expected a number of days from 0 to {MAX_WINDOW_DAYS:,}, "
                f"got {last_days}"
            )
        return ((today or date.today()) - timedelta(days=last_days)).isoformat()
    if since is None or isinstance(since, date):
        return since.isoformat() if since else None
    try:
        return date.fromisoformat(since).isoformat()
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"--since: {since!r} is not a date (YYYY-MM-DD)") from exc


def geocoder_stats(stages: Stages | None) -> dict[str, int]:
    """The remote geocoder's counters (requests, cache hits, retries, fallbacks...), if any."""
    geocoder = stages.geocoder if stages is not None else None
    if geocoder is None:
        return {}
    stats = dict(geocoder.stats())
    geocoder.close()
    return stats


def write_run_report(summary: RunSummary, plan: Tally, since: str | None, path: Path) -> Path:
    """run.json: what the run did. Nothing time-dependent, so a rerun writes the same file."""
    from mapper.export import write_atomic

    data = {
        "run": summary.run_id,
        "store": summary.store,
        "since": since,
        "articles": {
            "read": summary.articles_read,
            "bad_records_skipped": summary.articles_skipped_bad,
            "new": summary.articles_new,
            "skipped": summary.articles_skipped,
            "skipped_duplicate_content": plan.duplicates,
            "reprocessed": summary.articles_reprocessed,
            "reprocessed_because": plan.reasons,
        },
        "places": {"found": summary.places_found, "resolved": summary.places_resolved},
        "incidents": {
            "written": summary.incidents,
            "stored": summary.incidents_stored,
            "by_category": summary.incidents_by_category,
            "created": summary.incidents_created,
            "updated": summary.incidents_updated,
            "removed": summary.incidents_removed,
        },
        # Events whose place could not be resolved: in the exports, not on the map.
        "unplaced_events": {
            "written": summary.unplaced_events,
            "stored": summary.unplaced_events_stored,
        },
        "geocoder": summary.geocoder,
        "unresolved_places": summary.unresolved_places,
        "unresolved_places_all_runs": summary.unresolved_places_store,
        "outputs": summary.outputs,
        "warnings": summary.warnings,
    }
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    # A path that is not UTF-8 (an output directory named in another encoding) holds lone
    # surrogates: written as JSON escapes (\udcff), which decode back to the same path.
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return write_atomic(path, text)


def write_outputs(
    incidents: Sequence[Incident],
    taxonomy: Taxonomy,
    config: Config,
    out_dir: Path,
    articles: Sequence[Article] = (),
    *,
    article_count: int | None = None,
    done: dict[str, str] | None = None,
    render: bool = True,
    unplaced: Sequence[UnplacedEvent] = (),
) -> dict[str, str]:
    """The map (unless not ``render``), the GeoJSON layers, COLUMNS.md and the CSV, each written
    to a temporary file and renamed into place.

    ``done`` gains each output as it is written, so an interrupted run can say which are stale.
    """
    from mapper.export import write_csv, write_geojson, write_geojson_layers
    from mapper.export_columns import write_columns
    from mapper.render.data import date_span
    from mapper.render.map import MapSummary, render_map

    out_dir.mkdir(parents=True, exist_ok=True)
    date_from, date_to = date_span(incidents)
    map_summary = MapSummary(
        articles=len(articles) if article_count is None else article_count,
        incidents=len(incidents),
        date_from=date_from,
        date_to=date_to,
    )
    outputs = {} if done is None else done
    if render:
        outputs["map"] = str(
            render_map(incidents, taxonomy, config.render, out_dir / MAP_FILE, summary=map_summary)
        )
    outputs["geojson"] = str(write_geojson(incidents, out_dir / GEOJSON_FILE))
    for kind, path in write_geojson_layers(incidents, unplaced, out_dir / GEOJSON_FILE).items():
        outputs[kind] = str(path)
    outputs["columns"] = str(write_columns(out_dir))
    outputs["csv"] = str(write_csv(incidents, out_dir / CSV_FILE, unplaced))
    return dict(outputs)


def export_store(
    config: Config,
    fmt: str,
    out_path: str | Path | None = None,
    *,
    output_dir: str | Path | None = None,
    since: str | date | None = None,
    last_days: int | None = None,
    today: date | None = None,
) -> tuple[Path, int]:
    """`mapper export`: write the stored incidents (or a window of them) as one file.

    Returns the path written and the number of incidents in it.
    """
    from mapper.export import EXTENSIONS, write_incidents

    out_dir = Path(output_dir) if output_dir else config.resolve_path(config.output_dir)
    window = resolve_since(since, last_days, today)
    store_path = store_path_for(config, out_dir)
    if store_path == MEMORY:
        raise ConfigError(
            "store.path is ':memory:': no store is kept, so there is nothing to export"
        )
    path = Path(out_path) if out_path else out_dir / f"incidents.{EXTENSIONS[fmt]}"
    with Store.open(store_path, create=False) as store, store.snapshot():
        incidents = store.incident_view(since=window)  # read by the writer as it goes
        unplaced = unplaced_events(store, since=window)
        return write_incidents(incidents, path, fmt, unplaced), len(incidents)
