"""Hostile and odd input: each gives a clear located error or a correct result, never a traceback,
a hang past its limit, or a wrong verdict; nothing in a spec is ever executed."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

BOARD = (ROOT / "specs" / "openai" / "board_2023.gov").read_text()


def check(path: Path, *options: str) -> tuple[int, str, str]:
    code, out, err = run_cli("check", *options, str(path))
    assert "Traceback" not in out + err
    return code, out, err


def located(err: str, path: Path, code: str) -> None:
    first = err.splitlines()[0]
    assert first.startswith(f"{path}:") and f"error[{code}]" in first, err


def test_empty_file(tmp_path):
    spec = tmp_path / "empty.gov"
    spec.write_text("")
    code, out, err = check(spec)
    assert code == 3 and out == ""
    located(err, spec, "GOV300")


def test_binary_file(tmp_path):
    spec = tmp_path / "bin.gov"
    spec.write_bytes(bytes(range(256)) * 4)
    code, _, err = check(spec)
    assert code == 3
    located(err, spec, "GOV002")


def test_directory_and_missing_path(tmp_path):
    code, _, err = check(tmp_path)
    assert code == 2
    located(err, tmp_path, "GOV001")
    code, _, err = check(tmp_path / "nope.gov")
    assert code == 2 and "no such file" in err


def test_unreadable_file(tmp_path, monkeypatch):
    spec = tmp_path / "secret.gov"
    spec.write_text(BOARD)
    real_open = open

    def deny(path, *args, **kwargs):  # as root, chmod 000 does not stop reading: simulate it
        if str(path) == str(spec):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    code, _, err = check(spec)
    assert code == 2 and "Permission denied" in err
    located(err, spec, "GOV001")


def test_bom_and_crlf_are_read_as_plain_text(tmp_path):
    spec = tmp_path / "bom.gov"
    spec.write_bytes(b"\xef\xbb\xbf" + BOARD.replace("\n", "\r\n").encode())
    code, out, _ = check(spec)
    assert code == 1 and "ceo_removal_needs_three_or_notice ... REFUTED (depth 2" in out
    assert f"{spec}:34:" in out  # line numbers unaffected by CRLF


def test_non_ascii_names(tmp_path):
    spec = tmp_path / "intl.gov"
    text = BOARD.replace("dangelo", "d_angélo").replace("mccauley", "麦考利")
    spec.write_text(text, encoding="utf-8")
    code, out, _ = check(spec, "--format", "json")
    assert code == 1
    report = json.loads(out)
    names = {p for prop in report["files"][0]["properties"] for step in prop["trace"]
             for stage in step["stages"] for p in stage["notified"]}
    assert "麦考利" in names or "d_angélo" in names


def test_one_megabyte_spec(tmp_path):
    spec = tmp_path / "big.gov"
    padding = "".join(f"# clause {i}: " + "x" * 70 + "\n" for i in range(13_000))
    spec.write_text(padding + BOARD)
    assert spec.stat().st_size > 1_000_000
    code, out, _ = check(spec, "--no-sanity")
    assert code == 1 and "REFUTED (depth 2" in out


def test_deep_nesting(tmp_path):
    spec = tmp_path / "deep.gov"
    spec.write_text(BOARD + "property deep: always " + "(" * 10_000 + "true" + ")" * 10_000 + "\n")
    code, _, err = check(spec)
    assert code == 3
    located(err, spec, "GOV003")


def test_enormous_number_of_seats(tmp_path):
    spec = tmp_path / "seats.gov"
    spec.write_text(BOARD.replace("seats 9", "seats " + "9" * 100))
    code, out, err = check(spec, "--no-sanity")
    # a clear answer either way: checked as written, or refused with a located error
    assert code in (1, 3)
    if code == 3:
        located(err, spec, "GOV003")
    else:
        assert "REFUTED" in out


@pytest.mark.slow  # (13 s: the slow run)
def test_thousands_of_properties(tmp_path):
    spec = tmp_path / "many.gov"
    spec.write_text(BOARD + "".join(f"property p{i}: always size(board.members) >= 0\n" for i in range(2000)))
    code, out, _ = check(spec, "--depth", "2", "--no-sanity", "--format", "json")
    props = json.loads(out)["files"][0]["properties"]
    assert len(props) == 2003
    assert {p["status"] for p in props[3:]} == {"proved"}
    assert code == 1  # the board's own property is still refuted


def test_duplicate_and_self_referencing_names(tmp_path):
    spec = tmp_path / "dup.gov"
    spec.write_text(BOARD.replace("office chair = brockman", "office chair = brockman\n  office chair = altman"))
    code, _, err = check(spec)
    assert code == 3
    located(err, spec, "GOV109")
    spec.write_text(BOARD.replace("office chair = brockman", "office chair = chair"))
    code, _, err = check(spec)
    assert code == 3 and "'chair' is an office, not a person" in err


def test_solver_time_limit_gives_unknown_promptly(tmp_path):
    spec = tmp_path / "slow.gov"
    spec.write_text("""
organization "big" {
  group m of 300
  body council { members m }
  parameter done = 0
  procedure act { decided by council at meeting notice none quorum 2/3 of members
                  passes when yes > 2/3 of present  effect done = 1 }
  procedure expel(x in council) { decided by council at meeting notice all quorum majority of members
                  passes when yes > half of present  recuse x from vote  effect remove x from council }
}
property small_coalitions_cannot_act: no coalition of at most 90 in council can force done == 1
""")
    start = time.monotonic()
    code, out, _ = check(spec, "--timeout", "2", "--no-sanity", "--format", "json")
    elapsed = time.monotonic() - start
    prop = json.loads(out)["files"][0]["properties"][0]
    assert prop["status"] in ("unknown", "proved")  # never refuted: 90 of 300 cannot reach the quorum
    if prop["status"] == "unknown":
        assert code == 4 and prop["reason"]  # "time limit reached" or the solver's own reason
    assert elapsed < 2 + 15  # the limit plus a margin for building the encoding on a shared machine


SMUGGLED = [
    '__import__("os").system("touch {marker}")',
    "{{{{ self.__init__.__globals__ }}}} $(touch {marker}) `touch {marker}`",
]


@pytest.mark.parametrize("payload", SMUGGLED)
def test_specs_are_data_not_code(tmp_path, payload):
    marker = tmp_path / "pwned"
    spec = tmp_path / "evil.gov"
    text = BOARD.replace('"Bylaws art. 3"', '"' + payload.format(marker=marker).replace('"', "'") + '"')
    spec.write_text(text)
    code, out, err = check(spec)
    assert code == 1
    bad = tmp_path / "evil2.gov"
    bad.write_text(BOARD + f"property p: always {payload.format(marker=marker)}\n")
    code, _, err = check(bad)
    assert code == 3
    assert not marker.exists()
