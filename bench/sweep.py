"""A sweep of parameter points on one process, on two, and on a local Dask cluster, in the same run.

    python bench/run.py --sweep                 # 200 points (about four minutes on 2 cores)
    python bench/sweep.py --points 40           # fewer

Each point is a spec file of its own: the OpenAI board with quorum on the nine seats
(specs/openai/board_2023_seat_quorum.gov) with its quorum clause changed to ``quorum N/P of
seats`` for N = 1 .. P, written to a temporary folder.  All P files are checked by one
``govspec check`` command three times: with ``-j 1``, with ``-j 2``, and with ``--cluster`` on a
local Dask scheduler with two worker processes of one thread each (started before the timing;
its workers import GovSpec on their first task, which is timed, as ``-j 2`` times its processes'
start).  Each time is the whole command, interpreter start included.  The three JSON reports
must agree (timings aside): the run says so.  Prints the times and the ratios -j 1 / -j 2 and
cluster / -j 2 (the issue's aims: at least 1.7x, and at most 1.5x).  Nothing is asserted: the
figures are measured, never compared with a target here.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BASE = os.path.join(ROOT, "specs", "openai", "board_2023_seat_quorum.gov")
CLAUSE = "quorum majority of seats"


def write_points(folder: str, points: int) -> list[str]:
    """The ``points`` spec files, one quorum fraction each."""
    with open(BASE) as f:
        text = f.read()
    assert CLAUSE in text
    paths = []
    for n in range(1, points + 1):
        path = os.path.join(folder, f"quorum_{n:03d}_of_{points}.gov")
        with open(path, "w") as f:
            f.write(text.replace(CLAUSE, f"quorum {n}/{points} of seats"))
        paths.append(path)
    return paths


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str]) -> tuple[float, int, dict, float]:
    """The seconds of one ``govspec check`` command, its exit code, its report (timings masked) and
    the processor seconds it and its processes used (not a Dask cluster's workers: not its children)."""
    start, cpu = time.monotonic(), _children_cpu()
    done = subprocess.run([sys.executable, "-m", "govspec", "check", "-q", "--format", "json", *args],
                          capture_output=True, text=True, cwd=ROOT)
    seconds, cpu = time.monotonic() - start, _children_cpu() - cpu
    if done.returncode not in (0, 1, 4):
        raise SystemExit(f"govspec check {' '.join(args[:3])} ... exited {done.returncode}: {done.stderr[-2000:]}")
    return seconds, done.returncode, json.loads(re.sub(r'"seconds": [-0-9.e+]+', '"seconds": 0', done.stdout)), cpu


def sweep(points: int) -> dict:
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory() as folder:
        paths = write_points(folder, points)
        load = os.getloadavg()[0]
        one = timed(["-j", "1", *paths])
        two = timed(["-j", "2", *paths])
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                          host="127.0.0.1") as cluster:
            dask = timed(["--cluster", cluster.scheduler_address, *paths])
        load_after = os.getloadavg()[0]
    verdicts = [p["status"] for f in one[2]["files"] for p in f["properties"]]
    return {"points": points, "properties": len(verdicts),
            "statuses": {s: verdicts.count(s) for s in sorted(set(verdicts))},
            "same": one[1:3] == two[1:3] == dask[1:3],
            "cpu_seconds": {"j1": one[3], "j2": two[3]},
            "seconds": {"j1": one[0], "j2": two[0], "cluster": dask[0]},
            "load_before": load, "load_after": load_after}


def table(result: dict) -> str:
    s, c = result["seconds"], result["cpu_seconds"]
    lines = [f"sweep: {result['points']} parameter points (quorum N/{result['points']} of seats), "
             f"{result['properties']} properties {result['statuses']}; the three reports "
             f"{'agree' if result['same'] else 'DIFFER'} (timings aside)",
             f"load average (1 min) before {result['load_before']:.2f}, after {result['load_after']:.2f}",
             "| run | seconds | ratio |", "| --- | --- | --- |",
             f"| -j 1 | {s['j1']:.1f} | -j 1 / -j 2: {s['j1'] / s['j2']:.2f}x |",
             f"| -j 2 | {s['j2']:.1f} | |",
             f"| --cluster (local, 2 workers) | {s['cluster']:.1f} | cluster / -j 2: {s['cluster'] / s['j2']:.2f}x |",
             f"processor seconds: -j 1 {c['j1']:.1f} ({c['j1'] / s['j1']:.2f} cores on average), "
             f"-j 2 {c['j2']:.1f} ({c['j2'] / s['j2']:.2f} cores on average)"]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=200, help="parameter points (default 200)")
    parser.add_argument("--json", default=os.path.join(HERE, "sweep_results.json"), help="where to write the results")
    args = parser.parse_args(argv)
    result = sweep(args.points)
    print(table(result))
    with open(args.json, "w") as f:
        json.dump({"schema": "govspec-bench-sweep/1", "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                   "machine": {"cores": os.cpu_count()}, **result}, f, indent=2)
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
