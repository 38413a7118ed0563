"""First-time build of the offline gazetteer index: what a user's first run waits for.

Each trial runs in a fresh Python process (no warm caches of an earlier trial) and calls
``load_gazetteer`` on an empty temporary cache folder, timing its parts: ``build_index``,
writing the file (``save_and_reload``, which also makes the tables a read would make; or
``save_gazetteer`` in versions that read the file back), and the whole first load; "rest" is
what the first load spends besides the two. Prints wall and CPU seconds (``time.process_time``,
this process only) of each part, best of N, and the SHA-256 of the file written, which must
not change between versions of the build code that claim to build the same index.

    python bench/bench_build.py [--runs 3] [--hash-seed 0]

The index file stores its name table sorted, so its bytes do not depend on the string hash
seed; the children still run with PYTHONHASHSEED fixed (0 unless told), so that a build that
came to depend on set order again shows as a changed hash under --hash-seed.

On a machine shared with other work, compare CPU seconds: wall seconds also count waiting.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

_CHILD = r"""
import hashlib, json, sys, tempfile, time
from pathlib import Path

clock = {}

def timed(name, function):
    def wrapper(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            clock[name] = (time.perf_counter() - wall, time.process_time() - cpu)
    return wrapper

import mapper.gazetteer as gazetteer

gazetteer.build_index = timed("build_index", gazetteer.build_index)
for name in ("save_gazetteer", "save_and_reload"):  # the latter where the build has it
    if hasattr(gazetteer, name):
        setattr(gazetteer, name, timed("write", getattr(gazetteer, name)))
with tempfile.TemporaryDirectory() as folder:
    timed("first load", gazetteer.load_gazetteer)(folder)
    (path,) = Path(folder).glob("gazetteer-*.index")
    clock["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
json.dump(clock, sys.stdout)
"""
_PARTS = ("build_index", "write", "first load")


def trial(hash_seed: str) -> dict[str, object]:
    """One first load in a fresh interpreter: part -> (wall, cpu), and the file's sha256."""
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD], check=True, capture_output=True, text=True, env=env
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="trials; the best is shown")
    parser.add_argument("--hash-seed", default="0", help="PYTHONHASHSEED of the children")
    args = parser.parse_args()
    trials = [trial(args.hash_seed) for _ in range(args.runs)]
    print(f"{'part':<12} {'wall s':>8} {'cpu s':>8}   (best of {args.runs})")
    for t in trials:  # what the first load does after writing (reading the file back ...)
        t["rest"] = [t["first load"][i] - t["build_index"][i] - t["write"][i] for i in (0, 1)]
    for part in (*_PARTS, "rest"):
        wall = min(t[part][0] for t in trials)
        cpu = min(t[part][1] for t in trials)
        print(f"{part:<12} {wall:8.2f} {cpu:8.2f}")
    digests = sorted({str(t["sha256"]) for t in trials})
    print("index sha256:", ", ".join(digests))
    if len(digests) > 1:
        sys.exit("the trials wrote different index files: the build is not deterministic")


if __name__ == "__main__":
    main()
