"""Fixtures of the :mod:`cnnlib.data` tests: no network but 127.0.0.1, no
``$CNNLIB_DATA_DIR``, a private user cache; synthetic MNIST files.  Downloads go
to the suite's one local HTTP server (``http_server`` in ``tests/conftest.py``)."""

from __future__ import annotations

import os
import socket

import pooch
import pytest

from cnnlib.data import DATA_ENV, download

from .helpers import MNIST_NAMES, gz, idx_bytes, put, register, synthetic_mnist

#: The real data folder, read before any fixture clears the variable.
REAL_DATA = os.environ.get(DATA_ENV)

_real_getaddrinfo = socket.getaddrinfo


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No $CNNLIB_DATA_DIR, a private user cache, short timeouts, and only 127.0.0.1."""
    def local_only(host, *args, **kwargs):
        if host not in ("127.0.0.1", "localhost"):
            raise socket.gaierror(socket.EAI_NONAME, f"test guard: no network for {host!r}")
        return _real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", local_only)
    monkeypatch.delenv(DATA_ENV, raising=False)
    cache = tmp_path / "user-cache"
    monkeypatch.setattr(pooch, "os_cache", lambda project: cache / project)
    monkeypatch.setattr(download, "_TIMEOUT", (2, 2))
    return cache / "cnnlib"



@pytest.fixture
def mnist_dir(tmp_path, monkeypatch):
    """A data folder holding four tiny MNIST files, pinned in the registry."""
    root = tmp_path / "mydata"
    arrays = synthetic_mnist()
    for key, name in MNIST_NAMES.items():
        content = gz(idx_bytes(arrays[key]))
        put(root, name, content)
        register(monkeypatch, name, content)
    return root, arrays

