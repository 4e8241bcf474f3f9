"""CSV: one row per finding, for Excel (UTF-8 with a byte-order mark so Vietnamese shows)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from gender_mainstream.model import Report

__all__ = ["CSV_COLUMNS", "render_csv"]

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


def render_csv(reports: Sequence[Report], *, bom: bool = True) -> str:
    """Return the CSV text (with a leading BOM unless `bom` is False)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in reports:
        m = r.document
        for f in r.findings:
            loc = f.location
            writer.writerow(
                [
                    m.path,
                    m.doc_type or "",
                    m.number or "",
                    m.date.isoformat() if m.date else "",
                    f.rule_id,
                    f.category.value,
                    f.severity.value,
                    f"{f.confidence:.2f}",
                    loc.section or "",
                    "" if loc.page is None else loc.page,
                    "" if loc.paragraph is None else loc.paragraph,
                    "" if loc.line is None else loc.line,
                    "" if loc.start is None else loc.start,
                    "" if loc.end is None else loc.end,
                    f.text or "",
                    f.message,
                    "; ".join(b.citation for b in f.legal_basis),
                    f.suggestion or "",
                    f.fingerprint,
                ]
            )
    return ("\ufeff" if bom else "") + buf.getvalue()
