"""Front-end fuzzing: generated and corrupted inputs only ever produce a model or diagnostics.

Three sources: corruptions of the real specs in specs/ (deleted, duplicated, swapped and inserted
pieces), token soup from the grammar's own vocabulary, and the well-formed random specs of
specgen (which must load cleanly).  The default run tries 1,500 inputs; the slow run 12,000.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from govspec import api
from govspec.diagnostics import CODES, SpecError, render
from specgen import specs

SOURCES = [p.read_text() for p in sorted((ROOT / "specs").rglob("*.gov"))]
VOCABULARY = [
    "organization", "person", "group", "of", "tags", "weight", "body", "seats", "members", "none", "office",
    "vacant", "parameter", "event", "procedure", "in", "not", "people", "decided", "approved", "vetoed", "by",
    "at", "meeting", "written", "consent", "notice", "all", "quorum", "passes", "when", "recuse", "from", "vote",
    "and", "or", "require", "effect", "remove", "add", "to", "property", "always", "never", "no", "coalition",
    "every", "can", "force", "block", "most", "tagged", "excluding", "majority", "half", "is", "yes", "abstain",
    "cast", "present", "notified", "eligible", "recused", "size", "true", "false", "{", "}", "(", ")", ",", ":",
    ".", "=", "==", "!=", ">=", "<=", ">", "<", "+", "-", "*", "->", "2/3", "4%", "0.5", "7", "0", "board",
    "altman", "ceo", '"Art. 1"', "#", "\n", "1/0", "99999999999999999999", "é", "\x00", "\t",
]


def load_only_diagnoses(text: str) -> None:
    try:
        api.load_text(text, "fuzz.gov")
    except SpecError as err:
        assert err.diagnostics
        for d in err.diagnostics:
            assert d.code in CODES and d.span.line >= 1 and d.span.column >= 1
            render(d, text)


@st.composite
def corrupted(draw) -> str:
    text = draw(st.sampled_from(SOURCES))
    for _ in range(draw(st.integers(1, 4))):
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        j = draw(st.integers(i, min(len(text), i + 40)))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "swap", "replace"]))
        if action == "delete":
            text = text[:i] + text[j:]
        elif action == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif action == "insert":
            text = text[:i] + draw(st.sampled_from(VOCABULARY)) + " " + text[i:]
        elif action == "swap":
            k = draw(st.integers(0, len(text) - 1))
            a, b = sorted((i, k))
            text = text[:a] + text[b:b + 5] + text[a + 5:b] + text[a:a + 5] + text[b + 5:]
        else:
            text = text[:i] + draw(st.text(max_size=6)) + text[j:]
    return text


token_soup = st.lists(st.sampled_from(VOCABULARY), max_size=60).map(" ".join)

N = int(os.environ.get("GOVSPEC_FUZZ_EXAMPLES", 300))  # (500 took 13 s of the default run)
COMMON = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck))


@settings(max_examples=N, derandomize=True, **COMMON)
@given(corrupted())
def test_corrupted_specs_give_diagnostics(text):
    load_only_diagnoses(text)


@settings(max_examples=N, derandomize=True, **COMMON)
@given(token_soup)
def test_token_soup_gives_diagnostics(text):
    load_only_diagnoses(text)


@settings(max_examples=N, derandomize=True, **COMMON)
@given(specs())
def test_generated_specs_load_cleanly(text):
    api.load_text(text, "random.gov")


@pytest.mark.slow
@settings(max_examples=4000, **COMMON)
@given(corrupted())
def test_corrupted_specs_slow(text):
    load_only_diagnoses(text)


@pytest.mark.slow
@settings(max_examples=4000, **COMMON)
@given(token_soup)
def test_token_soup_slow(text):
    load_only_diagnoses(text)


@pytest.mark.slow
@settings(max_examples=4000, **COMMON)
@given(st.text(max_size=200))
def test_arbitrary_text_slow(text):
    load_only_diagnoses(text)
