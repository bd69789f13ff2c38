"""The notebooks as stored in the repository: clean full-run outputs."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from check_notebooks import problems_in  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_stored_notebook_is_clean(path):
    assert problems_in(path) == []


def test_checker_finds_problems(tmp_path):
    nb = {"cells": [
        {"cell_type": "code", "execution_count": 2, "metadata": {}, "source": "x", "outputs": [
            {"output_type": "stream", "name": "stderr", "text": "I0000 00:00 port.cc:153] oneDNN custom operations are on"}]},
        {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": "y", "outputs": [
            {"output_type": "stream", "name": "stdout", "text": "saved to /tmp/abc/model.keras"},
            {"output_type": "error", "ename": "ValueError", "evalue": "boom", "traceback": []}]},
        {"cell_type": "code", "execution_count": None, "metadata": {}, "source": "z", "outputs": []},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "bad.ipynb"
    path.write_text(json.dumps(nb))
    found = problems_in(path)
    assert any("TensorFlow log lines" in p for p in found)
    assert any("'/tmp/abc" in p for p in found)
    assert any("stored error ValueError" in p for p in found)
    assert any("cell 2: not executed" in p for p in found)
    assert any("not executed top to bottom" in p for p in found)
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_notebooks.py"), str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "problem(s)" in result.stdout
