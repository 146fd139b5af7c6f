"""预先导入好 PyTorch 和 d2lcode 的内核：执行页面时省掉每页几秒的内核启动和导入。

一个新内核要先导入 ipykernel（约 1 秒），页面再导入 torch 和 d2lcode（约 2 秒）；全书 60 多页，
每页都要付一次，页面一多就很可观。这里用“孵化器”进程省掉它（只在 Linux 上）：

* 孵化器（``serve``）启动时导入 :data:`PRELOAD` 里的模块，然后等待请求；
* 内核规格 :data:`KERNEL_NAME` 的命令是一个很小的客户端
  （``python d2l_kernel.py kernel -f 连接文件``）。jupyter_client 照常启动它；
  它把命令行参数、环境变量、工作目录和标准输入输出交给孵化器，
  孵化器 ``fork`` 出一个子进程，子进程在这个目录、这个环境里运行 ``IPKernelApp``，
  与 ``python -m ipykernel_launcher`` 启动的内核相同，只是模块已经导入；
* 客户端一直等到内核退出，并把收到的信号（中断、终止）转给内核；客户端被杀掉时，孵化器也杀掉内核。

每页仍然在自己的新进程里执行，页面之间不共享任何变量。环境变量与孵化器启动时不同
（例如冒烟模式换成了 CPU 模式）、孵化器不在、或者不是 Linux 时，客户端直接换成普通内核，
结果相同，只是慢一些；``D2L_PRELOAD=0`` 也可以关掉这个机制。

    with preloaded_kernels() as kernels:         # 在执行页面所用的环境变量里调用
        with environ(kernels.env):
            NotebookClient(notebook, kernel_name=kernels.name).execute()
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

KERNEL_NAME = "d2l-preloaded"
SOCKET_ENV = "D2L_KERNEL_SOCKET"
PRELOAD = ("d2lcode", "ipykernel.kernelapp")
_HERE = str(Path(__file__).resolve().parent)
_FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT,
              signal.SIGUSR1, signal.SIGUSR2)


# 比较环境时忽略的变量：孵化器自己的地址，以及 pytest 为每个测试改写的变量
_IGNORED_ENV = (SOCKET_ENV, "PYTEST_CURRENT_TEST")


def _kernel_env(env: dict[str, str]) -> dict[str, str]:
    """决定内核行为的环境变量（jupyter_client 为每个内核设置的 JPY_* 另行处理）。"""
    return {k: v for k, v in env.items() if not k.startswith("JPY_") and k not in _IGNORED_ENV}


# --- 客户端（内核规格里的命令）------------------------------------------------------------


def _plain_kernel(argv: list[str]) -> None:
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *argv])


def client(argv: list[str]) -> int:
    """请孵化器 fork 一个内核，等它退出；孵化器不可用时换成普通内核（不返回）。"""
    address = os.environ.get(SOCKET_ENV)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(address or "")
        request = {"argv": argv, "env": dict(os.environ), "cwd": os.getcwd()}
        socket.send_fds(sock, [json.dumps(request).encode() + b"\n"], [0, 1, 2])
        reply = sock.makefile("r", encoding="utf-8")
        first = reply.readline().split()
    except OSError:
        first = []
    if not first or first[0] != "pid":
        sock.close()
        _plain_kernel(argv)

    def forward(signum, _frame):
        try:
            sock.sendall(f"sig {signum}\n".encode())
        except OSError:
            pass

    for signum in _FORWARDED:
        signal.signal(signum, forward)
    for line in reply:
        kind, _, value = line.partition(" ")
        if kind == "exit":
            code = int(value)
            return code if code >= 0 else 128 - code
    return 1  # 孵化器意外退出


# --- 孵化器 ----------------------------------------------------------------------------


def _threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1


def _read_request(conn: socket.socket) -> tuple[dict, list[int]]:
    data, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
    while data and not data.endswith(b"\n"):
        more = conn.recv(1 << 16)
        if not more:
            break
        data += more
    return json.loads(data), fds


def _become_kernel(request: dict, fds: list[int], keep_out: list) -> None:
    """（在 fork 出的子进程里）变成一个普通的 IPython 内核；不返回。"""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for item in keep_out:
            if isinstance(item, int):
                os.close(item)
            else:
                item.close()
        os.setsid()
        for target, fd in zip((0, 1, 2), fds, strict=True):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ.pop(SOCKET_ENV, None)
        import ipykernel_launcher
        from ipykernel.kernelapp import IPKernelApp

        sys.argv = [ipykernel_launcher.__file__, *request["argv"]]
        # 这两个开关的默认值在导入 ipykernel 时从环境变量读取，孵化器导入时还没有它们
        IPKernelApp.launch_instance(argv=request["argv"],
                                    parent_handle=int(os.environ.get("JPY_PARENT_PID") or 0),
                                    interrupt=int(os.environ.get("JPY_INTERRUPT_EVENT") or 0))
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:  # noqa: BLE001  （打印回溯后退出子进程，绝不回到孵化器的循环）
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve(address: str) -> None:
    """孵化器：导入模块，然后为每个请求 fork 一个内核，直到父进程退出。"""
    import importlib

    sys.path[:] = [p for p in sys.path if p not in ("", _HERE)]  # 与 ipykernel_launcher 相同
    env = _kernel_env(dict(os.environ))
    # IPKernelApp 在用户代码导入 matplotlib 之前设置的后端（见 ipykernel 的 kernelapp.py）
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    for name in PRELOAD:
        importlib.import_module(name)
    if _threads() != 1:  # fork 只复制当前线程；有别的线程时不安全，不提供服务
        print(f"refused: {_threads()} threads", flush=True)
        return
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(16)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    kernels: dict[socket.socket, int] = {}
    parent = os.getppid()
    print("ready", flush=True)
    try:
        while os.getppid() == parent:
            ready, _, _ = select.select([listener, wake_r, *kernels], [], [], 1.0)
            if wake_r in ready:
                while True:
                    try:
                        if not os.read(wake_r, 512):
                            break
                    except BlockingIOError:
                        break
            _reap(kernels)
            for conn in ready:
                if conn is listener:
                    _spawn(listener, env, kernels, [listener, wake_r, wake_w])
                elif conn in kernels:
                    _relay(conn, kernels)
    finally:
        for pid in kernels.values():
            _kill(pid, signal.SIGKILL)


def _spawn(listener: socket.socket, env: dict[str, str], kernels: dict, keep_out: list) -> None:
    conn, _ = listener.accept()
    try:
        request, fds = _read_request(conn)
    except (OSError, ValueError):
        conn.close()
        return
    if _kernel_env(request["env"]) != env:  # 导入模块时的环境不同：让客户端启动普通内核
        for fd in fds:
            os.close(fd)
        conn.sendall(b"refused environment\n")
        conn.close()
        return
    pid = os.fork()
    if pid == 0:
        _become_kernel(request, fds, keep_out + [*kernels, conn])
    for fd in fds:
        os.close(fd)
    conn.sendall(f"pid {pid}\n".encode())
    kernels[conn] = pid


def _relay(conn: socket.socket, kernels: dict) -> None:
    """客户端发来的信号转给内核；客户端断开（被杀掉）时杀掉内核。"""
    try:
        data = conn.recv(4096)
    except OSError:
        data = b""
    pid = kernels[conn]
    if not data:
        _kill(pid, signal.SIGKILL)
        return
    for line in data.decode().splitlines():
        kind, _, value = line.partition(" ")
        if kind == "sig" and value.isdigit():
            _kill(pid, int(value))


def _reap(kernels: dict) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        for conn, child in list(kernels.items()):
            if child == pid:
                del kernels[conn]
                try:
                    conn.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
                except OSError:
                    pass
                conn.close()


def _kill(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


# --- 构建和测试用的入口 --------------------------------------------------------------------


def _write_spec(root: Path) -> None:
    spec = root / "kernels" / KERNEL_NAME / "kernel.json"
    spec.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "kernel", "-f", "{connection_file}"]
    text = json.dumps({
        "argv": command,
        "display_name": "Python 3（预先导入 d2lcode）", "language": "python",
        "metadata": {"debugger": False}}, ensure_ascii=False, indent=1)
    if not spec.is_file() or spec.read_text(encoding="utf-8") != text:
        tmp = spec.with_name(f"kernel.json.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(spec)


class Kernels(NamedTuple):
    """执行页面时用的内核规格名，以及执行时要加上的环境变量。"""

    name: str
    env: dict[str, str]


PLAIN = Kernels("python3", {})


@contextmanager
def preloaded_kernels() -> Iterator[Kernels]:
    """按当前的环境变量启动孵化器；退出时关掉它。

    执行页面时把 ``kernels.env`` 加进环境变量（内核从执行它的进程继承环境），并使用内核规格
    ``kernels.name``。不是 Linux、环境变量 ``D2L_PRELOAD=0``、或者孵化器没能启动时给出普通内核
    :data:`PLAIN`。"""
    if sys.platform != "linux" or os.environ.get("D2L_PRELOAD") == "0":
        yield PLAIN
        return
    with tempfile.TemporaryDirectory(prefix="d2l-kernel-") as tmp:
        _write_spec(Path(tmp))
        jupyter_path = os.pathsep.join(p for p in (tmp, os.environ.get("JUPYTER_PATH")) if p)
        kernels = Kernels(KERNEL_NAME, {SOCKET_ENV: str(Path(tmp) / "socket"),
                                        "JUPYTER_PATH": jupyter_path})
        process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "serve",
                                    kernels.env[SOCKET_ENV]], stdout=subprocess.PIPE, text=True,
                                   env={**os.environ, **kernels.env})
        try:
            ready = process.stdout.readline().strip() == "ready"
            yield kernels if ready else PLAIN
        finally:
            process.kill()
            process.wait()
            process.stdout.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2])
    elif sys.argv[1:2] == ["kernel"]:
        sys.exit(client(sys.argv[2:]))
    else:
        sys.exit("用法：d2l_kernel.py serve 地址 | d2l_kernel.py kernel -f 连接文件")
