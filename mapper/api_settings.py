"""Keyword settings of the library calls: ``country_hint="US"`` or
``geoparse={"country_hint": "US"}``, checked as config.yaml's values are, and remembered so that
a loop of calls does not rebuild its Config each time."""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import threading
from collections.abc import Sequence
from typing import Any

from mapper.config import Config, load_config, rebuild
from mapper.errors import ConfigError

_LOCK = threading.Lock()


def _valid_settings(sections: Sequence[str]) -> dict[str, list[str]]:
    """Setting name -> the sections that have it."""
    owners: dict[str, list[str]] = {}
    for section in sections:
        for f in dataclasses.fields(Config.__dataclass_fields__[section].default_factory()):
            owners.setdefault(f.name, []).append(section)
    return owners


def _unknown(name: str, valid: list[str], where: str) -> ConfigError:
    close = difflib.get_close_matches(name, valid, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return ConfigError(
        f"{where}: unknown setting {name!r}{hint}; valid settings: {', '.join(valid)}"
    )


def with_settings(
    config: Config | None, settings: dict[str, Any], sections: Sequence[str], where: str
) -> Config:
    """``config`` (or the defaults and MAPPER_* variables) with keyword ``settings`` applied,
    checked as config.yaml's values are."""
    base = config if config is not None else load_config(None)
    if not settings:
        return base
    owners = _valid_settings(sections)
    valid = sorted({*owners, *sections})
    data: dict[str, dict[str, Any]] = {}
    for name, value in settings.items():
        if name in sections:
            if not isinstance(value, dict):
                raise ConfigError(
                    f"{where}: {name}= takes a mapping of its settings "
                    f"({', '.join(k for k, s in owners.items() if name in s)}), "
                    f"got {type(value).__name__}"
                )
            data.setdefault(name, {}).update(value)
            continue
        found = owners.get(name)
        if not found:
            raise _unknown(name, valid, where)
        if len(found) > 1:
            raise ConfigError(
                f"{where}: {name!r} is a setting of {' and '.join(found)}; "
                f"pass it as {found[0]}={{{name!r}: ...}}"
            )
        data.setdefault(found[0], {})[name] = value
    return rebuild(base, data)


# Settings already applied, so that a loop of geoparse() calls does not rebuild and recheck
# its Config each time: (id of the base config or None, MAPPER_* variables, settings) ->
# (the base config, the result). The base is kept to make sure the id still names it.
_CONFIGURED: dict[tuple[Any, ...], tuple[Config | None, Config]] = {}
_MAX_CONFIGURED = 32


def configured(
    config: Config | None, settings: dict[str, Any], sections: Sequence[str], where: str
) -> Config:
    """with_settings(), remembered for the last few distinct calls."""
    environment = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("MAPPER_")))
    try:
        wanted = json.dumps(settings, sort_keys=True)
    except (TypeError, ValueError):  # not plain data: checked (and refused) afresh
        return with_settings(config, settings, sections, where)
    key = (id(config), environment, wanted, tuple(sections), where)
    with _LOCK:
        hit = _CONFIGURED.get(key)
    if hit is not None and hit[0] is config:
        return hit[1]
    result = with_settings(config, settings, sections, where)
    with _LOCK:
        if len(_CONFIGURED) >= _MAX_CONFIGURED:
            _CONFIGURED.pop(next(iter(_CONFIGURED)))
        _CONFIGURED[key] = (config, result)
    return result
