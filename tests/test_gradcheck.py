"""Numerical gradients and the relative error."""

import numpy as np
import pytest

from cnnlib import numerical_gradient, relative_error


def test_numerical_gradient_of_a_known_function():
    x = np.array([[0.3, -1.2], [2.0, 0.5]])
    num = numerical_gradient(lambda v: np.sum(np.sin(v) * v), x)
    exact = np.cos(x) * x + np.sin(x)
    assert relative_error(num, exact) < 1e-9
    np.testing.assert_array_equal(x, [[0.3, -1.2], [2.0, 0.5]])      # restored after probing


def test_numerical_gradient_with_upstream():
    x = np.array([1.0, 2.0, 3.0])
    dout = np.array([1.0, -1.0, 2.0])
    np.testing.assert_allclose(numerical_gradient(lambda v: v**2, x, dout), 2 * x * dout, rtol=1e-8)


def test_a_wrong_gradient_is_caught():
    x = np.linspace(-1, 1, 7)
    wrong = 2.1 * x
    assert relative_error(wrong, numerical_gradient(lambda v: np.sum(v**2), x)) > 1e-2


def test_relative_error_properties():
    a = np.array([1.0, -2.0, 3.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, -a) == pytest.approx(1.0)
    assert relative_error(1e6 * a, 1e6 * (a + 1e-9)) == pytest.approx(relative_error(a, a + 1e-9), rel=1e-3)


def test_errors():
    with pytest.raises(TypeError, match=r"`f` must be callable"):
        numerical_gradient(3, np.zeros(2))
    with pytest.raises(TypeError, match=r"`x` must be a numpy array"):
        numerical_gradient(np.sum, [1.0, 2.0])
    with pytest.raises(TypeError, match=r"`x` must be a floating-point array"):
        numerical_gradient(np.sum, np.arange(3))
    with pytest.raises(ValueError, match=r"`h` must be positive"):
        numerical_gradient(np.sum, np.zeros(2), h=0)
    with pytest.raises(ValueError, match=r"pass `dout` for array-valued f"):
        numerical_gradient(lambda v: v * 2, np.zeros(2))
    with pytest.raises(ValueError, match=r"`a` and `b` must have the same shape; got \(2,\) and \(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))
