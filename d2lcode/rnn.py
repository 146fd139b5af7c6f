"""两个 GRU 解码器：没有注意力的 :class:`Seq2SeqDecoder` 和带 Bahdanau 注意力的
:class:`Seq2SeqAttentionDecoder`。

两者都配合 :class:`d2lcode.Seq2SeqEncoder` 使用：编码器的输出 ``(outputs, state)`` 交给
``init_state``，其后 ``forward(tokens, state)`` 一次处理若干步（训练时的教师强制是整个序列，
贪心预测时每次一步），返回 ``(各步词元的得分, 新状态)``。
"""

from __future__ import annotations

import torch
from torch import nn

from .attention import AdditiveAttention
from .seq2seq import AttentionDecoder, Decoder

__all__ = ["Seq2SeqAttentionDecoder", "Seq2SeqDecoder"]


class Seq2SeqDecoder(Decoder):
    """没有注意力的 GRU 解码器：整个输入只通过编码器读完 ``<eos>`` 时的隐状态传给解码器。

    这个隐状态既是解码器的初始隐状态，又作为上下文变量，与每一步输入词元的嵌入连结。
    状态是 ``(上下文 (批量, num_hiddens), 隐状态 (num_layers, 批量, num_hiddens))``。

    >>> from d2lcode import Seq2SeqEncoder
    >>> encoder = Seq2SeqEncoder(vocab_size=10, embed_size=8, num_hiddens=16, num_layers=2)
    >>> decoder = Seq2SeqDecoder(vocab_size=12, embed_size=8, num_hiddens=16, num_layers=2)
    >>> X, lens = torch.zeros(4, 7, dtype=torch.long), torch.tensor([7, 5, 3, 1])
    >>> state = decoder.init_state(encoder(X, lens), lens)
    >>> scores, state = decoder(torch.zeros(4, 5, dtype=torch.long), state)
    >>> scores.shape, state[1].shape
    (torch.Size([4, 5, 12]), torch.Size([2, 4, 16]))
    """

    def __init__(self, vocab_size: int, embed_size: int, num_hiddens: int, num_layers: int,
                 dropout: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.token_embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, batch_first=True,
                          dropout=dropout if num_layers > 1 else 0.0)
        self.out = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_outputs, *args):
        _, final = enc_outputs                  # 编码器读完 <eos> 时各层的隐状态
        return final[-1], final                 # 上下文：最上层的那个向量

    def forward(self, tokens: torch.Tensor, state):
        context, hidden = state
        emb = self.token_embedding(tokens)                          # (批量, 步数, embed_size)
        context_steps = context.unsqueeze(1).expand(-1, emb.shape[1], -1)
        outputs, hidden = self.rnn(torch.cat([emb, context_steps], dim=-1), hidden)
        return self.out(outputs), (context, hidden)


class Seq2SeqAttentionDecoder(AttentionDecoder):
    """带加性注意力的 GRU 解码器：每一步用上一步的隐状态作查询，从编码器各步的输出中汇聚上下文。

    解码器的初始隐状态为 0，所以它只能通过注意力读取输入。状态是
    ``(编码器各步的输出, 隐状态, 源序列有效长度)``；``attention_weights`` 的形状是
    ``(批量, 解码步数, 源序列步数)``。

    >>> from d2lcode import Seq2SeqEncoder
    >>> encoder = Seq2SeqEncoder(vocab_size=10, embed_size=8, num_hiddens=16, num_layers=1)
    >>> decoder = Seq2SeqAttentionDecoder(vocab_size=12, embed_size=8, num_hiddens=16, num_layers=1)
    >>> X, lens = torch.zeros(4, 7, dtype=torch.long), torch.tensor([7, 5, 3, 1])
    >>> scores, state = decoder(torch.zeros(4, 5, dtype=torch.long),
    ...                         decoder.init_state(encoder(X, lens), lens))
    >>> scores.shape, decoder.attention_weights.shape
    (torch.Size([4, 5, 12]), torch.Size([4, 5, 7]))
    """

    def __init__(self, vocab_size: int, embed_size: int, num_hiddens: int, num_layers: int,
                 dropout: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.token_embedding = nn.Embedding(vocab_size, embed_size)
        self.attention = AdditiveAttention(num_hiddens, num_hiddens, num_hiddens, dropout)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, batch_first=True,
                          dropout=dropout if num_layers > 1 else 0.0)
        self.out = nn.Linear(num_hiddens, vocab_size)
        self.step_weights: list[torch.Tensor] = []

    def init_state(self, enc_outputs, src_valid_lens, *args):
        annotations, _ = enc_outputs          # 编码器每一步的隐状态 (批量, 源步数, num_hiddens)
        num_layers, batch = self.rnn.num_layers, annotations.shape[0]
        hidden = annotations.new_zeros(num_layers, batch, self.rnn.hidden_size)   # 从 0 出发
        return annotations, hidden, src_valid_lens

    def step(self, token_emb, annotations, hidden, src_valid_lens):
        """解码一步。token_emb: (批量, 1, embed_size)；返回 GRU 的输出和新的隐状态。"""
        query = hidden[-1].unsqueeze(1)                    # 最上层的隐状态 (批量, 1, num_hiddens)
        context = self.attention(query, annotations, annotations, src_valid_lens)
        return self.rnn(torch.cat([token_emb, context], dim=-1), hidden)

    def forward(self, tokens: torch.Tensor, state):
        annotations, hidden, src_valid_lens = state
        outputs, self.step_weights = [], []
        for token_emb in self.token_embedding(tokens).split(1, dim=1):   # 逐个位置
            out, hidden = self.step(token_emb, annotations, hidden, src_valid_lens)
            outputs.append(out)
            self.step_weights.append(self.attention.attention_weights)
        scores = self.out(torch.cat(outputs, dim=1))        # (批量, 步数, vocab_size)
        return scores, (annotations, hidden, src_valid_lens)

    @property
    def attention_weights(self) -> torch.Tensor:
        return torch.cat(self.step_weights, dim=1)          # (批量, 解码步数, 源序列步数)
