import pytest

from mapper.config import Config, config_hash, load_config
from mapper.errors import ConfigError


def test_config_defaults_without_file():
    config = load_config(None)
    assert config.output_dir == "output"
    assert config.geocoder.provider == "offline"
    assert config.events.taxonomy == "default"


def test_config_file_overrides_only_what_it_sets(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("output_dir: out\ngeoparse:\n  country_hint: US\n")
    config = load_config(path)
    assert config.output_dir == "out"
    assert config.geoparse.country_hint == "US"
    assert config.geoparse.min_score == Config().geoparse.min_score
    assert config.resolve_path("out") == tmp_path / "out"


def test_config_set_overrides():
    config = load_config(None, ["incidents.merge_window_days=5", "render.online=true"])
    assert config.incidents.merge_window_days == 5
    assert config.render.online is True


def test_config_set_text_settings_take_the_text_as_written():
    # Regression: YAML read ":memory:" as a mapping and 2024 as a number, and both were refused.
    config = load_config(
        None,
        [
            "store.path=:memory:",
            "render.subtitle=2024",
            "render.title='quoted: stays'",
            "render.source=[wire",
        ],
    )
    assert config.store.path == ":memory:"
    assert config.render.subtitle == "2024"
    assert config.render.title == "quoted: stays"
    assert config.render.source == "[wire"
    # A setting of another type still reads YAML.
    with pytest.raises(ConfigError, match="expected int, got dict"):
        load_config(None, ["incidents.merge_window_days=:memory:"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("outptu_dir: x\n", "unknown config key 'outptu_dir'; valid keys: "),
        (
            "geoparse:\n  hint: US\n",
            "unknown config key 'geoparse.hint'; valid keys: bbox_hint, country_hint, min_score",
        ),
        (
            "incidents:\n  merge_window_days: soon\n",
            "incidents.merge_window_days: expected int, got str",
        ),
        (
            "ingest:\n  on_bad_record: ignore\n",
            "ingest.on_bad_record: 'ignore' is not one of fail, skip",
        ),
        ("- a\n- b\n", "expected a mapping of settings"),
        ("a: [\n", "not valid YAML"),
    ],
)
def test_config_errors_name_the_key(tmp_path, text, message):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in str(info.value)


def test_config_hash_changes_with_settings():
    a = load_config(None)
    b = load_config(None, ["geoparse.country_hint=FR"])
    assert config_hash(a) == config_hash(load_config(None))
    assert config_hash(a) != config_hash(b)
    assert config_hash(a, ("events",)) == config_hash(b, ("events",))


def test_repo_config_file_is_valid():
    from tests.conftest import REPO

    config = load_config(REPO / "config.yaml")
    assert config.input == ["mapper/examples/articles.jsonl"]
