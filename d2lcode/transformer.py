"""Transformer 的各个块：基于位置的前馈网络、残差连接加层规范化、编码器块和解码器块。

参数的名字和顺序与课程一致（``key_size, query_size, value_size, num_hiddens, norm_shape,
ffn_num_input, ffn_num_hiddens, num_heads, ...``）。编码器和解码器把每一层的注意力权重
保存在 ``attention_weights`` 里，方便画热图。
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .attention import MultiHeadAttention, PositionalEncoding
from .seq2seq import AttentionDecoder, Encoder

__all__ = [
    "AddNorm",
    "DecoderBlock",
    "EncoderBlock",
    "PositionWiseFFN",
    "TransformerDecoder",
    "TransformerEncoder",
]


class _TokenEmbedding(nn.Module):
    r"""词元嵌入乘以 :math:`\sqrt d`，再加上位置编码（编码器和解码器共用这一步）。

    原论文只说嵌入要乘以 :math:`\sqrt d`，没有给出嵌入的初始化。这里的选择是以标准差
    :math:`1/\sqrt d` 初始化：乘以 :math:`\sqrt d` 之后每个元素的方差约为 1，
    与取值在 [-1, 1] 的位置编码尺度相当。"""

    def __init__(self, vocab_size: int, num_hiddens: int, dropout: float):
        super().__init__()
        self.table = nn.Embedding(vocab_size, num_hiddens)
        nn.init.normal_(self.table.weight, std=num_hiddens ** -0.5)
        self.scale = math.sqrt(num_hiddens)
        self.positions = PositionalEncoding(num_hiddens, dropout)

    def forward(self, tokens: torch.Tensor, offset: int = 0) -> torch.Tensor:
        return self.positions(self.table(tokens) * self.scale, offset)


def _per_head(weights: torch.Tensor, num_heads: int) -> torch.Tensor:
    """把 ``(批量大小 * 头数, 查询数, 键数)`` 的权重拆成 ``(批量大小, 头数, 查询数, 键数)``。"""
    return weights.unflatten(0, (-1, num_heads))


class PositionWiseFFN(nn.Module):
    """基于位置的前馈网络：序列的每个位置都用同一个两层感知机（ReLU）变换最后一个轴。

    >>> ffn = PositionWiseFFN(3, 16, 5)
    >>> ffn(torch.zeros(4, 7, 3)).shape
    torch.Size([4, 7, 5])
    """

    def __init__(self, ffn_num_input: int, ffn_num_hiddens: int, ffn_num_outputs: int,
                 **kwargs):
        super().__init__(**kwargs)
        self.mlp = nn.Sequential(nn.Linear(ffn_num_input, ffn_num_hiddens), nn.ReLU(),
                                 nn.Linear(ffn_num_hiddens, ffn_num_outputs))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.mlp(X)   # nn.Linear 只作用在最后一个轴上，各位置互不影响


class AddNorm(nn.Module):
    """残差连接后接层规范化：``LayerNorm(X + Dropout(Y))``；``X`` 与 ``Y`` 的形状须相同。

    >>> add_norm = AddNorm(6, 0.0)
    >>> out = add_norm(torch.randn(2, 5, 6), torch.randn(2, 5, 6))
    >>> out.shape, bool(out.mean(-1).abs().max() < 1e-5)   # 每个位置规范化到均值 0
    (torch.Size([2, 5, 6]), True)
    """

    def __init__(self, normalized_shape, dropout: float, **kwargs):
        super().__init__(**kwargs)
        self.drop = nn.Dropout(dropout)
        self.norm = nn.LayerNorm(normalized_shape)

    def forward(self, X: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
        if X.shape != Y.shape:
            raise ValueError(f"残差连接要求两个输入形状相同，收到 {tuple(X.shape)} 和 "
                             f"{tuple(Y.shape)}。")
        return self.norm(X + self.drop(Y))


class EncoderBlock(nn.Module):
    """Transformer 编码器块：多头自注意力 → AddNorm → 前馈网络 → AddNorm。输出形状不变。

    >>> blk = EncoderBlock(8, 8, 8, 8, [8], 8, 32, 2, 0.0)
    >>> blk(torch.randn(3, 13, 8), torch.tensor([13, 9, 4])).shape
    torch.Size([3, 13, 8])
    """

    def __init__(self, key_size: int, query_size: int, value_size: int, num_hiddens: int,
                 norm_shape, ffn_num_input: int, ffn_num_hiddens: int, num_heads: int,
                 dropout: float, use_bias: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.self_attn = MultiHeadAttention(key_size, query_size, value_size, num_hiddens,
                                            num_heads, dropout, use_bias)
        self.norm_attn = AddNorm(norm_shape, dropout)
        self.ffn = PositionWiseFFN(ffn_num_input, ffn_num_hiddens, num_hiddens)
        self.norm_ffn = AddNorm(norm_shape, dropout)

    def forward(self, X: torch.Tensor, valid_lens: torch.Tensor | None) -> torch.Tensor:
        X = self.norm_attn(X, self.self_attn(X, X, X, valid_lens))   # 子层 1：自注意力
        return self.norm_ffn(X, self.ffn(X))                           # 子层 2：前馈网络


class TransformerEncoder(Encoder):
    """Transformer 编码器：嵌入（乘以 :math:`\\sqrt d`）加位置编码，再叠 ``num_layers`` 个编码器块。

    ``attention_weights[i]`` 是第 ``i`` 块的自注意力权重，形状
    ``(批量大小, num_heads, 步数, 步数)``。

    >>> encoder = TransformerEncoder(18, 16, 16, 16, 16, [16], 16, 32, 4, 3, 0.0)
    >>> tokens = torch.randint(0, 18, (5, 13))
    >>> encoder(tokens, torch.tensor([13, 12, 11, 10, 9])).shape
    torch.Size([5, 13, 16])
    >>> len(encoder.attention_weights), encoder.attention_weights[2].shape
    (3, torch.Size([5, 4, 13, 13]))
    """

    def __init__(self, vocab_size: int, key_size: int, query_size: int, value_size: int,
                 num_hiddens: int, norm_shape, ffn_num_input: int, ffn_num_hiddens: int,
                 num_heads: int, num_layers: int, dropout: float, use_bias: bool = False,
                 **kwargs):
        super().__init__(**kwargs)
        self.embed = _TokenEmbedding(vocab_size, num_hiddens, dropout)
        self.num_heads = num_heads
        self.blocks = nn.ModuleList([
            EncoderBlock(key_size, query_size, value_size, num_hiddens, norm_shape,
                         ffn_num_input, ffn_num_hiddens, num_heads, dropout, use_bias)
            for _ in range(num_layers)])
        self.attention_weights: list[torch.Tensor | None] = [None] * num_layers

    def forward(self, X: torch.Tensor, valid_lens: torch.Tensor | None = None,
                *args) -> torch.Tensor:
        if X.dim() != 2:
            raise ValueError(f"编码器的输入应是 (批量大小, 步数) 的词元下标，收到的形状是 "
                             f"{tuple(X.shape)}。")
        H = self.embed(X)
        for block in self.blocks:
            H = block(H, valid_lens)
        self.attention_weights = [_per_head(block.self_attn.attention_weights, self.num_heads)
                                  for block in self.blocks]
        return H


class DecoderBlock(nn.Module):
    """Transformer 解码器块（第 ``i`` 块）：掩蔽的多头自注意力 → AddNorm →
    编码器—解码器注意力 → AddNorm → 前馈网络 → AddNorm。

    状态 ``state = [enc_outputs, enc_valid_lens, cache]``，``cache[i]`` 是这一块之前各步的输入，
    逐步解码时作为自注意力的键和值。自注意力总是因果掩蔽：第 ``t`` 步只看第 ``t`` 步及以前。
    ``use_bias`` 决定两个多头注意力的投影层是否带偏置（与 :class:`EncoderBlock` 相同）。

    >>> blk = DecoderBlock(8, 8, 8, 8, [8], 8, 32, 2, 0.0, 0)
    >>> state = [torch.randn(3, 13, 8), torch.tensor([13, 9, 4]), [None]]
    >>> out, state = blk(torch.randn(3, 11, 8), state)
    >>> out.shape, state[2][0].shape     # 缓存了这 11 步的输入
    (torch.Size([3, 11, 8]), torch.Size([3, 11, 8]))
    """

    def __init__(self, key_size: int, query_size: int, value_size: int, num_hiddens: int,
                 norm_shape, ffn_num_input: int, ffn_num_hiddens: int, num_heads: int,
                 dropout: float, i: int, use_bias: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.i = i
        self.self_attn = MultiHeadAttention(key_size, query_size, value_size, num_hiddens,
                                            num_heads, dropout, use_bias)
        self.norm_self = AddNorm(norm_shape, dropout)
        self.cross_attn = MultiHeadAttention(key_size, query_size, value_size, num_hiddens,
                                             num_heads, dropout, use_bias)
        self.norm_cross = AddNorm(norm_shape, dropout)
        self.ffn = PositionWiseFFN(ffn_num_input, ffn_num_hiddens, num_hiddens)
        self.norm_ffn = AddNorm(norm_shape, dropout)

    def forward(self, X: torch.Tensor, state: list):
        enc_outputs, enc_valid_lens, cache = state
        seen = 0 if cache[self.i] is None else cache[self.i].shape[1]   # 之前解码过的步数
        if seen:
            cache[self.i] = torch.cat([cache[self.i], X], dim=1)
        else:
            cache[self.i] = X
        history = cache[self.i]                     # 自注意力的键和值：之前各步 + 这几步
        # 因果掩蔽：这几步中的第 t 个查询位于绝对位置 seen + t，能看到前 seen + t + 1 个键
        causal_lens = torch.arange(seen + 1, seen + X.shape[1] + 1, device=X.device)
        causal_lens = causal_lens.expand(X.shape[0], -1)
        X = self.norm_self(X, self.self_attn(X, history, history, causal_lens))
        X = self.norm_cross(X, self.cross_attn(X, enc_outputs, enc_outputs, enc_valid_lens))
        return self.norm_ffn(X, self.ffn(X)), state


class TransformerDecoder(AttentionDecoder):
    """Transformer 解码器：嵌入加位置编码，``num_layers`` 个解码器块，最后一个全连接输出层。

    既可以一次处理整个序列（训练时的教师强制），也可以逐步解码（预测时每次一个词元），
    两种方式结果相同。``attention_weights`` 是编码器—解码器注意力的权重，形状
    ``(批量大小, num_layers, num_heads, 解码步数, 源序列步数)``；
    ``self_attention_weights`` 是各层的自注意力权重列表。

    >>> decoder = TransformerDecoder(15, 16, 16, 16, 16, [16], 16, 32, 4, 3, 0.0)
    >>> state = decoder.init_state(torch.randn(5, 13, 16), torch.tensor([13, 12, 11, 10, 9]))
    >>> Y, state = decoder(torch.randint(0, 15, (5, 11)), state)
    >>> Y.shape, decoder.attention_weights.shape
    (torch.Size([5, 11, 15]), torch.Size([5, 3, 4, 11, 13]))
    """

    def __init__(self, vocab_size: int, key_size: int, query_size: int, value_size: int,
                 num_hiddens: int, norm_shape, ffn_num_input: int, ffn_num_hiddens: int,
                 num_heads: int, num_layers: int, dropout: float, use_bias: bool = False,
                 **kwargs):
        super().__init__(**kwargs)
        self.num_heads, self.num_layers = num_heads, num_layers
        self.embed = _TokenEmbedding(vocab_size, num_hiddens, dropout)
        self.blocks = nn.ModuleList([
            DecoderBlock(key_size, query_size, value_size, num_hiddens, norm_shape,
                         ffn_num_input, ffn_num_hiddens, num_heads, dropout, i, use_bias)
            for i in range(num_layers)])
        self.out = nn.Linear(num_hiddens, vocab_size)
        self.self_attention_weights: list[torch.Tensor] = []

    def init_state(self, enc_outputs: torch.Tensor, enc_valid_lens: torch.Tensor | None,
                   *args) -> list:
        return [enc_outputs, enc_valid_lens, [None] * self.num_layers]

    def forward(self, X: torch.Tensor, state: list):
        first_cache = state[2][0]
        H = self.embed(X, offset=0 if first_cache is None else first_cache.shape[1])
        for block in self.blocks:
            H, state = block(H, state)
        self.self_attention_weights = [
            _per_head(block.self_attn.attention_weights, self.num_heads) for block in self.blocks]
        return self.out(H), state

    @property
    def attention_weights(self) -> torch.Tensor:
        """编码器—解码器注意力权重，``(批量大小, num_layers, num_heads, 解码步数, 源序列步数)``。"""
        return torch.stack([_per_head(block.cross_attn.attention_weights, self.num_heads)
                            for block in self.blocks], dim=1)
