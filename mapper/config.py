"""Settings: defaults live here, in code; config.yaml overrides only what it changes.

load_config(path, overrides) -> Config. Unknown keys and wrong types raise ConfigError with the
valid keys listed. config_hash() identifies the settings that change a run's results.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mapper.errors import ConfigError

DEFAULT_CSV_COLUMNS = {
    "id": "id",
    "title": "title",
    "text": "text",
    "date": "date",
    "url": "url",
    "source": "source",
}


@dataclass(frozen=True)
class IngestConfig:
    # Column names in CSV input for each article field; only `text` is required.
    csv_columns: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_CSV_COLUMNS))
    # What to do with a malformed record: fail (exit 2) or skip it with a warning.
    on_bad_record: str = "fail"
    # Articles longer than this many characters are refused (bounded memory).
    max_article_chars: int = 5_000_000


@dataclass(frozen=True)
class GazetteerConfig:
    # Where the built search index is cached; empty means the user cache directory.
    cache_dir: str = ""
    # Populated places below this population are left out of the index.
    min_population: int = 500


@dataclass(frozen=True)
class GeoparseConfig:
    # ISO 3166-1 alpha-2 code of the country most articles are about, or "" for none.
    country_hint: str = ""
    # Below this score the resolver abstains (no coordinates).
    min_score: float = 0.2
    # Area most articles are about, [min_lon, min_lat, max_lon, max_lat], or [] for none.
    bbox_hint: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class GeocoderConfig:
    # "offline" (the bundled gazetteer) or any geopy provider name (nominatim, photon, ...).
    provider: str = "offline"
    # Required by remote providers: identify your application to the service.
    user_agent: str = ""
    # Extra keyword arguments for the geopy provider (domain, scheme, api_key, ...).
    options: dict[str, Any] = field(default_factory=dict)
    # Seconds between two requests to a remote provider.
    min_delay_seconds: float = 1.0
    # Seconds before a remote request times out.
    timeout: float = 10.0
    # Retries of a failed remote request, with exponential backoff.
    max_retries: int = 2
    # Persistent cache of remote answers; empty means <output_dir>/geocode_cache.sqlite.
    cache_path: str = ""


@dataclass(frozen=True)
class EventsConfig:
    # Built-in taxonomy name ("default") or a path to a taxonomy YAML file.
    taxonomy: str = "default"
    # Which report wins when merged reports disagree on a toll: "latest" or "highest".
    toll_policy: str = "latest"
    # Severity bands to override, by fact: {killed: {thresholds: [1, 10], levels: [2, 3]}}.
    severity: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IncidentsConfig:
    # Reports of the same category whose places lie within this many km (plus their extents) merge.
    merge_distance_km: float = 50.0
    # ... and whose dates lie within this many days.
    merge_window_days: int = 3


@dataclass(frozen=True)
class RenderConfig:
    # Title shown on the map.
    title: str = "mapper: incident map"
    # Add online tile layers (OpenStreetMap, CartoDB) besides the offline basemap.
    online: bool = False
    # Above this many incidents, markers are clustered client-side from compact GeoJSON.
    cluster_threshold: int = 2000
    # xyzservices names of the tile layers added when online (the first one is shown).
    online_tiles: list[str] = field(
        default_factory=lambda: ["OpenStreetMap.Mapnik", "CartoDB.Positron"]
    )
    # API keys for tile providers that need one, by provider name ("CartoDB.Positron": "...").
    tile_keys: dict[str, str] = field(default_factory=dict)
    # Deepest zoom level; clustering needs one, and at it stacked incidents spiderfy.
    max_zoom: int = 18
    # Size in pixels of the fixed-size map written with --embed (and of its iframe).
    embed_width: int = 960
    # Height in pixels of the fixed-size map and its iframe.
    embed_height: int = 600


@dataclass(frozen=True)
class Config:
    # Input files or directories read by `mapper run` when --input is not given.
    input: list[str] = field(default_factory=lambda: ["examples/articles.jsonl"])
    # Directory the map, GeoJSON and CSV are written to.
    output_dir: str = "output"
    ingest: IngestConfig = field(default_factory=IngestConfig)
    gazetteer: GazetteerConfig = field(default_factory=GazetteerConfig)
    geoparse: GeoparseConfig = field(default_factory=GeoparseConfig)
    geocoder: GeocoderConfig = field(default_factory=GeocoderConfig)
    events: EventsConfig = field(default_factory=EventsConfig)
    incidents: IncidentsConfig = field(default_factory=IncidentsConfig)
    render: RenderConfig = field(default_factory=RenderConfig)
    # Directory relative paths in this config resolve against (set by load_config).
    base_dir: str = field(default=".", metadata={"internal": True})

    def resolve_path(self, value: str) -> Path:
        path = Path(value).expanduser()
        return path if path.is_absolute() else Path(self.base_dir) / path


_CHOICES = {
    ("ingest", "on_bad_record"): ("fail", "skip"),
    ("events", "toll_policy"): ("latest", "highest"),
}


def _public_fields(cls: type) -> list[dataclasses.Field[Any]]:
    return [f for f in dataclasses.fields(cls) if not f.metadata.get("internal")]


def _check_type(value: Any, hint: Any, key: str) -> Any:
    origin = typing.get_origin(hint)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if origin in (list, tuple):
        if not isinstance(value, list):
            raise ConfigError(f"{key}: expected a list, got {type(value).__name__} {value!r}")
        return list(value)
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{key}: expected a mapping, got {type(value).__name__} {value!r}")
        return dict(value)
    if origin in (typing.Union, types.UnionType):
        return value
    if isinstance(hint, type):
        if (hint is not bool and isinstance(value, bool)) or not isinstance(value, hint):
            raise ConfigError(
                f"{key}: expected {hint.__name__}, got {type(value).__name__} {value!r}"
            )
    return value


def _build(cls: type, data: Any, prefix: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"{prefix or 'config'}: expected a mapping, got {data!r}")
    hints = typing.get_type_hints(cls)
    valid = {f.name: f for f in _public_fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}.{key}" if prefix else str(key)
        if key not in valid:
            raise ConfigError(
                f"unknown config key {dotted!r}; valid keys: {', '.join(sorted(valid))}"
            )
        hint = hints[key]
        if dataclasses.is_dataclass(hint):
            kwargs[key] = _build(hint, value if value is not None else {}, dotted)
            continue
        value = _check_type(value, hint, dotted)
        choices = _CHOICES.get((prefix, key))
        if choices and value not in choices:
            raise ConfigError(f"{dotted}: {value!r} is not one of {', '.join(choices)}")
        kwargs[key] = value
    return cls(**kwargs)


def _parse_override(text: str) -> tuple[list[str], Any]:
    if "=" not in text:
        raise ConfigError(f"--set {text!r}: expected KEY=VALUE, e.g. geocoder.provider=nominatim")
    key, raw = text.split("=", 1)
    return key.strip().split("."), yaml.safe_load(raw) if raw else ""


def load_config(path: str | Path | None = None, overrides: list[str] | None = None) -> Config:
    """Read a config file (or none) and apply `KEY=VALUE` overrides over the defaults."""
    data: dict[str, Any] = {}
    base_dir = Path(".")
    if path is not None:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read config file ({exc.strerror})") from exc
        try:
            loaded = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f":{mark.line + 1}" if mark is not None else ""
            raise ConfigError(f"{path}{where}: not valid YAML") from exc
        if loaded is not None and not isinstance(loaded, dict):
            raise ConfigError(f"{path}: expected a mapping of settings at the top level")
        data = loaded or {}
        base_dir = path.parent
    for override in overrides or []:
        keys, value = _parse_override(override)
        node = data
        for key in keys[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                raise ConfigError(f"--set {override!r}: {key!r} is not a section")
        node[keys[-1]] = value
    config = _build(Config, data, "")
    return dataclasses.replace(config, base_dir=str(base_dir))


def config_as_dict(config: Config) -> dict[str, Any]:
    """The effective settings as plain data (without internal fields)."""
    data = dataclasses.asdict(config)
    data.pop("base_dir", None)
    return data


def config_hash(config: Config, sections: tuple[str, ...] = ()) -> str:
    """SHA-256 (16 hex digits) of the sorted-JSON settings, optionally of some sections only."""
    data = config_as_dict(config)
    if sections:
        data = {key: data[key] for key in sections}
    blob = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
