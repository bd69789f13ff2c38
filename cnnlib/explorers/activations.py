"""The activation-map explorer: what every conv layer of a trained network
makes of a test image the reader picks (chapter 4).

The views are computed here with the model (Keras) and drawn by
``assets/activations.js``, live (:func:`activations_explorer`, an anywidget
over the *whole* test set: any index, a random image, the next mistake) and
static (:func:`static_activations`: the maps of a handful of test images,
precomputed).  Both show the image, the class probabilities, one thumbnail
per feature map and one map enlarged; the colours are the explorers' one
colour map (``colour`` in ``core.js``): grey for a map with no negative value
(after a ReLU), RdBu (blue negative, white 0, red positive) otherwise, with
each map's own scale or one shared by the layer.  A map travels as int8
bytes: ``round(31 * value / scale)`` and one scale per map.

What "a conv layer's maps" are
------------------------------
:func:`conv_stages` pairs every ``Conv2D`` layer with the layer whose output
is shown: the conv layer itself when it applies its own activation (the
chapters' ``Conv2D(..., activation="relu")``), otherwise the first
activation layer after it (``Conv2D -> BatchNormalization -> ReLU``), so that
the maps are always what the next layer receives.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np

from .base import Explorer, Part, StaticExplorer, pack

__all__ = ["Stage", "conv_stages", "activation_maps", "class_probabilities", "quantize_maps", "pick_examples",
           "image_view", "maps_view", "static_activations", "ActivationsExplorer", "activations_explorer"]

#: Default number of levels of the embedded maps (per map, -LEVELS .. LEVELS: int8).
LEVELS = 31
TITLE = "Explorer: every conv layer's activation maps for a test image"


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
    from ..layers import softmax

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


def _layer_label(stage: Stage, shape) -> str:
    h, w, c = shape
    act = "" if stage.activation == "linear" else f", after {stage.activation}"
    via = f" ({stage.path})" if stage.path != stage.conv else ""
    return f"{stage.conv}{via}: {c} maps of {h}×{w}{act}"


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


def _image_bytes(img) -> np.ndarray:
    """An (H, W, C) image as uint8 for display: [0, 1] floats as they are,
    anything else stretched from its min to its max."""
    a = np.asarray(img, dtype=np.float64)
    if a.min() < 0 or a.max() > 1:
        lo, hi = a.min(), a.max()
        a = (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)
    a = np.clip(np.rint(255 * a), 0, 255).astype(np.uint8)
    return a if a.shape[2] in (1, 3) else a[:, :, :3]


def image_view(x_one, probs, index: int, true, names) -> dict:
    """The image part of a view: pixels (uint8 bytes), probabilities, true and predicted class."""
    pred = int(np.argmax(probs))
    mark = "" if true is None else (" ✓" if pred == true else " ✗")
    short = f"#{index}: " + (f"{names[true]} → {names[pred]}{mark}" if true is not None else f"→ {names[pred]}")
    return {"index": int(index), "true": None if true is None else int(true), "pred": pred, "short": short,
            "probs": [round(float(p), 4) for p in probs], "px": pack(_image_bytes(x_one), "u1")}


def maps_view(a, levels: int = LEVELS) -> dict:
    """The maps part of a view for one image and layer, `a` of shape (H, W, C):
    ``q`` (C, H, W) int8 from :func:`quantize_maps`, ``s`` one scale per map,
    ``signed`` (does any value fall below 0?)."""
    q, scale = quantize_maps(a, levels)
    return {"q": pack(q, "i1" if levels <= 127 else "i2"), "s": [float(f"{v:.4g}") for v in scale],
            "signed": bool(np.min(a) < 0), "levels": int(levels)}


def _spec(stages, shapes, names, image_control: dict, live: bool) -> dict:
    layers = [{"name": s.conv, "label": _layer_label(s, shapes[s.conv])} for s in stages]
    return {"kind": "activations", "title": TITLE, "classes": names, "layers": layers, "presets": [],
            "buttons": ["random image", "next mistake"] if live else [], "live": live,
            "controls": [
                image_control,
                {"name": "layer", "label": "Layer", "options": [[s.conv, s.conv] for s in stages]},
                {"name": "scale", "label": "Colour scale",
                 "options": [["map", "each map its own"], ["layer", "shared by the layer"]]},
                {"name": "map", "label": "Enlarged map", "range": True},
            ]}


def _names(classes, num_classes):
    return [str(classes[k]) if classes is not None else str(k) for k in range(num_classes)]


def static_activations(model, x, y=None, *, indices: Sequence[int] | None = None, classes=None,
                       stages: Sequence[Stage] | None = None, levels: int = LEVELS,
                       initial: dict | None = None, title: str | None = None) -> StaticExplorer:
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
        The images to precompute (a handful).  Default with `y`:
        :func:`pick_examples` (one correctly classified image per class and two
        mistakes); without: the first 8.
    classes : sequence of str, optional; stages : list of Stage, optional
    levels : int
        Maps are embedded as integers in ``-levels .. levels`` (:func:`quantize_maps`).
    initial : dict, optional
        e.g. ``{'image': 'i7', 'layer': 'conv2', 'scale': 'map', 'map': 3}``.
    title : str, optional
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
    ysub = _check_labels(None if y is None else np.asarray(y)[indices], len(indices), probs.shape[1], classes)
    names = _names(classes, probs.shape[1])
    maps = activation_maps(model, sub, stages=stages)
    image_part, maps_part, options = Part("image"), Part("image", "layer"), []
    for j, idx in enumerate(indices):
        iv = image_view(sub[j], probs[j], idx, None if ysub is None else int(ysub[j]), names)
        image_part.add((f"i{idx}",), iv)
        options.append([f"i{idx}", iv["short"]])
        for s in stages:
            maps_part.add((f"i{idx}", s.conv), maps_view(maps[s.conv][j], levels))
    spec = _spec(stages, {s.conv: maps[s.conv].shape[1:] for s in stages}, names,
                 {"name": "image", "label": "Test image", "options": options}, live=False)
    if title:
        spec["title"] = title
    init = {"image": options[0][0], "layer": stages[0].conv, "scale": "map", "map": None}
    init.update(initial or {})
    if init["map"] is None:   # the most active map of the first image and layer
        j0 = next((j for j, o in enumerate(options) if o[0] == init["image"]), 0)
        init["map"] = int(maps[init["layer"]][j0].mean(axis=(0, 1)).argmax())
    return StaticExplorer("activations", spec, init, {"image": image_part, "maps": maps_part})


class ActivationsExplorer(Explorer):
    """See :func:`activations_explorer`."""

    KIND = "activations"
    LOCAL = ("map", "scale")

    def __init__(self, model, x, y=None, *, classes=None, stages=None, index: int = 0, seed: int = 0):
        self.model = model
        self.x = _check_images(model, x)
        self.stages = list(stages) if stages is not None else conv_stages(model)
        self._probe = _probe(model, [s.shown for s in self.stages])
        self._rng = np.random.default_rng(seed)
        self.probs = None
        n = len(self.x)
        out_dim = int(model.outputs[0].shape[-1])
        self.y = _check_labels(y, n, out_dim, classes)
        self.names = _names(classes, out_dim)
        if not 0 <= index < n:
            raise ValueError(f"`index` must be in 0..{n - 1}; got {index}.")
        outs = _run(self._probe, self.x[index:index + 1], 1)
        shapes = {s.conv: o.shape[1:] for s, o in zip(self.stages, outs)}
        spec = _spec(self.stages, shapes, self.names,
                     {"name": "image", "label": f"Test image (0–{n - 1})", "number": [0, n - 1]}, live=True)
        first = outs[0][0]
        values = {"image": index, "layer": self.stages[0].conv, "scale": "map",
                  "map": int(first.mean(axis=(0, 1)).argmax())}
        self._cache = (None, None)
        super().__init__(spec, values)

    def action(self, name: str) -> dict:
        if name == "random image":
            return {"image": int(self._rng.integers(len(self.x)))}
        if name == "next mistake":
            i = self.next_mistake(apply=False)
            return {} if i is None else {"image": i}
        return {}

    def next_mistake(self, apply: bool = True) -> int | None:
        """The next misclassified test image after the current one (predictions for the
        whole set are computed once, on first use); shown unless ``apply=False``."""
        if self.y is None:
            return None
        if self.probs is None:
            self.probs = class_probabilities(self.model, self.x)
        wrong = np.flatnonzero(self.probs.argmax(1) != self.y)
        if wrong.size == 0:
            return None
        after = wrong[wrong > int(self.values["image"])]
        i = int(after[0] if after.size else wrong[0])
        if apply:
            self.set(image=i)
        return i

    def compute(self, values):
        try:
            i = min(max(int(values["image"]), 0), len(self.x) - 1)
        except ValueError:
            i = 0
        if self._cache[0] != i:
            outs = _run(self._probe, self.x[i:i + 1], 1)
            probs = class_probabilities(self.model, self.x[i:i + 1])[0]
            self._cache = (i, ({s.conv: o[0] for s, o in zip(self.stages, outs)}, probs))
        maps, probs = self._cache[1]
        true = None if self.y is None else int(self.y[i])
        return {"image": image_view(self.x[i], probs, i, true, self.names), "maps": maps_view(maps[values["layer"]])}


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
    classes : sequence of str, optional; stages : list of Stage, optional
    index : int (the first image shown); seed : int (of the "random image" button)

    Returns
    -------
    ActivationsExplorer
        An anywidget; ``.set(image=7, layer="conv2", map=3)``, ``.next_mistake()``,
        ``.view`` (the image part and the maps part, as :func:`image_view` and
        :func:`maps_view` compute them).
    """
    return ActivationsExplorer(model, x, y, classes=classes, stages=stages, index=index, seed=seed)
