"""卷积神经网络的构件：二维互相关运算 :func:`corr2d`、残差块 :class:`Residual` 和 :func:`lenet`。"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["Residual", "corr2d", "lenet"]


def corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """二维互相关运算：``Y[i, j] = Σ_a Σ_b K[a, b] · X[i + a, j + b]``。

    双重求和按卷积核的下标 ``(a, b)`` 展开：每一项是 ``X`` 中与输出同样大小、
    向右下方错开 ``(a, b)`` 的一块，乘以标量 ``K[a, b]``。循环只有 ``k_h × k_w`` 次，
    与输入大小无关。输出形状为 ``(X 的高 - K 的高 + 1, X 的宽 - K 的宽 + 1)``。

    >>> X = torch.arange(12.0).reshape(3, 4)      # 每向右一格加 1，每向下一格加 4
    >>> corr2d(X, torch.tensor([[1.0, 0.0], [0.0, -1.0]]))   # X[i, j] - X[i+1, j+1]
    tensor([[-5., -5., -5.],
            [-5., -5., -5.]])
    """
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError(f"corr2d 需要二维的输入和卷积核，收到的形状是 {tuple(X.shape)} 和 "
                         f"{tuple(K.shape)}；多通道请用 nn.Conv2d。")
    out_h, out_w = X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1
    if out_h < 1 or out_w < 1:
        raise ValueError(f"卷积核 {tuple(K.shape)} 比输入 {tuple(X.shape)} 还大；"
                         "请换小的卷积核，或先对输入做填充。")
    terms = (K[a, b] * X[a:a + out_h, b:b + out_w]
             for a in range(K.shape[0]) for b in range(K.shape[1]))
    return sum(terms, torch.zeros((out_h, out_w), dtype=torch.result_type(X, K)))


def _conv_bn(c_in: int, c_out: int, stride: int) -> list[nn.Module]:
    """3×3 卷积（填充 1）加批量规范化。"""
    return [nn.Conv2d(c_in, c_out, kernel_size=3, stride=stride, padding=1),
            nn.BatchNorm2d(c_out)]


class Residual(nn.Module):
    """残差块：输出 ``ReLU(branch(X) + shortcut(X))``。

    ``branch`` 是“3×3 卷积、批量规范化、ReLU、3×3 卷积、批量规范化”；
    ``shortcut`` 默认原样传递输入。``use_1x1conv=True`` 时它是一个 1×1 卷积，
    把输入变换成与 ``branch`` 的输出同样的通道数和高宽
    （改变通道数或 ``strides > 1`` 时必须这样做）。

    >>> blk = Residual(3, 6, use_1x1conv=True, strides=2)
    >>> blk(torch.rand(4, 3, 6, 6)).shape
    torch.Size([4, 6, 3, 3])
    """

    def __init__(self, input_channels: int, num_channels: int, use_1x1conv: bool = False,
                 strides: int = 1):
        super().__init__()
        if not use_1x1conv and (input_channels != num_channels or strides != 1):
            raise ValueError(f"输入 {input_channels} 通道、输出 {num_channels} 通道、步幅 "
                             f"{strides}：形状变了，残差连接无法相加，请设 use_1x1conv=True。")
        self.branch = nn.Sequential(*_conv_bn(input_channels, num_channels, strides), nn.ReLU(),
                                    *_conv_bn(num_channels, num_channels, 1))
        self.shortcut = (nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides)
                         if use_1x1conv else nn.Identity())

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.branch(X) + self.shortcut(X))


def lenet(activation: type[nn.Module] = nn.Sigmoid,
          pooling: type[nn.Module] = nn.AvgPool2d) -> nn.Sequential:
    """LeNet-5（28×28 单通道输入，10 类）：两个卷积块加三个全连接层。

    默认是经典的设置（sigmoid、平均汇聚）；可以换用其他激活函数和汇聚层。

    >>> net = lenet()
    >>> net(torch.zeros(2, 1, 28, 28)).shape, sum(p.numel() for p in net.parameters())
    (torch.Size([2, 10]), 61706)
    >>> isinstance(lenet(nn.ReLU, nn.MaxPool2d)[1], nn.ReLU)
    True
    """
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), activation(),
        pooling(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), activation(),
        pooling(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), activation(),
        nn.Linear(120, 84), activation(),
        nn.Linear(84, 10))
