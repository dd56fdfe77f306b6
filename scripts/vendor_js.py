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
            _extract(tar, staging)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(dest, ignore_errors=True)
        shutil.move(str(staging / "package"), dest)
    return dest


def _extract(tar: tarfile.TarFile, where: Path) -> None:
    """Extract regular files and folders only, each inside ``where``. tarfile's ``filter="data"`` does
    this from Python 3.11.4 on; Debian 12's system Python is 3.11.2, so the same check is done here."""
    root = where.resolve()
    for member in tar.getmembers():
        target = (where / member.name).resolve()
        if root not in target.parents and target != root:
            raise RuntimeError(f"refusing {member.name!r}: it points outside the package")
        if member.isdir():
            target.mkdir(parents=True, exist_ok=True)
        elif member.isfile():
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
        # links, devices and fifos are skipped: an npm package needs none of them


def fetch_all() -> dict[str, Path]:
    return {name: fetch(name, version) for name, version in CDN_PACKAGES.items()}


if __name__ == "__main__":
    for name, where in fetch_all().items():
        print(f"{name}@{CDN_PACKAGES[name]} -> {where.relative_to(paths.ROOT)}")
    sys.exit(0)
