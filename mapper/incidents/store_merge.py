"""The merge across batches: a batch's reports joined to the incidents already stored.

Takes the store's connection inside a batch's transaction (its articles listed in
temp.batch_articles) and the merge settings; gives the ``IncidentChanges`` of the batch, having
taken its reports out of their incidents, placed them (and any a dissolved incident let go) by
the rules of mapper.incidents.merge, and recomputed every incident they touch. When the merge
settings changed since the last run, every stored report is merged again from scratch.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from mapper.bounds import clean_date
from mapper.config import IncidentsConfig
from mapper.incidents.candidates import candidates_sql, stored_anchor
from mapper.incidents.codec import (
    MERGED_ROLES,
    dump_incident,
    load_event,
    load_incident,
    to_json,
)
from mapper.incidents.merge import (
    UNDATED,
    Report,
    anchor_for,
    date_window,
    incident_changes,
    incident_from_reports,
    match,
    report_for,
    widest_reach,
)
from mapper.incidents.schema import latest_date
from mapper.models import Article, Place

_MERGE_KEY = "merge_settings"


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


class StoreMerge:
    """One batch's merge into the stored incidents, inside the batch's transaction."""

    def __init__(self, db: sqlite3.Connection, run_id: int):
        self.db = db
        self.run_id = run_id

    def update_incidents(self, config: IncidentsConfig, toll_policy: str) -> IncidentChanges:
        """Merge this batch's reports into the stored incidents and recompute what they touch.

        When the merge settings changed since the last run, every stored report is merged
        again from scratch, in the order the store first saw them.
        """
        merge_key = to_json({"incidents": asdict(config), "toll_policy": toll_policy})
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (_MERGE_KEY,)).fetchone()
        if row is None or row[0] != merge_key:
            before = self._unmerge_all()
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (_MERGE_KEY, merge_key))
        else:
            before = self._unmerge_batch()
        reused = {iid: kept for iid, kept in before.items() if not self._exists(iid)}
        self._place(self._reports(), config, before, reused)
        return self._recompute(before, reused, toll_policy)

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
            near, near_args = candidates_sql(
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
            anchor = match(report, (stored_anchor(*row, parsed) for row in rows), config)
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
            data = dump_incident(incident)
            old = before.get(incident_id)
            kept = reused.get(incident_id) or old
            created_run = kept.created_run if kept else self.run_id
            changed_run = kept.changed_run if kept else self.run_id
            if old is None or old.data is None:
                changes.created.append(incident_id)
                changed_run = self.run_id
            elif old.data != data:
                changes.updated[incident_id] = incident_changes(
                    load_incident(old.data, False), incident
                )
                changed_run = self.run_id
            self.db.execute(
                "UPDATE incidents SET data = ?, latest_date = ?, created_run = ?, changed_run = ? "
                "WHERE incident_id = ?",
                (
                    data,
                    latest_date(incident.date, incident.last_seen),
                    created_run,
                    changed_run,
                    incident_id,
                ),
            )
        changes.removed = sorted(iid for iid in before if not self._exists(iid))
        changes.created.sort()
        changes.updated = dict(sorted(changes.updated.items()))
        return changes


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
    return report_for(load_event(event_data, MERGED_ROLES), article, first_run)


def _in_order(reports: list[Report]) -> list[Report]:
    return sorted(reports, key=lambda r: (r.batch, r.article.date or UNDATED, r.article.article_id))
