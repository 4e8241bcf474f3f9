"""One catalogue of errors: each says what file, what is wrong and what to do, in one line.

Exception tree::

    GenderMainstreamError
    ├── InputError                 exit code 2: the file cannot be reviewed as given
    │   ├── FileMissingError       GM-E101  no such file
    │   ├── NotAFileError          GM-E102  a directory or other non-regular file
    │   ├── FilePermissionError    GM-E103  not readable by this user
    │   ├── EmptyFileError         GM-E104  zero bytes, or no text at all
    │   ├── FileTooLargeError      GM-E105  larger than --max-bytes
    │   ├── UnsupportedFormatError GM-E110  not TXT, DOCX or PDF (binary, .doc, .xlsx, RTF...)
    │   ├── LegacyWordError        GM-E111  Word 97-2003 .doc and no LibreOffice to convert it
    │   ├── DamagedFileError       GM-E120  truncated/corrupt PDF or DOCX, malformed XML
    │   ├── EncryptedFileError     GM-E121  password-protected PDF (use --password)
    │   ├── UnsafeFileError        GM-E122  zip bomb and similar hostile containers
    │   ├── NeedsOcrError          GM-E130  scanned PDF with no text layer on any page
    │   ├── OcrUnavailableError    GM-E131  --ocr asked for, Tesseract/Vietnamese data missing
    │   │                                   (defined in ingest/ocr.py)
    │   └── OcrPageError           GM-E132  --ocr, but no page could be read (a page too large,
    │                                       Tesseract failing on it; defined in ingest/ocr.py)
    ├── OutputError                GM-E150  exit code 2: an output cannot be written there
    ├── RuleError                  exit code 2: a rule file is invalid (GM-E2xx)
    └── InternalError              exit code 3: a bug; rerun with --debug and report it

Warnings recorded in a document's `errors` list use GM-W1xx codes (a page that needs OCR, a
damaged page that was skipped, a legacy encoding that was converted).
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "DamagedFileError",
    "EmptyFileError",
    "EncryptedFileError",
    "FileMissingError",
    "FilePermissionError",
    "FileTooLargeError",
    "GenderMainstreamError",
    "InputError",
    "InternalError",
    "LegacyWordError",
    "NeedsOcrError",
    "NotAFileError",
    "OutputError",
    "RuleError",
    "UnsafeFileError",
    "UnsupportedFormatError",
]


class GenderMainstreamError(Exception):
    """Base of every error this package raises on purpose."""

    code = "GM-E000"
    exit_code = 3

    def __init__(self, path: str | Path | None, problem: str, fix: str) -> None:
        self.path = str(path) if path is not None else None
        self.problem = problem
        self.fix = fix
        super().__init__(self.line())

    def line(self) -> str:
        """Return the one-line message printed on stderr."""
        where = f"{self.path}: " if self.path else ""
        # Library messages (YAML, pydantic) span lines; a log line must not.
        return " ".join(f"{where}{self.problem}; {self.fix} [{self.code}]".split())


class InputError(GenderMainstreamError):
    """The input cannot be reviewed as given; the user can fix it."""

    code = "GM-E100"
    exit_code = 2


class FileMissingError(InputError):
    """No file at that path."""

    code = "GM-E101"

    def __init__(self, path: str | Path) -> None:
        super().__init__(path, "no such file", "check the path and the spelling")


class NotAFileError(InputError):
    """The path is a directory or a device, not a regular file."""

    code = "GM-E102"

    def __init__(self, path: str | Path, what: str = "a directory") -> None:
        fix = (
            "give a file, or use 'gender-mainstream batch' to review a folder"
            if what == "a directory"
            else "give a regular .txt, .docx or .pdf file"
        )
        super().__init__(path, f"is {what}, not a file", fix)


class FilePermissionError(InputError):
    """The file exists but cannot be read."""

    code = "GM-E103"

    def __init__(self, path: str | Path) -> None:
        super().__init__(
            path, "permission denied", "make the file readable (chmod +r) or copy it elsewhere"
        )


class EmptyFileError(InputError):
    """Zero bytes, or nothing but whitespace."""

    code = "GM-E104"

    def __init__(self, path: str | Path, what: str = "the file is empty (0 bytes)") -> None:
        super().__init__(path, what, "check that the right file was exported or copied")


class FileTooLargeError(InputError):
    """Bigger than the configured limit."""

    code = "GM-E105"

    def __init__(self, path: str | Path, size: int, limit: int) -> None:
        super().__init__(
            path,
            f"file is {size:,} bytes, over the limit of {limit:,} bytes",
            "split the document, or raise the limit with --max-bytes",
        )


class UnsupportedFormatError(InputError):
    """Content that is not TXT, DOCX or PDF."""

    code = "GM-E110"

    def __init__(self, path: str | Path, what: str, fix: str | None = None) -> None:
        super().__init__(
            path,
            what,
            fix or "save the document as .docx, .pdf or UTF-8 .txt and review that file",
        )


class LegacyWordError(InputError):
    """A Word 97-2003 .doc without LibreOffice to convert it."""

    code = "GM-E111"

    def __init__(self, path: str | Path, detail: str | None = None) -> None:
        problem = "is a legacy Word 97-2003 .doc file"
        if detail:
            problem += f" and LibreOffice could not convert it ({detail})"
        super().__init__(
            path,
            problem,
            "save it as .docx in Word, or install LibreOffice (soffice) for automatic conversion",
        )


class DamagedFileError(InputError):
    """Truncated or corrupt container, malformed XML."""

    code = "GM-E120"

    def __init__(self, path: str | Path, what: str, fix: str | None = None) -> None:
        super().__init__(
            path, what, fix or "open and re-save it in its editor, or obtain a complete copy"
        )


class EncryptedFileError(InputError):
    """A password-protected PDF (no or wrong password) or Word document."""

    code = "GM-E121"

    def __init__(self, path: str | Path, wrong_password: bool, kind: str = "pdf") -> None:
        if kind == "docx":
            super().__init__(
                path,
                "Word document is password-protected",
                "remove the password in Word (File > Info > Protect Document) and save a copy",
            )
            return
        problem = "PDF password is wrong" if wrong_password else "PDF is password-protected"
        super().__init__(path, problem, "give the password with --password PASSWORD")


class UnsafeFileError(InputError):
    """A container that would blow up memory or time if parsed (zip bomb)."""

    code = "GM-E122"

    def __init__(self, path: str | Path, what: str) -> None:
        super().__init__(
            path,
            f"refused before parsing: {what}",
            "this is not a normal Word document; open it in Word and re-save it",
        )


class NeedsOcrError(InputError):
    """A PDF whose pages are all images: there is no text to review."""

    code = "GM-E130"

    def __init__(self, path: str | Path, pages: int) -> None:
        super().__init__(
            path,
            f"scanned PDF: none of its {pages} page(s) has a text layer (needs OCR)",
            "rerun with --ocr (needs tesseract-ocr-vie) or review the original .docx",
        )


class OutputError(GenderMainstreamError):
    """An output (report, commented copy, batch folder) cannot be written where asked.

    Raised before any document is read when the path is wrong (the input itself, a missing
    folder, a directory), and when writing fails (disk full, read-only file system).
    """

    code = "GM-E150"
    exit_code = 2

    def __init__(
        self, path: str | Path, problem: str, fix: str = "choose another output path"
    ) -> None:
        super().__init__(path, problem, fix)


class RuleError(GenderMainstreamError):
    """A rule file is invalid: names the file, the line, the key and what is allowed."""

    code = "GM-E200"
    exit_code = 2

    def __init__(
        self, path: str | Path | None, problem: str, fix: str, code: str = "GM-E200"
    ) -> None:
        self.code = code
        super().__init__(path, problem, fix)


class InternalError(GenderMainstreamError):
    """A bug in this package."""

    code = "GM-E300"
    exit_code = 3
