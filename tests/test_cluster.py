"""Grading on a Dask cluster (classroom/cluster.py): ``--scheduler`` with real processes.

A ``dask scheduler`` and two ``dask worker`` processes are started on
127.0.0.1 (stopped at the end of the module), and three students of the
fixture chapter (solutions, untouched student edition, half done) are graded
through ``python -m classroom.grade --scheduler``; the grades must equal a
local run's (the default LocalCluster), and the gradebook must have been
written on this side only.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

if not os.environ.get("CI"):
    pytest.importorskip("nbgrader", reason="nbgrader is not installed (requirements-dev.txt)")
    pytest.importorskip("distributed", reason="dask.distributed is not installed (requirements-dev.txt)")

from classroom import sandbox  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "classroom" / "ch98_fixture.ipynb"
LABELS = ["ch98-ex-size", "ch98-ex-relu", "ch98-ex-pool", "ch98-ex-why", "ch98-ex-fit"]
DASK = shutil.which("dask", path=os.path.dirname(sys.executable)) or shutil.which("dask")
SANDBOX = [] if sandbox.bwrap_path() else ["--no-sandbox"]


def _env():
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise TimeoutError(f"{what} not within {timeout} s")


def _stop(proc: subprocess.Popen):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """``tcp://127.0.0.1:PORT`` of a scheduler with two single-threaded workers."""
    if not DASK:
        pytest.skip("the `dask` command is not installed (pip install distributed)")
    tmp = tmp_path_factory.mktemp("dask")
    info = tmp / "scheduler.json"
    procs = []
    logs = []
    try:
        log = open(tmp / "scheduler.log", "w")
        logs.append(log)
        procs.append(subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                       "--scheduler-file", str(info)], env=_env(), cwd=tmp,
                                      stdout=log, stderr=subprocess.STDOUT))
        address = _wait_for(lambda: info.exists() and json.loads(info.read_text() or "{}").get("address"),
                            60, "the scheduler's address")
        for k in range(2):
            log = open(tmp / f"worker{k}.log", "w")
            logs.append(log)
            procs.append(subprocess.Popen([DASK, "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                                           "--no-dashboard", "--name", f"w{k}", "--memory-limit", "0"],
                                          env=_env(), cwd=tmp, stdout=log, stderr=subprocess.STDOUT))
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for proc in reversed(procs):
            _stop(proc)
        for log in logs:
            log.close()


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("cluster") / "course"
    r = subprocess.run([sys.executable, "-m", "classroom.student_edition", str(FIXTURE), "--course", str(root),
                        "--assignment", "fixture"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return root


@pytest.fixture(scope="module")
def submissions(course, tmp_path_factory):
    subs = tmp_path_factory.mktemp("cluster-submissions")
    release = course / "release" / "fixture" / FIXTURE.name
    source = nbformat.read(course / "source" / "fixture" / FIXTURE.name, as_version=4)
    partial = nbformat.read(release, as_version=4)
    for cell in partial.cells:  # two exercises done, the rest untouched
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in ("ch98-ex-size__solution", "ch98-ex-pool__solution"):
            cell.source = next(c.source for c in source.cells
                               if c.metadata.get("nbgrader", {}).get("grade_id") == gid)
    for student in ("solution", "untouched", "partial"):
        (subs / student).mkdir()
    shutil.copy(FIXTURE, subs / "solution" / FIXTURE.name)
    shutil.copy(release, subs / "untouched" / FIXTURE.name)
    nbformat.write(partial, subs / "partial" / FIXTURE.name)
    return subs


def _grade(course, subs, out: Path, *extra):
    r = subprocess.run([sys.executable, "-m", "classroom.grade", str(subs), "--course", str(course),
                        "--assignment", "fixture", "--out", str(out), "--timeout", "120", *SANDBOX, *extra],
                       cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    with open(out) as f:
        return {row["student"]: [row[label] for label in LABELS] + [row["total"]] for row in csv.DictReader(f)}, r


def test_grading_through_a_dask_scheduler_gives_the_local_grades(course, submissions, scheduler, tmp_path):
    remote, r = _grade(course, submissions, tmp_path / "remote.csv", "--scheduler", scheduler)
    assert f"running the notebooks on {scheduler} (2 worker threads)" in r.stdout
    assert remote == {"partial": ["1", "0", "1", "0", "0", "2"], "solution": ["1"] * 5 + ["5"],
                      "untouched": ["0"] * 5 + ["0"]}
    local, r = _grade(course, submissions, tmp_path / "local.csv", "--jobs", "2")
    assert "running the notebooks on tcp://127.0.0.1:" in r.stdout
    assert local == remote


def test_workers_do_not_touch_the_gradebook(course, scheduler):
    """The scheduler and workers ran in their own folder: nothing of the course is there."""
    from distributed import Client

    with Client(scheduler, timeout="30s") as client:
        cwd = client.run(os.getcwd)
    assert cwd and all(Path(c).resolve() != Path(course).resolve() for c in cwd.values())
    assert not any((Path(c) / "gradebook.db").exists() for c in cwd.values())
