"""绘图：SVG 输出、中文字体、``plot``、``show_images`` 等课程中的绘图函数。

中文字体按以下顺序寻找：PyPI 包 ``mplfonts`` 自带的思源黑体（Noto Sans CJK SC，
本书的 requirements.txt 会安装它，所以各处画出的图一样），然后是系统里已有的常见
中文字体（Windows 的微软雅黑/黑体、macOS 的苹方、Linux 的 Noto Sans CJK / 文泉驿）。
都找不到时图中的中文会显示成方框，:func:`cjk_font` 返回 ``None`` 并给出安装提示。
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib import font_manager

__all__ = [
    "cjk_font",
    "plot",
    "plt",
    "set_axes",
    "set_figsize",
    "show_heatmaps",
    "show_images",
    "use_svg_display",
]

# 常见的中文字体名，按优先顺序
CJK_FONT_NAMES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC",
    "Arial Unicode MS",
)


def _mplfonts_font() -> str | None:
    """注册 ``mplfonts`` 包自带的思源黑体，返回字体名；未安装时返回 ``None``。"""
    try:
        import mplfonts
    except ImportError:
        return None
    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    if not path.is_file():
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """找到一个能显示中文的字体，设为 matplotlib 的首选无衬线字体并返回它的名字。

    >>> cjk_font() is not None  # 本书的构建环境总有中文字体
    True
    """
    installed = {f.name for f in font_manager.fontManager.ttflist}
    name = _mplfonts_font() or next((n for n in CJK_FONT_NAMES if n in installed), None)
    if name is None:
        warnings.warn(
            "没有找到中文字体，图中的中文会显示成方框。解决办法：pip install mplfonts，"
            "或安装系统字体（Debian/Ubuntu：sudo apt-get install fonts-noto-cjk）。",
            stacklevel=2,
        )
        return None
    families = [name] + [f for f in plt.rcParams["font.sans-serif"] if f != name]
    plt.rcParams["font.sans-serif"] = families
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["axes.unicode_minus"] = False  # 中文字体里常没有 Unicode 负号
    return name


def use_svg_display() -> None:
    """在 Jupyter 中以 SVG 格式显示图（清晰、可缩放，构建出的网页里也是 SVG）。"""
    cjk_font()
    plt.rcParams["svg.fonttype"] = "path"  # 字形转成路径：读者不需要装字体
    try:
        from matplotlib_inline import backend_inline
    except ImportError:  # 不在 Jupyter 里
        return
    backend_inline.set_matplotlib_formats("svg")


def set_figsize(figsize: tuple[float, float] = (3.5, 2.5)) -> None:
    """设置之后新建的图的大小（英寸）。"""
    use_svg_display()
    plt.rcParams["figure.figsize"] = figsize


def show_images(imgs, num_rows: int, num_cols: int, titles=None, scale: float = 1.5):
    """把一组图像画成 ``num_rows`` 行 ``num_cols`` 列的网格，返回各子图的坐标轴。

    ``imgs`` 可以是张量（``(n, h, w)`` 或 ``(n, 1, h, w)``）、NumPy 数组或 PIL 图像的列表。

    >>> import torch
    >>> axes = show_images(torch.zeros(2, 1, 28, 28), 1, 2, titles=["T恤", "短靴"])
    >>> len(axes), axes[1].get_title()
    (2, '短靴')
    >>> plt.close("all")
    """
    cjk_font()
    if len(imgs) > num_rows * num_cols:
        raise ValueError(f"{len(imgs)} 张图放不进 {num_rows}×{num_cols} 的网格。")
    figsize = (num_cols * scale, num_rows * scale)
    _, axes = plt.subplots(num_rows, num_cols, figsize=figsize, squeeze=False)
    axes = axes.flatten()
    for i, (ax, img) in enumerate(zip(axes, imgs, strict=False)):
        if hasattr(img, "detach"):
            img = img.detach().cpu()
            if img.ndim == 3 and img.shape[0] in (1, 3):  # (C, H, W) → (H, W, C)
                img = img.permute(1, 2, 0)
            img = img.squeeze(-1).numpy() if img.ndim == 3 and img.shape[-1] == 1 else \
                img.numpy()
        ax.imshow(img, cmap="gray" if getattr(img, "ndim", 3) == 2 else None)
        ax.axes.get_xaxis().set_visible(False)
        ax.axes.get_yaxis().set_visible(False)
        if titles is not None and i < len(titles):
            ax.set_title(titles[i])
    for ax in axes[len(imgs):]:
        ax.set_visible(False)
    return axes


def set_axes(axes, xlabel=None, ylabel=None, xlim=None, ylim=None, xscale: str = "linear",
             yscale: str = "linear", legend=None) -> None:
    """设置坐标轴的标签、范围、刻度类型和图例，并加上网格。

    >>> fig, ax = plt.subplots()
    >>> set_axes(ax, "轮", "损失", xlim=[1, 10], ylim=None, xscale="linear",
    ...          yscale="log", legend=None)
    >>> ax.get_xlabel(), ax.get_yscale(), [float(v) for v in ax.get_xlim()]
    ('轮', 'log', [1.0, 10.0])
    >>> plt.close(fig)
    """
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    if xlim is not None:
        axes.set_xlim(xlim)
    if ylim is not None:
        axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)
    axes.grid(True)


def _as_plain(values):
    """张量转成 NumPy 数组（先脱离计算图、移到 CPU），其他类型原样返回。"""
    if hasattr(values, "detach"):
        return values.detach().cpu().numpy()
    return values


def _has_one_axis(values) -> bool:
    """``values`` 是一条曲线（一维）而不是多条曲线的列表。"""
    if hasattr(values, "ndim"):
        return values.ndim == 1
    return isinstance(values, (list, tuple)) and (len(values) == 0
                                                  or not hasattr(values[0], "__len__"))


def plot(X, Y=None, xlabel=None, ylabel=None, legend=None, xlim=None, ylim=None,
         xscale: str = "linear", yscale: str = "linear",
         fmts=("-", "m--", "g-.", "r:"), figsize: tuple[float, float] = (3.5, 2.5),
         axes=None) -> None:
    """画一条或多条曲线。

    ``X``、``Y`` 可以是列表、NumPy 数组或张量；一维表示一条曲线，二维（或列表的列表）
    表示多条。只给 ``X`` 时把它当作纵坐标，横坐标用下标。``axes`` 省略时新建一张图。

    >>> import torch
    >>> x = torch.arange(0, 3, 0.5)
    >>> plot(x, [x ** 2, 2 * x + 1], "x", "f(x)", legend=["f(x)", "切线"])
    >>> [len(line.get_xdata()) for line in plt.gca().get_lines()]
    [6, 6]
    >>> plt.close("all")
    """
    if _has_one_axis(X):
        X = [X]
    if Y is None:
        X, Y = [[]] * len(X), X
    elif _has_one_axis(Y):
        Y = [Y]
    if len(X) != len(Y):
        if len(X) != 1:
            raise ValueError(f"X 给了 {len(X)} 条曲线、Y 给了 {len(Y)} 条：两者应一样多，"
                             "或者只给一个共用的 X。")
        X = list(X) * len(Y)
    if axes is None:
        set_figsize(figsize)
        axes = plt.figure(figsize=figsize).gca()
    axes.cla()
    for x, y, fmt in zip(X, Y, _cycle(fmts, len(Y)), strict=True):
        x, y = _as_plain(x), _as_plain(y)
        if len(x) and len(x) != len(y):
            raise ValueError(f"一条曲线的横坐标有 {len(x)} 个、纵坐标有 {len(y)} 个，"
                             "应一样多。")
        if len(x):
            axes.plot(x, y, fmt)
        else:
            axes.plot(y, fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)


def _cycle(fmts, n: int) -> list:
    """把线型循环到 ``n`` 个（曲线比线型多时重复使用）。"""
    fmts = [fmts] if isinstance(fmts, str) else list(fmts)
    return [fmts[i % len(fmts)] for i in range(n)]


def show_heatmaps(matrices, xlabel: str, ylabel: str, titles=None,
                  figsize: tuple[float, float] = (2.5, 2.5), cmap: str = "Reds") -> None:
    """把形状为 ``(行数, 列数, 查询数, 键数)`` 的四维张量画成一组热图（如注意力权重）。

    >>> import torch
    >>> show_heatmaps(torch.eye(4).reshape(1, 1, 4, 4), "键", "查询")
    >>> len(plt.gcf().axes)  # 一个子图加一个颜色条
    2
    >>> plt.close("all")
    """
    matrices = _as_plain(matrices)
    if getattr(matrices, "ndim", None) != 4:
        shape = tuple(getattr(matrices, "shape", ()))
        raise ValueError(f"show_heatmaps 需要四维的 (行数, 列数, 查询数, 键数)，收到的形状是 "
                         f"{shape}；一个矩阵 m 可以写成 m.reshape(1, 1, *m.shape)。")
    num_rows, num_cols = matrices.shape[:2]
    set_figsize(figsize)
    fig, axes = plt.subplots(num_rows, num_cols, figsize=figsize, sharex=True, sharey=True,
                             squeeze=False)
    image = None
    for i in range(num_rows):
        for j in range(num_cols):
            ax = axes[i, j]
            image = ax.imshow(matrices[i, j], cmap=cmap)
            if i == num_rows - 1:
                ax.set_xlabel(xlabel)
            if j == 0:
                ax.set_ylabel(ylabel)
            if titles is not None and j < len(titles):
                ax.set_title(titles[j])
    fig.colorbar(image, ax=axes, shrink=0.6)
