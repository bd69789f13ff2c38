"""Interactive explorers of convolution and pooling, live and static.

Two renderings of the same three explorers (output size, filter, pooling):

* live, in a running kernel: :mod:`cnnlib.widgets` (ipywidgets 8), whose
  control handling (:mod:`cnnlib.explorers.live`) the activation-map
  explorer of chapter 4 shares;
* static, for the published book: :func:`static_output_size`,
  :func:`static_filter` and :func:`static_pooling` return objects whose
  ``_repr_html_`` carries every state, precomputed with cnnlib, and a small
  self-contained JavaScript viewer.

Both display the views of :mod:`cnnlib.explorers.views`, where every number
comes from cnnlib (:mod:`cnnlib.shapes`, :mod:`cnnlib.conv`, :mod:`cnnlib.pool`).
"""

from __future__ import annotations

from .static import (FILTER_CHOICES, OUTPUT_SIZE_CHOICES, POOLING_CHOICES, StaticExplorer, embedded_states,
                     page, static_filter, static_output_size, static_pooling)

__all__ = [
    "StaticExplorer",
    "static_output_size",
    "static_filter",
    "static_pooling",
    "page",
    "embedded_states",
    "OUTPUT_SIZE_CHOICES",
    "FILTER_CHOICES",
    "POOLING_CHOICES",
]
