"""Interactive explorers of convolution, pooling and activation maps.

One module per explorer, each a ``views`` function computed by cnnlib
(numbers only) and one JavaScript renderer, ``assets/<name>.js``:

* :mod:`~cnnlib.explorers.output_size` (chapter 1): N, D, F, K, S, P -> output size, parameters;
* :mod:`~cnnlib.explorers.filter` (chapter 2): a filter sliding over an image;
* :mod:`~cnnlib.explorers.pooling` (chapters 2, 3): max and average pooling, forward and backward;
* :mod:`~cnnlib.explorers.activations` (chapter 4): every conv layer's maps for a test image.

Each has a live version (``*_explorer``: an anywidget; Python recomputes the
view when a control changes) and a static one (``static_*``: every view its
controls reach, embedded in the page).  The same renderer draws both; see
:mod:`cnnlib.explorers.base`.  The activation explorer needs Keras and is
imported on demand (``from cnnlib.explorers import activations``).
"""

from __future__ import annotations

from .base import Explorer, StaticExplorer, embedded_states, page, saved_explorer, write_assets
from .filter import FilterExplorer, filter_explorer, static_filter
from .output_size import OutputSizeExplorer, output_size_explorer, static_output_size
from .pooling import PoolingExplorer, pooling_explorer, static_pooling

__all__ = [
    "Explorer", "StaticExplorer", "embedded_states", "page", "saved_explorer", "write_assets",
    "output_size_explorer", "static_output_size", "OutputSizeExplorer",
    "filter_explorer", "static_filter", "FilterExplorer",
    "pooling_explorer", "static_pooling", "PoolingExplorer",
]
