"""One indicator across all cities (指标详情): definition, comparability, chart and table."""

from ui import indicator, layout

with layout.page("indicator", "indicator.title") as view:
    indicator.body(view)
