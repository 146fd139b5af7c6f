"""比较序列模型用的生成任务：把很长的中文数字串逐位写成阿拉伯数字。

例如 ``"三〇七二九一五八四" → "307291584"``。每个输出数字都要从输入的一个确定位置取来，
规则再简单不过，难处只在长度：没有注意力的编码器—解码器只能把整串数字压进一个定长的向量，
输入越长，要记住的就越多；有注意力的模型每一步都可以回头去看需要的那个位置。

:func:`load_data_digits` 按长度留出：训练只用较短的数字串，测试集还包括训练时没见过的更长的数字串。
:func:`evaluate_by_length` 按输入长度统计整句精度和 BLEU。
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from .data import ArrayLoader
from .metrics import bleu
from .seq2seq import Vocab, build_array, predict_seq2seq

__all__ = ["evaluate_by_length", "generate_digits", "load_data_digits"]

_CHINESE = "〇一二三四五六七八九"


def generate_digits(num: int, lengths: Sequence[int], seed: int = 0,
                    exclude: set[str] = frozenset()) -> list[tuple[str, str]]:
    """生成 ``num`` 个不重复的 ``(中文数字串, 阿拉伯数字串)``。

    每个样本的长度从 ``lengths`` 里均匀抽取，首位不为 0；``exclude`` 里的中文数字串不会出现。

    >>> generate_digits(2, [7], seed=1)
    [('二四一七七七六', '2417776'), ('二七〇六六九〇', '2706690')]
    >>> generate_digits(3, [4, 5]) == generate_digits(3, [4, 5])  # 同一种子，同样的数据
    True
    """
    if not lengths or min(lengths) < 1:
        raise ValueError(f"lengths 应是正整数的列表，收到的是 {list(lengths)}。")
    # 每个长度还剩多少个没用过的数字串：用完的长度不再抽取
    left = {n: 9 * 10 ** (n - 1) - sum(len(s) == n for s in exclude) for n in set(lengths)}
    if num > sum(left.values()):
        raise ValueError(f"长度为 {sorted(left)} 的数字串只剩 {sum(left.values())} 个，"
                         f"无法不重复地抽取 {num} 个：请减少 num 或加入更长的长度。")
    rng, seen, pairs = random.Random(seed), set(exclude), []
    while len(pairs) < num:
        n = rng.choice(lengths)
        if not left[n]:
            continue
        digits = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))
        src = "".join(_CHINESE[int(d)] for d in digits)
        if src not in seen:
            seen.add(src)
            left[n] -= 1
            pairs.append((src, digits))
    return pairs


def load_data_digits(batch_size: int, num_train: int, train_lengths: Sequence[int],
                     test_lengths: Sequence[int], num_test_per_length: int = 100, seed: int = 0):
    """长数字串的转写数据：返回 ``(train_iter, src_vocab, tgt_vocab, test_pairs)``。

    训练集的长度取自 ``train_lengths``；``test_lengths`` 的每个长度各留出
    ``num_test_per_length`` 个训练集里没有的数字串（可以比训练时更长）。
    ``train_iter`` 的小批量是 ``(X, X_valid_len, Y, Y_valid_len)``，步数按所有长度中
    最长的一个确定（加上 ``<eos>``）。

    >>> train_iter, src_vocab, tgt_vocab, test = load_data_digits(8, 40, [3, 4], [3, 6], 5)
    >>> X, X_len, Y, Y_len = next(iter(train_iter))
    >>> X.shape, Y.shape, len(test), len(src_vocab), len(tgt_vocab)
    (torch.Size([8, 7]), torch.Size([8, 7]), 10, 14, 14)
    """
    train = generate_digits(num_train, train_lengths, seed)
    seen = {s for s, _ in train}
    test = []
    for k, n in enumerate(test_lengths):
        test += generate_digits(num_test_per_length, [n], seed + 1000 + k, exclude=seen)
    reserved = ["<pad>", "<bos>", "<eos>"]
    src_vocab, tgt_vocab = Vocab(_CHINESE, reserved), Vocab("0123456789", reserved)
    longest = max([*train_lengths, *test_lengths])
    X, X_len = build_array([s for s, _ in train], src_vocab, longest + 1)   # 加上 <eos>
    Y, Y_len = build_array([t for _, t in train], tgt_vocab, longest + 1)
    train_iter = ArrayLoader((X, X_len, Y, Y_len), batch_size, shuffle=True, seed=seed)
    return train_iter, src_vocab, tgt_vocab, test


def evaluate_by_length(net, pairs: Sequence[tuple[str, str]], src_vocab: Vocab,
                       tgt_vocab: Vocab, device=None, k: int = 2
                       ) -> dict[int, dict[str, float]]:
    """按输入长度分组做贪心预测，返回 ``{长度: {"样本数", "整句精度", "BLEU"}}``。

    BLEU 用 :func:`d2lcode.bleu` 按字符计算（最长 ``k`` 元语法），对组内样本求平均。
    """
    if not pairs:
        raise ValueError("pairs 是空的：没有可以评估的样本。")
    num_steps = max(len(t) for _, t in pairs) + 1
    preds, _ = predict_seq2seq(net, [s for s, _ in pairs], src_vocab, tgt_vocab, num_steps,
                               device)
    stats: dict[int, dict[str, float]] = {}
    for (src, tgt), pred in zip(pairs, preds, strict=True):
        row = stats.setdefault(len(src), {"样本数": 0, "整句精度": 0.0, "BLEU": 0.0})
        row["样本数"] += 1
        row["整句精度"] += pred == tgt
        row["BLEU"] += bleu(" ".join(pred), " ".join(tgt), k)
    for row in stats.values():
        row["整句精度"] /= row["样本数"]
        row["BLEU"] /= row["样本数"]
    return dict(sorted(stats.items()))
