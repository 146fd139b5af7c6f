"""本书的解释性插图：一个不依赖第三方包的 SVG 小绘图库，以及生成插图的 Sphinx 扩展。

插图的定义在 ``_ext/figures/*.py``（每章一个模块）：每个函数用 :func:`figure` 登记，
给出编号用的标识、所在页面、图题和替代文字，返回一个 :class:`Figure`。构建开始时
（``builder-inited``）扩展把每幅图写成 ``book/_generated/figures/<标识>.svg``；
内容没有变化的文件不重写，Sphinx 的增量构建因此不会重新处理引用它的页面。
页面用 MyST 的 ``{figure}`` 指令引用生成的文件，正文用 ``{numref}`` 指向它。

每幅图自带浅色圆角底板：在主题的暗色模式下它显示为一张浅色卡片，文字和线条照样清楚
（``book/_static/d2l.css`` 里再把它稍稍调暗）。中文用读者系统里的无衬线中文字体。
"""

from __future__ import annotations

import html
import importlib.util
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
FIG_DIR = Path(__file__).resolve().parent / "figures"
OUT_SUBDIR = Path("_generated") / "figures"

# 调色板：(填充, 描边)。浅色填充 + 深色描边，在浅色底板上对比足够。
BLUE = ("#dbeafe", "#1d4ed8")
GREEN = ("#dcfce7", "#15803d")
ORANGE = ("#ffedd5", "#c2410c")
PURPLE = ("#ede9fe", "#6d28d9")
RED = ("#fee2e2", "#b91c1c")
GREY = ("#f1f5f9", "#475569")
YELLOW = ("#fef9c3", "#a16207")
TEAL = ("#ccfbf1", "#0f766e")
PINK = ("#fce7f3", "#be185d")
WHITE = ("#ffffff", "#475569")
INK = "#1f2937"  # 正文文字
MUTED = "#64748b"  # 次要文字、辅助线
CARD = "#fcfcfd"  # 底板
CARD_EDGE = "#d8dee6"


def _num(v: float) -> str:
    """坐标写成最短的确定形式（两位小数，去掉多余的 0）。"""
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


_MARK = re.compile(r"([_^])\{([^}]*)\}")


def _segments(s: str) -> list[tuple[str, str]]:
    """把 ``x_{1}``、``W^{(2)}`` 这样的简单记号拆成 (normal|sub|sup, 文字) 片段。"""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _MARK.finditer(s):
        if m.start() > pos:
            out.append(("normal", s[pos:m.start()]))
        out.append(("sub" if m.group(1) == "_" else "sup", m.group(2)))
        pos = m.end()
    if pos < len(s):
        out.append(("normal", s[pos:]))
    return out


def text_width(s: str, size: float) -> float:
    """估计一行文字的宽度（中文字符约一个字号宽，西文约 0.56 个字号宽）。"""
    w = 0.0
    for kind, part in _segments(s):
        scale = 0.72 if kind != "normal" else 1.0
        for ch in part:
            w += size * scale * (1.0 if ord(ch) > 0x2E80 else 0.56)
    return w


@dataclass
class Figure:
    """一幅 SVG 插图。坐标单位是像素，原点在左上角。"""

    width: float
    height: float
    parts: list[str] = field(default_factory=list)

    # --- 基本图元 -----------------------------------------------------------
    def rect(self, x: float, y: float, w: float, h: float, fill: str = "none",
             stroke: str = INK, sw: float = 1.4, rx: float = 4, dash: str | None = None,
             opacity: float | None = None) -> None:
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        extra += f' fill-opacity="{_num(opacity)}"' if opacity is not None else ""
        self.parts.append(
            f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}" '
            f'rx="{_num(rx)}" fill="{fill}" stroke="{stroke}" stroke-width="{_num(sw)}"{extra}/>')

    def circle(self, cx: float, cy: float, r: float, fill: str = "none", stroke: str = INK,
               sw: float = 1.4, dash: str | None = None) -> None:
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(r)}" '
                          f'fill="{fill}" stroke="{stroke}" stroke-width="{_num(sw)}"{extra}/>')

    def ellipse(self, cx: float, cy: float, rx: float, ry: float, fill: str = "none",
                stroke: str = INK, sw: float = 1.4, dash: str | None = None,
                rotate: float = 0, opacity: float | None = None) -> None:
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        extra += f' fill-opacity="{_num(opacity)}"' if opacity is not None else ""
        if rotate:
            extra += f' transform="rotate({_num(rotate)} {_num(cx)} {_num(cy)})"'
        self.parts.append(f'<ellipse cx="{_num(cx)}" cy="{_num(cy)}" rx="{_num(rx)}" '
                          f'ry="{_num(ry)}" fill="{fill}" stroke="{stroke}" '
                          f'stroke-width="{_num(sw)}"{extra}/>')

    def line(self, x1: float, y1: float, x2: float, y2: float, color: str = INK,
             sw: float = 1.4, dash: str | None = None) -> None:
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" '
                          f'y2="{_num(y2)}" stroke="{color}" stroke-width="{_num(sw)}"'
                          f' stroke-linecap="round"{extra}/>')

    def polyline(self, points: Sequence[tuple[float, float]], color: str = INK,
                 sw: float = 1.4, dash: str | None = None, fill: str = "none",
                 arrow: bool = False, head: float = 8) -> None:
        pts = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
        if arrow:  # 线止于箭头根部，箭头尖落在终点
            (x1, y1), (x2, y2) = points[-2], points[-1]
            d = math.hypot(x2 - x1, y2 - y1) or 1.0
            short = list(points[:-1]) + [(x2 - (x2 - x1) / d * head * 0.8,
                                          y2 - (y2 - y1) / d * head * 0.8)]
            pts = " ".join(f"{_num(x)},{_num(y)}" for x, y in short)
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(f'<polyline points="{pts}" fill="{fill}" stroke="{color}" '
                          f'stroke-width="{_num(sw)}" stroke-linejoin="round"{extra}/>')
        if arrow:
            self._head(*points[-2], *points[-1], color, head)

    def polygon(self, points: Sequence[tuple[float, float]], fill: str = "none",
                stroke: str = INK, sw: float = 1.4, opacity: float | None = None) -> None:
        pts = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
        extra = f' fill-opacity="{_num(opacity)}"' if opacity is not None else ""
        self.parts.append(f'<polygon points="{pts}" fill="{fill}" stroke="{stroke}" '
                          f'stroke-width="{_num(sw)}" stroke-linejoin="round"{extra}/>')

    def path(self, d: str, color: str = INK, sw: float = 1.4, fill: str = "none",
             dash: str | None = None) -> None:
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(f'<path d="{d}" fill="{fill}" stroke="{color}" '
                          f'stroke-width="{_num(sw)}" stroke-linecap="round"{extra}/>')

    def _head(self, x1: float, y1: float, x2: float, y2: float, color: str,
              size: float) -> None:
        d = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / d, (y2 - y1) / d
        bx, by = x2 - ux * size, y2 - uy * size
        w = size * 0.45
        self.polygon([(x2, y2), (bx - uy * w, by + ux * w), (bx + uy * w, by - ux * w)],
                     fill=color, stroke=color, sw=1)

    def arrow(self, x1: float, y1: float, x2: float, y2: float, color: str = INK,
              sw: float = 1.4, dash: str | None = None, head: float = 8,
              both: bool = False) -> None:
        """从 (x1, y1) 指向 (x2, y2) 的箭头；``both`` 时两端都有箭头。"""
        d = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / d, (y2 - y1) / d
        sx, sy = (x1 + ux * head * 0.8, y1 + uy * head * 0.8) if both else (x1, y1)
        self.line(sx, sy, x2 - ux * head * 0.8, y2 - uy * head * 0.8, color, sw, dash)
        self._head(x1, y1, x2, y2, color, head)
        if both:
            self._head(x2, y2, x1, y1, color, head)

    def text(self, x: float, y: float, s: str, size: float = 14, color: str = INK,
             anchor: str = "middle", weight: str = "normal", italic: bool = False,
             rotate: float = 0) -> None:
        """一行文字，(x, y) 是文字的垂直中点。

        支持 ``x_{1}``、``W^{(1)}`` 这样的上下标（只认花括号，``requires_grad`` 照原样显示）。
        """
        attrs = (f'x="{_num(x)}" y="{_num(y + size * 0.35)}" font-size="{_num(size)}" '
                 f'fill="{color}" text-anchor="{anchor}"')
        if weight != "normal":
            attrs += f' font-weight="{weight}"'
        if italic:
            attrs += ' font-style="italic"'
        if rotate:
            attrs += f' transform="rotate({_num(rotate)} {_num(x)} {_num(y)})"'
        body, shift = [], 0.0
        s = re.sub(r"  +", lambda m: "\u00a0" * len(m.group()), s)  # SVG 会合并连续空格
        for kind, part in _segments(s):
            target = {"normal": 0.0, "sub": size * 0.3, "sup": -size * 0.38}[kind]
            small = f' font-size="{_num(size * 0.72)}"' if kind != "normal" else ""
            dy = target - shift
            dy_attr = f' dy="{_num(dy)}"' if abs(dy) > 1e-9 else ""
            shift = target
            body.append(f"<tspan{dy_attr}{small}>{html.escape(part, quote=False)}</tspan>")
        self.parts.append(f"<text {attrs}>{''.join(body)}</text>")

    def lines(self, x: float, y: float, s: str, size: float = 14, gap: float = 1.3,
              **kw: Any) -> None:
        """多行文字（以 ``\\n`` 分行），整体以 (x, y) 为垂直中点。"""
        rows = s.split("\n")
        top = y - (len(rows) - 1) * size * gap / 2
        for i, row in enumerate(rows):
            self.text(x, top + i * size * gap, row, size=size, **kw)

    def begin_clip(self, x: float, y: float, w: float, h: float) -> None:
        """此后的图元只在矩形 (x, y, w, h) 内可见，直到 :meth:`end_clip`。"""
        cid = f"clip{sum(p.startswith('<clipPath') for p in self.parts)}"
        self.parts.append(f'<clipPath id="{cid}"><rect x="{_num(x)}" y="{_num(y)}" '
                          f'width="{_num(w)}" height="{_num(h)}"/></clipPath>')
        self.parts.append(f'<g clip-path="url(#{cid})">')

    def end_clip(self) -> None:
        self.parts.append("</g>")

    # --- 组合图元 -----------------------------------------------------------
    def box(self, x: float, y: float, w: float, h: float, label: str = "",
            colors: tuple[str, str] = BLUE, size: float = 14, rx: float = 6,
            sw: float = 1.4, dash: str | None = None, color: str = INK,
            weight: str = "normal") -> tuple[float, float, float, float]:
        """带文字的圆角矩形，返回 (x, y, w, h)。"""
        self.rect(x, y, w, h, fill=colors[0], stroke=colors[1], sw=sw, rx=rx, dash=dash)
        if label:
            self.lines(x + w / 2, y + h / 2, label, size=size, color=color, weight=weight)
        return (x, y, w, h)

    def node(self, cx: float, cy: float, label: str = "", r: float = 18,
             colors: tuple[str, str] = BLUE, size: float = 14,
             dash: str | None = None) -> None:
        """圆形的神经元 / 变量结点。"""
        self.circle(cx, cy, r, fill=colors[0], stroke=colors[1], dash=dash)
        if label:
            self.text(cx, cy, label, size=size)

    def grid(self, x: float, y: float, values: Sequence[Sequence[Any]], cell: float = 32,
             colors: tuple[str, str] = WHITE, highlight: Iterable[tuple[int, int]] = (),
             hcolors: tuple[str, str] = BLUE, size: float | None = None,
             fills: dict[tuple[int, int], str] | None = None,
             muted: Iterable[tuple[int, int]] = (), box: bool = True) -> tuple[float, float]:
        """数字格子（二维列表，``None`` 表示空格子）；返回格子区域的宽和高。

        ``highlight`` 的格子用 ``hcolors`` 填充并加粗外框，``muted`` 的格子文字变浅（如填充的 0、
        广播复制出的元素），``fills`` 逐格指定填充色。
        """
        hl, mute = set(highlight), set(muted)
        size = size or cell * 0.44
        for i, row in enumerate(values):
            for j, v in enumerate(row):
                fill = colors[0]
                if fills and (i, j) in fills:
                    fill = fills[(i, j)]
                elif (i, j) in hl:
                    fill = hcolors[0]
                self.rect(x + j * cell, y + i * cell, cell, cell, fill=fill,
                          stroke=colors[1], sw=1, rx=0)
                if v is not None and v != "":
                    self.text(x + (j + 0.5) * cell, y + (i + 0.5) * cell, str(v), size=size,
                              color=MUTED if (i, j) in mute else INK)
        rows, cols = len(values), max(len(r) for r in values)
        if hl and box:  # 高亮区域加粗外框
            i0, i1 = min(i for i, _ in hl), max(i for i, _ in hl)
            j0, j1 = min(j for _, j in hl), max(j for _, j in hl)
            self.rect(x + j0 * cell, y + i0 * cell, (j1 - j0 + 1) * cell,
                      (i1 - i0 + 1) * cell, stroke=hcolors[1], sw=2.4, rx=0)
        return cols * cell, rows * cell

    def brace(self, x1: float, y1: float, x2: float, y2: float, label: str = "",
              side: str = "below", size: float = 13, color: str = MUTED,
              depth: float = 8) -> None:
        """两点之间的方括号式标注（水平时 ``side`` 取 below/above，竖直时取 left/right）。"""
        if y1 == y2:  # 水平
            s = depth if side == "below" else -depth
            self.polyline([(x1, y1), (x1, y1 + s), (x2, y2 + s), (x2, y2)], color=color, sw=1.2)
            if label:
                self.text((x1 + x2) / 2, y1 + s * 2.1, label, size=size, color=color)
        else:  # 竖直
            s = -depth if side == "left" else depth
            self.polyline([(x1, y1), (x1 + s, y1), (x2 + s, y2), (x2, y2)], color=color, sw=1.2)
            if label:
                self.text(x1 + s * 1.8, (y1 + y2) / 2, label, size=size, color=color,
                          anchor="end" if side == "left" else "start")

    def title(self, x: float, y: float, s: str, size: float = 15) -> None:
        self.text(x, y, s, size=size, weight="bold")

    # --- 常用的整体结构 ------------------------------------------------------
    def network(self, layers: Sequence[Sequence[str]], x0: float, y_mid: float,
                dx: float = 150, dy: float = 52, r: float = 18,
                colors: Sequence[tuple[str, str]] = (BLUE, GREEN, ORANGE, PURPLE),
                dropped: Iterable[tuple[int, int]] = (), labels: Sequence[str] = (),
                label_y: float | None = None, size: float = 13,
                edge_color: str = MUTED) -> list[list[tuple[float, float]]]:
        """从左到右的全连接网络：每层一列结点；``dropped`` 中的结点画成虚线并去掉连线。"""
        drop = set(dropped)
        pos = [[(x0 + i * dx, y_mid + (j - (len(layer) - 1) / 2) * dy)
                for j in range(len(layer))] for i, layer in enumerate(layers)]
        for i in range(len(layers) - 1):
            for j, (xa, ya) in enumerate(pos[i]):
                for k, (xb, yb) in enumerate(pos[i + 1]):
                    if (i, j) in drop or (i + 1, k) in drop:
                        continue
                    d = math.hypot(xb - xa, yb - ya)
                    ux, uy = (xb - xa) / d, (yb - ya) / d
                    self.arrow(xa + ux * r, ya + uy * r, xb - ux * r, yb - uy * r,
                               color=edge_color, sw=1, head=6)
        for i, layer in enumerate(layers):
            for j, lab in enumerate(layer):
                x, y = pos[i][j]
                if (i, j) in drop:
                    self.node(x, y, lab, r=r, colors=("#ffffff", "#94a3b8"), size=size,
                              dash="4 3")
                    self.line(x - r * 0.6, y - r * 0.6, x + r * 0.6, y + r * 0.6, RED[1], 2)
                    self.line(x - r * 0.6, y + r * 0.6, x + r * 0.6, y - r * 0.6, RED[1], 2)
                else:
                    self.node(x, y, lab, r=r, colors=colors[i % len(colors)], size=size)
        if labels:
            ly = label_y if label_y is not None else max(y for col in pos for _, y in col) + r + 22
            for i, lab in enumerate(labels):
                self.lines(pos[i][0][0], ly, lab, size=13, color=MUTED)
        return pos

    def flow(self, items: Sequence[tuple[str, tuple[str, str]]], x: float, y: float,
             w: float, h: float, gap: float = 22, direction: str = "down",
             size: float = 13) -> list[tuple[float, float, float, float]]:
        """一串首尾相连的方框（向下或向右），返回各框的 (x, y, w, h)。"""
        boxes = []
        for i, (label, colors) in enumerate(items):
            if direction == "down":
                bx, by = x, y + i * (h + gap)
            else:
                bx, by = x + i * (w + gap), y
            boxes.append(self.box(bx, by, w, h, label, colors, size=size))
            if i:
                px, py, pw, ph = boxes[i - 1]
                if direction == "down":
                    self.arrow(px + pw / 2, py + ph, bx + w / 2, by)
                else:
                    self.arrow(px + pw, py + ph / 2, bx, by + h / 2)
        return boxes

    def cube(self, x: float, y: float, w: float, h: float, depth: float,
             colors: tuple[str, str] = BLUE, label: str = "", size: float = 12,
             below: str = "") -> None:
        """斜投影的长方体（表示 通道×高×宽 的特征映射），(x, y) 是正面左上角。"""
        d = depth
        fill, stroke = colors
        self.polygon([(x, y), (x + d, y - d * 0.6), (x + w + d, y - d * 0.6), (x + w, y)],
                     fill=fill, stroke=stroke, sw=1.2)
        self.polygon([(x + w, y), (x + w + d, y - d * 0.6), (x + w + d, y + h - d * 0.6),
                      (x + w, y + h)], fill=fill, stroke=stroke, sw=1.2)
        self.rect(x, y, w, h, fill=fill, stroke=stroke, sw=1.2, rx=0)
        if label:
            self.lines(x + w / 2, y + h / 2, label, size=size)
        if below:
            self.lines(x + w / 2 + d / 2, y + h + 16, below, size=size, color=MUTED)

    # --- 输出 ---------------------------------------------------------------
    def to_svg(self) -> str:
        w, h = self.width, self.height
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(w)}" height="{_num(h)}" '
                f'viewBox="0 0 {_num(w)} {_num(h)}" font-family="{FONT}">')
        card = (f'<rect x="0.5" y="0.5" width="{_num(w - 1)}" height="{_num(h - 1)}" rx="10" '
                f'fill="{CARD}" stroke="{CARD_EDGE}" stroke-width="1"/>')
        return "\n".join([head, card, *self.parts, "</svg>"]) + "\n"


@dataclass
class FigureSpec:
    """一幅登记过的插图：标识、所在页面、图题、替代文字、引出它的句子和绘图函数。"""

    id: str
    page: str  # 相对 book/ 的页面路径
    anchor: str  # 放在哪个标题下（页面里的整行标题）
    caption: str
    alt: str
    lead: str  # 正文里引用它的一句话，含 {numref}
    draw: Callable[[], Figure]


REGISTRY: dict[str, FigureSpec] = {}


def figure(id: str, *, page: str, anchor: str, caption: str, alt: str,
           lead: str) -> Callable[[Callable[[], Figure]], Callable[[], Figure]]:
    """登记一幅插图的装饰器。``lead`` 里用 ``{ref}`` 表示对这幅图的引用。"""

    def deco(fn: Callable[[], Figure]) -> Callable[[], Figure]:
        if id in REGISTRY and REGISTRY[id].draw.__qualname__ != fn.__qualname__:
            raise ValueError(f"插图标识重复：{id}")
        ref = "{numref}`fig-" + id + "`"
        REGISTRY[id] = FigureSpec(id, page, anchor, caption, alt, lead.replace("{ref}", ref), fn)
        return fn

    return deco


def load_all(fig_dir: Path = FIG_DIR) -> dict[str, FigureSpec]:
    """导入 ``_ext/figures/`` 下的全部定义模块，返回登记表（按标识排序）。"""
    for path in sorted(fig_dir.glob("*.py")):
        if path.name.startswith("_"):
            continue
        name = f"d2l_figures_defs_{path.stem}"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return dict(sorted(REGISTRY.items()))


def render_all(out_dir: Path) -> list[Path]:
    """把每幅图写成 ``out_dir/<标识>.svg``；内容相同的文件不重写。返回全部文件路径。"""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fid, spec in load_all().items():
        svg = spec.draw().to_svg()
        target = out_dir / f"{fid}.svg"
        if not target.is_file() or target.read_text(encoding="utf-8") != svg:
            target.write_text(svg, encoding="utf-8")
        written.append(target)
    return written


def directive(spec: FigureSpec) -> str:
    """页面里插入的 MyST 图指令（页面在 book/chapter_xxx/ 下）。"""
    return (f"```{{figure}} ../_generated/figures/{spec.id}.svg\n:name: fig-{spec.id}\n"
            f":alt: {spec.alt}\n:class: d2l-fig\n\n{spec.caption}\n```\n")


def _builder_inited(app: Any) -> None:
    render_all(Path(app.srcdir) / OUT_SUBDIR)


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _builder_inited)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
