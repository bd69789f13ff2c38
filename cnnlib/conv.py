"""Convolution forward and backward in numpy, NHWC like ``tf.nn.conv2d``.

The teaching steps of chapter 3 (:func:`zero_pad`, :func:`conv_single_step`,
the loop version :func:`conv2d_forward_naive`) and a vectorised version
(:func:`conv2d_forward`) that returns the same :class:`ConvCache`, so that
:func:`conv2d_backward` serves both.

Like every deep-learning library, "convolution" here is cross-correlation:
the filter is not flipped.  ``out[n, i, j, k] = b[k] + sum over (p, q, c) of
x_pad[n, i*sh + p, j*sw + q, c] * w[p, q, c, k]``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validate import check_shape, float_array, int_pair, padding_spec
from ._windows import Pads, crop, output_hw, pad_with, plan, tap, windows

__all__ = [
    "ConvCache",
    "zero_pad",
    "conv_single_step",
    "conv2d_forward_naive",
    "conv2d_forward",
    "conv2d_backward",
    "conv2d_backward_naive",
]

class ConvCache(NamedTuple):
    """What the backward pass needs from a convolution's forward pass."""

    x: np.ndarray
    """The input, unpadded, shape (N, H, W, C_in)."""
    w: np.ndarray
    """The filters, shape (KH, KW, C_in, C_out)."""
    b: np.ndarray
    """The biases, shape (C_out,)."""
    stride: tuple
    """(stride along height, stride along width)."""
    pads: Pads
    """The zeros added, as ((top, bottom), (left, right))."""


def zero_pad(x, pad) -> np.ndarray:
    """Pad the height and width of an NHWC batch with zeros.

    Parameters
    ----------
    x : ndarray, shape (N, H, W, C)
    pad : int, (ph, pw) or ((top, bottom), (left, right))
        An int pads every side by that many zeros.

    Returns
    -------
    ndarray, shape (N, H + top + bottom, W + left + right, C)
        The batch and channel axes are never padded.

    Examples
    --------
    >>> x = np.arange(4.0).reshape(1, 2, 2, 1)
    >>> zero_pad(x, 1)[0, :, :, 0]
    array([[0., 0., 0., 0.],
           [0., 0., 1., 0.],
           [0., 2., 3., 0.],
           [0., 0., 0., 0.]])
    >>> zero_pad(x, ((0, 1), (0, 1))).shape     # TensorFlow's 'same' for odd totals
    (1, 3, 3, 1)

    Introduced in chapter 3.
    """
    arr = np.asarray(x)
    if arr.dtype == object:
        raise TypeError("`x` must be a numeric array; got an object array.")
    if arr.ndim != 4:
        raise ValueError(f"`x` must be 4-D (N, H, W, C); got shape {arr.shape}.")
    (top, bottom), (left, right) = _pads_of("pad", pad)
    return np.pad(arr, ((0, 0), (top, bottom), (left, right), (0, 0)))


def _pads_of(name: str, pad) -> Pads:
    if (isinstance(pad, (tuple, list)) and len(pad) == 2
            and all(isinstance(p, (tuple, list)) for p in pad)):
        ph = padding_spec(name + "[0]", tuple(pad[0]))
        pw = padding_spec(name + "[1]", tuple(pad[1]))
        return (ph[0], ph[1]), (pw[0], pw[1])
    spec = padding_spec(name, pad)
    if isinstance(spec, str):
        raise ValueError(f"`{name}` must be an int or a pair of ints here; got {pad!r}.")
    return (spec[0], spec[0]), (spec[1], spec[1])


def conv_single_step(a_slice, w, b) -> np.floating:
    """One filter applied at one position: ``sum(a_slice * w) + b``.

    Parameters
    ----------
    a_slice : ndarray, shape (KH, KW, C_in)
        The window of the (padded) input under the filter.
    w : ndarray, shape (KH, KW, C_in)
        One filter (``w[..., k]`` of a full filter bank, ``k`` its index).
    b : float or ndarray with one element
        That filter's bias.

    Returns
    -------
    numpy scalar

    Examples
    --------
    The moving filter of chapter 2: all weights 0.5 over a 2x2 window.

    >>> window = np.array([[1.0, 2.0], [2.0, 3.5]]).reshape(2, 2, 1)
    >>> float(conv_single_step(window, np.full((2, 2, 1), 0.5), 0.0))
    4.25

    Introduced in chapter 3.
    """
    a_slice = float_array("a_slice", a_slice, 3, "(KH, KW, C_in)")
    w = float_array("w", w, 3, "(KH, KW, C_in)")
    if a_slice.shape != w.shape:
        raise ValueError(f"`a_slice` and `w` must have the same shape; got {a_slice.shape} and {w.shape}.")
    b = float_array("b", b)
    if b.size != 1:
        raise ValueError(f"`b` must hold a single number; got shape {b.shape}.")
    return np.sum(a_slice * w) + b.reshape(())[()]


def _prepare(x, w, b, stride, padding):
    """Check the arguments of a forward pass; return them normalised."""
    x = float_array("x", x, 4, "(N, H, W, C_in)")
    w = float_array("w", w, 4, "(KH, KW, C_in, C_out)")
    b = float_array("b", b, 1, "(C_out,)")
    if w.shape[2] != x.shape[3]:
        raise ValueError(
            f"`w` expects C_in={w.shape[2]} input channel(s) but `x` has {x.shape[3]}: "
            f"w.shape[2] must equal x.shape[3] (x.shape={x.shape}, w.shape={w.shape})."
        )
    if b.shape[0] != w.shape[3]:
        raise ValueError(f"`b` must have one bias per filter, shape ({w.shape[3]},); got {b.shape}.")
    stride = int_pair("stride", stride)
    pad = padding_spec("padding", padding)
    pads, out_hw = plan(x.shape[1:3], w.shape[:2], stride, pad, "filter")
    dtype = np.result_type(x, w, b)
    return x.astype(dtype, copy=False), w.astype(dtype, copy=False), b.astype(dtype, copy=False), stride, pads, out_hw


#: Bytes of unrolled windows ("im2col" rows) built at a time.  Working through
#: the batch in pieces of this size keeps each piece in the CPU cache while the
#: matrix product reads it, instead of writing the whole matrix to memory.
CHUNK_BYTES = 4 << 20


def _chunks(n, out_hw, k_shape, itemsize):
    """Split range(n) into pieces whose im2col matrix is about CHUNK_BYTES."""
    per_image = out_hw[0] * out_hw[1] * k_shape[0] * k_shape[1] * k_shape[2] * itemsize
    step = max(1, CHUNK_BYTES // max(per_image, 1))
    return [(s, min(n, s + step)) for s in range(0, n, step)]


def conv2d_forward_naive(x, w, b, *, stride=1, padding=0):
    """Convolution with explicit loops, for reading rather than speed.

    Same arguments, result and cache as :func:`conv2d_forward`; it calls
    :func:`conv_single_step` once per output number.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 3, 3, 1)
    >>> w = np.ones((2, 2, 1, 1))
    >>> out, cache = conv2d_forward_naive(x, w, np.zeros(1))
    >>> out[0, :, :, 0]
    array([[ 8., 12.],
           [20., 24.]])

    Introduced in chapter 3.
    """
    x, w, b, (sh, sw), pads, (ho, wo) = _prepare(x, w, b, stride, padding)
    x_pad = zero_pad(x, pads)
    kh, kw, _, c_out = w.shape
    out = np.zeros((x.shape[0], ho, wo, c_out), dtype=x.dtype)
    for n in range(x.shape[0]):
        for i in range(ho):
            top = i * sh
            for j in range(wo):
                left = j * sw
                window = x_pad[n, top:top + kh, left:left + kw, :]
                for k in range(c_out):
                    out[n, i, j, k] = conv_single_step(window, w[:, :, :, k], b[k])
    return out, ConvCache(x, w, b, (sh, sw), pads)


def conv2d_forward(x, w, b, *, stride=1, padding=0):
    """Vectorised 2-D convolution, equal to ``tf.nn.conv2d(x, w, stride, padding) + b``.

    Parameters
    ----------
    x : ndarray, shape (N, H, W, C_in)
        A batch of images or activation volumes (float32 or float64).
    w : ndarray, shape (KH, KW, C_in, C_out)
        The filter bank: every filter spans the full input depth.
    b : ndarray, shape (C_out,)
    stride : int or (sh, sw), keyword-only, default 1
    padding : int, (ph, pw), 'valid' or 'same', keyword-only, default 0
        An int adds that many zeros on every side and requires the stride to
        tile the padded input exactly; 'valid' and 'same' follow TensorFlow.

    Returns
    -------
    out : ndarray, shape (N, Ho, Wo, C_out)
    cache : ConvCache
        For :func:`conv2d_backward`.

    Notes
    -----
    ``Ho = (H - KH + 2p) / sh + 1`` (see :func:`cnnlib.shapes.conv_output_size`).

    The input is unrolled into a matrix of windows ("im2col") with one row per
    output position and ``KH*KW*C_in`` columns, and a matrix product with the
    reshaped filters does the rest.  Whole, that matrix would be large: for
    N=64, 28x28, 32 channels and 5x5 filters, 64*784 rows of 800 float32
    numbers, about 160 MB; it is therefore built a few images at a time
    (``CHUNK_BYTES``), which also keeps it in the CPU cache.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> w = np.full((2, 2, 1, 1), 0.25)          # a 2x2 mean filter
    >>> out, _ = conv2d_forward(x, w, np.zeros(1), stride=2)
    >>> out[0, :, :, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])

    Introduced in chapter 1; implemented step by step in chapter 3.
    """
    x, w, b, stride, pads, out_hw = _prepare(x, w, b, stride, padding)
    kh, kw, c_in, c_out = w.shape
    win = windows(pad_with(x, pads), (kh, kw), stride, out_hw)
    w2 = w.reshape(-1, c_out)
    out = np.empty((x.shape[0], out_hw[0], out_hw[1], c_out), dtype=x.dtype)
    for s, e in _chunks(x.shape[0], out_hw, (kh, kw, c_in), x.itemsize):
        cols = win[s:e].reshape(-1, kh * kw * c_in)
        np.matmul(cols, w2, out=out[s:e].reshape(-1, c_out))
    out += b
    return out, ConvCache(x, w, b, stride, pads)


def _check_dout(dout, cache: ConvCache):
    if not isinstance(cache, ConvCache):
        raise TypeError(
            "`cache` must be the ConvCache returned by a conv2d forward pass; "
            f"got {type(cache).__name__}."
        )
    dout = float_array("dout", dout, 4, "(N, Ho, Wo, C_out)")
    x, w = cache.x, cache.w
    out_hw = output_hw(x.shape[1:3], w.shape[:2], cache.stride, cache.pads)
    check_shape("dout", dout, (x.shape[0], *out_hw, w.shape[3]))
    return dout.astype(np.result_type(dout, x), copy=False), out_hw


def conv2d_backward(dout, cache: ConvCache):
    """Gradients of a convolution, given the upstream gradient ``dout``.

    Parameters
    ----------
    dout : ndarray, shape (N, Ho, Wo, C_out)
        dL/d(out).
    cache : ConvCache
        From :func:`conv2d_forward` or :func:`conv2d_forward_naive`.

    Returns
    -------
    dx : ndarray, shape (N, H, W, C_in)
        dL/dx: every window's share of ``dout`` times the filters, added back
        where the window came from (a "full" convolution of ``dout`` with the
        flipped filters when the stride is 1).
    dw : ndarray, shape (KH, KW, C_in, C_out)
        dL/dw: the sum over positions of input window times ``dout``.
    db : ndarray, shape (C_out,)
        dL/db: ``dout`` summed over the batch and all positions.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 3, 3, 1)
    >>> out, cache = conv2d_forward(x, np.ones((2, 2, 1, 1)), np.zeros(1))
    >>> dx, dw, db = conv2d_backward(np.ones_like(out), cache)
    >>> dx[0, :, :, 0]          # how many windows cover each input pixel
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    >>> dw[:, :, 0, 0], db
    (array([[ 8., 12.],
           [20., 24.]]), array([4.]))

    Introduced in chapter 3.
    """
    dout, out_hw = _check_dout(dout, cache)
    x, w, _, stride, pads = cache
    kh, kw, c_in, c_out = w.shape
    x_pad = pad_with(x, pads)
    win = windows(x_pad, (kh, kw), stride, out_hw)
    w2 = w.reshape(-1, c_out)
    dw2 = np.zeros(w2.shape, dtype=np.result_type(dout, w))
    dx_pad = np.zeros(x_pad.shape, dtype=dw2.dtype)
    for s, e in _chunks(x.shape[0], out_hw, (kh, kw, c_in), x.itemsize):
        cols = win[s:e].reshape(-1, kh * kw * c_in)
        d2 = dout[s:e].reshape(-1, c_out)
        dw2 += cols.T @ d2
        dcols = (d2 @ w2.T).reshape(e - s, out_hw[0], out_hw[1], kh, kw, c_in)
        dx_chunk = dx_pad[s:e]
        for p in range(kh):
            for q in range(kw):
                dx_chunk[tap(p, q, stride, out_hw)] += dcols[:, :, :, p, q, :]
    db = dout.reshape(-1, c_out).sum(axis=0)
    return crop(dx_pad, pads, x.shape[1:3]), dw2.reshape(w.shape), db


def conv2d_backward_naive(dout, cache: ConvCache):
    """The same gradients as :func:`conv2d_backward`, with explicit loops.

    For each output position ``(n, i, j)`` and filter ``k``, the window it saw
    receives ``w[..., k] * dout[n, i, j, k]``, the filter receives
    ``window * dout[n, i, j, k]`` and the bias ``dout[n, i, j, k]``.

    Introduced in chapter 3.
    """
    dout, (ho, wo) = _check_dout(dout, cache)
    x, w, _, (sh, sw), pads = cache
    kh, kw, _, c_out = w.shape
    x_pad = zero_pad(x, pads)
    dx_pad = np.zeros(x_pad.shape, dtype=dout.dtype)
    dw = np.zeros(w.shape, dtype=dout.dtype)
    db = np.zeros(c_out, dtype=dout.dtype)
    for n in range(x.shape[0]):
        for i in range(ho):
            top = i * sh
            for j in range(wo):
                left = j * sw
                window = x_pad[n, top:top + kh, left:left + kw, :]
                for k in range(c_out):
                    g = dout[n, i, j, k]
                    dx_pad[n, top:top + kh, left:left + kw, :] += w[:, :, :, k] * g
                    dw[:, :, :, k] += window * g
                    db[k] += g
    return crop(dx_pad, pads, x.shape[1:3]), dw, db
