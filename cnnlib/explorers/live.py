"""What every live (ipywidgets) explorer does with its controls, without
importing ipywidgets: :mod:`cnnlib.widgets` and
:mod:`cnnlib.activations_explorer` both build on it."""

from __future__ import annotations

import time

__all__ = ["LiveControls"]


class LiveControls:
    """Mixin for an explorer with a ``controls`` dict of widgets and an
    ``update()`` method.

    A control's change runs ``update()`` (never re-entrantly, so an update that
    moves a control does not start another) and stores its duration in
    ``last_update_s``.  ``set(**values)`` changes several controls with one
    update; the controls named in ``SET_LAST`` are set afterwards, with an
    update of their own, because their range depends on the others (a window
    position on the output size, a map number on the layer).
    """

    SET_LAST: tuple[str, ...] = ()
    last_update_s: float | None = None
    _busy = False

    def _changed(self, change=None):
        if self._busy:
            return
        self._busy = True
        t0 = time.perf_counter()
        try:
            self.update()
        finally:
            self._busy = False
        self.last_update_s = time.perf_counter() - t0

    def set(self, **values):
        """Set several controls at once (see the class docstring)."""
        later = {k: values.pop(k) for k in self.SET_LAST if k in values}
        for batch in (values, later):
            if not batch:
                continue
            self._busy = True
            try:
                for k, v in batch.items():
                    self.controls[k].value = v
            finally:
                self._busy = False
            self._changed()
