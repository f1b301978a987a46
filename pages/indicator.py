"""One indicator across all cities (指标详情): definition, comparability, chart and table."""

from ui import entry

entry.leave_pages_folder_mode()  # before the imports below: a deep link on a fresh server

from ui import indicator, layout  # noqa: E402

with layout.page("indicator", "indicator.title") as view:
    indicator.body(view)
