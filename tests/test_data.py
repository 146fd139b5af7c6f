"""d2lcode.data 与 d2lcode.datahub 的单元测试：形状、类型、确定性、缩放和每条错误路径。"""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pytest
import torch

import d2lcode as d2l
from d2lcode import data, datahub

FILES = [n for n, r in datahub.DATA_HUB.items() if r.group == "fashion-mnist"]
REAL = {name: datahub.find_file(name) for name in FILES}  # 隔离之前找到的真实文件


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """只在临时目录中查找数据：没有系统目录，也不联网。"""
    monkeypatch.setenv("D2L_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(datahub, "SYSTEM_DATA_DIR", tmp_path / "no-system")
    for name, remote in list(datahub.DATA_HUB.items()):
        monkeypatch.setitem(datahub.DATA_HUB, name,
                            datahub.RemoteFile(name, remote.group, remote.sha256, (),
                                               remote.apt_package))
    data.read_fashion_mnist.cache_clear()
    yield tmp_path
    data.read_fashion_mnist.cache_clear()


def _copy_real_files(dest: Path) -> Path:
    folder = dest / "fashion-mnist"
    folder.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copy(REAL[name], folder / name)
    return folder


# --- 正常路径 -------------------------------------------------------------------

def test_batches_shapes_dtypes_and_label_range():
    train_iter, test_iter = d2l.load_data_fashion_mnist(256)
    X, y = next(iter(train_iter))
    assert X.shape == (256, 1, 28, 28) and X.dtype == torch.float32
    assert y.shape == (256,) and y.dtype == torch.int64
    assert 0.0 <= float(X.min()) and float(X.max()) <= 1.0
    assert len(train_iter) == 235 and len(test_iter) == 40
    labels = torch.cat([y for _, y in test_iter])
    assert labels.shape == (10000,)
    assert labels.min() == 0 and labels.max() == 9
    assert torch.bincount(labels).tolist() == [1000] * 10


def test_every_example_served_once_per_epoch():
    train_iter, _ = d2l.load_data_fashion_mnist(1000, seed=3)
    labels = torch.cat([y for _, y in train_iter])
    assert torch.bincount(labels).tolist() == [6000] * 10


def test_same_seed_same_order_and_epochs_differ():
    a, _ = d2l.load_data_fashion_mnist(64, seed=7)
    b, _ = d2l.load_data_fashion_mnist(64, seed=7)
    first_a, first_b = next(iter(a))[1], next(iter(b))[1]
    assert torch.equal(first_a, first_b)
    assert not torch.equal(first_a, next(iter(a))[1])  # 第二轮换了顺序


def test_global_seed_controls_shuffling():
    d2l.seed(11)
    a, _ = d2l.load_data_fashion_mnist(64)
    d2l.seed(11)
    b, _ = d2l.load_data_fashion_mnist(64)
    assert torch.equal(next(iter(a))[1], next(iter(b))[1])


def test_test_iterator_is_not_shuffled():
    _, test_iter = d2l.load_data_fashion_mnist(100)
    _, labels = d2l.read_fashion_mnist(train=False)
    assert torch.equal(next(iter(test_iter))[1], labels[:100])


@pytest.mark.parametrize("resize, shape", [(64, (64, 64)), ((32, 48), (32, 48)), (14, (14, 14))])
def test_resize(resize, shape):
    train_iter, _ = d2l.load_data_fashion_mnist(8, resize=resize)
    X, _ = next(iter(train_iter))
    assert X.shape == (8, 1, *shape)
    assert 0.0 <= float(X.min()) and float(X.max()) <= 1.0


@pytest.mark.parametrize("bad", [0, -3, (28,), (2.5, 3), "64"])
def test_bad_resize_is_a_chinese_error(bad):
    with pytest.raises(ValueError, match="resize"):
        d2l.load_data_fashion_mnist(8, resize=bad)


def test_subsets_are_fixed_and_sized():
    a, t = d2l.load_data_fashion_mnist(100, n_train=1000, n_test=300, seed=0)
    b, _ = d2l.load_data_fashion_mnist(100, n_train=1000, n_test=300, seed=0)
    assert a.num_examples == 1000 and t.num_examples == 300
    assert torch.equal(a.tensors[1], b.tensors[1])
    with pytest.raises(ValueError, match="样本数"):
        d2l.load_data_fashion_mnist(8, n_train=0)


def test_dataset_object_matches_tensors():
    ds = d2l.FashionMNIST(train=False)
    X, y = ds[5]
    assert X.shape == (1, 28, 28) and isinstance(y, int)
    assert torch.equal((X[0] * 255).round().to(torch.uint8), ds.images[5])
    assert d2l.FashionMNIST(train=False, resize=32)[0][0].shape == (1, 32, 32)


def test_labels_in_chinese_and_english():
    assert d2l.get_fashion_mnist_labels([3, 8]) == ["连衣裙", "包"]
    assert d2l.get_fashion_mnist_labels([3], lang="en") == ["dress"]
    with pytest.raises(ValueError, match="0 到 9"):
        d2l.get_fashion_mnist_labels([10])
    with pytest.raises(ValueError, match="lang"):
        d2l.get_fashion_mnist_labels([1], lang="fr")


def test_array_loader_and_load_array():
    X, y = torch.arange(20.0).reshape(10, 2), torch.arange(10)
    loader = d2l.load_array((X, y), 4, is_train=False)
    assert [len(b) for b, _ in loader] == [4, 4, 2]
    shuffled = torch.cat([b for _, b in d2l.load_array((X, y), 3)])
    assert sorted(shuffled.tolist()) == list(range(10))
    assert len(d2l.ArrayLoader((X, y), 4, drop_last=True)) == 2
    with pytest.raises(ValueError, match="batch_size"):
        d2l.load_array((X, y), 0)
    with pytest.raises(ValueError, match="第一维"):
        d2l.load_array((X, y[:5]), 2)


def test_synthetic_data_follows_the_model():
    d2l.seed(0)
    w = torch.tensor([2.0, -3.4])
    X, y = d2l.synthetic_data(w, 4.2, 2000)
    residual = y.reshape(-1) - (X @ w + 4.2)
    assert X.shape == (2000, 2) and y.shape == (2000, 1)
    assert abs(float(residual.std()) - 0.01) < 0.002


def test_no_workers_needed():
    assert d2l.get_dataloader_workers() == 0


# --- 查找顺序 -------------------------------------------------------------------

def test_data_dir_takes_priority(isolated):
    folder = _copy_real_files(isolated)
    assert datahub.find_file(FILES[0]) == folder / FILES[0]
    X, y = d2l.read_fashion_mnist(train=False)
    assert X.shape == (10000, 28, 28)


def test_files_directly_in_data_dir_are_found(isolated):
    for name in FILES:
        shutil.copy(REAL[name], isolated / name)
    assert datahub.find_file(FILES[0]) == isolated / FILES[0]


def test_search_order():
    env = os.environ.pop("D2L_DATA_DIR", None)
    try:
        dirs = datahub.search_dirs("fashion-mnist")
        assert dirs[0] == datahub.default_cache_dir() / "fashion-mnist"
        assert dirs[-1] == Path("/usr/share/datasets/fashion-mnist")
    finally:
        if env is not None:
            os.environ["D2L_DATA_DIR"] = env


# --- 错误路径 -------------------------------------------------------------------

def test_missing_data_gives_chinese_error_with_fixes(isolated):
    with pytest.raises(datahub.DataNotFoundError) as info:
        d2l.load_data_fashion_mnist(32)
    message = str(info.value)
    assert "找不到数据文件" in message
    assert str(isolated / "fashion-mnist") in message  # 列出查找过的位置
    assert "apt-get install dataset-fashion-mnist" in message
    assert "D2L_DATA_DIR" in message


def test_truncated_file_is_reported(isolated):
    folder = _copy_real_files(isolated)
    path = folder / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:3000])
    with pytest.raises(datahub.ChecksumError, match="损坏"):
        d2l.read_fashion_mnist(train=False)


def test_wrong_content_is_reported(isolated):
    folder = _copy_real_files(isolated)
    path = folder / "t10k-labels-idx1-ubyte.gz"
    with gzip.open(path, "wb") as f:
        f.write(b"\x00\x00\x08\x01" + b"\x00" * 100)
    with pytest.raises(datahub.ChecksumError, match="校验失败") as info:
        d2l.read_fashion_mnist(train=False)
    assert "SHA-256" in str(info.value) and "删除" in str(info.value)


def test_not_gzip_is_reported(isolated):
    folder = _copy_real_files(isolated)
    (folder / "t10k-images-idx3-ubyte.gz").write_text("这不是 gzip 文件")
    with pytest.raises(datahub.ChecksumError, match="损坏"):
        d2l.read_fashion_mnist(train=False)


def test_unknown_name_lists_registered_files():
    with pytest.raises(KeyError, match="没有登记"):
        d2l.download("no-such-file.zip")


# --- 下载：用 file:// 地址模拟镜像，检查校验与原子写入 ----------------------------------

def _register(monkeypatch, name: str, source: Path, sha256: str | None = None, urls=None):
    remote = datahub.RemoteFile(name, "test-group", sha256 or datahub.content_sha256(source),
                                tuple(urls) if urls is not None else (source.as_uri(),))
    monkeypatch.setitem(datahub.DATA_HUB, name, remote)
    return remote


def test_download_verifies_and_writes_atomically(isolated, monkeypatch):
    source = isolated / "mirror" / "hello.txt.gz"
    source.parent.mkdir()
    with gzip.open(source, "wb") as f:
        f.write("你好".encode())
    _register(monkeypatch, "hello.txt.gz", source)
    path = Path(d2l.download("hello.txt.gz"))
    assert path == isolated / "test-group" / "hello.txt.gz"
    assert gzip.decompress(path.read_bytes()) == "你好".encode()
    assert not list(path.parent.glob(".*.part"))  # 没有留下临时文件
    assert d2l.download("hello.txt.gz") == str(path)  # 第二次直接用本地文件


def test_download_with_wrong_checksum_leaves_nothing(isolated, monkeypatch):
    source = isolated / "mirror.bin"
    source.write_bytes(b"payload")
    _register(monkeypatch, "x.bin", source, sha256="0" * 64)
    with pytest.raises(datahub.DataNotFoundError, match="校验失败"):
        d2l.download("x.bin")
    folder = isolated / "test-group"
    assert not (folder / "x.bin").exists()
    assert not list(folder.glob(".*"))


def test_download_falls_back_to_second_mirror(isolated, monkeypatch):
    source = isolated / "ok.bin"
    source.write_bytes(b"abc")
    _register(monkeypatch, "ok.bin", source,
              urls=[(isolated / "missing.bin").as_uri(), source.as_uri()])
    assert Path(d2l.download("ok.bin")).read_bytes() == b"abc"


def test_download_offline_error_lists_attempts(isolated, monkeypatch):
    missing = isolated / "nowhere.bin"
    placeholder = isolated / "placeholder.bin"
    placeholder.write_bytes(b"")
    _register(monkeypatch, "nowhere.bin", placeholder, sha256="1" * 64, urls=[missing.as_uri()])
    monkeypatch.setattr(datahub.time, "sleep", lambda s: None)
    with pytest.raises(datahub.DataNotFoundError) as info:
        d2l.download("nowhere.bin", retries=1)
    message = str(info.value)
    assert message.count(missing.as_uri()) == 2  # 重试了一次
    assert "解决办法" in message


def test_download_extract_zip(isolated, monkeypatch):
    import zipfile

    archive = isolated / "src" / "pack.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("pack/a.txt", "甲")
    _register(monkeypatch, "pack.zip", archive)
    folder = Path(d2l.download_extract("pack.zip"))
    assert (folder / "a.txt").read_text() == "甲"
    assert d2l.download_extract("pack.zip") == str(folder)
