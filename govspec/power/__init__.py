"""Power analysis, no Z3: who can pass or block an outcome, and how much each member weighs in it.

- :mod:`govspec.power.games`: simple games (classes of interchangeable players, several weighted
  criteria, a blocking minority), their exact indices and minimal coalitions; the exact Banzhaf and
  Coleman indices alone of a single weighted vote too large for those, counted by weight sums.
- :mod:`govspec.power.certified`: a single weighted vote too large even for that: each
  Banzhaf index enclosed in an interval certain to hold it (floating point, every rounding bounded).
- :mod:`govspec.power.vote`: a procedure decided by one vote of one body, as such a game (the
  fragment where the game is exact), or the reason it is not yet supported.
"""
