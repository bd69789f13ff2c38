"""Downloading the data files: the registry of pinned hashes and mirrors,
the data folder, :func:`fetch`, and the two errors a reader may meet.

Part of :mod:`cnnlib.data` (see its docstring for where the files live and
how downloads are verified); the loaders in :mod:`cnnlib.data.formats` call
:func:`_fetch`.  The tests monkeypatch ``_REGISTRY`` and ``_TIMEOUT`` here to
serve synthetic files from a local HTTP server.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from pathlib import Path
from typing import NamedTuple

import pooch

__all__ = [
    "DATA_ENV",
    "BOOK_DATA_URL",
    "DataNotFoundError",
    "DataHashError",
    "data_dir",
    "fetch",
]

#: Name of the environment variable that points to a folder holding the data.
DATA_ENV = "CNNLIB_DATA_DIR"

#: Base URL of the book's own data release.  This is the ONE place to change
#: when the files move: files built for this book (``notMNIST_small.npz``) are
#: downloaded from ``BOOK_DATA_URL + <file name>``.
BOOK_DATA_URL = "https://github.com/cnn-book/cnn-book/releases/download/data-v1/"


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



# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


class DataNotFoundError(FileNotFoundError):
    """A data file is not on disk and could not be downloaded.

    Attributes
    ----------
    name : str
        The file, relative to the data folder (e.g. ``'mnist/t10k-labels-idx1-ubyte.gz'``).
    path
        Where it was looked for (a ``pathlib.Path``).
    attempts : list of (str, str)
        Each URL tried and why it failed (empty with ``download=False``).
    """

    def __init__(self, message: str, *, name: str, path: Path, attempts=()):
        super().__init__(message)
        self.name = name
        self.path = path
        self.attempts = list(attempts)


class DataHashError(ValueError):
    """A local data file does not have the pinned SHA-256, so it was not used.

    Attributes
    ----------
    path
        The file (a ``pathlib.Path``).
    expected, actual : str
        The pinned and the computed SHA-256 (hex).
    """

    def __init__(self, message: str, *, path: Path, expected: str, actual: str):
        super().__init__(message)
        self.path = path
        self.expected = expected
        self.actual = actual


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
