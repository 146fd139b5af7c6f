# ruff: noqa: E501 —— 图题、替代文字是中文长句，按句保留在一行里更便于校对
"""深度学习计算一章的插图：块的嵌套、顺序块、参数共享、延后初始化、保存与加载、设备之间的复制。"""

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

P = "chapter_deep-learning-computation/"


@figure("block-nesting", page=P + "model-construction.md", anchor="## 混合搭配各种块",
        caption="块可以层层嵌套：整个模型是一个块，它的子块又可以包含子块，最底层是全连接层、激活函数这样的层。"
                "调用最外层块的前向传播，会依次调用里面每个子块的前向传播。",
        alt="一个大的圆角框表示整个模型，里面从左到右是三个子块：第一个子块里面又有两个层，"
            "第二个子块里面有一个更小的子块，第三个是单独的全连接层；输入从左边进入，输出从右边离开",
        lead="{ref} 画出了块的层层嵌套。")
def fig_block_nesting() -> Figure:
    f = Figure(800, 300)
    f.box(70, 40, 660, 220, "", GREY, dash="6 4")
    f.text(400, 58, "模型（nn.Module）", size=14, weight="bold")
    f.box(95, 80, 190, 160, "", BLUE)
    f.text(190, 98, "子块 A（nn.Sequential）", size=12)
    f.box(115, 115, 150, 44, "nn.Linear", WHITE_BLUE, size=13)
    f.box(115, 175, 150, 44, "nn.ReLU", WHITE_BLUE, size=13)
    f.arrow(190, 159, 190, 175)
    f.box(310, 80, 220, 160, "", PURPLE)
    f.text(420, 98, "子块 B（自定义块）", size=12)
    f.box(330, 118, 180, 80, "", TEAL, dash="4 3")
    f.text(420, 136, "更小的子块", size=12)
    f.box(350, 152, 140, 36, "nn.Linear ×2", ("#ffffff", TEAL[1]), size=12)
    f.text(420, 220, "forward() 里可以有任意代码", size=11, color=MUTED)
    f.box(555, 130, 150, 60, "nn.Linear", ORANGE, size=13)
    f.arrow(20, 160, 95, 160)
    f.text(30, 145, "输入", size=12, color=MUTED)
    f.arrow(285, 160, 310, 160)
    f.arrow(530, 160, 555, 160)
    f.arrow(705, 160, 780, 160)
    f.text(770, 145, "输出", size=12, color=MUTED)
    f.text(400, 282, "每个块都有 __init__（创建子块和参数）和 forward（定义前向传播）", size=12,
           color=MUTED)
    return f


WHITE_BLUE = ("#ffffff", BLUE[1])


@figure("sequential-loop", page=P + "model-construction.md", anchor="## 自己实现一个顺序块",
        caption="顺序块做的事：把子块按加入的次序存起来，前向传播时让数据依次流过每个子块，"
                "上一个子块的输出就是下一个子块的输入。",
        alt="左边是一张有序的表，列出编号 0、1、2 的三个子块；右边是数据 X 依次经过子块 0、1、2 得到输出的流程",
        lead="{ref} 是顺序块的工作方式。")
def fig_sequential_loop() -> Figure:
    f = Figure(760, 230)
    f.text(110, 30, "按次序登记的子块", size=13, color=MUTED)
    names = ["0：nn.Linear(20, 64)", "1：nn.ReLU()", "2：nn.Linear(64, 10)"]
    for k, n in enumerate(names):
        f.box(20, 48 + k * 50, 180, 40, n, GREY, size=12)
    f.arrow(205, 123, 260, 123, color=MUTED)
    f.text(232, 108, "forward", size=11, color=MUTED)
    items = [("X\n(B, 20)", WHITE_BLUE), ("子块 0", BLUE), ("子块 1", YELLOW), ("子块 2", BLUE),
             ("输出\n(B, 10)", GREEN)]
    f.flow(items, x=270, y=95, w=76, h=56, gap=20, direction="right", size=12)
    f.text(500, 195, "for block in 子块们:  X = block(X)", size=13, color=INK)
    return f


@figure("param-sharing", page=P + "parameters.md", anchor="## 连：参数共享",
        caption="参数共享：同一个层对象在网络中出现两次，两处用的是同一份权重；"
                "反向传播时两处的梯度加在一起，更新的也是同一份参数。",
        alt="一串层从左到右：全连接层、ReLU、共享层、ReLU、共享层、输出层；两个共享层画成同一种颜色，"
            "并用弧线连到上方同一个权重方框上，下方标注梯度是两处之和",
        lead="{ref} 画出了参数共享的结构。")
def fig_param_sharing() -> Figure:
    f = Figure(800, 260)
    items = [("输入", WHITE_BLUE), ("Linear", BLUE), ("ReLU", YELLOW), ("shared", PURPLE),
             ("ReLU", YELLOW), ("shared", PURPLE), ("Linear", BLUE)]
    boxes = f.flow(items, x=20, y=130, w=88, h=44, gap=22, direction="right", size=13)
    f.box(290, 30, 230, 42, "同一份参数：weight、bias", PURPLE, size=13)
    for k in (3, 5):
        x, y, w, _ = boxes[k]
        f.polyline([(x + w / 2, y), (x + w / 2, 95), (405 + (k - 4) * 50, 95),
                    (405 + (k - 4) * 50, 72)], color=PURPLE[1], dash="5 3")
    f.text(400, 205, "∂L/∂weight = 第一处的梯度 + 第二处的梯度", size=14, color=RED[1])
    f.text(400, 235, "两处都是同一个对象：改动一处，另一处随之改变", size=12, color=MUTED)
    return f


@figure("deferred-init", page=P + "deferred-init.md", anchor="## 惰性的全连接层",
        caption="延后初始化：惰性层在创建时只知道输出的个数，权重的形状里输入的个数暂时是未知的；"
                "第一批数据经过时，它从数据的形状推断出输入的个数，才真正创建并初始化权重。",
        alt="上下两行。上行是创建网络后：两个惰性全连接层的权重形状分别是 256 乘问号和 10 乘问号；"
            "下行是一批形状为 B 乘 20 的数据经过后：权重形状变成 256 乘 20 和 10 乘 256",
        lead="{ref} 对比了第一次前向传播前后的参数形状。")
def fig_deferred_init() -> Figure:
    f = Figure(850, 290)
    f.text(90, 70, "创建之后", size=14, weight="bold")
    f.text(90, 200, "第一批数据", size=14, weight="bold")
    f.text(90, 222, "经过之后", size=14, weight="bold")
    rows = [(50, ["LazyLinear(256)\nweight：(256, ?)", "ReLU", "LazyLinear(10)\nweight：(10, ?)"],
             [GREY, GREY, GREY], "未初始化的参数", None),
            (180, ["Linear(20, 256)\nweight：(256, 20)", "ReLU", "Linear(256, 10)\nweight：(10, 256)"],
             [BLUE, YELLOW, BLUE], "已按推断的形状初始化", "X：(B, 20)")]
    for y, labs, cols, note, inp in rows:
        xs = [190, 390, 490]
        ws = [180, 80, 180]
        for x, w, lab, col in zip(xs, ws, labs, cols, strict=True):
            f.box(x, y, w, 56, lab, col, size=12, dash="5 3" if col == GREY else None)
        f.arrow(370, y + 28, 390, y + 28)
        f.arrow(470, y + 28, 490, y + 28)
        f.text(685, y + 28, note, size=12, color=MUTED, anchor="start")
        if inp:
            f.arrow(150, y - 24, 190, y + 10, color=ORANGE[1])
            f.text(150, y - 34, inp, size=12, color=ORANGE[1])
    f.arrow(280, 110, 280, 176, color=ORANGE[1], dash="4 3")
    f.text(290, 146, "第一次前向传播：从输入形状推断 20", size=12, color=ORANGE[1], anchor="start")
    return f


@figure("state-dict", page=P + "read-write.md", anchor="## 保存和加载模型参数",
        caption="保存和加载参数：state_dict 是“参数名 → 张量”的字典；保存的只是这些张量，"
                "加载时要先用同样的代码建好一个结构相同的模型，再把张量按名字填回去。",
        alt="从左到右：训练好的模型，调用 state_dict 得到一张参数名和张量的表，torch.save 写入文件；"
            "文件经 torch.load 读回字典，再由 load_state_dict 填入一个用同样代码新建的模型",
        lead="{ref} 画出了保存和加载的两段路程。")
def fig_state_dict() -> Figure:
    f = Figure(800, 280)
    f.box(20, 40, 120, 70, "训练好的模型\nnet", BLUE, size=13)
    f.arrow(140, 75, 218, 75)
    f.text(180, 60, "state_dict()", size=11, color=MUTED)
    f.rect(220, 30, 220, 100, fill="#ffffff", stroke=GREY[1], rx=6)
    rows = ["'0.weight' → 张量 (256, 20)", "'0.bias' → 张量 (256,)", "'2.weight' → 张量 (10, 256)",
            "'2.bias' → 张量 (10,)"]
    for k, r in enumerate(rows):
        f.text(232, 48 + k * 21, r, size=12, anchor="start")
    f.arrow(440, 75, 520, 75)
    f.text(480, 60, "torch.save", size=11, color=MUTED)
    f.box(520, 45, 110, 60, "文件\nmlp.params", YELLOW, size=13)
    f.arrow(575, 105, 575, 175, color=MUTED)
    f.text(585, 140, "torch.load(…, weights_only=True)", size=11, color=MUTED, anchor="start")
    f.box(470, 175, 210, 60, "参数字典\n（同样的名字和形状）", GREY, size=12)
    f.arrow(470, 205, 330, 205)
    f.text(400, 190, "load_state_dict", size=11, color=MUTED)
    f.box(120, 175, 210, 60, "用同样的代码新建的模型\nclone = MLP()", GREEN, size=12)
    f.text(400, 262, "保存的只有参数；模型的结构要靠代码重新建立", size=12, color=MUTED)
    return f


@figure("device-copy", page=P + "use-gpu.md", anchor="## 不必要的复制代价很高",
        caption="CPU 和 GPU 各有自己的内存，张量在两者之间要经过总线复制。数据放在 GPU 上连续计算很快；"
                "每一步都把结果读回 CPU（例如调用 .item() 或打印），GPU 就要停下来等复制完成。",
        alt="左边是 CPU 和内存，右边是 GPU 和显存，中间一条标为总线的双向箭头；"
            "下方两行对比：好的做法是模型和数据都在 GPU 上，只在最后读回一个数；"
            "不好的做法是每一步都在两边来回复制",
        lead="{ref} 画出了两块内存和它们之间的通道。")
def fig_device_copy() -> Figure:
    f = Figure(820, 300)
    f.box(40, 30, 230, 90, "", GREY)
    f.text(155, 52, "CPU", size=15, weight="bold")
    f.box(60, 70, 190, 36, "内存", WHITE_BLUE, size=13)
    f.box(490, 30, 230, 90, "", GREEN)
    f.text(605, 52, "GPU", size=15, weight="bold")
    f.box(510, 70, 190, 36, "显存", ("#ffffff", GREEN[1]), size=13)
    f.arrow(270, 75, 490, 75, both=True, color=ORANGE[1], sw=2)
    f.text(380, 60, "总线（慢，且要同步）", size=12, color=ORANGE[1])
    f.text(380, 160, "好：数据和模型都放在 GPU 上，最后才读回一个数", size=13, color=GREEN[1])
    for k in range(6):
        f.box(120 + k * 90, 180, 70, 28, f"第 {k + 1} 步", ("#ffffff", GREEN[1]), size=11)
    f.text(380, 236, "不好：每一步都 .item() / print，GPU 每步都停下等待复制", size=13,
           color=RED[1])
    for k in range(6):
        f.box(120 + k * 90, 254, 46, 28, f"{k + 1}", ("#ffffff", GREEN[1]), size=11)
        f.box(166 + k * 90, 254, 22, 28, "", RED, size=10)
    f.text(700, 268, "红色：复制回 CPU", size=11, color=RED[1], anchor="start")
    return f
