"""Check the chapter notebooks as they are stored (run after executing one).

    python scripts/check_notebooks.py [notebooks/ch01_*.ipynb ...]

A stored notebook is what readers see on GitHub, in Colab before they run it,
and in the built book.  It must hold the outputs of a full run and nothing
that belongs to the machine it ran on: no TensorFlow log lines, no absolute
paths of this machine, no error outputs (except cells tagged
``raises-exception``), every code cell executed in order, and no output that
depends on training, a clock or the machine left for nbval to compare
(``check_machine_outputs.py``).
Exit status 1 and a list of problems when anything is wrong.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_machine_outputs  # noqa: E402

NOISE = re.compile(r"I0000 |W0000 |E0000 |cudart_stub|oneDNN custom operations|absl::InitializeLog|"
                   r"computation placer|Unable to register cu(DNN|FFT|BLAS) factory")
LOCAL_PATH = re.compile(r"(?<![\w.])/(?:tmp|work|root|home)/[\w.-]+")


def problems_in(path: Path) -> list[str]:
    nb = json.loads(path.read_text())
    found = []
    counts = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        tags = set(cell.get("metadata", {}).get("tags", []))
        where = f"{path.name} cell {i}"
        if cell.get("execution_count") is None and cell.get("source") and "skip-execution" not in tags:
            found.append(f"{where}: not executed")
        elif cell.get("execution_count") is not None:
            counts.append(cell["execution_count"])
        for out in cell.get("outputs", []):
            text = out.get("text", "")
            if isinstance(text, list):
                text = "".join(text)
            data = out.get("data", {})
            blob = text + "".join(v if isinstance(v, str) else "".join(v) for k, v in data.items()
                                  if k.startswith("text/"))
            if NOISE.search(blob):
                found.append(f"{where}: TensorFlow log lines in the output")
            m = LOCAL_PATH.search(blob)
            if m:
                found.append(f"{where}: machine-specific path {m.group(0)!r} in the output")
            if out.get("output_type") == "error" and "raises-exception" not in tags:
                found.append(f"{where}: stored error {out.get('ename')}: {out.get('evalue', '')[:80]}")
    if counts != sorted(counts) or len(set(counts)) != len(counts):
        found.append(f"{path.name}: cells were not executed top to bottom in one run")
    return found + check_machine_outputs.problems_in(path)


def main(argv: list[str]) -> int:
    return check_machine_outputs.report(argv, problems_in, "problem(s)")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
