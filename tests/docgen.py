"""Build real .docx and .pdf files for tests and benchmarks (python-docx, fpdf2 + DejaVu)."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

__all__ = ["font_path", "write_docx", "write_pdf", "write_txt"]


def font_path(bold: bool = False) -> Path:
    """Return a TrueType font with Vietnamese glyphs (DejaVu, shipped in matplotlib's wheel)."""
    name = "DejaVuSerif-Bold.ttf" if bold else "DejaVuSerif.ttf"
    spec = importlib.util.find_spec("matplotlib")
    candidates = []
    if spec is not None and spec.submodule_search_locations:
        candidates.append(
            Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf" / name
        )
    candidates.append(Path("/usr/share/fonts/truetype/dejavu") / name)
    for c in candidates:
        if c.is_file():
            return c
    raise RuntimeError("no DejaVu font found: install the dev extras (pip install -e '.[dev]')")


def write_txt(paragraphs: Sequence[str], path: Path) -> Path:
    """One paragraph per line, as a Word 'Save as text' gives."""
    path.write_text("\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def _is_heading(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(not c.islower() for c in letters)


def write_docx(
    paragraphs: Sequence[str],
    path: Path,
    *,
    table: Sequence[Sequence[str]] | None = None,
    header: str | None = None,
    footer: str | None = None,
) -> Path:
    """Write paragraphs (capitalised ones bold and centred) and an optional table."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = docx.Document()
    for text in paragraphs:
        p = d.add_paragraph()
        run = p.add_run(text)
        if _is_heading(text):
            run.bold = True
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    if header is not None:
        d.sections[0].header.paragraphs[0].text = header
    if footer is not None:
        d.sections[0].footer.paragraphs[0].text = footer
    d.save(str(path))
    return path


def write_pdf(
    paragraphs: Sequence[str],
    path: Path,
    *,
    repeat: int = 1,
    page_numbers: bool = True,
    encrypt_password: str | None = None,
    font_size: int = 13,
) -> Path:
    """Lay paragraphs out as an official document would be: justified body with a first-line
    indent, centred capitalised headings, running page numbers. `repeat` copies the body to
    make long documents.
    """
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(30, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("vn", "", str(font_path()))
    pdf.add_font("vn", "B", str(font_path(bold=True)))
    if page_numbers:

        def footer_cb() -> None:
            pdf.set_y(-15)
            pdf.set_font("vn", size=10)
            pdf.cell(0, 8, str(pdf.page_no()), align="C")

        pdf.footer = footer_cb  # type: ignore[method-assign]
    pdf.add_page()
    line_h = font_size * 0.5
    for _ in range(repeat):
        for text in paragraphs:
            if _is_heading(text):
                pdf.set_font("vn", "B", font_size)
                pdf.multi_cell(0, line_h, text, align="C", new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.set_font("vn", "", font_size)
                pdf.set_x(pdf.l_margin)
                # First-line indent of about 1 cm, as Nghị định 30/2020 asks for.
                pdf.multi_cell(
                    0, line_h, "\u00a0" * 4 + text, align="J", new_x="LMARGIN", new_y="NEXT"
                )
            pdf.ln(2)
    if encrypt_password is not None:
        pdf.set_encryption(
            owner_password="owner-" + encrypt_password, user_password=encrypt_password
        )
    pdf.output(str(path))
    return path
