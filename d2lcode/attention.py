"""注意力机制的基本组件：掩蔽 softmax、评分函数、多头注意力和位置编码。

所有函数和层都按小批量工作，形状约定与课程一致：

* 查询 ``queries``：``(批量大小, 查询数, d_q)``；
* 键 ``keys``：``(批量大小, 键值对数, d_k)``；值 ``values``：``(批量大小, 键值对数, d_v)``；
* 有效长度 ``valid_lens``：``None``、``(批量大小,)`` （每个样本一个长度）或
  ``(批量大小, 查询数)`` （每个查询一个长度，例如解码器的因果掩蔽）。

各个注意力层把最近一次前向传播的注意力权重保存在 ``attention_weights`` 属性里，方便画热图。
Transformer 的各个块见 :mod:`d2lcode.transformer`。
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = [
    "AdditiveAttention",
    "DotProductAttention",
    "MultiHeadAttention",
    "PositionalEncoding",
    "masked_softmax",
    "sequence_mask",
    "transpose_output",
    "transpose_qkv",
]


def sequence_mask(X: torch.Tensor, valid_len: torch.Tensor, value: float = 0.0) -> torch.Tensor:
    """把二维张量 ``X`` （批量大小, 步数）每行中第 ``valid_len[i]`` 个位置之后的元素换成 ``value``。

    返回新张量，不修改 ``X``。

    >>> X = torch.tensor([[1, 2, 3], [4, 5, 6]])
    >>> sequence_mask(X, torch.tensor([1, 2]))
    tensor([[1, 0, 0],
            [4, 5, 0]])
    >>> sequence_mask(X.float(), torch.tensor([0, 3]), value=-1)
    tensor([[-1., -1., -1.],
            [ 4.,  5.,  6.]])
    """
    if X.dim() < 2:
        raise ValueError(f"sequence_mask 需要至少二维的 (批量大小, 步数, ...)，收到的形状是 "
                         f"{tuple(X.shape)}。")
    valid_len = torch.as_tensor(valid_len, device=X.device)
    if valid_len.shape != (X.shape[0],):
        raise ValueError(f"valid_len 的形状应为 ({X.shape[0]},)（每个样本一个长度），收到的是 "
                         f"{tuple(valid_len.shape)}。")
    steps = torch.arange(X.shape[1], device=X.device)
    keep = steps[None, :] < valid_len[:, None]              # (批量大小, 步数)
    keep = keep.reshape(keep.shape + (1,) * (X.dim() - 2))  # 广播到其余维度
    return X.masked_fill(~keep, value)


def masked_softmax(X: torch.Tensor, valid_lens: torch.Tensor | None) -> torch.Tensor:
    """在最后一个轴上做 softmax，但每个查询只看前 ``valid_lens`` 个键，其余位置的权重为 0。

    ``X`` 的形状为 ``(批量大小, 查询数, 键数)``；``valid_lens`` 为 ``None``、
    ``(批量大小,)`` 或 ``(批量大小, 查询数)``。有效长度为 0 的行得到均匀分布（与课程一致）。

    >>> X = torch.zeros(2, 2, 4)
    >>> masked_softmax(X, torch.tensor([2, 3]))
    tensor([[[0.5000, 0.5000, 0.0000, 0.0000],
             [0.5000, 0.5000, 0.0000, 0.0000]],
    <BLANKLINE>
            [[0.3333, 0.3333, 0.3333, 0.0000],
             [0.3333, 0.3333, 0.3333, 0.0000]]])
    >>> masked_softmax(X, torch.tensor([[1, 4], [2, 1]]))[:, :, 0]
    tensor([[1.0000, 0.2500],
            [0.5000, 1.0000]])
    """
    if X.dim() != 3:
        raise ValueError(f"masked_softmax 需要三维的 (批量大小, 查询数, 键数)，收到的形状是 "
                         f"{tuple(X.shape)}。")
    if valid_lens is None:
        return torch.softmax(X, dim=-1)
    valid_lens = torch.as_tensor(valid_lens, device=X.device)
    batch, num_queries, num_keys = X.shape
    if valid_lens.shape == (batch,):
        valid_lens = valid_lens[:, None]                    # 所有查询共用一个长度
    elif valid_lens.shape != (batch, num_queries):
        raise ValueError(f"valid_lens 的形状应为 ({batch},) 或 ({batch}, {num_queries})，"
                         f"收到的是 {tuple(valid_lens.shape)}。")
    keep = torch.arange(num_keys, device=X.device) < valid_lens[..., None]
    # 被掩蔽的位置换成一个很大的负数，exp 之后就是 0
    return torch.softmax(X.masked_fill(~keep, -1e6), dim=-1)


def _check_qkv(queries: torch.Tensor, keys: torch.Tensor, values: torch.Tensor) -> None:
    """检查查询、键、值是三维的，批量大小一致，键和值一样多。"""
    for name, t in (("queries", queries), ("keys", keys), ("values", values)):
        if t.dim() != 3:
            raise ValueError(f"{name} 应是三维的 (批量大小, 个数, 特征维数)，收到的形状是 "
                             f"{tuple(t.shape)}。")
    if not queries.shape[0] == keys.shape[0] == values.shape[0]:
        raise ValueError(f"查询、键、值的批量大小应相同，收到 {queries.shape[0]}、"
                         f"{keys.shape[0]}、{values.shape[0]}。")
    if keys.shape[1] != values.shape[1]:
        raise ValueError(f"键和值应一一对应：键有 {keys.shape[1]} 个，值有 {values.shape[1]} 个。")


class AdditiveAttention(nn.Module):
    """加性注意力：评分为 :math:`\\mathbf w_v^\\top \\tanh(\\mathbf W_q \\mathbf q
    + \\mathbf W_k \\mathbf k)`。

    查询和键的长度可以不同；``num_hiddens`` 是隐藏单元数。

    >>> attention = AdditiveAttention(key_size=2, query_size=20, num_hiddens=8, dropout=0.1)
    >>> _ = attention.eval()
    >>> queries, keys = torch.normal(0, 1, (2, 1, 20)), torch.ones((2, 10, 2))
    >>> values = torch.arange(40, dtype=torch.float32).reshape(1, 10, 4).repeat(2, 1, 1)
    >>> attention(queries, keys, values, torch.tensor([2, 6])).shape
    torch.Size([2, 1, 4])
    >>> attention.attention_weights[0, 0].tolist()[:3]   # 键都相同：前 2 个位置平分权重
    [0.5, 0.5, 0.0]
    """

    def __init__(self, key_size: int, query_size: int, num_hiddens: int, dropout: float = 0.0,
                 **kwargs):
        super().__init__(**kwargs)
        self.W_k = nn.Linear(key_size, num_hiddens, bias=False)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=False)
        self.w_v = nn.Linear(num_hiddens, 1, bias=False)
        self.dropout = nn.Dropout(dropout)
        self.attention_weights: torch.Tensor | None = None

    def forward(self, queries: torch.Tensor, keys: torch.Tensor, values: torch.Tensor,
                valid_lens: torch.Tensor | None = None) -> torch.Tensor:
        _check_qkv(queries, keys, values)
        queries, keys = self.W_q(queries), self.W_k(keys)
        # 广播求和：(批量, 查询数, 1, h) + (批量, 1, 键数, h) → (批量, 查询数, 键数, h)
        features = torch.tanh(queries.unsqueeze(2) + keys.unsqueeze(1))
        scores = self.w_v(features).squeeze(-1)           # (批量, 查询数, 键数)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


class DotProductAttention(nn.Module):
    """缩放点积注意力：评分 :math:`\\mathbf q^\\top \\mathbf k / \\sqrt d`，查询和键的长度须相同。

    >>> attention = DotProductAttention(dropout=0.5).eval()
    >>> queries, keys = torch.ones(2, 3, 4), torch.ones(2, 5, 4)
    >>> values = torch.arange(10.).reshape(2, 5, 1)
    >>> attention(queries, keys, values, torch.tensor([2, 5])).squeeze(-1)
    tensor([[0.5000, 0.5000, 0.5000],
            [7.0000, 7.0000, 7.0000]])
    >>> attention.attention_weights.sum(-1)
    tensor([[1., 1., 1.],
            [1., 1., 1.]])
    """

    def __init__(self, dropout: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.dropout = nn.Dropout(dropout)
        self.attention_weights: torch.Tensor | None = None

    def forward(self, queries: torch.Tensor, keys: torch.Tensor, values: torch.Tensor,
                valid_lens: torch.Tensor | None = None) -> torch.Tensor:
        _check_qkv(queries, keys, values)
        d = queries.shape[-1]
        if keys.shape[-1] != d:
            raise ValueError(f"点积注意力要求查询和键的长度相同，收到 {d} 和 {keys.shape[-1]}；"
                             "长度不同时可以用 AdditiveAttention。")
        scores = torch.bmm(queries, keys.transpose(1, 2)) / math.sqrt(d)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


def transpose_qkv(X: torch.Tensor, num_heads: int) -> torch.Tensor:
    """把 ``(批量大小, 个数, num_hiddens)`` 拆成 ``num_heads`` 个头，头并入批量维。

    输出形状为 ``(批量大小 * num_heads, 个数, num_hiddens / num_heads)``，
    第 ``b * num_heads + h`` 个样本是第 ``b`` 个样本的第 ``h`` 个头。

    >>> X = torch.arange(24.).reshape(2, 3, 4)
    >>> transpose_qkv(X, 2).shape
    torch.Size([4, 3, 2])
    >>> transpose_qkv(X, 2)[1, 0]   # 样本 0、头 1：第 0 个位置的后两个特征
    tensor([2., 3.])
    """
    if X.dim() != 3:
        raise ValueError(f"transpose_qkv 需要三维的 (批量大小, 个数, num_hiddens)，收到的形状是 "
                         f"{tuple(X.shape)}。")
    batch, steps, hiddens = X.shape
    if hiddens % num_heads:
        raise ValueError(f"num_hiddens={hiddens} 不能被 num_heads={num_heads} 整除。")
    X = X.reshape(batch, steps, num_heads, hiddens // num_heads).permute(0, 2, 1, 3)
    return X.reshape(batch * num_heads, steps, hiddens // num_heads)


def transpose_output(X: torch.Tensor, num_heads: int) -> torch.Tensor:
    """:func:`transpose_qkv` 的逆操作：把各个头的输出拼接回 ``(批量大小, 个数, num_hiddens)``。

    >>> X = torch.randn(2, 3, 8)
    >>> torch.equal(transpose_output(transpose_qkv(X, 4), 4), X)
    True
    """
    if X.dim() != 3 or X.shape[0] % num_heads:
        raise ValueError(f"transpose_output 需要 (批量大小 * {num_heads}, 个数, 每头维数)，"
                         f"收到的形状是 {tuple(X.shape)}。")
    bh, steps, d = X.shape
    X = X.reshape(bh // num_heads, num_heads, steps, d).permute(0, 2, 1, 3)
    return X.reshape(bh // num_heads, steps, num_heads * d)


class MultiHeadAttention(nn.Module):
    """多头注意力：``num_heads`` 个并行的缩放点积注意力，各头在不同的线性投影上计算。

    参数顺序与课程相同：``key_size, query_size, value_size, num_hiddens, num_heads, dropout``。
    所有头一次批量计算（头并入批量维），``attention_weights`` 的形状为
    ``(批量大小 * num_heads, 查询数, 键数)``。

    >>> attention = MultiHeadAttention(5, 6, 7, num_hiddens=8, num_heads=2, dropout=0.0)
    >>> X, Y = torch.ones(3, 4, 6), torch.ones(3, 9, 5)
    >>> attention(X, Y, torch.ones(3, 9, 7), torch.tensor([3, 2, 9])).shape
    torch.Size([3, 4, 8])
    >>> attention.attention_weights.shape
    torch.Size([6, 4, 9])
    """

    def __init__(self, key_size: int, query_size: int, value_size: int, num_hiddens: int,
                 num_heads: int, dropout: float = 0.0, bias: bool = False, **kwargs):
        super().__init__(**kwargs)
        if num_hiddens % num_heads:
            raise ValueError(f"num_hiddens={num_hiddens} 应能被 num_heads={num_heads} 整除。")
        self.num_heads = num_heads
        self.attention = DotProductAttention(dropout)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=bias)
        self.W_k = nn.Linear(key_size, num_hiddens, bias=bias)
        self.W_v = nn.Linear(value_size, num_hiddens, bias=bias)
        self.W_o = nn.Linear(num_hiddens, num_hiddens, bias=bias)

    @property
    def attention_weights(self) -> torch.Tensor | None:
        """最近一次前向传播的权重，形状 ``(批量大小 * num_heads, 查询数, 键数)``。"""
        return self.attention.attention_weights

    def forward(self, queries: torch.Tensor, keys: torch.Tensor, values: torch.Tensor,
                valid_lens: torch.Tensor | None = None) -> torch.Tensor:
        _check_qkv(queries, keys, values)
        h = self.num_heads
        queries = transpose_qkv(self.W_q(queries), h)
        keys = transpose_qkv(self.W_k(keys), h)
        values = transpose_qkv(self.W_v(values), h)
        if valid_lens is not None:
            # 每个样本的有效长度复制给它的 h 个头（顺序与 transpose_qkv 一致）
            valid_lens = torch.as_tensor(valid_lens, device=queries.device)
            valid_lens = torch.repeat_interleave(valid_lens, repeats=h, dim=0)
        output = self.attention(queries, keys, values, valid_lens)
        return self.W_o(transpose_output(output, h))


class PositionalEncoding(nn.Module):
    """正弦位置编码：把固定的 :math:`\\sin/\\cos` 编码加到输入上，再做暂退法。

    :math:`p_{i,2j}=\\sin(i/10000^{2j/d})`，:math:`p_{i,2j+1}=\\cos(i/10000^{2j/d})`；
    编码矩阵保存在 ``P`` 中，形状 ``(1, max_len, num_hiddens)``。

    >>> pe = PositionalEncoding(num_hiddens=6, dropout=0.0, max_len=50)
    >>> pe(torch.zeros(2, 10, 6)).shape
    torch.Size([2, 10, 6])
    >>> pe.P[0, 0]   # 位置 0：sin 0 = 0，cos 0 = 1
    tensor([0., 1., 0., 1., 0., 1.])
    """

    def __init__(self, num_hiddens: int, dropout: float = 0.0, max_len: int = 1000):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        position = torch.arange(max_len, dtype=torch.float32)[:, None]
        freq = torch.pow(10000, -torch.arange(0, num_hiddens, 2, dtype=torch.float32)
                         / num_hiddens)
        angles = position * freq                         # (max_len, ceil(num_hiddens / 2))
        P = torch.zeros(1, max_len, num_hiddens)
        P[0, :, 0::2] = torch.sin(angles)
        P[0, :, 1::2] = torch.cos(angles[:, : num_hiddens // 2])
        self.register_buffer("P", P, persistent=False)  # 跟随 .to(device)，但不是参数

    def forward(self, X: torch.Tensor, offset: int = 0) -> torch.Tensor:
        """加上第 ``offset`` 到 ``offset + 步数 - 1`` 个位置的编码。

        逐步解码时 ``offset`` 是已经生成的步数。
        """
        if X.dim() != 3 or X.shape[-1] != self.P.shape[-1]:
            raise ValueError(f"PositionalEncoding 需要 (批量大小, 步数, {self.P.shape[-1]})，"
                             f"收到的形状是 {tuple(X.shape)}。")
        end = offset + X.shape[1]
        if end > self.P.shape[1]:
            raise ValueError(f"需要第 {end - 1} 个位置的编码，超过了 max_len={self.P.shape[1]}。")
        return self.dropout(X + self.P[:, offset:end])
