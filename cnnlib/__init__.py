"""cnnlib: the small, tested library behind the book's chapters.

Layout
------
Every array follows TensorFlow's layout, so a numpy result can be compared
with ``tf.nn.conv2d`` without a single transpose:

* inputs ``x`` have shape ``(N, H, W, C_in)`` (NHWC: batch, height, width,
  channels), which is also what ``matplotlib.pyplot.imshow`` wants per image;
* filters ``w`` have shape ``(KH, KW, C_in, C_out)`` (HWIO);
* biases ``b`` have shape ``(C_out,)``.

The CS231n assignments use NCHW inputs and ``(C_out, C_in, KH, KW)`` filters
instead; translating between the two is a ``transpose``, nothing more.

Every layer is a pair ``*_forward(inputs, *, hyper-parameters) -> (out, cache)``
and ``*_backward(dout, cache) -> gradients``.  The cache is a small
``NamedTuple`` (``ConvCache``, ``PoolCache``, ``DenseCache``, ``ReluCache``,
``TanhCache``, ``SigmoidCache``); the naive (loop) and vectorised forward
passes of a layer return the same cache type, so one backward function serves
both, and max and average pooling share ``PoolCache``.  A backward pass given
another cache raises a ``TypeError`` that names the forward pass to call.

Vocabulary
----------
One name per idea, everywhere in the library (and in the chapters):

==================  ==========================================================
``x``               the input of a layer, shape (N, H, W, C_in) or (N, D)
``w``, ``b``        weights and biases: filters (KH, KW, C_in, C_out), or a
                    dense layer's (D, M) and (M,)
``out``             what a forward pass returns, shape (N, Ho, Wo, C_out)
``dout``            the upstream gradient dL/d(out), same shape as ``out``;
                    ``dx``, ``dw``, ``db`` are the gradients returned
``cache``           what a forward pass keeps for its backward pass
``stride``          step between two windows: an int or (sh, sw)
``padding``         an int, (ph, pw), ``'valid'`` or ``'same'`` (TensorFlow's)
``size``            a pooling window: an int or (KH, KW) (TensorFlow's
                    ``ksize``, Keras's ``pool_size``)
``n``, ``f``        one axis of the size formulas of :mod:`cnnlib.shapes`:
                    input size and filter (or window) size, as chapter 1's
                    N, F, S, P (in :mod:`cnnlib.gradcheck` ``f`` is the
                    function whose gradient is taken, as in cs231n)
``KH``, ``KW``      a filter's or window's height and width in array shapes
                    (``kh``, ``kw`` in code)
``C_in``, ``C_out`` channels in and out (``c_in``, ``c_out`` in code);
                    ``C_out`` is also the number of filters
``k``               an *index* over filters or classes, never a count
``N``, ``D``, ``M`` batch size, inputs and outputs of a dense layer
``K``               number of classes (``num_classes`` in code)
``Ho``, ``Wo``      output height and width
``pads``            the zeros actually added, ((top, bottom), (left, right))
==================  ==========================================================

Modules
-------
The teaching library (numpy only):

``shapes``     output sizes, padding, parameter counts, layer summaries
``conv``       zero padding, convolution forward and backward
``pool``       max and average pooling forward and backward
``layers``     dense layer, activations and losses
``gradcheck``  numerical gradients and relative errors
``_windows``, ``_validate``  private: window views and input checks shared by
               the layers

Around it, each in one package or module, imported explicitly
(``from cnnlib import data, plotting``):

``data``       datasets, verified downloads, preprocessing (needs pooch)
``models``     the Keras networks the chapters share (needs TensorFlow)
``plotting``   every figure: grids, filters, diagrams, the live dashboard
               (needs matplotlib)
``explorers``, ``widgets``  the interactive explorers (need ipywidgets)
``book``       what only the chapters need: ``book.chapter`` (quick mode,
               results record) and ``book.training`` (the step trainer)
"""

from __future__ import annotations

__version__ = "0.1.0"

from .conv import (
    ConvCache,
    conv2d_backward,
    conv2d_backward_naive,
    conv2d_forward,
    conv2d_forward_naive,
    conv_single_step,
    zero_pad,
)
from .gradcheck import numerical_gradient, relative_error
from .layers import (
    DenseCache,
    ReluCache,
    SigmoidCache,
    TanhCache,
    binary_cross_entropy,
    dense_backward,
    dense_forward,
    relu_backward,
    relu_forward,
    sigmoid,
    sigmoid_backward,
    sigmoid_forward,
    softmax,
    softmax_cross_entropy,
    tanh_backward,
    tanh_forward,
)
from .pool import (
    PoolCache,
    avg_pool2d_backward,
    avg_pool2d_forward,
    distribute_value,
    max_mask,
    max_pool2d_backward,
    max_pool2d_forward,
)
from .shapes import (
    Conv,
    Dense,
    Flatten,
    LayerSummary,
    Pool,
    conv_output_size,
    conv_params,
    layer_summary,
    pool_output_size,
    same_padding,
)

__all__ = [
    "__version__",
    # shapes
    "conv_output_size",
    "pool_output_size",
    "same_padding",
    "conv_params",
    "layer_summary",
    "LayerSummary",
    "Conv",
    "Pool",
    "Dense",
    "Flatten",
    # conv
    "zero_pad",
    "conv_single_step",
    "conv2d_forward_naive",
    "conv2d_forward",
    "conv2d_backward",
    "conv2d_backward_naive",
    "ConvCache",
    # pool
    "max_pool2d_forward",
    "max_pool2d_backward",
    "avg_pool2d_forward",
    "avg_pool2d_backward",
    "max_mask",
    "distribute_value",
    "PoolCache",
    # layers
    "dense_forward",
    "dense_backward",
    "DenseCache",
    "ReluCache",
    "TanhCache",
    "SigmoidCache",
    "relu_forward",
    "relu_backward",
    "tanh_forward",
    "tanh_backward",
    "sigmoid",
    "sigmoid_forward",
    "sigmoid_backward",
    "softmax",
    "softmax_cross_entropy",
    "binary_cross_entropy",
    # gradcheck
    "numerical_gradient",
    "relative_error",
]
