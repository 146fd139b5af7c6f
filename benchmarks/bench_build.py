"""冷构建的计算成本：在一个空的临时缓存里执行全书的每一页，按章汇总秒数和单位数。

单位是参考工作量（用 d2lcode 训练一轮 LeNet，1 个线程）在同一台机器上的秒数，
见 ``_ext/d2l_exec.py``；全书冷构建的预算是 ``d2l_exec.BOOK_BUDGET`` 个单位
（由两个线程时的 75 个单位换算而来）。要执行全部页面，在 2 核机器上需要几分钟到十几分钟。

    python benchmarks/bench_build.py [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
import d2l_exec  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="d2l-cold-") as tmp:
        report_path = Path(tmp) / "report.json"
        env = dict(os.environ, D2L_CACHE_ROOT=str(Path(tmp) / "cache"))
        done = subprocess.run([sys.executable, str(ROOT / "_ext" / "d2l_exec.py"),
                               "--jobs", str(args.jobs), "--report", str(report_path)],
                              env=env, check=False)
        if done.returncode != 0:
            return done.returncode
        report = json.loads(report_path.read_text(encoding="utf-8"))
    unit = report["unit_seconds"]
    chapters: dict[str, float] = defaultdict(float)
    for name, seconds in report["executed"]:
        chapters[name.split("/")[0]] += seconds
    print(f"\n参考工作量：{unit:.2f} 秒 = 1 单位")
    print(f"{'章':<40} {'秒（各页相加）':>14} {'单位':>8}")
    for chapter, seconds in sorted(chapters.items()):
        print(f"{chapter:<40} {seconds:14.0f} {seconds / unit:8.1f}")
    wall = report["wall_seconds"]
    print(f"冷构建执行全部页面：墙钟 {wall:.0f} 秒 = {wall / unit:.1f} 单位"
          f"（预算 {d2l_exec.BOOK_BUDGET:.0f} 单位）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
