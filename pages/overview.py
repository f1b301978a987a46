"""Overview (总览): the cities, what each reports, and the files that failed to load."""

from ui import layout, overview

with layout.page("", "app.title") as view:
    overview.body(view)
