"""The filter explorer: a filter sliding over an image, one window's dot product.

:func:`filter_view` computes what it shows with :func:`cnnlib.conv.conv2d_forward`;
``assets/filter.js`` draws it, live (:func:`filter_explorer`, where the
reader may also type a kernel) and static (:func:`static_filter`).  The
window's terms are read from the image and the weights the view carries; its
sum is the feature map's value, never a sum made in the browser.
Chapter 2 introduces it.
"""

from __future__ import annotations

import itertools

import numpy as np

from ..conv import conv2d_forward
from .base import Explorer, Part, StaticExplorer, options, pack, pack_exact, plane_error
from .samples import IMAGE_LABELS, default_images

__all__ = ["KERNELS", "KERNEL_LABELS", "CHOICES", "as_image", "kernel_weights", "parse_kernel", "filter_note",
           "filter_view", "telling_window", "FilterExplorer", "filter_explorer", "static_filter"]

TITLE = "Explorer: a filter sliding over an image"

#: The preset kernels (the grayscale filter is built per channel count by :func:`kernel_weights`).
KERNELS = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "grayscale": None,
    "sobel_h": [[1, 2, 1], [0, 0, 0], [-1, -2, -1]],
    "sobel_v": [[1, 0, -1], [2, 0, -2], [1, 0, -1]],
    "blur": [[0.0625, 0.125, 0.0625], [0.125, 0.25, 0.125], [0.0625, 0.125, 0.0625]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
}
#: The name each preset kernel has in the menu.
KERNEL_LABELS = {
    "identity": "identity",
    "grayscale": "grayscale (0.3 R + 0.6 G + 0.1 B)",
    "sobel_h": "Sobel: horizontal edges",
    "sobel_v": "Sobel: vertical edges",
    "blur": "blur (Gaussian 3×3)",
    "sharpen": "sharpen",
    "custom": "custom (type it)",
}
GRAY_WEIGHTS = (0.3, 0.6, 0.1)
#: The values of the selects (the live explorer adds 'custom' and its kernel field).
CHOICES = {"filter": list(KERNELS), "stride": [1, 2, 3], "padding": ["valid", "same", 0, 1]}
DEFAULT_CUSTOM = "0 -1 0; -1 4 -1; 0 -1 0"


def as_image(image) -> np.ndarray:
    """An image as float64 (H, W, C) with C = 1 or 3 (pixel values kept as given)."""
    arr = np.asarray(image)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.ndim != 3 or arr.shape[2] not in (1, 3):
        raise ValueError(f"`image` must have shape (H, W), (H, W, 1) or (H, W, 3); got {arr.shape}.")
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"`image` must hold numbers; got dtype {arr.dtype}.")
    return arr.astype(np.float64)


def parse_kernel(text: str) -> np.ndarray:
    """'0 -1 0; -1 4 -1; 0 -1 0' -> a (3, 3) array: rows split by ';', numbers by spaces or commas.

    >>> parse_kernel("1 2; 3 4.5").tolist()
    [[1.0, 2.0], [3.0, 4.5]]
    """
    rows = [r.replace(",", " ").split() for r in str(text).split(";") if r.strip()]
    if len({len(r) for r in rows}) > 1:
        raise ValueError(f"`custom` must be a rectangle of numbers (every row as long); got {text!r}.")
    try:
        k = np.array([[float(v) for v in r] for r in rows], dtype=np.float64)
    except ValueError:
        raise ValueError(f"`custom` must be rows of numbers separated by ';', e.g. {DEFAULT_CUSTOM!r}; "
                         f"got {text!r}.") from None
    if k.ndim != 2 or k.size == 0:
        raise ValueError(f"`custom` must be a rectangle of numbers (every row as long); got {text!r}.")
    return k


def kernel_weights(name: str, channels: int, custom=None) -> np.ndarray:
    """The filter bank ``w``, shape (kh, kw, channels, 1), of a preset or custom kernel.

    A 2-D kernel is repeated on every input channel (one filter spans the full
    depth and sums over it).  The grayscale filter has centre weights 0.3, 0.6
    and 0.1 over R, G and B; on a 1-channel image it keeps the pixel.
    """
    if name == "custom":
        if custom is None:
            raise ValueError("`custom` must be a kernel when the filter is 'custom'.")
        k = parse_kernel(custom) if isinstance(custom, str) else np.asarray(custom, dtype=np.float64)
        if k.ndim != 2:
            raise ValueError(f"`custom` must be a 2-D kernel; got shape {k.shape}.")
    elif name == "grayscale":
        w = np.zeros((3, 3, channels, 1))
        w[1, 1, :, 0] = GRAY_WEIGHTS if channels == 3 else 1.0
        return w
    elif name in KERNELS:
        k = np.asarray(KERNELS[name], dtype=np.float64)
    else:
        raise ValueError(f"unknown filter {name!r}; choose one of {sorted(KERNEL_LABELS)}.")
    return np.repeat(k[:, :, None, None], channels, axis=2)


def filter_note(name: str, channels: int) -> str | None:
    """A sentence on how a filter spans the image's channels, or None."""
    if name == "grayscale":
        if channels == 1:
            return ("A 1-channel image is already grey: the grayscale filter keeps each pixel "
                    "(centre weight 1).")
        return "One 3×3×3 filter: centre weights 0.3, 0.6 and 0.1 on R, G and B, zeros elsewhere."
    if channels == 3:
        return ("On a colour image the kernel is repeated on R, G and B and the three results "
                "are added: one filter of depth 3 gives one feature map.")
    return None


def _image_part(x: np.ndarray) -> dict:
    byte = bool(np.all(x == np.round(x)) and x.min() >= 0 and x.max() <= 255)
    return {"px": pack(x, "u1" if byte else "f8"), "byte": byte}


def _kernel_part(name: str, w: np.ndarray) -> dict:
    return {"w": pack_exact(w[:, :, :, 0], 6), "note": filter_note(name, w.shape[2])}


def _result(x: np.ndarray, w: np.ndarray, stride, padding) -> dict:
    """``conv2d_forward`` of one image with one filter (bias 0), or cnnlib's refusal as a code."""
    try:
        out, cache = conv2d_forward(x[None], w, np.zeros(w.shape[3]), stride=stride, padding=padding)
    except ValueError as err:
        return {"error": plane_error(x.shape[:2], w.shape[:2], (stride, stride), padding, "filter", err)}
    return {"map": pack_exact(out[0, :, :, 0], 4), "pads": [list(p) for p in cache.pads],
            "stride": list(cache.stride)}


def filter_view(image, name: str, stride=1, padding="valid", custom=None) -> dict:
    """What the explorer shows: ``image`` (its pixels), ``kernel`` (the weights,
    shape (kh, kw, C), and a note) and ``result`` (the feature map of
    :func:`cnnlib.conv.conv2d_forward`, its pads and stride, or ``error``)."""
    x = as_image(image)
    w = kernel_weights(name, x.shape[2], custom)
    return {"image": _image_part(x), "kernel": _kernel_part(name, w), "result": _result(x, w, stride, padding)}


def telling_window(image, name, stride, padding, custom=None) -> tuple[int, int]:
    """Where the feature map is largest in magnitude: a telling first window ((0, 0) if none)."""
    x = as_image(image)
    w = kernel_weights(name, x.shape[2], custom)
    try:
        out, _ = conv2d_forward(x[None], w, np.zeros(1), stride=stride, padding=padding)
    except ValueError:
        return 0, 0
    i, j = np.unravel_index(int(np.argmax(np.abs(out[0, :, :, 0]))), out.shape[1:3])
    return int(i), int(j)


def spec(images: dict, labels: dict, live: bool) -> dict:
    filters = CHOICES["filter"] + (["custom"] if live else [])
    controls = [
        {"name": "image", "label": "Image", "options": [[k, labels.get(k, k)] for k in images]},
        {"name": "filter", "label": "Filter", "options": options(filters, KERNEL_LABELS)},
        {"name": "stride", "label": "Stride", "options": options(CHOICES["stride"])},
        {"name": "padding", "label": "Padding", "options": options(CHOICES["padding"])},
        {"name": "row", "label": "Window row", "range": True},
        {"name": "col", "label": "Window column", "range": True},
    ]
    if live:
        controls.insert(2, {"name": "custom", "label": "Your kernel (rows split by ;)", "text": True,
                            "when": ["filter", "custom"], "wide": True})
    return {"kind": "filter", "title": TITLE, "controls": controls, "presets": [], "live": live}


def _defaults(image, images, labels, data_dir):
    if image is not None:
        return {"image": image}, labels or {}
    if images is None:
        return default_images(data_dir), dict(IMAGE_LABELS, **(labels or {}))
    return images, labels or {}


class FilterExplorer(Explorer):
    """See :func:`filter_explorer`."""

    KIND = "filter"
    LOCAL = ("row", "col")

    def __init__(self, images: dict, spec: dict, values: dict):
        self.images = {k: as_image(a) for k, a in images.items()}
        super().__init__(spec, values)

    def compute(self, values):
        x = self.images[values["image"]]
        try:
            return filter_view(x, values["filter"], int(values["stride"]), self.option("padding", values["padding"]),
                               values.get("custom"))
        except ValueError as err:          # a kernel being typed: say what is wrong with it
            return {"image": _image_part(x), "kernel": {"w": pack(np.zeros((1, 1, x.shape[2])), "f4"), "note": None},
                    "result": {"error": {"code": "text", "text": str(err)}}}

    def kernel_weights(self) -> np.ndarray:
        """The filter bank of the current controls."""
        x = self.images[self.values["image"]]
        return kernel_weights(self.values["filter"], x.shape[2], self.values.get("custom"))


def filter_explorer(image=None, *, images: dict | None = None, labels: dict | None = None,
                    filter: str = "sobel_v", stride: int = 1, padding="valid", custom: str = DEFAULT_CUSTOM,
                    data_dir=None) -> FilterExplorer:
    """Slide a filter over an image and read one window's dot product, live.

    Parameters
    ----------
    image : array, shape (H, W) or (H, W, 3), optional
        One image; or `images`, a dict name -> image to choose from (default: a
        MNIST digit, a notMNIST letter and the colour photo of
        :func:`cnnlib.explorers.samples.default_images`).
    filter : one of :data:`KERNEL_LABELS` ('custom': the kernel typed in `custom`)
    stride : int, padding : 'valid', 'same' or int
    custom : str
        The custom kernel, rows split by ';' (any size).

    Returns
    -------
    FilterExplorer
        An anywidget; ``.set(filter="blur", row=3)``, ``.view`` (:func:`filter_view`).
    """
    images, labels = _defaults(image, images, labels, data_dir)
    first = next(iter(images))
    i, j = telling_window(images[first], filter, stride, padding, custom)
    values = {"image": first, "filter": filter, "custom": custom, "stride": stride, "padding": padding,
              "row": i, "col": j}
    return FilterExplorer(images, spec(images, labels, live=True), values)


def static_filter(images: dict | None = None, *, labels: dict | None = None, initial: dict | None = None,
                  data_dir=None) -> StaticExplorer:
    """The filter explorer with every (image, filter, stride, padding) of :data:`CHOICES`
    precomputed; each image, kernel and distinct feature map is stored once, as bytes."""
    images, labels = _defaults(None, images, labels, data_dir)
    image_part, kernel_part, result_part = Part("image"), Part("filter", "image"), Part("image", "filter", "stride",
                                                                                        "padding")
    for name, arr in images.items():
        x = as_image(arr)
        image_part.add((name,), _image_part(x))
        for fname in CHOICES["filter"]:
            w = kernel_weights(fname, x.shape[2])
            kernel_part.add((fname, name), _kernel_part(fname, w))
            for s, p in itertools.product(CHOICES["stride"], CHOICES["padding"]):
                result_part.add((name, fname, s, p), _result(x, w, s, p))
    init = {"image": next(iter(images)), "filter": "sobel_v", "stride": 1, "padding": "valid"}
    init.update(initial or {})
    if "row" not in init or "col" not in init:
        init["row"], init["col"] = telling_window(images[init["image"]], init["filter"], init["stride"],
                                                  init["padding"])
    return StaticExplorer("filter", spec(images, labels, live=False), init,
                          {"image": image_part, "kernel": kernel_part, "result": result_part})
