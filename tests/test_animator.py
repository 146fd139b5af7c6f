"""d2lcode.animator 的单元测试：三种显示方式（终端文字、构建、Jupyter 内核）。"""

from __future__ import annotations

import sys
import types

import pytest

import d2lcode as d2l
from d2lcode import animator as animator_module
from d2lcode import plt


def test_text_mode_prints_progress(capsys):
    an = d2l.Animator(xlabel="轮", legend=["训练损失", "训练精度"])
    an.add(3, (0.4123, 0.8531))
    an.add(3.5, (None, 0.9))
    an.show()
    out, err = capsys.readouterr()
    assert out.splitlines() == ["轮 3：训练损失 0.412，训练精度 0.853", "轮 3.50：训练精度 0.900"]
    assert err == ""


def test_points_and_none_values():
    an = d2l.Animator(legend=["a", "b"])
    an.add(1, (1.0, None))
    an.add([2, 2], [2.0, 5.0])
    an.show()
    assert an.X == [[1.0, 2.0], [2.0]] and an.Y == [[1.0, 2.0], [5.0]]
    lines = an.axes[0].get_lines()
    assert [len(line.get_xdata()) for line in lines] == [2, 1]
    assert [t.get_text() for t in an.axes[0].get_legend().get_texts()] == ["a", "b"]


def test_scalar_y_and_labels_without_legend(capsys):
    an = d2l.Animator(xlabel="步", ylabel="损失", xlim=[0, 4], yscale="log", nrows=1, ncols=2)
    an.add(1, 0.5)
    an.show()
    assert capsys.readouterr().out.strip() == "步 1：损失 0.500"
    assert len(an.axes) == 2
    assert an.axes[0].get_yscale() == "log" and an.axes[0].get_xlim() == (0, 4)


def test_figure_is_not_managed_by_pyplot_under_agg():
    before = plt.get_fignums()
    an = d2l.Animator()
    an.add(1, 1)
    an.show()
    assert plt.get_fignums() == before  # 不留下 pyplot 的图，也不调用 plt.show()


def test_add_errors():
    an = d2l.Animator()
    with pytest.raises(ValueError, match="一样多"):
        an.add([1, 2, 3], (1, 2))
    an.add(1, (1, 2))
    with pytest.raises(ValueError, match="每次应给同样多"):
        an.add(2, (1, 2, 3))


def test_display_mode_build_and_text(monkeypatch):
    monkeypatch.delenv("D2L_BUILD", raising=False)
    assert d2l.display_mode() == "text"
    monkeypatch.setenv("D2L_BUILD", "1")
    assert d2l.display_mode() == "build"


class FakeHandle:
    def __init__(self, log):
        self.log = log

    def update(self, obj):
        self.log.append(("update", obj))


@pytest.fixture
def fake_kernel(monkeypatch):
    """假装运行在 Jupyter 内核里，记录 display / update 的调用。"""
    log: list = []

    def display(obj, display_id=False):
        log.append(("display", obj))
        return FakeHandle(log) if display_id else None

    shell = types.SimpleNamespace(kernel=object())
    fake_ipython = types.ModuleType("IPython")
    fake_ipython.get_ipython = lambda: shell
    fake_display = types.ModuleType("IPython.display")
    fake_display.display = display
    fake_ipython.display = fake_display
    monkeypatch.setitem(sys.modules, "IPython", fake_ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", fake_display)
    return log


def test_live_mode_updates_one_figure_in_place(fake_kernel, monkeypatch, capsys):
    monkeypatch.delenv("D2L_BUILD", raising=False)
    an = d2l.Animator(legend=["损失"])
    assert an.mode == "live"
    for x in range(3):
        an.add(x, 1.0 / (x + 1))
    an.show()
    an.show()  # 重复调用不再显示
    assert [kind for kind, _ in fake_kernel] == ["display", "update", "update", "update"]
    assert all(obj is an.fig for _, obj in fake_kernel)
    assert capsys.readouterr().out == ""


def test_build_mode_displays_exactly_one_final_figure(fake_kernel, monkeypatch, capsys):
    monkeypatch.setenv("D2L_BUILD", "1")
    an = d2l.Animator()
    for x in range(5):
        an.add(x, x)
    assert fake_kernel == []  # 过程中什么也不画
    an.show()
    assert [kind for kind, _ in fake_kernel] == ["display"]
    assert len(an.axes[0].get_lines()[0].get_xdata()) == 5
    assert capsys.readouterr().out == ""


def test_build_mode_outside_kernel_is_silent(monkeypatch, capsys):
    monkeypatch.setenv("D2L_BUILD", "1")
    an = d2l.Animator()
    an.add(1, 1)
    an.show()
    assert capsys.readouterr() == ("", "")


def test_interactive_backend_shows_with_pyplot(monkeypatch):
    calls = []
    monkeypatch.setattr(animator_module, "_interactive_backend", lambda: True)
    monkeypatch.setattr(plt, "show", lambda *a, **k: calls.append("show"))
    an = d2l.Animator()
    an.add(1, 1)
    an.show()
    assert calls == ["show"]
    assert an.fig.number in plt.get_fignums()


def test_interactive_backend_check():
    assert animator_module._interactive_backend() is False  # 测试里是 Agg


def test_real_kernel_shows_exactly_one_figure_per_cell(monkeypatch):
    import nbclient
    import nbformat
    monkeypatch.delenv("D2L_BUILD", raising=False)
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    code = ("import os, d2lcode as d2l\nos.environ['D2L_BUILD'] = '{}'\n"
            "an = d2l.Animator(xlabel='轮', legend=['训练损失'])\n"
            "for i in range(3):\n    an.add(i + 1, 1 / (i + 1))\nan.show()")
    cells = [nbformat.v4.new_code_cell(code.format(b)) for b in ("0", "1")]  # 内核里、构建时
    nb = nbformat.v4.new_notebook(cells=cells)
    nbclient.NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    for cell in nb.cells:
        assert [o.output_type for o in cell.outputs] == ["display_data"]
        assert "image/svg+xml" in cell.outputs[0].data
