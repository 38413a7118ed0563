"""The store: what every run has read and concluded, kept in one SQLite file across runs.

Tables: ``articles`` (text, metadata, content hash, and the hash of the settings that
processed them), ``events`` (one per article), ``mentions`` and ``places`` (each place name and
what it resolved to), ``incidents`` and ``incident_reports`` (which article reports which
incident), ``runs`` (the runs that changed something), ``meta``, ``geocode`` (laid out like the
remote geocoder's cache) and ``migrations`` (the numbered schema migrations applied).

A batch is one transaction (``Store.batch()``): however it ends, a crash or SIGKILL included,
the store holds either the whole batch or none of it. Merging across batches follows the rules
of mapper/incidents.py: a report joins the oldest stored incident whose anchor it matches, and
an incident keeps its id however many reports join it later.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, overload

from mapper.bounds import clean_date, clean_facts
from mapper.config import IncidentsConfig
from mapper.errors import (
    StoreBusyError,
    StoreError,
    StoreUnusableError,
    WriteError,
    printable,
)
from mapper.incidents.merge import (
    UNDATED,
    Anchor,
    Report,
    anchor_for,
    date_window,
    incident_changes,
    incident_from_reports,
    match,
    report_for,
    widest_reach,
)
from mapper.models import (
    Article,
    Event,
    EventLocation,
    Facts,
    GeoparsedArticle,
    Incident,
    Place,
    Source,
)

log = logging.getLogger(__name__)

MEMORY = ":memory:"
# Seconds a run waits for another run that is writing the same store before giving up.
BUSY_TIMEOUT = 30.0
_MERGE_KEY = "merge_settings"

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[tuple[str, Migration]] = []  # version N is MIGRATIONS[N - 1]


def _migration(name: str) -> Callable[[Migration], Migration]:
    def register(func: Migration) -> Migration:
        MIGRATIONS.append((name, func))
        return func

    return register


@_migration("initial")
def _initial(db: sqlite3.Connection) -> None:
    db.execute(
        "CREATE TABLE articles (article_id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, "
        "config_hash TEXT NOT NULL, title TEXT NOT NULL DEFAULT '', date TEXT, url TEXT, "
        "source TEXT, origin TEXT NOT NULL DEFAULT '', text TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX articles_content ON articles (content_hash)")
    db.execute("CREATE INDEX articles_config ON articles (config_hash)")
    db.execute(
        "CREATE TABLE events (article_id TEXT PRIMARY KEY, category TEXT NOT NULL, "
        "data TEXT NOT NULL)"
    )
    db.execute("CREATE TABLE places (place_id TEXT PRIMARY KEY, data TEXT NOT NULL)")
    # The anchor columns (category, date, place) are what reports are matched against.
    db.execute(
        "CREATE TABLE incidents (incident_id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, "
        "category TEXT NOT NULL, date TEXT, place_id TEXT NOT NULL, lat REAL NOT NULL, "
        "lon REAL NOT NULL, extent_km REAL NOT NULL, anchor_article_id TEXT NOT NULL, data TEXT)"
    )
    db.execute("CREATE INDEX incidents_match ON incidents (category, date)")
    db.execute(
        "CREATE TABLE incident_reports (article_id TEXT PRIMARY KEY, incident_id TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX incident_reports_incident ON incident_reports (incident_id)")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


@_migration("runs")
def _runs(db: sqlite3.Connection) -> None:
    """Runs, and which run created or last changed each incident (the map's `new` flag)."""
    db.execute(
        "CREATE TABLE runs (run_id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, "
        "finished_at TEXT NOT NULL, summary TEXT NOT NULL)"
    )
    db.execute("ALTER TABLE articles ADD COLUMN first_run INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE incidents ADD COLUMN created_run INTEGER")
    db.execute("ALTER TABLE incidents ADD COLUMN changed_run INTEGER")
    db.execute("ALTER TABLE incidents ADD COLUMN latest_date TEXT")
    rows = db.execute("SELECT incident_id, date, data FROM incidents").fetchall()
    for incident_id, day, data in rows:
        last_seen = json.loads(data).get("last_seen") if data else None
        db.execute(
            "UPDATE incidents SET latest_date = ? WHERE incident_id = ?",
            (_latest(day, last_seen), incident_id),
        )
    db.execute("CREATE INDEX incidents_latest ON incidents (latest_date)")


@_migration("mentions and geocode cache")
def _mentions(db: sqlite3.Connection) -> None:
    """Every place mention (for the unresolved-names report) and the geocoding cache."""
    db.execute(
        "CREATE TABLE mentions (article_id TEXT NOT NULL, start_char INTEGER NOT NULL, "
        "end_char INTEGER NOT NULL, name TEXT NOT NULL, place_id TEXT, score REAL NOT NULL, "
        "PRIMARY KEY (article_id, start_char, end_char))"
    )
    db.execute("CREATE INDEX mentions_unresolved ON mentions (name) WHERE place_id IS NULL")
    # Same layout as mapper.geocoders.remote.GeocodeCache, so that cache can live here too.
    db.execute(
        "CREATE TABLE IF NOT EXISTS geocode (provider TEXT, query TEXT, answer TEXT, "
        "PRIMARY KEY (provider, query))"
    )


@_migration("place kinds for the merge")
def _place_kinds(db: sqlite3.Connection) -> None:
    """Each stored place's country, kind and admin-2 unit as columns of their own.

    The merge's candidate query tests them on every incident of a report's date window;
    reading them out of the JSON there cost a parse per row. They are written with the
    place's data (Batch.put), so they always say what the data says.
    """
    db.execute("ALTER TABLE places ADD COLUMN country TEXT")
    db.execute("ALTER TABLE places ADD COLUMN kind TEXT")
    db.execute("ALTER TABLE places ADD COLUMN admin2 TEXT")
    db.execute(
        "UPDATE places SET country = json_extract(data, '$.country'), "
        "kind = json_extract(data, '$.feature_class'), admin2 = json_extract(data, '$.admin2')"
    )


SCHEMA_VERSION = len(MIGRATIONS)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _latest(*dates: str | None) -> str | None:
    present = [d for d in dates if d]
    return max(present) if present else None


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(article: Article) -> str:
    """What "the same article" means: same title, text, date, url and source."""
    blob = json.dumps(
        [article.title, article.text, article.date, article.url, article.source],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


# --- (de)serialisation: frozen dataclasses <-> JSON ----------------------------------------
# Written by hand: dataclasses.asdict deep-copies every value and was most of a batch's time.
# Loading keeps the fields this version knows: JSON written by another version may lack some
# (their defaults apply) or carry some this version dropped (ignored).


def _names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


_PLACE, _FACTS, _SOURCE = _names(Place), _names(Facts), _names(Source)


def _flat(value: Any, names: frozenset[str]) -> dict[str, Any]:
    return {name: getattr(value, name) for name in names}


def _known(data: dict[str, Any], names: frozenset[str]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key in names}


def _dump_place(place: Place | None) -> dict[str, Any] | None:
    return None if place is None else _flat(place, _PLACE)


def _load_place(data: dict[str, Any] | None) -> Place | None:
    return Place(**_known(data, _PLACE)) if data else None


def _dump_event(event: Event) -> str:
    return _json(
        {
            "article_id": event.article_id,
            "category": event.category,
            "facts": _flat(event.facts, _FACTS),
            "severity": event.severity,
            "severity_reason": event.severity_reason,
            "event_date": event.event_date,
            "evidence": event.evidence,
            "confidence": event.confidence,
            "locations": [
                {
                    "name": loc.name,
                    "role": loc.role,
                    "place": _dump_place(loc.place),
                    "start": loc.start,
                    "end": loc.end,
                    "reason": loc.reason,
                }
                for loc in event.locations
            ],
        }
    )


# The roles of the locations a report is merged by (report_for, incident_from_reports).
_MERGED_ROLES = frozenset({"event", "origin", "destination"})


def _load_event(text: str, roles: frozenset[str] | None = None) -> Event:
    """The stored event; with ``roles``, only its locations of those roles (a merged report
    needs three of an article's some 40 places)."""
    data = json.loads(text)
    locations = tuple(
        EventLocation(
            name=loc["name"],
            role=loc["role"],
            place=_load_place(loc.get("place")),
            start=loc.get("start"),
            end=loc.get("end"),
            reason=loc.get("reason", ""),
        )
        for loc in data.get("locations", ())
        if roles is None or loc["role"] in roles
    )
    where = f"article {data['article_id']!r}"
    return Event(
        article_id=data["article_id"],
        category=data["category"],
        facts=clean_facts(Facts(**_known(data.get("facts", {}), _FACTS)), where),
        severity=data.get("severity", 0),
        severity_reason=data.get("severity_reason", ""),
        event_date=clean_date(data.get("event_date"), where),
        evidence=data.get("evidence", ""),
        locations=locations,
        confidence=data.get("confidence", 0.0),
    )


def _dump_incident(incident: Incident) -> str:
    # `new` is left out: it belongs to the latest run, not to the incident.
    return _json(
        {
            "incident_id": incident.incident_id,
            "category": incident.category,
            "place": _dump_place(incident.place),
            "facts": _flat(incident.facts, _FACTS),
            "severity": incident.severity,
            "severity_reason": incident.severity_reason,
            "date": incident.date,
            "title": incident.title,
            "evidence": incident.evidence,
            "place_reason": incident.place_reason,
            "article_ids": list(incident.article_ids),
            "sources": [_flat(source, _SOURCE) for source in incident.sources],
            "origin": _dump_place(incident.origin),
            "destination": _dump_place(incident.destination),
            "first_seen": incident.first_seen,
            "last_seen": incident.last_seen,
        }
    )


def _load_incident(text: str, new: bool) -> Incident:
    data = json.loads(text)
    place = _load_place(data["place"])
    if place is None:
        raise StoreError(f"incident {data.get('incident_id')!r} is stored without a place")
    where = f"incident {data['incident_id']!r}"
    return Incident(
        incident_id=data["incident_id"],
        category=data["category"],
        place=place,
        facts=clean_facts(Facts(**_known(data.get("facts", {}), _FACTS)), where),
        severity=data.get("severity", 0),
        severity_reason=data.get("severity_reason", ""),
        date=clean_date(data.get("date"), where),
        title=data.get("title", ""),
        evidence=data.get("evidence", ""),
        place_reason=data.get("place_reason", ""),
        article_ids=tuple(data.get("article_ids", ())),
        sources=tuple(Source(**_known(s, _SOURCE)) for s in data.get("sources", ())),
        origin=_load_place(data.get("origin")),
        destination=_load_place(data.get("destination")),
        first_seen=data.get("first_seen"),
        last_seen=data.get("last_seen"),
        new=new,
    )


class StoredIncidents(Sequence[Incident]):
    """Stored incidents by id, loaded from the store one at a time at each pass.

    Each iteration queries the store again, so a pass over 100,000 incidents holds one of
    them; ``len`` is one count. ``sorted_by_id`` tells the export writers (which write by id)
    that iterating gives that order already, so they need not sort, and hold, a copy.
    """

    sorted_by_id = True

    def __init__(self, db: sqlite3.Connection, since: str | None, latest_run: int | None):
        self._db = db
        self._latest = latest_run
        self._where = "data IS NOT NULL" + (" AND latest_date >= ?" if since else "")
        self._args: tuple[Any, ...] = (since,) if since else ()
        self._length: int | None = None

    def _rows(self, tail: str = "", args: tuple[Any, ...] = ()) -> Iterator[Incident]:
        sql = f"SELECT data, changed_run FROM incidents WHERE {self._where} ORDER BY incident_id"
        latest = self._latest
        for data, run in self._db.execute(sql + tail, self._args + args):
            yield _load_incident(data, latest is not None and run == latest)

    def __iter__(self) -> Iterator[Incident]:
        return self._rows()

    def __len__(self) -> int:
        if self._length is None:
            sql = f"SELECT count(*) FROM incidents WHERE {self._where}"
            self._length = self._db.execute(sql, self._args).fetchone()[0]
        return self._length

    @overload
    def __getitem__(self, index: int) -> Incident: ...

    @overload
    def __getitem__(self, index: slice) -> list[Incident]: ...

    def __getitem__(self, index: int | slice) -> Incident | list[Incident]:
        if isinstance(index, slice):
            return list(self)[index]
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError("incident index out of range")
        return next(self._rows(" LIMIT 1 OFFSET ?", (position,)))


# --- migrations -----------------------------------------------------------------------------


def schema_version(db: sqlite3.Connection) -> int:
    """The highest migration applied (0 for an empty database)."""
    exists = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
    ).fetchone()
    if not exists:
        return 0
    return db.execute("SELECT coalesce(max(version), 0) FROM migrations").fetchone()[0]


def pending(db: sqlite3.Connection) -> list[tuple[int, str]]:
    """The migrations not applied yet, as (version, name). Only reads."""
    current = schema_version(db)
    return [(v, name) for v, (name, _) in enumerate(MIGRATIONS, 1) if v > current]


@contextmanager
def _write(db: sqlite3.Connection, path: str) -> Iterator[None]:
    """One write transaction; the lock is taken up front so two runs cannot interleave."""
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise store_error(exc, path) from exc
    try:
        yield
    except BaseException as exc:
        if db.in_transaction:  # some errors end the transaction themselves
            db.execute("ROLLBACK")
        if isinstance(exc, sqlite3.OperationalError):
            raise store_error(exc, path) from exc
        raise
    try:
        db.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise store_error(exc, path) from exc


def store_error(exc: sqlite3.Error, path: str) -> StoreError | WriteError:
    """The one-line error for an SQLite failure: busy, cannot write, or not a store."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StoreBusyError(
            f"{path}: another mapper run holds the store (waited store.wait_seconds); "
            "try again when it has finished"
        )
    if "full" in text:
        return WriteError(f"{path}: cannot write the store: the disk is full")
    if "readonly" in text or "read-only" in text:
        return WriteError(f"{path}: cannot write the store: it is read-only")
    if "unable to open" in text or "disk i/o" in text:
        return WriteError(f"{path}: cannot open the store for writing ({exc})")
    return StoreUnusableError(f"{path}: not a mapper store ({exc})")


# Tables a database may hold and still count as empty: a geocode cache pointed at the
# store's path (mapper.geocoders.remote) creates only this one.
_EMPTY_TABLES = {"geocode"}


def _refuse_foreign(db: sqlite3.Connection, path: str) -> None:
    """Refuse an SQLite database mapper did not make: adding our tables would change it."""
    if schema_version(db):
        return
    tables = sorted(
        name
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
        if name not in _EMPTY_TABLES
    )
    if tables:
        shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
        raise StoreUnusableError(
            f"{path}: an SQLite database not made by mapper (it holds {shown}); "
            "refusing to add mapper's tables; point store.path or --output-dir elsewhere"
        )


def migrate(db: sqlite3.Connection, target: int | None = None, *, path: str = MEMORY) -> list[int]:
    """Apply pending migrations up to ``target`` (default: all), each in its own transaction.

    Every applied migration is recorded in the ``migrations`` table. Returns the versions applied.
    """
    target = SCHEMA_VERSION if target is None else target
    current = schema_version(db)
    if current > SCHEMA_VERSION:
        raise StoreUnusableError(
            f"{path}: store schema version {current} is newer than this mapper knows "
            f"({SCHEMA_VERSION}); upgrade mapper"
        )
    applied = []
    for version, (name, func) in enumerate(MIGRATIONS, 1):
        if version > target or version <= current:
            continue
        with _write(db, path):
            if version <= schema_version(db):  # another process got there first
                continue
            db.execute(
                "CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, "
                "name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            func(db)
            db.execute("INSERT INTO migrations VALUES (?, ?, ?)", (version, name, _now()))
        log.info("%s: applied store migration %d (%s)", path, version, name)
        applied.append(version)
    return applied


# --- the store ------------------------------------------------------------------------------


@dataclass
class Plan:
    """What a batch needs: which of its articles are new, which to process again, which to skip."""

    new: list[Article] = field(default_factory=list)
    # Stored articles of this batch whose content changed, or that were processed under other
    # result-affecting settings.
    again: list[Article] = field(default_factory=list)
    # Stored articles outside this batch processed under other result-affecting settings.
    stale_ids: list[str] = field(default_factory=list)
    skipped: int = 0
    duplicates: int = 0  # skipped because another stored article has the same content
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def reprocessed(self) -> int:
        return len(self.again) + len(self.stale_ids)

    @property
    def total(self) -> int:
        return len(self.new) + self.reprocessed


@dataclass
class Tally:
    """A streamed batch's plan as counts: its articles pass through chunk by chunk (Batch.sort)."""

    new: int = 0
    again: int = 0  # stored articles of this batch processed again
    stale: int = 0  # stored articles outside this batch processed again
    skipped: int = 0
    duplicates: int = 0  # skipped because another stored article has the same content
    reasons: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def reprocessed(self) -> int:
        return self.again + self.stale

    @property
    def total(self) -> int:
        return self.new + self.reprocessed

    def count(self, reason: str, n: int = 1) -> None:
        self.reasons[reason] = self.reasons.get(reason, 0) + n
        self.reasons = dict(sorted(self.reasons.items()))

    def warn(self, message: str) -> None:
        log.warning("%s", message)
        self.warnings.append(message)


@dataclass
class IncidentChanges:
    """What a batch did to the stored incidents."""

    created: list[str] = field(default_factory=list)
    updated: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.created or self.updated or self.removed)


@dataclass
class _Kept:
    """A stored incident as it was before the batch touched it."""

    data: str | None
    seq: int
    created_run: int | None
    changed_run: int | None


class Store:
    """An open store. ``Store.open(path)`` creates or migrates it; use it as a context manager."""

    def __init__(self, db: sqlite3.Connection, path: str):
        self.db = db
        self.path = path

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        create: bool = True,
        migrate_to: int | None = None,
        wait: float | None = None,
    ) -> Store:
        """Open (and migrate) the store at ``path``; ``:memory:`` keeps nothing after close.

        ``wait``: seconds a write waits for another writer (default BUSY_TIMEOUT), then
        StoreBusyError.
        """
        name = str(path)
        if name != MEMORY:
            file = Path(path)
            if not file.exists() and not create:
                raise StoreError(f"{file}: no store here yet; `mapper run` creates it")
            file.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT).
        try:
            timeout = BUSY_TIMEOUT if wait is None else wait
            db = sqlite3.connect(name, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise store_error(exc, name) from exc
        try:
            _refuse_foreign(db, name)
            if name != MEMORY:
                # WAL: readers (export, a second run planning) never wait for a writer, and
                # a writer never waits for readers; only two writers queue.
                try:
                    db.execute("PRAGMA journal_mode = WAL")
                except sqlite3.OperationalError as exc:
                    if "readonly" not in str(exc):
                        raise
                    # A read-only store can still be read (export); writes fail plainly.
                    log.info("%s: read-only, journal mode left as it is", name)
            migrate(db, migrate_to, path=name)
        except sqlite3.DatabaseError as exc:
            db.close()
            raise store_error(exc, name) from exc
        except BaseException:
            db.close()
            raise
        return cls(db, name)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reads --

    @property
    def version(self) -> int:
        return schema_version(self.db)

    def latest_run(self) -> int | None:
        """The last run that changed the store, or None."""
        return self.db.execute("SELECT max(run_id) FROM runs").fetchone()[0]

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        tables = (
            "articles",
            "events",
            "mentions",
            "places",
            "incidents",
            "incident_reports",
            "runs",
        )
        return {t: self.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}

    def digest(self) -> str:
        """A hash of every row of every table: equal digests mean equal stores."""
        digest = hashlib.sha256()
        tables = self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall()
        for (table,) in tables:
            digest.update(table.encode())
            width = len(self.db.execute(f"SELECT * FROM {table} LIMIT 0").description)
            order = ", ".join(str(i) for i in range(1, width + 1))
            for row in self.db.execute(f"SELECT * FROM {table} ORDER BY {order}"):
                digest.update(repr(row).encode())
        return digest.hexdigest()

    def incidents(self, since: str | None = None) -> list[Incident]:
        """Stored incidents, by id; with ``since`` only those dated or reported on or after it.

        ``new`` is true for the incidents the latest run that changed the store created or
        updated, so a rerun that changes nothing leaves every output as it was.
        """
        return list(self.incident_view(since))

    def incident_view(self, since: str | None = None) -> StoredIncidents:
        """The incidents of :meth:`incidents` as a sequence read from the store at each pass.

        For writers of many incidents: a pass holds one incident at a time. Passes made
        inside :meth:`snapshot` all see the same incidents.
        """
        return StoredIncidents(self.db, since, self.latest_run())

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside the block see the store as it was at the first (a read transaction).

        In WAL mode another process may commit meanwhile without waiting for the block.
        """
        if self.db.in_transaction:  # inside a batch: its transaction is already one view
            yield
            return
        self.db.execute("BEGIN")
        try:
            yield
        finally:
            if self.db.in_transaction:
                self.db.execute("COMMIT")  # ends the read; nothing was written

    def article_count(self, since: str | None = None) -> int:
        if since:
            return self.db.execute(
                "SELECT count(*) FROM articles WHERE date >= ?", (since,)
            ).fetchone()[0]
        return self.db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def unresolved_places(self, limit: int = 50) -> dict[str, int]:
        """Names the geoparser could not resolve, over all stored articles, most frequent first."""
        rows = self.db.execute(
            "SELECT name, count(*) AS n FROM mentions WHERE place_id IS NULL "
            "GROUP BY name ORDER BY n DESC, name LIMIT ?",
            (limit,),
        )
        return dict(rows.fetchall())

    def load_article(self, article_id: str) -> Article:
        row = self.db.execute(
            "SELECT article_id, text, title, date, url, source, origin FROM articles "
            "WHERE article_id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: no stored article {article_id!r}")
        return Article(*row)

    # -- writes --

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """One batch, one transaction: committed when the block ends, rolled back if it raises."""
        with _write(self.db, self.path):
            batch = Batch(self)
            yield batch
            batch.finish()


class Batch:
    """The writes of one run, inside the store's transaction (see Store.batch)."""

    def __init__(self, store: Store):
        self.store = store
        self.db = store.db
        self.run_id = (store.latest_run() or 0) + 1
        self.started_at = _now()
        self.written = 0
        self.changes = IncidentChanges()
        self.notes: dict[str, Any] = {}  # recorded with the run
        self.db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS batch_articles (article_id TEXT PRIMARY KEY)"
        )
        self.db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS batch_incidents (incident_id TEXT PRIMARY KEY)"
        )
        # What a streamed batch remembers on disk rather than in memory: the ids it read
        # (batch_input), the contents it read or replaced (batch_content), and the articles
        # whose reports are merged again (to_place).
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS batch_input (article_id TEXT PRIMARY KEY)")
        self.db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS batch_content (content_hash TEXT PRIMARY KEY)"
        )
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS to_place (article_id TEXT PRIMARY KEY)")
        self._clear_temp()

    def _clear_temp(self) -> None:
        for table in (
            "batch_articles",
            "batch_incidents",
            "batch_input",
            "batch_content",
            "to_place",
        ):
            self.db.execute(f"DELETE FROM temp.{table}")

    @property
    def changed(self) -> bool:
        return bool(self.written or self.changes)

    def plan(self, articles: Sequence[Article], config_hash: str) -> Plan:
        """Sort the batch into new, to-process-again and skipped; find stale stored articles."""
        plan = Plan()
        reasons: dict[str, int] = {}
        seen_content: set[str] = set()
        for article in articles:
            kind, reason, digest, _, article = self._classify(article, config_hash, seen_content)
            if kind == "skip":
                plan.skipped += 1
                continue
            if kind == "again":
                reasons[reason] = reasons.get(reason, 0) + 1
                plan.again.append(article)
            elif kind == "duplicate":
                plan.skipped += 1
                plan.duplicates += 1
            else:
                plan.new.append(article)
            seen_content.add(digest)
        in_batch = {a.article_id for a in articles}
        stale = self.db.execute(
            "SELECT article_id FROM articles WHERE config_hash != ? ORDER BY article_id",
            (config_hash,),
        )
        plan.stale_ids = [aid for (aid,) in stale if aid not in in_batch]
        if plan.stale_ids:
            reasons["settings changed"] = reasons.get("settings changed", 0) + len(plan.stale_ids)
        plan.reasons = dict(sorted(reasons.items()))
        return plan

    def _classify(
        self, article: Article, config_hash: str, seen: _ContentSet
    ) -> tuple[str, str, str, str | None, Article]:
        """(kind, reason, content hash, stored content hash, article) of one batch article.

        kind: "new", "again" (stored; settings changed, said by reason), "skip" (stored as it
        is) or "duplicate" (another article has the same content: in ``seen``, the contents
        the batch has read so far, or in the store). The article is the one given, or, when
        its id is stored for other content, a copy under a namespaced id (_namespaced).
        """
        digest = content_hash(article)
        row = self._stored(article.article_id)
        if row is not None and row[0] != digest:
            # Ids are the user's: a later batch reusing one for other content must not
            # replace the stored article. The newcomer is kept under a namespaced id.
            article = _namespaced(article, digest)
            row = self._stored(article.article_id)
        if row is not None:
            if row[1] != config_hash:
                return "again", "settings changed", digest, row[0], article
            return "skip", "", digest, row[0], article
        if (
            digest in seen
            or self.db.execute(
                "SELECT 1 FROM articles WHERE content_hash = ?", (digest,)
            ).fetchone()
        ):
            return "duplicate", "", digest, None, article
        return "new", "", digest, None, article

    def _stored(self, article_id: str) -> tuple[str, str] | None:
        """(content hash, config hash) of the stored article with this id, if any."""
        return self.db.execute(
            "SELECT content_hash, config_hash FROM articles WHERE article_id = ?", (article_id,)
        ).fetchone()

    def is_stored(self, article_id: str) -> bool:
        return self._stored(article_id) is not None

    def sort(self, articles: Iterable[Article], config_hash: str, tally: Tally) -> list[Article]:
        """Plan one chunk of a streamed batch: the articles to process, in input order.

        Chunk by chunk, this sorts the batch as plan() sorts it whole, whether or not the
        chunks before were stored yet: what plan() keeps in memory (the batch's ids and
        contents) is kept in temporary tables, and a stored content this batch replaces still
        counts as seen. Stale articles outside the batch come after (stale_chunks()).
        """
        seen = _BatchContent(self.db)
        todo = []
        for given in articles:
            kind, reason, digest, stored, article = self._classify(given, config_hash, seen)
            if article is not given and kind == "new":
                tally.warn(
                    f"{given.origin or given.article_id}: id "
                    f"{printable(given.article_id, 60)!r} is stored for another article, "
                    f"which is kept; this one is stored as {printable(article.article_id, 80)!r}"
                )
            self.db.execute(
                "INSERT OR IGNORE INTO temp.batch_input VALUES (?)", (article.article_id,)
            )
            if kind == "skip":
                tally.skipped += 1
                continue
            if kind == "again":
                tally.again += 1
                tally.count(reason)
                todo.append(article)
                if stored != digest:
                    seen.add(stored)  # the store held it when the batch began
            elif kind == "duplicate":
                tally.skipped += 1
                tally.duplicates += 1
            else:
                tally.new += 1
                todo.append(article)
            seen.add(digest)
        return todo

    def stale_count(self, config_hash: str) -> int:
        """Stored articles outside this streamed batch processed under other settings."""
        return self.db.execute(
            "SELECT count(*) FROM articles WHERE config_hash != ? AND article_id NOT IN "
            "(SELECT article_id FROM temp.batch_input)",
            (config_hash,),
        ).fetchone()[0]

    def stale_chunks(self, config_hash: str, size: int) -> Iterator[list[Article]]:
        """The stale articles of stale_count(), ``size`` at a time, by id.

        Paged by id, so it is right whether or not the chunks already handed out are stored.
        """
        after = ""
        while True:
            rows = self.db.execute(
                "SELECT article_id, text, title, date, url, source, origin FROM articles "
                "WHERE config_hash != ? AND article_id > ? AND article_id NOT IN "
                "(SELECT article_id FROM temp.batch_input) ORDER BY article_id LIMIT ?",
                (config_hash, after, size),
            ).fetchall()
            if not rows:
                return
            after = rows[-1][0]
            yield [Article(*row) for row in rows]

    def articles(self, plan: Plan) -> Iterator[Article]:
        """The articles the plan processes: this batch's, then stale stored ones (read lazily)."""
        yield from plan.new
        yield from plan.again
        for article_id in plan.stale_ids:
            yield self.store.load_article(article_id)

    def put(self, doc: GeoparsedArticle, event: Event, config_hash: str) -> None:
        """Store one processed article: its text, event, mentions and places."""
        article = doc.article
        aid = article.article_id
        row = self.db.execute(
            "SELECT first_run FROM articles WHERE article_id = ?", (aid,)
        ).fetchone()
        first_run = row[0] if row else self.run_id
        self.db.execute(
            "INSERT OR REPLACE INTO articles (article_id, content_hash, config_hash, title, date, "
            "url, source, origin, text, first_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                aid,
                content_hash(article),
                config_hash,
                article.title,
                article.date,
                article.url,
                article.source,
                article.origin,
                article.text,
                first_run,
            ),
        )
        self.db.execute(
            "INSERT OR REPLACE INTO events VALUES (?, ?, ?)",
            (aid, event.category, _dump_event(event)),
        )
        self.db.execute("DELETE FROM mentions WHERE article_id = ?", (aid,))
        self.db.executemany(
            "INSERT OR REPLACE INTO mentions VALUES (?, ?, ?, ?, ?, ?)",
            [
                (aid, t.start, t.end, t.name, t.place.place_id if t.place else None, t.score)
                for t in doc.toponyms
            ],
        )
        places = {t.place.place_id: t.place for t in doc.toponyms if t.place is not None}
        places.update({loc.place.place_id: loc.place for loc in event.locations if loc.place})
        self.db.executemany(
            "INSERT OR REPLACE INTO places (place_id, data, country, kind, admin2) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (pid, _json(_dump_place(p)), p.country, p.feature_class, p.admin2)
                for pid, p in sorted(places.items())
            ],
        )
        self.db.execute("INSERT OR IGNORE INTO temp.batch_articles VALUES (?)", (aid,))
        self.written += 1

    # -- incidents --

    def update_incidents(self, config: IncidentsConfig, toll_policy: str) -> IncidentChanges:
        """Merge this batch's reports into the stored incidents and recompute what they touch.

        When the merge settings changed since the last run, every stored report is merged
        again from scratch, in the order the store first saw them.
        """
        merge_key = _json({"incidents": asdict(config), "toll_policy": toll_policy})
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (_MERGE_KEY,)).fetchone()
        if row is None or row[0] != merge_key:
            before = self._unmerge_all()
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (_MERGE_KEY, merge_key))
        else:
            before = self._unmerge_batch()
        reused = {iid: kept for iid, kept in before.items() if not self._exists(iid)}
        self._place(self._reports(), config, before, reused)
        self.changes = self._recompute(before, reused, toll_policy)
        return self.changes

    def _exists(self, incident_id: str) -> bool:
        return (
            self.db.execute(
                "SELECT 1 FROM incidents WHERE incident_id = ?", (incident_id,)
            ).fetchone()
            is not None
        )

    def _kept(self, where: str = "", args: tuple[Any, ...] = ()) -> dict[str, _Kept]:
        rows = self.db.execute(
            f"SELECT incident_id, data, seq, created_run, changed_run FROM incidents {where}", args
        )
        return {
            iid: _Kept(data, seq, created, changed) for iid, data, seq, created, changed in rows
        }

    def _unmerge_all(self) -> dict[str, _Kept]:
        """Dissolve every incident; every stored report is placed again (temp.to_place)."""
        before = self._kept()
        self.db.execute("DELETE FROM incident_reports")
        self.db.execute("DELETE FROM incidents")
        self.db.execute("INSERT OR IGNORE INTO temp.to_place SELECT article_id FROM events")
        return before

    def _unmerge_batch(self) -> dict[str, _Kept]:
        """Take this batch's articles out of their incidents; they go to temp.to_place.

        An incident whose founding report is taken out is dissolved and its other reports
        merged again: its place and date came from that report. One left with no report goes.
        """
        before = self._kept(
            "WHERE incident_id IN (SELECT incident_id FROM incident_reports WHERE article_id IN "
            "(SELECT article_id FROM temp.batch_articles))"
        )
        self.db.execute(
            "DELETE FROM incident_reports WHERE article_id IN "
            "(SELECT article_id FROM temp.batch_articles)"
        )
        self.db.execute(
            "INSERT OR IGNORE INTO temp.to_place SELECT article_id FROM temp.batch_articles"
        )
        for incident_id in sorted(before):
            anchor_id = self.db.execute(
                "SELECT anchor_article_id FROM incidents WHERE incident_id = ?", (incident_id,)
            ).fetchone()[0]
            members = [
                aid
                for (aid,) in self.db.execute(
                    "SELECT article_id FROM incident_reports WHERE incident_id = ?", (incident_id,)
                )
            ]
            founder_gone = self.db.execute(
                "SELECT 1 FROM temp.batch_articles WHERE article_id = ?", (anchor_id,)
            ).fetchone()
            if founder_gone or not members:
                self.db.execute(
                    "DELETE FROM incident_reports WHERE incident_id = ?", (incident_id,)
                )
                self.db.execute("DELETE FROM incidents WHERE incident_id = ?", (incident_id,))
                self.db.executemany(
                    "INSERT OR IGNORE INTO temp.to_place VALUES (?)", [(m,) for m in members]
                )
            else:
                self.db.execute(
                    "INSERT OR IGNORE INTO temp.batch_incidents VALUES (?)", (incident_id,)
                )
        return before

    def _reports(self) -> Iterator[Report]:
        """The mergeable reports of temp.to_place, in the order the store first saw them.

        SQLite sorts the ids (as _in_order sorts reports: UTF-8 byte order is code point
        order) and the reports are read one at a time, so a million of them are never all
        in memory.
        """
        order = self.db.execute(
            "SELECT t.article_id FROM temp.to_place t JOIN articles a "
            f"ON a.article_id = t.article_id ORDER BY a.first_run, coalesce(a.date, '{UNDATED}'), "
            "a.article_id"
        )
        for (aid,) in order:
            row = self.db.execute(
                "SELECT e.data, a.title, a.date, a.url, a.source, a.first_run FROM events e "
                "JOIN articles a ON a.article_id = e.article_id WHERE e.article_id = ?",
                (aid,),
            ).fetchone()
            if row is None:
                continue
            report = _report(aid, *row)
            if report is not None:
                yield report

    def _place(
        self,
        reports: Iterable[Report],
        config: IncidentsConfig,
        before: dict[str, _Kept],
        reused: dict[str, _Kept],
    ) -> None:
        """Greedy merge: each report joins the oldest matching incident or founds one.

        ``before`` gains the prior state of each stored incident a report joins.
        """
        founded: set[str] = set()
        parsed: dict[str, Place | None] = {}
        next_seq = self.db.execute("SELECT coalesce(max(seq), 0) + 1 FROM incidents").fetchone()[0]
        next_seq = max([next_seq, *(k.seq + 1 for k in reused.values())])
        for report in reports:
            # Dated reports meet incidents of nearby dates, or undated ones of their own batch;
            # an undated report meets any incident of its own batch (the batch's date stands in).
            window = date_window(report, config)
            if window is None:
                dates, date_args = "a.first_run = ?", (report.batch,)
            else:
                # The window read off the (category, date) index, as two ranges of it: as
                # one OR with the anchor article's run, SQLite scanned the whole category.
                dates = (
                    "i.rowid IN (SELECT rowid FROM incidents WHERE category = ? AND date "
                    "BETWEEN ? AND ? UNION ALL SELECT rowid FROM incidents WHERE category = ? "
                    "AND date IS NULL) AND (i.date IS NOT NULL OR a.first_run = ?)"
                )
                category = report.event.category
                date_args = (category, *window, category, report.batch)
            near, near_args = _candidates(
                report.place, config.merge_distance_km * widest_reach(report)
            )
            rows = self.db.execute(
                "SELECT i.incident_id, i.category, i.date, i.place_id, i.lat, i.lon, "
                "i.extent_km, p.data, a.first_run, json_extract(e.data, '$.facts.magnitude') "
                "FROM incidents i LEFT JOIN places p ON p.place_id = i.place_id "
                "LEFT JOIN articles a ON a.article_id = i.anchor_article_id "
                "LEFT JOIN events e ON e.article_id = i.anchor_article_id "
                f"WHERE i.category = ? AND {dates} AND {near} ORDER BY i.seq",
                (report.event.category, *date_args, *near_args),
            )
            anchor = match(report, (_anchor(*row, parsed) for row in rows), config)
            joined = anchor.incident_id if anchor is not None else None
            if joined is not None and joined not in founded and joined not in before:
                before.update(self._kept("WHERE incident_id = ?", (joined,)))
            if anchor is None:
                anchor = anchor_for(report, taken=self._exists)
                founded.add(anchor.incident_id)
                kept = reused.get(anchor.incident_id)
                # A dissolved incident founded again keeps its place in the merge order.
                seq = kept.seq if kept is not None else next_seq
                next_seq += kept is None
                place = anchor.place
                self.db.execute(
                    "INSERT INTO incidents (incident_id, seq, category, date, place_id, lat, lon, "
                    "extent_km, anchor_article_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        anchor.incident_id,
                        seq,
                        anchor.category,
                        anchor.event_date,
                        place.place_id,
                        place.lat,
                        place.lon,
                        place.extent_km,
                        report.article.article_id,
                    ),
                )
            self.db.execute(
                "INSERT INTO incident_reports VALUES (?, ?)",
                (report.article.article_id, anchor.incident_id),
            )
            self.db.execute(
                "INSERT OR IGNORE INTO temp.batch_incidents VALUES (?)", (anchor.incident_id,)
            )

    def _members(self) -> Iterator[tuple[str, list[Report]]]:
        """Each touched incident with its reports, the founding report first."""
        rows = self.db.execute(
            "SELECT i.incident_id, i.anchor_article_id, r.article_id, e.data, a.title, a.date, "
            "a.url, a.source, a.first_run FROM temp.batch_incidents t "
            "JOIN incidents i ON i.incident_id = t.incident_id "
            "JOIN incident_reports r ON r.incident_id = i.incident_id "
            "JOIN events e ON e.article_id = r.article_id "
            "JOIN articles a ON a.article_id = r.article_id ORDER BY i.incident_id"
        )
        current: str | None = None
        founder: Report | None = None
        others: list[Report] = []
        for incident_id, anchor_id, aid, *rest in rows:
            if incident_id != current:
                if current is not None and founder is not None:
                    yield current, [founder, *_in_order(others)]
                current, founder, others = incident_id, None, []
            report = _report(aid, *rest)
            if report is None:
                continue
            if aid == anchor_id:
                founder = report
            else:
                others.append(report)
        if current is not None and founder is not None:
            yield current, [founder, *_in_order(others)]

    def _recompute(
        self, before: dict[str, _Kept], reused: dict[str, _Kept], toll_policy: str
    ) -> IncidentChanges:
        changes = IncidentChanges()
        for incident_id, reports in self._members():
            incident = incident_from_reports(incident_id, reports, toll_policy)
            data = _dump_incident(incident)
            old = before.get(incident_id)
            kept = reused.get(incident_id) or old
            created_run = kept.created_run if kept else self.run_id
            changed_run = kept.changed_run if kept else self.run_id
            if old is None or old.data is None:
                changes.created.append(incident_id)
                changed_run = self.run_id
            elif old.data != data:
                changes.updated[incident_id] = incident_changes(
                    _load_incident(old.data, False), incident
                )
                changed_run = self.run_id
            self.db.execute(
                "UPDATE incidents SET data = ?, latest_date = ?, created_run = ?, changed_run = ? "
                "WHERE incident_id = ?",
                (
                    data,
                    _latest(incident.date, incident.last_seen),
                    created_run,
                    changed_run,
                    incident_id,
                ),
            )
        changes.removed = sorted(iid for iid in before if not self._exists(iid))
        changes.created.sort()
        changes.updated = dict(sorted(changes.updated.items()))
        return changes

    def note(self, **values: Any) -> None:
        """Facts about the run to keep with it in the runs table."""
        self.notes.update(values)

    def finish(self) -> None:
        """Record the run if it changed anything; called just before the commit."""
        if self.changed:
            summary = {
                "articles_written": self.written,
                "incidents_created": len(self.changes.created),
                "incidents_updated": len(self.changes.updated),
                "incidents_removed": len(self.changes.removed),
                **self.notes,
            }
            self.db.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?)",
                (self.run_id, self.started_at, _now(), _json(summary)),
            )
        self._clear_temp()


class _ContentSet(Protocol):
    def __contains__(self, digest: object) -> bool: ...


class _BatchContent:
    """The contents a streamed batch has read (or replaced), as a set kept in temp tables."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __contains__(self, digest: object) -> bool:
        return (
            self.db.execute(
                "SELECT 1 FROM temp.batch_content WHERE content_hash = ?", (digest,)
            ).fetchone()
            is not None
        )

    def add(self, digest: str | None) -> None:
        self.db.execute("INSERT OR IGNORE INTO temp.batch_content VALUES (?)", (digest,))


def _candidates(place: Place, reach_km: float) -> tuple[str, tuple[Any, ...]]:
    """The SQL test (and its arguments) that keeps the incidents a report at ``place`` may
    match across ``reach_km`` (widest_reach times the merge distance).

    Its first two lines are the test earlier versions made, kept so that exactly the same
    rows can match: the same place; a latitude near enough (a degree of latitude is at least
    111 km of great circle: a necessary condition of places_match's distance); or the same
    country. The country line used to let through every incident of the country in the date
    window; now it is narrowed to the rows hierarchy.place_contains can accept:

    - a country, or a first-level division by its ISO code, contains anything of its country
      (an incident at one, and any incident when the report is at one);
    - a second-level unit contains what names it as its admin2 (either way round);
    - any other containment lies within the outer place's extent, or 5 km for a smaller one:
      the latitude test, with that floor, stands for them. (A division without an ISO code
      reaches 1.5 times its extent, but every division is let through by its kind.)
    """
    kind = place.feature_class
    wide = "abs(i.lat - ?) * 111.0 <= ? + max(i.extent_km, ?, 5.0)"
    inside = [wide, "p.kind IN ('country', 'admin1')"]
    args: list[Any] = [place.lat, reach_km, place.extent_km]
    if place.admin2 is not None:
        inside.append("i.place_id = ?")
        args.append(place.admin2)
    if kind in ("country", "admin1"):
        inside.append("1")
    elif kind == "admin2":
        inside.append("p.admin2 = ?")
        args.append(place.place_id)
    sql = (
        "(i.place_id = ? OR abs(i.lat - ?) * 111.0 <= ? + max(i.extent_km, ?) "
        f"OR (p.country = ? AND ({' OR '.join(inside)})))"
    )
    head = (place.place_id, place.lat, reach_km, place.extent_km, place.country or "")
    return sql, (*head, *args)


def _anchor(
    incident_id: str,
    category: str,
    day: str | None,
    place_id: str,
    lat: float,
    lon: float,
    extent: float,
    place_data: str | None,
    batch: int | None,
    magnitude: float | None,
    parsed: dict[str, Place | None],
) -> Anchor:
    # The anchor's own columns hold its point; the stored place adds the codes that tell
    # containment (country, first-level division, kind). ``parsed`` keeps each place read
    # (places are not written while a batch merges): a busy place is met by many reports.
    if place_id in parsed:
        stored = parsed[place_id]
    else:
        stored = parsed[place_id] = _load_place(json.loads(place_data)) if place_data else None
    if stored is not None:
        place = replace(stored, lat=lat, lon=lon, extent_km=extent)
    else:
        place = Place(place_id, "", lat, lon, "", "point", extent_km=extent)
    return Anchor(incident_id, category, day, place, batch or 0, magnitude)


def _report(
    article_id: str,
    event_data: str,
    title: str,
    day: str | None,
    url: str | None,
    source: str | None,
    first_run: int,
) -> Report | None:
    day = clean_date(day, f"article {article_id!r}")
    article = Article(article_id, "", title=title, date=day, url=url, source=source)
    return report_for(_load_event(event_data, _MERGED_ROLES), article, first_run)


def _namespaced(article: Article, digest: str) -> Article:
    """The article under its id qualified by its content: the same content, the same id."""
    return replace(article, article_id=f"{article.article_id}@{digest[:12]}")


def _in_order(reports: list[Report]) -> list[Report]:
    return sorted(reports, key=lambda r: (r.batch, r.article.date or UNDATED, r.article.article_id))
