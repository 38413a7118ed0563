"""Reverse geocoding speed of OfflineGeocoder: CPU milliseconds per point.

Points are drawn with a fixed seed: half near gazetteer towns (up to ~30 km off, so on land and
across borders), half anywhere on the globe (mostly sea). The indexes (STRtree over the towns,
Natural Earth polygons) are built before timing, once per process, as in real use. The figure is
the best of ``--repeats`` passes, in CPU time (time.process_time), so a busy machine does not
inflate it. ``--check N`` also compares the nearest town with a linear haversine scan over all
towns (the previous method) on N points, and times that scan.

    python bench/bench_reverse.py [--points 5000] [--repeats 5] [--check 20]

Target: <= 0.1 ms per point (the linear scan took ~24-72 ms).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time

from mapper.gazetteer import haversine_km
from mapper.geocoders import OfflineGeocoder
from mapper.geocoders.nearest import NearestPlaces


def sample_points(
    geocoder: OfflineGeocoder, count: int, seed: int = 16
) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    g = geocoder.gazetteer
    towns = [e for e, kind in enumerate(g.kinds) if kind == "city"]
    points = []
    for i in range(count):
        if i % 2 == 0:
            town = towns[rng.randrange(len(towns))]
            lat = max(-89.9, min(89.9, g.lats[town] + rng.uniform(-0.25, 0.25)))
            lon = (g.lons[town] + rng.uniform(-0.3, 0.3) + 540) % 360 - 180
        else:
            lat = math.degrees(math.asin(rng.uniform(-1, 1)))  # uniform over the sphere
            lon = rng.uniform(-180, 180)
        points.append((lat, lon))
    return points


def time_reverse(geocoder: OfflineGeocoder, points: list[tuple[float, float]], repeats: int):
    best = math.inf
    answered = 0
    for _ in range(repeats):
        start = time.process_time()
        answers = [geocoder.reverse(point) for point in points]
        best = min(best, time.process_time() - start)
        answered = sum(a is not None for a in answers)
    return best / len(points) * 1000, answered


def linear_nearest(index: NearestPlaces, lat: float, lon: float) -> tuple[float, int]:
    g = index.gazetteer
    return min((haversine_km(lat, lon, g.lats[e], g.lons[e]), e) for e in index.entries)


def check(geocoder: OfflineGeocoder, points: list[tuple[float, float]]) -> tuple[int, float]:
    """(agreements with the linear scan, linear scan ms per point)."""
    index = geocoder._nearest_index(frozenset({"city", "village"}))
    agree = 0
    start = time.process_time()
    for lat, lon in points:
        km, _ = linear_nearest(index, lat, lon)
        found = index.nearest(lat, lon)
        agree += bool(found) and abs(found[0].km - km) < 1e-6
    return agree, (time.process_time() - start) / len(points) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--check", type=int, default=20, help="points checked by linear scan")
    args = parser.parse_args(argv)

    geocoder = OfflineGeocoder()
    start = time.process_time()
    geocoder.reverse((0.0, 0.0))  # builds the indexes
    built = time.process_time() - start
    points = sample_points(geocoder, args.points)
    ms, answered = time_reverse(geocoder, points, args.repeats)
    print(f"indexes built once in {built:.2f} s CPU (gazetteer load included)")
    print(
        f"reverse(): {ms:.4f} ms CPU per point (best of {args.repeats} x {len(points)} points, "
        f"{answered} answered, the rest at sea)"
    )
    if args.check:
        agree, linear_ms = check(geocoder, points[: args.check])
        print(
            f"nearest town equals a linear haversine scan on {agree}/{args.check} points; "
            f"that scan takes {linear_ms:.1f} ms CPU per point"
        )
    return 0 if ms <= 0.1 else 1


if __name__ == "__main__":
    sys.exit(main())
