"""TCVN3 (ABC) and VNI: pre-Unicode Vietnamese encodings that old resolutions still use.

The conversion tables and the content detector come from viparse (pinned); what is ours is the
gate in front of it: real Unicode Vietnamese is recognised cheaply by its own letters (ơ, ư,
ạ, ế …), so the costly trial conversion runs only on text that lacks them but is full of the
Latin-1 letters legacy fonts are typed with.
"""

from __future__ import annotations

import re

from gender_mainstream.vi import VIETNAMESE_LETTERS, vietnamese_letter_ratio

_VIET_RE = re.compile("[" + "".join(sorted(VIETNAMESE_LETTERS)) + "]")

__all__ = ["convert_if_legacy"]

_SAMPLE = 20_000
_CANDIDATES = ("tcvn3", "vni")


def _latin1_letter_ratio(text: str) -> float:
    letters = 0
    high = 0
    for ch in text:
        if ch.isalpha() or 0xA0 <= ord(ch) <= 0xFF:
            letters += 1
            if 0x80 <= ord(ch) <= 0xFF or ch in "ƒŸŒœ":
                high += 1
    return high / letters if letters else 0.0


def convert_if_legacy(text: str) -> tuple[str, str] | None:
    """Return (unicode text, encoding name) if `text` is TCVN3/VNI mojibake, else None."""
    sample = text[:_SAMPLE]
    # Real Vietnamese Unicode shows its own letters at once; letters never outnumber
    # characters, so a share of characters over 2% settles it without counting letters.
    if len(_VIET_RE.findall(sample)) > 0.02 * len(sample):
        return None
    if vietnamese_letter_ratio(sample) > 0.02 or _latin1_letter_ratio(sample) < 0.03:
        return None
    from viparse.normalize.detector import detect_encoding_by_content
    from viparse.normalize.encodings import CHARMAPS
    from viparse.normalize.tables import convert

    candidates = {name: CHARMAPS[name] for name in _CANDIDATES}
    verdict = detect_encoding_by_content(sample, candidates)
    if verdict.encoding is None:
        return None
    name = str(verdict.encoding)
    return str(convert(text, candidates[name])), name
