"""计时器 :class:`Timer`、累加器 :class:`Accumulator` （训练循环里记录时间和指标）和
评价序列输出的 :func:`bleu`。"""

from __future__ import annotations

import itertools
import math
import time
from collections import Counter

__all__ = ["Accumulator", "Timer", "bleu"]


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


def _ngrams(tokens: list[str], n: int) -> Counter:
    """``tokens`` 中每个 ``n`` 元语法（连续 ``n`` 个词元）出现的次数。"""
    return Counter(tuple(tokens[i: i + n]) for i in range(len(tokens) - n + 1))


def bleu(pred_seq: str, label_seq: str, k: int) -> float:
    r"""BLEU：用 1 到 ``k`` 元语法的精度评价预测序列。

    ``pred_seq`` 和 ``label_seq`` 是以空格分隔的词元（按字符评价时写成 ``"2 0 2 4"``）：

    .. math:: \exp\Big(\min\big(0, 1 - \tfrac{L_\text{label}}{L_\text{pred}}\big)\Big)
              \prod_{n=1}^{k} p_n^{1/2^n}

    :math:`L` 是词元个数。
    :math:`p_n` 是预测中的 :math:`n` 元语法有多少出现在标签里（每个标签 :math:`n` 元语法最多匹配
    它在标签中出现的次数），除以预测中 :math:`n` 元语法的个数。长的 :math:`n` 元语法更难匹配，
    指数 :math:`1/2^n` 随 :math:`n` 变小，它们精度偏低时对乘积的拉低也较温和；
    第一个因子是长度惩罚，预测比标签短时小于 1（只看精度的话，少写几个词元反而占便宜）。
    完全正确的预测得 1；空的预测得 0；预测短于 :math:`n` 个词元时，没有 :math:`n` 元语法可比，
    这一阶不参与计算（短的预测已经受到长度惩罚）。

    >>> bleu("1 2 3 4", "1 2 3 4", k=2)
    1.0
    >>> round(bleu("1 2 3", "1 2 3 4", k=2), 4)          # 全对但短了一个：只有长度惩罚
    0.7165
    >>> round(bleu("1 2 4 3", "1 2 3 4", k=2), 4)        # 3 个二元语法只对了 1 个：(1/3) ** (1/4)
    0.7598
    >>> bleu("", "1 2 3", k=2), bleu("1 2", "1 2", k=4)  # 空预测；k 大于长度
    (0.0, 1.0)
    """
    if k < 1:
        raise ValueError(f"k 是最长的 n 元语法的长度，应为正整数，收到的是 {k}。")
    pred, label = pred_seq.split(), label_seq.split()
    if not label:
        raise ValueError("标签序列是空的，无法计算 BLEU：请检查 label_seq（词元之间用空格分隔）。")
    if not pred:
        return 0.0
    score = math.exp(min(0.0, 1 - len(label) / len(pred)))
    for n in range(1, min(k, len(pred)) + 1):
        pred_grams, label_grams = _ngrams(pred, n), _ngrams(label, n)
        matches = sum(min(count, label_grams[gram]) for gram, count in pred_grams.items())
        score *= (matches / (len(pred) - n + 1)) ** (0.5 ** n)
    return score
