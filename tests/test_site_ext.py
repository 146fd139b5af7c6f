"""网站扩展 _ext/d2l_site.py 的单元测试（不需要浏览器）。"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))

import d2l_site  # noqa: E402


def test_glossary_terms_from_table():
    text = ("| 本书用语 | 英文 | 其他常见说法 |\n|---|---|---|\n"
            "| 汇聚（pooling） | pooling | 池化 |\n"
            "| 梯度消失 / 梯度爆炸 | vanishing / exploding gradients | |\n"
            "| softmax 回归 | softmax regression | |\n")
    assert d2l_site.glossary_terms(text) == ["汇聚", "池化", "梯度消失", "梯度爆炸"]


def test_search_dict_keeps_key_terms(tmp_path):
    path = d2l_site.write_search_dict(ROOT / "book", tmp_path / "dict.txt")
    words = path.read_text(encoding="utf-8").split()
    for term in ("深度学习", "卷积神经网络", "梯度消失", "注意力机制"):
        assert term in words
    assert len(words) == len(set(words))


def test_jieba_keeps_terms_whole(tmp_path):
    import jieba

    path = d2l_site.write_search_dict(ROOT / "book", tmp_path / "dict.txt")
    jieba.load_userdict(str(path))
    words = list(jieba.cut_for_search("卷积神经网络缓解了梯度消失吗？注意力机制呢？深度学习"))
    for term in ("卷积神经网络", "梯度消失", "注意力机制", "深度学习"):
        assert term in words, words


def test_newlines_between_chinese_characters_are_removed():
    from docutils import nodes

    text = "处理表格数据时，\n我们先标准化。\nThen English\n和中文"
    para = nodes.paragraph("", "", nodes.Text(text))
    code = nodes.literal_block("", "甲\n乙")
    # MyST 把软换行存成单独的 "\n" 文本节点
    soft = nodes.paragraph("", "", nodes.Text("权重。"), nodes.Text("\n"),
                           nodes.strong("", "注意力"), nodes.Text("\n"),
                           nodes.literal("", "d2l.plot"), nodes.Text("\n"), nodes.Text("画图"))
    doc = nodes.document(None, None)
    doc += [para, code, soft]
    d2l_site._join_cjk_lines(None, doc)
    assert para.astext() == "处理表格数据时，我们先标准化。\nThen English\n和中文"
    assert code.astext() == "甲\n乙"
    assert soft.astext() == "权重。注意力\nd2l.plot\n画图"
