"""Read a file into a `RawDocument`, choosing the reader by content, never by file name."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Literal

from gender_mainstream.errors import (
    EmptyFileError,
    EncryptedFileError,
    FileMissingError,
    FilePermissionError,
    FileTooLargeError,
    NotAFileError,
    UnsupportedFormatError,
)
from gender_mainstream.ingest.raw import Block, RawDocument
from gender_mainstream.model import DocIssue

__all__ = ["DEFAULT_MAX_BYTES", "Block", "RawDocument", "read_bytes", "read_raw", "sniff"]

DEFAULT_MAX_BYTES = 32 * 1024 * 1024

Sniffed = Literal["pdf", "zip", "ole", "rtf", "html", "image", "text"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGICS = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")


def sniff(data: bytes) -> Sniffed:
    """Classify bytes by their magic numbers."""
    head = data[:1024]
    pos = head.find(b"%PDF-")
    # A PDF header may follow some junk, but a text that mentions "%PDF-A" is no PDF: away
    # from the start, the file must also look like one (objects, a cross-reference, %%EOF).
    if pos == 0 or (pos > 0 and (b"endobj" in data or b"%%EOF" in data[-2048:])):
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    # A bitmap is "BM", its size, then four reserved zero bytes; a text may start "BM01".
    if head.startswith(_IMAGE_MAGICS) or (head.startswith(b"BM") and head[6:10] == b"\0" * 4):
        return "image"
    low = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if low.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _read_ole(data: bytes, path: str) -> RawDocument:
    """Legacy Office container: convert a Word .doc, refuse anything else clearly."""
    if _utf16("EncryptedPackage") in data:
        raise EncryptedFileError(path, wrong_password=False, kind="docx")
    if _utf16("WordDocument") not in data:
        if _utf16("Workbook") in data or _utf16("Book") in data:
            raise UnsupportedFormatError(path, "is a legacy Excel workbook, not a Word document")
        raise UnsupportedFormatError(path, "is a legacy Office file that is not a Word document")
    from gender_mainstream.ingest.doc import convert_doc_to_docx
    from gender_mainstream.ingest.docx import read_docx

    raw = read_docx(convert_doc_to_docx(data, path), path)
    raw.issues.insert(
        0,
        DocIssue(
            code="GM-W111",
            message="legacy .doc file converted to .docx by LibreOffice before review; "
            "paragraph numbers refer to the converted document",
        ),
    )
    return raw


_DECLARED = {".txt": "txt", ".text": "txt", ".docx": "docx", ".pdf": "pdf", ".doc": "doc"}


def read_bytes(
    data: bytes, path: str, *, password: str | None = None, ocr: bool = False
) -> RawDocument:
    """Read file contents that are already in memory; `path` is used in messages only."""
    if not data:
        raise EmptyFileError(path)
    kind = sniff(data)
    if kind == "pdf":
        from gender_mainstream.ingest.pdf import read_pdf

        raw = read_pdf(data, path, password, ocr=ocr)
    elif kind == "zip":
        from gender_mainstream.ingest.docx import read_docx

        raw = read_docx(data, path)
    elif kind == "ole":
        raw = _read_ole(data, path)
    elif kind == "rtf":
        raise UnsupportedFormatError(path, "is a Rich Text (RTF) file")
    elif kind == "image":
        raise UnsupportedFormatError(
            path,
            "is an image, not a document",
            "run OCR on the scan (e.g. into a searchable PDF) or review the original document",
        )
    elif kind == "html":
        raise UnsupportedFormatError(
            path, "is a web page (HTML)", "save the document as .docx or copy its text into a .txt"
        )
    else:
        from gender_mainstream.ingest.txt import read_txt

        raw = read_txt(data, path)
    declared = _DECLARED.get(Path(path).suffix.lower())
    real = "doc" if kind == "ole" else raw.format.value
    if declared is not None and declared != real:
        raw.issues.insert(
            0,
            DocIssue(
                code="GM-W140",
                message=f"the file is named {Path(path).suffix} but its content is "
                f"{real.upper()}; it was reviewed as {real.upper()} (rename it to .{real})",
            ),
        )
    return raw


def read_raw(
    path: str | os.PathLike[str],
    *,
    password: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    ocr: bool = False,
) -> RawDocument:
    """Read one file from disk, read-only, and refuse what cannot be reviewed.

    With `ocr`, PDF pages that are scanned images are read with Tesseract (see ingest.ocr).

    Raises:
        InputError: one of its subclasses, with a one-line message and the fix.

    """
    p = Path(path)
    name = str(path)
    try:
        st = p.stat()
    except FileNotFoundError as exc:
        raise FileMissingError(name) from exc
    except PermissionError as exc:
        raise FilePermissionError(name) from exc
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:
            raise FileMissingError(name) from exc
        if exc.errno == errno.ELOOP:
            raise NotAFileError(name, "a symbolic link that points back to itself") from exc
        raise FilePermissionError(name) from exc
    if stat.S_ISDIR(st.st_mode):
        raise NotAFileError(name)
    if not stat.S_ISREG(st.st_mode):
        raise NotAFileError(name, "a device, socket or pipe")
    if st.st_size == 0:
        raise EmptyFileError(name)
    if st.st_size > max_bytes:
        raise FileTooLargeError(name, st.st_size, max_bytes)
    try:
        with p.open("rb") as fh:
            # Never more than the file holds: a generous --max-bytes must not allocate it.
            data = fh.read(min(max_bytes, st.st_size) + 1)
    except PermissionError as exc:
        raise FilePermissionError(name) from exc
    except IsADirectoryError as exc:
        raise NotAFileError(name) from exc
    if len(data) > max_bytes:
        raise FileTooLargeError(name, len(data), max_bytes)
    return read_bytes(data, name, password=password, ocr=ocr)
