"""Events the store holds but no incident does: their place could not be resolved.

They cannot be drawn, so the map leaves them out; the exports keep them (null geometry in
GeoJSON, empty lat/lon in CSV and Parquet) and run.json counts them. One unplaced event per
article: without a place there is nothing to merge on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

from mapper.bounds import clean_date
from mapper.incidents.codec import load_event
from mapper.incidents.store import Store
from mapper.models import Event, Source, UnplacedEvent

_QUERY = (
    "SELECT e.article_id, e.data, a.title, a.date, a.url, a.source, a.first_run FROM events e "
    "JOIN articles a ON a.article_id = e.article_id WHERE NOT EXISTS "
    "(SELECT 1 FROM incident_reports r WHERE r.article_id = e.article_id) ORDER BY e.article_id"
)


def unplaced_id(article_id: str) -> str:
    """The id of an article's unplaced event: ``u`` and a hash, never an incident's ``i``."""
    blob = json.dumps(["unplaced", article_id], separators=(",", ":"))
    return "u" + hashlib.sha256(blob.encode()).hexdigest()[:15]


def no_place_reason(event: Event) -> str:
    """Why the event has no place, in words for the export's ``place_reason``."""
    unresolved = sorted({loc.name for loc in event.locations if loc.place is None})
    placed = sorted({loc.name for loc in event.locations if loc.place is not None})
    if unresolved:
        return "no place resolved for: " + ", ".join(unresolved)
    if placed:
        return "no event place among the places named: " + ", ".join(placed)
    return "the article names no place"


def _iter_unplaced(store: Store, since: str | None) -> Iterator[UnplacedEvent]:
    latest = store.latest_run()
    for aid, data, title, day, url, source, first_run in store.db.execute(_QUERY):
        event = load_event(data)
        if event.location("event") is not None:
            continue  # a report waiting for its incident (not after a finished batch)
        day = clean_date(day, f"article {aid!r}")
        if since and max(d for d in (event.event_date, day, "") if d is not None) < since:
            continue
        yield UnplacedEvent(
            event_id=unplaced_id(aid),
            category=event.category,
            source=Source(aid, title or "", url, source, day),
            facts=event.facts,
            severity=event.severity,
            severity_reason=event.severity_reason,
            date=event.event_date,
            evidence=event.evidence,
            reason=no_place_reason(event),
            new=latest is not None and first_run == latest,
        )


def unplaced_events(store: Store, since: str | None = None) -> list[UnplacedEvent]:
    """The stored events without a place, by article id; ``since`` as Store.incidents has it."""
    return list(_iter_unplaced(store, since))


def count_unplaced(store: Store) -> int:
    """How many stored events have no place, over the whole store."""
    return sum(1 for _ in _iter_unplaced(store, None))
