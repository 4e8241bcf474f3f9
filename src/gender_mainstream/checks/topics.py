"""What a document is about, and so whether it is gender-relevant (Luật BĐG Điều 21).

Topics are phrase lists in rules/topics.yaml, counted in the document's own content (not its
căn cứ lines, which cite laws by name): a phrase in the title counts three times. A document
is gender-relevant when a gender-relevant topic reaches its threshold or it speaks of gender
itself; a list of administrative procedures is not, whatever its words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gender_mainstream.checks.phrases import PhraseIndex, Term, phrase_key
from gender_mainstream.checks.schema import TopicsFile
from gender_mainstream.nlp import AnalyzedDoc, words_of
from gender_mainstream.normalize import canonicalize
from gender_mainstream.vi import lower

__all__ = ["TopicDetector", "TopicResult"]

_CONTENT_KINDS = frozenset({"text", "list_item", "heading", "title"})
_GENDER = "__gender__"
_ADMIN = "__administrative__"


@dataclass
class TopicResult:
    """Topics found (with their scores) and the relevance decision."""

    topics: list[str]
    gender_relevant: bool
    scores: dict[str, int] = field(default_factory=dict)


class TopicDetector:
    """Compiled topic phrase lists."""

    def __init__(self, spec: TopicsFile) -> None:
        self.spec = spec
        self._index = PhraseIndex()
        for name, topic in spec.topics.items():
            for phrase in topic.phrases:
                words = phrase_key(phrase)
                self._index.add(tuple(w.lower() for w in words), Term(name, "T", words))
        for phrase in spec.gender_terms:
            words = phrase_key(phrase)
            self._index.add(tuple(w.lower() for w in words), Term(_GENDER, "T", words))
        self._admin_titles = [
            " ".join(lower(w) for w in words_of(canonicalize(p)))
            for p in spec.administrative_titles
        ]

    def detect(self, adoc: AnalyzedDoc) -> TopicResult:
        """Score every topic on the document's content."""
        cached: TopicResult | None = adoc.cache.get("topics")
        if cached is not None:
            return cached
        paragraphs = adoc.document.paragraphs
        scores: dict[str, int] = {}
        for term, w0, _ in self._index.find(adoc.norms, adoc.sentence_of):
            kind = paragraphs[adoc.sentences[adoc.sentence_of[w0]].paragraph].kind
            if kind not in _CONTENT_KINDS:
                continue
            scores[term.rule_id] = scores.get(term.rule_id, 0) + (3 if kind == "title" else 1)
        topics = sorted(
            name
            for name, topic in self.spec.topics.items()
            if scores.get(name, 0) >= topic.min_score
        )
        title = " ".join(lower(w) for w in words_of(adoc.document.metadata.title or ""))
        administrative = any(t in title for t in self._admin_titles)
        relevant = any(self.spec.topics[t].gender_relevant for t in topics) or (
            scores.get(_GENDER, 0) >= self.spec.gender_threshold
        )
        if administrative and scores.get(_GENDER, 0) < self.spec.gender_threshold:
            relevant = False
        result = TopicResult(topics, relevant, scores)
        adoc.cache["topics"] = result
        return result
