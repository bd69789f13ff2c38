"""Numerical gradients by centred differences, and the relative error used to
compare them with analytic ones (chapter 3).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ._validate import float_array

__all__ = ["numerical_gradient", "relative_error"]


def numerical_gradient(f: Callable, x: np.ndarray, dout=None, *, h: float = 1e-5) -> np.ndarray:
    """Gradient of ``f`` at ``x`` by centred differences.

    ``x`` is changed in place one element at a time and restored afterwards,
    so ``f`` must read ``x`` each time it is called (a closure over the same
    array works).

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a scalar, or an array when ``dout`` is given.
    x : ndarray of floats
        Use float64: in float32 the rounding error of ``f`` swamps a step this
        small.
    dout : ndarray, optional
        Upstream gradient for an array-valued ``f``; the result is then the
        gradient of ``sum(f(x) * dout)``, which is what a layer's backward
        function computes.
    h : float, default 1e-5

    Returns
    -------
    ndarray, same shape as ``x``
        ``(f(x + h e_i) - f(x - h e_i)) / (2h)`` for every element ``i``.  The
        error is of order ``h**2`` times the third derivative, plus rounding.

    Examples
    --------
    >>> x = np.array([1.0, 2.0, 3.0])
    >>> np.round(numerical_gradient(lambda v: np.sum(v**2), x), 6)
    array([2., 4., 6.])
    """
    if not callable(f):
        raise TypeError(f"`f` must be callable; got {type(f).__name__}.")
    if not isinstance(x, np.ndarray):
        raise TypeError("`x` must be a numpy array that `f` reads (it is perturbed in place).")
    float_array("x", x)
    if not h > 0:
        raise ValueError(f"`h` must be positive; got {h}.")
    grad = np.zeros_like(x)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        plus = np.array(f(x), dtype=np.float64, copy=True)
        x[ix] = old - h
        minus = np.array(f(x), dtype=np.float64, copy=True)
        x[ix] = old
        diff = plus - minus
        if dout is None:
            if diff.size != 1:
                raise ValueError(f"`f` returned an array of shape {diff.shape}; pass `dout` for array-valued f.")
            grad[ix] = diff.reshape(()) / (2 * h)
        else:
            grad[ix] = np.sum(diff * dout) / (2 * h)
    return grad


def relative_error(a, b) -> float:
    """``||a - b|| / (||a|| + ||b||)``, with Euclidean (Frobenius) norms.

    Scale-free: 1e-7 or less means the two agree to about seven digits, the
    threshold the book uses for a float64 gradient check; around 1e-2 or more
    means one of them is wrong.  Two all-zero arrays have error 0.

    Examples
    --------
    >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    0.0
    >>> round(relative_error(np.array([1.0, 0.0]), np.array([0.0, 1.0])), 4)
    0.7071
    """
    a = float_array("a", a)
    b = float_array("b", b)
    if a.shape != b.shape:
        raise ValueError(f"`a` and `b` must have the same shape; got {a.shape} and {b.shape}.")
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    den = np.linalg.norm(a64) + np.linalg.norm(b64)
    if den == 0:
        return 0.0
    return float(np.linalg.norm(a64 - b64) / den)
