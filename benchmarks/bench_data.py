"""读一轮 Fashion-MNIST 训练集（批量 256）：d2lcode 对比课程原来的 torchvision 读取方式。

课程原来的方式：``torchvision.datasets.FashionMNIST`` + ``transforms.ToTensor``
+ ``DataLoader(num_workers=4)``。两种方式在同一次运行里测量，各取多轮的中位数。

    python benchmarks/bench_data.py [--repeats 3] [--resize 96]
"""

from __future__ import annotations

import argparse
import warnings

import torch
from common import median_time, torchvision_root
from torch.utils import data as tud

import d2lcode as d2l


def classic_iter(root: str, batch_size: int, resize: int | None, workers: int):
    import torchvision
    from torchvision import transforms

    trans = [transforms.ToTensor()]
    if resize:
        trans.insert(0, transforms.Resize(resize))
    dataset = torchvision.datasets.FashionMNIST(root, train=True, download=False,
                                                transform=transforms.Compose(trans))
    return tud.DataLoader(dataset, batch_size, shuffle=True, num_workers=workers)


def drain(data_iter) -> None:
    for _batch in data_iter:
        continue


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--resize", type=int, default=None)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    torch.manual_seed(0)
    # 本机只有 2 核，4 个工作进程会触发 PyTorch 的提醒；这正是课程原来的设置，照样测量
    warnings.filterwarnings("ignore", message="This DataLoader will create")

    start = median_time(lambda: d2l.read_fashion_mnist.cache_clear() or
                        d2l.read_fashion_mnist(True), 1)
    ours, _ = d2l.load_data_fashion_mnist(args.batch_size, resize=args.resize)
    fast = median_time(lambda: drain(ours), args.repeats)
    classic = classic_iter(torchvision_root(), args.batch_size, args.resize, args.workers)
    slow = median_time(lambda: drain(classic), args.repeats)

    size = f"{args.resize}px" if args.resize else "28px"
    print(f"一轮训练集（批量 {args.batch_size}，{size}，{args.repeats} 轮取中位数）")
    print(f"  d2lcode（内存中按批切片）：{fast:8.3f} 秒   （首次解码 {start:.2f} 秒，只做一次）")
    print(f"  torchvision + ToTensor + DataLoader({args.workers} 个工作进程)："
          f"{slow:8.3f} 秒")
    print(f"  加速比：{slow / fast:.1f} 倍")


if __name__ == "__main__":
    main()
