"""Previewing an unsaved city file: validated from text with its article, beside the saved cities.

The editor page hands over a pasted or uploaded city file and article as text. `validate_city`
checks the file with the strict loader, using the article as the source of every report whose
source file is not under data/ yet; `with_city` returns the saved dataset with the new city added
(or replacing the saved one of the same id), ready for an in-memory database. Nothing here reads
the user's disk or writes anywhere.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from metrics import load, schema, yamlio
from metrics.problems import Refusal
from metrics.text import article_body

# One upload limit for every file the editor takes, in the server's unit: Streamlit's
# server.maxUploadSize (.streamlit/config.toml, enforced by the server before the app sees the
# file) counts MB of 1,048,576 bytes, and the widgets, their labels and the code say the same.
# A city file with a hundred observations is about 25 KB; the longest curated article 20 KB.
UPLOAD_LIMIT_MB = 1
MAX_UPLOAD_BYTES = UPLOAD_LIMIT_MB * 1024 * 1024
MAX_CITY_BYTES = MAX_UPLOAD_BYTES
MAX_ARTICLE_BYTES = MAX_UPLOAD_BYTES


class UploadError(Refusal, ValueError):
    """An upload that cannot be read: too large, or not UTF-8 text (a code of metrics.messages)."""


def too_large(what: str, size: int, limit: int) -> dict:
    """The parameters of `upload_too_large`: `what` (file, article, city_file or a file's name) is
    `size` bytes against `limit`."""
    return {"what": what, "size": size, "limit": limit, "mb": f"{limit / (1024 * 1024):g}"}


def decode_upload(data: bytes, limit: int, what: str) -> str:
    """Decodes an uploaded file as UTF-8 text within a size limit; raises UploadError saying why not."""
    if len(data) > limit:
        raise UploadError("upload_too_large", **too_large(what, len(data), limit))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError("upload_not_utf8", what=what, byte=exc.start) from None


def source_file_text(article: str, publisher: str | None = None, published: str | None = None) -> str:
    """The article as a source file: unchanged when it has a header already, else below a new one."""
    if article_body(article)[1]:
        return article
    lines = [
        f"发布者 Publisher: {publisher or 'unknown'}",
        f"发布日期 Published: {published or 'unknown'}",
        "---",
    ]
    return "\n".join(lines) + "\n" + article.lstrip("\ufeff")


def _peek(text: str) -> dict:
    """The city file's mapping if it parses, else {} (the loader reports the error with its line)."""
    try:
        data = yamlio.parse(text).data
    except yamlio.YamlError:
        return {}
    return data if isinstance(data, dict) else {}


def file_stem(text: str, file_name: str | None = None) -> str:
    """The file name (without .yaml) a city file would be saved under: the uploaded name, else its id."""
    if file_name:
        return Path(file_name).stem
    city_id = _peek(text).get("id")
    return city_id if schema.is_id(city_id) else "new_city"


def validate_city(
    text: str,
    catalog: schema.Catalog,
    data_dir: Path,
    article: str | None = None,
    file_name: str | None = None,
) -> tuple[load.CityData | None, list[load.Problem]]:
    """Validates a city file given as text; `article` stands in for report sources not yet saved."""
    stem = file_stem(text, file_name)
    where = f"cities/{stem}.yaml"
    size = len(text.encode("utf-8"))
    if size > MAX_CITY_BYTES:
        return None, [load.Problem.of(where, 1, 1, "upload_too_large", **too_large("city_file", size, MAX_CITY_BYTES))]
    extra: dict[str, str] = {}
    reports = _peek(text).get("reports")
    if article and isinstance(reports, dict):
        for report in reports.values():
            source = report.get("source") if isinstance(report, dict) else None
            if isinstance(source, str) and not (data_dir / source).is_file():
                published = report.get("published")
                extra[source] = source_file_text(
                    article, report.get("publisher"), str(published) if published else None
                )
    return load.load_city_text(text, where, stem, catalog, data_dir, extra_sources=extra)


def conflicts(base: load.Dataset, city: load.CityData) -> list[load.Problem]:
    """The cross-file problems of an unsaved city beside the saved ones (a report id or source file
    another city holds): the same rules as `validate`, the unsaved city taken as the newest file.
    Its own saved version (same id) is the one it replaces, not a conflict."""
    others = [c for cid, c in base.cities.items() if cid != city.header.id]
    for other, problems in load.merge_conflicts([*others, city]):
        if other is city:
            return problems
    return []


def with_city(base: load.Dataset, city: load.CityData, catalog: schema.Catalog | None = None) -> load.Dataset:
    """The saved dataset with one more city (or its saved version replaced), read with `catalog`
    (a proposed indicator added: propose_indicator) or the saved one; `base` is left as it is."""
    cities = dict(base.cities)
    cities[city.header.id] = city
    replaced = f"{city.header.id}.yaml"
    return load.Dataset(
        catalog=catalog or base.catalog,
        cities=cities,
        problems=[p for p in base.problems if Path(p.path).name != replaced],
        failed_files=[f for f in base.failed_files if Path(f).name != replaced],
    )


# --- a proposed catalog indicator ---------------------------------------------------------------

INDICATOR_FILE = "catalog-proposal.yaml"


def indicator_template(category: str) -> str:
    """A catalog entry to fill in: one new indicator, as it would stand under `indicators:` in
    data/catalog.yaml (its fields: data/README.md, "The catalog")."""
    return f"""\
# 新指标提议：填好后与城市文件一同校验、预览，并随城市文件一起下载提交。
# A proposed indicator: validated and previewed with the city file, downloaded beside it.
{category}.new_indicator:               # 分类.英文小写标识 category.lower_case_id
  name: {{zh: null, en: null}}           # 名称 name
  definition: {{zh: null, en: null}}     # 口径：数的是什么 what it counts, in both languages
  unit: count                          # count（计数）, yuan（元）or percent（%）
  measure: persons                     # 计量：persons 人数, person_times 人次, households 户数, events 场次 ...
  measure_word: {{zh: 人, en: persons}}  # 量词 the measure word (count only)
  accepts: [人, 名]                     # 文中可接受的量词 the measure words it takes (count only)
  per_capita: true                     # 是否计算每10万人 per 100,000 residents
  keywords: []                         # 草稿用来建议此指标的词 words the draft suggests it by
"""


def propose_indicator(
    text: str, catalog: schema.Catalog
) -> tuple[schema.Catalog | None, str | None, list[load.Problem]]:
    """A proposed catalog entry checked as the catalog's loader checks its own: one `id: {...}` of
    a new id in an existing category, every field valid. Returns the catalog with it added and
    the id, or None with the located problems of the snippet (in INDICATOR_FILE)."""
    where = INDICATOR_FILE

    def refused(line: int, col: int, code: str, **params):
        return None, None, [load.Problem.of(where, line, col, code, **params)]

    try:
        doc = yamlio.parse(text)
    except yamlio.YamlError as exc:
        return None, None, [load.Problem.refused(where, exc)]
    if not isinstance(doc.data, dict) or len(doc.data) != 1:
        return refused(1, 1, "proposal_shape")
    ((indicator_id, fields),) = doc.data.items()
    line, col = doc.locate_key((indicator_id,))
    indicator_id = str(indicator_id)
    category = indicator_id.split(".")[0]
    if not re.fullmatch(schema.INDICATOR_ID, indicator_id):
        return refused(line, col, "proposal_bad_id", id=indicator_id)
    if indicator_id in catalog.indicators:
        return refused(line, col, "proposal_exists", id=indicator_id)
    if category not in catalog.categories:
        return refused(line, col, "proposal_unknown_category", category=category, known=list(catalog.categories))
    try:
        indicator = schema.Indicator.model_validate(fields)
    except ValidationError as exc:
        return None, None, load._pydantic_problems(exc, doc, where, (indicator_id,))
    extended = catalog.model_copy(update={"indicators": {**catalog.indicators, indicator_id: indicator}})
    return extended, indicator_id, []
