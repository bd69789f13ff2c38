"""Integer maths of convolutional networks: output sizes, padding, parameters.

Nothing here touches an array.  These are the formulas of chapter 1 ("The
anatomy of a convolutional layer"), with TensorFlow's rules for ``'valid'``
and ``'same'`` padding, and a layer-by-layer summary that turns a list of layer
specs into output shapes, parameter counts and activation memory.
"""

from __future__ import annotations

import math
from typing import NamedTuple, Sequence, Union

from ._validate import int_pair, padding_spec, positive_int

__all__ = [
    "conv_output_size",
    "pool_output_size",
    "same_padding",
    "conv_params",
    "layer_summary",
    "LayerSummary",
    "LayerRow",
    "Conv",
    "Pool",
    "Dense",
    "Flatten",
]


def conv_output_size(n: int, f: int, stride: int = 1, padding: Union[int, str] = 0, *,
                     floor: bool = False) -> int:
    """Spatial output size of a convolution along one axis.

    Parameters
    ----------
    n : int
        Input size (height or width).
    f : int
        Filter size along the same axis.
    stride : int, default 1
        Step between two filter positions.
    padding : int, 'valid' or 'same', default 0
        An int pads ``padding`` zeros on both sides.  ``'valid'`` and ``'same'``
        follow TensorFlow (case-insensitive).
    floor : bool, default False
        With an int padding, a stride that does not tile the padded input
        raises ``ValueError``; ``floor=True`` drops the leftover rows instead,
        as TensorFlow and PyTorch silently do.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If the filter is larger than the (padded) input, or if
        ``(n - f + 2p) / stride + 1`` is not an integer and ``floor`` is false.

    Notes
    -----
    * int padding ``p``: ``(n - f + 2p) / stride + 1``, required to be an integer;
    * ``'valid'``: ``floor((n - f) / stride) + 1`` (no padding);
    * ``'same'``: ``ceil(n / stride)``; the zeros needed are split with the odd
      one at the bottom/right (see :func:`same_padding`).

    Introduced in chapter 1.

    Examples
    --------
    >>> conv_output_size(32, 5)
    28
    >>> conv_output_size(32, 5, stride=1, padding=2)
    32
    >>> conv_output_size(28, 5, padding='valid'), conv_output_size(28, 5, padding='same')
    (24, 28)
    >>> conv_output_size(26, 5, stride=2)
    Traceback (most recent call last):
    ...
    ValueError: (26 - 5 + 2*0) / 2 + 1 = 11.5 is not an integer: stride 2 does not tile a 26-wide input with a 5-wide filter (26 - 5 + 2*0 = 21 leaves remainder 1 when divided by 2). Choose another stride or padding, or pass floor=True to drop the leftover, as TensorFlow and PyTorch do.
    >>> conv_output_size(26, 5, stride=2, floor=True)
    11
    """
    n = positive_int("n", n)
    f = positive_int("f", f)
    stride = positive_int("stride", stride)
    pad = padding_spec("padding", padding)
    if pad == "same":
        return -(-n // stride)
    if pad == "valid":
        if f > n:
            raise ValueError(
                f"the filter (f={f}) is larger than the input (n={n}) and 'valid' padding adds no zeros."
            )
        return (n - f) // stride + 1
    p = pad[0]
    if f > n + 2 * p:
        raise ValueError(
            f"the filter (f={f}) is larger than the padded input (n + 2p = {n} + 2*{p} = {n + 2 * p})."
        )
    span = n - f + 2 * p
    q, r = divmod(span, stride)
    if r and not floor:
        wide = f"{n}-wide input" if p == 0 else f"{n}-wide input padded to {n + 2 * p}"
        raise ValueError(
            f"({n} - {f} + 2*{p}) / {stride} + 1 = {span / stride + 1:g} is not an integer: "
            f"stride {stride} does not tile a {wide} with a {f}-wide filter "
            f"({n} - {f} + 2*{p} = {span} leaves remainder {r} when divided by {stride}). "
            "Choose another stride or padding, or pass floor=True to drop the leftover, "
            "as TensorFlow and PyTorch do."
        )
    return q + 1


def pool_output_size(n: int, size: int, *, stride: int | None = None, padding: Union[int, str] = "valid",
                     floor: bool = False) -> int:
    """Spatial output size of a pooling window along one axis.

    Same rules as :func:`conv_output_size`, and the same calling style as the
    pooling layers (:func:`cnnlib.pool.max_pool2d_forward`): the window ``size``
    is positional, the hyper-parameters are keyword-only; the stride defaults
    to the window size (non-overlapping windows) and the padding to ``'valid'``.

    Examples
    --------
    >>> pool_output_size(4, 2)          # 4x4 -> 2x2 max pooling
    2
    >>> pool_output_size(5, 2, stride=2, padding='same')
    3
    >>> pool_output_size(13, 3, stride=2)   # overlapping 3x3 windows, stride 2
    6

    Introduced in chapter 1.
    """
    size = positive_int("size", size)
    return conv_output_size(n, size, size if stride is None else stride, padding, floor=floor)


def same_padding(n: int, f: int, stride: int = 1) -> tuple[int, int]:
    """Zeros TensorFlow adds before and after an axis for ``'same'`` padding.

    The total is ``max((ceil(n / s) - 1) * s + f - n, 0)``; when it is odd the
    extra zero goes after (bottom or right).

    Examples
    --------
    >>> same_padding(28, 5)
    (2, 2)
    >>> same_padding(5, 2, 2)      # the odd pixel goes at the bottom/right
    (0, 1)
    >>> same_padding(6, 4)
    (1, 2)
    """
    n = positive_int("n", n)
    f = positive_int("f", f)
    stride = positive_int("stride", stride)
    out = -(-n // stride)
    total = max((out - 1) * stride + f - n, 0)
    return total // 2, total - total // 2


def conv_params(f, c_in: int, c_out: int, *, bias: bool = True) -> int:
    """Learnable parameters of a convolutional layer.

    ``c_out`` filters of size ``f x f x c_in`` (``f`` may be a pair
    ``(KH, KW)``), plus one bias per filter.

    Examples
    --------
    >>> conv_params(5, 3, 10)        # ten 5x5x3 filters: 10 * (75 + 1)
    760
    >>> conv_params((5, 5), 1, 32, bias=False)
    800

    Introduced in chapter 1.
    """
    kh, kw = int_pair("f", f)
    c_in = positive_int("c_in", c_in)
    c_out = positive_int("c_out", c_out)
    return kh * kw * c_in * c_out + (c_out if bias else 0)


# ---------------------------------------------------------------------------
# Layer specs and the layer-by-layer summary
# ---------------------------------------------------------------------------


class Conv(NamedTuple):
    """A convolutional layer: ``filters`` filters of ``size`` (int or pair)."""

    filters: int
    size: Union[int, tuple] = 3
    stride: Union[int, tuple] = 1
    padding: Union[int, str, tuple] = 0
    bias: bool = True
    name: str | None = None


class Pool(NamedTuple):
    """A pooling layer (``kind`` is 'max' or 'avg'); stride defaults to size."""

    size: Union[int, tuple] = 2
    stride: Union[int, tuple, None] = None
    padding: Union[int, str, tuple] = "valid"
    kind: str = "max"
    name: str | None = None


class Dense(NamedTuple):
    """A fully connected layer; a 3-D input is flattened first."""

    units: int
    bias: bool = True
    name: str | None = None


class Flatten(NamedTuple):
    """Reshape (H, W, C) into (H*W*C,)."""

    name: str | None = None


class LayerRow(NamedTuple):
    name: str
    output_shape: tuple
    params: int
    activations: int
    bytes: int


class LayerSummary(NamedTuple):
    """Output shape, parameters and activation memory of every layer.

    Shapes and counts are per example; memory assumes ``bytes_per_value``
    bytes per number (4 for float32).
    """

    rows: tuple
    bytes_per_value: int

    @property
    def total_params(self) -> int:
        return sum(r.params for r in self.rows)

    @property
    def total_activations(self) -> int:
        """Every number the forward pass stores, the input included."""
        return sum(r.activations for r in self.rows)

    def activation_bytes(self, with_gradients: bool = False) -> int:
        """Memory for the activations of one example; doubled when the
        backward pass keeps a gradient of the same size for each."""
        return self.total_activations * self.bytes_per_value * (2 if with_gradients else 1)

    def to_text(self) -> str:
        head = ("layer", "output shape", "parameters", "activations", "memory")
        body = [
            (r.name, " x ".join(map(str, r.output_shape)), f"{r.params:,}", f"{r.activations:,}",
             _fmt_bytes(r.bytes))
            for r in self.rows
        ]
        body.append(("total", "", f"{self.total_params:,}", f"{self.total_activations:,}",
                     _fmt_bytes(self.activation_bytes())))
        widths = [max(len(row[i]) for row in [head, *body]) for i in range(5)]
        lines = []
        for j, row in enumerate([head, *body]):
            cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
            cells += [c.rjust(w) for c, w in zip(row[2:], widths[2:])]
            lines.append("  ".join(cells).rstrip())
            if j == 0 or j == len(body) - 1:
                lines.append("-" * len(lines[0]))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        cells = "".join(
            f"<tr><td>{r.name}</td><td>{' x '.join(map(str, r.output_shape))}</td>"
            f"<td style='text-align:right'>{r.params:,}</td>"
            f"<td style='text-align:right'>{r.activations:,}</td>"
            f"<td style='text-align:right'>{_fmt_bytes(r.bytes)}</td></tr>"
            for r in self.rows
        )
        total = (f"<tr><th>total</th><th></th><th style='text-align:right'>{self.total_params:,}</th>"
                 f"<th style='text-align:right'>{self.total_activations:,}</th>"
                 f"<th style='text-align:right'>{_fmt_bytes(self.activation_bytes())}</th></tr>")
        return ("<table><thead><tr><th>layer</th><th>output shape</th><th>parameters</th>"
                f"<th>activations</th><th>memory</th></tr></thead><tbody>{cells}{total}</tbody></table>")


def _fmt_bytes(n: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def layer_summary(input_shape: Sequence[int], layers: Sequence, *, bytes_per_value: int = 4) -> LayerSummary:
    """Walk a stack of layer specs and tabulate shapes, parameters and memory.

    Parameters
    ----------
    input_shape : (H, W, C) or (D,)
        Shape of one example.
    layers : sequence of Conv, Pool, Dense or Flatten
    bytes_per_value : int, default 4 (float32)

    Returns
    -------
    LayerSummary
        ``rows`` starts with the input; ``str()`` gives a text table.

    Examples
    --------
    The memory example of chapter 1: three 3x3 conv layers of 64 filters with
    padding 1 on a 224x224x3 image.

    >>> s = layer_summary((224, 224, 3), [Conv(64, 3, padding=1)] * 3)
    >>> [r.output_shape for r in s.rows]
    [(224, 224, 3), (224, 224, 64), (224, 224, 64), (224, 224, 64)]
    >>> s.total_activations, s.total_params
    (9784320, 75648)
    >>> round(s.activation_bytes(with_gradients=True) / 2**20, 1)   # MiB per image
    74.6
    """
    shape = tuple(positive_int(f"input_shape[{i}]", v) for i, v in enumerate(input_shape))
    if len(shape) not in (1, 3):
        raise ValueError(f"`input_shape` must be (H, W, C) or (D,); got {tuple(input_shape)}.")
    bpv = positive_int("bytes_per_value", bytes_per_value)
    rows = [LayerRow("input", shape, 0, math.prod(shape), math.prod(shape) * bpv)]
    counters: dict[str, int] = {}

    def auto_name(kind: str, given) -> str:
        counters[kind] = counters.get(kind, 0) + 1
        return given or f"{kind}{counters[kind]}"

    for i, layer in enumerate(layers):
        if isinstance(layer, Conv):
            _need_3d(shape, i, "Conv")
            kh, kw = int_pair(f"layers[{i}].size", layer.size)
            sh, sw = int_pair(f"layers[{i}].stride", layer.stride)
            shape = (
                conv_output_size(shape[0], kh, sh, _axis_pad(layer.padding, 0)),
                conv_output_size(shape[1], kw, sw, _axis_pad(layer.padding, 1)),
                positive_int(f"layers[{i}].filters", layer.filters),
            )
            params = kh * kw * rows[-1].output_shape[2] * layer.filters + (layer.filters if layer.bias else 0)
            name = auto_name("conv", layer.name)
        elif isinstance(layer, Pool):
            _need_3d(shape, i, "Pool")
            if layer.kind not in ("max", "avg"):
                raise ValueError(f"`layers[{i}].kind` must be 'max' or 'avg'; got {layer.kind!r}.")
            kh, kw = int_pair(f"layers[{i}].size", layer.size)
            sh, sw = (kh, kw) if layer.stride is None else int_pair(f"layers[{i}].stride", layer.stride)
            shape = (
                pool_output_size(shape[0], kh, stride=sh, padding=_axis_pad(layer.padding, 0)),
                pool_output_size(shape[1], kw, stride=sw, padding=_axis_pad(layer.padding, 1)),
                shape[2],
            )
            params = 0
            name = auto_name(f"{layer.kind}pool", layer.name)
        elif isinstance(layer, Dense):
            units = positive_int(f"layers[{i}].units", layer.units)
            params = math.prod(shape) * units + (units if layer.bias else 0)
            shape = (units,)
            name = auto_name("dense", layer.name)
        elif isinstance(layer, Flatten):
            shape = (math.prod(shape),)
            params = 0
            name = auto_name("flatten", layer.name)
        else:
            raise TypeError(
                f"`layers[{i}]` must be a Conv, Pool, Dense or Flatten spec; got {type(layer).__name__}."
            )
        n_act = math.prod(shape)
        rows.append(LayerRow(name, shape, params, n_act, n_act * bpv))
    return LayerSummary(tuple(rows), bpv)


def _need_3d(shape, i, kind):
    if len(shape) != 3:
        raise ValueError(f"`layers[{i}]` is a {kind} layer but its input has shape {shape}; it needs (H, W, C).")


def _axis_pad(padding, axis):
    """The padding of one axis, in a form conv_output_size takes."""
    if isinstance(padding, (tuple, list)):
        return padding[axis]
    return padding
