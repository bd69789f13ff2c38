"""cnnlib.explorers.activations: the stages it picks, the maps it sends (checked
against Keras), the live widget driven through its values, the same views
live and static; the colours and the page in a real browser are checked in
tests/browser/test_live_vs_static.py."""

from __future__ import annotations

import base64

import numpy as np
import pytest

keras = pytest.importorskip("keras")
pytest.importorskip("tensorflow")

from cnnlib import activations_explorer  # noqa: E402  (the name chapter 4 imports)
from cnnlib.explorers import activations as ax  # noqa: E402
from cnnlib.explorers import embedded_states  # noqa: E402

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


def test_pick_examples():
    assert ax.pick_examples([0, 1, 1, 0, 1], [0, 0, 1, 0, 0], mistakes=1) == [0, 2, 1]
    assert ax.pick_examples([2, 2, 0], [2, 2, 0], per_class=2, mistakes=5) == [2, 0, 1]
    with pytest.raises(ValueError, match="same length"):
        ax.pick_examples([0, 1], [0])


def unpack(p):
    return np.frombuffer(base64.b64decode(p["b64"]), p["dtype"]).reshape(p["shape"])


def test_static_explorer_embeds_the_models_maps(nets):
    plain, _, x, y = nets
    ex = ax.static_activations(plain, x, y, indices=[3, 0], classes=["a", "b", "c"])
    [(kind, data)] = embedded_states(ex._repr_html_())
    assert kind == "activations" and data == ex.data
    spec = data["spec"]
    assert [o[0] for o in spec["controls"][0]["options"]] == ["i3", "i0"]
    assert spec["classes"] == ["a", "b", "c"] and [d["name"] for d in spec["layers"]] == ["c1", "c2"]
    maps = ax.activation_maps(plain, x[[3, 0]])
    probs = ax.class_probabilities(plain, x[[3, 0]])
    for j, idx in enumerate([3, 0]):
        for name in ("c1", "c2"):
            v = ex.view({"image": f"i{idx}", "layer": name})
            img, rec = v["image"], v["maps"]
            assert img["index"] == idx and img["true"] == int(y[idx]) and img["pred"] == int(probs[j].argmax())
            np.testing.assert_allclose(img["probs"], probs[j], atol=6e-5)
            np.testing.assert_array_equal(unpack(img["px"])[:, :, 0], np.rint(255 * x[idx, :, :, 0]))
            a = maps[name][j]
            q = unpack(rec["q"])
            assert rec["q"]["dtype"] == "i1" and q.shape == (a.shape[2], a.shape[0], a.shape[1])
            back = np.moveaxis(q, 0, 2) * np.array(rec["s"]) / rec["levels"]
            # what the page shows is the model's map, to within half a level
            assert np.abs(back - a).max() <= a.max() / (2 * rec["levels"]) * 1.001 + 1e-6
            assert rec["signed"] is False
    assert data["initial"]["image"] == "i3" and data["initial"]["layer"] == "c1"
    assert 0 <= int(data["initial"]["map"]) < 3
    assert ex.binary_bytes == 2 * (12 * 12 + 12 * 12 * 3 + 6 * 6 * 4)   # pixels and int8 maps travel as bytes
    html = ex._repr_html_()
    assert "http://" not in html and "https://" not in html and "<script src" not in html


def test_static_explorer_default_picks_and_errors(nets):
    plain, _, x, y = nets
    ex = ax.static_activations(plain, x, y)
    pred = ax.class_probabilities(plain, x).argmax(1)
    assert [int(o[0][1:]) for o in ex.data["spec"]["controls"][0]["options"]] == ax.pick_examples(y, pred)
    ex2 = ax.static_activations(plain, x)
    assert len(ex2.data["spec"]["controls"][0]["options"]) == 8
    with pytest.raises(ValueError, match=r"`indices` must be in 0..19; got \[20\]"):
        ax.static_activations(plain, x, y, indices=[20])
    with pytest.raises(ValueError, match="must not repeat"):
        ax.static_activations(plain, x, y, indices=[1, 1])
    with pytest.raises(ValueError, match=r"`classes` must name the model's 3 classes; got 2"):
        ax.static_activations(plain, x, y, indices=[1], classes=["a", "b"])
    with pytest.raises(ValueError, match=r"one label per image \(20\)"):
        ax.static_activations(plain, x, y[:5])


def test_live_explorer_follows_its_values(nets):
    pytest.importorskip("anywidget")
    plain, bn, x, y = nets
    ex = activations_explorer.activations_explorer(bn, x, y, classes=["a", "b", "c"], index=2)
    v = ex.view
    assert v["image"]["index"] == 2 and v["at"]["layer"] == "c1"
    a = ax.activation_maps(bn, x[2:3])["c1"][0]
    np.testing.assert_allclose(np.moveaxis(unpack(v["maps"]["q"]), 0, 2) * np.array(v["maps"]["s"]) / 31, a,
                               atol=a.max() / 62 * 1.001 + 1e-6)
    ex.set(image=5, layer="c2", map=1)
    assert ex.view["image"]["index"] == 5 and ex.view["maps"]["q"]["shape"] == [2, 6, 6]
    assert ex.view["maps"]["signed"] == bool(ax.activation_maps(bn, x[5:6])["c2"].min() < 0)
    before = ex.view
    ex.set(scale="layer", map=0)                       # drawn in the browser: no recomputation
    assert ex.view is before
    pred = ax.class_probabilities(bn, x).argmax(1)
    wrong = np.flatnonzero(pred != y)
    i = ex.next_mistake()
    assert i == int(wrong[wrong > 5][0] if (wrong > 5).any() else wrong[0])
    assert ex.view["image"]["index"] == i and ex.view["image"]["pred"] != ex.view["image"]["true"]
    ex.set(_action="random image#1")                   # what the page's button sends
    assert "_action" not in ex.values and ex.view["image"]["index"] == int(ex.values["image"])
    assert ex.last_update_s is not None
    with pytest.raises(ValueError, match=r"`index` must be in 0..19; got 20"):
        ax.activations_explorer(plain, x, y, index=20)


def test_live_and_static_show_the_same_views(nets):
    pytest.importorskip("anywidget")
    plain, _, x, y = nets
    live = ax.activations_explorer(plain, x, y, classes=["a", "b", "c"], index=3)
    static = ax.static_activations(plain, x, y, indices=[3, 0], classes=["a", "b", "c"])
    for image, layer in ((3, "c1"), (0, "c2")):
        live.set(image=image, layer=layer)
        want = static.view({"image": f"i{image}", "layer": layer})
        assert live.view["image"] == want["image"]
        assert live.view["maps"]["s"] == want["maps"]["s"]
        np.testing.assert_array_equal(unpack(live.view["maps"]["q"]), unpack(want["maps"]["q"]))
    assert live.spec["layers"] == static.data["spec"]["layers"]
