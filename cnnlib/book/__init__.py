"""What only the book's chapters need around their content (book plumbing).

Modules
-------
``chapter``   quick/full mode (:func:`~cnnlib.book.chapter.quick_mode`,
              :func:`~cnnlib.book.chapter.pick`), seeding, the machine
              description, and :class:`~cnnlib.book.chapter.Results`, the
              record of key results that the reproduction appendix reads
``training``  the Keras step trainer (:func:`~cnnlib.book.training.train_steps`,
              :func:`~cnnlib.book.training.batch_indices`, :class:`~cnnlib.book.training.TrainingLog`)

Why apart: the teaching library (``cnnlib`` itself: shapes, conv, pool,
layers, gradcheck) is what a reader studies and reuses; this package is how
the book runs its notebooks (two modes, a results record, step counts that
match the sources).  A chapter imports it as

    from cnnlib.book import chapter, training

Nothing is imported eagerly: ``import cnnlib.book`` costs nothing, and
``training`` needs TensorFlow only when a model is trained.
"""

__all__ = ["chapter", "training"]
