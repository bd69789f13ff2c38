"""The step trainer of the chapters (book plumbing, not teaching code).

:func:`train_steps` trains a compiled Keras model for a fixed number of
mini-batch steps, the way the TensorFlow 1 tutorials count ("5,000
iterations of batch 50"), with a seeded, reproducible batch order
(:func:`batch_indices`), evaluation every ``eval_every`` steps, and a live
dashboard (:class:`cnnlib.plotting.LivePlot`, which lives with the other
figures).  It returns a :class:`TrainingLog`.

Why here: the loop reproduces the sources' step counts for the book's
reproduction appendix; a reader learns the training loop itself from chapter
3's numpy network, not from this module.
"""

from __future__ import annotations

import time
from typing import Mapping, NamedTuple

import numpy as np

from ..plotting.live import LivePlot

__all__ = ["TrainingLog", "train_steps", "batch_indices"]


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
        (:func:`cnnlib.book.chapter.seed_everything`).
    log_every : int, optional
        Log the training batch loss and accuracy every so many steps
        (default: about 100 points over the run).
    live : bool
        Show a :class:`cnnlib.plotting.LivePlot` dashboard.
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
        plot.close(train_seconds=trained)
    return log._replace(seconds=trained)
