"""Accuracy against gold annotations: precision and recall per category, scorecard accuracy.

A gold file `X.gold.yaml` sits beside each document `X.txt` (format in corpora/README.md),
in the corpus folder or any folder below it:
the findings a careful reviewer would mark (a short span of the document's words, or a
document-level mainstreaming gap named by its scorecard element), spans that must not be
flagged, and the six scorecard statuses.

Matching is deliberately lenient on span edges — a reviewer's highlight and the tool's span
rarely agree to the character — and strict on category: a predicted finding matches a gold
one of the same category when it overlaps it in the document or sits in the same sentence.
Gold texts are found by position in the parsed document, so the same words elsewhere do not
count.
Document-level findings match by (category, element).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gender_mainstream.checks.loader import RulePack, load_rules
from gender_mainstream.errors import RuleError
from gender_mainstream.model import SCORE_ELEMENTS, Category, Document, Finding, Report
from gender_mainstream.model.finding import ScoreElement, ScoreStatus
from gender_mainstream.normalize import canonicalize
from gender_mainstream.pipeline import parse_file, review_document
from gender_mainstream.vi import lower

__all__ = ["CategoryScore", "EvalResult", "GoldFile", "evaluate", "load_gold"]


class GoldFinding(BaseModel):
    """One expected finding."""

    model_config = ConfigDict(extra="forbid")

    category: Category
    text: str | None = None
    element: ScoreElement | None = None
    note: str = ""

    @model_validator(mode="after")
    def _text_or_element(self) -> GoldFinding:
        if (self.text is None) == (self.element is None):
            raise ValueError("a gold finding has either `text` (a span) or `element` (a gap)")
        if self.element is not None and self.category != Category.MAINSTREAMING:
            raise ValueError("document-level gold findings (`element`) are mainstreaming")
        return self


class GoldSpan(BaseModel):
    """A span that must not be flagged."""

    model_config = ConfigDict(extra="forbid")

    text: str
    note: str = ""


class GoldFile(BaseModel):
    """A document's gold annotation."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1]
    document: str
    doc_type: str | None = None
    gender_relevant: bool
    findings: list[GoldFinding] = Field(default_factory=list)
    must_not_flag: list[GoldSpan] = Field(default_factory=list)
    scorecard: dict[ScoreElement, ScoreStatus]


def load_gold(path: Path) -> GoldFile:
    """Read and validate a gold file.

    Raises:
        RuleError: the file is not valid YAML or not in the gold format.

    """
    try:
        return GoldFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise RuleError(
            path, f"invalid gold file ({exc})".replace("\n", " "), "see corpora/README.md"
        ) from exc


def _key(text: str) -> str:
    return " ".join(canonicalize(text).lower().split())


def _overlaps(a: str, b: str) -> bool:
    """Return True when two canonical keys cover the same words.

    "bầu ra trong số những nam giới" and "trong số những nam giới có uy tín" do.
    """
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    wa, wb = a.split(), b.split()
    run = SequenceMatcher(None, wa, wb, autojunk=False).find_longest_match()
    return run.size >= 3 and 2 * run.size >= min(len(wa), len(wb))


@dataclass
class CategoryScore:
    """Counts for one category."""

    gold: int = 0
    predicted: int = 0
    true_positive: int = 0

    @property
    def precision(self) -> float:
        """TP / predicted (1.0 when nothing was predicted)."""
        return self.true_positive / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """TP / gold (1.0 when nothing was expected)."""
        return self.true_positive / self.gold if self.gold else 1.0


@dataclass
class EvalResult:
    """The outcome of an evaluation run."""

    categories: dict[str, CategoryScore] = field(default_factory=dict)
    scorecard_correct: int = 0
    scorecard_total: int = 0
    relevance_correct: int = 0
    doc_type_correct: int = 0
    doc_type_total: int = 0
    documents: int = 0
    false_positives: list[str] = field(default_factory=list)
    false_negatives: list[str] = field(default_factory=list)
    must_not_flag_hits: list[str] = field(default_factory=list)
    scorecard_misses: list[str] = field(default_factory=list)

    @property
    def overall(self) -> CategoryScore:
        """Micro-averaged counts over all categories."""
        total = CategoryScore()
        for c in self.categories.values():
            total.gold += c.gold
            total.predicted += c.predicted
            total.true_positive += c.true_positive
        return total

    @property
    def scorecard_accuracy(self) -> float:
        """Share of scorecard statuses equal to the gold ones."""
        return self.scorecard_correct / self.scorecard_total if self.scorecard_total else 1.0


def _element_of(pack: RulePack, f: Finding) -> str | None:
    spec = pack.by_id.get(f.rule_id)
    return spec.element if spec is not None else None


class _Places:
    """Where gold texts and findings sit in one document, in source offsets.

    A finding matches a gold span when their source spans overlap or fall in the same
    sentence (a reviewer marks the clause; the tool may mark another part of it). A
    must-not-flag span is hit only by an overlapping finding. Texts are found by position,
    so "cán bộ nữ" in a lawful clause is not confused with the same words elsewhere.
    """

    def __init__(self, document: Document) -> None:
        self.document = document
        self.lower = lower(document.text)
        smap = document._source_map.omap
        self.units: list[tuple[int, int]] = sorted(
            smap.span(s.start, s.end) for p in document.paragraphs for s in p.sentences
        )
        self._span = smap.span

    def find(self, text: str) -> list[tuple[int, int]]:
        """Return the source spans of every occurrence of `text`."""
        words = _key(text).split()
        if not words:
            return []
        rx = re.compile(r"\s+".join(re.escape(w) for w in words))
        return [self._span(m.start(), m.end()) for m in rx.finditer(self.lower)]

    def unit(self, offset: int) -> int:
        """Return the index of the sentence holding a source offset (-1 if none)."""
        i = bisect_right(self.units, (offset, 1 << 62)) - 1
        return i if i >= 0 and self.units[i][0] <= offset < self.units[i][1] else -1

    def same_clause(self, f: Finding, spans: list[tuple[int, int]]) -> bool:
        """Say whether the finding overlaps one of `spans` or shares its sentence."""
        a, b = f.location.start, f.location.end
        if a is None or b is None:
            return False
        u = self.unit(a)
        return any((a < e and s < b) or (u >= 0 and self.unit(s) == u) for s, e in spans)

    def overlaps(self, f: Finding, spans: list[tuple[int, int]]) -> bool:
        """Say whether the finding's source span overlaps one of `spans`."""
        a, b = f.location.start, f.location.end
        return a is not None and b is not None and any(a < e and s < b for s, e in spans)


def _score_document(
    gold: GoldFile, document: Document, report: Report, pack: RulePack, result: EvalResult
) -> None:
    name = gold.document
    places = _Places(document)
    spans = [f for f in report.findings if f.text is not None]
    doc_level = [f for f in report.findings if f.text is None]
    gold_spans = [g for g in gold.findings if g.text is not None]
    gold_doc = [g for g in gold.findings if g.text is None]

    def matches(f: Finding, g_text: str, where: list[tuple[int, int]]) -> bool:
        if where:
            return places.same_clause(f, where)
        return _overlaps(_key(f.text or ""), _key(g_text))  # text not found: fall back

    for cat in Category:
        score = result.categories.setdefault(cat.value, CategoryScore())
        preds = [f for f in spans if f.category == cat]
        golds = [g for g in gold_spans if g.category == cat]
        where = [places.find(g.text or "") for g in golds]
        used: set[int] = set()
        matched_golds: set[int] = set()
        # Findings on the marked words first, then findings elsewhere in the same sentence, so
        # a sentence with two marked problems does not spend one finding on the wrong one.
        for strict in (True, False):
            for i, g in enumerate(golds):
                if i in matched_golds:
                    continue
                for j, p in enumerate(preds):
                    if j in used:
                        continue
                    found = (
                        places.overlaps(p, where[i])
                        if strict and where[i]
                        else matches(p, g.text or "", where[i])
                    )
                    if found:
                        used.add(j)
                        matched_golds.add(i)
                        break
        # Several findings on one marked clause count once, not as false positives.
        extra = [
            j
            for j, p in enumerate(preds)
            if j not in used
            and any(matches(p, golds[i].text or "", where[i]) for i in matched_golds)
        ]
        score.gold += len(golds)
        score.predicted += len(preds) - len(extra)
        score.true_positive += len(matched_golds)
        for j, p in enumerate(preds):
            if j not in used and j not in extra:
                result.false_positives.append(f"{name}: {cat.value} {p.rule_id} {p.text!r}")
        for i, g in enumerate(golds):
            if i not in matched_golds:
                result.false_negatives.append(f"{name}: {cat.value} {g.text!r}")
        # Document-level gaps: one per (category, element), by set.
        pred_elems = {_element_of(pack, f) or f.rule_id for f in doc_level if f.category == cat}
        gold_elems = {g.element or "" for g in gold_doc if g.category == cat}
        hit = pred_elems & gold_elems
        score.gold += len(gold_elems)
        score.predicted += len(pred_elems)
        score.true_positive += len(hit)
        result.false_positives.extend(
            f"{name}: {cat.value} missing {e}" for e in sorted(pred_elems - hit)
        )
        result.false_negatives.extend(
            f"{name}: {cat.value} missing {e}" for e in sorted(gold_elems - hit)
        )
    for span in gold.must_not_flag:
        where_not = places.find(span.text)
        for f in spans:
            hit_it = (
                places.overlaps(f, where_not)
                if where_not
                else _overlaps(_key(f.text or ""), _key(span.text))
            )
            if hit_it:
                result.must_not_flag_hits.append(f"{name}: {f.rule_id} {f.text!r} in {span.text!r}")
    statuses = {s.id: s.status for s in report.scorecard}
    for element in SCORE_ELEMENTS:
        result.scorecard_total += 1
        want = gold.scorecard.get(element)
        got = statuses.get(element)
        if want == got:
            result.scorecard_correct += 1
        else:
            result.scorecard_misses.append(f"{name}: {element} gold={want} got={got}")
    result.relevance_correct += report.document.gender_relevant == gold.gender_relevant
    if gold.doc_type is not None:
        result.doc_type_total += 1
        result.doc_type_correct += report.document.doc_type == gold.doc_type
        if report.document.doc_type != gold.doc_type:
            result.scorecard_misses.append(
                f"{name}: doc_type gold={gold.doc_type} got={report.document.doc_type}"
            )


def evaluate(corpus: str | Path, *, rules: RulePack | None = None) -> EvalResult:
    """Review every document that has a gold file in a corpus folder (and its sub-folders).

    Raises:
        RuleError: a gold file is invalid; InputError: a document cannot be read.

    """
    pack = rules or load_rules()
    folder = Path(corpus)
    result = EvalResult()
    for gold_path in sorted(folder.rglob("*.gold.yaml")):
        gold = load_gold(gold_path)
        document = parse_file(gold_path.parent / gold.document)
        report = review_document(document, rules=pack)
        rel = gold_path.parent.relative_to(folder)
        if rel != Path():
            gold = gold.model_copy(update={"document": f"{rel.as_posix()}/{gold.document}"})
        _score_document(gold, document, report, pack, result)
        result.documents += 1
    return result


def render_eval(result: EvalResult, *, verbose: bool = False) -> str:
    """Render the result as a text table."""
    lines = [f"{'category':<16}{'gold':>6}{'found':>7}{'match':>7}{'precision':>11}{'recall':>8}"]
    rows = [*sorted(result.categories.items()), ("all", result.overall)]
    for name, c in rows:
        lines.append(
            f"{name:<16}{c.gold:>6}{c.predicted:>7}{c.true_positive:>7}"
            f"{c.precision:>11.2f}{c.recall:>8.2f}"
        )
    lines.append(
        f"scorecard accuracy {result.scorecard_accuracy:.2f} "
        f"({result.scorecard_correct}/{result.scorecard_total}); gender relevance "
        f"{result.relevance_correct}/{result.documents}; document type "
        f"{result.doc_type_correct}/{result.doc_type_total}; must-not-flag hits "
        f"{len(result.must_not_flag_hits)}; documents {result.documents}"
    )
    if verbose:
        for title, items in (
            ("false positives", result.false_positives),
            ("false negatives", result.false_negatives),
            ("must-not-flag hits", result.must_not_flag_hits),
            ("scorecard misses", result.scorecard_misses),
        ):
            lines.append(f"-- {title} ({len(items)})")
            lines.extend(f"   {x}" for x in items)
    return "\n".join(lines) + "\n"


def summary_counts(result: EvalResult) -> Counter[str]:
    """Return FP counts by rule, to see which rules cost precision."""
    counts: Counter[str] = Counter()
    for fp in result.false_positives:
        parts = fp.split()
        if len(parts) > 2:
            counts[parts[2]] += 1
    return counts
