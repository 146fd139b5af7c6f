"""执行书中的一页（与构建时相同的内核环境），报告每个单元格的用时。

测试用它冒烟执行每一页；写书时也可以单独运行：

    python tests/pagerun.py book/chapter_xxx/page.md            # CPU 预算规模
    python tests/pagerun.py --smoke book/chapter_xxx/page.md    # 冒烟规模
"""

from __future__ import annotations

import argparse
import atexit
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import jupytext
import nbclient
import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
from d2l_exec import BOOK, environ, kernel_env, notebook_pages  # noqa: E402  （与构建时相同的内核环境）
from d2l_kernel import Kernels, preloaded_kernels  # noqa: E402

__all__ = ["BOOK", "execute", "notebook_pages", "stderr_outputs"]
# 在 Jupyter 里显示图（构建时 myst-nb 的内核默认也是这个后端）
KERNEL_ENV = dict(kernel_env(ROOT), MPLBACKEND="module://matplotlib_inline.backend_inline")


def stderr_outputs(notebook: nbformat.NotebookNode) -> list[str]:
    """列出写到标准错误的输出（构建时这会被当成错误）。"""
    found = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("name") == "stderr":
                found.append(f"第 {index} 个单元格：\n{cell.source}\n--- 标准错误 ---\n"
                             f"{output['text']}")
    return found


_KERNELS: dict[bool, Kernels] = {}
_ZYGOTES = ExitStack()
atexit.register(_ZYGOTES.close)


def _kernels(smoke: bool) -> Kernels:
    """每种规模一个孵化器（在本进程里第一次用到时启动），与构建时一样省掉内核的启动和导入。"""
    if smoke not in _KERNELS:
        _KERNELS[smoke] = _ZYGOTES.enter_context(preloaded_kernels())
    return _KERNELS[smoke]


def execute(page: Path, smoke: bool, timeout: int = 300) -> nbformat.NotebookNode:
    """在新内核中执行一页并返回执行后的笔记本；单元格出错时抛出 CellExecutionError。"""
    with environ(dict(KERNEL_ENV, D2L_SMOKE="1" if smoke else "0")):
        kernels = _kernels(smoke)
        notebook = jupytext.read(page)
        with environ(kernels.env):
            client = nbclient.NotebookClient(notebook, timeout=timeout, kernel_name=kernels.name,
                                             record_timing=True,
                                             resources={"metadata": {"path": str(page.parent)}})
            client.execute()
        return notebook


def _cell_seconds(cell) -> float:
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    from datetime import datetime

    def parse(s):
        return datetime.fromisoformat(s.replace("Z", "+00:00"))

    return (parse(end) - parse(start)).total_seconds()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="+", type=Path)
    parser.add_argument("--smoke", action="store_true", help="以冒烟规模执行（D2L_SMOKE=1）")
    parser.add_argument("--timeout", type=int, default=1800,
                        help="单个单元格的时间上限（秒），只用来发现卡死")
    args = parser.parse_args()
    status = 0
    for page in args.pages:
        start = time.perf_counter()
        notebook = execute(page.resolve(), args.smoke, timeout=args.timeout)
        total = time.perf_counter() - start
        slow = sorted(((_cell_seconds(c), i) for i, c in enumerate(notebook.cells)
                       if c.cell_type == "code"), reverse=True)[:5]
        print(f"{page}：共 {total:.1f} 秒；最慢的单元格：" +
              "，".join(f"#{i} {s:.1f}s" for s, i in slow))
        for problem in stderr_outputs(notebook):
            print("标准错误输出：", problem, file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
