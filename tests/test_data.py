"""Dataset loaders: parsers, hashes, downloads (from a local server) and the real data.

Synthetic IDX, npz and CSV files are written in ``tmp_path`` and their hashes
injected into ``data._REGISTRY``.  Downloads go to a ``ThreadingHTTPServer`` on
127.0.0.1; a guard refuses to resolve any other host, so no test can reach the
internet.  The real-data tests read ``$CNNLIB_DATA_DIR`` with
``download=False`` and are skipped when it is unset.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pooch
import pytest
import requests

from cnnlib import data
from cnnlib.data import (DATA_ENV, DataHashError, DataNotFoundError, DataSplits, Occupancy, fetch,
                         load_mnist, load_mnist_splits, load_notmnist, load_occupancy, one_hot,
                         to_nhwc_float)

REAL_DATA = os.environ.get(DATA_ENV)   # read before any fixture clears it

MNIST_NAMES = {
    "train_x": "mnist/train-images-idx3-ubyte.gz",
    "train_y": "mnist/train-labels-idx1-ubyte.gz",
    "test_x": "mnist/t10k-images-idx3-ubyte.gz",
    "test_y": "mnist/t10k-labels-idx1-ubyte.gz",
}
OCC_HEADER = '"date","Temperature","Humidity","Light","CO2","HumidityRatio","Occupancy"\n'


# --- fixtures and helpers -----------------------------------------------------------------

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
    monkeypatch.setattr(data, "_TIMEOUT", (2, 2))
    return cache / "cnnlib"


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
    monkeypatch.setitem(data._REGISTRY, name, data._Remote(sha(content), tuple(urls)))


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


class LocalServer:
    """An HTTP server on 127.0.0.1 serving `routes` and counting requests per path.

    A route's value is bytes (served whole), or ("truncate", bytes) to announce
    the full length and then hang up halfway, or ("slow", seconds, bytes).
    """

    def __init__(self):
        self.routes: dict = {}
        self.hits: Counter = Counter()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                path = self.path.lstrip("/")
                server.hits[path] += 1
                route = server.routes.get(path)
                if route is None:
                    self.send_error(404)
                    return
                mode, body = ("whole", route) if isinstance(route, bytes) else (route[0], route[-1])
                if mode == "slow":
                    time.sleep(route[1])
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body[: len(body) // 2] if mode == "truncate" else body)
                    self.wfile.flush()
                except OSError:
                    pass
                if mode == "truncate":
                    self.close_connection = True

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()
        self.running = True

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def stop(self):
        if self.running:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join(5)
            self.running = False


@pytest.fixture
def server():
    s = LocalServer()
    yield s
    s.stop()


# --- the data folder ----------------------------------------------------------------------

def test_data_dir_argument_then_environment_then_cache(monkeypatch, tmp_path, isolated):
    assert data.data_dir() == isolated
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "env"))
    assert data.data_dir() == tmp_path / "env"
    assert data.data_dir(tmp_path / "arg") == tmp_path / "arg"
    assert data.data_dir(str(tmp_path / "arg")) == tmp_path / "arg"
    monkeypatch.setenv("HOME", str(tmp_path))
    assert data.data_dir("~/x") == tmp_path / "x"


def test_data_dir_rejects_non_paths():
    with pytest.raises(TypeError, match=r"`data_dir` must be a str or a path; got 3 \(int\)"):
        data.data_dir(3)


def test_unknown_file_name():
    with pytest.raises(ValueError, match=r"unknown data file 'mnist/nope.gz'; the known files are"):
        fetch("mnist/nope.gz")


def test_public_names():
    for name in data.__all__:
        assert hasattr(data, name), name
    assert issubclass(DataNotFoundError, FileNotFoundError)
    assert issubclass(DataHashError, ValueError)
    assert data.BOOK_DATA_URL.endswith("/")
    assert data._REGISTRY["notmnist/notMNIST_small.npz"].urls == (
        data.BOOK_DATA_URL + "notMNIST_small.npz",)


def test_every_registered_file_has_a_hash_and_https_mirrors():
    for name, entry in data._REGISTRY.items():
        assert len(entry.sha256) == 64 and int(entry.sha256, 16) >= 0, name
        assert entry.urls and all(u.startswith("https://") for u in entry.urls), name
        assert all(u.endswith(name.rsplit("/", 1)[1]) for u in entry.urls), name
        assert not any("yann.lecun.com" in u for u in entry.urls)
    assert len(data._REGISTRY["mnist/train-images-idx3-ubyte.gz"].urls) >= 2


def test_no_progress_bar_outside_a_terminal():
    assert data._want_progressbar() is False


# --- IDX parsing --------------------------------------------------------------------------

def test_idx_round_trip(tmp_path):
    x = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    p = put(tmp_path, "x.gz", gz(idx_bytes(x)))
    out = data._read_idx(p, 2051)
    np.testing.assert_array_equal(out, x)
    assert out.dtype == np.uint8 and out.flags.writeable
    y = np.array([5, 0, 4], dtype=np.uint8)
    np.testing.assert_array_equal(data._read_idx(put(tmp_path, "y.gz", gz(idx_bytes(y))), 2049), y)


def test_idx_bad_magic_names_the_file_and_suggests_a_swap(tmp_path):
    p = put(tmp_path, "labels.gz", gz(idx_bytes(np.zeros((2, 28, 28)))))
    with pytest.raises(ValueError, match=r"labels\.gz is not an IDX label file: its magic number is "
                                         r"2051 \(0x00000803\), expected 2049 .*swapped"):
        data._read_idx(p, 2049)
    p = put(tmp_path, "junk.gz", gz(idx_bytes(np.zeros(4), magic=0x12345678)))
    with pytest.raises(ValueError, match=r"junk\.gz is not an IDX image file: its magic number is 305419896"):
        data._read_idx(p, 2051)


def test_idx_payload_shorter_than_the_header_says(tmp_path):
    raw = idx_bytes(np.zeros((3, 28, 28)))[:-10]
    p = put(tmp_path, "short.gz", gz(raw))
    with pytest.raises(ValueError, match=r"short\.gz is truncated: its header announces 3 x 28 x 28 = "
                                         r"2352 items .* only 2342 bytes follow"):
        data._read_idx(p, 2051)


def test_idx_payload_longer_than_the_header_says(tmp_path):
    p = put(tmp_path, "long.gz", gz(idx_bytes(np.zeros(5)) + b"\x00" * 3))
    with pytest.raises(ValueError, match=r"long\.gz does not match its header: it announces 5 = 5 items "
                                         r"but 8 bytes follow .*\(3 too many\)"):
        data._read_idx(p, 2049)


def test_idx_truncated_header(tmp_path):
    p = put(tmp_path, "head.gz", gz((2051).to_bytes(4, "big") + b"\x00\x00\x00\x03\x00"))
    with pytest.raises(ValueError, match=r"head\.gz is truncated: its header ends after 9 bytes, but an "
                                         r"IDX image file has a 16-byte header"):
        data._read_idx(p, 2051)
    p = put(tmp_path, "tiny.gz", gz(b"\x00\x00"))
    with pytest.raises(ValueError, match=r"tiny\.gz is too short to be an IDX file"):
        data._read_idx(p, 2049)


def test_idx_truncated_gzip_stream_and_not_gzip(tmp_path):
    whole = gz(idx_bytes(np.arange(1000) % 256))
    p = put(tmp_path, "cut.gz", whole[: len(whole) // 2])
    with pytest.raises(ValueError, match=r"cut\.gz is not a readable gzip file \(EOFError.*truncated or corrupt"):
        data._read_idx(p, 2049)
    p = put(tmp_path, "plain.gz", idx_bytes(np.zeros(3)))
    with pytest.raises(ValueError, match=r"plain\.gz is not a readable gzip file \(BadGzipFile"):
        data._read_idx(p, 2049)


# --- MNIST loaders on synthetic files -----------------------------------------------------

def test_load_mnist_reads_the_four_files(mnist_dir):
    root, a = mnist_dir
    (xtr, ytr), (xte, yte) = load_mnist(root, download=False)
    for got, key in ((xtr, "train_x"), (ytr, "train_y"), (xte, "test_x"), (yte, "test_y")):
        np.testing.assert_array_equal(got, a[key])
        assert got.dtype == np.uint8
    assert xtr.shape == (7, 28, 28) and ytr.shape == (7,)


def test_load_mnist_from_the_environment_variable(mnist_dir, monkeypatch):
    root, a = mnist_dir
    monkeypatch.setenv(DATA_ENV, str(root))
    (xtr, _), _ = load_mnist(download=False)
    np.testing.assert_array_equal(xtr, a["train_x"])


def test_load_mnist_label_image_count_mismatch(mnist_dir, monkeypatch):
    root, a = mnist_dir
    content = gz(idx_bytes(a["train_y"][:-1]))
    put(root, MNIST_NAMES["train_y"], content)
    register(monkeypatch, MNIST_NAMES["train_y"], content)
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte\.gz holds 7 images but .*"
                                         r"train-labels-idx1-ubyte\.gz holds 6 labels"):
        load_mnist(root, download=False)


def test_load_mnist_swapped_files_give_a_bad_magic_error(mnist_dir, monkeypatch):
    root, a = mnist_dir
    content = gz(idx_bytes(a["test_x"]))                    # images where the labels belong
    put(root, MNIST_NAMES["test_y"], content)
    register(monkeypatch, MNIST_NAMES["test_y"], content)
    with pytest.raises(ValueError, match=r"t10k-labels-idx1-ubyte\.gz is not an IDX label file"):
        load_mnist(root, download=False)


def test_splits_take_the_first_images_for_validation(mnist_dir):
    root, a = mnist_dir
    s = load_mnist_splits(root, validation_size=2, download=False)
    assert isinstance(s, DataSplits)
    np.testing.assert_array_equal(s.valid[0], a["train_x"][:2])
    np.testing.assert_array_equal(s.valid[1], a["train_y"][:2])
    np.testing.assert_array_equal(s.train[0], a["train_x"][2:])
    np.testing.assert_array_equal(s.test[1], a["test_y"])
    assert s.classes == tuple("0123456789")
    assert load_mnist_splits(root, validation_size=0, download=False).valid[0].shape == (0, 28, 28)
    assert load_mnist_splits(root, validation_size=7, download=False).train[0].shape == (0, 28, 28)


@pytest.mark.parametrize("bad, exc, msg", [
    (8, ValueError, r"`validation_size` must be between 0 and 7 \(the training images\); got 8"),
    (-1, ValueError, r"`validation_size` must be between 0 and 7 .*got -1"),
    (2.0, TypeError, r"`validation_size` must be an integer; got 2\.0 \(float\)"),
    (True, TypeError, r"`validation_size` must be an integer; got True \(bool\)"),
])
def test_splits_reject_bad_validation_sizes(mnist_dir, bad, exc, msg):
    with pytest.raises(exc, match=msg):
        load_mnist_splits(mnist_dir[0], validation_size=bad, download=False)


# --- notMNIST on synthetic files ----------------------------------------------------------

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


def test_load_notmnist_uses_the_fixed_split(tmp_path, monkeypatch):
    a = good_notmnist()
    s = load_notmnist(notmnist_file(tmp_path, monkeypatch, npz_bytes(**a)), download=False)
    assert isinstance(s, DataSplits)
    assert [len(p[0]) for p in s[:3]] == [7, 2, 3]
    np.testing.assert_array_equal(s.valid[0], a["images"][6:8])
    np.testing.assert_array_equal(s.test[1], [8, 9, 0])
    assert s.train[1].dtype == np.uint8 and s.train[0].dtype == np.uint8
    assert s.classes == tuple("ABCDEFGHIJ")


@pytest.mark.parametrize("change, msg", [
    (dict(split=None), r"lacks the keys \['split'\] \(it has \['classes', 'images', 'labels'\]\)"),
    (dict(images=np.zeros((12, 28, 27), np.uint8)), r"`images` must be uint8 of shape \(N, 28, 28\); "
                                                    r"got uint8 of shape \(12, 28, 27\)"),
    (dict(images=np.zeros((12, 28, 28))), r"`images` must be uint8 .*got float64"),
    (dict(labels=np.arange(11)), r"`labels` must be integers of shape \(12,\), one per image; "
                                 r"got int64 of shape \(11,\)"),
    (dict(labels=np.arange(12)), r"`labels` must be in 0\.\.9; got values from 0 to 11"),
    (dict(split=np.full(12, 3)), r"`split` must hold 0 \(train\), 1 \(valid\) or 2 \(test\); got \[3\]"),
    (dict(classes=np.array(list("ABCDEFGHIK"))), r"`classes` must be A\.\.J"),
])
def test_malformed_notmnist_archives(tmp_path, monkeypatch, change, msg):
    a = good_notmnist()
    a.update(change)
    a = {k: v for k, v in a.items() if v is not None}
    root = notmnist_file(tmp_path, monkeypatch, npz_bytes(**a))
    with pytest.raises(ValueError, match=r"notMNIST_small\.npz.*" + msg):
        load_notmnist(root, download=False)


def test_notmnist_that_is_not_an_npz(tmp_path, monkeypatch):
    root = notmnist_file(tmp_path, monkeypatch, b"PK\x03\x04 this is not really a zip archive")
    with pytest.raises(ValueError, match=r"notMNIST_small\.npz is not a readable \.npz file \(BadZipFile"):
        load_notmnist(root, download=False)
    root = notmnist_file(tmp_path, monkeypatch, b"hello")
    with pytest.raises(ValueError, match=r"notMNIST_small\.npz is not a readable \.npz file"):
        load_notmnist(root, download=False)


def test_notmnist_with_pickled_objects_is_refused(tmp_path, monkeypatch):
    a = good_notmnist()
    a["labels"] = np.array([object()] * 12, dtype=object)
    root = notmnist_file(tmp_path, monkeypatch, npz_bytes(**a))
    with pytest.raises(ValueError, match=r"not a readable \.npz file .*allow_pickle=False"):
        load_notmnist(root, download=False)


def test_notmnist_that_is_a_single_npy_array(tmp_path, monkeypatch):
    buf = io.BytesIO()
    np.save(buf, np.zeros(3))
    root = notmnist_file(tmp_path, monkeypatch, buf.getvalue())
    with pytest.raises(ValueError, match=r"holds a single array, not an \.npz archive"):
        load_notmnist(root, download=False)


# --- Occupancy on synthetic files ---------------------------------------------------------

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


def occupancy_dir(tmp_path, monkeypatch, train=OCC_TRAIN, test=OCC_TEST, test2=OCC_TEST2):
    root = tmp_path / "occ"
    for name, text in (("datatraining.txt", train), ("datatest.txt", test), ("datatest2.txt", test2)):
        content = text.encode("ascii")
        put(root, f"occupancy/{name}", content)
        register(monkeypatch, f"occupancy/{name}", content)
    return root


def test_load_occupancy_parses_row_ids_and_both_date_styles(tmp_path, monkeypatch):
    o = load_occupancy(occupancy_dir(tmp_path, monkeypatch), download=False)
    assert isinstance(o, Occupancy)
    (x, y), (xt, yt), (x2, y2) = o
    assert x.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(x, [[23.18, 27.272, 426, 721.25, 0.00479298817650529],
                                      [23.15, 27.2675, 429.5, 714, 0.00478344094931065]])
    np.testing.assert_array_equal(y, [1, 0])
    assert xt.shape == (1, 5) and yt.tolist() == [1]
    assert x2.shape == (3, 5) and y2.tolist() == [1, 0, 0]
    np.testing.assert_array_equal(x2[2], [21.7675, 31.1225, 434, 1003.75, 0.00503156211613415])
    assert data.FEATURES == ("Temperature", "Humidity", "Light", "CO2", "HumidityRatio")


def test_occupancy_without_row_ids(tmp_path, monkeypatch):
    text = OCC_HEADER + '"2015-02-04 17:51:00",23.18,27.272,426,721.25,0.0048,1\n'
    (x, y), _, _ = load_occupancy(occupancy_dir(tmp_path, monkeypatch, train=text), download=False)
    np.testing.assert_array_equal(x, [[23.18, 27.272, 426, 721.25, 0.0048]])


@pytest.mark.parametrize("text, msg", [
    (OCC_HEADER + '"1","d",23.18,27.272,426\n', r"line 2: 5 fields, but the header has 7 names"),
    (OCC_HEADER + '"1","d",23.18,27.272,lots,721.25,0.0048,1\n', r"line 2: not a number"),
    (OCC_HEADER + '"1","d",23.18,27.272,426,721.25,0.0048,2\n', r"line 2: Occupancy must be 0 or 1; got '2'"),
    ('"date","Temperature","Humidity","Light","CO2"\n', r"the header line lacks the columns "
                                                        r"\['HumidityRatio', 'Occupancy'\]"),
    ("", r"is empty"),
])
def test_malformed_occupancy_files(tmp_path, monkeypatch, text, msg):
    root = occupancy_dir(tmp_path, monkeypatch, train=text)
    with pytest.raises(ValueError, match=r"datatraining\.txt.*" + msg):
        load_occupancy(root, download=False)


# --- hashes of local files ----------------------------------------------------------------

def test_wrong_hash_in_an_explicit_folder_is_reported_and_left_alone(mnist_dir, server, monkeypatch):
    root, _ = mnist_dir
    name = MNIST_NAMES["test_y"]
    expected = data._REGISTRY[name].sha256
    bad = gz(b"something else")
    path = put(root, name, bad)
    server.routes["t10k"] = bad
    monkeypatch.setitem(data._REGISTRY, name, data._Remote(expected, (server.url("t10k"),)))
    with pytest.raises(DataHashError) as info:
        load_mnist(root)                            # download=True, yet nothing is fetched
    msg = str(info.value)
    assert f"its sha256 is {sha(bad)}, expected {expected}" in msg
    assert str(path) in msg and "left untouched" in msg and "call load_mnist again" in msg
    assert path.read_bytes() == bad and server.hits == Counter()
    assert (info.value.expected, info.value.actual, info.value.path) == (expected, sha(bad), path)


def test_wrong_hash_in_the_environment_folder(mnist_dir, monkeypatch):
    root, _ = mnist_dir
    monkeypatch.setenv(DATA_ENV, str(root))
    put(root, MNIST_NAMES["train_x"], b"oops")
    with pytest.raises(DataHashError, match=r"train-images-idx3-ubyte\.gz \(in the folder given by "
                                            r"\$CNNLIB_DATA_DIR\) does not hold the expected data: "
                                            rf"its sha256 is {sha(b'oops')}"):
        load_mnist()


def test_wrong_hash_in_the_cache_is_replaced_by_a_verified_download(monkeypatch, server, isolated):
    good = OCC_TEST.encode()
    name = "occupancy/datatest.txt"
    register(monkeypatch, name, good, [server.url("datatest.txt")])
    server.routes["datatest.txt"] = good
    stale = put(isolated, name, b"stale")
    with pytest.raises(DataHashError, match=r"\(in the per-user cache\) .* call fetch with download=True"):
        fetch(name, download=False)
    assert stale.read_bytes() == b"stale"
    assert fetch(name) == stale
    assert stale.read_bytes() == good and server.hits["datatest.txt"] == 1
    assert files_under(isolated) == ["occupancy/datatest.txt"]


# --- offline ------------------------------------------------------------------------------

def test_missing_file_with_download_false(tmp_path):
    with pytest.raises(DataNotFoundError) as info:
        load_notmnist(tmp_path / "empty", download=False)
    msg = str(info.value)
    assert msg.startswith("cannot find the data file 'notmnist/notMNIST_small.npz', and download=False")
    assert f"looked in: {tmp_path / 'empty' / 'notmnist' / 'notMNIST_small.npz'} (the data_dir argument; "\
           "this folder does not exist): no such file" in msg
    assert data.BOOK_DATA_URL + "notMNIST_small.npz" in msg
    assert "To fix it, pass as data_dir a folder that holds notmnist/notMNIST_small.npz (data_dir " \
           "takes precedence over $CNNLIB_DATA_DIR); or go online and call load_notmnist again." in msg
    assert isinstance(info.value, FileNotFoundError) and info.value.attempts == []
    assert not (tmp_path / "empty").exists()


def test_missing_file_in_the_environment_folder(monkeypatch, tmp_path):
    for name, text in (("datatraining.txt", OCC_TRAIN), ("datatest.txt", OCC_TEST)):
        put(tmp_path, f"occupancy/{name}", text.encode())
        register(monkeypatch, f"occupancy/{name}", text.encode())
    monkeypatch.setenv(DATA_ENV, str(tmp_path))
    with pytest.raises(DataNotFoundError, match=r"looked in: .*datatest2\.txt \(given by \$CNNLIB_DATA_DIR\): "
                                                r"no such file\n(.|\n)*set the environment variable "
                                                r"CNNLIB_DATA_DIR to a folder that holds "
                                                r"occupancy/datatest2\.txt \(load_occupancy needs all of"):
        load_occupancy(download=False)


def test_offline_with_the_real_mirrors_lists_every_url(tmp_path, isolated):
    """The guard makes every real host unresolvable, as on a machine with no network."""
    with pytest.raises(DataNotFoundError) as info:
        load_mnist()
    msg = str(info.value)
    assert "mnist/train-images-idx3-ubyte.gz" in msg and str(isolated) in msg
    assert "the per-user cache: no data_dir argument and $CNNLIB_DATA_DIR is not set" in msg
    for url in data._REGISTRY[MNIST_NAMES["train_x"]].urls:
        assert f"tried: {url}\n    -> ConnectionError (NameResolutionError): " in msg
    assert "load_mnist needs all of: mnist/train-images-idx3-ubyte.gz, mnist/train-labels-idx1-ubyte.gz, " \
           "mnist/t10k-images-idx3-ubyte.gz, mnist/t10k-labels-idx1-ubyte.gz" in msg
    assert "0x" not in msg                                     # no object reprs in the reasons
    assert isinstance(info.value.__cause__, requests.ConnectionError)
    assert files_under(isolated) == []


# --- downloads from a local server --------------------------------------------------------

def test_download_fetches_checks_and_caches(monkeypatch, server, isolated):
    name = "occupancy/datatraining.txt"
    content = OCC_TRAIN.encode()
    register(monkeypatch, name, content, [server.url("a/datatraining.txt")])
    server.routes["a/datatraining.txt"] = content
    path = fetch(name)
    assert path == isolated / "occupancy" / "datatraining.txt"
    assert path.read_bytes() == content and server.hits["a/datatraining.txt"] == 1
    assert fetch(name) == path                              # cached: no second request
    assert fetch(name, download=False) == path
    assert server.hits["a/datatraining.txt"] == 1
    assert files_under(isolated) == ["occupancy/datatraining.txt"]


def test_loader_downloads_into_an_explicit_folder(monkeypatch, server, tmp_path):
    arrays = synthetic_mnist()
    for key, name in MNIST_NAMES.items():
        content = gz(idx_bytes(arrays[key]))
        register(monkeypatch, name, content, [server.url(key)])
        server.routes[key] = content
    root = tmp_path / "new"
    (xtr, _), (_, yte) = load_mnist(root)
    np.testing.assert_array_equal(xtr, arrays["train_x"])
    np.testing.assert_array_equal(yte, arrays["test_y"])
    assert sum(server.hits.values()) == 4
    load_mnist_splits(root, validation_size=3)
    assert sum(server.hits.values()) == 4
    assert files_under(root) == sorted(MNIST_NAMES.values())


def test_download_with_the_wrong_hash_leaves_nothing(monkeypatch, server, isolated):
    name = "occupancy/datatest.txt"
    register(monkeypatch, name, OCC_TEST.encode(), [server.url("datatest.txt")])
    served = b"tampered" + OCC_TEST.encode()
    server.routes["datatest.txt"] = served
    with pytest.raises(DataNotFoundError) as info:
        fetch(name)
    msg = str(info.value)
    assert f"tried: {server.url('datatest.txt')}\n    -> the downloaded file's sha256 is {sha(served)}, " \
           f"expected {sha(OCC_TEST.encode())}; it was deleted" in msg
    assert files_under(isolated) == []                      # no file, no temporary file
    assert server.hits["datatest.txt"] == 1


def test_interrupted_download_leaves_nothing(monkeypatch, server, isolated):
    name = "notmnist/notMNIST_small.npz"
    content = npz_bytes(**good_notmnist())
    register(monkeypatch, name, content, [server.url("nm.npz")])
    server.routes["nm.npz"] = ("truncate", content)
    with pytest.raises(DataNotFoundError, match=r"tried: http://127\.0\.0\.1:\d+/nm\.npz\n    -> "
                                                r"ChunkedEncodingError"):
        load_notmnist()
    assert files_under(isolated) == []


def test_server_gone_gives_the_offline_error(monkeypatch, server, tmp_path):
    name = "occupancy/datatest2.txt"
    url = server.url("datatest2.txt")
    register(monkeypatch, name, OCC_TEST2.encode(), [url])
    server.stop()                                           # the port is now closed
    t0 = time.perf_counter()
    with pytest.raises(DataNotFoundError) as info:
        fetch(name, tmp_path / "d")
    assert time.perf_counter() - t0 < 5
    msg = str(info.value)
    assert f"tried: {url}\n    -> ConnectionError (NewConnectionError): Failed to establish a new " \
           "connection: [Errno 111] Connection refused" in msg
    assert "(the data_dir argument; this folder does not exist): no such file" in msg
    assert msg.endswith("or go online and call fetch again.")
    assert isinstance(info.value.__cause__, requests.ConnectionError)
    assert info.value.attempts[0][0] == url
    assert not (tmp_path / "d").exists()                   # the folders it made are gone again


def test_first_mirror_fails_second_succeeds(monkeypatch, server, isolated):
    name = "occupancy/datatest.txt"
    content = OCC_TEST.encode()
    register(monkeypatch, name, content, [server.url("gone/datatest.txt"), server.url("ok/datatest.txt")])
    server.routes["ok/datatest.txt"] = content
    assert fetch(name).read_bytes() == content
    assert server.hits == Counter({"gone/datatest.txt": 1, "ok/datatest.txt": 1})
    fetch(name)
    assert sum(server.hits.values()) == 2


def test_every_mirror_failing_lists_each_reason(monkeypatch, server, isolated):
    name = "occupancy/datatest.txt"
    register(monkeypatch, name, OCC_TEST.encode(),
             [server.url("missing"), server.url("bad"), server.url("slow")])
    server.routes["bad"] = b"nope"
    server.routes["slow"] = ("slow", 1.0, OCC_TEST.encode())
    monkeypatch.setattr(data, "_TIMEOUT", (2, 0.3))
    with pytest.raises(DataNotFoundError) as info:
        fetch(name)
    reasons = [why for _, why in info.value.attempts]
    assert reasons[0] == "HTTP 404 Not Found"
    assert reasons[1].startswith(f"the downloaded file's sha256 is {sha(b'nope')}")
    assert reasons[2].startswith("ReadTimeout: Read timed out")
    assert files_under(isolated) == []


# --- helpers ------------------------------------------------------------------------------

def test_to_nhwc_float():
    x = np.array([[[0, 255, 51]], [[102, 153, 204]]], dtype=np.uint8)
    out = to_nhwc_float(x)
    assert out.shape == (2, 1, 3, 1) and out.dtype == np.float32
    np.testing.assert_allclose(out[..., 0], x / 255, rtol=1e-7)
    assert out.min() == 0 and out.max() == 1


@pytest.mark.parametrize("x, exc, msg", [
    (np.zeros((2, 3, 3)), TypeError, r"`x` must be a uint8 array of pixels 0\.\.255; got dtype float64\. "
                                     r"If it is already scaled"),
    (np.zeros((2, 3, 3), np.int64), TypeError, r"got dtype int64\.$"),
    (np.zeros((3, 3), np.uint8), ValueError, r"`x` must be 3-D \(N, H, W\); got shape \(3, 3\)\. For a "
                                             r"single image use `x\[None\]`"),
    (np.zeros((1, 3, 3, 1), np.uint8), ValueError, r"got shape \(1, 3, 3, 1\)\. It already has a channel"),
])
def test_to_nhwc_float_errors(x, exc, msg):
    with pytest.raises(exc, match=msg):
        to_nhwc_float(x)


def test_one_hot():
    out = one_hot(np.array([3, 0, 9], dtype=np.uint8))
    assert out.shape == (3, 10) and out.dtype == np.float32
    np.testing.assert_array_equal(out.argmax(axis=1), [3, 0, 9])
    np.testing.assert_array_equal(out.sum(axis=1), 1)
    assert one_hot([], num_classes=4).shape == (0, 4)


@pytest.mark.parametrize("y, k, exc, msg", [
    ([0, 1, 10], 10, ValueError, r"`y` must hold labels in 0\.\.9 \(num_classes=10\); got 10 at index 2"),
    ([-1], 3, ValueError, r"got -1 at index 0"),
    ([0.0, 1.0], 3, TypeError, r"`y` must be an array of integer labels; got dtype float64"),
    ([True], 3, TypeError, r"got dtype bool"),
    ([[0, 1]], 3, ValueError, r"`y` must be 1-D \(N,\); got shape \(1, 2\)"),
    ([0], 0, ValueError, r"`num_classes` must be a positive integer; got 0"),
    ([0], 2.5, TypeError, r"`num_classes` must be an integer; got 2\.5 \(float\)"),
])
def test_one_hot_errors(y, k, exc, msg):
    with pytest.raises(exc, match=msg):
        one_hot(y, num_classes=k)


def test_sample_image():
    pytest.importorskip("matplotlib")
    img = data.sample_image()
    assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3
    assert img.shape[:2] == (600, 512)
    assert 0 < img.mean() < 255 and img.std() > 10


# --- the real data (CNNLIB_DATA_DIR) ------------------------------------------------------

real = pytest.mark.skipif(
    not REAL_DATA or not Path(REAL_DATA).is_dir(),
    reason=f"set {DATA_ENV} to the folder holding the datasets (e.g. ../shared/data) to check them",
)

MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
NOTMNIST_COUNTS = {
    "train": [1531, 1500, 1500, 1528, 1499, 1523, 1534, 1473, 1555, 1510],
    "valid": [168, 172, 194, 171, 181, 182, 170, 212, 155, 186],
    "test": [173, 201, 179, 174, 193, 167, 168, 187, 162, 176],
}


@pytest.fixture(scope="module")
def real_mnist():
    return load_mnist(REAL_DATA, download=False)


@real
def test_real_mnist(real_mnist):
    (xtr, ytr), (xte, yte) = real_mnist
    assert (xtr.shape, ytr.shape, xte.shape, yte.shape) == ((60000, 28, 28), (60000,), (10000, 28, 28),
                                                            (10000,))
    assert {a.dtype for a in (xtr, ytr, xte, yte)} == {np.dtype(np.uint8)}
    assert np.bincount(ytr).tolist() == MNIST_TRAIN_COUNTS
    assert np.bincount(yte).tolist() == MNIST_TEST_COUNTS
    assert round(float(xtr.mean()) / 255, 4) == 0.1307


@real
def test_real_mnist_splits(real_mnist):
    s = load_mnist_splits(REAL_DATA, download=False)
    assert [len(p[0]) for p in s[:3]] == [55000, 5000, 10000]
    assert [len(p[1]) for p in s[:3]] == [55000, 5000, 10000]
    (xtr, ytr), (xte, _) = real_mnist
    np.testing.assert_array_equal(s.valid[0], xtr[:5000])
    np.testing.assert_array_equal(s.valid[1], ytr[:5000])
    np.testing.assert_array_equal(s.train[0], xtr[5000:])
    np.testing.assert_array_equal(s.test[0], xte)


@real
def test_real_notmnist():
    s = load_notmnist(REAL_DATA, download=False)
    assert [len(p[0]) for p in s[:3]] == [15153, 1791, 1780]
    for split in ("train", "valid", "test"):
        x, y = getattr(s, split)
        assert x.dtype == np.uint8 and x.shape[1:] == (28, 28) and y.dtype == np.uint8
        assert np.bincount(y, minlength=10).tolist() == NOTMNIST_COUNTS[split], split
    assert s.classes == tuple("ABCDEFGHIJ")


@real
def test_real_occupancy():
    o = load_occupancy(REAL_DATA, download=False)
    expected = {"train": (8143, 1729, 6414), "test": (2665, 972, 1693), "test2": (9752, 2049, 7703)}
    for split, (rows, ones, zeros) in expected.items():
        x, y = getattr(o, split)
        assert x.shape == (rows, 5) and x.dtype == np.float64
        assert y.shape == (rows,) and y.dtype == np.int64
        assert (int((y == 1).sum()), int((y == 0).sum())) == (ones, zeros), split
        assert np.isfinite(x).all()
    np.testing.assert_array_equal(o.train[0][0], [23.18, 27.272, 426, 721.25, 0.00479298817650529])


@real
def test_real_data_from_the_environment_variable(monkeypatch):
    monkeypatch.setenv(DATA_ENV, REAL_DATA)
    assert fetch("occupancy/datatest.txt", download=False) == \
        Path(os.path.abspath(REAL_DATA)) / "occupancy" / "datatest.txt"
