"""The draft measured out of sample (issue 9); run from the project root:

    .venv/bin/python scripts/draft_eval_oos.py

tests/fixtures/draft_eval/ holds a frozen, hand-curated evaluation set: six reports whose articles
the catalog's keywords were NOT written from (one city file and one source per report; see its
README.md). It has no catalog of its own: this script copies the live data/catalog.yaml with the
fixture's cities/ and sources/ into a temporary folder and loads that folder with
metrics.load.load_all. Every problem is printed and the script exits 1 if any file fails (or the
catalog does). Then it runs metrics.draft.evaluate on every report of the set and prints

1. evaluation.describe(): the per-city table, recall, precision, indicator match, and the curated
   observations the draft missed;
2. one JSON line, Evaluation.figures(): recall, precision, indicator_match, suggestion_accuracy,
   suggestion_coverage and the counts behind them;
3. the junk candidates: the drafted candidates evaluate matched to no curated observation
   (CityScore.unmatched: same canonical value and qualifier, the number inside the curated quote,
   each candidate matched to at most one observation), one per line, so that a human can judge whether
   each is a date, an anniversary, an ordinal, a number inside a name, or an outcome the curation
   left out on purpose (tests/fixtures/draft_eval/README.md lists those).

Nothing in data/ or in the fixture is written.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from metrics import draft, load  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "draft_eval"
CATALOG = ROOT / "data" / "catalog.yaml"
# The articles the catalog's keywords were written from: none of them may be in this set.
SEED_REPORTS = {"changyi-2023h1", "huaibei-2020", "lianyungang-2022", "suqian-2023", "zibo-2024"}


def _rel(path: Path) -> str:
    """A path as shown: relative to the project folder when it is inside it."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def _shown(text: str, tmp: Path) -> str:
    """A problem as the editor would read it: paths of the copy shown as the files copied."""
    # metrics.load.display_path writes a path outside the working folder as "…/<folder>/<name>".
    for copied, original in (
        (tmp / "catalog.yaml", CATALOG),
        (f"…/{tmp.name}/catalog.yaml", CATALOG),
        (tmp, FIXTURE),
        ("…/cities/", FIXTURE / "cities"),
        ("…/sources/", FIXTURE / "sources"),
    ):
        shown = _rel(original) + ("/" if str(copied).endswith("/") else "")
        text = text.replace(str(copied), shown)
    return text


def _copy(tmp: Path) -> list[str]:
    """Copies the live catalog and the fixture's cities/ and sources/ into tmp; returns problems."""
    problems = []
    if (FIXTURE / "catalog.yaml").exists():
        problems.append(
            f"{_rel(FIXTURE / 'catalog.yaml')}:1:1: the evaluation set has no catalog of its own; "
            "expected the live data/catalog.yaml only (delete this file)"
        )
    for sub in ("cities", "sources"):
        if not (FIXTURE / sub).is_dir():
            problems.append(f"{_rel(FIXTURE / sub)}:1:1: missing folder")
    if problems:
        return problems
    shutil.copy2(CATALOG, tmp / "catalog.yaml")
    shutil.copytree(FIXTURE / "cities", tmp / "cities")
    shutil.copytree(FIXTURE / "sources", tmp / "sources")
    return []


def _set_problems(dataset: load.Dataset) -> list[str]:
    """The rules of the evaluation set itself: one report per city file, no seed report."""
    problems = []
    for city in dataset.cities.values():
        where = city.path
        reports = list(city.header.reports)
        if len(reports) != 1:
            problems.append(f"{where}:1:1: expected exactly one report per file in the evaluation set, got {reports}")
        seeds = SEED_REPORTS.intersection(reports)
        if seeds:
            problems.append(f"{where}:1:1: {sorted(seeds)} are seed reports (in sample); expected other reports only")
        if not city.observations:
            problems.append(f"{where}:1:1: no curated observations")
    return problems


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="draft_eval_oos_") as name:
        tmp = Path(name)
        problems = _copy(tmp)
        if problems:
            for p in problems:
                print(p, file=sys.stderr)
            return 1
        try:
            dataset = load.load_all(tmp)
        except load.CatalogError as exc:
            for problem in exc.problems:
                print(_shown(str(problem), tmp), file=sys.stderr)
            return 1
        problems = [_shown(str(p), tmp) for p in dataset.problems]
        if not problems:
            problems = [_shown(p, tmp) for p in _set_problems(dataset)]
        if problems or dataset.failed_files:
            for p in problems:
                print(p, file=sys.stderr)
            print(f"{len(problems)} problem(s); expected every file of {_rel(FIXTURE)} to validate", file=sys.stderr)
            return 1
        n_obs = sum(len(c.observations) for c in dataset.cities.values())
        reports = sorted(rid for c in dataset.cities.values() for rid in c.header.reports)
        print(
            f"ok: {len(dataset.cities)} city file(s), {n_obs} observations, every quote found in its source "
            f"(live catalog {_rel(CATALOG)}; reports {', '.join(reports)})"
        )
        evaluation = draft.evaluate(dataset)

    print(evaluation.describe())
    print(json.dumps(evaluation.figures(), ensure_ascii=False))
    unmatched = [u for c in evaluation.cities for u in c.unmatched]
    print(f"junk candidates (drafted, matching no curated observation): {len(unmatched)}")
    for report_id, written, suggested, quote in unmatched:
        print(f"  {report_id}: {written} [{suggested or 'no suggestion'}] in {quote}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
