"""The draft back with Word comments: anchored on exactly the finding's words, input untouched."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from docgen import write_pdf, write_txt
from gender_mainstream import parse_file, review_document
from gender_mainstream.errors import InputError
from gender_mainstream.report.annotate import AUTHOR, annotate_docx
from test_cli import cli

RANGE_RE = re.compile(
    r'<w:commentRangeStart w:id="(\d+)"/>(.*?)<w:commentRangeEnd w:id="\1"/>', re.S
)


def _anchored(path: Path) -> dict[int, str]:
    """Return comment id -> the text between its range markers."""
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    return {
        int(m.group(1)): "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", m.group(2)))
        for m in RANGE_RE.finditer(xml)
    }


def _draft(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("ỦY BAN NHÂN DÂN XÃ AN BÌNH")
    d.add_paragraph("Số: 86/KH-UBND")
    d.add_paragraph("An Bình, ngày 12 tháng 3 năm 2025")
    d.add_paragraph("KẾ HOẠCH")
    d.add_paragraph("Giải quyết việc làm cho lao động nông thôn năm 2025")
    d.add_paragraph("I. NỘI DUNG")
    p = d.add_paragraph()
    p.add_run("1. Vị trí bảo vệ: ").bold = True
    p.add_run("chỉ ")
    p.add_run("tuyển nam").italic = True
    p.add_run(", tuổi từ 20 đến 40.")
    d.add_paragraph("2. Hỗ trợ hộ có người chồng là trụ cột gia đình bị mất việc làm.")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Vị trí"
    table.cell(0, 1).text = "Yêu cầu"
    table.cell(1, 0).text = "Lái xe"
    table.cell(1, 1).text = "Ứng viên phải là nam, có bằng lái hạng C."
    d.add_paragraph("II. TỔ CHỨC THỰC HIỆN")
    d.add_paragraph("Công chức Văn hóa - Xã hội tổng hợp, báo cáo kết quả.")
    d.save(str(path))
    return path


def test_docx_copy_has_a_comment_on_each_finding(tmp_path: Path) -> None:
    src = _draft(tmp_path / "du-thao.docx")
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    document = parse_file(src)
    report = review_document(document)
    spans = sorted((f.rule_id, f.text) for f in report.findings if f.text is not None)
    assert spans == [
        ("GM-DIS-001", "chỉ tuyển nam"),  # across a plain and an italic run
        ("GM-DIS-001", "Ứng viên phải là nam"),  # in a table cell
        ("GM-STE-003", "trụ cột gia đình"),
    ]
    out = tmp_path / "du-thao.gm.docx"
    result = annotate_docx(document, report, src, out)
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before  # input untouched

    anchored = _anchored(out)
    comments = {c.comment_id: c for c in docx.Document(str(out)).comments}
    assert len(comments) == result.anchored + 1  # + the summary on the title
    assert all(c.author == AUTHOR for c in comments.values())
    texts = sorted(anchored.values())
    expected = sorted(f.text for f in report.findings if f.text is not None)
    title = "Giải quyết việc làm cho lao động nông thôn năm 2025"
    assert sorted(t for t in texts if t != title) == expected
    assert title in texts  # document-level findings and the scorecard
    for cid, text in anchored.items():
        body = comments[cid].text
        if text == title:
            assert "Kết quả rà soát lồng ghép" in body and "Dự báo tác động" in body
        else:
            f = next(f for f in report.findings if f.text == text)
            assert f.rule_id in body and "Căn cứ:" in body and "Gợi ý:" in body

    # The split runs keep their formatting: bold label, plain "chỉ ", italic "tuyển nam".
    p = next(p for p in docx.Document(str(out)).paragraphs if "chỉ tuyển nam" in p.text)
    assert p.text == "1. Vị trí bảo vệ: chỉ tuyển nam, tuổi từ 20 đến 40."
    runs = [(r.text, r.bold, r.italic) for r in p.runs]
    assert ("1. Vị trí bảo vệ: ", True, None) in runs
    assert ("tuyển nam", None, True) in runs


def test_txt_and_pdf_inputs_get_a_new_commented_docx(tmp_path: Path) -> None:
    lines = [
        "ỦY BAN NHÂN DÂN XÃ AN BÌNH",
        "KẾ HOẠCH",
        "Giải quyết việc làm năm 2025",
        "I. NỘI DUNG",
        "1. Vị trí bảo vệ: chỉ tuyển nam, tuổi từ 20 đến 40.",
        "2. Hỗ trợ hộ có người chồng là trụ cột gia đình bị mất việc làm.",
    ]
    for src in (write_txt(lines, tmp_path / "k.txt"), write_pdf(lines, tmp_path / "k.pdf")):
        document = parse_file(src)
        report = review_document(document)
        out = tmp_path / f"{src.stem}-{src.suffix[1:]}.docx"
        result = annotate_docx(document, report, src, out)
        anchored = sorted(_anchored(out).values())
        assert "chỉ tuyển nam" in anchored and "trụ cột gia đình" in anchored
        assert result.anchored == 2
        paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
        assert lines[4] in paragraphs


def test_annotate_refuses_to_overwrite_the_input(tmp_path: Path) -> None:
    src = _draft(tmp_path / "du-thao.docx")
    document = parse_file(src)
    with pytest.raises(InputError):
        annotate_docx(document, review_document(document), src, src)


def test_cli_annotate_and_libreoffice_opens_it(tmp_path: Path) -> None:
    src = _draft(tmp_path / "du-thao.docx")
    out = tmp_path / "gop-y.docx"
    proc = cli("review", str(src), "--annotate", str(out), "--fail-on", "never")
    assert proc.returncode == 0, proc.stderr
    assert "comments on the text" in proc.stderr and out.is_file()
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed: the .docx was checked with python-docx only")
    profile = tmp_path / "lo-profile"
    conv = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert conv.returncode == 0, conv.stderr
    assert (tmp_path / "gop-y.pdf").stat().st_size > 1000
