"""The small images and grids the explorers start with.

The images come from :mod:`cnnlib.data` (the data folder is ``data_dir=``,
else ``$CNNLIB_DATA_DIR``, else the user cache; see that module): the first
MNIST test digit (a 7), the first notMNIST test letter (an A), and the face of
:func:`cnnlib.data.sample_image` (Grace Hopper) reduced to 32 x 32 with
cnnlib's own average pooling.  Any explorer also takes ``image=`` / ``images=``
so that nothing here is needed to use it.
"""

from __future__ import annotations

import numpy as np

from ..pool import avg_pool2d_forward

__all__ = ["default_images", "photo_32", "default_grids"]

# The face in matplotlib's 600 x 512 grace_hopper.jpg: rows 40..359, columns 96..415.
_FACE = (40, 96, 320)


def photo_32(photo=None) -> np.ndarray:
    """The colour photograph's face as a uint8 (32, 32, 3) image.

    A 320 x 320 crop averaged over 10 x 10 blocks with
    :func:`cnnlib.pool.avg_pool2d_forward` (size 10, stride 10).
    """
    if photo is None:
        from ..data import sample_image

        photo = sample_image()
    r, c, s = _FACE
    crop = np.asarray(photo, dtype=np.float64)[r:r + s, c:c + s]
    if crop.shape[:2] != (s, s):
        raise ValueError(f"`photo` must be at least {r + s} x {c + s} pixels; got {np.shape(photo)}.")
    small, _ = avg_pool2d_forward(crop[None], size=s // 32)
    return np.clip(np.round(small[0]), 0, 255).astype(np.uint8)


def default_images(data_dir=None, *, download: bool = True) -> dict:
    """``{'digit': ..., 'letter': ..., 'photo': ...}``: uint8 images of shape
    (28, 28), (28, 28) and (32, 32, 3), loaded through :mod:`cnnlib.data`."""
    from ..data import load_mnist, load_notmnist

    _, (x_test, _) = load_mnist(data_dir, download=download)
    letters = load_notmnist(data_dir, download=download)
    return {
        "digit": np.ascontiguousarray(x_test[0]),
        "letter": np.ascontiguousarray(letters.test[0][0]),
        "photo": photo_32(),
    }


#: Labels of the default images, for the image menu.
IMAGE_LABELS = {
    "digit": "digit (MNIST)",
    "letter": "letter (notMNIST)",
    "photo": "colour photo",
}


def default_grids() -> dict:
    """Small grids of whole numbers for the pooling explorer.

    ``'6x6'`` (random digits, seed 0), ``'5x5'`` (odd size, so 'same' padding
    shows) and ``'ties'`` (a 4 x 4 grid whose windows hold tied maxima: the
    gradient goes to the first one in row-major order).
    """
    rng = np.random.default_rng(0)
    return {
        "6x6": rng.integers(0, 10, size=(6, 6)),
        "5x5": rng.integers(0, 10, size=(5, 5)),
        "ties": np.array([[1, 5, 5, 2], [5, 3, 2, 2], [0, 4, 7, 1], [4, 4, 7, 7]]),
    }


GRID_LABELS = {"6x6": "6×6 digits", "5x5": "5×5 digits", "ties": "4×4 with ties"}
