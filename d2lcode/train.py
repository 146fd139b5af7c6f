"""训练与评估：计时器、累加器、精度、从零实现的模型/损失/优化器，以及第 3、6 章的训练函数。

训练函数每个小批量只在设备上累加损失和正确数（``.detach()``），每轮读回一次，
不在每个小批量上等待设备，GPU 上明显更快。它们返回 :class:`History`，
并用 :class:`~d2lcode.animator.Animator` 画出一张训练曲线图。
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import torch
from torch import nn

from .animator import Animator
from .data import get_fashion_mnist_labels
from .metrics import Timer
from .plot import show_images

__all__ = [
    "History", "accuracy", "evaluate_accuracy", "evaluate_accuracy_gpu", "evaluate_loss",
    "init_normal", "init_xavier", "linreg", "predict_ch3", "sgd",
    "squared_loss", "train_ch3", "train_ch6", "train_epoch_ch3",
]


@dataclass
class History:
    """训练函数的返回值：每轮的训练损失、训练精度、测试精度，以及速度和设备。

    ``final`` 是最后一轮的三个指标。在 Notebook 里作为单元格的最后一个表达式时
    不再重复显示（训练函数已经打印过小结）；需要时用 ``print(history)``。

    >>> h = History([0.5, 0.3], [0.8, 0.9], [0.78, 0.86], 1234.5, "cpu", 2.0)
    >>> h.final
    {'train_loss': 0.3, 'train_acc': 0.9, 'test_acc': 0.86}
    >>> print(h)
    损失 0.300，训练精度 0.900，测试精度 0.860
    每秒 1234.5 个样本，设备 cpu
    """

    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)
    examples_per_sec: float = 0.0
    device: str = "cpu"
    seconds: float = 0.0

    @property
    def final(self) -> dict[str, float]:
        """最后一轮的 ``train_loss``、``train_acc``、``test_acc``。"""
        if not self.train_loss:
            raise ValueError("还没有训练过任何一轮，没有最终结果。")
        return {"train_loss": self.train_loss[-1], "train_acc": self.train_acc[-1],
                "test_acc": self.test_acc[-1]}

    def __str__(self) -> str:
        f = self.final
        return (f"损失 {f['train_loss']:.3f}，训练精度 {f['train_acc']:.3f}，"
                f"测试精度 {f['test_acc']:.3f}\n"
                f"每秒 {self.examples_per_sec:.1f} 个样本，设备 {self.device}")

    def _ipython_display_(self) -> None:
        """训练函数已经打印过小结，Notebook 里不再重复显示。"""


def _check_lengths(y_hat: torch.Tensor, y: torch.Tensor) -> None:
    if len(y_hat) != len(y):
        raise ValueError(f"预测有 {len(y_hat)} 个而标签有 {len(y)} 个：两者应一一对应，"
                         "请检查是否用错了小批量。")


def _num_correct(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """预测正确的个数，留在设备上的张量（不同步）。"""
    _check_lengths(y_hat, y)
    scores = y_hat.ndim > 1 and y_hat.shape[1] > 1  # 每行是各类的得分，而不是类别本身
    predicted = y_hat.argmax(dim=1) if scores else y_hat
    hits = predicted.reshape(y.shape).to(y.dtype) == y  # 先统一数据类型再比较
    return hits.sum()


def accuracy(y_hat: torch.Tensor, y: torch.Tensor) -> float:
    """预测正确的个数。``y_hat`` 可以是 ``(n, 类别数)`` 的得分，也可以是 ``(n,)`` 的类别。

    >>> y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    >>> accuracy(y_hat, torch.tensor([0, 2]))
    1.0
    >>> accuracy(torch.tensor([2, 2]), torch.tensor([2, 2]))
    2.0
    """
    return float(_num_correct(y_hat, y))


def _model_device(net) -> torch.device:
    """模型参数所在的设备；没有参数（或不是 nn.Module）时为 CPU。"""
    if isinstance(net, nn.Module):
        param = next(net.parameters(), None)
        if param is not None:
            return param.device
    return torch.device("cpu")


def _to(batch, device):
    """把张量（或张量列表）搬到 ``device``；``device`` 为 ``None`` 时不动。"""
    if device is None:
        return batch
    if isinstance(batch, (list, tuple)):
        return [t.to(device) for t in batch]
    return batch.to(device)


def _batches_on(device, data_iter: Iterable):
    """逐个给出数据迭代器的小批量 ``(X, y)``，已搬到 ``device`` 上。"""
    for features, labels in data_iter:
        yield _to(features, device), _to(labels, device)


def evaluate_accuracy_gpu(net: Callable, data_iter: Iterable,
                          device: torch.device | str | None = None) -> float:
    """在 ``device`` （默认是模型参数所在的设备）上计算模型在数据集上的精度。

    评估时切换到评估模式，结束后恢复原来的模式。

    >>> net = nn.Linear(2, 2)
    >>> X, y = torch.randn(10, 2), torch.randint(0, 2, (10,))
    >>> 0.0 <= evaluate_accuracy_gpu(net, [(X, y)]) <= 1.0
    True
    """
    module = net if isinstance(net, nn.Module) else None
    was_training = module is not None and module.training
    if module is not None:
        module.eval()  # 暂退法、批量规范化等层在评估时的行为与训练时不同
    hits, seen = 0, 0  # hits 累加成设备上的张量，最后才读回
    try:
        with torch.no_grad():  # 评估不需要计算图
            where = _model_device(net) if device is None else device
            for X, y in _batches_on(where, data_iter):
                hits = hits + _num_correct(net(X), y)
                seen += y.numel()
    finally:
        if module is not None:
            module.train(was_training)  # 恢复调用前的模式
    if seen == 0:
        raise ValueError("数据迭代器是空的，无法计算精度。")
    return float(hits) / seen


def evaluate_accuracy(net: Callable, data_iter: Iterable) -> float:
    """计算模型在数据集上的精度（数据搬到模型参数所在的设备，同 :func:`evaluate_accuracy_gpu`）。

    >>> net = lambda X: X           # 把输入本身当作得分
    >>> X = torch.tensor([[0.9, 0.1], [0.2, 0.8]])
    >>> evaluate_accuracy(net, [(X, torch.tensor([0, 0]))])
    0.5
    """
    return evaluate_accuracy_gpu(net, data_iter)


def _loss_sum(l: torch.Tensor, n: int) -> torch.Tensor:
    """小批量的损失总和：逐样本损失直接求和，已取平均的标量乘以样本数。"""
    return l.sum() if l.ndim > 0 else l * n


def evaluate_loss(net: Callable, data_iter: Iterable, loss: Callable) -> float:
    """计算模型在数据集上的平均损失。

    >>> net = nn.Linear(1, 1)
    >>> _ = net.weight.data.fill_(2.0), net.bias.data.zero_()
    >>> X = torch.ones(4, 1)
    >>> evaluate_loss(net, [(X, 2 * X)], nn.MSELoss(reduction="none"))
    0.0
    """
    loss_total, count = 0.0, 0
    for X, y in data_iter:
        with torch.no_grad():
            preds = net(X)
            batch_losses = loss(preds, y.reshape(preds.shape))
        loss_total = loss_total + _loss_sum(batch_losses, len(y))
        count += len(y)
    if count == 0:
        raise ValueError("数据迭代器是空的，无法计算损失。")
    return float(loss_total) / count


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """线性回归模型 ``Xw + b``。

    >>> linreg(torch.ones(2, 3), torch.ones(3, 1), torch.tensor(0.5)).flatten().tolist()
    [3.5, 3.5]
    """
    return X @ w + b


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """逐个样本的平方损失 ``(y_hat - y)² / 2`` （``y`` 会变成 ``y_hat`` 的形状）。

    >>> squared_loss(torch.tensor([[1.0], [3.0]]), torch.tensor([1.0, 1.0])).flatten().tolist()
    [0.0, 2.0]
    """
    if y_hat.numel() != y.numel():
        raise ValueError(f"预测有 {y_hat.numel()} 个值而标签有 {y.numel()} 个：应一样多。")
    residual = y_hat - y.reshape(y_hat.shape)
    return residual ** 2 / 2


def sgd(params: Iterable[torch.Tensor], lr: float, batch_size: int) -> None:
    """小批量随机梯度下降：``param -= lr * grad / batch_size``，然后把梯度清零。

    >>> w = torch.ones(2, requires_grad=True)
    >>> (w * torch.tensor([1.0, 2.0])).sum().backward()
    >>> sgd([w], lr=0.1, batch_size=1)
    >>> w.tolist(), w.grad.tolist()
    ([0.8999999761581421, 0.800000011920929], [0.0, 0.0])
    """
    for param in params:
        grad = param.grad  # 小批量上损失之和的梯度
        if grad is None:
            raise ValueError("参数没有梯度：先对损失调用 backward()，"
                             "并确认参数创建时设置了 requires_grad=True。")
        with torch.no_grad():  # 更新本身不能记入计算图
            param.sub_(lr * grad / batch_size)
        grad.zero_()  # PyTorch 把新梯度累加到旧梯度上，用过就清零


def train_epoch_ch3(net: Callable, train_iter: Iterable, loss: Callable, updater,
                    *, device: torch.device | str | None = None) -> tuple[float, float]:
    """训练一轮，返回 ``(平均训练损失, 训练精度)``。

    ``updater`` 可以是 ``torch.optim.Optimizer``，也可以是课程中的自定义函数
    ``updater(batch_size)``。给了 ``device`` 时把每个小批量搬到该设备上。

    >>> net = nn.Linear(2, 2)
    >>> X, y = torch.randn(8, 2), torch.randint(0, 2, (8,))
    >>> opt = torch.optim.SGD(net.parameters(), lr=0.1)
    >>> l, acc = train_epoch_ch3(net, [(X, y)], nn.CrossEntropyLoss(), opt)
    >>> l > 0, 0 <= acc <= 1
    (True, True)
    """
    loss_sum, correct, n = _run_epoch(net, train_iter, loss, updater, device)
    return loss_sum / n, correct / n


def _run_epoch(net, train_iter, loss, updater, device) -> tuple[float, float, int]:
    """训练一轮，返回 ``(损失总和, 正确数, 样本数)``；累加留在设备上，最后读回一次。"""
    if isinstance(net, nn.Module):
        net.train()
    builtin = isinstance(updater, torch.optim.Optimizer)
    loss_sum, correct, n = 0.0, 0.0, 0  # 前两个会变成设备上的张量
    for X, y in _batches_on(device, train_iter):
        y_hat = net(X)
        losses = loss(y_hat, y)
        if builtin:  # PyTorch 优化器：对平均损失求梯度，由它更新参数
            updater.zero_grad()
            losses.mean().backward()
            updater.step()
        else:  # 课程式的 updater(batch_size)：对损失之和求梯度，由它除以批量大小
            losses.sum().backward()
            updater(len(y))
        loss_sum = loss_sum + _loss_sum(losses.detach(), len(y))
        correct = correct + _num_correct(y_hat.detach(), y)
        n += len(y)
    if n == 0:
        raise ValueError("训练数据迭代器是空的：请检查数据集和批量大小。")
    return float(loss_sum), float(correct), n  # 每轮只在这里读回一次


def train_ch3(net: Callable, train_iter: Iterable, test_iter: Iterable, loss: Callable,
              num_epochs: int, updater, *, device: torch.device | str | None = None
              ) -> History:
    """训练模型（第 3 章）：每轮训练后在测试集上评估，画训练曲线，返回 :class:`History`。

    ``device`` 给出时把每个小批量搬到该设备上（:func:`train_ch6` 用它）。

    >>> from d2lcode import load_array
    >>> X = torch.randn(64, 2); y = (X[:, 0] > 0).long()
    >>> net = nn.Linear(2, 2)
    >>> opt = torch.optim.SGD(net.parameters(), lr=0.5)
    >>> h = train_ch3(net, load_array((X, y), 16), load_array((X, y), 64, False),
    ...               nn.CrossEntropyLoss(reduction="none"), 2, opt)  # doctest: +ELLIPSIS
    轮 1：...
    轮 2：...
    损失 ...，训练精度 ...，测试精度 ...
    每秒 ... 个样本，设备 cpu
    >>> len(h.train_loss), h.train_loss[1] < h.train_loss[0]
    (2, True)
    """
    if num_epochs < 1:
        raise ValueError(f"num_epochs 应为正整数，收到的是 {num_epochs}。")
    animator = Animator(xlabel="轮", xlim=[1, num_epochs] if num_epochs > 1 else None,
                        legend=["训练损失", "训练精度", "测试精度"])
    history, timer, examples = History(device=str(device or _model_device(net))), Timer(), 0
    start = time.perf_counter()
    for epoch in range(num_epochs):
        timer.start()
        loss_sum, correct, n = _run_epoch(net, train_iter, loss, updater, device)
        timer.stop()
        examples += n
        train_loss, train_acc = loss_sum / n, correct / n
        test_acc = evaluate_accuracy_gpu(net, test_iter, device)
        history.train_loss.append(train_loss)
        history.train_acc.append(train_acc)
        history.test_acc.append(test_acc)
        animator.add(epoch + 1, (train_loss, train_acc, test_acc))
    history.seconds = time.perf_counter() - start
    history.examples_per_sec = examples / timer.sum() if examples else 0.0
    animator.show()
    print(history)
    return history


def init_normal(module: nn.Module) -> None:
    """全连接层的权重取自均值 0、标准差 0.01 的正态分布，偏置置 0（配合 ``net.apply`` 使用）。

    >>> net = nn.Sequential(nn.Linear(1000, 10)).apply(init_normal)
    >>> w, b = net[0].weight.detach(), net[0].bias.detach()
    >>> abs(float(w.std()) - 0.01) < 0.001, float(b.abs().max())
    (True, 0.0)
    """
    if isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, std=0.01)
        nn.init.zeros_(module.bias)


def init_xavier(module: nn.Module) -> None:
    """用 Xavier 均匀分布初始化全连接层和卷积层的权重（配合 ``net.apply`` 使用）。

    >>> net = nn.Sequential(nn.Linear(4, 3)).apply(init_xavier)
    >>> float(net[0].weight.detach().abs().max()) <= (6 / 7) ** 0.5
    True
    """
    if isinstance(module, (nn.Linear, nn.Conv2d)):
        nn.init.xavier_uniform_(module.weight)


def train_ch6(net: nn.Module, train_iter: Iterable, test_iter: Iterable, num_epochs: int,
              lr: float, device: torch.device | str | None = None, *,
              momentum: float = 0.0, one_cycle: bool = False) -> History:
    """在 ``device`` 上训练卷积网络（第 6 章）：Xavier 初始化、SGD、交叉熵损失。

    ``device`` 省略时用 :func:`~d2lcode.device.try_gpu` 选出的设备。
    两个可选的关键字参数让小训练量也能训练得好（默认与课程相同，都不用）：
    ``momentum`` 是 SGD 的动量；``one_cycle=True`` 时学习率按"单周期"策略
    逐个小批量变化：先升到 ``lr``，再按余弦降到接近 0。

    >>> from d2lcode import load_array
    >>> X = torch.randn(32, 1, 4, 4); y = (X.mean((1, 2, 3)) > 0).long()
    >>> net = nn.Sequential(nn.Flatten(), nn.Linear(16, 2))
    >>> h = train_ch6(net, load_array((X, y), 8), load_array((X, y), 32, False),
    ...               1, 0.1, "cpu")  # doctest: +ELLIPSIS
    轮 1：...
    每秒 ... 个样本，设备 cpu
    >>> h.device, len(h.test_acc)
    ('cpu', 1)
    """
    if device is None:
        from .device import try_gpu

        device = try_gpu()
    device = torch.device(device)
    net.apply(init_xavier).to(device)  # 初始化后再搬到训练用的设备上
    on_cpu = device.type == "cpu"
    if on_cpu:  # CPU 上的卷积在“通道最后”（NHWC）布局下更快
        net.to(memory_format=torch.channels_last)
    # foreach：一次处理所有参数张量，而不是逐个循环（GPU 上本来就是默认）
    optimizer = torch.optim.SGD(net.parameters(), lr=lr, momentum=momentum,
                                foreach=True if on_cpu else None)
    updater = _one_cycle(optimizer, num_epochs * len(train_iter)) if one_cycle else optimizer
    return train_ch3(net, train_iter, test_iter, nn.CrossEntropyLoss(), num_epochs, updater,
                     device=device)


def _one_cycle(optimizer: torch.optim.Optimizer, total_steps: int) -> Callable[[int], None]:
    """把优化器包成课程式的 ``updater(batch_size)``：每步更新参数、调整学习率、清零梯度。"""
    if total_steps < 1:
        raise ValueError("训练数据迭代器是空的：请检查数据集和批量大小。")
    max_lr = optimizer.param_groups[0]["lr"]
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=max_lr,
                                                    total_steps=total_steps,
                                                    cycle_momentum=False)

    def updater(batch_size: int) -> None:
        optimizer.step()
        if scheduler.last_epoch < total_steps:  # 最后一步之后不再调整
            scheduler.step()
        optimizer.zero_grad()

    return updater


def predict_ch3(net: Callable, test_iter: Iterable, n: int = 6) -> None:
    """取测试集的第一个小批量，显示前 ``n`` 张图，标题是"真实类别\\n预测类别"。

    >>> from d2lcode import plt
    >>> X, y = torch.zeros(4, 1, 28, 28), torch.tensor([0, 1, 2, 3])
    >>> predict_ch3(lambda X: torch.zeros(len(X), 10), [(X, y)], n=2)
    >>> plt.gcf().axes[1].get_title()
    '裤子\\nT恤'
    >>> plt.close("all")
    """
    images, labels = next(iter(test_iter))
    shown = min(n, len(labels))
    with torch.no_grad():  # 整个小批量一起预测，只显示前 shown 张
        guesses = net(_to(images, _model_device(net))).argmax(dim=1).cpu()
    pairs = zip(get_fashion_mnist_labels(labels[:shown]),
                get_fashion_mnist_labels(guesses[:shown]), strict=True)
    titles = [f"{truth}\n{guess}" for truth, guess in pairs]  # 第一行真实类别，第二行预测
    show_images(images[:shown].cpu(), 1, shown, titles=titles)
