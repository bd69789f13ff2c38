"""The static explorers in a real browser (Chromium through Playwright).

A page built by :func:`cnnlib.explorers.page` is served from a local
``http.server``; each test changes a control the way a reader would and reads
the result from the DOM, and checks it against cnnlib computed here.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from cnnlib import (avg_pool2d_backward, avg_pool2d_forward, conv2d_forward, conv_output_size, conv_params,
                    max_pool2d_backward, max_pool2d_forward)
from cnnlib.explorers import filter as views
from cnnlib.explorers.samples import default_grids

OS, FI, PO = ".cnnx[data-cnnx-kind=output_size]", ".cnnx[data-cnnx-kind=filter]", ".cnnx[data-cnnx-kind=pooling]"


def number(text: str) -> float:
    return float(text.replace("−", "-").replace(",", "").strip())


def text(page, selector: str) -> str:
    return " ".join(page.locator(selector).inner_text().split())


def choose(page, root: str, control: str, value) -> None:
    page.locator(f"{root} [data-cnnx-control={control}]").select_option(str(value))


def slide(page, root: str, control: str, value: int) -> None:
    page.locator(f"{root} [data-cnnx-control={control}]").fill(str(value))


def cells(page, selector: str) -> np.ndarray:
    rows = page.eval_on_selector(selector, "t => [...t.rows].map(r => [...r.cells].map(c => c.textContent))")
    return np.array([[number(c) for c in r] for r in rows])


def assert_clean(w):
    assert w.errors == [], f"console errors: {w.errors}"
    assert w.failed == [], f"failed requests: {w.failed}"
    assert all(u.startswith("http://127.0.0.1:") or u.startswith("data:") for u in w.requests), w.requests


def test_page_loads_every_explorer_offline_and_labels_every_control(watch):
    w = watch()
    page = w.page
    assert page.locator(".cnnx").count() == 3
    assert page.locator(".cnnx-nojs").count() == 0          # the viewers started
    unlabelled = page.eval_on_selector_all(".cnnx select, .cnnx input",
                                           "els => els.filter(e => e.labels.length === 0).map(e => e.name)")
    assert unlabelled == []
    ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids))
    assert_clean(w)


def test_output_size_explorer_follows_its_controls(watch):
    w = watch()
    page = w.page
    assert number(text(page, f"{OS} [data-cnnx=out]")) == conv_output_size(32, 5, 1, 0)
    for control, value in (("n", 26), ("f", 5), ("stride", 2), ("padding", 0)):
        choose(page, OS, control, value)
    with pytest.raises(ValueError) as err:
        conv_output_size(26, 5, 2, 0)
    assert text(page, f"{OS} [data-cnnx=error]") == str(err.value)
    assert text(page, f"{OS} [data-cnnx=substituted]") == "(26 − 5 + 2·0) / 2 + 1"
    assert page.locator(f"{OS} .cnnx-left").count() > 0
    choose(page, OS, "padding", "same")
    assert number(text(page, f"{OS} [data-cnnx=out]")) == conv_output_size(26, 5, 2, "same")
    assert page.locator(f"{OS} [data-cnnx=error]").count() == 0
    choose(page, OS, "k", 64)
    choose(page, OS, "d", 16)
    assert number(text(page, f"{OS} [data-cnnx=params]")) == conv_params(5, 16, 64)
    page.locator(f"{OS} .cnnx-presets button", has_text="AlexNet").click()
    assert number(text(page, f"{OS} [data-cnnx=out]")) == conv_output_size(227, 11, 4, 0) == 55
    assert number(text(page, f"{OS} [data-cnnx=count]")) == 55
    assert_clean(w)


def _feature_map(image, name, stride, padding):
    x = views.as_image(image)
    wts = views.kernel_weights(name, x.shape[2])
    out, _ = conv2d_forward(x[None], wts, np.zeros(1), stride=stride, padding=padding)
    return out[0, :, :, 0], wts


def _terms(s: str):
    s = re.sub(r"\b[RGB]\b", "", s).replace("−", "-")
    return [(float(wv) * (-1 if sign == "-" else 1), float(xv))
            for sign, wv, xv in re.findall(r"([+-]?)\s*(-?[\d.]+)·(-?[\d.]+)", s)]


@pytest.mark.parametrize("image_index", [0, -1])
def test_filter_explorer_dot_product_matches_conv2d_forward(watch, explorers_page, image_index):
    w = watch()
    page = w.page
    name = list(explorers_page["images"])[image_index]
    image = explorers_page["images"][name]
    choose(page, FI, "image", name)
    for filt, stride, padding, row, col in (("blur", 1, "same", 5, 7), ("sobel_h", 2, "valid", 6, 3),
                                            ("sharpen", 3, 1, 2, 4)):
        choose(page, FI, "filter", filt)
        choose(page, FI, "stride", stride)
        choose(page, FI, "padding", padding)
        try:
            out, wts = _feature_map(image, filt, stride, padding)
        except ValueError as err:                 # e.g. stride 3 does not tile 32 + 2*1 - 3
            assert text(page, f"{FI} [data-cnnx=error]") == str(err)
            assert page.locator(f"{FI} [data-cnnx-control=row]").is_disabled()
            continue
        slide(page, FI, "row", row)
        slide(page, FI, "col", col)
        i = int(page.locator(f"{FI} [data-cnnx-control=row]").input_value())
        j = int(page.locator(f"{FI} [data-cnnx-control=col]").input_value())
        assert (i, j) == (min(row, out.shape[0] - 1), min(col, out.shape[1] - 1))
        assert page.locator(f"{FI} [data-cnnx-control=row]").get_attribute("max") == str(out.shape[0] - 1)
        shown_sum = number(text(page, f"{FI} [data-cnnx=sum]"))
        assert shown_sum == pytest.approx(out[i, j], abs=5e-5)
        terms = _terms(text(page, f"{FI} [data-cnnx=terms]"))
        assert len(terms) == np.count_nonzero(wts)
        assert sum(a * b for a, b in terms) == pytest.approx(out[i, j], abs=1e-3)
        assert text(page, f"{FI} .cnnx-terms .cnnx-key") == f"out[{i}, {j}]"
    # an even-sized image with stride 2 and explicit padding does not tile: cnnlib's message
    if image.shape[0] % 2 == 0:
        choose(page, FI, "stride", 2)
        choose(page, FI, "padding", 0)
        with pytest.raises(ValueError) as err:
            _feature_map(image, "sharpen", 2, 0)
        assert text(page, f"{FI} [data-cnnx=error]") == str(err.value)
        assert page.locator(f"{FI} [data-cnnx-control=row]").is_disabled()
    assert_clean(w)


def _pool(x, mode, size, stride, padding):
    x4 = np.asarray(x, dtype=np.float64)[None, :, :, None]
    fwd, bwd = (max_pool2d_forward, max_pool2d_backward) if mode == "max" else (avg_pool2d_forward,
                                                                              avg_pool2d_backward)
    out, cache = fwd(x4, size=size, stride=stride, padding=padding)
    return out[0, :, :, 0], bwd(np.ones_like(out), cache)[0, :, :, 0], cache


def test_pooling_explorer_output_pick_and_mask_match_cnnlib(watch, explorers_page):
    w = watch()
    page = w.page
    for grid, mode, size, stride, padding in (("5x5", "max", 3, 2, "same"), ("ties", "max", 2, 2, "valid"),
                                              ("6x6", "avg", 3, 1, "same"), ("5x5", "avg", 2, 2, "same")):
        x = default_grids()[grid]
        for control, value in (("grid", grid), ("mode", mode), ("size", size), ("stride", stride),
                               ("padding", padding)):
            choose(page, PO, control, value)
        out, mask, cache = _pool(x, mode, size, stride, padding)
        np.testing.assert_allclose(cells(page, f"{PO} [data-cnnx=output]"), np.round(out, 2))
        np.testing.assert_allclose(cells(page, f"{PO} [data-cnnx=mask]"), np.round(mask, 2))
        i, j = out.shape[0] - 1, out.shape[1] - 1
        slide(page, PO, "row", i)
        slide(page, PO, "col", j)
        assert number(text(page, f"{PO} [data-cnnx=value]")) == pytest.approx(round(out[i, j], 2))
        (top, _), (left, _) = cache.pads
        if mode == "max":
            a = int(cache.argmax[0, i, j, 0])
            r, c = i * stride - top + a // size, j * stride - left + a % size
            assert f"picked at row {r}, column {c}" in text(page, f"{PO} [data-cnnx=pick]")
            # the highlighted input cell is the pick (the table shows the padding too)
            cur = page.eval_on_selector(f"{PO} [data-cnnx=input]",
                                        "t => [...t.rows].flatMap((row, r) => [...row.cells].map((c, k) => "
                                        "c.classList.contains('cur') ? [r, k] : null)).filter(Boolean)")
            assert cur == [[r + top, c + left]]
        else:
            assert f") / {int(cache.counts[i, j])} =" in text(page, f"{PO} [data-cnnx=pick]")
    assert_clean(w)


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_and_phone_width(watch, screenshot_dir, width):
    w = watch(width)
    page = w.page
    # a state worth seeing: the invalid 11.5 and a colour window
    page.locator(f"{OS} .cnnx-presets button", has_text="11.5").click()
    choose(page, FI, "image", page.locator(f"{FI} [data-cnnx-control=image] option").last.get_attribute("value"))
    choose(page, PO, "padding", "same")
    choose(page, PO, "size", 3)
    page.screenshot(path=str(screenshot_dir / f"explorers-{width}.png"), full_page=True)
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    assert overflow <= width, f"the page is {overflow}px wide at a {width}px viewport"
    narrow = page.eval_on_selector_all(
        ".cnnx select, .cnnx input, .cnnx button",
        f"els => els.filter(e => e.getBoundingClientRect().right > {width}).map(e => e.name || e.textContent)")
    assert narrow == []
    assert_clean(w)


def test_built_book_page(browser, screenshot_dir):
    """Opt-in: $CNNX_BOOK_HTML is a built book (``_build/html``) holding notebooks/explorers.html."""
    import os
    from pathlib import Path

    from tests.conftest import serve

    root = os.environ.get("CNNX_BOOK_HTML")
    if not root or not (Path(root) / "notebooks" / "explorers.html").is_file():
        pytest.skip("set CNNX_BOOK_HTML to a built book's _build/html to check its explorers page")

    with serve(Path(root)) as url:
        ctx = browser.new_context(viewport={"width": 390, "height": 900})
        page = ctx.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(f"{e} {e.stack}"))
        page.goto(url + "notebooks/explorers.html")
        page.wait_for_function("() => document.querySelectorAll('.cnnx[data-cnnx-ready=\"1\"]').length === 4",
                               timeout=15000)
        kinds = page.evaluate("() => [...document.querySelectorAll('.cnnx')].map(e => e.dataset.cnnxKind)")
        assert sorted(kinds) == ["activations", "filter", "output_size", "pooling"]   # every explorer of the book
        choose(page, OS, "n", 26)
        choose(page, OS, "stride", 2)
        assert text(page, f"{OS} [data-cnnx=error]").startswith("(26 - 5 + 2*0) / 2 + 1 = 11.5")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(screenshot_dir / "book-explorers-390.png"), full_page=True)
        assert [e for e in errors if "cnnx" in e] == []      # the theme's own errors are not ours
        ctx.close()
