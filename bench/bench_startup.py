"""Start-up time of the `mapper` command on one article, with a built gazetteer index.

Runs `mapper run` and `mapper geoparse` on a one-article batch in fresh subprocesses (each run
in a fresh output folder, so nothing is skipped as seen before), several times, after one
untimed warm-up run, and prints the median and range of the wall time and the median CPU time
(on a busy machine wall time also counts waiting for a core). A second `mapper run` article
has a relative place phrase ("northern ..."), which also loads the boundary shapes.

    python bench/bench_startup.py [--runs 7]

Targets: `mapper run` on one article <= 1.5 s, `mapper geoparse` on one article <= 1.0 s.
Find where the time goes with `python -X importtime -m mapper run ... 2> imports.txt`.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLAIN = {
    "id": "bench-1",
    "title": "Earthquake shakes a mountain town",
    "text": (
        "A magnitude 5.8 earthquake struck near Mendoza, Argentina on Tuesday, killing at least "
        "four people and injuring 30, officials said."
    ),
    "date": "2026-03-03",
    "url": "https://example.org/quake",
    "source": "Bench Wire",
}
RELATIVE = {
    "id": "bench-2",
    "title": "Floods in the north",
    "text": (
        "Floods in northern Portugal displaced 2,000 people on Friday after three days of heavy "
        "rain, the civil protection agency said."
    ),
    "date": "2026-03-06",
    "url": "https://example.org/floods",
    "source": "Bench Wire",
}


def mapper_command() -> list[str]:
    script = Path(sys.executable).with_name("mapper")
    return [str(script)] if script.exists() else [sys.executable, "-m", "mapper"]


def time_runs(
    command: list[str], cwd: Path, runs: int, fresh: Path | None
) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds of each run; `fresh` is removed before each run.

    CPU time is what the command costs by itself: on a busy machine the wall time also counts
    waiting for a core.
    """
    walls, cpus = [], []
    # One untimed run first: it fills the map's user cache (mapper/render/cache.py) and the OS
    # file cache, as any run after a user's first has them.
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    for _ in range(runs):
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def report(
    label: str, command: list[str], times: tuple[list[float], list[float]], target: float | None
) -> None:
    walls, cpus = times
    goal = f" (target <= {target:.1f} s)" if target else ""
    print(
        f"{label:<34} wall median {statistics.median(walls):.2f} s  min {min(walls):.2f}"
        f"  max {max(walls):.2f}  cpu median {statistics.median(cpus):.2f} s"
        f"  over {len(walls)} runs{goal}"
    )
    print(f"  command: {' '.join(command)}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    base = mapper_command()
    # Builds the index only when it is missing (`gazetteer build` would always rebuild it).
    subprocess.run([*base, "gazetteer", "info"], check=True, capture_output=True)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, article in (("one.jsonl", PLAIN), ("relative.jsonl", RELATIVE)):
            (folder / name).write_text(json.dumps(article) + "\n", encoding="utf-8")
        out = folder / "out"
        run_cmd = [*base, "run", "--input", "one.jsonl", "--output-dir", "out"]
        relative_cmd = [*base, "run", "--input", "relative.jsonl", "--output-dir", "out"]
        geoparse_cmd = [*base, "geoparse", "one.jsonl", "-o", "places.jsonl"]
        help_cmd = [*base, "--help"]
        print(f"python {sys.version.split()[0]}, {args.runs} runs each, built index")
        report("mapper --help", help_cmd, time_runs(help_cmd, folder, args.runs, None), None)
        report(
            "mapper geoparse (1 article)",
            geoparse_cmd,
            time_runs(geoparse_cmd, folder, args.runs, None),
            1.0,
        )
        report("mapper run (1 article)", run_cmd, time_runs(run_cmd, folder, args.runs, out), 1.5)
        report(
            "mapper run (1 article, relative)",
            relative_cmd,
            time_runs(relative_cmd, folder, args.runs, out),
            None,
        )
    print("reproduce: python bench/bench_startup.py --runs", args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
