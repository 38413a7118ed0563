"""The offline gazetteer as a geopy geocoder (the default provider).

OfflineGeocoder subclasses geopy.geocoders.base.Geocoder and follows Nominatim's geocode() and
reverse() signatures, so code written for geopy (RateLimiter, partial(geocode, ...), pandas
``.apply``) runs on it unchanged, without a network. The gazetteer is loaded on the first call.

    >>> from mapper.geocoders import OfflineGeocoder
    >>> geocoder = OfflineGeocoder()
    >>> geocoder.geocode("Paris, Texas, USA").raw["admin1"]
    'US-TX'
    >>> geocoder.reverse("48.8566, 2.3522").raw["address"]["country_code"]
    'fr'

Qualifiers after commas (or a structured dict) must all hold: "Columbus, GA" is the Columbus
in Georgia. A qualifier that names no place the gazetteer knows raises GeocoderQueryError
naming it; a query whose parts are all known but do not nest ("Paris, Kenya") finds nothing.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderQueryError, GeocoderServiceError
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

from mapper.gazetteer import Gazetteer, fold_accents, haversine_km, load_gazetteer, name_key
from mapper.geocoders.locations import entry_location
from mapper.geocoders.nearest import CountryShapes, NearestPlaces, country_shapes
from mapper.geocoders.query import (
    Filters,
    Part,
    Query,
    parse_country_codes,
    parse_featuretype,
    parse_geometry,
    parse_limit,
    parse_point,
    parse_query,
    parse_viewbox,
    parse_zoom,
)
from mapper.geoparse.resolve import ALTERNATE_NAME, HINT, Resolver

log = logging.getLogger(__name__)

_SETTLEMENTS = frozenset({"city", "village"})


class _NoNetwork(BaseSyncAdapter):
    """The adapter geopy's base class wants: this geocoder never makes a request."""

    def __init__(self, *, proxies: Any = None, ssl_context: Any = None):
        super().__init__(proxies=proxies, ssl_context=ssl_context)

    def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
        raise GeocoderServiceError("the offline geocoder makes no network requests")

    def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
        raise GeocoderServiceError("the offline geocoder makes no network requests")


class OfflineGeocoder(Geocoder):
    """geopy's geocode()/reverse() over the bundled gazetteer: no network, no rate limit.

    ``gazetteer`` is an already loaded index; otherwise it is loaded from ``cache_dir``
    (default ~/.cache/mapper) on the first call. ``user_agent`` and ``timeout`` are kept for
    geopy's interface and send nothing anywhere. ``reverse_max_km``: reverse() answers with a
    settlement this near, else with the country the point lies in.
    """

    def __init__(
        self,
        user_agent: str | None = None,
        *,
        timeout: Any = DEFAULT_SENTINEL,
        gazetteer: Gazetteer | None = None,
        cache_dir: str | Path | None = None,
        min_population: int = 500,
        reverse_max_km: float = 50.0,
    ):
        super().__init__(user_agent=user_agent, timeout=timeout, adapter_factory=_NoNetwork)
        if not reverse_max_km > 0:
            raise ValueError(f"reverse_max_km must be positive, got {reverse_max_km!r}")
        self._gazetteer = gazetteer
        self._cache_dir = cache_dir
        self._min_population = min_population
        self.reverse_max_km = float(reverse_max_km)
        self._resolver: Resolver | None = None
        self._nearest: dict[frozenset[str], NearestPlaces] = {}
        self._countries: CountryShapes | None = None
        self._lock = threading.RLock()  # the index builders load the gazetteer under it

    def __getstate__(self) -> dict[str, Any]:
        """Picklable (for process pools): the indexes are rebuilt on first use after."""
        state = self.__dict__.copy()
        state.update(_lock=None, _nearest={}, _countries=None, _resolver=None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()  # the index builders load the gazetteer under it

    # ------------------------------------------------------------ lazily built state

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer index, loaded on first use."""
        if self._gazetteer is None:
            with self._lock:
                if self._gazetteer is None:
                    self._gazetteer = load_gazetteer(
                        self._cache_dir, min_population=self._min_population
                    )
        return self._gazetteer

    @property
    def resolver(self) -> Resolver:
        if self._resolver is None:
            self._resolver = Resolver(self.gazetteer)
        return self._resolver

    def _nearest_index(self, kinds: frozenset[str]) -> NearestPlaces:
        index = self._nearest.get(kinds)
        if index is None:
            with self._lock:
                index = self._nearest.get(kinds)
                if index is None:
                    index = self._nearest[kinds] = NearestPlaces(self.gazetteer, kinds)
        return index

    def _country_shapes(self) -> CountryShapes:
        if self._countries is None:
            with self._lock:
                if self._countries is None:
                    self._countries = country_shapes()
        return self._countries

    # ------------------------------------------------------------ geocode

    def geocode(
        self,
        query: str | dict[str, str],
        exactly_one: bool = True,
        timeout: Any = DEFAULT_SENTINEL,
        limit: int | None = None,
        addressdetails: bool = False,
        language: str | bool = False,
        geometry: str | None = None,
        extratags: bool = False,
        country_codes: str | list[str] | None = None,
        viewbox: Any = None,
        bounded: bool = False,
        featuretype: str | None = None,
        namedetails: bool = False,
    ) -> Location | list[Location] | None:
        """Nominatim's geocode() over the gazetteer.

        ``query``: "Name" or "Name, Region, Country" (qualifiers innermost first, each must
        hold), or a dict with keys city, county, state and country. ``country_codes`` (ISO
        alpha-2, a string or a list), ``featuretype`` (country, state, city, settlement) and
        ``viewbox`` with ``bounded=True`` restrict the answers; ``viewbox`` alone prefers
        places inside it. ``geometry`` may be "wkt" or "geojson". Names are the gazetteer's
        (English where GeoNames has it): ``language`` is accepted and changes nothing, as is
        ``timeout``. Returns None when nothing matches; raises GeocoderQueryError (a
        ValueError) for a bad argument or a qualifier the gazetteer does not know.
        """
        parsed = parse_query(query)
        filters = Filters(
            limit=parse_limit(exactly_one, limit),
            countries=parse_country_codes(country_codes, self.gazetteer.country_entries),
            kinds=parse_featuretype(featuretype),
            box=parse_viewbox(viewbox),
            bounded=bool(bounded),
        )
        if filters.bounded and filters.box is None:
            raise GeocoderQueryError("bounded=True needs a viewbox")
        geometry = parse_geometry(geometry)
        ranked = self._search(parsed, filters)
        log.debug("%s.geocode: %r, %d candidates", type(self).__name__, query, len(ranked))
        locations = [
            entry_location(
                self.gazetteer,
                entry,
                importance=score,
                addressdetails=addressdetails,
                extratags=extratags,
                namedetails=namedetails,
                geometry=geometry,
            )
            for score, entry in ranked[: filters.limit]
        ]
        if not locations:
            return None
        return locations[0] if exactly_one else locations

    def _search(self, query: Query, filters: Filters) -> list[tuple[float, int]]:
        """(score, entry) of the candidates that satisfy the query, best first."""
        g = self.gazetteer
        areas = [self._qualifier_entries(part) for part in query.qualifiers]
        scores: dict[int, float] = {}
        for entry in self._entries(query.place):
            if filters.kinds is not None and g.kinds[entry] not in filters.kinds:
                continue
            if filters.countries is not None and g.countries[entry] not in filters.countries:
                continue
            inside = filters.in_box(g.lats[entry], g.lons[entry])
            if filters.bounded and not inside:
                continue
            if not all(any(self._lies_in(entry, a) for a in area) for area in areas):
                continue
            scores[entry] = self._score(entry, query.place.text) + (HINT if inside else 0.0)
        self._prefer_namesake_towns(scores)
        return sorted(((s, e) for e, s in scores.items()), key=lambda se: (-se[0], se[1]))

    def _entries(self, part: Part) -> tuple[int, ...]:
        entries = self.gazetteer.lookup(part.text)
        if part.kinds is not None:
            entries = tuple(e for e in entries if self.gazetteer.kinds[e] in part.kinds)
        return entries

    def _qualifier_entries(self, part: Part) -> tuple[int, ...]:
        """The places a qualifier may name ("GA" and "Ga." are Georgia, US); none is an error."""
        g = self.gazetteer
        entries = self._entries(part)
        abbreviation = g.admin1_abbreviations.get(part.text)
        if abbreviation is not None and (part.kinds is None or "admin1" in part.kinds):
            entries = (*entries, abbreviation)
        if not entries:
            raise GeocoderQueryError(
                f"cannot place the qualifier {part.label}: the offline gazetteer knows no "
                "such place (check its spelling, or leave it out)"
            )
        return entries

    def _lies_in(self, entry: int, area: int) -> bool:
        # The geoparser's own test for admin cues ("Bangor, Maine"), so both agree.
        return self.resolver.lies_in(entry, area)

    def _score(self, entry: int, text: str) -> float:
        """The geoparser's prior, less for a settlement matched by another of its names."""
        g = self.gazetteer
        score = self.resolver.prior(entry)
        if g.kinds[entry] in _SETTLEMENTS:
            own, key = name_key(g.names[entry]), name_key(text)
            if own != key and fold_accents(own) != fold_accents(key):
                score += ALTERNATE_NAME
        return score

    def _prefer_namesake_towns(self, scores: dict[int, float]) -> None:
        """A town just above the division of its name that holds it: "Valencia" in Spain and
        "New York" are the cities.

        The geoparser ranks a division above a town of its name, which suits running text;
        a geocoder asked for a name answers with the town, as Nominatim does. A town known
        by the name only as an alternate must be as prominent as the division.
        """
        g = self.gazetteer
        divisions = [e for e in scores if g.kinds[e] == "admin1"]
        for town in [e for e in scores if g.kinds[e] in _SETTLEMENTS]:
            for division in divisions:
                namesake = g.names[town] == g.names[division]
                prominent = self.resolver.prior(town) >= scores[division]
                if (namesake or prominent) and self._lies_in(town, division):
                    scores[town] = max(scores[town], scores[division] + 0.01)

    # ------------------------------------------------------------ reverse

    def reverse(
        self,
        query: Point | tuple[float, float] | str,
        exactly_one: bool = True,
        timeout: Any = DEFAULT_SENTINEL,
        language: str | bool = False,
        addressdetails: bool = True,
        zoom: int | None = None,
        namedetails: bool = False,
    ) -> Location | list[Location] | None:
        """The place at a point: a Point, a (lat, lon) pair or a "lat, lon" string.

        The country comes from the Natural Earth polygon that holds the point; the answer is
        the nearest settlement in that country within ``reverse_max_km`` (cities and
        villages; cities only at zoom 10-12; their county at zoom 8-9 and state at zoom 5-7),
        else the country itself (always at zoom 0-4). At sea it is the nearest settlement
        within ``reverse_max_km``, or None.
        """
        lat, lon = parse_point(query)
        zoom = 18 if zoom is None else parse_zoom(zoom)
        shape = self._country_shapes().at(lat, lon)
        country = shape.iso2 if shape is not None else None
        answer: tuple[int, float] | None = None
        if zoom >= 5:
            kinds = _SETTLEMENTS if zoom >= 13 else frozenset({"city"})
            answer = self._nearest_settlement(kinds, lat, lon, country)
            if answer is not None and zoom < 10:
                answer = self._division_of(answer[0], zoom, lat, lon)
        if answer is None and country is not None:
            entry = self.gazetteer.country_entries.get(country)
            if entry is not None:
                answer = (entry, _distance(self.gazetteer, entry, lat, lon))
        if answer is None:
            return None
        entry, km = answer
        location = entry_location(
            self.gazetteer,
            entry,
            importance=self.resolver.prior(entry),
            addressdetails=addressdetails,
            namedetails=namedetails,
            distance_km=km,
        )
        return location if exactly_one else [location]

    def _nearest_settlement(
        self, kinds: frozenset[str], lat: float, lon: float, country: str | None
    ) -> tuple[int, float] | None:
        """The nearest entry within reverse_max_km, in ``country`` when the point has one."""
        g = self.gazetteer
        index = self._nearest_index(kinds)
        nearest = index.nearest(lat, lon, self.reverse_max_km)
        if not nearest:
            return None
        same = [n for n in nearest if country is None or g.countries[n.entry] == country]
        if not same:  # across a border: look further, in the point's own country
            same = [
                n
                for n in index.within(lat, lon, self.reverse_max_km)
                if g.countries[n.entry] == country
            ]
        return (same[0].entry, same[0].km) if same else None

    def _division_of(self, entry: int, zoom: int, lat: float, lon: float) -> tuple[int, float]:
        """The county (zoom 8-9) or state (zoom 5-7) of a settlement, else the settlement."""
        g = self.gazetteer
        division: int | None = None
        if zoom >= 8 and g.admin2s[entry] >= 0:
            division = g.admin2s[entry]
        if division is None and g.admin1s[entry]:
            division = g.admin1_entries.get(g.admin1s[entry])
        if division is None:
            division = entry
        return division, _distance(g, division, lat, lon)


def _distance(g: Gazetteer, entry: int, lat: float, lon: float) -> float:
    return haversine_km(lat, lon, g.lats[entry], g.lons[entry])
