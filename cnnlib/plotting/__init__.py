"""Everything the book draws with matplotlib, in one package.

* ``figures``: image grids, filters, feature maps, value grids, curves;
* ``diagrams``: block diagrams of a network (:func:`plot_stack`);
* ``live``: the live training dashboard (:class:`LivePlot`).

Why one package: these are all matplotlib figures with the same habits (each
function draws into the axes or figure it is given, or a new one, labels what
it draws, returns it, and never changes global matplotlib settings), and a
reader who wants a picture looks in one place.  The dashboard was part of
``training.py`` and the diagrams a module of their own; the step trainer
that feeds the dashboard is book plumbing and lives in ``cnnlib.book``.

Every public name is re-exported here, so the chapters write
``from cnnlib import plotting`` and then ``plotting.image_grid(...)``,
``plotting.plot_stack(...)`` or ``plotting.LivePlot(...)``.  Importing this
package does not import matplotlib; the first figure does.
"""

from __future__ import annotations

from .diagrams import KIND_COLORS, plot_stack
from .figures import (image_grid, outline_window, plot_curves, plot_feature_maps, plot_filters, plot_kernel,
                      plot_value_grid)
from .live import LivePlot

__all__ = [
    # figures
    "image_grid",
    "plot_filters",
    "plot_feature_maps",
    "plot_kernel",
    "plot_value_grid",
    "outline_window",
    "plot_curves",
    # diagrams
    "plot_stack",
    "KIND_COLORS",
    # live
    "LivePlot",
]
