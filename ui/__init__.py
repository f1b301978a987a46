"""Streamlit and Plotly presentation of the metrics package: everything the pages import.

`metrics/` never imports streamlit; this package holds everything that does besides the page
scripts: the cached store, URL-bound state, UI strings, charts and safe text rendering.
"""
