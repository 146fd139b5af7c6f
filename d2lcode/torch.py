"""课程风格的兼容模块：``from d2lcode import torch as d2l`` 之后，课程代码照常运行。

这里除了 ``d2lcode`` 的全部公开名字，还有 ``plt``、``nn``、``F`` 以及课程里
框架无关的别名（``d2l.reshape``、``d2l.numpy``、``d2l.float32`` 等），语义与课程相同。
这些别名只在本模块里，不进入 ``d2lcode`` 顶层。

别名分两类，都由下面的对照表生成：

* ``_TORCH_NAMES``：直接指向 PyTorch 的函数或数据类型（``d2l.concat`` 就是 ``torch.cat``）；
* ``_TENSOR_METHODS``：写成函数的张量方法（``d2l.reshape(x, ...)`` 等于 ``x.reshape(...)``）。

>>> from d2lcode import torch as d2l
>>> x = d2l.arange(6, dtype=d2l.float32)
>>> d2l.size(x), d2l.reshape(x, (2, 3)).shape, d2l.argmax(x).item()
(6, torch.Size([2, 3]), 5)
>>> d2l.reduce_sum(x).item(), d2l.reduce_mean(x).item(), d2l.astype(x, d2l.int32).dtype
(15.0, 2.5, torch.int32)
>>> d2l.transpose(d2l.ones((2, 3))).shape, d2l.expand_dims(x, 0).shape
(torch.Size([3, 2]), torch.Size([1, 6]))
>>> type(d2l.numpy(x)).__name__, d2l.to(x, "cpu").device.type
('ndarray', 'cpu')
>>> d2l.concat((x, x)).shape, d2l.stack((x, x)).shape, d2l.eye(2).tolist()
(torch.Size([12]), torch.Size([2, 6]), [[1.0, 0.0], [0.0, 1.0]])
>>> d2l.nn.ReLU()(d2l.tensor([-1.0, 2.0])).tolist(), d2l.F.relu(d2l.tensor([-3.0])).tolist()
([0.0, 2.0], [0.0])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch as _torch  # 包外的 PyTorch（Python 3 只做绝对导入，不会导入本文件自己）
from torch import nn
from torch.nn import functional as F

from d2lcode import *
from d2lcode import __version__, plt

if TYPE_CHECKING:
    from collections.abc import Callable

# 课程里的名字 → torch 里的名字（None 表示同名）；按用途分组
_TORCH_NAMES: dict[str, str] = {
    # 构造张量
    **dict.fromkeys(["tensor", "arange", "linspace", "eye", "meshgrid"]),
    **dict.fromkeys(["ones", "zeros", "ones_like", "zeros_like"]),
    # 随机数
    **dict.fromkeys(["normal", "rand", "randn"]),
    # 逐元素函数与矩阵乘法
    **dict.fromkeys(["exp", "log", "abs", "sin", "cos", "tanh", "sinh", "cosh", "matmul"]),
    # 堆叠、连结与加轴：concat、expand_dims 是 TensorFlow / NumPy 的叫法
    "stack": None, "concat": "cat", "expand_dims": "unsqueeze",
    # 数据类型
    **dict.fromkeys(["float32", "int32", "int64"]),
}

# 课程里的 d2l.名字(x, ...) → 张量方法 x.方法(...)
_TENSOR_METHODS: dict[str, str] = {
    "size": "numel", "reshape": "reshape", "to": "to", "astype": "type",
    "reduce_sum": "sum", "reduce_mean": "mean", "argmax": "argmax", "transpose": "t",
}


def _method_as_function(alias: str, method: str) -> Callable:
    """把张量方法 ``method`` 包成课程里的函数 ``d2l.alias(x, *args, **kwargs)``。"""

    def call(x, *args, **kwargs):
        return getattr(x, method)(*args, **kwargs)

    call.__name__ = call.__qualname__ = alias
    call.__doc__ = f"课程里的 ``d2l.{alias}(x, ...)``，即 ``x.{method}(...)``。"
    return call


def numpy(x, *args, **kwargs):
    """张量转成 NumPy 数组；先脱离计算图，带梯度的张量也能转。"""
    return x.detach().numpy(*args, **kwargs)


globals().update({alias: getattr(_torch, target or alias)
                  for alias, target in _TORCH_NAMES.items()})
globals().update({alias: _method_as_function(alias, method)
                  for alias, method in _TENSOR_METHODS.items()})
