"""Every property in plain words (issue 16.1): an English sentence generated from its checked formula.

``in_words(model, prop)`` reads the property as the verifier reads it (the typed model, names
resolved: a procedure, an office, a parameter) and says it as a board's lawyer would read it:
``always (remove_ceo -> yes >= 3 or notified == board.members)`` becomes "Whenever remove_ceo
passes, the number of members who voted yes is at least 3, or the members notified are exactly
the members of board."  Every construct of the property language has a rendering; a construct
without one raises :class:`NoWording` (a test renders every property in specs/), never raw syntax.
"""

from __future__ import annotations

import re
from fractions import Fraction

from . import model as m
from .groups import Items, fingerprint


class NoWording(ValueError):
    """A construct of the language this module cannot yet say in words (a defect: every one should)."""


STEP_SET_WORDS = {"notified": "the members notified", "present": "the members present",
                  "yes": "the members who voted yes", "no": "the members who voted no",
                  "abstain": "the members who abstained", "cast": "the members who cast a vote",
                  "eligible": "the members eligible to vote", "recused": "the members recused"}
TALLY_WORDS = {"yes": "the number of yes votes", "no": "the number of no votes",
               "present": "the number of members present", "weight_yes": "the weight of the yes votes",
               "weight_no": "the weight of the no votes", "total_weight": "the total weight"}
COMPARE_WORDS = {">=": "is at least", ">": "is more than", "<=": "is at most", "<": "is less than",
                 "==": "is", "!=": "is not"}
NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}
PHASE_WORDS = {"pass": "passes", "execute": "takes effect", "veto": "is vetoed"}
PHASE_NOUNS = {"pass": "pass", "execute": "take effect", "veto": "be vetoed"}


def _number(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    if value == Fraction(1, 2):
        return "half"
    if 100 % value.denominator == 0 and value < 1:  # (4/100 and 1/25 alike: a percentage)
        return f"{value * 100}%"
    return f"{value.numerator}/{value.denominator}"


def _join(items: list[str], word: str) -> str:
    if len(items) <= 2:
        return f" {word} ".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def _people(names, model: m.Model | None = None) -> str:
    if not isinstance(names, (list, tuple, Items)):
        names = list(names)
    if model is not None:
        for body in model.bodies.values():
            if len(names) > 2 and len(names) >= len(body.members) and (
                    fingerprint(names) == fingerprint(body.members)  # (a group's members not read one by one)
                    or tuple(names) == tuple(body.members) or set(names) == set(body.members)):
                return f"the members of {body.name} ({len(names):,} people{_at_least_sizes(model, names)})"
    if len(names) > 8:
        return f"{len(names)} people ({', '.join(names[:3])}, ...)"
    return _join(list(names), "and")


def _at_least_sizes(model: m.Model, names) -> str:
    """For people who include a group whose size is left open: the sizes their number is counted
    at (the least), since a result may have been found at larger ones."""
    open_groups = sorted(g for g, (low, high) in model.sizes.items()
                         if (high is None or high > low) and any(n.startswith(f"{g}[") for n in names))
    if not open_groups:
        return ""
    return " with " + ", ".join(f"{g} of {model.sizes[g][0]}" for g in open_groups) + ", more at larger sizes"


class _Words:
    def __init__(self, model: m.Model, procedure: str | None = None):
        self.model, self.procedure = model, procedure

    # ---- people and sets
    def person(self, e) -> str:
        if isinstance(e, m.PersonConst):
            return e.name
        if isinstance(e, m.Holder):
            return f"the holder of {e.office}"
        if isinstance(e, m.Arg):
            return e.name
        raise NoWording(f"a person expression {type(e).__name__}")

    def set(self, e) -> str:
        if isinstance(e, m.StepSet):
            words = STEP_SET_WORDS[e.kind]
            return words if e.stage == 0 else f"{words} in stage {e.stage + 1}"
        if isinstance(e, m.Members):
            return f"the members of {e.body}"
        if isinstance(e, m.Everyone):
            return "everyone"
        if isinstance(e, m.SetOf):
            return "{" + ", ".join(self.person(p) for p in e.people) + "}"
        if isinstance(e, m.SetOp):
            left, right = self.set(e.left), self.set(e.right)
            return {"union": f"{left} together with {right}", "except": f"{left} other than {right}",
                    "intersect": (f"{left} tagged {e.right.value}" if isinstance(e.right, m.Having) and
                                  isinstance(e.right.set, m.Everyone) and e.right.attribute == "tag"
                                  else f"those among {left} who are also among {right}")}[e.op]
        if isinstance(e, m.Having):
            return f"{self.set(e.set)} tagged {e.value}" if e.attribute == "tag" else \
                f"{self.set(e.set)} held for {e.value}"
        raise NoWording(f"a set expression {type(e).__name__}")

    # ---- numbers
    def num(self, e) -> str:
        if isinstance(e, m.Num):
            return e.written or _number(e.value)  # (as written, issue 16.5)
        if isinstance(e, m.ParamRef):
            p = self.model.params.get(e.name)
            if p is None:
                return e.name
            value = p.written or _number(p.initial)
            return f"{e.name} ({value} at the start)" if len(p.values) > 1 else f"{e.name} ({value})"
        if isinstance(e, m.NumArg):
            return e.name
        if isinstance(e, m.Seats):
            return f"the number of seats of {e.body}"
        if isinstance(e, m.Count):
            what = self.set(e.set)
            if isinstance(e.set, (m.StepSet, m.Members)):
                what = what.removeprefix("the ")
            return f"the total weight of {what}" if e.weighted else f"the number of {what}"
        if isinstance(e, m.Now):
            return "the current day"
        if isinstance(e, m.ApprovedAt):
            return f"the day {e.procedure}'s decision was approved"
        if isinstance(e, m.ProposedAt):
            return f"the day {e.procedure} was proposed"
        if isinstance(e, m.Tally):
            return f"{TALLY_WORDS[e.field]} in {e.procedure}'s vote"
        if isinstance(e, m.Supply):
            return "the total supply of tokens"
        if isinstance(e, m.Arith):
            if e.op == "*" and isinstance(e.left, m.Num) and e.left.value < 1:
                return f"{e.left.written or _number(e.left.value)} of {self.num(e.right)}"
            word = {"+": "plus", "-": "minus", "*": "times"}[e.op]
            return f"{self.num(e.left)} {word} {self.num(e.right)}"
        raise NoWording(f"a number expression {type(e).__name__}")

    # ---- conditions
    def cond(self, e, negated: bool = False) -> str:
        if isinstance(e, m.NotE):
            return self.cond(e.item, not negated)
        if isinstance(e, m.BoolConst):
            return "true" if e.value != negated else "false"
        if isinstance(e, m.Compare):
            op = NEGATED[e.op] if negated else e.op
            return f"{self.num(e.left)} {COMPARE_WORDS[op]} {self.num(e.right)}"
        if isinstance(e, m.SetCompare):
            same = (e.op == "==") != negated
            return f"{self.set(e.left)} {'are exactly' if same else 'are not exactly'} {self.set(e.right)}"
        if isinstance(e, m.SameHolder):
            same = (e.op == "==") != negated
            return f"{self.person(e.left)} {'is' if same else 'is not'} {self.person(e.right)}"
        if isinstance(e, m.InSet):
            where = self.set(e.set)
            if isinstance(e.set, m.Members):
                return f"{self.person(e.person)} {'is not' if negated else 'is'} a member of {e.set.body}"
            return f"{self.person(e.person)} {'is not' if negated else 'is'} among {where}"
        if isinstance(e, m.Vacant):
            return f"the office {e.office} is {'held' if negated else 'vacant'}"
        if isinstance(e, m.Passed):
            verb = PHASE_WORDS[e.phase]
            return f"{e.procedure} {verb}" if not negated else f"{e.procedure} does not {PHASE_NOUNS[e.phase]}"
        if isinstance(e, (m.And, m.Or)):
            if isinstance(e, m.Or) and len(e.items) == 2 and isinstance(e.items[0], m.NotE) and not negated:
                return f"if {self.cond(e.items[0].item)}, then {self.cond(e.items[1])}"
            conjunction = isinstance(e, m.And) != negated  # (De Morgan)
            parts = [self.cond(x, negated) for x in e.items]
            return _join(parts, "and" if conjunction else "or")
        raise NoWording(f"a condition {type(e).__name__}")


def _phase(procedure: str, phase: str, written: str, model: m.Model) -> str:
    """The phase as the user wrote it: ``P.executed`` of an untimed P is its passing step, said as written."""
    if phase == "pass" and written.endswith(".executed"):
        return "execute"
    return phase


def _steps(prop: m.Property, model: m.Model) -> str:
    executed = prop.label.endswith(".executed")
    names = [f"{proc} {PHASE_WORDS['execute' if executed and phase == 'pass' else phase]}"
             for proc, phase, _ in prop.cases]
    return _join(names, "or")


def _coalition(model: m.Model, c: m.CoalitionSpec) -> str:
    unit = "principals" if c.principals else "people"
    if c.size is None:
        return _people(c.candidates, model)
    word = "exactly" if c.exactly else "at most"
    unit = unit if c.size != 1 else unit.rstrip("s").replace("people", "person")
    text = f"{word} {c.size} {unit} from {_people(c.candidates, model)}"
    if c.including:
        text += f", always including {_join(list(c.including), 'and')},"
    return text


def _goal(words: _Words, goal: m.Goal) -> str:
    if goal.procedure is not None and goal.state is None:
        return f"make {goal.procedure} {PHASE_NOUNS[_phase(goal.procedure, goal.phase, goal.text, words.model)]}"
    return f"bring about a state where {words.cond(goal.state)}"


def _block(words: _Words, goal: m.Goal) -> str:
    if goal.procedure is not None and goal.state is None:
        phase = _phase(goal.procedure, goal.phase, goal.text, words.model)
        return f"stop {goal.procedure} from ever being able to {PHASE_NOUNS[phase]}"
    return f"keep every state from reaching {words.cond(goal.state)}"


def in_words(model: m.Model, prop: m.Property) -> str:
    """``prop`` as an English sentence (NoWording for a construct without a rendering)."""
    words = _Words(model, prop.procedure)
    kind = prop.kind
    if kind == "invariant":
        if prop.possible:  # (searched as "never X": its state is "not X")
            return f"It can happen that {words.cond(prop.state, negated=True)}."
        if isinstance(prop.state, m.NotE):
            return f"It never happens that {words.cond(prop.state.item)}."
        return f"At all times, {words.cond(prop.state)}."
    if kind == "step":
        steps = _steps(prop, model)
        if prop.possible:  # (searched as "always (P -> not C)")
            cond = prop.step
            if isinstance(cond, m.BoolConst) and not cond.value:
                return f"It can happen that {steps}."
            return f"It can happen that {steps} while {words.cond(cond, negated=True)}."
        if isinstance(prop.step, m.BoolConst) and not prop.step.value:
            return f"It never happens that {steps}."
        return f"Whenever {steps}, {words.cond(prop.step)}."
    if kind == "power" and prop.power is not None:
        return _power(words, prop.power, prop.goal)
    c, goal = prop.coalition, prop.goal
    if c is None or goal is None:
        raise NoWording(f"a property of kind {kind}")
    others = "whatever the others do"
    if kind == "no_coalition":
        return f"No coalition of {_coalition(model, c)} can {_goal(words, goal)}, {others}."
    if kind == "every_coalition":
        return f"Every coalition of {_coalition(model, c)} can {_goal(words, goal)}, {others}."
    if kind in ("coalition_force", "coalition_block"):
        who = _coalition(model, c)
        act = _goal(words, goal) if kind == "coalition_force" else _block(words, goal)
        together = "Acting together, " if len(c.candidates) > 1 else "On their own, "
        return f"{together}{who} can {act}, {others}."
    if kind == "every_coalition_block":
        if c.size == 1 and c.exactly:
            return f"Each of {_people(c.candidates, model)} can on their own {_block(words, goal)}, {others}."
        return f"Every coalition of {_coalition(model, c)} can {_block(words, goal)}, {others}."
    if kind == "no_coalition_block":
        return f"No coalition of {_coalition(model, c)} can {_block(words, goal)}, {others}."
    raise NoWording(f"a property of kind {kind}")


POWER_INDEX_NAMES = {"banzhaf": "normalised Banzhaf index", "shapley": "Shapley-Shubik index"}
POWER_COMPARISON_WORDS = {"<": "less than", "<=": "at most", ">=": "at least", ">": "more than"}


def _power(words: _Words, claim: m.PowerClaim, goal: m.Goal) -> str:
    """A power property (issue 17) in words: what a coalition that can make the outcome happen needs."""
    act = _goal(words, goal)
    x = f"the bloc of the people tagged {claim.player}" if claim.by == "tag" else claim.player
    if claim.claim == "dummy":
        if claim.negated:
            return f"Some coalition that can {act} can no longer do so without {x}."
        return f"No coalition that can {act} needs {x}: {x} never changes the outcome."
    if claim.claim == "veto":
        if claim.negated:
            return f"Some coalition without {x} can {act}."
        return f"Every coalition that can {act} includes {x}: {x} can block it alone."
    return (f"The share of the power over {goal.text} that {x} holds ({POWER_INDEX_NAMES[claim.index]}) is "
            f"{POWER_COMPARISON_WORDS[claim.op]} {claim.bound_text}.")


_HEAD = re.compile(r'^property\s+\w+\s*(?:"(?:[^"\\\n]|\\.)*")?\s*:\s*')


def statement(text: str) -> str:
    """A property as written, on one line, without its name and citation."""
    return " ".join(_HEAD.sub("", text.strip(), count=1).split())
