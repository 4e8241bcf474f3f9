"""The draft back to its author: a Word copy with a comment on each finding.

For a .docx input the copy keeps every paragraph, run and format of the original; runs are
split exactly at a finding's first and last character (each half keeping the run's
properties) and a comment by "gender-mainstream" is anchored on those runs. Document-level
findings, findings Word cannot anchor (in headers and footers) and the scorecard go in one
comment on the title, or on the first paragraph with text; when the body has no text at all
(only headers and footers do), a short first paragraph is inserted to carry that comment, so
every finding counted is in the file. For .txt and .pdf input a new .docx of the document's
paragraphs is written and commented the same way. A legacy .doc is converted by LibreOffice
again, exactly as it was for reading, and the converted .docx is annotated; if the file no
longer reads as it did when it was reviewed, a new .docx of the reviewed paragraphs is
written instead. The input file is read once and never written.
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
from gender_mainstream.ingest.docx import W, iter_docx_blocks, open_docx, paragraph_runs
from gender_mainstream.model import Document, Finding, Report, SourceFormat
from gender_mainstream.report.labels import ELEMENT_NAMES, STATUS_NAMES

__all__ = ["AUTHOR", "AnnotateResult", "annotate_docx"]

AUTHOR = "gender-mainstream"
# Text of the paragraph inserted to carry the summary when the body has no text of its own.
ANCHOR_TEXT = "[Kết quả rà soát lồng ghép giới — gender-mainstream]"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@dataclass
class AnnotateResult:
    """What was written: comments anchored on text, and findings put on the title instead.

    `on_title` counts the findings written in the summary comment; both counts are of
    comments really in the file.
    """

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
    data: bytes, path: str, document: Document, report: Report
) -> tuple[Any, int, list[Finding]] | None:
    """Comment the Word file itself; None if it no longer reads as the reviewed text."""
    from docx.text.paragraph import Paragraph

    d = open_docx(data, path)
    blocks = []
    texts = []
    pos = 0
    for b in iter_docx_blocks(d):
        text = "".join(t for _, t in paragraph_runs(b.element))
        texts.append(text)
        blocks.append((pos, pos + len(text), b))
        pos += len(text) + 1
    if document.source_text and "\n".join(texts) != document.source_text:
        return None  # changed since review, or converted differently: offsets would be wrong
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


def _has_text(p: Any) -> bool:
    return any(t for _, t in paragraph_runs(p))


def _title_runs(d: Any, document: Document, from_docx: bool) -> tuple[list[Any], Any] | None:
    """Return (run elements, paragraph) of the title, else of the first paragraph with text."""
    from docx.text.paragraph import Paragraph

    if from_docx:
        body = [b for b in iter_docx_blocks(d) if b.part == "body"]
        wanted = next((p for p in document.paragraphs if p.kind == "title"), None)
        target = None
        if wanted is not None and wanted.location.part in (None, "body"):
            loc = wanted.location
            kind = "paragraph" if loc.table is None else "cell"
            target = next(
                (
                    b
                    for b in body
                    if (b.kind, b.paragraph, b.table, b.row, b.cell)
                    == (kind, loc.paragraph, loc.table, loc.row, loc.cell)
                    and _has_text(b.element)
                ),
                None,
            )
        target = target or next((b for b in body if _has_text(b.element)), None)
        if target is None:
            return None
        runs = [r for r, t in paragraph_runs(target.element) if t]
        return runs, Paragraph(target.element, d._body)
    # The new document has one Word paragraph per paragraph of the parsed document.
    order = [i for i, p in enumerate(document.paragraphs) if p.kind == "title"]
    order += [i for i, p in enumerate(document.paragraphs) if p.kind == "doc_type"]
    order += list(range(len(document.paragraphs)))
    paragraphs = d.paragraphs
    for i in order:
        if i < len(paragraphs) and paragraphs[i].runs:
            return [r._r for r in paragraphs[i].runs], paragraphs[i]
    return None


def _insert_anchor(d: Any) -> tuple[list[Any], Any]:
    """Insert a first body paragraph to carry the summary; return its run and paragraph."""
    from docx.oxml import OxmlElement
    from docx.text.paragraph import Paragraph

    p = OxmlElement("w:p")
    d.element.body.insert(0, p)
    paragraph = Paragraph(p, d._body)
    run = paragraph.add_run(ANCHOR_TEXT)
    run.italic = True
    return [run._r], paragraph


def _source_docx(src: Path) -> bytes:
    """Return the bytes of the Word file to annotate: the file, or its .docx conversion."""
    from gender_mainstream.ingest import sniff

    data = src.read_bytes()
    if sniff(data) == "ole":  # Word 97-2003: annotate what was reviewed, LibreOffice's .docx
        from gender_mainstream.ingest.doc import convert_doc_to_docx

        return convert_doc_to_docx(data, str(src))
    return data


def annotate_docx(
    document: Document, report: Report, source: str | Path, out: str | Path
) -> AnnotateResult:
    """Write `out`: the reviewed document as .docx with a comment on each finding.

    Raises:
        InputError: `out` is the input file itself (the input is never overwritten); the
            Word input cannot be opened (GM-E120, GM-E110), or a .doc cannot be converted
            again (GM-E111).

    """
    src, dst = Path(source), Path(out)
    if dst.exists() and src.exists() and dst.resolve() == src.resolve():
        raise InputError(dst, "the annotated copy would overwrite the input", "give another name")
    from_docx = document.metadata.format == SourceFormat.DOCX
    done = None
    if from_docx:
        done = _annotate_docx_source(_source_docx(src), str(src), document, report)
        from_docx = done is not None
    if done is None:
        done = _annotate_new_docx(document, report)
    d, anchored, leftover = done
    general = [f for f in report.findings if f.text is None] + sorted(
        leftover, key=lambda f: f.location.start or 0
    )
    on_title = 0
    if general or report.scorecard:
        runs, paragraph = _title_runs(d, document, from_docx) or _insert_anchor(d)
        _add_comment(d, runs, paragraph, _summary_lines(report, general))
        on_title = len(general)
    # Built in memory, written in one call: a full disk then fails on a plain write, not
    # inside the zip writer (whose clean-up would print a traceback).
    buffer = io.BytesIO()
    d.save(buffer)
    Path(dst).write_bytes(buffer.getvalue())
    return AnnotateResult(dst, anchored, on_title)
