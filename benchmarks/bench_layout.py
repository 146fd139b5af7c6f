"""比较 ``train_ch6`` 在 CPU 上的两项提速：channels_last 布局与 foreach 的 SGD。

对几个第 6、7 章风格的网络（28×28 输入），交替测量训练一个小批量所用的 **CPU 时间**
（``time.process_time``，1 个线程；机器上有别的进程时也比墙钟时间稳定），报告中位数与比值：

* 原来的做法：NCHW（连续）布局，SGD 逐个参数更新；
* ``train_ch6`` 现在的做法：卷积权重换成 channels_last（NHWC），SGD 用 ``foreach=True``。

    python benchmarks/bench_layout.py [--steps 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from torch import nn

import d2lcode as d2l


def resnet_small() -> nn.Sequential:
    """一个 8 通道起步的小 ResNet（三段残差块）。"""
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                         d2l.Residual(8, 8), d2l.Residual(8, 16, use_1x1conv=True, strides=2),
                         d2l.Residual(16, 32, use_1x1conv=True, strides=2),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10))


def vgg_small() -> nn.Sequential:
    """VGG-11 的结构，通道数是原来的 1/8。"""
    layers, c_in = [], 1
    for convs, c_out in [(1, 8), (1, 16), (2, 32), (2, 64), (2, 64)]:
        for _ in range(convs):
            layers += [nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU()]
            c_in = c_out
        layers.append(nn.MaxPool2d(2, ceil_mode=True))
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 10))


NETS = {"LeNet（ReLU）": lambda: d2l.lenet(nn.ReLU, nn.MaxPool2d),
        "小 ResNet": resnet_small, "小 VGG-11": vgg_small}


def step_seconds(make, fast: bool, steps: int, batch_size: int = 64) -> float:
    """训练 ``steps`` 个小批量，返回每步 CPU 时间的中位数（秒）。"""
    torch.manual_seed(0)
    net = make()
    if fast:
        net.to(memory_format=torch.channels_last)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, foreach=fast)
    loss = nn.CrossEntropyLoss()
    X, y = torch.randn(batch_size, 1, 28, 28), torch.randint(0, 10, (batch_size,))
    times = []
    for _ in range(steps + 3):  # 前 3 步是预热，不计
        start = time.process_time()
        optimizer.zero_grad()
        loss(net(X), y).backward()
        optimizer.step()
        times.append(time.process_time() - start)
    return statistics.median(times[3:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"{'网络':<12}{'原来（毫秒/步）':>16}{'现在（毫秒/步）':>16}{'现在/原来':>10}")
    for name, make in NETS.items():
        ratios, old, new = [], [], []
        for _ in range(args.rounds):  # 交替测量，机器负载的变化对两者影响相同
            old.append(step_seconds(make, False, args.steps))
            new.append(step_seconds(make, True, args.steps))
            ratios.append(new[-1] / old[-1])
        old_ms, new_ms = statistics.median(old) * 1e3, statistics.median(new) * 1e3
        print(f"{name:<12}{old_ms:>16.1f}{new_ms:>16.1f}{statistics.median(ratios):>10.2f}")


if __name__ == "__main__":
    main()
