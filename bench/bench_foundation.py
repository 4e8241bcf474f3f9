"""Foundation benchmark: parse throughput, PDF pages/s, cold start, peak memory, review speed.

Run from the project root::

    .venv/bin/python bench/bench_foundation.py            # full run (a few minutes)
    .venv/bin/python bench/bench_foundation.py --quick    # fewer repetitions
    .venv/bin/python bench/bench_foundation.py --profile  # also cProfile the slowest stage

Prints a table and writes bench/out/foundation.json (bench/out/ is git-ignored). Timings are
wall-clock (time.perf_counter) with the process pinned to one CPU (sections 1, 2, 5; the
fresh processes of 3 and 4 may use every CPU); every figure is the best of N runs. MB means
10**6 bytes of the input files (UTF-8 text for the corpus).

Sections:
  1. ingest + normalize + structure on ../shared/corpus (real/ and batch/), split by stage;
  2. the PDF text path on a generated 50-page PDF (target >= 200 pages/s through structure);
  3. cold start of the console script (target <= 0.3 s for --help), `python -c pass` as
     the baseline;
  4. peak RSS of a full review of the largest corpus document (per-child os.wait4 rusage);
  5. full review (review_file) throughput on the batch corpus, for information.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import hashlib
import io
import json
import math
import os
import platform
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SAMPLE_DOC = ROOT / "corpora" / "ke-hoach-viec-lam-xa-an-binh-2025.txt"
TESTS_DIR = ROOT / "tests"

PDF_MIN_PAGES = 50
PDF_TARGET_PAGES_PER_S = 200.0
HELP_TARGET_S = 0.3
ONE_PAGE_CHARS = 3000  # about one A4 page of 13 pt body text
MB = 1_000_000

STAGES = ("ingest", "normalize", "structure")


# --------------------------------------------------------------------------------------
# helpers


def _now() -> float:
    return time.perf_counter()


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if value != 0 and abs(value) < 0.01:
            return f"{value:.4f}"
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_table(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Print an aligned text table (numbers right-aligned)."""
    cells = [[_fmt(c) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    line = "  ".join("-" * w for w in widths)
    print(f"\n== {title}")
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print(line)
    for row in cells:
        out = []
        for i, (c, w) in enumerate(zip(row, widths, strict=True)):
            out.append(c.ljust(w) if i == 0 else c.rjust(w))
        print("  ".join(out))


def _verdict(ok: bool | None) -> str:
    if ok is None:
        return "n/a"
    return "PASS" if ok else "FAIL"


def _run(cmd: Sequence[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)


def set_cpus(cpus: set[int] | None) -> None:
    """Restrict this process (and the children it starts) to `cpus` (None: leave as is)."""
    if cpus and hasattr(os, "sched_setaffinity"):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, cpus)


def pin_one_core() -> tuple[int | None, set[int] | None]:
    """Pin this process to one CPU (the last one: CPU 0 takes most interrupts).

    Returns (that CPU, the CPUs the process had before), or (None, None) where unsupported.
    """
    if not hasattr(os, "sched_getaffinity"):
        return None, None
    before = set(os.sched_getaffinity(0))
    cpu = max(before)
    set_cpus({cpu})
    return (cpu if os.sched_getaffinity(0) == {cpu} else None), before


def machine_facts(pinned: int | None) -> dict[str, Any]:
    """Return the facts needed to compare runs across machines and commits."""
    facts: dict[str, Any] = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "pinned_cpu": pinned,
        "cpu_model": None,
        "loadavg_1m": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                facts["cpu_model"] = line.split(":", 1)[1].strip()
                break
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        first = meminfo.read_text(encoding="utf-8").splitlines()[0].split()
        facts["mem_total_mb"] = round(int(first[1]) / 1024)
    versions: dict[str, str | None] = {}
    from importlib import metadata

    for dist in ("gender-mainstream", "spacy", "pypdfium2", "pydantic", "fpdf2"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    facts["versions"] = versions
    git = shutil.which("git")
    if git:
        head = _run([git, "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
        dirty = _run([git, "-C", str(ROOT), "status", "--porcelain", "--", "src", "rules"])
        facts["git_head"] = head.stdout.strip() or None
        facts["git_dirty_files"] = [ln[3:] for ln in dirty.stdout.splitlines() if ln.strip()]
        if facts["git_dirty_files"]:
            # Identifies the uncommitted state the numbers belong to.
            diff = subprocess.run(
                [git, "-C", str(ROOT), "diff", "HEAD", "--", "src", "rules"],
                capture_output=True,
                check=False,
            )
            facts["git_diff_sha1"] = hashlib.sha1(diff.stdout).hexdigest()[:12]
    return facts


# --------------------------------------------------------------------------------------
# 1. ingest + normalize + structure on the corpus


def corpus_files() -> dict[str, list[Path]]:
    """Return the corpus documents by folder, or exit with a clear message."""
    if not CORPUS.is_dir():
        sys.exit(
            f"bench_foundation: the shared corpus is missing: {CORPUS}\n"
            "It is expected next to the project (../shared/corpus with real/ and batch/)."
        )
    out: dict[str, list[Path]] = {}
    for name in ("real", "batch"):
        folder = CORPUS / name
        files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
        if not files:
            sys.exit(f"bench_foundation: no .txt documents in {folder}")
        out[name] = files
    return out


def _parse_once(paths: Sequence[Path]) -> dict[str, Any]:
    from gender_mainstream.errors import GenderMainstreamError
    from gender_mainstream.ingest import read_raw
    from gender_mainstream.normalize import normalize
    from gender_mainstream.structure import build_document

    per_doc: list[dict[str, Any]] = []
    failures: list[str] = []
    # Time spent in the cyclic garbage collector, so a full collection that happens to land
    # on one small document is not mistaken for slow code.
    gc_clock = {"t": 0.0, "since": 0.0}

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_clock["since"] = _now()
        else:
            gc_clock["t"] += _now() - gc_clock["since"]

    gc.collect()
    gc.callbacks.append(on_gc)
    wall0 = _now()
    try:
        for p in paths:
            gc0 = gc_clock["t"]
            t0 = _now()
            try:
                raw = read_raw(p)
                t1 = _now()
                norm = normalize(raw)
                t2 = _now()
                doc = build_document(raw, norm)
                t3 = _now()
            except GenderMainstreamError as exc:
                failures.append(f"{p.name}: {type(exc).__name__}: {exc}")
                continue
            per_doc.append(
                {
                    "file": p.name,
                    "bytes": p.stat().st_size,
                    "ingest": t1 - t0,
                    "normalize": t2 - t1,
                    "structure": t3 - t2,
                    "gc": gc_clock["t"] - gc0,
                    "paragraphs": len(doc.paragraphs),
                    "sections": len(doc.sections),
                    "issues": [e.code for e in doc.errors],
                }
            )
    finally:
        gc.callbacks.remove(on_gc)
    wall = _now() - wall0
    totals = {s: sum(d[s] for d in per_doc) for s in STAGES}
    return {
        "wall": wall,
        "stages": totals,
        "gc_seconds": gc_clock["t"],
        "per_doc": per_doc,
        "failures": failures,
    }


def bench_corpus(files: dict[str, list[Path]], runs: int) -> dict[str, Any]:
    """Best-of-`runs` stage timings per folder and for the whole corpus."""
    from gender_mainstream.pipeline import parse_file

    parse_file(files["real"][0])  # imports and compiled regexes out of the timing
    result: dict[str, Any] = {"runs": runs, "folders": {}}
    all_docs: list[dict[str, Any]] = []
    for name, paths in files.items():
        attempts = [_parse_once(paths) for _ in range(runs)]
        best = min(attempts, key=lambda a: sum(a["stages"].values()))
        n_bytes = sum(p.stat().st_size for p in paths)
        total = sum(best["stages"].values())
        result["folders"][name] = {
            "docs": len(paths),
            "parsed": len(best["per_doc"]),
            "bytes": n_bytes,
            "seconds": total,
            "wall_seconds": best["wall"],
            "mb_per_s": n_bytes / MB / total if total else None,
            "stages": {
                s: {
                    "seconds": best["stages"][s],
                    "share": best["stages"][s] / total if total else None,
                    "mb_per_s": n_bytes / MB / best["stages"][s] if best["stages"][s] else None,
                }
                for s in STAGES
            },
            "all_runs_seconds": [round(sum(a["stages"].values()), 4) for a in attempts],
            "gc_seconds": best["gc_seconds"],
            "failures": best["failures"],
        }
        # Per document, the fastest of the runs for each stage: one GC pause or scheduler
        # hiccup must not make a small file look slow.
        for d in best["per_doc"]:
            runs_of = [x for a in attempts for x in a["per_doc"] if x["file"] == d["file"]]
            fastest = {s: min(x[s] for x in runs_of) for s in (*STAGES, "gc")}
            all_docs.append({**d, **fastest, "folder": name})
    n_bytes = sum(f["bytes"] for f in result["folders"].values())
    stage_tot = {
        s: sum(f["stages"][s]["seconds"] for f in result["folders"].values()) for s in STAGES
    }
    total = sum(stage_tot.values())
    result["all"] = {
        "docs": sum(f["docs"] for f in result["folders"].values()),
        "bytes": n_bytes,
        "seconds": total,
        "gc_seconds": sum(f["gc_seconds"] for f in result["folders"].values()),
        "mb_per_s": n_bytes / MB / total if total else None,
        "stages": {
            s: {
                "seconds": stage_tot[s],
                "share": stage_tot[s] / total if total else None,
                "mb_per_s": n_bytes / MB / stage_tot[s] if stage_tot[s] else None,
            }
            for s in STAGES
        },
    }
    # Slowest documents per byte: superlinear code shows up here first.
    for d in all_docs:
        t = d["ingest"] + d["normalize"] + d["structure"]
        d["seconds"] = t
        d["mb_per_s"] = d["bytes"] / MB / t if t else None
    all_docs.sort(key=lambda d: d["mb_per_s"] or 0.0)
    result["slowest_docs"] = [
        {
            k: d[k]
            for k in ("folder", "file", "bytes", "seconds", "mb_per_s", *STAGES, "gc", "paragraphs")
        }
        for d in all_docs[:8]
    ]
    result["largest_doc_seconds"] = max(all_docs, key=lambda d: d["bytes"])["seconds"]
    issues = Counter(code for d in all_docs for code in d["issues"])
    result["doc_issue_codes"] = dict(issues)
    result["docs_with_no_sections"] = sorted(d["file"] for d in all_docs if d["sections"] == 0)
    return result


def report_corpus(res: dict[str, Any]) -> None:
    rows = []
    for name, f in [*res["folders"].items(), ("all", res["all"])]:
        st = f["stages"]
        rows.append(
            [
                name,
                f["docs"],
                f["bytes"] / MB,
                f["seconds"],
                f["mb_per_s"],
                st["ingest"]["seconds"],
                st["normalize"]["seconds"],
                st["structure"]["seconds"],
                f["gc_seconds"],
                " / ".join(f"{st[s]['share'] * 100:.0f}%" for s in STAGES),
            ]
        )
    print_table(
        f"1. ingest + normalize + structure, one core, best of {res['runs']}",
        [
            "corpus",
            "docs",
            "MB",
            "total s",
            "MB/s",
            "ingest s",
            "normalize s",
            "structure s",
            "of which gc s",
            "ing/norm/struct",
        ],
        rows,
    )
    a = res["all"]["stages"]
    print_table(
        "1b. per-stage throughput on the whole corpus",
        ["stage", "seconds", "share", "MB/s"],
        [[s, a[s]["seconds"], f"{a[s]['share'] * 100:.1f}%", a[s]["mb_per_s"]] for s in STAGES],
    )
    print_table(
        "1c. slowest documents per byte, fastest run of each (superlinear code shows here)",
        ["file", "KB", "s", "MB/s", "ingest", "normalize", "structure", "of which gc", "paras"],
        [
            [
                f"{d['folder']}/{d['file']}",
                d["bytes"] / 1000,
                d["seconds"],
                d["mb_per_s"],
                d["ingest"],
                d["normalize"],
                d["structure"],
                d["gc"],
                d["paragraphs"],
            ]
            for d in res["slowest_docs"]
        ],
    )
    for f in res["folders"].values():
        for msg in f["failures"]:
            print(f"   ! parse failure: {msg}")


# --------------------------------------------------------------------------------------
# 2. PDF text path


def _sample_paragraphs() -> list[str]:
    lines = SAMPLE_DOC.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip()]


def _pdf_pages(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def build_pdf(path: Path, min_pages: int) -> tuple[int, int, int]:
    """Write a PDF of at least `min_pages` pages; return (repeat, pages, paragraphs)."""
    sys.path.insert(0, str(TESTS_DIR))
    try:
        import docgen
    finally:
        sys.path.remove(str(TESTS_DIR))
    paragraphs = _sample_paragraphs()
    docgen.write_pdf(paragraphs, path, repeat=1)
    per_copy = _pdf_pages(path)
    repeat = max(1, math.ceil(min_pages / max(per_copy, 1)))
    while True:
        docgen.write_pdf(paragraphs, path, repeat=repeat)
        pages = _pdf_pages(path)
        if pages >= min_pages:
            break
        # Grow in proportion to the shortfall, at least one copy.
        repeat = max(repeat + 1, math.ceil(repeat * min_pages / max(pages, 1)))
    # Step back while the document would still have enough pages (fewest pages >= min).
    while repeat > 1:
        docgen.write_pdf(paragraphs, path, repeat=repeat - 1)
        fewer = _pdf_pages(path)
        if fewer < min_pages:
            docgen.write_pdf(paragraphs, path, repeat=repeat)
            break
        repeat, pages = repeat - 1, fewer
    return repeat, pages, len(paragraphs) * repeat


def _best(fn: Callable[[], Any], runs: int) -> tuple[float, list[float], Any]:
    times: list[float] = []
    result = None
    for _ in range(runs):
        gc.collect()
        t0 = _now()
        result = fn()
        times.append(_now() - t0)
    return min(times), times, result


def _pdfium_text_only(path: Path) -> int:
    """The floor: PDFium text extraction of every page, nothing else."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    n = 0
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            n += len(tp.get_text_range())
            tp.close()
            page.close()
    finally:
        pdf.close()
    return n


def _once_per_document() -> frozenset[str]:
    from gender_mainstream import load_rules

    return frozenset(r.id for r in load_rules().rules if getattr(r, "max_per_document", None))


_ONCE_PER_DOCUMENT = _once_per_document()


def bench_pdf(runs: int) -> dict[str, Any]:
    """Pages/s of parse_file and of read_raw on a generated PDF of >= 50 pages."""
    from gender_mainstream.ingest import read_raw
    from gender_mainstream.normalize import normalize
    from gender_mainstream.pipeline import parse_file
    from gender_mainstream.structure import build_document

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / "foundation-50p.pdf"
    t0 = _now()
    repeat, pages, expected_paras = build_pdf(path, PDF_MIN_PAGES)
    gen_s = _now() - t0
    parse_file(path)  # warm-up (imports pypdfium2)

    e2e, e2e_all, doc = _best(lambda: parse_file(path), runs)
    ingest, ingest_all, raw = _best(lambda: read_raw(path), runs)
    norm_s, _, norm = _best(lambda: normalize(raw), runs)
    struct_s, _, _ = _best(lambda: build_document(raw, norm), runs)
    floor_s, _, _ = _best(lambda: _pdfium_text_only(path), runs)
    pps = pages / e2e
    body = [p for p in doc.paragraphs if p.kind != "page_header"]
    # Sanity: the PDF must review like `repeat` copies of the source text (untimed).
    from gender_mainstream.pipeline import review_file

    found = len(review_file(path).findings)
    # Span findings repeat with the text; document-level ones (a missing scorecard element)
    # and rules limited to one finding per document are counted once.
    source = review_file(SAMPLE_DOC).findings
    once = [f for f in source if f.text is None or f.rule_id in _ONCE_PER_DOCUMENT]
    expected_findings = (len(source) - len(once)) * repeat + len(once)
    return {
        "file": str(path.relative_to(ROOT)),
        "bytes": path.stat().st_size,
        "pages": pages,
        "repeat": repeat,
        "generate_seconds": gen_s,
        "source_paragraphs": expected_paras,
        "parsed_paragraphs": len(body),
        "text_chars": len(raw.text),
        "runs": runs,
        "parse_file_seconds": e2e,
        "parse_file_all_runs": e2e_all,
        "pages_per_s": pps,
        "target_pages_per_s": PDF_TARGET_PAGES_PER_S,
        "pass": pps >= PDF_TARGET_PAGES_PER_S,
        "read_raw_seconds": ingest,
        "read_raw_all_runs": ingest_all,
        "read_raw_pages_per_s": pages / ingest,
        "normalize_seconds": norm_s,
        "structure_seconds": struct_s,
        "pdfium_text_only_seconds": floor_s,
        "pdfium_text_only_pages_per_s": pages / floor_s,
        "issues": [e.code for e in doc.errors],
        "review_findings": found,
        "expected_findings": expected_findings,
    }


def report_pdf(res: dict[str, Any]) -> None:
    p = res["pages"]
    rows = [
        [
            "parse_file (end to end)",
            res["parse_file_seconds"],
            res["pages_per_s"],
            res["target_pages_per_s"],
            _verdict(res["pass"]),
        ],
        ["  read_raw (ingest)", res["read_raw_seconds"], res["read_raw_pages_per_s"], None, ""],
        ["  normalize", res["normalize_seconds"], p / res["normalize_seconds"], None, ""],
        ["  build_document", res["structure_seconds"], p / res["structure_seconds"], None, ""],
        [
            "PDFium text only (floor)",
            res["pdfium_text_only_seconds"],
            res["pdfium_text_only_pages_per_s"],
            None,
            "",
        ],
    ]
    print_table(
        f"2. PDF text path: {res['file']} ({p} pages, repeat={res['repeat']}, "
        f"{res['bytes'] / 1000:.0f} KB), best of {res['runs']}",
        ["step", "seconds", "pages/s", "target", "verdict"],
        rows,
    )
    print(
        f"   paragraphs parsed {res['parsed_paragraphs']} vs {res['source_paragraphs']} laid out; "
        f"issues: {res['issues'] or 'none'}; findings {res['review_findings']} "
        f"(expected {res['expected_findings']}: the .txt's span findings x repeat, "
        "document-level ones once)"
    )


# --------------------------------------------------------------------------------------
# 3. cold start


def _console_script() -> Path | None:
    cand = Path(sys.prefix) / "bin" / "gender-mainstream"
    if cand.is_file():
        return cand
    found = shutil.which("gender-mainstream")
    return Path(found) if found else None


def _one_page_text(dest: Path) -> Path:
    text = SAMPLE_DOC.read_text(encoding="utf-8")
    cut = text.rfind("\n", 0, ONE_PAGE_CHARS)
    dest.write_text(text[: cut if cut > 0 else ONE_PAGE_CHARS] + "\n", encoding="utf-8")
    return dest


def _time_cmd(
    cmd: Sequence[str], reps: int, ok_codes: Sequence[int], env: dict[str, str] | None = None
) -> dict[str, Any]:
    times: list[float] = []
    codes: set[int] = set()
    err = ""
    for _ in range(reps):
        t0 = _now()
        proc = subprocess.run(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False
        )
        times.append(_now() - t0)
        codes.add(proc.returncode)
        if proc.returncode not in ok_codes:
            err = proc.stderr.decode("utf-8", "replace")[-500:]
    return {
        "best_s": min(times),
        "median_s": sorted(times)[len(times) // 2],
        "all_s": times,
        "exit_codes": sorted(codes),
        "error": err or None,
    }


def _import_profile(cmd: Sequence[str], top: int = 8) -> list[dict[str, Any]]:
    """Top cumulative imports of a command, from `-X importtime` (self, cumulative in s)."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        parts = line[len("import time:") :].split("|")
        if len(parts) != 3:
            continue
        name = parts[2].rstrip()
        if name.startswith("  "):  # keep top-level imports only (no indentation)
            continue
        rows.append(
            {
                "module": name.strip(),
                "self_s": int(parts[0]) / 1e6,
                "cumulative_s": int(parts[1]) / 1e6,
            }
        )
    rows.sort(key=lambda r: r["cumulative_s"], reverse=True)
    return rows[:top]


def bench_cold_start(reps: int) -> dict[str, Any]:
    """Time the console script as fresh processes (best of `reps`)."""
    script = _console_script()
    if script is None:
        return {"error": "console script gender-mainstream not found (pip install -e .)"}
    # As-is: the caller's environment. With PYTHONDONTWRITEBYTECODE set and no __pycache__
    # beside an editable install's sources, every start compiles the package from source.
    # "bytecode cached" keeps .pyc files under bench/out/pycache (PYTHONPYCACHEPREFIX), as
    # an installed wheel has them, without writing anything into src/.
    cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = str(OUT_DIR / "pycache")
    with tempfile.TemporaryDirectory() as tmp:
        page = _one_page_text(Path(tmp) / "one-page.txt")
        help_cmd = [str(script), "--help"]
        review_cmd = [str(script), "review", str(page)]
        cmds: dict[str, tuple[list[str], tuple[int, ...], dict[str, str] | None]] = {
            "python -c pass": ([sys.executable, "-c", "pass"], (0,), None),
            "gender-mainstream --help": (help_cmd, (0,), None),
            "gender-mainstream --version": ([str(script), "--version"], (0,), None),
            "gender-mainstream review <1-page .txt>": (review_cmd, (0, 1), None),
            "--help (bytecode cached)": (help_cmd, (0,), cached),
            "review <1-page .txt> (bytecode cached)": (review_cmd, (0, 1), cached),
        }
        # One untimed run each: .pyc files and the page cache, as on a machine in use.
        for cmd, _, env in cmds.values():
            subprocess.run(cmd, capture_output=True, env=env, check=False)
        res: dict[str, Any] = {
            "reps": reps,
            "script": str(script),
            "one_page_chars": len(page.read_text(encoding="utf-8")),
            "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE"),
        }
        res["commands"] = {
            name: _time_cmd(cmd, reps, ok, env) for name, (cmd, ok, env) in cmds.items()
        }
        res["help_imports"] = _import_profile([str(script), "--help"])
        res["review_imports"] = _import_profile([str(script), "review", str(page)])
    base = res["commands"]["python -c pass"]["best_s"]
    help_s = res["commands"]["gender-mainstream --help"]["best_s"]
    res["help_target_s"] = HELP_TARGET_S
    res["help_pass"] = help_s <= HELP_TARGET_S
    for c in res["commands"].values():
        c["over_baseline_s"] = c["best_s"] - base
    return res


def report_cold_start(res: dict[str, Any]) -> None:
    if "error" in res:
        print(f"\n== 3. cold start: skipped ({res['error']})")
        return
    rows = []
    for name, c in res["commands"].items():
        target = HELP_TARGET_S if name.endswith("--help") else None
        verdict = _verdict(res["help_pass"]) if target else ""
        rows.append(
            [
                name,
                c["best_s"],
                c["median_s"],
                c["over_baseline_s"],
                ",".join(map(str, c["exit_codes"])),
                target,
                verdict,
            ]
        )
    print_table(
        f"3. cold start (fresh process), best of {res['reps']}",
        ["command", "best s", "median s", "over python s", "exit", "target s", "verdict"],
        rows,
    )
    if res.get("PYTHONDONTWRITEBYTECODE"):
        print(
            "   note: PYTHONDONTWRITEBYTECODE is set, so the as-is rows compile the package "
            "from source on every start; the 'bytecode cached' rows are what an install sees"
        )
    for key, label in (("help_imports", "--help"), ("review_imports", "review")):
        top = ", ".join(f"{r['module']} {r['cumulative_s']:.3f}" for r in res[key][:5])
        print(f"   slowest top-level imports for {label} (cumulative s): {top}")
    for name, c in res["commands"].items():
        if c["error"]:
            print(f"   ! {name} failed: {c['error']}")


# --------------------------------------------------------------------------------------
# 4. peak memory

_MEM_CHILD = """
import re, sys
from gender_mainstream.checks.loader import load_rules
from gender_mainstream.nlp import get_nlp
from gender_mainstream.pipeline import review_file
pack = load_rules()
get_nlp()
out = ["-", "-"]
if sys.argv[1] != "-":
    report = review_file(sys.argv[1], rules=pack)
    out = [str(len(report.findings)), str(len(report.errors))]
try:
    with open("/proc/self/status", encoding="ascii") as fh:
        out.append(re.search(r"VmHWM:\\s+(\\d+)", fh.read()).group(1))
except OSError:
    out.append("-")
print(" ".join(out))
"""
_GNU_TIME = Path("/usr/bin/time")


def _child_peak(arg: str) -> dict[str, Any]:
    """Run a fresh python that reviews `arg` ("-": none); return its peak RSS figures in MB.

    Not os.wait4 / RUSAGE_CHILDREN on a child of this process: Linux carries the high-water
    RSS of the forking process across fork + exec into the child's ru_maxrss, so a child of
    a large benchmark process reports the benchmark's own size. VmHWM (/proc/self/status) is
    per address space and starts afresh at exec; /usr/bin/time (small itself) cross-checks.
    """
    cmd = [sys.executable, "-c", _MEM_CHILD, arg]
    use_time = _GNU_TIME.is_file()
    if use_time:
        cmd = [str(_GNU_TIME), "-f", "GM_MAXRSS_KB=%M", *cmd]
    t0 = _now()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = _now() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"memory child failed ({proc.returncode}): {proc.stderr[-800:]}")
    findings, errors, hwm = proc.stdout.split()[-3:]
    time_kb = None
    if use_time:
        m = re.search(r"GM_MAXRSS_KB=(\d+)", proc.stderr)
        time_kb = int(m.group(1)) if m else None
    return {
        "vmhwm_mb": int(hwm) / 1024 if hwm != "-" else None,
        "time_maxrss_mb": time_kb / 1024 if time_kb is not None else None,
        "wall_s": wall,
        "findings": None if findings == "-" else int(findings),
        "doc_errors": None if errors == "-" else int(errors),
    }


def _peak(r: dict[str, Any]) -> float | None:
    vals = [v for v in (r["vmhwm_mb"], r["time_maxrss_mb"]) if v is not None]
    return max(vals) if vals else None


def bench_memory(files: dict[str, list[Path]]) -> dict[str, Any]:
    """Peak RSS of a full review of the largest document, against a no-document baseline."""
    largest = max((p for ps in files.values() for p in ps), key=lambda p: p.stat().st_size)
    base = _child_peak("-")
    full = _child_peak(str(largest))
    peak, base_peak = _peak(full), _peak(base)
    return {
        "file": f"{largest.parent.name}/{largest.name}",
        "bytes": largest.stat().st_size,
        "chars": len(largest.read_text(encoding="utf-8")),
        "peak_rss_mb": peak,
        "baseline_rss_mb": base_peak,
        "delta_mb": peak - base_peak if peak is not None and base_peak is not None else None,
        "full": full,
        "baseline": base,
        "child_wall_s": full["wall_s"],
        "findings": full["findings"],
        "doc_errors": full["doc_errors"],
        "method": "fresh child: VmHWM from /proc/self/status and GNU time %M (max of the two); "
        "baseline = imports + rule pack + spaCy pipeline, no document",
    }


def report_memory(res: dict[str, Any]) -> None:
    print_table(
        "4. peak memory, full review (review_file) of the largest corpus document",
        [
            "file",
            "KB",
            "peak RSS MB",
            "baseline MB",
            "doc delta MB",
            "VmHWM MB",
            "time %M MB",
            "child s",
            "findings",
        ],
        [
            [
                res["file"],
                res["bytes"] / 1000,
                res["peak_rss_mb"],
                res["baseline_rss_mb"],
                res["delta_mb"],
                res["full"]["vmhwm_mb"],
                res["full"]["time_maxrss_mb"],
                res["child_wall_s"],
                res["findings"],
            ]
        ],
    )


# --------------------------------------------------------------------------------------
# 5. full review throughput


def bench_review(paths: Sequence[Path], runs: int) -> dict[str, Any]:
    """review_file over the batch corpus with one loaded rule pack (as the CLI does)."""
    from gender_mainstream.checks.loader import load_rules
    from gender_mainstream.pipeline import review_file

    pack = load_rules()
    review_file(SAMPLE_DOC, rules=pack)  # warm-up: spaCy pipeline, compiled matchers

    def once() -> tuple[list[float], Counter[str]]:
        times: list[float] = []
        rules: Counter[str] = Counter()
        for p in paths:
            t0 = _now()
            report = review_file(p, rules=pack)
            times.append(_now() - t0)
            rules.update(f.rule_id for f in report.findings)
        return times, rules

    best_total = math.inf
    best: tuple[list[float], Counter[str]] = ([], Counter())
    all_totals: list[float] = []
    for _ in range(runs):
        gc.collect()
        times, rules = once()
        all_totals.append(sum(times))
        if sum(times) < best_total:
            best_total, best = sum(times), (times, rules)
    times, rules = best
    n_bytes = sum(p.stat().st_size for p in paths)
    slow = sorted(zip(paths, times, strict=True), key=lambda x: x[1], reverse=True)[:5]
    return {
        "docs": len(paths),
        "bytes": n_bytes,
        "runs": runs,
        "seconds": best_total,
        "all_runs_seconds": all_totals,
        "mb_per_s": n_bytes / MB / best_total,
        "docs_per_s": len(paths) / best_total,
        "findings": sum(rules.values()),
        "findings_by_rule": dict(rules.most_common()),
        "slowest_docs": [
            {"file": p.name, "bytes": p.stat().st_size, "seconds": t} for p, t in slow
        ],
    }


def report_review(res: dict[str, Any], parse_batch_s: float | None) -> None:
    rows = [
        [
            "review_file (batch)",
            res["docs"],
            res["bytes"] / MB,
            res["seconds"],
            res["mb_per_s"],
            res["docs_per_s"],
            res["findings"],
        ]
    ]
    print_table(
        f"5. full review throughput (review_file, rules loaded once), best of {res['runs']}",
        ["corpus", "docs", "MB", "seconds", "MB/s", "docs/s", "findings"],
        rows,
    )
    if parse_batch_s is not None:
        checks = res["seconds"] - parse_batch_s
        print(
            f"   of which parse (section 1, batch) {parse_batch_s:.2f} s; tokenize + checks + "
            f"report ≈ {checks:.2f} s ({checks / res['seconds'] * 100:.0f}%)"
        )
    print(f"   findings by rule: {res['findings_by_rule'] or 'none'}")


# --------------------------------------------------------------------------------------
# profiling


def profile_stage(stage: str, paths: Sequence[Path], top: int = 25) -> str:
    """cProfile one stage over `paths`; return the report text (also saved under bench/out)."""
    from gender_mainstream.ingest import read_raw
    from gender_mainstream.normalize import normalize
    from gender_mainstream.structure import build_document

    raws = [read_raw(p) for p in paths]
    norms = [normalize(r) for r in raws] if stage == "structure" else []
    prof = cProfile.Profile()
    if stage == "ingest":
        prof.runcall(lambda: [read_raw(p) for p in paths])
    elif stage == "normalize":
        prof.runcall(lambda: [normalize(r) for r in raws])
    else:
        prof.runcall(lambda: [build_document(r, n) for r, n in zip(raws, norms, strict=True)])
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    prof.dump_stats(str(OUT_DIR / f"foundation-{stage}.prof"))
    buf = io.StringIO()
    st = pstats.Stats(prof, stream=buf)
    buf.write(
        f"### {stage} over {len(paths)} batch documents: top {top} cumulative "
        "(gender_mainstream only)\n"
    )
    st.sort_stats("cumulative").print_stats("gender_mainstream", top)
    buf.write(f"### {stage}: top {top} by own time (all functions)\n")
    st.sort_stats("tottime").print_stats(top)
    text = buf.getvalue().replace(str(ROOT / "src") + "/", "")
    (OUT_DIR / f"foundation-{stage}-profile.txt").write_text(text, encoding="utf-8")
    return text


# --------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (about 4x faster)")
    ap.add_argument(
        "--profile",
        action="store_true",
        help="cProfile the slowest parse stage on the batch corpus",
    )
    ap.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=["pdf", "cold", "memory", "review"],
        help="skip a section (repeatable)",
    )
    args = ap.parse_args(argv)

    files = corpus_files()  # exits with a message if the corpus is absent
    runs = {
        "corpus": 1 if args.quick else 3,
        "pdf": 2 if args.quick else 5,
        "cold": 2 if args.quick else 5,
        "review": 1 if args.quick else 2,
    }
    all_cpus = set(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    pinned, _ = pin_one_core()
    pinned_set = {pinned} if pinned is not None else None
    facts = machine_facts(pinned)
    facts["cpus_available"] = len(all_cpus) if all_cpus else None
    results: dict[str, Any] = {
        "benchmark": "foundation",
        "schema": 1,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "runs": runs,
        "machine": facts,
        "corpus_dir": str(CORPUS),
    }
    print(f"foundation benchmark  ({'quick' if args.quick else 'full'} run, {results['when']})")
    print(
        f"machine: {facts['cpu_count']} logical cores ({facts['cpus_available']} available, "
        f"pinned to CPU {pinned}), {facts['cpu_model']}, {facts.get('mem_total_mb')} MB RAM, "
        f"load {_fmt(facts['loadavg_1m'])}"
    )
    print(f"python {facts['python']} ({facts['implementation']}) {facts['executable']}")
    print(f"versions: {facts['versions']}")
    if facts.get("git_head"):
        dirty = facts["git_dirty_files"]
        print(
            f"git {facts['git_head']}"
            + (
                f", uncommitted (diff {facts['git_diff_sha1']}): {', '.join(dirty)}"
                if dirty
                else ""
            )
        )

    t_all = _now()
    results["corpus"] = bench_corpus(files, runs["corpus"])
    report_corpus(results["corpus"])

    def section(key: str, run: Callable[[], dict[str, Any]], show: Callable[..., None]) -> None:
        # A failing section is reported and recorded; the others still run.
        try:
            results[key] = run()
        except Exception as exc:
            results[key] = {"error": f"{type(exc).__name__}: {exc}"}
            print(f"\n== {key}: FAILED: {type(exc).__name__}: {str(exc)[-1500:]}")
            return
        show(results[key])

    if "pdf" not in args.skip:
        section("pdf", lambda: bench_pdf(runs["pdf"]), report_pdf)

    # Fresh processes run on every CPU we were given, as a user would run them.
    set_cpus(all_cpus)
    if "cold" not in args.skip:
        section("cold_start", lambda: bench_cold_start(runs["cold"]), report_cold_start)
    if "memory" not in args.skip:
        section("memory", lambda: bench_memory(files), report_memory)

    set_cpus(pinned_set)
    if "review" not in args.skip:
        parse_batch_s = results["corpus"]["folders"]["batch"]["seconds"]
        section(
            "review",
            lambda: bench_review(files["batch"], runs["review"]),
            lambda res: report_review(res, parse_batch_s),
        )

    targets = {
        "pdf_pages_per_s>=200": results.get("pdf", {}).get("pass"),
        "help_cold_start<=0.3s": results.get("cold_start", {}).get("help_pass"),
    }
    results["targets"] = targets
    print_table("targets", ["target", "verdict"], [[k, _verdict(v)] for k, v in targets.items()])

    if args.profile:
        batch = results["corpus"]["folders"]["batch"]["stages"]
        slowest = max(STAGES, key=lambda s: batch[s]["seconds"])
        print(f"\n== profile: slowest stage on batch is {slowest}")
        print(profile_stage(slowest, files["batch"]))
        results["profiled_stage"] = slowest

    results["bench_seconds"] = _now() - t_all
    if hasattr(os, "getloadavg"):
        # A load well above 1 during the run means something else competed for the CPU.
        results["machine"]["loadavg_1m_end"] = os.getloadavg()[0]
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out = OUT_DIR / "foundation.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {out.relative_to(ROOT)} ({results['bench_seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
