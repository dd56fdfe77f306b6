"""Kernels forked from one process that has imported the notebooks' stack once (Linux).

A run's kernels each started Python and imported the same stack (ipykernel, pandas, Altair,
ipyleaflet, matplotlib, the package): about 1.4 CPU-s per kernel, paid again by every kernel while
the data are rebuilt, on a machine whose two cores that rebuild also needs. Here one process (the
*template*, ``python -m iccwc.commands.forked``) starts and imports them once; each kernel is then a
``fork()`` of it, which starts an IPython kernel on its own connection file as ``ipykernel_launcher``
does. A forked kernel shares the imported modules' memory with the template until it writes to it,
and starts in about 0.1 s. docs/benchmark.md, "Fourth round", has the measurements.

The garbage collector is set up as Python's documentation advises for a process that forks without
``exec`` (``gc.freeze``): off in the template while it imports, the objects it then holds frozen
right before its first fork, back on in each kernel. So the kernels' collections leave the stack's
objects (hundreds of thousands: pandas, Altair's schema, matplotlib ...) out of their walks, and do
not write to them either: a collection that walked them would copy the template's memory into each
kernel page by page. A run costs about 0.9 CPU-s less for it (docs/benchmark.md, "Fifth round");
:func:`iccwc.commands.kernelside.begin` keeps them frozen from one notebook to the next.

Its pieces:

* :class:`Template`: the template process, started by :class:`iccwc.commands.execute.KernelPool` with
  the pool's folder and environment; it is sent the pool's preparation code (the notebooks' imports)
  as soon as the pool has it, then one line per kernel to fork. It dies with the process that started
  it (``PR_SET_PDEATHSIG``), and each kernel with it, so a run killed outright leaves no kernel behind.
* :class:`ForkedProvisioner`: jupyter_client's own ``LocalProvisioner`` (connection file, ports,
  signals, kill, cleanup), whose kernel process is forked by the template rather than started by
  ``Popen``: set as the kernel manager's ``provisioner`` before ``start_kernel()``.

What a fresh kernel has that a fork must be given again, done in the fork (:func:`_kernel`): its own
session and process group (jupyter_client signals the group), its own stdin, stdout and stderr (the kernel's
stderr file), the working folder and environment, matplotlib's inline backend (ipykernel sets
``MPLBACKEND`` when it starts; the template sets it before importing matplotlib, as ipykernel would),
and ipywidgets' comm target (registered at import only inside a kernel). Python's ``random`` is
reseeded in each fork by Python itself. ``tests/test_forked.py`` checks that a forked kernel gives a
notebook the outputs a fresh kernel gives, and that no kernel outlives its run.

Used only where ``fork()`` is safe for this stack: Linux. ``ICCWC_FORKED_KERNELS=0`` turns it off
(each kernel is then started as jupyter_client starts it); so does, for the rest of the run, a
template that cannot fork, or a forked kernel that dies while starting twice in a row
(:meth:`iccwc.commands.execute.KernelPool._new_kernel` says so in the run's log).
"""
from __future__ import annotations

import asyncio
import gc
import json
import os
import signal
import sys
import tempfile

from jupyter_client.provisioning import LocalProvisioner

#: The environment variable that turns forked kernels off ("0").
SWITCH = "ICCWC_FORKED_KERNELS"
_PR_SET_PDEATHSIG = 1
#: What ipykernel sets when it starts, unless set already (``IPKernelApp.init_gui_pylab``).
_INLINE = "module://matplotlib_inline.backend_inline"


def usable() -> bool:
    """Whether kernels are forked here: Linux, and not turned off (:data:`SWITCH`)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and os.environ.get(SWITCH, "1") != "0"


def _die_with_parent() -> None:
    """This process is killed when its parent ends (Linux's ``prctl(PR_SET_PDEATHSIG, SIGKILL)``)."""
    import ctypes
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass


# --------------------------------------------------------------------------- the run's side

class TemplateFailed(RuntimeError):
    """The template process could not fork a kernel (it ended, or never started)."""


class Template:
    """The process kernels are forked from (see the module's docstring): started at once, in the
    background; its stderr goes to a file of its own, quoted when it fails."""

    def __init__(self, *, cwd, env: dict | None, prepare):
        self._cwd, self._env, self._prepare = cwd, env, prepare
        self._stderr = tempfile.TemporaryFile(mode="w+")
        self._proc: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()
        #: done once the process is started and its preparation sent (which comes before any fork)
        self._ready = asyncio.ensure_future(self._start())

    @property
    def started(self) -> bool:
        """Whether the template process has been started (it imports meanwhile)."""
        return self._proc is not None

    async def _start(self) -> None:
        self._proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "iccwc.commands.forked", cwd=str(self._cwd), env=self._env,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=self._stderr,
            start_new_session=True)              # Ctrl-C is the run's to handle (it ends the template)
        prepare = self._prepare
        if prepare is not None and not isinstance(prepare, str):
            prepare = await asyncio.shield(prepare)
        self._proc.stdin.write((json.dumps({"prepare": prepare or ""}) + "\n").encode())
        await self._proc.stdin.drain()

    async def fork(self, argv: list[str], cwd: str, env: dict, stderr_path: str) -> int:
        """A kernel forked from the template, started with ipykernel's ``argv``; its process id."""
        try:
            await asyncio.shield(self._ready)
        except (OSError, RuntimeError) as exc:
            raise TemplateFailed(f"the kernels' template process did not start: {exc}") from exc
        async with self._lock:
            proc = self._proc
            if proc.returncode is not None:
                raise TemplateFailed(f"the kernels' template process ended (exit {proc.returncode})" + self._said())
            proc.stdin.write((json.dumps({"argv": argv, "cwd": cwd, "env": env, "stderr": stderr_path})
                              + "\n").encode())
            await proc.stdin.drain()
            line = await proc.stdout.readline()
        try:
            return int(line)
        except ValueError:
            raise TemplateFailed("the kernels' template process ended before it forked a kernel "
                                 f"(exit {await proc.wait()})" + self._said()) from None

    def _said(self) -> str:
        """The end of what the template wrote on its stderr, if anything."""
        self._stderr.seek(0)
        tail = self._stderr.read()[-2000:].strip()
        return f". It wrote:\n{tail}" if tail else ""

    async def close(self) -> None:
        """End the template (the kernels it forked end with it)."""
        self._ready.cancel()
        await asyncio.gather(self._ready, return_exceptions=True)
        proc = self._proc
        if proc is not None:
            if proc.returncode is None:
                try:
                    proc.kill()
                except ProcessLookupError:
                    pass
            await proc.wait()
        self._stderr.close()


class _Forked:
    """What ``LocalProvisioner`` asks of its ``Popen``, for a kernel the template forked (not this
    process's child: the template reaps it)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid, self.returncode = pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
                with open(f"/proc/{self.pid}/stat", "rb") as f:        # reaped soon: not counted alive
                    if f.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                        self.returncode = -signal.SIGKILL
            except (ProcessLookupError, FileNotFoundError):
                self.returncode = -signal.SIGKILL       # (its exit code is the template's to read)
            except OSError:                             # (not ours to signal: taken as running)
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        import time
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise TimeoutError(f"kernel {self.pid} still running")
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkedProvisioner(LocalProvisioner):
    """jupyter_client's ``LocalProvisioner``, with the kernel forked by a :class:`Template`."""

    template: Template | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs):
        if "-f" not in cmd:
            raise RuntimeError(f"no connection file in the kernel's command line: {cmd}")
        argv = cmd[cmd.index("-f"):]                      # what follows the launcher: -f FILE, options
        stderr = kwargs.get("stderr")
        stderr_path = f"/proc/{os.getpid()}/fd/{stderr.fileno()}" if hasattr(stderr, "fileno") else os.devnull
        env = dict(kwargs.get("env") or os.environ)
        env["JPY_PARENT_PID"] = str(os.getpid())         # as jupyter_client's launcher sets it
        pid = await self.template.fork(argv, str(kwargs.get("cwd") or os.getcwd()), env, stderr_path)
        self.process = _Forked(pid)
        self.pid, self.pgid = pid, pid                   # the fork leads a session of its own
        return self.connection_info


# --------------------------------------------------------------------------- the template's side

def _template() -> None:
    """``python -m iccwc.commands.forked``: import, then fork a kernel per request (see the docstring)."""
    _die_with_parent()
    gc.disable()                                         # (see the module's docstring: on in each kernel)
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]                                  # as ipykernel_launcher (the kernel adds it back)
    os.environ.setdefault("MPLBACKEND", _INLINE)         # as ipykernel, before matplotlib is imported
    from iccwc.commands import kernelside
    kernelside.skip_unused_format_checker()
    from ipykernel.kernelapp import IPKernelApp          # noqa: F401 - imported once, for every kernel
    first = sys.stdin.readline()
    if not first:
        return
    prepare = json.loads(first).get("prepare")
    if prepare:
        try:
            exec(prepare, {})                            # noqa: S102 - the pool's preparation (imports)
        except Exception:  # noqa: BLE001 - each kernel runs it again, and reports it
            pass
    gc.freeze()                                          # right before the first fork (module docstring)

    def reap(*_):
        while True:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
    signal.signal(signal.SIGCHLD, reap)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _kernel(request)
            except BaseException:  # noqa: BLE001 - said on the kernel's stderr (or the template's)
                import traceback
                traceback.print_exc()
                sys.stderr.flush()
                code = 1
            finally:
                os._exit(code)
        sys.stdout.write(f"{pid}\n")
        sys.stdout.flush()


def _kernel(request: dict) -> None:
    """In the fork: become the kernel ``request`` describes, as ``ipykernel_launcher`` starts one."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    gc.enable()                                          # (off in the template: the module's docstring)
    os.setsid()                                          # as jupyter_client's launcher (start_new_session)
    _die_with_parent()                                   # (the template)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    err = os.open(request["stderr"], os.O_WRONLY | os.O_APPEND) if request.get("stderr") else null
    os.dup2(err, 2)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ.setdefault("MPLBACKEND", _INLINE)
    from ipykernel.kernelapp import IPKernelApp
    sys.argv = [sys.argv[0], *request["argv"]]
    app = IPKernelApp.instance()
    app.initialize(request["argv"])
    widgets = sys.modules.get("ipywidgets")
    if widgets is not None and hasattr(widgets, "register_comm_target"):
        widgets.register_comm_target()                   # what `import ipywidgets` does in a kernel
    app.start()


if __name__ == "__main__":
    _template()
