"""The nbgrader course folder behind both commands.

Layout (nbgrader's), by default under ``_build/classroom/``::

    nbgrader_config.py           written here: the plugins of classroom.nbgrader_ext
    gradebook.db                 instructor's versions of the checks (hidden tests included), scores
    source/<assignment>/         chapters with nbgrader metadata (solutions, hidden tests): instructors only
    release/<assignment>/        THE STUDENT EDITION: hand this folder out
    <assignment>-student-edition.zip   the same, zipped for an LMS
    submitted/<student>/<assignment>/  copies of the submissions being graded
    autograded/<student>/<assignment>/ the submissions as run by the grader, with outputs

Everything but ``release/`` and the zip holds solutions: keep it away from students.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .convention import ConventionError, to_nbgrader
from .leaks import find_leaks

REPO_ROOT = Path(__file__).resolve().parent.parent

__all__ = [
    "REPO_ROOT",
    "Course",
    "Limits",
    "RunResult",
    "default_notebooks",
]

_CONFIG = '''\
# Written by `python -m classroom.student_edition`; rewritten on every run.
# It lets nbgrader's own commands (nbgrader autograde, formgrader, export...)
# work in this folder with the book's plugins (classroom/nbgrader_ext.py).
import sys

sys.path.insert(0, {repo!r})

c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "cnn-book"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "results", ".DS_Store"]

# Student edition: nbgrader's steps, then a last scrub of metadata and attachments.
c.GenerateAssignment.preprocessors = [
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "nbgrader.preprocessors.InstantiateTests",
    "nbgrader.preprocessors.LockCells",
    "nbgrader.preprocessors.ClearSolutions",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.CheckCellMetadata",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.SaveCells",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.CheckCellMetadata",
    "classroom.nbgrader_ext.ScrubStudentEdition",
]

# Grading: the checks are restored from the gradebook (hidden tests included),
# deleted checks are put back, and the book's limits and scoring apply.
c.OverwriteCells.add_missing_cells = True
c.Autograde.autograde_preprocessors = [
    "classroom.nbgrader_ext.ClassroomExecute",
    "classroom.nbgrader_ext.BookScoring",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# `nbgrader export` in this folder writes the per-exercise table (grades.csv).
c.ExportApp.plugin_class = "classroom.nbgrader_ext.PerExerciseCsvExporter"

c.ClassroomExecute.timeout = {cell_timeout}
c.ClassroomExecute.notebook_timeout = {notebook_timeout}
c.ClassroomExecute.max_output_bytes = {max_output}
# Only what the exercises need runs: their cells, cells tagged grading-setup, cells students added.
c.ClassroomExecute.exercises_only = {exercises_only}
c.ClassroomExecute.source_dir = {source!r}
# The notebooks run on the workers of this Dask scheduler (classroom/cluster.py); empty: here.
c.ClassroomExecute.scheduler = {scheduler!r}

# The sandbox of each kernel (classroom/sandbox.py): limits, and the folders it must not see.
c.ClassroomExecute.sandbox = {sandbox}
c.SandboxedKernelManager.memory_mb = {memory_mb}
c.SandboxedKernelManager.cpu_seconds = {cpu_seconds}
c.SandboxedKernelManager.max_procs = {max_procs}
c.SandboxedKernelManager.hide = {hide!r}
'''


def default_notebooks() -> list[Path]:
    """The chapter notebooks: ``notebooks/chNN_*.ipynb`` (not the explorers)."""
    return sorted((REPO_ROOT / "notebooks").glob("ch[0-9]*.ipynb"))


@dataclass
class Limits:
    """Time limits (s), the output limit (characters per cell) and the sandbox's limits."""

    cell_timeout: int = 600
    notebook_timeout: int = 1800
    max_output: int = 1_000_000
    sandbox: bool = True
    exercises_only: bool = True  # False: run every cell of the chapter, not only what the exercises need
    memory_mb: int = 4096  # per process of the sandbox
    cpu_seconds: int = 0  # per process of the sandbox; 0: the notebook's time limit
    max_procs: int = 256  # processes and threads of the sandbox
    # Seconds allowed beyond notebook_timeout for nbgrader itself before the
    # whole process group (kernel included) is killed.
    grace: int = 120


@dataclass
class RunResult:
    """How the grading of one notebook by nbgrader ended."""

    returncode: int | None
    seconds: float
    output: str
    killed: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.killed


def _run(cmd: list[str], cwd: Path, env: dict, timeout: float | None) -> RunResult:
    """Run ``cmd`` in its own process group; on timeout kill the group (kernels included)."""
    start = time.monotonic()
    with subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, errors="replace", start_new_session=True) as proc:
        try:
            out, _ = proc.communicate(timeout=timeout)
            return RunResult(proc.returncode, time.monotonic() - start, out)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            out, _ = proc.communicate()
            return RunResult(None, time.monotonic() - start, out or "", killed=True)


@dataclass
class Course:
    """An nbgrader course folder holding one assignment made of chapter notebooks."""

    root: Path
    assignment: str = "cnn-book"
    limits: Limits = field(default_factory=Limits)
    # Folders the sandboxed kernels must not see, besides the course folder and the repository.
    hidden: list = field(default_factory=list)
    # Address of the Dask scheduler whose workers run the notebooks ("" : nbgrader runs them itself).
    scheduler: str = ""

    def __post_init__(self):
        self.root = Path(self.root).resolve()

    # -- paths ---------------------------------------------------------------
    @property
    def source_dir(self) -> Path:
        return self.root / "source" / self.assignment

    @property
    def release_dir(self) -> Path:
        return self.root / "release" / self.assignment

    @property
    def zip_path(self) -> Path:
        return self.root / f"{self.assignment}-student-edition.zip"

    @property
    def db_path(self) -> Path:
        return self.root / "gradebook.db"

    def submitted_dir(self, student: str) -> Path:
        return self.root / "submitted" / student / self.assignment

    def autograded_dir(self, student: str) -> Path:
        return self.root / "autograded" / student / self.assignment

    def notebook_names(self) -> list[str]:
        return sorted(p.stem for p in self.source_dir.glob("*.ipynb"))

    # -- nbgrader ------------------------------------------------------------
    def write_config(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        lim = self.limits
        hide = [str(p) for p in [self.root, REPO_ROOT, *self.hidden]]
        (self.root / "nbgrader_config.py").write_text(_CONFIG.format(
            repo=str(REPO_ROOT), root=str(self.root), cell_timeout=lim.cell_timeout,
            notebook_timeout=lim.notebook_timeout, max_output=lim.max_output, sandbox=lim.sandbox,
            exercises_only=lim.exercises_only, source=str(self.root / "source"), scheduler=self.scheduler,
            memory_mb=lim.memory_mb, cpu_seconds=lim.cpu_seconds or lim.notebook_timeout,
            max_procs=lim.max_procs, hide=hide))

    def env(self, extra: dict | None = None) -> dict:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        # nbgrader runs `alembic` (its database tool) from PATH: use this environment's.
        env["PATH"] = os.pathsep.join(filter(None, [str(Path(sys.executable).parent), env.get("PATH")]))
        env.setdefault("MPLBACKEND", "Agg")
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        env.update(extra or {})
        return env

    def nbgrader(self, *args: str, env: dict | None = None, timeout: float | None = None) -> RunResult:
        cmd = [sys.executable, "-m", "nbgrader", *args]
        return _run(cmd, self.root, self.env(env), timeout)

    # -- the student edition ---------------------------------------------------
    def build(self, notebooks: list[Path], *, points: float = 1.0) -> dict[str, list]:
        """Convert ``notebooks``, generate the student edition, check it for leaks, zip it.

        Returns ``{notebook name: [Exercise, ...]}``.  Raises ConventionError
        (every offending notebook listed) or RuntimeError (nbgrader failed or
        solution text reached the student edition).
        """
        originals, converted, problems, exercises = {}, {}, [], {}
        for path in notebooks:
            path = Path(path)
            try:
                nb = originals[path.stem] = nbformat.read(path, as_version=4)
                converted[path.stem], found = to_nbgrader(nb, path.name, points=points)
                exercises[path.stem] = list(found.values())
            except ConventionError as exc:
                problems.append(str(exc))
        if problems:
            raise ConventionError("these notebooks do not follow CONTRIBUTING.md's exercise convention:\n  "
                                  + "\n  ".join(problems))
        self.write_config()
        if self.source_dir.exists():
            shutil.rmtree(self.source_dir)
        self.source_dir.mkdir(parents=True)
        for stem, nb in converted.items():
            nbformat.write(nb, self.source_dir / f"{stem}.ipynb")
        result = self.nbgrader("generate_assignment", self.assignment, "--force")
        if not result.ok:
            raise RuntimeError(f"nbgrader generate_assignment failed:\n{_tail(result.output)}")
        leaks = []
        for stem in converted:
            student = self.release_dir / f"{stem}.ipynb"
            if not student.exists():
                raise RuntimeError(f"nbgrader wrote no {student}:\n{_tail(result.output)}")
            leaks += [f"{stem}: {msg}" for msg in find_leaks(originals[stem], student, stem)]
        if leaks:
            shutil.rmtree(self.release_dir)
            raise RuntimeError("solution text reached the student edition (removed it):\n  " + "\n  ".join(leaks))
        for extra in self.release_dir.iterdir():  # only the notebooks go out
            if extra.suffix != ".ipynb":
                shutil.rmtree(extra) if extra.is_dir() else extra.unlink()
        if self.zip_path.exists():
            self.zip_path.unlink()
        shutil.make_archive(str(self.zip_path.with_suffix("")), "zip", self.release_dir.parent, self.assignment)
        return exercises


def _tail(text: str, n: int = 40) -> str:
    return "\n".join(text.rstrip().splitlines()[-n:])
