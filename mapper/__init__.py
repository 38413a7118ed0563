"""mapper: offline-first geospatial incident mapper.

Read a batch of news articles, find and geocode every place mention, recognise the incident
each reports with its severity, and write an interactive map plus GeoJSON and CSV.

    >>> import mapper
    >>> mapper.geoparse("Floods hit Nairobi.")[0].place.country
    'KE'
    >>> mapper.extract("An earthquake of magnitude 6.1 struck Peru.").category
    'earthquake'
    >>> result = mapper.run("batch.jsonl", output_dir="out")   # doctest: +SKIP
    >>> result.to_frame()                                       # doctest: +SKIP

docs/api.md has the whole API, with examples the test suite runs.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from mapper.config import Config, load_config
from mapper.errors import ConfigError, GazetteerError, GeocodingError, InputError, MapperError
from mapper.models import Article, Event, Facts, Incident, Place, RunSummary, Toponym
from mapper.version import __version__

# Loaded on first use: `import mapper` stays cheap (no gazetteer, pandas or folium).
_LAZY = {
    "RunResult": "mapper.api",
    "extract": "mapper.api",
    "geoparse": "",  # the package mapper.geoparse, callable (mapper/api.py)
    "incidents_frame": "mapper.api",
    "run": "mapper.api",
}

__all__ = [
    "Article",
    "Config",
    "ConfigError",
    "Event",
    "Facts",
    "GazetteerError",
    "GeocodingError",
    "Incident",
    "InputError",
    "MapperError",
    "Place",
    "RunResult",
    "RunSummary",
    "Toponym",
    "__version__",
    "extract",
    "geoparse",
    "incidents_frame",
    "load_config",
    "run",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:  # "" = a callable subpackage
        raise AttributeError(f"module 'mapper' has no attribute {name!r}")
    import importlib

    if not module:
        return importlib.import_module(f"mapper.{name}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once: later lookups do not come back here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _MapperPackage(types.ModuleType):
    """The package mapper, which makes its subpackage mapper.geoparse callable when the import
    system binds it here: ``mapper.geoparse(text)`` is the library call (mapper/api.py), and
    ``mapper.geoparse`` is also the geoparsing package (a submodule and a function cannot
    otherwise share the name). Done here, by the layer above, so that the geoparse package
    imports nothing of the API built on it."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "geoparse" and type(value) is types.ModuleType:
            from mapper.api import GeoparsePackage

            value.__class__ = GeoparsePackage
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _MapperPackage
