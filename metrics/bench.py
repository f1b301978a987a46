"""Benchmark of the data layer on synthetic cities (python -m metrics bench).

Writes N valid city files (about 100 observations each, with source texts) to a temporary
folder, using the real catalog, then measures:
  parse_floor_s  reading and parsing every city file with PyYAML's C loader, nothing else;
  build_s        what a server does with a data folder it has never seen: the full
                 validate-and-load (strict YAML, models, quotes found in sources, numbers and
                 qualifiers checked, shared with helper processes) and the DuckDB snapshot the
                 pages read (metrics.cache); inline_build_s, for information, the same in one
                 process without a cache (load.load_all + load.build_database);
  query_*_ms     the page queries on that snapshot, read-only as the pages read it, each run
                 many times on its own cursor.
"""

from __future__ import annotations

import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from metrics import cache, load, queries

_CN_PLACES = "东南西北中上下新安平宁和兴永长清丰阳山河湖海江城"
_VERBS = ("开展", "举办", "组织", "完成", "推动", "建成")


def _city_text(n: int, catalog, observations: int, rng: random.Random) -> tuple[str, str]:
    """A synthetic city file and its article; every quote is a sentence of the article."""
    city_id = f"city{n:04d}"
    count_indicators = [(iid, ind) for iid, ind in catalog.indicators.items() if ind.unit == "count"]
    sentences, obs_lines = [], []
    for k in range(observations):
        iid, ind = count_indicators[k % len(count_indicators)]
        part = k // len(count_indicators)
        value = rng.randint(1, 50_000)
        unit = ind.accepts[0]
        more = rng.random() < 0.3
        place = _CN_PLACES[(n + k) % len(_CN_PLACES)] + _CN_PLACES[(n * 7 + k) % len(_CN_PLACES)]
        quote = f"{place}{_VERBS[k % len(_VERBS)]}{ind.name.zh}第{k}项{value}{'余' if more else ''}{unit}"
        sentences.append(quote + "。")
        obs_lines.append(
            f"  - indicator: {iid}\n    value: {value}\n    unit: {unit}\n"
            + ("    qualifier: more_than\n" if more else "")
            + f"    report: {city_id}-2023\n    quote: {quote}\n"
            + ("    level: prefecture\n" if ind.by_level else "")
            + (
                f"    breakdown: {{zh: 第{part}部分, en: part {part}}}\n"
                if part or k + len(count_indicators) < observations
                else ""
            )
        )
    city = (
        f"id: {city_id}\nname: {{zh: 测试{n}市, en: Test city {n}}}\nprovince: {{zh: 测试省, en: Test}}\n"
        "level: prefecture\nparent: null\n"
        f"population:\n  value: {rng.randint(300_000, 9_000_000)}\n  year: 2020\n  basis: census\n"
        "  source: synthetic\n  verified: true\n"
        f"reports:\n  {city_id}-2023:\n    title: {{zh: 测试报告{n}, en: Test report {n}}}\n"
        "    publisher: 测试\n    published: 2024-01-15\n    period: {start: 2023-01-01, end: 2023-12-31}\n"
        f"    source: sources/{city_id}-2023.txt\n"
        "observations:\n" + "".join(obs_lines)
    )
    article = "发布者 Publisher: 测试\n---\n" + "".join(sentences) + "\n"
    return city, article


def write_synthetic(folder: Path, n_cities: int, observations: int, seed: int = 7) -> int:
    """Writes a data folder of synthetic cities beside a copy of the real catalog; returns #obs."""
    catalog = load.load_catalog(load.DATA_DIR / "catalog.yaml")
    (folder / "cities").mkdir(parents=True)
    (folder / "sources").mkdir()
    shutil.copy(load.DATA_DIR / "catalog.yaml", folder / "catalog.yaml")
    rng = random.Random(seed)
    for n in range(n_cities):
        city, article = _city_text(n, catalog, observations, rng)
        (folder / "cities" / f"city{n:04d}.yaml").write_text(city, encoding="utf-8")
        (folder / "sources" / f"city{n:04d}-2023.txt").write_text(article, encoding="utf-8")
    return n_cities * observations


_PROVINCES = [
    ("山东省", "Shandong"),
    ("江苏省", "Jiangsu"),
    ("安徽省", "Anhui"),
    ("河南省", "Henan"),
    ("河北省", "Hebei"),
    ("浙江省", "Zhejiang"),
    ("广东省", "Guangdong"),
    ("四川省", "Sichuan"),
    ("湖北省", "Hubei"),
    ("湖南省", "Hunan"),
    ("江西省", "Jiangxi"),
    ("福建省", "Fujian"),
    ("山西省", "Shanxi"),
    ("陕西省", "Shaanxi"),
    ("辽宁省", "Liaoning"),
    ("吉林省", "Jilin"),
    ("黑龙江省", "Heilongjiang"),
    ("云南省", "Yunnan"),
    ("贵州省", "Guizhou"),
    ("甘肃省", "Gansu"),
    ("广西壮族自治区", "Guangxi"),
    ("内蒙古自治区", "Inner Mongolia"),
    ("新疆维吾尔自治区", "Xinjiang"),
    ("海南省", "Hainan"),
    ("青海省", "Qinghai"),
    ("宁夏回族自治区", "Ningxia"),
    ("西藏自治区", "Tibet"),
]


def copied_city(
    text: str, template: str, city_id: str, reports: list[str], name: tuple[str, str], province: tuple[str, str]
) -> str:
    """A city file's text under a new id, name and province (zh, en), its report ids renamed from
    `template`'s to the new id's (sources/<report>.txt with them): a copy every cross-file rule
    accepts beside the original (the benchmarks' and the layout tests' many cities)."""
    for report in reports:
        text = text.replace(report, report.replace(template, city_id, 1))
    out = []
    for line in text.splitlines(keepends=True):
        if line.startswith("id: "):
            line = f"id: {city_id}\n"
        elif line.startswith("name: "):
            line = f"name: {{zh: {name[0]}, en: {name[1]}}}\n"
        elif line.startswith("province: "):
            line = f"province: {{zh: {province[0]}, en: {province[1]}}}\n"
        out.append(line)
    return "".join(out)


def write_copies(folder: Path, n_copies: int, source: Path = load.DATA_DIR, template: str = "zibo") -> int:
    """A national edition for benchmarks: the data folder `source` plus `n_copies` copies of one
    of its city files under new ids (sample1, sample2, ...), names, provinces, report ids and
    source files, so that every cross-file rule holds. Returns the number of city files."""
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("README.md", "*.md"))
    text = (folder / "cities" / f"{template}.yaml").read_text(encoding="utf-8")
    sources = {p.stem: p.read_bytes() for p in sorted((folder / "sources").glob(f"{template}-*.txt"))}
    for k in range(1, n_copies + 1):
        city_id = f"sample{k}"
        province_zh, province_en = _PROVINCES[k % len(_PROVINCES)]
        copy = copied_city(
            text, template, city_id, list(sources), (f"样本{k}市", f"Sample {k}"), (province_zh, province_en)
        )
        (folder / "cities" / f"{city_id}.yaml").write_text(copy, encoding="utf-8")
        for report, raw in sources.items():
            (folder / "sources" / f"{report.replace(template, city_id, 1)}.txt").write_bytes(raw)
    return len(load.city_files(folder))


def _best_of(repeats: int, func) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def run(n_cities: int, observations_per_city: int = 100, query_runs: int = 200, repeats: int = 3) -> dict:
    """Runs the benchmark and returns what it measured."""
    with tempfile.TemporaryDirectory(prefix="metrics-bench-") as tmp:
        folder = Path(tmp) / "data"
        n_obs = write_synthetic(folder, n_cities, observations_per_city)
        files = load.city_files(folder)

        def parse_floor():
            for path in files:
                yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

        def cold_build():
            # what a server does on a data folder it has never seen: validate every file (with
            # helper processes), load, derive, write the snapshot (metrics.cache)
            target = Path(tempfile.mkdtemp(prefix="cache-", dir=tmp))
            return cache.open_snapshot(folder, target)

        def inline_build():
            dataset = load.load_all(folder)
            load.build_database(dataset).close()
            return dataset

        parse_s, _ = _best_of(repeats, parse_floor)
        build_s, snapshot = _best_of(repeats, cold_build)
        inline_s, dataset = _best_of(1, inline_build)
        if dataset.problems or snapshot.failed_files:
            raise RuntimeError(f"synthetic data did not validate: {dataset.problems[:1]}")
        con = snapshot.con  # the snapshot as the pages read it (read-only)
        loaded = con.execute("SELECT count(*) FROM observations").fetchone()[0]

        rng = random.Random(11)
        city_ids = [r[0] for r in con.execute("SELECT city_id FROM cities ORDER BY city_id").fetchall()]
        category_ids = list(dataset.catalog.categories)
        indicator_ids = list(dataset.catalog.indicators)
        max_obs = loaded
        page_queries = {
            "compare_category": lambda cur: queries.compare_category(
                cur, rng.choice(category_ids), rng.sample(city_ids, min(5, len(city_ids)))
            ),
            "city_profile": lambda cur: queries.city_profile(cur, rng.choice(city_ids)),
            "indicator_across_cities": lambda cur: queries.indicator_across_cities(cur, rng.choice(indicator_ids)),
            "coverage": lambda cur: queries.coverage(cur),
            "cities": lambda cur: queries.cities(cur),
            "source_passage": lambda cur: queries.source_passage(cur, rng.randint(1, max_obs)),
        }
        timings: dict[str, list[float]] = {name: [] for name in page_queries}
        for _ in range(query_runs):
            for name, query in page_queries.items():
                start = time.perf_counter()
                with con.cursor() as cur:
                    query(cur)
                timings[name].append((time.perf_counter() - start) * 1000)
        all_ms = [t for values in timings.values() for t in values]
        con.close()
    return {
        "cities": n_cities,
        "observations": loaded,
        "observations_written": n_obs,
        "parse_floor_s": round(parse_s, 4),
        "build_s": round(build_s, 4),
        "build_over_floor": round(build_s / parse_s, 2),
        "inline_build_s": round(inline_s, 4),
        "workers": cache.workers(),
        "query_median_ms": round(statistics.median(all_ms), 3),
        "query_p95_ms": round(sorted(all_ms)[int(0.95 * (len(all_ms) - 1))], 3),
        "query_runs": query_runs,
        **{f"query_{name}_median_ms": round(statistics.median(v), 3) for name, v in timings.items()},
        **{f"query_{name}_p95_ms": round(sorted(v)[int(0.95 * (len(v) - 1))], 3) for name, v in timings.items()},
    }


def describe(result: dict) -> str:
    """The measurements as readable lines."""
    lines = [
        f"synthetic cities:      {result['cities']} ({result['observations']} observations)",
        f"parse floor (C YAML):  {result['parse_floor_s']:.3f} s",
        f"validate + load + db:  {result['build_s']:.3f} s  ({result['build_over_floor']}x the floor; target <= 1.6x)"
        f"  [the cache's cold build, {result['workers']} process(es); in one process, load_all + build_database:"
        f" {result['inline_build_s']:.3f} s]",
        f"page queries:          median {result['query_median_ms']:.2f} ms, p95 {result['query_p95_ms']:.2f} ms "
        f"over {result['query_runs']} runs each (target p95 <= 20 ms)",
    ]
    for key, value in result.items():
        if key.startswith("query_") and key.endswith("_median_ms") and key != "query_median_ms":
            name = key[6:-10]
            lines.append(f"  {name:<24} median {value:6.2f} ms, p95 {result[f'query_{name}_p95_ms']:6.2f} ms")
    return "\n".join(lines)
