"""Live explorers for a running kernel (ipywidgets 8): controls only.

Each explorer is a ``VBox`` of labelled controls and displays.  A change of a
control asks :mod:`cnnlib.explorers.views` for the new view (every number from
cnnlib) and :mod:`cnnlib.explorers.render` for its HTML or PNG, then replaces
the ``value`` of the existing HTML and Image widgets, so nothing flickers.
This module holds no maths.

* :func:`output_size_explorer`: N, D, F, K, S, P -> output size, parameters;
* :func:`filter_explorer`: an image, a filter (or your own 3x3 kernel), a
  stride and a padding -> the feature map and one window's dot product;
* :func:`pooling_explorer`: max or average pooling of a small grid, its picks
  and its backward mask.

The static versions for a page without a kernel are in :mod:`cnnlib.explorers`.

Examples
--------
>>> from cnnlib import widgets
>>> ex = widgets.output_size_explorer(n=26, f=5, stride=2)   # doctest: +SKIP
>>> ex.view["error"][:29]                                      # doctest: +SKIP
'(26 - 5 + 2*0) / 2 + 1 = 11.5'
"""

from __future__ import annotations

import ipywidgets as W

from .explorers import render, views
from .explorers.live import LiveControls
from .explorers.samples import GRID_LABELS, IMAGE_LABELS, default_grids, default_images

__all__ = ["output_size_explorer", "filter_explorer", "pooling_explorer",
           "OutputSizeExplorer", "FilterExplorer", "PoolingExplorer"]

def _look(label_em: float):
    """Style and layout of a control whose description is `label_em` wide."""
    return ({"description_width": f"{label_em}em"},
            W.Layout(width=f"{label_em + 12}em", max_width="100%", flex="0 1 auto"))


def _slider(desc, value, lo, hi, label_em=9):
    style, layout = _look(label_em)
    return W.IntSlider(value=value, min=lo, max=hi, description=desc, style=style, layout=layout,
                       continuous_update=True)


def _dropdown(desc, options, value, label_em=9):
    style, layout = _look(label_em)
    return W.Dropdown(options=options, value=value, description=desc, style=style, layout=layout)


class _Explorer(LiveControls, W.VBox):
    """Common frame: title, controls, displays; times every update.
    ``set`` changes the window position ('row', 'col') last, once the new
    output size has given its sliders their range."""

    SET_LAST = ("row", "col")

    def __init__(self, title: str, controls: dict, body: list, extra=()):
        self.controls = controls
        self.view = None
        head = W.HTML(f'<style>{render.css()}</style><div class="cnnx-title">{title}</div>')
        box = W.Box(list(controls.values()), layout=W.Layout(display="flex", flex_flow="row wrap"))
        box.add_class("cnnx-wrap")
        super().__init__(children=[head, box, *extra, *body])
        self.add_class("cnnx")
        self.add_class("cnnx-live")
        for c in controls.values():
            c.observe(self._changed, names="value")

    def update(self):  # pragma: no cover - every explorer defines it
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: an ipywidgets explorer; run the notebook to use it>"


# ---------------------------------------------------------------------------
# Output size
# ---------------------------------------------------------------------------


class OutputSizeExplorer(_Explorer):
    """See :func:`output_size_explorer`."""

    def __init__(self, n=32, d=3, f=5, k=10, stride=1, padding=0):
        c = {
            "n": _slider("N: input size", n, 1, 256, 12),
            "d": _slider("D: input depth", d, 1, 512, 12),
            "f": _slider("F: filter size", f, 1, 11, 12),
            "k": _slider("K: number of filters", k, 1, 512, 12),
            "stride": _slider("S: stride", stride, 1, 8, 12),
            "padding": _dropdown("P: padding", [("0", 0), ("1", 1), ("2", 2), ("3", 3), ("4", 4), ("5", 5),
                                                ("'valid'", "valid"), ("'same'", "same")], padding, 12),
        }
        self.html = W.HTML()
        buttons = []
        for label, values in views.OUTPUT_SIZE_PRESETS:
            b = W.Button(description=label, layout=W.Layout(width="auto"), tooltip=f"set {values}")
            b.on_click(lambda _b, v=values: self.set(**v))
            buttons.append(b)
        presets = W.HBox([W.Label("Try:"), *buttons], layout=W.Layout(flex_flow="row wrap"))
        super().__init__("Explorer: the output size of a convolution", c, [self.html], extra=[presets])
        self._changed()

    def update(self):
        c = self.controls
        self.view = views.output_size_view(c["n"].value, c["d"].value, c["f"].value, c["k"].value,
                                           c["stride"].value, c["padding"].value)
        self.html.value = render.output_size_html(self.view)


def output_size_explorer(n: int = 32, d: int = 3, f: int = 5, k: int = 10, stride: int = 1,
                         padding=0) -> OutputSizeExplorer:
    """Explore the output size and parameter count of a convolutional layer.

    Controls: input size N and depth D, filter size F, number of filters K,
    stride S, padding P (0-5, 'valid' or 'same').  Shows the padded input with
    the filter's positions along a row, the formula with your numbers, the
    output volume, the parameter count (:func:`cnnlib.conv_params`) and, for a
    setting cnnlib rejects, its error message.

    Returns
    -------
    OutputSizeExplorer
        An ipywidgets ``VBox``; ``.controls`` maps 'n', 'd', 'f', 'k',
        'stride', 'padding' to their widgets, ``.view`` is the last view
        (:func:`cnnlib.explorers.views.output_size_view`), ``.html`` the
        display and ``.last_update_s`` the time of the last update.
    """
    return OutputSizeExplorer(n, d, f, k, stride, padding)


# ---------------------------------------------------------------------------
# Filter
# ---------------------------------------------------------------------------


class FilterExplorer(_Explorer):
    """See :func:`filter_explorer`."""

    def __init__(self, images: dict, labels: dict, filter="sobel_v", stride=1, padding="valid",
                 custom=((0, -1, 0), (-1, 4, -1), (0, -1, 0))):
        self.images = {name: views.as_image(a) for name, a in images.items()}
        c = {
            "image": _dropdown("Image", [(labels.get(k, k), k) for k in self.images], next(iter(self.images))),
            "filter": _dropdown("Filter", [(lab, k) for k, lab in views.KERNEL_LABELS.items()], filter),
            "stride": _slider("Stride", stride, 1, 4),
            "padding": _dropdown("Padding", [("'valid'", "valid"), ("'same'", "same"), ("0", 0), ("1", 1),
                                             ("2", 2)], padding),
            "row": _slider("Window row", 0, 0, 0),
            "col": _slider("Window column", 0, 0, 0),
        }
        self.custom = [W.FloatText(value=float(custom[p][q]), layout=W.Layout(width="5em"))
                       for p in range(3) for q in range(3)]
        grid = W.GridBox(self.custom, layout=W.Layout(grid_template_columns="repeat(3, 5.5em)", grid_gap="2px"))
        self.custom_box = W.VBox([W.HTML("<b>Your kernel</b> (3×3, the same on every channel):"), grid],
                                 layout=W.Layout(display="none"))
        for t in self.custom:
            t.observe(self._changed, names="value")
        img_layout = W.Layout(width="240px", max_width="100%", height="auto")
        self.input_image = W.Image(format="png", layout=img_layout)
        self.map_image = W.Image(format="png", layout=img_layout)
        self.kernel = W.HTML()
        self.captions = [W.HTML(layout=W.Layout(max_width="240px")) for _ in range(3)]
        figs = W.Box([W.VBox([self.input_image, self.captions[0]]), W.VBox([self.kernel, self.captions[1]]),
                      W.VBox([self.map_image, self.captions[2]])],
                     layout=W.Layout(display="flex", flex_flow="row wrap"))
        figs.add_class("cnnx-wrap")
        self.terms = W.HTML()
        self.note = W.HTML()
        super().__init__("Explorer: a filter sliding over an image", c, [figs, self.terms, self.note],
                         extra=[self.custom_box])
        self._first = True
        self._changed()

    def kernel_weights(self):
        c = self.controls
        x = self.images[c["image"].value]
        custom = [[self.custom[3 * p + q].value for q in range(3)] for p in range(3)]
        return views.kernel_weights(c["filter"].value, x.shape[2], custom)

    def update(self):
        c = self.controls
        x = self.images[c["image"].value]
        self.custom_box.layout.display = "flex" if c["filter"].value == "custom" else "none"
        w = self.kernel_weights()
        r = views.filter_result(x, w, c["stride"].value, c["padding"].value)
        self.kernel.value = render.kernel_html(w)
        self.captions[1].value = f'<div class="cnnx-note">{render.kernel_caption(x.shape[2])}</div>'
        note = views.filter_note(c["filter"].value, x.shape[2])
        self.note.value = f'<p class="cnnx-note">{note}</p>' if note else ""
        if r.error:
            c["row"].disabled = c["col"].disabled = True
            self.view = {"result": r, "terms": None, "weights": w}
            self.input_image.value = render.input_png(x, None)
            self.map_image.layout.display = "none"
            self.captions[0].value = f'<div class="cnnx-note">{render.input_caption(*x.shape, None)}</div>'
            self.captions[2].value = f'<div class="cnnx-note">{render.map_caption(None, None)}</div>'
            self.terms.value = render.error_html(r.error)
            return
        ho, wo = r.out.shape
        c["row"].disabled = c["col"].disabled = False
        c["row"].max, c["col"].max = ho - 1, wo - 1          # ipywidgets clamps the values
        if self._first:
            self._first = False
            c["row"].value, c["col"].value = views.telling_window(r.out)
        i, j = c["row"].value, c["col"].value
        t = views.window_terms(x, w, r, i, j)
        self.view = {"result": r, "terms": t, "weights": w, "row": i, "col": j}
        self.input_image.value = render.input_png(x, r.pads, (t["origin"], t["size"]))
        self.map_image.layout.display = None
        self.map_image.value = render.map_png(r.out, (i, j))
        self.captions[0].value = f'<div class="cnnx-note">{render.input_caption(*x.shape, r.pads)}</div>'
        self.captions[2].value = (f'<div class="cnnx-note">'
                                  f'{render.map_caption(r.out.shape, c["stride"].value, bool(r.out.min() < 0))}</div>')
        self.terms.value = render.terms_html(t, i, j)


def filter_explorer(image=None, *, images: dict | None = None, labels: dict | None = None,
                    filter: str = "sobel_v", stride: int = 1, padding="valid", data_dir=None) -> FilterExplorer:
    """Slide a 3x3 filter over an image and read one window's dot product.

    Parameters
    ----------
    image : array, shape (H, W) or (H, W, 3), optional
        One image (pixels 0..255 are shown as they are).
    images : dict name -> array, optional
        Several images to choose from.  With neither, a MNIST digit, a
        notMNIST letter and the colour photograph from :mod:`cnnlib.data`
        (see :func:`cnnlib.explorers.samples.default_images`).
    labels : dict name -> str, optional
    filter : str
        One of :data:`cnnlib.explorers.views.KERNEL_LABELS` ('custom' lets
        you type the 3x3 kernel).
    stride : int
    padding : 'valid', 'same' or int

    Returns
    -------
    FilterExplorer
        ``.controls`` ('image', 'filter', 'stride', 'padding', 'row', 'col'),
        ``.custom`` (the nine weights of the custom kernel, row by row),
        ``.view`` (the :class:`~cnnlib.explorers.views.FilterResult` and the
        window's terms from :func:`~cnnlib.explorers.views.window_terms`).
    """
    if image is not None:
        images = {"image": image}
    if images is None:
        images = default_images(data_dir)
        labels = dict(IMAGE_LABELS, **(labels or {}))
    return FilterExplorer(images, labels or {}, filter, stride, padding)


# ---------------------------------------------------------------------------
# Pooling
# ---------------------------------------------------------------------------


class PoolingExplorer(_Explorer):
    """See :func:`pooling_explorer`."""

    def __init__(self, grids: dict, labels: dict, mode="max", size=2, stride=2, padding="valid"):
        self.grids = grids
        c = {
            "grid": _dropdown("Grid", [(labels.get(k, k), k) for k in grids], next(iter(grids))),
            "mode": _dropdown("Pooling", [("max", "max"), ("average", "avg")], mode),
            "size": _slider("Window size", size, 1, 4),
            "stride": _slider("Stride", stride, 1, 4),
            "padding": _dropdown("Padding", [("'valid'", "valid"), ("'same'", "same")], padding),
            "row": _slider("Window row", 0, 0, 0),
            "col": _slider("Window column", 0, 0, 0),
        }
        self.html = W.HTML()
        super().__init__("Explorer: max and average pooling, forward and backward", c, [self.html])
        self._changed()

    def update(self):
        c = self.controls
        g = self.grids[c["grid"].value]
        v = views.pooling_view(g, c["mode"].value, c["size"].value, c["stride"].value, c["padding"].value)
        self.view = v
        if v["error"]:
            c["row"].disabled = c["col"].disabled = True
        else:
            c["row"].disabled = c["col"].disabled = False
            c["row"].max, c["col"].max = v["out"].shape[0] - 1, v["out"].shape[1] - 1
        self.html.value = render.pooling_html(g, v, c["row"].value, c["col"].value)


def pooling_explorer(x=None, *, grids: dict | None = None, labels: dict | None = None, mode: str = "max",
                     size: int = 2, stride: int = 2, padding: str = "valid") -> PoolingExplorer:
    """Max or average pooling of a small grid: picks, output and backward mask.

    Parameters
    ----------
    x : array, shape (H, W), optional
        The grid of numbers; or `grids`, a dict name -> grid to choose from
        (default :func:`cnnlib.explorers.samples.default_grids`).
    mode : 'max' or 'avg'
    size, stride : int
    padding : 'valid' or 'same'

    Returns
    -------
    PoolingExplorer
        ``.controls`` ('grid', 'mode', 'size', 'stride', 'padding', 'row',
        'col'), ``.view`` (:func:`cnnlib.explorers.views.pooling_view`: the
        output, the mask from :func:`cnnlib.max_pool2d_backward` or
        :func:`cnnlib.avg_pool2d_backward` with dout = 1, and each window's
        pick), ``.html`` (the display).
    """
    if x is not None:
        grids = {"grid": x}
    if grids is None:
        grids = default_grids()
        labels = dict(GRID_LABELS, **(labels or {}))
    return PoolingExplorer(grids, labels or {}, mode, size, stride, padding)
