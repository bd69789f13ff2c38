"""One nbgrader process that grades notebook after notebook.

``nbgrader autograde`` spends about 2.5 s of CPU before it grades anything:
importing nbgrader, Dask's client and what they import.  A class is graded one
notebook at a time per worker, so :func:`classroom.grade.grade` keeps one
long-lived nbgrader process for each notebook in flight (:class:`Autograder`)
and sends it the notebooks one after another.  Each notebook is graded by
nbgrader's own ``Autograde`` converter with the course folder's
``nbgrader_config.py``, as ``nbgrader autograde`` run in that folder does it
(nbgrader configuration files in Jupyter's own folders are not read).

The process reads one job per line on its standard input (JSON: student,
notebook, assignment, settings, environment) and answers one line (JSON: exit
status and everything nbgrader wrote while grading) on the descriptor that was
its standard output.  A notebook that outlives its time limit is killed with
the process, which the next notebook replaces.

    python -m classroom.autograder COURSE_ROOT     # the process; Autograder starts it
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .course import RunResult

__all__ = ["Autograder"]


class Autograder:
    """A long-lived ``python -m classroom.autograder`` process for ``course``, started on first use.

    Used as ``with Autograder(course) as grader: grader.grade(student, notebook, env)``,
    which returns a :class:`~classroom.course.RunResult`.
    """

    def __init__(self, course):
        self.course = course
        self._proc: subprocess.Popen | None = None
        self._stderr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self) -> "Autograder":
        """Start the process now (it imports nbgrader before it reads its first notebook)."""
        if self._proc is None or self._proc.poll() is not None:
            if self._stderr is not None:
                self._stderr.close()
            self._stderr = tempfile.TemporaryFile()  # what the process writes between notebooks
            self._proc = subprocess.Popen(
                self._command(), cwd=self.course.root, env=self.course.env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
                start_new_session=True)
        return self

    def _command(self) -> list[str]:
        return [sys.executable, "-m", "classroom.autograder", str(self.course.root)]

    def grade(self, student: str, notebook: str, env: dict | None = None) -> RunResult:
        """Grade one submitted notebook, as ``nbgrader autograde --student --notebook --force`` would."""
        lim = self.course.limits
        job = {"assignment": self.course.assignment, "student": student, "notebook": notebook,
               "env": dict(env or {}),
               "config": {"ClassroomExecute": {"timeout": lim.cell_timeout,
                                               "notebook_timeout": lim.notebook_timeout,
                                               "max_output_bytes": lim.max_output}}}
        self.start()
        start = time.monotonic()
        deadline = start + lim.notebook_timeout + lim.grace
        try:
            self._proc.stdin.write((json.dumps(job) + "\n").encode())
            self._proc.stdin.flush()
            line = self._read_line(deadline)
        except BrokenPipeError:
            line = b""
        seconds = time.monotonic() - start
        if line is None:  # past the limit: the notebook goes, with the process and its kernel
            self._kill()
            return RunResult(None, seconds, "", killed=True)
        if not line:
            code = self._proc.wait()
            self._stderr.seek(0)
            text = self._stderr.read().decode(errors="replace")
            self._proc = None
            return RunResult(code or 1, seconds, f"[Autograde | ERROR] the nbgrader process ended ({code}):\n{text}")
        try:
            answer = json.loads(line)
            return RunResult(int(answer["returncode"]), seconds, str(answer["output"]))
        except (ValueError, KeyError, TypeError):
            self._kill()
            return RunResult(1, seconds, f"[Autograde | ERROR] the nbgrader process answered {line[:200]!r}")

    def _read_line(self, deadline: float) -> bytes | None:
        """The answer's line; b"" if the process ended, None past ``deadline``."""
        out = self._proc.stdout
        with selectors.DefaultSelector() as sel:
            sel.register(out, selectors.EVENT_READ)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                if sel.select(timeout=min(left, 5.0)):
                    return out.readline()  # the answer is written as one line, then flushed

    def _kill(self) -> None:
        if self._proc is None:
            return
        try:
            os.killpg(self._proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._proc.wait()
        self._proc = None

    def stop(self) -> None:
        """Ask the process to end once it has nothing to grade (:meth:`close` waits for it)."""
        if self._proc is not None and not self._proc.stdin.closed:
            try:
                self._proc.stdin.close()
            except BrokenPipeError:
                pass

    def close(self) -> None:
        """End the process (after the notebook it is grading, if any: give it 10 s)."""
        if self._proc is not None:
            self.stop()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            self._kill()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None


# -- the process -------------------------------------------------------------------------

def _grade(root: Path, job: dict) -> int:
    """Grade one notebook with nbgrader's Autograde converter; its exit status."""
    import logging
    import traceback

    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.converters.base import NbGraderException
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    log = logging.getLogger(f"classroom.autograder.{job['student']}.{job['notebook']}")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("[Autograde | %(levelname)s] %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    try:
        config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
        config.merge(Config(job["config"]))
        coursedir = CourseDirectory(config=config, log=log)
        coursedir.assignment_id = job["assignment"]
        coursedir.student_id = job["student"]
        coursedir.notebook_id = job["notebook"]
        converter = Autograde(coursedir=coursedir, config=config, log=log)
        converter.force = True
        converter.start()
        return 0
    except NbGraderException:
        return 1  # nbgrader logged why
    except Exception:
        log.error("nbgrader failed:\n%s", traceback.format_exc())
        return 1
    finally:
        log.removeHandler(handler)


def _serve(root: Path) -> None:
    answers = os.fdopen(os.dup(1), "w")  # the answers; anything else printed goes to the job's log,
    os.dup2(2, 1)                         # or between jobs to the process's stderr

    import distributed  # noqa: F401  (what every notebook's grading uses, imported while nothing waits)
    import nbgrader.converters  # noqa: F401

    import classroom.nbgrader_ext  # noqa: F401

    for line in sys.stdin:
        job = json.loads(line)
        saved_env = {k: os.environ.get(k) for k in job["env"]}
        os.environ.update(job["env"])
        saved_fds = os.dup(1), os.dup(2)
        with tempfile.TemporaryFile() as capture:
            sys.stdout.flush(), sys.stderr.flush()
            os.dup2(capture.fileno(), 1)
            os.dup2(capture.fileno(), 2)
            try:
                code = _grade(root, job)
            finally:
                sys.stdout.flush(), sys.stderr.flush()
                os.dup2(saved_fds[0], 1)
                os.dup2(saved_fds[1], 2)
                for fd in saved_fds:
                    os.close(fd)
                for k, v in saved_env.items():
                    if v is None:
                        os.environ.pop(k, None)
                    else:
                        os.environ[k] = v
            capture.seek(0)
            output = capture.read().decode(errors="replace")
        answers.write(json.dumps({"returncode": code, "output": output}) + "\n")
        answers.flush()


if __name__ == "__main__":
    _serve(Path(sys.argv[1]).resolve())
