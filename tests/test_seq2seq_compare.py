"""长输入比较一节用到的 d2lcode：BLEU、长数字串数据、按长度评估、两个 GRU 解码器。"""

from __future__ import annotations

import math

import pytest
import torch

import d2lcode as d2l
from d2lcode import digits

# ---------- d2l.bleu ----------

def test_bleu_perfect_and_hand_computed():
    assert d2l.bleu("a b c d", "a b c d", k=4) == 1.0
    # 一元语法对 3/4，二元语法对 2/3（a b、b c），长度相同没有惩罚
    expected = 0.75 ** 0.5 * (2 / 3) ** 0.25
    assert d2l.bleu("a b c d", "a b c e", k=2) == pytest.approx(expected)


def test_bleu_brevity_penalty_only_when_shorter():
    assert d2l.bleu("1 2 3", "1 2 3 4 5 6", k=2) == pytest.approx(math.exp(1 - 6 / 3))
    # 预测更长时没有长度惩罚，只有精度下降：一元 4/5、二元 3/4
    assert d2l.bleu("1 2 3 4 4", "1 2 3 4", k=2) == pytest.approx(0.8 ** 0.5 * 0.75 ** 0.25)


def test_bleu_clips_repeated_matches():
    # 标签里只有一个 1，预测写了四个 1：只能匹配一次
    assert d2l.bleu("1 1 1 1", "1 2 3 4", k=1) == pytest.approx(0.25 ** 0.5)


def test_bleu_edge_cases():
    assert d2l.bleu("", "1 2 3", k=2) == 0.0                      # 空预测
    assert d2l.bleu("1 2", "1 2", k=4) == 1.0                     # k 大于长度
    assert d2l.bleu("1", "1 2 3", k=4) == pytest.approx(math.exp(1 - 3))
    assert d2l.bleu("3 2 1", "1 2 3", k=3) < d2l.bleu("1 2 3", "1 2 3", k=3)
    with pytest.raises(ValueError, match="标签序列是空的"):
        d2l.bleu("1 2", "  ", k=2)
    with pytest.raises(ValueError, match="正整数"):
        d2l.bleu("1 2", "1 2", k=0)


# ---------- 长数字串数据 ----------

def test_generate_digits_rules():
    pairs = d2l.generate_digits(300, [3, 5, 8], seed=4)
    assert pairs == d2l.generate_digits(300, [3, 5, 8], seed=4)
    assert pairs != d2l.generate_digits(300, [3, 5, 8], seed=5)
    assert len({s for s, _ in pairs}) == 300
    chinese = "〇一二三四五六七八九"
    for src, tgt in pairs:
        assert len(src) in (3, 5, 8) and tgt[0] != "0"
        assert "".join(chinese[int(d)] for d in tgt) == src


def test_generate_digits_exclude_and_exhausted_length():
    # 长度 1 只有 9 个数字串：用完后不能卡住，其余从长度 4 抽
    pairs = d2l.generate_digits(30, [1, 4], seed=0)
    assert sum(len(s) == 1 for s, _ in pairs) <= 9 and len(pairs) == 30
    first = d2l.generate_digits(5, [2], seed=0)
    more = d2l.generate_digits(80, [2], seed=0, exclude={s for s, _ in first})
    assert not {s for s, _ in first} & {s for s, _ in more}
    with pytest.raises(ValueError, match="只剩 9 个"):
        d2l.generate_digits(10, [1])


def test_load_data_digits_split_by_length():
    train_iter, src_vocab, tgt_vocab, test = d2l.load_data_digits(16, 200, [3, 4, 5], [4, 7], 20)
    train_src = {"".join(src_vocab.to_tokens(row[:n - 1]))
                 for X, X_len, _, _ in train_iter for row, n in zip(X, X_len.tolist(), strict=True)}
    assert len(train_src) == 200 and {len(s) for s in train_src} == {3, 4, 5}
    assert [len(s) for s, _ in test] == [4] * 20 + [7] * 20
    assert not train_src & {s for s, _ in test}              # 留出的样本不在训练集里
    X, X_len, Y, Y_len = next(iter(train_iter))
    assert X.shape == Y.shape == (16, 8) and bool((X_len == Y_len).all())


def test_evaluate_by_length(monkeypatch):
    pairs = [("一二三", "123"), ("四五六", "456"), ("一二三四五", "12345")]
    fake = ["123", "45", "12345"]
    monkeypatch.setattr(digits, "predict_seq2seq", lambda *a, **k: (fake, None))
    stats = d2l.evaluate_by_length(None, pairs, None, None, k=2)
    assert list(stats) == [3, 5]
    assert stats[3]["样本数"] == 2 and stats[3]["整句精度"] == 0.5
    assert stats[3]["BLEU"] == pytest.approx((1 + math.exp(1 - 3 / 2)) / 2)
    assert stats[5] == {"样本数": 1, "整句精度": 1.0, "BLEU": 1.0}
    with pytest.raises(ValueError, match="空的"):
        d2l.evaluate_by_length(None, [], None, None)


# ---------- 编码器和两个解码器 ----------

def test_encoder_state_ignores_padding():
    d2l.seed(0)
    encoder = d2l.Seq2SeqEncoder(10, 4, 8, 2).eval()
    X = torch.tensor([[5, 6, 7, 3, 1, 1, 1, 1], [4, 3, 1, 1, 1, 1, 1, 1]])
    lens = torch.tensor([4, 2])
    with torch.no_grad():
        _, long_state = encoder(X, lens)
        _, short_state = encoder(X[:, :4], lens)
        _, unpacked = encoder(X)
    assert torch.allclose(long_state, short_state, atol=1e-6)
    assert not torch.allclose(long_state, unpacked, atol=1e-3)   # 不给长度时读过了填充


@pytest.mark.parametrize("decoder_class", [d2l.Seq2SeqDecoder, d2l.Seq2SeqAttentionDecoder])
def test_stepwise_decoding_matches_teacher_forcing(decoder_class):
    d2l.seed(1)
    encoder = d2l.Seq2SeqEncoder(10, 4, 8, 1).eval()
    decoder = decoder_class(12, 4, 8, 1).eval()
    X, lens = torch.randint(3, 10, (3, 6)), torch.tensor([6, 4, 2])
    Y = torch.randint(3, 12, (3, 5))
    with torch.no_grad():
        enc = encoder(X, lens)
        whole, _ = decoder(Y, decoder.init_state(enc, lens))
        state, steps = decoder.init_state(enc, lens), []
        for t in range(Y.shape[1]):
            out, state = decoder(Y[:, t:t + 1], state)
            steps.append(out)
    assert torch.allclose(whole, torch.cat(steps, dim=1), atol=1e-5)


def test_attention_decoder_masks_padding():
    d2l.seed(2)
    encoder = d2l.Seq2SeqEncoder(10, 4, 8, 1)
    decoder = d2l.Seq2SeqAttentionDecoder(12, 4, 8, 1)
    X, lens = torch.randint(3, 10, (2, 6)), torch.tensor([6, 3])
    with torch.no_grad():
        decoder(torch.randint(3, 12, (2, 4)), decoder.init_state(encoder(X, lens), lens))
    weights = decoder.attention_weights
    assert weights.shape == (2, 4, 6)
    assert float(weights[1, :, 3:].abs().max()) == 0.0
    assert torch.allclose(weights.sum(-1), torch.ones(2, 4))
