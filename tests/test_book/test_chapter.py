"""Quick/full mode, seeding and the results record."""

import json
import sys

import numpy as np
import pytest

from cnnlib.book import chapter
from cnnlib.book.chapter import Results


@pytest.fixture
def full(monkeypatch):
    monkeypatch.delenv(chapter.QUICK_ENV, raising=False)


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setenv(chapter.QUICK_ENV, "1")


def test_modes(monkeypatch):
    for value, expected in [("1", True), ("true", True), ("YES", True), ("0", False), ("", False)]:
        monkeypatch.setenv(chapter.QUICK_ENV, value)
        assert chapter.quick_mode() is expected
        assert chapter.pick("full", "quick") == ("quick" if expected else "full")


def test_seed_everything_repeats_numpy():
    chapter.seed_everything(3)
    a = np.random.rand(3)
    chapter.seed_everything(3)
    np.testing.assert_array_equal(a, np.random.rand(3))


def test_record_statuses(full, tmp_path):
    res = Results("chX", folder=tmp_path)
    assert res.record("a", 0.991, claim="acc", source=0.99, tolerance=0.005).status == "reproduced"
    assert res.record("b", 0.95, claim="acc", source=0.99, tolerance=0.005).status == "differs"
    assert res.record("c", 3, claim="new").status == "new"
    assert res.record("d", float("nan"), claim="broken").status == "failed"
    with pytest.raises(ValueError, match=r"`tolerance` is needed to compare 'e'"):
        res.record("e", 1, claim="x", source=1)
    assert "<table>" in res._repr_html_()


def test_expect_asserts_in_full_mode(full, tmp_path):
    res = Results("chX", folder=tmp_path)
    res.expect("ok", 28, claim="size", source=28, tolerance=0)
    with pytest.raises(AssertionError, match=r"acc: 0.9 \(source: 0.99, tolerance 0.01\) -> differs"):
        res.expect("bad", 0.9, claim="acc", source=0.99, tolerance=0.01, quick_range=(0.5, 1))


def test_a_figure_on_other_data_is_never_reproduced(full, tmp_path):
    res = Results("chX", folder=tmp_path)
    # within any tolerance of the source, and still not comparable
    check = res.expect("acc", 89.4, claim="acc", source=89.4, comparable=False, quick_range=(60, 100))
    assert check.status == "not comparable" and check.tolerance is None
    with pytest.raises(ValueError, match="needs the source's value and no tolerance"):
        res.record("b", 1, claim="x", source=1, tolerance=3, comparable=False)
    with pytest.raises(ValueError, match="needs the source's value"):
        res.record("c", 1, claim="x", comparable=False)


def test_expect_uses_the_quick_range_in_quick_mode(quick, tmp_path):
    res = Results("chX", folder=tmp_path)
    res.expect("acc", 0.9, claim="acc", source=0.99, tolerance=0.01, quick_range=(0.8, 1.0))
    with pytest.raises(AssertionError, match=r"outside the quick-mode range \[0.95, 1\]"):
        res.expect("acc2", 0.9, claim="acc", source=0.99, tolerance=0.01, quick_range=(0.95, 1))


def test_save_keeps_quick_runs_apart(monkeypatch, tmp_path):
    monkeypatch.setenv(chapter.QUICK_ENV, "1")
    res = Results("ch9", folder=tmp_path)
    res.record("a", 1.5, claim="a")
    res.time("training", 12.25)
    assert res.save().name == "ch9.quick.json"
    monkeypatch.setenv(chapter.QUICK_ENV, "0")
    path = res.save()
    assert path.name == "ch9.json"
    data = json.loads(path.read_text())
    assert data["chapter"] == "ch9" and data["mode"] == "full"
    assert data["results"][0]["key"] == "a" and data["results"][0]["status"] == "new"
    assert data["timings_s"] == {"training": 12.25}
    assert {"cpu", "cores", "summary"} <= set(data["machine"])


def test_bad_chapter_name():
    with pytest.raises(ValueError, match=r"`chapter` must be a non-empty string"):
        Results("")


def test_glue_value_hands_the_book_plain_python_values(monkeypatch):
    myst_nb = pytest.importorskip("myst_nb")
    glued = []
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display: glued.append((name, value, display)))
    chapter.glue_value("n", np.int64(1100))
    chapter.glue_value("acc", np.float32(0.5))
    chapter.glue_value("where", "CPU only")
    chapter.glue_value("pct", np.float32(98.0))    # a whole float stays a float: "98.0", not "98"
    assert glued == [("n", 1100, False), ("acc", 0.5, False), ("where", "CPU only", False),
                     ("pct", 98.0, False)]
    assert [type(v) for _, v, _ in glued] == [int, float, str, float]


def test_glue_without_myst_nb_only_shows_what_it_is_asked_to(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setitem(sys.modules, "myst_nb", None)     # as in Colab: the import fails
    monkeypatch.setattr(IPython.display, "display", shown.append)
    chapter.glue("hidden", 3, display=False)
    chapter.glue("shown", 4)
    assert shown == [4]
