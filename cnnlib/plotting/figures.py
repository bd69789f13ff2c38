"""Figures the chapters share (matplotlib only): image grids, filters,
feature maps, value grids with outlined windows, training curves.

Each function draws into the axes or figure it is given (or a new one), labels
what it draws, returns it, and never changes global matplotlib settings.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np

__all__ = ["image_grid", "plot_filters", "plot_feature_maps", "plot_kernel", "plot_value_grid", "outline_window",
           "plot_curves"]


def _plt():
    import matplotlib.pyplot as plt

    return plt


def image_grid(images, *, ncols: int = 8, titles: Sequence[str] | None = None, cmap: str = "gray",
               vmin=None, vmax=None, suptitle: str | None = None, cell: float = 1.3, colorbar: bool = False,
               fig=None):
    """Show a stack of images in a grid.

    Parameters
    ----------
    images : array, shape (N, H, W), (N, H, W, 1) or (N, H, W, 3)
    ncols : int, default 8
    titles : sequence of str, optional
        One short title per image (e.g. its label).
    cmap, vmin, vmax : passed to ``imshow`` for single-channel images; by
        default the colour scale is shared by all images.
    suptitle : str, optional
    cell : float
        Size of one image in inches.
    colorbar : bool
        Add one colour bar for the shared scale.

    Returns
    -------
    matplotlib.figure.Figure
    """
    imgs = np.asarray(images)
    if imgs.ndim == 4 and imgs.shape[-1] == 1:
        imgs = imgs[..., 0]
    if imgs.ndim not in (3, 4) or (imgs.ndim == 4 and imgs.shape[-1] != 3):
        raise ValueError(f"`images` must have shape (N, H, W), (N, H, W, 1) or (N, H, W, 3); got {np.shape(images)}.")
    n = imgs.shape[0]
    if n == 0:
        raise ValueError("`images` is empty.")
    if titles is not None and len(titles) != n:
        raise ValueError(f"`titles` must have one entry per image ({n}); got {len(titles)}.")
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    plt = _plt()
    if fig is None:
        fig = plt.figure(figsize=(cell * ncols, cell * nrows + (0.4 if suptitle else 0)), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    if imgs.ndim == 3:
        vmin = float(imgs.min()) if vmin is None else vmin
        vmax = float(imgs.max()) if vmax is None else vmax
    im = None
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= n:
            ax.set_axis_off()
            continue
        if imgs.ndim == 3:
            im = ax.imshow(imgs[i], cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
        else:
            ax.imshow(imgs[i], interpolation="nearest")
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=9)
    if colorbar and im is not None:
        fig.colorbar(im, ax=axes, shrink=0.8)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def plot_filters(w, *, channel: int | None = 0, ncols: int = 8, title: str | None = None, fig=None):
    """Show a bank of conv filters ``w`` of shape (KH, KW, C_in, C_out).

    With ``channel=None`` and three input channels, each filter is shown as an
    RGB image (rescaled to [0, 1]); otherwise one input channel is shown on a
    diverging colour scale centred at zero (blue negative, red positive),
    shared by all filters, so their weights compare directly.

    Returns
    -------
    matplotlib.figure.Figure
    """
    w = np.asarray(w, dtype=float)
    if w.ndim != 4:
        raise ValueError(f"`w` must be 4-D (KH, KW, C_in, C_out); got shape {w.shape}.")
    k = w.shape[3]
    titles = [f"#{i}" for i in range(k)]
    if channel is None:
        if w.shape[2] != 3:
            raise ValueError(f"`channel=None` shows RGB filters and needs C_in=3; got C_in={w.shape[2]}.")
        lo, hi = w.min(), w.max()
        rgb = np.moveaxis((w - lo) / (hi - lo + 1e-12), 3, 0)
        return image_grid(rgb, ncols=ncols, titles=titles, suptitle=title, fig=fig)
    if not 0 <= channel < w.shape[2]:
        raise ValueError(f"`channel` must be in [0, {w.shape[2]}); got {channel}.")
    maps = np.moveaxis(w[:, :, channel, :], 2, 0)
    lim = float(np.abs(maps).max()) or 1.0
    return image_grid(maps, ncols=ncols, titles=titles, cmap="RdBu_r", vmin=-lim, vmax=lim,
                      suptitle=title, colorbar=True, fig=fig)


def plot_feature_maps(maps, *, ncols: int = 8, title: str | None = None, cmap: str = "viridis", fig=None):
    """Show the activation maps of one image, ``maps`` of shape (H, W, C).

    Each map gets its own colour scale (what matters is where it responds).
    """
    maps = np.asarray(maps, dtype=float)
    if maps.ndim != 3:
        raise ValueError(f"`maps` must be 3-D (H, W, C) for one image; got shape {maps.shape}.")
    plt = _plt()
    c = maps.shape[2]
    ncols = max(1, min(ncols, c))
    nrows = math.ceil(c / ncols)
    if fig is None:
        fig = plt.figure(figsize=(1.3 * ncols, 1.3 * nrows + (0.4 if title else 0)), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= c:
            ax.set_axis_off()
            continue
        ax.imshow(maps[:, :, i], cmap=cmap, interpolation="nearest")
        ax.set_title(f"map {i}", fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


def plot_kernel(kernel, *, ax=None, title: str | None = None, fmt: str = "{:.2g}"):
    """A small 2-D array drawn as a grid with its values written in the cells."""
    k = np.asarray(kernel, dtype=float)
    if k.ndim != 2:
        raise ValueError(f"`kernel` must be 2-D; got shape {k.shape}.")
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(0.6 * k.shape[1] + 0.6, 0.6 * k.shape[0] + 0.6), layout="constrained")
    lim = float(np.abs(k).max()) or 1.0
    ax.imshow(k, cmap="RdBu_r", vmin=-lim, vmax=lim)
    for (i, j), v in np.ndenumerate(k):
        ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=9)
    ax.set_xticks(range(k.shape[1]))
    ax.set_yticks(range(k.shape[0]))
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    if title:
        ax.set_title(title)
    return ax


def plot_value_grid(values, *, ax=None, title: str | None = None, fmt: str = "{:g}", cmap: str = "Greys",
                    vmin=None, vmax=None, pad_cells: int = 0):
    """A small 2-D array drawn as a grid of cells, each with its value written in.

    The worked examples of chapters 1 and 2 (an image, a filter, a feature map,
    a pooled grid) use it.  NaN cells are left blank; ``pad_cells`` draws a
    dashed frame that far inside the edge, around the unpadded input.
    Windows are outlined with :func:`outline_window`.
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 2:
        raise ValueError(f"`values` must be 2-D; got shape {v.shape}.")
    if ax is None:
        _, ax = _plt().subplots(figsize=(0.6 * v.shape[1] + 0.8, 0.6 * v.shape[0] + 0.8), layout="constrained")
    ax.imshow(v, cmap=cmap, vmin=vmin, vmax=vmax, alpha=0.35)
    for (i, j), x in np.ndenumerate(v):
        if not np.isnan(x):
            ax.text(j, i, fmt.format(x), ha="center", va="center", fontsize=9)
    ax.set_xticks(range(v.shape[1]))
    ax.set_yticks(range(v.shape[0]))
    ax.set_xticks(np.arange(-0.5, v.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, v.shape[0]), minor=True)
    ax.grid(which="minor", color="0.6", lw=0.6)
    ax.tick_params(which="both", length=0, labelsize=8)
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    if title:
        ax.set_title(title, fontsize=10)
    if pad_cells:
        from matplotlib.patches import Rectangle

        h, w = v.shape
        ax.add_patch(Rectangle((pad_cells - 0.5, pad_cells - 0.5), w - 2 * pad_cells, h - 2 * pad_cells,
                               fill=False, ec="k", lw=1.5, ls="--"))
    return ax


def outline_window(ax, row: int, col: int, size, color, *, lw: float = 2.5, inset: float = 0.0):
    """Outline the window of ``size`` cells (an int, or ``(h, w)``) whose
    top-left cell is ``(row, col)`` on a :func:`plot_value_grid` (or any
    ``imshow``); ``inset`` shrinks it so that two outlines can sit side by side.
    Returns the rectangle."""
    from matplotlib.patches import Rectangle

    hs, ws = (size, size) if np.isscalar(size) else size
    return ax.add_patch(Rectangle((col - 0.5 + inset, row - 0.5 + inset), ws - 2 * inset, hs - 2 * inset,
                                  fill=False, ec=color, lw=lw))


def plot_curves(x, curves: Mapping[str, Sequence[float]], *, ax=None, xlabel: str = "training step",
                ylabel: str = "accuracy", title: str | None = None,
                reference: Mapping[str, tuple] | None = None):
    """Line plot of one or more curves against ``x``, with optional reference points.

    Parameters
    ----------
    x : sequence
    curves : mapping label -> values (same length as ``x``)
    reference : mapping label -> (x values, y values), optional
        Drawn as markers, e.g. the figures a source reports.
    """
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
    for label, ys in curves.items():
        if len(ys) != len(x):
            raise ValueError(f"curve {label!r} has {len(ys)} values for {len(x)} x values.")
        ax.plot(x, ys, label=label)
    for label, (rx, ry) in (reference or {}).items():
        ax.plot(rx, ry, "o--", label=label, alpha=0.8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    return ax
