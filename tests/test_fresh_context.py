"""A file's check does the same work in any process: each engine starts a main Z3 context of its
own (verifier.interrupts.fresh_main_context), so what a process checked before cannot change the
order of Z3's terms, and with it a search cut short by a budget of solver work."""

from __future__ import annotations

import gc
import json
import re
import subprocess
import sys

import z3

from conftest import ROOT, run_cli
from verifier import Z3Engine

SPEC = "specs/dao/governor_tunable.gov"


def _timeless(out: str) -> dict:
    return json.loads(re.sub(r'"(seconds|generated|started|elapsed)": ("[^"]*"|[-0-9.e+]+)', r'"\1": 0', out))


def test_each_engine_starts_a_main_context_of_its_own():
    gc.collect()  # (engines of earlier tests, if any are left in cycles)
    before = z3.main_ctx()
    x = z3.Int("x")
    Z3Engine()
    assert z3.main_ctx() is not before
    assert x.ctx is before and z3.simplify(x + 1).ctx is before  # (terms built before keep theirs)
    y = z3.Int("y")
    assert y.ctx is z3.main_ctx()


def test_an_engine_made_while_another_lives_shares_its_context():
    gc.collect()
    first = Z3Engine()
    shared = z3.main_ctx()
    second = Z3Engine()  # (as --explain makes one for the check without a clause)
    assert z3.main_ctx() is shared
    del first, second
    gc.collect()
    Z3Engine()
    assert z3.main_ctx() is not shared


def test_a_check_in_a_worn_process_reports_what_a_fresh_process_reports():
    fresh = subprocess.run([sys.executable, "-m", "govspec", "check", "--format", "json", SPEC],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert fresh.returncode == 1, fresh.stderr  # (at the template's quorum, a property is refuted)
    statuses = {p["status"] for f in json.loads(fresh.stdout)["files"] for p in f["properties"]}
    assert {"proved", "refuted"} <= statuses  # (a proof and a scenario to compare)
    # wear this process: other files checked, and many terms built in the context it has now
    for other in ("specs/openai/board_2023.gov", "specs/dao/governor_quorum.gov"):
        run_cli("check", "-q", "--no-sanity", other)
    terms = [z3.Int(f"worn_{i}") for i in range(5000)]
    z3.simplify(z3.Sum(terms) > len(terms))
    code, out, err = run_cli("check", "--format", "json", SPEC)
    assert code == fresh.returncode, err
    assert _timeless(out) == _timeless(fresh.stdout)
