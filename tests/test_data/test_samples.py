"""cnnlib.data.samples: the sample photograph."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlib.data import sample_image


def test_sample_image():
    pytest.importorskip("matplotlib")
    img = sample_image()
    assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3
    assert img.shape[:2] == (600, 512)
    assert 0 < img.mean() < 255 and img.std() > 10
