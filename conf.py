"""Sphinx 配置：《动手学深度学习》代码实践版（源目录 book/）。

构建：``nox -s build-docs``（等价于 ``sphinx-build -W --keep-going -j 2 -c . book _build/html``）。
"""

from __future__ import annotations

import os
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
    "d2l_site",  # _ext/d2l_site.py：搜索词典、.ipynb 下载、运行提示、执行统计表、中文断行
    "d2l_downloads",  # _ext/d2l_downloads.py：下载页的 wheel、笔记本 zip 和 requirements 文件
    "d2l_exec",  # _ext/d2l_exec.py：执行缓存的键、预执行、计算预算
    "d2l_course_map",  # 课程对照页与各节的讲次标签（book/course_map.yaml）
    "d2l_figures",  # _ext/figures/ 的插图定义 → book/_generated/figures/*.svg
]
sys.path.insert(0, str(ROOT / "_ext"))
import d2l_exec  # noqa: E402  （执行缓存的键与内核环境）

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

# --- 执行：预执行写入 jupyter-cache，Sphinx 从缓存取输出（逻辑在 _ext/d2l_exec.py）------
# 缓存目录由预算档位、产生输出的包的版本和 d2lcode 的代码（不含注释、文档字符串）决定。
nb_execution_mode = os.environ.get("D2L_EXECUTION_MODE", "cache")
nb_execution_cache_path = str(d2l_exec.cache_dir(ROOT))
# 单元格的时间上限只用来发现卡死的内核；速度由计算预算衡量（见 _ext/d2l_exec.py）
nb_execution_timeout = int(os.environ.get("D2L_CELL_TIMEOUT", d2l_exec.DEFAULT_CELL_TIMEOUT))
# 单元格出错时记一条警告（含页面、单元格源码和回溯），-W 使构建最终失败；
# 不用 raise_on_error：并行构建时它只报页面名，不报单元格。
nb_execution_raise_on_error = False
nb_execution_show_tb = True
nb_output_stderr = "warn"  # 意外的标准错误输出（警告、缺字形）在 -W 下使构建失败
nb_merge_streams = True
# 报错输出用 ANSI 词法器：ipythontb 词法器遇到中文错误信息里的全角标点会高亮失败并告警
nb_render_error_lexer = "myst-ansi"
nb_execution_excludepatterns = ["_build/**"]

# 执行页面的内核从这里继承环境变量（每个内核一个线程、只画最终的图、内核不打印传输警告）
for _key, _value in d2l_exec.kernel_env(ROOT).items():
    os.environ.setdefault(_key, _value)

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
