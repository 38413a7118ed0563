"""The batch job: the only module that knows the order of the stages.

run(config) -> RunSummary: ingest -> (store: skip what was seen) -> geoparse -> extract ->
incidents (merged into the store) -> render and export from the store. export_store() writes
the stored incidents for `mapper export`. geoparse_file() and extract_file() run the first
stages alone for `mapper geoparse|extract`.

A batch streams through run() in chunks of ``engine.chunk_size`` articles, so its size is
bounded by the disk, not by memory: the input is read once to check and count it (every input
error is raised before the store is touched), then again chunk by chunk, each chunk planned
against the store, processed by the engine (mapper/engines.py: in this process, a process pool
or Dask) and stored, all in the batch's one transaction; incidents are merged at the end.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol, TextIO

from mapper.bounds import MAX_WINDOW_DAYS, event_problem
from mapper.config import Config, IngestConfig, config_hash
from mapper.engines import Engine, open_engine
from mapper.errors import ConfigError, InputError, WriteError
from mapper.events.taxonomy import Taxonomy, load_taxonomy
from mapper.export_columns import AREAS_FILE, TRANSFERS_FILE, UNPLACED_FILE
from mapper.gazetteer import Gazetteer, index_path, load_gazetteer
from mapper.geoparse import Geoparser
from mapper.incidents.store import MEMORY, Batch, Store, Tally
from mapper.incidents.unplaced import count_unplaced, unplaced_events
from mapper.ingest import IngestReport, iter_articles, spooled_inputs, unique_articles
from mapper.interrupts import RunProgress, terminate_as_interrupt
from mapper.models import (
    Article,
    Event,
    EventLocation,
    GeoparsedArticle,
    Incident,
    Place,
    RunSummary,
    UnplacedEvent,
)

log = logging.getLogger(__name__)

MAP_FILE = "incident_map.html"
GEOJSON_FILE = "incidents.geojson"
CSV_FILE = "incidents.csv"
RUN_FILE = "run.json"
STORE_FILE = "mapper.sqlite"


@dataclass
class Stages:
    """What the stages need, loaded once per process and shared by every batch."""

    gazetteer: Gazetteer
    geoparser: Geoparser
    taxonomy: Taxonomy
    config: Config
    # The remote geopy provider asked for names the gazetteer cannot place (opt-in).
    geocoder: Any = None

    @classmethod
    def load(
        cls, config: Config, *, output_dir: Path | None = None, taxonomy: Taxonomy | None = None
    ) -> Stages:
        """The stages the settings name; ``taxonomy``, when the caller has read it already."""
        cache_dir = config.gazetteer.cache_dir
        gazetteer = load_gazetteer(
            config.resolve_path(cache_dir) if cache_dir else None,
            min_population=config.gazetteer.min_population,
        )
        if taxonomy is None:
            taxonomy = load_taxonomy(config.events.taxonomy, config.base_dir)
        geocoder = fallback = None
        if config.geocoder.provider != "offline":
            from mapper.geocoders import fallback_for, get_geocoder

            out_dir = output_dir or config.resolve_path(config.output_dir)
            geocoder = get_geocoder(
                config.geocoder, gazetteer, cache_dir=out_dir, offline_fallback=False
            )
            fallback = fallback_for(geocoder, config.geocoder.provider)
        geoparser = Geoparser(gazetteer, config.geoparse, fallback=fallback)
        return cls(gazetteer, geoparser, taxonomy, config, geocoder)

    def extract(self, doc: GeoparsedArticle) -> Event:
        from mapper.events.extract import extract_event

        event = extract_event(doc, self.taxonomy, self.config.events)
        return _with_place_reasons(event, doc)


def _with_place_reasons(event: Event, doc: GeoparsedArticle) -> Event:
    """Carry the geoparser's reason for each place onto the event's locations.

    Where the text qualifies the place ("northern Gaza", "Russia's southwestern border"), the
    event happened in that part of it: the relative place replaces the whole.
    """
    by_span = {(t.start, t.end): t for t in doc.toponyms}
    locations = []
    for loc in event.locations:
        toponym = by_span.get((loc.start, loc.end))
        if toponym is None:
            locations.append(loc)
        elif toponym.relative is not None and loc.role != "mentioned":
            reason = f"{toponym.relative.name}: {toponym.reason}"
            reason = f"{loc.reason}; {reason}" if loc.reason else reason
            locations.append(
                EventLocation(
                    toponym.relative.name, loc.role, toponym.relative, loc.start, loc.end, reason
                )
            )
        else:
            reason = f"{loc.reason}; {toponym.reason}" if loc.reason else toponym.reason
            # built directly: dataclasses.replace costs several microseconds per location
            locations.append(
                EventLocation(loc.name, loc.role, loc.place, loc.start, loc.end, reason)
            )
    return replace(event, locations=tuple(locations))


class _Bar(Protocol):
    total: int | None

    def update(self, n: int = 1) -> object: ...

    def __enter__(self) -> _Bar: ...

    def __exit__(self, *exc: object) -> object: ...


class _NoBar:
    """A progress bar with no terminal to draw on: counts nothing, draws nothing."""

    def __init__(self, total: int | None):
        self.total = total

    def update(self, n: int = 1) -> None:
        pass

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def _bar(label: str, total: int | None = None) -> _Bar:
    """A progress bar in articles: count, articles/s and, with a total, an ETA.

    Only on an interactive terminal, never in logs or CI (as tqdm's ``disable=None``); without
    one tqdm is not even imported, which a one-article run notices.
    """
    stream = sys.stderr
    if stream is None or (hasattr(stream, "isatty") and not stream.isatty()):
        return _NoBar(total)
    from tqdm import tqdm

    return tqdm(desc=label, total=total, unit="article", disable=None, leave=False)


class _SeenIds(MutableMapping[str, tuple[bytes, str]]):
    """The ids a batch has read (for ingest.unique_articles), kept on disk, not in memory.

    A private temporary SQLite database: deleted when closed, and only its page cache in
    memory, so a million ids cost a few MB.
    """

    def __init__(self) -> None:
        self.db = sqlite3.connect("", isolation_level=None)
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute(
            "CREATE TABLE seen (id TEXT PRIMARY KEY, text_key BLOB NOT NULL, "
            "origin TEXT NOT NULL) WITHOUT ROWID"
        )
        self.db.execute("BEGIN")  # never committed: one transaction, no commit per id

    def __getitem__(self, key: str) -> tuple[bytes, str]:
        row = self.db.execute("SELECT text_key, origin FROM seen WHERE id = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return row[0], row[1]

    def __setitem__(self, key: str, value: tuple[bytes, str]) -> None:
        self.db.execute("INSERT OR REPLACE INTO seen VALUES (?, ?, ?)", (key, *value))

    def __delitem__(self, key: str) -> None:
        if self.db.execute("DELETE FROM seen WHERE id = ?", (key,)).rowcount == 0:
            raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (key for (key,) in self.db.execute("SELECT id FROM seen").fetchall())

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM seen").fetchone()[0]

    def close(self) -> None:
        self.db.close()


class _QuietReport(IngestReport):
    """The report of the second reading: the first one already kept and logged its warnings."""

    def warn(self, message: str) -> None:
        pass


class ArticleStream:
    """A batch's articles in chunks, read from the files each time: never all in memory.

    ``check()`` reads it once to count it and raise any input error before anything is
    written; ``chunks()`` reads it again for processing. Both drop duplicates as read_articles
    does, remembering ids on disk (_SeenIds). The ingest.max_batch_* limits bound what is
    held at once, so they apply to each chunk.
    """

    def __init__(self, paths: Sequence[Path], config: IngestConfig, chunk_size: int):
        self.paths = list(paths)
        self.config = config
        self.chunk_size = chunk_size

    def check(self, report: IngestReport) -> int:
        """Read the batch through once, keeping only counts; returns its number of articles."""
        count = 0
        with _bar("read") as bar:
            for chunk in self._chunks(report):
                count += len(chunk)
                bar.update(len(chunk))
        return count

    def chunks(self) -> Iterator[list[Article]]:
        """The articles again, ``chunk_size`` at a time, in input order."""
        yield from self._chunks(_QuietReport())

    def _chunks(self, report: IngestReport) -> Iterator[list[Article]]:
        seen = _SeenIds()
        try:
            articles = iter_articles(self.paths, self.config, report, stream=True)
            chunk: list[Article] = []
            for article in unique_articles(articles, report, seen):
                chunk.append(article)
                if len(chunk) == self.chunk_size:
                    yield chunk
                    chunk = []
                    report.articles = report.chars = 0  # the batch limits count per chunk
            if chunk:
                yield chunk
        finally:
            seen.close()


def store_path_for(config: Config, out_dir: Path) -> str:
    """The store's path: store.path, else mapper.sqlite in the output directory."""
    if config.store.path == MEMORY:
        return MEMORY
    if config.store.path:
        return str(config.resolve_path(config.store.path))
    return str(out_dir / STORE_FILE)


# Settings of the processing sections that cannot change what an article yields: where caches
# live, how a remote service is reached, how merged reports are combined. They are left out
# of the processing hash so that changing them reprocesses nothing.
_NOT_PER_ARTICLE = {
    "gazetteer": ("cache_dir",),
    "geocoder": ("user_agent", "min_delay_seconds", "timeout", "max_retries", "cache_path"),
    "events": ("toll_policy",),
}
PROCESSING_SECTIONS = ("gazetteer", "geoparse", "geocoder", "events")


def _taxonomy_digest(taxonomy: Taxonomy) -> list[Any]:
    """What of a taxonomy decides an article's category and severity (not labels or colours)."""
    return [
        taxonomy.fallback,
        [
            [
                c.id,
                c.casualty_free,
                [[q.pattern.pattern, q.pattern.flags, q.weight] for q in c.cues],
            ]
            for c in taxonomy.categories
        ],
    ]


def processing_hash(config: Config, taxonomy: Taxonomy) -> str:
    """What an article's results depend on: settings, taxonomy, gazetteer data, mapper's version.

    A stored article processed under another hash is processed again on the next run. The
    taxonomy's content counts, not only its name (a YAML file may be edited in place); so do
    the gazetteer's inputs (data package versions and the curated tables, as the index's
    fingerprint names them: a curated alias resolves names that were left unresolved) and
    mapper's version (a new release may read articles differently).
    """
    from mapper import __version__

    trimmed = config
    for section, keys in _NOT_PER_ARTICLE.items():
        part = getattr(config, section)
        defaults = type(part)()
        part = replace(part, **{key: getattr(defaults, key) for key in keys})
        trimmed = replace(trimmed, **{section: part})
    gazetteer = index_path(None, config.gazetteer.min_population).stem
    blob = json.dumps(
        [
            config_hash(trimmed, PROCESSING_SECTIONS),
            _taxonomy_digest(taxonomy),
            gazetteer,
            __version__,
        ],
        separators=(",", ":"),
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


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


# Test hook: with this variable set to N, a run sleeps inside its batch transaction once N
# articles are written, so tests/test_pipeline.py can SIGKILL it mid-batch. Unset normally.
TEST_PAUSE_ENV = "MAPPER_TEST_PAUSE_AFTER_ARTICLES"


def _test_pause(written: int) -> None:
    value = os.environ.get(TEST_PAUSE_ENV)
    if value and written == int(value):
        log.warning("%s: paused after %d articles", TEST_PAUSE_ENV, written)
        time.sleep(600)


def _split(articles: list[Article], size: int) -> Iterator[list[Article]]:
    for start in range(0, len(articles), size):
        yield articles[start : start + size]


def _process(
    batch: Batch,
    stream: ArticleStream,
    engine: Engine,
    digest: str,
    tally: Tally,
    summary: RunSummary,
) -> Counter[str]:
    """Plan, process and store the batch chunk by chunk; returns the unresolved place names.

    Each chunk is sorted against the store (Batch.sort) and what needs work goes to the
    engine; the stored articles outside the batch that other settings processed follow. The
    engine's results come back in input order and are stored here, one by one, as the local
    engine always stored them.
    """
    unresolved: Counter[str] = Counter()
    total = summary.articles_read
    size = 0  # articles per task, asked of the engine once there is work (it may start it)

    with _bar("process", total) as bar:

        def tasks() -> Iterator[list[Article]]:
            nonlocal size
            for chunk in stream.chunks():
                todo = batch.sort(chunk, digest, tally)
                bar.update(len(chunk) - len(todo))  # seen before: nothing to do
                if todo:
                    size = size or engine.task_size(total)
                    yield from _split(todo, size)
            tally.stale = batch.stale_count(digest)
            if tally.stale:
                tally.count("settings changed", tally.stale)
                bar.total = total + tally.stale
                size = size or engine.task_size(tally.stale)
                for chunk in batch.stale_chunks(digest, stream.chunk_size):
                    yield from _split(chunk, size)

        for articles, results in engine.map(tasks()):
            for article, (toponyms, event) in zip(articles, results, strict=True):
                problem = event if isinstance(event, str) else event_problem(event)
                if problem is not None:
                    _bad_result(article, problem, stream.config, batch, tally, summary)
                    bar.update(1)
                    continue
                assert not isinstance(event, str)
                batch.put(GeoparsedArticle(article, toponyms), event, digest)
                summary.places_found += len(toponyms)
                summary.places_resolved += sum(1 for t in toponyms if t.place is not None)
                unresolved.update(t.name for t in toponyms if t.place is None)
                bar.update(1)
                _test_pause(batch.written)
    return unresolved


def _bad_result(
    article: Article,
    problem: str,
    config: IngestConfig,
    batch: Batch,
    tally: Tally,
    summary: RunSummary,
) -> None:
    """An article whose results the store cannot hold: a bad record, found before storing.

    Refused (InputError: the batch's transaction rolls back, the store is as it was), or
    under ``ingest.on_bad_record: skip`` left out with a warning naming its file and line.
    """
    origin = article.origin or article.article_id
    if config.on_bad_record != "skip":
        raise InputError(f"{problem}; fix the record or set ingest.on_bad_record=skip", path=origin)
    message = f"{origin}: skipped: {problem}"
    log.warning("%s", message)
    summary.warnings.append(message)
    summary.articles_skipped_bad += 1
    if not batch.is_stored(article.article_id):
        tally.new -= 1


def run(
    config: Config,
    *,
    inputs: Sequence[str | Path] | None = None,
    output_dir: str | Path | None = None,
    stages: Stages | None = None,
    since: str | date | None = None,
    last_days: int | None = None,
    today: date | None = None,
    render: bool = True,
) -> RunSummary:
    """Add a batch to the store, then write the map, GeoJSON, CSV and run.json from the store.

    Only articles the store has not seen are processed; the same content again is skipped. Stored
    articles processed under other result-affecting settings (see processing_hash) are processed
    again. Reports of one event merge into one incident across batches. The batch is one
    transaction: killed midway, the store is as before and a rerun completes it.

    The batch streams through in chunks (``engine.chunk_size``) and is processed by the engine
    the settings name (``engine.*``); every engine writes the same outputs. ``stages``, when
    given, serve the in-process engine; worker processes load their own.

    The outputs hold the whole store, or the incidents dated or reported since ``since`` (or in
    the ``last_days``). Their ``new`` flag marks the incidents created or updated by the latest
    run that changed the store: a rerun that changes nothing rewrites the same bytes.

    Ctrl-C or SIGTERM raise Interrupted, whose message says whether the batch was stored and
    which outputs are stale (mapper/interrupts.py). ``render=False`` writes no map.
    """
    progress = RunProgress()
    paths = [Path(p) for p in inputs] if inputs else [config.resolve_path(p) for p in config.input]
    with terminate_as_interrupt():
        try:
            with spooled_inputs(paths, config.ingest) as readable:
                return _run(
                    config, progress, readable, output_dir, stages, since, last_days, today, render
                )
        except KeyboardInterrupt as exc:
            raise progress.interrupted(exc) from None
        except WriteError as exc:  # a full disk after the commit: say what is stored
            raise WriteError(f"{exc}{progress.stale_note()}") from exc


def _run(
    config: Config,
    progress: RunProgress,
    paths: list[Path],
    output_dir: str | Path | None,
    stages: Stages | None,
    since: str | date | None,
    last_days: int | None,
    today: date | None,
    render: bool = True,
) -> RunSummary:
    clock = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    out_dir = Path(output_dir) if output_dir else config.resolve_path(config.output_dir)
    window = resolve_since(since, last_days, today)
    remote = config.geocoder.provider != "offline"
    if remote and (config.engine.kind == "dask" or config.engine.workers > 1):
        # A provider's rate limit and cache hold per process: several would break both.
        raise ConfigError(
            f"geocoder.provider {config.geocoder.provider!r} runs in one process: "
            "use the local engine with --workers 1, or geocoder.provider=offline"
        )
    report = IngestReport()
    stream = ArticleStream(paths, config.ingest, config.engine.chunk_size)
    articles_read = stream.check(report)  # input errors end the run here, before any write
    if remote and stages is None:
        stages = Stages.load(config, output_dir=out_dir)
    taxonomy = stages.taxonomy if stages else load_taxonomy(config.events.taxonomy, config.base_dir)
    digest = processing_hash(config, taxonomy)
    store_path = store_path_for(config, out_dir)
    summary = RunSummary(
        articles_read=articles_read,
        articles_skipped_bad=report.skipped,
        warnings=list(report.warnings),
        store=store_path,
    )
    lap("read")
    plan = Tally()
    progress.store_path = store_path
    progress.expected = ([MAP_FILE] if render else []) + [
        GEOJSON_FILE,
        AREAS_FILE,
        TRANSFERS_FILE,
        UNPLACED_FILE,
        CSV_FILE,
        RUN_FILE,
    ]
    with Store.open(store_path, wait=config.store.wait_seconds) as store:
        with store.batch() as batch:
            progress.note_batch(batch)
            # The workers are released (a LocalCluster closed) before merging, which is
            # the driver's work alone.
            # The in-process engine loads its stages with the run's taxonomy, not a second read.
            with open_engine(config, digest, stages, taxonomy=taxonomy) as engine:
                unresolved = _process(batch, stream, engine, digest, plan, summary)
            # The in-process engine holds the stages it loaded (the gazetteer index and the
            # geoparser's memories, well over 100 MB): let them go before the outputs are written.
            del engine
            lap("process")
            changes = batch.update_incidents(config.incidents, config.events.toll_policy)
            batch.note(articles_new=plan.new, articles_reprocessed=plan.reprocessed)
            lap("merge")
        # The outputs are written from one state of the store, read a pass per output and an
        # incident at a time (StoredIncidents): 100,000 incidents are never all in memory.
        with store.snapshot():
            incidents = store.incident_view(since=window)
            unplaced = unplaced_events(store, since=window)
            article_count = store.article_count(since=window)
            summary.incidents_stored = store.counts()["incidents"]
            summary.unplaced_events_stored = (
                len(unplaced) if window is None else count_unplaced(store)
            )
            summary.unresolved_places_store = store.unresolved_places()
            summary.incidents = len(incidents)
            by_category = Counter(i.category for i in incidents)
            summary.incidents_by_category = dict(sorted(by_category.items()))
            lap("load")
            summary.warnings.extend(plan.warnings)
            summary.articles_new = plan.new
            summary.articles_skipped = plan.skipped
            summary.articles_reprocessed = plan.reprocessed
            summary.incidents_created = changes.created
            summary.incidents_updated = changes.updated
            summary.incidents_removed = changes.removed
            summary.run_id = batch.run_id if batch.changed else None
            summary.unplaced_events = len(unplaced)
            summary.unresolved_places = dict(
                sorted(unresolved.items(), key=lambda kv: (-kv[1], kv[0]))[:50]
            )
            summary.outputs = write_outputs(
                incidents,
                taxonomy,
                config,
                out_dir,
                article_count=article_count,
                done=progress.written,
                render=render,
                unplaced=unplaced,
            )
    lap("outputs")
    summary.geocoder = _geocoder_stats(stages)
    summary.outputs["report"] = str(write_run_report(summary, plan, window, out_dir / RUN_FILE))
    progress.written["report"] = summary.outputs["report"]
    summary.timings = timings
    log.info("timings: %s", timings)
    return summary


def _geocoder_stats(stages: Stages | None) -> dict[str, int]:
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


def _write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
    return count


def _relative_record(place: Place | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {
        "name": place.name,
        "lat": place.lat,
        "lon": place.lon,
        "precision": place.precision,
        "extent_km": place.extent_km,
    }


def geoparse_records(articles: Iterable[Article], geoparser: Geoparser) -> Iterator[dict[str, Any]]:
    """One record per article in the format score_geoparse.py reads."""
    for article in articles:
        toponyms = []
        for t in geoparser.parse_text(article.text, url=article.url):
            place = t.place
            toponyms.append(
                {
                    "start": t.start,
                    "end": t.end,
                    "name": t.name,
                    "lat": place.lat if place else None,
                    "lon": place.lon if place else None,
                    "place_id": place.place_id if place else None,
                    "country": place.country if place else None,
                    "precision": place.precision if place else None,
                    "score": t.score,
                    "demonym": t.demonym,
                    "reason": t.reason,
                    "relative": _relative_record(t.relative),
                }
            )
        yield {"id": article.article_id, "toponyms": toponyms}


def extract_records(articles: Iterable[Article], stages: Stages) -> Iterator[dict[str, Any]]:
    """One record per article in the format score_events.py reads."""
    for article in articles:
        event = stages.extract(stages.geoparser.parse(article))
        yield {
            "id": article.article_id,
            "event_type": event.category,
            "facts": event.facts.as_dict(),
            "severity": event.severity,
            "severity_reason": event.severity_reason,
            "event_date": event.event_date,
            "evidence": event.evidence,
            "locations": [
                {
                    "name": loc.name,
                    "lat": loc.place.lat if loc.place else None,
                    "lon": loc.place.lon if loc.place else None,
                    "role": loc.role,
                }
                for loc in event.locations
            ],
        }


def geoparse_file(input_path: Path, out: TextIO, config: Config) -> int:
    """`mapper geoparse`: JSONL in, one JSONL line per input line out, in order."""
    stages = Stages.load(config)
    articles = iter_articles([input_path], config.ingest)
    return _write_jsonl(geoparse_records(articles, stages.geoparser), out)


def extract_file(input_path: Path, out: TextIO, config: Config) -> int:
    """`mapper extract`: JSONL in, one event line per input line out, in order."""
    stages = Stages.load(config)
    articles = iter_articles([input_path], config.ingest)
    return _write_jsonl(extract_records(articles, stages), out)
