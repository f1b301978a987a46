"""City profile (城市档案): one city's indicators by category, its sources, the annotated article."""

from ui import city, layout

with layout.page("city", "city.title") as view:
    city.body(view)
