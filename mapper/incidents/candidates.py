"""The merge's candidate query: which stored incidents a report may join, read off the store.

Takes a report's place and reach; gives ``candidates_sql`` (the SQL test on the incidents,
places and articles rows, with its arguments) and ``stored_anchor`` (the ``Anchor`` of one row
it keeps, for mapper.incidents.merge.match).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from mapper.incidents.codec import load_place
from mapper.incidents.merge import Anchor
from mapper.models import Place


def candidates_sql(place: Place, reach_km: float) -> tuple[str, tuple[Any, ...]]:
    """The SQL test (and its arguments) that keeps the incidents a report at ``place`` may
    match across ``reach_km`` (widest_reach times the merge distance).

    Its first two lines are the test earlier versions made, kept so that exactly the same
    rows can match: the same place; a latitude near enough (a degree of latitude is at least
    111 km of great circle: a necessary condition of places_match's distance); or the same
    country. The country line used to let through every incident of the country in the date
    window; now it is narrowed to the rows hierarchy.place_contains can accept:

    - a country, or a first-level division by its ISO code, contains anything of its country
      (an incident at one, and any incident when the report is at one);
    - a second-level unit contains what names it as its admin2 (either way round);
    - any other containment lies within the outer place's extent, or 5 km for a smaller one:
      the latitude test, with that floor, stands for them. (A division without an ISO code
      reaches 1.5 times its extent, but every division is let through by its kind.)
    """
    kind = place.feature_class
    wide = "abs(i.lat - ?) * 111.0 <= ? + max(i.extent_km, ?, 5.0)"
    inside = [wide, "p.kind IN ('country', 'admin1')"]
    args: list[Any] = [place.lat, reach_km, place.extent_km]
    if place.admin2 is not None:
        inside.append("i.place_id = ?")
        args.append(place.admin2)
    if kind in ("country", "admin1"):
        inside.append("1")
    elif kind == "admin2":
        inside.append("p.admin2 = ?")
        args.append(place.place_id)
    sql = (
        "(i.place_id = ? OR abs(i.lat - ?) * 111.0 <= ? + max(i.extent_km, ?) "
        f"OR (p.country = ? AND ({' OR '.join(inside)})))"
    )
    head = (place.place_id, place.lat, reach_km, place.extent_km, place.country or "")
    return sql, (*head, *args)


def stored_anchor(
    incident_id: str,
    category: str,
    day: str | None,
    place_id: str,
    lat: float,
    lon: float,
    extent: float,
    place_data: str | None,
    batch: int | None,
    magnitude: float | None,
    parsed: dict[str, Place | None],
) -> Anchor:
    # The anchor's own columns hold its point; the stored place adds the codes that tell
    # containment (country, first-level division, kind). ``parsed`` keeps each place read
    # (places are not written while a batch merges): a busy place is met by many reports.
    if place_id in parsed:
        stored = parsed[place_id]
    else:
        stored = parsed[place_id] = load_place(json.loads(place_data)) if place_data else None
    if stored is not None:
        place = replace(stored, lat=lat, lon=lon, extent_km=extent)
    else:
        place = Place(place_id, "", lat, lon, "", "point", extent_km=extent)
    return Anchor(incident_id, category, day, place, batch or 0, magnitude)
