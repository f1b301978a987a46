"""The draft measured on curated cities: each report drafted and its candidates compared with the
curated observations of that report (recall, precision, indicator match), as `draft-eval` prints it."""

from __future__ import annotations

from dataclasses import dataclass, field

from metrics.draft.candidates import draft


@dataclass
class CityScore:
    city: str
    curated: int
    proposed: int  # curated observations proposed with the right value and qualifier
    candidates: int
    candidates_curated: int  # candidates that match a curated observation
    indicator_right: int  # proposed curated observations whose suggested indicator is theirs
    suggested: int  # proposed curated observations with any suggestion
    missed: list[str] = field(default_factory=list)
    # proposed curated observations whose suggestion is another indicator, or none:
    # (report id, number as written, curated indicator, suggested indicator or "", quote)
    wrong: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    # candidates matching no curated observation: (report id, number as written, suggested
    # indicator or "", quote), for a person to judge (dates, ordinals, outcomes left out)
    unmatched: list[tuple[str, str, str, str]] = field(default_factory=list)


@dataclass
class Evaluation:
    cities: list[CityScore]

    def _sum(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.cities)

    @property
    def recall(self) -> float:
        return self._sum("proposed") / max(1, self._sum("curated"))

    @property
    def precision(self) -> float:
        return self._sum("candidates_curated") / max(1, self._sum("candidates"))

    @property
    def indicator_match(self) -> float:
        return self._sum("indicator_right") / max(1, self._sum("proposed"))

    @property
    def suggestion_accuracy(self) -> float:
        return self._sum("indicator_right") / max(1, self._sum("suggested"))

    @property
    def suggestion_coverage(self) -> float:
        return self._sum("suggested") / max(1, self._sum("proposed"))

    def figures(self) -> dict[str, float | int]:
        """The rates and the counts behind them, as `draft-eval --json` prints them."""
        counts = ("curated", "proposed", "candidates", "candidates_curated", "indicator_right", "suggested")
        return {
            "recall": self.recall,
            "precision": self.precision,
            "indicator_match": self.indicator_match,
            "suggestion_accuracy": self.suggestion_accuracy,
            "suggestion_coverage": self.suggestion_coverage,
            **{name: self._sum(name) for name in counts},
            "unmatched": sum(len(c.unmatched) for c in self.cities),
        }

    def describe(self) -> str:
        lines = [f"{'city':<12} {'curated':>7} {'proposed':>8} {'cands':>6} {'cand.cur':>8} {'ind.ok':>6}"]
        for c in self.cities:
            lines.append(
                f"{c.city:<12} {c.curated:>7} {c.proposed:>8} {c.candidates:>6} {c.candidates_curated:>8} "
                f"{c.indicator_right:>6}"
            )
        lines += [
            f"recall (curated observations proposed with the right value and qualifier): "
            f"{self._sum('proposed')}/{self._sum('curated')} = {self.recall:.1%}",
            f"precision (drafted candidates that were curated): "
            f"{self._sum('candidates_curated')}/{self._sum('candidates')} = {self.precision:.1%}",
            f"indicator match (proposed curated observations whose suggested indicator is the curated one): "
            f"{self._sum('indicator_right')}/{self._sum('proposed')} = {self.indicator_match:.1%}",
            f"  suggestions made: {self._sum('suggested')}/{self._sum('proposed')} = {self.suggestion_coverage:.1%}; "
            f"right when made: {self._sum('indicator_right')}/{self._sum('suggested')} = {self.suggestion_accuracy:.1%}",
        ]
        missed = [m for c in self.cities for m in c.missed]
        if missed:
            lines.append("missed:")
            lines += [f"  {m}" for m in missed]
        wrong = [w for c in self.cities for w in c.wrong]
        if wrong:
            lines.append("suggested another indicator (curated -> suggested):")
            lines += [f"  {r}: {n} {cur} -> {sug or 'no suggestion'} in {q}" for r, n, cur, sug, q in wrong]
        return "\n".join(lines)


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def evaluate(dataset, report_ids=None) -> Evaluation:
    """Drafts every report of a loaded dataset (or only the reports named in `report_ids`, a fixed
    evaluation set) and compares the candidates with the curated observations of those reports.
    Raises ValueError naming any report id the dataset does not hold."""
    wanted = None if report_ids is None else set(report_ids)
    if wanted is not None:
        unknown = wanted - {rid for city in dataset.cities.values() for rid in city.sources}
        if unknown:
            raise ValueError(f"unknown report id(s): {', '.join(sorted(unknown))}; expected reports of loaded cities")
    scores = []
    for city_id, city in sorted(dataset.cities.items()):
        score = CityScore(city_id, 0, 0, 0, 0, 0, 0)
        reports = [(rid, raw) for rid, raw in city.sources.items() if wanted is None or rid in wanted]
        if not reports:
            continue
        for report_id, raw in reports:
            result = draft(raw, dataset.catalog)
            src = result.source
            matched: set[int] = set()
            for obs, canonical in zip(city.observations, city.canonical, strict=True):
                if obs.report != report_id:
                    continue
                score.curated += 1
                span = src.find(obs.quote)
                hits = [
                    i
                    for i, c in enumerate(result.candidates)
                    if span
                    and c.start < span[1]
                    and c.end > span[0]
                    and _same(c.value, canonical)
                    and c.qualifier == obs.qualifier
                ]
                if not hits:
                    score.missed.append(f"{city_id}: {obs.value:g} {obs.unit} {obs.qualifier} in {obs.quote}")
                    continue
                score.proposed += 1
                # One candidate per curated observation: "122个 ... 122个" in one quote is two numbers.
                pick = next((i for i in hits if i not in matched), hits[0])
                matched.add(pick)
                best = result.candidates[pick]
                if best.indicator:
                    score.suggested += 1
                    score.indicator_right += best.indicator == obs.indicator
                if best.indicator != obs.indicator:
                    score.wrong.append((report_id, best.written, obs.indicator, best.indicator or "", obs.quote))
            score.candidates += len(result.candidates)
            score.candidates_curated += len(matched)
            score.unmatched += [
                (report_id, c.written, c.indicator or "", c.quote)
                for i, c in enumerate(result.candidates)
                if i not in matched
            ]
        scores.append(score)
    return Evaluation(scores)
