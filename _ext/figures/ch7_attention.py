# ruff: noqa: E501 —— 图题、替代文字是中文长句，按句保留在一行里更便于校对
"""注意力机制一章的插图。"""

from __future__ import annotations

import math

from d2l_figures import (
    BLUE,
    GREEN,
    GREY,
    INK,
    MUTED,
    ORANGE,
    PINK,
    PURPLE,
    RED,
    TEAL,
    YELLOW,
    Figure,
    figure,
)

P = "chapter_attention-mechanisms/"
Q, K, V = ORANGE, BLUE, GREEN


def softmax(xs: list[float]) -> list[float]:
    m = max(xs)
    e = [math.exp(x - m) for x in xs]
    s = sum(e)
    return [v / s for v in e]


@figure("qkv", page=P + "attention-cues.md", anchor="## 查询、键和值",
        caption="注意力汇聚：查询与每个键比较，得到一组非负、和为 1 的注意力权重，"
                "输出是各个值按这些权重的加权和。",
        alt="左边一个查询；中间四个键值对，每个键与查询比较后得到一个权重，权重画成粗细不同的条形；"
            "右边把四个值按权重加权求和得到输出",
        lead="{ref} 画出了注意力汇聚的三个角色。")
def fig_qkv() -> Figure:
    f = Figure(820, 320)
    f.box(20, 130, 90, 50, "查询 q", Q, size=14)
    alphas = softmax([1.2, 2.6, 0.3, 1.0])
    for i in range(4):
        y = 40 + i * 66
        f.box(200, y, 70, 40, f"键 k_{{{i + 1}}}", K, size=13)
        f.box(300, y, 70, 40, f"值 v_{{{i + 1}}}", V, size=13)
        f.arrow(110, 155, 196, y + 20, color=MUTED, sw=1)
        a = alphas[i]
        f.rect(420, y + 8, 160 * a, 24, fill=PURPLE[0], stroke=PURPLE[1], rx=3)
        f.text(430 + 160 * a, y + 20, f"α_{{{i + 1}}} = {a:.2f}", size=12, anchor="start")
        f.arrow(372, y + 20, 416, y + 20, color=MUTED, sw=1)
        f.arrow(630, y + 20, 680, 160, color=PURPLE[1], sw=0.6 + 5 * a, head=6 + 4 * a)
    f.text(150, 30, "比较 q 与 k_{i}", size=12, color=MUTED)
    f.text(500, 24, "注意力权重（非负，和为 1）", size=12, color=MUTED)
    f.box(685, 130, 115, 60, "输出\nΣ_{i} α_{i} v_{i}", GREEN, size=13)
    f.text(390, 305, "权重不是固定的参数，而是由查询和键在每次前向传播时算出来的", size=12, color=MUTED)
    return f


@figure("nw-kernel", page=P + "nadaraya-watson.md", anchor="## 核回归就是注意力汇聚",
        caption="Nadaraya-Watson 核回归作为注意力汇聚：查询 x 附近的训练样本得到较大的权重（高斯核），"
                "预测值是各个 y_i 的加权平均。",
        alt="横轴上散布着训练样本的输入 x_i，上方的散点是它们的输出 y_i；以查询 x 为中心画一条钟形的高斯核曲线，"
            "每个样本下方的竖条高度表示它得到的注意力权重，离查询越近越高",
        lead="{ref} 把 Nadaraya-Watson 核回归画成了注意力汇聚的样子。")
def fig_nw_kernel() -> Figure:
    f = Figure(760, 320)
    ox, oy, w = 50, 270, 660
    xs = [0.4, 1.1, 1.6, 2.3, 2.7, 3.2, 3.9, 4.5, 5.2, 5.8, 6.5, 7.1]
    ys = [math.sin(x) + 0.2 * math.cos(3 * x) for x in xs]
    q, h = 3.0, 0.7

    def px(x: float) -> float:
        return ox + x / 7.5 * w

    f.arrow(ox, oy, ox + w + 10, oy, color=MUTED, sw=1.2)
    f.text(ox + w + 14, oy, "x", size=13, anchor="start")
    weights = [math.exp(-((x - q) / h) ** 2 / 2) for x in xs]
    total = sum(weights)
    alphas = [v / total for v in weights]
    curve = [(px(q + t / 20), oy - 150 * math.exp(-((t / 20) / h) ** 2 / 2))
             for t in range(-60, 61)]
    f.polyline(curve, color=PURPLE[1], sw=1.6, dash="5 3")
    for x, y, a in zip(xs, ys, alphas, strict=True):
        f.rect(px(x) - 6, oy - 300 * a, 12, 300 * a, fill=PURPLE[0], stroke=PURPLE[1], rx=1)
        f.circle(px(x), 110 - 45 * y, 5, fill=K[0], stroke=K[1])
    f.line(px(q), 40, px(q), oy, color=Q[1], dash="4 3")
    f.text(px(q), 30, "查询 x", size=13, color=Q[1])
    pred = sum(a * y for a, y in zip(alphas, ys, strict=True))
    f.circle(px(q), 110 - 45 * pred, 7, fill=Q[0], stroke=Q[1])
    f.text(px(q) - 12, 110 - 45 * pred - 4, "f(x) = Σ α_{i} y_{i}", size=12, anchor="end",
           color=Q[1])
    f.text(px(6.4), 48, "蓝点：训练样本 (x_{i}, y_{i})", size=12, color=K[1])
    f.text(px(6.4), 200, "紫色竖条：权重 α_{i}", size=12, color=PURPLE[1])
    f.text(px(6.4), 222, "虚线：高斯核", size=12, color=PURPLE[1])
    f.text(380, 300, "键 = 训练输入 x_{i}，值 = 训练输出 y_{i}，查询 = 要预测的 x", size=12,
           color=MUTED)
    return f


@figure("scoring", page=P + "attention-scoring-functions.md", anchor="## 从评分到权重",
        caption="注意力评分函数 a 给每个键打分，softmax 把分数变成权重，权重再给值加权求和。"
                "不同的注意力机制只是评分函数不同。",
        alt="查询分别与四个键送入评分函数 a，得到四个分数，经过 softmax 得到四个权重，再与四个值相乘求和得到输出",
        lead="{ref} 画出了从评分到输出的整个流程。")
def fig_scoring() -> Figure:
    f = Figure(800, 300)
    f.box(20, 120, 70, 44, "q", Q, size=15)
    scores = [0.8, 2.1, -0.5, 1.0]
    alphas = softmax(scores)
    for i in range(4):
        y = 30 + i * 62
        f.box(130, y, 60, 40, f"k_{{{i + 1}}}", K, size=13)
        f.node(250, y + 20, "a", r=18, colors=YELLOW, size=14)
        f.arrow(190, y + 20, 232, y + 20)
        f.polyline([(90, 142), (110, 142), (110, y + 48), (250, y + 48), (250, y + 38)],
                   color=MUTED, sw=0.8, arrow=True, head=6)
        f.text(310, y + 20, f"{scores[i]:.1f}", size=13)
        f.arrow(268, y + 20, 290, y + 20, color=MUTED, sw=1)
        f.text(480, y + 20, f"{alphas[i]:.2f}", size=13, color=PURPLE[1])
        f.box(540, y, 60, 40, f"v_{{{i + 1}}}", V, size=13)
        f.text(520, y + 20, "×", size=13)
        f.arrow(600, y + 20, 660, 142, color=MUTED, sw=1)
    f.box(345, 30, 90, 226, "softmax", PURPLE, size=14)
    f.text(310, 12, "分数", size=12, color=MUTED)
    f.text(480, 12, "权重", size=12, color=MUTED)
    f.node(680, 142, "Σ", r=20, colors=GREEN, size=16)
    f.arrow(700, 142, 740, 142)
    f.text(760, 142, "输出", size=13)
    f.text(400, 285, "加性注意力、缩放点积注意力只是 a 的两种选择", size=12, color=MUTED)
    return f


@figure("masked-softmax", page=P + "attention-scoring-functions.md", anchor="## 掩蔽 softmax",
        caption="掩蔽 softmax：两个序列都补齐到长度 4，有效长度分别是 2 和 3。超出有效长度的分数被替换成一个很大的负数，"
                "softmax 之后这些位置的权重为 0，其余位置的权重和为 1。",
        alt="左边是两行四列的分数表，第一行后两格、第二行最后一格被灰色遮住并写着负一百万；"
            "右边是 softmax 后的权重，被遮住的位置为 0，每行其余数字之和为 1",
        lead="{ref} 用两个序列演示了掩蔽的效果。")
def fig_masked_softmax() -> Figure:
    f = Figure(780, 240)
    scores = [[0.5, 1.5, 0.2, 0.9], [1.0, 0.0, 2.0, 0.4]]
    lens = [2, 3]
    c = 56
    shown = [[f"{v:.1f}" if j < n else "−10⁶" for j, v in enumerate(row)]
             for row, n in zip(scores, lens, strict=True)]
    masked = [(i, j) for i, n in enumerate(lens) for j in range(n, 4)]
    fills = {p: "#e2e8f0" for p in masked}
    f.grid(140, 70, shown, cell=c, fills=fills, muted=masked, size=14)
    f.text(140 + 2 * c, 50, "分数（有效长度之外被掩蔽）", size=13, color=MUTED)
    for i, n in enumerate(lens):
        f.text(126, 70 + (i + 0.5) * c, f"序列 {i + 1}，有效长度 {n}", size=12, anchor="end")
    f.arrow(140 + 4 * c + 10, 70 + c, 140 + 4 * c + 70, 70 + c)
    f.text(140 + 4 * c + 40, 70 + c - 14, "softmax", size=12, color=MUTED)
    weights = []
    for row, n in zip(scores, lens, strict=True):
        a = softmax(row[:n])
        weights.append([f"{v:.2f}" for v in a] + ["0"] * (4 - n))
    f.grid(140 + 4 * c + 80, 70, weights, cell=c, colors=PURPLE, fills=fills, muted=masked,
           size=14)
    f.text(140 + 6 * c + 80, 50, "注意力权重（每行和为 1）", size=13, color=MUTED)
    f.text(390, 210, "被掩蔽的位置（填充的词元）分不到任何注意力", size=12, color=MUTED)
    return f


@figure("additive", page=P + "attention-scoring-functions.md", anchor="## 加性注意力",
        caption="加性注意力的评分函数 a(q, k) = w_vᵀ tanh(W_q q + W_k k)：查询和键各自线性变换到同一个长度 h，"
                "相加后经过 tanh，再由 w_v 变成一个分数。查询和键的长度可以不同。",
        alt="查询 q 长度 d_q 经过 W_q 变成长度 h，键 k 长度 d_k 经过 W_k 变成长度 h，两者相加，经过 tanh，"
            "再与 w_v 做点积得到一个标量分数",
        lead="{ref} 画出了加性注意力的计算。")
def fig_additive() -> Figure:
    f = Figure(760, 260)
    f.box(20, 40, 110, 44, "q（长 d_{q}）", Q, size=13)
    f.box(20, 150, 110, 44, "k（长 d_{k}）", K, size=13)
    f.arrow(130, 62, 180, 62)
    f.arrow(130, 172, 180, 172)
    f.box(180, 40, 110, 44, "W_{q}q（长 h）", Q, size=12)
    f.box(180, 150, 110, 44, "W_{k}k（长 h）", K, size=12)
    f.node(350, 117, "+", r=18, colors=YELLOW, size=18)
    f.arrow(290, 62, 336, 104)
    f.arrow(290, 172, 336, 130)
    f.arrow(368, 117, 410, 117)
    f.box(410, 95, 90, 44, "tanh", TEAL, size=14)
    f.arrow(500, 117, 550, 117)
    f.box(550, 95, 90, 44, "w_{v}^{⊤} ·", PURPLE, size=14)
    f.arrow(640, 117, 680, 117)
    f.text(712, 117, "分数", size=13)
    f.text(380, 235, "可学习的参数：W_{q}（h × d_{q}）、W_{k}（h × d_{k}）、w_{v}（长 h）", size=12,
           color=MUTED)
    return f


@figure("dot-product", page=P + "attention-scoring-functions.md", anchor="## 缩放点积注意力",
        caption="缩放点积注意力的矩阵形式：n 个查询与 m 个键两两点积并除以 √d，得到 n×m 的分数；"
                "掩蔽、softmax 之后每行是一组权重，再乘 m×v 的值矩阵，得到 n×v 的输出。",
        alt="Q 是 n 乘 d 的矩阵，K 的转置是 d 乘 m，相乘并除以根号 d 得到 n 乘 m 的分数矩阵；"
            "经过掩蔽和 softmax 得到 n 乘 m 的权重矩阵；再乘 m 乘 v 的值矩阵 V，得到 n 乘 v 的输出",
        lead="{ref} 标出了缩放点积注意力每一步的形状。")
def fig_dot_product() -> Figure:
    f = Figure(860, 260)
    f.box(20, 70, 50, 100, "Q\nn×d", Q, size=12)
    f.text(85, 120, "·", size=24)
    f.box(100, 95, 100, 50, "Kᵀ\nd×m", K, size=12)
    f.text(220, 120, "/ √d", size=14)
    f.arrow(250, 120, 280, 120)
    f.box(285, 70, 100, 100, "分数\nn×m", YELLOW, size=12)
    f.arrow(385, 120, 420, 120)
    f.box(420, 95, 90, 50, "掩蔽\nsoftmax", PURPLE, size=12)
    f.arrow(510, 120, 540, 120)
    f.box(545, 70, 100, 100, "权重\nn×m", PURPLE, size=12)
    f.text(660, 120, "·", size=24)
    f.box(675, 70, 60, 100, "V\nm×v", V, size=12)
    f.arrow(740, 120, 770, 120)
    f.box(775, 70, 60, 100, "输出\nn×v", GREEN, size=12)
    f.text(430, 215, "除以 √d：当 q、k 的分量独立、方差为 1 时，点积的方差为 d，缩放后回到 1", size=12,
           color=MUTED)
    f.text(430, 240, "批量时再加一个批量轴：torch.bmm 一次算完", size=12, color=MUTED)
    return f


@figure("enc-dec", page=P + "encoder-decoder.md", anchor="## 编码器—解码器接口",
        caption="编码器—解码器架构：编码器把变长的输入序列编码成状态，解码器从这个状态出发，"
                "每次根据已经生成的词元预测下一个词元。",
        alt="左边编码器接收输入序列，输出状态；状态传给右边的解码器；解码器的输入是以开始符开头的目标序列，"
            "输出是逐个预测的词元",
        lead="{ref} 是编码器—解码器接口的示意图。")
def fig_enc_dec() -> Figure:
    f = Figure(760, 220)
    f.box(20, 80, 130, 50, "输入序列\n（源语言）", GREY, size=12)
    f.arrow(150, 105, 200, 105)
    f.box(200, 70, 140, 70, "编码器\nEncoder", BLUE, size=14)
    f.arrow(340, 105, 420, 105)
    f.text(380, 90, "状态", size=12, color=MUTED)
    f.box(420, 70, 140, 70, "解码器\nDecoder", ORANGE, size=14)
    f.arrow(560, 105, 610, 105)
    f.box(610, 80, 130, 50, "输出序列\n（逐个预测）", GREEN, size=12)
    f.arrow(490, 185, 490, 140)
    f.text(490, 200, "已生成的词元（训练时：以 <bos> 开头的目标序列）", size=12, color=MUTED)
    f.text(380, 30, "init_state(编码器输出) → 解码器的初始状态", size=12, color=MUTED)
    return f


@figure("bahdanau", page=P + "bahdanau-attention.md", anchor="## 模型",
        caption="Bahdanau 注意力（本节的简化版本）：编码器 GRU 的每一步隐状态 h_t 同时作为键和值；"
                "解码器在第 t′ 步用上一步的隐状态 s_{t′−1} 作查询，用加性注意力得到上下文 c_{t′}，"
                "与输入词元的嵌入连结后送入解码器 GRU。",
        alt="下排是编码器 GRU 的五个时间步，每一步输出一个隐状态 h1 到 h5；上方的解码器某一步把上一步隐状态 s 作为查询，"
            "与所有 h 计算加性注意力权重，加权求和得到上下文 c；c 与上一个输出词元的嵌入连结，进入解码器 GRU，"
            "得到新的隐状态和输出",
        lead="{ref} 画出了解码一步时的信息流。")
def fig_bahdanau() -> Figure:
    f = Figure(820, 390)
    alphas = softmax([0.1, 0.4, 2.2, 0.9, -0.3])
    f.text(70, 330, "编码器", size=14, weight="bold")
    xs = [150 + k * 110 for k in range(5)]
    for k, x in enumerate(xs):
        f.box(x, 300, 80, 40, "GRU", BLUE, size=12)
        f.text(x + 40, 362, f"词元 {k + 1}", size=11, color=MUTED)
        f.arrow(x + 40, 354, x + 40, 340, color=MUTED)
        if k:
            f.arrow(x - 30, 320, x, 320)
        f.box(x + 10, 240, 60, 34, f"h_{{{k + 1}}}", K, size=13)
        f.arrow(x + 40, 300, x + 40, 274)
        a = alphas[k]
        f.polyline([(x + 40, 240), (x + 40, 210), (420, 170)], color=PURPLE[1],
                   sw=0.5 + 6 * a, arrow=True, head=6 + 3 * a)
        f.text(x + 54, 222, f"{a:.2f}", size=11, color=PURPLE[1], anchor="start")
    f.box(360, 130, 120, 40, "加性注意力", PURPLE, size=13)
    f.box(150, 128, 110, 44, "查询\ns_{t′−1}", Q, size=12)
    f.arrow(260, 150, 360, 150, color=Q[1])
    f.box(540, 130, 90, 40, "上下文 c_{t′}", GREEN, size=12)
    f.arrow(480, 150, 540, 150)
    f.box(540, 30, 120, 40, "上一词元的嵌入", GREY, size=12)
    f.node(690, 100, "‖", r=16, colors=YELLOW, size=14)
    f.text(712, 100, "连结", size=11, color=MUTED, anchor="start")
    f.arrow(630, 150, 678, 112)
    f.arrow(660, 50, 680, 86)
    f.box(640, 200, 100, 40, "解码器 GRU", ORANGE, size=12)
    f.arrow(700, 116, 700, 200)
    f.arrow(740, 220, 790, 220)
    f.text(810, 258, "s_{t′}：下一步的查询", size=12, anchor="end", color=Q[1])
    f.text(400, 20, "解码器第 t′ 步", size=14, weight="bold")
    f.text(400, 380, "紫色箭头的粗细：这一步分给各个 h_{t} 的注意力权重（示意）", size=12, color=MUTED)
    return f


@figure("multihead", page=P + "multihead-attention.md", anchor="## 模型",
        caption="多头注意力：查询、键、值分别经过 h 组不同的线性投影，各自做一次注意力汇聚（h 个头），"
                "h 个头的输出连结起来，再经过一个线性层 W_o。",
        alt="底部是查询、键、值三个输入；它们分别进入三个并排的头，每个头有自己的三个投影和一个缩放点积注意力；"
            "三个头的输出在上方连结，再经过全连接层 W_o 得到输出",
        lead="{ref} 画出了 h = 3 时的结构。")
def fig_multihead() -> Figure:
    f = Figure(760, 400)
    heads = [BLUE, PURPLE, TEAL]
    for i, col in enumerate(heads):
        x = 60 + i * 230
        f.rect(x - 10, 120, 200, 170, fill="none", stroke=col[1], dash="5 3", rx=8)
        f.text(x + 90, 280, f"头 {i + 1}", size=12, color=col[1])
        for j, (lab, c2) in enumerate([("W_{" + str(i + 1) + "}^{(q)}", Q),
                                       ("W_{" + str(i + 1) + "}^{(k)}", K),
                                       ("W_{" + str(i + 1) + "}^{(v)}", V)]):
            f.box(x + j * 62, 210, 54, 40, lab, c2, size=11)
            f.arrow(x + j * 62 + 27, 210, x + 90, 178, color=MUTED, sw=1)
            f.arrow(120 + j * 260 - 60 + 0 * i, 330, x + j * 62 + 27, 250, color="#cbd5e1",
                    sw=0.9, head=6)
        f.box(x + 10, 134, 160, 44, "缩放点积注意力", col, size=12)
        f.arrow(x + 90, 134, 380, 100, color=col[1])
    for j, (lab, col) in enumerate([("查询", Q), ("键", K), ("值", V)]):
        f.box(20 + j * 260, 330, 80, 40, lab, col, size=13)
    f.box(250, 60, 260, 40, "连结 h 个头的输出", YELLOW, size=13)
    f.arrow(380, 60, 380, 44)
    f.box(300, 8, 160, 36, "全连接层 W_{o}", ORANGE, size=12)
    f.text(640, 30, "每个头的维数 = num_hiddens / h", size=12, color=MUTED)
    return f


@figure("head-reshape", page=P + "multihead-attention.md", anchor="## 批量实现",
        caption="transpose_qkv 的三步变形（h = 3 个头）：把最后一维切成 h 段，把“头”的轴移到位置轴前面，"
                "再把“头”并入批量轴。之后 h 个头的注意力就是一次批量矩阵乘法。",
        alt="四个形状依次用箭头相连：(批量, n, h·p) 的矩阵被切成三种颜色的三段；变成 (批量, n, h, p)；"
            "再变成 (批量, h, n, p)，三段颜色分开堆叠；最后变成 (批量·h, n, p)",
        lead="{ref} 用颜色标出了每个头的那一段。")
def fig_head_reshape() -> Figure:
    f = Figure(860, 250)
    cols = [BLUE, PURPLE, TEAL]
    n, cw, ch = 4, 16, 18
    # (B, n, h*p)
    x0, y0 = 30, 70
    for r in range(n):
        for hh in range(3):
            for p in range(2):
                f.rect(x0 + (hh * 2 + p) * cw, y0 + r * ch, cw, ch, fill=cols[hh][0],
                       stroke=cols[hh][1], sw=0.8, rx=0)
    f.text(x0 + 3 * cw, 50, "(批量, n, h·p)", size=12)
    f.arrow(140, 106, 180, 106)
    f.text(160, 92, "reshape", size=10, color=MUTED)
    # (B, n, h, p): 每行三段分开
    x1 = 190
    for r in range(n):
        for hh in range(3):
            for p in range(2):
                f.rect(x1 + hh * 40 + p * cw, y0 + r * ch, cw, ch, fill=cols[hh][0],
                       stroke=cols[hh][1], sw=0.8, rx=0)
    f.text(x1 + 56, 50, "(批量, n, h, p)", size=12)
    f.arrow(320, 106, 370, 106)
    f.text(345, 92, "permute", size=10, color=MUTED)
    # (B, h, n, p)
    x2 = 380
    for hh in range(3):
        for r in range(n):
            for p in range(2):
                f.rect(x2 + hh * 48 + p * cw, y0 + r * ch, cw, ch, fill=cols[hh][0],
                       stroke=cols[hh][1], sw=0.8, rx=0)
        f.text(x2 + hh * 48 + cw, y0 + n * ch + 14, f"头 {hh + 1}", size=10, color=cols[hh][1])
    f.text(x2 + 64, 50, "(批量, h, n, p)", size=12)
    f.arrow(530, 106, 580, 106)
    f.text(555, 92, "reshape", size=10, color=MUTED)
    # (B*h, n, p)
    x3 = 600
    for hh in range(3):
        for r in range(n):
            for p in range(2):
                f.rect(x3 + hh * 12 + p * cw, y0 - hh * 10 + 20 + r * ch, cw, ch,
                       fill=cols[hh][0], stroke=cols[hh][1], sw=0.8, rx=0)
    f.text(x3 + 40, 50, "(批量·h, n, p)", size=12)
    f.text(430, 200, "每个头成为批量中的一个“样本”：缩放点积注意力不用改一行代码", size=12,
           color=MUTED)
    f.text(430, 225, "transpose_output 按相反的顺序变回 (批量, n, h·p)", size=12, color=MUTED)
    return f


@figure("self-attn-paths", page=P + "self-attention-and-positional-encoding.md",
        anchor="## 自注意力、卷积与循环：代价比较",
        caption="三种处理序列的方式：卷积层（核宽 3）每个输出只连到相邻的输入；循环层沿序列逐个传递；"
                "自注意力让每个输出直接连到所有输入，任意两个位置之间的路径长度都是 1。",
        alt="三个面板，各有一行五个输入和一行五个输出。卷积：每个输出连到下面三个相邻的输入；"
            "循环：输出之间从左到右依次相连；自注意力：每个输出连到全部五个输入",
        lead="{ref} 画出了三者的连接方式。")
def fig_self_attn_paths() -> Figure:
    f = Figure(840, 300)
    titles = ["卷积（k = 3）", "循环", "自注意力"]
    notes = ["顺序操作 O(1)，最长路径 O(n/k)", "顺序操作 O(n)，最长路径 O(n)",
             "顺序操作 O(1)，最长路径 O(1)"]
    for p, (t, note) in enumerate(zip(titles, notes, strict=True)):
        x0 = 30 + p * 280
        f.text(x0 + 120, 24, t, size=14, weight="bold")
        xs = [x0 + 20 + k * 50 for k in range(5)]
        for k, x in enumerate(xs):
            f.node(x, 210, f"x_{{{k + 1}}}", r=15, colors=BLUE, size=11)
            f.node(x, 80, f"y_{{{k + 1}}}", r=15, colors=GREEN, size=11)
        for k, x in enumerate(xs):
            if p == 0:
                for d in (-1, 0, 1):
                    if 0 <= k + d < 5:
                        f.arrow(xs[k + d], 195, x, 96, color=MUTED, sw=1, head=6)
            elif p == 1:
                f.arrow(x, 195, x, 96, color=MUTED, sw=1, head=6)
                if k:
                    f.arrow(xs[k - 1] + 15, 80, x - 15, 80, color=ORANGE[1], sw=1.4, head=6)
            else:
                for xx in xs:
                    f.arrow(xx, 195, x, 96, color=PURPLE[1], sw=0.7, head=5)
        f.text(x0 + 120, 250, note, size=11, color=MUTED)
    f.text(420, 282, "n：序列长度；每层计算量：卷积 O(knd²)，循环 O(nd²)，自注意力 O(n²d)", size=12,
           color=INK)
    return f


@figure("pos-encoding", page=P + "self-attention-and-positional-encoding.md",
        anchor="## 位置编码",
        caption="正弦位置编码矩阵 P 的前 40 个位置、前 32 维（d = 32）：越靠左的列频率越高，"
                "变化越快；越靠右的列变化越慢。每一行（一个位置）是一个独特的图案。",
        alt="一张热图，纵轴是位置 0 到 39，横轴是编码维度 0 到 31；左边几列颜色上下快速交替，"
            "往右交替越来越慢，最右边几列几乎不变",
        lead="{ref} 把矩阵 P 画成了一张热图。")
def fig_pos_encoding() -> Figure:
    f = Figure(640, 420)
    n, d = 40, 32
    cw, chh = 12, 8
    x0, y0 = 90, 50

    def color(v: float) -> str:  # -1 → 蓝，0 → 白，1 → 橙
        if v >= 0:
            a = (255, 255, 255)
            b = (234, 88, 12)
        else:
            a = (255, 255, 255)
            b = (37, 99, 235)
        t = abs(v)
        r, g, bl = (round(a[i] + (b[i] - a[i]) * t) for i in range(3))
        return f"#{r:02x}{g:02x}{bl:02x}"

    for i in range(n):
        for j in range(d):
            freq = 1 / (10000 ** ((j // 2) * 2 / d))
            v = math.sin(i * freq) if j % 2 == 0 else math.cos(i * freq)
            f.rect(x0 + j * cw, y0 + i * chh, cw, chh, fill=color(v), stroke="none", rx=0, sw=0)
    f.rect(x0, y0, d * cw, n * chh, stroke=MUTED, sw=1, rx=0)
    for j in range(0, d + 1, 8):
        f.text(x0 + j * cw, y0 + n * chh + 14, str(j), size=11, color=MUTED)
    for i in range(0, n + 1, 10):
        f.text(x0 - 8, y0 + i * chh, str(i), size=11, color=MUTED, anchor="end")
    f.text(x0 + d * cw / 2, y0 + n * chh + 34, "编码维度 j（偶数列 sin，奇数列 cos）", size=12)
    f.text(40, y0 + n * chh / 2, "位置 i", size=12, rotate=-90)
    f.text(x0 + d * cw / 2, 30, "P 的第 i 行加到第 i 个词元的表示上", size=12, color=MUTED)
    lx = x0 + d * cw + 40
    for k in range(11):
        v = 1 - k / 5
        f.rect(lx, y0 + k * 16, 18, 16, fill=color(v), stroke="none", rx=0, sw=0)
    f.rect(lx, y0, 18, 176, stroke=MUTED, sw=1, rx=0)
    f.text(lx + 26, y0 + 8, "1", size=11, anchor="start")
    f.text(lx + 26, y0 + 88, "0", size=11, anchor="start")
    f.text(lx + 26, y0 + 168, "−1", size=11, anchor="start")
    return f


@figure("transformer", page=P + "transformer.md", anchor="## 模型",
        caption="Transformer 的编码器—解码器结构：编码器是 N 个相同的块（多头自注意力、前馈网络），"
                "解码器是 N 个相同的块（掩蔽多头自注意力、编码器—解码器注意力、前馈网络）；"
                "每个子层外面都有残差连接和层规范化。输入是词元嵌入加位置编码。",
        alt="左列是编码器：源序列嵌入加位置编码后，进入重复 N 次的块，块内是多头自注意力、加法和规范化、"
            "基于位置的前馈网络、加法和规范化。右列是解码器：目标序列嵌入加位置编码后，进入重复 N 次的块，"
            "块内是掩蔽多头自注意力、加法和规范化、编码器—解码器注意力（键和值来自编码器输出）、加法和规范化、"
            "前馈网络、加法和规范化；最后经过全连接层输出",
        lead="{ref} 是 Transformer 的整体结构。")
def fig_transformer() -> Figure:
    f = Figure(760, 600)
    AN = ("#f8fafc", INK)
    # 编码器
    ex, w = 80, 220
    f.rect(ex - 20, 180, w + 40, 270, fill="none", stroke=BLUE[1], dash="6 4", rx=10)
    f.text(ex - 26, 315, "× N", size=16, weight="bold", anchor="end")
    f.text(ex + 20, 168, "编码器", size=14, weight="bold", anchor="start")
    enc = [("加法和层规范化", AN, 196), ("基于位置的前馈网络", TEAL, 246),
           ("加法和层规范化", AN, 326), ("多头自注意力", PURPLE, 376)]
    for lab, col, y in enc:
        f.box(ex, y, w, 36, lab, col, size=12)
    f.arrow(ex + w / 2, 376, ex + w / 2, 362)
    f.arrow(ex + w / 2, 326, ex + w / 2, 282)
    f.arrow(ex + w / 2, 246, ex + w / 2, 232)
    f.box(ex, 480, w, 36, "嵌入 + 位置编码", GREY, size=12)
    f.arrow(ex + w / 2, 480, ex + w / 2, 412)
    f.text(ex + w / 2, 540, "源序列", size=12, color=MUTED)
    f.arrow(ex + w / 2, 530, ex + w / 2, 516)
    # 编码器的残差连接
    for ya, yb in ((440, 344), (300, 214)):
        f.polyline([(ex + w / 2, ya), (ex - 8, ya), (ex - 8, yb), (ex, yb)], color=RED[1],
                   sw=1.2, arrow=True, head=6)
    # 解码器
    dx = 460
    f.rect(dx - 20, 110, w + 40, 400, fill="none", stroke=ORANGE[1], dash="6 4", rx=10)
    f.text(dx + w + 26, 310, "× N", size=16, weight="bold", anchor="start")
    f.text(dx + 20, 98, "解码器", size=14, weight="bold", anchor="start")
    dec = [("加法和层规范化", AN, 124), ("基于位置的前馈网络", TEAL, 170),
           ("加法和层规范化", AN, 240), ("编码器—解码器注意力", PINK, 286),
           ("加法和层规范化", AN, 366), ("掩蔽多头自注意力", PURPLE, 412)]
    for lab, col, y in dec:
        f.box(dx, y, w, 36, lab, col, size=12)
    f.arrow(dx + w / 2, 412, dx + w / 2, 402)
    f.arrow(dx + w / 2, 366, dx + w / 2, 322)
    f.arrow(dx + w / 2, 286, dx + w / 2, 276)
    f.arrow(dx + w / 2, 240, dx + w / 2, 206)
    f.arrow(dx + w / 2, 170, dx + w / 2, 160)
    for ya, yb in ((470, 384), (340, 258), (222, 142)):
        f.polyline([(dx + w / 2, ya), (dx + w + 8, ya), (dx + w + 8, yb), (dx + w, yb)],
                   color=RED[1], sw=1.2, arrow=True, head=6)
    f.box(dx, 530, w, 36, "嵌入 + 位置编码", GREY, size=12)
    f.arrow(dx + w / 2, 530, dx + w / 2, 448)
    f.text(dx + w / 2, 586, "目标序列（右移一位，以 <bos> 开头）", size=12, color=MUTED)
    f.arrow(dx + w / 2, 576, dx + w / 2, 566)
    f.box(dx, 40, w, 36, "全连接层 → 词表上的得分", GREEN, size=12)
    f.arrow(dx + w / 2, 124, dx + w / 2, 76)
    # 编码器输出 → 编码器—解码器注意力（键和值）
    f.polyline([(ex + w / 2, 196), (ex + w / 2, 150), (400, 150), (400, 304), (dx, 304)],
               color=BLUE[1], sw=1.6, arrow=True)
    f.text(330, 140, "编码器输出（键和值）", size=11, color=BLUE[1])
    f.text(190, 585, "红色：残差连接", size=11, color=RED[1])
    return f


@figure("ffn", page=P + "transformer.md", anchor="### 基于位置的前馈网络",
        caption="基于位置的前馈网络：同一个两层的多层感知机分别作用在序列的每一个位置上，位置之间不交换信息；"
                "输入输出的形状都是 (批量, 步数, 特征)。",
        alt="一行五个位置的向量，每个都向上经过一个相同的小网络方框“全连接—ReLU—全连接”，得到上方五个输出向量；"
            "五个方框颜色相同，表示共享参数",
        lead="{ref} 画出了它的作用方式。")
def fig_ffn() -> Figure:
    f = Figure(720, 290)
    for k in range(5):
        x = 50 + k * 130
        f.rect(x + 20, 220, 60, 30, fill=BLUE[0], stroke=BLUE[1], rx=3)
        f.text(x + 50, 235, f"位置 {k + 1}", size=11)
        f.arrow(x + 50, 220, x + 50, 196)
        f.box(x, 110, 100, 86, "全连接\nReLU\n全连接", TEAL, size=11)
        f.arrow(x + 50, 110, x + 50, 86)
        f.rect(x + 20, 56, 60, 30, fill=GREEN[0], stroke=GREEN[1], rx=3)
    f.text(360, 30, "同一组参数作用在每个位置上（可以看成核宽为 1 的卷积）", size=12, color=MUTED)
    f.text(360, 275, "输入 (批量, 步数, d) → 隐藏层 (批量, 步数, d_{ff}) → 输出 (批量, 步数, d)",
           size=12, color=MUTED)
    return f


@figure("ln-vs-bn", page=P + "transformer.md", anchor="### 残差连接和层规范化",
        caption="批量规范化与层规范化的统计范围（输入形状为 (批量, 步数, 特征)）：批量规范化对每个特征，"
                "在批量和所有位置上求均值和方差；层规范化对每个样本的每个位置，在它自己的特征上求均值和方差。",
        alt="左右两个相同的立方网格，轴分别是批量、步数、特征。左边突出显示一个特征在所有样本和位置上的切片，"
            "标为批量规范化；右边突出显示一个样本一个位置上全部特征组成的一条，标为层规范化",
        lead="{ref} 对比了两者求统计量的范围。")
def fig_ln_vs_bn() -> Figure:
    f = Figure(780, 320)
    c = 22

    def slab(x0: float, y0: float, mode: str) -> None:
        # 3 个样本（前后错开），每个样本是 步数(行) × 特征(列) 的网格
        for s in range(2, -1, -1):
            ox, oy = x0 + s * 26, y0 - s * 26
            fills = {}
            for i in range(5):
                for j in range(6):
                    hit = (mode == "bn" and j == 2) or (mode == "ln" and s == 0 and i == 1)
                    fills[(i, j)] = (ORANGE[0] if mode == "bn" else PURPLE[0]) if hit else \
                        "#ffffff"
            f.grid(ox, oy, [[None] * 6 for _ in range(5)], cell=c, fills=fills)
        if mode == "bn":
            for s in range(3):
                f.rect(x0 + s * 26 + 2 * c, y0 - s * 26, c, 5 * c, stroke=ORANGE[1], sw=2, rx=0)
        else:
            f.rect(x0, y0 + c, 6 * c, c, stroke=PURPLE[1], sw=2.4, rx=0)
        f.text(x0 + 3 * c, y0 + 5 * c + 16, "特征 →", size=11, color=MUTED)
        f.text(x0 - 10, y0 + 2.5 * c, "步数 →", size=11, color=MUTED, rotate=90)
        f.text(x0 + 6 * c + 60, y0 - 56, "批量 ↗", size=11, color=MUTED, anchor="start")

    slab(60, 110, "bn")
    f.text(170, 30, "批量规范化", size=14, weight="bold", color=ORANGE[1])
    f.text(170, 290, "每个特征：跨样本、跨位置求 μ、σ²", size=12, color=ORANGE[1])
    f.line(390, 30, 390, 300, color="#e2e8f0", sw=1)
    slab(450, 110, "ln")
    f.text(560, 30, "层规范化", size=14, weight="bold", color=PURPLE[1])
    f.text(560, 290, "每个样本的每个位置：在自己的特征上求 μ、σ²", size=12, color=PURPLE[1])
    return f


@figure("causal-mask", page=P + "transformer.md", anchor="### 解码器",
        caption="解码器自注意力的掩蔽：第 i 个位置只能关注第 1 到 i 个位置（浅色格子），"
                "看不到后面的词元（灰色格子），训练时与逐个生成时的条件一致。",
        alt="一个 5×5 的网格，行是查询位置，列是键的位置；对角线及其左下方的格子是浅色可见的，右上方的格子是灰色被掩蔽的",
        lead="{ref} 画出了这个掩蔽模式。")
def fig_causal_mask() -> Figure:
    f = Figure(560, 320)
    n, c = 5, 40
    x0, y0 = 170, 60
    vals = [["✓" if j <= i else "" for j in range(n)] for i in range(n)]
    fills = {(i, j): (PURPLE[0] if j <= i else "#cbd5e1") for i in range(n) for j in range(n)}
    f.grid(x0, y0, vals, cell=c, fills=fills)
    for k in range(n):
        f.text(x0 + (k + 0.5) * c, y0 - 14, f"{k + 1}", size=12, color=MUTED)
        f.text(x0 - 14, y0 + (k + 0.5) * c, f"{k + 1}", size=12, color=MUTED)
    f.text(x0 + n * c / 2, 24, "键的位置（被关注的词元）", size=12)
    f.text(x0 - 40, y0 + n * c / 2, "查询的位置", size=12, rotate=-90)
    f.rect(x0 + n * c + 30, 100, 16, 16, fill=PURPLE[0], stroke=INK, rx=0, sw=1)
    f.text(x0 + n * c + 52, 108, "可以关注", size=12, anchor="start")
    f.rect(x0 + n * c + 30, 130, 16, 16, fill="#cbd5e1", stroke=INK, rx=0, sw=1)
    f.text(x0 + n * c + 52, 138, "被掩蔽", size=12, anchor="start")
    f.text(280, 300, "实现上：第 i 行的有效长度为 i", size=12, color=MUTED)
    return f
