"""Explorers that work on a static page: every state precomputed by cnnlib.

A static explorer is an HTML fragment holding

* its CSS (``assets/cnnx.css``) and a small vanilla-JavaScript viewer
  (``assets/core.js`` plus one ``assets/<kind>.js``), inlined, so that nothing
  is fetched from the network;
* every state its controls can reach, computed here in Python with cnnlib and
  embedded as JSON, deflated and base64-encoded, in a
  ``<script type="application/x-cnnx+deflate-base64">`` element.

The viewer only looks states up and draws them: it computes no size,
convolution or pooling.  Its controls therefore offer a finite menu of values
(the live ipywidgets explorers of :mod:`cnnlib.widgets` accept any value, and
a custom kernel).

A cell whose value is a :class:`StaticExplorer` stores the whole viewer in its
``text/html`` output, so the built book (and any renderer that runs scripts)
shows a working explorer without a kernel.
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
import re
import zlib

import numpy as np

from ..conv import zero_pad
from ..shapes import conv_params
from .render import asset, css, is_byte_image
from .samples import GRID_LABELS, IMAGE_LABELS, default_grids, default_images
from .views import (KERNEL_LABELS, OUTPUT_SIZE_PRESETS, PARAMS_FORMULA, SIZE_FORMULAS, as_image, filter_note, filter_result,
                    kernel_weights, output_size_view, pooling_view, telling_window)

__all__ = ["StaticExplorer", "static_output_size", "static_filter", "static_pooling", "page",
           "embedded_states", "OUTPUT_SIZE_CHOICES", "FILTER_CHOICES", "POOLING_CHOICES"]

DATA_TYPE = "application/x-cnnx+deflate-base64"
_counter = itertools.count(1)

#: The values the static output-size explorer offers.
OUTPUT_SIZE_CHOICES = {
    "n": list(range(3, 33)) + [64, 224, 227],
    "d": [1, 3, 16, 32, 64],
    "f": [1, 2, 3, 4, 5, 7, 11],
    "k": [1, 6, 10, 16, 32, 64],
    "stride": [1, 2, 3, 4],
    "padding": [0, 1, 2, 3, "valid", "same"],
}
#: The values the static filter explorer offers (the filters are the presets).
FILTER_CHOICES = {
    "filter": ["identity", "grayscale", "sobel_h", "sobel_v", "blur", "sharpen"],
    "stride": [1, 2, 3],
    "padding": ["valid", "same", 0, 1],
}
#: The values the static pooling explorer offers.
POOLING_CHOICES = {
    "mode": ["max", "avg"],
    "size": [2, 3],
    "stride": [1, 2, 3],
    "padding": ["valid", "same"],
}

_PAD_LABEL = {"valid": "'valid'", "same": "'same'"}


def _key(*parts) -> str:
    return "|".join(str(p) for p in parts)


def _opts(values, labels=None):
    return [[str(v), (labels or {}).get(v, _PAD_LABEL.get(v, str(v)))] for v in values]


def _compact(a, digits: int) -> list:
    """A float array as a flat list, integers written as integers."""
    flat = np.round(np.asarray(a, dtype=np.float64).ravel(), digits)
    return [int(v) if v == int(v) else float(v) for v in flat.tolist()]


class StaticExplorer:
    """A self-contained interactive explorer for a page without a kernel.

    Attributes
    ----------
    kind : str
        ``'output_size'``, ``'filter'`` or ``'pooling'``.
    data : dict
        The states, exactly as embedded (before compression).
    title : str
    """

    def __init__(self, kind: str, data: dict, title: str):
        self.kind = kind
        self.title = title
        self._json = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        self.data = json.loads(self._json)   # exactly what the page carries (tuples become lists)
        raw = self._json.encode("utf-8")
        self._b64 = base64.b64encode(zlib.compress(raw, 9)).decode("ascii")
        digest = hashlib.sha1(raw).hexdigest()[:8]
        self.id = f"cnnx-{kind.replace('_', '-')}-{digest}-{next(_counter)}"
        self._html = None

    @property
    def json_bytes(self) -> int:
        """Size of the states as JSON text."""
        return len(self._json.encode("utf-8"))

    @property
    def payload_bytes(self) -> int:
        """Size of the embedded (deflated, base64) states."""
        return len(self._b64)

    @property
    def html(self) -> str:
        """The HTML fragment: CSS, controls' container, states and viewer."""
        if self._html is None:
            js = asset("core.js") + "\n" + asset(f"{self.kind}.js")
            self._html = (
                f'<div class="cnnx cnnx-static" id="{self.id}" data-cnnx-kind="{self.kind}">'
                f"<style>{css()}</style>"
                f'<div class="cnnx-title">{html.escape(self.title)}</div>'
                '<p class="cnnx-nojs">This explorer runs in the browser with JavaScript: open the book '
                "page, or run the notebook for the live version.</p>"
                f'<script type="{DATA_TYPE}" class="cnnx-data">{self._b64}</script>'
                f"<script>{js}\nwindow.cnnx.mount(document.getElementById({json.dumps(self.id)}));</script>"
                "</div>"
            )
        return self._html

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return (f"<static {self.kind.replace('_', '-')} explorer: {self.title!r}, "
                f"{self.payload_bytes / 1000:.1f} kB of states>")


def embedded_states(page_html: str) -> list:
    """Decode every explorer's states from HTML (a fragment or a whole page).

    Returns a list of (kind, data) in page order; used by the tests to check
    what the page really carries.
    """
    found = []
    pat = re.compile(r'data-cnnx-kind="(\w+)".*?<script type="' + re.escape(DATA_TYPE)
                     + r'" class="cnnx-data">([A-Za-z0-9+/=]+)</script>', re.S)
    for kind, b64 in pat.findall(page_html):
        found.append((kind, json.loads(zlib.decompress(base64.b64decode(b64)).decode("utf-8"))))
    return found


# ---------------------------------------------------------------------------
# Output size
# ---------------------------------------------------------------------------


def static_output_size(choices: dict | None = None, *, initial: dict | None = None) -> StaticExplorer:
    """The output-size explorer, with every setting of `choices` precomputed.

    Parameters
    ----------
    choices : dict, optional
        Lists of values for ``n``, ``d``, ``f``, ``k``, ``stride`` and
        ``padding`` (default :data:`OUTPUT_SIZE_CHOICES`).
    initial : dict, optional
        The first setting shown (default N=26, D=3, F=5, K=10, S=2, P=0: the
        11.5 that does not tile).

    Each (N, F, S, P) holds ``[out or None, before, after, padded, count,
    message index or -1]`` from :func:`cnnlib.explorers.views.output_size_view`
    and each (F, D, K) the parameter count of :func:`cnnlib.conv_params`.
    """
    ch = dict(OUTPUT_SIZE_CHOICES, **(choices or {}))
    init = dict(n=32, d=3, f=5, k=10, stride=1, padding=0)
    init.update(initial or {})
    msgs, index, size, params = [], {}, {}, {}
    for n, f, s, p in itertools.product(ch["n"], ch["f"], ch["stride"], ch["padding"]):
        v = output_size_view(n, 1, f, 1, s, p)
        m = -1
        if v["error"]:
            m = index.setdefault(v["error"], len(msgs))
            if m == len(msgs):
                msgs.append(v["error"])
        size[_key(n, f, s, p)] = [v["out"], v["before"], v["after"], v["padded"], v["count"], m]
    for f, d, k in itertools.product(ch["f"], ch["d"], ch["k"]):
        params[_key(f, d, k)] = conv_params(f, d, k)
    presets = [(lab, {k: str(v) for k, v in vals.items()}) for lab, vals in OUTPUT_SIZE_PRESETS
               if all(vals[k] in ch[k] for k in vals)]
    data = {
        "controls": [
            {"name": "n", "label": "N: input size", "options": _opts(ch["n"])},
            {"name": "d", "label": "D: input depth", "options": _opts(ch["d"])},
            {"name": "f", "label": "F: filter size", "options": _opts(ch["f"])},
            {"name": "k", "label": "K: number of filters", "options": _opts(ch["k"])},
            {"name": "stride", "label": "S: stride", "options": _opts(ch["stride"])},
            {"name": "padding", "label": "P: padding", "options": _opts(ch["padding"])},
        ],
        "initial": {k: str(v) for k, v in init.items()},
        "presets": [{"label": lab, "values": vals} for lab, vals in presets],
        "templates": SIZE_FORMULAS,
        "params_template": PARAMS_FORMULA,
        "size": size,
        "msgs": msgs,
        "params": params,
        "max_cells": 40,
    }
    return StaticExplorer("output_size", data, "Explorer: the output size of a convolution")


# ---------------------------------------------------------------------------
# Filter
# ---------------------------------------------------------------------------


def static_filter(images: dict | None = None, *, labels: dict | None = None,
                  initial: dict | None = None, data_dir=None) -> StaticExplorer:
    """The filter explorer, with every (image, filter, stride, padding) precomputed.

    Parameters
    ----------
    images : dict name -> array, optional
        (H, W) or (H, W, 3) images, ideally of pixels 0..255 and at most about
        32 x 32 (each feature map is embedded in full).  Default: a digit, a
        letter and the photograph of :func:`cnnlib.explorers.samples.default_images`.
    labels : dict name -> str, optional
        Menu labels for the images.
    initial : dict, optional
        First setting, e.g. ``{'image': 'digit', 'filter': 'sobel_v', 'stride': 1,
        'padding': 'valid'}``; the first window is where the map is largest.
    data_dir : optional
        Passed to :mod:`cnnlib.data` for the default images.

    Every feature map is :func:`cnnlib.conv2d_forward` (bias 0) rounded to 4
    decimals; identical maps are stored once.  Each image is stored once, padded
    by :func:`cnnlib.zero_pad` with the largest padding any state uses, so that
    the viewer reads every window's pixels from cnnlib's padded array.
    """
    if images is None:
        images = default_images(data_dir)
        labels = dict(IMAGE_LABELS, **(labels or {}))
    labels = labels or {}
    ch = FILTER_CHOICES
    init = {"image": next(iter(images)), "filter": "sobel_v", "stride": 1, "padding": "valid"}
    init.update(initial or {})

    maps, map_index, msgs, msg_index, states, weights, notes = [], {}, [], {}, {}, {}, {}
    img_data, results = [], {}
    for name, arr in images.items():
        x = as_image(arr)
        chans = x.shape[2]
        for fname in ch["filter"]:
            w = kernel_weights(fname, chans)
            weights.setdefault(fname, {})[str(chans)] = _compact(w[:, :, :, 0], 6)
            note = filter_note(fname, chans)
            if note:
                notes[_key(fname, chans)] = note
            for s, p in itertools.product(ch["stride"], ch["padding"]):
                r = filter_result(x, w, s, p)
                results[_key(name, fname, s, p)] = r
        pmax = max((max(max(a) for a in r.pads) for k, r in results.items()
                    if k.startswith(name + "|") and r.pads is not None), default=0)
        xp = zero_pad(x[None], pmax)[0]
        img_data.append({"name": name, "label": labels.get(name, name), "h": x.shape[0], "w": x.shape[1],
                         "c": chans, "pad": pmax, "byte": is_byte_image(x), "v": _compact(xp, 4)})
    first_window = None
    for key, r in results.items():
        if r.error:
            m = msg_index.setdefault(r.error, len(msgs))
            if m == len(msgs):
                msgs.append(r.error)
            states[key] = {"e": m}
            continue
        vals = _compact(r.out, 4)
        sig = (r.out.shape, tuple(vals))
        m = map_index.setdefault(sig, len(maps))
        if m == len(maps):
            maps.append({"h": r.out.shape[0], "w": r.out.shape[1], "v": vals})
        states[key] = {"m": m, "pads": [list(r.pads[0]), list(r.pads[1])]}
        if key == _key(init["image"], init["filter"], init["stride"], init["padding"]):
            first_window = telling_window(r.out)
    row, col = first_window or (0, 0)
    init.setdefault("row", row)
    init.setdefault("col", col)
    data = {
        "controls": [
            {"name": "image", "label": "Image", "options": [[d["name"], d["label"]] for d in img_data]},
            {"name": "filter", "label": "Filter", "options": _opts(ch["filter"], KERNEL_LABELS)},
            {"name": "stride", "label": "Stride", "options": _opts(ch["stride"])},
            {"name": "padding", "label": "Padding", "options": _opts(ch["padding"])},
            {"name": "row", "label": "Window row", "range": True},
            {"name": "col", "label": "Window column", "range": True},
        ],
        "initial": {k: str(v) for k, v in init.items()},
        "images": img_data,
        "weights": weights,
        "notes": notes,
        "states": states,
        "maps": maps,
        "msgs": msgs,
    }
    return StaticExplorer("filter", data, "Explorer: a filter sliding over an image")


# ---------------------------------------------------------------------------
# Pooling
# ---------------------------------------------------------------------------


def static_pooling(grids: dict | None = None, *, labels: dict | None = None,
                   initial: dict | None = None) -> StaticExplorer:
    """The pooling explorer, with every (grid, mode, size, stride, padding) precomputed.

    Each state holds the output and the backward mask (``dout`` = 1) rounded to
    2 decimals, the padding, and per window its corner and pick (max) or count
    of real cells (average), from :func:`cnnlib.explorers.views.pooling_view`.
    """
    if grids is None:
        grids = default_grids()
        labels = dict(GRID_LABELS, **(labels or {}))
    labels = labels or {}
    ch = POOLING_CHOICES
    init = {"grid": next(iter(grids)), "mode": "max", "size": 2, "stride": 2, "padding": "valid",
            "row": 0, "col": 0}
    init.update(initial or {})
    states, msgs, grid_data = {}, [], []
    for name, g in grids.items():
        g = np.asarray(g, dtype=np.float64)
        if g.ndim != 2:
            raise ValueError(f"each grid must be 2-D (H, W); {name!r} has shape {g.shape}.")
        grid_data.append({"name": name, "label": labels.get(name, name), "h": g.shape[0], "w": g.shape[1],
                          "v": _compact(g, 2)})
        for mode, size, s, p in itertools.product(ch["mode"], ch["size"], ch["stride"], ch["padding"]):
            v = pooling_view(g, mode, size, s, p)
            key = _key(name, mode, size, s, p)
            if v["error"]:
                if v["error"] not in msgs:
                    msgs.append(v["error"])
                states[key] = {"e": msgs.index(v["error"])}
                continue
            states[key] = {"pads": [list(v["pads"][0]), list(v["pads"][1])],
                           "ho": v["out"].shape[0], "wo": v["out"].shape[1],
                           "out": _compact(v["out"], 2), "mask": _compact(v["mask"], 2),
                           "win": [w for row in v["windows"] for w in row]}
    data = {
        "controls": [
            {"name": "grid", "label": "Grid", "options": [[d["name"], d["label"]] for d in grid_data]},
            {"name": "mode", "label": "Pooling", "options": _opts(ch["mode"], {"max": "max", "avg": "average"})},
            {"name": "size", "label": "Window size", "options": _opts(ch["size"], {2: "2×2", 3: "3×3"})},
            {"name": "stride", "label": "Stride", "options": _opts(ch["stride"])},
            {"name": "padding", "label": "Padding", "options": _opts(ch["padding"])},
            {"name": "row", "label": "Window row", "range": True},
            {"name": "col", "label": "Window column", "range": True},
        ],
        "initial": {k: str(v) for k, v in init.items()},
        "grids": grid_data,
        "states": states,
        "msgs": msgs,
    }
    return StaticExplorer("pooling", data, "Explorer: max and average pooling, forward and backward")


# ---------------------------------------------------------------------------
# A whole page (for tests and previews)
# ---------------------------------------------------------------------------


def page(*explorers, title: str = "cnnlib explorers") -> str:
    """A standalone HTML document holding the given explorers (or any objects
    with ``_repr_html_``), each under a heading."""
    body = "\n".join(f"<section>{e._repr_html_()}</section>" for e in explorers)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<link rel=\"icon\" href=\"data:,\">"
            f"<title>{html.escape(title)}</title>"
            "<style>body{margin:0 auto;padding:8px;max-width:960px;font-family:system-ui,sans-serif}"
            "h2{font-size:1.1em}</style></head>"
            f"<body><h1>{html.escape(title)}</h1>\n{body}\n</body></html>\n")
