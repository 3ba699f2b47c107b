"""Sozialraum-Analytics: youth welfare indicators per Sozialraum.

The package has no Streamlit imports; pages, the CLI and notebooks all use it the same way::

    from sozialraum_analytics.dataset import load_folder
    from sozialraum_analytics.kennzahlen import compute_kennzahlen
"""

__version__ = "0.1.0"
