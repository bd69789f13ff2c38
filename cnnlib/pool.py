"""Max and average pooling forward and backward, like ``tf.nn.max_pool2d`` /
``tf.nn.avg_pool2d``.

Padding follows TensorFlow: ``'valid'`` uses only whole windows; ``'same'``
pads so that the output is ``ceil(n / stride)`` wide, and the padded cells
never take part: max pooling ignores them (as if they were -inf) and average
pooling divides by the number of real cells in each window.

With ties, max pooling sends the gradient to the *first* maximum of the
window in row-major order, as TensorFlow does, never to several at once.

Both kinds return the same :class:`PoolCache`: ``mode`` says which forward
made it, the max pass stores the index of each window's maximum (computed
once, in the forward pass) and both store how many real cells each window
covers.
"""

from __future__ import annotations

from typing import NamedTuple, Optional

import numpy as np

from ._validate import check_shape, float_array, int_pair, padding_spec
from ._windows import crop, pad_with, plan, tap, windows

__all__ = [
    "PoolCache",
    "max_pool2d_forward",
    "max_pool2d_backward",
    "avg_pool2d_forward",
    "avg_pool2d_backward",
    "max_mask",
    "distribute_value",
]


class PoolCache(NamedTuple):
    """What a pooling backward pass needs from its forward pass (max and average alike)."""

    mode: str
    """``'max'`` or ``'avg'``: which forward pass made the cache."""
    x_shape: tuple
    """Shape of the input, (N, H, W, C)."""
    size: tuple
    """The window, (KH, KW)."""
    stride: tuple
    """(stride along height, stride along width)."""
    pads: tuple
    """The cells added, as ((top, bottom), (left, right)); they never take part."""
    counts: np.ndarray
    """Number of real (unpadded) cells in each window, shape (Ho, Wo)."""
    argmax: Optional[np.ndarray]
    """For max pooling, the index (row-major within the window, ``p * KW + q``) of
    each window's first maximum, shape (N, Ho, Wo, C), computed once by the
    forward pass; ``None`` for average pooling."""


def _prepare(x, size, stride, padding):
    x = float_array("x", x, 4, "(N, H, W, C)")
    size = int_pair("size", size)
    stride = size if stride is None else int_pair("stride", stride)
    pad = padding_spec("padding", padding)
    if not isinstance(pad, str):
        raise ValueError(
            f"`padding` must be 'valid' or 'same' for pooling, as in tf.nn.max_pool2d; got {padding!r}."
        )
    pads, out_hw = plan(x.shape[1:3], size, stride, pad, "window")
    return x, size, stride, pads, out_hw


def _counts(x_hw, size, stride, pads, out_hw):
    """Real cells under each window, shape (Ho, Wo)."""
    ones = pad_with(np.ones((1, *x_hw, 1)), pads)
    return windows(ones, size, stride, out_hw).sum(axis=(3, 4))[0, :, :, 0]


def max_pool2d_forward(x, *, size=2, stride=None, padding="valid"):
    """Max pooling over ``size`` windows, equal to ``tf.nn.max_pool2d``.

    Parameters
    ----------
    x : ndarray, shape (N, H, W, C)
    size : int or (kh, kw), keyword-only, default 2
    stride : int or (sh, sw), keyword-only, default ``size``
    padding : 'valid' or 'same', keyword-only, default 'valid'

    Returns
    -------
    out : ndarray, shape (N, Ho, Wo, C)
    cache : PoolCache
        With ``mode='max'`` and the ``argmax`` of every window.

    Examples
    --------
    >>> x = np.array([[1., 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]]).reshape(1, 4, 4, 1)
    >>> out, _ = max_pool2d_forward(x)          # 2x2 windows, stride 2: 4x4 -> 2x2
    >>> out[0, :, :, 0]
    array([[6., 8.],
           [3., 4.]])
    >>> max_pool2d_forward(np.ones((1, 5, 5, 1)), size=2, stride=2, padding='same')[0].shape
    (1, 3, 3, 1)

    Introduced in chapter 1; backward in chapter 3.
    """
    x, size, stride, pads, out_hw = _prepare(x, size, stride, padding)
    win = windows(pad_with(x, pads, -np.inf), size, stride, out_hw)
    # One pass per position in the window, over output-sized arrays (cheaper
    # than copying every window out).  A strictly greater value moves the
    # argmax, so with ties the first maximum in row-major order keeps it, as in
    # TensorFlow; the backward pass and the explorers read it from the cache.
    out = win[:, :, :, 0, 0, :].copy()
    argmax = np.zeros(out.shape, dtype=np.int32)
    for t in range(1, size[0] * size[1]):
        v = win[:, :, :, t // size[1], t % size[1], :]
        better = v > out
        np.maximum(out, v, out=out)
        argmax += better * (np.int32(t) - argmax)      # t where better, unchanged elsewhere
    counts = _counts(x.shape[1:3], size, stride, pads, out_hw)
    return out, PoolCache("max", x.shape, size, stride, pads, counts, argmax)


def avg_pool2d_forward(x, *, size=2, stride=None, padding="valid"):
    """Average pooling, equal to ``tf.nn.avg_pool2d``.

    With ``'same'`` padding a window that hangs over the border averages only
    its real cells: TensorFlow does not count the padding.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 3, 3, 1)
    >>> avg_pool2d_forward(x, size=2, padding='same')[0][0, :, :, 0]
    array([[2. , 3.5],
           [6.5, 8. ]])

    Introduced in chapter 3.
    """
    x, size, stride, pads, out_hw = _prepare(x, size, stride, padding)
    win = windows(pad_with(x, pads), size, stride, out_hw)
    sums = win[:, :, :, 0, 0, :].copy()
    for t in range(1, size[0] * size[1]):
        sums += win[:, :, :, t // size[1], t % size[1], :]
    counts = _counts(x.shape[1:3], size, stride, pads, out_hw)
    out = sums / counts[None, :, :, None].astype(x.dtype)
    return out.astype(x.dtype, copy=False), PoolCache("avg", x.shape, size, stride, pads, counts, None)


def _check(dout, cache, mode):
    forward = f"{mode}_pool2d_forward"
    if not isinstance(cache, PoolCache):
        raise TypeError(f"`cache` must be the PoolCache returned by {forward}; got {type(cache).__name__}.")
    if cache.mode != mode:
        raise ValueError(
            f"`cache` comes from {cache.mode}_pool2d_forward; {mode}_pool2d_backward needs the cache "
            f"of {forward} (or call {cache.mode}_pool2d_backward)."
        )
    dout = float_array("dout", dout, 4, "(N, Ho, Wo, C)")
    n, _, _, c = cache.x_shape
    check_shape("dout", dout, (n, *cache.counts.shape, c))
    (top, bottom), (left, right) = cache.pads
    padded = (n, cache.x_shape[1] + top + bottom, cache.x_shape[2] + left + right, c)
    return dout, padded


def max_pool2d_backward(dout, cache: PoolCache):
    """Gradient of max pooling: each window's ``dout`` goes to its maximum.

    Returns
    -------
    dx : ndarray, shape (N, H, W, C)
        Zero everywhere except at the elements that were picked; an element
        picked by several overlapping windows receives the sum.

    Examples
    --------
    >>> x = np.array([[1., 3], [4, 2]]).reshape(1, 2, 2, 1)
    >>> out, cache = max_pool2d_forward(x)
    >>> max_pool2d_backward(np.ones_like(out), cache)[0, :, :, 0]
    array([[0., 0.],
           [1., 0.]])
    """
    dout, padded = _check(dout, cache, "max")
    dx_pad = np.zeros(padded, dtype=dout.dtype)
    kh, kw = cache.size
    for p in range(kh):
        for q in range(kw):
            dx_pad[tap(p, q, cache.stride, dout.shape[1:3])] += dout * (cache.argmax == p * kw + q)
    return crop(dx_pad, cache.pads, cache.x_shape[1:3])


def avg_pool2d_backward(dout, cache: PoolCache):
    """Gradient of average pooling: each window shares its ``dout`` evenly
    among its real cells.

    Examples
    --------
    >>> out, cache = avg_pool2d_forward(np.zeros((1, 4, 4, 1)))
    >>> avg_pool2d_backward(np.ones_like(out), cache)[0, :, :, 0]
    array([[0.25, 0.25, 0.25, 0.25],
           [0.25, 0.25, 0.25, 0.25],
           [0.25, 0.25, 0.25, 0.25],
           [0.25, 0.25, 0.25, 0.25]])
    """
    dout, padded = _check(dout, cache, "avg")
    share = dout / cache.counts[None, :, :, None]
    dx_pad = np.zeros(padded, dtype=dout.dtype)
    for p in range(cache.size[0]):
        for q in range(cache.size[1]):
            dx_pad[tap(p, q, cache.stride, dout.shape[1:3])] += share
    return crop(dx_pad, cache.pads, cache.x_shape[1:3])


def max_mask(window) -> np.ndarray:
    """Boolean mask of the element max pooling picks in one window.

    Only the first maximum in row-major order is marked, which is where
    :func:`max_pool2d_backward` and TensorFlow send the gradient.  The common
    shortcut ``window == window.max()`` marks every tied maximum and would
    pass the gradient on more than once.

    Examples
    --------
    >>> max_mask(np.array([[1., 3.], [3., 2.]]))
    array([[False,  True],
           [False, False]])

    Introduced in chapter 3.
    """
    window = float_array("window", window)
    if window.size == 0:
        raise ValueError("`window` must not be empty.")
    mask = np.zeros(window.shape, dtype=bool)
    mask[np.unravel_index(np.argmax(window), window.shape)] = True
    return mask


def distribute_value(dz, shape) -> np.ndarray:
    """Share a gradient ``dz`` evenly over a window of ``shape`` (average pooling).

    Examples
    --------
    >>> distribute_value(2.0, (2, 2))
    array([[0.5, 0.5],
           [0.5, 0.5]])

    Introduced in chapter 3.
    """
    dz = float_array("dz", dz)
    if dz.size != 1:
        raise ValueError(f"`dz` must be a single number; got shape {dz.shape}.")
    shape = tuple(shape)
    if not shape or any(int(s) < 1 for s in shape):
        raise ValueError(f"`shape` must be a non-empty tuple of positive sizes; got {shape}.")
    return np.full(shape, dz.reshape(())[()] / np.prod(shape), dtype=dz.dtype)
