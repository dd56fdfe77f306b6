"""The country profile of every country in one interactive chart: a country picker that works offline.

One Vega-Lite specification (built with Altair), whose parameter ``country`` is bound to a select: its
options are ISO3 codes, its labels the countries' display names (:func:`iccwc.analysis.profiles.page_rows`,
in that order). Every part of the chart filters on it:

* the country's name, continent and the document's region;
* a small locator map: the world (1:110m, coordinates rounded, :func:`light_world`), the chosen
  country filled, and a ring at a point inside it (so that small countries show too);
* one sentence per theme (:meth:`iccwc.analysis.profiles.CountryProfile.sentences`), wrapped in the
  page to the chart's width;
* a timeline of everything dated: Toolkit status dates, activities per year, instruments adopted;
* the lists: the Toolkit status at each status date, each activity, each instrument adopted there
  ("None in the data" when a list is empty: unknowns are said, never left blank).

The data are inline, once: one row per country, each holding that country's
:meth:`~iccwc.analysis.profiles.CountryProfile.rows` as they are (Vega's ``flatten`` makes the list
rows in the page). In the shared page the select's value is kept in the address (``#country=KEN``)
and restored from it (the site's script does this for every bound parameter).
"""
from __future__ import annotations

import json

import altair as alt

from iccwc.views.charts.base import NEUTRAL, STAGE_FILLS, TEXT
from iccwc.views.interactive import base

#: The parameter of the country picker (also the key in the page's address: ``#country=KEN``).
PARAM = "country"
#: The accent colour of the chosen country (the pages' accent).
ACCENT = "#1f5f8b"
#: The timeline's rows, top to bottom.
TIMELINE_ROWS = ["Toolkit status", "Activities", "Instruments"]
#: The lists' names (views of the chart: ``<name>_marks`` is their text marks' name in the page's SVG).
LISTS = {"prof_toolkit": "Toolkit status at each status date", "prof_activities": "Activities",
         "prof_instruments": "Recognising instruments adopted there"}
#: Characters per line of wrapped text: from the chart's box in the page (about 6.3 px a character at
#: 12 px), 48 where the box's width is unknown (a static picture).
CHARS = ("isValid(containerSize()[0]) && containerSize()[0] > 0"
         " ? clamp(floor((containerSize()[0] - 30) / 6.3), 36, 150) : 48")
_FONT = 12
#: The name of the spec's dataset of the countries' rows.
ROWS = "prof_rows"
_LINE = 16


def _round(coords, digits: int):
    if isinstance(coords[0], (int, float)):
        if not digits:                                        # whole degrees: 67, not 67.0, in the page
            return [int(round(coords[0])), int(round(coords[1]))]
        return [round(coords[0], digits), round(coords[1], digits)]
    out = [_round(c, digits) for c in coords]
    if out and isinstance(out[0][0], (int, float)):          # a ring: drop repeated points
        ring = [p for i, p in enumerate(out) if i == 0 or p != out[i - 1]]
        return ring if len(ring) >= 4 else out
    return out


def light_world(world: dict, digits: int = 0, min_area: float = 1.0) -> dict:
    """A lighter copy of the 1:110m world for a locator map: coordinates rounded to ``digits`` decimals,
    repeated points dropped, islands smaller than ``min_area`` square degrees dropped (a country keeps
    its largest polygon), properties reduced to ``iso3``."""
    from iccwc.data.geo import ring_area
    feats = []
    for f in world["features"]:
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        big = max(polys, key=lambda p: ring_area(p[0]))
        keep = [p for p in polys if p is big or ring_area(p[0]) >= min_area]
        feats.append({"type": "Feature", "id": f["id"], "properties": {"iso3": f["id"]},
                      "geometry": {"type": "MultiPolygon", "coordinates": _round(keep, digits)}})
    return {"type": "FeatureCollection", "features": feats}


def _wrap(text_expr: str) -> str:
    """A Vega expression: the text split into lines of at most ``prof_chars`` characters, at spaces."""
    return (f"split(replace(({text_expr}) + ' ', regexp('(.{{1,' + prof_chars + '}})\\\\s+', 'g'), '$1\\n'), '\\n')")


def _cut(text_expr: str) -> str:
    """A Vega expression: the text cut to ``prof_chars`` characters, with an ellipsis."""
    return (f"(length({text_expr}) > prof_chars ? substring({text_expr}, 0, prof_chars - 1) + '…' : {text_expr})")


_ONE = f"datum.iso3 == {PARAM}"


def _list(data, name: str, field: str, text: str, tooltip: list, none: str) -> alt.Chart:
    """A list of text rows: the chosen country's ``field`` (an array of its rows), one line each."""
    return alt.Chart(data, name=name, title=alt.TitleParams(LISTS[name], fontSize=13, anchor="start")).transform_filter(
        _ONE).transform_calculate(
        item=f"length(datum.{field}) ? datum.{field} : [{{none: true}}]").transform_flatten(
        ["item"]).transform_window(n="row_number()").transform_calculate(
        line=f"datum.item.none ? {json.dumps(none)} : {_cut(text)}").mark_text(
        align="left", baseline="middle", fontSize=_FONT, color=TEXT, x=0).encode(
        y=alt.Y("n:O", axis=None), text="line:N", tooltip=tooltip).properties(
        width="container", height=alt.Step(_LINE))


def profile_chart(rows: list[dict], world: dict | None, country: str | None = None,
             title: str = "Country profiles: everything the sources say about one country") -> alt.VConcatChart:
    """The profile of every country of ``rows`` (:func:`iccwc.analysis.profiles.page_rows`), the chosen
    one by the select ``country`` (opening on ``country``, default the first row's); ``world``: the
    1:110m world (:func:`iccwc.data.geo.world`) for the locator map, or None for no map."""
    if not rows:
        raise ValueError("country profiles: no country has profile data")
    codes = [r["iso3"] for r in rows]
    country = country or codes[0]
    if country not in codes:
        raise ValueError(f"country profiles: {country!r} is not one of the countries with profile data")
    pick = alt.param(name=PARAM, value=country, bind=alt.binding_select(
        options=codes, labels=[r["name"] for r in rows], name="Country "))
    chars = alt.param(name="prof_chars", expr=CHARS)
    data = alt.NamedData(name=ROWS)

    head = alt.Chart(data).transform_filter(_ONE).transform_calculate(
        where="datum.country.region + (datum.country.document_region != datum.country.region"
              " ? ' (the document\\'s region: ' + datum.country.document_region + ')' : '')").encode(
        text="name:N")
    head = alt.layer(
        head.mark_text(align="left", baseline="top", fontSize=18, fontWeight="bold", color=TEXT, x=0, y=0).properties(
            name="prof_name"),
        head.mark_text(align="left", baseline="top", fontSize=_FONT, color=TEXT, x=0, y=24).encode(
            text="where:N").properties(name="prof_region"),
        name="prof_title").properties(width="container", height=40)

    parts = [head]
    if world is not None:
        # the world inline in the map's one geoshape layer (not a named dataset: the page's CSV download
        # is its largest named dataset, which must be the countries' rows)
        # (empty here, filled last: see the end)
        shapes = alt.Data(values={"type": "FeatureCollection", "features": []},
                          format=alt.DataFormat(type="json", property="features"))
        proj = "equalEarth"
        land = alt.Chart(shapes, name="prof_world").mark_geoshape(stroke="white", strokeWidth=0.4).encode(
            fill=alt.condition(f"datum.properties.iso3 == {PARAM}", alt.value(ACCENT), alt.value("#e4e8ec"))
        ).project(type=proj)
        ring = alt.Chart(data, name="prof_point").transform_filter(_ONE).transform_filter(
            "isValid(datum.lat)").mark_point(shape="circle", size=260, stroke="#d55e00", strokeWidth=2,
                                             filled=False, opacity=1).encode(
            longitude="lon:Q", latitude="lat:Q", tooltip=[alt.Tooltip("name:N", title="country")]).project(type=proj)
        parts.append(alt.layer(land, ring, name="prof_map").properties(width="container", height=190))

    sentences = alt.Chart(data, name="prof_sentences", title=alt.TitleParams(
        "What the sources say", fontSize=13, anchor="start")).transform_filter(_ONE).transform_calculate(
        theme="['Toolkit: ' + datum.sentences.toolkit, 'Activities: ' + datum.sentences.activities,"
              " 'Recognition: ' + datum.sentences.recognitions, 'Partners: ' + datum.sentences.partner_presence]"
    ).transform_flatten(["theme"]).transform_calculate(
        line=_wrap("datum.theme")).transform_flatten(["line"]).transform_window(
        n="row_number()").mark_text(align="left", baseline="middle", fontSize=_FONT, color=TEXT, x=0).encode(
        y=alt.Y("n:O", axis=None), text="line:N").properties(width="container", height=alt.Step(_LINE))
    parts.append(sentences)

    parts.append(timeline(data, rows))

    tk_text = ("utcFormat(toDate(datum.item.status_date), '%-d %b %Y') + ': ' + (datum.item.listed"
               " ? datum.item.stage + (isValid(datum.item.last_step) ? ', step ' + datum.item.last_step : '')"
               " : 'not listed') + (isValid(datum.item.change) ? ' (' + datum.item.change + ')' : '')")
    parts.append(_list(data, "prof_toolkit", "toolkit", tk_text, [
        alt.Tooltip("item.status_date:N", title="status date"), alt.Tooltip("item.stage:N", title="stage"),
        alt.Tooltip("item.last_step:N", title="last step"), alt.Tooltip("item.change:N", title="change"),
        alt.Tooltip("item.source:N", title="source")], "No Toolkit status table or list in the data"))
    act_text = ("(isValid(datum.item.year_start) ? datum.item.year_start + (isValid(datum.item.year_end)"
                " && datum.item.year_end != datum.item.year_start ? '–' + datum.item.year_end : '') : 'no year')"
                " + ' · ' + datum.item.activity_type + ': ' + datum.item.description")
    parts.append(_list(data, "prof_activities", "activities", act_text, [
        alt.Tooltip("item.description:N", title="activity"), alt.Tooltip("item.activity_type:N", title="type"),
        alt.Tooltip("item.category:N", title="group"), alt.Tooltip("item.year_start:N", title="from"),
        alt.Tooltip("item.year_end:N", title="to"), alt.Tooltip("item.source:N", title="source")],
        "None in the data"))
    rec_text = "datum.item.date + ' · ' + datum.item.instrument + (isValid(datum.item.place) ? ' (' + datum.item.place + ')' : '')"
    parts.append(_list(data, "prof_instruments", "recognitions", rec_text, [
        alt.Tooltip("item.instrument:N", title="instrument"), alt.Tooltip("item.date:N", title="date"),
        alt.Tooltip("item.place:N", title="place"), alt.Tooltip("item.issuing_body:N", title="issued by"),
        alt.Tooltip("item.source:N", title="source")], "None adopted at a place in this country, in the data"))

    chart = alt.vconcat(*parts, spacing=14).add_params(pick, chars).properties(datasets={ROWS: []})
    desc = (f"{len(rows)} countries: choose one to see its Toolkit status, activities and instruments, "
            "on a map, a timeline and in lists")
    chart = base.finish(chart, title, desc, cited(rows)).configure_view(stroke=None)
    # The two large data go in last, in place: Altair copies the whole tree of a chart each time charts
    # are combined, given parameters or configured (with them in, 1.6 s of the 2.4 s this took); the
    # specification (interactive.spec) validates them.
    chart.datasets = {ROWS: rows}
    if world is not None:
        shown = next(c for c in chart.vconcat if c.name == "prof_map")
        next(c for c in shown.layer if c.name == "prof_world").data.values = json.dumps(
            light_world(world), separators=(",", ":"))
    return chart


def timeline_rows(rows: list[dict]) -> tuple[str, str]:
    """The timeline's x range, the same for every country: 1 January of the first year in the data to
    31 December of the last (ISO dates)."""
    years = []
    for r in rows:
        years += [int(t["status_date"][:4]) for t in r["toolkit"] if t["listed"]]
        years += [a["year_start"] for a in r["activities"] if a["year_start"] is not None]
        years += [a["year_end"] for a in r["activities"] if a["year_end"] is not None]
        years += [int(i["date"][:4]) for i in r["recognitions"]]
    lo, hi = (min(years), max(years)) if years else (2013, 2020)
    return f"{lo}-01-01", f"{hi}-12-31"


def timeline(data, rows: list[dict]) -> alt.LayerChart:
    """Everything dated about the chosen country on one time axis: its Toolkit status dates (a square
    coloured by stage), its activities per year (a circle sized by how many, labelled), the instruments
    adopted there (a diamond)."""
    lo, hi = timeline_rows(rows)
    x = alt.X("when:T", title=None, scale=alt.Scale(domain=[lo, hi]),
              axis=alt.Axis(format="%Y", tickCount="year", labelOverlap=True))
    y = alt.Y("row:N", title=None, scale=alt.Scale(domain=TIMELINE_ROWS), axis=None)
    stages = [s for s in STAGE_FILLS]

    def one(field):
        return alt.Chart(data).transform_filter(_ONE).transform_flatten([field], as_=["item"])

    toolkit = one("toolkit").transform_filter("datum.item.listed").transform_calculate(
        when="toDate(datum.item.status_date)", row="'Toolkit status'", stage="datum.item.stage",
        step="isValid(datum.item.last_step) ? datum.item.last_step : 'unknown'").mark_square(
        size=110, opacity=1, stroke="#555", strokeWidth=0.5).encode(
        x=x, y=y, color=alt.Color("stage:N", legend=None, scale=alt.Scale(
            domain=stages, range=[STAGE_FILLS[s] for s in stages])),
        tooltip=[alt.Tooltip("when:T", title="status date", format="%-d %B %Y"), alt.Tooltip("stage:N"),
                 alt.Tooltip("step:N", title="last step")])
    acts = one("activities").transform_filter("isValid(datum.item.year_start)").transform_calculate(
        year="datum.item.year_start").transform_aggregate(activities="count()", groupby=["year"]).transform_calculate(
        when="datetime(datum.year, 6, 1)", row="'Activities'")
    act_points = acts.mark_circle(color="#009E73", opacity=0.85).encode(
        x=x, y=y, size=alt.Size("activities:Q", legend=None, scale=alt.Scale(range=[40, 260])),
        tooltip=[alt.Tooltip("year:O", title="year"), alt.Tooltip("activities:Q", title="activities starting")])
    act_labels = acts.mark_text(dy=15, fontSize=base.MIN_TEXT, color=TEXT).encode(x=x, y=y, text="activities:Q")
    # the rows' names inside the plot, above each row (a y axis would push every view of the page right)
    names = alt.Chart(alt.Data(values=[{"row": r} for r in TIMELINE_ROWS])).mark_text(
        align="left", baseline="bottom", dy=-9, fontSize=base.MIN_TEXT, color="#555555", fontStyle="italic").encode(
        x=alt.value(2), y=y, text="row:N")
    instruments = one("recognitions").transform_calculate(
        when="toDate(length(datum.item.date) == 7 ? datum.item.date + '-15' : datum.item.date)",
        row="'Instruments'", name="datum.item.instrument").mark_point(
        shape="diamond", size=110, filled=True, color="#CC79A7", opacity=1).encode(
        x=x, y=y, tooltip=[alt.Tooltip("name:N", title="instrument"), alt.Tooltip("item.date:N", title="date")])
    return alt.layer(names, toolkit, act_points, act_labels, instruments, name="prof_timeline").properties(
        width="container", height=150, title=alt.TitleParams("Timeline: everything dated", fontSize=13, anchor="start"))


def cited(rows: list[dict]) -> list[str]:
    """The files the rows' facts come from, in order of first appearance."""
    seen: dict[str, None] = {}
    for r in rows:
        for kind in ("toolkit", "activities", "recognitions"):
            for item in r[kind]:
                for part in str(item.get("source") or "").split(";"):
                    name = part.split(",")[0].strip()
                    if name:
                        seen.setdefault(name, None)
    return list(seen)


def options(d: dict) -> tuple[list[str], list[str]]:
    """The country select's options (ISO3 codes) and labels (display names) in a spec (for tests)."""
    for p in d.get("params", []):
        if p.get("name") == PARAM:
            return list(p["bind"]["options"]), list(p["bind"].get("labels") or [])
    raise KeyError(f"no parameter {PARAM!r} in the spec")


def profile_data(d: dict) -> list[dict]:
    """The per-country rows inline in a spec (its dataset :data:`ROWS`)."""
    return d["datasets"][ROWS]


def headline(countries) -> dict[str, int]:
    """The page's headline numbers from :func:`iccwc.analysis.profiles.profile_countries`: countries with a
    profile, with a Toolkit status, with activities, where an instrument was adopted."""
    return {"countries with a profile": int(len(countries)),
            "with a Toolkit status": int((countries["toolkit_dates"] > 0).sum()),
            "with ICCWC activities": int((countries["activities"] > 0).sum()),
            "where a recognising instrument was adopted": int((countries["recognitions"] > 0).sum())}


def headline_html(numbers: dict[str, int]) -> str:
    """The headline numbers as the pages show them: ``<dl class="iccwc-headline">``, text escaped."""
    import html
    items = "".join(f"<div><dt>{html.escape(k)}</dt><dd>{int(v)}</dd></div>" for k, v in numbers.items())
    return f'<dl class="iccwc-headline">{items}</dl>'
