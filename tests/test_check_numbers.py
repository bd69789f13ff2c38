"""scripts/check_numbers.py: the numbers a reader reads that no cell hands to the text."""

from __future__ import annotations

import json
import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import check_numbers  # noqa: E402

CHAPTERS = sorted((ROOT / "notebooks").glob("ch*.ipynb"))


def notebook(tmp_path, *markdown, caption=None):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": [m]} for m in markdown]
    if caption:
        cells.append({"cell_type": "code", "metadata": {"mystnb": {"figure": {"caption": caption}}},
                      "source": [], "outputs": [], "execution_count": None})
    path = tmp_path / "ch99_test.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def kinds(path):
    return [(f.number, f.kind) for f in check_numbers.check(path)]


def test_a_typed_result_is_unexplained(tmp_path):
    path = notebook(tmp_path, "The network reaches 97.96 % on the test set.")
    assert kinds(path) == [("97.96 %", "unexplained")]
    assert check_numbers.main([str(path)]) == 1


def test_glued_maths_and_code_are_not_typed_prose(tmp_path):
    path = notebook(tmp_path, "It reaches {glue:text}`ch99_acc:.2%` with $n = 28$ and `steps=5000`.\n\n"
                              "```python\nx = 0.125\n```\n")
    assert kinds(path) == []
    assert check_numbers.main([str(path)]) == 0


def test_a_sentence_that_names_the_source_quotes_it(tmp_path):
    path = notebook(tmp_path, "The source reports 99.2 %. We get 98.1 %.")
    assert kinds(path) == [("99.2 %", "quoted"), ("98.1 %", "unexplained")]


def test_directive_bodies_are_prose_and_their_options_are_not(tmp_path):
    path = notebook(tmp_path, "```{admonition} Note\n:class: warning\n:width: 300\nIt took 78 s.\n```\n")
    assert kinds(path) == [("78", "unexplained")]


def test_captions_are_checked(tmp_path):
    path = notebook(tmp_path, caption="Training took 111.0 s.")
    assert kinds(path) == [("111.0", "unexplained")]


@pytest.mark.parametrize("text, reason", [
    ("Its output is a 28 × 28 map.", "size"),
    ("(Candanedo and Feldheim, 2016)", "year"),
    ("Keras in TensorFlow 2 runs eagerly.", "name"),
    ("A filter moved with stride 2 halves the map.", "setting"),
    ("Smith and Lee (arXiv:2008.10400) report 99.87 % with an ensemble.", "arXiv"),
])
def test_explained_numbers_carry_their_reason(tmp_path, text, reason):
    findings = check_numbers.check(notebook(tmp_path, text))
    assert findings and all(f.kind == "explained" and reason in f.reason for f in findings), findings


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.stem[:4] for p in CHAPTERS])
def test_audited_chapters_type_no_computed_number(chapter):
    if chapter.name[:4] not in check_numbers.AUDITED:
        pytest.skip(f"{chapter.name[:4]}: the numbers audit (issue 14) has not reached this chapter yet")
    unexplained = [str(f) for f in check_numbers.check(chapter) if f.kind == "unexplained"]
    assert unexplained == [], "glue these numbers, or quote them as the source's:\n" + "\n".join(unexplained)
