"""Line-start markers of Vietnamese official documents (Nghị định 30/2020 and practice).

Shared by the normalizer (a marker at the start of a line begins a new paragraph) and the
structure parser (which marker, which level). Kept in one place so both agree.
"""

from __future__ import annotations

import re

__all__ = [
    "BASIS_RE",
    "BULLET_RE",
    "DOC_TYPES",
    "ENACTING_RE",
    "LINE_MARKER_RE",
    "RULE_LINE_RE",
    "SECTION_RES",
    "SIGNATURE_CAPACITY_RE",
    "doc_type_of_line",
]

_ROMAN = r"(?:X{0,3}(?:IX|IV|V?I{1,3})|X{1,3}(?:IX|IV|V?I{0,3})|IV|V|IX|L)"

# (kind, regex). Group "num" is the number as printed, "rest" the text after the marker.
SECTION_RES: list[tuple[str, re.Pattern[str]]] = [
    (
        "phan",
        re.compile(
            r"^(?:PHẦN|Phần)\s+(?P<num>(?:THỨ|thứ)\s+\S+|"
            + _ROMAN
            + r"|\d{1,2})\b[.:]?\s*(?P<rest>.*)$",
            re.S,
        ),
    ),
    (
        "chuong",
        re.compile(
            r"^(?:CHƯƠNG|Chương)\s+(?P<num>" + _ROMAN + r"|\d{1,2})\b[.:]?\s*(?P<rest>.*)$", re.S
        ),
    ),
    ("muc", re.compile(r"^(?:MỤC|Mục)\s+(?P<num>\d{1,2})\b[.:]?\s*(?P<rest>.*)$", re.S)),
    ("dieu", re.compile(r"^(?:ĐIỀU|Điều)\s+(?P<num>\d{1,3}[a-zđ]?)\s*[.:]\s*(?P<rest>.*)$", re.S)),
    (
        "appendix",
        re.compile(
            r"^(?:PHỤ LỤC|Phụ lục)(?:\s+(?:số\s+)?(?P<num>"
            + _ROMAN
            + r"|\d{1,2}[a-z]?))?\b[.:]?\s*(?P<rest>.*)$",
            re.S,
        ),
    ),
    ("roman", re.compile(r"^(?P<num>" + _ROMAN + r")\s*[.)]\s+(?P<rest>.*)$", re.S)),
    ("multi", re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(?P<rest>.*)$", re.S)),
    ("arabic", re.compile(r"^(?P<num>\d{1,2})\s*\.\s+(?P<rest>.*)$", re.S)),
    ("arabic_paren", re.compile(r"^\(?(?P<num>\d{1,2})\)\s+(?P<rest>.*)$", re.S)),
    ("letter", re.compile(r"^(?P<num>[a-zđ])\s*\)\s+(?P<rest>.*)$", re.S)),
]

# A bullet is followed by text, not by more dashes (a rule line "--------" is no item).
BULLET_RE = re.compile(r"^(?P<mark>[-+•*·–—▪◦○●])\s*(?=[^\s\-–—_=.*])")
BASIS_RE = re.compile(
    r"^(?:Căn cứ|Thực hiện|Theo đề nghị|Xét|Trên cơ sở|Theo chỉ đạo|Triển khai)\b"
)
ENACTING_RE = re.compile(r"^(?:QUYẾT ĐỊNH|QUYẾT NGHỊ|CHỈ THỊ|NGHỊ QUYẾT)\s*:\s*$")
SIGNATURE_CAPACITY_RE = re.compile(r"^(?P<cap>TM|KT|Q|TL|TUQ|T/M|K/T)\s*\.?\s+(?=\S)")
RULE_LINE_RE = re.compile(r"^[-_=–—.*·\s]{3,}$")

# Tên loại văn bản (Phụ lục III), with the codes used in the report JSON.
DOC_TYPES: dict[str, str] = {
    "KẾ HOẠCH": "ke_hoach",
    "NGHỊ QUYẾT": "nghi_quyet",
    "QUYẾT ĐỊNH": "quyet_dinh",
    "BÁO CÁO": "bao_cao",
    "THÔNG BÁO": "thong_bao",
    "TỜ TRÌNH": "to_trinh",
    "CHỈ THỊ": "chi_thi",
    "HƯỚNG DẪN": "huong_dan",
    "CHƯƠNG TRÌNH": "chuong_trinh",
    "ĐỀ ÁN": "de_an",
    "DỰ ÁN": "du_an",
    "PHƯƠNG ÁN": "phuong_an",
    "QUY ĐỊNH": "quy_dinh",
    "QUY CHẾ": "quy_che",
    "HƯƠNG ƯỚC": "huong_uoc",
    "QUY ƯỚC": "quy_uoc",
    "CÔNG VĂN": "cong_van",
    "KẾT LUẬN": "ket_luan",
    "BIÊN BẢN": "bien_ban",
    "CÔNG ĐIỆN": "cong_dien",
    "GIẤY MỜI": "giay_moi",
    "THÔNG TRI": "thong_tri",
    "HƯỚNG DẪN LIÊN NGÀNH": "huong_dan",
}

_TYPE_LINE_RE = re.compile(
    r"^(?:DỰ THẢO\s+)?(?P<type>" + "|".join(sorted(DOC_TYPES, key=len, reverse=True)) + r")\s*$"
)


def doc_type_of_line(text: str) -> str | None:
    """Return the type code if the line is a document-type line ("KẾ HOẠCH"), else None."""
    if len(text) > 40 or not text[:1].isupper():
        return None
    m = _TYPE_LINE_RE.match(text.strip().rstrip("."))
    return DOC_TYPES[m.group("type")] if m else None


# Any line starting with one of these begins a new paragraph (bullets are handled apart,
# since "kinh tế\n- xã hội" is a wrapped phrase, not an item).
LINE_MARKER_RE = re.compile(
    "|".join(
        [
            r"(?:PHẦN|Phần)\s+(?:THỨ|thứ|" + _ROMAN + r"\b|\d)",
            r"(?:CHƯƠNG|Chương)\s+(?:" + _ROMAN + r"|\d{1,2})\b",
            r"(?:MỤC|Mục)\s+\d{1,2}\b",
            r"(?:ĐIỀU|Điều)\s+\d{1,3}[a-zđ]?\s*[.:]",
            r"(?:PHỤ LỤC|Phụ lục)\b",
            _ROMAN + r"\s*[.)]\s",
            r"\d{1,2}(?:\.\d{1,2}){1,3}\.?\s",
            r"\d{1,2}\s*\.\s",
            r"\(?\d{1,2}\)\s",
            r"[a-zđ]\s*\)\s",
            r"(?:Căn cứ|Thực hiện|Theo đề nghị|Xét|Trên cơ sở)\s",
            r"(?:Nơi nhận|Kính gửi)\s*:",
            r"(?:TM|KT|TL|TUQ|Q)\.\s*\S",
            r"(?:QUYẾT ĐỊNH|QUYẾT NGHỊ)\s*:",
            r"Số\s*:",
            r"V/v\s",
        ]
    )
)
