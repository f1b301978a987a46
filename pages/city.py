"""City profile (城市档案): one city's indicators by category, its sources, the annotated article."""

from ui import entry

entry.leave_pages_folder_mode()  # before the imports below: a deep link on a fresh server

from ui import city, layout  # noqa: E402

with layout.page("city", "city.title") as view:
    city.body(view)
