"""The grading sandbox (classroom/sandbox.py, classroom/limits.py): hostile submissions.

One grading run of the fixture chapter (tests/fixtures/classroom/ch98_fixture.ipynb)
with one student per attack, each hidden in the solution cell of one exercise
next to a correct solution: reading the course's secrets, reaching a server
on 127.0.0.1, writing outside its folder, a fork bomb, too much memory, endless
output, ``sys.exit`` and ``os._exit``.  Each must cost only the exercises
concerned, leak nothing, and let the run go on to the next student (``zz-after``,
graded last, scores full marks).

Skipped where bubblewrap cannot make a sandbox (the grader then refuses to run,
which is tested too).  The fork bomb runs only where the process limit is
enforced (a pids cgroup, or an ordinary user's RLIMIT_NPROC).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest

STARTED = time.time() - 1   # when this module was imported: sandboxes made since are this run's

if not os.environ.get("CI"):
    pytest.importorskip("nbgrader", reason="nbgrader is not installed (requirements-dev.txt)")

from classroom import sandbox  # noqa: E402
from classroom.course import Course, Limits  # noqa: E402
from classroom.grade import grade  # noqa: E402
from tests.conftest import LocalServer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "classroom" / "ch98_fixture.ipynb"
LABELS = ["ch98-ex-size", "ch98-ex-relu", "ch98-ex-pool", "ch98-ex-why", "ch98-ex-fit"]
TOKEN = uuid.uuid4().hex[:10]
LIMITS = Limits(cell_timeout=10, notebook_timeout=60, max_output=100_000, grace=60,
                memory_mb=1024, max_procs=64)


def _sandbox_skip_reason():
    try:
        sandbox.require()
    except sandbox.SandboxUnavailable as exc:
        return str(exc).splitlines()[0]
    return None


needs_sandbox = pytest.mark.skipif(_sandbox_skip_reason() is not None,
                                   reason=f"no sandbox here: {_sandbox_skip_reason()}")


def _solution_cell(nb, label):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == f"{label}__solution")


def _sandbox_processes() -> list[str]:
    """Command lines of live processes that belong to a grading sandbox."""
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "cnnbook-sandbox-" in cmd:
            out.append(f"{pid}: {cmd[:120]}")
    return out


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("sandbox") / "course"
    r = subprocess.run([sys.executable, "-m", "classroom.student_edition", str(FIXTURE), "--course", str(root),
                        "--assignment", "fixture"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return Course(root, "fixture", LIMITS)


@pytest.fixture(scope="module")
def server():
    """The suite's local HTTP server; it counts every TCP connection it gets (none should come)."""
    srv = LocalServer()
    try:
        yield srv
    finally:
        srv.stop()


def _probe(paths) -> str:
    """Code that tries to list and read each path and prints what it got."""
    return (
        "import os\n"
        f"for p in {[str(p) for p in paths]!r}:\n"
        "    try:\n"
        "        if os.path.isdir(p):\n"
        "            entries = os.listdir(p)\n"
        "            print('READ' if entries else 'HIDDEN', p, entries or 'empty')\n"
        "        else:\n"
        "            print('READ', p, open(p, 'rb').read(200))\n"
        "    except Exception as exc:\n"
        "        print('HIDDEN', p, type(exc).__name__)\n")


@pytest.fixture(scope="module")
def hostile(course, server, tmp_path_factory):
    source = nbformat.read(course.source_dir / FIXTURE.name, as_version=4)
    solutions = {label: _solution_cell(source, label).source for label in LABELS}
    student = nbformat.read(course.release_dir / FIXTURE.name, as_version=4)
    subs = tmp_path_factory.mktemp("hostile-submissions")
    home = Path.home()
    secrets = [course.db_path, course.source_dir / FIXTURE.name, course.root, FIXTURE,
               ROOT / "notebooks", subs / "zz-after" / FIXTURE.name, subs]
    targets = [home / f"cnnbook-pwned-{TOKEN}", course.root / f"pwned-{TOKEN}", ROOT / f"pwned-{TOKEN}",
               subs / f"pwned-{TOKEN}", Path("/tmp") / f"cnnbook-pwned-{TOKEN}"]
    write = "".join(
        f"try:\n    open({str(t)!r}, 'w').write('x')\n    print('WROTE', {str(t)!r})\n"
        f"except OSError as exc:\n    print('REFUSED', {str(t)!r}, type(exc).__name__)\n" for t in targets)
    write += f"open(os.path.expanduser('~/cnnbook-pwned-{TOKEN}'), 'w').write('x')\n"
    attacks = {
        "snoop": ("ch98-ex-size", _probe(secrets)),
        "network": ("ch98-ex-size",
                    "import socket\ntry:\n"
                    f"    socket.create_connection(('127.0.0.1', {server.port}), timeout=3).sendall(b'stolen')\n"
                    "    print('CONNECTED')\nexcept OSError as exc:\n    print('NO NETWORK', type(exc).__name__)\n"),
        "writer": ("ch98-ex-size", "import os\n" + write),
        "forkbomb": ("ch98-ex-size", "import os\nwhile True:\n    try:\n        os.fork()\n"
                                     "    except OSError:\n        pass\n"),
        "hog": ("ch98-ex-size", "hog = bytearray(3 * 2**30)\n"),
        "flood": ("ch98-ex-size", "while True:\n    print('x' * 1000)\n"),
        "sysexit": ("ch98-ex-size", "import sys\nsys.exit(3)\n"),
        "osexit": ("ch98-ex-fit", "import os\nos._exit(1)\n"),
    }
    if sandbox.process_limit_method() is None:
        del attacks["forkbomb"]  # nothing would stop it here: do not run it
    for name, (label, attack) in attacks.items():
        nb = nbformat.from_dict(json.loads(json.dumps(student)))
        for other in LABELS:
            _solution_cell(nb, other).source = solutions[other]
        _solution_cell(nb, label).source = attack + solutions[label]
        (subs / name).mkdir()
        nbformat.write(nb, subs / name / FIXTURE.name)
    (subs / "zz-after").mkdir()
    (subs / "zz-after" / FIXTURE.name).write_bytes(FIXTURE.read_bytes())
    before = FIXTURE.read_bytes(), course.db_path.stat().st_size
    report = grade(subs, course, quick=True, jobs=2, echo=lambda *a: None)
    report.secrets, report.targets, report.attacks, report.before = secrets, targets, attacks, before
    yield report
    for t in targets + [home / f"cnnbook-pwned-{TOKEN}"]:  # in case a test failed
        if t.exists():
            t.unlink()


def _scores(report, student):
    return [report.scores[student][label] for label in LABELS]


def _status(report, student, label):
    return next(d["status"] for d in report.details if d["student"] == student and d["exercise"] == label)


def _outputs(course, student) -> str:
    nb = nbformat.read(course.autograded_dir(student) / FIXTURE.name, as_version=4)
    return "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


pytestmark = needs_sandbox


def test_a_submission_cannot_read_the_course_or_other_submissions(hostile, course):
    assert _scores(hostile, "snoop") == [1, 1, 1, 1, 1]
    out = _outputs(course, "snoop")
    for path in hostile.secrets:
        assert f"HIDDEN {path} " in out, out
    assert "READ" not in out
    assert "CANARY-HIDDEN" not in out  # the hidden tests, kept in source/ and the gradebook


def test_a_submission_has_no_network(hostile, course, server):
    assert _scores(hostile, "network") == [1, 1, 1, 1, 1]
    assert "NO NETWORK" in _outputs(course, "network")
    assert server.connections == 0


def test_a_submission_writes_nothing_outside_its_folder(hostile, course):
    assert _scores(hostile, "writer") == [1, 1, 1, 1, 1]
    for target in hostile.targets + [Path.home() / f"cnnbook-pwned-{TOKEN}"]:
        assert not target.exists(), target
    assert FIXTURE.read_bytes() == hostile.before[0]


def test_a_fork_bomb_costs_its_exercise(hostile):
    if "forkbomb" not in hostile.attacks:
        pytest.skip("the process limit cannot be enforced here (root without a pids cgroup)")
    # The kernel, forking, may swallow the interrupt (Python ignores a KeyboardInterrupt
    # raised in an at-fork handler): then, as for any loop that ignores interrupts, the
    # exercises after it are lost too, never those before it, nor other students'.
    assert _scores(hostile, "forkbomb")[0] == 0
    assert _status(hostile, "forkbomb", "ch98-ex-size") in {"time limit of a cell", "the kernel stopped responding"}
    assert hostile.runs[("forkbomb", FIXTURE.stem)].ok


def test_too_much_memory_costs_its_exercise(hostile):
    assert _scores(hostile, "hog") == [0, 1, 1, 1, 1]
    detail = next(d for d in hostile.details if d["student"] == "hog" and d["exercise"] == "ch98-ex-size")
    assert "MemoryError" in detail["detail"]


def test_endless_output_costs_its_exercise(hostile, course):
    assert _scores(hostile, "flood") == [0, 1, 1, 1, 1]
    assert _status(hostile, "flood", "ch98-ex-size") in {"too much output", "time limit of a cell"}
    assert (course.autograded_dir("flood") / FIXTURE.name).stat().st_size < 1_000_000


def test_exits_cost_their_exercises(hostile):
    assert _scores(hostile, "sysexit") == [0, 1, 1, 1, 1]
    assert _status(hostile, "sysexit", "ch98-ex-size") == "solution cell failed"
    assert _scores(hostile, "osexit") == [1, 1, 1, 1, 0]
    assert _status(hostile, "osexit", "ch98-ex-fit") == "the kernel died"


def test_the_run_goes_on_and_leaves_nothing_running(hostile):
    assert _scores(hostile, "zz-after") == [1, 1, 1, 1, 1]
    assert not [key for key, r in hostile.runs.items() if not r.ok]
    assert _sandbox_processes() == []
    # none of this run's sandbox folders is left (a run killed earlier on this machine may have left its own)
    assert not [p for p in Path("/tmp").glob("cnnbook-sandbox-*") if p.stat().st_mtime >= STARTED]


@pytest.mark.skipif(not sandbox.bwrap_path(), reason="bubblewrap is not installed")
def test_grading_refuses_without_bubblewrap_unless_told(course, tmp_path):
    (tmp_path / "subs" / "ada").mkdir(parents=True)
    (tmp_path / "subs" / "ada" / FIXTURE.name).write_bytes((course.release_dir / FIXTURE.name).read_bytes())
    cmd = [sys.executable, "-m", "classroom.grade", "subs", "--course", str(course.root), "--assignment", "fixture",
           "--out", "grades.csv", "--timeout", "120"]
    env = dict(os.environ, PYTHONPATH=str(ROOT), CNNBOOK_BWRAP=str(tmp_path / "no-such-bwrap"))
    r = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert r.returncode != 0
    assert "apt-get install bubblewrap" in r.stderr and "--no-sandbox" in r.stderr
    assert not (tmp_path / "grades.csv").exists()
    r = subprocess.run(cmd + ["--no-sandbox"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tmp_path / "grades.csv").read_text().splitlines()[1] == "ada,0,0,0,0,0,0,5"
