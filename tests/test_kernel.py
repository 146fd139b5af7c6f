"""预先导入好 torch 和 d2lcode 的内核（_ext/d2l_kernel.py）：每页仍是独立的新进程，结果与普通内核
相同。"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import nbclient
import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_ext"))
import d2l_kernel  # noqa: E402
from d2l_exec import environ, kernel_env  # noqa: E402

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="孵化器只在 Linux 上使用")


def _notebook(*sources: str) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    return notebook


def _run(notebook, kernels, cwd: Path, timeout: int = 120) -> list[str]:
    """执行笔记本，返回每个单元格的标准输出。"""
    with environ(kernels.env):
        nbclient.NotebookClient(notebook, timeout=timeout, kernel_name=kernels.name,
                                resources={"metadata": {"path": str(cwd)}}).execute()
    return ["".join(o.get("text", "") for o in c.outputs) for c in notebook.cells]


# 与构建时相同的内核环境（conftest 给测试进程设了 Agg 后端，这里换回 Jupyter 的内联后端）
ENV_A = dict(kernel_env(), D2L_PROBE="a", MPLBACKEND="module://matplotlib_inline.backend_inline")
PROBE = ("import os, sys\n"
         "print('torch' in sys.modules, os.getcwd(), os.environ.get('D2L_PROBE'),"
         " os.environ.get('MPLBACKEND'), '' in sys.path, os.getpid())")


@pytest.fixture(scope="module")
def preloaded():
    with environ(ENV_A), d2l_kernel.preloaded_kernels() as kernels:
        assert kernels.name == d2l_kernel.KERNEL_NAME, "孵化器没有启动"
        yield kernels


def test_each_page_gets_a_fresh_process_with_modules_already_imported(preloaded, tmp_path):
    with environ(ENV_A):
        first = _run(_notebook(PROBE, "secret = 42"), preloaded, tmp_path)[0].split()
        second = _run(_notebook(PROBE, "print('secret' in globals())"), preloaded, tmp_path)
    with environ(ENV_A):
        plain = _run(_notebook(PROBE), d2l_kernel.PLAIN, tmp_path)[0].split()
    assert first[0] == "True" and plain[0] == "False"  # 孵化器里已经导入了 torch
    assert first[1:5] == plain[1:5] == [str(tmp_path), "a",
                                       "module://matplotlib_inline.backend_inline", plain[4]]
    assert second[0].split()[-1] != first[-1], "两页用了同一个内核进程"
    assert second[1].strip() == "False", "上一页的变量漏到了下一页"


def test_same_outputs_as_a_plain_kernel(preloaded, tmp_path):
    """与普通内核比：看到的环境、工作目录、sys.path 的开头相同，图照常以 SVG 显示。"""
    code = ("import sys, torch\nimport d2lcode as d2l\nd2l.use_svg_display()\nd2l.seed(0)\n"
            "print(sys.path[:2], torch.get_num_threads(), torch.rand(3).tolist())\n"
            "d2l.plot([0, 1], [[0, 1]], '横轴', '纵轴')")
    with environ(ENV_A):
        outputs = {}
        for kernels in (preloaded, d2l_kernel.PLAIN):
            notebook = _notebook(code)
            _run(notebook, kernels, tmp_path)
            outputs[kernels.name] = notebook.cells[0].outputs
    plain, fast = outputs["python3"], outputs[d2l_kernel.KERNEL_NAME]
    assert [o.get("text") for o in plain] == [o.get("text") for o in fast]
    assert any("image/svg+xml" in o.get("data", {}) for o in fast), "图没有显示出来"


def test_different_environment_falls_back_to_a_plain_kernel(preloaded, tmp_path):
    """环境变量与孵化器启动时不同（例如换了预算档位）：换成普通内核，看到的是新的环境。"""
    with environ(dict(ENV_A, D2L_PROBE="b")):
        out = _run(_notebook(PROBE), preloaded, tmp_path)[0].split()
    assert out[2] == "b"
    assert out[0] == "False"  # 普通内核：torch 还没有导入


def test_timeout_interrupts_the_kernel(preloaded, tmp_path):
    """单元格超时：中断信号经客户端转给内核，nbclient 照常报告超时。"""
    with environ(ENV_A):
        with pytest.raises(nbclient.exceptions.CellTimeoutError):
            _run(_notebook("import time\ntime.sleep(60)"), preloaded, tmp_path, timeout=2)


def test_killing_the_client_kills_the_kernel(preloaded, tmp_path):
    from jupyter_client.manager import KernelManager

    with environ(ENV_A), environ(preloaded.env):
        manager = KernelManager(kernel_name=preloaded.name)
        manager.start_kernel(cwd=str(tmp_path))
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        reply = client.execute_interactive("import os; pid = os.getpid()",
                                           user_expressions={"pid": "pid"}, timeout=30)
        pid = int(reply["content"]["user_expressions"]["pid"]["data"]["text/plain"])
        client.stop_channels()
        os.kill(manager.provisioner.pid, signal.SIGKILL)  # 杀掉 jupyter_client 启动的客户端进程
        try:
            for _ in range(50):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    return
                time.sleep(0.1)
            pytest.fail(f"客户端被杀掉后，内核进程 {pid} 还在")
        finally:
            manager.shutdown_kernel(now=True)


def test_canary_ipykernel_reads_these_settings_at_import():
    """孵化器把 parent_handle、interrupt 显式传给 IPKernelApp；ipykernel 改了它们时这里先失败。"""
    from ipykernel.kernelapp import IPKernelApp

    missing = {"parent_handle", "interrupt"} - set(IPKernelApp.class_trait_names())
    assert not missing, f"ipykernel 的 IPKernelApp 没有 {missing}：请更新 _ext/d2l_kernel.py"
