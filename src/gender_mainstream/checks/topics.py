"""What a document is about, and so whether it is gender-relevant (Luật BĐG Điều 21).

Topics are phrase lists in rules/topics.yaml, counted in the document's own content (not its
căn cứ lines, which cite laws by name): a phrase in the title counts three times. A document
is gender-relevant when a gender-relevant topic reaches its threshold or it speaks of gender
itself; a list of administrative procedures is not, whatever its words. Words inside the
names of organisations ("Hội Liên hiệp Phụ nữ") are marked first and count for nothing: a plan
that asks the Women's Union to help with communication is not thereby about women.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from gender_mainstream.checks.phrases import PhraseIndex, Term, expand, phrase_key
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

    def __init__(self, spec: TopicsFile, vocab: dict[str, list[str]] | None = None) -> None:
        self.spec = spec
        self._names = PhraseIndex()
        for phrase in expand(spec.names, vocab or {}):
            words = phrase_key(phrase)
            self._names.add(tuple(w.lower() for w in words), Term("", "name", words))
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
        named: set[int] = set()
        spans = []
        for _, w0, w1 in self._names.find(adoc.norms, adoc.sentence_of):
            named.update(range(w0, w1))
            spans.append((w0, w1))
        adoc.name_words = frozenset(named)
        adoc.name_spans = sorted(spans)
        # A topic counts the sentences that name it; one named in the title is present
        # outright. In the body, a long text must name it more often: "học sinh" twice in a
        # 300-sentence decision on office equipment is not a document about schools.
        sentences: dict[str, set[int]] = {}
        in_title: set[str] = set()
        body_sentences = 0
        for s in adoc.sentences:
            body_sentences += paragraphs[s.paragraph].kind in _CONTENT_KINDS
        for term, w0, w1 in self._index.find(adoc.norms, adoc.sentence_of):
            if adoc.inside_name(w0, w1):
                continue
            sentence = adoc.sentence_of[w0]
            kind = paragraphs[adoc.sentences[sentence].paragraph].kind
            if kind not in _CONTENT_KINDS:
                continue
            if kind == "title":
                in_title.add(term.rule_id)
            sentences.setdefault(term.rule_id, set()).add(sentence)
        scores = {name: len(found) for name, found in sentences.items()}
        floor = math.ceil(self.spec.body_share * body_sentences)
        topics = sorted(
            name
            for name, topic in self.spec.topics.items()
            if name in in_title or scores.get(name, 0) >= max(topic.min_score, floor)
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
