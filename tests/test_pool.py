"""Pooling: hand-worked values, gradient checks, TensorFlow agreement, errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnnlib import (PoolCache, avg_pool2d_backward, avg_pool2d_forward,
                    distribute_value, max_mask, max_pool2d_backward, max_pool2d_forward,
                    numerical_gradient, relative_error)

RNG = np.random.default_rng(99)


def test_four_by_four_max_pool():
    x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]], float).reshape(1, 4, 4, 1)
    out, cache = max_pool2d_forward(x, size=2, stride=2)
    np.testing.assert_array_equal(out[0, :, :, 0], [[6, 8], [3, 4]])
    dx = max_pool2d_backward(np.ones_like(out), cache)
    np.testing.assert_array_equal(dx[0, :, :, 0], [[0, 0, 0, 0], [0, 1, 0, 1], [1, 0, 0, 0], [0, 0, 0, 1]])
    assert 1 - out.size / x.size == 0.75          # 75 % of the activations are discarded


def test_five_by_five_same_padding():
    """2x2 windows, stride 2, SAME: 5x5 -> 3x3; the padded cells never win, even against negatives."""
    x = -np.arange(1.0, 26.0).reshape(1, 5, 5, 1)
    out, cache = max_pool2d_forward(x, size=2, stride=2, padding="same")
    assert out.shape == (1, 3, 3, 1)
    np.testing.assert_array_equal(out[0, :, :, 0], [[-1, -3, -5], [-11, -13, -15], [-21, -23, -25]])
    assert cache.pads == ((0, 1), (0, 1))


def test_overlapping_windows_sum_their_gradients():
    x = np.array([[0, 0, 0], [0, 9, 0], [0, 0, 0]], float).reshape(1, 3, 3, 1)
    out, cache = max_pool2d_forward(x, size=2, stride=1)
    np.testing.assert_array_equal(out[0, :, :, 0], [[9, 9], [9, 9]])
    assert max_pool2d_backward(np.ones_like(out), cache)[0, 1, 1, 0] == 4


def test_ties_go_to_the_first_maximum():
    x = np.array([[2.0, 2.0], [2.0, 1.0]]).reshape(1, 2, 2, 1)
    out, cache = max_pool2d_forward(x)
    np.testing.assert_array_equal(max_pool2d_backward(np.ones_like(out), cache)[0, :, :, 0], [[1, 0], [0, 0]])
    np.testing.assert_array_equal(max_mask(x[0, :, :, 0]), [[True, False], [False, False]])


def test_average_pool_ignores_padding():
    x = np.arange(9.0).reshape(1, 3, 3, 1)
    out, cache = avg_pool2d_forward(x, size=2, padding="same")
    np.testing.assert_array_equal(out[0, :, :, 0], [[2.0, 3.5], [6.5, 8.0]])
    np.testing.assert_array_equal(cache.counts, [[4, 2], [2, 1]])
    dx = avg_pool2d_backward(np.ones_like(out), cache)
    np.testing.assert_allclose(dx[0, :, :, 0], [[0.25, 0.25, 0.5], [0.25, 0.25, 0.5], [0.5, 0.5, 1.0]])


def test_one_cache_type_with_the_argmax_computed_once():
    """Max and average pooling share PoolCache; the argmax is an array stored at forward time."""
    x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]], float).reshape(1, 4, 4, 1)
    _, cache = max_pool2d_forward(x)
    assert type(cache) is PoolCache and cache._fields == PoolCache._fields
    assert isinstance(cache.argmax, np.ndarray) and cache.argmax is cache.argmax   # a field, not recomputed
    np.testing.assert_array_equal(cache.argmax[0, :, :, 0], [[3, 3], [0, 3]])        # p * KW + q, ties: first
    np.testing.assert_array_equal(cache.counts, [[4, 4], [4, 4]])
    _, avg_cache = avg_pool2d_forward(x)
    assert avg_cache.argmax is None and avg_cache.size == cache.size == (2, 2)


def test_distribute_value():
    np.testing.assert_array_equal(distribute_value(3.0, (1, 3)), [[1.0, 1.0, 1.0]])


CONFIGS = [(2, 1, "valid"), (2, 2, "valid"), (3, 2, "same"), (3, 1, "same"), ((2, 3), (1, 2), "same"), (4, 3, "valid")]


@pytest.mark.parametrize("size, stride, padding", CONFIGS)
@pytest.mark.parametrize("forward, backward", [(max_pool2d_forward, max_pool2d_backward),
                                               (avg_pool2d_forward, avg_pool2d_backward)])
def test_gradient_check_float64(forward, backward, size, stride, padding):
    x = RNG.standard_normal((2, 7, 6, 3))
    out, cache = forward(x, size=size, stride=stride, padding=padding)
    dout = RNG.standard_normal(out.shape)
    num = numerical_gradient(lambda v: forward(v, size=size, stride=stride, padding=padding)[0], x, dout)
    assert relative_error(backward(dout, cache), num) <= 1e-7


@st.composite
def pool_problems(draw):
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 10)), draw(st.integers(1, 10)), draw(st.integers(1, 4)))
    size = draw(st.one_of(st.integers(1, 4), st.tuples(st.integers(1, 4), st.integers(1, 4))))
    stride = draw(st.one_of(st.none(), st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    padding = draw(st.sampled_from(["valid", "same"]))
    return shape, size, stride, padding, draw(st.integers(0, 2**32 - 1))


@pytest.mark.tf
@pytest.mark.parametrize("kind", ["max", "avg"])
@given(problem=pool_problems())
def test_forward_and_backward_match_tensorflow(tf, kind, problem):
    shape, size, stride, padding, seed = problem
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(np.float32)
    forward, backward, tf_pool = {
        "max": (max_pool2d_forward, max_pool2d_backward, tf.nn.max_pool2d),
        "avg": (avg_pool2d_forward, avg_pool2d_backward, tf.nn.avg_pool2d),
    }[kind]
    kh, kw = (size, size) if isinstance(size, int) else size
    if padding == "valid" and (kh > shape[1] or kw > shape[2]):
        with pytest.raises(ValueError, match="larger than the input"):
            forward(x, size=size, stride=stride, padding=padding)
        return
    out, cache = forward(x, size=size, stride=stride, padding=padding)
    xt = tf.Variable(x)
    dout = rng.standard_normal(out.shape).astype(np.float32)
    with tf.GradientTape() as tape:
        ref = tf_pool(xt, ksize=size, strides=size if stride is None else stride, padding=padding.upper())
        loss = tf.reduce_sum(ref * dout)
    assert out.shape == tuple(ref.shape) and out.dtype == np.float32
    np.testing.assert_allclose(out, ref.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(backward(dout, cache), tape.gradient(loss, xt).numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.tf
def test_max_pool_ties_match_tensorflow(tf):
    """Integer-valued grids full of ties, overlapping windows: the same routing as TensorFlow."""
    x = RNG.integers(0, 3, size=(2, 6, 6, 2)).astype(np.float32)
    for size, stride, padding in [(2, 2, "valid"), (3, 1, "same"), (2, 1, "valid"), (3, 2, "same")]:
        out, cache = max_pool2d_forward(x, size=size, stride=stride, padding=padding)
        xt = tf.Variable(x)
        with tf.GradientTape() as tape:
            ref = tf.nn.max_pool2d(xt, size, stride, padding.upper())
        np.testing.assert_array_equal(max_pool2d_backward(np.ones_like(out), cache),
                                      tape.gradient(ref, xt).numpy())


X = np.zeros((1, 4, 4, 2))


@pytest.mark.parametrize("forward", [max_pool2d_forward, avg_pool2d_forward])
@pytest.mark.parametrize("args, kwargs, exc, msg", [
    ((np.zeros((4, 4, 2)),), {}, ValueError, r"`x` must be 4-D \(N, H, W, C\); got shape \(4, 4, 2\)"),
    ((X,), dict(size=0), ValueError, r"`size` must be a positive integer; got 0"),
    ((X,), dict(stride=-1), ValueError, r"`stride` must be a positive integer; got -1"),
    ((X,), dict(padding=1), ValueError, r"`padding` must be 'valid' or 'same' for pooling"),
    ((X,), dict(padding=-1), ValueError, r"`padding` must be non-negative"),
    ((X,), dict(size=5), ValueError, r"along the height \(window 5, input 4\).*larger than the input"),
    ((X.astype(np.int8),), {}, TypeError, r"`x` must be a floating-point array; got dtype int8"),
])
def test_forward_rejects_bad_input(forward, args, kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        forward(*args, **kwargs)


def test_backward_rejects_bad_input():
    out, cache = max_pool2d_forward(X)
    with pytest.raises(ValueError, match=r"`dout` must have shape \(1, 2, 2, 2\); got \(1, 2, 2, 1\)"):
        max_pool2d_backward(np.zeros((1, 2, 2, 1)), cache)
    with pytest.raises(ValueError, match=r"`cache` comes from avg_pool2d_forward; max_pool2d_backward needs"):
        max_pool2d_backward(out, avg_pool2d_forward(X)[1])
    with pytest.raises(ValueError, match=r"`cache` comes from max_pool2d_forward; avg_pool2d_backward needs"):
        avg_pool2d_backward(out, cache)
    with pytest.raises(TypeError, match=r"`cache` must be the PoolCache returned by max_pool2d_forward; got tuple"):
        max_pool2d_backward(out, tuple(cache))
    assert isinstance(cache, PoolCache) and isinstance(avg_pool2d_forward(X)[1], PoolCache)
    assert cache.mode == "max" and avg_pool2d_forward(X)[1].mode == "avg"
    with pytest.raises(ValueError, match=r"`dout` must have shape"):
        avg_pool2d_backward(np.zeros((1, 3, 3, 2)), avg_pool2d_forward(X)[1])
    with pytest.raises(ValueError, match=r"`window` must not be empty"):
        max_mask(np.zeros((0, 2)))
    with pytest.raises(ValueError, match=r"`dz` must be a single number"):
        distribute_value(np.ones(2), (2, 2))
    with pytest.raises(ValueError, match=r"`shape` must be a non-empty tuple of positive sizes"):
        distribute_value(1.0, (0, 2))
