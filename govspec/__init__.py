"""GovSpec: formal verification of governance protocols.

The pipeline is parse (``syntax``) -> resolve and check (``check``) -> model (``model``), with the
reference semantics in ``semantics`` and the Z3 backend in the separate ``verifier`` package.
``govspec.api`` is the Python API the CLI is a thin layer over.
"""

__version__ = "0.1.0"
