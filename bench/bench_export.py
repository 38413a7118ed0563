"""CPU time and size of the exports at scale: points, layers, CSV, GeoParquet.

The synthetic incidents of bench_map.py (15% at areas, 2% transfers); their countries made
real ones (label point, extent) and their first-level divisions given real country codes, so
that Natural Earth shapes are drawn and clipped to. Worst case: every country appears.

    python bench/bench_export.py [--incidents 100000] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import zlib
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_map import incidents, taxonomy


def _with_real_countries(items: list) -> list:
    from mapper.gazetteer.boundaries import load_countries

    # A country is one place, as in the gazetteer: its label point and extent.
    countries = {c.iso2: c for c in load_countries() if c.iso2}
    codes = sorted(countries)
    fixed = []
    for incident in items:
        place = incident.place
        code = codes[zlib.crc32(place.place_id.encode()) % len(codes)]
        if place.precision == "country":
            c = countries[code]
            place = replace(
                place,
                place_id=f"ne:{c.ne_id}",
                country=code,
                lat=c.label_lat,
                lon=c.label_lon,
                extent_km=round(c.extent_km, 1),
            )
        elif place.precision == "admin1":
            place = replace(place, country=code)
        fixed.append(replace(incident, place=place))
    return fixed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    from mapper import export

    items = _with_real_countries(incidents(args.incidents, taxonomy()))
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-export-"))
    out.mkdir(parents=True, exist_ok=True)
    steps = [
        ("incidents.geojson", lambda: export.write_geojson(items, out / "incidents.geojson")),
        ("layers", lambda: export.write_geojson_layers(items, (), out / "incidents.geojson")),
        ("incidents.csv", lambda: export.write_csv(items, out / "incidents.csv")),
        ("incidents.parquet", lambda: export.write_parquet(items, out / "incidents.parquet")),
    ]
    for name, step in steps:
        started = time.process_time()
        step()
        print(f"{name:20s} {time.process_time() - started:6.2f} s CPU")
    for path in sorted(out.iterdir()):
        print(f"{path.name:28s} {path.stat().st_size / 1e6:8.1f} MB")


if __name__ == "__main__":
    main()
