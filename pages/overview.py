"""Overview (总览): the cities, what each reports, and the files that failed to load."""

from ui import entry

entry.leave_pages_folder_mode()  # before the imports below: a deep link on a fresh server

from ui import layout, overview  # noqa: E402

with layout.page("", "app.title") as view:
    overview.body(view)
