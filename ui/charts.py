"""Plotly figures: one horizontal bar chart per indicator, self-contained for export.

Every figure carries its own title, subtitle (category, period, measure) and source lines, so a
PNG saved from the chart toolbar (`CONFIG`: 2x scale) says what it shows and where it comes
from. Bars are directly labelled with the value as qualified and its period; the value axis has
no numbers. Cities not reporting the indicator are named under the chart, never drawn as 0.
Curated text goes into figures escaped (ui.render.plotly_text): Plotly renders an HTML subset.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from ui import render

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
INK = "#1f2933"
MUTED = "#52606d"
GRID = "#e4e7eb"


@dataclass(frozen=True)
class Bar:
    """One bar: the axis label (city), value, direct label, colour and hover text (escaped)."""

    label: str
    value: float
    text: str
    colour: str
    hover: str


@dataclass(frozen=True)
class Sizes:
    font: int
    title: int
    bar: int
    plot_width: int  # an estimate of the plot area's width, to leave room for the labels


NORMAL = Sizes(font=13, title=16, bar=36, plot_width=340)
PRESENT = Sizes(font=20, title=28, bar=64, plot_width=900)


def config(filename: str) -> dict:
    """st.plotly_chart config: a 2x PNG download named after the view, no Plotly logo."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
        "modeBarButtonsToRemove": ["zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d",
                                   "autoScale2d", "resetScale2d"],
    }


def _text_px(text: str, font: int) -> float:
    """Estimated width in pixels of (escaped) text; the widest line when it has several."""
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    return max(sum(font * (1.05 if ord(ch) > 0x2E80 else 0.6) for ch in line) for line in text.split("<br>"))


def label(value: str, period: str, present: bool) -> str:
    """A bar's direct label: "value · period", on two lines when one would be too wide."""
    sizes = PRESENT if present else NORMAL
    one_line = f"{value} · {period}"
    if _text_px(one_line, sizes.font) > sizes.plot_width * 0.55:
        return f"{value}<br>{period}"
    return one_line


def _x_max(bars: list[Bar], sizes: Sizes) -> float:
    """An axis end leaving room right of every bar for its outside label."""
    width = sizes.plot_width
    best = max((b.value for b in bars), default=1.0) or 1.0
    for bar in bars:
        room = width - _text_px(bar.text, sizes.font) - 12
        if room < width * 0.25:  # a very long label: give the bar a quarter of the width
            room = width * 0.25
        best = max(best, bar.value * width / room)
    return best


def bar_chart(
    bars: list[Bar],
    *,
    title: str,
    subtitle: str,
    footer: list[str],
    present: bool = False,
) -> go.Figure:
    """A horizontal bar chart, largest value on top, labelled, with title and footer inside.

    `title`, `subtitle` and `footer` lines must already be escaped for Plotly.
    """
    sizes = PRESENT if present else NORMAL
    footer_lines = [line for line in footer if line]
    footer_px = int(len(footer_lines) * (sizes.font - 1) * 1.45) + 18
    title_lines = title.count("<br>") + 1
    subtitle_lines = subtitle.count("<br>") + 1
    top = int(title_lines * sizes.title * 1.3 + subtitle_lines * sizes.font * 1.35 + sizes.font * 1.2) + 18
    bar_px = sizes.bar * (1.35 if any("<br>" in b.text for b in bars) else 1)
    height = int(top + max(len(bars), 1) * bar_px + footer_px + 12)
    layout = {
        "height": height,
        "margin": {"l": 8, "r": 16, "t": top, "b": footer_px},
        "font": {"family": FONT, "size": sizes.font, "color": INK},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "title": {
            "text": "<br>".join(f"<b>{line}</b>" for line in title.split("<br>")),
            "x": 0.005, "xanchor": "left", "xref": "container",
            "y": 1 - 10 / height, "yanchor": "top", "yref": "container",
            "font": {"size": sizes.title, "color": INK},
            "subtitle": {"text": subtitle, "font": {"size": sizes.font, "color": MUTED}},
        },
        "xaxis": {"visible": False, "range": [0, _x_max(bars, sizes)], "fixedrange": True},
        "yaxis": {"autorange": "reversed", "automargin": True, "fixedrange": True, "ticks": "",
                  "tickfont": {"size": sizes.font + 1, "color": INK}, "ticksuffix": "  "},
        "showlegend": False,
        "bargap": 0.3,
        "hoverlabel": {"font": {"family": FONT, "size": sizes.font}, "align": "left", "bgcolor": "#ffffff"},
        "dragmode": False,
        "annotations": [],
    }
    if footer_lines:
        layout["annotations"].append({
            "text": "<br>".join(footer_lines),
            "x": 0, "xref": "paper", "xanchor": "left",
            "y": 0, "yref": "paper", "yanchor": "top", "yshift": -8,
            "showarrow": False, "align": "left",
            "font": {"size": sizes.font - 2, "color": MUTED},
        })
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": [b.value for b in bars],
        "y": [b.label for b in bars],
        "marker": {"color": [b.colour for b in bars], "line": {"color": "rgba(0,0,0,0.45)", "width": 1}},
        "text": [b.text for b in bars],
        "textposition": "outside",
        "cliponaxis": False,
        "textfont": {"size": sizes.font, "color": INK},
        "hovertext": [b.hover for b in bars],
        "hovertemplate": "%{hovertext}<extra></extra>",
        "unselected": {"marker": {"opacity": 0.35}},
        "width": 0.68,
    }
    # Validation costs ~8 ms per figure, most of a category change's budget; the structure is
    # fixed here and checked once by tests/test_app.py (test_figures_are_valid_plotly).
    figure = go.Figure(data=[trace], layout=layout, _validate=False)
    return figure


def footer_line(label: str, items: list[str], width: int, sep: str) -> list[str]:
    """An escaped "label: a; b; c" footer, wrapped into lines of about `width` characters."""
    if not items:
        return []
    text = label + sep.join(items)
    return [render.plotly_text(line) for line in render.wrap(text, width)]
