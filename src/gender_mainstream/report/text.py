"""Plain-text output for a terminal: findings grouped by section, a one-line summary."""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Sequence

from gender_mainstream.checks.schema import RuleBase
from gender_mainstream.model import Document, Report, Section
from gender_mainstream.report.labels import TYPE_NAMES, topics_text, where

__all__ = ["render_document", "render_rule", "render_text"]

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD = "\033[1m"
_RESET = "\033[0m"


def _header(report: Report) -> str:
    m = report.document
    bits = [TYPE_NAMES.get(m.doc_type or "", m.doc_type or "Văn bản")]
    if m.number:
        bits.append(f"số {m.number}")
    if m.date:
        bits.append(f"ngày {m.date.strftime('%d/%m/%Y')}")
    head = " ".join(bits)
    if m.issuer:
        head += f" — {m.issuer}"
    return f"{m.path}: {head}"


_ELEMENT_NAMES = {
    "gender_issue": "vấn đề giới",
    "impact_forecast": "dự báo tác động",
    "responsibility": "trách nhiệm",
    "resources": "nguồn lực",
    "sex_disaggregated_data": "số liệu theo giới",
    "monitoring": "theo dõi, báo cáo",
}
_STATUS_NAMES = {
    "met": "có",
    "partial": "một phần",
    "missing": "thiếu",
    "not_applicable": "không áp dụng",
}


def _scorecard_lines(report: Report) -> list[str]:
    """Two lines on mainstreaming (Luật BĐG Điều 21): relevance, then the six elements."""
    m = report.document
    if not report.scorecard:
        return []
    if not m.gender_relevant:
        return ["  Lồng ghép giới: văn bản không liên quan đến giới (không áp dụng)."]
    topics = f" (chủ đề: {topics_text(m.topics)})" if m.topics else ""
    items = [
        f"{_ELEMENT_NAMES.get(s.id, s.id)}: {_STATUS_NAMES.get(s.status, s.status)}"
        for s in report.scorecard
    ]
    out = [f"  Lồng ghép giới (Điều 21 Luật BĐG): văn bản có liên quan đến giới{topics}"]
    out.extend("    " + " · ".join(items[i : i + 3]) for i in range(0, len(items), 3))
    return out


def render_text(reports: Sequence[Report], *, quiet: bool = False, color: bool = False) -> str:
    """Render reports for reading in a terminal."""
    lines: list[str] = []
    totals: Counter[str] = Counter()
    files_with_errors = 0
    for report in reports:
        if report.errors and report.document.format is None:
            files_with_errors += 1
            continue  # unreadable: already reported on stderr
        totals.update(f.severity.value for f in report.findings)
        if quiet:
            continue
        lines.append(_BOLD + _header(report) + _RESET if color else _header(report))
        for issue in report.errors:
            lines.append(f"  ! {issue.message}")
        current: str | None = "\0"
        for f in sorted(report.findings, key=lambda f: f.location.start or -1):
            section = f.location.section
            if section != current:
                lines.append(f"  [{section or 'ngoài các mục'}]")
                current = section
            sev = f.severity.value
            tag = f"{_COLORS[sev]}{sev:<7}{_RESET}" if color else f"{sev:<7}"
            quoted = f' "{f.text}"' if f.text else ""
            lines.append(f"    {tag} {f.rule_id}  {where(f)}:{quoted}")
            wrap = textwrap.TextWrapper(
                width=100, initial_indent=" " * 12, subsequent_indent=" " * 12
            )
            lines.extend(wrap.wrap(f.message))
            if f.legal_basis:
                lines.extend(wrap.wrap("Căn cứ: " + "; ".join(b.citation for b in f.legal_basis)))
            if f.suggestion:
                lines.extend(wrap.wrap("Gợi ý: " + f.suggestion))
        if not report.findings:
            lines.append("    (không có phát hiện)")
        lines.extend(_scorecard_lines(report))
        for s in report.suppressed:
            quoted = f' "{s.text}"' if s.text else ""
            lines.append(f"  bỏ qua {s.rule_id}{quoted}: {s.reason}")
        lines.append("")
    n = sum(totals.values())
    read = len(reports) - files_with_errors
    suppressed = sum(len(r.suppressed) for r in reports)
    summary = (
        f"{n} finding{'s' if n != 1 else ''} ({totals['error']} error, "
        f"{totals['warning']} warning, {totals['info']} info) in {read} file"
        f"{'s' if read != 1 else ''}"
    )
    if suppressed:
        summary += f"; {suppressed} suppressed"
    if files_with_errors:
        summary += (
            f"; {files_with_errors} file{'s' if files_with_errors > 1 else ''} could not be read"
        )
    lines.append(summary)
    return "\n".join(lines) + "\n"


def _tree(section: Section, depth: int, out: list[str]) -> None:
    out.append(f"{'  ' * depth}{section.path}  {section.title}  ({len(section.paragraphs)} đoạn)")
    for child in section.children:
        _tree(child, depth + 1, out)


def render_document(doc: Document) -> str:
    """Render a parsed document's metadata and outline."""
    m = doc.metadata
    out = [
        f"path:       {m.path}",
        f"format:     {m.format.value if m.format else '-'}"
        + (f" ({m.encoding})" if m.encoding else ""),
        f"type:       {m.doc_type or '-'}",
        f"number:     {m.number or '-'}" + (" (quy phạm pháp luật)" if m.normative else ""),
        f"issuer:     {m.issuer or '-'}",
        f"place/date: {m.place or '-'}, {m.date.isoformat() if m.date else '-'}",
        f"title:      {m.title or '-'}",
        f"pages:      {m.pages if m.pages is not None else '-'}",
        f"căn cứ:     {len(doc.basis)}",
    ]
    out.extend(f"  - {b}" for b in doc.basis)
    out.append("sections:")
    for s in doc.sections:
        _tree(s, 1, out)
    if doc.signature:
        sig = doc.signature
        out.append(
            "signature:  "
            + " / ".join(x for x in (sig.authority, sig.capacity, sig.position, sig.signer) if x)
        )
    out.append(f"nơi nhận:   {len(doc.recipients)}")
    out.extend(f"  - {r}" for r in doc.recipients)
    for issue in doc.errors:
        out.append(f"! {issue.message}")
    return "\n".join(out) + "\n"


def render_rule(rule: RuleBase) -> str:
    """Render one rule for `rules explain`."""
    out = [
        f"{rule.id}  {rule.name}",
        f"type: {getattr(rule, 'type', '?')}   category: {rule.category.value}   "
        f"severity: {rule.severity.value}   status: {rule.status}",
        "",
        f"message:    {rule.message}",
    ]
    if rule.suggestion:
        out.append(f"suggestion: {rule.suggestion}")
    if rule.legal_basis:
        out.append("legal basis:")
        for b in rule.legal_basis:
            dates = ""
            if b.effective_from or b.effective_to:
                dates = f" (in force {b.effective_from or '…'} – {b.effective_to or 'now'})"
            out.append(f"  - {b.citation}{dates}")
    if rule.description:
        out.append("")
        out.append(rule.description.strip())
    out.append("")
    out.append("examples (flagged):")
    out.extend(f"  + {e}" for e in rule.examples.flag)
    out.append("examples (not flagged):")
    out.extend(f"  - {e}" for e in rule.examples.pass_)
    return "\n".join(out) + "\n"
