"""d2lcode.netstats：参数量、乘加次数和逐层小结。"""

import pytest
import torch
from torch import nn

from d2lcode.conv import Residual
from d2lcode.netstats import count_flops, count_params, layer_summary


def test_count_params_matches_manual():
    net = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.Flatten(), nn.Linear(8, 2))
    assert count_params(net) == (8 * 3 * 9 + 8) + 16 + (8 * 2 + 2)


def test_count_flops_conv_stride_groups_and_batch_independent():
    conv = nn.Conv2d(4, 8, kernel_size=3, stride=2, padding=1, groups=2)
    expected = 8 * 16 * 16 * (4 // 2) * 9
    assert count_flops(conv, (1, 4, 32, 32)) == expected
    assert count_flops(conv, (3, 4, 32, 32)) == expected


def test_count_flops_restores_training_mode_and_buffers():
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2))
    before = net[1].running_mean.clone()
    count_flops(net, (2, 1, 8, 8))
    assert net.training
    assert torch.equal(net[1].running_mean, before)


def test_layer_summary_sums_to_totals_for_residual_net():
    net = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), Residual(8, 16, use_1x1conv=True, strides=2),
                        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))
    df = layer_summary(net, (1, 1, 12, 12))
    assert list(df["层"]) == ["Conv2d", "Residual", "AdaptiveAvgPool2d", "Flatten", "Linear"]
    assert df["输出形状"][1] == (1, 16, 6, 6)
    assert int(df["参数量"].sum()) == count_params(net)
    assert int(df["乘加次数"].sum()) == count_flops(net, (1, 1, 12, 12))
    assert not any(hasattr(m, "_d2l_macs_start") for m in net.modules())


def test_input_shape_needs_batch_dim():
    with pytest.raises(ValueError, match="批量维"):
        count_flops(nn.Linear(3, 2), (3,))
