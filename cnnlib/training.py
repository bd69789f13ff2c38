"""Training with visible progress.

:class:`LivePlot` is a small dashboard of loss and accuracy curves that
redraws in place while a loop runs (in Jupyter, Colab and VS Code; a plain
script just collects the numbers).  Its last state stays in the notebook as an
ordinary figure, so the built book shows the final curves.

:func:`train_steps` trains a compiled Keras model for a fixed number of
mini-batch steps, the way the TensorFlow 1 tutorials count ("5,000
iterations of batch 50"), with a seeded, reproducible batch order, evaluation
every ``eval_every`` steps, and a :class:`LivePlot`.
"""

from __future__ import annotations

import time
from typing import Mapping, NamedTuple, Sequence

import numpy as np

__all__ = ["LivePlot", "TrainingLog", "train_steps", "batch_indices"]


def _ipython_display():
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return None
    return display if get_ipython() is not None else None


class LivePlot:
    """Curves that update in place as training runs.

    Parameters
    ----------
    panels : mapping title -> list of series names
        e.g. ``{"loss": ["batch loss"], "accuracy": ["batch accuracy", "validation accuracy"]}``.
    total : int, optional
        Expected last step, for the progress line and the time estimate.
    xlabel : str
    min_interval : float
        Redraw at most this often (seconds): drawing is not free.
    reference : mapping series name -> (x values, y values), optional
        Points to draw for comparison (e.g. a source's reported accuracies);
        they go into the panel that holds a series of the same name, else the last.

    Examples
    --------
    >>> live = LivePlot({"loss": ["loss"]}, total=3)
    >>> for step in range(1, 4):
    ...     live.update(step, loss=1.0 / step)
    >>> live.series["loss"]
    ([1, 2, 3], [1.0, 0.5, 0.3333333333333333])
    >>> fig = live.close()
    """

    def __init__(self, panels: Mapping[str, Sequence[str]], *, total: int | None = None,
                 xlabel: str = "training step", min_interval: float = 1.0,
                 reference: Mapping[str, tuple] | None = None, title: str | None = None):
        if not panels:
            raise ValueError("`panels` must name at least one panel and its series.")
        self.panels = {k: list(v) for k, v in panels.items()}
        self.series: dict[str, tuple[list, list]] = {s: ([], []) for names in self.panels.values() for s in names}
        self.total = total
        self.xlabel = xlabel
        self.min_interval = float(min_interval)
        self.reference = dict(reference or {})
        self.title = title
        self.start = time.perf_counter()
        self._last_draw = 0.0
        self._fig = None
        self._handle = None
        self._display = _ipython_display()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def update(self, step: int, **values: float) -> None:
        """Add the values measured at ``step`` and redraw if it is time."""
        for name, v in values.items():
            if name not in self.series:
                raise KeyError(f"unknown series {name!r}; the panels hold {sorted(self.series)}.")
            xs, ys = self.series[name]
            xs.append(step)
            ys.append(float(v))
        self._step = step
        now = time.perf_counter()
        if self._display is not None and now - self._last_draw >= self.min_interval:
            self._draw()
            self._last_draw = now

    def _status(self) -> str:
        step = getattr(self, "_step", 0)
        t = self.elapsed
        if self.total and step:
            eta = t / step * max(self.total - step, 0)
            return f"step {step:,} of {self.total:,}, {t:.0f} s elapsed, about {eta:.0f} s to go"
        return f"step {step:,}, {t:.0f} s elapsed"

    def _draw(self, final: bool = False):
        import matplotlib.pyplot as plt

        if self._fig is None:
            n = len(self.panels)
            self._fig, axes = plt.subplots(1, n, figsize=(min(5.0 * n, 11.0), 3.4), layout="constrained",
                                           squeeze=False)
            self._axes = axes[0]
            plt.close(self._fig)  # shown through the display handle only
        for ax, (title, names) in zip(self._axes, self.panels.items()):
            ax.clear()
            for name in names:
                xs, ys = self.series[name]
                if xs:
                    ax.plot(xs, ys, label=name, marker="o" if len(xs) < 30 else None, markersize=3)
            for name, (rx, ry) in self.reference.items():
                home = next((t for t, ns in self.panels.items() if name in ns or name.startswith(t)), None)
                if home == title or (home is None and title == list(self.panels)[-1]):
                    ax.plot(rx, ry, "s--", label=name, alpha=0.7, markersize=4)
            ax.set_xlabel(self.xlabel)
            ax.set_ylabel(title)
            ax.grid(alpha=0.3)
            if ax.get_legend_handles_labels()[0]:
                ax.legend(fontsize=8)
        head = self.title + ": " if self.title else ""
        status = (f"finished: {getattr(self, '_step', 0):,} steps in {self.elapsed:.1f} s" if final
                  else self._status())
        self._fig.suptitle(head + status, fontsize=10)
        if self._display is not None:
            if self._handle is None:
                self._handle = self._display(self._fig, display_id=True)
            else:
                self._handle.update(self._fig)
        return self._fig

    def close(self):
        """Draw the final state and return the figure."""
        return self._draw(final=True)


class TrainingLog(NamedTuple):
    """What :func:`train_steps` measured."""

    steps: list
    """Steps at which the training loss and accuracy were logged."""
    loss: list
    accuracy: list
    eval_steps: list
    """Steps at which the evaluation sets were scored (0 = before training)."""
    evals: dict
    """name -> list of accuracies at ``eval_steps``."""
    seconds: float
    """Wall-clock training time, evaluations excluded."""


def batch_indices(n: int, batch_size: int, steps: int, seed: int = 0):
    """Yield ``steps`` index arrays of ``batch_size``: shuffled epochs, reshuffled
    each time, reproducible from ``seed`` (like TF1's ``next_batch``).

    >>> [b.tolist() for b in batch_indices(4, 2, 3, seed=0)]
    [[2, 0], [1, 3], [3, 2]]
    """
    if batch_size < 1 or batch_size > n:
        raise ValueError(f"`batch_size` must be in [1, {n}]; got {batch_size}.")
    rng = np.random.default_rng(seed)
    order, pos = rng.permutation(n), 0
    for _ in range(steps):
        if pos + batch_size > n:
            order, pos = rng.permutation(n), 0
        yield order[pos:pos + batch_size]
        pos += batch_size


def train_steps(model, train, *, steps: int, batch_size: int, eval_every: int,
                eval_sets: Mapping[str, tuple] | None = None, seed: int = 0, log_every: int | None = None,
                live: bool = True, title: str | None = None, reference: Mapping[str, tuple] | None = None,
                eval_batch_size: int = 1000) -> TrainingLog:
    """Train a compiled Keras model for ``steps`` mini-batch steps.

    Parameters
    ----------
    model : keras.Model
        Compiled with a loss and ``metrics=["accuracy"]``.
    train : (x, y)
    steps, batch_size : int
    eval_every : int
        Score every ``eval_sets`` entry (name -> (x, y)) before training and
        after every ``eval_every`` steps (and after the last step).
    seed : int
        Batch order seed; seed the model's initialisation separately
        (:func:`cnnlib.chapter.seed_everything`).
    log_every : int, optional
        Log the training batch loss and accuracy every so many steps
        (default: about 100 points over the run).
    live : bool
        Show a :class:`LivePlot` dashboard.
    reference : mapping, optional
        Reference points for the dashboard, e.g. a source's accuracies.

    Returns
    -------
    TrainingLog
    """
    x, y = train
    eval_sets = dict(eval_sets or {})
    log_every = log_every or max(1, steps // 100)
    panels = {"loss": ["batch loss"], "accuracy": ["batch accuracy", *(f"{k} accuracy" for k in eval_sets)]}
    plot = LivePlot(panels, total=steps, title=title, reference=reference) if live else None
    log = TrainingLog([], [], [], [], {k: [] for k in eval_sets}, 0.0)

    def evaluate(step):
        log.eval_steps.append(step)
        point = {}
        for name, (ex, ey) in eval_sets.items():
            acc = model.evaluate(ex, ey, batch_size=eval_batch_size, verbose=0, return_dict=True)["accuracy"]
            log.evals[name].append(float(acc))
            point[f"{name} accuracy"] = acc
        if plot is not None and point:
            plot.update(step, **point)

    if eval_sets:
        evaluate(0)
    trained = 0.0
    for step, idx in enumerate(batch_indices(len(x), batch_size, steps, seed), start=1):
        t0 = time.perf_counter()
        metrics = model.train_on_batch(x[idx], y[idx], return_dict=True)
        trained += time.perf_counter() - t0
        if step % log_every == 0 or step == steps:
            log.steps.append(step)
            log.loss.append(float(metrics["loss"]))
            log.accuracy.append(float(metrics["accuracy"]))
            if plot is not None:
                plot.update(step, **{"batch loss": metrics["loss"], "batch accuracy": metrics["accuracy"]})
        if eval_sets and (step % eval_every == 0 or step == steps) and (not log.eval_steps or log.eval_steps[-1] != step):
            evaluate(step)
    if plot is not None:
        plot.close()
    return log._replace(seconds=trained)
