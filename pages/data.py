"""Data and sources (数据与来源): the observation table, downloads, the source articles."""

from ui import data, layout

with layout.page("data", "data.title") as view:
    data.body(view)
