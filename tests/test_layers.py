"""Dense layer, activations and losses: gradient checks, TensorFlow, errors."""

import numpy as np
import pytest

from cnnlib import (binary_cross_entropy, dense_backward, dense_forward, numerical_gradient,
                    relative_error, relu_backward, relu_forward, sigmoid, sigmoid_backward,
                    sigmoid_forward, softmax, softmax_cross_entropy, tanh_backward, tanh_forward)

RNG = np.random.default_rng(7)


def test_dense_gradients_and_flattening():
    x = RNG.standard_normal((4, 3, 2, 2))                 # a conv volume goes in as it is
    w, b = RNG.standard_normal((12, 5)), RNG.standard_normal(5)
    out, cache = dense_forward(x, w, b)
    assert out.shape == (4, 5)
    np.testing.assert_allclose(out, x.reshape(4, 12) @ w + b)
    dout = RNG.standard_normal(out.shape)
    dx, dw, db = dense_backward(dout, cache)
    assert dx.shape == x.shape
    f = lambda _: dense_forward(x, w, b)[0]  # noqa: E731
    for analytic, var in ((dx, x), (dw, w), (db, b)):
        assert relative_error(analytic, numerical_gradient(f, var, dout)) <= 1e-7


@pytest.mark.parametrize("forward, backward", [(relu_forward, relu_backward), (tanh_forward, tanh_backward),
                                               (sigmoid_forward, sigmoid_backward)])
def test_activation_gradients(forward, backward):
    x = RNG.standard_normal((3, 4, 5))
    x[np.abs(x) < 1e-3] = 0.5                               # keep clear of ReLU's kink
    out, cache = forward(x)
    dout = RNG.standard_normal(out.shape)
    num = numerical_gradient(lambda v: forward(v)[0], x, dout)
    assert relative_error(backward(dout, cache), num) <= 1e-7


def test_sigmoid_and_softmax_are_stable():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_array_equal(sigmoid(np.array([-800.0, 800.0])), [0.0, 1.0])
        p = softmax(np.array([[1000.0, 1000.0, -1000.0]]))
    np.testing.assert_allclose(p, [[0.5, 0.5, 0.0]])


def test_softmax_cross_entropy_gradient_and_labels():
    z = RNG.standard_normal((6, 4))
    y = np.array([0, 3, 1, 1, 2, 0])
    loss, dz = softmax_cross_entropy(z, y)
    num = numerical_gradient(lambda v: softmax_cross_entropy(v, y)[0], z)
    assert relative_error(dz, num) <= 1e-7
    one_hot = np.eye(4)[y]
    assert softmax_cross_entropy(z, one_hot)[0] == pytest.approx(loss)


def test_cross_entropy_from_logits_survives_what_log_of_softmax_does_not():
    z = np.array([[1000.0, 0.0]])
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        naive = -np.log(np.exp(z) / np.exp(z).sum())[0, 1]
    assert not np.isfinite(naive)
    loss, grad = softmax_cross_entropy(z, np.array([1]))
    assert loss == 1000.0 and np.isfinite(grad).all()


@pytest.mark.tf
def test_losses_match_tensorflow(tf):
    z = RNG.standard_normal((5, 3)) * 10
    y = np.eye(3)[[0, 2, 1, 1, 0]]
    ref = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=z)).numpy()
    assert softmax_cross_entropy(z, y)[0] == pytest.approx(ref, rel=1e-12)
    logits = RNG.standard_normal(8) * 30
    labels = (RNG.random(8) > 0.5).astype(float)
    ref = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)).numpy()
    assert binary_cross_entropy(logits, labels, from_logits=True)[0] == pytest.approx(ref, rel=1e-12)
    p = sigmoid(logits / 30)
    ref = tf.keras.losses.binary_crossentropy(labels, p).numpy()
    assert binary_cross_entropy(p, labels)[0] == pytest.approx(float(ref), rel=1e-5)


@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_cross_entropy_gradient(from_logits):
    y = (RNG.random((1, 7)) > 0.5).astype(float)
    v = RNG.standard_normal((1, 7)) if from_logits else RNG.uniform(0.05, 0.95, (1, 7))
    loss, grad = binary_cross_entropy(v, y, from_logits=from_logits)
    num = numerical_gradient(lambda t: binary_cross_entropy(t, y, from_logits=from_logits)[0], v)
    assert relative_error(grad, num) <= 1e-7


def test_binary_cross_entropy_at_half_is_log_two():
    """The third source's cost at iteration 0: every prediction 0.5 gives log 2 = 0.693147."""
    loss, _ = binary_cross_entropy(np.full(10, 0.5), (np.arange(10) % 2).astype(float))
    assert round(loss, 6) == 0.693147


def test_errors():
    with pytest.raises(ValueError, match=r"`w` has 5 rows but each example of `x` has D=6 numbers"):
        dense_forward(np.zeros((2, 6)), np.zeros((5, 3)), np.zeros(3))
    with pytest.raises(ValueError, match=r"`x` must have a batch axis"):
        dense_forward(np.zeros(6), np.zeros((6, 3)), np.zeros(3))
    with pytest.raises(ValueError, match=r"`b` must have shape \(3,\) to match `w`"):
        dense_forward(np.zeros((2, 6)), np.zeros((6, 3)), np.zeros(4))
    out, cache = dense_forward(np.zeros((2, 6)), np.zeros((6, 3)), np.zeros(3))
    with pytest.raises(ValueError, match=r"`dout` must have shape \(2, 3\); got \(3, 2\)"):
        dense_backward(np.zeros((3, 2)), cache)
    with pytest.raises(TypeError, match=r"`cache` must be the DenseCache returned by dense_forward; got tuple"):
        dense_backward(out, (1, 2))
    with pytest.raises(TypeError, match=r"`cache` must be the ReluCache returned by relu_forward; got ndarray "
                                        r"\(a bare array: pass the cache"):
        relu_backward(np.zeros(3), np.zeros(3))
    with pytest.raises(TypeError, match=r"`cache` must be the TanhCache returned by tanh_forward; got SigmoidCache"):
        tanh_backward(np.zeros(3), sigmoid_forward(np.zeros(3))[1])
    with pytest.raises(TypeError, match=r"`cache` must be the SigmoidCache returned by sigmoid_forward; got ReluCache"):
        sigmoid_backward(np.zeros(3), relu_forward(np.zeros(3))[1])
    with pytest.raises(ValueError, match=r"`dout` must have shape \(4,\); got \(3,\)"):
        relu_backward(np.zeros(3), relu_forward(np.zeros(4))[1])
    with pytest.raises(TypeError, match=r"`x` must be a floating-point array; got dtype int64"):
        relu_forward(np.arange(3))
    with pytest.raises(ValueError, match=r"`labels` must lie in \[0, 3\); got values from 0 to 3"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(TypeError, match=r"`labels` of shape \(N,\) must hold integer class indices"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"`labels` must have shape \(2, 3\); got \(2, 4\)"):
        softmax_cross_entropy(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"`y_pred` must hold probabilities in \[0, 1\]"):
        binary_cross_entropy(np.array([1.5]), np.array([1.0]))
    with pytest.raises(ValueError, match=r"`y_true` must have shape \(2,\); got \(3,\)"):
        binary_cross_entropy(np.array([0.5, 0.5]), np.array([1, 0, 1]))
