"""Issue 26: later facts, second pass. Item 1: no negative the sources do not state (a news-sourced
instrument's ``mentions_toolkit`` is empty unless its quote names the Toolkit; unknown counts neither
way). Item 2: every partner or reach figure of news.json is in the data or listed out of scope with its
reason. Item 3: dates as precise as the source gives them."""
from __future__ import annotations

import pandas as pd

import iccwc
from iccwc.analysis import recognition


def _news_rows(rec):
    return rec[recognition.source_of(rec) == "iccwc-website/news.json"]


def test_a_news_sourced_instrument_names_the_toolkit_or_is_unknown_never_false():
    rec = iccwc.load_recognitions()
    news = _news_rows(rec)
    assert len(news) >= 4
    for r in news.itertuples(index=False):
        names = "toolkit" in r.quote.lower()
        assert (pd.notna(r.mentions_toolkit) and bool(r.mentions_toolkit)) if names else pd.isna(r.mentions_toolkit), r.id
    sc66 = recognition.sc66_list(rec)
    assert sc66["mentions_toolkit"].notna().all()              # SC66 quotes the instruments' own passages


def test_unknown_is_counted_neither_way():
    rec = iccwc.load_recognitions()
    s = recognition.summary(rec)
    known_true = int((rec["mentions_toolkit"] == True).sum())            # noqa: E712 (NA stays NA)
    known_false = int((rec["mentions_toolkit"] == False).sum())          # noqa: E712
    assert s["toolkit"] == known_true and s["toolkit_not_named"] == known_false
    assert s["toolkit_unknown"] == int(rec["mentions_toolkit"].isna().sum()) >= 3
    assert s["toolkit"] + s["toolkit_not_named"] + s["toolkit_unknown"] == s["instruments"]
    cum = recognition.monthly_cumulative(rec)
    assert int(cum["toolkit_cumulative"].iloc[-1]) == s["toolkit"]
    assert len(recognition.toolkit_instruments(rec)) == s["toolkit"]
    assert len(recognition.filter_recognitions(rec, toolkit_only=True)) == s["toolkit"]
    unknown = rec[recognition.toolkit_unknown(rec)]
    assert recognition.first_toolkit_month(unknown) is None


def test_the_views_show_unknown_as_unknown():
    from iccwc.views.explorers.recognition import table_frame
    from iccwc.views.interactive.recognition import rows
    from iccwc.views.story import recognition_summary_md, recognition_toolkit
    rec = iccwc.load_recognitions()
    n = int(rec["mentions_toolkit"].isna().sum())
    assert (rows(rec)["mentions_toolkit"] == "unknown").sum() == n
    assert set(table_frame(rec).iloc[:, list(table_frame(rec).columns).index(
        [c for c in table_frame(rec).columns if "oolkit" in c][0])]) == {"yes", "no", "unknown"}
    assert f"For **{n}** more, known only from a news item, the source cannot tell" in recognition_toolkit(rec)
    assert "the source cannot tell" in recognition_summary_md(rec, iccwc.load_iccwc_documents())


def test_a_day_the_source_states_is_kept():
    import json
    import re
    from iccwc import paths
    from iccwc.data.sources import strip_html
    rec = iccwc.load_recognitions()
    assert rec.set_index("id").loc["unga-71-2017", "adopted"] == "2017-09-11"
    assert (rec["adopted"].str[:7] == rec["date"]).all()
    items = {it["url"]: it for it in json.loads((paths.layout()["raw"] / "iccwc-website" / "news.json")
                                                .read_text(encoding="utf-8"))}
    for r in _news_rows(rec).itertuples(index=False):
        url = r.source.split(", ", 1)[1].split(" (")[0]
        text = strip_html((items[url].get("title") or "") + " " + items[url]["body"])
        days = {pd.Timestamp(m).strftime("%Y-%m-%d") for m in
                re.findall(r"adopted on (\d{1,2} [A-Z][a-z]+ \d{4})", text)}
        days = {d for d in days if d[:7] == r.date}
        assert r.adopted == (days.pop() if len(days) == 1 else r.date), r.id
