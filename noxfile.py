"""本书的构建与测试任务。先按 README 把 nox 装进自己的虚拟环境（``python3 -m venv .nox/tools``、
``.nox/tools/bin/python -m pip install nox``、``. .nox/tools/bin/activate``），然后：

    nox -s build-docs   # 执行所有页面并构建网站到 _build/html
    nox -s tests        # 单元测试、doctest、冒烟执行每一页
    nox -s browser      # 在无头 Chromium 里检查构建好的网站（先 build-docs）

所有任务共用一个虚拟环境 ``.nox/book``（PyTorch 很大，只装一次）；
requirements.txt 或 pyproject.toml 变化时才重新安装依赖。
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
ENV_DIR = ROOT / ".nox" / "book"
STAMP = ENV_DIR / ".requirements.sha256"
FASHION_MNIST_CHECK = """
import sys
from d2lcode import datahub as dl
missing = [n for n, r in dl.DATA_HUB.items()
           if r.group == "fashion-mnist" and dl.find_file(n) is None]
sys.exit(1 if missing else 0)
"""

nox.options.default_venv_backend = "none"
nox.options.sessions = ["tests"]


def _bin(name: str) -> str:
    scripts = "Scripts" if os.name == "nt" else "bin"
    return str(ENV_DIR / scripts / name)


def _requirements_digest() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.txt", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def book_env(session: nox.Session) -> dict[str, str]:
    """准备共用的虚拟环境，返回在其中运行命令所需的环境变量。"""
    if not Path(_bin("python")).exists():
        session.log(f"创建虚拟环境 {ENV_DIR}")
        session.run(sys.executable, "-m", "venv", str(ENV_DIR), external=True)
    digest = _requirements_digest()
    if not STAMP.exists() or STAMP.read_text() != digest:
        session.log("安装依赖（第一次约需几分钟，之后复用这个环境）")
        pip = [_bin("python"), "-m", "pip", "install", "--disable-pip-version-check"]
        session.run(*pip, "-q", "-U", "pip", external=True)
        session.run(*pip, "-r", "requirements.txt", external=True)
        STAMP.write_text(digest)
    else:
        session.log(f"复用已安装好依赖的环境 {ENV_DIR}")
    env = {"VIRTUAL_ENV": str(ENV_DIR),
           "PATH": str(Path(_bin("python")).parent) + os.pathsep + os.environ["PATH"]}
    session.env.update(env)
    return env


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _has_data(python: str) -> bool:
    return subprocess.run([python, "-c", FASHION_MNIST_CHECK], check=False).returncode == 0


def ensure_data(session: nox.Session) -> None:
    """确认本机有 Fashion-MNIST；没有时以 root 身份安装 Debian 包，否则试着下载。"""
    python = _bin("python")
    if _has_data(python):
        return
    if _is_root() and shutil.which("apt-get"):
        session.log("本机没有 Fashion-MNIST：以 root 身份安装 Debian 包 dataset-fashion-mnist")
        session.run("apt-get", "update", "-qq", external=True)
        session.run("apt-get", "install", "-y", "-qq", "dataset-fashion-mnist", external=True)
        if _has_data(python):
            return
    session.log("本机没有 Fashion-MNIST，尝试从官方地址下载到用户缓存目录")
    try:
        session.run(python, "-c", "import d2lcode; d2lcode.read_fashion_mnist(True); "
                    "d2lcode.read_fashion_mnist(False)", external=True)
    except nox.command.CommandFailed:
        session.error(
            "找不到 Fashion-MNIST 数据集，也无法下载。请任选一种办法后重试：\n"
            "  1. Debian/Ubuntu：sudo apt-get install dataset-fashion-mnist\n"
            "  2. 把四个 .gz 文件放进一个目录，并设置环境变量 D2L_DATA_DIR 指向它"
        )


@nox.session(name="build-docs")
def build_docs(session: nox.Session) -> None:
    """执行所有页面并构建网站（HTML 在 _build/html）。"""
    book_env(session)
    ensure_data(session)
    jobs = os.environ.get("D2L_JOBS", "2")
    start = time.perf_counter()
    session.env["D2L_BUILD_START"] = str(time.time())  # 执行统计表据此判断哪些页面是本次执行的
    # 第 1 步：用进程池执行缓存里还没有结果的页面（每页一行：秒数、单位数、预算占用）
    session.run(_bin("python"), "_ext/d2l_exec.py", "--jobs", jobs, external=True)
    # 第 2 步：Sphinx 从执行缓存取输出，不再执行页面（执行了就告警，-W 使构建失败）
    session.env["D2L_PREEXECUTED"] = "1"
    session.run(_bin("python"), "-m", "sphinx", "-b", "html", "-W", "--keep-going",
                "-j", jobs, "-c", ".", "book", "_build/html", *session.posargs, external=True)
    minutes, seconds = divmod(time.perf_counter() - start, 60)
    index = ROOT / "_build" / "html" / "index.html"
    session.log(f"构建完成，用时 {int(minutes)} 分 {seconds:.0f} 秒。")
    session.log(f"用浏览器打开 {index}，或运行 "
                "python -m http.server -d _build/html 8000 后访问 http://localhost:8000")


@nox.session
def browser(session: nox.Session) -> None:
    """在无头 Chromium（Debian 的 chromium，不下载浏览器）里检查构建好的网站。

    先运行 nox -s build-docs；D2L_SITE_DIR 可指向别的构建目录。截图在 _build/screenshots。
    """
    book_env(session)
    site = Path(os.environ.get("D2L_SITE_DIR", ROOT / "_build" / "html"))
    if not (site / "index.html").is_file():
        session.error(f"跳过浏览器测试并判为失败：找不到构建好的网站 {site / 'index.html'}。"
                      "先运行 nox -s build-docs（或用 D2L_SITE_DIR 指定构建目录）。")
    chromium = os.environ.get("D2L_CHROMIUM") or shutil.which("chromium") \
        or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None and _is_root() and shutil.which("apt-get"):
        session.log("本机没有 Chromium：以 root 身份安装 Debian 包 chromium")
        session.run("apt-get", "update", "-qq", external=True)
        session.run("apt-get", "install", "-y", "-qq", "chromium", external=True)
        chromium = shutil.which("chromium")
    if chromium is None:
        session.error("找不到 Chromium：Debian/Ubuntu 上运行 sudo apt-get install chromium，"
                      "或用 D2L_CHROMIUM 指定浏览器可执行文件。")
    session.env.update({"D2L_BROWSER_TESTS": "1", "D2L_SITE_DIR": str(site),
                        "D2L_CHROMIUM": chromium})
    start = time.perf_counter()
    session.run(_bin("python"), "-m", "pytest", "-p", "no:cacheprovider", "-v",
                "tests/site", *session.posargs, external=True)
    session.log(f"浏览器测试用时 {time.perf_counter() - start:.0f} 秒；"
                f"截图在 {os.environ.get('D2L_SCREENSHOT_DIR', ROOT / '_build' / 'screenshots')}")


@nox.session
def tests(session: nox.Session) -> None:
    """单元测试、d2lcode 的 doctest、冒烟执行每一页，以及书中 {doctest} 块的核对。"""
    book_env(session)
    ensure_data(session)
    # 两个进程并行，各用一个线程（2 核机器上线程过多会互相拖慢，见 TOOLCHAIN-NOTES）
    session.env["OMP_NUM_THREADS"] = "1"
    session.run(_bin("python"), "-m", "pytest", "-n", os.environ.get("D2L_JOBS", "2"),
                "tests", "--doctest-modules", "d2lcode", *session.posargs, external=True)
    _sphinx_doctest(session)


@nox.session
def doctest(session: nox.Session) -> None:
    """只运行 doctest：d2lcode 的文档字符串与书中的 {doctest} / {testcode} 块。"""
    book_env(session)
    ensure_data(session)
    session.run(_bin("python"), "-m", "pytest", "--doctest-modules", "d2lcode", external=True)
    _sphinx_doctest(session)


def _sphinx_doctest(session: nox.Session) -> None:
    # 只核对 doctest 块，不执行笔记本单元格（单元格由冒烟测试和 build-docs 执行）
    session.run(_bin("python"), "-m", "sphinx", "-b", "doctest", "-q", "-c", ".",
                "-D", "nb_execution_mode=off",
                # 不执行单元格时没有输出可供高亮和粘贴，这两类提示是预期的，不显示
                "-D", "suppress_warnings=myst-nb.lexer,mystnb.glue",
                "book", "_build/doctest", external=True)


@nox.session
def lint(session: nox.Session) -> None:
    """用 ruff 检查代码风格。"""
    book_env(session)
    session.run(_bin("ruff"), "check", "d2lcode", "tests", "benchmarks", "_ext", "noxfile.py",
                "conf.py", external=True)


@nox.session
def bench(session: nox.Session) -> None:
    """运行 benchmarks/ 下的速度对比。"""
    book_env(session)
    ensure_data(session)
    for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        session.run(_bin("python"), str(script), external=True)
