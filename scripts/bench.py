"""Benchmark of `python -m iccwc run` and `python -m iccwc update` (make bench). Not a test: it
prints a table of figures.

Measured, each in a fresh process, on a fresh copy of the repository's data (and, for update, of its
notebooks) in a temporary folder (the repository's data/, notebooks/ and reports/ are never touched),
``--rounds`` times, the measures of a round one after the other so that they share the machine's load:

* **the bound** (``scripts/bench_bound.py``): the run's own work in one process with no kernel (the
  notebooks' cells with the imports paid once, the widget states, the rebuild, the pages), in CPU
  seconds; divided by the cores, the least wall time any run could take.
* **full run**: ``iccwc --data-dir TMP/data run --out TMP/reports --force`` (validate, rebuild,
  execute every notebook, render), at the default number of kernels and one more; its ratio to the
  bound of the same round (the median of the rounds' ratios is the figure).
* **update**: ``iccwc --data-dir TMP/data update --notebooks TMP/notebooks --out TMP/reports-update``
  (the same, and the notebooks saved); its ratio to the bound.
* **no-op rerun**: the run again without ``--force``, nothing changed; its share of the full run.
* **one input changed**: (a) the last row of the copy's curated ``recognitions.csv`` removed (only
  ``recognitions.csv`` and ``datapackage.json`` change); (b) a FICTIONAL row added to the copy's
  ``raw/iccwc-website/pins.csv`` (its provenance record's sha256 updated with ``iccwc provenance``;
  ``activities.csv`` and ``datapackage.json`` change, and the sources every page lists): which
  notebooks the run re-executed, rendered again or kept (from its progress lines), and how long it took.
* **peak memory**: the largest resident set of any process the runs started (the driver or a
  kernel), from ``resource.getrusage(RUSAGE_CHILDREN)``; and the CPU seconds a full run costs.

Targets (issue 25): full run and update within 1.5x the bound (aim 1.2x); no-op rerun under 5% of
the full run; after a change to one raw file, only what depends on it is redone.

Timings on a small shared machine vary by a third from one run to the next: each figure is a
median of ``--rounds`` (default 3) with its range, and the load average is printed with them.

Usage: python scripts/bench.py [--rounds N] [--write] | --reads
  --write  also put the table in docs/benchmark.md and README.md (section "Speed").
  --reads  instead, execute each notebook once and list the processed files it opens (what its
           ``metadata.iccwc.reads`` must declare; see docs/benchmark.md), beside what it declares.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from iccwc import paths

ROOT = Path(__file__).resolve().parents[1]
FICTIONAL_PIN = ("Iceland,FICTIONAL row for the benchmark only: Toolkit Implementation (2020),,Analysis of national responses,"
                 "star,#ffcc00,True,,-18.6,64.9\n")


# --------------------------------------------------------------------------- what each notebook reads

_RECORD = """
def _iccwc_record(log):
    import os, sys
    def hook(event, args):
        if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.fsdecode(args[0])
            if os.path.basename(os.path.dirname(os.path.realpath(path))) == "processed":
                with open(log, "a", encoding="utf-8") as fh:
                    fh.write(os.path.basename(path) + "\\n")
    sys.addaudithook(hook)
_iccwc_record(%r)
del _iccwc_record
"""


async def _reads() -> None:
    import nbformat
    from iccwc.commands.execute import execute_notebook
    from iccwc.commands.pipeline import find_notebooks, notebook_reads
    gate = asyncio.Event()
    gate.set()
    for p in find_notebooks():
        nb = nbformat.read(p, as_version=4)
        declared = notebook_reads(nb, p.name)
        with tempfile.TemporaryDirectory() as tmp:
            log = Path(tmp) / "opened.txt"
            await execute_notebook(nb, cwd=paths.NOTEBOOKS, gate=gate, timeout=600, name=p.name,
                                   log=lambda *_: None, setup=_RECORD % str(log))
            opened = sorted(set(log.read_text(encoding="utf-8").split())) if log.exists() else []
        print(f"{p.name}: opens {json.dumps(opened)}; declares "
              + ("nothing (depends on every processed file)" if declared is None else json.dumps(declared))
              + ("" if declared is None or set(opened) <= set(declared) else
                 f"; NOT DECLARED: {sorted(set(opened) - set(declared))}"), flush=True)


# --------------------------------------------------------------------------- measuring

def timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess, float]:
    """Wall seconds, the finished process, and the CPU seconds it and its children used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode:
        sys.exit(f"bench: {' '.join(cmd)} failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return wall, proc, cpu


def executed(stdout: str) -> list[str]:
    """The notebooks a run executed, from its progress lines ("finished NAME in S s")."""
    return re.findall(r"finished (\S+\.ipynb) in", stdout)


def what_ran(stdout: str) -> str:
    done = executed(stdout)
    again = re.findall(r"to render again from its executed copy: (\S+\.ipynb)", stdout)
    kept = re.findall(r"kept: (\S+\.ipynb)", stdout)
    return (f"executed {len(done)} ({', '.join(n[:2] for n in done) or '-'}), rendered again {len(again)}, "
            f"kept {len(kept)}")


def drop_last_recognition(data: Path) -> None:
    """Remove the last row of the copy's curated recognitions.csv (a real row; nothing invented)."""
    path = data / "curated" / "recognitions.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")


def fresh_data(tmp: Path) -> Path:
    """A copy of the repository's data (raw, curated, processed, reference), without its state folder."""
    data = tmp / "data"
    if data.exists():
        shutil.rmtree(data)
    for sub in ("raw", "curated", "processed", "reference"):
        if (paths.DATA / sub).exists():
            shutil.copytree(paths.DATA / sub, data / sub)
    return data


def add_fictional_pin(data: Path, py: str) -> None:
    """Append a FICTIONAL row to the copy's pins.csv and update its provenance record's sha256."""
    pins = data / "raw" / "iccwc-website" / "pins.csv"
    with open(pins, "a", encoding="utf-8", newline="") as fh:
        fh.write(FICTIONAL_PIN)
    _, proc, _ = timed([py, "-m", "iccwc", "--data-dir", str(data), "provenance", str(pins)])
    record_file = pins.with_name("pins.provenance.json")
    record = json.loads(record_file.read_text(encoding="utf-8"))
    record["sha256"] = json.loads(proc.stdout)["sha256"]
    record["notes"] = "FICTIONAL copy for scripts/bench.py: one made-up row appended. " + record.get("notes", "")
    record_file.write_text(json.dumps(record, indent=2), encoding="utf-8")


def machine() -> str:
    model = ""
    try:
        model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "")
    except OSError:
        pass
    return (f"{os.cpu_count()} CPU(s), {model or platform.processor() or platform.machine()}, "
            f"Python {platform.python_version()}, {platform.system()}")


def explorer_latency(changes: int = 12) -> dict[str, list[float]]:
    """Seconds from setting a control of each kernel-backed explorer to the end of its update (the
    Python side of a change in JupyterLab or Voila: filtering, redrawing charts, map and table), for
    ``changes`` changes cycling through the control's options."""
    import iccwc
    from iccwc.data.activities import activities_as_of
    from iccwc.views.explorers.coverage import coverage_explorer
    from iccwc.views.explorers.recognition import recognition_explorer
    from iccwc.views.explorers.toolkit import toolkit_explorer
    latest = iccwc.load_toolkit(status_date="latest")
    explorers = {
        "toolkit (continent)": (toolkit_explorer(iccwc.load_toolkit()), "continent"),
        "recognition (category)": (recognition_explorer(iccwc.load_recognitions()), "category"),
        "coverage (region)": (coverage_explorer(activities_as_of(iccwc.load_activities(), latest), latest), "region"),
    }
    out: dict[str, list[float]] = {}
    for name, (explorer, key) in explorers.items():
        control = explorer.controls[key]
        values = [v if not isinstance(v, tuple) else v[1] for v in control.options]
        times = []
        for i in range(changes):
            t0 = time.perf_counter()
            control.value = values[(i + 1) % len(values)]        # the observer runs the update
            times.append(time.perf_counter() - t0)
        out[name] = times
    return out


def median_range(xs: list[float], digits: int = 1) -> str:
    m = statistics.median(xs)
    return f"{m:.{digits}f} s" + (f" (range {min(xs):.{digits}f}-{max(xs):.{digits}f})" if len(xs) > 1 else "")


def load() -> str:
    """The machine's load averages over 1, 5 and 15 minutes (other work slows every figure)."""
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3, help="timed rounds of each measure (medians; default 3)")
    ap.add_argument("--write", action="store_true", help="update docs/benchmark.md and README.md's Speed section")
    ap.add_argument("--reads", action="store_true", help="list the processed files each notebook opens")
    args = ap.parse_args()
    if args.reads:
        asyncio.run(_reads())
        return 0
    if args.rounds < 1:
        ap.error("--rounds must be 1 or more")

    import nbformat
    from bench_bound import AIM, TARGET, bound_round       # scripts/bench_bound.py
    from iccwc.commands import pipeline
    from iccwc.commands.pipeline import DEFAULT_JOBS, find_notebooks
    py, cores = sys.executable, os.cpu_count() or 1
    n = len(find_notebooks())
    load_before = load()
    print(f"Benchmarking {n} notebooks on {machine()}; {args.rounds} round(s) of each measure; load average "
          f"{load_before} ...", flush=True)
    jobs_tried = [DEFAULT_JOBS, DEFAULT_JOBS + 1]
    bounds: list[float] = []
    fulls: dict[int, list[float]] = {j: [] for j in jobs_tried}
    ratios: dict[int, list[float]] = {j: [] for j in jobs_tried}
    updates, update_ratios, noops, cpus = [], [], [], []
    changes: dict[str, list[float]] = {"recognitions": [], "pins": []}
    ran: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="iccwc-bench-") as tmp:
        tmp = Path(tmp)
        data, out = fresh_data(tmp), tmp / "reports"
        run = [py, "-m", "iccwc", "--data-dir", str(data), "run", "--out", str(out)]
        timed(run + ["--force"])                                         # warm the file cache, not counted
        for r in range(args.rounds):
            cpu, _ = bound_round(py)
            bound = cpu / cores
            bounds.append(bound)
            print(f"  round {r + 1}: the bound: {cpu:.1f} CPU-s / {cores} = {bound:.1f} s", flush=True)
            for jobs in jobs_tried:
                wall, proc, cpu = timed(run + ["--force", "--jobs", str(jobs)])
                assert len(executed(proc.stdout)) == n, proc.stdout
                fulls[jobs].append(wall)
                ratios[jobs].append(wall / bound)
                if jobs == DEFAULT_JOBS:
                    cpus.append(cpu)
                print(f"  round {r + 1}: full run, {jobs} kernels: {wall:.1f} s ({cpu:.1f} CPU-s), "
                      f"{wall / bound:.2f}x the bound", flush=True)
            nbs = tmp / "notebooks"
            shutil.rmtree(nbs, ignore_errors=True)
            shutil.copytree(paths.NOTEBOOKS, nbs, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
            wall, proc, _ = timed([py, "-m", "iccwc", "--data-dir", str(data), "update", "--notebooks", str(nbs),
                                   "--out", str(tmp / "reports-update")])
            assert len(executed(proc.stdout)) == n, proc.stdout
            updates.append(wall)
            update_ratios.append(wall / bound)
            print(f"  round {r + 1}: update: {wall:.1f} s, {wall / bound:.2f}x the bound", flush=True)
            wall, proc, _ = timed(run)
            if "Nothing to do" not in proc.stdout:      # (the package's code changed meanwhile: a shared tree)
                wall, proc, _ = timed(run)
            assert "Nothing to do" in proc.stdout, proc.stdout
            noops.append(wall)
            print(f"  round {r + 1}: no-op {wall:.2f} s", flush=True)
        sizes = {f.name: f.stat().st_size for f in sorted(out.glob("*.html"))}
        for what, change in (("recognitions", drop_last_recognition), ("pins", lambda d: add_fictional_pin(d, py))):
            for r in range(args.rounds):
                shutil.rmtree(tmp / "data")
                shutil.rmtree(out)
                data = fresh_data(tmp)
                timed(run)                                                   # a run on the unchanged copy
                change(data)
                wall, proc, _ = timed(run)
                changes[what].append(wall)
                ran[what] = what_ran(proc.stdout)
                print(f"  round {r + 1}: {what} changed: {wall:.1f} s, {ran[what]}", flush=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024     # KB on Linux
    best_jobs = min(jobs_tried, key=lambda j: statistics.median(fulls[j]))
    full, noop = statistics.median(fulls[DEFAULT_JOBS]), statistics.median(noops)

    def ok(flag: bool) -> str:
        return "yes" if flag else "**no**"

    def ratio(xs: list[float]) -> str:
        m = statistics.median(xs)
        return f"**{m:.2f}x**" + (f" (range {min(xs):.2f}-{max(xs):.2f})" if len(xs) > 1 else "")
    rows = ["| measure | value | target | met |", "|---|---|---|---|",
            f"| the bound: the run's own work in one process, no kernel (`scripts/bench_bound.py`), / {cores} cores | "
            f"{median_range(bounds)} | | |"]
    for jobs in jobs_tried:
        rows.append(f"| full run from scratch (`iccwc run --force --jobs {jobs}`"
                    f"{', the default' if jobs == DEFAULT_JOBS else ''}) | {median_range(fulls[jobs])}: "
                    f"{ratio(ratios[jobs])} the bound"
                    + (f"; {statistics.median(cpus):.0f} CPU-s" if jobs == DEFAULT_JOBS else "")
                    + f" | within {TARGET}x (aim {AIM}x) | {ok(statistics.median(ratios[jobs]) <= TARGET)} |")
    rows.append(f"| `iccwc update` from scratch (execute, save the notebooks, render) | {median_range(updates)}: "
                f"{ratio(update_ratios)} the bound | within {TARGET}x (aim {AIM}x) | "
                f"{ok(statistics.median(update_ratios) <= TARGET)} |")
    rows.append(f"| no-op rerun | {median_range(noops, 2)}: {100 * noop / full:.1f}% of the full run | under 5% | "
                f"{ok(noop < 0.05 * full)} |")
    declared = f"{sum(pipeline.notebook_reads(nbformat.read(p, as_version=4), p.name) is not None for p in find_notebooks())} of {n} notebooks declare their reads"
    rows.append(f"| curated recognitions.csv changed (last row removed) | {median_range(changes['recognitions'])}: "
                f"{ran['recognitions']} | only the notebooks that read it | {declared} |")
    rows.append(f"| raw pins.csv changed (a FICTIONAL row added) | {median_range(changes['pins'])}: {ran['pins']} "
                f"| only the notebooks that read it | {declared} |")
    rows.append(f"| peak memory (largest process: driver or kernel) | {peak:.0f} MB | | |")
    for name, times in explorer_latency().items():
        worst = max(times)
        rows.append(f"| explorer callback, {name}: median (max) of {len(times)} changes | "
                    f"{statistics.median(times) * 1000:.0f} ms ({worst * 1000:.0f} ms) | under 300 ms | {ok(worst < 0.3)} |")
    for name, size in sizes.items():
        rows.append(f"| {name} | {size / 1024:.0f} KB | under 1 MB | {ok(size < 1024 * 1024)} |")
    if best_jobs != DEFAULT_JOBS:
        print(f"NOTE: the full run was fastest with {best_jobs} kernels, not the default {DEFAULT_JOBS}")
    table = "\n".join(rows)
    stamp = f"{date.today().isoformat()}, {machine()}, load average {load_before} before and {load()} after"
    print()
    print(f"Measured {stamp}:\n")
    print(table)
    print(f"\nThe full run: {statistics.median(ratios[DEFAULT_JOBS]):.2f}x the bound (target {TARGET}x, aim {AIM}x); "
          f"update: {statistics.median(update_ratios):.2f}x.")
    if args.write:
        write(table, stamp)
    return 0


BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def _replace_between(text: str, block: str, begin: str = BEGIN, end: str = END) -> str:
    """``text`` with ``block`` between its ``begin`` and ``end`` markers (nothing outside them changes)."""
    if begin not in text or end not in text:
        raise SystemExit(f"bench --write: markers {begin} ... {end} not found")
    head, rest = text.split(begin, 1)
    return head + begin + "\n" + block + "\n" + end + rest.split(end, 1)[1]


def write(table: str, stamp: str) -> None:
    """Put the table between the markers in docs/benchmark.md and README.md (section "Speed")."""
    block = f"Measured {stamp} (`make bench`):\n\n{table}"
    for f in (ROOT / "docs" / "benchmark.md", ROOT / "README.md"):
        f.write_text(_replace_between(f.read_text(encoding="utf-8"), block), encoding="utf-8")
        print(f"written: {f.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
