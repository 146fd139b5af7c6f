"""检查 ``nox -s build-pdf`` 排出的 PDF（_build/latex/d2l-zh-code.pdf）。

用 Debian 包 poppler-utils 的 pdfinfo、pdffonts、pdftotext、pdftohtml 读 PDF。
``nox -s build-pdf`` 构建完 PDF 后设置 ``D2L_PDF_TESTS=1`` 运行本文件（CI 的 ``.ci/run``
因此也运行它），这时没有 PDF 就是失败；平常的 ``nox -s tests`` 不要求 PDF：还没有构建过时，
检查 PDF 的测试跳过并说明原因（文件末尾文档树转换的单元测试照常运行），构建过就检查那份 PDF。
``D2L_LATEX_DIR``、``D2L_SITE_DIR`` 可以指向别的 LaTeX 输出目录和网站目录。
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
LATEX_DIR = Path(os.environ.get("D2L_LATEX_DIR", ROOT / "_build" / "latex"))
STEM = "d2l-zh-code"
PDF = LATEX_DIR / f"{STEM}.pdf"
SITE = Path(os.environ.get("D2L_SITE_DIR", ROOT / "_build" / "html"))
MIN_PAGES = 400  # 全书在 CPU 规模下约 690 页；少于 400 页说明有章节没有排进去
# 已知的一幅插图和一个公式（源文件里找不到它们时测试失败，提醒更新这里）
FIGURE = ("chapter_preliminaries/ndarray", "fig-reshape", "_generated/figures/reshape.svg")
EQUATION = ("chapter_linear-networks/linear-regression", "eq-linreg-single", "w⊤")



@pytest.fixture
def pdf() -> Path:
    """构建好的 PDF。还没有时跳过；D2L_PDF_TESTS=1（nox -s build-pdf、CI）时则是失败。"""
    if not PDF.is_file():
        reason = f"还没有构建 PDF（找不到 {PDF}）：运行 nox -s build-pdf 后再检查"
        if os.environ.get("D2L_PDF_TESTS") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return PDF


def _poppler(tool: str, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"找不到 {tool}：Debian/Ubuntu 上运行 sudo apt-get install poppler-utils")
    result = subprocess.run([tool, *args], capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{tool} 出错：{result.stderr}"
    return result.stdout


@cache
def pdf_pages() -> list[str]:
    """PDF 每一页的文字（pdftotext 按版面排列）。"""
    return _poppler("pdftotext", "-layout", str(PDF), "-").split("\f")


@cache
def aux_labels() -> dict[str, str]:
    """LaTeX 的 .aux 文件里每个标签的编号：``{标签: 编号}``。"""
    text = (LATEX_DIR / f"{STEM}.aux").read_text(encoding="utf-8")
    return dict(re.findall(r"\\newlabel\{([^}]+)\}\{\{([^}]*)\}", text))


def chapter_titles() -> list[str]:
    """首页目录里各章的标题（各章 index.md 的一级标题），按目录的次序。"""
    index = (BOOK / "index.md").read_text(encoding="utf-8")
    toctree = index.split("```{toctree}", 1)[1].split("```", 1)[0]
    titles = []
    for line in toctree.splitlines():
        line = line.strip()
        if line and not line.startswith(":"):
            page = (BOOK / f"{line}.md").read_text(encoding="utf-8")
            titles.append(re.search(r"^# (.+)$", page, re.M).group(1).strip())
    return titles


def test_page_count(pdf: Path) -> None:
    info = _poppler("pdfinfo", str(pdf))
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages >= MIN_PAGES, f"PDF 只有 {pages} 页（至少应有 {MIN_PAGES} 页）"
    assert len(pdf_pages()) >= pages


def test_outline_lists_every_chapter_in_order(pdf: Path) -> None:
    xml = _poppler("pdftohtml", "-xml", "-stdout", "-i", "-q", "-f", "1", "-l", "1", str(pdf))
    outline = xml[xml.index("<outline>"):]
    # 最外层的书签：前言，然后是编号的各章（hyperref 的 bookmarksnumbered：“1 预备知识”）
    top, depth = [], 0
    for tag, text in re.findall(r"<(/?outline)>|<item[^>]*>([^<]*)</item>", outline):
        if tag:
            depth += 1 if tag == "outline" else -1
        elif depth == 1:
            top.append(text.strip())
    expected = ["前言"] + [f"{i} {t}" for i, t in enumerate(chapter_titles(), start=1)]
    assert top[:len(expected)] == expected


def test_known_figure_is_numbered_and_drawn(pdf: Path) -> None:
    page, label, svg = FIGURE
    source = (BOOK / f"{page}.md").read_text(encoding="utf-8")
    assert f":name: {label}" in source and svg in source, f"{page}.md 里没有插图 {label}"
    number = aux_labels()[f"{page}:{label}"]
    chapter = _chapter_number(page)
    assert number.startswith(f"{chapter}."), f"{label} 的编号 {number} 不在第 {chapter} 章"
    hits = [text for text in pdf_pages() if f"图 {number}" in text]
    assert hits, f"PDF 里找不到 “图 {number}”"
    # 插图（SVG 转成的 PDF）里的文字也在同一页上，说明图确实画进去了
    labels = re.findall(r"<text[^>]*>(.*?)</text>", (BOOK / svg).read_text(encoding="utf-8"), re.S)
    words = list(dict.fromkeys(w for w in (re.sub(r"<[^>]+>", "", t).strip() for t in labels)
                               if len(w) >= 4))
    assert words, f"{svg} 里没有可供核对的文字"
    assert any(all(w in text for w in words[:3]) for text in hits), \
        f"图 {number} 所在的页上没有插图里的文字 {words[:3]}"
    _same_number_as_site(page, "caption-number", f"图 {number}")


def test_known_equation_is_numbered(pdf: Path) -> None:
    page, label, glyph = EQUATION
    source = (BOOK / f"{page}.md").read_text(encoding="utf-8")
    assert f"$$ ({label})" in source, f"{page}.md 里没有公式 {label}"
    number = aux_labels()[f"equation:{page}:{label}"]
    assert number.startswith(f"{_chapter_number(page)}.")
    lines = [line for text in pdf_pages() for line in text.splitlines()]
    assert any(f"({number})" in line and glyph in line for line in lines), \
        f"PDF 里找不到带编号 ({number}) 的公式 {label}"
    _same_number_as_site(page, "eqno", f"({number})")


def test_every_graphic_was_converted(pdf: Path) -> None:
    """SVG（执行输出的图、_generated/figures 的插图）都已转换成 PDF 插入；没有漏掉的图。"""
    tex = (LATEX_DIR / f"{STEM}.tex").read_text(encoding="utf-8")
    graphics = re.findall(r"\\sphinxincludegraphics(?:\[[^\]]*\])?\{\{?([^}]+?)\}?\}", tex)
    assert len(graphics) >= 150, f"只插入了 {len(graphics)} 幅图"
    svg = [g for g in graphics if g.endswith(".svg")]
    assert not svg, f"这些 SVG 没有转换成 PDF：{svg[:5]}"
    missing = [g for g in graphics if not any((LATEX_DIR / f"{g}{ext}").is_file()
                                              for ext in ("", ".pdf", ".png", ".jpg"))]
    assert not missing, f"找不到这些图的文件：{missing[:5]}"


def test_every_font_is_embedded(pdf: Path) -> None:
    rows = _poppler("pdffonts", str(pdf)).splitlines()[2:]
    assert rows, "pdffonts 没有列出任何字体"
    # 列：name type encoding emb sub uni object ID（名字和类型里可能有空格，从右往左数）
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]
    assert not not_embedded, "没有嵌入的字体：\n" + "\n".join(not_embedded)
    names = " ".join(row.split()[0] for row in rows)
    assert "NotoSerifCJK" in names and "DejaVuSansMono" in names


def test_no_missing_characters_in_latex_log(pdf: Path) -> None:
    log = (LATEX_DIR / f"{STEM}.log").read_text(encoding="utf-8", errors="replace")
    missing = sorted(set(re.findall(r"Missing character: There is no (.+?) in font", log)))
    assert not missing, f"这些字符在所用的字体里没有字形：{missing}"


def test_site_offers_the_pdf(pdf: Path) -> None:
    """网站的下载页链接到 pdf/d2l-zh-code.pdf，而且这个文件就是构建出的 PDF。

    nox -s build-pdf 把 PDF 复制进网站之后才能检查，所以只在 D2L_PDF_TESTS=1 时运行。
    """
    page = SITE / "chapter_appendix" / "downloads.html"
    if os.environ.get("D2L_PDF_TESTS") != "1":
        pytest.skip("网站里的 PDF 由 nox -s build-pdf 复制进去，在那里（D2L_PDF_TESTS=1）检查")
    if not page.is_file():
        pytest.skip(f"还没有构建网站（找不到 {page}）：先运行 nox -s build-docs")
    hrefs = re.findall(r'href="([^"]+\.pdf)"', page.read_text(encoding="utf-8"))
    assert f"../pdf/{STEM}.pdf" in hrefs, f"下载页没有链接到 PDF：{hrefs}"
    target = (page.parent / f"../pdf/{STEM}.pdf").resolve()
    assert target.is_file(), f"{target} 不存在：nox -s build-pdf 会把 PDF 复制到这里"
    assert target.read_bytes() == pdf.read_bytes(), f"{target} 不是最新构建的 PDF"


def _chapter_number(page: str) -> int:
    """页面所在的章在首页目录里的序号（从 1 起），即 PDF 与网页里图、公式编号的第一部分。"""
    index = (BOOK / "index.md").read_text(encoding="utf-8")
    chapters = re.findall(r"^(chapter_[\w-]+)/index$", index, re.M)
    return chapters.index(page.split("/")[0]) + 1


def _same_number_as_site(page: str, css_class: str, number: str) -> None:
    """网站已构建时，同一幅图、同一个公式在网页上的编号与 PDF 相同。"""
    html = SITE / f"{page}.html"
    if html.is_file():
        numbers = re.findall(rf'class="{css_class}">([^<]+)', html.read_text(encoding="utf-8"))
        assert number in [n.strip() for n in numbers], f"网页 {page} 上的编号是 {numbers}"


# --- _ext/d2l_latex.py 的文档树转换：不需要 TeX，平常的 nox -s tests 也运行 -------------------


def _d2l_latex():
    import sys

    sys.path.insert(0, str(ROOT / "_ext"))
    import d2l_latex

    return d2l_latex


def test_dropdown_becomes_a_titled_box() -> None:
    from docutils import nodes

    dropdown = nodes.container(design_component="dropdown")
    dropdown += nodes.rubric("", "提示")
    dropdown += nodes.paragraph("", "对 b 求导并令导数为零。")
    item = nodes.list_item("", dropdown)
    assert _d2l_latex().unfold_dropdowns(item) == 1
    box = item[0]
    assert isinstance(box, nodes.admonition)
    assert [child.astext() for child in box] == ["提示", "对 b 求导并令导数为零。"]


def test_raw_html_link_becomes_code_text() -> None:
    from docutils import nodes

    html = '<a href="../downloads/x.whl" download><code>x.whl</code></a> 和 &lt;b&gt;'
    entry = nodes.entry("", nodes.raw("", html, format="html"))
    _d2l_latex().raw_html_to_text(entry)
    assert entry.astext() == "x.whl 和 <b>"
    assert isinstance(entry[0][0], nodes.literal)


def test_front_matter_is_unnumbered_and_chapters_move_up() -> None:
    from docutils import nodes
    from sphinx import addnodes

    chapter = addnodes.start_of_file(docname="chapter_x/index")
    chapter += nodes.section("", nodes.title("", "第一章"))
    how = nodes.section("", nodes.title("", "怎样读"), nodes.paragraph("", "……"),
                        nodes.compound("", chapter))
    preface = nodes.section("", nodes.title("", "前言"), how, ids=["id1"])
    document = nodes.document(None, None)
    document += nodes.section("", nodes.title("", "书名"), preface)
    _d2l_latex().unnumbered_front_matter(document)
    top = document[0]
    assert top[-1] is chapter  # 各章成了书名这一节的直接子节点，排成 \chapter
    rubrics = [(r.astext(), r["heading-level"]) for r in top.findall(nodes.rubric)]
    assert rubrics == [("前言", 1), ("怎样读", 2)]
    assert not [s for s in top.children if isinstance(s, nodes.section)]


def test_built_pdf_is_copied_into_the_site(tmp_path: Path) -> None:
    d2l_latex = _d2l_latex()
    assert d2l_latex.copy_pdf_to_site(tmp_path / "site", tmp_path / "none.pdf") is None
    built = tmp_path / "book.pdf"
    built.write_bytes(b"%PDF-1.5 test")
    target = d2l_latex.copy_pdf_to_site(tmp_path / "site", built)
    assert target == tmp_path / "site" / "pdf" / d2l_latex.PDF_NAME
    assert target.read_bytes() == built.read_bytes()


def test_pdf_name_is_the_same_everywhere() -> None:
    """conf.py 的 LaTeX 主文件、扩展复制的 PDF、下载页的链接用同一个文件名。"""
    import ast

    d2l_latex = _d2l_latex()
    # 只读 conf.py 的赋值，不执行它（执行会改本进程的环境变量，影响后面的测试）
    tree = ast.parse((ROOT / "conf.py").read_text(encoding="utf-8"))
    documents = next(node.value for node in tree.body if isinstance(node, ast.Assign)
                     and any(getattr(t, "id", "") == "latex_documents" for t in node.targets))
    assert ast.literal_eval(documents.elts[0].elts[1]) == f"{STEM}.tex"
    assert d2l_latex.PDF_NAME == f"{STEM}.pdf"
    downloads = (BOOK / "chapter_appendix" / "downloads.md").read_text(encoding="utf-8")
    assert f'href="../{d2l_latex.SITE_PDF}"' in downloads
