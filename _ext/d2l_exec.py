"""执行页面：缓存键、预执行和计算预算（Sphinx 扩展 ``d2l_exec``，也可以作为脚本运行）。

构建分两步（``nox -s build-docs``）：

1. ``python _ext/d2l_exec.py``：用进程池把还没有缓存结果的页面执行一遍，写进 jupyter-cache。
   页面按上次记录的用时从长到短领取；每执行完一页打印一行（秒数、单位数、预算占用），
   最后打印汇总和最慢的几页。在 Linux 上，内核从预先导入好 torch 和 d2lcode 的孵化器 fork 出来
   （见 ``d2l_kernel``），每页省掉几秒的启动和导入。
2. ``sphinx-build``：myst-nb 以 ``cache`` 方式从缓存取出输出，不再执行任何页面
   （若有页面被执行了，说明第 1 步与 myst-nb 读页面的方式不一致，构建给出警告并失败）。

**缓存键**：缓存目录名由 d2lcode 的代码（去掉注释和文档字符串）、预算档位（smoke / cpu / full）
和产生输出的包的版本决定；改 d2lcode 的注释或文档字符串不会使页面重新执行。
其他键的缓存目录最多保留 :data:`KEEP_CACHES` 个（最近用过的优先保留）。

**计算预算**：单位是参考工作量的用时，即在同一台机器上用 d2lcode 训练一轮 LeNet
（Fashion-MNIST 的 6 万张训练图像，批量 256，1 个线程，与执行页面的内核相同；
布局和优化器的设置与 ``train_ch6`` 在 CPU 上的一样，见 :data:`REFERENCE_CODE`）。
页面的用时除以这个秒数，在不同速度的机器上可以比较。一页的预算是 :data:`PAGE_BUDGET` 个单位。
测量期间别的进程占用超过 :data:`OTHER_LOAD_LIMIT` 个核时，构建提示单位数偏小，也不记住这个单位。
超时只用来发现卡死的内核（默认每个单元格 30 分钟，环境变量 ``D2L_CELL_TIMEOUT`` 可调），
速度从不决定能否构建。
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from d2l_kernel import preloaded_kernels

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
KEEP_CACHES = 4
# 预算原来按两个线程的 LeNet 一轮计：一页 50、全书 75 个单位。换成 1 个线程的参考后按空闲机器上
# 两者之比（约 1.6，见 TOOLCHAIN-NOTES：6.8k 与 11k 样本/秒）换算，预算本身没有放宽。
# 参考改用 train_ch6 的“通道最后”布局后，这个比值随指令集而变（benchmarks/bench_unit.py 测量）。
# 在一台有 AVX-512 的 2 核虚拟机上，几组交替测量的中位数：用全部指令集时 1.5～1.7，与 1.6 相符；
# 只用 AVX2（ATEN_CPU_CAPABILITY=avx2、ONEDNN_MAX_CPU_ISA=AVX2）时 1.1～1.2，因为两个线程的
# 课程式 NCHW 参考在 AVX2 上慢得多。所以在只有 AVX2 的机器上，原来的 75 个单位约合 63～66 个
# 现在的单位，而不是 47。预算仍按 1.6 换算，没有改。
PAGE_BUDGET = 30.0  # 单位
BOOK_BUDGET = 47.0  # 单位：冷构建执行全部页面的总墙钟时间
DEFAULT_CELL_TIMEOUT = 1800
UNITS_FILE = "page-units.json"
# 决定页面输出的包：版本一变，缓存键就变
OUTPUT_PACKAGES = ("torch", "torchvision", "numpy", "matplotlib", "pandas", "mplfonts",
                   "palmerpenguins")
# 执行页面的内核从构建进程继承的环境变量（两个页面并行执行时各用一个线程，见 TOOLCHAIN-NOTES）
KERNEL_ENV = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "D2L_BUILD": "1",  # d2lcode 据此只画最终的图，不输出中间过程
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # 避免内核启动时的调试器提示
}


def kernel_env(root: Path = ROOT) -> dict[str, str]:
    """执行页面的内核所需的环境变量；内核的日志只留错误（不再打印 TCP 传输的警告）。"""
    ipython_dir = root / "_build" / "ipython"
    profile = ipython_dir / "profile_default"
    profile.mkdir(parents=True, exist_ok=True)
    config = profile / "ipython_kernel_config.py"
    text = 'c.IPKernelApp.log_level = "ERROR"\n'
    if not config.is_file() or config.read_text() != text:
        tmp = config.with_name(f"{config.name}.{os.getpid()}.tmp")
        tmp.write_text(text)
        tmp.replace(config)  # 原子地替换：并行的进程不会读到写了一半的文件
    return dict(KERNEL_ENV, IPYTHONDIR=str(ipython_dir))


# --- 缓存键 --------------------------------------------------------------------------


def _flag(value: str | None) -> bool | None:
    value = (value or "").strip().lower()
    if value in ("", "auto"):
        return None
    return value not in ("0", "false", "no", "off")


def budget_mode(environ: dict[str, str] | None = None) -> str:
    """与 ``d2lcode.device.mode()`` 相同的判断，但不在构建进程里导入 torch。"""
    environ = os.environ if environ is None else environ
    if _flag(environ.get("D2L_SMOKE")):
        return "smoke"
    full = _flag(environ.get("D2L_FULL"))
    if full is None:  # 自动：有 GPU 时用完整规模；在子进程里问 torch
        code = "import torch; print(int(torch.cuda.is_available()))"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=False).stdout.strip()
        full = out == "1"
    return "full" if full else "cpu"


def code_digest(package: Path) -> str:
    """包的源码摘要：只看语法树，注释和文档字符串不影响它。"""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                  ast.AsyncFunctionDef)) and body
                    and isinstance(body[0], ast.Expr)
                    and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                node.body = body[1:] or [ast.Pass()]
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(ast.dump(tree).encode())
    return digest.hexdigest()


def package_versions() -> dict[str, str]:
    versions = {}
    for name in OUTPUT_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "-"
    return versions


def cache_key(root: Path = ROOT, environ: dict[str, str] | None = None) -> str:
    """执行缓存的键：预算档位 + 产生输出的包的版本 + d2lcode 的代码。"""
    parts = {"mode": budget_mode(environ), "python": sys.version.split()[0],
             "versions": package_versions(), "d2lcode": code_digest(root / "d2lcode")}
    blob = json.dumps(parts, sort_keys=True).encode()
    return f"{parts['mode']}-{hashlib.sha256(blob).hexdigest()[:16]}"


def cache_mode(cache: Path) -> str:
    """缓存目录对应的预算档位：``cache_key`` 把档位放在目录名的开头。"""
    return cache.name.split("-")[0]


def cache_root(root: Path = ROOT) -> Path:
    return Path(os.environ.get("D2L_CACHE_ROOT", root / "_build" / ".jupyter_cache"))


def cache_dir(root: Path = ROOT, environ: dict[str, str] | None = None) -> Path:
    """本次构建使用的缓存目录（``<缓存根目录>/<键>``）。"""
    return cache_root(root) / cache_key(root, environ)


def touch_and_prune(current: Path, keep: int = KEEP_CACHES) -> list[Path]:
    """记下 ``current`` 刚被用过；同一根目录下只保留最近用过的 ``keep`` 个缓存，返回删掉的。"""
    import shutil

    current.mkdir(parents=True, exist_ok=True)
    (current / "last-used").write_text(f"{time.time():.3f}\n")

    def last_used(path: Path) -> float:
        stamp = path / "last-used"
        return float(stamp.read_text()) if stamp.is_file() else path.stat().st_mtime

    others = [p for p in current.parent.iterdir() if p.is_dir()]
    others.sort(key=last_used, reverse=True)
    removed = [p for p in others[keep:] if p != current]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


# --- 读页面、单位记录 ------------------------------------------------------------------


def notebook_pages(book: Path = BOOK) -> list[Path]:
    """书中声明为笔记本（front matter 里有 kernelspec）的页面。"""
    pages = []
    for path in sorted(book.rglob("*.md")):
        if {"_build", "_static"} & set(path.parts):
            continue
        head = path.read_text(encoding="utf-8")[:500]
        if head.startswith("---") and "kernelspec:" in head:
            pages.append(path)
    return pages


def read_notebook(path: Path, extensions: list[str] | None = None):
    """用 myst-nb 自己的读取器把页面读成笔记本：得到的哈希与 Sphinx 构建时相同。"""
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    config = MdParserConfig(enable_extensions=set(extensions or []))
    return read_myst_markdown_notebook(path.read_text(encoding="utf-8"), config=config,
                                       add_source_map=True, path=str(path))


def load_units(cache: Path) -> dict[str, dict[str, float]]:
    path = cache / UNITS_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def save_units(cache: Path, units: dict[str, dict[str, float]]) -> None:
    tmp = cache / (UNITS_FILE + ".tmp")
    tmp.write_text(json.dumps(units, ensure_ascii=False, indent=1, sort_keys=True),
                   encoding="utf-8")
    tmp.replace(cache / UNITS_FILE)


def recorded_seconds(root: Path = ROOT) -> dict[str, float]:
    """各页最近一次记录的执行秒数（任何一个缓存目录里的记录都算），用来安排执行顺序。"""
    seconds: dict[str, float] = {}
    base = cache_root(root)
    if not base.is_dir():
        return seconds
    for cache in sorted(base.iterdir(), key=lambda p: p.stat().st_mtime):
        for page, record in load_units(cache).items():
            seconds[page] = record["seconds"]
    return seconds


# --- 参考工作量 ------------------------------------------------------------------------

# 网络和优化器的设置与 d2lcode.train_ch6 在 CPU 上的一样（“通道最后”的内存布局、foreach 更新）：
# 参考工作量走页面训练卷积网络时的同一条代码路径。课程式的 NCHW 布局走的是另一条路径，
# 它随 CPU 指令集（AVX2 / AVX-512）变快变慢的幅度比全书大得多，同一份书在不同的机器上
# 单位数会明显不同。benchmarks/bench_unit.py 在同一台机器上限制指令集，比较两种参考。
REFERENCE_CODE = """
import time, torch
from torch import nn
import d2lcode as d2l
d2l.seed(0)
train_iter, _ = d2l.load_data_fashion_mnist(256, seed=0)
net = d2l.lenet().apply(d2l.init_xavier).to(memory_format=torch.channels_last)
optimizer = torch.optim.SGD(net.parameters(), lr=0.9, foreach=True)
start = time.perf_counter()
d2l.train_epoch_ch3(net, train_iter, nn.CrossEntropyLoss(), optimizer, device=d2l.cpu())
print(time.perf_counter() - start)
"""


# 测量参考工作量期间，别的进程平均占用超过这么多个核时，测得的单位不可信（偏大）
OTHER_LOAD_LIMIT = 0.25


def measure_reference(code: str = REFERENCE_CODE) -> tuple[float, float | None]:
    """运行参考工作量（一轮 LeNet），返回 ``(秒数, 别的进程平均占用的核数)``。

    在新的子进程里用 1 个线程测量：页面执行时每个内核也只用 1 个线程；两个线程的 OpenMP
    在机器上还有别的进程时会慢一二十倍（见 TOOLCHAIN-NOTES），用它作参考会让单位数忽大忽小。
    核数由 /proc/stat 里整机的 CPU 时间减去这个子进程自己的 CPU 时间得到；
    不是 Linux 时为 None。``code`` 最后一行输出秒数（测试里用短的代码代替一轮 LeNet）。
    """
    env = {k: v for k, v in os.environ.items() if k not in ("D2L_SMOKE", "D2L_FULL")}
    env.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    busy0, child0, start = _busy_cpu_seconds(), _children_cpu_seconds(), time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True, env=env, check=False)
    wall = time.perf_counter() - start
    busy1, child1 = _busy_cpu_seconds(), _children_cpu_seconds()
    if done.returncode != 0:
        raise RuntimeError("参考工作量（一轮 LeNet）运行失败：\n" + done.stderr[-2000:])
    others = None
    if busy0 is not None and busy1 is not None and wall > 0:
        others = max(0.0, (busy1 - busy0) - (child1 - child0)) / wall
    return float(done.stdout.strip().splitlines()[-1]), others


def _busy_cpu_seconds() -> float | None:
    """整机各个核忙碌的 CPU 秒数之和（/proc/stat 的第一行）；读不到时为 None。"""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _children_cpu_seconds() -> float:
    """已经结束的子进程用掉的 CPU 秒数（Windows 上没有 resource 模块，返回 0）。"""
    try:
        import resource
    except ImportError:
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


UNIT_FILE = "unit.json"
UNIT_MAX_AGE = 12 * 3600  # 秒：同一台机器上 12 小时内测得的单位直接沿用


def _machine() -> str:
    import platform

    return f"{platform.node()}|{platform.machine()}|{platform.processor()}|{os.cpu_count()}"


def _reference_id() -> str:
    """参考工作量代码的摘要：代码改了，以前记住的单位就不再沿用。"""
    return hashlib.sha256(REFERENCE_CODE.encode()).hexdigest()[:16]


def remembered_unit(root: Path) -> float | None:
    """同一台机器上最近测得的单位（秒）；没有或太旧时返回 None。"""
    path = root / UNIT_FILE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    fresh = time.time() - record.get("time", 0) < UNIT_MAX_AGE
    same = record.get("machine") == _machine() and record.get("reference") == _reference_id()
    return float(record["seconds"]) if fresh and same else None


def remember_unit(root: Path, seconds: float) -> None:
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / (UNIT_FILE + ".tmp")
    record = {"seconds": seconds, "time": time.time(), "machine": _machine(),
              "reference": _reference_id()}
    tmp.write_text(json.dumps(record), encoding="utf-8")
    tmp.replace(root / UNIT_FILE)


def measure_unit(root: Path, log=print) -> tuple[float, float | None]:
    """测量单位，返回 ``(秒数, 别的进程占用的核数)``。机器空闲时记住单位（12 小时内沿用）；
    别的进程占用过多时只用于这一次构建，并提示单位数偏小。"""
    log("测量参考工作量（用 d2lcode 训练一轮 LeNet）……")
    unit, others = measure_reference()
    if others is not None and others > OTHER_LOAD_LIMIT:
        log(f"注意：测量期间别的进程平均占用了 {others:.1f} 个核，单位偏大、单位数偏小；"
            "要与预算比较，请在空闲的机器上重新构建。这个单位不会被记住。")
    else:
        remember_unit(root, unit)
    return unit, others


# --- 预执行 ----------------------------------------------------------------------------


def _execute(path: str, timeout: int, extensions: list[str],
             kernel_name: str = "python3") -> dict[str, Any]:
    """在子进程里执行一页；返回执行后的笔记本（JSON）或错误说明。"""
    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    notebook = read_notebook(Path(path), extensions)
    result = single_nb_execution(notebook, cwd=str(Path(path).parent), timeout=timeout,
                                 allow_errors=False, meta_override=True, kernel_name=kernel_name)
    return {"path": path, "seconds": result.time, "error": result.exc_string,
            "notebook": None if result.err else nbformat.writes(notebook)}


def _docname(path: Path, book: Path) -> str:
    return path.relative_to(book).with_suffix("").as_posix()


@contextmanager
def environ(env: dict[str, str]) -> Iterator[None]:
    """在这段代码里临时设置环境变量（执行页面的内核从本进程继承它们），结束时恢复原值。"""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def preexecute(pages: list[Path], cache: Path, book: Path = BOOK, jobs: int = 2,
               timeout: int = DEFAULT_CELL_TIMEOUT, extensions: list[str] | None = None,
               unit: float | None = None, log=print) -> dict[str, Any]:
    """执行缓存里还没有结果的页面，把结果写进 ``cache``；返回报告。页面出错时报告里有回溯。"""
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    extensions = list(extensions or [])
    jc = get_cache(str(cache))
    todo = []
    for path in pages:
        try:
            jc.match_cache_notebook(read_notebook(path, extensions))
        except KeyError:
            todo.append(path)
    report: dict[str, Any] = {"executed": [], "cached": len(pages) - len(todo), "errors": [],
                              "unit_seconds": unit, "wall_seconds": 0.0,
                              "mode": cache_mode(cache)}
    if not todo:
        log(f"所有 {len(pages)} 页都已在执行缓存中，不需要执行。")
        return report
    if unit is None:
        unit = remembered_unit(cache.parent)
    measured = unit is None
    if measured:
        unit, report["other_load"] = measure_unit(cache.parent, log)
    report["unit_seconds"] = unit
    log(f"参考工作量：{unit:.2f} 秒 = 1 单位；一页的预算 {PAGE_BUDGET:.0f} 单位。"
        f"要执行 {len(todo)} 页（{jobs} 个进程），{report['cached']} 页取自缓存。")
    order = recorded_seconds()
    todo.sort(key=lambda p: -order.get(_docname(p, book), _estimate(p)))
    units = load_units(cache)
    start = time.perf_counter()
    with environ(kernel_env()), preloaded_kernels() as kernels, environ(kernels.env):
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_execute, str(p), timeout, extensions, kernels.name)
                       for p in todo]
            for future in as_completed(futures):
                result = future.result()
                path = Path(result["path"])
                name = _docname(path, book)
                seconds = result["seconds"]
                if result["error"]:
                    report["errors"].append((name, result["error"]))
                    log(f"  出错  {name}（{seconds:.0f} 秒）")
                    continue
                jc.cache_notebook_bundle(
                    CacheBundleIn(nbformat.reads(result["notebook"], nbformat.NO_CONVERT),
                                  str(path), data={"execution_seconds": seconds}),
                    check_validity=False, overwrite=True)
                units[name] = {"seconds": round(seconds, 2), "unit_seconds": round(unit, 3)}
                save_units(cache, units)
                report["executed"].append((name, seconds))
                log(f"  {name:<55} {seconds:6.1f} 秒 {seconds / unit:5.1f} 单位 "
                    f"预算 {seconds / unit / PAGE_BUDGET:4.0%}"
                    + ("  超出预算" if seconds / unit > PAGE_BUDGET else ""))
    report["wall_seconds"] = time.perf_counter() - start
    if measured and report["mode"] == "cpu" and report["wall_seconds"] >= RECHECK_AFTER * unit:
        report["unit_seconds"] = recheck_unit(cache.parent, report, log)
        for name, _ in report["executed"]:  # 这次执行的页面改用复测后的单位
            units[name]["unit_seconds"] = round(report["unit_seconds"], 3)
        save_units(cache, units)
    _summary(report, log)
    return report


# 按 CPU 规模执行用了至少这么多单位时，结束后再测一次单位（冷构建）；只执行几页时不值得多花这一轮，
# 冒烟和完整规模不与预算比较，也不复测
RECHECK_AFTER = 10


def recheck_unit(root: Path, report: dict[str, Any], log=print) -> float:
    """执行结束后再测一次参考工作量，单位取两次中较短的一次，并把两次都记进报告。

    同一台空闲的机器上，一次测量也可能因为机器外的干扰（例如虚拟机所在的主机很忙）
    慢两三成，而机器里看不到这种负载；干扰只会让测量变慢，所以取较短的一次。
    单位小了，单位数就大：这样取值只会让构建显得更贵，不会让它显得便宜。
    """
    first = report["unit_seconds"]
    log("执行结束，复测参考工作量……")
    again, others = measure_reference()
    report["unit_samples"] = [first, again]
    if others is not None and others > OTHER_LOAD_LIMIT:
        log(f"复测期间别的进程平均占用了 {others:.1f} 个核，复测结果不用。")
        return first
    unit = min(first, again)
    remember_unit(root, unit)
    return unit


_TRAINING_CALL = re.compile(r"\btrain_\w*\(")
_CODE_CELL = re.compile(r"```\{code-cell\}[^\n]*\n(.*?)```", re.S)


def estimated_cost(source: str) -> float:
    """没有用时记录时对一页执行时间的粗略估计（只看代码单元格里的训练调用）。"""
    code = "\n".join(_CODE_CELL.findall(source))
    if not code:
        return 0.0
    heavy = code.count("train_ch6(")
    light = len(_TRAINING_CALL.findall(code)) - heavy  # 小训练：解答页里可能有很多个，封顶
    return 3.0 + 80.0 * heavy + min(5.0 * light, 40.0)


def _estimate(path: Path) -> float:
    return estimated_cost(path.read_text(encoding="utf-8"))


_MODE_NAMES = {"smoke": "冒烟", "full": "完整"}


def _summary(report: dict[str, Any], log) -> None:
    unit, wall = report["unit_seconds"], report["wall_seconds"]
    executed = sorted(report["executed"], key=lambda item: -item[1])
    total = sum(s for _, s in executed)
    budget = (f"全书冷构建的预算 {BOOK_BUDGET:.0f} 单位" if report.get("mode", "cpu") == "cpu"
              else f"{_MODE_NAMES.get(report['mode'], report['mode'])}规模，不与预算比较")
    log(f"执行了 {len(executed)} 页：墙钟 {wall:.0f} 秒 = {wall / unit:.1f} 单位"
        f"（{budget}；各页相加 {total:.0f} 秒）。最慢的页面："
        + "，".join(f"{n.split('/')[-1]} {s:.0f} 秒" for n, s in executed[:5]))
    samples = report.get("unit_samples")
    if samples:
        spread = max(samples) / min(samples) - 1
        log(f"单位测了两次（执行前 {samples[0]:.2f} 秒，执行后 {samples[1]:.2f} 秒，"
            f"相差 {spread:.0%}），取 {unit:.2f} 秒。")
    others = report.get("other_load")
    if others is not None:
        loaded = others > OTHER_LOAD_LIMIT
        log(f"测量单位时别的进程平均占用 {others:.2f} 个核"
            + (f"（超过 {OTHER_LOAD_LIMIT}，单位数偏小，不能与预算比较）。" if loaded else "。"))
    over = [n for n, s in executed if s / unit > PAGE_BUDGET]
    if over:
        log(f"超出每页 {PAGE_BUDGET:.0f} 单位预算的页面：" + "，".join(over))
    for name, error in report["errors"]:
        log(f"\n页面 {name} 执行出错：\n{error}")


# --- Sphinx 扩展 -----------------------------------------------------------------------


def _config_inited(app, config) -> None:
    """选好缓存目录、清理旧缓存，并在主进程里先建好缓存数据库。"""
    if config.nb_execution_mode != "cache":
        return
    cache = Path(config.nb_execution_cache_path)
    touch_and_prune(cache)
    from jupyter_cache.cache.db import create_db

    # -j 2 的两个进程若同时第一次建表，会报 table settings already exists
    create_db(cache).dispose()


def _check_nothing_executed(app, exception) -> None:
    """D2L_PREEXECUTED=1（预执行之后）时，Sphinx 不应再执行任何页面。"""
    if exception is not None or os.environ.get("D2L_PREEXECUTED") != "1":
        return
    from myst_nb.sphinx_ import NbMetadataCollector
    from sphinx.util import logging

    executed = [doc for doc, data in NbMetadataCollector.get_doc_data(app.env).items()
                if (data.get("exec_data") or {}).get("mtime", 0) >= _START]
    if executed:
        logging.getLogger(__name__).warning(
            "预执行之后 Sphinx 又执行了这些页面（预执行与 myst-nb 读页面的方式不一致？）：%s",
            "，".join(sorted(executed)))


_START = time.time()


def setup(app) -> dict[str, Any]:
    app.connect("config-inited", _config_inited)
    app.connect("build-finished", _check_nothing_executed)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


# --- 命令行 ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="预执行本书的页面，把结果写进执行缓存。")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("D2L_JOBS", "2")))
    parser.add_argument("--timeout", type=int,
                        default=int(os.environ.get("D2L_CELL_TIMEOUT", DEFAULT_CELL_TIMEOUT)))
    parser.add_argument("--confdir", type=Path, default=ROOT, help="conf.py 所在的目录")
    parser.add_argument("--book", type=Path, default=BOOK, help="页面的源目录")
    parser.add_argument("--unit-seconds", type=float,
                        default=float(os.environ.get("D2L_UNIT_SECONDS", 0)) or None,
                        help="参考工作量的秒数（省略时在本机测量）")
    parser.add_argument("--report", type=Path, default=None, help="把报告另存为 JSON 文件")
    args = parser.parse_args(argv)
    import runpy

    conf = runpy.run_path(str(args.confdir / "conf.py"))
    if conf.get("nb_execution_mode", "cache") != "cache":
        print(f"nb_execution_mode = {conf['nb_execution_mode']!r}：不预执行。")
        return 0
    cache = Path(conf["nb_execution_cache_path"])
    touch_and_prune(cache)
    from jupyter_cache.cache.db import create_db

    create_db(cache).dispose()
    excluded = _matcher(conf.get("exclude_patterns", []))
    pages = [p for p in notebook_pages(args.book)
             if not excluded(p.relative_to(args.book).as_posix())]
    report = preexecute(pages, cache, book=args.book, jobs=args.jobs, timeout=args.timeout,
                        extensions=list(conf.get("myst_enable_extensions", [])),
                        unit=args.unit_seconds)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(report, ensure_ascii=False, indent=1),
                               encoding="utf-8")
    return 1 if report["errors"] else 0


def _matcher(patterns: list[str]):
    from sphinx.util.matching import Matcher

    return Matcher(list(patterns))


if __name__ == "__main__":
    sys.exit(main())
