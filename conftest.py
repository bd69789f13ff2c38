"""Work units for pytest-xdist, for every test the suite collects (the tests,
the docstring examples and the notebooks' cells).

``scripts/test.sh`` runs two workers with ``--dist loadgroup``: much of the
suite waits on browsers, kernels starting, sandboxes and time limits, so two
share this machine's cores well.  Each file is one unit, so a notebook's cells
run in order in one kernel (as nbval needs) and a module's fixtures are built
once; the grading tests that start sandboxes, some of which check that none is
left behind, share one unit.  This file sits at the root so that it applies
however the notebooks are named on the command line.
"""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
SANDBOX_MODULES = {"test_classroom.py", "test_sandbox.py", "test_cluster.py"}


@pytest.hookimpl(tryfirst=True)   # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.fspath)).resolve()
        if path.name in SANDBOX_MODULES:
            group = "grading sandboxes"
        else:
            group = str(path.relative_to(ROOT)) if ROOT in path.parents else str(path)
        item.add_marker(pytest.mark.xdist_group(group))
