"""The reference semantics: a state, the problems of a step, and the state after it.

A small concrete interpreter, independent of Z3, that gives a spec the meaning docs/semantics.md
states.  It is the oracle: every counterexample and witness an engine finds is replayed here
before it is shown (:mod:`govspec.verdicts`), and the explicit-state engine
(:mod:`govspec.explicit`) is built on the same functions.  Arithmetic is exact (``Fraction``).

Assumes a checked :class:`govspec.model.Model`.  Guarantees: :func:`step_problems` says exactly
why a step is not allowed (an empty list means it is a legal, passing step), :func:`apply`
computes the next state and :func:`forced_problems` why a step is not forced by a coalition.

One module per concern, each importing only the ones listed before it:

- :mod:`.state`: a state, a step, each person's balance and voting power (sections 1, 2, 10, 12);
- :mod:`.evaluate`: the value of a rule's expression in a state and a step (sections 3, 6, 10, 12);
- :mod:`.meetings`: one stage: notice, attendance, votes, whether it carries (section 3);
- :mod:`.effects`: effects applied in order, the voting power a vote counts (sections 4, 12);
- :mod:`.proposals`: proposals, the voting period, taking effect and vetoes (sections 10, 12);
- :mod:`.step`: one step: its problems, the state after it, what a step rule sees (sections 4, 6);
- :mod:`.forcing`: the outsiders' responses a forcing step must withstand (sections 7, 9, 10, 12).

``from govspec import semantics as sem`` gives every public name of these modules.
"""

from .state import WAIT, ReplayLimit, StageChoice, State, Step, balances, exact_sum, initial_state, powers, supply, whole_numbers
from .evaluate import Env, eval_bool, eval_num, eval_person, eval_set
from .meetings import (args_problems, call_problems, callers, choice_problems, recused, stage_carries, stage_sets,
                       window_carries)
from .effects import counting_powers, effect_problems, loan_problems, run_effects
from .proposals import (cancel_problems, execute_problems, open_proposal, open_proposals, propose_problems, short_notice,
                        threshold, waiting_decisions, veto_problems, vote_window_problems, voting_closes)
from .step import apply, step_env, step_problems, violates
from .forcing import (OPTION_SETS, assemble_choice, coalition_part, coalition_veto_responses, compositions,
                      conjunction, forced_problems, linear_stage, member_key, named_people, open_windows,
                      outsider_responses, reads_the_date, responses_to_withstand, skipped_veto_days, veto_threat)
