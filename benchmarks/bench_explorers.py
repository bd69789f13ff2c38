"""Benchmark: how long an explorer takes to update, and how big the static states are.

Run ``python -m cnnlib.explorers.bench`` (in a terminal or a notebook cell);
it prints figures and asserts nothing.  An update is what runs in the kernel
when a reader moves a control: the view from cnnlib, its HTML or PNG, and
the new widget values.
"""

from __future__ import annotations

import statistics
import time


def _time_changes(explorer, changes, repeat=3):
    times = []
    for _ in range(repeat):
        for name, value in changes:
            explorer.controls[name].value = value
            times.append(explorer.last_update_s)
    return times


def _line(label, times):
    ms = [1000 * t for t in times]
    print(f"  {label:<34} median {statistics.median(ms):6.1f} ms   max {max(ms):6.1f} ms   ({len(ms)} updates)")


def main() -> None:
    from .. import widgets
    from . import static_filter, static_output_size, static_pooling
    from .samples import default_images

    try:
        images = default_images(download=False)
        source = "cnnlib.data"
    except Exception as err:  # noqa: BLE001
        import numpy as np

        rng = np.random.default_rng(0)
        images = {"digit": rng.integers(0, 256, (28, 28)).astype("uint8"),
                  "photo": rng.integers(0, 256, (32, 32, 3)).astype("uint8")}
        source = f"synthetic ({type(err).__name__})"

    print("Live explorers (ipywidgets), time per update in the kernel:")
    ex = widgets.output_size_explorer()
    _line("output size: N, F, S, P", _time_changes(ex, [("n", 227), ("f", 11), ("stride", 4), ("padding", "same"),
                                                         ("padding", 0), ("n", 26), ("f", 5), ("stride", 2)]))
    ex = widgets.filter_explorer(images=images)
    changes = [("filter", f) for f in ("identity", "sobel_h", "blur", "sharpen", "grayscale")]
    changes += [("row", 3), ("col", 7), ("padding", "same"), ("stride", 2), ("padding", "valid")]
    for name in images:
        ex.controls["image"].value = name
        _line(f"filter: {name} {images[name].shape}", _time_changes(ex, changes))
    ex = widgets.pooling_explorer()
    _line("pooling: mode, size, stride, padding",
          _time_changes(ex, [("mode", "avg"), ("size", 3), ("stride", 1), ("padding", "same"), ("row", 4),
                             ("mode", "max"), ("size", 2), ("stride", 2), ("padding", "valid")]))

    print(f"Static explorers (images from {source}):")
    for build in (static_output_size, lambda: static_filter(images), static_pooling):
        t0 = time.perf_counter()
        e = build()
        t = time.perf_counter() - t0
        print(f"  {e.kind:<12} built in {t:5.2f} s: JSON {e.json_bytes / 1000:7.1f} kB -> embedded "
              f"{e.payload_bytes / 1000:5.1f} kB; whole HTML output {len(e.html) / 1000:5.1f} kB")


if __name__ == "__main__":
    main()
