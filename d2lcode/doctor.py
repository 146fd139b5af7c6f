"""环境自检：列出版本、设备、数据和字体，并指出已知的不兼容组合。

在命令行运行 ``python -m d2lcode.doctor``，或在笔记本里调用 :func:`report`。
每个判断都是只接收版本号和开关的纯函数（``check_*``），不读取环境，便于单元测试；
:func:`collect` 负责读取本机的实际情况，:func:`report` 把两者组合起来。

检查结果的状态有三种：``"ok"`` （正常）、``"warn"`` （注意：可能有问题，或影响部分功能）、
``"fail"`` （错误：会导致本书的代码无法运行）。每个非正常的结果都带有中文的修复办法，
与附录“常见问题与排错”中的条目对应。
"""

from __future__ import annotations

import importlib.metadata
import platform
import re
import shutil
import subprocess
import sys
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import PurePath

__all__ = [
    "Check",
    "Report",
    "check_cjk_font",
    "check_cuda",
    "check_cuda_driver",
    "check_data",
    "check_jinja_nbconvert",
    "check_old_d2l",
    "check_python",
    "check_setuptools",
    "check_torchvision",
    "collect",
    "expected_torchvision",
    "main",
    "parse_version",
    "report",
]

STATUS_LABELS = {"ok": "正常", "warn": "注意", "fail": "错误"}
SUPPORTED_PYTHON = ((3, 10), (3, 13))  # 本书测试过的 Python 版本范围（含两端）


@dataclass(frozen=True)
class Check:
    """一项检查的结果。

    ``status`` 是 ``"ok"``、``"warn"`` 或 ``"fail"``；``fix`` 是修复办法（正常时为空）。
    """

    name: str
    status: str
    message: str
    fix: str = ""

    def __post_init__(self):
        if self.status not in STATUS_LABELS:
            raise ValueError(f"status 只能是 ok、warn 或 fail，收到的是 {self.status!r}。")

    def format(self) -> str:
        """一行（必要时加一行修复办法）的中文文本。

        >>> print(Check("Python", "warn", "3.14 未经测试", "改用 3.11").format())
        [注意] Python：3.14 未经测试
               修复：改用 3.11
        """
        line = f"[{STATUS_LABELS[self.status]}] {self.name}：{self.message}"
        return line + (f"\n       修复：{self.fix}" if self.fix else "")


@dataclass
class Report:
    """自检的结果：``info`` 是版本、设备等信息（名称 → 文本），``checks`` 是各项检查。"""

    info: dict[str, str] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """没有 ``"fail"`` 项时为 ``True`` （``"warn"`` 不算失败）。"""
        return all(c.status != "fail" for c in self.checks)

    def problems(self) -> list[Check]:
        """状态不是 ``"ok"`` 的检查项。"""
        return [c for c in self.checks if c.status != "ok"]

    def format(self) -> str:
        """整份报告的中文文本。"""
        width = max((_width(k) for k in self.info), default=0)
        lines = ["运行环境："]
        lines += [f"  {k}{' ' * (width - _width(k))}  {v}" for k, v in self.info.items()]
        lines += ["", "检查："]
        lines += ["  " + c.format().replace("\n", "\n  ") for c in self.checks]
        counts = {s: sum(c.status == s for c in self.checks) for s in STATUS_LABELS}
        lines += ["", "共 {} 项：正常 {}，注意 {}，错误 {}。".format(
            len(self.checks), counts["ok"], counts["warn"], counts["fail"])]
        return "\n".join(lines)


def _width(text: str) -> int:
    """终端里的显示宽度：汉字等全角字符占两格。"""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def parse_version(text: str | None) -> tuple[int, ...] | None:
    """把版本号开头的数字部分解析成元组；``None`` 或无法解析时返回 ``None``。

    本地标记（``+cu126``）和预发布后缀（``rc1``、``.dev0``）都被忽略。

    >>> parse_version("2.5.1+cu124")
    (2, 5, 1)
    >>> parse_version("0.20.0rc3"), parse_version("6.5.0.dev0"), parse_version(None)
    ((0, 20, 0), (6, 5, 0), None)
    """
    if not text:
        return None
    match = re.match(r"\d+(?:\.\d+)*", text.strip())
    if match is None:
        return None
    return tuple(int(p) for p in match.group().split("."))


def _local_tag(version: str | None) -> str | None:
    """版本号里 ``+`` 之后的本地标记，例如 ``"2.5.1+cu124"`` → ``"cu124"``。"""
    if not version or "+" not in version:
        return None
    return version.split("+", 1)[1]


def _fmt(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version))


# --- 纯函数：每个只根据参数判断，不读取本机环境 ----------------------------------------


def check_python(version: tuple[int, ...]) -> Check:
    """Python 版本是否在本书支持的范围（3.10～3.13）内。

    >>> check_python((3, 11, 7)).status, check_python((3, 9, 18)).status
    ('ok', 'fail')
    >>> check_python((3, 14, 0)).status
    'warn'
    """
    low, high = SUPPORTED_PYTHON
    text = _fmt(version)
    if version[:2] < low:
        return Check("Python", "fail", f"{text} 太旧，本书需要 Python {_fmt(low)} 或更新的版本",
                     "新建一个环境：conda create -n d2l python=3.11")
    if version[:2] > high:
        return Check("Python", "warn", f"{text} 比本书测试过的最新版本 {_fmt(high)} 还新，"
                     "部分依赖可能还没有这个版本的安装包",
                     "安装失败时改用 Python 3.11～3.13：conda create -n d2l python=3.11")
    return Check("Python", "ok", f"{text}（支持 {_fmt(low)}～{_fmt(high)}）")


def check_old_d2l(python: tuple[int, ...], d2l_version: str | None) -> Check:
    """是否装了课程旧的 ``d2l`` 包，以及它在当前 Python 上能否正常工作。

    旧 ``d2l`` （1.0.3 及以前）钉死了旧版本的 NumPy 等依赖，在 Python ≥ 3.12 上装不上或
    导入出错。本书用 ``d2lcode``，不需要它。

    >>> check_old_d2l((3, 12, 1), "0.17.6").status
    'fail'
    >>> check_old_d2l((3, 12, 1), None).status, check_old_d2l((3, 9, 0), "0.17.6").status
    ('ok', 'ok')
    """
    if d2l_version is None:
        return Check("旧 d2l 包", "ok", "未安装（本书用 d2lcode，不需要它）")
    old = (parse_version(d2l_version) or (0,)) <= (1, 0, 3)
    if old and python[:2] >= (3, 12):
        return Check(
            "旧 d2l 包", "fail",
            f"d2l {d2l_version} 钉死了旧版本的 NumPy 等依赖，不支持 Python {_fmt(python[:2])}",
            "本书的代码用 import d2lcode as d2l，卸载它即可：python -m pip uninstall d2l；"
            "一定要用旧包时，用 Python 3.9 单独建环境（见“常见问题与排错”）")
    return Check("旧 d2l 包", "ok", f"d2l {d2l_version}（本书用 d2lcode，两者互不影响）")


def check_setuptools(python: tuple[int, ...], setuptools_version: str | None,
                     pip_version: str | None) -> Check:
    """Python ≥ 3.12 上的旧 setuptools（< 66.1）或旧 pip（< 23.1）。

    它们自带的 ``pkg_resources`` 还用着 3.12 删除的 ``pkgutil.ImpImporter``，
    从源码安装包时会报 ``AttributeError: module 'pkgutil' has no attribute 'ImpImporter'``。

    >>> check_setuptools((3, 12, 0), "65.5.0", "24.0").status
    'fail'
    >>> check_setuptools((3, 12, 0), "70.0.0", "22.3").status
    'fail'
    >>> check_setuptools((3, 11, 0), "65.5.0", "22.3").status
    'ok'
    >>> check_setuptools((3, 12, 0), None, "24.0").status  # 3.12 的 venv 默认不带 setuptools
    'ok'
    """
    old = []
    st, pp = parse_version(setuptools_version), parse_version(pip_version)
    if st is not None and st < (66, 1):
        old.append(f"setuptools {setuptools_version}")
    if pp is not None and pp < (23, 1):
        old.append(f"pip {pip_version}")
    versions = "，".join(
        f"{n} {v}" for n, v in (("pip", pip_version), ("setuptools", setuptools_version)) if v)
    if old and python[:2] >= (3, 12):
        return Check(
            "安装工具", "fail",
            f"{'、'.join(old)} 太旧，在 Python {_fmt(python[:2])} 上安装包会报 "
            "pkgutil 没有 ImpImporter 的错误",
            "python -m pip install -U pip setuptools wheel")
    return Check("安装工具", "ok", versions or "未找到 pip / setuptools 的版本信息")


def expected_torchvision(torch_version: str) -> tuple[int, int] | None:
    """与某个 PyTorch 版本配套的 torchvision 的（主版本, 次版本）。

    PyTorch 2.x 对应 torchvision 0.(x+15)，1.x 对应 0.(x+1)；无法判断时返回 ``None``。

    >>> expected_torchvision("2.5.1+cu124"), expected_torchvision("1.13.1")
    ((0, 20), (0, 14))
    """
    v = parse_version(torch_version)
    if v is None or len(v) < 2:
        return None
    if v[0] == 2:
        return (0, v[1] + 15)
    if v[0] == 1 and v[1] >= 7:
        return (0, v[1] + 1)
    return None


def check_torchvision(torch_version: str, torchvision_version: str | None) -> Check:
    """torchvision 是否与 torch 配套（版本号和 CPU/CUDA 标记都要对上）。

    >>> check_torchvision("2.5.1", "0.20.1").status
    'ok'
    >>> check_torchvision("2.5.1", "0.19.0").status
    'fail'
    >>> check_torchvision("2.5.1+cu124", "0.20.1+cpu").status
    'fail'
    >>> check_torchvision("2.5.1", None).status
    'ok'
    """
    if torchvision_version is None:
        return Check("torchvision", "ok", "未安装（d2lcode 读数据不需要它）")
    want = expected_torchvision(torch_version)
    have = parse_version(torchvision_version)
    reinstall = ("用同一条命令重新安装配套的两者：python -m pip install -U torch torchvision "
                 "--index-url https://download.pytorch.org/whl/<cpu 或 cu126 等>")
    if want is not None and have is not None and have[:2] != want:
        return Check(
            "torchvision", "fail",
            f"torchvision {torchvision_version} 与 torch {torch_version} 不配套"
            f"（应为 {_fmt(want)}.x），import torchvision 可能报 DLL 或算子错误",
            reinstall)
    t_tag, v_tag = _local_tag(torch_version), _local_tag(torchvision_version)
    if t_tag and v_tag and t_tag != v_tag:
        return Check(
            "torchvision", "fail",
            f"torch 是 {t_tag} 版而 torchvision 是 {v_tag} 版，二进制扩展不兼容", reinstall)
    return Check("torchvision", "ok", f"{torchvision_version}（与 torch {torch_version} 配套）")


def check_cuda(cuda_build: str | None, cuda_available: bool, mps_available: bool = False,
               devices: tuple[str, ...] = ()) -> Check:
    """PyTorch 的 CUDA 构建与 GPU 是否可用是否一致。

    ``cuda_build`` 是 ``torch.version.cuda`` （CPU 版为 ``None``）。CUDA 版却用不了 GPU 时给出提示。

    >>> check_cuda("12.4", False).status
    'warn'
    >>> check_cuda("12.4", True, devices=("NVIDIA GeForce RTX 4090",)).status
    'ok'
    >>> check_cuda(None, False).status, check_cuda(None, False, mps_available=True).status
    ('ok', 'ok')
    """
    if cuda_build and cuda_available:
        return Check("GPU", "ok", f"CUDA {cuda_build} 版 PyTorch，可用的 GPU：" +
                     ("、".join(devices) or "（未取得名称）"))
    if cuda_build:
        return Check(
            "GPU", "warn",
            f"PyTorch 是 CUDA {cuda_build} 版，但 torch.cuda.is_available() 为 False，"
            "代码将在 CPU 上运行",
            "这台机器没有 NVIDIA GPU 时可以忽略；否则运行 nvidia-smi 检查驱动是否安装、"
            f"它显示的 CUDA Version 是否不低于 {cuda_build}，并确认 Jupyter 用的是这个环境")
    if mps_available:
        return Check("GPU", "ok", "Apple MPS 可用（d2l.try_gpu() 返回 mps）")
    return Check("GPU", "ok", "CPU 版 PyTorch，代码在 CPU 上运行（本书的每一页都能在 CPU 上跑完）")


def check_cuda_driver(cuda_build: str | None, driver_cuda: str | None) -> Check | None:
    """PyTorch 的 CUDA 版本是否高于驱动支持的上限（``nvidia-smi`` 的 “CUDA Version”）。

    任一版本未知时返回 ``None`` （不做这项检查）。

    >>> check_cuda_driver("12.6", "12.4").status
    'fail'
    >>> check_cuda_driver("12.1", "12.4").status
    'ok'
    >>> check_cuda_driver(None, "12.4") is None
    True
    """
    build, driver = parse_version(cuda_build), parse_version(driver_cuda)
    if build is None or driver is None:
        return None
    if build[:2] > driver[:2]:
        return Check(
            "NVIDIA 驱动", "fail",
            f"PyTorch 需要 CUDA {cuda_build}，驱动最高只支持 CUDA {driver_cuda}",
            "升级显卡驱动，或安装 CUDA 版本不高于驱动上限的 PyTorch（例如 --index-url "
            f"https://download.pytorch.org/whl/cu{driver[0]}{(driver + (0,))[1]}"
            "，该版本存在时）")
    return Check("NVIDIA 驱动", "ok",
                 f"驱动支持 CUDA {driver_cuda}，不低于 PyTorch 的 {cuda_build}")


def check_jinja_nbconvert(jinja2_version: str | None, nbconvert_version: str | None) -> Check:
    """Jinja2 ≥ 3.1 配 nbconvert < 6.5：Jupyter 报 ``cannot import name 'contextfilter'``。

    >>> check_jinja_nbconvert("3.1.2", "6.4.4").status
    'fail'
    >>> check_jinja_nbconvert("3.1.2", "7.16.0").status, check_jinja_nbconvert("3.1.2", None).status
    ('ok', 'ok')
    """
    jv, nv = parse_version(jinja2_version), parse_version(nbconvert_version)
    if jv is not None and nv is not None and jv >= (3, 1) and nv < (6, 5):
        return Check(
            "Jupyter", "fail",
            f"nbconvert {nbconvert_version} 与 Jinja2 {jinja2_version} 不兼容，"
            "会报 cannot import name 'contextfilter' from 'jinja2'",
            "在运行 Jupyter 的环境里：python -m pip install -U nbconvert")
    if nv is None:
        return Check("Jupyter", "ok", "未安装 nbconvert（不影响本书代码的运行）")
    return Check("Jupyter", "ok", f"nbconvert {nbconvert_version}，Jinja2 {jinja2_version}")


def check_cjk_font(font: str | None) -> Check:
    """有没有能显示中文的字体（:func:`d2lcode.plot.cjk_font` 的结果）。

    >>> check_cjk_font("Noto Sans CJK SC").status, check_cjk_font(None).status
    ('ok', 'warn')
    """
    if font:
        return Check("中文字体", "ok", f"图中的中文使用 {font}")
    return Check("中文字体", "warn", "没有找到中文字体，图中的中文会显示成方框",
                 "python -m pip install mplfonts，或安装系统字体（Debian/Ubuntu："
                 "sudo apt-get install fonts-noto-cjk），然后删除 matplotlib 的字体缓存并重启内核")


def check_data(found: dict[str, str | None], errors: dict[str, str] | None = None) -> Check:
    """Fashion-MNIST 的文件是否都在本地且完好。

    ``found`` 把文件名映射到找到的路径（找不到为 ``None``）；``errors`` 是校验失败的文件及原因。

    >>> names = ["train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"]
    >>> check_data({n: "/data/" + n for n in names}).status
    'ok'
    >>> check_data({names[0]: "/data/x", names[1]: None}).status
    'warn'
    >>> check_data({names[0]: None}, {names[1]: "校验失败"}).status
    'fail'
    """
    errors = errors or {}
    fix_place = ("Debian/Ubuntu：sudo apt-get install dataset-fashion-mnist；或把四个 .gz 文件放进"
                 "一个目录并设置环境变量 D2L_DATA_DIR 指向它")
    if errors:
        bad = "；".join(f"{n}：{e}" for n, e in errors.items())
        return Check("Fashion-MNIST", "fail", f"文件损坏：{bad}",
                     "删除损坏的文件后重新运行（会重新下载），或者 " + fix_place)
    missing = [n for n, p in found.items() if p is None]
    if missing:
        return Check("Fashion-MNIST", "warn",
                     f"本地缺少 {len(missing)} 个文件（{'、'.join(missing)}），"
                     "第一次使用时会尝试下载",
                     fix_place)
    folders = sorted({str(PurePath(p).parent) for p in found.values()})
    return Check("Fashion-MNIST", "ok", f"{len(found)} 个文件都在本地，位于 {'、'.join(folders)}")


# --- 读取本机环境 -------------------------------------------------------------------


def _dist_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _driver_cuda_version() -> str | None:
    """从 ``nvidia-smi`` 的输出里读出驱动支持的 CUDA 版本；没有这个命令时返回 ``None``。"""
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe], capture_output=True, text=True, timeout=15, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"CUDA Version:\s*([\d.]+)", out.stdout)
    return match.group(1) if match else None


def collect() -> dict:
    """读取本机的版本、设备、数据和字体信息，返回一个字典（不联网，不下载）。"""
    import torch

    from . import datahub
    from .plot import cjk_font

    env: dict = {
        "python": sys.version_info[:3],
        "python_text": sys.version.split()[0],
        "executable": sys.executable,
        "os": platform.platform(),
        "machine": platform.machine(),
        "torch": torch.__version__,
        "cuda_build": torch.version.cuda,
        "cuda_available": torch.cuda.is_available(),
        "mps_available": bool(getattr(torch.backends, "mps", None)
                              and torch.backends.mps.is_available()),
    }
    for dist in ("torchvision", "numpy", "matplotlib", "d2l", "setuptools", "pip",
                 "jinja2", "nbconvert"):
        env[dist] = _dist_version(dist)
    env["devices"] = tuple(torch.cuda.get_device_name(i)
                           for i in range(torch.cuda.device_count())) \
        if env["cuda_available"] else ()
    env["driver_cuda"] = _driver_cuda_version()
    found, errors = {}, {}
    for name, remote in datahub.DATA_HUB.items():
        if remote.group != "fashion-mnist":
            continue
        try:
            path = datahub.find_file(name)
            found[name] = None if path is None else str(path)
        except (datahub.ChecksumError, OSError) as err:
            errors[name] = str(err)
    env["data_found"], env["data_errors"] = found, errors
    with warnings.catch_warnings():  # 没有中文字体时 cjk_font 会发警告；这里改为检查项报告
        warnings.simplefilter("ignore")
        env["font"] = cjk_font()
    return env


def report(env: dict | None = None) -> Report:
    """运行全部检查，返回 :class:`Report`；``env`` 省略时用 :func:`collect` 读取本机环境。

    >>> r = report()
    >>> sorted({c.status for c in r.checks} - {"ok", "warn", "fail"})
    []
    >>> "PyTorch" in r.info
    True
    """
    env = collect() if env is None else env
    build = f"CUDA {env['cuda_build']} 版" if env.get("cuda_build") else "CPU 版"
    if env.get("cuda_available"):
        device = "CUDA：" + "、".join(env.get("devices") or ())
    elif env.get("mps_available"):
        device = "Apple MPS"
    else:
        device = "CPU（没有可用的 GPU）"
    info = {
        "Python": f"{env['python_text']}（{env['executable']}）",
        "操作系统": f"{env['os']}（{env['machine']}）",
        "PyTorch": f"{env['torch']}（{build}）",
        "torchvision": env.get("torchvision") or "未安装",
        "NumPy": env.get("numpy") or "未安装",
        "matplotlib": env.get("matplotlib") or "未安装",
        "计算设备": device,
        "中文字体": env.get("font") or "无",
    }
    if env.get("driver_cuda"):
        info["驱动支持的 CUDA"] = env["driver_cuda"]
    checks = [
        check_python(tuple(env["python"])),
        check_old_d2l(tuple(env["python"]), env.get("d2l")),
        check_setuptools(tuple(env["python"]), env.get("setuptools"), env.get("pip")),
        check_torchvision(env["torch"], env.get("torchvision")),
        check_cuda(env.get("cuda_build"), bool(env.get("cuda_available")),
                   bool(env.get("mps_available")), tuple(env.get("devices") or ())),
    ]
    driver = check_cuda_driver(env.get("cuda_build"), env.get("driver_cuda"))
    if driver is not None:
        checks.append(driver)
    checks += [
        check_jinja_nbconvert(env.get("jinja2"), env.get("nbconvert")),
        check_cjk_font(env.get("font")),
        check_data(env.get("data_found") or {}, env.get("data_errors")),
    ]
    return Report(info, checks)


def main() -> int:
    """命令行入口：打印报告；有错误项时返回 1。"""
    result = report()
    print(result.format())
    if not result.ok:
        print("\n请按“修复”一行处理错误项，详见附录“常见问题与排错”。")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
