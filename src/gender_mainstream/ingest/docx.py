"""Word .docx: body paragraphs in reading order, table cells, headers and footers.

Hostile containers are refused from the zip directory alone, before any XML is parsed: a
1 MB file can hold a 300 MB document.xml that takes python-docx minutes and gigabytes.

Paragraph text is collected from the runs a reader sees, including tracked insertions
(`w:ins`) and hyperlinks and excluding tracked deletions, so a draft under revision is
reviewed as it currently reads. `paragraph_runs` exposes the same walk for writers that must
anchor a comment on exact characters.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gender_mainstream.errors import DamagedFileError, UnsafeFileError, UnsupportedFormatError
from gender_mainstream.ingest.raw import Block, RawDocument
from gender_mainstream.model import SourceFormat

__all__ = [
    "MAX_ENTRIES",
    "MAX_RATIO",
    "MAX_UNCOMPRESSED",
    "DocxBlock",
    "check_zip",
    "iter_docx_blocks",
    "paragraph_runs",
    "read_docx",
]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_MEMBER_RATIO_FLOOR = 2 * 1024 * 1024  # ratio limit applies to members bigger than this
MAX_RATIO = 100
MAX_ENTRIES = 5_000


def check_zip(data: bytes, path: str) -> zipfile.ZipFile:
    """Open the container and refuse it if it is not a sane Word document.

    Raises:
        DamagedFileError: not a zip, or no word/document.xml.
        UnsupportedFormatError: a zip of another kind (Excel, PowerPoint, OpenDocument).
        UnsafeFileError: too many entries, too large uncompressed, or an extreme ratio.

    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise DamagedFileError(path, f"damaged .docx (zip) container: {exc}") from exc
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        if "xl/workbook.xml" in names:
            raise UnsupportedFormatError(path, "is an Excel workbook, not a Word document")
        if "ppt/presentation.xml" in names:
            raise UnsupportedFormatError(path, "is a PowerPoint file, not a Word document")
        if "mimetype" in names and "content.xml" in names:
            raise UnsupportedFormatError(
                path, "is an OpenDocument file (.odt)", "save it as .docx and review that file"
            )
        raise DamagedFileError(
            path, "zip container without word/document.xml: not a Word document, or damaged"
        )
    if len(infos) > MAX_ENTRIES:
        raise UnsafeFileError(path, f"{len(infos):,} entries in the container")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise UnsafeFileError(path, f"{total:,} bytes uncompressed (limit {MAX_UNCOMPRESSED:,})")
    for info in infos:
        if info.file_size > MAX_MEMBER_RATIO_FLOOR:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_RATIO:
                raise UnsafeFileError(
                    path,
                    f"{info.filename} expands {ratio:,.0f}x ({info.file_size:,} bytes)",
                )
    return zf


def _run_text(r: Any) -> str:
    parts: list[str] = []
    for child in r.iterchildren():
        tag = child.tag
        if tag == W + "t":
            parts.append(child.text or "")
        elif tag in (W + "tab", W + "ptab"):
            parts.append("\t")
        elif tag in (W + "br", W + "cr"):
            parts.append("\n")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def paragraph_runs(p: Any) -> list[tuple[Any, str]]:
    """Return (w:r element, text) for every visible run of paragraph element `p`, in order.

    Visible means: not inside a tracked deletion, and not inside a text box or a nested
    paragraph (those are read as paragraphs of their own, or not at all).
    """
    out: list[tuple[Any, str]] = []
    for r in p.iter(W + "r"):
        node = r.getparent()
        hidden = False
        while node is not None and node is not p:
            tag = node.tag
            if tag in (W + "del", W + "moveFrom", W + "txbxContent", W + "p"):
                hidden = True
                break
            node = node.getparent()
        if not hidden:
            out.append((r, _run_text(r)))
    return out


def paragraph_text(p: Any) -> str:
    """Return the text of paragraph element `p` as a reader sees it."""
    return "".join(text for _, text in paragraph_runs(p))


@dataclass(frozen=True, slots=True)
class DocxBlock:
    """One paragraph of the document with its place, as both ingest and annotate see it."""

    element: Any
    kind: str  # paragraph | cell | header | footer
    paragraph: int
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    part: str = "body"


def _iter_body(container: Any) -> Iterator[Any]:
    """Yield w:p and w:tbl children in reading order, looking through content controls."""
    for child in container.iterchildren():
        if child.tag in (W + "p", W + "tbl"):
            yield child
        elif child.tag in (W + "sdt", W + "customXml"):
            content = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
            if content is not None:
                yield from _iter_body(content)


def _cell_paragraphs(tc: Any) -> Iterator[Any]:
    for child in _iter_body(tc):
        if child.tag == W + "p":
            yield child
        else:  # a nested table: read its cells in order as part of this cell
            for tr in child.iter(W + "tr"):
                for inner in tr.iter(W + "tc"):
                    yield from _cell_paragraphs(inner)


def iter_docx_blocks(document: Any) -> Iterator[DocxBlock]:
    """Yield every readable paragraph: body (with tables) first, then headers and footers."""
    body = document.element.body
    para_no = 0
    table_no = 0
    for child in _iter_body(body):
        if child.tag == W + "p":
            para_no += 1
            yield DocxBlock(child, "paragraph", para_no)
            continue
        table_no += 1
        row_no = 0
        for tr in child.iterchildren(W + "tr"):
            row_no += 1
            cell_no = 0
            for tc in tr.iterchildren(W + "tc"):
                cell_no += 1
                merged = tc.find(f"{W}tcPr/{W}vMerge")
                if merged is not None and merged.get(W + "val") in (None, "continue"):
                    continue  # continuation of a vertically merged cell: no own text
                for k, p in enumerate(_cell_paragraphs(tc), start=1):
                    yield DocxBlock(p, "cell", k, table_no, row_no, cell_no)
    seen: set[int] = set()
    for section in document.sections:
        for kind in ("header", "footer"):
            for variant in ("", "first_page_", "even_page_"):
                part = getattr(section, f"{variant}{kind}")
                if part.is_linked_to_previous:
                    continue
                key = id(part.part)
                if key in seen:
                    continue
                seen.add(key)
                n = 0
                for child in _iter_body(part._element):
                    paragraphs = [child] if child.tag == W + "p" else list(child.iter(W + "p"))
                    for p in paragraphs:
                        n += 1
                        yield DocxBlock(p, kind, n, part=kind)


_PAGES_RE = re.compile(rb"<Pages>(\d+)</Pages>")


def _page_count(zf: zipfile.ZipFile) -> int | None:
    try:
        with zf.open("docProps/app.xml") as fh:
            m = _PAGES_RE.search(fh.read(1_000_000))
    except (KeyError, zipfile.BadZipFile, OSError):
        return None
    return int(m.group(1)) if m else None


def read_docx(data: bytes, path: str) -> RawDocument:
    """Read a .docx into hard blocks, one per paragraph, joined by newlines in `text`.

    Raises:
        DamagedFileError, UnsafeFileError, UnsupportedFormatError: see `check_zip`; also
            malformed XML or a package python-docx cannot open.

    """
    zf = check_zip(data, path)
    pages = _page_count(zf)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
        items = [(b, paragraph_text(b.element)) for b in iter_docx_blocks(document)]
    except PackageNotFoundError as exc:
        raise DamagedFileError(path, "not a readable Word package") from exc
    except (KeyError, zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise DamagedFileError(path, f"damaged Word document ({exc})") from exc
    except Exception as exc:  # lxml.etree.XMLSyntaxError and friends, without importing lxml
        if type(exc).__name__ in ("XMLSyntaxError", "ParseError"):
            raise DamagedFileError(path, f"malformed XML inside the .docx ({exc})") from exc
        raise
    parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for b, text in items:
        if parts:
            parts.append("\n")
            pos += 1
        parts.append(text)
        blocks.append(
            Block(
                start=pos,
                end=pos + len(text),
                kind="cell" if b.kind == "cell" else ("paragraph" if b.part == "body" else b.kind),  # type: ignore[arg-type]
                hard=True,
                paragraph=b.paragraph,
                table=b.table,
                row=b.row,
                cell=b.cell,
                part=b.part,  # type: ignore[arg-type]
            )
        )
        pos += len(text)
    return RawDocument(
        path=path,
        format=SourceFormat.DOCX,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        text="".join(parts),
        blocks=blocks,
        pages=pages,
        encoding=None,
    )
