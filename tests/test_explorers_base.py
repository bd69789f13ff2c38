"""cnnlib.explorers.base: packed arrays, error codes, the static embedding, the live widget."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest

pytest.importorskip("anywidget")

from cnnlib import conv_output_size  # noqa: E402
from cnnlib.explorers import base, static_output_size, static_pooling  # noqa: E402
from cnnlib.explorers.base import Part, StaticExplorer, embedded_states, pack, pack_exact, page, size_error  # noqa: E402


def test_pack_keeps_the_bytes_little_endian():
    a = np.array([[1.5, -2.0]])
    p = pack(a, "f8")
    assert p["dtype"] == "f8" and p["shape"] == [1, 2]
    np.testing.assert_array_equal(np.frombuffer(base64.b64decode(p["b64"]), "<f8").reshape(1, 2), a)


@pytest.mark.parametrize("values, dtype", [([0, 1, -3], "i1"), ([1000, -1020], "i2"), ([70000], "i4"),
                                           ([0.0625, 12.5], "f4"), ([99.3, 4080.1234], "f8")])
def test_pack_exact_picks_the_smallest_type_that_keeps_4_decimals(values, dtype):
    p = pack_exact(np.array(values, dtype=float))
    assert p["dtype"] == dtype
    back = np.frombuffer(base64.b64decode(p["b64"]), "<" + dtype)
    np.testing.assert_allclose(np.round(back.astype(float), 4), np.round(values, 4))


@pytest.mark.parametrize("n, f, s, p", [(26, 5, 2, 0), (3, 7, 1, "valid"), (3, 7, 1, 1), (13, 3, 3, 3),
                                        (28, 3, 2, "same"), (32, 5, 1, 0)])
def test_size_error_codes_the_refusal_of_conv_output_size(n, f, s, p):
    e = size_error(n, f, s, p)
    try:
        conv_output_size(n, f, s, p)
        assert e is None
    except ValueError as err:
        code = {"the filter (f=%d) is larger than the input" % f: "valid_larger",
                "the filter (f=%d) is larger than the padded" % f: "padded_larger"}
        expected = next((v for k, v in code.items() if str(err).startswith(k)), "tile")
        assert e == {"code": expected, "n": n, "f": f, "stride": s, "p": 0 if isinstance(p, str) else p}


def test_part_stores_equal_states_once_in_the_order_of_the_options():
    spec = {"controls": [{"name": "a", "options": [["1", "one"], ["2", "two"]]},
                         {"name": "b", "options": [["x", "x"], ["y", "y"], ["z", "z"]]}]}
    part = Part("a", "b")
    for a in (1, 2):
        for b in "xyz":
            part.add((a, b), {"v": a * 10} if b != "z" else [b])
    d = part.data(spec)
    assert d["pool"] == [{"v": 10}, ["z"], {"v": 20}]
    assert d["table"] == [0, 0, 1, 2, 2, 1]


def test_static_explorer_round_trips_and_looks_views_up():
    ex = static_pooling()
    [(kind, data)] = embedded_states(ex.html)
    assert kind == "pooling" and data == ex.data
    v = ex.view({"grid": "ties", "mode": "max", "size": 2, "stride": 2, "padding": "valid"})
    assert v["grid"]["v"][:4] == [1, 5, 5, 2] and v["result"]["out"] == [5, 5, 4, 7]
    assert ex.binary_bytes == 0 and ex.payload_bytes < ex.json_bytes


def test_arrays_travel_as_bytes_after_the_json():
    arr = np.arange(6, dtype=np.uint8).reshape(2, 3)
    spec = {"title": "t", "controls": [{"name": "k", "options": [["a", "a"]]}]}
    part = Part("k")
    part.add(("a",), {"px": pack(arr, "u1")})
    ex = StaticExplorer("demo", spec, {"k": "a"}, {"p": part})
    assert ex.binary_bytes == 6 and "AAECAwQF" not in ex._json.replace(ex.data["parts"]["p"]["pool"][0]["px"]["b64"], "")
    [(_, data)] = embedded_states(ex.html)
    assert data["parts"]["p"]["pool"][0]["px"] == pack(arr, "u1")


def test_page_is_self_contained_and_ids_are_unique():
    a, b, c = static_output_size(), static_pooling(), static_pooling()
    assert b.id != c.id
    doc = page(a, b, c)
    ids = re.findall(r'id="([^"]+)"', doc)
    assert len(ids) == len(set(ids)) == 3
    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', doc)          # nothing from the network
    assert "<style" in doc and doc.count("mount.js") == 1                       # the code once per page
    assert "/work" not in doc and "/tmp" not in doc
    assert [k for k, _ in embedded_states(doc)] == ["output_size", "pooling", "pooling"]
    for name in ("core.js", "output_size.js", "filter.js", "pooling.js", "activations.js", "mount.js"):
        assert "fetch(" not in base.asset(name) and "http" not in base.asset(name)
    assert "kB of states" in repr(a)


def test_no_explorer_output_carries_code_or_css():
    html = static_output_size().html
    assert "<script>" not in html and "<style" not in html and "cnnx-nojs" in html


def test_the_live_module_is_core_plus_the_renderer():
    js = base.bundle("pooling")
    assert js.startswith(base.asset("core.js")) and 'from "./core.js"' not in js
    assert js.count("export default") == 1


def test_a_saved_explorer_reads_back_the_same_states(tmp_path):
    static = static_pooling()
    path = static.save(tmp_path / "results" / "pooling.html")
    back = base.saved_explorer(path)
    assert back.kind == "pooling" and back.data == static.data and back._repr_html_() == static.html


def test_a_missing_saved_explorer_says_where_to_get_it(tmp_path):
    shown = base.saved_explorer(tmp_path / "nothing.html", hint="Run chapter 4.")
    assert "nothing.html is not here. Run chapter 4." in shown._repr_html_()


def test_a_file_without_exactly_one_explorer_is_refused(tmp_path):
    two = tmp_path / "two.html"
    two.write_text(static_pooling().html + static_pooling().html, encoding="utf-8")
    with pytest.raises(ValueError, match="exactly one explorer.*holds 2"):
        base.saved_explorer(two)
