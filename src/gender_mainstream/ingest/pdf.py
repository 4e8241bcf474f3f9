"""PDF text per page through PDFium (pypdfium2): about 2 ms a page, 60x pdfplumber.

Each page is one soft block (a stream of lines); page texts are joined by form feeds in the
source text. A page that cannot be loaded is skipped with a warning; a page with images but
no text is recorded as needing OCR; a PDF where no page has text is an error, since there is
nothing to review.
"""

from __future__ import annotations

import hashlib
import re

from gender_mainstream.errors import (
    DamagedFileError,
    EmptyFileError,
    EncryptedFileError,
    NeedsOcrError,
)
from gender_mainstream.ingest.raw import Block, RawDocument
from gender_mainstream.model import DocIssue, SourceFormat

__all__ = ["read_pdf"]

_LINE_RE = re.compile(r"[^\r\n]+")
Box = tuple[float, float, float, float]


def _line_boxes(textpage: object, text: str) -> dict[int, Box]:
    """Return page-text offset of each line's first character -> (left, right, top, bottom).

    PDFium's text is one character per char index (generated spaces and CRLFs included), so
    string offsets are char indices. Loose boxes give font-height tops and bottoms, which
    makes vertical gaps comparable between lines.
    """
    out: dict[int, Box] = {}
    for m in _LINE_RE.finditer(text):
        line = m.group()
        lead = len(line) - len(line.lstrip())
        body = line.strip()
        if not body:
            continue
        first = m.start() + lead
        last = first + len(body) - 1
        try:
            left, bottom, _, top = textpage.get_charbox(first, loose=True)  # type: ignore[attr-defined]
            _, _, right, _ = textpage.get_charbox(last, loose=True)  # type: ignore[attr-defined]
        except Exception:  # a glyph without a box: leave the line without geometry
            continue
        out[first] = (float(left), float(right), float(top), float(bottom))
    return out


def _page_has_image(page: object) -> bool:
    import pypdfium2.raw as pdfium_c

    try:
        for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):  # type: ignore[attr-defined]
            return True
    except Exception:  # a damaged content stream: treat as no image
        return False
    return False


def read_pdf(
    data: bytes, path: str, password: str | None = None, *, ocr: bool = False
) -> RawDocument:
    """Read the text layer of every page (and, with `ocr`, the scanned pages by OCR).

    Raises:
        EncryptedFileError: the PDF needs a password, or the one given is wrong.
        DamagedFileError: PDFium cannot open the file (truncated, not really a PDF).
        NeedsOcrError: no page has text, but pages carry images (a scan).
        EmptyFileError: no page has text or images.

    """
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise EncryptedFileError(path, wrong_password=password is not None) from exc
        raise DamagedFileError(
            path,
            f"damaged or truncated PDF ({msg.rstrip('.')})",
            "re-export the PDF from its source document, or obtain a complete copy",
        ) from exc
    issues: list[DocIssue] = []
    texts: list[str] = []
    boxes: list[dict[int, Box]] = []
    widths: list[float] = []
    ocr_pages: list[int] = []
    try:
        n_pages = len(pdf)
        for i in range(n_pages):
            text = ""
            page_boxes: dict[int, Box] = {}
            try:
                page = pdf[i]
                widths.append(float(page.get_width()))
                try:
                    textpage = page.get_textpage()
                    try:
                        text = textpage.get_text_range()
                        page_boxes = _line_boxes(textpage, text)
                    finally:
                        textpage.close()
                    if not text.strip() and _page_has_image(page):
                        if ocr:
                            from gender_mainstream.ingest.ocr import ocr_page

                            text = ocr_page(page, path, i + 1)
                            issues.append(
                                DocIssue(
                                    code="GM-W131",
                                    message=f"page {i + 1} was read by OCR; check its findings "
                                    "against the scan",
                                    page=i + 1,
                                )
                            )
                            if not text.strip():
                                ocr_pages.append(i + 1)
                        else:
                            ocr_pages.append(i + 1)
                finally:
                    page.close()
            except pdfium.PdfiumError as exc:
                if len(widths) <= i:
                    widths.append(widths[-1] if widths else 595.0)
                issues.append(
                    DocIssue(
                        code="GM-W121",
                        message=f"page {i + 1} is damaged and was skipped ({exc})",
                        page=i + 1,
                    )
                )
            texts.append(text.replace("\f", "\n"))
            boxes.append(page_boxes)
    finally:
        pdf.close()
    if not any(t.strip() for t in texts):
        if ocr_pages:
            raise NeedsOcrError(path, n_pages)
        raise EmptyFileError(path, f"the PDF has {n_pages} page(s) but no text on any of them")
    for page_no in ocr_pages:
        issues.append(
            DocIssue(
                code="GM-W130",
                message=f"page {page_no} is a scanned image with no text layer and was not "
                "reviewed; rerun with --ocr to read it",
                page=page_no,
            )
        )
    blocks: list[Block] = []
    geometry: dict[int, Box] = {}
    pos = 0
    for i, text in enumerate(texts):
        if i:
            pos += 1  # the form feed between pages
        blocks.append(Block(start=pos, end=pos + len(text), kind="page", page=i + 1))
        for offset, box in boxes[i].items():
            geometry[pos + offset] = box
        pos += len(text)
    return RawDocument(
        path=path,
        format=SourceFormat.PDF,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        text="\f".join(texts),
        blocks=blocks,
        pages=n_pages,
        issues=issues,
        line_geometry=geometry,
        page_widths=widths,
    )
