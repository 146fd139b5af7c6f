"""读者看到的页面里没有构建的管道代码，也没有构建、出处方面的行话（附录除外）。

* 显示出来的代码单元格里不出现 ``glue(``、``from myst_nb import`` 和只为核对结论写的
  ``d2l.mode() != "smoke"``：它们放在带 ``remove-cell`` 标签的单元格里（仍然执行）。
  各章的解答页（``solutions.md``）里，计算用的单元格默认折叠（``hide-cell``），也算隐藏。
* 附录以外的正文不用“构建机器”“冒烟”“课程原来”“说句实话”“坦白地说”这类词。
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pagerun import BOOK, notebook_pages

PLUMBING = ("glue(", "from myst_nb import", 'd2l.mode() != "smoke"')
JARGON = ("构建机器", "冒烟", "课程原来", "说句实话", "坦白地说", "本页没有做这个比较")
HIDDEN = {"remove-cell", "remove-input"}
_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$", re.M | re.S)
_TAGS = re.compile(r"^:tags:\s*\[([^\]]*)\]", re.M)
_FENCE = re.compile(r"^(`{3,}|~{3,}).*?^\1\s*$", re.M | re.S)


def visible_cells(text: str, hidden: set[str] = HIDDEN) -> list[str]:
    """没有隐藏标签的代码单元格的源码。"""
    cells = []
    for body in _CELL.findall(text):
        tags = _TAGS.search(body)
        names = {t.strip().strip("'\"") for t in tags.group(1).split(",")} if tags else set()
        if not names & hidden:
            cells.append(body)
    return cells


def prose(text: str) -> str:
    """去掉所有围栏块（代码、指令）之后的正文。"""
    return _FENCE.sub("", text)


def test_helpers_see_tags_and_fences():
    text = ("```{code-cell} ipython3\n:tags: [remove-cell]\nglue('a', 1)\n```\n\n"
            "```{code-cell} ipython3\nprint(1)\n```\n说明\n```python\n冒烟\n```\n")
    assert visible_cells(text) == ["print(1)\n"]
    assert "冒烟" not in prose(text) and "说明" in prose(text)


@pytest.mark.parametrize("page", notebook_pages(), ids=lambda p: p.relative_to(BOOK).as_posix())
def test_no_build_plumbing_in_visible_cells(page: Path):
    found = [word for cell in visible_cells(page.read_text(encoding="utf-8"))
             for word in PLUMBING if word in cell]
    assert not found, f"{page.name} 的可见单元格里有构建代码：{found}（移到 remove-cell 单元格）"


@pytest.mark.parametrize("page", [p for p in sorted(BOOK.rglob("chapter_*/*.md"))
                                  if "chapter_appendix" not in p.parts],
                         ids=lambda p: p.relative_to(BOOK).as_posix())
def test_no_build_jargon_in_prose(page: Path):
    text = prose(page.read_text(encoding="utf-8"))
    found = [word for word in JARGON if word in text]
    assert not found, f"{page.name} 的正文里有构建行话：{found}"
