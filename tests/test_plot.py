"""d2lcode.plot 中 set_axes、plot、show_heatmaps 的单元测试。"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import d2lcode as d2l
from d2lcode import plt


def lines_of(ax):
    return [(list(line.get_xdata()), list(line.get_ydata())) for line in ax.get_lines()]


def test_set_axes_sets_everything():
    _, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    d2l.set_axes(ax, "轮", "损失", [0, 5], [1, 2], "linear", "log", ["训练"])
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_yscale()) == ("轮", "损失", "log")
    assert ax.get_xlim() == (0, 5) and ax.get_ylim() == (1, 2)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["训练"]


def test_plot_only_y_uses_indices():
    _, ax = plt.subplots()
    d2l.plot([3.0, 1.0, 2.0], axes=ax)
    assert lines_of(ax) == [([0, 1, 2], [3.0, 1.0, 2.0])]


def test_plot_shared_x_many_y_with_tensors():
    x = torch.arange(3.0, requires_grad=True)  # 带梯度的张量也能画
    _, ax = plt.subplots()
    d2l.plot(x, [x * 2, x ** 2], "x", "y", legend=["2x", "x²"], axes=ax)
    got = lines_of(ax)
    assert got[0][1] == [0, 2, 4] and got[1][1] == [0, 1, 4]
    assert [line.get_linestyle() for line in ax.get_lines()] == ["-", "--"]


def test_plot_list_of_lists_and_numpy():
    _, ax = plt.subplots()
    d2l.plot([[0, 1], [0, 1, 2]], [np.array([1, 1]), np.array([2, 2, 2])], axes=ax)
    assert [len(x) for x, _ in lines_of(ax)] == [2, 3]


def test_plot_cycles_fmts_and_creates_figure():
    before = plt.get_fignums()
    d2l.plot(list(range(2)), [[0, 1]] * 5, figsize=(2, 1))
    fig = plt.gcf()
    assert fig.number not in before
    assert len(fig.axes[0].get_lines()) == 5
    assert tuple(fig.get_size_inches()) == (2, 1)


def test_plot_redraws_on_given_axes():
    _, ax = plt.subplots()
    d2l.plot([1, 2], axes=ax)
    d2l.plot([1, 2], axes=ax)
    assert len(ax.get_lines()) == 1  # 先清空再画


@pytest.mark.parametrize("X, Y, match", [
    ([[0, 1], [0, 1], [0, 1]], [[1, 2], [3, 4]], "一样多"),
    ([0, 1, 2], [1, 2], "横坐标有 3 个"),
])
def test_plot_errors(X, Y, match):
    with pytest.raises(ValueError, match=match):
        d2l.plot(X, Y)


def test_plot_chinese_labels_render_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d2l.plot([1, 2], xlabel="横轴：轮", ylabel="纵轴：损失", legend=["训练损失"])
        plt.gcf().savefig(__import__("io").BytesIO(), format="svg")


def test_show_heatmaps_grid_labels_titles():
    m = torch.rand(2, 3, 4, 5)
    d2l.show_heatmaps(m, "键", "查询", titles=["头 1", "头 2", "头 3"])
    fig = plt.gcf()
    axes = fig.axes[:6]
    assert len(fig.axes) == 7  # 六个子图加一个颜色条
    assert axes[3].get_xlabel() == "键" and axes[0].get_xlabel() == ""
    assert axes[0].get_ylabel() == "查询" and axes[1].get_ylabel() == ""
    assert [ax.get_title() for ax in axes[:3]] == ["头 1", "头 2", "头 3"]
    assert axes[0].get_images()[0].get_array().shape == (4, 5)


def test_show_heatmaps_needs_4d():
    with pytest.raises(ValueError, match="四维"):
        d2l.show_heatmaps(torch.eye(3), "键", "查询")
