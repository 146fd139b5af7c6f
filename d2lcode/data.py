"""数据集与数据迭代器：Fashion-MNIST、合成数据、内存中的小批量迭代器。

Fashion-MNIST 的 IDX 文件只解码一次，整份数据以 ``uint8`` 张量留在内存里；
每个小批量直接从张量切片得到（打乱用随机排列，缩放整批一起做），
不需要工作进程，因此也没有 Windows 上 ``num_workers`` 的问题。
"""

from __future__ import annotations

import functools
import gzip
import struct
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import torch
from torch.nn import functional as F

from .datahub import download

__all__ = [
    "ArrayLoader",
    "FashionMNIST",
    "FASHION_MNIST_LABELS",
    "FASHION_MNIST_LABELS_EN",
    "get_dataloader_workers",
    "get_fashion_mnist_labels",
    "k_fold_indices",
    "load_array",
    "load_data_fashion_mnist",
    "read_fashion_mnist",
    "synthetic_data",
]

FASHION_MNIST_LABELS = ("T恤", "裤子", "套衫", "连衣裙", "外套",
                        "凉鞋", "衬衫", "运动鞋", "包", "短靴")
FASHION_MNIST_LABELS_EN = ("t-shirt", "trouser", "pullover", "dress", "coat",
                           "sandal", "shirt", "sneaker", "bag", "ankle boot")


def get_fashion_mnist_labels(labels, lang: str = "zh") -> list[str]:
    """把数字标签转换成类别名（默认中文，``lang="en"`` 给英文）。

    >>> get_fashion_mnist_labels([0, 9])
    ['T恤', '短靴']
    >>> get_fashion_mnist_labels(torch.tensor([7]), lang="en")
    ['sneaker']
    """
    names = {"zh": FASHION_MNIST_LABELS, "en": FASHION_MNIST_LABELS_EN}.get(lang)
    if names is None:
        raise ValueError(f"lang 只能是 'zh' 或 'en'，收到的是 {lang!r}。")
    values = labels.tolist() if isinstance(labels, torch.Tensor) else list(labels)
    bad = [v for v in values if not 0 <= int(v) < len(names)]
    if bad:
        raise ValueError(f"Fashion-MNIST 的标签应在 0 到 9 之间，收到了 {bad[:5]}。")
    return [names[int(v)] for v in values]


def _read_idx(path: Path, magic: int) -> torch.Tensor:
    """解码一个（gzip 压缩的）IDX 文件为 ``uint8`` 张量。"""
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    if len(data) < header or struct.unpack(">I", data[:4])[0] != magic:
        raise ValueError(f"{path} 不是预期的 IDX 文件（文件头不符）。请删除它后重新下载。")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    expected = header + int(torch.tensor(shape).prod())
    if len(data) != expected:
        raise ValueError(f"{path} 的长度为 {len(data)} 字节，应为 {expected} 字节，文件不完整。")
    return torch.frombuffer(bytearray(data[header:]), dtype=torch.uint8).reshape(shape)


@functools.lru_cache(maxsize=2)
def read_fashion_mnist(train: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """读入 Fashion-MNIST 的训练集或测试集，返回 ``(图像, 标签)``。

    图像是形状为 ``(n, 28, 28)`` 的 ``uint8`` 张量，标签是 ``int64``。
    结果缓存在内存里，同一进程中第二次调用不再读盘。

    >>> X, y = read_fashion_mnist(train=False)
    >>> X.shape, X.dtype, y.shape, y.dtype
    (torch.Size([10000, 28, 28]), torch.uint8, torch.Size([10000]), torch.int64)
    """
    prefix = "train" if train else "t10k"
    images = _read_idx(Path(download(f"{prefix}-images-idx3-ubyte.gz")), 0x0803)
    labels = _read_idx(Path(download(f"{prefix}-labels-idx1-ubyte.gz")), 0x0801)
    if len(images) != len(labels):
        raise ValueError(f"图像有 {len(images)} 张而标签有 {len(labels)} 个，数据文件不配套。")
    return images, labels.long()


def _as_size(resize) -> tuple[int, int] | None:
    if resize is None:
        return None
    size = (resize, resize) if isinstance(resize, int) else tuple(resize)
    if len(size) != 2 or any(not isinstance(s, int) or s <= 0 for s in size):
        raise ValueError(f"resize 应为正整数或 (高, 宽)，收到的是 {resize!r}。")
    return size


def _to_float_images(images: torch.Tensor, size: tuple[int, int] | None) -> torch.Tensor:
    """``uint8 (n, h, w)`` → ``float32 (n, 1, h', w')``，取值在 [0, 1]。"""
    X = images.unsqueeze(1).float().div_(255)
    if size is not None and tuple(X.shape[-2:]) != size:
        X = F.interpolate(X, size=size, mode="bilinear", align_corners=False,
                          antialias=size[0] < X.shape[-2]).clamp_(0, 1)
    return X


class FashionMNIST:
    """类似 ``torchvision.datasets.FashionMNIST`` 的数据集对象（已转为张量）。

    ``dataset[i]`` 返回 ``(形状为 (1, h, w) 的 float 图像, int 标签)``。

    >>> test = FashionMNIST(train=False)
    >>> len(test), test[0][0].shape, test[0][1]
    (10000, torch.Size([1, 28, 28]), 9)
    """

    def __init__(self, train: bool = True, resize=None):
        self.images, self.labels = read_fashion_mnist(train)
        self.size = _as_size(resize)
        self.train = train

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        X = _to_float_images(self.images[index].unsqueeze(0), self.size)
        return X[0], int(self.labels[index])


class ArrayLoader:
    """从内存中的张量按小批量取数据的迭代器（代替 ``DataLoader``）。

    每轮开始时用自己的随机数生成器生成一个排列，然后按排列切片；
    ``transform`` 作用在整个小批量的第一个张量上（例如转浮点、缩放）。
    ``len(loader)`` 是每轮的批量数，``loader.num_examples`` 是样本数。

    >>> X, y = torch.arange(10.).reshape(5, 2), torch.arange(5)
    >>> loader = ArrayLoader((X, y), batch_size=2, shuffle=False)
    >>> len(loader), [b[1].tolist() for b in loader]
    (3, [[0, 1], [2, 3], [4]])
    """

    def __init__(self, tensors: Sequence[torch.Tensor], batch_size: int,
                 shuffle: bool = True, *, transform: Callable | None = None,
                 seed: int | None = None, drop_last: bool = False):
        if not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(f"batch_size 应为正整数，收到的是 {batch_size!r}。")
        lengths = {len(t) for t in tensors}
        if len(lengths) != 1:
            raise ValueError(f"各个张量的第一维长度应相同，实际为 {[len(t) for t in tensors]}。")
        self.tensors = tuple(tensors)
        self.batch_size, self.shuffle, self.drop_last = batch_size, shuffle, drop_last
        self.transform = transform
        if seed is None:  # 跟随全局随机数种子（d2lcode.seed / torch.manual_seed）
            seed = int(torch.randint(0, 2**62, (1,)))
        self.generator = torch.Generator().manual_seed(seed)

    @property
    def num_examples(self) -> int:
        return len(self.tensors[0])

    def __len__(self) -> int:
        n, b = self.num_examples, self.batch_size
        return n // b if self.drop_last else (n + b - 1) // b

    def __iter__(self) -> Iterator[tuple[torch.Tensor, ...]]:
        n = self.num_examples
        order = torch.randperm(n, generator=self.generator) if self.shuffle else None
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            if order is None:
                batch = [t[start : start + self.batch_size] for t in self.tensors]
            else:
                idx = order[start : start + self.batch_size]
                batch = [t[idx] for t in self.tensors]
            if self.transform is not None:
                batch[0] = self.transform(batch[0])
            yield tuple(batch)


def k_fold_indices(n: int, k: int, i: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` 个样本做 ``k`` 折交叉验证时，第 ``i`` 折的（训练下标，验证下标）。

    先用 ``seed`` 打乱一次，再切成 ``k`` 份（前几份可能多一个样本）；同一个 ``seed`` 的
    各折互不重叠，合起来正好是全部样本。

    >>> vals = [k_fold_indices(23, 5, i)[1] for i in range(5)]
    >>> [len(v) for v in vals], torch.cat(vals).sort().values.tolist() == list(range(23))
    ([5, 5, 5, 4, 4], True)
    >>> tr, va = k_fold_indices(23, 5, 2)
    >>> len(tr) + len(va), len(set(tr.tolist()) & set(va.tolist()))
    (23, 0)
    """
    if not 0 <= i < k <= n:
        raise ValueError(f"应满足 0 <= i < k <= n，收到的是 n={n}、k={k}、i={i}。")
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    folds = torch.tensor_split(perm, k)
    return torch.cat([f for j, f in enumerate(folds) if j != i]), folds[i]


def load_array(data_arrays: Sequence[torch.Tensor], batch_size: int,
               is_train: bool = True) -> ArrayLoader:
    """构造一个小批量迭代器；``is_train=True`` 时每轮打乱顺序。

    >>> X, y = torch.ones(100, 2), torch.zeros(100, 1)
    >>> Xb, yb = next(iter(load_array((X, y), 10)))
    >>> Xb.shape, yb.shape
    (torch.Size([10, 2]), torch.Size([10, 1]))
    """
    return ArrayLoader(data_arrays, batch_size, shuffle=is_train)


def _subset(images, labels, n: int | None, seed: int):
    """取固定的随机子集（同一个 n 总是同一批样本）。"""
    if n is None or n >= len(labels):
        return images, labels
    if n <= 0:
        raise ValueError(f"样本数应为正整数，收到的是 {n}。")
    idx = torch.randperm(len(labels), generator=torch.Generator().manual_seed(seed))[:n]
    idx = idx.sort().values
    return images[idx], labels[idx]


def load_data_fashion_mnist(batch_size: int, resize=None, *, seed: int | None = None,
                            n_train: int | None = None, n_test: int | None = None
                            ) -> tuple[ArrayLoader, ArrayLoader]:
    """读入 Fashion-MNIST，返回 ``(训练迭代器, 测试迭代器)``。

    每个小批量是 ``(X, y)``：``X`` 形状为 ``(批量, 1, 28, 28)``（或 ``resize`` 给的大小），
    取值在 [0, 1] 的 ``float32``；``y`` 是 ``int64`` 标签。训练迭代器每轮打乱。
    ``n_train`` / ``n_test`` 取固定的随机子集，用来在 CPU 上控制计算量。

    数据的查找顺序见 :func:`d2lcode.datahub.search_dirs`。

    >>> train_iter, test_iter = load_data_fashion_mnist(256, resize=32)
    >>> X, y = next(iter(train_iter))
    >>> X.shape, X.dtype, y.dtype, len(train_iter), len(test_iter)
    (torch.Size([256, 1, 32, 32]), torch.float32, torch.int64, 235, 40)
    """
    # 小批量取出后才转成浮点并缩放：内存里一直是紧凑的 uint8
    to_float = functools.partial(_to_float_images, size=_as_size(resize))

    def make_loader(train: bool, n: int | None) -> ArrayLoader:
        images, labels = _subset(*read_fashion_mnist(train), n, seed=0 if train else 1)
        return ArrayLoader((images, labels), batch_size, shuffle=train, transform=to_float,
                           seed=seed)

    return make_loader(True, n_train), make_loader(False, n_test)  # 先训练集，后测试集


def get_dataloader_workers() -> int:
    """返回 0：本书的数据迭代器直接从内存取数据，不需要工作进程。

    课程原来的代码用 4 个工作进程读取图片；在 Windows 和 Jupyter 中这常常报错，
    而且对于解码后已在内存里的数据，多进程只会更慢。

    >>> get_dataloader_workers()
    0
    """
    return 0


def synthetic_data(w: torch.Tensor, b: float, num_examples: int
                   ) -> tuple[torch.Tensor, torch.Tensor]:
    """生成 ``y = Xw + b + 噪声`` 的合成数据，噪声服从 N(0, 0.01²)。

    >>> X, y = synthetic_data(torch.tensor([2.0, -3.4]), 4.2, 1000)
    >>> X.shape, y.shape
    (torch.Size([1000, 2]), torch.Size([1000, 1]))
    """
    w = torch.as_tensor(w, dtype=torch.float32)
    features = torch.normal(0.0, 1.0, (num_examples, len(w)))  # 每个特征都取自标准正态分布
    exact = features @ w + b
    labels = exact + torch.normal(0.0, 0.01, exact.shape)  # 加上观测噪声
    return features, labels.reshape(-1, 1)

