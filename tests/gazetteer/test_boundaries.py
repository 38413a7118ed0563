"""Natural Earth units: a country's neighbours are found without reading every shape."""

from __future__ import annotations

from mapper.gazetteer.boundaries import (
    _country_at,
    _stored_boxes,
    countries_meeting,
    load_countries,
)

# A box around Switzerland (min_lon, min_lat, max_lon, max_lat).
ALPS = (5.9, 45.8, 10.5, 47.8)


def test_stored_boxes_are_the_shapes_bounds() -> None:
    boxes = _stored_boxes()
    countries = load_countries()
    assert len(boxes) == len(countries) == 250
    assert all(box == c.geometry.bounds for box, c in zip(boxes, countries, strict=True))


def test_countries_meeting_a_box_are_the_neighbours_in_file_order() -> None:
    found = countries_meeting(ALPS)
    names = {c.name for c in found}
    assert {"Switzerland", "France", "Germany", "Italy", "Austria", "Liechtenstein"} <= names
    assert "Spain" not in names and "Japan" not in names
    order = [c.ne_id for c in load_countries()]
    assert [c.ne_id for c in found] == sorted((c.ne_id for c in found), key=order.index)


def test_countries_meeting_reads_the_same_shapes_as_loading_them_all() -> None:
    # Empty the process's caches so the neighbours are read one by one, as in a fresh run.
    load_countries.cache_clear()
    _country_at.cache_clear()
    alone = [(c.ne_id, c.geometry.wkb) for c in countries_meeting(ALPS)]
    everything = [
        (c.ne_id, c.geometry.wkb)
        for c in load_countries()
        if c.geometry.bounds[0] <= ALPS[2]
        and ALPS[0] <= c.geometry.bounds[2]
        and c.geometry.bounds[1] <= ALPS[3]
        and ALPS[1] <= c.geometry.bounds[3]
    ]
    assert alone == everything
