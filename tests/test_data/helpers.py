"""Helpers shared by the tests of :mod:`cnnlib.data`: synthetic files and registry pins."""

from __future__ import annotations

import gzip
import hashlib
import io
from pathlib import Path

import numpy as np

from cnnlib.data import download

MNIST_NAMES = {
    "train_x": "mnist/train-images-idx3-ubyte.gz",
    "train_y": "mnist/train-labels-idx1-ubyte.gz",
    "test_x": "mnist/t10k-images-idx3-ubyte.gz",
    "test_y": "mnist/t10k-labels-idx1-ubyte.gz",
}
OCC_HEADER = '"date","Temperature","Humidity","Light","CO2","HumidityRatio","Occupancy"\n'
OCC_TRAIN = OCC_HEADER + (
    '"1","2015-02-04 17:51:00",23.18,27.272,426,721.25,0.00479298817650529,1\n'
    '"2","2015-02-04 17:51:59",23.15,27.2675,429.5,714,0.00478344094931065,0\n'
)
OCC_TEST = OCC_HEADER + '"140","2015-02-02 14:19:00",23.7,26.272,585.2,749.2,0.00476416302416414,1\n'
OCC_TEST2 = OCC_HEADER + (   # the date is not quoted in datatest2.txt
    '"1",2015-02-11 14:48:00,21.76,31.1333333333333,437.333333333333,1029.66666666667,'
    '0.00502101089021385,1\n'
    '"2",2015-02-11 14:49:00,21.79,31,437.333333333333,1000,0.00500858127480172,0\n'
    '"3",2015-02-11 14:50:00,21.7675,31.1225,434,1003.75,0.00503156211613415,0\n'
)



def sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def idx_bytes(arr, magic=None) -> bytes:
    """Uncompressed IDX: big-endian magic, one big-endian count per axis, the bytes."""
    arr = np.asarray(arr, dtype=np.uint8)
    if magic is None:
        magic = 0x0800 | arr.ndim
    head = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in arr.shape)
    return head + arr.tobytes()


def gz(raw: bytes) -> bytes:
    return gzip.compress(raw, mtime=0)


def register(monkeypatch, name, content: bytes, urls=()):
    """Pin `name` to the sha256 of `content`, with the given mirror URLs."""
    monkeypatch.setitem(download._REGISTRY, name, download._Remote(sha(content), tuple(urls)))


def put(root: Path, name: str, content: bytes) -> Path:
    p = root.joinpath(*name.split("/"))
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(content)
    return p


def files_under(folder: Path):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) \
        if folder.exists() else []


def synthetic_mnist(n_train=7, n_test=3, seed=0):
    rng = np.random.default_rng(seed)
    xtr = rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8)
    ytr = rng.integers(0, 10, n_train, dtype=np.uint8)
    xte = rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8)
    yte = rng.integers(0, 10, n_test, dtype=np.uint8)
    return {"train_x": xtr, "train_y": ytr, "test_x": xte, "test_y": yte}



def npz_bytes(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return buf.getvalue()


def good_notmnist(n=12):
    rng = np.random.default_rng(1)
    return dict(
        images=rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
        labels=np.arange(n, dtype=np.int64) % 10,
        split=np.array([0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 0][:n], dtype=np.uint8),
        classes=np.array(list("ABCDEFGHIJ")),
    )


def notmnist_file(tmp_path, monkeypatch, content: bytes) -> Path:
    root = tmp_path / "nm"
    put(root, "notmnist/notMNIST_small.npz", content)
    register(monkeypatch, "notmnist/notMNIST_small.npz", content)
    return root



def occupancy_dir(tmp_path, monkeypatch, train=OCC_TRAIN, test=OCC_TEST, test2=OCC_TEST2):
    root = tmp_path / "occ"
    for name, text in (("datatraining.txt", train), ("datatest.txt", test), ("datatest2.txt", test2)):
        content = text.encode("ascii")
        put(root, f"occupancy/{name}", content)
        register(monkeypatch, f"occupancy/{name}", content)
    return root

