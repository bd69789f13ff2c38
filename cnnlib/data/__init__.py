"""Dataset loaders: MNIST, notMNIST_small, UCI Occupancy and a sample photo.

Every loader returns plain numpy arrays, so a chapter can feed them to the
numpy layers of ``cnnlib`` or to Keras without conversion.

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

Modules
-------
* ``download``: the registry of files (pinned SHA-256 and mirrors), the data
  folder, :func:`fetch`, :class:`DataNotFoundError`, :class:`DataHashError`;
* ``formats``: the loaders and the file formats they read (IDX, ``.npz``, CSV);
* ``samples``: :func:`sample_image`, a photograph that needs no download;
* ``preprocess``: :func:`to_nhwc_float`, :func:`one_hot`.

Every public name is re-exported here: ``from cnnlib import data;
data.load_mnist()`` is the way to call them.  The registry of files, hashes and
URLs is the private dict ``cnnlib.data.download._REGISTRY``; the tests
monkeypatch it to serve synthetic files from a local HTTP server.

The MNIST chapters use :func:`load_mnist` and :func:`load_mnist_splits`;
notMNIST is the harder look-alike and Occupancy a small tabular set.
"""

from .download import BOOK_DATA_URL, DATA_ENV, DataHashError, DataNotFoundError, data_dir, fetch
from .formats import (FEATURES, DataSplits, Occupancy, load_mnist, load_mnist_splits, load_notmnist,
                      load_occupancy)
from .preprocess import one_hot, to_nhwc_float
from .samples import sample_image

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
