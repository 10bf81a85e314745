"""One measurement in a child process with a hard time limit (shared by the benchmark scripts)."""

from __future__ import annotations

import json
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
