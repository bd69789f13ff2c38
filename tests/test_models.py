"""The shared Keras models have the shapes and parameter counts cnnlib predicts."""

import pytest

from cnnlib import Conv, Dense, Flatten, Pool, layer_summary


@pytest.mark.tf
@pytest.mark.parametrize("dense_units, dropout", [(1024, 0.5), (1000, None)])
def test_mnist_cnn_matches_the_layer_summary(tf, dense_units, dropout):
    from cnnlib.models import compile_classifier, mnist_cnn

    model = mnist_cnn(dense_units=dense_units, dropout=dropout)
    summary = layer_summary((28, 28, 1), [Conv(32, 5, padding="same"), Pool(2), Conv(64, 5, padding="same"),
                                          Pool(2), Flatten(), Dense(dense_units), Dense(10)])
    assert model.count_params() == summary.total_params
    assert model.get_layer("flatten").output.shape[1] == 7 * 7 * 64 == 3136
    assert ("dropout" in [layer.name for layer in model.layers]) == bool(dropout)
    compile_classifier(model, "adam")
    assert model.output_shape == (None, 10)
    with pytest.raises(ValueError, match=r"`dropout` must be in \[0, 1\) or None; got 1.5"):
        mnist_cnn(dropout=1.5)
