"""基准测试共用的代码：把本机的 Fashion-MNIST 摆成 torchvision 期望的目录结构。"""

from __future__ import annotations

import gzip
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from d2lcode import datahub

FILES = [n for n, r in datahub.DATA_HUB.items() if r.group == "fashion-mnist"]


def torchvision_root() -> str:
    """返回一个临时目录，其中 ``FashionMNIST/raw/`` 下是解压好的四个 IDX 文件（不联网）。"""
    root = Path(tempfile.mkdtemp(prefix="d2l-bench-"))
    raw = root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for name in FILES:
        with gzip.open(datahub.download(name), "rb") as src, open(raw / name[:-3], "wb") as dst:
            shutil.copyfileobj(src, dst)
    return str(root)


def median_time(fn, repeats: int) -> float:
    """调用 ``fn`` ``repeats`` 次，返回耗时的中位数（秒）。"""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def import_time(module: str = "d2lcode", repeats: int = 3) -> float:
    """在新的子进程中导入 ``module`` 的耗时中位数（秒，不含解释器启动）。"""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(repeats)]
    return statistics.median(runs)
