"""One contract for every geocoder: the offline gazetteer and a remote geopy provider that
talks to a real HTTP server on loopback answering in Nominatim's JSON (search and reverse)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlparse

import pytest
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from mapper.config import GeocoderConfig
from mapper.errors import GeocodingError
from mapper.gazetteer import haversine_km
from mapper.geocoders import get_geocoder

ANSWERS = {
    "Bangor, Maine": (44.8012, -68.7778),
    "Tbilisi": (41.6941, 44.8337),
    "Bāghān": (36.52, 68.71),
}


class NominatimHandler(BaseHTTPRequestHandler):
    mode = "ok"
    calls = 0
    seen: ClassVar[list[tuple[str, dict[str, list[str]]]]] = []  # (path, query parameters)

    def do_GET(self):
        type(self).calls += 1
        url = urlparse(self.path)
        params = parse_qs(url.query)
        type(self).seen.append((url.path, params))
        query = params.get("q", [""])[0]
        if self.mode == "429":
            self.send_response(429)
            self.send_header("Retry-After", "0")
            self.end_headers()
            return
        if self.mode == "500":
            self.send_response(500)
            self.end_headers()
            return
        body: object = []
        if url.path.startswith("/reverse"):
            body = {
                "lat": params["lat"][0],
                "lon": params["lon"][0],
                "display_name": "Provider Street 1, Tbilisi, Georgia",
                "place_id": 2,
                "address": {"road": "Provider Street", "country_code": "ge"},
            }
        elif query in ANSWERS:
            lat, lon = ANSWERS[query]
            body = [{"lat": str(lat), "lon": str(lon), "display_name": query, "place_id": 1}]
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), NominatimHandler)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    NominatimHandler.mode, NominatimHandler.calls, NominatimHandler.seen = "ok", 0, []
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def remote_config(server, tmp_path, **kw):
    return GeocoderConfig(
        provider="nominatim",
        user_agent="mapper-tests",
        options={"domain": f"127.0.0.1:{server.server_address[1]}", "scheme": "http"},
        min_delay_seconds=0.0,
        timeout=2.0,
        max_retries=1,
        cache_path=str(tmp_path / "cache.sqlite"),
        **kw,
    )


@pytest.fixture(params=["offline", "remote"])
def geocoder(request, gazetteer, tmp_path):
    if request.param == "offline":
        return get_geocoder(GeocoderConfig(), gazetteer)
    server = request.getfixturevalue("server")
    return get_geocoder(remote_config(server, tmp_path), gazetteer)


@pytest.mark.parametrize(
    ("query", "lat", "lon"), [("Bangor, Maine", 44.80, -68.77), ("Tbilisi", 41.69, 44.83)]
)
def test_geocoder_contract_finds_place(geocoder, query, lat, lon):
    location = geocoder.geocode(query, exactly_one=True)
    assert isinstance(location, Location)
    assert haversine_km(location.latitude, location.longitude, lat, lon) < 25
    many = geocoder.geocode(query, exactly_one=False)
    assert isinstance(many, list) and many[0].address == location.address


def test_geocoder_contract_nothing_found_is_none(geocoder):
    assert geocoder.geocode("Xqzvwplk Nowhere") is None


def test_geocoder_contract_positional_exactly_one(geocoder):
    many = geocoder.geocode("Tbilisi", False)
    assert isinstance(many, list) and isinstance(many[0], Location)


def test_geocoder_contract_reverse(geocoder):
    location = geocoder.reverse(Point(41.6941, 44.8337))
    assert isinstance(location, Location)
    assert haversine_km(location.latitude, location.longitude, 41.69, 44.83) < 25
    assert location.raw["address"]["country_code"] == "ge"
    assert geocoder.reverse("41.6941, 44.8337", False)[0].address == location.address


def test_offline_geocoder_is_a_geopy_geocoder(gazetteer):
    assert isinstance(get_geocoder(GeocoderConfig(), gazetteer), Geocoder)


def test_geocoder_offline_reverse(gazetteer):
    geocoder = get_geocoder(GeocoderConfig(), gazetteer)
    location = geocoder.reverse((48.8566, 2.3522))
    assert location.raw["country"] == "FR"


def test_remote_reverse_asks_the_provider_once(server, gazetteer, tmp_path):
    geocoder = get_geocoder(remote_config(server, tmp_path), gazetteer)
    location = geocoder.reverse((41.6941, 44.8337))
    assert location.address == "Provider Street 1, Tbilisi, Georgia"
    assert location.raw["address"]["road"] == "Provider Street"
    [(path, params)] = NominatimHandler.seen
    assert path == "/reverse" and (params["lat"], params["lon"]) == (["41.6941"], ["44.8337"])
    again = geocoder.reverse(Point(41.6941, 44.8337))  # the same point, cached
    assert again.address == location.address and again.raw == location.raw
    assert NominatimHandler.calls == 1 and geocoder.counts["cache_hits"] == 1
    geocoder.reverse((41.6941, 44.8337), zoom=10)  # options reach the provider: a new question
    assert NominatimHandler.calls == 2
    reopened = get_geocoder(remote_config(server, tmp_path), gazetteer)
    assert reopened.reverse((41.6941, 44.8337)).raw == location.raw  # persistent cache
    assert NominatimHandler.calls == 2


def test_remote_reverse_falls_back_offline(server, gazetteer, tmp_path):
    NominatimHandler.mode = "500"
    geocoder = get_geocoder(remote_config(server, tmp_path), gazetteer)
    location = geocoder.reverse((41.6941, 44.8337), zoom=10)
    assert location.raw["country"] == "GE" and location.raw["type"] == "city"
    assert geocoder.counts["fallbacks"] == 1 and NominatimHandler.calls >= 2


def test_remote_geocode_options_reach_the_provider(server, gazetteer, tmp_path):
    geocoder = get_geocoder(remote_config(server, tmp_path), gazetteer)
    assert geocoder.geocode("Tbilisi", country_codes="ge") is not None
    assert geocoder.geocode("Tbilisi") is not None
    assert NominatimHandler.calls == 2  # a different question, cached apart
    assert NominatimHandler.seen[0][1]["countrycodes"] == ["ge"]
    assert "countrycodes" not in NominatimHandler.seen[1][1]


def test_remote_geocoder_caches_answers(server, gazetteer, tmp_path):
    geocoder = get_geocoder(remote_config(server, tmp_path), gazetteer)
    geocoder.geocode("Tbilisi")
    geocoder.geocode("Tbilisi")
    assert NominatimHandler.calls == 1
    assert geocoder.counts["cache_hits"] == 1


@pytest.mark.parametrize("mode", ["429", "500"])
def test_remote_geocoder_falls_back_offline(server, gazetteer, tmp_path, mode):
    NominatimHandler.mode = mode
    geocoder = get_geocoder(remote_config(server, tmp_path), gazetteer)
    location = geocoder.geocode("Tbilisi")
    assert location is not None and location.raw["country"] == "GE"
    assert geocoder.counts["fallbacks"] == 1
    assert NominatimHandler.calls >= 2  # retried before falling back


def test_remote_geocoder_requires_user_agent(gazetteer):
    with pytest.raises(GeocodingError, match=r"needs geocoder\.user_agent"):
        get_geocoder(GeocoderConfig(provider="nominatim"), gazetteer)


def test_unknown_provider_lists_names(gazetteer):
    with pytest.raises(GeocodingError, match="nominatim"):
        get_geocoder(GeocoderConfig(provider="nosuch", user_agent="x-tests"), gazetteer)


def test_remote_geocoder_places_what_the_gazetteer_abstains_on(server, gazetteer, tmp_path):
    from mapper.geocoders import fallback_for
    from mapper.geoparse import Geoparser

    remote = get_geocoder(remote_config(server, tmp_path), gazetteer, offline_fallback=False)
    geoparser = Geoparser(gazetteer, fallback=fallback_for(remote, "nominatim"))
    text = "The meeting took place in Bāghān yesterday, not in Tbilisi."
    toponyms = {t.name: t for t in geoparser.parse_text(text)}
    assert toponyms["Bāghān"].place is not None
    assert toponyms["Bāghān"].place.place_id.startswith("nominatim:")
    assert "placed by nominatim" in toponyms["Bāghān"].reason
    assert toponyms["Tbilisi"].place.country == "GE"  # resolved offline, never asked remotely
    assert NominatimHandler.calls == 1
    geoparser.parse_text(text)
    assert NominatimHandler.calls == 1  # the same name is asked once


def test_remote_failure_keeps_the_abstention(server, gazetteer, tmp_path):
    from mapper.geocoders import fallback_for
    from mapper.geoparse import Geoparser

    NominatimHandler.mode = "500"
    remote = get_geocoder(remote_config(server, tmp_path), gazetteer, offline_fallback=False)
    geoparser = Geoparser(gazetteer, fallback=fallback_for(remote, "nominatim"))
    [baghan] = [t for t in geoparser.parse_text("We met in Bāghān.") if t.name == "Bāghān"]
    assert baghan.place is None
    assert remote.counts["fallbacks"] == 1  # the service failed, and nobody guessed instead


def test_run_with_remote_provider_counts_its_requests(server, tmp_path):
    from click.testing import CliRunner

    from mapper.cli import main

    batch = tmp_path / "batch.jsonl"
    article = {"id": "a", "text": "Floods hit Bāghān and Tbilisi on Monday."}
    batch.write_text(json.dumps(article) + "\n")
    domain = f"127.0.0.1:{server.server_address[1]}"
    args = [
        "run", "--input", str(batch), "--output-dir", str(tmp_path / "out"),
        "--set", "geocoder.provider=nominatim", "--set", "geocoder.user_agent=mapper-tests",
        "--set", f"geocoder.options={{domain: '{domain}', scheme: http}}",
        "--set", "geocoder.min_delay_seconds=0",
    ]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output + result.stderr
    assert "geocoder:" in result.output and "requests 1" in result.output
    report = json.loads((tmp_path / "out" / "run.json").read_text())
    assert report["geocoder"]["requests"] == 1
    assert NominatimHandler.calls == 1
    many = CliRunner().invoke(main, [*args, "--workers", "2"])
    assert many.exit_code == 2 and "runs in one process" in many.stderr
