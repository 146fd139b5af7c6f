"""在无头 Chromium 里打开构建好的网站，检查读者实际看到的东西。

- 首页和每章一页：无控制台错误、没有发往本机以外的请求（MathJax、字体、图标都来自本站）；
- 公式由 MathJax 渲染（有 mjx-container），图是 SVG 且有非零尺寸；
- 中文搜索：卷积、梯度消失、注意力找得到对应的节（只核对本次构建里存在的页面）；
- 复制按钮、.ipynb 下载、“在本地运行”提示、执行统计页；
- 截图存到 _build/screenshots/（或 D2L_SCREENSHOT_DIR），供人查看。
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

# 每章检查哪一页（不存在就用该章的 index）；新章加入后自动纳入
CHAPTER_PAGES = {
    "chapter_preliminaries": "ndarray",
    "chapter_linear-networks": "linear-regression",
    "chapter_multilayer-perceptrons": "mlp",
    "chapter_deep-learning-computation": "parameters",
    "chapter_convolutional-neural-networks": "conv-layer",
    "chapter_convolutional-modern": "batch-norm",
    "chapter_attention-mechanisms": "attention-scoring-functions",
    "chapter_appendix": "exec-stats",
}

# 搜索词 -> 应当找到的页面（每一页都必须在构建里）
SEARCH_EXPECTATIONS = {
    "卷积": ["chapter_convolutional-neural-networks/conv-layer",
             "chapter_convolutional-neural-networks/why-conv",
             "chapter_convolutional-neural-networks/index",
             "chapter_appendix/glossary"],
    "梯度消失": ["chapter_multilayer-perceptrons/numerical-stability-and-init",
                 "chapter_appendix/glossary"],
    "注意力": ["chapter_attention-mechanisms/index",
               "chapter_attention-mechanisms/attention-cues",
               "chapter_attention-mechanisms/attention-scoring-functions",
               "chapter_attention-mechanisms/multihead-attention",
               "chapter_attention-mechanisms/self-attention-and-positional-encoding",
               "chapter_appendix/glossary"],
    # 不带空格的短语要先在浏览器里分词才能命中
    "线性回归模型": ["chapter_linear-networks/linear-regression"],
}
TOP_N = 10
# 标题最切题的页面应排在最前面（d2l-search.js 的 Scorer）
TOP_N_FOR = {"线性回归模型": 3}
ROOT = Path(__file__).resolve().parents[2]


def _pages(site: Path) -> list[str]:
    """首页和每章一页；缺了哪一页就让测试失败（而不是悄悄少测一页）。"""
    pages = ["index"] + [f"{chapter}/{name}" for chapter, name in CHAPTER_PAGES.items()]
    missing = [p for p in pages if not (site / f"{p}.html").is_file()]
    assert not missing, f"构建里没有这些页面：{missing}"
    return pages


class PageVisit:
    """打开一页，记录所有网络请求、控制台错误和失败的请求。"""

    def __init__(self, context, base_url: str, path: str) -> None:
        self.base_url = base_url
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(
            f"console: {m.text} @ {m.location.get('url', '')}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("requestfailed", lambda r: self.errors.append(
            f"request failed: {r.url} ({r.failure})"))
        self.response = self.page.goto(urljoin(base_url, path), wait_until="networkidle")
        # 等 MathJax 排版完（页面没有公式时 MathJax 可能根本不加载）
        self.page.wait_for_function(
            "() => !window.MathJax || (MathJax.startup && MathJax.startup.promise)")
        self.page.evaluate("() => window.MathJax && MathJax.startup.promise")

    def offsite(self) -> list[str]:
        local = urlsplit(self.base_url).netloc
        return [u for u in self.requests
                if urlsplit(u).scheme not in ("data", "blob", "about")
                and urlsplit(u).netloc != local]

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def visit(browser_context, base_url):
    opened: list[PageVisit] = []

    def _open(path: str) -> PageVisit:
        v = PageVisit(browser_context, base_url, path)
        opened.append(v)
        return v

    yield _open
    for v in opened:
        v.close()


@pytest.mark.parametrize("page", ["index", *(f"{c}/{n}" for c, n in CHAPTER_PAGES.items())])
def test_page_loads_offline(visit, site_dir, screenshot_dir, page):
    v = visit(f"{page}.html")
    status = v.response.status if v.response else None
    assert v.response is not None and v.response.ok, f"{page}: HTTP {status}"
    name = page.replace("/", "__")
    v.page.screenshot(path=str(screenshot_dir / f"{name}.png"), full_page=True)
    v.page.screenshot(path=str(screenshot_dir / f"{name}-top.png"))  # 首屏，便于快速查看
    assert v.errors == [], f"{page}: 浏览器报错\n" + "\n".join(v.errors)
    offsite = v.offsite()
    assert offsite == [], f"{page}: 发往本站以外的请求（应当全部来自本站）\n" + "\n".join(offsite)
    html = (site_dir / f"{page}.html").read_text(encoding="utf-8")
    page_obj = v.page
    # 公式：页面有数学公式时，MathJax 必须已经把它们排好
    if 'class="math' in html:
        assert page_obj.locator("mjx-container").count() > 0, f"{page}: 公式没有被 MathJax 渲染"
        assert page_obj.locator(".math:not(:has(mjx-container))").count() == 0, \
            f"{page}: 有公式没有被渲染"
    # 图：单元格输出里的图都是 SVG，并且显示出来（宽高非零、已加载）
    for img in page_obj.locator(".cell_output img").all():
        src = img.get_attribute("src") or ""
        assert src.endswith(".svg"), f"{page}: 图不是 SVG：{src}"
        img.scroll_into_view_if_needed()
        box = img.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, f"{page}: 图不可见：{src}"
        loaded = img.evaluate("el => el.complete && el.naturalWidth > 0")
        assert loaded, f"{page}: 图没有加载：{src}"


def _has_svg_output(html: str) -> bool:
    """页面里有没有单元格输出的 SVG 图（插图也是 SVG，但不在 .cell_output 里）。"""
    from bs4 import BeautifulSoup

    return bool(BeautifulSoup(html, "html.parser").select(".cell_output img[src$='.svg']"))


def test_chapter_page_has_math_code_and_figures(visit, site_dir, screenshot_dir):
    """至少有一页同时有公式、代码、输出和图（否则上面的检查什么也没验证）。"""
    candidates = [p for p in _pages(site_dir) if p != "index"]
    found = []
    for page in candidates:
        html = (site_dir / f"{page}.html").read_text(encoding="utf-8")
        if 'class="math' in html and _has_svg_output(html):
            found.append(page)
    assert found, "构建里没有一页同时含公式、代码输出和 SVG 图"
    v = visit(f"{found[0]}.html")
    assert v.page.locator("mjx-container").count() > 0
    assert v.page.locator("div.cell div.highlight pre").count() > 0
    assert v.page.locator(".cell_output img[src$='.svg']").count() > 0
    # 一个带图的代码单元格（代码、输出和图）单独截图
    cell = v.page.locator("div.cell:has(.cell_output img[src$='.svg'])").first
    cell.scroll_into_view_if_needed()
    cell.screenshot(path=str(screenshot_dir / "figure-cell.png"))
    formula = v.page.locator("mjx-container[display='true']").first
    formula.scroll_into_view_if_needed()
    v.page.screenshot(path=str(screenshot_dir / "math-view.png"))


def _search(visit, term: str) -> tuple[PageVisit, list[str]]:
    v = visit(f"search.html?q={term}")
    v.page.wait_for_function(
        "() => { const s = document.querySelector('.search-summary');"
        " return s && s.innerText.trim().length > 0; }")
    hrefs = v.page.eval_on_selector_all("ul.search li a", "els => els.map(e => e.href)")
    docs = []
    for href in hrefs:
        path = urlsplit(href).path.lstrip("/")
        doc = re.sub(r"\.html$", "", path)
        if doc not in docs:
            docs.append(doc)
    return v, docs


def test_search_summaries_show_body_text(visit):
    """结果下的摘要来自正文，而不是页眉按钮（“亮色/暗色”）或页面目录。"""
    v, docs = _search(visit, "卷积")
    assert docs
    v.page.wait_for_function(
        "() => document.querySelectorAll('ul.search li p.context').length >= 3")
    summaries = v.page.eval_on_selector_all("ul.search li p.context",
                                            "els => els.map(e => e.innerText)")
    noisy = [t for t in summaries if "System Settings" in t or "亮色" in t]
    assert not noisy, f"摘要里混进了页眉按钮的文字：{noisy[:2]}"
    assert any("卷积" in t for t in summaries)


@pytest.mark.parametrize("term", list(SEARCH_EXPECTATIONS))
def test_chinese_search(visit, site_dir, screenshot_dir, term):
    expected = SEARCH_EXPECTATIONS[term]
    absent = [d for d in expected if not (site_dir / f"{d}.html").is_file()]
    assert not absent, f"构建里没有“{term}”应当找到的页面：{absent}"
    v, docs = _search(visit, term)
    v.page.screenshot(path=str(screenshot_dir / f"search-{term}.png"), full_page=False)
    assert v.errors == [], "\n".join(v.errors)
    assert v.offsite() == []
    assert docs, f"搜索“{term}”没有结果"
    n = TOP_N_FOR.get(term, TOP_N)
    top = docs[:n]
    assert any(d in top for d in expected), \
        f"搜索“{term}”的前 {n} 条结果 {top} 里没有 {expected}"
    missing = [d for d in expected if d not in docs]
    assert not missing, f"搜索“{term}”没有找到 {missing}；结果：{docs}"


def test_query_is_segmented_in_browser(visit):
    v, _ = _search(visit, "线性回归模型")
    words = v.page.evaluate("() => window.d2lSplitQuery('线性回归模型的损失函数')")
    assert "模型" in words and "损失函数" in words, words
    assert "的" not in words, words


def test_notebook_page_extras(visit, site_dir, base_url, browser_context):
    """复制按钮（不复制提示符和输出）、.ipynb 下载、“在本地运行”提示。"""
    page = next((p for p in _pages(site_dir)[1:]
                 if "d2l-run-locally" in (site_dir / f"{p}.html").read_text(encoding="utf-8")),
                None)
    if page is None:
        pytest.fail("没有一页带“在本地运行”提示（笔记本页面都应当有）")
    v = visit(f"{page}.html")
    assert v.page.locator(".d2l-run-locally").count() == 1
    # 主题的下载菜单里有 .ipynb，且文件能下载、是笔记本
    link = v.page.locator("a.btn[href$='.ipynb']").first
    href = link.get_attribute("href")
    assert href, "下载菜单里没有 .ipynb"
    response = v.page.request.get(urljoin(v.page.url, href))
    assert response.ok and '"nbformat"' in response.text()
    # 复制按钮
    assert v.page.locator("div.cell button.copybtn").count() > 0, "代码单元格没有复制按钮"


def test_copy_button_strips_prompts(visit, site_dir, browser_context, base_url):
    browser_context.grant_permissions(["clipboard-read", "clipboard-write"],
                                      origin=base_url.rstrip("/"))
    for page in _pages(site_dir)[1:]:
        html = (site_dir / f"{page}.html").read_text(encoding="utf-8")
        if "&gt;&gt;&gt;" not in html:
            continue
        v = visit(f"{page}.html")
        block = v.page.locator("div.highlight:has(span.gp)").first
        block.scroll_into_view_if_needed()
        block.hover()
        block.locator("button.copybtn").click()
        text = v.page.evaluate("() => navigator.clipboard.readText()")
        assert text.strip(), "复制的内容为空"
        assert ">>>" not in text, f"复制的内容含提示符：{text!r}"
        outputs = block.locator("span.go").all_inner_texts()
        assert not any(o.strip() and o.strip() in text.splitlines() for o in outputs), \
            f"复制的内容含输出：{text!r}"
        return
    pytest.fail("构建里没有带 >>> 提示符的代码块（书中的 doctest 块应当有）")


def test_exec_stats_page(visit, site_dir):
    if not (site_dir / "chapter_appendix" / "exec-stats.html").is_file():
        pytest.fail("构建里没有执行统计页 chapter_appendix/exec-stats.html")
    v = visit("chapter_appendix/exec-stats.html")
    headers = v.page.locator("table thead th").all_inner_texts()
    expected = ["页面", "执行时间", "方式", "用时（秒）", "状态", "来自缓存", "单位", "预算占用"]
    assert [h.strip() for h in headers] == expected, headers
    assert v.page.locator("table tbody tr").count() >= 1


def test_search_by_lecture_number(visit, site_dir):
    """课程对照：搜索“第 24 讲”找到 AlexNet 一节，标签就在它的标题下（_ext/d2l_course_map.py）。"""
    alexnet = "chapter_convolutional-modern/alexnet"
    if not (site_dir / f"{alexnet}.html").is_file():
        pytest.fail(f"构建里没有 {alexnet}.html")
    v, docs = _search(visit, "第 24 讲")
    assert v.errors == [], "\n".join(v.errors)
    assert docs[:1] == [alexnet], f"搜索“第 24 讲”的结果：{docs}"
    page = visit(f"{alexnet}.html")
    label = page.page.evaluate(
        "() => { const p = document.querySelector('p.d2l-course-label');"
        " return p && p.previousElementSibling && p.previousElementSibling.matches('h1')"
        " ? p.innerText : null; }")
    assert label and "第 24 讲" in label, label


def _mean_luminance(png: bytes) -> float:
    import io

    from PIL import Image

    gray = Image.open(io.BytesIO(png)).convert("L")
    return sum(gray.getdata()) / (255 * gray.width * gray.height)


def test_figures_and_plots_are_legible_in_dark_mode(visit, screenshot_dir):
    """暗色模式下，插图和 matplotlib 的图都显示在浅色底上（深色的线和字才看得清）。"""
    v = visit("chapter_convolutional-modern/resnet.html")
    v.page.evaluate("document.documentElement.dataset.theme = 'dark'")
    v.page.wait_for_timeout(300)
    body = v.page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert body != "rgb(255, 255, 255)", f"没有切换到暗色模式：{body}"
    figures = v.page.locator("img.d2l-fig").all()
    plots = v.page.locator(".cell_output img").all()
    assert figures and plots, "这一页应当既有插图又有 matplotlib 的图"
    for kind, images in (("插图", figures), ("matplotlib 图", plots)):
        for img in images:
            img.scroll_into_view_if_needed()
            luminance = _mean_luminance(img.screenshot())
            assert luminance > 0.6, f"暗色模式下{kind}的底色太暗（平均亮度 {luminance:.2f}）"
    v.page.locator("img.d2l-fig").first.scroll_into_view_if_needed()
    v.page.screenshot(path=str(screenshot_dir / "dark-mode-figures.png"))
