"""Set resource limits on this process, then become COMMAND (the sandbox).

    python limits.py --memory-mb 4096 --cpu-seconds 1800 --max-procs 256 \\
                     [--cgroup DIR] -- COMMAND ...

Run by :mod:`classroom.sandbox` in front of ``bwrap``; the limits pass to
every process of the sandbox:

* ``--memory-mb``: ``RLIMIT_DATA`` of each process (its heap and anonymous
  memory, which is what a submission allocates; the address space of the
  libraries it loads is not counted).  A larger allocation fails
  (``MemoryError`` in Python).
* ``--cpu-seconds``: ``RLIMIT_CPU`` of each process; past it the kernel is
  killed (``SIGXCPU``, then ``SIGKILL``).
* ``--max-procs``: processes and threads.  With ``--cgroup DIR`` (a ``pids``
  cgroup that :mod:`classroom.sandbox` made), this process joins it and the
  cgroup's ``pids.max`` counts only the sandbox.  Without one, ``RLIMIT_NPROC``
  (which Linux does not enforce for root).
* the size of a file written (``RLIMIT_FSIZE``, 1 GiB) and no core dumps.

The file imports nothing from the package so that it starts fast and runs
with any Python.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys

FILE_SIZE = 1 << 30


def _set(limit: int, value: int) -> None:
    soft, hard = resource.getrlimit(limit)
    value = value if hard == resource.RLIM_INFINITY else min(value, hard)
    resource.setrlimit(limit, (value, value))


def apply(memory_mb: int, cpu_seconds: int, max_procs: int, cgroup: str | None) -> None:
    """Limit this process (and what it becomes, and its children)."""
    if cgroup:
        with open(os.path.join(cgroup, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))
    elif max_procs > 0:
        # RLIMIT_NPROC counts every process of the user, so add those running now.
        mine = sum(1 for d in os.listdir("/proc") if d.isdigit() and _owned(d))
        _set(resource.RLIMIT_NPROC, mine + max_procs)
    if memory_mb > 0:
        _set(resource.RLIMIT_DATA, memory_mb << 20)
    if cpu_seconds > 0:
        soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        want_hard = cpu_seconds + 5
        if hard != resource.RLIM_INFINITY:
            want_hard = min(want_hard, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (min(cpu_seconds, want_hard), want_hard))
    _set(resource.RLIMIT_FSIZE, FILE_SIZE)
    _set(resource.RLIMIT_CORE, 0)


def _owned(pid: str) -> bool:
    try:
        return os.stat(f"/proc/{pid}").st_uid == os.getuid()
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--" not in argv:
        print("usage: limits.py [options] -- COMMAND ...", file=sys.stderr)
        return 2
    split = argv.index("--")
    p = argparse.ArgumentParser(prog="limits.py")
    p.add_argument("--memory-mb", type=int, default=0)
    p.add_argument("--cpu-seconds", type=int, default=0)
    p.add_argument("--max-procs", type=int, default=0)
    p.add_argument("--cgroup")
    a = p.parse_args(argv[:split])
    command = argv[split + 1:]
    if not command:
        print("limits.py: no COMMAND after --", file=sys.stderr)
        return 2
    apply(a.memory_mb, a.cpu_seconds, a.max_procs, a.cgroup)
    os.execvp(command[0], command)
    return 127  # not reached


if __name__ == "__main__":
    sys.exit(main())
