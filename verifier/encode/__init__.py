"""Encode behaviours of a model as Z3 constraints (bounded unrolling, one Boolean per member per step).

Assumes a checked :class:`govspec.model.Model`.  Guarantees: for every step ``t`` the constraints
of :meth:`Unrolling.add_step` hold exactly when the step's choices form a legal passing step of the
reference semantics (:mod:`govspec.semantics`), and the state after it is the one
:func:`govspec.semantics.step.apply` computes.  Constants are named after the source and the step
(``yes@3[remove_ceo.0:altman]``) so a model reads back directly into a trace.

For coalition checks, :meth:`Unrolling.add_forced_step` keeps the coalition's choices existential
and quantifies universally over every outsider response at each stage (passive opposition).

Where a function decides a rule of the language that the reference semantics also decides, its
docstring names the function it mirrors: a line ``Mirrors`` and a ``:func:`` reference into the
package :mod:`govspec.semantics` (tests/test_mirrors.py checks that each exists).  The modules:

- :mod:`.state`: the symbolic state, the variables of a stage and of a step, class slots, selection keys;
- :mod:`.expressions`: persons, sets, numbers and conditions as terms, and linear forms of counts;
- :mod:`.meetings`: one stage: its sets, the rules of each member's choice, whether it carries;
- :mod:`.proposals`: proposals and their voting windows, timelocks and veto windows, time passing;
- :mod:`.several`: several live proposals of one procedure: K slots of each, the entry a step uses;
- :mod:`.effects`: voting power, flash loans, effects and token effects, the state after a step;
- :mod:`.forcing`: the coalition, forced stages, veto safety and the outsiders' worst case;
- :mod:`.unrolling`: :class:`Unrolling`, the mixins composed, the initial state, a free or forced step.
"""

from .state import NOBODY, VACANT, WAIT_KEY, Slot, StageVars, StepVars, SymState, action_key
from .unrolling import Unrolling

__all__ = ["NOBODY", "VACANT", "WAIT_KEY", "Slot", "StageVars", "StepVars", "SymState", "Unrolling", "action_key"]
