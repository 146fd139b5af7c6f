# ruff: noqa: E501 —— 图题、替代文字是中文长句，按句保留在一行里更便于校对
"""多层感知机一章的插图。"""

from __future__ import annotations

import math

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

P = "chapter_multilayer-perceptrons/"


@figure("mlp-net", page=P + "mlp.md", anchor="## 加入隐藏层",
        caption="有一个隐藏层的多层感知机：4 个输入、5 个隐藏单元、3 个输出，相邻两层之间全连接。",
        alt="三列结点从左到右排列：4 个输入结点、5 个隐藏单元、3 个输出结点，相邻两列的每对结点之间都有连线；"
            "隐藏单元上标着先做仿射变换再经过激活函数",
        lead="{ref} 画出了一个有 5 个隐藏单元的多层感知机。")
def fig_mlp_net() -> Figure:
    f = Figure(640, 360)
    f.network([[f"x_{{{i}}}" for i in range(1, 5)], [f"h_{{{i}}}" for i in range(1, 6)],
               [f"o_{{{i}}}" for i in range(1, 4)]], x0=110, y_mid=165, dx=200, dy=56,
              r=21, colors=(BLUE, YELLOW, GREEN),
              labels=["输入层\n4 个特征", "隐藏层\n5 个隐藏单元", "输出层\n3 个输出"],
              label_y=320, size=14)
    f.text(210, 22, "W^{(1)}：5×4，b^{(1)}", size=13, color=ORANGE[1])
    f.text(410, 22, "W^{(2)}：3×5，b^{(2)}", size=13, color=ORANGE[1])
    return f


@figure("xor", page=P + "mlp.md", anchor="## 感知机学不会异或",
        caption="异或的四个点在原来的平面上无法用一条直线分开（左）；经过一个隐藏层换一个表示之后，"
                "一条直线就够了（右）。",
        alt="左图平面上四个点：(0,0) 和 (1,1) 为一类，(0,1) 和 (1,0) 为另一类，两类交错；"
            "右图是隐藏层 h1=ReLU(x1+x2)、h2=ReLU(x1+x2-1) 下的新坐标，(0,1) 与 (1,0) 重合到 (1,0)，"
            "一条虚线 h1-2h2=0.5 把它与另外两个点分开",
        lead="{ref} 从几何上说明了这一点，也预告了隐藏层的作用。")
def fig_xor() -> Figure:
    f = Figure(760, 330)

    def axes(ox: float, oy: float, sx: float, sy: float, xmax: float, ymax: float,
             xl: str, yl: str) -> None:
        f.arrow(ox - 10, oy, ox + xmax * sx + 30, oy, color=MUTED, sw=1.2, head=7)
        f.arrow(ox, oy + 10, ox, oy - ymax * sy - 30, color=MUTED, sw=1.2, head=7)
        f.text(ox + xmax * sx + 40, oy, xl, size=14, anchor="start")
        f.text(ox, oy - ymax * sy - 44, yl, size=14)
        for t in range(int(xmax) + 1):
            f.text(ox + t * sx, oy + 16, str(t), size=11, color=MUTED)
        for t in range(1, int(ymax) + 1):
            f.text(ox - 24, oy - t * sy, str(t), size=11, color=MUTED)

    def point(x: float, y: float, label: int) -> None:
        if label:
            f.circle(x, y, 10, fill=ORANGE[0], stroke=ORANGE[1], sw=2)
        else:
            f.rect(x - 9, y - 9, 18, 18, fill=BLUE[0], stroke=BLUE[1], sw=2, rx=2)

    ox, oy, s = 70, 250, 150
    axes(ox, oy, s, s, 1, 1, "x_{1}", "x_{2}")
    data = {(0, 0): 0, (0, 1): 1, (1, 0): 1, (1, 1): 0}
    for (a, b), lab in data.items():
        point(ox + a * s, oy - b * s, lab)
        f.text(ox + a * s + 16, oy - b * s - 16, f"({a},{b})", size=11, color=MUTED,
               anchor="start")
    f.line(ox - 20, oy - 0.5 * s - 60, ox + s + 30, oy - 0.5 * s + 40, color=RED[1], dash="6 4")
    f.text(ox + s / 2, 40, "原输入：任何直线都分不开", size=14, weight="bold")
    # 右图：隐藏层表示
    ox2, oy2, sx2, sy2 = 450, 250, 110, 110
    axes(ox2, oy2, sx2, sy2, 2, 1, "h_{1}", "h_{2}")
    hidden = {}
    for (a, b), lab in data.items():
        h1, h2 = max(a + b, 0), max(a + b - 1, 0)
        hidden[(h1, h2)] = lab
    for (h1, h2), lab in hidden.items():
        point(ox2 + h1 * sx2, oy2 - h2 * sy2, lab)
    f.text(ox2 + 1 * sx2, oy2 + 34, "(0,1) 与 (1,0) 都到这里", size=11, color=MUTED)
    # 直线 h1 - 2 h2 = 0.5：h2 = (h1 - 0.5) / 2
    pts = [(h1, (h1 - 0.5) / 2) for h1 in (0.3, 2.4)]
    f.line(ox2 + pts[0][0] * sx2, oy2 - pts[0][1] * sy2, ox2 + pts[1][0] * sx2,
           oy2 - pts[1][1] * sy2, color=GREEN[1], sw=2, dash="6 4")
    f.text(ox2 + 1.2 * sx2, oy2 - 0.75 * sy2, "h_{1} − 2h_{2} = 0.5", size=12,
           color=GREEN[1], anchor="end")
    f.text(ox2 + sx2, 40, "隐藏层表示：一条直线就够了", size=14, weight="bold")
    f.text(ox2 + sx2, 312, "h_{1} = ReLU(x_{1} + x_{2})，h_{2} = ReLU(x_{1} + x_{2} − 1)",
           size=12, color=MUTED)
    f.rect(ox - 30, 292, 20, 14, fill=BLUE[0], stroke=BLUE[1], rx=2)
    f.text(ox - 4, 299, "异或为 0", size=12, anchor="start")
    f.circle(ox + 90, 299, 7, fill=ORANGE[0], stroke=ORANGE[1], sw=2)
    f.text(ox + 102, 299, "异或为 1", size=12, anchor="start")
    return f


_FWD = {  # 计算图中的结点：名字 -> (x, y, 是否为变量)
    "x": (60, 200, True), "W1": (60, 80, True), "z": (250, 200, True), "h": (400, 200, True),
    "W2": (400, 80, True), "o": (570, 200, True), "y": (570, 310, True), "L": (720, 250, True),
    "s": (570, 40, True), "J": (860, 150, True),
}
_LAB = {"x": "x", "W1": "W^{(1)}", "z": "z", "h": "h", "W2": "W^{(2)}", "o": "o", "y": "y",
        "L": "L", "s": "s", "J": "J"}
_OPS = [  # (运算结点的位置, 名字, 输入, 输出)
    ((160, 200), "×", ["x", "W1"], "z"), ((325, 200), "φ", ["z"], "h"),
    ((490, 200), "×", ["h", "W2"], "o"), ((650, 250), "l", ["o", "y"], "L"),
    ((490, 40), "‖·‖²", ["W1", "W2"], "s"), ((790, 150), "+", ["L", "s"], "J"),
]


_SX = 0.84  # 横向压缩：让图在正文栏里不必缩小太多
_FWD = {k: (round(28 + (x - 60) * _SX), y, v) for k, (x, y, v) in _FWD.items()}
_OPS = [((round(28 + (x - 60) * _SX), y), n, i, o) for (x, y), n, i, o in _OPS]


def _graph(f: Figure, backward: bool) -> None:
    def edge(a: tuple[float, float], b: tuple[float, float], ra: float, rb: float,
             color: str, dash: str | None = None) -> None:
        d = math.hypot(b[0] - a[0], b[1] - a[1])
        ux, uy = (b[0] - a[0]) / d, (b[1] - a[1]) / d
        f.arrow(a[0] + ux * ra, a[1] + uy * ra, b[0] - ux * rb, b[1] - uy * rb, color=color,
                dash=dash)

    for (ox, oy), _, ins, out in _OPS:
        for name in ins:
            x, y, _ = _FWD[name]
            if backward and name in ("x", "y"):
                edge((x, y), (ox, oy), 22, 17, "#cbd5e1")
            elif backward:
                edge((ox, oy), (x, y), 17, 22, RED[1], "5 3")
            else:
                edge((x, y), (ox, oy), 22, 17, INK)
        x, y, _ = _FWD[out]
        if backward:
            edge((x, y), (ox, oy), 22, 17, RED[1], "5 3")
        else:
            edge((ox, oy), (x, y), 17, 22, INK)
    for (ox, oy), name, _, _ in _OPS:
        f.circle(ox, oy, 17, fill=YELLOW[0], stroke=YELLOW[1])
        f.text(ox, oy, name, size=13 if len(name) < 3 else 11)
    params = {"W1", "W2"}
    for name, (x, y, _) in _FWD.items():
        col = ORANGE if name in params else (GREEN if name == "J" else BLUE)
        f.rect(x - 22, y - 18, 44, 36, fill=col[0], stroke=col[1], rx=5)
        f.text(x, y, _LAB[name], size=14)


@figure("backprop-forward", page=P + "backprop.md", anchor="## 计算图",
        caption="单隐藏层多层感知机（带 L2 正则化）的计算图：方框是变量，圆圈是运算，箭头是前向传播的方向。",
        alt="从左到右的计算图：x 与 W1 相乘得 z，经激活函数 φ 得 h，h 与 W2 相乘得 o，o 与标签 y 经损失函数得 L；"
            "上方 W1 和 W2 经范数平方得正则项 s；L 与 s 相加得目标函数 J",
        lead="{ref} 是这个模型的计算图。")
def fig_backprop_forward() -> Figure:
    f = Figure(780, 360)
    _graph(f, backward=False)
    f.text(210, 345, "方框：变量（橙色为参数）   圆圈：运算   箭头：前向传播", size=13,
           color=MUTED)
    return f


@figure("backprop-backward", page=P + "backprop.md", anchor="## 反向传播",
        caption="反向传播沿计算图的箭头逆向进行：从 J 出发，每经过一个运算就乘上它的局部导数，"
                "在参数 W^(1)、W^(2) 处得到梯度；x 与 y 是数据，不需要梯度。",
        alt="与前向计算图形状相同，但箭头是红色虚线并且方向相反，从 J 指回 L 和 s，再一路指回 W2 和 W1；"
            "通往 x 和 y 的边画成浅灰色，表示不求梯度",
        lead="{ref} 标出了梯度流动的方向。")
def fig_backprop_backward() -> Figure:
    f = Figure(800, 410)
    _graph(f, backward=True)
    notes = [(860, 196, "∂J/∂J = 1"), (720, 296, "∂J/∂L = 1"), (570, 246, "∂J/∂o"),
             (400, 246, "∂J/∂h"), (250, 246, "∂J/∂z"), (400, 124, "∂J/∂W^{(2)}"),
             (96, 124, "∂J/∂W^{(1)}")]
    for x, y, s in notes:
        f.text(28 + (x - 60) * _SX, y, s, size=12, color=RED[1])
    for x, s in [(140, "∂J/∂W^{(1)} = x^{⊤} · ∂J/∂z + λW^{(1)}"),
                 (400, "∂J/∂z = ∂J/∂h ⊙ φ′(z)"),
                 (660, "∂J/∂W^{(2)} = h^{⊤} · ∂J/∂o + λW^{(2)}")]:
        f.text(x, 365, s, size=13)
    f.text(400, 392, "红色虚线：梯度传递的方向；浅灰色：通往数据 x、y 的边，不需要梯度", size=12,
           color=MUTED)
    return f


@figure("backprop-memory", page=P + "backprop.md", anchor="## 训练比预测需要更多的内存",
        caption="预测时每层的输出用完即可释放；训练时前向传播的中间结果 z、h、o 要一直保留到反向传播用到它们为止。",
        alt="两行时间轴。上行是预测：z、h、o 依次算出，每个方块在下一个算出后就变成虚线表示释放；"
            "下行是训练：前向算出的 z、h、o 一直保留，直到反向传播依次用完它们才释放",
        lead="{ref} 对比了两种情形下中间结果的寿命。")
def fig_backprop_memory() -> Figure:
    f = Figure(830, 295)
    f.text(70, 60, "预测", size=14, weight="bold")
    f.text(70, 180, "训练", size=14, weight="bold")
    names = ["z", "h", "o"]
    for k, n in enumerate(names):
        x = 130 + k * 90
        f.box(x, 42, 70, 36, n, BLUE, size=14)
        if k < 2:
            f.arrow(x + 70, 60, x + 90, 60)
            f.text(x + 35, 96, "用完即释放", size=11, color=MUTED)
    f.box(400, 42, 70, 36, "输出", GREEN, size=13)
    f.arrow(130 + 2 * 90 + 70, 60, 400, 60)
    # 训练
    for k, n in enumerate(names):
        x = 130 + k * 90
        f.box(x, 162, 70, 36, n, BLUE, size=14)
        f.arrow(x + 70, 180, x + 90, 180)
    f.box(400, 162, 50, 36, "J", GREEN, size=14)
    steps = [(470, 120, "∂J/∂o，∂J/∂W^{(2)}"), (610, 60, "∂J/∂h"),
             (690, 120, "∂J/∂z，∂J/∂W^{(1)}")]
    f.arrow(450, 180, 470, 180, color=RED[1])
    for x, w, lab in steps:
        f.box(x, 162, w, 36, lab, RED, size=11)
    f.arrow(590, 180, 610, 180, color=RED[1])
    f.arrow(670, 180, 690, 180, color=RED[1])
    uses = [(165, 730, 252), (255, 555, 240), (345, 505, 228)]  # (z|h|o 的中心, 用到处, 高度)
    for x0, use, yy in uses:
        f.polyline([(x0, 198), (x0, yy), (use, yy), (use, 198)], color=ORANGE[1], dash="4 3",
                   arrow=True, head=6)
    f.text(430, 275, "虚线：前向保存的 o、h、z 在反向传播中被用到（损失的导数、W^{(2)} 的梯度、φ′(z)）",
           size=12, color=ORANGE[1])
    f.text(600, 140, "反向传播（红色）：从 J 往回依次计算", size=12, color=RED[1])
    return f


@figure("dropout", page=P + "dropout.md", anchor="## 无偏的暂退",
        caption="暂退法：训练时每个隐藏单元以概率 p 被置零（画叉的单元），保留下来的单元除以 1 − p，"
                "使期望不变；每个小批量重新抽取被暂退的单元。",
        alt="左右两个相同的多层感知机。左边是没有暂退的网络；右边第二个和第五个隐藏单元画了红叉，"
            "与它们相连的边都被去掉，其余隐藏单元旁标注除以 1 减 p",
        lead="{ref} 对比了暂退前后的网络。")
def fig_dropout() -> Figure:
    f = Figure(800, 340)
    layers = [[f"x_{{{i}}}" for i in range(1, 5)], [f"h_{{{i}}}" for i in range(1, 6)],
              [f"o_{{{i}}}" for i in range(1, 4)]]
    f.network(layers, x0=60, y_mid=160, dx=140, dy=50, r=19, colors=(BLUE, YELLOW, GREEN),
              size=13)
    f.text(200, 22, "不用暂退", size=14, weight="bold")
    f.network(layers, x0=460, y_mid=160, dx=140, dy=50, r=19, colors=(BLUE, YELLOW, GREEN),
              dropped=[(1, 1), (1, 4)], size=13)
    f.text(600, 22, "训练时暂退（p = 0.4，这一次暂退了 h_{2}、h_{5}）", size=14, weight="bold")
    f.text(600, 310, "留下的单元：h′ = h / (1 − p)；预测时不暂退", size=13, color=MUTED)
    f.text(200, 310, "全部隐藏单元参与计算", size=13, color=MUTED)
    f.line(400, 40, 400, 320, color="#e2e8f0", sw=1)
    return f


@figure("capacity", page=P + "underfit-overfit.md", anchor="## 模型复杂度",
        caption="模型复杂度与误差的典型关系：训练误差随复杂度一路下降，泛化误差先降后升；"
                "两者之间的差距随复杂度变大。",
        alt="横轴是模型复杂度，纵轴是误差。蓝色的训练误差曲线单调下降，橙色的泛化误差曲线先下降后上升，"
            "最低点处标着合适的复杂度，左侧区域写着欠拟合，右侧区域写着过拟合",
        lead="{ref} 示意了这种典型的关系（示意图，不是某次实验的结果）。")
def fig_capacity() -> Figure:
    f = Figure(640, 340)
    ox, oy, w, h = 70, 280, 520, 230
    f.arrow(ox, oy, ox + w + 20, oy, color=INK, sw=1.2)
    f.arrow(ox, oy, ox, oy - h - 20, color=INK, sw=1.2)
    f.text(ox + w, oy + 24, "模型复杂度 →", size=13, anchor="end")
    f.text(ox - 14, oy - h / 2, "误差", size=13, rotate=-90)

    def train(t: float) -> float:
        return 0.08 + 0.8 * math.exp(-3.2 * t)

    def gen(t: float) -> float:
        return train(t) + 0.04 + 0.5 * t ** 2.2

    ts = [i / 100 for i in range(101)]
    best = min(ts, key=gen)

    def pt(t: float, v: float) -> tuple[float, float]:
        return ox + 10 + t * (w - 20), oy - v / 1.0 * h

    f.rect(ox + 1, oy - h, (pt(best, 0)[0] - ox) - 60, h - 1, fill=BLUE[0], stroke="none",
           rx=0, opacity=0.5)
    f.rect(pt(best, 0)[0] + 60, oy - h, ox + w - pt(best, 0)[0] - 60, h - 1, fill=RED[0],
           stroke="none", rx=0, opacity=0.5)
    f.polyline([pt(t, train(t)) for t in ts], color=BLUE[1], sw=2.4)
    f.polyline([pt(t, min(gen(t), 0.98)) for t in ts if gen(t) < 0.98], color=ORANGE[1], sw=2.4)
    bx, by = pt(best, gen(best))
    f.line(bx, by, bx, oy, color=MUTED, dash="4 3")
    f.circle(bx, by, 5, fill=ORANGE[1], stroke=ORANGE[1])
    f.text(bx, oy + 24, "合适的复杂度", size=12, color=MUTED)
    f.text(ox + 60, oy - h + 24, "欠拟合", size=14, color=BLUE[1], weight="bold")
    f.text(ox + w - 60, oy - h + 24, "过拟合", size=14, color=RED[1], weight="bold")
    f.text(pt(0.6, 0)[0], pt(0.6, train(0.6))[1] + 20, "训练误差", size=13, color=BLUE[1])
    f.text(pt(0.78, 0)[0] - 8, pt(0.78, gen(0.78))[1], "泛化误差", size=13,
           color=ORANGE[1], anchor="end")
    gx = pt(0.85, 0)[0]
    f.arrow(gx, pt(0, train(0.85))[1] - 3, gx, pt(0, gen(0.85))[1] + 3, color=MUTED, sw=1,
            head=6, both=True)
    f.text(gx + 8, (pt(0, train(0.85))[1] + pt(0, gen(0.85))[1]) / 2, "差距", size=12,
           color=MUTED, anchor="start")
    return f


@figure("kfold", page=P + "underfit-overfit.md", anchor="### K 折交叉验证",
        caption="K 折交叉验证（K = 5）：训练数据分成 5 份，每一轮用其中一份做验证、其余四份训练，"
                "5 个验证误差取平均。",
        alt="五行横条，每行分成五段；第 i 行的第 i 段是橙色的验证折，其余是蓝色的训练折；"
            "每行右边写着第 i 轮的验证误差 e_i，最下面写着平均误差",
        lead="{ref} 以 K = 5 为例画出了这个过程。")
def fig_kfold() -> Figure:
    f = Figure(720, 320)
    k, seg, h = 5, 84, 34
    x0, y0 = 110, 50
    for i in range(k):
        y = y0 + i * (h + 12)
        f.text(x0 - 14, y + h / 2, f"第 {i + 1} 轮", size=13, anchor="end")
        for j in range(k):
            col = ORANGE if i == j else BLUE
            f.box(x0 + j * seg, y, seg - 4, h, "验证" if i == j else "训练", col, size=12, rx=4)
        f.text(x0 + k * seg + 16, y + h / 2, f"→ 验证误差 e_{{{i + 1}}}", size=13,
               anchor="start")
    f.text(x0 + k * seg / 2, 26, "训练数据（测试集不参与）", size=13, color=MUTED)
    f.text(x0 + k * seg + 16, y0 + k * (h + 12) + 14, "平均：(e_{1} + … + e_{5}) / 5",
           size=13, anchor="start", weight="bold")
    f.text(x0 + k * seg / 2, y0 + k * (h + 12) + 14, "每个样本恰好当一次验证数据", size=12,
           color=MUTED)
    return f


@figure("data-split", page=P + "penguins.md", anchor="### 预留测试集",
        caption="数据的三种用途：测试集一开始就留出，直到最后只用一次；其余数据用 K 折交叉验证选择超参数，"
                "选定后用全部训练数据训练最终模型。",
        alt="一条横条分成两段：左边大段是训练数据，又细分为五折用于交叉验证；右边小段是测试集，"
            "旁边写着只在最后评估一次",
        lead="{ref} 概括了本节对数据的安排。")
def fig_data_split() -> Figure:
    f = Figure(700, 230)
    x0, y0, w, h = 40, 60, 480, 44
    for j in range(5):
        f.box(x0 + j * w / 5, y0, w / 5 - 3, h, f"折 {j + 1}", BLUE, size=12, rx=4)
    f.box(x0 + w + 10, y0, 130, h, "测试集", RED, size=14)
    f.brace(x0, y0 + h + 6, x0 + w - 3, y0 + h + 6, "训练数据：K 折交叉验证选超参数", size=13)
    f.brace(x0 + w + 10, y0 + h + 6, x0 + w + 140, y0 + h + 6, "最后只评估一次", size=12)
    f.text(x0 + w / 2, 36, "先留出测试集，再在剩下的数据上做一切选择", size=13, color=MUTED)
    f.flow([("交叉验证选出超参数", GREY), ("全部训练数据训练最终模型", GREEN),
            ("在测试集上报告", RED)], x=40, y=160, w=190, h=40, gap=40, direction="right",
           size=12)
    return f


@figure("weight-decay-geom", page=P + "weight-decay.md", anchor="## 范数与 L2 正则化",
        caption="L2 正则化的几何意义：损失的等高线（椭圆）以无正则化的解 w* 为中心，"
                "罚项的等高线是以原点为中心的圆；带罚项的解落在两族等高线相切之处，比 w* 更靠近原点。"
                "虚线是 λ 从 0 增大到 ∞ 时解的轨迹。",
        alt="二维权重平面上，一组以 w* 为中心的椭圆和一组以原点为中心的圆，二者在一个点相切，"
            "该点标为 w_λ；从 w* 到原点有一条虚线曲线",
        lead="{ref} 在两个权重的情形下画出了这件事。")
def fig_weight_decay_geom() -> Figure:
    f = Figure(600, 400)
    ox, oy, s = 110, 320, 78  # 原点与单位长度
    a, b, v1, v2 = 3.6, 2.3, 1.0, 0.25  # 损失 (w1-a)²/v1 + (w2-b)²/v2（w2 方向更陡）
    lam = 0.5

    def sol(lm: float) -> tuple[float, float]:
        return a / (1 + lm * v1), b / (1 + lm * v2)

    def px(w1: float, w2: float) -> tuple[float, float]:
        return ox + w1 * s, oy - w2 * s

    f.arrow(ox - 80, oy, ox + 5.6 * s, oy, color=MUTED, sw=1.2)
    f.arrow(ox, oy + 50, ox, oy - 3.5 * s, color=MUTED, sw=1.2)
    f.text(ox + 5.6 * s + 2, oy - 14, "w_{1}", size=14, anchor="end")
    f.text(ox + 14, oy - 3.5 * s + 6, "w_{2}", size=14, anchor="start")
    wl = sol(lam)
    c_loss = (wl[0] - a) ** 2 / v1 + (wl[1] - b) ** 2 / v2
    r_pen = math.hypot(*wl)
    cx, cy = px(a, b)
    f.begin_clip(20, 20, 560, 360)
    for q in (0.25, 0.6, 1.0):
        f.ellipse(cx, cy, math.sqrt(c_loss * q * v1) * s, math.sqrt(c_loss * q * v2) * s,
                  stroke=ORANGE[1], sw=1.6 if q == 1.0 else 1, dash=None if q == 1.0 else "4 3")
    for q in (0.45, 0.75, 1.0):
        f.circle(ox, oy, r_pen * q * s, stroke=BLUE[1], sw=1.6 if q == 1.0 else 1,
                 dash=None if q == 1.0 else "4 3")
    f.end_clip()
    path = [px(*sol(10 ** (k / 20))) for k in range(-60, 61)]
    f.polyline([px(a, b)] + path + [px(0, 0)], color=PURPLE[1], sw=1.6, dash="2 4")
    f.circle(cx, cy, 4.5, fill=ORANGE[1], stroke=ORANGE[1])
    f.text(cx + 10, cy - 12, "w*（λ = 0）", size=13, anchor="start", color=ORANGE[1])
    lx, ly = px(*wl)
    f.circle(lx, ly, 5, fill=PURPLE[1], stroke=PURPLE[1])
    f.text(lx - 10, ly - 14, f"w_{{λ}}（λ = {lam}）", size=13, anchor="end", color=PURPLE[1])
    f.text(ox - 10, oy + 18, "0", size=12, color=MUTED, anchor="end")
    f.text(440, 385, "橙色：损失的等高线；蓝色：‖w‖² 的等高线", size=12, color=MUTED)
    return f


@figure("shift-types", page=P + "environment.md", anchor="## 分布偏移的类型",
        caption="三种分布偏移：协变量偏移时输入的分布变了，标签偏移时各类别的比例变了，"
                "概念偏移时同一个输入该给的标签变了。",
        alt="三个小面板。第一个：训练与测试的输入分布是两条错开的曲线，判别边界不变；"
            "第二个：两类的柱状比例在训练和测试时不同；第三个：同一输入区域在训练时属于一类、测试时属于另一类",
        lead="{ref} 用示意图区分了三种偏移。")
def fig_shift_types() -> Figure:
    f = Figure(800, 280)
    panels = [("协变量偏移", "p(x) 变，p(y | x) 不变"), ("标签偏移", "p(y) 变，p(x | y) 不变"),
              ("概念偏移", "p(y | x) 变")]
    for k, (t, sub) in enumerate(panels):
        x0 = 20 + k * 260
        f.rect(x0, 20, 240, 240, fill="#ffffff", stroke="#e2e8f0", rx=8)
        f.text(x0 + 120, 44, t, size=14, weight="bold")
        f.text(x0 + 120, 240, sub, size=12, color=MUTED)
    # 协变量偏移：两个钟形曲线
    base, sx = 200, 20 + 20

    def bell(mu: float, col: str, dash: str | None) -> None:
        pts = [(sx + t * 2, base - 110 * math.exp(-((t - mu) / 18) ** 2)) for t in range(0, 101)]
        f.polyline(pts, color=col, sw=2, dash=dash)

    bell(35, BLUE[1], None)
    bell(68, ORANGE[1], "5 3")
    f.line(sx, base, sx + 200, base, color=MUTED, sw=1)
    f.text(sx + 60, 70, "训练", size=12, color=BLUE[1])
    f.text(sx + 150, 70, "测试", size=12, color=ORANGE[1])
    f.text(sx + 200, base + 14, "x", size=12, color=MUTED)
    # 标签偏移：柱状
    x1 = 300
    for j, (tr, te) in enumerate([(0.7, 0.3), (0.3, 0.7)]):
        bx = x1 + 20 + j * 100
        f.rect(bx, base - tr * 130, 30, tr * 130, fill=BLUE[0], stroke=BLUE[1], rx=2)
        f.rect(bx + 34, base - te * 130, 30, te * 130, fill=ORANGE[0], stroke=ORANGE[1], rx=2,
               dash="4 2")
        f.text(bx + 32, base + 14, f"类别 {'甲乙'[j]}", size=12, color=MUTED)
    f.line(x1, base, x1 + 200, base, color=MUTED, sw=1)
    f.text(x1 + 150, 62, "蓝：训练 橙：测试", size=11, color=MUTED)
    # 概念偏移：同样的输入区间，标签对调
    x2 = 560
    f.text(x2 + 100, 82, "同一类输入 x", size=12, color=MUTED)
    f.box(x2 + 20, 100, 75, 60, "训练时\n标为“甲”", BLUE, size=12)
    f.arrow(x2 + 98, 130, x2 + 122, 130, color=MUTED)
    f.box(x2 + 125, 100, 75, 60, "测试时\n应为“乙”", ORANGE, size=12)
    f.text(x2 + 110, 188, "如：词语的含义随地区、年代变化", size=11, color=MUTED)
    return f


@figure("symmetry", page=P + "numerical-stability-and-init.md", anchor="## 打破对称性",
        caption="对称性：如果一个隐藏层的所有单元初始值相同，它们收到的梯度也相同，更新后仍然相同，"
                "这一层就只相当于一个单元。随机初始化打破了这种对称。",
        alt="左边网络的三个隐藏单元用同一种颜色并标着相同的权重 c，旁边写着梯度相同、永远相同；"
            "右边网络的三个隐藏单元颜色各不相同，标着随机初始化",
        lead="{ref} 说明了这个问题。")
def fig_symmetry() -> Figure:
    f = Figure(760, 300)
    layers = [["x_{1}", "x_{2}"], ["h_{1}", "h_{2}", "h_{3}"], ["o"]]
    f.network(layers, x0=70, y_mid=140, dx=130, dy=60, r=20, colors=(BLUE, GREY, GREEN), size=13)
    f.text(200, 26, "全部初始化为同一个常数 c", size=14, weight="bold")
    f.lines(200, 260, "三个隐藏单元的输出相同、梯度相同，\n更新后依然相同", size=12, color=MUTED)
    pos2 = f.network(layers, x0=460, y_mid=140, dx=130, dy=60, r=20, colors=(BLUE, YELLOW, GREEN),
                     size=13)
    for (x, y), col in zip(pos2[1], [YELLOW, PURPLE, TEAL], strict=True):
        f.node(x, y, "", r=20, colors=col)
    for k, (x, y) in enumerate(pos2[1]):
        f.text(x, y, f"h_{{{k + 1}}}", size=13)
    f.text(590, 26, "随机初始化", size=14, weight="bold")
    f.lines(590, 260, "各单元从不同的起点出发，\n学到不同的特征", size=12, color=MUTED)
    f.line(380, 40, 380, 280, color="#e2e8f0", sw=1)
    return f


@figure("grad-product", page=P + "numerical-stability-and-init.md",
        anchor="### 梯度爆炸与梯度消失：矩阵连乘",
        caption="深层网络的梯度是许多层的局部导数（雅可比矩阵）连乘的结果。每层乘上的“倍数”只要略小于或略大于 1，"
                "经过 50 层就分别缩小到约十万分之一或放大到约九千倍。",
        alt="一排方框表示第 1 层到第 L 层，红色箭头从输出端反向穿过每一层，每层标注乘上雅可比矩阵 M_l；"
            "下方两行分别写着 0.8 的 50 次方约为 1.4 乘 10 的负 5 次方和 1.2 的 50 次方约为 9100",
        lead="{ref} 把这个乘积画成了一条链。")
def fig_grad_product() -> Figure:
    f = Figure(760, 270)
    labels = ["第 1 层", "第 2 层", "…", "第 L−1 层", "第 L 层"]
    x0 = 30
    for k, lab in enumerate(labels):
        x = x0 + k * 125
        if lab == "…":
            f.text(x + 45, 70, "…", size=20)
        else:
            f.box(x, 48, 90, 44, lab, BLUE, size=13)
        if k:
            f.arrow(x - 40, 70, x, 70)
    f.box(x0 + 5 * 125 + 10, 48, 70, 44, "损失", GREEN, size=13)
    f.arrow(x0 + 4 * 125 + 90, 70, x0 + 5 * 125 + 10, 70)
    f.arrow(x0 + 5 * 125 + 45, 120, x0 + 20, 120, color=RED[1], dash="5 3")
    f.text(400, 140, "反向传播：∂ℓ/∂h_{0} = M_{1}M_{2} … M_{L} · ∂ℓ/∂h_{L}（每过一层乘一个雅可比矩阵）",
           size=13, color=RED[1])
    small, large = 0.8 ** 50, 1.2 ** 50
    exp = math.floor(math.log10(small))
    f.text(400, 190, f"每层缩小到 0.8 倍：0.8^{{50}} ≈ {small / 10 ** exp:.1f}×10^{{{exp}}}"
           "   → 梯度消失", size=14, color=BLUE[1])
    f.text(400, 228, f"每层放大到 1.2 倍：1.2^{{50}} ≈ {large:,.0f}   → 梯度爆炸", size=14,
           color=ORANGE[1])
    return f


@figure("mlp-train-loop", page=P + "mlp-scratch.md", anchor="## 模型",
        caption="从零实现的多层感知机的前向计算：把图像展平，经过隐藏层的仿射变换和 ReLU，再经过输出层得到 logits。",
        alt="从左到右的流程：形状为批量乘 1 乘 28 乘 28 的图像，展平成批量乘 784，乘 W1 加 b1 得到批量乘隐藏单元数，"
            "经 ReLU，再乘 W2 加 b2 得到批量乘 10 的 logits",
        lead="{ref} 标出了每一步之后张量的形状。")
def fig_mlp_shapes() -> Figure:
    f = Figure(800, 200)
    items = [("图像\n(B, 1, 28, 28)", GREY), ("展平\n(B, 784)", BLUE),
             ("XW^{(1)} + b^{(1)}\n(B, h)", ORANGE), ("ReLU\n(B, h)", YELLOW),
             ("HW^{(2)} + b^{(2)}\n(B, 10)", ORANGE), ("logits\n(B, 10)", GREEN)]
    f.flow(items, x=20, y=60, w=108, h=58, gap=22, direction="right", size=12)
    f.text(400, 30, "B：批量大小    h：隐藏单元数", size=12, color=MUTED)
    f.text(400, 160, "W^{(1)}：(784, h)    W^{(2)}：(h, 10)    损失函数在 logits 上计算 softmax 交叉熵",
           size=12, color=MUTED)
    return f


@figure("decay-step", page=P + "weight-decay.md", anchor="## 为什么叫“衰减”",
        caption="带权重衰减的一步更新：先把 w 按比例缩短为 (1 − ηλ)w（向原点收缩），"
                "再沿数据损失的负梯度走一步。图中把 ηλ 画得很大，实际中它远小于 1。",
        alt="平面上从原点出发的向量 w，沿同一方向缩短成 (1 − ηλ)w，再从它的末端画出负梯度方向的一步，"
            "得到新的 w；虚线表示不带衰减时的一步",
        lead="{ref} 把这样的一步拆成了两段。")
def fig_decay_step() -> Figure:
    f = Figure(640, 320)
    ox, oy = 70, 270
    w = (380, -150)
    shrink = 0.7
    g = (-40, -70)  # −η·数据梯度
    wx, wy = ox + w[0], oy + w[1]
    sx, sy = ox + w[0] * shrink, oy + w[1] * shrink
    f.circle(ox, oy, 4, fill=INK, stroke=INK)
    f.text(ox - 10, oy + 16, "原点", size=12, color=MUTED, anchor="end")
    f.arrow(ox, oy, wx, wy, color=BLUE[1], sw=2)
    f.text(wx + 10, wy - 6, "w", size=16, color=BLUE[1], anchor="start")
    f.arrow(ox, oy + 0.5, sx, sy + 0.5, color=PURPLE[1], sw=3)
    f.text(sx - 8, sy + 26, "(1 − ηλ)w", size=14, color=PURPLE[1], anchor="start")
    f.arrow(sx, sy, sx + g[0], sy + g[1], color=RED[1], sw=2)
    f.text(sx + g[0] - 8, sy + g[1] / 2, "−η·数据损失的梯度", size=13, color=RED[1], anchor="end")
    f.circle(sx + g[0], sy + g[1], 5, fill=GREEN[1], stroke=GREEN[1])
    f.text(sx + g[0] + 10, sy + g[1] - 10, "新的 w", size=14, color=GREEN[1], anchor="start")
    f.arrow(wx, wy, wx + g[0], wy + g[1], color=MUTED, sw=1.2, dash="5 3")
    f.text(wx + g[0] + 8, wy + g[1] - 8, "不衰减时", size=12, color=MUTED, anchor="start")
    f.text(320, 300, "第一段：按比例缩短（衰减）；第二段：与普通的梯度下降相同", size=12, color=MUTED)
    return f


@figure("domain-classifier", page=P + "environment.md", anchor="## 用重要性权重纠正协变量偏移",
        caption="用域分类器估计重要性权重：把训练输入标为 z = 0、目标输入标为 z = 1，训练逻辑回归区分两者；"
                "它输出的对数几率 h(x) 取指数就是权重 β(x)，再用 β 给每个训练样本的损失加权。",
        alt="左边两堆输入：训练输入（有标签，标为 z 等于 0）和目标输入（无标签，标为 z 等于 1），"
            "一起送进域分类器（逻辑回归），输出 h(x)，经过 exp 得到 β(x)，最后进入加权的训练损失",
        lead="{ref} 概括了这个做法的几个步骤。")
def fig_domain_classifier() -> Figure:
    f = Figure(820, 250)
    f.box(20, 40, 150, 56, "训练输入 x_{i}\n（有标签）→ z = 0", BLUE, size=12)
    f.box(20, 140, 150, 56, "目标输入 u_{j}\n（无标签）→ z = 1", ORANGE, size=12)
    f.arrow(170, 68, 230, 110)
    f.arrow(170, 168, 230, 130)
    f.box(230, 90, 150, 60, "域分类器\n（逻辑回归）", PURPLE, size=13)
    f.arrow(380, 120, 420, 120)
    f.box(420, 96, 90, 48, "h(x)", YELLOW, size=14)
    f.arrow(510, 120, 550, 120)
    f.box(550, 96, 100, 48, "β(x) = e^{h(x)}", GREEN, size=13)
    f.arrow(650, 120, 690, 120)
    f.lines(748, 120, "加权训练\nΣ_{i} β(x_{i}) l(f(x_{i}), y_{i})", size=12)
    f.text(400, 225, "β 大：这类输入在目标分布里更常见，训练时给它更大的权重", size=12, color=MUTED)
    return f
