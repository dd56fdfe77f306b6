"""Benchmark of `python -m iccwc run` (make bench). Not a test: it prints a table.

* full run: `python -m iccwc run` from scratch (an empty reports folder, so no fingerprint),
  rebuilding the data, executing every notebook and rendering the HTML;
* floor: the same number of kernels, started the same way (same concurrency), each running
  only the import statements of its notebook, and nothing else;
* no-op rerun: the same command again, with nothing changed;
* test suite: `python -m pytest` (unit, nbval, browser), unless --no-tests;
* the size of each rendered HTML file (the CDN scripts are not in them).

Targets (issue 6): full run within 1.3x the floor; no-op rerun under 5% of a full run;
each HTML file under 1 MB.

Timings on a small shared machine vary by a third from one run to the next, so the
script first runs the floor once untimed (to warm the file cache), then times
``--rounds`` rounds of floor, full run and no-op rerun, and reports the median of
each with its range; the ratios are taken between medians.

Usage: python scripts/bench.py [--no-tests] [--jobs N] [--rounds N]
"""
from __future__ import annotations

import argparse
import ast
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from iccwc import paths
from iccwc.commands.execute import execute_notebook
from iccwc.commands.pipeline import DEFAULT_JOBS, find_notebooks


def imports_of(nb) -> str:
    """The notebook's top-level import statements, in order."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        out += [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    return "\n".join(out)


async def _floor(jobs: int) -> None:
    gate = asyncio.Event()
    gate.set()
    sem = asyncio.Semaphore(jobs)

    async def one(p):
        stub = nbformat.v4.new_notebook()
        stub.cells = [nbformat.v4.new_code_cell(imports_of(nbformat.read(p, as_version=4)))]
        async with sem:
            await execute_notebook(stub, cwd=paths.NOTEBOOKS, gate=gate, timeout=600, name=p.name,
                                   log=lambda *_: None)
    await asyncio.gather(*(one(p) for p in find_notebooks()))


def timed(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=paths.ROOT, **kw)
    return time.perf_counter() - t0, proc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-tests", action="store_true", help="skip timing the test suite")
    ap.add_argument("--jobs", type=int, default=DEFAULT_JOBS)
    ap.add_argument("--rounds", type=int, default=3, help="timed rounds (medians are reported; default 3)")
    ap.add_argument("--floor", action="store_true", help=argparse.SUPPRESS)   # internal: run the floor only
    args = ap.parse_args()
    if args.floor:
        asyncio.run(_floor(args.jobs))
        return 0

    n = len(find_notebooks())
    py = sys.executable
    floor_cmd = [py, __file__, "--floor", "--jobs", str(args.jobs)]
    print(f"Benchmarking {n} notebooks, {args.jobs} at a time, {args.rounds} round(s) ...", flush=True)
    _, p = timed(floor_cmd)                                     # warm-up, not counted
    if p.returncode:
        print(p.stderr)
        return 1
    floors, fulls, noops = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            out = Path(tmp) / f"reports-{r}"
            floor, p = timed(floor_cmd)
            if p.returncode:
                print(p.stderr)
                return 1
            full, p = timed([py, "-m", "iccwc", "run", "--jobs", str(args.jobs), "--out", str(out)])
            if p.returncode:
                print(p.stdout, p.stderr)
                return 1
            noop, p = timed([py, "-m", "iccwc", "run", "--jobs", str(args.jobs), "--out", str(out)])
            assert "Nothing to do" in p.stdout, p.stdout
            floors.append(floor)
            fulls.append(full)
            noops.append(noop)
            print(f"  round {r + 1}: floor {floor:.1f} s, full run {full:.1f} s, no-op {noop:.2f} s", flush=True)
        sizes = {f.name: f.stat().st_size for f in sorted(out.glob("*.html"))}
    floor, full, noop = (statistics.median(x) for x in (floors, fulls, noops))

    def spread(xs, digits=1):
        return f" (range {min(xs):.{digits}f}-{max(xs):.{digits}f})" if len(xs) > 1 else ""
    tests = None
    if not args.no_tests:
        tests, p = timed([py, "-m", "pytest", "-q", "-p", "no:cacheprovider"])
        tests_result = (p.stdout.strip().splitlines() or ["?"])[-1]

    def ok(flag: bool) -> str:
        return "yes" if flag else "**no**"
    print()
    print("| measure | value | target | met |")
    print("|---|---|---|---|")
    print(f"| floor: {n} kernels with the notebooks' imports only | {floor:.1f} s{spread(floors)} | | |")
    print(f"| full run (`iccwc run` from scratch) | {full:.1f} s{spread(fulls)}: {full / floor:.2f}x floor | "
          f"within 1.3x floor | {ok(full <= 1.3 * floor)} |")
    print(f"| no-op rerun | {noop:.2f} s{spread(noops, 2)}: {100 * noop / full:.1f}% of full | under 5% | "
          f"{ok(noop < 0.05 * full)} |")
    if tests is not None:
        print(f"| test suite (`python -m pytest`) | {tests:.0f} s ({tests_result}) | | |")
    for name, size in sizes.items():
        print(f"| {name} | {size / 1024:.0f} KB | under 1 MB | {ok(size < 1024 * 1024)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
