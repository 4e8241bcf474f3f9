"""Plain text in any encoding a Vietnamese office produces.

Order of evidence: a byte-order mark; UTF-16 without a BOM (every other byte NUL); strict
UTF-8; then the single-byte code pages, Windows-1258 (Vietnamese, with combining tone marks)
against Windows-1252. Whatever the byte encoding, old documents typed in TCVN3 (ABC, .VnTime
fonts) or VNI fonts arrive as Latin-1 mojibake ("Céng hoµ x· héi"); that is detected from the
content and converted, and the detected encoding is recorded.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata

from gender_mainstream.errors import EmptyFileError, UnsupportedFormatError
from gender_mainstream.ingest import legacy
from gender_mainstream.ingest.raw import Block, RawDocument
from gender_mainstream.model import DocIssue, SourceFormat
from gender_mainstream.vi import vietnamese_letter_ratio

__all__ = ["decode_text", "read_txt"]

# Control characters that plain text never contains (tab, newlines, form feed and the DOS
# end-of-file mark \x1a are allowed); C1 controls come from binary data read as Latin-1.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nul = sample[0::2].count(0) / (len(sample) / 2)
    odd_nul = sample[1::2].count(0) / (len(sample) / 2)
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Return (text, encoding name) or raise if the bytes are not text.

    Raises:
        UnsupportedFormatError: binary data (NUL bytes, control characters).

    """
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return _check_text(data.decode(name), path), name
            except UnicodeDecodeError:
                break
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        try:
            return _check_text(data.decode(utf16), path), utf16
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise UnsupportedFormatError(path, "binary data, not a text, Word or PDF file")
    try:
        return _check_text(data.decode("utf-8"), path), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    # A UTF-8 text with a stray byte or a last character cut in half is still that text:
    # a few replaced bytes cost less than refusing it (read_txt records a warning).
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    if bad <= max(4, len(data) // 10_000) and vietnamese_letter_ratio(lenient) > 0.02:
        return _check_text(lenient, path), f"utf-8 ({bad} invalid, first at byte {first_bad})"
    vn = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    if vietnamese_letter_ratio(vn) > 0.02 and vn.count("\ufffd") == 0:
        return _check_text(vn, path), "windows-1258"
    try:
        latin = data.decode("cp1252")
        name = "windows-1252"
    except UnicodeDecodeError:
        latin = data.decode("latin-1")
        name = "latin-1"
    return _check_text(latin, path), name


def _check_text(text: str, path: str) -> str:
    if not text:
        return text
    sample = text[:200_000]
    controls = len(_CONTROL_RE.findall(sample))
    if controls > max(2, len(sample) // 200):
        raise UnsupportedFormatError(path, "binary data, not a text, Word or PDF file")
    return text


def read_txt(data: bytes, path: str) -> RawDocument:
    """Decode a text file into one soft block (its paragraphs are rebuilt from lines)."""
    text, encoding = decode_text(data, path)
    issues: list[DocIssue] = []
    if encoding.startswith("utf-8 ("):
        issues.append(
            DocIssue(
                code="GM-W112",
                message=f"the file is not valid UTF-8 ({encoding[7:-1]}); the bad bytes were "
                "replaced by '\ufffd' — check the text around them",
            )
        )
    converted = legacy.convert_if_legacy(text)
    if converted is not None:
        text, legacy_name = converted
        encoding = f"{legacy_name} (as {encoding})"
        issues.append(
            DocIssue(
                code="GM-W110",
                message=(
                    f"text was typed in the legacy {legacy_name.upper()} encoding and converted to "
                    "Unicode; locations refer to the converted text"
                ),
            )
        )
    if not any(ch.isalpha() for ch in text):
        raise EmptyFileError(path, "the file has no text (only whitespace or symbols)")
    return RawDocument(
        path=path,
        format=SourceFormat.TXT,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        text=text,
        blocks=[Block(start=0, end=len(text), kind="text")],
        encoding=encoding,
        issues=issues,
    )
