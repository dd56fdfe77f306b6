"""Fetch the JavaScript the rendered pages use into .vendor/ (git-ignored), with `npm pack`.

Each tarball is checked against the sha256 recorded in iccwc.site.static_assets.CHECKSUMS.
`python -m iccwc run` does the same when .vendor/ lacks a package, and copies the files the pages
load into reports/_static/; this script (`make vendor`) fetches them ahead, e.g. in CI while the
npm registry is reachable. The browser tests also use these copies.
Usage: python scripts/vendor_js.py
"""
from __future__ import annotations

import sys

from iccwc import paths
from iccwc.site.static_assets import (CHECKSUMS, PACKAGES, VENDOR, VendorError, _extract,  # noqa: F401
                                          fetch, fetch_all, package_dir)

if __name__ == "__main__":
    try:
        found = fetch_all()
    except VendorError as exc:
        print(f"vendor_js: {exc}", file=sys.stderr)
        sys.exit(1)
    for name, where in found.items():
        print(f"{name}@{PACKAGES[name]} -> {where.relative_to(paths.ROOT)}")
    sys.exit(0)
