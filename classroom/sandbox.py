"""Run a submission's kernel in a bubblewrap sandbox.

Grading runs code that students wrote.  Each notebook's kernel starts inside
`bubblewrap <https://github.com/containers/bubblewrap>`_ (``bwrap``, Debian
package ``bubblewrap``), which needs neither root nor a daemon:

* **no network**: the sandbox has a network namespace of its own, with
  nothing in it (not even the grader's 127.0.0.1);
* **read-only**: the machine's files are mounted read-only, except the
  notebook's working folder (an empty folder made for this run) and a
  private ``/tmp`` (``HOME`` points into it); both are thrown away afterwards;
* **hidden**: the course folder (``source/``, ``gradebook.db``, the other
  students' submissions and graded notebooks), the folder of submissions, the
  repository of the book (its chapters hold the solutions; only its ``cnnlib``
  package is shown), the grader's home folder and temporary folder are
  replaced by empty folders: not readable at all.  The Python environment and
  the data folder stay visible, read-only;
* **limits** (:mod:`classroom.limits`): memory per process, CPU time per
  process, and the number of processes and threads;
* its own process tree: when the kernel ends, or the grader kills it, every
  process it started ends too.

The grader talks to the kernel through Unix sockets (jupyter_client's ``ipc``
transport) in a folder shared with the sandbox: the grader's process, with
its access to the gradebook, stays outside.

Use :func:`require` to refuse to grade where bwrap is missing, and
:class:`SandboxedKernelManager` as the kernel manager of nbclient.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Dict, Integer, List, Unicode

__all__ = [
    "INSTALL_HINT",
    "SandboxSpec",
    "SandboxUnavailable",
    "SandboxedKernelManager",
    "bwrap_path",
    "process_limit_method",
    "require",
]

INSTALL_HINT = """\
Grading runs every submission in a sandbox made with bubblewrap (bwrap), which is not installed here.
Install it:
    Debian, Ubuntu:  sudo apt-get install bubblewrap
    Fedora, RHEL:    sudo dnf install bubblewrap
    Arch:            sudo pacman -S bubblewrap
bubblewrap runs on Linux only.  On macOS or Windows, grade inside a Linux virtual machine or container
(for example the book's devcontainer), or pass --no-sandbox to run the submissions with your own
rights, unprotected (see "What grading does not protect against" in book/instructors.md)."""

LIMITS_SCRIPT = Path(__file__).with_name("limits.py")

# Variables a kernel may see; the rest of the grader's environment (tokens, paths
# to private folders) stays outside.
_ENV_KEEP = ("PATH", "LANG", "LANGUAGE", "TZ", "TERM", "PYTHONPATH", "PYTHONHASHSEED", "MPLBACKEND",
             "CNNLIB_DATA_DIR", "CNNBOOK_QUICK", "JPY_SESSION_NAME", "PYDEVD_DISABLE_FILE_VALIDATION")
_ENV_KEEP_PREFIXES = ("LC_", "TF_", "OMP_", "OPENBLAS_", "MKL_", "KMP_", "CNNBOOK_", "KERAS_BACKEND", "CUDA_")


class SandboxUnavailable(RuntimeError):
    """No sandbox can be made on this machine."""


def bwrap_path() -> str | None:
    return shutil.which(os.environ.get("CNNBOOK_BWRAP", "bwrap"))


def require() -> str:
    """The path of bwrap, after checking that it can make a sandbox here; else SandboxUnavailable."""
    if not sys.platform.startswith("linux"):
        raise SandboxUnavailable(INSTALL_HINT)
    path = bwrap_path()
    if not path:
        raise SandboxUnavailable(INSTALL_HINT)
    probe = subprocess.run([path, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc",
                            "--dev", "/dev", "--", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        raise SandboxUnavailable(
            f"bubblewrap is installed ({path}) but cannot make a sandbox here: {probe.stderr.strip()}\n"
            "It needs unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 on older "
            "Debian; inside Docker, run the container with --security-opt seccomp=unconfined or "
            "--privileged).  Or pass --no-sandbox (unprotected).")
    return path


# -- the process limit ------------------------------------------------------------------

_PIDS_V1 = Path("/sys/fs/cgroup/pids")


def _pids_cgroup_parent() -> Path | None:
    """A cgroup folder under which this process may make ``pids`` cgroups, or None."""
    if _PIDS_V1.is_dir() and os.access(_PIDS_V1, os.W_OK):
        return _PIDS_V1
    unified = Path("/sys/fs/cgroup")
    try:
        own = next(line.split("::", 1)[1].strip() for line in Path("/proc/self/cgroup").read_text().splitlines()
                   if line.startswith("0::"))
    except (OSError, StopIteration):
        return None
    here = unified / own.lstrip("/")
    try:
        if "pids" in (here / "cgroup.subtree_control").read_text().split() and os.access(here, os.W_OK):
            return here
    except OSError:
        pass
    return None


def process_limit_method() -> str | None:
    """How the process limit is enforced here: ``"cgroup"``, ``"rlimit"``, or None (root without cgroups)."""
    if _pids_cgroup_parent() is not None:
        return "cgroup"
    if os.geteuid() != 0:
        return "rlimit"
    return None


def _make_pids_cgroup(max_procs: int) -> Path | None:
    parent = _pids_cgroup_parent()
    if parent is None or max_procs <= 0:
        return None
    path = parent / f"cnnbook-grade-{uuid.uuid4().hex[:12]}"
    try:
        path.mkdir()
        (path / "pids.max").write_text(str(max_procs))
    except OSError:
        _remove_cgroup(path)
        return None
    return path


def _remove_cgroup(path: Path | None) -> None:
    if path is None or not path.exists():
        return
    import signal
    import time

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            pids = [int(p) for p in (path / "cgroup.procs").read_text().split()]
        except OSError:
            pids = []
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            path.rmdir()
            return
        except OSError:
            time.sleep(0.05)


def _process_table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, start time) of every process."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        table[int(name)] = (int(fields[1]), int(fields[19]))
    return table


def kill_strays(bwrap_pid: int, rounds: int = 50) -> int:
    """Kill every process of the sandbox but bwrap and the kernel; return how many.

    Inside, bwrap runs an init process (pid 1) whose first child is the kernel;
    everything else (the kernel's children, orphans adopted by init) goes.
    """
    import signal

    killed = 0
    for _ in range(rounds):
        table = _process_table()
        children: dict[int, list[int]] = {}
        for pid, (ppid, _) in table.items():
            children.setdefault(ppid, []).append(pid)
        inits = children.get(bwrap_pid, [])
        if not inits:
            return killed
        below_init = sorted(children.get(inits[0], []), key=lambda p: table[p][1])
        if not below_init:
            return killed
        kernel = below_init[0]
        strays, todo = [], [p for p in below_init if p != kernel] + children.get(kernel, [])
        while todo:
            pid = todo.pop()
            strays.append(pid)
            todo += children.get(pid, [])
        if not strays:
            return killed
        for pid in strays:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except OSError:
                pass
    return killed


# -- the sandbox ------------------------------------------------------------------------

@dataclass
class SandboxSpec:
    """What a sandboxed kernel may use.  Paths are made absolute; missing ones are skipped."""

    memory_mb: int = 4096
    cpu_seconds: int = 1800
    max_procs: int = 256
    tmp_mb: int = 1024
    hide: list[str] = field(default_factory=list)  # folders replaced by empty, read-only ones
    show: list[str] = field(default_factory=list)  # folders shown read-only (inside hidden ones too)

    def bwrap_args(self, bwrap: str, workdir: Path, kerneldir: Path) -> list[str]:
        """bwrap's arguments, up to and including the ``--`` before the kernel command."""
        tmp = Path(tempfile.gettempdir()).resolve()
        hidden = _outermost(({_real(p) for p in self.hide if p} | {tmp}) - {Path("/")})
        hidden = [p for p in hidden if p.is_dir() and not _inside(p, Path("/tmp"))]  # /tmp: private anyway
        shown = sorted({_real(p) for p in self.show if p and Path(p).exists()})
        # The others are visible anyway.
        shown = [p for p in shown if any(_inside(p, h) for h in [*hidden, Path("/tmp")])]
        args = [bwrap, "--unshare-all", "--die-with-parent", "--cap-drop", "ALL",
                "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                "--size", str(self.tmp_mb << 20), "--tmpfs", "/tmp", "--dir", "/tmp/home"]
        for h in hidden:
            args += ["--tmpfs", str(h)]
        for s in shown:
            args += ["--ro-bind", str(s), str(s)]
        for d in (workdir, kerneldir):
            args += ["--bind", str(d), str(d)]
        for h in hidden:
            args += ["--remount-ro", str(h)]
        # jupyter_client's launcher sets JPY_PARENT_PID; inside, the kernel's parent is
        # bwrap's init, which ipykernel would take for a dead parent.
        args += ["--unsetenv", "JPY_PARENT_PID", "--chdir", str(workdir), "--"]
        return args

    def command(self, kernel_cmd: list[str], workdir: Path, kerneldir: Path, bwrap: str,
                cgroup: Path | None) -> list[str]:
        limits = [sys.executable, str(LIMITS_SCRIPT), "--memory-mb", str(self.memory_mb),
                  "--cpu-seconds", str(self.cpu_seconds), "--max-procs", str(self.max_procs)]
        if cgroup is not None:
            limits += ["--cgroup", str(cgroup)]
        return [*limits, "--", *self.bwrap_args(bwrap, workdir, kerneldir), *kernel_cmd]


def _real(p) -> Path:
    return Path(os.path.realpath(os.path.expanduser(str(p))))


def _inside(p: Path, folder: Path) -> bool:
    return p == folder or folder in p.parents


def _outermost(paths) -> list[Path]:
    out: list[Path] = []
    for p in sorted(paths, key=lambda x: len(x.parts)):
        if not any(_inside(p, q) for q in out):
            out.append(p)
    return out


def default_show(data_dir: str | None = None) -> list[str]:
    """What a kernel needs even inside a hidden folder: Python, its packages, cnnlib, the data."""
    show = [sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))]
    spec = importlib.util.find_spec("cnnlib")
    if spec is not None and spec.origin:
        show.append(os.path.dirname(spec.origin))
    for entry in sys.path:  # site-packages and editable installs outside the environment
        if entry and os.path.isdir(entry) and "site-packages" in entry:
            show.append(entry)
    if data_dir:
        show.append(data_dir)
    return show


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager that starts the kernel inside bwrap, talking over ``ipc`` sockets.

    Configured like any traitlets class (``--SandboxedKernelManager.memory_mb=2048``).
    """

    memory_mb = Integer(4096, help="memory per process of the sandbox, in MiB (RLIMIT_DATA)").tag(config=True)
    cpu_seconds = Integer(1800, help="CPU seconds per process of the sandbox (RLIMIT_CPU)").tag(config=True)
    max_procs = Integer(256, help="processes and threads in the sandbox").tag(config=True)
    hide = List(Unicode(), help="folders the kernel must not see").tag(config=True)
    show = List(Unicode(), help="folders shown read-only even inside hidden ones").tag(config=True)
    data_dir = Unicode("", help="the data folder, shown read-only").tag(config=True)
    keep_env = Bool(False, help="pass the grader's whole environment to the kernel").tag(config=True)
    extra_env = Dict(help="variables set for the kernel (a Dask task's settings)").tag(config=True)

    _sandbox_root: Path | None = None
    _cgroup: Path | None = None

    def _spec(self) -> SandboxSpec:
        return SandboxSpec(memory_mb=self.memory_mb, cpu_seconds=self.cpu_seconds, max_procs=self.max_procs,
                           hide=[*self.hide, os.path.expanduser("~"), str(Path(__file__).resolve().parent.parent)],
                           show=[*self.show, *default_show(self.data_dir or os.environ.get("CNNLIB_DATA_DIR"))])

    async def _async_pre_start_kernel(self, **kw):
        bwrap = require()
        self._sandbox_root = Path(tempfile.mkdtemp(prefix="cnnbook-sandbox-")).resolve()
        workdir, kerneldir = self._sandbox_root / "work", self._sandbox_root / "kernel"
        workdir.mkdir()
        kerneldir.mkdir()
        self.transport = "ipc"
        self.cache_ports = False
        self.connection_file = str(kerneldir / "kernel.json")
        self.ip = str(kerneldir / "k")
        kw["cwd"] = str(workdir)
        kw.setdefault("stdout", subprocess.DEVNULL)  # the kernel's banner; its errors still go to stderr
        try:
            kernel_cmd, kw = await super()._async_pre_start_kernel(**kw)
        except BaseException:
            self._remove_sandbox()
            raise
        env = kw.get("env") or dict(os.environ)
        if not self.keep_env:
            env = {k: v for k, v in env.items() if k in _ENV_KEEP or k.startswith(_ENV_KEEP_PREFIXES)}
        env.update(self.extra_env)
        env.update(HOME="/tmp/home", TMPDIR="/tmp", IPYTHONDIR="/tmp/home/.ipython",
                   MPLCONFIGDIR="/tmp/home/.matplotlib", JUPYTER_RUNTIME_DIR=str(kerneldir))
        env.setdefault("PATH", os.defpath)
        kw["env"] = env
        # An interrupt as a signal would reach bwrap, which dies of it (and the kernel
        # with it): ask the kernel to interrupt itself, over its control channel.
        self.kernel_spec.interrupt_mode = "message"
        self._cgroup = _make_pids_cgroup(self.max_procs)
        # Removed at shutdown, or when this object or the process goes, whichever comes first.
        self._finalizer = weakref.finalize(self, _remove, self._sandbox_root, self._cgroup)
        return self._spec().command(kernel_cmd, workdir, kerneldir, bwrap, self._cgroup), kw

    async def _async_shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        try:
            await super()._async_shutdown_kernel(now=now, restart=restart)
        finally:
            if not restart:
                self._remove_sandbox()

    shutdown_kernel = _async_shutdown_kernel  # AsyncKernelManager binds the base class's coroutine

    async def _async_interrupt_kernel(self) -> None:
        # A cell interrupted at its time limit loses the processes it started (a fork
        # bomb's included), so that they stop using the machine at once.
        process = getattr(self.provisioner, "process", None)
        if process is not None:
            kill_strays(process.pid)
        await super()._async_interrupt_kernel()

    interrupt_kernel = _async_interrupt_kernel

    def _remove_sandbox(self) -> None:
        finalizer = getattr(self, "_finalizer", None)
        if finalizer is not None:
            finalizer()
        elif self._sandbox_root is not None:
            _remove(self._sandbox_root, self._cgroup)
        self._sandbox_root = self._cgroup = None


def _remove(root: Path | None, cgroup: Path | None) -> None:
    _remove_cgroup(cgroup)
    if root is not None:
        shutil.rmtree(root, ignore_errors=True)
