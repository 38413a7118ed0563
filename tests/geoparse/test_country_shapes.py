"""Country shapes for relative places: kept in the user cache, read back coordinate for
coordinate, and worked out again when the cached file is damaged."""

from __future__ import annotations

from mapper.gazetteer import default_cache_dir
from mapper.geoparse import country_shapes


def _fresh() -> None:
    country_shapes._derived.cache_clear()


def test_shapes_read_from_the_cache_are_the_computed_ones() -> None:
    computed = country_shapes._compute("PT")
    _fresh()
    first = country_shapes._derived("PT")  # computes and writes the file, or reads it
    _fresh()
    again = country_shapes._derived("PT")  # reads the file
    assert first[0].wkb_hex == again[0].wkb_hex == computed["main"]
    assert first[1].wkb_hex == again[1].wkb_hex == computed["land"]
    assert again[2] == tuple(computed["label"])
    assert list(default_cache_dir().glob("country-shapes-PT-*.json"))


def test_a_damaged_cache_file_is_worked_out_again(caplog) -> None:
    _fresh()
    country_shapes._derived("ES")
    for path in default_cache_dir().glob("country-shapes-ES-*.json"):
        path.write_text('{"main": "not hex", "land": null, "label": [0, 0]}', encoding="utf-8")
    _fresh()
    main, _, label = country_shapes._derived("ES")
    assert main.wkb_hex == country_shapes._compute("ES")["main"]
    assert 39 < label[0] < 41  # Spain's label point, in the middle of the country
    assert "unreadable" in caplog.text


def test_a_code_natural_earth_lacks_has_no_shapes() -> None:
    assert country_shapes.main_polygon("QQ") is None
    assert country_shapes.label_point("QQ") is None


def test_a_damaged_cache_file_is_replaced() -> None:
    _fresh()
    country_shapes._derived("FR")
    paths = list(default_cache_dir().glob("country-shapes-FR-*.json"))
    for path in paths:
        path.write_text("{}", encoding="utf-8")
    _fresh()
    country_shapes._derived("FR")
    assert all('"main"' in path.read_text(encoding="utf-8") for path in paths)
