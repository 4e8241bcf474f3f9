"""Context shared by all span rules: exceptions, cancelling phrases, sections, document type.

The same few judgements decide most false positives whatever the rule type: a prohibition or
a critique in the sentence ("nghiêm cấm …", "xóa bỏ tư tưởng …"), a name that contains the
word ("Việt Nam", "Hội Liên hiệp Phụ nữ"), a report section that describes problems ("tồn
tại, hạn chế"). They are declared per rule (`exceptions`, `unless`, `unless_near`,
`unless_section`, `unless_title`, usually through shared vocabularies) and found here in one
pass over the document for all rules at once. `requires` is the converse: a word the sentence
must hold ("học viên là nam" is a condition only in a sentence about conditions or selection).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from gender_mainstream.checks.phrases import PhraseIndex, Term, expand, phrase_key
from gender_mainstream.checks.schema import RuleBase, SpanRule
from gender_mainstream.nlp import AnalyzedDoc
from gender_mainstream.vi import lower

__all__ = ["Context"]

_Hits = dict[tuple[int, str], dict[str, list[tuple[int, int]]]]


class Context:
    """Context phrases of every span rule, compiled once per pack."""

    def __init__(self, specs: Sequence[RuleBase], vocab: dict[str, list[str]]) -> None:
        self._index = PhraseIndex()
        self._sections: dict[str, list[str]] = {}
        self._titles: dict[str, list[str]] = {}
        self.near_window: dict[str, int] = {}
        self._requires: set[str] = set()
        for spec in specs:
            if not isinstance(spec, SpanRule):
                continue
            self.near_window[spec.id] = spec.near_window
            for role, phrases in (
                ("X", spec.exceptions),
                ("U", spec.unless),
                ("N", spec.unless_near),
                ("R", spec.requires),
            ):
                for phrase in expand(phrases, vocab):
                    words = phrase_key(phrase)
                    # "~phòng, chống": cancels in its own sentence, not from a list's lead-in
                    # ("Thành lập Tổ công tác phòng, chống bạo lực gia đình, gồm:" names a
                    # team; it does not prohibit what its member list says).
                    here = "u" if role == "U" and phrase.startswith("~") else role
                    self._index.add(tuple(w.lower() for w in words), Term(spec.id, here, words))
            if spec.requires:
                self._requires.add(spec.id)
            if spec.unless_section:
                self._sections[spec.id] = [
                    lower(" ".join(phrase_key(p))) for p in expand(spec.unless_section, vocab)
                ]
            if spec.unless_title:
                self._titles[spec.id] = [
                    lower(" ".join(phrase_key(p))) for p in expand(spec.unless_title, vocab)
                ]

    def _hits(self, adoc: AnalyzedDoc) -> _Hits:
        key = f"context:{id(self)}"
        hits: _Hits | None = adoc.cache.get(key)
        if hits is None:
            hits = defaultdict(lambda: defaultdict(list))
            for term, w0, w1 in self._index.find(adoc.norms, adoc.sentence_of):
                hits[(adoc.sentence_of[w0], term.rule_id)][term.role].append((w0, w1))
            adoc.cache[key] = hits
        return hits

    def cancels(self, adoc: AnalyzedDoc, rule_id: str, w0: int, w1: int) -> bool:
        """Return True if context cancels a match of `rule_id` on words [w0, w1)."""
        sentence = adoc.sentence_of[w0]
        hits = self._hits(adoc)
        roles = hits.get((sentence, rule_id))
        # A list item or table row also carries the words of its lead-in ("Nghiêm cấm các
        # hành vi sau:", "| Yêu cầu đối với thành viên |").
        lead = [
            r
            for q in adoc.lead_in(adoc.sentences[sentence].paragraph)
            for s in adoc.sentences_of(q)
            if (r := hits.get((s, rule_id)))
        ]
        if rule_id in self._requires and not (
            (roles and roles.get("R")) or any(r.get("R") for r in lead)
        ):
            return True  # neither the sentence nor its lead-in makes the match a provision
        if any(r.get("U") for r in lead):
            return True
        if roles:
            if any(a < w1 and w0 < b for a, b in roles.get("X", ())):
                return True  # overlaps an exception: "nam" in "Việt Nam", "NAM ĐỊNH"
            if roles.get("U") or roles.get("u"):
                return True
            window = self.near_window.get(rule_id, 4)
            if any(w0 - window <= a < w1 for a, _ in roles.get("N", ())):
                return True
        phrases = self._sections.get(rule_id)
        if phrases:
            titles = adoc.titles_of(adoc.sentences[sentence].paragraph, headings_only=True)
            if titles and any(p in titles for p in phrases):
                return True
        phrases = self._titles.get(rule_id)
        if phrases:
            title = adoc.cache.get("title-words")
            if title is None:
                words = phrase_key(adoc.document.metadata.title or "")
                title = adoc.cache["title-words"] = f" {lower(' '.join(words))} "
            if any(f" {p} " in title for p in phrases):
                return True
        return False
