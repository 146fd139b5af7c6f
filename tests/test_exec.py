"""_ext/d2l_exec.py：执行缓存的键、旧缓存的清理、预执行之后 Sphinx 不再执行页面。"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
import d2l_exec  # noqa: E402

CPU = {"D2L_SMOKE": "0", "D2L_FULL": "0"}


@pytest.fixture
def code_root(tmp_path: Path) -> Path:
    """d2lcode 源码的一份拷贝（测试改它，不动真正的包）。"""
    shutil.copytree(ROOT / "d2lcode", tmp_path / "d2lcode",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_docstring_and_comment_edits_keep_the_key(code_root: Path):
    before = d2l_exec.cache_key(code_root, CPU)
    path = code_root / "d2lcode" / "device.py"
    text = path.read_text(encoding="utf-8")
    edited = text.replace('"""', '"""（只改了说明）', 1) + "\n# 一行新的注释\n"
    path.write_text(edited, encoding="utf-8")
    assert d2l_exec.cache_key(code_root, CPU) == before
    path.write_text(edited + "\nEXTRA_CONSTANT = 1\n", encoding="utf-8")
    assert d2l_exec.cache_key(code_root, CPU) != before


def test_budget_mode_is_part_of_the_key(code_root: Path):
    keys = {d2l_exec.cache_key(code_root, env) for env in
            ({"D2L_SMOKE": "1"}, CPU, {"D2L_SMOKE": "0", "D2L_FULL": "1"})}
    assert len(keys) == 3
    assert d2l_exec.budget_mode({"D2L_SMOKE": "1", "D2L_FULL": "1"}) == "smoke"


def test_package_versions_are_part_of_the_key(code_root: Path, monkeypatch):
    before = d2l_exec.cache_key(code_root, CPU)
    real = d2l_exec.package_versions
    monkeypatch.setattr(d2l_exec, "package_versions", lambda: dict(real(), torch="0.0"))
    assert d2l_exec.cache_key(code_root, CPU) != before


def test_old_caches_are_kept_up_to_a_bound(tmp_path: Path):
    caches = [tmp_path / f"cpu-{i}" for i in range(6)]
    for cache in caches:
        d2l_exec.touch_and_prune(cache, keep=4)
        time.sleep(0.01)
    assert sorted(p.name for p in tmp_path.iterdir()) == [c.name for c in caches[2:]]
    d2l_exec.touch_and_prune(caches[2], keep=4)  # 再用一次：它成了最近用过的
    d2l_exec.touch_and_prune(tmp_path / "cpu-new", keep=4)
    assert caches[2].is_dir() and not caches[3].exists()


TINY_PAGE = """\
---
jupytext:
  text_representation:
    format_name: myst
    extension: .md
kernelspec:
  name: python3
  display_name: Python 3
---
# 小书

```{code-cell} ipython3
import os
from pathlib import Path
import d2lcode as d2l

runs = Path(os.environ["TINY_RUNS"])
runs.write_text((runs.read_text() if runs.exists() else "") + d2l.mode() + "\\n")
print("档位：" + d2l.mode())
```
"""

TINY_CONF = f"""\
import os, sys
from pathlib import Path
sys.path.insert(0, {str(ROOT / "_ext")!r})
import d2l_exec
extensions = ["myst_nb", "d2l_exec"]
exclude_patterns = ["_build"]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "attrs_inline"]
nb_execution_mode = "cache"
nb_execution_cache_path = str(d2l_exec.cache_dir(Path(os.environ["TINY_CODE_ROOT"])))
"""


def _build(book: Path, out: Path, env: dict[str, str]) -> str:
    """预执行，然后构建；返回构建出的 index.html。预执行之后 Sphinx 执行页面会告警，-W 使它失败。"""
    for command in ([sys.executable, str(ROOT / "_ext" / "d2l_exec.py"), "--jobs", "1",
                     "--confdir", str(book), "--book", str(book), "--unit-seconds", "3"],
                    [sys.executable, "-m", "sphinx", "-b", "html", "-W", "-q", str(book),
                     str(out)]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
    return (out / "index.html").read_text(encoding="utf-8")


def test_smoke_then_cpu_build_never_shows_smoke_outputs(tmp_path: Path, code_root: Path):
    book = tmp_path / "book"
    book.mkdir()
    (book / "index.md").write_text(TINY_PAGE, encoding="utf-8")
    (book / "conf.py").write_text(TINY_CONF, encoding="utf-8")
    runs = tmp_path / "runs.txt"
    env = dict(os.environ, TINY_RUNS=str(runs), TINY_CODE_ROOT=str(code_root),
               D2L_CACHE_ROOT=str(tmp_path / "cache"), D2L_PREEXECUTED="1")
    smoke = _build(book, tmp_path / "out-smoke", dict(env, D2L_SMOKE="1"))
    assert "档位：smoke" in smoke
    cpu = _build(book, tmp_path / "out-cpu", dict(env, **CPU))
    assert "档位：cpu" in cpu and "档位：smoke" not in cpu
    # 回到冒烟规模：它的缓存还在，预执行和 Sphinx 都不再执行页面
    _build(book, tmp_path / "out-smoke-2", dict(env, D2L_SMOKE="1"))
    assert runs.read_text().split() == ["smoke", "cpu"]
    assert len(list((tmp_path / "cache").iterdir())) == 2


def test_estimated_cost_ranks_cnn_training_first():
    cell = "```{code-cell} ipython3\n%s\n```\n"
    cnn = cell % "history = d2l.train_ch6(net, train_iter, test_iter, 3, 0.1)"
    mlp = cell % "d2l.train_ch3(net, train_iter, test_iter, loss, 5, updater)"
    plain = cell % "x = 1"
    doctest_only = "```{doctest}\n>>> d2l.train_ch6(net, a, b, 1, 0.1)\n```\n"
    costs = [d2l_exec.estimated_cost(s) for s in (cnn, mlp, plain, doctest_only)]
    assert costs[0] > costs[1] > costs[2] > costs[3] == 0.0


def test_kernel_env_silences_kernel_warnings(tmp_path: Path):
    env = d2l_exec.kernel_env(tmp_path)
    config = Path(env["IPYTHONDIR"]) / "profile_default" / "ipython_kernel_config.py"
    assert "log_level" in config.read_text()
    assert env["OMP_NUM_THREADS"] == "1"


def test_unit_is_remembered_on_the_same_machine_only_while_fresh(tmp_path: Path, monkeypatch):
    assert d2l_exec.remembered_unit(tmp_path) is None
    d2l_exec.remember_unit(tmp_path, 3.5)
    assert d2l_exec.remembered_unit(tmp_path) == 3.5
    monkeypatch.setattr(d2l_exec, "_machine", lambda: "另一台机器")
    assert d2l_exec.remembered_unit(tmp_path) is None
    monkeypatch.undo()
    # 参考工作量的代码改了：以前记住的单位量的是另一件事，不再沿用
    monkeypatch.setattr(d2l_exec, "REFERENCE_CODE", d2l_exec.REFERENCE_CODE + "# 改过\n")
    assert d2l_exec.remembered_unit(tmp_path) is None
    monkeypatch.undo()
    later = time.time() + d2l_exec.UNIT_MAX_AGE + 1
    monkeypatch.setattr(d2l_exec.time, "time", lambda: later)
    assert d2l_exec.remembered_unit(tmp_path) is None


def test_canary_internals_of_myst_nb_and_jupyter_cache():
    """预执行依赖 myst-nb 和 jupyter-cache 的几个内部函数；它们改了名字或参数时，这里先失败。"""
    import inspect

    from jupyter_cache.executors.utils import single_nb_execution
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_nb.sphinx_ import NbMetadataCollector

    need = {read_myst_markdown_notebook: {"config", "add_source_map", "path"},
            single_nb_execution: {"cwd", "timeout", "allow_errors", "meta_override"}}
    for func, params in need.items():
        missing = params - set(inspect.signature(func).parameters)
        assert not missing, (f"{func.__module__}.{func.__name__} 没有参数 {missing}："
                             "myst-nb / jupyter-cache 改了内部接口，请更新 _ext/d2l_exec.py")
    assert hasattr(NbMetadataCollector, "get_doc_data"), (
        "myst_nb.sphinx_.NbMetadataCollector.get_doc_data 不见了：请更新 _ext/d2l_exec.py")


def test_environ_sets_and_restores(monkeypatch):
    """临时环境变量：块内可见，块结束后（即使出错）恢复原值、删掉原来没有的。"""
    monkeypatch.setenv("D2L_TEST_OLD", "old")
    monkeypatch.delenv("D2L_TEST_NEW", raising=False)
    with pytest.raises(RuntimeError):
        with d2l_exec.environ({"D2L_TEST_OLD": "temp", "D2L_TEST_NEW": "1"}):
            assert os.environ["D2L_TEST_OLD"] == "temp" and os.environ["D2L_TEST_NEW"] == "1"
            raise RuntimeError
    assert os.environ["D2L_TEST_OLD"] == "old" and "D2L_TEST_NEW" not in os.environ


BUSY = ("import time\nend = time.perf_counter() + {s}\n"
        "while time.perf_counter() < end: pass\nprint({s})")


def test_reference_unit_uses_the_cpu_setup_of_train_ch6(capsys, monkeypatch):
    """单位要和页面一起随 CPU 变快变慢：参考工作量与 train_ch6 在 CPU 上用同样的布局和更新方式。"""
    import torch
    from torch import nn

    import d2lcode as d2l

    X, y = torch.randn(16, 1, 6, 6), torch.randint(0, 2, (16,))
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(32, 2))
    d2l.train_ch6(net, d2l.load_array((X, y), 8), d2l.load_array((X, y), 16, False), 1, 0.1, "cpu")
    capsys.readouterr()
    assert net[0].weight.is_contiguous(memory_format=torch.channels_last)
    assert ".to(memory_format=torch.channels_last)" in d2l_exec.REFERENCE_CODE
    assert "foreach=True" in d2l_exec.REFERENCE_CODE
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))  # 测试结束后恢复 sys.path
    import bench_unit

    nchw = bench_unit.nchw_reference()                    # 对照用的课程式参考
    assert "channels_last" not in nchw and "foreach" not in nchw
    assert "torch.set_num_threads(2)" in bench_unit.two_thread_reference()  # 原来的单位


@pytest.mark.skipif(not Path("/proc/stat").exists(), reason="别的进程的负载只在 Linux 上测量")
def test_reference_measurement_sees_other_load():
    """另一个进程一直占着一个核时，测量报告的“别的进程占用”明显大于 0；自己的 CPU 时间不算在内。"""
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)
        seconds, others = d2l_exec.measure_reference(BUSY.format(s=1.5))
    finally:
        hog.kill()
        hog.wait()
    assert seconds == 1.5
    assert others is not None and others > 0.4


def test_unit_measured_under_load_is_not_remembered(tmp_path: Path, monkeypatch):
    lines: list[str] = []
    monkeypatch.setattr(d2l_exec, "measure_reference", lambda: (20.0, 0.9))
    assert d2l_exec.measure_unit(tmp_path, lines.append) == (20.0, 0.9)
    assert d2l_exec.remembered_unit(tmp_path) is None
    assert "不会被记住" in lines[-1]
    monkeypatch.setattr(d2l_exec, "measure_reference", lambda: (12.0, 0.05))
    assert d2l_exec.measure_unit(tmp_path, lines.append) == (12.0, 0.05)
    assert d2l_exec.remembered_unit(tmp_path) == 12.0


def test_recheck_keeps_the_faster_unit_and_ignores_a_loaded_one(tmp_path: Path, monkeypatch):
    """执行结束后的复测：取两次中较短的一次（并记住它）；复测时机器很忙就不用复测结果。"""
    lines: list[str] = []
    report = {"unit_seconds": 16.0}
    monkeypatch.setattr(d2l_exec, "measure_reference", lambda: (13.0, 0.02))
    assert d2l_exec.recheck_unit(tmp_path, report, lines.append) == 13.0
    assert report["unit_samples"] == [16.0, 13.0]
    assert d2l_exec.remembered_unit(tmp_path) == 13.0
    report = {"unit_seconds": 12.0}
    assert d2l_exec.recheck_unit(tmp_path, report, lines.append) == 12.0  # 执行前的更短
    monkeypatch.setattr(d2l_exec, "measure_reference", lambda: (9.0, 0.9))
    report = {"unit_seconds": 12.0}
    assert d2l_exec.recheck_unit(tmp_path, report, lines.append) == 12.0
    assert "不用" in lines[-1]


def test_cold_cpu_preexecution_rechecks_the_unit_and_smoke_does_not(tmp_path: Path, monkeypatch):
    """按 CPU 规模执行了至少 RECHECK_AFTER 个单位时，结束后复测单位并改用较短的一次，
    每页记录的单位也随之更新；冒烟规模不复测。"""
    book = tmp_path / "book"
    book.mkdir()
    (book / "index.md").write_text(TINY_PAGE, encoding="utf-8")
    monkeypatch.setenv("TINY_RUNS", str(tmp_path / "runs.txt"))
    monkeypatch.setattr(d2l_exec, "recorded_seconds", lambda root=None: {})
    for mode, expected in (("cpu", [0.002, 0.001]), ("smoke", None)):
        readings = iter([(0.002, 0.0), (0.001, 0.0)])  # 执行一页远超 10 × 0.002 秒
        monkeypatch.setattr(d2l_exec, "measure_reference", readings.__next__)
        cache = tmp_path / mode / f"{mode}-test"  # 各用一个缓存根目录：不沿用记住的单位
        lines: list[str] = []
        report = d2l_exec.preexecute([book / "index.md"], cache, book=book, jobs=1,
                                     log=lines.append)
        assert not report["errors"], report["errors"]
        assert report.get("unit_samples") == expected
        assert report["unit_seconds"] == (0.001 if mode == "cpu" else 0.002)
        page_unit = d2l_exec.load_units(cache)["index"]["unit_seconds"]
        assert page_unit == round(report["unit_seconds"], 3)
        assert ("单位测了两次" in "\n".join(lines)) == (mode == "cpu")
