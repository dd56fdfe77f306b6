"""Country profiles: everything ICCWC's sources say about one country (issue 24).

:func:`country_profile` gathers, for one country, from ``data/processed``:

* its **Toolkit status at every status date** of the data (steps done, stage, what changed since the
  previous date: :func:`iccwc.analysis.snapshots.changes`; a status *list* gives no steps: "steps
  unknown"; a date that does not list the country: "not listed");
* its **activities** (``activities.csv``: the ICCWC website's map, the Toolkit table, user files), each
  with its type, group, years and source line, and counts by type, group and year. An activity is
  counted as a row, the same way :mod:`iccwc.analysis.coverage` and the coverage charts, maps and
  interactive page count them (a website text naming both tools is two activities, docs/data.md);
* the **recognising instruments adopted there** (``recognitions.csv`` rows whose place lies in it);
* **partner presence**: the sources' partner figures are global (how many countries a network
  reaches), none names a country, so the profile says ``the sources give no country figures``.

**One display name per country.** A country is its ISO3 code; its ``name`` is the library's name for
that code, the name :func:`iccwc.data.countries.name_of` gives (pycountry's common name, else its
name), whatever spelling a source uses: the ICCWC website's "Turkey" and a newer file's "Türkiye" are
one country shown as "Türkiye", "Swaziland" is shown as "Eswatini", the website's misspelt
"Burkino Faso" as "Burkina Faso". ``names_in_sources`` keeps every spelling the sources print, with
where, so nothing is hidden. (A name chosen from "the newest source" would show a source's misspelling,
and would change when an older-looking file is added.)

Names are resolved as the rebuild resolves them (:func:`iccwc.data.countries.resolve`, with the data
folder's ``reference/country_aliases.csv``): "Kenya", "Tanzania", "DRC", "Viet Nam"; an ISO3 code such
as "KEN" is accepted too (here, unlike in a data file, a code is what the user means). An unknown name
raises :class:`iccwc.errors.UnknownName`, whose message suggests the closest names in the data.

>>> p = country_profile("KEN")
>>> p.iso3, p.name, country_profile("Kenya").iso3
('KEN', 'Kenya', 'KEN')
>>> sorted(p.rows())
['activities', 'activity_counts', 'country', 'partner_presence', 'recognitions', 'sentences', 'toolkit']
"""
from __future__ import annotations

import difflib
import html
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from iccwc import paths
from iccwc.analysis.snapshots import changes
from iccwc.analysis.toolkit_uptake import date_label
from iccwc.data import countries
from iccwc.data.load import load_activities, load_partner_presence, load_recognitions, load_toolkit
from iccwc.errors import UnknownName
from iccwc.vocab import ACTION_PLAN, ACTIVITY_TYPES, STEPS

#: What the profile says about partner presence when no partner figure names the country.
NO_COUNTRY_FIGURES = "the sources give no country figures"
#: The Toolkit "stage" of a status date that does not list the country.
NOT_LISTED = "not listed"

#: What a country had done once step N was its last (the vocabulary's step names, vocab.STEPS).
_STEP_PHRASE = {1: "made the request", 2: "nominated a focal point", 3: "done the preparatory work",
                4: "held the initial meeting", 5: "received the in-country mission", 6: "reached the draft report",
                7: "reached the action plan", 8: "completed all 8 steps, to the presentation"}


@dataclass(frozen=True)
class ToolkitStatus:
    """The Toolkit status of one country at one status date.

    >>> t = country_profile("Kenya").toolkit[0]
    >>> t.listed, t.last_step == len(t.steps_done), t.steps_known
    (True, True, True)
    """
    status_date: pd.Timestamp
    listed: bool                      # the status table or list of that date names the country
    country_as_printed: str | None
    last_step: int | None             # None: not listed, or listed with its steps unknown
    stage: str                        # a TOOLKIT_STAGES value, or NOT_LISTED
    steps_done: tuple[str, ...]       # labels of the steps marked done (empty when unknown)
    action_plan: bool | None          # implementation of the action plan's recommendations; None: unknown
    change: str | None                # since the previous status date (vocab.CHANGES); None at the first date
    source: str | None                # "file, line N"

    @property
    def steps_known(self) -> bool:
        return self.listed and self.last_step is not None


@dataclass(frozen=True, eq=False)
class CountryProfile:
    """Everything the data hold about one country. Build it with :func:`country_profile`.

    >>> p = country_profile("Viet Nam")
    >>> p.name, p.has_data, sum(p.activities_by("activity_type").values()) == len(p.activities)
    ('Vietnam', True, True)
    """
    iso3: str
    name: str                                   # the one display name (module docstring)
    region: str
    document_region: str
    names_in_sources: tuple[tuple[str, str], ...]   # (spelling, dataset) pairs
    toolkit: tuple[ToolkitStatus, ...]          # one per status date of the data, oldest first
    activities: pd.DataFrame = field(repr=False)    # one row per activity (coverage's rows)
    recognitions: pd.DataFrame = field(repr=False)  # instruments adopted at a place in the country
    partner_presence: str = NO_COUNTRY_FIGURES
    partner_figures_global: int = 0             # rows of partner_presence.csv (global, not per country)

    # ------------------------------------------------------------------ summaries
    @property
    def has_data(self) -> bool:
        return any(t.listed for t in self.toolkit) or len(self.activities) > 0 or len(self.recognitions) > 0

    def activities_by(self, column: str) -> dict[str, int]:
        """Activities per value of ``column`` (activity_type, category, website_group, year_start); a
        missing value counts as "not given"."""
        values = self.activities[column].tolist()
        if column == "activity_type":
            counts = Counter(map(str, values))
            return {t: counts[t] for t in ACTIVITY_TYPES if t in counts}
        whole = column in ("year_start", "year_end")
        counts = Counter("not given" if pd.isna(v) else str(int(v)) if whole else str(v) for v in values)
        return {k: counts[k] for k in sorted(counts)}

    # ------------------------------------------------------------------ plain rows
    def rows(self) -> dict:
        """The profile as plain Python (str, int, bool, None, lists, dicts): JSON-ready for a page."""
        acts = [{
            "activity_type": str(r.activity_type), "category": str(r.category),
            "website_group": _plain(r.website_group), "description": str(r.description),
            "year_start": _plain_int(r.year_start), "year_end": _plain_int(r.year_end),
            "status": _plain(r.status), "toolkit_stage": _plain(r.toolkit_stage), "source": str(r.source),
        } for r in self.activities.itertuples(index=False)]
        recs = [{
            "id": str(r.id), "date": str(r.date), "instrument": str(r.instrument), "place": _plain(r.place),
            "issuing_body": str(r.issuing_body), "category": str(r.category), "source": str(r.source),
        } for r in self.recognitions.itertuples(index=False)]
        tk = [{
            "status_date": t.status_date.date().isoformat(), "listed": t.listed,
            "country_as_printed": t.country_as_printed, "last_step": t.last_step, "stage": t.stage,
            "steps_done": list(t.steps_done), "action_plan": t.action_plan, "change": t.change,
            "source": t.source,
        } for t in self.toolkit]
        return {
            "country": {"iso3": self.iso3, "name": self.name, "region": self.region,
                        "document_region": self.document_region,
                        "names_in_sources": [{"name": n, "dataset": d} for n, d in self.names_in_sources]},
            "toolkit": tk,
            "activities": acts,
            "activity_counts": {"by_type": self.activities_by("activity_type"),
                                "by_category": self.activities_by("category"),
                                "by_website_group": self.activities_by("website_group"),
                                "by_year": self.activities_by("year_start")},
            "recognitions": recs,
            "partner_presence": {"statement": self.partner_presence,
                                 "global_figures": self.partner_figures_global},
            "sentences": self.sentences(),
        }

    # ------------------------------------------------------------------ sentences
    def sentences(self) -> dict[str, str]:
        """One sentence (or a few) per theme, written from the data; unknowns said as unknown.

        Keys: toolkit, activities, recognitions, partner_presence.
        """
        return {"toolkit": self._toolkit_sentence(), "activities": self._activities_sentence(),
                "recognitions": self._recognitions_sentence(), "partner_presence": self._partner_sentence()}

    def _toolkit_sentence(self) -> str:
        listed = [t for t in self.toolkit if t.listed]
        if not self.toolkit:
            return "The data hold no Toolkit status table or list."
        if not listed:
            dates = ", ".join(date_label(t.status_date) for t in self.toolkit)
            return f"{self.name} is not listed in any Toolkit status table or list of the data ({dates})."
        first = self.toolkit.index(listed[0])
        before = ", ".join(date_label(t.status_date) for t in self.toolkit[:first])
        parts = [f"{self.name} asked for the Toolkit" + (f" (not listed on {before})" if before else "")]
        for t in self.toolkit[first:]:
            when = date_label(t.status_date)
            if not t.listed:
                parts.append(f"on {when} it was not listed")
            elif t.last_step is None:
                parts.append(f"on {when} it was listed, its steps unknown (the status list gives none)")
            else:
                done = _STEP_PHRASE.get(t.last_step, f"reached step {t.last_step}")
                text = f"by {when} it had {done}" + ("" if t.last_step == 8 else f" (step {t.last_step})")
                text += f", stage {t.stage}"
                if t.action_plan:
                    text += ", and was implementing the action plan's recommendations"
                parts.append(text)
        return "; ".join(parts) + "."

    def _activities_sentence(self) -> str:
        n = len(self.activities)
        if n == 0:
            return f"The data list no ICCWC activity in {self.name}."
        types = "; ".join(f"{t} {k}" for t, k in self.activities_by("activity_type").items())
        years = self.activities["year_start"].dropna().astype(int)
        undated = int(self.activities["year_start"].isna().sum())
        span = ("no year given" if years.empty else
                f"{years.min()}" if years.min() == years.max() else f"{years.min()} to {years.max()}")
        extra = f" ({undated} with no year given)" if undated and not years.empty else ""
        groups = "; ".join(f"{c} {k}" for c, k in self.activities_by("category").items())
        return (f"The data list {n} ICCWC {'activity' if n == 1 else 'activities'} in {self.name}, "
                f"{span}{extra}: {types}. By category: {groups}.")

    def _recognitions_sentence(self) -> str:
        n = len(self.recognitions)
        if n == 0:
            return f"No recognising instrument in the data was adopted at a place in {self.name}."
        names = "; ".join(f"{r.instrument} ({r.place}, {pd.Timestamp(str(r.date)).strftime('%B %Y')})"
                          for r in self.recognitions.itertuples(index=False))
        return (f"{n} recognising {'instrument was' if n == 1 else 'instruments were'} adopted in "
                f"{self.name}: {names}.")

    def _partner_sentence(self) -> str:
        if self.partner_presence == NO_COUNTRY_FIGURES:
            return (f"Partner presence in {self.name}: {NO_COUNTRY_FIGURES} (their "
                    f"{self.partner_figures_global} partner figures count networks worldwide).")
        return f"Partner presence in {self.name}: {self.partner_presence}."

    # ------------------------------------------------------------------ JupyterLab
    def _repr_html_(self) -> str:
        return profile_html(self)

    def __repr__(self) -> str:
        listed = sum(t.listed for t in self.toolkit)
        return (f"CountryProfile({self.iso3}, {self.name!r}: Toolkit listed at {listed} of {len(self.toolkit)} "
                f"status dates, {len(self.activities)} activities, {len(self.recognitions)} recognitions)")


def _plain(value):
    return None if value is None or pd.isna(value) else str(value)


def _plain_int(value):
    return None if value is None or pd.isna(value) else int(value)


# ---------------------------------------------------------------------- building a profile

def _frames(data_dir):
    return (load_toolkit(data_dir), load_activities(data_dir), load_recognitions(data_dir),
            load_partner_presence(data_dir))


def names_in_data(toolkit: pd.DataFrame, activities: pd.DataFrame) -> dict[str, str]:
    """Every name the data give a country, as written, and its one display name -> its ISO3 code (a code
    the library does not know keeps the names as written only).

    >>> t = pd.DataFrame({"country": ["DRC"], "iso3": ["COD"]})
    >>> names_in_data(t, t.iloc[:0])
    {'DRC': 'COD', 'Democratic Republic of the Congo': 'COD'}
    """
    out = {}
    for df in (toolkit, activities):
        for name, iso3 in zip(df["country"].astype(str), df["iso3"].astype(str)):
            out[name] = iso3
            try:
                out[countries.by_iso3(iso3).name] = iso3
            except countries.UnknownCountry:
                pass
    return out


def country_names(data_dir=None) -> dict[str, str]:
    """:func:`names_in_data` of the data in ``data_dir``, sorted by name (the shared pages link each of these
    names to its country's profile).

    >>> country_names()["Vietnam"], country_names()["Kenya"]
    ('VNM', 'KEN')
    """
    return dict(sorted(names_in_data(load_toolkit(data_dir), load_activities(data_dir)).items()))


def _names_in_data(toolkit: pd.DataFrame, activities: pd.DataFrame) -> dict[str, str]:
    """Every name of :func:`names_in_data` (casefolded) -> its ISO3 code, and every code -> itself."""
    out = {}
    for name, iso3 in names_in_data(toolkit, activities).items():
        out[name.casefold()] = iso3
        out[iso3.casefold()] = iso3
    return out


def _resolve(name_or_iso3: str, toolkit, activities, data_dir) -> str:
    text = " ".join(str(name_or_iso3).split())
    known = _names_in_data(toolkit, activities)
    if text.casefold() in known:
        return known[text.casefold()]
    with countries.use_reference(paths.layout(data_dir)["reference"]):
        try:
            return countries.resolve(text).iso3
        except countries.UnknownCountry as exc:
            if exc.code_of:                                  # a code pycountry knows: KEN, 404, KE
                return exc.code_of.split(",")[0]
    spellings = sorted({*toolkit["country"].astype(str), *activities["country"].astype(str),
                        *(countries.name_of(c) for c in set(known.values()))})
    folded = {s.casefold(): s for s in spellings}
    close = difflib.get_close_matches(text, spellings, n=3, cutoff=0.6) or [
        folded[s] for s in difflib.get_close_matches(text.casefold(), list(folded), n=3, cutoff=0.6)]
    raise UnknownName(text, close, "country", "iccwc.profile_countries() lists the countries with data")


def _changes_between_dates(toolkit: pd.DataFrame) -> dict[pd.Timestamp, dict[str, str]]:
    """For each status date after the first: ISO3 -> its change since the previous date."""
    dates = [pd.Timestamp(d) for d in sorted(pd.unique(pd.to_datetime(toolkit["status_date"])))]
    out = {}
    for before, after in zip(dates, dates[1:]):
        c = changes(toolkit, before=before, after=after)
        out[after] = dict(zip(c["iso3"].astype(str), c["change"].astype(str)))
    return out


class _ByCountry:
    """The four datasets, split by country once: what each profile reads, found by its code (every
    country's profile reads the data once, not once per country)."""

    def __init__(self, toolkit, activities, recognitions, presence):
        self.toolkit, self.activities, self.recognitions = toolkit, activities, recognitions
        self.presence_rows = int(len(presence))
        self.moved = _changes_between_dates(toolkit) if not toolkit.empty else {}
        when = pd.to_datetime(toolkit["status_date"])
        self.dates = [pd.Timestamp(d) for d in sorted(pd.unique(when))]
        tk_iso3 = toolkit["iso3"].astype(str).tolist()
        self.first_row: dict[tuple[str, pd.Timestamp], int] = {}     # (iso3, status date) -> its first row
        self.tk_dates: dict[str, set] = {}                             # iso3 -> its status dates (as written)
        for i, (code, d, raw) in enumerate(zip(tk_iso3, when.tolist(), toolkit["status_date"].tolist())):
            self.first_row.setdefault((code, pd.Timestamp(d)), i)
            if not pd.isna(raw):
                self.tk_dates.setdefault(code, set()).add(raw)
        act_iso3 = activities["iso3"].astype(str)
        self.act_rows = {k: v for k, v in activities.groupby(act_iso3, sort=False).indices.items()}
        rec_iso2 = recognitions["place_country_iso2"].astype(str)
        self.rec_rows = {k: v for k, v in recognitions.groupby(rec_iso2, sort=False).indices.items()}
        self.spellings: dict[str, list[tuple[str, str]]] = {}
        for dataset, codes, names in (("toolkit_status", tk_iso3, toolkit["country"].astype(str).tolist()),
                                      ("activities", act_iso3.tolist(), activities["country"].astype(str).tolist())):
            seen: dict[str, set] = {}
            for code, name in zip(codes, names):
                seen.setdefault(code, set()).add(name)
            for code, found in seen.items():
                self.spellings.setdefault(code, []).extend((n, dataset) for n in sorted(found))

    def rows(self, frame: pd.DataFrame, positions) -> pd.DataFrame:
        """The rows of ``frame`` at ``positions`` (None: none), numbered from 0."""
        return (frame.iloc[positions] if positions is not None else frame.iloc[:0]).reset_index(drop=True)

    def _adopted_in(self, info, none=None):
        """The positions of the recognitions adopted at a place in the country ``info`` (``none``: none)."""
        return self.rec_rows.get(info.iso2, none) if info.iso2 else none

    def codes(self) -> set[str]:
        """The ISO3 code of every country with any data: in the Toolkit data, with activities, or where an
        instrument was adopted (a place's ISO2 code the library knows)."""
        codes = set(self.toolkit["iso3"].astype(str)) | set(self.act_rows)
        for code2 in set(self.recognitions["place_country_iso2"].dropna().astype(str)):
            c = countries.by_iso2(code2)
            if c is not None:
                codes.add(c.iso3)
        return codes

    def toolkit_history(self, iso3: str) -> tuple[ToolkitStatus, ...]:
        out, prev = [], None
        for d in self.dates:
            i = self.first_row.get((iso3, d))
            change = None if prev is None else self.moved.get(d, {}).get(iso3)
            if i is None:
                out.append(ToolkitStatus(d, False, None, None, NOT_LISTED, (), None, change, None))
            else:
                r = self.toolkit.iloc[i]
                known = not pd.isna(r["last_step"])
                done = tuple(f"Step {k}: {label.capitalize()}" for k, (col, label) in enumerate(STEPS, 1)
                             if known and not pd.isna(r[col]) and bool(r[col]))
                plan = None if pd.isna(r[ACTION_PLAN]) else bool(r[ACTION_PLAN])
                out.append(ToolkitStatus(d, True, str(r["country"]), int(r["last_step"]) if known else None,
                                         str(r["stage"]), done, plan, change,
                                         f"{r['source_file']}, line {int(r['source_line'])}"))
            prev = d
        return tuple(out)

    def profile(self, iso3: str) -> CountryProfile:
        info = countries.by_iso3(iso3)
        return CountryProfile(
            iso3=iso3, name=info.name, region=info.region, document_region=info.document_region,
            names_in_sources=tuple(self.spellings.get(iso3, ())), toolkit=self.toolkit_history(iso3),
            activities=self.rows(self.activities, self.act_rows.get(iso3)),
            recognitions=self.rows(self.recognitions, self._adopted_in(info)),
            partner_presence=NO_COUNTRY_FIGURES, partner_figures_global=self.presence_rows)

    def countries_table(self) -> pd.DataFrame:
        rows = []
        for c in self.codes():
            info = countries.by_iso3(c)
            rows.append({"iso3": c, "name": info.name, "toolkit_dates": len(self.tk_dates.get(c, ())),
                         "activities": len(self.act_rows.get(c, ())),
                         "recognitions": len(self._adopted_in(info, ()))})
        out = pd.DataFrame(rows, columns=["iso3", "name", "toolkit_dates", "activities", "recognitions"])
        return out.sort_values("name", key=lambda s: s.str.casefold()).reset_index(drop=True)


def country_profile(name_or_iso3: str, data_dir=None) -> CountryProfile:
    """Everything the data say about one country (a name as any source prints it, or an ISO3 code).

    Returns a :class:`CountryProfile`; a name that is no country raises :class:`iccwc.errors.UnknownName`
    suggesting the closest names. A country the data say nothing about gets an empty profile
    (``has_data`` False) whose sentences say so.

    >>> p = country_profile("Kenya")
    >>> p.toolkit[0].last_step >= 1, len(p.activities) == int((iccwc.load_activities()["iso3"] == "KEN").sum())
    (True, True)
    """
    frames = _frames(data_dir)
    return _ByCountry(*frames).profile(_resolve(name_or_iso3, frames[0], frames[1], data_dir))


def profile_countries(data_dir=None) -> pd.DataFrame:
    """The countries with any profile data: one row each, sorted by display name.

    Columns: iso3, name (the one display name), toolkit_dates (status dates listing it), activities,
    recognitions (adopted there).

    >>> t = profile_countries()
    >>> list(t.columns), bool(t["iso3"].is_unique)
    (['iso3', 'name', 'toolkit_dates', 'activities', 'recognitions'], True)
    """
    return _ByCountry(*_frames(data_dir)).countries_table()


def all_profiles(data_dir=None) -> dict[str, CountryProfile]:
    """Every country of :func:`profile_countries`, ISO3 -> its profile (the data are read once).

    >>> ps = all_profiles()
    >>> sum(len(p.activities) for p in ps.values()) == len(iccwc.load_activities())
    True
    """
    by = _ByCountry(*_frames(data_dir))
    return {c: by.profile(c) for c in by.countries_table()["iso3"]}


# ---------------------------------------------------------------------- HTML (JupyterLab)

def profile_html(p: CountryProfile) -> str:
    """A compact HTML summary of a profile, every text escaped (shown by ``_repr_html_``).

    Here, not in iccwc.views: the layering contract lets the analysis layer import nothing above it,
    and a profile must show itself in JupyterLab without the caller importing a view.

    >>> profile_html(country_profile("Kenya")).startswith("<div class='iccwc-profile'><h3>Kenya (KEN)</h3>")
    True
    """
    e = html.escape
    s = p.sentences()
    out = [f"<div class='iccwc-profile'><h3>{e(p.name)} ({e(p.iso3)})</h3>",
           f"<p><small>{e(p.region)}; document region {e(p.document_region)}"
           + (f"; as printed: {e(', '.join(sorted({n for n, _ in p.names_in_sources})))}"
              if p.names_in_sources else "") + "</small></p>"]
    out.append(f"<p><b>Toolkit.</b> {e(s['toolkit'])}</p>")
    if any(t.listed for t in p.toolkit):
        out.append("<table><thead><tr><th>status date</th><th>stage</th><th>last step</th><th>change</th>"
                   "<th>source</th></tr></thead><tbody>")
        for t in p.toolkit:
            step = "" if not t.listed else ("steps unknown" if t.last_step is None else str(t.last_step))
            out.append(f"<tr><td>{e(t.status_date.date().isoformat())}</td><td>{e(t.stage)}</td>"
                       f"<td>{e(step)}</td><td>{e(t.change or '')}</td><td>{e(t.source or '')}</td></tr>")
        out.append("</tbody></table>")
    out.append(f"<p><b>Activities.</b> {e(s['activities'])}</p>")
    if len(p.activities):
        out.append("<details><summary>each activity, with its source</summary><ul>")
        for r in p.activities.itertuples(index=False):
            period = "" if pd.isna(r.period) else f" ({r.period})"
            out.append(f"<li>{e(str(r.activity_type))}: {e(str(r.description))}{e(period)}; "
                       f"<small>{e(str(r.source))}</small></li>")
        out.append("</ul></details>")
    out.append(f"<p><b>Recognitions.</b> {e(s['recognitions'])}</p>")
    out.append(f"<p><b>Partners.</b> {e(s['partner_presence'])}</p></div>")
    return "\n".join(out)


# ---------------------------------------------------------------------- the shared page's data

def locator_points(profiles: dict[str, CountryProfile], world: dict | None = None) -> dict[str, tuple[float, float]]:
    """ISO3 -> (lat, lon) of a point locating each country on a small map: a point inside its 1:110m
    polygon (:func:`iccwc.data.geo.interior_point`), else the mean of its activities' map markers (small
    countries with no polygon: Singapore, Malta), else the mean of the places of the instruments adopted
    there. A country with none of these is left out (the map then shows no point for it).

    ``world``: an already loaded :func:`iccwc.data.geo.world` (None: no polygons, markers only).

    >>> from iccwc.data import geo
    >>> lat, lon = locator_points({"KEN": country_profile("KEN")}, geo.world())["KEN"]
    >>> -5 < lat < 5 and 33 < lon < 42
    True
    """
    from iccwc.data import geo
    by_id = {f["id"]: f for f in world["features"]} if world else {}
    out = {}
    for iso3, p in profiles.items():
        if iso3 in by_id:
            lat, lon = geo.interior_point(by_id[iso3])
        else:
            pts = p.activities[["latitude", "longitude"]].dropna() if len(p.activities) else pd.DataFrame()
            if pts.empty and len(p.recognitions):
                pts = p.recognitions[["place_latitude", "place_longitude"]].dropna().set_axis(
                    ["latitude", "longitude"], axis=1)
            if pts.empty:
                continue
            lat, lon = float(pts["latitude"].mean()), float(pts["longitude"].mean())
        out[iso3] = (round(float(lat), 2), round(float(lon), 2))
    return out


def page_rows(data_dir=None, world: dict | None = None) -> list[dict]:
    """The rows a page carries for its country picker: one per country of :func:`profile_countries` (in
    its order, by display name), each :meth:`CountryProfile.rows` with four keys added at the top
    level for the page to filter and place it: ``iso3``, ``name``, ``lat``, ``lon`` (None when
    :func:`locator_points` has no point). JSON-plain.

    >>> rows = page_rows()
    >>> rows[0]["iso3"] == rows[0]["country"]["iso3"], {k: rows[0][k] for k in country_profile(rows[0]["iso3"]).rows()} == country_profile(rows[0]["iso3"]).rows()
    (True, True)
    """
    profiles = all_profiles(data_dir)
    points = locator_points(profiles, world)
    out = []
    for iso3, p in profiles.items():
        lat, lon = points.get(iso3, (None, None))
        out.append({"iso3": iso3, "name": p.name, "lat": lat, "lon": lon, **p.rows()})
    return out


def most_active(data_dir=None) -> str:
    """The ISO3 code of the country with the most activities (ties: the first by display name): the
    country a profile page opens on when none is chosen.

    >>> most_active() in set(profile_countries()["iso3"])
    True
    """
    t = profile_countries(data_dir)
    if t.empty:
        raise LookupError("no country has profile data")
    return str(t.loc[t["activities"].idxmax(), "iso3"])
