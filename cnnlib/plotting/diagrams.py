"""Block diagrams of convolutional networks (matplotlib only).

:func:`plot_stack` draws the output volumes of a :class:`cnnlib.shapes.LayerSummary`
side by side, the way papers and tutorials draw networks: each (H, W, C)
volume is a box whose front face is H high, whose oblique side is W wide and
whose thickness grows with the depth C (on a log scale, so that 3 and 512
channels both fit), and each vector (a flattened volume or a dense layer) is
a thin bar.  Every box is labelled with its layer name and shape, so the
figure and the summary table tell the same story.

Introduced in chapter 1; chapter 2 draws its network with it.
"""

from __future__ import annotations

import math

from ..shapes import LayerSummary

__all__ = ["plot_stack", "KIND_COLORS"]

#: Face colour of each kind of layer, keyed by the prefix of its name.
KIND_COLORS = {
    "input": "#bdbdbd",
    "conv": "#6baed6",
    "maxpool": "#fd8d3c",
    "avgpool": "#fdae6b",
    "flatten": "#9e9ac8",
    "dense": "#74c476",
}


def _kind(name: str) -> str:
    for prefix in KIND_COLORS:
        if name.startswith(prefix):
            return prefix
    return "dense"


def _shade(color: str, factor: float) -> tuple:
    """Darker (factor < 1) or mixed towards white (factor > 1) version of a colour."""
    from matplotlib.colors import to_rgb

    rgb = to_rgb(color)
    if factor <= 1:
        return tuple(c * factor for c in rgb)
    mix = min(factor - 1, 1)
    return tuple(c + (1 - c) * mix for c in rgb)


def plot_stack(summary: LayerSummary, *, ax=None, title: str | None = None, scale: str = "linear",
               min_side: float = 0.12, gap: float = 0.6, fontsize: float = 8.0):
    """Draw every output volume of a layer summary as a box, left to right.

    Parameters
    ----------
    summary : LayerSummary
        From :func:`cnnlib.shapes.layer_summary`; its first row (the input) is
        drawn too.
    ax : matplotlib Axes, optional
        Drawn into if given, else a new figure is made.
    title : str, optional
    scale : 'linear' or 'sqrt', default 'linear'
        How the height and width of a volume map to the drawing: 'linear' is
        to scale (a 14x14 map is half as high as a 28x28 one); 'sqrt' keeps
        small maps visible next to very large ones.
    min_side : float, default 0.12
        Smallest drawn side (in units of the largest volume's height, which
        is drawn 1 high), so that a 1x1 map stays visible.
    gap : float, default 0.6
        Horizontal space between two boxes.
    fontsize : float, default 8

    Returns
    -------
    matplotlib.axes.Axes
        With three patches per (H, W, C) volume (front, top, side), one per
        vector, and one label per layer (``"conv1\\n28×28×32"``).

    Raises
    ------
    TypeError
        If `summary` is not a :class:`~cnnlib.shapes.LayerSummary`.
    ValueError
        For an unknown `scale` or a `min_side` outside (0, 1].

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cnnlib.shapes import Conv, Pool, Flatten, Dense, layer_summary
    >>> s = layer_summary((32, 32, 3), [Conv(12, 3, padding=1), Pool(2), Flatten(), Dense(10)])
    >>> ax = plot_stack(s)
    >>> [t.get_text() for t in ax.texts]
    ['input\\n32×32×3', 'conv1\\n32×32×12', 'maxpool1\\n16×16×12', 'flatten1\\n3072', 'dense1\\n10']
    >>> len(ax.patches)                      # 3 volumes x 3 faces + 2 vectors
    11
    """
    if not isinstance(summary, LayerSummary):
        raise TypeError(f"`summary` must be a LayerSummary (from cnnlib.shapes.layer_summary); "
                        f"got {type(summary).__name__}.")
    if scale not in ("linear", "sqrt"):
        raise ValueError(f"`scale` must be 'linear' or 'sqrt'; got {scale!r}.")
    if not 0 < min_side <= 1:
        raise ValueError(f"`min_side` must be in (0, 1]; got {min_side}.")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Polygon, Rectangle

    if ax is None:
        n = len(summary.rows)
        _, ax = plt.subplots(figsize=(min(1.4 * n + 1, 12), 2.8), layout="constrained")

    volumes = [r.output_shape for r in summary.rows if len(r.output_shape) == 3]
    biggest = max((max(s[0], s[1]) for s in volumes), default=1)

    def side(v: int) -> float:
        frac = v / biggest if scale == "linear" else math.sqrt(v / biggest)
        return max(frac, min_side)

    x = 0.0
    top = 1.0
    for row in summary.rows:
        color = KIND_COLORS[_kind(row.name)]
        shape = row.output_shape
        if len(shape) == 3:
            h, w = side(shape[0]), side(shape[1]) * 0.45
            t = 0.12 + 0.11 * math.log2(max(shape[2], 1))
            ax.add_patch(Rectangle((x, 0), t, h, fc=color, ec="0.25", lw=0.8))
            ax.add_patch(Polygon([(x, h), (x + t, h), (x + t + w, h + w), (x + w, h + w)],
                                 closed=True, fc=_shade(color, 1.35),
                                 ec="0.25", lw=0.8))
            ax.add_patch(Polygon([(x + t, 0), (x + t + w, w), (x + t + w, h + w), (x + t, h)],
                                 closed=True, fc=_shade(color, 0.8), ec="0.25", lw=0.8))
            label = "×".join(map(str, shape))
            width = t + w
            top = max(top, h + w)
        else:
            d = shape[0]
            h = min(0.25 + 0.08 * math.log2(max(d, 1)), 1.3)
            t = 0.1
            ax.add_patch(Rectangle((x, 0), t, h, fc=color, ec="0.25", lw=0.8))
            label = str(d)
            width = t
            top = max(top, h)
        ax.text(x + width / 2, -0.08, f"{row.name}\n{label}", ha="center", va="top", fontsize=fontsize)
        x += width + gap

    ax.set_xlim(-0.3, x - gap + 0.3)
    ax.set_ylim(-0.42, top + 0.08)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=fontsize + 2)
    return ax
