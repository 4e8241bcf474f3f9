"""CSV: one row per finding, for Excel (UTF-8 with a byte-order mark so Vietnamese shows)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from gender_mainstream.model import Report

__all__ = ["CSV_COLUMNS", "finding_row", "render_csv", "write_rows"]

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
    loc = finding.get("location") or {}

    def opt(key: str) -> Any:
        value = loc.get(key)
        return "" if value is None else value

    return {
        "path": document.get("path") or "",
        "doc_type": document.get("doc_type") or "",
        "number": document.get("number") or "",
        "date": document.get("date") or "",
        "rule_id": finding["rule_id"],
        "category": finding["category"],
        "severity": finding["severity"],
        "confidence": f"{finding.get('confidence') or 0:.2f}",
        "section": loc.get("section") or "",
        "page": opt("page"),
        "paragraph": opt("paragraph"),
        "line": opt("line"),
        "start": opt("start"),
        "end": opt("end"),
        "text": finding.get("text") or "",
        "message": finding.get("message") or "",
        "legal_basis": "; ".join(b["citation"] for b in finding.get("legal_basis") or []),
        "suggestion": finding.get("suggestion") or "",
        "fingerprint": finding.get("fingerprint") or "",
    }


def write_rows(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, bom: bool = True
) -> str:
    """Return CSV text: a header of `columns`, then the rows (CRLF lines, as Excel writes)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\r\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    return ("\ufeff" if bom else "") + buf.getvalue()


def render_csv(reports: Sequence[Report], *, bom: bool = True) -> str:
    """Return the CSV text (with a leading BOM unless `bom` is False)."""
    rows: list[dict[str, Any]] = []
    for r in reports:
        wire = r.wire()
        rows.extend(finding_row(wire["document"], f) for f in wire["findings"])
    return write_rows(rows, CSV_COLUMNS, bom=bom)
