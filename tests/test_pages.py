"""冒烟测试：以 D2L_SMOKE=1（极小规模，代码路径不变）执行书中的每一页。

每页一个测试，测试名就是页面路径；出错时报告单元格源码和回溯。
也检查执行时没有写到标准错误的输出（构建时这会被当成错误）。
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pagerun import BOOK, execute, notebook_pages, stderr_outputs

PAGES = notebook_pages()


def test_there_are_pages_to_execute():
    assert PAGES, "book/ 里没有找到任何笔记本页面"


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(BOOK).as_posix() for p in PAGES])
def test_page_executes_in_smoke_mode(page: Path):
    notebook = execute(page, smoke=True)
    problems = stderr_outputs(notebook)
    assert not problems, f"{page.name} 写了标准错误输出：\n" + "\n".join(problems)
