"""What each explorer shows for one setting of its controls, computed by cnnlib.

These functions are the single source of the numbers: the live ipywidgets
explorers (:mod:`cnnlib.widgets`) and the static viewers of the published
book (:mod:`cnnlib.explorers.static`) both display the dictionaries built
here.  Every size, parameter count, feature-map value, pooling pick and
gradient comes from :mod:`cnnlib.shapes`, :mod:`cnnlib.conv` or
:mod:`cnnlib.pool`; this module only calls them, collects their results and
words them.  The formula templates (:data:`SIZE_FORMULAS`) hold placeholders
that are filled with the reader's own numbers, never with computed ones.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..conv import conv2d_forward, conv_single_step, zero_pad
from ..pool import avg_pool2d_backward, avg_pool2d_forward, max_pool2d_backward, max_pool2d_forward
from ..shapes import conv_output_size, conv_params, same_padding

__all__ = [
    "SIZE_FORMULAS",
    "PARAMS_FORMULA",
    "KERNELS",
    "KERNEL_LABELS",
    "padding_kind",
    "output_size_view",
    "kernel_weights",
    "filter_note",
    "FilterResult",
    "filter_result",
    "window_terms",
    "telling_window",
    "pooling_view",
    "fmt",
    "OUTPUT_SIZE_PRESETS",
]

#: Output-size formula per kind of padding: (symbolic, with the reader's numbers).
#: Placeholders: {n} input size, {f} filter size, {s} stride, {p} padding.
SIZE_FORMULAS = {
    "int": ("(N − F + 2P) / S + 1", "({n} − {f} + 2·{p}) / {s} + 1"),
    "valid": ("⌊(N − F) / S⌋ + 1", "⌊({n} − {f}) / {s}⌋ + 1"),
    "same": ("⌈N / S⌉", "⌈{n} / {s}⌉"),
}

#: Settings worth a button: (label, values).
OUTPUT_SIZE_PRESETS = (
    ("LeNet C1: 32, F 5", dict(n=32, f=5, stride=1, padding=0, d=1, k=6)),
    ("26, F 5, S 2: 11.5?", dict(n=26, f=5, stride=2, padding=0, d=3, k=10)),
    ("AlexNet conv1: 227, F 11, S 4", dict(n=227, f=11, stride=4, padding=0, d=3, k=64)),
    ("224, F 11, S 4 (the paper's typo)", dict(n=224, f=11, stride=4, padding=0, d=3, k=64)),
    ("'same', stride 2", dict(n=28, f=3, stride=2, padding="same", d=16, k=32)),
)

#: Parameter count of a conv layer: (symbolic, with the reader's numbers).
PARAMS_FORMULA = ("F·F·D·K + K", "{f}·{f}·{d}·{k} + {k}")

#: The preset 3x3 kernels of the filter explorer (the grayscale filter is
#: built per channel count by :func:`kernel_weights`).
KERNELS = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "grayscale": None,
    "sobel_h": [[1, 2, 1], [0, 0, 0], [-1, -2, -1]],
    "sobel_v": [[1, 0, -1], [2, 0, -2], [1, 0, -1]],
    "blur": [[0.0625, 0.125, 0.0625], [0.125, 0.25, 0.125], [0.0625, 0.125, 0.0625]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
}

KERNEL_LABELS = {
    "identity": "identity",
    "grayscale": "grayscale (0.3 R + 0.6 G + 0.1 B)",
    "sobel_h": "Sobel: horizontal edges",
    "sobel_v": "Sobel: vertical edges",
    "blur": "blur (Gaussian 3×3)",
    "sharpen": "sharpen",
    "custom": "custom 3×3 (type it)",
}

GRAY_WEIGHTS = (0.3, 0.6, 0.1)


def fmt(v, digits: int = 4) -> str:
    """A number as the explorers print it: at most `digits` decimals, no
    trailing zeros, a true minus sign (``-765.0`` -> ``'−765'``,
    ``0.0625`` -> ``'0.0625'``, ``10/3`` with 2 digits -> ``'3.33'``)."""
    if isinstance(v, (int, np.integer)):
        s = str(int(v))
    else:
        s = f"{float(v):.{digits}f}".rstrip("0").rstrip(".")
        if s in ("-0", ""):
            s = "0"
    return s.replace("-", "−")


def padding_kind(padding) -> str:
    """'valid', 'same' or 'int' (an explicit number of zeros)."""
    if isinstance(padding, str):
        return padding.lower()
    return "int"


def _pads_1d(n, f, stride, padding):
    """Zeros added before and after one axis, as cnnlib decides them."""
    kind = padding_kind(padding)
    if kind == "same":
        return same_padding(n, f, stride)
    if kind == "valid":
        return (0, 0)
    return (int(padding), int(padding))


def output_size_view(n, d, f, k, stride=1, padding=0) -> dict:
    """Everything the output-size explorer shows for one setting.

    Returns a dict with the inputs, ``out`` (the output size, or ``None`` when
    cnnlib rejects the setting), ``error`` (cnnlib's message, or ``None``),
    ``before``/``after`` (zeros added), ``count`` (filter positions that fit
    along a row: the output size, or what ``floor=True`` would keep in an
    invalid setting), ``params`` (:func:`cnnlib.conv_params`) and the two
    formulas with the reader's numbers substituted.

    Examples
    --------
    >>> v = output_size_view(26, 3, 5, 10, stride=2, padding=0)
    >>> v["out"], v["count"], v["substituted"]
    (None, 11, '(26 − 5 + 2·0) / 2 + 1')
    >>> v["error"][:39]
    '(26 - 5 + 2*0) / 2 + 1 = 11.5 is not an'
    >>> output_size_view(32, 3, 5, 10)["out"], output_size_view(32, 3, 5, 10)["params"]
    (28, 760)
    """
    kind = padding_kind(padding)
    params = conv_params(f, d, k)
    try:
        out, error = conv_output_size(n, f, stride, padding), None
    except ValueError as err:
        out, error = None, str(err)
    try:
        count = conv_output_size(n, f, stride, padding, floor=True)
    except ValueError:
        count = 0
    before, after = _pads_1d(n, f, stride, padding)
    names = dict(n=n, f=f, s=stride, p=padding if kind == "int" else 0, d=d, k=k)
    return {
        "n": n, "d": d, "f": f, "k": k, "stride": stride, "padding": padding, "kind": kind,
        "out": out, "error": error, "count": count, "before": before, "after": after,
        "padded": before + n + after,
        "params": params,
        "formula": SIZE_FORMULAS[kind][0],
        "substituted": SIZE_FORMULAS[kind][1].format(**names),
        "params_formula": PARAMS_FORMULA[0],
        "params_substituted": PARAMS_FORMULA[1].format(**names),
    }


# ---------------------------------------------------------------------------
# Filter explorer
# ---------------------------------------------------------------------------


def kernel_weights(name: str, channels: int, custom=None) -> np.ndarray:
    """The filter bank ``w``, shape (3, 3, channels, 1), of a preset or custom kernel.

    A 3x3 kernel is repeated on every input channel (one filter spans the full
    depth and sums over it).  The grayscale filter has centre weights 0.3, 0.6
    and 0.1 over R, G and B; on a 1-channel image it keeps the pixel (centre
    weight 1).
    """
    if name == "custom":
        if custom is None:
            raise ValueError("`custom` must be a 3x3 kernel when the filter is 'custom'.")
        k = np.asarray(custom, dtype=np.float64)
        if k.shape != (3, 3):
            raise ValueError(f"`custom` must be a 3x3 kernel; got shape {k.shape}.")
    elif name == "grayscale":
        w = np.zeros((3, 3, channels, 1))
        w[1, 1, :, 0] = GRAY_WEIGHTS if channels == 3 else 1.0
        return w
    elif name in KERNELS:
        k = np.asarray(KERNELS[name], dtype=np.float64)
    else:
        raise ValueError(f"unknown filter {name!r}; choose one of {sorted(KERNEL_LABELS)}.")
    return np.repeat(k[:, :, None, None], channels, axis=2)


def filter_note(name: str, channels: int) -> str | None:
    """A sentence on how a filter spans the image's channels, or None."""
    if name == "grayscale":
        if channels == 1:
            return ("A 1-channel image is already grey: the grayscale filter keeps each pixel "
                    "(centre weight 1).")
        return "One 3×3×3 filter: centre weights 0.3, 0.6 and 0.1 on R, G and B, zeros elsewhere."
    if channels == 3:
        return ("On a colour image the 3×3 kernel is repeated on R, G and B and the three results "
                "are added: one 3×3×3 filter gives one feature map.")
    return None


def as_image(image) -> np.ndarray:
    """An image as float64 (H, W, C) with C = 1 or 3 (pixel values kept as given)."""
    arr = np.asarray(image)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.ndim != 3 or arr.shape[2] not in (1, 3):
        raise ValueError(f"`image` must have shape (H, W), (H, W, 1) or (H, W, 3); got {arr.shape}.")
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"`image` must hold numbers; got dtype {arr.dtype}.")
    return arr.astype(np.float64)


class FilterResult(NamedTuple):
    """A feature map as cnnlib computes it, or cnnlib's reason for refusing."""

    out: np.ndarray | None
    """The feature map, shape (Ho, Wo), or None."""
    pads: tuple | None
    """((top, bottom), (left, right)) zeros added, from the ConvCache."""
    stride: tuple | None
    error: str | None


def filter_result(x, w, stride, padding) -> FilterResult:
    """``conv2d_forward`` of one image with one filter (bias 0)."""
    try:
        out, cache = conv2d_forward(x[None], w, np.zeros(w.shape[3]), stride=stride, padding=padding)
    except ValueError as err:
        return FilterResult(None, None, None, str(err))
    return FilterResult(out[0, :, :, 0], cache.pads, cache.stride, None)


def telling_window(out: np.ndarray) -> tuple[int, int]:
    """Where a feature map is largest in magnitude: a telling first window."""
    i, j = np.unravel_index(int(np.argmax(np.abs(out))), out.shape)
    return int(i), int(j)


def window_terms(x, w, result: FilterResult, i: int, j: int) -> dict:
    """The dot product at output position (i, j), term by term.

    Returns ``origin`` (top-left of the window in input coordinates; negative
    rows/columns are padding), ``terms`` (weight, input value, (row, col,
    channel) in input coordinates) for the non-zero weights, ``zeros`` (how
    many zero weights were left out) and ``sum`` (:func:`cnnlib.conv_single_step`
    of the window, which equals the feature map at (i, j)).
    """
    (top, _), (left, _) = result.pads
    sh, sw = result.stride
    kh, kw, c, _ = w.shape
    x_pad = zero_pad(x[None], result.pads)[0]
    r0, c0 = i * sh, j * sw
    window = x_pad[r0:r0 + kh, c0:c0 + kw, :]
    total = conv_single_step(window, w[:, :, :, 0], np.zeros(1))
    terms, zeros = [], 0
    for ch in range(c):
        for p in range(kh):
            for q in range(kw):
                if w[p, q, ch, 0] == 0:
                    zeros += 1
                    continue
                terms.append((float(w[p, q, ch, 0]), float(window[p, q, ch]),
                              (r0 + p - top, c0 + q - left, ch)))
    return {"origin": (r0 - top, c0 - left), "size": (kh, kw), "terms": terms, "zeros": zeros,
            "sum": float(total), "channels": c}


# ---------------------------------------------------------------------------
# Pooling explorer
# ---------------------------------------------------------------------------


def pooling_view(grid, mode: str, size: int, stride: int, padding: str) -> dict:
    """Forward and backward pooling of a 2-D grid of numbers.

    Returns ``out`` (Ho, Wo), ``mask`` (H, W): the gradient with ``dout`` = 1
    everywhere (:func:`cnnlib.max_pool2d_backward` or
    :func:`cnnlib.avg_pool2d_backward`), ``pads`` ((top, bottom), (left,
    right)), and per window ``windows[i][j]`` = ``[row0, col0, pick_row,
    pick_col, count]`` in input coordinates: its top-left corner, the element
    max pooling picked (from ``MaxPoolCache.argmax``; ``None`` for average
    pooling) and the number of real cells it averages (``AvgPoolCache.counts``;
    ``None`` for max).  ``error`` holds cnnlib's message when it refuses.
    """
    if mode not in ("max", "avg"):
        raise ValueError(f"`mode` must be 'max' or 'avg'; got {mode!r}.")
    x = np.asarray(grid, dtype=np.float64)[None, :, :, None]
    forward, backward = ((max_pool2d_forward, max_pool2d_backward) if mode == "max"
                         else (avg_pool2d_forward, avg_pool2d_backward))
    try:
        out, cache = forward(x, size=size, stride=stride, padding=padding)
    except ValueError as err:
        return {"mode": mode, "error": str(err), "out": None, "mask": None, "pads": None, "windows": None}
    mask = backward(np.ones_like(out), cache)
    (top, _), (left, _) = cache.pads
    (sh, sw), (kh, kw) = cache.stride, cache.size
    windows = []
    for i in range(out.shape[1]):
        row = []
        for j in range(out.shape[2]):
            r0, c0 = i * sh - top, j * sw - left
            if mode == "max":
                a = int(cache.argmax[0, i, j, 0])
                row.append([r0, c0, r0 + a // kw, c0 + a % kw, None])
            else:
                row.append([r0, c0, None, None, int(cache.counts[i, j])])
        windows.append(row)
    return {"mode": mode, "error": None, "out": out[0, :, :, 0], "mask": mask[0, :, :, 0],
            "pads": cache.pads, "size": (kh, kw), "stride": (sh, sw), "windows": windows}
