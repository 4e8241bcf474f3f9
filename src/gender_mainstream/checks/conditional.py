"""`conditional` rules: if the document is about X, then Y must be present.

A labour plan should carry targets for women and men; a hương ước should state equal rights
of sons and daughters; a plan under the ethnic-minority national programme should include its
gender project. The topic comes from the topic detector; the requirement is a set of sentence
conditions, as in `require` rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from gender_mainstream.checks.base import Hit
from gender_mainstream.checks.conditions import CompiledCondition, compile_condition
from gender_mainstream.checks.context import Context
from gender_mainstream.checks.phrases import expand
from gender_mainstream.checks.require import applies, locate_section
from gender_mainstream.checks.schema import ConditionalRule, RuleBase
from gender_mainstream.checks.topics import TopicDetector
from gender_mainstream.nlp import AnalyzedDoc

__all__ = ["ConditionalChecker"]


class ConditionalChecker:
    """Compiled conditional rules."""

    def __init__(
        self, specs: list[RuleBase], vocab: dict[str, list[str]], context: Context
    ) -> None:
        self.rules: dict[str, ConditionalRule] = {}
        self._then: dict[str, list[CompiledCondition]] = {}
        self._locate: dict[str, list[str]] = {}
        self.topics: TopicDetector | None = None
        for spec in specs:
            assert isinstance(spec, ConditionalRule)
            self.rules[spec.id] = spec
            self._then[spec.id] = [compile_condition(c, vocab) for c in spec.then]
            self._locate[spec.id] = expand(spec.locate_in, vocab)

    def check(self, adoc: AnalyzedDoc) -> Iterator[Hit]:
        """Yield a document-level hit per rule whose topic is present but requirement is not."""
        if self.topics is None:
            return
        found = self.topics.detect(adoc)
        for rule_id, spec in self.rules.items():
            if not set(spec.if_topics) & set(found.topics):
                continue
            if not applies(spec, adoc, found.gender_relevant):
                continue
            if any(c.sentences(adoc) for c in self._then[rule_id]):
                continue
            yield Hit(rule_id, None, None, section=locate_section(adoc, self._locate[rule_id]))
