"""`lexicon` rules: phrase lists matched on canonical words with spaCy's PhraseMatcher.

All lexicon rules share one matcher (and one more for rules that opt in to diacritic
folding), so a document is scanned once however many rules there are. Matching runs on the
word view of each sentence (punctuation dropped), then each candidate is checked for case,
exceptions and context.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gender_mainstream.checks.base import Hit
from gender_mainstream.checks.schema import LexiconRule, RuleBase
from gender_mainstream.nlp import AnalyzedDoc, SentenceView, get_nlp, token_case_ok, words_doc
from gender_mainstream.normalize import canonicalize
from gender_mainstream.vi import fold

__all__ = ["LexiconChecker", "phrase_words"]


def phrase_words(phrase: str) -> list[str]:
    """Return the canonical words of a phrase (case kept, punctuation dropped)."""
    nlp = get_nlp()
    return [t.text for t in nlp.tokenizer(canonicalize(phrase)) if not (t.is_punct or t.is_space)]


@dataclass(frozen=True, slots=True)
class _Term:
    rule_id: str
    role: str  # "T" term, "X" exception, "U" unless (sentence), "N" unless_near
    words: tuple[str, ...]


class LexiconChecker:
    """Compiled lexicon rules."""

    def __init__(self, specs: list[RuleBase], vocab: dict[str, list[str]]) -> None:
        from spacy.matcher import PhraseMatcher

        nlp = get_nlp()
        self.rules: dict[str, LexiconRule] = {}
        self._norm = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._fold = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._terms: dict[int, _Term] = {}
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
                for n, phrase in enumerate(phrases):
                    words = tuple(phrase_words(phrase))
                    if not words:
                        continue
                    key = f"{role}|{spec.id}|{n}"
                    self._terms[nlp.vocab.strings.add(key)] = _Term(spec.id, role, words)
                    lowered = [w.lower() for w in words]
                    if spec.fold:
                        self._fold.add(key, [words_doc(nlp, [fold(w) for w in lowered])])
                    else:
                        self._norm.add(key, [words_doc(nlp, lowered)])

    def check(self, adoc: AnalyzedDoc) -> Iterator[Hit]:
        """Yield hits sentence by sentence."""
        for view in adoc.sentences:
            if not view.words:
                continue
            found: list[tuple[int, int, int]] = list(self._norm(view.norm_doc))
            if self.needs_fold and view.fold_doc is not None:
                found.extend(self._fold(view.fold_doc))
            if not found:
                continue
            yield from self._hits(view, found)

    def _hits(self, view: SentenceView, found: list[tuple[int, int, int]]) -> Iterator[Hit]:
        by_rule: dict[str, dict[str, list[tuple[int, int, _Term]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for key, w0, w1 in found:
            term = self._terms[key]
            by_rule[term.rule_id][term.role].append((w0, w1, term))
        for rule_id, roles in by_rule.items():
            spec = self.rules[rule_id]
            chosen: list[tuple[int, int]] = []
            # Longest first, so "phụ nữ nông thôn" wins over "phụ nữ" at the same place.
            for w0, w1, term in sorted(roles.get("T", []), key=lambda m: (m[0], m[0] - m[1])):
                if any(not (w1 <= a or w0 >= b) for a, b in chosen):
                    continue
                if not _case_ok(spec, view, w0, term):
                    continue
                if any(a < w1 and w0 < b for a, b, _ in roles.get("X", [])):
                    continue  # overlaps an exception: "nam" in "Việt Nam", "NAM ĐỊNH"
                if roles.get("U") or _near(roles.get("N", []), w0, w1, spec.near_window):
                    continue
                chosen.append((w0, w1))
                start, end = view.word_span(w0, w1)
                folded = spec.fold and not _exact(view, w0, term)
                yield Hit(
                    rule_id=rule_id,
                    start=start,
                    end=end,
                    paragraph=view.paragraph,
                    confidence=0.85 if folded else 1.0,
                )


def _expand(phrases: list[str], vocab: dict[str, list[str]]) -> list[str]:
    out: list[str] = []
    for p in phrases:
        if p.startswith("@"):
            out.extend(vocab[p[1:]])
        else:
            out.append(p)
    return out


def _case_ok(spec: LexiconRule, view: SentenceView, w0: int, term: _Term) -> bool:
    if spec.case == "insensitive":
        return True
    for k, pattern_word in enumerate(term.words):
        token: Any = view.doc[view.words[w0 + k]]
        if spec.case == "sensitive":
            if token.text != pattern_word and not view.upper:
                return False
        elif not token_case_ok(view, w0 + k, pattern_word):
            return False
    return True


def _exact(view: SentenceView, w0: int, term: _Term) -> bool:
    return all(view.doc[view.words[w0 + k]].norm_ == w.lower() for k, w in enumerate(term.words))


def _near(contexts: list[tuple[int, int, _Term]], w0: int, w1: int, window: int) -> bool:
    """Return True if a context phrase starts within `window` words before the match."""
    return any(w0 - window <= a < w1 for a, _, _ in contexts)
