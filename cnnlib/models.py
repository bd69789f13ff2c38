"""The Keras networks that more than one chapter trains.

Every model ends in a linear layer that outputs **logits** (no softmax): train
it with ``keras.losses.SparseCategoricalCrossentropy(from_logits=True)`` (or
the categorical version for one-hot labels), the numerically stable form of
cross-entropy.  Chapter 4 shows why.
"""

from __future__ import annotations

__all__ = ["mnist_cnn", "compile_classifier"]


def mnist_cnn(*, dense_units: int = 1024, dropout: float | None = 0.5, filters=(32, 64), kernel_size: int = 5,
              input_shape=(28, 28, 1), num_classes: int = 10, name: str = "mnist_cnn"):
    """The two-conv-layer network of the MNIST tutorials.

    ``conv 5x5x32 (SAME, ReLU) -> 2x2 max pool -> conv 5x5x64 (SAME, ReLU) ->
    2x2 max pool -> flatten (7*7*64 = 3136) -> dense (ReLU) -> [dropout] ->
    dense num_classes (logits)``.

    Chapters 1 and 4 use ``dense_units=1024, dropout=0.5``; chapter 2 uses
    ``dense_units=1000, dropout=None``.

    Returns
    -------
    keras.Sequential, not compiled
    """
    import keras
    from keras import layers

    if dropout is not None and not 0 <= dropout < 1:
        raise ValueError(f"`dropout` must be in [0, 1) or None; got {dropout}.")
    stack = [keras.Input(shape=input_shape, name="image")]
    for i, f in enumerate(filters, start=1):
        stack += [
            layers.Conv2D(f, kernel_size, padding="same", activation="relu", name=f"conv{i}"),
            layers.MaxPooling2D(2, name=f"pool{i}"),
        ]
    stack += [layers.Flatten(name="flatten"), layers.Dense(dense_units, activation="relu", name="dense")]
    if dropout:
        stack.append(layers.Dropout(dropout, name="dropout"))
    stack.append(layers.Dense(num_classes, name="logits"))
    return keras.Sequential(stack, name=name)


def compile_classifier(model, optimizer, *, one_hot: bool = False):
    """Compile ``model`` (logits out) with cross-entropy from logits and accuracy.

    ``one_hot`` picks categorical (one-hot labels) over sparse (integer labels).
    """
    import keras

    loss = (keras.losses.CategoricalCrossentropy(from_logits=True) if one_hot
            else keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    return model
