"""pytest 的共用设置：用不弹窗的 Agg 后端画图，测试之间关闭所有图。"""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")  # 在导入 matplotlib 之前设置

import pytest  # noqa: E402
import torch  # noqa: E402

# 本机只有 2 核：测试旁边常有别的进程，两线程的 OpenMP 会互相拖慢（见 TOOLCHAIN-NOTES）
torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _close_figures():
    """每个测试结束后关闭它画的图。"""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
