"""The explorers show cnnlib's numbers: live widgets driven through their
controls, and the states the static viewers embed."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from cnnlib import (avg_pool2d_backward, avg_pool2d_forward, conv2d_forward, conv_output_size, conv_params,  # noqa: E402
                    max_pool2d_backward, max_pool2d_forward, same_padding, zero_pad)
from cnnlib import widgets  # noqa: E402
from cnnlib.explorers import (embedded_states, page, static_filter, static_output_size,  # noqa: E402
                              static_pooling)
from cnnlib.explorers import views  # noqa: E402


# ---------------------------------------------------------------------------
# Reading what an explorer displays
# ---------------------------------------------------------------------------


class _Hooks(HTMLParser):
    """Text and table cells of every element carrying data-cnnx="name"."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []            # [name, depth, text parts, rows]
        self.found = {}
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "input", "rect", "path", "meta"):
            return
        self.depth += 1
        name = dict(attrs).get("data-cnnx")
        if name:
            self.open.append([name, self.depth, [], []])
        for item in self.open:
            if tag == "tr":
                item[3].append([])
            elif tag == "td":
                item[3][-1].append("")

    def handle_endtag(self, tag):
        if tag in ("br", "img", "input", "rect", "path", "meta"):
            return
        if self.open and self.open[-1][1] == self.depth:
            name, _, text, rows = self.open.pop()
            self.found.setdefault(name, (" ".join("".join(text).split()), rows))
        self.depth -= 1

    def handle_data(self, data):
        for item in self.open:
            item[2].append(data)
            if item[3] and item[3][-1]:
                item[3][-1][-1] += data.strip()


def shown(html: str, name: str) -> str:
    p = _Hooks()
    p.feed(html)
    return p.found[name][0]


def table(html: str, name: str) -> list:
    p = _Hooks()
    p.feed(html)
    return p.found[name][1]


def number(text: str) -> float:
    return float(text.replace("−", "-").replace(",", ""))


def parse_terms(text: str) -> list:
    """'1·254 − 1·1 + 2·13' -> [(1, 254), (-1, 1), (2, 13)] (channel names dropped)."""
    text = re.sub(r"\b[RGB]\b", "", text).replace("−", "-")
    pairs = re.findall(r"([+-]?)\s*(-?[\d.]+)·(-?[\d.]+)", text)
    return [(float(w) * (-1 if sign == "-" else 1), float(x)) for sign, w, x in pairs]


# ---------------------------------------------------------------------------
# Output size (live)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n, d, f, k, stride, padding", [
    (32, 3, 5, 10, 1, 0), (28, 1, 5, 6, 1, 2), (227, 3, 11, 96, 4, 0), (28, 16, 3, 32, 2, "same"),
    (5, 1, 2, 4, 2, "same"), (28, 3, 3, 8, 2, "valid"), (7, 3, 3, 1, 3, 1),
])
def test_output_size_valid_settings_show_cnnlib_numbers(n, d, f, k, stride, padding):
    ex = widgets.output_size_explorer()
    ex.set(n=n, d=d, f=f, k=k, stride=stride, padding=padding)
    html = ex.html.value
    out = conv_output_size(n, f, stride, padding)
    assert number(shown(html, "out")) == out
    assert shown(html, "shape") == f"{out} × {out} × {k}"
    assert number(shown(html, "params")) == conv_params(f, d, k)
    assert number(shown(html, "count")) == out
    assert "data-cnnx=\"error\"" not in html
    if padding == "same":
        before, after = same_padding(n, f, stride)
        assert f"adds {before} zero(s) before and {after} after" in html
        assert shown(html, "substituted") == f"⌈{n} / {stride}⌉"
    elif padding == "valid":
        assert shown(html, "substituted") == f"⌊({n} − {f}) / {stride}⌋ + 1"
    else:
        assert shown(html, "substituted") == f"({n} − {f} + 2·{padding}) / {stride} + 1"


def test_output_size_invalid_setting_shows_cnnlib_error():
    ex = widgets.output_size_explorer()
    ex.set(n=26, f=5, stride=2, padding=0)
    html = ex.html.value
    with pytest.raises(ValueError) as err:
        conv_output_size(26, 5, 2, 0)
    assert shown(html, "error") == str(err.value)
    assert shown(html, "error").startswith("(26 - 5 + 2*0) / 2 + 1 = 11.5 is not an integer")
    assert shown(html, "out") == "not a whole number of positions"
    assert shown(html, "substituted") == "(26 − 5 + 2·0) / 2 + 1"
    assert "cnnx-error" in html and "cnnx-left" in html     # the uncovered column is drawn in red
    assert number(shown(html, "count")) == conv_output_size(26, 5, 2, 0, floor=True)
    # a filter larger than the padded input
    ex.set(n=3, f=7, padding=1)
    assert "larger than the padded input" in shown(ex.html.value, "error")
    assert number(shown(ex.html.value, "count")) == 0


def test_output_size_controls_and_presets_drive_the_display():
    ex = widgets.output_size_explorer()
    assert number(shown(ex.html.value, "out")) == 28
    ex.controls["padding"].value = 2          # one control at a time, as a reader would
    assert number(shown(ex.html.value, "out")) == 32
    ex.controls["k"].value = 64
    assert number(shown(ex.html.value, "params")) == conv_params(5, 3, 64)
    presets = ex.children[2].children[1:]
    alexnet = next(b for b in presets if b.description.startswith("AlexNet"))
    alexnet.click()
    assert number(shown(ex.html.value, "out")) == 55
    assert ex.last_update_s is not None and ex.last_update_s < 1.0
    assert "run the notebook" in repr(ex)


# ---------------------------------------------------------------------------
# Filter (live)
# ---------------------------------------------------------------------------


def _images():
    rng = np.random.default_rng(1)
    return {"gray": rng.integers(0, 256, size=(10, 12)).astype(np.uint8),
            "rgb": rng.integers(0, 256, size=(9, 9, 3)).astype(np.uint8)}


def _expected(x, name, stride, padding, custom=None):
    x = views.as_image(x)
    w = views.kernel_weights(name, x.shape[2], custom)
    out, cache = conv2d_forward(x[None], w, np.zeros(1), stride=stride, padding=padding)
    return out[0, :, :, 0], w


@pytest.mark.parametrize("image", ["gray", "rgb"])
@pytest.mark.parametrize("name, stride, padding, row, col", [
    ("sobel_v", 1, "valid", 3, 4), ("sobel_h", 1, "same", 0, 0), ("blur", 2, "same", 2, 1),
    ("sharpen", 1, 1, 5, 6), ("identity", 3, "valid", 1, 1), ("grayscale", 1, "same", 4, 2),
])
def test_filter_window_dot_product_equals_conv2d_forward(image, name, stride, padding, row, col):
    imgs = _images()
    ex = widgets.filter_explorer(images=imgs)
    ex.set(image=image, filter=name, stride=stride, padding=padding)
    out, w = _expected(imgs[image], name, stride, padding)
    ex.set(row=row, col=col)
    i, j = ex.controls["row"].value, ex.controls["col"].value
    assert (ex.controls["row"].max, ex.controls["col"].max) == (out.shape[0] - 1, out.shape[1] - 1)
    html = ex.terms.value
    assert number(shown(html, "sum")) == pytest.approx(out[i, j], abs=5e-5)
    terms = parse_terms(shown(html, "terms"))
    assert len(terms) == np.count_nonzero(w)
    assert sum(a * b for a, b in terms) == pytest.approx(out[i, j], abs=1e-6)
    np.testing.assert_allclose(ex.view["result"].out, out)


def test_filter_custom_kernel_writes_the_books_example():
    # the moving-filter example: all weights 0.5 over a 2x2 window -> 4.25
    x = np.zeros((5, 5))
    x[:2, :2] = [[1, 2], [2, 3.5]]
    ex = widgets.filter_explorer(x, filter="custom")
    for t, v in zip(ex.custom, [0.5, 0.5, 0, 0.5, 0.5, 0, 0, 0, 0], strict=True):
        t.value = v
    ex.set(row=0, col=0)
    assert ex.custom_box.layout.display == "flex"
    assert shown(ex.terms.value, "terms") == "0.5·1 + 0.5·2 + 0.5·2 + 0.5·3.5"
    assert shown(ex.terms.value, "sum") == "4.25"
    out, _ = conv2d_forward(x[None, :, :, None], np.array([[0.5, 0.5, 0], [0.5, 0.5, 0], [0, 0, 0.0]])[:, :, None, None],
                            np.zeros(1))
    assert out[0, 0, 0, 0] == 4.25
    ex.controls["filter"].value = "identity"
    assert ex.custom_box.layout.display == "none"


def test_filter_invalid_setting_shows_cnnlib_error_and_recovers():
    imgs = _images()
    ex = widgets.filter_explorer(images=imgs)
    ex.set(image="gray", stride=2, padding=0)      # (10 - 3 + 0) / 2 + 1 = 4.5
    with pytest.raises(ValueError) as err:
        conv2d_forward(views.as_image(imgs["gray"])[None], np.zeros((3, 3, 1, 1)), np.zeros(1), stride=2, padding=0)
    assert shown(ex.terms.value, "error") == str(err.value)
    assert ex.controls["row"].disabled and ex.map_image.layout.display == "none"
    ex.controls["padding"].value = "valid"
    assert not ex.controls["row"].disabled
    out, _ = _expected(imgs["gray"], "sobel_v", 2, "valid")
    assert ex.controls["col"].max == out.shape[1] - 1
    assert ex.input_image.value[:8] == b"\x89PNG\r\n\x1a\n" and ex.map_image.value[:4] == b"\x89PNG"


def test_filter_window_clamps_when_the_map_shrinks():
    ex = widgets.filter_explorer(images=_images())
    ex.set(image="gray", stride=1, padding="same", row=9, col=11)
    assert (ex.controls["row"].value, ex.controls["col"].value) == (9, 11)
    ex.controls["stride"].value = 3                   # 'same', stride 3: 4 x 4
    assert (ex.controls["row"].value, ex.controls["col"].value) == (3, 3)
    out, _ = _expected(_images()["gray"], "sobel_v", 3, "same")
    assert number(shown(ex.terms.value, "sum")) == pytest.approx(out[3, 3], abs=5e-5)


# ---------------------------------------------------------------------------
# Pooling (live)
# ---------------------------------------------------------------------------


def _pool(x, mode, size, stride, padding):
    x4 = np.asarray(x, dtype=np.float64)[None, :, :, None]
    if mode == "max":
        out, cache = max_pool2d_forward(x4, size=size, stride=stride, padding=padding)
        return out[0, :, :, 0], max_pool2d_backward(np.ones_like(out), cache)[0, :, :, 0], cache
    out, cache = avg_pool2d_forward(x4, size=size, stride=stride, padding=padding)
    return out[0, :, :, 0], avg_pool2d_backward(np.ones_like(out), cache)[0, :, :, 0], cache


def _cells(rows):
    return np.array([[number(c) for c in r] for r in rows])


@pytest.mark.parametrize("grid", ["6x6", "5x5", "ties"])
@pytest.mark.parametrize("mode, size, stride, padding", [
    ("max", 2, 2, "valid"), ("max", 3, 2, "same"), ("max", 2, 1, "valid"), ("avg", 2, 2, "same"),
    ("avg", 3, 1, "same"), ("avg", 3, 3, "valid"),
])
def test_pooling_output_picks_and_mask_equal_cnnlib(grid, mode, size, stride, padding):
    ex = widgets.pooling_explorer()
    ex.set(grid=grid, mode=mode, size=size, stride=stride, padding=padding)
    x = ex.grids[grid]
    out, mask, cache = _pool(x, mode, size, stride, padding)
    html = ex.html.value
    np.testing.assert_allclose(_cells(table(html, "output")), np.round(out, 2))
    np.testing.assert_allclose(_cells(table(html, "mask")), np.round(mask, 2))
    (top, _), (left, _) = cache.pads
    last = (out.shape[0] - 1, out.shape[1] - 1)
    ex.set(row=last[0], col=last[1])
    i, j = last
    win = ex.view["windows"][i][j]
    assert number(shown(ex.html.value, "value")) == pytest.approx(round(out[i, j], 2))
    if mode == "max":
        a = cache.argmax[0, i, j, 0]
        assert (win[2], win[3]) == (i * stride - top + a // size, j * stride - left + a % size)
        assert x[win[2], win[3]] == out[i, j]
        assert f"picked at row {win[2]}, column {win[3]}" in ex.html.value
    else:
        assert win[4] == cache.counts[i, j]
    # the highlighted input cells are the window; the amber mask cells receive its gradient
    inp = table(ex.html.value, "input")
    assert len(inp) == x.shape[0] + sum(cache.pads[0]) and len(inp[0]) == x.shape[1] + sum(cache.pads[1])


def test_pooling_ties_send_the_gradient_to_the_first_maximum():
    ex = widgets.pooling_explorer()
    ex.set(grid="ties", mode="max", size=2, stride=2, padding="valid", row=0, col=0)
    assert "(the first of the tied maxima, row by row)" in ex.html.value
    assert "picked at row 0, column 1" in ex.html.value
    mask = _cells(table(ex.html.value, "mask"))
    assert mask[0, 1] == 1 and mask[1, 0] == 0


def test_pooling_custom_grid_and_error():
    ex = widgets.pooling_explorer(np.arange(9.0).reshape(3, 3), size=2, stride=1)
    np.testing.assert_allclose(_cells(table(ex.html.value, "output")), [[4, 5], [7, 8]])
    ex.controls["size"].value = 4                     # larger than the 3x3 input with 'valid'
    assert "larger than the input" in shown(ex.html.value, "error")
    assert ex.controls["row"].disabled
    ex.controls["padding"].value = "same"
    assert not ex.controls["row"].disabled


def test_update_time_is_recorded():
    ex = widgets.filter_explorer(images=_images())
    ex.controls["filter"].value = "blur"
    assert 0 < ex.last_update_s < 1.0


# ---------------------------------------------------------------------------
# Static builders: the embedded states equal cnnlib's results
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def static_size():
    return static_output_size()


def test_static_output_size_states(static_size):
    [(kind, data)] = embedded_states(static_size.html)
    assert kind == "output_size" and data == static_size.data
    for n, f, s, p in [(32, 5, 1, 0), (26, 5, 2, 0), (227, 11, 4, 0), (224, 11, 4, 0), (28, 3, 2, "same"),
                       (5, 2, 2, "same"), (28, 3, 2, "valid"), (3, 7, 1, 1), (13, 3, 3, 3)]:
        out, before, after, padded, count, m = data["size"][f"{n}|{f}|{s}|{p}"]
        try:
            assert out == conv_output_size(n, f, s, p)
            assert m == -1
        except ValueError as err:
            assert out is None and data["msgs"][m] == str(err)
        if p == "same":
            assert (before, after) == same_padding(n, f, s)
        try:
            assert count == conv_output_size(n, f, s, p, floor=True)
        except ValueError:
            assert count == 0
    for f, d, k in [(5, 3, 10), (11, 3, 64), (1, 64, 1)]:
        assert data["params"][f"{f}|{d}|{k}"] == conv_params(f, d, k)
    assert len(data["size"]) == 33 * 7 * 4 * 6


def test_static_filter_states():
    imgs = _images()
    ex = static_filter(imgs)
    [(kind, data)] = embedded_states(ex.html)
    assert kind == "filter" and data == ex.data
    for d in data["images"]:
        x = views.as_image(imgs[d["name"]])
        np.testing.assert_array_equal(np.array(d["v"]).reshape(d["h"] + 2 * d["pad"], d["w"] + 2 * d["pad"], d["c"]),
                                      zero_pad(x[None], d["pad"])[0])
    checked = 0
    for key, rec in data["states"].items():
        name, filt, s, p = key.split("|")
        p = p if p in ("valid", "same") else int(p)
        try:
            out, w = _expected(imgs[name], filt, int(s), p)
        except ValueError as err:
            assert data["msgs"][rec["e"]] == str(err)
            continue
        m = data["maps"][rec["m"]]
        np.testing.assert_allclose(np.array(m["v"]).reshape(m["h"], m["w"]), out, atol=5e-5)
        assert data["weights"][filt][str(w.shape[2])] == w[:, :, :, 0].ravel().tolist()
        checked += 1
    assert checked > 20 and any("e" in r for r in data["states"].values())


def test_static_pooling_states():
    ex = static_pooling()
    [(kind, data)] = embedded_states(ex.html)
    grids = {g["name"]: np.array(g["v"]).reshape(g["h"], g["w"]) for g in data["grids"]}
    for key, rec in data["states"].items():
        g, mode, size, s, p = key.split("|")
        size, s = int(size), int(s)
        out, mask, cache = _pool(grids[g], mode, size, s, p)
        np.testing.assert_allclose(np.array(rec["out"]).reshape(rec["ho"], rec["wo"]), np.round(out, 2))
        np.testing.assert_allclose(np.array(rec["mask"]).reshape(grids[g].shape), np.round(mask, 2))
        (top, _), (left, _) = cache.pads
        for idx, (r0, c0, pr, pc, cnt) in enumerate(rec["win"]):
            i, j = divmod(idx, rec["wo"])
            assert (r0, c0) == (i * s - top, j * s - left)
            if mode == "max":
                a = cache.argmax[0, i, j, 0]
                assert (pr, pc) == (r0 + a // size, c0 + a % size)
            else:
                assert cnt == cache.counts[i, j]


def test_static_html_is_self_contained_and_ids_are_unique(static_size):
    pool_a, pool_b = static_pooling(), static_pooling()
    assert pool_a.id != pool_b.id
    doc = page(static_size, pool_a, pool_b)
    ids = re.findall(r'id="([^"]+)"', doc)
    assert len(ids) == len(set(ids)) == 3
    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', doc)          # nothing fetched
    assert "import(" not in doc and "fetch(" not in doc and "XMLHttpRequest" not in doc
    from cnnlib.explorers.render import asset
    for name in ("core.js", "output_size.js", "filter.js", "pooling.js", "cnnx.css"):
        assert "</script" not in asset(name).lower() and "</style" not in asset(name).lower()
    assert "/work" not in doc and "/tmp" not in doc
    assert [k for k, _ in embedded_states(doc)] == ["output_size", "pooling", "pooling"]
    assert static_size.payload_bytes < 120_000
    assert "kB of states" in repr(static_size)


def test_default_images_come_from_cnnlib_data():
    from cnnlib.explorers.samples import default_images

    data = pytest.importorskip("cnnlib.data")
    try:
        imgs = default_images(download=False)
    except (data.DataNotFoundError, FileNotFoundError, ImportError) as err:
        pytest.skip(f"datasets not available offline: {str(err).splitlines()[0]}")
    assert imgs["digit"].shape == (28, 28) and imgs["letter"].shape == (28, 28)
    assert imgs["photo"].shape == (32, 32, 3) and imgs["photo"].dtype == np.uint8
