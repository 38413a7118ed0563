"""The store's SQLite schema: its numbered migrations, and opening a file as a store safely.

Takes an ``sqlite3.Connection``; gives ``MIGRATIONS`` (version N is ``MIGRATIONS[N - 1]``),
``SCHEMA_VERSION``, ``schema_version``/``pending``/``migrate``, ``refuse_foreign`` (an SQLite
file mapper did not make is left alone), ``write_transaction`` (one locked write) and
``store_error`` (the one-line error for an SQLite failure).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from mapper.errors import StoreBusyError, StoreError, StoreUnusableError, WriteError

# The store's logger name, as before the store was split: log lines name mapper.incidents.store.
log = logging.getLogger("mapper.incidents.store")

MEMORY = ":memory:"
# Seconds a run waits for another run that is writing the same store before giving up.
BUSY_TIMEOUT = 30.0

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
            (latest_date(day, last_seen), incident_id),
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


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def latest_date(*dates: str | None) -> str | None:
    present = [d for d in dates if d]
    return max(present) if present else None


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
def write_transaction(db: sqlite3.Connection, path: str) -> Iterator[None]:
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


def refuse_foreign(db: sqlite3.Connection, path: str) -> None:
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
        with write_transaction(db, path):
            if version <= schema_version(db):  # another process got there first
                continue
            db.execute(
                "CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, "
                "name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            func(db)
            db.execute("INSERT INTO migrations VALUES (?, ?, ?)", (version, name, now_utc()))
        log.info("%s: applied store migration %d (%s)", path, version, name)
        applied.append(version)
    return applied
