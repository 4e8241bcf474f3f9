"""What a reader hands to the normalizer: the source text, cut into located blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from gender_mainstream.model import DocIssue, SourceFormat

BlockKind = Literal["text", "page", "paragraph", "cell", "header", "footer"]


@dataclass(frozen=True, slots=True)
class Block:
    """A located stretch of `RawDocument.text`.

    `hard` blocks are paragraphs in their own right (a .docx paragraph or table-cell
    paragraph): the normalizer never joins across them. Soft blocks (a .txt file, a PDF
    page) are streams of lines whose paragraphs the normalizer has to rebuild.
    """

    start: int
    end: int
    kind: BlockKind
    hard: bool = False
    page: int | None = None
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    part: Literal["body", "header", "footer"] | None = None


@dataclass(slots=True)
class RawDocument:
    """The decoded contents of one file, before any normalization."""

    path: str
    format: SourceFormat
    sha256: str
    size: int
    text: str
    blocks: list[Block]
    pages: int | None = None
    encoding: str | None = None
    issues: list[DocIssue] = field(default_factory=list)
    # PDF only: source offset of a line's first character -> (left, right, top, bottom) in
    # points, so the normalizer can see indents, short last lines and paragraph spacing.
    line_geometry: dict[int, tuple[float, float, float, float]] = field(default_factory=dict)
    page_widths: list[float] = field(default_factory=list)  # PDF only, in points
