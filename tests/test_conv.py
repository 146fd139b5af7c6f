"""d2lcode.conv 的单元测试：互相关运算与残差块。"""

from __future__ import annotations

import pytest
import torch
from torch import nn

import d2lcode as d2l


def test_corr2d_matches_conv2d():
    X, K = torch.randn(5, 6), torch.randn(2, 3)
    expected = nn.functional.conv2d(X[None, None], K[None, None])[0, 0]
    assert torch.allclose(d2l.corr2d(X, K), expected, atol=1e-5)


def test_corr2d_edge_detection_example():
    X = torch.ones(6, 8)
    X[:, 2:6] = 0
    Y = d2l.corr2d(X, torch.tensor([[1.0, -1.0]]))
    assert Y.shape == (6, 7)
    assert Y[0].tolist() == [0, 1, 0, 0, 0, -1, 0]


@pytest.mark.parametrize("X, K, match", [
    (torch.ones(2, 2), torch.ones(3, 1), "比输入"),
    (torch.ones(1, 2, 2), torch.ones(1, 1), "二维"),
])
def test_corr2d_errors(X, K, match):
    with pytest.raises(ValueError, match=match):
        d2l.corr2d(X, K)


def test_residual_keeps_shape_without_1x1():
    blk = d2l.Residual(3, 3)
    assert blk.conv3 is None
    assert blk(torch.rand(2, 3, 6, 6)).shape == (2, 3, 6, 6)


def test_residual_with_1x1_halves_and_widens():
    blk = d2l.Residual(3, 6, use_1x1conv=True, strides=2)
    Y = blk(torch.rand(2, 3, 6, 6))
    assert Y.shape == (2, 6, 3, 3)
    assert (Y >= 0).all()  # 最后经过 ReLU


def test_residual_is_identity_plus_branch():
    blk = d2l.Residual(2, 2).eval()
    for conv in (blk.conv1, blk.conv2):
        nn.init.zeros_(conv.weight)
        nn.init.zeros_(conv.bias)
    X = torch.randn(1, 2, 4, 4)
    assert torch.allclose(blk(X), torch.relu(X))  # 分支为零时输出 relu(X)


def test_residual_shape_change_needs_1x1():
    with pytest.raises(ValueError, match="use_1x1conv=True"):
        d2l.Residual(3, 6)
    with pytest.raises(ValueError, match="use_1x1conv=True"):
        d2l.Residual(3, 3, strides=2)
