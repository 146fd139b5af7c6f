"""环境自检：列出版本、设备、数据和字体，并指出已知的不兼容组合。

在命令行运行 ``python -m d2lcode.doctor``，或在笔记本里调用 :func:`report`。
每个判断都是只接收版本号和开关的纯函数（``check_*``），不读取环境，便于单元测试；
:func:`collect` 负责读取本机的实际情况，:func:`report` 把两者组合起来。

本模块只用标准库：torch、torchvision、NumPy、matplotlib 装坏了或没装时，自检照样运行，
把导入时的错误原文和修复办法报告出来（``python -m d2lcode.doctor`` 不经过
``d2lcode/__init__.py`` 里那些需要 torch 的导入，见那里的说明）。

检查结果的状态有三种：``"ok"`` （正常）、``"warn"`` （注意：可能有问题，或影响部分功能）、
``"fail"`` （错误：会导致本书的代码无法运行）。每个非正常的结果都带有中文的修复办法，
与附录“常见问题与排错”中的条目对应。
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import locale
import os
import platform
import re
import shutil
import subprocess
import sys
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path, PurePath

__all__ = [
    "Check",
    "Report",
    "check_cjk_font",
    "check_cuda",
    "check_cuda_driver",
    "check_data",
    "check_gpu_arch",
    "check_import",
    "check_jinja_nbconvert",
    "check_kernels",
    "check_numpy_torch",
    "check_nvidia_smi",
    "check_old_d2l",
    "check_python",
    "check_setuptools",
    "check_torchvision",
    "collect",
    "decode_output",
    "expected_torchvision",
    "find_kernels",
    "main",
    "parse_nvidia_smi",
    "parse_version",
    "report",
    "suggest_index",
]

STATUS_LABELS = {"ok": "正常", "warn": "注意", "fail": "错误"}
# 支持的 Python 版本（含两端），依据 2026 年 11 月 PyPI 实际提供的安装包：torch 2.15、
# NumPy 2.4、pandas 3.1、matplotlib 3.11 都有 3.11～3.14 的安装包；3.10 上只能装到
# torch 2.14、NumPy 2.2、pandas 2.3、matplotlib 3.10（还能用，但正在失去新版本）。
SUPPORTED_PYTHON = ((3, 11), (3, 14))
SHRINKING_PYTHON = (3, 10)
PYTORCH_SELECTOR = "https://pytorch.org/get-started/locally/"
VC_REDIST = "https://aka.ms/vs/17/release/vc_redist.x64.exe"


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
    """Python 版本是否在本书支持的范围内（依据 PyPI 今天提供的安装包，见 ``SUPPORTED_PYTHON``）。

    >>> check_python((3, 12, 7)).status, check_python((3, 9, 18)).status
    ('ok', 'fail')
    >>> check_python((3, 10, 14)).status, check_python((3, 14, 0)).status
    ('warn', 'ok')
    >>> check_python((3, 15, 0)).status
    'warn'
    """
    low, high = SUPPORTED_PYTHON
    text = _fmt(version)
    fix = "新建一个环境：conda create -n d2l python=3.12（或 uv venv --python 3.12）"
    if version[:2] < SHRINKING_PYTHON:
        return Check("Python", "fail", f"{text} 太旧，PyTorch 和 NumPy 的新版本都已不再支持它",
                     fix)
    if version[:2] < low:
        return Check("Python", "warn",
                     f"{text} 正在失去新版本的安装包（torch 最高 2.14、NumPy 最高 2.2、"
                     "pandas 最高 2.3），本书的代码仍能运行", fix)
    if version[:2] > high:
        return Check("Python", "warn", f"{text} 比本书测试过的最新版本 {_fmt(high)} 还新，"
                     "部分依赖可能还没有这个版本的安装包",
                     f"安装失败时改用 Python {_fmt(low)}～{_fmt(high)}：{fix}")
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


def check_torchvision(torch_version: str, torchvision_version: str | None,
                      import_error: str | None = None) -> Check:
    """torchvision 是否与 torch 配套（版本号和 CPU/CUDA 标记都要对上），以及能否导入。

    ``import_error`` 是 ``import torchvision`` 失败时的错误文本（能导入时为 ``None``）。

    >>> check_torchvision("2.5.1", "0.20.1").status
    'ok'
    >>> check_torchvision("2.5.1", "0.19.0").status
    'fail'
    >>> check_torchvision("2.5.1+cu124", "0.20.1+cpu").status
    'fail'
    >>> check_torchvision("2.5.1", None).status
    'ok'
    >>> check_torchvision("2.5.1", "0.20.1", "OSError: [WinError 126] 找不到指定的模块。").status
    'fail'
    """
    if torchvision_version is None and import_error is None:
        return Check("torchvision", "ok", "未安装（d2lcode 读数据不需要它）")
    have, want = parse_version(torchvision_version), expected_torchvision(torch_version)
    reinstall = ("用同一条命令、从同一个源重新安装配套的两者：python -m pip install -U "
                 "--force-reinstall torch torchvision --index-url "
                 "https://download.pytorch.org/whl/<cpu 或 cu128 等，与 torch 相同>")
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
    if import_error:
        return Check("torchvision", "fail",
                     f"{torchvision_version or ''} 已安装，但 import torchvision 失败："
                     f"{import_error}",
                     _import_fix("torchvision", import_error, reinstall))
    return Check("torchvision", "ok", f"{torchvision_version}（与 torch {torch_version} 配套）")


def suggest_index(driver_cuda: str | None) -> str:
    """按驱动支持的 CUDA 版本（``nvidia-smi`` 右上角）建议 PyTorch 安装源的标记。

    CUDA 12.x / 13.x 的安装包能在同一主版本的任何驱动上运行（次版本兼容），所以只看主版本。
    以 PyTorch 官网安装向导当前列出的为准：这里给的是 2026 年底的情形。

    >>> suggest_index("13.0"), suggest_index("12.4"), suggest_index("11.8"), suggest_index(None)
    ('cu130', 'cu128', 'cu118', 'cpu')
    """
    driver = parse_version(driver_cuda)
    if driver is None:
        return "cpu"
    if driver[0] >= 13:
        return "cu130"
    if driver[0] == 12:
        return "cu128"
    return "cu118"


def _install_torch(index: str) -> str:
    return (f"python -m pip install -U torch torchvision --index-url "
            f"https://download.pytorch.org/whl/{index}（{index} 以 PyTorch 官网安装向导 "
            f"{PYTORCH_SELECTOR} 当前列出的为准）")


def check_cuda(cuda_build: str | None, cuda_available: bool, mps_available: bool = False,
               devices: tuple[str, ...] = (), *, hip_build: str | None = None,
               xpu_available: bool = False, nvidia_smi_works: bool = False,
               driver_cuda: str | None = None) -> Check:
    """PyTorch 的构建（CPU / CUDA / ROCm / XPU）与 GPU 是否可用是否一致。

    ``cuda_build`` 是 ``torch.version.cuda``，``hip_build`` 是 ``torch.version.hip``
    （两者都是 ``None`` 的是 CPU 版）。``nvidia_smi_works`` 表示本机 ``nvidia-smi`` 运行正常：
    此时装着 CPU 版 PyTorch 就是最常见的 GPU 问题。

    >>> check_cuda("12.4", False).status
    'warn'
    >>> check_cuda("12.4", True, devices=("NVIDIA GeForce RTX 4090",)).status
    'ok'
    >>> check_cuda(None, False).status, check_cuda(None, False, mps_available=True).status
    ('ok', 'ok')
    >>> check_cuda(None, False, nvidia_smi_works=True, driver_cuda="12.8").status
    'fail'
    >>> check_cuda(None, True, hip_build="6.4", devices=("AMD Radeon RX 7900 XTX",)).message[:6]
    'ROCm 版'
    """
    names = "、".join(devices) or "（未取得名称）"
    if hip_build:
        if cuda_available:
            return Check("GPU", "ok", f"ROCm 版 PyTorch（HIP {hip_build}），"
                         f"可用的 AMD GPU：{names}；"
                         "d2l.try_gpu() 返回 cuda:0（ROCm 沿用 cuda 这个名字）")
        return Check("GPU", "warn",
                     f"PyTorch 是 ROCm 版（HIP {hip_build}），但找不到可用的 AMD GPU，"
                     "代码将在 CPU 上运行",
                     "确认显卡在 ROCm 的支持列表里、rocm-smi 能看到它，"
                     "且当前用户在 render 和 video 组中")
    if cuda_build and cuda_available:
        return Check("GPU", "ok", f"CUDA {cuda_build} 版 PyTorch，可用的 GPU：{names}")
    if cuda_build:
        return Check(
            "GPU", "warn",
            f"PyTorch 是 CUDA {cuda_build} 版，但 torch.cuda.is_available() 为 False，"
            "代码将在 CPU 上运行",
            "这台机器没有 NVIDIA GPU 时可以忽略；否则运行 nvidia-smi 检查驱动是否安装、"
            f"它显示的 CUDA Version 的主版本是否不低于 {cuda_build.split('.')[0]}，"
            "并确认 Jupyter 用的是这个环境")
    if xpu_available:
        return Check("GPU", "ok", "XPU 版 PyTorch，Intel GPU 可用（torch.device('xpu')）；"
                     "注意 d2l.try_gpu() 只找 CUDA 和 MPS，要用 Intel GPU 时显式写 'xpu'")
    if nvidia_smi_works:
        return Check(
            "GPU", "fail",
            "本机的 nvidia-smi 运行正常，装的却是 CPU 版 PyTorch（torch.version.cuda 为 None），"
            "用不上显卡",
            "先 python -m pip uninstall -y torch torchvision，再从 CUDA 源安装："
            + _install_torch(suggest_index(driver_cuda))
            + "；不要用 --extra-index-url，它可能又装回 PyPI 上的 CPU 版")
    if mps_available:
        return Check("GPU", "ok", "Apple MPS 可用（d2l.try_gpu() 返回 mps）")
    return Check("GPU", "ok", "CPU 版 PyTorch，代码在 CPU 上运行（本书的每一页都能在 CPU 上跑完）")


# 各 CUDA 主版本要求的最低驱动（Linux；Windows 上略高，528 / 580）
MIN_DRIVER = {12: (525, 60), 13: (580,)}


def check_cuda_driver(cuda_build: str | None, driver_cuda: str | None,
                      driver_version: str | None = None) -> Check | None:
    """PyTorch 的 CUDA 版本能否在这个驱动上运行。

    ``driver_cuda`` 是 ``nvidia-smi`` 右上角的 “CUDA Version”（驱动支持的最高 CUDA 版本），
    ``driver_version`` 是 “Driver Version”。CUDA 11 起同一主版本内 **次版本兼容**：
    cu126 的安装包能在只标着 12.4 的驱动上运行；只有主版本更高（例如 cu130 配 12.x 的驱动）
    才用不了。CUDA 13 的安装包要求驱动 ≥ 580。任一版本未知时返回 ``None`` （不做这项检查）。

    >>> check_cuda_driver("12.6", "12.4").status
    'ok'
    >>> check_cuda_driver("13.0", "12.8").status
    'fail'
    >>> check_cuda_driver("13.0", None, "575.57.08").status
    'fail'
    >>> check_cuda_driver(None, "12.4") is None
    True
    """
    build = parse_version(cuda_build)
    driver, version = parse_version(driver_cuda), parse_version(driver_version)
    if build is None or (driver is None and version is None):
        return None
    fix = ("升级显卡驱动（NVIDIA 官网或 Windows 的 NVIDIA App；Linux 用发行版的驱动包），"
           "或安装与驱动主版本相同的 PyTorch：" + _install_torch(suggest_index(driver_cuda)))
    if driver is not None and build[0] > driver[0]:
        return Check("NVIDIA 驱动", "fail",
                     f"PyTorch 是 CUDA {cuda_build} 版，驱动最高只支持 CUDA {driver_cuda}"
                     "（主版本不同，次版本兼容救不了）", fix)
    need = MIN_DRIVER.get(build[0])
    if need is not None and version is not None and version[:len(need)] < need:
        return Check("NVIDIA 驱动", "fail",
                     f"CUDA {build[0]}.x 版 PyTorch 要求驱动 ≥ {_fmt(need)}，"
                     f"本机是 {driver_version}", fix)
    shown = f"驱动 {driver_version}" if driver_version else "驱动"
    if driver is None:
        return Check("NVIDIA 驱动", "ok", f"{shown} 满足 CUDA {cuda_build} 版 PyTorch 的要求")
    note = ("（CUDA 次版本兼容：同一主版本内，驱动标的版本低一些也能运行）"
            if build[:2] > driver[:2] else "")
    return Check("NVIDIA 驱动", "ok",
                 f"{shown}支持 CUDA {driver_cuda}，可以运行 CUDA {cuda_build} 版 PyTorch{note}")


def _arch_ok(cap: tuple[int, int], arch_list: tuple[str, ...]) -> bool:
    """计算能力为 ``cap`` 的显卡能否运行按 ``arch_list`` 编译的 PyTorch。

    同一主版本内，为较低次版本编译的代码（``sm_80``）能在较高次版本（8.6）上运行；
    PTX（``compute_XY``）能由驱动即时编译到更新的显卡上。带 ``a`` 后缀的架构专用代码不能。
    """
    for arch in arch_list:
        match = re.fullmatch(r"(sm|compute)_(\d+)(\d)([af]?)", arch)
        if match is None:
            continue
        kind, major, minor = match.group(1), int(match.group(2)), int(match.group(3))
        if kind == "sm" and major == cap[0] and minor <= cap[1] and not match.group(4):
            return True
        if kind == "sm" and (major, minor) == cap:
            return True
        if kind == "compute" and (major, minor) <= cap:
            return True
    return False


def check_gpu_arch(capabilities: tuple[tuple[int, int], ...], arch_list: tuple[str, ...],
                   devices: tuple[str, ...] = ()) -> Check | None:
    """显卡的计算能力（compute capability）是否在这个 PyTorch 编译时支持的架构里。

    ``arch_list`` 是 ``torch.cuda.get_arch_list()``。不在其中时，``import torch`` 会警告
    “sm_61 is not compatible with the current PyTorch installation”，运行时报
    “no kernel image is available for execution on the device”。

    >>> archs = ("sm_75", "sm_80", "sm_86", "sm_90", "sm_100", "sm_120")
    >>> check_gpu_arch(((8, 9),), archs).status
    'ok'
    >>> check_gpu_arch(((6, 1),), archs, ("NVIDIA GeForce GTX 1080",)).status
    'fail'
    >>> check_gpu_arch((), archs) is None
    True
    """
    if not capabilities or not arch_list:
        return None
    names = list(devices) + [""] * (len(capabilities) - len(devices))
    bad = [(name, cap) for name, cap in zip(names, capabilities, strict=False)
           if not _arch_ok(tuple(cap), arch_list)]
    supported = "、".join(arch_list)
    if not bad:
        caps = "、".join(f"sm_{c[0]}{c[1]}" for c in capabilities)
        return Check("显卡架构", "ok", f"显卡 {caps} 在这个 PyTorch 支持的架构（{supported}）之中")
    name, cap = bad[0]
    sm = f"sm_{cap[0]}{cap[1]}"
    lowest = min((parse_version(a.split("_")[1]) or (0,) for a in arch_list), default=(0,))
    if int(f"{cap[0]}{cap[1]}") < lowest[0]:
        fix = ("新的 CUDA 版安装包已不再为老显卡（如 Pascal 架构的 GTX 10 系列，sm_61）编译；"
               "换用仍包含它的旧 CUDA 源（例如 cu126，以 PyTorch 官网的说明为准）的 PyTorch，"
               "或者用 CPU 版")
    else:
        fix = ("显卡比这个 PyTorch 新：换用更新的 CUDA 版（RTX 50 系列 sm_120 需要 cu128 或更新）："
               + _install_torch("cu130"))
    return Check("显卡架构", "fail",
                 f"显卡 {name or ''}（计算能力 {sm}）不在这个 PyTorch 支持的架构"
                 f"（{supported}）之中，"
                 "运行时会报 no kernel image is available for execution on the device", fix)


def check_nvidia_smi(found: bool, error: str | None) -> Check | None:
    """``nvidia-smi`` 存在却运行失败（驱动没装好或没加载）。没有这个命令时返回 ``None``。

    >>> check_nvidia_smi(True, "NVIDIA-SMI has failed because it couldn't communicate").status
    'warn'
    >>> check_nvidia_smi(True, None).status, check_nvidia_smi(False, None)
    ('ok', None)
    """
    if not found:
        return None
    if error:
        return Check("nvidia-smi", "warn", f"运行失败：{error}",
                     "显卡驱动没有装好或没有加载：重装驱动后重启；WSL2 里只在 Windows 上装驱动，"
                     "不要在 Linux 子系统里再装")
    return Check("nvidia-smi", "ok", "运行正常")


def _import_fix(name: str, error: str, default: str) -> str:
    """按导入错误的原文给出修复办法。"""
    if "WinError 126" in error or "DLL load failed" in error or ".dll" in error.lower():
        return (f"Windows 上缺少 VC++ 运行库或 DLL 冲突：安装 Microsoft Visual C++ 可再发行组件包"
                f"（x64）{VC_REDIST} 后重启；仍不行时 {default}")
    if ("NumPy 1.x" in error or "_ARRAY_API" in error or "numpy.core.multiarray" in error
            or "numpy.dtype size changed" in error):
        return ("它是针对 NumPy 1.x 编译的，却运行在 NumPy 2.x 上：升级它"
                f"（python -m pip install -U {name}），或者 python -m pip install \"numpy<2\"")
    return default


def check_import(name: str, version: str | None, error: str | None, *,
                 required: bool = True, fix: str = "", python: str = "python") -> Check:
    """一个包能否导入。``error`` 是导入失败时的错误文本（``类型: 说明``），成功时为 ``None``。

    ``version`` 为 ``None`` 且有错误时表示没装。``python`` 是修复命令里用的解释器
    （:func:`report` 传入本环境的完整路径，保证装进这个环境）。

    >>> check_import("numpy", "2.1.3", None).status
    'ok'
    >>> c = check_import("torch", None, "ModuleNotFoundError: No module named 'torch'")
    >>> c.status, "未安装" in c.message
    ('fail', True)
    >>> "VC++" in check_import("torch", "2.5.1", "OSError: [WinError 126] 找不到指定的模块。").fix
    True
    """
    default = fix or f"在这个环境里安装：{_pip(python)} install -U {name}"
    if error is None:
        return Check(name, "ok", f"{version or '版本未知'}，可以导入")
    status = "fail" if required else "warn"
    if version is None and "No module named" in error:
        return Check(name, status, f"未安装（{error}）", default)
    broken = f"{_pip(python)} install --force-reinstall {name}" if not fix else fix
    return Check(name, status, f"{version or ''} 已安装，但导入失败：{error}",
                 _import_fix(name, error, broken))


def _pip(exe: str = "python") -> str:
    """某个解释器的 pip 命令：用 python -m pip 保证装进那个环境（路径有空格时加引号）。"""
    exe = exe or "python"
    return f'"{exe}" -m pip' if " " in exe else f"{exe} -m pip"


def check_numpy_torch(numpy_version: str | None, torch_version: str | None) -> Check | None:
    """torch < 2.3 是针对 NumPy 1.x 编译的，配 NumPy 2 时 ``torch.from_numpy`` 等会出错。

    >>> check_numpy_torch("2.1.0", "2.2.2").status, check_numpy_torch("2.1.0", "2.5.1").status
    ('fail', 'ok')
    >>> check_numpy_torch(None, "2.2.2") is None
    True
    """
    nv, tv = parse_version(numpy_version), parse_version(torch_version)
    if nv is None or tv is None:
        return None
    if nv[0] >= 2 and tv[:2] < (2, 3):
        return Check("NumPy 与 torch", "fail",
                     f"torch {torch_version} 是针对 NumPy 1.x 编译的，"
                     f"配 NumPy {numpy_version} 会报 "
                     "“A module that was compiled using NumPy 1.x cannot be run in NumPy 2”",
                     'python -m pip install "numpy<2"（Intel 芯片的 Mac 上 torch 最高只有 2.2，'
                     "只能这样）；其他系统也可以把 torch 升级到 2.3 或更新")
    return Check("NumPy 与 torch", "ok", f"NumPy {numpy_version} 配 torch {torch_version}")


def check_kernels(kernels: list[dict], prefix: str, python: str = "python") -> Check:
    """Jupyter 的内核（kernelspec）里有没有一个运行这个环境的 Python。

    每个内核是一个字典：``name``、``python`` （kernel.json 里 argv[0]）、``dir``
    （kernelspec 所在目录）、``user`` （是否在用户目录）。``prefix`` 是本环境的 ``sys.prefix``，
    ``python`` 是修复命令里用的解释器。
    用户目录里名为 ``python3`` 的内核会盖过各环境自带的同名内核：它若指向别的 Python，
    在这个环境里启动的 Jupyter 也会用那个 Python。

    >>> k = {"name": "python3", "python": "python", "dir": "/env/share/jupyter/kernels/python3",
    ...      "user": False}
    >>> check_kernels([k], "/env").status
    'ok'
    >>> stale = {"name": "python3", "python": "/old/bin/python", "dir": "/home/a/.local/share/x",
    ...          "user": True}
    >>> check_kernels([stale, k], "/env").status
    'warn'
    >>> check_kernels([], "/env").status
    'warn'
    """
    register = (f"{python} -m ipykernel install --user --name d2l "
                "--display-name \"Python (d2l)\"，然后在 Jupyter 里选“Python (d2l)”内核")
    if not kernels:
        return Check("Jupyter 内核", "warn",
                     "没有找到任何 Jupyter 内核（这个环境没装 ipykernel？）",
                     f"{_pip(python)} install jupyterlab ipykernel，或 {register}")
    mine = [k for k in kernels if _kernel_in_env(k, prefix)]
    listing = "；".join(f"{k['name']} → {k['python']}" for k in kernels)
    stale = [k for k in kernels if k["name"] == "python3" and k.get("user")
             and not _kernel_in_env(k, prefix)]
    if stale:
        return Check("Jupyter 内核", "warn",
                     f"用户目录里的内核 python3 指向 {stale[0]['python']}（{stale[0]['dir']}），"
                     "会盖过各环境自带的 python3 内核",
                     f"删除它：jupyter kernelspec remove python3；或 {register}")
    if not mine:
        return Check("Jupyter 内核", "warn", f"没有一个内核运行这个环境的 Python（{listing}）",
                     register)
    names = "、".join(k["name"] for k in mine)
    return Check("Jupyter 内核", "ok", f"{names} 运行这个环境（{listing}）")


def _kernel_in_env(kernel: dict, prefix: str) -> bool:
    python = kernel.get("python") or ""
    if python in ("python", "python3") or not os.path.isabs(python):
        # 相对的 python：由启动 Jupyter 的那个 Python 运行；装在本环境里的内核就算本环境
        return _inside(kernel.get("dir") or "", prefix)
    return _inside(python, prefix)


def _inside(path: str, prefix: str) -> bool:
    try:
        a, b = os.path.normcase(os.path.abspath(path)), os.path.normcase(os.path.abspath(prefix))
        return os.path.commonpath([a, b]) == b
    except ValueError:  # Windows 上不在同一个盘
        return False


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
    except Exception:  # 元数据损坏（半卸载的包）也不让自检崩溃
        return None


def _error_text(err: BaseException) -> str:
    """异常的一行文本：``类型: 说明`` （多行说明只取第一行非空的）。"""
    lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
    return f"{type(err).__name__}: {lines[0] if lines else ''}".rstrip(": ")


def _try_import(name: str):
    """导入一个模块；返回 ``(模块或 None, 错误文本或 None)``，任何异常都不外抛。"""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return importlib.import_module(name), None
        except Exception as err:  # ImportError、OSError（DLL）、AttributeError 等都算装坏了
            return None, _error_text(err)


def decode_output(raw: bytes) -> str:
    """把命令行工具的输出解码成文本：先试 UTF-8，再试本机的编码（中文 Windows 上是 GBK），
    都不行时把无法解码的字节换成 �，绝不抛出 ``UnicodeDecodeError``。

    >>> decode_output("显卡 0".encode("gbk"))  # 中文 Windows 上 nvidia-smi 的输出
    '显卡 0'
    >>> decode_output(b"CUDA Version: 12.4")
    'CUDA Version: 12.4'
    """
    for encoding in ("utf-8", locale.getpreferredencoding(False), "gbk"):
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("utf-8", errors="replace")


def parse_nvidia_smi(text: str) -> dict:
    """从 ``nvidia-smi`` 的默认输出里读出驱动版本和驱动支持的 CUDA 版本。

    >>> parse_nvidia_smi("| NVIDIA-SMI 550.54.14  Driver Version: 550.54.14  CUDA Version: 12.4 |")
    {'driver_version': '550.54.14', 'driver_cuda': '12.4'}
    >>> parse_nvidia_smi("garbage")
    {'driver_version': None, 'driver_cuda': None}
    """
    driver = re.search(r"Driver Version:\s*([\d.]+)", text)
    cuda = re.search(r"CUDA Version:\s*([\d.]+)", text)
    return {"driver_version": driver.group(1) if driver else None,
            "driver_cuda": cuda.group(1) if cuda else None}


def _nvidia_smi_exe() -> str | None:
    exe = shutil.which("nvidia-smi")
    if exe is None and Path("/usr/lib/wsl/lib/nvidia-smi").is_file():  # WSL2：不在 PATH 上时
        exe = "/usr/lib/wsl/lib/nvidia-smi"
    return exe


def _run(args: list[str]) -> tuple[int, str]:
    out = subprocess.run(args, capture_output=True, timeout=20, check=False)
    return out.returncode, decode_output(out.stdout + out.stderr)


def _nvidia_smi() -> dict:
    """运行 ``nvidia-smi``：驱动版本、CUDA 上限、各卡的名字与计算能力，或者错误文本。"""
    info = {"nvidia_smi": False, "smi_error": None, "driver_version": None,
            "driver_cuda": None, "smi_gpus": ()}
    exe = _nvidia_smi_exe()
    if exe is None:
        return info
    info["nvidia_smi"] = True
    try:
        code, text = _run([exe])
    except (OSError, subprocess.SubprocessError) as err:
        info["smi_error"] = _error_text(err)
        return info
    info.update(parse_nvidia_smi(text))
    if code != 0 or info["driver_version"] is None:
        info["smi_error"] = " ".join(text.split())[:200] or f"退出码 {code}"
        return info
    try:
        code, text = _run([exe, "--query-gpu=name,compute_cap", "--format=csv,noheader"])
    except (OSError, subprocess.SubprocessError):
        return info
    gpus = []
    for line in text.splitlines() if code == 0 else ():
        name, _, cap = line.rpartition(",")
        if parse_version(cap) is not None and len(parse_version(cap)) == 2:
            gpus.append((name.strip(), parse_version(cap)))
    info["smi_gpus"] = tuple(gpus)
    return info


def _jupyter_dirs() -> list[tuple[Path, bool]]:
    """Jupyter 查找 kernelspec 的目录（用户目录在前，与 jupyter_core 相同），及是否为用户目录。"""
    home = Path.home()
    if os.environ.get("JUPYTER_DATA_DIR"):
        user = Path(os.environ["JUPYTER_DATA_DIR"])
    elif sys.platform == "win32":
        user = Path(os.environ.get("APPDATA", home)) / "jupyter"
    elif sys.platform == "darwin":
        user = home / "Library" / "Jupyter"
    else:
        user = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "jupyter"
    dirs = [(user, True)]
    dirs += [(Path(p), False) for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    dirs.append((Path(sys.prefix) / "share" / "jupyter", False))
    if sys.platform == "win32":
        dirs.append((Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "jupyter", False))
    else:
        dirs += [(Path("/usr/local/share/jupyter"), False), (Path("/usr/share/jupyter"), False)]
    return dirs


def find_kernels(dirs: list[tuple[Path, bool]] | None = None) -> list[dict]:
    """列出 kernelspec：名字、运行的 Python（argv[0]）、所在目录、是否在用户目录。

    同名的只保留第一个（Jupyter 也只用排在前面的那个）。
    """
    seen, kernels = set(), []
    for base, user in _jupyter_dirs() if dirs is None else dirs:
        folder = base / "kernels"
        try:
            specs = sorted(folder.iterdir()) if folder.is_dir() else []
        except OSError:
            continue
        for spec in specs:
            if spec.name.lower() in seen or not (spec / "kernel.json").is_file():
                continue
            try:
                data = json.loads((spec / "kernel.json").read_text(encoding="utf-8"))
                python = str((data.get("argv") or ["?"])[0])
            except (OSError, ValueError, TypeError):
                python = "（kernel.json 无法读取）"
            seen.add(spec.name.lower())
            kernels.append({"name": spec.name, "python": python, "dir": str(spec), "user": user})
    return kernels


def _torch_info(torch) -> dict:
    """从（已成功导入的）torch 读出构建类型与设备；各项单独保护，驱动出错也不崩溃。"""
    info: dict = {"cuda_build": getattr(torch.version, "cuda", None),
                  "hip_build": getattr(torch.version, "hip", None),
                  "cuda_available": False, "mps_available": False, "xpu_available": False,
                  "devices": (), "capabilities": (), "arch_list": ()}
    with warnings.catch_warnings():  # 不支持的显卡架构会在这里发警告；改为检查项报告
        warnings.simplefilter("ignore")
        try:
            info["cuda_available"] = bool(torch.cuda.is_available())
            if info["cuda_available"]:
                n = torch.cuda.device_count()
                info["devices"] = tuple(torch.cuda.get_device_name(i) for i in range(n))
                info["capabilities"] = tuple(tuple(torch.cuda.get_device_capability(i))
                                             for i in range(n))
            if info["cuda_build"]:
                info["arch_list"] = tuple(torch.cuda.get_arch_list())
        except Exception as err:
            info["cuda_error"] = _error_text(err)
        try:
            mps = getattr(torch.backends, "mps", None)
            info["mps_available"] = bool(mps and mps.is_available())
            xpu = getattr(torch, "xpu", None)
            info["xpu_available"] = bool(xpu and xpu.is_available())
        except Exception:
            pass
    return info


def _data_info() -> dict:
    try:
        from . import datahub
    except Exception as err:
        return {"data_found": {}, "data_errors": {"d2lcode.datahub": _error_text(err)}}
    found, errors = {}, {}
    for name, remote in datahub.DATA_HUB.items():
        if remote.group != "fashion-mnist":
            continue
        try:
            path = datahub.find_file(name)
            found[name] = None if path is None else str(path)
        except (datahub.ChecksumError, OSError) as err:
            errors[name] = str(err)
    return {"data_found": found, "data_errors": errors}


def collect() -> dict:
    """读取本机的版本、设备、内核、数据和字体信息，返回一个字典（不联网，不下载）。

    只依赖标准库：torch、torchvision、NumPy、matplotlib 逐个尝试导入，失败时记下错误文本
    （键 ``<包名>_error``），不抛出异常。
    """
    env: dict = {
        "python": sys.version_info[:3],
        "python_text": sys.version.split()[0],
        "executable": sys.executable,
        "prefix": sys.prefix,
        "os": platform.platform(),
        "machine": platform.machine(),
    }
    for dist in ("torch", "torchvision", "numpy", "matplotlib", "d2l", "setuptools", "pip",
                 "jinja2", "nbconvert"):
        env[dist] = _dist_version(dist)
    for name in ("numpy", "torch", "torchvision", "matplotlib"):
        module, env[f"{name}_error"] = _try_import(name)
        if module is not None:
            env[name] = getattr(module, "__version__", None) or env[name]
        if name == "torch" and module is not None:
            env.update(_torch_info(module))
    env.update(_nvidia_smi())
    env["kernels"] = find_kernels()
    env.update(_data_info())
    env["font"] = None
    if env["matplotlib_error"] is None:
        try:
            from .plot import cjk_font

            with warnings.catch_warnings():  # 没有中文字体时 cjk_font 会发警告；改为检查项报告
                warnings.simplefilter("ignore")
                env["font"] = cjk_font()
        except Exception as err:
            env["font_error"] = _error_text(err)
    return env


def _torch_fix(env: dict) -> str:
    index = suggest_index(env.get("driver_cuda")) if env.get("nvidia_smi") \
        and not env.get("smi_error") else "cpu"
    return "安装 PyTorch（附录“安装与环境配置”）：" + _install_torch(index)


def _device_text(env: dict) -> str:
    if env.get("cuda_available"):
        kind = "ROCm" if env.get("hip_build") else "CUDA"
        return f"{kind}：" + "、".join(env.get("devices") or ())
    if env.get("mps_available"):
        return "Apple MPS"
    if env.get("xpu_available"):
        return "Intel XPU"
    return "CPU（没有可用的 GPU）"


def _build_text(env: dict) -> str:
    if env.get("hip_build"):
        return f"ROCm {env['hip_build']} 版"
    if env.get("cuda_build"):
        return f"CUDA {env['cuda_build']} 版"
    if env.get("xpu_available") or "xpu" in (env.get("torch") or ""):
        return "XPU 版"
    return "CPU 版"


def report(env: dict | None = None) -> Report:
    """运行全部检查，返回 :class:`Report`；``env`` 省略时用 :func:`collect` 读取本机环境。

    >>> r = report()
    >>> sorted({c.status for c in r.checks} - {"ok", "warn", "fail"})
    []
    >>> "PyTorch" in r.info
    True
    """
    env = collect() if env is None else env
    python, exe = tuple(env["python"]), env.get("executable") or "python"
    checks = [
        check_python(python),
        check_import("numpy", env.get("numpy"), env.get("numpy_error"), python=exe),
        check_import("torch", env.get("torch"), env.get("torch_error"), fix=_torch_fix(env),
                     python=exe),
        check_import("matplotlib", env.get("matplotlib"), env.get("matplotlib_error"),
                     python=exe),
        check_old_d2l(python, env.get("d2l")),
        check_setuptools(python, env.get("setuptools"), env.get("pip")),
        *_torch_checks(env),
        check_nvidia_smi(bool(env.get("nvidia_smi")), env.get("smi_error")),
        check_jinja_nbconvert(env.get("jinja2"), env.get("nbconvert")),
    ]
    if "kernels" in env:
        checks.append(check_kernels(env["kernels"], env.get("prefix") or sys.prefix, exe))
    if env.get("matplotlib") and not env.get("matplotlib_error"):
        checks.append(check_cjk_font(env.get("font")))
    checks.append(check_data(env.get("data_found") or {}, env.get("data_errors")))
    return Report(_info(env), [c for c in checks if c is not None])


def _torch_ok(env: dict) -> bool:
    return env.get("torch") is not None and not env.get("torch_error")


def _info(env: dict) -> dict[str, str]:
    """报告开头的“运行环境”一栏。"""
    torch_ok = _torch_ok(env)
    info = {
        "Python": f"{env['python_text']}（{env['executable']}）",
        "操作系统": f"{env['os']}（{env['machine']}）",
        "PyTorch": f"{env['torch']}（{_build_text(env)}）" if torch_ok
        else ("导入失败" if env.get("torch") else "未安装"),
        "torchvision": env.get("torchvision") or "未安装",
        "NumPy": env.get("numpy") or "未安装",
        "matplotlib": env.get("matplotlib") or "未安装",
        "计算设备": _device_text(env) if torch_ok else "未知（PyTorch 不可用）",
        "中文字体": env.get("font") or "无",
    }
    if env.get("driver_version") or env.get("driver_cuda"):
        info["NVIDIA 驱动"] = (f"{env.get('driver_version') or '?'}"
                             f"（支持 CUDA {env.get('driver_cuda') or '?'}）")
    return info


def _torch_checks(env: dict) -> list[Check | None]:
    """依赖 torch 能导入的各项检查；torch 不可用时只剩 torchvision 的提示（若它也装着）。"""
    if not _torch_ok(env):
        if env.get("torchvision_error") and env.get("torchvision"):
            return [Check("torchvision", "warn", "torch 不可用，torchvision 也无法导入",
                          "先按 torch 一项修好 PyTorch")]
        return []
    smi_works = bool(env.get("nvidia_smi") and not env.get("smi_error")
                     and env.get("driver_version"))
    return [
        check_numpy_torch(env.get("numpy"), env.get("torch")),
        check_torchvision(env["torch"], env.get("torchvision"), env.get("torchvision_error")),
        check_cuda(env.get("cuda_build"), bool(env.get("cuda_available")),
                   bool(env.get("mps_available")), tuple(env.get("devices") or ()),
                   hip_build=env.get("hip_build"), xpu_available=bool(env.get("xpu_available")),
                   nvidia_smi_works=smi_works, driver_cuda=env.get("driver_cuda")),
        None if env.get("hip_build") else check_cuda_driver(
            env.get("cuda_build"), env.get("driver_cuda"), env.get("driver_version")),
        _arch_check(env),
    ]


def _arch_check(env: dict) -> Check | None:
    caps = tuple(env.get("capabilities") or ())
    names = tuple(env.get("devices") or ())
    if not caps and env.get("smi_gpus"):  # torch 用不了 GPU 时，用 nvidia-smi 报告的计算能力
        caps = tuple(tuple(c) for _, c in env["smi_gpus"])
        names = tuple(n for n, _ in env["smi_gpus"])
    if env.get("hip_build") or not env.get("cuda_build"):
        return None
    return check_gpu_arch(caps, tuple(env.get("arch_list") or ()), names)


def main() -> int:
    """命令行入口：打印报告；有错误项时返回 1。"""
    try:
        result = report()
    except Exception as err:  # 自检本身出错：仍然用中文说明，并给出报告问题需要的信息
        print(f"自检本身出错了：{_error_text(err)}\nPython {sys.version.split()[0]}"
              f"（{sys.executable}）。请把这两行附在问题报告里。")
        return 2
    print(result.format())
    if not result.ok:
        print("\n请按“修复”一行处理错误项，详见附录“常见问题与排错”。")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
