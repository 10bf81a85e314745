"""Benchmark specs, generated as GovSpec text (the same text a user would write).

- :func:`interchangeable`: a board of N members counted as one group (``group d of N``), an
  outside CEO, one removal procedure (no notice, quorum a majority of the members in office,
  a majority of those present), and the property "no coalition of at most K directors can
  force the removal".  With N >= 2K it holds (the outsiders stay away and deny the quorum), so a
  bounded check must search every depth.
- :func:`resignations`: the same board where any director may resign at any time.
- :func:`weighted`: N token holders with N distinct weights (1, 2, ..., N), one proposal carried
  by two thirds of the total weight, and "no coalition of at most K holders can force it".
"""

from __future__ import annotations


def interchangeable(n: int, k: int = 3) -> str:
    return f"""# benchmark: {n} interchangeable directors
organization "Interchangeable board of {n}" {{
  person chief
  group d of {n}
  body board {{ members d }}
  office ceo = chief

  procedure remove_ceo {{
    decided by board at meeting
      notice none
      quorum majority of members
      passes when yes > half of present
    require ceo is not vacant
    effect ceo = vacant
  }}
}}

property at_most_{k}_cannot_remove_ceo:
  no coalition of at most {k} in board can force remove_ceo
"""


def resignations(n: int, k: int = 3) -> str:
    """The interchangeable board with resignations: the board changes from step to step, so the
    question is not one vote (the weighted fast path declines) and the counted encoding answers."""
    text = interchangeable(n, k).replace("  office ceo = chief\n", """  office ceo = chief

  event resign(x in board) {
    effect remove x from board
  }
""")
    return text.replace("# benchmark: ", "# benchmark (with resignations): ")


def weighted(n: int, k: int = 2, fraction: str = "2/3") -> str:
    people = "\n".join(f"  person h{i} weight {i}" for i in range(1, n + 1))
    members = ", ".join(f"h{i}" for i in range(1, n + 1))
    return f"""# benchmark: {n} token holders with distinct weights
organization "Token holders, {n} distinct weights" {{
{people}
  body holders {{ members {members} }}
  parameter executed = 0

  procedure execute_proposal {{
    decided by holders at meeting
      notice all
      passes when weight(yes) >= {fraction} of weight(members)
    effect executed = 1
  }}
}}

property at_most_{k}_cannot_execute:
  no coalition of at most {k} in holders can force execute_proposal
"""
