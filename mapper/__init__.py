"""mapper: offline-first geospatial incident mapper.

Read a batch of news articles, find and geocode every place mention, recognise the incident
each reports with its severity, and write an interactive map plus GeoJSON and CSV.

    >>> import mapper
    >>> config = mapper.load_config("config.yaml")      # doctest: +SKIP
    >>> summary = mapper.run(config)                     # doctest: +SKIP
"""

from mapper.config import Config, load_config
from mapper.errors import ConfigError, GazetteerError, GeocodingError, InputError, MapperError
from mapper.models import Article, Event, Facts, Incident, Place, RunSummary, Toponym

__version__ = "0.1.0"  # the one place the version is written (pyproject reads it)

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
    "RunSummary",
    "Toponym",
    "__version__",
    "load_config",
    "run",
]


def __getattr__(name: str):  # late import: `import mapper` stays cheap
    if name == "run":
        from mapper.pipeline import run

        return run
    raise AttributeError(name)
