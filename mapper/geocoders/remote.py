"""Any geopy provider, wrapped in a persistent cache, a rate limiter and retries.

Remote geocoding is opt-in (geocoder.provider in config) and needs a user agent. geocode() and
reverse() both ask the provider, through the same cache (reverse answers are keyed by the point,
rounded to 6 decimals, about 0.1 m), rate limit and retries. When the service fails after its
retries, the offline gazetteer answers instead; every outcome is counted in
``RemoteGeocoder.counts`` (see COUNTERS) for the run summary.

Retries are mapper's alone: geopy's default HTTP adapter (requests + urllib3) would otherwise
retry timeouts and 429/503 answers on its own, unseen and uncounted, and multiply the wait.
"""

from __future__ import annotations

import inspect
import logging
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
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
from mapper.geocoders.cache import (
    GeocodeCache,
    from_record,
    query_key,
    reverse_key,
    to_record,
)

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


def accepted_options(method: Callable[..., Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """The options ``method`` takes: a provider's own ones do not reach the fallback."""
    try:
        params = inspect.signature(method).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        return {}
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return kwargs
    return {k: v for k, v in kwargs.items() if k in params}


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

    def _request(self, call: Callable[[], Location | None]) -> Location | None:
        """One request; any failure becomes a _Failure saying what happened."""
        self.counts["requests"] += 1
        try:
            return self._send(call)
        finally:
            self._last_answer = time.monotonic()

    def _send(self, call: Callable[[], Location | None]) -> Location | None:
        """The provider's answer; every way it can fail is raised as a _Failure."""
        try:
            return call()
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

    def _ask(self, query: str, call: Callable[[], Location | None]) -> Location | None:
        """The service's answer to ``call`` (``query`` names it in messages), after up to
        max_retries retries with exponential backoff."""
        extra = 0.0
        for attempt in range(self.config.max_retries + 1):
            if attempt:
                self.counts["retries"] += 1
            self._wait_turn(extra)
            try:
                location = self._request(call)
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
            self.cache.put(self.provider, query, to_record(location))
        except sqlite3.Error as exc:  # a full disk must not cost the answer
            self._cache_error(exc)

    def _cache_error(self, exc: sqlite3.Error) -> None:
        if not self.counts["cache_errors"]:
            log.warning("%s: geocode cache failed (%s); answers are not cached", self.provider, exc)
        self.counts["cache_errors"] += 1

    def geocode(self, query: Any, exactly_one: bool = True, **kwargs: Any) -> Any:
        """Like geopy's geocode(): a Location (or a list of one), or None when nothing matches.

        ``kwargs`` (country_codes, language ...) go to the provider and are part of the cache
        key; the fallback gets those it takes.
        """
        return self._answer(
            query_key(query, kwargs),
            lambda: self.service.geocode(query, exactly_one=True, **kwargs),
            lambda: self.fallback.geocode(
                query, exactly_one, **accepted_options(self.fallback.geocode, kwargs)
            ),
            exactly_one,
        )

    def reverse(self, query: Any, exactly_one: bool = True, **kwargs: Any) -> Any:
        """Like geopy's reverse(), asked of the provider; ``kwargs`` (language, zoom ...) go
        to it too, and the offline gazetteer answers when it fails."""
        point = Point(query)
        return self._answer(
            reverse_key(point, kwargs),
            lambda: self.service.reverse(point, exactly_one=True, **kwargs),
            lambda: self.fallback.reverse(
                point, exactly_one, **accepted_options(self.fallback.reverse, kwargs)
            ),
            exactly_one,
        )

    def _answer(
        self,
        key: str,
        call: Callable[[], Location | None],
        fall_back: Callable[[], Any],
        exactly_one: bool,
    ) -> Any:
        """The cached answer for ``key``, else the provider's, else the fallback's."""
        hit, record = self._cached(key)
        if hit:
            self.counts["cache_hits"] += 1
            location = from_record(record)
        else:
            if self._service_down():
                self.counts["skipped_remote"] += 1
                self.counts["fallbacks"] += 1
                return fall_back()
            try:
                location = self._ask(key, call)
            except GeocodingError:
                if self._failed_in_a_row == self.max_failed_queries:
                    log.warning(
                        "%s: %d queries in a row failed; the offline gazetteer answers the rest",
                        self.provider,
                        self._failed_in_a_row,
                    )
                self.counts["fallbacks"] += 1
                return fall_back()
            self._remember(key, location)
        if location is None:
            return None
        return location if exactly_one else [location]

    def close(self) -> None:
        self.cache.close()
