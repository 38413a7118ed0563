"""Any geopy provider, wrapped in a persistent cache, a rate limiter and retries.

Remote geocoding is opt-in (geocoder.provider in config) and needs a user agent. When the
service fails after its retries, the offline gazetteer answers instead; every outcome is counted.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections import Counter
from pathlib import Path

from geopy.exc import GeocoderRateLimited, GeocoderServiceError, GeopyError
from geopy.geocoders import get_geocoder_for_service
from geopy.location import Location
from geopy.point import Point

from mapper.config import GeocoderConfig
from mapper.errors import GeocodingError

log = logging.getLogger(__name__)


class GeocodeCache:
    """SQLite cache of answers keyed by (provider, query); a miss is cached as null too."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(path)
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS geocode (provider TEXT, query TEXT, answer TEXT, "
            "PRIMARY KEY (provider, query))"
        )

    def get(self, provider: str, query: str) -> tuple[bool, dict | None]:
        row = self.connection.execute(
            "SELECT answer FROM geocode WHERE provider = ? AND query = ?", (provider, query)
        ).fetchone()
        return (False, None) if row is None else (True, json.loads(row[0]))

    def put(self, provider: str, query: str, answer: dict | None) -> None:
        with self.connection:
            self.connection.execute(
                "INSERT OR REPLACE INTO geocode VALUES (?, ?, ?)",
                (provider, query, json.dumps(answer, sort_keys=True)),
            )

    def close(self) -> None:
        self.connection.close()


def _to_record(location: Location | None) -> dict | None:
    if location is None:
        return None
    return {"address": location.address, "lat": location.latitude, "lon": location.longitude}


def _from_record(record: dict | None) -> Location | None:
    if record is None:
        return None
    return Location(record["address"], Point(record["lat"], record["lon"]), record)


class RemoteGeocoder:
    """A geopy provider behind cache -> rate limit -> retries -> offline fallback."""

    def __init__(self, config: GeocoderConfig, *, fallback, cache_dir: Path | None = None):
        if not config.user_agent or config.user_agent.strip().lower() in {"geopy", "mapper"}:
            raise GeocodingError(
                f"geocoder.provider {config.provider!r} needs geocoder.user_agent: "
                "a name that identifies your application to the service, e.g. 'acme-newsroom-map'"
            )
        try:
            provider_class = get_geocoder_for_service(config.provider)
        except GeopyError as exc:
            raise GeocodingError(f"geocoder.provider: {exc}") from exc
        self.provider = config.provider
        self.config = config
        self.fallback = fallback
        self.service = provider_class(
            user_agent=config.user_agent, timeout=config.timeout, **config.options
        )
        cache_path = Path(config.cache_path) if config.cache_path else (cache_dir or Path("output")) / "geocode_cache.sqlite"
        self.cache = GeocodeCache(cache_path)
        self.counts: Counter[str] = Counter()
        self._last_request = 0.0

    def _wait_turn(self, extra: float = 0.0) -> None:
        # One request per min_delay_seconds: the slot is measured from the previous request.
        wait = self._last_request + self.config.min_delay_seconds + extra - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last_request = time.monotonic()

    def _ask(self, query: str) -> Location | None:
        delay = 0.0
        for attempt in range(self.config.max_retries + 1):
            self._wait_turn(delay)
            try:
                self.counts["requests"] += 1
                return self.service.geocode(query, exactly_one=True)
            except GeocoderRateLimited as exc:
                self.counts["rate_limited"] += 1
                delay = float(exc.retry_after or 2**attempt)
            except (GeocoderServiceError, GeopyError, ValueError) as exc:
                self.counts["errors"] += 1
                log.warning("%s: %s (attempt %d)", self.provider, exc, attempt + 1)
                delay = 2**attempt * 0.5
        raise GeocodingError(f"{self.provider}: no answer for {query!r} after retries")

    def geocode(self, query: str, *, exactly_one: bool = True, **kwargs):
        hit, record = self.cache.get(self.provider, query)
        if hit:
            self.counts["cache_hits"] += 1
            location = _from_record(record)
        else:
            try:
                location = self._ask(query)
            except GeocodingError:
                self.counts["fallbacks"] += 1
                return self.fallback.geocode(query, exactly_one=exactly_one, **kwargs)
            self.cache.put(self.provider, query, _to_record(location))
        if location is None:
            return None
        return location if exactly_one else [location]

    def reverse(self, query, *, exactly_one: bool = True, **kwargs):
        return self.fallback.reverse(query, exactly_one=exactly_one, **kwargs)

    def close(self) -> None:
        self.cache.close()
