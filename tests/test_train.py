"""d2lcode.train 的单元测试：计时、累加、精度、从零实现的构件、训练函数（小数据）。"""

from __future__ import annotations

import time
import warnings

import pytest
import torch
from torch import nn

import d2lcode as d2l
from d2lcode import plt, train


def toy_data(n=256, seed=0):
    """线性可分的两类数据：第一维大于 0 为第 1 类。"""
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 2, generator=g)
    return X, (X[:, 0] > 0).long()


def test_timer():
    timer = d2l.Timer()
    time.sleep(0.01)
    first = timer.stop()
    timer.start()
    timer.stop()
    assert first >= 0.01 and len(timer.times) == 2
    assert timer.sum() == pytest.approx(sum(timer.times))
    assert timer.avg() == pytest.approx(timer.sum() / 2)
    assert timer.cumsum()[-1] == pytest.approx(timer.sum())


def test_accumulator():
    metric = d2l.Accumulator(3)
    metric.add(1, 2, torch.tensor(3.0))
    metric.add(1, 0, 0)
    assert (metric[0], metric[1], metric[2]) == (2.0, 2.0, 3.0)
    metric.reset()
    assert metric.data == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="3 个量"):
        metric.add(1, 2)


def test_accuracy_logits_labels_and_column_labels():
    logits = torch.tensor([[2.0, 1.0], [0.0, 3.0], [5.0, 1.0]])
    assert d2l.accuracy(logits, torch.tensor([0, 1, 1])) == 2.0
    assert d2l.accuracy(torch.tensor([1, 0]), torch.tensor([1, 1])) == 1.0
    assert d2l.accuracy(torch.tensor([[1], [0]]), torch.tensor([1, 0])) == 2.0


def test_accuracy_length_mismatch():
    with pytest.raises(ValueError, match="预测有 3 个而标签有 2 个"):
        d2l.accuracy(torch.zeros(3, 2), torch.zeros(2, dtype=torch.long))


def test_evaluate_accuracy_restores_mode_and_counts_all_batches():
    net = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    net.train()
    X, y = toy_data(10)
    batches = [(X[:6], y[:6]), (X[6:], y[6:])]
    with torch.no_grad():
        expected = d2l.accuracy(net[0](X), y) / 10
    assert d2l.evaluate_accuracy(net, batches) == pytest.approx(expected)  # eval：无 dropout
    assert net.training
    assert d2l.evaluate_accuracy_gpu(net, batches, device="cpu") == pytest.approx(expected)


def test_evaluate_accuracy_empty_iterator():
    with pytest.raises(ValueError, match="空的"):
        d2l.evaluate_accuracy(nn.Linear(2, 2), [])


def test_evaluate_loss_mean_and_per_example_losses():
    net = nn.Linear(1, 1, bias=False)
    nn.init.ones_(net.weight)
    X = torch.arange(4.0).reshape(4, 1)
    batches = [(X[:3], torch.zeros(3)), (X[3:], torch.zeros(1))]
    expected = (0 + 1 + 4 + 9) / 4
    assert d2l.evaluate_loss(net, batches, nn.MSELoss(reduction="none")) == expected
    assert d2l.evaluate_loss(net, batches, nn.MSELoss()) == expected  # 已取平均的损失也对
    with pytest.raises(ValueError, match="空的"):
        d2l.evaluate_loss(net, [], nn.MSELoss())


def test_linreg_squared_loss_and_sgd_fit_a_line():
    d2l.seed(0)
    true_w, true_b = torch.tensor([2.0, -3.4]), 4.2
    X, y = d2l.synthetic_data(true_w, true_b, 500)
    w = torch.zeros(2, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for _ in range(3):
        for Xb, yb in d2l.load_array((X, y), 10):
            d2l.squared_loss(d2l.linreg(Xb, w, b), yb).sum().backward()
            d2l.sgd([w, b], 0.03, 10)
    assert torch.allclose(w.detach().flatten(), true_w, atol=0.1)
    assert abs(b.item() - true_b) < 0.1


def test_squared_loss_and_sgd_errors():
    with pytest.raises(ValueError, match="应一样多"):
        d2l.squared_loss(torch.zeros(3, 1), torch.zeros(2))
    with pytest.raises(ValueError, match="backward"):
        d2l.sgd([torch.zeros(2, requires_grad=True)], 0.1, 1)


def test_train_epoch_with_custom_updater_and_optimizer():
    X, y = toy_data()
    W = torch.zeros(2, 2, requires_grad=True)

    def net(X):
        return X @ W

    loss = nn.CrossEntropyLoss(reduction="none")
    batches = list(d2l.load_array((X, y), 32))
    first, _ = d2l.train_epoch_ch3(net, batches, loss, lambda n: d2l.sgd([W], 0.5, n))
    second, acc = d2l.train_epoch_ch3(net, batches, loss, lambda n: d2l.sgd([W], 0.5, n))
    assert second < first and acc > 0.9
    model = nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    losses = [d2l.train_epoch_ch3(model, batches, loss, opt)[0] for _ in range(3)]
    assert losses[-1] < losses[0]


def test_train_epoch_reports_exact_loss_and_accuracy():
    net = nn.Linear(2, 2)
    X, y = toy_data(40)
    loss = nn.CrossEntropyLoss(reduction="none")
    with torch.no_grad():
        expected_loss = loss(net(X), y).mean().item()
        expected_acc = d2l.accuracy(net(X), y) / 40
    opt = torch.optim.SGD(net.parameters(), lr=0.0)  # 学习率为 0：参数不变
    got_loss, got_acc = d2l.train_epoch_ch3(net, [(X[:25], y[:25]), (X[25:], y[25:])], loss, opt)
    assert got_loss == pytest.approx(expected_loss, rel=1e-5)
    assert got_acc == pytest.approx(expected_acc)


def test_train_epoch_empty_iterator():
    with pytest.raises(ValueError, match="空的"):
        d2l.train_epoch_ch3(nn.Linear(2, 2), [], nn.CrossEntropyLoss(), lambda n: None)


def test_train_ch3_returns_history_and_prints_summary(capsys):
    X, y = toy_data()
    net = nn.Sequential(nn.Linear(2, 2))
    opt = torch.optim.SGD(net.parameters(), lr=0.3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = d2l.train_ch3(net, d2l.load_array((X, y), 32), d2l.load_array((X, y), 256, False),
                          nn.CrossEntropyLoss(reduction="none"), 4, opt)
    out, err = capsys.readouterr()
    assert err == ""
    assert isinstance(h, d2l.History)
    assert len(h.train_loss) == len(h.train_acc) == len(h.test_acc) == 4
    assert h.train_loss[-1] < h.train_loss[0]
    assert all(0 <= a <= 1 for a in h.train_acc + h.test_acc)
    assert h.examples_per_sec > 0 and h.seconds > 0 and h.device == "cpu"
    lines = out.splitlines()
    assert lines[0].startswith("轮 1：训练损失 ")
    assert lines[-2] == (f"损失 {h.train_loss[-1]:.3f}，训练精度 {h.train_acc[-1]:.3f}，"
                         f"测试精度 {h.test_acc[-1]:.3f}")
    assert lines[-1].startswith("每秒 ") and lines[-1].endswith("个样本，设备 cpu")
    assert h.final == {"train_loss": h.train_loss[-1], "train_acc": h.train_acc[-1],
                       "test_acc": h.test_acc[-1]}
    assert plt.get_fignums() == []  # 动画器的图不留在 pyplot 里


def test_train_ch3_rejects_zero_epochs():
    with pytest.raises(ValueError, match="num_epochs"):
        d2l.train_ch3(nn.Linear(2, 2), [], [], nn.CrossEntropyLoss(), 0, lambda n: None)


def test_history_without_epochs():
    with pytest.raises(ValueError, match="还没有训练"):
        _ = d2l.History().final
    assert d2l.History()._ipython_display_() is None


def test_train_ch6_on_fashion_mnist_subset(capsys):
    d2l.seed(0)
    train_iter, test_iter = d2l.load_data_fashion_mnist(64, n_train=512, n_test=128, seed=0)
    net = nn.Sequential(nn.Conv2d(1, 4, 5, padding=2), nn.ReLU(), nn.MaxPool2d(4),
                        nn.Flatten(), nn.Linear(4 * 7 * 7, 10))
    h = d2l.train_ch6(net, train_iter, test_iter, 2, 0.3, d2l.cpu())
    assert h.train_loss[-1] < h.train_loss[0]
    assert h.device == "cpu" and h.examples_per_sec > 0
    assert capsys.readouterr().err == ""


def test_train_ch6_cpu_layout_and_foreach(monkeypatch):
    """在 CPU 上：卷积权重换成 channels_last 布局，SGD 用 foreach 实现，网络照常可用。"""
    made = []
    original = torch.optim.SGD.__init__

    def recording_init(self, params, **kwargs):
        made.append(kwargs.get("foreach"))
        original(self, params, **kwargs)

    monkeypatch.setattr(torch.optim.SGD, "__init__", recording_init)
    X = torch.randn(16, 2, 8, 8)
    y = (X.mean((1, 2, 3)) > 0).long()
    net = nn.Sequential(nn.Conv2d(2, 3, 3), nn.ReLU(), nn.Flatten(), nn.Linear(3 * 6 * 6, 2))
    d2l.train_ch6(net, [(X, y)], [(X, y)], 1, 0.1, "cpu", momentum=0.9)
    assert made == [True]
    assert net[0].weight.is_contiguous(memory_format=torch.channels_last)
    assert not net[0].weight.is_contiguous()  # 2 个输入通道：两种布局确实不同
    assert net(X).shape == (16, 2)


def test_train_ch6_uses_xavier_init(monkeypatch):
    seen = []
    monkeypatch.setattr(nn.init, "xavier_uniform_", lambda w: seen.append(tuple(w.shape)))
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(2 * 2 * 2, 2))
    X = torch.randn(8, 1, 4, 4)
    y = torch.randint(0, 2, (8,))
    d2l.train_ch6(net, [(X, y)], [(X, y)], 1, 0.1)  # device 省略：try_gpu()
    assert seen == [(2, 1, 3, 3), (2, 8)]


def test_train_ch6_one_cycle_schedule(monkeypatch, capsys):
    """one_cycle=True：学习率每个小批量变化，先升到 lr 再降到接近 0；动量传给 SGD。"""
    lrs, momenta = [], []
    original = torch.optim.SGD.step

    def recording_step(self, *args, **kwargs):
        lrs.append(self.param_groups[0]["lr"])
        momenta.append(self.param_groups[0]["momentum"])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.SGD, "step", recording_step)
    X, y = toy_data(320)
    net = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    h = d2l.train_ch6(net, d2l.load_array((X, y), 32), d2l.load_array((X, y), 320, False),
                      3, 0.5, "cpu", momentum=0.9, one_cycle=True)
    assert len(lrs) == 30 and set(momenta) == {0.9}
    peak = lrs.index(max(lrs))
    assert 0 < peak < 29 and max(lrs) == pytest.approx(0.5, rel=0.05)
    assert lrs[0] < 0.1 and lrs[-1] < 0.01
    assert h.train_loss[-1] < h.train_loss[0]
    assert capsys.readouterr().err == ""


def test_train_ch6_defaults_to_plain_sgd(monkeypatch):
    lrs = []
    original = torch.optim.SGD.step
    monkeypatch.setattr(torch.optim.SGD, "step", lambda self, *a, **k: (
        lrs.append((self.param_groups[0]["lr"], self.param_groups[0]["momentum"]))
        or original(self, *a, **k)))
    X, y = toy_data(64)
    d2l.train_ch6(nn.Linear(2, 2), d2l.load_array((X, y), 32), [(X, y)], 2, 0.3, "cpu")
    assert lrs == [(0.3, 0.0)] * 4


def test_no_per_batch_device_sync(monkeypatch):
    """每轮只读回一次：训练循环里不对张量调用 item() / float()。"""
    calls = []
    original = torch.Tensor.item
    monkeypatch.setattr(torch.Tensor, "item", lambda t: calls.append(1) or original(t))
    monkeypatch.setattr(torch.Tensor, "__float__", lambda t: calls.append(1) or original(t))
    X, y = toy_data(320)
    batches = list(d2l.load_array((X, y), 10))  # 32 个小批量
    train._run_epoch(nn.Linear(2, 2), batches, nn.CrossEntropyLoss(),
                     torch.optim.SGD(nn.Linear(2, 2).parameters(), lr=0.1), None)
    assert len(calls) == 2  # 损失总和与正确数各一次


def test_init_xavier_only_touches_linear_and_conv():
    bn = nn.BatchNorm2d(2)
    d2l.init_xavier(bn)
    assert torch.equal(bn.weight, torch.ones(2))


def test_predict_ch3_titles():
    X = torch.zeros(8, 1, 28, 28)
    y = torch.arange(8)
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    nn.init.zeros_(net[1].weight)
    with torch.no_grad():
        net[1].bias.copy_(torch.arange(10.0))  # 总是预测第 9 类“短靴”
    assert d2l.predict_ch3(net, [(X, y)], n=3) is None
    titles = [ax.get_title() for ax in plt.gcf().axes]
    assert titles == ["T恤\n短靴", "裤子\n短靴", "套衫\n短靴"]
