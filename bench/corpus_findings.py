"""Findings per 100 pages, by category and rule, over a folder of real documents.

    python bench/corpus_findings.py ../shared/corpus/real ../shared/corpus/batch [--list RULE]

Plain-text files have no pages: a page is counted as 3,000 characters of text (about one
A4 page of an administrative document in 13–14 pt type). `--list` prints every finding of
one rule (or category) with its sentence, to read what the pack flags.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from gender_mainstream import load_rules, parse_file, review_document

CHARS_PER_PAGE = 3000


def main(argv: list[str] | None = None) -> int:
    """Run the pack over the folders and print the rates."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="+", type=Path)
    ap.add_argument("--list", metavar="RULE_OR_CATEGORY", action="append", default=[])
    args = ap.parse_args(argv)
    pack = load_rules()
    pages = 0.0
    docs = relevant = 0
    by_cat: Counter[str] = Counter()
    by_rule: Counter[str] = Counter()
    statuses: Counter[tuple[str, str]] = Counter()
    listing: list[str] = []
    for folder in args.folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() not in {".txt", ".docx", ".pdf"} or path.name == "INDEX.tsv":
                continue
            doc = parse_file(path)
            report = review_document(doc, rules=pack)
            docs += 1
            relevant += bool(report.document.gender_relevant)
            pages += doc.metadata.pages or max(1.0, len(doc.text) / CHARS_PER_PAGE)
            for s in report.scorecard:
                statuses[(s.id, s.status)] += 1
            for f in report.findings:
                by_cat[f.category.value] += 1
                by_rule[f.rule_id] += 1
                if f.rule_id in args.list or f.category.value in args.list:
                    start = f.location.start or 0
                    context = doc.source_text[max(0, start - 80) : (f.location.end or start) + 80]
                    listing.append(
                        f"{path.name} [{f.location.section}] {f.rule_id} {f.text!r}\n"
                        f"    …{' '.join(context.split())}…"
                    )
    print(f"{docs} documents, {pages:.0f} pages, {relevant} judged gender-relevant")
    print(f"{'category':<16}{'findings':>9}{'per 100 pages':>15}")
    for cat, n in by_cat.most_common():
        print(f"{cat:<16}{n:>9}{100 * n / pages:>15.1f}")
    print(f"{'all':<16}{sum(by_cat.values()):>9}{100 * sum(by_cat.values()) / pages:>15.1f}")
    print("\nby rule:")
    for rule, n in sorted(by_rule.items()):
        print(f"  {rule}  {n:>5}  {100 * n / pages:>6.1f} /100 pages")
    print("\nscorecard (relevant and not):")
    for element in dict.fromkeys(e for e, _ in statuses):
        row = ", ".join(f"{st} {n}" for (e, st), n in sorted(statuses.items()) if e == element)
        print(f"  {element:<24}{row}")
    if listing:
        print("\n" + "\n".join(listing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
