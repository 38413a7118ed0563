"""Settings: defaults live here, in code; config.yaml overrides only what it changes.

load_config(path, overrides) -> Config. Unknown keys and wrong types raise ConfigError with the
valid keys listed. config_hash() identifies the settings that change a run's results.
"""

from __future__ import annotations

import codecs
import dataclasses
import hashlib
import json
import os
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mapper.bounds import MAX_WINDOW_DAYS
from mapper.errors import ConfigError

# The sample batch shipped inside the package: what `mapper run` maps when no input is set, so
# it works from any folder of a wheel install, not only from a checkout.
SAMPLE_INPUT = str(Path(__file__).resolve().parent / "examples" / "articles.jsonl")

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
    # Input files larger than this many bytes are refused before they are read.
    max_file_bytes: int = 200_000_000
    # A batch with more articles than this is refused: split it into smaller batches.
    max_batch_articles: int = 200_000
    # A batch with more characters of article text than this is refused.
    max_batch_chars: int = 100_000_000
    # Symbolic links in an input folder that lead out of it are skipped with a warning (a
    # link to /etc/passwd must not end up on a map); true follows them.
    follow_symlinks: bool = False
    # Read every input as this format (jsonl, json, csv, txt); needed for standard input
    # (`--input -`), pipes and FIFOs, which are copied to a temporary file as they stream,
    # under max_file_bytes. "" = by file suffix.
    input_format: str = ""
    # Field separator of CSV input: one character such as ";" (Excel in many locales) or
    # "\t"; "" = sniffed from the header line among , ; tab and |.
    csv_delimiter: str = ""
    # Text encoding of the input files, e.g. cp1252 or latin-1; "" = UTF-8 (a byte-order
    # mark is dropped; UTF-16 with a byte-order mark is read too).
    encoding: str = ""


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
    # A line under the title (what the map covers, for whom); "" = none.
    subtitle: str = ""
    # Where the data comes from, shown under the title and printed ("" = no source line).
    source: str = ""
    # Add online tile layers (OpenStreetMap, CartoDB) besides the offline basemap.
    online: bool = False
    # Markers cluster in the browser either way. Above this many incidents the map is compact:
    # mapper's grid clustering instead of markercluster, areas on one canvas, and popup details
    # (evidence cut to 400 characters) gzipped and unpacked after the first draw.
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
class StoreConfig:
    # SQLite store kept across runs: "" = <output_dir>/mapper.sqlite, ":memory:" = keep nothing.
    path: str = ""
    # Seconds a run waits for another run writing the same store, then exits with code 3.
    # Readers (export) never wait: the store is in WAL mode.
    wait_seconds: float = 30.0


@dataclass(frozen=True)
class EngineConfig:
    # Where articles are geoparsed and extracted: "local" (this machine) or "dask" (a cluster).
    kind: str = "local"
    # Worker processes: the local pool (1 = in this process), or the Dask LocalCluster's size.
    workers: int = 1
    # Dask scheduler to use (tcp://host:8786); "" starts a LocalCluster on this machine.
    scheduler: str = ""
    # Articles read, planned and stored per chunk: what a run holds in memory at once.
    chunk_size: int = 2000


@dataclass(frozen=True)
class Config:
    # Input files or directories read by `mapper run` when --input is not given.
    input: list[str] = field(default_factory=lambda: [SAMPLE_INPUT])
    # Directory the map, GeoJSON and CSV are written to.
    output_dir: str = "output"
    ingest: IngestConfig = field(default_factory=IngestConfig)
    gazetteer: GazetteerConfig = field(default_factory=GazetteerConfig)
    geoparse: GeoparseConfig = field(default_factory=GeoparseConfig)
    geocoder: GeocoderConfig = field(default_factory=GeocoderConfig)
    events: EventsConfig = field(default_factory=EventsConfig)
    incidents: IncidentsConfig = field(default_factory=IncidentsConfig)
    render: RenderConfig = field(default_factory=RenderConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    engine: EngineConfig = field(default_factory=EngineConfig)
    # Directory relative paths in this config resolve against (set by load_config).
    base_dir: str = field(default=".", metadata={"internal": True})

    def resolve_path(self, value: str) -> Path:
        path = Path(value).expanduser()
        return path if path.is_absolute() else Path(self.base_dir) / path


_CHOICES = {
    ("ingest", "on_bad_record"): ("fail", "skip"),
    ("events", "toll_policy"): ("latest", "highest"),
    ("ingest", "input_format"): ("", "jsonl", "json", "csv", "txt"),
    ("engine", "kind"): ("local", "dask"),
}


@dataclass(frozen=True)
class _Range:
    """Allowed values of a numeric setting; ``above`` makes the lower bound exclusive."""

    low: float | None = None
    high: float | None = None
    above: bool = False

    def describe(self) -> str:
        if self.low is not None and self.high is not None:
            return f"between {self.low:g} and {self.high:g}"
        if self.low is not None:
            return f"{'above' if self.above else 'at least'} {self.low:g}"
        return f"at most {self.high:g}"

    def allows(self, value: float) -> bool:
        if value != value:  # NaN passes no comparison
            return False
        if self.low is not None and (value <= self.low if self.above else value < self.low):
            return False
        return self.high is None or value <= self.high


_RANGES = {
    ("ingest", "max_article_chars"): _Range(1),
    ("ingest", "max_file_bytes"): _Range(1),
    ("ingest", "max_batch_articles"): _Range(1),
    ("ingest", "max_batch_chars"): _Range(1),
    ("gazetteer", "min_population"): _Range(0),
    ("geoparse", "min_score"): _Range(0),
    ("geocoder", "min_delay_seconds"): _Range(0, 3600),
    ("geocoder", "timeout"): _Range(0, 3600, above=True),
    ("geocoder", "max_retries"): _Range(0, 10),
    ("incidents", "merge_distance_km"): _Range(0, 20_100),  # half the Earth's circumference
    # Dates plus or minus the window must stay computable (mapper/bounds.py).
    ("incidents", "merge_window_days"): _Range(0, MAX_WINDOW_DAYS),
    ("render", "cluster_threshold"): _Range(0),
    ("render", "max_zoom"): _Range(1, 30),
    ("render", "embed_width"): _Range(1, 100_000),
    ("render", "embed_height"): _Range(1, 100_000),
    ("store", "wait_seconds"): _Range(0, 86_400),
    ("engine", "workers"): _Range(1, 1024),
    ("engine", "chunk_size"): _Range(1, 1_000_000),
}

# Settings whose text has a fixed form: (pattern, description of the valid values).
_PATTERNS = {
    ("geoparse", "country_hint"): (
        r"(|[A-Za-z]{2})",
        "an ISO 3166-1 alpha-2 country code such as US, or empty",
    ),
}

_SEVERITY_BAND_KEYS = ("cap", "label", "levels", "thresholds")


def _show(value: Any, limit: int = 60) -> str:
    """A value's repr for a one-line message: capped, newlines escaped by repr."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _type_name(hint: Any) -> str:
    return getattr(hint, "__name__", str(hint))


def _public_fields(cls: type) -> list[dataclasses.Field[Any]]:
    return [f for f in dataclasses.fields(cls) if not f.metadata.get("internal")]


def _check_scalar(value: Any, hint: Any, key: str) -> Any:
    if hint is Any or not isinstance(hint, type):
        return value
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if (hint is not bool and isinstance(value, bool)) or not isinstance(value, hint):
        raise ConfigError(
            f"{key}: expected {_type_name(hint)}, got {type(value).__name__} {_show(value)}"
        )
    return value


def _check_type(value: Any, hint: Any, key: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (list, tuple):
        if not isinstance(value, list):
            raise ConfigError(f"{key}: expected a list, got {type(value).__name__} {_show(value)}")
        item = args[0] if args else Any
        return [_check_scalar(v, item, f"{key}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(
                f"{key}: expected a mapping, got {type(value).__name__} {_show(value)}"
            )
        key_hint, value_hint = args if args else (Any, Any)
        checked = {}
        for k, v in value.items():
            _check_scalar(k, key_hint, f"{key} key {_show(k)}")
            checked[k] = _check_scalar(v, value_hint, f"{key}.{k}")
        return checked
    if origin in (typing.Union, types.UnionType):
        return value
    return _check_scalar(value, hint, key)


def _check_csv_columns(columns: dict[str, str], key: str) -> None:
    valid = sorted(DEFAULT_CSV_COLUMNS)
    for name in columns:
        if name not in DEFAULT_CSV_COLUMNS:
            raise ConfigError(
                f"{key}: unknown article field {_show(name)}; valid fields: {', '.join(valid)}"
            )


def _check_severity(bands: dict[str, Any], key: str) -> None:
    """events.severity: {fact: {thresholds: [...], levels: [...], label?, cap?}}."""
    from mapper.models import Facts  # late: models is a leaf, config only needs it here

    facts = [f.name for f in dataclasses.fields(Facts)]
    for name, band in bands.items():
        where = f"{key}.{name}"
        if name not in facts:
            raise ConfigError(f"{key}: unknown fact {_show(name)}; valid facts: {', '.join(facts)}")
        if not isinstance(band, dict):
            raise ConfigError(
                f"{where}: expected a mapping with keys {', '.join(_SEVERITY_BAND_KEYS)}, "
                f"got {type(band).__name__} {_show(band)}"
            )
        for band_key in band:
            if band_key not in _SEVERITY_BAND_KEYS:
                raise ConfigError(
                    f"unknown config key {where}.{band_key}; "
                    f"valid keys: {', '.join(_SEVERITY_BAND_KEYS)}"
                )
        for required in ("thresholds", "levels"):
            if required not in band:
                raise ConfigError(f"{where}: missing key {required!r} (a list)")
        thresholds = _check_type(band["thresholds"], list[float], f"{where}.thresholds")
        levels = _check_type(band["levels"], list[int], f"{where}.levels")
        if len(thresholds) != len(levels):
            raise ConfigError(
                f"{where}: thresholds and levels differ in length "
                f"({len(thresholds)} and {len(levels)})"
            )
        if thresholds != sorted(thresholds) or any(t != t for t in thresholds):
            raise ConfigError(f"{where}.thresholds: expected ascending numbers, got {thresholds}")
        cap = _check_scalar(band.get("cap", 5), int, f"{where}.cap")
        for i, level in enumerate([*levels, cap]):
            if not 0 <= level <= 5:
                what = f"{where}.levels[{i}]" if i < len(levels) else f"{where}.cap"
                raise ConfigError(f"{what}: severity levels are 0-5, got {level}")
        _check_scalar(band.get("label", name), str, f"{where}.label")


# Codes outside ISO 3166-1 that the gazetteer's data use all the same (GeoNames: Kosovo).
_EXTRA_COUNTRY_CODES = frozenset({"XK"})


def _check_country(value: str, dotted: str) -> None:
    """An ISO 3166-1 alpha-2 code that names a country (or empty)."""
    if not value:
        return
    import pycountry  # late: only when a code is set

    if value.upper() not in _EXTRA_COUNTRY_CODES and not pycountry.countries.get(
        alpha_2=value.upper()
    ):
        hint = "GB for the United Kingdom" if value.upper() == "UK" else "e.g. US, GB, NG"
        raise ConfigError(
            f"{dotted}: {_show(value)} is not an ISO 3166-1 alpha-2 country code ({hint})"
        )


def _check_delimiter(value: str, dotted: str) -> None:
    if value and (len(value) != 1 or value in '"\r\n' or value.isalnum() or value == " "):
        raise ConfigError(
            f'{dotted}: expected one separator character such as , ; | or "\\t", '
            f"or empty to sniff it, got {_show(value)}"
        )


def _check_encoding(value: str, dotted: str) -> None:
    if not value:
        return
    try:
        info = codecs.lookup(value)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise ConfigError(
            f"{dotted}: unknown text encoding {_show(value)} (e.g. utf-8, cp1252, latin-1)"
        )


_VALUE_CHECKS = {
    ("geoparse", "country_hint"): _check_country,
    ("ingest", "csv_delimiter"): _check_delimiter,
    ("ingest", "encoding"): _check_encoding,
}


def _check_value(prefix: str, key: str, value: Any, dotted: str) -> None:
    """Range, choice and form checks beyond the type."""
    choices = _CHOICES.get((prefix, key))
    if choices and value not in choices:
        raise ConfigError(f"{dotted}: {_show(value)} is not one of {', '.join(choices)}")
    bounds = _RANGES.get((prefix, key))
    if bounds is not None and not bounds.allows(value):
        raise ConfigError(f"{dotted}: must be {bounds.describe()}, got {_show(value)}")
    form = _PATTERNS.get((prefix, key))
    if form is not None and not re.fullmatch(form[0], value):
        raise ConfigError(f"{dotted}: expected {form[1]}, got {_show(value)}")
    check = _VALUE_CHECKS.get((prefix, key))
    if check is not None:
        check(value, dotted)
    if (prefix, key) == ("ingest", "csv_columns"):
        _check_csv_columns(value, dotted)
    if (prefix, key) == ("events", "severity"):
        _check_severity(value, dotted)


def _build(cls: type, data: Any, prefix: str) -> Any:
    valid = {f.name: f for f in _public_fields(cls)}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{prefix or 'config'}: expected a mapping of settings "
            f"(valid keys: {', '.join(sorted(valid))}), got {type(data).__name__} {_show(data)}"
        )
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}.{key}" if prefix else str(key)
        if key not in valid:
            raise ConfigError(
                f"unknown config key {_show(dotted)}; valid keys: {', '.join(sorted(valid))}"
            )
        hint = hints[key]
        if dataclasses.is_dataclass(hint):
            kwargs[key] = _build(hint, value if value is not None else {}, dotted)
            continue
        value = _check_type(value, hint, dotted)
        _check_value(prefix, key, value, dotted)
        kwargs[key] = value
    return cls(**kwargs)


def _parse_override(text: str) -> tuple[list[str], Any]:
    import yaml  # late: `import mapper` stays cheap

    if "=" not in text:
        raise ConfigError(f"--set {text!r}: expected KEY=VALUE, e.g. geocoder.provider=nominatim")
    key, raw = text.split("=", 1)
    keys = [part.strip() for part in key.split(".")]
    if not all(keys):
        raise ConfigError(f"--set {text!r}: expected KEY=VALUE, e.g. geocoder.provider=nominatim")
    try:
        value = _bounded(yaml.safe_load(raw), f"--set {key}") if raw else ""
    except yaml.YAMLError as exc:
        if _hint_at(keys) is not str:
            raise ConfigError(f"--set {text!r}: the value is not valid YAML") from exc
        value = raw
    # A text setting takes the text as written, as a shell user means it: `store.path=:memory:`
    # is not the mapping YAML reads, nor `render.title=2024` a number. Quoted text stays YAML's.
    if not isinstance(value, str) and _hint_at(keys) is str:
        value = raw.strip()
    return keys, value


def _hint_at(keys: list[str]) -> Any:
    """The type of the setting at ``keys`` (section names, then the setting), or None."""
    cls: Any = Config
    hint: Any = None
    for key in keys:
        if not dataclasses.is_dataclass(cls) or key not in {f.name for f in _public_fields(cls)}:
            return None
        hint = cls = typing.get_type_hints(cls)[key]
    return hint


# A settings file is small: bounded in bytes, and in what its YAML aliases may expand to (an
# alias bomb is a few lines that share nodes a billion times over).
MAX_CONFIG_BYTES = 1_000_000
MAX_CONFIG_NODES = 100_000
MAX_CONFIG_DEPTH = 32


def _bounded(data: Any, where: str) -> Any:
    """``data`` unchanged, or ConfigError when, with every alias expanded, it holds more than
    MAX_CONFIG_NODES values or nests deeper than MAX_CONFIG_DEPTH (or refers to itself)."""
    count = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_CONFIG_NODES:
            raise ConfigError(
                f"{where}: settings expand to more than {MAX_CONFIG_NODES:,} values "
                "(YAML aliases?); refusing them"
            )
        if depth > MAX_CONFIG_DEPTH:
            raise ConfigError(f"{where}: settings nest deeper than {MAX_CONFIG_DEPTH} levels")
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for pair in node.items() for child in pair)
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return data


def load_config(path: str | Path | None = None, overrides: list[str] | None = None) -> Config:
    """Read a config file (or none) and apply `KEY=VALUE` overrides over the defaults."""
    import yaml  # late: `import mapper` stays cheap

    data: dict[str, Any] = {}
    base_dir = Path(".")
    if path is not None:
        path = Path(path)
        try:
            # Bounded: `--config /dev/zero` must not read until memory runs out.
            with path.open("rb") as handle:
                raw = handle.read(MAX_CONFIG_BYTES + 1)
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read config file ({exc.strerror})") from exc
        if len(raw) > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: config file is over {MAX_CONFIG_BYTES:,} bytes")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise ConfigError(f"{path}:{line}: not UTF-8 text; save the file as UTF-8") from exc
        try:
            loaded = _bounded(yaml.safe_load(text), str(path))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f":{mark.line + 1}" if mark is not None else ""
            problem = getattr(exc, "problem", None)
            detail = f" ({' '.join(str(problem).split())})" if problem else ""
            raise ConfigError(f"{path}{where}: not valid YAML{detail}") from exc
        if loaded is not None and not isinstance(loaded, dict):
            raise ConfigError(f"{path}: expected a mapping of settings at the top level")
        data = loaded or {}
        base_dir = path.parent
    for override in overrides or []:
        keys, value = _parse_override(override)
        node = data
        for key in keys[:-1]:
            if node.get(key) is None:  # an empty section in YAML (`ingest:`) is a mapping
                node[key] = {}
            node = node[key]
            if not isinstance(node, dict):
                raise ConfigError(f"--set {override!r}: {key!r} is not a section")
        node[keys[-1]] = value
    from mapper.config_env import fill_from_environment

    fill_from_environment(data, os.environ, RenderConfig().online_tiles)
    config = _build(Config, data, "")
    return dataclasses.replace(config, base_dir=str(base_dir))


def rebuild(config: Config, changes: dict[str, dict[str, Any]]) -> Config:
    """``config`` with ``changes`` ({section: {key: value}}) applied, each value checked as
    load_config checks a settings file's, and MAPPER_* secrets filled in where unset (the
    Python API's keyword settings)."""
    from mapper.config_env import fill_from_environment

    data = config_as_dict(config)
    for section, values in changes.items():
        data[section] = {**data[section], **values}
    # A provider named here may take its key from MAPPER_GEOCODER_API_KEY, as from a file.
    fill_from_environment(data, os.environ, RenderConfig().online_tiles)
    return dataclasses.replace(_build(Config, data, ""), base_dir=config.base_dir)


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
