"""Phrase lists over the word index: shared by lexicon rules, context and conditions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from gender_mainstream.nlp import words_of
from gender_mainstream.normalize import canonicalize

__all__ = ["PhraseIndex", "Term", "expand", "phrase_key"]


@dataclass(frozen=True, slots=True)
class Term:
    """One phrase of one rule, in one role (term, exception, context …)."""

    rule_id: str
    role: str
    words: tuple[str, ...]  # canonical words, case kept (smart case needs it)


def phrase_key(phrase: str) -> tuple[str, ...]:
    """Return the canonical words of a phrase, case kept."""
    return tuple(words_of(canonicalize(phrase)))


def expand(phrases: Iterable[str], vocab: dict[str, list[str]]) -> list[str]:
    """Replace '@name' entries by the phrases of that vocabulary."""
    out: list[str] = []
    for p in phrases:
        if p.startswith("@"):
            out.extend(vocab[p[1:]])
        else:
            out.append(p)
    return out


class PhraseIndex:
    """Find phrases (tuples of words) in a word sequence, never across sentences."""

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], Term]]] = defaultdict(list)

    def add(self, key: tuple[str, ...], term: Term) -> None:
        """Index one phrase (already lower-cased or folded)."""
        if key:
            self._by_first[key[0]].append((key, term))

    def __bool__(self) -> bool:
        return bool(self._by_first)

    def find(
        self, words: list[str], sentence_of: list[int], lo: int = 0, hi: int | None = None
    ) -> Iterator[tuple[Term, int, int]]:
        """Yield (term, first word, end word) for every occurrence in words[lo:hi]."""
        get = self._by_first.get
        end = len(words) if hi is None else hi
        for i in range(lo, end):
            candidates = get(words[i])
            if not candidates:
                continue
            for key, term in candidates:
                j = i + len(key)
                if j <= end and sentence_of[j - 1] == sentence_of[i] and tuple(words[i:j]) == key:
                    yield term, i, j
