"""附录的 API 参考页列出 d2lcode 的每个公开名字（按模块用 autodoc 生成）。"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import d2lcode

API_PAGE = Path(__file__).resolve().parent.parent / "book" / "chapter_appendix" / "api.md"


def documented_modules() -> set[str]:
    return set(re.findall(r"^\.\. automodule:: (d2lcode\.\w+)", API_PAGE.read_text("utf-8"),
                          flags=re.M))


def test_every_public_name_is_on_the_api_page():
    modules = documented_modules()
    missing = []
    for name in dir(d2lcode):
        obj = getattr(d2lcode, name)
        if name.startswith("_") or not callable(obj) or getattr(obj, "__module__", None) is None:
            continue
        module = obj.__module__
        if module.startswith("d2lcode.") and module not in modules:
            missing.append(f"{name}（{module}）")
    assert not missing, f"API 参考页缺少这些名字所在的模块：{missing}"


def test_documented_modules_export_their_names():
    for module_name in documented_modules():
        module = importlib.import_module(module_name)
        assert getattr(module, "__all__", None), f"{module_name} 没有 __all__，autodoc 会漏掉或多列"
        for name in module.__all__:
            assert getattr(module, name).__doc__, f"{module_name}.{name} 没有文档字符串"
