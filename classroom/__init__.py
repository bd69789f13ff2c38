"""Instructor tooling: the student edition of the chapters, and automatic grading.

Two commands, both run from the repository root::

    python -m classroom.student_edition      # notebooks/ch*.ipynb -> a folder to hand out
    python -m classroom.grade SUBMISSIONS    # a folder of submitted notebooks -> grades.csv

They are a thin layer over `nbgrader <https://nbgrader.readthedocs.io>`_:

* :mod:`classroom.convention` reads the book's exercise convention
  (``CONTRIBUTING.md``: sphinx-exercise ``exercise`` / ``solution-start`` ...
  ``solution-end`` cells, code cells tagged ``solution`` and ``check``) and
  writes nbgrader's cell metadata; it changes no code.
* nbgrader does the work: ``generate_assignment`` removes the
  ``### BEGIN SOLUTION`` and ``### BEGIN HIDDEN TESTS`` regions and the stored
  outputs, ``autograde`` runs a submission with the instructor's checks
  restored, and its gradebook holds the scores.
* :mod:`classroom.nbgrader_ext` adds what nbgrader lacks here: a time limit per
  notebook, a size limit on the output of a cell, zero for an exercise whose
  solution cell failed, a last scrub of metadata and attachments in the student
  edition, and the per-exercise CSV export.
* :mod:`classroom.leaks` checks that no solution text reached the student
  edition (the student edition command runs it on its own output).
* :mod:`classroom.sandbox` starts each kernel in a bubblewrap sandbox (no
  network, the course folder invisible, limits set by :mod:`classroom.limits`).
* :mod:`classroom.setup_cells` finds the cells the exercises need (the
  ``grading-setup`` tag): grading runs only those and the exercises.
* :mod:`classroom.cluster` runs the notebooks on Dask workers (a LocalCluster,
  or ``--scheduler`` for a cluster); the gradebook stays with the grader.
* :mod:`classroom.autograder` keeps one nbgrader process per notebook in
  flight, grading notebook after notebook (starting nbgrader costs 2.5 s).

The instructor's guide is ``book/instructors.md``.
"""

DEFAULT_COURSE_DIR = "_build/classroom"
DEFAULT_ASSIGNMENT = "cnn-book"
