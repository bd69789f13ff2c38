"""The live training dashboard: curves that redraw in place while a loop runs.

:class:`LivePlot` is a small dashboard of loss and accuracy curves that
redraws in place while a loop runs (in Jupyter, Colab and VS Code; a plain
script just collects the numbers).  Its last state stays in the notebook as an
ordinary figure, so the built book shows the final curves.  It is a figure, so
it lives with the figures; the Keras step trainer
(:func:`cnnlib.book.training.train_steps`) and chapter 3's hand-written numpy
loop both feed it.
"""

from __future__ import annotations

import time
from typing import Mapping, Sequence

__all__ = ["LivePlot"]


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
    max_share : float
        Drawing takes at most this share of the loop's time: after a redraw
        that took ``d`` seconds, the next waits at least ``d / max_share - d``
        (a big figure on a slow machine redraws less often).
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
                 xlabel: str = "training step", min_interval: float = 1.0, max_share: float = 0.1,
                 reference: Mapping[str, tuple] | None = None, title: str | None = None):
        if not panels:
            raise ValueError("`panels` must name at least one panel and its series.")
        self.panels = {k: list(v) for k, v in panels.items()}
        self.series: dict[str, tuple[list, list]] = {s: ([], []) for names in self.panels.values() for s in names}
        self.total = total
        self.xlabel = xlabel
        self.min_interval = float(min_interval)
        if not 0 < max_share <= 1:
            raise ValueError(f"`max_share` is a share of the time, in (0, 1]; got {max_share!r}.")
        self.max_share = float(max_share)
        self._gap = self.min_interval   # seconds from one redraw to the next
        self.redraws = 0
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
        if self._display is not None and now - self._last_draw >= self._gap:
            self._draw()
            self.redraws += 1
            self._last_draw = time.perf_counter()
            cost = self._last_draw - now
            self._gap = max(self.min_interval, cost / self.max_share - cost)

    def _status(self) -> str:
        step = getattr(self, "_step", 0)
        t = self.elapsed
        if self.total and step:
            eta = t / step * max(self.total - step, 0)
            return f"step {step:,} of {self.total:,}, {t:.0f} s elapsed, about {eta:.0f} s to go"
        return f"step {step:,}, {t:.0f} s elapsed"

    def final_status(self, train_seconds: float | None = None) -> str:
        """The dashboard's last title: the steps, and which clock each time is.

        The book has one meaning of *training time*: the seconds spent in the
        optimiser's steps.  The dashboard's own clock (*wall* time) also
        counts evaluation and drawing, so it is always larger; both are named.
        """
        steps = getattr(self, "_step", 0)
        wall = f"wall {self.elapsed:.1f} s with evaluation and drawing"
        if train_seconds is None:
            return f"finished: {steps:,} steps; {wall}"
        return f"finished: {steps:,} steps; training {train_seconds:.1f} s, {wall}"

    def _draw(self, final: bool = False, train_seconds: float | None = None):
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
        status = self.final_status(train_seconds) if final else self._status()
        self._fig.suptitle(head + status, fontsize=10)
        if self._display is not None:
            if self._handle is None:
                self._handle = self._display(self._fig, display_id=True)
            else:
                self._handle.update(self._fig)
        return self._fig

    def close(self, train_seconds: float | None = None):
        """Draw the final state and return the figure.  Pass the loop's own
        training time (``train_seconds``) and the title shows it beside the
        wall time."""
        self.closed_status = self.final_status(train_seconds)
        return self._draw(final=True, train_seconds=train_seconds)
