"""Write the student edition of the chapters: no solutions, public checks kept.

    python -m classroom.student_edition [NOTEBOOK ...] [--course _build/classroom]
                                        [--assignment cnn-book] [--fresh]

Without NOTEBOOKs it takes every chapter, ``notebooks/ch*.ipynb``.  The
student edition is written to ``<course>/release/<assignment>/`` (hand out
that folder, or the zip beside it): solution code is replaced by
``raise NotImplementedError()``, solution prose by ``YOUR ANSWER HERE``, hidden
tests and all stored outputs are removed, and the public checks stay.  The
command then searches the result for any line of solution text (sources,
metadata, outputs, attachments) and refuses to finish if it finds one.

The course folder also keeps what grading needs (the instructor's checks,
hidden tests included): keep it, and never hand it out.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from . import DEFAULT_ASSIGNMENT, DEFAULT_COURSE_DIR
from .convention import ConventionError
from .course import Course, default_notebooks

__all__ = ["build", "main"]


def build(notebooks=None, course_dir=DEFAULT_COURSE_DIR, assignment=DEFAULT_ASSIGNMENT, *,
          fresh: bool = False, echo=print) -> Course:
    """Generate the student edition of ``notebooks`` (default: every chapter) in ``course_dir``."""
    notebooks = [Path(p) for p in (notebooks or default_notebooks())]
    if not notebooks:
        raise SystemExit("No chapter notebooks (notebooks/ch*.ipynb) to make a student edition of.")
    course = Course(course_dir, assignment)
    if fresh and course.root.exists():
        shutil.rmtree(course.root)
    exercises = course.build(notebooks)
    for stem, found in exercises.items():
        graded = [e for e in found if e.graded]
        hidden = [e for e in graded if e.hidden_tests]
        echo(f"[student edition] {stem}: {len(found)} exercises, {len(graded)} graded "
             f"({len(hidden)} with hidden tests)")
    return course


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m classroom.student_edition", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="Details: book/instructors.md.")
    p.add_argument("notebooks", nargs="*", type=Path, help="chapter notebooks (default: notebooks/ch*.ipynb)")
    p.add_argument("--course", type=Path, default=Path(DEFAULT_COURSE_DIR),
                   help=f"course folder to write (default {DEFAULT_COURSE_DIR})")
    p.add_argument("--assignment", default=DEFAULT_ASSIGNMENT, help=f"assignment name (default {DEFAULT_ASSIGNMENT})")
    p.add_argument("--fresh", action="store_true",
                   help="delete the course folder first, grades included (needed when the set of "
                        "notebooks changes after submissions were graded)")
    a = p.parse_args(argv)
    try:
        course = build(a.notebooks, a.course, a.assignment, fresh=a.fresh)
    except ConventionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"\nStudent edition (hand this out): {course.release_dir}/\n"
          f"                       zipped: {course.zip_path}\n"
          f"Keep the rest of {course.root}/ (solutions, hidden tests, gradebook) to yourself.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
