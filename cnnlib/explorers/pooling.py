"""The pooling explorer: max or average pooling of a small grid, forward and backward.

:func:`pooling_view` computes what it shows with :mod:`cnnlib.pool`;
``assets/pooling.js`` draws it, live (:func:`pooling_explorer`) and static
(:func:`static_pooling`), with the same selects (:data:`CHOICES`).
Chapters 2 and 3 use it.
"""

from __future__ import annotations

import itertools

import numpy as np

from ..pool import avg_pool2d_backward, avg_pool2d_forward, max_pool2d_backward, max_pool2d_forward
from .base import Explorer, Part, StaticExplorer, options, plane_error
from .samples import GRID_LABELS, default_grids

__all__ = ["CHOICES", "pooling_view", "PoolingExplorer", "pooling_explorer", "static_pooling"]

TITLE = "Explorer: max and average pooling, forward and backward"
#: The values each select offers, live and static alike.
CHOICES = {"mode": ["max", "avg"], "size": [2, 3], "stride": [1, 2, 3], "padding": ["valid", "same"]}


def _round(a, digits=2) -> list:
    """A float array as a flat list, whole numbers written as integers."""
    flat = np.round(np.asarray(a, dtype=np.float64).ravel(), digits)
    return [int(v) if v == int(v) else float(v) for v in flat.tolist()]


def pooling_view(grid, mode: str, size: int, stride: int, padding: str) -> dict:
    """Forward and backward pooling of a 2-D grid of numbers.

    ``out`` (Ho x Wo, row by row), ``mask``: the gradient with ``dout`` = 1
    everywhere (:func:`cnnlib.pool.max_pool2d_backward` or
    :func:`cnnlib.pool.avg_pool2d_backward`), ``pads`` ((top, bottom), (left,
    right)), and per window ``win[i * wo + j]`` = ``[row0, col0, pick_row,
    pick_col, count]`` in input coordinates: its top-left corner, the element
    max pooling picked (``MaxPoolCache.argmax``; None for average) and the
    number of real cells it averages (``AvgPoolCache.counts``; None for max).
    Values rounded to 2 decimals.  ``error``: cnnlib's refusal as a code.

    >>> v = pooling_view([[1, 5], [3, 2]], "max", 2, 2, "valid")
    >>> v["out"], v["mask"], v["win"]
    ([5], [0, 1, 0, 0], [[0, 0, 0, 1, None]])
    """
    if mode not in ("max", "avg"):
        raise ValueError(f"`mode` must be 'max' or 'avg'; got {mode!r}.")
    g = np.asarray(grid, dtype=np.float64)
    x = g[None, :, :, None]
    forward, backward = ((max_pool2d_forward, max_pool2d_backward) if mode == "max"
                         else (avg_pool2d_forward, avg_pool2d_backward))
    try:
        out, cache = forward(x, size=size, stride=stride, padding=padding)
    except ValueError as err:
        return {"error": plane_error(g.shape, (size, size), (stride, stride), padding, "window", err)}
    mask = backward(np.ones_like(out), cache)
    (top, _), (left, _) = cache.pads
    (sh, sw), (_, kw) = cache.stride, cache.size
    win = []
    for i in range(out.shape[1]):
        for j in range(out.shape[2]):
            r0, c0 = i * sh - top, j * sw - left
            if mode == "max":
                a = int(cache.argmax[0, i, j, 0])
                win.append([r0, c0, r0 + a // kw, c0 + a % kw, None])
            else:
                win.append([r0, c0, None, None, int(cache.counts[i, j])])
    return {"pads": [list(p) for p in cache.pads], "ho": int(out.shape[1]), "wo": int(out.shape[2]),
            "out": _round(out[0, :, :, 0]), "mask": _round(mask[0, :, :, 0]), "win": win}


def _grid_part(g) -> dict:
    g = np.asarray(g, dtype=np.float64)
    if g.ndim != 2:
        raise ValueError(f"each grid must be 2-D (H, W); got shape {g.shape}.")
    return {"h": int(g.shape[0]), "w": int(g.shape[1]), "v": _round(g)}


def spec(grids: dict, labels: dict) -> dict:
    return {"kind": "pooling", "title": TITLE, "presets": [], "controls": [
        {"name": "grid", "label": "Grid", "options": [[k, labels.get(k, k)] for k in grids]},
        {"name": "mode", "label": "Pooling", "options": options(CHOICES["mode"], {"max": "max", "avg": "average"})},
        {"name": "size", "label": "Window size", "options": options(CHOICES["size"], {2: "2×2", 3: "3×3"})},
        {"name": "stride", "label": "Stride", "options": options(CHOICES["stride"])},
        {"name": "padding", "label": "Padding", "options": options(CHOICES["padding"])},
        {"name": "row", "label": "Window row", "range": True},
        {"name": "col", "label": "Window column", "range": True},
    ]}


def _defaults(x, grids, labels):
    if x is not None:
        return {"grid": x}, labels or {}
    if grids is None:
        return default_grids(), dict(GRID_LABELS, **(labels or {}))
    return grids, labels or {}


class PoolingExplorer(Explorer):
    """See :func:`pooling_explorer`."""

    KIND = "pooling"
    LOCAL = ("row", "col")

    def __init__(self, grids: dict, spec: dict, values: dict):
        self.grids = {k: np.asarray(g, dtype=np.float64) for k, g in grids.items()}
        super().__init__(spec, values)

    def compute(self, values):
        g = self.grids[values["grid"]]
        return {"grid": _grid_part(g), "result": pooling_view(g, values["mode"], int(values["size"]),
                                                               int(values["stride"]), values["padding"])}


def pooling_explorer(x=None, *, grids: dict | None = None, labels: dict | None = None, mode: str = "max",
                     size: int = 2, stride: int = 2, padding: str = "valid") -> PoolingExplorer:
    """Max or average pooling of a small grid, live: picks, output and backward mask.

    `x` is one grid (H, W), or `grids` a dict name -> grid (default
    :func:`cnnlib.explorers.samples.default_grids`).  Returns an anywidget;
    ``.set(mode="avg", row=1)``, ``.view`` (``grid`` and :func:`pooling_view`).
    """
    grids, labels = _defaults(x, grids, labels)
    values = {"grid": next(iter(grids)), "mode": mode, "size": size, "stride": stride, "padding": padding,
              "row": 0, "col": 0}
    return PoolingExplorer(grids, spec(grids, labels), values)


def static_pooling(grids: dict | None = None, *, labels: dict | None = None,
                   initial: dict | None = None) -> StaticExplorer:
    """The pooling explorer with every (grid, mode, size, stride, padding) of :data:`CHOICES` precomputed."""
    grids, labels = _defaults(None, grids, labels)
    grid_part, result_part = Part("grid"), Part("grid", "mode", "size", "stride", "padding")
    for name, g in grids.items():
        grid_part.add((name,), _grid_part(g))
        for mode, size, s, p in itertools.product(*CHOICES.values()):
            result_part.add((name, mode, size, s, p), pooling_view(g, mode, size, s, p))
    init = {"grid": next(iter(grids)), "mode": "max", "size": 2, "stride": 2, "padding": "valid", "row": 0, "col": 0}
    init.update(initial or {})
    return StaticExplorer("pooling", spec(grids, labels), init, {"grid": grid_part, "result": result_part})
