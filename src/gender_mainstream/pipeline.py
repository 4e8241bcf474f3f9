"""The whole flow, in order: ingest -> normalize -> structure -> nlp -> checks -> report."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from gender_mainstream._version import __version__
from gender_mainstream.checks.loader import RulePack, load_rules
from gender_mainstream.engine import run_checks
from gender_mainstream.ingest import DEFAULT_MAX_BYTES, read_bytes, read_raw
from gender_mainstream.model import Document, Report, ToolInfo
from gender_mainstream.normalize import normalize
from gender_mainstream.scorecard import build_scorecard
from gender_mainstream.structure import build_document
from gender_mainstream.suppress import SuppressEntry, apply_suppressions, load_suppressions

__all__ = [
    "OCR_CONFIDENCE",
    "parse_file",
    "parse_text",
    "review_document",
    "review_file",
    "review_text",
]


def parse_file(
    path: str | os.PathLike[str],
    *,
    password: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    ocr: bool = False,
) -> Document:
    """Read, normalize and structure one .txt, .docx or .pdf file (format read from content).

    With `ocr`, scanned PDF pages are read by Tesseract (findings there get lower confidence).

    Raises:
        InputError: the file cannot be read as a document; the message says why and what to do.

    """
    raw = read_raw(path, password=password, max_bytes=max_bytes, ocr=ocr)
    return build_document(raw, normalize(raw))


def parse_text(text: str, *, path: str = "<text>") -> Document:
    """Structure a document given as a string (read exactly like a UTF-8 .txt file)."""
    raw = read_bytes(text.encode("utf-8"), path)
    return build_document(raw, normalize(raw))


OCR_CONFIDENCE = 0.7


def _pack(rules: RulePack | Sequence[str | Path] | None) -> RulePack:
    if isinstance(rules, RulePack):
        return rules
    return load_rules(list(rules or []))


Suppress = Sequence[SuppressEntry] | str | Path | None


def _entries(suppress: Suppress) -> list[SuppressEntry]:
    if suppress is None:
        return []
    if isinstance(suppress, (str, Path)):
        return load_suppressions(suppress)
    return list(suppress)


def review_document(
    document: Document, *, rules: RulePack | None = None, suppress: Suppress = None
) -> Report:
    """Review an already parsed document."""
    pack = _pack(rules)
    result = run_checks(document, pack)
    ocr_pages = {i.page for i in document.errors if i.code == "GM-W131" and i.page}
    for f in result.findings:
        if f.location.page in ocr_pages:  # read by OCR: the words may be misread
            f.confidence = round(f.confidence * OCR_CONFIDENCE, 3)
    findings, suppressed = apply_suppressions(
        result.findings, document.metadata, _entries(suppress)
    )
    return Report(
        tool=ToolInfo(version=__version__, rules_version=pack.version),
        document=document.metadata,
        findings=findings,
        scorecard=build_scorecard(result.adoc, pack),
        suppressed=suppressed,
        errors=list(document.errors) + result.issues,
    )


def review_file(
    path: str | os.PathLike[str],
    *,
    rules: RulePack | Sequence[str | Path] | None = None,
    password: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    suppress: Suppress = None,
) -> Report:
    """Review one file: findings with locations in the file's own terms, and the scorecard.

    Args:
        path: a .txt, .docx or .pdf file (the format is detected from the content).
        rules: a loaded `RulePack`, or extra rule folders layered over the built-in pack.
        password: for an encrypted PDF.
        max_bytes: refuse larger files (they are usually not single documents).
        suppress: a suppression file, or entries, silencing findings with a stated reason.

    Raises:
        InputError: the file cannot be read; RuleError: a rule folder is invalid.

    """
    document = parse_file(path, password=password, max_bytes=max_bytes)
    return review_document(document, rules=_pack(rules), suppress=suppress)


def review_text(
    text: str,
    *,
    rules: RulePack | Sequence[str | Path] | None = None,
    path: str = "<text>",
    suppress: Suppress = None,
) -> Report:
    """Review a document given as a string."""
    return review_document(parse_text(text, path=path), rules=_pack(rules), suppress=suppress)
