#!/usr/bin/env python
"""List the numbers a reader reads that no cell hands to the text.

The book's rule (CONTRIBUTING.md, "Numbers in the text"): a number a cell
computes reaches the prose through myst-nb ``glue``; typed numbers are only
the source's own figures, quoted as such, and definitions.  This checker reads
every Markdown cell and figure caption of the chapters and sorts each
digit-bearing number it finds:

* skipped, because it is not typed prose: glued (``{glue:text}`...```),
  inside a formula (``$...$``), inside code (`` `...` `` or a code block), in a
  link target, a label or a directive option;
* **quoted**: the sentence names the source ("the source reports 99.2 %");
* **explained**: a rule below says why it may be typed (a year in a citation,
  a size written as ``A × B``, a step of a worked example), and the report
  prints that reason;
* **unexplained**: everything else.  Each one must be glued, quoted, or
  reworded.

``python scripts/check_numbers.py [notebook ...]`` prints the unexplained
numbers (``--all`` prints every finding with its reason) and exits 1 if there
are any.  The chapters listed in ``AUDITED`` are held to zero by
``tests/test_check_numbers.py``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Chapters whose audit is complete: the test suite holds them to zero unexplained numbers.
AUDITED: tuple[str, ...] = ("ch01", "ch02", "ch03", "ch04", "ch05")

_NOT_PROSE = re.compile(
    r"\$\$.*?\$\$"                 # display maths
    r"|\$[^$\n]+\$"                # inline maths
    r"|```.*?```"                  # fenced code (and directive fences: their bodies are re-read below)
    r"|`[^`\n]*`"                  # inline code, and the body of a role such as {glue:text}`key`
    r"|\]\([^)]*\)"                # link targets
    r"|<[^>\n]+>"                  # HTML tags
    r"|https?://\S+",
    re.S)
_FENCE = re.compile(r"^([`:]{3,})\{(\w[\w:-]*)\}[^\n]*\n(.*?)^\1\s*$", re.S | re.M)
_OPTION = re.compile(r"^:[\w-]+:.*$", re.M)
_NUMBER = re.compile(r"(?<![\w.,])[-−]?\d[\d,]*(?:\.\d+)?(?:\s?(?:%|°|×|x(?=\d)))?")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z*(\[])|\n\s*\n|\n(?=\s*(?:[*|#-]|\d+\.)\s)")
_QUOTE = re.compile(r"\bsources?\b|\bsource's\b", re.I)

# (reason, test on (number, sentence, position)) in the order they are tried.
EXPLAINED = [
    ("a year in a citation", lambda n, s, i: re.fullmatch(r"(19|20)\d\d", n.rstrip(",")) is not None),
    ("a size or shape written as A × B (a definition)",
     lambda n, s, i: bool(re.search(r"[×x]\s*$", s[:i]) or re.match(r"\s*[×x]\s*\d", s[i + len(n):])
                          or n.endswith(("×", "x")))),
    ("a heading's or list's ordinal", lambda n, s, i: bool(re.match(r"\s*(?:#+\s*)?$", s[:i]))
     and re.match(r"\.\s", s[i + len(n):]) is not None),
    ("an arXiv or DOI number", lambda n, s, i: bool(re.search(r"(arXiv|doi)[:\s]*$", s[:i], re.I))),
    ("part of a name (TensorFlow 2, LeNet-5, CIFAR-10, Problem 1)",
     lambda n, s, i: bool(re.search(r"(?:\b[A-Z][A-Za-z]*[- ]|\b(?:Problem|Assignment|Exercise|Model|model|"
                                    r"problem|version|Python|TensorFlow|Keras|Chapter|chapter|Figure|Table)\s)$",
                                    s[:i]))),
    ("another paper's published figure, cited by its arXiv or DOI number in the same sentence",
     lambda n, s, i: bool(re.search(r"\barXiv:\s*\d|\bdoi:\s*\d", s, re.I))),
    ("a setting the text chooses (stride, padding, filter size)",
     lambda n, s, i: bool(re.search(r"\b(?:stride|padding|pad|dilation)[- ]$", s[:i], re.I))),
]


@dataclass(frozen=True)
class Finding:
    notebook: str
    cell: int
    number: str
    sentence: str
    kind: str          # "quoted", "explained" or "unexplained"
    reason: str = ""

    def __str__(self):
        where = f"{self.notebook} cell {self.cell}"
        why = f" [{self.reason}]" if self.reason else ""
        return f"{where}: {self.number!r} in \u201c{self.sentence}\u201d{why}"


def prose(text: str) -> str:
    """``text`` with everything that is not typed prose blanked out.  The
    bodies of MyST directives (admonitions, errata, exercises) are prose and
    are kept; their option lines are not."""
    def keep_body(m):
        return "\n" + _OPTION.sub(" ", m.group(3)) if m.group(2) not in {"code-cell", "code"} else "\n"

    previous = None
    while previous != text:                      # nested fences, innermost first
        previous, text = text, _FENCE.sub(keep_body, text)
    return _NOT_PROSE.sub(" ", text)


def _texts(cell) -> list[str]:
    out = []
    if cell["cell_type"] == "markdown":
        out.append("".join(cell["source"]))
    caption = cell.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("caption")
    if caption:
        out.append(caption)
    return out


def classify(number: str, sentence: str, position: int) -> tuple[str, str]:
    if _QUOTE.search(sentence):
        return "quoted", "the sentence names the source"
    for reason, test in EXPLAINED:
        if test(number, sentence, position):
            return "explained", reason
    return "unexplained", ""


def check(path: Path) -> list[Finding]:
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    found = []
    for index, cell in enumerate(nb["cells"]):
        for text in _texts(cell):
            for sentence in _SENTENCE.split(prose(text)):
                for m in _NUMBER.finditer(sentence):
                    kind, reason = classify(m.group(), sentence, m.start())
                    short = " ".join(sentence.split())
                    found.append(Finding(Path(path).name, index, m.group().strip(), short[:160], kind, reason))
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--all", action="store_true", help="print every finding with its reason")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("ch*.ipynb"))
    bad = 0
    for path in paths:
        findings = check(path)
        counts = {k: sum(f.kind == k for f in findings) for k in ("quoted", "explained", "unexplained")}
        print(f"{path.name}: {counts['unexplained']} unexplained, {counts['quoted']} quoted from the source, "
              f"{counts['explained']} explained")
        for f in findings:
            if args.all or f.kind == "unexplained":
                print("  ", f)
        bad += counts["unexplained"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
