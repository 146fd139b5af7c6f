"""计算预算的单位在不同 CPU 上是否可比：在同一台机器上限制指令集，看参考工作量变慢多少。

单位（``_ext/d2l_exec.py`` 的参考工作量）要跟着全书一起变快变慢，不同机器上的单位数才能比较。
这里分别在本机的全部指令集和只用 AVX2（``ATEN_CPU_CAPABILITY=avx2``、``ONEDNN_MAX_CPU_ISA=AVX2``）
下测量两种参考：构建用的（与 ``train_ch6`` 一样用“通道最后”的布局和 foreach 更新）和课程式的
NCHW 布局；另测两个线程的课程式参考（``benchmarks/bench_lenet.py`` 的一轮，预算原来以它为单位），
给出构建用的参考与它之比：预算从原来的单位换算到现在的单位用的就是这个比值。
全书在两种设置下的用时之比用冷构建比较：

    python benchmarks/bench_unit.py [--repeats 3]
    ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 python benchmarks/bench_build.py

没有 AVX-512 的机器上两种设置相同，比值接近 1。
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
import d2l_exec  # noqa: E402

AVX2_ONLY = {"ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2"}


def nchw_reference() -> str:
    """课程式的参考：同一轮 LeNet，但不用“通道最后”的布局和 foreach 更新。"""
    code = d2l_exec.REFERENCE_CODE
    for setting in (".to(memory_format=torch.channels_last)", ", foreach=True"):
        if setting not in code:
            raise RuntimeError(f"参考工作量的代码里找不到 {setting!r}：请同步更新本脚本。")
        code = code.replace(setting, "")
    return code


def two_thread_reference() -> str:
    """两个线程的课程式参考：与 bench_lenet.py 的 d2lcode 一轮相同（在 2 核机器上是默认线程数）。"""
    code, head = nchw_reference(), "import time, torch\n"
    if head not in code:
        raise RuntimeError(f"参考工作量的代码里找不到 {head!r}：请同步更新本脚本。")
    return code.replace(head, head + "torch.set_num_threads(2)\n", 1)


def measure(code: str, env: dict[str, str]) -> float:
    with d2l_exec.environ(env):
        return d2l_exec.measure_reference(code)[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    references = {"构建用的参考（通道最后）": d2l_exec.REFERENCE_CODE,
                  "课程式的参考（NCHW）": nchw_reference(),
                  "课程式的参考（NCHW，2 个线程）": two_thread_reference()}
    settings = {"全部指令集": {}, "只用 AVX2": AVX2_ONLY}
    # 各种组合轮流测量，机器外的干扰（比如虚拟机所在的主机忙起来）落在每种组合上的机会相同
    samples: dict[tuple[str, str], list[float]] = {(r, s): [] for r in references for s in settings}
    for _ in range(args.repeats):
        for reference, setting in samples:
            samples[reference, setting].append(measure(references[reference], settings[setting]))
    medians = {key: statistics.median(values) for key, values in samples.items()}
    print(f"一轮 LeNet 的秒数（未注明的用 1 个线程，{args.repeats} 次的中位数）")
    print(f"{'参考':<28} {'全部指令集':>10} {'只用 AVX2':>10} {'比值':>6}")
    for reference in references:
        native, avx2 = (medians[reference, s] for s in settings)
        print(f"{reference:<28} {native:10.2f} {avx2:10.2f} {avx2 / native:6.2f}")
    build, two = list(references)[0], list(references)[2]
    print("构建用的参考 ÷ 两个线程的课程式参考：" + "，".join(
        f"{s} {medians[build, s] / medians[two, s]:.2f}" for s in settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
