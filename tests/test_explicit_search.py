"""The explicit engine's shortcuts in its searches for a passing step (govspec/explicit/steps.py):
each changes what is looked at first or how much, never what is found."""
import pathlib

import pytest

from govspec import api
from govspec import semantics as sem
from govspec.engine import Deadline
from govspec.explicit import search, steps

# A generated spec (the slow differential run of 5 December 2026) whose explicit sanity check took
# 11.6 s: proc1 never passes (its requirement never holds), and the search for a step of proc1
# looked through every passing vote of proc0 (about 4,700 in each state) for one that is proc1's.
SEARCHED_IN_VAIN = """organization "groups" {
  person chief
  person ann
  group d of 4 weight 2 tags t1
  group e of 3
  body board { members ann, d, e }
  group c of 2
  body council { members c }
  office ceo = vacant
  parameter q = 1/2
  event resign(x in board) { effect remove x from board }
  procedure proc0 {
    decided by board at meeting
    notice none
    passes when yes >= 2 or yes == eligible
    approved by council by written consent
    timelock 2 days
    effect if ceo is vacant then q = 2/3 else q = 1/2
    effect ceo = vacant
  }
  procedure proc1(x in board) {
    decided by board at meeting
    notice none
    passes when yes >= 1 and ann in present
    vetoed by council at meeting
    notice all
    passes when yes >= 1
    require ceo is not vacant
    effect if size(board.members) >= 3 then remove x from board
  }
}
property prop0: no coalition of at most 1 in board can force proc0
"""

SPECS = ["searched in vain", "openai/board_2023.gov", "bridge/ronin_2022.gov", "arbitrum/security_council.gov"]
ROOT = pathlib.Path(__file__).resolve().parent.parent


def _model(name: str):
    return api.load_text(SEARCHED_IN_VAIN, "in_vain.gov") if name == "searched in vain" else api.load(str(ROOT / "specs" / name))


def _counted_stage_checks(monkeypatch) -> list[int]:
    count = [0]
    original = steps._stage_ok

    def counting(*args, **kwargs):
        count[0] += 1
        return original(*args, **kwargs)
    monkeypatch.setattr(steps, "_stage_ok", counting)
    return count


@pytest.mark.parametrize("name", SPECS)
def test_a_search_blind_to_votes_finds_what_the_full_search_finds(name, monkeypatch):
    """``reachable`` asks only whether a procedure passes: any passing vote answers for all, so the
    search need not look through the others (``blind``); the answers, depths and traces' lengths
    are those of the search that does, and it looks at far fewer votes where the full one looked in vain."""
    model = _model(name)
    count = _counted_stage_checks(monkeypatch)
    looked = {}
    for blind in (False, True):
        count[0] = 0
        found = []
        for proc in model.procedures.values():
            out = search.bfs(model, 2, Deadline(120), blind=blind,
                             step_bad=lambda state, step, name=proc.name: (step.procedure, step.phase) == (name, "pass"))
            found.append((proc.name, out.status, out.depth, len(out.steps or ())))
        looked[blind] = (found, count[0])
    assert looked[True][0] == looked[False][0]
    assert looked[True][1] <= looked[False][1]
    if name == "searched in vain":  # (docs/performance.md quotes these counts)
        assert (looked[False][1], looked[True][1]) == (103_986, 28)


@pytest.mark.parametrize("name", SPECS)
def test_a_preferred_option_only_reorders_the_choices(name):
    """``_choices(prefer="yes")``: the same choices, each once, the one where every member who may
    vote votes yes first."""
    model = _model(name)
    state = sem.initial_state(model)
    for proc in model.procedures.values():
        if proc.is_event or proc.formals:
            continue
        for i, stage in enumerate(proc.stages):
            plain = list(steps._choices(model, proc, i, state, {}))
            preferred = list(steps._choices(model, proc, i, state, {}, prefer="yes"))
            assert len(preferred) == len(set(preferred)) == len(plain)
            assert set(preferred) == set(plain)
            if stage.mode != "consent":
                assert preferred[0].yes == state.body(stage.body) - sem.recused(proc, {}, "vote")
