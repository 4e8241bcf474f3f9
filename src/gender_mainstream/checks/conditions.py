"""Sentence conditions ("a sentence naming an agency and a gender task").

Shared by the `require` and `conditional` rule types and the scorecard.

A condition is a list of groups; a sentence satisfies it when every group matches it. A group
matches when any of its items does: a phrase (on words, so "phụ nữ" never matches inside
another word), a '@vocabulary', or 're:<regex>' on the lower-cased sentence. A phrase inside
an organisation's name ("Hội Liên hiệp Phụ nữ") does not count. With `within: paragraph` the
groups may fall in different sentences of one paragraph ("Sở Nội vụ chủ trì …; theo dõi các
chỉ tiêu về giới"); `min_count` asks for several sentences or paragraphs (two figures by sex,
not one).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gender_mainstream.checks.phrases import PhraseIndex, Term, expand, phrase_key
from gender_mainstream.checks.schema import Condition
from gender_mainstream.nlp import AnalyzedDoc
from gender_mainstream.normalize import canonicalize
from gender_mainstream.vi import lower

__all__ = ["CompiledCondition", "compile_condition"]

_BODY_KINDS = frozenset({"text", "list_item", "heading", "title", "basis"})


@dataclass(frozen=True)
class _Group:
    key: str
    phrases: tuple[tuple[str, ...], ...]
    regexes: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class CompiledCondition:
    """A condition ready to evaluate on analysed documents."""

    groups: tuple[_Group, ...]
    sections: tuple[str, ...] | None
    if_topics: tuple[str, ...] | None = None
    if_title: tuple[str, ...] | None = None
    within: str = "sentence"
    min_count: int = 1
    in_basis: bool = False

    def sentences(self, adoc: AnalyzedDoc) -> list[int]:
        """Return the sentences of the body that satisfy the condition, in order."""
        if self.if_topics is not None:
            topics = adoc.cache.get("topics")
            if topics is None or not set(self.if_topics) & set(topics.topics):
                return []
        if self.if_title is not None:
            title = lower(adoc.document.metadata.title or "")
            if not any(t in title for t in self.if_title):
                return []
        per_group = [_group_sentences(adoc, group) for group in self.groups]
        if self.within == "paragraph":
            return self._by_paragraph(adoc, per_group)
        found = set.intersection(*per_group)
        out = [s for s in sorted(found) if self._counts(adoc, adoc.sentences[s].paragraph)]
        return out if len(out) >= self.min_count else []

    def _by_paragraph(self, adoc: AnalyzedDoc, per_group: list[set[int]]) -> list[int]:
        para_of = adoc.sentences
        paras = set.intersection(*({para_of[s].paragraph for s in hits} for hits in per_group))
        paras = {p for p in paras if self._counts(adoc, p)}
        if len(paras) < self.min_count:
            return []
        return sorted({s for hits in per_group for s in hits if para_of[s].paragraph in paras})

    def _counts(self, adoc: AnalyzedDoc, paragraph: int) -> bool:
        """Return True if evidence in this paragraph counts: body text, in the sections asked."""
        kind = adoc.document.paragraphs[paragraph].kind
        if kind == "basis":
            return self.in_basis  # căn cứ lines quote laws, not the document's own content
        if kind not in _BODY_KINDS:
            return False
        if self.sections is not None:
            titles = adoc.titles_of(paragraph)
            if not titles or not any(t in titles for t in self.sections):
                return False
        return True


# Every phrase of every condition group, in one index: a document is scanned once for all of
# them, not once per group. Groups register when compiled; the key names the group.
_ALL_PHRASES = PhraseIndex()
_REGISTERED: set[str] = set()


def _register(group: _Group) -> None:
    if group.key in _REGISTERED:
        return
    _REGISTERED.add(group.key)
    for words in group.phrases:
        _ALL_PHRASES.add(words, Term(group.key, "C", words))


def _phrase_hits(adoc: AnalyzedDoc) -> dict[str, set[int]]:
    """Return, per group key, the sentences holding one of its phrases (one pass)."""
    cached: tuple[int, dict[str, set[int]]] | None = adoc.cache.get("condition-phrases")
    if cached is not None and cached[0] == len(_REGISTERED):
        return cached[1]
    hits: dict[str, set[int]] = {}
    for term, w0, w1 in _ALL_PHRASES.find(adoc.norms, adoc.sentence_of):
        if adoc.inside_name(w0, w1):
            continue  # "phụ nữ" in "Hội Liên hiệp Phụ nữ"
        hits.setdefault(term.rule_id, set()).add(adoc.sentence_of[w0])
    adoc.cache["condition-phrases"] = (len(_REGISTERED), hits)
    return hits


def _group_sentences(adoc: AnalyzedDoc, group: _Group) -> set[int]:
    cache = adoc.cache.setdefault("condition-groups", {})
    hits: set[int] | None = cache.get(group.key)
    if hits is not None:
        return hits
    hits = set(_phrase_hits(adoc).get(group.key, ())) if group.phrases else set()
    if group.regexes:
        for i in range(len(adoc.sentences)):
            if i in hits:
                continue
            chunk = adoc.lower_sentence(i)
            if any(rx.search(chunk) for rx in group.regexes):
                hits.add(i)
    cache[group.key] = hits
    return hits


def compile_condition(condition: Condition, vocab: dict[str, list[str]]) -> CompiledCondition:
    """Resolve vocabularies and compile the regexes of a condition."""
    groups = []
    for items in condition.sentence:
        phrases: list[tuple[str, ...]] = []
        regexes: list[re.Pattern[str]] = []
        for item in expand(items, vocab):
            if item.startswith("re:"):
                regexes.append(re.compile(canonicalize(item[3:])))
            else:
                words = tuple(w.lower() for w in phrase_key(item))
                if words:
                    phrases.append(words)
        key = repr((sorted(phrases), sorted(r.pattern for r in regexes)))
        group = _Group(key, tuple(phrases), tuple(regexes))
        _register(group)
        groups.append(group)
    sections = (
        tuple(lower(canonicalize(s)) for s in expand(condition.sections, vocab))
        if condition.sections
        else None
    )
    topics = tuple(condition.if_topics) if condition.if_topics else None
    titles = (
        tuple(lower(canonicalize(s)) for s in expand(condition.if_title, vocab))
        if condition.if_title
        else None
    )
    return CompiledCondition(
        tuple(groups),
        sections,
        topics,
        titles,
        condition.within,
        condition.min_count,
        condition.in_basis,
    )


def first_sentences(
    adoc: AnalyzedDoc, conditions: Sequence[CompiledCondition], limit: int = 3
) -> list[int]:
    """Return up to `limit` sentences satisfying any of the conditions, in document order."""
    found: set[int] = set()
    for c in conditions:
        found.update(c.sentences(adoc))
        if len(found) >= limit:
            break
    return sorted(found)[:limit]
