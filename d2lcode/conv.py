"""卷积神经网络的构件：二维互相关运算 :func:`corr2d` 和残差块 :class:`Residual`。"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["Residual", "corr2d", "lenet"]


def corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """二维互相关运算：卷积核 ``K`` 在 ``X`` 上滑动，每个位置按元素相乘再求和。

    输出形状为 ``(X 的高 - K 的高 + 1, X 的宽 - K 的宽 + 1)``。

    >>> X = torch.arange(9.0).reshape(3, 3)
    >>> corr2d(X, torch.tensor([[0.0, 1.0], [2.0, 3.0]]))
    tensor([[19., 25.],
            [37., 43.]])
    """
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError(f"corr2d 需要二维的输入和卷积核，收到的形状是 {tuple(X.shape)} 和 "
                         f"{tuple(K.shape)}；多通道请用 nn.Conv2d。")
    h, w = K.shape
    if h > X.shape[0] or w > X.shape[1]:
        raise ValueError(f"卷积核 {tuple(K.shape)} 比输入 {tuple(X.shape)} 还大；"
                         "请换小的卷积核，或先对输入做填充。")
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1), dtype=X.dtype)
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y


class Residual(nn.Module):
    """残差块：两个 3×3 卷积（各接批量规范化），输出加上输入后再过 ReLU。

    ``use_1x1conv=True`` 时用 1×1 卷积变换输入，使通道数和高宽与主路径一致
    （改变通道数或 ``strides > 1`` 时需要）。

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
        self.conv1 = nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1,
                               stride=strides)
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        self.conv3 = (nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides)
                      if use_1x1conv else None)
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3 is not None:
            X = self.conv3(X)
        return F.relu(Y + X)


def lenet(activation: type[nn.Module] = nn.Sigmoid,
          pooling: type[nn.Module] = nn.AvgPool2d) -> nn.Sequential:
    """LeNet-5（28×28 单通道输入，10 类）：两个卷积块加三个全连接层。

    默认是课程的版本（sigmoid、平均汇聚）；可以换用其他激活函数和汇聚层。

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
