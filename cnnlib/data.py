"""Dataset loaders: MNIST, notMNIST_small, UCI Occupancy and a sample photo.

Every loader returns plain numpy arrays, so a chapter can feed them to the
numpy layers of :mod:`cnnlib` or to Keras without conversion.

Where the files live
--------------------
A loader looks for its files in one *data folder*, chosen in this order:

1. the ``data_dir=`` argument of the loader, if given;
2. else the environment variable ``CNNLIB_DATA_DIR`` (:data:`DATA_ENV`);
3. else a per-user cache folder, ``pooch.os_cache("cnnlib")``
   (``~/.cache/cnnlib`` on Linux, honouring ``$XDG_CACHE_HOME``).

Inside it the layout is::

    mnist/train-images-idx3-ubyte.gz      mnist/train-labels-idx1-ubyte.gz
    mnist/t10k-images-idx3-ubyte.gz       mnist/t10k-labels-idx1-ubyte.gz
    notmnist/notMNIST_small.npz
    occupancy/datatraining.txt            occupancy/datatest.txt
    occupancy/datatest2.txt

Downloads
---------
Each file has a pinned SHA-256.  A file that is missing from the data folder
is downloaded into it with `pooch <https://www.fatiando.org/pooch>`_, from
each of its mirror URLs in turn, through a temporary file in the same folder
that is renamed only once its hash matches; an interrupted or corrupted download therefore leaves
nothing behind.  ``download=False`` never touches the network.

A file that is present but whose hash does not match is never used:

* in a folder you chose (``data_dir=`` or ``$CNNLIB_DATA_DIR``) it is left
  untouched and :class:`DataHashError` names it with both hashes;
* in the per-user cache it is downloaded again and replaced once the new
  copy is verified (``download=False`` raises :class:`DataHashError`).

Offline and with no local copy, a loader raises :class:`DataNotFoundError`,
whose message lists the folder it looked in, every URL it tried and why each
failed, and how to fix it.

The registry of files, hashes and URLs is the private dict ``_REGISTRY``; the
tests monkeypatch it to serve synthetic files from a local HTTP server.

The MNIST chapters use :func:`load_mnist` and :func:`load_mnist_splits`;
notMNIST is the harder look-alike and Occupancy a small tabular set.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import math
import os
import re
import sys
import zipfile
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pooch

from ._validate import _is_int

__all__ = [
    "DATA_ENV",
    "BOOK_DATA_URL",
    "FEATURES",
    "DataNotFoundError",
    "DataHashError",
    "DataSplits",
    "Occupancy",
    "data_dir",
    "fetch",
    "load_mnist",
    "load_mnist_splits",
    "load_notmnist",
    "load_occupancy",
    "sample_image",
    "to_nhwc_float",
    "one_hot",
]

#: Name of the environment variable that points to a folder holding the data.
DATA_ENV = "CNNLIB_DATA_DIR"

#: Base URL of the book's own data release.  This is the ONE place to change
#: when the files move: files built for this book (``notMNIST_small.npz``) are
#: downloaded from ``BOOK_DATA_URL + <file name>``.
BOOK_DATA_URL = "https://github.com/cnn-book/cnn-book/releases/download/data-v1/"

#: Columns of the ``x`` arrays returned by :func:`load_occupancy`, in order.
FEATURES = ("Temperature", "Humidity", "Light", "CO2", "HumidityRatio")

_MNIST_CLASSES = tuple(str(d) for d in range(10))
_NOTMNIST_CLASSES = tuple("ABCDEFGHIJ")

# Connect and read timeouts (seconds) of every HTTP request.
_TIMEOUT = (10, 60)

_MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",     # PyTorch's mirror
    "https://storage.googleapis.com/cvdf-datasets/mnist/",  # TensorFlow's mirror
)
_OCCUPANCY_COMMIT = "ba2b1d7b53a71292ff61b867d3e16f0e539c7eb6"
_OCCUPANCY_MIRRORS = (
    "https://raw.githubusercontent.com/LuisM78/Occupancy-detection-data/master/",
    # jsDelivr serves the files of a GitHub commit byte for byte.
    f"https://cdn.jsdelivr.net/gh/LuisM78/Occupancy-detection-data@{_OCCUPANCY_COMMIT}/",
)


class _Remote(NamedTuple):
    """A registry entry: the pinned SHA-256 and the mirror URLs, in order."""

    sha256: str
    urls: tuple


def _entry(sha256: str, bases, fname: str) -> _Remote:
    return _Remote(sha256, tuple(base + fname for base in bases))


# name (relative to the data folder, '/'-separated) -> _Remote
_REGISTRY: dict[str, _Remote] = {
    "mnist/train-images-idx3-ubyte.gz": _entry(
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        _MNIST_MIRRORS, "train-images-idx3-ubyte.gz"),
    "mnist/train-labels-idx1-ubyte.gz": _entry(
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        _MNIST_MIRRORS, "train-labels-idx1-ubyte.gz"),
    "mnist/t10k-images-idx3-ubyte.gz": _entry(
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        _MNIST_MIRRORS, "t10k-images-idx3-ubyte.gz"),
    "mnist/t10k-labels-idx1-ubyte.gz": _entry(
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        _MNIST_MIRRORS, "t10k-labels-idx1-ubyte.gz"),
    "notmnist/notMNIST_small.npz": _entry(
        "0e9ecc6468f6b85795bd8966f779bf484d0357758116d3fac25179d0206460f7",
        (BOOK_DATA_URL,), "notMNIST_small.npz"),
    "occupancy/datatraining.txt": _entry(
        "b2c4d0ce2b9e4e453c476f7125ef31aeec2d1f5c7f5572d0e80de3df6521ab56",
        _OCCUPANCY_MIRRORS, "datatraining.txt"),
    "occupancy/datatest.txt": _entry(
        "1b92c7c1b2838963464fa891a610cf3c5db4becb7189189b29b330107a584c7f",
        _OCCUPANCY_MIRRORS, "datatest.txt"),
    "occupancy/datatest2.txt": _entry(
        "d026d1bd5aeccd4aff4f3b3710d48e40613bd5fc370db7e61bbdcaa50d985095",
        _OCCUPANCY_MIRRORS, "datatest2.txt"),
}

_MNIST_FILES = {
    "train": ("mnist/train-images-idx3-ubyte.gz", "mnist/train-labels-idx1-ubyte.gz"),
    "test": ("mnist/t10k-images-idx3-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz"),
}
_OCCUPANCY_FILES = {
    "train": "occupancy/datatraining.txt",
    "test": "occupancy/datatest.txt",
    "test2": "occupancy/datatest2.txt",
}


# ---------------------------------------------------------------------------
# Errors and return types
# ---------------------------------------------------------------------------


class DataNotFoundError(FileNotFoundError):
    """A data file is not on disk and could not be downloaded.

    Attributes
    ----------
    name : str
        The file, relative to the data folder (e.g. ``'mnist/t10k-labels-idx1-ubyte.gz'``).
    path : pathlib.Path
        Where it was looked for.
    attempts : list of (str, str)
        Each URL tried and why it failed (empty with ``download=False``).
    """

    def __init__(self, message: str, *, name: str, path: Path, attempts=()):
        super().__init__(message)
        self.name = name
        self.path = path
        self.attempts = list(attempts)

    def __str__(self) -> str:
        return self.args[0]


class DataHashError(ValueError):
    """A local data file does not have the pinned SHA-256, so it was not used.

    Attributes
    ----------
    path : pathlib.Path
    expected, actual : str
        The pinned and the computed SHA-256 (hex).
    """

    def __init__(self, message: str, *, path: Path, expected: str, actual: str):
        super().__init__(message)
        self.path = path
        self.expected = expected
        self.actual = actual


class DataSplits(NamedTuple):
    """Train, validation and test sets of an image classification dataset.

    Attributes
    ----------
    train, valid, test : (x, y)
        ``x`` : ndarray of uint8, shape (n, 28, 28), pixels 0..255;
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
    train, test, test2 : (x, y)
        ``x`` : ndarray of float64, shape (n, 5), columns :data:`FEATURES`;
        ``y`` : ndarray of int64, shape (n,), 1 if the room is occupied.
    """

    train: tuple
    test: tuple
    test2: tuple


# ---------------------------------------------------------------------------
# Finding and downloading files
# ---------------------------------------------------------------------------


def data_dir(path=None) -> Path:
    """The data folder: `path`, else ``$CNNLIB_DATA_DIR``, else the user cache.

    Parameters
    ----------
    path : str or os.PathLike, optional
        An explicit folder; ``~`` is expanded.

    Returns
    -------
    pathlib.Path
        An absolute path.  The folder is not created and need not exist.

    Examples
    --------
    >>> folder = data_dir("~/datasets")        # '~' is expanded; nothing is created
    >>> folder.is_absolute(), folder.name
    (True, 'datasets')
    """
    return _resolve_dir(path)[0]


def _resolve_dir(path) -> tuple[Path, str]:
    """The data folder and where that choice came from: 'argument', 'env' or 'cache'."""
    if path is not None:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(
                f"`data_dir` must be a str or a path; got {path!r} ({type(path).__name__})."
            )
        return Path(os.path.abspath(os.path.expanduser(os.fspath(path)))), "argument"
    env = os.environ.get(DATA_ENV, "").strip()
    if env:
        return Path(os.path.abspath(os.path.expanduser(env))), "env"
    return Path(os.path.abspath(pooch.os_cache("cnnlib"))), "cache"


def _describe_dir(folder: Path, origin: str) -> str:
    if origin == "argument":
        how = "the data_dir argument"
    elif origin == "env":
        how = f"given by ${DATA_ENV}"
    else:
        how = f"the per-user cache: no data_dir argument and ${DATA_ENV} is not set"
    if not folder.is_dir():
        how += "; this folder does not exist"
    return how


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _want_progressbar() -> bool:
    """A tqdm bar only in a terminal with tqdm installed (never in tests or notebooks)."""
    try:
        if not (sys.stdout.isatty() and sys.stderr.isatty()):
            return False
    except (AttributeError, ValueError):
        return False
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


def _short_reason(err: BaseException) -> str:
    """One line saying why a download failed, e.g. 'ConnectionError: ... refused'."""
    import requests

    kind = type(err).__name__
    if isinstance(err, requests.HTTPError) and err.response is not None:
        r = err.response
        return f"HTTP {r.status_code} {r.reason}"
    if isinstance(err, ValueError):  # pooch's hash check of the downloaded file
        m = re.search(r"expected (?:sha256:)?([0-9a-fA-F]+) but got ([0-9a-fA-F]+)", str(err))
        if m:
            return (f"the downloaded file's sha256 is {m.group(2)}, expected {m.group(1)}; "
                    "it was deleted")
    inner = err.args[0] if err.args else None
    reason = getattr(inner, "reason", None)  # urllib3's MaxRetryError
    if isinstance(reason, BaseException):
        kind = f"{kind} ({type(reason).__name__})"
        msg = str(reason)
    else:
        msg = str(err)
    msg = re.sub(r"<[^<>]*object at 0x[0-9a-fA-F]+>:\s*", "", msg)
    msg = re.sub(r"^\w*Connection(?:Pool)?\([^)]*\):\s*", "", msg)
    msg = " ".join(msg.split())
    if len(msg) > 200:
        msg = msg[:197] + "..."
    return f"{kind}: {msg}" if msg else kind


def fetch(name: str, data_dir=None, *, download: bool = True) -> Path:
    """Path to a verified data file, downloading it if needed.

    Parameters
    ----------
    name : str
        A file of the data folder, ``'/'``-separated, e.g.
        ``'occupancy/datatest.txt'`` (see the module docstring for the list).
    data_dir : str or os.PathLike, optional
        The data folder; default ``$CNNLIB_DATA_DIR``, else the user cache.
    download : bool, default True
        If false, never touch the network.

    Returns
    -------
    pathlib.Path
        The file, whose SHA-256 has been checked.

    Raises
    ------
    DataNotFoundError
        The file is missing and every mirror failed (or ``download=False``).
    DataHashError
        The file exists in a folder you chose but its hash is wrong.
    """
    return _fetch(name, data_dir, download, needed_by="fetch")


def _fetch(name: str, data_dir, download: bool, *, needed_by: str = "", group=()) -> Path:
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a str; got {type(name).__name__}.")
    if name not in _REGISTRY:
        raise ValueError(f"unknown data file {name!r}; the known files are {sorted(_REGISTRY)}.")
    entry = _REGISTRY[name]
    folder, origin = _resolve_dir(data_dir)
    target = folder.joinpath(*name.split("/"))
    caller = needed_by or "fetch"

    found = "no such file"
    if target.is_file():
        actual = _sha256(target)
        if actual == entry.sha256.lower():
            return target
        if origin != "cache" or not download:
            where = {"argument": "the folder given by data_dir", "cache": "the per-user cache",
                     "env": f"the folder given by ${DATA_ENV}"}[origin]
            if origin == "cache":
                action = (f"It was not used: call {caller} with download=True to replace it "
                          "with a verified download, or delete it.")
            else:
                action = ("It was not used and was left untouched: delete it or replace it "
                          f"with a good copy, then call {caller} again.")
            raise DataHashError(
                f"{target} (in {where}) does not hold the expected data: "
                f"its sha256 is {actual}, expected {entry.sha256}. It may be truncated, corrupt "
                f"or another version of the file. {action}",
                path=target, expected=entry.sha256, actual=actual,
            )
        found = (f"a copy is there but its sha256 is {actual}, expected {entry.sha256}; "
                 "it was not used")
    elif target.exists():
        found = "that path is not a regular file"

    looked = f"  looked in: {target} ({_describe_dir(folder, origin)}): {found}"
    also = ""
    if len(group) > 1:
        also = f" ({caller} needs all of: {', '.join(group)})"
    if origin == "argument":
        fix = (f"To fix it, pass as data_dir a folder that holds {name}{also} (data_dir takes "
               f"precedence over ${DATA_ENV}); or go online and call {caller} again.")
    else:
        fix = (f"To fix it, set the environment variable {DATA_ENV} to a folder that holds {name}"
               f"{also}, or pass data_dir=<that folder>; or go online and call {caller} again.")

    if not download:
        urls = "\n".join(f"    {u}" for u in entry.urls)
        raise DataNotFoundError(
            f"cannot find the data file {name!r}, and download=False so nothing was "
            f"downloaded.\n{looked}\n  it can be downloaded from:\n{urls}\n{fix}",
            name=name, path=target,
        )

    import requests

    attempts = []
    last_err = None
    # Folders that pooch will create; removed again (if still empty) when every mirror fails.
    created = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
    downloader = pooch.HTTPDownloader(progressbar=_want_progressbar(), timeout=_TIMEOUT)
    for url in entry.urls:
        try:
            pooch.retrieve(
                url, known_hash=f"sha256:{entry.sha256}", fname=target.name,
                path=target.parent, downloader=downloader,
            )
        except (requests.RequestException, ValueError) as err:
            attempts.append((url, _short_reason(err)))
            last_err = err
            continue
        return target

    for p in created:
        try:
            p.rmdir()
        except OSError:
            break
    tried = "\n".join(f"  tried: {url}\n    -> {why}" for url, why in attempts)
    if not attempts:
        tried = "  no download URL is registered for this file"
    raise DataNotFoundError(
        f"cannot find the data file {name!r}, and could not download it.\n{looked}\n{tried}\n{fix}",
        name=name, path=target, attempts=attempts,
    ) from last_err


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


# ---------------------------------------------------------------------------
# A colour photograph
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


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
