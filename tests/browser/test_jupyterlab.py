"""The live explorers in a real JupyterLab: anywidget hands the renderer the
state Python computed, and the numbers follow the controls.

A JupyterLab server is started on 127.0.0.1 with a random token, on a copy of
``notebooks/explorers.ipynb``; Chromium opens it, runs every cell, changes a
control in each live explorer with the keyboard-free Playwright API, and
checks the announced numbers against cnnlib computed here.  Skipped (with the
reason) without JupyterLab, anywidget's JupyterLab extension or Chromium.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

import numpy as np
import pytest

from cnnlib import avg_pool2d_forward, conv2d_forward, conv_output_size
from tests.conftest import ROOT

LIVE = ".cnnx:not(.cnnx-static)[data-cnnx-kind={}]"


def _skip_reason():
    try:
        import anywidget  # noqa: F401
        import jupyterlab  # noqa: F401
    except ImportError as err:
        return f"JupyterLab or anywidget is not installed ({err.name})"
    out = subprocess.run([sys.executable, "-m", "jupyter", "labextension", "list"], capture_output=True, text=True)
    if "anywidget" not in out.stdout + out.stderr:
        return "anywidget's JupyterLab extension is not installed"
    return None


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("lab")
    # without its stored outputs and prompts, so that a prompt shows when this kernel took a cell
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "explorers.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, root / "explorers.ipynb")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = secrets.token_hex(16)
    # The server keeps its settings, workspace and runtime files in this test's folder: what a reader's
    # (or an earlier run's) ~/.jupyter holds, a restored workspace say, cannot change what opens.
    home = {name: root.parent / f"{root.name}-{name}" for name in ("config", "settings", "workspaces", "runtime")}
    for folder in home.values():
        folder.mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               JUPYTER_CONFIG_DIR=str(home["config"]), JUPYTERLAB_SETTINGS_DIR=str(home["settings"]),
               JUPYTERLAB_WORKSPACES_DIR=str(home["workspaces"]), JUPYTER_RUNTIME_DIR=str(home["runtime"]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--ServerApp.open_browser=False",
         "--LabApp.news_url=", "--allow-root"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:                                  # wait for the server to answer (a condition, not a sleep)
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.skip("JupyterLab did not start")
                time.sleep(0.2)
        yield {"url": url, "token": token}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


_KERNEL_TOOK_A_CELL = """() => [...document.querySelectorAll('.jp-InputArea-prompt')]
  .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"""


def _answer(page, dialog, seen: list[str]) -> None:
    """Accept (or else close) one open JupyterLab dialog, noting its text in ``seen``."""
    try:
        seen.append(" ".join(dialog.inner_text(timeout=5000).split())[:300])
        accept = dialog.locator(".jp-Dialog-button.jp-mod-accept")
        if accept.count():
            accept.first.click(timeout=5000)
            return
    except Exception:  # noqa: BLE001 - playwright's TimeoutError: the dialog went, or will not answer
        pass
    page.keyboard.press("Escape")


def _answer_dialogs(page, seen: list[str]) -> None:
    """Answer the JupyterLab dialogs open now (between actions; during one, the page's handler does)."""
    for _ in range(5):
        dialog = page.locator(".jp-Dialog")
        if not dialog.count():
            return
        _answer(page, dialog.first, seen)
        try:
            dialog.first.wait_for(state="detached", timeout=5000)
        except Exception:  # noqa: BLE001 - playwright's TimeoutError: the next round tries again
            pass


def status(root) -> str:
    return " ".join(root.locator("[data-cnnx=status]").inner_text().split())


def test_live_explorers_follow_their_controls(browser, lab):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"{lab['url']}/lab/tree/explorers.ipynb?token={lab['token']}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60000)
        # Run > Run All Cells, as a reader would.  The menu answers once the kernel session is up,
        # so a click that came too early is repeated until a cell shows the kernel took it ([*] or
        # [1]); then the cells are left to run (waiting on the widgets, never on a clock).
        # Dialogs (a kernel to choose, say) may open at any moment, even between a check and the
        # click after it: Playwright answers each before every action and assertion.  One that will
        # not close (seen in CI runs under load, never here) costs a reload of the page, with the
        # kernel session kept, and another Run All.  Every dialog's text is reported as a warning,
        # so that a passing run names it too, and a failure message lists them.
        dialogs: list[str] = []
        page.add_locator_handler(page.locator(".jp-Dialog").first, lambda dialog: _answer(page, dialog, dialogs),
                                 no_wait_after=True)
        for attempt in range(4):
            try:
                _answer_dialogs(page, dialogs)
                page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click(timeout=15000)
                page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click(timeout=15000)
                page.wait_for_function(_KERNEL_TOOK_A_CELL, timeout=30000)
                break
            except Exception:  # noqa: BLE001 - playwright's TimeoutError
                assert attempt < 3, f"Run All Cells never reached the kernel; dialogs seen: {dialogs}"
                page.keyboard.press("Escape")
                if page.locator(".jp-Dialog").count():
                    page.reload()
                    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60000)
        for kind in ("output_size", "filter", "pooling"):
            try:
                page.wait_for_selector(f"{LIVE.format(kind)}[data-cnnx-ready='1']", timeout=180000)
            except Exception as err:  # noqa: BLE001 - playwright's TimeoutError
                _answer_dialogs(page, dialogs)
                errors = [" ".join(t.split())[-400:] for t in page.locator(".jp-OutputArea-output[data-mime-type="
                          "'application/vnd.jupyter.stderr']").all_inner_texts()]
                raise AssertionError(f"the {kind} explorer never became ready; dialogs seen: {dialogs}; "
                                     f"errors the cells printed: {errors}") from err

        os_ = page.locator(LIVE.format("output_size")).first
        os_.locator("[data-cnnx-control=n]").select_option("26")
        os_.locator("[data-cnnx-control=stride]").select_option("2")
        with pytest.raises(ValueError) as err:
            conv_output_size(26, 5, 2, 0)
        expect(os_.locator("[data-cnnx=status]")).to_have_text(f"Invalid setting: {err.value}", timeout=30000)
        os_.locator(".cnnx-presets button", has_text="AlexNet").click()
        expect(os_.locator("[data-cnnx=out]")).to_have_text(str(conv_output_size(227, 11, 4, 0)), timeout=30000)

        fi = page.locator(LIVE.format("filter")).first
        fi.locator("[data-cnnx-control=filter]").select_option("blur")
        expect(fi.locator("[data-cnnx=status]")).to_contain_text("Feature map", timeout=30000)
        expect(fi.locator("[data-cnnx=kernel] td").first).to_have_text("0.0625", timeout=30000)
        from cnnlib.explorers import filter as fx
        from cnnlib.explorers.samples import default_images

        x = fx.as_image(default_images(download=False)["digit"])
        out, _ = conv2d_forward(x[None], fx.kernel_weights("blur", 1), np.zeros(1), stride=1, padding="valid")
        i = int(fi.locator("[data-cnnx-control=row]").input_value())
        j = int(fi.locator("[data-cnnx-control=col]").input_value())
        shown = float(fi.locator("[data-cnnx=sum]").inner_text().replace("−", "-"))
        assert shown == pytest.approx(out[0, i, j, 0], abs=5e-5)
        fi.locator("[data-cnnx-control=filter]").select_option("custom")
        fi.locator("[data-cnnx-control=custom]").fill("1 1; 1 1")
        fi.locator("[data-cnnx-control=custom]").press("Enter")
        expect(fi.locator("[data-cnnx=kernel] tr")).to_have_count(2, timeout=30000)

        po = page.locator(LIVE.format("pooling")).first
        po.locator("[data-cnnx-control=mode]").select_option("avg")
        from cnnlib.explorers.samples import default_grids

        g = default_grids()["6x6"]
        avg, _ = avg_pool2d_forward(np.asarray(g, float)[None, :, :, None], size=2, stride=2)
        expect(po.locator("[data-cnnx=status]")).to_have_text(
            f"Output 3 × 3. Window (0, 0): average {avg[0, 0, 0, 0]:g} of 4 cells.", timeout=30000)
    finally:
        context.close()
        if dialogs:
            warnings.warn(f"JupyterLab opened dialogs during the test (answered): {sorted(set(dialogs))}", stacklevel=1)
