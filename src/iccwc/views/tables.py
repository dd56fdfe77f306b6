"""The document's Toolkit progress table, rebuilt from the data, and one country's progress.

:func:`progress_table` is the table as a DataFrame of text (check marks), for
printing; :func:`progress_table_html` is the same table for reading at a glance:
each row's done steps are filled with the colour of the country's stage (so a
row reads as a progress bar), with the stage named in the last column.
:func:`country_detail_html` is one country's step-by-step progress. :func:`show_table` shows any
table in a notebook as a text copy (for the notebook's tests) and as HTML.

All text from the data is escaped (:func:`iccwc.views.charts.base.escape`); styles are
inline so the HTML shows the same in an ``ipywidgets.HTML``, in JupyterLab and
in exported HTML.
"""
from __future__ import annotations

import pandas as pd

from iccwc.views.charts import base as charts
from iccwc.vocab import ACTION_PLAN, MARK_COLUMNS, STAGE_LEGEND, STEPS
from iccwc.analysis.overview import sources_table
from iccwc.analysis.toolkit_uptake import date_label, one_date, step_name

CHECK = "✓"
NOT_DONE = "·"      # in the text table, so columns stay aligned
UNKNOWN = "?"       # a step a status list does not give (stage "listed, steps unknown")
#: Column headers: step number and the document's step name (sentence case).
HEADERS = [(str(i), label.capitalize()) for i, (_, label) in enumerate(STEPS, 1)] + \
          [("", "Implementation of action plan recommendations")]
_FONT = "font-family:'DejaVu Sans',Arial,sans-serif;font-size:12px;color:#222"


def progress_table(df: pd.DataFrame) -> pd.DataFrame:
    """The document's table as text: one row per country (document order), ✓ or · per step, stage.

    Columns: country, "1" to "8" (the steps), "action plan" (implementation of its
    recommendations), stage.
    """
    one_date(df)
    out = pd.DataFrame({"country": df["country"].astype(str).tolist()})
    for (num, _), col in zip(HEADERS, MARK_COLUMNS):
        out[num if col != ACTION_PLAN else "action plan"] = [UNKNOWN if pd.isna(v) else CHECK if bool(v) else NOT_DONE
                                                             for v in df[col]]
    out["stage"] = df["stage"].astype(str).tolist()
    return out


_STICKY = "position:sticky;left:0;z-index:1;background:#fff;"


def progress_table_html(df: pd.DataFrame, selected: str | None = None, caption: str | None = None) -> str:
    """The progress table as styled HTML; ``selected`` (a country name) is outlined."""
    when = one_date(df)
    cap = caption if caption is not None else (
        "Implementation of the ICCWC Wildlife and Forest Crime Analytic Toolkit"
        + (f" (as of {date_label(when)})" if when is not None else ""))
    th = ("padding:4px 3px;border-bottom:2px solid #555;vertical-align:bottom;font-weight:bold;"
          "font-size:11px;line-height:1.15")
    # The Party column stays in view while the step columns scroll sideways on a narrow screen.
    head = [f'<th style="{th};text-align:left;min-width:8em;{_STICKY}">Party</th>']
    for num, label in HEADERS:
        title = f"Step {num}: {label}" if num else label
        head.append(f'<th style="{th};text-align:center;width:5.2em" title="{charts.escape(title)}">'
                    + (f"Step {num}<br>" if num else "")
                    + f'<span style="font-weight:normal">{charts.escape(label)}</span></th>')
    head.append(f'<th style="{th};text-align:left">Stage</th>')
    rows = []
    for _, r in df.iterrows():
        stage = str(r["stage"])
        bg = charts.STAGE_FILLS[stage]
        fg = charts.text_colour(bg)
        is_sel = selected is not None and str(r["country"]) == selected
        tr_style = "outline:2px solid #d55e00;outline-offset:-2px;" if is_sel else ""
        name = charts.escape(r["country"])
        cells = [f'<td style="padding:3px 6px;border-bottom:1px solid #ddd;white-space:nowrap;text-align:left;'
                 f'{_STICKY}{"font-weight:bold" if is_sel else ""}" data-iso3="{charts.escape(r["iso3"])}">{name}</td>']
        for col in MARK_COLUMNS:
            done = False if pd.isna(r[col]) else bool(r[col])       # unknown (a status list): "?"
            style = (f"background:{bg};color:{fg};" if done else "background:#fafafa;color:#bbb;")
            cells.append(f'<td style="{style}text-align:center;border:1px solid #fff;'
                         f'border-bottom:1px solid #ddd;padding:3px">'
                         f'{CHECK if done else UNKNOWN if pd.isna(r[col]) else ""}</td>')
        cells.append(f'<td style="padding:3px 6px;border-bottom:1px solid #ddd;white-space:nowrap;text-align:left" '
                     f'title="{charts.escape(STAGE_LEGEND[stage])}">'
                     f'<span style="display:inline-block;width:0.9em;height:0.9em;background:{bg};'
                     f'border:1px solid #555;vertical-align:-1px;margin-right:5px"></span>'
                     f'{charts.escape(stage)}</td>')
        rows.append(f'<tr data-country="{name}" data-stage="{charts.escape(stage)}" style="{tr_style}">'
                    + "".join(cells) + "</tr>")
    if not rows:
        rows.append(f'<tr><td colspan="{len(HEADERS) + 2}" style="padding:8px;color:#555">'
                    "No country matches the filters.</td></tr>")
    return (f'<div style="overflow-x:auto"><table class="iccwc-toolkit-table" '
            f'style="border-collapse:collapse;table-layout:auto;width:auto;{_FONT}">'
            f'<caption style="caption-side:top;text-align:left;font-weight:bold;padding:4px 0">'
            f'{charts.escape(cap)}</caption>'
            f"<thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def progress_table_rows(df: pd.DataFrame) -> list[list[str]]:
    """:func:`progress_table_html`'s table as text rows, header first: each step's mark as the table shows it
    (✓ done, ? unknown, empty not done). What the page's CSV download of that table holds."""
    head = ["Party"] + [f"Step {num} {label}" if num else label for num, label in HEADERS] + ["Stage"]
    rows = [head]
    for _, r in df.iterrows():
        marks = [UNKNOWN if pd.isna(r[c]) else CHECK if bool(r[c]) else "" for c in MARK_COLUMNS]
        rows.append([str(r["country"])] + marks + [str(r["stage"])])
    return rows


def progress_table_view(df: pd.DataFrame, caption: str | None = None):
    """:func:`progress_table_html` for a notebook cell, its rows (:func:`progress_table_rows`) recorded in the
    output's metadata for the page's CSV download."""
    from IPython.display import HTML
    return HTML(progress_table_html(df, caption=caption),
                metadata={charts.META: {"table": {"rows": progress_table_rows(df)}}})


def country_detail_html(df: pd.DataFrame, country: str | None) -> str:
    """One country's step-by-step progress (``country``: name as printed, or None for a prompt)."""
    if not country:
        return (f'<div style="{_FONT};color:#555;padding:4px">Choose a country in the list, '
                "or click one on the map, to see its step-by-step progress.</div>")
    when = one_date(df)
    hit = df[df["country"].astype(str) == country]
    if hit.empty:
        return (f'<div style="{_FONT};color:#555;padding:4px">{charts.escape(country)} is not among the '
                "countries shown with these filters.</div>")
    r = hit.iloc[0]
    stage = str(r["stage"])
    bg = charts.STAGE_FILLS[stage]
    if pd.isna(r["last_step"]):                 # a status list: the country is listed, its steps are not given
        as_of = f" as of {date_label(when)}" if when is not None else ""
        return (f'<div style="{_FONT};padding:4px"><div style="font-size:14px;font-weight:bold">'
                f'{charts.escape(r["country"])}</div><div>{charts.escape(STAGE_LEGEND[stage])}{charts.escape(as_of)}: '
                f'the status lists the country but gives no steps ({charts.escape(r["source_file"])}).</div></div>')
    last = int(r["last_step"])
    items = []
    for n, col in enumerate(MARK_COLUMNS, 1):
        done = bool(r[col])
        mark = (f'<span style="display:inline-block;width:1.3em;text-align:center;background:{bg};'
                f'color:{charts.text_colour(bg)}">{CHECK}</span>' if done else
                '<span style="display:inline-block;width:1.3em;text-align:center;color:#999;'
                'border:1px solid #ccc;box-sizing:border-box">&nbsp;</span>')
        items.append(f'<li style="list-style:none;margin:2px 0;{"" if done else "color:#777"}">'
                     f"{mark} {charts.escape(step_name(n))}</li>")
    nxt = ("All 8 steps done." if last >= 8 else
           f"Next step in the Toolkit's sequence: {charts.escape(step_name(last + 1))}.")
    as_of = f" as of {date_label(when)}" if when is not None else ""
    return (f'<div style="{_FONT};padding:4px">'
            f'<div style="font-size:14px;font-weight:bold">{charts.escape(r["country"])}</div>'
            f'<div>{charts.escape(r["region"])} · {charts.escape(r["document_region"])} (document grouping)</div>'
            f'<div style="margin:4px 0"><span style="display:inline-block;width:0.9em;height:0.9em;'
            f'background:{bg};border:1px solid #555;vertical-align:-1px;margin-right:5px"></span>'
            f"<b>{charts.escape(STAGE_LEGEND[stage])}</b>{charts.escape(as_of)}; last step: "
            f"{charts.escape(step_name(last))}</div>"
            f'<ul style="padding-left:0;margin:4px 0">{"".join(items)}</ul>'
            f'<div style="color:#555">{nxt} The document gives no dates for the steps.</div></div>')


def show_table(df: pd.DataFrame, *, index: bool = True, title: str | None = None, text=None) -> None:
    """Show a table in a notebook twice: printed as plain text, the copy the notebook's tests compare
    strictly (nbval), then displayed as an HTML table (:func:`iccwc.views.charts.base.table_html`: it
    reflows on a phone, and the shared page offers it as a CSV). ``title`` goes above both (bold above
    the HTML); ``text``: how to print the table (default ``df.to_string(index=index)``).

    Tag the cell ``text-copy`` (:data:`iccwc.site.reader.TEXT_COPY`): the shared page drops the
    printed copy, so each table is on the page once."""
    from IPython.display import Markdown, display
    if title:
        print(title)
    print(text(df) if text else df.to_string(index=index))
    if title:
        display(Markdown(f"**{title}**"))
    display(charts.table_view(df, index=index))


def sources_view(data_dir=None):
    """The sources table for display: full titles, short checksums, no index (escaped HTML)."""
    df = sources_table(data_dir).assign(sha256=lambda d: d["sha256"].str[:12] + "…")
    return (df.style.format(escape="html").hide(axis="index").set_uuid("sources")
            .set_properties(**{"text-align": "left", "white-space": "normal"}))


def reach_table(series: pd.DataFrame) -> pd.DataFrame:
    """The observations of the Toolkit's reach chart, in its order, with their sources: text only.

    ``series``: :func:`iccwc.analysis.toolkit_uptake.reach_series`. Columns: date (as precise as the
    source: "9 November 2015", "January 2016"), measure, count (the chart's label), qualifier (the
    source's words, "" when exact), basis ("status table" or "source's words"), source, quote.
    """
    def when(r) -> str:
        return date_label(r.when) if not r.month_only else pd.Timestamp(r.when).strftime("%B %Y")

    return pd.DataFrame({
        "date": [when(r) for r in series.itertuples(index=False)],
        "measure": series["measure"].astype(str).tolist(),
        "count": series["label"].astype(str).tolist(),
        "qualifier": series["qualifier"].astype(str).tolist(),
        "basis": series["basis"].astype(str).tolist(),
        "source": series["source"].astype(str).tolist(),
        "quote": series["quote"].astype(str).tolist(),
    }, columns=["date", "measure", "count", "qualifier", "basis", "source", "quote"])


def reach_table_html(series: pd.DataFrame) -> str:
    """:func:`reach_table` as a styled HTML table, every cell escaped."""
    return charts.table_html(reach_table(series), index=False)


def reach_table_view(series: pd.DataFrame):
    """:func:`reach_table` for a notebook cell, its rows recorded for the page's CSV download."""
    return charts.table_view(reach_table(series), index=False)


def partner_series_view(presence: pd.DataFrame):
    """The partner figures as a series, for display: one row per figure (partner, network, as of, the
    number as printed, whether it is the network's latest figure, source), as an escaped HTML table that
    reflows on a narrow screen (:func:`iccwc.views.charts.base.table_html`).

    ``presence``: :func:`iccwc.load_partner_presence`."""
    from iccwc.analysis.overview import partner_series
    s = partner_series(presence)
    df = pd.DataFrame({"partner": s["partner"], "network": s["network"], "as of": s["when"],
                       "figure": [f"{q} {n} {u}".strip() if q else f"{n} {u}"
                                  for q, n, u in zip(s["qualifier"], s["count"], s["unit"])],
                       "latest": ["latest" if x else "" for x in s["latest"]], "source": s["source"]})
    return charts.table_view(df, index=False)
