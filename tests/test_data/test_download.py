"""cnnlib.data.download: the data folder, the registry, hashes of local files, offline errors,
downloads from the local HTTP server."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import requests

from cnnlib import data
from cnnlib.data import (DATA_ENV, DataHashError, DataNotFoundError, download, fetch, load_mnist, load_mnist_splits,
                         load_notmnist, load_occupancy)

from .helpers import (MNIST_NAMES, OCC_TEST, OCC_TEST2, OCC_TRAIN, files_under, good_notmnist, gz, idx_bytes, npz_bytes,
                      put, register, sha, synthetic_mnist)


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



def test_every_registered_file_has_a_hash_and_https_mirrors():
    for name, entry in download._REGISTRY.items():
        assert len(entry.sha256) == 64 and int(entry.sha256, 16) >= 0, name
        assert entry.urls and all(u.startswith("https://") for u in entry.urls), name
        assert all(u.endswith(name.rsplit("/", 1)[1]) for u in entry.urls), name
        assert not any("yann.lecun.com" in u for u in entry.urls)
    assert len(download._REGISTRY["mnist/train-images-idx3-ubyte.gz"].urls) >= 2


def test_no_progress_bar_outside_a_terminal():
    assert download._want_progressbar() is False


# --- hashes of local files ----------------------------------------------------------------

def test_wrong_hash_in_an_explicit_folder_is_reported_and_left_alone(mnist_dir, http_server, monkeypatch):
    root, _ = mnist_dir
    name = MNIST_NAMES["test_y"]
    expected = download._REGISTRY[name].sha256
    bad = gz(b"something else")
    path = put(root, name, bad)
    http_server.routes["t10k"] = bad
    monkeypatch.setitem(download._REGISTRY, name, download._Remote(expected, (http_server.url("t10k"),)))
    with pytest.raises(DataHashError) as info:
        load_mnist(root)                            # download=True, yet nothing is fetched
    msg = str(info.value)
    assert f"its sha256 is {sha(bad)}, expected {expected}" in msg
    assert str(path) in msg and "left untouched" in msg and "call load_mnist again" in msg
    assert path.read_bytes() == bad and http_server.hits == Counter()
    assert (info.value.expected, info.value.actual, info.value.path) == (expected, sha(bad), path)


def test_wrong_hash_in_the_environment_folder(mnist_dir, monkeypatch):
    root, _ = mnist_dir
    monkeypatch.setenv(DATA_ENV, str(root))
    put(root, MNIST_NAMES["train_x"], b"oops")
    with pytest.raises(DataHashError, match=r"train-images-idx3-ubyte\.gz \(in the folder given by "
                                            r"\$CNNLIB_DATA_DIR\) does not hold the expected data: "
                                            rf"its sha256 is {sha(b'oops')}"):
        load_mnist()


def test_wrong_hash_in_the_cache_is_replaced_by_a_verified_download(monkeypatch, http_server, isolated):
    good = OCC_TEST.encode()
    name = "occupancy/datatest.txt"
    register(monkeypatch, name, good, [http_server.url("datatest.txt")])
    http_server.routes["datatest.txt"] = good
    stale = put(isolated, name, b"stale")
    with pytest.raises(DataHashError, match=r"\(in the per-user cache\) .* call fetch with download=True"):
        fetch(name, download=False)
    assert stale.read_bytes() == b"stale"
    assert fetch(name) == stale
    assert stale.read_bytes() == good and http_server.hits["datatest.txt"] == 1
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
    for url in download._REGISTRY[MNIST_NAMES["train_x"]].urls:
        assert f"tried: {url}\n    -> ConnectionError (NameResolutionError): " in msg
    assert "load_mnist needs all of: mnist/train-images-idx3-ubyte.gz, mnist/train-labels-idx1-ubyte.gz, " \
           "mnist/t10k-images-idx3-ubyte.gz, mnist/t10k-labels-idx1-ubyte.gz" in msg
    assert "0x" not in msg                                     # no object reprs in the reasons
    assert isinstance(info.value.__cause__, requests.ConnectionError)
    assert files_under(isolated) == []


# --- downloads from a local server --------------------------------------------------------

def test_download_fetches_checks_and_caches(monkeypatch, http_server, isolated):
    name = "occupancy/datatraining.txt"
    content = OCC_TRAIN.encode()
    register(monkeypatch, name, content, [http_server.url("a/datatraining.txt")])
    http_server.routes["a/datatraining.txt"] = content
    path = fetch(name)
    assert path == isolated / "occupancy" / "datatraining.txt"
    assert path.read_bytes() == content and http_server.hits["a/datatraining.txt"] == 1
    assert fetch(name) == path                              # cached: no second request
    assert fetch(name, download=False) == path
    assert http_server.hits["a/datatraining.txt"] == 1
    assert files_under(isolated) == ["occupancy/datatraining.txt"]


def test_loader_downloads_into_an_explicit_folder(monkeypatch, http_server, tmp_path):
    arrays = synthetic_mnist()
    for key, name in MNIST_NAMES.items():
        content = gz(idx_bytes(arrays[key]))
        register(monkeypatch, name, content, [http_server.url(key)])
        http_server.routes[key] = content
    root = tmp_path / "new"
    (xtr, _), (_, yte) = load_mnist(root)
    np.testing.assert_array_equal(xtr, arrays["train_x"])
    np.testing.assert_array_equal(yte, arrays["test_y"])
    assert sum(http_server.hits.values()) == 4
    load_mnist_splits(root, validation_size=3)
    assert sum(http_server.hits.values()) == 4
    assert files_under(root) == sorted(MNIST_NAMES.values())


def test_download_with_the_wrong_hash_leaves_nothing(monkeypatch, http_server, isolated):
    name = "occupancy/datatest.txt"
    register(monkeypatch, name, OCC_TEST.encode(), [http_server.url("datatest.txt")])
    served = b"tampered" + OCC_TEST.encode()
    http_server.routes["datatest.txt"] = served
    with pytest.raises(DataNotFoundError) as info:
        fetch(name)
    msg = str(info.value)
    assert f"tried: {http_server.url('datatest.txt')}\n    -> the downloaded file's sha256 is {sha(served)}, " \
           f"expected {sha(OCC_TEST.encode())}; it was deleted" in msg
    assert files_under(isolated) == []                      # no file, no temporary file
    assert http_server.hits["datatest.txt"] == 1


def test_interrupted_download_leaves_nothing(monkeypatch, http_server, isolated):
    name = "notmnist/notMNIST_small.npz"
    content = npz_bytes(**good_notmnist())
    register(monkeypatch, name, content, [http_server.url("nm.npz")])
    http_server.routes["nm.npz"] = ("truncate", content)
    with pytest.raises(DataNotFoundError, match=r"tried: http://127\.0\.0\.1:\d+/nm\.npz\n    -> "
                                                r"ChunkedEncodingError"):
        load_notmnist()
    assert files_under(isolated) == []


def test_server_gone_gives_the_offline_error(monkeypatch, http_server, tmp_path):
    name = "occupancy/datatest2.txt"
    url = http_server.url("datatest2.txt")
    register(monkeypatch, name, OCC_TEST2.encode(), [url])
    http_server.stop()                                           # the port is now closed
    with pytest.raises(DataNotFoundError) as info:      # how long it takes: benchmarks/bench_data.py
        fetch(name, tmp_path / "d")
    msg = str(info.value)
    assert f"tried: {url}\n    -> ConnectionError (NewConnectionError): Failed to establish a new " \
           "connection: [Errno 111] Connection refused" in msg
    assert "(the data_dir argument; this folder does not exist): no such file" in msg
    assert msg.endswith("or go online and call fetch again.")
    assert isinstance(info.value.__cause__, requests.ConnectionError)
    assert info.value.attempts[0][0] == url
    assert not (tmp_path / "d").exists()                   # the folders it made are gone again


def test_first_mirror_fails_second_succeeds(monkeypatch, http_server, isolated):
    name = "occupancy/datatest.txt"
    content = OCC_TEST.encode()
    register(monkeypatch, name, content, [http_server.url("gone/datatest.txt"), http_server.url("ok/datatest.txt")])
    http_server.routes["ok/datatest.txt"] = content
    assert fetch(name).read_bytes() == content
    assert http_server.hits == Counter({"gone/datatest.txt": 1, "ok/datatest.txt": 1})
    fetch(name)
    assert sum(http_server.hits.values()) == 2


def test_every_mirror_failing_lists_each_reason(monkeypatch, http_server, isolated):
    name = "occupancy/datatest.txt"
    register(monkeypatch, name, OCC_TEST.encode(),
             [http_server.url("missing"), http_server.url("bad"), http_server.url("slow")])
    http_server.routes["bad"] = b"nope"
    http_server.routes["slow"] = ("hang", OCC_TEST.encode())    # no answer until the server stops
    monkeypatch.setattr(download, "_TIMEOUT", (2, 0.3))
    with pytest.raises(DataNotFoundError) as info:
        fetch(name)
    reasons = [why for _, why in info.value.attempts]
    assert reasons[0] == "HTTP 404 Not Found"
    assert reasons[1].startswith(f"the downloaded file's sha256 is {sha(b'nope')}")
    assert reasons[2].startswith("ReadTimeout: Read timed out")
    assert files_under(isolated) == []


