"""Word .docx: body paragraphs in reading order, table cells, headers and footers.

Hostile containers are refused from the zip directory alone, before any XML is parsed: a
1 MB file can hold a 300 MB document.xml that takes python-docx minutes and gigabytes.

Paragraph text is collected from the runs a reader sees, including tracked insertions
(`w:ins`) and hyperlinks and excluding tracked deletions, so a draft under revision is
reviewed as it currently reads. `paragraph_runs` exposes the same walk for writers that must
anchor a comment on exact characters.

Every paragraph is read exactly once, in reading order, however deeply tables are nested.
Whatever python-docx or the package does with a broken file, only `InputError` subclasses
leave this module: a damaged package is GM-E120 naming the file. A macro-enabled document or
a template (.docm/.dotx/.dotm, even renamed .docx) is read as the .docx it contains, with a
GM-W113 note; a Strict Open XML document is GM-E110.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gender_mainstream.errors import (
    DamagedFileError,
    InputError,
    UnsafeFileError,
    UnsupportedFormatError,
)
from gender_mainstream.ingest.raw import Block, RawDocument
from gender_mainstream.model import DocIssue, SourceFormat

__all__ = [
    "MAX_ENTRIES",
    "MAX_RATIO",
    "MAX_UNCOMPRESSED",
    "DocxBlock",
    "check_zip",
    "iter_docx_blocks",
    "open_docx",
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
    if len(names) != len(infos):
        twice = Counter(i.filename for i in infos).most_common(1)[0][0]
        raise DamagedFileError(
            path, f"damaged .docx (zip) container: two entries are named {twice!r}"
        )
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
    """One paragraph of the document with its place, as both ingest and annotate see it.

    A paragraph of a table nested inside a cell is located at the cell of the top-level
    table that holds it: `table`, `row` and `cell` are those of the outer cell, and
    `paragraph` counts every paragraph of that outer cell in reading order, the nested
    tables' paragraphs included (row by row, cell by cell, at any depth).
    """

    element: Any
    kind: str  # paragraph | cell | header | footer
    paragraph: int
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    part: str = "body"


_P_TBL = (W + "p", W + "tbl")


def _children(container: Any, tags: tuple[str, ...]) -> Iterator[Any]:
    """Yield the children of `container` with a tag in `tags`, in document order.

    Content controls (`w:sdt` → `w:sdtContent`) and custom XML wrappers are looked through,
    at any depth, without recursion. Nothing below a matching child is visited.
    """
    stack = [container.iterchildren()]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        tag = child.tag
        if tag in tags:
            yield child
        elif tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                stack.append(content.iterchildren())
        elif tag == W + "customXml":
            stack.append(child.iterchildren())


def _iter_body(container: Any) -> Iterator[Any]:
    """Yield w:p and w:tbl children in reading order, looking through content controls."""
    return _children(container, _P_TBL)


def _is_merge_continuation(tc: Any) -> bool:
    merged = tc.find(f"{W}tcPr/{W}vMerge")
    return merged is not None and merged.get(W + "val") in (None, "continue")


def _cell_paragraphs(tc: Any) -> Iterator[Any]:
    """Yield every paragraph of cell `tc` once, in reading order, nested tables included."""
    for child in _iter_body(tc):
        if child.tag == W + "p":
            yield child
        else:
            yield from _table_paragraphs(child)


def _table_paragraphs(tbl: Any) -> Iterator[Any]:
    """Yield every paragraph of table `tbl` once: row by row, cell by cell, in depth."""
    for tr in _children(tbl, (W + "tr",)):
        for tc in _children(tr, (W + "tc",)):
            if not _is_merge_continuation(tc):  # a vertically merged cell's tail: no own text
                yield from _cell_paragraphs(tc)


def _body_element(document: Any) -> Any:
    root = document.element
    body = root.find(W + "body") if root.tag == W + "document" else None
    if body is None:
        # Reached only for a package that bypassed `open_docx`'s checks.
        raise ValueError("word/document.xml has no document body (w:body)")
    return body


def iter_docx_blocks(document: Any) -> Iterator[DocxBlock]:
    """Yield every readable paragraph once: body (with tables) first, then headers, footers.

    Linear in the size of the document: each element is visited once, however deeply
    tables are nested (see `DocxBlock` for how a nested table's paragraphs are located).
    """
    body = _body_element(document)
    para_no = 0
    table_no = 0
    for child in _iter_body(body):
        if child.tag == W + "p":
            para_no += 1
            yield DocxBlock(child, "paragraph", para_no)
            continue
        table_no += 1
        row_no = 0
        for tr in _children(child, (W + "tr",)):
            row_no += 1
            cell_no = 0
            for tc in _children(tr, (W + "tc",)):
                cell_no += 1
                if _is_merge_continuation(tc):
                    continue
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
                    paragraphs = [child] if child.tag == W + "p" else _table_paragraphs(child)
                    for p in paragraphs:
                        n += 1
                        yield DocxBlock(p, kind, n, part=kind)


# What reading one zip member can raise: a missing or encrypted (RuntimeError) member, a
# bad CRC or header, corrupt deflate data (zlib.error), an unsupported compression method.
_ZIP_MEMBER_ERRORS = (
    KeyError,
    RuntimeError,
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
)
_PAGES_RE = re.compile(rb"<Pages>(\d+)</Pages>")


def _page_count(zf: zipfile.ZipFile) -> int | None:
    try:
        with zf.open("docProps/app.xml") as fh:
            m = _PAGES_RE.search(fh.read(1_000_000))
    except _ZIP_MEMBER_ERRORS:
        return None  # the page count is a nicety: never a reason to refuse the file
    return int(m.group(1)) if m else None


_WML_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# Main-part content types of Word files that hold the same WordprocessingML as a .docx:
# .docm, .dotx, .dotm (and spellings of them some tools write).
_OTHER_MAINS_RE = re.compile(
    rb"application/vnd\.(?:ms-word|openxmlformats-officedocument\.wordprocessingml)\."
    rb"(?:document\.macroEnabled|template(?:\.macroEnabledTemplate)?|macroEnabledTemplate)"
    rb"\.main\+xml",
    re.IGNORECASE,
)
# Parts a .docx may not hold (Word refuses a .docx with macros): dropped from a read .docm.
_MACRO_RELTYPES = ("/vbaProject", "/keyMapCustomizations", "/attachedToolbars")
_STRICT_NS = "http://purl.oclc.org/ooxml/"
_TRANSITIONAL_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REPR_RE = re.compile(r"'?<_io\.BytesIO object at 0x[0-9a-fA-F]+>'?")


def _head(zf: zipfile.ZipFile, name: str, size: int = 4096) -> bytes:
    try:
        with zf.open(name) as fh:
            return fh.read(size)
    except _ZIP_MEMBER_ERRORS:
        return b""  # python-docx will report the part itself


def _mentions(data: bytes, text: str) -> bool:
    """Whether XML bytes `data` (UTF-8 or UTF-16, either byte order) contain `text`."""
    return any(text.encode(enc) in data for enc in ("utf-8", "utf-16-le", "utf-16-be"))


def _refuse_strict(zf: zipfile.ZipFile, path: str) -> None:
    """Refuse a Strict Open XML document: python-docx reads Transitional only."""
    rels = _head(zf, "_rels/.rels", 65536)
    main = _head(zf, "word/document.xml")
    if _mentions(rels, _STRICT_NS + "officeDocument/") or (
        _mentions(main, _STRICT_NS + "wordprocessingml/") and not _mentions(main, _TRANSITIONAL_W)
    ):
        raise UnsupportedFormatError(
            path,
            "is a Strict Open XML Word document, which this tool cannot read",
            "save it as a normal .docx in Word (File > Save As > Word Document (*.docx))",
        )


def _as_docx(zf: zipfile.ZipFile) -> tuple[bytes | None, str | None]:
    """Repackage a .docm/.dotx/.dotm as a .docx: same parts, the main content type changed.

    Returns (new bytes, what the file was), or (None, None) when it is a .docx already.
    """
    types = _head(zf, "[Content_Types].xml", 1_000_000)
    m = _OTHER_MAINS_RE.search(types)
    if m is None:
        return None, None
    found = m.group(0).lower()
    if b"template" in found:
        what = "macro-enabled template (.dotm)" if b"macroenabled" in found else "template (.dotx)"
    else:
        what = "macro-enabled (.docm)"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in zf.infolist():
            blob = zf.read(info)
            if info.filename == "[Content_Types].xml":
                blob = _OTHER_MAINS_RE.sub(_WML_MAIN.encode("ascii"), blob)
            out.writestr(info, blob)
    return buf.getvalue(), what


def _describe(exc: BaseException) -> str:
    """Name the failure of python-docx or the zip/XML layer, without object reprs."""
    name = type(exc).__name__
    detail = _REPR_RE.sub("the file", str(exc)).strip()
    if name == "PackageNotFoundError":
        return "not a readable Word package (no main document)"
    if name in ("XMLSyntaxError", "ParseError"):
        return f"malformed XML inside the .docx ({detail})"
    if isinstance(exc, RecursionError):
        return "damaged Word document (elements nested too deeply)"
    if isinstance(exc, KeyError):
        return f"damaged Word document (missing part or relationship: {detail})"
    if isinstance(exc, (AttributeError, TypeError)):  # a part with the wrong root element
        return f"damaged Word document (a package part has an unexpected structure: {detail})"
    return (
        f"damaged Word document ({name}: {detail})" if detail else f"damaged Word document ({name})"
    )


def _load(data: bytes, path: str) -> tuple[Any, zipfile.ZipFile, str | None]:
    """Open `data` with python-docx; return (document, zip, what it was if not a .docx).

    Raises:
        InputError: only its subclasses, whatever python-docx or the package does.

    """
    zf = check_zip(data, path)
    _refuse_strict(zf, path)
    try:
        patched, what = _as_docx(zf)
    except _ZIP_MEMBER_ERRORS as exc:
        raise DamagedFileError(path, f"damaged .docx (zip) container: {exc}") from exc
    from docx.opc.exceptions import PackageNotFoundError
    from docx.package import Package

    try:
        main = Package.open(io.BytesIO(patched or data)).main_document_part
        content_type = main.content_type
        if content_type != _WML_MAIN:
            raise DamagedFileError(
                path, f"the main part is not a Word document (content type {content_type!r})"
            )
        document = main.document
        root = document.element
        if root.tag != W + "document":
            raise DamagedFileError(
                path, f"word/document.xml is not a Word document (root element {root.tag!r})"
            )
        if root.find(W + "body") is None:
            raise DamagedFileError(path, "word/document.xml has no document body (w:body)")
        if what is not None:
            for rid, rel in list(main.rels.items()):
                if rel.reltype.endswith(_MACRO_RELTYPES):
                    del main.rels[rid]
    except InputError:
        raise
    except PackageNotFoundError as exc:
        raise DamagedFileError(path, _describe(exc)) from exc
    except MemoryError:
        raise
    except Exception as exc:  # the reader's contract: only InputError escapes
        raise DamagedFileError(path, _describe(exc)) from exc
    return document, zf, what


def open_docx(data: bytes, path: str) -> Any:
    """Return the python-docx Document for .docx bytes, checked as `read_docx` checks them.

    A macro-enabled document or a template (.docm, .dotx, .dotm, perhaps renamed .docx) is
    opened as the .docx it contains: its macros are dropped, its text is all there.

    Raises:
        InputError: see `read_docx`.

    """
    return _load(data, path)[0]


def read_docx(data: bytes, path: str) -> RawDocument:
    """Read a .docx into hard blocks, one per paragraph, joined by newlines in `text`.

    Raises:
        DamagedFileError: not a zip, malformed XML, a broken package python-docx cannot open
            (missing or broken relationships, content types, document body), whatever the
            underlying error; the message names the file.
        UnsupportedFormatError: Excel, PowerPoint, OpenDocument; Strict Open XML.
        UnsafeFileError: see `check_zip`.

    """
    document, zf, what = _load(data, path)
    pages = _page_count(zf)
    try:
        items = [(b, paragraph_text(b.element)) for b in iter_docx_blocks(document)]
    except MemoryError:
        raise
    except Exception as exc:  # the reader's contract: only InputError escapes
        raise DamagedFileError(path, _describe(exc)) from exc
    issues: list[DocIssue] = []
    if what is not None:
        issues.append(
            DocIssue(
                code="GM-W113",
                message=f"a {what} Word file, read as the .docx it contains"
                + ("; its macros were neither run nor reviewed" if "macro" in what else ""),
            )
        )
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
        issues=issues,
    )
