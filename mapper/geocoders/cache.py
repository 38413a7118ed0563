"""The persistent cache of a remote geocoder's answers: SQLite, keyed by (provider, query).

An answer is stored as a record (address, lat, lon and the provider's raw JSON); a query the
provider found nothing for is stored as null, so it is not asked again either.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from geopy.location import Location
from geopy.point import Point

from mapper.errors import GeocodingError


class GeocodeCache:
    """SQLite cache of answers keyed by (provider, query); a miss is cached as null too."""

    def __init__(self, path: Path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.connection = sqlite3.connect(path)
            self.connection.execute(
                "CREATE TABLE IF NOT EXISTS geocode (provider TEXT, query TEXT, answer TEXT, "
                "PRIMARY KEY (provider, query))"
            )
        except (OSError, sqlite3.Error) as exc:
            raise GeocodingError(
                f"geocoder.cache_path: cannot use {path} as the geocode cache ({exc}); "
                "delete it or point geocoder.cache_path elsewhere"
            ) from exc

    def get(self, provider: str, query: str) -> tuple[bool, dict[str, Any] | None]:
        """(hit, answer): a damaged row counts as a miss, so it is asked again.

        Raises sqlite3.Error when the cache cannot be read at all.
        """
        row = self.connection.execute(
            "SELECT answer FROM geocode WHERE provider = ? AND query = ?", (provider, query)
        ).fetchone()
        if row is None:
            return False, None
        try:
            answer = json.loads(row[0])
        except (TypeError, ValueError):
            return False, None
        if answer is not None and not valid_record(answer):
            return False, None
        return True, answer

    def put(self, provider: str, query: str, answer: dict[str, Any] | None) -> None:
        with self.connection:
            self.connection.execute(
                "INSERT OR REPLACE INTO geocode VALUES (?, ?, ?)",
                (provider, query, json.dumps(answer, sort_keys=True)),
            )

    def close(self) -> None:
        self.connection.close()


def valid_record(record: Any) -> bool:
    return (
        isinstance(record, dict)
        and isinstance(record.get("address"), str)
        and all(isinstance(record.get(k), int | float) for k in ("lat", "lon"))
    )


def to_record(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    record = {"address": location.address, "lat": location.latitude, "lon": location.longitude}
    try:
        json.dumps(location.raw)
    except (TypeError, ValueError):
        return record
    return {**record, "raw": location.raw}


def from_record(record: dict[str, Any] | None) -> Location | None:
    if record is None:
        return None
    raw = record.get("raw")
    raw = raw if isinstance(raw, dict) else record
    return Location(record["address"], Point(record["lat"], record["lon"]), raw)


def query_key(query: Any, kwargs: dict[str, Any]) -> str:
    """The cache key of a geocode query: the text (a dict as JSON) and any options."""
    key = query if isinstance(query, str) else json.dumps(query, sort_keys=True, default=str)
    if kwargs:
        key += " " + json.dumps(kwargs, sort_keys=True, default=str)
    return key


def reverse_key(point: Point, kwargs: dict[str, Any]) -> str:
    """The cache key of a reverse query: the point (6 decimals) and any provider options."""
    return query_key(f"reverse:{point.latitude:.6f},{point.longitude:.6f}", kwargs)
