"""Sphinx 配置：《动手学深度学习》代码实践版（源目录 book/）。

构建：``nox -s build-docs``（等价于 ``sphinx-build -W --keep-going -j 2 -c . book _build/html``）。
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

# --- 书的信息 ---------------------------------------------------------------
project = "动手学深度学习（代码实践版）"
author = "本书作者"
copyright = "2026，本书作者"
language = "zh_CN"

# --- 扩展 -------------------------------------------------------------------
extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx_copybutton",
    "sphinxcontrib.bibtex",
    "sphinx_design",  # 练习的提示与解答：{dropdown}（可折叠，-j 2 安全，无需 JavaScript）
    "d2l_site",  # _ext/d2l_site.py：搜索词典、.ipynb 下载、运行提示、执行统计表、中文断行、并行调度
]
sys.path.insert(0, str(ROOT / "_ext"))
exclude_patterns = ["_build", "**/.ipynb_checkpoints", "_static"]
# 写书时只构建部分章节：D2L_ONLY=chapter_preliminaries,chapter_appendix（其余章节会有目录警告）
if os.environ.get("D2L_ONLY"):
    _only = set(os.environ["D2L_ONLY"].split(","))
    exclude_patterns += [f"{p.name}/**" for p in (ROOT / "book").glob("chapter_*")
                         if p.name not in _only]

# --- MyST：数学公式、交叉引用 -------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "attrs_inline"]
myst_heading_anchors = 3
myst_dmath_double_inline = True
math_numfig = True
math_eqref_format = "式({number})"

# --- 编号：图、表、节 ---------------------------------------------------------
numfig = True
numfig_secnum_depth = 1
numfig_format = {
    "figure": "图 %s",
    "table": "表 %s",
    "code-block": "代码 %s",
    "section": "%s 节",
}

# --- 参考文献 -----------------------------------------------------------------
bibtex_bibfiles = ["book/references.bib"]
bibtex_reference_style = "author_year"
bibtex_default_style = "plain"

# --- 执行：jupyter-cache 缓存，d2lcode 或依赖变化时全部重跑 -------------------------


def _code_digest() -> str:
    """d2lcode 的源码与依赖清单的摘要：它一变，缓存目录就换一个，所有页面重新执行。"""
    digest = hashlib.sha256()
    files = sorted((ROOT / "d2lcode").rglob("*.py"))
    files += [ROOT / "requirements.txt", ROOT / "pyproject.toml"]
    for path in files:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_CACHE_ROOT = Path(os.environ.get("D2L_CACHE_ROOT", ROOT / "_build" / ".jupyter_cache"))
_cache_dir = _CACHE_ROOT / _code_digest()
if _CACHE_ROOT.is_dir():  # 旧版本的缓存不会再用到，删掉
    for old in _CACHE_ROOT.iterdir():
        if old != _cache_dir:
            shutil.rmtree(old, ignore_errors=True)

nb_execution_mode = os.environ.get("D2L_EXECUTION_MODE", "cache")
nb_execution_cache_path = str(_cache_dir)

nb_execution_timeout = 300  # 单个单元格的上限（秒）；页面可在 front matter 里调整
# 单元格出错时记一条警告（含页面、单元格源码和回溯），-W 使构建最终失败；
# 不用 raise_on_error：并行构建时它只报页面名，不报单元格。
nb_execution_raise_on_error = False
nb_execution_show_tb = True
nb_output_stderr = "warn"  # 意外的标准错误输出（警告、缺字形）在 -W 下使构建失败
nb_merge_streams = True
# 报错输出用 ANSI 词法器：ipythontb 词法器遇到中文错误信息里的全角标点会高亮失败并告警
nb_render_error_lexer = "myst-ansi"
nb_execution_excludepatterns = ["_build/**"]

# 执行页面的内核从这里继承环境变量。
# 用 -j 2 并行执行两页时，每个内核只用 1 个线程（见 TOOLCHAIN-NOTES）。
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ["D2L_BUILD"] = "1"  # d2lcode 据此只画最终的图，不输出中间过程
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # 避免内核启动时的调试器提示

# --- HTML ---------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "动手学深度学习（代码实践版）"
html_static_path = ["book/_static"]
html_css_files = ["d2l.css"]
# 浏览器端的中文查询分词，须在 searchtools.js 之前加载（见文件开头的说明）
html_js_files = [("d2l-search.js", {"priority": 200})]
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "navigation_with_keys": False,
}
html_context = {"default_mode": "auto"}  # 不设时主题在浏览器控制台报 “Got invalid theme mode”
html_favicon = "book/_static/favicon.svg"  # 本站的图标，浏览器不再去请求 /favicon.ico
html_last_updated_fmt = None
# MathJax 从本站加载（book/_static/vendor/mathjax），离线也能显示公式，不依赖 CDN
mathjax_path = "vendor/mathjax/tex-mml-chtml.js"
html_copy_source = True
html_show_sourcelink = True

# 复制按钮：去掉提示符，不复制输出
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = False
copybutton_exclude = ".linenos, .gp, .go"

# --- autodoc（附录：d2lcode API 参考）-------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "description"

# --- doctest 构建器（sphinx-build -b doctest）---------------------------------
# 只核对页面里的 {doctest} / {testcode} 块。附录 API 参考页由 autodoc 引入的文档字符串示例
# 依赖各自模块的命名空间，已由 pytest --doctest-modules d2lcode 核对，这里不再重复运行。
doctest_test_doctest_blocks = ""
doctest_global_setup = """
import torch
torch.manual_seed(0)
"""

# --- 中文全文搜索 ----------------------------------------------------------------
# jieba 分词（requirements.txt 已安装）。Sphinx 9.0.x 的中文搜索在浏览器里报
# “ChineseStemmer is not defined”（sphinx-doc/sphinx#14229，9.1 修复，但 9.1 要求
# Python ≥ 3.12）：它生成 `window.Stemmer = ChineseStemmer`，却只附带 EnglishStemmer。


def _fix_chinese_search() -> None:
    import sphinx
    import sphinx.search
    from sphinx.search.zh import SearchChinese

    if sphinx.version_info >= (9, 1):
        return

    class ChineseSearch(SearchChinese):
        language_name = "English"  # 英文词干用 EnglishStemmer，与 Python 端一致

    sphinx.search.languages["zh"] = ChineseSearch


_fix_chinese_search()
