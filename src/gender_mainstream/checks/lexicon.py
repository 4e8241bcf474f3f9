"""`lexicon` rules: phrase lists matched on the document's word index.

All lexicon rules share one phrase index (first word -> phrases), so a document is scanned once
however many rules there are; rules that opt in to diacritic folding share a second index over
folded words. Terms of rules with `fuzzy` get a second stage: windows of the same length that
share a word with the term are compared with rapidfuzz, so "bình đằng giới" or an OCR slip is
still found (with a lower confidence).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from gender_mainstream.checks.base import Hit
from gender_mainstream.checks.context import Context
from gender_mainstream.checks.phrases import PhraseIndex, Term, phrase_key
from gender_mainstream.checks.schema import LexiconRule, RuleBase
from gender_mainstream.nlp import AnalyzedDoc
from gender_mainstream.vi import fold

__all__ = ["LexiconChecker"]


class LexiconChecker:
    """Compiled lexicon rules."""

    def __init__(
        self, specs: list[RuleBase], vocab: dict[str, list[str]], context: Context
    ) -> None:
        self.rules: dict[str, LexiconRule] = {}
        self.context = context
        self._norm = PhraseIndex()
        self._fold = PhraseIndex()
        self._fuzzy: list[tuple[Term, str, set[str], float]] = []  # term, joined, words, cut-off
        self.needs_fold = False
        for spec in specs:
            assert isinstance(spec, LexiconRule)
            self.rules[spec.id] = spec
            self.needs_fold |= spec.fold
            for phrase in spec.terms:
                words = phrase_key(phrase)
                term = Term(spec.id, "T", words)
                lowered = tuple(w.lower() for w in words)
                if spec.fold:
                    self._fold.add(tuple(fold(w) for w in lowered), term)
                else:
                    self._norm.add(lowered, term)
                joined = " ".join(lowered)
                if spec.fuzzy is not None and len(joined) >= spec.fuzzy.min_length:
                    self._fuzzy.append((term, joined, set(lowered), spec.fuzzy.min_score))

    def check(self, adoc: AnalyzedDoc) -> Iterator[Hit]:
        """Yield the hits of every lexicon rule."""
        found = list(self._norm.find(adoc.norms, adoc.sentence_of))
        if self._fold and adoc.folds is not None:
            found.extend(self._fold.find(adoc.folds, adoc.sentence_of))
        if self._fuzzy:
            found.extend(self._fuzzy_candidates(adoc))
        by_rule: dict[tuple[int, str], list[tuple[int, int, Term]]] = defaultdict(list)
        for term, w0, w1 in found:
            by_rule[(adoc.sentence_of[w0], term.rule_id)].append((w0, w1, term))
        for (sentence, rule_id), matches in sorted(by_rule.items()):
            spec = self.rules[rule_id]
            chosen: list[tuple[int, int]] = []
            # Longest first, so "phụ nữ nông thôn" wins over "phụ nữ" at the same place.
            for w0, w1, term in sorted(matches, key=lambda m: (m[0], m[0] - m[1])):
                if any(not (w1 <= a or w0 >= b) for a, b in chosen):
                    continue
                exact = w1 - w0 == len(term.words) and all(
                    adoc.norms[w0 + k] == w.lower() for k, w in enumerate(term.words)
                )
                if spec.only_variants and exact:
                    continue
                if exact and not _case_ok(spec, adoc, w0, term):
                    continue
                if self.context.cancels(adoc, rule_id, w0, w1):
                    continue
                chosen.append((w0, w1))
                start, end = adoc.span(w0, w1)
                yield Hit(
                    rule_id=rule_id,
                    start=start,
                    end=end,
                    paragraph=adoc.sentences[sentence].paragraph,
                    confidence=1.0 if exact else 0.8,
                )

    def _fuzzy_candidates(self, adoc: AnalyzedDoc) -> Iterator[tuple[Term, int, int]]:
        from rapidfuzz import fuzz

        norms = adoc.norms
        sentence_of = adoc.sentence_of
        for term, joined, words, cutoff in self._fuzzy:
            # Same word count ("bình đằng giới", not a truncated name); a window must share
            # its first or its last word with the term.
            n_words = len(term.words)
            starts: set[int] = set()
            for word in words:
                for pos in adoc.positions(word):
                    starts.add(pos)
                    starts.add(pos - n_words + 1)
            for i in sorted(starts):
                if not 0 <= i <= len(norms) - n_words:
                    continue
                if sentence_of[i] != sentence_of[i + n_words - 1]:
                    continue
                window = " ".join(norms[i : i + n_words])
                if joined in window:
                    continue  # the exact term (maybe with a neighbour word): not a typo
                if fuzz.ratio(window, joined, score_cutoff=cutoff):
                    yield term, i, i + n_words


def _case_ok(spec: LexiconRule, adoc: AnalyzedDoc, w0: int, term: Term) -> bool:
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
