"""The output-size explorer: N, D, F, K, S, P -> output size and parameter count.

:func:`output_size_view` computes what it shows with :mod:`cnnlib.shapes`;
``assets/output_size.js`` draws it, live (:func:`output_size_explorer`, an
anywidget) and static (:func:`static_output_size`).  Both offer the same
selects (:data:`CHOICES`) and the same presets (:data:`PRESETS`).
Chapter 1 introduces it.
"""

from __future__ import annotations

import itertools

from ..shapes import conv_output_size, conv_params, same_padding
from .base import Explorer, Part, StaticExplorer, options, size_error

__all__ = ["CHOICES", "PRESETS", "SIZE_FORMULAS", "PARAMS_FORMULA", "output_size_view", "spec",
           "OutputSizeExplorer", "output_size_explorer", "static_output_size"]

TITLE = "Explorer: the output size of a convolution"

#: The output-size formula for each kind of padding, as a pair (symbolic, with the reader's numbers).
#: Placeholders: {n} input size, {f} filter size, {s} stride, {p} padding.
SIZE_FORMULAS = {
    "int": ("(N − F + 2P) / S + 1", "({n} − {f} + 2·{p}) / {s} + 1"),
    "valid": ("⌊(N − F) / S⌋ + 1", "⌊({n} − {f}) / {s}⌋ + 1"),
    "same": ("⌈N / S⌉", "⌈{n} / {s}⌉"),
}
#: The parameter count of a conv layer, as a pair (symbolic, with the reader's numbers).
PARAMS_FORMULA = ("F·F·D·K + K", "{f}·{f}·{d}·{k} + {k}")

#: The values each control offers, live and static alike.
CHOICES = {
    "n": list(range(3, 33)) + [64, 224, 227],
    "d": [1, 3, 16, 32, 64],
    "f": [1, 2, 3, 4, 5, 7, 11],
    "k": [1, 6, 10, 16, 32, 64],
    "stride": [1, 2, 3, 4],
    "padding": [0, 1, 2, 3, "valid", "same"],
}

#: The settings worth a button, as pairs (label, values); every value is among CHOICES.
PRESETS = (
    ("LeNet C1: 32, F 5", dict(n=32, f=5, stride=1, padding=0, d=1, k=6)),
    ("26, F 5, S 2: 11.5?", dict(n=26, f=5, stride=2, padding=0, d=3, k=10)),
    ("AlexNet conv1: 227, F 11, S 4", dict(n=227, f=11, stride=4, padding=0, d=3, k=64)),
    ("224, F 11, S 4 (the paper's typo)", dict(n=224, f=11, stride=4, padding=0, d=3, k=64)),
    ("'same', stride 2", dict(n=28, f=3, stride=2, padding="same", d=16, k=32)),
)

LABELS = {"n": "N: input size", "d": "D: input depth", "f": "F: filter size", "k": "K: number of filters",
          "stride": "S: stride", "padding": "P: padding"}


def _size(n, f, stride, padding) -> list:
    """[out or None, before, after, padded, count, error code or None] along one axis
    (the code of :func:`~cnnlib.explorers.base.size_error`: the numbers are the controls')."""
    err = size_error(n, f, stride, padding)
    out = None if err else conv_output_size(n, f, stride, padding)
    try:
        count = conv_output_size(n, f, stride, padding, floor=True)
    except ValueError:
        count = 0
    if padding == "same":
        before, after = same_padding(n, f, stride)
    elif padding == "valid":
        before = after = 0
    else:
        before = after = int(padding)
    return [out, before, after, before + n + after, count, err and err["code"]]


def output_size_view(n, d, f, k, stride=1, padding=0) -> dict:
    """What the explorer shows for one setting.

    ``size``: [output size or None, zeros before, zeros after, padded size,
    filter positions that fit (what ``floor=True`` keeps), error code or None]
    from :func:`cnnlib.shapes.conv_output_size` and :func:`cnnlib.shapes.same_padding`;
    ``params``: :func:`cnnlib.shapes.conv_params`.

    >>> output_size_view(32, 3, 5, 10)
    {'size': [28, 0, 0, 32, 28, None], 'params': 760}
    >>> output_size_view(26, 3, 5, 10, stride=2)["size"][4:]
    [11, 'tile']
    """
    return {"size": _size(n, f, stride, padding), "params": conv_params(f, d, k)}


def spec(choices: dict | None = None) -> dict:
    ch = dict(CHOICES, **(choices or {}))
    return {
        "kind": "output_size", "title": TITLE,
        "controls": [{"name": k, "label": LABELS[k], "options": options(ch[k])} for k in LABELS],
        "presets": [{"label": lab, "values": {k: str(v) for k, v in vals.items()}} for lab, vals in PRESETS
                    if all(vals[k] in ch[k] for k in vals)],
        "templates": SIZE_FORMULAS, "params_template": PARAMS_FORMULA, "max_cells": 40,
    }


def _initial(values: dict) -> dict:
    init = dict(n=32, d=3, f=5, k=10, stride=1, padding=0)
    init.update(values)
    bad = {k: v for k, v in init.items() if v not in CHOICES.get(k, [v])}
    if bad:
        raise ValueError(f"the explorer offers {CHOICES}; got {bad}.")
    return init


class OutputSizeExplorer(Explorer):
    """See :func:`output_size_explorer`."""

    KIND = "output_size"

    def compute(self, values):
        v = {k: self.option(k, values[k]) for k in LABELS}
        return output_size_view(v["n"], v["d"], v["f"], v["k"], v["stride"], v["padding"])


def output_size_explorer(n: int = 32, d: int = 3, f: int = 5, k: int = 10, stride: int = 1,
                         padding=0) -> OutputSizeExplorer:
    """Explore the output size and parameter count of a convolutional layer, live.

    Controls: input size N and depth D, filter size F, number of filters K,
    stride S, padding P (0-3, 'valid' or 'same'), each a select of
    :data:`CHOICES`, and the :data:`PRESETS`.  Shows the padded input with the
    filter's positions along a row, the formula with your numbers, the output
    volume, the parameter count and, for a setting cnnlib rejects, its message.

    Returns
    -------
    OutputSizeExplorer
        An anywidget; ``.set(n=26, stride=2)`` changes controls, ``.view`` is
        :func:`output_size_view` of the current values.
    """
    return OutputSizeExplorer(spec(), _initial(dict(n=n, d=d, f=f, k=k, stride=stride, padding=padding)))


def static_output_size(choices: dict | None = None, *, initial: dict | None = None) -> StaticExplorer:
    """The output-size explorer for a page without a kernel: every setting of
    `choices` (default :data:`CHOICES`) precomputed.  The sizes are stored per
    (N, F, S, P) and the parameter counts per (F, D, K), so the page carries
    their sum, not their product."""
    ch = dict(CHOICES, **(choices or {}))
    size, params = Part("n", "f", "stride", "padding"), Part("f", "d", "k")
    for n, f, s, p in itertools.product(ch["n"], ch["f"], ch["stride"], ch["padding"]):
        size.add((n, f, s, p), _size(n, f, s, p))
    for f, d, k in itertools.product(ch["f"], ch["d"], ch["k"]):
        params.add((f, d, k), conv_params(f, d, k))
    init = dict(n=32, d=3, f=5, k=10, stride=1, padding=0)
    init.update(initial or {})
    return StaticExplorer("output_size", spec(ch), init, {"size": size, "params": params})
