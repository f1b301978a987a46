"""The editor page under AppTest: paste an article, build and validate a city file, preview, download.

Also the page's pure helpers (ui/editor.py) and metrics/preview.py. Download contents are read
by recording what Streamlit's in-memory media storage receives.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from metrics import draft, load, messages, preview, yamlio
from ui import editor, store

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "editor.py")
DATA = ROOT / "tests" / "fixtures" / "dashboard"  # the folder the app reads in these tests (not data/)

# Three outcomes, in traditional characters with pinyin glosses as some pages publish them. The
# stations are a sentence of their own: a dispute clause beside them in one sentence leans the
# draft's suggestion to disputes (its keywords are longer than 驿站).
ARTICLE = (
    "測試市婦聯(lián)2024年工作回顧\n"
    "2024年，測試市婦聯(lián)開展各類技能培訓活動122場，調處矛盾糾紛700余件。"
    "建成“愛心媽媽”驛站72個。撥打熱線0536-8198101諮詢。\n"
)

# What an editor fills in by hand in the drafted file's header.
HEADER_FILL = [
    ("province: {zh: null, en: null}", "province: {zh: 江苏省, en: Jiangsu}"),
    ("level: null", "level: prefecture"),
    ("  value: null", "  value: 1000000"),  # the year (2020) and basis (census) are the rule, filled in
    ("  source: null", "  source: 测试统计公报"),
    ("en: null}  # REVIEW", "en: Ceshi in 2024}  # REVIEW"),  # the title (the province is filled above)
    ("published_note: null", "published_note: 文中未写日期"),
]


def _fill(text: str) -> str:
    for old, new in HEADER_FILL:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


@pytest.fixture(autouse=True)
def fresh_caches(clear_streamlit_caches, monkeypatch):
    """Every editor test starts with empty Streamlit caches, reading the dashboard's test data."""
    monkeypatch.setenv(store.ENV_DATA_DIR, str(DATA))


@pytest.fixture
def downloads(monkeypatch):
    """Records every download's bytes by its file name."""
    seen: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if filename and isinstance(path_or_data, bytes):
            seen[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return seen


def _app() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def _paste_article(at: AppTest, article: str = ARTICLE, city_id: str = "ceshi") -> AppTest:
    at.text_area(key=editor.ARTICLE).set_value(article).run()
    at.text_input(key=editor.CITY_ID).set_value(city_id).run()
    assert not at.exception
    return at


def _problems(at: AppTest) -> pd.DataFrame | None:
    """The problem table (an st.table: whole messages, wrapped), or None."""
    frames = [d.value for d in at.table if "行" in d.value.columns or "Line" in d.value.columns]
    return frames[0] if frames else None


# --- the page ------------------------------------------------------------------------------------


def test_empty_page_explains_the_steps():
    at = _app()
    texts = " ".join(i.value for i in at.info)
    assert "粘贴或上传一篇文章" in texts
    assert store.PREVIEW_KEY not in at.session_state


def test_paste_article_shows_candidates_and_highlights():
    at = _paste_article(_app())
    (table,) = at.data_editor
    frame = table.value
    assert list(frame["written"]) == ["122场", "700余件", "72个"]  # not the year, not the phone number
    assert list(frame["indicator"]) == [
        "employment.training_sessions",
        "rights.all_disputes_resolved",  # 矛盾纠纷 of no stated kind, not family disputes
        "difficulty.care_stations",
    ]
    assert list(frame["qualifier"]) == ["exact", "more_than", "exact"]
    article = [m.value for m in at.markdown if "orange-background" in m.value]
    assert article, "the article is shown with highlights"
    assert ":orange-background[122場]" in article[0] and "1 employment\\.training\\_sessions" in article[0]


def test_build_then_validate_errors_with_lines_then_preview_and_download(downloads):
    at = _paste_article(_app())
    at.button(key="editor_build").click().run()
    text = at.text_area(key=editor.YAML).value
    assert text.startswith("# 由 `python -m metrics draft`") and "id: ceshi" in text  # a Chinese page: Chinese comments
    comments = [line.split("#", 1)[1] for line in text.splitlines() if "#" in line]
    assert comments and all(re.search("[\u4e00-\u9fff]", c) for c in comments), "every comment in Chinese"
    problems = _problems(at)
    assert problems is not None and len(problems) >= 5
    lines = text.splitlines()
    for line, message in zip(problems.iloc[:, 0], problems.iloc[:, 2], strict=True):
        key = re.split("[:：]", message)[0].split(".")[-1]
        assert key in lines[line - 1], (line, message)  # each error points at its own line
        assert re.search("[\u4e00-\u9fff]", message.removeprefix(key)), f"not in Chinese: {message}"
    assert store.PREVIEW_KEY not in at.session_state

    at.text_area(key=editor.YAML).set_value(_fill(text)).run()
    assert not at.exception
    assert _problems(at) is None
    assert any("校验通过：3 条数据" in s.value for s in at.success)
    preview_store = at.session_state[store.PREVIEW_KEY]
    assert preview_store.preview_city == "ceshi"
    with preview_store.cursor() as cur:
        cities = cur.execute("SELECT city_id FROM cities ORDER BY city_id").fetchall()
        values = cur.execute(
            "SELECT indicator_id, value, qualifier FROM observations WHERE city_id = 'ceshi' ORDER BY value"
        ).fetchall()
    ids = {c for (c,) in cities}
    assert "ceshi" in ids and "suqian" in ids and ids <= set(preview_store.city_files)
    assert values == [
        ("difficulty.care_stations", 72.0, "exact"),
        ("employment.training_sessions", 122.0, "exact"),
        ("rights.all_disputes_resolved", 700.0, "more_than"),
    ]
    beside = [d.value for d in at.dataframe if "测试市" in list(d.value.index)]
    assert beside and "宿迁市" in list(beside[0].index)  # the new city beside the saved ones

    labels = [b.label for b in at.get("download_button")]
    assert labels == ["下载城市文件 ceshi.yaml", "下载原文 ceshi-2024.txt"]
    assert downloads["ceshi.yaml"].decode("utf-8") == _fill(text)
    source = downloads["ceshi-2024.txt"].decode("utf-8")
    assert source.splitlines()[2] == "---" and source.endswith(ARTICLE)
    assert not (DATA / "cities" / "ceshi.yaml").exists()
    assert not (DATA / "sources" / "ceshi-2024.txt").exists()


def test_a_problem_takes_the_editor_to_its_line_where_the_line_is_fixed():
    at = _paste_article(_app())
    at.button(key="editor_build").click().run()
    text = at.text_area(key=editor.YAML).value
    lines = text.split("\n")
    problems = _problems(at)
    goto = at.selectbox(key=f"{editor.YAML}_goto")
    assert len(goto.options) == len(problems), "every located problem can be gone to"
    target = next(i for i, line in enumerate(problems.iloc[:, 0]) if lines[line - 1].startswith("level: null"))
    line = int(problems.iloc[target, 0])
    goto.set_value(target).run()
    assert any(f"> {line} | {lines[line - 1]}" in c.value for c in at.code), "its lines, the line marked"
    (box,) = [w for w in at.text_input if w.key.startswith(f"{editor.YAML}_line_")]
    assert box.value == lines[line - 1] and box.label == f"第 {line} 行"
    box.set_value(lines[line - 1].replace("level: null", "level: prefecture", 1)).run()
    at.button(key=f"{editor.YAML}_apply_line").click().run()
    assert not at.exception
    fixed = at.text_area(key=editor.YAML).value.split("\n")
    assert fixed[line - 1].startswith("level: prefecture  # REVIEW")
    assert fixed[: line - 1] == lines[: line - 1] and fixed[line:] == lines[line:], "the other lines as they were"
    after = _problems(at)
    assert after is not None and len(after) == len(problems) - 1 and line not in set(after.iloc[:, 0])


def test_a_line_edit_is_not_applied_to_a_text_changed_meanwhile():
    at = _paste_article(_app())
    at.button(key="editor_build").click().run()
    text = at.text_area(key=editor.YAML).value
    (box,) = [w for w in at.text_input if w.key.startswith(f"{editor.YAML}_line_")]
    box.set_value("id: something_else")
    changed = "# a line added on top\n" + text
    at.text_area(key=editor.YAML).set_value(changed)
    at.button(key=f"{editor.YAML}_apply_line").click().run()  # both in one rerun
    assert not at.exception
    assert at.text_area(key=editor.YAML).value == changed, "line N of another text is another line"
    assert any("没有写回" in w.value for w in at.warning)


def test_lines_are_split_where_the_yaml_reader_splits_them():
    text = "a: 1\r\nb: 2\rc: 3\u2028d: 4\ne: 5"
    assert yamlio.split_lines(text)[::2] == ["a: 1", "b: 2", "c: 3", "d: 4", "e: 5"]
    assert "".join(yamlio.split_lines(text)) == text, "the breaks are kept as they were"
    assert editor.line_context(text, 4, None).split("\n")[2] == "> 4 | d: 4"


def test_line_context_marks_the_line_and_the_column_in_display_width():
    text = "a: 1\nname: {zh: 测试市, en: x}\nb: 2\nc: 3"
    shown = editor.line_context(text, 2, 15).split("\n")
    assert shown[0] == "  1 | a: 1" and shown[1] == "> 2 | name: {zh: 测试市, en: x}"
    # column 15 is the "," after 测试市: three Chinese characters take two columns each
    assert shown[2].index("^") == len("> 2 | ") + len("name: {zh: ") + 6
    assert shown[3:] == ["  3 | b: 2", "  4 | c: 3"]


def test_build_asks_before_it_replaces_a_file_edited_by_hand():
    at = _paste_article(_app())
    at.button(key="editor_build").click().run()
    built = at.text_area(key=editor.YAML).value
    at.button(key="editor_build").click().run()  # not edited since: rebuilt without a question
    assert at.text_area(key=editor.YAML).value == built and not at.warning
    edited = _fill(built)
    at.text_area(key=editor.YAML).set_value(edited).run()
    at.button(key="editor_build").click().run()
    assert at.text_area(key=editor.YAML).value == edited, "a hand-edited file is never replaced unasked"
    assert any("手工修改" in w.value for w in at.warning)
    at.button(key="editor_build_keep").click().run()
    assert at.text_area(key=editor.YAML).value == edited and not any("手工修改" in w.value for w in at.warning)
    at.button(key="editor_build").click().run()
    at.button(key="editor_build_replace").click().run()
    assert at.text_area(key=editor.YAML).value == built
    assert not any("手工修改" in w.value for w in at.warning)


# A catalog entry for a count the catalog lacks (a new article's 特色产品 20种 found none).
PROPOSAL = """\
employment.product_kinds:
  name: {zh: 巾帼特色产品种数, en: Women's speciality product kinds}
  definition: {zh: 妇联推介的妇女特色产品的种数。, en: Kinds of women's speciality products the federation promoted.}
  unit: count
  measure: kinds
  measure_word: {zh: 种, en: kinds}
  accepts: [种, 类]
  per_capita: false
  keywords: [特色产品]
"""


def test_a_proposed_indicator_is_checked_and_located():
    catalog = load.load_catalog(DATA / "catalog.yaml")
    template = preview.indicator_template("employment")
    extended, indicator_id, problems = preview.propose_indicator(template, catalog)
    assert extended is None and problems
    lines = template.splitlines()
    assert all("null" in lines[p.line - 1] for p in problems), "each problem points at its null"
    extended, indicator_id, problems = preview.propose_indicator(PROPOSAL, catalog)
    assert problems == [] and indicator_id == "employment.product_kinds"
    assert set(extended.indicators) == set(catalog.indicators) | {indicator_id}
    assert "employment.product_kinds" not in catalog.indicators, "the saved catalog is left as it is"
    for text, words in [
        (PROPOSAL.replace("product_kinds", "training_sessions"), "in the catalog already"),
        (PROPOSAL.replace("employment.product_kinds", "nosuch.kinds"), "unknown category 'nosuch'"),
        (PROPOSAL.replace("accepts: [种, 类]", "accepts: [人]"), "accepts"),
        ("[1, 2]", "one indicator"),
    ]:
        _, _, problems = preview.propose_indicator(text, catalog)
        assert problems and words in problems[0].message, (words, problems)
        assert re.search("[\u4e00-\u9fff]", problems[0].body("zh")), problems[0].message


def test_a_proposal_is_checked_once_per_text_not_once_per_reader(monkeypatch):
    checked: list[str] = []
    original = preview.propose_indicator

    def counting(text, catalog):
        checked.append(text)
        return original(text, catalog)

    monkeypatch.setattr(preview, "propose_indicator", counting)
    at = _app()
    at.text_area(key=editor.INDICATOR).set_value(PROPOSAL).run()
    assert not at.exception and any("employment.product_kinds" in s.value for s in at.success)
    assert checked == [PROPOSAL], "the candidate table and the proposal's section share one check"
    at.run()
    assert checked == [PROPOSAL], "a rerun with the same text checks nothing again"
    at.text_area(key=editor.INDICATOR).set_value(PROPOSAL.replace("特色产品", "特色农产品")).run()
    assert len(checked) == 2, "a changed text is checked again"


def test_a_city_file_using_a_proposed_indicator_validates_and_previews_with_it():
    at = _paste_article(_app())
    at.button(key="editor_build").click().run()
    text = _fill(at.text_area(key=editor.YAML).value)
    first = re.search(r"  - indicator: (\S+)", text).group(1)
    using = text.replace(f"  - indicator: {first}", "  - indicator: employment.product_kinds", 1)
    at.text_area(key=editor.YAML).set_value(using).run()
    assert _problems(at) is not None, "unknown to the saved catalog"
    at.text_area(key=editor.INDICATOR).set_value(PROPOSAL).run()
    assert not at.exception
    assert any("employment.product_kinds" in s.value for s in at.success)
    problems = _problems(at)
    if problems is not None:  # only the unit may differ: the proposal takes 种, the drafted value has its own word
        assert all("unit" in m for m in problems.iloc[:, 2]), problems
        line = using.splitlines().index("  - indicator: employment.product_kinds")
        lines = using.splitlines()
        lines[line + 2] = "    unit: 种"
        at.text_area(key=editor.YAML).set_value("\n".join(lines) + "\n").run()
    assert _problems(at) is None
    preview_store = at.session_state[store.PREVIEW_KEY]
    with preview_store.cursor() as cur:
        ids = {r[0] for r in cur.execute("SELECT indicator_id FROM indicator_values").fetchall()}
    assert "employment.product_kinds" in ids, "the preview shows the value under the proposed indicator"
    assert any(b.label.startswith("下载新指标提议") for b in at.get("download_button"))


def test_breaking_the_file_again_ends_the_preview():
    at = _paste_article(_app())
    at.button(key="editor_build").click().run()
    good = _fill(at.text_area(key=editor.YAML).value)
    at.text_area(key=editor.YAML).set_value(good).run()
    assert store.PREVIEW_KEY in at.session_state
    broken = good.replace("    value: 122\n", "    value: 122\n    value: 123\n")
    at.text_area(key=editor.YAML).set_value(broken).run()
    problems = _problems(at)
    line = broken.splitlines().index("    value: 123") + 1
    assert list(problems.iloc[:, 0]) == [line] and "键 'value' 重复" in problems.iloc[0, 2]
    assert store.PREVIEW_KEY not in at.session_state


def test_quote_not_in_the_article_is_located():
    at = _paste_article(_app())
    at.button(key="editor_build").click().run()
    good = _fill(at.text_area(key=editor.YAML).value)
    bad = good.replace("quote: 调处矛盾纠纷700余件", "quote: 调解矛盾纠纷700余件")
    at.text_area(key=editor.YAML).set_value(bad).run()
    problems = _problems(at)
    line = next(i for i, x in enumerate(bad.splitlines(), 1) if "调解矛盾纠纷" in x)
    assert line in list(problems.iloc[:, 0])
    assert any("原文中找不到这句引文" in m for m in problems.iloc[:, 2])


def test_uploads_are_size_limited_and_decoded_strictly():
    at = _app()
    at.file_uploader(key=editor.ARTICLE_FILE).set_value(("gbk.txt", "测试市妇联".encode("gbk"), "text/plain")).run()
    assert any("gbk.txt 不是 UTF-8 文本" in e.value.replace("\\", "") for e in at.error)
    big = b"x" * (preview.MAX_CITY_BYTES + 1)
    at.file_uploader(key=editor.YAML_FILE).set_value(("big.yaml", big, "application/yaml")).run()
    assert any("big.yaml 为 1,048,577 字节，上限为" in e.value.replace("\\", "") for e in at.error)
    assert not at.text_area(key=editor.YAML).value


def test_one_upload_limit_in_the_server_setting_the_widgets_and_their_labels():
    """Issue 11: the server refuses a larger upload (server.maxUploadSize, in MB of 2**20
    bytes) and the code, the widgets and their labels state the same figure."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == preview.UPLOAD_LIMIT_MB
    assert preview.MAX_ARTICLE_BYTES == preview.MAX_CITY_BYTES == preview.UPLOAD_LIMIT_MB * 2**20
    at = _app()
    uploaders = at.get("file_uploader")
    assert len(uploaders) == 2
    for uploader in uploaders:
        assert uploader.proto.max_upload_size_mb == preview.UPLOAD_LIMIT_MB
        assert f"最大 {preview.UPLOAD_LIMIT_MB} MB" in uploader.proto.label
    big = b"x" * (preview.MAX_ARTICLE_BYTES + 1)
    at.file_uploader(key=editor.ARTICLE_FILE).set_value(("big.txt", big, "text/plain")).run()
    shown = [e.value.replace("\\", "") for e in at.error]  # as rendered (Markdown escapes)
    assert any("上限为 1,048,576 字节（1 MB）" in e for e in shown), shown


def test_uploaded_city_file_name_must_match_its_id():
    at = _paste_article(_app())
    at.button(key="editor_build").click().run()
    good = _fill(at.text_area(key=editor.YAML).value)
    at.file_uploader(key=editor.YAML_FILE).set_value(("other.yaml", good.encode("utf-8"), "application/yaml")).run()
    problems = _problems(at)
    assert any("与文件名不一致；应为 'other'" in m for m in problems.iloc[:, 2])


def test_preview_store_is_used_by_the_compare_page():
    at = _paste_article(_app())
    at.button(key="editor_build").click().run()
    at.text_area(key=editor.YAML).set_value(_fill(at.text_area(key=editor.YAML).value)).run()
    preview_store = at.session_state[store.PREVIEW_KEY]
    compare = AppTest.from_file(str(ROOT / "pages" / "compare.py"), default_timeout=60)
    compare.session_state[store.PREVIEW_KEY] = preview_store
    compare.run()
    assert not compare.exception
    assert any("ceshi" in w.value or "测试市" in w.value for w in compare.warning)


def test_english_interface():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    _paste_article(at)
    assert any("candidate numbers" in c.value for c in at.caption)
    assert at.button(key="editor_build").label.startswith("Build the city file")


def test_article_text_is_escaped_not_rendered():
    hostile = "标题\n$x^2$ <img src=x onerror=alert(1)> [link](javascript:alert(1)) 开展培训活动12场。\n"
    at = _paste_article(_app(), hostile)
    shown = next(m for m in at.markdown if "orange-background" in m.value)
    assert "\\$x\\^2\\$" in shown.value and "\\<img" in shown.value and "\\[link\\]\\(javascript" in shown.value
    assert not any(m.proto.allow_html for m in at.markdown)


# --- helpers -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def drafted():
    catalog = load.load_catalog(DATA / "catalog.yaml")
    return draft.draft(ARTICLE, catalog), catalog


def test_apply_edits_accept_reject_and_change(drafted):
    result, _ = drafted
    frame = editor.candidate_frame(result.candidates)
    frame.loc[0, "use"] = False  # reject
    frame.loc[1, ["indicator", "value", "qualifier"]] = ["rights.rights_services", 710, "about"]
    frame.loc[2, "unit"] = "处"
    used = editor.apply_edits(result.candidates, frame)
    assert [c.written for c in used] == ["700余件", "72个"]
    assert (used[0].indicator, used[0].value_as_written, used[0].qualifier, used[0].confidence) == (
        "rights.rights_services",
        710,
        "about",
        None,
    )
    assert used[1].unit_as_written == "处" and used[1].confidence == result.candidates[2].confidence


def test_a_candidate_without_an_indicator_is_kept_and_flagged_never_dropped(drafted):
    result, catalog = drafted
    candidates = [dataclasses.replace(result.candidates[0], indicator="", confidence=None), *result.candidates[1:]]
    frame = editor.candidate_frame(candidates)
    assert frame["use"].all(), "every candidate is used by default, with or without an indicator"
    used = editor.apply_edits(candidates, frame)
    assert len(used) == len(candidates) and used[0].indicator == ""
    text = draft.to_yaml(draft.Draft(result.source, result.facts, used), catalog, "ceshi", lang="zh")
    assert "  - indicator: null" in text and "未建议指标" in text
    _, problems = preview.validate_city(_fill(text), catalog, DATA, ARTICLE, None)
    line = text.splitlines().index("  - indicator: null") + 1
    assert any(p.line == line and "indicator" in p.message for p in problems), "the validator names it at its line"


def test_the_page_flags_the_used_candidates_without_an_indicator(monkeypatch):
    real = editor.candidate_frame

    def without_first(candidates):
        frame = real(candidates)
        frame.loc[0, "indicator"] = None
        return frame

    monkeypatch.setattr(editor, "candidate_frame", without_first)
    at = _paste_article(_app())
    assert any("尚无指标（第 1 条）" in w.value for w in at.warning)


def test_indicators_and_qualifiers_are_offered_in_the_page_language(drafted):
    _, catalog = drafted
    label = editor.indicator_label(catalog, "employment.training_sessions", "zh")
    indicator = catalog.indicators["employment.training_sessions"]
    assert label == f"{catalog.categories['employment'].name.zh} · {indicator.name.zh}（{indicator.measure_word.zh}）"
    assert indicator.name.en in editor.indicator_label(catalog, "employment.training_sessions", "en")
    assert editor.indicator_label(catalog, "no.such", "zh") == "no.such"
    assert editor.qualifier_label("more_than", "zh").startswith("以上") and "余" in editor.qualifier_label(
        "more_than", "zh"
    )
    assert editor.qualifier_label("about", "en").startswith("about")


def test_edited_yaml_says_who_chose_the_indicator(drafted):
    result, catalog = drafted
    frame = editor.candidate_frame(result.candidates)
    frame.loc[1, "indicator"] = "rights.rights_services"
    used = editor.apply_edits(result.candidates, frame)
    text = draft.to_yaml(draft.Draft(result.source, result.facts, used), catalog, "ceshi")
    assert "indicator chosen by the editor" in text and text.count("# REVIEW ") == 3


def test_article_segments_cover_the_text_once():
    body = "abc122场def700件"
    segments = editor.article_segments(body, [(3, 7, "1 x"), (10, 14, "2 y")])
    assert "".join(s for s, _, _ in segments) == body
    assert [(s, h) for s, h, _ in segments if h] == [("122场", True), ("700件", True)]


@pytest.mark.parametrize(
    "data, limit, message",
    [
        (b"x" * 11, 10, "the limit is"),
        ("测试".encode("gbk"), 100, "not UTF-8"),
    ],
)
def test_decode_upload_refuses(data, limit, message):
    with pytest.raises(preview.UploadError, match=message):
        preview.decode_upload(data, limit, "upload")


def test_source_file_text_adds_a_header_once():
    text = preview.source_file_text("开展培训122场。", "测试市妇联", "2024-06-19")
    assert text.splitlines()[:3] == ["发布者 Publisher: 测试市妇联", "发布日期 Published: 2024-06-19", "---"]
    assert preview.source_file_text(text) == text


def test_with_city_leaves_the_saved_dataset_alone():
    base = load.load_all(DATA)
    before = set(base.cities)
    catalog = base.catalog
    text = (DATA / "cities" / "zibo.yaml").read_text(encoding="utf-8")
    city, problems = preview.validate_city(text, catalog, DATA, file_name="zibo.yaml")
    assert problems == []
    merged = preview.with_city(base, city)
    assert set(merged.cities) == before and merged.cities["zibo"] is city
    assert set(base.cities) == before and base.cities["zibo"] is not city


def test_validate_city_size_limit():
    text = "id: x\n" + "#" * preview.MAX_CITY_BYTES
    _, problems = preview.validate_city(text, load.load_catalog(DATA / "catalog.yaml"), DATA)
    assert len(problems) == 1 and "the limit is 1,048,576 bytes (1 MB)" in problems[0].message
    assert problems[0].code in messages.MESSAGES and problems[0].code != "invalid_value", problems[0].message


def test_file_stem_from_upload_name_or_id():
    assert preview.file_stem("id: suqian\n") == "suqian"
    assert preview.file_stem("id: suqian\n", "other.yaml") == "other"
    assert preview.file_stem("id: [broken\n") == "new_city"
    assert re.fullmatch(r"[a-z_]+", preview.file_stem("id: Not-An-Id\n"))


def test_in_the_dashboard_the_preview_follows_to_the_city_and_compare_pages():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/editor.py").run()
    assert not at.exception
    _paste_article(at)
    at.button(key="editor_build").click().run()
    at.text_area(key=editor.YAML).set_value(_fill(at.text_area(key=editor.YAML).value)).run()
    assert not at.exception
    links = [(link.proto.page, link.proto.query_string) for link in at.get("page_link")]
    assert ("compare", "") in links and ("city", "city=ceshi") in links
    for page in ("pages/compare.py", "pages/city.py"):
        at.switch_page(page).run()
        assert not at.exception
        assert any("测试市" in w.value for w in at.warning), page  # "preview: unsaved city 测试市 ..."
    at.switch_page("pages/editor.py").run()
    assert "  value: 1000000" in at.text_area(key=editor.YAML).value  # the text came back
    at.button(key="editor_stop_preview").click().run()
    assert store.PREVIEW_KEY not in at.session_state
    at.switch_page("pages/compare.py").run()
    assert not any("测试市" in w.value for w in at.warning)
    at.switch_page("pages/editor.py").run()
    at.button(key="editor_restart_preview").click().run()
    assert at.session_state[store.PREVIEW_KEY].preview_city == "ceshi"


# --- data/README.md: the messages of "Common mistakes" are the validator's -----------------------------

README_CASES = [
    # (as the README quotes it, as the validator says it for the fixture, how to provoke it)
    (
        "Input should be 'prefecture' or 'county_level' (got None)",
        "Input should be 'prefecture' or 'county_level' (got None)",
        ("level: prefecture", "level: null"),
    ),
    (
        "indicator: Input should be a valid string (got None)",
        "Input should be a valid string (got None)",
        ("  - indicator: employment.training_sessions", "  - indicator: null"),
    ),
    (
        "did you mean 'employment.job_service_events'?",
        "did you mean 'employment.training_sessions'?",
        ("  - indicator: employment.training_sessions", "  - indicator: employment.training_session"),
    ),
    (
        "unknown report 'zibo-2023'; this file's reports are: zibo-2024",
        "unknown report 'sample-2024'; this file's reports are: sample-2023",
        (
            "    report: sample-2023\n    quote: 开展各类培训活动122场",
            "    report: sample-2024\n    quote: 开展各类培训活动122场",
        ),
    ),
    (
        "does not exist under data/",
        "does not exist under data/",
        ("source: sources/sample-2023.txt", "source: sources/sample-2042.txt"),
    ),
    (
        "published is unknown: add published_note saying how the date was inferred",
        "published is unknown: add published_note saying how the date was inferred",
        ("published: 2024-01-15", "published: unknown"),
    ),
    ("differs from the file name", "differs from the file name", ("id: sample", "id: sample2")),
    (
        "is not in the quote (numbers in the quote: 81)",
        "is not in the quote (numbers in the quote: 122)",
        ("    value: 122\n", "    value: 221\n"),
    ),
    ("a percentage is at most 100", "a percentage is at most 100", ("    value: 98.5\n", "    value: 985\n")),
    (
        "period starts 2024-12-31 after it ends 2024-01-01",
        "period starts 2023-12-31 after it ends 2023-01-01",
        ("period: {start: 2023-01-01, end: 2023-12-31}", "period: {start: 2023-12-31, end: 2023-01-01}"),
    ),
    (
        "YAML syntax: mapping values are not allowed in this context",
        "YAML syntax: mapping values are not allowed in this context",
        ("quote: 开展各类培训活动122场", "quote: 开展各类培训活动122场: 好"),
    ),
    (
        "YAML syntax: found a tab character that violates indentation",
        "YAML syntax: found a tab character that violates indentation",
        ("level: prefecture", "level: prefecture\n\tx: 1"),
    ),
    ("unknown key 'valeu'", "unknown key 'valeu'", ("    value: 122\n", "    valeu: 122\n")),
    ("missing key 'value'", "missing key 'value'", ("    value: 122\n", "    valeu: 122\n")),
]


@pytest.mark.parametrize("in_readme, message, change", README_CASES, ids=[c[1][:40] for c in README_CASES])
def test_readme_messages_are_the_validators(in_readme, message, change, data_copy):
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Common mistakes\n")[1].split("\n## ")[0]
    assert in_readme in section, "the README no longer quotes this message"
    path = data_copy / "cities" / "sample.yaml"
    text = path.read_text(encoding="utf-8")
    old, new = change
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    catalog = load.load_catalog(data_copy / "catalog.yaml")
    _, problems = load.load_city(path, catalog, data_copy)
    assert any(message in p.message for p in problems), [p.message for p in problems]


def test_the_draft_is_told_when_its_session_has_ended(monkeypatch):
    """Issue 11: a draft started by a visitor who then closed the tab stops (draft.DraftStopped)."""
    assert editor.session_ended()() is False  # outside a running server: never stops
    active = {"s1"}

    class FakeRuntime:
        @staticmethod
        def exists():
            return True

        @staticmethod
        def instance():
            return FakeRuntime

        @staticmethod
        def is_active_session(session_id):
            return session_id in active

    monkeypatch.setattr(editor, "Runtime", FakeRuntime)
    monkeypatch.setattr(editor, "get_script_run_ctx", lambda: type("Ctx", (), {"session_id": "s1"})())
    ended = editor.session_ended()
    assert ended() is False
    active.clear()
    assert ended() is True
    with pytest.raises(draft.DraftStopped):
        draft.draft("开展培训122场，" * 2000, load.load_catalog(DATA / "catalog.yaml"), should_stop=ended)


def _preview_in_session(name_zh: str, name_en: str, population: int, marker: str) -> AppTest:
    """One browser session: the dashboard, an unsaved city of the test article (same numbers,
    so the same observations, whatever the name), its own name, population and article text."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/editor.py").run()
    _paste_article(at, ARTICLE + marker + "\n")
    at.button(key="editor_build").click().run()
    text = _fill(at.text_area(key=editor.YAML).value)
    text = text.replace('name: {zh: 测试市, en: "Ceshi"}', f'name: {{zh: {name_zh}, en: "{name_en}"}}', 1)
    text = text.replace("  value: 1000000", f"  value: {population}", 1)
    assert name_en in text and str(population) in text
    at.text_area(key=editor.YAML).set_value(text).run()
    assert not at.exception
    assert at.session_state[store.PREVIEW_KEY].preview_city == "ceshi"
    return at


def _shown_on(at: AppTest, page: str) -> str:
    from test_app import everything

    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return everything(at)


def test_two_sessions_previewing_files_of_equal_observations_share_nothing():
    """Issue 11, finding 1: session B's preview showed session A's name, population and unsaved
    article, because every cached frame was keyed by the observations alone."""
    a = _preview_in_session("阿尔法市", "Alpha", 1_000_000, "甲方未保存的标记句。")
    b = _preview_in_session("贝塔市", "Beta", 3_000_000, "乙方未保存的标记句。")
    assert a.session_state[store.PREVIEW_KEY] is not b.session_state[store.PREVIEW_KEY]
    for page in ("pages/city.py", "pages/compare.py", "pages/data.py"):
        for at, own, other in (
            (b, ("贝塔市", "乙方"), ("阿尔法市", "甲方")),
            (a, ("阿尔法市", "甲方"), ("贝塔市", "乙方")),
        ):
            at.query_params["city"] = "ceshi"
            shown = _shown_on(at, page)
            assert own[0] in shown, (page, own)
            assert other[0] not in shown, (page, other)
            assert other[1] + "未保存的标记句" not in shown, (page, other)
    city_b, city_a = _shown_on(b, "pages/city.py"), _shown_on(a, "pages/city.py")
    assert "300.00万人" in city_b and "100.00万人" not in city_b
    assert "100.00万人" in city_a and "300.00万人" not in city_a


def test_a_reload_gets_the_texts_back_from_the_draft_id_in_the_url():
    at = _paste_article(_app())
    at.button(key="editor_build").click().run()
    built = at.text_area(key=editor.YAML).value
    draft = at.query_params[editor.DRAFT_PARAM]
    draft = draft[0] if isinstance(draft, list) else draft
    assert draft and built
    reloaded = AppTest.from_file(PAGE, default_timeout=60)  # a new session: what a browser reload is
    reloaded.query_params[editor.DRAFT_PARAM] = draft
    reloaded.run()
    assert reloaded.text_area(key=editor.ARTICLE).value == ARTICLE
    assert reloaded.text_area(key=editor.YAML).value == built
    assert reloaded.text_input(key=editor.CITY_ID).value == "ceshi"
    other = AppTest.from_file(PAGE, default_timeout=60)  # another editor: a draft of its own
    other.run()
    assert not other.text_area(key=editor.ARTICLE).value


def _indicator_options(at) -> list[str]:
    table = next(e for e in at.get("arrow_data_frame") or at.get("dataframe") if "indicator" in e.proto.columns)
    column = json.loads(table.proto.columns)["indicator"]
    return [option["value"] if isinstance(option, dict) else option for option in column["type_config"]["options"]]


def test_a_valid_proposed_indicator_can_be_chosen_for_a_candidate():
    at = _paste_article(_app())
    assert "employment.product_kinds" not in _indicator_options(at)
    at.text_area(key=editor.INDICATOR).set_value(PROPOSAL).run()
    assert not at.exception
    assert "employment.product_kinds" in _indicator_options(at), "the candidate table offers the proposal"
    at.text_area(key=editor.INDICATOR).set_value(PROPOSAL.replace("per_capita: false", "per_capita: maybe")).run()
    assert "employment.product_kinds" not in _indicator_options(at), "an invalid proposal is not offered"
