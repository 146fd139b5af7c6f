"""课程对照（在 conf.py 的 extensions 里以 ``d2l_course_map`` 启用）。

视频课程《动手学深度学习》v2 的各讲与本书各节的对照只写在一处：``book/course_map.yaml``。
由它生成：

1. 附录“课程对照”页的内容：``{course-map} lectures``（各讲 → 本书的节，附一句说明）、
   ``{course-map} no-lecture``（没有对应课程的节）、``{course-map} not-covered``（本书不讲的各讲）。
2. 每个对应某一讲的节，标题下的一行小字“对应课程第 24 讲（C24）：深度卷积神经网络 AlexNet”。
   它在读入页面时插进 doctree（不改页面源文件，笔记本的执行缓存不受影响），
   所以搜索索引里也有它。
3. 搜索“第 24 讲”：Sphinx 的搜索丢掉纯数字的查询词，单个汉字也不进索引，
   因此标签里带一个词 ``C24``（学习者记笔记的写法），浏览器端把查询里的“第 24 讲”“24讲”“C24”
   都换成这个词（一段接在 d2l-search.js 之后的小脚本）。

读入页面时的工作在各进程里各自完成，不在环境里存数据，``-j 2`` 并行构建安全。
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

TABLE = "course_map.yaml"  # 相对于源目录 book/
PAGE = "chapter_appendix/course-map"
LABEL_CLASS = "d2l-course-label"


@dataclass(frozen=True)
class Lecture:
    number: int
    title: str
    sections: tuple[str, ...]
    note: str = ""

    @property
    def token(self) -> str:
        """搜索用的词：C03、C24。"""
        return lecture_token(self.number)


@dataclass(frozen=True)
class CourseMap:
    lectures: tuple[Lecture, ...]
    no_lecture: tuple[tuple[str, str], ...]  # (节, 说明)
    not_covered: dict[int, str]  # 区间的第一讲 -> 内容提要

    def lectures_of(self, docname: str) -> list[Lecture]:
        return [lec for lec in self.lectures if docname in lec.sections]

    def sections(self) -> list[str]:
        """表里出现的全部节（先是各讲的，再是没有对应课程的），按出现顺序。"""
        return [s for lec in self.lectures for s in lec.sections] + [s for s, _ in self.no_lecture]


def lecture_token(number: int) -> str:
    """
    >>> lecture_token(3), lecture_token(24)
    ('C03', 'C24')
    """
    return f"C{number:02d}"


def parse_course_map(data: dict[str, Any]) -> CourseMap:
    lectures = tuple(
        Lecture(int(item["number"]), str(item["title"]), tuple(item["sections"]),
                str(item.get("note") or ""))
        for item in data["lectures"])
    no_lecture = tuple((str(item["section"]), str(item.get("note") or ""))
                       for item in data.get("no_lecture") or [])
    not_covered = {int(k): str(v) for k, v in (data.get("not_covered") or {}).items()}
    return CourseMap(lectures, no_lecture, not_covered)


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> CourseMap:
    return parse_course_map(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


def load_course_map(path: Path) -> CourseMap:
    """读对照表（文件没变就用上次读到的）。"""
    return _load(str(path), path.stat().st_mtime_ns)


def uncovered_ranges(numbers: list[int]) -> list[tuple[int, int | None]]:
    """本书不讲的各讲：从第 1 讲起、各讲之间的空缺，最后一段没有上限（None）。

    >>> uncovered_ranges([3, 4, 5, 17, 19, 29, 37, 64, 68])
    [(1, 2), (6, 16), (18, 18), (20, 28), (30, 36), (38, 63), (65, 67), (69, None)]
    """
    ranges: list[tuple[int, int | None]] = []
    previous = 0
    for n in sorted(numbers):
        if n > previous + 1:
            ranges.append((previous + 1, n - 1))
        previous = n
    ranges.append((previous + 1, None))
    return ranges


def range_text(first: int, last: int | None) -> str:
    """
    >>> range_text(1, 2), range_text(18, 18), range_text(69, None)
    ('第 01–02 讲', '第 18 讲', '第 69 讲及以后')
    """
    if last is None:
        return f"第 {first:02d} 讲及以后"
    if last == first:
        return f"第 {first:02d} 讲"
    return f"第 {first:02d}–{last:02d} 讲"


def label_text(lectures: list[Lecture]) -> str:
    """节标题下的标签。

    >>> label_text([Lecture(24, "深度卷积神经网络 AlexNet", ("x",))])
    '对应课程第 24 讲（C24）：深度卷积神经网络 AlexNet'
    """
    return "对应课程" + "；".join(
        f"第 {lec.number:02d} 讲（{lec.token}）：{lec.title}" for lec in lectures)


# --- 节标题下的标签 -----------------------------------------------------------------


def _table_path(srcdir: str | Path) -> Path:
    return Path(srcdir) / TABLE


def _add_label(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    if not docname.startswith("chapter_"):
        return
    table = _table_path(app.srcdir)
    if not table.is_file():
        return
    app.env.note_dependency(str(table))  # 表一改，各节重新读入（标签可能变了）
    lectures = load_course_map(table).lectures_of(docname)
    section = next(iter(doctree.findall(nodes.section)), None)
    if not lectures or section is None:
        return
    title = next(iter(section.findall(nodes.title)), None)
    position = section.index(title) + 1 if title is not None and title.parent is section else 0
    section.insert(position, nodes.paragraph(text=label_text(lectures), classes=[LABEL_CLASS]))


_LABEL_HTML = re.compile(rf'<p class="{LABEL_CLASS}">.*?</p>\n?', re.S)


def _label_first(app: Sphinx, pagename: str, templatename: str,
                 context: dict[str, Any], doctree: Any) -> None:
    """d2l_site 在 </h1> 之后插入“在本地运行”提示；把标签挪回紧挨标题的位置。"""
    body = context.get("body", "")
    label = _LABEL_HTML.search(body)
    end = body.find("</h1>")
    if label is None or end == -1 or label.start() < end:
        return
    end += len("</h1>")
    if body[end:label.start()].strip():
        context["body"] = (body[:end] + label.group(0) + body[end:label.start()]
                           + body[label.end():])


# --- 课程对照页：{course-map} 指令 ---------------------------------------------------


class CourseMapDirective(SphinxDirective):
    """``{course-map} lectures | no-lecture | not-covered``：从对照表生成课程对照页的一部分。"""

    required_arguments = 1
    option_spec = {"class": directives.class_option}
    PARTS = ("lectures", "no-lecture", "not-covered")

    def run(self) -> list[nodes.Node]:
        part = self.arguments[0]
        if part not in self.PARTS:
            raise self.error(f"course-map 的参数应为 {' / '.join(self.PARTS)}，而不是 {part!r}")
        table = _table_path(self.env.srcdir)
        self.env.note_dependency(str(table))
        course_map = load_course_map(table)
        if part == "lectures":
            return [self._lectures(course_map)]
        if part == "no-lecture":
            return [self._no_lecture(course_map)]
        return [self._not_covered(course_map)]

    def _section_ref(self, docname: str) -> nodes.Node:
        """指向一节的链接，文字是该节的标题；D2L_ONLY 排除了它时只写页面名。"""
        if docname not in self.env.found_docs:  # 不存在的页面由 _check_table 报告
            return nodes.literal(text=docname)
        ref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=f"/{docname}",
                                    refexplicit=False, refwarn=True, refdoc=self.env.docname)
        ref += nodes.inline(text=docname)
        return ref

    def _lectures(self, course_map: CourseMap) -> nodes.table:
        rows = []
        for lec in course_map.lectures:
            sections = [nodes.paragraph("", "", self._section_ref(s)) for s in lec.sections]
            rows.append([[nodes.paragraph(text=f"{lec.number:02d}")],
                         [nodes.paragraph(text=lec.title)],
                         sections,
                         [nodes.paragraph(text=lec.note)] if lec.note else []])
        return _table(["讲", "课程内容", "本书的节", "说明"], [8, 28, 32, 32], rows)

    def _no_lecture(self, course_map: CourseMap) -> nodes.bullet_list:
        items = nodes.bullet_list()
        for docname, note in course_map.no_lecture:
            para = nodes.paragraph("", "", self._section_ref(docname))
            if note:
                para += nodes.Text(f"：{note}")
            items += nodes.list_item("", para)
        return items

    def _not_covered(self, course_map: CourseMap) -> nodes.bullet_list:
        items = nodes.bullet_list()
        for first, last in uncovered_ranges([lec.number for lec in course_map.lectures]):
            text = range_text(first, last)
            if first in course_map.not_covered:
                text += f"：{course_map.not_covered[first]}"
            items += nodes.list_item("", nodes.paragraph(text=text))
        return items


def _table(headers: list[str], widths: list[int],
           rows: list[list[list[nodes.Node]]]) -> nodes.table:
    table = nodes.table(classes=["d2l-course-map"])
    tgroup = nodes.tgroup(cols=len(headers))
    table += tgroup
    tgroup += [nodes.colspec(colwidth=w) for w in widths]
    thead = nodes.thead()
    thead += nodes.row("", *(nodes.entry("", nodes.paragraph(text=h)) for h in headers))
    tbody = nodes.tbody()
    for cells in rows:
        tbody += nodes.row("", *(nodes.entry("", *cell) for cell in cells))
    tgroup += [thead, tbody]
    return table


def _check_table(app: Sphinx, env: Any, docnames: list[str]) -> None:
    """对照表里的页面都得存在（被 D2L_ONLY 排除的章节除外：文件在，只是这次不构建）。"""
    table = _table_path(app.srcdir)
    if not table.is_file():
        logger.warning("找不到课程对照表 %s", table)
        return
    for docname in load_course_map(table).sections():
        if docname in env.found_docs:
            continue
        srcdir = Path(app.srcdir)
        if not any((srcdir / f"{docname}{s}").is_file() for s in app.config.source_suffix):
            logger.warning("课程对照表 %s 里的页面 %s 不存在（改名了？）", TABLE, docname)


# --- 搜索：“第 24 讲” → C24 ------------------------------------------------------------

SEARCH_JS = r"""
(function () {
  "use strict";
  // 课程对照（_ext/d2l_course_map.py）：把查询里的“第 24 讲”“24讲”“c3”换成索引里的词 C24、C03
  const inner = window.splitQuery;
  if (typeof inner !== "function") return;
  const LECTURE = /第?\s*(?<!\p{N})(\d{1,2})\s*讲|(?<![\p{L}\p{N}_])[Cc](\d{1,2})(?!\p{N})/gu;
  const token = (n) => " C" + String(Number(n)).padStart(2, "0") + " ";
  window.splitQuery = (query) => inner(query.replace(LECTURE, (m, a, b) => token(a || b)));
})();
"""


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("course-map", CourseMapDirective)
    app.connect("doctree-read", _add_label)
    app.connect("env-before-read-docs", _check_table)
    app.connect("html-page-context", _label_first, priority=450)  # 在 d2l_site（400）之后
    app.add_js_file(None, body=SEARCH_JS, priority=201)  # 紧接在 d2l-search.js（200）之后
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
