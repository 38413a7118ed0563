"""The batch job: the only module that knows the order of the stages.

run(config) -> RunSummary: ingest -> (store: skip what was seen) -> geoparse -> extract ->
incidents (merged into the store) -> render and export from the store (mapper/outputs.py).

A batch streams through run() in chunks of ``engine.chunk_size`` articles, so its size is
bounded by the disk, not by memory: the input is read once to check and count it (every input
error is raised before the store is touched), then again chunk by chunk (ArticleStream), each
chunk planned against the store, processed by the engine (mapper/engines.py: in this process,
a process pool or Dask) and stored, all in the batch's one transaction; incidents are merged at
the end.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from mapper.bounds import event_problem
from mapper.config import Config, IngestConfig
from mapper.engines import Engine, open_engine
from mapper.errors import ConfigError, InputError, WriteError
from mapper.events.taxonomy import load_taxonomy
from mapper.export_columns import AREAS_FILE, TRANSFERS_FILE, UNPLACED_FILE
from mapper.incidents.store import Batch, Store, Tally
from mapper.incidents.unplaced import count_unplaced, unplaced_events
from mapper.ingest import IngestReport, spooled_inputs
from mapper.ingest.stream import ArticleStream
from mapper.interrupts import RunProgress, terminate_as_interrupt
from mapper.models import Article, GeoparsedArticle, RunSummary
from mapper.outputs import (
    CSV_FILE,
    GEOJSON_FILE,
    MAP_FILE,
    RUN_FILE,
    geocoder_stats,
    resolve_since,
    store_path_for,
    write_outputs,
    write_run_report,
)
from mapper.progress import progress_bar
from mapper.stages import Stages, processing_hash

log = logging.getLogger(__name__)


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

    with progress_bar("process", total) as bar:

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
    summary.geocoder = geocoder_stats(stages)
    summary.outputs["report"] = str(write_run_report(summary, plan, window, out_dir / RUN_FILE))
    progress.written["report"] = summary.outputs["report"]
    summary.timings = timings
    log.info("timings: %s", timings)
    return summary
