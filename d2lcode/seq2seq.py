"""序列到序列（seq2seq）：生成的日期翻译数据、编码器—解码器接口、训练与贪心预测。

本书没有循环神经网络一章，注意力机制一章需要的最小序列工具都在这里：

* 数据：把中文书写的日期翻译成 ISO 格式，例如 ``"二〇二四年三月十五日" → "2024-03-15"``，
  由代码按固定种子生成（:func:`generate_dates`、:func:`load_data_dates`），不需要下载；
* 字符级词表 :class:`Vocab`，保留词元 ``<pad>``、``<bos>``、``<eos>``；
* 接口 :class:`Encoder`、:class:`Decoder`、:class:`AttentionDecoder`、:class:`EncoderDecoder`
  和 GRU 编码器 :class:`Seq2SeqEncoder`；
* 掩蔽交叉熵损失 :class:`MaskedSoftmaxCELoss`、训练 :func:`train_seq2seq`、
  批量贪心预测 :func:`predict_seq2seq` （可返回注意力权重）和评估 :func:`evaluate_seq2seq`。
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import torch
from torch import nn

from .animator import Animator
from .data import ArrayLoader
from .device import try_gpu
from .train import _model_device

__all__ = [
    "AttentionDecoder",
    "Decoder",
    "Encoder",
    "EncoderDecoder",
    "MaskedSoftmaxCELoss",
    "Seq2SeqEncoder",
    "Seq2SeqHistory",
    "Vocab",
    "build_array",
    "date_to_chinese",
    "evaluate_seq2seq",
    "generate_dates",
    "grad_clipping",
    "load_data_dates",
    "predict_seq2seq",
    "train_seq2seq",
]

_DIGITS = "〇一二三四五六七八九"


def _small_number(n: int) -> str:
    """1 到 99 的中文写法：``3 → 三``、``10 → 十``、``15 → 十五``、``21 → 二十一``。"""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "十" if tens == 1 else _DIGITS[tens] + "十"
    return head + (_DIGITS[ones] if ones else "")


def date_to_chinese(date: datetime.date) -> str:
    """把日期写成中文：年份逐位读，月和日按数值读。

    >>> import datetime
    >>> date_to_chinese(datetime.date(2024, 3, 15))
    '二〇二四年三月十五日'
    >>> date_to_chinese(datetime.date(1999, 12, 20))
    '一九九九年十二月二十日'
    """
    year = "".join(_DIGITS[int(c)] for c in f"{date.year:04d}")
    return f"{year}年{_small_number(date.month)}月{_small_number(date.day)}日"


def generate_dates(num: int, seed: int = 0, start_year: int = 1900,
                   end_year: int = 2099) -> list[tuple[str, str]]:
    """按种子 ``seed`` 不重复地抽取 ``num`` 个日期，返回 ``(中文日期, ISO 日期)`` 的列表。

    >>> generate_dates(2, seed=0) == generate_dates(2, seed=0)   # 同一种子，同样的数据
    True
    >>> src, tgt = generate_dates(1, seed=3)[0]
    >>> src.endswith("日"), len(tgt), tgt[4], tgt[7]
    (True, 10, '-', '-')
    """
    first = datetime.date(start_year, 1, 1)
    total = (datetime.date(end_year, 12, 31) - first).days + 1
    if not 0 < num <= total:
        raise ValueError(f"{start_year}–{end_year} 年之间只有 {total} 个日期，无法不重复地抽取 "
                         f"{num} 个。")
    offsets = random.Random(seed).sample(range(total), num)
    dates = [first + datetime.timedelta(days=k) for k in offsets]
    return [(date_to_chinese(d), d.isoformat()) for d in dates]


class Vocab:
    """字符级词表：``<unk>`` 为 0，其后是保留词元，再后是按字符排序的普通词元。

    >>> vocab = Vocab("2024-03-15", reserved_tokens=["<pad>", "<bos>", "<eos>"])
    >>> len(vocab), vocab["<eos>"], vocab[list("20")]
    (11, 3, [7, 5])
    >>> "".join(vocab.to_tokens([7, 5, 7, 9]))
    '2024'
    """

    def __init__(self, tokens: Iterable[str] = (), reserved_tokens: Sequence[str] = ()):
        self.idx_to_token = ["<unk>", *reserved_tokens]
        self.idx_to_token += sorted(set(tokens) - set(self.idx_to_token))
        self.token_to_idx = {t: i for i, t in enumerate(self.idx_to_token)}

    def __len__(self) -> int:
        return len(self.token_to_idx)

    def __getitem__(self, tokens):
        if isinstance(tokens, str):
            return self.token_to_idx.get(tokens, self.unk)
        return [self[t] for t in tokens]

    def to_tokens(self, indices) -> list[str]:
        """把下标（整数、列表或张量）变回词元。"""
        if hasattr(indices, "tolist"):
            indices = indices.tolist()
        if isinstance(indices, int):
            return [self.idx_to_token[indices]]
        return [self.idx_to_token[int(i)] for i in indices]

    @property
    def unk(self) -> int:
        return 0


def build_array(texts: Sequence[str], vocab: Vocab, num_steps: int
                ) -> tuple[torch.Tensor, torch.Tensor]:
    """把字符串逐字符编码、末尾加 ``<eos>``、截断或用 ``<pad>`` 填充到 ``num_steps``。

    返回 ``(下标张量 (样本数, num_steps), 有效长度 (样本数,))``，有效长度含 ``<eos>``。

    >>> vocab = Vocab("0123456789-", ["<pad>", "<bos>", "<eos>"])
    >>> X, valid_len = build_array(["12", "3"], vocab, 4)
    >>> X.tolist(), valid_len.tolist()
    ([[6, 7, 3, 1], [8, 3, 1, 1]], [3, 2])
    """
    pad, eos = vocab["<pad>"], vocab["<eos>"]
    rows = [(vocab[list(t)] + [eos])[:num_steps] for t in texts]
    valid_len = torch.tensor([len(r) for r in rows])
    array = torch.tensor([r + [pad] * (num_steps - len(r)) for r in rows])
    return array, valid_len


SRC_STEPS, TGT_STEPS = 13, 11   # 最长的中文日期 12 个字、ISO 日期 10 个字符，各加一个 <eos>


def load_data_dates(batch_size: int, num_train: int = 4000, num_test: int = 1000,
                    seed: int = 0):
    """日期翻译数据：返回 ``(train_iter, src_vocab, tgt_vocab, test_pairs)``。

    训练集和留出的测试集是不重叠的日期。``train_iter`` 的每个小批量是
    ``(X, X_valid_len, Y, Y_valid_len)``，``X`` 形状 ``(批量大小, 13)``，``Y`` 形状
    ``(批量大小, 11)``；``test_pairs`` 是 ``(中文日期, ISO 日期)`` 字符串对的列表。

    >>> train_iter, src_vocab, tgt_vocab, test_pairs = load_data_dates(8, 40, 10)
    >>> X, X_len, Y, Y_len = next(iter(train_iter))
    >>> X.shape, Y.shape, len(test_pairs), len(src_vocab), len(tgt_vocab)
    (torch.Size([8, 13]), torch.Size([8, 11]), 10, 18, 15)
    """
    pairs = generate_dates(num_train + num_test, seed=seed)
    train_pairs, test_pairs = pairs[:num_train], pairs[num_train:]
    reserved = ["<pad>", "<bos>", "<eos>"]
    src_vocab = Vocab(_DIGITS + "十年月日", reserved)
    tgt_vocab = Vocab("0123456789-", reserved)
    X, X_len = build_array([s for s, _ in train_pairs], src_vocab, SRC_STEPS)
    Y, Y_len = build_array([t for _, t in train_pairs], tgt_vocab, TGT_STEPS)
    train_iter = ArrayLoader((X, X_len, Y, Y_len), batch_size, shuffle=True, seed=seed)
    return train_iter, src_vocab, tgt_vocab, test_pairs


class Encoder(nn.Module):
    """编码器接口：把输入序列变成编码（``forward(X, *args)``）。"""

    def forward(self, X, *args):
        raise NotImplementedError("Encoder 是接口：请在子类中实现 forward(X, *args)。")


class Decoder(nn.Module):
    """解码器接口：``init_state`` 把编码器输出变成初始状态，``forward(X, state)`` 返回
    ``(输出, 新状态)``。"""

    def init_state(self, enc_outputs, *args):
        raise NotImplementedError("Decoder 是接口：请在子类中实现 init_state(enc_outputs, *args)。")

    def forward(self, X, state):
        raise NotImplementedError("Decoder 是接口：请在子类中实现 forward(X, state)。")


class AttentionDecoder(Decoder):
    """带注意力的解码器接口：``attention_weights`` 是最近一次前向传播中对编码器输出的权重，
    形状 ``(批量大小, ..., 解码步数, 源序列步数)``。"""

    @property
    def attention_weights(self) -> torch.Tensor:
        raise NotImplementedError("AttentionDecoder 是接口：请在子类中提供 attention_weights。")


class EncoderDecoder(nn.Module):
    """把编码器和解码器接在一起：``forward(enc_X, dec_X, *args)`` 返回 ``(输出, 解码器状态)``。"""

    def __init__(self, encoder: Encoder, decoder: Decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder

    def forward(self, enc_X: torch.Tensor, dec_X: torch.Tensor, *args):
        # 额外的参数（例如源序列的有效长度）同时交给编码器和解码器的 init_state
        state = self.decoder.init_state(self.encoder(enc_X, *args), *args)
        return self.decoder(dec_X, state)


class Seq2SeqEncoder(Encoder):
    """GRU 编码器：嵌入层加多层 GRU（``batch_first``）。

    返回 ``(outputs, state)``：``outputs`` 形状 ``(批量大小, 步数, num_hiddens)``，
    ``state`` 形状 ``(num_layers, 批量大小, num_hiddens)``。给出有效长度 ``valid_len`` 时，
    ``state`` 是每个样本读完有效部分（到 ``<eos>`` 为止）时的隐状态，不受填充的影响。

    >>> encoder = Seq2SeqEncoder(vocab_size=10, embed_size=8, num_hiddens=16, num_layers=2)
    >>> outputs, state = encoder(torch.zeros(4, 7, dtype=torch.long))
    >>> outputs.shape, state.shape
    (torch.Size([4, 7, 16]), torch.Size([2, 4, 16]))
    """

    def __init__(self, vocab_size: int, embed_size: int, num_hiddens: int, num_layers: int,
                 dropout: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.token_embedding = nn.Embedding(vocab_size, embed_size)
        # 暂退法只作用在 GRU 的层与层之间，所以一层时不需要
        self.rnn = nn.GRU(embed_size, num_hiddens, num_layers, batch_first=True,
                          dropout=dropout if num_layers > 1 else 0.0)

    def forward(self, X: torch.Tensor, valid_len: torch.Tensor | None = None, *args):
        if X.dim() != 2:
            raise ValueError(f"编码器的输入应是 (批量大小, 步数) 的词元下标，收到的形状是 "
                             f"{tuple(X.shape)}。")
        emb = self.token_embedding(X)
        if valid_len is None:
            return self.rnn(emb)
        # 给出有效长度时，GRU 读到每个样本的 <eos> 就停：state 是读完 <eos> 时的隐状态，
        # 与后面填充了多少个 <pad> 无关；填充位置的 outputs 为 0
        packed = nn.utils.rnn.pack_padded_sequence(emb, valid_len.cpu(), batch_first=True,
                                                   enforce_sorted=False)
        packed_outputs, state = self.rnn(packed)
        padded, _ = nn.utils.rnn.pad_packed_sequence(packed_outputs, batch_first=True,
                                                     total_length=X.shape[1])
        return (padded, state)


class MaskedSoftmaxCELoss(nn.Module):
    """只在有效位置上计算的交叉熵：``pred`` (批量, 步数, 词表大小)、``label`` (批量, 步数)、
    ``valid_len`` (批量,)。返回每个样本的平均损失 (批量,)（填充位置计 0，仍按总步数平均）。

    >>> loss = MaskedSoftmaxCELoss()
    >>> loss(torch.zeros(3, 4, 10), torch.ones(3, 4, dtype=torch.long), torch.tensor([4, 2, 0]))
    tensor([2.3026, 1.1513, 0.0000])
    """

    def forward(self, pred: torch.Tensor, label: torch.Tensor,
                valid_len: torch.Tensor) -> torch.Tensor:
        if pred.dim() != 3 or pred.shape[:2] != label.shape:
            raise ValueError(f"pred 应为 (批量, 步数, 词表大小)、label 应为 (批量, 步数)，收到 "
                             f"{tuple(pred.shape)} 和 {tuple(label.shape)}。")
        mask = torch.arange(label.shape[1], device=label.device) < valid_len[:, None]
        losses = nn.functional.cross_entropy(pred.transpose(1, 2), label, reduction="none")
        return (losses * mask).mean(dim=1)


def grad_clipping(net: nn.Module, theta: float) -> None:
    """把所有参数的梯度连结成一个向量，把它的范数裁剪到不超过 ``theta``。"""
    nn.utils.clip_grad_norm_([p for p in net.parameters() if p.requires_grad], theta)


def _init_weights(module: nn.Module) -> None:
    """全连接层和 GRU 的权重矩阵用 Xavier 均匀分布初始化，偏置和嵌入保持 PyTorch 的默认值。"""
    if isinstance(module, nn.Linear):
        nn.init.xavier_uniform_(module.weight)
    elif isinstance(module, nn.GRU):
        for name, param in module.named_parameters():
            if name.startswith("weight"):
                nn.init.xavier_uniform_(param)


def _shift_right(Y: torch.Tensor, bos: int) -> torch.Tensor:
    """教师强制的解码器输入：``<bos>`` 加上去掉最后一个词元的标签序列。"""
    return torch.cat([torch.full_like(Y[:, :1], bos), Y[:, :-1]], dim=1)


def _fit_batch(net: EncoderDecoder, batch, bos: int, optimizer, clip: float):
    """在一个小批量上做一步更新，返回 ``(损失之和, 有效词元数)``，两者都留在设备上。"""
    src, src_len, tgt, tgt_len = batch
    scores, _ = net(src, _shift_right(tgt, bos), src_len)
    per_seq = MaskedSoftmaxCELoss()(scores, tgt, tgt_len)   # 每个样本按总步数平均
    token_loss = per_seq.sum() * tgt.shape[1]                # = 所有有效词元的损失之和
    num_tokens = tgt_len.sum()
    optimizer.zero_grad()
    (token_loss / num_tokens).backward()
    grad_clipping(net, clip)
    optimizer.step()
    return token_loss.detach(), num_tokens


@dataclass
class Seq2SeqHistory:
    """:func:`train_seq2seq` 的返回值：每轮每个词元的平均损失、速度、设备和用时。"""

    loss: list[float] = field(default_factory=list)
    tokens_per_sec: float = 0.0
    device: str = "cpu"
    seconds: float = 0.0

    def _ipython_display_(self) -> None:
        """训练函数已经打印过小结，Notebook 里不再重复显示。"""


def train_seq2seq(net: EncoderDecoder, data_iter, lr: float, num_epochs: int, tgt_vocab: Vocab,
                  device=None, clip: float = 1.0) -> Seq2SeqHistory:
    """用教师强制（teacher forcing）和 Adam 训练编码器—解码器，画出每轮的损失。

    解码器输入是 ``<bos>`` 加上去掉最后一个词元的标签序列。

    >>> from d2lcode import seed
    >>> seed(0)
    >>> train_iter, src_vocab, tgt_vocab, _ = load_data_dates(16, 32, 4)
    >>> class Tiny(Decoder):
    ...     def __init__(self):
    ...         super().__init__(); self.emb = nn.Embedding(15, 8); self.out = nn.Linear(8, 15)
    ...     def init_state(self, enc_outputs, *args): return None
    ...     def forward(self, X, state): return self.out(self.emb(X)), state
    >>> net = EncoderDecoder(Seq2SeqEncoder(18, 8, 8, 1), Tiny())
    >>> h = train_seq2seq(net, train_iter, 0.05, 2, tgt_vocab, "cpu")  # doctest: +ELLIPSIS
    轮 1：损失 ...
    轮 2：损失 ...
    损失 ...，每秒 ... 个词元，设备 cpu，用时 ... 秒
    >>> len(h.loss), h.loss[1] < h.loss[0]
    (2, True)
    """
    if num_epochs < 1:
        raise ValueError(f"num_epochs 应为正整数，收到的是 {num_epochs}。")
    device = torch.device(try_gpu() if device is None else device)
    net.apply(_init_weights)
    net.to(device)
    trainer = torch.optim.Adam(net.parameters(), lr)
    bos = tgt_vocab["<bos>"]
    animator = Animator(xlabel="轮", ylabel="损失", xlim=[1, max(num_epochs, 2)])
    history = Seq2SeqHistory(device=str(device))
    start, seen_tokens = time.perf_counter(), 0
    net.train()
    for epoch in range(1, num_epochs + 1):
        # 累加留在设备上，每轮只读回一次
        loss_sum, token_sum = torch.zeros((), device=device), torch.zeros((), device=device)
        for batch in data_iter:
            batch_loss, batch_tokens = _fit_batch(net, [t.to(device) for t in batch], bos,
                                                  trainer, clip)
            loss_sum, token_sum = loss_sum + batch_loss, token_sum + batch_tokens
        if int(token_sum) == 0:
            raise ValueError("训练数据迭代器是空的：请检查数据集和批量大小。")
        history.loss.append(float(loss_sum) / int(token_sum))
        seen_tokens += int(token_sum)
        animator.add(epoch, history.loss[-1])
    history.seconds = time.perf_counter() - start
    history.tokens_per_sec = seen_tokens / history.seconds
    animator.show()
    print(f"损失 {history.loss[-1]:.3f}，每秒 {history.tokens_per_sec:.0f} 个词元，"
          f"设备 {device}，用时 {history.seconds:.1f} 秒")
    return history


@torch.no_grad()
def predict_seq2seq(net: EncoderDecoder, src_sentence, src_vocab: Vocab, tgt_vocab: Vocab,
                    num_steps: int, device=None, save_attention_weights: bool = False):
    """贪心预测：每一步取概率最大的词元，直到 ``<eos>`` 或 ``num_steps`` 步。

    ``src_sentence`` 可以是一个字符串或字符串列表（一次批量解码）。返回
    ``(预测, 注意力权重)``：单个字符串时预测是字符串，权重是形状
    ``(..., 输出步数, 源序列步数)`` 的张量（输出步数含 ``<eos>``；不保存时为 ``None``）；
    列表时两者都是列表。解码器须是 :class:`AttentionDecoder` 才能保存权重。
    """
    single = isinstance(src_sentence, str)
    sentences = [src_sentence] if single else list(src_sentence)
    if device is None:
        device = _model_device(net)
    net.eval()
    X, X_valid_len = build_array(sentences, src_vocab, max(len(s) for s in sentences) + 1)
    X, X_valid_len = X.to(device), X_valid_len.to(device)
    state = net.decoder.init_state(net.encoder(X, X_valid_len), X_valid_len)
    dec_X = torch.full((len(sentences), 1), tgt_vocab["<bos>"], device=device)
    eos = tgt_vocab["<eos>"]
    outputs, weights = [], []
    finished = torch.zeros(len(sentences), dtype=torch.bool, device=device)
    for _ in range(num_steps):
        Y, state = net.decoder(dec_X, state)
        dec_X = Y.argmax(dim=-1)
        outputs.append(dec_X)
        if save_attention_weights:
            weights.append(net.decoder.attention_weights.detach().cpu())
        finished |= dec_X[:, 0] == eos
        if bool(finished.all()):
            break
    tokens = torch.cat(outputs, dim=1).cpu()
    attention = torch.cat(weights, dim=-2) if weights else None
    preds, attns = [], []
    for i, row in enumerate(tokens.tolist()):
        n = row.index(eos) if eos in row else len(row)
        preds.append("".join(tgt_vocab.to_tokens(row[:n])))
        if attention is not None:
            k = int(X_valid_len[i])
            attns.append(attention[i, ..., : min(n + 1, len(row)), :k])
    if single:
        return preds[0], (attns[0] if attns else None)
    return preds, (attns if attns else None)


def evaluate_seq2seq(net: EncoderDecoder, pairs: Sequence[tuple[str, str]], src_vocab: Vocab,
                     tgt_vocab: Vocab, num_steps: int = TGT_STEPS, device=None,
                     batch_size: int = 500) -> tuple[float, float]:
    """在 ``(源, 目标)`` 字符串对上做贪心预测，返回 ``(整句完全正确的比例, 逐字符精度)``。

    逐字符精度 = 预测与目标在同一位置上字符相同的个数 / 目标的总字符数。
    """
    exact, chars, total = 0, 0, 0
    for i in range(0, len(pairs), batch_size):
        chunk = pairs[i: i + batch_size]
        preds, _ = predict_seq2seq(net, [s for s, _ in chunk], src_vocab, tgt_vocab, num_steps,
                                   device)
        for pred, (_, tgt) in zip(preds, chunk, strict=True):
            exact += pred == tgt
            chars += sum(a == b for a, b in zip(pred, tgt, strict=False))
            total += len(tgt)
    return exact / len(pairs), chars / total
