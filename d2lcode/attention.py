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
    """把 ``X`` （批量大小, 步数, ...）中每个样本第 ``valid_len[i]`` 步以后的元素换成 ``value``。

    返回新张量，不修改 ``X``。

    >>> lengths = torch.tensor([3, 1])
    >>> sequence_mask(torch.full((2, 4), 7), lengths)
    tensor([[7, 7, 7, 0],
            [7, 0, 0, 0]])
    >>> sequence_mask(torch.ones(2, 3, 2), torch.tensor([2, 0]), value=-9)[:, :, 0]
    tensor([[ 1.,  1., -9.],
            [-9., -9., -9.]])
    """
    if X.dim() < 2:
        raise ValueError(f"sequence_mask 需要至少二维的 (批量大小, 步数, ...)，收到的形状是 "
                         f"{tuple(X.shape)}。")
    valid_len = torch.as_tensor(valid_len, device=X.device)
    if valid_len.shape != (X.shape[0],):
        raise ValueError(f"valid_len 的形状应为 ({X.shape[0]},)（每个样本一个长度），收到的是 "
                         f"{tuple(valid_len.shape)}。")
    inside = _positions_below(X.shape[1], valid_len, X.device)  # (批量大小, 步数)
    inside = inside.reshape(inside.shape + (1,) * (X.dim() - 2))           # 广播到其余轴
    return X.masked_fill(~inside, value)


def _positions_below(n: int, limits: torch.Tensor, device) -> torch.Tensor:
    """布尔张量 ``[..., j] = j < limits[...]``：第 ``j`` 个位置是否落在有效长度以内。"""
    return torch.arange(n, device=device) < limits[..., None]


def masked_softmax(X: torch.Tensor, valid_lens: torch.Tensor | None) -> torch.Tensor:
    """在最后一个轴上做 softmax，但每个查询只看前 ``valid_lens`` 个键，其余位置的权重为 0。

    ``X`` 的形状为 ``(批量大小, 查询数, 键数)``；``valid_lens`` 为 ``None``、
    ``(批量大小,)`` 或 ``(批量大小, 查询数)``。有效长度为 0 的行得到均匀分布（与课程一致）。

    >>> scores = torch.tensor([[[0., 1., 2.]], [[5., 5., 5.]]])    # 2 个样本，各 1 个查询
    >>> masked_softmax(scores, torch.tensor([1, 2]))
    tensor([[[1.0000, 0.0000, 0.0000]],
    <BLANKLINE>
            [[0.5000, 0.5000, 0.0000]]])
    >>> masked_softmax(torch.zeros(1, 3, 3), torch.tensor([[1, 2, 3]]))[0]   # 因果掩蔽
    tensor([[1.0000, 0.0000, 0.0000],
            [0.5000, 0.5000, 0.0000],
            [0.3333, 0.3333, 0.3333]])
    """
    if X.dim() != 3:
        raise ValueError(f"masked_softmax 需要三维的 (批量大小, 查询数, 键数)，收到的形状是 "
                         f"{tuple(X.shape)}。")
    if valid_lens is None:
        return X.softmax(dim=-1)
    lens = torch.as_tensor(valid_lens, device=X.device)
    n_batch, n_queries, n_keys = X.shape
    if lens.shape not in ((n_batch,), (n_batch, n_queries)):
        raise ValueError(f"valid_lens 的形状应为 ({n_batch},) 或 ({n_batch}, {n_queries})，"
                         f"收到的是 {tuple(lens.shape)}。")
    if lens.dim() == 1:
        lens = lens[:, None].expand(n_batch, n_queries)     # 同一样本的查询共用一个长度
    visible = _positions_below(n_keys, lens, X.device)   # (批量大小, 查询数, 键数)
    # 看不见的键换成 -1e6：exp 之后是 0，而整行都看不见时仍是均匀分布（不会出现 nan）
    return X.masked_fill(~visible, -1e6).softmax(dim=-1)


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


class _ScoredAttention(nn.Module):
    """注意力汇聚的公共部分：子类只负责 ``score(queries, keys)``，这里做掩蔽 softmax、
    对权重做暂退法并对值加权求和，同时记下权重。"""

    def __init__(self, dropout: float):
        super().__init__()
        self.weight_dropout = nn.Dropout(dropout)
        self.attention_weights: torch.Tensor | None = None

    def score(self, queries: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(self, queries: torch.Tensor, keys: torch.Tensor, values: torch.Tensor,
                valid_lens: torch.Tensor | None = None) -> torch.Tensor:
        _check_qkv(queries, keys, values)
        weights = masked_softmax(self.score(queries, keys), valid_lens)
        self.attention_weights = weights                    # (批量, 查询数, 键数)
        return self.weight_dropout(weights) @ values        # (批量, 查询数, 值的维数)


class AdditiveAttention(_ScoredAttention):
    """加性注意力：评分为 :math:`\\mathbf w_v^\\top \\tanh(\\mathbf W_q \\mathbf q
    + \\mathbf W_k \\mathbf k)`。

    查询和键的长度可以不同；``num_hiddens`` 是隐藏单元数。

    >>> attention = AdditiveAttention(key_size=3, query_size=5, num_hiddens=4, dropout=0.0)
    >>> queries, keys = torch.randn(2, 6, 5), torch.zeros(2, 4, 3)
    >>> values = torch.tensor([1., 2., 3., 4.]).reshape(1, 4, 1).expand(2, 4, 1)
    >>> attention(queries, keys, values, torch.tensor([4, 1])).shape
    torch.Size([2, 6, 1])
    >>> attention.attention_weights[1, 0].tolist()   # 第 2 个样本只有 1 个有效键
    [1.0, 0.0, 0.0, 0.0]
    """

    def __init__(self, key_size: int, query_size: int, num_hiddens: int, dropout: float = 0.0,
                 **kwargs):
        super().__init__(dropout, **kwargs)
        self.query_proj = nn.Linear(query_size, num_hiddens, bias=False)   # W_q
        self.key_proj = nn.Linear(key_size, num_hiddens, bias=False)       # W_k
        self.score_vec = nn.Linear(num_hiddens, 1, bias=False)             # w_v

    def score(self, queries: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        q = self.query_proj(queries)[:, :, None, :]        # (批量, 查询数, 1, h)
        k = self.key_proj(keys)[:, None, :, :]             # (批量, 1, 键数, h)
        return self.score_vec(torch.tanh(q + k))[..., 0]   # 广播后 (批量, 查询数, 键数)


class DotProductAttention(_ScoredAttention):
    """缩放点积注意力：评分 :math:`\\mathbf q^\\top \\mathbf k / \\sqrt d`，查询和键的长度须相同。

    >>> attention = DotProductAttention(dropout=0.0)
    >>> keys = torch.eye(3).unsqueeze(0)                 # 三个互相正交的键
    >>> values = torch.tensor([[[10.], [20.], [30.]]])
    >>> out = attention(100 * keys[:, [2, 0]], keys, values)   # 两个查询分别对准键 2 和键 0
    >>> out.squeeze().tolist()
    [30.0, 10.0]
    >>> attention(keys, keys, values, torch.tensor([1])).squeeze().tolist()   # 只看键 0
    [10.0, 10.0, 10.0]
    """

    def __init__(self, dropout: float = 0.0, **kwargs):
        super().__init__(dropout, **kwargs)

    def score(self, queries: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        d = queries.shape[-1]
        if keys.shape[-1] != d:
            raise ValueError(f"点积注意力要求查询和键的长度相同，收到 {d} 和 {keys.shape[-1]}；"
                             "长度不同时可以用 AdditiveAttention。")
        return (queries * d ** -0.5) @ keys.mT   # 先缩放查询，与缩放评分相同


def transpose_qkv(X: torch.Tensor, num_heads: int) -> torch.Tensor:
    """把 ``(批量大小, 个数, num_hiddens)`` 拆成 ``num_heads`` 个头，头并入批量轴。

    输出形状为 ``(批量大小 * num_heads, 个数, num_hiddens / num_heads)``，
    第 ``b * num_heads + h`` 个样本是第 ``b`` 个样本的第 ``h`` 个头。

    >>> X = torch.arange(12.).reshape(1, 2, 6)      # 1 个样本、2 个位置、6 个特征
    >>> transpose_qkv(X, 3).shape
    torch.Size([3, 2, 2])
    >>> transpose_qkv(X, 3)[2]                      # 头 2：每个位置的最后两个特征
    tensor([[ 4.,  5.],
            [10., 11.]])
    """
    if X.dim() != 3:
        raise ValueError(f"transpose_qkv 需要三维的 (批量大小, 个数, num_hiddens)，收到的形状是 "
                         f"{tuple(X.shape)}。")
    if X.shape[-1] % num_heads:
        raise ValueError(f"num_hiddens={X.shape[-1]} 不能被 num_heads={num_heads} 整除。")
    # (b, n, h*p) → (b, n, h, p) → (b, h, n, p) → (b*h, n, p)
    return X.unflatten(-1, (num_heads, -1)).transpose(1, 2).flatten(0, 1)


def transpose_output(X: torch.Tensor, num_heads: int) -> torch.Tensor:
    """:func:`transpose_qkv` 的逆操作：把各个头的输出连结回 ``(批量大小, 个数, num_hiddens)``。

    >>> X = torch.randn(3, 5, 6)
    >>> torch.equal(transpose_output(transpose_qkv(X, 2), 2), X)
    True
    """
    if X.dim() != 3 or X.shape[0] % num_heads:
        raise ValueError(f"transpose_output 需要 (批量大小 * {num_heads}, 个数, 每头维数)，"
                         f"收到的形状是 {tuple(X.shape)}。")
    # (b*h, n, p) → (b, h, n, p) → (b, n, h, p) → (b, n, h*p)
    return X.unflatten(0, (-1, num_heads)).transpose(1, 2).flatten(2)


class MultiHeadAttention(nn.Module):
    """多头注意力：``num_heads`` 个并行的缩放点积注意力，各头在不同的线性投影上计算。

    参数顺序与课程相同：``key_size, query_size, value_size, num_hiddens, num_heads, dropout``。
    所有头一次批量计算（头并入批量轴）。投影层是 ``proj_q``、``proj_k``、``proj_v`` 和输出层
    ``proj_out``；``attention_weights`` 的形状为 ``(批量大小 * num_heads, 查询数, 键数)``。

    >>> attention = MultiHeadAttention(3, 10, 2, num_hiddens=12, num_heads=4, dropout=0.0)
    >>> queries, keys, values = torch.ones(1, 5, 10), torch.ones(1, 7, 3), torch.ones(1, 7, 2)
    >>> attention(queries, keys, values, torch.tensor([6])).shape
    torch.Size([1, 5, 12])
    >>> attention.attention_weights.shape
    torch.Size([4, 5, 7])
    """

    def __init__(self, key_size: int, query_size: int, value_size: int, num_hiddens: int,
                 num_heads: int, dropout: float = 0.0, bias: bool = False, **kwargs):
        super().__init__(**kwargs)
        if num_hiddens % num_heads:
            raise ValueError(f"num_hiddens={num_hiddens} 应能被 num_heads={num_heads} 整除。")
        self.num_heads = num_heads
        # 所有头的投影上下叠成一个全连接层：输出的第 i 段就是第 i 个头的投影
        self.proj_q = nn.Linear(query_size, num_hiddens, bias=bias)
        self.proj_k = nn.Linear(key_size, num_hiddens, bias=bias)
        self.proj_v = nn.Linear(value_size, num_hiddens, bias=bias)
        self.proj_out = nn.Linear(num_hiddens, num_hiddens, bias=bias)
        self.attention = DotProductAttention(dropout)

    @property
    def attention_weights(self) -> torch.Tensor | None:
        """最近一次前向传播的权重，形状 ``(批量大小 * num_heads, 查询数, 键数)``。"""
        return self.attention.attention_weights

    def split_heads(self, X: torch.Tensor, proj: nn.Module) -> torch.Tensor:
        """投影后切成各个头：``(批量大小 * num_heads, 个数, num_hiddens / num_heads)``。"""
        return transpose_qkv(proj(X), self.num_heads)

    def forward(self, queries: torch.Tensor, keys: torch.Tensor, values: torch.Tensor,
                valid_lens: torch.Tensor | None = None) -> torch.Tensor:
        _check_qkv(queries, keys, values)
        if valid_lens is not None:
            # 头在批量轴上紧跟各自的样本，所以每个长度原地重复 num_heads 次
            valid_lens = torch.as_tensor(valid_lens, device=queries.device)
            valid_lens = valid_lens.repeat_interleave(self.num_heads, dim=0)
        heads = self.attention(self.split_heads(queries, self.proj_q),
                               self.split_heads(keys, self.proj_k),
                               self.split_heads(values, self.proj_v), valid_lens)
        return self.proj_out(transpose_output(heads, self.num_heads))


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
        self.drop = nn.Dropout(dropout)
        freqs = 10000.0 ** (-torch.arange(0, num_hiddens, 2) / num_hiddens)    # ω_j
        angles = torch.arange(max_len)[:, None] * freqs[None, :]              # i·ω_j
        # 把 sin 和 cos 交错排列：列 2j 是 sin(i·ω_j)，列 2j+1 是 cos(i·ω_j)
        P = torch.stack([angles.sin(), angles.cos()], dim=-1).flatten(1)[:, :num_hiddens]
        P = P.unsqueeze(0).float()                                            # (1, max_len, d)
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
        return self.drop(X + self.P[:, offset:end])
