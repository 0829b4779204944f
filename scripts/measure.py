"""Runs a command and prints its wall time and peak resident memory as JSON.

  python scripts/measure.py [--runs N] -- CMD [ARGS...]

Peak memory is the child's ru_maxrss (this process has no other children).
With --runs N the command runs N times; the report gives each run and the
median wall time.
"""

import json
import resource
import statistics
import subprocess
import sys
import time


def main():
    args = sys.argv[1:]
    runs = 1
    if args[:1] == ["--runs"]:
        runs = int(args[1])
        args = args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    walls = []
    for _ in range(runs):
        start = time.monotonic()
        done = subprocess.run(args, stdout=subprocess.DEVNULL)
        walls.append(time.monotonic() - start)
        if done.returncode not in (0, 1):
            sys.exit(f"{args[0]} exited with {done.returncode}")
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({
        "command": " ".join(args[:3]) + " ...",
        "runs": runs,
        "wall_seconds": [round(w, 3) for w in walls],
        "median_wall_seconds": round(statistics.median(walls), 3),
        "peak_rss_mib": round(peak_kib / 1024, 1),
    }))


if __name__ == "__main__":
    main()
