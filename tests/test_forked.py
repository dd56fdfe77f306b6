"""Kernels forked from a template process that imported the stack once (iccwc.commands.forked): a
notebook gets from one what it gets from a fresh kernel, and no kernel outlives its run."""
from __future__ import annotations

import asyncio
import copy
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time

import nbformat
import pytest

from iccwc import paths
from iccwc.commands import forked
from iccwc.commands.execute import execute_notebook, import_lines, prepare_code
from iccwc.commands.pipeline import run_coroutine
from test_execute import in_a_pool
from test_pipeline import kernels

pytestmark = pytest.mark.skipif(not forked.usable(), reason="kernels are forked on Linux only")

#: What a kernel gives a notebook that a fork must give again (see iccwc.commands.forked).
PROBES = [
    "import os, sys, time, warnings, random\nimport matplotlib\nimport matplotlib.pyplot as plt\nimport ipywidgets",
    "matplotlib.get_backend()",
    "os.getcwd() == START, sys.argv[1:2], type(sys.stdout).__name__, type(get_ipython()).__name__",
    "[p for p in sys.path if 'site-packages' not in p and 'lib/python' not in p]",
    "sorted(k for k in os.environ if k.startswith(('JPY', 'MPL', 'ICCWC', 'PYDEVD', 'TERM', 'CLICOLOR', 'PAGER')))",
    "len(warnings.filters)",
    "sorted(get_ipython().kernel.comm_manager.targets)",
    "plt.plot([1, 2, 3]); plt.show()",
    "ipywidgets.IntSlider(3)",
    "print('stdout'); print('stderr', file=sys.stderr)",
    "1 / 0",
]


def book() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"START = {str(paths.NOTEBOOKS)!r}")]
    nb.cells += [nbformat.v4.new_code_cell(c, metadata={"tags": ["raises-exception"]} if "1 / 0" in c else {})
                 for c in PROBES]
    return nb


def shown(nb) -> list:
    """What the notebook shows, without what differs between any two kernels (model ids)."""
    text = json.dumps([c.outputs for c in nb.cells if c.cell_type == "code"], sort_keys=True)
    return json.loads(re.sub(r'"model_id": "[0-9a-f]+"', '"model_id": ""', text))


async def fresh(nb):
    gate = asyncio.Event()
    gate.set()
    await execute_notebook(nb, cwd=paths.NOTEBOOKS, gate=gate, timeout=120, log=lambda *a: None)


@pytest.mark.slow   # why: starts a kernel and a template process (about 5 s)
def test_a_forked_kernel_shows_a_notebook_what_a_fresh_kernel_shows(tmp_path):
    in_fresh, in_fork, other = book(), book(), book()
    # Each in a kernel of its own: the first waits until the other has started (in the other kernel).
    flag = tmp_path / "other-started"
    in_fork.cells.append(nbformat.v4.new_code_cell(
        f"for _ in range(1200):\n    if os.path.exists({str(flag)!r}): break\n    time.sleep(0.05)"))
    other.cells.append(nbformat.v4.new_code_cell(f"open({str(flag)!r}, 'w').close()"))
    other.cells.append(nbformat.v4.new_code_cell("print(os.getpid(), random.random())"))
    in_fork.cells.append(copy.deepcopy(other.cells[-1]))
    run_coroutine(fresh(in_fresh))
    results, pool = run_coroutine(in_a_pool({"a": in_fork, "b": other}, prepare_code(import_lines([in_fresh])),
                                                kernels=2, forked=True))
    assert not [r for r in results.values() if isinstance(r, BaseException)], results
    assert pool.launched == 2 and sorted(map(len, pool.executed)) == [1, 1]
    assert shown(in_fork)[:-2] == shown(in_fresh)
    got = shown(in_fresh)
    assert got[2][0]["data"]["text/plain"] == "'module://matplotlib_inline.backend_inline'"
    assert "jupyter.widget" in got[7][0]["data"]["text/plain"]               # ipywidgets' comm target
    assert "image/png" in got[8][0]["data"]                                   # the inline figure
    # Two forks are two processes, each with its own random numbers (Python reseeds them in a fork).
    pid_a, random_a = shown(in_fork)[-1][0]["text"].split()
    pid_b, random_b = shown(other)[-1][0]["text"].split()
    assert pid_a != pid_b and random_a != random_b
    assert kernels() == []                                                   # template and kernels ended


@pytest.mark.slow   # why: starts a kernel and a template process (about 5 s)
def test_a_forked_kernel_keeps_the_stack_out_of_its_collections_from_one_notebook_to_the_next():
    """The template freezes what it imported before it forks (iccwc.commands.forked): a forked kernel
    collects garbage (the collector is on) but leaves those objects out; a notebook that freezes more
    (an explorer does) has its frozen reference cycles collected before the next notebook, and the
    stack stays frozen."""
    looks = "import gc, sys\n(gc.isenabled(), gc.get_freeze_count() > 10000, " \
            "getattr(sys, 'iccwc_probe', lambda: None)() is None)"
    first, second = nbformat.v4.new_notebook(), nbformat.v4.new_notebook()
    first.cells = [nbformat.v4.new_code_cell(looks), nbformat.v4.new_code_cell(
        "import weakref\nclass Cycle: pass\nloop = Cycle()\nloop.me = loop\nsys.iccwc_probe = weakref.ref(loop)\n"
        "gc.freeze()\nsys.iccwc_probe() is not None")]
    second.cells = [nbformat.v4.new_code_cell(looks)]
    results, pool = run_coroutine(in_a_pool({"first": first, "second": second}, "import pandas", forked=True))
    assert not [r for r in results.values() if isinstance(r, BaseException)], results
    assert pool.executed == [["first", "second"]]
    said = [nb.cells[i].outputs[0]["data"]["text/plain"] for nb, i in ((first, 0), (first, 1), (second, 0))]
    assert said == ["(True, True, True)", "True", "(True, True, True)"], said
    assert kernels() == []


PROBE = textwrap.dedent("""
    import asyncio, sys
    sys.path.insert(0, {tests!r})
    import nbformat
    from iccwc.commands.execute import KernelPool
    from test_pipeline import kernels

    async def main():
        pool = KernelPool(cwd={cwd!r}, timeout=120, prepare="import pandas", log=lambda *a: None, forked=True)
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("import time; time.sleep(120)")]
        task = pool.submit("sleeps", nb)
        pool.grow(1)
        while len(kernels()) < 2:                  # the template, and the kernel forked from it
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)                   # the cell runs
        print(" ".join(kernels()), flush=True)
        await task
    asyncio.run(main())
    """)


@pytest.mark.slow   # why: starts a kernel in a process that is then killed (about 5 s)
def test_the_forked_kernels_end_with_the_process_that_started_them_even_when_it_is_killed():
    """Killed outright (SIGKILL: nothing of it runs), the run's process leaves no kernel running: the
    template dies with it, and the kernels with the template (PR_SET_PDEATHSIG)."""
    proc = subprocess.Popen([sys.executable, "-c", PROBE.format(tests=os.path.dirname(__file__),
                                                                cwd=str(paths.NOTEBOOKS))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        pids = [int(p) for p in line.split()]
        assert len(pids) == 2, (line, proc.stderr.read() if proc.poll() is not None else "")
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 10
        alive = pids
        while alive and time.monotonic() < deadline:
            time.sleep(0.1)
            alive = [p for p in pids if _running(p)]
        assert alive == []
    finally:
        if proc.poll() is None:
            proc.kill()


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


def test_forked_kernels_are_used_on_linux_unless_switched_off(monkeypatch):
    monkeypatch.delenv(forked.SWITCH, raising=False)
    assert forked.usable() == sys.platform.startswith("linux")
    monkeypatch.setenv(forked.SWITCH, "0")
    assert not forked.usable()


@pytest.mark.slow   # why: starts a template and then a kernel the usual way (about 4 s)
def test_a_template_that_cannot_fork_leaves_the_pool_to_start_kernels_the_usual_way(monkeypatch):
    """Where forking fails (here the template is asked for a kernel it cannot give), the notebook still
    runs, on a kernel started as jupyter_client starts one, and the log says so."""
    async def refuses(self, *args, **kwargs):
        raise forked.TemplateFailed("the kernels' template process ended (exit 1)")
    monkeypatch.setattr(forked.Template, "fork", refuses)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import sys; sys.argv[0].endswith('ipykernel_launcher.py')")]
    lines = []
    results, _ = run_coroutine(in_a_pool({"one": nb}, forked=True, log=lines.append))
    assert not isinstance(results["one"], BaseException), results
    assert nb.cells[0].outputs[0]["data"]["text/plain"] == "True"          # a kernel of ipykernel_launcher
    assert any("a forked kernel did not start" in line and "the usual way" in line for line in lines), lines
    assert kernels() == []
