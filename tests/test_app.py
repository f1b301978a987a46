"""AppTest tests of every page: runs, key elements, deep links, language, "not reported", a broken file.

Pages run two ways: through dashboard.py (navigation, sidebar, language switch) and on their
own (`AppTest.from_file("pages/x.py")`), which is how deep links are checked: the query
parameters are set before the first run, as a browser opening a shared link would. Streamlit's
caches outlive an AppTest instance, so every test starts with cleared caches. Every test reads
the frozen snapshot tests/fixtures/dashboard/ (its README.md), never data/; tests that need other
data point FEDERATION_DATA_DIR at a copy of the snapshot (`data_dir_copy`)."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from metrics import folder as data_folder
from metrics import load, queries
from ui import exports, render
from ui.store import ENV_DATA_DIR, PREVIEW_KEY, Store

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "fixtures" / "dashboard"  # the frozen test data, not data/ (see its README.md)
PAGES = ["overview", "compare", "city", "indicator", "data", "about"]
TIMEOUT = 60


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch, clear_streamlit_caches):
    """Every test reads the dashboard's test data with empty caches, unless it points elsewhere."""
    monkeypatch.setenv(ENV_DATA_DIR, str(DATA))


@pytest.fixture
def data_dir_copy(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the snapshot that the app reads instead (for tests that change a file)."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    monkeypatch.setenv(ENV_DATA_DIR, str(target))
    return target


def zibo_disputes_index() -> int:
    """The position in zibo.yaml's observations of Zibo's 700+ disputes resolved (2024)."""
    observations = yaml.safe_load((DATA / "cities" / "zibo.yaml").read_text(encoding="utf-8"))["observations"]
    return next(i for i, o in enumerate(observations) if o["indicator"] == "rights.all_disputes_resolved")


@pytest.fixture
def broken_zibo(data_dir_copy: Path) -> Path:
    """The data copy with zibo.yaml broken: an observation's value is a word, not a number."""
    path = data_dir_copy / "cities" / "zibo.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("value: 700\n") == 1, "fixture expects Zibo's 700+ disputes resolved"
    path.write_text(text.replace("value: 700\n", "value: seven hundred\n", 1), encoding="utf-8")
    return data_dir_copy


def page(name: str, **params: str) -> AppTest:
    """A page run on its own, opened with the given query parameters."""
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=TIMEOUT)
    at.query_params.update(params)
    return at.run()


def app(**params: str) -> AppTest:
    """The whole app (dashboard.py) on its default page."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.query_params.update(params)
    return at.run()


def texts(at: AppTest) -> str:
    """Every text the run drew, as one string (markdown, captions, titles, alerts, code)."""
    parts = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "code"):
        parts += [str(element.value) for element in getattr(at, kind)]
    return "\n".join(parts)


def unescape(text: str) -> str:
    """Markdown-escaped text back to plain text (for asserting on curated strings)."""
    return text.replace("\\", "")


def charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def chart_titles(at: AppTest) -> list[str]:
    return [spec["layout"]["title"]["text"] for spec in charts(at)]


def shipped_cities() -> dict[str, str]:
    dataset = load.load_all(DATA)
    return {city_id: city.header.name.zh for city_id, city in dataset.cities.items()}


# --- every page --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_page_runs_on_its_own(name):
    at = page(name)
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("popover"), "every page offers the copy-link control"


@pytest.mark.parametrize("name", PAGES[1:])
def test_navigation_reaches_every_page(name):
    at = app()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(f"pages/{name}.py").run()
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("name", PAGES)
def test_page_switches_language(name):
    zh = page(name)
    en = page(name, lang="en")
    assert not en.exception
    assert zh.title[0].value != en.title[0].value
    english = texts(en)
    chinese = texts(zh)
    assert any(word in english for word in ("City", "cities", "Category", "Indicator", "report", "Source", "data"))
    assert sum(ch > "\u4e00" for ch in chinese) > sum(ch > "\u4e00" for ch in english)


def everything(at: AppTest) -> str:
    """Texts, tables, chart specs and widget options of a run, unescaped."""
    parts = [texts(at)]
    parts += [element.value.to_string() for element in at.dataframe]
    parts += [json.dumps(spec, ensure_ascii=False) for spec in charts(at)]
    parts += [" ".join(map(str, widget.options)) for kind in ("pills", "selectbox") for widget in at.get(kind)]
    return unescape("\n".join(parts))


@pytest.mark.parametrize("name", PAGES)
def test_page_keeps_working_with_a_broken_city_file(broken_zibo, name):
    at = page(name, city="suqian")
    assert not at.exception, [e.value for e in at.exception]
    shown = everything(at)
    assert "宿迁市" in shown, "the other cities are shown"
    assert "淄博市" not in shown, "the broken city is left out"


# --- sidebar, language, presentation, share link ----------------------------------------------


def test_sidebar_language_switch_translates_navigation_and_page():
    at = app()
    assert at.title[0].value == "城市妇联工作成效对比"
    at.segmented_control(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Women's federation outcomes, city by city"
    assert at.query_params.get("lang") == "en"
    at.switch_page("pages/compare.py").run()
    assert at.title[0].value == "Compare by category"
    assert at.query_params.get("lang") == "en", "the language survives a page switch and stays in the URL"


def test_language_from_url():
    at = app(lang="en")
    assert at.title[0].value == "Women's federation outcomes, city by city"
    assert at.segmented_control(key="lang").value == "en"


def _prefetch_twice():
    import streamlit as st

    from ui import entry

    first = entry.prefetch_chart_library(st.container())
    second = entry.prefetch_chart_library(st.container())
    st.write(f"first={first is not None} second={second is not None}")


def test_the_chart_library_is_requested_once_per_session():
    """ui.entry's head start for Plotly's bundle: one empty chart on a session's first run."""
    at = AppTest.from_function(_prefetch_twice, default_timeout=TIMEOUT).run()
    assert at.markdown[0].value == "first=True second=False"
    (spec,) = charts(at)
    assert spec["data"] == [] and spec["layout"]["height"] == 10
    at.run()
    assert at.markdown[0].value == "first=False second=False", "a rerun of the session sends no other"
    assert not at.get("plotly_chart")


def _prefetch_once():
    import streamlit as st

    from ui import entry

    st.write(f"slot={entry.prefetch_chart_library(st.container()) is not None}")


@pytest.mark.parametrize(
    "error, raised",
    [
        (
            "partially initialized module 'numpy' has no attribute 'ndarray' (most likely due to a circular import)",
            False,
        ),
        ("'NoneType' object has no attribute 'update_xaxes'", True),
    ],
)
def test_a_module_half_imported_by_another_session_skips_the_head_start(monkeypatch, error, raised):
    """Six first visitors at once: Plotly met numpy half imported by another session's thread."""
    import plotly.graph_objects as go

    def half_made(*args, **kwargs):
        raise AttributeError(error)

    monkeypatch.setattr(go, "Figure", half_made)
    at = AppTest.from_function(_prefetch_once, default_timeout=TIMEOUT).run()
    if raised:
        assert at.exception, "another AttributeError is a bug, not a race: it is not swallowed"
    else:
        assert not at.exception and at.markdown[0].value == "slot=False"
        assert not at.get("plotly_chart"), "no half-drawn chart is left"


@pytest.mark.parametrize("name", ["compare", "indicator"])
def test_the_chart_library_head_start_is_gone_when_the_page_is_drawn(name):
    at = app()
    at.switch_page(f"pages/{name}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    specs = charts(at)
    assert specs and all(spec["data"] for spec in specs), "only the page's own charts remain"
    assert at.session_state["_chart_library_requested"], "dashboard.py sent the head start"


def test_presentation_mode_toggle_is_kept_in_the_url():
    at = app()
    at.switch_page("pages/compare.py").run()
    at.toggle(key="present").set_value(True).run()
    assert not at.exception
    assert at.query_params.get("present") == "1"
    assert len(at.get("plotly_chart")) == 1, "one indicator per screen"


def test_share_link_carries_the_whole_view():
    at = page("compare", category="rights", cities="huaibei,zibo", mode="per_100k", lang="en")
    link = next(code.value for code in at.code if "/compare?" in code.value)
    for part in ("lang=en", "category=rights", "cities=huaibei,zibo", "mode=per_100k", "present=0"):
        assert part in link, (part, link)


# --- overview -----------------------------------------------------------------------------------


def test_overview_shows_cards_and_coverage():
    at = page("overview")
    text = unescape(texts(at))
    for name in shipped_cities().values():
        assert name in text
    coverage = at.dataframe[0].value
    assert set(coverage.index) == set(shipped_cities().values())
    assert (coverage == "").any().any(), "categories a city does not report are empty cells"
    assert not (coverage == "0").any().any(), "an empty cell is never written as 0"


def test_overview_names_the_broken_file_and_line(broken_zibo):
    at = page("overview")
    assert at.error, "the load problem is shown"
    problems = "\n".join(code.value for code in at.code)
    assert "zibo.yaml:" in problems
    line = next(x for x in problems.splitlines() if "zibo.yaml:" in x)
    _, line_no, col, message = line.split(":", 3)
    assert int(line_no) > 1 and int(col) >= 1
    index = zibo_disputes_index()
    assert message.strip() == (
        f"observations.{index}.value：应为数字（实际为 'seven hundred'）"
        "；这条观测值的字段有效后，才会检查其指标、单位和引文：修好后可能还有问题"
    ), "in Chinese on a Chinese page"
    text = unescape(texts(at))
    assert "宿迁市" in text and "淮北市" in text, "the other cities still load"
    english = page("overview", lang="en")
    line = next(x for x in "\n".join(code.value for code in english.code).splitlines() if "zibo.yaml:" in x)
    assert line.endswith(
        f"observations.{index}.value: Input should be a valid number (got 'seven hundred'); this observation's "
        "indicator, unit and quote are checked once its fields are valid: more problems may follow"
    ), line


# --- compare ------------------------------------------------------------------------------------


def test_compare_defaults_to_employment_with_every_reporting_city():
    at = page("compare")
    assert at.pills(key="category").value == "employment"
    assert at.get("plotly_chart"), "panels are drawn"
    assert set(at.session_state["cities"]) <= set(shipped_cities())


def test_compare_deep_link_is_honoured():
    at = page("compare", category="rights", cities="suqian,zibo", mode="per_100k")
    assert at.pills(key="category").value == "rights"
    assert at.session_state["cities"] == ["suqian", "zibo"]
    assert at.segmented_control(key="mode").value == "per_100k"
    specs = charts(at)
    events = next(s for s in specs if "普法宣传活动场次" in s["layout"]["title"]["text"])
    subtitle = events["layout"]["title"]["subtitle"]["text"]
    assert "每10万常住人口" in subtitle
    footer = " ".join(a["text"] for a in events["layout"]["annotations"]).replace("<br>", "")
    assert "人口分母" in footer and "2020年人口普查" in footer, "denominators with their year in the footnote"
    rows = shipped_values("rights").query(
        "indicator_id == 'rights.legal_education_events' and city_id in ['suqian', 'zibo']"
    )
    drawn = sorted(events["data"][0]["x"])
    assert drawn == pytest.approx(sorted(rows["per_100k"])), "per 100,000 residents (Suqian's 652, Zibo's 5 events)"
    assert drawn != sorted(rows["value"]), "not absolute counts"


def test_compare_lists_not_reported_cities_and_never_draws_them():
    names = shipped_cities()
    at = page("compare", category="child", cities=",".join(sorted(names)))
    assert set(at.session_state["cities"]) == set(names), "a city reporting nothing in the category may be chosen"
    text = unescape(texts(at))
    assert "未报告：" in text
    for spec in charts(at):
        bars = spec["data"][0]
        assert all(value > 0 for value in bars["x"]), "no bar drawn at 0"
        footer = " ".join(a["text"] for a in spec["layout"].get("annotations", []))
        drawn = set(bars["y"])
        for name in names.values():
            if not any(label.startswith(name) for label in drawn):
                assert name in footer, f"{name} neither drawn nor listed as not reported"


def test_compare_labels_bars_with_qualifier_and_period():
    at = page("compare", category="rights", more="1")
    spec = next(s for s in charts(at) if "调处各类矛盾纠纷" in s["layout"]["title"]["text"])
    labels = spec["data"][0]["text"]
    assert any("+" in label and "年" in label for label in labels), labels
    assert any("累计" in label for label in labels), "a running total says so"


def test_compare_warns_when_periods_differ():
    at = page("compare", category="rights")
    assert any("时期不同" in info.value for info in at.info)


def test_compare_sum_of_parts_says_so_and_lists_parts():
    at = page("compare", category="child")
    sites = next(s for s in charts(at) if "儿童友好阵地" in s["layout"]["title"]["text"])
    assert any("项之和" in label for label in sites["data"][0]["text"])
    text = unescape(texts(at))
    assert "此数值为原文分项之和" in text and "儿童友好医院" in text


def bars(spec: dict) -> list[tuple[str, str, str]]:
    """(axis label, direct label, hover) of each bar of a chart."""
    trace = spec["data"][0]
    return list(zip(trace["y"], trace["text"], trace["hovertext"], strict=True))


def chart_titled(at: AppTest, title: str) -> dict:
    return next(s for s in charts(at) if title in s["layout"]["title"]["text"])


def test_measure_words_are_the_articles_and_person_times_are_their_own_indicator():
    """Huaibei trained 300余人 (people) and, online, 600余人次 (person-times) in 2020: two
    indicators, never one sum. Each bar keeps the article's measure word (Suqian's 培育200余名
    says 名); English names what is counted (people, person-times, households)."""
    for lang, people, suqian, times, households in (
        ("zh", "300+ 人", "200+ 名", "600+ 人次", "33 户"),
        ("en", "300+ people", "200+ people", "600+ person-times", "33 households"),
    ):
        trained = [
            text for _, text, _ in bars(charts(page("indicator", indicator="employment.women_trained", lang=lang))[0])
        ]
        assert any(text.startswith(people) for text in trained), trained
        assert any(text.startswith(suqian) for text in trained), trained
        assert not any(text.startswith("900") for text in trained), "people and person-times are never added up"
        at = page("indicator", indicator="employment.training_person_times", lang=lang)
        assert any(text.startswith(times) for _, text, _ in bars(charts(at)[0])), bars(charts(at)[0])
        at = page("indicator", indicator="employment.households_employed", lang=lang)
        assert next(text for _, text, _ in bars(charts(at)[0])).startswith(households)


def test_values_of_different_scopes_are_separate_bars_never_summed():
    """Zibo's 2020 cervical (149,832) and breast (152,311) screenings have different scopes and
    may count the same women: two bars, each saying it covers part of the work, never 302,143."""
    at = page("indicator", indicator="health.women_screened")
    drawn = bars(charts(at)[0])
    zibo_2020 = [bar for bar in drawn if bar[0].startswith("淄博市") and "2020年" in bar[1]]
    assert sorted(plain(label.split("<br>")[0]) for _, label, _ in zibo_2020) == ["149,832 人", "152,311 人"]
    assert all("范围" in plain(label) for _, label, _ in zibo_2020), "each bar says it covers part of the work"
    hovers = [plain(hover) for _, _, hover in zibo_2020]
    assert any("范围：农村妇女宫颈癌免费检查" in h for h in hovers) and any(
        "范围：农村妇女乳腺癌免费检查" in h for h in hovers
    )
    assert not any("302,143" in label for _, label, _ in drawn)
    assert {"149,832 人", "152,311 人"} <= set(at.dataframe[0].value["数值"])


def plain(text: str) -> str:
    """A figure's text without its markup and line breaks."""
    return unescape(re.sub(r"<[^>]+>", "", text))


def test_bars_carry_their_flags_on_label_and_hover():
    """What limits a value travels on its bar, in short, and in full in its hover: a stock says
    截至… and 存量, a running total with an unknown start says 起点不详, part of a year 不足一年."""
    from ui import labels

    rows = {(r["city_id"], r["indicator_id"]): r for r in shipped_values("child").to_dict("records")}
    rows |= {(r["city_id"], r["indicator_id"]): r for r in shipped_values("rights").to_dict("records")}
    child = chart_titled(page("compare", category="child"), "儿童友好阵地")
    _, label, hover = next(bar for bar in bars(child) if bar[0] == "淄博市")
    assert "截至2024年12月31日" in plain(label) and "存量" in plain(label), label
    assert labels.flags_text(rows["zibo", "child.friendly_sites"], "zh") in plain(hover), hover
    _, label, _ = next(bar for bar in bars(child) if bar[0] == "宿迁市")
    assert "存量" not in label and "截至" not in label, "a flow has no stock flag"

    rights = page("compare", category="rights", more="1")
    _, label, hover = next(bar for bar in bars(chart_titled(rights, "调处各类矛盾纠纷")) if bar[0] == "昌邑市")
    assert "起点不详" in plain(label), label
    full = labels.flags_text(rows["changyi", "rights.all_disputes_resolved"], "zh")
    assert "起点不详，不计每10万人" in full and "范围：“七彩花”巾帼先锋队" in full, full
    assert f"累计至2023年6月（起点不详） · {full}" in plain(hover).replace("\n", ""), hover
    events = chart_titled(rights, "普法宣传活动场次")
    assert any(bar[0] == "昌邑市" and "不足一年" in plain(bar[1]) for bar in bars(events)), "half a year (2023年1–6月)"

    english = page("compare", category="rights", lang="en", more="1")
    _, _, hover = next(bar for bar in bars(chart_titled(english, "Disputes of all kinds")) if bar[0] == "Changyi")
    assert "running total; start unknown, no per-100,000 figure" in plain(hover), hover


def test_flags_are_the_same_on_every_page():
    """Changyi's 765 disputes (a running total of one programme, start unknown) carry the same
    flags on the city profile, in the source panel, in the indicator's table and in the export."""
    from ui import labels

    rows = shipped_values("rights")
    row = rows[(rows["city_id"] == "changyi") & (rows["indicator_id"] == "rights.all_disputes_resolved")].iloc[0]
    flags = labels.flags_text(row, "zh")
    assert "起点不详" in flags and "范围：" in flags, flags
    city = unescape(texts(page("city", city="changyi")))
    assert f"765 起 · 累计至2023年6月（起点不详） · {flags}" in city, "the city profile"
    source = page("compare", category="rights", indicator="rights.all_disputes_resolved", source="changyi")
    assert flags in unescape(texts(source)), "the source panel of the selected bar"
    table = page("indicator", indicator="rights.all_disputes_resolved").dataframe[0].value
    assert table.set_index("城市").loc["昌邑市", "口径限定"] == flags, "the indicator's table"


def test_a_chart_whose_bars_differ_in_kind_says_so_in_its_subtitle():
    """Changyi's running total beside Zibo's year: the subtitle (in the PNG too) says the bars
    count in different ways; a chart of like bars says nothing of the kind."""
    for lang, title, warning, kinds in (
        ("zh", "调处各类矛盾纠纷", "本图各柱口径不同", ("累计数", "当期数", "部分工作范围")),
        ("en", "Disputes of all kinds", "the bars count in different ways", ("a running total", "the period's count")),
    ):
        at = page("compare", category="rights", lang=lang, more="1")
        subtitle = plain(chart_titled(at, title)["layout"]["title"]["subtitle"]["text"].replace("<br>", " "))
        squeezed = html.unescape(subtitle).replace(" ", "")
        assert warning.replace(" ", "") in squeezed, subtitle
        assert all(kind.replace(" ", "") in squeezed for kind in kinds), subtitle
    like = chart_titled(page("compare", category="child"), "儿童友好实事项目")  # Suqian's and Zibo's 10 projects
    assert "口径不同" not in like["layout"]["title"]["subtitle"]["text"]


def test_compare_english_labels_and_not_reported():
    at = page("compare", category="child", lang="en")
    assert "Not reported" in texts(at)
    titles = chart_titles(at)
    assert any("Child-friendly sites" in title for title in titles)


def test_compare_hover_carries_the_quote():
    at = page("compare", category="rights", more="1")
    spec = next(s for s in charts(at) if "调处各类矛盾纠纷" in s["layout"]["title"]["text"])
    assert all("“" in hover for hover in spec["data"][0]["hovertext"])


def test_compare_png_export_is_2x_and_titled():
    at = page("compare")
    chart = at.get("plotly_chart")[0]
    config = json.loads(chart.proto.config)
    assert config["toImageButtonOptions"]["scale"] == 2
    spec = json.loads(chart.proto.spec)
    assert spec["layout"]["title"]["text"] and spec["layout"]["title"]["subtitle"]["text"]
    assert any("来源" in a["text"] for a in spec["layout"]["annotations"])


def test_compare_source_panel_from_deep_link():
    at = page("compare", category="rights", indicator="rights.all_disputes_resolved", source="changyi")
    text = texts(at)
    assert "原文出处" in text
    assert ":orange-background[化解各类矛盾纠纷765起]" in text, "the quote is highlighted in its passage"
    assert "齐鲁网·闪电新闻" in unescape(text), "the report's publisher"


def test_compare_presentation_mode_steps_through_indicators():
    at = page("compare", category="rights", present="1")
    assert len(at.get("plotly_chart")) == 1
    first = chart_titles(at)[0]
    at.button(key="present_next").click().run()
    assert not at.exception
    second = chart_titles(at)[0]
    assert first != second
    assert at.query_params.get("indicator"), "the indicator on screen is in the URL"
    at.button(key="present_prev").click().run()
    assert chart_titles(at)[0] == first


def test_compare_definitions_are_drawn_only_when_opened():
    at = page("compare", category="rights")
    definition = load.load_catalog(DATA / "catalog.yaml").indicators["rights.all_disputes_resolved"].definition.zh
    assert [e.label for e in at.expander if "定义" in e.label], "the definitions expander is on the page"
    assert definition not in unescape(texts(at)), "a closed expander sends nothing to the browser"
    at.session_state["definitions_open"] = True
    at.run()
    assert not at.exception
    assert definition in unescape(texts(at)), "opened, it holds every shown indicator's definition"


def compared_indicators(category: str) -> list[tuple[str, int]]:
    """(indicator id, number of cities) of a category's indicators two or more cities report,
    most-reported first, then in catalog order (read through metrics, not through the UI)."""
    values = shipped_values(category)
    order = {i: n for n, i in enumerate(load.load_catalog(DATA / "catalog.yaml").indicators)}
    counts = values.groupby("indicator_id")["city_id"].nunique()
    return sorted(((i, int(n)) for i, n in counts.items() if n >= 2), key=lambda x: (-x[1], order[x[0]]))


def chart_ids(at: AppTest) -> list[str]:
    return [chart.key.removeprefix("chart_").removesuffix("_n") for chart in at.get("plotly_chart")]


def test_compare_draws_the_most_reported_comparisons_first_and_the_rest_when_opened():
    compared = compared_indicators("employment")
    assert len(compared) > 5, "the shipped employment category has many comparisons"
    at = page("compare")
    # (AppTest lists the left column's charts, then the right column's)
    assert chart_ids(at)[0] == compared[0][0], "the most-reported indicator first"
    assert set(chart_ids(at)) == {i for i, _ in compared[:4]}, "the four most-reported indicators, drawn at once"
    more = [e for e in at.expander if e.label.startswith(f"另外 {len(compared) - 4} 个指标的对比图")]
    assert more, [e.label for e in at.expander]
    assert "more" not in at.query_params

    at.session_state["more"] = True
    at.run()
    assert not at.exception
    assert sorted(chart_ids(at)) == sorted(i for i, _ in compared), "opened, every comparison is drawn"
    assert at.query_params.get("more") == "1", "the open state is in the URL"
    share = unescape(" ".join(c.value for c in at.code))
    assert "more=1" in share, "the share link reopens the charts open"


def test_compare_link_to_a_later_comparison_opens_it():
    later, _ = compared_indicators("employment")[-1]
    city = shipped_values("employment").query("indicator_id == @later")["city_id"].iloc[0]
    at = page("compare", indicator=later, source=city)
    assert not at.exception
    assert later in chart_ids(at), "a link to a comparison behind 'more' draws it"
    assert "原文出处" in texts(at), "with its source open"


def test_compare_more_is_closed_again_after_a_category_change():
    at = page("compare", more="1")
    assert len(at.get("plotly_chart")) > 4
    at.pills(key="category").set_value("rights").run()
    at.pills(key="category").set_value("employment").run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 4 and "more" not in at.query_params


def test_compare_category_change_resets_cities():
    at = page("compare", category="rights", cities="zibo")
    at.pills(key="category").set_value("child").run()
    assert not at.exception
    assert len(at.session_state["cities"]) > 1


# --- compare: the period --------------------------------------------------------------------------


def report_year_cities(category: str) -> dict[int, set[str]]:
    """Report year -> the cities reporting the category in a report of that year (through metrics)."""
    con = load.build_database(load.load_all(DATA))
    with con.cursor() as cur:
        years = queries.report_years(cur, category)
    return {int(r["year"]): set(r["city_ids"]) for _, r in years.iterrows()}


def drawn_cities(at: AppTest) -> set[str]:
    """The city names on the bars of every chart (the first line of each axis label)."""
    return {plain(label.split("<br>")[0]) for spec in charts(at) for label in spec["data"][0]["y"]}


def test_compare_period_defaults_to_each_citys_latest_report():
    at = page("compare")
    assert at.pills(key="year").value == "latest"
    assert "year" not in at.query_params and "year=" not in " ".join(c.value for c in at.code)
    years = report_year_cities("employment")
    options = at.pills(key="year").options
    assert options[0] == "各市最新报道" and len(options) == len(years) + 1
    assert all(f"{year}年（{len(cities)}市）" in options for year, cities in years.items()), options
    names = shipped_cities()
    latest = shipped_values("employment")
    assert drawn_cities(at) <= {names[c] for c in latest["city_id"]}
    assert len({int(y) for y in latest["report_year"]}) > 1, "the latest reports are of several years"


def test_compare_year_deep_link_shows_only_the_cities_reporting_that_year():
    names = shipped_cities()
    cities_2020 = report_year_cities("employment")[2020]
    assert len(cities_2020) >= 2, "the snapshot has several cities reporting employment for 2020"
    at = page("compare", year="2020")
    assert not at.exception
    assert at.pills(key="year").value == "2020"
    assert set(at.session_state["cities"]) == cities_2020, "the cities reporting 2020 are chosen"
    assert at.get("plotly_chart"), "their comparisons are drawn"
    assert drawn_cities(at) <= {names[c] for c in cities_2020}, drawn_cities(at)
    assert all("2020年" in spec["layout"]["title"]["subtitle"]["text"] for spec in charts(at))
    assert not any("时期不同" in info.value for info in at.info), "one year: no notice of differing periods"
    assert at.query_params.get("year") == "2020", "the URL keeps the year"
    link = next(code.value for code in at.code if "/compare?" in code.value)
    assert "year=2020" in link, link
    at.pills(key="category").set_value("child").run()
    assert not at.exception and at.query_params.get("year") == "2020", "the year survives a category change"


def test_compare_offers_a_same_year_comparison_and_switches_to_it():
    names = shipped_cities()
    years = report_year_cities("rights")
    offered = sorted(year for year, cities in years.items() if len(cities) >= 2)
    assert offered == [2023], "rights: Changyi and Suqian report 2023, every other year one city"
    at = page("compare", category="rights")
    assert any("时期不同" in info.value for info in at.info), "the periods differ"
    offers = [b for b in at.button if b.key.startswith("same_year_")]
    assert [b.key for b in offers] == ["same_year_2023"] and "2023年（2市）" in offers[0].label, [
        b.label for b in offers
    ]
    offers[0].click().run()
    assert not at.exception
    assert at.pills(key="year").value == "2023"
    assert at.query_params.get("year") == "2023"
    assert set(at.session_state["cities"]) == years[2023]
    assert drawn_cities(at) <= {names[c] for c in years[2023]} and drawn_cities(at), drawn_cities(at)
    assert not any(b.key.startswith("same_year_") for b in at.button), "no offer once a year is chosen"
    at.pills(key="year").set_value("latest").run()
    assert not at.exception and "year" not in at.query_params, "back to each city's latest report"


# --- city: several years, no denominator ---------------------------------------------------------


def test_city_with_two_reports_shows_its_years_side_by_side():
    at = page("city", city="zibo")
    assert "各年对照（2个年份）" in unescape(texts(at))
    table = next(d.value for d in at.dataframe if "2020年" in d.value.columns)
    assert list(table.columns) == ["指标", "2020年", "2024年"]
    rows = table.set_index("指标")
    assert tuple(rows.loc["“两癌”救助资金"]) == ("40万元", "75万元"), "an indicator reported both years"
    assert tuple(rows.loc["青年联谊活动场次"]) == ("未报告", "104 场"), "a year without it says so, never 0"
    stations = next(v for k, v in rows["2024年"].items() if k.startswith("关爱驿站"))
    assert stations == "72 个 · 截至2024年12月31日", "a stock keeps its date"
    centre = next(k for k in rows.index if k.startswith("宣讲活动场次"))  # since 2024-11-01 (the centre opened)
    assert "累计数" in centre and "起点不详" not in centre, "a running total's known start is not 'unknown'"
    assert rows.loc[centre, "2024年"] == "200 场 · 2024年11月至2025年1月累计"
    assert not (table == "0").any().any()
    single = page("city", city="suqian")
    assert not any("2023年" in d.value.columns for d in single.dataframe), "one report: no table of years"
    assert "各年对照" not in unescape(texts(single))


def test_huaibei_years_side_by_side_in_english():
    at = page("city", city="huaibei", lang="en")
    assert "Year by year (2 years)" in unescape(texts(at))
    table = next(d.value for d in at.dataframe if "2020" in d.value.columns)
    assert list(table.columns) == ["Indicator", "2020", "2022"]
    trained = next(row for _, row in table.iterrows() if row["Indicator"].startswith("Women trained (scope: "))
    assert (trained["2020"], trained["2022"]) == ("300+ people", "not reported"), "a row per scope, never summed"
    loans = next(row for _, row in table.iterrows() if row["Indicator"].startswith("Loans facilitated for women ("))
    assert "running total; start unknown" in loans["Indicator"], "a running total's row says what it is"
    assert loans["2022"] == "¥466.25 m · cumulative to 2022-12, start unknown"


def test_a_city_without_population_says_no_denominator():
    """Changyi has no sourced 2020 census figure: its page says so in words, and per 100,000
    residents it has no figure, said in the chart's footnote, never drawn as 0."""
    for lang, words in (("zh", "无人口分母"), ("en", "no denominator")):
        at = page("city", city="changyi", lang=lang)
        population = next(
            unescape(m.value)
            for m in at.markdown
            if m.value.startswith("**" + ("人口分母" if lang == "zh" else "Population"))
        )
        assert words in population, population
    at = page("compare", category="child", mode="per_100k")
    sites = chart_titled(at, "儿童友好阵地")
    footer = plain(" ".join(a["text"] for a in sites["layout"]["annotations"]).replace("<br>", ""))
    assert "昌邑市 无人口分母" in footer, footer
    trace = sites["data"][0]
    changyi = [x for y, x in zip(trace["y"], trace["x"], strict=True) if y.startswith("昌邑市")]
    assert all(x is None for x in changyi), "no per-100,000 figure, never 0"
    assert all(x > 0 for y, x in zip(trace["y"], trace["x"], strict=True) if not y.startswith("昌邑市"))


def test_per_100k_bars_are_largest_first_and_those_without_a_figure_last():
    """Changyi (no denominator) and running totals whose start is unknown have no per-100,000
    figure: their bars come after every figure, whatever the order of the data."""
    seen_missing = 0
    for category in ("employment", "child", "rights"):
        for spec in charts(page("compare", category=category, mode="per_100k", more="1")):
            values = spec["data"][0]["x"]
            figures = [x for x in values if x is not None]
            assert values[: len(figures)] == sorted(figures, reverse=True), (spec["layout"]["title"]["text"], values)
            seen_missing += len(values) - len(figures)
    assert seen_missing, "the snapshot has bars without a per-100,000 figure"


# --- city ---------------------------------------------------------------------------------------


def test_city_deep_link_shows_profile_and_highlighted_article():
    at = page("city", city="zibo")
    assert at.selectbox(key="city").value == "zibo"
    text = texts(at)
    assert "淄博市" in text
    assert ":orange-background[" in text, "curated quotes highlighted in the article"
    population = next(m.value for m in at.markdown if m.value.startswith("**人口分母**"))
    assert unescape(population) == "**人口分母**：470.41万人（2020年人口普查）（未核实）", (
        "the denominator formatted, with its year, basis and verification (4704138 in the census)"
    )


def test_city_renders_curated_text_escaped(data_dir_copy):
    path = data_dir_copy / "cities" / "huaibei.yaml"
    text = path.read_text(encoding="utf-8")
    nasty = "$x^2$ [click](javascript:alert(1)) ![img](http://example.com/x.png) <b>bold</b> :red[red] **bold**"
    anchor = "  - indicator: employment.demonstration_bases\n"
    assert anchor in text
    path.write_text(
        text.replace(anchor, anchor.replace("- indicator", "- note: {zh: '" + nasty + "'}\n    indicator"), 1),
        encoding="utf-8",
    )
    at = page("city", city="huaibei")
    assert not at.exception
    rendered = [c.value for c in at.caption if "javascript" in c.value]
    assert rendered, "the note is shown"
    assert render.md(nasty) in rendered[0]
    assert not re.search(r"(?<!\\)[$\[\]()<>*:!]", rendered[0]), (
        "every Markdown, math, link and directive character is escaped"
    )


# --- indicator ----------------------------------------------------------------------------------


def test_indicator_deep_link_shows_definition_chart_and_table():
    at = page("indicator", indicator="rights.disputes_mediated", mode="per_100k")
    assert at.selectbox(key="indicator").value == "rights.disputes_mediated"
    assert len(at.get("plotly_chart")) == 1
    table = at.dataframe[0].value
    assert {"城市", "数值", "时期", "每10万人", "人口分母", "原文引用"} <= set(table.columns)
    assert table["数值"].str.contains(r"\+").any(), "qualifiers in the table"
    not_reporting = set(shipped_cities().values()) - set(table["城市"])
    for name in not_reporting:
        assert name in unescape(texts(at)), f"{name} listed as not reported"


def test_indicator_in_english():
    at = page("indicator", indicator="child.friendly_sites", lang="en")
    table = at.dataframe[0].value
    assert "Value" in table.columns and "Period" in table.columns


# --- data ---------------------------------------------------------------------------------------


def test_data_table_and_filters_from_url():
    everything = page("data")
    total = len(everything.dataframe[0].value)
    assert total > 50
    at = page("data", data_cities="zibo", lang="en")
    zibo = at.dataframe[0].value
    assert 0 < len(zibo) < total
    assert set(zibo["City"]) == {"Zibo"}
    assert len(at.get("download_button")) >= 4


def test_data_search_filters_quotes():
    at = page("data", q="调解")
    table = at.dataframe[0].value
    assert len(table) > 0
    searched = table["原文引用"] + table["说明"] + table["分项"]
    assert searched.str.contains("调解").all()


def test_exports_csv_has_bom_and_excel_has_three_sheets():
    dataset = load.load_all(DATA)
    con = load.build_database(dataset)
    with con.cursor() as cur:
        rows = queries.export_rows(cur)
        data = exports.data_frame(rows, "zh")
        sources = exports.sources_frame(queries.reports(cur), queries.cities(cur))
    csv = exports.csv_bytes(data)
    assert csv.startswith(b"\xef\xbb\xbf")
    assert "宿迁" in csv.decode("utf-8-sig")
    with zipfile.ZipFile(io.BytesIO(exports.excel_bytes(data, sources, exports.notes_frame()))) as workbook:
        listing = workbook.read("xl/workbook.xml").decode()
        strings = workbook.read("xl/sharedStrings.xml").decode()
    for sheet in ("data", "sources", "notes"):
        assert f'name="{sheet}"' in listing
    assert "宿迁" in strings and "more_than" in strings
    assert list(data.columns[:4]) == ["city_id", "indicator_id", "category_id", "value"]
    assert (data["value_shown"].str.contains(r"\+")).any(), "qualifiers travel to the export"
    assert "flags_shown" in csv.decode("utf-8-sig").splitlines()[0]
    by_indicator = data.set_index(["city_id", "indicator_id"])
    households = by_indicator.loc[("huaibei", "employment.households_employed")]
    assert (households["unit"], households["measure"]) == ("户", "households"), "the article's measure word"
    assert by_indicator.loc[("huaibei", "employment.women_trained"), "unit"] == "人"
    assert set(by_indicator.loc[("huaibei", "employment.training_person_times"), "unit"]) == {"人次"}
    disputes = by_indicator.loc[("changyi", "rights.all_disputes_resolved")]
    assert "累计数" in disputes["flags_shown"] and "起点不详" in disputes["flags_shown"], disputes["flags_shown"]
    assert disputes["tally"] == "running_total" and bool(disputes["cumulative"])
    stations = by_indicator.loc[("zibo", "difficulty.care_stations")]
    assert stations["tally"] == "stock" and bool(stations["cumulative"]) and "存量" in stations["flags_shown"]
    assert not data.loc[data["tally"] == "flow", "cumulative"].any(), "cumulative: stocks and running totals only"
    assert (data.loc[data["tally"] == "flow", "flags_shown"] == "").any(), "a whole year's flow has no flag"


# --- about --------------------------------------------------------------------------------------


def test_about_explains_method_and_lists_denominators():
    at = page("about")
    text = texts(at)
    assert "未报告" in text and "每10万常住人口" in text
    table = at.dataframe[0].value
    assert table["人口分母"].str.contains("未核实").any(), "Lianyungang's unverified denominator is marked"


# --- preview store --------------------------------------------------------------------------------


def test_preview_store_is_shown_with_a_notice(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    source = (folder / "cities" / "zibo.yaml").read_text(encoding="utf-8")
    preview_file = folder / "cities" / "newtown.yaml"
    # A copy of Zibo under another id: its reports and source files may not be another city's.
    for year in ("2020", "2024"):
        shutil.copy(folder / "sources" / f"zibo-{year}.txt", folder / "sources" / f"newtown-{year}.txt")
    preview_file.write_text(
        source.replace("id: zibo", "id: newtown", 1)
        .replace("{zh: 淄博市, en: Zibo}", "{zh: 新城市, en: Newtown}", 1)
        .replace("zibo-20", "newtown-20"),
        encoding="utf-8",
    )
    dataset = load.load_all(folder)
    assert "newtown" in dataset.cities, dataset.problems
    preview = Store.from_dataset(dataset, preview_city="newtown")
    at = AppTest.from_file(str(ROOT / "pages" / "compare.py"), default_timeout=TIMEOUT)
    at.session_state[PREVIEW_KEY] = preview
    at.run()
    assert not at.exception
    assert any("新城市" in w.value for w in at.warning), "a visible preview notice"
    assert "newtown" in at.session_state["cities"]
    city = AppTest.from_file(str(ROOT / "pages" / "city.py"), default_timeout=TIMEOUT)
    city.session_state[PREVIEW_KEY] = preview
    city.run()
    assert city.selectbox(key="city").value == "newtown", "the city page opens on the preview city"


def test_an_edit_shows_while_no_rerun_touches_the_data_files(data_dir_copy, monkeypatch):
    """Reruns never stat the data files (6,000 of them at 3,000 cities): the store's watcher
    thread sees the edit, brings the snapshot up to date, and a later run shows it."""
    import threading
    import time

    from ui import store

    calls = []
    real = data_folder.fingerprint
    monkeypatch.setattr(
        data_folder, "fingerprint", lambda *a: calls.append(threading.current_thread().name) or real(*a)
    )
    at = page("overview")
    assert "新城市" not in texts(at)
    calls.clear()
    for _ in range(3):
        at.run()
    assert calls == [] or set(calls) == {store.WATCH_THREAD}
    path = data_dir_copy / "cities" / "zibo.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("{zh: 淄博市, en: Zibo}", "{zh: 新城市, en: Zibo}", 1),
        encoding="utf-8",
    )
    deadline = time.monotonic() + 30
    while "新城市" not in unescape(texts(at)) and time.monotonic() < deadline:
        time.sleep(0.1)
        at.run()
    assert "新城市" in unescape(texts(at))
    assert set(calls) == {store.WATCH_THREAD}, "only the watcher fingerprints the folder"


# --- figures ------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["absolute", "per_100k"])
@pytest.mark.parametrize("category", [c for c in load.load_catalog(DATA / "catalog.yaml").categories])
def test_figures_are_valid_plotly(category, mode):
    """Figures are built without Plotly's validation for speed (ui/charts.py); validate them here."""
    import plotly.graph_objects as go

    at = page("compare", category=category, mode=mode)
    assert not at.exception
    for spec in charts(at):
        go.Figure(spec)  # raises on any unknown property or invalid value


# --- safe rendering -------------------------------------------------------------------------------

NASTY = [
    "$x^2$ costs $5",
    "[click](javascript:alert(1))",
    "![tracker](http://example.com/x.png)",
    "<img src=x onerror=alert(1)> <b>bold</b>",
    ":red[coloured] :smile: :material/home:",
    "# heading\n- item\n1. item\n    code block",
    "**bold** _it_ `code` ~~strike~~ | table |",
    "www.example.com and https://example.com/a_b",
    "data:text/html;base64,PHNjcmlwdD4=",
]


@pytest.mark.parametrize("text", NASTY)
def test_markdown_escaping_leaves_no_active_character(text):
    escaped = render.md(text)
    assert not re.search(r"(?<!\\)[$\[\]()<>*_`~#|:!\-]", escaped.replace("\\\\", "")), escaped
    assert not re.search(r"^[ \t]", escaped, re.M), "no indentation that would start a code block"
    unescaped = re.sub(r"\\(.)", r"\1", escaped)
    assert unescaped == "\n".join(line.lstrip(" \t") for line in text.split("\n")), "the text itself is kept"


@pytest.mark.parametrize("text", NASTY)
def test_plotly_text_escapes_html(text):
    escaped = render.plotly_text(text)
    assert "<" not in escaped and ">" not in escaped


def test_every_string_exists_in_both_languages_with_the_same_placeholders():
    from string import Formatter

    from ui.i18n import ABOUT, STRINGS

    for key, (zh, en) in STRINGS.items():
        assert zh.strip() and en.strip(), key
        fields = [{name for _, name, _, _ in Formatter().parse(text) if name} for text in (zh, en)]
        assert fields[0] == fields[1], key
    assert set(ABOUT) == {"zh", "en"}


# --- single-city indicators, labels that fit, honest wording ----------------------------------


def shipped_values(category: str):
    """The `indicator_values` rows of a category in the shipped data, read through metrics."""
    con = load.build_database(load.load_all(DATA))
    with con.cursor() as cur:
        return queries.compare_category(cur, category)


def single_city_indicators(category: str) -> dict[str, str]:
    """Indicator id -> the one city id reporting it, for a category's single-city indicators."""
    values = shipped_values(category)
    cities = values.groupby("indicator_id")["city_id"].unique()
    return {indicator: ids[0] for indicator, ids in cities.items() if len(ids) == 1}


def test_compare_draws_single_city_indicators_as_values_with_their_source():
    singles = single_city_indicators("employment")
    assert singles, "the shipped employment category has indicators only one city reports"
    indicator, city = sorted(singles.items())[0]
    rows = shipped_values("employment")
    row = rows[rows["indicator_id"] == indicator].iloc[0]
    at = page("compare", more="1")
    titles = unescape(" ".join(chart_titles(at)))
    assert row["indicator_zh"] not in titles, "one city is no comparison: no chart for it"
    assert len(at.get("plotly_chart")) == len(rows["indicator_id"].unique()) - len(singles)
    text = unescape(texts(at))
    assert "仅一个城市报告的指标" in text
    assert labels_value(row) in text, "the value, qualified"
    assert row["quotes"][0] in text, "the quote is shown with the value"
    assert row["city_zh"] in text

    assert ":orange-background[" not in texts(at), "no source is open before one is asked for"
    at.button_group(key="single_source").set_value(indicator).run()
    assert not at.exception
    assert at.query_params.get("indicator") == indicator and at.query_params.get("source") == city
    shown = texts(at)
    assert "原文出处" in shown and ":orange-background[" in shown, "the passage with the quote highlighted"
    assert row["publisher"] in unescape(shown)
    at.button(key=f"close_chart_{indicator}_n").click().run()
    assert not at.exception
    assert "source" not in at.query_params
    assert at.button_group(key="single_source").value is None, "closing the source clears the choice"
    reopened = page("compare", indicator=indicator, source=city)
    assert reopened.button_group(key="single_source").value == indicator, "a link reopens the source"
    assert ":orange-background[" in texts(reopened)


def labels_value(row) -> str:
    from metrics import format as fmt

    return fmt.format_value(float(row["value"]), row["qualifier"], row["unit_kind"], row["measure_word_zh"], "zh")


def test_presentation_mode_draws_a_single_city_indicator_as_a_chart():
    indicator = sorted(single_city_indicators("employment"))[0]
    at = page("compare", present="1", indicator=indicator)
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1
    name = shipped_values("employment").set_index("indicator_id").loc[[indicator], "indicator_zh"].iloc[0]
    assert name in chart_titles(at)[0]


def test_a_single_labelled_part_is_not_called_a_sum(data_dir_copy):
    """A value given as one labelled part shows its label, never "sum of 1 part"; a real sum
    (Huaibei's loans of three banks, 2020) still says how many parts it adds. The snapshot has no
    single labelled part: Dongying's 丽人贷 loans get a breakdown label in a copy."""
    path = data_dir_copy / "cities" / "dongying.yaml"
    text = path.read_text(encoding="utf-8")
    anchor = "    unit: 亿元\n    report: dongying-2020\n    quote: 其中仅三八“丽人贷”发放贷款3196笔2.6亿元\n"
    assert text.count(anchor) == 1, "fixture expects Dongying's 2.6亿元 of 丽人贷 loans"
    path.write_text(
        text.replace(anchor, anchor + "    breakdown: {zh: 三八丽人贷, en: Sanba Liren loans}\n"), encoding="utf-8"
    )
    con = load.build_database(load.load_all(data_dir_copy))
    with con.cursor() as cur:
        loans = queries.indicator_across_cities(cur, "employment.loans_amount")
    single = loans[loans["is_sum_of_parts"] & (loans["n_parts"] == 1)]
    assert list(single["city_id"]) == ["dongying"], loans[["city_id", "n_parts", "is_sum_of_parts"]]

    at = page("indicator", indicator="employment.loans_amount")
    trace = charts(at)[0]["data"][0]
    assert not any("1项之和" in t for t in trace["text"]), trace["text"]
    many = loans[loans["n_parts"] > 1]
    assert len(many) == sum("项之和" in t for t in trace["text"]) == 1, "a real sum still says how many parts"
    dongying = next(h for y, h in zip(trace["y"], trace["hovertext"], strict=True) if y.startswith("东营市"))
    assert "三八丽人贷" in dongying, "the part's label is shown"
    table = at.dataframe[0].value
    assert "1" not in set(table["分项"]), "no part count for a single value"
    assert "1项之和" not in unescape(texts(at))
    en = page("indicator", indicator="employment.loans_amount", lang="en")
    assert "sum of 1 part" not in everything(en)


def test_chart_labels_round_money_while_hover_and_table_keep_it_exact():
    at = page("indicator", indicator="employment.loans_amount")
    trace = charts(at)[0]["data"][0]
    values = shipped_values("employment")
    loans = values[values["indicator_id"] == "employment.loans_amount"].sort_values("value", ascending=False)
    from metrics import format as fmt

    top = float(loans.iloc[0]["value"])
    exact = fmt.format_value(top, "exact", "yuan", lang="zh")
    rounded = fmt.format_value(top, "exact", "yuan", lang="zh", significant=3)
    assert exact != rounded, "the shipped loans carry more than 3 significant digits"
    assert trace["text"][0].startswith(rounded), trace["text"]
    assert exact in trace["hovertext"][0]
    assert exact in set(at.dataframe[0].value["数值"])


def test_a_city_with_several_periods_keeps_short_axis_labels():
    at = page("indicator", indicator="employment.loans_amount")
    trace = charts(at)[0]["data"][0]
    for label in trace["y"]:
        first = label.split("<br>")[0]
        assert "（" not in first and "(" not in first, f"the period belongs on a second line: {label}"
    assert len(set(trace["y"])) == len(trace["y"]), "every bar keeps its own row"
    layout = charts(at)[0]["layout"]
    assert trace["cliponaxis"] is False and trace["constraintext"] == "none"
    assert layout["margin"]["r"] >= 16


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("present", ["0", "1"])
def test_figure_text_is_wrapped_to_the_figure_width(lang, present):
    """Titles, subtitles and source lines are wrapped to fit the width each layout gives the figure."""
    from ui import charts as ui_charts

    sizes = ui_charts.PRESENT if present == "1" else ui_charts.NORMAL
    specs = []
    for category in ("employment", "rights", "child"):
        at = page("compare", category=category, lang=lang, present=present)
        specs += charts(at)
        if present == "1":
            at.button(key="present_next").click().run()
            specs += charts(at)
    indicator = page("indicator", indicator="employment.loans_amount", lang=lang, present=present)
    wide = ui_charts.PRESENT if present == "1" else ui_charts.WIDE
    checks = [(spec, sizes) for spec in specs] + [(spec, wide) for spec in charts(indicator)]
    assert len(checks) > 3
    for spec, size in checks:
        layout = spec["layout"]
        room = size.width - 2 * ui_charts.EDGE
        for line in layout["title"]["text"].split("<br>"):
            assert ui_charts.text_px(line, size.title * 1.04) <= room * 1.1, line
        for line in layout["title"]["subtitle"]["text"].split("<br>"):
            assert ui_charts.text_px(line, size.font) <= room * 1.1, line
        footer = layout["annotations"][0]
        assert footer["xshift"] == ui_charts.EDGE - layout["margin"]["l"], "the footer starts at the figure's edge"
        for line in footer["text"].split("<br>"):
            assert ui_charts.text_px(line, size.footer_font) <= room * 1.1, line


def test_english_counts_of_one_are_singular():
    at = page("data", lang="en")
    values = set(at.dataframe[0].value["Value"])
    assert not any(v.startswith(("1 ", "~1 ", "≈1 ")) and v.endswith("s") for v in values), sorted(values)[:20]
    assert any(v.startswith("1 ") for v in values), "the shipped data has counts of one"


@pytest.mark.parametrize("lang, everything_word", [("zh", "全部"), ("en", "All")])
def test_data_filters_say_all_when_empty(lang, everything_word):
    at = page("data", lang=lang)
    assert [m.proto.placeholder for m in at.multiselect] == [everything_word] * 3


def test_data_source_list_gives_the_published_column_room():
    at = page("data")
    reports = at.dataframe[1]
    config = json.loads(reports.proto.columns) if reports.proto.columns else {}
    published = next(v for k, v in config.items() if "发布日期" in k)
    assert published["width"] >= 120
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}|发布日期不详", v) for v in reports.value["发布日期"])


def test_an_english_page_shows_a_chinese_only_note_headed_so(data_dir_copy):
    """Notes are written in Chinese, with English beside them when the curator wrote it; an
    English page shows a Chinese-only note as written, headed "(in Chinese)", never translated.
    Every note of the snapshot has English: one of Changyi's loses it in a copy."""
    path = data_dir_copy / "cities" / "changyi.yaml"
    text = path.read_text(encoding="utf-8")
    english = "      en: Women job seekers served at one job fair (春风行动暨服务企业发展招聘洽谈会).\n"
    assert text.count(english) == 1, "fixture expects the English note of Changyi's job seekers"
    path.write_text(text.replace(english, "", 1), encoding="utf-8")
    chinese = "一场招聘洽谈会（“春风行动”暨服务企业发展招聘洽谈会）服务的女性求职者。"

    en = [unescape(c.value) for c in page("city", city="changyi", lang="en").caption]
    assert f"Editor's note (in Chinese): {chinese}" in en, [c for c in en if "note" in c]
    assert any(c.startswith("Editor's note: Domestic-service-in-the-community events") for c in en), (
        "a note with English is in English, headed as a note"
    )
    source = page("compare", indicator="employment.job_seekers_served", source="changyi", lang="en")
    assert f"Editor's note (in Chinese): {chinese}" in unescape(texts(source)), "the source panel too"
    zh = [unescape(c.value) for c in page("city", city="changyi").caption]
    assert f"编者注：{chinese}" in zh, "a Chinese page shows the note as written"
    assert not any("Women job seekers" in c or "(in Chinese)" in c for c in zh)


def test_plotly_config_turns_mathjax_off():
    at = page("compare")
    for chart in at.get("plotly_chart"):
        assert json.loads(chart.proto.config)["typesetMath"] is False
