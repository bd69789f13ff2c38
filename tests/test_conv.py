"""Convolution: hand-worked values, naive == vectorised, gradient checks,
agreement with TensorFlow, and errors that teach."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnnlib import (ConvCache, conv2d_backward, conv2d_backward_naive, conv2d_forward,
                    conv2d_forward_naive, conv_single_step, numerical_gradient, relative_error,
                    zero_pad)

RNG = np.random.default_rng(1234)


def test_moving_filter_of_the_second_source():
    """2x2 filter, all weights 0.5: 0.5*(2 + 3 + 2 + 1.5) = 4.25 and 0.5*(3 + 0 + 1.5 + 0.5) = 2.5."""
    x = np.array([[2.0, 3.0, 0.0], [2.0, 1.5, 0.5]]).reshape(1, 2, 3, 1)
    w = np.full((2, 2, 1, 1), 0.5)
    for forward in (conv2d_forward, conv2d_forward_naive):
        out, _ = forward(x, w, np.zeros(1))
        np.testing.assert_array_equal(out[0, :, :, 0], [[4.25, 2.5]])
    assert conv_single_step(x[0, :, :2, :], w[..., 0], 0.0) == 4.25


def test_z11_to_z22_written_out():
    """The third source's 2x2 filter over a 3x3 input: z11 = w11 x11 + w12 x12 + w21 x21 + w22 x22, ..."""
    x = np.arange(1.0, 10.0).reshape(1, 3, 3, 1)
    w = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(2, 2, 1, 1)
    out, _ = conv2d_forward(x, w, np.array([0.5]))
    X, W = x[0, :, :, 0], w[:, :, 0, 0]
    expected = [[W[0, 0] * X[i, j] + W[0, 1] * X[i, j + 1] + W[1, 0] * X[i + 1, j] + W[1, 1] * X[i + 1, j + 1] + 0.5
                 for j in range(2)] for i in range(2)]
    np.testing.assert_array_equal(out[0, :, :, 0], expected)


def test_shapes_of_the_first_source():
    x = RNG.standard_normal((1, 32, 32, 3))
    out, _ = conv2d_forward(x, RNG.standard_normal((5, 5, 3, 10)), np.zeros(10))
    assert out.shape == (1, 28, 28, 10)
    out, _ = conv2d_forward(x, RNG.standard_normal((5, 5, 3, 10)), np.zeros(10), padding=2)
    assert out.shape == (1, 32, 32, 10)
    out, _ = conv2d_forward(np.ones((1, 6, 6, 1)), np.ones((3, 3, 1, 1)), np.zeros(1))
    assert out.shape == (1, 4, 4, 1)
    out, _ = conv2d_forward(np.ones((1, 6, 6, 1)), np.ones((3, 3, 1, 1)), np.zeros(1), padding=1)
    assert out.shape == (1, 6, 6, 1)


def test_zero_pad():
    x = RNG.standard_normal((2, 3, 4, 2))
    p = zero_pad(x, 2)
    assert p.shape == (2, 7, 8, 2)
    np.testing.assert_array_equal(p[:, 2:-2, 2:-2, :], x)
    assert not p[:, :2].any() and not p[:, :, -2:].any()
    assert zero_pad(x, ((0, 1), (1, 2))).shape == (2, 4, 7, 2)
    assert zero_pad(x, (1, 0)).shape == (2, 5, 4, 2)


def test_dtype_is_kept():
    x32 = RNG.standard_normal((1, 5, 5, 2)).astype(np.float32)
    w32 = RNG.standard_normal((3, 3, 2, 4)).astype(np.float32)
    out, cache = conv2d_forward(x32, w32, np.zeros(4, np.float32))
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in conv2d_backward(np.ones_like(out), cache))
    out64, _ = conv2d_forward(x32, w32, np.zeros(4))       # a float64 bias promotes
    assert out64.dtype == np.float64


CONFIGS = [
    # (N, H, W, C_in, KH, KW, C_out, stride, padding)
    (2, 5, 5, 3, 3, 3, 4, 1, 0),
    (2, 7, 6, 2, 3, 2, 3, 2, "same"),
    (1, 8, 8, 1, 5, 5, 2, 1, 2),
    (3, 6, 7, 2, 2, 3, 2, (2, 1), "valid"),
    (1, 5, 5, 2, 4, 4, 3, 3, "same"),
    (2, 9, 4, 1, 1, 1, 2, 2, "valid"),
]


def _random_problem(cfg, dtype=np.float64):
    n, h, w_, c, kh, kw, k, stride, padding = cfg
    x = RNG.standard_normal((n, h, w_, c)).astype(dtype)
    w = RNG.standard_normal((kh, kw, c, k)).astype(dtype)
    b = RNG.standard_normal(k).astype(dtype)
    return x, w, b, dict(stride=stride, padding=padding)


@pytest.mark.parametrize("cfg", CONFIGS)
def test_naive_and_vectorised_agree(cfg):
    x, w, b, hp = _random_problem(cfg)
    out_fast, cache_fast = conv2d_forward(x, w, b, **hp)
    out_slow, cache_slow = conv2d_forward_naive(x, w, b, **hp)
    np.testing.assert_allclose(out_fast, out_slow, rtol=1e-12, atol=1e-12)
    assert type(cache_fast) is type(cache_slow) is ConvCache
    dout = RNG.standard_normal(out_fast.shape)
    for g_fast, g_slow in zip(conv2d_backward(dout, cache_fast), conv2d_backward_naive(dout, cache_slow)):
        np.testing.assert_allclose(g_fast, g_slow, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cfg", CONFIGS)
def test_gradient_check_float64(cfg):
    x, w, b, hp = _random_problem(cfg)
    out, cache = conv2d_forward(x, w, b, **hp)
    dout = RNG.standard_normal(out.shape)
    dx, dw, db = conv2d_backward(dout, cache)
    f = lambda _: conv2d_forward(x, w, b, **hp)[0]  # noqa: E731  (reads x, w, b as perturbed in place)
    assert relative_error(dx, numerical_gradient(f, x, dout)) <= 1e-7
    assert relative_error(dw, numerical_gradient(f, w, dout)) <= 1e-7
    assert relative_error(db, numerical_gradient(f, b, dout)) <= 1e-7
    dxn, dwn, dbn = conv2d_backward_naive(dout, cache)
    assert relative_error(dxn, numerical_gradient(f, x, dout)) <= 1e-7


# --- against TensorFlow ---------------------------------------------------------------------

@st.composite
def conv_problems(draw):
    n = draw(st.integers(1, 3))
    h, w_ = draw(st.integers(1, 11)), draw(st.integers(1, 11))
    c_in, c_out = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    kh, kw = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    stride = draw(st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    padding = draw(st.one_of(st.sampled_from(["valid", "same", "VALID", "SAME"]), st.integers(0, 2)))
    seed = draw(st.integers(0, 2**32 - 1))
    return n, h, w_, c_in, kh, kw, c_out, stride, padding, seed


def _tf_padding(padding):
    if isinstance(padding, str):
        return padding.upper()
    return [[0, 0], [padding, padding], [padding, padding], [0, 0]]


def _fits(h, w_, kh, kw, stride, padding):
    """Whether cnnlib accepts the configuration (else it must raise)."""
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    if isinstance(padding, str):
        return padding.lower() == "same" or (kh <= h and kw <= w_)
    p = padding
    return all(f <= n + 2 * p and (n - f + 2 * p) % s == 0 for n, f, s in ((h, kh, sh), (w_, kw, sw)))


@pytest.mark.tf
@given(conv_problems())
def test_forward_and_backward_match_tensorflow(tf, problem):
    n, h, w_, c_in, kh, kw, c_out, stride, padding, seed = problem
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, h, w_, c_in)).astype(np.float32)
    w = rng.standard_normal((kh, kw, c_in, c_out)).astype(np.float32)
    b = rng.standard_normal(c_out).astype(np.float32)
    if not _fits(h, w_, kh, kw, stride, padding):
        with pytest.raises(ValueError):
            conv2d_forward(x, w, b, stride=stride, padding=padding)
        return
    out, cache = conv2d_forward(x, w, b, stride=stride, padding=padding)
    xt, wt, bt = tf.Variable(x), tf.Variable(w), tf.Variable(b)
    strides = [1, *stride, 1] if isinstance(stride, tuple) else stride
    dout = rng.standard_normal(out.shape).astype(np.float32)
    with tf.GradientTape() as tape:
        ref = tf.nn.conv2d(xt, wt, strides=strides, padding=_tf_padding(padding)) + bt
        loss = tf.reduce_sum(ref * dout)
    gx, gw, gb = tape.gradient(loss, [xt, wt, bt])
    assert out.shape == tuple(ref.shape)
    np.testing.assert_allclose(out, ref.numpy(), rtol=1e-4, atol=1e-4)
    dx, dw, db = conv2d_backward(dout, cache)
    np.testing.assert_allclose(dx, gx.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(dw, gw.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(db, gb.numpy(), rtol=1e-4, atol=1e-4)


@pytest.mark.tf
def test_two_layer_example_in_tensorflow(tf):
    """What TensorFlow does with the first source's 11.5: VALID drops the last row and column."""
    x = np.ones((1, 26, 26, 10), np.float32)
    w = np.ones((5, 5, 10, 6), np.float32)
    assert tf.nn.conv2d(x, w, 2, "VALID").shape == (1, 11, 11, 6)
    assert conv2d_forward(x, w, np.zeros(6, np.float32), stride=2, padding="valid")[0].shape == (1, 11, 11, 6)


# --- errors that teach ----------------------------------------------------------------------

X = np.zeros((2, 6, 6, 3))
W = np.zeros((3, 3, 3, 4))
B = np.zeros(4)


@pytest.mark.parametrize("args, kwargs, exc, msg", [
    ((np.zeros((28, 28, 1)), W, B), {}, ValueError, r"`x` must be 4-D \(N, H, W, C_in\); got shape \(28, 28, 1\)"),
    ((X, np.zeros((3, 3, 4)), B), {}, ValueError, r"`w` must be 4-D \(KH, KW, C_in, C_out\); got shape \(3, 3, 4\)"),
    ((X, np.zeros((3, 3, 1, 4)), B), {}, ValueError, r"`w` expects C_in=1 input channel\(s\) but `x` has 3"),
    ((X, W, np.zeros(3)), {}, ValueError, r"`b` must have one bias per filter, shape \(4,\); got \(3,\)"),
    ((X, W, B), dict(stride=0), ValueError, r"`stride` must be a positive integer; got 0"),
    ((X, W, B), dict(stride=1.0), TypeError, r"`stride` must be an integer; got 1.0"),
    ((X, W, B), dict(stride=(1, 2, 3)), ValueError, r"`stride` must be an int or a pair"),
    ((X, W, B), dict(padding=-1), ValueError, r"`padding` must be non-negative; got -1"),
    ((X, W, B), dict(padding="half"), ValueError, r"`padding` must be a non-negative int, 'valid' or 'same'"),
    ((X, np.zeros((9, 9, 3, 4)), B), dict(padding=1), ValueError, r"along the height \(filter 9, input 6\).*larger than the padded input"),
    ((X, np.zeros((9, 9, 3, 4)), B), dict(padding="valid"), ValueError, r"larger than the input"),
    ((X, np.zeros((5, 5, 3, 4)), B), dict(stride=2), ValueError, r"along the height.*\(6 - 5 \+ 2\*0\) / 2 \+ 1 = 1.5 is not an integer"),
    ((X.astype(int), W, B), {}, TypeError, r"`x` must be a floating-point array; got dtype int64"),
    ((X.astype(object), W, B), {}, TypeError, r"`x` must be a floating-point array; got an object array"),
    ((X, W.astype(np.int32), B), {}, TypeError, r"`w` must be a floating-point array; got dtype int32"),
])
@pytest.mark.parametrize("forward", [conv2d_forward, conv2d_forward_naive])
def test_forward_rejects_bad_input(forward, args, kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        forward(*args, **kwargs)


@pytest.mark.parametrize("backward", [conv2d_backward, conv2d_backward_naive])
def test_backward_rejects_bad_dout(backward):
    out, cache = conv2d_forward(X, W, B)
    with pytest.raises(ValueError, match=r"`dout` must have shape \(2, 4, 4, 4\); got \(2, 4, 4, 3\)"):
        backward(np.zeros((2, 4, 4, 3)), cache)
    with pytest.raises(ValueError, match=r"`dout` must be 4-D"):
        backward(np.zeros((4, 4, 4)), cache)
    with pytest.raises(TypeError, match=r"`dout` must be a floating-point array"):
        backward(np.zeros(out.shape, dtype=int), cache)
    with pytest.raises(TypeError, match=r"`cache` must be the ConvCache"):
        backward(out, (X, W, B))


def test_teaching_steps_reject_bad_input():
    with pytest.raises(ValueError, match=r"`a_slice` and `w` must have the same shape"):
        conv_single_step(np.zeros((3, 3, 2)), np.zeros((3, 3, 1)), 0.0)
    with pytest.raises(ValueError, match=r"`b` must hold a single number; got shape \(2,\)"):
        conv_single_step(np.zeros((3, 3, 1)), np.zeros((3, 3, 1)), np.zeros(2))
    with pytest.raises(TypeError, match=r"`b` must be a floating-point array"):
        conv_single_step(np.zeros((3, 3, 1)), np.zeros((3, 3, 1)), 1)
    with pytest.raises(ValueError, match=r"`x` must be 4-D \(N, H, W, C\); got shape \(5, 5\)"):
        zero_pad(np.zeros((5, 5)), 1)
    with pytest.raises(ValueError, match=r"`pad` must be non-negative"):
        zero_pad(X, -2)
    with pytest.raises(ValueError, match=r"`pad` must be an int or a pair of ints here"):
        zero_pad(X, "same")
