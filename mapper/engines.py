"""Where the per-article work runs: in this process, in a pool of processes, or on Dask.

The work is one pure function, ``process_articles(stages, articles)``: geoparse each article,
then extract its event. Engines differ only in where they call it. The pipeline hands an engine
chunks of articles in input order and gets each chunk's results back in the same order, so it
stores them exactly as it would have computed them itself: every engine writes the same bytes.

- ``InProcessEngine`` (``engine.workers: 1``): in the driver process, one chunk at a time.
- ``PoolEngine`` (``engine.workers: N``): N worker processes; each loads the gazetteer once,
  when it starts (the pool's initializer), and is sent only the settings and its chunks.
- ``DaskEngine`` (``engine.kind: dask``): tasks on a Dask cluster, a ``LocalCluster`` on the
  loopback interface unless ``engine.scheduler`` names a running scheduler. Each worker process
  loads the gazetteer on its first task and keeps it for every later one (``worker_stages``).

A worker loads what the settings name (gazetteer, taxonomy) itself and checks that its
processing hash, which covers the gazetteer's data versions and mapper's version, is the
driver's: a worker with other versions would write other results, so it refuses to work.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapper.config import Config
from mapper.errors import ConfigError, MapperError
from mapper.models import Article, Event, Toponym

if TYPE_CHECKING:
    from mapper.events.taxonomy import Taxonomy
    from mapper.stages import Stages

log = logging.getLogger(__name__)

# What one article yields: its place mentions and its event, or why it yields none (a str:
# a value in it no computation or store can hold). The article itself stays with the driver,
# which sent it: results do not carry its text back.
Processed = tuple[tuple[Toponym, ...], Event | str]

# Smallest task a chunk is split into for a pool or a cluster: below it, shipping a task costs
# more than the work (an article takes about a millisecond).
MIN_TASK = 50


def process_articles(stages: Stages, articles: Iterable[Article]) -> list[Processed]:
    """Geoparse and extract each article, in order: the only code that does the work."""
    results: list[Processed] = []
    for article in articles:
        doc = stages.geoparser.parse(article)
        try:
            event: Event | str = stages.extract(doc)
        except (ArithmeticError, ValueError) as exc:
            # A hostile value ("killed 10^400", "999999 weeks ago" of an old date) overflows
            # the arithmetic: the article is a bad record, its companions go on.
            event = f"cannot be processed ({type(exc).__name__}: {str(exc)[:120]})"
        results.append((doc.toponyms, event))
    return results


# Stages loaded in this process, by processing hash. In a worker process (pool or Dask) the
# gazetteer is loaded on first use and kept for every later task; only the latest settings'
# stages are kept, so a long-lived Dask worker serving runs with other settings holds one.
_STAGES: dict[str, Stages] = {}
_STAGES_LOCK = threading.Lock()  # Dask runs tasks in threads: load once, not once per thread


def worker_stages(config: Config, digest: str) -> Stages:
    """This process's stages for the settings whose processing hash is ``digest``."""
    with _STAGES_LOCK:
        stages = _STAGES.get(digest)
        if stages is None:
            from mapper.stages import Stages, processing_hash

            stages = Stages.load(config)
            here = processing_hash(config, stages.taxonomy)
            if here != digest:
                raise MapperError(
                    f"a worker's mapper or gazetteer data differ from the driver's (processing "
                    f"hash {here}, expected {digest}): install the same mapper and data "
                    "package versions on every worker"
                )
            _STAGES.clear()
            _STAGES[digest] = stages
            log.info("worker stages loaded for %s", digest)
        return stages


def process_chunk(config: Config, digest: str, articles: Sequence[Article]) -> list[Processed]:
    """One task: a chunk processed with this worker process's stages (loaded on first use)."""
    return process_articles(worker_stages(config, digest), articles)


def _init_pool_worker(config: Config, digest: str) -> None:
    """Pool initializer: load the stages as the worker starts, before its first chunk."""
    worker_stages(config, digest)


def _process_loaded(digest: str, articles: Sequence[Article]) -> list[Processed]:
    """A pool task: the initializer loaded the stages, so only the hash travels with it."""
    return process_articles(_STAGES[digest], articles)


def portable(config: Config) -> Config:
    """The settings as a worker needs them: relative paths anchored where the driver runs."""
    return replace(config, base_dir=str(Path(config.base_dir).resolve()))


class Engine:
    """Processes chunks of articles somewhere; started on the first chunk, closed by ``with``."""

    # Tasks in flight at once: enough to keep every worker busy while the driver stores
    # results, few enough that memory stays a few chunks.
    window = 1
    workers = 1

    def __init__(self, config: Config, digest: str):
        self.config = portable(config)
        self.digest = digest

    def submit(self, articles: list[Article]) -> Any:
        """Start one task; returns a future-like handle for result()."""
        raise NotImplementedError

    def result(self, future: Any) -> list[Processed]:
        """A task's results (waiting for them); a worker's error is raised here."""
        return future.result()

    def task_size(self, total: int) -> int:
        """Articles per task, for a batch of ``total``: a few tasks per worker, at most a chunk."""
        size = self.config.engine.chunk_size
        if self.workers <= 1:
            return size
        return max(1, min(size, max(MIN_TASK, math.ceil(total / (4 * self.workers)))))

    def map(
        self, tasks: Iterable[list[Article]]
    ) -> Iterator[tuple[list[Article], list[Processed]]]:
        """Each task with its results, in the order given, with ``window`` tasks in flight.

        ``tasks`` is pulled lazily, in this thread: the driver reads and plans the next chunks
        while the workers process the ones before.
        """
        pending: deque[tuple[list[Article], Any]] = deque()
        try:
            for articles in tasks:
                pending.append((articles, self.submit(articles)))
                while len(pending) >= self.window:
                    articles, future = pending.popleft()
                    yield articles, self.result(future)
            while pending:
                articles, future = pending.popleft()
                yield articles, self.result(future)
        finally:
            for _, future in pending:
                future.cancel()

    def close(self) -> None:
        """Release the workers (nothing to do in process)."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InProcessEngine(Engine):
    """The work in this process, a chunk at a time; stages loaded on the first chunk."""

    def __init__(
        self,
        config: Config,
        digest: str,
        stages: Stages | None = None,
        taxonomy: Taxonomy | None = None,
    ):
        super().__init__(config, digest)
        self.stages = stages
        self.taxonomy = taxonomy  # the run's, so loading the stages reads no second copy

    def submit(self, articles: list[Article]) -> Future[list[Processed]]:
        if self.stages is None:
            # Loaded only when there is work: a rerun of a seen batch needs no gazetteer.
            from mapper.stages import Stages

            self.stages = Stages.load(self.config, taxonomy=self.taxonomy)
        done: Future[list[Processed]] = Future()
        done.set_result(process_articles(self.stages, articles))
        return done


class PoolEngine(Engine):
    """``workers`` processes, each loading the gazetteer once as it starts."""

    def __init__(self, config: Config, digest: str, workers: int):
        super().__init__(config, digest)
        self.workers = workers
        self.window = 2 * workers
        self.pool: ProcessPoolExecutor | None = None

    def submit(self, articles: list[Article]) -> Future[list[Processed]]:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=_context(),
                initializer=_init_pool_worker,
                initargs=(self.config, self.digest),
            )
            log.info("local engine: %d worker processes", self.workers)
        return self.pool.submit(_process_loaded, self.digest, articles)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is not None and self.pool is not None:
            # Failed, interrupted or terminated: the tasks in flight are not wanted, so the
            # workers are stopped now rather than waited for (ProcessPoolExecutor has no
            # public way to do so before Python 3.14); none may outlive the run.
            for process in list(getattr(self.pool, "_processes", {}).values()):
                process.terminate()
        self.close()


def _context() -> multiprocessing.context.BaseContext:
    """forkserver where there is one: workers start clean, not as copies of the driver with
    its open store, and the server has mapper imported already; spawn elsewhere."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["mapper.stages", "mapper.engines"])
        return context
    return multiprocessing.get_context("spawn")


class DaskEngine(Engine):
    """Tasks on a Dask cluster: the given scheduler, or a LocalCluster on 127.0.0.1."""

    def __init__(self, config: Config, digest: str, scheduler: str = "", workers: int = 1):
        super().__init__(config, digest)
        try:
            import distributed  # noqa: F401  (checked here: the error names the extra)
        except ImportError as exc:
            raise ConfigError(
                "engine.kind dask needs Dask; install it with: pip install 'incident-mapper[dask]'"
            ) from exc
        self.scheduler = scheduler
        self.workers = workers
        self.client: Any = None
        self.cluster: Any = None

    def _start(self) -> None:
        from distributed import Client, LocalCluster

        # Dask logs its own INFO chatter through its own handler: keep it to warnings.
        logging.getLogger("distributed").setLevel(
            max(logging.WARNING, logging.getLogger().getEffectiveLevel())
        )
        if self.scheduler:
            try:
                self.client = Client(self.scheduler)
            except (OSError, TimeoutError) as exc:
                raise MapperError(
                    f"cannot reach the Dask scheduler at {self.scheduler} ({exc})"
                ) from exc
            nthreads = self.client.nthreads()
            self.workers = max(1, sum(nthreads.values()))
            log.info("dask engine: %s, %d worker threads", self.scheduler, self.workers)
        else:
            # Loopback only, no dashboard: a local run opens nothing to the network. (The
            # scheduler still serves its health routes over HTTP: on a free loopback port,
            # not on 8787, which another cluster may hold.) One thread per worker process:
            # the work is pure Python, threads would share one GIL.
            self.cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.ERROR,
            )
            self.client = Client(self.cluster)
            log.info("dask engine: LocalCluster of %d worker processes", self.workers)
        self.window = 2 * self.workers

    def task_size(self, total: int) -> int:
        if self.client is None:
            self._start()  # a remote cluster's size decides how small the tasks are
        return super().task_size(total)

    def submit(self, articles: list[Article]) -> Any:
        if self.client is None:
            self._start()
        # Scattered, the chunk goes straight to a worker and the task runs where it is.
        [data] = self.client.scatter([articles], hash=False)
        return self.client.submit(process_chunk, self.config, self.digest, data, pure=False)

    def result(self, future: Any) -> list[Processed]:
        try:
            return future.result()
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.split(".")[0] == "mapper":
                raise MapperError(
                    "the Dask workers cannot import mapper: install mapper (the same version, "
                    "with the same data packages) in every worker's environment"
                ) from exc
            raise

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None


def open_engine(
    config: Config,
    digest: str,
    stages: Stages | None = None,
    *,
    taxonomy: Taxonomy | None = None,
) -> Engine:
    """The engine the settings name (``engine.kind``, ``engine.workers``, ``engine.scheduler``).

    ``stages`` (already loaded) serve the in-process engine, or else ``taxonomy`` (already
    read) goes into the stages it loads; workers load their own.
    """
    settings = config.engine
    if settings.kind == "dask":
        return DaskEngine(config, digest, settings.scheduler, settings.workers)
    if settings.workers > 1:
        return PoolEngine(config, digest, settings.workers)
    return InProcessEngine(config, digest, stages, taxonomy)
