"""Benchmark: how long a live explorer takes to update, and how big the static states are.

Run ``python benchmarks/bench_explorers.py``; it prints figures and asserts
nothing (the tests hold no timing).  An update is what runs in the kernel when
a reader changes a control: cnnlib computes the view, which anywidget then
sends to the renderer.  (The timing asserts of the old ``tests/test_widgets.py``
and ``tests/test_activations_explorer.py`` are here, as figures.)
"""

from __future__ import annotations

import statistics
import time


def _time_changes(explorer, changes, repeat=3):
    times = []
    for _ in range(repeat):
        for name, value in changes:
            explorer.set(**{name: value})
            times.append(explorer.last_update_s)
    return times


def _line(label, times):
    ms = [1000 * t for t in times]
    print(f"  {label:<34} median {statistics.median(ms):6.2f} ms   max {max(ms):6.2f} ms   ({len(ms)} updates)")


def _images():
    from cnnlib.explorers.samples import default_images

    try:
        return default_images(download=False), "cnnlib.data"
    except Exception as err:  # noqa: BLE001
        import numpy as np

        rng = np.random.default_rng(0)
        return ({"digit": rng.integers(0, 256, (28, 28)).astype("uint8"),
                 "photo": rng.integers(0, 256, (32, 32, 3)).astype("uint8")}, f"synthetic ({type(err).__name__})")


def main() -> None:
    from cnnlib import explorers

    images, source = _images()
    print("Live explorers (anywidget), time cnnlib takes per update in the kernel:")
    ex = explorers.output_size_explorer()
    _line("output size: N, F, S, P", _time_changes(ex, [("n", 227), ("f", 11), ("stride", 4), ("padding", "same"),
                                                         ("padding", 0), ("n", 26), ("f", 5), ("stride", 2)]))
    ex = explorers.filter_explorer(images=images)
    changes = [("filter", f) for f in ("identity", "sobel_h", "blur", "sharpen", "grayscale")]
    changes += [("padding", "same"), ("stride", 2), ("padding", "valid"), ("stride", 1)]
    for name in images:
        ex.set(image=name)
        _line(f"filter: {name} {images[name].shape}", _time_changes(ex, changes))
    ex = explorers.pooling_explorer()
    _line("pooling: mode, size, stride, padding",
          _time_changes(ex, [("mode", "avg"), ("size", 3), ("stride", 1), ("padding", "same"),
                             ("mode", "max"), ("size", 2), ("stride", 2), ("padding", "valid")]))

    print(f"Static explorers (images from {source}):")
    for build in (explorers.static_output_size, lambda: explorers.static_filter(images), explorers.static_pooling):
        t0 = time.perf_counter()
        e = build()
        t = time.perf_counter() - t0
        print(f"  {e.kind:<12} built in {t:5.2f} s: JSON {e.json_bytes / 1000:7.1f} kB + arrays "
              f"{e.binary_bytes / 1000:6.1f} kB -> embedded {e.payload_bytes / 1000:5.1f} kB")


if __name__ == "__main__":
    main()
