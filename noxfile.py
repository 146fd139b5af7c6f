"""本书的构建与测试任务。先按 README 把 nox 装进自己的虚拟环境（``python3 -m venv .nox/tools``、
``.nox/tools/bin/python -m pip install nox``、``. .nox/tools/bin/activate``），然后：

    nox -s build-docs   # 执行所有页面并构建网站到 _build/html
    nox -s tests        # 单元测试、doctest、冒烟执行每一页
    nox -s browser      # 在无头 Chromium 里检查构建好的网站（先 build-docs）
    nox -s build-pdf    # 用同一个执行缓存排出全书的 PDF（XeLaTeX），并放进网站供下载

所有任务共用一个虚拟环境 ``.nox/book``（PyTorch 很大，只装一次）；
requirements.txt 或 pyproject.toml 变化时才重新安装依赖。
"""

from __future__ import annotations

import hashlib
import os
import re
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
    _preexecute(session, jobs)
    session.run(_bin("python"), "-m", "sphinx", "-b", "html", "-W", "--keep-going",
                "-j", jobs, "-c", ".", "book", "_build/html", *session.posargs, external=True)
    minutes, seconds = divmod(time.perf_counter() - start, 60)
    index = ROOT / "_build" / "html" / "index.html"
    session.log(f"构建完成，用时 {int(minutes)} 分 {seconds:.0f} 秒。")
    session.log(f"用浏览器打开 {index}，或运行 "
                "python -m http.server -d _build/html 8000 后访问 http://localhost:8000")


def _preexecute(session: nox.Session, jobs: str) -> None:
    """build-docs 与 build-pdf 共用的第 1 步：执行缓存里还没有结果的页面（缓存已满时什么也不做）。

    之后的 Sphinx 从执行缓存取输出，不再执行页面（执行了就告警，-W 使构建失败）。
    """
    session.env["D2L_BUILD_START"] = str(time.time())  # 执行统计表据此判断哪些页面是本次执行的
    # 用进程池执行缓存里还没有结果的页面（每页一行：秒数、单位数、预算占用）
    session.run(_bin("python"), "_ext/d2l_exec.py", "--jobs", jobs, external=True)
    session.env["D2L_PREEXECUTED"] = "1"


# PDF 所需的 Debian 包，以及据以判断“已经装好”的命令、LaTeX 宏包或字体
PDF_PACKAGES = {
    "texlive-xetex": ("cmd", "xelatex"),
    "latexmk": ("cmd", "latexmk"),
    "texlive-lang-chinese": ("tex", "xeCJK.sty"),
    "texlive-latex-extra": ("tex", "tabulary.sty"),
    "texlive-fonts-recommended": ("tex", "ptmr8t.tfm"),
    "fonts-noto-cjk": ("font", "Noto Serif CJK SC"),
    "fonts-dejavu-core": ("font", "DejaVu Sans Mono"),
    "librsvg2-bin": ("cmd", "rsvg-convert"),
    "poppler-utils": ("cmd", "pdffonts"),
}
PDF_STEM = "d2l-zh-code"  # 与 conf.py 的 latex_documents、_ext/d2l_latex.py 的 PDF_NAME 一致


def _missing_pdf_packages() -> list[str]:
    missing = []
    for package, (kind, name) in PDF_PACKAGES.items():
        if kind == "cmd":
            found = shutil.which(name) is not None
        elif kind == "tex":
            found = shutil.which("kpsewhich") is not None and subprocess.run(
                ["kpsewhich", name], capture_output=True, check=False).returncode == 0
        else:
            found = shutil.which("fc-list") is not None and name in subprocess.run(
                ["fc-list", ":", "family"], capture_output=True, text=True,
                check=False).stdout
        if not found:
            missing.append(package)
    return missing


def ensure_tex(session: nox.Session) -> None:
    """确认本机有 XeLaTeX、中文宏包、字体和 SVG 转换工具；没有时以 root 身份安装 Debian 包。"""
    missing = _missing_pdf_packages()
    if not missing:
        return
    command = "apt-get install -y --no-install-recommends " + " ".join(PDF_PACKAGES)
    if _is_root() and shutil.which("apt-get"):
        session.log(f"本机缺少 {'、'.join(missing)}：以 root 身份安装构建 PDF 所需的 Debian 包"
                    "（下载约 240 MB，第一次需要几分钟）")
        start = time.perf_counter()
        session.run("apt-get", "update", "-qq", external=True)
        session.run(*command.split(), "-qq", external=True,
                    env={"DEBIAN_FRONTEND": "noninteractive"})
        session.log(f"安装 TeX Live 等用时 {time.perf_counter() - start:.0f} 秒")
        missing = _missing_pdf_packages()
    if missing:
        session.error(f"构建 PDF 需要的 {'、'.join(missing)} 没有装好。Debian/Ubuntu 上运行\n"
                      f"  sudo apt-get update && sudo {command}\n后重试 nox -s build-pdf。")


@nox.session(name="build-pdf")
def build_pdf(session: nox.Session) -> None:
    """用 build-docs 的执行缓存排出全书的 PDF（_build/latex/d2l-zh-code.pdf），并复制进网站。

    先预执行（缓存已满时什么也不做，页面不会执行第二次），再 sphinx-build -b latex，
    最后 latexmk -xelatex。LaTeX 的日志里有 “Missing character”（缺字形）时构建失败。
    """
    book_env(session)
    ensure_tex(session)
    ensure_data(session)
    jobs = os.environ.get("D2L_JOBS", "2")
    latex_dir = ROOT / "_build" / "latex"
    timings: list[tuple[str, float]] = []
    start = time.perf_counter()
    _preexecute(session, jobs)
    timings.append(("预执行", time.perf_counter() - start))
    start = time.perf_counter()
    session.run(_bin("python"), "-m", "sphinx", "-b", "latex", "-W", "--keep-going",
                "-j", jobs, "-c", ".", "book", str(latex_dir), *session.posargs, external=True)
    timings.append(("sphinx-build -b latex", time.perf_counter() - start))
    start = time.perf_counter()
    tex = f"{PDF_STEM}.tex"
    session.chdir(latex_dir)
    try:
        # latexmk 按需要运行 xelatex（通常 3 遍：目录、交叉引用的页码）和 xdvipdfmx
        session.run("latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error",
                    tex, external=True, env={"LATEXOPTS": ""}, silent=True)
    finally:
        session.chdir(ROOT)
    timings.append(("latexmk -xelatex", time.perf_counter() - start))
    _check_latex_log(session, latex_dir / f"{PDF_STEM}.log")
    pdf = latex_dir / f"{PDF_STEM}.pdf"
    site = ROOT / "_build" / "html"
    if (site / "index.html").is_file():
        target = site / "pdf" / pdf.name
        target.parent.mkdir(exist_ok=True)
        shutil.copy2(pdf, target)
        session.log(f"已复制到网站：{target}（下载页的链接指向它）")
    else:
        session.log("还没有构建网站（nox -s build-docs）：PDF 没有复制进网站；"
                    "以后构建网站时会自动附上它。")
    for step, seconds in timings:
        session.log(f"  {step:<24} {seconds:6.0f} 秒")
    session.log(f"PDF：{pdf}（{pdf.stat().st_size / 2**20:.1f} MB）")
    # 检查这份 PDF：页数、书签里的各章、已知的图和公式、字体全部嵌入、没有缺字形、网站的下载链接
    session.run(_bin("python"), "-m", "pytest", "-p", "no:cacheprovider", "-q",
                "tests/test_pdf.py", external=True, env={"D2L_PDF_TESTS": "1"})


def _check_latex_log(session: nox.Session, log: Path) -> None:
    """XeLaTeX 对字体里没有的字符只在日志里记一行 “Missing character”，PDF 里就缺了这个字。"""
    text = log.read_text(encoding="utf-8", errors="replace")
    missing = sorted(set(re.findall(r"Missing character: There is no (.+?) in font ([^!]+)!",
                                    text)))
    if missing:
        lines = "\n".join(f"  {char}（字体 {font}）" for char, font in missing[:20])
        session.error(f"PDF 里缺了 {len(missing)} 种字形（见 {log}）：\n{lines}\n"
                      "在 conf.py 的 latex_elements 里给这些字符换一种有字形的字体。")


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
