"""解释性插图（_ext/d2l_figures.py 与 _ext/figures/）的检查：不需要构建网站。

- 每幅图都能生成，是合法的 SVG，带中文文字；图题、替代文字非空，标识不重复；
- 生成是确定的（两次结果相同），内容不变时不重写文件；
- 每幅图恰好被一个页面用 ``{figure}`` 指令引用，并且在同一页的正文里用 ``{numref}`` 提到。
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

import d2l_figures  # noqa: E402

BOOK = ROOT / "book"
CJK = re.compile(r"[\u4e00-\u9fff]")
SVG_NS = "{http://www.w3.org/2000/svg}"
MIN_FIGURES = 50


@pytest.fixture(scope="module")
def specs() -> dict[str, d2l_figures.FigureSpec]:
    return d2l_figures.load_all()


@pytest.fixture(scope="module")
def rendered(specs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("figures")
    d2l_figures.render_all(out)
    return out


def test_enough_figures(specs):
    assert len(specs) >= MIN_FIGURES, f"只有 {len(specs)} 幅插图"


def test_specs_complete(specs):
    for fid, spec in specs.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", fid), fid
        assert spec.caption.strip() and CJK.search(spec.caption), fid
        assert spec.alt.strip() and CJK.search(spec.alt), fid
        assert "\n" not in spec.alt and "`" not in spec.alt, fid  # 放进 :alt: 选项的一行
        assert (BOOK / spec.page).is_file(), f"{fid}：页面 {spec.page} 不存在"
        assert f"{{numref}}`fig-{fid}`" in spec.lead, fid


def test_svg_well_formed(specs, rendered):
    files = sorted(rendered.glob("*.svg"))
    assert {p.stem for p in files} == set(specs)
    for path in files:
        root = ET.parse(path).getroot()
        assert root.tag == f"{SVG_NS}svg", path.name
        assert float(root.get("width")) > 0 and float(root.get("height")) > 0
        text = "".join("".join(t.itertext()) for t in root.iter(f"{SVG_NS}text"))
        assert CJK.search(text), f"{path.name} 没有中文文字"
        first = next(iter(root))  # 浅色底板：暗色模式下也看得清
        assert first.tag == f"{SVG_NS}rect" and first.get("fill") == d2l_figures.CARD


def test_deterministic_and_quiet(specs, tmp_path):
    first = d2l_figures.render_all(tmp_path)
    stamps = {p: p.stat().st_mtime_ns for p in first}
    d2l_figures.render_all(tmp_path)
    assert {p: p.stat().st_mtime_ns for p in first} == stamps  # 内容没变：不重写
    for p in first:
        assert p.read_text(encoding="utf-8") == specs[p.stem].draw().to_svg()


def test_subscript_markup():
    f = d2l_figures.Figure(100, 40)
    f.text(10, 10, "x_{1} + requires_grad")
    svg = f.to_svg()
    assert 'font-size="10.08">1</tspan>' in svg and "requires_grad" in svg


def test_each_figure_used_once_and_referenced(specs):
    pages = {p: p.read_text(encoding="utf-8") for p in BOOK.rglob("*.md")}
    for fid, spec in specs.items():
        target = f"{{figure}} ../_generated/figures/{fid}.svg"
        users = [p for p, text in pages.items() if target in text]
        assert len(users) == 1, f"{fid}：被 {len(users)} 个页面引用（应恰好 1 个）"
        text = pages[users[0]]
        assert users[0] == BOOK / spec.page, f"{fid} 应在 {spec.page}，实际在 {users[0]}"
        assert f":name: fig-{fid}" in text, fid
        assert f"{{numref}}`fig-{fid}`" in text, f"{fid}：正文没有用 numref 引用它"
