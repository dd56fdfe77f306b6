"""The package's shape: layers that follow the data flow, and the vocabulary defined once.

import-linter checks the contracts in pyproject.toml ([tool.importlinter]): a module may
import from the layers below its own (vocab <- data <- analysis <- views <- commands),
never from above.
"""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import iccwc.vocab
from iccwc import paths

PACKAGE = paths.ROOT / "src" / "iccwc"


def _lint_imports(cwd: Path, env=None) -> subprocess.CompletedProcess:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if exe is None:
        pytest.fail("lint-imports (import-linter) is not installed: `make install-test` installs it")
    return subprocess.run([exe, "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def test_import_contracts_are_kept():
    r = _lint_imports(paths.ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 broken" in r.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    """The check can fail: a copy of the package where the data layer imports a view is refused."""
    shutil.copytree(PACKAGE, tmp_path / "src" / "iccwc")
    shutil.copy(paths.ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    bad = tmp_path / "src" / "iccwc" / "data" / "load.py"
    bad.write_text(bad.read_text() + "\nfrom iccwc.views.charts import base  # noqa: E402,F401\n")
    r = _lint_imports(tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path / "src")})
    assert r.returncode != 0
    assert "BROKEN" in r.stdout and "iccwc.data.load -> iccwc.views.charts.base" in r.stdout


VOCABULARY = [name for name in vars(iccwc.vocab) if name.isupper()] + ["stage_of"]


def test_the_vocabulary_is_defined_once():
    """No module but iccwc.vocab assigns or defines one of the vocabulary's names."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "vocab.py" and path.parent == PACKAGE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            targets = []
            if isinstance(node, ast.Assign):
                targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                targets = [node.target.id]
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                targets = [node.name]
            offenders += [f"{path.relative_to(PACKAGE)}: {t}" for t in targets if t in VOCABULARY]
    assert not offenders, offenders
