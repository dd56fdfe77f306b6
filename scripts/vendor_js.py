"""Fetch the JavaScript the rendered HTML loads from a CDN into .vendor/ (git-ignored), with `npm pack`.

The browser tests serve these local copies in place of the CDN (CI has no internet, but
has the npm registry at install time). The versions are the ones the HTML references:
iccwc.commands.render.CDN_PACKAGES. Usage: python scripts/vendor_js.py  (or `make vendor`).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from iccwc import paths
from iccwc.commands.render import CDN_PACKAGES

VENDOR = paths.ROOT / ".vendor"


def package_dir(name: str, version: str) -> Path:
    """Where a package is unpacked: .vendor/<name>@<version>/ (its npm 'package/' folder)."""
    return VENDOR / f"{name.replace('/', '__')}@{version}"


def fetch(name: str, version: str) -> Path:
    dest = package_dir(name, version)
    if (dest / "package.json").exists():
        return dest
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed: cannot fetch " + f"{name}@{version} (apt-get install npm)")
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([npm, "pack", f"{name}@{version}", "--silent"], cwd=tmp, capture_output=True,
                             text=True, timeout=300)
        if out.returncode != 0:
            raise RuntimeError(f"npm pack {name}@{version} failed:\n{out.stderr}")
        tgz = Path(tmp) / out.stdout.strip().splitlines()[-1]
        staging = Path(tmp) / "x"
        with tarfile.open(tgz) as tar:
            tar.extractall(staging, filter="data")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(dest, ignore_errors=True)
        shutil.move(str(staging / "package"), dest)
    return dest


def fetch_all() -> dict[str, Path]:
    return {name: fetch(name, version) for name, version in CDN_PACKAGES.items()}


if __name__ == "__main__":
    for name, where in fetch_all().items():
        print(f"{name}@{CDN_PACKAGES[name]} -> {where.relative_to(paths.ROOT)}")
    sys.exit(0)
