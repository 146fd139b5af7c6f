"""d2lcode.doctor 的单元测试：每一种已知的不兼容组合都要被发现，正常的环境不误报。"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from d2lcode import doctor

ROOT = Path(__file__).resolve().parents[1]

GOOD_ENV = {
    "python": (3, 11, 7), "python_text": "3.11.7", "executable": "/env/bin/python",
    "os": "Linux-6.1-x86_64", "machine": "x86_64",
    "torch": "2.5.1+cu124", "torchvision": "0.20.1+cu124", "cuda_build": "12.4",
    "cuda_available": True, "mps_available": False, "devices": ("NVIDIA GeForce RTX 4090",),
    "driver_cuda": "12.6", "numpy": "2.1.3", "matplotlib": "3.9.2", "d2l": None,
    "setuptools": "75.1.0", "pip": "24.2", "jinja2": "3.1.4", "nbconvert": "7.16.4",
    "font": "Noto Sans CJK SC",
    "data_found": {"train-images-idx3-ubyte.gz": "/data/fm/train-images-idx3-ubyte.gz"},
    "data_errors": {},
    # 新增的信息：导入错误、nvidia-smi、显卡架构、内核
    "numpy_error": None, "torch_error": None, "torchvision_error": None, "matplotlib_error": None,
    "hip_build": None, "xpu_available": False, "capabilities": ((8, 9),),
    "arch_list": ("sm_50", "sm_60", "sm_70", "sm_75", "sm_80", "sm_86", "sm_90"),
    "nvidia_smi": True, "smi_error": None, "driver_version": "560.35.03",
    "smi_gpus": (("NVIDIA GeForce RTX 4090", (8, 9)),), "prefix": "/env",
    "kernels": [{"name": "python3", "python": "python", "dir": "/env/share/jupyter/kernels/python3",
                 "user": False}],
}
CPU_ENV = dict(GOOD_ENV, torch="2.5.1+cpu", torchvision="0.20.1+cpu", cuda_build=None,
               cuda_available=False, devices=(), capabilities=(), arch_list=(), driver_cuda=None,
               driver_version=None, nvidia_smi=False, smi_gpus=())


def statuses(env: dict) -> dict[str, str]:
    return {c.name: c.status for c in doctor.report(env).checks}


def test_happy_path_has_no_problems():
    result = doctor.report(GOOD_ENV)
    assert result.ok and result.problems() == []
    assert result.info["PyTorch"] == "2.5.1+cu124（CUDA 12.4 版）"
    assert "NVIDIA GeForce RTX 4090" in result.info["计算设备"]
    assert "[错误]" not in result.format() and "共 16 项：正常 16" in result.format()


def test_cpu_only_build_is_fine():
    result = doctor.report(CPU_ENV)
    assert result.ok and result.problems() == []
    assert "CPU 版" in result.info["PyTorch"]


@pytest.mark.parametrize("version, status", [
    ((3, 9, 18), "fail"), ((3, 10, 0), "warn"), ((3, 11, 0), "ok"), ((3, 13, 1), "ok"),
    ((3, 14, 0), "ok"), ((3, 15, 0), "warn")])
def test_python_range(version, status):
    assert doctor.check_python(version).status == status


@pytest.mark.parametrize("python, d2l, status", [
    ((3, 12, 4), "0.17.6", "fail"), ((3, 13, 0), "1.0.3", "fail"),
    ((3, 11, 0), "1.0.3", "ok"), ((3, 12, 0), None, "ok")])
def test_old_d2l_on_new_python(python, d2l, status):
    assert doctor.check_old_d2l(python, d2l).status == status


@pytest.mark.parametrize("python, setuptools, pip, status", [
    ((3, 12, 0), "65.5.0", "24.0", "fail"), ((3, 12, 0), "66.1.0", "23.1", "ok"),
    ((3, 12, 0), "75.0", "22.3.1", "fail"), ((3, 11, 0), "58.1.0", "21.2", "ok"),
    ((3, 12, 0), None, None, "ok")])
def test_old_setuptools_impimporter(python, setuptools, pip, status):
    check = doctor.check_setuptools(python, setuptools, pip)
    assert check.status == status
    if status == "fail":
        assert "ImpImporter" in check.message and "pip install -U pip setuptools" in check.fix


@pytest.mark.parametrize("torch_version, expected", [
    ("2.0.1", (0, 15)), ("2.5.1+cu124", (0, 20)), ("2.14.1", (0, 29)),
    ("1.13.1+cu117", (0, 14)), ("nonsense", None)])
def test_expected_torchvision_table(torch_version, expected):
    assert doctor.expected_torchvision(torch_version) == expected


@pytest.mark.parametrize("torch_version, tv, status", [
    ("2.5.1", "0.20.1", "ok"), ("2.5.1", "0.19.1", "fail"), ("2.6.0", "0.20.1", "fail"),
    ("2.5.1+cu124", "0.20.1+cpu", "fail"), ("2.5.1+cu124", "0.20.1", "ok"),
    ("2.5.1", None, "ok")])
def test_torchvision_must_match_torch(torch_version, tv, status):
    assert doctor.check_torchvision(torch_version, tv).status == status


def test_mismatched_torchvision_in_report():
    result = doctor.report(dict(GOOD_ENV, torchvision="0.19.0+cu124"))
    assert not result.ok
    [problem] = result.problems()
    assert problem.name == "torchvision" and "0.20.x" in problem.message


def test_cuda_build_without_gpu_is_a_warning():
    env = dict(GOOD_ENV, cuda_available=False, devices=(), driver_cuda=None, driver_version=None,
               nvidia_smi=False, smi_gpus=(), capabilities=())
    result = doctor.report(env)
    assert result.ok  # 只是注意，不是错误
    [problem] = result.problems()
    assert problem.name == "GPU" and problem.status == "warn" and "nvidia-smi" in problem.fix


def test_mps_counts_as_gpu():
    check = doctor.check_cuda(None, False, mps_available=True)
    assert check.status == "ok" and "MPS" in check.message


@pytest.mark.parametrize("build, driver, status", [
    ("12.6", "12.4", "ok"), ("12.8", "12.0", "ok"), ("12.4", "12.4", "ok"), ("11.8", "12.4", "ok"),
    ("13.0", "12.9", "fail"), ("12.4", "11.8", "fail"), ("13.0", "13.0", "ok")])
def test_cuda_minor_version_compatibility(build, driver, status):
    """CUDA 11 起同一主版本内次版本兼容：只有主版本高于驱动才失败。"""
    check = doctor.check_cuda_driver(build, driver)
    assert check.status == status
    if status == "fail":
        assert "驱动" in check.fix and "download.pytorch.org/whl/cu" in check.fix
    if build == "12.6" and driver == "12.4":
        assert "次版本兼容" in check.message


@pytest.mark.parametrize("build, driver_version, status", [
    ("13.0", "575.64", "fail"), ("13.0", "580.65.06", "ok"), ("12.8", "470.256", "fail"),
    ("12.8", "535.104", "ok")])
def test_cuda_minimum_driver(build, driver_version, status):
    assert doctor.check_cuda_driver(build, None, driver_version).status == status


def test_cuda_driver_check_skipped_when_unknown():
    assert doctor.check_cuda_driver(None, "12.4") is None
    assert doctor.check_cuda_driver("12.4", None) is None


@pytest.mark.parametrize("jinja2, nbconvert, status", [
    ("3.1.0", "6.4.4", "fail"), ("3.1.4", "5.6.1", "fail"), ("3.0.3", "6.4.4", "ok"),
    ("3.1.4", "6.5.0", "ok"), ("3.1.4", None, "ok")])
def test_jinja_contextfilter(jinja2, nbconvert, status):
    check = doctor.check_jinja_nbconvert(jinja2, nbconvert)
    assert check.status == status
    if status == "fail":
        assert "contextfilter" in check.message


def test_no_cjk_font():
    result = doctor.report(dict(GOOD_ENV, font=None))
    [problem] = result.problems()
    assert problem.name == "中文字体" and "mplfonts" in problem.fix
    assert result.info["中文字体"] == "无"


def test_fashion_mnist_missing_or_corrupt():
    missing = doctor.report(dict(GOOD_ENV, data_found={"a.gz": None, "b.gz": "/d/b.gz"}))
    [problem] = missing.problems()
    assert problem.status == "warn" and "a.gz" in problem.message
    assert "D2L_DATA_DIR" in problem.fix and "dataset-fashion-mnist" in problem.fix
    corrupt = doctor.report(dict(GOOD_ENV, data_errors={"a.gz": "校验失败"}))
    assert not corrupt.ok and corrupt.problems()[0].name == "Fashion-MNIST"


def test_check_rejects_unknown_status():
    with pytest.raises(ValueError, match="status"):
        doctor.Check("x", "maybe", "y")


def test_parse_version():
    assert doctor.parse_version("2.14.1+cu130") == (2, 14, 1)
    assert doctor.parse_version("") is None and doctor.parse_version("abc") is None


def test_report_on_this_machine():
    result = doctor.report()
    assert {c.status for c in result.checks} <= {"ok", "warn", "fail"}
    assert result.info["PyTorch"].startswith(doctor.collect()["torch"])


def test_command_line_writes_nothing_to_stderr():
    proc = subprocess.run([sys.executable, "-m", "d2lcode.doctor"], capture_output=True,
                          text=True, check=False)
    assert proc.stderr == ""
    assert "运行环境" in proc.stdout and "检查" in proc.stdout
    assert proc.returncode == (0 if "错误 0" in proc.stdout else 1)


# --- 坏掉的环境：用伪造的 collect() 结果驱动每一种情形 ------------------------------------

NO_TORCH = dict(CPU_ENV, torch=None, torchvision=None,
                torch_error="ModuleNotFoundError: No module named 'torch'")
CASES = {
    "没装 torch": NO_TORCH,
    "torch 的 DLL 加载失败": dict(CPU_ENV, torch_error='OSError: [WinError 126] 找不到指定的模块。'
                              ' Error loading "c:\\env\\lib\\site-packages\\torch\\lib\\c10.dll"'),
    "没装 matplotlib": dict(GOOD_ENV, matplotlib=None, font=None,
                          matplotlib_error="ModuleNotFoundError: No module named 'matplotlib'"),
    "NumPy 装坏了": dict(GOOD_ENV, numpy_error="ImportError: cannot import name 'multiarray'"),
    "CPU 版 torch，nvidia-smi 正常": dict(GOOD_ENV, torch="2.9.0+cpu", torchvision="0.24.0+cpu",
                                       cuda_build=None, cuda_available=False, devices=(),
                                       capabilities=(), arch_list=(), driver_cuda="12.8"),
    "cu130 配 12.x 驱动": dict(GOOD_ENV, torch="2.14.1+cu130", torchvision="0.29.1+cu130",
                           cuda_build="13.0", driver_cuda="12.8", driver_version="570.1",
                           cuda_available=False, devices=(), capabilities=()),
    "GTX 1080 配不含 sm_61 的 torch": dict(
        GOOD_ENV, devices=("NVIDIA GeForce GTX 1080",), capabilities=((6, 1),),
        arch_list=("sm_75", "sm_80", "sm_86", "sm_90", "sm_100", "sm_120")),
    "RTX 5090 配旧的 cu124": dict(GOOD_ENV, devices=("NVIDIA GeForce RTX 5090",),
                              capabilities=((12, 0),)),
    "torchvision 导入失败": dict(GOOD_ENV,
                             torchvision_error="OSError: [WinError 126] 找不到指定的模块。"),
    "NumPy 2 配 torch 2.2": dict(CPU_ENV, torch="2.2.2", torchvision="0.17.2", numpy="2.1.3"),
    "nvidia-smi 运行失败": dict(CPU_ENV, nvidia_smi=True, smi_error="NVIDIA-SMI has failed because "
                             "it couldn't communicate with the NVIDIA driver."),
    "过期的用户内核": dict(GOOD_ENV, kernels=[
        {"name": "python3", "python": "C:\\old\\python.exe",
         "dir": "C:\\Users\\a\\jupyter\\python3",
         "user": True},
        {"name": "python3-env", "python": "/env/bin/python", "dir": "/env/k", "user": False}]),
    "没有内核": dict(GOOD_ENV, kernels=[]),
    "Python 3.10": dict(GOOD_ENV, python=(3, 10, 14), python_text="3.10.14"),
}


@pytest.mark.parametrize("case", CASES)
def test_every_problem_carries_a_fix(case):
    result = doctor.report(CASES[case])
    problems = result.problems()
    assert problems, case
    for check in problems:
        assert check.fix, f"{case}：{check.name} 没有修复办法"
    assert "修复：" in result.format()


def test_missing_torch_is_reported_not_raised():
    result = doctor.report(NO_TORCH)
    [torch] = [c for c in result.checks if c.name == "torch"]
    assert torch.status == "fail" and "未安装" in torch.message
    assert "No module named" in torch.message
    assert "download.pytorch.org/whl/cpu" in torch.fix
    assert result.info["PyTorch"] == "未安装" and "不可用" in result.info["计算设备"]
    assert not any(c.name in ("GPU", "NVIDIA 驱动") for c in result.checks)  # 依赖 torch 的跳过


def test_missing_torch_on_gpu_machine_suggests_cuda_index():
    env = dict(NO_TORCH, nvidia_smi=True, driver_version="580.65", driver_cuda="13.0")
    [torch] = [c for c in doctor.report(env).checks if c.name == "torch"]
    assert "whl/cu130" in torch.fix


def test_dll_error_shows_text_and_vc_redist():
    [torch] = [c for c in doctor.report(CASES["torch 的 DLL 加载失败"]).checks if c.name == "torch"]
    assert "WinError 126" in torch.message and "c10.dll" in torch.message
    assert "vc_redist" in torch.fix


def test_missing_matplotlib_skips_font_check():
    result = doctor.report(CASES["没装 matplotlib"])
    [mpl] = result.problems()
    assert mpl.name == "matplotlib" and "pip install -U matplotlib" in mpl.fix
    assert not any(c.name == "中文字体" for c in result.checks)


def test_cpu_build_on_nvidia_machine_is_an_error():
    result = doctor.report(CASES["CPU 版 torch，nvidia-smi 正常"])
    [gpu] = result.problems()
    assert gpu.name == "GPU" and gpu.status == "fail" and "CPU 版" in gpu.message
    assert "whl/cu128" in gpu.fix and "uninstall" in gpu.fix and "--extra-index-url" in gpu.fix


def test_cuda13_on_cuda12_driver():
    result = doctor.report(CASES["cu130 配 12.x 驱动"])
    driver = [c for c in result.problems() if c.name == "NVIDIA 驱动"]
    assert driver and driver[0].status == "fail" and "whl/cu128" in driver[0].fix


def test_pascal_card_not_in_arch_list():
    [arch] = doctor.report(CASES["GTX 1080 配不含 sm_61 的 torch"]).problems()
    assert arch.name == "显卡架构" and "sm_61" in arch.message
    assert "no kernel image is available" in arch.message and "cu126" in arch.fix


def test_blackwell_card_needs_new_build():
    [arch] = doctor.report(CASES["RTX 5090 配旧的 cu124"]).problems()
    assert "sm_120" in arch.message and "cu128" in arch.fix


@pytest.mark.parametrize("cap, archs, ok", [
    ((8, 6), ("sm_80",), True),            # 同一主版本，较低次版本的代码能运行
    ((8, 0), ("sm_86",), False),
    ((12, 0), ("sm_90", "compute_90"), True),  # PTX 由驱动即时编译
    ((9, 0), ("sm_90a",), True), ((10, 3), ("sm_100a",), False),
    ((6, 1), ("sm_75", "sm_120"), False)])
def test_arch_compatibility_rules(cap, archs, ok):
    assert (doctor.check_gpu_arch((cap,), archs).status == "ok") == ok


def test_arch_from_nvidia_smi_when_torch_sees_no_gpu():
    env = dict(CASES["GTX 1080 配不含 sm_61 的 torch"], cuda_available=False, devices=(),
               capabilities=(), smi_gpus=(("NVIDIA GeForce GTX 1080", (6, 1)),))
    assert any(c.name == "显卡架构" and c.status == "fail" for c in doctor.report(env).checks)


def test_rocm_build():
    env = dict(GOOD_ENV, torch="2.9.0+rocm6.4", torchvision="0.24.0+rocm6.4", cuda_build=None,
               hip_build="6.4.43482", devices=("AMD Radeon RX 7900 XTX",), capabilities=(),
               nvidia_smi=False, driver_cuda=None, driver_version=None, smi_gpus=())
    result = doctor.report(env)
    assert result.ok and result.problems() == []
    assert "ROCm" in result.info["PyTorch"] and "ROCm" in result.info["计算设备"]
    assert "CPU 版" not in result.format()


def test_xpu_build():
    env = dict(CPU_ENV, torch="2.9.0+xpu", torchvision="0.24.0+xpu", xpu_available=True)
    result = doctor.report(env)
    [gpu] = [c for c in result.checks if c.name == "GPU"]
    assert gpu.status == "ok" and "xpu" in gpu.message
    assert result.info["PyTorch"].endswith("（XPU 版）") and result.info["计算设备"] == "Intel XPU"


def test_torchvision_import_failure():
    [tv] = doctor.report(CASES["torchvision 导入失败"]).problems()
    assert tv.name == "torchvision" and "WinError 126" in tv.message and "VC++" in tv.fix


def test_numpy2_with_old_torch():
    [check] = [c for c in doctor.report(CASES["NumPy 2 配 torch 2.2"]).problems()]
    assert check.name == "NumPy 与 torch" and 'numpy<2' in check.fix


def test_stale_user_kernelspec():
    [kernel] = doctor.report(CASES["过期的用户内核"]).problems()
    assert kernel.name == "Jupyter 内核" and "C:\\old\\python.exe" in kernel.message
    assert "kernelspec remove python3" in kernel.fix


def test_find_kernels_user_dir_first(tmp_path):
    import json

    user, env = tmp_path / "user", tmp_path / "env"
    for base, python in ((user, "/old/bin/python"), (env, "python")):
        spec = base / "kernels" / "python3"
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({"argv": [python, "-m", "ipykernel"]}))
    (env / "kernels" / "broken").mkdir()
    (env / "kernels" / "broken" / "kernel.json").write_text("{not json")
    kernels = doctor.find_kernels([(user, True), (env, False)])
    assert [(k["name"], k["python"], k["user"]) for k in kernels] == [
        ("python3", "/old/bin/python", True), ("broken", "（kernel.json 无法读取）", False)]


def test_nvidia_smi_gbk_output(tmp_path, monkeypatch):
    """中文 Windows 上 nvidia-smi 的输出是 GBK：不能因为 UnicodeDecodeError 崩溃。"""
    if sys.platform == "win32":
        pytest.skip("用 shell 脚本伪造 nvidia-smi")
    text = ("| NVIDIA-SMI 560.94   驱动版本 Driver Version: 560.94   CUDA Version: 12.6 |\n"
            "| 显卡 0 |\n").encode("gbk")
    fake = tmp_path / "nvidia-smi"
    payload = tmp_path / "out.bin"
    payload.write_bytes(text)
    fake.write_text(f'#!/bin/sh\ncase "$1" in --query*) echo "NVIDIA GeForce GTX 1080, 6.1";; '
                    f'*) cat "{payload}";; esac\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path) + os.pathsep + os.environ.get("PATH", ""))
    info = doctor._nvidia_smi()
    assert info["driver_version"] == "560.94" and info["driver_cuda"] == "12.6"
    assert info["smi_error"] is None and info["smi_gpus"] == (("NVIDIA GeForce GTX 1080", (6, 1)),)
    assert doctor.decode_output(text).count("显卡") == 1


BLOCKER = '''
import importlib.abc, sys

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "matplotlib"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Block())
'''


@pytest.mark.parametrize("how", ["missing", "broken"])
def test_command_line_without_torch_and_matplotlib(tmp_path, how):
    """torch 和 matplotlib 不能导入时，python -m d2lcode.doctor 用中文报告，而不是崩溃。"""
    if how == "missing":  # 导入机制里拦下它们：就像没装一样
        (tmp_path / "sitecustomize.py").write_text(BLOCKER)
    else:  # 装坏了：导入时抛出异常
        for name, error in (("torch", 'OSError("[WinError 126] 找不到指定的模块。")'),
                            ("matplotlib", 'ImportError("DLL load failed while importing _c")')):
            (tmp_path / name).mkdir()
            (tmp_path / name / "__init__.py").write_text(f"raise {error}\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(tmp_path), PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, "-m", "d2lcode.doctor"], capture_output=True,
                          text=True, encoding="utf-8", check=False, env=env, cwd=ROOT)
    assert proc.stderr == "" and "Traceback" not in proc.stdout
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    torch = next(i for i, line in enumerate(lines) if line.startswith("  [错误] torch："))
    mpl = next(i for i, line in enumerate(lines) if line.startswith("  [错误] matplotlib："))
    for i in (torch, mpl):
        assert lines[i + 1].strip().startswith("修复：")
    if how == "missing":
        assert "No module named 'torch'" in lines[torch]
    else:
        assert "WinError 126" in lines[torch] and "DLL load failed" in lines[mpl]
    assert "PyTorch 不可用" in proc.stdout


def _fake_torch(cuda=None, hip=None, available=False, names=(), caps=(), archs=(), xpu=False):
    from types import SimpleNamespace as NS

    return NS(__version__="2.9.0+fake", version=NS(cuda=cuda, hip=hip),
              cuda=NS(is_available=lambda: available, device_count=lambda: len(names),
                      get_device_name=lambda i: names[i], get_device_capability=lambda i: caps[i],
                      get_arch_list=lambda: list(archs)),
              backends=NS(mps=NS(is_available=lambda: False)),
              xpu=NS(is_available=lambda: xpu))


@pytest.mark.parametrize("fake, smi, expect", [
    # CUDA 版 torch 看得见一块 GTX 1080，但编译的架构里没有 sm_61
    (dict(cuda="13.0", available=True, names=("NVIDIA GeForce GTX 1080",), caps=((6, 1),),
          archs=("sm_75", "sm_120")), {"driver_version": "580.65", "driver_cuda": "13.0"},
     ("显卡架构", "fail")),
    # CPU 版 torch，而 nvidia-smi 正常
    (dict(), {"driver_version": "570.1", "driver_cuda": "12.8"}, ("GPU", "fail")),
    # ROCm 版
    (dict(hip="6.4", available=True, names=("AMD Radeon RX 7900 XTX",), caps=((11, 0),)), None,
     ("GPU", "ok")),
    # XPU 版
    (dict(xpu=True), None, ("GPU", "ok")),
])
def test_collect_with_fake_torch_and_nvidia_smi(monkeypatch, fake, smi, expect):
    """collect() 读取 torch 和 nvidia-smi 的方式：用假的 torch 模块和假的 nvidia-smi 结果驱动。"""
    real_import = doctor._try_import
    monkeypatch.setattr(doctor, "_try_import", lambda name: (_fake_torch(**fake), None)
                        if name == "torch" else real_import(name))
    info = {"nvidia_smi": smi is not None, "smi_error": None, "driver_version": None,
            "driver_cuda": None, "smi_gpus": ()}
    monkeypatch.setattr(doctor, "_nvidia_smi", lambda: dict(info, **(smi or {})))
    env = doctor.collect()
    assert env["torch"] == "2.9.0+fake" and env["torch_error"] is None
    checks = {c.name: c for c in doctor.report(env).checks}
    name, status = expect
    assert checks[name].status == status
    if status != "ok":
        assert checks[name].fix
    if fake.get("hip"):
        assert "ROCm" in checks["GPU"].message and "NVIDIA 驱动" not in checks
