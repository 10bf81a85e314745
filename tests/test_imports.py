"""Imports: the standard library and files of the spec's folder tree; overriding; safety."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import run_cli
from govspec import api
from govspec.imports import library_names, library_path

ORG = """
organization "Acme" {
  person ann
  person bob
  person cat
  body board { seats 3 members ann, bob, cat }
  office ceo = ann
}
"""

RULES = """
rules "Acme rules" {
  parameter q = 1/2
  procedure fire {
    decided by board at meeting
      quorum present > q * seats
      passes when yes > half of present
    effect ceo = vacant
  }
}
"""


def amended(lines: str) -> str:
    """ORG with ``lines`` after its office (line 9 of a file that starts with an import)."""
    return ORG.replace("office ceo = ann", "office ceo = ann\n  " + lines)


def write(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path / "main.gov"


def test_relative_import_joins_the_rules(tmp_path):
    main = write(tmp_path, {"rules/acme.gov": RULES, "main.gov": 'import "rules/acme.gov"\n' + ORG
                            + "property p: always (fire -> yes >= 2)\n"})
    model = api.load(str(main))
    assert "fire" in model.procedures and str(model.params["q"].initial) == "1/2"
    code, out, _ = run_cli("check", str(main))
    assert code == 0 and "PROVED" in out  # quorum 2 of 3 seats, majority of those present


def test_the_importing_organisation_overrides(tmp_path):
    main = write(tmp_path, {"acme.gov": RULES, "main.gov": 'import "acme.gov"\n'
                            + ORG.replace("office ceo = ann", "office ceo = ann\n  parameter q = 1/4")
                            + "property p: always (fire -> yes >= 2)\n"})
    code, out, _ = run_cli("check", "--format", "json", str(main))
    prop = json.loads(out)["files"][0]["properties"][0]
    assert code == 1 and prop["status"] == "refuted"  # quorum 1 of 3: one director alone
    assert all(r["path"] and r["path"].endswith("acme.gov") for r in prop["trace"][0]["rules"])


def test_every_library_file_loads_into_a_fitting_organisation():
    bodies = {"holders": "body holders { members a, b }", "owners": "body owners { seats 3 members a, b }",
              "assembly": "body assembly { members a, b }", "board": "body board { seats 3 members a, b }"}
    assert set(library_names()) >= {"delaware_board", "mbca_board", "roberts_rules", "safe_multisig",
                                     "oz_governor", "compound_bravo"}
    for name in library_names():
        text = (f"import {name}\norganization \"t\" {{\n  person a\n  person b\n  " + "\n  ".join(bodies.values())
                + "\n  office ceo = a\n  parameter motion_in_force = 0\n}\n")
        model = api.load_text(text, "t.gov")
        assert model.procedures, name
        for proc in model.procedures.values():
            assert proc.cite, f"{name}: {proc.name} cites no source"


def test_every_rule_of_the_library_cites_its_source():
    """Issue 19.1: every rule of a library file (guards, quorum and vote, the stage, effects, the
    lifecycle, timelock and expiry) and every parameter cites the clause or contract function it
    models ("(modelling)" where it is the template's own bookkeeping, docs/library.md's tables)."""
    uncited = []
    for name in library_names():
        text = Path(library_path(name)).read_text(encoding="utf-8")
        model = api.load_text(f"import {name}\norganization \"t\" {{\n  person a\n  person b\n  "
                              "body holders { members a, b }\n  body owners { seats 3 members a, b }\n  "
                              "body assembly { members a, b }\n  body board { seats 3 members a, b }\n"
                              "  office ceo = a\n  parameter motion_in_force = 0\n}\n", "t.gov")
        from_file = [p for p in model.procedures.values() if p.span.path == f"<library>/{name}.gov"]
        assert from_file, name
        for proc in from_file:
            rules = [*proc.rules(), *proc.effects, *(st for st in proc.stages),
                     *([proc.lifecycle.rule] if proc.lifecycle else []), *([proc.timelock_rule] if proc.timelock_rule else [])]
            uncited += [f"{name}: {proc.name}: line {r.span.line}: {text.splitlines()[r.span.line - 1].strip()}"
                        for r in rules if not r.cite]
        uncited += [f"{name}: parameter {p.name}" for p in model.params.values()
                    if p.span.path == f"<library>/{name}.gov" and not p.cite]
    assert not uncited, "\n".join(uncited)


def test_library_sources_are_cited_in_traces():
    code, out, _ = run_cli("check", "specs/dao/governor_quorum.gov")
    assert code == 1
    assert "line 24 of <library>/oz_governor.gov" in out


IMPORT_CASES = [
    pytest.param({"main.gov": "import delawre_board\n" + ORG}, "GOV120", "main.gov", 1, 1,
                 "no rules named 'delawre_board' in the standard library (did you mean 'delaware_board'?)", id="unknown-library"),
    pytest.param({"main.gov": 'import "../outside.gov"\n' + ORG}, "GOV121", "main.gov", 1, 1,
                 "is outside the folder of the spec being checked", id="parent-escape"),
    pytest.param({"main.gov": 'import "/etc/passwd.gov"\n' + ORG}, "GOV121", "main.gov", 1, 1,
                 "import paths are relative", id="absolute"),
    pytest.param({"main.gov": 'import "notes.txt"\n' + ORG, "notes.txt": RULES}, "GOV121", "main.gov", 1, 1,
                 "must be a .gov spec", id="not-a-spec"),
    pytest.param({"main.gov": 'import "a.gov"\n' + ORG, "a.gov": 'import "b.gov"\n' + RULES,
                  "b.gov": 'import "a.gov"\nrules "b" { }\n'}, "GOV122", "b.gov", 1, 1, "import cycle: main.gov -> a.gov -> b.gov -> a.gov",
                 id="cycle"),
    pytest.param({"main.gov": 'import "missing.gov"\n' + ORG}, "GOV123", "main.gov", 1, 1, "no file to import", id="missing"),
    pytest.param({"main.gov": 'import "other.gov"\n' + ORG, "other.gov": ORG}, "GOV124", "other.gov", 2, 1,
                 "may hold 'rules' blocks, not an organization", id="organization-imported"),
    pytest.param({"main.gov": 'import "a.gov"\nimport "b.gov"\n' + ORG, "a.gov": RULES, "b.gov": RULES.replace('"Acme rules"', '"copy"')},
                 "GOV109", "b.gov", 3, 3, "'q' is declared by two rules blocks", id="clash"),
    pytest.param({"main.gov": 'import "acme.gov"\n' + ORG.replace("office ceo = ann", "office ceo = ann\n  parameter qq = 1/4"),
                  "acme.gov": RULES}, "GOV125", "main.gov", 9, 13,
                 "parameter 'qq' is used by no rule; did you mean to override 'q'?", id="misspelled-override"),
    pytest.param({"main.gov": 'import "bad.gov"\n' + ORG, "bad.gov": RULES.replace("board at", "bord at")},
                 "GOV104", "bad.gov", 5, 16, "unknown body 'bord'", id="error-inside-import"),
    # amend (tests/test_amend.py): each problem at the amending line
    pytest.param({"main.gov": 'import "acme.gov"\n' + amended("amend fyre { notice none }"), "acme.gov": RULES},
                 "GOV128", "main.gov", 9, 9, "no imported procedure 'fyre' to amend (did you mean 'fire'?)", id="amend-unknown"),
    pytest.param({"main.gov": 'import "acme.gov"\n' + amended("amend fire { notice none\n  notice all }"), "acme.gov": RULES},
                 "GOV128", "main.gov", 10, 3, "'notice' of the 'decided by board' stage of 'fire' is amended twice",
                 id="amend-twice"),
    pytest.param({"main.gov": 'import "acme.gov"\n' + amended("amend fire { vetoed by board by written consent }"),
                  "acme.gov": RULES}, "GOV128", "main.gov", 9, 16, "'fire' has no 'vetoed by board' stage to amend",
                 id="amend-missing-stage"),
    pytest.param({"main.gov": 'import "acme.gov"\n' + amended("amend fire { no effect cfo }"), "acme.gov": RULES},
                 "GOV128", "main.gov", 9, 26, "'fire' has no effect on 'cfo' to drop (did you mean 'ceo'?)",
                 id="amend-missing-effect"),
    pytest.param({"main.gov": 'import "acme.gov"\n' + amended("procedure own { decided by board at meeting\n"
                                                                "  passes when yes > half of present }\n  amend own { notice none }"),
                  "acme.gov": RULES}, "GOV128", "main.gov", 11, 9, "'own' is declared by this organization", id="amend-own"),
    pytest.param({"main.gov": 'import "acme.gov"\n' + ORG, "acme.gov": RULES.replace("}\n}", "}\n  amend fire { notice none }\n}")},
                 "GOV128", "acme.gov", 10, 3, "'amend' belongs in the organization block", id="amend-in-rules"),
    pytest.param({"main.gov": 'import "acme.gov"\n' + amended("amend fire { notice none\n  decided by board by written consent }"),
                  "acme.gov": RULES}, "GOV128", "main.gov", 10, 3, "which written consent cannot have", id="amend-consent-notice"),
    pytest.param({"main.gov": 'import "acme.gov"\n' + amended("amend fire { expires after 3 days }"), "acme.gov": RULES},
                 "GOV316", "main.gov", 9, 16, "only a decision that waits", id="amend-checked-like-the-rest"),
]


@pytest.mark.parametrize("files,code,where,line,col,message", IMPORT_CASES)
def test_import_errors(tmp_path, files, code, where, line, col, message):
    main = write(tmp_path, files)
    exit_code, out, err = run_cli("check", str(main))
    assert exit_code == 3 and out == "" and "Traceback" not in err
    first = err.splitlines()[0]
    assert f"error[{code}]" in first and message in first, err
    path, l, c = first.split(": error")[0].rsplit(":", 2)
    assert path.endswith(where) and (int(l), int(c)) == (line, col), first
    assert len(err.splitlines()) >= 3  # the offending line and a caret, from the file it is in


def test_symlink_escape_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "rules.gov").write_text(RULES)
    project = tmp_path / "project"
    project.mkdir()
    os.symlink(outside / "rules.gov", project / "link.gov")
    (project / "main.gov").write_text('import "link.gov"\n' + ORG)
    code, _, err = run_cli("check", str(project / "main.gov"))
    assert code == 3 and "GOV121" in err


def test_roberts_rules_declares_its_own_parameter(tmp_path):
    """docs/library.md: the organisation declares only 'body assembly' (it said 'parameter
    motion_in_force' too, which the library declares: found in a hunt); without the body, the error
    the page quotes."""
    from conftest import run_cli
    spec = tmp_path / "rr.gov"
    spec.write_text('import roberts_rules\n\norganization "S" {\n  person a\n  person b\n  body assembly { members a, b }\n}\n')
    assert run_cli("check", str(spec))[0] == 0
    spec.write_text('import roberts_rules\n\norganization "S" {\n  person a\n  person b\n  body council { members a, b }\n}\n')
    code, _, err = run_cli("check", str(spec))
    assert code == 3 and "<library>/roberts_rules.gov:8:16: error[GOV104]: unknown body 'assembly'" in err
