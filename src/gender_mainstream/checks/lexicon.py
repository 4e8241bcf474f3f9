"""`lexicon` rules: phrase lists matched on the document's word index.

All lexicon rules share one phrase index (first word -> phrases), so a document is scanned once
however many rules there are; rules that opt in to diacritic folding share a second index over
folded words. Each candidate is then checked for case, exceptions and context.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from gender_mainstream.checks.base import Hit
from gender_mainstream.checks.schema import LexiconRule, RuleBase
from gender_mainstream.nlp import AnalyzedDoc, words_of
from gender_mainstream.normalize import canonicalize
from gender_mainstream.vi import fold

__all__ = ["LexiconChecker", "PhraseIndex"]


@dataclass(frozen=True, slots=True)
class _Term:
    rule_id: str
    role: str  # "T" term, "X" exception, "U" unless (sentence), "N" unless_near
    words: tuple[str, ...]  # canonical words, case kept (smart case needs it)


class PhraseIndex:
    """Find phrases (tuples of words) in a word sequence, never across sentences."""

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], _Term]]] = defaultdict(list)

    def add(self, key: tuple[str, ...], term: _Term) -> None:
        """Index one phrase (already lower-cased or folded)."""
        self._by_first[key[0]].append((key, term))

    def __bool__(self) -> bool:
        return bool(self._by_first)

    def find(self, words: list[str], sentence_of: list[int]) -> Iterator[tuple[_Term, int, int]]:
        """Yield (term, first word, end word) for every occurrence."""
        get = self._by_first.get
        n_words = len(words)
        for i, w in enumerate(words):
            candidates = get(w)
            if not candidates:
                continue
            for key, term in candidates:
                n = len(key)
                j = i + n
                if (
                    j <= n_words
                    and sentence_of[j - 1] == sentence_of[i]
                    and tuple(words[i:j]) == key
                ):
                    yield term, i, j


class LexiconChecker:
    """Compiled lexicon rules."""

    def __init__(self, specs: list[RuleBase], vocab: dict[str, list[str]]) -> None:
        self.rules: dict[str, LexiconRule] = {}
        self._norm = PhraseIndex()
        self._fold = PhraseIndex()
        self.needs_fold = False
        for spec in specs:
            assert isinstance(spec, LexiconRule)
            self.rules[spec.id] = spec
            self.needs_fold |= spec.fold
            groups = (
                ("T", spec.terms),
                ("X", _expand(spec.exceptions, vocab)),
                ("U", _expand(spec.unless, vocab)),
                ("N", _expand(spec.unless_near, vocab)),
            )
            for role, phrases in groups:
                for phrase in phrases:
                    words = tuple(words_of(canonicalize(phrase)))
                    if not words:
                        continue
                    term = _Term(spec.id, role, words)
                    lowered = tuple(w.lower() for w in words)
                    if spec.fold:
                        self._fold.add(tuple(fold(w) for w in lowered), term)
                    else:
                        self._norm.add(lowered, term)

    def check(self, adoc: AnalyzedDoc) -> Iterator[Hit]:
        """Yield the hits of every lexicon rule."""
        found = list(self._norm.find(adoc.norms, adoc.sentence_of))
        if self._fold and adoc.folds is not None:
            found.extend(self._fold.find(adoc.folds, adoc.sentence_of))
        # Group by (sentence, rule): context and exceptions are judged within a sentence.
        groups: dict[tuple[int, str], dict[str, list[tuple[int, int, _Term]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for term, w0, w1 in found:
            groups[(adoc.sentence_of[w0], term.rule_id)][term.role].append((w0, w1, term))
        for (sentence, rule_id), roles in sorted(groups.items()):
            spec = self.rules[rule_id]
            chosen: list[tuple[int, int]] = []
            # Longest first, so "phụ nữ nông thôn" wins over "phụ nữ" at the same place.
            for w0, w1, term in sorted(roles.get("T", []), key=lambda m: (m[0], m[0] - m[1])):
                if any(not (w1 <= a or w0 >= b) for a, b in chosen):
                    continue
                if not _case_ok(spec, adoc, w0, term):
                    continue
                if any(a < w1 and w0 < b for a, b, _ in roles.get("X", [])):
                    continue  # overlaps an exception: "nam" in "Việt Nam", "NAM ĐỊNH"
                if roles.get("U") or _near(roles.get("N", []), w0, w1, spec.near_window):
                    continue
                chosen.append((w0, w1))
                start, end = adoc.span(w0, w1)
                exact = all(adoc.norms[w0 + k] == w.lower() for k, w in enumerate(term.words))
                yield Hit(
                    rule_id=rule_id,
                    start=start,
                    end=end,
                    paragraph=adoc.sentences[sentence].paragraph,
                    confidence=1.0 if exact else 0.85,
                )


def _expand(phrases: list[str], vocab: dict[str, list[str]]) -> list[str]:
    out: list[str] = []
    for p in phrases:
        if p.startswith("@"):
            out.extend(vocab[p[1:]])
        else:
            out.append(p)
    return out


def _case_ok(spec: LexiconRule, adoc: AnalyzedDoc, w0: int, term: _Term) -> bool:
    if spec.case == "insensitive":
        return True
    for k, pattern_word in enumerate(term.words):
        if spec.case == "sensitive":
            sentence = adoc.sentences[adoc.sentence_of[w0 + k]]
            if adoc.text_of(w0 + k) != pattern_word and not sentence.upper:
                return False
        elif not adoc.case_ok(w0 + k, pattern_word):
            return False
    return True


def _near(contexts: list[tuple[int, int, _Term]], w0: int, w1: int, window: int) -> bool:
    """Return True if a context phrase starts within `window` words before the match."""
    return any(w0 - window <= a < w1 for a, _, _ in contexts)
