"""cnnlib.data.preprocess: pixels to NHWC floats, labels to one-hot rows."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlib.data import one_hot, to_nhwc_float


def test_to_nhwc_float():
    x = np.array([[[0, 255, 51]], [[102, 153, 204]]], dtype=np.uint8)
    out = to_nhwc_float(x)
    assert out.shape == (2, 1, 3, 1) and out.dtype == np.float32
    np.testing.assert_allclose(out[..., 0], x / 255, rtol=1e-7)
    assert out.min() == 0 and out.max() == 1


@pytest.mark.parametrize("x, exc, msg", [
    (np.zeros((2, 3, 3)), TypeError, r"`x` must be a uint8 array of pixels 0\.\.255; got dtype float64\. "
                                     r"If it is already scaled"),
    (np.zeros((2, 3, 3), np.int64), TypeError, r"got dtype int64\.$"),
    (np.zeros((3, 3), np.uint8), ValueError, r"`x` must be 3-D \(N, H, W\); got shape \(3, 3\)\. For a "
                                             r"single image use `x\[None\]`"),
    (np.zeros((1, 3, 3, 1), np.uint8), ValueError, r"got shape \(1, 3, 3, 1\)\. It already has a channel"),
])
def test_to_nhwc_float_errors(x, exc, msg):
    with pytest.raises(exc, match=msg):
        to_nhwc_float(x)


def test_one_hot():
    out = one_hot(np.array([3, 0, 9], dtype=np.uint8))
    assert out.shape == (3, 10) and out.dtype == np.float32
    np.testing.assert_array_equal(out.argmax(axis=1), [3, 0, 9])
    np.testing.assert_array_equal(out.sum(axis=1), 1)
    assert one_hot([], num_classes=4).shape == (0, 4)


@pytest.mark.parametrize("y, k, exc, msg", [
    ([0, 1, 10], 10, ValueError, r"`y` must hold labels in 0\.\.9 \(num_classes=10\); got 10 at index 2"),
    ([-1], 3, ValueError, r"got -1 at index 0"),
    ([0.0, 1.0], 3, TypeError, r"`y` must be an array of integer labels; got dtype float64"),
    ([True], 3, TypeError, r"got dtype bool"),
    ([[0, 1]], 3, ValueError, r"`y` must be 1-D \(N,\); got shape \(1, 2\)"),
    ([0], 0, ValueError, r"`num_classes` must be a positive integer; got 0"),
    ([0], 2.5, TypeError, r"`num_classes` must be an integer; got 2\.5 \(float\)"),
])
def test_one_hot_errors(y, k, exc, msg):
    with pytest.raises(exc, match=msg):
        one_hot(y, num_classes=k)


