"""The instructor tooling (classroom/): student edition, grading, no leaks.

Two kinds of test:

* behaviour, on the small fixture chapter ``tests/fixtures/classroom/ch98_fixture.ipynb``
  (one exercise of each kind, written to CONTRIBUTING.md's convention, seconds
  to run): one student edition and one grading run of seven submissions serve
  every assertion (module-scoped fixtures);
* the real pipeline on the real chapters (``notebooks/ch*.ipynb``): the
  student edition holds no solution text and keeps the public checks, and the
  chapter itself, submitted as it is, scores full marks in quick mode (one
  grading run for all chapters, two at a time; skipped without a data folder).
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

if not os.environ.get("CI"):
    pytest.importorskip("nbgrader", reason="nbgrader is not installed (requirements-dev.txt)")

from classroom.autograder import Autograder  # noqa: E402
from classroom.convention import ConventionError, exercise_of, parse, to_nbgrader  # noqa: E402
from classroom.course import Course, Limits, _run, default_notebooks  # noqa: E402
from classroom.grade import LongestFirst, balanced_split, discover, grade, kernel_env  # noqa: E402
from classroom.leaks import find_leaks, secret_lines, strings_of  # noqa: E402
from tests.conftest import wait_for  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "classroom" / "ch98_fixture.ipynb"
CHAPTERS = default_notebooks()
LABELS = ["ch98-ex-size", "ch98-ex-relu", "ch98-ex-pool", "ch98-ex-why", "ch98-ex-fit"]
# Every solution in the fixture carries one of these, in code, prose, hidden tests,
# metadata, an attachment, a stored output or the widget state.
CANARIES = ["CANARY-CODE-SIZE", "CANARY-CODE-RELU", "CANARY-CODE-POOL", "CANARY-CODE-WHY", "CANARY-CODE-FIT",
            "CANARY-PROSE-BEFORE", "CANARY-PROSE-AFTER", "CANARY-HIDDEN-RELU", "CANARY-METADATA",
            "CANARY-WIDGET-STATE", "CANARY-ATTACHMENT"]


def _solution_cell(nb, label):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == f"{label}__solution")


def _submission(student_nb, answers: dict[str, str]):
    """A copy of the student edition with the solution cells of some exercises rewritten."""
    nb = nbformat.from_dict(json.loads(json.dumps(student_nb)))
    for label, code in answers.items():
        _solution_cell(nb, label).source = code
    return nb


def _with_own_cell(nb, label, code):
    """``nb`` with a code cell of the student's own just before the solution cell of ``label``."""
    i = nb.cells.index(_solution_cell(nb, label))
    nb.cells.insert(i, nbformat.v4.new_code_cell(code))
    return nb


# ---------------------------------------------------------------------------
# Conventions, discovery, process control: no notebook runs
# ---------------------------------------------------------------------------

def test_fixture_follows_the_convention():
    nb = nbformat.read(FIXTURE, as_version=4)
    _, exercises = parse(nb, FIXTURE.name)
    assert list(exercises) == LABELS
    assert all(len(e.solution_cells) == 1 and len(e.check_cells) == 1 for e in exercises.values())
    assert [label for label, e in exercises.items() if e.hidden_tests] == ["ch98-ex-relu", "ch98-ex-pool"]
    assert len(exercises["ch98-ex-why"].prose_cells) == 2


def _nb(*cells):
    out = []
    for kind, src, *tags in cells:
        c = nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src)
        if tags:
            c.metadata["tags"] = list(tags)
        out.append(c)
    return nbformat.v4.new_notebook(cells=out, metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}})


EX = ("md", "```{exercise}\n:label: ch99-ex-a\n\nDo it.\n```")
START = ("md", "```{solution-start} ch99-ex-a\n:class: dropdown\n```")
SOL = ("code", "### BEGIN SOLUTION\na = 1\n### END SOLUTION", "solution")
CHECK = ("code", "assert a == 1", "check")
END = ("md", "```{solution-end}\n```")


@pytest.mark.parametrize("cells, message", [
    ((EX, SOL, START, CHECK, END), r"tagged solution but not between \{solution-start\}"),
    ((EX, START, SOL, ("code", "print(a)"), CHECK, END), r"untagged code cell inside the solution of 'ch99-ex-a'"),
    ((START, SOL, CHECK, END), r"no exercise with that label comes before it"),
    ((EX, START, SOL, CHECK), r"has no \{solution-end\}"),
    ((EX, START, ("code", "### BEGIN SOLUTION\na = 1", "solution"), CHECK, END), r"'BEGIN SOLUTION' without 'END SOLUTION'"),
    ((EX, START, ("code", "a = 1\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS", "solution"), CHECK, END),
     r"hidden tests belong in the check cell"),
    ((EX, START, SOL, ("code", "### BEGIN HIDDEN TESTS\nassert a", "check"), END), r"'BEGIN HIDDEN TESTS' without"),
    ((("md", "```{exercise}\nno label\n```"),), r"has no ':label: chNN-ex-<name>'"),
    ((EX, ("code", "# ### BEGIN SOLUTION in a body cell"), START, SOL, CHECK, END), r"outside an exercise's solution"),
])
def test_convention_errors_name_the_cell(cells, message):
    with pytest.raises(ConventionError, match=message):
        to_nbgrader(_nb(*cells), "ch99_test.ipynb")


def test_conversion_keeps_every_code_cell_as_it_is():
    nb = nbformat.read(FIXTURE, as_version=4)
    src, _ = to_nbgrader(nb, FIXTURE.name)
    assert [c.source for c in src.cells if c.cell_type == "code"] == [c.source for c in nb.cells if c.cell_type == "code"]
    ids = [c.metadata["nbgrader"]["grade_id"] for c in src.cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids)) and {exercise_of(i) for i in ids} == set(LABELS)


def test_discover_folders_and_lms_names(tmp_path):
    stems = ["ch01_conv_layer_anatomy", "ch03_backprop_from_scratch"]
    (tmp_path / "ada lovelace" / "work").mkdir(parents=True)
    (tmp_path / "ada lovelace" / "work" / "ch01_conv_layer_anatomy (1).ipynb").write_text("{}")
    (tmp_path / "ada lovelace" / "notes.ipynb").write_text("{}")
    (tmp_path / "grace_12345_ch03_backprop_from_scratch.ipynb").write_text("{}")
    (tmp_path / "ch03.ipynb").write_text("{}")
    found, notes = discover(tmp_path, stems)
    assert {s: sorted(v) for s, v in found.items()} == {
        "ada_lovelace": ["ch01_conv_layer_anatomy"], "grace_12345": ["ch03_backprop_from_scratch"]}
    assert any("notes.ipynb is not a chapter" in n for n in notes)
    assert any(n.startswith("ch03.ipynb: cannot tell the student") for n in notes)


def test_kernels_get_onednn_and_their_share_of_the_threads(tmp_path):
    env = kernel_env(True, 2, str(tmp_path), environ={}, cores=8)
    assert env["CNNBOOK_QUICK"] == "1" and env["CNNLIB_DATA_DIR"] == str(tmp_path.resolve())
    assert env["TF_ENABLE_ONEDNN_OPTS"] == "1"
    assert env["OMP_NUM_THREADS"] == env["OPENBLAS_NUM_THREADS"] == env["TF_NUM_INTEROP_THREADS"] == "4"
    assert env["TF_NUM_INTRAOP_THREADS"] == "8"           # TensorFlow's pool within an op is not split
    mine = {"TF_ENABLE_ONEDNN_OPTS": "0", "OMP_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "2"}
    env = kernel_env(False, 4, environ=mine, cores=8)     # the instructor's own settings win
    assert (env["CNNBOOK_QUICK"], env["TF_ENABLE_ONEDNN_OPTS"], env["OMP_NUM_THREADS"],
            env["OPENBLAS_NUM_THREADS"], env["TF_NUM_INTRAOP_THREADS"]) == ("0", "0", "1", "2", "2")
    assert "OMP_NUM_THREADS" not in kernel_env(True, 1, environ={}, cores=8)   # one worker: no split
    from classroom.cluster import KERNEL_ENV
    assert set(kernel_env(True, 2, "x", environ={}, cores=2)) <= set(KERNEL_ENV)  # all reach the workers


def test_time_limit_kills_the_whole_process_group(tmp_path):
    marker = tmp_path / "grandchild.pid"
    r = _run(["sh", "-c", f"sleep 60 & echo $! > {marker}; wait"], tmp_path, dict(os.environ), timeout=1)
    assert r.killed and not r.ok          # the time limit struck (the shell would have waited 60 s)
    pid = int(marker.read_text())
    state = Path(f"/proc/{pid}/stat")

    def gone() -> bool:                   # gone, or a zombie awaiting init
        try:
            return state.read_text().split()[2] == "Z"
        except (FileNotFoundError, ProcessLookupError):
            return True

    wait_for(gone, what=f"the grandchild {pid} to die with its process group")


class _FakeAutograder(Autograder):
    """An Autograder whose process is ``command`` instead of nbgrader."""

    def __init__(self, course, command):
        super().__init__(course)
        self.command = command

    def _command(self):
        return self.command


def test_autograder_kills_a_notebook_past_its_limit_with_its_processes(tmp_path):
    marker = tmp_path / "grandchild.pid"
    course = Course(tmp_path, "fixture", Limits(notebook_timeout=1, grace=1))
    with _FakeAutograder(course, ["sh", "-c", f"sleep 60 & echo $! > {marker}; wait"]) as grader:
        r = grader.grade("alice", "ch98_fixture")    # the process never answers
        assert r.killed and not r.ok and 1.5 < r.seconds < 30
    pid = int(marker.read_text())
    state = Path(f"/proc/{pid}/stat")
    wait_for(lambda: not state.exists() or state.read_text().split()[2] == "Z",
             what=f"the grandchild {pid} to die with the process group")


def test_autograder_reports_a_process_that_died_and_starts_another(tmp_path):
    course = Course(tmp_path, "fixture", LIMITS)
    code = "import sys; sys.stderr.write('cannot import nbgrader'); sys.exit(3)"
    with _FakeAutograder(course, [sys.executable, "-c", code]) as grader:
        for _ in range(2):                            # the second notebook gets a new process
            r = grader.grade("alice", "ch98_fixture")
            assert (r.returncode, r.ok, r.killed) == (3, False, False)
            assert "cannot import nbgrader" in r.output and "ERROR" in r.output


def test_autograder_refuses_an_answer_it_cannot_read(tmp_path):
    course = Course(tmp_path, "fixture", LIMITS)
    with _FakeAutograder(course, ["sh", "-c", "read job; echo not json; sleep 60"]) as grader:
        r = grader.grade("alice", "ch98_fixture")
        assert r.returncode == 1 and not r.ok and not r.killed and r.seconds < 10
        assert "answered b'not json" in r.output and grader._proc is None   # the process is gone


# ---------------------------------------------------------------------------
# The fixture chapter: one student edition, one grading run
# ---------------------------------------------------------------------------

LIMITS = Limits(cell_timeout=15, notebook_timeout=60, max_output=1_000_000, grace=60)


@pytest.fixture(scope="module")
def fixture_course(tmp_path_factory):
    """The student edition of the fixture chapter, made by the command an instructor types."""
    root = tmp_path_factory.mktemp("classroom") / "course"
    r = subprocess.run([sys.executable, "-m", "classroom.student_edition", str(FIXTURE), "--course", str(root),
                        "--assignment", "fixture"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ch98_fixture: 5 exercises, 5 graded (2 with hidden tests)" in r.stdout
    assert "hand this out" in r.stdout
    return Course(root, "fixture", LIMITS)


@pytest.fixture(scope="module")
def student_edition(fixture_course):
    return nbformat.read(fixture_course.release_dir / FIXTURE.name, as_version=4)


@pytest.fixture(scope="module")
def fixture_grades(fixture_course, student_edition, tmp_path_factory):
    source = nbformat.read(fixture_course.source_dir / FIXTURE.name, as_version=4)
    solutions = {label: _solution_cell(source, label).source for label in LABELS}
    subs = tmp_path_factory.mktemp("submissions")
    submissions = {
        # the chapter as the book has it: tags and directives, no nbgrader metadata
        "solution": nbformat.read(FIXTURE, as_version=4),
        "untouched": student_edition,
        "partial": _submission(student_edition, {
            "ch98-ex-size": solutions["ch98-ex-size"],
            "ch98-ex-pool": solutions["ch98-ex-pool"],
            # passes the public check, fails the hidden one (nan at -inf)
            "ch98-ex-relu": 'def relu(x):\n    return x * (x > 0)',
        }),
        "misbehaving": _submission(student_edition, {
            "ch98-ex-size": 'raise RuntimeError("my code breaks")',
            "ch98-ex-relu": solutions["ch98-ex-relu"] + '\nprint("x" * 3_000_000)',
            "ch98-ex-pool": "def max_pool_1d(x, size):\n    while True:\n        pass",
            "ch98-ex-why": solutions["ch98-ex-why"],
            "ch98-ex-fit": solutions["ch98-ex-fit"],
        }),
        # correct, but too slow: each solution cell sleeps 14 s, the notebook has 60 s
        "slow": _submission(student_edition, {
            label: "import time\ntime.sleep(14)\n" + solutions[label] for label in LABELS}),
        # an endless loop that ignores the grader's interrupt: the kernel is lost for the rest
        "stubborn": _submission(student_edition, {
            "ch98-ex-size": solutions["ch98-ex-size"],
            "ch98-ex-relu": solutions["ch98-ex-relu"],
            "ch98-ex-pool": "def max_pool_1d(x, size):\n    while True:\n        try:\n            while True:\n"
                            "                pass\n        except KeyboardInterrupt:\n            pass",
            "ch98-ex-why": solutions["ch98-ex-why"],
            "ch98-ex-fit": solutions["ch98-ex-fit"],
        }),
        # a helper in a cell of the student's own, used by the solution: run, though untagged
        "helper": _with_own_cell(_submission(student_edition, {
            "ch98-ex-size": "side = my_side()\n"}), "ch98-ex-size", "def my_side():\n    return 32\n"),
        "crasher": _submission(student_edition, {
            "ch98-ex-size": solutions["ch98-ex-size"],
            "ch98-ex-relu": solutions["ch98-ex-relu"],
            "ch98-ex-pool": solutions["ch98-ex-pool"],
            "ch98-ex-why": "import os\nos._exit(1)",
            "ch98-ex-fit": solutions["ch98-ex-fit"],
        }),
    }
    for student, nb in submissions.items():
        (subs / student).mkdir()
        nbformat.write(nb, subs / student / FIXTURE.name)
    (subs / "unreadable").mkdir()
    (subs / "unreadable" / FIXTURE.name).write_text("this is not a notebook")
    return grade(subs, fixture_course, quick=True, jobs=3, echo=lambda *a: None)  # most of them wait


def test_student_edition_has_no_solution_text(fixture_course, student_edition):
    planted = "\n".join(strings_of(json.loads(FIXTURE.read_text())))  # base64 payloads decoded too
    handed_out = "\n".join(strings_of(json.loads((fixture_course.release_dir / FIXTURE.name).read_text())))
    for canary in CANARIES:
        assert canary in planted, canary
        assert canary not in handed_out, canary
    assert find_leaks(nbformat.read(FIXTURE, as_version=4), student_edition) == []
    for cell in student_edition.cells:
        assert "BEGIN SOLUTION" not in cell.source and "HIDDEN TESTS" not in cell.source
        assert "attachments" not in cell or "nbgrader" not in cell.metadata
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert set(student_edition.metadata) <= {"kernelspec", "language_info"}


def test_only_the_student_edition_is_handed_out(fixture_course):
    assert sorted(p.name for p in fixture_course.release_dir.iterdir()) == [FIXTURE.name]
    with zipfile.ZipFile(fixture_course.zip_path) as z:
        assert sorted(n for n in z.namelist() if not n.endswith("/")) == [f"fixture/{FIXTURE.name}"]
        assert z.read(f"fixture/{FIXTURE.name}") == (fixture_course.release_dir / FIXTURE.name).read_bytes()


def test_student_edition_keeps_public_checks_and_stubs(student_edition):
    original = nbformat.read(FIXTURE, as_version=4)
    checks = [c.source for c in original.cells if "check" in c.metadata.get("tags", [])]
    public = [_without_hidden_tests(s) for s in checks]
    assert [c.source for c in student_edition.cells if c.metadata.get("nbgrader", {}).get("grade")
            and c.cell_type == "code"] == public
    stubs = [c.source for c in student_edition.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert all("raise NotImplementedError()" in s or s == "YOUR ANSWER HERE" for s in stubs)
    assert sum(s == "YOUR ANSWER HERE" for s in stubs) == 2  # the conceptual exercise's prose


def test_leak_detector_finds_planted_solution_text(student_edition):
    """The no-leak tests can fail: a solution line in an output, metadata or attachment is found."""
    original = nbformat.read(FIXTURE, as_version=4)
    line = "return x.reshape(-1, size).max(axis=1)   # CANARY-CODE-POOL"
    assert line in secret_lines(original)
    import base64
    plants = {
        "output": lambda c: c.outputs.append(nbformat.v4.new_output("stream", text=f"  {line}\n")),
        "metadata": lambda c: c.metadata.update(note={"deep": [line]}),
        "attachment": lambda c: c.update(attachments={"a.png": {"image/png": base64.b64encode(line.encode()).decode()}}),
    }
    for where, plant in plants.items():
        nb = nbformat.from_dict(json.loads(json.dumps(student_edition)))
        plant(next(c for c in nb.cells if c.cell_type == "code"))
        assert find_leaks(original, nb), where


def _without_hidden_tests(source: str) -> str:
    """What a check cell should look like in the student edition."""
    out = re.sub(r"[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[^\n]*(\n|$)", "", source, flags=re.S)
    return out.rstrip("\n") if out != source else out


def _scores(report, student):
    return [report.scores[student][label] for label in LABELS]


def _status(report, student, label):
    return next(d["status"] for d in report.details if d["student"] == student and d["exercise"] == label)


def test_solution_edition_scores_full_marks(fixture_grades):
    assert _scores(fixture_grades, "solution") == [1, 1, 1, 1, 1]


def test_untouched_student_edition_scores_zero(fixture_grades):
    assert _scores(fixture_grades, "untouched") == [0, 0, 0, 0, 0]
    # a stub at top level fails the solution cell; a stub in a function fails the check that calls it
    assert [_status(fixture_grades, "untouched", label) for label in LABELS] == [
        "solution cell failed", "check failed", "check failed", "solution cell failed", "solution cell failed"]
    details = [d["detail"] for d in fixture_grades.details if d["student"] == "untouched"]
    assert all("NotImplementedError" in d for d in details)


def test_partial_submission_gets_exactly_its_marks(fixture_grades):
    assert _scores(fixture_grades, "partial") == [1, 0, 1, 0, 0]


def test_hidden_tests_are_used_in_grading(fixture_grades):
    import numpy as np

    scope = {"np": np}
    exec('def relu(x):\n    return x * (x > 0)', scope)
    exec("assert np.array_equal(relu(np.array([-1.0, 0.0, 2.0])), [0.0, 0.0, 2.0])", scope)  # public check passes
    detail = next(d for d in fixture_grades.details if d["student"] == "partial" and d["exercise"] == "ch98-ex-relu")
    assert detail["score"] == 0 and detail["detail"].startswith("AssertionError")


def test_raising_looping_and_flooding_score_zero_for_those_exercises(fixture_grades, fixture_course):
    assert _scores(fixture_grades, "misbehaving") == [0, 0, 0, 1, 1]
    assert _status(fixture_grades, "misbehaving", "ch98-ex-size") == "solution cell failed"
    assert _status(fixture_grades, "misbehaving", "ch98-ex-relu") == "too much output"
    assert _status(fixture_grades, "misbehaving", "ch98-ex-pool") == "time limit of a cell"
    graded = fixture_course.autograded_dir("misbehaving") / FIXTURE.name
    assert graded.stat().st_size < 1_500_000  # the 3 MB print was not kept


def test_loop_that_ignores_interrupts_costs_only_what_follows(fixture_grades):
    assert _scores(fixture_grades, "stubborn") == [1, 1, 0, 0, 0]
    assert _status(fixture_grades, "stubborn", "ch98-ex-pool") == "time limit of a cell"
    assert {_status(fixture_grades, "stubborn", label) for label in LABELS[3:]} == {"the kernel stopped responding"}
    # The notebook's own limit ended the run, not the kill at notebook_timeout + grace
    # (how long it took is printed by benchmarks/bench_grading.py, not asserted here).
    assert not fixture_grades.runs[("stubborn", FIXTURE.stem)].killed


def test_notebook_time_limit(fixture_grades, fixture_course):
    scores = _scores(fixture_grades, "slow")
    assert scores[0] == 1 and scores[-1] == 0
    assert scores == sorted(scores, reverse=True)  # full marks until the time ran out, then zeros
    assert {_status(fixture_grades, "slow", label) for label, score in zip(LABELS, scores) if not score} <= {
        "time limit of a cell", "time limit of the notebook"}
    graded = nbformat.read(fixture_course.autograded_dir("slow") / FIXTURE.name, as_version=4)
    last = [c for c in graded.cells if c.metadata.get("nbgrader", {}).get("solution")][-1]
    # Which limit strikes the last cell first depends on the machine's speed: the
    # notebook's (NotebookTimeLimit) or the cell's (the kernel is interrupted).
    errors = [o.get("ename") for o in last.outputs if o.get("output_type") == "error"]
    assert errors and set(errors) <= {"NotebookTimeLimit", "CellTimeoutError", "KeyboardInterrupt"}, errors
    assert not fixture_grades.runs[("slow", FIXTURE.stem)].killed   # ended by the notebook's own limit


def test_grading_runs_only_what_the_exercises_need(fixture_grades, fixture_course):
    graded = nbformat.read(fixture_course.autograded_dir("solution") / FIXTURE.name, as_version=4)
    by_id = {c.get("id"): c for c in graded.cells}
    assert by_id["body-not-graded"].outputs == []  # a chapter cell no exercise needs
    assert all(c.outputs for c in graded.cells if "grading-setup" in c.metadata.get("tags", []))
    assert all("BODY CELL RAN" not in json.dumps(c.get("outputs", [])) for c in graded.cells)


def test_a_cell_the_student_added_is_run(fixture_grades):
    assert _scores(fixture_grades, "helper")[0] == 1


@pytest.mark.parametrize("notebook", [*CHAPTERS, FIXTURE], ids=[p.stem for p in [*CHAPTERS, FIXTURE]])
def test_grading_setup_tags_cover_what_the_exercises_use(notebook):
    from classroom.setup_cells import tag_notebook

    missing, _ = tag_notebook(notebook)
    assert not missing, (f"{notebook.name}: cells {missing} define names the exercises use; tag them "
                         "'grading-setup' (python -m classroom.setup_cells --write)")


def test_unreadable_notebook_scores_zero(fixture_grades):
    assert _scores(fixture_grades, "unreadable") == [0, 0, 0, 0, 0]
    assert {_status(fixture_grades, "unreadable", label) for label in LABELS} == {"not graded"}


def test_kernel_death_costs_only_the_exercises_after_it(fixture_grades):
    assert _scores(fixture_grades, "crasher") == [1, 1, 1, 0, 0]
    assert {_status(fixture_grades, "crasher", label) for label in LABELS[3:]} == {"the kernel died"}


def test_grader_never_crashed_and_wrote_the_tables(fixture_grades):
    assert [key for key, r in fixture_grades.runs.items() if not r.ok] == [("unreadable", FIXTURE.stem)]
    with open(fixture_grades.csv_path) as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["student", *LABELS, "total", "max_total"]
    table = {r["student"]: r for r in rows}
    assert table["solution"]["total"] == "5" and table["untouched"]["total"] == "0"
    assert table["partial"]["total"] == "2" and {r["max_total"] for r in rows} == {"5"}
    with open(fixture_grades.detail_path) as f:
        assert len(list(csv.DictReader(f))) == len(rows) * len(LABELS)
    # the chapter's mean seconds, for the order of the next grading
    seconds = json.loads((fixture_grades.csv_path.parent / "grading-seconds.json").read_text())
    assert list(seconds) == ["quick mode, exercises only"]
    assert list(seconds["quick mode, exercises only"]) == [FIXTURE.stem]
    assert 0 < seconds["quick mode, exercises only"][FIXTURE.stem] < 120


def test_longest_first_hands_out_the_longest_expected_first():
    jobs = [(s, ch) for s in ("ann", "bob") for ch in ("ch01", "ch02", "ch03")]
    # nothing known: the order given
    q = LongestFirst(jobs)
    assert [q.take() for _ in range(3)] == jobs[:3]
    # the last grading's seconds: unknown chapters first, then the longest
    q = LongestFirst(jobs, {"ch01": 10.0, "ch03": 50.0})
    assert [q.take() for _ in range(4)] == [("ann", "ch02"), ("bob", "ch02"), ("ann", "ch03"), ("bob", "ch03")]
    # this grading's runs replace the last one's figures as they finish
    q = LongestFirst(jobs, {"ch01": 10.0, "ch02": 20.0, "ch03": 50.0})
    assert q.take() == ("ann", "ch03")
    q.finished("ch03", 5.0)
    q.finished("ch03", 7.0)
    assert q.expected("ch03") == 6.0 and q.expected("ch01") == 10.0
    assert [q.take() for _ in range(6)] == [("ann", "ch02"), ("bob", "ch02"), ("ann", "ch01"), ("bob", "ch01"),
                                            ("bob", "ch03"), None]
    assert q.seconds() == {"ch03": 6.0}


def _makespan(queue, seconds, clock, slots=2):
    """When the last of ``slots`` workers finishes, each taking its next job from ``queue`` when free."""
    free, end = {s: 0.0 for s in range(slots)}, 0.0
    while free:
        slot = min(free, key=lambda s: (free[s], s))
        clock["now"] = free[slot]
        job = queue.take(slot)
        if job is None:
            del free[slot]
        else:
            free[slot] += seconds[job[1]]
            end = max(end, free[slot])
    return end


def test_queue_balances_one_students_chapters_between_two_workers():
    seconds = {"ch01": 23.0, "ch02": 20.0, "ch03": 27.0, "ch04": 41.0, "ch05": 50.0}
    jobs = [("ann", ch) for ch in sorted(seconds)]
    split = balanced_split(list(seconds.values()), [0.0, 0.0])
    assert sorted(sum(t for t, s in zip(seconds.values(), split) if s == k) for k in (0, 1)) == [77.0, 84.0]
    clock = {"now": 0.0}
    balanced = LongestFirst(jobs, seconds, slots=2, clock=lambda: clock["now"])
    assert _makespan(balanced, seconds, clock) == 84.0
    plain = LongestFirst(jobs, seconds, clock=lambda: clock["now"])   # longest first only (one slot)
    assert _makespan(plain, seconds, clock) == 88.0
    # what another slot is still running counts: 30 s left there, so this one takes 50 + 20
    assert balanced_split([50.0, 41.0, 20.0], [0.0, 30.0]) == [0, 1, 0]
    # many jobs: the longest first
    many = LongestFirst([(f"s{i}", ch) for i in range(10) for ch in sorted(seconds)], seconds, slots=2)
    assert [many.take(0)[1], many.take(1)[1], many.take(0)[1]] == ["ch05", "ch05", "ch05"]


def test_grading_command_line(fixture_course, student_edition, tmp_path):
    """Grading as an instructor types it (the student edition above was made the same way)."""
    (tmp_path / "subs" / "ada").mkdir(parents=True)
    nbformat.write(_submission(student_edition, {}), tmp_path / "subs" / "ada" / FIXTURE.name)
    r = subprocess.run([sys.executable, "-m", "classroom.grade", "subs", "--course", str(fixture_course.root),
                        "--assignment", "fixture", "--out", "grades.csv", "--timeout", "120"],
                       cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"^ada\s+0 / 5$", r.stdout, re.M)
    assert (tmp_path / "grades.csv").read_text().splitlines() == [
        "student," + ",".join(LABELS) + ",total,max_total", "ada,0,0,0,0,0,0,5"]
    assert (tmp_path / "grades-detail.csv").read_text().count("NotImplementedError") == 5


# ---------------------------------------------------------------------------
# The real chapters
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def chapters_course(tmp_path_factory):
    if not CHAPTERS:
        pytest.skip("no chapter notebooks yet")
    course = Course(tmp_path_factory.mktemp("chapters") / "course", "cnn-book",
                    Limits(cell_timeout=900, notebook_timeout=1800))
    course.build(CHAPTERS)
    return course


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_student_edition_has_no_solution_text(chapters_course, chapter):
    original = nbformat.read(chapter, as_version=4)
    student_path = chapters_course.release_dir / chapter.name
    assert find_leaks(original, student_path, chapter.name) == []
    student = nbformat.read(student_path, as_version=4)
    assert all(c.outputs == [] for c in student.cells if c.cell_type == "code")
    assert set(student.metadata) <= {"kernelspec", "language_info"}
    for cell in student.cells:
        assert "BEGIN SOLUTION" not in cell.source and "HIDDEN TESTS" not in cell.source
        if cell.metadata.get("nbgrader", {}).get("solution"):
            assert "attachments" not in cell


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_student_edition_keeps_the_public_checks(chapters_course, chapter):
    _, exercises = parse(nbformat.read(chapter, as_version=4), chapter.name)
    original = nbformat.read(chapter, as_version=4)
    student = nbformat.read(chapters_course.release_dir / chapter.name, as_version=4)
    kept = [c.source for c in student.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
    public = [_without_hidden_tests(original.cells[i].source) for e in exercises.values() for i in e.check_cells]
    assert kept == public
    stubs = [c for c in student.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
    assert len(stubs) == sum(len(e.solution_cells) for e in exercises.values())
    assert all("raise NotImplementedError()" in c.source for c in stubs)


@pytest.fixture(scope="module")
def chapters_graded(chapters_course, tmp_path_factory):
    """Every chapter as it is in notebooks/, submitted by one student, graded in quick mode
    with two workers: two of the student's notebooks are graded at the same time."""
    if not os.environ.get("CNNLIB_DATA_DIR"):
        pytest.skip("CNNLIB_DATA_DIR is not set: the chapters need the data sets")
    subs = tmp_path_factory.mktemp("chapter-submissions")
    (subs / "solutions").mkdir()
    for chapter in CHAPTERS:
        (subs / "solutions" / chapter.name).write_bytes(chapter.read_bytes())
    return grade(subs, chapters_course, quick=True, jobs=2, echo=print)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_solution_edition_scores_full_marks(chapters_graded, chapter):
    student = "solutions"
    rows = [d for d in chapters_graded.details if d["student"] == student and d["notebook"] == chapter.stem]
    assert rows, f"{chapter.name} has no graded exercise"
    failed = [f"{d['exercise']}: {d['status']} ({d['detail']})" for d in rows if d["score"] != d["max_score"]]
    assert not failed, "\n".join(failed)
