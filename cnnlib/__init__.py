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
``NamedTuple``; the naive (loop) and vectorised forward passes of a layer return
the same cache type, so one backward function serves both.

Modules
-------
``shapes``    output sizes, padding, parameter counts, layer summaries
``conv``      zero padding, convolution forward and backward
``pool``      max and average pooling forward and backward
``layers``    dense layer, activations and losses
``gradcheck`` numerical gradients and relative errors
``data``      dataset loaders (needs pooch)

The heavier helpers (plotting, widgets, Keras models) import matplotlib,
ipywidgets or TensorFlow and are imported explicitly, e.g.
``from cnnlib import plotting``.
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
