"""每道练习都有提示和解答。

约定（见附录“构建本书”）：

* 节的页面在 ``## 练习`` 下写编号列表；每道题的列表项里有一个折叠的 ``{dropdown} 提示``，
  和一个指向解答的引用 ``{ref}`查看解答 <sol-页面名-题号>```。
* 每章有一个解答页 ``solutions.md``（可执行的笔记本，列在本章目录里）：每道题一个标签
  ``(sol-页面名-题号)=``，其后是折叠的 ``{dropdown} 解答``；计算题的代码在带 ``hide-cell``
  标签的单元格里，构建时执行，数值用 glue 写进解答。

节的页面下载成笔记本时只有题目和提示，解答在另一个笔记本里，读者先自己做。
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parent.parent / "book"
# 除附录外的每一章都有解答页；新加的章节没有 solutions.md 时，下面的测试会失败
CHAPTERS_WITH_SOLUTIONS = sorted(p.name for p in BOOK.glob("chapter_*")
                                 if p.is_dir() and p.name != "chapter_appendix")
_ITEM = re.compile(r"^(\d+)\. ", re.M)
_LABEL = re.compile(r"^\(sol-([\w-]+?)-(\d+)\)=$", re.M)


def exercises(page: Path) -> list[str]:
    """页面 ``## 练习`` 一节里的各道题（列表项的全文，含缩进的提示和引用）。"""
    text = page.read_text(encoding="utf-8")
    match = re.search(r"^## 练习\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not match:
        return []
    body = match.group(1)
    starts = list(_ITEM.finditer(body))
    return [body[m.start(): starts[i + 1].start() if i + 1 < len(starts) else len(body)]
            for i, m in enumerate(starts)]


def section_pages(chapter: str) -> list[Path]:
    return [p for p in sorted((BOOK / chapter).glob("*.md"))
            if p.stem not in ("index", "solutions")]


def solution_blocks(chapter: str) -> dict[tuple[str, int], str]:
    """解答页里每个标签 ``(sol-页面-题号)=`` 之后、下一个标签之前的文字。"""
    text = (BOOK / chapter / "solutions.md").read_text(encoding="utf-8")
    labels = list(_LABEL.finditer(text))
    return {(m.group(1), int(m.group(2))):
            text[m.end(): labels[i + 1].start() if i + 1 < len(labels) else len(text)]
            for i, m in enumerate(labels)}


def test_every_chapter_is_covered():
    assert len(CHAPTERS_WITH_SOLUTIONS) == 7
    missing = [c for c in CHAPTERS_WITH_SOLUTIONS if not (BOOK / c / "solutions.md").exists()]
    assert not missing, f"这些章节没有解答页 solutions.md：{missing}"


def test_exercise_parser_counts_items(tmp_path: Path):
    page = tmp_path / "p.md"
    page.write_text("# 标题\n\n## 练习\n\n1. 甲\n\n   ```{dropdown} 提示\n   乙\n   ```\n"
                    "2. 丙\n\n## 附\n3. 不算\n", encoding="utf-8")
    items = exercises(page)
    assert len(items) == 2 and "提示" in items[0] and "丙" in items[1]


@pytest.mark.parametrize("chapter", CHAPTERS_WITH_SOLUTIONS)
def test_every_exercise_has_a_hint_and_a_solution(chapter: str):
    blocks = solution_blocks(chapter)
    problems, count = [], 0
    for page in section_pages(chapter):
        for number, item in enumerate(exercises(page), start=1):
            count += 1
            where = f"{page.name} 练习 {number}"
            if "{dropdown} 提示" not in item:
                problems.append(f"{where}：没有折叠的提示")
            if f"<sol-{page.stem}-{number}>`" not in item:
                problems.append(f"{where}：没有指向解答 sol-{page.stem}-{number} 的引用")
            block = blocks.pop((page.stem, number), None)
            if block is None:
                problems.append(f"{where}：solutions.md 里没有标签 (sol-{page.stem}-{number})=")
            elif "{dropdown} 解答" not in block:
                problems.append(f"{where}：解答没有放在折叠的 {{dropdown}} 解答 里")
    problems += [f"solutions.md 里的 sol-{p}-{n} 没有对应的练习" for p, n in blocks]
    assert count > 0
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("chapter", CHAPTERS_WITH_SOLUTIONS)
def test_solutions_page_is_an_executed_notebook_in_the_toctree(chapter: str):
    solutions = (BOOK / chapter / "solutions.md").read_text(encoding="utf-8")
    assert solutions.startswith("---") and "kernelspec:" in solutions[:500]
    index = (BOOK / chapter / "index.md").read_text(encoding="utf-8")
    assert re.search(r"^solutions\s*$", index, re.M), f"{chapter}/index.md 的目录里没有 solutions"
