"""The writer of one run: which articles a batch processes, and storing what they gave.

Takes an open store (``Store.batch()`` makes the ``Batch``) and the batch's articles; gives the
``Plan`` of a whole batch or the ``Tally`` of a streamed one (new, again, skipped, stale),
stores each processed article (``put``), merges the batch into the stored incidents
(``update_incidents``, mapper.incidents.store_merge) and records the run (``finish``).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from mapper.config import IncidentsConfig
from mapper.errors import printable
from mapper.incidents.codec import content_hash, dump_event, dump_place, to_json
from mapper.incidents.schema import now_utc
from mapper.incidents.store_merge import IncidentChanges, StoreMerge
from mapper.models import Article, Event, GeoparsedArticle

# The store's logger name, as before the store was split: log lines name mapper.incidents.store.
log = logging.getLogger("mapper.incidents.store")


class _Store(Protocol):
    """What a batch uses of its Store (mapper.incidents.store imports this module, so the
    type is named by what it does rather than imported)."""

    db: sqlite3.Connection

    def latest_run(self) -> int | None: ...

    def load_article(self, article_id: str) -> Article: ...


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


class Batch:
    """The writes of one run, inside the store's transaction (see Store.batch)."""

    def __init__(self, store: _Store):
        self.store = store
        self.db = store.db
        self.run_id = (store.latest_run() or 0) + 1
        self.started_at = now_utc()
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
            (aid, event.category, dump_event(event)),
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
                (pid, to_json(dump_place(p)), p.country, p.feature_class, p.admin2)
                for pid, p in sorted(places.items())
            ],
        )
        self.db.execute("INSERT OR IGNORE INTO temp.batch_articles VALUES (?)", (aid,))
        self.written += 1

    # -- incidents --

    def update_incidents(self, config: IncidentsConfig, toll_policy: str) -> IncidentChanges:
        """Merge this batch's reports into the stored incidents and recompute what they touch.

        When the merge settings changed since the last run, every stored report is merged
        again from scratch, in the order the store first saw them (StoreMerge).
        """
        self.changes = StoreMerge(self.db, self.run_id).update_incidents(config, toll_policy)
        return self.changes

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
                (self.run_id, self.started_at, now_utc(), to_json(summary)),
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


def _namespaced(article: Article, digest: str) -> Article:
    """The article under its id qualified by its content: the same content, the same id."""
    return replace(article, article_id=f"{article.article_id}@{digest[:12]}")
