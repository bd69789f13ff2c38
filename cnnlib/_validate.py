"""Input checks shared by the layer modules.

Each check names the argument, says what was expected and what arrived, and
raises ``TypeError`` for a wrong type and ``ValueError`` for a wrong value or
shape.  They run before any computation so that bad input never turns into a
silently wrong answer.
"""

from __future__ import annotations

import numbers
from typing import Union

import numpy as np

Padding = Union[int, str, tuple]


def _is_int(v) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_))


def float_array(name: str, a, ndim: int | None = None, layout: str = "") -> np.ndarray:
    """Return `a` as a floating-point ndarray, or raise a teaching error."""
    arr = np.asarray(a)
    if arr.dtype == object:
        raise TypeError(f"`{name}` must be a floating-point array; got an object array.")
    if not np.issubdtype(arr.dtype, np.floating):
        raise TypeError(
            f"`{name}` must be a floating-point array; got dtype {arr.dtype}. "
            f"Convert it first, e.g. `{name}.astype(np.float32)`."
        )
    if ndim is not None and arr.ndim != ndim:
        what = f" {layout}" if layout else ""
        raise ValueError(f"`{name}` must be {ndim}-D{what}; got shape {arr.shape}.")
    return arr


def positive_int(name: str, v) -> int:
    if not _is_int(v):
        raise TypeError(f"`{name}` must be an integer; got {v!r} ({type(v).__name__}).")
    if v < 1:
        raise ValueError(f"`{name}` must be a positive integer; got {v}.")
    return int(v)


def int_pair(name: str, v) -> tuple[int, int]:
    """An int, or a pair of ints, each at least 1 (strides, window sizes)."""
    if isinstance(v, (tuple, list)):
        if len(v) != 2:
            raise ValueError(f"`{name}` must be an int or a pair (height, width); got {v!r}.")
        return positive_int(f"{name}[0]", v[0]), positive_int(f"{name}[1]", v[1])
    n = positive_int(name, v)
    return n, n


def padding_spec(name: str, p) -> str | tuple[int, int]:
    """Normalise a padding argument.

    Returns ``'valid'`` or ``'same'`` for the TensorFlow algorithms, or a pair
    ``(ph, pw)`` of non-negative ints for explicit symmetric zero padding.
    """
    if isinstance(p, str):
        mode = p.lower()
        if mode not in ("valid", "same"):
            raise ValueError(f"`{name}` must be a non-negative int, 'valid' or 'same'; got {p!r}.")
        return mode
    if isinstance(p, (tuple, list)):
        if len(p) != 2:
            raise ValueError(f"`{name}` must be an int, a pair (ph, pw), 'valid' or 'same'; got {p!r}.")
        return _non_negative(f"{name}[0]", p[0]), _non_negative(f"{name}[1]", p[1])
    v = _non_negative(name, p)
    return v, v


def _non_negative(name: str, v) -> int:
    if not _is_int(v):
        raise TypeError(
            f"`{name}` must be a non-negative int, 'valid' or 'same'; got {v!r} ({type(v).__name__})."
        )
    if v < 0:
        raise ValueError(f"`{name}` must be non-negative; got {v}.")
    return int(v)


def check_shape(name: str, arr: np.ndarray, expected: tuple) -> None:
    if arr.shape != tuple(expected):
        raise ValueError(f"`{name}` must have shape {tuple(expected)}; got {arr.shape}.")
