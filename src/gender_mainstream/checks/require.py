"""`require` rules: content a document must contain (the mainstreaming elements).

Each rule grades one thing as met, partial or missing from its evidence conditions; rules with
an `element` feed the scorecard. A `missing` grade on a document the rule applies to (a
gender-relevant plan, or a normative text) is also a document-level finding, located in the
section where the content belongs ("Kinh phí", "Tổ chức thực hiện") when there is one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from gender_mainstream.checks.base import Hit
from gender_mainstream.checks.conditions import CompiledCondition, compile_condition
from gender_mainstream.checks.context import Context
from gender_mainstream.checks.phrases import expand
from gender_mainstream.checks.schema import ConditionalRule, RequireRule, RuleBase
from gender_mainstream.checks.topics import TopicDetector
from gender_mainstream.nlp import AnalyzedDoc
from gender_mainstream.normalize import canonicalize
from gender_mainstream.vi import lower

__all__ = ["Grade", "RequireChecker", "applies", "locate_section"]


@dataclass(frozen=True)
class Grade:
    """The status a require rule gave a document, with the sentences that support it."""

    status: str  # met | partial | missing | not_applicable
    evidence: tuple[int, ...]  # sentence indices


def applies(spec: RequireRule | ConditionalRule, adoc: AnalyzedDoc, relevant: bool) -> bool:
    """Return True if a document-level finding of this rule is wanted for this document."""
    if spec.relevant_only and not relevant:
        return False
    meta = adoc.document.metadata
    if meta.doc_type in spec.skip_doc_types:
        return False
    by_type = spec.doc_types is None or meta.doc_type in spec.doc_types
    if spec.normative:
        return bool(meta.normative) or (
            spec.doc_types is not None and meta.doc_type in spec.doc_types
        )
    return by_type


def locate_section(adoc: AnalyzedDoc, phrases: list[str]) -> str | None:
    """Return the path of the first section whose title contains one of the phrases."""
    wanted = [lower(canonicalize(p)) for p in phrases]
    for path, titles in adoc.section_titles.items():
        last = titles.rsplit(" / ", 1)[-1]
        if any(w in last for w in wanted):
            return path
    # No section of that kind: the gap is reported at the first section of the body, so a
    # document-level finding always has a place in the text (None only without sections).
    return next(iter(adoc.section_titles), None)


class RequireChecker:
    """Compiled require rules."""

    def __init__(
        self, specs: list[RuleBase], vocab: dict[str, list[str]], context: Context
    ) -> None:
        self.rules: dict[str, RequireRule] = {}
        self._met: dict[str, list[CompiledCondition]] = {}
        self._partial: dict[str, list[CompiledCondition]] = {}
        self._locate: dict[str, list[str]] = {}
        self.topics: TopicDetector | None = None
        for spec in specs:
            assert isinstance(spec, RequireRule)
            self.rules[spec.id] = spec
            self._met[spec.id] = [compile_condition(c, vocab) for c in spec.met]
            self._partial[spec.id] = [compile_condition(c, vocab) for c in spec.partial]
            self._locate[spec.id] = expand(spec.locate_in, vocab)

    def grade(self, adoc: AnalyzedDoc, rule_id: str) -> Grade:
        """Grade one rule on one document (cached: the scorecard asks again)."""
        cache = adoc.cache.setdefault("grades", {})
        found: Grade | None = cache.get(rule_id)
        if found is not None:
            return found
        paragraphs = adoc.document.paragraphs

        def shown(found: set[int]) -> tuple[int, ...]:
            # Evidence a reviewer can read: body sentences before bare headings.
            def heading(s: int) -> bool:
                return paragraphs[adoc.sentences[s].paragraph].kind == "heading"

            return tuple(sorted(found, key=lambda s: (heading(s), s))[:3])

        met = {s for c in self._met[rule_id] for s in c.sentences(adoc)}
        if met:
            grade = Grade("met", shown(met))
        else:
            partial = {s for c in self._partial[rule_id] for s in c.sentences(adoc)}
            grade = Grade("partial", shown(partial)) if partial else Grade("missing", ())
        cache[rule_id] = grade
        return grade

    def check(self, adoc: AnalyzedDoc) -> Iterator[Hit]:
        """Yield a document-level hit for each applicable rule graded missing."""
        relevant = self.topics.detect(adoc).gender_relevant if self.topics else True
        for rule_id, spec in self.rules.items():
            if spec.relevant_only and not relevant:
                continue
            if self.grade(adoc, rule_id).status != "missing" or not applies(spec, adoc, relevant):
                continue
            yield Hit(rule_id, None, None, section=locate_section(adoc, self._locate[rule_id]))
