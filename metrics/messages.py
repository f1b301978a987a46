"""The validator's messages (and the draft's reasons) in Chinese, for the editors and planners
who read them on screen.

The loader words every problem in English (`metrics.load.Problem`: "field.path: what is wrong;
what is expected"), which is what the CLI prints and the tests check. `translate(message, "zh")`
gives the same message in Chinese: the field path stays as written in the file (it names YAML
keys), the rest is matched against one pattern per kind of message and rewritten, keeping every
quoted value (keys, units, numbers, quotes) as it was. A message no pattern knows is returned
in English rather than guessed at; tests/test_load.py checks that every problem its bad files
produce has a Chinese wording, tests/test_draft.py every reason the draft gives on the seeds.
"""

from __future__ import annotations

import re

# What pydantic says a value should be ("Input should be ..."), in Chinese.
_EXPECTED = [
    (re.compile(r"a valid string"), "文本"),
    (re.compile(r"a valid number"), "数字"),
    (re.compile(r"a valid integer"), "整数"),
    (re.compile(r"a valid boolean"), "true 或 false"),
    (re.compile(r"a valid dictionary"), "“键: 值”形式的映射"),
    (re.compile(r"a valid list"), "列表"),
    (re.compile(r"a valid date"), "有效日期（YYYY-MM-DD）"),
    (re.compile(r"greater than or equal to (\S+)"), r"大于或等于 \1 的数"),
    (re.compile(r"greater than (\S+)"), r"大于 \1 的数"),
    (re.compile(r"less than or equal to (\S+)"), r"小于或等于 \1 的数"),
]


def _expected(text: str) -> str:
    """pydantic's "a valid number or 'unknown'" / "'a', 'b' or 'c'" in Chinese."""
    for pattern, zh in _EXPECTED:
        text = pattern.sub(zh, text)
    text = text.replace(", ", "、").replace(" or ", " 或 ")
    return f" {text}" if text[:1].isascii() else text


def _got(value: str) -> str:
    """pydantic's "(got None)" / "(got 'x')" in Chinese; "" when there was none."""
    return f"（实际为{'空值' if value == 'None' else ' ' + value}）" if value else ""


def _measure_zh(english: str) -> str:
    """ "households" / "persons or sites or units" in Chinese (metrics.units.MEASURE_NAMES)."""
    from metrics.units import MEASURE_NAMES

    by_en = {en: zh for zh, en in MEASURE_NAMES.values()}
    by_id = {key: zh for key, (zh, _) in MEASURE_NAMES.items()}
    parts = [p.strip() for p in english.split(" or ")]
    out, i = [], 0
    while i < len(parts):  # "sites or units" is one English name with " or " inside
        two = f"{parts[i]} or {parts[i + 1]}" if i + 1 < len(parts) else None
        if two and two in by_en:
            out.append(by_en[two])
            i += 2
            continue
        out.append(by_en.get(parts[i], by_id.get(parts[i], parts[i])))
        i += 1
    return "或".join(out)


def _listed(groups: list[str]) -> tuple[str | None, list[str]]:
    return None, [groups[0], groups[1].replace(", ", "、"), groups[2]]


def _qualifier(groups: list[str]) -> tuple[str | None, list[str]]:
    if groups[1] == "no qualifier":
        return "qualifier 为 {0}，但引文在 {2} 前后没有限定词；qualifier 应为 {3}", groups
    return None, groups


# (English body, Chinese template[, fix]): groups are carried over in order as {0}, {1}, ...; a
# fix rewrites them first, and may give another template: groups -> (template or None, groups).
_RULES: list[tuple] = [
    # YAML, as read by metrics.yamlio
    (
        r"YAML syntax: the quote (.) opened here is never closed \(the parser ran on to line (\d+)\); close it with (.) on this line",
        "YAML 语法错误：此处开始的引号 {0} 没有闭合（解析一直读到第 {1} 行）；请在本行用 {2} 闭合",
    ),
    (
        r"YAML syntax: the (.) opened here is not closed before line (\d+); close it with (.)",
        "YAML 语法错误：此处开始的 {0} 在第 {1} 行之前没有闭合；请用 {2} 闭合",
    ),
    (r"YAML syntax: (.+)", "YAML 语法错误：{0}"),
    (r"aliases \(\*name\) are not allowed; write the value out in full", "不允许使用别名（*name）；请把值完整写出"),
    (r"merge keys \(<<\) are not allowed; write the keys out in full", "不允许使用合并键（<<）；请把各个键完整写出"),
    (r"a key must be a plain word", "键必须是普通的词"),
    (r"expected a mapping of key: value pairs", "此处应为“键: 值”形式的映射"),
    (r"duplicate key '(.+)'; each key may appear once in a mapping", "键 '{0}' 重复；同一映射中每个键只能出现一次"),
    (
        r"'(.+)' would be read as a yes/no value; write true or false, or quote it if it is text",
        "'{0}' 会被读成是/否值；请写 true 或 false，若是文字请加引号",
    ),
    (
        r"'(.+)' has a leading zero, which YAML 1\.1 reads as octal; write (.+) or quote it",
        "'{0}' 以 0 开头，YAML 1.1 会把它读成八进制数；请写成 {1}，或加引号",
    ),
    (r"'(.+)' would be read as a base-60 number; quote it if it is text", "'{0}' 会被读成六十进制数；若是文字请加引号"),
    (r"'(.+)': write numbers in decimal", "'{0}'：数字请用十进制书写"),
    (r"'(.+)' is not a valid date \((.+)\); write YYYY-MM-DD", "'{0}' 不是有效日期（{1}）；请写成 YYYY-MM-DD"),
    (
        r"file is larger than (\d+) MB; (?:expected a city file|split it or remove what is not data)",
        "文件超过 {0} MB；城市文件不应这么大，请拆分或删去非数据内容",
    ),
    (r"file is not UTF-8 \(byte (\d+)\); save it as UTF-8", "文件不是 UTF-8 编码（第 {0} 字节）；请另存为 UTF-8"),
    (
        r"the file is ([\d,]+) bytes; the limit is ([\d,]+) bytes \(([\d.]+) MB\); a city file is far smaller",
        "文件为 {0} 字节，上限为 {1} 字节（{2} MB）；城市文件远比这小",
    ),
    (
        r"the article is ([\d,]+) bytes; the limit is ([\d,]+) bytes \(([\d.]+) MB\)",
        "文章为 {0} 字节，上限为 {1} 字节（{2} MB）",
    ),
    (
        r"(.+) is ([\d,]+) bytes; the limit is ([\d,]+) bytes \(([\d.]+) MB\)",
        "{0} 为 {1} 字节，上限为 {2} 字节（{3} MB）",
    ),
    (r"(.+) is not UTF-8 text \(byte (\d+)\); save it as UTF-8", "{0} 不是 UTF-8 文本（第 {1} 字节）；请另存为 UTF-8"),
    (r"cannot read the file: (.+)", "无法读取文件：{0}", lambda g: (None, [os_reason(g[0])])),
    # the file's shape
    (
        r"a city file is a mapping with id, name, \.\.\., observations; see data/README\.md",
        "城市文件应是包含 id、name……observations 等键的映射；见 data/README.md",
    ),
    (r"id '(.+)' differs from the file name; expected '(.+)'", "id '{0}' 与文件名不一致；应为 '{1}'"),
    (
        r"unknown key '(.+)'; check its spelling against data/README\.md",
        "未知的键 '{0}'；请对照 data/README.md 检查拼写",
    ),
    (r"missing key '(.+)'", "缺少键 '{0}'"),
    # a proposed catalog indicator (metrics.preview.propose_indicator)
    (
        r"a proposal is one indicator: `category\.id:` and its fields",
        "一条提议只写一个指标：`分类.标识:` 及其字段",
    ),
    (r"'(.+)' is not an indicator id; expected category\.lower_case_id", "'{0}' 不是指标标识；应为 分类.小写标识"),
    (r"(\S+) is in the catalog already; choose a new id", "{0} 已在目录中；请换一个新标识"),
    (r"unknown category '(.+)'; the catalog's are: (.+)", "未知的分类 '{0}'；目录中的分类有：{1}"),
    # reports and their sources
    (r"(\S+) does not exist under data/", "data/ 下没有文件 {0}"),
    (
        r"(\S+) cannot be read \((.+)\) under data/",
        "data/ 下的文件 {0} 无法读取（{1}）",
        lambda g: (None, [g[0], os_reason(g[1])]),
    ),
    (r"(\S+) is not UTF-8 under data/", "data/ 下的 {0} 不是 UTF-8 编码"),
    (
        r"(\S+) has no header ended by a line '---'; see data/README\.md",
        "{0} 缺少以一行 '---' 结束的文件头；见 data/README.md",
    ),
    (
        r"published is unknown: add published_note saying how the date was inferred",
        "published 为 unknown：请添加 published_note，说明日期是如何推断的",
    ),
    (
        r"period starts (\S+) after it ends (\S+); expected start <= end",
        "时期开始于 {0}，晚于结束日期 {1}；开始日期不能晚于结束日期",
    ),
    # observations
    (
        r"unknown indicator '(.+)'; did you mean '(.+)'\? \(see data/catalog\.yaml\)",
        "未知指标 '{0}'；是不是 '{1}'？（见 data/catalog.yaml）",
    ),
    (r"unknown indicator '(.+)' \(see data/catalog\.yaml\)", "未知指标 '{0}'（见 data/catalog.yaml）"),
    (r"unknown report '(.+)'; this file's reports are: (.+)", "未知报告 '{0}'；本文件的报告有：{1}"),
    (
        r"unit '(.+)' does not fit this indicator; expected one of (.+) \(optionally with 万 or 亿\) for (\S+)",
        "单位 '{0}' 不适用于指标 {2}；应为 {1} 之一（可带 万 或 亿）",
        _listed,
    ),
    (
        r"unit '(.+)' is not money; expected 元, 万元 or 亿元 for (\S+)",
        "单位 '{0}' 不是金额单位（指标 {1}）；应为 元、万元 或 亿元",
    ),
    (r"unit '(.+)' is not a percentage; expected % for (\S+)", "单位 '{0}' 不是百分比（指标 {1}）；应为 %"),
    (r"a percentage is at most 100 \(got (.+)\)", "百分比不能超过 100（实际为 {0}）"),
    (
        r"quote not found in the source text; copy it from the article \(simplified characters are fine\)",
        "原文中找不到这句引文；请从文章中复制（用简体字也可以）",
    ),
    (
        r"quote not found in the source text: it matches up to '(.*)' and then the article differs at '(.*)'; "
        r"copy the clause verbatim",
        "原文中找不到这句引文：与原文一致到 '{0}'，从 '{1}' 起与原文不同；请逐字复制该分句",
    ),
    (
        r"value (.+) is not in the quote \(numbers in the quote: (.+)\); expected the number and unit as the "
        r"article writes them",
        "引文中没有数值 {0}（引文中的数字：{1}）；请按文章的写法填写数字和单位",
        lambda g: (None, [g[0], "无" if g[1] == "none" else g[1]]),
    ),
    (
        r"qualifier is (\S+) but the quote writes (.+) before or after (.+); expected qualifier: (\S+)",
        "qualifier 为 {0}，但引文在 {2} 前后写的是 {1}；qualifier 应为 {3}",
        _qualifier,
    ),
    (
        r"same indicator, report, period and breakdown as the observation at line (\d+); give each part a "
        r"distinct breakdown or remove one",
        "与第 {0} 行的观测值指标、报告、时期和分项都相同；请给各分项不同的 breakdown 标签，或删去其中一条",
    ),
    (
        r"a value without breakdown stands beside parts of the same indicator, report and period \(line (\d+)\); "
        r"give it a breakdown label too, or remove it if it is their total",
        "同一指标、报告和时期已有分项（第 {0} 行），此值却没有 breakdown 标签；请也给它加上标签，若它是各分项之和则删去",
    ),
    (
        r"nested more than (\d+) levels deep here; a city file nests at most six \(observations, an "
        r"observation, its period\); close the brackets or fix the indentation",
        "此处嵌套超过 {0} 层；城市文件最多嵌套六层（observations、一条观测值、其 period）；请补全括号或修正缩进",
    ),
    (r"nested too deep to read; a city file nests at most (\d+) levels", "嵌套过深，无法读取；城市文件最多嵌套 {0} 层"),
    (
        r"character (\d+) is the invisible direction control (U\+[0-9A-F]{4}), which reverses the text "
        r"around it on screen; delete it",
        "第 {0} 个字符是不可见的文字方向控制符 {1}，会使周围的文字在屏幕上反向显示；请删除",
    ),
    # the comparability model (docs/model.md)
    (
        r"(\S+) counts (.+), but (\S+) counts (.+?) \(one axis, one kind of thing\); use (.+)",
        "{0} 计的是{1}，而 {2} 计的是{3}（一条坐标轴只放一种东西）；请改用 {4}",
        lambda g: (None, [g[0], _measure_zh(g[1]), g[2], _measure_zh(g[3]), g[4].replace(" or ", " 或 ")]),
    ),
    (
        r"(\S+) counts (.+), but (\S+) counts (.+?) \(one axis, one kind of thing\); "
        r"add a (\S+) indicator to data/catalog.yaml",
        "{0} 计的是{1}，而 {2} 计的是{3}（一条坐标轴只放一种东西）；请在 data/catalog.yaml 中新增一个计{4}的指标",
        lambda g: (None, [g[0], _measure_zh(g[1]), g[2], _measure_zh(g[3]), _measure_zh(g[4])]),
    ),
    (
        r"cumulative is replaced by tally: stock \(with as_of\) or tally: running_total \(with since and as_of\); "
        r"see docs/model.md",
        "cumulative 已由 tally 取代：存量写 tally: stock（加 as_of），累计数写 tally: running_total（加 since 和 as_of）；见 docs/model.md",
    ),
    (
        r"a text in both languages is \{zh: 中文, en: English\} \(both required\)",
        "双语文本应写成 {{zh: 中文, en: English}}（两种语言都必填）",
    ),
    (
        r"a note is \{zh: 中文说明, en: English note\} \(zh required, en optional\)",
        "编者注应写成 {{zh: 中文说明, en: English note}}（zh 必填，en 可选）",
    ),
    (
        r"(\S+) is counted by level: add level: national, provincial, prefecture or county",
        "{0} 按级别统计：请加 level: national（国家级）、provincial（省级）、prefecture（市级）或 county（县级）",
    ),
    (
        r"as_of and since belong to a stock or running total; expected tally: stock or running_total, "
        r"or no as_of/since for a flow",
        "as_of 和 since 只用于存量或累计数；请写 tally: stock 或 tally: running_total，当期数则不写 as_of/since",
    ),
    (
        r"a (stock|running_total) has as_of \(and since\), not period; expected as_of: YYYY-MM-DD(.*)",
        "{0} 用 as_of（和 since）表示日期，不用 period；应写 as_of: YYYY-MM-DD{1}",
        lambda g: (None, [g[0], "，since: YYYY-MM-DD 或 unknown" if g[1] else ""]),
    ),
    (
        r"tally is (\S+) but as_of is missing; expected as_of: YYYY-MM-DD \(the date it stands at\)",
        "tally 为 {0}，但缺少 as_of；应写 as_of: YYYY-MM-DD（该数所截至的日期）",
    ),
    (
        r"a stock stands on one date and has no since; expected tally: running_total if it accumulates",
        "存量只对应一个日期，没有 since；若是逐年累计的数，应写 tally: running_total",
    ),
    (
        r"a running total needs since: YYYY-MM-DD, or since: unknown when the article gives no start",
        "累计数需要 since: YYYY-MM-DD；原文没有起点时写 since: unknown",
    ),
    (r"since (\S+) is after as_of (\S+); expected since <= as_of", "since {0} 晚于 as_of {1}；应 since ≤ as_of"),
    (
        r"the denominator rule is the (\d+) census for every city \(got (\S+) (\d+)\); "
        r"expected year: \d+, basis: census, or leave population out",
        "人口分母的统一规则是{0}年人口普查（实际为 {1} {2}）；应写 year: {0}、basis: census，或不写 population",
    ),
    (
        r"period_inferred is true: add period_note saying how the period was inferred",
        "period_inferred 为 true：请加 period_note，说明时期是如何推断的",
    ),
    (
        r"city '(\S+)' is already defined in (\S+); expected one file per city \(add a year as a second report of that file\)",
        "城市“{0}”已在 {1} 中定义；每个城市只能有一个文件（新的年份请作为该文件的第二个报道加入）",
    ),
    (
        r"report id '(\S+)' is already used in (\S+); expected a report id of this city's own, such as (\S+)",
        "报道编号“{0}”已在 {1} 中使用；请给本市的报道起自己的编号，例如 {2}",
    ),
    (
        r"(\S+) is already the source of report '(\S+)' in (\S+); expected one source file per report",
        "{0} 已是 {2} 中报道“{1}”的原文；每个报道应有自己的原文文件",
    ),
    (
        r"(\S+) is already the source of report '(\S+)'; expected one source file per report",
        "{0} 已是报道“{1}”的原文；每个报道应有自己的原文文件",
    ),
    (
        r"accepts (.+), which do not count (\S+); expected only (.+) \(one indicator, one measure: docs/model.md\)",
        "accepts 中的 {0} 不是计{1}的量词；只能写 {2}（一个指标只计一种东西：docs/model.md）",
        lambda g: (None, [g[0], _measure_zh(g[1]), g[2]]),
    ),
    # pydantic's own wording (metrics.load keeps "(got ...)" after it)
    (r"Input should be (.+?)(?: \(got (.+)\))?", "应为{0}{1}", lambda g: (None, [_expected(g[0]), _got(g[1])])),
    (
        r"String should match pattern '(.+)'(?: \(got (.+)\))?",
        "格式不符，应匹配 '{0}'{1}",
        lambda g: (None, [g[0], _got(g[1])]),
    ),
    (
        r"String should have at least (\d+) characters?(?: \(got (.+)\))?",
        "至少应有 {0} 个字符{1}",
        lambda g: (None, [g[0], _got(g[1])]),
    ),
    (r"Field required", "缺少此键"),
]

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
}

# metrics.yamlio.os_reason's words.
_OS_REASONS = {
    "it does not exist": "文件不存在",
    "permission denied": "没有读取权限",
    "it is a folder, not a file": "这是文件夹，不是文件",
    "its name is too long": "文件名太长",
    "its path loops (symbolic links)": "路径中的符号链接形成循环",
    "the disk reported an input/output error": "磁盘读写出错",
    "the disk is full": "磁盘已满",
    "the file system is read-only": "文件系统为只读",
    "too many files are open": "打开的文件太多",
    "it kept changing while it was read (is it still being written?); save it again or wait a moment": (
        "读取时文件一直在变化（是否仍在写入？）；请重新保存或稍候再试"
    ),
}


def os_reason(reason: str) -> str:
    """metrics.yamlio.os_reason's words in Chinese."""
    if reason in _OS_REASONS:
        return _OS_REASONS[reason]
    match = re.fullmatch(r"the system refused \((\w+)\)", reason)
    return f"系统拒绝（{match.group(1)}）" if match else reason


_FIELD = re.compile(r"([A-Za-z0-9_.\-]+): (.+)\Z", re.DOTALL)

_COMPILED = [(re.compile(rule[0] + r"\Z", re.DOTALL), rule[1], rule[2] if len(rule) > 2 else None) for rule in _RULES]


def _body(body: str) -> str | None:
    for pattern, template, fix in _COMPILED:
        match = pattern.match(body)
        if match is None:
            continue
        groups = [g or "" for g in match.groups()]
        if fix is not None:
            other, groups = fix(groups)
            template = other or template
        return template.format(*groups)
    return None


def translate(message: str, lang: str) -> str:
    """`message` (the loader's English) in `lang`; unchanged when English or not known."""
    if lang != "zh":
        return message
    if message in _DRAFT_REASONS:
        return _DRAFT_REASONS[message]
    whole = _body(message)
    if whole is not None:
        return whole
    field = _FIELD.match(message)
    if field:
        body = _body(field.group(2))
        if body is not None:
            return f"{field.group(1)}：{body}"
    return message


def translated(message: str) -> bool:
    """Whether `translate` knows this message (tests use it to keep the table complete)."""
    return translate(message, "zh") != message
