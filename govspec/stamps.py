"""Proof stamps: re-check a saved JSON report (``govspec verify-report``).

A ``govspec-report/2`` report (or a ``govspec-report/1`` one, before the "bounded" status) records
the SHA-256 of each spec and of each file it imports (standard library files too), the GovSpec and
Z3 versions, the fixed search and solver limits, the options and the verdicts.  :func:`verify`
re-runs the check with the recorded options and lists every difference: a spec or imported file
whose content changed (the hashes compared are of the bytes the re-check read), a hash the report
lacks, a verdict (status, scope or vacuity) that differs, a property added or removed, a spec that
can no longer be checked (missing or invalid); and for a review, each diff and power block done
again and compared by what it found (:func:`_compare_blocks`), since the specs a block names are
not hashed in the report: a block whose findings differ, or one added or removed.  Beyond those,
everything else the report records of a file, a property or a block is compared with the JSON the
re-check writes, field by field (:func:`_field_differences`; a field missing on either side is a
difference: the verdict word, the summary, the scenario, the labels exact or approximate, a
confidence, an interval), but for what may legitimately vary from run to run (:data:`VARIES`:
the seconds, an invariant's form, and which prover and which time limit a result's words name,
each read as one word: :data:`LOAD_WORDS`).  It never trusts
the report's verdicts for anything but the comparison.  A report comes from anyone (a pull request): the specs it names must lie in
the report's folder tree unless the caller allows otherwise (:func:`refuse_outside`), and the text
of a file that does not parse as a spec is never shown.  Other versions or limits are warnings: the
report holds only if every verdict is found again.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from dataclasses import dataclass, field

from . import __version__
from .api import Read, check_file, limits, z3_version
from .safe import counted, json_text
from .syntax import read_source
from .options import BUDGET_RANGE, DEPTH_RANGE, EFFORT_RANGE, ENGINES, TIMEOUT_RANGE, Options, options_dict
from .diagnostics import Diagnostic, Span, SpecError
from .report import READABLE_SCHEMAS, SCHEMA_ID, STATUSES, PropertyResult, Report, Scope, WITNESSED, verdict_word
from .review import is_review

EXIT_HOLDS, EXIT_DIFFERS, EXIT_INVALID = 0, 1, 3


def _whole(value) -> bool:
    """An "integer" of the report's schema: not a bool, a float or a string."""
    return type(value) is int


def _number(value) -> bool:
    """A "number" of the schema: an int or a float, not a bool (True is not 1 in a report)."""
    return type(value) in (int, float)


def _is_bool(value) -> bool:
    return isinstance(value, bool)


def _is_str(value) -> bool:
    return isinstance(value, str)


def _scope(scope: dict) -> Scope:
    """The scope recorded; ValueError if it is not the schema's (load_report refuses the report)."""
    depth, sizes = scope.get("depth"), scope.get("sizes", "as-written")
    if not (depth is None or _whole(depth) and depth >= 0):
        raise ValueError("depth")
    if isinstance(sizes, dict):
        if not all(isinstance(v, list) and len(v) == 2 and all(_whole(n) and n >= 0 for n in v) for v in sizes.values()):
            raise ValueError("sizes")
        sizes = tuple((g, v[0], v[1]) for g, v in sorted(sizes.items()))
    elif sizes not in ("as-written", "all"):
        raise ValueError("sizes")
    return Scope(depth, sizes)


def _verdict(status: str, kind: str, scope: dict, vacuous: bool, witness: bool = False) -> str:
    s = _scope(scope)
    return f"{verdict_word(status, kind, s, witness)} ({s.describe()}{', vacuous' if vacuous else ''})"


def _result_verdict(r: PropertyResult) -> str:
    return _verdict(r.status, r.kind, r.scope.as_dict(), r.vacuous, r.witnessed)


def _not_a_report(path: str, why: str, line: int = 1, column: int = 1) -> SpecError:
    return SpecError([Diagnostic("GOV004", f"not a GovSpec JSON report: {why}", Span.point(path, line, column),
                                 notes=("make one with: govspec check --format json SPEC... > report.json",))])


def _no_constant(name: str):
    """NaN, Infinity and -Infinity, which Python's json reads but JSON has not (GovSpec never writes them)."""
    raise ValueError(f"{name} is not JSON")


def _once_each(pairs: list) -> dict:
    """A JSON object whose keys are each given once (Python's json keeps the last of a key given
    twice: a stamp with two "status" would be read as the second, silently)."""
    seen = set()
    for key, _ in pairs:
        if key in seen:
            raise ValueError(f"the key {json.dumps(key)} is given twice in one object")
        seen.add(key)
    return dict(pairs)


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|-?Infinity|NaN|-?[0-9][0-9.eE+-]*|[a-z]+|\s+|.', re.S)


def _fault_at(text: str, why: str) -> tuple[int, int]:
    """(line, column) of what made Python's json refuse ``text`` with ``why`` (:func:`_no_constant`,
    :func:`_once_each`, or an integer too long to convert): the first such token, found by reading
    the tokens again with each object's keys; (1, 1) if none is found."""
    stack: list[set | None] = []  # (per open bracket: an object's keys so far, or None for a list)
    tokens = [(m.start(), m.group()) for m in _JSON_TOKEN.finditer(text) if not m.group().isspace()]
    for i, (at, token) in enumerate(tokens):
        if token in "{[":
            stack.append(set() if token == "{" else None)
        elif token in "}]" and stack:
            stack.pop()
        elif "is not JSON" in why and token in ("NaN", "Infinity", "-Infinity"):
            break
        elif "digits" in why and token.lstrip("-").isdigit() and len(token.lstrip("-")) > 4300:  # (an integer)
            break
        elif token.startswith('"') and i + 1 < len(tokens) and tokens[i + 1][1] == ":" and stack and stack[-1] is not None:
            try:
                key = json.loads(token)
            except ValueError:  # (not reached: the parser read this far)
                key = token
            if key in stack[-1] and "given twice" in why:
                break
            stack[-1].add(key)
    else:
        return 1, 1
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def load_report(path: str) -> dict:
    """The recorded report as data; :class:`SpecError` (GOV001-GOV004) if it cannot be used."""
    text = read_source(path)
    try:
        data = json.loads(text, parse_constant=_no_constant, object_pairs_hook=_once_each)
    except json.JSONDecodeError as err:
        raise _not_a_report(path, f"invalid JSON ({err.msg})", err.lineno, err.colno) from None
    except RecursionError:  # (Python's parser recurses once per '[' or '{')
        raise _not_a_report(path, "invalid JSON (nested too deeply)") from None
    except ValueError as err:  # NaN or Infinity, a key given twice, an integer longer than 4300 digits
        raise _not_a_report(path, f"invalid JSON ({err})", *_fault_at(text, str(err))) from None
    if not isinstance(data, dict) or data.get("schema") not in READABLE_SCHEMAS:
        raise _not_a_report(path, f"no \"schema\": \"{SCHEMA_ID}\" (or \"{READABLE_SCHEMAS[0]}\") at the top level")
    files = data.get("files")
    if not isinstance(files, list) or not files or not all(
            isinstance(f, dict) and isinstance(f.get("path"), str) and isinstance(f.get("properties"), list)
            for f in files):
        raise _not_a_report(path, "\"files\" must be a non-empty list of files with a path and properties")
    if not isinstance(data.get("options"), dict):
        raise _not_a_report(path, "no \"options\" object")
    if not all(isinstance(f.get("imports", []), list) and all(
            isinstance(i, dict) and isinstance(i.get("path"), str) and isinstance(i.get("sha256"), str)
            for i in f.get("imports", [])) for f in files):
        raise _not_a_report(path, "\"imports\" must be a list of files with a path and a sha256")
    for f in files:
        for key in ("diffs", "powers"):  # a review's blocks: each once, by its line
            blocks = f.get(key, [])
            lines = [b.get("line") for b in blocks if isinstance(b, dict)] if isinstance(blocks, list) else None
            if lines is None or len(lines) != len(blocks) or not all(_whole(n) for n in lines) \
                    or len(set(lines)) != len(lines):
                raise _not_a_report(path, f"\"{key}\" of {f['path']} must be a list of blocks, each with its line, "
                                          "each line once")
        for p in f["properties"]:
            if not (isinstance(p, dict) and isinstance(p.get("name"), str) and p.get("status") in STATUSES
                    and isinstance(p.get("scope", {}), dict) and _whole(p.get("line", 0))
                    and (p.get("status") != "bounded" or data["schema"] != READABLE_SCHEMAS[0])):
                raise _not_a_report(path, f"a property of {f['path']} has no name, status, scope or line")
            try:
                _scope(p.get("scope", {}))
            except ValueError:
                raise _not_a_report(path, f"a property of {f['path']} has a malformed scope") from None
    return data


def recorded_options(data: dict, path: str) -> Options:
    opts = data["options"]
    defaults = Options()
    kinds = {"depth": (_whole, "a whole number or null"), "timeout": (_number, "a number"),
             "effort": (_number, "a number"), "budget": (_number, "a number or null"),
             "sanity": (_is_bool, "true or false"), "accept_bounded": (_is_bool, "true or false"),
             "recheck_cvc5": (_is_bool, "true or false"), "engine": (_is_str, "a string"),
             "explain": (_is_bool, "true or false")}
    raw = {name: opts.get(name, getattr(defaults, name)) for name in kinds}
    if "explain" not in opts:  # (a report from before --explain was recorded: read from its proofs' fields)
        raw["explain"] = _explained(data)
    for name, (fits, what) in kinds.items():  # strictly the schema's types: "3", 2.5 or true is no depth
        if not (fits(raw[name]) or (raw[name] is None and name in ("depth", "budget"))):
            shown = json_text(raw[name], None)
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            raise _not_a_report(path, f"bad options (\"{name}\" must be {what}, not {shown})")
    depth, budget = raw["depth"], raw["budget"]  # (ranges compared before float(): 10**400 is out, not an overflow)
    if not ((depth is None or DEPTH_RANGE[0] <= depth <= DEPTH_RANGE[1])
            and TIMEOUT_RANGE[0] <= raw["timeout"] <= TIMEOUT_RANGE[1] and EFFORT_RANGE[0] <= raw["effort"] <= EFFORT_RANGE[1]
            and (budget is None or BUDGET_RANGE[0] <= budget <= BUDGET_RANGE[1])):
        raise _not_a_report(path, f"options out of range (depth {DEPTH_RANGE[0]} to {DEPTH_RANGE[1]}, "
                                  f"timeout {TIMEOUT_RANGE[0]} to {TIMEOUT_RANGE[1]:g} s, "
                                  f"budget {BUDGET_RANGE[0]} to {BUDGET_RANGE[1]:g} s)")
    options = Options(depth=depth, timeout=float(raw["timeout"]), effort=float(raw["effort"]), sanity=raw["sanity"],
                      engine=raw["engine"], accept_bounded=raw["accept_bounded"], recheck_cvc5=raw["recheck_cvc5"],
                      budget=None if budget is None else float(budget), explain=raw["explain"])
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


def refuse_outside(data: dict, report_path: str, text: str | None = None) -> None:
    """SpecError (GOV007) if a spec the report names lies outside the report's folder tree (an
    absolute path elsewhere, a ``..`` escape, a symbolic link leading out): a report from a pull
    request must not make ``verify-report`` read other files.  Paths are read as ``verify`` reads
    them, relative to the current folder; ``text``: the report's text, to locate the path in it."""
    folder = os.path.realpath(os.path.dirname(os.path.abspath(report_path)))
    for f in data["files"]:
        path = f["path"]
        try:
            real = os.path.realpath(path)
            inside = os.path.commonpath([real, folder]) == folder
        except ValueError:  # a NUL character, another drive
            inside = False
        if not inside:
            line, column = _position(text, path)
            raise SpecError([Diagnostic(
                "GOV007", f"the report names a spec outside its folder: '{path}'",
                Span.point(report_path, line, column),
                notes=(f"verify-report reads only specs under {folder}, the report's folder "
                       "(symbolic links followed); nothing was checked",
                       "if you trust the report, pass --allow-outside"))])


def _position(text: str | None, path: str) -> tuple[int, int]:
    """Line and column of ``"path": "<path>"`` in the report's text (1, 1 if not found)."""
    found = re.search(re.escape(f'"path": {json_text(path, None)}'), text or "")
    if found is None:
        return 1, 1
    before = text[: found.start()]
    return before.count("\n") + 1, found.start() - (before.rfind("\n") + 1) + 1


SHA256 = re.compile(r"[0-9a-f]{64}")


def verify(data: dict, report_path: str, allow_outside: bool = False, blocks=None) -> Verification:
    """Re-run the check recorded in ``data`` (read from ``report_path``) and compare; with
    ``allow_outside``, specs outside the report's folder tree are read too.  ``blocks(report,
    options, reads)``: the report with its reviews' diff and power blocks done (the command line's,
    a layer above this one); without it, a review's recorded blocks are a difference each, not
    done again."""
    options = recorded_options(data, report_path)
    if options.engine not in ENGINES:
        raise _not_a_report(report_path, f"unknown engine '{options.engine}'")
    if not allow_outside:
        refuse_outside(data, report_path, _text_of(report_path))
    v = Verification()
    _compare_tools(v, data)
    files = []
    for recorded in data["files"]:
        path, read = recorded["path"], Read()
        now = check_file(path, options, read=read)
        if is_review(path) and not now.errors and blocks is not None:  # (its blocks, done as the check did them)
            now = blocks(Report((now,), options_dict(options), z3_version(), limits()), options, {path: read}).files[0]
        files.append(now)
        _compare_hashes(v, recorded, now)
        if now.errors:
            v.invalid = True
            v.differ(f"{path}: {_cannot_check(now.errors[0], read)}")
            continue
        found = _as_written(now, options)
        _compare_properties(v, path, recorded["properties"], now.properties, found["properties"])
        _compare_fields(v, path, _without(recorded, CHECKED_APART), _without(found, CHECKED_APART))
        _compare_blocks(v, path, recorded, found, blocks)
    v.rechecked = Report(tuple(files), options_dict(options), z3_version(), limits())
    return v


def _explained(data: dict) -> bool:
    """Whether a report that does not record ``explain`` among its options (made before it was
    recorded) was made with --explain: its proofs then carry the rules they rely on, which the
    re-check must find too."""
    return any(isinstance(p, dict) and ("relied_on" in p or "explanation" in p)
               for f in data["files"] for p in f["properties"])


def _as_written(now, options: Options) -> dict:
    """The file checked again, as ``govspec check --format json`` writes it (the data compared)."""
    from .formats.render import json_text as report_json  # (the JSON writer: a layer above the report's data)

    return json.loads(report_json(Report((now,), options_dict(options), z3_version(), limits())))["files"][0]


def _text_of(path: str) -> str | None:
    try:
        return read_source(path)
    except SpecError:
        return None


def _compare_tools(v: Verification, data: dict) -> None:
    """Warnings when the report was made by another GovSpec or Z3, or under other limits: not a
    difference by itself (the verdicts decide), but the likely cause of one."""
    cause = "a verdict that differs may be due to that"
    if data.get("govspec_version") not in (None, __version__):
        v.lines.append(f"warning: the report was made by GovSpec {data['govspec_version']}; this is {__version__}: {cause}")
    z3_now = z3_version()
    if data.get("z3_version") and z3_now and data["z3_version"] != z3_now:
        v.lines.append(f"warning: the report was made with Z3 {data['z3_version']}; this is Z3 {z3_now}: {cause}")
    recorded, now = data.get("limits"), limits()
    if not isinstance(recorded, dict):
        v.lines.append("warning: the report records no search and solver limits (made by an older GovSpec): "
                       f"{cause}")
    elif recorded != now:
        changed = ", ".join(f"{key} {recorded.get(key, 'none')} recorded, {now.get(key, 'none')} now"
                            for key in sorted(set(recorded) | set(now)) if recorded.get(key) != now.get(key))
        v.lines.append(f"warning: the report was made under other limits ({changed}): {cause}")


def _short(digest) -> str:
    return f"{digest[:12]}..." if isinstance(digest, str) else "unreadable"


def _compare_hashes(v: Verification, recorded: dict, now) -> None:
    """The spec's hash and each imported file's, recorded against those of the bytes checked now.
    A hash the report lacks is a difference: what it does not record cannot be verified."""
    path, old = recorded["path"], recorded.get("sha256")
    if not (isinstance(old, str) and SHA256.fullmatch(old)):
        v.differ(f"{path}: the report records no content hash of the spec (sha256 missing, null or malformed): "
                 "it cannot be verified")
    elif old != now.sha256:
        v.differ(f"{path}: the spec changed since the report (sha256 {_short(old)} recorded, {_short(now.sha256)} now)")
    imports_now = dict(now.imports)
    if "imports" not in recorded:
        if imports_now:
            v.differ(f"{path}: the report records no hashes of the files the spec imports (made by an older "
                     f"GovSpec), and it imports {len(imports_now)} now: it cannot be verified; make a new report")
        return
    imports_then = {i["path"]: i["sha256"] for i in recorded["imports"]}
    for imported in sorted(set(imports_then) | set(imports_now)):
        then, current = imports_then.get(imported), imports_now.get(imported)
        if then is None:
            v.differ(f"{imported}: imported by {path} now, not in the report")
        elif current is None:
            v.differ(f"{imported}: imported by {path} in the report, not now")
        elif then != current:
            v.differ(f"{imported}: imported by {path}: changed since the report "
                     f"(sha256 {_short(then)} recorded, {_short(current)} now)")


READING = ("GOV001", "GOV002", "GOV003", "GOV005")  # their messages show nothing of the file's text


def _cannot_check(error: Diagnostic, read: Read) -> str:
    """Why a spec cannot be checked now.  A file that does not parse as a spec may be anything (a
    report names any path): its text is not shown, only where parsing stopped."""
    if read.parsed or error.code in READING:
        return f"the spec cannot be checked now: {error.span}: {error.message}"
    return (f"not a GovSpec spec now: it does not parse (error[{error.code}] at line {error.span.line}, "
            f"column {error.span.column}); its text is not shown")


def _compare_properties(v: Verification, path: str, recorded: list, now: tuple[PropertyResult, ...],
                        written: list[dict]) -> None:
    """Each property's verdict (status, scope, vacuity: the first difference named), then everything
    else the report says of it, field by field (:func:`_field_differences`); ``written``: ``now`` as
    the JSON report writes it."""
    current = {r.name: (r, d) for r, d in zip(now, written)}
    names = set()
    for old in recorded:
        name = old["name"]
        names.add(name)
        was = _verdict(old["status"], str(old.get("kind", "")), old.get("scope") or {}, bool(old.get("vacuous")),
                       old.get("kind") == "possible" and old.get("status") == "bounded" and old.get("how") == WITNESSED)
        r, found = current.get(name, (None, None))
        if r is None:
            v.differ(f"{path}: {name}: recorded {was}, now no such property")
        elif _result_verdict(r) != was:
            v.differ(f"{r.path or path}:{r.line}: {name}: recorded {was}, now {_result_verdict(r)}")
        elif differs := _field_differences(old, found):
            v.differ(f"{r.path or path}:{r.line}: {name}: {differs}")
        else:
            v.lines.append(f"{r.path or path}:{r.line}: {name}: {was}, as recorded")
    for r in now:
        if r.name not in names:
            v.differ(f"{r.path or path}:{r.line}: {r.name}: not in the report, now {_result_verdict(r)}")


# ------------------------------------------------------------------ everything else a report records

# What may differ between a report and its re-check, at any depth of what is compared: the key, and
# why (docs/cli.md lists them).  Every other field is compared, so a field added to the report is
# checked without a change here.
VARIES = {
    "seconds": "how long a check took",
    "invariant": "the form of a proof's inductive invariant (--explain): the solver's search is not canonical; "
                 "whether there is one is compared",
    "how, reason, summary, why": "only which prover found a proof (Z3's Horn-clause engine, or the reference "
                                 "semantics when it ran out of time under load) and which time limit ran out "
                                 "first: those words are read as one (LOAD_WORDS); the rest is compared as it is",
}
# The words that differ with the machine's load, each read as the one word in brackets (every other
# word of a result is compared as it is: a reason emptied or rewritten differs)
LOAD_WORDS = (
    (re.compile(r"an inductive invariant found by Z3's Horn-clause engine, re-checked by a fresh solver"
                r"|every reachable abstract state explored on the reference semantics \(clocks capped\)"
                r"|every abstract state the coalition's forcing steps reach, explored on the reference semantics"),
     "(a prover)"),
    (re.compile(r"no time left(?: for a proof of any length| to check the invariant found)?"
                r"|time limit reached(?: before every abstract state was explored)?"
                r"|the time limit of [0-9.e+]+ s(?: per property)? ran out \(--timeout\)"
                r"|the run's budget of [0-9.e+]+ s ran out \(--budget\)"
                r"|(?:the exploration's share of the time|the time for [a-z_][a-z0-9_]* of [0-9]+(?:, [a-z_][a-z0-9_]* of [0-9]+)*"
                r"|the sanity check with [a-z_][a-z0-9_]* of [0-9]+(?:, [a-z_][a-z0-9_]* of [0-9]+)*) ran out"
                r"(?: \(--(?:timeout|budget)\))?"
                r"|the time ran out before it was decided"),
     "(a time limit)"),
)
# A file's fields compared on their own, before the rest: its hashes (with their own messages), its
# properties and its review blocks (each named); a block's "inputs" likewise.
CHECKED_APART = ("sha256", "imports", "properties", "diffs", "powers")


def _without(data: dict, keys) -> dict:
    return {k: value for k, value in data.items() if k not in keys}


def _rewritten(value, entry):
    """``value`` with each entry of its objects, at any depth, as ``entry(key, value)`` gives it
    (None: left out)."""
    if isinstance(value, dict):
        return dict(e for k, x in value.items() if (e := entry(k, _rewritten(x, entry))) is not None)
    if isinstance(value, list):
        return [_rewritten(x, entry) for x in value]
    return value


def _masked(value):
    """``value`` without what may vary (:data:`VARIES`): no "seconds", an invariant's text as one
    mark, and in "how", "reason", "summary" and "why" the prover and the time limit named read as
    one word each (:data:`LOAD_WORDS`)."""
    if isinstance(value, list):
        return [_masked(x) for x in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, x in value.items():
        if key == "seconds":
            continue
        if key == "invariant" and isinstance(x, str):
            out[key] = "(an invariant)"
        elif key in ("how", "reason", "summary", "why") and isinstance(x, str):
            out[key] = _load_free(x)
        else:
            out[key] = _masked(x)
    return out


def _load_free(text: str) -> str:
    for words, one in LOAD_WORDS:
        text = words.sub(one, text)
    return text


def _same(old, new) -> bool:
    """Equal as JSON values: true is not 1 (Python's True == 1), 1 is 1.0."""
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    return old == new


def _fields_apart(old, new, where: str = ""):
    """(field, recorded, now) for each field that differs, by its path ("approximate.confidence",
    "trace[0].stages[0].yes"); a field absent on one side is recorded or now ``_ABSENT``."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            yield from _fields_apart(old.get(key, _ABSENT), new.get(key, _ABSENT), f"{where}.{key}" if where else key)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new)):
            yield from _fields_apart(a, b, f"{where}[{i}]")
    elif not _same(old, new):
        yield where or "the whole", old, new


_ABSENT = object()


def _value(value) -> str:
    if value is _ABSENT:
        return "absent"
    if isinstance(value, list) and value and any(isinstance(x, (dict, list)) for x in value):
        return f"a list of {counted(len(value), 'item')}"
    text = json_text(value, None)
    return text if len(text) <= 80 else text[:77] + "..."


def _field_differences(old: dict, new: dict) -> str | None:
    """How what the report records differs from the re-check, field by field, beyond what may vary
    (:data:`VARIES`): the first field with both values, then the others by name; None: the same."""
    apart = list(_fields_apart(_masked(old), _masked(new)))
    if not apart:
        return None
    (field_name, was, now), rest = apart[0], [json_text(f, None) for f, _, _ in apart[1:]]
    more = f", and in {', '.join(rest[:5])}{f' and {len(rest) - 5} more' if len(rest) > 5 else ''}" if rest else ""
    return (f"the report differs from the re-check in {json_text(field_name, None)} (recorded {_value(was)}, "
            f"now {_value(now)}){more}")


def _compare_fields(v: Verification, where: str, old: dict, new: dict) -> None:
    differs = _field_differences(old, new)
    if differs:
        v.differ(f"{where}: {differs}")


# ------------------------------------------------------------------ a review's diff and power blocks


def _compare_blocks(v: Verification, path: str, recorded: dict, now: dict, blocks) -> None:
    """Each diff and power block of a review, recorded against done again (``now``: the file as the
    JSON report writes it), by its line: first what it found (:func:`_diff_findings`,
    :func:`_power_findings`, in words), then the files it read, then every other field of the block
    (:func:`_field_differences`: what may vary, :data:`VARIES`, aside)."""
    for key, found, title in (("diffs", _diff_findings, _diff_title), ("powers", _power_findings, _power_title)):
        then = {b.get("line"): b for b in recorded.get(key) or () if isinstance(b, dict)}
        current = {b["line"]: b for b in now.get(key) or ()}
        for line in sorted(set(then) | set(current), key=lambda n: (not isinstance(n, int), n if isinstance(n, int) else 0)):
            old, new = then.get(line), current.get(line)
            if old is None:
                v.differ(f"{path}:{line}: {title(new)}: not in the report")
                continue
            if new is None:
                v.differ(f"{path}:{line}: {title(old)}: " + ("in the report, no such block now" if blocks is not None
                                                             else "in the report, not done again (no block runner given)"))
                continue
            try:
                was = found(old)
            except (KeyError, TypeError, AttributeError):
                v.differ(f"{path}:{line}: {title(new)}: the report records it malformed: it cannot be verified")
                continue
            pairs = itertools.zip_longest(was, found(new), fillvalue="nothing more")
            differs = next(((a, b) for a, b in pairs if a != b), None)
            if differs is not None:
                v.differ(f"{path}:{line}: {title(new)}: recorded {differs[0]}, now {differs[1]}")
                continue
            changed = _inputs_changed(old, new) or _field_differences(_without(_as_power_2(old), ("inputs",)),
                                                                      _without(new, ("inputs",)))
            if changed:
                v.differ(f"{path}:{line}: {title(new)}: {changed}")
            else:
                v.lines.append(f"{path}:{line}: {title(new)}: as recorded")


def _inputs_changed(old: dict, new: dict) -> str | None:
    """How the files a block read differ from those the report records (None: the same bytes).  A
    block that records none cannot be verified (made by an older GovSpec), as a spec without a hash."""
    recorded = old.get("inputs")
    if not isinstance(recorded, list) or not all(isinstance(i, dict) and isinstance(i.get("path"), str)
                                                 and isinstance(i.get("sha256"), str) for i in recorded):
        return ("the report records no hashes of the files the block read (made by an older GovSpec, or "
                "malformed): it cannot be verified")
    then = {i["path"]: i["sha256"] for i in recorded}
    now = {i["path"]: i["sha256"] for i in new["inputs"]}
    found = [f"{p} changed since the report (sha256 {_short(then[p])} recorded, {_short(now[p])} now)"
             for p in then if p in now and then[p] != now[p]]
    found += [f"{p} was read then, not now" for p in then if p not in now]
    found += [f"{p} is read now, not then" for p in now if p not in then]
    return "; ".join(found) or None


def _as_power_2(block: dict) -> dict:
    """A power block as ``govspec-power/2`` writes it: one written in version 1 differs only in the
    schema's name and in where a bounded outcome's fractions stand ("exact" then, "bounded" now)."""
    power = block.get("power")
    if not (isinstance(power, dict) and power.get("schema") == "govspec-power/1" and isinstance(power.get("outcomes"), list)):
        return block
    outcomes = [_fractions_bounded(o) if isinstance(o, dict) and "bounded" in o else o for o in power["outcomes"]]
    return block | {"power": power | {"schema": "govspec-power/2", "outcomes": outcomes}}


def _fractions_bounded(outcome: dict) -> dict:
    """``outcome`` with each fraction under "exact" (a string; the outcome's own "exact" is true or
    false) moved to "bounded", at any depth."""
    return _rewritten(outcome, lambda k, x: ("bounded" if k == "exact" and isinstance(x, str) else k, x))


def _diff_title(block: dict) -> str:
    return f"diff block {block.get('old')} -> {block.get('new')}"


def _power_title(block: dict) -> str:
    return f"power block of {block.get('spec')}"


def _verdict_of(result: dict | None) -> str:
    if not result:
        return "none"
    return _verdict(result["status"], str(result.get("kind", "")), result.get("scope") or {},
                    bool(result.get("vacuous")))


def _diff_findings(block: dict) -> list[str]:
    """What a diff block found, one finding a string: its exit code, each change of the rules, each
    property's verdict under the old rules and the new, the fewest who can force or block each
    procedure, whether each can pass."""
    data = block["diff"]
    out = [f"exit code {block['exit_code']}"]
    out += [f"rule change at {r['where']}: {r['before']!r} -> {r['after']!r}" for r in data["rules"]]
    out += [f"{g['name']} {g['change']} ({_verdict_of(g.get('before'))} -> {_verdict_of(g.get('after'))})"
            for g in data["guarantees"]]
    for p in data["power"]:
        sides = [f"{s['size']} of {s['of']}{'' if s.get('exact') else ' (not exact)'}" if s else "none"
                 for s in (p.get("before"), p.get("after"))]
        out.append(f"fewest to {p['kind']} {p['procedure']}: {sides[0]} -> {sides[1]}"
                   + (f" ({p['why_not']})" if p.get("why_not") else ""))
    out += [f"{p['procedure']}: {p['before']} -> {p['after']}" for p in data.get("passable", ())]
    return out


def _fraction(index: dict, otherwise=None):
    """An index's fraction as recorded: exact, or exact in a game bounded to a depth (key "bounded";
    reports written before it was named so have "exact" there too)."""
    return index.get("exact", index.get("bounded", otherwise))


def _tag_facts(r: dict) -> list[str]:
    """An outcome's figures per tag (``--by tag``, a power block's ``by: tag``): exact shares, certified
    intervals and estimates, each tag with its members."""
    facts = []
    for where, tags in (("exact", r.get("tags")), ("certified", (r.get("certified") or {}).get("tags")),
                        ("sampled", (r.get("approximate") or {}).get("tags")),
                        ("sampled Shapley-Shubik", (r.get("sampled_shapley") or {}).get("tags"))):
        for t in tags or ():
            figures = [f"{k} {_fraction(v, v.get('estimate'))}" + (f" in [{v['low']}, {v['high']}]" if "low" in v else "")
                       for k, v in t.items() if isinstance(v, dict)]
            facts.append(f"tag {t['tag']} ({where}; {', '.join(t['members'])}): {', '.join(figures)}")
    return facts


def _power_findings(block: dict) -> list[str]:
    """What a power block found: its exit code, and per outcome its figures (every index of every
    player as an exact fraction, the winning coalitions, dummies, vetoes, how bounded, why none;
    sampled estimates as recorded), then each outcome not analysed and why."""
    data = block["power"]
    out = [f"exit code {block['exit_code']}"]
    for r in data["outcomes"]:
        name = r.get("outcome", r["procedure"])
        facts = [f"passable {r['passable']}"]
        facts += [f"bounded to depth {r['bounded']['depth']}"] if "bounded" in r else []
        facts += [f"no index: {r['why']}"] if "why" in r else []
        if "players" in r:
            facts.append(f"{r['winning_coalitions']} of {r['all_coalitions']} coalitions win")
            facts += [f"{p['name']}: " + ", ".join(f"{k} {_fraction(p[k])}" for k in ("banzhaf", "normalised", "shapley",
                                                                                  "initiate", "prevent") if k in p)
                      for p in r["players"]]
            facts += [f"not computed: {', '.join(r['not_computed']['what'])}"] if "not_computed" in r else []
            facts += [f"dummies {r['dummies']}", f"vetoes {r['vetoes']}"]
        if "approximate" in r:
            a = r["approximate"]
            facts.append(f"{a['winning']} of {a['samples']} random coalitions won" if "winning" in a else
                         f"Coleman's powers not estimated: {a.get('coleman_why', 'not recorded')}")
            facts += [f"{p['name']}: Banzhaf about {p['banzhaf']['estimate']}" +
                      (f", Shapley-Shubik about {p['shapley']['estimate']}" if "shapley" in p else "") +
                      (f", Coleman initiate about {p['initiate']['estimate']}, prevent about {p['prevent']['estimate']}"
                       if "initiate" in p else "")
                      for p in r["approximate"]["players"]]
        if "sampled_shapley" in r:
            facts += [f"{p['name']}: Shapley-Shubik about {p['shapley']['estimate']}" for p in r["sampled_shapley"]["players"]]
        if "certified" in r:
            facts += [f"{p['name']}: Banzhaf in [{p['banzhaf']['low']}, {p['banzhaf']['high']}]"
                      for p in r["certified"]["players"]]
        facts += [f"by {r['by']}"] if r.get("by", "person") != "person" else []  # (saved reviews by person keep verifying)
        facts += _tag_facts(r)
        out += [f"{name}: {fact}" for fact in facts]
    out += [f"{u['procedure']} not analysed: {u['reason']}" for u in data["unsupported"]]
    return out
