"""The activation-map explorer shows what the model computes: the stages it
picks, the maps it embeds (checked against Keras), the colours (checked
against the viewer's rule), the live widget driven through its controls, and
the static viewer in a real browser (skipped without playwright/Chromium)."""

from __future__ import annotations

import re

import numpy as np
import pytest

keras = pytest.importorskip("keras")
pytest.importorskip("tensorflow")

from cnnlib import activations_explorer as ax  # noqa: E402
from cnnlib.explorers import embedded_states, page  # noqa: E402

L = keras.layers


@pytest.fixture(scope="module")
def nets():
    """Two tiny seeded networks: conv with its own ReLU, and conv -> BN -> ReLU."""
    keras.utils.set_random_seed(0)
    plain = keras.Sequential([
        keras.Input((12, 12, 1)),
        L.Conv2D(3, 3, padding="same", activation="relu", name="c1"),
        L.MaxPooling2D(2, name="p1"),
        L.Conv2D(4, 3, padding="same", activation="relu", name="c2"),
        L.Flatten(), L.Dense(3, name="logits"),
    ], name="plain")
    bn = keras.Sequential([
        keras.Input((12, 12, 1)),
        L.Conv2D(3, 3, padding="same", use_bias=False, name="c1"),
        L.BatchNormalization(name="bn1"), L.ReLU(name="relu1"),
        L.MaxPooling2D(2),
        L.Conv2D(2, 3, padding="same", name="c2"),        # linear, nothing after: shown raw
        L.Flatten(), L.Dense(3, name="logits"),
    ], name="bn")
    rng = np.random.default_rng(0)
    x = rng.random((20, 12, 12, 1)).astype(np.float32)
    y = rng.integers(0, 3, size=20)
    return plain, bn, x, y


def test_conv_stages_pick_the_activation_the_next_layer_sees(nets):
    plain, bn, _, _ = nets
    assert ax.conv_stages(plain) == [ax.Stage("c1", "c1", "c1", "relu"), ax.Stage("c2", "c2", "c2", "relu")]
    assert ax.conv_stages(bn) == [ax.Stage("c1", "relu1", "c1 → bn1 → relu1", "relu"),
                                  ax.Stage("c2", "c2", "c2", "linear")]


def test_conv_stages_errors():
    dense = keras.Sequential([keras.Input((4,)), L.Dense(2, name="d")], name="dense_only")
    with pytest.raises(ValueError, match=r"has no Conv2D layer; its layers are \['d'\]"):
        ax.conv_stages(dense)
    with pytest.raises(TypeError, match="must be a keras.Model; got list"):
        ax.conv_stages([])


def test_activation_maps_equal_the_layers_outputs(nets):
    plain, bn, x, _ = nets
    maps = ax.activation_maps(plain, x[:5])
    assert list(maps) == ["c1", "c2"]
    assert maps["c1"].shape == (5, 12, 12, 3) and maps["c2"].shape == (5, 6, 6, 4)
    # Recompute by hand, layer by layer.
    h = plain.get_layer("c1")(x[:5])
    np.testing.assert_allclose(maps["c1"], np.asarray(h), rtol=1e-5, atol=1e-6)
    h2 = plain.get_layer("c2")(plain.get_layer("p1")(h))
    np.testing.assert_allclose(maps["c2"], np.asarray(h2), rtol=1e-5, atol=1e-6)
    assert maps["c1"].min() >= 0
    bmaps = ax.activation_maps(bn, x[:5])
    assert bmaps["c1"].min() >= 0           # after the ReLU
    assert bmaps["c2"].min() < 0            # a linear conv has negative values


def test_inputs_are_checked(nets):
    plain, _, x, _ = nets
    with pytest.raises(TypeError, match="must be a float array"):
        ax.activation_maps(plain, (x * 255).astype(np.uint8))
    with pytest.raises(ValueError, match=r"must be 4-D \(N, H, W, C\); got shape \(12, 12, 1\)\. For one image"):
        ax.activation_maps(plain, x[0])
    with pytest.raises(ValueError, match=r"holds images of shape \(10, 10, 1\), but the model takes \(12, 12, 1\)"):
        ax.activation_maps(plain, np.zeros((1, 10, 10, 1), np.float32))


def test_class_probabilities_are_the_softmax_of_the_logits(nets):
    plain, _, x, _ = nets
    z = np.asarray(plain(x[:4]), dtype=np.float64)
    p = ax.class_probabilities(plain, x[:4])
    e = np.exp(z - z.max(1, keepdims=True))
    np.testing.assert_allclose(p, e / e.sum(1, keepdims=True), rtol=1e-5)
    soft = keras.Sequential([plain, L.Softmax()])
    np.testing.assert_allclose(ax.class_probabilities(soft, x[:4]), p, rtol=1e-5)


def test_quantize_maps_hand_worked():
    m = np.zeros((2, 2, 3))
    m[:, :, 0] = [[0.0, 1.0], [0.5, 0.25]]
    m[:, :, 1] = [[-2.0, 1.0], [0.0, 0.0]]
    q, s = ax.quantize_maps(m, levels=8)
    np.testing.assert_array_equal(q[0], [[0, 8], [4, 2]])
    np.testing.assert_array_equal(q[1], [[-8, 4], [0, 0]])
    np.testing.assert_array_equal(q[2], [[0, 0], [0, 0]])      # a dead map stays 0, scale 0
    np.testing.assert_array_equal(s, [1.0, 2.0, 0.0])
    # Back to values: within half a level of the scale.
    back = np.moveaxis(q, 0, 2) * s / 8
    assert np.abs(back - m).max() <= s.max() / 16 + 1e-12
    with pytest.raises(ValueError, match=r"must be 3-D \(H, W, C\)"):
        ax.quantize_maps(np.zeros((1, 2, 2, 3)))
    with pytest.raises(ValueError, match="`levels` must be an integer in 1..32767"):
        ax.quantize_maps(m, levels=0)


def test_map_rgb_colours():
    q = np.array([[0, 4], [8, -8]])
    grey = ax.map_rgb(q, 8)
    np.testing.assert_array_equal(grey[:, :, 0], [[0, 128], [255, 0]])   # floor(127.5 + 0.5) = 128
    assert (grey[:, :, 0] == grey[:, :, 2]).all()
    half = ax.map_rgb(q, 8, factor=0.5)
    np.testing.assert_array_equal(half[:, :, 0], [[0, 64], [128, 0]])
    sig = ax.map_rgb(q, 8, signed=True)
    np.testing.assert_array_equal(sig[0, 0], [255, 255, 255])
    np.testing.assert_array_equal(sig[1, 0], [178, 24, 43])
    np.testing.assert_array_equal(sig[1, 1], [33, 102, 172])


def test_pick_examples():
    assert ax.pick_examples([0, 1, 1, 0, 1], [0, 0, 1, 0, 0], mistakes=1) == [0, 2, 1]
    assert ax.pick_examples([2, 2, 0], [2, 2, 0], per_class=2, mistakes=5) == [2, 0, 1]
    with pytest.raises(ValueError, match="same length"):
        ax.pick_examples([0, 1], [0])


def test_static_explorer_embeds_the_models_maps(nets):
    plain, _, x, y = nets
    ex = ax.static_activations(plain, x, y, indices=[3, 0], classes=["a", "b", "c"])
    [(kind, data)] = embedded_states(ex._repr_html_())
    assert kind == "activations" and data == ex.data
    assert [d["name"] for d in data["images"]] == ["i3", "i0"]
    assert data["classes"] == ["a", "b", "c"]
    assert [(d["name"], d["h"], d["w"], d["c"], d["signed"]) for d in data["layers"]] == [
        ("c1", 12, 12, 3, False), ("c2", 6, 6, 4, False)]
    maps = ax.activation_maps(plain, x[[3, 0]])
    probs = ax.class_probabilities(plain, x[[3, 0]])
    for j, idx in enumerate([3, 0]):
        img = data["images"][j]
        assert img["index"] == idx and img["true"] == int(y[idx]) and img["pred"] == int(probs[j].argmax())
        np.testing.assert_allclose(img["probs"], probs[j], atol=6e-5)
        np.testing.assert_array_equal(np.array(img["px"]).reshape(12, 12), np.rint(255 * x[idx, :, :, 0]))
        for name in ("c1", "c2"):
            rec = data["maps"][f"i{idx}|{name}"]
            a = maps[name][j]
            h, w, c = a.shape
            q = np.array(rec["q"]).reshape(c, h, w)
            back = np.moveaxis(q, 0, 2) * np.array(rec["s"]) / data["levels"]
            # what the page shows is the model's map, to within half a grey level
            assert np.abs(back - a).max() <= a.max() / (2 * data["levels"]) * 1.001 + 1e-6
    assert data["initial"]["image"] == "i3" and data["initial"]["layer"] == "c1"
    assert 0 <= int(data["initial"]["map"]) < 3
    assert ex.id.startswith("cnnx-activations-")
    other = ax.static_activations(plain, x, y, indices=[3, 0], classes=["a", "b", "c"])
    assert other.id != ex.id                             # unique per instance
    html = ex._repr_html_()
    assert "http://" not in html and "https://" not in html and "<script src" not in html


def test_static_explorer_default_picks_and_errors(nets):
    plain, _, x, y = nets
    ex = ax.static_activations(plain, x, y)
    pred = ax.class_probabilities(plain, x).argmax(1)
    assert [d["index"] for d in ex.data["images"]] == ax.pick_examples(y, pred)
    ex2 = ax.static_activations(plain, x)
    assert [d["index"] for d in ex2.data["images"]] == list(range(8))
    with pytest.raises(ValueError, match=r"`indices` must be in 0..19; got \[20\]"):
        ax.static_activations(plain, x, y, indices=[20])
    with pytest.raises(ValueError, match="must not repeat"):
        ax.static_activations(plain, x, y, indices=[1, 1])
    with pytest.raises(ValueError, match=r"`classes` must name the model's 3 classes; got 2"):
        ax.static_activations(plain, x, y, indices=[1], classes=["a", "b"])
    with pytest.raises(ValueError, match=r"one label per image \(20\)"):
        ax.static_activations(plain, x, y[:5])


def test_live_explorer_follows_its_controls(nets):
    pytest.importorskip("ipywidgets")
    plain, bn, x, y = nets
    ex = ax.activations_explorer(bn, x, y, classes=["a", "b", "c"], index=2)
    assert ex.view["index"] == 2 and ex.view["layer"] == "c1"
    maps = ax.activation_maps(bn, x[2:3])
    np.testing.assert_allclose(ex.view["maps"], maps["c1"][0], rtol=1e-5, atol=1e-6)
    assert ex.controls["map"].max == 2
    ex.set(index=5, layer="c2", map=1)
    assert ex.view["index"] == 5 and ex.view["layer"] == "c2" and ex.view["map"] == 1
    np.testing.assert_allclose(ex.view["maps"], ax.activation_maps(bn, x[5:6])["c2"][0], rtol=1e-5, atol=1e-6)
    assert ex.controls["map"].max == 1
    assert "blue: negative" in ex.top.value                # c2 is linear: signed colours
    assert ex.grid.value.count('data-cnnx-map="') == 2
    ex.set(scale="layer")
    assert "shared by the layer" in ex.grid.value
    pred = ax.class_probabilities(bn, x).argmax(1)
    wrong = np.flatnonzero(pred != y)
    i = ex.next_mistake()
    assert i == int(wrong[wrong > 5][0] if (wrong > 5).any() else wrong[0])
    assert ex.view["index"] == i and "✗" in ex.top.value
    assert ex.last_update_s is not None and ex.last_update_s < 5
    with pytest.raises(ValueError, match=r"`index` must be in 0..19; got 20"):
        ax.activations_explorer(plain, x, y, index=20)


# ---------------------------------------------------------------------------
# In a real browser
# ---------------------------------------------------------------------------

def test_static_viewer_in_a_browser(nets, tmp_path, browser):
    import functools
    import http.server
    import threading

    plain, bn, x, y = nets
    a = ax.static_activations(plain, x, y, indices=[3, 0, 7], classes=["a", "b", "c"])
    b = ax.static_activations(bn, x, y, indices=[1, 2])
    (tmp_path / "index.html").write_text(page(a, b, title="Activations"), encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
    errors, requests = [], []
    try:
        for width in (1280, 390):
            pg = browser.new_page(viewport={"width": width, "height": 900})
            pg.on("console", lambda m: m.type == "error" and errors.append(m.text))
            pg.on("pageerror", lambda e: errors.append(str(e)))
            pg.on("request", lambda r: requests.append(r.url))
            pg.goto(url)
            pg.wait_for_function("() => [...document.querySelectorAll('.cnnx')]"
                                 ".every(e => e.dataset.cnnxReady === '1')", timeout=15000)
            ids = pg.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
            assert len(ids) == len(set(ids)) == 2
            root = f"#{a.id}"
            unlabelled = pg.eval_on_selector_all(".cnnx select, .cnnx input",
                                                 "els => els.filter(e => e.labels.length === 0).length")
            assert unlabelled == 0
            assert pg.locator(f"{root} [data-cnnx-map]").count() == 3
            pg.locator(f"{root} [data-cnnx-control=layer]").select_option("c2")
            assert pg.locator(f"{root} [data-cnnx-map]").count() == 4
            pg.locator(f"{root} [data-cnnx-map='2']").click()
            assert pg.locator(f"{root} [data-cnnx-control=map]").input_value() == "2"
            rec = a.data["maps"]["i3|c2"]
            shown = float(pg.locator(f"{root} [data-cnnx=scale]").inner_text().replace("−", "-"))
            assert shown == pytest.approx(rec["s"][2], rel=2e-3, abs=1e-3)
            # the drawn thumbnail is map_rgb of the embedded integers, pixel for pixel
            px = pg.eval_on_selector(
                f"{root} [data-cnnx-map='2'] canvas",
                "c => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)")
            q = np.array(rec["q"]).reshape(4, 6, 6)[2]
            want = ax.map_rgb(q, a.data["levels"])
            got = np.array(px, dtype=np.uint8).reshape(6, 6, 4)[:, :, :3]
            np.testing.assert_array_equal(got, want)
            pg.locator(f"{root} [data-cnnx-control=scale]").select_option("layer")
            px = pg.eval_on_selector(
                f"{root} [data-cnnx-map='2'] canvas",
                "c => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)")
            want = ax.map_rgb(q, a.data["levels"], factor=rec["s"][2] / max(rec["s"]))
            np.testing.assert_array_equal(np.array(px, dtype=np.uint8).reshape(6, 6, 4)[:, :, :3], want)
            pg.locator(f"{root} [data-cnnx-control=image]").select_option("i7")
            verdict = pg.locator(f"{root} [data-cnnx=verdict]").inner_text()
            img = a.data["images"][2]
            assert re.search(rf"true {'abc'[img['true']]}, predicted {'abc'[img['pred']]}", verdict)
            # no horizontal overflow at phone width
            over = pg.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert over <= 0, f"the page overflows by {over} px at {width} px"
            pg.close()
    finally:
        server.shutdown()
        server.server_close()
    assert errors == []
    assert all(u.startswith("http://127.0.0.1:") or u.startswith("data:") for u in requests), requests
