"""Plotly figures: one horizontal bar chart per indicator, self-contained for export.

Every figure carries its own title, subtitle (category, period, measure) and source lines, so a
PNG saved from the chart toolbar (`config`: 2x scale) says what it shows and where it comes
from. Bars are directly labelled with the value as qualified and its period; the value axis has
no numbers. Cities not reporting the indicator are named under the chart, never drawn as 0.

Text drawn inside a figure never wraps by itself, so every line is wrapped here to fit the
width the figure is expected to have (`Sizes.width`: the chart's column in a 1280 px wide
window, in each layout) by display width, a CJK character counting double. The left margin is
computed from the city labels, so the plot area, the bars' outside labels and the footer (which
starts at the figure's left edge, not the plot's) are laid out without Plotly's guesswork.
Curated text goes into figures escaped (ui.render.plotly_text): Plotly renders an HTML subset.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace

import plotly.graph_objects as go

from ui import render

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
INK = "#1f2933"
MUTED = "#52606d"
GRID = "#e4e7eb"

EDGE = 8  # px between the figure's edge and its text


@dataclass(frozen=True)
class Bar:
    """One bar: axis label (city), value, direct label parts, colour and hover text.

    `label`, `value_text`, `period_text` and `hover` are escaped for Plotly already; `label`
    may hold a second line (`city_label`).
    """

    label: str
    value: float
    value_text: str
    period_text: str
    colour: str
    hover: str


@dataclass(frozen=True)
class Sizes:
    font: int
    title: int
    bar: int
    width: int  # the figure's expected width in px: text is wrapped to fit it

    @property
    def footer_font(self) -> int:
        return self.font - 2


NORMAL = Sizes(font=13, title=16, bar=36, width=340)  # a panel of /compare's two-column grid
WIDE = Sizes(font=13, title=16, bar=36, width=460)  # /indicator's chart column
PRESENT = Sizes(font=20, title=28, bar=64, width=1000)  # one indicator per screen


def config(filename: str) -> dict:
    """st.plotly_chart config: a 2x PNG download named after the view, no Plotly logo, no MathJax."""
    return {
        "displaylogo": False,
        "typesetMath": False,  # curated "$" is text, and MathJax is never loaded
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
        # Fixed axes: only the PNG download (and Streamlit's fullscreen) are of use.
        "modeBarButtonsToRemove": [
            "zoom2d",
            "pan2d",
            "select2d",
            "lasso2d",
            "zoomIn2d",
            "zoomOut2d",
            "autoScale2d",
            "resetScale2d",
            "toggleSpikelines",
            "hoverClosestCartesian",
            "hoverCompareCartesian",
        ],
    }


_TAG = re.compile(r"<[^>]*>")


def text_px(text: str, font: float) -> float:
    """Estimated width in px of (escaped, tagged) text; the widest line when it has several.

    Generous on purpose (a CJK character 1.05 em, anything else 0.56 em, where Noto Sans
    averages under 0.5 em), so that estimated text fits where it is put.
    """
    widths = []
    for line in re.split(r"<br\s*/?>", text):
        plain = _TAG.sub("", line)
        plain = (
            plain.replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", '"')
            .replace("&#x27;", "'")
        )
        widths.append(sum(font * (1.05 if ord(ch) > 0x2E80 else 0.56) for ch in plain))
    return max(widths, default=0.0)


def columns(px: float, font: float) -> int:
    """How many display columns (render.wrap's unit: CJK 2, other 1) fit in `px` at `font`.

    A column is taken as 0.55 em: a CJK character (two columns, 1.1 em) and Latin text (under
    0.5 em a character in Noto Sans) both fit.
    """
    return max(12, int(px / (0.55 * font)))


def wrapped(text: str, px: float, font: float) -> list[str]:
    """Plain text wrapped to fit `px` at `font`, each line escaped for Plotly."""
    return [render.plotly_text(line) for line in render.wrap(text, columns(px, font))]


def one_line_or_each(parts: list[str], sizes: Sizes, sep: str = " · ") -> list[str]:
    """Subtitle lines: the parts joined on one line when it fits the figure, else a line each
    (so that a phrase such as "Per 100,000 residents" is never broken by wrapping)."""
    joined = sep.join(parts)
    return [joined] if text_px(joined, sizes.font) <= sizes.width - 2 * EDGE else list(parts)


def city_label(city: str, second: str, sizes: Sizes) -> str:
    """An axis label: the (escaped) city, and a smaller grey second line when given."""
    if not second:
        return city
    return f'{city}<br><span style="font-size:{sizes.footer_font}px;color:{MUTED}">{second}</span>'


def _label_px(label: str, sizes: Sizes) -> float:
    """Width of an axis label: its first line at the tick font, a second line at the small font."""
    first, _, second = label.partition("<br>")
    return max(text_px(first, sizes.font + 1), text_px(second, sizes.footer_font) if second else 0.0)


def _bar_text(bar: Bar, plot_width: float, sizes: Sizes) -> str:
    """A bar's direct label: "value · period", on two lines when one would leave the bars too
    little of the plot's width."""
    one_line = f"{bar.value_text} · {bar.period_text}".replace(render.KEEP, "")
    if text_px(one_line, sizes.font) <= plot_width * 0.6:
        return one_line
    # The period and its flags (scope, level...) wrapped to the room a label may take, two lines
    # at most; the hover and the source panel carry them whole.
    room = max(plot_width * 0.6, 6 * sizes.font)
    lines = wrapped(html.unescape(bar.period_text), room, sizes.font)
    if len(lines) > 2:
        lines = lines[:2]
        lines[-1] = lines[-1] + "…"
    return "<br>".join([bar.value_text, *lines])


def _layout_x(bars: list[Bar], texts: list[str], plot_width: float, sizes: Sizes) -> tuple[float, float]:
    """The value axis' end, leaving room right of every bar for its label, and how far the
    longest label still reaches past the plot area (px), for the right margin."""
    # bars without a figure (no denominator) have no length, but their labels still need room
    finite = [b.value for b in bars if b.value == b.value]
    best = max(finite, default=1.0) or 1.0
    reach = 0.0
    bars = [b if b.value == b.value else replace(b, value=0.0) for b in bars]
    for bar, text in zip(bars, texts, strict=True):
        label = text_px(text, sizes.font) + 10
        room = max(plot_width - label, plot_width * 0.3)  # a very long label: the bar keeps 30 %
        best = max(best, bar.value * plot_width / room)
    for bar, text in zip(bars, texts, strict=True):
        end = bar.value / best * plot_width + text_px(text, sizes.font) + 10
        reach = max(reach, end - plot_width)
    return best, reach


def bar_chart(
    bars: list[Bar],
    *,
    title: str,
    subtitle: list[str],
    footer: list[str],
    sizes: Sizes = NORMAL,
) -> go.Figure:
    """A horizontal bar chart in the given order (largest first), labelled, titled, sourced.

    `title`, `subtitle` and `footer` are plain text (escaped and wrapped here, to fit
    `sizes.width`); the bars' texts are escaped already.
    """
    inner = sizes.width - 2 * EDGE
    title_lines = wrapped(title, inner, sizes.title * 1.04)  # bold
    subtitle_lines = [line for text in subtitle for line in wrapped(text, inner, sizes.font)]
    footer_lines = [line for text in footer if text for line in wrapped(text, inner, sizes.footer_font)]

    tick_font = sizes.font + 1
    left = int(max((_label_px(b.label, sizes) for b in bars), default=0) + EDGE + 10)
    right = 16
    for _ in range(3):  # the right margin grows when a label cannot fit beside its bar
        plot_width = max(sizes.width - left - right, 80)
        texts = [_bar_text(b, plot_width, sizes) for b in bars]
        x_max, reach = _layout_x(bars, texts, plot_width, sizes)
        if reach <= right - 4:
            break
        right = int(reach + 8)

    footer_px = int(len(footer_lines) * sizes.footer_font * 1.45) + 18
    top = int(len(title_lines) * sizes.title * 1.3 + len(subtitle_lines) * sizes.font * 1.35 + sizes.font * 1.2) + 18
    lines = max([t.count("<br>") + 1 for t in texts] + [b.label.count("<br>") + 1 for b in bars] + [1])
    bar_px = sizes.bar * (1 + 0.35 * (lines - 1))  # every row tall enough for the longest label
    height = int(top + max(len(bars), 1) * bar_px + footer_px + 12)
    layout = {
        "height": height,
        "margin": {"l": left, "r": right, "t": top, "b": footer_px, "autoexpand": False},
        "font": {"family": FONT, "size": sizes.font, "color": INK},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "title": {
            "text": "<br>".join(f"<b>{line}</b>" for line in title_lines),
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "pad": {"l": EDGE},
            # Plotly lifts a title of several lines by about 0.7 em at yanchor "top": put it back.
            "y": 1 - (10 + (0.72 * sizes.title if len(title_lines) > 1 else 0)) / height,
            "yanchor": "top",
            "yref": "container",
            "font": {"size": sizes.title, "color": INK},
            "subtitle": {"text": "<br>".join(subtitle_lines), "font": {"size": sizes.font, "color": MUTED}},
        },
        "xaxis": {"visible": False, "range": [0, x_max], "fixedrange": True},
        "yaxis": {
            "autorange": "reversed",
            "automargin": False,
            "fixedrange": True,
            "ticks": "",
            "tickfont": {"size": tick_font, "color": INK},
            "ticklabelstandoff": 6,
        },
        "showlegend": False,
        "bargap": 0.3,
        "hoverlabel": {"font": {"family": FONT, "size": sizes.font}, "align": "left", "bgcolor": "#ffffff"},
        "dragmode": False,
        "annotations": [],
    }
    if footer_lines:
        layout["annotations"].append(
            {
                "text": "<br>".join(footer_lines),
                # From the figure's left edge (the plot area starts after the city labels).
                "x": 0,
                "xref": "paper",
                "xanchor": "left",
                "xshift": EDGE - left,
                "y": 0,
                "yref": "paper",
                "yanchor": "top",
                "yshift": -8,
                "showarrow": False,
                "align": "left",
                "font": {"size": sizes.footer_font, "color": MUTED},
            }
        )
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": [b.value for b in bars],
        "y": [b.label for b in bars],
        "marker": {"color": [b.colour for b in bars], "line": {"color": "rgba(0,0,0,0.45)", "width": 1}},
        "text": texts,
        "textposition": "outside",
        "constraintext": "none",  # outside labels keep their size, whatever the bar's thickness
        "cliponaxis": False,
        "textfont": {"size": sizes.font, "color": INK},
        "hovertext": [b.hover for b in bars],
        "hovertemplate": "%{hovertext}<extra></extra>",
        "unselected": {"marker": {"opacity": 0.35}},
        "width": 0.68,
    }
    # Validation costs ~8 ms per figure, most of a category change's budget; the structure is
    # fixed here and checked once by tests/test_app.py (test_figures_are_valid_plotly).
    return go.Figure(data=[trace], layout=layout, _validate=False)


class Frozen(go.Figure):
    """A figure that is only read once built (a cached one, drawn by many reruns and sessions):
    its dict is computed once. `st.plotly_chart` asks a figure for its dict on every draw, and
    Plotly deep-copies the whole figure (template included) for each ask: about a sixth of a
    /compare rerun's server time for four charts."""

    def to_dict(self) -> dict:
        built = self.__dict__.get("_frozen_dict")
        if built is None:
            built = super().to_dict()
            self._frozen_dict = built
        return built


def freeze(figure: go.Figure | None) -> Frozen | None:
    """`figure` as a Frozen figure (None stays None). Never change a frozen figure or its dict."""
    if figure is None:
        return None
    figure.__class__ = Frozen  # the same object, no copy: Frozen adds no state of its own
    figure.to_dict()
    return figure
