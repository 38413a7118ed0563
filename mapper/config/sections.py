"""The settings' sections: one frozen dataclass per section, its defaults in code.

Takes nothing; gives Config and its sections (IngestConfig, ..., EngineConfig) and SAMPLE_INPUT.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The sample batch shipped inside the package: what `mapper run` maps when no input is set, so
# it works from any folder of a wheel install, not only from a checkout.
SAMPLE_INPUT = str(Path(__file__).resolve().parents[1] / "examples" / "articles.jsonl")

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
