"""Fitting into people's tools: progress only on a terminal, --quiet, NO_COLOR, shell completion,
the pre-commit hook."""

import io
import os
import re
import subprocess
import sys

from conftest import ROOT, run_cli

SPEC = "specs/openai/board_2023.gov"


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run(*args, err=None):
    return run_cli(*args, stderr=err)


def test_progress_is_shown_on_a_terminal_only(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    code, out, err = run("check", SPEC, err=Terminal())
    assert code == 1 and "checking" in err and "checking" not in out
    assert "REFUTED" in out  # the report is unchanged, on standard output
    assert run("check", SPEC)[2] == ""  # not a terminal: nothing on standard error


def test_quiet_turns_progress_and_notes_off(tmp_path):
    code, out, err = run("check", "--quiet", SPEC, "--trace-out", str(tmp_path / "t.json"), err=Terminal())
    assert code == 1 and err == "" and "REFUTED" in out and (tmp_path / "t.json").exists()


def test_no_color_is_respected(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    _, _, err = run("check", SPEC, err=Terminal())
    assert "checking" in err and not re.search(r"\x1b\[[0-9;]*3[0-7]m", err)  # no foreground colours


def completion(env: dict) -> str:
    command = [sys.executable, "-c", "from govspec.cli import entry_point; entry_point()"]
    return subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, timeout=60).stdout


def test_shell_completion_comes_from_click():
    assert "_govspec_completion" in completion({"_GOVSPEC_COMPLETE": "bash_source"})
    words = completion({"_GOVSPEC_COMPLETE": "bash_complete", "COMP_WORDS": "govspec check --fo", "COMP_CWORD": "2"})
    assert "--format" in words
    words = completion({"_GOVSPEC_COMPLETE": "bash_complete", "COMP_WORDS": "govspec ver", "COMP_CWORD": "1"})
    assert "verify-report" in words


def test_pre_commit_hook_runs_a_real_command():
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert re.search(r"^- id: govspec-check$", hooks, re.M)
    entry = re.search(r"^  entry: (.*)$", hooks, re.M).group(1).split()
    assert entry[0] == "govspec"
    code, out, err = run(*entry[1:], "specs/openai/board_2023_seat_quorum.gov")
    assert (code, err) == (0, "") and "PROVED" in out
