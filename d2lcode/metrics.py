"""计时器 :class:`Timer` 与累加器 :class:`Accumulator` （训练循环里记录时间和指标）。"""

from __future__ import annotations

import itertools
import math
import time

__all__ = ["Accumulator", "Timer"]


class Timer:
    """秒表：可以多次开始、停止，记下每一段的秒数。

    >>> timer = Timer()        # 创建时即开始计时
    >>> elapsed = timer.stop()
    >>> len(timer.times), timer.sum() >= 0, len(timer.cumsum())
    (1, True, 1)
    """

    def __init__(self):
        self.times: list[float] = []  # 每一段计时的秒数
        self.start()

    def start(self) -> None:
        """开始（或重新开始）计时。"""
        self.tik = time.perf_counter()

    def stop(self) -> float:
        """停止计时，记下并返回这一段的秒数。"""
        lap = time.perf_counter() - self.tik
        self.times.append(lap)
        return lap

    def sum(self) -> float:
        """总秒数。"""
        return math.fsum(self.times)

    def avg(self) -> float:
        """平均每段的秒数（还没有计时时为 0）。"""
        return self.sum() / len(self.times) if self.times else 0.0

    def cumsum(self) -> list[float]:
        """到每一段为止的累计秒数。"""
        return list(itertools.accumulate(self.times))


class Accumulator:
    """同时累加 ``n`` 个量，例如一轮训练中的“损失之和、正确数、样本数”。

    ``add`` 每次给出 ``n`` 个值，分别加到对应的量上；``metric[i]`` 读出第 ``i`` 个量的和。

    >>> metric = Accumulator(2)
    >>> metric.add(3, 10); metric.add(1.5, 10)
    >>> metric[0], metric[1]
    (4.5, 20.0)
    """

    def __init__(self, n: int):
        if n < 1:
            raise ValueError(f"累加器至少要有 1 个量，收到的是 {n}。")
        self.data = [0.0 for _ in range(n)]  # 各个量的当前和

    def add(self, *args) -> None:
        """把 ``args`` 逐个加到对应的量上（张量会先转成 Python 数）。"""
        if len(args) != len(self.data):
            raise ValueError(f"这个累加器有 {len(self.data)} 个量，add 收到了 {len(args)} 个值。")
        for i, value in enumerate(args):
            self.data[i] += float(value)

    def reset(self) -> None:
        """全部清零，量的个数不变。"""
        self.data[:] = [0.0 for _ in self.data]

    def __getitem__(self, idx: int) -> float:
        return self.data[idx]
