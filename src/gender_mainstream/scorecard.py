"""The mainstreaming scorecard (DESIGN.md §3.2): six elements graded with their evidence.

Luật Bình đẳng giới Điều 21 khoản 1 asks a drafter to identify the gender issue, forecast the
impact on women and men, and assign responsibility and resources; sex-disaggregated data and
monitoring make the result checkable. Each element is graded by the built-in `require` rules
that name it; a document that is not gender-relevant is `not_applicable` throughout, never
"missing".
"""

from __future__ import annotations

from gender_mainstream.checks.loader import RulePack
from gender_mainstream.checks.require import Grade
from gender_mainstream.model import SCORE_ELEMENTS, Evidence, ScoreItem
from gender_mainstream.nlp import AnalyzedDoc

__all__ = ["build_scorecard"]

_RANK = {"met": 2, "partial": 1, "missing": 0}


def build_scorecard(adoc: AnalyzedDoc, pack: RulePack) -> list[ScoreItem]:
    """Grade the six elements for an analysed document."""
    compiled = pack.compiled
    relevant = compiled.topics.detect(adoc).gender_relevant if compiled.topics else False
    items: list[ScoreItem] = []
    for element in SCORE_ELEMENTS:
        rules = [
            r for r in pack.rules if getattr(r, "type", "") == "require" and r.element == element
        ]
        if not relevant or not rules or compiled.require is None:
            items.append(ScoreItem(id=element, status="not_applicable"))
            continue
        grades: list[Grade] = [compiled.require.grade(adoc, r.id) for r in rules]
        best = max(grades, key=lambda g: _RANK[g.status])
        evidence = []
        for s in best.evidence:
            sent = adoc.sentences[s]
            text = adoc.document.text[sent.start : sent.end]
            paragraph = adoc.document.paragraphs[sent.paragraph]
            location = adoc.document._source_map.locate(
                sent.start, sent.end, paragraph=paragraph.index, section=paragraph.section
            )
            evidence.append(Evidence(text=text, location=location))
        items.append(ScoreItem(id=element, status=best.status, evidence=evidence))
    return items
