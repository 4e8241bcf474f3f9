r"""Batch review of a folder tree: parallel, resumable, never losing a finished result.

The unit of work is `review_one(path, options)`: read, review, write the document's own HTML
report, return one JSON line — a §3.2 report object, or for a file that cannot be read a
report whose `errors` says why. The same function runs in local worker processes (the rule
pack compiled once per worker) or on a Dask cluster.

`results.jsonl` is written by this process only, one complete line per `os.write` on a file
opened for appending, so a run killed at any moment — SIGKILL included — leaves whole lines
and at most a torn last one. `--resume` reads what is there, drops a torn tail, and skips the
files already reviewed: same path, same content (SHA-256). A file whose content changed is
reviewed again. A line that is not a result record (torn, not JSON, or JSON of another shape:
`null`, `[]`, a `batch` without a string `path`…) is skipped and counted, never fatal: its file
is simply reviewed again.

Paths are compared as absolute paths (`os.path.abspath`), so `batch RB` and a later
`batch $PWD/RB --resume` are the same run. Each record's `batch` object keeps the path as
given (`path`) and the absolute one (`abspath`); records of earlier versions without
`abspath` are matched by the absolute form of their `path`.

File names that are not valid UTF-8 (an archive unpacked from a Windows code page): Python
hands them over with each undecodable byte as a lone surrogate, which UTF-8 cannot encode.
`results.jsonl` stays strict UTF-8 JSON that any tool reads: every text in the record shows
such a byte as `\xNN` (`clean_text`), and `batch.abspath_hex` holds the exact bytes of the
absolute path in hex, so `--resume` still recognises the file. `abspath_hex` is present only
for such names.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import signal
import stat
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

__all__ = [
    "BATCH_SUFFIXES",
    "DEFAULT_TIMEOUT_S",
    "MAX_TIMEOUT_S",
    "RESULTS",
    "TOO_SLOW",
    "WORKER_DIED",
    "BatchOptions",
    "BatchSummary",
    "ResultsScan",
    "find_documents",
    "read_results",
    "review_one",
    "run_batch",
    "scan_results",
]

BATCH_SUFFIXES = (".txt", ".docx", ".pdf", ".doc")
RESULTS = "results.jsonl"
WORKER_DIED = "GM-E301"  # the process reviewing the file died twice (crash, OOM kill)
TOO_SLOW = "GM-E302"  # the file took longer than BatchOptions.timeout_s
DEFAULT_TIMEOUT_S = 600.0  # a normal document takes well under a second; an OCR'd one minutes
MAX_TIMEOUT_S = 1e7  # about four months: a longer limit (1e12, inf) means no limit
# Outputs of a run: a folder holding any of them is only written into with --resume.
_OUTPUTS = ("summary.csv", "findings.csv", "dashboard.html", "reports")


@dataclass(frozen=True)
class BatchOptions:
    """Everything a worker needs to review one document (picklable, small).

    `timeout_s`: 0, None, infinity or more than `MAX_TIMEOUT_S` mean no limit (stored as None).

    Raises:
        ValueError: `timeout_s` is NaN, negative or not a number.

    """

    out_dir: str
    rules: tuple[str, ...] = ()
    suppress: str | None = None
    ocr: bool = False
    max_bytes: int | None = None
    html: bool = True
    timeout_s: float | None = DEFAULT_TIMEOUT_S
    password: str | None = field(default=None, repr=False)  # of encrypted PDFs

    def __post_init__(self) -> None:
        t = self.timeout_s
        if t is None:
            return
        if isinstance(t, bool) or not isinstance(t, int | float):
            raise ValueError(f"timeout must be a number of seconds, not {t!r}")
        if math.isnan(t) or t < 0:
            raise ValueError(f"timeout must be 0 (no limit) or more seconds, not {t:g}")
        if t == 0 or t > MAX_TIMEOUT_S:
            object.__setattr__(self, "timeout_s", None)


@dataclass
class BatchSummary:
    """What a run did."""

    found: int = 0
    skipped: int = 0
    reviewed: int = 0
    failed: int = 0
    seconds: float = 0.0
    first_result_s: float | None = None
    peak_rss_mb: float = 0.0
    torn_lines_dropped: int = 0  # lines of results.jsonl skipped: torn, damaged or not a record
    dropped_lines: list[int] = field(default_factory=list)  # their line numbers (from 1)
    errors_by_code: dict[str, int] = field(default_factory=dict)


# --- finding the work --------------------------------------------------------------------


def _absolute(path: str) -> str:
    """Return the absolute form of `path`, the identity of a file across runs.

    Lexical (`..` removed, symlinks kept), so a file reached through a link keeps its name.
    """
    return os.path.abspath(path)  # noqa: PTH100 - Path.resolve() would follow symlinks


def find_documents(paths: Sequence[str | Path]) -> list[Path]:
    """Return the reviewable files under `paths` (files given directly are kept as they are)."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(
                    Path(root) / f
                    for f in sorted(files)
                    if f.lower().endswith(BATCH_SUFFIXES) and not f.startswith((".", "~$"))
                )
        else:
            found.append(p)  # even a missing or odd file gets its error record
    # A file named twice (folder and file, relative and absolute) is reviewed once.
    unique: dict[str, Path] = {}
    for f in found:
        unique.setdefault(_absolute(str(f)), f)
    return list(unique.values())


def _sha256(path: Path) -> str | None:
    h = hashlib.sha256()
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None  # a FIFO or device would block or never end; ingest says why
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


# --- one document (runs in a worker) ----------------------------------------------------------

_STATE: dict[str, Any] = {}  # per process: the compiled rule pack


def _worker_init(rules: tuple[str, ...], *, nlp: bool = False) -> None:
    """Load and compile the rule pack once per process (a no-op when done).

    spaCy is otherwise loaded on first need (a token-pattern anchor in the text); `nlp` loads
    it now, for a parent about to fork workers that then share it.
    """
    if _STATE.get("rules") != rules:
        from gender_mainstream.checks.loader import load_rules

        pack = load_rules(list(rules))
        _ = pack.compiled
        _STATE.update(pack=pack, rules=rules)
    if nlp:
        from gender_mainstream.nlp import get_nlp

        get_nlp()


def _rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Overtime(BaseException):
    """Raised by the alarm in the middle of whatever was running.

    Not an Exception, so no `except Exception` on the way can swallow it.
    """


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Interrupt the block after `seconds`.

    Only in a process's main thread: a Dask task runs in a worker thread and goes unlimited.
    Code inside a C library is interrupted when it returns to Python.
    """
    if (
        not seconds
        or not math.isfinite(seconds)
        or seconds > MAX_TIMEOUT_S  # setitimer overflows; BatchOptions already clamps
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def alarm(signum: int, frame: Any) -> None:
        raise _Overtime

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def review_one(path: str, sha256: str | None, options: BatchOptions) -> dict[str, Any]:
    """Review one file and return its JSON record (never raises for a bad input)."""
    from gender_mainstream.errors import GenderMainstreamError
    from gender_mainstream.ingest import DEFAULT_MAX_BYTES
    from gender_mainstream.pipeline import parse_file, review_document

    _worker_init(options.rules)
    pack = _STATE["pack"]
    t0 = time.perf_counter()
    html_rel = None
    try:
        with _time_limit(options.timeout_s):
            document = parse_file(
                path,
                password=options.password,
                max_bytes=options.max_bytes or DEFAULT_MAX_BYTES,
                ocr=options.ocr,
            )
            report = review_document(document, rules=pack, suppress=options.suppress)
        if options.html:
            from gender_mainstream.report.csvout import clean_text
            from gender_mainstream.report.html import render_html

            html_rel = f"reports/{(report.document.sha256 or sha256 or 'x')[:16]}.html"
            target = Path(options.out_dir) / html_rel
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(clean_text(render_html([report])), encoding="utf-8")
            tmp.replace(target)
    except GenderMainstreamError as exc:
        report = _failed(path, sha256, exc.code, exc.line())
    except _Overtime:
        report = _failed(
            path,
            sha256,
            TOO_SLOW,
            f"{path}: stopped after {options.timeout_s:g} s without finishing; review it on its "
            "own, or raise --timeout",
        )
    except Exception as exc:  # a bug must not end the batch: record it, keep going
        report = _failed(
            path,
            sha256,
            "GM-E300",
            f"{path}: internal error ({type(exc).__name__}: {exc}); "
            "please report it with this file",
        )
    return _record(report, path, sha256, time.perf_counter() - t0, html_rel)


def _failed(path: str, sha256: str | None, code: str, message: str) -> Any:
    """Return a report that holds only why the file could not be reviewed."""
    from gender_mainstream._version import __version__
    from gender_mainstream.model import DocIssue, Metadata, Report, ToolInfo

    pack = _STATE.get("pack")
    return Report(
        tool=ToolInfo(version=__version__, rules_version=pack.version if pack else None),
        document=Metadata(path=path, sha256=sha256),
        errors=[DocIssue(code=code, level="error", message=message)],
    )


def _record(
    report: Any, path: str, sha256: str | None, seconds: float, html: str | None
) -> dict[str, Any]:
    record: dict[str, Any] = report.wire()
    record["batch"] = {
        "path": path,
        "sha256": sha256,
        "seconds": round(seconds, 4),
        "html": html,
        "rss_mb": round(_rss_mb(), 1),
        "ok": report.document.format is not None,
    }
    return record


def worker_died_record(path: str, sha256: str | None, detail: str) -> dict[str, Any]:
    """Return the record of a file whose worker process died (crash, out of memory, kill)."""
    message = (
        f"{path}: the worker process reviewing this file died ({detail}), also when retried; "
        "check that the file opens, or review it on its own with 'gender-mainstream review'"
    )
    return _record(_failed(path, sha256, WORKER_DIED, message), path, sha256, 0.0, None)


# --- results.jsonl --------------------------------------------------------------------------


@dataclass
class ResultsScan:
    """What a results file holds: its records, and the lines that were skipped."""

    records: list[dict[str, Any]]
    dropped_lines: list[int]  # line numbers (from 1): torn, not JSON, or not a record


def _is_text_or_none(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _is_record(obj: Any) -> bool:
    """Return whether a parsed line has the shape every reader of results relies on."""
    if not isinstance(obj, dict):
        return False
    info = obj.get("batch")
    if not isinstance(info, dict) or not isinstance(info.get("path"), str):
        return False
    if not _is_text_or_none(info.get("sha256")):
        return False
    if not isinstance(obj.get("document", {}), dict):
        return False
    required = {
        "findings": ("rule_id", "category", "severity"),
        "errors": ("code",),
        "scorecard": ("id",),
    }
    for key, keys in required.items():
        items = obj.get(key, [])
        if not isinstance(items, list):
            return False
        for item in items:
            if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in keys):
                return False
    return all(_is_text_or_none(s.get("status")) for s in obj.get("scorecard") or [])


def scan_results(path: str | Path, *, repair: bool = False) -> ResultsScan:
    """Return the complete records of a results file and the numbers of the lines skipped.

    A line is skipped when it is torn (no newline at the end of the file), is not JSON (or is
    nested too deeply to parse), or is JSON that is not a result record (see `_is_record`).
    With `repair`, the file is truncated after its last complete line, so appending can go on.
    """
    p = Path(path)
    if not p.is_file():
        return ResultsScan([], [])
    data = p.read_bytes()
    records: list[dict[str, Any]] = []
    dropped: list[int] = []
    good_end = 0
    pos = 0
    number = 0
    while pos < len(data):
        number += 1
        nl = data.find(b"\n", pos)
        end = len(data) if nl < 0 else nl + 1
        line = data[pos:end]
        try:
            if nl < 0:
                raise ValueError("no newline: torn")
            record = json.loads(line)
            if not _is_record(record):
                raise ValueError("not a result record")
            records.append(record)
            good_end = end
        except (ValueError, RecursionError):
            dropped.append(number)
            if nl >= 0:
                good_end = end  # a damaged line in the middle is skipped, not kept as done
        pos = end
    if repair and good_end < len(data):
        with p.open("r+b") as fh:
            fh.truncate(good_end)
    return ResultsScan(records, dropped)


def read_results(path: str | Path, *, repair: bool = False) -> tuple[list[dict[str, Any]], int]:
    """Return the complete records of a results file and the number of lines skipped.

    Skipped are torn, damaged and non-record lines (`scan_results` also gives their numbers).
    With `repair`, the file is truncated after its last complete line, so appending can go on.
    """
    scan = scan_results(path, repair=repair)
    return scan.records, len(scan.dropped_lines)


def _fs_bytes(path: str) -> bytes:
    try:
        return os.fsencode(path)
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte
        return path.encode("utf-8", "surrogatepass")


def _identity(info: dict[str, Any]) -> str:
    """Return the absolute path a record's `batch` object stands for (the resume key)."""
    hexed = info.get("abspath_hex")
    if isinstance(hexed, str):
        try:
            return os.fsdecode(bytes.fromhex(hexed))
        except ValueError:
            pass
    absolute = info.get("abspath")
    if isinstance(absolute, str) and absolute:
        return absolute
    return _absolute(str(info["path"]))  # a record of an earlier version


def _clean(obj: Any) -> Any:
    """Return `obj` with every text made encodable as UTF-8 (see `clean_text`)."""
    from gender_mainstream.report.csvout import clean_text

    if isinstance(obj, str):
        return clean_text(obj)
    if isinstance(obj, dict):
        return {_clean(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return obj


def _add_abspath(record: dict[str, Any]) -> None:
    """Add the absolute path (the resume key) to a worker's record.

    Runs in this process: a Dask worker's idea of the current folder is not ours.
    """
    info = record["batch"]
    absolute = _absolute(info["path"])
    info["abspath"] = absolute
    try:
        absolute.encode("utf-8")
    except UnicodeEncodeError:  # kept exactly, as the file system's bytes
        info["abspath_hex"] = _fs_bytes(absolute).hex()


class _Appender:
    """Append whole lines with one write each; flushed to disk every few lines."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.pending = 0

    def write(self, record: dict[str, Any]) -> None:
        text = json.dumps(record, ensure_ascii=False)
        try:
            line = (text + "\n").encode("utf-8")
        except UnicodeEncodeError:  # a file name that is not UTF-8: never end the batch
            line = (json.dumps(_clean(record), ensure_ascii=False) + "\n").encode("utf-8")
        view = memoryview(line)
        while view:
            n = os.write(self.fd, view)
            view = view[n:]
        self.pending += 1
        if self.pending >= 16:
            os.fsync(self.fd)
            self.pending = 0

    def close(self) -> None:
        os.fsync(self.fd)
        os.close(self.fd)


# --- progress -------------------------------------------------------------------------------


class _Progress:
    """A bar with rate and ETA on a terminal; a plain line every few seconds otherwise."""

    def __init__(self, total: int, stream: TextIO | None) -> None:
        self.total = total
        self.stream = stream
        self.tty = bool(stream and stream.isatty())
        self.start = time.perf_counter()
        self.last = 0.0
        self.done = 0

    def step(self, failed: int) -> None:
        self.done += 1
        if self.stream is None:
            return
        now = time.perf_counter()
        if not self.tty and now - self.last < 5 and self.done < self.total:
            return
        if self.tty and now - self.last < 0.1 and self.done < self.total:
            return
        self.last = now
        rate = self.done / max(now - self.start, 1e-9)
        eta = (self.total - self.done) / rate if rate else 0
        if self.tty:
            width = 28
            filled = int(width * self.done / max(self.total, 1))
            bar = "█" * filled + "·" * (width - filled)
            self.stream.write(
                f"\r{bar} {self.done}/{self.total}  {rate:5.1f} văn bản/s  "
                f"còn ~{eta:4.0f}s  lỗi {failed}  "
            )
        else:
            self.stream.write(
                f"batch: {self.done}/{self.total} done, {rate:.1f} docs/s, "
                f"ETA {eta:.0f}s, {failed} unreadable\n"
            )
        self.stream.flush()

    def finish(self) -> None:
        if self.stream is not None and self.tty:
            self.stream.write("\n")


# --- the run --------------------------------------------------------------------------------

Executor = Callable[[list[tuple[str, str | None]], BatchOptions, int], Iterator[dict[str, Any]]]


def _pool(jobs: int, options: BatchOptions) -> ProcessPoolExecutor:
    import multiprocessing as mp

    # Fork where available: the pack is compiled here once (~1 s of regex compiling) and the
    # workers share it copy-on-write; with spawn each worker compiles its own.
    if "fork" in mp.get_all_start_methods():
        _worker_init(options.rules, nlp=True)
        return ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("fork"))
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=mp.get_context("spawn"),
        initializer=_worker_init,
        initargs=(options.rules,),
    )


def _local(
    work: list[tuple[str, str | None]], options: BatchOptions, jobs: int
) -> Iterator[dict[str, Any]]:
    """Review in worker processes; survive a worker that dies.

    When a worker dies (a crash in a PDF library, the kernel's out-of-memory killer), the pool
    is lost with every document in flight. Those documents are put aside and the rest goes on
    in a new pool; then each one put aside is retried alone in its own process, so the one that
    kills its worker gets an error record and the innocent ones their results. `--jobs 1` uses
    one worker process too, not the coordinator: in-process, a document that crashes the
    interpreter would end the run, and every `--resume` would start with it and crash again.
    """
    from concurrent.futures.process import BrokenProcessPool

    queue = deque(work)
    suspects: list[tuple[str, str | None]] = []
    while queue:
        with _pool(jobs, options) as pool:
            pending: dict[Future[dict[str, Any]], tuple[str, str | None]] = {}
            broken = False
            while True:
                while queue and not broken and len(pending) < max(1, jobs) * 4:  # a few ahead
                    item = queue.popleft()
                    try:
                        pending[pool.submit(review_one, *item, options)] = item
                    except BrokenProcessPool:
                        queue.appendleft(item)
                        broken = True
                if not pending:
                    break
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    item = pending.pop(fut)
                    try:
                        yield fut.result()
                    except BrokenProcessPool:
                        suspects.append(item)
                        broken = True
    for path, sha in suspects:
        with _pool(1, options) as alone:
            try:
                yield alone.submit(review_one, path, sha, options).result()
            except BrokenProcessPool as exc:
                yield worker_died_record(path, sha, str(exc) or "killed")


def run_batch(
    paths: Sequence[str | Path],
    out_dir: str | Path,
    *,
    jobs: int = 1,
    resume: bool = False,
    options: BatchOptions | None = None,
    executor: Executor | None = None,
    progress: TextIO | None = None,
) -> BatchSummary:
    """Review every document under `paths` into `out_dir` (results.jsonl, then the summaries).

    Lines of an existing results.jsonl that are not records are skipped (their files are
    reviewed again); their numbers are in `BatchSummary.dropped_lines`, and a warning naming
    them is written to `progress`.

    Raises:
        InputError: `out_dir` holds results or summaries of an earlier run (results.jsonl,
            summary.csv, findings.csv, dashboard.html, reports/) and `resume` is False.

    """
    from gender_mainstream.errors import InputError

    t0 = time.perf_counter()  # listing and hashing count: they come before the first result
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results = out / RESULTS
    opts = options or BatchOptions(out_dir=str(out))
    summary = BatchSummary()
    done: set[tuple[str, str | None]] = set()
    if not resume:
        if results.exists() and results.stat().st_size:
            raise InputError(
                out,
                "the output folder already holds results of an earlier run",
                "add --resume to continue it, or choose an empty folder",
            )
        there = [name for name in _OUTPUTS if (out / name).exists()]
        if there:
            raise InputError(
                out,
                f"the output folder already holds {', '.join(there)}, which this run would "
                "overwrite",
                "choose an empty folder, or add --resume to continue the run that wrote them",
            )
    elif results.exists() and results.stat().st_size:
        scan = scan_results(results, repair=True)
        summary.dropped_lines = scan.dropped_lines
        summary.torn_lines_dropped = len(scan.dropped_lines)
        if scan.dropped_lines and progress is not None:
            progress.write(f"batch: warning: {_dropped_message(results, scan.dropped_lines)}\n")
            progress.flush()
        done = {(_identity(r["batch"]), r["batch"].get("sha256")) for r in scan.records}
    files = find_documents(paths)
    summary.found = len(files)
    work: list[tuple[str, str | None]] = []
    sizes: dict[str, int] = {}
    for f in files:
        key = (str(f), _sha256(f))
        if (_absolute(key[0]), key[1]) in done:
            summary.skipped += 1
        else:
            work.append(key)
            sizes[key[0]] = f.stat().st_size if key[1] else 0
    if jobs > 1 or executor is not None:
        # Largest first: a big document started last would leave the other workers idle.
        work.sort(key=lambda k: -sizes[k[0]])
    bar = _Progress(len(work), progress)
    appender = _Appender(results)
    run = executor or _local
    try:
        for record in run(work, opts, max(1, jobs)):
            _add_abspath(record)
            appender.write(record)
            if summary.first_result_s is None:
                summary.first_result_s = time.perf_counter() - t0
            summary.reviewed += 1
            info = record.get("batch", {})
            summary.peak_rss_mb = max(summary.peak_rss_mb, float(info.get("rss_mb") or 0))
            if not info.get("ok"):
                summary.failed += 1
                for e in record.get("errors", []):
                    summary.errors_by_code[e["code"]] = summary.errors_by_code.get(e["code"], 0) + 1
            bar.step(summary.failed)
    finally:
        appender.close()
        bar.finish()
    summary.seconds = time.perf_counter() - t0
    write_summaries(out)
    return summary


def write_summaries(out_dir: str | Path) -> None:
    """Write summary.csv, findings.csv and dashboard.html from results.jsonl."""
    from gender_mainstream.report.dashboard import write_dashboard_files

    out = Path(out_dir)
    records, _ = read_results(out / RESULTS)  # lines that are not records are left out
    latest: dict[str, dict[str, Any]] = {}
    for r in records:  # a file edited and reviewed again on --resume: its newest line counts
        latest[_identity(r["batch"])] = r
    write_dashboard_files([latest[k] for k in sorted(latest)], out)


def _dropped_message(results: Path, lines: Sequence[int]) -> str:
    shown = ", ".join(map(str, lines[:10])) + (", …" if len(lines) > 10 else "")
    return (
        f"{results}: skipped {len(lines)} line(s) that are torn or not result records "
        f"(line {shown}); their files are reviewed again"
    )


def summary_dict(summary: BatchSummary) -> dict[str, Any]:
    """Return the summary as plain data (for --format json and the benchmark)."""
    return asdict(summary)


def iter_records(path: str | Path) -> Iterable[dict[str, Any]]:
    """Yield the complete records of a results file."""
    records, _ = read_results(path)
    yield from records
