"""训练过程中的动态曲线 :class:`Animator`。

同一段代码在三种环境里各有合适的表现（由 :func:`display_mode` 判断）：

* ``live`` ：在 Jupyter 内核里，每次 :meth:`Animator.add` 都原地更新同一张图；
* ``build`` ：设置了环境变量 ``D2L_BUILD=1`` （构建本书时执行页面），过程中什么也不画，
  :meth:`Animator.show` 时只显示最终的一张图；
* ``text`` ：在终端或脚本里，每次 ``add`` 打印一行文字进度，``show`` 时只有交互式
  matplotlib 后端才弹出图窗。
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import matplotlib
from matplotlib.figure import Figure

from .plot import _cycle, plt, set_axes, use_svg_display

__all__ = ["Animator", "display_mode"]


def _in_kernel() -> bool:
    """是否运行在 Jupyter 内核里（没导入过 IPython 时不去导入它）。"""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def display_mode() -> str:
    """当前的显示方式：``"build"`` （``D2L_BUILD=1``）、``"live"`` （Jupyter）或 ``"text"``。

    >>> display_mode()  # 在 pytest / 终端里
    'text'
    """
    if os.environ.get("D2L_BUILD", "").strip().lower() in ("1", "true", "yes", "on"):
        return "build"
    return "live" if _in_kernel() else "text"


def _interactive_backend() -> bool:
    """当前 matplotlib 后端能否弹出图窗（Agg、inline 等不能）。"""
    backend = matplotlib.get_backend().lower()
    try:
        from matplotlib.backends import BackendFilter, backend_registry
    except ImportError:  # matplotlib < 3.9
        from matplotlib.rcsetup import interactive_bk as names
    else:
        names = backend_registry.list_builtin(BackendFilter.INTERACTIVE)
    return backend in {n.lower() for n in names}


def _as_list(value) -> list:
    """一组数转成列表；单个数（或 ``None``）包成只有一项的列表。"""
    return list(value) if hasattr(value, "__len__") else [value]


def _number(value: float) -> str:
    """进度行里的横坐标：整数不带小数点。"""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.2f}"


class Animator:
    """在训练过程中逐点画曲线；训练结束时调用 :meth:`show` 显示最终的图。

    ``add(x, y)`` 的 ``y`` 可以是一个数或一组数（每条曲线一个，``None`` 表示这次不加点），
    ``x`` 可以是一个数（各曲线共用）或一组数。``fig`` 和 ``axes`` 属性是图和子图列表。

    >>> animator = Animator(xlabel="轮", xlim=[1, 3], legend=["训练损失", "测试精度"])
    >>> for epoch in range(1, 4):
    ...     animator.add(epoch, (1 / epoch, None if epoch < 3 else 0.8))
    轮 1：训练损失 1.000
    轮 2：训练损失 0.500
    轮 3：训练损失 0.333，测试精度 0.800
    >>> animator.show()
    >>> [len(line.get_xdata()) for line in animator.axes[0].get_lines()]
    [3, 1]
    """

    def __init__(self, xlabel: str | None = None, ylabel: str | None = None,
                 legend: Sequence[str] | None = None, xlim=None, ylim=None,
                 xscale: str = "linear", yscale: str = "linear",
                 fmts: Sequence[str] = ("-", "m--", "g-.", "r:"), nrows: int = 1,
                 ncols: int = 1, figsize: tuple[float, float] = (3.5, 2.5)):
        use_svg_display()
        self.mode = display_mode()
        self.xlabel, self.ylabel = xlabel, ylabel
        self.legend = list(legend) if legend else []
        self.fmts = fmts
        self._axes_config = {"xlabel": xlabel, "ylabel": ylabel, "xlim": xlim, "ylim": ylim,
                             "xscale": xscale, "yscale": yscale, "legend": self.legend}
        # 只有终端里的交互式后端才需要 pyplot 管理的图；其余情况用独立的 Figure，
        # Jupyter 不会在单元格结束时再自动显示它一次。
        if self.mode == "text" and _interactive_backend():
            self.fig = plt.figure(figsize=figsize)
        else:
            self.fig = Figure(figsize=figsize)
        self.axes = list(self.fig.subplots(nrows, ncols, squeeze=False).flatten())
        # 每条曲线一对 (横坐标列表, 纵坐标列表)；第一次 add 时才知道有几条
        self._curves: list[tuple[list[float], list[float]]] | None = None
        self._handle = None
        self._shown = False

    @property
    def X(self) -> list[list[float]] | None:
        """各条曲线的横坐标（还没有加过点时为 ``None``）。"""
        return None if self._curves is None else [xs for xs, _ in self._curves]

    @property
    def Y(self) -> list[list[float]] | None:
        """各条曲线的纵坐标（还没有加过点时为 ``None``）。"""
        return None if self._curves is None else [ys for _, ys in self._curves]

    def add(self, x, y) -> None:
        """给每条曲线加一个点；``y`` 中为 ``None`` 的曲线这次不加。"""
        ys = _as_list(y)
        xs = _as_list(x) if hasattr(x, "__len__") else [x] * len(ys)  # 一个 x 供各曲线共用
        if len(xs) != len(ys):
            raise ValueError(f"x 有 {len(xs)} 个值而 y 有 {len(ys)} 个：应一样多，"
                             "或者只给一个共用的 x。")
        if self._curves is None:
            self._curves = [([], []) for _ in ys]
        if len(ys) != len(self._curves):
            raise ValueError(f"第一次 add 给了 {len(self._curves)} 条曲线的值，这次给了 "
                             f"{len(ys)} 个：每次应给同样多（暂时没有的值写 None）。")
        for (curve_x, curve_y), a, b in zip(self._curves, xs, ys, strict=True):
            if a is None or b is None:  # 这条曲线这次没有新值
                continue
            curve_x.append(float(a))
            curve_y.append(float(b))
        if self.mode == "live":
            self._draw()
            self._display()
        elif self.mode == "text":
            print(self._progress_line(xs, ys))

    def show(self) -> None:
        """结束：画出最终的图并显示（Jupyter 里原地更新或显示一次）。重复调用不会再显示。"""
        if self._shown:
            return
        self._shown = True
        self._draw()
        if _in_kernel():
            self._display()
        elif _interactive_backend() and self.fig.canvas.manager is not None:
            plt.show()

    def _progress_line(self, xs: list, ys: list) -> str:
        names = self.legend or [self.ylabel or "值"] * len(ys)
        parts = [f"{names[i] if i < len(names) else f'曲线{i + 1}'} {float(v):.3f}"
                 for i, v in enumerate(ys) if v is not None]
        x = next((v for v in xs if v is not None), "")
        head = f"{self.xlabel or 'x'} {_number(x) if x != '' else ''}"
        return f"{head}：" + "，".join(parts)

    def _draw(self) -> None:
        """在第一个子图上重画全部曲线（先清空）。"""
        ax, curves = self.axes[0], self._curves or []
        ax.cla()
        for (xs, ys), style in zip(curves, _cycle(self.fmts, len(curves)), strict=True):
            ax.plot(xs, ys, style)
        set_axes(ax, **self._axes_config)

    def _display(self) -> None:
        from IPython.display import display

        if self._handle is None:
            self._handle = display(self.fig, display_id=True)
        else:
            self._handle.update(self.fig)
