"""d2lcode.torch 兼容模块：课程风格的别名，以及它们不会污染 d2lcode 顶层。"""

from __future__ import annotations

import subprocess
import sys
import types

import numpy as np
import pytest
import torch

import d2lcode
from d2lcode import torch as d2l

ALIASES = ["size", "reshape", "argmax", "astype", "reduce_sum", "reduce_mean", "numpy", "to",
           "transpose", "tensor", "ones", "zeros", "ones_like", "zeros_like", "arange", "normal",
           "rand", "randn", "matmul", "exp", "log", "sin", "cos", "sinh", "cosh", "tanh",
           "linspace", "abs", "meshgrid", "concat", "stack", "eye", "int32", "float32",
           "expand_dims"]


@pytest.mark.parametrize("name", ALIASES)
def test_alias_exists_only_in_compat_module(name):
    assert hasattr(d2l, name)
    assert name not in vars(d2lcode)


def test_reexports_top_level_and_frameworks():
    public = [n for n, v in vars(d2lcode).items()
              if not n.startswith("_") and not isinstance(v, types.ModuleType)]
    missing = [n for n in public if not hasattr(d2l, n)]
    assert not missing
    assert d2l.train_ch6 is d2lcode.train_ch6
    assert d2l.nn is torch.nn and d2l.F is torch.nn.functional
    assert d2l.plt.__name__ == "matplotlib.pyplot"


def test_alias_semantics():
    x = torch.arange(6.0, requires_grad=True)
    assert d2l.size(x) == 6
    assert isinstance(d2l.numpy(x), np.ndarray)  # 先 detach，带梯度的张量也行
    assert d2l.reshape(x, (2, 3)).shape == (2, 3)
    assert d2l.reshape(x, 3, 2).shape == (3, 2)
    m = d2l.reshape(x.detach(), (2, 3))
    assert d2l.argmax(m, axis=1).tolist() == [2, 2]
    assert d2l.reduce_sum(m, axis=0).tolist() == [3.0, 5.0, 7.0]
    assert d2l.reduce_mean(m).item() == 2.5
    assert d2l.astype(m, d2l.int32).dtype == torch.int32
    assert d2l.transpose(m).shape == (3, 2)
    assert d2l.expand_dims(m, 0).shape == (1, 2, 3)
    assert d2l.concat((m, m), dim=1).shape == (2, 6)
    assert d2l.to(m, torch.float64).dtype == torch.float64
    assert d2l.matmul(d2l.eye(2), d2l.ones((2, 1))).tolist() == [[1.0], [1.0]]
    assert d2l.normal(0, 1, (3,)).shape == (3,)


def test_real_torch_is_not_shadowed():
    import d2lcode.train as train

    assert train.torch is torch  # 包内模块用的仍是真正的 PyTorch
    assert d2l._torch is torch


def test_fresh_process_course_import_is_light_and_quiet():
    """新进程里：import d2lcode 不导入 IPython；课程式导入可用，真正的 torch 不被遮蔽。"""
    code = ("import sys, d2lcode; print('IPython' in sys.modules); "
            "from d2lcode import torch as d2l; import torch; "
            "x = d2l.reshape(d2l.arange(4), (2, 2)); print(d2l.size(x), torch.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "4", "torch"]
    assert out.stderr == ""


def test_missing_name_gives_chinese_hint():
    with pytest.raises(AttributeError, match="from d2lcode import torch as d2l"):
        d2lcode.no_such_helper  # noqa: B018
    assert not hasattr(d2lcode, "__no_such_dunder__")
