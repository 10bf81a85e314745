"""What loading holders from a file costs: ``people from "FILE"`` with 100,000 rows (GovSpec issue 13, point 7).

    python bench/holders.py                       # 1,000, 10,000 and 100,000 rows, CSV and JSON, best of 3
    python bench/holders.py --rows 100000 --repeat 5 --json /tmp/holders.json

Each file holds distinct holders as a DAO's export does: an address (``0x`` and 40 hex digits), a
weight with six decimals, a tag on one row in seven, a principal on one row in ten.  The spec loads
them ``into`` a body.  What is timed, in this process after a warm-up load (interpreter start,
imports and building the parser excluded): the rows alone (:func:`govspec.syntax.read_people` on
the text, the cycle collector paused as during a load), and the whole load (:func:`govspec.api.load`:
read and hash the file, parse the spec, join, check, build the model), wall clock and processor
time, the least of ``--repeat`` runs.  Prints a table and the machine's load average, and writes
the run of the default rows to ``bench/holders_results.json`` (the run docs/performance.md quotes;
``--json PATH`` writes any run elsewhere, and a run of other rows is not written without it):
figures are measured, never compared with a target here (``tests/test_holders.py`` times nothing;
it checks that the page quotes the recorded run, and what the page says of its figures).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sys
import tempfile
import time

from child import header, record, show

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

SPEC = 'organization "DAO" {\n  people from "holders.EXT" into holders tags holder\n  body holders { }\n}\n'


def rows(n: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        row = {"address": "0x%040x" % rng.getrandbits(160),
               "weight": f"{rng.randint(1, 10 ** 9)}.{rng.randint(0, 999_999):06d}"}
        row["tags"] = "early" if i % 7 == 0 else ""
        row["principal"] = f"fund{i % 50}" if i % 10 == 0 else ""
        out.append(row)
    return out


def write(folder: str, ext: str, data: list[dict]) -> str:
    path = os.path.join(folder, f"holders.{ext}")
    with open(path, "w", encoding="utf-8") as handle:
        if ext == "csv":
            handle.write("address,weight,tags,principal\n")
            handle.writelines(f"{r['address']},{r['weight']},{r['tags']},{r['principal']}\n" for r in data)
        else:
            json.dump([{k: v for k, v in r.items() if v} for r in data], handle)
    spec = os.path.join(folder, f"dao_{ext}.gov")
    with open(spec, "w", encoding="utf-8") as handle:
        handle.write(SPEC.replace("EXT", ext))
    return spec


def best(repeat: int, run) -> tuple[float, float]:
    """The least wall-clock seconds of ``repeat`` runs, and the least processor seconds (on a shared
    machine the wall clock also counts the time other processes hold the cores)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(wall), min(cpu)


DEFAULT_ROWS = [1_000, 10_000, 100_000]
COLUMNS = f"{'format':<7}{'rows':>9}{'MB':>7}{'rows alone s':>14}{'whole load s':>14}{'(cpu s)':>9}"


def line(row: dict) -> str:
    return (f"{row['format']:<7}{row['rows']:>9,}{row['mb']:>7.1f}{row['rows_alone']:>14.3f}"
            f"{row['whole_load']:>14.3f}{row['whole_load_cpu']:>9.3f}")


def table(result: dict) -> str:
    """The run as the text table docs/performance.md quotes."""
    return "\n".join([COLUMNS, *map(line, result["rows"])])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=DEFAULT_ROWS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", default=None,
                        help="where to write the run (default: bench/holders_results.json for the default rows; "
                             "a run of other rows is written only where this says)")
    args = parser.parse_args(argv)

    from govspec import api
    from govspec.syntax import parse, read_people

    api.load_text('organization "warm-up" { person a }')
    result = {**header("govspec-bench-holders/1"), "repeat": args.repeat, "rows": []}
    with tempfile.TemporaryDirectory() as folder:
        for n in args.rows:
            data = rows(n)
            for ext in ("csv", "json"):
                spec = write(folder, ext, data)
                size = os.path.getsize(os.path.join(folder, f"holders.{ext}"))
                text = open(os.path.join(folder, f"holders.{ext}"), encoding="utf-8").read()
                load = parse(SPEC.replace("EXT", ext), spec).organizations[0].loads[0]
                gc.disable()  # (as while a spec loads: govspec/load.py pauses the cycle collector)
                try:
                    alone, _ = best(args.repeat, lambda: read_people(text, f"holders.{ext}", load))
                finally:
                    gc.enable()
                model = api.load(spec)
                assert len(model.people) == n and len(model.bodies["holders"].members) == n
                whole, cpu = best(args.repeat, lambda: api.load(spec))
                row = {"format": ext, "rows": n, "mb": round(size / 1e6, 1), "rows_alone": alone,
                       "whole_load": whole, "whole_load_cpu": cpu}
                result["rows"].append(row)
    out = args.json or (os.path.join(HERE, "holders_results.json") if args.rows == DEFAULT_ROWS else None)
    if out is None:  # (the recorded run, which docs/performance.md quotes, is the default rows' only)
        show(result, table(result))
        return 0
    record(result, table(result), out)
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
