"""What every chapter notebook needs around its content: the quick/full mode
switch, seeding, a description of the machine it ran on, and the record of
key results that the book's reproduction appendix reads.

A chapter runs in **full mode** by default (it reproduces the source's
numbers) and in **quick mode** when the environment variable
``CNNBOOK_QUICK=1`` is set (the same cells on less data and fewer steps; this
is what CI runs).
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import platform
import random
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

__all__ = [
    "QUICK_ENV",
    "quick_mode",
    "pick",
    "seed_everything",
    "machine_description",
    "Results",
    "Check",
    "glue",
    "glue_value",
]

QUICK_ENV = "CNNBOOK_QUICK"


def quick_mode() -> bool:
    """True when ``CNNBOOK_QUICK`` is set to 1/true/yes (case-insensitive)."""
    return os.environ.get(QUICK_ENV, "").strip().lower() in ("1", "true", "yes")


def pick(full, quick):
    """``quick`` in quick mode, ``full`` otherwise: ``steps = pick(5000, 200)``.

    >>> pick(5000, 200) in (5000, 200)
    True
    """
    return quick if quick_mode() else full


def glue(name: str, value, display: bool = True) -> None:
    """myst-nb's ``glue``: hand `value` to the book's text under `name`.

    Where myst-nb is not installed (a chapter opened in Colab), there is no
    book to hand it to: the value is only shown, if `display` asks for it.
    """
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        if display:
            from IPython.display import display as show

            show(value)
        return
    myst_glue(name, value, display=display)


def glue_value(name: str, value) -> None:
    """Glue a number or a phrase for the prose as a plain Python value, not shown
    in the notebook (a numpy scalar would reach the page as ``np.float64(...)``):
    a ``str`` stays a string, a whole number that is not a float (Python's or
    numpy's) becomes an ``int``, anything else a ``float``."""
    if isinstance(value, str):
        glue(name, value, display=False)
    elif float(value).is_integer() and not isinstance(value, (float, np.floating)):
        glue(name, int(value), display=False)
    else:
        glue(name, float(value), display=False)


def seed_everything(seed: int = 0, *, deterministic_tf: bool = True) -> None:
    """Seed Python, numpy and (if it is imported) TensorFlow/Keras.

    With ``deterministic_tf`` TensorFlow's ops are made deterministic too, so
    a training run gives the same numbers every time on the same machine.
    """
    random.seed(seed)
    np.random.seed(seed)
    import sys

    if "tensorflow" in sys.modules or "keras" in sys.modules:
        import keras
        import tensorflow as tf

        keras.utils.set_random_seed(seed)
        if deterministic_tf:
            tf.config.experimental.enable_op_determinism()


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_description() -> dict:
    """Where the notebook runs: CPU, cores, GPUs and library versions.

    TensorFlow is described only if it is already imported, so calling this
    never pays for importing it.
    """
    import sys

    info: dict[str, Any] = {
        "cpu": _cpu_name(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
    if "tensorflow" in sys.modules:
        tf = sys.modules["tensorflow"]
        info["tensorflow"] = tf.__version__
        gpus = tf.config.list_physical_devices("GPU")
        info["gpus"] = [d.name for d in gpus]
    gpus = info.get("gpus") or []
    info["summary"] = (f"{len(gpus)} GPU(s) and " if gpus else "CPU only: ") + f"{info['cpu']}, {info['cores']} cores"
    return info


class Check(NamedTuple):
    """One recorded figure and how it compares with the source's."""

    key: str
    claim: str
    value: float
    source: float | None
    tolerance: float | None
    status: str
    note: str

    def __str__(self) -> str:
        src = "" if self.source is None else f" (source: {self.source:g}, tolerance {self.tolerance:g})"
        return f"{self.claim}: {self.value:.6g}{src} -> {self.status}"


class Results:
    """The machine-readable record of a chapter's key results.

    ``record`` stores a figure next to the source's value; ``expect`` also
    asserts it: in full mode within the stated tolerance of the source, in
    quick mode within a looser range.  A figure measured on other data or
    other hardware than the source's is stored with ``comparable=False``: the
    source's value is shown beside it, the status is "not comparable", and no
    tolerance can make it "reproduced".  ``save`` writes
    ``results/<chapter>.json`` (full mode) or ``results/<chapter>.quick.json``
    (quick mode, so a CI run never overwrites the stored full-mode record).

    Examples
    --------
    >>> import tempfile
    >>> res = Results("demo", folder=tempfile.mkdtemp())
    >>> print(res.record("out_size", 28, claim="32 -> ? with F=5", source=28, tolerance=0))
    32 -> ? with F=5: 28 (source: 28, tolerance 0) -> reproduced
    >>> res.record("new_number", 3.5, claim="a figure the source does not state").status
    'new'
    >>> res.record("acc", 87.6, claim="test accuracy, other data", source=89.4, comparable=False).status
    'not comparable'
    """

    def __init__(self, chapter: str, *, folder: str | os.PathLike = "results"):
        if not chapter or not isinstance(chapter, str):
            raise ValueError(f"`chapter` must be a non-empty string; got {chapter!r}.")
        self.chapter = chapter
        self.folder = Path(folder)
        self.checks: dict[str, Check] = {}
        self.timings: dict[str, float] = {}

    @property
    def mode(self) -> str:
        return "quick" if quick_mode() else "full"

    def record(self, key: str, value, *, claim: str, source=None, tolerance=None, note: str = "",
               comparable: bool = True) -> Check:
        value = float(value)
        if not comparable and (source is None or tolerance is not None):
            raise ValueError(f"{key!r}: a figure that is not comparable needs the source's value and no tolerance "
                             f"(got source={source!r}, tolerance={tolerance!r}).")
        if not math.isfinite(value):
            status = "failed"
        elif source is None:
            status = "new"
        elif not comparable:
            status = "not comparable"
        else:
            if tolerance is None:
                raise ValueError(f"`tolerance` is needed to compare {key!r} with the source's {source}.")
            status = "reproduced" if abs(value - float(source)) <= float(tolerance) + 1e-12 else "differs"
        check = Check(key, claim, value, None if source is None else float(source),
                      None if tolerance is None else float(tolerance), status, note)
        self.checks[key] = check
        return check

    def expect(self, key: str, value, *, claim: str, source=None, tolerance=None, quick_range=None,
               note: str = "", comparable: bool = True) -> Check:
        """Record, then assert: the source's value within ``tolerance`` in
        full mode (nothing to assert there when not ``comparable``);
        ``quick_range=(low, high)`` in quick mode."""
        check = self.record(key, value, claim=claim, source=source, tolerance=tolerance, note=note,
                            comparable=comparable)
        if quick_mode():
            if quick_range is not None:
                low, high = quick_range
                if not low <= check.value <= high:
                    raise AssertionError(f"{claim}: {check.value:.6g} is outside the quick-mode range [{low}, {high}].")
        elif check.status not in ("reproduced", "new", "not comparable"):
            raise AssertionError(f"{check} (source {source}, tolerance {tolerance}).")
        return check

    def time(self, key: str, seconds: float) -> None:
        """Record a wall-clock time in seconds (for the chapter's run-time table)."""
        self.timings[key] = float(seconds)

    def to_dict(self) -> dict:
        return {
            "chapter": self.chapter,
            "mode": self.mode,
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "machine": machine_description(),
            "results": [c._asdict() for c in self.checks.values()],
            "timings_s": self.timings,
        }

    def save(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{self.chapter}.quick.json" if quick_mode() else f"{self.chapter}.json"
        path = self.folder / name
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=1, sort_keys=False) + "\n")
        tmp.replace(path)
        return path

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{c.claim}</td><td style='text-align:right'>{c.value:.6g}</td>"
            f"<td style='text-align:right'>{'' if c.source is None else f'{c.source:g}'}</td>"
            f"<td style='text-align:right'>{'' if c.tolerance is None else f'±{c.tolerance:g}'}</td>"
            f"<td>{c.status}</td></tr>"
            for c in self.checks.values()
        )
        return ("<table><thead><tr><th>figure</th><th>this book</th><th>source</th><th>tolerance</th>"
                f"<th>status</th></tr></thead><tbody>{rows}</tbody></table>")
