"""Where the notebooks run: the workers of a Dask cluster.

Grading splits in two.  The bookkeeping (nbgrader restoring the instructor's
checks from the gradebook, then scoring and saving the scores) stays on the
machine that runs ``python -m classroom.grade``, which alone reads and writes
the course folder.  Running a notebook (its kernel, in the sandbox, with the
limits) is a task for `Dask <https://distributed.dask.org>`_:

* by default a :class:`distributed.LocalCluster` on this machine, one worker
  process per ``--jobs``;
* with ``--scheduler tcp://HOST:PORT``, an existing cluster: started by hand
  (``dask scheduler``, ``dask worker``), on Slurm or PBS with dask-jobqueue,
  or on Kubernetes with dask-kubernetes.  Each worker needs the book's
  repository and environment, bubblewrap and the data folder, at the paths
  given to the grader.

A task receives the notebook (JSON text, the checks already restored) and the
settings, and returns the notebook as it ran; :func:`execute` is that task.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

__all__ = ["KERNEL_ENV", "cluster", "execute", "run_remote"]

# Variables of the grader that decide how a notebook runs, sent with each task.
KERNEL_ENV = ("CNNBOOK_QUICK", "CNNLIB_DATA_DIR", "TF_CPP_MIN_LOG_LEVEL", "MPLBACKEND", "OMP_NUM_THREADS",
              "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS",
              "TF_ENABLE_ONEDNN_OPTS")


@contextmanager
def cluster(scheduler: str | None, workers: int):
    """``(address, threads)`` of the scheduler to use, for the time of the block.

    Without ``scheduler``, a LocalCluster of ``workers`` single-threaded worker
    processes is started here and closed afterwards.
    """

    repo = str(Path(__file__).resolve().parent.parent)
    saved = os.environ.get("PYTHONPATH")
    if repo not in (saved or "").split(os.pathsep):  # the workers import classroom
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [repo, saved]))
    try:
        yield from _cluster(scheduler, workers)
    finally:  # leave this process's environment as it was (later subprocesses must not inherit it)
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved


def _cluster(scheduler, workers):
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler, timeout="30s") as client:
            threads = sum(client.nthreads().values())
        if not threads:
            raise SystemExit(f"error: the Dask scheduler at {scheduler} has no workers.")
        yield scheduler, threads
        return
    with LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None, memory_limit=0) as local:
        yield local.scheduler_address, max(1, workers)


def run_remote(scheduler: str, nb, settings: dict, timeout: float):
    """Run ``nb`` on a worker of ``scheduler``; the notebook as it ran (RuntimeError if it could not)."""
    import nbformat

    future = _client(scheduler).submit(execute, nbformat.writes(nb), settings, pure=False)
    try:
        return nbformat.reads(future.result(timeout=timeout), as_version=4)
    except Exception as exc:
        future.cancel()
        raise RuntimeError(f"the Dask worker could not run the notebook: {type(exc).__name__}: {exc}") from exc


_clients: dict = {}


def _client(scheduler: str):
    """This process's client of ``scheduler``, connected on first use (classroom.autograder's
    process grades notebook after notebook; each would otherwise connect again)."""
    from distributed import Client

    client = _clients.get(scheduler)
    if client is None or client.status not in ("running", "connecting"):
        client = _clients[scheduler] = Client(scheduler, timeout="30s", set_as_default=False)
    return client


def execute(nb_text: str, settings: dict) -> str:
    """The task: run a notebook with ClassroomExecute (sandboxed unless told), return it as JSON text."""
    import nbformat
    from traitlets.config import Config

    from .nbgrader_ext import ClassroomExecute

    nb = nbformat.reads(nb_text, as_version=4)
    cfg = Config()
    for key, value in settings["execute"].items():
        setattr(cfg.ClassroomExecute, key, value)
    for key, value in settings["sandbox"].items():
        setattr(cfg.SandboxedKernelManager, key, value)
    cfg.ClassroomExecute.scheduler = ""  # run here
    env = settings.get("env", {})
    cfg.SandboxedKernelManager.extra_env = env
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # for --no-sandbox, whose kernel inherits this process's environment
    try:
        with tempfile.TemporaryDirectory(prefix="cnnbook-notebook-") as work:
            nb, _ = ClassroomExecute(config=cfg).preprocess(nb, {"metadata": {"path": work},
                                                                 "nbgrader": settings.get("nbgrader", {})})
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return nbformat.writes(nb)
