"""Execute notebooks in Jupyter kernels, on nbclient's and jupyter_client's public API only.

:class:`KernelPool` runs a set of notebooks on a few kernels it reuses: each kernel starts at once,
imports what the notebooks import (:func:`iccwc.commands.kernelside.prepare`) while the pipeline
rebuilds the data, then executes one notebook after another, longest first, each from a fresh
session (:func:`iccwc.commands.kernelside.begin`: namespace, history and execution counter,
widgets, figures, settings). So a run pays a kernel's start and the stack's imports once per
kernel, not once per notebook: docs/benchmark.md, "Kernels reused", has the measurements.
:func:`execute_notebook` is the same for one notebook in a kernel of its own.

Its pieces, all documented:

* ``jupyter_client.AsyncKernelManager``: ``start_kernel()`` (with nbclient's own
  ``--HistoryManager.hist_file=:memory:`` for an IPython kernel), ``shutdown_kernel()`` and
  ``is_alive()``;
* jupyter_client's kernel client (``km.client()``, ``start_channels()``), once per kernel, ready when it
  has answered ``kernel_info`` (:func:`_connect`, :func:`_until_ready`: ``wait_for_ready`` but for a
  0.2 s wait at its end);
* ``nbclient.NotebookClient`` given that kernel manager (``km=``): per notebook a client of its own given
  that kernel client (its ``kc``),
  with ``async_wait_for_reply()`` and ``async_execute_cell()`` (the steps of
  ``NotebookClient.async_execute`` after the kernel's start), and its ``widget_state`` and
  ``widget_buffers`` attributes.

The kernel managers are ours from start to end: each kernel is shut down by its worker, whatever
happened, and even when the task is cancelled meanwhile (another notebook failed). nbclient's
``async_setup_kernel`` / ``async_execute`` are not used: they register an exit hook before the
kernel client starts and remove it only if it started, so a kernel that dies while starting
leaves a hook that prints "Exception ignored in atexit callback ... assert self.km is not None"
at exit; they also take over SIGINT/SIGTERM for the whole event loop, once per notebook.
"""
from __future__ import annotations

import ast
import asyncio
import inspect
import itertools
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

KERNEL = "python3"
#: What nbclient passes to an IPython kernel it starts (``NotebookClient.ipython_hist_file``): no history file.
HISTORY = "--HistoryManager.hist_file=:memory:"

#: A kernel that fails before a notebook's first cell is sent (it died before answering its first
#: request: seen once in CI, cause unknown; a port taken between being chosen and bound is the usual
#: one) is replaced this many times; no cell has run by then, so starting another is safe. Its
#: stderr is logged.
KERNEL_START_RETRIES = 1

_KERNELSIDE = '__import__("iccwc.commands.kernelside", fromlist=["_"])'


class KernelDidNotStart(Exception):
    """The kernel failed before the notebook's first cell was sent (``error`` says how)."""

    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


def import_lines(notebooks) -> list[str]:
    """The import statements of the notebooks' code cells, each once, in order (what a kernel imports
    ahead: :func:`iccwc.commands.kernelside.prepare`). A cell that is not plain Python (a magic) is
    skipped."""
    lines = []
    for nb in notebooks:
        for cell in nb["cells"]:                  # a NotebookNode, or a notebook's JSON as json.load gives it
            if cell["cell_type"] != "code":
                continue
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            lines += [ast.get_source_segment(source, node) for node in tree.body
                      if isinstance(node, (ast.Import, ast.ImportFrom))]
    return list(dict.fromkeys(lines))


def prepare_code(lines: list[str]) -> str:
    """What a kernel runs once, silently, before its first notebook (see :func:`import_lines`)."""
    return f"{_KERNELSIDE}.prepare({lines!r})"


@dataclass(order=True)
class _Job:
    order: tuple
    name: str = field(compare=False)
    nb: object = field(compare=False)
    setup: str | None = field(compare=False)
    future: asyncio.Future = field(compare=False)


class KernelPool:
    """Notebooks executed on up to ``size`` kernels, each reused from one notebook to the next.

    ``gate``: the cells run only once it is set (the kernels start, and import, before).
    ``prepare``: code each kernel runs once, silently, as soon as it has started (or an awaitable
    giving it, or None): :func:`prepare_code`. ``env``: the kernels' environment (default: this
    process's). ``record_timing=False`` leaves no execution timestamps in the cells. ``forked``: the
    kernels are forked from one process that imported the stack once (:mod:`iccwc.commands.forked`;
    where :func:`iccwc.commands.forked.usable`), rather than each started and importing it.

    :meth:`submit` a notebook; :meth:`close` once every notebook is submitted; the kernels are shut
    down when the last notebook has run, or by :meth:`aclose` (which also cancels what is left).
    """

    def __init__(self, *, cwd: Path, timeout: int, gate: asyncio.Event | None = None, prepare=None,
                 env: dict | None = None, record_timing: bool = True, log=print, forked: bool = False):
        self.cwd, self.timeout, self.env, self.record_timing, self.log = cwd, timeout, env, record_timing, log
        if gate is None:
            gate = asyncio.Event()
            gate.set()
        self.gate, self._prepare = gate, prepare
        self._queue: asyncio.PriorityQueue = asyncio.PriorityQueue()
        self._seq = itertools.count()
        self._workers: list[asyncio.Task] = []
        self._closed = False
        #: kernels whose process has been launched, and notebooks each kernel executed (by kernel)
        self.launched = 0
        self.executed: list[list[str]] = []
        #: each executed notebook's cost: its kernel's CPU seconds from its fresh session to its last cell.
        #: Unlike its wall time, which grows with what else runs meanwhile on the machine (another kernel,
        #: the rebuild, a page being rendered), it measures the notebook, so it orders the next run well.
        self.cpu_seconds: dict[str, float] = {}
        self._forked = forked
        self._template = None          # the process kernels are forked from (when forked)

    @property
    def size(self) -> int:
        return len(self._workers)

    def grow(self, size: int) -> None:
        """Start kernels until there are ``size`` (each boots at once)."""
        if self._forked and self._template is None and size > len(self._workers) and not self._closed:
            from iccwc.commands.forked import Template
            self._template = Template(cwd=self.cwd, env=self.env, prepare=self._prepare)
        while len(self._workers) < size and not self._closed:
            self.executed.append([])
            self._workers.append(asyncio.ensure_future(self._work(self.executed[-1])))

    def submit(self, name: str, nb, *, setup: str | None = None, cost: float = 0.0) -> asyncio.Future:
        """Execute ``nb`` in place (outputs, ``language_info``); the future gives (seconds, widget state
        or None). ``setup``: code run silently before its first cell (not part of the notebook); it
        failing fails the notebook. The costliest notebooks go first (``cost``: its expected seconds)."""
        if self._closed:
            raise RuntimeError("KernelPool.submit after close()")
        future = asyncio.get_running_loop().create_future()
        # A caller that stops at the first failed notebook never awaits the others: their errors are
        # reported through the first, and asyncio must not print them at exit ("exception was never
        # retrieved"). Awaiting the future still raises its error.
        future.add_done_callback(lambda f: f.cancelled() or f.exception())
        self._queue.put_nowait(_Job((0, -cost, next(self._seq)), name, nb, setup, future))
        return future

    def close(self) -> None:
        """No more notebooks: each kernel stops once the queue is empty."""
        if not self._closed:
            self._closed = True
            for _ in self._workers:
                self._queue.put_nowait(_Job((1, 0, next(self._seq)), "", None, None, None))

    async def until_launched(self, count: int, timeout: float = 10.0) -> None:
        """Wait until ``count`` kernels have been launched (or a worker ended, or ``timeout`` passed), so
        that what follows (imports, the rebuild) runs while they boot rather than before they start."""
        end = time.monotonic() + timeout
        while (self.launched < count and not any(w.done() for w in self._workers) and time.monotonic() < end
               and not (self._template is not None and self._template.started)):
            await asyncio.sleep(0.01)

    async def aclose(self) -> None:
        """Cancel what is left and wait until every kernel is shut down."""
        self.close()
        for w in self._workers:
            w.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        while not self._queue.empty():
            job = self._queue.get_nowait()
            if job.future is not None and not job.future.done():
                job.future.cancel()
        await self._close_template()

    async def wait_closed(self) -> None:
        """Wait until every kernel has stopped (after :meth:`close` and the last notebook)."""
        await asyncio.gather(*self._workers, return_exceptions=True)
        await self._close_template()

    async def _close_template(self) -> None:
        """End the process kernels were forked from (once every kernel has stopped)."""
        if self._template is None:
            return
        template, self._template = self._template, None
        await _to_the_end(template.close())

    # ------------------------------------------------------------------ one worker: one kernel at a time

    async def _work(self, executed: list[str]) -> None:
        kernel, failed = None, None
        try:
            try:
                kernel = await self._new_kernel()
            except Exception as exc:  # noqa: BLE001 - given to the next notebook, which names it
                failed = exc
            while True:
                job = await self._queue.get()
                if job.future is None:
                    return
                if job.future.cancelled():
                    continue
                if failed is not None:
                    job.future.set_exception(failed)
                    failed = None
                    continue
                for attempt in range(KERNEL_START_RETRIES + 1):
                    try:
                        if kernel is None:
                            kernel = await self._new_kernel()
                        result = await kernel.run(job, self)
                        executed.append(job.name)
                        job.future.set_result(result)
                        break
                    except KernelDidNotStart as lost:     # no cell ran: another kernel may run it
                        if kernel is not None:
                            await kernel.close(graceful=False)
                        kernel = None
                        if attempt == KERNEL_START_RETRIES:
                            job.future.set_exception(lost.error)
                        else:
                            said = getattr(lost.error, "kernel_stderr", "")
                            self.log(f"      the kernel for {job.name} stopped before its first cell ({lost.error}); "
                                     "starting another" + (f". Its stderr:\n{said}" if said else ""))
                    except asyncio.CancelledError:
                        if not job.future.done():
                            job.future.cancel()
                        raise
                    except Exception as exc:  # noqa: BLE001 - the notebook's failure, to its caller
                        job.future.set_exception(exc)
                        if kernel is not None:               # its state is not a fresh session's any more
                            await kernel.close(graceful=False)
                        kernel = None
                        break
        finally:
            # Stopped at once, not asked to exit: every reply and the widget state are in, and its exit
            # (the interpreter's teardown of pandas, matplotlib, ...) took 0.5-0.6 s, waited for at the
            # end of every run, for nothing the run keeps.
            if kernel is not None:
                await kernel.close(graceful=False)

    async def _new_kernel(self) -> "_Kernel":
        """A started kernel, replaced up to KERNEL_START_RETRIES times if it dies while starting."""
        attempt = 0
        while True:
            try:
                return await _Kernel.start(self)
            except KernelDidNotStart as failed:
                from iccwc.commands.forked import TemplateFailed
                if self._template is not None and (isinstance(failed.error, TemplateFailed)
                                                   or attempt == KERNEL_START_RETRIES):
                    # The template failed, or forked kernels died twice: the pool's kernels are started
                    # the usual way from now on (slower, as before forking), and this one once more.
                    said = getattr(failed.error, "kernel_stderr", "")
                    self.log(f"      a forked kernel did not start ({failed.error}); kernels are started the "
                             "usual way instead" + (f". Its stderr:\n{said}" if said else ""))
                    self._forked = False
                    await self._close_template()
                    continue
                if attempt == KERNEL_START_RETRIES:
                    raise failed.error from None
                said = getattr(failed.error, "kernel_stderr", "")
                self.log(f"      a kernel stopped while starting ({failed.error}); starting another"
                         + (f". Its stderr:\n{said}" if said else ""))
                attempt += 1


def _client_modules():
    """nbclient's ``NotebookClient`` and ``nbformat`` (imported on first use)."""
    from nbclient import NotebookClient
    import nbformat
    return NotebookClient, nbformat


class _Kernel:
    """One kernel: its manager, its client, its stderr; notebooks run on it one after another."""

    def __init__(self, km, errlog):
        self.km, self.errlog, self.language_info = km, errlog, None
        self.client = None             # the client that connected: its kc, and replies to silent calls

    @classmethod
    async def start(cls, pool: KernelPool) -> "_Kernel":
        """Start a kernel, connect, run the pool's preparation. Raises KernelDidNotStart."""
        from jupyter_client.manager import AsyncKernelManager
        km = AsyncKernelManager(kernel_name=KERNEL)
        if pool._template is not None:
            import uuid
            from iccwc.commands.forked import ForkedProvisioner
            km.kernel_id = str(uuid.uuid4())
            km.provisioner = ForkedProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
            km.provisioner.template = pool._template
        # The kernel's own stderr (ipykernel's start-up warnings) goes to a file, shown only if it fails.
        kernel = cls(km, tempfile.TemporaryFile(mode="w+"))
        try:
            try:
                await km.start_kernel(extra_arguments=[HISTORY] if km.ipykernel else [], cwd=str(pool.cwd),
                                      stderr=kernel.errlog, **({"env": pool.env} if pool.env else {}))
            except Exception as exc:
                raise KernelDidNotStart(exc) from exc
            pool.launched += 1
            # Imported aside: in the event loop's thread, the import (0.3-0.4 s) would hold back the other
            # kernels' launch and the run's rebuild, which starts once they are launched.
            NotebookClient, nbformat = await asyncio.to_thread(_client_modules)
            client = NotebookClient(nbformat.v4.new_notebook(), km=km, timeout=pool.timeout, kernel_name=KERNEL)
            try:
                client.kc, info = await _connect(km, client.startup_timeout)
                client.kc.allow_stdin = False
                kernel.client = client
            except Exception as exc:
                raise KernelDidNotStart(exc) from exc
            if info is not None and "language_info" in info["content"]:
                kernel.language_info = info["content"]["language_info"]
            prepare = pool._prepare
            if inspect.isawaitable(prepare):
                prepare = await asyncio.shield(prepare)
            if prepare:
                await kernel.silently(prepare, "the kernel's preparation")
            return kernel
        except BaseException as exc:
            kernel._stderr_onto(exc.error if isinstance(exc, KernelDidNotStart) else exc)
            await kernel.close(graceful=False)
            raise

    async def silently(self, code: str, what: str, expressions: dict[str, str] | None = None) -> dict:
        """Run ``code`` in the kernel without output or history; raise if it fails (KernelDidNotStart
        when the kernel is gone: no cell of a notebook has run on it since). ``expressions``: name ->
        an expression evaluated after the code (the protocol's ``user_expressions``); returns name ->
        its value's text (``text/plain``), for those that evaluated."""
        try:
            reply = await self.client.async_wait_for_reply(await _result(self.kc.execute(
                code, silent=True, store_history=False, user_expressions=expressions or {})))
        except (RuntimeError, OSError) as exc:
            if not await self.km.is_alive():
                raise KernelDidNotStart(exc) from exc
            raise
        content = (reply or {}).get("content", {})
        if content.get("status") != "ok":
            raise RuntimeError(f"{what} failed in the kernel: {content.get('ename')}: {content.get('evalue')}")
        got = content.get("user_expressions") or {}
        return {k: v["data"]["text/plain"] for k, v in got.items()
                if isinstance(v, dict) and v.get("status") == "ok" and "text/plain" in v.get("data", {})}

    async def cpu(self, code: str, what: str) -> float | None:
        """``code`` run silently, then the kernel's CPU seconds (:func:`iccwc.commands.kernelside.cpu`)."""
        got = await self.silently(code, what, {"cpu": f"{_KERNELSIDE}.cpu()"})
        try:
            return float(got["cpu"])
        except (KeyError, ValueError):
            return None

    @property
    def kc(self):
        return self.client.kc if self.client is not None else None

    async def run(self, job: _Job, pool: KernelPool):
        """Execute the job's notebook from a fresh session; (seconds, widget state or None)."""
        await pool.gate.wait()
        t0 = time.perf_counter()
        pool.log(f"      started  {job.name}")
        from nbclient import NotebookClient
        nb = job.nb
        try:
            cpu_before = await self.cpu(f"{_KERNELSIDE}.begin()", "the fresh session before the notebook")
            if job.setup:
                await self.silently(job.setup, "the run's set-up code")
            if self.language_info is not None:
                nb.metadata["language_info"] = self.language_info
            client = NotebookClient(nb, km=self.km, timeout=pool.timeout, kernel_name=KERNEL,
                                    resources={"metadata": {"path": str(pool.cwd)}}, store_widget_state=True,
                                    record_timing=pool.record_timing, coalesce_streams=True)
            client.kc = self.kc
            for index, cell in enumerate(nb.cells):
                await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
            cpu_after = await self.cpu("", "the notebook's CPU time")
            if cpu_before is not None and cpu_after is not None:
                pool.cpu_seconds[job.name] = round(cpu_after - cpu_before, 2)
        except Exception as exc:
            if not isinstance(exc, KernelDidNotStart):   # (that one is the pool's to retry)
                self._stderr_onto(exc)
            raise
        from iccwc.site.render import collect_widget_state
        return time.perf_counter() - t0, collect_widget_state(client)

    def _stderr_onto(self, error: BaseException) -> None:
        """The end of what the kernel wrote on stderr, as ``error.kernel_stderr`` (if it wrote anything)."""
        try:
            self.errlog.seek(0)
            tail = self.errlog.read()[-2000:].strip()
        except (OSError, ValueError):
            return
        if tail and not hasattr(error, "kernel_stderr"):
            try:
                error.kernel_stderr = tail
            except AttributeError:
                pass

    async def close(self, graceful: bool) -> None:
        await shut_down(self.km, self.kc, graceful=graceful)
        self.errlog.close()


async def execute_notebook(nb, *, cwd: Path, gate: asyncio.Event, timeout: int, name: str = "notebook",
                           log=print, setup: str | None = None, env: dict | None = None,
                           record_timing: bool = True) -> dict | None:
    """Execute ``nb`` in place in a kernel of its own (a :class:`KernelPool` of one); return its widget
    state (or None). ``nb`` may also be an awaitable giving the notebook: the kernel starts before it
    is awaited. The other arguments are :class:`KernelPool`'s and :meth:`KernelPool.submit`'s.

    Raises what nbclient raises (``CellExecutionError``, ``DeadKernelError``, ...), with the
    kernel's stderr in an attribute ``kernel_stderr`` when it wrote any.
    """
    pool = KernelPool(cwd=cwd, timeout=timeout, gate=gate, env=env, record_timing=record_timing, log=log)
    pool.grow(1)
    try:
        if inspect.isawaitable(nb):          # the kernel boots while the notebook is being read
            nb = await nb
        future = pool.submit(name, nb, setup=setup)
        pool.close()
        _, state = await future
        await pool.wait_closed()
        return state
    finally:
        await pool.aclose()


async def shut_down(km, kc, graceful: bool = False) -> None:
    """Stop the kernel client's channels and the kernel, to the end even if this task is cancelled
    meanwhile (the cancellation is raised after).

    ``graceful`` asks the kernel to exit (it runs its exit hooks; killed if it has not after
    ``km.shutdown_wait_time``), as nbclient does after the last cell; otherwise it is killed at once.
    """
    await _to_the_end(_shut_down(km, kc, graceful))


async def _shut_down(km, kc, graceful: bool) -> None:
    if kc is not None:
        try:
            await _result(kc.stop_channels())
        except Exception:  # noqa: BLE001 - the channels may be closed already
            pass
    for now in (not graceful, True):
        try:
            # Also releases the connection file and the sockets when no kernel runs (any more).
            await km.shutdown_kernel(now=now)
        except (Exception, asyncio.CancelledError):  # noqa: BLE001 - interrupted or failed: checked next
            pass
        if not await km.is_alive():
            return


async def _connect(km, timeout: float) -> tuple:
    """A client of the kernel ``km`` started, its channels open, once the kernel is ready
    (:func:`_until_ready`); (the client, the kernel's ``kernel_info`` reply). Its channels are closed
    again if the kernel does not get ready."""
    kc = km.client()
    await _result(kc.start_channels())
    try:
        return kc, await _until_ready(kc, km, timeout)
    except BaseException:
        await _result(kc.stop_channels())
        raise


async def _until_ready(kc, km, timeout: float) -> dict:
    """The kernel answers, and its IOPub channel reaches us: jupyter_client's ``wait_for_ready`` (which
    ``NotebookClient.async_start_new_kernel_client`` calls), with one difference. It sends
    ``kernel_info`` requests until one is answered on the shell channel and an IOPub message has come,
    then reads the IOPub channel until 0.2 s pass without a message, so every kernel start waits those
    0.2 s, on the run's critical path. Here the IOPub channel is read until the ``idle`` status of the
    answered request: every message the kernel sent about it has then come (a kernel publishes that
    status last), and nothing else is waiting. Returns the ``kernel_info`` reply; raises RuntimeError as
    ``wait_for_ready`` does."""
    from queue import Empty
    deadline = time.monotonic() + timeout
    while True:
        asked = kc.kernel_info()
        try:
            reply = await _result(kc.shell_channel.get_msg(timeout=1))
        except Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply":
            try:
                while True:
                    msg = await _result(kc.iopub_channel.get_msg(timeout=0.2))
                    if (msg["parent_header"].get("msg_id") == asked and msg["msg_type"] == "status"
                            and msg["content"].get("execution_state") == "idle"):
                        return reply
            except Empty:                  # IOPub not connected yet (or that status lost): ask again
                pass
        if not await km.is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


async def _result(value):
    """``value``, awaited if it is awaitable (jupyter_client's clients answer some calls either way)."""
    return await value if inspect.isawaitable(value) else value


async def _to_the_end(awaitable):
    """Await ``awaitable`` in a task of its own to its end even if this task is cancelled meanwhile;
    then raise that cancellation."""
    inner = asyncio.ensure_future(awaitable)
    cancelled = None
    while True:
        try:
            result = await asyncio.shield(inner)
            break
        except asyncio.CancelledError as exc:
            if inner.done():                   # the inner task itself was cancelled, not this one
                raise
            cancelled = exc
    if cancelled is not None:
        raise cancelled
    return result
