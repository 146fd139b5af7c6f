# ruff: noqa: E501 —— 图题、替代文字是中文长句，按句保留在一行里更便于校对
"""线性神经网络一章的插图。"""

from __future__ import annotations

import math

from d2l_figures import BLUE, GREEN, GREY, MUTED, ORANGE, PURPLE, RED, YELLOW, Figure, figure

P = "chapter_linear-networks/"


@figure("linreg-net", page=P + "linear-regression.md", anchor="## 从线性回归到神经网络",
        caption="线性回归是只有一层的神经网络：d 个输入各乘一个权重，加上偏置，得到一个输出。",
        alt="左边一列四个输入结点 x1 到 x4，每个都用箭头连到右边唯一的输出结点 o，箭头上标着权重 w1 到 w4，"
            "输出结点旁标着偏置 b",
        lead="{ref} 把线性回归画成了神经网络的样子。")
def fig_linreg_net() -> Figure:
    f = Figure(520, 300)
    pos = f.network([[f"x_{{{i}}}" for i in range(1, 5)], ["o"]], x0=120, y_mid=140, dx=250,
                    dy=58, r=22, colors=(BLUE, GREEN), labels=["输入层（d = 4）", "输出层"],
                    label_y=272, size=15)
    (ox, oy), = pos[1]
    for i, (x, y) in enumerate(pos[0]):
        t = 0.42
        f.text(x + (ox - x) * t, y + (oy - y) * t - 11, f"w_{{{i + 1}}}", size=13,
               color=ORANGE[1])
    f.text(ox + 34, oy - 28, "+ b", size=14, color=ORANGE[1], anchor="start")
    f.text(ox + 34, oy + 4, "o = Σ_{i} w_{i}x_{i} + b", size=13, anchor="start")
    f.text(260, 24, "每个输入都直接连到输出：全连接层", size=13, color=MUTED)
    return f


@figure("sgd-loop", page=P + "linear-regression.md", anchor="## 小批量随机梯度下降",
        caption="小批量随机梯度下降的一轮循环：取一个小批量，算损失，求梯度，沿负梯度方向更新参数，然后换下一个小批量。",
        alt="四个方框排成一圈并用箭头首尾相连：随机取一个小批量、前向计算平均损失、反向传播求梯度、"
            "参数减去学习率乘梯度；中间写着遍历完所有小批量为一轮",
        lead="整个训练过程就是 {ref} 中这个循环的反复执行。")
def fig_sgd_loop() -> Figure:
    f = Figure(640, 300)
    w, h = 210, 60
    boxes = [
        (40, 40, "① 随机取一个小批量 ℬ\n（|ℬ| 个样本）", BLUE),
        (390, 40, "② 前向计算\n小批量上的平均损失", YELLOW),
        (390, 200, "③ 反向传播\n求损失对 w、b 的梯度", ORANGE),
        (40, 200, "④ 更新参数\nw ← w − η · 梯度", GREEN),
    ]
    for x, y, lab, col in boxes:
        f.box(x, y, w, h, lab, col, size=13)
    f.arrow(250, 70, 390, 70)
    f.arrow(495, 100, 495, 200)
    f.arrow(390, 230, 250, 230)
    f.arrow(145, 200, 145, 100)
    f.lines(320, 150, "所有小批量都用过一次\n= 一轮（epoch）", size=13, color=MUTED)
    f.text(320, 280, "η：学习率；梯度是小批量上平均损失的梯度", size=12, color=MUTED)
    return f


@figure("minibatch-iter", page=P + "linear-regression-scratch.md", anchor="## 按小批量读取数据",
        caption="按小批量读取：每一轮先把样本下标随机打乱，再按顺序切成批量；样本数不能整除时，最后一批较小。",
        alt="上排是按顺序排列的十个样本下标 0 到 9，下排是打乱后的下标，被括号分成大小为 4、4、2 的三个小批量",
        lead="{ref} 演示了 10 个样本、批量大小为 4 时的情形。")
def fig_minibatch_iter() -> Figure:
    f = Figure(640, 215)
    c = 44
    x0 = 100
    f.grid(x0, 40, [list(range(10))], cell=c, colors=GREY)
    f.text(x0 - 14, 62, "下标", size=13, color=MUTED, anchor="end")
    order = [7, 2, 9, 4, 0, 5, 8, 1, 6, 3]
    fills = {}
    cols = [BLUE[0], ORANGE[0], GREEN[0]]
    for j in range(10):
        fills[(0, j)] = cols[j // 4]
    f.arrow(x0 + 5 * c, 90, x0 + 5 * c, 120, color=MUTED)
    f.text(x0 + 5 * c + 10, 105, "每轮重新随机打乱", size=12, color=MUTED, anchor="start")
    f.grid(x0, 124, [order], cell=c, fills=fills)
    f.text(x0 - 14, 146, "打乱后", size=13, color=MUTED, anchor="end")
    for k, (a, b) in enumerate([(0, 4), (4, 8), (8, 10)]):
        f.brace(x0 + a * c + 3, 174, x0 + b * c - 3, 174, f"第 {k + 1} 批（{b - a} 个）",
                size=12)
    return f


@figure("image-tensor", page=P + "image-classification-dataset.md",
        anchor="## 一张图像就是一个张量",
        caption="一张 28×28 的灰度图像是形状为 (1, 28, 28) 的张量（通道、高、宽）；"
                "许多张叠成一个小批量，形状为 (批量大小, 1, 28, 28)；线性模型再把每张展平成 784 维向量。",
        alt="左边是一张用 28×28 个灰度小方格画成的 T 恤图像，中间是把若干张图像叠在一起的小批量，"
            "右边是一行展平后的 784 个像素值",
        lead="{ref} 概括了图像在本章中的几种形状。")
def fig_image_tensor() -> Figure:
    f = Figure(760, 270)
    n, c = 28, 6
    x0, y0 = 30, 50

    def shirt(i: int, j: int) -> int:  # 一件简化的 T 恤：0 为背景，其余为灰度
        body = 6 <= j <= 21 and 5 <= i <= 25
        sleeve = 5 <= i <= 11 and (1 <= j <= 26) and abs(j - 13.5) <= 8.5 + (11 - i) * 0.9
        neck = i <= 7 and 11 <= j <= 16
        if neck:
            return 0
        if body or sleeve:
            return 120 + ((i * 7 + j * 3) % 5) * 20
        return 0

    for i in range(n):
        for j in range(n):
            v = shirt(i, j)
            g = 255 - v
            f.rect(x0 + j * c, y0 + i * c, c, c, fill=f"#{g:02x}{g:02x}{g:02x}",
                   stroke="#e2e8f0", sw=0.3, rx=0)
    f.rect(x0, y0, n * c, n * c, stroke=MUTED, sw=1, rx=0)
    f.text(x0 + n * c / 2, 30, "一张图像：(1, 28, 28)", size=13)
    f.brace(x0, y0 + n * c + 4, x0 + n * c, y0 + n * c + 4, "宽 28", size=12)
    f.arrow(210, 134, 280, 134)
    # 小批量：几张叠在一起
    for k in range(4, -1, -1):
        f.rect(300 + k * 10, 70 - k * 8 + 20, 110, 110, fill=BLUE[0] if k else "#ffffff",
               stroke=BLUE[1], sw=1.2, rx=2)
    f.lines(355, 145, "第 1 张\n第 2 张 …", size=12, color=MUTED)
    f.text(380, 30, "小批量：(批量大小, 1, 28, 28)", size=13)
    f.arrow(470, 134, 530, 134)
    f.text(500, 120, "展平", size=12, color=MUTED)
    vals = ["0", "0", "…", "140", "160", "…", "0"]
    f.grid(540, 116, [vals], cell=30, colors=GREY, size=11)
    f.text(645, 90, "每张展平成 784 = 28×28 个数", size=13)
    f.text(645, 180, "(批量大小, 784)：线性模型的输入", size=12, color=MUTED)
    return f


@figure("onehot", page=P + "softmax-regression.md", anchor="## 分类问题与独热编码",
        caption="独热编码：类别是几就把第几个分量设为 1，其余为 0；向量的长度等于类别数。",
        alt="一张三行的表：猫、鸡、狗三个类别，类别编号（从 0 开始）分别是 0、1、2，独热向量分别是 1 0 0、0 1 0 和 0 0 1",
        lead="{ref} 画出了三个类别的独热编码。")
def fig_onehot() -> Figure:
    f = Figure(520, 230)
    rows = [("猫", 0), ("鸡", 1), ("狗", 2)]
    f.text(90, 30, "类别", size=13, color=MUTED)
    f.text(200, 30, "编号（从 0 起）", size=13, color=MUTED)
    f.text(370, 30, "独热向量 y", size=13, color=MUTED)
    c = 40
    for k, (name, idx) in enumerate(rows):
        y = 50 + k * 56
        f.box(40, y, 100, c, name, GREY, size=14)
        f.text(200, y + c / 2, str(idx), size=16)
        f.arrow(230, y + c / 2, 300, y + c / 2, color=MUTED)
        vec = [[1 if j == idx else 0 for j in range(3)]]
        f.grid(310, y, vec, cell=c, highlight=[(0, idx)], hcolors=ORANGE)
    return f


@figure("softmax-net", page=P + "softmax-regression.md", anchor="## 网络结构",
        caption="softmax 回归也是单层全连接网络：每个输出对应一个类别，所有输出再一起经过 softmax 变成概率。",
        alt="左边四个输入结点全部连到右边三个输出结点 o1、o2、o3，三个输出一起进入一个 softmax 方框，"
            "得到三个概率",
        lead="与线性回归相比，它只是把一个输出换成了 q 个输出，见 {ref}。")
def fig_softmax_net() -> Figure:
    f = Figure(640, 300)
    pos = f.network([[f"x_{{{i}}}" for i in range(1, 5)], [f"o_{{{k}}}" for k in range(1, 4)]],
                    x0=90, y_mid=150, dx=220, dy=56, r=22, colors=(BLUE, GREEN),
                    labels=["输入层（4 个像素特征）", "输出层（3 个类别）"], label_y=272, size=15)
    ys = [y for _, y in pos[1]]
    f.box(390, ys[0] - 20, 80, ys[-1] - ys[0] + 40, "softmax", PURPLE, size=14)
    for y in ys:
        f.arrow(332, y, 390, y)
    for k, y in enumerate(ys):
        f.arrow(470, y, 520, y)
        f.text(530, y, f"ŷ_{{{k + 1}}}", size=15, anchor="start")
    f.text(560, ys[-1] + 50, "ŷ 的分量为正，和为 1", size=12, color=MUTED)
    f.text(200, 22, "每个输入连到每个输出：权重是 4×3 的矩阵", size=13, color=MUTED)
    return f


@figure("softmax-xent", page=P + "softmax-regression.md", anchor="## 损失函数：交叉熵",
        caption="从 logits 到交叉熵损失的一个数值例子：softmax 先取指数再归一化，"
                "损失只取决于正确类别（这里是第 2 类）的预测概率。",
        alt="logits 2.0、1.0、-1.0 取指数得 7.39、2.72、0.37，除以总和 10.48 得概率 0.705、0.259、0.035；"
            "标签的独热向量是 0 1 0，交叉熵损失为负的 log 0.259 约等于 1.35",
        lead="{ref} 用一组具体的数走了一遍这个计算。")
def fig_softmax_xent() -> Figure:
    f = Figure(760, 270)
    o = [2.0, 1.0, -1.0]
    e = [math.exp(v) for v in o]
    s = sum(e)
    p = [v / s for v in e]
    loss = -math.log(p[1])
    c = 52
    cols = [("logits o", [f"{v:.1f}" for v in o], GREY),
            ("exp(o)", [f"{v:.2f}" for v in e], YELLOW),
            ("概率 ŷ", [f"{v:.3f}" for v in p], PURPLE),
            ("标签 y", ["0", "1", "0"], ORANGE)]
    xs = [40, 190, 340, 520]
    for (title, vals, col), x in zip(cols, xs, strict=True):
        f.text(x + c / 2 + 10, 30, title, size=13, color=MUTED)
        f.grid(x, 48, [[v] for v in vals], cell=c, colors=GREY, highlight=[(1, 0)],
               hcolors=col, size=14)
        f.rect(x, 48, c, 3 * c, stroke="#94a3b8", sw=0.6, rx=0)
    f.arrow(96, 126, 186, 126)
    f.text(141, 112, "取指数", size=12, color=MUTED)
    f.arrow(246, 126, 336, 126)
    f.text(291, 112, f"÷ {s:.2f}", size=12, color=MUTED)
    f.text(291, 142, "（总和）", size=11, color=MUTED)
    f.text(460, 126, "对照", size=12, color=MUTED)
    f.lines(680, 126, f"损失\n−log ŷ_{{2}}\n= {loss:.2f}", size=14, color=RED[1])
    f.arrow(576, 126, 630, 126, color=RED[1])
    f.text(380, 240, "ŷ 的分量都为正、和为 1；y 是正确类别（第 2 类）的独热向量，"
           "交叉熵 −Σ y_{j} log ŷ_{j} 只剩一项", size=12, color=MUTED)
    return f
