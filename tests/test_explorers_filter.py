"""cnnlib.explorers.filter: feature maps from cnnlib.conv2d_forward, any kernel size, live and static alike."""

from __future__ import annotations

import base64

import numpy as np
import pytest

pytest.importorskip("anywidget")

from cnnlib import conv2d_forward  # noqa: E402
from cnnlib.explorers import filter as fx  # noqa: E402


def images():
    rng = np.random.default_rng(1)
    return {"gray": rng.integers(0, 256, size=(10, 12)).astype(np.uint8),
            "rgb": rng.integers(0, 256, size=(9, 9, 3)).astype(np.uint8)}


def unpack(p):
    return np.frombuffer(base64.b64decode(p["b64"]), "<" + p["dtype"]).reshape(p["shape"]).astype(float)


def expected(x, name, stride, padding, custom=None):
    x = fx.as_image(x)
    w = fx.kernel_weights(name, x.shape[2], custom)
    out, cache = conv2d_forward(x[None], w, np.zeros(1), stride=stride, padding=padding)
    return out[0, :, :, 0], w, cache


@pytest.mark.parametrize("image", ["gray", "rgb"])
@pytest.mark.parametrize("name, stride, padding", [
    ("sobel_v", 1, "valid"), ("sobel_h", 1, "same"), ("blur", 2, "same"), ("sharpen", 1, 1),
    ("identity", 3, "valid"), ("grayscale", 1, "same"),
])
def test_view_holds_the_feature_map_of_conv2d_forward(image, name, stride, padding):
    x = images()[image]
    v = fx.filter_view(x, name, stride, padding)
    out, w, cache = expected(x, name, stride, padding)
    np.testing.assert_allclose(unpack(v["result"]["map"]), out, atol=5e-5)
    np.testing.assert_allclose(unpack(v["kernel"]["w"]), w[:, :, :, 0], atol=1e-6)   # float32 where it keeps 6 decimals
    np.testing.assert_array_equal(unpack(v["image"]["px"]), fx.as_image(x))
    assert v["result"]["pads"] == [list(p) for p in cache.pads] and v["image"]["byte"]


def test_custom_kernel_of_any_size():
    x = np.zeros((5, 5))
    x[:2, :2] = [[1, 2], [2, 3.5]]
    ex = fx.filter_explorer(x, filter="custom", custom="0.5 0.5; 0.5 0.5")
    assert unpack(ex.view["result"]["map"])[0, 0] == 4.25
    assert ex.view["result"]["map"]["shape"] == [4, 4] and ex.view["kernel"]["w"]["shape"] == [2, 2, 1]
    ex.set(custom="1 0 0 0 1; 0 0 0 0 0; 0 0 0 0 0; 0 0 0 0 0; 1 0 0 0 1")
    assert ex.view["result"]["map"]["shape"] == [1, 1] and unpack(ex.view["result"]["map"])[0, 0] == 1
    assert fx.parse_kernel("1, 2; 3 4").tolist() == [[1, 2], [3, 4]]
    with pytest.raises(ValueError, match="rows of numbers"):
        fx.parse_kernel("1 a")
    with pytest.raises(ValueError, match="every row as long"):
        fx.parse_kernel("1 2; 3")
    ex.set(custom="1 2; 3")                               # a typo is shown, not raised
    assert ex.view["result"]["error"]["code"] == "text" and "every row as long" in ex.view["result"]["error"]["text"]


def test_a_refusal_is_a_code_for_the_failing_axis():
    x = images()["gray"]                                   # 10 x 12: (10 - 3) / 2 + 1 = 4.5
    v = fx.filter_view(x, "sobel_v", 2, 0)
    assert v["result"] == {"error": {"code": "tile", "n": 10, "f": 3, "stride": 2, "p": 0, "axis": "height",
                                     "what": "filter"}}


def test_window_moves_without_a_recomputation():
    ex = fx.filter_explorer(images=images())
    view = ex.view
    ex.set(row=1, col=2)
    assert ex.view is view and ex.values["row"] == "1"
    ex.set(filter="blur")
    assert ex.view is not view and ex.view["at"]["filter"] == "blur"


def test_live_and_static_show_the_same_views():
    imgs = images()
    live, static = fx.filter_explorer(images=imgs), fx.static_filter(imgs)
    live_ctl = [c for c in live.spec["controls"] if c["name"] != "custom"]
    static_ctl = static.data["spec"]["controls"]
    assert [c["name"] for c in live_ctl] == [c["name"] for c in static_ctl]
    for values in [dict(image="rgb", filter="grayscale"), dict(image="gray", filter="blur", stride=2, padding="same"),
                   dict(image="gray", filter="sobel_v", stride=2, padding=0)]:
        live.set(**values)
        want = static.view(live.values)
        assert {k: live.view[k] for k in ("image", "kernel", "result")} == {k: want[k] for k in ("image", "kernel", "result")}


def test_static_maps_are_stored_once():
    ex = fx.static_filter(images())
    pool = ex.data["parts"]["result"]["pool"]
    assert len(pool) < len(ex.data["parts"]["result"]["table"])
    assert any("error" in r for r in pool)
