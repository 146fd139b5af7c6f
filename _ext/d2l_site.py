"""本书网站的小扩展（在 conf.py 的 extensions 里以 ``d2l_site`` 启用）。

1. 中文搜索的 jieba 用户词典：从附录术语表（book/chapter_appendix/glossary.md）的表格里
   取出“本书用语”和“其他常见说法”，再加上几个常用词，写成 jieba 词典，
   让“深度学习”“卷积神经网络”“梯度消失”“注意力机制”这样的术语在索引里保持完整。
2. 下载 .ipynb：myst-nb 把执行后的笔记本写在 ``<输出目录>/../jupyter_execute``；
   这里把它复制到 ``_sources/<页面>.ipynb``，主题的下载按钮就会多出 “.ipynb” 一项。
3. “在本地运行”提示：每个笔记本页面的标题下插入一个小提示框，写明下载和运行的命令。
4. 执行统计表（``{nb-exec-table}``）：表头改成中文，加上“来自缓存”“单位”“预算占用”三列。
5. 中文排版：去掉正文中夹在两个汉字之间的换行（浏览器会把它显示成多余的空格）。
（页面的执行、缓存和计算预算在 _ext/d2l_exec.py。）

第 1–4 项只在主进程里、写 HTML 时进行，第 5 项在各进程读入页面时进行，``-j 2`` 并行构建安全。
"""

from __future__ import annotations

import html
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import d2l_exec
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform

GLOSSARY = Path("chapter_appendix") / "glossary.md"
# 术语表之外也希望在索引里保持完整的词
EXTRA_TERMS = [
    "深度学习", "机器学习", "神经网络", "卷积神经网络", "卷积层", "全连接层", "汇聚层",
    "循环神经网络", "注意力", "自注意力", "多头注意力", "线性回归", "线性模型",
    "优化算法", "训练集", "数据集", "小批量", "随机梯度下降",
]
_HEADERS = {"本书用语", "其他常见说法", "英文"}
_CJK = re.compile(r"[\u3400-\u9fff]")
_PAREN = re.compile(r"[（(][^）)]*[）)]")


def glossary_terms(text: str) -> list[str]:
    """从术语表的 Markdown 表格中取出可作为 jieba 词条的中文术语（不含空格）。

    >>> glossary_terms("| 汇聚（pooling） | pooling | 池化 |\\n| 卷积 / 互相关运算 | x | |")
    ['汇聚', '池化', '卷积', '互相关运算']
    """
    terms: list[str] = []
    for line in text.splitlines():
        if not line.startswith("|") or set(line) <= set("|- "):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        for cell in (cells[0], cells[-1]) if len(cells) > 1 else ():
            for part in re.split(r"\s*[/、，,]\s*", _PAREN.sub("", cell)):
                part = part.strip()
                if len(part) >= 2 and _CJK.search(part) and " " not in part \
                        and part not in terms and part not in _HEADERS:
                    terms.append(part)
    return terms


def write_search_dict(srcdir: Path, target: Path) -> Path:
    """写 jieba 用户词典（每行一个词，不给词频：jieba 会取足以保持整词的词频）。"""
    glossary = srcdir / GLOSSARY
    terms = glossary_terms(glossary.read_text(encoding="utf-8")) if glossary.is_file() else []
    terms += [t for t in EXTRA_TERMS if t not in terms]
    target.parent.mkdir(parents=True, exist_ok=True)
    content = "".join(f"{t}\n" for t in terms)
    if not target.is_file() or target.read_text(encoding="utf-8") != content:
        target.write_text(content, encoding="utf-8")
    return target


def _config_inited(app: Sphinx, config: Config) -> None:
    options = dict(config.html_search_options or {})
    if "dict" not in options:  # conf.py 里显式给了词典就用它
        target = Path(app.doctreedir) / "d2l-search-dict.txt"
        options["dict"] = str(write_search_dict(Path(app.srcdir), target))
        config.html_search_options = options


def _is_notebook(app: Sphinx, pagename: str) -> bool:
    return "kernelspec" in app.env.metadata.get(pagename, {})


def _page_context(app: Sphinx, pagename: str, templatename: str,
                  context: dict[str, Any], doctree: Any) -> None:
    if app.builder.format != "html" or doctree is None or not _is_notebook(app, pagename):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    ipynb_link = ""
    if executed.is_file():
        target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(executed, target)
        context["ipynb_source"] = f"{pagename}.ipynb"  # sphinx-book-theme 据此显示 .ipynb 下载
        href = context["pathto"](f"_sources/{pagename}.ipynb", 1)
        name = html.escape(Path(pagename).name)
        ipynb_link = (f'下载本页的笔记本 <a class="reference download" href="{html.escape(href)}" '
                      f'download><code>{name}.ipynb</code></a>（含输出），'
                      f'用 <code>jupyter lab {name}.ipynb</code> 打开；或')
    source = html.escape(str(Path(app.srcdir).name) + "/" + pagename + ".md")
    hint = (
        '<div class="admonition tip d2l-run-locally">'
        '<p class="admonition-title">在本地运行</p>'
        f'<p>本页是一个可执行的笔记本。{ipynb_link}在本书仓库的根目录运行 '
        f'<code>python tests/pagerun.py {source}</code> 执行整页并查看每个单元格的用时'
        '（环境的准备见附录“安装与环境配置”）。全书的笔记本和 d2lcode 的安装文件见 '
        f'<a href="{html.escape(context["pathto"]("chapter_appendix/downloads"))}">下载</a>页。'
        '</p></div>'
    )
    body = context.get("body", "")
    end = body.find("</h1>")
    if end != -1:
        end += len("</h1>")
        context["body"] = body[:end] + hint + body[end:]


# 本次构建开始的时刻（nox -s build-docs 在预执行之前记下它；直接运行 sphinx-build 时就是现在）
_BUILD_START = float(os.environ.get("D2L_BUILD_START") or time.time())
EXEC_HEADERS = ["页面", "执行时间", "方式", "用时（秒）", "状态", "来自缓存", "单位",
                "预算占用"]


class ExecStatsTable(SphinxPostTransform):
    """在 myst-nb 自己的转换（优先级 8）之前生成执行统计表：中文表头，加“来自缓存”一列。

    一页的结果若早于本次构建开始时写入缓存，说明本次构建没有执行它，而是取自执行缓存。
    """

    default_priority = 7

    def run(self, **kwargs: Any) -> None:
        from myst_nb.ext.execution_tables import ExecutionStatsNode, make_stat_table
        from myst_nb.sphinx_ import NbMetadataCollector

        for node in list(self.document.findall(ExecutionStatsNode)):
            metadata = NbMetadataCollector.get_doc_data(self.env)
            table = make_stat_table(self.env.docname, metadata)
            table["classes"].append("d2l-exec-stats")  # d2l.css 只对这张表右对齐数字列
            tgroup = next(iter(table.findall(nodes.tgroup)))
            extra = len(EXEC_HEADERS) - tgroup["cols"]
            tgroup["cols"] += extra
            for _ in range(extra):
                tgroup.insert(len(list(tgroup.findall(nodes.colspec, descend=False))),
                              nodes.colspec(colwidth=10))
            head = next(iter(tgroup.findall(nodes.thead)))[0]
            for _ in range(extra):
                head.append(nodes.entry("", nodes.paragraph()))
            for entry, text in zip(head.children, EXEC_HEADERS, strict=True):
                entry.replace(entry[0], nodes.paragraph(text=text))
            units = d2l_exec.load_units(Path(self.config.nb_execution_cache_path))
            rows = iter(next(iter(tgroup.findall(nodes.tbody))).children)
            for docname in sorted(metadata):
                data = metadata[docname].get("exec_data")
                if not data:
                    continue
                cached = bool(data.get("mtime")) and data["mtime"] < _BUILD_START
                record = units.get(docname)
                cost = record["seconds"] / record["unit_seconds"] if record else None
                cells = ["是" if cached else "否",
                         "" if cost is None else f"{cost:.1f}",
                         "" if cost is None else _budget_use(cost)]
                row = next(rows)
                for text in cells:
                    row.append(nodes.entry("", nodes.paragraph(text=text)))
            node.replace_self(table)


def _budget_use(units: float) -> str:
    share = units / d2l_exec.PAGE_BUDGET
    return f"{share:.0%}" + ("（超出预算）" if share > 1 else "")


# 两个汉字（或中文标点）之间的换行：源文件里为了行宽折的行，浏览器会把它显示成一个多余的空格
_CJK_CHARS = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CJK_NEWLINE = re.compile(rf"(?<=[{_CJK_CHARS}])[ \t]*\n[ \t]*(?=[{_CJK_CHARS}])")
_KEEP_NEWLINES = (nodes.FixedTextElement, nodes.literal, nodes.math, nodes.raw, nodes.comment)


def _join_cjk_lines(app: Sphinx, doctree: nodes.document) -> None:
    """去掉正文中夹在两个汉字之间的换行（代码、公式和原始 HTML 不动）。

    MyST 把源文件里的软换行单独存成一个 ``"\\n"`` 文本节点，所以除了文本内部的换行，
    还要看这种节点前后相邻节点的最后一个和第一个字符。
    """
    for text in list(doctree.findall(nodes.Text)):
        parent = text.parent
        if parent is None or "\n" not in text:
            continue
        if any(isinstance(a, _KEEP_NEWLINES) for a in _ancestors(parent)):
            continue
        if not text.strip():
            i = parent.index(text)
            before = parent[i - 1].astext()[-1:] if i > 0 else ""
            after = parent[i + 1].astext()[:1] if i + 1 < len(parent) else ""
            joined = "" if _CJK_NEWLINE.match(f"{before}\n{after}", 1) else str(text)
        else:
            joined = _CJK_NEWLINE.sub("", str(text))
        if joined != text:
            parent.replace(text, nodes.Text(joined))


def _ancestors(node: nodes.Node):
    while node is not None:
        yield node
        node = node.parent


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _config_inited)
    app.connect("doctree-read", _join_cjk_lines)
    app.add_post_transform(ExecStatsTable)
    # 在 sphinx-book-theme 生成下载按钮（priority=501）之前运行
    app.connect("html-page-context", _page_context, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
