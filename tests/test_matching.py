"""Matching on canonical text: whatever form the input takes, the same phrase matches, and the
finding points at the original characters."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from gender_mainstream import review_file, review_text
from gender_mainstream.ingest.txt import decode_text


def _found(text: str) -> list[tuple[str, str | None]]:
    return [(f.rule_id, f.text) for f in review_text(text).findings]


def test_nfd_input_matches_and_offsets_point_at_nfd_source() -> None:
    sentence = "Nam giới là trụ cột gia đình nên được ưu tiên vay vốn."
    nfd = unicodedata.normalize("NFD", sentence)
    assert nfd != sentence
    report = review_text(nfd)
    assert [(f.rule_id, f.text) for f in report.findings] == [("GM-STE-003", "trụ cột gia đình")]
    loc = report.findings[0].location
    assert loc.start is not None and loc.end is not None
    assert unicodedata.normalize("NFC", nfd[loc.start : loc.end]) == "trụ cột gia đình"


@pytest.mark.parametrize(
    "variant",
    [
        "Phụ nữ cần làm tốt thiên chức làm vợ, làm mẹ.",  # traditional tone placement
        "Phụ nữ cần làm tốt thiên chức làm vợ, làm mẹ.".replace("ụ", "ụ"),
        "PHỤ NỮ CẦN LÀM TỐT THIÊN CHỨC LÀM VỢ, LÀM MẸ.",  # a heading in capitals
    ],
)
def test_case_and_tone_variants_match(variant: str) -> None:
    assert [r for r, _ in _found(variant)] == ["GM-STE-002"]


def test_old_and_new_tone_styles_match_the_same_rule(tmp_path: Path) -> None:
    # A rule written in one style ("hòa") must match text in the other ("hoà") and back.
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "GM-TER-901-test.yaml").write_text(
        """schema_version: 1
id: GM-TER-901
name: test
type: lexicon
category: terminology
severity: info
message: "Thuật ngữ '{match}' cần thống nhất."
terms: ["hòa giải viên nữ", "ủy viên nữ"]
examples:
  flag: ["Bầu [[hòa giải viên nữ]] tại thôn."]
  pass: ["Bầu hòa giải viên tại thôn."]
""",
        encoding="utf-8",
    )
    text = "Tổ hoà giải bầu hoà giải viên nữ; Uỷ ban bầu uỷ viên nữ."
    report = review_text(text, rules=[rules])
    got = [(f.rule_id, f.text) for f in report.findings if f.rule_id == "GM-TER-901"]
    # The finding quotes the canonical text; its offsets point at the original spelling.
    assert got == [("GM-TER-901", "hòa giải viên nữ"), ("GM-TER-901", "ủy viên nữ")]
    f = report.findings[0]
    assert text[f.location.start : f.location.end] == "hoà giải viên nữ"  # type: ignore[misc]


def _pdf_with_lines(path: Path, lines: list[str], centred: int = 0) -> Path:
    """A PDF whose lines break exactly where given; the first `centred` lines are a title."""
    from fpdf import FPDF

    from docgen import font_path

    pdf = FPDF(format="A4")
    pdf.add_font("vn", "", str(font_path()))
    pdf.set_font("vn", size=13)
    pdf.add_page()
    for k, line in enumerate(lines):
        pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT", align="C" if k < centred else "L")
    pdf.output(str(path))
    return path


def test_phrase_split_over_a_pdf_line_wrap_matches(tmp_path: Path) -> None:
    lines = [
        "KẾ HOẠCH",
        "Hỗ trợ vay vốn năm 2025",
        "Ngân hàng Chính sách xã hội phối hợp giải ngân vốn vay, ưu tiên hộ có người chồng là trụ",
        "cột gia đình bị mất việc làm do doanh nghiệp thu hẹp sản xuất.",
    ]
    path = _pdf_with_lines(tmp_path / "wrap.pdf", lines, centred=2)
    from gender_mainstream import parse_file

    doc = parse_file(path)
    assert doc.paragraphs[-1].text == lines[2] + " " + lines[3]
    hits = [f for f in review_file(path).findings if f.rule_id == "GM-STE-003"]
    assert [f.text for f in hits] == ["trụ cột gia đình"]
    loc = hits[0].location
    span = doc.source_text[loc.start : loc.end]  # type: ignore[misc]
    assert span.startswith("trụ") and "\n" in span and span.endswith("cột gia đình")
    assert (loc.page, loc.line) == (1, 3)  # the line where the phrase starts


def test_seed_style_wrap_inside_a_phrase_matches() -> None:
    text = (
        "- Hỗ trợ các hộ có người chồng là trụ cột \n\ngia đình bị mất việc làm do thiên tai, "
        "dịch bệnh; \n\n- Ưu tiên người \n\nthuộc hộ nghèo. \n\n" * 3
    )
    hits = [f for f in review_text(text).findings if f.rule_id == "GM-STE-003"]
    assert len(hits) == 3
    assert {" ".join(text[f.location.start : f.location.end].split()) for f in hits} == {  # type: ignore[misc]
        "trụ cột gia đình"
    }


@pytest.mark.parametrize(
    "text",
    [
        "Đơn vị chỉ tuyển Nam Định và Thái Bình làm địa bàn thí điểm.",  # place name
        "Giao ông Nguyễn Văn Nam chỉ tuyển Nam Bộ làm vùng dự án.",
        "CÔNG TY CHỈ TUYỂN NAM ĐỊNH LÀM ĐỊA BÀN THÍ ĐIỂM.",  # heading in capitals: exception list
    ],
)
def test_nam_as_name_or_place_is_not_male(text: str) -> None:
    assert [r for r, _ in _found(text)] == []


def test_nam_as_male_is_found_at_sentence_start_and_after_colon() -> None:
    got = _found("Vị trí bảo vệ: Chỉ tuyển nam. Chỉ tuyển nữ cho vị trí văn thư.")
    assert got == [("GM-DIS-001", "Chỉ tuyển nam"), ("GM-DIS-001", "Chỉ tuyển nữ")]


def test_matches_never_start_inside_a_word() -> None:
    # "phái yếu" must not match inside "phái yếuu" or across "phái\u00a0yếu" oddities.
    assert _found("Các phái yếuu tố.") == []
    assert [r for r, _ in _found("Công việc không phù hợp với phái\u00a0yếu.")] == ["GM-STE-004"]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Cộng hòa xã hội chủ nghĩa Việt Nam".encode("utf-16"), "utf-16"),
        ("Cộng hòa xã hội chủ nghĩa Việt Nam".encode("utf-16-le"), "utf-16-le"),
        ("Cộng hòa xã hội chủ nghĩa Việt Nam".encode("utf-8-sig"), "utf-8-sig"),
        # Windows-1258: vowels with hats and horns precomposed, tone marks combining
        (
            b"C\xf4\xf2ng ho\xcca xa\xde h\xf4\xf2i chu\xd2 nghi\xdea Vi\xea\xf2t Nam",
            "windows-1258",
        ),
    ],
)
def test_text_encodings_are_detected(data: bytes, encoding: str) -> None:
    text, name = decode_text(data, "<t>")
    assert name == encoding
    assert unicodedata.normalize("NFC", text) == "Cộng hòa xã hội chủ nghĩa Việt Nam"


@pytest.mark.parametrize(
    ("legacy", "name"),
    [
        # TCVN3 (ABC, .VnTime fonts) as Windows-1252 bytes
        (
            "Céng hoµ x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc\n"
            "Nam giíi lµ trô cét gia ®×nh nªn ®­îc ­u tiªn vay vèn.\n",
            "tcvn3",
        ),
        # VNI (VNI-Times fonts)
        (
            "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam\nÑoäc laäp - Töï do - Haïnh phuùc\n"
            "Nam giôùi laø truï coät gia ñình neân ñöôïc öu tieân vay voán.\n",
            "vni",
        ),
    ],
)
def test_legacy_encodings_are_converted_and_reviewed(
    tmp_path: Path, legacy: str, name: str
) -> None:
    path = tmp_path / "cu.txt"
    path.write_bytes(legacy.encode("cp1252"))
    report = review_file(path)
    assert report.document.encoding is not None and report.document.encoding.startswith(name)
    assert [(f.rule_id, f.text) for f in report.findings] == [("GM-STE-003", "trụ cột gia đình")]
    assert any(e.code == "GM-W110" for e in report.errors)
