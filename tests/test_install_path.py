"""A reader's first run in Colab, simulated: the chapter's own install cell
must be all it takes.

A fresh virtual environment sees the packages a Colab runtime already has
(here: everything in the project's environment *except cnnlib*, through a
folder of links), runs a chapter notebook whose first cell installs cnnlib,
pointed at this checkout instead of GitHub (there is no internet here) and
with ``--no-index``, and then executes the chapter's set-up cells in quick
mode: the ones tagged ``grading-setup`` (``classroom.setup_cells.TAG``: its imports, its data, the definitions
its exercises use), which is what everything after them stands on.  The whole
chapter runs under nbval in the project's environment; running it a second
time here would only repeat that, at three minutes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import sync_install_cell as sic  # noqa: E402

from classroom.setup_cells import TAG as SETUP_TAG  # noqa: E402

CHAPTERS = sorted((ROOT / "notebooks").glob("ch*.ipynb"))


def _colab_like_site(tmp: Path) -> Path:
    """Links to every installed distribution of this environment but cnnlib."""
    site = Path(sysconfig.get_paths()["purelib"])
    farm = tmp / "preinstalled"
    farm.mkdir()
    for entry in site.iterdir():
        name = entry.name.lower()
        if name.startswith(("cnnlib", "__editable__")) or name.endswith(".pth"):
            continue
        (farm / entry.name).symlink_to(entry)
    return farm


def _pick_chapter():
    """The chapter that is quickest in quick mode (they are all checked by nbval anyway)."""
    for name in ("ch01", "ch03", "ch02", "ch04", "ch05"):
        for path in CHAPTERS:
            if path.name.startswith(name):
                return path
    return None


@pytest.mark.slow
def test_a_fresh_environment_runs_a_chapter_with_only_its_install_cell(tmp_path):
    chapter = _pick_chapter()
    if chapter is None:
        pytest.skip("no chapter notebook yet")
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    env_site = Path(subprocess.check_output(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip())
    (env_site / "preinstalled.pth").write_text(str(_colab_like_site(tmp_path)) + "\n")
    probe = subprocess.run([python, "-c", "import cnnlib"], capture_output=True, text=True, cwd=tmp_path)
    assert probe.returncode != 0, "the fresh environment must not see cnnlib before the install cell runs"

    nb = json.loads(chapter.read_text())
    first = "".join(nb["cells"][0]["source"])
    assert first == sic.install_source(), "the chapter's install cell is out of date"
    local = first.replace(f"git+{sic.repository_url()}@v{sic.version()}", ROOT.as_uri())
    local = local.replace("%pip install --quiet", "%pip install --quiet --no-index --no-build-isolation")
    assert local != first
    nb["cells"][0]["source"] = local
    setup = [c for c in nb["cells"][1:] if SETUP_TAG in c.get("metadata", {}).get("tags", [])]
    assert any("cnnlib" in "".join(c["source"]) for c in setup), "no set-up cell of the chapter uses cnnlib"
    nb["cells"] = nb["cells"][:1] + setup
    work = tmp_path / "run"
    work.mkdir()
    notebook = work / chapter.name
    notebook.write_text(json.dumps(nb))

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "JUPYTER"))}
    env.update(CNNBOOK_QUICK="1", PATH=f"{env_dir / 'bin'}:{env['PATH']}", PIP_NO_INPUT="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    run = subprocess.run(
        [python, "-m", "nbconvert", "--to", "notebook", "--execute", "--inplace",
         "--ExecutePreprocessor.timeout=900", "--ExecutePreprocessor.store_widget_state=False", str(notebook)],
        cwd=work, env=env, capture_output=True, text=True, timeout=1500)
    assert run.returncode == 0, run.stderr[-3000:]
    installed = subprocess.check_output([python, "-m", "pip", "show", "cnnlib"], text=True, env=env, cwd=tmp_path)
    assert re.search(rf"^Version: {re.escape(sic.version())}$", installed, re.M)
    assert f"Location: {env_site}" in installed, "cnnlib was not installed into the fresh environment"
    done = json.loads(notebook.read_text())
    assert all(c.get("execution_count") for c in done["cells"] if c["cell_type"] == "code"
               and "".join(c["source"]).strip())
