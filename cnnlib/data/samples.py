"""A colour photograph that needs no download (part of :mod:`cnnlib.data`)."""

from __future__ import annotations

import numpy as np

__all__ = ["sample_image"]


def sample_image() -> np.ndarray:
    """A colour photograph that needs no download: Grace Hopper.

    Returns
    -------
    ndarray of uint8, shape (H, W, 3)
        RGB, pixels 0..255 (600 x 512 with current matplotlib).

    Notes
    -----
    The portrait of Rear Admiral Grace Hopper is a U.S. Navy photograph
    (public domain) that matplotlib ships as ``grace_hopper.jpg`` in its
    sample data (``matplotlib.cbook.get_sample_data``).  Needs matplotlib
    (and Pillow, which matplotlib requires to read JPEG).
    """
    try:
        import matplotlib.cbook as cbook
        import matplotlib.image as mpimg
    except ImportError as err:
        raise ImportError(
            "sample_image() needs matplotlib: pip install matplotlib (or cnnlib[plot])."
        ) from err
    try:
        path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    except (OSError, ValueError) as err:
        raise FileNotFoundError(
            "matplotlib's sample file grace_hopper.jpg is missing from this installation "
            f"({err}); reinstall matplotlib from PyPI, whose wheels include it."
        ) from err
    img = np.asarray(mpimg.imread(path))
    if img.dtype != np.uint8:  # some readers return floats in 0..1
        img = np.clip(np.round(img * 255), 0, 255).astype(np.uint8)
    if img.ndim == 2:
        img = np.stack([img] * 3, axis=-1)
    return np.ascontiguousarray(img[..., :3])
