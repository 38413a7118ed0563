"""Bad settings and bad taxonomy files end in one line that names the key and what is valid.

Hand-written cases for each kind of mistake, then property tests: any mapping, any --set text
and any taxonomy YAML either loads or raises ConfigError with a one-line message.
"""

from __future__ import annotations

import dataclasses
import tempfile
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapper.cli import main
from mapper.config import Config, load_config
from mapper.errors import ConfigError
from mapper.events.taxonomy import load_taxonomy

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

SECTIONS: dict[str, type] = {
    name: hint
    for name, hint in typing.get_type_hints(Config).items()
    if dataclasses.is_dataclass(hint)
}


def config_error(tmp_path: Path, data: Any, overrides: list[str] | None = None) -> str:
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path, overrides)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def section_class(name: str) -> type:
    return SECTIONS[name]


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_unknown_key_in_each_section_lists_its_keys(tmp_path, section):
    message = config_error(tmp_path, {section: {"no_such_key": 1}})
    valid = sorted(f.name for f in dataclasses.fields(section_class(section)))
    assert message == (
        f"unknown config key '{section}.no_such_key'; valid keys: {', '.join(valid)}"
    )


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_section_that_is_not_a_mapping_lists_its_keys(tmp_path, section):
    message = config_error(tmp_path, {section: 5})
    valid = sorted(f.name for f in dataclasses.fields(section_class(section)))
    assert message.startswith(f"{section}: expected a mapping of settings")
    assert f"valid keys: {', '.join(valid)}" in message


def _wrong_value(hint: Any) -> Any:
    """A value of the wrong type for a setting's type hint."""
    origin = typing.get_origin(hint)
    if origin is list:
        return "not a list"
    if origin is dict:
        return ["not", "a", "mapping"]
    if hint is str:
        return 5
    if hint is bool:
        return "sometimes"
    return "lots"  # int and float


WRONG_TYPES = [
    (section, f.name, _wrong_value(typing.get_type_hints(section_class(section))[f.name]))
    for section in sorted(SECTIONS)
    for f in dataclasses.fields(section_class(section))
]


@pytest.mark.parametrize(("section", "key", "value"), WRONG_TYPES)
def test_wrong_type_names_the_key_and_the_type(tmp_path, section, key, value):
    message = config_error(tmp_path, {section: {key: value}})
    assert message.startswith(f"{section}.{key}: expected ")
    assert repr(value)[:20] in message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"input": [1]}, "input[0]: expected str, got int 1"),
        ({"render": {"online_tiles": ["OpenStreetMap.Mapnik", 2]}}, "render.online_tiles[1]"),
        ({"render": {"tile_keys": {"CartoDB.Positron": 5}}}, "render.tile_keys.CartoDB.Positron"),
        (
            {"ingest": {"csv_columns": {"body": "text"}}},
            "ingest.csv_columns: unknown article field 'body'; valid fields: date, id, source, "
            "text, title, url",
        ),
        ({"ingest": {"csv_columns": {"text": ["a"]}}}, "ingest.csv_columns.text: expected str"),
        (
            {"ingest": {"on_bad_record": "ignore"}},
            "ingest.on_bad_record: 'ignore' is not one of fail, skip",
        ),
        (
            {"events": {"toll_policy": "max"}},
            "events.toll_policy: 'max' is not one of latest, highest",
        ),
        (
            {"ingest": {"max_article_chars": 0}},
            "ingest.max_article_chars: must be at least 1, got 0",
        ),
        ({"ingest": {"max_batch_articles": -5}}, "ingest.max_batch_articles: must be at least 1"),
        ({"geocoder": {"timeout": 0}}, "geocoder.timeout: must be between 0 and 3600, got 0.0"),
        ({"geocoder": {"max_retries": 99}}, "geocoder.max_retries: must be between 0 and 10"),
        ({"geocoder": {"min_delay_seconds": -1}}, "geocoder.min_delay_seconds: must be between"),
        ({"geoparse": {"min_score": float("nan")}}, "geoparse.min_score: must be at least 0"),
        ({"incidents": {"merge_distance_km": -1}}, "incidents.merge_distance_km: must be between"),
        ({"render": {"max_zoom": 0}}, "render.max_zoom: must be between 1 and 30"),
        (
            {"geoparse": {"country_hint": "USA"}},
            "geoparse.country_hint: expected an ISO 3166-1 alpha-2 country code such as US",
        ),
        ({"render": {"online": "yes please"}}, "render.online: expected bool, got str"),
        (
            {"incidents": {"merge_window_days": True}},
            "incidents.merge_window_days: expected int, got bool",
        ),
        ({"output_dir": "x" * 500}, None),  # fine: long values are allowed
    ],
)
def test_invalid_values_name_the_key_and_valid_values(tmp_path, data, expected):
    if expected is None:
        assert load_config(_write(tmp_path, data)).output_dir == "x" * 500
        return
    message = config_error(tmp_path, data)
    assert expected in message


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        (
            {"deaths": {"thresholds": [1], "levels": [2]}},
            "events.severity: unknown fact 'deaths'; valid facts: killed, injured",
        ),
        ({"killed": 5}, "events.severity.killed: expected a mapping with keys cap, label"),
        ({"killed": {"thresholds": [1, 10]}}, "events.severity.killed: missing key 'levels'"),
        (
            {"killed": {"thresholds": [1, 10], "levels": [2]}},
            "thresholds and levels differ in length (2 and 1)",
        ),
        ({"killed": {"thresholds": [10, 1], "levels": [2, 3]}}, "expected ascending numbers"),
        (
            {"killed": {"thresholds": [1], "levels": [9]}},
            "events.severity.killed.levels[0]: severity levels are 0-5, got 9",
        ),
        (
            {"killed": {"thresholds": ["one"], "levels": [2]}},
            "events.severity.killed.thresholds[0]: expected float, got str",
        ),
        (
            {"killed": {"thresholds": [1], "levels": [2], "colour": "red"}},
            "unknown config key events.severity.killed.colour; valid keys: cap, label, levels",
        ),
    ],
)
def test_severity_bands_are_checked_before_the_run(tmp_path, severity, expected):
    assert expected in config_error(tmp_path, {"events": {"severity": severity}})


def test_valid_severity_band_loads(tmp_path):
    band = {"thresholds": [1, 50], "levels": [2, 4], "label": "dead", "cap": 4}
    config = load_config(_write(tmp_path, {"events": {"severity": {"killed": band}}}))
    assert config.events.severity["killed"]["levels"] == [2, 4]


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("ingest.on_bad_record", "expected KEY=VALUE"),
        (".x=1", "expected KEY=VALUE"),
        ("ingest..max_article_chars=5", "expected KEY=VALUE"),
        ("ingest.max_article_chars=[1", "the value is not valid YAML"),
        ("ingest.max_article_chars=big", "ingest.max_article_chars: expected int, got str 'big'"),
        ("ingest.nope=1", "unknown config key 'ingest.nope'; valid keys: csv_columns"),
        ("render.title.x=1", "render.title: expected str, got dict"),
    ],
)
def test_set_override_errors(override, expected):
    with pytest.raises(ConfigError) as info:
        load_config(None, [override])
    assert expected in str(info.value) and "\n" not in str(info.value)


def test_set_into_an_empty_section_of_the_file(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("ingest:\n", encoding="utf-8")
    config = load_config(path, ["ingest.on_bad_record=skip"])
    assert config.ingest.on_bad_record == "skip"


def test_config_file_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_bytes(b"output_dir: out\nrender:\n  title: caf\xe9\n")
    with pytest.raises(ConfigError, match=r"c.yaml:3: not UTF-8 text"):
        load_config(path)


def test_yaml_syntax_error_is_one_line_with_the_line(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("render:\n  title: 'open\n  online: true\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "c.yaml:" in str(info.value) and "not valid YAML" in str(info.value)
    assert "\n" not in str(info.value)


# ---- taxonomy files ---------------------------------------------------------------------

GOOD_CATEGORY = {"id": "flood", "label": "Floods", "colour": "#123456", "icon": "tint"}


def taxonomy_error(tmp_path: Path, content: Any, *, raw: bytes | None = None) -> str:
    path = tmp_path / "tax.yaml"
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(yaml.safe_dump(content), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_taxonomy(str(path))
    message = str(info.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            {"categoris": []},
            "a taxonomy needs a 'categories' list (valid keys: categories, extends, fallback)",
        ),
        (
            {"categories": [GOOD_CATEGORY], "fallback": "flood", "colours": 1},
            "unknown key 'colours'; valid keys: categories, extends, fallback",
        ),
        (
            {"categories": [{**GOOD_CATEGORY, "color": "#000000"}], "fallback": "flood"},
            "unknown key 'color'; valid keys: id, label, colour, icon, description, "
            "casualty_free, cues",
        ),
        (
            {"categories": [{"id": "flood", "label": "F"}], "fallback": "flood"},
            "category lacks colour, icon (required: id, label, colour, icon)",
        ),
        ({"categories": ["flood"], "fallback": "flood"}, "each category must be a mapping"),
        (
            {"categories": [{**GOOD_CATEGORY, "colour": "blue"}], "fallback": "flood"},
            "colour 'blue' must be #rrggbb",
        ),
        (
            {"categories": [{**GOOD_CATEGORY, "id": "Flood Event"}], "fallback": "flood"},
            "id 'Flood Event' must be snake_case",
        ),
        (
            {"categories": [{**GOOD_CATEGORY, "cues": "flood"}], "fallback": "flood"},
            "cues must be a list of patterns",
        ),
        (
            {
                "categories": [{**GOOD_CATEGORY, "cues": [{"pattern": "x", "weight": "heavy"}]}],
                "fallback": "flood",
            },
            "cue 0 weight 'heavy' must be a number",
        ),
        (
            {"categories": [{**GOOD_CATEGORY, "cues": [{"pattern": 5}]}], "fallback": "flood"},
            "cue 0 must be a string or a mapping with keys pattern (a string) and weight",
        ),
        (
            {
                "categories": [{**GOOD_CATEGORY, "cues": [{"pattern": "x", "weigth": 2}]}],
                "fallback": "flood",
            },
            "unknown key 'weigth'; valid keys: pattern, weight",
        ),
        (
            {"categories": [{**GOOD_CATEGORY, "cues": ["(unclosed"]}], "fallback": "flood"},
            "cue '(unclosed' is not a valid regex",
        ),
        (
            {"categories": [GOOD_CATEGORY], "fallback": "other"},
            "fallback category 'other' is not defined; defined categories: flood",
        ),
        (
            {"categories": [GOOD_CATEGORY], "extends": "nosuch", "fallback": "flood"},
            "is neither a built-in taxonomy (default) nor an existing file",
        ),
    ],
)
def test_bad_taxonomy_names_the_key_and_valid_values(tmp_path, content, expected):
    assert expected in taxonomy_error(tmp_path, content)


def test_taxonomy_extending_itself_is_refused(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text(yaml.safe_dump({"extends": str(path), "categories": [GOOD_CATEGORY]}))
    with pytest.raises(ConfigError, match="'extends' loops back to itself"):
        load_taxonomy(str(path))


def test_taxonomy_yaml_error_is_one_line(tmp_path):
    message = taxonomy_error(tmp_path, None, raw=b"categories:\n  - id: [unclosed\n")
    assert "tax.yaml:" in message and "not valid YAML" in message


def test_taxonomy_not_utf8(tmp_path):
    message = taxonomy_error(tmp_path, None, raw=b"categories: []\n# caf\xe9\n")
    assert "not UTF-8 text" in message


def test_taxonomy_path_is_a_directory(tmp_path):
    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(ConfigError, match=r"events\.taxonomy: cannot read"):
        load_taxonomy(str(tmp_path / "dir.yaml"))


def test_extending_default_still_works(tmp_path):
    path = tmp_path / "ext.yaml"
    path.write_text(yaml.safe_dump({"extends": "default", "categories": [GOOD_CATEGORY]}))
    taxonomy = load_taxonomy(str(path))
    assert "flood" in taxonomy.ids and "earthquake" in taxonomy.ids


def test_cli_bad_taxonomy_exit_2_one_line_no_outputs(tmp_path):
    taxonomy = tmp_path / "tax.yaml"
    taxonomy.write_text(yaml.safe_dump({"categories": [{**GOOD_CATEGORY, "color": "#000000"}]}))
    batch = tmp_path / "b.jsonl"
    batch.write_text('{"text": "Floods hit Dhaka."}\n', encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "run",
            "--input",
            str(batch),
            "--output-dir",
            str(out),
            "--set",
            f"events.taxonomy={taxonomy}",
        ],
    )
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "unknown key 'color'; valid keys: id, label" in lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_cli_config_error_exit_2_one_line(tmp_path):
    result = CliRunner().invoke(main, ["config", "show", "--set", "ingest.max_file_bytes=-1"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "mapper: error: ingest.max_file_bytes: must be at least 1, got -1"
    )


# ---- properties ---------------------------------------------------------------------------

KEYS = sorted(
    {*SECTIONS, "input", "output_dir", "base_dir", "nope"}
    | {f.name for cls in SECTIONS.values() for f in dataclasses.fields(cls)}
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["fail", "skip", "US", "#ffffff", "default"])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
config_data = st.dictionaries(
    st.sampled_from(KEYS),
    st.dictionaries(st.sampled_from(KEYS), values, max_size=4) | values,
    max_size=5,
)


def _loads_or_one_line_error(load: Any) -> None:
    try:
        load()
    except ConfigError as exc:
        assert str(exc) and "\n" not in str(exc)


def check_config_mapping(data: dict[str, Any]) -> None:
    """Any settings file loads or fails with one line (shared with bench/fuzz_long.py)."""
    with tempfile.TemporaryDirectory(prefix="mapper-fuzz-") as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        _loads_or_one_line_error(lambda: load_config(path))


def check_overrides(overrides: list[str]) -> None:
    """Any --set texts load or fail with one line."""
    _loads_or_one_line_error(lambda: load_config(None, overrides))


def check_taxonomy_data(data: dict[str, Any]) -> None:
    """Any taxonomy file loads or fails with one line."""
    with tempfile.TemporaryDirectory(prefix="mapper-fuzz-") as folder:
        path = Path(folder) / "fuzz_taxonomy.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        _loads_or_one_line_error(lambda: load_taxonomy(str(path)))


@FUZZ
@given(data=config_data)
def test_any_config_mapping_loads_or_one_line_error(data):
    check_config_mapping(data)


overrides = st.lists(
    st.tuples(st.sampled_from(KEYS), st.sampled_from(KEYS), st.text(max_size=12)).map(
        lambda t: f"{t[0]}.{t[1]}={t[2]}"
    )
    | st.text(max_size=30),
    max_size=3,
)


@FUZZ
@given(overrides=overrides)
def test_any_set_override_loads_or_one_line_error(overrides):
    check_overrides(overrides)


category_data = st.fixed_dictionaries(
    {},
    optional={
        "id": st.sampled_from(["flood", "Flood", "", "other"]) | st.integers(),
        "label": st.text(max_size=10) | st.integers(),
        "colour": st.sampled_from(["#abcdef", "red", "#12345"]) | st.integers(),
        "icon": st.text(max_size=8),
        "cues": st.lists(
            st.text(max_size=6)
            | st.fixed_dictionaries(
                {"pattern": st.text(max_size=6) | st.integers()}, optional={"weight": scalars}
            ),
            max_size=3,
        )
        | scalars,
        "casualty_free": scalars,
        "colr": scalars,
    },
)
taxonomy_data = st.fixed_dictionaries(
    {},
    optional={
        "categories": st.lists(category_data | scalars, max_size=3) | scalars,
        "fallback": st.sampled_from(["flood", "other", ""]) | st.integers(),
        "extends": st.sampled_from(["default", "nosuch"]) | st.none(),
        "name": scalars,
    },
)


@FUZZ
@given(data=taxonomy_data)
def test_any_taxonomy_loads_or_one_line_error(data):
    check_taxonomy_data(data)
