"""How fast could any run be? The run's own work, measured with no kernel (make bench-bound).
Not a test: it prints a table of figures.

``scripts/bench.py`` compares ``iccwc run`` with a floor of kernels that do nothing. This script
measures the other side: what the work of a run costs however it is done. In one fresh Python
process, it imports once everything the notebooks import, then runs each notebook's code cells in
order in one IPython shell (a new namespace per notebook, in ``notebooks/``, on the repository's
data, which the notebooks only read), with no kernel and no widget messages: only the cells and what
their displayed values compute (every output is formatted as a notebook would show it, then
dropped). Then the rest of a run from scratch, as cheaply as it can be had: the rebuild (every
processed file validated and built from ``data/raw``, in memory) and the four pages rendered from
the saved notebooks (without their widget state, so less than a run renders), into a temporary
folder. It is a lower bound of the CPU any design spends on a run: a kernel per notebook (the
pipeline) pays the imports once per kernel and the messages on top; one warm process shares the
imports but works on one core.

So the fastest conceivable run on this machine takes at least (all the CPU seconds) / (the number of
cores), however the work is spread, and usually more. Printed beside the floor that
``scripts/bench.py`` measures (kernels started at the best concurrency, each with an empty cell),
and the target (issue 16, item 4): the full run within 1.5x that floor.

Usage: python scripts/bench_bound.py [--rounds N] [--write]
  --write  also put the table in docs/benchmark.md, between <!-- bench-bound:begin --> and
           <!-- bench-bound:end --> (section "How fast could a run be?").
"""
from __future__ import annotations

import argparse
import ast
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

from bench import CONCURRENCIES, _replace_between, machine, median_range, timed   # noqa: E402 (scripts/bench.py)


def load() -> str:
    """The machine's load averages over 1, 5 and 15 minutes (other work slows every figure)."""
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())

BEGIN, END = "<!-- bench-bound:begin -->", "<!-- bench-bound:end -->"
TARGET = 1.5


# --------------------------------------------------------------------------- in the child process

def _imports(source: str) -> list[str]:
    """The import statements of a cell, as source lines."""
    try:
        tree = ast.parse(source)
    except SyntaxError:                    # IPython syntax (magics): the shell runs the cell as it is
        return []
    return [ast.get_source_segment(source, node) for node in tree.body
            if isinstance(node, (ast.Import, ast.ImportFrom))]


def inner() -> dict:
    """Run every notebook's cells in this process; the CPU seconds of each part (JSON on stdout)."""
    started = time.process_time()          # the interpreter's own start, before this line
    import nbformat
    from IPython.core.displaypub import CapturingDisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
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
    lines = list(dict.fromkeys(line for _, nb in books for c in nb.cells if c.cell_type == "code"
                               for line in _imports(c.source)))
    run("imports", lines)
    for path, nb in books:
        shell.reset(new_session=False)
        run(path.stem, [c.source for c in nb.cells if c.cell_type == "code"])
    shell.reset(new_session=False)
    sink.seek(0)
    sink.truncate()
    # The run's other work, which no design skips: the rebuild (validate and build every processed file
    # from data/raw, in memory: nothing is written) and the pages, rendered from the saved notebooks
    # (their outputs without widget state: less than the run renders) into a temporary folder.
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
                _render_one(path, nb, None, Path(tmp), 0.0, lambda *_: None)
        out["pages"] = time.process_time() - t0
    return out


# --------------------------------------------------------------------------- the table

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3, help="rounds of each measure (medians; default 3)")
    ap.add_argument("--write", action="store_true", help="put the table in docs/benchmark.md (its bench-bound markers)")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)      # internal: the child process
    args = ap.parse_args()
    if args.inner:
        print(json.dumps(inner()))
        return 0
    if args.rounds < 1:
        ap.error("--rounds must be 1 or more")
    from iccwc.commands.pipeline import find_notebooks
    py, n, cores = sys.executable, len(find_notebooks()), os.cpu_count() or 1
    load_before = load()
    print(f"Measuring the notebooks' own work on {machine()}; {args.rounds} round(s); load average {load_before} ...",
          flush=True)
    bench = str(ROOT / "scripts" / "bench.py")
    timed([py, bench, "--floor", str(n), "1"])                          # warm the file cache, not counted
    floors = {j: [timed([py, bench, "--floor", str(n), str(j)])[0] for _ in range(args.rounds)]
              for j in CONCURRENCIES}
    best = min(CONCURRENCIES, key=lambda j: statistics.median(floors[j]))
    floor = statistics.median(floors[best])
    print(f"  floor: {median_range(floors[best])} ({n} kernels {best} at a time)", flush=True)
    parts: dict[str, list[float]] = {}
    totals: list[float] = []
    for r in range(args.rounds):
        _, proc, cpu = timed([py, __file__, "--inner"])
        got = json.loads(proc.stdout.strip().splitlines()[-1])
        for k, v in got.items():
            parts.setdefault(k, []).append(v)
        totals.append(cpu)
        print(f"  round {r + 1}: {cpu:.1f} CPU-s in all ({', '.join(f'{k} {v:.2f}' for k, v in got.items())})", flush=True)
    total = statistics.median(totals)
    bound = total / cores
    label = {"python": "Python's own start", "shell": "IPython's shell, and the notebooks read (nbformat)",
             "imports": "the notebooks' imports, once",
             "rebuild": "the rebuild: every processed file validated and built from data/raw (in memory)",
             "pages": "the four pages rendered from the saved notebooks (no widget state)"}
    rows = ["| part (one process, no kernel) | CPU seconds |", "|---|---|"]
    rows += [f"| {label.get(k, f'`{k}.ipynb` cells')} | {median_range(v, 2)} |" for k, v in parts.items()]
    rest = [t - sum(p[i] for p in parts.values()) for i, t in enumerate(totals)]
    rows += [f"| the rest: a new namespace per notebook, the process's end (its threads stopped) | {median_range(rest, 2)} |"]
    lo_floor = min(min(v) for v in floors.values())
    rows += [f"| all of it: the process's CPU time (with its threads: vl-convert's JavaScript runtime) | "
             f"**{median_range(totals, 1)}** |",
             "", "| measure | value |", "|---|---|",
             f"| floor: {n} kernels started {best} at a time, an empty cell each (`scripts/bench.py`'s measure) | "
             f"{median_range(floors[best])} |",
             f"| target: the full run within {TARGET}x the floor | {TARGET * floor:.1f} s |",
             f"| least possible wall time for this work: {total:.1f} CPU-s on {cores} core(s) | "
             f"{bound:.1f} s = **{bound / floor:.1f}x the floor** ({bound / lo_floor:.1f}x the fastest floor "
             f"round, {lo_floor:.1f} s) |"]
    stamp = (f"Measured {date.today().isoformat()}, {machine()}, load average {load_before} before and {load()} "
             f"after (`python scripts/bench_bound.py --rounds {args.rounds}`):")
    table = "\n".join(rows)
    print("\n" + stamp + "\n\n" + table)
    if args.write:
        doc = ROOT / "docs" / "benchmark.md"
        doc.write_text(_replace_between(doc.read_text(encoding="utf-8"), f"{stamp}\n\n{table}", BEGIN, END),
                       encoding="utf-8")
        print(f"written: {doc.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
