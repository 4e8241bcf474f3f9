"""CSV: one row per finding, for Excel (UTF-8 with a byte-order mark so Vietnamese shows)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

from gender_mainstream.model import Report

__all__ = ["CSV_COLUMNS", "as_text", "clean_text", "finding_row", "render_csv", "write_rows"]

_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    cp = ord(match.group())
    if 0xDC80 <= cp <= 0xDCFF:  # os.fsdecode's stand-in for the undecodable byte cp - 0xDC00
        return f"\\x{cp - 0xDC00:02x}"
    return f"\\u{cp:04x}"


def clean_text(text: str) -> str:
    r"""Return `text` encodable as UTF-8: a lone surrogate becomes a visible escape.

    A file name that is not valid UTF-8 reaches Python with each undecodable byte as a lone
    surrogate (U+DC80..U+DCFF); it is shown as `\xNN` (the byte), any other lone surrogate
    as `\uNNNN`. Text without surrogates is returned as it is.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub(_escape, text)
    return text


def as_text(value: Any) -> Any:
    """Return a value for a CSV cell or a label: "" for None, text or a number as it is.

    Anything else (a list or an object where a hand-edited record had text) becomes its
    string form, so a summary never fails on it.
    """
    if value is None:
        return ""
    if isinstance(value, str | int | float):
        return value
    return str(value)


def _confidence(value: Any) -> str:
    try:
        return f"{float(value or 0):.2f}"
    except (TypeError, ValueError):
        return ""


CSV_COLUMNS = [
    "path",
    "doc_type",
    "number",
    "date",
    "rule_id",
    "category",
    "severity",
    "confidence",
    "section",
    "page",
    "paragraph",
    "line",
    "start",
    "end",
    "text",
    "message",
    "legal_basis",
    "suggestion",
    "fingerprint",
]


def finding_row(document: Mapping[str, Any], finding: Mapping[str, Any]) -> dict[str, Any]:
    """Return one row for a finding, from report JSON (§3.2): the batch's findings.csv too."""
    loc = finding.get("location")
    if not isinstance(loc, Mapping):
        loc = {}
    basis = finding.get("legal_basis")
    citations = [
        str(b.get("citation") or "")
        for b in (basis if isinstance(basis, list) else [])
        if isinstance(b, Mapping)
    ]

    def opt(key: str) -> Any:
        return as_text(loc.get(key))

    def text(key: str, of: Mapping[str, Any] = finding) -> Any:
        return as_text(of.get(key) or "")

    return {
        "path": text("path", document),
        "doc_type": text("doc_type", document),
        "number": text("number", document),
        "date": text("date", document),
        "rule_id": as_text(finding["rule_id"]),
        "category": as_text(finding["category"]),
        "severity": as_text(finding["severity"]),
        "confidence": _confidence(finding.get("confidence")),
        "section": as_text(loc.get("section") or ""),
        "page": opt("page"),
        "paragraph": opt("paragraph"),
        "line": opt("line"),
        "start": opt("start"),
        "end": opt("end"),
        "text": text("text"),
        "message": text("message"),
        "legal_basis": "; ".join(citations),
        "suggestion": text("suggestion"),
        "fingerprint": text("fingerprint"),
    }


def write_rows(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, bom: bool = True
) -> str:
    r"""Return CSV text: a header of `columns`, then the rows (CRLF lines, as Excel writes).

    The text is always encodable as UTF-8: a path that is not valid UTF-8 shows its bytes as
    `\xNN` (`clean_text`).
    """
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\r\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    return clean_text(("\ufeff" if bom else "") + buf.getvalue())


def render_csv(reports: Sequence[Report], *, bom: bool = True) -> str:
    """Return the CSV text (with a leading BOM unless `bom` is False)."""
    rows: list[dict[str, Any]] = []
    for r in reports:
        wire = r.wire()
        rows.extend(finding_row(wire["document"], f) for f in wire["findings"])
    return write_rows(rows, CSV_COLUMNS, bom=bom)
