"""Maps: the areas' polygons (cached per data source and level) and a folium map that reports clicks."""

from __future__ import annotations

import streamlit as st

from sozialraum_analytics.dataset import Dataset

from .daten import _load, _quelle


@st.cache_resource(show_spinner="Karte wird vorbereitet …", max_entries=8)
def _flaechen(path: str, fingerprint: str, ebene: str, anzeige: bool):  # noqa: ANN202
    """Polygons of a level (Sozialräume are their Planungsräume joined), for display or as drawn."""
    from sozialraum_analytics.karte import anzeige_geometrie, sozialraum_flaechen

    dataset = _load(path, fingerprint)
    planungsraeume = dataset.gebiete[["raum_id", "name", "geometry"]]
    if anzeige:
        planungsraeume = anzeige_geometrie(planungsraeume)
    if ebene == "planungsraum":
        return planungsraeume
    return sozialraum_flaechen(planungsraeume, dataset.planungsraeume())


def flaechen(dataset: Dataset, ebene: str, anzeige: bool = True):  # noqa: ANN201
    """The polygons of ``ebene`` (None without geometries); ``anzeige`` simplified for the browser."""
    if dataset.gebiete is None:
        return None
    if ebene == "sozialraum" and not dataset.has("zuordnung"):
        return None
    return _flaechen(*_quelle(), ebene, anzeige)


_KLICK = "_karte_letzter_klick"


def zeige_karte(fmap, auswahl_layer, key: str = "karte", height: int = 640) -> str | None:  # noqa: ANN001
    """Draw a folium map; returns the ``raum_id`` of an area just clicked (else None).

    Only clicks come back to Python (``returned_objects``), so panning and zooming never rerun
    the page; the selected area's outline is a layer st_folium swaps in place, so selecting an
    area keeps the zoom.
    """
    from streamlit_folium import st_folium

    result = st_folium(fmap, key=key, height=height, use_container_width=True,
                       returned_objects=["last_active_drawing"], feature_group_to_add=auswahl_layer)
    feature = (result or {}).get("last_active_drawing") or {}
    raum_id = (feature.get("properties") or {}).get("raum_id")
    if raum_id and raum_id != st.session_state.get(_KLICK):
        st.session_state[_KLICK] = raum_id
        return str(raum_id)
    return None
