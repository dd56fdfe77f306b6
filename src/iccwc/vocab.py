"""The document's vocabulary, in one place: every other module takes its terms from here.

Nothing here reads a file or imports another ``iccwc`` module: these are the words
of the CITES SC66 information document on ICCWC (January 2016) and the project's
few documented rules on top of them (how a stage follows from the steps done;
how continents fall into the document's regional maps).

* The Analytic Toolkit's 8 implementation steps and the action-plan column
  (Part 3 table), the marks read as "done", the four stages of the map legend.
* The three categories of recognition (Part 2).
* Continents and the document's regional grouping (Part 4 maps).
* The three categories of activity (Part 4), activity types and statuses.
* What can happen to a country between two Toolkit status dates.
"""
from __future__ import annotations

# ------------------------------------------------------------------ Toolkit (Part 3)

STEPS = [
    ("step_1_request", "REQUEST"),
    ("step_2_focal_point", "NOMINATION OF FOCAL POINT"),
    ("step_3_preparatory_work", "PREPARATORY WORK"),
    ("step_4_initial_meeting", "INITIAL MEETING"),
    ("step_5_in_country_mission", "IN-COUNTRY MISSION"),
    ("step_6_report_draft", "REPORT (DRAFT)"),
    ("step_7_action_plan", "ACTION PLAN"),
    ("step_8_presentation", "PRESENTATION"),
]
STEP_COLUMNS = [c for c, _ in STEPS]
STEP_LABELS = {c: f"Step {i}: {label.capitalize()}" for i, (c, label) in enumerate(STEPS, 1)}
ACTION_PLAN = "action_plan_implementation"
ACTION_PLAN_LABEL = "Implementation of action plan recommendations"
MARK_COLUMNS = STEP_COLUMNS + [ACTION_PLAN]
#: Each mark column's label, and the labels in table order (the 8 steps, then the action plan).
MARK_LABELS = {**STEP_LABELS, ACTION_PLAN: ACTION_PLAN_LABEL}
STEP_ORDER = [MARK_LABELS[c] for c in MARK_COLUMNS]

#: Cell contents read as "done". Anything else that is not blank is an error.
#: A Latin-1 or Windows-1252 file cannot hold a check mark, so there a done step is
#: marked with the letter X (upper or lower case), the usual mark of a ticked box in
#: plain text. Nothing else is guessed: a "yes", "1", "-" or a Wingdings "ü" is an error.
MARKS = frozenset({"✓", "✔", "√", "☑", "✅", "X", "x"})

STAGES = ["request received", "planning phase", "in process", "complete"]
STAGE_LEGEND = {
    "request received": "Toolkit request received",
    "planning phase": "Toolkit implementation in planning phase",
    "in process": "Toolkit implementation in process",
    "complete": "Toolkit implementation complete",
}

#: The stage of a country a status *list* names (a Toolkit year, no steps: the ICCWC website's pins,
#: a list shaped status file): it asked for the Toolkit, but how far it has come is unknown. Its steps
#: are empty (unknown), never False; it is never counted as at step 0 or 1, never as going back.
STEPS_UNKNOWN = "listed, steps unknown"
#: Every value of toolkit_status.csv's ``stage``: the legend's four stages, then :data:`STEPS_UNKNOWN`.
TOOLKIT_STAGES = [*STAGES, STEPS_UNKNOWN]
#: Its label beside the legend's four (not a stage of the document's legend: the project's).
STAGE_LEGEND[STEPS_UNKNOWN] = "Toolkit requested; steps unknown (a status list gives no steps)"

def stage_of(last_step: int) -> str:
    """The map-legend stage for the highest step done (see module docs)."""
    if last_step >= 8:
        return "complete"
    if last_step >= 5:
        return "in process"
    if last_step >= 2:
        return "planning phase"
    if last_step == 1:
        return "request received"
    raise ValueError(f"no stage for last_step={last_step}: a listed country has at least step 1")


# ------------------------------------------------------------------ recognition (Part 2)

#: The document's three groups of recognising instruments, in its order.
CATEGORIES = [
    "governing bodies of ICCWC partner organizations",
    "global declarations and statements",
    "regional declarations and statements",
]
#: Kinds of instrument (``instrument_type``): the SC66 list's words, and "decision" (CITES CoP17's, in a
#: news item). Anything else is refused.
INSTRUMENT_TYPES = ["resolution", "decision", "declaration", "statement", "recommendations", "urgent measures"]
#: Where a recognition's category comes from (``category_basis``): "heading", the category heading it sits
#: under in its source (SC66 Part 2); "issuing body", for an instrument no heading files (a later one, from a
#: news item), the category of the same body's instruments under a heading (checked on every rebuild);
#: "curated", neither: the curator's reading of the issuing body as its source names it (a conference of one
#: region: regional), documented in docs/data.md.
CATEGORY_BASES = ["heading", "issuing body", "curated"]


# ------------------------------------------------------------------ regions

#: Part 4 of the document draws three regional maps; this is how continents fall into them.
#: The document has no Oceania map, so Oceania keeps its own name.
DOCUMENT_REGION_OF_CONTINENT = {
    "North America": "Americas",
    "South America": "Americas",
    "Africa": "Africa & Europe",
    "Europe": "Africa & Europe",
    "Asia": "Asia",
    "Oceania": "Oceania",
}
DOCUMENT_REGIONS = ["Americas", "Africa & Europe", "Asia"]
CONTINENTS = ["Africa", "Asia", "Europe", "North America", "South America", "Oceania"]
DOC_REGIONS = sorted(set(DOCUMENT_REGION_OF_CONTINENT.values()))


# ------------------------------------------------------------------ activities (Part 4)

#: The document's three Part 4 categories, in its order.
ACTIVITY_CATEGORIES = [
    "analysis of national responses",
    "capacity building and law enforcement support",
    "cross-cutting activities",
]
#: Types of activity. The first four after "Toolkit" below are the markers of the Part 4 legend
#: (Toolkit, WEN, WIST) and "other"; the rest name what the ICCWC website's activity map lists
#: (see ACTIVITY_TYPE_RULES), so that "other" stays a small minority. In this order in charts.
ACTIVITY_TYPES = ["Toolkit", "Indicator Framework", "enforcement operation", "WIST", "WEN",
                  "meeting", "training or workshop", "assessment or mission", "other"]
ACTIVITY_TYPE_LABELS = {
    "Toolkit": "Toolkit: Wildlife & Forest Crime Analytic Toolkit",
    "Indicator Framework": "Indicator Framework for Combating Wildlife and Forest Crime",
    "enforcement operation": "enforcement operation (Thunderball, Thunderstorm, Thunderbird, Cobra, PAWS...)",
    "WIST": "WIST: Wildlife Incident Support Team",
    "WEN": "WEN: Wildlife Enforcement Network (e.g. a global meeting of the WENs)",
    "meeting": "meeting, dialogue, roundtable or forum",
    "training or workshop": "training, course, seminar or workshop",
    "assessment or mission": "assessment or mission (e.g. risk assessments, a customs mission)",
    "other": "other activity",
}
#: How an activity's text (the ICCWC website's description line) gives its type: the FIRST rule
#: whose pattern matches (case-insensitive regular expression) wins; no match gives "other".
#: Order matters: "Operation COBRA III post operational review training workshop" is a workshop, not the
#: operation itself; "Operation Thunderball (2019)" names the operation ("Operational ..." and
#: "Preoperational ..." do not). Except for :data:`ONE_ACTIVITY_PER_TOOL`: a text naming both tools is
#: one activity of each type (issue 24, item 4).
ACTIVITY_TYPE_RULES = [
    ("Toolkit", r"\btoolkit\b"),
    ("Indicator Framework", r"\bindicator framework\b"),
    ("WIST", r"\bWIST\b|wildlife incident support team"),
    ("WEN", r"\bWENs?\b|wildlife enforcement networks?\b"),
    ("meeting", r"\bmeeting\b|\broundtable\b|\bround table\b|\bdialogue\b|\bforum\b|\bconference\b"),
    ("training or workshop", r"\btraining\b|\bworkshop\b|\bseminar\b|\bcourse\b"),
    ("enforcement operation", r"\boperation\s"),
    ("assessment or mission", r"\bassessments?\b|\bmission\b"),
]
#: ICCWC's two analytic tools, each implemented in a country as a thing done on its own. A text that
#: names both ("Toolkit and Indicator Framework implementation (2019)") is one activity per tool, each of
#: one type, so that filtering or counting by type finds every country that implemented a tool, and
#: counts by type add up to the number of activities (docs/data.md, "Adding ICCWC activities").
ONE_ACTIVITY_PER_TOOL = ["Toolkit", "Indicator Framework"]
#: The ICCWC website's groups (pins.csv, column "group") -> the document's Part 4 categories.
WEBSITE_GROUPS = {
    "Analysis of national responses": "analysis of national responses",
    "Law enforcement support and capacity building": "capacity building and law enforcement support",
    "Cross-cutting activities": "cross-cutting activities",
}
#: ICCWC was established in November 2010: an activity year before it is an error.
FIRST_ACTIVITY_YEAR = 2010
#: The legend's asterisk: "*: ongoing/planned activities". Empty when the source gives no status.
ACTIVITY_STATUSES = ["completed", "ongoing or planned"]
PERIOD_PATTERN = r"^\d{4}(-\d{4})?$"


# ------------------------------------------------------------------ Toolkit snapshots

#: What happened to a country between two status dates, in reporting order.
#: ``steps unknown``: listed at both dates, but one of them (or both) does not give the steps
#: (:data:`STEPS_UNKNOWN`), so whether it moved is not known; never "went back".
CHANGES = ["new request", "completed", "advanced", "unchanged", "steps unknown", "went back", "no longer listed"]
#: The change of a country listed at both dates whose steps one of the two does not give.
CHANGE_UNKNOWN = "steps unknown"


# ------------------------------------------------------------------ Toolkit reach over time

#: What a count of the Toolkit's reach counts (data/curated/toolkit_reach.csv, column ``measure``),
#: in the order charts and tables list them. The words are the sources': the SC66 document's
#: "requests for toolkit implementation have been received", "Implementation has been successfully
#: completed in N countries and is at different stages of implementation in N countries", and the
#: news items' "has been, or is being, implemented in N countries" / "to implement ... in around N countries".
REACH_MEASURES = ["requests", "completed", "under way", "countries implementing", "countries supported"]
REACH_MEASURE_LABELS = {
    "requests": "requests for Toolkit implementation received",
    "completed": "countries where implementation has been completed",
    "under way": "countries at different stages of implementation (not complete)",
    "countries implementing": "countries where the Toolkit has been, is being or is to be implemented "
                              "(complete and under way together)",
    # ICCWC's reach as a whole, of which Toolkit work is a part (issue 26: "on-the-ground support in over
    # 30 countries"): shown beside the Toolkit's counts in 01's reach over time.
    "countries supported": "countries where ICCWC has delivered on-the-ground support (all its work, the "
                           "Toolkit included)",
}
#: How a chart marks a qualifier the source prints with a count: approximate ("~20") or a lower
#: bound (">150"). Any other qualifier (e.g. "has been, or is being") gets a footnote mark ("19*").
REACH_QUALIFIER_SIGNS = {"about": "~", "around": "~", "approximately": "~", "some": "~",
                         "more than": ">", "over": ">", "at least": "≥"}
#: Footnote marks for the other qualifiers, in order of first appearance.
REACH_FOOTNOTE_MARKS = ["*", "†", "‡", "§"]
