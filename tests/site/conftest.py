"""浏览器测试的公共部分：本地 HTTP 服务器（只监听 127.0.0.1）和无头 Chromium。

这些测试只由 ``nox -s browser`` 运行（它设置 D2L_BROWSER_TESTS=1 和 D2L_SITE_DIR）；
``nox -s tests`` 不收集它们。用 Debian 的 Chromium（/usr/bin/chromium），不下载浏览器。
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

if os.environ.get("D2L_BROWSER_TESTS") != "1":
    collect_ignore_glob = ["test_*.py"]

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def find_chromium() -> str | None:
    """D2L_CHROMIUM，或 PATH 里的 chromium / chromium-browser / google-chrome。"""
    if os.environ.get("D2L_CHROMIUM"):
        return os.environ["D2L_CHROMIUM"]
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


@pytest.fixture(scope="session")
def site_dir() -> Path:
    site = Path(os.environ.get("D2L_SITE_DIR", ROOT / "_build" / "html"))
    if not (site / "index.html").is_file():
        pytest.fail(f"找不到构建好的网站 {site}/index.html：先运行 nox -s build-docs")
    return site


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    path = Path(os.environ.get("D2L_SCREENSHOT_DIR", ROOT / "_build" / "screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    """在 127.0.0.1 的随机端口上提供 site_dir，测试结束时关闭。"""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.timeout = 10
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _cjk_fontconfig(workdir: Path) -> dict[str, str]:
    """让 Chromium 也能用 mplfonts 带的思源黑体：截图里的中文不显示成方框。

    CI 机器上通常没有中文系统字体；读者的浏览器有自己的字体，网站本身不依赖这一步。
    返回要加到 Chromium 环境变量里的 FONTCONFIG_FILE（找不到 mplfonts 时为空）。
    """
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return {}
    fonts = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    if not fonts.is_dir():
        return {}
    conf = workdir / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{fonts}</dir>\n  <cachedir>{workdir / 'cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8")
    return {"FONTCONFIG_FILE": str(conf)}


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory):
    try:
        import playwright.sync_api as playwright_api
    except ImportError:  # 浏览器测试被要求运行时，缺少 playwright 是失败而不是跳过
        pytest.fail("没有安装 playwright：pip install -r requirements.txt")
    chromium = find_chromium()
    if chromium is None:
        pytest.fail("找不到 Chromium：Debian/Ubuntu 上运行 apt-get install chromium，"
                    "或用 D2L_CHROMIUM 指定可执行文件")
    env = dict(os.environ, **_cjk_fontconfig(tmp_path_factory.mktemp("fontconfig")))
    with playwright_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),  # 全新的 --user-data-dir
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS, env=env,
            viewport={"width": 1280, "height": 900}, locale="zh-CN",
            service_workers="block",
        )
        context.set_default_timeout(30_000)
        try:
            yield context
        finally:
            context.close()
