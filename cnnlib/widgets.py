"""The live explorers under the names the chapters use (``widgets.filter_explorer(...)``).

They live in :mod:`cnnlib.explorers`; this module only re-exports them.
"""

from __future__ import annotations

from .explorers import (FilterExplorer, OutputSizeExplorer, PoolingExplorer, filter_explorer, output_size_explorer,
                        pooling_explorer)

__all__ = ["output_size_explorer", "filter_explorer", "pooling_explorer",
           "OutputSizeExplorer", "FilterExplorer", "PoolingExplorer"]
