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


def _image_array(img):
    """把一张图转成 ``imshow`` 能画的数组：张量移到 CPU，通道轴放到最后，单通道去掉通道轴。"""
    if not hasattr(img, "detach"):  # NumPy 数组或 PIL 图像：原样交给 imshow
        return img
    img = img.detach().cpu()
    if img.ndim == 3 and img.shape[0] in (1, 3):  # (C, H, W) → (H, W, C)
        img = img.permute(1, 2, 0)
    if img.ndim == 3 and img.shape[-1] == 1:
        img = img[..., 0]
    return img.numpy()


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
    capacity = num_rows * num_cols
    if len(imgs) > capacity:
        raise ValueError(f"{len(imgs)} 张图放不进 {num_rows}×{num_cols} 的网格。")
    _, grid = plt.subplots(num_rows, num_cols, figsize=(num_cols * scale, num_rows * scale),
                           squeeze=False)
    cells = list(grid.flat)
    labels = list(titles or [])
    for k, cell in enumerate(cells):
        if k >= len(imgs):  # 多出来的格子不显示
            cell.set_visible(False)
            continue
        pixels = _image_array(imgs[k])
        cell.imshow(pixels, cmap="gray" if getattr(pixels, "ndim", 3) == 2 else None)
        for axis in (cell.xaxis, cell.yaxis):  # 图像不需要坐标轴和刻度
            axis.set_visible(False)
        if k < len(labels):
            cell.set_title(labels[k])
    return grid.flatten()


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
    # 先定刻度类型再定范围：对数轴上的范围要在换成对数刻度之后才有意义
    axes.set(xscale=xscale, yscale=yscale, xlabel=xlabel, ylabel=ylabel)
    given = {"xlim": xlim, "ylim": ylim}
    axes.set(**{key: value for key, value in given.items() if value is not None})
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


def _curves(values) -> list:
    """一条曲线包成只有一项的列表；多条曲线（二维数组、列表的列表）拆成列表。"""
    return [values] if _has_one_axis(values) else list(values)


def _pair_curves(X, Y) -> list[tuple]:
    """把 ``plot`` 的 ``X``、``Y`` 配成 ``(横坐标, 纵坐标)`` 的列表；横坐标为 ``None`` 时用下标。"""
    if Y is None:  # 只给了一个参数：它是纵坐标
        return [(None, y) for y in _curves(X)]
    xs, ys = _curves(X), _curves(Y)
    if len(xs) == 1:  # 一个横坐标供所有曲线共用
        xs = xs * len(ys)
    if len(xs) != len(ys):
        raise ValueError(f"X 给了 {len(xs)} 条曲线、Y 给了 {len(ys)} 条：两者应一样多，"
                         "或者只给一个共用的 X。")
    return list(zip(xs, ys, strict=True))


def _plot_args(x, y) -> tuple:
    """一条曲线交给 ``Axes.plot`` 的位置参数：没有横坐标时只给纵坐标（横坐标用下标）。"""
    y = _as_plain(y)
    if x is None or len(x) == 0:
        return (y,)
    x = _as_plain(x)
    if len(x) != len(y):
        raise ValueError(f"一条曲线的横坐标有 {len(x)} 个、纵坐标有 {len(y)} 个，应一样多。")
    return x, y


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
    pairs = _pair_curves(X, Y)
    if axes is None:
        set_figsize(figsize)
        axes = plt.figure(figsize=figsize).gca()
    axes.cla()  # 同一个坐标轴重画时不叠加旧曲线
    for (x, y), style in zip(pairs, _cycle(fmts, len(pairs)), strict=True):
        axes.plot(*_plot_args(x, y), style)
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
    fig, grid = plt.subplots(num_rows, num_cols, figsize=figsize, sharex=True, sharey=True,
                             squeeze=False)
    # 各子图共用颜色条；imshow 返回的图像对象决定颜色条的刻度，取最后画的一个
    images = [grid[r, c].imshow(matrices[r, c], cmap=cmap)
              for r in range(num_rows) for c in range(num_cols)]
    for ax in grid[-1]:      # 最下面一行标横轴
        ax.set_xlabel(xlabel)
    for ax in grid[:, 0]:    # 最左边一列标纵轴
        ax.set_ylabel(ylabel)
    if titles is not None:   # 每一列一个标题（各行重复）
        for row in grid:
            for ax, title in zip(row, titles, strict=False):
                ax.set_title(title)
    fig.colorbar(images[-1], ax=grid, shrink=0.6)
