"""PDF text per page through PDFium (pypdfium2): about 2 ms a page, 60x pdfplumber.

Each page is one soft block (a stream of lines); page texts are joined by form feeds in the
source text. A page that cannot be loaded is skipped with a warning; a page with images but
no text is recorded as needing OCR; a PDF where no page has text is an error, since there is
nothing to review.

PDFium orders text in the page's display space, which goes wrong in two known cases, both
repaired here:

* Text that runs sideways on the displayed page (a portrait page stored with /Rotate 90, a
  landscape annex drawn rotated): PDFium reads such lines bottom to top. The page is read with
  the rotation under which its text is upright (from the angle of a few sampled characters),
  and line geometry is reported in that upright frame.
* Glyphs drawn in a second pass (font fallback, as LibreOffice's PDF export does for letters
  its font lacks): PDFium puts them at the end of the line or page ("C NG HÒA … Ộ"). A cheap
  check on PDFium's text rectangles finds a run of text drawn over an earlier one; only then
  are that page's characters read one by one and the displaced glyphs put back by position
  (warning GM-W122), the other lines staying as PDFium gave them.
"""

from __future__ import annotations

import ctypes
import hashlib
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gender_mainstream.errors import (
    DamagedFileError,
    EmptyFileError,
    EncryptedFileError,
    NeedsOcrError,
)
from gender_mainstream.ingest.raw import Block, RawDocument
from gender_mainstream.model import DocIssue, SourceFormat

if TYPE_CHECKING:
    from gender_mainstream.ingest.ocr import OcrPageError

__all__ = ["read_pdf"]

_LINE_RE = re.compile(r"[^\r\n]+")
Box = tuple[float, float, float, float]
# (left, bottom, right, top) in PDF user space -> the same in the page's upright frame.
Frame = Callable[[float, float, float, float], tuple[float, float, float, float]]

_ANGLE_SAMPLES = 9  # characters whose angle decides a page's text direction


def _line_boxes(textpage: Any, text: str, frame: Frame | None = None) -> dict[int, Box]:
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
            left, bottom, right0, top = textpage.get_charbox(first, loose=True)
            left1, bottom1, right, top1 = textpage.get_charbox(last, loose=True)
        except Exception:  # a glyph without a box: leave the line without geometry
            continue
        if frame is not None:
            left, bottom, _, top = frame(left, bottom, right0, top)
            _, _, right, _ = frame(left1, bottom1, right, top1)
        out[first] = (float(left), float(right), float(top), float(bottom))
    return out


def _page_has_image(page: Any) -> bool:
    import pypdfium2.raw as pdfium_c

    try:
        for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
            return True
    except Exception:  # a damaged content stream: treat as no image
        return False
    return False


# --------------------------------------------------------------------------------------
# Text direction (pages whose text runs sideways on the displayed page)


def _upright_rotation(textpage: Any, text: str) -> int | None:
    """Return the page rotation (0/90/180/270, clockwise) that turns the text upright.

    None when the sampled characters are too few or disagree. FPDFText_GetCharAngle measures
    clockwise in user space, so the rotation that turns a character upright is that angle
    taken counter-clockwise.
    """
    import pypdfium2.raw as pdfium_c

    n = len(text)
    if n == 0:
        return None
    votes: dict[int, int] = {}
    step = max(n // _ANGLE_SAMPLES, 1)
    for start in range(step // 2, n, step):
        i = start
        while i < n and i < start + 8 and text[i].isspace():
            i += 1
        if i >= n or text[i].isspace():
            continue
        angle = pdfium_c.FPDFText_GetCharAngle(textpage.raw, i)
        if angle < 0:  # no angle for this character
            continue
        rot = (360 - round(math.degrees(angle) / 90) * 90) % 360
        votes[rot] = votes.get(rot, 0) + 1
    if not votes:
        return None
    rot, count = max(votes.items(), key=lambda kv: kv[1])
    return rot if count * 3 >= sum(votes.values()) * 2 else None


def _frame(page: Any, rotation: int) -> Frame | None:
    """Return the map from user space to the display frame of a page turned by `rotation`.

    None for 0: user space is then the frame, as PDFium's boxes already are.
    """
    if rotation == 0:
        return None
    x0, y0, x1, y1 = (float(v) for v in page.get_bbox())

    def turn(left: float, bottom: float, right: float, top: float) -> Box:
        if rotation == 90:
            return (bottom - y0, x1 - right, top - y0, x1 - left)
        if rotation == 180:
            return (x1 - right, y1 - top, x1 - left, y1 - bottom)
        return (y1 - top, left - x0, y1 - bottom, right - x0)  # 270

    return turn


# --------------------------------------------------------------------------------------
# Glyphs drawn out of order (font fallback)


def _overdrawn(textpage: Any, frame: Frame | None) -> bool:
    """Tell whether a run of text is drawn on, or just left of, an earlier run on its line.

    That is the sign of glyphs drawn in a second pass. PDFium gives one rectangle per run of
    characters from one text object, in text order. On a normal page each run on a line
    starts where the runs before it end; a fallback glyph drawn later lies inside (or in a
    gap of) the word it belongs to. Costs one C call per rectangle (a few per line), not one
    per character. A false alarm only costs the slower character-level check in `_reorder`,
    which changes nothing on a page drawn in order.
    """
    import pypdfium2.raw as pdfium_c

    raw = textpage.raw
    count = pdfium_c.FPDFText_CountRects(raw, 0, -1)
    if count < 2:
        return False
    lft, top, rgt, bot = (ctypes.c_double() for _ in range(4))
    refs = (ctypes.byref(lft), ctypes.byref(top), ctypes.byref(rgt), ctypes.byref(bot))
    bins: dict[int, list[tuple[float, float, float, float]]] = {}
    get_rect = pdfium_c.FPDFText_GetRect
    for k in range(count):
        if not get_rect(raw, k, *refs):
            continue
        left, bottom, right, upper = lft.value, bot.value, rgt.value, top.value
        if frame is not None:
            left, bottom, right, upper = frame(left, bottom, right, upper)
        height = upper - bottom
        if height <= 0.5 or right - left <= 0.5:  # rules drawn with dashes, empty runs
            continue
        key = int((upper + bottom) // 8)  # the middle of the run, in 4 pt bins
        for b in (key - 1, key, key + 1):
            for l2, b2, r2, t2 in bins.get(b, ()):
                if min(upper, t2) - max(bottom, b2) < 0.6 * min(height, t2 - b2):
                    continue  # not the same line
                if left < r2 - 1.0 and right > l2 - 0.5 * height:
                    return True
        bins.setdefault(key, []).append((left, bottom, right, upper))
    return False


@dataclass(slots=True)
class _Char:
    index: int
    char: str
    x: float  # origin, upright frame
    y: float  # baseline, upright frame
    left: float
    right: float
    top: float
    bottom: float


@dataclass(slots=True)
class _Run:
    """Consecutive characters of one text object on one PDFium line."""

    line: int
    chars: list[_Char] = field(default_factory=list)

    @property
    def size(self) -> float:
        return max(self.chars[0].top - self.chars[0].bottom, 1.0)


def _read_chars(textpage: Any, text: str, frame: Frame | None) -> list[list[_Run]]:
    """Split PDFium's lines into runs of real (not generated) characters, with positions."""
    import pypdfium2.raw as pdfium_c

    raw = textpage.raw
    ox, oy = ctypes.c_double(), ctypes.c_double()
    rect = pdfium_c.FS_RECTF()
    lines: list[list[_Run]] = []
    for line_no, m in enumerate(_LINE_RE.finditer(text)):
        runs: list[_Run] = []
        prev_obj: int | None = None
        for i in range(m.start(), m.end()):
            if pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
                continue
            if not pdfium_c.FPDFText_GetCharOrigin(raw, i, ctypes.byref(ox), ctypes.byref(oy)):
                continue
            if not pdfium_c.FPDFText_GetLooseCharBox(raw, i, ctypes.byref(rect)):
                continue
            left, bottom, right, top = rect.left, rect.bottom, rect.right, rect.top
            x, y = ox.value, oy.value
            if frame is not None:
                left, bottom, right, top = frame(left, bottom, right, top)
                x, y, _, _ = frame(x, y, x, y)
            obj = ctypes.cast(pdfium_c.FPDFText_GetTextObject(raw, i), ctypes.c_void_p).value
            if not runs or obj != prev_obj:
                runs.append(_Run(line_no))
            prev_obj = obj
            runs[-1].chars.append(_Char(i, text[i], x, y, left, right, top, bottom))
        lines.append(runs)
    return lines


def _host(run: _Run, earlier: list[_Run]) -> _Run | None:
    """Return the earlier run on the same baseline whose word `run` completes.

    That is a run it was drawn into, or one it touches from the left (or, coming from a
    later line, from the right).
    """
    size = run.size
    first, last = run.chars[0], run.chars[-1]
    best: _Run | None = None
    best_overlap = -1.0
    eps = 0.1 * size
    for h in earlier:
        h0, h1 = h.chars[0], h.chars[-1]
        if abs(h0.y - first.y) > 0.3 * max(size, h.size):
            continue
        if first.x < h1.x - eps and last.x > h0.x - eps:  # drawn inside the earlier run
            overlap = min(last.x, h1.x) - max(first.x, h0.x) + size
        elif -eps <= h0.left - last.right < 0.3 * size or (
            h.line != run.line and -eps <= first.left - h1.right < 0.3 * size
        ):
            overlap = 0.0
        else:
            continue
        if overlap > best_overlap:
            best, best_overlap = h, overlap
    return best


def _join(chars: list[_Char]) -> str:
    """Text of characters on one line, left to right, spaces where the gaps are."""
    clusters: list[list[_Char]] = []
    for ch in chars:  # a combining mark stays with the letter before it in drawing order
        if clusters and unicodedata.combining(ch.char):
            clusters[-1].append(ch)
        else:
            clusters.append([ch])
    clusters.sort(key=lambda cl: (cl[0].x, cl[0].index))
    out: list[str] = []
    prev: _Char | None = None
    for cl in clusters:
        head = cl[0]
        size = max(head.top - head.bottom, 1.0)
        if prev is not None:
            if head.char == prev.char and abs(head.x - prev.x) < 0.15 * size:
                continue  # the same glyph drawn twice (overprint)
            space = head.char.isspace() or prev.char.isspace()
            if not space and head.left - prev.right > 0.15 * size:
                out.append(" ")
            elif head.char.isspace() and prev.char.isspace():
                continue
        out.extend(c.char for c in cl)
        prev = head
    return "".join(out)


def _reorder(textpage: Any, text: str, frame: Frame | None) -> tuple[str, dict[int, Box]] | None:
    """Put glyphs drawn in a later pass back into the lines they belong to.

    Returns the page text and line boxes, or None when no run turned out to be displaced.
    Lines that neither gave nor received a run keep PDFium's text unchanged.
    """
    lines = _read_chars(textpage, text, frame)
    group: dict[int, int] = {}  # id(run) -> line it is printed on
    seen: dict[int, list[_Run]] = {}  # baseline bin (2 pt) -> runs already placed
    dirty: set[int] = set()  # lines that gave or received a run
    for line_no, runs in enumerate(lines):
        for run in runs:
            key = int(run.chars[0].y // 2)
            reach = int(0.3 * run.size // 2) + 2
            near = [r for k in range(key - reach, key + reach + 1) for r in seen.get(k, ())]
            host = _host(run, near)
            target = line_no
            if host is not None:
                target = group[id(host)]
                dirty.update((target, line_no))
            group[id(run)] = target
            seen.setdefault(key, []).append(run)
    if not dirty:
        return None
    members: dict[int, list[_Run]] = {}
    for runs in lines:
        for run in runs:
            members.setdefault(group[id(run)], []).append(run)
    pieces = [m.group() for m in _LINE_RE.finditer(text)]
    out: list[str] = []
    boxes: dict[int, Box] = {}
    pos = 0
    for line_no, original in enumerate(pieces):
        runs = members.get(line_no, [])
        piece = original
        if line_no in dirty:
            if not runs:
                continue
            chars = [c for r in runs for c in r.chars]
            piece = _join(chars).strip()
            if not piece:
                continue
            first = runs[0].chars[0]
            left = min(c.left for c in chars)
            right = max(c.right for c in chars)
            box: Box | None = (left, right, first.top, first.bottom)
        else:
            real = [c for r in runs for c in r.chars if not c.char.isspace()]
            box = None
            if real:
                box = (real[0].left, real[-1].right, real[0].top, real[0].bottom)
        if out:
            pos += 2
        lead = len(piece) - len(piece.lstrip())
        if box is not None and piece.strip():
            boxes[pos + lead] = box
        out.append(piece)
        pos += len(piece)
    fixed = "\r\n".join(out)
    if "".join(fixed.split()) == "".join(text.split()):
        return None  # the same letters in the same order: PDFium's text was right
    return fixed, boxes


# --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Page:
    text: str = ""
    boxes: dict[int, Box] = field(default_factory=dict)
    width: float = 595.0
    reordered: bool = False


def _read_text(page: Any) -> _Page:
    """Text and line boxes of one page, in reading order (see the module docstring)."""
    out = _Page()
    rotation = int(page.get_rotation())
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        upright = _upright_rotation(textpage, text) if text.strip() else None
        if upright is not None and upright != rotation:
            textpage.close()
            page.set_rotation(upright)  # in memory only: PDFium then orders lines upright
            rotation = upright
            textpage = page.get_textpage()
            text = textpage.get_text_range()
        out.width = float(page.get_width())
        frame = _frame(page, rotation)
        if text.strip() and _overdrawn(textpage, frame):
            fixed = _reorder(textpage, text, frame)
            if fixed is not None:
                out.text, out.boxes = fixed
                out.reordered = True
                return out
        out.text = text
        out.boxes = _line_boxes(textpage, text, frame)
    finally:
        textpage.close()
    return out


def _ocr(
    page: Any, path: str, page_no: int, issues: list[DocIssue], failures: list[OcrPageError]
) -> str:
    """Read one scanned page by OCR, noting the page (GM-W131) or why it was not read (GM-W132).

    Raises:
        OcrUnavailableError: Tesseract or its Vietnamese data is missing (a fix for the whole
            run, not for this page).

    """
    from gender_mainstream.ingest.ocr import OcrPageError, ocr_page

    try:
        text = ocr_page(page, path, page_no)
    except OcrPageError as exc:
        failures.append(exc)
        issues.append(
            DocIssue(
                code="GM-W132",
                message=f"{exc.problem} and was not reviewed; {exc.fix}",
                page=page_no,
            )
        )
        return ""
    issues.append(
        DocIssue(
            code="GM-W131",
            message=f"page {page_no} was read by OCR; check its findings against the scan",
            page=page_no,
        )
    )
    return text


def read_pdf(
    data: bytes, path: str, password: str | None = None, *, ocr: bool = False
) -> RawDocument:
    """Read the text layer of every page (and, with `ocr`, the scanned pages by OCR).

    Raises:
        EncryptedFileError: the PDF needs a password, or the one given is wrong.
        DamagedFileError: PDFium cannot open the file (truncated, not really a PDF).
        NeedsOcrError: no page has text, but pages carry images (a scan).
        OcrUnavailableError: `ocr` was asked for, but Tesseract or its data is missing.
        OcrPageError: `ocr` was asked for, no page has text and a scanned page cannot be read
            by OCR (too large, or Tesseract failed on it); with text elsewhere, such a page is
            a GM-W132 warning instead.
        EmptyFileError: no page has text or images (or OCR found none on the images).

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
    ocr_pages: list[int] = []  # scanned pages left unread (no --ocr)
    ocr_failures: list[OcrPageError] = []
    try:
        n_pages = len(pdf)
        for i in range(n_pages):
            text = ""
            page_boxes: dict[int, Box] = {}
            try:
                page = pdf[i]
                try:
                    widths.append(float(page.get_width()))
                    got = _read_text(page)
                    widths[-1] = got.width
                    text, page_boxes = got.text, got.boxes
                    if got.reordered:
                        issues.append(
                            DocIssue(
                                code="GM-W122",
                                message=f"page {i + 1} draws some letters out of reading "
                                "order (font fallback); they were put back by position, so "
                                "check quotes from this page against the PDF",
                                page=i + 1,
                            )
                        )
                    if not text.strip() and _page_has_image(page):
                        if ocr:
                            text = _ocr(page, path, i + 1, issues, ocr_failures)
                        else:
                            ocr_pages.append(i + 1)
                finally:
                    page.close()
            except pdfium.PdfiumError as exc:
                if len(widths) <= i:
                    widths.append(widths[-1] if widths else 595.0)
                text, page_boxes = "", {}
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
        if ocr_failures:
            raise ocr_failures[0]
        if ocr_pages:
            raise NeedsOcrError(path, n_pages)
        if any(issue.code == "GM-W131" for issue in issues):
            raise EmptyFileError(
                path, f"the PDF has {n_pages} page(s) and OCR found no text on its scanned pages"
            )
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
