"""Editor (编辑预览): from an article to a validated city file, previewed on every page before it is committed."""

from ui import editor, layout

with layout.page("editor", "nav.editor") as view:
    editor.body(view)
