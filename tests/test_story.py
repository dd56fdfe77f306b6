"""The notebooks' prose (iccwc.views.story) follows the data: every number it states is one the
analysis functions compute for that data, the SC66 document's claims appear only where its
snapshot is in the data, and the sentences read as sentences.

Three data folders: the committed data (SC66 only); a copy with the FICTIONAL later document
(tests/fixtures/snapshot-2016) beside SC66 (two snapshots); and a copy whose only status document
is FICTIONAL (the SC66 text with its Toolkit table replaced by the fixture's, dated 1 June 2016),
so the data hold no SC66 snapshot. No kernel starts here (fast tier).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from types import MappingProxyType

import pytest

import iccwc
from helpers import FIXTURES, SC66, copy_data, process_words
from iccwc.analysis import overview, recognition, snapshots
from iccwc.analysis.toolkit_uptake import funnel_counts, stage_by_region, stall_counts, toolkit_summary
from iccwc.data.build import rebuild
from iccwc.data.provenance import record_path, sha256_of
from iccwc.views import story


def only_fictional(data: Path) -> Path:
    """Make ``data`` (a copy of data/) hold no SC66 snapshot: the SC66 text keeps its Parts 1, 2 and 4
    (the curated rows are checked against them) but its Toolkit table is the FICTIONAL fixture's,
    as of 1 June 2016; its provenance record is rewritten and says so. Returns ``data``, rebuilt."""
    fixture = (FIXTURES / "snapshot-2016" / "fictional-toolkit-status-2016-06.txt").read_text(encoding="utf-8")
    rows = [line for line in fixture.split("\n") if "\t" in line and not line.startswith(("PARTY", "\t"))]
    lines = SC66.read_text(encoding="utf-8").split("\n")
    head = next(i for i, line in enumerate(lines) if line.startswith("PARTY\t"))
    end = head + 2
    while "\t" in lines[end]:
        end += 1
    doc = data / "raw" / "documents" / SC66.name
    doc.write_text("\n".join(lines[:head + 2] + rows + lines[end:]).replace("9 November 2015", "1 June 2016"),
                   encoding="utf-8")
    rec = json.loads(record_path(doc).read_text(encoding="utf-8"))
    rec.update(title="FICTIONAL test variant (Toolkit table invented): " + rec["title"],
               toolkit_status_date="2016-06-01", sha256=sha256_of(doc))
    record_path(doc).write_text(json.dumps(rec, indent=2), encoding="utf-8")
    rebuild(data, log=lambda msg: None)
    return data


@pytest.fixture(scope="module")
def folders(tmp_path_factory, data_2016):
    root = tmp_path_factory.mktemp("story")
    return {"sc66": None, "two": data_2016, "only": only_fictional(copy_data(root / "only"))}


KINDS = ["sc66", "two", "only"]


@pytest.fixture(scope="module")
def prose(folders):
    """``prose(kind)``: :func:`texts` of the folder ``kind``, written the first time a test asks (about 0.3 s)
    and shared by the tests that read it: a read-only mapping of strings."""
    written = {}

    def get(kind: str):
        if kind not in written:
            written[kind] = MappingProxyType(texts(folders[kind]))
        return written[kind]
    return get


def texts(data_dir) -> dict[str, str]:
    tk = iccwc.load_toolkit(data_dir)
    shown = iccwc.load_toolkit(data_dir, status_date="latest")
    sc66 = (iccwc.load_toolkit(data_dir, status_date=overview.SC66_STATUS_DATE)
            if overview.has_sc66_snapshot(data_dir) else None)
    rec, docs = iccwc.load_recognitions(data_dir), iccwc.load_iccwc_documents(data_dir)
    return {
        "00 sc66": story.overview_sc66(data_dir), "00 headline": story.overview_headline(data_dir),
        "01 headline": story.toolkit_headline(shown, None, sc66), "01 funnel": story.toolkit_funnel(shown),
        "01 stalls": story.toolkit_stalls(shown), "01 regions": story.toolkit_regions(shown),
        "01 progress": story.toolkit_progress(tk), "01 summary": story.toolkit_summary_md(tk, shown, None, sc66),
        "02 timeline": story.recognition_timeline(rec), "02 growth": story.recognition_growth(rec),
        "02 bodies": story.recognition_bodies(rec), "02 toolkit": story.recognition_toolkit(rec),
        "02 themes": story.recognition_themes(rec), "02 places": story.recognition_places(rec),
        "02 reporting": story.recognition_reporting(docs), "02 summary": story.recognition_summary_md(rec, docs),
    }


def computed_numbers(data_dir) -> dict[str, set[int]]:
    """Every number the analysis computes for the Toolkit (01, 00) and recognition (02) sections."""
    tk = iccwc.load_toolkit(data_dir)
    tk_nums: set[int] = set(range(1, 10))                              # step numbers
    for when in snapshots.snapshot_dates(tk):
        snap = snapshots.snapshot(tk, when)
        s = toolkit_summary(snap)
        tk_nums |= {s["requests"], s["complete"], s["under_way"], s["action_plan"], *s["by_stage"].values()}
        tk_nums |= set(funnel_counts(snap)["countries"]) | set(stall_counts(snap)["countries"])
        f = funnel_counts(snap)["countries"].tolist()
        tk_nums |= {f[i] - f[i + 1] for i in range(8)}
        for by in ("region", "document_region"):
            tk_nums |= set(stage_by_region(snap, by).to_numpy().ravel())
        tk_nums |= {when.day, when.year}
    if len(snapshots.snapshot_dates(tk)) > 1:
        tk_nums |= set(snapshots.summary(tk)["countries"])
    if overview.has_sc66_snapshot(data_dir):
        tk_nums |= {v for v in overview.SC66_CLAIMS.values() if isinstance(v, int)} | {2011, 2015}
    rec, docs = iccwc.load_recognitions(data_dir), iccwc.load_iccwc_documents(data_dir)
    s = recognition.summary(rec)
    rec_nums = {s["instruments"], s["toolkit"], s["with_theme"], s["with_place"], s["without_place"],
                s["instruments"] - s["with_theme"], len(set(rec["place"].dropna()) - {""}),
                len(recognition.counts_by(rec, "issuing_body_short")), len(docs), 3}        # 3: the categories
    rec_nums |= set(s["by_category"].values()) | set(s["by_year"].values()) | set(s["by_type"].values())
    rec_nums |= set(recognition.counts_by(rec, "issuing_body_short")) | set(recognition.theme_counts(rec)["instruments"])
    rec_nums |= set(recognition.monthly_cumulative(rec)["new"]) | set(rec["year"]) | set(docs["year"])
    rec_nums |= set(recognition.toolkit_instruments(rec)["category"].value_counts())
    basis = rec["category_basis"].astype(str).value_counts()                # the sources and how groups were set
    rec_nums |= set(s["by_source"].values()) | set(basis) | {len(rec) - int(basis.get("heading", 0))}
    rec_nums |= set(range(int(rec["year"].min()), int(rec["year"].max()) + 1)) if len(rec) else set()   # "none in 2018"
    rec_nums |= set(docs["document_type"].value_counts()) | set(docs.groupby("year").size())
    # the partner figures as a series (00): each figure, how many, the dates they hold
    pp = iccwc.load_partner_presence(data_dir)
    series, latest = overview.partner_series(pp), overview.latest_partner_figures(pp)
    partner_nums = set(series["count"]) | set(latest["figures"]) | {len(series), len(latest), series["partner"].nunique()}
    partner_nums |= {d.day for d in series["date"] if len(str(series.loc[series["date"] == d, "as_of"].iloc[0])) == 10}
    partner_nums |= {d.year for d in series["date"]}
    # the Toolkit's reach over time (01): each count and the dates the sources give
    from iccwc.data.load import load_toolkit_reach
    reach = load_toolkit_reach(data_dir)
    from iccwc.analysis.toolkit_uptake import reach_series
    series_r = reach_series(reach, tk)
    reach_nums = set(reach["value"].astype(int)) | set(series_r["value"].astype(int)) | {len(series_r)}
    reach_nums |= set(series_r["basis"].value_counts()) | {series_r["source"].astype(str).str.split(",").str[0].nunique()}
    reach_nums |= {int(tk["status_date"].nunique())}
    for d in reach["date"].astype(str):
        reach_nums |= {int(x) for x in d.split("-")[::2]} if len(d) == 10 else {int(d[:4])}
    overview_nums = tk_nums | partner_nums | {len(pp), len(docs), s["instruments"], *rec["year"]}
    return {"00": overview_nums, "01": tk_nums | reach_nums, "02": rec_nums}


# Numbers that are part of a name, not a count ("Resolution Conf. 11.3", "SC66 Doc. 16.5", "A/69/L80", ...).
NAME_NUMBERS = re.compile(r"(Conf\. [\d.]+|Resolution [\d/]+|A/\d+/L\d+|CoP\d+|SC\d+|Doc\. [\d.]+|\d+/\d+|"
                          r"Report \d{4}|Rev\. CoP\d+|"
                          # where a fact is cited: a file's name, its line(s), a news item's url and date
                          r"[\w.-]+\.(?:txt|csv|json|xlsx)|lines? \d+(?:-\d+)?|/eng/\S+|\(\d{4}-\d{2}-\d{2}\))")


def numbers_in(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"(?<![\w.])\d+(?![\w.]\d)", NAME_NUMBERS.sub(" ", text))]


@pytest.mark.parametrize("kind", KINDS)
def test_every_number_in_the_prose_is_one_the_analysis_computes(folders, prose, kind):
    data = folders[kind]
    allowed = computed_numbers(data)
    for name, text in prose(kind).items():
        stray = [n for n in numbers_in(text) if n not in allowed[name[:2]]]
        assert not stray, f"{kind} {name}: numbers {stray} are not computed from these data:\n{text}"


@pytest.mark.parametrize("kind", KINDS)
def test_headline_funnel_stalls_and_regions_state_the_computed_values(folders, prose, kind):
    data = folders[kind]
    shown = iccwc.load_toolkit(data, status_date="latest")
    s = toolkit_summary(shown)
    t = prose(kind)
    head = re.search(r"\*\*(\d+)\*\* countries had asked for the Analytic Toolkit: \*\*(\d+)\*\* had completed all 8 "
                     r"steps and \*\*(\d+)\*\* were under way", t["01 headline"])
    assert head and tuple(map(int, head.groups())) == (s["requests"], s["complete"], s["under_way"]), t["01 headline"]
    assert t["00 headline"].split(" (")[0] == f"As of {story.date_label(s['status_date'])}"
    funnel = [int(n) for n in re.findall(r"\*\*(\d+)\*\*", t["01 funnel"].split(". The funnel")[0])]
    assert funnel == funnel_counts(shown)["countries"].tolist()
    st = stall_counts(shown).set_index("last_step")
    for step, phrase in story._STOPPED.items():
        if st.loc[step, "countries"]:
            m = re.search(rf"\*\*(\d+)\*\* (?:stopped )?{phrase} \(([^)]*)\)", t["01 stalls"])
            assert m and int(m.group(1)) == st.loc[step, "countries"], (step, t["01 stalls"])
            assert m.group(2) == story.and_list(st.loc[step, "names"].split(", "))
    for region, row in stage_by_region(shown).iterrows():
        assert f"{region} **{row['total']}** (" in t["01 regions"]
    missing = [k for k in range(1, 8) if st.loc[k, "countries"] == 0]
    if missing:
        assert "No country stands at step" in t["01 stalls"]
    else:
        assert "No country stands" not in t["01 stalls"]


@pytest.mark.parametrize("kind", KINDS)
def test_sc66_claims_appear_only_where_its_snapshot_is_in_the_data(folders, prose, kind):
    data = folders[kind]
    t = prose(kind)
    has = overview.has_sc66_snapshot(data)
    assert has == (kind != "only")
    assert ("SC66 document said" in t["01 headline"]) == has
    assert t["00 sc66"].startswith("The SC66 document says" if has else "The data do not hold")
    if has:
        assert "**17** requests had been received" in t["01 headline"] and "agrees" in t["01 headline"]
        assert overview.sc66_check(data)["agree"].all()
    else:
        assert overview.sc66_check(data) is None
        assert "SC66" not in t["01 summary"]


def test_progress_names_every_country_that_changed(folders):
    data = folders["two"]
    tk = iccwc.load_toolkit(data)
    text = story.toolkit_progress(tk)
    assert text.startswith("Between 9 November 2015 and 1 June 2016, the requests went from **17** to **19**, the "
                           "countries complete from **6** to **7** and those under way from **11** to **12**.")
    assert "- 2 new requests: Uganda (step 1) and Zambia (step 2)" in text
    assert "- 1 country completed all 8 steps: Congo (from step 6)" in text
    assert ("- 4 countries advanced: Angola (step 2 to 4), Bahamas (step 1 to 2), Bosnia and Herzegovina "
            "(step 4 to 5) and Mexico (step 6 to 7)") in text
    for row in snapshots.changes(tk).itertuples():
        if row.change != "unchanged":
            assert row.country in text
    assert "- 12 countries unchanged" in text
    summary = story.toolkit_summary_md(tk, iccwc.load_toolkit(data, status_date="latest"))
    assert summary.splitlines()[-1] == ("- Between 9 November 2015 and 1 June 2016: 2 new requests (Uganda and Zambia), "
                                        "1 completion (Congo) and 4 countries advanced (Angola, Bahamas, Bosnia and "
                                        "Herzegovina and Mexico).")


def test_one_snapshot_says_so():
    text = story.toolkit_progress(iccwc.load_toolkit())
    assert text == ("The data hold one Toolkit snapshot only (as of 9 November 2015), so there is no progress "
                    "between snapshots to show.")


@pytest.mark.parametrize("kind", KINDS)
def test_sentences_read_as_sentences(prose, kind):
    for name, text in prose(kind).items():
        for para in text.split("\n"):
            body = para[2:] if para.startswith("- ") else para
            if not body:
                continue
            assert body[0].isupper() or body[0].isdigit() or body.startswith("**"), (name, para)
            if not para.startswith("- ") or name.endswith("summary"):
                assert body.endswith((".", ":")), (name, para)
        assert not re.search(r"\b1 (countries|requests|instruments|places)\b", text), (name, text)
        assert not re.search(r"\*\*1\*\* countries|\*\*1\*\* (?:were|are|have)\b", text), (name, text)
        assert not re.search(r"\b([02-9]|\d\d+) (country|request|instrument)\b(?! or)", text), (name, text)
        assert "  " not in text and " ." not in text and ",," not in text, (name, text)


def test_words():
    assert story.plural(1, "country", "countries") == "1 country"
    assert story.plural(3, "country", "countries") == "3 countries"
    assert story.and_list(["Kenya", "Madagascar", "Mozambique"]) == "Kenya, Madagascar and Mozambique"
    assert story.month_label("2013-03") == "March 2013"


def test_one_region_and_a_region_all_complete():
    shown = iccwc.load_toolkit(status_date="latest")
    asia = shown[shown["region"] == "Asia"]
    text = story.toolkit_headline(asia, "Asia")
    assert text.startswith("As of 9 November 2015, **3** countries in Asia had asked for the Analytic Toolkit: all "
                           "**3** had completed all 8 steps.")
    assert story.toolkit_stalls(asia) == "No country is under way: all 3 countries shown have completed all 8 steps."


def test_story_examples_run():
    import doctest
    result = doctest.testmod(story, extraglobs={"iccwc": iccwc}, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted >= 5


def test_a_region_whose_requests_are_all_complete_reads_well():
    tk = iccwc.load_toolkit()
    shown = tk[tk["region"] == "Asia"]
    summary = story.toolkit_summary_md(tk, shown, "Asia")
    assert "all had completed all 8 steps (Bangladesh, Nepal and Vietnam)." in summary
    assert "- All **3** requests are from Asia." in summary
    assert not re.search(r"\b0 (were|of them)\b|\*\*0\*\*", summary), summary
    funnel = story.toolkit_funnel(shown, "Asia")
    assert funnel.endswith("(**1** country fewer). No country drops out at any other step."), funnel


# --------------------------------------------------------------------------- the pages' headlines

def _csv(data_dir, name: str):
    """A processed CSV read with plain pandas, not the package's loaders (the numbers must agree)."""
    import pandas as pd
    from iccwc import paths
    folder = paths.PROCESSED if data_dir is None else Path(data_dir) / "processed"
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def _month(ym: str) -> str:
    import pandas as pd
    return pd.Timestamp(ym + "-01").strftime("%B %Y")


def _toolkit_expected(data_dir) -> dict[str, str]:
    tk = _csv(data_dir, "toolkit_status.csv")
    latest = tk[tk["status_date"] == tk["status_date"].max()]
    n = len(latest)
    complete = int((latest["stage"] == "complete").sum())
    unknown = int((latest["last_step"] == "").sum())
    out = {"Countries that asked for the Toolkit": str(n)}
    if unknown == n:
        out.update({"Completed all 8 steps": "unknown", "Under way": "unknown"})
    else:
        out.update({"Completed all 8 steps": str(complete), "Under way": str(n - complete - unknown)})
        if unknown:
            out["Steps not known"] = str(unknown)
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_toolkit_headline_numbers_are_what_pandas_computes_from_the_csv(folders, kind):
    """01's headline (the committed data, two snapshots with a FICTIONAL later one, and a FICTIONAL one
    alone): requests, completed, under way of the latest status date, and that date."""
    data_dir = folders[kind]
    shown = iccwc.load_toolkit(data_dir, status_date="latest")
    html = story.headline_toolkit(shown)
    assert html.startswith('<dl class="iccwc-headline"><div><dt>')
    assert story.headline_numbers(html) == _toolkit_expected(data_dir)
    latest = _csv(data_dir, "toolkit_status.csv")["status_date"].max()
    assert f"As of {story.date_label(latest)}" in html


def test_toolkit_headline_for_one_region_counts_its_rows_only():
    shown = iccwc.load_toolkit(status_date="latest")
    asia = shown[shown["region"] == "Asia"]
    tk = _csv(None, "toolkit_status.csv")
    rows = tk[(tk["status_date"] == tk["status_date"].max()) & (tk["region"] == "Asia")]
    got = story.headline_numbers(story.headline_toolkit(asia, "Asia"))
    assert got["Countries that asked for the Toolkit in Asia"] == str(len(rows))
    assert got["Completed all 8 steps"] == str(int((rows["stage"] == "complete").sum()))


@pytest.mark.parametrize("kind", ["sc66", "only"])
def test_recognition_headline_numbers_are_what_pandas_computes_from_the_csv(folders, kind):
    data_dir = folders[kind]
    rec = _csv(data_dir, "recognitions.csv")
    named = int((rec["mentions_toolkit"] == "True").sum())
    unknown = int((rec["mentions_toolkit"] == "").sum())
    html = story.headline_recognition(iccwc.load_recognitions(data_dir))
    assert story.headline_numbers(html) == {
        "Instruments recognising ICCWC": str(len(rec)), "First": _month(rec["date"].min()),
        "Latest": _month(rec["date"].max()),
        "Name the Analytic Toolkit": f"{named}" + (f" (+{unknown} unknown)" if unknown else "")}
    assert f"As of {_month(rec['date'].max())}" in html


def _activities_expected(data_dir) -> dict[str, str]:
    act = _csv(data_dir, "activities.csv")
    starts = act.loc[act["year_start"] != "", "year_start"].astype(float).astype(int)
    ends = act.loc[act["year_end"] != "", "year_end"].astype(float).astype(int)
    last = max(ends.max(), starts.max())
    return {"ICCWC activities": str(len(act)), "Countries": str(act["iso3"].nunique()),
            "Regions": str(act.loc[act["document_region"] != "", "document_region"].nunique()),
            "Years covered": f"{starts.min()}\u2013{last}" if starts.min() != last else str(last)}


def test_coverage_headline_numbers_are_what_pandas_computes_from_the_csv():
    html = story.headline_coverage(iccwc.load_activities(), iccwc.load_toolkit(status_date="latest"))
    assert story.headline_numbers(html) == _activities_expected(None)
    assert "Toolkit stages as of " + story.date_label(_csv(None, "toolkit_status.csv")["status_date"].max()) in html


def test_coverage_headline_on_the_fictional_website_fixture(tmp_path):
    """The FICTIONAL website fixture, rebuilt in a copy of the data: the headline follows its rows."""
    import shutil
    fixture = FIXTURES / "website"
    if not any(fixture.glob("*.csv")):
        pytest.skip("no FICTIONAL website fixture")
    data = copy_data(tmp_path / "data")
    web = data / "raw" / "iccwc-website"
    src = next(p for p in sorted(fixture.glob("*.csv")) if (fixture / (p.stem + ".provenance.json")).exists()) \
        if any(fixture.glob("*.provenance.json")) else None
    if src is None:
        pytest.skip("the FICTIONAL website fixture has no provenance record to copy")
    for p in web.glob("pins*"):
        p.unlink()
    shutil.copy(src, web / src.name)
    shutil.copy(fixture / (src.stem + ".provenance.json"), web / (src.stem + ".provenance.json"))
    try:
        rebuild(data, log=lambda msg: None)
    except Exception as e:                     # a fixture made to be refused is no headline's business
        pytest.skip(f"the fixture does not rebuild on its own: {e}")
    html = story.headline_coverage(iccwc.load_activities(data))
    assert story.headline_numbers(html) == _activities_expected(data)


@pytest.mark.parametrize("kind", KINDS)
def test_overview_headline_gives_one_number_per_question(folders, kind):
    data_dir = folders[kind]
    pp = _csv(data_dir, "partner_presence.csv")
    expected = {"Countries that asked for the Toolkit": _toolkit_expected(data_dir)["Countries that asked for the Toolkit"],
                "Instruments recognising ICCWC": str(len(_csv(data_dir, "recognitions.csv"))),
                "Countries with ICCWC activities": str(_csv(data_dir, "activities.csv")["iso3"].nunique()),
                "Partner networks counted": str(len(pp[["partner", "network"]].drop_duplicates()))}
    html = story.headline_overview(data_dir)
    assert story.headline_numbers(html) == expected
    assert html.count("<dt>") == 4 and "Toolkit as of " in html


def test_headline_escapes_and_says_unknown():
    html = story.headline_html([("A <b>", None), ("B & C", 3)], "As of <now>.")
    assert story.headline_numbers(html) == {"A <b>": "unknown", "B & C": "3"}
    assert "<b>" not in html and "&lt;now&gt;" in html


#: Besides the process words, a story text names no file of the project.
FILE_NAME = re.compile(r"\.(ipynb|py|csv)\b", re.I)


@pytest.mark.parametrize("kind", KINDS)
def test_what_a_page_shows_has_no_process_words(folders, kind):
    """The texts the pages show a reader (headlines, findings) never speak of the machinery."""
    data_dir = folders[kind]
    tk = iccwc.load_toolkit(data_dir)
    shown = iccwc.load_toolkit(data_dir, status_date="latest")
    rec = iccwc.load_recognitions(data_dir)
    from iccwc.data.activities import activities_as_of
    act = activities_as_of(iccwc.load_activities(data_dir), shown)
    shown_texts = [story.headline_toolkit(shown), story.headline_recognition(rec), story.headline_coverage(act, shown),
                   story.headline_overview(data_dir), story.overview_sc66(data_dir),
                   story.toolkit_funnel(shown, counts=False), story.toolkit_stalls(shown),
                   story.toolkit_regions(shown, counts=False), story.toolkit_progress(tk),
                   story.coverage_story(act, None, counts=False), story.recognition_bodies(rec),
                   story.recognition_toolkit(rec), story.recognition_themes(rec), story.recognition_places(rec),
                   story.recognition_reporting(iccwc.load_iccwc_documents(data_dir))]
    for text in shown_texts:
        assert not process_words(text) and not FILE_NAME.search(text), (process_words(text), text)


def test_short_variants_leave_out_the_counts_only():
    shown = iccwc.load_toolkit(status_date="latest")
    full, short = story.toolkit_funnel(shown), story.toolkit_funnel(shown, counts=False)
    assert short and short in full and not short.startswith("As of")
    full, short = story.toolkit_regions(shown), story.toolkit_regions(shown, counts=False)
    assert short and short in full and "By continent" not in short
