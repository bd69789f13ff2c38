"""The explorers of the built book, operated with the keyboard only.

What a reader without a mouse does: reach the explorer, move through its
controls with Tab (each one shows a focus ring), change a select or a slider
with the arrow keys, choose an activation map with Enter, and hear the result:
the text of the explorer's ``role="status"`` (``aria-live="polite"``) line.
Nothing here clicks or sets a value directly, so the tests hold for any
renderer that keeps native controls and a status line.
"""

from __future__ import annotations

import re

import pytest

from cnnlib import conv_output_size
from tests.browser.conftest import PAGES

EXPLORERS = "notebooks/explorers.html"
ACTIVATIONS = "notebooks/ch04_mnist_deep_cnn.html"
CONTROLS = "select, input, button, [tabindex]:not([tabindex='-1'])"


@pytest.fixture
def open_book(browser, site):
    contexts = []

    def open_page(path, width=1280):
        if path not in PAGES:
            pytest.skip(f"{path} is not in the built site")
        context = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.goto(site + path, wait_until="load")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.cnnx')].every(e => e.dataset.cnnxReady === '1')", timeout=15000)
        return page

    yield open_page
    for c in contexts:
        c.close()


def reach(page, explorer):
    """Put the keyboard at the start of an explorer, as heading navigation would; return its root."""
    root = page.locator(explorer).first
    root.locator(".cnnx-title").evaluate("e => { e.tabIndex = -1; e.focus(); }")
    return root


def focused(page) -> dict:
    return page.evaluate("""() => {
      const e = document.activeElement, s = getComputedStyle(e);
      return {tag: e.tagName.toLowerCase(), name: e.getAttribute('data-cnnx-control') || e.getAttribute('data-cnnx-map')
                || e.textContent.trim().slice(0, 30), inside: !!e.closest('.cnnx'),
              outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2};
    }""")


def tab_through(page, root) -> list[dict]:
    """Press Tab until the focus leaves the explorer; every stop on the way."""
    n = root.locator(CONTROLS).count()
    stops = []
    for _ in range(n + 2):
        page.keyboard.press("Tab")
        f = focused(page)
        if not f["inside"]:
            break
        stops.append(f)
    return stops


def status(root) -> str:
    line = root.locator("[role=status][aria-live=polite]")
    assert line.count() == 1, "the explorer has no single status line for screen readers"
    return " ".join(line.inner_text().split())


def tab_to(page, root, name):
    """Tab from the start of the explorer to the control called `name`."""
    for _ in range(root.locator(CONTROLS).count() + 1):
        page.keyboard.press("Tab")
        if focused(page)["name"] == name:
            return
    raise AssertionError(f"Tab never reached the control {name!r}")


def assert_every_control_reached_with_a_ring(page, root):
    stops = tab_through(page, root)
    enabled = root.locator("select:enabled, input:enabled, button:enabled").count()
    assert len(stops) >= enabled, f"Tab reached {len(stops)} stops for {enabled} controls: {stops}"
    no_ring = [s["name"] for s in stops if not s["outline"]]
    assert no_ring == [], f"controls without a visible focus ring: {no_ring}"


def test_output_size_explorer_by_keyboard(open_book):
    page = open_book(EXPLORERS)
    root = reach(page, ".cnnx[data-cnnx-kind=output_size]")
    assert_every_control_reached_with_a_ring(page, root)
    before = status(root)
    reach(page, ".cnnx[data-cnnx-kind=output_size]")
    tab_to(page, root, "n")
    page.keyboard.press("ArrowDown")
    n, f, s, p = (root.locator(f"[data-cnnx-control={c}]").input_value() for c in ("n", "f", "stride", "padding"))
    pad = p if p in ("valid", "same") else int(p)
    try:
        expected = f"Output size {conv_output_size(int(n), int(f), int(s), pad)}"
    except ValueError:
        expected = "Invalid setting"
    after = status(root)
    assert after != before and expected in after, (before, after, expected)


def test_filter_explorer_window_moves_with_arrow_keys(open_book):
    page = open_book(EXPLORERS)
    root = reach(page, ".cnnx[data-cnnx-kind=filter]")
    assert_every_control_reached_with_a_ring(page, root)
    reach(page, ".cnnx[data-cnnx-kind=filter]")
    tab_to(page, root, "col")
    col = int(root.locator("[data-cnnx-control=col]").input_value())
    page.keyboard.press("ArrowRight")
    said = status(root)
    m = re.search(r"out\[(\d+), (\d+)\] = (\S+)\.$", said)
    assert m, said
    assert int(m.group(2)) == col + 1
    assert m.group(3) == root.locator("[data-cnnx=sum]").inner_text().strip()


def test_pooling_explorer_window_moves_with_arrow_keys(open_book):
    page = open_book(EXPLORERS)
    root = reach(page, ".cnnx[data-cnnx-kind=pooling]")
    assert_every_control_reached_with_a_ring(page, root)
    reach(page, ".cnnx[data-cnnx-kind=pooling]")
    tab_to(page, root, "row")
    page.keyboard.press("ArrowRight")
    said = status(root)
    m = re.search(r"Window \((\d+), (\d+)\): (maximum|average) (\S+?)[,. ]", said)
    assert m, said
    assert int(m.group(1)) == int(root.locator("[data-cnnx-control=row]").input_value()) == 1
    assert m.group(4) == root.locator("[data-cnnx=value]").inner_text().strip()


def test_activation_maps_are_chosen_with_enter(open_book):
    page = open_book(ACTIVATIONS)
    root = reach(page, ".cnnx[data-cnnx-kind=activations]")
    assert_every_control_reached_with_a_ring(page, root)
    reach(page, ".cnnx[data-cnnx-kind=activations]")
    tab_to(page, root, "2")              # the third map's button
    page.keyboard.press("Enter")
    said = status(root)
    assert said.startswith("Map #2 of "), said
    assert re.search(r"(Correct|Wrong): true \S+, predicted \S+ \(\d+\.\d%\)\.$", said), said
    pressed = root.locator(".cnnx-amap[aria-pressed=true]")
    assert pressed.count() == 1 and pressed.get_attribute("data-cnnx-map") == "2"
    # and the map slider follows the arrow keys
    reach(page, ".cnnx[data-cnnx-kind=activations]")
    tab_to(page, root, "map")
    page.keyboard.press("ArrowRight")
    assert status(root).startswith("Map #3 of "), status(root)
