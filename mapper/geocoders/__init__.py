"""Geocoders with geopy's interface: the offline gazetteer and any geopy provider.

OfflineGeocoder is a geopy Geocoder over the bundled gazetteer (``OfflineGeocoder()`` loads it
on first use). get_geocoder(config, gazetteer) -> an object with geocode(query, exactly_one)
and reverse(point) returning geopy Location values. "offline" is the default; any other name is
a geopy provider, always wrapped in a persistent cache and a rate limiter, and falling back to
the offline gazetteer when the service fails.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from geopy.location import Location

from mapper.config import GeocoderConfig
from mapper.gazetteer import Gazetteer
from mapper.geocoders.offline import OfflineGeocoder
from mapper.models import Place

__all__ = ["OfflineGeocoder", "fallback_for", "get_geocoder"]


class _NoAnswer:
    """A fallback that answers nothing: for callers that already asked the gazetteer."""

    def geocode(self, query: object, exactly_one: bool = True, **_: object) -> None:
        return None

    def reverse(self, query: object, exactly_one: bool = True, **_: object) -> None:
        return None


def get_geocoder(
    config: GeocoderConfig,
    gazetteer: Gazetteer,
    *,
    cache_dir: Path | None = None,
    offline_fallback: bool = True,
):
    """The configured geocoder (offline by default).

    A remote provider falls back to the offline gazetteer when the service fails, unless
    ``offline_fallback`` is False: the geoparser asks only about names the gazetteer could not
    place, so the gazetteer's guess would repeat what its resolver declined.
    """
    if config.provider == "offline":
        return OfflineGeocoder(gazetteer=gazetteer)
    from mapper.geocoders.remote import RemoteGeocoder

    fallback = OfflineGeocoder(gazetteer=gazetteer) if offline_fallback else _NoAnswer()
    return RemoteGeocoder(config, fallback=fallback, cache_dir=cache_dir)


def fallback_for(geocoder: object, provider: str) -> Callable[[str], Place | None]:
    """A geoparser fallback that asks ``geocoder`` for names the gazetteer could not place.

    Build ``geocoder`` with ``offline_fallback=False`` (see get_geocoder).

    Answers are remembered per name for the life of the process, on top of the geocoder's own
    persistent cache, because the same unresolved name recurs throughout a batch.
    """
    seen: dict[str, Place | None] = {}

    def ask(name: str) -> Place | None:
        if name not in seen:
            location = geocoder.geocode(name, exactly_one=True)  # type: ignore[attr-defined]
            seen[name] = None if location is None else location_to_place(location, provider)
        return seen[name]

    return ask


def location_to_place(location: Location, provider: str) -> Place:
    """A geopy Location from a remote provider as a point Place."""
    key = f"{location.latitude:.5f},{location.longitude:.5f}"
    return Place(
        place_id=f"{provider}:{key}",
        name=(location.address or "").split(",")[0] or key,
        lat=round(location.latitude, 5),
        lon=round(location.longitude, 5),
        feature_class="point",
        precision="point",
    )
