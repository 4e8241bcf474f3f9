"""`pattern` rules: Unicode regexes and spaCy token patterns, for phrasings that vary.

"chỉ tuyển nam", "chỉ nhận hồ sơ của nam giới", "ứng viên phải là nam" are one provision
written three ways; a pattern says it once. Patterns only run on sentences that contain one of
their anchor words (found on the word index), so a pack of many patterns stays fast. Regexes
run with the `regex` module's time limit: a user rule with catastrophic backtracking is
stopped and reported, never left to hang a batch.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import regex as re2

from gender_mainstream.checks.base import Hit
from gender_mainstream.checks.context import Context
from gender_mainstream.checks.phrases import expand
from gender_mainstream.checks.schema import PatternRule, RegexPattern, RuleBase, TokenPattern
from gender_mainstream.model import DocIssue
from gender_mainstream.nlp import AnalyzedDoc, get_nlp, words_of
from gender_mainstream.normalize import canonicalize
from gender_mainstream.vi import lower

__all__ = ["REGEX_TIMEOUT_S", "PatternChecker", "token_anchors"]

REGEX_TIMEOUT_S = 0.25
_LITERAL_KEYS = ("NORM", "LOWER", "ORTH", "TEXT")


def token_anchors(tokens: list[dict[str, Any]]) -> list[str]:
    """Return the words of the first required token that names literal values, or []."""
    for tok in tokens:
        if tok.get("OP") in ("?", "*", "!"):
            continue
        for key in _LITERAL_KEYS:
            value = tok.get(key)
            if isinstance(value, str):
                return [lower(canonicalize(value))]
            if isinstance(value, dict) and isinstance(value.get("IN"), list):
                return [lower(canonicalize(str(v))) for v in value["IN"]]
    return []


def _canon_token_pattern(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Canonicalize literal values so "hoà" in a rule matches "hòa" in a text."""
    out: list[dict[str, Any]] = []
    for tok in tokens:
        new: dict[str, Any] = {}
        for key, value in tok.items():
            if key in ("NORM", "LOWER") and isinstance(value, str):
                new[key] = lower(canonicalize(value))
            elif key in ("NORM", "LOWER") and isinstance(value, dict) and "IN" in value:
                new[key] = {**value, "IN": [lower(canonicalize(str(v))) for v in value["IN"]]}
            else:
                new[key] = value
        out.append(new)
    return out


class PatternChecker:
    """Compiled pattern rules."""

    def __init__(
        self, specs: list[RuleBase], vocab: dict[str, list[str]], context: Context
    ) -> None:
        self.rules: dict[str, PatternRule] = {}
        self.context = context
        self._anchors: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self._regex: dict[tuple[str, int], Any] = {}
        self._tokens: dict[tuple[str, int], list[dict[str, Any]]] = {}
        self._also: dict[tuple[str, int], frozenset[str]] = {}
        self._requires: dict[tuple[str, int], list[str]] = {}
        self._matcher: Any = None
        for spec in specs:
            assert isinstance(spec, PatternRule)
            self.rules[spec.id] = spec
            for i, pattern in enumerate(spec.patterns):
                if isinstance(pattern, RegexPattern):
                    # Canonical (tones, NFC) but not lower-cased: "\\W" must stay "\\W".
                    self._regex[(spec.id, i)] = re2.compile(canonicalize(pattern.regex))
                    anchors = [
                        lower(w) for a in pattern.anchors for w in words_of(canonicalize(a))[:1]
                    ]
                    if pattern.requires:
                        self._requires[(spec.id, i)] = [
                            lower(canonicalize(r)) for r in expand(pattern.requires, vocab)
                        ]
                    if pattern.also:
                        self._also[(spec.id, i)] = frozenset(
                            lower(w)
                            for a in expand(pattern.also, vocab)
                            for w in words_of(canonicalize(a))
                        )
                else:
                    assert isinstance(pattern, TokenPattern)
                    self._tokens[(spec.id, i)] = _canon_token_pattern(pattern.tokens)
                    anchors = [
                        lower(w) for a in pattern.anchors for w in words_of(canonicalize(a))[:1]
                    ] or token_anchors(pattern.tokens)
                for anchor in anchors:
                    self._anchors[anchor].append((spec.id, i))

    def _token_matcher(self) -> Any:
        if self._matcher is None:
            from spacy.matcher import Matcher

            self._matcher = Matcher(get_nlp().vocab, validate=True)
            for (rule_id, i), tokens in self._tokens.items():
                self._matcher.add(f"{rule_id}|{i}", [tokens])
        return self._matcher

    def check(self, adoc: AnalyzedDoc) -> Iterator[Hit]:
        """Yield the hits of every pattern rule on the sentences its anchors select."""
        candidates: set[tuple[int, str, int]] = set()
        get = self._anchors.get
        sentence_of = adoc.sentence_of
        for w, norm in enumerate(adoc.norms):
            for rule_id, i in get(norm, ()):
                candidates.add((sentence_of[w], rule_id, i))
        found: dict[str, list[Hit]] = defaultdict(list)
        words: dict[int, frozenset[str]] = {}
        for sentence, rule_id, i in sorted(candidates):
            also = self._also.get((rule_id, i))
            if also is not None:
                present = words.get(sentence)
                if present is None:
                    present = words[sentence] = frozenset(adoc.sentence_words(sentence))
                if present.isdisjoint(also):
                    continue
            needs = self._requires.get((rule_id, i))
            if needs is not None:
                context = adoc.context_text(sentence)
                if not any(n in context for n in needs):
                    continue
            for start, end, sex in self._matches(adoc, sentence, rule_id, i):
                hit = self._judge(adoc, sentence, rule_id, (start, end), sex)
                if hit is not None:
                    found[rule_id].append(hit)
        for hits in found.values():
            # Two patterns of one rule on the same words: keep the longer span. The kept spans
            # never overlap, so sorted by start their ends are sorted too: a new span overlaps
            # one of them only if it overlaps the last one starting before its end.
            starts: list[int] = []
            ends: list[int] = []
            chosen: list[Hit] = []
            for hit in sorted(hits, key=lambda h: (h.start or 0) - (h.end or 0)):
                a, b = hit.start or 0, hit.end or 0
                k = bisect_left(starts, b)
                if k and ends[k - 1] > a:
                    continue
                starts.insert(k, a)
                ends.insert(k, b)
                chosen.append(hit)
            yield from sorted(chosen, key=lambda h: h.start or 0)

    def _matches(
        self, adoc: AnalyzedDoc, sentence: int, rule_id: str, i: int
    ) -> Iterator[tuple[int, int, tuple[int, int] | None]]:
        s = adoc.sentences[sentence]
        spec = self.rules[rule_id]
        rx = self._regex.get((rule_id, i))
        if rx is not None:
            text = adoc.lower_sentence(sentence)
            try:
                for m in rx.finditer(text, timeout=REGEX_TIMEOUT_S):
                    named = spec.span is not None and spec.span in rx.groupindex
                    group = spec.span if named and m.group(spec.span) is not None else 0
                    a, b = m.span(group)
                    sex = m.span("sex") if "sex" in rx.groupindex and m.group("sex") else None
                    yield (
                        s.start + a,
                        s.start + b,
                        ((s.start + sex[0], s.start + sex[1]) if sex else None),
                    )
            except TimeoutError:
                issues = adoc.cache.setdefault("issues", [])
                issues.append(
                    DocIssue(
                        code="GM-W201",
                        message=f"rule {rule_id} took too long on paragraph "
                        f"{adoc.document.paragraphs[s.paragraph].index} and was skipped there; "
                        "simplify its regex",
                    )
                )
            return
        doc = adoc.spacy_doc(sentence)
        key = f"{rule_id}|{i}"
        for match_id, a, b in self._token_matcher()(doc):
            if doc.vocab.strings[match_id] != key:
                continue
            start = s.start + doc[a].idx
            end = s.start + doc[b - 1].idx + len(doc[b - 1].text)
            yield start, end, None

    def _judge(
        self,
        adoc: AnalyzedDoc,
        sentence: int,
        rule_id: str,
        span: tuple[int, int],
        sex: tuple[int, int] | None,
    ) -> Hit | None:
        text = adoc.document.text
        start, end = span
        while start < end and not text[start].isalnum():
            start += 1
        while end > start and not text[end - 1].isalnum():
            end -= 1
        if start >= end:
            return None
        w0 = bisect_left(adoc.ends, start + 1)
        w1 = bisect_right(adoc.starts, end - 1)
        if w0 >= w1:
            return None
        spec = self.rules[rule_id]
        if sex is not None and spec.case == "smart":
            # Smart case on the sex word only: "nam" yes, "Nam Định" or "ông Nam" no.
            for w in range(
                bisect_left(adoc.ends, sex[0] + 1), bisect_right(adoc.starts, sex[1] - 1)
            ):
                if not adoc.case_ok(w, adoc.norms[w]):
                    return None
        if self.context.cancels(adoc, rule_id, w0, w1):
            return None
        return Hit(rule_id, start, end, paragraph=adoc.sentences[sentence].paragraph)
