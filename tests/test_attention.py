"""注意力机制一章的辅助代码：d2lcode.attention、d2lcode.transformer、d2lcode.seq2seq。"""

from __future__ import annotations

import datetime

import pytest
import torch
from torch import nn

from d2lcode import attention as A
from d2lcode import seq2seq as S
from d2lcode import transformer as T


def test_sequence_mask_and_masked_softmax_zero_weight():
    torch.manual_seed(0)
    X = torch.randn(3, 4, 6)
    valid = torch.tensor([1, 4, 6])
    W = A.masked_softmax(X, valid)
    assert torch.allclose(W.sum(-1), torch.ones(3, 4))
    for b, n in enumerate(valid.tolist()):
        assert W[b, :, n:].abs().max() < 1e-6 if n < 6 else True
        # 有效位置上与普通 softmax 相同
        assert torch.allclose(W[b, :, :n], torch.softmax(X[b, :, :n], -1), atol=1e-6)
    assert torch.equal(A.sequence_mask(torch.ones(2, 3), torch.tensor([0, 2])),
                       torch.tensor([[0., 0., 0.], [1., 1., 0.]]))


def test_masked_softmax_per_query_lengths_and_errors():
    X = torch.randn(2, 3, 5)
    lens = torch.tensor([[1, 2, 3], [5, 4, 3]])
    W = A.masked_softmax(X, lens)
    nonzero = (W > 1e-6).sum(-1)
    assert torch.equal(nonzero, lens)
    assert torch.allclose(A.masked_softmax(X, None), torch.softmax(X, -1))
    with pytest.raises(ValueError, match="三维"):
        A.masked_softmax(torch.zeros(2, 3), None)
    with pytest.raises(ValueError, match="valid_lens"):
        A.masked_softmax(X, torch.tensor([1, 2, 3]))


def test_additive_and_dot_product_shapes_and_errors():
    q, k, v = torch.randn(2, 3, 5), torch.randn(2, 7, 4), torch.randn(2, 7, 6)
    add = A.AdditiveAttention(4, 5, 8, 0.0)
    assert add(q, k, v, torch.tensor([2, 7])).shape == (2, 3, 6)
    assert add.attention_weights.shape == (2, 3, 7)
    assert add.attention_weights[0, :, 2:].max() < 1e-6
    dot = A.DotProductAttention(0.0)
    with pytest.raises(ValueError, match="长度相同"):
        dot(q, k, v)
    with pytest.raises(ValueError, match="一一对应"):
        dot(torch.randn(2, 3, 4), k, torch.randn(2, 6, 6))
    out = dot(torch.randn(2, 3, 4), k, v, torch.tensor([3, 3]))
    assert out.shape == (2, 3, 6)


def test_transpose_qkv_inverse_and_error():
    X = torch.randn(3, 5, 12)
    for h in (1, 2, 3, 4, 6):
        assert torch.equal(A.transpose_output(A.transpose_qkv(X, h), h), X)
    with pytest.raises(ValueError, match="整除"):
        A.transpose_qkv(X, 5)


def test_multihead_equals_separate_heads():
    """批量实现与逐个头分别计算再连结的结果相同。"""
    torch.manual_seed(0)
    h, d = 4, 16
    mha = A.MultiHeadAttention(d, d, d, d, h, 0.0).eval()
    q, kv = torch.randn(2, 3, d), torch.randn(2, 5, d)
    lens = torch.tensor([2, 5])
    out = mha(q, kv, kv, lens)
    Q, K, V = mha.proj_q(q), mha.proj_k(kv), mha.proj_v(kv)
    heads = []
    for i in range(h):
        s = slice(i * d // h, (i + 1) * d // h)
        heads.append(A.DotProductAttention(0.0)(Q[..., s], K[..., s], V[..., s], lens))
    expected = mha.proj_out(torch.cat(heads, dim=-1))
    assert torch.allclose(out, expected, atol=1e-6)
    assert mha.attention_weights.shape == (2 * h, 3, 5)


def test_positional_encoding_properties():
    d = 16
    pe = A.PositionalEncoding(d, 0.0, max_len=200)
    P = pe.P[0]
    assert P.abs().max() <= 1.0
    # 每对 (sin, cos) 的平方和为 1
    assert torch.allclose(P[:, 0::2] ** 2 + P[:, 1::2] ** 2, torch.ones(200, d // 2), atol=1e-5)
    # 相对位置：p_{i+k} 是 p_i 的线性函数（每对维度旋转一个只依赖 k 的角度）
    k = 7
    freq = torch.pow(10000, -torch.arange(0, d, 2).float() / d)
    cos, sin = torch.cos(k * freq), torch.sin(k * freq)
    s_i, c_i = P[:-k, 0::2], P[:-k, 1::2]
    assert torch.allclose(P[k:, 0::2], s_i * cos + c_i * sin, atol=1e-4)
    assert torch.allclose(P[k:, 1::2], c_i * cos - s_i * sin, atol=1e-4)
    assert torch.allclose(pe(torch.zeros(1, 3, d), offset=5), P[5:8][None])
    with pytest.raises(ValueError, match="max_len"):
        pe(torch.zeros(1, 201, d))


def test_addnorm_and_ffn():
    add_norm = T.AddNorm([4], 0.0)
    Y = add_norm(torch.randn(2, 3, 4), torch.randn(2, 3, 4))
    assert torch.allclose(Y.mean(-1), torch.zeros(2, 3), atol=1e-5)
    with pytest.raises(ValueError, match="形状相同"):
        add_norm(torch.randn(2, 3, 4), torch.randn(2, 4, 4))
    ffn = T.PositionWiseFFN(4, 8, 4)
    X = torch.randn(2, 3, 4)
    # 每个位置独立：打乱位置顺序，输出也跟着同样打乱
    perm = torch.tensor([2, 0, 1])
    assert torch.allclose(ffn(X)[:, perm], ffn(X[:, perm]), atol=1e-6)


def _tiny_transformer(src_vocab, tgt_vocab, d=32, heads=4, layers=2):
    enc = T.TransformerEncoder(len(src_vocab), d, d, d, d, [d], d, 64, heads, layers, 0.0)
    dec = T.TransformerDecoder(len(tgt_vocab), d, d, d, d, [d], d, 64, heads, layers, 0.0)
    return S.EncoderDecoder(enc, dec)


def test_transformer_incremental_decoding_matches_full_sequence():
    torch.manual_seed(0)
    net = _tiny_transformer(range(10), range(12)).eval()
    X, lens = torch.randint(0, 10, (3, 6)), torch.tensor([6, 4, 2])
    Y = torch.randint(0, 12, (3, 5))
    full, _ = net(X, Y, lens)
    state = net.decoder.init_state(net.encoder(X, lens), lens)
    steps = []
    for t in range(5):
        out, state = net.decoder(Y[:, t:t + 1], state)
        steps.append(out)
    assert torch.allclose(full, torch.cat(steps, 1), atol=1e-5)
    # 被掩蔽的源位置得不到权重
    w = net.decoder.attention_weights
    assert w.shape == (3, 2, 4, 1, 6)
    assert w[2, ..., 2:].max() < 1e-6


def test_date_data_is_deterministic_and_split():
    assert S.date_to_chinese(datetime.date(2024, 3, 15)) == "二〇二四年三月十五日"
    assert S.date_to_chinese(datetime.date(2010, 10, 31)) == "二〇一〇年十月三十一日"
    assert S.date_to_chinese(datetime.date(1900, 1, 1)) == "一九〇〇年一月一日"
    pairs = S.generate_dates(300, seed=1)
    assert pairs == S.generate_dates(300, seed=1)
    assert len({t for _, t in pairs}) == 300
    train_iter, src_vocab, tgt_vocab, test = S.load_data_dates(50, 200, 100, seed=2)
    train_tgts = set()
    for X, X_len, Y, Y_len in train_iter:
        assert X.shape[1] == 13 and Y.shape[1] == 11
        assert (Y_len == 11).all() and (X_len <= 13).all()
        for row in Y:
            train_tgts.add("".join(tgt_vocab.to_tokens(row[:10])))
    assert len(train_tgts) == 200 and not train_tgts & {t for _, t in test}
    assert src_vocab["<unk>"] == 0 and src_vocab["二"] != 0
    with pytest.raises(ValueError, match="不重复"):
        S.generate_dates(10**6)


def test_masked_loss_ignores_padding():
    loss = S.MaskedSoftmaxCELoss()
    pred = torch.randn(2, 4, 5)
    label = torch.randint(0, 5, (2, 4))
    a = loss(pred, label, torch.tensor([2, 4]))
    pred2 = pred.clone()
    pred2[0, 2:] = 100.0                           # 改动填充位置不影响损失
    assert torch.allclose(a, loss(pred2, label, torch.tensor([2, 4])))


def test_tiny_transformer_training_loss_falls_and_predicts():
    torch.manual_seed(0)
    train_iter, src_vocab, tgt_vocab, test = S.load_data_dates(64, 256, 16, seed=0)
    net = _tiny_transformer(src_vocab, tgt_vocab)
    h = S.train_seq2seq(net, train_iter, 0.005, 4, tgt_vocab, "cpu")
    assert h.loss[-1] < 0.7 * h.loss[0]
    preds, attns = S.predict_seq2seq(net, [s for s, _ in test[:3]], src_vocab, tgt_vocab, 11,
                                     "cpu", save_attention_weights=True)
    assert len(preds) == 3 and all(isinstance(p, str) for p in preds)
    assert attns[0].shape[:2] == (2, 4) and attns[0].shape[-1] == len(test[0][0]) + 1
    assert torch.allclose(attns[0].sum(-1), torch.ones(attns[0].shape[:-1]), atol=1e-5)
    exact, per_char = S.evaluate_seq2seq(net, test, src_vocab, tgt_vocab)
    assert 0.0 <= exact <= per_char <= 1.0


def test_seq2seq_encoder_rejects_wrong_shape():
    enc = S.Seq2SeqEncoder(10, 4, 8, 1)
    with pytest.raises(ValueError, match="批量大小, 步数"):
        enc(torch.zeros(2, 3, 4, dtype=torch.long))
    assert isinstance(enc.rnn, nn.GRU)


def test_positional_encoding_matches_formula_for_odd_width():
    d = 7
    P = A.PositionalEncoding(d, 0.0, max_len=30).P[0]
    i = torch.arange(30.)[:, None]
    j = torch.arange(d)[None, :]
    angle = i / 10000 ** ((j - j % 2) / d)
    expected = torch.where(j % 2 == 0, torch.sin(angle), torch.cos(angle))
    assert P.shape == (30, d) and torch.allclose(P, expected, atol=1e-5)


@pytest.mark.parametrize("use_bias", [False, True])
def test_decoder_block_honours_use_bias(use_bias):
    """DecoderBlock 的 use_bias 传给两个多头注意力的全部投影层（课程版忽略了这个参数）。"""
    blk = T.DecoderBlock(8, 8, 8, 8, [8], 8, 16, 2, 0.0, 0, use_bias=use_bias)
    for attn in (blk.self_attn, blk.cross_attn):
        for proj in (attn.proj_q, attn.proj_k, attn.proj_v, attn.proj_out):
            assert (proj.bias is not None) == use_bias
    dec = T.TransformerDecoder(10, 8, 8, 8, 8, [8], 8, 16, 2, 2, 0.0, use_bias=use_bias)
    assert all((b.self_attn.proj_q.bias is not None) == use_bias for b in dec.blocks)
    enc = T.EncoderBlock(8, 8, 8, 8, [8], 8, 16, 2, 0.0, use_bias=use_bias)
    assert (enc.self_attn.proj_v.bias is not None) == use_bias
    state = [torch.randn(2, 5, 8), torch.tensor([5, 3]), [None]]
    assert blk(torch.randn(2, 4, 8), state)[0].shape == (2, 4, 8)
