"""d2lcode：《动手学深度学习》代码实践版的辅助包。

课程代码里的 ``d2l.xxx`` 在这里都有同名函数，``import d2lcode as d2l`` 即可运行。
需要课程里框架无关的别名（``d2l.reshape``、``d2l.plt`` 等）时，用
``from d2lcode import torch as d2l``。
"""

import sys as _sys

# python -m d2lcode.doctor 要先导入本包，而下面的导入需要 torch、matplotlib 等：它们坏了时
# 自检本该报告问题，却会先在这里崩溃。所以这种启动方式下直接运行只用标准库的自检并退出。
# （Python 3.9 及更早没有 sys.orig_argv，那里 python -m d2lcode.* 一律进入自检：它会说明版本太旧。）
if _sys.argv[:1] == ["-m"] and (_sys.version_info < (3, 10) or ("-m", "d2lcode.doctor") in zip(
        _sys.orig_argv, _sys.orig_argv[1:], strict=False)):
    from .doctor import main as _doctor_main

    raise SystemExit(_doctor_main())

from .animator import Animator, display_mode
from .attention import (
    AdditiveAttention,
    DotProductAttention,
    MultiHeadAttention,
    PositionalEncoding,
    masked_softmax,
    sequence_mask,
    transpose_output,
    transpose_qkv,
)
from .conv import Residual, corr2d, lenet
from .data import (
    ArrayLoader,
    FashionMNIST,
    get_dataloader_workers,
    get_fashion_mnist_labels,
    k_fold_indices,
    load_array,
    load_data_fashion_mnist,
    read_fashion_mnist,
    synthetic_data,
)
from .datahub import DATA_HUB, ChecksumError, DataNotFoundError, download, download_extract
from .device import budget, cpu, mode, num_gpus, seed, try_all_gpus, try_gpu
from .digits import evaluate_by_length, generate_digits, load_data_digits
from .metrics import Accumulator, Timer, bleu
from .netstats import count_macs, count_params, layer_summary
from .plot import (
    cjk_font,
    plot,
    plt,
    set_axes,
    set_figsize,
    show_heatmaps,
    show_images,
    use_svg_display,
)
from .rnn import Seq2SeqAttentionDecoder, Seq2SeqDecoder
from .seq2seq import (
    AttentionDecoder,
    Decoder,
    Encoder,
    EncoderDecoder,
    MaskedSoftmaxCELoss,
    Seq2SeqEncoder,
    Vocab,
    date_to_chinese,
    evaluate_seq2seq,
    generate_dates,
    grad_clipping,
    load_data_dates,
    predict_seq2seq,
    train_seq2seq,
)
from .train import (
    History,
    accuracy,
    evaluate_accuracy,
    evaluate_accuracy_gpu,
    evaluate_loss,
    init_normal,
    init_xavier,
    linreg,
    predict_ch3,
    sgd,
    squared_loss,
    train_ch3,
    train_ch6,
    train_epoch_ch3,
)
from .transformer import (
    AddNorm,
    DecoderBlock,
    EncoderBlock,
    PositionWiseFFN,
    TransformerDecoder,
    TransformerEncoder,
)

__version__ = "0.1.0"


def __getattr__(name):
    # 子模块 d2lcode.doctor（环境自检）在第一次访问时才导入：这样 python -m d2lcode.doctor
    # 不会因为包已经导入过它而在标准错误上打印 RuntimeWarning，也不拖慢 import d2lcode。
    if name == "doctor":
        import importlib

        return importlib.import_module(".doctor", __name__)
    if name.startswith("__"):  # 工具探查的特殊名字：保持 Python 的标准说法
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    raise AttributeError(
        f"d2lcode 没有名为 {name!r} 的函数或属性。课程代码中与框架无关的别名（reshape、plt 等）"
        "在兼容模块里：改用 from d2lcode import torch as d2l；本书提供的全部名字见附录"
        "“d2lcode API 参考”。")
