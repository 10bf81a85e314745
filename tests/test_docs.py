"""CLI transcripts in docs/*.md are executed and compared.

A transcript is a fenced block with info string ``console``: lines starting with ``$ govspec``
are commands (run from the repository root), the lines after are the expected standard output
and standard error, and a last line ``[exit N]`` gives the exit code.  Timings are masked.
"""

import re
import shlex

import pytest

from conftest import ROOT, normalize, run_cli

BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def transcripts():
    for doc in sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]:
        if not doc.exists():
            continue
        text = doc.read_text(encoding="utf-8")
        for match in BLOCK.finditer(text):
            line = text[: match.start()].count("\n") + 1
            yield pytest.param(doc, match.group(1), id=f"{doc.name}:{line}")


def parse_block(block: str):
    commands, current = [], None
    for raw in block.splitlines():
        if raw.startswith("$ "):
            current = [shlex.split(raw[2:]), [], None]
            commands.append(current)
        elif current is not None and re.fullmatch(r"\[exit \d+\]", raw.strip()):
            current[2] = int(raw.strip()[6:-1])
        elif current is not None:
            current[1].append(raw)
    return commands


def rewrite_block(doc, block: str) -> None:
    """--update-goldens: replace a transcript's expected output with what the commands print now."""
    lines = []
    for argv, _, _ in parse_block(block):
        code, out, err = run_cli(*argv[1:])
        lines.append("$ " + " ".join(argv))
        lines += (out + err).rstrip("\n").splitlines()
        lines.append(f"[exit {code}]")
    text = doc.read_text(encoding="utf-8")
    doc.write_text(text.replace("```console\n" + block + "```", "```console\n" + "\n".join(lines) + "\n```", 1), encoding="utf-8")


@pytest.mark.parametrize("doc,block", list(transcripts()))
def test_transcript(doc, block, update_goldens):
    if update_goldens:
        rewrite_block(doc, block)
        return
    commands = parse_block(block)
    assert commands, "a console block needs at least one '$ govspec ...' line"
    for argv, expected, exit_code in commands:
        assert argv[0] == "govspec", f"only govspec commands run in transcripts: {argv}"
        assert exit_code is not None, f"{doc.name}: transcript for {argv} lacks an '[exit N]' line"
        code, out, err = run_cli(*argv[1:])
        got = (out + err).rstrip("\n").splitlines()
        assert code == exit_code, f"{' '.join(argv)}: exit {code}, expected {exit_code}\n{out}{err}"
        want = [normalize(x) for x in expected]
        got = [normalize(x) for x in got]
        # trailing blank lines in the doc are not significant
        while want and not want[-1].strip():
            want.pop()
        assert got == want, f"{' '.join(argv)} printed:\n" + "\n".join(got)
