"""Turn normalized paragraphs into a `Document`: metadata, căn cứ, sections, tail, sentences."""

from __future__ import annotations

import re

from gender_mainstream.ingest.raw import RawDocument
from gender_mainstream.markers import DOC_TYPES, SECTION_RES, doc_type_of_line
from gender_mainstream.model import (
    Document,
    Location,
    Metadata,
    Paragraph,
    Section,
    Sentence,
)
from gender_mainstream.normalize import Normalized
from gender_mainstream.structure.header import parse_header
from gender_mainstream.structure.sections import SectionBuilder, match_section
from gender_mainstream.structure.sentences import split_sentences
from gender_mainstream.structure.tail import find_tail
from gender_mainstream.vi import is_caps_line

__all__ = ["build_document"]

_APPENDIX_RE = SECTION_RES[[k for k, _ in SECTION_RES].index("appendix")][1]
_TYPE_NAMES = {code: name for name, code in DOC_TYPES.items()}
_ATTACHMENT_TITLE_RE = re.compile(r"^(?:DANH MỤC|BIỂU MẪU|MẪU SỐ|Mẫu số|BẢNG|BIỂU)\b")


def _attachment_label(text: str) -> str | None:
    """Return the label of an attachment that starts at this paragraph, or None."""
    m = _APPENDIX_RE.match(text)
    if m and (text.isupper() or is_caps_line(text.split(":", maxsplit=1)[0]) or m.group("num")):
        num = m.group("num")
        return f"Phụ lục {num}" if num else "Phụ lục"
    code = doc_type_of_line(text)
    if code is not None:
        name = _TYPE_NAMES.get(code, text.strip())
        return name[:1] + name[1:].lower()
    if _ATTACHMENT_TITLE_RE.match(text) and is_caps_line(text[:12]):
        return text.strip().rstrip(".:")[:60].capitalize()
    return None


def build_document(raw: RawDocument, norm: Normalized) -> Document:
    """Build the structured document from the normalized text."""
    text = norm.text
    smap = norm.source_map
    paragraphs: list[Paragraph] = []

    def _locator(p: Paragraph) -> Location:
        return smap.locate(p.start, p.end, paragraph=p.index, section=p.section)

    for i, np_ in enumerate(norm.paragraphs):
        block = raw.blocks[np_.block]
        paragraphs.append(
            Paragraph(
                i + 1,
                text[np_.start : np_.end],
                np_.start,
                np_.end,
                kind="page_header" if block.part in ("header", "footer") else "text",
                line_joins=np_.line_joins,
            )
        )
    body = [p for p in paragraphs if p.kind != "page_header"]
    header = parse_header(body)
    for pos, kind in header.kinds.items():
        body[pos].kind = kind  # type: ignore[assignment]

    tail = find_tail(body, header.body_start)
    body_end = tail.start if tail is not None else len(body)
    builder = SectionBuilder()
    for p in body[header.body_start : body_end]:
        builder.add(p)
    sections = builder.roots

    if tail is not None:
        for pos, kind in tail.kinds.items():
            body[pos].kind = kind  # type: ignore[assignment]
        sections.extend(_attachments(body[tail.end :]))

    for p in paragraphs:
        p.sentences = [Sentence(p.start + a, p.start + b) for a, b in split_sentences(p.text)]
        p.locator = _locator

    meta = Metadata(
        path=raw.path,
        format=raw.format,
        sha256=raw.sha256,
        doc_type=header.doc_type,
        number=header.number,
        issuer=header.issuer,
        date=header.date,
        place=header.place,
        title=header.title,
        pages=raw.pages,
        normative=header.normative,
        encoding=raw.encoding,
    )
    doc = Document(
        metadata=meta,
        basis=header.basis,
        sections=sections,
        paragraphs=paragraphs,
        signature=tail.signature if tail else None,
        recipients=tail.recipients if tail else [],
        errors=list(raw.issues),
        text=text,
        source_text=raw.text,
    )
    doc._source_map = smap
    return doc


def _attachments(rest: list[Paragraph]) -> list[Section]:
    """Split what follows the signature into attachments (Phụ lục, an attached Quy định)."""
    out: list[Section] = []
    builder: SectionBuilder | None = None
    expecting_title = False
    for p in rest:
        label = _attachment_label(p.text)
        if label is not None and (builder is None or not expecting_title):
            root = Section(number=label, title="", path=label, kind="appendix")
            out.append(root)
            builder = SectionBuilder(prefix=f"{label}, ", root=root)
            p.kind = "heading"
            p.section = root.path
            root.paragraphs.append(p)
            # "PHỤ LỤC I: DANH MỤC …" carries its title; otherwise the next caps line does.
            after = p.text.split(":", 1)[1].strip() if ":" in p.text else ""
            root.title = after
            expecting_title = not after
            continue
        if builder is None:
            continue  # trailing text after the signature that starts no attachment
        current_root = builder.root
        if (
            expecting_title
            and current_root is not None
            and match_section(p.text) is None
            and (not current_root.title or is_caps_line(p.text) or p.text.startswith("("))
        ):
            # "QUY CHẾ" then its name (any case), then "(Ban hành kèm theo …)".
            if not p.text.startswith("("):
                current_root.title = (current_root.title + " " + p.text).strip()
            p.kind = "title"
            p.section = current_root.path
            current_root.paragraphs.append(p)
            continue
        expecting_title = False
        builder.add(p)
    return out
