"""Country profiles (issue 24): iccwc.country_profile on the FICTIONAL folder tests/fixtures/profiles
(see its README: every row there is made up), and on the real data where the profile must agree with
the coverage counts (issue 24, item 4)."""
from __future__ import annotations

import json

import pandas as pd
import pytest

import iccwc
from iccwc.analysis import coverage, profiles
from iccwc.errors import UnknownName
from helpers import FIXTURES

D = FIXTURES / "profiles"


@pytest.fixture(scope="module")
def kenya():
    return iccwc.country_profile("Kenya", D)


def test_a_country_in_the_toolkit_table_and_on_the_map(kenya):
    assert (kenya.iso3, kenya.name, kenya.region) == ("KEN", "Kenya", "Africa")
    first, second = kenya.toolkit
    assert first.status_date == pd.Timestamp("2015-11-09") and first.listed
    assert (first.last_step, first.stage, first.change) == (3, "planning phase", None)
    assert first.steps_done == ("Step 1: Request", "Step 2: Nomination of focal point", "Step 3: Preparatory work")
    assert first.source == "FICTIONAL-toolkit-table-2015-11.txt, line 10"
    # the 2017 list names Kenya with no steps: unknown, never "went back" from step 3
    assert second.listed and second.last_step is None and second.steps_done == ()
    assert (second.stage, second.change) == ("listed, steps unknown", "steps unknown")
    s = kenya.sentences()["toolkit"]
    assert "by 9 November 2015 it had done the preparatory work (step 3)" in s
    assert "on 31 March 2017 it was listed, its steps unknown" in s
    assert len(kenya.activities) == 3
    assert kenya.activities_by("activity_type") == {"Toolkit": 1, "Indicator Framework": 1, "enforcement operation": 1}
    assert kenya.activities_by("year_start") == {"2018": 1, "2019": 2}
    assert kenya.activities["source"].str.startswith("FICTIONAL-pins.csv, line ").all()
    # the instrument adopted in Nairobi, not the one without a place
    assert kenya.recognitions["id"].tolist() == ["fictional-nairobi-declaration"]
    assert "FICTIONAL Nairobi Declaration on test fixtures (Nairobi, May 2016)" in kenya.sentences()["recognitions"]


def test_a_country_only_on_the_map():
    p = iccwc.country_profile("Chile", D)
    assert [t.listed for t in p.toolkit] == [False, False] and {t.stage for t in p.toolkit} == {"not listed"}
    assert p.sentences()["toolkit"] == ("Chile is not listed in any Toolkit status table or list of the data "
                                        "(9 November 2015, 31 March 2017).")
    assert p.activities["activity_type"].tolist() == ["training or workshop"] and p.has_data


def test_a_country_only_in_a_status_list_has_its_steps_unknown():
    p = iccwc.country_profile("Gabon", D)
    before, after = p.toolkit
    assert not before.listed and after.listed and after.last_step is None and after.action_plan is None
    assert after.change == "new request"
    assert p.sentences()["toolkit"] == ("Gabon asked for the Toolkit (not listed on 9 November 2015); on 31 March "
                                        "2017 it was listed, its steps unknown (the status list gives none).")
    assert len(p.activities) == 0 and "no ICCWC activity in Gabon" in p.sentences()["activities"]


def test_aliases_and_codes_resolve_as_the_rebuild_does(kenya):
    for name in ("DRC", "Democratic Republic of Congo", "COD", "cod", "Congo, The Democratic Republic of the"):
        assert iccwc.country_profile(name, D).iso3 == "COD"
    assert iccwc.country_profile("KEN", D).rows() == kenya.rows()
    drc = iccwc.country_profile("DRC", D)
    assert drc.toolkit[0].stage == "complete" and drc.toolkit[0].action_plan is True
    assert drc.toolkit[1].change == "no longer listed"


def test_one_display_name_for_two_spellings():
    old, new = iccwc.country_profile("Turkey", D), iccwc.country_profile("Türkiye", D)
    assert old.rows() == new.rows() and old.name == new.name == "Türkiye"
    # both spellings kept, with where they are printed
    assert set(new.names_in_sources) == {("Turkey", "toolkit_status"), ("Türkiye", "toolkit_status"),
                                         ("Turkey", "activities")}
    assert [t.country_as_printed for t in new.toolkit] == ["Turkey", "Türkiye"]
    assert iccwc.profile_countries(D)["name"].tolist() == [
        "Chile", "Democratic Republic of the Congo", "Gabon", "Kenya", "Türkiye"]


def test_an_unknown_name_suggests_the_closest():
    with pytest.raises(UnknownName) as exc:
        iccwc.country_profile("Kenia", D)
    assert exc.value.suggestions[0] == "Kenya"
    assert str(exc.value).startswith("unknown country 'Kenia': did you mean 'Kenya'")
    with pytest.raises(UnknownName) as exc:
        iccwc.country_profile("GABONN", D)                 # case aside, the closest spelling as printed
    assert exc.value.suggestions == ["Gabon"]
    with pytest.raises(LookupError, match="no similar name"):
        iccwc.country_profile("Xqzw", D)


def test_partner_presence_is_said_to_have_no_country_figures(kenya):
    assert kenya.partner_presence == profiles.NO_COUNTRY_FIGURES == "the sources give no country figures"
    assert kenya.partner_figures_global == 2
    assert "the sources give no country figures" in kenya.sentences()["partner_presence"]


def test_a_text_naming_both_tools_is_one_activity_of_each_type(kenya):
    both = kenya.activities[kenya.activities["description"].str.contains("Toolkit and Indicator Framework")]
    assert sorted(both["activity_type"]) == ["Indicator Framework", "Toolkit"]
    assert both["source_line"].tolist() == [2, 2] and both["year_start"].tolist() == [2019, 2019]
    act = iccwc.load_activities(D)
    # counted the same way by the coverage analysis: Kenya is an Indicator Framework country
    assert coverage.reach(act, "activity_type").loc["Indicator Framework", "countries"] == 1
    assert coverage.filter_activities(act, activity_type="Indicator Framework")["iso3"].tolist() == ["KEN"]


def test_rows_are_plain_json_and_html_is_escaped(kenya):
    rows = kenya.rows()
    assert json.loads(json.dumps(rows)) == rows
    assert rows["country"]["name"] == "Kenya" and len(rows["activities"]) == 3
    assert rows["toolkit"][1]["last_step"] is None and rows["toolkit"][1]["steps_done"] == []
    page = kenya._repr_html_()
    assert page.startswith("<div") and "Kenya (KEN)" in page and "FICTIONAL Operation Testbird" in page
    odd = profiles.CountryProfile(
        iso3="KEN", name="<b>K&nya</b>", region="Africa", document_region="Africa & Europe",
        names_in_sources=(), toolkit=(), activities=kenya.activities.iloc[:0], recognitions=kenya.recognitions.iloc[:0])
    assert "<b>K&nya" not in odd._repr_html_() and "&lt;b&gt;K&amp;nya&lt;/b&gt;" in odd._repr_html_()


# ---------------------------------------------------------------------------- the real data

def test_real_profiles_count_activities_as_coverage_does():
    act = iccwc.load_activities()
    allp = profiles.all_profiles()
    assert sum(len(p.activities) for p in allp.values()) == len(act)
    by_type = coverage.reach(act, "activity_type")
    for kind in ("Toolkit", "Indicator Framework"):
        countries = {c for c, p in allp.items() if kind in p.activities_by("activity_type")}
        assert len(countries) == by_type.loc[kind, "countries"]
    framework = {c for c, p in allp.items() if "Indicator Framework" in p.activities_by("activity_type")}
    # pins.csv: Bolivia, Brazil, Laos, Namibia's "Toolkit and Indicator Framework (implementation) (2019)"
    # besides the 4 Indicator Framework lines of their own (item 4: 8 countries, 4 before)
    assert {"BOL", "BRA", "LAO", "NAM"} <= framework and len(framework) == 8


def test_real_examples_of_the_brief():
    assert iccwc.country_profile("Tanzania").iso3 == iccwc.country_profile("United Republic of Tanzania").iso3 == "TZA"
    assert iccwc.country_profile("Viet Nam").iso3 == "VNM"
    assert iccwc.country_profile("DRC").name == "Democratic Republic of the Congo"
    tza = iccwc.country_profile("Tanzania")
    assert "arusha-declaration" in set(tza.recognitions["id"])          # adopted in Arusha (SC66 Part 2)


def test_views_count_activities_as_the_profiles_do():
    """The coverage views (the interactive page's inline rows, a map popup) carry one row per activity:
    the same counts as a profile (item 4: a text naming both tools is in both types)."""
    from iccwc.views.interactive import coverage as icov
    from iccwc.views.maps import coverage as mcov
    act = iccwc.load_activities()
    inline = pd.DataFrame(icov.rows(act))
    assert len(inline) == len(act)
    framework = inline.loc[inline["activity_type"] == "Indicator Framework", "iso3"]
    assert framework.nunique() == 8
    bolivia = iccwc.country_profile("Bolivia")
    assert set(bolivia.activities_by("activity_type")) >= {"Toolkit", "Indicator Framework"}
    popup = mcov.popup_html("Bolivia", act[act["iso3"] == "BOL"], None)
    assert f"({len(bolivia.activities)} activities)" in popup
    assert popup.count("Toolkit and Indicator Framework implementation") == 2     # under each of its two types


def test_two_status_dates_after_a_rebuild(data_2016):
    """The FICTIONAL 2016 status document beside SC66 (tests/fixtures/snapshot-2016): each country's
    change is the one iccwc.snapshots gives, and all_profiles (changes computed once) agrees with one call."""
    from iccwc.analysis import snapshots
    tk = iccwc.load_toolkit(data_2016)
    moved = snapshots.changes(tk)
    allp = profiles.all_profiles(data_2016)
    for r in moved.itertuples():
        p = allp[r.iso3]
        assert [t.status_date for t in p.toolkit] == [pd.Timestamp("2015-11-09"), pd.Timestamp("2016-06-01")]
        assert p.toolkit[1].change == str(r.change) and p.toolkit[0].change is None
        assert p.toolkit[1].last_step == (None if pd.isna(r.to_step) else int(r.to_step))
    kenya = iccwc.country_profile("Kenya", data_2016)
    assert kenya.rows() == allp["KEN"].rows()
    assert [t.last_step for t in kenya.toolkit] == [3, 3] and kenya.toolkit[1].change == "unchanged"
