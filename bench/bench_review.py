"""Review benchmark: full-pack review throughput beside a bare regex scan of the phrase list.

Run from the project root::

    .venv/bin/python bench/bench_review.py            # best of 3 over ../shared/corpus/batch
    .venv/bin/python bench/bench_review.py --repeat 1 --corpus corpora

The figure that matters is the ratio: the whole review (read the file, normalize, build the
structure, index words, run every rule of the pack, grade the scorecard) against the cheapest
thing that could be called a checker — one compiled regex alternation of every lexicon term
and pattern anchor of the same pack, run over the same text already in memory. Both run in
this process, pinned to one CPU, side by side, so machine noise affects both alike. Target:
ratio <= 10. Also reports the per-stage split of the review and writes bench/out/review.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "batch"
OUT = ROOT / "bench" / "out"
MB = 1_000_000
TARGET_RATIO = 10.0


def _pin() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _phrases(pack: Any) -> list[str]:
    """Every literal phrase the pack looks for: lexicon terms and pattern anchors."""
    out: set[str] = set()
    for rule in pack.rules:
        out.update(getattr(rule, "terms", []) or [])
        for p in getattr(rule, "patterns", []) or []:
            out.update(getattr(p, "anchors", []) or [])
        out.update(getattr(rule, "anchors", []) or [])
    return sorted(out, key=len, reverse=True)


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"bench_review: {args.corpus} not found; give --corpus DIR", file=sys.stderr)
        return 2
    _pin()
    from gender_mainstream import load_rules, review_file
    from gender_mainstream.engine import run_checks
    from gender_mainstream.pipeline import parse_file

    files = sorted(p for p in args.corpus.iterdir() if p.suffix in (".txt", ".docx", ".pdf"))
    size = sum(p.stat().st_size for p in files)
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in files if p.suffix == ".txt"]
    pack = load_rules()
    _ = pack.compiled  # compile once, as a long-running reviewer would
    review_file(files[0], rules=pack)  # warm: spaCy tokenizer, regex caches

    phrases = _phrases(pack)
    # The fastest naive checker: lower-case the text, one case-sensitive alternation.
    bare = re.compile("|".join(re.escape(p.lower()) for p in phrases))

    def scan() -> int:
        return sum(len(bare.findall(t.lower())) for t in texts)

    def review() -> int:
        return sum(len(review_file(p, rules=pack).findings) for p in files)

    def parse_only() -> int:
        return sum(len(parse_file(p).paragraphs) for p in files)

    docs = [parse_file(p) for p in files]

    def checks_only() -> int:
        return sum(len(run_checks(d, pack).findings) for d in docs)

    t_scan, hits = _best(scan, args.repeat)
    t_review, findings = _best(review, args.repeat)
    t_parse, _ = _best(parse_only, args.repeat)
    t_checks, _ = _best(checks_only, args.repeat)
    text_mb = sum(len(t.encode("utf-8")) for t in texts) / MB
    rows = {
        "files": len(files),
        "input_mb": round(size / MB, 3),
        "phrases": len(phrases),
        "rules": len(pack.rules),
        "bare_regex_mb_s": round(text_mb / t_scan, 2),
        "bare_regex_hits": hits,
        "review_mb_s": round(size / MB / t_review, 2),
        "review_docs_s": round(len(files) / t_review, 1),
        "review_findings": findings,
        "parse_mb_s": round(size / MB / t_parse, 2),
        "checks_mb_s": round(size / MB / t_checks, 2),
    }
    rows["ratio"] = round(rows["bare_regex_mb_s"] / rows["review_mb_s"], 2)
    rows["target_ratio"] = TARGET_RATIO
    rows["pass"] = rows["ratio"] <= TARGET_RATIO
    print(f"corpus {args.corpus} — {len(files)} files, {size / MB:.2f} MB, best of {args.repeat}")
    print(f"  bare regex ({len(phrases)} phrases)   {rows['bare_regex_mb_s']:>8.2f} MB/s")
    print(
        f"  full review ({len(pack.rules)} rules)     {rows['review_mb_s']:>8.2f} MB/s"
        f"  ({rows['review_docs_s']} docs/s)"
    )
    print(f"    of which parse (ingest→structure) {rows['parse_mb_s']:>8.2f} MB/s")
    print(f"    of which checks (nlp→scorecard)   {rows['checks_mb_s']:>8.2f} MB/s")
    verdict = "PASS" if rows["pass"] else "FAIL"
    print(f"  ratio {rows['ratio']:.2f} (target <= {TARGET_RATIO:g}) {verdict}")
    OUT.mkdir(parents=True, exist_ok=True)
    rows["when"] = datetime.now(UTC).isoformat(timespec="seconds")
    (OUT / "review.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
