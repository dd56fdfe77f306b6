"""`python -m iccwc update`: after new data, one command back to green tests and new reports.

Each notebook is executed once; the saved notebook and its page come from that same execution.

1. **Validate, rebuild, execute and render** with :func:`iccwc.commands.pipeline.run` (``save=True``):
   the processed data are rebuilt aside (bad input raises :class:`~iccwc.errors.DataError` before
   anything is written, exit code 2); every ``notebooks/*.ipynb`` is executed
   (:class:`iccwc.commands.execute.KernelPool`: kernels reused from one notebook to the next, each from a
   fresh session; kernel-start retry, shutdown whatever happens),
   with the kernel's working folder the notebooks' folder, ``$ICCWC_DATA_DIR`` the data folder and
   the notebooks' own default parameters (``data_dir = None``), without execution timestamps; the
   pages are rendered from those executions (the widget state the HTML needs is kept apart from the
   notebooks), and data/processed and the reports are switched in together. If a notebook fails,
   nothing is written: not the data, not the reports, no notebook (exit code 3); the error names
   the notebook and the cell.
2. **Save** the executed notebooks in place, with their new outputs, without widget state or
   timestamps (as committed: docs/notebook-tests.md), all together
   (:func:`iccwc.data.build.write_atomically`). The run's ``.fingerprint`` records the saved bytes,
   so ``iccwc run`` afterwards has nothing to do.

With ``--no-render``: the data are rebuilt in place (:func:`iccwc.data.build.rebuild`), then the
notebooks executed once and saved (:func:`execute_and_save`; all or none).

Afterwards the committed notebooks' outputs match the data, so ``make test`` (nbval) passes.
docs/updating.md walks through it with a new status document.
"""
from __future__ import annotations

import asyncio
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from iccwc import paths
from iccwc.commands.pipeline import DEFAULT_JOBS  # kernels at once (each reused): the run's


class UpdateFailed(RuntimeError):
    """A notebook raised while executing; no notebook was saved (the message names it and the cell)."""


@dataclass
class UpdateResult:
    changed_data: list[str]        # processed files the rebuild rewrote
    saved: list[Path]              # notebooks saved with new outputs
    reports: Path | None           # where the reports went (None with render=False)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _error_text(path: Path, exc: BaseException) -> str:
    """One notebook's failure in a few lines: the error, the cell, the end of the traceback; the
    kernel's stderr only when the kernel itself failed (not for an error raised by a cell)."""
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:                                   # nbclient's CellExecutionError: a cell raised
        text = _ANSI.sub("", str(exc))
        cell = text.split("------------------")[1].strip() if text.count("------------------") >= 2 else ""
        lines = [f"{path.name}: {ename}: {evalue}"]
        if cell:
            lines.append("    in the cell:\n      " + "\n      ".join(cell.splitlines()[:12]))
        return "\n".join(lines)
    said = getattr(exc, "kernel_stderr", "")
    tail = "\n    ".join(_ANSI.sub("", str(exc)).strip().splitlines()[-12:])
    return (f"{path.name}: {type(exc).__name__}: {tail}"
            + (f"\n    the kernel wrote:\n{said}" if said else ""))


async def _execute_all(notebooks: list[Path], data: Path, timeout: int, jobs: int, log):
    """Execute every notebook with the pipeline's kernels (reused from one notebook to the next, kernel-start
    retry, shutdown whatever happens), the data folder passed to the kernels, and no execution timestamps
    in the cells it saves. A list of notebooks or exceptions, in order."""
    import nbformat
    from iccwc.commands.execute import KernelPool, import_lines, prepare_code
    nbs = [nbformat.read(p, as_version=4) for p in notebooks]
    pool = KernelPool(cwd=notebooks[0].parent if notebooks else Path.cwd(), timeout=timeout,
                      prepare=prepare_code(import_lines(nbs)), env={**os.environ, "ICCWC_DATA_DIR": str(data)},
                      record_timing=False, log=log)
    try:
        # The largest notebook first (a rough guess of the longest).
        futures = [pool.submit(p.name, nb, cost=p.stat().st_size) for p, nb in zip(notebooks, nbs)]
        pool.grow(min(max(1, jobs), len(notebooks)))
        pool.close()
        results = await asyncio.gather(*futures, return_exceptions=True)
        await pool.wait_closed()
    finally:
        await pool.aclose()
    for p, r in zip(notebooks, results):
        if not isinstance(r, BaseException):
            log(f"      executed {p.name} in {r[0]:.1f} s")
    return [r if isinstance(r, BaseException) else nb for nb, r in zip(nbs, results)]


def execute_and_save(notebooks: list[Path], data_dir=None, *, jobs: int = DEFAULT_JOBS, timeout: int = 600,
                     log=print) -> list[Path]:
    """Execute ``notebooks`` on ``data_dir`` and save them with their outputs (all or none).

    Raises :class:`UpdateFailed` listing every notebook that failed; then nothing is saved.
    """
    from iccwc.commands.pipeline import run_coroutine
    data = paths.layout(data_dir)["data"]
    results = run_coroutine(_execute_all(notebooks, data, timeout, jobs, log))
    failed = [(p, r) for p, r in zip(notebooks, results) if isinstance(r, BaseException)]
    if failed:
        raise UpdateFailed("\n  ".join(_error_text(p, e) for p, e in failed))
    import nbformat
    _save({path: nbformat.writes(nb).encode("utf-8") + b"\n" for path, nb in zip(notebooks, results)})
    return list(notebooks)


def _save(files: dict[Path, bytes]) -> None:
    """All or none: staged beside the notebooks, moved into place together, rolled back on any failure."""
    from iccwc.data.build import write_atomically
    by_folder: dict[Path, dict[str, bytes]] = {}
    for path, data in files.items():
        by_folder.setdefault(path.parent, {})[path.name] = data
    for folder, named in by_folder.items():
        write_atomically(named, folder)


def update(data_dir=None, *, notebooks_dir: Path | None = None, out_dir: Path | None = None,
           jobs: int | None = None, timeout: int = 600, render: bool = True, log=print) -> UpdateResult:
    """Rebuild, execute each notebook once, render the reports from those executions and save the
    notebooks; see the module docs. Raises :class:`UpdateFailed` (nothing written) when a notebook fails."""
    t0 = time.perf_counter()
    from iccwc.commands import pipeline
    notebooks = pipeline.find_notebooks(notebooks_dir)
    lay = paths.layout(data_dir)
    log(f"iccwc update: data in {lay['data']}, {len(notebooks)} notebook(s) in {notebooks_dir or paths.NOTEBOOKS}")
    reports = None
    if render:
        log(f"Rebuilding the data, executing each of the {len(notebooks)} notebook(s) once and rendering the "
            "reports from them (iccwc run) ...")
        try:
            result = pipeline.run(data_dir, notebooks_dir=notebooks_dir, out_dir=out_dir, jobs=jobs or DEFAULT_JOBS,
                                  timeout=timeout, log=log, save=True)
        except pipeline.NotebookFailed as exc:
            raise UpdateFailed(str(exc)) from exc
        changed, reports = result.changed, Path(result.out_dir)
        folder = Path(notebooks_dir) if notebooks_dir else paths.NOTEBOOKS
        log(f"Saving the {len(result.notebooks)} executed notebook(s) (outputs kept, no widget state) ...")
        _save({folder / name: data for name, data in result.notebooks.items()})
        saved = [folder / name for name in result.notebooks]
    else:
        from iccwc.data.build import rebuild
        log("[1/2] Validating and rebuilding the processed data ...")
        changed = rebuild(data_dir, log=lambda msg: None)
        log(f"      {len(changed)} processed file(s) changed" + (f": {', '.join(changed)}" if changed else ""))
        log(f"[2/2] Executing and saving {len(notebooks)} notebook(s) (outputs kept, no widget state) ...")
        saved = execute_and_save(notebooks, data_dir, jobs=jobs or DEFAULT_JOBS, timeout=timeout, log=log)
    log(f"Updated in {time.perf_counter() - t0:.0f} s: {len(saved)} notebook(s) saved"
        + (f", reports in {reports}" if reports else "") + ". Next: make test, then commit data/processed "
        "and notebooks/.")
    return UpdateResult(changed, saved, reports)


# --------------------------------------------------------------------------- command line

def add_arguments(sp) -> None:
    sp.add_argument("--jobs", type=int, default=None, help=f"notebooks executed at once (default {DEFAULT_JOBS})")
    sp.add_argument("--out", default=None, help="where to write the HTML reports (default: reports/)")
    sp.add_argument("--notebooks", default=None, help="folder of notebooks to update (default: notebooks/)")
    sp.add_argument("--no-render", action="store_true", help="save the notebooks but render no reports")


def main(args) -> int:
    import sys
    from iccwc.commands.pipeline import NotebookFailed
    from iccwc.errors import EXIT_NOTEBOOK, EXIT_OK
    try:
        update(args.data_dir, notebooks_dir=Path(args.notebooks) if args.notebooks else None,
               out_dir=Path(args.out) if args.out else None, jobs=args.jobs, render=not args.no_render)
    except UpdateFailed as exc:
        print(f"\nERROR: a notebook failed, so no notebook was saved (and, unless --no-render, neither the "
              f"processed data nor the reports were changed).\n  {exc}\n\n"
              "Fix the data or the notebook and run `python -m iccwc update` again.", file=sys.stderr)
        return EXIT_NOTEBOOK
    except NotebookFailed as exc:     # a bad metadata.iccwc.reads: nothing was written either
        print(f"\nERROR: {exc}\n\nNothing was written.", file=sys.stderr)
        return EXIT_NOTEBOOK
    return EXIT_OK
