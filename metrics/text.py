"""Source-text normalisation: the form in which quotes are matched against articles.

Articles arrive in traditional or simplified characters, with pinyin annotations glued after
characters ("婦聯(lián)", toneless or repeated: "淮(huai)(huai)北"), full- or half-width digits and
punctuation, and stray spaces ("122 场"). `normalise` folds all of that away; `normalise_with_map`
also returns, for every normalised character, its offset in the original text, so a quote found in
the normalised text can be highlighted in the article as published.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import opencc

# Latin letters that appear in pinyin, with tone marks; an annotation is one or more
# parenthesised runs of them glued after a CJK character.
_PINYIN = "a-zA-ZāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüÜńňǹḿ"
_ANNOTATION = re.compile(rf"(?<=[\u3400-\u9fff])(?:[(（][{_PINYIN}]{{1,8}}[)）])+")

# A source file starts with a short header (publisher, date, seed) ended by this line;
# quotes are looked up in the article below it.
HEADER_END = "---"


@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Converts traditional Chinese to simplified with OpenCC."""
    return _converter().convert(text)


def strip_annotations(text: str) -> str:
    """Removes pinyin annotations glued after characters: 婦聯(lián) -> 婦聯."""
    return _ANNOTATION.sub("", text)


def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    return "".join(c for c in folded if not c.isspace())


def normalise_with_map(text: str) -> tuple[str, list[int]]:
    """Normalises text and maps each output character to its offset in `text`."""
    kept: list[str] = []
    offsets: list[int] = []
    last = 0
    for match in _ANNOTATION.finditer(text):
        for i in range(last, match.start()):
            for c in _fold_char(text[i]):
                kept.append(c)
                offsets.append(i)
        last = match.end()
    for i in range(last, len(text)):
        for c in _fold_char(text[i]):
            kept.append(c)
            offsets.append(i)
    folded = "".join(kept)
    simplified = to_simplified(folded)
    if len(simplified) != len(folded):
        # Phrase conversion changed the length: convert character by character so the
        # offsets still line up (rare; loses phrase-level accuracy only for those spans).
        simplified = "".join(to_simplified(c) if len(to_simplified(c)) == 1 else c for c in folded)
    return simplified, offsets


_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Normalises text for matching: no annotations, simplified, half-width, no white space.

    The same result as normalise_with_map, without the offsets, at C speed.
    """
    folded = _SPACE.sub("", unicodedata.normalize("NFKC", strip_annotations(text)))
    simplified = to_simplified(folded)
    if len(simplified) != len(folded):
        return normalise_with_map(text)[0]
    return simplified


def article_body(source: str) -> tuple[str, int]:
    """Returns the article below the source header, and its offset in the file."""
    lines = source.splitlines(keepends=True)
    offset = 0
    for line in lines:
        offset += len(line)
        if line.strip() == HEADER_END:
            return source[offset:], offset
    return source, 0


@dataclass(frozen=True)
class SourceText:
    """An article as published, with its normalised form for quote lookup."""

    raw: str
    body_offset: int
    normalised: str
    offsets: list[int]

    @classmethod
    def from_raw(cls, raw: str) -> SourceText:
        body, offset = article_body(raw)
        normalised, offsets = normalise_with_map(body)
        return cls(raw=raw, body_offset=offset, normalised=normalised, offsets=offsets)

    @property
    def body(self) -> str:
        return self.raw[self.body_offset :]

    def find(self, quote: str) -> tuple[int, int] | None:
        """Finds a quote; returns its (start, end) offsets in the article body, or None."""
        needle = normalise(quote)
        if not needle:
            return None
        at = self.normalised.find(needle)
        if at < 0:
            return None
        end = self.offsets[at + len(needle) - 1] + 1
        body = self.body
        trailing = _ANNOTATION.match(body, end)  # 業(yè): the annotation belongs to the quote
        return self.offsets[at], trailing.end() if trailing else end
