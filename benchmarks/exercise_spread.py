"""Seed-to-seed spread of the exercises whose checks bound a trained result.

    CNNLIB_DATA_DIR=../shared/data python benchmarks/exercise_spread.py [--seeds 1 2 3 4 5]

A check on a trained number must hold on any machine, and a machine changes a
run less than a seed does, so the margins of those checks are set from the
spread over seeds printed here (CONTRIBUTING.md, "Two modes"):

- ch01, dropout exercise: the source's network without dropout, the source's
  initialisation, 300 steps of 50 images, accuracy on the first 2,000 test
  images (check: at least 0.85);
- ch02, Keras-initialisation exercise: the same network with Keras's default
  initialisation and 1,000 dense units (check: at least 0.85);
- ch04, initialisation exercise: the deep CNN with the source's initialisation
  and with Glorot's, validation loss before training and validation accuracy
  after 300 steps (check: both above 85 %, and the source's start loss well
  above Glorot's; is Glorot ahead after 300 steps on every seed?).

The exercises themselves use seed 1 (ch01, ch02) and 0 (ch04).  Each seed
trains four networks for 300 steps: about 1.5 minutes on a quiet 2-core CPU.
Prints one line per seed, then mean, standard deviation, minimum and maximum.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from cnnlib import data, models  # noqa: E402
from cnnlib.book import chapter, training  # noqa: E402


def source_init_ch01(model):
    """ch01's solution: truncated normal (std 0.1) weights, biases 0.1, from TF's global seed."""
    model.set_weights([tf.random.truncated_normal(v.shape, stddev=0.1).numpy() if v.ndim > 1
                       else np.full(v.shape, 0.1, np.float32) for v in model.get_weights()])


def init_like_the_source(model, stddev=0.1, bias=0.1, seed=0):
    """ch04's helper of the same name."""
    for i, layer in enumerate(model.layers):
        if hasattr(layer, "kernel"):
            layer.kernel.assign(keras.random.truncated_normal(layer.kernel.shape, stddev=stddev,
                                                              seed=seed + i))
            layer.bias.assign(keras.ops.full(layer.bias.shape, bias))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    args = parser.parse_args()

    mnist = data.load_mnist_splits()
    x_train, y_train = data.to_nhwc_float(mnist.train[0]), mnist.train[1].astype(np.int64)
    x_valid, y_valid = data.to_nhwc_float(mnist.valid[0]), mnist.valid[1].astype(np.int64)
    x_test, y_test = data.to_nhwc_float(mnist.test[0]), mnist.test[1].astype(np.int64)
    first_2000 = {"test": (x_test[:2000], y_test[:2000])}
    runs: dict[str, list[float]] = {k: [] for k in (
        "ch01 no dropout (test 2,000)", "ch02 Keras init (test 2,000)",
        "ch04 source init: loss at step 0", "ch04 Glorot init: loss at step 0",
        "ch04 source init: valid % at 300", "ch04 Glorot init: valid % at 300")}
    print(f"{chapter.machine_description()['summary']}; TensorFlow {tf.__version__}")
    for seed in args.seeds:
        start = time.perf_counter()
        chapter.seed_everything(seed)
        net = models.mnist_cnn(dense_units=1024, dropout=None)
        source_init_ch01(net)
        models.compile_classifier(net, keras.optimizers.Adam(learning_rate=1e-4))
        log = training.train_steps(net, (x_train, y_train), steps=300, batch_size=50, eval_every=300,
                                   eval_sets=first_2000, seed=seed, live=False)
        runs["ch01 no dropout (test 2,000)"].append(log.evals["test"][-1])

        chapter.seed_everything(seed)
        net = models.mnist_cnn(dense_units=1000, dropout=None)
        models.compile_classifier(net, keras.optimizers.Adam(learning_rate=1e-4))
        log = training.train_steps(net, (x_train, y_train), steps=300, batch_size=50, eval_every=300,
                                   eval_sets=first_2000, seed=seed, live=False)
        runs["ch02 Keras init (test 2,000)"].append(log.evals["test"][-1])

        for init, name in (("source", "source init"), ("glorot", "Glorot init")):
            chapter.seed_everything(seed)
            net = models.mnist_cnn()
            if init == "source":
                init_like_the_source(net, seed=100 * seed)
            models.compile_classifier(net, keras.optimizers.Adam(1e-4))
            runs[f"ch04 {name}: loss at step 0"].append(float(net.evaluate(x_valid, y_valid, verbose=0)[0]))
            training.train_steps(net, (x_train, y_train), steps=300, batch_size=50, eval_every=300,
                                 seed=seed, live=False)
            runs[f"ch04 {name}: valid % at 300"].append(100 * float(net.evaluate(x_valid, y_valid, verbose=0)[1]))
        print(f"seed {seed} ({time.perf_counter() - start:.0f} s): "
              + "; ".join(f"{k} {v[-1]:.4f}" for k, v in runs.items()), flush=True)

    print(f"\n{'':36s} {'mean':>8s} {'sd':>8s} {'min':>8s} {'max':>8s}")
    for k, v in runs.items():
        sd = np.std(v, ddof=1) if len(v) > 1 else float("nan")
        print(f"{k:36s} {np.mean(v):8.4f} {sd:8.4f} {min(v):8.4f} {max(v):8.4f}")
    gap = np.subtract(runs["ch04 Glorot init: valid % at 300"], runs["ch04 source init: valid % at 300"])
    print(f"\nch04, Glorot minus source after 300 steps (points): {np.round(gap, 2).tolist()}; "
          f"Glorot ahead on {int((gap > 0).sum())} of {len(gap)} seeds")


if __name__ == "__main__":
    main()
