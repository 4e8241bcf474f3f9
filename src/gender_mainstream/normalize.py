"""Canonical text with a map back to the source: NFC, look-alikes, one tone style, unwrapping.

Why a map and not just normalized text: a finding must point at the original (page, line,
character), and every step here can move characters — NFD input composes into fewer code
points, a zero-width space disappears, a run of spaces or a wrapped line break becomes one
space. Each paragraph is rebuilt from its source lines while an `OffsetMap` records, piece by
piece, which canonical characters came from which source characters.

Paragraph rebuilding ("unwrapping") matters as much as Unicode: PDF text and many pasted
texts wrap every line mid-sentence, and a phrase split by a wrap must still match.
"""

from __future__ import annotations

import itertools
import re
import statistics
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

from gender_mainstream.ingest.raw import Block, RawDocument
from gender_mainstream.markers import (
    BULLET_RE,
    LINE_MARKER_RE,
    RULE_LINE_RE,
    SECTION_RES,
    doc_type_of_line,
)
from gender_mainstream.model import Location
from gender_mainstream.vi import canon_tones, is_caps_line, lookalike_table

__all__ = ["NormParagraph", "Normalized", "OffsetMap", "SourceMap", "canonicalize", "normalize"]


class OffsetMap:
    """A piecewise map from canonical offsets to source offsets.

    Segments are either *copies* (canonical run == a same-length source run) or
    *replacements* (a canonical run stands for a source range of any length, e.g. "á" for
    "a" + U+0301, or " " for a line break and the blank lines after it). Source characters
    covered by no segment were deleted (zero-width spaces).
    """

    __slots__ = ("_c", "_copy", "_s0", "_s1", "length")

    def __init__(self) -> None:
        self._c: list[int] = []
        self._s0: list[int] = []
        self._s1: list[int] = []
        self._copy: list[bool] = []
        self.length = 0

    def copy(self, src_start: int, n: int) -> None:
        """Append `n` canonical characters copied one-for-one from `src_start`."""
        if n <= 0:
            return
        if self._copy and self._copy[-1] and self._s1[-1] == src_start:
            self._s1[-1] += n
        else:
            self._c.append(self.length)
            self._s0.append(src_start)
            self._s1.append(src_start + n)
            self._copy.append(True)
        self.length += n

    def replace(self, n: int, src_start: int, src_end: int) -> None:
        """Append `n` canonical characters standing for source range [src_start, src_end)."""
        if n <= 0:
            return
        self._c.append(self.length)
        self._s0.append(src_start)
        self._s1.append(src_end)
        self._copy.append(False)
        self.length += n

    def _seg(self, c: int) -> int:
        return bisect_right(self._c, c) - 1

    def start(self, c: int) -> int:
        """Return the source offset where canonical character `c` begins."""
        if not self._c:
            return 0
        if c >= self.length:
            return self._s1[-1]
        i = max(self._seg(c), 0)
        if self._copy[i]:
            return self._s0[i] + (c - self._c[i])
        return self._s0[i]

    def end(self, c: int) -> int:
        """Return the source offset where canonical character `c - 1` ends (exclusive end)."""
        if not self._c or c <= 0:
            return self._s0[0] if self._c else 0
        i = self._seg(c - 1)
        if self._copy[i]:
            return self._s0[i] + (c - self._c[i])
        return self._s1[i]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a canonical [start, end) to the smallest source range that produced it."""
        if end <= start:
            s = self.start(start)
            return s, s
        return self.start(start), self.end(end)


_TRANSLATE = lookalike_table()
_LOOKALIKE_RE = re.compile("[" + re.escape("".join(chr(c) for c in _TRANSLATE)) + "]")
# Characters that need more than a one-for-one translation: combining marks (NFD input),
# characters to delete, and runs of whitespace.
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_DELETE = "\u00ad\u200b\u200c\u200d\u2060\ufeff\ufffe\x00-\x08\x0b\x0e-\x1f\x7f"
_DELETE_RE = re.compile(f"[{_DELETE}]+")
_SLOW_RE = re.compile(f"[{_COMBINING}{_DELETE}]|\\s\\s")
_TOKEN_RE = re.compile(
    f"(?P<ws>\\s{{2,}})|(?P<del>[{_DELETE}]+)|(?P<cl>[^{_COMBINING}]?[{_DELETE}]*[{_COMBINING}]+)"
)


def _canon_piece(src: str, a: int, b: int, out: list[str], omap: OffsetMap) -> None:
    """Append the canonical form of src[a:b] (one line's content) to `out` and `omap`."""
    piece = src[a:b]
    if _LOOKALIKE_RE.search(piece) is not None:
        piece = piece.translate(_TRANSLATE)
    if _SLOW_RE.search(piece) is None:
        out.append(piece)
        omap.copy(a, len(piece))
        return
    pos = 0
    for m in _TOKEN_RE.finditer(piece):
        if m.start() > pos:
            out.append(piece[pos : m.start()])
            omap.copy(a + pos, m.start() - pos)
        kind = m.lastgroup
        if kind == "ws":
            out.append(" ")
            omap.replace(1, a + m.start(), a + m.end())
        elif kind == "cl":
            # A stray zero-width character between a letter and its mark is dropped first.
            composed = unicodedata.normalize("NFC", _DELETE_RE.sub("", m.group()))
            out.append(composed)
            if composed == m.group():
                omap.copy(a + m.start(), len(composed))
            else:
                omap.replace(len(composed), a + m.start(), a + m.end())
        # "del": nothing appended, the source characters simply have no canonical image
        pos = m.end()
    if pos < len(piece):
        out.append(piece[pos:])
        omap.copy(a + pos, len(piece) - pos)


def canonicalize(text: str) -> str:
    """Return the canonical form of a short string (rule phrases, examples, queries)."""
    out: list[str] = []
    omap = OffsetMap()
    _canon_piece(text, 0, len(text), out, omap)
    return canon_tones("".join(out))


@dataclass(slots=True)
class _Line:
    start: int  # first non-space character, in the source text
    end: int  # after the last non-space character
    block: int
    blanks: int  # blank lines between the previous content line and this one
    text: str = ""
    page_start: bool = False  # first content line of a PDF page
    indent: float | None = None  # PDF: left x of the line minus the page's text margin
    right_gap: float | None = None  # PDF: right margin minus right x of the line
    vgap: float | None = None  # PDF: extra space above the line, in line heights
    gap: float | None = None  # PDF: whole space above the line, in line heights
    # Features read by the boundary decision, computed once per line.
    caps: bool = False
    strong_caps: bool = False
    terminal: bool = False
    lower_start: bool = False
    upper_start: bool = False
    marker: bool = False
    bullet_end: int = -1  # end of a leading "-"/"+" bullet, -1 if none
    rule: bool = False
    doc_type: bool = False

    def compute_features(self) -> None:
        """Fill the boundary features from `text`."""
        t = self.text
        self.caps = is_caps_line(t)
        self.strong_caps = self.caps and _strong_caps(t)
        self.terminal = _ends_terminal(t)
        self.lower_start = _starts_lower(t)
        self.upper_start = _starts_upper(t)
        self.marker = LINE_MARKER_RE.match(t) is not None
        bullet = BULLET_RE.match(t)
        self.bullet_end = bullet.end() if bullet else -1
        self.rule = RULE_LINE_RE.match(t) is not None
        self.doc_type = len(t) <= 30 and doc_type_of_line(t) is not None


@dataclass(slots=True)
class NormParagraph:
    """A rebuilt paragraph: [start, end) in the canonical text."""

    start: int
    end: int
    block: int
    line_joins: list[int] = field(default_factory=list)  # offsets relative to `start`


@dataclass(slots=True)
class Normalized:
    """Canonical text (paragraphs joined by newlines) and the way back to the source."""

    text: str
    paragraphs: list[NormParagraph]
    source_map: SourceMap


_LINE_RE = re.compile(r"[^\r\n\f\v\x85\u2028\u2029]*(?:\r\n|[\r\n\f\v\x85\u2028\u2029]|$)")
_PAGE_NUMBER_RE = re.compile(r"^[-–—\s]*(?:Trang\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?[-–—\s]*$")
_TERMINAL = ".!?;:"
_FUNCTION_WORDS = frozenset(
    ["của", "thuộc", "và", "cho", "với", "tại", "về", "các", "những", "là", "hoặc", "đối"]
)
_CLOSERS = "\"'”’»)]"
# Words after which a wrapped line continues with a proper noun ("tỉnh\nLai Châu").
_LINKING_TAIL = frozenset(
    [
        "tỉnh",
        "huyện",
        "quận",
        "xã",
        "phường",
        "trấn",
        "phố",
        "sở",
        "bộ",
        "ban",
        "phòng",
        "cục",
        "vụ",
        "hội",
        "luật",
        "số",
        "của",
        "và",
        "với",
        "cho",
        "tại",
        "theo",
        "về",
        "là",
        "các",
        "những",
        "từ",
        "đến",
        "ngày",
        "năm",
        "tháng",
        "ông",
        "bà",
        "chí",
        "thuộc",
    ]
)


_LINE_BODY_RE = re.compile(r"[^\r\n\f\v\x85\u2028\u2029]+")
# Spaces (and invisible characters) trimmed from both ends of a line.
_EDGE_JUNK = " \t\u00a0\u200b\ufeff\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))


def _count_breaks(gap: str) -> int:
    if gap in ("\n", "\r\n"):
        return 1
    n = gap.count("\n") + gap.count("\r") - gap.count("\r\n")
    for c in "\f\v\x85\u2028\u2029":
        n += gap.count(c)
    return n


def _split_lines(text: str, block: Block, block_index: int, lines: list[_Line]) -> None:
    """Cut a block into content lines, counting the blank lines before each."""
    prev_end = block.start
    first = True
    page = block.kind == "page"
    for m in _LINE_BODY_RE.finditer(text, block.start, block.end):
        raw = m.group()
        body = raw.strip(_EDGE_JUNK)
        if not body:
            continue  # a line of spaces is part of the gap
        breaks = _count_breaks(text[prev_end : m.start()])
        a = m.start() + (len(raw) - len(raw.lstrip(_EDGE_JUNK)))
        line = _Line(a, a + len(body), block_index, breaks if first else breaks - 1, body)
        line.page_start = first and page
        if not block.hard:  # a hard block (Word paragraph) is one paragraph: no decisions
            line.compute_features()
        lines.append(line)
        prev_end = m.end()
        first = False


def _drop_page_numbers(lines: list[_Line]) -> list[_Line]:
    """Remove running page numbers: a bare number as first or last line of a PDF page."""
    keep = [True] * len(lines)
    for i, line in enumerate(lines):
        last_on_page = i + 1 == len(lines) or lines[i + 1].page_start
        if (line.page_start or last_on_page) and _PAGE_NUMBER_RE.match(line.text):
            keep[i] = False
            if line.page_start and i + 1 < len(lines) and not lines[i + 1].page_start:
                lines[i + 1].page_start = True
    return [line for line, k in zip(lines, keep, strict=True) if k]


def _ends_terminal(s: str) -> bool:
    s = s.rstrip(_CLOSERS + " ")
    return bool(s) and s[-1] in _TERMINAL


def _starts_lower(s: str) -> bool:
    for ch in s:
        if ch.isalpha():
            return ch.islower()
        if ch.isdigit():
            return False
        if ch not in "\"'“‘(«":
            return False
    return False


def _starts_upper(s: str) -> bool:
    for ch in s:
        if ch.isalpha():
            return ch.isupper()
        if ch not in "\"'“‘(«":
            return ch.isdigit()
    return False


def _strong_caps(s: str) -> bool:
    """Return True for a capitalised line of words (a heading), not a code like 87/2025/QH15."""
    if not is_caps_line(s):
        return False
    letters = sum(1 for ch in s if ch.isalpha())
    return letters >= 6 and letters >= 0.6 * len(s.replace(" ", ""))


_SIG_ABBREV_RE = re.compile(r"^(?:TM|KT|Q|TL|TUQ|T/M|K/T)\.?$")
_NUMBER_LABEL_RE = re.compile(r"^Số\s*:?$")
_AUTHORITY_RE = re.compile(
    r"^(?:(?:PHÓ\s+)?CHỦ TỊCH|ỦY BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|(?:PHÓ\s+)?GIÁM ĐỐC"
    r"|(?:PHÓ\s+)?TRƯỞNG BAN)\b"
)
_QUOC_HIEU_RE = re.compile(r"^CỘNG HÒA XÃ HỘI\b|^CỘNG HOÀ XÃ HỘI\b")
_QUOC_HIEU_END_RE = re.compile(r"CHỦ NGHĨA VIỆT NAM$")


def _heading_open(paragraph_head: str) -> bool:
    """Return True if the paragraph so far is a short numbered heading, still open."""
    for kind, rx in SECTION_RES:
        m = rx.match(paragraph_head)
        if not m:
            continue
        limit = 150 if kind in ("phan", "chuong", "muc", "dieu", "roman", "appendix") else 80
        return len(paragraph_head) <= limit
    return False


@dataclass(slots=True)
class _FlowStyle:
    blank_sep: bool  # a single blank line separates paragraphs
    line_per_para: bool  # every line is a paragraph
    punct_split: bool  # a line ending in . ; : ! ? followed by a capital starts a paragraph
    full_width: float  # typical length of a full line (characters)


def _flow_style(lines: list[_Line], pdf: bool) -> _FlowStyle:
    counts = {0: [0, 0], 1: [0, 0]}  # blanks -> [gaps, gaps that look like continuations]
    total_gaps = 0
    for prev, nxt in itertools.pairwise(lines):
        total_gaps += 1
        n = min(nxt.blanks, 2)
        if n > 1:
            continue
        counts[n][0] += 1
        if not prev.terminal and nxt.lower_start:
            counts[n][1] += 1
    gaps0, cont0 = counts[0]
    gaps1, cont1 = counts[1]
    blank_sep = not (gaps1 >= 5 and cont1 / gaps1 > 0.2)
    line_per_para = not pdf and gaps0 >= 5 and cont0 / gaps0 < 0.03
    punct_split = pdf or not blank_sep or (total_gaps > 0 and gaps1 / max(total_gaps, 1) < 0.25)
    lengths = sorted(line.end - line.start for line in lines) or [0]
    full_width = lengths[int(len(lengths) * 0.9)] if len(lengths) >= 10 else 0.0
    return _FlowStyle(blank_sep, line_per_para, punct_split, float(full_width))


def _heading_continues(nxt: _Line, after: _Line | None) -> bool:
    """Return True if `nxt` ends a two-line heading ("… và công tác / Vì sự tiến bộ…").

    Seen from the line after it: a heading's last line is short, has no final punctuation
    and is followed by a new item or a blank line; a body paragraph is not.
    """
    if len(nxt.text) > 60 or nxt.terminal or after is None:
        return False
    return after.blanks >= 1 or after.marker or after.bullet_end >= 0


_LABEL_RE = re.compile(r"^[A-ZĐÀ-Ỹ][^:|.;]{1,28}:\s*\S")


def _boundary(
    prev: _Line,
    nxt: _Line,
    *,
    after: _Line | None,
    head: str,
    style: _FlowStyle,
    pdf: bool,
) -> bool:
    """Decide whether `nxt` starts a new paragraph after `prev` (`head`: paragraph so far)."""
    if nxt.blanks >= 2:
        return True
    if nxt.blanks == 1 and style.blank_sep:
        return True
    a, b = prev.text, nxt.text
    if a.startswith("|") or b.startswith("|"):
        return True  # rows of a text table never wrap into each other
    if (
        nxt.upper_start
        and not _SIG_ABBREV_RE.match(a)
        and not _NUMBER_LABEL_RE.match(a)
        and (a.endswith(":") or (_LABEL_RE.match(a) and _LABEL_RE.match(b)))
    ):
        return True  # "… các tiêu chuẩn sau:\nGiới tính: Nữ\nTuổi: …" is a list of lines
    if nxt.blanks == 0 and style.line_per_para:
        # One paragraph per line, except a plain wrap: no final stop, lower-case next line.
        return not (nxt.lower_start and not prev.terminal and nxt.bullet_end < 0)
    if prev.rule or nxt.rule:
        return True
    if _SIG_ABBREV_RE.match(a) or _NUMBER_LABEL_RE.match(a):
        return False  # "TM." or "Số:" alone on its line, what it introduces on the next
    if len(head) <= 30 and doc_type_of_line(head):
        return True  # "QUYẾT\nĐỊNH" has just completed a type line
    if nxt.bullet_end >= 0:
        # "kinh tế\n- xã hội" is a wrapped compound, "…;\n- Sở Nội vụ" is a new item.
        # "giai đoạn 2021\n- 2025" is a year range.
        rest = b[nxt.bullet_end :]
        wrapped = (_starts_lower(rest) or rest[:1].isdigit()) and not prev.terminal
        return not (wrapped and not a.endswith(","))
    if nxt.marker or prev.doc_type or nxt.doc_type:
        return True
    if (nxt.caps and _QUOC_HIEU_RE.match(b)) or (prev.caps and _QUOC_HIEU_END_RE.search(a)):
        return True  # Quốc hiệu stands alone (PDF text stacks it under the issuing body)
    if nxt.caps and _AUTHORITY_RE.match(b) and a.rsplit(" ", 1)[-1].lower() not in _FUNCTION_WORDS:
        return True  # "… NĂM 2026\nỦY BAN NHÂN DÂN TỈNH …": the title ends, the authority begins
    if (prev.strong_caps and not nxt.caps and not nxt.lower_start) or (
        nxt.strong_caps and not prev.caps
    ):
        return True  # a heading block (issuing body, type, title) meets running text
    if nxt.lower_start:
        return False
    if pdf and nxt.vgap is not None and nxt.vgap > 0.25:
        return True  # paragraph spacing
    if pdf and not (prev.caps and nxt.caps) and nxt.indent is not None and nxt.indent > 12:
        return True  # first-line indent (centred capitalised lines vary, so not for them)
    if (
        pdf
        and prev.indent is not None
        and prev.right_gap is not None
        and prev.indent > 12
        and prev.right_gap > 12
        and (nxt.indent or 0) <= 12
    ):
        return True  # a centred line (title) followed by a line at the margin
    if (
        nxt.upper_start
        and not prev.terminal
        and _heading_open(head)
        and a.rsplit(" ", 1)[-1].lower() not in _LINKING_TAIL
    ):
        return not _heading_continues(nxt, after)
    if style.punct_split and prev.terminal:
        if pdf and prev.right_gap is not None:
            # A sentence ends the line: a new paragraph if the line stops short, the next is
            # indented, or the lines sit further apart than single spacing.
            return (
                prev.right_gap > 20
                or (nxt.indent is not None and nxt.indent > 12)
                or (nxt.gap is not None and nxt.gap > 0.45)
            )
        # A full-width line ending a sentence is more likely mid-paragraph.
        full_line = bool(style.full_width) and len(a) >= 0.97 * style.full_width
        return not (not pdf and full_line and a.endswith(".") and not style.blank_sep)
    return False


@dataclass(slots=True)
class SourceMap:
    """Resolve canonical offsets to `Location`s in the source's own terms."""

    omap: OffsetMap
    blocks: list[Block]
    source_text: str
    format: str
    _block_starts: list[int] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list)
    _page_lines: dict[int, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._block_starts = [b.start for b in self.blocks]

    def _lines(self) -> list[int]:
        """Line starts of the source, computed on first use (most runs never need them)."""
        if not self._line_starts:
            starts = [0]
            for m in re.finditer(r"\r\n|[\n\r\f\v\x85\u2028\u2029]", self.source_text):
                starts.append(m.end())
            self._line_starts = starts
        return self._line_starts

    def block_at(self, src: int) -> int:
        """Return the index of the block containing source offset `src`."""
        return max(bisect_right(self._block_starts, src) - 1, 0)

    def line_of(self, src: int) -> int:
        """Return the 1-based line of `src` in its file (.txt) or on its page (.pdf)."""
        starts = self._lines()
        line = bisect_right(starts, src)
        if self.format == "pdf":
            page_block = self.blocks[self.block_at(src)]
            first = bisect_right(starts, page_block.start)
            return line - first + 1
        return line

    def locate(
        self, start: int, end: int, *, paragraph: int | None, section: str | None
    ) -> Location:
        """Return the source `Location` of canonical span [start, end)."""
        s0, s1 = self.omap.span(start, end)
        block = self.blocks[self.block_at(s0)]
        if self.format == "docx":
            para_no = block.paragraph
            line = None
            if "\n" in self.source_text[block.start : block.end]:  # manual line breaks
                line = self.source_text.count("\n", block.start, s0) + 1
        else:
            para_no = paragraph
            line = self.line_of(s0)
        return Location.model_construct(
            page=block.page,
            paragraph=para_no,
            section=section,
            line=line,
            table=block.table,
            row=block.row,
            cell=block.cell,
            part=block.part,
            start=s0,
            end=s1,
        )


def _pdf_geometry(raw: RawDocument, lines: list[_Line]) -> None:
    """Attach indent, right gap and relative vertical gap to PDF lines, page by page."""
    geo = raw.line_geometry
    if not geo:
        return
    by_page: dict[int, list[_Line]] = {}
    for line in lines:
        by_page.setdefault(line.block, []).append(line)
    for page_lines in by_page.values():
        boxes = [geo.get(line.start) for line in page_lines]
        lefts = sorted(b[0] for b in boxes if b is not None)
        rights = sorted(b[1] for b in boxes if b is not None)
        if len(lefts) < 3:
            continue
        margin_left = statistics.median_low(lefts[: max(1, len(lefts) // 2)])
        # Where a full line ends: the page's own long lines, but never further left than a
        # generous right margin of the page (a page of short lines has no full line to copy).
        page_no = raw.blocks[page_lines[0].block].page or 1
        width = raw.page_widths[page_no - 1] if page_no <= len(raw.page_widths) else 0.0
        margin_right = max(rights[int(len(rights) * 0.9)], width - 90.0)
        gaps: list[float] = []
        prev_box = None
        for line, box in zip(page_lines, boxes, strict=True):
            if box is None:
                prev_box = None
                continue
            line.indent = box[0] - margin_left
            line.right_gap = margin_right - box[1]
            if prev_box is not None:
                gap = prev_box[3] - box[2]  # previous bottom minus this top (y grows upward)
                gaps.append(gap)
            prev_box = box
        positive = sorted(g for g in gaps if g > -50)
        if not positive:
            continue
        # The usual gap between lines of one paragraph is the low end of the distribution;
        # paragraph spacing adds to it. Measured in line heights, so font size cancels out.
        usual = positive[len(positive) // 4]
        heights = sorted(b[2] - b[3] for b in boxes if b is not None)
        height = max(heights[len(heights) // 2], 1.0)
        prev_box = None
        for line, box in zip(page_lines, boxes, strict=True):
            if box is not None and prev_box is not None:
                line.vgap = (prev_box[3] - box[2] - usual) / height
                line.gap = (prev_box[3] - box[2]) / height
            prev_box = box


def normalize(raw: RawDocument) -> Normalized:
    """Rebuild paragraphs from the raw blocks and canonicalize them, keeping the offset map."""
    text = raw.text
    omap = OffsetMap()
    out: list[str] = []
    paragraphs: list[NormParagraph] = []
    pdf = raw.format.value == "pdf"

    def emit(group: list[_Line]) -> None:
        if paragraphs or out:
            prev_end = omap.end(omap.length) if omap.length else 0
            out.append("\n")
            omap.replace(1, prev_end, group[0].start)
        para_start = omap.length
        joins: list[int] = []
        for k, line in enumerate(group):
            if k:
                joins.append(omap.length - para_start)
                out.append(" ")
                omap.replace(1, group[k - 1].end, line.start)
            _canon_piece(text, line.start, line.end, out, omap)
        paragraphs.append(NormParagraph(para_start, omap.length, group[0].block, joins))

    # Soft blocks (a .txt, PDF pages) form one flow of lines; hard blocks stand alone.
    flow: list[_Line] = []

    def flush_flow() -> None:
        if not flow:
            return
        lines = _drop_page_numbers(flow) if pdf else list(flow)
        if pdf:
            _pdf_geometry(raw, lines)
        style = _flow_style(lines, pdf)
        group: list[_Line] = []
        head_parts: list[str] = []
        for k, line in enumerate(lines):
            after = lines[k + 1] if k + 1 < len(lines) else None
            if group and _boundary(
                group[-1],
                line,
                after=after,
                head=" ".join(head_parts),
                style=style,
                pdf=pdf,
            ):
                emit(group)
                group = []
                head_parts = []
            group.append(line)
            if len(head_parts) < 3:
                head_parts.append(line.text)
        if group:
            emit(group)
        flow.clear()

    for i, block in enumerate(raw.blocks):
        block_lines: list[_Line] = []
        _split_lines(text, block, i, block_lines)
        if block.hard:
            flush_flow()
            if block_lines:
                emit(block_lines)
        else:
            flow.extend(block_lines)
    flush_flow()
    source_map = SourceMap(omap, raw.blocks, text, raw.format.value)
    # Tone placement is decided per syllable and paragraphs are joined by "\n", so one pass
    # over the whole text gives the same result as one per paragraph.
    return Normalized(canon_tones("".join(out)), paragraphs, source_map)
