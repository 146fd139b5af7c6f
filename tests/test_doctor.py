"""d2lcode.doctor 的单元测试：每一种已知的不兼容组合都要被发现，正常的环境不误报。"""

from __future__ import annotations

import subprocess
import sys

import pytest

from d2lcode import doctor

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
}


def statuses(env: dict) -> dict[str, str]:
    return {c.name: c.status for c in doctor.report(env).checks}


def test_happy_path_has_no_problems():
    result = doctor.report(GOOD_ENV)
    assert result.ok and result.problems() == []
    assert result.info["PyTorch"] == "2.5.1+cu124（CUDA 12.4 版）"
    assert "NVIDIA GeForce RTX 4090" in result.info["计算设备"]
    assert "[错误]" not in result.format() and "共 9 项：正常 9" in result.format()


def test_cpu_only_build_is_fine():
    env = dict(GOOD_ENV, torch="2.5.1+cpu", torchvision="0.20.1+cpu", cuda_build=None,
               cuda_available=False, devices=(), driver_cuda=None)
    result = doctor.report(env)
    assert result.ok and result.problems() == []
    assert "CPU 版" in result.info["PyTorch"]


@pytest.mark.parametrize("version, status", [
    ((3, 9, 18), "fail"), ((3, 10, 0), "ok"), ((3, 13, 1), "ok"), ((3, 14, 0), "warn")])
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
    env = dict(GOOD_ENV, cuda_available=False, devices=(), driver_cuda=None)
    result = doctor.report(env)
    assert result.ok  # 只是注意，不是错误
    [problem] = result.problems()
    assert problem.name == "GPU" and problem.status == "warn" and "nvidia-smi" in problem.fix


def test_mps_counts_as_gpu():
    check = doctor.check_cuda(None, False, mps_available=True)
    assert check.status == "ok" and "MPS" in check.message


@pytest.mark.parametrize("build, driver, status", [
    ("12.6", "12.4", "fail"), ("12.4", "12.4", "ok"), ("11.8", "12.4", "ok")])
def test_cuda_build_newer_than_driver(build, driver, status):
    check = doctor.check_cuda_driver(build, driver)
    assert check.status == status
    if status == "fail":
        assert "whl/cu124" in check.fix


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
