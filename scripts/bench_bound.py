"""How fast could any run be? The run's own work, measured with no kernel (make bench-bound).
Not a test: it prints a table of figures.

In one fresh Python process, it imports once everything the notebooks import, then runs each
notebook's code cells in order in one IPython shell (a new namespace per notebook, in ``notebooks/``,
on the repository's data, which the notebooks only read), with no kernel and no widget messages: only
the cells and what their displayed values compute (every output is formatted as a notebook would show
it, then dropped). After each notebook, the state of the widgets it made is taken as the run takes it
(``ipywidgets.Widget.get_manager_state``), then they are closed. Then the rest of a run from scratch,
as cheaply as it can be had: the rebuild (every processed file validated and built from
``data/raw``, in memory) and the pages rendered from the saved notebooks with those widget states,
into a temporary folder. Like the run's own processes, it does without jsonschema's IRI grammar
(:data:`iccwc.commands.kernelside.SKIPPED_MODULE`). It is a lower bound of the CPU any design spends
on a run: kernels pay the imports once per kernel and the messages on top; one warm process shares
the imports but works on one core.

So the fastest conceivable run on this machine takes at least (all the CPU seconds) / (the number of
cores), however the work is spread: the bound. ``scripts/bench.py`` (``make bench``) measures it in
each of its rounds beside the full run, and prints the ratio (issue 25: within 1.5x, aim 1.2x).

Usage: python scripts/bench_bound.py [--rounds N] [--write]
  --write  also put the table in docs/benchmark.md, between <!-- bench-bound:begin --> and
           <!-- bench-bound:end --> (section "How fast could a run be?").
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from bench import _replace_between, machine, median_range, timed   # noqa: E402 (scripts/bench.py)


def load() -> str:
    """The machine's load averages over 1, 5 and 15 minutes (other work slows every figure)."""
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())

BEGIN, END = "<!-- bench-bound:begin -->", "<!-- bench-bound:end -->"
TARGET, AIM = 1.5, 1.2


# --------------------------------------------------------------------------- in the child process

def inner() -> dict:
    """Run every notebook's cells in this process; the CPU seconds of each part (JSON on stdout)."""
    started = time.process_time()          # the interpreter's own start, before this line
    from iccwc.commands.kernelside import skip_unused_format_checker
    skip_unused_format_checker()           # as the run's processes
    import nbformat
    from IPython.core.displaypub import CapturingDisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from iccwc.commands.execute import import_lines
    from iccwc.commands.pipeline import find_notebooks

    books = [(p, nbformat.read(p, as_version=4)) for p in find_notebooks()]
    shell = InteractiveShell.instance()
    shell.display_pub = CapturingDisplayPublisher()
    shell.displayhook.write_format_data = lambda *a, **k: None     # formatted, then dropped
    out = {"python": started, "shell": time.process_time() - started}
    os.chdir(ROOT / "notebooks")
    sink = io.StringIO()

    def run(name: str, sources: list[str]) -> None:
        t0 = time.process_time()
        for src in sources:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                result = shell.run_cell(src, store_history=False)
            shell.display_pub.outputs.clear()
            sink.seek(0)
            sink.truncate()
            if not result.success:
                err = result.error_in_exec or result.error_before_exec
                raise SystemExit(f"bench_bound: {name}: a cell failed: {type(err).__name__}: {err}\n{src[:400]}")
        out[name] = time.process_time() - t0
    lines = import_lines(nb for _, nb in books)       # what a run's kernels import ahead
    run("imports", lines)
    import ipywidgets
    from iccwc.commands import kernelside
    states, out["widget state"] = {}, 0.0
    for path, nb in books:
        kernelside.begin()                 # a fresh session, as the run's kernels give each notebook
        run(path.stem, [c.source for c in nb.cells if c.cell_type == "code"])
        t0 = time.process_time()
        state = ipywidgets.Widget.get_manager_state(drop_defaults=False)
        states[path] = state if state.get("state") else None
        out["widget state"] += time.process_time() - t0
    kernelside.begin()
    sink.seek(0)
    sink.truncate()
    # The run's other work, which no design skips: the rebuild (validate and build every processed file
    # from data/raw, in memory: nothing is written) and the pages, rendered from the saved notebooks
    # with the widget states just taken, into a temporary folder.
    import tempfile
    from iccwc.commands.pipeline import _render_one
    from iccwc.data.build import build_files
    import warnings
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink), warnings.catch_warnings():
        warnings.simplefilter("ignore")           # nbconvert: a widget view without its state has no HTML form
        t0 = time.process_time()
        build_files(ROOT / "data")
        out["rebuild"] = time.process_time() - t0
        t0 = time.process_time()
        with tempfile.TemporaryDirectory(prefix="iccwc-bound-") as tmp:
            for path, nb in books:
                _render_one(path, nb, states[path], Path(tmp), 0.0, lambda *_: None)
        out["pages"] = time.process_time() - t0
    return out


# --------------------------------------------------------------------------- the table

LABELS = {"python": "Python's own start", "shell": "IPython's shell, and the notebooks read (nbformat)",
          "imports": "the notebooks' imports, once",
          "widget state": "the widgets' state taken after each notebook (as the run collects it)",
          "rebuild": "the rebuild: every processed file validated and built from data/raw (in memory)",
          "pages": "the pages rendered from the saved notebooks, with their widget state"}


def bound_round(py: str = sys.executable) -> tuple[float, dict[str, float]]:
    """One measure in a fresh process: its CPU seconds (with its threads and children) and their parts."""
    _, proc, cpu = timed([py, str(Path(__file__).resolve()), "--inner"])
    return cpu, json.loads(proc.stdout.strip().splitlines()[-1])


def table(totals: list[float], parts: dict[str, list[float]], cores: int) -> str:
    """The parts of the work, the CPU seconds in all, and the bound: all of it / the cores."""
    rows = ["| part (one process, no kernel) | CPU seconds |", "|---|---|"]
    rows += [f"| {LABELS.get(k, f'`{k}.ipynb` cells')} | {median_range(v, 2)} |" for k, v in parts.items()]
    rest = [t - sum(p[i] for p in parts.values()) for i, t in enumerate(totals)]
    rows += [f"| the rest: a new namespace per notebook, the process's end (its threads stopped) | {median_range(rest, 2)} |",
             f"| all of it: the process's CPU time (with its threads: vl-convert's JavaScript runtime) | "
             f"**{median_range(totals, 1)}** |",
             f"| the bound: the least wall time for this work on {cores} core(s) (all of it / {cores}) | "
             f"**{statistics.median(totals) / cores:.1f} s** |"]
    return "\n".join(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the measure (medians; default 3)")
    ap.add_argument("--write", action="store_true", help="put the table in docs/benchmark.md (its bench-bound markers)")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)      # internal: the child process
    args = ap.parse_args()
    if args.inner:
        print(json.dumps(inner()))
        import gc
        gc.freeze()             # as the run's own process before it ends (iccwc.commands.cli.main)
        return 0
    if args.rounds < 1:
        ap.error("--rounds must be 1 or more")
    cores = os.cpu_count() or 1
    load_before = load()
    print(f"Measuring the notebooks' own work on {machine()}; {args.rounds} round(s); load average {load_before} ...",
          flush=True)
    parts: dict[str, list[float]] = {}
    totals: list[float] = []
    for r in range(args.rounds):
        cpu, got = bound_round()
        for k, v in got.items():
            parts.setdefault(k, []).append(v)
        totals.append(cpu)
        print(f"  round {r + 1}: {cpu:.1f} CPU-s in all ({', '.join(f'{k} {v:.2f}' for k, v in got.items())})", flush=True)
    stamp = (f"Measured {date.today().isoformat()}, {machine()}, load average {load_before} before and {load()} "
             f"after (`python scripts/bench_bound.py --rounds {args.rounds}`):")
    text = table(totals, parts, cores)
    print("\n" + stamp + "\n\n" + text)
    if args.write:
        doc = ROOT / "docs" / "benchmark.md"
        doc.write_text(_replace_between(doc.read_text(encoding="utf-8"), f"{stamp}\n\n{text}", BEGIN, END),
                       encoding="utf-8")
        print(f"written: {doc.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
