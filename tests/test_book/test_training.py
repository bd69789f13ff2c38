"""cnnlib.book.training: batch order and step-counted Keras training."""

import numpy as np
import pytest

from cnnlib.book.training import batch_indices, train_steps


def test_batch_indices_cover_each_epoch_and_repeat():
    batches = list(batch_indices(10, 5, 6, seed=1))
    for epoch in range(3):
        assert sorted(np.concatenate(batches[2 * epoch:2 * epoch + 2]).tolist()) == list(range(10))
    assert [b.tolist() for b in batch_indices(10, 5, 6, seed=1)] == [b.tolist() for b in batches]
    assert [b.tolist() for b in batch_indices(10, 5, 2, seed=2)] != [b.tolist() for b in batches[:2]]
    with pytest.raises(ValueError, match=r"`batch_size` must be in \[1, 10\]; got 11"):
        list(batch_indices(10, 11, 1))


@pytest.mark.tf
def test_train_steps_is_reproducible(tf):
    import keras

    from cnnlib.book import chapter

    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")

    def run():
        chapter.seed_everything(0)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        model.compile(optimizer=keras.optimizers.SGD(0.5),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
        return train_steps(model, (x, y), steps=30, batch_size=8, eval_every=10,
                           eval_sets={"all": (x, y)}, live=False, log_every=5)

    log = run()
    assert log.eval_steps == [0, 10, 20, 30] and log.steps == [5, 10, 15, 20, 25, 30]
    assert log.evals["all"][-1] > 0.9 and log.seconds > 0
    assert run().evals == log.evals
