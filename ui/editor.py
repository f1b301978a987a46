"""The editor page's parts: article -> draft candidates; city file -> located errors -> preview.

Reads only what the editor pastes or uploads (size-limited, decoded as UTF-8, parsed with the
strict loader) and never writes to disk. A valid city file becomes a preview store in
`st.session_state["preview_store"]` (ui/store.py), which every page shows until it is cleared.
Article text and quotes are rendered escaped (ui/render.py), never as HTML.
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import re
import secrets
import threading
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from metrics import draft, load, messages, preview, yamlio
from metrics.numbers import QUALIFIERS
from ui import layout, overview, render, state, store
from ui.layout import View

# Session keys. Widget state is dropped when another page runs, so the texts are also kept
# under keys of their own and put back when the editor page opens again.
ARTICLE = "editor_article"
ARTICLE_FILE = "editor_article_file"
CITY_ID = "editor_city_id"
YAML = "editor_yaml"
YAML_FILE = "editor_yaml_file"
INDICATOR = "editor_indicator"  # a proposed catalog indicator (metrics.preview.propose_indicator)
_KEPT = "_editor_kept"  # widget key -> last text
_BUILT = "_editor_built"  # the city file text the build button last wrote
_PENDING = "_editor_pending_build"  # the build waits for the editor to confirm a replacement
_YAML_NAME = "_editor_yaml_name"  # the uploaded city file's name, for the id check
_UPLOAD_ERROR = "_editor_upload_error"
_PREVIEW_DIGEST = "_editor_preview_digest"
_PREVIEW_STOPPED = "_editor_preview_stopped"  # digest of the file whose preview the editor ended
_LINE_STALE = "_editor_line_stale"  # a line edit met a text changed since: _replace_line
_PROPOSAL = "_editor_proposal"  # (text, catalog, propose_indicator's answer): _proposal

STRINGS: dict[str, tuple[str, str]] = {
    "intro": (
        "从文章到可校验的城市文件：① 粘贴或上传文章，审核程序找出的数字；② 生成城市文件并逐行修正错误；"
        "③ 在各页面预览新城市，然后下载文件，按常规提交到 data/。服务器不保存任何内容。",
        "From an article to a city file that validates: (1) paste or upload the article and review the numbers "
        "found in it; (2) build the city file and fix the errors line by line; (3) preview the new city on every "
        "page, then download the files and commit them to data/ as usual. Nothing is saved on the server.",
    ),
    "article.header": ("① 文章", "1. Article"),
    "article.paste": (
        "粘贴文章全文（简体、繁体、带拼音注音均可）",
        "Paste the article (simplified, traditional, with pinyin: all fine)",
    ),
    "article.upload": ("或上传文本文件（UTF-8，最大 {mb} MB）", "Or upload a text file (UTF-8, at most {mb} MB)"),
    "article.too_large": (
        "文章超过 {mb} MB，请只粘贴一篇报道。",
        "The article is larger than {mb} MB; paste one news article.",
    ),
    "article.empty": (
        "粘贴或上传一篇文章后，这里会列出其中的数字。",
        "Paste or upload an article to see the numbers in it.",
    ),
    "candidates.caption": (
        "找到 {n} 个候选数字，其中 {m} 个有建议指标；另有 {k} 个数字已排除（年份、日期、序号、名称中的数字等）。"
        "勾选“采用”，按需修改指标、数值、单位和限定词。",
        "{n} candidate numbers, {m} with a suggested indicator; {k} more numbers left out (years, dates, ranks, "
        "names with numbers...). Tick “use”, and change the indicator, value, unit or qualifier where needed.",
    ),
    "col.use": ("采用", "Use"),
    "col.n": ("编号", "No."),
    "col.written": ("原文数字", "As written"),
    "col.indicator": ("指标", "Indicator"),
    "col.value": ("数值（照原文）", "Value (as written)"),
    "col.unit": ("单位（照原文）", "Unit (as written)"),
    "col.qualifier": ("限定词", "Qualifier"),
    "col.confidence": ("把握", "Confidence"),
    "col.quote": ("原文", "Quote"),
    "col.line": ("行", "Line"),
    "col.col": ("列", "Column"),
    "col.message": ("问题", "Problem"),
    "skipped": ("已排除的 {k} 个数字及原因", "The {k} numbers left out, and why"),
    "article.view": (
        "原文（候选数字已标出，标签为编号和指标）",
        "The article (candidates highlighted, tagged with number and indicator)",
    ),
    "city_id": (
        "城市代码（小写拼音，如 suqian；也是文件名）",
        "City id (lower-case pinyin, e.g. suqian; also the file name)",
    ),
    "city_id.bad": (
        "城市代码只能包含小写字母、数字和下划线，并以字母开头。",
        "A city id is lower-case letters, digits and _, starting with a letter.",
    ),
    "build": ("用采用的 {n} 条生成城市文件", "Build the city file from the {n} used"),
    "built": ("城市文件已生成，见下方 ②。", "The city file is built: see 2 below."),
    "build.confirm": (
        "下方 ② 的城市文件在上次生成后已手工修改。用新生成的文件替换它，修改将丢失。",
        "The city file in 2 below was edited by hand since it was built. Replacing it with the new "
        "build loses those edits.",
    ),
    "no_indicator": (
        "采用的候选中有 {n} 条尚无指标（第 {which} 条）：生成的文件里写作 indicator: null，校验会指出所在行；请选定指标，或取消采用。",
        "{n} of the used candidates have no indicator yet (number {which}): the built file writes them as "
        "indicator: null, which the check points out by line; choose an indicator, or untick them.",
    ),
    "build.replace": ("替换为新生成的文件", "Replace it with the new build"),
    "build.keep": ("保留我的修改", "Keep my edits"),
    "yaml.header": ("② 城市文件", "2. City file"),
    "yaml.paste": (
        "城市文件（YAML），可直接在此编辑；按 Ctrl+Enter 校验",
        "City file (YAML); edit it here, Ctrl+Enter to check",
    ),
    "yaml.upload": ("或上传城市文件（.yaml，最大 {mb} MB）", "Or upload a city file (.yaml, at most {mb} MB)"),
    "yaml.empty": (
        "在上方用候选数据生成，或粘贴、上传一个城市文件。也可以在命令行运行 `python -m metrics new-city <代码>` 获取空白模板。",
        "Build one from the candidates above, or paste or upload a city file. `python -m metrics new-city <id>` "
        "writes a blank template.",
    ),
    "yaml.source": (
        "原文来源：{what}。",
        "Source text used for the quotes: {what}.",
    ),
    "yaml.source.article": ("上方 ① 的文章", "the article in 1 above"),
    "yaml.source.saved": ("data/sources/ 中已保存的文件", "the files saved in data/sources/"),
    "valid": (
        "校验通过：{n} 条数据，每条原文都在文章中找到。",
        "Valid: {n} observations, every quote found in the article.",
    ),
    "problems": ("{n} 处问题。按行号修改后再校验：", "{n} problems. Fix them by line number, then check again:"),
    "lines": ("带行号查看城市文件", "The city file with line numbers"),
    "goto.label": ("转到问题所在行", "Go to a problem's line"),
    "goto.option": ("第 {line} 行第 {col} 列：{message}", "Line {line}, column {col}: {message}"),
    "goto.line": ("第 {line} 行", "Line {line}"),
    "goto.apply": ("改好这一行", "Apply to the file"),
    "goto.stale": (
        "文本在应用之前已被修改，这一行没有写回。请重新选择问题。",
        "The text changed before the line was applied, so it was not written back. Choose the problem again.",
    ),
    "goto.help": (
        "在这里修改这一行，改动写回上面的文本并立即重新校验。",
        "Edit the line here: the change goes into the text above and is checked at once.",
    ),
    "preview.header": ("③ 预览与下载", "3. Preview and download"),
    "preview.on": (
        "预览已开启：分类对比、城市档案等页面现在包含「{city}」（仅本次会话可见，未保存）。",
        "Preview on: the compare, city and other pages now include “{city}” (this session only, not saved).",
    ),
    "preview.beside": (
        "新城市与已有城市：各分类报告的指标数",
        "The new city beside the others: indicators reported per category",
    ),
    "preview.compare": ("在分类对比中查看", "See it in Compare by category"),
    "preview.city": ("查看城市档案", "See its city profile"),
    "preview.stop": ("结束预览", "End the preview"),
    "preview.restart": ("重新预览", "Preview again"),
    "preview.off": ("城市文件通过校验后即可预览。", "The preview opens once the city file is valid."),
    "download.yaml": ("下载城市文件 {name}", "Download the city file {name}"),
    "download.indicator": ("下载新指标提议 {name}", "Download the proposed indicator {name}"),
    "indicator.header": (
        "提议新的指标（目录中没有合适的指标时）",
        "Propose a new indicator (when none in the catalog fits)",
    ),
    "indicator.help": (
        "写一条目录条目：两种语言的名称和口径、计量、量词和关键词。有效时，城市文件与预览按加上它的目录校验；"
        "下载后把它放进 data/catalog.yaml 的 indicators: 之下，随城市文件一起提交。",
        "Write one catalog entry: names and definition in both languages, measure, measure words, keywords. "
        "When it is valid, the city file and the preview are checked against the catalog with it added; "
        "download it and put it under indicators: in data/catalog.yaml, committed with the city file.",
    ),
    "indicator.paste": ("目录条目（YAML）", "Catalog entry (YAML)"),
    "indicator.template": ("填入模板", "Insert a template"),
    "indicator.valid": (
        "新指标 {id} 有效：城市文件和预览已按加上它的目录校验。",
        "The new indicator {id} is valid: the city file and the preview use the catalog with it.",
    ),
    "indicator.problems": ("新指标提议有 {n} 处问题：", "The proposed indicator has {n} problems:"),
    "download.source": ("下载原文 {name}", "Download the article {name}"),
    "download.help": (
        "把城市文件放入 data/cities/，原文放入 data/sources/，运行 `python -m metrics validate`，然后提交。",
        "Put the city file in data/cities/ and the article in data/sources/, run `python -m metrics validate`, "
        "then commit.",
    ),
    "download.invalid": (
        "城市文件尚有问题，下载后请继续修改。",
        "The city file still has problems; keep fixing it after download.",
    ),
}


def t(key: str, **values) -> str:
    """An editor string in the current language."""
    zh, en = STRINGS[key]
    text = en if state.lang() == "en" else zh
    return text.format(**values) if values else text


# --- texts kept across page switches and reloads ----------------------------------------------
#
# In the session (a page switch drops widget state) and, for a browser reload (a new session),
# on the server under the draft's id in the URL (`?draft=...`): the last MAX_DRAFTS drafts of this
# process, nothing written to disk. A reload of /editor?draft=... gets its texts back.

DRAFT_PARAM = "draft"
MAX_DRAFTS = 64
_DRAFT_ID = "_editor_draft_id"
_DRAFTS: collections.OrderedDict[str, dict[str, str]] = collections.OrderedDict()
_DRAFTS_LOCK = threading.Lock()


def draft_id() -> str:
    """This editing session's draft id: the URL's (a reload), else a new one, put in the URL."""
    current = st.session_state.get(_DRAFT_ID)
    if current is None:
        raw = st.query_params.get(DRAFT_PARAM)
        current = raw if raw and re.fullmatch(r"[A-Za-z0-9_-]{8,32}", raw) else secrets.token_urlsafe(9)
        st.session_state[_DRAFT_ID] = current
    if st.query_params.get(DRAFT_PARAM) != current:
        st.query_params[DRAFT_PARAM] = current
    return current


def _remember(key: str, value: str) -> None:
    st.session_state.setdefault(_KEPT, {})[key] = value
    draft = st.session_state.get(_DRAFT_ID)
    if draft is None:
        return
    with _DRAFTS_LOCK:
        _DRAFTS.setdefault(draft, {})[key] = value
        _DRAFTS.move_to_end(draft)
        while len(_DRAFTS) > MAX_DRAFTS:
            _DRAFTS.popitem(last=False)


def _restore(key: str) -> None:
    kept = st.session_state.setdefault(_KEPT, {})
    if key in st.session_state:
        return
    if key in kept:
        st.session_state[key] = kept[key]
        return
    with _DRAFTS_LOCK:
        saved = _DRAFTS.get(st.session_state.get(_DRAFT_ID) or "", {}).get(key)
    if saved is not None:
        st.session_state[key] = kept[key] = saved


def _keep(key: str) -> str:
    value = st.session_state.get(key) or ""
    _remember(key, value)
    return value


def _set_text(key: str, value: str) -> None:
    st.session_state[key] = value
    _remember(key, value)


def _build(text: str) -> None:
    """The build button: writes the built city file, unless the one there was edited by hand
    since the last build (then the editor is asked first: `_confirm_build`)."""
    current = st.session_state.get(YAML) or ""
    if current.strip() and current != st.session_state.get(_BUILT):
        st.session_state[_PENDING] = True
        return
    _confirm_build(text)


def _confirm_build(text: str) -> None:
    _set_text(YAML, text)
    st.session_state[_BUILT] = text
    st.session_state.pop(_PENDING, None)


def _keep_edits() -> None:
    st.session_state.pop(_PENDING, None)


def _on_upload(file_key: str, text_key: str, limit: int) -> None:
    """Puts an uploaded file's text into its text area (within the size limit, UTF-8 only)."""
    uploaded = st.session_state.get(file_key)
    errors = st.session_state.setdefault(_UPLOAD_ERROR, {})
    errors.pop(file_key, None)
    if uploaded is None:
        return
    try:
        text = preview.decode_upload(uploaded.getvalue(), limit, uploaded.name)
    except preview.UploadError as exc:
        errors[file_key] = (exc.code, dict(exc.params))
        return
    _set_text(text_key, text)
    if text_key == YAML:
        st.session_state[_YAML_NAME] = uploaded.name


def _upload_error(file_key: str) -> None:
    refused = st.session_state.get(_UPLOAD_ERROR, {}).get(file_key)
    if refused:
        st.error(render.md(messages.render(*refused, state.lang())), icon=":material/error:")


def _page_link(path: str, label: str, icon: str, **params) -> None:
    """A link that keeps the session (and so the preview); when the page runs on its own, outside
    the dashboard's navigation, there is no page to link to and the sidebar is the way."""
    try:
        layout.page_link(path, label, icon=icon, **params)
    except StreamlitPageNotFoundError:
        st.caption(render.md(label))


# --- cached data --------------------------------------------------------------------------------


@st.cache_resource(max_entries=2, show_spinner=False)
def _saved(folder: str, fingerprint: str) -> load.Dataset:
    """The saved dataset (never mutated: previews copy it with metrics.preview.with_city)."""
    return load.load_all(Path(folder))


def saved_dataset() -> load.Dataset:
    folder = store.data_dir()
    return _saved(str(folder.resolve()), store.folder_fingerprint(folder))


def session_ended():
    """A function telling whether this script run's session has ended (its tab closed): the draft
    asks it between clauses and stops, so that no work goes on for a visitor who left."""
    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return lambda: False
    runtime, session_id = Runtime.instance(), ctx.session_id
    return lambda: not runtime.is_active_session(session_id)


@st.cache_data(max_entries=16, show_spinner=False)
def _draft(article: str, fingerprint: str) -> draft.Draft:
    return draft.draft(article, saved_dataset().catalog, should_stop=session_ended())


# --- pure helpers (tested without Streamlit) ------------------------------------------------------


# The qualifiers in the editor's words (the data keeps the ids).
_QUALIFIER_WORDS = {
    "exact": ("准确", "exact"),
    "more_than": ("以上（余、多、超过）", "more than (余, 多, 超过)"),
    "nearly": ("近（将近、接近）", "nearly (近)"),
    "about": ("约（左右）", "about (约, 左右)"),
}


def qualifier_label(qualifier: str, lang: str) -> str:
    zh, en = _QUALIFIER_WORDS.get(qualifier, (qualifier, qualifier))
    return en if lang == "en" else zh


def indicator_label(catalog, indicator_id: str, lang: str) -> str:
    """An indicator as the editor picks it: category · name (measure word), in the page's
    language, so that the list can be searched in Chinese; the id itself for an unknown one."""
    indicator = catalog.indicators.get(indicator_id)
    if indicator is None:
        return str(indicator_id)
    category = catalog.categories.get(indicator_id.split(".")[0])
    word = indicator.word(lang)
    name = indicator.name.en if lang == "en" else indicator.name.zh
    where = (category.name.en if lang == "en" else category.name.zh) if category else ""
    return f"{where} · {name} ({word})" if lang == "en" else f"{where} · {name}（{word}）"


def candidate_frame(candidates: list[draft.Candidate]) -> pd.DataFrame:
    """The editable table: one row per candidate, every one used by default. One without an
    indicator is built as `indicator: null`, which the validator names at its line: nothing the
    draft found is dropped unless the editor unticks it."""
    return pd.DataFrame(
        {
            "use": [True for _ in candidates],
            "n": list(range(1, len(candidates) + 1)),
            "written": [c.written for c in candidates],
            "indicator": [c.indicator or None for c in candidates],
            "value": [c.value_as_written for c in candidates],
            "unit": [c.unit_as_written for c in candidates],
            "qualifier": [c.qualifier for c in candidates],
            "confidence": [c.confidence for c in candidates],
            "quote": [c.quote for c in candidates],
        }
    )


def apply_edits(candidates: list[draft.Candidate], edited: pd.DataFrame) -> list[draft.Candidate]:
    """The candidates the editor uses, with the indicator, value, unit and qualifier as edited."""
    used = []
    for candidate, row in zip(candidates, edited.itertuples(index=False), strict=False):
        if not row.use:
            continue
        indicator = row.indicator if isinstance(row.indicator, str) else ""
        used.append(
            dataclasses.replace(
                candidate,
                indicator=indicator,
                confidence=candidate.confidence if indicator == candidate.indicator else None,
                value_as_written=float(row.value) if pd.notna(row.value) else candidate.value_as_written,
                unit_as_written=str(row.unit or "").strip(),
                qualifier=row.qualifier if row.qualifier in QUALIFIERS else candidate.qualifier,
            )
        )
    return used


def article_segments(body: str, spans: list[tuple[int, int, str]]) -> list[tuple[str, bool, str | None]]:
    """The article cut into (text, highlighted, tag) segments around (start, end, tag) spans."""
    segments, at = [], 0
    for start, end, tag in sorted(spans):
        if start < at:
            continue
        if start > at:
            segments.append((body[at:start], False, None))
        segments.append((body[start:end], True, tag))
        at = end
    if at < len(body):
        segments.append((body[at:], False, None))
    return segments


def _show_problems(heading: str, problems: list[load.Problem], text_key: str | None = None) -> None:
    st.error(heading, icon=":material/error:")
    st.table(problem_frame(problems), hide_index=True, border="horizontal")  # whole messages, wrapped
    if text_key is not None:
        _line_editor(problems, text_key)


# A problem's place shown with this many lines on either side.
_CONTEXT_LINES = 2
_OPTION_CHARS = 90  # a problem's message in the chooser (the table above has it whole)


def line_context(text: str, line: int, col: int | None) -> str:
    """The lines around `line` of `text`, numbered, the line marked and a caret under `col`."""
    lines = yamlio.split_lines(text)[::2]
    lo, hi = max(1, line - _CONTEXT_LINES), min(len(lines), line + _CONTEXT_LINES)
    digits = len(str(hi))
    out = []
    for n in range(lo, hi + 1):
        out.append(f"{'>' if n == line else ' '} {n:>{digits}} | {lines[n - 1]}")
        if n == line and col:
            out.append(" " * (digits + 5 + render.display_width(lines[n - 1][: col - 1])) + "^")
    return "\n".join(out)


def _replace_line(text_key: str, line: int, input_key: str, digest: str) -> None:
    """The line editor's button: the edited line goes into the text, in place of line `line`,
    if the text is still the one the line was taken from (else the editor is told, and nothing
    is replaced: line `line` of another text is another line)."""
    text = st.session_state.get(text_key) or ""
    parts = yamlio.split_lines(text)
    if _digest(text)[:12] != digest or not 1 <= line <= (len(parts) + 1) // 2:
        st.session_state[_LINE_STALE] = True
        return
    parts[2 * (line - 1)] = st.session_state.get(input_key, parts[2 * (line - 1)])
    _set_text(text_key, "".join(parts))


def _line_editor(problems: list[load.Problem], text_key: str) -> None:
    """Each problem takes the editor to its line (a text area has no cursor to move): the editor
    picks a problem, sees its lines with the place marked, and edits that line here. A problem
    placed after the last line (the end of the file) is shown at the last line."""
    text = st.session_state.get(text_key) or ""
    lines = yamlio.split_lines(text)[::2]
    located = [p for p in problems if p.line]
    if not located:
        return
    if st.session_state.pop(_LINE_STALE, False):
        st.warning(t("goto.stale"), icon=":material/warning:")
    lang = state.lang()

    def option(i: int) -> str:
        message = located[i].body(lang)
        short = message if len(message) <= _OPTION_CHARS else message[: _OPTION_CHARS - 1] + "…"
        return t("goto.option", line=located[i].line, col=located[i].col, message=short)

    chosen = located[st.selectbox(t("goto.label"), range(len(located)), format_func=option, key=f"{text_key}_goto")]
    line = min(chosen.line, len(lines))
    st.code(line_context(text, line, chosen.col if line == chosen.line else None), language=None)
    # keyed by the text and the line: after any change the box holds the line as it now reads
    digest = _digest(text)[:12]
    input_key = f"{text_key}_line_{digest}_{line}"
    st.text_input(t("goto.line", line=line), value=lines[line - 1], key=input_key, help=t("goto.help"))
    st.button(
        t("goto.apply"),
        icon=":material/edit:",
        on_click=_replace_line,
        args=(text_key, line, input_key, digest),
        key=f"{text_key}_apply_line",
    )


def problem_frame(problems: list[load.Problem]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("col.line"): [p.line for p in problems],
            t("col.col"): [p.col for p in problems],
            t("col.message"): [p.body(state.lang()) for p in problems],
        }
    )


def _digest(*texts: str) -> str:
    h = hashlib.sha256()
    for text in texts:
        h.update(text.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


# --- the page's sections --------------------------------------------------------------------------


def body(view: View) -> None:
    draft_id()  # before any text is restored: a reload finds its texts under the URL's id
    st.caption(t("intro"))
    article = article_section(view)
    st.divider()
    city, text, catalog, proposal = city_file_section(view, article)
    st.divider()
    preview_section(view, city, text, article, catalog, proposal)


def article_section(view: View) -> str:
    """Article input; the draft candidates in an editable table beside the highlighted article."""
    st.subheader(t("article.header"))
    _restore(ARTICLE)
    left, right = st.columns([3, 2])
    left.text_area(t("article.paste"), key=ARTICLE, height=160)
    right.file_uploader(
        t("article.upload", mb=preview.UPLOAD_LIMIT_MB),
        type=["txt"],
        key=ARTICLE_FILE,
        max_upload_size=preview.UPLOAD_LIMIT_MB,
        on_change=_on_upload,
        args=(ARTICLE_FILE, ARTICLE, preview.MAX_ARTICLE_BYTES),
    )
    _upload_error(ARTICLE_FILE)
    article = _keep(ARTICLE)
    if not article.strip():
        st.info(t("article.empty"))
        return ""
    if len(article.encode("utf-8")) > preview.MAX_ARTICLE_BYTES:
        st.error(t("article.too_large", mb=preview.UPLOAD_LIMIT_MB), icon=":material/error:")
        return ""

    try:
        result = _draft(article, store.folder_fingerprint())
    except draft.DraftStopped:  # the session ended while the draft ran: nobody to show it to
        st.stop()
    catalog = proposed_catalog()  # a valid proposed indicator can be chosen for a candidate
    candidates = result.candidates
    st.caption(
        t("candidates.caption", n=len(candidates), m=sum(1 for c in candidates if c.indicator), k=len(result.skipped))
    )
    table_col, article_col = st.columns([3, 2])
    with table_col:
        edited = st.data_editor(
            candidate_frame(candidates),
            key=f"editor_candidates_{_digest(article)[:12]}",
            hide_index=True,
            # unit and qualifier beside the number, the quote before the draft's confidence
            column_order=["use", "n", "written", "value", "unit", "qualifier", "indicator", "quote", "confidence"],
            height="auto" if len(candidates) <= 14 else 520,
            disabled=["n", "written", "confidence", "quote"],
            column_config={
                "use": st.column_config.CheckboxColumn(t("col.use"), width="small"),
                "n": st.column_config.NumberColumn(t("col.n"), width="small"),
                "written": st.column_config.TextColumn(t("col.written"), width="small"),
                "indicator": st.column_config.SelectboxColumn(
                    t("col.indicator"),
                    options=list(catalog.indicators),
                    format_func=lambda iid: indicator_label(catalog, iid, state.lang()),
                    width="large",
                ),
                "value": st.column_config.NumberColumn(t("col.value"), min_value=0, format="%g"),
                "unit": st.column_config.TextColumn(t("col.unit"), width="small"),
                "qualifier": st.column_config.SelectboxColumn(
                    t("col.qualifier"),
                    options=list(QUALIFIERS),
                    format_func=lambda q: qualifier_label(q, state.lang()),
                    required=True,
                    width="small",
                ),
                "confidence": st.column_config.ProgressColumn(
                    t("col.confidence"), min_value=0, max_value=1, format="%.2f", width="small"
                ),
                "quote": st.column_config.TextColumn(t("col.quote"), width="large"),
            },
        )
        used = apply_edits(candidates, edited)
        with st.expander(t("skipped", k=len(result.skipped))):
            reasons = [messages.reason(s.reason, state.lang()) for s in result.skipped]
            st.dataframe(
                pd.DataFrame({t("col.written"): [s.written for s in result.skipped], t("col.message"): reasons}),
                hide_index=True,
                width="stretch",
            )
    with article_col:
        st.caption(t("article.view"))
        spans = [
            (c.start, c.end, f"{n} {ind if isinstance(ind, str) and ind else '?'}")
            for n, (c, ind) in enumerate(zip(candidates, edited["indicator"], strict=True), 1)
        ]
        with st.container(height=560, border=True):
            st.markdown(render.paragraphs(article_segments(result.source.body, spans)))

    _restore(CITY_ID)
    city_id = st.text_input(t("city_id"), key=CITY_ID, max_chars=40).strip()
    _keep(CITY_ID)
    if city_id and not re.fullmatch(r"[a-z][a-z0-9_]*", city_id):
        st.error(t("city_id.bad"))
        city_id = ""
    name = "article.txt"
    uploaded = st.session_state.get(ARTICLE_FILE)
    if uploaded is not None:
        name = uploaded.name
    yaml_text = draft.to_yaml(
        dataclasses.replace(result, candidates=used), catalog, city_id or None, name, state.lang()
    )
    unindicated = [
        str(int(row.n))
        for row in edited.itertuples(index=False)
        if row.use and not (isinstance(row.indicator, str) and row.indicator)
    ]
    if unindicated:
        st.warning(t("no_indicator", n=len(unindicated), which="、".join(unindicated)), icon=":material/flag:")
    st.button(
        t("build", n=len(used)),
        type="primary",
        icon=":material/description:",
        on_click=_build,
        args=(yaml_text,),
        key="editor_build",
    )
    if st.session_state.get(_PENDING):
        st.warning(t("build.confirm"), icon=":material/warning:")
        replace, keep = st.columns(2)
        replace.button(
            t("build.replace"), on_click=_confirm_build, args=(yaml_text,), key="editor_build_replace", width="stretch"
        )
        keep.button(t("build.keep"), on_click=_keep_edits, key="editor_build_keep", width="stretch")
    return article


def proposed_catalog():
    """The saved catalog with the proposed indicator added when the proposal (indicator_section)
    is valid, else the saved catalog: the candidate table offers the proposal too."""
    catalog = saved_dataset().catalog
    _restore(INDICATOR)
    text = st.session_state.get(INDICATOR) or ""
    extended = _proposal(text, catalog)[0] if text.strip() else None
    return extended or catalog


def _proposal(text: str, catalog):
    """preview.propose_indicator(text, catalog), once per text and catalog: the candidate table
    and the proposal's own section both read it in a run, and most reruns leave it unchanged.
    The kept answer holds its catalog, so `is` compares the very object."""
    kept = st.session_state.get(_PROPOSAL)
    if kept is None or kept[0] != text or kept[1] is not catalog:
        kept = (text, catalog, preview.propose_indicator(text, catalog))
        st.session_state[_PROPOSAL] = kept
    return kept[2]


def indicator_section():
    """A proposed catalog indicator, validated live: (the catalog to check the city with, the
    proposal's text when it is valid, else "")."""
    catalog = saved_dataset().catalog
    _restore(INDICATOR)
    with st.expander(
        t("indicator.header"), icon=":material/add_chart:", expanded=bool(st.session_state.get(INDICATOR))
    ):
        st.caption(t("indicator.help"))
        st.button(
            t("indicator.template"),
            on_click=_set_text,
            args=(INDICATOR, preview.indicator_template(next(iter(catalog.categories)))),
            key="editor_indicator_template",
        )
        st.text_area(t("indicator.paste"), key=INDICATOR, height=280)
        text = _keep(INDICATOR)
        if not text.strip():
            return catalog, ""
        extended, indicator_id, problems = _proposal(text, catalog)
        if problems:
            _show_problems(t("indicator.problems", n=len(problems)), problems, INDICATOR)
            return catalog, ""
        st.success(t("indicator.valid", id=indicator_id), icon=":material/check_circle:")
        name = f"catalog-{indicator_id}.yaml"
        _download(st, t("download.indicator", name=name), text, name, "application/yaml", "editor_download_indicator")
        return extended, text


def city_file_section(view: View, article: str):
    """City file input, validated live against the saved catalog, or the catalog with a valid
    proposed indicator added (indicator_section): every problem with its line, or a valid city.
    Returns (the city or None, the file's text, that catalog, the proposal's text or "")."""
    st.subheader(t("yaml.header"))
    catalog, proposal = indicator_section()
    _restore(YAML)
    left, right = st.columns([3, 1])
    left.text_area(t("yaml.paste"), key=YAML, height=420)
    right.file_uploader(
        t("yaml.upload", mb=preview.UPLOAD_LIMIT_MB),
        type=["yaml", "yml"],
        key=YAML_FILE,
        max_upload_size=preview.UPLOAD_LIMIT_MB,
        on_change=_on_upload,
        args=(YAML_FILE, YAML, preview.MAX_CITY_BYTES),
    )
    _upload_error(YAML_FILE)
    text = _keep(YAML)
    if not text.strip():
        st.info(t("yaml.empty"))
        return None, "", catalog, proposal
    dataset = saved_dataset()
    city, problems = preview.validate_city(
        text, catalog, store.data_dir(), article or None, st.session_state.get(_YAML_NAME)
    )
    if city is not None:
        problems = preview.conflicts(dataset, city)  # a report id or source another city holds
        if problems:
            city = None
    right.caption(t("yaml.source", what=t("yaml.source.article") if article else t("yaml.source.saved")))
    if problems:
        _show_problems(t("problems", n=len(problems)), problems, YAML)
        with st.expander(t("lines"), expanded=False):
            st.code(text, language="yaml", line_numbers=True)
        return None, text, catalog, proposal
    st.success(t("valid", n=len(city.observations)), icon=":material/check_circle:")
    return city, text, catalog, proposal


def _stop_preview(digest: str | None = None) -> None:
    """Ends the preview; with a digest, it stays off for that same file and article."""
    st.session_state.pop(store.PREVIEW_KEY, None)
    st.session_state.pop(_PREVIEW_DIGEST, None)
    if digest:
        st.session_state[_PREVIEW_STOPPED] = digest


def _restart_preview() -> None:
    st.session_state.pop(_PREVIEW_STOPPED, None)


def preview_section(
    view: View, city: load.CityData | None, text: str, article: str, catalog=None, proposal: str = ""
) -> None:
    """The preview store for a valid city, a look at it beside the others, and the downloads."""
    st.subheader(t("preview.header"))
    if city is None and text.strip():
        _stop_preview()  # an invalid file: an older preview would show stale data
    digest = _digest(text, article, proposal, store.folder_fingerprint())
    stopped = city is not None and st.session_state.get(_PREVIEW_STOPPED) == digest
    if city is not None and not stopped and st.session_state.get(_PREVIEW_DIGEST) != digest:
        base = saved_dataset()
        dataset = preview.with_city(base, city, catalog)
        stems = (*tuple(p.stem for p in load.city_files(store.data_dir())), city.header.id)
        st.session_state[store.PREVIEW_KEY] = store.Store.from_dataset(
            dataset, city_files=stems, preview_city=city.header.id
        )
        st.session_state[_PREVIEW_DIGEST] = digest
    current = st.session_state.get(store.PREVIEW_KEY)
    if current is None and stopped:
        st.button(
            t("preview.restart"), icon=":material/visibility:", on_click=_restart_preview, key="editor_restart_preview"
        )
    elif current is None:
        st.info(t("preview.off"))
    else:
        city_id = store.preview_city(current)
        header = city.header if city is not None else None
        label = f"{header.name.zh} {header.name.en}" if header else city_id
        st.warning(t("preview.on", city=render.md(label)), icon=":material/visibility:")
        st.caption(t("preview.beside"))
        with current.cursor() as cur:
            beside = dataclasses.replace(view, store=current, key=store.store_key(current), cur=cur)
            st.dataframe(overview.coverage_table(beside), width="stretch")
        links = st.columns(3)
        with links[0]:
            _page_link("compare", t("preview.compare"), icon=":material/bar_chart:")
        with links[1]:
            _page_link("city", t("preview.city"), icon=":material/location_city:", city=city_id)
        links[2].button(
            t("preview.stop"),
            icon=":material/visibility_off:",
            on_click=_stop_preview,
            args=(digest if city is not None else None,),
            key="editor_stop_preview",
        )
    if text.strip():
        downloads(city, text, article)


def _download(where, label: str, text: str, name: str, mime: str, key: str) -> None:
    """One of the page's download buttons (`where`: st or a column), for a text as UTF-8."""
    where.download_button(
        label, text.encode("utf-8"), file_name=name, mime=mime, icon=":material/download:", on_click="ignore", key=key
    )


def downloads(city: load.CityData | None, text: str, article: str) -> None:
    """Download buttons for the city file and its article as a source file (with a header)."""
    stem = city.header.id if city is not None else preview.file_stem(text, st.session_state.get(_YAML_NAME))
    if city is None:
        st.caption(t("download.invalid"))
    st.caption(t("download.help"))
    left, right = st.columns(2)
    _download(
        left, t("download.yaml", name=f"{stem}.yaml"), text, f"{stem}.yaml", "application/yaml", "editor_download_yaml"
    )
    if article:
        source_name, source_text = f"{stem}.txt", preview.source_file_text(article)
        if city is not None:
            report_id, report = next(iter(city.header.reports.items()))
            source_name = Path(report.source).name
            source_text = city.sources.get(report_id, source_text)
        _download(
            right,
            t("download.source", name=source_name),
            source_text,
            source_name,
            "text/plain",
            "editor_download_source",
        )
