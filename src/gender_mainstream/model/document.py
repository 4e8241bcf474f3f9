"""The parsed document: what every later stage reads, and what `parse --format json` prints.

Pure data, no I/O. Texts are canonical (NFC, one tone-mark style, odd spaces mapped, wrapped
lines re-joined); every `Location` points back at the original file in that format's own terms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

PARSE_SCHEMA_VERSION: Literal["1"] = "1"


class SourceFormat(StrEnum):
    """The real format of an input, detected from its content rather than its name."""

    TXT = "txt"
    DOCX = "docx"
    PDF = "pdf"


class Location(BaseModel):
    """Where a span sits in the original file.

    `start`/`end` are character offsets into the document's *source text*: the decoded file
    for .txt, the page texts joined by form feeds for .pdf, the block texts (paragraphs,
    table-cell paragraphs, header/footer paragraphs) joined by newlines for .docx. `page`,
    `paragraph`, `line` and `table`/`row`/`cell` say the same thing in the format's own
    terms: a .pdf finding has a page and a line on that page; a .docx finding has the body
    paragraph number, or the table, row and cell (with `paragraph` counting inside the cell);
    a .txt finding has the line of the file.
    """

    model_config = ConfigDict(frozen=True)

    page: int | None = None
    paragraph: int | None = None
    section: str | None = None
    line: int | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    part: Literal["body", "header", "footer"] | None = None
    start: int | None = None
    end: int | None = None


class DocIssue(BaseModel):
    """A problem met while reading a document: a skipped page, a page that needs OCR."""

    model_config = ConfigDict(frozen=True)

    code: str
    level: Literal["warning", "error"] = "warning"
    message: str
    page: int | None = None


class Sentence(NamedTuple):
    """A sentence (or `;`-separated clause) as offsets into `Document.text`.

    A plain tuple, not a model: a long document has tens of thousands of them.
    """

    start: int
    end: int


ParagraphKind = Literal[
    "header",  # Quốc hiệu, issuing body, number, place/date block
    "doc_type",  # KẾ HOẠCH / NGHỊ QUYẾT / ...
    "title",  # trích yếu
    "basis",  # Căn cứ / Thực hiện / Theo đề nghị / Xét
    "heading",  # a numbered or lettered section heading
    "text",
    "list_item",  # "-" or "+" item
    "recipients",
    "signature",
    "page_header",  # header/footer part of a .docx
]


@dataclass(slots=True, eq=False)
class Paragraph:
    """A whole paragraph (wrapped lines re-joined) with its place in the section tree.

    A plain dataclass, not a pydantic model: a long document has tens of thousands of
    paragraphs and nothing here comes from outside. `index` is the 1-based position among the
    document's paragraphs; `start`/`end` are offsets in Document.text; `level` is the bullet
    depth (1 for "-", 2 for "+"); `line_joins` are offsets inside `text` where a source line
    break was joined into a space. The source `location` is worked out on first use.
    """

    index: int
    text: str
    start: int
    end: int
    kind: ParagraphKind = "text"
    section: str | None = None
    level: int = 0
    sentences: list[Sentence] = field(default_factory=list)
    line_joins: list[int] = field(default_factory=list)
    locator: Callable[[Paragraph], Location] | None = field(default=None, repr=False)
    _location: Location | None = field(default=None, repr=False)

    @property
    def location(self) -> Location:
        """Where the paragraph is in the original file."""
        if self._location is None:
            self._location = self.locator(self) if self.locator is not None else Location()
        return self._location

    def sentence_texts(self, doc_text: str) -> list[str]:
        """Return the sentence strings, for callers that do not hold offsets."""
        return [doc_text[s.start : s.end] for s in self.sentences]


SectionKind = Literal[
    "phan", "chuong", "muc", "dieu", "khoan", "diem", "roman", "arabic", "letter", "appendix"
]


class Section(BaseModel):
    """A numbered part of the body (Phần/Chương/Mục/Điều/khoản/điểm; I., 1., 1.1., a))."""

    number: str
    title: str
    path: str
    kind: SectionKind
    children: list[Section] = Field(default_factory=list)
    paragraphs: list[Paragraph] = Field(default_factory=list)

    def walk(self) -> list[Section]:
        """Return this section and all descendants, depth first."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


class Signature(BaseModel):
    """The signature block (Nghị định 30/2020 Phụ lục I): TM./KT./Q./TL./TUQ."""

    authority: str | None = None
    capacity: str | None = None
    position: str | None = None
    signer: str | None = None


class Metadata(BaseModel):
    """Header facts, shared by `parse` output and the review JSON's `document` object."""

    path: str | None = None
    format: SourceFormat | None = None
    sha256: str | None = None
    doc_type: str | None = None
    number: str | None = None
    issuer: str | None = None
    date: dt.date | None = None
    place: str | None = None
    title: str | None = None
    pages: int | None = None
    normative: bool | None = Field(
        default=None, description="True when the number carries the year (n/yyyy/XX-YY)"
    )
    encoding: str | None = None
    gender_relevant: bool | None = None
    topics: list[str] = Field(default_factory=list)


class Document(BaseModel):
    """A structured document. `text` is every paragraph's canonical text joined by newlines."""

    schema_version: Literal["1"] = PARSE_SCHEMA_VERSION
    metadata: Metadata
    basis: list[str] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    paragraphs: list[Paragraph] = Field(default_factory=list)
    signature: Signature | None = None
    recipients: list[str] = Field(default_factory=list)
    errors: list[DocIssue] = Field(default_factory=list)
    text: str = Field(default="", exclude=True)
    source_text: str = Field(default="", exclude=True)
    _source_map: Any = PrivateAttr(default=None)

    def iter_sections(self) -> list[Section]:
        """Return every section of the tree, depth first."""
        out: list[Section] = []
        for section in self.sections:
            out.extend(section.walk())
        return out

    def to_parse_json(self) -> dict[str, Any]:
        """Render the §3.3 contract: sections carry their paragraphs; loose ones go top-level."""
        in_sections = {p.index for s in self.iter_sections() for p in s.paragraphs}
        data = self.model_dump(mode="json", exclude={"paragraphs", "sections"})
        data["sections"] = [_section_json(s) for s in self.sections]
        data["paragraphs"] = [
            _paragraph_json(p) for p in self.paragraphs if p.index not in in_sections
        ]
        return data


def _paragraph_json(p: Paragraph) -> dict[str, Any]:
    return {
        "index": p.index,
        "kind": p.kind,
        "text": p.text,
        "location": p.location.model_dump(mode="json"),
    }


def _section_json(s: Section) -> dict[str, Any]:
    return {
        "number": s.number,
        "title": s.title,
        "path": s.path,
        "kind": s.kind,
        "children": [_section_json(c) for c in s.children],
        "paragraphs": [_paragraph_json(p) for p in s.paragraphs],
    }
