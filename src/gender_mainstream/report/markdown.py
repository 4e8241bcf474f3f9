"""Markdown: the report as a reviewer would paste it into a ticket, a wiki or an e-mail."""

from __future__ import annotations

from collections.abc import Sequence

from gender_mainstream.model import Finding, Report
from gender_mainstream.report.labels import (
    CATEGORY_NAMES,
    ELEMENT_NAMES,
    SEVERITY_NAMES,
    STATUS_NAMES,
    report_title,
    where,
)

__all__ = ["render_markdown"]


def _md(text: str) -> str:
    """Escape the characters Markdown would read as markup in running text."""
    out = text
    for ch in "\\`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out


def _finding(f: Finding) -> list[str]:
    head = f"- **{SEVERITY_NAMES[f.severity.value]}** `{f.rule_id}` ({CATEGORY_NAMES[f.category]})"
    lines = [f"{head}, {where(f)}"]
    if f.text is not None:
        ex = f.excerpt
        if ex is not None and 0 <= ex.start <= ex.end <= len(ex.text):
            quote = (
                _md(ex.text[: ex.start])
                + "**"
                + _md(ex.text[ex.start : ex.end])
                + "**"
                + _md(ex.text[ex.end :])
            )
        else:
            quote = "**" + _md(f.text) + "**"
        lines.append(f"  > {quote}")
    lines.append(f"  {_md(f.message)}")
    if f.legal_basis:
        lines.append("  *Căn cứ:* " + "; ".join(_md(b.citation) for b in f.legal_basis))
    if f.suggestion:
        lines.append(f"  *Gợi ý sửa:* {_md(f.suggestion)}")
    return lines


def _one(report: Report) -> list[str]:
    m = report.document
    out = [f"# {_md(report_title(report))}", ""]
    out.append(f"Tệp: `{m.path}`" + (f" · {m.pages} trang" if m.pages else ""))
    out.extend(f"> ⚠ {e.code}: {_md(e.message)}" for e in report.errors)
    out.append("")
    if report.scorecard:
        out.append("## Lồng ghép vấn đề bình đẳng giới (Điều 21 Luật Bình đẳng giới)")
        out.append("")
        if not m.gender_relevant:
            out.append("Văn bản không liên quan đến bình đẳng giới: các tiêu chí không áp dụng.")
            out.append("")
        out.append("| Tiêu chí | Đánh giá | Căn cứ trong văn bản |")
        out.append("|---|---|---|")
        for item in report.scorecard:
            evidence = " · ".join(_md(e.text[:140]) for e in item.evidence[:2]) or "—"
            out.append(f"| {ELEMENT_NAMES[item.id]} | {STATUS_NAMES[item.status]} | {evidence} |")
        out.append("")
    out.append(f"## Phát hiện ({len(report.findings)})")
    out.append("")
    current: str | None = "\0"
    for f in sorted(report.findings, key=lambda f: f.location.start or -1):
        section = f.location.section
        if section != current:
            out.append(f"### {'Mục ' + section if section else 'Toàn văn bản'}")
            out.append("")
            current = section
        out.extend(_finding(f))
        out.append("")
    if not report.findings:
        out.append("Không có phát hiện.")
        out.append("")
    if report.suppressed:
        out.append(f"## Đã bỏ qua ({len(report.suppressed)})")
        out.append("")
        out.extend(
            f"- `{s.rule_id}` {_md(s.text or '')} — {_md(s.reason)}" for s in report.suppressed
        )
        out.append("")
    return out


def render_markdown(reports: Sequence[Report]) -> str:
    """Render reports as Markdown, one top-level heading per document."""
    lines: list[str] = []
    for report in reports:
        lines.extend(_one(report))
    return "\n".join(lines).rstrip() + "\n"
