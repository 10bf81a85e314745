"""Report formats for people and CI tools: Markdown, SARIF 2.1.0 and JUnit XML.

Pure functions of the frozen report objects (like :mod:`govspec.formats.render`, which keeps text and
JSON; :mod:`govspec.formats.html` keeps HTML).  Guarantees: every property of every file appears once;
invalid files appear with their diagnostics; scenarios are the same words as the text output; user
text is escaped by the rules of :mod:`govspec.safe` (Markdown: code spans, fences and prose that make
no HTML; SARIF: percent-encoded uris, messages with controls shown escaped; JUnit: well-formed XML).
"""

from __future__ import annotations

import json

from .. import __version__
from ..diagnostics import CODES
from ..diagnostics import render as render_diagnostic
from .render import (FORCING_KINDS, closing_notes, demoted, detail_lines, has_details, sanity_warnings, sanity_words,
                     scenario_lines, scope_words, verdict_phrase)
from ..power.report import inexact
from ..report import BOUNDED, PROVED, REFUTED, UNKNOWN, FileReport, PropertyResult, Report
from ..safe import json_text, markdown_code, markdown_fence, markdown_text, shown, uri

TOOL_URI = "https://github.com/govspec/govspec"
ERRORS_URI = "https://github.com/govspec/govspec/blob/main/docs/errors.md"  # the registry of codes; an entry: #gov104
SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


__all__ = ["markdown", "sarif", "sarif_text", "junit", "verdict_phrase"]


# ---------------------------------------------------------------------------------------------
# Markdown


def markdown(report: Report, sources: dict[str, str] | None = None) -> str:
    out = ["# GovSpec report", ""]
    out += ["| File | Line | Property | Verdict | Scope | Seconds |", "| --- | ---: | --- | --- | --- | ---: |"]
    for f in report.files:
        for r in f.properties:
            vacuous = " (vacuous)" if r.vacuous else ""
            out.append(f"| {markdown_code(r.path or f.path, cell=True)} | {r.line} | {markdown_code(r.name, cell=True)} | "
                       f"**{r.word}**{vacuous} | {scope_words(r)} | "
                       f"{r.seconds:.2f} |")
        if f.errors:
            out.append(f"| {markdown_code(f.path, cell=True)} | {f.errors[0].span.line} | | **INVALID SPEC** | | |")
    for f in report.files:
        if f.errors:
            out += ["", f"## {markdown_code(f.path)}: invalid spec", ""]
            out += markdown_fence([line for d in f.errors  # (a diagnostic is several lines: each its own)
                                   for line in render_diagnostic(d, (sources or {}).get(d.span.path)).split("\n")])
        for r in f.properties:
            if not has_details(r):
                continue
            out += ["", f"## {markdown_code(r.name)}: {r.word}", "", f"{markdown_text(r.summary)}."]
            details = [line[2:] for line in detail_lines(r)]
            out += ["", *markdown_fence(details)] if details else []
        for d in f.diffs:  # a review's diff blocks, as `govspec diff --format markdown` writes them
            out += ["", demoted(d.markdown, 1).rstrip("\n")]
        for p in f.powers:  # a review's power blocks, as `govspec power --format markdown` writes them
            out += ["", demoted(p.markdown, 1).rstrip("\n")]
    warnings = [line for f in report.files for line in sanity_warnings(f)]
    if warnings:
        out += ["", "Warnings:", "", *(f"- {markdown_text(line)}" for line in warnings)]
    notes = closing_notes(report)
    if notes:
        out += ["", *(f"**Note:** {line[len('note: '):]}" for line in notes)]
    out += ["", stamp_line(report)]
    return "\n".join(out) + "\n"


def options_text(options: dict) -> str:
    """``depth 4, timeout 60.0, engine "z3", sanity true``: the options as the JSON report has them."""
    return ", ".join(f"{k} {json.dumps(v)}" for k, v in options.items())


def stamp_line(report: Report) -> str:
    opts = options_text(report.options)
    hashes = "; ".join(f"{markdown_code(path)} sha256 `{digest}`" for f in report.files if f.sha256
                       for path, digest in ((f.path, f.sha256), *f.imports))
    return f"GovSpec {__version__}, Z3 {report.z3_version or 'not used'}; options: {opts}. {hashes}"


# ---------------------------------------------------------------------------------------------
# SARIF 2.1.0


def _message(text: str) -> dict:
    return {"text": shown(text)}


def _location(path: str, line: int, message: str | None = None) -> dict:
    loc: dict = {"physicalLocation": {"artifactLocation": {"uri": uri(path)}, "region": {"startLine": max(1, line)}}}
    if message:
        loc["message"] = _message(message)
    return loc


def _verdict_words(r: PropertyResult) -> str:
    """A result's verdict as the first words of a SARIF or JUnit message: its word, and for a result
    proved (or bounded) only vacuously the mark the text's verdict has, ``PROVED (any length, vacuous)``."""
    return verdict_phrase(r, seconds=False) if r.vacuous else r.word


def _code_flow(f: FileReport, r: PropertyResult) -> dict:
    locations = []
    for order, step in enumerate(r.trace, start=1):
        words = " ".join(line.strip() for line in scenario_lines((step,), r.kind in FORCING_KINDS))
        locations.append({"location": _location(step.path or f.path, step.line, words), "executionOrder": order})
    return {"message": _message(r.summary), "threadFlows": [{"locations": locations}]}


SARIF_LEVEL = {REFUTED: "error", BOUNDED: "warning", UNKNOWN: "warning", PROVED: "warning"}  # (PROVED: vacuous)
POWER_RULE = "govspec-power"  # (the rule of power blocks' limits: no property name has a '-')
SANITY_RULE = "govspec-sanity"  # (the rule of sanity warnings)


def sarif(report: Report) -> dict:
    """A SARIF 2.1.0 log: one result per property refuted, bounded, unknown or proved only vacuously, per
    sanity warning, per diagnostic, and per finding of a review's diff and power blocks."""
    rules: dict[str, dict] = {}
    results = []
    for f in report.files:
        for d in (*f.errors, *f.warnings):
            rules.setdefault(d.code, {"id": d.code, "shortDescription": _message(CODES[d.code]),
                                      "helpUri": f"{ERRORS_URI}#{d.code.lower()}"})
            loc = {"physicalLocation": {"artifactLocation": {"uri": uri(d.span.path)}, "region": {
                "startLine": d.span.line, "startColumn": d.span.column,
                "endLine": d.span.end_line, "endColumn": d.span.end_column}}}
            results.append({"ruleId": d.code, "level": d.severity, "kind": "fail",
                            "message": _message(d.message), "locations": [loc]})
        for r in f.properties:
            rules.setdefault(r.name, {"id": r.name, "shortDescription": _message(r.cite or f"property {r.name}"),
                                      **({"fullDescription": _message(f"{r.words} ({r.statement})")} if r.words else {})})
            if r.status == PROVED and not r.vacuous:
                continue
            # (a vacuous result says so in its first words, as the text's verdict does: PROVED (any length, vacuous))
            text = f"{r.name}: {_verdict_words(r)}: {r.summary}" + (f". The property: {r.words}" if r.words else "")
            if r.reason:
                text += f" ({r.reason})"
            # (kind "fail" for a warning too: SARIF 2.1.0 allows a level other than "none" only with "fail";
            # the problem found is then that the property is not proved, or proved only vacuously, as the
            # message's first words say)
            result = {"ruleId": r.name, "level": SARIF_LEVEL[r.status], "kind": "fail",
                      "message": _message(text), "locations": [_location(r.path or f.path, r.line)],
                      "properties": {"status": r.status, "verdict": r.word, "vacuous": r.vacuous,
                                     "scope": r.scope.as_dict(), "seconds": round(r.seconds, 3)}}
            if has_details(r):  # (what the text and JUnit show under the verdict, line by line)
                result["properties"]["details"] = [shown(line[2:]) for line in detail_lines(r)]
            if r.trace:
                result["codeFlows"] = [_code_flow(f, r)]
            results.append(result)
        for s in f.sanity:  # a procedure that can never pass (its proofs vacuous), or a check undecided
            if s.status == "ok":
                continue
            rules.setdefault(SANITY_RULE, {"id": SANITY_RULE, "shortDescription": _message(
                "a procedure can never pass (a proof about it may hold only vacuously), or its sanity check was "
                "not decided")})
            results.append({"ruleId": SANITY_RULE, "level": "warning", "kind": "fail",
                            "message": _message(sanity_words(s)), "locations": [_location(s.path or f.path, s.line)],
                            "properties": {"sanity": {"procedure": s.procedure, "status": s.status,
                                                      "depth": s.depth}}})
        for d in f.diffs:  # a review's diff block: each property lost (or undecided), at the block
            for name, level, text in d.findings:
                rules.setdefault(name, {"id": name, "shortDescription": _message(f"property {name}")})
                results.append({"ruleId": name, "level": level, "kind": "fail", "message": _message(text),
                                "locations": [_location(f.path, d.line)],
                                "properties": {"diff": {"old": d.old, "new": d.new, "exit_code": d.exit_code}}})
        for p in f.powers:  # a review's power block: each limit on its figures (bounded, approximate, not done)
            for text in inexact(p.data):
                rules.setdefault(POWER_RULE, {"id": POWER_RULE, "shortDescription": _message(
                    "a power block's analysis is bounded, approximate, certified, partly computed or not done for some "
                    "outcome")})
                results.append({"ruleId": POWER_RULE, "level": "warning", "kind": "fail",
                                "message": _message(f"power block {p.spec}: {text}"),
                                "locations": [_location(f.path, p.line)],
                                "properties": {"power": {"spec": p.spec, "exit_code": p.exit_code}}})
    run = {
        "tool": {"driver": {"name": "GovSpec", "version": __version__, "informationUri": TOOL_URI,
                            "rules": list(rules.values())}},
        "results": results,
        "properties": {"options": dict(report.options), "z3_version": report.z3_version},
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _diff_message(d, level: str) -> str:
    """A diff block's JUnit message: the first property lost (``level`` "error") or else undecided
    ("warning"), in the words of the text, and the names of the others."""
    found = [(name, text) for name, lv, text in d.findings if lv == level]
    if not found:
        return f"exit code {d.exit_code}"
    others = [name for name, _ in found[1:]]
    also = "lost" if level == "error" else "undecided or no longer applying"
    return found[0][1] + (f" (also {also}: {', '.join(others)})" if others else "")


def sarif_text(report: Report) -> str:
    return json_text(sarif(report)) + "\n"


# ---------------------------------------------------------------------------------------------
# JUnit XML


def junit(report: Report, sources: dict[str, str] | None = None) -> str:
    """One ``testsuite`` per file, one ``testcase`` per property: refuted is a ``failure``,
    bounded and unknown an ``error`` (never a pass; a bounded one is ``skipped``, its limit in its message,
    when --accept-bounded counts it as passing for the exit code); an invalid file is one failing case.
    A file's sanity warnings are its suite's ``system-err``."""
    import xml.etree.ElementTree as ET

    suites = ET.Element("testsuites", name="govspec")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for f in report.files:
        suite = ET.SubElement(suites, "testsuite", name=f.path)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        seconds = 0.0
        if f.errors:
            case = ET.SubElement(suite, "testcase", classname=f.path, name="(valid spec)", time="0")
            failure = ET.SubElement(case, "failure", message=f.errors[0].message, type="invalid-spec")
            failure.text = "\n".join(render_diagnostic(d, (sources or {}).get(d.span.path)) for d in f.errors)
            counts["tests"] += 1
            counts["failures"] += 1
        for r in f.properties:
            seconds += r.seconds
            case = ET.SubElement(suite, "testcase", classname=f.path, name=r.name, time=f"{r.seconds:.3f}",
                                 file=r.path or f.path, line=str(r.line))
            counts["tests"] += 1
            if r.status == BOUNDED and report.accept_bounded:
                # (accepted for the exit code, 0: skipped, neither a pass nor an error, the limit in its words)
                counts["skipped"] += 1
                element = ET.SubElement(case, "skipped", message=f"{_verdict_words(r)}: {r.summary} "
                                                                 "(accepted by --accept-bounded: not a proof)")
                element.text = "\n".join(line[2:] for line in detail_lines(r))
            elif r.status != PROVED:
                tag = "failure" if r.status == REFUTED else "error"
                counts["failures" if tag == "failure" else "errors"] += 1
                element = ET.SubElement(case, tag, message=f"{_verdict_words(r)}: {r.summary}", type=r.status)
                element.text = "\n".join(line[2:] for line in detail_lines(r))
            elif has_details(r):
                # (a PROVED 'no coalition' has no more lines than its summary, its reason)
                ET.SubElement(case, "system-out").text = "\n".join([f"{_verdict_words(r)}: {r.summary}"]
                                                                  + [line[2:] for line in detail_lines(r)])
        for d in f.diffs:  # a review's diff block: one case, failing when a property is lost
            case = ET.SubElement(suite, "testcase", classname=f.path, name=f"diff {d.old} -> {d.new}", time="0",
                                 file=f.path, line=str(d.line))
            counts["tests"] += 1
            if d.exit_code:
                tag = "failure" if d.exit_code == 1 else "error"
                counts["failures" if tag == "failure" else "errors"] += 1
                element = ET.SubElement(case, tag, type="property lost" if tag == "failure" else "undecided",
                                        message=_diff_message(d, "error" if tag == "failure" else "warning"))
                element.text = d.text
        for p in f.powers:  # a review's power block: one case, an error when a figure is not exact or not given
            case = ET.SubElement(suite, "testcase", classname=f.path, name=f"power {p.spec}", time="0",
                                 file=f.path, line=str(p.line))
            counts["tests"] += 1
            if p.exit_code:
                counts["errors"] += 1
                limits = inexact(p.data)
                element = ET.SubElement(case, "error", type="not exact or incomplete",
                                        message=limits[0] if limits else f"exit code {p.exit_code}")
                element.text = p.text
        warnings = sanity_warnings(f)
        if warnings:  # (a procedure that can never pass, or whose check was undecided: the text's lines)
            ET.SubElement(suite, "system-err").text = "\n".join(warnings)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", f"{seconds:.3f}")
    for key, value in totals.items():
        suites.set(key, str(value))
    for element in suites.iter():  # XML 1.0 has no control characters but tab and line breaks: escape them all
        element.attrib.update((key, shown(value)) for key, value in element.attrib.items())
        if element.text:
            element.text = shown(element.text, keep="\n")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
