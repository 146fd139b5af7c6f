# ruff: noqa: E501 —— 图题、替代文字是中文长句，按句保留在一行里更便于校对
"""预备知识一章的插图：张量的形状、广播、按轴求和、矩阵-向量积、链式法则、计算图。"""

from __future__ import annotations

from d2l_figures import BLUE, GREEN, GREY, MUTED, ORANGE, PURPLE, RED, YELLOW, Figure, figure

P = "chapter_preliminaries/"
SHADES = ["#eff6ff", "#dbeafe", "#bfdbfe", "#93c5fd", "#7fb2f8", "#60a5fa"]


@figure("reshape", page=P + "ndarray.md", anchor="## 改变形状",
        caption="改变形状只改变“怎样分行”：六个元素按行优先的次序排成 (2, 3)、(3, 2) 或 (6,)，"
                "次序始终不变。",
        alt="同一组六个元素 a 到 f 分别排成两行三列、三行两列和一行六个，颜色由浅到深表示元素的次序",
        lead="{ref} 用颜色标出元素的次序：无论排成几行几列，按行读出来的次序都一样。")
def fig_reshape() -> Figure:
    f = Figure(660, 230)
    letters = "abcdef"
    c = 38

    def shaped(x: float, y: float, rows: int, cols: int, label: str) -> None:
        vals = [[letters[i * cols + j] for j in range(cols)] for i in range(rows)]
        fills = {(i, j): SHADES[i * cols + j] for i in range(rows) for j in range(cols)}
        f.grid(x, y, vals, cell=c, fills=fills)
        f.text(x + cols * c / 2, y - 18, label, size=13, color=MUTED)

    shaped(30, 70, 2, 3, "形状 (2, 3)")
    f.arrow(160, 108, 240, 108)
    f.text(200, 92, "reshape(3, 2)", size=12, color=MUTED)
    shaped(256, 52, 3, 2, "形状 (3, 2)")
    f.arrow(350, 108, 400, 108)
    f.text(375, 92, "reshape(-1)", size=12, color=MUTED)
    shaped(412, 89, 1, 6, "形状 (6,)")
    f.text(330, 205, "按行优先的次序读出：a b c d e f —— 三种形状共用同一段内存", size=13,
           color=MUTED)
    return f


@figure("broadcast", page=P + "ndarray.md", anchor="## 广播机制",
        caption="广播：形状 (3, 1) 的 a 与形状 (1, 4) 的 b 相加时，两者沿长度为 1 的轴复制成 (3, 4)，"
                "再按元素相加。浅色数字是复制出来的元素，实际并不占用内存。",
        alt="左边一列三个数 1、2、3 横向复制成三行四列，中间一行四个数 0、10、20、30 纵向复制成三行四列，"
            "右边是两者按元素相加得到的三行四列结果",
        lead="{ref} 画出了两个形状不同的张量相加时发生的事情。")
def fig_broadcast() -> Figure:
    f = Figure(720, 230)
    a, b = [1, 2, 3], [0, 10, 20, 30]
    c = 34
    y = 70
    ga = [[a[i]] * 4 for i in range(3)]
    gb = [b[:] for _ in range(3)]
    gs = [[a[i] + b[j] for j in range(4)] for i in range(3)]
    f.grid(30, y, ga, cell=c, highlight=[(i, 0) for i in range(3)], hcolors=BLUE,
           muted=[(i, j) for i in range(3) for j in range(1, 4)])
    f.text(30 + 2 * c, y - 20, "a：形状 (3, 1)", size=13)
    f.text(190, y + 1.5 * c, "+", size=22)
    f.grid(215, y, gb, cell=c, highlight=[(0, j) for j in range(4)], hcolors=ORANGE,
           muted=[(i, j) for i in range(1, 3) for j in range(4)])
    f.text(215 + 2 * c, y - 20, "b：形状 (1, 4)", size=13)
    f.text(375, y + 1.5 * c, "=", size=22)
    f.grid(400, y, gs, cell=c, colors=GREEN)
    f.text(400 + 2 * c, y - 20, "a + b：形状 (3, 4)", size=13)
    f.lines(630, y + 1.5 * c, "每个元素\n= a_{i} + b_{j}", size=13, color=MUTED)
    f.text(360, 205, "深色边框：原有的元素；浅色数字：沿长度为 1 的轴复制出来的元素", size=13,
           color=MUTED)
    return f


@figure("axis-sum", page=P + "linear-algebra.md", anchor="## 降维求和",
        caption="沿轴求和：sum(axis=0) 把每一列加起来，消去轴 0；sum(axis=1) 把每一行加起来，消去轴 1。",
        alt="同一个两行三列的矩阵画了两次：左边把每列的两个数向下加成一行三个数，右边把每行的三个数向右加成一列两个数",
        lead="被求和的轴会从形状里消失，{ref} 画出了两种情形。")
def fig_axis_sum() -> Figure:
    f = Figure(700, 275)
    m = [[3, 1, 4], [1, 5, 9]]
    c = 40
    # 左：axis=0
    x0, y0 = 60, 60
    f.grid(x0, y0, m, cell=c, colors=BLUE)
    f.text(x0 + 1.5 * c, y0 - 22, "形状 (2, 3)", size=13, color=MUTED)
    col = [m[0][j] + m[1][j] for j in range(3)]
    for j in range(3):
        f.arrow(x0 + (j + 0.5) * c, y0 + 2 * c + 4, x0 + (j + 0.5) * c, y0 + 2 * c + 36,
                color=ORANGE[1])
    f.grid(x0, y0 + 2 * c + 40, [col], cell=c, colors=ORANGE)
    f.text(x0 + 1.5 * c, y0 + 3 * c + 62, "sum(axis=0) → 形状 (3,)", size=13)
    f.arrow(x0 - 22, y0 + 4, x0 - 22, y0 + 2 * c - 4, color=MUTED, sw=1.2)
    f.text(x0 - 36, y0 + c, "轴 0", size=12, color=MUTED, rotate=-90)
    # 右：axis=1
    x1, y1 = 390, 60
    f.grid(x1, y1, m, cell=c, colors=BLUE)
    f.text(x1 + 1.5 * c, y1 - 22, "形状 (2, 3)", size=13, color=MUTED)
    row = [sum(r) for r in m]
    for i in range(2):
        f.arrow(x1 + 3 * c + 4, y1 + (i + 0.5) * c, x1 + 3 * c + 40, y1 + (i + 0.5) * c,
                color=PURPLE[1])
    f.grid(x1 + 3 * c + 44, y1, [[row[0]], [row[1]]], cell=c, colors=PURPLE)
    f.text(x1 + 2.5 * c, y1 + 2 * c + 44, "sum(axis=1) → 形状 (2,)", size=13)
    f.arrow(x1 + 4, y1 + 2 * c + 12, x1 + 3 * c - 4, y1 + 2 * c + 12, color=MUTED, sw=1.2)
    f.text(x1 - 8, y1 + 2 * c + 12, "轴 1", size=12, color=MUTED, anchor="end")
    return f


@figure("matvec", page=P + "linear-algebra.md", anchor="## 矩阵-向量积",
        caption="矩阵-向量积 y = Ax：y 的第 i 个元素是 A 的第 i 行与 x 的点积（图中标出第 2 行）。",
        alt="一个三行四列的矩阵乘以长为 4 的列向量得到长为 3 的列向量，矩阵的第二行、向量和结果的第二个元素被突出显示，"
            "旁边写出 0×1 + 3×2 + 1×0 + 1×1 = 7",
        lead="{ref} 画出了矩阵-向量积：每个输出元素都来自矩阵的一行。")
def fig_matvec() -> Figure:
    f = Figure(640, 250)
    a = [[1, 0, 2, -1], [0, 3, 1, 1], [2, 1, 0, 1]]
    x = [1, 2, 0, 1]
    y = [sum(a[i][j] * x[j] for j in range(4)) for i in range(3)]
    c = 36
    f.grid(40, 60, a, cell=c, colors=GREY, highlight=[(1, j) for j in range(4)], hcolors=BLUE)
    f.text(40 + 2 * c, 40, "A：3×4", size=13, color=MUTED)
    f.text(200, 60 + 1.5 * c + 18, "·", size=26)
    f.grid(220, 42, [[v] for v in x], cell=c, highlight=[(j, 0) for j in range(4)],
           hcolors=ORANGE)
    f.text(220 + c / 2, 26, "x", size=13, color=MUTED)
    f.text(285, 60 + 1.5 * c + 10, "=", size=22)
    f.grid(310, 60, [[v] for v in y], cell=c, colors=GREY, highlight=[(1, 0)], hcolors=GREEN)
    f.text(310 + c / 2, 40, "y", size=13, color=MUTED)
    terms = " + ".join(f"{a[1][j]}×{x[j]}" for j in range(4))
    f.text(375, 60 + 1.5 * c, f"y_{{2}} = {terms} = {y[1]}", size=14, anchor="start")
    f.text(320, 225, "A 的每一行与 x 做一次点积，3 行得到 3 个数", size=13, color=MUTED)
    return f


@figure("chain-rule", page=P + "calculus.md", anchor="## 链式法则",
        caption="链式法则的两种情形：左边是一条链，导数沿链相乘；右边 y 经由多个中间变量依赖 x，"
                "每条路径上的导数相乘后再相加。",
        alt="左图 x 经 g 得到 u、再经 f 得到 y，下方红色箭头反向写出 dy/du 与 du/dx 相乘；"
            "右图 x 同时影响 u1、u2、u3，三者都影响 y，三条路径的乘积相加得到 y 对 x 的偏导数",
        lead="{ref} 画出了变量之间的依赖关系，以及导数沿依赖关系的走向。")
def fig_chain_rule() -> Figure:
    f = Figure(760, 290)
    # 左：单链
    ys = 110
    xs = [60, 190, 320]
    for x, lab, col in zip(xs, ["x", "u", "y"], [BLUE, YELLOW, GREEN], strict=True):
        f.node(x, ys, lab, r=22, colors=col, size=16)
    f.arrow(82, ys, 168, ys)
    f.text(125, ys - 16, "u = g(x)", size=12, color=MUTED)
    f.arrow(212, ys, 298, ys)
    f.text(255, ys - 16, "y = f(u)", size=12, color=MUTED)
    f.arrow(298, ys + 50, 212, ys + 50, color=RED[1], dash="5 3")
    f.text(255, ys + 68, "dy/du", size=13, color=RED[1])
    f.arrow(168, ys + 50, 82, ys + 50, color=RED[1], dash="5 3")
    f.text(125, ys + 68, "du/dx", size=13, color=RED[1])
    f.text(190, 235, "dy/dx = dy/du · du/dx", size=15)
    f.text(190, 40, "一条链：导数相乘", size=14, weight="bold")
    # 右：多条路径
    x0, x1, x2 = 450, 580, 705
    f.node(x0, 140, "x_{i}", r=22, colors=BLUE, size=15)
    f.node(x2, 140, "y", r=22, colors=GREEN, size=16)
    for k, yy in enumerate([75, 140, 205]):
        f.node(x1, yy, f"u_{{{k + 1}}}", r=20, colors=YELLOW, size=14)
        f.arrow(x0 + 20, 140 + (yy - 140) * 0.15, x1 - 20, yy)
        f.arrow(x1 + 20, yy, x2 - 20, 140 + (yy - 140) * 0.15)
    f.text(578, 40, "多条路径：相乘再相加", size=14, weight="bold")
    f.text(578, 258, "∂y/∂x_{i} = Σ_{j} ∂y/∂u_{j} · ∂u_{j}/∂x_{i}", size=15)
    f.line(390, 30, 390, 270, color="#e2e8f0", sw=1)
    return f


@figure("autograd-graph", page=P + "autograd.md", anchor="## 一个简单的例子",
        caption="PyTorch 在前向计算时记下计算图：每个结果的 grad_fn 指向产生它的运算；"
                "backward() 沿图反向走一遍，把梯度存进叶子张量 x 的 grad。",
        alt="上排从左到右：叶子张量 x，经 exp、sum、log 三个运算得到 f，每个运算下面标着 ExpBackward0、"
            "SumBackward0、LogBackward0；下排红色虚线箭头从 f 反向经过这些运算回到 x.grad",
        lead="{ref} 画出了计算 $f$ 时 PyTorch 记下的计算图，以及 `backward()` 走过的方向。")
def fig_autograd_graph() -> Figure:
    f = Figure(760, 250)
    y = 80
    f.box(14, y - 26, 140, 52, "x\n（叶子，requires_grad）", BLUE, size=12)
    ops = [("exp", "ExpBackward0"), ("sum", "SumBackward0"), ("log", "LogBackward0")]
    xs = [200, 350, 500]
    prev = 154
    for (op, fn), x in zip(ops, xs, strict=True):
        f.arrow(prev, y, x - 34, y)
        f.node(x, y, op, r=34, colors=YELLOW, size=14)
        f.text(x, y + 50, fn, size=11, color=MUTED)
        prev = x + 34
    f.arrow(prev, y, 640, y)
    f.box(640, y - 24, 100, 48, "f（标量）", GREEN, size=13)
    f.text(390, 26, "前向计算：边算边记录", size=13, color=MUTED)
    yb = 180
    f.arrow(690, y + 26, 690, yb - 2, color=RED[1], dash="5 3")
    f.text(680, 145, "f.backward()", size=12, color=RED[1], anchor="end")
    f.arrow(690, yb, 150, yb, color=RED[1], dash="5 3")
    f.text(420, yb - 14, "沿 grad_fn 反向：逐个运算乘上局部导数", size=13, color=RED[1])
    f.box(20, yb - 22, 130, 44, "x.grad\n= ∂f/∂x", RED, size=12)
    f.text(390, 228, "梯度的形状与 x 相同；再次 backward() 时会加到 x.grad 上", size=13,
           color=MUTED)
    return f


@figure("tensor-ranks", page=P + "linear-algebra.md", anchor="## 标量、向量、矩阵和张量",
        caption="标量、向量、矩阵和三阶张量：轴的个数依次是 0、1、2、3，形状依次是 ()、(3,)、(4, 3) 和 (2, 4, 3)。"
                "这里的向量是一名学生的三门成绩，矩阵是 4 名学生的成绩表，三阶张量是两个学期的成绩表叠在一起。",
        alt="从左到右四个图形：一个单独的方格表示标量；一行三个方格表示向量；四行三列的方格表示矩阵，标出轴 0 和轴 1；"
            "两张四行三列的表前后叠放表示三阶张量，标出轴 0、轴 1、轴 2",
        lead="{ref} 把这四种对象和它们的轴画在一起。")
def fig_tensor_ranks() -> Figure:
    f = Figure(800, 290)
    c = 30
    f.grid(40, 110, [[""]], cell=c, colors=BLUE)
    f.text(55, 70, "标量", size=14, weight="bold")
    f.text(55, 230, "形状 ()", size=12, color=MUTED)
    f.text(55, 252, "0 个轴", size=12, color=MUTED)
    f.grid(120, 110, [[""] * 3], cell=c, colors=BLUE)
    f.text(165, 70, "向量", size=14, weight="bold")
    f.arrow(120, 152, 210, 152, color=ORANGE[1], sw=1.2)
    f.text(165, 166, "轴 0", size=11, color=ORANGE[1])
    f.text(165, 230, "形状 (3,)", size=12, color=MUTED)
    f.text(165, 252, "1 个轴", size=12, color=MUTED)
    f.grid(270, 70, [[""] * 3 for _ in range(4)], cell=c, colors=BLUE)
    f.text(315, 48, "矩阵", size=14, weight="bold")
    f.arrow(258, 70, 258, 190, color=ORANGE[1], sw=1.2)
    f.text(246, 130, "轴 0", size=11, color=ORANGE[1], anchor="end")
    f.arrow(270, 200, 360, 200, color=PURPLE[1], sw=1.2)
    f.text(315, 214, "轴 1", size=11, color=PURPLE[1])
    f.text(315, 240, "形状 (4, 3)", size=12, color=MUTED)
    f.text(315, 262, "2 个轴", size=12, color=MUTED)
    for s in (1, 0):
        f.grid(470 + s * 40, 80 - s * 30, [[""] * 3 for _ in range(4)], cell=c,
               colors=(GREEN[0] if s else BLUE[0], GREEN[1] if s else BLUE[1]))
    f.text(560, 30, "三阶张量", size=14, weight="bold")
    f.arrow(462, 90, 498, 56, color=GREEN[1], sw=1.2)
    f.text(452, 62, "轴 0", size=11, color=GREEN[1], anchor="end")
    f.arrow(458, 80, 458, 200, color=ORANGE[1], sw=1.2)
    f.text(446, 150, "轴 1", size=11, color=ORANGE[1], anchor="end")
    f.arrow(470, 210, 560, 210, color=PURPLE[1], sw=1.2)
    f.text(515, 224, "轴 2", size=11, color=PURPLE[1])
    f.text(560, 250, "形状 (2, 4, 3)", size=12, color=MUTED)
    f.text(560, 272, "3 个轴", size=12, color=MUTED)
    f.lines(710, 130, "如：两个学期\n× 4 名学生\n× 3 门课程", size=12, color=MUTED)
    return f


@figure("missing-values", page=P + "pandas.md", anchor="## 先分开输入和标签",
        caption="处理缺失值的三种办法（以本节数据的前四行为例，红色格子是 NaN）：删除含缺失值的行；"
                "数值列用该列的均值填补；类别列做独热编码，并为“缺失”单独建一列。",
        alt="左边是四行三列的特征表 Area、Rooms、Orientation，其中三个格子缺失；右边三个小表："
            "删除后只剩第一行；均值插值后两个数值列的缺失格子填上均值；"
            "独热编码后朝向变成南、北、缺失三列，每行恰好一个 1",
        lead="{ref} 先概括了下面要讲的处理缺失特征的三种办法。")
def fig_missing_values() -> Figure:
    f = Figure(760, 320)
    rows = [["88", "2", "南"], ["NaN", "3", "北"], ["126", "NaN", "南"], ["60", "1", "NaN"]]
    nan = {(i, j): RED[0] for i, r in enumerate(rows) for j, v in enumerate(r) if v == "NaN"}
    cw, ch = 52, 30

    def table(x: float, y: float, head: list[str], body: list[list[str]],
              fills: dict[tuple[int, int], str], width: float = cw) -> None:
        for j, hname in enumerate(head):
            f.rect(x + j * width, y, width, ch, fill=GREY[0], stroke=GREY[1], sw=1, rx=0)
            f.text(x + (j + 0.5) * width, y + ch / 2, hname, size=11)
        for i, r in enumerate(body):
            for j, v in enumerate(r):
                f.rect(x + j * width, y + (i + 1) * ch, width, ch,
                       fill=fills.get((i, j), "#ffffff"), stroke=GREY[1], sw=1, rx=0)
                f.text(x + (j + 0.5) * width, y + (i + 1.5) * ch, v, size=12)

    head = ["Area", "Rooms", "Orient."]
    table(30, 110, head, rows, nan)
    f.text(108, 90, "特征（价格缺失的行已删掉）", size=12, color=MUTED)
    f.arrow(196, 170, 300, 60, color=MUTED)
    f.arrow(196, 190, 300, 210, color=MUTED)
    f.polyline([(196, 180), (250, 112), (596, 112), (596, 128)], color=MUTED, arrow=True)
    table(310, 20, head, [rows[0]], {})
    f.text(480, 50, "① 删除：dropna() 只剩 1 行", size=12, anchor="start")
    filled = [[("均值" if v == "NaN" else v) for v in r[:2]] for r in rows]
    fills = {(i, j): GREEN[0] for (i, j) in nan if j < 2}
    table(310, 130, head[:2], filled, fills)
    f.text(362, 300, "② 数值列：用均值填补", size=12)
    onehot = [["1", "0", "0"], ["0", "1", "0"], ["1", "0", "0"], ["0", "0", "1"]]
    table(530, 130, ["南", "北", "nan"], onehot, {(3, 2): YELLOW[0]}, width=44)
    f.text(596, 300, "③ 类别列：独热编码（dummy_na=True）", size=12)
    return f
