"""Normalization: canonical text, the offset map back to the source, paragraph rebuilding."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gender_mainstream.ingest import read_bytes
from gender_mainstream.normalize import OffsetMap, canonicalize, normalize
from gender_mainstream.vi import canon_tones, fold


def _norm(text: str) -> tuple[str, list[str], object]:
    raw = read_bytes(text.encode("utf-8"), "<t>")
    n = normalize(raw)
    return n.text, [n.text[p.start : p.end] for p in n.paragraphs], n


# --- vi helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_", "expected"),
    [
        ("Hoà bình", "Hòa bình"),
        ("Uỷ ban", "Ủy ban"),
        ("UỶ BAN", "ỦY BAN"),
        ("khoẻ mạnh", "khỏe mạnh"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("toạ đàm", "tọa đàm"),
        ("qúy", "quý"),
        # unchanged: closed syllables, qu+y, other vowels
        ("hoàng", "hoàng"),
        ("kế hoạch", "kế hoạch"),
        ("quý", "quý"),
        ("quỷ", "quỷ"),
        ("khuyến khích", "khuyến khích"),
        ("ngoài", "ngoài"),
        ("của", "của"),
    ],
)
def test_canon_tones_moves_marks_of_open_syllables_only(given_: str, expected: str) -> None:
    assert canon_tones(given_) == expected
    assert len(canon_tones(given_)) == len(given_)


@pytest.mark.parametrize(
    ("given_", "expected"),
    [("Bình Đẳng GIỚI", "binh dang gioi"), ("đằng", "dang"), ("Ủy ban", "uy ban")],
)
def test_fold_strips_marks_and_d_one_for_one(given_: str, expected: str) -> None:
    assert fold(given_) == expected


def test_canonicalize_nfd_lookalikes_and_spaces() -> None:
    nfd = unicodedata.normalize("NFD", "Uỷ ban nhân dân")
    assert canonicalize(nfd) == "Ủy ban nhân dân"
    assert canonicalize("kinh\u00a0tế \u2013 xã hội") == "kinh tế - xã hội"
    assert canonicalize("\u00d0iều 1") == "Điều 1"  # Icelandic eth posing as Đ
    assert canonicalize("bình\u200b đẳng") == "bình đẳng"


# --- OffsetMap ----------------------------------------------------------------------------


def test_offset_map_copy_replace_and_deletion() -> None:
    m = OffsetMap()
    m.copy(0, 3)  # "abc" from src[0:3]
    m.replace(1, 3, 5)  # one char standing for src[3:5]
    m.copy(7, 2)  # src[5:7] deleted
    assert m.length == 6
    assert [m.start(c) for c in range(6)] == [0, 1, 2, 3, 7, 8]
    assert m.end(4) == 5  # after the replaced char: end of its source range
    assert m.span(3, 4) == (3, 5)
    assert m.span(4, 6) == (7, 9)
    assert m.span(2, 5) == (2, 8)


_ALPHABET = [
    *"abcdeghiklmnoqrstuvxy ",
    "á",
    "à",
    "ả",
    "ã",
    "ạ",
    "ơ",
    "ư",
    "đ",
    "Đ",
    "ế",
    "ộ",
    "Ủ",
    "ỷ",
    "oà",
    "uỷ",
    "\u0301",
    "\u0300",
    "\u0323",  # combining marks: NFD input
    "\u00a0",
    "\u200b",
    "\t",
    "  ",
    "\u2013",
    "\u00d0",
    "\n",
    "\n\n",
    "\r\n",
    " \n",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), min_size=1, max_size=60))
def test_offset_map_points_every_span_back_at_its_source(pieces: list[str]) -> None:
    """For every canonical span, the mapped source span canonicalizes to the same text.

    Compared diacritic-folded: where a tone mark sits depends on the letters after a span
    ("hoà" alone becomes "hòa", inside "hoàng" it stays), which a substring cannot see.
    """
    source = "x" + "".join(pieces) + "y"  # letters at both ends keep the text non-empty
    raw = read_bytes(source.encode("utf-8"), "<t>")
    n = normalize(raw)
    smap = n.source_map.omap
    text = n.text
    squeeze = " ".join
    previous = -1
    for c in range(len(text)):
        s = smap.start(c)
        assert s >= previous  # monotone
        previous = s
        assert 0 <= s <= len(raw.text)

    def on_boundary(i: int) -> bool:  # findings start and end on whole characters
        return i >= len(text) or not unicodedata.combining(text[i])

    for a in range(len(text)):
        for b in range(a + 1, min(len(text), a + 8) + 1):
            if not (on_boundary(a) and on_boundary(b)):
                continue
            s0, s1 = smap.span(a, b)
            back = fold(canonicalize(raw.text[s0:s1]))
            want = fold(text[a:b])
            # Joined line breaks and collapsed spaces are one space in the canonical text.
            assert squeeze(back.split()) == squeeze(want.split()), (a, b, want, raw.text[s0:s1])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), min_size=1, max_size=80))
def test_normalize_output_is_nfc_and_tone_canonical(pieces: list[str]) -> None:
    text, _, _ = _norm("Đ" + "".join(pieces) + "a")
    assert unicodedata.is_normalized("NFC", text)
    assert canon_tones(text) == text
    assert "\u200b" not in text and "\u00a0" not in text


# --- paragraph rebuilding -----------------------------------------------------------------


def test_unwrap_pdf_style_every_line_followed_by_blank_line() -> None:
    # The seed plan's shape: wrapped mid-sentence, a blank line after every line.
    src = (
        "1. Mục đích \n\n"
        "- Tăng cường sự lãnh đạo, chỉ đạo của các cấp ủy Đảng, chính quyền; phát \n\n"
        "huy vai trò phối hợp của các cơ quan trong thực hiện Chiến lược quốc gia về \n\n"
        "bình đẳng giới giai đoạn 2021-2030. \n\n- Nâng cao hiệu quả quản lý nhà nước \n\n"
        "trong lĩnh vực bình đẳng giới. \n\n"
    ) * 2
    _, paras, _ = _norm(src)
    assert paras[:3] == [
        "1. Mục đích",
        "- Tăng cường sự lãnh đạo, chỉ đạo của các cấp ủy Đảng, chính quyền; phát huy vai trò "
        "phối hợp của các cơ quan trong thực hiện Chiến lược quốc gia về bình đẳng giới giai "
        "đoạn 2021-2030.",
        "- Nâng cao hiệu quả quản lý nhà nước trong lĩnh vực bình đẳng giới.",
    ]


def test_unwrap_web_copy_blank_lines_separate_and_newlines_wrap() -> None:
    src = (
        "Căn cứ Nghị quyết số\n28/NQ-CP ngày 03 tháng 3 năm 2021 của Chính phủ;\n\n"
        "Căn cứ Quyết định số\n2232/QĐ-TTg ngày 28 tháng 12 năm 2020;\n\n"
        "I. MỤC\nĐÍCH, YÊU CẦU\n\n1. Mục đích\n\n"
        "- Tăng cường sự lãnh đạo, chỉ\nđạo của các cấp ủy.\n\n"
    )
    _, paras, _ = _norm(src)
    assert paras == [
        "Căn cứ Nghị quyết số 28/NQ-CP ngày 03 tháng 3 năm 2021 của Chính phủ;",
        "Căn cứ Quyết định số 2232/QĐ-TTg ngày 28 tháng 12 năm 2020;",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "- Tăng cường sự lãnh đạo, chỉ đạo của các cấp ủy.",
    ]


def test_unwrap_one_paragraph_per_line() -> None:
    lines = [
        "Các cơ quan, đơn vị triển khai thực hiện Kế hoạch này theo chức năng, nhiệm vụ được giao.",
        "Phòng Nội vụ tổng hợp, báo cáo kết quả thực hiện trước ngày 15 tháng 12 năm 2025.",
        "Phòng Tài chính - Kế hoạch bố trí kinh phí thực hiện các nhiệm vụ theo quy định.",
        "Ủy ban nhân dân các xã, thị trấn tổ chức thực hiện tại địa phương.",
        "Trung tâm Văn hóa huyện tăng cường tuyên truyền về bình đẳng giới.",
        "Đề nghị Hội Liên hiệp Phụ nữ huyện phối hợp thực hiện.",
    ]
    _, paras, _ = _norm("\n".join(lines) + "\n")
    assert paras == lines


def test_unwrap_keeps_header_blocks_apart() -> None:
    src = (
        "ỦY\nBAN NHÂN DÂN\nTỈNH LAI CHÂU\n--------\n\nCỘNG\nHÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\n---------------\n\nSố:\n84/2025/QĐ-UBND\n\n"
        "Lai\nChâu, ngày 28 tháng 11 năm 2025\n\nQUYẾT\nĐỊNH\nPHÂN CẤP TUYỂN DỤNG VIÊN CHỨC\n"
        "Căn cứ Luật Viên chức;\n"
        # The body of such a web copy wraps every few words, which is how the style is told.
        "Điều 1. Phạm vi điều\nchỉnh và đối tượng áp dụng\n1. Phạm vi điều chỉnh\n"
        "Quyết định này quy định\nvề phân cấp tuyển dụng viên chức, tiếp nhận vào viên\n"
        "chức, thăng hạng chức danh nghề nghiệp viên chức trong các đơn vị sự nghiệp\n"
        "công lập thuộc Ủy ban nhân dân cấp xã.\n"
    )
    _, paras, _ = _norm(src)
    assert paras[10:] == [
        "Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng",
        "1. Phạm vi điều chỉnh",
        "Quyết định này quy định về phân cấp tuyển dụng viên chức, tiếp nhận vào viên chức, "
        "thăng hạng chức danh nghề nghiệp viên chức trong các đơn vị sự nghiệp công lập thuộc "
        "Ủy ban nhân dân cấp xã.",
    ]
    assert paras[:10] == [
        "ỦY BAN NHÂN DÂN TỈNH LAI CHÂU",
        "--------",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "---------------",
        "Số: 84/2025/QĐ-UBND",
        "Lai Châu, ngày 28 tháng 11 năm 2025",
        "QUYẾT ĐỊNH",
        "PHÂN CẤP TUYỂN DỤNG VIÊN CHỨC",
        "Căn cứ Luật Viên chức;",
    ]


def test_unwrap_wrapped_compound_and_year_range_are_not_items() -> None:
    src = (
        "Phát triển kinh tế\n- xã hội của địa phương trong giai đoạn 2021\n- 2025;\n"
        "- Sở Nội vụ;\n- Lưu: VT.\n"
    )
    _, paras, _ = _norm(src)
    assert paras == [
        "Phát triển kinh tế - xã hội của địa phương trong giai đoạn 2021 - 2025;",
        "- Sở Nội vụ;",
        "- Lưu: VT.",
    ]


def test_line_joins_remember_source_lines() -> None:
    _, _, n = _norm("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n")
    p = n.paragraphs[0]  # type: ignore[attr-defined]
    text = n.text[p.start : p.end]  # type: ignore[attr-defined]
    # The position line starts a paragraph of its own, as in a Word signature block.
    assert text == "KT. CHỦ TỊCH"
    assert n.text.split("\n")[1] == "PHÓ CHỦ TỊCH"  # type: ignore[attr-defined]
