"""Array preprocessing: pixels to the float NHWC batch a layer takes, labels
to one-hot rows (part of :mod:`cnnlib.data`)."""

from __future__ import annotations

import numpy as np

from .._validate import _is_int

__all__ = ["to_nhwc_float", "one_hot"]


def to_nhwc_float(x) -> np.ndarray:
    """Grayscale uint8 images to the float32 NHWC batch a conv layer takes.

    Parameters
    ----------
    x : ndarray of uint8, shape (N, H, W)
        Pixels 0..255, as returned by the loaders.

    Returns
    -------
    ndarray of float32, shape (N, H, W, 1)
        ``x / 255``, in [0, 1], with a channel axis of size 1.

    Examples
    --------
    >>> x = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)   # one 2x2 image
    >>> out = to_nhwc_float(x)
    >>> out.shape, out.dtype
    ((1, 2, 2, 1), dtype('float32'))
    >>> out[0, :, :, 0]
    array([[0. , 1. ],
           [0.2, 0.4]], dtype=float32)
    """
    arr = np.asarray(x)
    if arr.dtype != np.uint8:
        hint = ""
        if np.issubdtype(arr.dtype, np.floating):
            hint = " If it is already scaled to [0, 1], add the channel axis with `x[..., None]`."
        raise TypeError(
            f"`x` must be a uint8 array of pixels 0..255; got dtype {arr.dtype}.{hint}"
        )
    if arr.ndim != 3:
        hint = ""
        if arr.ndim == 2:
            hint = " For a single image use `x[None]`."
        elif arr.ndim == 4:
            hint = " It already has a channel axis; use `x.astype(np.float32) / 255`."
        raise ValueError(f"`x` must be 3-D (N, H, W); got shape {arr.shape}.{hint}")
    return (arr.astype(np.float32) / np.float32(255))[..., np.newaxis]


def one_hot(y, num_classes: int = 10) -> np.ndarray:
    """One-hot encode integer class labels.

    Parameters
    ----------
    y : array_like of int, shape (N,)
        Labels in ``0 .. num_classes - 1``.
    num_classes : int, default 10

    Returns
    -------
    ndarray of float32, shape (N, num_classes)
        Row ``i`` is all zeros except a 1 in column ``y[i]``.

    Examples
    --------
    >>> one_hot([2, 0, 1], num_classes=3)
    array([[0., 0., 1.],
           [1., 0., 0.],
           [0., 1., 0.]], dtype=float32)
    >>> one_hot([3], num_classes=3)
    Traceback (most recent call last):
    ...
    ValueError: `y` must hold labels in 0..2 (num_classes=3); got 3 at index 0.
    """
    if not _is_int(num_classes):
        raise TypeError(
            f"`num_classes` must be an integer; got {num_classes!r} ({type(num_classes).__name__})."
        )
    if num_classes < 1:
        raise ValueError(f"`num_classes` must be a positive integer; got {num_classes}.")
    arr = np.asarray(y)
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
        if arr.size == 0 and arr.dtype == np.float64:   # one_hot([]) is fine
            arr = arr.astype(np.int64)
        else:
            raise TypeError(f"`y` must be an array of integer labels; got dtype {arr.dtype}.")
    if arr.ndim != 1:
        raise ValueError(f"`y` must be 1-D (N,); got shape {arr.shape}.")
    bad = np.flatnonzero((arr < 0) | (arr >= num_classes))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"`y` must hold labels in 0..{num_classes - 1} (num_classes={num_classes}); "
            f"got {arr[i]} at index {i}."
        )
    out = np.zeros((arr.shape[0], num_classes), dtype=np.float32)
    out[np.arange(arr.shape[0]), arr] = 1.0
    return out
