"""A problem is data: a code, its parameters and where it is (issue 9).

`Problem(path, line, col, code, params, field)` says what is wrong in a data file without
words; `metrics.messages.MESSAGES` holds each code's message in Chinese and English (what is
wrong, what is expected, the fix), and `Problem.text(lang)` renders it. The CLI, the overview
and /editor render from that one table. A reader that stops at the first problem (the YAML
parser, a unit, an upload) raises a `Refusal` with the same code and parameters.

Light on purpose (no pydantic, no YAML): the pages import it to show the stored problems of
the files that failed, without the validator.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from metrics import messages


def _frozen(value: Any) -> Any:
    return tuple(_frozen(v) for v in value) if isinstance(value, (list, tuple)) else value


def freeze(params: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """Parameters as a hashable tuple of (name, value), lists as tuples, names in order."""
    return tuple(sorted((k, _frozen(v)) for k, v in params.items() if v is not None))


@dataclass(frozen=True)
class Problem:
    """One located problem in a data file: `code` names its message (metrics.messages), `params`
    fill it, `field` is the YAML path it is about (observations.3.unit), shown before it."""

    path: str
    line: int
    col: int
    code: str
    params: tuple[tuple[str, Any], ...] = ()
    field: str = ""
    pending: str = ""  # the code of what is checked only once this is fixed, said after the message

    @classmethod
    def of(
        cls, path: str, line: int, col: int, code: str, field: str = "", pending: str = "", **params: Any
    ) -> Problem:
        return cls(path, line, col, code, freeze(params), field, pending)

    @classmethod
    def refused(cls, path: str, refusal: Refusal, pending: str = "") -> Problem:
        """The problem a reader refused with (a YAML error, an upload, ...), in `path`."""
        return cls(path, refusal.line, refusal.col, refusal.code, refusal.params, "", pending)

    def waiting(self, pending: str, **params: Any) -> Problem:
        """This problem, saying that the checks of `pending` wait for its fix."""
        return Problem(
            self.path, self.line, self.col, self.code, freeze({**dict(self.params), **params}), self.field, pending
        )

    def body(self, lang: str = "en") -> str:
        """The message in `lang` (zh or en), after its field path, and what waits for its fix."""
        message = messages.render(self.code, dict(self.params), lang)
        if self.pending:
            message += ("；" if lang == "zh" else "; ") + messages.render(self.pending, dict(self.params), lang)
        if not self.field:
            return message
        return f"{self.field}{'：' if lang == 'zh' else ': '}{message}"

    @property
    def message(self) -> str:
        """The message in English (the CLI's default and the tests' wording)."""
        return self.body("en")

    def text(self, lang: str = "en") -> str:
        """`file:line:col: message`, the message in `lang`."""
        return f"{self.path}:{self.line}:{self.col}: {self.body(lang)}"

    def __str__(self) -> str:
        return self.text("en")

    def row(self) -> dict[str, Any]:
        """The problem as a row of the `problems` table (params as JSON, the English message)."""
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "params": json.dumps(dict(self.params), ensure_ascii=False),
            "field": self.field,
            "pending": self.pending,
            "message": self.message,
        }

    @classmethod
    def from_row(cls, row: Any) -> Problem:
        """A problem read back from the `problems` table (a row with its attributes)."""
        params = json.loads(row.params) if row.params else {}
        pending = getattr(row, "pending", "") or ""
        return cls.of(row.path, int(row.line), int(row.col), row.code, row.field or "", pending, **params)


PROBLEM_COLUMNS = ["path", "line", "col", "code", "params", "field", "pending", "message"]


class Refusal(Exception):
    """A reader's refusal: a problem code with its parameters and place (line, col 1-based)."""

    def __init__(self, code: str, line: int = 1, col: int = 1, **params: Any):
        self.code = code
        self.params = freeze(params)
        self.line = line
        self.col = col
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return messages.render(self.code, dict(self.params), "en")

    def text(self, lang: str = "en") -> str:
        return messages.render(self.code, dict(self.params), lang)


class CatalogError(Exception):
    """The catalog itself is broken: nothing can be checked without it."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
