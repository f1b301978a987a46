"""Method (方法说明): curation, qualifiers, periods, per-resident figures, caveats."""

from ui import entry

entry.leave_pages_folder_mode()  # before the imports below: a deep link on a fresh server

from ui import about, layout  # noqa: E402

with layout.page("about", "about.title") as view:
    about.body(view)
