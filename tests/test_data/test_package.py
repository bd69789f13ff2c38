"""cnnlib.data (the package): every public name of its modules is re-exported, one home each."""

from __future__ import annotations

from cnnlib import data
from cnnlib.data import DataHashError, DataNotFoundError, download, formats, preprocess, samples


def test_public_names():
    for name in data.__all__:
        assert hasattr(data, name), name
    modules = (download, formats, preprocess, samples)
    assert sorted(data.__all__) == sorted(n for m in modules for n in m.__all__)   # nothing lost, nothing twice
    assert issubclass(DataNotFoundError, FileNotFoundError)
    assert issubclass(DataHashError, ValueError)
    assert data.BOOK_DATA_URL.endswith("/")
    assert download._REGISTRY["notmnist/notMNIST_small.npz"].urls == (
        data.BOOK_DATA_URL + "notMNIST_small.npz",)


def test_not_found_error_reads_as_its_message(tmp_path):
    err = DataNotFoundError("cannot find the data file 'x'", name="x", path=tmp_path / "x")
    assert str(err) == "cannot find the data file 'x'" and err.attempts == []
