"""CLI transcripts in docs/*.md are executed and compared.

A transcript is a fenced block with info string ``console``: lines starting with ``$ govspec``
are commands (run from the repository root), the lines after are the expected standard output
and standard error, and a last line ``[exit N]`` gives the exit code.  Timings are masked.  A
transcript right after a line ``<!-- slow: why -->`` is run with the slow tests.
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
            # a transcript after a line "<!-- slow: ... -->" runs with the slow tests (-m slow)
            slow = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1].startswith("<!-- slow")
            yield pytest.param(doc, match.group(1), id=f"{doc.name}:{line}",
                               marks=[pytest.mark.slow] if slow else [])


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


# ------------------------------------------------------------------ verdicts claimed in prose

WORD = r"(PROVED|REFUTED|UNKNOWN|HOLDS UP TO \d+ STEPS?|HOLDS FOR [^*`|]+? ONLY|NO WITNESS UP TO \d+ STEPS?)"
CLAIMS = [  # `name` is **PROVED (any length)**, `name` PROVED; **REFUTED** in 2 steps (`name`), PROVED (`name`)
    re.compile(r"`(?P<name>[a-z_][a-z0-9_]*)`(?: is)? \**" + WORD + r"(?: \((?P<scope>[a-z0-9 ,]+)\))?"),
    re.compile(r"\**" + WORD + r"\**(?: in \d+ steps?)?(?:, for [^(|]{0,40})? \(`(?P<name>[a-z_][a-z0-9_]*)`\)"),
]


def _known_verdicts() -> dict[str, set[tuple[str, str]]]:
    """property name -> {(verdict word, scope as printed)} over every spec's expected JSON output."""
    import json

    from govspec.report import Scope, verdict_word

    known: dict[str, set[tuple[str, str]]] = {}
    for path in ROOT.glob("specs/*/*.expected.json"):
        for f in json.loads(path.read_text())["files"]:
            for p in f["properties"]:
                sizes = p["scope"]["sizes"]
                scope = Scope(p["scope"]["depth"], sizes if isinstance(sizes, str) else
                              tuple((g, lo, hi) for g, (lo, hi) in sorted(sizes.items())))
                known.setdefault(p["name"], set()).add((verdict_word(p["status"], p["kind"], scope), scope.describe()))
    return known


def prose_claims():
    for doc in sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]:
        text = BLOCK.sub("", doc.read_text(encoding="utf-8"))  # transcripts are run by test_transcript
        text = re.sub(r"```.*?```", "", text, flags=re.S)
        for n, line in enumerate(text.splitlines(), start=1):
            for pattern in CLAIMS:
                for match in pattern.finditer(line):
                    yield doc.name, n, match.group("name"), match.group(2 if pattern is CLAIMS[0] else 1), \
                        match.groupdict().get("scope")


def test_verdicts_claimed_in_prose_match_a_run():
    """Every verdict the docs' prose claims for a property of specs/ is the verdict its checked-in
    expected output (which test_specs repeats) gives: prose cannot drift from the tool."""
    known = _known_verdicts()
    claims = [c for c in prose_claims() if c[2] in known]
    assert len(claims) >= 5  # the pattern finds the claims (a pattern that matches nothing checks nothing)
    wrong = []
    for doc, line, name, word, scope in claims:
        if not any(w == word and (scope is None or scope == s or scope.startswith(s.split(",")[0]))
                   for w, s in known[name]):
            wrong.append(f"{doc}:{line}: `{name}` claimed {word}{f' ({scope})' if scope else ''}, runs give {sorted(known[name])}")
    assert not wrong, "\n".join(wrong)


def test_the_output_files_rules_are_counted_right():
    """docs/cli.md's "Output files" said it listed five rules, and listed six."""
    section = (ROOT / "docs" / "cli.md").read_text().split("## Output files\n", 1)[1].split("\n## ", 1)[0]
    said = re.search(r"follow (\w+) rules\.", section).group(1)
    numbers = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    assert numbers.index(said) == len(re.findall(r"^- \*\*", section, re.M)), said
