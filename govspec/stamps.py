"""Proof stamps: re-check a saved JSON report (``govspec verify-report``).

A ``govspec-report/2`` report (or a ``govspec-report/1`` one, before the "bounded" status) records each spec's SHA-256, the GovSpec and Z3 versions, the
options and the verdicts.  :func:`verify` re-runs the check with the recorded options and lists
every difference: a spec whose content changed, a verdict (status, scope or vacuity) that differs,
a property added or removed, a spec that can no longer be checked (missing or invalid).  It never trusts the report's
verdicts for anything but the comparison.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from . import __version__
from .api import check_files, file_sha256
from .syntax import read_source
from .options import DEPTH_RANGE, EFFORT_RANGE, ENGINES, TIMEOUT_RANGE, Options
from .diagnostics import Diagnostic, Span, SpecError
from .report import READABLE_SCHEMAS, SCHEMA_ID, STATUSES, PropertyResult, Report, Scope, verdict_word

EXIT_HOLDS, EXIT_DIFFERS, EXIT_INVALID = 0, 1, 3


def _scope(scope: dict) -> Scope:
    sizes = scope.get("sizes", "as-written")
    if isinstance(sizes, dict):
        sizes = tuple((g, int(v[0]), int(v[1])) for g, v in sorted(sizes.items()))
    elif not isinstance(sizes, str):
        sizes = "as-written"
    return Scope(scope.get("depth"), sizes)


def _verdict(status: str, kind: str, scope: dict, vacuous: bool) -> str:
    s = _scope(scope)
    return f"{verdict_word(status, kind, s)} ({s.describe()}{', vacuous' if vacuous else ''})"


def _result_verdict(r: PropertyResult) -> str:
    return _verdict(r.status, r.kind, r.scope.as_dict(), r.vacuous)


def _not_a_report(path: str, why: str, line: int = 1, column: int = 1) -> SpecError:
    return SpecError([Diagnostic("GOV004", f"not a GovSpec JSON report: {why}", Span.point(path, line, column),
                                 notes=("make one with: govspec check --format json SPEC... > report.json",))])


def load_report(path: str) -> dict:
    """The recorded report as data; :class:`SpecError` (GOV001-GOV004) if it cannot be used."""
    text = read_source(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise _not_a_report(path, f"invalid JSON ({err.msg})", err.lineno, err.colno) from None
    if not isinstance(data, dict) or data.get("schema") not in READABLE_SCHEMAS:
        raise _not_a_report(path, f"no \"schema\": \"{SCHEMA_ID}\" (or \"{READABLE_SCHEMAS[0]}\") at the top level")
    files = data.get("files")
    if not isinstance(files, list) or not files or not all(
            isinstance(f, dict) and isinstance(f.get("path"), str) and isinstance(f.get("properties"), list)
            for f in files):
        raise _not_a_report(path, "\"files\" must be a non-empty list of files with a path and properties")
    if not isinstance(data.get("options"), dict):
        raise _not_a_report(path, "no \"options\" object")
    for f in files:
        for p in f["properties"]:
            if not (isinstance(p, dict) and isinstance(p.get("name"), str) and p.get("status") in STATUSES
                    and isinstance(p.get("scope", {}), dict)
                    and (p.get("status") != "bounded" or data["schema"] != READABLE_SCHEMAS[0])):
                raise _not_a_report(path, f"a property of {f['path']} has no name, status or scope")
    return data


def recorded_options(data: dict, path: str) -> Options:
    opts = data["options"]
    defaults = Options()
    try:
        depth = opts.get("depth", defaults.depth)
        options = Options(depth=None if depth is None else int(depth),
                          timeout=float(opts.get("timeout", defaults.timeout)),
                          effort=float(opts.get("effort", defaults.effort)),
                          sanity=bool(opts.get("sanity", defaults.sanity)), engine=str(opts.get("engine", defaults.engine)),
                          accept_bounded=bool(opts.get("accept_bounded", defaults.accept_bounded)),
                          recheck_cvc5=bool(opts.get("recheck_cvc5", defaults.recheck_cvc5)))
    except (TypeError, ValueError) as err:
        raise _not_a_report(path, f"bad options ({err})") from None
    if not ((options.depth is None or DEPTH_RANGE[0] <= options.depth <= DEPTH_RANGE[1])
            and TIMEOUT_RANGE[0] <= options.timeout <= TIMEOUT_RANGE[1] and EFFORT_RANGE[0] <= options.effort <= EFFORT_RANGE[1]):
        raise _not_a_report(path, f"options out of range (depth {DEPTH_RANGE[0]} to {DEPTH_RANGE[1]}, "
                                  f"timeout {TIMEOUT_RANGE[0]} to {TIMEOUT_RANGE[1]:g} s)")
    return options


@dataclass
class Verification:
    lines: list[str] = field(default_factory=list)
    differences: int = 0
    invalid: bool = False
    rechecked: Report | None = None

    @property
    def exit_code(self) -> int:
        if self.invalid:
            return EXIT_INVALID
        return EXIT_DIFFERS if self.differences else EXIT_HOLDS

    def differ(self, line: str) -> None:
        self.lines.append(line)
        self.differences += 1


def verify(data: dict, report_path: str) -> Verification:
    """Re-run the check recorded in ``data`` (read from ``report_path``) and compare."""
    options = recorded_options(data, report_path)
    if options.engine not in ENGINES:
        raise _not_a_report(report_path, f"unknown engine '{options.engine}'")
    v = Verification()
    if data.get("govspec_version") not in (None, __version__):
        v.lines.append(f"note: the report was made by GovSpec {data['govspec_version']}; this is {__version__}")
    report = check_files([f["path"] for f in data["files"]], options)
    v.rechecked = report
    if data.get("z3_version") and report.z3_version and data["z3_version"] != report.z3_version:
        v.lines.append(f"note: the report was made with Z3 {data['z3_version']}; this is Z3 {report.z3_version}")
    for recorded, now in zip(data["files"], report.files):
        path = recorded["path"]
        old_hash, new_hash = recorded.get("sha256"), file_sha256(path)
        if old_hash is None:
            v.lines.append(f"note: {path}: the report records no content hash")
        elif old_hash != new_hash:
            v.differ(f"{path}: the spec changed since the report "
                     f"(sha256 {old_hash[:12]}... recorded, {new_hash[:12] + '...' if new_hash else 'unreadable'} now)")
        if now.errors:
            v.invalid = True
            v.differ(f"{path}: the spec cannot be checked now: {now.errors[0].span}: {now.errors[0].message}")
            continue
        _compare_properties(v, path, recorded["properties"], now.properties)
    return v


def _compare_properties(v: Verification, path: str, recorded: list, now: tuple[PropertyResult, ...]) -> None:
    current = {r.name: r for r in now}
    names = set()
    for old in recorded:
        name = old["name"]
        names.add(name)
        was = _verdict(old["status"], str(old.get("kind", "")), old.get("scope") or {}, bool(old.get("vacuous")))
        r = current.get(name)
        if r is None:
            v.differ(f"{path}: {name}: recorded {was}, now no such property")
        elif _result_verdict(r) != was:
            v.differ(f"{r.path or path}:{r.line}: {name}: recorded {was}, now {_result_verdict(r)}")
        else:
            v.lines.append(f"{r.path or path}:{r.line}: {name}: {was}, as recorded")
    for r in now:
        if r.name not in names:
            v.differ(f"{r.path or path}:{r.line}: {r.name}: not in the report, now {_result_verdict(r)}")
