"""Dense layer, activations and losses: what a network needs around its
convolutions, written so that each has a forward and a backward.

Every ``*_forward`` returns ``(out, cache)`` and every ``*_backward(dout,
cache)`` returns the gradient with respect to the forward's inputs.  The
losses return ``(loss, gradient)`` directly: they end the forward pass and
start the backward one.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validate import check_shape, float_array

__all__ = [
    "DenseCache",
    "ReluCache",
    "TanhCache",
    "SigmoidCache",
    "dense_forward",
    "dense_backward",
    "relu_forward",
    "relu_backward",
    "tanh_forward",
    "tanh_backward",
    "sigmoid",
    "sigmoid_forward",
    "sigmoid_backward",
    "softmax",
    "softmax_cross_entropy",
    "binary_cross_entropy",
]


class DenseCache(NamedTuple):
    """What :func:`dense_backward` needs: the input and the weights."""

    x: np.ndarray
    w: np.ndarray


class ReluCache(NamedTuple):
    """What :func:`relu_backward` needs: the input (the gradient passes where it was positive)."""

    x: np.ndarray


class TanhCache(NamedTuple):
    """What :func:`tanh_backward` needs: the output, since ``tanh' = 1 - tanh**2``."""

    out: np.ndarray


class SigmoidCache(NamedTuple):
    """What :func:`sigmoid_backward` needs: the output, since ``s' = s (1 - s)``."""

    out: np.ndarray


def _check_cache(cache, kind, forward: str):
    """A teaching error for a cache from the wrong forward pass (or a bare array)."""
    if not isinstance(cache, kind):
        hint = (" (a bare array: pass the cache that the forward pass returned, not its input or output)"
                if isinstance(cache, np.ndarray) else "")
        raise TypeError(
            f"`cache` must be the {kind.__name__} returned by {forward}; got {type(cache).__name__}{hint}."
        )
    return cache


def dense_forward(x, w, b):
    """Fully connected layer: ``x.reshape(N, -1) @ w + b``.

    Parameters
    ----------
    x : ndarray, shape (N, D) or (N, d1, d2, ...)
        Anything after the first axis is flattened (a conv volume can go in
        as it is), with ``D = d1 * d2 * ...``.
    w : ndarray, shape (D, M)
    b : ndarray, shape (M,)

    Returns
    -------
    out : ndarray, shape (N, M)
    cache : DenseCache

    Examples
    --------
    >>> out, _ = dense_forward(np.ones((2, 3)), np.arange(6.0).reshape(3, 2), np.array([0.5, -0.5]))
    >>> out
    array([[6.5, 8.5],
           [6.5, 8.5]])
    """
    x = float_array("x", x)
    if x.ndim < 2:
        raise ValueError(f"`x` must have a batch axis, shape (N, D) or (N, ...); got shape {x.shape}.")
    w = float_array("w", w, 2, "(D, M)")
    b = float_array("b", b, 1, "(M,)")
    d = int(np.prod(x.shape[1:]))
    if w.shape[0] != d:
        raise ValueError(
            f"`w` has {w.shape[0]} rows but each example of `x` has D={d} numbers "
            f"(x.shape={x.shape}): w.shape[0] must equal D."
        )
    if b.shape[0] != w.shape[1]:
        raise ValueError(f"`b` must have shape ({w.shape[1]},) to match `w`; got {b.shape}.")
    return x.reshape(x.shape[0], d) @ w + b, DenseCache(x, w)


def dense_backward(dout, cache: DenseCache):
    """Gradients of :func:`dense_forward`: ``(dx, dw, db)``, ``dx`` in the shape of ``x``."""
    x, w = _check_cache(cache, DenseCache, "dense_forward")
    dout = float_array("dout", dout, 2, "(N, M)")
    check_shape("dout", dout, (x.shape[0], w.shape[1]))
    x2 = x.reshape(x.shape[0], -1)
    return (dout @ w.T).reshape(x.shape), x2.T @ dout, dout.sum(axis=0)


def relu_forward(x):
    """``max(x, 0)``, and a :class:`ReluCache` holding ``x``.

    >>> out, cache = relu_forward(np.array([-1.0, 0.0, 2.0]))
    >>> out
    array([0., 0., 2.])
    >>> relu_backward(np.ones(3), cache)
    array([0., 0., 1.])
    """
    x = float_array("x", x)
    return np.maximum(x, 0), ReluCache(x)


def relu_backward(dout, cache: ReluCache):
    """Pass the gradient where the input was positive, zero elsewhere."""
    (x,) = _check_cache(cache, ReluCache, "relu_forward")
    dout = float_array("dout", dout)
    check_shape("dout", dout, x.shape)
    return dout * (x > 0)


def tanh_forward(x):
    """``tanh(x)``, and a :class:`TanhCache` holding the output."""
    out = np.tanh(float_array("x", x))
    return out, TanhCache(out)


def tanh_backward(dout, cache: TanhCache):
    """``dout * (1 - tanh(x)**2)``."""
    (out,) = _check_cache(cache, TanhCache, "tanh_forward")
    dout = float_array("dout", dout)
    check_shape("dout", dout, out.shape)
    return dout * (1.0 - out**2)


def sigmoid(x) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-x))``, without overflow for large ``|x|``.

    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    x = float_array("x", x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_forward(x):
    """``sigmoid(x)``, and a :class:`SigmoidCache` holding the output."""
    out = sigmoid(x)
    return out, SigmoidCache(out)


def sigmoid_backward(dout, cache: SigmoidCache):
    """``dout * s * (1 - s)`` where ``s`` is the forward pass's output."""
    (out,) = _check_cache(cache, SigmoidCache, "sigmoid_forward")
    dout = float_array("dout", dout)
    check_shape("dout", dout, out.shape)
    return dout * out * (1.0 - out)


def softmax(z, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis``, shifted by the maximum so that ``exp`` never overflows.

    >>> softmax(np.array([[1000.0, 1000.0]]))
    array([[0.5, 0.5]])
    """
    z = float_array("z", z)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def softmax_cross_entropy(logits, labels):
    """Mean cross-entropy of softmax(logits) against the labels, and its gradient.

    Computed from the logits with the log-sum-exp trick, so that a very
    confident wrong answer gives a large finite loss rather than ``inf`` or
    ``nan`` (as ``log(softmax(z))`` computed in two steps does).

    Parameters
    ----------
    logits : ndarray, shape (N, K)
    labels : ndarray, shape (N,) of ints in [0, K), or (N, K) one-hot / probabilities

    Returns
    -------
    loss : float
        ``mean_n( logsumexp(z_n) - sum_k y_nk z_nk )``.
    dlogits : ndarray, shape (N, K)
        ``(softmax(z) - y) / N``.

    Examples
    --------
    >>> loss, d = softmax_cross_entropy(np.array([[0.0, 0.0]]), np.array([1]))
    >>> round(loss, 6), d
    (0.693147, array([[ 0.5, -0.5]]))
    >>> softmax_cross_entropy(np.array([[1000.0, -1000.0]]), np.array([1]))[0]
    2000.0
    """
    z = float_array("logits", logits, 2, "(N, K)")
    n, num_classes = z.shape
    y = _targets(labels, n, num_classes)
    shifted = z - z.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_p = shifted - log_norm
    loss = float(-(y * log_p).sum() / n)
    return loss, (np.exp(log_p) - y) / n


def _targets(labels, n, num_classes):
    y = np.asarray(labels)
    if y.ndim == 1:
        if not np.issubdtype(y.dtype, np.integer):
            raise TypeError(f"`labels` of shape (N,) must hold integer class indices; got dtype {y.dtype}.")
        check_shape("labels", y, (n,))
        if y.size and (y.min() < 0 or y.max() >= num_classes):
            raise ValueError(f"`labels` must lie in [0, {num_classes}); got values from {y.min()} to {y.max()}.")
        out = np.zeros((n, num_classes))
        out[np.arange(n), y] = 1.0
        return out
    y = float_array("labels", y, 2, "(N, K) one-hot")
    check_shape("labels", y, (n, num_classes))
    return y


def binary_cross_entropy(y_pred, y_true, *, from_logits: bool = False):
    """Mean binary cross-entropy and its gradient with respect to ``y_pred``.

    Parameters
    ----------
    y_pred : ndarray
        Probabilities in [0, 1], or logits when ``from_logits=True``.
    y_true : ndarray of 0/1, same shape
    from_logits : bool, default False
        The logit form ``max(z, 0) - z*y + log(1 + exp(-|z|))`` is finite for
        every input; the probability form gives ``inf`` when a prediction is
        exactly 0 or 1 and wrong.

    Returns
    -------
    loss : float
    grad : ndarray, same shape as ``y_pred``
        ``(p - y) / (p (1 - p)) / m`` for probabilities, ``(sigmoid(z) - y) / m``
        for logits, where ``m`` is the number of predictions.

    Examples
    --------
    >>> loss, g = binary_cross_entropy(np.array([0.5, 0.5]), np.array([0.0, 1.0]))
    >>> round(loss, 6), g
    (0.693147, array([ 1., -1.]))
    >>> round(binary_cross_entropy(np.array([0.0]), np.array([1.0]), from_logits=True)[0], 6)
    0.693147
    """
    p = float_array("y_pred", y_pred)
    y = np.asarray(y_true)
    if y.dtype == object or not (np.issubdtype(y.dtype, np.number) or y.dtype == bool):
        raise TypeError(f"`y_true` must be a numeric array of 0/1 labels; got dtype {y.dtype}.")
    check_shape("y_true", y, p.shape)
    y = y.astype(p.dtype)
    if p.size == 0:
        raise ValueError("`y_pred` must not be empty.")
    m = p.size
    if from_logits:
        loss = np.maximum(p, 0) - p * y + np.log1p(np.exp(-np.abs(p)))
        return float(loss.sum() / m), (sigmoid(p) - y) / m
    if p.min() < 0 or p.max() > 1:
        raise ValueError(
            f"`y_pred` must hold probabilities in [0, 1]; got values from {p.min()} to {p.max()} "
            "(pass from_logits=True for raw scores)."
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = -(y * np.log(p) + (1 - y) * np.log1p(-p)).sum() / m
        grad = (p - y) / (p * (1 - p)) / m
    return float(loss), grad
