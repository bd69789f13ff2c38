"""The activation-map explorer under the name chapter 4 uses (``from cnnlib import
activations_explorer as ax``); it lives in :mod:`cnnlib.explorers.activations`."""

from __future__ import annotations

from .explorers.activations import *  # noqa: F401,F403
from .explorers.activations import __all__  # noqa: F401
