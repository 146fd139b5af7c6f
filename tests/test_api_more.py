"""其余公开名字的单元测试：设备与预算、绘图设置、词表、梯度裁剪、编解码器接口、Transformer 块。"""

from __future__ import annotations

import pytest
import torch
from matplotlib import font_manager
from torch import nn

import d2lcode as d2l
from d2lcode import plt


@pytest.mark.parametrize(("env", "expected"), [
    ({}, 3), ({"D2L_SMOKE": "1"}, 1), ({"D2L_FULL": "1"}, 10),
    ({"D2L_FULL": "0"}, 3), ({"D2L_SMOKE": "1", "D2L_FULL": "1"}, 1),
])
def test_budget_follows_mode(monkeypatch, env, expected):
    monkeypatch.delenv("D2L_SMOKE", raising=False)
    monkeypatch.setenv("D2L_FULL", "0")  # 有 GPU 的机器上也按 CPU 档位开始
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert d2l.budget(cpu=3, full=10, smoke=1) == expected


def test_budget_explicit_none_differs_from_omitted(monkeypatch):
    monkeypatch.delenv("D2L_SMOKE", raising=False)
    monkeypatch.setenv("D2L_FULL", "1")
    assert d2l.budget(cpu=30000, full=None) is None       # 完整设置：全部数据
    assert d2l.budget(cpu=30000) == 30000                 # 省略：与 CPU 设置相同
    monkeypatch.setenv("D2L_SMOKE", "1")
    assert d2l.budget(cpu=30000, smoke=None) is None
    assert d2l.budget(cpu=30000, full=None) == 30000


def test_gpu_helpers_agree():
    n = d2l.num_gpus()
    devices = d2l.try_all_gpus()
    assert n >= 0 and len(devices) >= 1
    if n == 0:
        assert d2l.try_gpu() in (d2l.cpu(), torch.device("mps"))
        assert d2l.try_gpu(n + 5) == d2l.try_gpu()
    else:
        assert len(devices) == n and all(d.type == "cuda" for d in devices)


def test_plot_settings_and_font():
    name = d2l.cjk_font()
    assert name is not None
    assert font_manager.findfont(name, fallback_to_default=False)
    assert plt.rcParams["font.sans-serif"][0] == name
    d2l.use_svg_display()
    assert plt.rcParams["svg.fonttype"] == "path"
    d2l.set_figsize((4.0, 3.0))
    assert tuple(plt.figure().get_size_inches()) == (4.0, 3.0)
    plt.close("all")


def test_show_images_grid_titles_and_error():
    axes = d2l.show_images([torch.rand(28, 28), torch.rand(1, 28, 28), torch.rand(3, 8, 8)],
                           1, 3, titles=["甲", "乙", "丙"])
    assert [ax.get_title() for ax in axes] == ["甲", "乙", "丙"]
    assert not axes[0].get_xaxis().get_visible()
    with pytest.raises(ValueError, match="放不进"):
        d2l.show_images(torch.zeros(5, 4, 4), 2, 2)
    plt.close("all")


def test_vocab_round_trip_and_unknown():
    vocab = d2l.Vocab("2024-", reserved_tokens=["<pad>", "<eos>"])
    assert vocab["<unk>"] == vocab.unk == 0 and vocab["?"] == 0
    ids = vocab[list("2042")]
    assert "".join(vocab.to_tokens(torch.tensor(ids))) == "2042"
    assert vocab.to_tokens(ids[0]) == ["2"]
    assert len(vocab) == 3 + len(set("2024-"))


def test_grad_clipping_limits_norm():
    net = nn.Linear(4, 3)
    net(torch.full((2, 4), 100.0)).sum().backward()
    d2l.grad_clipping(net, 1.0)
    norm = torch.sqrt(sum((p.grad ** 2).sum() for p in net.parameters()))
    assert norm == pytest.approx(1.0, rel=1e-4)


def test_encoder_decoder_interfaces_raise_chinese_errors():
    with pytest.raises(NotImplementedError, match="子类"):
        d2l.Encoder()(torch.zeros(1))
    with pytest.raises(NotImplementedError, match="init_state"):
        d2l.Decoder().init_state(None)
    with pytest.raises(NotImplementedError, match="forward"):
        d2l.Decoder()(torch.zeros(1), None)
    with pytest.raises(NotImplementedError, match="attention_weights"):
        _ = d2l.AttentionDecoder().attention_weights


def test_encoder_and_decoder_blocks_keep_shape_and_cache_steps():
    torch.manual_seed(0)
    enc = d2l.EncoderBlock(16, 16, 16, 16, [16], 16, 32, 4, 0.0).eval()
    X = torch.randn(2, 5, 16)
    Y = enc(X, torch.tensor([5, 3]))
    assert Y.shape == X.shape
    dec = d2l.DecoderBlock(16, 16, 16, 16, [16], 16, 32, 4, 0.0, 0).eval()
    state = [Y, torch.tensor([5, 3]), [None]]
    out, state = dec(torch.randn(2, 1, 16), state)
    out2, state = dec(torch.randn(2, 1, 16), state)
    assert out.shape == out2.shape == (2, 1, 16)
    assert state[2][0].shape == (2, 2, 16)  # 缓存了两步的输入


def test_train_seq2seq_rejects_zero_epochs_and_empty_data():
    train_iter, src_vocab, tgt_vocab, _ = d2l.load_data_dates(8, 16, 4)
    net = d2l.EncoderDecoder(d2l.Seq2SeqEncoder(len(src_vocab), 8, 8, 1),
                             d2l.TransformerDecoder(len(tgt_vocab), 8, 8, 8, 8, [8], 8, 16,
                                                    2, 1, 0.0))
    with pytest.raises(ValueError, match="num_epochs"):
        d2l.train_seq2seq(net, train_iter, 0.01, 0, tgt_vocab, "cpu")
    with pytest.raises(ValueError, match="空的"):
        d2l.train_seq2seq(net, [], 0.01, 1, tgt_vocab, "cpu")
    plt.close("all")


def test_animator_accepts_a_single_format_string():
    animator = d2l.Animator(legend=["a", "b"], fmts="m--")
    animator.add(1, (1.0, 2.0))
    animator.add(2, (0.5, 1.5))
    animator._draw()
    assert [line.get_linestyle() for line in animator.axes[0].get_lines()] == ["--", "--"]
