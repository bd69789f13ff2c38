"""cnnlib.explorers.output_size: every number from cnnlib.shapes, the same live and static."""

from __future__ import annotations

import pytest

pytest.importorskip("anywidget")

from cnnlib import conv_output_size, conv_params, same_padding  # noqa: E402
from cnnlib.explorers import output_size as os_  # noqa: E402


@pytest.mark.parametrize("n, d, f, k, stride, padding", [
    (32, 3, 5, 10, 1, 0), (28, 1, 5, 6, 1, 2), (227, 3, 11, 64, 4, 0), (28, 16, 3, 32, 2, "same"),
    (5, 1, 2, 1, 2, "same"), (28, 3, 3, 10, 2, "valid"), (7, 3, 3, 1, 3, 1), (26, 3, 5, 10, 2, 0),
    (3, 1, 7, 1, 1, 1), (3, 1, 7, 1, 1, "valid"),
])
def test_view_holds_cnnlib_numbers(n, d, f, k, stride, padding):
    out, before, after, padded, count, err = os_.output_size_view(n, d, f, k, stride, padding)["size"]
    try:
        assert out == conv_output_size(n, f, stride, padding) and err is None
    except ValueError:
        assert out is None and err in ("tile", "valid_larger", "padded_larger")
    try:
        assert count == conv_output_size(n, f, stride, padding, floor=True)
    except ValueError:
        assert count == 0
    if padding == "same":
        assert (before, after) == same_padding(n, f, stride)
    assert padded == before + n + after
    assert os_.output_size_view(n, d, f, k, stride, padding)["params"] == conv_params(f, d, k)


def test_live_and_static_offer_the_same_controls_presets_and_views():
    live, static = os_.output_size_explorer(), os_.static_output_size()
    assert {**live.spec, "kind": None} == {**static.data["spec"], "kind": None}
    assert len(live.spec["presets"]) == 5
    for _, values in os_.PRESETS + (("", dict(n=13, f=3, stride=3, padding=3, d=1, k=1)),):
        live.set(**values)
        want = {k: str(v) for k, v in live.values.items()}
        assert live.view == static.view(want)


def test_controls_and_presets_drive_the_view():
    ex = os_.output_size_explorer()
    assert ex.view["size"][0] == 28
    ex.set(padding=2)
    assert ex.view["size"][0] == 32 and ex.view["at"]["padding"] == "2"
    ex.set(n=227, f=11, stride=4, padding=0)
    assert ex.view["size"][0] == 55 and ex.last_update_s is not None
    with pytest.raises(ValueError, match="the explorer offers"):
        os_.output_size_explorer(n=1000)


def test_static_states_cover_every_setting():
    ex = os_.static_output_size()
    parts = ex.data["parts"]
    assert len(parts["size"]["table"]) == 33 * 7 * 4 * 6 and min(parts["size"]["table"]) >= 0
    assert ex.json_bytes < 120_000
