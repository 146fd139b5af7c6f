"""“下载”页的文件（_ext/d2l_downloads.py）与 README 的安装步骤。

构建出的 wheel 要能离线装进一个全新的虚拟环境并导入；下载页、安装页写的文件名要与
实际生成的一致；CI 要原样运行 README 的安装步骤。
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

import d2l_downloads  # noqa: E402

APPENDIX = ROOT / "book" / "chapter_appendix"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return d2l_downloads.build_wheel(tmp_path_factory.mktemp("dist"))


def _fresh_venv(path: Path) -> Path:
    venv.EnvBuilder(with_pip=False).create(path)  # 不带 pip：用本环境的 pip --python 安装，更快
    return path / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def test_wheel_contents(wheel):
    assert wheel.name == d2l_downloads.wheel_name()
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"d2lcode-{wheel.name.split('-')[1]}.dist-info/METADATA").decode()
    sources = {f"d2lcode/{p.name}" for p in (ROOT / "d2lcode").glob("*.py")}
    assert sources <= names
    assert "Requires-Dist: torch>=2.2" in metadata
    assert "Provides-Extra: notebook" in metadata and "jupyterlab" in metadata


def test_wheel_installs_offline_into_fresh_venv(wheel, tmp_path):
    python = _fresh_venv(tmp_path / "venv")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-index", "--no-deps", "--disable-pip-version-check", str(wheel)],
                   check=True, cwd=tmp_path)
    # 1. 全新环境里没有 torch：自检照样运行，用中文报告它没装
    doctor = subprocess.run([str(python), "-m", "d2lcode.doctor"], capture_output=True,
                            text=True, encoding="utf-8", check=False, cwd=tmp_path,
                            env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    assert doctor.returncode == 1 and doctor.stderr == ""
    assert "[错误] torch：未安装" in doctor.stdout
    # 2. 借用本环境已装好的 torch 等依赖（只加在 sys.path 末尾），导入装好的 d2lcode
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; "
                                "print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "zz-book-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    code = ("import d2lcode as d2l; print(d2l.__file__); "
            "x, y = d2l.synthetic_data(__import__('torch').ones(2), 0.0, 3); print(tuple(x.shape))")
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True,
                         check=True, cwd=tmp_path).stdout.splitlines()
    assert Path(out[0]).is_relative_to(tmp_path / "venv") and out[1] == "(3, 2)"


def test_learner_requirements_parse():
    text = d2l_downloads.learner_requirements()
    reqs = [Requirement(line) for line in text.splitlines() if line and not line.startswith("#")]
    names = {r.name for r in reqs}
    assert {"torch", "torchvision", "numpy", "matplotlib", "jupyterlab", "ipykernel",
            "mplfonts"} <= names
    assert len(names) == len(reqs)  # 没有重复


def test_zip_notebooks(tmp_path):
    sources = tmp_path / "_sources"
    for rel in ("chapter_a/x.ipynb", "chapter_a/y.ipynb", "chapter_b/z.ipynb", "index.ipynb",
                "chapter_b/notes.md.txt"):
        (sources / rel).parent.mkdir(parents=True, exist_ok=True)
        (sources / rel).write_text("{}")
    written = d2l_downloads.zip_notebooks(sources, tmp_path / "out")
    assert [p.name for p in written] == ["d2l-notebooks-chapter_a.zip",
                                         "d2l-notebooks-chapter_b.zip", "d2l-notebooks-all.zip"]
    with zipfile.ZipFile(written[-1]) as archive:
        assert archive.namelist() == ["d2l-notebooks/chapter_a/x.ipynb",
                                      "d2l-notebooks/chapter_a/y.ipynb",
                                      "d2l-notebooks/chapter_b/z.ipynb"]
    again = d2l_downloads.zip_notebooks(sources, tmp_path / "again")
    assert again[-1].read_bytes() == written[-1].read_bytes()  # 可复现


def test_pages_name_the_files_that_are_built():
    page = (APPENDIX / "downloads.md").read_text(encoding="utf-8")
    install = (APPENDIX / "install.md").read_text(encoding="utf-8")
    wheel_names = set(re.findall(r"d2lcode-[\w.]+-py3-none-any\.whl", page + install))
    assert wheel_names == {d2l_downloads.wheel_name()}
    assert d2l_downloads.REQUIREMENTS in install and "downloads" in install
    chapters = {p.name for p in (ROOT / "book").glob("chapter_*") if p.is_dir()}
    linked = set(re.findall(r'href="\.\./downloads/d2l-notebooks-(chapter_[\w-]+)\.zip"', page))
    assert linked == chapters


def test_ci_runs_the_readme_setup_with_system_python():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    steps = ["-m venv .nox/tools", ".nox/tools/bin/python -m pip install",
             ". .nox/tools/bin/activate"]
    for step in steps:
        assert step in readme and step in ci
    assert "/usr/bin/python3" in ci and "nox -s lint tests" in ci
    # CPU 规模的冷构建在慢 3 倍的机器上要半小时以上：CI 以冒烟规模构建网站和 PDF
    assert ci.index("\nexport D2L_SMOKE=1") < ci.index("\nnox -s build-docs"), "CI 应以冒烟规模构建"
    assert "py -m venv .nox\\tools" in readme  # Windows 的写法


def test_missing_download_links_are_found(tmp_path):
    (tmp_path / "downloads").mkdir()
    (tmp_path / "downloads" / "a.zip").write_bytes(b"")
    (tmp_path / "ch").mkdir()
    (tmp_path / "ch" / "p.html").write_text('<a href="../downloads/a.zip">a</a>'
                                            '<a href="../downloads/b.zip">b</a>')
    assert d2l_downloads.missing_links(tmp_path) == [("ch/p.html", "../downloads/b.zip")]
