"""Output sizes, padding, parameter counts and the layer summary."""

import pytest

from cnnlib import (Conv, Dense, Flatten, Pool, conv_output_size, conv_params, layer_summary,
                    pool_output_size, same_padding)


# --- the sources' hand-worked numbers ------------------------------------------------------

def test_six_by_six_with_three_by_three_filter():
    assert conv_output_size(6, 3) == 4
    assert conv_output_size(6, 3, padding=1) == 6          # padding (F-1)/2 keeps the size


def test_thirty_two_with_five_by_five_filter():
    assert conv_output_size(32, 5) == 28
    assert conv_output_size(32, 5, stride=1, padding=2) == 32


def test_cifar_layer_ten_filters_pad_two():
    s = layer_summary((32, 32, 3), [Conv(10, 5, stride=1, padding=2)])
    assert s.rows[-1].output_shape == (32, 32, 10)
    assert s.rows[-1].params == 760 == conv_params(5, 3, 10)


def test_two_layer_example_is_not_an_integer():
    """Ten 7x7 filters, stride 1: 32 -> 26; then six 5x5 filters, stride 2: 11.5, not 11."""
    assert conv_output_size(32, 7) == 26
    with pytest.raises(ValueError, match=r"\(26 - 5 \+ 2\*0\) / 2 \+ 1 = 11.5 is not an integer"):
        conv_output_size(26, 5, stride=2)
    assert conv_output_size(26, 5, stride=2, floor=True) == 11
    assert conv_output_size(26, 5, stride=2, padding="valid") == 11     # TensorFlow's VALID floors


def test_mnist_network_flatten_size():
    s = layer_summary((28, 28, 1), [
        Conv(32, 5, padding="same"), Pool(2), Conv(64, 5, padding="same"), Pool(2), Flatten(), Dense(1024),
    ])
    shapes = [r.output_shape for r in s.rows]
    assert shapes[2] == (14, 14, 32) and shapes[4] == (7, 7, 64)
    assert shapes[5] == (3136,)
    assert s.rows[6].params == 3136 * 1024 + 1024


def test_max_pool_same_on_five_by_five():
    assert pool_output_size(5, 2, stride=2, padding="same") == 3
    assert pool_output_size(4, 2) == 2
    with pytest.raises(TypeError):                 # keyword-only, like the pooling layers
        pool_output_size(5, 2, 2, "same")


def test_same_and_valid_follow_tensorflow():
    assert conv_output_size(28, 5, padding="valid") == 24
    assert conv_output_size(28, 5, padding="SAME") == 28
    assert conv_output_size(28, 5, stride=3, padding="same") == 10       # ceil(28 / 3)
    assert same_padding(5, 2, 2) == (0, 1)       # odd total: the extra zero at the bottom/right
    assert same_padding(28, 5, 1) == (2, 2)
    assert same_padding(7, 1, 3) == (0, 0)


def test_memory_example():
    s = layer_summary((224, 224, 3), [Conv(64, 3, padding=1)] * 3)
    conv_acts = sum(r.activations for r in s.rows[1:])
    assert conv_acts == 3 * 224 * 224 * 64 == 9_633_792          # about 9.6 million
    assert s.total_activations == conv_acts + 224 * 224 * 3
    assert s.activation_bytes() == 4 * s.total_activations
    assert s.activation_bytes(with_gradients=True) == 8 * s.total_activations
    assert s.total_params == (27 * 64 + 64) + 2 * (576 * 64 + 64)
    text = str(s)
    assert "224 x 224 x 64" in text and "total" in text and "75,648" in text
    assert "<table>" in s._repr_html_()


def test_overlapping_and_strided_pool_rows():
    s = layer_summary((13, 13, 8), [Pool(3, 2, kind="max"), Pool(2, kind="avg")])
    assert [r.name for r in s.rows] == ["input", "maxpool1", "avgpool1"]
    assert s.rows[1].output_shape == (6, 6, 8) and s.rows[2].output_shape == (3, 3, 8)
    assert s.total_params == 0


def test_conv_params_rectangular_and_no_bias():
    assert conv_params((3, 5), 2, 4) == 3 * 5 * 2 * 4 + 4
    assert conv_params(1, 1, 1, bias=False) == 1


# --- errors that teach ----------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, exc, msg", [
    (dict(n=0, f=3), ValueError, r"`n` must be a positive integer; got 0"),
    (dict(n=5, f=-1), ValueError, r"`f` must be a positive integer"),
    (dict(n=5.0, f=3), TypeError, r"`n` must be an integer; got 5.0"),
    (dict(n=5, f=3, stride=0), ValueError, r"`stride` must be a positive integer; got 0"),
    (dict(n=5, f=3, stride=True), TypeError, r"`stride` must be an integer"),
    (dict(n=5, f=3, padding=-1), ValueError, r"`padding` must be non-negative; got -1"),
    (dict(n=5, f=3, padding=1.5), TypeError, r"`padding` must be a non-negative int"),
    (dict(n=5, f=3, padding="full"), ValueError, r"'valid' or 'same'; got 'full'"),
    (dict(n=3, f=5, padding="valid"), ValueError, r"larger than the input"),
    (dict(n=3, f=8, padding=2), ValueError, r"larger than the padded input \(n \+ 2p = 3 \+ 2\*2 = 7\)"),
    (dict(n=32, f=5, stride=2), ValueError, r"= 14.5 is not an integer.*remainder 1"),
])
def test_conv_output_size_errors(kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        conv_output_size(**kwargs)


def test_layer_summary_errors():
    with pytest.raises(TypeError, match=r"`layers\[1\]` must be a Conv, Pool, Dense or Flatten spec; got str"):
        layer_summary((8, 8, 1), [Conv(2, 3), "relu"])
    with pytest.raises(ValueError, match=r"`layers\[1\]` is a Conv layer but its input has shape \(10,\)"):
        layer_summary((8, 8, 1), [Dense(10), Conv(2, 3)])
    with pytest.raises(ValueError, match=r"`input_shape` must be \(H, W, C\) or \(D,\)"):
        layer_summary((8, 8), [])
    with pytest.raises(ValueError, match=r"`layers\[0\].kind` must be 'max' or 'avg'"):
        layer_summary((8, 8, 1), [Pool(2, kind="min")])
    with pytest.raises(ValueError, match=r"is not an integer"):
        layer_summary((32, 32, 3), [Conv(10, 7), Conv(6, 5, stride=2)])
