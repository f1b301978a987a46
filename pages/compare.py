"""Compare by category (分类对比): cities side by side, one panel per indicator."""

from ui import entry

entry.leave_pages_folder_mode()  # before the imports below: a deep link on a fresh server

from ui import compare, layout  # noqa: E402

with layout.page("compare", "compare.title") as view:
    compare.body(view)
