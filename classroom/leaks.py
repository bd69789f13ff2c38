"""Find solution text in a student edition.

"Solution text" is what the instructor's notebook holds that students must not
see: the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION``, the
hidden tests, and the prose between ``solution-start`` and ``solution-end``.
A line that also appears in the notebook's public text (the chapter body, the
exercise statements, the public checks) is not secret and is ignored.

:func:`find_leaks` searches every string of the student edition for those
lines: cell sources, cell and notebook metadata, stored outputs (images
decoded) and attachments (decoded), so that a solution cannot slip through in
a traceback, a widget state or a figure's caption either.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from pathlib import Path

import nbformat

from .convention import HIDDEN_MARKERS, SOLUTION_MARKERS, parse

__all__ = ["find_leaks", "secret_lines", "strings_of"]

#: Lines nbgrader writes into the student edition in place of a solution.
STUB_LINES = {"# YOUR CODE HERE", "raise NotImplementedError()", "YOUR ANSWER HERE"}
_MIN_SUBSTRING = 10  # shorter secret lines must match a whole line, not a substring


def _region(source: str, markers: tuple[str, str], inside: bool) -> list[str]:
    begin, end = markers
    out, state = [], False
    for line in source.split("\n"):
        if begin in line:
            state = True
        elif end in line:
            state = False
        elif state == inside:
            out.append(line)
    return out


def secret_lines(source_nb, name: str = "notebook") -> set[str]:
    """The stripped lines of solution text in a chapter notebook (book convention)."""
    pieces, _ = parse(source_nb, name)
    secret, public = [], []
    for role, _label, cell in pieces:
        src = cell.source
        if role == "solution":
            secret += _region(src, SOLUTION_MARKERS, True)
            public += _region(src, SOLUTION_MARKERS, False)
        elif role == "check":
            secret += _region(src, HIDDEN_MARKERS, True)
            public += _region(src, HIDDEN_MARKERS, False)
        elif role == "prose":
            secret += src.split("\n")
        else:
            public += src.split("\n")
    public_text = "\n".join(public)
    out = set()
    for line in secret:
        s = line.strip()
        if not re.search(r"[A-Za-z0-9]", s) or s in STUB_LINES or s in public_text:
            continue
        out.add(s)
    return out


def _decoded(s: str) -> str | None:
    if len(s) < 16 or not re.fullmatch(r"[A-Za-z0-9+/=\s]+", s):
        return None
    try:
        return base64.b64decode(s, validate=False).decode("latin-1")
    except (binascii.Error, ValueError):
        return None


def strings_of(obj) -> list[str]:
    """Every string in a JSON-like structure, keys included, base64 payloads also decoded."""
    out: list[str] = []

    def walk(x):
        if isinstance(x, dict):
            for k, v in x.items():
                out.append(str(k))
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, str):
            out.append(x)
            d = _decoded(x)
            if d:
                out.append(d)

    walk(obj)
    return out


def find_leaks(source_nb, student, name: str = "notebook") -> list[str]:
    """Secret lines of ``source_nb`` found anywhere in ``student`` (a notebook or a path).

    Returns messages like ``"cell 12 source: 'return np.maximum(x, 0.0)'"``; empty when clean.
    """
    secrets = secret_lines(source_nb, name)
    if isinstance(student, (str, Path)):
        raw = json.loads(Path(student).read_text())
    else:
        raw = json.loads(nbformat.writes(student))
    places = [("notebook metadata", raw.get("metadata", {}))]
    for i, cell in enumerate(raw.get("cells", [])):
        for part in ("source", "metadata", "outputs", "attachments"):
            if part in cell:
                places.append((f"cell {i} {part}", cell[part]))
    leaks = []
    for where, obj in places:
        texts = strings_of(obj)
        lines = {ln.strip() for t in texts for ln in t.split("\n")}
        blob = "\n".join(texts)
        for s in secrets:
            if s in lines or (len(s) >= _MIN_SUBSTRING and s in blob):
                leaks.append(f"{where}: {s[:80]!r}")
    return sorted(set(leaks))
