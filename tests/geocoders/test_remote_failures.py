"""Remote geocoder failure modes against a real HTTP server on loopback (Nominatim's JSON).

The server plays a script of answers (429 with Retry-After, 5xx, malformed JSON, slow or no
answer) and records when each request arrived, so retries, backoff and the rate limit are
measured on the server's side, as a provider would see them.
"""

from __future__ import annotations

import itertools
import json
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from mapper.config import GeocoderConfig
from mapper.errors import GeocodingError
from mapper.gazetteer import Gazetteer
from mapper.geocoders import get_geocoder
from mapper.geocoders.remote import COUNTERS, RemoteGeocoder

PLACES = {"Tbilisi": (41.6941, 44.8337), "Bangor, Maine": (44.8012, -68.7778)}
# Client timeouts: generous by default, so a loaded CI machine never turns an answer into a
# timeout; the timeout tests use SHORT with a server that sleeps past it.
TIMEOUT = 5.0
SHORT = 0.3
# Scheduling slack when comparing server-side arrival gaps with client-side waits.
SLACK = 0.02


@dataclass
class Script:
    """What the server answers: one step per request, then ``default`` for the rest."""

    steps: list[Any] = field(default_factory=list)
    default: Any = "ok"
    arrivals: list[tuple[float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_step(self, query: str) -> Any:
        with self.lock:
            self.arrivals.append((time.monotonic(), query))
            return self.steps.pop(0) if self.steps else self.default

    @property
    def hits(self) -> int:
        return len(self.arrivals)

    def gaps(self) -> list[float]:
        times = [t for t, _ in self.arrivals]
        return [b - a for a, b in itertools.pairwise(times)]


class Handler(BaseHTTPRequestHandler):
    """Answers /search like Nominatim, or misbehaves as the server's script says."""

    def do_GET(self) -> None:
        query = parse_qs(urlparse(self.path).query).get("q", [""])[0]
        step = self.server.script.next_step(query)  # type: ignore[attr-defined]
        kind, arg = step if isinstance(step, tuple) else (step, None)
        try:
            if kind == "slow":
                time.sleep(arg)
                kind = "ok"
            if kind == "drop":
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if kind == "status":  # (code, headers)
                code, headers = arg
                self.reply(code, b"{}", headers)
            elif kind == "body":
                self.reply(200, arg.encode() if isinstance(arg, str) else arg)
            else:
                places = []
                if query in PLACES:
                    lat, lon = PLACES[query]
                    places = [{"lat": str(lat), "lon": str(lon), "display_name": query}]
                self.reply(200, json.dumps(places).encode())
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout): nothing to answer

    def reply(self, code: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # dropped connections are part of the script


@pytest.fixture
def server() -> Iterator[QuietServer]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    httpd.script = Script()  # type: ignore[attr-defined]
    # A short poll interval: shutdown() waits for one, at every test's teardown.
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def script(server: QuietServer) -> Script:
    return server.script  # type: ignore[attr-defined]


def make(
    server: QuietServer, gazetteer: Gazetteer, tmp_path: Path, **overrides: Any
) -> RemoteGeocoder:
    """A remote geocoder on the loopback server, with short waits for CI."""
    options = {"domain": f"127.0.0.1:{server.server_address[1]}", "scheme": "http"}
    settings: dict[str, Any] = {
        "provider": "nominatim",
        "user_agent": "mapper-tests",
        "options": options,
        "min_delay_seconds": 0.0,
        "timeout": TIMEOUT,
        "max_retries": 2,
        "cache_path": str(tmp_path / "cache.sqlite"),
    }
    settings.update(overrides)
    geocoder = get_geocoder(GeocoderConfig(**settings), gazetteer)
    assert isinstance(geocoder, RemoteGeocoder)
    geocoder.backoff_seconds = 0.05
    return geocoder


def counts(geocoder: RemoteGeocoder) -> dict[str, int]:
    """The non-zero counters."""
    return {k: v for k, v in geocoder.stats().items() if v}


def test_stats_name_every_counter(server, gazetteer, tmp_path):
    geocoder = make(server, gazetteer, tmp_path)
    assert set(geocoder.stats()) == set(COUNTERS)
    assert geocoder.geocode("Tbilisi").latitude == pytest.approx(41.6941)
    assert counts(geocoder) == {"requests": 1, "answered": 1}


def test_429_retry_after_is_honoured(server, gazetteer, tmp_path):
    script(server).steps = [("status", (429, {"Retry-After": "1"}))]
    geocoder = make(server, gazetteer, tmp_path)
    location = geocoder.geocode("Tbilisi")
    assert location.address == "Tbilisi"  # the service's answer, not the fallback's
    assert script(server).hits == 2
    assert script(server).gaps()[0] >= 1.0 - SLACK
    assert counts(geocoder) == {"requests": 2, "rate_limited": 1, "retries": 1, "answered": 1}


def test_geopy_adapter_does_not_retry_behind_our_back(server, gazetteer, tmp_path):
    # geopy's default requests adapter would retry a 429 with Retry-After (and timeouts)
    # itself, unseen: every request the server sees must be one mapper counted.
    script(server).default = ("status", (429, {"Retry-After": "0"}))
    geocoder = make(server, gazetteer, tmp_path, max_retries=1)
    geocoder.geocode("Tbilisi")
    assert script(server).hits == geocoder.counts["requests"] == 2


def test_long_retry_after_pauses_the_service_and_answers_offline(server, gazetteer, tmp_path):
    script(server).default = ("status", (429, {"Retry-After": "1"}))
    geocoder = make(server, gazetteer, tmp_path)
    geocoder.max_wait_seconds = 0.5  # so Retry-After: 1 counts as long
    first = geocoder.geocode("Tbilisi")
    assert first.raw["country"] == "GE"  # the offline gazetteer answered
    second = geocoder.geocode("Bangor, Maine")
    assert second.raw["country"] == "US"
    assert script(server).hits == 1  # nothing asked while the server said to wait
    assert counts(geocoder) == {
        "requests": 1,
        "rate_limited": 1,
        "fallbacks": 2,
        "skipped_remote": 1,
    }
    script(server).default = "ok"
    time.sleep(0.6)  # the rest of the wait is now within max_wait_seconds
    assert geocoder.geocode("Tbilisi").address == "Tbilisi"
    assert script(server).arrivals[1][0] - script(server).arrivals[0][0] >= 1.0 - SLACK


@pytest.mark.parametrize("code", [500, 502, 503, 504])
def test_5xx_retried_with_backoff(server, gazetteer, tmp_path, code):
    script(server).steps = [("status", (code, {}))] * 2
    geocoder = make(server, gazetteer, tmp_path)
    geocoder.backoff_seconds = 0.06
    assert geocoder.geocode("Tbilisi").address == "Tbilisi"
    gaps = script(server).gaps()
    assert gaps[0] >= 0.06 - SLACK and gaps[1] >= 0.12 - SLACK  # exponential backoff
    assert counts(geocoder) == {
        "requests": 3,
        "server_errors": 2,
        "retries": 2,
        "answered": 1,
    }


def test_503_retry_after_is_honoured(server, gazetteer, tmp_path):
    script(server).steps = [("status", (503, {"Retry-After": "1"}))]
    geocoder = make(server, gazetteer, tmp_path)
    assert geocoder.geocode("Tbilisi").address == "Tbilisi"
    assert script(server).gaps()[0] >= 1.0 - SLACK


@pytest.mark.parametrize(
    "body",
    [
        "<html>502 Bad Gateway</html>",
        '[{"lat": "41.69", "lon":',  # truncated
        '[{"lat": "north", "lon": "east", "display_name": "x"}]',
        '"just a string"',
        "[1, 2]",
        '{"lat": null}',
        b"\xff\xfe\x00garbage",
    ],
)
def test_malformed_answers_retried_then_fall_back(server, gazetteer, tmp_path, body):
    script(server).default = ("body", body)
    geocoder = make(server, gazetteer, tmp_path, max_retries=1)
    location = geocoder.geocode("Tbilisi")
    assert location is not None and location.raw["country"] == "GE"
    assert counts(geocoder) == {"requests": 2, "malformed": 2, "retries": 1, "fallbacks": 1}
    assert geocoder.cache.get("nominatim", "Tbilisi") == (False, None)  # fallbacks not cached


def test_malformed_then_good_answer(server, gazetteer, tmp_path):
    script(server).steps = [("body", "not json")]
    geocoder = make(server, gazetteer, tmp_path)
    assert geocoder.geocode("Tbilisi").address == "Tbilisi"
    assert counts(geocoder)["malformed"] == 1


def test_timeouts_retried_then_fall_back(server, gazetteer, tmp_path):
    script(server).default = ("slow", SHORT + 0.5)
    geocoder = make(server, gazetteer, tmp_path, max_retries=1, timeout=SHORT)
    location = geocoder.geocode("Tbilisi")
    assert location.raw["country"] == "GE"
    assert script(server).hits == 2  # one try and one retry, none hidden in the adapter
    assert counts(geocoder) == {"requests": 2, "timeouts": 2, "retries": 1, "fallbacks": 1}


def test_slow_answer_within_timeout_is_used(server, gazetteer, tmp_path):
    script(server).steps = [("slow", 0.2)]
    geocoder = make(server, gazetteer, tmp_path)
    assert geocoder.geocode("Tbilisi").address == "Tbilisi"
    assert counts(geocoder) == {"requests": 1, "answered": 1}


def test_dropped_connection_counts_and_falls_back(server, gazetteer, tmp_path):
    script(server).default = "drop"
    geocoder = make(server, gazetteer, tmp_path, max_retries=1)
    assert geocoder.geocode("Tbilisi").raw["country"] == "GE"
    assert geocoder.counts["fallbacks"] == 1 and geocoder.counts["retries"] == 1
    failures = sum(geocoder.counts[k] for k in ("unavailable", "server_errors", "timeouts"))
    assert failures == 2


def test_server_gone_counts_unavailable(server, gazetteer, tmp_path):
    geocoder = make(server, gazetteer, tmp_path, max_retries=1)
    server.shutdown()
    server.server_close()
    assert geocoder.geocode("Tbilisi").raw["country"] == "GE"
    assert counts(geocoder) == {"requests": 2, "unavailable": 2, "retries": 1, "fallbacks": 1}


@pytest.mark.parametrize("code", [400, 403, 414])
def test_client_errors_are_not_retried(server, gazetteer, tmp_path, code):
    script(server).default = ("status", (code, {}))
    geocoder = make(server, gazetteer, tmp_path)
    assert geocoder.geocode("Tbilisi").raw["country"] == "GE"
    assert counts(geocoder) == {"requests": 1, "rejected": 1, "fallbacks": 1}


def test_rate_limit_spacing_measured_by_the_server(server, gazetteer, tmp_path):
    script(server).steps = ["ok", ("status", (500, {})), "ok", "ok"]
    geocoder = make(server, gazetteer, tmp_path, min_delay_seconds=0.15)
    geocoder.backoff_seconds = 0.0  # the retry, too, must wait for its slot
    for query in ("Tbilisi", "Bangor, Maine", "Paris", "Lima"):
        geocoder.geocode(query)
    gaps = script(server).gaps()
    assert len(gaps) == 4
    assert min(gaps) >= 0.15 - SLACK, gaps


def test_cached_answers_reused_across_runs(server, gazetteer, tmp_path):
    first = make(server, gazetteer, tmp_path)
    assert first.geocode("Tbilisi").address == "Tbilisi"
    assert first.geocode("Nowhere at all") is None  # "not found" is an answer, cached too
    first.close()
    second = make(server, gazetteer, tmp_path)
    assert second.geocode("Tbilisi").address == "Tbilisi"
    assert second.geocode("Tbilisi", exactly_one=False)[0].address == "Tbilisi"
    assert second.geocode("Nowhere at all") is None
    assert script(server).hits == 2
    assert counts(second) == {"cache_hits": 3}


def test_fallback_answers_are_not_cached(server, gazetteer, tmp_path):
    script(server).steps = [("status", (500, {}))] * 3
    first = make(server, gazetteer, tmp_path)
    assert first.geocode("Tbilisi").raw["country"] == "GE"
    first.close()
    second = make(server, gazetteer, tmp_path)
    assert second.geocode("Tbilisi").address == "Tbilisi"  # asked again, and answered
    assert second.counts["cache_hits"] == 0


def test_dead_service_is_not_asked_for_ever(server, gazetteer, tmp_path):
    script(server).default = ("status", (500, {}))
    geocoder = make(server, gazetteer, tmp_path, max_retries=1)
    names = ["Tbilisi", "Bangor, Maine", "Paris", "Lima", "Kyiv", "Dhaka"]
    answers = [geocoder.geocode(name) for name in names]
    assert all(a is not None for a in answers)
    limit = geocoder.max_failed_queries
    assert script(server).hits == limit * 2
    assert counts(geocoder) == {
        "requests": limit * 2,
        "server_errors": limit * 2,
        "retries": limit,
        "fallbacks": len(names),
        "skipped_remote": len(names) - limit,
    }


def test_damaged_cache_rows_are_asked_again(server, gazetteer, tmp_path):
    geocoder = make(server, gazetteer, tmp_path)
    geocoder.cache.connection.execute(
        "INSERT INTO geocode VALUES ('nominatim', 'Tbilisi', '{\"lat\": \"x\"')"
    )
    assert geocoder.geocode("Tbilisi").address == "Tbilisi"
    assert counts(geocoder) == {"requests": 1, "answered": 1}


def test_cache_that_fails_mid_run_still_answers(server, gazetteer, tmp_path):
    geocoder = make(server, gazetteer, tmp_path)
    geocoder.cache.connection.close()  # every read and write now fails
    assert geocoder.geocode("Tbilisi").address == "Tbilisi"
    assert counts(geocoder) == {"requests": 1, "answered": 1, "cache_errors": 2}


def test_unusable_cache_file_is_a_clear_error(server, gazetteer, tmp_path):
    bad = tmp_path / "cache.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(GeocodingError, match=r"geocoder.cache_path: cannot use .*cache.sqlite"):
        make(server, gazetteer, tmp_path)
    with pytest.raises(sqlite3.DatabaseError):  # the file was left as it was
        sqlite3.connect(bad).execute("SELECT 1 FROM geocode")


def test_unknown_provider_option_lists_valid_ones(server, gazetteer, tmp_path):
    with pytest.raises(GeocodingError) as info:
        make(server, gazetteer, tmp_path, options={"domian": "x"})
    message = str(info.value)
    assert "does not accept 'domian'" in message and "domain" in message and "scheme" in message
    assert "\n" not in message
