"""Batch benchmark: `batch --jobs 1` and `--jobs 2` beside a plain `review_file` loop.

Run from the project root::

    .venv/bin/python bench/bench_batch.py                  # ../shared/corpus/batch, best of 2
    .venv/bin/python bench/bench_batch.py --corpus corpora --repeat 1

Each measurement runs in a fresh Python process, as a user's command would, so the figures
include start-up: imports, compiling the rule pack, starting workers. The three modes run in
turn (loop, jobs 1, jobs 2, then again) so that machine noise touches all of them alike; the
best run of each is kept. Reported:

- documents/s and MB/s for each mode, and the speedup of --jobs 2 over --jobs 1 (target
  >= 1.6x on two cores), end to end and after start-up (first to last result: the rate a
  batch of thousands of documents runs at);
- peak resident memory of each worker (ru_maxrss in the worker, carried in every record as
  `batch.rss_mb`; target < 400 MB) and of the coordinating process;
- time to the first line of results.jsonl, from the start of the process;
- the batch layer's overhead against a `review_file` loop: --jobs 1 with and without the
  per-document HTML report (hashing, JSON lines, fsync, summaries, dashboard).

Writes bench/out/batch.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "batch"
OUT = ROOT / "bench" / "out"
MB = 1_000_000
TARGET_SPEEDUP = 1.6
TARGET_RSS_MB = 400.0


def _child(mode: str, corpus: str, out: str) -> dict[str, Any]:
    """One measurement, in this (fresh) process; times count from process start."""
    start = float(os.environ["GM_BENCH_T0"])
    import resource

    from gender_mainstream.batch import BatchOptions, find_documents, read_results, run_batch

    files = find_documents([corpus])
    result: dict[str, Any] = {"mode": mode, "documents": len(files)}
    if mode == "loop":
        from gender_mainstream import load_rules, review_file

        pack = load_rules()
        first = None
        failed = 0
        for f in files:
            report = review_file(f, rules=pack)
            failed += report.document.format is None
            first = first or time.time() - start
        result.update(
            first_result_s=first,
            worker_rss_mb=None,
            failed=failed,
            steady_docs_per_s=(len(files) - 1) / (time.time() - start - first),
        )
    else:
        jobs = int(mode.split("-")[1])
        html = not mode.endswith("nohtml")
        called = time.time() - start
        summary = run_batch([corpus], out, jobs=jobs, options=BatchOptions(out_dir=out, html=html))
        records, _ = read_results(Path(out, "results.jsonl"))
        result.update(
            first_result_s=called + (summary.first_result_s or 0),
            worker_rss_mb=max(r["batch"]["rss_mb"] for r in records),
            failed=summary.failed,
            steady_docs_per_s=(summary.reviewed - 1)
            / max(summary.seconds - (summary.first_result_s or 0), 1e-9),
        )
    result["wall_s"] = time.time() - start
    result["self_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def _measure(mode: str, corpus: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="gm-bench-") as tmp:
        env = {**os.environ, "GM_BENCH_T0": repr(time.time())}
        proc = subprocess.run(
            [sys.executable, __file__, "--child", mode, "--corpus", str(corpus), "--out", tmp],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if proc.returncode != 0:
            sys.exit(f"bench_batch: {mode} failed:\n{proc.stderr[-2000:]}")
        return dict(json.loads(proc.stdout.splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, str(args.corpus), args.out)))
        return
    if not args.corpus.is_dir():
        sys.exit(f"bench_batch: {args.corpus}: no such folder (the shared corpus is optional)")
    from gender_mainstream.batch import find_documents

    files = find_documents([args.corpus])
    size = sum(f.stat().st_size for f in files)
    modes = ["loop", "jobs-1-nohtml", "jobs-1", "jobs-2"]
    best: dict[str, dict[str, Any]] = {}
    for _ in range(args.repeat):
        for mode in modes:
            r = _measure(mode, args.corpus)
            if mode not in best or r["wall_s"] < best[mode]["wall_s"]:
                best[mode] = r
    for r in best.values():
        r["docs_per_s"] = r["documents"] / r["wall_s"]
        r["mb_per_s"] = size / MB / r["wall_s"]
    speedup = best["jobs-1"]["wall_s"] / best["jobs-2"]["wall_s"]
    steady = best["jobs-2"]["steady_docs_per_s"] / best["jobs-1"]["steady_docs_per_s"]
    overhead = best["jobs-1"]["wall_s"] / best["loop"]["wall_s"] - 1
    overhead_nohtml = best["jobs-1-nohtml"]["wall_s"] / best["loop"]["wall_s"] - 1
    worker_rss = max(best[m]["worker_rss_mb"] for m in ("jobs-1", "jobs-2"))
    print(
        f"corpus: {args.corpus} — {len(files)} documents, {size / MB:.2f} MB; best of "
        f"{args.repeat}, each run a fresh process (start-up included)"
    )
    print(
        f"{'mode':<15}{'wall s':>8}{'docs/s':>9}{'MB/s':>8}{'first s':>9}"
        f"{'steady docs/s':>15}{'worker MB':>11}{'main MB':>9}"
    )
    for mode in modes:
        r = best[mode]
        wr = "—" if r["worker_rss_mb"] is None else f"{r['worker_rss_mb']:.0f}"
        print(
            f"{mode:<15}{r['wall_s']:>8.2f}{r['docs_per_s']:>9.1f}{r['mb_per_s']:>8.2f}"
            f"{r['first_result_s']:>9.2f}{r['steady_docs_per_s']:>15.1f}{wr:>11}"
            f"{r['self_rss_mb']:>9.0f}"
        )
    ok_speed = speedup >= TARGET_SPEEDUP
    ok_rss = worker_rss < TARGET_RSS_MB
    print(
        f"speedup jobs 2 / jobs 1: {speedup:.2f}x (target >= {TARGET_SPEEDUP}x) "
        f"{'PASS' if ok_speed else 'FAIL'}; after start-up (first to last result) {steady:.2f}x"
    )
    print(
        f"peak worker memory: {worker_rss:.0f} MB (target < {TARGET_RSS_MB:.0f} MB) "
        f"{'PASS' if ok_rss else 'FAIL'}"
    )
    print(
        f"batch layer overhead vs review_file loop: {overhead:+.1%} with per-document HTML, "
        f"{overhead_nohtml:+.1%} without"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "batch.json").write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "corpus": str(args.corpus),
                "documents": len(files),
                "megabytes": size / MB,
                "cpus": os.cpu_count(),
                "best": best,
                "speedup": speedup,
                "steady_speedup": steady,
                "overhead": overhead,
                "overhead_nohtml": overhead_nohtml,
                "worker_rss_mb": worker_rss,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    shutil.rmtree(OUT / "pycache", ignore_errors=True)


if __name__ == "__main__":
    main()
