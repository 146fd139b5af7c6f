"""d2lcode.netstats：参数量、乘加次数和逐层小结。"""

import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from d2lcode.conv import Residual
from d2lcode.netstats import count_macs, count_params, layer_summary


def test_count_params_matches_manual():
    net = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.Flatten(), nn.Linear(8, 2))
    assert count_params(net) == (8 * 3 * 9 + 8) + 16 + (8 * 2 + 2)


def test_count_macs_conv_stride_groups_and_batch_independent():
    conv = nn.Conv2d(4, 8, kernel_size=3, stride=2, padding=1, groups=2)
    expected = 8 * 16 * 16 * (4 // 2) * 9
    assert count_macs(conv, (1, 4, 32, 32)) == expected
    assert count_macs(conv, (3, 4, 32, 32)) == expected


def test_count_macs_restores_training_mode_and_buffers():
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2))
    before = net[1].running_mean.clone()
    count_macs(net, (2, 1, 8, 8))
    assert net.training
    assert torch.equal(net[1].running_mean, before)


def test_layer_summary_sums_to_totals_for_residual_net():
    net = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), Residual(8, 16, use_1x1conv=True, strides=2),
                        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))
    df = layer_summary(net, (1, 1, 12, 12))
    assert list(df["层"]) == ["Conv2d", "Residual", "AdaptiveAvgPool2d", "Flatten", "Linear"]
    assert df["输出形状"][1] == (1, 16, 6, 6)
    assert int(df["参数量"].sum()) == count_params(net)
    assert int(df["乘加次数"].sum()) == count_macs(net, (1, 1, 12, 12))
    assert not any(hasattr(m, "_d2l_macs_start") for m in net.modules())


def test_input_shape_needs_batch_dim():
    with pytest.raises(ValueError, match="批量维"):
        count_macs(nn.Linear(3, 2), (3,))


@pytest.mark.parametrize("net, shape", [
    (nn.Sequential(nn.Conv2d(3, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                   nn.Conv2d(6, 12, 3, stride=2, groups=3), nn.Flatten(), nn.Linear(12 * 6 * 6, 7)),
     (1, 3, 28, 28)),
    (nn.Sequential(nn.Conv2d(2, 4, (3, 1), padding=(1, 0), bias=False), nn.Flatten(),
                   nn.Linear(4 * 9 * 5, 16), nn.Tanh(), nn.Linear(16, 3)), (2, 2, 9, 5)),
])
def test_count_macs_is_half_of_torch_flop_counter(net, shape):
    X = torch.zeros(shape)
    with FlopCounterMode(display=False) as counter:
        net(X)
    # FlopCounterMode 计整批的浮点运算次数，一次乘加算两次；count_macs 按每个样本计
    assert counter.get_total_flops() == 2 * count_macs(net, shape) * shape[0]
