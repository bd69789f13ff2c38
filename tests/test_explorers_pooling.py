"""cnnlib.explorers.pooling: output, picks and backward mask from cnnlib.pool, live and static alike."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("anywidget")

from cnnlib import avg_pool2d_backward, avg_pool2d_forward, max_pool2d_backward, max_pool2d_forward  # noqa: E402
from cnnlib.explorers import pooling  # noqa: E402
from cnnlib.explorers.samples import default_grids  # noqa: E402


def _pool(x, mode, size, stride, padding):
    x4 = np.asarray(x, dtype=np.float64)[None, :, :, None]
    fwd, bwd = (max_pool2d_forward, max_pool2d_backward) if mode == "max" else (avg_pool2d_forward, avg_pool2d_backward)
    out, cache = fwd(x4, size=size, stride=stride, padding=padding)
    return out[0, :, :, 0], bwd(np.ones_like(out), cache)[0, :, :, 0], cache


@pytest.mark.parametrize("grid", ["6x6", "5x5", "ties"])
@pytest.mark.parametrize("mode, size, stride, padding", [
    ("max", 2, 2, "valid"), ("max", 3, 2, "same"), ("max", 2, 1, "valid"), ("avg", 2, 2, "same"),
    ("avg", 3, 1, "same"), ("avg", 3, 3, "valid"),
])
def test_view_equals_cnnlib(grid, mode, size, stride, padding):
    x = default_grids()[grid]
    v = pooling.pooling_view(x, mode, size, stride, padding)
    out, mask, cache = _pool(x, mode, size, stride, padding)
    np.testing.assert_allclose(np.reshape(v["out"], out.shape), np.round(out, 2))
    np.testing.assert_allclose(np.reshape(v["mask"], mask.shape), np.round(mask, 2))
    (top, _), (left, _) = cache.pads
    for idx, (r0, c0, pr, pc, cnt) in enumerate(v["win"]):
        i, j = divmod(idx, v["wo"])
        assert (r0, c0) == (i * stride - top, j * stride - left)
        if mode == "max":
            a = cache.argmax[0, i, j, 0]
            assert (pr, pc) == (r0 + a // size, c0 + a % size) and x[pr, pc] == out[i, j]
        else:
            assert cnt == cache.counts[i, j]


def test_ties_send_the_gradient_to_the_first_maximum():
    v = pooling.pooling_view(default_grids()["ties"], "max", 2, 2, "valid")
    assert v["win"][0][2:4] == [0, 1] and v["mask"][1] == 1 and v["mask"][4] == 0


def test_a_refusal_is_a_code():
    v = pooling.pooling_view(np.arange(9.0).reshape(3, 3), "max", 4, 1, "valid")
    assert v == {"error": {"code": "valid_larger", "n": 3, "f": 4, "stride": 1, "p": 0, "axis": "height",
                           "what": "window"}}
    with pytest.raises(ValueError, match="`mode` must be 'max' or 'avg'"):
        pooling.pooling_view(np.ones((2, 2)), "min", 2, 2, "valid")


def test_live_and_static_show_the_same_views():
    live, static = pooling.pooling_explorer(), pooling.static_pooling()
    assert live.spec == static.data["spec"]
    for values in [dict(grid="ties", mode="max"), dict(mode="avg", size=3, stride=1, padding="same"),
                   dict(grid="5x5", mode="max", size=3, stride=3, padding="valid", row=1)]:
        live.set(**values)
        assert live.view == static.view(live.values) | {"at": live.view["at"]}
    custom = pooling.pooling_explorer(np.arange(9.0).reshape(3, 3), size=2, stride=1)
    assert custom.view["result"]["out"] == [4, 5, 7, 8]
