"""Compare by category (分类对比): cities side by side, one panel per indicator."""

from ui import compare, layout

with layout.page("compare", "compare.title") as view:
    compare.body(view)
