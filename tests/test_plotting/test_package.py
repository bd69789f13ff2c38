"""cnnlib.plotting (the package): one home for every figure, re-exported by name."""

import subprocess
import sys

from cnnlib import plotting
from cnnlib.plotting import diagrams, figures, live


def test_public_names():
    modules = (figures, diagrams, live)
    assert sorted(plotting.__all__) == sorted(n for m in modules for n in m.__all__)
    for m in modules:
        for name in m.__all__:
            assert getattr(plotting, name) is getattr(m, name), name


def test_importing_it_does_not_import_pyplot():
    code = "import sys, cnnlib.plotting, cnnlib.book.training; print('matplotlib.pyplot' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "False"
