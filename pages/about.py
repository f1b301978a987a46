"""Method (方法说明): curation, qualifiers, periods, per-resident figures, caveats."""

from ui import about, layout

with layout.page("about", "about.title") as view:
    about.body(view)
