"""课程对照表 book/course_map.yaml 与扩展 _ext/d2l_course_map.py 的测试（不需要浏览器）。"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
sys.path.insert(0, str(ROOT / "_ext"))

import d2l_course_map as cm  # noqa: E402

# 本书涵盖的各讲（课程《动手学深度学习》v2 的讲次，见 issue 19）
IN_SCOPE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
            19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 37, 61, 62, 64, 65, 66, 67, 68]


@pytest.fixture(scope="module")
def course_map() -> cm.CourseMap:
    return cm.load_course_map(BOOK / cm.TABLE)


def _chapter_sections() -> set[str]:
    """正文各章的每一节：book/chapter_*/*.md，不含各章的 index.md、练习解答页和附录。"""
    return {p.relative_to(BOOK).with_suffix("").as_posix()
            for p in BOOK.glob("chapter_*/*.md")
            if p.name not in ("index.md", "solutions.md") and p.parent.name != "chapter_appendix"}


def test_every_mapped_section_exists(course_map):
    missing = [s for s in course_map.sections() if not (BOOK / f"{s}.md").is_file()]
    assert not missing, f"对照表里的这些页面不存在（改名了？）：{missing}"


def test_every_chapter_section_is_mapped_or_has_no_lecture(course_map):
    listed = course_map.sections()
    duplicated = sorted({s for s in listed if listed.count(s) > 1})
    assert not duplicated, f"这些节在对照表里出现了不止一次：{duplicated}"
    unlisted = sorted(_chapter_sections() - set(listed))
    assert not unlisted, f"这些节既没有对应的讲，也没有列在 no_lecture 里：{unlisted}"


def test_lectures_in_scope(course_map):
    numbers = [lec.number for lec in course_map.lectures]
    assert numbers == IN_SCOPE
    for lec in course_map.lectures:
        assert lec.title.strip() and lec.sections, lec
        assert "\n" not in lec.note, f"第 {lec.number} 讲的说明应当只有一行"


def test_special_cases_from_the_issue(course_map):
    by_number = {lec.number: lec for lec in course_map.lectures}
    assert by_number[24].sections == ("chapter_convolutional-modern/alexnet",)
    house_prices = by_number[15]
    assert any("penguin" in s for s in house_prices.sections) and house_prices.note
    no_lecture = {s for s, _ in course_map.no_lecture}
    assert {"chapter_convolutional-modern/densenet",
            "chapter_linear-networks/loss-functions"} <= no_lecture


def test_not_covered_ranges(course_map):
    ranges = cm.uncovered_ranges([lec.number for lec in course_map.lectures])
    assert ranges == [(1, 2), (18, 18), (30, 36), (38, 60), (63, 63), (69, None)]
    assert sorted(course_map.not_covered) == [first for first, _ in ranges]


def test_label_text(course_map):
    label = cm.label_text(course_map.lectures_of("chapter_convolutional-modern/alexnet"))
    assert label == "对应课程第 24 讲（C24）：深度卷积神经网络 AlexNet"
    assert cm.label_text(course_map.lectures_of("chapter_appendix/install")).startswith(
        "对应课程第 03 讲（C03）：安装")


def test_label_moved_next_to_title():
    """d2l_site 把“在本地运行”提示插在 </h1> 之后；标签应紧挨着标题。"""
    label = '<p class="d2l-course-label">对应课程第 24 讲（C24）：x</p>\n'
    hint = '<div class="admonition tip d2l-run-locally"><p>在本地运行</p></div>'
    context = {"body": f"<section><h1>AlexNet</h1>{hint}{label}<p>正文</p></section>"}
    cm._label_first(None, "p", "page.html", context, None)
    assert context["body"] == f"<section><h1>AlexNet</h1>{label}{hint}<p>正文</p></section>"


def test_pages_use_the_table():
    page = (BOOK / "chapter_appendix" / "course-map.md").read_text(encoding="utf-8")
    for part in cm.CourseMapDirective.PARTS:
        assert f"```{{course-map}} {part}" in page
    assert "course-map" in (BOOK / "chapter_appendix" / "index.md").read_text(encoding="utf-8")
    for linked_from in ("index.md", "chapter_appendix/install.md"):
        text = (BOOK / linked_from).read_text(encoding="utf-8")
        assert "course-map" in text, f"{linked_from} 里没有指向课程对照页的链接"


@pytest.mark.skipif(shutil.which("node") is None, reason="需要 Node.js")
def test_search_query_rewrite():
    """浏览器端：查询里的“第 24 讲”“第3讲”“c24”变成索引里的词 C24、C03。"""
    script = ("const window = {splitQuery: (q) => q.split(/\\s+/).filter(Boolean)};\n"
              + cm.SEARCH_JS
              + "\nconst queries = JSON.parse(process.argv[1]);\n"
              "console.log(JSON.stringify(queries.map((q) => window.splitQuery(q))));\n")
    queries = ["第 24 讲", "第3讲", "c24", "24 讲 AlexNet", "线性回归", "ResNet152", "第 124 讲"]
    out = subprocess.run(["node", "-e", script, json.dumps(queries)], check=True,
                         capture_output=True, text=True, timeout=60).stdout
    assert json.loads(out) == [["C24"], ["C03"], ["C24"], ["C24", "AlexNet"], ["线性回归"],
                               ["ResNet152"], ["第", "124", "讲"]]


def test_label_in_doctree_and_search_index(tmp_path):
    """在一个小项目上构建：标签在节标题下、在搜索索引里（词 c24 指向这一节），对照页有链接；
    被排除的页面（D2L_ONLY）在对照页上只写页面名，不报警告。"""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    src = tmp_path / "src"
    (src / "chapter_x").mkdir(parents=True)
    (src / "chapter_appendix").mkdir()
    (src / cm.TABLE).write_text(
        "lectures:\n"
        "  - {number: 24, title: 深度卷积神经网络 AlexNet, sections: [chapter_x/alexnet]}\n"
        "no_lecture:\n  - {section: chapter_x/densenet, note: 没有对应的讲}\n"
        "  - {section: chapter_y/excluded}\n"
        "not_covered:\n  1: 课程介绍\n  25: 其余各讲\n", encoding="utf-8")
    (src / "index.md").write_text(
        "# 书\n\n```{toctree}\nchapter_x/alexnet\nchapter_x/densenet\n"
        "chapter_appendix/course-map\n```\n", encoding="utf-8")
    (src / "chapter_x" / "alexnet.md").write_text("# AlexNet\n\n正文。\n", encoding="utf-8")
    (src / "chapter_x" / "densenet.md").write_text("# DenseNet\n\n正文。\n", encoding="utf-8")
    (src / "chapter_y").mkdir()
    (src / "chapter_y" / "excluded.md").write_text("# 不构建\n", encoding="utf-8")
    shutil.copy(BOOK / "chapter_appendix" / "course-map.md", src / "chapter_appendix")
    (src / "conf.py").write_text(
        "extensions = ['myst_parser', 'd2l_course_map']\nlanguage = 'zh_CN'\n"
        "exclude_patterns = ['chapter_y/**']\n", encoding="utf-8")
    out = tmp_path / "html"
    with docutils_namespace():  # 构建结束后撤销它在 docutils 里注册的指令和角色
        app = Sphinx(str(src), str(src), str(out), str(tmp_path / "doctrees"), "html",
                     status=None, warning=None, freshenv=True, warningiserror=True)
        app.build()

    page = (out / "chapter_x" / "alexnet.html").read_text(encoding="utf-8")
    label = re.search(r'<p class="d2l-course-label">(.*?)</p>', page)
    assert label and label.group(1) == "对应课程第 24 讲（C24）：深度卷积神经网络 AlexNet"
    assert page.index("</h1>") < label.start()
    assert "d2l-course-label" not in (out / "chapter_x" / "densenet.html").read_text("utf-8")

    index = (out / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    docs = data["terms"]["c24"]
    docs = docs if isinstance(docs, list) else [docs]
    assert [data["docnames"][i] for i in docs] == ["chapter_x/alexnet"]

    course = (out / "chapter_appendix" / "course-map.html").read_text(encoding="utf-8")
    assert 'href="../chapter_x/alexnet.html"' in course and "AlexNet" in course
    assert "第 01–23 讲" in course and "第 25 讲及以后：其余各讲" in course
    assert 'href="../chapter_x/densenet.html"' in course and "没有对应的讲" in course
    assert "chapter_y/excluded" in course


def test_missing_page_is_a_warning(tmp_path):
    """对照表里的页面改了名而表没改：构建时报警告（-W 下构建失败）。"""
    import io

    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    src = tmp_path / "src"
    src.mkdir()
    (src / cm.TABLE).write_text(
        "lectures:\n  - {number: 24, title: AlexNet, sections: [chapter_x/alexnet-old]}\n",
        encoding="utf-8")
    (src / "index.md").write_text("# 书\n", encoding="utf-8")
    (src / "conf.py").write_text("extensions = ['myst_parser', 'd2l_course_map']\n",
                                 encoding="utf-8")
    warnings = io.StringIO()
    with docutils_namespace():
        app = Sphinx(str(src), str(src), str(tmp_path / "html"), str(tmp_path / "doctrees"),
                     "html", status=None, warning=warnings, freshenv=True)
        app.build()
    assert "chapter_x/alexnet-old 不存在" in warnings.getvalue()
