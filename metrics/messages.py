"""Every message the validator, the readers and the editor's checks give, in Chinese and English.

A problem is a code with parameters (`metrics.problems.Problem`); `MESSAGES` holds, for each
code, its English and Chinese template (what is wrong; what is expected or the fix) and an
example of its parameters. `render(code, params, lang)` fills a template: a parameter written
`{name:spec}` is itself put in the language (`measures`: measure ids as their names, `os`: why a
file could not be read, `expected`: what a value should be, `list` / `or`: several values).
Nothing is translated by matching English: a new message is one new row, in both languages.
data/README.md ("Every message, by code") lists every code with its example in both languages;
tests/test_messages.py checks that each code has both and that the README shows them.
"""

from __future__ import annotations

import string
from typing import Any, NamedTuple


class Message(NamedTuple):
    en: str
    zh: str
    example: dict[str, Any]


_YAML = "YAML 语法错误："

MESSAGES: dict[str, Message] = {
    # --- reading a file (metrics.yamlio, metrics.load) ---------------------------------------
    "cannot_read": Message("cannot read the file: {reason:os}", "无法读取文件：{reason:os}", {"reason": "ENOENT"}),
    "file_too_large": Message(
        "file is larger than {mb} MB; expected a city file: split it or remove what is not data",
        "文件超过 {mb} MB；城市文件不应这么大，请拆分或删去非数据内容",
        {"mb": 2},
    ),
    "not_utf8": Message(
        "file is not UTF-8 (byte {byte}); save it as UTF-8",
        "文件不是 UTF-8 编码（第 {byte} 字节）；请另存为 UTF-8",
        {"byte": 22},
    ),
    "yaml_unclosed_quote": Message(
        "YAML syntax: the quote {quote} opened here is never closed (the parser ran on to line {until}); "
        "close it with {quote} on this line",
        _YAML + "此处开始的引号 {quote} 没有闭合（解析一直读到第 {until} 行）；请在本行用 {quote} 闭合",
        {"quote": '"', "until": 31},
    ),
    "yaml_unclosed_bracket": Message(
        "YAML syntax: the {bracket} opened here is not closed before line {until}; close it with {closing}",
        _YAML + "此处开始的 {bracket} 在第 {until} 行之前没有闭合；请用 {closing} 闭合",
        {"bracket": "[", "until": 12, "closing": "]"},
    ),
    "yaml_syntax": Message(
        "YAML syntax: {problem:yaml}{context:yaml_context}",
        _YAML + "{problem:yaml}{context:yaml_context}",
        {"problem": "mapping values are not allowed in this context", "context": "while scanning a simple key"},
    ),
    "yaml_alias": Message(
        "aliases (*name) are not allowed; write the value out in full",
        "不允许使用别名（*name）；请把值完整写出",
        {},
    ),
    "yaml_merge_key": Message(
        "merge keys (<<) are not allowed; write the keys out in full",
        "不允许使用合并键（<<）；请把各个键完整写出",
        {},
    ),
    "yaml_key_not_plain": Message("a key must be a plain word", "键必须是普通的词", {}),
    "yaml_not_mapping": Message("expected a mapping of key: value pairs", "此处应为“键: 值”形式的映射", {}),
    "yaml_duplicate_key": Message(
        "duplicate key '{key}'; each key may appear once in a mapping",
        "键 '{key}' 重复；同一映射中每个键只能出现一次",
        {"key": "quote"},
    ),
    "yaml_yes_no": Message(
        "'{value}' would be read as a yes/no value; write true or false, or quote it if it is text",
        "'{value}' 会被读成是/否值；请写 true 或 false，若是文字请加引号",
        {"value": "yes"},
    ),
    "yaml_octal": Message(
        "'{value}' has a leading zero, which YAML 1.1 reads as octal; write {decimal} or quote it",
        "'{value}' 以 0 开头，YAML 1.1 会把它读成八进制数；请写成 {decimal}，或加引号",
        {"value": "0120", "decimal": 120},
    ),
    "yaml_base60": Message(
        "'{value}' would be read as a base-60 number; quote it if it is text",
        "'{value}' 会被读成六十进制数；若是文字请加引号",
        {"value": "1:30"},
    ),
    "yaml_not_decimal": Message(
        "'{value}': write numbers in decimal", "'{value}'：数字请用十进制书写", {"value": "0x1F"}
    ),
    "yaml_bad_date": Message(
        "'{value}' is not a valid date ({detail}); write YYYY-MM-DD",
        "'{value}' 不是有效日期（{detail}）；请写成 YYYY-MM-DD",
        {"value": "2024-13-01", "detail": "month must be in 1..12"},
    ),
    "yaml_too_deep": Message(
        "nested more than {depth} levels deep here; a city file nests at most six (observations, an "
        "observation, its period); close the brackets or fix the indentation",
        "此处嵌套超过 {depth} 层；城市文件最多嵌套六层（observations、一条观测值、其 period）；请补全括号或修正缩进",
        {"depth": 12},
    ),
    "yaml_unreadably_deep": Message(
        "nested too deep to read; a city file nests at most {depth} levels",
        "嵌套过深，无法读取；城市文件最多嵌套 {depth} 层",
        {"depth": 12},
    ),
    # --- uploads on /editor and the draft's article (metrics.preview) ---------------------------
    "upload_too_large": Message(
        "{what:what} is {size:,} bytes; the limit is {limit:,} bytes ({mb} MB)",
        "{what:what}为 {size:,} 字节，上限为 {limit:,} 字节（{mb} MB）",
        {"what": "article", "size": 1_200_000, "limit": 1_048_576, "mb": 1},
    ),
    "upload_not_utf8": Message(
        "{what:what} is not UTF-8 text (byte {byte}); save it as UTF-8",
        "{what:what}不是 UTF-8 文本（第 {byte} 字节）；请另存为 UTF-8",
        {"what": "file", "byte": 0},
    ),
    # --- the city file's shape ------------------------------------------------------------------
    "city_not_mapping": Message(
        "a city file is a mapping with id, name, ..., observations; see data/README.md",
        "城市文件应是包含 id、name……observations 等键的映射；见 data/README.md",
        {},
    ),
    "id_differs": Message(
        "id '{id}' differs from the file name; expected '{stem}'",
        "id '{id}' 与文件名不一致；应为 '{stem}'",
        {"id": "zibo", "stem": "zibo2"},
    ),
    "unknown_key": Message(
        "unknown key '{key}'; check its spelling against data/README.md",
        "未知的键 '{key}'；请对照 data/README.md 检查拼写",
        {"key": "qualifer"},
    ),
    "missing_key": Message("missing key '{key}'", "缺少键 '{key}'", {"key": "quote"}),
    "renamed_cumulative": Message(
        "cumulative is replaced by tally: stock (with as_of) or tally: running_total (with since and as_of); "
        "see docs/model.md",
        "cumulative 已由 tally 取代：存量写 tally: stock（加 as_of），累计数写 tally: running_total（加 since 和 as_of）；"
        "见 docs/model.md",
        {},
    ),
    "bilingual_shape": Message(
        "a text in both languages is {{zh: 中文, en: English}} (both required)",
        "双语文本应写成 {{zh: 中文, en: English}}（两种语言都必填）",
        {},
    ),
    "note_shape": Message(
        "a note is {{zh: 中文说明, en: English note}} (zh required, en optional)",
        "编者注应写成 {{zh: 中文说明, en: English note}}（zh 必填，en 可选）",
        {},
    ),
    "bidi_control": Message(
        "character {position} is the invisible direction control {codepoint}, which reverses the text "
        "around it on screen; delete it",
        "第 {position} 个字符是不可见的文字方向控制符 {codepoint}，会使周围的文字在屏幕上反向显示；请删除",
        {"position": 3, "codepoint": "U+202E"},
    ),
    # --- what pydantic checks (a value's type, pattern, length) ---------------------------------
    "expected_value": Message(
        "Input should be {expected:expected}{got:got}",
        "应为{expected:expected}{got:got}",
        {"expected": ["number", "'unknown'"], "got": "'many'"},
    ),
    "pattern_mismatch": Message(
        "String should match pattern '{pattern}'{got:got}",
        "格式不符，应匹配 '{pattern}'{got:got}",
        {"pattern": "^[a-z][a-z0-9_]*$", "got": "'Zibo'"},
    ),
    "too_short": Message(
        "String should have at least {min} character{min:plural}{got:got}",
        "至少应有 {min} 个字符{got:got}",
        {"min": 1, "got": "''"},
    ),
    "invalid_value": Message(
        "{detail}",
        "取值无效（{detail}）",
        {"detail": "Input should be a finite number"},
    ),
    # --- reports and their sources --------------------------------------------------------------
    "source_missing": Message(
        "{source} does not exist under data/", "data/ 下没有文件 {source}", {"source": "sources/zibo-2024.txt"}
    ),
    "source_unreadable": Message(
        "{source} cannot be read ({reason:os}) under data/",
        "data/ 下的文件 {source} 无法读取（{reason:os}）",
        {"source": "sources/zibo-2024.txt", "reason": "EACCES"},
    ),
    "source_not_utf8": Message(
        "{source} is not UTF-8 under data/",
        "data/ 下的 {source} 不是 UTF-8 编码",
        {"source": "sources/zibo-2024.txt"},
    ),
    "source_no_header": Message(
        "{source} has no header ended by a line '---'; see data/README.md",
        "{source} 缺少以一行 '---' 结束的文件头；见 data/README.md",
        {"source": "sources/zibo-2024.txt"},
    ),
    "source_reused": Message(
        "{source} is already the source of report '{report}'; expected one source file per report",
        "{source} 已是报道“{report}”的原文；每个报道应有自己的原文文件",
        {"source": "sources/zibo-2024.txt", "report": "zibo-2024"},
    ),
    "published_unknown_note": Message(
        "published is unknown: add published_note saying how the date was inferred",
        "published 为 unknown：请添加 published_note，说明日期是如何推断的",
        {},
    ),
    "period_inferred_note": Message(
        "period_inferred is true: add period_note saying how the period was inferred",
        "period_inferred 为 true：请加 period_note，说明时期是如何推断的",
        {},
    ),
    "period_order": Message(
        "period starts {start} after it ends {end}; expected start <= end",
        "时期开始于 {start}，晚于结束日期 {end}；开始日期不能晚于结束日期",
        {"start": "2024-12-31", "end": "2024-01-01"},
    ),
    "denominator_rule": Message(
        "the denominator rule is the {year} census for every city (got {basis} {got_year}); "
        "expected year: {year}, basis: census, or leave population out",
        "人口分母的统一规则是{year}年人口普查（实际为 {basis} {got_year}）；应写 year: {year}、basis: census，或不写 population",
        {"year": 2020, "basis": "resident_year_end", "got_year": 2023},
    ),
    # --- observations -----------------------------------------------------------------------
    "unknown_indicator": Message(
        "unknown indicator '{indicator}' (see data/catalog.yaml)",
        "未知指标 '{indicator}'（见 data/catalog.yaml）",
        {"indicator": "rights.hotline"},
    ),
    "unknown_indicator_close": Message(
        "unknown indicator '{indicator}'; did you mean '{close}'? (see data/catalog.yaml)",
        "未知指标 '{indicator}'；是不是 '{close}'？（见 data/catalog.yaml）",
        {"indicator": "rights.disputes_mediate", "close": "rights.disputes_mediated"},
    ),
    "unknown_report": Message(
        "unknown report '{report}'; this file's reports are: {known:list}",
        "未知报告 '{report}'；本文件的报告有：{known:list}",
        {"report": "zibo-2023", "known": ["zibo-2024"]},
    ),
    "unit_not_fit": Message(
        "unit '{unit}' does not fit this indicator; expected one of {expected:list} (optionally with 万 or 亿)"
        "{indicator:for}",
        "单位 '{unit}' 不适用于{indicator:zh_indicator}；应为 {expected:list} 之一（可带 万 或 亿）",
        {"unit": "个", "expected": ["场", "场次"], "indicator": "family.activities"},
    ),
    "unit_not_money": Message(
        "unit '{unit}' is not money; expected 元, 万元 or 亿元{indicator:for}",
        "单位 '{unit}' 不是金额单位{indicator:zh_paren}；应为 元、万元 或 亿元",
        {"unit": "人", "indicator": "employment.loans"},
    ),
    "unit_not_percent": Message(
        "unit '{unit}' is not a percentage; expected %{indicator:for}",
        "单位 '{unit}' 不是百分比{indicator:zh_paren}；应为 %",
        {"unit": "人", "indicator": "health.screening_rate"},
    ),
    "percent_over_100": Message(
        "a percentage is at most 100 (got {value:g})", "百分比不能超过 100（实际为 {value:g}）", {"value": 120}
    ),
    "quote_not_found": Message(
        "quote not found in the source text; copy it from the article (simplified characters are fine)",
        "原文中找不到这句引文；请从文章中复制（用简体字也可以）",
        {},
    ),
    "quote_differs": Message(
        "quote not found in the source text: it matches up to '{matched}' and then the article differs "
        "at '{differs}'; copy the clause verbatim",
        "原文中找不到这句引文：与原文一致到 '{matched}'，从 '{differs}' 起与原文不同；请逐字复制该分句",
        {"matched": "全年开展", "differs": "宣传活动1200场"},
    ),
    "value_not_in_quote": Message(
        "value {value:g} {unit} is not in the quote (numbers in the quote: {written:numbers}); expected the "
        "number and unit as the article writes them",
        "引文中没有数值 {value:g}{unit}（引文中的数字：{written:numbers}）；请按文章的写法填写数字和单位",
        {"value": 1300, "unit": "场", "written": ["1200场"]},
    ),
    "qualifier_mismatch": Message(
        "qualifier is {qualifier} but the quote {found:quote_writes} before or after {written}; "
        "expected qualifier: {found}",
        "qualifier 为 {qualifier}，但引文在 {written} 前后{found:quote_writes}；qualifier 应为 {found}",
        {"qualifier": "exact", "found": "more_than", "written": "600余人次"},
    ),
    "duplicate_observation": Message(
        "same indicator, report, period and breakdown as the observation at line {at_line}; give each part a "
        "distinct breakdown or remove one",
        "与第 {at_line} 行的观测值指标、报告、时期和分项都相同；请给各分项不同的 breakdown 标签，或删去其中一条",
        {"at_line": 21},
    ),
    "lonely_total": Message(
        "a value without breakdown stands beside parts of the same indicator, report and period (line {at_line}); "
        "give it a breakdown label too, or remove it if it is their total",
        "同一指标、报告和时期已有分项（第 {at_line} 行），此值却没有 breakdown 标签；请也给它加上标签，若它是各分项之和则删去",
        {"at_line": 40},
    ),
    # --- the comparability model (docs/model.md) ----------------------------------------------
    "measure_mismatch": Message(
        "{word} counts {counted:measures}, but {indicator} counts {measure:measures} (one axis, one kind of "
        "thing); use {use:or}",
        "{word} 计的是{counted:measures}，而 {indicator} 计的是{measure:measures}（一条坐标轴只放一种东西）；请改用 {use:or}",
        {
            "word": "户",
            "counted": ["households"],
            "indicator": "employment.women_employed",
            "measure": "persons",
            "use": ["employment.households_employed"],
        },
    ),
    "measure_mismatch_new": Message(
        "{word} counts {counted:measures}, but {indicator} counts {measure:measures} (one axis, one kind of "
        "thing); add a {add} indicator to data/catalog.yaml",
        "{word} 计的是{counted:measures}，而 {indicator} 计的是{measure:measures}（一条坐标轴只放一种东西）；"
        "请在 data/catalog.yaml 中新增一个计{add:measures}的指标",
        {"word": "对", "counted": ["couples"], "indicator": "family.activities", "measure": "events", "add": "couples"},
    ),
    "level_needed": Message(
        "{indicator} is counted by level: add level: national, provincial, prefecture or county",
        "{indicator} 按级别统计：请加 level: national（国家级）、provincial（省级）、prefecture（市级）或 county（县级）",
        {"indicator": "honours.model_families"},
    ),
    "dates_on_flow": Message(
        "as_of and since belong to a stock or running total; expected tally: stock or running_total, "
        "or no as_of/since for a flow",
        "as_of 和 since 只用于存量或累计数；请写 tally: stock 或 tally: running_total，当期数则不写 as_of/since",
        {},
    ),
    "period_on_tally": Message(
        "a {tally} has as_of (and since), not period; expected as_of: YYYY-MM-DD{tally:since_too}",
        "{tally} 用 as_of（和 since）表示日期，不用 period；应写 as_of: YYYY-MM-DD{tally:since_too}",
        {"tally": "running_total"},
    ),
    "as_of_missing": Message(
        "tally is {tally} but as_of is missing; expected as_of: YYYY-MM-DD (the date it stands at)",
        "tally 为 {tally}，但缺少 as_of；应写 as_of: YYYY-MM-DD（该数所截至的日期）",
        {"tally": "stock"},
    ),
    "stock_since": Message(
        "a stock stands on one date and has no since; expected tally: running_total if it accumulates",
        "存量只对应一个日期，没有 since；若是逐年累计的数，应写 tally: running_total",
        {},
    ),
    "since_missing": Message(
        "a running total needs since: YYYY-MM-DD, or since: unknown when the article gives no start",
        "累计数需要 since: YYYY-MM-DD；原文没有起点时写 since: unknown",
        {},
    ),
    "since_after_as_of": Message(
        "since {since} is after as_of {as_of}; expected since <= as_of",
        "since {since} 晚于 as_of {as_of}；应 since ≤ as_of",
        {"since": "2025-01-01", "as_of": "2024-12-31"},
    ),
    # --- across files (metrics.load.merge_conflicts) ------------------------------------------
    "city_defined": Message(
        "city '{city}' is already defined in {other}; expected one file per city (add a year as a second "
        "report of that file)",
        "城市“{city}”已在 {other} 中定义；每个城市只能有一个文件（新的年份请作为该文件的第二个报道加入）",
        {"city": "zibo", "other": "data/cities/zibo.yaml"},
    ),
    "report_id_used": Message(
        "report id '{report}' is already used in {other}; expected a report id of this city's own, such as {example}",
        "报道编号“{report}”已在 {other} 中使用；请给本市的报道起自己的编号，例如 {example}",
        {"report": "zibo-2024", "other": "data/cities/zibo.yaml", "example": "zibo2-2024"},
    ),
    "source_claimed": Message(
        "{source} is already the source of report '{report}' in {other}; expected one source file per report",
        "{source} 已是 {other} 中报道“{report}”的原文；每个报道应有自己的原文文件",
        {"source": "sources/zibo-2024.txt", "report": "zibo-2024", "other": "data/cities/zibo.yaml"},
    ),
    # --- checks that wait for an earlier fix --------------------------------------------------
    "pending_reports": Message(
        "the quotes and numbers of the {count} observation{count:plural} are checked against the articles "
        "once the file's header (id, name, reports, ...) is valid: more problems may follow",
        "文件头（id、name、reports 等）有效后，才会对照原文检查这 {count} 条观测值的引文和数字：修好后可能还有问题",
        {"count": 24},
    ),
    "pending_observation": Message(
        "this observation's indicator, unit and quote are checked once its fields are valid: more problems may follow",
        "这条观测值的字段有效后，才会检查其指标、单位和引文：修好后可能还有问题",
        {},
    ),
    "pending_file": Message(
        "nothing else in the file is checked until it reads: more problems may follow",
        "文件能读入之后才会检查其余内容：修好后可能还有问题",
        {},
    ),
    # --- the catalog --------------------------------------------------------------------------
    "count_needs_words": Message(
        "a count indicator needs measure_word and accepts (the measure words it takes)",
        "计数指标需要 measure_word 和 accepts（它接受的量词）",
        {},
    ),
    "measure_needs_unit": Message(
        "measure {measure} needs unit {measure}; a count counts persons, events, ...",
        "计量 {measure} 需要单位 {measure}；计数（count）计的是人数、场次等",
        {"measure": "yuan"},
    ),
    "accepts_foreign": Message(
        "accepts {foreign:list}, which do not count {measure:measures}; expected only {expected:list} "
        "(one indicator, one measure: docs/model.md)",
        "accepts 中的 {foreign:list} 不是计{measure:measures}的量词；只能写 {expected:list}"
        "（一个指标只计一种东西：docs/model.md）",
        {"foreign": ["户"], "measure": "persons", "expected": ["人", "名", "位"]},
    ),
    "unit_needs_measure": Message(
        "unit {unit} needs measure {unit} (got measure {measure})",
        "单位 {unit} 需要计量 {unit}（实际为 {measure}）",
        {"unit": "yuan", "measure": "persons"},
    ),
    "percent_per_capita": Message(
        "a percentage is not divided by population; expected per_capita: false",
        "百分比不按人口折算；应写 per_capita: false",
        {},
    ),
    "category_undefined": Message(
        "indicator {indicator} names category '{category}', which is not defined",
        "指标 {indicator} 所属的分类 '{category}' 没有定义",
        {"indicator": "sport.runs", "category": "sport"},
    ),
    # --- a proposed catalog indicator (metrics.preview.propose_indicator) ----------------------
    "proposal_shape": Message(
        "a proposal is one indicator: `category.id:` and its fields",
        "一条提议只写一个指标：`分类.标识:` 及其字段",
        {},
    ),
    "proposal_bad_id": Message(
        "'{id}' is not an indicator id; expected category.lower_case_id",
        "'{id}' 不是指标标识；应为 分类.小写标识",
        {"id": "Health"},
    ),
    "proposal_exists": Message(
        "{id} is in the catalog already; choose a new id",
        "{id} 已在目录中；请换一个新标识",
        {"id": "health.screenings"},
    ),
    "proposal_unknown_category": Message(
        "unknown category '{category}'; the catalog's are: {known:list}",
        "未知的分类 '{category}'；目录中的分类有：{known:list}",
        {"category": "sport", "known": ["employment", "health"]},
    ),
    # --- the CLI's summary lines (python -m metrics validate) -----------------------------------
    "summary_problems": Message(
        "{problems} problem(s) in {files} file(s); {valid} file(s) valid ({observations} observations)",
        "{files} 个文件共 {problems} 个问题；{valid} 个文件有效（{observations} 条观测值）",
        {"problems": 3, "files": 1, "valid": 8, "observations": 240},
    ),
    "summary_ok": Message(
        "ok: {cities} city file(s), {observations} observations, every quote found in its source",
        "通过：{cities} 个城市文件，{observations} 条观测值，每句引文都在原文中找到",
        {"cities": 9, "observations": 240},
    ),
}

# Why a file could not be read (metrics.yamlio.os_code): never the system's text, which names paths.
OS_REASONS: dict[str, tuple[str, str]] = {
    "ENOENT": ("it does not exist", "文件不存在"),
    "EACCES": ("permission denied", "没有读取权限"),
    "EISDIR": ("it is a folder, not a file", "这是文件夹，不是文件"),
    "ENAMETOOLONG": ("its name is too long", "文件名太长"),
    "ELOOP": ("its path loops (symbolic links)", "路径中的符号链接形成循环"),
    "EIO": ("the disk reported an input/output error", "磁盘读写出错"),
    "ENOSPC": ("the disk is full", "磁盘已满"),
    "EROFS": ("the file system is read-only", "文件系统为只读"),
    "EMFILE": ("too many files are open", "打开的文件太多"),
    "changing": (
        "it kept changing while it was read (is it still being written?); save it again or wait a moment",
        "读取时文件一直在变化（是否仍在写入？）；请重新保存或稍候再试",
    ),
}

# What a value should be (pydantic's error types, metrics.load): a word, or a word and a bound.
EXPECTED: dict[str, tuple[str, str]] = {
    "string": ("a valid string", "文本"),
    "number": ("a valid number", "数字"),
    "finite_number": ("a finite number", "有限的数"),
    "integer": ("a valid integer", "整数"),
    "boolean": ("a valid boolean", "true 或 false"),
    "mapping": ("a valid dictionary", "“键: 值”形式的映射"),
    "list": ("a valid list", "列表"),
    "date": ("a valid date", "有效日期（YYYY-MM-DD）"),
    "ge": ("greater than or equal to {0}", "大于或等于 {0} 的数"),
    "gt": ("greater than {0}", "大于 {0} 的数"),
    "le": ("less than or equal to {0}", "小于或等于 {0} 的数"),
    "lt": ("less than {0}", "小于 {0} 的数"),
}

# The words of what a file, an upload or an article is, in messages.
_WHAT = {"file": ("the file", "文件"), "article": ("the article", "文章"), "city_file": ("the city file", "城市文件")}

# PyYAML's own problems, as it words them, in Chinese (the English is kept for any other).
_YAML_PROBLEMS = {
    "mapping values are not allowed here": "此处不能出现“键: 值”（冒号后的值是否缺少引号，或缩进有误？）",
    "mapping values are not allowed in this context": "此处不能出现“键: 值”（含“: ”的文字是否缺少引号，或缩进有误？）",
    "found a tab character that violates indentation": "出现了制表符（Tab）；YAML 只能用空格缩进",
    "found character that cannot start any token": "出现了不能作为开头的字符（如 Tab、@ 或 `）；请加引号或删去",
    "block sequence entries are not allowed in this context": "此处不能出现列表项 '-'（缩进是否对齐？）",
    "did not find expected node content": "此处缺少应有的值",
    "did not find expected <document start>": "找不到文档开头（文件开头是否多了内容？）",
    "found unknown escape character": "双引号文字中有未知的转义字符（\\）；请改用单引号或去掉反斜杠",
    "found unexpected ':'": "出现了多余的冒号 ':'；含冒号的文字请加引号",
    "could not find expected ':'": "找不到应有的冒号 ':'",
    "found character '\\t' that cannot start any token": "出现了制表符（Tab）；YAML 只能用空格缩进",
    "did not find expected key": "找不到应有的键（缩进是否对齐？）",
    "did not find expected '-' indicator": "找不到应有的列表项 '-'（缩进是否对齐？）",
    "expected <block end>, but found '<block mapping start>'": "缩进有误：此处的键比上一层多缩进了",
    "expected <block end>, but found '-'": "缩进有误：列表项 '-' 与上一层没有对齐",
    "found unexpected end of stream": "文件意外结束",
    "found undefined alias": "引用了未定义的别名",
    "invalid YAML": "无效的 YAML",
}
_YAML_CONTEXTS = {
    "while scanning a simple key": "读取一个键时",
    "while parsing a block mapping": "读取“键: 值”映射时",
    "while parsing a block collection": "读取列表时",
    "while scanning a quoted scalar": "读取带引号的文字时",
    "while parsing a flow mapping": "读取 {…} 映射时",
    "while parsing a flow sequence": "读取 […] 列表时",
    "while scanning a plain scalar": "读取文字时",
    "while scanning a block scalar": "读取多行文字时",
    "while scanning an anchor": "读取锚点（&）时",
    "while scanning an alias": "读取别名（*）时",
    "while parsing a block node": "读取一个值时",
    "while parsing a flow node": "读取一个值时",
    "while scanning a directive": "读取指令（%）时",
    "while parsing a node": "读取一个值时",
}

_QUOTE_WRITES = {
    "exact": ("writes no qualifier", "没有限定词"),
    "more_than": ("writes 余/多/超过", "写的是 余/多/超过"),
    "nearly": ("writes 近", "写的是 近"),
    "about": ("writes 约", "写的是 约"),
}


def os_words(reason: str, lang: str = "en") -> str:
    """Why a file could not be read (an OS_REASONS key, or an errno name the table lacks)."""
    if reason in OS_REASONS:
        return OS_REASONS[reason][lang == "zh"]
    return f"系统拒绝（{reason}）" if lang == "zh" else f"the system refused ({reason})"


def expected_words(tokens, lang: str) -> str:
    """What a value should be: ("number", "'unknown'") -> "a valid number or 'unknown'"."""
    words = []
    for token in tokens:
        kind, _, arg = str(token).partition(":")
        if kind in EXPECTED:
            words.append(EXPECTED[kind][lang == "zh"].format(arg))
        else:  # a literal, as pydantic lists them: 'a', 'b' or 'c'
            words.append(str(token).replace(", ", "、").replace(" or ", " 或 ") if lang == "zh" else str(token))
    text = (" 或 " if lang == "zh" else " or ").join(words)
    return f" {text}" if lang == "zh" and text[:1].isascii() else text


_MISSING = object()
_OPTIONAL = ("got", "for", "zh_indicator", "zh_paren", "yaml_context")  # a parameter a message may lack


class _Formatter(string.Formatter):
    def __init__(self, lang: str):
        self.lang = lang

    def get_value(self, key, args, kwargs):
        return kwargs.get(key, _MISSING) if isinstance(key, str) else super().get_value(key, args, kwargs)

    def format_field(self, value: Any, spec: str) -> str:
        if value is _MISSING:
            if spec not in _OPTIONAL:
                raise KeyError(f"a message lacks its parameter (spec {spec!r})")
            value = None
        zh = self.lang == "zh"
        if spec == "got":
            if value is None:
                return ""
            return ("（实际为空值）" if value == "None" else f"（实际为 {value}）") if zh else f" (got {value})"
        if spec == "plural":
            return "" if value == 1 else "s"
        if spec == "zh_indicator":
            return "该指标" if value is None else f"指标 {value}"
        if value is None:
            return ""
        if spec == "for":
            return f" for {value}"
        if spec == "zh_paren":
            return f"（指标 {value}）"
        if spec == "list":
            return ("、" if zh else ", ").join(str(v) for v in _items(value))
        if spec == "or":
            return (" 或 " if zh else " or ").join(str(v) for v in _items(value))
        if spec == "numbers":
            items = _items(value)
            return ("、" if zh else ", ").join(items) if items else ("无" if zh else "none")
        if spec == "measures":
            from metrics.units import MEASURE_NAMES

            names = [MEASURE_NAMES[m][0 if zh else 1] if m in MEASURE_NAMES else str(m) for m in _items(value)]
            return ("或" if zh else " or ").join(names)
        if spec == "os":
            return os_words(str(value), self.lang)
        if spec == "expected":
            return expected_words(_items(value), self.lang)
        if spec == "what":
            if str(value) in _WHAT:
                return _WHAT[str(value)][zh]
            return f"{value} " if zh else str(value)  # a file's name
        if spec == "yaml":
            return _YAML_PROBLEMS.get(str(value), str(value)) if zh else str(value)
        if spec == "yaml_context":
            return f"（{_YAML_CONTEXTS.get(str(value), str(value))}）" if zh else f" ({value})"
        if spec == "quote_writes":
            return _QUOTE_WRITES.get(str(value), (str(value), str(value)))[zh]
        if spec == "since_too":
            if value != "running_total":
                return ""
            return "，since: YYYY-MM-DD 或 unknown" if zh else ", since: YYYY-MM-DD or unknown"
        return super().format_field(value, spec)


def _items(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def render(code: str, params: dict[str, Any], lang: str = "en") -> str:
    """The message of `code` with `params`, in `lang` (zh or en; English for any other)."""
    message = MESSAGES.get(code)
    if message is None:  # never made by this code: a stored problem of another version
        return f"{code} {params}"
    return _Formatter(lang).vformat(message.zh if lang == "zh" else message.en, (), params)


def examples(lang: str) -> dict[str, str]:
    """Each code's example, rendered in `lang` (data/README.md shows them)."""
    return {code: render(code, m.example, lang) for code, m in MESSAGES.items()}


def markdown() -> str:
    """data/README.md's "Every message, by code": each code, its English and Chinese example."""
    en, zh = examples("en"), examples("zh")
    return "\n".join(f"- `{code}`: {en[code]}\n  <br>{zh[code]}" for code in MESSAGES) + "\n"


# Why the draft (metrics.draft) leaves a number out, shown on /editor beside each skipped number.
_DRAFT_REASONS = {
    "a change in percentage points, not a level": "百分点的变化，不是水平值",
    "a code or hotline number (12338)": "编号或热线号码（12338）",
    "a date": "日期",
    "a date, a time or a phone number": "日期、时间或电话号码",
    "a duration": "时长",
    "a multiple, not a level": "倍数，不是水平值",
    "a name or rank (二十大, 十大)": "名称或名次（二十大、十大）",
    "a percent change, not a level": "百分比变化，不是水平值",
    "a phone number or a code": "电话号码或编号",
    "a range (0~3岁, 4—5小时)": "范围（0~3岁、4—5小时）",
    "a rank": "名次",
    "a rank (500强)": "名次（500强）",
    "a rank (十佳)": "名次（十佳）",
    "a rate per head, household or period (每户, 人均), not a total": "按人、户或时段计的比率（每户、人均），不是总数",
    "a session number": "届次",
    "a session number (二十大, 十九届)": "届次（二十大、十九届）",
    "a single Chinese digit: names and set phrases write these (一户一策, 四敢, 两癌)": "单个汉字数字：名称和固定说法常这样写（一户一策、四敢、两癌）",
    "a time": "时间",
    "a word, not a number (万家, 亿万)": "是词语，不是数字（万家、亿万）",
    "a year": "年份",
    "a year or a duration": "年份或时长",
    "an age": "年龄",
    "an anniversary": "周年",
    "an ordinal (第…)": "序数（第…）",
    "digits separated by spaces (page furniture, not a figure)": "以空格隔开的数字（版面信息，不是数据）",
    "inside a name or title in quotation marks": "在引号或书名号内的名称中",
    "no measure word after a Chinese numeral": "汉字数字后没有量词",
    "no measure word and no noun after it": "后面既无量词也无名词",
    "part of a code or a name with letters": "编号或带字母名称的一部分",
    "part of a formula or a name (1+N)": "公式或名称的一部分（1+N）",
    "part of a set phrase": "固定说法的一部分",
    "zero": "零",
    "a plan or a target, not an outcome (将, 力争, 预计)": "计划或目标，不是成效（将、力争、预计）",
    "a target, not an outcome (…目标)": "目标值，不是成效（…目标）",
    "page furniture (来源: a count beside a web page's source line)": "网页版面信息（“来源”旁的数字）",
    "a heading repeating a figure of the text (the sentence's is proposed)": "标题重复正文中的数字（只提出正文句子中的那一处）",
}


def reason(text: str, lang: str) -> str:
    """Why the draft left a number out, in `lang` (the draft words its reasons in English)."""
    return _DRAFT_REASONS.get(text, text) if lang == "zh" else text
