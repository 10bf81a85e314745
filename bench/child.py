"""One measurement in a child process with a hard time limit (shared by the benchmark scripts)."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time


def run_child(script: str, job: dict, limit: float, grace: float) -> dict:
    """``python SCRIPT --worker JOB``, killed ``grace`` seconds past ``limit``; the job with the
    child's last line of output (JSON) merged in, or its status ``timeout`` or ``error``."""
    start = time.monotonic()
    try:
        done = subprocess.run([sys.executable, script, "--worker", json.dumps(job)],
                              capture_output=True, text=True, timeout=limit + grace)
    except subprocess.TimeoutExpired:
        return {**job, "status": "timeout", "seconds": None,
                "reason": f"killed after {time.monotonic() - start:.0f} s (limit {limit:g} s)"}
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {**job, "status": "error", "seconds": None, "reason": tail}
    return {**job, **json.loads(done.stdout.strip().splitlines()[-1])}


def header(schema: str) -> dict:
    """The first fields of a recorded run: its schema, the day, and the machine as it was then."""
    return {"schema": schema, "date": time.strftime("%Y-%m-%d"),
            "machine": {"python": platform.python_version(), "processors": os.cpu_count(),
                        "load_average": [round(x, 2) for x in os.getloadavg()]}}


def show(data: dict, table: str) -> None:
    """Print a run's table and the load average it ran under."""
    print(table)
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in data['machine']['load_average'])}")


def record(data: dict, table: str, path: str) -> None:
    """Print a run's table and the load average it ran under, and write the run to ``path`` (JSON)."""
    show(data, table)
    with open(path, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
