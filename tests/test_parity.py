"""The same document as TXT, DOCX and PDF: same paragraphs, same findings, each located in its
own format's terms (line of the file; Word paragraph or table cell; PDF page and line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen import write_docx, write_pdf, write_txt
from gender_mainstream import parse_file, review_file

SAMPLE = Path(__file__).resolve().parents[1] / "corpora" / "ke-hoach-viec-lam-xa-an-binh-2025.txt"


def _paragraphs() -> list[str]:
    lines = [line.strip() for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not set(line) <= set("-")]


@pytest.fixture(scope="module")
def three_formats(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("parity")
    paras = _paragraphs()
    return {
        "txt": write_txt(paras, d / "ke-hoach.txt"),
        "docx": write_docx(paras, d / "ke-hoach.docx"),
        "pdf": write_pdf(paras, d / "ke-hoach.pdf"),
    }


def test_formats_yield_the_same_paragraphs(three_formats: dict[str, Path]) -> None:
    texts = {k: [p.text for p in parse_file(v).paragraphs] for k, v in three_formats.items()}
    assert texts["txt"] == _paragraphs()
    assert texts["docx"] == texts["txt"]
    assert texts["pdf"] == texts["txt"]


def test_formats_yield_the_same_structure(three_formats: dict[str, Path]) -> None:
    docs = {k: parse_file(v) for k, v in three_formats.items()}
    outlines = {k: [(s.path, s.title) for s in d.iter_sections()] for k, d in docs.items()}
    assert outlines["docx"] == outlines["txt"] == outlines["pdf"]
    metas = {
        k: d.metadata.model_dump(include={"doc_type", "number", "date", "issuer", "title"})
        for k, d in docs.items()
    }
    assert metas["docx"] == metas["txt"] == metas["pdf"]
    assert docs["pdf"].metadata.pages == 3


def test_formats_yield_the_same_findings_located_in_own_terms(
    three_formats: dict[str, Path],
) -> None:
    reports = {k: review_file(v) for k, v in three_formats.items()}
    keys = {
        k: [(f.rule_id, f.text, f.location.section) for f in r.findings] for k, r in reports.items()
    }
    assert [k for k in keys["txt"] if k[1] is not None] == [
        ("GM-DIS-001", "chỉ tuyển nam", "II.1.2.a"),
        ("GM-PRO-001", "ưu tiên lao động nữ", "II.1.2.b"),
        ("GM-STE-003", "trụ cột gia đình", "II.3"),
    ]
    assert keys["docx"] == keys["txt"] == keys["pdf"]
    for r in reports.values():  # keep the findings that quote the text, in text order
        r.findings[:] = [f for f in r.findings if f.text is not None]

    paras = _paragraphs()
    target = next(i for i, p in enumerate(paras) if "chỉ tuyển nam" in p)
    t, d, p = (reports[k].findings[0].location for k in ("txt", "docx", "pdf"))
    # TXT: one paragraph per line, so the line of the file; no pages.
    assert (t.page, t.line, t.paragraph) == (None, target + 1, target + 1)
    # DOCX: the Word body paragraph, counted from 1; no lines or pages.
    assert (d.page, d.line, d.paragraph) == (None, None, target + 1)
    # PDF: a page and a line on that page.
    assert p.page is not None and p.page >= 1 and p.line is not None and p.line >= 1
    for fmt, report in reports.items():
        source = parse_file(three_formats[fmt]).source_text
        for f in report.findings:
            assert f.location.start is not None and f.location.end is not None
            # A phrase may wrap across PDF lines: the source span holds the line break.
            assert " ".join(source[f.location.start : f.location.end].split()) == f.text, fmt


def test_pdf_line_of_finding_is_the_printed_line(three_formats: dict[str, Path]) -> None:
    import pypdfium2 as pdfium

    report = review_file(three_formats["pdf"])
    f = next(f for f in report.findings if f.text is not None)
    pdf = pdfium.PdfDocument(str(three_formats["pdf"]))
    try:
        page_text = pdf[f.location.page - 1].get_textpage().get_text_range()  # type: ignore[operator]
    finally:
        pdf.close()
    line = page_text.splitlines()[f.location.line - 1]  # type: ignore[operator]
    assert f.text is not None and f.text.split()[0] in line


def test_docx_table_cells_and_headers_are_located(tmp_path: Path) -> None:
    paras = ["KẾ HOẠCH", "Hỗ trợ việc làm năm 2025", "I. NỘI DUNG", "1. Tuyển dụng lao động."]
    table = [["Vị trí", "Yêu cầu"], ["Bảo vệ", "Chỉ tuyển nam, tuổi từ 20 đến 40."]]
    path = write_docx(
        paras, tmp_path / "t.docx", table=table, header="Dự thảo lần 2", footer="Trang 1"
    )
    doc = parse_file(path)
    texts = [p.text for p in doc.paragraphs]
    assert "Chỉ tuyển nam, tuổi từ 20 đến 40." in texts
    assert "Dự thảo lần 2" in texts and "Trang 1" in texts
    report = review_file(path)
    f = next(f for f in report.findings if f.rule_id == "GM-DIS-001")
    assert f.text == "Chỉ tuyển nam"
    assert (f.location.table, f.location.row, f.location.cell, f.location.paragraph) == (1, 2, 2, 1)
    header = next(p for p in doc.paragraphs if p.text == "Dự thảo lần 2")
    assert header.location.part == "header" and header.kind == "page_header"
