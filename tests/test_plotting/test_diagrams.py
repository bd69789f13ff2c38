"""cnnlib.plotting.diagrams: block diagrams of layer summaries."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from cnnlib.plotting.diagrams import KIND_COLORS, plot_stack  # noqa: E402
from cnnlib.shapes import Conv, Dense, Flatten, Pool, layer_summary  # noqa: E402


@pytest.fixture
def mnist_summary():
    return layer_summary((28, 28, 1), [Conv(32, 5, padding="same"), Pool(2), Conv(64, 5, padding="same"),
                                       Pool(2), Flatten(), Dense(1000), Dense(10)])


def test_one_label_per_layer_with_its_shape(mnist_summary):
    ax = plot_stack(mnist_summary)
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["input\n28×28×1", "conv1\n28×28×32", "maxpool1\n14×14×32", "conv2\n14×14×64",
                      "maxpool2\n7×7×64", "flatten1\n3136", "dense1\n1000", "dense2\n10"]
    plt.close(ax.figure)


def test_three_faces_per_volume_one_bar_per_vector(mnist_summary):
    ax = plot_stack(mnist_summary)
    assert len(ax.patches) == 5 * 3 + 3 * 1
    plt.close(ax.figure)


def test_linear_scale_draws_sizes_to_scale(mnist_summary):
    ax = plot_stack(mnist_summary, min_side=0.01)
    fronts = [p for p in ax.patches if isinstance(p, matplotlib.patches.Rectangle)]
    heights = [p.get_height() for p in fronts[:5]]
    assert heights[0] == pytest.approx(1.0)                      # 28 is the largest side
    assert heights[2] == pytest.approx(0.5)                      # 14 / 28
    assert heights[4] == pytest.approx(0.25)                     # 7 / 28
    plt.close(ax.figure)


def test_sqrt_scale_and_min_side():
    s = layer_summary((64, 64, 3), [Conv(8, 3, padding=1), Pool(64)])      # 64 -> 1x1 map
    ax = plot_stack(s, scale="sqrt", min_side=0.2)
    fronts = [p for p in ax.patches if isinstance(p, matplotlib.patches.Rectangle)]
    assert fronts[-1].get_height() == pytest.approx(0.2)          # sqrt(1/64) = 0.125, raised to 0.2
    plt.close(ax.figure)


def test_colours_follow_the_layer_kind(mnist_summary):
    ax = plot_stack(mnist_summary)
    fronts = [p for p in ax.patches if isinstance(p, matplotlib.patches.Rectangle)]
    expected = ["input", "conv", "maxpool", "conv", "maxpool", "flatten", "dense", "dense"]
    for patch, kind in zip(fronts, expected):
        assert matplotlib.colors.to_hex(patch.get_facecolor()) == KIND_COLORS[kind]
    plt.close(ax.figure)


def test_draws_into_given_axes_with_title(mnist_summary):
    fig, ax = plt.subplots()
    out = plot_stack(mnist_summary, ax=ax, title="the network")
    assert out is ax and ax.get_title() == "the network" and not ax.axison
    plt.close(fig)


def test_rejects_what_is_not_a_summary():
    with pytest.raises(TypeError, match="`summary` must be a LayerSummary .* got list"):
        plot_stack([(28, 28, 1)])


@pytest.mark.parametrize("kwargs, message", [
    ({"scale": "log"}, "`scale` must be 'linear' or 'sqrt'; got 'log'"),
    ({"min_side": 0}, r"`min_side` must be in \(0, 1\]; got 0"),
    ({"min_side": 1.5}, r"`min_side` must be in \(0, 1\]; got 1.5"),
])
def test_rejects_bad_options(mnist_summary, kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot_stack(mnist_summary, **kwargs)
