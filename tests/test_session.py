"""The package never changes the user's session: after importing every iccwc module, an analyst's own
``plt.plot()`` in the same notebook still shows, with the backend and style they had.

(``import iccwc.charts`` once called ``matplotlib.use("Agg")``: every later ``plt.show()`` in the
notebook showed nothing.)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

IMPORT_ALL = textwrap.dedent("""\
    import importlib, pkgutil
    import iccwc
    imported = []
    for mod in pkgutil.walk_packages(iccwc.__path__, "iccwc."):
        if mod.name.rsplit(".", 1)[-1] == "__main__":      # runs the command line when imported
            continue
        importlib.import_module(mod.name)
        imported.append(mod.name)
    """)

CHECK = textwrap.dedent("""\
    import json, matplotlib
    matplotlib.use("svg")                      # a backend that is not Agg: the user's choice
    matplotlib.rcParams["lines.linewidth"] = 3.25   # and a style of their own
    def state():
        return {"backend": matplotlib.get_backend(),
                "rc": {k: repr(v) for k, v in matplotlib.rcParams.items()}}
    before = state()
    """) + IMPORT_ALL + textwrap.dedent("""\
    import matplotlib.pyplot as plt
    after = state()
    print(json.dumps({"before": before, "after": after, "imported": imported,
                      "pyplot_backend": plt.get_backend()}))
    """)


@pytest.mark.slow   # why: runs a fresh Python in a subprocess (make test runs it; make test-fast does not)
def test_importing_every_module_leaves_backend_and_rcparams_alone():
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    r = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert len(out["imported"]) > 30 and "iccwc.views.charts.base" in out["imported"]
    assert out["after"]["backend"] == out["before"]["backend"] == "svg"
    assert out["pyplot_backend"] == "svg"
    changed = {k for k in out["before"]["rc"] if out["before"]["rc"][k] != out["after"]["rc"].get(k)}
    assert not changed, f"rcParams changed by importing iccwc: {sorted(changed)}"
    assert out["after"]["rc"]["lines.linewidth"] == "3.25"


def test_drawing_a_chart_leaves_rcparams_alone(rec):
    import matplotlib
    from iccwc.views.charts import base as charts
    from iccwc.views.charts import recognition as rc
    before = {k: repr(v) for k, v in matplotlib.rcParams.items() if k != "backend"}
    charts.show(rc.by_year_chart(rec))
    after = {k: repr(v) for k, v in matplotlib.rcParams.items() if k != "backend"}
    assert before == after


@pytest.mark.slow
def test_plt_show_still_draws_inline_after_importing_iccwc(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(IMPORT_ALL),
        nbformat.v4.new_code_cell("import matplotlib\nimport matplotlib.pyplot as plt\n"
                                  "plt.plot([1, 2, 3])\nplt.show()"),
        nbformat.v4.new_code_cell("import pandas as pd\npd.DataFrame({'y': [3, 1, 2]}).plot()\nplt.show()"),
        nbformat.v4.new_code_cell("print(matplotlib.get_backend())"),
    ]
    path = tmp_path / "session.ipynb"
    nbformat.write(nb, path)
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=120,
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    for cell in nb.cells[1:3]:
        assert any("image/png" in o.get("data", {}) for o in cell.outputs), cell.outputs
    backend = "".join(o.get("text", "") for o in nb.cells[3].outputs).strip()
    assert "inline" in backend, backend


def test_a_frame_the_analyst_changes_does_not_change_the_next_load(data_copy):
    """Loads of unchanged bytes are not typed and validated again (iccwc.data.load._LOADED), but each
    caller gets its own frame, and a file whose bytes changed is read anew."""
    import iccwc
    from iccwc.data import load as loader
    first = iccwc.load_recognitions(data_copy)
    rows = len(first)
    first["mine"] = 1                                         # the analyst's own frame, changed
    first.loc[first.index[0], "id"] = "FICTIONAL"
    again = iccwc.load_recognitions(data_copy)
    assert len(again) == rows and "mine" not in again.columns and "FICTIONAL" not in set(again["id"])
    assert again is not loader._LOADED[(str(data_copy.resolve() / "processed" / "recognitions.csv"), "recognitions")][1]
    path = data_copy / "processed" / "recognitions.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")  # the last row removed: new bytes
    assert len(iccwc.load_recognitions(data_copy)) == rows - 1
