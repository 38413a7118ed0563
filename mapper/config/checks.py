"""Checks of settings read from YAML or --set: types, choices, ranges and forms.

_build(cls, data, prefix) -> a section (or Config) from plain data, or ConfigError naming the
valid keys or values.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
import types
import typing
from dataclasses import dataclass
from typing import Any

from mapper.bounds import MAX_WINDOW_DAYS
from mapper.config.sections import DEFAULT_CSV_COLUMNS
from mapper.errors import ConfigError

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
