"""The README's promises: its example cells run and answer their questions, its commands exist."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from iccwc import paths

README = (paths.ROOT / "README.md").read_text(encoding="utf-8")


def _examples() -> list[str]:
    section = README.split("## Ask your own question", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_readme_has_three_examples():
    assert len(_examples()) == 3


@pytest.mark.parametrize("index", range(3))
def test_readme_example_runs_and_answers(index):
    code = _examples()[index]
    lines = code.rstrip().splitlines()
    namespace: dict = {}
    exec("\n".join(lines[:-1]), namespace)          # noqa: S102 - the README's own code
    result = eval(lines[-1], namespace)              # noqa: S307 - its last line is the answer
    assert isinstance(result, pd.DataFrame) and len(result) > 0
    if index == 0:
        import iccwc
        tk = iccwc.load_toolkit(status_date="latest")
        assert set(result["country"]) == set(tk.loc[tk["last_step"] < 5, "country"])
        assert (result["last_step"] < 5).all()
    if index == 1:
        import iccwc
        assert int(result.to_numpy().sum()) == len(iccwc.load_recognitions())
    if index == 2:
        import iccwc
        assert int(result.loc["Total", "requests"]) == len(iccwc.load_toolkit(status_date="latest"))


def test_readme_commands_exist():
    makefile = (paths.ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", makefile, re.M))
    used = set(re.findall(r"`make ([a-z-]+)", README)) | set(re.findall(r"^make ([a-z-]+)", README, re.M))
    assert used and used <= targets, used - targets


def test_readme_links_resolve():
    for target in re.findall(r"\]\(([^)#]+)\)", README):
        assert (paths.ROOT / target).exists(), target
