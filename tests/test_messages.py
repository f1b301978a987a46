"""The table of messages (metrics.messages): every problem code has its message in English and
Chinese and an example that data/README.md shows; every code the checks raise is in the table."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from metrics import messages
from metrics.problems import Problem

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "data" / "README.md"
CJK = re.compile("[\u4e00-\u9fff]")


@pytest.mark.parametrize("code", list(messages.MESSAGES))
def test_each_code_has_both_messages_and_an_example(code):
    message = messages.MESSAGES[code]
    en = messages.render(code, message.example, "en")
    zh = messages.render(code, message.example, "zh")
    assert en and zh and en != zh
    assert CJK.search(zh), f"{code}: no Chinese in {zh!r}"
    # every parameter the example gives is used in both languages, or in neither
    names = {
        lang: {field for _, field, _, _ in string.Formatter().parse(text) if field}
        for lang, text in (("en", message.en), ("zh", message.zh))
    }
    assert names["en"] == names["zh"], f"{code}: parameters differ between the languages: {names}"
    assert set(message.example) >= names["en"] - {"got", "context", "indicator"}, f"{code}: the example lacks one"


def test_a_message_without_its_parameter_is_refused_not_guessed():
    with pytest.raises(KeyError):
        messages.render("unknown_key", {}, "en")


def test_data_readme_lists_every_code_with_its_example():
    text = README.read_text(encoding="utf-8")
    begin, end = "<!-- messages: begin -->\n", "<!-- messages: end -->"
    assert begin in text and end in text
    listed = text[text.index(begin) + len(begin) : text.index(end)]
    assert listed == messages.markdown(), "data/README.md is behind: python -m metrics messages writes its list"
    for code in messages.MESSAGES:
        assert f"- `{code}`: " in listed


def _raised_codes() -> set[str]:
    """The codes the checks give: the first argument (a string) of every call that makes a
    problem or a refusal in metrics/ (Problem.of, _refuse, YamlError, UnitError, ...)."""
    makers = {"of", "_refuse", "YamlError", "_AliasError", "UnitError", "UploadError", "ArticleTooLarge", "refused"}
    found = set()
    for path in (ROOT / "metrics").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name not in makers:
                continue
            for arg in node.args:
                if (
                    isinstance(arg, ast.Constant)
                    and isinstance(arg.value, str)
                    and re.fullmatch(r"[a-z_0-9]+", arg.value)
                ):
                    found.add(arg.value)
                    break
    return found


def test_every_code_the_checks_raise_has_a_message():
    raised = _raised_codes()
    assert len(raised) > 40  # the scan sees the checks
    assert raised - set(messages.MESSAGES) == set()


def test_a_stored_problem_reads_back_the_same_in_both_languages():
    problem = Problem.of(
        "cities/x.yaml",
        3,
        5,
        "unit_not_fit",
        "observations.0.unit",
        unit="个",
        expected=["场", "场次"],
        indicator="a.b",
    ).waiting("pending_observation")
    row = problem.row()
    back = Problem.from_row(type("Row", (), row))
    assert back == problem
    assert back.text("zh") == problem.text("zh")
    assert back.text("zh").startswith("cities/x.yaml:3:5: observations.0.unit：单位 '个' 不适用于指标 a.b")
    assert "more problems may follow" in back.text("en")
