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


def _embedding(vocab_size: int, num_hiddens: int) -> nn.Embedding:
    r"""嵌入层，按原论文的做法以标准差 :math:`1/\sqrt d` 初始化：乘以 :math:`\sqrt d` 之后
    每个元素的方差约为 1，与位置编码（取值在 [-1, 1]）的尺度相当。"""
    embedding = nn.Embedding(vocab_size, num_hiddens)
    nn.init.normal_(embedding.weight, std=num_hiddens ** -0.5)
    return embedding


class PositionWiseFFN(nn.Module):
    """基于位置的前馈网络：对序列的每个位置独立地用同一个两层感知机变换最后一维。

    >>> ffn = PositionWiseFFN(4, 8, 6)
    >>> ffn(torch.ones(2, 3, 4)).shape
    torch.Size([2, 3, 6])
    """

    def __init__(self, ffn_num_input: int, ffn_num_hiddens: int, ffn_num_outputs: int,
                 **kwargs):
        super().__init__(**kwargs)
        self.dense1 = nn.Linear(ffn_num_input, ffn_num_hiddens)
        self.relu = nn.ReLU()
        self.dense2 = nn.Linear(ffn_num_hiddens, ffn_num_outputs)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.dense2(self.relu(self.dense1(X)))


class AddNorm(nn.Module):
    """残差连接后接层规范化：``LayerNorm(X + Dropout(Y))``；``X`` 与 ``Y`` 的形状须相同。

    >>> add_norm = AddNorm([3, 4], 0.5).eval()
    >>> add_norm(torch.ones(2, 3, 4), torch.ones(2, 3, 4)).shape
    torch.Size([2, 3, 4])
    """

    def __init__(self, normalized_shape, dropout: float, **kwargs):
        super().__init__(**kwargs)
        self.dropout = nn.Dropout(dropout)
        self.ln = nn.LayerNorm(normalized_shape)

    def forward(self, X: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
        if X.shape != Y.shape:
            raise ValueError(f"残差连接要求两个输入形状相同，收到 {tuple(X.shape)} 和 "
                             f"{tuple(Y.shape)}。")
        return self.ln(X + self.dropout(Y))


class EncoderBlock(nn.Module):
    """Transformer 编码器块：多头自注意力 → AddNorm → 前馈网络 → AddNorm。输出形状不变。

    >>> blk = EncoderBlock(24, 24, 24, 24, [24], 24, 48, 8, 0.5).eval()
    >>> blk(torch.ones(2, 100, 24), torch.tensor([3, 2])).shape
    torch.Size([2, 100, 24])
    """

    def __init__(self, key_size: int, query_size: int, value_size: int, num_hiddens: int,
                 norm_shape, ffn_num_input: int, ffn_num_hiddens: int, num_heads: int,
                 dropout: float, use_bias: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.attention = MultiHeadAttention(key_size, query_size, value_size, num_hiddens,
                                            num_heads, dropout, use_bias)
        self.addnorm1 = AddNorm(norm_shape, dropout)
        self.ffn = PositionWiseFFN(ffn_num_input, ffn_num_hiddens, num_hiddens)
        self.addnorm2 = AddNorm(norm_shape, dropout)

    def forward(self, X: torch.Tensor, valid_lens: torch.Tensor | None) -> torch.Tensor:
        Y = self.addnorm1(X, self.attention(X, X, X, valid_lens))
        return self.addnorm2(Y, self.ffn(Y))


class TransformerEncoder(Encoder):
    """Transformer 编码器：嵌入（乘以 :math:`\\sqrt d`）加位置编码，再叠 ``num_layers`` 个编码器块。

    ``attention_weights[i]`` 是第 ``i`` 块的自注意力权重，形状
    ``(批量大小, num_heads, 步数, 步数)``。

    >>> encoder = TransformerEncoder(200, 24, 24, 24, 24, [24], 24, 48, 8, 2, 0.5).eval()
    >>> encoder(torch.ones(2, 100, dtype=torch.long), torch.tensor([3, 2])).shape
    torch.Size([2, 100, 24])
    >>> encoder.attention_weights[1].shape
    torch.Size([2, 8, 100, 100])
    """

    def __init__(self, vocab_size: int, key_size: int, query_size: int, value_size: int,
                 num_hiddens: int, norm_shape, ffn_num_input: int, ffn_num_hiddens: int,
                 num_heads: int, num_layers: int, dropout: float, use_bias: bool = False,
                 **kwargs):
        super().__init__(**kwargs)
        self.num_hiddens, self.num_heads = num_hiddens, num_heads
        self.embedding = _embedding(vocab_size, num_hiddens)
        self.pos_encoding = PositionalEncoding(num_hiddens, dropout)
        self.blks = nn.ModuleList(
            EncoderBlock(key_size, query_size, value_size, num_hiddens, norm_shape,
                         ffn_num_input, ffn_num_hiddens, num_heads, dropout, use_bias)
            for _ in range(num_layers))
        self.attention_weights: list[torch.Tensor | None] = [None] * num_layers

    def forward(self, X: torch.Tensor, valid_lens: torch.Tensor | None = None,
                *args) -> torch.Tensor:
        if X.dim() != 2:
            raise ValueError(f"编码器的输入应是 (批量大小, 步数) 的词元下标，收到的形状是 "
                             f"{tuple(X.shape)}。")
        # 嵌入乘以 sqrt(d)：位置编码的值在 [-1, 1]，这样两者的尺度相当
        X = self.pos_encoding(self.embedding(X) * math.sqrt(self.num_hiddens))
        for i, blk in enumerate(self.blks):
            X = blk(X, valid_lens)
            w = blk.attention.attention_weights
            self.attention_weights[i] = w.reshape(-1, self.num_heads, *w.shape[1:])
        return X


class DecoderBlock(nn.Module):
    """Transformer 解码器块（第 ``i`` 块）：掩蔽的多头自注意力 → AddNorm →
    编码器—解码器注意力 → AddNorm → 前馈网络 → AddNorm。

    状态 ``state = [enc_outputs, enc_valid_lens, cache]``，``cache[i]`` 是这一块之前各步的输入，
    逐步解码时作为自注意力的键和值。自注意力总是因果掩蔽：第 ``t`` 步只看第 ``t`` 步及以前。

    >>> blk = DecoderBlock(24, 24, 24, 24, [24], 24, 48, 8, 0.5, 0).eval()
    >>> state = [torch.ones(2, 100, 24), torch.tensor([3, 2]), [None]]
    >>> blk(torch.ones(2, 100, 24), state)[0].shape
    torch.Size([2, 100, 24])
    """

    def __init__(self, key_size: int, query_size: int, value_size: int, num_hiddens: int,
                 norm_shape, ffn_num_input: int, ffn_num_hiddens: int, num_heads: int,
                 dropout: float, i: int, **kwargs):
        super().__init__(**kwargs)
        self.i = i
        self.attention1 = MultiHeadAttention(key_size, query_size, value_size, num_hiddens,
                                             num_heads, dropout)
        self.addnorm1 = AddNorm(norm_shape, dropout)
        self.attention2 = MultiHeadAttention(key_size, query_size, value_size, num_hiddens,
                                             num_heads, dropout)
        self.addnorm2 = AddNorm(norm_shape, dropout)
        self.ffn = PositionWiseFFN(ffn_num_input, ffn_num_hiddens, num_hiddens)
        self.addnorm3 = AddNorm(norm_shape, dropout)

    def forward(self, X: torch.Tensor, state: list):
        enc_outputs, enc_valid_lens, cache = state
        past = cache[self.i]
        offset = 0 if past is None else past.shape[1]
        key_values = X if past is None else torch.cat([past, X], dim=1)
        cache[self.i] = key_values
        batch, steps = X.shape[:2]
        # 因果掩蔽：第 t 个查询（绝对位置 offset + t）能看到前 offset + t + 1 个键
        dec_valid_lens = torch.arange(offset + 1, offset + steps + 1,
                                      device=X.device).repeat(batch, 1)
        Y = self.addnorm1(X, self.attention1(X, key_values, key_values, dec_valid_lens))
        Z = self.addnorm2(Y, self.attention2(Y, enc_outputs, enc_outputs, enc_valid_lens))
        return self.addnorm3(Z, self.ffn(Z)), state


class TransformerDecoder(AttentionDecoder):
    """Transformer 解码器：嵌入加位置编码，``num_layers`` 个解码器块，最后一个全连接输出层。

    既可以一次处理整个序列（训练时的教师强制），也可以逐步解码（预测时每次一个词元），
    两种方式结果相同。``attention_weights`` 是编码器—解码器注意力的权重，形状
    ``(批量大小, num_layers, num_heads, 解码步数, 源序列步数)``；
    ``self_attention_weights`` 是各层的自注意力权重列表。

    >>> decoder = TransformerDecoder(20, 24, 24, 24, 24, [24], 24, 48, 8, 2, 0.0)
    >>> state = decoder.init_state(torch.ones(2, 7, 24), torch.tensor([3, 7]))
    >>> Y, state = decoder(torch.ones(2, 5, dtype=torch.long), state)
    >>> Y.shape, decoder.attention_weights.shape
    (torch.Size([2, 5, 20]), torch.Size([2, 2, 8, 5, 7]))
    """

    def __init__(self, vocab_size: int, key_size: int, query_size: int, value_size: int,
                 num_hiddens: int, norm_shape, ffn_num_input: int, ffn_num_hiddens: int,
                 num_heads: int, num_layers: int, dropout: float, **kwargs):
        super().__init__(**kwargs)
        self.num_hiddens, self.num_heads, self.num_layers = num_hiddens, num_heads, num_layers
        self.embedding = _embedding(vocab_size, num_hiddens)
        self.pos_encoding = PositionalEncoding(num_hiddens, dropout)
        self.blks = nn.ModuleList(
            DecoderBlock(key_size, query_size, value_size, num_hiddens, norm_shape,
                         ffn_num_input, ffn_num_hiddens, num_heads, dropout, i)
            for i in range(num_layers))
        self.dense = nn.Linear(num_hiddens, vocab_size)
        self._cross: list[torch.Tensor] = []
        self.self_attention_weights: list[torch.Tensor] = []

    def init_state(self, enc_outputs: torch.Tensor, enc_valid_lens: torch.Tensor | None,
                   *args) -> list:
        return [enc_outputs, enc_valid_lens, [None] * self.num_layers]

    def forward(self, X: torch.Tensor, state: list):
        past = state[2][0]
        offset = 0 if past is None else past.shape[1]
        X = self.pos_encoding(self.embedding(X) * math.sqrt(self.num_hiddens), offset)
        self._cross, self.self_attention_weights = [], []
        h = self.num_heads
        for blk in self.blks:
            X, state = blk(X, state)
            w1, w2 = blk.attention1.attention_weights, blk.attention2.attention_weights
            self.self_attention_weights.append(w1.reshape(-1, h, *w1.shape[1:]))
            self._cross.append(w2.reshape(-1, h, *w2.shape[1:]))
        return self.dense(X), state

    @property
    def attention_weights(self) -> torch.Tensor:
        """编码器—解码器注意力权重，``(批量大小, num_layers, num_heads, 解码步数, 源序列步数)``。"""
        return torch.stack(self._cross, dim=1)
