"""Time cnnlib's numpy convolution and pooling against TensorFlow.

    python benchmarks/bench_core.py            # prints a Markdown table
    python benchmarks/bench_core.py --naive-b  # also time the loop versions on (b) (minutes)

Two configurations (the issue's targets are for the vectorised code):
  (a) N=8,  28x28,  1 -> 32 channels, 5x5 filters, padding 2 (the first conv of the MNIST network)
  (b) N=64, 28x28, 32 -> 64 channels, 5x5 filters, padding 2 (the second, at full batch size)
Pooling: 2x2 max and average pooling, stride 2, on each configuration's conv output.

TensorFlow runs eagerly (as a notebook reader runs it).  Its backward time is
``tape.gradient`` on a persistent tape recorded once, so that it excludes the
forward pass exactly as cnnlib's backward functions do.  Every figure is the
median of several runs after a warm-up; the ratio is cnnlib / TensorFlow, so
below 1 means cnnlib is faster.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

import cnnlib  # noqa: E402

CONFIGS = {
    "a": dict(n=8, c_in=1, c_out=32),
    "b": dict(n=64, c_in=32, c_out=64),
}


def median_time(fn, repeat: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench(name: str, n: int, c_in: int, c_out: int, tf, repeat: int, naive: bool):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, 28, 28, c_in)).astype(np.float32)
    w = (rng.standard_normal((5, 5, c_in, c_out)) * 0.1).astype(np.float32)
    b = rng.standard_normal(c_out).astype(np.float32)
    out, cache = cnnlib.conv2d_forward(x, w, b, padding=2)
    dout = rng.standard_normal(out.shape).astype(np.float32)
    pads = [[0, 0], [2, 2], [2, 2], [0, 0]]

    xt, wt, bt = tf.Variable(x), tf.Variable(w), tf.Variable(b)
    with tf.GradientTape(persistent=True) as tape:
        loss = tf.reduce_sum((tf.nn.conv2d(xt, wt, 1, pads) + bt) * dout)
    rows = []

    def row(op, ours, theirs):
        rows.append((name, op, ours, theirs))

    row("conv2d forward",
        median_time(lambda: cnnlib.conv2d_forward(x, w, b, padding=2), repeat),
        median_time(lambda: (tf.nn.conv2d(xt, wt, 1, pads) + bt).numpy(), repeat))
    row("conv2d backward",
        median_time(lambda: cnnlib.conv2d_backward(dout, cache), repeat),
        median_time(lambda: [g.numpy() for g in tape.gradient(loss, [xt, wt, bt])], repeat))
    if naive:
        reps = 1 if n > 8 else 3
        row("conv2d forward, naive loops",
            median_time(lambda: cnnlib.conv2d_forward_naive(x, w, b, padding=2), reps, warmup=0), None)
        row("conv2d backward, naive loops",
            median_time(lambda: cnnlib.conv2d_backward_naive(dout, cache), reps, warmup=0), None)
    del tape

    a = np.maximum(out, 0)
    at = tf.Variable(a)
    for kind, fwd, bwd, tf_pool in (
        ("max", cnnlib.max_pool2d_forward, cnnlib.max_pool2d_backward, tf.nn.max_pool2d),
        ("avg", cnnlib.avg_pool2d_forward, cnnlib.avg_pool2d_backward, tf.nn.avg_pool2d),
    ):
        pout, pcache = fwd(a, size=2, stride=2)
        pd = rng.standard_normal(pout.shape).astype(np.float32)
        with tf.GradientTape(persistent=True) as tape:
            ploss = tf.reduce_sum(tf_pool(at, 2, 2, "VALID") * pd)
        row(f"{kind} pool forward",
            median_time(lambda: fwd(a, size=2, stride=2), repeat),
            median_time(lambda: tf_pool(at, 2, 2, "VALID").numpy(), repeat))
        row(f"{kind} pool backward",
            median_time(lambda: bwd(pd, pcache), repeat),
            median_time(lambda: tape.gradient(ploss, at).numpy(), repeat))
        del tape
    return rows


def fmt_ms(t):
    return "n/a" if t is None else f"{t * 1e3:.2f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--naive-b", action="store_true", help="also time the naive loops on (b)")
    args = parser.parse_args(argv)

    import tensorflow as tf

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; python {platform.python_version()}, "
          f"numpy {np.__version__}, tensorflow {tf.__version__}, cnnlib {cnnlib.__version__}")
    rows = []
    for key, cfg in CONFIGS.items():
        rows += bench(f"({key})", **cfg, tf=tf, repeat=args.repeat if key == "a" else max(5, args.repeat // 3),
                      naive=key == "a" or args.naive_b)
    print()
    print("| config | operation | cnnlib (ms) | TensorFlow (ms) | ratio |")
    print("|---|---|---:|---:|---:|")
    for name, op, ours, theirs in rows:
        ratio = "" if theirs is None else f"{ours / theirs:.2f}"
        print(f"| {name} | {op} | {fmt_ms(ours)} | {fmt_ms(theirs)} | {ratio} |")
    targets = {("(a)", "conv2d forward"): 1.0, ("(a)", "conv2d backward"): 1.0,
               ("(b)", "conv2d forward"): 1.5, ("(b)", "conv2d backward"): 1.5}
    print()
    for name, op, ours, theirs in rows:
        if (name, op) in targets:
            limit = targets[(name, op)]
            verdict = "met" if ours / theirs <= limit else "MISSED"
            print(f"target {name} {op}: ratio {ours / theirs:.2f} <= {limit}: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
