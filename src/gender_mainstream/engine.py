"""Run a compiled rule pack over a document and turn hits into located findings.

Two judgements are made here for every rule type alike:

- **which documents a rule applies to** (`doc_types`, `skip_doc_types`);
- **which law applies at the document's date**: every citation carries the dates it was in
  force. The basis shown is the law in force when the document was issued, followed by what
  replaced it; a document issued before `unlawful_from` (say, a 2009 decision using the then
  legal retirement ages) gets an `info` finding to amend on review, not an error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from bisect import bisect_right
from collections import Counter

from gender_mainstream.checks.base import Hit
from gender_mainstream.checks.loader import RulePack
from gender_mainstream.checks.schema import RuleBase
from gender_mainstream.model import (
    Category,
    DocIssue,
    Document,
    Excerpt,
    Finding,
    LegalBasis,
    Location,
    Severity,
)
from gender_mainstream.nlp import AnalyzedDoc, analyze

__all__ = ["CheckResult", "legal_basis_on", "run_checks"]


class CheckResult:
    """Findings of one document, with the analysis the scorecard reads."""

    def __init__(self, findings: list[Finding], adoc: AnalyzedDoc, issues: list[DocIssue]) -> None:
        self.findings = findings
        self.adoc = adoc
        self.issues = issues


def _fingerprint(rule_id: str, section: str | None, text: str | None, occurrence: int) -> str:
    """Stable across re-runs and edits elsewhere in the document: no offsets inside."""
    key = "\x1f".join(
        [rule_id, section or "", " ".join((text or "").lower().split()), str(occurrence)]
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _message(spec: RuleBase, hit: Hit, matched: str | None) -> str:
    message = spec.message.replace("{match}", matched or "")
    for name, value in hit.values.items():
        message = message.replace("{" + name + "}", value)
    return message


def _location(document: Document, hit: Hit) -> Location:
    if hit.start is None or hit.end is None:
        return Location(section=hit.section)
    section = None
    index = None
    if hit.paragraph is not None:
        section = document.paragraphs[hit.paragraph].section
        index = document.paragraphs[hit.paragraph].index
    return document._source_map.locate(hit.start, hit.end, paragraph=index, section=section)  # type: ignore[no-any-return]


def legal_basis_on(spec: RuleBase, day: dt.date | None) -> list[LegalBasis]:
    """Return the citations that applied on `day`, then the ones in force today.

    A reviewer of an old text needs both: what bound the drafter then, and what replaced it.
    """
    today = dt.date.today()
    refs = [ref.to_basis() for ref in spec.legal_basis]
    then = [b for b in refs if b.in_force_on(day or today)]
    now = [b for b in refs if b.in_force_on(today) and b not in then]
    return then + [
        b.model_copy(update={"citation": f"{b.citation} (quy định hiện hành)"}) for b in now
    ]


def _applies(spec: RuleBase, document: Document, day: dt.date | None) -> bool:
    doc_type = document.metadata.doc_type
    if doc_type is not None and doc_type in spec.skip_doc_types:
        return False
    if spec.applies_from is not None and day is not None and day < spec.applies_from:
        return False
    # A rule about texts of a past legal regime needs a date to know the text is from then.
    if spec.applies_until is not None and (day is None or day > spec.applies_until):
        return False
    # An unknown type (a pasted snippet) gets every rule.
    return (
        spec.document_scope
        or spec.doc_types is None
        or doc_type is None
        or (doc_type in spec.doc_types)
    )


_TREATS_SEXES_APART = frozenset({Category.DISCRIMINATION, Category.STEREOTYPE})


def _relevant_by_findings(
    hits: list[Hit], pack: RulePack, document: Document, adoc: AnalyzedDoc
) -> None:
    """Mark a text gender-relevant when it treats women and men differently.

    A digital-transformation plan may not be about gender, but once it prefers men for its
    community teams it must be read as gender-relevant (Luật BĐG Điều 21), so its
    mainstreaming is graded, not skipped.
    """
    topics = adoc.cache.get("topics")
    if topics is None or topics.gender_relevant:
        return
    day = adoc.reference_day()[0]
    for hit in hits:
        spec = pack.by_id[hit.rule_id]
        if spec.category in _TREATS_SEXES_APART and _applies(spec, document, day):
            topics.gender_relevant = True
            document.metadata.gender_relevant = True
            return


_EXCERPT_MAX = 360


def _excerpt(adoc: AnalyzedDoc, start: int | None, end: int | None) -> Excerpt | None:
    """Return the sentence(s) holding [start, end), cut to a readable length around it."""
    if start is None or end is None:
        return None
    starts: list[int] | None = adoc.cache.get("sentence-starts")
    if starts is None:
        starts = adoc.cache["sentence-starts"] = [s.start for s in adoc.sentences]
    i = max(bisect_right(starts, start) - 1, 0)
    j = max(bisect_right(starts, max(start, end - 1)) - 1, i)
    a, b = adoc.sentences[i].start, max(adoc.sentences[j].end, end)
    text = adoc.document.text
    if b - a > _EXCERPT_MAX:  # a run-on paragraph: keep some words on each side
        room = max(0, (_EXCERPT_MAX - (end - start)) // 2)
        a, b = max(a, start - room), min(b, end + room)
        while a > 0 and a < start and not text[a - 1].isspace():
            a += 1
        while b < len(text) and b > end and not text[b].isspace():
            b -= 1
    prefix = "…" if a > adoc.sentences[i].start else ""
    suffix = "…" if b < adoc.sentences[j].end else ""
    body = text[a:b]
    return Excerpt(
        text=prefix + body + suffix,
        start=len(prefix) + start - a,
        end=len(prefix) + end - a,
    )


def run_checks(document: Document, pack: RulePack) -> CheckResult:
    """Return the findings of every rule in `pack`, in document order, one per rule and span."""
    compiled = pack.compiled
    adoc = analyze(document, with_fold=compiled.needs_fold)
    if compiled.topics is not None:
        found = compiled.topics.detect(adoc)
        document.metadata.gender_relevant = found.gender_relevant
        document.metadata.topics = found.topics
    hits: list[Hit] = []
    relevance_checked = False
    for checker in compiled.checkers:
        if hasattr(checker, "topics") and not relevance_checked:
            relevance_checked = True
            _relevant_by_findings(hits, pack, document, adoc)
        hits.extend(checker.check(adoc))
    hits, dropped = _limit_repeats(hits, pack)
    day, estimated = adoc.reference_day()
    seen: set[tuple[str, int | None, int | None, str | None]] = set()
    occurrences: Counter[tuple[str, str | None, str]] = Counter()
    findings: list[Finding] = []
    for hit in sorted(hits, key=lambda h: (h.start if h.start is not None else -1, h.rule_id)):
        key = (hit.rule_id, hit.start, hit.end, hit.section)
        spec = pack.by_id[hit.rule_id]
        if key in seen or not _applies(spec, document, day):
            continue
        seen.add(key)
        matched = document.text[hit.start : hit.end] if hit.start is not None else None
        location = _location(document, hit)
        occ_key = (hit.rule_id, location.section, (matched or "").lower())
        occurrences[occ_key] += 1
        severity = spec.severity
        message = _message(spec, hit, matched)
        if dropped[hit.rule_id] and hit.start is not None:
            message += f" (Nội dung tương tự còn ở {dropped[hit.rule_id]} chỗ khác trong văn bản.)"
        if spec.unlawful_from is not None and day is not None and day < spec.unlawful_from:
            severity = Severity.INFO
            issued = (
                "Văn bản không ghi ngày ban hành; mốc thời gian muộn nhất nêu trong văn bản"
                f" là năm {day.year},"
                if estimated
                else f"Văn bản ban hành ngày {day:%d/%m/%Y},"
            )
            message += (
                f" {issued} trước khi quy định hiện hành có hiệu lực"
                f" ({spec.unlawful_from:%d/%m/%Y}): ghi nhận để rà soát, sửa đổi cho phù hợp."
            )
        findings.append(
            Finding(
                rule_id=spec.id,
                category=spec.category,
                severity=severity,
                confidence=round(min(1.0, spec.confidence * hit.confidence), 3),
                message=message,
                text=matched,
                location=location,
                legal_basis=legal_basis_on(spec, day),
                suggestion=spec.suggestion,
                fingerprint=_fingerprint(spec.id, location.section, matched, occurrences[occ_key]),
                excerpt=_excerpt(adoc, hit.start, hit.end),
            )
        )
    issues = list(adoc.cache.get("issues", []))
    return CheckResult(_prefer_specific(findings, pack), adoc, issues)


# A paragraph that repeats one provision thousands of times (a pasted block, a generated
# file) gets at most this many findings of one rule; a reviewer needs the first few.
DEFAULT_MAX_PER_PARAGRAPH = 20


def _limit_repeats(hits: list[Hit], pack: RulePack) -> tuple[list[Hit], Counter[str]]:
    """Keep the first `max_per_paragraph` / `max_per_document` hits of a rule.

    A reviewer comments once on a clause ("con trai trưởng … hoặc cháu trai" is one
    provision) and once on a name repeated through a text (an abolished agency named seven
    times). Returns the hits kept and, per rule, how many were dropped by the document limit.
    """
    kept: list[Hit] = []
    per_para: Counter[tuple[str, int]] = Counter()
    per_doc: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    for hit in sorted(hits, key=lambda h: h.start if h.start is not None else -1):
        spec = pack.by_id[hit.rule_id]
        para_limit = getattr(spec, "max_per_paragraph", None) or DEFAULT_MAX_PER_PARAGRAPH
        doc_limit = getattr(spec, "max_per_document", None)
        if hit.start is None:
            kept.append(hit)
            continue
        if para_limit is not None and hit.paragraph is not None:
            per_para[(hit.rule_id, hit.paragraph)] += 1
            if per_para[(hit.rule_id, hit.paragraph)] > para_limit:
                continue
        if doc_limit is not None:
            per_doc[hit.rule_id] += 1
            if per_doc[hit.rule_id] > doc_limit:
                dropped[hit.rule_id] += 1
                continue
        kept.append(hit)
    return kept, dropped


def _prefer_specific(findings: list[Finding], pack: RulePack) -> list[Finding]:
    """Drop a generic "element missing" finding when a topic-specific one says the same.

    "A labour plan without women" (conditional) and "no gender issue identified" (require)
    are one gap; the reviewer gets the specific wording once.
    """
    specific = {
        pack.by_id[f.rule_id].element
        for f in findings
        if f.text is None and getattr(pack.by_id[f.rule_id], "type", "") == "conditional"
    }
    specific.discard(None)
    out: list[Finding] = []
    reported: set[str] = set()
    for f in findings:
        spec = pack.by_id[f.rule_id]
        kind = getattr(spec, "type", "")
        if f.text is None and kind == "require" and spec.element in specific:
            continue
        if f.text is None and kind == "conditional" and spec.element is not None:
            if spec.element in reported:
                continue  # one topic-specific note per element is enough
            reported.add(spec.element)
        out.append(f)
    return out
