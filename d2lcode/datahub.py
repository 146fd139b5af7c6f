"""数据文件的登记、查找、下载与校验。

每个文件在 :data:`DATA_HUB` 里登记：文件名、若干镜像地址、内容的 SHA-256。
校验的是解压后的内容（``.gz`` 文件先解压再算摘要），所以同一份数据
不论由谁重新压缩（例如 Debian 的 ``dataset-fashion-mnist`` 包）都能通过校验。

查找顺序：``$D2L_DATA_DIR`` → 用户缓存目录 → 系统目录（``/usr/share/datasets``）
→ 从镜像下载到缓存目录。下载先写入临时文件，校验通过后才原子地改名，
所以中断或损坏的下载不会留下半个文件。
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import sys
import tarfile
import tempfile
import time
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "DATA_HUB",
    "ChecksumError",
    "DataNotFoundError",
    "RemoteFile",
    "default_cache_dir",
    "content_sha256",
    "download",
    "download_extract",
    "find_file",
    "search_dirs",
]

SYSTEM_DATA_DIR = Path("/usr/share/datasets")


class DataNotFoundError(FileNotFoundError):
    """本地找不到数据文件、也无法下载时抛出。"""


class ChecksumError(ValueError):
    """文件内容与登记的 SHA-256 不符（文件损坏、被截断或不是同一个文件）。"""


@dataclass(frozen=True)
class RemoteFile:
    """登记在 :data:`DATA_HUB` 中的一个数据文件。

    ``sha256`` 是解压后内容的摘要；``group`` 是它在数据目录下的子目录名。
    """

    name: str
    group: str
    sha256: str
    urls: tuple[str, ...] = field(default_factory=tuple)
    apt_package: str | None = None


DATA_HUB: dict[str, RemoteFile] = {}


def register(remote: RemoteFile) -> RemoteFile:
    """把一个文件登记到 :data:`DATA_HUB` 并原样返回。"""
    DATA_HUB[remote.name] = remote
    return remote


_FASHION_MIRRORS = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
)
for _name, _digest in [
    ("train-images-idx3-ubyte.gz",
     "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
    ("train-labels-idx1-ubyte.gz",
     "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
    ("t10k-images-idx3-ubyte.gz",
     "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
    ("t10k-labels-idx1-ubyte.gz",
     "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
]:
    register(RemoteFile(_name, "fashion-mnist", _digest,
                        tuple(m + _name for m in _FASHION_MIRRORS), "dataset-fashion-mnist"))


def default_cache_dir() -> Path:
    """下载文件存放的目录：``$D2L_DATA_DIR``，否则是用户缓存目录。

    >>> import os
    >>> os.environ["D2L_DATA_DIR"] = "/tmp/d2l-data"
    >>> default_cache_dir()
    PosixPath('/tmp/d2l-data')
    >>> del os.environ["D2L_DATA_DIR"]
    >>> default_cache_dir().name
    'd2lcode'
    """
    env = os.environ.get("D2L_DATA_DIR")
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "d2lcode"


def search_dirs(group: str) -> list[Path]:
    """按查找顺序列出某组数据可能所在的目录。

    >>> [p.name for p in search_dirs("fashion-mnist")][-1]
    'fashion-mnist'
    """
    dirs = []
    env = os.environ.get("D2L_DATA_DIR")
    if env:
        dirs += [Path(env).expanduser() / group, Path(env).expanduser()]
    else:
        dirs.append(default_cache_dir() / group)
    dirs.append(SYSTEM_DATA_DIR / group)
    return dirs


def content_sha256(path: str | os.PathLike, gz: bool | None = None) -> str:
    """文件内容的 SHA-256；gzip 文件（默认按扩展名 ``.gz`` 判断）按解压后的内容计算。

    读不了的 gzip（被截断、不是 gzip）抛出 :class:`ChecksumError`。
    """
    path = Path(path)
    digest = hashlib.sha256()
    opener = gzip.open if (path.suffix == ".gz" if gz is None else gz) else open
    try:
        with opener(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    except (OSError, EOFError, gzip.BadGzipFile) as err:
        raise ChecksumError(
            f"文件 {path} 已损坏，无法读取（{type(err).__name__}: {err}）。"
            f"请删除它后重新下载，或重新安装提供它的软件包。"
        ) from err
    return digest.hexdigest()


_verified: dict[tuple[str, int, int], str] = {}


def _verify(path: Path, remote: RemoteFile) -> None:
    """校验文件内容；同一文件（路径、大小、修改时间不变）只算一次摘要。"""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if _verified.get(key) == remote.sha256:
        return
    actual = content_sha256(path, gz=remote.name.endswith(".gz"))
    if actual != remote.sha256:
        raise ChecksumError(
            f"文件 {path} 的内容校验失败：SHA-256 应为 {remote.sha256}，实际为 {actual}。"
            f"文件可能被截断或不是 {remote.name}。请删除它后重新下载，"
            f"或重新安装提供它的软件包。"
        )
    _verified[key] = remote.sha256


def _lookup(name: str) -> RemoteFile:
    try:
        return DATA_HUB[name]
    except KeyError:
        known = "、".join(sorted(DATA_HUB)) or "（空）"
        raise KeyError(f"DATA_HUB 中没有登记文件 {name!r}；已登记的有：{known}") from None


def find_file(name: str) -> Path | None:
    """在本地查找已登记的文件并校验；找不到时返回 ``None``。

    找到但校验失败时抛出 :class:`ChecksumError`，不会悄悄改用别处的文件。
    """
    remote = _lookup(name)
    for folder in search_dirs(remote.group):
        path = folder / name
        if path.is_file():
            _verify(path, remote)
            return path
    return None


def _not_found_message(remote: RemoteFile, errors: list[str]) -> str:
    places = "\n".join(f"  - {d / remote.name}" for d in search_dirs(remote.group))
    tried = "\n".join(f"  - {e}" for e in errors) or "  - （没有可用的下载地址）"
    target = default_cache_dir() / remote.group
    fixes = [f"把文件 {remote.name} 放进 {target}（或任一上面列出的目录）；"]
    if remote.apt_package:
        fixes.insert(0, f"Debian/Ubuntu：sudo apt-get install {remote.apt_package}；")
    fixes.append("设置环境变量 D2L_DATA_DIR 指向已存放数据的目录；")
    fixes.append("联网后重试（会自动下载并校验）。")
    lines = "\n".join(f"  {i}. {fix}" for i, fix in enumerate(fixes, 1))
    return (
        f"找不到数据文件 {remote.name}。\n已查找的位置：\n{places}\n"
        f"下载也失败了：\n{tried}\n解决办法（任选其一）：\n{lines}"
    )


def _fetch(url: str, dest: Path, label: str, timeout: float) -> None:
    """把 ``url`` 下载到 ``dest``，在标准错误上显示进度。"""
    with urllib.request.urlopen(url, timeout=timeout) as response, open(dest, "wb") as out:
        total = int(response.headers.get("Content-Length") or 0)
        done = 0
        for chunk in iter(lambda: response.read(1 << 16), b""):
            out.write(chunk)
            done += len(chunk)
            if total:
                print(f"\r下载 {label}：{100 * done // total:3d}%", end="",
                      file=sys.stderr)
    if total:
        print(file=sys.stderr)


def download(name: str, cache_dir: str | os.PathLike | None = None, *,
             timeout: float = 30.0, retries: int = 2) -> str:
    """返回已登记文件的本地路径；本地没有时从镜像下载并校验。

    与课程中的 ``d2l.download`` 用法相同，但不用相对路径 ``../data``，
    离线时只要文件已在本地（见 :func:`search_dirs`）就能用。

    >>> path = download("t10k-labels-idx1-ubyte.gz")  # 已在本地，不会联网
    >>> path.endswith("t10k-labels-idx1-ubyte.gz")
    True
    """
    remote = _lookup(name)
    if cache_dir is None:
        found = find_file(name)
        if found is not None:
            return str(found)
        folder = default_cache_dir() / remote.group
    else:
        folder = Path(cache_dir)
        path = folder / name
        if path.is_file():
            _verify(path, remote)
            return str(path)
    folder.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    for url in remote.urls:
        for attempt in range(retries + 1):
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
            os.close(fd)
            tmp_path = Path(tmp)
            try:
                _fetch(url, tmp_path, name, timeout)
                _verify(tmp_path, remote)
                os.replace(tmp_path, folder / name)
                return str(folder / name)
            except ChecksumError as err:
                errors.append(f"{url}：下载的内容校验失败（{err}）")
                break
            except OSError as err:
                errors.append(f"{url}（第 {attempt + 1} 次）：{err}")
                if attempt < retries:
                    time.sleep(min(2.0**attempt, 5.0))
            finally:
                tmp_path.unlink(missing_ok=True)
    raise DataNotFoundError(_not_found_message(remote, errors))


def download_extract(name: str, folder: str | None = None) -> str:
    """下载并解压 ``.zip`` / ``.tar`` / ``.tar.gz`` 文件，返回解压后的目录。

    先解压到临时目录，完成后再改名，中途失败不会留下半个目录。
    ``folder`` 是压缩包里的顶层目录名；省略时用去掉扩展名的文件名。
    """
    archive = Path(download(name))
    stem = archive.name
    for ext in (".tar.gz", ".tgz", ".zip", ".tar"):
        if stem.endswith(ext):
            stem = stem[: -len(ext)]
            break
    else:
        raise ValueError(f"{archive.name} 不是 zip 或 tar 压缩包，无法解压。")
    target = archive.parent / (folder or stem)
    if target.is_dir():
        return str(target)
    tmp = Path(tempfile.mkdtemp(dir=archive.parent, prefix=f".{stem}."))
    try:
        if archive.name.endswith(".zip"):
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(tmp)
        else:
            with tarfile.open(archive) as tf:
                tf.extractall(tmp, filter="data")
        inner = tmp / (folder or stem)
        os.replace(inner if inner.is_dir() else tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return str(target)
