"""The notebooks' prose, written from the data: Markdown built from the analysis functions.

Every number, list and comparison a notebook states in its text comes from here, computed by
the same functions that compute its tables, so the story follows the data: add a later status
document, rebuild, and the sentences change with the numbers. Notebooks show a section's text
with ``display(Markdown(story.<function>(...)))``; their static Markdown cells keep only what
cannot go stale (titles, what a section shows, method).

What the SC66 document itself said is stated as the document's claim, and only where the data
hold its snapshot (:data:`iccwc.analysis.overview.SC66_CLAIMS`).

Numbers are written as digits, headline ones in bold; lists of names end with "and"; nouns
agree with their numbers ("1 country", "3 countries").

>>> import iccwc
>>> text = toolkit_headline(iccwc.load_toolkit(status_date="latest"))
>>> text.startswith("As of ")
True
"""
from __future__ import annotations

import pandas as pd

from iccwc.analysis import coverage, overview, recognition, snapshots
from iccwc.vocab import CHANGE_UNKNOWN, STEPS_UNKNOWN
from iccwc.analysis.toolkit_uptake import (complete_without_action_plan, countries_by_stage, date_label,
                                           funnel_counts, funnel_drops, stage_by_region, stall_counts,
                                           toolkit_summary)

# --------------------------------------------------------------------------- words


def plural(n: int, one: str, many: str | None = None) -> str:
    """``"1 country"``, ``"3 countries"`` (``many`` defaults to ``one + "s"``).

    >>> plural(1, "country", "countries"), plural(3, "country", "countries"), plural(0, "request")
    ('1 country', '3 countries', '0 requests')
    """
    return f"{n} {one if n == 1 else (many or one + 's')}"


def and_list(items, conj: str = "and") -> str:
    """``"A"``, ``"A and B"``, ``"A, B and C"`` (no Oxford comma, as the document writes).

    >>> and_list([]), and_list(["A"]), and_list(["A", "B"]), and_list(["A", "B", "C"], "or")
    ('', 'A', 'A and B', 'A, B or C')
    """
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conj} {items[-1]}"


def month_label(month: str | None) -> str:
    """``"2011-07"`` -> ``"July 2011"``.

    >>> month_label("2011-07")
    'July 2011'
    """
    return "" if month is None else pd.Timestamp(f"{month}-01").strftime("%B %Y")


def _b(n) -> str:
    return f"**{n}**"


def _names(names: list[str]) -> str:
    return f" ({and_list(names)})" if names else ""


# --------------------------------------------------------------------------- 00 overview


def overview_sc66(data_dir=None) -> str:
    """What the SC66 document said beside what the data say as of its date, or that the data do not hold it.

    >>> overview_sc66().startswith(("The SC66 document says", "The data do not hold"))
    True
    """
    check = overview.sc66_check(data_dir)
    when = date_label(overview.SC66_STATUS_DATE)
    if check is None:
        return (f"The data do not hold the Toolkit snapshot of the SC66 document (as of {when}), so its own "
                "numbers are not checked here.")
    c = check.set_index("claim")
    doc = c["document"]
    agree = bool(c["agree"].all())
    said = (f"The SC66 document says that, as of {when}, {_b(doc['toolkit_requests'])} requests for Toolkit "
            f"implementation had been received, implementation had been completed in {_b(doc['toolkit_complete'])} "
            f"countries and was at different stages in {_b(doc['toolkit_under_way'])}. It lists "
            f"{_b(doc['recognitions'])} examples of recognition of ICCWC, from {month_label(doc['first_recognition'])} "
            f"to {month_label(doc['last_recognition'])}, and the national networks of {_b(doc['partners'])} partners.")
    if agree:
        return said + f" The data as of {when} agree on every one of these numbers."
    differ = [f"{k.replace('_', ' ')}: the document {r.document}, the data {r.data}"
              for k, r in c.iterrows() if not r.agree]
    return said + f" The data as of {when} differ: {'; '.join(differ)}."


def overview_headline(data_dir=None, status_date="latest") -> str:
    """The headline paragraph for one status date (default the latest in the data).

    >>> overview_headline().startswith("As of ")
    True
    """
    h = overview.headline(data_dir, status_date=status_date)
    n_dates = len(snapshots.snapshot_dates(_toolkit_all(data_dir)))
    first = "the only status date" if n_dates == 1 else "the latest of " + plural(n_dates, "status date")
    unknown = h.get("toolkit_steps_unknown", 0)
    asked = (f"As of {date_label(h['status_date'])} ({first} in the data), {_b(h['toolkit_requests'])} "
             f"{'country' if h['toolkit_requests'] == 1 else 'countries'} had asked for the Analytic Toolkit")
    if unknown and unknown == h["toolkit_requests"]:
        progress = (": the status list gives no steps for any of them, so how many had completed the 8 steps "
                    "is not known. ")
    else:
        progress = (f": {_b(h['toolkit_complete'])} had completed all 8 steps and {_b(h['toolkit_under_way'])} "
                    f"{'was' if h['toolkit_under_way'] == 1 else 'were'} under way"
                    + (f"; the steps of {_b(unknown)} more are not known (a status list gives none)" if unknown else "")
                    + ". ")
    return (asked + progress + "The data hold "
            f"{_b(h['recognitions'])} {'instrument' if h['recognitions'] == 1 else 'instruments'} recognising ICCWC "
            f"({month_label(h['first_recognition'])} to {month_label(h['last_recognition'])}), the networks of "
            f"{_b(h['partners'])} partners, and {_b(h['iccwc_documents'])} ICCWC documents and reports.")


def _figure(count, qualifier, unit) -> str:
    return f"{_b(f'{qualifier} {count}' if qualifier else count)} {unit}"


def overview_partners(data_dir=None, presence: pd.DataFrame | None = None) -> str:
    """The partner figures as a series: how many, over which dates, and each network's latest figure
    with its date (and, where the series holds several, how it compares with the first).

    ``presence``: the rows to describe (default ``load_partner_presence(data_dir)``).

    >>> overview_partners().startswith("The data hold ")
    True
    """
    from iccwc.data.load import load_partner_presence
    pp = load_partner_presence(data_dir) if presence is None else presence
    s = overview.partner_series(pp)
    latest = overview.latest_partner_figures(pp)
    n_partners = int(s["partner"].nunique())
    first, last = s.loc[s["date"].idxmin(), "when"], s.loc[s["date"].idxmax(), "when"]
    out = [f"The data hold {_b(len(s))} partner {'figure' if len(s) == 1 else 'figures'} for "
           f"{_b(len(latest))} {'network' if len(latest) == 1 else 'networks'} of {_b(n_partners)} "
           f"{'partner' if n_partners == 1 else 'partners'}, from {first} to {last}. Each network's latest "
           "figure, as of the date its source gives:", ""]
    for partner, g in latest.groupby("partner", sort=False):
        parts = []
        for r in g.itertuples(index=False):
            text = f"{r.network}: {_figure(r.count, r.qualifier, r.unit)} (as of {r.when}"
            if r.figures > 1:
                first_row = s[(s["partner"] == r.partner) & (s["network"] == r.network)].iloc[0]
                change = ("up from" if r.count > first_row["count"] else
                          "down from" if r.count < first_row["count"] else "the same as")
                text += (f"; {change} {_figure(first_row['count'], first_row['qualifier'], first_row['unit'])} "
                         f"as of {first_row['when']}, {r.figures} figures in all")
            parts.append(text + ")")
        out.append(f"- **{partner}**: " + "; ".join(parts) + ".")
    return "\n".join(out)


def _toolkit_all(data_dir=None) -> pd.DataFrame:
    from iccwc.data.load import load_toolkit
    return load_toolkit(data_dir)


# --------------------------------------------------------------------------- 01 Toolkit uptake


def _where(region: str | None) -> str:
    return f" in {region}" if region else ""


def _steps_unknown(shown: pd.DataFrame) -> str:
    """A sentence on the countries a status list names without steps ("" when there are none)."""
    names = shown.loc[shown["stage"].astype(str) == STEPS_UNKNOWN, "country"].astype(str).tolist()
    if not names:
        return ""
    one = len(names) == 1
    return (f" The steps of {_b(len(names))} {'country' if one else 'countries'} ({and_list(sorted(names))}) are "
            f"not known: {'its' if one else 'their'} status is a list that gives a Toolkit year but no steps, so "
            f"{'it counts' if one else 'they count'} as {'a request' if one else 'requests'} only, neither "
            "complete nor under way, and at no step.")


def toolkit_headline(shown: pd.DataFrame, region: str | None = None, sc66: pd.DataFrame | None = None) -> str:
    """Requests, complete and under way for the snapshot shown, the action plan; the SC66 claim if given.

    ``shown``: one snapshot (possibly one region's rows); ``sc66``: the SC66 snapshot (all
    regions), or None when the data do not hold it.
    """
    s = toolkit_summary(shown)
    when = date_label(s["status_date"]) if s["status_date"] else "the status date shown"
    n, c, u, ap = s["requests"], s["complete"], s["under_way"], s["action_plan"]
    out = [f"As of {when}, {_b(n)} {'country' if n == 1 else 'countries'}{_where(region)} had asked for the "
           f"Analytic Toolkit: "
           + (f"{_b(c)} had completed all 8 steps and {_b(u)} {'was' if u == 1 else 'were'} under way."
              if c and u else f"{'it' if c == 1 else f'all {_b(c)}'} had completed all 8 steps." if c else f"none had completed all 8 steps yet, and all {_b(u)} were under way.")]
    if s["steps_unknown"]:                    # a status list: the sentence above does not hold; say what is known
        out = [f"As of {when}, {_b(n)} {'country' if n == 1 else 'countries'}{_where(region)} had asked for the "
               f"Analytic Toolkit: {_b(c)} had completed all 8 steps and {_b(u)} {'was' if u == 1 else 'were'} "
               f"under way." + _steps_unknown(shown)]
    if c:
        missing = complete_without_action_plan(shown)
        if ap == c:
            out.append(f"{'The complete country is' if c == 1 else f'All {_b(c)} complete countries are'} also "
                       "implementing the action plan's recommendations.")
        else:
            head = (f"Of the {c} complete countries, {_b(ap)} {'is' if ap == 1 else 'are'} also implementing the "
                    "action plan's recommendations" if ap else
                    f"None of the {c} complete countries is marked as implementing the action plan's recommendations")
            if missing and ap:
                one = len(missing) == 1
                head += (f"; {and_list(missing)} {'has' if one else 'have'} presented {'its' if one else 'their'} "
                         f"report{'' if one else 's'} (step 8) without that column marked")
            out.append(head + ".")
    if sc66 is not None:
        out.append(toolkit_sc66_check(sc66, region))
    return " ".join(out)


def toolkit_sc66_check(sc66: pd.DataFrame, region: str | None = None) -> str:
    """What the SC66 document said of the Toolkit in its own words, and whether its table agrees.

    ``sc66``: the SC66 snapshot (all regions); ``region``: the region the page shows, if any.
    """
    d = overview.SC66_CLAIMS
    t = toolkit_summary(sc66)
    agree = (t["requests"], t["complete"], t["under_way"]) == (
        d["toolkit_requests"], d["toolkit_complete"], d["toolkit_under_way"])
    sc_when = date_label(t["status_date"])
    said = (f"The SC66 document said that {_b(d['toolkit_requests'])} requests had been received, that "
            f"implementation had been completed in {_b(d['toolkit_complete'])} countries and that it was at "
            f"different stages in {_b(d['toolkit_under_way'])}")
    if agree:
        return said + f"; its table as of {sc_when} agrees" + (" (all regions)." if region else ".")
    return said + f"; its table as of {sc_when} says {t['requests']}, {t['complete']} and {t['under_way']}."


#: How the funnel sentence says that a country reached each step (9: the action-plan column).
_REACHED = {1: "made a request", 2: "nominated a focal point", 3: "did the preparatory work",
            4: "held the initial meeting", 5: "had the in-country mission", 6: "had a draft report",
            7: "had an action plan", 8: "presented it (step 8)",
            9: "are implementing the action plan's recommendations"}


def _between(a: int, b: int) -> str:
    return f"between steps {a} and {b}" if b <= 8 else f"between step {a} and implementing the action plan"


def toolkit_funnel(shown: pd.DataFrame, region: str | None = None, counts: bool = True) -> str:
    """How many countries reached each step, and where the funnel narrows most.

    ``counts=False``: only where the funnel narrows (for a page that shows the counts beside it, in a
    chart and its table)."""
    f = funnel_counts(shown)
    reached = dict(zip(f["step_number"].astype(int), f["countries"].astype(int)))
    when = date_label(toolkit_summary(shown)["status_date"]) if len(shown) else "the status date shown"
    parts = [f"{'all ' if k == 1 and reached[1] > 1 else ''}{_b(reached[k])} {_REACHED[k]}" for k in range(1, 10)]
    text = (f"As of {when}{_where(region)}: {and_list(parts)}." if counts else "") + _steps_unknown(shown)
    d = funnel_drops(shown)
    top = int(d["fewer"].max()) if len(d) else 0
    if top <= 0:
        return (text + " No step has fewer countries than the one before.").strip()
    most = [_between(int(r.from_step), int(r.to_step)) for r in d.itertuples() if r.fewer == top]
    text += (f" The funnel narrows most {and_list(most)} ({_b(top)} {'country' if top == 1 else 'countries'} fewer"
             f"{' each' if len(most) > 1 else ''}).")
    none = [_between(int(r.from_step), int(r.to_step)) for r in d.itertuples() if r.fewer == 0]
    lose = [r for r in d.itertuples() if 0 < r.fewer < top]
    if none and not lose:
        text += " No country drops out at any other step."
    elif none and len(none) <= 3:
        text += f" No country drops out {and_list(none, 'or')}."
    return text.strip()


#: Where a country whose last step is n stands, said after its count.
_STOPPED = {2: "after nominating a focal point", 3: "after the preparatory work", 4: "after the initial meeting"}
_IN_PROCESS = {5: ("has had the in-country mission but no draft report yet",
                   "have had the in-country mission but no draft report yet"),
               6: ("has a draft report but no action plan yet", "have a draft report but no action plan yet"),
               7: ("has an action plan not yet presented", "have an action plan not yet presented")}


def toolkit_stalls(shown: pd.DataFrame) -> str:
    """Where the countries under way stand: by last step, with their names."""
    st = stall_counts(shown).set_index("last_step")
    s = toolkit_summary(shown)
    u = s["under_way"]
    if u == 0 and s["steps_unknown"]:
        return "No country is known to be under way." + _steps_unknown(shown)
    if u == 0:
        return (f"No country is under way: all {plural(s['requests'], 'country', 'countries')} shown "
                f"{'has' if s['requests'] == 1 else 'have'} completed all 8 steps." if s["requests"] else
                "No country is shown.")
    names = {k: [x for x in str(st.loc[k, "names"]).split(", ") if x] for k in st.index}
    count = {k: int(st.loc[k, "countries"]) for k in st.index}
    planning = sum(count[k] for k in (2, 3, 4))
    out = []
    first = f"Of the {_b(u)} {'country' if u == 1 else 'countries'} under way, "
    if planning:
        parts = [f"{_b(count[k])} {'stopped ' if i == 0 else ''}{_STOPPED[k]}{_names(names[k])}"
                 for i, k in enumerate(k for k in (2, 3, 4) if count[k])]
        out.append(first + f"{_b(planning)} {'is' if planning == 1 else 'are'} in the planning phase: "
                   + and_list(parts) + ".")
    else:
        out.append(first + "none is in the planning phase.")
    for k in (5, 6, 7):
        if count[k]:
            out.append(f"{and_list(names[k])} ({_b(count[k])}) {_IN_PROCESS[k][0 if count[k] == 1 else 1]}.")
    if count[1]:
        one = count[1] == 1
        out.append(f"{and_list(names[1])} {'has' if one else 'have'} made {'its' if one else 'their'} request only.")
    empty = [str(k) for k in range(1, 8) if count[k] == 0]
    if empty:
        out.append(f"No country stands at step {and_list(empty, 'or')}.")
    return " ".join(out)


#: A stage as said after a count in the region sentences.
_STAGE_SAID = {"request received": "only requested", "planning phase": "in the planning phase",
               "in process": "in process", "complete": "complete"}
_STAGE_SAID[STEPS_UNKNOWN] = "listed with steps unknown"       # a status list's countries


def _breakdown(row: pd.Series) -> str:
    stages = [s for s in _STAGE_SAID if int(row.get(s, 0))]
    if len(stages) == 1:
        return ("all " if int(row["total"]) > 1 else "") + _STAGE_SAID[stages[0]]
    return and_list(f"{int(row.get(s, 0))} {_STAGE_SAID[s]}" for s in stages)


def toolkit_regions(shown: pd.DataFrame, counts: bool = True) -> str:
    """Requests by continent and by the document's grouping, with their stages.

    ``counts=False``: only the findings (which grouping is all complete, where the planning phase holds
    most), for a page that shows the counts beside it."""
    if shown.empty:
        return "No country is shown."
    n = len(shown)
    cont = stage_by_region(shown)
    parts = [f"{region} {_b(int(r['total']))} ({_breakdown(r)})" for region, r in cont.iterrows()]
    out = [f"By continent, of the {plural(n, 'request')}: {and_list(parts)}."] if counts else []
    grouped = stage_by_region(shown, "document_region")
    gparts = [f"{'the ' if g == 'Americas' else ''}{g} {_b(int(r['total']))}" for g, r in grouped.iterrows()]
    if counts:
        out.append(f"In the grouping the document uses for its Part 4 maps: {and_list(gparts)}.")
    done = [g for g, r in grouped.iterrows() if int(r["complete"]) == int(r["total"])]
    if len(grouped) > 1:
        if len(done) == 1:
            out.append(f"{done[0]} is the only grouping where every request is complete.")
        elif done:
            out.append(f"Every request is complete in {and_list(done)}.")
        else:
            out.append("No grouping has every request complete.")
    plan = grouped["planning phase"]
    if int(plan.max()) > 0:
        g = plan.idxmax()
        out.append(f"The planning phase holds most countries in {g}: {_b(int(plan.max()))} of "
                   f"{int(grouped.loc[g, 'total'])}.")
    return " ".join(out)


def _change_items(rows: pd.DataFrame, how) -> str:
    return and_list(f"{r.country} ({how(r)})" for r in rows.itertuples())


def _step_or_unknown(step, known: str) -> str:
    return "steps unknown" if pd.isna(step) else known


#: The lines of toolkit_progress, one per kind of change, in order: (change, its heading for n
#: countries, how one country's change is said).
_PROGRESS_LINES = (
    ("new request", lambda n: plural(n, "new request"),
     lambda r: _step_or_unknown(r.to_step, f"step {r.to_step}")),
    (CHANGE_UNKNOWN, lambda n: f"{plural(n, 'country', 'countries')} listed at both dates, steps unknown at one "
                               "of them (a status list), so whether they moved is not known",
     lambda r: f"{r.from_step_label} to {r.to_step_label}"),
    ("completed", lambda n: f"{plural(n, 'country', 'countries')} completed all 8 steps",
     lambda r: f"from step {r.from_step}"),
    ("advanced", lambda n: f"{plural(n, 'country', 'countries')} advanced",
     lambda r: f"step {r.from_step} to {r.to_step}"),
    ("went back", lambda n: f"{plural(n, 'country', 'countries')} went back",
     lambda r: f"step {r.from_step} to {r.to_step}"),
    ("no longer listed", lambda n: f"{plural(n, 'country', 'countries')} no longer listed",
     lambda r: _step_or_unknown(r.from_step, f"was at step {r.from_step}")),
)


def toolkit_progress(toolkit: pd.DataFrame, before="previous", after="latest") -> str:
    """Progress between two snapshots, country by country; or that the data hold one snapshot only.

    ``toolkit``: every status date (``load_toolkit(status_date=None)``).
    """
    dates = snapshots.snapshot_dates(toolkit)
    if len(dates) < 2:
        only = date_label(dates[0]) if dates else "none"
        return (f"The data hold one Toolkit snapshot only (as of {only}), so there is no progress between "
                "snapshots to show.")
    p = snapshots.progress(toolkit, before, after)
    old = toolkit_summary(snapshots.snapshot(toolkit, p.before))
    new = toolkit_summary(snapshots.snapshot(toolkit, p.after))
    out = [f"Between {date_label(p.before)} and {date_label(p.after)}, the requests went from {_b(old['requests'])} "
           f"to {_b(new['requests'])}, the countries complete from {_b(old['complete'])} to {_b(new['complete'])} "
           f"and those under way from {_b(old['under_way'])} to {_b(new['under_way'])}."]
    for when, side in ((p.before, old), (p.after, new)):
        if side.get("steps_unknown"):      # a status list: complete and under way are not known for these
            out[0] += (f" The status of {date_label(when)} gives no steps for {_b(side['steps_unknown'])} of its "
                       f"{_b(side['requests'])} countries, so they are counted in neither.")
    c = p.changes
    items = []
    for kind, head, how in _PROGRESS_LINES:
        k = c[c["change"].astype(str) == kind]
        if len(k):
            items.append(head(len(k)) + ": " + _change_items(k, how))
    unchanged = int((c["change"].astype(str) == "unchanged").sum())
    items.append(f"{plural(unchanged, 'country', 'countries')} unchanged")
    out.append("Country by country:\n\n" + "\n".join(f"- {i}" for i in items))
    return " ".join(out[:1]) + " " + out[1]


def toolkit_summary_md(toolkit: pd.DataFrame, shown: pd.DataFrame, region: str | None = None,
                       sc66: pd.DataFrame | None = None) -> str:
    """The notebook's Summary: one bullet per section, all from the data."""
    s = toolkit_summary(shown)
    when = date_label(s["status_date"]) if s["status_date"] else "the status date shown"
    by = countries_by_stage(shown)
    bullets = []
    agree = ""
    if sc66 is not None and region is None and s["status_date"] == toolkit_summary(sc66)["status_date"]:
        d = overview.SC66_CLAIMS
        if (s["requests"], s["complete"], s["under_way"]) == (d["toolkit_requests"], d["toolkit_complete"],
                                                                d["toolkit_under_way"]):
            agree = ", as the SC66 document says"
    first = (f"As of {when}, {_b(s['requests'])} {'country' if s['requests'] == 1 else 'countries'}{_where(region)} "
             f"had asked for the Analytic Toolkit: ")
    if s["complete"] and s["under_way"]:
        first += (f"{_b(s['complete'])} had completed all 8 steps{_names(by['complete'])} and {_b(s['under_way'])} "
                  f"{'was' if s['under_way'] == 1 else 'were'} under way{agree}.")
    elif s["complete"]:
        first += f"{'it' if s['complete'] == 1 else 'all'} had completed all 8 steps{_names(by['complete'])}{agree}."
    elif s.get("steps_unknown", 0) == s["requests"] and s["requests"]:
        first += "how many had completed the 8 steps is not known."
    else:
        first += f"none had completed all 8 steps yet{agree}."
    first += _steps_unknown(shown)

    if s["complete"]:
        first += (f" Of these, {_b(s['action_plan'])} {'is' if s['action_plan'] == 1 else 'are'} "
                  "implementing the action plan's recommendations.")
    bullets.append(first)
    f = dict(zip(funnel_counts(shown)["step_number"].astype(int), funnel_counts(shown)["countries"].astype(int)))
    unknown = int(s.get("steps_unknown", 0))
    if unknown and unknown == s["requests"]:
        bullets.append("The funnel is not known: the status list gives no steps.")
    else:
        bullets.append(f"The funnel: {plural(f[1], 'request')}, {plural(f[2], 'focal point')}, {f[3]} with "
                       f"preparatory work, {plural(f[4], 'initial meeting')}, {plural(f[5], 'in-country mission')}, "
                       f"{plural(f[6], 'draft report')}, {plural(f[7], 'action plan')} and {f[8]} presented"
                       + (f" (not counting the {unknown} whose steps are not known)" if unknown else "") + ".")
    planning = len(by["planning phase"])
    if s["under_way"]:
        bullets.append(f"Of the {s['under_way']} countries under way, {_b(planning)} "
                       f"{'is' if planning == 1 else 'are'} in the planning phase (last step 2 to 4); the table has "
                       "no dates, so it cannot say how long they have been there.")
    if len(shown):
        cont = stage_by_region(shown)
        top = cont["total"].idxmax()
        plan = int(cont.loc[top, "planning phase"])
        if len(cont) == 1:
            line = (f"The request is from {top}" if len(shown) == 1 else
                    f"All {_b(len(shown))} requests are from {top}")
        else:
            line = f"{top} holds {_b(int(cont.loc[top, 'total']))} of the {plural(len(shown), 'request')}"
        if plan:
            line += f", {plan} of them in the planning phase"

        full = [r for r, row in cont.iterrows() if int(row["complete"]) == int(row["total"]) and r != top]
        if full:
            line += ("; every request from " + and_list(f"{r} ({_b(int(cont.loc[r, 'total']))})" for r in full)
                     + " is complete")
        bullets.append(line + ".")
    progress = toolkit_progress_short(toolkit)
    bullets.append(f"For all regions, {progress[0].lower()}{progress[1:]}" if region else progress)
    return "\n".join(f"- {b}" for b in bullets)


def toolkit_progress_short(toolkit: pd.DataFrame) -> str:
    """One sentence on progress between the last two snapshots (for a summary)."""
    dates = snapshots.snapshot_dates(toolkit)
    if len(dates) < 2:
        only = date_label(dates[0]) if dates else "none"
        return (f"The data hold one Toolkit snapshot (as of {only}), so there is no progress between snapshots "
                "to show; section 7 lists the changes once a later status document is added.")
    p = snapshots.progress(toolkit)
    c = p.changes
    parts = []
    for kind, one, many in (("new request", "new request", "new requests"), ("completed", "completion", "completions"),
                            ("advanced", "country advanced", "countries advanced"),
                            ("went back", "country went back", "countries went back"),
                            (CHANGE_UNKNOWN, "country whose steps are not known on one side",
                             "countries whose steps are not known on one side"),
                            ("no longer listed", "country no longer listed", "countries no longer listed")):
        names = c.loc[c["change"].astype(str) == kind, "country"].tolist()
        if names:
            parts.append(f"{plural(len(names), one, many)} ({and_list(names)})")
    return (f"Between {date_label(p.before)} and {date_label(p.after)}: "
            + (and_list(parts) if parts else "no country changed") + ".")


# --------------------------------------------------------------------------- 02 recognition

#: How an instrument type is counted in a sentence: (one, many).
_TYPE_WORDS = {"recommendations": ("set of recommendations", "sets of recommendations"),
               "urgent measures": ("set of urgent measures", "sets of urgent measures")}


def _type_count(kind: str, n: int) -> str:
    one, many = _TYPE_WORDS.get(kind, (kind, kind + "s"))
    return plural(n, one, many)


def _instruments(n: int) -> str:
    return "instrument" if n == 1 else "instruments"


def _per_year(counts, bold: bool = False) -> str:
    """Every year from the first to the last of ``counts`` (year -> n): "3 in 2013, none in 2014 and 2 in
    2015"; the numbers in bold with ``bold``."""
    counts = {int(y): int(n) for y, n in dict(counts).items()}
    shown = _b if bold else str
    return and_list(f"{shown(counts[y])} in {y}" if y in counts else f"none in {y}"
                    for y in range(min(counts), max(counts) + 1))


#: How recognition_toolkit counts the instruments of each category that name the Toolkit: (one, many).
_TOOLKIT_CATEGORY_WORDS = {
    "governing bodies of ICCWC partner organizations": (
        "from the governing bodies of ICCWC partner organizations",) * 2,
    "global declarations and statements": ("global declaration or statement", "global declarations or statements"),
    "regional declarations and statements": ("regional declaration or statement",
                                             "regional declarations or statements"),
}


def recognition_timeline(rec: pd.DataFrame) -> str:
    """How many instruments, from when to when, in which of the document's categories."""
    s = recognition.summary(rec)
    if not s["instruments"]:
        return "The data hold no instrument recognising ICCWC."
    srt = rec.sort_values(["date", "id"], kind="stable")
    cats = s["by_category"]
    short = {"governing bodies of ICCWC partner organizations": "adopted by the governing bodies of ICCWC partner "
             "organizations", "global declarations and statements": "global declarations and statements",
             "regional declarations and statements": "regional declarations and statements"}
    parts = [f"{_b(n)} {short.get(c, c)}" for c, n in cats.items() if n]
    return (f"The data hold {_b(s['instruments'])} {_instruments(s['instruments'])}, from "
            f"{_b(month_label(s['first']))} ({srt['instrument'].iloc[0]}) to {_b(month_label(s['last']))} "
            f"({srt['instrument'].iloc[-1]}), in {plural(sum(1 for n in cats.values() if n), 'group')}: "
            f"{and_list(parts)}. {recognition_sources(rec)}")


def recognition_sources(rec: pd.DataFrame) -> str:
    """Which source the instruments come from: the SC66 list (its own count and span) and any later source."""
    if rec.empty:
        return "The data hold no instrument recognising ICCWC."
    labels = recognition.source_label(rec)
    parts = []
    for label, n in recognition.summary(rec)["by_source"].items():
        rows = rec[labels == label]
        span = (month_label(rows["date"].min()) if rows["date"].min() == rows["date"].max()
                else f"{month_label(rows['date'].min())} to {month_label(rows['date'].max())}")
        what = {recognition.SC66_LIST: "the SC66 document's list (CITES SC66, January 2016)",
                recognition.NEWS_ITEMS: "the ICCWC website's news items"}.get(label, label)
        parts.append(f"{_b(n)} from {what}, {span}")
    out = f"By source: {'; '.join(parts)}."
    basis = rec["category_basis"].astype(str).value_counts()
    other = int(len(rec) - basis.get("heading", 0))
    if other:
        how = []
        if basis.get("issuing body", 0):
            how.append(f"{_b(int(basis['issuing body']))} like the same body's instruments under a heading")
        if basis.get("curated", 0):
            how.append(f"{_b(int(basis['curated']))} by the curator's reading of the issuing body")
        out += (f" {plural(other, 'instrument')} {'sits' if other == 1 else 'sit'} under no heading of the "
                f"SC66 document, so {'its' if other == 1 else 'their'} group is assigned: {and_list(how)}.")
    return out


def recognition_growth(rec: pd.DataFrame) -> str:
    """Instruments per year (years with none named), the busiest month and the running total."""
    s = recognition.summary(rec)
    if not s["instruments"]:
        return "The data hold no instrument recognising ICCWC."
    cum = recognition.monthly_cumulative(rec)
    busiest = cum.loc[cum["new"].idxmax()]
    month = busiest["month"].strftime("%Y-%m")
    names = rec.loc[rec["date"] == month].sort_values("id")["instrument"].tolist()
    out = [f"By year of adoption: {_per_year(s['by_year'], bold=True)}."]
    if int(busiest["new"]) > 1:
        out.append(f"The busiest month is {month_label(month)}, with {_b(int(busiest['new']))} instruments "
                   f"({and_list(names)}).")
    out.append(f"The running total reaches {_b(int(cum['cumulative'].iloc[-1]))} in "
               f"{month_label(cum['month'].iloc[-1].strftime('%Y-%m'))}.")
    return " ".join(out)


def recognition_bodies(rec: pd.DataFrame) -> str:
    """How many bodies adopted the instruments, which did so more than once, and the kinds of instrument."""
    s = recognition.summary(rec)
    bodies = recognition.counts_by(rec, "issuing_body_short")
    again = bodies[bodies > 1]
    n = s["instruments"]
    out = [f"The {plural(n, 'instrument')} {'was' if n == 1 else 'were'} adopted by {_b(len(bodies))} "
           f"{'body or meeting' if len(bodies) == 1 else 'bodies or meetings'}"]
    if len(again):
        listed = and_list(f"{b} ({_b(int(k))})" for b, k in again.items())
        out[0] += f"; only {listed} {'appears' if len(again) == 1 else 'appear'} more than once."

    else:
        out[0] += "; none appears more than once."
    kinds = and_list(f"{_b(k)} {_type_count(t, k).split(' ', 1)[1]}" for t, k in s["by_type"].items())
    out.append(f"By kind: {kinds}.")
    return " ".join(out)


def recognition_toolkit(rec: pd.DataFrame) -> str:
    """When the Analytic Toolkit was first named, and by how many instruments of which category."""
    s = recognition.summary(rec)
    if not s["toolkit"]:
        return "None of the instruments in the data names the Analytic Toolkit."
    named = recognition.toolkit_instruments(rec)
    cats = named["category"].value_counts()
    parts = [f"{_b(int(cats[c]))} {one if int(cats[c]) == 1 else many}"
             for c, (one, many) in _TOOLKIT_CATEGORY_WORDS.items() if c in cats]
    return (f"The Toolkit is first named in {_b(month_label(s['toolkit_first_month']))}, in "
            f"{and_list(s['toolkit_first'])}. By {month_label(s['last'])}, {_b(s['toolkit'])} of the "
            f"{plural(s['instruments'], 'instrument')} name it: {and_list(parts)}.{_toolkit_unknown(s)}")


def _toolkit_unknown(s: dict) -> str:
    """' For N, ... the source cannot tell ...' when some instruments' sources cannot tell (issue 26)."""
    n = s.get("toolkit_unknown", 0)
    return (f" For {_b(n)} more, known only from a news item, the source cannot tell whether "
            f"{'it names' if n == 1 else 'they name'} it (shown as unknown, counted neither way).") if n else ""


def recognition_themes(rec: pd.DataFrame) -> str:
    """Which species or commodities the instruments single out, and how often."""
    s = recognition.summary(rec)
    if not s["with_theme"]:
        return "None of the instruments names a species or commodity in its title or quoted text."
    themes = recognition.theme_counts(rec)
    unknown = s.get("themes_unknown", 0)          # known only from a news item: the item cannot tell
    other = s["instruments"] - s["with_theme"]
    out = [f"Of the {plural(s['instruments'], 'instrument')}, {_b(s['with_theme'])} name a species or commodity in "
           f"their title or quoted text; the other {_b(other)} speak of wildlife crime in general."
           if not unknown else
           f"Of the {plural(s['instruments'], 'instrument')}, {_b(s['with_theme'])} name a species or commodity in "
           f"their title or quoted text; of the other {_b(other)}, {_b(other - unknown)} speak of wildlife crime in "
           f"general and for {_b(unknown)}, known only from a news item, the item's words cannot tell."]
    twice = themes[themes["instruments"] > 1]
    once = themes[themes["instruments"] == 1]["theme"].tolist()
    if len(twice):
        listed = and_list(f"{r.theme} ({_b(int(r.instruments))} instruments)" for r in twice.itertuples())
        out.append(f"Named more than once: {listed}.")
    if once:
        out.append(f"Named once each: {and_list(once)}.")
    return " ".join(out)


def recognition_places(rec: pd.DataFrame) -> str:
    """Where the texts with a place were adopted, and how many have none stated."""
    s = recognition.summary(rec)
    placed = rec[recognition.has_place(rec)].sort_values(["date", "id"], kind="stable")
    places = list(dict.fromkeys(placed["place"].astype(str)))
    out = []
    if places:
        out.append(f"The data give a place of adoption for {_b(s['with_place'])} "
                   f"{_instruments(s['with_place'])}, in {plural(len(places), 'place')}: {and_list(places)}.")
    if s["without_place"]:
        out.append(f"The other {_b(s['without_place'])} have no place stated in their source, so they are listed "
                   "apart rather than placed on the map.")
    return " ".join(out) or "The data hold no instrument."


def recognition_reporting(docs: pd.DataFrame) -> str:
    """ICCWC's own documents and reports: how many, from when to when, of which kind, by year."""
    if docs.empty:
        return "The data hold no ICCWC document or report."
    d = docs.sort_values(["month", "number"], kind="stable") if "month" in docs else docs.sort_values("date")
    kinds = docs["document_type"].value_counts()
    kind_words = and_list(f"{_b(int(n))} {t if n == 1 else t + 's'}" for t, n in kinds.items())
    per_year = _per_year(docs.groupby("year").size())
    return (f"The data list {_b(len(docs))} ICCWC {'document or report' if len(docs) == 1 else 'documents and reports'}, "
            f"from {d['symbol'].iloc[0]} ({month_label(d['date'].iloc[0])}) to {d['symbol'].iloc[-1]} "
            f"({month_label(d['date'].iloc[-1])}): {kind_words}. By year: {per_year}.")


def recognition_summary_md(rec: pd.DataFrame, docs: pd.DataFrame) -> str:
    """The notebook's Summary, one bullet per finding, all from the data."""
    s = recognition.summary(rec)
    if not s["instruments"]:
        return "- The data hold no instrument recognising ICCWC."
    per_year = _per_year(s["by_year"])
    bullets = [f"The data hold {_b(s['instruments'])} {_instruments(s['instruments'])} recognising ICCWC, "
               f"{_b(month_label(s['first']))} to {_b(month_label(s['last']))}: {per_year}.",
               recognition_sources(rec)]
    cats = s["by_category"]
    bodies = recognition.counts_by(rec, "issuing_body_short")
    bullets.append(f"Of these, {_b(cats.get('governing bodies of ICCWC partner organizations', 0))} come from governing bodies "
                   f"of ICCWC partner organizations, {_b(cats.get('global declarations and statements', 0))} are "
                   f"global and {_b(cats.get('regional declarations and statements', 0))} regional declarations and "
                   f"statements, adopted by {plural(len(bodies), 'body or meeting', 'bodies or meetings')}.")
    if s["toolkit"]:
        bullets.append(f"The Analytic Toolkit is first named in {_b(month_label(s['toolkit_first_month']))} "
                       f"({and_list(s['toolkit_first'])}); {_b(s['toolkit'])} of the {s['instruments']} name it."
                       f"{_toolkit_unknown(s)}")
    if s["with_theme"]:
        themes = recognition.theme_counts(rec)
        bullets.append(f"Species or commodities singled out by {_b(s['with_theme'])} {_instruments(s['with_theme'])}: "
                       + and_list(f"{r.theme}" + (f" ({r.instruments} instruments)" if r.instruments > 1 else "")
                                  for r in themes.itertuples()) + ".")
    if s["with_place"]:
        placed = rec[recognition.has_place(rec)].sort_values(["date", "id"], kind="stable")
        bullets.append(f"The {_b(s['with_place'])} texts with a place were adopted in "
                       f"{and_list(dict.fromkeys(placed['place'].astype(str)))}; their sources state no place for "
                       f"the other {s['without_place']}.")
    if len(docs):
        bullets.append(f"ICCWC's own reporting: {plural(len(docs), 'document or report', 'documents and reports')}, "
                       f"{month_label(docs['date'].min())} to {month_label(docs['date'].max())}.")
    return "\n".join(f"- {b}" for b in bullets)


# --------------------------------------------------------------------------- 03 coverage

def coverage_story(activities: pd.DataFrame, toolkit: pd.DataFrame | None, counts: bool = True) -> str:
    """The notebook's prose about real coverage, as Markdown built from the data (so it cannot contradict it).

    ``toolkit``: the SC66 Toolkit table (one date), or None when the data lack it; ``counts=False``: without
    the counts by region, type and group (for a page that shows them in a chart and table beside it).

    >>> "activities" in coverage_story(iccwc.load_activities(), None)
    True
    """
    if activities.empty:
        return "The data hold no activities."
    by_region = coverage.reach(activities, "document_region").drop("Total")
    by_type = coverage.reach(activities, "activity_type").drop("Total")
    by_cat = coverage.reach(activities, "category").drop("Total")
    d = coverage.website_adds(activities, toolkit)
    dated = activities["year_start"].notna()
    years = coverage.years_by_region(activities)
    top = by_region.sort_values("activities", ascending=False)
    regions = "; ".join(f"**{r}** {int(row.activities)} in {int(row.countries)} countries"
                        for r, row in top.iterrows())
    types = ", ".join(f"{t} {int(n)}" for t, n in by_type["activities"].sort_values(ascending=False).items())
    other = int(by_type["activities"].get("other", 0))
    cats = "; ".join(f"*{c}* {int(row.activities)} ({int(row.countries)} countries)" for c, row in by_cat.iterrows())
    peak = years["all regions"].idxmax()
    lines = [
        f"The data hold **{d['activities']}** ICCWC activities in **{d['countries']}** countries. By the "
        f"document's regions: {regions}.",
        "",
        f"**By type:** {types}; *other* is {other} of {d['activities']} "
        f"({100 * other / d['activities']:.1f}%). **By the website's group** (mapped to the document's categories): "
        f"{cats}.",
        "",
        f"**Over time:** {int(dated.sum())} activities have a year; the busiest year is **{peak}** "
        f"({int(years.loc[peak, 'all regions'])} activities starting)"
        + (f"; {plural(int((~dated).sum()), 'activity', 'activities')} without a year (the Toolkit table gives none) "
           f"{'is' if (~dated).sum() == 1 else 'are'} not in the yearly counts." if (~dated).any() else "."),
    ]
    if not counts:
        lines = lines[-1:]
    if d["website_activities"]:
        lines += ["", f"**What the website adds.** The ICCWC website lists **{d['website_activities']}** activities "
                      f"in **{d['website_countries']}** countries"
                  + (f" ({d['duplicates']} listed twice, counted once)" if d["duplicates"] else "")
                  + (f"; the SC66 Toolkit table has **{d['table_requests']}** requests. **{d['merged']}** Toolkit "
                     f"implementations are in both (one activity each, with the table's stage); "
                     f"{and_list(d['table_only']) or 'none'} only in the table. The website adds "
                     f"**{d['new_countries']}** countries the table does not have, and Toolkit work in "
                     f"{len(d['new_toolkit'])} more: {and_list(d['new_toolkit']) or 'none'}."
                     if d["table_requests"] else ".")]
    return "\n".join(lines).strip("\n")


def coverage_summary(activities: pd.DataFrame) -> str:
    """One Markdown bullet summing up the activities (the notebook's summary), built from the data.

    >>> coverage_summary(iccwc.load_activities()).startswith("- **Activities")
    True
    """
    if activities.empty:
        return "- **Activities.** None in the data."
    r = coverage.reach(activities, "document_region").drop("Total").sort_values("activities", ascending=False)
    t = coverage.reach(activities, "activity_type").drop("Total").sort_values("activities", ascending=False)
    ys = activities["year_start"].dropna()
    span = f", {int(ys.min())}-{int(activities['year_end'].max())}" if len(ys) else ""
    return (f"- **Activities{span}.** {len(activities)} in {activities['iso3'].nunique()} countries: "
            + ", ".join(f"{i} {int(row.activities)} ({int(row.countries)} countries)" for i, row in r.iterrows())
            + ". Most are " + ", ".join(f"{i} ({int(n)})" for i, n in t["activities"].head(3).items())
            + f"; {int(t['activities'].get('other', 0))} *other*. "
            + f"{int(activities['status'].isna().sum())} have no status (the website gives none).")


# --------------------------------------------------------------------------- 01 Toolkit reach over time

#: How the reach sentence says each measure; ``{n}`` is the number (with "around" etc. before it).
_REACH_SAID = {"requests": "{n} requests received", "completed": "completed in {n} countries",
               "under way": "under way in {n}", "countries implementing": "implemented in {n} countries",
               "countries supported": "ICCWC on-the-ground support in {n} countries"}


def toolkit_reach(series: pd.DataFrame, items: bool = True) -> str:
    """The Toolkit's reach over time: every count, grouped by date and source, whether a document's words
    agree with its own table, and the latest count.

    ``series``: :func:`iccwc.analysis.toolkit_uptake.reach_series` (with the Toolkit table);
    ``items=False``: without the list of every count (for a page that shows them in a table beside it).

    >>> import iccwc
    >>> from iccwc.data.load import load_toolkit_reach
    >>> from iccwc.analysis.toolkit_uptake import reach_series
    >>> toolkit_reach(reach_series(load_toolkit_reach(), iccwc.load_toolkit())).startswith("The data hold ")
    True
    """
    from iccwc.analysis.toolkit_uptake import TABLE_BASIS, TEXT_BASIS, reach_against_tables
    from iccwc.vocab import REACH_QUALIFIER_SIGNS

    if series.empty:
        return "The data hold no count of the Toolkit's reach."

    def when(r) -> str:
        return pd.Timestamp(r.when).strftime("%B %Y") if r.month_only else date_label(r.when)

    def said(r) -> str:
        q = r.qualifier
        n = f"{q} {_b(r.value)}" if q in REACH_QUALIFIER_SIGNS else _b(r.value)
        return _REACH_SAID[str(r.measure)].format(n=n) + (f" (\u201c{q}\u201d)" if q and q not in REACH_QUALIFIER_SIGNS
                                                          else "")

    table = series[series["basis"] == TABLE_BASIS]
    text = series[series["basis"] == TEXT_BASIS]
    first, last = series.iloc[0], series.iloc[-1]
    n_src = text["source"].map(lambda s: s.rsplit(" (", 1)[0].split(", line ")[0]).nunique()
    whose = ("the Toolkit's reach (and ICCWC's as a whole: *countries supported*)"
             if (series["measure"].astype(str) == "countries supported").any() else "the Toolkit's reach")
    head = (f"The data hold {_b(len(series))} {'count' if len(series) == 1 else 'counts'} of {whose}, "
            f"from {when(first)} to {when(last)}: {_b(len(table))} counted from "
            f"{plural(table['date'].nunique(), 'status table')} and {_b(len(text))} stated in the words of "
            f"{plural(n_src, 'source')}.")
    bullets = []
    for (date, basis, source), g in series.groupby(["date", "basis", "source"], sort=False, observed=True):
        r0 = next(g.itertuples(index=False))
        kind = "counted in the status table" if basis == TABLE_BASIS else "in the source's words"
        bullets.append(f"- {when(r0)} ({kind}; {source}): {and_list(said(r) for r in g.itertuples(index=False))}.")
    out = [head, "\n".join(bullets)] if items else [head]
    check = reach_against_tables(series)
    for src, c in check.groupby("source", sort=False):
        doc = src.split(",")[0]
        nums = and_list(f"{int(r.stated)} {r.measure}" for r in c.itertuples(index=False))
        if c["agree"].all():
            out.append(f"What {doc} states in its own words ({nums}) agrees with its own table as of "
                       f"{date_label(c['table_date'].iloc[0])}.")
        else:
            diff = and_list(f"{r.measure}: {r.stated} stated, {r.table} in the table"
                            for r in c.itertuples(index=False) if not r.agree)
            out.append(f"What {doc} states in its own words differs from its own table: {diff}.")
    q = last["qualifier"]
    latest_n = (f"{q} {_b(last['value'])}" if q in REACH_QUALIFIER_SIGNS else
                _b(last["value"]) + (f" (\u201c{q}\u201d)" if q else ""))
    tail = [f"The latest count, of {when(last)}, is of {last['measure']}: {latest_n}."]
    if len(table) and last["when"] > table["when"].max():
        latest = table[table["when"] == table["when"].max()]
        req = latest.loc[latest["measure"] == "requests", "value"]
        tail.append(f"The latest status table in the data is as of {date_label(latest['when'].iloc[0])}"
                    + (f", with {_b(int(req.iloc[0]))} requests" if len(req) else "")
                    + "; the later counts are the sources' words only.")
    if text["qualifier"].ne("").any() or series["measure"].nunique() > 1:
        tail.append("The counts are of different things (" + and_list(
            dict.fromkeys(series["measure"].astype(str))) + ")" + (", and some are qualified" if
                                                                   text["qualifier"].ne("").any() else "")
                    + ", so the chart shows them side by side, not as one line.")
    tail.append(f"No source in the data gives a count after {when(last)}.")
    out.append(" ".join(tail))
    return "\n\n".join(out)


# --------------------------------------------------------------------------- headlines (each page's first lines)

#: What a headline says for a number the data do not give.
UNKNOWN = "unknown"


def _html(text) -> str:
    from html import escape
    return escape(str(text), quote=True)


def headline_html(items, as_of: str) -> str:
    """A page's headline numbers: ``<dl class="iccwc-headline">`` of ``(label, value)`` pairs, each
    ``<div><dt>label</dt><dd>value</dd></div>`` (a value of None is said as *unknown*), then one line
    ``<p class="iccwc-headline-as-of">`` saying the date they are as of. Text is escaped.

    >>> headline_html([("Requests", 17), ("Complete", None)], "As of 9 November 2015.")[:53]
    '<dl class="iccwc-headline"><div><dt>Requests</dt><dd>'
    """
    rows = "".join(f"<div><dt>{_html(label)}</dt><dd>{_html(UNKNOWN if value is None else value)}</dd></div>"
                   for label, value in items)
    return f'<dl class="iccwc-headline">{rows}</dl><p class="iccwc-headline-as-of">{_html(as_of)}</p>'


def headline_numbers(html: str) -> dict[str, str]:
    """The ``{label: value}`` pairs of a :func:`headline_html` (for tests and checks).

    >>> headline_numbers(headline_html([("Requests", 17)], "As of 9 November 2015."))
    {'Requests': '17'}
    """
    import re
    from html import unescape
    return {unescape(k): unescape(v) for k, v in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html)}


def _span(first, last) -> str:
    return str(first) if first == last else f"{first}\u2013{last}"


def headline_toolkit(shown: pd.DataFrame, region: str | None = None) -> str:
    """01's headline: countries that asked for the Toolkit, how many completed all 8 steps, how many are
    under way (and, when a status list names countries without steps, how many are not known), as of the
    status date shown. ``shown``: one snapshot (possibly one region's rows).

    >>> import iccwc
    >>> list(headline_numbers(headline_toolkit(iccwc.load_toolkit(status_date="latest"))))[:2]
    ['Countries that asked for the Toolkit', 'Completed all 8 steps']
    """
    s = toolkit_summary(shown)
    all_unknown = bool(s["requests"]) and s["steps_unknown"] == s["requests"]
    items = [(f"Countries that asked for the Toolkit{_where(region)}", s["requests"]),
             ("Completed all 8 steps", None if all_unknown else s["complete"]),
             ("Under way", None if all_unknown else s["under_way"])]
    if s["steps_unknown"] and not all_unknown:
        items.append(("Steps not known", s["steps_unknown"]))
    when = (f"As of {date_label(s['status_date'])}, the date of the Toolkit status table shown."
            if s["status_date"] else "The date of the Toolkit status table is not known.")
    return headline_html(items, when)


def headline_recognition(rec: pd.DataFrame) -> str:
    """02's headline: instruments recognising ICCWC, the first and the latest (month), and how many name the
    Analytic Toolkit (with how many the sources cannot tell), as of the latest instrument's month.

    >>> import iccwc
    >>> list(headline_numbers(headline_recognition(iccwc.load_recognitions())))
    ['Instruments recognising ICCWC', 'First', 'Latest', 'Name the Analytic Toolkit']
    """
    s = recognition.summary(rec)
    first = month_label(s["first"]) if s["first"] else None
    last = month_label(s["last"]) if s["last"] else None
    named = str(s["toolkit"]) + (f" (+{s['toolkit_unknown']} {UNKNOWN})" if s["toolkit_unknown"] else "")
    as_of = (f"As of {last}, the latest instrument the sources name." if last else
             "The data hold no instrument recognising ICCWC.")
    return headline_html([("Instruments recognising ICCWC", s["instruments"]), ("First", first), ("Latest", last),
                          ("Name the Analytic Toolkit", named if s["instruments"] else None)], as_of)


def headline_coverage(activities: pd.DataFrame, toolkit: pd.DataFrame | None = None) -> str:
    """03's headline: ICCWC activities, the countries and the document's regions they are in, and the years
    they cover, as of the latest year (and the Toolkit table's date, when ``toolkit`` is given).

    >>> import iccwc
    >>> list(headline_numbers(headline_coverage(iccwc.load_activities())))
    ['ICCWC activities', 'Countries', 'Regions', 'Years covered']
    """
    starts = activities["year_start"].dropna()
    ends = activities["year_end"].dropna()
    span = _span(int(starts.min()), int(max(ends.max() if len(ends) else starts.max(), starts.max()))) \
        if len(starts) else None
    regions = activities["document_region"].dropna().astype(str).nunique()
    as_of = ("Activities " + (f"to {span.split(chr(0x2013))[-1]}" if span else "with no year")
             + " on the ICCWC website's map of activities")
    if toolkit is not None and len(toolkit):
        as_of += f"; Toolkit stages as of {date_label(pd.Timestamp(toolkit['status_date'].max()))}"
    return headline_html([("ICCWC activities", len(activities)), ("Countries", int(activities["iso3"].nunique())),
                          ("Regions", int(regions)), ("Years covered", span)], as_of + ".")


def headline_overview(data_dir=None, activities: pd.DataFrame | None = None) -> str:
    """00's headline: one number for each question: countries that asked for the Toolkit (01), instruments
    recognising ICCWC (02), countries with ICCWC activities (03) and the partner networks counted; then the
    date each is as of.

    >>> list(headline_numbers(headline_overview()))[:2]
    ['Countries that asked for the Toolkit', 'Instruments recognising ICCWC']
    """
    from iccwc.data.load import load_activities, load_partner_presence
    h = overview.headline(data_dir)
    if activities is None:
        activities = load_activities(data_dir)
    pp = load_partner_presence(data_dir)
    latest = overview.latest_partner_figures(pp)
    starts = activities["year_start"].dropna()
    when = [f"Toolkit as of {date_label(h['status_date'])}" if h["status_date"] else "Toolkit status date not known",
            (f"instruments {month_label(h['first_recognition'])} to {month_label(h['last_recognition'])}"
             if h["recognitions"] else "no instrument"),
            (f"activities {_span(int(starts.min()), int(max(activities['year_end'].max(), starts.max())))}"
             if len(starts) else "activities with no year"),
            (f"partner figures to {pd.Timestamp(latest['date'].max()).strftime('%B %Y')}" if len(latest)
             else "no partner figure")]
    said = "; ".join(when) + "."
    return headline_html([("Countries that asked for the Toolkit", h["toolkit_requests"]),
                          ("Instruments recognising ICCWC", h["recognitions"]),
                          ("Countries with ICCWC activities", int(activities["iso3"].nunique())),
                          ("Partner networks counted", h["partner_networks"])],
                         said[:1].upper() + said[1:])
