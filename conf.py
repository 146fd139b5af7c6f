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
    "d2l_latex",  # _ext/d2l_latex.py：PDF 版的 SVG 转换、折叠块、不编号的前言；网站附上 PDF
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

# --- PDF（nox -s build-pdf：sphinx-build -b latex，再 latexmk -xelatex）----------------
# 文档树的转换在 _ext/d2l_latex.py；这里只有 LaTeX 的设置。字体都来自 Debian 包：
# 中文 Noto CJK（fonts-noto-cjk），西文、符号与代码 DejaVu（fonts-dejavu-core），字形全，
# 正文里的 → ≈ ‖ λ 和代码输出里的 ✓ ✗ 都有字形。
latex_engine = "xelatex"
latex_documents = [("index", "d2l-zh-code.tex", project, author, "manual")]
latex_toplevel_sectioning = "chapter"
latex_show_urls = "footnote"  # 外部链接的网址印在脚注里
latex_show_pagerefs = True  # 交叉引用除了可点击，还印出页码
latex_use_xindy = False
latex_domain_indices = False
# 执行输出里的图是 SVG：LaTeX 构建器优先取它（转换成 PDF 插入），其次才是 PNG 或文字
nb_mime_priority_overrides = [("latex", "image/svg+xml", 5)]
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "10pt",
    "fontpkg": r"""
\setmainfont{DejaVu Serif}[Scale=0.88]
\setsansfont{DejaVu Sans}[Scale=0.88]
\setmonofont{DejaVu Sans Mono}[Scale=0.84]
\setCJKmainfont{Noto Serif CJK SC}[ItalicFont=Noto Sans CJK SC]
\setCJKsansfont{Noto Sans CJK SC}[ItalicFont=Noto Sans CJK SC]
\setCJKmonofont{Noto Sans Mono CJK SC}[ItalicFont=Noto Sans Mono CJK SC]
\newfontfamily\dlsymbolfont{DejaVu Sans}
""",
    "passoptionstopackages": r"\PassOptionsToPackage{bookmarksnumbered}{hyperref}",
    "fncychap": "",  # 章标题用下面 preamble 里的“第 N 章”，不用 fncychap 的英文 “Chapter”
    "preamble": r"""
\usepackage{newunicodechar}
% 彩色表情符号在 XeLaTeX 里没有字形：执行统计表的 ✅ / ❌ 印成 DejaVu Sans 的 ✓ / ✗
\newunicodechar{✅}{{\dlsymbolfont\symbol{"2713}}}
\newunicodechar{❌}{{\dlsymbolfont\symbol{"2717}}}
\newunicodechar{✓}{{\dlsymbolfont\symbol{"2713}}}
\newunicodechar{✗}{{\dlsymbolfont\symbol{"2717}}}
\newunicodechar{℃}{{\dlsymbolfont\symbol{"2103}}}
% 中文的章名、参考文献、页码引用（“第 12 页”）；目录列出章和节
\addto\captionsenglish{\renewcommand{\chaptername}{}\renewcommand{\bibname}{参考文献}%
  \renewcommand{\appendixname}{附录}}
\setcounter{tocdepth}{1}
\setlength{\headheight}{15pt}  % 页眉里的中文比西文高，fancyhdr 要求的最小高度
\makeatletter
\renewcommand{\@makechapterhead}[1]{\vspace*{10\p@}{\parindent\z@\raggedright
  \normalfont\sffamily\bfseries
  \ifnum\c@secnumdepth>\m@ne\LARGE 第\,\thechapter\,章\par\nobreak\vskip 12\p@\fi
  \Huge #1\par\nobreak\vskip 30\p@}}
\renewcommand{\@makeschapterhead}[1]{\vspace*{10\p@}{\parindent\z@\raggedright
  \normalfont\sffamily\bfseries\Huge #1\par\nobreak\vskip 30\p@}}
% 图题、表题：“图 1.1　标题”（中文书的习惯），不用英文的冒号
\long\def\@makecaption#1#2{\vskip\abovecaptionskip\sbox\@tempboxa{#1\quad #2}%
  \ifdim\wd\@tempboxa>\hsize #1\quad #2\par
  \else\global\@minipagefalse\hb@xt@\hsize{\hfil\box\@tempboxa\hfil}\fi
  \vskip\belowcaptionskip}
% 参考文献排在附录“参考文献”一节里，不另起一章
\renewenvironment{sphinxthebibliography}[1]{\let\d@chapter\chapter\def\chapter##1##2{}%
  \begin{thebibliography}{#1}\let\chapter\d@chapter}{\end{thebibliography}}
\makeatother
""",
    # 代码和输出的长行自动折行，连没有空格的长串也折（不伸出版心）
    "sphinxsetup": "verbatimforcewraps, verbatimmaxunderfull=0",
    "printindex": "",
}

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
