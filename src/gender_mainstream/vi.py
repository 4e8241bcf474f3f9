"""Vietnamese text helpers shared by normalization, structure and matching.

Everything here is length-preserving on NFC input, so offsets computed on the output are
offsets into the input. That property is what lets a finding point at the original file.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "canon_tones",
    "fold",
    "is_caps_line",
    "lookalike_table",
]

_TONE_MARKS = {
    "\u0300": "grave",
    "\u0301": "acute",
    "\u0309": "hook",
    "\u0303": "tilde",
    "\u0323": "dot",
}


def _with_tone(base: str, mark: str) -> str:
    return unicodedata.normalize("NFC", base + mark)


_TONED = {  # vowel -> its five toned forms (grave, acute, hook, tilde, dot below)
    base: "".join(_with_tone(base, mark) for mark in _TONE_MARKS) for base in "aAeEyYuUoO"
}
_LETTER = r"[^\W\d_]"
# An open syllable: the toned vowel is the last letter of the word. "qu" + y keeps its tone
# on y ("quý"), and "hoàng", "hoạch", "khuyến" are not open, so they never change. A stray
# combining mark after the vowel also leaves the syllable alone.
_END = r"(?!" + _LETTER + r"|[\u0300-\u036f])"
_TONE_RE = re.compile(
    r"(?<![qQ])[oO]["
    + _TONED["a"]
    + _TONED["A"]
    + _TONED["e"]
    + _TONED["E"]
    + "]"
    + _END
    + r"|(?<![qQ])[uU]["
    + _TONED["y"]
    + _TONED["Y"]
    + "]"
    + _END
    + r"|[qQ]["
    + _TONED["u"]
    + _TONED["U"]
    + "][yY]"
    + _END  # "qúy", a misspelling of "quý"
)
_TONE_OF = {
    ch: mark for base, forms in _TONED.items() for ch, mark in zip(forms, _TONE_MARKS, strict=True)
}
_BASE_OF = {ch: base for base, forms in _TONED.items() for ch in forms}


def _move_tone(m: re.Match[str]) -> str:
    s = m.group()
    if len(s) == 2:  # oà -> òa, uỷ -> ủy
        toned = s[1]
        return _with_tone(s[0], _TONE_OF[toned]) + _BASE_OF[toned]
    toned = s[1]  # qúy -> quý
    return s[0] + _BASE_OF[toned] + _with_tone(s[2], _TONE_OF[toned])


def canon_tones(text: str) -> str:
    """Move tone marks of open oa/oe/uy syllables to the traditional place (length-preserving).

    Official texts (and Nghị định 30/2020's own samples) mostly write the tone on the first
    vowel of an open oa/oe/uy syllable: "hòa", "khỏe", "Ủy ban". Both styles occur in one real
    document, so matching needs a single canonical form.

    >>> canon_tones("Hoà bình, uỷ ban, khoẻ, hoàng, quý, qúy")
    'Hòa bình, ủy ban, khỏe, hoàng, quý, quý'
    """
    return _TONE_RE.sub(_move_tone, text)


def lookalike_table() -> dict[int, str]:
    """Return a one-for-one `str.translate` table for odd spaces, dashes and look-alikes.

    Only single characters map to single characters, so offsets are untouched. Zero-width
    characters are not here: they are deleted by the normalizer, which records the edit.
    """
    table: dict[int, str] = {}
    for cp in (0x00A0, 0x1680, 0x202F, 0x205F, 0x3000, 0x2007, 0x2008, 0x2009, 0x200A):
        table[cp] = " "
    for cp in range(0x2000, 0x2007):
        table[cp] = " "
    table[0x0009] = " "  # tab: a run of spaces to the matcher
    for cp in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE63, 0xFF0D):
        table[cp] = "-"
    # Icelandic eth looks exactly like Vietnamese đ/Đ and turns up in PDFs and old fonts.
    table[0x00D0] = "Đ"
    table[0x00F0] = "đ"
    table[0x0189] = "Đ"  # African D
    # Cyrillic letters that look Latin; Vietnamese official text never uses Cyrillic.
    for cyr, lat in zip("аеорсхуіАВЕКМНОРСТХ", "aeopcxyiABEKMHOPCTX", strict=True):
        table[ord(cyr)] = lat
    return table


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    ranges = [range(0x41, 0x5B), range(0xC0, 0x250), range(0x1E00, 0x1F00)]
    for r in ranges:
        for cp in r:
            ch = chr(cp)
            low = ch.lower()
            if len(low) != 1:
                continue
            base = "".join(
                c for c in unicodedata.normalize("NFD", low) if not unicodedata.combining(c)
            )
            base = base.replace("đ", "d").replace("ð", "d")
            if len(base) == 1 and base != ch:
                table[cp] = base
    table[ord("đ")] = "d"
    table[ord("Đ")] = "d"
    return table


def fold(text: str) -> str:
    """Lower-case and strip diacritics (đ→d), one character for one (length-preserving).

    Folding is lossy (phạt/phát, cấm/cam), so rules opt in to it one by one.

    >>> fold("Bình Đẳng GIỚI")
    'binh dang gioi'
    """
    return text.translate(_fold_table())


def lower(text: str) -> str:
    """Lower-case without ever changing the length (str.lower can, e.g. for 'İ')."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def is_caps_line(text: str) -> bool:
    """Return True if the text has at least two capital letters and no lower-case letter."""
    # str.isupper: every cased character is upper case and there is at least one.
    if not text.isupper():
        return False
    seen = 0
    for ch in text:
        if ch.isupper():
            seen += 1
            if seen == 2:
                return True
    return False


# Letters only Vietnamese writes (French shares à, â, é, ê, ô...): the tell of real
# Unicode Vietnamese, as opposed to TCVN3/VNI text read as Windows-1252.
VIETNAMESE_LETTERS = frozenset("ăđơưĩũĂĐƠƯĨŨ" + "".join(chr(cp) for cp in range(0x1EA0, 0x1EFA)))


_LETTER_RE = re.compile(r"[^\W\d_]")
_VIET_RE = re.compile("[" + "".join(sorted(VIETNAMESE_LETTERS)) + "]")


def vietnamese_letter_ratio(text: str) -> float:
    """Return the share of letters that only Vietnamese Unicode text uses (ơ, ư, ạ, ế, ...)."""
    letters = len(_LETTER_RE.findall(text))
    return len(_VIET_RE.findall(text)) / letters if letters else 0.0
