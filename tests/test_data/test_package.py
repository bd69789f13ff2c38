"""cnnlib.data.samples and the package: the sample photograph; every public name re-exported."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlib import data
from cnnlib.data import DataHashError, DataNotFoundError, download


def test_sample_image():
    pytest.importorskip("matplotlib")
    img = data.sample_image()
    assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3
    assert img.shape[:2] == (600, 512)
    assert 0 < img.mean() < 255 and img.std() > 10



def test_public_names():
    for name in data.__all__:
        assert hasattr(data, name), name
    assert issubclass(DataNotFoundError, FileNotFoundError)
    assert issubclass(DataHashError, ValueError)
    assert data.BOOK_DATA_URL.endswith("/")
    assert download._REGISTRY["notmnist/notMNIST_small.npz"].urls == (
        data.BOOK_DATA_URL + "notMNIST_small.npz",)


