"""构建网站时生成“下载”页提供的文件（在 conf.py 的 extensions 里以 ``d2l_downloads`` 启用）。

构建结束时在输出目录的 ``downloads/`` 下写出：

- ``d2lcode-<版本>-py3-none-any.whl``：辅助包 d2lcode 的 wheel，由 setuptools 当场构建
  （不联网：用构建环境里已有的 setuptools，源码先复制到临时目录，不在仓库里留下 build/）；
- ``requirements-learner.txt``：读者运行笔记本所需的包（d2lcode 的依赖、torchvision、
  中文字体、JupyterLab 和 ipykernel），由 pyproject.toml 生成，两者不会不一致；
- ``d2l-notebooks-all.zip`` 和每章一个 ``d2l-notebooks-<章目录>.zip``：各页执行后的笔记本。
  这些 .ipynb 正是 d2l_site 扩展复制到 ``_sources/`` 供每页下载的那些，这里只是打包。

最后检查每个 HTML 页面里指向 ``downloads/`` 的链接都有对应的文件，缺了就发警告
（``-W`` 构建因此失败），所以“下载”页上列出的文件一定在网站里。

只在 HTML 构建成功结束后、在主进程里运行，``-j 2`` 并行构建安全。
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10：用 tomli，或 pip 自带的那一份
    try:
        import tomli as tomllib
    except ModuleNotFoundError:
        from pip._vendor import tomli as tomllib

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[1]
DOWNLOADS = "downloads"
REQUIREMENTS = "requirements-learner.txt"
ALL_NOTEBOOKS = "d2l-notebooks-all.zip"
# 笔记本之外，读者还需要的包（torch 的安装另见附录：GPU 版要从 PyTorch 的源安装）
EXTRA_LEARNER = ["torchvision>=0.17"]
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # 固定时间戳：内容不变时 zip 逐字节相同


def _project(root: Path = ROOT) -> dict:
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def wheel_name(root: Path = ROOT) -> str:
    """d2lcode 的 wheel 文件名（纯 Python 包：py3-none-any）。

    >>> wheel_name().startswith("d2lcode-") and wheel_name().endswith("-py3-none-any.whl")
    True
    """
    project = _project(root)
    name = re.sub(r"[-_.]+", "_", project["name"]).lower()
    return f"{name}-{project['version']}-py3-none-any.whl"


def build_wheel(outdir: Path, root: Path = ROOT) -> Path:
    """在临时目录里用 setuptools 构建 d2lcode 的 wheel，放进 ``outdir``，返回它的路径。"""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="d2lcode-wheel-") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(root / name, src / name)
        shutil.copytree(root / "d2lcode", src / "d2lcode",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        code = ("import sys, setuptools.build_meta as b; "
                "print(b.build_wheel(sys.argv[1]))")
        out = subprocess.run([sys.executable, "-c", code, str(Path(tmp) / "dist")], cwd=src,
                             capture_output=True, text=True, check=False)
        if out.returncode != 0:
            raise RuntimeError(f"构建 d2lcode 的 wheel 失败：\n{out.stdout}\n{out.stderr}")
        built = Path(tmp) / "dist" / out.stdout.strip().splitlines()[-1]
        target = outdir / built.name
        shutil.copy2(built, target)
    return target


def learner_requirements(root: Path = ROOT) -> str:
    """读者用的 requirements 文件的内容：d2lcode 的依赖、torchvision 和所有可选依赖。"""
    project = _project(root)
    extras = project.get("optional-dependencies", {})
    lines = [
        "# 《动手学深度学习》代码实践版：运行本书笔记本所需的包（由 pyproject.toml 生成）。",
        "# 先按附录“安装与环境配置”装好适合本机的 PyTorch（CPU、CUDA 或 ROCm 版），再运行：",
        f"#   python -m pip install {wheel_name(root)} -r {REQUIREMENTS}",
        "# 离线安装：在能上网的机器上",
        f"#   python -m pip download -d wheels {wheel_name(root)} -r {REQUIREMENTS} "
        '"setuptools>=68" wheel',
        "# 把 wheels 目录和这两个文件拷过去，然后",
        f"#   python -m pip install --no-index --find-links wheels {wheel_name(root)} "
        f"-r {REQUIREMENTS}",
    ]
    deps = list(project.get("dependencies", [])) + EXTRA_LEARNER
    for group in sorted(extras):
        deps += extras[group]
    seen: set[str] = set()
    for dep in deps:
        key = re.split(r"[<>=!~\[; ]", dep, maxsplit=1)[0].lower()
        if key not in seen:
            seen.add(key)
            lines.append(dep)
    return "\n".join(lines) + "\n"


def _write_zip(target: Path, files: list[tuple[Path, str]]) -> None:
    tmp = target.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, arcname in sorted(files, key=lambda f: f[1]):
            info = zipfile.ZipInfo(arcname, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    tmp.replace(target)


def zip_notebooks(sources: Path, outdir: Path) -> list[Path]:
    """把 ``sources`` （HTML 输出的 ``_sources/``）下各章的 .ipynb 打成 zip：全书一个，每章一个。

    zip 里的路径是 ``d2l-notebooks/<章目录>/<页面>.ipynb``。返回写出的文件。
    """
    outdir.mkdir(parents=True, exist_ok=True)
    notebooks = sorted(p for p in sources.rglob("*.ipynb") if p.relative_to(sources).parts[0]
                       .startswith("chapter_"))
    chapters: dict[str, list[tuple[Path, str]]] = {}
    for path in notebooks:
        rel = path.relative_to(sources)
        chapters.setdefault(rel.parts[0], []).append((path, f"d2l-notebooks/{rel.as_posix()}"))
    written = []
    for chapter, files in sorted(chapters.items()):
        written.append(outdir / f"d2l-notebooks-{chapter}.zip")
        _write_zip(written[-1], files)
    if chapters:
        written.append(outdir / ALL_NOTEBOOKS)
        _write_zip(written[-1], [f for files in chapters.values() for f in files])
    return written


def _build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir) / DOWNLOADS
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("d2lcode-*.whl"):
        old.unlink()
    wheel = build_wheel(out)
    (out / REQUIREMENTS).write_text(learner_requirements(), encoding="utf-8")
    zips = zip_notebooks(Path(app.outdir) / "_sources", out)
    logger.info(f"下载文件：{wheel.name}、{REQUIREMENTS} 和 {len(zips)} 个笔记本 zip → {out}")
    for page, missing in missing_links(Path(app.outdir)):
        logger.warning(f"{page} 链接的下载文件 {missing} 没有生成（文件名或章节目录改了？）")


def missing_links(outdir: Path) -> list[tuple[str, str]]:
    """输出目录的各个 HTML 页面里，指向 ``downloads/`` 却不存在的链接：``(页面, 链接)`` 列表。"""
    missing = []
    for page in sorted(outdir.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        if f"{DOWNLOADS}/" not in text:
            continue
        for href in re.findall(rf'href="((?:\.\./)*{DOWNLOADS}/[^"#?]+)"', text):
            if not (page.parent / href).resolve().is_file():
                missing.append((page.relative_to(outdir).as_posix(), href))
    return missing


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("build-finished", _build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
