"""Reading settings: a YAML file and KEY=VALUE overrides merged over the defaults.

load_config(path, overrides) -> Config; rebuild(config, changes) -> Config; config_as_dict and
config_hash give the effective settings as plain data and as a short hash.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import typing
from pathlib import Path
from typing import Any

from mapper.config.checks import _build, _public_fields
from mapper.config.sections import Config, RenderConfig
from mapper.errors import ConfigError


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
    from mapper.config.env import fill_from_environment

    fill_from_environment(data, os.environ, RenderConfig().online_tiles)
    config = _build(Config, data, "")
    return dataclasses.replace(config, base_dir=str(base_dir))


def rebuild(config: Config, changes: dict[str, dict[str, Any]]) -> Config:
    """``config`` with ``changes`` ({section: {key: value}}) applied, each value checked as
    load_config checks a settings file's, and MAPPER_* secrets filled in where unset (the
    Python API's keyword settings)."""
    from mapper.config.env import fill_from_environment

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
