"""训练一轮 LeNet（Fashion-MNIST 训练集，批量 256，学习率 0.9，SGD）：d2lcode 对比课程原来的做法。

* d2lcode：``load_data_fashion_mnist`` （内存中按批切片）+ ``train_epoch_ch3``
  （损失和正确数在设备上累加，每轮读回一次）；
* 课程原来的做法：``torchvision.datasets.FashionMNIST`` + ``ToTensor`` +
  ``DataLoader(num_workers=4)``，每个小批量都用 ``float()`` 读回损失和精度。

两边模型、初始参数、数学完全相同，各跑一次。另在新的子进程中测量 ``import d2lcode`` 的耗时。

    python benchmarks/bench_lenet.py [--threads N] [--workers 4]

``--threads`` 省略时用 PyTorch 的默认线程数（本机的核数），这是读者直接运行课程代码时的情形。
"""

from __future__ import annotations

import argparse
import time
import warnings

import torch
from common import import_time, torchvision_root
from torch import nn
from torch.utils import data as tud

import d2lcode as d2l


def ours(net: nn.Module, batch_size: int, lr: float) -> tuple[float, int, float]:
    """d2lcode 的一轮；返回 (秒数, 样本数, 训练精度)。"""
    train_iter, _ = d2l.load_data_fashion_mnist(batch_size, seed=0)
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    start = time.perf_counter()
    _, acc = d2l.train_epoch_ch3(net, train_iter, nn.CrossEntropyLoss(), optimizer,
                                 device=d2l.cpu())
    return time.perf_counter() - start, train_iter.num_examples, acc


def classic(net: nn.Module, batch_size: int, lr: float, workers: int) -> tuple[float, int, float]:
    """课程原来的一轮（每个小批量同步读回）；返回 (秒数, 样本数, 训练精度)。"""
    import torchvision
    from torchvision import transforms

    dataset = torchvision.datasets.FashionMNIST(torchvision_root(), train=True, download=False,
                                                transform=transforms.ToTensor())
    train_iter = tud.DataLoader(dataset, batch_size, shuffle=True, num_workers=workers)
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    loss = nn.CrossEntropyLoss()
    metric = d2l.Accumulator(3)  # 损失总和、正确数、样本数
    start = time.perf_counter()
    net.train()
    for X, y in train_iter:
        optimizer.zero_grad()
        y_hat = net(X)
        l = loss(y_hat, y)
        l.backward()
        optimizer.step()
        with torch.no_grad():
            metric.add(float(l) * X.shape[0], d2l.accuracy(y_hat, y), X.shape[0])
    return time.perf_counter() - start, int(metric[2]), metric[1] / metric[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=None,
                        help="PyTorch 计算线程数（默认：PyTorch 的默认值，即本机核数）")
    parser.add_argument("--workers", type=int, default=4, help="课程做法的 DataLoader 工作进程数")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--lr", type=float, default=0.9)
    args = parser.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    # 本机只有 2 核，4 个工作进程会触发 PyTorch 的提醒；这正是课程原来的设置，照样测量
    warnings.filterwarnings("ignore", message="This DataLoader will create")

    d2l.seed(0)
    net = d2l.lenet().apply(d2l.init_xavier)  # 课程中的 LeNet：sigmoid 激活、平均汇聚
    initial = {k: v.clone() for k, v in net.state_dict().items()}
    start = time.perf_counter()
    d2l.read_fashion_mnist(True)  # 首次解码（之后留在内存里）
    decode = time.perf_counter() - start

    d2l.seed(0)
    fast, n_fast, acc_fast = ours(net, args.batch_size, args.lr)
    net.load_state_dict(initial)  # 同样的初始参数
    d2l.seed(0)
    slow, n_slow, acc_slow = classic(net, args.batch_size, args.lr, args.workers)

    print(f"LeNet 训练一轮（批量 {args.batch_size}，学习率 {args.lr}，"
          f"{threads} 个计算线程，CPU）")
    print(f"  d2lcode：{n_fast / fast:9.1f} 个样本/秒（{fast:.2f} 秒，训练精度 {acc_fast:.3f}；"
          f"首次解码 {decode:.2f} 秒另计）")
    print(f"  课程做法（torchvision + DataLoader({args.workers}) + 每批同步）："
          f"{n_slow / slow:9.1f} 个样本/秒（{slow:.2f} 秒，训练精度 {acc_slow:.3f}）")
    print(f"  加速比：{(n_fast / fast) / (n_slow / slow):.2f} 倍")
    print(f"  import d2lcode：{import_time('d2lcode'):.2f} 秒（新子进程，3 次取中位数）")


if __name__ == "__main__":
    main()
