"""Settings added for the library and shell conventions: ISO country codes, CSV delimiter and
encoding, MAPPER_* secrets from the environment, keyword settings rebuilt and checked."""

from __future__ import annotations

import pytest

from mapper.config import Config, load_config, rebuild
from mapper.config.env import (
    ENV_GEOCODER_API_KEY,
    fill_from_environment,
    redacted,
    tile_key_variable,
)
from mapper.errors import ConfigError


@pytest.mark.parametrize("code", ["US", "de", "NA", "XK", ""])
def test_country_hint_accepts_iso_codes(code):
    assert load_config(None, [f"geoparse.country_hint={code}"]).geoparse.country_hint == code


@pytest.mark.parametrize("code", ["XX", "ZZ", "UK", "USA", "U1"])
def test_country_hint_refuses_what_is_no_country(code):
    with pytest.raises(ConfigError, match=r"geoparse\.country_hint: ") as error:
        load_config(None, [f"geoparse.country_hint={code}"])
    assert "ISO 3166-1 alpha-2" in str(error.value)
    if code == "UK":
        assert "GB for the United Kingdom" in str(error.value)


def test_csv_delimiter_and_encoding_are_checked():
    config = load_config(None, ['ingest.csv_delimiter=";"', "ingest.encoding=cp1252"])
    assert (config.ingest.csv_delimiter, config.ingest.encoding) == (";", "cp1252")
    assert load_config(None, ['ingest.csv_delimiter="\\t"']).ingest.csv_delimiter == "\t"
    for bad in ("ab", "a", '"\\""', '"\\n"'):
        with pytest.raises(ConfigError, match=r"ingest\.csv_delimiter: expected one separator"):
            load_config(None, [f"ingest.csv_delimiter={bad}"])
    for bad in ("klingon", "rot13", "base64"):
        with pytest.raises(ConfigError, match=f"unknown text encoding '{bad}'"):
            load_config(None, [f"ingest.encoding={bad}"])


def test_tile_key_variable_names():
    assert tile_key_variable("Thunderforest.OpenCycleMap") == (
        "MAPPER_TILE_KEY_THUNDERFOREST_OPENCYCLEMAP"
    )
    assert tile_key_variable("Stadia.AlidadeSmooth") == "MAPPER_TILE_KEY_STADIA_ALIDADESMOOTH"


def test_geocoder_key_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_GEOCODER_API_KEY, "env-key")
    remote = load_config(None, ["geocoder.provider=opencage"])
    assert remote.geocoder.options == {"api_key": "env-key"}
    # The offline gazetteer takes no key: the variable changes nothing (nor the results' hash).
    assert load_config(None).geocoder.options == {}
    config = tmp_path / "config.yaml"
    config.write_text("geocoder:\n  provider: opencage\n  options: {api_key: file-key}\n")
    assert load_config(config).geocoder.options == {"api_key": "file-key"}  # the file wins
    overridden = load_config(config, ["geocoder.options.api_key=set-key"])
    assert overridden.geocoder.options == {"api_key": "set-key"}


def test_tile_keys_from_the_environment(monkeypatch):
    monkeypatch.setenv(tile_key_variable("Thunderforest.OpenCycleMap"), "tiles")
    monkeypatch.setenv(tile_key_variable("Stadia.AlidadeSmooth"), "unused")
    config = load_config(None, ["render.online_tiles=[Thunderforest.OpenCycleMap]"])
    assert config.render.tile_keys == {"Thunderforest.OpenCycleMap": "tiles"}
    assert load_config(None).render.tile_keys == {}  # not a layer the settings show


def test_environment_leaves_wrong_types_for_the_checks():
    data = {"geocoder": {"provider": "opencage", "options": "oops"}}
    fill_from_environment(data, {ENV_GEOCODER_API_KEY: "k"}, [])
    assert data == {"geocoder": {"provider": "opencage", "options": "oops"}}
    with pytest.raises(ConfigError, match=r"geocoder\.options: expected a mapping"):
        load_config(None, ["geocoder.options=oops"])


def test_redacted_hides_keys_and_tokens():
    data = {
        "geocoder": {"options": {"api_key": "a", "domain": "geo.example.org", "token": "t"}},
        "render": {"tile_keys": {"X.Y": "b"}},
    }
    assert redacted(data) == {
        "geocoder": {"options": {"api_key": "***", "domain": "geo.example.org", "token": "***"}},
        "render": {"tile_keys": {"X.Y": "***"}},
    }
    assert data["geocoder"]["options"]["api_key"] == "a"  # a copy, the original unchanged


def test_rebuild_checks_each_value_as_a_file_does():
    config = rebuild(Config(), {"geoparse": {"country_hint": "KE"}, "engine": {"workers": 2}})
    assert (config.geoparse.country_hint, config.engine.workers) == ("KE", 2)
    assert config.geoparse.min_score == Config().geoparse.min_score
    with pytest.raises(ConfigError, match=r"engine\.workers: must be between 1 and 1024, got 0"):
        rebuild(Config(), {"engine": {"workers": 0}})
    with pytest.raises(ConfigError, match=r"unknown config key 'geoparse\.hint'"):
        rebuild(Config(), {"geoparse": {"hint": "KE"}})
