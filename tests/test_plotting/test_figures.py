"""Shared figures: they draw, label and return what they drew; bad input is refused."""

import matplotlib
import numpy as np
import pytest

from cnnlib import plotting

matplotlib.use("Agg")


def test_image_grid():
    fig = plotting.image_grid(np.random.rand(10, 8, 8), ncols=4, titles=list("abcdefghij"), suptitle="digits")
    axes = fig.get_axes()
    assert len(axes) == 12 and axes[0].get_title() == "a" and fig._suptitle.get_text() == "digits"
    assert sum(ax.axison for ax in axes) == 10
    plotting.image_grid(np.random.rand(3, 8, 8, 3))
    plotting.image_grid(np.random.rand(3, 8, 8, 1), colorbar=True)
    with pytest.raises(ValueError, match=r"`images` must have shape"):
        plotting.image_grid(np.zeros((3, 8, 8, 2)))
    with pytest.raises(ValueError, match=r"`titles` must have one entry per image \(3\); got 2"):
        plotting.image_grid(np.zeros((3, 4, 4)), titles=["a", "b"])


def test_plot_filters():
    w = np.random.randn(5, 5, 3, 6)
    fig = plotting.plot_filters(w, title="first layer")
    assert [ax.get_title() for ax in fig.get_axes()[:6]] == [f"#{i}" for i in range(6)]
    plotting.plot_filters(w, channel=None)
    with pytest.raises(ValueError, match=r"needs C_in=3; got C_in=1"):
        plotting.plot_filters(np.zeros((3, 3, 1, 2)), channel=None)
    with pytest.raises(ValueError, match=r"`channel` must be in \[0, 3\); got 5"):
        plotting.plot_filters(w, channel=5)


def test_feature_maps_kernel_and_curves():
    fig = plotting.plot_feature_maps(np.random.rand(6, 6, 5), ncols=3, title="conv1")
    assert fig.get_axes()[4].get_title() == "map 4"
    ax = plotting.plot_kernel(np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]), title="Sobel")
    assert ax.get_xlabel() == "column" and len(ax.texts) == 9
    ax = plotting.plot_curves([0, 1, 2], {"test": [0.1, 0.5, 0.9]}, reference={"source": ([0, 2], [0.12, 0.98])})
    assert ax.get_xlabel() == "training step" and ax.get_ylabel() == "accuracy"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["test", "source"]
    with pytest.raises(ValueError, match=r"curve 'a' has 2 values for 3 x values"):
        plotting.plot_curves([0, 1, 2], {"a": [1, 2]})
    with pytest.raises(ValueError, match=r"`maps` must be 3-D"):
        plotting.plot_feature_maps(np.zeros((1, 4, 4, 2)))


def test_value_grid_and_window():
    values = np.array([[1.0, 2.5], [np.nan, 4.0]])
    ax = plotting.plot_value_grid(values, title="grid", pad_cells=0)
    assert [t.get_text() for t in ax.texts] == ["1", "2.5", "4"]          # the NaN cell is blank
    assert ax.get_xlabel() == "column" and ax.get_ylabel() == "row" and ax.get_title() == "grid"
    padded = plotting.plot_value_grid(np.zeros((4, 4)), pad_cells=1)
    (frame,) = padded.patches
    assert frame.get_xy() == (0.5, 0.5) and frame.get_width() == 2 == frame.get_height()
    rect = plotting.outline_window(ax, 0, 1, (1, 2), "tab:blue", inset=0.1)
    assert rect in ax.patches
    assert rect.get_xy() == pytest.approx((0.6, -0.4)) and rect.get_width() == pytest.approx(1.8)
    with pytest.raises(ValueError, match=r"`values` must be 2-D; got shape \(2, 2, 1\)"):
        plotting.plot_value_grid(np.zeros((2, 2, 1)))
