"""网络的“体检表”：参数量 :func:`count_params`、计算量 :func:`count_macs` 和逐层小结
:func:`layer_summary`。

计算量按**乘加次数**（multiply-accumulate operations，MACs）计：输出的每个元素需要多少次
“乘一次再加一次”。只统计卷积层（``nn.Conv2d``）和全连接层（``nn.Linear``），它们占了卷积神经网络
计算量的绝大部分；偏置、激活函数、汇聚层和批量规范化的少量运算不计入。
一次乘加是两次浮点运算，所以浮点运算次数（FLOPs）约为乘加次数的 2 倍
（``torch.utils.flop_counter.FlopCounterMode`` 报告的就是 FLOPs）；
比较不同来源的数字时要留意这一点。
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from .train import _model_device

__all__ = ["count_macs", "count_params", "layer_summary"]


def count_params(net: nn.Module, trainable_only: bool = False) -> int:
    """网络的参数个数（所有参数张量的元素个数之和）。

    ``trainable_only=True`` 时只统计 ``requires_grad`` 的参数（例如冻结部分层之后）。

    >>> net = nn.Sequential(nn.Conv2d(1, 6, kernel_size=5), nn.Flatten(), nn.Linear(24, 10))
    >>> count_params(net)  # 6*1*5*5+6 + 24*10+10
    406
    >>> _ = net[0].requires_grad_(False)
    >>> count_params(net, trainable_only=True)
    250
    """
    return sum(p.numel() for p in net.parameters() if p.requires_grad or not trainable_only)


def _example_input(net: nn.Module, input_shape: Sequence[int]) -> torch.Tensor:
    shape = tuple(int(s) for s in input_shape)
    if len(shape) < 2:
        raise ValueError(f"input_shape 应包含批量维，例如 (1, 1, 28, 28)，收到的是 {shape}。")
    return torch.zeros(shape, device=_model_device(net))


def _run_with_hooks(net: nn.Module, X: torch.Tensor, modules, hook) -> None:
    """在评估模式、不记录梯度的情况下跑一次前向传播，结束后拆掉钩子、恢复原来的模式。"""
    handles = [m.register_forward_hook(hook) for m in modules]
    was_training = net.training
    net.eval()
    try:
        with torch.no_grad():
            net(X)
    finally:
        for h in handles:
            h.remove()
        net.train(was_training)


def count_macs(net: nn.Module, input_shape: Sequence[int]) -> int:
    """网络处理**一个样本**所需的乘加次数（只计 ``nn.Conv2d`` 和 ``nn.Linear``）。

    返回的是乘加次数（MACs），不是浮点运算次数：FLOPs ≈ 2 × MACs。

    ``input_shape`` 含批量维，如 ``(1, 1, 28, 28)``；批量大于 1 时结果除以批量大小。
    卷积层的一个输出元素需要 ``输入通道数/分组数 × 卷积核高 × 卷积核宽`` 次乘加，
    全连接层的一个输出元素需要 ``输入特征数`` 次乘加。

    >>> conv = nn.Conv2d(3, 8, kernel_size=3, padding=1)   # 输出 8×32×32，每个元素 3*3*3 次
    >>> count_macs(conv, (1, 3, 32, 32)) == 8 * 32 * 32 * 27
    True
    >>> count_macs(nn.Sequential(nn.Flatten(), nn.Linear(784, 10)), (4, 1, 28, 28))
    7840
    """
    X = _example_input(net, input_shape)
    total = [0]

    def hook(module, inputs, output):
        total[0] += output.numel() * _macs_per_output(module)

    modules = [m for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    _run_with_hooks(net, X, modules, hook)
    return total[0] // X.shape[0]


def layer_summary(net: nn.Module, input_shape: Sequence[int]):
    """逐层列出输出形状、参数量和乘加次数，返回 pandas ``DataFrame``。

    每一行是 ``net`` 的一个直接子模块（按前向传播中被调用的顺序）；
    ``net`` 没有子模块时只有它自己一行。输出形状含批量维。

    >>> net = nn.Sequential(nn.Conv2d(1, 4, kernel_size=3, padding=1), nn.ReLU(),
    ...                     nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 14 * 14, 10))
    >>> df = layer_summary(net, (1, 1, 28, 28))
    >>> df[["层", "输出形状"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['Conv2d', (1, 4, 28, 28)], ['ReLU', (1, 4, 28, 28)], ['MaxPool2d', (1, 4, 14, 14)],
     ['Flatten', (1, 784)], ['Linear', (1, 10)]]
    >>> int(df["参数量"].sum()) == count_params(net)
    True
    """
    import pandas as pd

    children = list(net.children()) or [net]
    X = _example_input(net, input_shape)
    rows, macs = [], [0]

    def leaf_hook(module, inputs, output):  # 每个卷积层 / 全连接层把乘加次数累加到计数器
        macs[0] += output.numel() * _macs_per_output(module)

    def pre_hook(module, inputs):  # 子模块开始时记下计数器的读数
        module._d2l_macs_start = macs[0]

    def hook(module, inputs, output):  # 子模块结束时，读数之差就是它的乘加次数
        out = output[0] if isinstance(output, (tuple, list)) else output
        rows.append({"层": type(module).__name__, "输出形状": tuple(out.shape),
                     "参数量": count_params(module),
                     "乘加次数": (macs[0] - module.__dict__.pop("_d2l_macs_start")) // X.shape[0]})

    pre = [m.register_forward_pre_hook(pre_hook) for m in children]
    leaves = [m for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    leaf = [m.register_forward_hook(leaf_hook) for m in leaves]
    try:
        _run_with_hooks(net, X, children, hook)
    finally:
        for h in pre + leaf:
            h.remove()
    return pd.DataFrame(rows, columns=["层", "输出形状", "参数量", "乘加次数"])


def _macs_per_output(module: nn.Module) -> int:
    """卷积层或全连接层的一个输出元素所需的乘加次数。"""
    if isinstance(module, nn.Conv2d):
        return module.in_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
    return module.in_features
