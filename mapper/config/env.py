"""Secrets from the environment, and settings shown with their secrets hidden.

API keys need not sit in a settings file or a shell history: MAPPER_GEOCODER_API_KEY and
MAPPER_TILE_KEY_<PROVIDER> fill in what config.yaml and --set leave unset (load_config).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

ENV_GEOCODER_API_KEY = "MAPPER_GEOCODER_API_KEY"
ENV_TILE_KEY_PREFIX = "MAPPER_TILE_KEY_"


def tile_key_variable(provider: str) -> str:
    """The environment variable holding a tile provider's API key:
    ``Thunderforest.OpenCycleMap`` -> ``MAPPER_TILE_KEY_THUNDERFOREST_OPENCYCLEMAP``."""
    return ENV_TILE_KEY_PREFIX + re.sub(r"[^A-Za-z0-9]+", "_", provider).strip("_").upper()


def fill_from_environment(
    data: dict[str, Any], environ: Mapping[str, str], default_tiles: list[str]
) -> None:
    """geocoder.options.api_key from MAPPER_GEOCODER_API_KEY (for a remote provider) and
    render.tile_keys from MAPPER_TILE_KEY_<PROVIDER> (for the layers in render.online_tiles).
    Values of the wrong type are left for the checks to name."""
    api_key = environ.get(ENV_GEOCODER_API_KEY)
    geocoder = data.get("geocoder") or {}
    if api_key and isinstance(geocoder, dict) and geocoder.get("provider", "offline") != "offline":
        options = geocoder.get("options") or {}
        if isinstance(options, dict) and "api_key" not in options:
            data["geocoder"] = {**geocoder, "options": {**options, "api_key": api_key}}
    if not any(name.startswith(ENV_TILE_KEY_PREFIX) for name in environ):
        return
    render = data.get("render") or {}
    if not isinstance(render, dict):
        return
    names = render.get("online_tiles", default_tiles)
    keys = render.get("tile_keys") or {}
    if not isinstance(names, list) or not isinstance(keys, dict):
        return
    found = {
        name: environ[tile_key_variable(name)]
        for name in names
        if isinstance(name, str) and name not in keys and environ.get(tile_key_variable(name))
    }
    if found:
        data["render"] = {**render, "tile_keys": {**keys, **found}}


_SECRET_OPTION = re.compile(r"key|token|secret|password", re.IGNORECASE)


def redacted(data: dict[str, Any]) -> dict[str, Any]:
    """config_as_dict's output with API keys and tokens shown as "***" (for `config show`)."""
    data = json.loads(json.dumps(data, default=str))
    options = data.get("geocoder", {}).get("options", {})
    for name in options:
        if _SECRET_OPTION.search(name):
            options[name] = "***"
    tile_keys = data.get("render", {}).get("tile_keys", {})
    for name in tile_keys:
        tile_keys[name] = "***"
    return data
