"""The progress table rebuilt from the data, and one country's detail, as escaped HTML."""
from __future__ import annotations

import re
import pandas as pd

from iccwc.views.charts import base as charts
from iccwc.views import tables as tt
from iccwc.analysis import toolkit_uptake as u


def test_text_table_has_the_documents_marks(sc66):
    t = tt.progress_table(sc66)
    assert t["country"].tolist() == sc66["country"].tolist()
    assert list(t.columns) == ["country", *map(str, range(1, 9)), "action plan", "stage"]
    marks = (t[[str(i) for i in range(1, 9)]] == tt.CHECK).sum(axis=1)
    assert marks.tolist() == sc66["last_step"].astype(int).tolist()
    assert t.set_index("country").loc["Vietnam", "action plan"] == tt.NOT_DONE
    assert (t["action plan"] == tt.CHECK).sum() == 5


def test_html_rows_are_coloured_by_stage(sc66):
    html = tt.progress_table_html(sc66)
    rows = re.findall(r'<tr data-country="([^"]*)" data-stage="([^"]*)"[^>]*>(.*?)</tr>', html)
    assert [r[0] for r in rows] == sc66["country"].tolist()
    for (name, stage, cells), (_, row) in zip(rows, sc66.iterrows()):
        assert stage == row["stage"]
        colour = charts.STAGE_COLOURS[stage]
        # a filled cell per step done (and the action plan), in the stage's colour, plus the stage swatch
        filled = cells.count(f"background:{colour};color:")
        assert filled == int(row["last_step"]) + int(row["action_plan_implementation"]), name
        assert f'title="{tt.STAGE_LEGEND[stage]}"' in cells and f">{stage}</td>" in cells
    assert "as of 9 November 2015" in html


def test_html_table_filters_and_highlights(sc66):
    html = tt.progress_table_html(u.select(sc66, region="Asia"), selected="Nepal")
    assert re.findall(r'data-country="([^"]*)"', html) == ["Bangladesh", "Nepal", "Vietnam"]
    assert re.search(r'data-country="Nepal"[^>]*style="outline', html)
    assert "No country matches" in tt.progress_table_html(u.select(sc66, region="Oceania"))


def test_names_are_escaped(sc66):
    evil = sc66.copy()
    evil["country"] = evil["country"].astype(object)
    evil.loc[0, "country"] = "<img src=x onerror=alert(1)>"
    html = tt.progress_table_html(evil, selected="<img src=x onerror=alert(1)>")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    detail = tt.country_detail_html(evil, "<img src=x onerror=alert(1)>")
    assert "<img" not in detail and "&lt;img" in detail
    assert "<img" not in tt.country_detail_html(evil, "<img src=y>")


def test_country_detail(sc66):
    d = tt.country_detail_html(sc66, "Mexico")
    assert "Toolkit implementation in process" in d and "Next step in the Toolkit's sequence: Step 7" in d
    assert d.count(tt.CHECK) == 6
    assert "All 8 steps done" in tt.country_detail_html(sc66, "Peru")
    assert "Choose a country" in tt.country_detail_html(sc66, None)


def test_text_colour_contrast():
    assert charts.text_colour(charts.STAGE_COLOURS["complete"]) == "#ffffff"
    assert charts.text_colour(charts.STAGE_COLOURS["request received"]) == "#222222"


def test_show_table_prints_the_text_copy_then_displays_the_same_table_as_html(capsys, monkeypatch):
    """A notebook's table: the printed copy the notebook's tests compare, then the HTML table the shared
    page shows (the reader drops the printed copy of a cell tagged text-copy)."""
    import IPython.display
    from iccwc.views import tables
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    df = pd.DataFrame({"issuing_body_short": ["<b>CoP</b>", "UNGA"], "n": [1, 2]})
    tables.show_table(df, index=False, title="Two bodies:")
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "Two bodies:" and printed[1:] == df.to_string(index=False).splitlines()
    (head, table) = shown
    assert head.data == "**Two bodies:**"
    assert table.data == charts.table_html(df, index=False) and "&lt;b&gt;CoP&lt;/b&gt;" in table.data
    tables.show_table(df, text=lambda d: "as text")
    assert capsys.readouterr().out == "as text\n" and shown[-1].data == charts.table_html(df)


def _cells(html: str) -> list[list[str]]:
    """The text of each row's cells of the first table in ``html`` (a line break read as a space)."""
    from bs4 import BeautifulSoup
    table = BeautifulSoup(html, "html.parser").find("table")
    return [[" ".join(c.get_text(" ").split()) for c in tr.find_all(["th", "td"], recursive=False)]
            for tr in table.find_all("tr")]


def test_the_rows_a_table_view_records_are_the_cells_it_shows():
    import iccwc
    from iccwc.views import tables
    from iccwc.views.charts import base as charts
    shown = iccwc.load_toolkit(status_date="latest")
    assert tables.progress_table_rows(shown) == _cells(tables.progress_table_html(shown))
    df = shown[["country", "last_step", "stage"]].head(5).assign(note=[None, "a & b", "=1", "", "x"])
    assert charts.table_rows(df, index=False) == _cells(charts.table_html(df, index=False))
    data, meta = charts.table_view(df, index=False)._repr_html_()
    assert meta == {"iccwc": {"table": {"rows": charts.table_rows(df, index=False)}}}
