"""Data and sources (数据与来源): the observation table, downloads, the source articles."""

from ui import entry

entry.leave_pages_folder_mode()  # before the imports below: a deep link on a fresh server

from ui import data, layout  # noqa: E402

with layout.page("data", "data.title") as view:
    data.body(view)
