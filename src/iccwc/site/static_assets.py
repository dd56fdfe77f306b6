"""The scripts and fonts a rendered page needs, in ``reports/_static/``: a self-contained site.

The pages show maps and widgets from their saved state with three npm packages: require.js, the
Jupyter widgets HTML manager (``embed-amd.js``, with the icon fonts it loads next to itself) and
jupyter-leaflet (the maps); a fourth, vega, draws the interactive charts and runs their controls.
They are fetched with ``npm pack`` at the pinned versions below, each
tarball checked against its recorded sha256, unpacked into ``.vendor/`` (git-ignored, a cache: a
rebuild needs no network), and the files a page loads are copied to ``reports/_static/``. Pages
reference them by relative links only (``_static/require.js``...), so the folder works opened
from disk (``file://``) with the network off, zipped, or on any static host. Nothing is fetched
when a page is viewed.

When npm is missing or the registry cannot be reached and nothing is cached, rendering does not
fail: :func:`prepare` returns ``None`` with the reason, the caller prints a warning, and the pages
load the same files from the jsDelivr CDN (:data:`CDN`), as before (they then need internet).
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from iccwc import paths

CDN = "https://cdn.jsdelivr.net/npm/"
VENDOR = paths.ROOT / ".vendor"
STATIC = "_static"            # the folder, inside the reports folder, that pages link to


def _leaflet_version() -> str:
    try:
        return version("jupyter-leaflet")
    except Exception:  # pragma: no cover - ipyleaflet always installs it
        return "0.20.0"


#: npm packages the pages load, at the versions they reference.
PACKAGES = {
    "requirejs": "2.3.7",
    "@jupyter-widgets/html-manager": "1.0.15",   # the HTML manager of ipywidgets 8.1 (jupyterlab-manager 5.0)
    "jupyter-leaflet": _leaflet_version(),        # the maps; must match the installed ipyleaflet's front end
    "vega": "5.33.0",                             # the interactive charts (their Vega-Lite is compiled to Vega
}                                                 # when the page is made: iccwc.views.interactive, reader.py)

#: sha256 of each ``npm pack`` tarball (name@version -> hex). A version not listed here is refused:
#: after upgrading ipyleaflet, run ``npm pack jupyter-leaflet@X`` once, check it and add its sha256.
CHECKSUMS = {
    "requirejs@2.3.7": "31f3330c978fb28684622fe71165dc946432cf0210b2ea8a1ca0233e70f2737d",
    "@jupyter-widgets/html-manager@1.0.15": "2b9d65cb7913e1c7d671757a10008b32c9c2448d4429513371e55c07d6107638",
    "jupyter-leaflet@0.20.0": "1a5cf0dbca1f24091e16e01e9087bf90fccb1c234668c833862dad1478f2d9cb",
    "vega@5.33.0": "7b61f992d1a1e196e7f2eeb3d6176e5694949d0d4bbfea237a842d523dd6e1f3",
}

#: What is copied into _static/: (package, file in the package) -> path under _static/ (4.7 MB in all:
#: the widget manager 2.8, jupyter-leaflet 1.3, vega 0.5, require.js 0.1).
#: Left out: the HTML manager's Font Awesome files (2.9 MB; only widgets with icons load them, and
#: these notebooks have none: the browser tests fail on any failed request), source maps, and the
#: ipywidgets 7 modules inside embed-amd.js (:data:`DROP_AMD`).
FILES = {
    ("requirejs", "require.js"): "require.js",
    ("@jupyter-widgets/html-manager", "dist/embed-amd.js"): "embed-amd.js",
    ("jupyter-leaflet", "dist/index.js"): "jupyter-leaflet/index.js",
    ("vega", "build/vega.min.js"): "vega/vega.min.js",
}

#: AMD modules taken out of a copied file: path under _static/ -> module names.
#: ``embed-amd.js`` defines, besides ``@jupyter-widgets/base`` and ``controls`` (ipywidgets 8) and the
#: manager itself, ``@jupyter-widgets/base7`` and ``controls7`` (825 KB): the ipywidgets 7 models, for
#: saved states whose model versions are 1.x. The pages' states come from the installed ipywidgets 8
#: (model versions 2.0.0; :func:`iccwc.site.render.check_widget_versions` refuses anything else),
#: and no other module lists them as a dependency. Each block is the file's own
#: ``/*! For license ... */``, ``define("name",...)`` and ``//# sourceMappingURL`` lines; a file laid out
#: otherwise (a new version) is refused rather than copied half-cut.
DROP_AMD = {"embed-amd.js": ("@jupyter-widgets/base7", "@jupyter-widgets/controls7")}

#: Relative URLs a page uses (from a page in the reports folder).
REQUIRE_JS = f"{STATIC}/require.js"
WIDGET_RENDERER = f"{STATIC}/embed-amd.js"
LEAFLET_MODULE = f"{STATIC}/jupyter-leaflet/index"       # a require.js module path (no .js)
VEGA_MODULE = f"{STATIC}/vega/vega.min"                  # a require.js module path (vega's UMD build)

CDN_REQUIRE_JS = f"{CDN}requirejs@{PACKAGES['requirejs']}/require.js"
CDN_WIDGET_RENDERER = f"{CDN}@jupyter-widgets/html-manager@{PACKAGES['@jupyter-widgets/html-manager']}/dist/embed-amd.js"


class VendorError(RuntimeError):
    """A package could not be fetched or did not match its recorded checksum."""


def drop_amd_modules(text: str, names, where: str = "") -> str:
    """``text`` without the AMD ``define("name", ...)`` blocks of ``names`` (see :data:`DROP_AMD`).

    Each block is three lines: a license comment, the one-line ``define`` and its source-map line (and
    the blank line after it). Raises VendorError when a module is missing, defined more than once, or
    named by any other line (a dependency), so a new layout is never copied half-cut.
    """
    lines = text.split("\n")
    for name in names:
        head = f'define("{name}",'
        at = [i for i, line in enumerate(lines) if line.startswith(head)]
        if len(at) != 1:
            raise VendorError(f"{where}: expected one {head!r} line, found {len(at)}: not copied")
        i = at[0]
        start = i - 1 if i > 0 and lines[i - 1].startswith("/*! For license information") else i
        end = i + 1
        if end < len(lines) and lines[end].startswith("//# sourceMappingURL="):
            end += 1
        if end < len(lines) and lines[end] == "":
            end += 1
        del lines[start:end]
        if any(f'"{name}"' in line for line in lines):
            raise VendorError(f"{where}: {name!r} is still named after its define block: not copied")
    return "\n".join(lines)


def _copied_bytes(src: Path, rel: str) -> bytes:
    data = src.read_bytes()
    if rel in DROP_AMD:
        data = drop_amd_modules(data.decode("utf-8"), DROP_AMD[rel], str(src)).encode("utf-8")
    return data


def package_dir(name: str, ver: str) -> Path:
    """Where a package is unpacked: .vendor/<name>@<version>/ (its npm 'package/' folder)."""
    return VENDOR / f"{name.replace('/', '__')}@{ver}"


def fetch(name: str, ver: str, vendor: Path | None = None) -> Path:
    """The unpacked package, from the .vendor/ cache or else fetched with ``npm pack`` and checked."""
    dest = (vendor or VENDOR) / package_dir(name, ver).name
    if (dest / "package.json").exists():
        return dest
    want = CHECKSUMS.get(f"{name}@{ver}")
    if want is None:
        raise VendorError(f"no sha256 recorded for {name}@{ver} in iccwc.site.static_assets.CHECKSUMS")
    npm = shutil.which("npm")
    if npm is None:
        raise VendorError(f"npm is not installed: cannot fetch {name}@{ver} (apt-get install npm)")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            out = subprocess.run([npm, "pack", f"{name}@{ver}", "--silent"], cwd=tmp, capture_output=True,
                                 text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise VendorError(f"npm pack {name}@{ver} failed: {exc}") from exc
        if out.returncode != 0 or not out.stdout.strip():
            raise VendorError(f"npm pack {name}@{ver} failed:\n{out.stderr.strip()[-600:]}")
        tgz = Path(tmp) / out.stdout.strip().splitlines()[-1]
        got = hashlib.sha256(tgz.read_bytes()).hexdigest()
        if got != want:
            raise VendorError(f"npm pack {name}@{ver}: sha256 {got} is not the recorded {want}: not used")
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
            raise VendorError(f"refusing {member.name!r}: it points outside the package")
        if member.isdir():
            target.mkdir(parents=True, exist_ok=True)
        elif member.isfile():
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
        # links, devices and fifos are skipped: an npm package needs none of them


def fetch_all(vendor: Path | None = None) -> dict[str, Path]:
    """package name -> unpacked folder, for every package (raises VendorError)."""
    return {name: fetch(name, ver, vendor) for name, ver in PACKAGES.items()}


@dataclass
class Assets:
    """Where the pages' scripts come from: ``local`` (``_static/``, relative links) or the CDN."""
    local: bool
    reason: str = ""            # why the CDN is used (empty when local)

    @property
    def require_js_url(self) -> str:
        return REQUIRE_JS if self.local else CDN_REQUIRE_JS

    @property
    def widget_renderer_url(self) -> str:
        return WIDGET_RENDERER if self.local else CDN_WIDGET_RENDERER


def prepare(vendor: Path | None = None) -> tuple[Assets, dict[str, Path]]:
    """Fetch (or find cached) every package; ``Assets(local=False, reason)`` when that fails."""
    try:
        return Assets(True), fetch_all(vendor)
    except VendorError as exc:
        return Assets(False, str(exc)), {}


def install(out_dir: Path, packages: dict[str, Path]) -> list[str]:
    """Copy the files pages load into ``out_dir/_static/`` (only those missing or different, each
    written aside and renamed in). Returns the paths written, relative to ``out_dir``."""
    written = []
    copies = {rel: _copied_bytes(packages[name] / inner, rel) for (name, inner), rel in FILES.items()}
    for rel, data in copies.items():        # every file read (and cut) before any is written
        dst = Path(out_dir) / STATIC / rel
        if dst.is_file() and dst.stat().st_size == len(data) and dst.read_bytes() == data:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_name(f".{dst.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(dst)
        written.append(f"{STATIC}/{rel}")
    wanted = {Path(out_dir) / STATIC / rel for rel in FILES.values()}
    for p in sorted((Path(out_dir) / STATIC).rglob("*"), reverse=True):    # files of older versions
        if p.is_file() and p not in wanted:
            p.unlink()
        elif p.is_dir() and not any(p.iterdir()):
            p.rmdir()
    return written


def missing(out_dir: Path) -> list[str]:
    """The _static/ files a page needs that are not in ``out_dir``."""
    return [f"{STATIC}/{rel}" for rel in FILES.values() if not (Path(out_dir) / STATIC / rel).is_file()]


def static_bytes(out_dir: Path) -> int:
    folder = Path(out_dir) / STATIC
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0
