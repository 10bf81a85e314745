"""When a property's truth is monotone in a parameter: the argument ``govspec tune`` makes before it bisects.

The argument, for a parameter ``q`` (a number never changed by an effect) and one property:

1. **Where q is read.** Every place q appears is a rule that gates a step: a ``require``, a
   stage's ``quorum`` or ``passes when`` (a veto's too), of procedures and events without a proposal
   step.  A gate only allows or forbids a step, and a step a gate forbids is a step that does not
   happen: "a vote that fails is not a step" (docs/semantics.md).  A proposal step is excluded
   because there a failed vote uses the proposal up, and a threshold also allows a cancellation.
2. **Which way.** Each of those rules is satisfied by more states and votes as q grows, or each by
   fewer (the polarity of q in the rule: ``present >= q`` is harder as q grows; ``q * seats`` keeps
   the sign of q as seats are not negative; ``==`` and ``!=`` have no sign).  Then every behaviour
   under the harder value is a behaviour under the easier one.
3. **What the property says.** ``always`` and ``never`` hold of every behaviour: true under the
   easier rules, true under the harder ones.  ``possible`` is the other way round.  For a coalition
   (``can force P``, ``can block P``, ``no coalition ... can force P``), behaviours alone are not
   enough: the opponents' moves shrink too.  The argument is made only when the goal is one
   procedure P that takes effect as it passes (no timelock, veto window or proposal step) and q is
   read in P's own rules alone: under easier rules each extra step is P passing, which is the
   coalition's goal, so a forcing strategy under the harder rules forces under the easier ones, and
   a blocking one under the easier rules blocks under the harder ones.

When any condition fails, :func:`argument` says which, and the search checks every value.
Durations (``P.timelock`` and the like) get no argument: every value is checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import model as m

UP, DOWN = "up", "down"  # holds at v -> holds at every larger value (UP) / every smaller value (DOWN)

# property kinds that hold more often under more restrictive rules, and under more permissive ones
_RESTRICTIVE = {"invariant", "step", "no_coalition", "coalition_block", "every_coalition_block"}
_PERMISSIVE = {"every_coalition", "coalition_force", "no_coalition_block"}
_COALITION = {"no_coalition", "every_coalition", "coalition_force", "coalition_block", "every_coalition_block",
              "no_coalition_block"}


@dataclass(frozen=True)
class Argument:
    """Whether a property is monotone in a parameter: ``closed`` is UP, DOWN or None (no argument),
    ``why`` says why in a sentence (the reason it fails, or the rules it rests on)."""

    closed: str | None
    why: str


def _neg(signs: set[int]) -> set[int]:
    return {-s for s in signs}


def _nonnegative(e, model: m.Model | None = None) -> bool:
    if isinstance(e, m.Num):
        return e.value >= 0
    if isinstance(e, m.ParamRef):
        # (declared values are not negative, but an effect may set one to an expression: t = size(X) - 3)
        p = model.params.get(e.name) if model is not None else None
        return p is not None and all(v >= 0 for v in p.values) and not any(
            x.kind == "set" and x.target == e.name and x.value is None
            for proc in model.procedures.values() for x in proc.effects)
    if isinstance(e, (m.Seats, m.Count, m.Supply, m.Now, m.Tally)):
        return True  # (sizes, weights and days are never negative)
    if isinstance(e, m.Arith) and e.op in "+*":
        return _nonnegative(e.left, model) and _nonnegative(e.right, model)
    return False


def _mentions(e, name: str) -> bool:
    return any(isinstance(x, m.ParamRef) and x.name == name for x in m.walk(e))


def number_signs(e, name: str, model: m.Model | None = None) -> set[int]:
    """The signs of d e / d q over q's occurrences in a number expression (0: no sign)."""
    if isinstance(e, m.ParamRef):
        return {1} if e.name == name else set()
    if isinstance(e, m.Arith):
        left, right = number_signs(e.left, name, model), number_signs(e.right, name, model)
        if e.op == "+":
            return left | right
        if e.op == "-":
            return left | _neg(right)
        if left and right:
            return {0}
        factor, signs = (e.right, left) if left else (e.left, right)
        return signs if _nonnegative(factor, model) else ({0} if signs else set())
    return {0} if _mentions(e, name) else set()


def rule_signs(e, name: str, model: m.Model | None = None) -> set[int]:
    """The signs, over q's occurrences in a rule, of how the rule's truth moves as q grows:
    1 easier to satisfy, -1 harder, 0 no sign."""
    if isinstance(e, m.Compare):
        left, right = number_signs(e.left, name, model), number_signs(e.right, name, model)
        if e.op in (">=", ">"):
            return left | _neg(right)
        if e.op in ("<=", "<"):
            return _neg(left) | right
        return {0} if left or right else set()
    if isinstance(e, (m.And, m.Or)):
        return set().union(*(rule_signs(x, name, model) for x in e.items))
    if isinstance(e, m.NotE):
        return _neg(rule_signs(e.item, name, model))
    return {0} if _mentions(e, name) else set()


def _gates(p: m.Procedure):
    """The rules of ``p`` that allow or forbid one of its steps, each with its sign: 1 when the rule
    must hold for the step, -1 for a veto stage decided with the vote (the procedure passes only when
    the veto does not carry, so a harder veto rule is an easier procedure).  A veto window is a step
    of its own, which its rules allow: sign 1."""
    for rule in p.requirements():
        yield rule, 1
    for st in [*p.stages, *([p.window_stage] if p.window_stage else [])]:
        sign = -1 if st.kind == "vetoed" and st is not p.window_stage else 1
        yield st.passes, sign
        if st.quorum is not None:
            yield st.quorum, sign


def _elsewhere(p: m.Procedure, name: str) -> str | None:
    """Where ``name`` is read in ``p`` other than its gates (None: nowhere)."""
    for e in p.effects:
        if e.kind == "set" and e.target == name:
            return f"an effect of {p.name} changes it ({e.text})"
        if any(_mentions(x, name) for x in (e.amount, e.expr, e.when)):
            return f"an effect of {p.name} reads it ({e.text})"
    if p.lifecycle is not None and _mentions(p.lifecycle.threshold, name):
        return f"{p.name}'s proposal threshold reads it (a proposal step: a failed vote uses the proposal up)"
    for st in [*p.stages, *([p.window_stage] if p.window_stage else [])]:
        for rule in (st.waiver, st.casting, st.written_waiver):
            if rule is not None and _mentions(rule.expr, name):
                return f"a rule of {p.name} other than a gate reads it ({rule.text})"
    if p.calling is not None and _mentions(p.calling.rule.expr, name):
        return f"who may call {p.name}'s meeting depends on it"
    return None


def _property_mentions(prop: m.Property, name: str) -> bool:
    parts = [prop.state, prop.step, *(c for _, _, c in prop.also)]
    if prop.goal is not None:
        parts.append(prop.goal.state)
    return any(_mentions(x, name) for x in parts if x is not None)


def argument(model: m.Model, name: str, prop: m.Property) -> Argument:
    """Whether ``prop`` holding at a value of parameter ``name`` implies it holds at every larger
    value (UP) or every smaller one (DOWN) in ``model``; why, or why no argument is made."""
    if _property_mentions(prop, name):
        return Argument(None, f"the property itself reads {name}")
    readers, signs = [], set()
    for p in model.procedures.values():
        where = _elsewhere(p, name)
        if where is not None:
            return Argument(None, where)
        gated = [(r, sign) for r, sign in _gates(p) if _mentions(r.expr, name)]
        if not gated:
            continue
        if p.lifecycle is not None:
            return Argument(None, f"{p.name} reads it and has a proposal step (a failed vote uses the proposal up)")
        used = [r for r, _ in gated]
        readers.append((p, used))
        for r, sign in gated:
            signs |= {s * sign for s in rule_signs(r.expr, name, model)}
    if not readers:
        return Argument(None, f"no rule reads {name}")
    if signs != {1} and signs != {-1}:
        texts = "; ".join(f"'{r.text}'" for _, used in readers for r in used)
        return Argument(None, f"the rules that read it ({texts}) do not all move one way as it grows")
    harder = signs == {-1}
    where = "; ".join(f"{p.name}: " + ", ".join(f"'{r.text}'" for r in used) for p, used in readers)
    moves = "harder" if harder else "easier"
    if prop.kind in _COALITION:
        goal = prop.goal
        if goal is None or goal.procedure is None or goal.state is not None or goal.phase != "pass":
            return Argument(None, "the coalition's goal is not one procedure passing")
        target = model.procedures.get(goal.procedure)
        if target is None or target.timed or target.lifecycle is not None:
            return Argument(None, f"{goal.procedure} does not take effect as it passes")
        if [p.name for p, _ in readers] != [goal.procedure]:
            return Argument(None, f"{name} is read by rules other than those of {goal.procedure}, the coalition's goal")
    restrictive = prop.kind in _RESTRICTIVE and not prop.possible
    if not restrictive and not (prop.possible or prop.kind in _PERMISSIVE):
        return Argument(None, f"no argument for a property of kind {prop.kind}")
    closed = UP if restrictive == harder else DOWN
    kind = "a possible" if prop.possible else {"invariant": "an always", "step": "an always"}.get(prop.kind, "a coalition")
    return Argument(closed, f"every step whose rules read {name} is {moves} to take as it grows ({where}); "
                            f"{kind} property holds more often under {'harder' if restrictive else 'easier'} rules")
