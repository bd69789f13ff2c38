"""Max and average pooling forward and backward, like ``tf.nn.max_pool2d`` /
``tf.nn.avg_pool2d``.

Padding follows TensorFlow: ``'valid'`` uses only whole windows; ``'same'``
pads so that the output is ``ceil(n / stride)`` wide, and the padded cells
never take part: max pooling ignores them (as if they were -inf) and average
pooling divides by the number of real cells in each window.

With ties, max pooling sends the gradient to the *first* maximum of the
window in row-major order, as TensorFlow does, never to several at once.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validate import check_shape, float_array, int_pair, padding_spec
from .conv import _crop, _pad_for, _plan, _tap, _windows

__all__ = [
    "MaxPoolCache",
    "AvgPoolCache",
    "max_pool2d_forward",
    "max_pool2d_backward",
    "avg_pool2d_forward",
    "avg_pool2d_backward",
    "max_mask",
    "distribute_value",
]


class MaxPoolCache(NamedTuple):
    x_shape: tuple
    size: tuple
    stride: tuple
    pads: tuple
    x_pad: np.ndarray
    """The input padded with -inf (read-only use)."""
    out: np.ndarray
    """The forward pass's output, shape (N, Ho, Wo, C)."""

    def first_max_taps(self):
        """Yield ``(p, q, hit)`` for every window position ``(p, q)``, where
        ``hit`` marks the windows whose first maximum (row-major) sits there."""
        win = _windows(self.x_pad, self.size, self.stride, self.out.shape[1:3])
        taken = np.zeros(self.out.shape, dtype=bool)
        for p in range(self.size[0]):
            for q in range(self.size[1]):
                hit = win[:, :, :, p, q, :] == self.out
                hit &= ~taken
                taken |= hit
                yield p, q, hit

    @property
    def argmax(self) -> np.ndarray:
        """Index (row-major within the window) of each window's first maximum, shape (N, Ho, Wo, C)."""
        idx = np.zeros(self.out.shape, dtype=np.int32)
        for p, q, hit in self.first_max_taps():
            idx[hit] = p * self.size[1] + q
        return idx


class AvgPoolCache(NamedTuple):
    x_shape: tuple
    size: tuple
    stride: tuple
    pads: tuple
    counts: np.ndarray
    """Number of real (unpadded) cells in each window, shape (Ho, Wo)."""


def _prepare(x, size, stride, padding):
    x = float_array("x", x, 4, "(N, H, W, C)")
    size = int_pair("size", size)
    stride = size if stride is None else int_pair("stride", stride)
    pad = padding_spec("padding", padding)
    if not isinstance(pad, str):
        raise ValueError(
            f"`padding` must be 'valid' or 'same' for pooling, as in tf.nn.max_pool2d; got {padding!r}."
        )
    pads, out_hw = _plan(x.shape[1:3], size, stride, pad, "window")
    return x, size, stride, pads, out_hw


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
    cache : MaxPoolCache

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
    x_pad = _pad_for(x, pads, -np.inf)
    win = _windows(x_pad, size, stride, out_hw)
    # One pass per position in the window, over output-sized arrays: cheaper
    # than copying every window out.
    out = win[:, :, :, 0, 0, :].copy()
    for t in range(1, size[0] * size[1]):
        np.maximum(out, win[:, :, :, t // size[1], t % size[1], :], out=out)
    return out, MaxPoolCache(x.shape, size, stride, pads, x_pad, out)


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
    win = _windows(_pad_for(x, pads), size, stride, out_hw)
    sums = win[:, :, :, 0, 0, :].copy()
    for t in range(1, size[0] * size[1]):
        sums += win[:, :, :, t // size[1], t % size[1], :]
    ones = _pad_for(np.ones((1, x.shape[1], x.shape[2], 1)), pads)
    counts = _windows(ones, size, stride, out_hw).sum(axis=(3, 4))[0, :, :, 0]
    out = sums / counts[None, :, :, None].astype(x.dtype)
    return out.astype(x.dtype, copy=False), AvgPoolCache(x.shape, size, stride, pads, counts)


def _check(dout, cache, kind):
    if not isinstance(cache, kind):
        raise TypeError(f"`cache` must be a {kind.__name__}; got {type(cache).__name__}.")
    dout = float_array("dout", dout, 4, "(N, Ho, Wo, C)")
    n, _, _, c = cache.x_shape
    field = cache.out.shape[1:3] if kind is MaxPoolCache else cache.counts.shape
    check_shape("dout", dout, (n, field[0], field[1], c))
    (top, bottom), (left, right) = cache.pads
    padded = (n, cache.x_shape[1] + top + bottom, cache.x_shape[2] + left + right, c)
    return dout, padded


def max_pool2d_backward(dout, cache: MaxPoolCache):
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
    dout, padded = _check(dout, cache, MaxPoolCache)
    dx_pad = np.zeros(padded, dtype=dout.dtype)
    for p, q, hit in cache.first_max_taps():
        dx_pad[_tap(p, q, cache.stride, dout.shape[1:3])] += dout * hit
    return _crop(dx_pad, cache.pads, cache.x_shape[1:3])


def avg_pool2d_backward(dout, cache: AvgPoolCache):
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
    dout, padded = _check(dout, cache, AvgPoolCache)
    share = dout / cache.counts[None, :, :, None]
    dx_pad = np.zeros(padded, dtype=dout.dtype)
    for p in range(cache.size[0]):
        for q in range(cache.size[1]):
            dx_pad[_tap(p, q, cache.stride, dout.shape[1:3])] += share
    return _crop(dx_pad, cache.pads, cache.x_shape[1:3])


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
