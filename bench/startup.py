"""The fixed cost of a small check: ``govspec check`` of a one-procedure spec against importing what
it cannot do without (``python -c "import z3, lark, click"``), as whole processes, in one run.

    python bench/run.py --startup               # 15 pairs (about half a minute)
    python bench/startup.py --pairs 30

The two commands run in turn, A B A B ..., so that a drift of the machine's speed touches both;
each figure is the processor time (user + system) of the finished process as the operating system
accounts it, and its wall time.  The ratio is taken pair by pair and its median printed (issue 14
asks for at most 2x).  Before the timing, the packages are compiled to bytecode (``compileall``),
as ``pip install`` of the wheel leaves them: an environment with ``PYTHONDONTWRITEBYTECODE`` (a
checkout run without ever writing ``__pycache__``) would otherwise time the compiler, not the
check.  The check must give the spec's known verdict (exit 0, PROVED) on every run.  Nothing is
asserted against a target: the figures are measured.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

SPEC = """\
organization "One procedure" {
  person a
  person b
  person c
  body board { members a, b, c }
  parameter done = 0
  procedure adopt {
    decided by board at meeting
      notice all
      quorum majority of members
      passes when yes > no
    effect done = 1
  }
}

property two_needed: no coalition of at most 1 in board can force adopt
"""
BASELINE = "import z3, lark, click"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str]) -> tuple[float, float, int, str]:
    """Processor seconds, wall seconds, exit code and standard output of one process."""
    start, cpu = time.monotonic(), _children_cpu()
    done = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    return _children_cpu() - cpu, time.monotonic() - start, done.returncode, done.stdout


def compiled() -> None:
    """The packages as a wheel install leaves them: bytecode next to the sources."""
    for package in ("govspec", "verifier"):
        compileall.compile_dir(os.path.join(ROOT, package), quiet=1)


def measure(pairs: int) -> dict:
    compiled()
    with tempfile.TemporaryDirectory() as folder:
        spec = os.path.join(folder, "one_procedure.gov")
        with open(spec, "w") as f:
            f.write(SPEC)
        check = [sys.executable, "-m", "govspec", "check", "-q", spec]
        base = [sys.executable, "-c", BASELINE]
        timed(check), timed(base)  # warm-up: the disk cache and the grammar's cache file
        rows = []
        for _ in range(pairs):
            a_cpu, a_wall, code, out = timed(check)
            if code != 0 or "PROVED" not in out:
                raise SystemExit(f"the check gave exit {code}, not the known PROVED:\n{out}")
            b_cpu, b_wall, _, _ = timed(base)
            rows.append({"check_cpu": a_cpu, "check_wall": a_wall, "import_cpu": b_cpu, "import_wall": b_wall})
    median = {key: statistics.median(r[key] for r in rows) for key in rows[0]}
    return {
        "pairs": pairs,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "median": median,
        "ratio_cpu": statistics.median(r["check_cpu"] / r["import_cpu"] for r in rows),
        "ratio_wall": statistics.median(r["check_wall"] / r["import_wall"] for r in rows),
        "load_average": [round(x, 2) for x in os.getloadavg()],  # (other work on the machine, at the end)
        "rows": rows,
    }


def table(result: dict) -> str:
    m = result["median"]
    return "\n".join([
        f"{result['pairs']} pairs, Python {result['python']}, {result['cpus']} processors; medians:",
        f"  govspec check (one procedure)      {m['check_cpu']:.3f} s processor  {m['check_wall']:.3f} s wall",
        f"  python -c \"{BASELINE}\"  {m['import_cpu']:.3f} s processor  {m['import_wall']:.3f} s wall",
        f"  ratio, pair by pair: {result['ratio_cpu']:.2f}x processor, {result['ratio_wall']:.2f}x wall",
        "load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in result["load_average"]),
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=15)
    parser.add_argument("--json", default=os.path.join(HERE, "startup_results.json"))
    args = parser.parse_args(argv)
    result = measure(args.pairs)
    print(table(result))
    with open(args.json, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
