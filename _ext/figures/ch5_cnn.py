# ruff: noqa: E501 —— 图题、替代文字是中文长句，按句保留在一行里更便于校对
"""卷积神经网络一章的插图。图中的数字都由这里的代码算出，与画出的输入和卷积核一致。"""

from __future__ import annotations

from d2l_figures import (
    BLUE,
    GREEN,
    GREY,
    INK,
    MUTED,
    ORANGE,
    PURPLE,
    RED,
    TEAL,
    YELLOW,
    Figure,
    figure,
)

P = "chapter_convolutional-neural-networks/"


def xcorr(x: list[list[int]], k: list[list[int]], stride: int = 1) -> list[list[int]]:
    """二维互相关（不填充）：与 PyTorch 的 conv2d 相同的定义。"""
    kh, kw = len(k), len(k[0])
    oh, ow = (len(x) - kh) // stride + 1, (len(x[0]) - kw) // stride + 1
    return [[sum(x[i * stride + a][j * stride + b] * k[a][b] for a in range(kh) for b in range(kw))
             for j in range(ow)] for i in range(oh)]


def pad(x: list[list[int]], p: int) -> list[list[int]]:
    w = len(x[0]) + 2 * p
    return [[0] * w for _ in range(p)] + [[0] * p + r + [0] * p for r in x] + \
        [[0] * w for _ in range(p)]


def window(i: int, j: int, h: int, w: int) -> list[tuple[int, int]]:
    return [(i + a, j + b) for a in range(h) for b in range(w)]


@figure("locality", page=P + "why-conv.md", anchor="## 两条原则",
        caption="卷积层的两条原则：局部性——每个隐藏单元只看输入中的一小块；平移不变性——"
                "不同位置的隐藏单元用同一组权重（同一个卷积核）。",
        alt="左边是 8×8 的输入网格，其中两处 3×3 的小窗口分别用同样的橙色标出；右边是隐藏表示的网格，"
            "两个对应的单元分别用箭头连到这两个窗口，旁边注明两处共用同一个卷积核",
        lead="{ref} 把这两条原则画在了一起。")
def fig_locality() -> Figure:
    f = Figure(700, 330)
    c = 28
    blank = [[None] * 8 for _ in range(8)]
    w1, w2 = window(1, 1, 3, 3), window(4, 4, 3, 3)
    fills = {p: ORANGE[0] for p in w1 + w2}
    f.grid(40, 50, blank, cell=c, fills=fills)
    for i0, j0 in ((1, 1), (4, 4)):
        f.rect(40 + j0 * c, 50 + i0 * c, 3 * c, 3 * c, stroke=ORANGE[1], sw=2.4, rx=0)
    f.text(40 + 4 * c, 32, "输入 X", size=13)
    f.grid(440, 78, [[None] * 6 for _ in range(6)], cell=c,
           fills={(1, 1): BLUE[0], (4, 4): BLUE[0]})
    f.text(440 + 3 * c, 60, "隐藏表示 H", size=13)
    for (i0, j0), (hi, hj) in (((1, 1), (1, 1)), ((4, 4), (4, 4))):
        f.rect(440 + hj * c, 78 + hi * c, c, c, stroke=BLUE[1], sw=2.4, rx=0)
        f.arrow(40 + (j0 + 3) * c + 2, 50 + (i0 + 1.5) * c, 440 + hj * c - 2,
                78 + (hi + 0.5) * c, color=MUTED)
    f.lines(350, 290, "两个窗口用同一组 3×3 权重：无论图案出现在哪里，检测它的方式都一样", size=12,
            color=MUTED)
    return f


XC_IN = [[2, 0, 1, 3], [1, 4, 2, 0], [0, 1, 3, 1]]
XC_K = [[1, -1], [0, 2]]


@figure("xcorr", page=P + "conv-layer.md", anchor="## 互相关运算",
        caption="二维互相关运算：2×2 的卷积核在 3×4 的输入上滑动，每个位置把对应元素相乘再相加，"
                "得到 2×3 的输出。图中标出了左上角输出元素的计算。",
        alt="左边 3×4 的输入，左上角 2×2 的窗口被突出显示；中间是 2×2 卷积核 1、-1、0、2；"
            "右边 2×3 的输出，左上角元素被突出显示，下方写出 2×1 + 0×(-1) + 1×0 + 4×2 = 10",
        lead="{ref} 用一组小数字演示了二维互相关运算。")
def fig_xcorr() -> Figure:
    f = Figure(720, 260)
    c = 40
    out = xcorr(XC_IN, XC_K)
    f.grid(30, 50, XC_IN, cell=c, highlight=window(0, 0, 2, 2), hcolors=BLUE)
    f.text(30 + 2 * c, 30, "输入（3×4）", size=13, color=MUTED)
    f.text(210, 50 + 1.5 * c, "⋆", size=24)
    f.grid(240, 70, XC_K, cell=c, colors=ORANGE)
    f.text(240 + c, 50, "卷积核（2×2）", size=13, color=MUTED)
    f.text(350, 50 + 1.5 * c, "=", size=24)
    f.grid(380, 70, out, cell=c, highlight=[(0, 0)], hcolors=GREEN)
    f.text(380 + 1.5 * c, 50, "输出（2×3）", size=13, color=MUTED)
    terms = [(XC_IN[a][b], XC_K[a][b]) for a in range(2) for b in range(2)]
    expr = " + ".join(f"{x}×{k}" if k >= 0 else f"{x}×({k})" for x, k in terms)
    f.text(360, 200, f"{expr} = {out[0][0]}", size=15)
    f.text(360, 232, "输出形状：(3 − 2 + 1) × (4 − 2 + 1) = 2 × 3", size=13, color=MUTED)
    f.text(600, 110, "窗口向右、向下\n逐格滑动".split("\n")[0], size=12, color=MUTED,
           anchor="start")
    f.text(600, 128, "逐格滑动", size=12, color=MUTED, anchor="start")
    return f


@figure("receptive-field", page=P + "conv-layer.md", anchor="## 特征映射和感受野",
        caption="感受野随层数增长：两个 2×2 卷积层叠起来后，第二层的一个输出元素依赖第一层的 2×2 个元素，"
                "进而依赖输入中的 3×3 个元素。",
        alt="三个网格从左到右：4×4 的输入中左上角 3×3 区域被浅色标出，第一层 3×3 的输出中左上角 2×2 被标出，"
            "第二层 2×2 的输出中左上角一个元素被标出；箭头表示依赖关系",
        lead="{ref} 画出了两层卷积之后感受野的大小。")
def fig_receptive_field() -> Figure:
    f = Figure(680, 250)
    c = 36
    f.grid(30, 60, [[None] * 4 for _ in range(4)], cell=c, highlight=window(0, 0, 3, 3),
           hcolors=YELLOW)
    f.text(30 + 2 * c, 40, "输入 4×4", size=13, color=MUTED)
    f.grid(270, 78, [[None] * 3 for _ in range(3)], cell=c, highlight=window(0, 0, 2, 2),
           hcolors=ORANGE)
    f.text(270 + 1.5 * c, 58, "第一层输出 3×3", size=13, color=MUTED)
    f.grid(480, 96, [[None] * 2 for _ in range(2)], cell=c, highlight=[(0, 0)], hcolors=GREEN)
    f.text(480 + c, 76, "第二层输出 2×2", size=13, color=MUTED)
    f.arrow(270 - 4, 78 + c, 30 + 3 * c + 6, 60 + 1.5 * c, color=MUTED)
    f.arrow(480 - 4, 96 + c / 2, 270 + 2 * c + 6, 78 + c, color=MUTED)
    f.text(340, 230, "感受野：第二层的一个元素 ← 第一层 2×2 ← 输入 3×3（每层加 k − 1 = 1）", size=13)
    return f


PAD_IN = [[1, 2, 0], [3, 1, 1], [0, 2, 4]]
PAD_K = [[0, 1, 0], [1, 1, 1], [0, 1, 0]]


@figure("padding", page=P + "padding-and-strides.md", anchor="## 填充",
        caption="填充：在 3×3 的输入四周各补一圈 0，3×3 的卷积核就能在 5×5 上滑动，输出保持 3×3。"
                "左上角的输出只用到了输入的三个元素，其余是补的 0。",
        alt="左边 5×5 的网格，中间 3×3 是输入数字，外圈是浅色的 0，左上角 3×3 窗口被突出显示；"
            "中间是十字形的卷积核；右边是 3×3 的输出，左上角元素被突出显示",
        lead="{ref} 演示了每侧填充 1 的效果。")
def fig_padding() -> Figure:
    f = Figure(720, 280)
    c = 36
    xp = pad(PAD_IN, 1)
    out = xcorr(xp, PAD_K)
    zeros = [(i, j) for i in range(5) for j in range(5) if i in (0, 4) or j in (0, 4)]
    fills = {p: "#f1f5f9" for p in zeros}
    for p in window(0, 0, 3, 3):
        fills[p] = BLUE[0]
    f.grid(30, 50, xp, cell=c, fills=fills, muted=zeros)
    f.rect(30 + c, 50 + c, 3 * c, 3 * c, stroke=INK, sw=1.8, rx=0)
    f.rect(30, 50, 3 * c, 3 * c, stroke=BLUE[1], sw=2.4, rx=0)
    f.text(30 + 2.5 * c, 32, "填充后的输入（5×5，原输入 3×3）", size=13, color=MUTED)
    f.text(250, 50 + 2.5 * c, "⋆", size=24)
    f.grid(280, 50 + c, PAD_K, cell=c, colors=ORANGE)
    f.text(280 + 1.5 * c, 50 + c - 18, "卷积核 3×3", size=13, color=MUTED)
    f.text(420, 50 + 2.5 * c, "=", size=24)
    f.grid(450, 50 + c, out, cell=c, highlight=[(0, 0)], hcolors=GREEN)
    f.text(450 + 1.5 * c, 50 + c - 18, "输出 3×3", size=13, color=MUTED)
    f.text(360, 255, f"左上角：{PAD_IN[0][0]} + {PAD_IN[0][1]} + {PAD_IN[1][0]}（其余是 0 或"
           f"乘 0）= {out[0][0]}；输出形状 3 + 2×1 − 3 + 1 = 3", size=13)
    return f


ST_IN = [[3, 1, 0, 2, 1], [0, 2, 1, 1, 0], [1, 0, 4, 0, 2], [2, 1, 0, 1, 3], [0, 2, 1, 0, 1]]
ST_K = [[1, 0, 1], [0, 1, 0], [1, 0, 1]]


@figure("stride", page=P + "padding-and-strides.md", anchor="## 步幅",
        caption="步幅为 2：5×5 的输入每侧填充 1 成为 7×7，3×3 的卷积核每次移动两格，输出为 3×3，"
                "即 ⌊(5 + 2 − 3) / 2⌋ + 1 = 3。图中标出了前两个窗口和它们的输出。",
        alt="左边 7×7 的网格，外圈是填充的 0，左上角的 3×3 窗口用蓝色框出，向右移动两格的窗口用橙色框出；"
            "右边 3×3 的输出，第一行前两个元素分别用蓝色和橙色标出",
        lead="{ref} 画出了步幅为 2 时卷积核的前两个位置。")
def fig_stride() -> Figure:
    f = Figure(720, 350)
    c = 34
    xp = pad(ST_IN, 1)
    out = xcorr(xp, ST_K, stride=2)
    assert len(out) == 3 and len(out[0]) == 3
    zeros = [(i, j) for i in range(7) for j in range(7) if i in (0, 6) or j in (0, 6)]
    fills = {p: "#f1f5f9" for p in zeros}
    for p in window(0, 0, 3, 3):
        fills[p] = BLUE[0]
    for p in window(0, 2, 3, 3):
        fills[p] = ORANGE[0] if p not in fills or fills[p] != BLUE[0] else "#e9d5ff"
    x0, y0 = 30, 60
    f.grid(x0, y0, xp, cell=c, fills=fills, muted=zeros)
    f.rect(x0 + c, y0 + c, 5 * c, 5 * c, stroke=INK, sw=1.8, rx=0)
    f.rect(x0, y0, 3 * c, 3 * c, stroke=BLUE[1], sw=2.6, rx=0)
    f.rect(x0 + 2 * c, y0, 3 * c, 3 * c, stroke=ORANGE[1], sw=2.6, rx=0, dash="6 3")
    f.text(x0 + 3.5 * c, 40, "填充后的输入（7×7）", size=13, color=MUTED)
    f.grid(320, 80, ST_K, cell=c, colors=ORANGE)
    f.text(320 + 1.5 * c, 62, "卷积核", size=13, color=MUTED)
    f.text(450, 80 + 1.5 * c, "→", size=24)
    f.grid(490, 80, out, cell=c, highlight=[(0, 0)], hcolors=BLUE,
           fills={(0, 1): ORANGE[0]})
    f.rect(490 + c, 80, c, c, stroke=ORANGE[1], sw=2.4, rx=0, dash="6 3")
    f.text(490 + 1.5 * c, 62, "输出（3×3）", size=13, color=MUTED)
    f.lines(560, 250, "水平、垂直方向\n每次都移动 2 格", size=13, color=MUTED)
    f.arrow(x0 + 1.5 * c, y0 + 7 * c + 14, x0 + 3.5 * c, y0 + 7 * c + 14, color=ORANGE[1])
    f.text(x0 + 2.5 * c, y0 + 7 * c + 30, "步幅 2", size=12, color=ORANGE[1])
    return f


@figure("output-size", page=P + "padding-and-strides.md", anchor="## 验证输出形状的公式",
        caption="沿一个方向数窗口的个数：长度 n = 7 的输入两侧各填充 p = 1，宽 k = 3 的窗口以步幅 s = 2 滑动，"
                "共有 ⌊(n + 2p − k) / s⌋ + 1 = 4 个位置。",
        alt="一行九个格子，两端两个是填充的 0；上方四条彩色横括号表示四个窗口位置，每个宽三格、依次右移两格",
        lead="{ref} 在一个方向上数出了窗口的位置。")
def fig_output_size() -> Figure:
    f = Figure(640, 250)
    c = 50
    n, p, k, s = 7, 1, 3, 2
    total = n + 2 * p
    x0, y0 = 95, 170
    row = [["0"] + [f"x_{{{i + 1}}}" for i in range(n)] + ["0"]]
    f.grid(x0, y0, row, cell=c, fills={(0, 0): "#f1f5f9", (0, total - 1): "#f1f5f9"},
           muted=[(0, 0), (0, total - 1)], size=15)
    count = (n + 2 * p - k) // s + 1
    cols = [BLUE, ORANGE, GREEN, PURPLE]
    for t in range(count):
        a = x0 + t * s * c + 4
        b = a + k * c - 8
        y = y0 - 20 - t * 30
        f.polyline([(a, y + 10), (a, y), (b, y), (b, y + 10)], color=cols[t][1], sw=2.4)
        f.text(b + 8, y, f"位置 {t + 1}", size=12, color=cols[t][1], anchor="start")
    f.text(320, 240, f"n = {n}，p = {p}，k = {k}，s = {s}：⌊({n} + 2×{p} − {k}) / {s}⌋ + 1 = {count}",
           size=14)
    return f


MI_X = [[[1, 0, 2], [2, 1, 0], [0, 3, 1]], [[0, 1, 1], [1, 2, 0], [2, 0, 1]]]
MI_K = [[[1, 0], [0, 1]], [[2, 1], [0, -1]]]


@figure("multi-in", page=P + "channels.md", anchor="## 多输入通道：组合已有的通道",
        caption="两个输入通道的互相关：每个输入通道配一个二维卷积核，各自做互相关，再把结果相加，"
                "得到一个输出通道。",
        alt="上下两行分别是输入通道 1 和通道 2 的 3×3 数字网格，各与自己的 2×2 卷积核做互相关，"
            "得到两个 2×2 的中间结果，二者相加得到右边 2×2 的输出",
        lead="{ref} 演示了两个输入通道的情形。")
def fig_multi_in() -> Figure:
    f = Figure(760, 320)
    c = 32
    parts = [xcorr(MI_X[ch], MI_K[ch]) for ch in range(2)]
    total = [[parts[0][i][j] + parts[1][i][j] for j in range(2)] for i in range(2)]
    for ch in range(2):
        y = 40 + ch * 140
        col = BLUE if ch == 0 else PURPLE
        f.text(20, y + 1.5 * c, f"通道 {ch + 1}", size=13, anchor="start", color=col[1])
        f.grid(80, y, MI_X[ch], cell=c, highlight=window(0, 0, 2, 2), hcolors=col)
        f.text(200, y + 1.5 * c, "⋆", size=22)
        f.grid(220, y + c / 2, MI_K[ch], cell=c, colors=ORANGE)
        f.text(310, y + 1.5 * c, "=", size=22)
        f.grid(335, y + c / 2, parts[ch], cell=c, colors=col, highlight=[(0, 0)], hcolors=col)
        f.arrow(405, y + 1.5 * c, 480, 160 - 10 + (ch * 2 - 1) * 20, color=MUTED)
    f.node(505, 150, "+", r=20, colors=YELLOW, size=20)
    f.arrow(525, 150, 570, 150)
    f.grid(575, 150 - c, total, cell=c, colors=GREEN, highlight=[(0, 0)], hcolors=GREEN)
    f.text(575 + c, 150 - c - 18, "输出（一个通道）", size=13, color=MUTED)
    a = parts[0][0][0]
    b = parts[1][0][0]
    bs = f"({b})" if b < 0 else str(b)
    f.text(380, 300, f"左上角：{a} + {bs} = {total[0][0]}；卷积核的形状是 (输入通道数, k_{{h}}, k_{{w}}) = (2, 2, 2)",
           size=13)
    return f


@figure("multi-out", page=P + "channels.md", anchor="## 多输出通道：一张灰度图，多种响应",
        caption="多个输出通道：每个输出通道有自己的一组卷积核（每个输入通道一个），"
                "卷积层的权重因此是四维的 (c_o, c_i, k_h, k_w)。",
        alt="左边是一个输入通道的特征映射，中间是三个不同颜色的卷积核，右边是三个相同颜色的输出通道，"
            "每个卷积核连到对应的一个输出通道",
        lead="{ref} 画出了一个输入通道、三个输出通道的情形。")
def fig_multi_out() -> Figure:
    f = Figure(720, 300)
    f.cube(40, 110, 110, 110, 14, GREY, "输入\n1 个通道", size=13, below="c_{i} = 1")
    cols = [BLUE, ORANGE, GREEN]
    names = ["核 1（竖直差分）", "核 2（水平差分）", "核 3（邻域平均）"]
    for k, (col, n) in enumerate(zip(cols, names, strict=True)):
        y = 50 + k * 80
        f.rect(290, y, 44, 44, fill=col[0], stroke=col[1], sw=1.6, rx=2)
        f.text(312, y + 58, n, size=11, color=MUTED)
        f.arrow(170, 165, 286, y + 22, color=MUTED)
        f.rect(470, y - 6, 70, 56, fill=col[0], stroke=col[1], sw=1.6, rx=2)
        f.text(505, y + 22, f"输出 {k + 1}", size=12)
        f.arrow(338, y + 22, 466, y + 22, color=col[1])
    f.text(312, 28, "c_{o} = 3 组卷积核", size=13)
    f.text(505, 28, "3 个输出通道", size=13)
    f.text(630, 150, "权重形状\n(3, 1, k_{h}, k_{w})".split("\n")[0], size=12, color=MUTED)
    f.text(630, 170, "(3, 1, k_{h}, k_{w})", size=12, color=MUTED)
    return f


@figure("conv1x1", page=P + "channels.md", anchor="## 1×1 卷积层",
        caption="1×1 卷积：在每个像素位置上，把 c_i 个输入通道的值组成向量，乘同一个 c_o × c_i 的权重矩阵，"
                "得到 c_o 个输出通道的值；它相当于逐像素的全连接层，不看邻近的像素。",
        alt="左边三个叠在一起的输入通道，某个像素位置的一列三个值被标出；中间是 2×3 的权重矩阵；"
            "右边两个输出通道在同一位置的两个值被标出",
        lead="{ref} 画出了 1×1 卷积在一个像素位置上做的计算。")
def fig_conv1x1() -> Figure:
    f = Figure(740, 300)
    c = 26
    cols = [BLUE, PURPLE, TEAL]
    for k in range(3):
        x, y = 40 + k * 22, 70 - k * 18
        f.grid(x, y, [[None] * 4 for _ in range(4)], cell=c, colors=("#ffffff", cols[2 - k][1]),
               fills={(1, 2): cols[2 - k][0]})
    f.text(110, 200, "输入：3 个通道", size=13, color=MUTED)
    f.text(110, 220, "(c_{i} = 3)", size=12, color=MUTED)
    f.arrow(200, 110, 250, 110, color=MUTED)
    f.grid(260, 68, [["a"], ["b"], ["c"]], cell=28, fills={(0, 0): TEAL[0], (1, 0): PURPLE[0],
                                                          (2, 0): BLUE[0]})
    f.text(274, 52, "一个像素", size=12, color=MUTED)
    f.text(320, 110, "→", size=20)
    f.grid(345, 82, [["w_{11}", "w_{12}", "w_{13}"], ["w_{21}", "w_{22}", "w_{23}"]], cell=40,
           colors=ORANGE, size=12)
    f.text(405, 62, "权重 2×3（所有像素共用）", size=12, color=MUTED)
    f.text(480, 122, "→", size=20)
    f.grid(505, 82, [["p"], ["q"]], cell=40, colors=GREEN)
    for k in range(2):
        x, y = 590 + k * 22, 80 - k * 18
        f.grid(x, y, [[None] * 4 for _ in range(4)], cell=c, colors=("#ffffff", GREEN[1]),
               fills={(1, 2): GREEN[0]})
    f.text(650, 200, "输出：2 个通道", size=13, color=MUTED)
    f.text(370, 265, "每个位置独立计算：p = w_{11}a + w_{12}b + w_{13}c，q = w_{21}a + w_{22}b + w_{23}c",
           size=13)
    return f


POOL_IN = [[1, 6, 2], [0, 3, 5], [4, 2, 7]]


@figure("pooling", page=P + "pooling.md", anchor="## 最大汇聚和平均汇聚",
        caption="2×2 汇聚窗口、步幅 1 作用在 3×3 的输入上：最大汇聚取窗口里的最大值，平均汇聚取平均值。"
                "汇聚层没有参数。",
        alt="左边 3×3 的输入，左上角 2×2 窗口被突出显示；右上是 2×2 的最大汇聚输出 6、6、4、7；"
            "右下是 2×2 的平均汇聚输出 2.5、4、2.25、4.25",
        lead="{ref} 在同一个输入上对比了最大汇聚和平均汇聚。")
def fig_pooling() -> Figure:
    f = Figure(640, 280)
    c = 42
    wins = [[[POOL_IN[i + a][j + b] for a in range(2) for b in range(2)] for j in range(2)]
            for i in range(2)]
    mx = [[max(w) for w in row] for row in wins]
    av = [[f"{sum(w) / 4:g}" for w in row] for row in wins]
    f.grid(40, 75, POOL_IN, cell=c, highlight=window(0, 0, 2, 2), hcolors=BLUE)
    f.text(40 + 1.5 * c, 55, "输入 3×3", size=13, color=MUTED)
    f.arrow(180, 120, 330, 75, color=MUTED)
    f.arrow(180, 150, 330, 195, color=MUTED)
    f.text(250, 80, "最大", size=13, color=ORANGE[1])
    f.text(250, 190, "平均", size=13, color=PURPLE[1])
    f.grid(340, 30, mx, cell=c, colors=ORANGE, highlight=[(0, 0)], hcolors=ORANGE)
    f.grid(340, 160, av, cell=c, colors=PURPLE, highlight=[(0, 0)], hcolors=PURPLE, size=14)
    w = wins[0][0]
    f.text(440, 52, f"max({', '.join(map(str, w))}) = {mx[0][0]}", size=13, anchor="start")
    f.text(440, 182, f"({' + '.join(map(str, w))}) / 4 = {av[0][0]}", size=13, anchor="start")
    f.text(320, 262, "窗口逐格滑动；输出形状 (3 − 2 + 1) × (3 − 2 + 1) = 2 × 2", size=12,
           color=MUTED)
    return f


@figure("pool-shift", page=P + "pooling.md", anchor="## 汇聚为什么能缓解位置敏感性",
        caption="最大汇聚容忍小的位移：一行输入中的亮点向右移动一格，只要仍在同一个汇聚窗口里，"
                "2 宽、步幅 2 的最大汇聚输出完全相同。",
        alt="上下两行各六个格子，上行第三格是 9，下行第四格是 9，其余为 0；两行都被分成三个两格的窗口，"
            "两行的最大汇聚输出都是 0、9、0",
        lead="{ref} 用一行像素演示了这一点。")
def fig_pool_shift() -> Figure:
    f = Figure(640, 250)
    c = 40
    rows = [[0, 0, 9, 0, 0, 0], [0, 0, 0, 9, 0, 0]]
    for r, vals in enumerate(rows):
        y = 60 + r * 100
        f.text(30, y + c / 2, "原输入" if r == 0 else "右移一格", size=13, anchor="start")
        f.grid(120, y, [vals], cell=c, highlight=[(0, vals.index(9))], hcolors=YELLOW, box=False)
        for t in range(3):
            f.rect(120 + t * 2 * c + 2, y + 2, 2 * c - 4, c - 4, stroke=BLUE[1], sw=1.6, rx=3,
                   dash="4 3")
        pooled = [max(vals[2 * t:2 * t + 2]) for t in range(3)]
        f.arrow(370, y + c / 2, 420, y + c / 2, color=MUTED)
        f.grid(430, y, [pooled], cell=c, colors=GREEN)
    f.text(250, 40, "2 宽窗口、步幅 2（虚线框）", size=12, color=MUTED)
    f.text(490, 40, "最大汇聚输出", size=12, color=MUTED)
    f.text(320, 228, "两行的输出相同；若亮点移出窗口（如移到第 5 格），输出才会改变", size=12,
           color=MUTED)
    return f


@figure("pool-channels", page=P + "pooling.md", anchor="## 多个通道",
        caption="汇聚层对每个通道分别汇聚，不在通道之间求和：输入有几个通道，输出就有几个通道。"
                "卷积层则把所有输入通道的结果加起来。",
        alt="左半边：三个输入通道各自经过汇聚得到三个输出通道，一一对应；"
            "右半边：三个输入通道经过一个卷积核组后相加成一个输出通道",
        lead="{ref} 对比了汇聚层和卷积层处理通道的方式。")
def fig_pool_channels() -> Figure:
    f = Figure(720, 260)
    cols = [BLUE, PURPLE, TEAL]
    f.text(180, 28, "汇聚层：逐通道", size=14, weight="bold")
    for k, col in enumerate(cols):
        y = 50 + k * 60
        f.rect(40, y, 70, 46, fill=col[0], stroke=col[1], rx=2)
        f.arrow(112, y + 23, 220, y + 23, color=col[1])
        f.text(166, y + 12, "汇聚", size=11, color=MUTED)
        f.rect(225, y + 6, 46, 34, fill=col[0], stroke=col[1], rx=2)
    f.text(160, 240, "3 个通道 → 3 个通道", size=12, color=MUTED)
    f.line(360, 30, 360, 240, color="#e2e8f0", sw=1)
    f.text(540, 28, "卷积层（1 个输出通道）：跨通道相加", size=14, weight="bold")
    for k, col in enumerate(cols):
        y = 50 + k * 60
        f.rect(400, y, 70, 46, fill=col[0], stroke=col[1], rx=2)
        f.arrow(472, y + 23, 566, 125 + (k - 1) * 10, color=col[1])
    f.node(588, 125, "+", r=20, colors=YELLOW, size=20)
    f.arrow(608, 125, 640, 125)
    f.rect(645, 102, 50, 46, fill=GREEN[0], stroke=GREEN[1], rx=2)
    f.text(540, 240, "3 个通道 → 1 个通道（每个通道先与自己的核做互相关）", size=12, color=MUTED)
    return f


@figure("lenet", page=P + "lenet.md", anchor="## 网络结构",
        caption="LeNet 的数据流（本书的 28×28 输入版本）：两个“卷积—sigmoid—平均汇聚”块把 1×28×28 的图像"
                "变成 16×5×5 的特征，展平成 400 维后经过三个全连接层得到 10 个类别的得分。",
        alt="从左到右一串方块表示各层输出：1×28×28 的图像，卷积后 6×28×28，汇聚后 6×14×14，"
            "卷积后 16×10×10，汇聚后 16×5×5，再展平为 400，经全连接层得到 120、84 和 10",
        lead="{ref} 标出了每一层之后的形状。")
def fig_lenet() -> Figure:
    f = Figure(850, 310)
    maps = [(20, "1×28×28", GREY, 84, 4), (150, "6×28×28", BLUE, 84, 14),
            (280, "6×14×14", BLUE, 46, 14), (390, "16×10×10", ORANGE, 34, 24),
            (510, "16×5×5", ORANGE, 20, 24)]
    ops = ["卷积 5×5\n填充 2\nsigmoid", "平均汇聚\n2×2，步幅 2", "卷积 5×5\nsigmoid",
           "平均汇聚\n2×2，步幅 2"]
    mid = 140
    for x, lab, col, size, depth in maps:
        f.cube(x, mid - size / 2, size, size, depth, col)
        f.text(x + (size + depth) / 2, mid + 60, lab, size=12)
    for k, op in enumerate(ops):
        xa = maps[k][0] + maps[k][3] + maps[k][4] + 2
        xb = maps[k + 1][0] - 4
        f.arrow(xa, mid, xb, mid, color=MUTED)
        f.lines((xa + xb) / 2, mid - 72 - (12 if op.count("\n") == 2 else 0), op, size=11,
                color=MUTED)
    fc = [(600, "展平\n400", GREY), (670, "全连接\n120", GREEN), (740, "全连接\n84", GREEN),
          (810, "全连接\n10", GREEN)]
    f.arrow(558, mid, 596, mid, color=MUTED)
    for k, (x, lab, col) in enumerate(fc):
        h = 150 - k * 28 if k else 170
        f.box(x - 30, mid - h / 2, 52, h, "", col)
        f.lines(x - 4, mid + 112, lab, size=12)
        if k:
            f.arrow(fc[k - 1][0] + 22, mid, x - 30, mid, color=MUTED)
    f.text(425, 292, "前两个全连接层后接 sigmoid；输出 10 个类别的得分（logits）", size=12,
           color=MUTED)
    return f


@figure("fc-vs-conv-params", page=P + "why-conv.md", anchor="## 参数量有多大",
        caption="同样处理 100 万像素的单通道图像：全连接层的每个隐藏单元都连到全部像素，1000 个隐藏单元就有约 10 亿个参数；"
                "3×3 卷积层只有一个 3×3 的卷积核和一个偏置，共 10 个参数，在所有位置上重复使用。",
        alt="左边一张大图像的所有像素都连向右边一列隐藏单元，旁边写着 10 的 6 次方乘 1000 加 1000 约 10 亿个参数；"
            "右边同样的图像上只有一个 3×3 的小窗口在滑动，旁边写着 9 加 1 等于 10 个参数",
        lead="{ref} 对比了两种层的连接方式。")
def fig_fc_vs_conv_params() -> Figure:
    f = Figure(780, 300)
    n_pix, n_hid = 1000 * 1000, 1000
    dense = n_pix * n_hid + n_hid
    conv = 3 * 3 + 1
    f.text(190, 26, "全连接层", size=14, weight="bold")
    f.rect(30, 60, 150, 150, fill=GREY[0], stroke=GREY[1], rx=2)
    f.text(105, 226, "1000×1000 像素", size=12, color=MUTED)
    for k in range(6):
        y = 60 + k * 30
        f.node(320, y + 15, "", r=10, colors=YELLOW)
        for px, py in ((40, 70), (170, 70), (40, 200), (170, 200), (105, 135)):
            f.line(px, py, 310, y + 15, color="#94a3b8", sw=0.5)
    f.text(320, 250, "1000 个隐藏单元", size=12, color=MUTED)
    f.text(190, 278, f"{n_pix:,} × {n_hid:,} + {n_hid:,} ≈ {dense / 1e9:.0f} × 10^{{9}} 个参数",
           size=13, color=RED[1])
    f.line(400, 40, 400, 285, color="#e2e8f0", sw=1)
    f.text(590, 26, "3×3 卷积层", size=14, weight="bold")
    f.rect(440, 60, 150, 150, fill=GREY[0], stroke=GREY[1], rx=2)
    f.text(515, 226, "1000×1000 像素", size=12, color=MUTED)
    for i0, j0 in ((0, 0), (3, 5)):
        f.grid(452 + j0 * 12, 72 + i0 * 12, [[None] * 3 for _ in range(3)], cell=12,
               colors=(ORANGE[0], ORANGE[1]))
    f.arrow(500, 96, 520, 120, color=MUTED, sw=1, head=6)
    f.grid(640, 100, [["w"] * 3 for _ in range(3)], cell=28, colors=ORANGE, size=12)
    f.text(682, 86, "同一个卷积核", size=12, color=MUTED)
    f.text(682, 200, "+ 偏置 b", size=12, color=MUTED)
    f.text(590, 278, f"3 × 3 + 1 = {conv} 个参数", size=13, color=GREEN[1])
    return f
