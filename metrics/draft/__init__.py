"""Drafting a city file from an article: candidate observations for an editor to review.

candidates.py   the article cut into clauses; every number that reads as an outcome, the rest left
                out with the reason; `draft()` itself
facts.py        what the article says about its city and report: city, province, publisher, dates
suggestion.py   an indicator for a number, from the catalog's keywords, the words of its indicators'
                names and definitions, and measure words
output.py       the draft as a city file to edit (YAML) or as CSV; a template for a new city
evaluation.py   the draft measured on the curated cities (`python -m metrics draft-eval`)

Writes nothing itself: the commands draft, new-city and draft-eval (metrics/__main__.py) write
where asked, and the editor page (ui/editor.py) shows the draft in the browser.
"""

from metrics.draft.candidates import (
    MAX_CLAUSE,
    WORK_PER_CHARACTER,
    ArticleTooLarge,
    Candidate,
    Draft,
    DraftStopped,
    Skipped,
    check_size,
    draft,
)
from metrics.draft.evaluation import CityScore, Evaluation, evaluate
from metrics.draft.facts import PROVINCES, ArticleFacts, read_facts
from metrics.draft.output import CSV_COLUMNS, city_template, to_csv, to_yaml
from metrics.draft.suggestion import MIN_CONFIDENCE, Context, KeywordIndex, suggest_indicator
from metrics.text import SourceText

__all__ = [
    "CSV_COLUMNS",
    "MAX_CLAUSE",
    "MIN_CONFIDENCE",
    "PROVINCES",
    "WORK_PER_CHARACTER",
    "ArticleFacts",
    "ArticleTooLarge",
    "Candidate",
    "CityScore",
    "Context",
    "Draft",
    "DraftStopped",
    "Evaluation",
    "KeywordIndex",
    "Skipped",
    "SourceText",
    "check_size",
    "city_template",
    "draft",
    "evaluate",
    "read_facts",
    "suggest_indicator",
    "to_csv",
    "to_yaml",
]
