"""The draft back to its author: a Word copy with a comment on each finding.

For a .docx input the copy keeps every paragraph, run and format of the original; runs are
split exactly at a finding's first and last character (each half keeping the run's
properties) and a comment by "gender-mainstream" is anchored on those runs. Document-level
findings and the scorecard go in one comment on the title. For .txt and .pdf input a new
.docx of the document's paragraphs is written and commented the same way. The input file is
read once and never written.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from gender_mainstream.errors import InputError
from gender_mainstream.ingest.docx import W, iter_docx_blocks, paragraph_runs
from gender_mainstream.model import Document, Finding, Report, SourceFormat
from gender_mainstream.report.labels import ELEMENT_NAMES, STATUS_NAMES

__all__ = ["AUTHOR", "AnnotateResult", "annotate_docx"]

AUTHOR = "gender-mainstream"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@dataclass
class AnnotateResult:
    """What was written: comments anchored on text, and findings put on the title instead."""

    path: Path
    anchored: int
    on_title: int


def _comment_lines(f: Finding) -> list[str]:
    lines = [f"[{f.rule_id}] {f.message}"]
    if f.legal_basis:
        lines.append("Căn cứ: " + "; ".join(b.citation for b in f.legal_basis))
    if f.suggestion:
        lines.append("Gợi ý: " + f.suggestion)
    return lines


def _summary_lines(report: Report, general: Iterable[Finding]) -> list[str]:
    lines = ["Kết quả rà soát lồng ghép vấn đề bình đẳng giới (Điều 21 Luật Bình đẳng giới):"]
    if report.scorecard and report.document.gender_relevant:
        lines += [f"- {ELEMENT_NAMES[s.id]}: {STATUS_NAMES[s.status]}" for s in report.scorecard]
    elif report.scorecard:
        lines.append("- Văn bản không liên quan đến bình đẳng giới: không áp dụng.")
    for f in general:
        lines += _comment_lines(f)
    return lines


# --- run surgery ---------------------------------------------------------------------------


def _child_len(child: Any) -> int:
    tag = child.tag
    if tag == W + "t":
        return len(child.text or "")
    if tag in (W + "tab", W + "ptab", W + "br", W + "cr", W + "noBreakHyphen"):
        return 1
    return 0


def _keep(run: Any, lo: int, hi: int) -> None:
    """Cut run element `run` down to its characters [lo, hi), keeping its properties."""
    pos = 0
    for child in list(run.iterchildren()):
        n = _child_len(child)
        if n == 0:
            continue  # w:rPr and other non-text children stay
        a, b = pos, pos + n
        pos = b
        if b <= lo or a >= hi:
            run.remove(child)
        elif child.tag == W + "t" and (a < lo or b > hi):
            text = child.text or ""
            child.text = text[max(lo, a) - a : min(hi, b) - a]
            child.set(_XML_SPACE, "preserve")


def _split(run: Any, at: int) -> Any:
    """Split run element `run` at character `at`; return the new right-hand run."""
    total = sum(_child_len(c) for c in run.iterchildren())
    right = copy.deepcopy(run)
    _keep(run, 0, at)
    _keep(right, at, total)
    run.addnext(right)
    return right


def _isolate(p: Any, start: int, end: int) -> list[Any]:
    """Return the run elements of paragraph `p` covering exactly [start, end)."""
    for cut in (start, end):
        pos = 0
        for r, text in paragraph_runs(p):
            if pos < cut < pos + len(text):
                _split(r, cut - pos)
                break
            pos += len(text)
    out: list[Any] = []
    pos = 0
    for r, text in paragraph_runs(p):
        if start <= pos and pos + len(text) <= end and text:
            out.append(r)
        pos += len(text)
    return out


# --- the two routes ------------------------------------------------------------------------


def _add_comment(d: Any, runs: list[Any], paragraph: Any, lines: list[str]) -> None:
    from docx.text.run import Run

    first, last = Run(runs[0], paragraph), Run(runs[-1], paragraph)
    comment = d.add_comment([first, last], text=lines[0], author=AUTHOR, initials="GM")
    for line in lines[1:]:
        comment.add_paragraph(line)


def _annotate_docx_source(
    data: bytes, document: Document, report: Report
) -> tuple[Any, int, list[Finding]]:
    import docx
    from docx.text.paragraph import Paragraph

    d = docx.Document(io.BytesIO(data))
    blocks = []
    pos = 0
    for b in iter_docx_blocks(d):
        text = "".join(t for _, t in paragraph_runs(b.element))
        blocks.append((pos, pos + len(text), b))
        pos += len(text) + 1
    anchored = 0
    leftover: list[Finding] = []
    # Right to left inside a paragraph, so earlier offsets stay valid after each split.
    spans = [f for f in report.findings if f.text is not None and f.location.start is not None]
    for f in sorted(spans, key=lambda f: -(f.location.start or 0)):
        s, e = f.location.start or 0, f.location.end or 0
        block = next((x for x in blocks if x[0] <= s < x[1] + 1), None)
        if block is None or block[2].part != "body":
            leftover.append(f)  # Word cannot anchor comments in headers and footers
            continue
        b0, b1, blk = block
        runs = _isolate(blk.element, s - b0, min(e, b1) - b0)
        if not runs:
            leftover.append(f)
            continue
        _add_comment(d, runs, Paragraph(blk.element, d._body), _comment_lines(f))
        anchored += 1
    return d, anchored, leftover


def _canonical_span(document: Document, f: Finding) -> tuple[int, int, int] | None:
    """Return (paragraph index, start, end) of a finding inside a paragraph's own text."""
    if f.text is None or f.location.start is None:
        return None
    omap = document._source_map.omap
    needle = f.text.lower()
    for i, p in enumerate(document.paragraphs):
        ps, pe = omap.span(p.start, p.end)
        if not ps <= f.location.start <= pe:
            continue
        hay = p.text.lower()
        k = hay.find(needle)
        while k >= 0:
            if omap.span(p.start + k, p.start + k + len(needle))[0] == f.location.start:
                return i, k, k + len(needle)
            k = hay.find(needle, k + 1)
    return None


def _annotate_new_docx(document: Document, report: Report) -> tuple[Any, int, list[Finding]]:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    d = docx.Document()
    d.styles["Normal"].font.name = "Times New Roman"
    d.styles["Normal"].font.size = Pt(13)
    spans: dict[int, list[tuple[int, int, Finding]]] = {}
    leftover: list[Finding] = []
    for f in report.findings:
        if f.text is None:
            continue
        place = _canonical_span(document, f)
        if place is None:
            leftover.append(f)
        else:
            spans.setdefault(place[0], []).append((place[1], place[2], f))
    anchored = 0
    for i, para in enumerate(document.paragraphs):
        p = d.add_paragraph()
        if para.kind in ("title", "doc_type", "header"):
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cuts = sorted({0, len(para.text)} | {c for a, b, _ in spans.get(i, []) for c in (a, b)})
        runs: dict[int, Any] = {}
        for a, b in pairwise(cuts):
            if a < b:
                run = p.add_run(para.text[a:b])
                run.bold = para.kind in ("title", "doc_type") or None
                runs[a] = run
        for a, b, f in spans.get(i, []):
            covered = [r for k, r in sorted(runs.items()) if a <= k < b]
            if covered:
                _add_comment(d, [r._r for r in covered], p, _comment_lines(f))
                anchored += 1
            else:
                leftover.append(f)
    return d, anchored, leftover


def _title_runs(d: Any, document: Document, from_docx: bool) -> tuple[list[Any], Any] | None:
    from docx.text.paragraph import Paragraph

    if from_docx:
        body = [b for b in iter_docx_blocks(d) if b.part == "body"]
        wanted = next((p for p in document.paragraphs if p.kind == "title"), None)
        target = None
        number = wanted.location.paragraph if wanted is not None else None
        if number is not None:
            target = next(
                (b for b in body if b.kind == "paragraph" and b.paragraph == number), None
            )
        target = target or next((b for b in body if paragraph_runs(b.element)), None)
        if target is None:
            return None
        runs = [r for r, t in paragraph_runs(target.element) if t]
        return (runs, Paragraph(target.element, d._body)) if runs else None
    # The new document has one Word paragraph per paragraph of the parsed document.
    order = [i for i, p in enumerate(document.paragraphs) if p.kind == "title"]
    order += [i for i, p in enumerate(document.paragraphs) if p.kind == "doc_type"]
    order += list(range(len(document.paragraphs)))
    paragraphs = d.paragraphs
    for i in order:
        if i < len(paragraphs) and paragraphs[i].runs:
            return [r._r for r in paragraphs[i].runs], paragraphs[i]
    return None


def annotate_docx(
    document: Document, report: Report, source: str | Path, out: str | Path
) -> AnnotateResult:
    """Write `out`: the reviewed document as .docx with a comment on each finding.

    Raises:
        InputError: `out` is the input file itself (the input is never overwritten).

    """
    src, dst = Path(source), Path(out)
    if dst.exists() and src.exists() and dst.resolve() == src.resolve():
        raise InputError(dst, "the annotated copy would overwrite the input", "give another name")
    from_docx = document.metadata.format == SourceFormat.DOCX
    if from_docx:
        d, anchored, leftover = _annotate_docx_source(src.read_bytes(), document, report)
    else:
        d, anchored, leftover = _annotate_new_docx(document, report)
    general = [f for f in report.findings if f.text is None] + sorted(
        leftover, key=lambda f: f.location.start or 0
    )
    title = _title_runs(d, document, from_docx)
    if title is not None and (general or report.scorecard):
        runs, paragraph = title
        _add_comment(d, runs, paragraph, _summary_lines(report, general))
    d.save(str(dst))
    return AnnotateResult(dst, anchored, len(general))
