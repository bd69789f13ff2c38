"""The activation-map explorer: what every conv layer of a trained network
makes of a test image the reader picks.

Two renderings of one view, in the style of :mod:`cnnlib.explorers`:

* live, in a running kernel: :func:`activations_explorer`, an ipywidgets
  explorer over the *whole* test set (any index, a random image, the next
  mistake), computing the maps with the model as the reader asks;
* static, for the published book: :func:`static_activations`, whose
  ``_repr_html_`` carries the maps of a handful of test images, precomputed
  here with the model, and a small vanilla-JavaScript viewer (inlined with the
  shared ``core.js`` and CSS of :mod:`cnnlib.explorers`; nothing is fetched
  from the network).

Both show, for the chosen image and layer: the image, the network's class
probabilities, one thumbnail per feature map, and one map enlarged.  The
colours follow the other explorers: a map with no negative value (after a
ReLU) is grey, from black (0) to white (its largest value); a map with
negative values is blue (negative), white (0) and red (positive).  The colour
scale is either each map's own or shared by all maps of the layer.

What "a conv layer's maps" are
------------------------------
:func:`conv_stages` pairs every ``Conv2D`` layer with the layer whose output
is shown: the conv layer itself when it applies its own activation (the
chapters' ``Conv2D(..., activation="relu")``), otherwise the first
activation layer after it (``Conv2D -> BatchNormalization -> ReLU``), so that
the maps are always what the next layer receives.

Chapter 4 introduces the explorer.

Examples
--------
>>> import numpy as np, keras                                      # doctest: +SKIP
>>> from cnnlib import models, activations_explorer as ax         # doctest: +SKIP
>>> net = models.mnist_cnn()                                       # doctest: +SKIP
>>> [s.conv for s in ax.conv_stages(net)]                          # doctest: +SKIP
['conv1', 'conv2']
>>> ax.static_activations(net, x_test, y_test, indices=[0, 1])     # doctest: +SKIP
"""

from __future__ import annotations

import base64
import html
from typing import NamedTuple, Sequence

import numpy as np

from .explorers.live import LiveControls
from .explorers.render import asset, css, png_bytes
from .explorers.static import DATA_TYPE, StaticExplorer

__all__ = [
    "Stage",
    "conv_stages",
    "activation_maps",
    "class_probabilities",
    "quantize_maps",
    "map_rgb",
    "pick_examples",
    "StaticActivations",
    "static_activations",
    "ActivationsExplorer",
    "activations_explorer",
    "ACTIVATIONS_JS",
]

#: Default number of grey levels of the embedded maps (per map, 0 .. LEVELS).
LEVELS = 31


# ---------------------------------------------------------------------------
# The maths-free plumbing: which layers, their outputs, their colours
# ---------------------------------------------------------------------------


class Stage(NamedTuple):
    """One conv layer and the layer whose output the explorer shows.

    Attributes
    ----------
    conv : str
        Name of the ``Conv2D`` layer.
    shown : str
        Name of the layer whose output is shown (``conv`` itself, or the
        activation layer after it).
    path : str
        The layers from ``conv`` to ``shown``, e.g. ``'conv1 → bn1 → relu1'``.
    activation : str
        The activation applied, e.g. ``'relu'`` (``'linear'`` when none).
    """

    conv: str
    shown: str
    path: str
    activation: str


def _keras():
    import keras

    return keras


def _is_conv(layer) -> bool:
    keras = _keras()
    return isinstance(layer, keras.layers.Conv2D)


def _activation_name(layer) -> str | None:
    """'relu' etc. for a layer that applies an activation, None otherwise."""
    keras = _keras()
    if isinstance(layer, keras.layers.ReLU):
        return "relu"
    if isinstance(layer, (keras.layers.Activation, keras.layers.LeakyReLU, keras.layers.ELU,
                          keras.layers.PReLU, keras.layers.Softmax)):
        act = getattr(layer, "activation", None)
        return getattr(act, "__name__", None) or type(layer).__name__.lower()
    return None


def conv_stages(model) -> list[Stage]:
    """Every ``Conv2D`` layer of `model`, with the layer whose output to show.

    Parameters
    ----------
    model : keras.Model
        A ``Sequential`` or a functional model whose ``layers`` are listed in
        the order the data flows (true of the chain-shaped networks of the book).

    Returns
    -------
    list of Stage

    Raises
    ------
    TypeError
        `model` is not a Keras model.
    ValueError
        `model` has no ``Conv2D`` layer.
    """
    keras = _keras()
    if not isinstance(model, keras.Model):
        raise TypeError(f"`model` must be a keras.Model; got {type(model).__name__}.")
    layers = list(model.layers)
    stages = []
    for i, layer in enumerate(layers):
        if not _is_conv(layer):
            continue
        act = getattr(layer.activation, "__name__", "linear")
        if act != "linear":
            stages.append(Stage(layer.name, layer.name, layer.name, act))
            continue
        path, shown, found = [layer.name], layer.name, "linear"
        for nxt in layers[i + 1:]:
            if _is_conv(nxt) or isinstance(nxt, (keras.layers.Flatten, keras.layers.Dense)):
                break
            path.append(nxt.name)
            name = _activation_name(nxt)
            if name:
                shown, found = nxt.name, name
                break
        if found == "linear":
            path = [layer.name]
        stages.append(Stage(layer.name, shown, " → ".join(path), found))
    if not stages:
        raise ValueError(f"`model` {model.name!r} has no Conv2D layer; its layers are "
                         f"{[l.name for l in layers]}.")
    return stages


def _check_images(model, x) -> np.ndarray:
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"`x` must be a float array of images (N, H, W, C) as the model takes them; "
                        f"got dtype {x.dtype}. Scale uint8 pixels first, e.g. cnnlib.data.to_nhwc_float(x).")
    want = tuple(model.inputs[0].shape[1:]) if getattr(model, "inputs", None) else None
    if x.ndim != 4:
        hint = " For one image use `x[None]`." if x.ndim == 3 else ""
        raise ValueError(f"`x` must be 4-D (N, H, W, C); got shape {x.shape}.{hint}")
    if want is not None and any(w is not None and w != s for w, s in zip(want, x.shape[1:])):
        raise ValueError(f"`x` holds images of shape {x.shape[1:]}, but the model takes {want}.")
    return x.astype(np.float32, copy=False)


def _probe(model, names: Sequence[str]):
    keras = _keras()
    if not getattr(model, "inputs", None):
        raise ValueError(f"`model` {model.name!r} has no defined input; build it with keras.Input first.")
    outputs = [model.get_layer(n).output for n in names]
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    return keras.Model(inputs, outputs, name=f"{model.name}_maps")


def _run(net, x, batch_size: int) -> list:
    """``net`` called in inference mode on ``x`` in batches, outputs as float32
    arrays (always a list).  A direct call, not ``predict``: nothing is traced,
    so calling this for many models in a notebook stays quiet and cheap."""
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"`batch_size` must be a positive integer; got {batch_size!r}.")
    parts = []
    for start in range(0, len(x), batch_size):
        out = net(x[start:start + batch_size], training=False)
        parts.append([np.asarray(o, dtype=np.float32) for o in (out if isinstance(out, (list, tuple)) else [out])])
    return [np.concatenate(column) for column in zip(*parts)]


def activation_maps(model, x, *, stages: Sequence[Stage] | None = None, batch_size: int = 256) -> dict:
    """The feature maps the conv stages of `model` produce for images `x`.

    Parameters
    ----------
    model : keras.Model
    x : ndarray of float, shape (N, H, W, C)
        Images as the model takes them.
    stages : list of Stage, optional
        Default :func:`conv_stages` of `model`.
    batch_size : int

    Returns
    -------
    dict
        ``stage.conv -> ndarray of float32, shape (N, H_l, W_l, C_l)``, in
        the order of `stages`, computed in inference mode (dropout and
        augmentation off, batch-norm statistics frozen).
    """
    x = _check_images(model, x)
    stages = list(stages) if stages is not None else conv_stages(model)
    outs = _run(_probe(model, [s.shown for s in stages]), x, batch_size)
    return {s.conv: o for s, o in zip(stages, outs)}


def class_probabilities(model, x, *, batch_size: int = 256) -> np.ndarray:
    """Class probabilities of `model` for `x`, shape (N, K).

    The book's models output logits (see :mod:`cnnlib.models`); a model whose
    outputs are already probabilities (non-negative rows summing to 1) is
    left as it is.
    """
    from .layers import softmax

    x = _check_images(model, x)
    z = _run(model, x, batch_size)[0].astype(np.float64)
    if z.ndim != 2:
        raise ValueError(f"the model's output must be 2-D (N, classes); got shape {z.shape}.")
    if z.min() >= 0 and np.allclose(z.sum(axis=1), 1.0, atol=1e-4):
        return z
    return softmax(z, axis=1)


def quantize_maps(maps, levels: int = LEVELS):
    """Feature maps as small integers and one scale per map.

    Parameters
    ----------
    maps : ndarray, shape (H, W, C)
    levels : int
        Values become integers in ``-levels .. levels``.

    Returns
    -------
    q : ndarray of int16, shape (C, H, W)
        ``round(levels * maps / scale)``, one map after the other.
    scale : ndarray of float64, shape (C,)
        The largest absolute value of each map (0 for a map that is all zero).

    Examples
    --------
    >>> m = np.array([[[0.0, -1.0], [2.0, 0.5]]])          # H=1, W=2, C=2
    >>> q, s = quantize_maps(m, levels=4)
    >>> q.tolist(), s.tolist()
    ([[[0, 4]], [[-4, 2]]], [2.0, 1.0])
    """
    m = np.asarray(maps, dtype=np.float64)
    if m.ndim != 3:
        raise ValueError(f"`maps` must be 3-D (H, W, C) for one image; got shape {m.shape}.")
    if not isinstance(levels, (int, np.integer)) or not 1 <= levels <= 32767:
        raise ValueError(f"`levels` must be an integer in 1..32767; got {levels!r}.")
    scale = np.abs(m).max(axis=(0, 1))
    safe = np.where(scale > 0, scale, 1.0)
    q = np.rint(levels * m / safe).astype(np.int16)
    return np.ascontiguousarray(np.moveaxis(q, 2, 0)), scale


def map_rgb(q, levels: int, factor: float = 1.0, signed: bool = False) -> np.ndarray:
    """Colours of one quantised map, as the static viewer draws them.

    ``t = clip(factor * q / levels, -1, 1)``; unsigned: grey ``255 t`` (negative
    values black); signed: white at 0, towards blue (33, 102, 172) for ``t < 0``
    and red (178, 24, 43) for ``t > 0``.  ``factor`` is 1 for each map's own
    scale and ``scale_map / scale_layer`` for a scale shared by the layer.

    Returns
    -------
    ndarray of uint8, shape (H, W, 3)
    """
    t = np.clip(np.asarray(q, dtype=np.float64) * (factor / levels), -1.0, 1.0)
    if not signed:
        g = np.floor(255 * np.maximum(t, 0.0) + 0.5).astype(np.uint8)
        return np.repeat(g[:, :, None], 3, axis=2)
    neg, pos = np.array([33, 102, 172.0]), np.array([178, 24, 43.0])
    tt = t[:, :, None]
    rgb = np.where(tt < 0, 255 + (-tt) * (neg - 255), 255 + tt * (pos - 255))
    # Math.round in the viewer rounds halves up; so does floor(x + 0.5).
    return np.clip(np.floor(rgb + 0.5), 0, 255).astype(np.uint8)


def pick_examples(y_true, y_pred, *, per_class: int = 1, mistakes: int = 2) -> list[int]:
    """A handful of test indices worth precomputing: the first `per_class`
    correctly classified images of every class, then the first `mistakes`
    misclassified ones (fewer if there are fewer).

    >>> pick_examples([0, 1, 1, 0, 1], [0, 0, 1, 0, 0], mistakes=1)
    [0, 2, 1]
    """
    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"`y_true` and `y_pred` must have the same length; got {y_true.size} and {y_pred.size}.")
    out = []
    for k in np.unique(y_true):
        hits = np.flatnonzero((y_true == k) & (y_pred == k))[:per_class]
        out += [int(i) for i in hits]
    out += [int(i) for i in np.flatnonzero(y_true != y_pred)[:mistakes]]
    return out


def _image_bytes(img) -> np.ndarray:
    """An (H, W, C) image as uint8 grey or RGB for display: [0, 1] floats as
    they are, anything else stretched from its min to its max."""
    a = np.asarray(img, dtype=np.float64)
    if a.min() < 0 or a.max() > 1:
        lo, hi = a.min(), a.max()
        a = (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)
    a = np.clip(np.rint(255 * a), 0, 255).astype(np.uint8)
    return a[:, :, 0] if a.shape[2] == 1 else a[:, :, :3]


def _class_name(classes, k) -> str:
    return str(classes[k]) if classes is not None else str(k)


def _layer_label(stage: Stage, shape) -> str:
    h, w, c = shape
    act = "" if stage.activation == "linear" else f", after {stage.activation}"
    via = f" ({stage.path})" if stage.path != stage.conv else ""
    return f"{stage.conv}{via}: {c} maps of {h}×{w}{act}"


# ---------------------------------------------------------------------------
# Static explorer
# ---------------------------------------------------------------------------

ACTIVATIONS_CSS = """
.cnnx-act-top { display: flex; flex-wrap: wrap; gap: 0.75em; align-items: flex-start; margin: 0 0 0.6em; }
.cnnx .cnnx-act-top .cnnx-fig { flex: 0 1 10.5em; max-width: 12em; }
.cnnx .cnnx-act-top .cnnx-fig.cnnx-act-probs { flex: 1 1 15em; max-width: 21em; }
.cnnx-act-top .cnnx-canvas { max-width: 10.5em; }
.cnnx-bars { width: 100%; border-collapse: collapse; font-size: 0.85em; font-variant-numeric: tabular-nums; }
.cnnx-bars td { padding: 0.05em 0.3em; border: 0; white-space: nowrap; }
.cnnx-bars td.cnnx-bar-k { width: 1.6em; text-align: right; font-weight: 600; }
.cnnx-bars td.cnnx-bar-b { width: 100%; }
.cnnx-bars td.cnnx-bar-v { width: 4.2em; text-align: right; color: var(--cnnx-muted); }
.cnnx-bars .cnnx-bar-bg { height: 0.8em; min-width: 4em; background: #e5e7eb; border-radius: 2px; }
.cnnx-bars .cnnx-bar-fg { height: 100%; background: #60a5fa; border-radius: 2px; }
.cnnx-bars tr.cnnx-true .cnnx-bar-fg { background: #16a34a; }
.cnnx-bars tr.cnnx-wrong .cnnx-bar-fg { background: var(--cnnx-red); }
.cnnx-verdict { margin: 0.2em 0; font-weight: 600; }
.cnnx-verdict.cnnx-bad { color: var(--cnnx-red); }
.cnnx-amaps { display: grid; grid-template-columns: repeat(auto-fill, minmax(4.2em, 1fr)); gap: 0.35em;
  margin: 0.3em 0 0.4em; }
.cnnx-amap { display: block; margin: 0; padding: 2px; border: 2px solid transparent; border-radius: 4px;
  background: #fff; cursor: pointer; font: inherit; color: var(--cnnx-ink); text-align: center; min-width: 0; }
.cnnx-amap.cnnx-on { border-color: var(--cnnx-amber); }
.cnnx-amap canvas, .cnnx-amap img { display: block; width: 100%; height: auto; image-rendering: pixelated;
  background: #000; }
.cnnx-amap span { display: block; font-size: 0.72em; line-height: 1.2; color: var(--cnnx-muted); }
@media (max-width: 480px) {
  .cnnx .cnnx-act-top .cnnx-fig { flex: 1 1 40%; max-width: 48%; }
  .cnnx .cnnx-act-top .cnnx-fig.cnnx-act-probs { flex: 1 1 100%; max-width: 100%; order: 3; }
}
"""

#: The static viewer (vanilla JS, no network); mirrors :func:`map_rgb` and
#: :class:`ActivationsExplorer`'s layout.  Registered as ``cnnx.kinds.activations``
#: for the shared ``core.js`` of :mod:`cnnlib.explorers`.
ACTIVATIONS_JS = r"""
/* Activation-map explorer (static). Mirrors cnnlib/activations_explorer.py.
   data.images[i] = {name, label, index, true, pred, probs, h, w, c, px}: px are the image's
   bytes (grey or RGB); data.layers[l] = {name, label, h, w, c, signed};
   data.maps["image|layer"] = {s: [scale per map], q: [C*H*W integers, map after map]},
   value = q * s / data.levels, computed by the model in Python. */
(function () {
  "use strict";
  var cnnx = window.cnnx;
  var NEG = [33, 102, 172], POS = [178, 24, 43];

  function mapRgb(q, off, n, levels, factor, signed) {
    var rgb = new Uint8ClampedArray(3 * n);
    for (var p = 0; p < n; p++) {
      var t = Math.max(-1, Math.min(1, q[off + p] * (factor / levels)));
      for (var k = 0; k < 3; k++) {
        if (!signed) { rgb[3 * p + k] = Math.round(255 * Math.max(t, 0)); }
        else { rgb[3 * p + k] = Math.round(t < 0 ? 255 + (-t) * (NEG[k] - 255) : 255 + t * (POS[k] - 255)); }
      }
    }
    return rgb;
  }

  function imageRgb(img) {
    var n = img.h * img.w, rgb = new Uint8ClampedArray(3 * n);
    for (var p = 0; p < n; p++) {
      for (var k = 0; k < 3; k++) { rgb[3 * p + k] = img.px[img.c === 3 ? 3 * p + k : p]; }
    }
    return rgb;
  }

  function scaleFor(h, w, target) { return Math.max(1, Math.floor(target / Math.max(h, w))); }

  function barsHtml(img, classes) {
    var rows = ['<table class="cnnx-bars" data-cnnx="probs">'];
    img.probs.forEach(function (p, k) {
      var cls = k === img["true"] ? "cnnx-true" : (k === img.pred ? "cnnx-wrong" : "");
      var word = k === img["true"] ? (k === img.pred ? " true, predicted" : " true") : (k === img.pred ? " predicted" : "");
      rows.push('<tr class="' + cls + '"><td class="cnnx-bar-k">' + cnnx.esc(classes[k]) + "</td>" +
        '<td class="cnnx-bar-b"><div class="cnnx-bar-bg"><div class="cnnx-bar-fg" style="width:' + (100 * p).toFixed(1) +
        '%"></div></div></td><td class="cnnx-bar-v">' + (100 * p).toFixed(1) + "%" + word + "</td></tr>");
    });
    rows.push("</table>");
    return rows.join("");
  }

  cnnx.kinds.activations = function (root, data) {
    var classes = data.classes;
    var inCanvas = document.createElement("canvas"), bigCanvas = document.createElement("canvas");
    inCanvas.className = bigCanvas.className = "cnnx-canvas";
    inCanvas.setAttribute("role", "img");
    bigCanvas.setAttribute("role", "img");
    inCanvas.setAttribute("data-cnnx", "input");
    bigCanvas.setAttribute("data-cnnx", "map");
    var probs = document.createElement("div");
    var figIn = cnnx.figure(inCanvas), figBig = cnnx.figure(bigCanvas), figP = cnnx.figure(probs, " cnnx-act-probs");
    var top = document.createElement("div");
    top.className = "cnnx-act-top";
    [figIn, figP, figBig].forEach(function (f) { top.appendChild(f.fig); });
    var head = document.createElement("p");
    head.className = "cnnx-note";
    head.setAttribute("data-cnnx", "layer");
    var grid = document.createElement("div");
    grid.className = "cnnx-amaps";
    grid.setAttribute("data-cnnx", "maps");
    var gridKey = null, thumbs = [];
    var status = cnnx.status();

    function lookup(st) {
      var img = data.images.filter(function (d) { return d.name === st.image; })[0];
      var layer = data.layers.filter(function (d) { return d.name === st.layer; })[0];
      return {img: img, layer: layer, rec: data.maps[img.name + "|" + layer.name]};
    }

    function render(st) {
      var v = lookup(st), img = v.img, layer = v.layer, rec = v.rec;
      var n = layer.h * layer.w, shared = st.scale === "layer";
      var most = Math.max.apply(null, rec.s.concat([0]));
      cnnx.paint(inCanvas, imageRgb(img), img.h, img.w, scaleFor(img.h, img.w, 168));
      figIn.cap.textContent = img.label + ".";
      inCanvas.setAttribute("aria-label", "input image: " + img.label);
      var ok = img.pred === img["true"];
      probs.innerHTML = '<p class="cnnx-verdict' + (ok ? "" : " cnnx-bad") + '" data-cnnx="verdict">' +
        (ok ? "✓ " : "✗ ") + "true " + cnnx.esc(classes[img["true"]]) + ", predicted " +
        cnnx.esc(classes[img.pred]) + " (" + (100 * img.probs[img.pred]).toFixed(1) + "%)</p>" +
        barsHtml(img, classes);
      figP.cap.textContent = "The network's class probabilities (softmax of its logits); green: the true class" +
        (ok ? "." : ", red: the wrong prediction.") + " Each is also named after its percentage.";
      head.textContent = layer.label + ". Colour scale: " +
        (shared ? "shared by the layer (the brightest map of the layer sets white)." :
          "each map its own (white: that map's largest value).") + " Choose a map (click it, or Tab to it and press Enter) to enlarge it.";
      form.setRange("map", layer.c - 1, false);
      var m = Number(form.state.map);
      var key = img.name + "|" + layer.name + "|" + st.scale;
      if (gridKey !== key) {
        grid.innerHTML = "";
        thumbs = [];
        for (var k = 0; k < layer.c; k++) {
          var b = document.createElement("button");
          b.type = "button";
          b.className = "cnnx-amap";
          b.setAttribute("data-cnnx-map", String(k));
          b.setAttribute("aria-label", "map " + k + " of " + layer.name);
          var cv = document.createElement("canvas");
          var f = shared ? (most > 0 ? rec.s[k] / most : 0) : 1;
          cnnx.paint(cv, mapRgb(rec.q, k * n, n, data.levels, f, layer.signed), layer.h, layer.w, 1);
          var lab = document.createElement("span");
          lab.textContent = "#" + k + (rec.s[k] === 0 ? " (0)" : "");
          b.appendChild(cv);
          b.appendChild(lab);
          b.addEventListener("click", (function (kk) {
            return function () { form.set({map: String(kk)}); };
          })(k));
          grid.appendChild(b);
          thumbs.push(b);
        }
        gridKey = key;
      }
      thumbs.forEach(function (b, k) {
        b.className = "cnnx-amap" + (k === m ? " cnnx-on" : "");
        b.setAttribute("aria-pressed", k === m ? "true" : "false");
      });
      var fm = shared ? (most > 0 ? rec.s[m] / most : 0) : 1;
      cnnx.paint(bigCanvas, mapRgb(rec.q, m * n, n, data.levels, fm, layer.signed), layer.h, layer.w,
        scaleFor(layer.h, layer.w, 168));
      var colours = layer.signed ? "blue: negative, white: 0, red: positive" :
        "black: 0, white: " + (shared ? "the layer's largest value" : "its largest value");
      bigCanvas.setAttribute("aria-label", "map #" + m + " of " + layer.name + ", enlarged");
      figBig.cap.innerHTML = "Map #" + m + " of " + cnnx.esc(layer.name) + ", " + layer.h + "×" + layer.w +
        '; largest |value| <b data-cnnx="scale">' + cnnx.fmt(rec.s[m], 3) + "</b> (" + colours + ").";
      status.textContent = "Map #" + m + " of " + layer.name + ", largest |value| " + cnnx.fmt(rec.s[m], 3) +
        ". " + (ok ? "Correct: " : "Wrong: ") + "true " + classes[img["true"]] + ", predicted " +
        classes[img.pred] + " (" + (100 * img.probs[img.pred]).toFixed(1) + "%).";
    }

    var form = cnnx.form(data.controls, data.initial, render);
    root.appendChild(form.form);
    root.appendChild(status);
    root.appendChild(top);
    root.appendChild(head);
    root.appendChild(grid);
    render(form.state);
  };
})();
"""


class StaticActivations(StaticExplorer):
    """The static activation-map explorer (see :func:`static_activations`).

    A :class:`cnnlib.explorers.StaticExplorer` of kind ``'activations'``: the
    same embedding of the states (deflated, base64 JSON), the same
    ``core.js`` and CSS, plus this module's viewer :data:`ACTIVATIONS_JS`.
    """

    def __init__(self, data: dict, title: str):
        super().__init__("activations", data, title)

    @property
    def html(self) -> str:
        if self._html is None:
            js = asset("core.js") + "\n" + ACTIVATIONS_JS
            self._html = (
                f'<div class="cnnx cnnx-static" id="{self.id}" data-cnnx-kind="{self.kind}">'
                f"<style>{css()}{ACTIVATIONS_CSS}</style>"
                f'<div class="cnnx-title">{html.escape(self.title)}</div>'
                '<p class="cnnx-nojs">This explorer runs in the browser with JavaScript: open the book '
                "page, or run the notebook for the live version.</p>"
                f'<script type="{DATA_TYPE}" class="cnnx-data">{self._b64}</script>'
                f"<script>{js}\nwindow.cnnx.mount(document.getElementById({_js_str(self.id)}));</script>"
                "</div>"
            )
        return self._html


def _js_str(s: str) -> str:
    import json

    return json.dumps(s)


def _check_labels(y, n: int, num_classes: int, classes):
    if y is None:
        return None
    y = np.asarray(y)
    if y.ndim == 2:                     # one-hot
        y = y.argmax(axis=1)
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(f"`y` must hold one label per image ({n}); got shape {np.shape(y)}.")
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"`y` must hold integer class labels (or one-hot rows); got dtype {y.dtype}.")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"`y` must hold labels in 0..{num_classes - 1}; got {y.min()}..{y.max()}.")
    if classes is not None and len(classes) != num_classes:
        raise ValueError(f"`classes` must name the model's {num_classes} classes; got {len(classes)}.")
    return y.astype(np.int64)


def static_activations(model, x, y=None, *, indices: Sequence[int] | None = None, classes=None,
                       stages: Sequence[Stage] | None = None, levels: int = LEVELS,
                       initial: dict | None = None, title: str | None = None) -> StaticActivations:
    """The activation-map explorer for a page without a kernel.

    Parameters
    ----------
    model : keras.Model
        A trained network that outputs logits (or probabilities).
    x : ndarray of float, shape (N, H, W, C)
        The test images, as the model takes them.
    y : array of int, shape (N,), optional
        Their labels (or one-hot rows).
    indices : sequence of int, optional
        The images to precompute (a handful: each costs the size of all its
        maps).  Default with `y`: :func:`pick_examples` (one correctly
        classified image per class and two mistakes); without: the first 8.
    classes : sequence of str, optional
        Class names (default ``'0'``, ``'1'``, ...).
    stages : list of Stage, optional
        Default :func:`conv_stages`.
    levels : int
        Each map is embedded as integers in ``-levels .. levels`` times one
        scale per map (:func:`quantize_maps`).
    initial : dict, optional
        e.g. ``{'image': 'i7', 'layer': 'conv2', 'scale': 'map', 'map': 3}``.
    title : str, optional

    Returns
    -------
    StaticActivations
        Display it (a cell's value) to embed the viewer; ``.data`` holds what
        the page carries.
    """
    x = _check_images(model, x)
    stages = list(stages) if stages is not None else conv_stages(model)
    if indices is None:
        probs_all = class_probabilities(model, x)
        yy = _check_labels(y, len(x), probs_all.shape[1], classes)
        indices = pick_examples(yy, probs_all.argmax(1)) if yy is not None else list(range(min(8, len(x))))
    indices = [int(i) for i in indices]
    if not indices:
        raise ValueError("`indices` is empty: choose at least one image.")
    bad = [i for i in indices if not 0 <= i < len(x)]
    if bad:
        raise ValueError(f"`indices` must be in 0..{len(x) - 1}; got {bad}.")
    if len(set(indices)) != len(indices):
        raise ValueError(f"`indices` must not repeat an image; got {indices}.")
    sub = x[indices]
    probs = class_probabilities(model, sub)
    num_classes = probs.shape[1]
    ysub = _check_labels(None if y is None else np.asarray(y)[indices], len(indices), num_classes, classes)
    names = [str(classes[k]) if classes is not None else str(k) for k in range(num_classes)]
    maps = activation_maps(model, sub, stages=stages)

    images, states = [], {}
    for j, idx in enumerate(indices):
        px = _image_bytes(sub[j])
        pred = int(probs[j].argmax())
        true = int(ysub[j]) if ysub is not None else pred
        mark = "" if ysub is None else (" ✓" if pred == true else " ✗")
        label = (f"test image #{idx}: " + (f"a {names[true]}, " if ysub is not None else "")
                 + f"predicted {names[pred]}{mark}")
        short = f"#{idx}: " + (f"{names[true]} → {names[pred]}{mark}" if ysub is not None else f"→ {names[pred]}")
        images.append({"name": f"i{idx}", "label": label, "short": short, "index": idx, "true": true, "pred": pred,
                       "probs": [round(float(p), 4) for p in probs[j]],
                       "h": int(px.shape[0]), "w": int(px.shape[1]), "c": 1 if px.ndim == 2 else 3,
                       "px": px.ravel().tolist()})
    layers = []
    for s in stages:
        a = maps[s.conv]
        signed = bool(a.min() < 0)
        layers.append({"name": s.conv, "label": _layer_label(s, a.shape[1:]), "h": int(a.shape[1]),
                       "w": int(a.shape[2]), "c": int(a.shape[3]), "signed": signed})
        for j, idx in enumerate(indices):
            q, scale = quantize_maps(a[j], levels)
            states[f"i{idx}|{s.conv}"] = {"s": [float(f"{v:.4g}") for v in scale], "q": q.ravel().tolist()}
    init = {"image": images[0]["name"], "layer": layers[0]["name"], "scale": "map", "map": None}
    init.update(initial or {})
    if init["map"] is None:   # the most active map of the first image and layer
        a0 = maps[init["layer"]] if init["layer"] in maps else maps[stages[0].conv]
        j0 = next((j for j, d in enumerate(images) if d["name"] == init["image"]), 0)
        init["map"] = int(a0[j0].mean(axis=(0, 1)).argmax())
    data = {
        "controls": [
            {"name": "image", "label": "Test image", "options": [[d["name"], d["short"]] for d in images]},
            {"name": "layer", "label": "Layer", "options": [[d["name"], d["name"]] for d in layers]},
            {"name": "scale", "label": "Colour scale",
             "options": [["map", "each map its own"], ["layer", "shared by the layer"]]},
            {"name": "map", "label": "Enlarged map", "range": True},
        ],
        "initial": {k: str(v) for k, v in init.items()},
        "classes": names,
        "levels": int(levels),
        "images": images,
        "layers": layers,
        "maps": states,
    }
    return StaticActivations(data, title or "Explorer: every conv layer's activation maps for a test image")


# ---------------------------------------------------------------------------
# Live explorer (ipywidgets)
# ---------------------------------------------------------------------------


def _png_uri(rgb: np.ndarray, scale: int) -> str:
    big = np.repeat(np.repeat(rgb, scale, axis=0), scale, axis=1)
    return "data:image/png;base64," + base64.b64encode(png_bytes(big)).decode("ascii")


def _bars_html(probs, true, pred, names) -> str:
    rows = ['<table class="cnnx-bars" data-cnnx="probs">']
    for k, p in enumerate(probs):
        cls = "cnnx-true" if k == true else ("cnnx-wrong" if k == pred else "")
        word = (" true, predicted" if k == pred else " true") if k == true else (" predicted" if k == pred else "")
        rows.append(f'<tr class="{cls}"><td class="cnnx-bar-k">{html.escape(names[k])}</td>'
                    f'<td class="cnnx-bar-b"><div class="cnnx-bar-bg"><div class="cnnx-bar-fg" style="width:{100 * p:.1f}%">'
                    f'</div></div></td><td class="cnnx-bar-v">{100 * p:.1f}%{word}</td></tr>')
    rows.append("</table>")
    return "".join(rows)


class ActivationsExplorer(LiveControls):
    """See :func:`activations_explorer`.  ``.widget`` is the ipywidgets ``VBox``
    (also shown when the explorer is a cell's value).  ``set`` changes the map
    last, once the layer has given the slider its range."""

    SET_LAST = ("map",)

    def __init__(self, model, x, y=None, *, classes=None, stages=None, index: int = 0, seed: int = 0):
        import ipywidgets as W

        self.model = model
        self.x = _check_images(model, x)
        self.stages = list(stages) if stages is not None else conv_stages(model)
        self._probe = _probe(model, [s.shown for s in self.stages])
        self._rng = np.random.default_rng(seed)
        self.probs = None
        self.maps = None
        self.view = None
        n = len(self.x)
        out_dim = int(model.outputs[0].shape[-1])
        self.y = _check_labels(y, n, out_dim, classes)
        self.names = [str(classes[k]) if classes is not None else str(k) for k in range(out_dim)]
        if not 0 <= index < n:
            raise ValueError(f"`index` must be in 0..{n - 1}; got {index}.")
        style = {"description_width": "initial"}
        wide = W.Layout(width="auto", min_width="12em", max_width="22em", flex="1 1 12em")
        self.controls = {
            "index": W.BoundedIntText(value=index, min=0, max=n - 1, description=f"Test image (0–{n - 1})",
                                      style=style, layout=wide),
            "layer": W.Dropdown(options=[(s.conv, s.conv) for s in self.stages], value=self.stages[0].conv,
                                description="Layer", style=style, layout=wide),
            "scale": W.Dropdown(options=[("each map its own", "map"), ("shared by the layer", "layer")],
                                value="map", description="Colour scale", style=style, layout=wide),
            "map": W.IntSlider(value=0, min=0, max=0, description="Enlarged map", style=style, layout=wide),
        }
        self.random_button = W.Button(description="random image", layout=W.Layout(width="auto"))
        self.mistake_button = W.Button(description="next mistake", layout=W.Layout(width="auto"),
                                       disabled=self.y is None)
        self.random_button.on_click(lambda _b: self.set(index=int(self._rng.integers(n))))
        self.mistake_button.on_click(lambda _b: self.next_mistake())
        self.status = W.HTML()
        self.top = W.HTML()
        self.grid = W.HTML()
        head = W.HTML(f"<style>{css()}{ACTIVATIONS_CSS}</style>"
                      '<div class="cnnx-title">Explorer: every conv layer\'s activation maps for a test image</div>')
        box = W.Box(list(self.controls.values()), layout=W.Layout(display="flex", flex_flow="row wrap"))
        box.add_class("cnnx-wrap")
        buttons = W.HBox([self.random_button, self.mistake_button, self.status],
                         layout=W.Layout(flex_flow="row wrap"))
        self.widget = W.VBox([head, box, buttons, self.top, self.grid])
        self.widget.add_class("cnnx")
        self.widget.add_class("cnnx-live")
        for c in self.controls.values():
            c.observe(self._changed, names="value")
        self._image_index = None
        self._first = True
        self._changed()

    # -- navigation ---------------------------------------------------------

    def next_mistake(self) -> int | None:
        """Jump to the next misclassified test image after the current one
        (predictions for the whole set are computed once, on first use)."""
        if self.y is None:
            return None
        if self.probs is None:
            self.probs = class_probabilities(self.model, self.x)
        wrong = np.flatnonzero(self.probs.argmax(1) != self.y)
        if wrong.size == 0:
            self.status.value = '<span class="cnnx-note">No mistakes on this set.</span>'
            return None
        after = wrong[wrong > self.controls["index"].value]
        i = int(after[0] if after.size else wrong[0])
        self.set(index=i)
        return i

    # -- the view -----------------------------------------------------------

    def update(self):
        c = self.controls
        i = int(c["index"].value)
        if i != self._image_index:
            outs = _run(self._probe, self.x[i:i + 1], 1)
            self.maps = {s.conv: o[0] for s, o in zip(self.stages, outs)}
            self._image_probs = class_probabilities(self.model, self.x[i:i + 1])[0]
            self._image_index = i
        stage = next(s for s in self.stages if s.conv == c["layer"].value)
        a = self.maps[stage.conv]
        h, w, ch = a.shape
        c["map"].max = ch - 1
        if self._first:
            self._first = False
            c["map"].value = int(a.mean(axis=(0, 1)).argmax())
        m = int(c["map"].value)
        q, scale = quantize_maps(a, LEVELS)
        signed = bool(a.min() < 0)
        shared = c["scale"].value == "layer"
        top = float(scale.max())
        probs = self._image_probs
        pred = int(probs.argmax())
        true = int(self.y[i]) if self.y is not None else pred
        ok = pred == true
        self.view = {"index": i, "layer": stage.conv, "map": m, "maps": a, "scale": scale, "probs": probs,
                     "pred": pred, "true": true if self.y is not None else None}

        def factor(k):
            return (scale[k] / top if top > 0 else 0.0) if shared else 1.0

        img = _image_bytes(self.x[i])
        rgb = np.repeat(img[:, :, None], 3, axis=2) if img.ndim == 2 else img
        s_in = max(1, 168 // max(rgb.shape[:2]))
        s_big = max(1, 168 // max(h, w))
        colours = ("blue: negative, white: 0, red: positive" if signed else
                   "black: 0, white: " + ("the layer's largest value" if shared else "its largest value"))
        truth = f"a {html.escape(self.names[true])}, " if self.y is not None else ""
        verdict = (f'<p class="cnnx-verdict{"" if ok else " cnnx-bad"}" data-cnnx="verdict">'
                   f'{"✓" if ok else "✗"} true {html.escape(self.names[true])}, predicted '
                   f'{html.escape(self.names[pred])} ({100 * probs[pred]:.1f}%)</p>') if self.y is not None else (
                   f'<p class="cnnx-verdict" data-cnnx="verdict">predicted {html.escape(self.names[pred])} '
                   f'({100 * probs[pred]:.1f}%)</p>')
        self.top.value = (
            '<div class="cnnx-act-top">'
            f'<figure class="cnnx-fig"><img class="cnnx-canvas" data-cnnx="input" alt="test image {i}" '
            f'src="{_png_uri(rgb, s_in)}"><figcaption>test image #{i}: {truth}predicted '
            f'{html.escape(self.names[pred])}.</figcaption></figure>'
            f'<figure class="cnnx-fig cnnx-act-probs">{verdict}{_bars_html(probs, true, pred, self.names)}'
            '<figcaption>The network\'s class probabilities (softmax of its logits); green: the true class'
            f'{"." if ok else ", red: the wrong prediction."}</figcaption></figure>'
            f'<figure class="cnnx-fig"><img class="cnnx-canvas" data-cnnx="map" alt="map {m}" '
            f'src="{_png_uri(map_rgb(q[m], LEVELS, factor(m), signed), s_big)}">'
            f'<figcaption>Map #{m} of {html.escape(stage.conv)}, {h}×{w}; largest |value| '
            f'<b data-cnnx="scale">{scale[m]:.3g}</b> ({colours}).</figcaption></figure></div>')
        thumbs = [f'<p class="cnnx-note" data-cnnx="layer">{html.escape(_layer_label(stage, a.shape))}. '
                  'Colour scale: ' + ("shared by the layer (the brightest map of the layer sets white)."
                                      if shared else "each map its own (white: that map's largest value).")
                  + ' Move the "Enlarged map" slider to enlarge a map.</p><div class="cnnx-amaps" data-cnnx="maps">']
        s_th = max(1, 56 // max(h, w))
        for k in range(ch):
            on = " cnnx-on" if k == m else ""
            thumbs.append(f'<div class="cnnx-amap{on}" data-cnnx-map="{k}"><img alt="map {k}" '
                          f'src="{_png_uri(map_rgb(q[k], LEVELS, factor(k), signed), s_th)}">'
                          f'<span>#{k}{" (0)" if scale[k] == 0 else ""}</span></div>')
        thumbs.append("</div>")
        self.grid.value = "".join(thumbs)
        self.status.value = ""

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    def __repr__(self) -> str:
        return "<ActivationsExplorer: an ipywidgets explorer; run the notebook to use it>"


def activations_explorer(model, x, y=None, *, classes=None, stages=None, index: int = 0,
                         seed: int = 0) -> ActivationsExplorer:
    """Explore every conv layer's activation maps for any test image, live.

    Parameters
    ----------
    model : keras.Model
        A trained network that outputs logits (or probabilities).
    x : ndarray of float, shape (N, H, W, C)
        The test images as the model takes them (all of them: the reader picks).
    y : array of int, optional
        Their labels; enables the verdict and the "next mistake" button.
    classes : sequence of str, optional
    stages : list of Stage, optional
        Default :func:`conv_stages`.
    index : int
        The first image shown.
    seed : int
        Seed of the "random image" button.

    Returns
    -------
    ActivationsExplorer
        ``.controls`` ('index', 'layer', 'scale', 'map'), ``.set(**values)``,
        ``.next_mistake()``, ``.view`` (the maps, scales and probabilities
        shown) and ``.widget`` (the ``VBox``).
    """
    return ActivationsExplorer(model, x, y, classes=classes, stages=stages, index=index, seed=seed)
