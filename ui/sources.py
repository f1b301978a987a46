"""Where a number comes from: its quote, report, date and the passage around it, highlighted.

`panel(view, rows)` shows, for each value (a row of `indicator_values`) and each of its
observations (several when the value is a sum of parts), the quote, the report's title,
publisher and date (or how an unknown date was inferred), the period, and the passage of the
article as published with the quote highlighted. Everything curated is escaped (ui.render).
"""

from __future__ import annotations

import streamlit as st

from ui import frames, labels, render, state
from ui.i18n import pick, t
from ui.layout import View


def panel(view: View, rows: list[dict], close_key: str) -> None:
    """A bordered box with the sources of the given values, and a close button."""
    with st.container(border=True, key=f"source_{close_key}"):
        head, close = st.columns([3.4, 1.6], vertical_alignment="center")
        head.markdown(f"##### :material/format_quote: {render.md(t('source.title'))}")
        close.button(
            t("source.close"),
            key=close_key,
            on_click=state.forget,
            args=("source",),
            icon=":material/close:",
            width="stretch",
        )
        for row in rows:
            value_source(view, row)


def value_source(view: View, row) -> None:
    """One value: its quote (or its parts' quotes), report, date, period and the passage."""
    lang = view.lang
    ids = [int(i) for i in row["observation_ids"]]
    first = frames.source_passage(view.key, view.cur, ids[0])
    if first is None:
        return
    city = pick(row, "city", lang)
    indicator = pick(row, "indicator", lang)
    st.markdown(
        f"**{render.md(city)} · {render.md(indicator)}{render.md(t('colon'))}"
        f"{render.md(labels.value_text(row, lang) + labels.mixed_suffix(row, lang))}** · "
        f"{render.md(labels.period_flags_text(row, lang))}"
    )
    part = labels.part_label(row, lang)
    if part:
        st.caption(render.md(part))
    if labels.is_sum(row):
        st.caption(render.md(t("sum_of_parts.long", lang)))
        st.markdown(
            "\n".join(
                f"- {render.md(label)} **{render.md(value)}** — {render.md_inline('“' + quote + '”')}"
                for label, value, quote in labels.parts(row, lang)
            )
        )
    else:
        st.markdown("> " + render.md_inline(f"“{first['quote']}”"))
    title = labels.report_title(first, lang)
    st.caption(
        render.md(
            " · ".join(
                [
                    f"{t('source.report')}{t('colon')}{title}",
                    str(first["publisher"]),
                    labels.published_text(first, lang),
                ]
            )
        )
    )
    details = []
    if labels.report_note(first, "published_note", lang):
        details.append(labels.report_note(first, "published_note", lang))
    if first.get("period_inferred") and labels.report_note(first, "period_note", lang):
        details.append(f"{t('source.period_inferred')}{t('colon')}{labels.report_note(first, 'period_note', lang)}")
    if first.get("excerpt"):
        details.append(t("source.excerpt"))
    details.append(f"{t('source.file')}{t('colon')}{first['source_path']}")
    st.caption(render.md(" · ".join(details)))
    heading, note = labels.note_text(row, lang)
    if note:
        st.caption(render.md(f"{heading}{t('colon', lang)}{note}"))
    url = first.get("url")
    if url and str(url).startswith(("https://", "http://")):
        st.link_button(render.md(str(url)[:80]), str(url), icon=":material/open_in_new:")
    st.markdown(f"**{render.md(t('source.passage'))}**")
    st.markdown(render.paragraphs(passage(view, row["report_id"], ids, first)))


def passage(view: View, report_id: str, ids: list[int], first: dict, context: int = 160) -> list:
    """The article around the given observations' quotes, those quotes highlighted.

    Cut from the annotated article (metrics.queries.article_with_quotes), so the parts of a sum
    show in one passage; falls back to the first quote's own passage.
    """
    segments = frames.article_with_quotes(view.key, view.cur, report_id)
    wanted = set(ids)
    marked = [i for i, (_, obs_id) in enumerate(segments) if obs_id in wanted]
    if not marked:
        return [(first["before"], False, None), (first["highlighted"], True, None), (first["after"], False, None)]
    lo, hi = marked[0], marked[-1]
    before = "".join(text for text, _ in segments[:lo])
    after = "".join(text for text, _ in segments[hi + 1 :])
    cut_before = before[-context:]
    cut_after = after[:context]
    out = [(("…" if len(before) > context else "") + cut_before, False, None)]
    for text, obs_id in segments[lo : hi + 1]:
        out.append((text, obs_id in wanted, None))
    out.append((cut_after + ("…" if len(after) > context else ""), False, None))
    return out
