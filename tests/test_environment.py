"""environment.yml (conda) and pyproject.toml (pip) install the same set."""
from __future__ import annotations

import re
import tomllib

from iccwc import paths


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    py = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    pip_set = {_name(r): r.strip() for r in py["dependencies"] + py["optional-dependencies"]["test"]}
    text = (paths.ROOT / "environment.yml").read_text()
    deps = text.split("dependencies:", 1)[1]
    conda = {}
    for line in deps.splitlines():
        m = re.match(r"^  - ([A-Za-z0-9_.\-]+.*)$", line)
        if m and _name(m.group(1)).rstrip(":") not in ("python", "pip"):
            conda[_name(m.group(1))] = m.group(1).strip()
    assert set(conda) == set(pip_set)
    for name, spec in pip_set.items():
        assert conda[name].replace(" ", "") == spec.replace(" ", ""), name


def test_console_scripts_point_at_real_functions():
    """`iccwc` on PATH runs the command line (the entry point moved with the package's layers once)."""
    import importlib

    scripts = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    for name, target in scripts.items():
        module, func = target.split(":")
        assert callable(getattr(importlib.import_module(module), func)), name
