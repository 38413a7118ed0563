"""Geocoders with geopy's interface: the offline gazetteer and any geopy provider.

get_geocoder(config, gazetteer) -> an object with geocode(query, exactly_one=True) and
reverse(point) returning geopy Location values. "offline" is the default; any other name is a
geopy provider, always wrapped in a persistent cache and a rate limiter, and falling back to
the offline gazetteer when the service fails.
"""

from __future__ import annotations

from pathlib import Path

from mapper.config import GeocoderConfig
from mapper.errors import GeocodingError
from mapper.gazetteer import Gazetteer
from mapper.geocoders.offline import OfflineGeocoder

__all__ = ["OfflineGeocoder", "get_geocoder"]


def get_geocoder(config: GeocoderConfig, gazetteer: Gazetteer, *, cache_dir: Path | None = None):
    """The configured geocoder (offline by default)."""
    if config.provider == "offline":
        return OfflineGeocoder(gazetteer)
    from mapper.geocoders.remote import RemoteGeocoder

    try:
        return RemoteGeocoder(config, fallback=OfflineGeocoder(gazetteer), cache_dir=cache_dir)
    except GeocodingError:
        raise
