"""scripts/check_machine_outputs.py: no trained, timed or machine-specific
output is left for nbval to compare bit for bit."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from check_machine_outputs import notebook_trainers, problems_in  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PRINTED = [{"output_type": "stream", "name": "stdout", "text": "0.907\n"}]


def code(source, outputs=PRINTED, tags=()):
    return {"cell_type": "code", "execution_count": 1, "metadata": {"tags": list(tags)},
            "source": source, "outputs": list(outputs)}


def write(tmp_path, cells):
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_stored_notebooks_compare_no_machine_dependent_output(path):
    assert problems_in(path) == []


@pytest.mark.parametrize("source, named", [
    ("log = training.train_steps(net, data, steps=300)\nprint(log.evals['test'][-1])", ".train_steps()"),
    ("from cnnlib.book.training import train_steps\nlog = train_steps(net, data, steps=3)\nprint(1)", "train_steps()"),
    ("history = model.fit(x, y, epochs=1)\nprint(history.history)", ".fit()"),
    ("print(model.evaluate(x, y, verbose=0))", ".evaluate()"),
    ("model.train_on_batch(x, y)\nprint('one step')", ".train_on_batch()"),
    ("print(model.predict(x[:3]).argmax(1))", ".predict()"),
    ("t0 = time.perf_counter()\nprint(t0)", "time.perf_counter()"),
    ("print(f'{log.seconds:.0f} s')", ".seconds"),
    ("print(chapter.machine_description()['summary'])", "chapter.machine_description()"),
    ("print(os.getloadavg())", "os.getloadavg()"),
    ("%%time\nprint(model.evaluate(x, y))", ".evaluate()"),
])
def test_finds_a_machine_dependent_cell_and_names_it(tmp_path, source, named):
    found = problems_in(write(tmp_path, [code(source)]))
    assert len(found) == 1
    assert found[0].startswith("nb.ipynb cell 0: calls ")
    assert named in found[0]
    assert "nbval-ignore-output" in found[0]            # says how to fix it


def test_a_trainer_the_notebook_defines_counts_through_other_functions(tmp_path):
    cells = [
        code("def train_cnn(params, steps):\n    return params", outputs=()),          # named train...
        code("def fit_twice(params):\n    return train_cnn(train_cnn(params, 1), 1)", outputs=()),
        code("def score(net):\n    return net.evaluate(x, y)[1]", outputs=()),         # calls evaluate
        code("def helper(a):\n    return a + 1", outputs=()),
        code("p = fit_twice(p0)\nprint(p['w'].sum())"),
        code("print(score(net))"),
        code("print(helper(2))"),
    ]
    assert notebook_trainers(cells) == {"train_cnn", "fit_twice", "score"}
    found = problems_in(write(tmp_path, cells))
    assert [f.split(":")[0] for f in found] == ["nb.ipynb cell 4", "nb.ipynb cell 5"]


@pytest.mark.parametrize("cell", [
    code("log = training.train_steps(net, data, steps=3)\nprint(log.evals)", tags=["nbval-ignore-output"]),
    code("log = training.train_steps(net, data, steps=3)\nprint(log.evals)", tags=["nbval-skip"]),
    code("# NBVAL_IGNORE_OUTPUT\nprint(model.evaluate(x, y))"),
    code("log = training.train_steps(net, data, steps=3)", outputs=()),          # prints nothing
    code("def run(net):\n    return net.fit(x, y)", outputs=PRINTED),          # only defines
    code("print(net.count_params(), x.shape)"),                                  # deterministic
    code("this is not python ???\nprint(model.fit(x))"),                         # unparsable: skipped
])
def test_leaves_alone_what_nbval_does_not_compare_or_is_deterministic(tmp_path, cell):
    assert problems_in(write(tmp_path, [cell])) == []


def test_command_line_exit_status(tmp_path):
    bad = write(tmp_path, [code("print(model.evaluate(x, y))")])
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_machine_outputs.py"), str(bad)],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert "nb.ipynb cell 0" in run.stdout and "1 cell(s)" in run.stdout
    good = tmp_path / "good.ipynb"
    good.write_text(json.dumps({"cells": [code("print(1)")], "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_machine_outputs.py"), str(good)],
                         capture_output=True, text=True)
    assert run.returncode == 0 and "0 cell(s)" in run.stdout


def test_check_notebooks_reports_it_too(tmp_path):
    from check_notebooks import problems_in as all_problems

    path = write(tmp_path, [code("print(model.evaluate(x, y))")])
    assert any("nbval compares its output" in p for p in all_problems(path))
