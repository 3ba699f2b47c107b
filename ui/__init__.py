"""Shared helpers of all pages, one module per concern; pages use them as ``ui.<name>``.

Pages stay thin: they read the selection (:func:`auswahl`), ask the analysis package
(through :func:`get_dataset`, :func:`get_engine`, :func:`kennzahlen_tabelle`) and draw
with the helpers here. Every number a user sees goes through
``sozialraum_analytics.formatting``. Text from data files (area names, file names,
messages) is data: it is escaped before it reaches Markdown and is never rendered as HTML.

The modules, each importing only those above it:

- :mod:`ui.streamlit_intern`: the two patches of Streamlit internals (guarded by a test)
- :mod:`ui.text`: escaping, German numbers and deltas, KPI cards, tables, cell text, labels
- :mod:`ui.zugang`: views and access: login (local and OIDC), sessions, public or planning view
- :mod:`ui.daten`: the store, the data source and the cached datasets, engines, report and per-area values
- :mod:`ui.auswahlzustand`: the selection in the sidebar and across pages, mirrored in the URL
- :mod:`ui.diagramme`: palette, plotly template, figures, lines, image downloads
- :mod:`ui.karten`: polygons and the folium map
- :mod:`ui.geheimhaltung`: what the public view withholds, on the page ("•", notes)
- :mod:`ui.downloads`: Steckbrief, committee report and print map downloads
- :mod:`ui.seite`: what every page shows on top, notes on missing data, the per-area page preamble
"""

from __future__ import annotations

# Names of the analysis package that pages reach as ui.<name>.
from sozialraum_analytics.diagramme import (
    KLEINE_BASIS_FARBE,
    KREIS_FARBE,
    PALETTE,
    SETTING_FARBEN,
    SYMBOLS,
    TEMPLATE,
    UEBER_KREIS,
    figur,
    legende_platz,
    linie,
    quellenzeile,
    vergleichslinie,
)
from sozialraum_analytics.formatting import format_signed
from sozialraum_analytics.geheimhaltung import GESPERRT
from sozialraum_analytics.hilfearten import HILFEGRUPPEN_BY_ID

from .auswahlzustand import (
    EBENEN_AUSWAHL,
    EBENEN_PLURAL,
    NENNER_AUSWAHL,
    QUERY_KEYS,
    SKALEN_AUSWAHL,
    Auswahl,
    auswahl,
    gebiet_auswahl,
    gewaehltes_gebiet,
    hilfegruppen_auswahl,
    kennzahl_auswahl,
    setze_gebiet,
    setze_kennzahl,
    sidebar_auswahl,
)
from .daten import (
    auszug,
    bedarf_und_hilfe_gecacht,
    data_dir,
    gebietswerte_gecacht,
    get_bericht,
    get_dataset,
    get_engine,
    get_oeffentliche_engine,
    kennzahlen_tabelle,
    sozialraum_je_planungsraum,
    store,
    version_vorbereiten,
    versionshinweis,
    wert,
    zeitreihe,
)
from .diagramme import bild_downloads, exportfuss, zeige
from .downloads import bericht_downloads, druckkarte_downloads, steckbrief_download
from .geheimhaltung import (
    anzahl_texte,
    geheimhaltungshinweise,
    gesperrt_markieren,
    gesperrte_jahre,
    ist_gesperrt,
    keine_werte,
)
from .karten import flaechen, zeige_karte
from .seite import (
    DEMO_HINWEIS,
    DEUTSCHE_WIDGETS,
    FAELLE,
    ansicht_banner,
    demo_hinweis,
    deutsche_oberflaeche,
    fehlende_tabellen,
    hinweis_fehlend,
    jahr_fuer,
    kennzahlen_katalog,
    leerer_bestand,
    pruefe_daten,
    seitenanfang,
)
from .streamlit_intern import streamlit_haerten
from .text import (
    INFO,
    OK,
    delta_text,
    escape_md,
    format_differenz,
    format_kennzahl,
    format_styler,
    hilfe_label,
    kpi,
    kreis_label,
    kurznamen,
    plot_text,
    tabelle,
    text_oder_zahl,
    zelle_anzahl,
)
from .zugang import (
    ANSICHTEN,
    OEFFENTLICH,
    PLANUNG,
    abmelden,
    angemeldet_als,
    anmelden_lokal,
    ansicht,
    geheimhaltungsverfahren,
    ist_oeffentlich,
    minuten_text,
    nur_planung,
    oidc_konfiguriert,
    sidebar_ansicht,
    sitzung_minuten,
)

__all__ = [
    "ANSICHTEN", "Auswahl", "DEMO_HINWEIS", "DEUTSCHE_WIDGETS", "EBENEN_AUSWAHL", "EBENEN_PLURAL", "FAELLE",
    "GESPERRT", "HILFEGRUPPEN_BY_ID", "INFO", "KLEINE_BASIS_FARBE", "KREIS_FARBE", "NENNER_AUSWAHL", "OEFFENTLICH",
    "OK", "PALETTE", "PLANUNG", "QUERY_KEYS", "SETTING_FARBEN", "SKALEN_AUSWAHL", "SYMBOLS", "TEMPLATE",
    "UEBER_KREIS", "abmelden", "angemeldet_als", "anmelden_lokal", "ansicht", "ansicht_banner", "anzahl_texte",
    "auswahl", "auszug", "bedarf_und_hilfe_gecacht", "bericht_downloads", "bild_downloads", "data_dir", "delta_text",
    "demo_hinweis", "deutsche_oberflaeche", "escape_md", "exportfuss", "fehlende_tabellen", "figur", "flaechen",
    "format_differenz", "format_kennzahl", "format_signed", "format_styler", "gebiet_auswahl", "gebietswerte_gecacht",
    "geheimhaltungshinweise", "geheimhaltungsverfahren", "gesperrt_markieren", "gesperrte_jahre", "get_bericht",
    "get_dataset", "get_engine", "get_oeffentliche_engine", "gewaehltes_gebiet", "hilfe_label",
    "hilfegruppen_auswahl", "hinweis_fehlend", "ist_gesperrt", "ist_oeffentlich", "jahr_fuer", "keine_werte",
    "kennzahl_auswahl", "kennzahlen_katalog", "kennzahlen_tabelle", "kpi", "kreis_label", "kurznamen",
    "leerer_bestand", "legende_platz", "linie", "minuten_text", "nur_planung", "oidc_konfiguriert", "plot_text",
    "pruefe_daten", "quellenzeile", "seitenanfang", "setze_gebiet", "setze_kennzahl", "sidebar_ansicht", "sidebar_auswahl",
    "sitzung_minuten", "sozialraum_je_planungsraum", "steckbrief_download", "store", "streamlit_haerten", "tabelle",
    "text_oder_zahl", "vergleichslinie", "version_vorbereiten", "versionshinweis", "wert", "zeige", "zeige_karte",
    "zeitreihe", "zelle_anzahl", "druckkarte_downloads",
]
