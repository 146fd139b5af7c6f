"""PDF 版（Sphinx 的 LaTeX 构建器 + XeLaTeX）所需的转换（conf.py 的 extensions 里的 d2l_latex）。

``nox -s build-pdf`` 与 ``build-docs`` 用同一个执行缓存：先预执行（缓存已满时什么也不做），
再 ``sphinx-build -b latex``，最后 ``latexmk -xelatex``。这个扩展只在 LaTeX 构建时改动文档树：

1. SVG → PDF：LaTeX 不能直接插入 SVG。执行输出的图（matplotlib 的 SVG）和 ``_generated/figures``
   里的插图都用 ``rsvg-convert``（Debian 包 librsvg2-bin）转换成矢量 PDF；
2. 折叠块（sphinx-design 的 ``{dropdown}``：练习的提示、解答）在纸上没法点开，改排成带标题的提示框；
3. 首页“前言”不编号（``\\chapter*``），各章的编号因此与网页相同（图 3.2、式 (3.1) 在两边一致），
   首页目录（toctree）引入的各章移到“前言”之后，成为与它同级的章；
4. 原始 HTML（下载页的链接）：取出其中的文字，``<code>`` 里的排成等宽字体；
5. 执行统计表按给定的列宽排；
6. 交叉引用后的页码写成“（第 12 页）”，不用英文的 “(page 12)”；
7. 构建网站时，若已有构建好的 PDF，复制到网站里供下载（``nox -s build-pdf`` 构建后也会复制）。

字体与其他 LaTeX 设置在 conf.py（``latex_elements``）；检查 PDF 的测试在 tests/test_pdf.py。
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms.images import ImageConverter
from sphinx.util import logging
from sphinx.writers.latex import LaTeXTranslator

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[1]
# PDF 的文件名（LaTeX 主文件为同名的 .tex）与它在网站里的位置（相对于网站根目录）
PDF_NAME = "d2l-zh-code.pdf"
SITE_PDF = f"pdf/{PDF_NAME}"
RSVG = "rsvg-convert"


# --- 1. SVG → PDF ----------------------------------------------------------------------


class SvgToPdf(ImageConverter):
    """用 rsvg-convert 把 SVG 转成 PDF（矢量，不嵌入位图），供 LaTeX 构建器插图。"""

    conversion_rules = [("image/svg+xml", "application/pdf")]

    def is_available(self) -> bool:
        if shutil.which(RSVG):
            return True
        logger.warning("找不到 %s，SVG 图无法放进 PDF。Debian/Ubuntu 上运行 "
                       "sudo apt-get install librsvg2-bin 后重新构建。", RSVG)
        return False

    def convert(self, _from: str | Path, _to: str | Path) -> bool:
        result = subprocess.run([RSVG, "--format=pdf", "--output", str(_to), str(_from)],
                                capture_output=True, text=True, check=False)
        if result.returncode != 0:
            logger.warning("rsvg-convert 转换 %s 失败：%s", _from, result.stderr.strip())
            return False
        return True


# --- 2. 折叠块 → 提示框 ------------------------------------------------------------------


def _is_dropdown(node: nodes.Node) -> bool:
    return isinstance(node, nodes.container) and node.get("design_component") == "dropdown"


def unfold_dropdowns(doctree: nodes.Node) -> int:
    """把 sphinx-design 的折叠块换成带标题的 ``admonition``（LaTeX 里是一个提示框）。"""
    count = 0
    for node in list(doctree.findall(_is_dropdown)):
        children = list(node.children)
        title = nodes.title("", "")
        if children and isinstance(children[0], nodes.rubric):
            title.extend(children.pop(0).children)
        box = nodes.admonition("", title, *children, classes=["d2l-dropdown"])
        node.replace_self(box)
        count += 1
    return count


# --- 3. 不编号的“前言” -------------------------------------------------------------------


def unnumbered_front_matter(doctree: nodes.document) -> None:
    """首页标题下、各章之前的节（“前言”）排成不编号的章，并把各章移到它后面。

    LaTeX 构建器把首页的一级标题作为书名，首页的各个二级标题成为章。“前言”若也编号，
    后面各章的编号就比网页多 1。这里把前言及其小节的标题换成带层级的 ``rubric``
    （写成 ``\\chapter*`` / ``\\section*``），再加一行把它写进目录。
    """
    top = next(iter(doctree.findall(nodes.section)), None)
    if top is None:
        return
    chapters = _outer_files(top)
    for parent, chapter in chapters:  # 各章原本嵌在前言的某个小节里，移到书名这一节的末尾
        parent.remove(chapter)
        top.append(chapter)
    for section in [s for s in top.children if isinstance(s, nodes.section)]:
        section.replace_self(_section_to_rubrics(section, level=1))


def _section_to_rubrics(section: nodes.section, level: int) -> list[nodes.Node]:
    """一节（含小节）换成一串节点：标题成为 ``rubric``，正文原样保留。"""
    title = section[0]
    rubric = nodes.rubric("", "", *title.children)
    rubric["heading-level"] = level
    rubric["ids"] = list(section["ids"])
    new: list[nodes.Node] = [rubric]
    if level == 1:
        new.append(nodes.raw("", f"\\addcontentsline{{toc}}{{chapter}}{{{title.astext()}}}\n",
                             format="latex"))
    for child in section.children[1:]:
        if isinstance(child, nodes.section):
            new.extend(_section_to_rubrics(child, level + 1))
        else:
            new.append(child)
    return new


def _outer_files(node: nodes.Element) -> list[tuple[nodes.Element, nodes.Element]]:
    """最外层的 ``start_of_file``（首页目录引入的各章）及其父节点，不进入各章内部。

    自上而下地找：Sphinx 合并文档时只替换了子节点列表，各章内部节点的 ``parent`` 不可靠。
    """
    found = []
    for child in node.children:
        if isinstance(child, addnodes.start_of_file):
            found.append((node, child))
        elif isinstance(child, nodes.Element):
            found.extend(_outer_files(child))
    return found


# --- 4. 原始 HTML ----------------------------------------------------------------------

_TAG = re.compile(r"<(/?)(\w+)[^>]*>")


def raw_html_to_text(doctree: nodes.Node) -> None:
    """把原始 HTML 换成文字：``<code>`` 里的是等宽字体，其余标签去掉。"""
    for raw in list(doctree.findall(nodes.raw)):
        if raw.get("format") != "html":
            continue
        parts: list[nodes.Node] = []
        in_code = False
        pos = 0
        source = raw.astext()
        for match in _TAG.finditer(source):
            _append_text(parts, html.unescape(source[pos:match.start()]), in_code)
            if match.group(2).lower() == "code":
                in_code = not match.group(1)
            pos = match.end()
        _append_text(parts, html.unescape(source[pos:]), in_code)
        if isinstance(raw.parent, nodes.TextElement):
            raw.replace_self(parts)
        else:
            raw.replace_self(nodes.paragraph("", "", *parts) if parts else [])


def _append_text(parts: list[nodes.Node], text: str, code: bool) -> None:
    if not text.strip():
        return
    parts.append(nodes.literal(text, text) if code else nodes.Text(text))


# --- 5. 执行统计表的列宽 ---------------------------------------------------------------

# “页面”一列放得下 chapter_xxx/yyy 这样的长页面名，日期时间不折行
EXEC_STATS_WIDTHS = [34, 15, 7, 9, 6, 9, 7, 11]


def exec_stats_widths(doctree: nodes.Node) -> None:
    """执行统计表（d2l_site 生成，8 列）在纸上按给定的列宽排，不让 LaTeX 平均分配。"""
    for table in doctree.findall(nodes.table):
        if "d2l-exec-stats" not in table["classes"]:
            continue
        colspecs = list(table.findall(nodes.colspec))
        if len(colspecs) != len(EXEC_STATS_WIDTHS):
            continue
        for colspec, width in zip(colspecs, EXEC_STATS_WIDTHS, strict=True):
            colspec["colwidth"] = width
        table["classes"].append("colwidths-given")


# --- 6. 页码引用写成“（第 12 页）” -----------------------------------------------------

_PAGEREF = re.compile(r"\}\}\} \((\\autopageref\*\{.*\})\)", re.S)


class ChineseLaTeXTranslator(LaTeXTranslator):
    """交叉引用后面的页码：英文的 “(page 12)” 换成 “（第 12 页）”，页码可点击。"""

    def visit_reference(self, node: nodes.Element) -> None:
        super().visit_reference(node)
        if self.context and isinstance(self.context[-1], str):
            self.context[-1] = chinese_pageref(self.context[-1])


def chinese_pageref(latex: str) -> str:
    r"""把 Sphinx 写在交叉引用后面的 `` (\autopageref*{…})`` 换成 ``（第~\pageref{…}~页）``。

    >>> chinese_pageref(r"}}} (\autopageref*{\detokenize{a:b}})")
    '}}}（第~\\pageref{\\detokenize{a:b}}~页）'
    """
    match = _PAGEREF.fullmatch(latex)
    if not match:
        return latex
    target = match.group(1)[len("\\autopageref*"):]
    return f"}}}}}}（第~\\pageref{target}~页）"


# --- 事件 ------------------------------------------------------------------------------


def _doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "latex":
        return
    unfold_dropdowns(doctree)
    raw_html_to_text(doctree)
    exec_stats_widths(doctree)
    if docname == app.config.root_doc:
        unnumbered_front_matter(doctree)


def built_pdf(root: Path = ROOT) -> Path:
    """``nox -s build-pdf`` 生成的 PDF 所在的位置。"""
    return root / "_build" / "latex" / PDF_NAME


def copy_pdf_to_site(site: Path, pdf: Path | None = None) -> Path | None:
    """把构建好的 PDF 复制到网站的 ``pdf/`` 目录；还没有 PDF 时返回 None。"""
    pdf = built_pdf() if pdf is None else pdf
    if not pdf.is_file():
        return None
    target = site / SITE_PDF
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(pdf, target)
    return target


def _build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = copy_pdf_to_site(Path(app.outdir))
    if target is None:
        logger.info("还没有构建 PDF：下载页上 PDF 的链接要等 nox -s build-pdf 之后才有文件。")
    else:
        logger.info("已把 PDF 复制到 %s", target)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_post_transform(SvgToPdf)
    app.set_translator("latex", ChineseLaTeXTranslator)
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("build-finished", _build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
