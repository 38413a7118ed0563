"""Any geopy provider, wrapped in a persistent cache, a rate limiter and retries.

Remote geocoding is opt-in (geocoder.provider in config) and needs a user agent. When the
service fails after its retries, the offline gazetteer answers instead; every outcome is counted
in ``RemoteGeocoder.counts`` (see COUNTERS) for the run summary.

Retries are mapper's alone: geopy's default HTTP adapter (requests + urllib3) would otherwise
retry timeouts and 429/503 answers on its own, unseen and uncounted, and multiply the wait.
"""

from __future__ import annotations

import inspect
import json
import logging
import sqlite3
import time
from collections import Counter
from pathlib import Path
from typing import Any

from geopy.adapters import AdapterHTTPError, BaseSyncAdapter, URLLibAdapter, get_retry_after
from geopy.exc import (
    GeocoderParseError,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
    GeopyError,
)
from geopy.geocoders import get_geocoder_for_service
from geopy.location import Location
from geopy.point import Point

from mapper.config import GeocoderConfig
from mapper.errors import GeocodingError

log = logging.getLogger(__name__)

# What the counters mean; all are present (zero or more) in stats().
COUNTERS = {
    "requests": "HTTP requests sent",
    "answered": "queries the service answered (a place or nothing found)",
    "cache_hits": "queries answered from the cache, without a request",
    "retries": "requests repeated after a failure",
    "timeouts": "requests that timed out",
    "unavailable": "requests that could not connect",
    "rate_limited": "429 answers",
    "server_errors": "5xx answers",
    "malformed": "answers that were not the provider's JSON",
    "rejected": "4xx answers other than 429 (bad query, key or permission), not retried",
    "fallbacks": "queries answered by the offline gazetteer instead",
    "skipped_remote": "fallbacks without a request: the service was down or asked us to wait",
    "cache_errors": "cache reads or writes that failed (the answer was still used)",
}


def _no_retry_adapter(*, proxies: Any, ssl_context: Any) -> BaseSyncAdapter:
    """geopy's HTTP adapter with its own retries turned off (requests when installed)."""
    try:
        from geopy.adapters import RequestsAdapter

        if RequestsAdapter.is_available:
            return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)
    except ImportError:  # pragma: no cover - geopy without the requests extra
        pass
    return URLLibAdapter(proxies=proxies, ssl_context=ssl_context)  # never retries


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
        if answer is not None and not _valid_record(answer):
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


def _valid_record(record: Any) -> bool:
    return (
        isinstance(record, dict)
        and isinstance(record.get("address"), str)
        and all(isinstance(record.get(k), int | float) for k in ("lat", "lon"))
    )


def _to_record(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {"address": location.address, "lat": location.latitude, "lon": location.longitude}


def _from_record(record: dict[str, Any] | None) -> Location | None:
    if record is None:
        return None
    return Location(record["address"], Point(record["lat"], record["lon"]), record)


def _status(exc: BaseException) -> int | None:
    """The HTTP status behind a geopy error, when it came from an answer."""
    cause = exc.__cause__
    return cause.status_code if isinstance(cause, AdapterHTTPError) else None


class _Failure(Exception):
    """One failed request: what to count, whether to retry, and how long to wait first."""

    def __init__(self, kind: str, reason: str, *, retry: bool = True, wait: float = 0.0):
        super().__init__(reason)
        self.kind = kind
        self.retry = retry
        self.wait = wait


class RemoteGeocoder:
    """A geopy provider behind cache -> rate limit -> retries -> offline fallback."""

    # Seconds before the first retry; doubled for each further one (overridable in tests).
    backoff_seconds = 0.5
    # Longest single wait: a Retry-After beyond it is honoured by not asking again until
    # then (the offline gazetteer answers meanwhile) rather than by stalling the run.
    max_wait_seconds = 60.0
    # After this many queries in a row fail every retry, the service is treated as down
    # for the rest of the run, so a dead server costs seconds, not hours.
    max_failed_queries = 3

    def __init__(self, config: GeocoderConfig, *, fallback: Any, cache_dir: Path | None = None):
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
        self.service = self._make_service(provider_class, config)
        cache_path = (
            Path(config.cache_path)
            if config.cache_path
            else (cache_dir or Path("output")) / "geocode_cache.sqlite"
        )
        self.cache = GeocodeCache(cache_path)
        self.counts: Counter[str] = Counter()
        self._last_answer: float | None = None  # when the previous request ended
        self._not_before = 0.0  # no request before this time (a long Retry-After)
        self._failed_in_a_row = 0

    def _make_service(self, provider_class: type, config: GeocoderConfig) -> Any:
        options: dict[str, Any] = {"adapter_factory": _no_retry_adapter, **config.options}
        try:
            return provider_class(user_agent=config.user_agent, timeout=config.timeout, **options)
        except TypeError as exc:
            params = inspect.signature(provider_class.__init__).parameters
            valid = sorted(p for p in params if p not in ("self", "user_agent", "timeout"))
            unknown = sorted(set(config.options) - set(params))
            if not unknown:  # a known option with a value the provider cannot use
                raise GeocodingError(f"geocoder.options: {' '.join(str(exc).split())}") from exc
            raise GeocodingError(
                f"geocoder.options: {config.provider} does not accept {unknown[0]!r}; "
                f"valid options: {', '.join(valid)}"
            ) from exc
        except GeopyError as exc:  # e.g. a missing api_key
            raise GeocodingError(f"geocoder.options: {' '.join(str(exc).split())}") from exc

    def stats(self) -> dict[str, int]:
        """Every counter of COUNTERS, zero when nothing happened, for the run summary."""
        return {name: self.counts[name] for name in COUNTERS}

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def _wait_turn(self, extra: float = 0.0) -> None:
        """Sleep until this request may go: min_delay_seconds after the previous one ended.

        Measured from the end, not the start: a slow previous answer followed by a fast one
        could otherwise reach the server closer together than the limit allows.
        """
        now = time.monotonic()
        ready = max(now + extra, self._not_before)
        if self._last_answer is not None:
            ready = max(ready, self._last_answer + self.config.min_delay_seconds)
        self._wait(ready - now)

    def _request(self, query: str) -> Location | None:
        """One request; any failure becomes a _Failure saying what happened."""
        self.counts["requests"] += 1
        try:
            return self._send(query)
        finally:
            self._last_answer = time.monotonic()

    def _send(self, query: str) -> Location | None:
        """The provider's answer; every way it can fail is raised as a _Failure."""
        try:
            return self.service.geocode(query, exactly_one=True)
        except GeocoderRateLimited as exc:
            raise _Failure("rate_limited", "HTTP 429", wait=exc.retry_after or 0.0) from exc
        except GeocoderServiceError as exc:
            raise self._classify(exc) from exc
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
            # The answer parsed as JSON but not as the provider's places.
            raise _Failure("malformed", f"unexpected answer ({type(exc).__name__})") from exc

    def _classify(self, exc: GeocoderServiceError) -> _Failure:
        status = _status(exc)
        reason = " ".join(str(exc).split())[:200]
        if isinstance(exc, GeocoderParseError):
            return _Failure("malformed", "answer is not JSON")
        if status is not None and status >= 500:
            cause = exc.__cause__
            headers = cause.headers if isinstance(cause, AdapterHTTPError) else {}
            wait = get_retry_after(headers) if status == 503 else None
            return _Failure("server_errors", f"HTTP {status}", wait=wait or 0.0)
        if status is not None and status != 408:
            return _Failure("rejected", f"HTTP {status}: {reason}", retry=False)
        if isinstance(exc, GeocoderTimedOut):
            return _Failure("timeouts", "timed out")
        if isinstance(exc, GeocoderUnavailable):
            return _Failure("unavailable", reason)
        return _Failure("server_errors", reason)

    def _ask(self, query: str) -> Location | None:
        """The service's answer, after up to max_retries retries with exponential backoff."""
        extra = 0.0
        for attempt in range(self.config.max_retries + 1):
            if attempt:
                self.counts["retries"] += 1
            self._wait_turn(extra)
            try:
                location = self._request(query)
            except _Failure as failure:
                self.counts[failure.kind] += 1
                log.info("%s: %s for %r (attempt %d)", self.provider, failure, query, attempt + 1)
                if not failure.retry:
                    break
                backoff = self.backoff_seconds * 2**attempt
                extra = max(backoff, failure.wait)
                if failure.wait > self.max_wait_seconds:
                    # Honour the server: ask nothing more until it said, answer offline.
                    self._not_before = time.monotonic() + failure.wait
                    log.warning(
                        "%s asked to wait %.0f s; the offline gazetteer answers meanwhile",
                        self.provider,
                        failure.wait,
                    )
                    break
                extra = min(extra, self.max_wait_seconds)
                continue
            self.counts["answered"] += 1
            self._failed_in_a_row = 0
            return location
        self._failed_in_a_row += 1
        raise GeocodingError(f"{self.provider}: no answer for {query!r} after retries")

    def _service_down(self) -> bool:
        """True when the service should not be asked now (failing, or told us to wait)."""
        if self._failed_in_a_row >= self.max_failed_queries:
            return True
        return self._not_before - time.monotonic() > self.max_wait_seconds

    def _cached(self, query: str) -> tuple[bool, dict[str, Any] | None]:
        try:
            return self.cache.get(self.provider, query)
        except sqlite3.Error as exc:
            self._cache_error(exc)
            return False, None

    def _remember(self, query: str, location: Location | None) -> None:
        try:
            self.cache.put(self.provider, query, _to_record(location))
        except sqlite3.Error as exc:  # a full disk must not cost the answer
            self._cache_error(exc)

    def _cache_error(self, exc: sqlite3.Error) -> None:
        if not self.counts["cache_errors"]:
            log.warning("%s: geocode cache failed (%s); answers are not cached", self.provider, exc)
        self.counts["cache_errors"] += 1

    def geocode(self, query: str, *, exactly_one: bool = True, **kwargs: Any) -> Any:
        """Like geopy's geocode(): a Location (or a list of one), or None when nothing matches."""
        hit, record = self._cached(query)
        if hit:
            self.counts["cache_hits"] += 1
            location = _from_record(record)
        else:
            if self._service_down():
                self.counts["skipped_remote"] += 1
                return self._fall_back(query, exactly_one, **kwargs)
            try:
                location = self._ask(query)
            except GeocodingError:
                if self._failed_in_a_row == self.max_failed_queries:
                    log.warning(
                        "%s: %d queries in a row failed; the offline gazetteer answers the rest",
                        self.provider,
                        self._failed_in_a_row,
                    )
                return self._fall_back(query, exactly_one, **kwargs)
            self._remember(query, location)
        if location is None:
            return None
        return location if exactly_one else [location]

    def _fall_back(self, query: str, exactly_one: bool, **kwargs: Any) -> Any:
        self.counts["fallbacks"] += 1
        return self.fallback.geocode(query, exactly_one=exactly_one, **kwargs)

    def reverse(self, query: Any, *, exactly_one: bool = True, **kwargs: Any) -> Any:
        return self.fallback.reverse(query, exactly_one=exactly_one, **kwargs)

    def close(self) -> None:
        self.cache.close()
