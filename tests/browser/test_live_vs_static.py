"""One renderer, two paths: the same state drawn live and static shows the same text.

A page loads each explorer's ES module (``cnnlib/explorers/assets/<kind>.js``)
and renders it twice: (a) with a stand-in model holding what the live widget
synced (its ``spec``, ``values`` and ``view`` traitlets, as anywidget would hand
them over), and (b) with ``core.js``'s ``staticModel`` over the precomputed
states the book embeds.  The text each shows (status line, figures, formulas,
tables) must be the same.  The messages ``core.js`` rebuilds from error codes
are compared with cnnlib's own, and the colours with the rule they implement.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from cnnlib import conv2d_forward, conv_output_size, max_pool2d_forward
from cnnlib.explorers import filter as fx
from cnnlib.explorers import output_size, pooling, write_assets
from cnnlib.explorers.base import size_error
from tests.conftest import serve

HARNESS = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>renderers</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="cnnx/cnnx.css"></head><body><main id="m"></main>
<script type="module">
import { staticModel, message, colour } from "./cnnx/core.js";
function liveModel(state) {          // what anywidget hands the module: the synced traitlets
  const h = {};
  return { get: (k) => state[k], set: (k, v) => { state[k] = v; }, save_changes() {},
           on: (e, f) => { (h[e] = h[e] || []).push(f); } };
}
async function draw(kind, model) {
  const mod = await import(`./cnnx/${kind}.js`);
  const root = document.createElement("div");
  document.getElementById("m").appendChild(root);
  mod.default.render({ model, el: root });
  const texts = [...root.querySelectorAll("[data-cnnx], figcaption, .cnnx-note, .cnnx-view")]
    .map((e) => (e.getAttribute("data-cnnx") || e.tagName) + ": " + e.textContent.replace(/\\s+/g, " ").trim());
  const controls = [...root.querySelectorAll("[data-cnnx-control]")].map((e) => [e.name, e.value, e.disabled]);
  root.remove();
  return { texts, controls };
}
window.cnnxLive = (kind, state) => draw(kind, liveModel(state));
window.cnnxStatic = (kind, data, values) => draw(kind, staticModel(Object.assign({}, data, { initial: values })));
window.cnnxMessage = message;
window.cnnxColour = colour;
window.cnnxReady = true;
</script></body></html>"""


@pytest.fixture(scope="module")
def harness(browser, tmp_path_factory):
    root = tmp_path_factory.mktemp("renderers")
    write_assets(root / "cnnx")
    (root / "index.html").write_text(HARNESS, encoding="utf-8")
    with serve(root) as url:
        page = browser.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(url + "index.html")
        page.wait_for_function("() => window.cnnxReady === true")
        yield page
        assert errors == []
        page.close()


def both(page, live, static, kind):
    state = json.loads(json.dumps({"spec": live.spec, "values": live.values, "view": live.view}))
    a = page.evaluate("([k, s]) => window.cnnxLive(k, s)", [kind, state])
    b = page.evaluate("([k, d, v]) => window.cnnxStatic(k, d, v)", [kind, static.data, dict(live.values)])
    return a, b


@pytest.mark.parametrize("values", [dict(), dict(n=26, f=5, stride=2, padding=0), dict(n=227, f=11, stride=4, k=64),
                                    dict(n=28, f=3, stride=2, padding="same", d=16, k=32), dict(n=3, f=7, padding=1),
                                    dict(n=3, f=7, padding="valid")])
def test_output_size_live_and_static_show_the_same(harness, values):
    live, static = output_size.output_size_explorer(), output_size.static_output_size()
    live.set(**values)
    a, b = both(harness, live, static, "output_size")
    assert a == b
    n, f, s = (int(live.values[k]) for k in ("n", "f", "stride"))
    p = live.option("padding", live.values["padding"])
    try:
        out = conv_output_size(n, f, s, p)
        assert f"out: {out}" in a["texts"]
    except ValueError as err:
        assert f"error: {err}" in a["texts"]


@pytest.mark.parametrize("values", [dict(image="gray", filter="sobel_v", row=3, col=4),
                                    dict(image="rgb", filter="grayscale", padding="same", row=8, col=0),
                                    dict(image="gray", filter="blur", stride=2, padding=1, row=2, col=5),
                                    dict(image="gray", filter="sharpen", stride=2, padding=0)])
def test_filter_live_and_static_show_the_same(harness, values):
    rng = np.random.default_rng(1)
    imgs = {"gray": rng.integers(0, 256, size=(10, 12)).astype(np.uint8),
            "rgb": rng.integers(0, 256, size=(9, 9, 3)).astype(np.uint8)}
    live, static = fx.filter_explorer(images=imgs), fx.static_filter(imgs)
    live.set(**values)
    a, b = both(harness, live, static, "filter")
    hint = "Type your own kernel in the live version of this explorer (run the notebook)."   # static only
    clean = lambda r: ([t.replace(hint, "").strip() for t in r["texts"] if t.replace(hint, "").strip() != "P:"],  # noqa: E731
                       [c for c in r["controls"] if c[0] != "custom"])
    assert clean(a) == clean(b)
    x = fx.as_image(imgs[live.values["image"]])
    w = fx.kernel_weights(live.values["filter"], x.shape[2])
    try:
        out, _ = conv2d_forward(x[None], w, np.zeros(1), stride=int(live.values["stride"]),
                                padding=live.option("padding", live.values["padding"]))
    except ValueError as err:
        assert f"error: {err}" in a["texts"]
        return
    i, j = int(live.values["row"]), int(live.values["col"])
    # the sliders stand where their labels say (a range narrowed after its value was set keeps it)
    assert ["row", str(i), False] in a["controls"] and ["col", str(j), False] in a["controls"]
    assert any(t.startswith("sum: ") and float(t[5:].replace("−", "-")) == pytest.approx(out[0, i, j, 0], abs=5e-5)
               for t in a["texts"])


@pytest.mark.parametrize("values", [dict(grid="ties", mode="max"), dict(grid="5x5", mode="avg", size=3, stride=1,
                                                                        padding="same", row=4, col=2),
                                    dict(grid="6x6", mode="max", size=3, stride=3, row=1, col=1)])
def test_pooling_live_and_static_show_the_same(harness, values):
    live, static = pooling.pooling_explorer(), pooling.static_pooling()
    live.set(**values)
    a, b = both(harness, live, static, "pooling")
    assert a == b


def test_core_rebuilds_cnnlibs_messages_from_codes(harness):
    cases = [(26, 5, 2, 0), (3, 7, 1, "valid"), (3, 7, 1, 1), (13, 3, 3, 3), (10, 3, 4, 0), (224, 11, 4, 0),
             (31, 4, 3, 2), (7, 2, 4, 1)]
    for n, f, s, p in cases:
        with pytest.raises(ValueError) as err:
            conv_output_size(n, f, s, p)
        assert harness.evaluate("e => window.cnnxMessage(e)", size_error(n, f, s, p)) == str(err.value)
    with pytest.raises(ValueError) as err:                    # the per-axis prefix of cnnlib.pool / cnnlib.conv
        max_pool2d_forward(np.zeros((1, 3, 5, 1)), size=4, stride=1)
    code = pooling.pooling_view(np.zeros((3, 5)), "max", 4, 1, "valid")["error"]
    assert harness.evaluate("e => window.cnnxMessage(e)", code) == str(err.value)


def test_one_colour_map_grey_and_rdbu(harness):
    got = harness.evaluate("() => [[0, false], [0.5, false], [1, false], [-1, false], [0, true], [1, true], "
                           "[-1, true], [-0.5, true]].map(([t, s]) => window.cnnxColour(t, s))")
    assert got == [[0, 0, 0], [128, 128, 128], [255, 255, 255], [0, 0, 0], [255, 255, 255], [178, 24, 43],
                   [33, 102, 172], [144, 179, 214]]


def test_activations_live_and_static_show_the_same(harness):
    keras = pytest.importorskip("keras")
    from cnnlib.explorers import activations as ax

    keras.utils.set_random_seed(0)
    L = keras.layers
    net = keras.Sequential([keras.Input((8, 8, 1)), L.Conv2D(3, 3, padding="same", name="c1"),
                            L.MaxPooling2D(2), L.Conv2D(2, 3, activation="relu", name="c2"),
                            L.Flatten(), L.Dense(3, name="logits")])
    rng = np.random.default_rng(0)
    x, y = rng.random((6, 8, 8, 1)).astype(np.float32), rng.integers(0, 3, size=6)
    live = ax.activations_explorer(net, x, y, classes=["a", "b", "c"], index=4)
    static = ax.static_activations(net, x, y, indices=[4, 1], classes=["a", "b", "c"])
    for image, layer, scale, m in ((4, "c1", "map", 2), (1, "c2", "layer", 1), (4, "c1", "layer", 0)):
        live.set(image=image, layer=layer, scale=scale, map=m)
        state = json.loads(json.dumps({"spec": live.spec, "values": live.values, "view": live.view}))
        a = harness.evaluate("([k, s]) => window.cnnxLive(k, s)", ["activations", state])
        values = dict(live.values, image=f"i{image}")
        b = harness.evaluate("([k, d, v]) => window.cnnxStatic(k, d, v)", ["activations", static.data, values])
        assert a["texts"] == b["texts"]
        assert [c for c in a["controls"] if c[0] != "image"] == [c for c in b["controls"] if c[0] != "image"]
        assert any(t.startswith(f"status: Map #{m} of {layer}") for t in a["texts"])
