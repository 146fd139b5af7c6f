"""计时器 :class:`Timer` 与累加器 :class:`Accumulator` （训练循环里记录时间和指标）。"""

from __future__ import annotations

import time

import numpy as np

__all__ = ["Accumulator", "Timer"]


class Timer:
    """记录多次运行的时间。

    >>> timer = Timer()        # 创建时即开始计时
    >>> elapsed = timer.stop()
    >>> len(timer.times), timer.sum() >= 0, len(timer.cumsum())
    (1, True, 1)
    """

    def __init__(self):
        self.times: list[float] = []
        self.start()

    def start(self) -> None:
        """开始（或重新开始）计时。"""
        self.tik = time.perf_counter()

    def stop(self) -> float:
        """停止计时，记下并返回这一次的秒数。"""
        self.times.append(time.perf_counter() - self.tik)
        return self.times[-1]

    def avg(self) -> float:
        """平均每次的秒数。"""
        return self.sum() / len(self.times) if self.times else 0.0

    def sum(self) -> float:
        """总秒数。"""
        return float(sum(self.times))

    def cumsum(self) -> list[float]:
        """累计秒数的列表。"""
        return np.cumsum(self.times).tolist()


class Accumulator:
    """对 ``n`` 个量分别累加。

    >>> metric = Accumulator(2)
    >>> metric.add(3, 10); metric.add(1.5, 10)
    >>> metric[0], metric[1]
    (4.5, 20.0)
    """

    def __init__(self, n: int):
        self.data = [0.0] * n

    def add(self, *args) -> None:
        """把 ``args`` 逐个加到对应的量上。"""
        if len(args) != len(self.data):
            raise ValueError(f"这个累加器有 {len(self.data)} 个量，add 收到了 {len(args)} 个值。")
        self.data = [a + float(b) for a, b in zip(self.data, args, strict=True)]

    def reset(self) -> None:
        """全部清零。"""
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx: int) -> float:
        return self.data[idx]
