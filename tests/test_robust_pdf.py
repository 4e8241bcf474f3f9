"""PDF robustness: rotated pages, glyphs drawn out of order, scans too large to OCR.

* B9: a page stored with /Rotate 90 (or text drawn sideways on the page) reads in the same
  order, with the same metadata, sections, findings and (page, line) locations as upright.
* B10: letters drawn in a second pass (font fallback, as LibreOffice's export does) are put
  back in their words, with a GM-W122 warning; a page drawn in order is left alone.
* B11: `--ocr` on a page box metres wide does not render a gigabyte image, and a page that
  cannot be OCR'd is reported against that page (GM-W132 / GM-E132), never as "install
  Tesseract".

Every PDF is generated in the test (fpdf2 + DejaVu, pypdfium2 for rotation).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import gender_mainstream as gm
from docgen import write_pdf
from gender_mainstream.ingest import ocr as ocr_mod
from gender_mainstream.ingest import read_raw
from gender_mainstream.ingest.ocr import (
    OCR_MAX_PIXELS,
    OCR_MAX_SIDE_PX,
    OCR_MIN_DPI,
    OcrPageError,
    OcrUnavailableError,
    ocr_dpi,
)

SAMPLE = Path(__file__).resolve().parents[1] / "corpora" / "ke-hoach-viec-lam-xa-an-binh-2025.txt"
SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
CLI = [sys.executable, "-m", "gender_mainstream"]

HEADER = [
    "ỦY BAN NHÂN DÂN XÃ AN BÌNH",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Số: 86/KH-UBND",
    "KẾ HOẠCH",
    "Tuyển dụng lao động năm 2025",
]
BODY = [
    "I. MỤC ĐÍCH",
    "1. Tạo việc làm cho người lao động.",
    "II. NỘI DUNG",
    "1. Vị trí bảo vệ: chỉ tuyển nam giới.",
    "2. Phụ nữ là trụ cột gia đình.",
    "III. TỔ CHỨC THỰC HIỆN",
    "Ủy ban nhân dân xã tổ chức thực hiện.",
]


def _paragraphs() -> list[str]:
    lines = [line.strip() for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not set(line) <= set("-")]


def _sans() -> Path:
    if not SANS.is_file():
        pytest.skip(f"{SANS} is not installed")
    return SANS


def _rotate(src: Path, dst: Path, rotations: dict[int, int]) -> Path:
    """Copy `src` with /Rotate set on some pages (0-based index -> degrees)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(src)
    try:
        for index, degrees in rotations.items():
            pdf[index].set_rotation(degrees)
        pdf.save(dst)
    finally:
        pdf.close()
    return dst


def _sideways(src: Path, dst: Path, rotation: int) -> Path:
    """Draw each page of `src` turned a quarter on a page of swapped size, stored with
    /Rotate `rotation`: the landscape annex of a portrait document. With 90 or 270 the text
    stands upright when displayed; with 0 it runs down the displayed page."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(src)
    out = pdfium.PdfDocument.new()
    try:
        for i in range(len(source)):
            width, height = source[i].get_size()
            obj = source.page_as_xobject(i, out).as_pageobject()
            if rotation == 90:  # text runs up the stored page
                obj.transform(pdfium.PdfMatrix().rotate(90, ccw=True).translate(height, 0))
            else:  # text runs down the stored page
                obj.transform(pdfium.PdfMatrix().rotate(90, ccw=False).translate(0, width))
            page = out.new_page(height, width)
            page.insert_obj(obj)
            page.gen_content()
            page.set_rotation(rotation)
        out.save(dst)
    finally:
        out.close()
        source.close()
    return dst


def _located(report: gm.Report) -> list[tuple[str, str | None, str | None, int | None, int | None]]:
    return [
        (f.rule_id, f.text, f.location.section, f.location.page, f.location.line)
        for f in report.findings
        if f.text is not None
    ]


def _outline(doc: gm.Document) -> list[tuple[str, str | None]]:
    return [(s.path, s.title) for s in doc.iter_sections()]


def _meta(doc: gm.Document) -> dict[str, Any]:
    return doc.metadata.model_dump(include={"doc_type", "number", "date", "issuer", "title"})


def _quotes_match_source(path: Path, report: gm.Report) -> None:
    """Each finding's (start, end) span in the page text holds the quoted words."""
    source = gm.parse_file(path).source_text
    for f in report.findings:
        if f.text is None:
            continue
        assert f.location.start is not None and f.location.end is not None
        span = source[f.location.start : f.location.end]
        assert " ".join(span.split()).lower() == f.text.lower()
        page_text = source.split("\f")[f.location.page - 1]  # type: ignore[operator]
        page_start = sum(len(p) + 1 for p in source.split("\f")[: f.location.page - 1])  # type: ignore[operator]
        offset = f.location.start - page_start
        assert 0 <= offset < len(page_text)


# ------------------------------------------------------------------------------ B9


@pytest.fixture(scope="module")
def plan_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pdf(_paragraphs(), tmp_path_factory.mktemp("b9") / "ke-hoach.pdf")


@pytest.fixture(scope="module")
def upright(plan_pdf: Path) -> dict[str, Any]:
    doc = gm.parse_file(plan_pdf)
    report = gm.review_file(plan_pdf)
    raw = read_raw(plan_pdf)
    assert doc.metadata.doc_type == "ke_hoach" and doc.metadata.number == "86/KH-UBND"
    assert ("GM-DIS-001", "chỉ tuyển nam", "II.1.2.a") in [x[:3] for x in _located(report)]
    return {"doc": doc, "report": report, "raw": raw}


def _assert_reads_like(path: Path, upright: dict[str, Any]) -> None:
    doc = gm.parse_file(path)
    ref: gm.Document = upright["doc"]
    assert [p.text for p in doc.paragraphs][:6] == [p.text for p in ref.paragraphs][:6]
    assert [p.text for p in doc.paragraphs] == [p.text for p in ref.paragraphs]
    assert doc.metadata.doc_type == "ke_hoach"
    assert doc.metadata.number == "86/KH-UBND"
    assert _meta(doc) == _meta(ref)
    assert _outline(doc) == _outline(ref)
    report = gm.review_file(path)
    assert _located(report) == _located(upright["report"])
    _quotes_match_source(path, report)
    assert not [e for e in doc.errors if e.code == "GM-W122"]


@pytest.mark.parametrize("degrees", [0, 90, 180, 270])
def test_rotated_pages_read_top_to_bottom(
    plan_pdf: Path, upright: dict[str, Any], tmp_path: Path, degrees: int
) -> None:
    path = _rotate(plan_pdf, tmp_path / f"r{degrees}.pdf", dict.fromkeys(range(3), degrees))
    _assert_reads_like(path, upright)
    # Line boxes are those of the upright page, so indents and gaps read the same.
    raw, ref = read_raw(path), upright["raw"]
    assert raw.text == ref.text
    assert raw.line_geometry.keys() == ref.line_geometry.keys()
    for key, box in raw.line_geometry.items():
        assert box == pytest.approx(ref.line_geometry[key], abs=0.01)
    assert raw.page_widths == pytest.approx(ref.page_widths)


def test_one_rotated_page_in_a_portrait_document(
    plan_pdf: Path, upright: dict[str, Any], tmp_path: Path
) -> None:
    path = _rotate(plan_pdf, tmp_path / "mixed.pdf", {1: 90})
    _assert_reads_like(path, upright)
    report = gm.review_file(path)
    # The findings of the rotated page 2 keep their sections and lines.
    on_page_2 = [x for x in _located(report) if x[3] == 2]
    assert ("GM-DIS-001", "chỉ tuyển nam", "II.1.2.a") in [x[:3] for x in on_page_2]


@pytest.mark.parametrize("rotation", [90, 270, 0])
def test_landscape_annex_drawn_sideways(
    plan_pdf: Path, upright: dict[str, Any], tmp_path: Path, rotation: int
) -> None:
    path = _sideways(plan_pdf, tmp_path / f"sideways{rotation}.pdf", rotation)
    _assert_reads_like(path, upright)


def test_short_rotated_plan_gets_type_number_and_sections(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("D", "", str(_sans()))
    pdf.set_font("D", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, "\n".join(HEADER + BODY))
    pdf.output(str(tmp_path / "plan.pdf"))
    path = _rotate(tmp_path / "plan.pdf", tmp_path / "rot90.pdf", {0: 90})
    doc = gm.parse_file(path)
    assert doc.paragraphs[0].text.startswith("ỦY BAN NHÂN DÂN XÃ AN BÌNH")
    assert [p.text for p in doc.paragraphs][-1] == BODY[-1]
    assert doc.metadata.doc_type == "ke_hoach"
    assert doc.metadata.number == "86/KH-UBND"
    assert [s.path for s in doc.iter_sections()] == ["I", "I.1", "II", "II.1", "II.2", "III"]
    report = gm.review_file(path)
    sections = {f.rule_id: f.location.section for f in report.findings if f.text}
    assert sections["GM-DIS-001"] == "II.1"
    assert sections["GM-STE-003"] == "II.2"


# ------------------------------------------------------------------------------ B10


def _fallback_pdf(path: Path, lines: Sequence[str], *, second_pass: int) -> Path:
    """Draw each line's ASCII runs, then its other letters at their own x positions, once
    every `second_pass` lines (0: at the end of the page). PDFium sorts glyphs drawn before
    the next line starts by itself; the LibreOffice case (one text object holding all of a
    line's fallback glyphs) is tested with LibreOffice below."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("D", "", str(_sans()))
    pdf.set_font("D", size=12)
    later: list[tuple[float, float, str]] = []
    y = 20.0
    for line in lines:
        x, run, run_x = 20.0, "", 20.0
        for ch in line:
            if ch.isascii():
                if not run:
                    run_x = x
                run += ch
            else:
                if run:
                    pdf.text(run_x, y, run)
                    run = ""
                later.append((x, y, ch))
            x += pdf.get_string_width(ch)
        if run:
            pdf.text(run_x, y, run)
        if second_pass and lines.index(line) % second_pass == second_pass - 1:
            for lx, ly, ch in later:
                pdf.text(lx, ly, ch)
            later.clear()
        y += 8
    for lx, ly, ch in later:
        pdf.text(lx, ly, ch)
    pdf.output(str(path))
    return path


@pytest.mark.parametrize("second_pass", [0, 2, 5])
def test_fallback_glyphs_are_put_back_in_their_words(tmp_path: Path, second_pass: int) -> None:
    path = _fallback_pdf(tmp_path / "fallback.pdf", HEADER + BODY, second_pass=second_pass)
    doc = gm.parse_file(path)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "ỦY BAN NHÂN DÂN XÃ AN BÌNH"
    assert texts[1] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert "KẾ HOẠCH" in texts
    assert "1. Vị trí bảo vệ: chỉ tuyển nam giới." in texts
    assert texts[-1] == "Ủy ban nhân dân xã tổ chức thực hiện."
    assert doc.metadata.doc_type == "ke_hoach"
    assert doc.metadata.number == "86/KH-UBND"
    assert [s.path for s in doc.iter_sections()] == ["I", "I.1", "II", "II.1", "II.2", "III"]
    assert [(e.code, e.page) for e in doc.errors] == [("GM-W122", 1)]
    report = gm.review_file(path)
    found = {(f.rule_id, f.location.section) for f in report.findings if f.text}
    assert {("GM-DIS-001", "II.1"), ("GM-STE-003", "II.2")} <= found
    _quotes_match_source(path, report)
    # Lines are counted in the text as repaired: no line is left over for the late glyphs.
    raw = read_raw(path)
    assert raw.text.count("\n") == len(HEADER + BODY) - 1


def test_fallback_glyphs_on_a_rotated_page(tmp_path: Path) -> None:
    flat = _fallback_pdf(tmp_path / "flat.pdf", HEADER + BODY, second_pass=0)
    path = _rotate(flat, tmp_path / "rot.pdf", {0: 90})
    assert [p.text for p in gm.parse_file(path).paragraphs] == [
        p.text for p in gm.parse_file(flat).paragraphs
    ]
    sideways = _sideways(flat, tmp_path / "sideways.pdf", 90)
    doc = gm.parse_file(sideways)
    assert [p.text for p in doc.paragraphs] == [p.text for p in gm.parse_file(flat).paragraphs]
    assert doc.metadata.number == "86/KH-UBND"


def test_pages_drawn_in_order_are_left_alone(tmp_path: Path) -> None:
    from fpdf import FPDF

    # Words in alternating fonts (one text object each), and a header row whose right block
    # is drawn before its left block on the same baseline: both are in order for PDFium.
    pdf = FPDF()
    pdf.add_font("D", "", str(_sans()))
    pdf.add_font("S", "", str(Path(str(_sans()).replace("DejaVuSans", "DejaVuSerif"))))
    pdf.add_page()
    pdf.set_font("D", size=12)
    pdf.text(110, 20, "CỘNG HÒA XÃ HỘI")
    pdf.text(20, 20, "ỦY BAN NHÂN DÂN")
    y = 40.0
    for line in BODY:
        x = 20.0
        for k, word in enumerate(line.split(" ")):
            pdf.set_font("S" if k % 2 else "D", size=12)
            pdf.text(x, y, word)
            x += pdf.get_string_width(word + " ")
        y += 8
    pdf.output(str(tmp_path / "in-order.pdf"))
    raw = read_raw(tmp_path / "in-order.pdf")
    assert not raw.issues
    doc = gm.parse_file(tmp_path / "in-order.pdf")
    assert [p.text for p in doc.paragraphs][-len(BODY) :] == BODY
    # The sample plan as the other tests lay it out is in order too.
    parity = write_pdf(_paragraphs(), tmp_path / "parity.pdf")
    assert not [e for e in gm.parse_file(parity).errors if e.code == "GM-W122"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_export_with_font_fallback(tmp_path: Path) -> None:
    src = tmp_path / "ke-hoach.txt"
    shutil.copyfile(SAMPLE, src)
    proc = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    pdf = tmp_path / "ke-hoach.pdf"
    if proc.returncode != 0 or not pdf.is_file():
        pytest.skip(f"soffice could not convert: {proc.stderr.decode(errors='replace')[:200]}")
    want = _located(gm.review_file(src))
    report = gm.review_file(pdf)
    got = _located(report)
    assert [x[:3] for x in got] == [x[:3] for x in want]
    assert gm.parse_file(pdf).metadata.number == "86/KH-UBND"
    _quotes_match_source(pdf, report)


# ------------------------------------------------------------------------------ B11


def _scan_pdf(path: Path, page_pt: tuple[float, float], lines: Sequence[str] = ()) -> Path:
    """A page of `page_pt` points holding one image (text drawn into it, or blank)."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (2400, 150 + 110 * max(len(lines), 1)), 255)
    draw = ImageDraw.Draw(img)
    if lines:
        font = ImageFont.truetype(str(_sans()), 60)
        for i, line in enumerate(lines):
            draw.text((40, 40 + i * 110), line, fill=0, font=font)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    pdf = FPDF(unit="pt", format=page_pt)
    pdf.add_page()
    pdf.image(buf, 50, 50, min(page_pt[0] - 100, 2400))
    pdf.output(str(path))
    return path


def _text_then_scan(path: Path, scan_page_pt: tuple[float, float]) -> Path:
    """Page 1 has text; page 2 is an image on a page of `scan_page_pt` points."""
    from fpdf import FPDF
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (200, 100), 255).save(buf, format="PNG")
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("D", "", str(_sans()))
    pdf.set_font("D", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 16, "\n".join(HEADER + BODY))
    pdf.add_page(format=scan_page_pt)
    pdf.image(buf, 10, 10, 400)
    pdf.output(str(path))
    return path


def test_ocr_resolution_is_capped() -> None:
    a4 = (595.0, 842.0)
    assert ocr_dpi(*a4) == 300
    a0 = (2384.0, 3370.0)
    dpi = ocr_dpi(*a0)
    assert OCR_MIN_DPI <= dpi < 300
    w_px, h_px = a0[0] / 72 * dpi, a0[1] / 72 * dpi
    assert w_px * h_px <= OCR_MAX_PIXELS * 1.001 and max(w_px, h_px) <= OCR_MAX_SIDE_PX + 1
    narrow = (595.0, 50_000.0)  # a long strip: the side cap applies
    assert narrow[1] / 72 * ocr_dpi(*narrow) <= OCR_MAX_SIDE_PX + 1
    assert ocr_dpi(14_400.0, 14_400.0) < OCR_MIN_DPI  # the 5 m page of the report


@pytest.fixture
def fake_tesseract(monkeypatch: pytest.MonkeyPatch) -> Callable[[int, bytes], list[list[str]]]:
    """Pretend Tesseract is installed; make it exit with `code` and `stderr`."""
    calls: list[list[str]] = []

    def install(code: int, stderr: bytes) -> list[list[str]]:
        def run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
            calls.append(cmd)
            return subprocess.CompletedProcess(cmd, code, b"", stderr)

        monkeypatch.setattr(ocr_mod, "ocr_available", lambda: None)
        monkeypatch.setattr(ocr_mod.subprocess, "run", run)
        return calls

    return install


def test_huge_scan_is_refused_without_rendering(
    tmp_path: Path, fake_tesseract: Callable[[int, bytes], list[list[str]]]
) -> None:
    calls = fake_tesseract(0, b"")
    path = _scan_pdf(tmp_path / "huge.pdf", (14_400.0, 14_400.0))
    with pytest.raises(OcrPageError) as info:
        gm.parse_file(path, ocr=True)
    err = info.value
    assert err.code == "GM-E132" and err.exit_code == 2 and err.page_no == 1
    assert "page 1" in err.line() and "too large" in err.line()
    assert "install" not in err.line().lower()
    assert calls == []  # never rendered nor passed to tesseract
    with pytest.raises(gm.NeedsOcrError):  # without --ocr: the usual advice
        gm.parse_file(path)


def test_huge_scan_page_in_a_text_pdf_is_a_page_warning(
    tmp_path: Path, fake_tesseract: Callable[[int, bytes], list[list[str]]]
) -> None:
    fake_tesseract(0, b"")
    path = _text_then_scan(tmp_path / "annex.pdf", (14_400.0, 14_400.0))
    doc = gm.parse_file(path, ocr=True)
    [issue] = doc.errors
    assert (issue.code, issue.page, issue.level) == ("GM-W132", 2, "warning")
    assert "page 2" in issue.message and "too large" in issue.message
    assert "install" not in issue.message.lower()
    report = gm.review_document(doc)
    assert any(f.rule_id == "GM-DIS-001" and f.location.page == 1 for f in report.findings)


def test_tesseract_failing_on_a_page_is_not_reported_as_missing(
    tmp_path: Path, fake_tesseract: Callable[[int, bytes], list[list[str]]]
) -> None:
    calls = fake_tesseract(1, b"Error in pixCreateHeader: requested w = 60001, h = 60001\n")
    path = _text_then_scan(tmp_path / "annex.pdf", (595.0, 842.0))
    doc = gm.parse_file(path, ocr=True)
    [issue] = doc.errors
    assert (issue.code, issue.page) == ("GM-W132", 2)
    assert "pixCreateHeader" in issue.message and "install" not in issue.message.lower()
    assert calls and calls[0][-1] == "300"  # an A4 page is read at the full 300 dpi
    scan_only = _scan_pdf(tmp_path / "scan.pdf", (595.0, 842.0))
    with pytest.raises(OcrPageError, match="page 1 cannot be read by OCR"):
        gm.parse_file(scan_only, ocr=True)


def test_missing_language_data_still_says_install(
    tmp_path: Path, fake_tesseract: Callable[[int, bytes], list[list[str]]]
) -> None:
    fake_tesseract(1, b"Error opening data file /usr/share/tessdata/vie.traineddata\n")
    with pytest.raises(OcrUnavailableError, match="install"):
        gm.parse_file(_scan_pdf(tmp_path / "scan.pdf", (595.0, 842.0)), ocr=True)


def _need_tesseract() -> None:
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    if ocr_mod.ocr_available() is not None:
        pytest.skip(str(ocr_mod.ocr_available()))


def test_large_scan_is_read_at_a_capped_resolution(tmp_path: Path) -> None:
    _need_tesseract()
    # 88 cm square: 300 dpi would be 108 Mpx; it is read at about 180 dpi instead.
    path = _scan_pdf(
        tmp_path / "poster.pdf",
        (2500.0, 2500.0),
        ["KẾ HOẠCH", "Vị trí bảo vệ: chỉ tuyển nam giới."],
    )
    assert OCR_MIN_DPI <= ocr_dpi(2500.0, 2500.0) < 200
    doc = gm.parse_file(path, ocr=True)
    assert [(e.code, e.page) for e in doc.errors] == [("GM-W131", 1)]
    report = gm.review_document(doc)
    assert any(f.rule_id == "GM-DIS-001" for f in report.findings)


def test_cli_ocr_on_a_huge_scan_names_the_page(tmp_path: Path) -> None:
    _need_tesseract()
    path = _scan_pdf(tmp_path / "huge.pdf", (14_400.0, 14_400.0))
    proc = subprocess.run(
        [*CLI, "review", "--ocr", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert "GM-E132" in proc.stderr and "page 1" in proc.stderr and "too large" in proc.stderr
    assert "install" not in proc.stderr.lower() and "Traceback" not in proc.stderr
