"""cnnlib.data.formats: IDX parsing, the MNIST, notMNIST and Occupancy loaders on synthetic files,
and the real data (``$CNNLIB_DATA_DIR``)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest

from cnnlib import data
from cnnlib.data import (DATA_ENV, DataSplits, Occupancy, fetch, formats, load_mnist, load_mnist_splits,
                         load_notmnist, load_occupancy)

from .conftest import REAL_DATA
from .helpers import (MNIST_NAMES, OCC_HEADER, good_notmnist, gz, idx_bytes, notmnist_file, npz_bytes,
                      occupancy_dir, put, register)


# --- IDX parsing --------------------------------------------------------------------------

def test_idx_round_trip(tmp_path):
    x = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    p = put(tmp_path, "x.gz", gz(idx_bytes(x)))
    out = formats._read_idx(p, 2051)
    np.testing.assert_array_equal(out, x)
    assert out.dtype == np.uint8 and out.flags.writeable
    y = np.array([5, 0, 4], dtype=np.uint8)
    np.testing.assert_array_equal(formats._read_idx(put(tmp_path, "y.gz", gz(idx_bytes(y))), 2049), y)


def test_idx_bad_magic_names_the_file_and_suggests_a_swap(tmp_path):
    p = put(tmp_path, "labels.gz", gz(idx_bytes(np.zeros((2, 28, 28)))))
    with pytest.raises(ValueError, match=r"labels\.gz is not an IDX label file: its magic number is "
                                         r"2051 \(0x00000803\), expected 2049 .*swapped"):
        formats._read_idx(p, 2049)
    p = put(tmp_path, "junk.gz", gz(idx_bytes(np.zeros(4), magic=0x12345678)))
    with pytest.raises(ValueError, match=r"junk\.gz is not an IDX image file: its magic number is 305419896"):
        formats._read_idx(p, 2051)


def test_idx_payload_shorter_than_the_header_says(tmp_path):
    raw = idx_bytes(np.zeros((3, 28, 28)))[:-10]
    p = put(tmp_path, "short.gz", gz(raw))
    with pytest.raises(ValueError, match=r"short\.gz is truncated: its header announces 3 x 28 x 28 = "
                                         r"2352 items .* only 2342 bytes follow"):
        formats._read_idx(p, 2051)


def test_idx_payload_longer_than_the_header_says(tmp_path):
    p = put(tmp_path, "long.gz", gz(idx_bytes(np.zeros(5)) + b"\x00" * 3))
    with pytest.raises(ValueError, match=r"long\.gz does not match its header: it announces 5 = 5 items "
                                         r"but 8 bytes follow .*\(3 too many\)"):
        formats._read_idx(p, 2049)


def test_idx_truncated_header(tmp_path):
    p = put(tmp_path, "head.gz", gz((2051).to_bytes(4, "big") + b"\x00\x00\x00\x03\x00"))
    with pytest.raises(ValueError, match=r"head\.gz is truncated: its header ends after 9 bytes, but an "
                                         r"IDX image file has a 16-byte header"):
        formats._read_idx(p, 2051)
    p = put(tmp_path, "tiny.gz", gz(b"\x00\x00"))
    with pytest.raises(ValueError, match=r"tiny\.gz is too short to be an IDX file"):
        formats._read_idx(p, 2049)


def test_idx_truncated_gzip_stream_and_not_gzip(tmp_path):
    whole = gz(idx_bytes(np.arange(1000) % 256))
    p = put(tmp_path, "cut.gz", whole[: len(whole) // 2])
    with pytest.raises(ValueError, match=r"cut\.gz is not a readable gzip file \(EOFError.*truncated or corrupt"):
        formats._read_idx(p, 2049)
    p = put(tmp_path, "plain.gz", idx_bytes(np.zeros(3)))
    with pytest.raises(ValueError, match=r"plain\.gz is not a readable gzip file \(BadGzipFile"):
        formats._read_idx(p, 2049)


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

