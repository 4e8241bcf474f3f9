"""Sentence conditions ("a sentence naming an agency and a gender task").

Shared by the `require` and `conditional` rule types and the scorecard.

A condition is a list of groups; a sentence satisfies it when every group matches it. A group
matches when any of its items does: a phrase (on words, so "phụ nữ" never matches inside
another word), a '@vocabulary', or 're:<regex>' on the lower-cased sentence.
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

    def sentences(self, adoc: AnalyzedDoc) -> list[int]:
        """Return the sentences of the body that satisfy every group, in order."""
        if self.if_topics is not None:
            topics = adoc.cache.get("topics")
            if topics is None or not set(self.if_topics) & set(topics.topics):
                return []
        found: set[int] | None = None
        for group in self.groups:
            hits = _group_sentences(adoc, group)
            found = set(hits) if found is None else found & hits
            if not found:
                return []
        assert found is not None
        paragraphs = adoc.document.paragraphs
        out = []
        for s in sorted(found):
            p = adoc.sentences[s].paragraph
            if paragraphs[p].kind not in _BODY_KINDS or paragraphs[p].kind == "basis":
                continue  # căn cứ lines quote laws; they are not the document's own content
            if self.sections is not None:
                titles = adoc.titles_of(p)
                if not titles or not any(t in titles for t in self.sections):
                    continue
            out.append(s)
        return out


def _group_sentences(adoc: AnalyzedDoc, group: _Group) -> set[int]:
    cache = adoc.cache.setdefault("condition-groups", {})
    hits: set[int] | None = cache.get(group.key)
    if hits is not None:
        return hits
    hits = set()
    if group.phrases:
        index = PhraseIndex()
        for words in group.phrases:
            index.add(words, Term("", "C", words))
        for _, w0, _ in index.find(adoc.norms, adoc.sentence_of):
            hits.add(adoc.sentence_of[w0])
    if group.regexes:
        text = adoc.document.text
        for i, s in enumerate(adoc.sentences):
            if i in hits:
                continue
            chunk = lower(text[s.start : s.end])
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
        groups.append(_Group(key, tuple(phrases), tuple(regexes)))
    sections = (
        tuple(lower(canonicalize(s)) for s in expand(condition.sections, vocab))
        if condition.sections
        else None
    )
    topics = tuple(condition.if_topics) if condition.if_topics else None
    return CompiledCondition(tuple(groups), sections, topics)


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
