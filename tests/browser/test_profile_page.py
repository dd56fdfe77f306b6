"""The country profiles' page (issue 24) in headless Chromium, the network blocked, at 390 and 1280 px:
choosing a country in the page's picker changes every part of the profile to that country's rows
(checked against data/processed, read here with pandas), the address then holds ``country=<ISO3>``,
and opening ``04-country-profiles.html#country=<ISO3>`` restores it. Screenshots go to tests/artifacts/.
"""
from __future__ import annotations


import pandas as pd
import pytest

from browserkit import opened, screenshot, settled

from helpers import process_words
from iccwc import paths

pytestmark = pytest.mark.browser

PAGE = "04-country-profiles"
HEIGHTS = {390: 844, 1280: 900}
#: The site's budget for one page's HTML.
BUDGET = 1_000_000


def expected(iso3: str) -> dict:
    """What the profile of ``iso3`` must show, from the processed CSVs."""
    d = paths.PROCESSED
    act = pd.read_csv(d / "activities.csv")
    tk = pd.read_csv(d / "toolkit_status.csv")
    dates = sorted(tk["status_date"].unique())
    mine = tk[tk["iso3"] == iso3].set_index("status_date")
    stages = [mine.loc[x, "stage"] if x in mine.index else "not listed" for x in dates]
    return {"activities": int((act["iso3"] == iso3).sum()), "stages": stages, "dates": len(dates)}


def open_page(browser, rendered, width: int, fragment: str = ""):
    """The profiles page, network blocked, its chart drawn."""
    return settled(opened(browser, (rendered / f"{PAGE}.html").as_uri() + fragment, width, HEIGHTS[width]), 500,
                   "figure.iccwc-vega-drawn select")


def shown(pg) -> dict:
    """What the profile shows now: the picker's value, the name, each list's lines, the map's marks."""
    return pg.evaluate("""() => {
      const texts = name => [...document.querySelectorAll('g.' + name + ' text')].map(t => t.textContent);
      const fills = [...document.querySelectorAll('g.prof_world_marks path')].map(p => p.getAttribute('fill'));
      return {
        value: document.querySelector('figure.iccwc-vega-drawn select').value,
        name: texts('prof_name_marks'), sentences: texts('prof_sentences_marks').join(' '),
        toolkit: texts('prof_toolkit_marks'), activities: texts('prof_activities_marks'),
        instruments: texts('prof_instruments_marks'), shapes: fills.length,
        chosen: fills.filter(f => f === '#1f5f8b').length,
        points: document.querySelectorAll('g.prof_point_marks path').length,
        timeline: document.querySelectorAll('g.prof_timeline path, g.prof_timeline text').length,
      };
    }""")


def check_country(now: dict, iso3: str, name: str) -> None:
    want = expected(iso3)
    assert now["value"] == iso3 and now["name"] == [name]
    assert len(now["activities"]) == max(want["activities"], 1), (iso3, now["activities"])
    if want["activities"] == 0:
        assert now["activities"] == ["None in the data"]
    assert len(now["toolkit"]) == want["dates"]
    for line, stage in zip(now["toolkit"], want["stages"]):
        assert stage in line, (line, stage)
    assert name in now["sentences"] and f"{want['activities']} ICCWC activit" in now["sentences"]
    assert now["shapes"] > 100 and now["points"] == 1          # the world is drawn; the country is marked


@pytest.mark.parametrize("width", sorted(HEIGHTS))
def test_choosing_a_country_changes_the_profile_and_the_address_restores_it(browser, rendered, width):
    with open_page(browser, rendered, width) as pg:
        first = shown(pg)
        names = dict(pg.evaluate("""() => [...document.querySelector('figure.iccwc-vega-drawn select').options]
                                    .map(o => [o.value, o.textContent])"""))
        tk = pd.read_csv(paths.PROCESSED / "toolkit_status.csv")
        # a country with a Toolkit status and activities, not the one the page opens on
        act = pd.read_csv(paths.PROCESSED / "activities.csv")
        pick = next(c for c in act["iso3"].value_counts().index if c in set(tk["iso3"]) and c != first["value"])
        check_country(first, first["value"], names[first["value"]])
        pg.locator("figure.iccwc-vega-drawn select").select_option(pick)
        pg.wait_for_timeout(400)
        now = shown(pg)
        check_country(now, pick, names[pick])
        assert now["activities"] != first["activities"]
        assert pg.evaluate("() => location.hash") == f"#country={pick}"
        # nothing runs off the right edge; no words meant for the notebook's authors in what the notebook
        # shows (the site's own closing section lists the software, nbval among it: not the notebook's text)
        assert pg.evaluate("() => document.documentElement.scrollWidth") <= width + 2
        text = pg.evaluate("() => [...document.querySelectorAll('.jp-Cell')].map(c => c.innerText).join(' ')")
        assert "How this was made" in text
        assert not process_words(text)
        screenshot(pg, f"profile-{pick}-{width}")
        assert pg.blocked == [] and pg.errors == []
    # the address opens that country
    with open_page(browser, rendered, width, f"#country={pick}") as pg:
        again = shown(pg)
        check_country(again, pick, names[pick])
        assert again["activities"] == now["activities"]
        assert pg.blocked == [] and pg.errors == []


def test_a_link_opens_a_country_and_the_page_is_within_budget(browser, rendered):
    size = (rendered / f"{PAGE}.html").stat().st_size
    assert size < BUDGET, f"{PAGE}.html is {size} bytes"
    with open_page(browser, rendered, 390, "#country=KEN") as pg:
        now = shown(pg)
        check_country(now, "KEN", "Kenya")
        screenshot(pg, "profile-KEN-390")
        pg.evaluate("() => { location.hash = 'country=TZA'; }")         # another address on the same page
        pg.wait_for_timeout(500)
        label = pg.evaluate("() => document.querySelector('figure.iccwc-vega-drawn select option[value=TZA]').textContent")
        check_country(shown(pg), "TZA", label)
        assert "Arusha Declaration" in " ".join(shown(pg)["instruments"])
        assert pg.errors == []
