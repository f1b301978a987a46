"""Command line: python -m metrics validate | build | export | bench (and the editor's commands).

validate [FILES...] [--lang en|zh]
                              check city files (all by default); located errors; exit 1 on any
build --out PATH.duckdb       write the database to a file, atomically
build --cache [DIR]           prebuild the snapshot the dashboard reads (metrics/cache.py)
export --format csv|json --out PATH|-
                              one row per observation, documented columns first
bench --cities N [--json]     synthetic cities: parse floor, full validate-and-load, page queries
draft ARTICLE --out PATH|-    propose observations from an article (see metrics/draft/)
new-city ID                   a commented template city file
draft-eval [--json]           measure the draft on the curated cities
messages                      every problem code with its example, in English and Chinese
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import duckdb

from metrics import cache, draft, load, messages, preview, queries, schema, yamlio
from metrics.problems import Problem


def _data_dir(args) -> Path:
    return Path(args.data).resolve() if args.data else load.DATA_DIR


def _load_or_exit(data_dir: Path, paths: list[Path] | None = None, lang: str = "en") -> load.Dataset:
    try:
        return load.load_all(data_dir, paths)
    except load.CatalogError as exc:
        for problem in exc.problems:
            print(problem.text(lang), file=sys.stderr)
        sys.exit(1)


def cmd_validate(args) -> int:
    data_dir = _data_dir(args)
    paths = [Path(f) for f in args.files] if args.files else None
    dataset = _load_or_exit(data_dir, paths, args.lang)
    for problem in dataset.problems:
        print(problem.text(args.lang), file=sys.stderr)
    n_obs = sum(len(c.observations) for c in dataset.cities.values())
    if dataset.problems:
        counts = {"problems": len(dataset.problems), "files": len(dataset.failed_files), "valid": len(dataset.cities)}
        print(messages.render("summary_problems", {**counts, "observations": n_obs}, args.lang), file=sys.stderr)
        return 1
    print(messages.render("summary_ok", {"cities": len(dataset.cities), "observations": n_obs}, args.lang))
    return 0


def cmd_messages(args) -> int:
    """Prints data/README.md's list of every message, by code (metrics.messages.markdown)."""
    sys.stdout.write(messages.markdown())
    return 0


def cmd_build_cache(args) -> int:
    folder = Path(args.cache) if args.cache else cache.cache_dir()
    try:
        snapshot = cache.open_snapshot(_data_dir(args), folder)
    except load.CatalogError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    with snapshot.con.cursor() as cur:
        problems = [Problem.from_row(row) for row in queries.problems(cur).itertuples()]
    snapshot.con.close()
    for problem in problems:
        print(problem, file=sys.stderr)
    for note in snapshot.notes:
        print(note, file=sys.stderr)
    print(cache.describe(snapshot), file=sys.stderr)
    if snapshot.path is None:
        return 1  # the cache folder could not be written: nothing was prebuilt
    return 1 if problems else 0


def cmd_build(args) -> int:
    if args.cache is not None:
        return cmd_build_cache(args)
    dataset = _load_or_exit(_data_dir(args))
    for problem in dataset.problems:
        print(problem, file=sys.stderr)
    out = Path(args.out).resolve()
    if out.is_dir():
        print(f"{args.out}: is a folder; expected a file path such as build/federation.duckdb", file=sys.stderr)
        return 1
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        # Build beside the target and rename: readers never see a half-written database, and a
        # failed or interrupted build leaves the previous file untouched and no temporary file.
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.stem}-", suffix=".duckdb", dir=out.parent)
    except OSError as exc:
        print(
            f"{args.out}: cannot write there ({yamlio.os_reason(exc)}); expected a writable file path",
            file=sys.stderr,
        )
        return 1
    tmp = Path(tmp_name)
    try:
        os.close(fd)
        tmp.unlink()  # DuckDB makes its own file
        con = duckdb.connect(str(tmp))
        try:
            load.build_database(dataset, con)
        finally:
            con.close()
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    n_obs = sum(len(c.observations) for c in dataset.cities.values())
    print(f"wrote {out}: {len(dataset.cities)} cities, {n_obs} observations", file=sys.stderr)
    return 1 if dataset.problems else 0


def cmd_export(args) -> int:
    dataset = _load_or_exit(_data_dir(args))
    for problem in dataset.problems:
        print(problem, file=sys.stderr)
    con = load.build_database(dataset)
    with con.cursor() as cur:
        frame = queries.export_rows(cur)
    for column in ("period_start", "period_end", "published"):
        frame[column] = frame[column].astype("string")
    if args.format == "csv":
        text = frame.to_csv(index=False)
    else:
        text = frame.to_json(orient="records", force_ascii=False, indent=1)
    if args.out == "-":
        sys.stdout.write(text)
    else:
        out = Path(args.out)
        tmp = out.with_name(f".{out.name}.tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, out)
        except OSError as exc:
            print(
                f"{args.out}: cannot write there ({yamlio.os_reason(exc)}); expected a writable file path",
                file=sys.stderr,
            )
            return 1
        finally:
            tmp.unlink(missing_ok=True)
        print(f"wrote {out}: {len(frame)} observations", file=sys.stderr)
    return 1 if dataset.problems else 0


def cmd_bench(args) -> int:
    from metrics import bench

    result = bench.run(args.cities, observations_per_city=args.observations, query_runs=args.runs)
    print(bench.describe(result))
    if args.json:
        print(json.dumps(result))
    return 0


def _fail(where: str, message: str) -> int:
    print(f"{where}:1:1: {message}", file=sys.stderr)
    return 2


def _not_an_id(where: str, value: str) -> int:
    return _fail(where, f"'{value}' is not a city id; expected lower-case letters, digits and _, e.g. suqian")


def read_article(path: Path) -> str:
    """Reads an article file as UTF-8; raises ValueError (UploadError) with a message for an editor."""
    return preview.decode_upload(path.read_bytes(), preview.MAX_ARTICLE_BYTES, "file")


def _write(text: str, out: str) -> str | None:
    """Writes to a file or standard output; returns an error message instead of raising."""
    if out == "-":
        sys.stdout.write(text)
        return None
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        return f"cannot write the output: {yamlio.os_reason(exc)}; expected a path in an existing folder, or -"
    return None


def cmd_draft(args) -> int:
    path = Path(args.article)
    try:
        raw = read_article(path)
    except OSError as exc:
        return _fail(args.article, f"cannot read the article: {yamlio.os_reason(exc)}")
    except ValueError as exc:
        return _fail(args.article, str(exc))
    if args.city and not schema.is_id(args.city):
        return _not_an_id("--city", args.city)
    try:
        catalog = load.load_catalog(_data_dir(args) / "catalog.yaml")
    except load.CatalogError as exc:
        print(exc, file=sys.stderr)
        return 1
    result = draft.draft(raw, catalog)
    text = (
        draft.to_csv(result)
        if args.format == "csv"
        else draft.to_yaml(result, catalog, args.city, path.name, args.lang)
    )
    problem = _write(text, args.out)
    if problem:
        return _fail(args.out, problem)
    n_ind = sum(1 for c in result.candidates if c.indicator)
    print(
        f"{len(result.candidates)} candidate(s), {n_ind} with a suggested indicator, "
        f"{len(result.skipped)} number(s) left out" + ("" if args.out == "-" else f"; wrote {args.out}"),
        file=sys.stderr,
    )
    return 0


def cmd_new_city(args) -> int:
    if not schema.is_id(args.id):
        return _not_an_id("new-city", args.id)
    out = args.out or str(_data_dir(args) / "cities" / f"{args.id}.yaml")
    if out != "-" and Path(out).exists():
        return _fail(out, "the file exists already; choose another id or --out")
    problem = _write(draft.city_template(args.id), out)
    if problem:
        return _fail(out, problem)
    if out != "-":
        print(f"wrote {out}; fill in every null, then run python -m metrics validate {out}", file=sys.stderr)
    return 0


def cmd_draft_eval(args) -> int:
    try:
        dataset = load.load_all(_data_dir(args))
    except load.CatalogError as exc:
        print(exc, file=sys.stderr)
        return 1
    for problem in dataset.problems:
        print(problem, file=sys.stderr)
    try:
        evaluation = draft.evaluate(dataset, args.reports)
    except ValueError as exc:
        return _fail("--reports", str(exc))
    print(evaluation.describe())
    if args.json:
        print(json.dumps(evaluation.figures()))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m metrics", description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="data folder (default: the project's data/)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check city files; exit 1 on any problem")
    p.add_argument("files", nargs="*", help="city files (default: every data/cities/*.yaml)")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the messages (default en; zh: 中文)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("build", help="write the DuckDB database to a file, or prebuild the dashboard's cache")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", help="PATH.duckdb")
    target.add_argument(
        "--cache",
        nargs="?",
        const="",
        metavar="DIR",
        help="write the snapshot the dashboard reads (metrics/cache.py) into DIR "
        "(default: FEDERATION_CACHE_DIR, else .cache/)",
    )
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("export", help="one row per observation as CSV or JSON")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--out", required=True, help="PATH, or - for standard output")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("messages", help="every problem code with its example in English and Chinese (data/README.md)")
    p.set_defaults(func=cmd_messages)

    p = sub.add_parser("bench", help="measure parse floor, validate-and-load and page queries")
    p.add_argument("--cities", type=int, default=300)
    p.add_argument("--observations", type=int, default=100, help="observations per synthetic city")
    p.add_argument("--runs", type=int, default=200, help="runs of each page query")
    p.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("draft", help="propose observations from an article, as a city file to edit or CSV")
    p.add_argument("article", help="the article as a UTF-8 text file")
    p.add_argument("--city", help="city id (lower-case pinyin, e.g. suqian)")
    p.add_argument("--format", choices=["yaml", "csv"], default="yaml")
    p.add_argument("--out", required=True, help="PATH, or - for standard output")
    p.add_argument("--lang", choices=("zh", "en"), default="en", help="language of the YAML's comments (zh: 中文)")
    p.set_defaults(func=cmd_draft)

    p = sub.add_parser("new-city", help="write a commented template city file")
    p.add_argument("id", help="city id (lower-case pinyin, e.g. suqian)")
    p.add_argument("--out", help="PATH or - (default: data/cities/ID.yaml; never overwrites)")
    p.set_defaults(func=cmd_new_city)

    p = sub.add_parser("draft-eval", help="measure the draft on the curated cities")
    p.add_argument(
        "--reports", nargs="+", metavar="ID", help="only these report ids (a fixed set; default: every report)"
    )
    p.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    p.set_defaults(func=cmd_draft_eval)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        _stopped(args.command, "interrupted (Ctrl-C)", "已中断（Ctrl-C）")
        return 130
    except OSError as exc:
        _stopped(args.command, yamlio.os_reason(exc), yamlio.os_reason(exc, "zh"))
        return 1
    except duckdb.Error as exc:
        full = "No space left on device" in str(exc)
        reason = "the disk is full" if full else f"the database could not be written ({type(exc).__name__})"
        _stopped(args.command, reason, "磁盘已满" if full else f"无法写入数据库（{type(exc).__name__}）")
        return 1
    except MemoryError:
        _stopped(args.command, "out of memory", "内存不足")
        return 1


def _stopped(command: str, reason: str, reason_zh: str) -> None:
    """The one message of a command stopped by the system (a signal, a full disk): what happened,
    in English and Chinese, and that nothing was written (every output is written to a temporary
    file first and renamed at the end; the temporary file is removed on the way out)."""
    print(f"{command}: stopped: {reason}; nothing was written", file=sys.stderr)
    print(f"{command}：已停止：{reason_zh}；未写入任何文件", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
