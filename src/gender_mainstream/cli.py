"""Command line: thin argument handling around the library (`gender-mainstream --help`).

Heavy modules (pydantic models, spaCy, PDF and Word readers) are imported inside the command
handlers, so `--help` and argument errors stay fast.
"""

from __future__ import annotations

import argparse
import enum
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from gender_mainstream._version import __version__

if TYPE_CHECKING:
    from gender_mainstream.model import Report

__all__ = ["ExitStatus", "main"]

PROG = "gender-mainstream"


class ExitStatus(enum.IntEnum):
    """Documented exit codes (DESIGN.md §3.1)."""

    OK = 0  # no finding at or above --fail-on
    FINDINGS = 1  # findings at or above --fail-on
    INPUT = 2  # usage error, unreadable input, invalid rule file
    INTERNAL = 3  # a bug: rerun with --debug and report it


_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgKMG]?)[iI]?[bB]?\s*$")


def _size(text: str) -> int:
    m = _SIZE_RE.match(text)
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (use e.g. 20M, 500K, 1G)")
    factor = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[m.group(2).lower()]
    size = int(float(m.group(1)) * factor)
    if size <= 0:
        raise argparse.ArgumentTypeError(f"the size must be positive: {text!r}")
    return size


def _add_input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--password", help="password of an encrypted PDF")
    p.add_argument(
        "--max-bytes",
        type=_size,
        default=None,
        metavar="SIZE",
        help="refuse files larger than SIZE (default 32M; suffixes K, M, G)",
    )
    p.add_argument(
        "--ocr",
        action="store_true",
        help="read scanned PDF pages with Tesseract (needs tesseract-ocr-vie)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser (also used to generate the CLI reference)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Review Vietnamese government documents (kế hoạch, nghị quyết, quyết định, …) for "
            "gender mainstreaming (lồng ghép giới), discriminatory provisions and stereotyping "
            "language."
        ),
        epilog="Exit codes: 0 no findings at or above --fail-on; 1 findings; 2 usage or "
        "unreadable input; 3 internal error.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    review = sub.add_parser("review", help="review files (.txt, .docx, .pdf)")
    review.add_argument("files", nargs="+", metavar="FILE")
    review.add_argument(
        "--format",
        choices=["text", "json", "html", "md", "csv", "sarif", "opinion"],
        default="text",
        help="output format (default text); opinion: a draft ý kiến thẩm định, as Word when "
        "-o ends in .docx, else Markdown",
    )
    review.add_argument(
        "--annotate",
        metavar="OUT.docx",
        help="also write the document as .docx with a Word comment on each finding",
    )
    review.add_argument("-o", "--output", metavar="OUT", help="write the output to OUT")
    review.add_argument(
        "--rules", action="append", default=[], metavar="DIR", help="extra rule folder (repeatable)"
    )
    review.add_argument(
        "--fail-on",
        choices=["error", "warning", "info", "never"],
        default="error",
        help="exit 1 if a finding has at least this severity (default error)",
    )
    review.add_argument(
        "--suppress",
        metavar="FILE",
        help="YAML file of findings to silence, each with a reason (kept in the output)",
    )
    review.add_argument("-q", "--quiet", action="store_true", help="text format: summary only")
    _add_input_options(review)

    batch = sub.add_parser(
        "batch",
        help="review a folder tree in parallel: results.jsonl, summaries, dashboard",
        description="Review every .txt/.docx/.pdf (and .doc with LibreOffice) under PATH in "
        "worker processes. Results go to OUTDIR/results.jsonl one line per document as they "
        "finish; a killed run keeps every finished line and --resume continues it.",
    )
    batch.add_argument("paths", nargs="+", metavar="PATH")
    batch.add_argument("-o", "--output", required=True, metavar="OUTDIR")
    batch.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="worker processes (default: cores)"
    )
    batch.add_argument("--resume", action="store_true", help="continue an interrupted run")
    batch.add_argument("--rules", action="append", default=[], metavar="DIR")
    batch.add_argument("--suppress", metavar="FILE")
    batch.add_argument(
        "--no-html", action="store_true", help="do not write one HTML report per document"
    )
    batch.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="give up on a document after this long (default 600; 0: never)",
    )
    batch.add_argument(
        "--executor",
        choices=["local", "dask"],
        default="local",
        help="local worker processes, or a Dask cluster (pip install 'gender-mainstream"
        "[distributed]')",
    )
    batch.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://h:8786")
    _add_input_options(batch)

    parse = sub.add_parser("parse", help="show the parsed document structure")
    parse.add_argument("file", metavar="FILE")
    parse.add_argument("--format", choices=["text", "json"], default="text")
    _add_input_options(parse)

    rules = sub.add_parser("rules", help="list, test, explain or document the rules")
    rules_sub = rules.add_subparsers(dest="rules_command", metavar="ACTION")
    rl = rules_sub.add_parser("list", help="list the rules")
    rl.add_argument("--format", choices=["text", "json"], default="text")
    rl.add_argument("--rules", action="append", default=[], metavar="DIR")
    rt = rules_sub.add_parser("test", help="run every rule's flag/pass examples")
    rt.add_argument("dir", nargs="?", metavar="DIR", help="a user rule folder (default: built-in)")
    ev = sub.add_parser("eval", help="precision/recall against gold annotations (X.gold.yaml)")
    ev.add_argument("corpus", metavar="CORPUS_DIR")
    ev.add_argument("--rules", action="append", default=[], metavar="DIR")
    ev.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    ev.add_argument("--format", choices=["text", "json"], default="text")
    rd = rules_sub.add_parser("docs", help="write the rule catalogue (Markdown)")
    rd.add_argument("-o", "--output", metavar="OUT", help="write to OUT (default stdout)")
    rd.add_argument("--rules", action="append", default=[], metavar="DIR")
    re_ = rules_sub.add_parser("explain", help="explain one rule")
    re_.add_argument("rule_id", metavar="ID")
    re_.add_argument("--rules", action="append", default=[], metavar="DIR")
    return parser


# Longer than any review could take (about 4 months): larger values mean "no limit".
MAX_TIMEOUT_S = 1e7


def _err(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def _open_out(path: str | None) -> TextIO:
    if path is None:
        return sys.stdout
    return Path(path).open("w", encoding="utf-8", errors="surrogateescape")


def _check_output(out: str, inputs: Sequence[str], *, folder: bool = False) -> None:
    """Refuse, before any work, an output path that would destroy an input or cannot be used.

    `samefile` compares devices and inodes, so a hard link or a symlink to the input is caught
    as well as the input's own name.

    Raises:
        OutputError: the output is an input, a directory (or a file, for a folder), or its
            folder does not exist.

    """
    from gender_mainstream.errors import OutputError

    target = Path(out)
    for name in inputs:
        try:
            same = target.exists() and target.samefile(name)
        except OSError:
            same = False
        if same:
            raise OutputError(out, f"is the input file {name}; writing there would destroy it")
    if folder:
        if target.exists() and not target.is_dir():
            raise OutputError(out, "is a file, not a folder", "give a folder for the results")
        return
    if target.is_dir():
        raise OutputError(out, "is a folder", "give a file name for the output")
    parent = target.parent
    if not parent.is_dir():
        raise OutputError(out, f"the folder {parent} does not exist", "create it first")


def _write_failed(out: str, exc: OSError) -> Exception:
    from gender_mainstream.errors import OutputError

    reason = exc.strerror or type(exc).__name__
    return OutputError(
        out, f"cannot be written ({reason})", "free some space or choose another path"
    )


def _error_report(path: str, exc: Exception) -> Report:
    from gender_mainstream.checks.loader import load_rules
    from gender_mainstream.errors import GenderMainstreamError
    from gender_mainstream.model import DocIssue, Metadata, Report, ToolInfo

    try:
        rules_version = load_rules().version
    except GenderMainstreamError:
        rules_version = "unknown"
    code = getattr(exc, "code", "GM-E300")
    message = exc.line() if isinstance(exc, GenderMainstreamError) else str(exc)
    return Report(
        tool=ToolInfo(version=__version__, rules_version=rules_version),
        document=Metadata(path=path),
        errors=[DocIssue(code=code, level="error", message=message)],
    )


def _cmd_review(args: argparse.Namespace) -> int:
    from gender_mainstream.checks.loader import load_rules
    from gender_mainstream.errors import InputError
    from gender_mainstream.ingest import DEFAULT_MAX_BYTES
    from gender_mainstream.model import Severity
    from gender_mainstream.pipeline import parse_file, review_document
    from gender_mainstream.suppress import load_suppressions

    if args.annotate and len(args.files) != 1:
        _err("--annotate writes one commented copy: give exactly one FILE")
        return ExitStatus.INPUT
    if args.format == "opinion" and len(args.files) != 1:
        _err("--format opinion drafts the opinion on one document: give exactly one FILE")
        return ExitStatus.INPUT
    for out in (args.output, args.annotate):
        if out:
            _check_output(out, args.files)
    pack = load_rules(args.rules)
    entries = load_suppressions(args.suppress) if args.suppress else []
    max_bytes = DEFAULT_MAX_BYTES if args.max_bytes is None else args.max_bytes
    reports: list[Report] = []
    input_failed = False
    for name in args.files:
        try:
            document = parse_file(name, password=args.password, max_bytes=max_bytes, ocr=args.ocr)
            report = review_document(document, rules=pack, suppress=entries)
        except InputError as exc:
            _err(exc.line())
            input_failed = True
            reports.append(_error_report(name, exc))
            continue
        for issue in report.errors:
            if issue.code in ("GM-W140",):
                print(f"{PROG}: warning: {name}: {issue.message}", file=sys.stderr)
        reports.append(report)
        if args.annotate:
            from gender_mainstream.report.annotate import annotate_docx

            try:
                done = annotate_docx(document, report, name, args.annotate)
            except OSError as exc:
                raise _write_failed(args.annotate, exc) from exc
            print(
                f"{PROG}: wrote {done.path} ({done.anchored} comments on the text, "
                f"{done.on_title} on the title)",
                file=sys.stderr,
            )
    _write_reports(args, reports, pack)
    if input_failed:
        return ExitStatus.INPUT
    if args.fail_on != "never":
        threshold = Severity(args.fail_on).rank
        if any(f.severity.rank >= threshold for r in reports for f in r.findings):
            return ExitStatus.FINDINGS
    return ExitStatus.OK


def _write_reports(args: argparse.Namespace, reports: list[Report], pack: Any) -> None:
    """Render the reports in the chosen format to stdout or -o."""
    import json

    fmt = args.format
    if fmt == "opinion" and args.output and args.output.lower().endswith(".docx"):
        from gender_mainstream.report.opinion import write_opinion_docx

        if reports[0].document.format is not None:
            try:
                write_opinion_docx(reports[0], args.output, pack)
            except OSError as exc:
                raise _write_failed(args.output, exc) from exc
        return
    if fmt == "text":
        from gender_mainstream.report.text import render_text

        color = args.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        text = render_text(reports, quiet=args.quiet, color=color)
    elif fmt == "json":
        if len(reports) == 1:
            text = json.dumps(reports[0].wire(), ensure_ascii=False, indent=2) + "\n"
        else:  # JSON Lines: one report object per file
            text = "".join(json.dumps(r.wire(), ensure_ascii=False) + "\n" for r in reports)
    elif fmt == "html":
        from gender_mainstream.report.html import render_html

        text = render_html(reports)
    elif fmt == "md":
        from gender_mainstream.report.markdown import render_markdown

        text = render_markdown(reports)
    elif fmt == "csv":
        from gender_mainstream.report.csvout import render_csv

        text = render_csv(reports)
    elif fmt == "sarif":
        from gender_mainstream.report.sarif import render_sarif

        text = json.dumps(render_sarif(reports, pack), ensure_ascii=False, indent=2) + "\n"
    else:  # opinion, as Markdown
        from gender_mainstream.report.opinion import render_opinion_markdown

        text = render_opinion_markdown(reports[0], pack) if reports[0].document.format else ""
    try:
        out = _open_out(args.output)
        try:
            out.write(text)
            out.flush()
        finally:
            if out is not sys.stdout:
                out.close()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise _write_failed(args.output or "<standard output>", exc) from exc


def _cmd_batch(args: argparse.Namespace) -> int:
    import math

    from gender_mainstream.batch import DEFAULT_TIMEOUT_S, BatchOptions, run_batch
    from gender_mainstream.checks.loader import load_rules
    from gender_mainstream.suppress import load_suppressions

    jobs = (os.cpu_count() or 1) if args.jobs is None else args.jobs
    if jobs < 1:
        _err(f"--jobs must be at least 1, not {jobs}")
        return ExitStatus.INPUT
    timeout = args.timeout
    if timeout is not None and (math.isnan(timeout) or timeout < 0):
        _err(f"--timeout must be 0 (no limit) or more seconds, not {timeout:g}")
        return ExitStatus.INPUT
    if timeout is not None and timeout > MAX_TIMEOUT_S:  # "inf", 1e12: no limit
        timeout = 0
    _check_output(args.output, [], folder=True)
    try:
        Path(args.output).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_failed(args.output, exc) from exc
    if not os.access(args.output, os.W_OK):
        from gender_mainstream.errors import OutputError

        raise OutputError(args.output, "is not writable (read-only or no permission)")
    if args.executor == "dask" and not args.scheduler:
        _err("--executor dask needs --scheduler ADDRESS (tcp://host:8786)")
        return ExitStatus.INPUT
    load_rules(args.rules)  # fail fast on a bad rule folder, before any worker starts
    if args.suppress:
        load_suppressions(args.suppress)
    if args.ocr:
        from gender_mainstream.ingest.ocr import ocr_available

        problem = ocr_available()
        if problem:
            _err(f"--ocr: {problem}; install tesseract-ocr-vie or run without --ocr")
            return ExitStatus.INPUT
    try:
        options = BatchOptions(
            out_dir=str(Path(args.output)),
            rules=tuple(str(Path(r).resolve()) for r in args.rules),
            suppress=str(Path(args.suppress).resolve()) if args.suppress else None,
            ocr=args.ocr,
            max_bytes=args.max_bytes,
            html=not args.no_html,
            timeout_s=DEFAULT_TIMEOUT_S if timeout is None else (timeout or None),
            password=args.password,
        )
    except ValueError as exc:
        _err(f"--timeout: {exc}")
        return ExitStatus.INPUT
    executor = None
    if args.executor == "dask":
        from gender_mainstream.batch_dask import dask_executor

        executor = dask_executor(args.scheduler)
    try:
        summary = run_batch(
            args.paths,
            args.output,
            jobs=jobs,
            resume=args.resume,
            options=options,
            executor=executor,
            progress=sys.stderr,
        )
    except KeyboardInterrupt:
        from gender_mainstream.batch import RESULTS, read_results

        kept, _ = read_results(Path(args.output) / RESULTS)
        sys.stderr.write("\n")
        _err(
            f"interrupted: {len(kept)} finished document(s) kept in "
            f"{Path(args.output) / RESULTS}; run the same command with --resume to go on"
        )
        return 130
    codes = ", ".join(f"{k} {v}" for k, v in sorted(summary.errors_by_code.items()))
    print(
        f"{summary.found} documents found, {summary.skipped} already done, "
        f"{summary.reviewed} reviewed in {summary.seconds:.1f}s"
        + (f", {summary.failed} could not be read ({codes})" if summary.failed else "")
        + (
            f"; skipped {summary.torn_lines_dropped} damaged line(s) of results.jsonl"
            if summary.torn_lines_dropped
            else ""
        )
        + f". Results: {Path(args.output) / 'results.jsonl'}, dashboard: "
        f"{Path(args.output) / 'dashboard.html'}"
    )
    return ExitStatus.OK


def _cmd_parse(args: argparse.Namespace) -> int:
    import json

    from gender_mainstream.ingest import DEFAULT_MAX_BYTES
    from gender_mainstream.pipeline import parse_file
    from gender_mainstream.report.text import render_document

    max_bytes = DEFAULT_MAX_BYTES if args.max_bytes is None else args.max_bytes
    doc = parse_file(args.file, password=args.password, max_bytes=max_bytes, ocr=args.ocr)
    if args.format == "json":
        json.dump(doc.to_parse_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_document(doc))
    return ExitStatus.OK


def _cmd_rules(args: argparse.Namespace) -> int:
    import json

    from gender_mainstream.checks.loader import load_rules
    from gender_mainstream.checks.selftest import run_examples

    if args.rules_command == "list":
        pack = load_rules(args.rules)
        if args.format == "json":
            rows = [_rule_row(r) for r in pack.rules]
            json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            for r in pack.rules:
                print(f"{r.id}  {r.severity.value:<7}  {r.category.value:<14}  {r.name}")
            print(f"{len(pack.rules)} rules, pack version {pack.version}")
        return ExitStatus.OK
    if args.rules_command == "test":
        pack = load_rules([args.dir] if args.dir else [])
        only = None
        if args.dir:
            from gender_mainstream.checks.loader import load_rules as _load

            user = _load([args.dir], builtin=False)
            only = [r.id for r in user.rules]
        results = run_examples(pack, only=only)
        failures = [res for res in results if not res.ok]
        for res in failures:
            print(f"FAIL {res.rule_id} {res.kind}: {res.detail}")
        print(f"{len(results) - len(failures)} of {len(results)} examples passed")
        return ExitStatus.FINDINGS if failures else ExitStatus.OK
    if args.rules_command == "explain":
        from gender_mainstream.report.text import render_rule

        pack = load_rules(args.rules)
        try:
            rule = pack.get(args.rule_id)
        except KeyError:
            _err(f"no rule with id {args.rule_id}; list them with '{PROG} rules list'")
            return ExitStatus.INPUT
        sys.stdout.write(render_rule(rule))
        return ExitStatus.OK
    if args.rules_command == "docs":
        from gender_mainstream.catalogue import render_catalogue

        text = render_catalogue(load_rules(args.rules))
        if args.output:
            _check_output(args.output, [])
            try:
                Path(args.output).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise _write_failed(args.output, exc) from exc
        else:
            sys.stdout.write(text)
        return ExitStatus.OK
    _err(f"choose an action: {PROG} rules list|test|explain|docs")
    return ExitStatus.INPUT


def _rule_row(rule: Any) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "type": rule.type,
        "category": rule.category.value,
        "severity": rule.severity.value,
        "status": rule.status,
        "legal_basis": [b.citation for b in rule.legal_basis],
        "examples": {"flag": len(rule.examples.flag), "pass": len(rule.examples.pass_)},
    }


def _cmd_eval(args: argparse.Namespace) -> int:
    import json

    from gender_mainstream.checks.loader import load_rules
    from gender_mainstream.evaluate import evaluate, render_eval

    if not Path(args.corpus).is_dir():
        _err(f"{args.corpus}: not a folder; give the folder that holds the X.gold.yaml files")
        return ExitStatus.INPUT
    result = evaluate(args.corpus, rules=load_rules(args.rules))
    if result.documents == 0:
        _err(f"{args.corpus}: no *.gold.yaml files; see corpora/README.md for the format")
        return ExitStatus.INPUT
    if args.format == "json":
        data = {
            "documents": result.documents,
            "categories": {
                k: {
                    "gold": c.gold,
                    "predicted": c.predicted,
                    "matched": c.true_positive,
                    "precision": round(c.precision, 4),
                    "recall": round(c.recall, 4),
                }
                for k, c in [*sorted(result.categories.items()), ("all", result.overall)]
            },
            "scorecard_accuracy": round(result.scorecard_accuracy, 4),
            "false_positives": result.false_positives,
            "false_negatives": result.false_negatives,
            "must_not_flag_hits": result.must_not_flag_hits,
            "scorecard_misses": result.scorecard_misses,
        }
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_eval(result, verbose=args.verbose))
    return ExitStatus.OK


_COMMANDS = {
    "review": _cmd_review,
    "batch": _cmd_batch,
    "parse": _cmd_parse,
    "rules": _cmd_rules,
    "eval": _cmd_eval,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit status (the console script passes it to sys.exit)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return ExitStatus.INPUT
    try:
        return int(_COMMANDS[args.command](args))
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return ExitStatus.OK
    except Exception as exc:
        from gender_mainstream.errors import GenderMainstreamError

        if args.debug:
            raise
        if isinstance(exc, GenderMainstreamError):
            _err(exc.line())
            return exc.exit_code
        _err(f"internal error ({type(exc).__name__}: {exc}); rerun with --debug and report it")
        return ExitStatus.INTERNAL
