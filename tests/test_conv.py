"""d2lcode.conv 的单元测试：互相关运算与残差块。"""

from __future__ import annotations

import pytest
import torch
from torch import nn

import d2lcode as d2l


@pytest.mark.parametrize("x_shape, k_shape", [((5, 6), (2, 3)), ((7, 4), (7, 1)), ((3, 3), (3, 3))])
def test_corr2d_matches_conv2d(x_shape, k_shape):
    X, K = torch.randn(*x_shape), torch.randn(*k_shape)
    expected = nn.functional.conv2d(X[None, None], K[None, None])[0, 0]
    assert torch.allclose(d2l.corr2d(X, K), expected, atol=1e-5)


def test_corr2d_laplacian_on_ramp_is_zero():
    # 线性斜坡 x + 2y 的二阶差分处处为 0；在一个角上的尖峰处则不为 0
    rows, cols = torch.meshgrid(torch.arange(5.0), torch.arange(7.0), indexing="ij")
    ramp = cols + 2 * rows
    lap = torch.tensor([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])
    assert d2l.corr2d(ramp, lap).abs().max() == 0
    ramp[2, 3] += 1.0
    assert d2l.corr2d(ramp, lap)[1, 2] == -4.0


def test_corr2d_integer_input_is_promoted():
    Y = d2l.corr2d(torch.ones(3, 3, dtype=torch.int64), torch.full((2, 2), 0.25))
    assert Y.dtype == torch.float32 and torch.equal(Y, torch.ones(2, 2))


def test_corr2d_has_gradient_for_kernel():
    X, K = torch.randn(4, 4), torch.zeros(2, 2, requires_grad=True)
    d2l.corr2d(X, K).sum().backward()
    assert torch.allclose(K.grad[0, 0], X[:3, :3].sum())


@pytest.mark.parametrize("X, K, match", [
    (torch.ones(2, 2), torch.ones(3, 1), "比输入"),
    (torch.ones(1, 2, 2), torch.ones(1, 1), "二维"),
])
def test_corr2d_errors(X, K, match):
    with pytest.raises(ValueError, match=match):
        d2l.corr2d(X, K)


def test_residual_keeps_shape_without_1x1():
    blk = d2l.Residual(3, 3)
    assert isinstance(blk.shortcut, nn.Identity)
    assert blk(torch.rand(2, 3, 6, 6)).shape == (2, 3, 6, 6)


def test_residual_with_1x1_halves_and_widens():
    blk = d2l.Residual(3, 6, use_1x1conv=True, strides=2)
    Y = blk(torch.rand(2, 3, 6, 6))
    assert Y.shape == (2, 6, 3, 3)
    assert (Y >= 0).all()  # 最后经过 ReLU
    assert d2l.count_params(blk.shortcut) == 3 * 6 + 6


def test_residual_is_identity_plus_branch():
    blk = d2l.Residual(2, 2).eval()
    for conv in (m for m in blk.branch if isinstance(m, nn.Conv2d)):
        nn.init.zeros_(conv.weight)
        nn.init.zeros_(conv.bias)
    X = torch.randn(1, 2, 4, 4)
    assert torch.allclose(blk(X), torch.relu(X))  # 分支为零时输出 relu(X)


def test_residual_parameter_count():
    # 两个 3×3 卷积（带偏置）、两个批量规范化层（各 2 组参数），无 1×1 卷积
    c = 5
    expected = 2 * (c * c * 9 + c) + 2 * 2 * c
    assert d2l.count_params(d2l.Residual(c, c)) == expected


def test_residual_shape_change_needs_1x1():
    with pytest.raises(ValueError, match="use_1x1conv=True"):
        d2l.Residual(3, 6)
    with pytest.raises(ValueError, match="use_1x1conv=True"):
        d2l.Residual(3, 3, strides=2)
