"""Safe rendering of curated text: quotes, notes, names and articles come from editable files.

`st.markdown` would render `$...$` as LaTeX, `[x](javascript:...)` and `data:` links, images,
`:red[...]` directives and `:emoji:` codes found in a quote. `md()` backslash-escapes every ASCII
punctuation character (CommonMark allows escaping any of them), so curated text is shown
literally; our own Markdown wraps escaped text (e.g. highlighting). `plotly_text()` escapes the
HTML subset Plotly renders in labels and hovers (<a href>, <b>...). Nothing here ever uses
`unsafe_allow_html` with data.
"""

from __future__ import annotations

import functools
import html
import re
import string

_PUNCTUATION = set(string.punctuation)
HIGHLIGHT = "orange-background"


def md(text: object) -> str:
    """Curated text escaped for Markdown: every ASCII punctuation mark loses its meaning.

    Leading spaces and tabs of each line go too (four of them would start a code block).
    """
    if text is None:
        return ""
    lines = str(text).replace("\r", "").split("\n")
    return "\n".join("".join("\\" + ch if ch in _PUNCTUATION else ch for ch in line.lstrip(" \t")) for line in lines)


def md_inline(text: object) -> str:
    """Escaped text on one line (line breaks folded to spaces)."""
    return md(" ".join(str(text or "").split()))


def paragraphs(segments: list[tuple[str, bool, str | None]]) -> str:
    """Markdown of an article cut into (text, highlighted, tag) segments, paragraphs kept.

    Highlighted segments get the highlight background and an optional small grey tag (the
    indicator they became). Line breaks inside the text become paragraph breaks.
    """
    out = []
    for text, highlighted, tag in segments:
        lines = str(text).split("\n")
        rendered = []
        for line in lines:
            if highlighted and line.strip():
                rendered.append(f":{HIGHLIGHT}[{md(line.strip())}]")
            else:
                rendered.append(md(line))
        chunk = "\n\n".join(rendered)
        if highlighted and tag:
            chunk += f" :gray[〔{md(tag)}〕]"
        out.append(chunk)
    text = "".join(out)
    # Collapse runs of blank lines that the article's own spacing produces.
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


def plotly_text(value: object) -> str:
    """Curated text escaped for Plotly labels and hovers (which render a subset of HTML)."""
    # quote=False: Plotly decodes no &quot; (it would print literally); quotes are safe in its text
    return html.escape(str(value or ""), quote=False)


KEEP = "\u2060"  # word joiner: `keep(name)` marks text that `wrap` never breaks (city names)
_TOKEN = re.compile(r"(?:[^\s\u2060]\u2060)+[^\s\u2060]|[0-9A-Za-z][0-9A-Za-z.,:/()\-+%']*|\s+|.")


def keep(text: str) -> str:
    """Text that `wrap` keeps on one line ("青岛市" is never "青/岛市"); the marks are removed."""
    return KEEP.join(str(text))


def display_width(text: str) -> int:
    """Columns the text takes in a monospaced font: a CJK character takes two."""
    return sum(0 if ch == KEEP else 2 if ord(ch) > 0x2E80 else 1 for ch in text)


def wrap(value: str, width: int) -> list[str]:
    """Splits text into lines of about `width` columns (a CJK character counts 2).

    CJK text breaks between any two characters; runs of Latin letters and digits (words,
    dates, numbers) are kept whole unless one alone is longer than a line.
    """
    return list(_wrap(str(value), width))


@functools.lru_cache(maxsize=8192)
def _wrap(value: str, width: int) -> tuple[str, ...]:
    # Cached: the same labels and notes are wrapped by every chart of every rerun. The width of
    # the line is kept as it grows (a line's width recomputed per token was quadratic).
    lines, line, used = [], "", 0
    for token in _TOKEN.findall(" ".join(value.split())):
        size = display_width(token)
        if line and used + size > width:
            lines.append(line.rstrip())
            line, used = ("", 0) if token.isspace() else (token, size)
        else:
            line, used = line + token, used + size
        while used > width:  # a single token longer than a line
            cut = max(1, width // 2 if any(ord(c) > 0x2E80 for c in line) else width)
            lines.append(line[:cut])
            line = line[cut:]
            used = display_width(line)
    if line.strip():
        lines.append(line.rstrip())
    return tuple(ln.replace(KEEP, "") for ln in lines)


def plotly_wrapped(value: object, width: int = 44, max_lines: int = 6) -> str:
    """Escaped, wrapped text for a Plotly hover box (<br> between lines)."""
    lines = wrap(str(value or ""), width)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return "<br>".join(plotly_text(line) for line in lines)
