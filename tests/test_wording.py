"""Every property in plain words (issue 16.1): a sentence generated from its formula.

Every property in specs/ has its sentence, kept in tests/words.expected.txt (a golden file:
``--update-goldens`` rewrites it; look at the diff).  No sentence falls back to the formula's
syntax, and each construct of the property language has a rendering.
"""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, run_cli
from govspec.load import load, load_text
from govspec.wording import in_words

SPECS = sorted(p.relative_to(ROOT) for p in (ROOT / "specs").rglob("*.gov"))
GOLDEN = ROOT / "tests" / "words.expected.txt"
SYNTAX = re.compile(r"->|>=|<=|==|!=|\b(?:size|weight)\(|\.executed|\.approved_at|\.members\b")


def sentences() -> str:
    out = []
    for spec in SPECS:
        model = load(str(ROOT / spec))
        for p in model.properties:
            out.append(f"{spec}: {p.name}: {in_words(model, p)}")
    return "\n".join(out) + "\n"


def test_every_property_in_specs_has_its_sentence(update_goldens):
    text = sentences()
    if update_goldens:
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.read_text(encoding="utf-8") == text
    for line in text.splitlines():
        said = line.split(": ", 2)[2]
        assert not SYNTAX.search(said), line  # no raw syntax: every construct said in words
        assert said[0].isupper() and said.endswith("."), line


ORG = """organization "o" {
  person a tags indep
  person b
  person c
  body board { seats 5 members a, b, c }
  office chair = a
  parameter q = 4/100
  parameter spent = 0
  procedure act(x in board) {
    decided by board at meeting
      notice none
      passes when yes > half of present
    timelock 2 days
    effect spent = 1
  }
}
"""


@pytest.mark.parametrize("prop,words", [
    ("always spent <= q * 100", "At all times, spent (0 at the start) is at most q (4/100) times 100."),
    ("never chair is vacant", "It never happens that the office chair is vacant."),
    ("possible size(board.members union {a}) >= 3",
     "It can happen that the number of the members of board together with {a} is at least 3."),
    ("always (act -> size(yes except tagged indep) >= 1 and chair in present)",
     "Whenever act passes, the number of the members who voted yes other than everyone tagged indep is at "
     "least 1 and the holder of chair is among the members present."),
    ("always (act.executed -> now - act.approved_at >= 2 and act.yes >= 1)",
     "Whenever act takes effect, the current day minus the day act's decision was approved is at least 2 and "
     "the number of yes votes in act's vote is at least 1."),
    ("always (act -> x in board)", "Whenever act passes, x is a member of board."),
    ("always seats <= 5", None),
    ("coalition {a} can block act", "On their own, a can stop act from ever being able to pass, whatever the "
                                    "others do."),
    ("no coalition of at most 1 in board can force spent == 1",
     "No coalition of at most 1 person from the members of board (3 people) can bring about a state where "
     "spent (0 at the start) is 1, whatever the others do."),
    ("every coalition of 2 in board can force act.executed",
     "Every coalition of exactly 2 people from the members of board (3 people) can make act take effect, "
     "whatever the others do."),
])
def test_each_construct_in_words(prop, words):
    try:
        model = load_text(ORG + f"property p: {prop}\n")
    except Exception:
        assert words is None  # (not a valid property: nothing to say)
        return
    assert in_words(model, model.properties[0]) == words


def test_the_words_are_in_every_format():
    code, out, _ = run_cli("check", "specs/openai/board_2023.gov")
    words = ("Whenever remove_ceo passes, the number of members who voted yes is at least 3 or the members "
             "notified are exactly the members of board.")
    assert code == 1 and f"  in words: {words}" in out
    assert "  as written: always (remove_ceo -> yes >= 3 or notified == board.members)" in out
    for fmt in ("json", "markdown", "html", "sarif", "junit"):
        _, out, _ = run_cli("check", "specs/openai/board_2023.gov", "--format", fmt)
        assert words in out, fmt
