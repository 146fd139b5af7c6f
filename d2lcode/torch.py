"""课程风格的兼容模块：``from d2lcode import torch as d2l`` 之后，课程代码照常运行。

这里除了 ``d2lcode`` 的全部公开名字，还有 ``plt``、``nn``、``F`` 以及课程里
框架无关的别名（``d2l.reshape``、``d2l.numpy``、``d2l.float32`` 等），语义与课程相同。
这些别名只在本模块里，不进入 ``d2lcode`` 顶层。

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

import torch as _torch  # 包外的 PyTorch（Python 3 只做绝对导入，不会导入本文件自己）
from torch import nn
from torch.nn import functional as F

from d2lcode import *
from d2lcode import __version__, plt

# 课程中框架无关的别名
ones_like = _torch.ones_like
ones = _torch.ones
zeros_like = _torch.zeros_like
zeros = _torch.zeros
tensor = _torch.tensor
arange = _torch.arange
meshgrid = _torch.meshgrid
sin = _torch.sin
sinh = _torch.sinh
cos = _torch.cos
cosh = _torch.cosh
tanh = _torch.tanh
linspace = _torch.linspace
exp = _torch.exp
log = _torch.log
normal = _torch.normal
rand = _torch.rand
randn = _torch.randn
matmul = _torch.matmul
int32 = _torch.int32
int64 = _torch.int64
float32 = _torch.float32
concat = _torch.cat
stack = _torch.stack
abs = _torch.abs
eye = _torch.eye
expand_dims = _torch.unsqueeze
numpy = lambda x, *args, **kwargs: x.detach().numpy(*args, **kwargs)  # noqa: E731
size = lambda x, *args, **kwargs: x.numel(*args, **kwargs)  # noqa: E731
reshape = lambda x, *args, **kwargs: x.reshape(*args, **kwargs)  # noqa: E731
to = lambda x, *args, **kwargs: x.to(*args, **kwargs)  # noqa: E731
reduce_sum = lambda x, *args, **kwargs: x.sum(*args, **kwargs)  # noqa: E731
reduce_mean = lambda x, *args, **kwargs: x.mean(*args, **kwargs)  # noqa: E731
argmax = lambda x, *args, **kwargs: x.argmax(*args, **kwargs)  # noqa: E731
astype = lambda x, *args, **kwargs: x.type(*args, **kwargs)  # noqa: E731
transpose = lambda x, *args, **kwargs: x.t(*args, **kwargs)  # noqa: E731
