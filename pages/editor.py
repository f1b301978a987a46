"""Editor (编辑预览): from an article to a validated city file, previewed on every page before it is committed."""

from ui import entry

entry.leave_pages_folder_mode()  # before the imports below: a deep link on a fresh server

from ui import editor, layout  # noqa: E402

with layout.page("editor", "nav.editor") as view:
    editor.body(view)
