"""Execute one notebook in a kernel of its own, on nbclient's and jupyter_client's public API only.

:func:`execute_notebook` starts the kernel at once and runs the cells only once ``gate`` is set
(the pipeline lets kernels boot while it rebuilds the data). The kernel is launched with
jupyter_client alone, before nbclient and nbformat are imported (about a second, most of it
jsonschema's): the kernel boots meanwhile, and the notebook itself may arrive later (an
awaitable), so the pipeline starts its kernels before it has imported nbformat to read the notebooks.
Its pieces, all documented:

* ``jupyter_client.AsyncKernelManager``: ``start_kernel()`` (with nbclient's own
  ``--HistoryManager.hist_file=:memory:`` for an IPython kernel), ``shutdown_kernel()`` and
  ``is_alive()``;
* ``nbclient.NotebookClient`` given that kernel manager (``km=``), with
  ``async_start_new_kernel_client()``, ``async_wait_for_reply()`` and ``async_execute_cell()``
  (the steps of ``NotebookClient.async_execute`` after the kernel's start, with the wait for
  ``gate`` before the first cell), and its ``kc``, ``widget_state`` and ``widget_buffers`` attributes.

The kernel manager is ours from start to end: we shut the kernel down ourselves, whatever
happened, and even when the task is cancelled meanwhile (another notebook failed). nbclient's
``async_setup_kernel`` / ``async_execute`` are not used: they register an exit hook before the
kernel client starts and remove it only if it started, so a kernel that dies while starting
leaves a hook that prints "Exception ignored in atexit callback ... assert self.km is not None"
at exit; they also take over SIGINT/SIGTERM for the whole event loop, once per notebook.
"""
from __future__ import annotations

import asyncio
import inspect
import tempfile
from pathlib import Path

KERNEL = "python3"
#: What nbclient passes to an IPython kernel it starts (``NotebookClient.ipython_hist_file``): no history file.
HISTORY = "--HistoryManager.hist_file=:memory:"

#: A kernel that fails before the notebook's first cell is sent (it died before answering its first
#: request: seen once in CI, cause unknown; a port taken between being chosen and bound is the usual
#: one) is replaced this many times; no cell has run by then, so starting another is safe. Its
#: stderr is logged.
KERNEL_START_RETRIES = 1


class KernelDidNotStart(Exception):
    """The kernel failed before the notebook's first cell was sent (``error`` says how)."""

    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


async def execute_notebook(nb, *, cwd: Path, gate: asyncio.Event, timeout: int, name: str = "notebook",
                           log=print, setup: str | None = None, env: dict | None = None,
                           record_timing: bool = True) -> dict | None:
    """Execute ``nb`` in place (outputs, ``language_info``); return its widget state (or None).

    ``nb`` may also be an awaitable that gives the notebook and can be awaited again (an
    ``asyncio.Future``): the kernel starts before it is awaited.
    ``setup``, if given, is code run in the kernel once ``gate`` is set, before the first cell,
    silently (not part of the notebook; the pipeline points the kernel at the processed data it
    is building aside); it may be a function giving that code (or None), called once ``gate`` is set.
    It failing fails the notebook. ``env``: the kernel's environment (default:
    this process's); ``record_timing=False`` leaves no execution timestamps in the cells (``update``
    saves the notebooks it executes).

    The state is kept apart from ``nb`` (see :func:`iccwc.site.render.notebook_html`).
    Raises what nbclient raises (``CellExecutionError``, ``DeadKernelError``, ...), with the
    kernel's stderr in an attribute ``kernel_stderr`` when it wrote any.
    """
    for attempt in range(KERNEL_START_RETRIES + 1):
        try:
            return await _in_new_kernel(nb, cwd, gate, timeout, setup, env, record_timing)
        except KernelDidNotStart as failed:
            if attempt == KERNEL_START_RETRIES:
                raise failed.error from None
            said = getattr(failed.error, "kernel_stderr", "")
            log(f"      the kernel for {name} stopped while starting ({failed.error}); starting another"
                + (f". Its stderr:\n{said}" if said else ""))
    raise AssertionError("unreachable")


async def _in_new_kernel(nb, cwd: Path, gate: asyncio.Event, timeout: int, setup=None,
                         env: dict | None = None, record_timing: bool = True) -> dict | None:
    """One kernel's life: start it, run every cell, shut it down. Raises KernelDidNotStart."""
    from jupyter_client.manager import AsyncKernelManager
    km = AsyncKernelManager(kernel_name=KERNEL)
    client = None
    # The kernel's own stderr (ipykernel's start-up warnings) goes to a file, shown only if it fails.
    errlog = tempfile.TemporaryFile(mode="w+")
    finished = False
    try:
        try:
            await km.start_kernel(extra_arguments=[HISTORY] if km.ipykernel else [], cwd=str(cwd), stderr=errlog,
                                  **({"env": env} if env else {}))
        except Exception as exc:
            raise KernelDidNotStart(exc) from exc
        if inspect.isawaitable(nb):          # the kernel boots while the notebook is being read
            nb = await nb
        from nbclient import NotebookClient
        client = NotebookClient(nb, km=km, timeout=timeout, kernel_name=KERNEL,
                                resources={"metadata": {"path": str(cwd)}}, store_widget_state=True,
                                record_timing=record_timing, coalesce_streams=True)
        try:
            await client.async_start_new_kernel_client()
            info = await client.async_wait_for_reply(await _result(client.kc.kernel_info()))
        except Exception as exc:
            raise KernelDidNotStart(exc) from exc
        if info is not None and "language_info" in info["content"]:
            nb.metadata["language_info"] = info["content"]["language_info"]
        await gate.wait()
        if callable(setup):
            setup = setup()
        if setup:
            reply = await client.async_wait_for_reply(
                await _result(client.kc.execute(setup, silent=True, store_history=False)))
            content = (reply or {}).get("content", {})
            if content.get("status") != "ok":
                raise RuntimeError(f"the run's set-up code failed in the kernel: {content.get('ename')}: "
                                   f"{content.get('evalue')}")
        for index, cell in enumerate(nb.cells):
            await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
        finished = True
        from iccwc.site.render import collect_widget_state
        return collect_widget_state(client)
    except Exception as exc:
        error = exc.error if isinstance(exc, KernelDidNotStart) else exc
        errlog.seek(0)
        tail = errlog.read()[-2000:].strip()
        if tail and not hasattr(error, "kernel_stderr"):
            error.kernel_stderr = tail
        raise
    finally:
        await shut_down(km, client.kc if client is not None else None, graceful=finished)
        errlog.close()


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
