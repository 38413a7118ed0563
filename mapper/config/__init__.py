"""Settings: defaults live here, in code; config.yaml overrides only what it changes.

load_config(path, overrides) -> Config. Unknown keys and wrong types raise ConfigError with the
valid keys listed. config_hash() identifies the settings that change a run's results.
"""

from __future__ import annotations

from mapper.config.env import (
    ENV_GEOCODER_API_KEY,
    ENV_TILE_KEY_PREFIX,
    fill_from_environment,
    redacted,
    tile_key_variable,
)
from mapper.config.load import (
    MAX_CONFIG_BYTES,
    MAX_CONFIG_DEPTH,
    MAX_CONFIG_NODES,
    config_as_dict,
    config_hash,
    load_config,
    rebuild,
)
from mapper.config.sections import (
    DEFAULT_CSV_COLUMNS,
    SAMPLE_INPUT,
    Config,
    EngineConfig,
    EventsConfig,
    GazetteerConfig,
    GeocoderConfig,
    GeoparseConfig,
    IncidentsConfig,
    IngestConfig,
    RenderConfig,
    StoreConfig,
)

__all__ = [
    "DEFAULT_CSV_COLUMNS",
    "ENV_GEOCODER_API_KEY",
    "ENV_TILE_KEY_PREFIX",
    "MAX_CONFIG_BYTES",
    "MAX_CONFIG_DEPTH",
    "MAX_CONFIG_NODES",
    "SAMPLE_INPUT",
    "Config",
    "EngineConfig",
    "EventsConfig",
    "GazetteerConfig",
    "GeocoderConfig",
    "GeoparseConfig",
    "IncidentsConfig",
    "IngestConfig",
    "RenderConfig",
    "StoreConfig",
    "config_as_dict",
    "config_hash",
    "fill_from_environment",
    "load_config",
    "rebuild",
    "redacted",
    "tile_key_variable",
]
