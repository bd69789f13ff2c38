"""cnnlib._windows: the window view, the plan of padding and output size, taps and crops."""

import numpy as np
import pytest

from cnnlib._windows import crop, output_hw, pad_with, plan, tap, windows


def test_windows_are_the_slices_a_loop_would_take():
    x = np.arange(2 * 7 * 6 * 3, dtype=float).reshape(2, 7, 6, 3)
    k_hw, stride = (3, 2), (2, 3)
    out_hw = output_hw(x.shape[1:3], k_hw, stride, ((0, 0), (0, 0)))
    assert out_hw == (3, 2)
    v = windows(x, k_hw, stride, out_hw)
    assert v.shape == (2, 3, 2, 3, 2, 3)
    for i in range(3):
        for j in range(2):
            np.testing.assert_array_equal(v[:, i, j], x[:, 2 * i:2 * i + 3, 3 * j:3 * j + 2, :])
    assert not v.flags.writeable and np.shares_memory(v, x)      # a view: nothing copied


def test_plan_follows_tensorflow_and_names_the_axis():
    assert plan((5, 5), (2, 2), (2, 2), "same", "window") == (((0, 1), (0, 1)), (3, 3))
    assert plan((28, 28), (5, 5), (1, 1), (2, 2), "filter") == (((2, 2), (2, 2)), (28, 28))
    with pytest.raises(ValueError, match=r"along the width \(filter 5, input 4\): the filter"):
        plan((8, 4), (5, 5), (1, 1), "valid", "filter")


def test_output_hw_agrees_with_plan():
    for in_hw, k_hw, stride, pad in [((7, 6), (3, 2), (2, 1), "same"), ((9, 9), (3, 3), (3, 3), "valid"),
                                      ((6, 6), (3, 3), (1, 1), (1, 1))]:
        pads, out = plan(in_hw, k_hw, stride, pad, "filter")
        assert output_hw(in_hw, k_hw, stride, pads) == out


def test_tap_and_crop_undo_a_padded_window_pass():
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    pads = ((1, 0), (0, 1))
    padded = pad_with(x, pads, -1.0)
    assert padded.shape == (1, 5, 5, 1) and padded[0, 0, 0, 0] == -1.0
    np.testing.assert_array_equal(crop(padded, pads, (4, 4)), x)
    assert pad_with(x, ((0, 0), (0, 0))) is x                          # nothing added: no copy
    # Position (1, 0) of 2x2 windows at stride 2 saw rows 1 and 3, columns 0 and 2.
    np.testing.assert_array_equal(x[tap(1, 0, (2, 2), (2, 2))][0, :, :, 0], [[4, 6], [12, 14]])
