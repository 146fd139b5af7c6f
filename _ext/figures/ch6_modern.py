# ruff: noqa: E501 —— 图题、替代文字是中文长句，按句保留在一行里更便于校对
"""现代卷积神经网络一章的插图。架构的数字（通道数、卷积核）取自原论文。"""

from __future__ import annotations

from d2l_figures import (
    BLUE,
    GREEN,
    GREY,
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

P = "chapter_convolutional-modern/"
CONV, POOL, FC, NORM, ACT = BLUE, ORANGE, GREEN, PURPLE, YELLOW


def column(f: Figure, x: float, y: float, w: float, items: list[tuple[str, tuple[str, str]]],
           h: float = 34, gap: float = 12, size: float = 12) -> float:
    """从上到下的一列层（数据向下流），返回最后一个框的下边缘。"""
    boxes = f.flow(items, x=x, y=y, w=w, h=h, gap=gap, direction="down", size=size)
    bx, by, bw, bh = boxes[-1]
    return by + bh


@figure("alexnet-lenet", page=P + "alexnet.md", anchor="## 从 LeNet 到 AlexNet",
        caption="LeNet（左）与 AlexNet（右）的结构对比（按原论文）：AlexNet 更深、更宽，输入更大，"
                "用 ReLU 代替 sigmoid，用最大汇聚代替平均汇聚，并在全连接层中使用暂退法。",
        alt="两列从上到下的层。左列 LeNet：28×28 输入，5×5 卷积 6 通道，平均汇聚，5×5 卷积 16 通道，平均汇聚，"
            "全连接 120、84、10。右列 AlexNet：224×224 三通道输入，11×11 卷积 96 通道步幅 4，3×3 最大汇聚，"
            "5×5 卷积 256，3×3 最大汇聚，三个 3×3 卷积 384、384、256，3×3 最大汇聚，"
            "全连接 4096 加暂退法两次，全连接 1000",
        lead="{ref} 把两个网络并排画在一起。")
def fig_alexnet_lenet() -> Figure:
    f = Figure(760, 640)
    f.text(170, 26, "LeNet", size=16, weight="bold")
    f.text(530, 26, "AlexNet", size=16, weight="bold")
    lenet = [("输入 1×28×28", GREY), ("5×5 卷积，6，填充 2；sigmoid", CONV),
             ("2×2 平均汇聚，步幅 2", POOL), ("5×5 卷积，16；sigmoid", CONV),
             ("2×2 平均汇聚，步幅 2", POOL), ("全连接 120；sigmoid", FC),
             ("全连接 84；sigmoid", FC), ("全连接 10", FC)]
    alex = [("输入 3×224×224", GREY), ("11×11 卷积，96，步幅 4；ReLU", CONV),
            ("3×3 最大汇聚，步幅 2", POOL), ("5×5 卷积，256，填充 2；ReLU", CONV),
            ("3×3 最大汇聚，步幅 2", POOL), ("3×3 卷积，384，填充 1；ReLU", CONV),
            ("3×3 卷积，384，填充 1；ReLU", CONV), ("3×3 卷积，256，填充 1；ReLU", CONV),
            ("3×3 最大汇聚，步幅 2", POOL), ("全连接 4096；ReLU；暂退法", FC),
            ("全连接 4096；ReLU；暂退法", FC), ("全连接 1000", FC)]
    column(f, 50, 48, 240, lenet, h=34, gap=14)
    column(f, 400, 48, 260, alex, h=34, gap=14)
    f.lines(170, 500, "约 6 万个参数\n（本书 LeNet 版本）", size=12, color=MUTED)
    f.text(530, 625, "约 6 千万个参数；原论文 1000 类，本书改为 10 类", size=12, color=MUTED)
    f.rect(690, 48, 14, 14, fill=CONV[0], stroke=CONV[1], rx=2)
    f.text(710, 55, "卷积", size=11, anchor="start")
    f.rect(690, 70, 14, 14, fill=POOL[0], stroke=POOL[1], rx=2)
    f.text(710, 77, "汇聚", size=11, anchor="start")
    f.rect(690, 92, 14, 14, fill=FC[0], stroke=FC[1], rx=2)
    f.text(710, 99, "全连接", size=11, anchor="start")
    return f


@figure("vgg-block", page=P + "vgg.md", anchor="## VGG 块",
        caption="VGG 块：若干个“3×3 卷积（填充 1）+ ReLU”保持高宽不变，最后一个 2×2、步幅 2 的最大汇聚把高宽减半。",
        alt="从上到下：输入 c×h×w，一个虚线框内是重复 n 次的 3×3 卷积加 ReLU，输出 c′×h×w，"
            "再经过 2×2 最大汇聚步幅 2，输出 c′×h/2×w/2",
        lead="{ref} 画出了一个 VGG 块和各处的形状。")
def fig_vgg_block() -> Figure:
    f = Figure(600, 330)
    f.box(180, 20, 240, 36, "输入  c × h × w", GREY, size=13)
    f.rect(150, 76, 300, 120, fill="none", stroke=MUTED, dash="6 4", rx=8)
    f.text(470, 136, "× n", size=18, anchor="start", weight="bold")
    f.box(180, 92, 240, 36, "3×3 卷积，c′ 个输出通道，填充 1", CONV, size=12)
    f.box(180, 144, 240, 36, "ReLU", ACT, size=12)
    f.arrow(300, 56, 300, 92)
    f.arrow(300, 128, 300, 144)
    f.box(180, 226, 240, 36, "2×2 最大汇聚，步幅 2", POOL, size=12)
    f.arrow(300, 180, 300, 226)
    f.text(312, 208, "c′ × h × w", size=12, color=MUTED, anchor="start")
    f.box(180, 286, 240, 34, "输出  c′ × h/2 × w/2", GREEN, size=13)
    f.arrow(300, 262, 300, 286)
    f.lines(90, 136, "高宽\n不变", size=12, color=MUTED)
    f.lines(100, 244, "高宽\n减半", size=12, color=MUTED)
    return f


@figure("vgg-net", page=P + "vgg.md", anchor="## VGG 网络",
        caption="VGG-11：5 个 VGG 块（卷积层数 1、1、2、2、2，通道数 64、128、256、512、512）"
                "把 224×224 的输入逐块减半到 7×7，再接三个全连接层。8 个卷积层加 3 个全连接层，共 11 层。",
        alt="从左到右五个块，宽度依次变窄、颜色依次加深，下方标注每块的卷积层数、通道数和输出高宽 112、56、28、14、7；"
            "最后是全连接 4096、4096 和 1000",
        lead="{ref} 是 VGG-11 的整体结构。")
def fig_vgg_net() -> Figure:
    f = Figure(810, 270)
    blocks = [(1, 64, 112), (1, 128, 56), (2, 256, 28), (2, 512, 14), (2, 512, 7)]
    x = 16
    f.box(x, 95, 66, 70, "输入\n224×224", GREY, size=12)
    x += 66
    for k, (n, c, hw) in enumerate(blocks):
        x += 18
        f.arrow(x - 18, 130, x, 130)
        h = 150 - k * 18
        f.box(x, 130 - h / 2, 80, h, f"VGG 块 {k + 1}\n{n} 个卷积\n{c} 通道", CONV, size=12)
        f.text(x + 40, 130 + h / 2 + 16, f"→ {hw}×{hw}", size=12, color=MUTED)
        x += 80
    for lab in ["全连接\n4096", "全连接\n4096", "全连接\n1000"]:
        x += 14
        f.arrow(x - 14, 130, x, 130)
        f.box(x, 100, 54, 60, lab, FC, size=11)
        x += 54
    f.text(405, 250, "每个块把高宽减半；卷积层共 1 + 1 + 2 + 2 + 2 = 8 个，加 3 个全连接层", size=12,
           color=MUTED)
    return f


@figure("vgg-3x3", page=P + "vgg.md", anchor="## 为什么是又深又窄的 3×3 卷积",
        caption="两个 3×3 卷积层叠起来，输出的每个元素看到输入的 5×5 区域，与一个 5×5 卷积层相同；"
                "但参数只有 2 × 9C² = 18C²（5×5 需要 25C²；C 为输入输出通道数），中间还多了一次非线性。",
        alt="左边：5×5 的输入经 3×3 卷积得 3×3，再经 3×3 卷积得 1 个元素；右边：5×5 的输入经一个 5×5 卷积直接得 1 个元素；"
            "下方分别写着参数 18C² 和 25C²",
        lead="{ref} 比较了这两种做法。")
def fig_vgg_3x3() -> Figure:
    f = Figure(760, 300)
    c = 24
    f.text(190, 26, "两个 3×3 卷积", size=14, weight="bold")
    f.grid(30, 70, [[None] * 5 for _ in range(5)], cell=c, highlight=[(i, j) for i in range(5)
                                                                      for j in range(5)],
           hcolors=YELLOW)
    f.arrow(160, 130, 200, 130)
    f.text(180, 114, "3×3", size=11, color=MUTED)
    f.grid(208, 94, [[None] * 3 for _ in range(3)], cell=c,
           highlight=[(i, j) for i in range(3) for j in range(3)], hcolors=ORANGE)
    f.arrow(290, 130, 330, 130)
    f.text(310, 114, "3×3", size=11, color=MUTED)
    f.grid(338, 118, [[None]], cell=c, highlight=[(0, 0)], hcolors=GREEN)
    f.text(190, 230, "参数：2 × (3×3×C×C) = 18C²", size=13)
    f.text(190, 256, "感受野 5×5，两次 ReLU", size=12, color=MUTED)
    f.line(400, 40, 400, 280, color="#e2e8f0", sw=1)
    f.text(580, 26, "一个 5×5 卷积", size=14, weight="bold")
    f.grid(440, 70, [[None] * 5 for _ in range(5)], cell=c, highlight=[(i, j) for i in range(5)
                                                                       for j in range(5)],
           hcolors=YELLOW)
    f.arrow(570, 130, 640, 130)
    f.text(605, 114, "5×5", size=11, color=MUTED)
    f.grid(648, 118, [[None]], cell=c, highlight=[(0, 0)], hcolors=GREEN)
    f.text(580, 230, "参数：5×5×C×C = 25C²", size=13)
    f.text(580, 256, "感受野 5×5，一次 ReLU", size=12, color=MUTED)
    return f


@figure("nin-block", page=P + "nin.md", anchor="## NiN 块",
        caption="NiN 块：一个普通卷积层后面跟两个 1×1 卷积层，每层后接 ReLU。"
                "两个 1×1 卷积相当于在每个像素位置上对通道做一个两层的多层感知机。",
        alt="左列从上到下：k×k 卷积加 ReLU，1×1 卷积加 ReLU，1×1 卷积加 ReLU；右边放大一个像素位置，"
            "画出通道向量经过两层全连接的小网络",
        lead="{ref} 画出了 NiN 块和它的含义。")
def fig_nin_block() -> Figure:
    f = Figure(720, 320)
    items = [("输入", GREY), ("k×k 卷积（可带步幅）+ ReLU", CONV), ("1×1 卷积 + ReLU", TEAL),
             ("1×1 卷积 + ReLU", TEAL), ("输出", GREEN)]
    column(f, 40, 20, 250, items, h=40, gap=18, size=13)
    f.rect(30, 126, 270, 114, fill="none", stroke=TEAL[1], dash="5 3", rx=8)
    f.arrow(304, 183, 380, 183, color=TEAL[1], dash="5 3")
    f.text(342, 168, "每个像素", size=11, color=TEAL[1])
    f.network([["", "", ""], ["", "", ""], ["", "", ""]], x0=420, y_mid=183, dx=100, dy=44, r=13,
              colors=(BLUE, TEAL, TEAL), size=11)
    f.text(420, 100, "该像素的\n通道向量".split("\n")[0], size=12, color=MUTED)
    f.text(420, 116, "通道向量", size=12, color=MUTED)
    f.text(570, 100, "两层全连接（所有像素共用）", size=12, color=MUTED)
    f.text(520, 290, "1×1 卷积 = 逐像素的全连接层", size=13)
    return f


@figure("gap", page=P + "nin.md", anchor="## 全局平均汇聚代替全连接层",
        caption="全局平均汇聚代替全连接层：最后一个 NiN 块输出与类别数相同的 10 个通道，"
                "每个通道在整张特征映射上取平均，直接得到 10 个类别的得分，这一步没有参数。",
        alt="左边是 10 个叠在一起的 h×w 特征映射，每个通道标着一个类别；中间的箭头写着对每个通道求平均；"
            "右边是一列 10 个数，即各类别的得分",
        lead="{ref} 画出了用全局平均汇聚得到类别得分的过程。")
def fig_gap() -> Figure:
    f = Figure(680, 300)
    cols = [BLUE, ORANGE, GREEN, PURPLE, TEAL, PINK, YELLOW, RED, GREY, BLUE]
    for k in range(9, -1, -1):
        x, y = 60 + k * 12, 60 + k * 12
        f.rect(x, y, 90, 90, fill=cols[k][0], stroke=cols[k][1], rx=2)
    f.text(60 + 45, 40, "10 个通道 × h × w", size=13, color=MUTED)
    f.text(160, 282, "每个通道对应一个类别", size=12, color=MUTED)
    f.arrow(300, 140, 420, 140)
    f.lines(360, 116, "每个通道\n求平均", size=12, color=MUTED)
    for k in range(10):
        f.rect(440, 32 + k * 22, 40, 20, fill=cols[k][0], stroke=cols[k][1], rx=2)
    f.text(460, 22, "10 个得分", size=12, color=MUTED)
    f.lines(580, 140, "没有参数\n与输入高宽无关", size=13)
    return f


@figure("inception", page=P + "googlenet.md", anchor="## Inception 块",
        caption="Inception 块（括号里是 GoogLeNet 第一个 Inception 块的通道数）：四条并行的路径分别用 1×1、3×3、"
                "5×5 卷积和 3×3 最大汇聚提取信息，各路径的输出高宽相同，最后在通道维上连结。",
        alt="上方一个输入框（192 通道）分出四条路径：第一条 1×1 卷积 64；第二条 1×1 卷积 96 再 3×3 卷积 128；"
            "第三条 1×1 卷积 16 再 5×5 卷积 32；第四条 3×3 最大汇聚再 1×1 卷积 32。"
            "四条路径汇入下方的通道连结，输出 256 通道",
        lead="{ref} 是 Inception 块的结构。")
def fig_inception() -> Figure:
    f = Figure(820, 360)
    f.box(310, 16, 200, 40, "输入（192 通道）", GREY, size=13)
    paths = [
        [("1×1 卷积（64）", TEAL)],
        [("1×1 卷积（96）", TEAL), ("3×3 卷积，填充 1（128）", CONV)],
        [("1×1 卷积（16）", TEAL), ("5×5 卷积，填充 2（32）", CONV)],
        [("3×3 最大汇聚，填充 1", POOL), ("1×1 卷积（32）", TEAL)],
    ]
    w, gap = 180, 20
    xs = [20 + k * (w + gap) for k in range(4)]
    for x, path in zip(xs, paths, strict=True):
        ys = [100, 180] if len(path) == 2 else [140]
        f.polyline([(410, 56), (410, 76), (x + w / 2, 76), (x + w / 2, ys[0])], arrow=True)
        for k, ((lab, col), y) in enumerate(zip(path, ys, strict=True)):
            f.box(x, y, w, 44, lab, col, size=12)
            if k:
                f.arrow(x + w / 2, ys[0] + 44, x + w / 2, y)
        last = ys[-1] + 44
        f.polyline([(x + w / 2, last), (x + w / 2, 250), (410, 250), (410, 270)], arrow=True)
    f.box(290, 270, 240, 40, "在通道维上连结（256 通道）", ORANGE, size=13)
    f.text(410, 340, "64 + 128 + 32 + 32 = 256；所有路径都保持输入的高和宽", size=12,
           color=MUTED)
    return f


@figure("googlenet", page=P + "googlenet.md", anchor="## GoogLeNet 模型",
        caption="GoogLeNet 的整体结构（按原论文）：前两个模块是普通卷积，中间三个模块共 9 个 Inception 块，"
                "模块之间用 3×3 最大汇聚把高宽减半，最后全局平均汇聚接一个全连接层。",
        alt="从左到右五个模块：模块一 7×7 卷积 64 步幅 2 与最大汇聚；模块二 1×1 卷积 64、3×3 卷积 192 与最大汇聚；"
            "模块三两个 Inception 块输出 256 和 480 通道；模块四五个 Inception 块输出 512、512、512、528、832 通道；"
            "模块五两个 Inception 块输出 832 和 1024 通道；之后是全局平均汇聚和全连接层",
        lead="{ref} 是 GoogLeNet 的整体结构。")
def fig_googlenet() -> Figure:
    f = Figure(840, 300)
    mods = [("模块 1", ["7×7 卷积 64，步幅 2", "3×3 最大汇聚，步幅 2"], [CONV, POOL]),
            ("模块 2", ["1×1 卷积 64", "3×3 卷积 192", "3×3 最大汇聚，步幅 2"], [TEAL, CONV, POOL]),
            ("模块 3", ["Inception → 256", "Inception → 480", "3×3 最大汇聚，步幅 2"],
             [PURPLE, PURPLE, POOL]),
            ("模块 4", ["Inception → 512", "Inception → 512", "Inception → 512",
                        "Inception → 528", "Inception → 832", "3×3 最大汇聚，步幅 2"],
             [PURPLE] * 5 + [POOL]),
            ("模块 5", ["Inception → 832", "Inception → 1024", "全局平均汇聚"],
             [PURPLE, PURPLE, POOL])]
    x = 16
    w = 132
    for k, (name, layers, cols) in enumerate(mods):
        f.text(x + w / 2, 24, name, size=13, weight="bold")
        for j, (lab, col) in enumerate(zip(layers, cols, strict=True)):
            f.box(x, 40 + j * 36, w, 30, lab, col, size=11)
        if k:
            f.arrow(x - 20, 55, x - 2, 55)
        x += w + 20
    f.box(x - 6, 40, 36, 120, "", FC)
    f.lines(x + 12, 100, "全\n连\n接", size=12)
    f.arrow(x - 22, 55, x - 8, 55)
    f.text(420, 280, "输入 224×224 时，各模块输出高宽依次为 56、28、14、7、1（全局汇聚后）", size=12,
           color=MUTED)
    return f


@figure("bn-axes", page=P + "batch-norm.md", anchor="## 训练时：用小批量的统计量",
        caption="批量规范化在哪些元素上求均值和方差：全连接层的输入是（批量，特征），每个特征在批量上求一组统计量；"
                "卷积层的输入是（批量，通道，高，宽），每个通道在批量和所有空间位置上求一组统计量。",
        alt="左图是一个样本乘特征的表格，其中一列被突出显示，表示沿批量方向求一个特征的均值和方差；"
            "右图是四个样本各自的多通道特征映射，所有样本的同一个通道（整个平面）被突出显示，"
            "表示在批量、高、宽上求这个通道的均值和方差",
        lead="{ref} 标出了两种层上参与统计的元素。")
def fig_bn_axes() -> Figure:
    f = Figure(820, 330)
    c = 30
    f.text(150, 26, "全连接层：输入 (批量, 特征)", size=14, weight="bold")
    f.grid(60, 70, [[None] * 6 for _ in range(5)], cell=c,
           highlight=[(i, 2) for i in range(5)], hcolors=ORANGE)
    f.text(60 + 3 * c, 56, "特征 →", size=12, color=MUTED)
    f.text(46, 70 + 2.5 * c, "样本 →", size=12, color=MUTED, rotate=90)
    f.lines(150, 260, "每个特征一个 μ、σ²\n（对 5 个样本求）", size=12, color=ORANGE[1])
    f.line(300, 40, 300, 310, color="#e2e8f0", sw=1)
    f.text(560, 26, "卷积层：输入 (批量, 通道, 高, 宽)", size=14, weight="bold")
    chan = [BLUE, ORANGE, GREEN]
    for s in range(4):
        x0 = 330 + s * 118
        f.text(x0 + 48, 60, f"样本 {s + 1}", size=12, color=MUTED)
        for ch in range(2, -1, -1):
            x, y = x0 + ch * 14, 80 + ch * 14
            hl = ch == 1
            f.rect(x, y, 70, 70, fill=chan[ch][0] if hl else "#ffffff",
                   stroke=chan[ch][1] if hl else "#94a3b8", sw=2.2 if hl else 1, rx=2)
    f.text(560, 200, "第 2 个通道：4 个样本 × 全部 h × w 个位置一起求 μ、σ²", size=12,
           color=ORANGE[1])
    f.lines(560, 260, "每个通道一组 μ、σ²，以及一组可学习的 γ、β\n（形状都是 (1, 通道数, 1, 1)）",
            size=12, color=MUTED)
    return f


@figure("bn-modes", page=P + "batch-norm.md", anchor="## 预测时：用整个训练集的统计量",
        caption="训练模式与预测模式：训练时用当前小批量的均值和方差，同时更新它们的移动平均；"
                "预测时（net.eval()）改用移动平均，输出不再依赖同一批里的其他样本。",
        alt="上下两条流程。上面训练模式：小批量算出 μ_B 和 σ²_B，用于规范化，同时以动量 λ 更新均值和方差的移动平均；"
            "下面预测模式：直接用移动平均的均值和方差规范化",
        lead="{ref} 对比了两种模式下用到的统计量。")
def fig_bn_modes() -> Figure:
    f = Figure(800, 290)
    f.text(60, 30, "训练", size=14, weight="bold")
    f.box(30, 50, 130, 46, "小批量 X", GREY, size=13)
    f.arrow(160, 73, 200, 73)
    f.box(200, 50, 150, 46, "求 μ_{B}、σ_{B}^{2}", ORANGE, size=13)
    f.arrow(350, 73, 400, 73)
    f.box(400, 50, 190, 46, "(X − μ_{B}) / √(σ_{B}^{2} + ε)", BLUE, size=12)
    f.arrow(590, 73, 630, 73)
    f.box(630, 50, 140, 46, "γ · x̂ + β", GREEN, size=13)
    f.box(200, 150, 260, 46, "μ_{moving} ← (1−λ)·μ_{moving} + λ·μ_{B}", PURPLE, size=12)
    f.arrow(275, 96, 275, 150, color=PURPLE[1], dash="4 3")
    f.text(290, 126, "同时更新移动平均（λ 为动量，σ² 同理）", size=11, color=PURPLE[1],
           anchor="start")
    f.text(60, 230, "预测", size=14, weight="bold")
    f.box(30, 245, 130, 40, "样本 X", GREY, size=13)
    f.arrow(160, 265, 400, 265)
    f.box(400, 245, 190, 40, "用 μ_{moving}、σ_{moving}^{2} 规范化", BLUE, size=12)
    f.arrow(590, 265, 630, 265)
    f.box(630, 245, 140, 40, "γ · x̂ + β", GREEN, size=13)
    f.arrow(330, 196, 440, 245, color=PURPLE[1], dash="4 3")
    return f


@figure("function-classes", page=P + "resnet.md", anchor="## 函数类",
        caption="函数类与要找的函数 f*：左边的函数类不是嵌套的，更大的类 F₃ 并不包含 F₂，"
                "其中的最优解反而可能离 f* 更远；右边的函数类层层嵌套，类越大，最优解离 f* 只会越近或一样近。",
        alt="左图三个位置错开的圆角矩形 F1、F2、F3，星号 f* 在外面，三个类中离 f* 最近的点时近时远；"
            "右图三个层层包含的圆角矩形，最大的 F3 包含 F2，F2 包含 F1，各类中最近的点逐步靠近 f*",
        lead="{ref} 画出了嵌套与非嵌套两种函数类。")
def fig_function_classes() -> Figure:
    f = Figure(800, 330)
    f.text(200, 26, "非嵌套的函数类", size=14, weight="bold")
    f.text(600, 26, "嵌套的函数类", size=14, weight="bold")
    star = (340, 120)
    rects = [((40, 140, 120, 90), BLUE, "F_{1}", (160, 150)),
             ((120, 60, 130, 100), ORANGE, "F_{2}", (250, 110)),
             ((70, 170, 170, 120), GREEN, "F_{3}", (240, 180))]
    for (x, y, w, h), col, lab, near in rects:
        f.rect(x, y, w, h, fill=col[0], stroke=col[1], rx=24, opacity=0.55)
        f.text(x + 22, y + 20, lab, size=14, color=col[1])
        f.circle(*near, 4, fill=col[1], stroke=col[1])
        f.line(near[0], near[1], star[0], star[1], color=col[1], sw=1, dash="3 3")
    f.text(star[0], star[1], "★", size=22, color=RED[1])
    f.text(star[0] + 14, star[1] - 16, "f*", size=14, color=RED[1], anchor="start")
    f.text(200, 310, "F₃ 更大，但它的最优解离 f* 比 F₂ 的还远", size=12, color=MUTED)
    f.line(400, 40, 400, 300, color="#e2e8f0", sw=1)
    star2 = (750, 110)
    nested = [((440, 170, 110, 90), BLUE, "F_{1}", (550, 172)),
              ((440, 120, 200, 150), ORANGE, "F_{2}", (640, 122)),
              ((440, 70, 280, 210), GREEN, "F_{3}", (720, 112))]
    for (x, y, w, h), col, lab, _ in reversed(nested):
        f.rect(x, y, w, h, fill=col[0], stroke=col[1], rx=24, opacity=0.55)
        f.text(x + w - 24, y + h - 18, lab, size=14, color=col[1])
    for (_, col, _, near) in nested:
        f.circle(*near, 4, fill=col[1], stroke=col[1])
        f.line(near[0], near[1], star2[0], star2[1], color=col[1], sw=1, dash="3 3")
    f.text(star2[0], star2[1], "★", size=22, color=RED[1])
    f.text(star2[0] - 4, star2[1] - 22, "f*", size=14, color=RED[1])
    f.text(600, 310, "F₁ ⊆ F₂ ⊆ F₃：加大模型不会离 f* 更远", size=12, color=MUTED)
    return f


def _residual(f: Figure, x: float, shortcut_1x1: bool, title: str) -> None:
    w = 200
    f.text(x + w / 2, 26, title, size=14, weight="bold")
    f.box(x, 44, w, 34, "输入 x", GREY, size=12)
    items = [("3×3 卷积" + ("，步幅 s" if shortcut_1x1 else ""), CONV), ("批量规范化", NORM),
             ("ReLU", ACT), ("3×3 卷积", CONV), ("批量规范化", NORM)]
    y = 100
    f.arrow(x + w / 2 - 30, 78, x + w / 2 - 30, y)
    for k, (lab, col) in enumerate(items):
        f.box(x - 20, y + k * 44, w - 20, 32, lab, col, size=12)
        if k:
            f.arrow(x + w / 2 - 30, y + k * 44 - 12, x + w / 2 - 30, y + k * 44)
    end = y + 4 * 44 + 32
    f.node(x + w / 2 - 30, end + 30, "+", r=16, colors=YELLOW, size=18)
    f.arrow(x + w / 2 - 30, end, x + w / 2 - 30, end + 14)
    sx = x + w + 36
    if shortcut_1x1:
        f.polyline([(x + w - 30, 78), (x + w - 30, 90), (sx, 90), (sx, 190)], arrow=True)
        f.box(sx - 44, 190, 88, 36, "1×1 卷积\n步幅 s", TEAL, size=11)
        f.polyline([(sx, 226), (sx, end + 30), (x + w / 2 - 14, end + 30)], arrow=True)
    else:
        f.polyline([(x + w - 30, 78), (x + w - 30, 90), (sx, 90), (sx, end + 30),
                    (x + w / 2 - 14, end + 30)], arrow=True, color=RED[1])
        f.text(sx + 8, 200, "恒等", size=12, color=RED[1], anchor="start")
    f.box(x + w / 2 - 80, end + 62, 100, 30, "ReLU", ACT, size=12)
    f.arrow(x + w / 2 - 30, end + 46, x + w / 2 - 30, end + 62)


@figure("residual-block", page=P + "resnet.md", anchor="## 残差块",
        caption="两种残差块：左边的快捷连接原样传递输入，要求输入输出形状相同；"
                "右边在快捷连接上加 1×1 卷积（可带步幅），把输入变换成与主路径输出相同的通道数和高宽。",
        alt="左右两个残差块。主路径从上到下：3×3 卷积、批量规范化、ReLU、3×3 卷积、批量规范化，然后与快捷连接相加，"
            "再经过 ReLU。左边的快捷连接是从输入直接绕到加号的恒等连接；右边的快捷连接上有一个 1×1 卷积，"
            "主路径第一个卷积也带步幅 s",
        lead="{ref} 画出了两种残差块。")
def fig_residual_block() -> Figure:
    f = Figure(800, 440)
    _residual(f, 80, False, "恒等快捷连接")
    _residual(f, 470, True, "1×1 卷积快捷连接")
    f.text(400, 428, "输出 = ReLU(主路径(x) + 快捷连接(x))", size=13)
    return f


@figure("resnet18", page=P + "resnet.md", anchor="## ResNet-18",
        caption="ResNet-18：开头的 7×7 卷积和最大汇聚之后是 4 个模块，每个模块 2 个残差块；"
                "后三个模块的第一个残差块用步幅 2 把高宽减半、通道数加倍（快捷连接上用 1×1 卷积）。"
                "1 + 4×2×2 + 1 = 18 层带参数的层（不计 1×1 卷积）。",
        alt="从左到右：7×7 卷积 64 步幅 2 加批量规范化和 ReLU，3×3 最大汇聚步幅 2；然后四个模块，"
            "各含两个残差块，通道数 64、128、256、512；最后是全局平均汇聚和全连接层",
        lead="{ref} 是 ResNet-18 的整体结构。")
def fig_resnet18() -> Figure:
    f = Figure(860, 250)
    f.box(14, 70, 84, 80, "7×7 卷积 64\n步幅 2\nBN、ReLU", CONV, size=11)
    f.arrow(98, 110, 112, 110)
    f.box(112, 80, 76, 60, "3×3 最大\n汇聚，步幅 2", POOL, size=11)
    x = 204
    for k, ch in enumerate([64, 128, 256, 512]):
        f.arrow(x - 16, 110, x, 110)
        f.rect(x, 40, 116, 140, fill="none", stroke=MUTED, dash="5 3", rx=8)
        f.text(x + 58, 56, f"模块 {k + 1}：{ch} 通道", size=11)
        f.box(x + 7, 68, 102, 44, "残差块" + ("\n步幅 2，1×1 快捷" if k else ""), PURPLE, size=11)
        f.box(x + 7, 126, 102, 40, "残差块", PURPLE, size=12)
        f.arrow(x + 58, 112, x + 58, 126)
        f.text(x + 58, 196, "高宽不变" if k == 0 else "高宽减半", size=11, color=MUTED)
        x += 132
    f.arrow(x - 16, 110, x, 110)
    f.box(x, 80, 66, 60, "全局平均\n汇聚", POOL, size=11)
    f.arrow(x + 66, 110, x + 78, 110)
    f.box(x + 78, 80, 34, 60, "全\n连\n接", FC, size=11)
    f.text(430, 232, "每个残差块含 2 个 3×3 卷积：卷积 1 + 16，全连接 1，共 18 层", size=12,
           color=MUTED)
    return f


@figure("add-vs-cat", page=P + "densenet.md", anchor="## 从相加到连结",
        caption="ResNet 与 DenseNet 的区别：ResNet 把输入和输出按元素相加，通道数不变；"
                "DenseNet 把它们在通道维上连结，通道数增加，前面的特征原样保留。",
        alt="左边：x 分成两路，一路经过 g 后与另一路在加号处相加，输出通道数与 x 相同；"
            "右边：x 分成两路，一路经过 f 后与另一路在通道维上连结，输出是 x 的通道和 f(x) 的通道并排",
        lead="{ref} 对比了 ResNet 的相加与 DenseNet 的连结。")
def fig_add_vs_cat() -> Figure:
    f = Figure(760, 260)
    f.text(190, 24, "ResNet：相加", size=14, weight="bold")
    f.rect(40, 100, 30, 80, fill=BLUE[0], stroke=BLUE[1], rx=2)
    f.text(55, 196, "x", size=13)
    f.arrow(70, 140, 120, 140)
    f.box(120, 115, 80, 50, "g", CONV, size=15)
    f.arrow(200, 140, 250, 140)
    f.polyline([(55, 100), (55, 70), (270, 70), (270, 122)], arrow=True)
    f.node(270, 140, "+", r=16, colors=YELLOW, size=18)
    f.arrow(286, 140, 320, 140)
    f.rect(320, 100, 30, 80, fill=GREEN[0], stroke=GREEN[1], rx=2)
    f.text(335, 196, "x + g(x)", size=12)
    f.text(190, 236, "通道数不变：c → c", size=12, color=MUTED)
    f.line(390, 30, 390, 240, color="#e2e8f0", sw=1)
    f.text(570, 24, "DenseNet：连结", size=14, weight="bold")
    f.rect(420, 100, 30, 80, fill=BLUE[0], stroke=BLUE[1], rx=2)
    f.text(435, 196, "x", size=13)
    f.arrow(450, 140, 500, 140)
    f.box(500, 115, 80, 50, "f", CONV, size=15)
    f.arrow(580, 140, 640, 140)
    f.polyline([(435, 100), (435, 70), (655, 70), (655, 96)], arrow=True)
    f.rect(640, 100, 30, 80, fill=BLUE[0], stroke=BLUE[1], rx=2)
    f.rect(670, 100, 24, 80, fill=ORANGE[0], stroke=ORANGE[1], rx=2)
    f.text(667, 196, "[x, f(x)]", size=12)
    f.text(570, 236, "通道数增加：c → c + k（k 为 f(x) 的通道数）", size=12, color=MUTED)
    return f


@figure("dense-block", page=P + "densenet.md", anchor="## 稠密块",
        caption="有 4 层、增长率为 k 的稠密块：每一层读入前面所有结果的连结，输出 k 个新通道，"
                "追加到已有通道之后；块的输出有 c₀ + 4k 个通道。",
        alt="一排逐渐变长的通道条：最左边是 c0 个通道的输入，每经过一层“批量规范化、ReLU、3×3 卷积”，"
            "就在后面追加一段 k 个通道的新颜色，最后是 c0 加 4k 个通道",
        lead="{ref} 画出了通道在稠密块中的累积。")
def fig_dense_block() -> Figure:
    f = Figure(800, 300)
    cols = [GREY, BLUE, ORANGE, GREEN, PURPLE]
    c0w, gw = 44, 18
    x = 20
    for k in range(5):
        widths = [c0w] + [gw] * k
        xx = x
        for j, wv in enumerate(widths):
            f.rect(xx, 100, wv, 100, fill=cols[j][0], stroke=cols[j][1], rx=1)
            xx += wv
        label = "c₀" if k == 0 else ("c₀ + k" if k == 1 else f"c₀ + {k}k")
        f.text((x + xx) / 2, 220, label, size=12)
        if k < 4:
            f.arrow(xx + 6, 150, xx + 46, 150)
            f.lines(xx + 26, 72, f"第 {k + 1} 层\nBN–ReLU\n3×3 卷积", size=10, color=MUTED)
            f.text(xx + 26, 170, "+k", size=11, color=cols[k + 1][1])
            x = xx + 52
    f.text(400, 270, "每一层：输入是前面全部通道的连结，输出 k 个新通道（增长率）；已有的通道原样保留", size=12,
           color=MUTED)
    return f


@figure("transition", page=P + "densenet.md", anchor="## 过渡层",
        caption="过渡层：1×1 卷积把通道数按压缩系数 θ = 0.5 减半，2×2、步幅 2 的平均汇聚把高宽减半。",
        alt="从左到右三个长方体：c×h×w 的输入，经过批量规范化、ReLU 和 1×1 卷积变成 c/2×h×w，"
            "再经过 2×2 平均汇聚变成 c/2×h/2×w/2",
        lead="{ref} 画出了过渡层对形状的改变。")
def fig_transition() -> Figure:
    f = Figure(760, 250)
    f.cube(30, 70, 110, 110, 50, BLUE, below="c × h × w")
    f.arrow(200, 110, 300, 110)
    f.lines(250, 80, "BN–ReLU\n1×1 卷积", size=11, color=MUTED)
    f.cube(310, 70, 110, 110, 25, TEAL, below="(c/2) × h × w")
    f.arrow(450, 110, 550, 110)
    f.lines(500, 80, "2×2 平均汇聚\n步幅 2", size=11, color=MUTED)
    f.cube(570, 100, 55, 55, 25, GREEN, below="(c/2) × (h/2) × (w/2)")
    f.text(380, 236, "通道减半（压缩），高宽减半：稠密块累积的通道在这里收住", size=12, color=MUTED)
    return f


@figure("fine-tune", page=P + "fine-tuning.md", anchor="## 源数据集和目标数据集",
        caption="微调：在源数据集上训练好的模型，除输出层外的部分（特征提取部分）连同参数复制到目标模型；"
                "目标模型换上按目标类别数新建、随机初始化的输出层，然后在目标数据集上继续训练。",
        alt="上方是源模型：若干层加一个源类别数的输出层，在源数据集上训练；下方是目标模型：复制来的若干层"
            "加一个新的目标类别数输出层；虚线箭头表示复制参数，新输出层标注随机初始化",
        lead="{ref} 概括了微调的步骤。")
def fig_fine_tune() -> Figure:
    f = Figure(800, 300)
    f.text(90, 60, "源模型", size=14, weight="bold")
    f.text(90, 210, "目标模型", size=14, weight="bold")
    for y in (36, 186):
        for k in range(3):
            f.box(170 + k * 110, y, 90, 46, f"层 {k + 1}", CONV, size=12)
            if k:
                f.arrow(170 + k * 110 - 20, y + 23, 170 + k * 110, y + 23)
        f.arrow(170 + 2 * 110 + 90, y + 23, 510, y + 23)
    f.box(510, 36, 120, 46, "输出层\n（源类别数）", GREY, size=12)
    f.box(510, 186, 120, 46, "新输出层\n（目标类别数）", ORANGE, size=12)
    for k in range(3):
        f.arrow(215 + k * 110, 84, 215 + k * 110, 184, color=BLUE[1], dash="5 3")
    f.text(270, 134, "复制参数", size=12, color=BLUE[1])
    f.text(700, 58, "在源数据集上训练", size=12, color=MUTED)
    f.text(700, 208, "随机初始化", size=12, color=ORANGE[1])
    f.text(400, 270, "然后在目标数据集上训练：输出层从头学，复制来的层只做小幅调整（学习率较小）",
           size=12, color=MUTED)
    return f


@figure("densenet-net", page=P + "densenet.md", anchor="## DenseNet 模型",
        caption="DenseNet 的整体结构（本节的完整版本）：7×7 卷积和最大汇聚之后是 4 个稠密块（各 4 层，增长率 32），"
                "块之间用过渡层把通道数和高宽都减半，最后是批量规范化、ReLU、全局平均汇聚和全连接层。"
                "图中的数字是各处的通道数。",
        alt="从左到右：7×7 卷积 64 通道与最大汇聚；稠密块 1 把通道从 64 增加到 192；过渡层减半为 96；"
            "稠密块 2 增加到 224；过渡层减半为 112；稠密块 3 增加到 240；过渡层减半为 120；稠密块 4 增加到 248；"
            "最后是批量规范化、ReLU、全局平均汇聚和全连接层",
        lead="{ref} 标出了这个网络各处的通道数。")
def fig_densenet_net() -> Figure:
    f = Figure(850, 230)
    stem, growth, layers = 64, 32, 4
    f.box(16, 70, 86, 70, "7×7 卷积\n+ 最大汇聚", CONV, size=11)
    f.text(59, 156, str(stem), size=12, color=MUTED)
    x, ch = 102, stem
    for b in range(4):
        if b:
            ch = ch // 2
            f.arrow(x, 105, x + 14, 105)
            f.box(x + 14, 80, 52, 50, "过渡层", TEAL, size=11)
            f.text(x + 40, 156, str(ch), size=12, color=MUTED)
            x += 66
        f.arrow(x, 105, x + 14, 105)
        out = ch + layers * growth
        f.box(x + 14, 60, 86, 90, f"稠密块 {b + 1}\n{layers} 层", PURPLE, size=12)
        f.text(x + 57, 166, f"{ch} → {out}", size=12, color=MUTED)
        ch = out
        x += 100
    f.arrow(x, 105, x + 14, 105)
    f.box(x + 14, 70, 84, 70, "BN、ReLU\n全局平均汇聚", POOL, size=11)
    f.arrow(x + 98, 105, x + 112, 105)
    f.box(x + 112, 75, 34, 60, "全\n连\n接", FC, size=11)
    f.text(425, 205, "稠密块增加 4 × 32 = 128 个通道；过渡层把通道数乘以压缩系数 0.5、高宽减半", size=12,
           color=MUTED)
    return f
