"""The pages' process-wide memo (ui.memo) and frozen figures (ui.charts.freeze)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from ui import charts, memo


@pytest.fixture(autouse=True)
def _empty_memos():
    memo.clear_all()
    yield
    memo.clear_all()


def test_a_copied_frame_changed_by_one_caller_is_unchanged_for_the_next():
    calls = []

    @memo.copied(4)
    def frame(key: str, _cur) -> pd.DataFrame:
        calls.append(key)
        return pd.DataFrame({"city_id": ["a", "b"], "value": [1.0, 2.0]})

    first = frame("v1", object())
    first["value"] = [9.0, 9.0]
    first.loc[0, "city_id"] = "changed"
    first["extra"] = 1
    second = frame("v1", object())  # another cursor: not part of the key
    assert calls == ["v1"]
    assert list(second.columns) == ["city_id", "value"]
    assert second["value"].tolist() == [1.0, 2.0]
    assert second["city_id"].tolist() == ["a", "b"]


def test_a_copied_dict_is_a_deep_copy():
    @memo.copied(4)
    def passage(key: str, _cur, observation_id: int) -> dict:
        return {"quote": "原文", "lines": [1, 2]}

    passage("v1", None, 1)["lines"].append(3)
    assert passage("v1", None, 1) == {"quote": "原文", "lines": [1, 2]}


def test_shared_results_are_the_same_object_and_keyed_by_every_unskipped_argument():
    calls = []

    @memo.shared(8)
    def build(key: str, category: str, _view, year: int | None = None) -> list:
        calls.append((key, category, year))
        return [key, category, year]

    a = build("v1", "employment", "view one")
    assert build("v1", "employment", "another view") is a  # `_view` is not part of the key
    assert build("v2", "employment", None) is not a  # a new data version (or preview) misses
    assert build("v1", "employment", None, year=2023) == ["v1", "employment", 2023]
    assert calls == [("v1", "employment", None), ("v2", "employment", None), ("v1", "employment", 2023)]


def test_a_memo_keeps_at_most_its_entries_least_recently_used_dropped_first():
    calls = []

    @memo.shared(2)
    def square(n: int) -> int:
        calls.append(n)
        return n * n

    square(1)
    square(2)
    square(1)  # 1 is now the most recent
    square(3)  # drops 2
    assert len(square) == 2
    square(1)
    square(2)
    assert calls == [1, 2, 3, 2]


def test_clear_all_empties_every_memo():
    calls = []

    @memo.shared(4)
    def one(key: str) -> str:
        calls.append(key)
        return key

    one("v1")
    memo.clear_all()
    one("v1")
    assert calls == ["v1", "v1"]


def test_a_frozen_figure_gives_the_same_dict_as_before_freezing_computed_once():
    figure = go.Figure(data=[{"type": "bar", "x": [1, 2], "y": ["甲", "乙"]}], layout={"height": 200})
    expected = figure.to_dict()
    frozen = charts.freeze(figure)
    assert isinstance(frozen, go.Figure)
    assert frozen.to_dict() == expected
    assert frozen.to_dict() is frozen.to_dict()
    assert charts.freeze(None) is None
