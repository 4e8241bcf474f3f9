"""The header block (Nghị định 30/2020 Đ8 k2 a–đ) and the căn cứ lines after it.

The header holds the issuing body, number, place and date, document type and title (trích yếu).

Real inputs lay the header out three ways: as separate lines (web copies), as two columns
merged into one line each (PDF text), or in a table (Word). The parser therefore works on the
joined text of the header zone and removes what it recognises (Quốc hiệu, motto, number,
date), keeping the capitalised remainder as the issuing body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from gender_mainstream.markers import (
    BASIS_RE,
    BULLET_RE,
    DOC_TYPES,
    ENACTING_RE,
    LINE_MARKER_RE,
    RULE_LINE_RE,
    SECTION_RES,
    doc_type_of_line,
)
from gender_mainstream.model import Paragraph
from gender_mainstream.vi import is_caps_line

__all__ = ["HeaderInfo", "parse_header"]

NUMBER_RE = re.compile(
    # A draft leaves the number blank: "Số: …/2026/QĐ-UBND", "Số:     /2026/NQ-HĐND".
    r"\bSố\s*[:.]?\s*(?P<num>(?:\d{1,6}\s*|[.…_]+\s*)?(?:/\s*\d{4}\s*)?/\s*[A-ZĐa-zđ][A-ZĐa-zđ0-9&\-.]*"
    r"(?:/[A-ZĐa-zđ0-9&\-.]+)?|\d{1,6}-[A-ZĐ][A-ZĐa-zđ]*/[A-ZĐ][A-ZĐa-zđ0-9]*)"
)
DATE_RE = re.compile(
    r"(?:(?P<place>[^\n,;:]{2,60}?),\s*)?ngày\s*(?P<d>\d{1,2})\s*(?:tháng\s*(?P<m>\d{1,2})\s*năm\s*"
    r"|/\s*(?P<m2>\d{1,2})\s*/\s*)(?P<y>\d{4})",
    re.I,
)
DRAFT_DATE_RE = re.compile(
    r"(?:(?P<place>[^\n,;:]{2,60}?),\s*)?ngày\s*[.…\s]*tháng\s*[.…\s]*năm\s+(?P<y>\d{4})", re.I
)
_QUOC_HIEU_RE = re.compile(r"CỘNG\s+HÒA\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM", re.I)
_MOTTO_RE = re.compile(r"Độc\s+lập\s*-\s*Tự\s+do\s*-\s*Hạnh\s+phúc", re.I)
_PARTY_MOTTO_RE = re.compile(r"ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM", re.I)
_NOISE_RE = re.compile(
    r"\(?\bDỰ\s+THẢO\b\)?|\bHỎA\s+TỐC\b|\bTHƯỢNG\s+KHẨN\b|\bKHẨN\b|\bMẬT\b|-{2,}|_{2,}|\*{2,}", re.I
)
_BARE_NUMBER_RE = re.compile(r"^(?:Số\s*:?\s*)?\d{1,6}(?:/\d{4})?/[A-ZĐ][\w&\-./]*$")
_AUTHORITY_LINE_RE = re.compile(
    r"^(?:CHỦ TỊCH|ỦY BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|GIÁM ĐỐC|TRƯỞNG BAN|BỘ TRƯỞNG|THỦ TƯỚNG|"
    r"BAN THƯỜNG VỤ|THƯỜNG TRỰC)\b"
)
_INTRO_ISSUER_RE = re.compile(
    r"^(?P<issuer>(?:Ủy ban nhân dân|UBND|Hội đồng nhân dân|HĐND)\s+"
    r"(?:tỉnh|thành phố|TP\.?|huyện|quận|thị xã|xã|phường|thị trấn)"
    r"(?:\s+[A-ZĐÂĂÊÔƠƯ][^\s,;:]*)+)"
)
_SYMBOL_TYPES = {
    "KH": "ke_hoach",
    "NQ": "nghi_quyet",
    "QĐ": "quyet_dinh",
    "BC": "bao_cao",
    "TB": "thong_bao",
    "TTR": "to_trinh",
    "CT": "chi_thi",
    "HD": "huong_dan",
    "CTR": "chuong_trinh",
    "ĐA": "de_an",
    "DA": "du_an",
    "PA": "phuong_an",
    "QYĐ": "quy_dinh",
    "QC": "quy_che",
    "KL": "ket_luan",
    "BB": "bien_ban",
    "CĐ": "cong_dien",
    "GM": "giay_moi",
}


@dataclass
class HeaderInfo:
    """What the header says, and where the body begins."""

    doc_type: str | None = None
    number: str | None = None
    issuer: str | None = None
    date: date | None = None
    place: str | None = None
    title: str | None = None
    normative: bool | None = None
    basis: list[str] = field(default_factory=list)
    body_start: int = 0  # index into the paragraph list given to parse_header
    kinds: dict[int, str] = field(default_factory=dict)  # paragraph position -> kind


def _symbol_type(number: str) -> str | None:
    parts = number.split("/")
    symbol = parts[-1] if parts else ""
    if "-" in number and "/" in number and re.match(r"^\d+-", number):  # party style 21-CT/TW
        head = number.split("/", maxsplit=1)[0].split("-", 1)[1]
    else:
        head = symbol.split("-", 1)[0]
    return _SYMBOL_TYPES.get(head.upper())


def _clean_number(raw: str) -> str:
    number = re.sub(r"\s+", "", raw).rstrip(".,;")
    return re.sub(r"^[.…_]+", "…", number)  # a draft's blank number, written one way


def _is_section_start(text: str) -> bool:
    return any(rx.match(text) for kind, rx in SECTION_RES if kind != "appendix")


def _title_stop(text: str) -> bool:
    return bool(
        BASIS_RE.match(text)
        or ENACTING_RE.match(text)
        or _is_section_start(text)
        or text.startswith("Kính gửi")
        or BULLET_RE.match(text)
    )


_TITLE_TYPE_RE = re.compile(
    r"^(?P<type>"
    + "|".join(
        sorted((k[0] + k[1:].lower() for k in DOC_TYPES if k != "CÔNG VĂN"), key=len, reverse=True)
    )
    + r")\s+(?:về|v/v|số|ban hành|phê duyệt|thông qua|quy định|thực hiện|triển khai|tổ chức"
    + r"|hỗ trợ|sửa đổi|bãi bỏ|công bố|giao|kiện toàn|thành lập|chấn chỉnh|tăng cường)\b"
)


def parse_header(paras: list[Paragraph]) -> HeaderInfo:
    """Read metadata from the first paragraphs and find where the body starts."""
    info = HeaderInfo()
    limit = min(len(paras), max(40, len(paras) // 3))
    type_at: int | None = None
    for i in range(limit):
        text = paras[i].text
        if BASIS_RE.match(text) or ENACTING_RE.match(text):
            break
        code = doc_type_of_line(text)
        if code is not None:
            type_at = i
            info.doc_type = code
            break
        if i > 0 and _is_section_start(text):
            break
    header_end = type_at if type_at is not None else 0
    lead_title = type_at is None and bool(paras) and _TITLE_TYPE_RE.match(paras[0].text) is not None
    if type_at is None and not lead_title:
        # No type line: the header runs to the first basis line, section or "Kính gửi".
        for i in range(min(limit, 15)):
            text = paras[i].text
            header_like = (
                is_caps_line(text)
                or RULE_LINE_RE.match(text) is not None
                or _MOTTO_RE.search(text) is not None
                or "Số" in text
                or DATE_RE.search(text) is not None
                or DRAFT_DATE_RE.search(text) is not None
                or text.startswith("V/v")
            )
            if _title_stop(text) or (i > 0 and not header_like):
                header_end = i
                break
        else:
            header_end = 0
    header_texts = [p.text for p in paras[:header_end]]
    zone = "\n".join(header_texts)
    for i in range(header_end):
        info.kinds[i] = "header"

    m = NUMBER_RE.search(zone)
    if m:
        info.number = _clean_number(m.group("num"))
        # A draft with its number left blank ("…/2026/QĐ-UBND") is normative all the same.
        info.normative = bool(re.match(r"^(?:\d+|…)?/\d{4}/", info.number))
        if info.doc_type is None:
            info.doc_type = _symbol_type(info.number)
    d = DATE_RE.search(zone)
    if d:
        try:
            month = int(d.group("m") or d.group("m2"))
            info.date = date(int(d.group("y")), month, int(d.group("d")))
        except ValueError:
            info.date = None
        place = d.group("place")
        if place:
            info.place = _place_from(place)
    else:
        dd = DRAFT_DATE_RE.search(zone)
        if dd and dd.group("place"):
            info.place = _place_from(dd.group("place"))

    info.issuer = _issuer_from(header_texts)

    # Title (trích yếu): the paragraph(s) after the type line, or "V/v …" in a công văn.
    pos = (type_at + 1) if type_at is not None else header_end
    if type_at is not None:
        info.kinds[type_at] = "doc_type"
    title_parts: list[str] = []
    if type_at is None:
        vv = re.search(r"V/v\s*(.+)", zone)
        lead = _TITLE_TYPE_RE.match(paras[pos].text) if pos < len(paras) else None
        if vv:
            title_parts.append(vv.group(1).strip())
            if info.doc_type is None:
                info.doc_type = "cong_van"
        elif lead is not None and lead_title:
            # Copies from legal databases drop the header and open with "Chỉ thị về việc …":
            # the type and the title in one line.
            info.doc_type = info.doc_type or DOC_TYPES[lead.group("type").upper()]
            title_parts.append(paras[pos].text)
            info.kinds[pos] = "title"
            pos += 1
    else:
        while pos < len(paras):
            text = paras[pos].text
            if RULE_LINE_RE.match(text):
                info.kinds[pos] = "header"
                pos += 1
                if title_parts:
                    break
                continue
            # Titles often begin "Thực hiện …" or "Triển khai …"; only "Căn cứ", a section or
            # the enacting formula can follow the type line directly.
            first_ok = not title_parts and not (
                text.startswith("Căn cứ") or ENACTING_RE.match(text) or _is_section_start(text)
            )
            if _title_stop(text) and not first_ok:
                break
            if title_parts:
                caps_prev = is_caps_line(title_parts[-1])
                if _AUTHORITY_LINE_RE.match(text) or not (is_caps_line(text) and caps_prev):
                    break
            title_parts.append(text)
            info.kinds[pos] = "title"
            pos += 1
            if len(title_parts) >= 4:
                break
        # The authority line of an individual decision ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …").
        while pos < len(paras) and (
            (_AUTHORITY_LINE_RE.match(paras[pos].text) and is_caps_line(paras[pos].text))
            or RULE_LINE_RE.match(paras[pos].text)
        ):
            info.kinds[pos] = "header"
            pos += 1
    if title_parts:
        info.title = " ".join(title_parts).strip()

    # Căn cứ lines, up to the enacting formula or the body.
    while pos < len(paras):
        text = paras[pos].text
        if BASIS_RE.match(text):
            info.basis.append(text)
            info.kinds[pos] = "basis"
            pos += 1
            continue
        break
    info.body_start = pos

    if info.issuer is None:
        for p in paras[pos : pos + 6]:
            m2 = _INTRO_ISSUER_RE.match(p.text)
            if m2:
                info.issuer = m2.group("issuer")
                break
    return info


def _place_from(raw: str) -> str | None:
    place = raw.strip().strip("-–,.;: ")
    place = _MOTTO_RE.sub("", place)
    place = _QUOC_HIEU_RE.sub("", place)
    place = NUMBER_RE.sub("", place).strip()
    # In a merged two-column line the place is the tail after the last capitalised block.
    words = place.split()
    while words and (is_caps_line(words[0]) or not words[0][:1].isalpha()):
        words.pop(0)
    return " ".join(words) or None


def _issuer_from(texts: list[str]) -> str | None:
    chunks: list[str] = []
    for text in texts:
        t = _QUOC_HIEU_RE.sub("\n", text)
        t = _MOTTO_RE.sub("\n", t)
        t = _PARTY_MOTTO_RE.sub("\n", t)
        t = NUMBER_RE.sub("\n", t)
        t = DATE_RE.sub("\n", t)
        t = DRAFT_DATE_RE.sub("\n", t)
        t = _NOISE_RE.sub(" ", t)
        for raw_piece in t.split("\n"):
            piece = re.sub(r"\s+", " ", raw_piece).strip(" -–,.;:")
            if _BARE_NUMBER_RE.match(piece):
                continue  # "84/2025/QĐ-UBND" on the line after a lone "Số:"
            if piece and is_caps_line(piece) and not LINE_MARKER_RE.match(piece):
                chunks.append(piece)
    if not chunks:
        return None
    return " ".join(chunks)


def all_doc_types() -> list[str]:
    """Return every document-type code the parser can assign."""
    return sorted(set(DOC_TYPES.values()) | set(_SYMBOL_TYPES.values()))
