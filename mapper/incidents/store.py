"""The store: what every run has read and concluded, kept in one SQLite file across runs.

Tables: ``articles`` (text, metadata, content hash, and the hash of the settings that
processed them), ``events`` (one per article), ``mentions`` and ``places`` (each place name and
what it resolved to), ``incidents`` and ``incident_reports`` (which article reports which
incident), ``runs`` (the runs that changed something), ``meta``, ``geocode`` (laid out like the
remote geocoder's cache) and ``migrations`` (the numbered schema migrations applied).

Takes a path; gives ``Store`` (open/close, the reads, ``incident_view``) and, through
``Store.batch()``, a ``Batch`` (mapper.incidents.batch). A batch is one transaction: however it
ends, a crash or SIGKILL included, the store holds either the whole batch or none of it.
Merging across batches (mapper.incidents.store_merge) follows the rules of
mapper.incidents.merge: a report joins the oldest stored incident whose anchor it matches, and
an incident keeps its id however many reports join it later. The schema and its migrations are
in mapper.incidents.schema, the JSON of the rows in mapper.incidents.codec.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, overload

from mapper.errors import StoreError
from mapper.incidents.batch import Batch, Tally
from mapper.incidents.codec import content_hash, load_incident
from mapper.incidents.schema import (
    BUSY_TIMEOUT,
    MEMORY,
    SCHEMA_VERSION,
    migrate,
    pending,
    refuse_foreign,
    schema_version,
    store_error,
    write_transaction,
)
from mapper.models import Article, Incident

# Importable from here as before the store was split (pipeline, api, cli and the docs use them).
__all__ = [
    "MEMORY",
    "SCHEMA_VERSION",
    "Batch",
    "Store",
    "StoredIncidents",
    "Tally",
    "content_hash",
    "pending",
]

log = logging.getLogger(__name__)


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
            yield load_incident(data, latest is not None and run == latest)

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
            refuse_foreign(db, name)
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
        with write_transaction(self.db, self.path):
            batch = Batch(self)
            yield batch
            batch.finish()
