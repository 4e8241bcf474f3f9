"""Sentence (and clause) boundaries inside a paragraph.

A rule's context ("unless it says nghiêm cấm…") is judged within one sentence, so the split
is deliberately fine: it cuts at `.`, `!`, `?`, `…` before a capital or a digit, and at every
`;` — in legal text a semicolon separates items that say different things. It does not cut
after the leading marker of an item ("1.", "Điều 3.", "a)"), after abbreviations (TP., TM.,
KT., TS., v.v.) or inside numbers (1.234, 12/2025/NQ-HĐND).
"""

from __future__ import annotations

import re

from gender_mainstream.markers import LINE_MARKER_RE, SECTION_RES

__all__ = ["split_sentences"]

_ABBREVIATIONS = frozenset(
    [
        "tp",
        "tm",
        "kt",
        "tl",
        "tuq",
        "q",
        "ts",
        "ths",
        "pgs",
        "gs",
        "bs",
        "ks",
        "cn",
        "đ/c",
        "v.v",
        "vv",
        "tr.đ",
        "trđ",
        "st",
        "ông",
        "bà",
        "tt",
        "tx",
        "tw",
        "ct",
        "pct",
        "ubnd",
        "hđnd",
        "nđ",
        "tt",
        "qđ",
        "nq",
        "kh",
        "bc",
        "tb",
        "số",
        "no",
        "art",
        "đ",
        "k",
        "p",
        "mr",
        "mrs",
    ]
)
_CUT_RE = re.compile(r"(?:[.!?…]+[\"'”’)\]]*|;)(?=\s+(\S))")


def _marker_end(text: str) -> int:
    if LINE_MARKER_RE.match(text) is None:
        return 0
    for kind, rx in SECTION_RES:
        m = rx.match(text)
        if m is not None and kind != "appendix":
            return m.start("rest")
    return 0


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return [start, end) offsets of the sentences of `text`, whitespace trimmed."""
    if text.lstrip().startswith("|"):
        # A row of a text table: its cells are read together (and with the header row),
        # so "Tốt nghiệp trung cấp; chưa lập gia đình" stays one unit inside its cell.
        a, b = 0, len(text)
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        return [(a, b)] if a < b else []
    spans: list[tuple[int, int]] = []
    start = 0
    floor = _marker_end(text)
    for m in _CUT_RE.finditer(text):
        cut = m.end()
        if cut <= floor:
            continue
        if m.group()[0] != ";":
            nxt = m.group(1)
            if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“(-+•"):
                continue
            before = text[start : m.start()].rsplit(None, 1)
            bare = before[-1].strip("(\"'“").lower() if before else ""
            if bare in _ABBREVIATIONS or (len(bare) == 1 and bare.isalpha()):
                continue
        spans.append((start, cut))
        start = cut
    spans.append((start, len(text)))
    out: list[tuple[int, int]] = []
    for a0, b0 in spans:
        a, b = a0, b0
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out
