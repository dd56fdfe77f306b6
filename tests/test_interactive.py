"""Interactive charts (Vega-Lite through Altair, iccwc.views.interactive): controls bound to parameters
with options from the data, inline data equal to what the analysis functions count, tooltips, a static
SVG fallback, deterministic JSON, and filter expressions that select the right rows.

Filters are checked by drawing the spec with vl-convert after setting a parameter's value (what a reader
does with the control) and reading the marks' accessible labels and the "N of M" line: no browser.
Fixtures named FICTIONAL are made up for the test; they are not ICCWC facts.
"""
from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest

import iccwc
from iccwc.analysis import coverage as cov
from iccwc.analysis import recognition as recog
from iccwc.analysis.toolkit_uptake import reach_series, toolkit_summary
from iccwc.data.load import load_toolkit_reach
from iccwc.views.interactive import base
from iccwc.views.interactive import coverage as icov
from iccwc.views.interactive import recognition as irec
from iccwc.views.interactive import toolkit as itk
from iccwc.vocab import ACTIVITY_CATEGORIES, ACTIVITY_TYPES, CATEGORIES, INSTRUMENT_TYPES, REACH_MEASURES, TOOLKIT_STAGES


# ----------------------------------------------------------------------------- helpers

def params(d: dict) -> dict:
    return {p["name"]: p for p in d.get("params", [])}


def inline_rows(d: dict) -> pd.DataFrame:
    """The chart's one inline dataset as a DataFrame."""
    if "datasets" in d:
        (values,) = d["datasets"].values()
    else:
        values = d["data"]["values"]
    return pd.DataFrame(values)


def drawn(d: dict, **values) -> str:
    """The spec drawn as SVG after setting parameters (as a reader moving the controls would)."""
    d = json.loads(json.dumps(d))
    for p in d["params"]:
        if p["name"] in values:
            p["value"] = values.pop(p["name"])
    assert not values, f"no such parameters: {values}"
    return base.svg_of_spec(d)


def labels(svg: str, field: str) -> list[str]:
    """The accessible labels of the marks that carry ``field`` (e.g. 'country')."""
    return [html.unescape(a) for a in re.findall(r'aria-label="([^"]*)"', svg)
            if re.search(rf"(^|; ){re.escape(field)}: ", html.unescape(a))]


def label_values(svg: str, field: str) -> list[str]:
    out = []
    for a in labels(svg, field):
        for part in a.split("; "):
            if part.startswith(f"{field}: "):
                out.append(part[len(field) + 2:])
                break
    return out


def marks(svg: str, field: str) -> list[dict]:
    """The marks that carry ``field``, each as {field: value} read from its accessible label."""
    return [dict(part.split(": ", 1) for part in a.split("; ") if ": " in part) for a in labels(svg, field)]


def countries_per_region(svg: str) -> dict[str, int]:
    return {m["region"]: int(m["countries"]) for m in marks(svg, "countries") if "region" in m}


def tooltip_fields(d: dict) -> set[str]:
    found = set()

    def walk(o):
        if isinstance(o, dict):
            if "tooltip" in o and isinstance(o["tooltip"], list):
                found.update(t["field"] for t in o["tooltip"] if "field" in t)
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
    walk(d)
    return found


def texts(svg: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


# ----------------------------------------------------------------------------- FICTIONAL fixtures

@pytest.fixture
def fictional_toolkit() -> pd.DataFrame:
    """FICTIONAL: five made-up countries of one made-up snapshot, one with steps unknown."""
    rows = [("Aland", "Asia", "Asia", 8, "complete"), ("Borduria", "Europe", "Africa & Europe", 3, "planning phase"),
            ("Carpania", "Asia", "Asia", 6, "in process"), ("Dystopia", "Africa", "Africa & Europe", 1,
                                                                "request received"),
            ("Elbonia", "South America", "Americas", None, "listed, steps unknown")]
    df = pd.DataFrame(rows, columns=["country", "region", "document_region", "last_step", "stage"])
    df["last_step"] = df["last_step"].astype("Int64")
    df["stage"] = pd.Categorical(df["stage"], categories=TOOLKIT_STAGES)
    df["status_date"] = pd.Timestamp("2030-01-15")
    df["source_file"] = "fictional-status.txt"
    df["source_line"] = pd.array(range(10, 15), dtype="Int64")
    return df


@pytest.fixture
def fictional_recognitions() -> pd.DataFrame:
    """FICTIONAL: six made-up instruments, 2030-2034."""
    rows = [("f1", "2030-02", CATEGORIES[0], "resolution", True), ("f2", "2030-11", CATEGORIES[1], "declaration", False),
            ("f3", "2031-05", CATEGORIES[0], "decision", False), ("f4", "2033-01", CATEGORIES[2], "declaration", True),
            ("f5", "2034-07", CATEGORIES[0], "resolution", False), ("f6", "2034-08", CATEGORIES[1], "statement", False)]
    df = pd.DataFrame(rows, columns=["id", "date", "category", "instrument_type", "mentions_toolkit"])
    df["month"] = pd.to_datetime(df["date"] + "-01")
    df["year"] = df["month"].dt.year.astype("Int64")
    df["instrument"] = "Fictional instrument " + df["id"]
    df["issuing_body"] = "Fictional body"
    df["category"] = pd.Categorical(df["category"], categories=CATEGORIES)
    df["source"] = "fictional.txt, line " + df.index.astype(str)
    return df


@pytest.fixture
def fictional_activities() -> pd.DataFrame:
    """FICTIONAL: seven made-up activities in four made-up countries, one with no year."""
    rows = [("Aland", "ALX", "Asia", ACTIVITY_CATEGORIES[1], "WEN", 2031, 2031),
            ("Aland", "ALX", "Asia", ACTIVITY_CATEGORIES[1], "meeting", 2032, 2033),
            ("Borduria", "BRX", "Africa & Europe", ACTIVITY_CATEGORIES[2], "meeting", 2031, None),
            ("Borduria", "BRX", "Africa & Europe", ACTIVITY_CATEGORIES[1], "WEN", 2034, 2034),
            ("Carpania", "CRX", "Asia", ACTIVITY_CATEGORIES[2], "meeting", 2030, 2030),
            ("Elbonia", "ELX", "Americas", ACTIVITY_CATEGORIES[0], "Toolkit", None, None),
            ("Elbonia", "ELX", "Americas", ACTIVITY_CATEGORIES[1], "WEN", 2033, 2034)]
    df = pd.DataFrame(rows, columns=["country", "iso3", "document_region", "category", "activity_type",
                                     "year_start", "year_end"])
    for c in ("year_start", "year_end"):
        df[c] = df[c].astype("Int64")
    df["category"] = pd.Categorical(df["category"], categories=ACTIVITY_CATEGORIES)
    df["activity_type"] = pd.Categorical(df["activity_type"], categories=ACTIVITY_TYPES)
    df["description"] = "Fictional activity"
    df["period"] = ""
    df["source"] = "fictional-pins.csv, line " + df.index.astype(str)
    return df


# ----------------------------------------------------------------------------- the display path

def test_show_gives_spec_svg_and_one_line(fictional_toolkit):
    shown = base.show(itk.explorer(fictional_toolkit))
    bundle = shown._repr_mimebundle_()
    assert set(bundle) == {"application/vnd.vegalite.v5+json", "image/svg+xml", "text/plain"}
    assert bundle[base.MIMETYPE]["$schema"].startswith("https://vega.github.io/schema/vega-lite/v5")
    assert bundle["image/svg+xml"].startswith("<svg")
    assert "\n" not in bundle["text/plain"]
    assert bundle["text/plain"] == ("Chart: Toolkit requests: how far each country has come (as of 15 January 2030) "
                                    "(5 requesting countries, by last step and stage; filter by region, stage and step)")
    assert bundle[base.MIMETYPE]["usermeta"]["iccwc"]["sources"] == ["fictional-status.txt"]


def test_unnamed_parameter_is_refused():
    import altair as alt
    chart = alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x="a:Q").add_params(alt.selection_point())
    with pytest.raises(ValueError, match="name every view and parameter"):
        base.spec(chart)


def test_options_come_from_the_data_in_vocabulary_order():
    assert base.options(pd.Series(["planning phase", "complete", "planning phase"]), TOOLKIT_STAGES) == \
        ["planning phase", "complete"]
    assert base.options(pd.Series(["zeta", "alpha", None])) == ["alpha", "zeta"]


# ----------------------------------------------------------------------------- Toolkit explorer

@pytest.fixture(scope="module")
def latest():
    return iccwc.load_toolkit(status_date="latest")


@pytest.fixture(scope="module")
def latest_spec(latest) -> dict:
    """The spec of the Toolkit explorer of the latest snapshot, made once for the tests that read it (read only)."""
    return base.spec(itk.explorer(latest))


def test_toolkit_explorer_controls_data_tooltips(latest, latest_spec):
    d = latest_spec
    p = params(d)
    regions = [r for r in cov.REGION_ORDER["document_region"] if r in set(latest["document_region"].astype(str))]
    assert p["tk_region"]["bind"]["options"] == ["All", *regions] and p["tk_region"]["value"] == "All"
    stages = [s for s in TOOLKIT_STAGES if s in set(latest["stage"].astype(str))]
    assert p["tk_stage"]["bind"]["options"] == ["All", *stages]
    assert {k: p["tk_min_step"]["bind"][k] for k in ("input", "min", "max", "step")} == \
        {"input": "range", "min": 1, "max": 8, "step": 1} and p["tk_min_step"]["value"] == 1
    rows = inline_rows(d)
    assert sorted(rows["country"]) == sorted(latest["country"].astype(str))
    assert rows["stage"].value_counts().to_dict() == {k: v for k, v in toolkit_summary(latest)["by_stage"].items() if v}
    assert {"country", "stage", "last_step", "document_region", "status_date", "source"} <= tooltip_fields(d)
    svg = base.svg_of_spec(d)
    assert itk.explorer.__name__ and d["usermeta"]["iccwc"]["title"] in texts(svg)
    assert f"{len(latest)} of {len(latest)} requesting countries" in texts(svg)
    assert len(labels(svg, "country")) == int(latest["last_step"].notna().sum())


def test_toolkit_explorer_filters_fictional(fictional_toolkit):
    d = base.spec(itk.explorer(fictional_toolkit))
    svg = drawn(d, tk_region="Asia")
    assert sorted(label_values(svg, "country")) == ["Aland", "Carpania"]
    assert "2 of 5 requesting countries" in texts(svg)
    svg = drawn(d, tk_min_step=4)
    assert sorted(label_values(svg, "country")) == ["Aland", "Carpania"]
    svg = drawn(d, tk_min_step=1)          # the country with steps unknown made its request (step 1)
    assert "steps unknown" in texts(svg) and "5 of 5 requesting countries" in texts(svg)
    svg = drawn(d, tk_stage="planning phase", tk_region="Asia")
    assert label_values(svg, "country") == [] and "0 of 5 requesting countries" in texts(svg)
    svg = drawn(d, tk_stage="request received")
    assert label_values(svg, "country") == ["Dystopia"]


def test_toolkit_explorer_is_deterministic(latest, latest_spec):
    a = json.dumps(latest_spec)                                  # base.spec(itk.explorer(latest)), made apart
    b = json.dumps(base.spec(itk.explorer(latest.copy())))
    assert a == b
    assert base.static_svg(itk.explorer(latest)) == base.static_svg(itk.explorer(latest))


def test_toolkit_explorer_refuses_two_snapshots(fictional_toolkit):
    other = fictional_toolkit.assign(status_date=pd.Timestamp("2031-01-01"))
    with pytest.raises(ValueError, match="one snapshot"):
        itk.explorer(pd.concat([fictional_toolkit, other]))


# ----------------------------------------------------------------------------- Toolkit reach

@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    """The Toolkit's reach over time (read only)."""
    return reach_series(load_toolkit_reach(), iccwc.load_toolkit())


@pytest.fixture(scope="module")
def reach_spec(series) -> dict:
    """The reach chart's spec, made once for the tests that read it (read only)."""
    return base.spec(itk.reach(series))


@pytest.fixture(scope="module")
def reach_shown(series) -> base.Shown:
    """The reach chart as a notebook shows it (:func:`base.show`), made once for the tests that read it."""
    return base.show(itk.reach(series))


def test_reach_chart_carries_the_series(series, reach_spec):
    d = reach_spec
    rows = inline_rows(d)
    assert rows[["date", "measure", "value", "label", "source"]].to_dict("records") == \
        series.assign(measure=series["measure"].astype(str))[["date", "measure", "value", "label", "source"]] \
        .to_dict("records")
    assert {"date", "measure", "value_text", "source", "quote"} <= tooltip_fields(d)
    (x_domain,) = {json.dumps(l["encoding"]["x"]["scale"]["domain"]) for l in d["layer"]}
    first, end = json.loads(x_domain)
    assert first == "2015-01-01" and pd.Timestamp(end) > series["when"].max()
    svg = base.svg_of_spec(d)
    assert d["usermeta"]["iccwc"]["title"] in texts(svg)
    assert set(series["label"]) <= set(texts(svg))
    assert json.dumps(d) == json.dumps(base.spec(itk.reach(series)))
    # the time control: the counts' dates in time order, opening on the last (every count shown)
    p = params(d)
    order = list(dict.fromkeys(rows.assign(w=pd.to_datetime(rows["when"])).sort_values("w", kind="stable")["as_of"]))
    assert p["reach_upto"]["bind"]["options"] == order and p["reach_upto"]["value"] == order[-1]
    assert len(order) == series["when"].nunique()
    assert p["reach_measure"]["bind"]["options"][1:] == [m for m in REACH_MEASURES if m in set(rows["measure"])]


def test_reach_chart_labels_sit_on_the_outer_sides_so_near_counts_do_not_collide(series, reach_spec):
    """A table's count and the same measure in a source's words fall weeks apart: the table's labels go
    left of their squares, the words' right of their circles, each layer showing only its own rows."""
    d = reach_spec
    texts_ = [l for l in d["layer"] if l["mark"]["type"] == "text"]
    got = {json.dumps(l["transform"][-1]["filter"]): (l["mark"]["align"], l["mark"]["dx"]) for l in texts_}
    assert got == {json.dumps('datum.basis === "status table"'): ("right", -5),
                   json.dumps('datum.basis === "source\'s words"'): ("left", 5)}
    assert set(series["basis"]) == {"status table", "source's words"}         # every count is in one of them


def test_reach_chart_fictional_as_of_labels_keep_the_sources_precision():
    rows = itk.reach_rows(pd.DataFrame({
        "date": ["2016-01", "2016-05-24"], "when": pd.to_datetime(["2016-01-01", "2016-05-24"]),
        "month_only": [True, False], "measure": ["requests", "countries implementing"], "value": [17, 19],
        "qualifier": ["", "has been, or is being"], "label": ["17", "19*"], "basis": ["source's words"] * 2,
        "quote": ["FICTIONAL", "FICTIONAL"], "source": ["x.txt", "y.json"]}))
    assert rows["as_of"].tolist() == ["January 2016", "24 May 2016"]


# ----------------------------------------------------------------------------- recognitions

def test_recognition_controls_and_counts(rec):
    d = base.spec(irec.by_year(rec))
    p = params(d)
    cats = [c for c in CATEGORIES if c in set(rec["category"].astype(str))]
    kinds = [k for k in INSTRUMENT_TYPES if k in set(rec["instrument_type"].astype(str))]
    assert p["rec_category"]["bind"]["options"] == ["All", *cats]
    assert p["rec_kind"]["bind"]["options"] == ["All", *kinds]
    lo, hi = int(rec["year"].min()), int(rec["year"].max())
    for name, value in (("rec_year_from", lo), ("rec_year_to", hi)):
        assert (p[name]["bind"]["min"], p[name]["bind"]["max"], p[name]["value"]) == (lo, hi, value)
    assert p["rec_pick"]["bind"] == "legend"
    rows = inline_rows(d)
    assert rows.groupby("year").size().to_dict() == recog.counts_by_year(rec)
    table = recog.year_category_counts(rec)
    mine = pd.crosstab(rows["year"], rows["category"]).reindex(index=table.index, columns=table.columns,
                                                               fill_value=0)
    assert (mine.to_numpy() == table.to_numpy()).all()
    assert {"instrument", "issuing_body", "date", "category", "instrument_type", "mentions_toolkit",
            "source"} <= tooltip_fields(d)
    svg = base.svg_of_spec(d)
    assert f"Instruments recognising ICCWC by year, {lo}-{hi}" in texts(svg)
    assert base.describe(d) == f"Chart: Instruments recognising ICCWC by year, {lo}-{hi} ({len(rec)} instruments)"
    assert json.dumps(d) == json.dumps(base.spec(irec.by_year(rec)))


@pytest.mark.parametrize("values, expect", [
    ({}, dict()),
    ({"rec_category": CATEGORIES[0]}, dict(categories=CATEGORIES[0])),
    ({"rec_year_from": 2031, "rec_year_to": 2033}, dict(years=(2031, 2033))),
    ({"rec_kind": "declaration", "rec_year_to": 2032}, dict(years=(None, 2032), kind="declaration")),
])
def test_recognition_filters_fictional(fictional_recognitions, values, expect):
    d = base.spec(irec.by_year(fictional_recognitions))
    kind = expect.pop("kind", None)
    want = recog.filter_recognitions(fictional_recognitions, **expect)
    if kind:
        want = want[want["instrument_type"] == kind]
    svg = drawn(d, **values)
    shown = label_values(svg, "instrument")
    # each instrument is a bar segment and a timeline point
    assert sorted(shown) == sorted(list(want["instrument"]) * 2)
    assert f"{len(want)} of 6 instruments" in texts(svg)


# ----------------------------------------------------------------------------- activities

@pytest.fixture(scope="module")
def activities():
    return iccwc.load_activities()


def test_coverage_controls_and_counts(activities):
    d = base.spec(icov.by_year(activities))
    p = params(d)
    assert p["cov_region"]["bind"]["options"] == \
        ["All", *[r for r in cov.REGION_ORDER["document_region"] if r in set(activities["document_region"])]]
    assert p["cov_group"]["bind"]["options"] == \
        ["All", *[c for c in ACTIVITY_CATEGORIES if c in set(activities["category"].astype(str))]]
    assert p["cov_type"]["bind"]["options"] == \
        ["All", *[t for t in ACTIVITY_TYPES if t in set(activities["activity_type"].astype(str))]]
    rows = inline_rows(d)
    table = cov.years_by_region(activities)
    mine = pd.crosstab(rows["year_start"].dropna().astype(int), rows.loc[rows["year_start"].notna(),
                       "document_region"]).reindex(index=table.index, columns=table.columns[:-1], fill_value=0)
    assert (mine.to_numpy() == table.iloc[:, :-1].to_numpy()).all()
    assert {"activities", "year_total", "countries", "document_region"} <= tooltip_fields(d)
    svg = base.svg_of_spec(d)
    reach = cov.reach(activities).drop(index="Total")
    assert countries_per_region(svg) == reach["countries"].to_dict()
    assert f"{len(activities)} of {len(activities)} activities" in texts(svg)
    assert json.dumps(d) == json.dumps(base.spec(icov.by_year(activities)))


@pytest.mark.parametrize("values, kwargs", [
    ({"cov_region": "Asia"}, dict(region="Asia")),
    ({"cov_group": ACTIVITY_CATEGORIES[1]}, dict(category=ACTIVITY_CATEGORIES[1])),
    ({"cov_type": "meeting", "cov_year_from": 2032}, dict(activity_type="meeting", years=(2032, 2034))),
    ({"cov_year_from": 2033, "cov_year_to": 2033}, dict(years=(2033, 2033))),
])
def test_coverage_filters_fictional(fictional_activities, values, kwargs):
    d = base.spec(icov.by_year(fictional_activities))
    want = cov.filter_activities(fictional_activities, **kwargs)
    svg = drawn(d, **values)
    assert f"{len(want)} of {len(fictional_activities)} activities" in texts(svg)
    expect = want.groupby("document_region")["iso3"].nunique().to_dict()
    assert countries_per_region(svg) == expect


def test_a_notebook_saves_fixed_widths_and_the_page_makes_them_follow_it_again(latest, latest_spec, reach_spec,
                                                                              reach_shown):
    """JupyterLab's renderer cannot size a chart to its output area (a layered chart hangs it in a resize
    loop): the saved spec has fixed widths; the shared page turns exactly those back into "container"."""
    from iccwc.site import vega as vega_page
    for d, saved in ((latest_spec, base.show(itk.explorer(latest)).spec),       # the Toolkit explorer
                     (reach_spec, reach_shown.spec)):                          # the reach chart
        assert '"container"' in json.dumps(d) and '"container"' not in json.dumps(saved)
        assert saved["usermeta"]["iccwc"]["container_width"] == base.STATIC_WIDTH
        back = vega_page.for_page(saved)
        assert json.dumps(back).count('"container"') == json.dumps(d).count('"container"')


def test_the_page_wraps_long_chart_titles_so_a_phone_does_not_cut_them(reach_shown):
    from iccwc.site import vega as vega_page
    saved = reach_shown.spec                     # base.show(itk.reach(series))
    page = vega_page.for_page(saved)
    lines = page["title"] if isinstance(page["title"], list) else page["title"]["text"]
    assert isinstance(lines, list) and all(len(line) <= vega_page.TITLE_LINE for line in lines)
    original = saved["title"] if isinstance(saved["title"], str) else saved["title"]["text"]
    assert " ".join(lines) == original
    assert vega_page.compile_spec(saved)["title"]      # Vega takes the lines


def test_each_stage_and_region_option_names_the_map_layer_that_follows_it(latest, latest_spec, activities):
    from iccwc.site import vega as vega_page
    from iccwc.views.maps import coverage as cmap
    from iccwc.views.maps import toolkit as tmap
    assert vega_page.ALL == base.ALL
    d = latest_spec
    link = d["usermeta"]["iccwc"]["map_layers"]["tk_stage"]
    on_map = {layer.name for layer in tmap.stage_map(latest).layers}
    assert list(link["layers"]) == params(d)["tk_stage"]["bind"]["options"][1:]      # every option but All
    assert set(link["layers"].values()) <= on_map and link["label"] == "Stage"
    d = base.spec(icov.by_year(activities))
    link = d["usermeta"]["iccwc"]["map_layers"]["cov_region"]
    assert list(link["layers"]) == params(d)["cov_region"]["bind"]["options"][1:]
    assert set(link["layers"].values()) <= set(cmap.region_layer_names(cmap.coverage_map(activities)))
    page = vega_page.fragment(d, None, name="x", source_line="pins.csv", csv_name=None, n_rows=0)
    attr = re.search(r'data-iccwc-map-layers="([^"]*)"', page).group(1)
    assert json.loads(html.unescape(attr)) == d["usermeta"]["iccwc"]["map_layers"]
    assert "The map on this page follows the “Region” control" in page
