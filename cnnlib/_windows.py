"""Window building shared by ``conv`` and ``pool`` (private).

Convolution and pooling both slide a window over a padded NHWC batch.  This
module holds the pieces they share: planning the padding and the output size
(through :mod:`cnnlib.shapes`, so that one formula serves the whole library),
padding with a chosen value, the read-only view of every window
(:func:`numpy.lib.stride_tricks.sliding_window_view`, which checks its bounds,
instead of a hand-strided ``as_strided`` that would read past the array on a
wrong stride), and the index of the input cells one window position saw.

Vocabulary (as in the package docstring): ``k_hw`` is a window's (height,
width), a filter's ``(KH, KW)`` or a pooling ``size``; ``stride`` and
``out_hw`` are (height, width) pairs; ``pads`` is ``((top, bottom), (left,
right))``.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .shapes import conv_output_size, same_padding

Pads = tuple  # ((top, bottom), (left, right))


def plan(in_hw, k_hw, stride, pad, what):
    """Zeros to add and output size along height and width.

    ``pad`` is ``'valid'``, ``'same'`` or a pair of ints (one per axis), as
    returned by :func:`cnnlib._validate.padding_spec`; ``what`` ('filter' or
    'window') names the window in the error message.

    >>> plan((5, 5), (2, 2), (2, 2), "same", "window")
    (((0, 1), (0, 1)), (3, 3))
    """
    pads, out = [], []
    for i, (axis, n, f, s) in enumerate(zip(("height", "width"), in_hw, k_hw, stride)):
        p = pad if isinstance(pad, str) else pad[i]
        try:
            out.append(conv_output_size(n, f, s, p))
        except ValueError as err:
            raise ValueError(f"along the {axis} ({what} {f}, input {n}): {err}") from None
        pads.append(same_padding(n, f, s) if p == "same" else (0, 0) if p == "valid" else (p, p))
    return tuple(pads), tuple(out)


def output_hw(in_hw, k_hw, stride, pads):
    """Output (height, width) of a window sliding over an input padded by ``pads``.

    The padding is already explicit here (``pads`` from :func:`plan`), so the
    output size is :func:`cnnlib.shapes.conv_output_size` of the padded input
    with no further padding.

    >>> output_hw((5, 5), (2, 2), (2, 2), ((0, 1), (0, 1)))
    (3, 3)
    """
    return tuple(
        conv_output_size(n + before + after, f, s, "valid")
        for n, f, s, (before, after) in zip(in_hw, k_hw, stride, pads)
    )


def pad_with(x, pads, value=0.0):
    """``x`` padded with ``value``; ``x`` itself (no copy) when nothing is added."""
    if pads == ((0, 0), (0, 0)):
        return x
    (top, bottom), (left, right) = pads
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=value)


def windows(x_pad, k_hw, stride, out_hw):
    """Read-only view of every window: shape (N, Ho, Wo, KH, KW, C).

    No data is copied: the view re-uses ``x_pad``'s memory with extra strides.

    >>> v = windows(np.arange(16.0).reshape(1, 4, 4, 1), (2, 2), (2, 2), (2, 2))
    >>> v.shape, v[0, 1, 0, :, :, 0].tolist()
    ((1, 2, 2, 2, 2, 1), [[8.0, 9.0], [12.0, 13.0]])
    """
    v = sliding_window_view(x_pad, k_hw, axis=(1, 2))          # (N, H', W', C, KH, KW)
    v = v[:, : (out_hw[0] - 1) * stride[0] + 1: stride[0], : (out_hw[1] - 1) * stride[1] + 1: stride[1]]
    return v.transpose(0, 1, 2, 4, 5, 3)


def tap(p, q, stride, out_hw):
    """Index of the input cells that window position (p, q) saw, over all windows."""
    h_end = stride[0] * (out_hw[0] - 1) + 1
    w_end = stride[1] * (out_hw[1] - 1) + 1
    return (slice(None), slice(p, p + h_end, stride[0]), slice(q, q + w_end, stride[1]), slice(None))


def crop(dx_pad, pads, hw):
    """Remove the padding from a gradient: the inverse of :func:`pad_with`."""
    (top, _), (left, _) = pads
    return dx_pad[:, top:top + hw[0], left:left + hw[1], :]
