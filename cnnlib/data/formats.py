"""File formats and loaders: MNIST (IDX files), notMNIST_small (an ``.npz``)
and UCI Occupancy (CSV), each read into plain numpy arrays.

Part of :mod:`cnnlib.data`.  Every loader finds (or downloads) its files with
:func:`cnnlib.data.download._fetch`, then checks what it reads and names the
file when something is wrong.  The MNIST chapters use :func:`load_mnist` and
:func:`load_mnist_splits`; notMNIST is the harder look-alike and Occupancy a
small tabular set (chapter 3).
"""

from __future__ import annotations

import csv
import gzip
import math
import zipfile
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .._validate import _is_int
from .download import _fetch

__all__ = [
    "FEATURES",
    "DataSplits",
    "Occupancy",
    "load_mnist",
    "load_mnist_splits",
    "load_notmnist",
    "load_occupancy",
]

#: Columns of the ``x`` arrays returned by :func:`load_occupancy`, in order.
FEATURES = ("Temperature", "Humidity", "Light", "CO2", "HumidityRatio")

_MNIST_CLASSES = tuple(str(d) for d in range(10))
_NOTMNIST_CLASSES = tuple("ABCDEFGHIJ")

# The files each loader reads (names of cnnlib.data.download._REGISTRY).
_MNIST_FILES = {
    "train": ("mnist/train-images-idx3-ubyte.gz", "mnist/train-labels-idx1-ubyte.gz"),
    "test": ("mnist/t10k-images-idx3-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz"),
}
_OCCUPANCY_FILES = {
    "train": "occupancy/datatraining.txt",
    "test": "occupancy/datatest.txt",
    "test2": "occupancy/datatest2.txt",
}


class DataSplits(NamedTuple):
    """Train, validation and test sets of an image classification dataset.

    Attributes
    ----------
    train, valid, test : tuple
        Each a pair ``(x, y)``: ``x`` : ndarray of uint8, shape (n, 28, 28), pixels 0..255;
        ``y`` : ndarray of uint8, shape (n,), class indices.
    classes : tuple of str
        ``classes[k]`` is the name of class ``k``.
    """

    train: tuple
    valid: tuple
    test: tuple
    classes: tuple


class Occupancy(NamedTuple):
    """The three files of the UCI Occupancy Detection dataset.

    Attributes
    ----------
    train, test, test2 : tuple
        Each a pair ``(x, y)``: ``x`` : ndarray of float64, shape (n, 5), columns :data:`FEATURES`;
        ``y`` : ndarray of int64, shape (n,), 1 if the room is occupied.
    """

    train: tuple
    test: tuple
    test2: tuple



# ---------------------------------------------------------------------------
# MNIST
# ---------------------------------------------------------------------------

_IDX_LABELS = 2049   # 0x00000801: unsigned bytes, 1 dimension
_IDX_IMAGES = 2051   # 0x00000803: unsigned bytes, 3 dimensions


def _read_idx(path, magic: int) -> np.ndarray:
    """Read a gzip-compressed IDX file of unsigned bytes.

    The format (http://yann.lecun.com/exdb/mnist/): a big-endian int32 magic
    number, whose last byte is the number of dimensions, then one big-endian
    int32 per dimension, then the items, one byte each.
    """
    path = Path(path)
    ndim = magic & 0xFF
    what = "label" if magic == _IDX_LABELS else "image"
    try:
        with gzip.open(path, "rb") as f:
            header = f.read(4)
            if len(header) < 4:
                raise ValueError(
                    f"{path} is too short to be an IDX file: it holds {len(header)} bytes "
                    "after decompression, less than the 4-byte magic number."
                )
            got = int.from_bytes(header, "big")
            if got != magic:
                hint = ""
                if got in (_IDX_LABELS, _IDX_IMAGES):
                    hint = (f" ({got} is the magic number of an IDX "
                            f"{'label' if got == _IDX_LABELS else 'image'} file: are the "
                            "image and label files swapped?)")
                raise ValueError(
                    f"{path} is not an IDX {what} file: its magic number is {got} "
                    f"(0x{got:08x}), expected {magic} (0x{magic:08x}){hint}."
                )
            dims_raw = f.read(4 * ndim)
            if len(dims_raw) < 4 * ndim:
                raise ValueError(
                    f"{path} is truncated: its header ends after {4 + len(dims_raw)} bytes, "
                    f"but an IDX {what} file has a {4 + 4 * ndim}-byte header."
                )
            dims = tuple(int.from_bytes(dims_raw[4 * i:4 * i + 4], "big") for i in range(ndim))
            payload = f.read()  # read to the end: never trust the header for an allocation
    except (OSError, EOFError, zlib.error) as err:
        raise ValueError(
            f"{path} is not a readable gzip file ({type(err).__name__}: {err}); "
            "it is truncated or corrupt."
        ) from err
    shape = " x ".join(map(str, dims))
    count = math.prod(dims)
    if len(payload) < count:
        raise ValueError(
            f"{path} is truncated: its header announces {shape} = {count} items "
            f"({count} bytes after the {4 + 4 * ndim}-byte header) but only {len(payload)} bytes follow."
        )
    if len(payload) > count:
        raise ValueError(
            f"{path} does not match its header: it announces {shape} = {count} items "
            f"but {len(payload)} bytes follow the {4 + 4 * ndim}-byte header "
            f"({len(payload) - count} too many)."
        )
    # A copy, so that the arrays are writable (np.frombuffer over bytes is read-only).
    out = np.frombuffer(payload, dtype=np.uint8).copy()
    return out.reshape(dims)


def _mnist_part(part: str, data_dir, download: bool, caller: str):
    group = [n for pair in _MNIST_FILES.values() for n in pair]
    img_name, lab_name = _MNIST_FILES[part]
    img_path = _fetch(img_name, data_dir, download, needed_by=caller, group=group)
    lab_path = _fetch(lab_name, data_dir, download, needed_by=caller, group=group)
    x = _read_idx(img_path, _IDX_IMAGES)
    y = _read_idx(lab_path, _IDX_LABELS)
    if x.shape[0] != y.shape[0]:
        raise ValueError(
            f"{img_path} holds {x.shape[0]} images but {lab_path} holds {y.shape[0]} labels; "
            "the two files must have one label per image."
        )
    return x, y


def load_mnist(data_dir=None, *, download: bool = True):
    """The MNIST handwritten digits, as in ``keras.datasets.mnist.load_data()``.

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        Folder holding ``mnist/<the four IDX .gz files>``; default
        ``$CNNLIB_DATA_DIR``, else the user cache (see the module docstring).
    download : bool, default True
        Download missing files (about 11 MB); if false, never touch the network.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x_train : ndarray of uint8, shape (60000, 28, 28), pixels 0..255
        y_train : ndarray of uint8, shape (60000,), digits 0..9
        x_test : ndarray of uint8, shape (10000, 28, 28)
        y_test : ndarray of uint8, shape (10000,)

    Raises
    ------
    DataNotFoundError
        A file is missing and could not be downloaded.
    DataHashError
        A file in a folder you chose is not the official one.
    ValueError
        A file is not a valid IDX file.

    Notes
    -----
    The files are the official IDX files of LeCun, Cortes and Burges (CC BY-SA
    3.0), downloaded from the PyTorch and TensorFlow mirrors.  The pixel mean
    and standard deviation of the training set are 0.1307 and 0.3081 (on the
    0..1 scale).
    """
    train = _mnist_part("train", data_dir, download, "load_mnist")
    test = _mnist_part("test", data_dir, download, "load_mnist")
    return train, test


def load_mnist_splits(data_dir=None, *, validation_size: int = 5000, download: bool = True) -> DataSplits:
    """MNIST with a validation set, split as TensorFlow 1's ``read_data_sets``.

    The validation set is the **first** `validation_size` training images; the
    training set is the rest; the test set is unchanged.

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        See :func:`load_mnist`.
    validation_size : int, default 5000
        Between 0 and 60000.
    download : bool, default True

    Returns
    -------
    DataSplits
        ``train`` (55000 images by default), ``valid`` (5000), ``test``
        (10000); each ``(x, y)`` with x uint8 (n, 28, 28) and y uint8 (n,);
        ``classes`` is ``('0', ..., '9')``.  The arrays are views of one
        training array.
    """
    if not _is_int(validation_size):
        raise TypeError(
            f"`validation_size` must be an integer; got {validation_size!r} "
            f"({type(validation_size).__name__})."
        )
    (x, y), test = load_mnist(data_dir, download=download)
    if not 0 <= validation_size <= len(x):
        raise ValueError(
            f"`validation_size` must be between 0 and {len(x)} (the training images); "
            f"got {validation_size}."
        )
    v = int(validation_size)
    return DataSplits((x[v:], y[v:]), (x[:v], y[:v]), test, _MNIST_CLASSES)


# ---------------------------------------------------------------------------
# notMNIST
# ---------------------------------------------------------------------------


class _NotNpz(Exception):
    pass


def _read_notmnist(path) -> DataSplits:
    path = Path(path)
    try:
        with open(path, "rb") as fh:  # our handle: np.load leaks its own on a bad zip
            f = np.load(fh, allow_pickle=False)
            if not hasattr(f, "files"):  # a bare .npy array
                raise _NotNpz
            with f:
                keys = sorted(f.files)
                arrays = {k: f[k] for k in ("images", "labels", "split", "classes") if k in keys}
    except _NotNpz:
        raise ValueError(f"{path} holds a single array, not an .npz archive of named arrays.") from None
    except (ValueError, OSError, EOFError, zlib.error, zipfile.BadZipFile) as err:
        raise ValueError(
            f"{path} is not a readable .npz file ({type(err).__name__}: {err})."
        ) from err
    missing = [k for k in ("images", "labels", "split") if k not in arrays]
    if missing:
        raise ValueError(
            f"{path} is not the notMNIST_small archive: it lacks the keys {missing} "
            f"(it has {keys}); expected images, labels and split."
        )
    images, labels, split = arrays["images"], arrays["labels"], arrays["split"]
    classes = arrays.get("classes")

    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(
            f"{path}: `images` must be uint8 of shape (N, 28, 28); "
            f"got {images.dtype} of shape {images.shape}."
        )
    n = images.shape[0]
    for key, arr in (("labels", labels), ("split", split)):
        if arr.shape != (n,) or not np.issubdtype(arr.dtype, np.integer):
            raise ValueError(
                f"{path}: `{key}` must be integers of shape ({n},), one per image; "
                f"got {arr.dtype} of shape {arr.shape}."
            )
    if n and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(
            f"{path}: `labels` must be in 0..9; got values from {labels.min()} to {labels.max()}."
        )
    bad = np.setdiff1d(np.unique(split), [0, 1, 2])
    if bad.size:
        raise ValueError(f"{path}: `split` must hold 0 (train), 1 (valid) or 2 (test); got {bad.tolist()}.")
    if classes is not None and tuple(map(str, classes.tolist())) != _NOTMNIST_CLASSES:
        raise ValueError(f"{path}: `classes` must be A..J; got {classes.tolist()}.")
    labels = labels.astype(np.uint8)
    parts = [(images[split == s], labels[split == s]) for s in (0, 1, 2)]
    return DataSplits(parts[0], parts[1], parts[2], _NOTMNIST_CLASSES)


def load_notmnist(data_dir=None, *, download: bool = True) -> DataSplits:
    """notMNIST_small: the letters A to J in many fonts, with a fixed split.

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        Folder holding ``notmnist/notMNIST_small.npz``; see :func:`load_mnist`.
    download : bool, default True
        Download the file (6 MB) from :data:`BOOK_DATA_URL` if missing.

    Returns
    -------
    DataSplits
        ``train`` (15153 images), ``valid`` (1791), ``test`` (1780); each
        ``(x, y)`` with x uint8 (n, 28, 28), pixels 0..255, and y uint8 (n,),
        0 = 'A' ... 9 = 'J'; ``classes`` is ``('A', ..., 'J')``.

    Notes
    -----
    The 18724 readable images of Yaroslav Bulatov's notMNIST_small (2011),
    packed for this book.  The split is fixed by a hash of each image's
    pixels, and exact duplicates all go to train, so no image appears in two
    splits.  notMNIST is noisier than MNIST (254 all-white 'I' images, a few
    duplicates with different labels).
    """
    path = _fetch("notmnist/notMNIST_small.npz", data_dir, download, needed_by="load_notmnist")
    return _read_notmnist(path)


# ---------------------------------------------------------------------------
# UCI Occupancy Detection
# ---------------------------------------------------------------------------


def _read_occupancy(path):
    path = Path(path)
    with open(path, newline="", encoding="ascii", errors="strict") as f:
        try:
            rows = [(i, row) for i, row in enumerate(csv.reader(f), start=1) if row]
        except (UnicodeDecodeError, csv.Error) as err:
            raise ValueError(f"{path} is not a comma-separated ASCII text file ({err}).") from err
    if not rows:
        raise ValueError(f"{path} is empty; expected a header line and data rows.")
    header = [h.strip() for h in rows[0][1]]
    wanted = FEATURES + ("Occupancy",)
    missing = [c for c in wanted if c not in header]
    if missing:
        raise ValueError(
            f"{path}: the header line lacks the columns {missing}; it has {header}."
        )
    n = len(rows) - 1
    x = np.empty((n, len(FEATURES)), dtype=np.float64)
    y = np.empty(n, dtype=np.int64)
    for k, (line, row) in enumerate(rows[1:]):
        # R's write.csv puts a row id first, with no name in the header.
        shift = len(row) - len(header)
        if shift not in (0, 1):
            raise ValueError(
                f"{path}, line {line}: {len(row)} fields, but the header has {len(header)} names "
                f"(expected {len(header)}, or {len(header) + 1} with a row id first)."
            )
        try:
            for j, col in enumerate(FEATURES):
                x[k, j] = float(row[header.index(col) + shift])
            occ = row[header.index("Occupancy") + shift]
            y[k] = int(occ)
        except ValueError as err:
            raise ValueError(f"{path}, line {line}: not a number ({err}).") from err
        if y[k] not in (0, 1):
            raise ValueError(f"{path}, line {line}: Occupancy must be 0 or 1; got {occ!r}.")
    return x, y


def load_occupancy(data_dir=None, *, download: bool = True) -> Occupancy:
    """The UCI Occupancy Detection data: is an office room occupied?

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        Folder holding ``occupancy/datatraining.txt``, ``datatest.txt`` and
        ``datatest2.txt``; see :func:`load_mnist`.
    download : bool, default True
        Download missing files (1.5 MB).

    Returns
    -------
    Occupancy
        ``train`` (8143 rows), ``test`` (2665), ``test2`` (9752); each
        ``(x, y)`` with x float64 (n, 5), columns :data:`FEATURES`
        (Temperature in °C, relative Humidity in %, Light in lux, CO2 in ppm,
        HumidityRatio in kg of water per kg of air), and y int64 (n,), 1 when
        the room is occupied.

    Notes
    -----
    Candanedo and Feldheim, *Energy and Buildings* 112 (2016) 28-39; UCI
    Machine Learning Repository, CC BY 4.0.  The files were written by R's
    ``write.csv``: each data row starts with a quoted row id that the header
    does not name.  The date column is not returned.
    """
    group = list(_OCCUPANCY_FILES.values())
    parts = {
        key: _read_occupancy(_fetch(name, data_dir, download, needed_by="load_occupancy", group=group))
        for key, name in _OCCUPANCY_FILES.items()
    }
    return Occupancy(**parts)
