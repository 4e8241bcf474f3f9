"""Run a compiled rule pack over a document and turn hits into located findings."""

from __future__ import annotations

import hashlib
from collections import Counter

from gender_mainstream.checks.base import Hit
from gender_mainstream.checks.loader import RulePack
from gender_mainstream.checks.schema import RuleBase
from gender_mainstream.model import Document, Finding, Location
from gender_mainstream.nlp import analyze

__all__ = ["run_checks"]


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
    if hit.paragraph is not None:
        section = document.paragraphs[hit.paragraph].section
        index = document.paragraphs[hit.paragraph].index
    else:
        index = None
    smap = document._source_map
    return smap.locate(hit.start, hit.end, paragraph=index, section=section)  # type: ignore[no-any-return]


def run_checks(document: Document, pack: RulePack) -> list[Finding]:
    """Return the findings of every rule in `pack`, in document order, one per rule and span."""
    compiled = pack.compiled
    adoc = analyze(document, with_fold=compiled.needs_fold)
    hits: list[Hit] = []
    for checker in compiled.checkers:
        hits.extend(checker.check(adoc))
    seen: set[tuple[str, int | None, int | None, str | None]] = set()
    occurrences: Counter[tuple[str, str | None, str]] = Counter()
    findings: list[Finding] = []
    for hit in sorted(hits, key=lambda h: (h.start if h.start is not None else -1, h.rule_id)):
        key = (hit.rule_id, hit.start, hit.end, hit.section)
        if key in seen:
            continue
        seen.add(key)
        spec = pack.by_id[hit.rule_id]
        matched = document.text[hit.start : hit.end] if hit.start is not None else None
        location = _location(document, hit)
        occ_key = (hit.rule_id, location.section, (matched or "").lower())
        occurrences[occ_key] += 1
        findings.append(
            Finding(
                rule_id=spec.id,
                category=spec.category,
                severity=spec.severity,
                confidence=round(min(1.0, spec.confidence * hit.confidence), 3),
                message=_message(spec, hit, matched),
                text=matched,
                location=location,
                legal_basis=[ref.to_basis() for ref in spec.legal_basis],
                suggestion=spec.suggestion,
                fingerprint=_fingerprint(spec.id, location.section, matched, occurrences[occ_key]),
            )
        )
    return findings
