"""设备选择（CUDA → Apple MPS → CPU）、随机数种子和计算预算开关。

本书的每一页都要在 2 核 CPU 上于预算时间内执行完。页面用 :func:`budget`
在三档设置之间选择：

* ``cpu`` （默认）：为 CPU 选的规模（较小的分辨率、宽度、轮数或数据子集）；
* ``full`` ：论文 / 原课程的完整规模。设置环境变量 ``D2L_FULL=1``，或有 GPU 时自动启用
  （``D2L_FULL=0`` 可强制关闭）；
* ``smoke`` ：``D2L_SMOKE=1`` 时的极小规模，测试用它快速执行每一页，只改规模不改代码路径。
"""

from __future__ import annotations

import os
import random

import numpy as np
import torch

__all__ = ["budget", "cpu", "mode", "num_gpus", "seed", "try_all_gpus", "try_gpu"]


def cpu() -> torch.device:
    """返回 CPU 设备。

    >>> cpu()
    device(type='cpu')
    """
    return torch.device("cpu")


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps is not None and mps.is_available())


def num_gpus() -> int:
    """可用 GPU 的数量：CUDA 设备数；没有 CUDA 而有 Apple MPS 时为 1。"""
    if torch.cuda.is_available():
        return torch.cuda.device_count()
    return 1 if _mps_available() else 0


def try_gpu(i: int = 0) -> torch.device:
    """如果存在第 ``i`` 个 GPU 就返回它（CUDA，其次 Apple MPS），否则返回 CPU。

    >>> try_gpu(10**6)  # 不存在这么多 GPU 时退回 CPU
    device(type='cpu')
    """
    if torch.cuda.is_available() and i < torch.cuda.device_count():
        return torch.device(f"cuda:{i}")
    if i == 0 and not torch.cuda.is_available() and _mps_available():
        return torch.device("mps")
    return torch.device("cpu")


def try_all_gpus() -> list[torch.device]:
    """返回所有可用的 GPU；一个都没有时返回 ``[cpu()]``。"""
    return [try_gpu(i) for i in range(num_gpus())] or [cpu()]


def seed(value: int = 0) -> None:
    """同时设置 Python、NumPy 和 PyTorch 的随机数种子，让结果可以复现。

    >>> seed(1); a = torch.rand(2)
    >>> seed(1); b = torch.rand(2)
    >>> bool((a == b).all())
    True
    """
    random.seed(value)
    np.random.seed(value)
    torch.manual_seed(value)


def _flag(name: str) -> bool | None:
    value = os.environ.get(name, "").strip().lower()
    if value in ("", "auto"):
        return None
    return value not in ("0", "false", "no", "off")


def mode() -> str:
    """当前的预算档位：``"smoke"``、``"full"`` 或 ``"cpu"``。"""
    if _flag("D2L_SMOKE"):
        return "smoke"
    full = _flag("D2L_FULL")
    if full is None:
        full = torch.cuda.is_available()
    return "full" if full else "cpu"


_SAME_AS_CPU = object()  # budget 的参数省略时的标记（与显式传入的 None 区分）


def budget(cpu, full=_SAME_AS_CPU, smoke=_SAME_AS_CPU):
    """按当前档位（见 :func:`mode`）从三个设置中选一个返回。

    ``full`` 或 ``smoke`` 省略时等于 ``cpu``；显式传入的 ``None`` 照样返回
    （页面用 ``n_train=budget(cpu=30000, full=None)`` 表示“完整设置用全部数据”）。

    >>> import os
    >>> os.environ["D2L_SMOKE"] = "1"
    >>> budget(cpu=3, full=10, smoke=1)
    1
    >>> os.environ["D2L_SMOKE"] = "0"; os.environ["D2L_FULL"] = "1"
    >>> budget(cpu=3, full=10, smoke=1), budget(cpu=30000, full=None), budget(cpu=5)
    (10, None, 5)
    >>> del os.environ["D2L_SMOKE"], os.environ["D2L_FULL"]
    """
    chosen = {"smoke": smoke, "full": full}.get(mode(), _SAME_AS_CPU)
    return cpu if chosen is _SAME_AS_CPU else chosen
