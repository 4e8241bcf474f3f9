"""Readers: what each format contributes, and how damage inside a readable file is handled."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from docgen import write_docx, write_pdf
from gender_mainstream import parse_file, review_file, review_text


def test_pdf_damaged_page_is_skipped_with_a_warning_and_the_rest_read(tmp_path: Path) -> None:
    paras = [f"Đoạn {i}: tăng cường công tác bình đẳng giới trên địa bàn xã." for i in range(200)]
    data = bytearray(write_pdf(paras, tmp_path / "ok.pdf").read_bytes())
    page_dicts = [m.start() for m in re.finditer(rb"/Type /Page\b", data)]
    assert len(page_dicts) >= 5
    # Blank out the third page's dictionary: the file opens, that page cannot load.
    at = page_dicts[2]
    start = data.rfind(b"obj", 0, at) - 2
    data[start : at + 40] = b" " * (at + 40 - start)
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(bytes(data))
    doc = parse_file(damaged)
    assert [(e.code, e.page) for e in doc.errors] == [("GM-W121", 3)]
    texts = [p.text for p in doc.paragraphs]
    assert texts[0].startswith("Đoạn 0:") and texts[-1].startswith("Đoạn 199:")
    assert len(texts) < 200  # the third page's paragraphs are gone, the rest are there


def _rewrite_document_xml(path: Path, edit: object) -> None:
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    members["word/document.xml"] = edit(members["word/document.xml"].decode("utf-8")).encode()  # type: ignore[operator]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def test_docx_tracked_changes_read_as_the_draft_now_reads(tmp_path: Path) -> None:
    path = write_docx(["Vị trí bảo vệ: MARK tuổi từ 20 đến 40."], tmp_path / "tc.docx")

    def edit(xml: str) -> str:
        stamp = 'w:author="A" w:date="2025-01-01T00:00:00Z"'
        inserted = (
            f'<w:ins w:id="1" {stamp}><w:r><w:t xml:space="preserve">'
            "chỉ tuyển nam, </w:t></w:r></w:ins>"
        )
        deleted = (
            '<w:del w:id="2" w:author="A" w:date="2025-01-01T00:00:00Z"><w:r>'
            "<w:delText>không phân biệt nam nữ, </w:delText></w:r></w:del>"
        )
        # Split the run at MARK and put the revisions between the two halves.
        return xml.replace(
            "MARK ", "</w:t></w:r>" + deleted + inserted + '<w:r><w:t xml:space="preserve">'
        )

    _rewrite_document_xml(path, edit)
    doc = parse_file(path)
    assert doc.paragraphs[0].text == "Vị trí bảo vệ: chỉ tuyển nam, tuổi từ 20 đến 40."
    report = review_file(path)
    assert [(f.rule_id, f.text) for f in report.findings] == [("GM-DIS-001", "chỉ tuyển nam")]


def test_docx_content_controls_and_line_breaks(tmp_path: Path) -> None:
    path = write_docx(["KẾ HOẠCH", "PLACEHOLDER"], tmp_path / "sdt.docx")

    def edit(xml: str) -> str:
        para = re.search(r"<w:p>(?:(?!<w:p>).)*?PLACEHOLDER.*?</w:p>", xml, re.S)
        assert para is not None
        sdt = (
            "<w:sdt><w:sdtContent><w:p><w:r><w:t>Hỗ trợ người chồng là trụ cột</w:t><w:br/>"
            "<w:t>gia đình bị mất việc.</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        )
        return xml.replace(para.group(0), sdt)

    _rewrite_document_xml(path, edit)
    doc = parse_file(path)
    # A manual line break inside a Word paragraph is joined like a wrap, and remembered.
    assert doc.paragraphs[1].text == "Hỗ trợ người chồng là trụ cột gia đình bị mất việc."
    report = review_file(path)
    f = next(f for f in report.findings if f.text is not None)
    assert (f.rule_id, f.text, f.location.paragraph, f.location.line) == (
        "GM-STE-003",
        "trụ cột gia đình",
        2,
        1,
    )


def test_fold_rule_matches_text_typed_without_diacritics(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "GM-TER-902-fold.yaml").write_text(
        """schema_version: 1
id: GM-TER-902
name: fold
type: lexicon
category: terminology
severity: info
message: "Cụm '{match}' được gõ không dấu hoặc sai dấu."
fold: true
terms: ["bình đẳng giới"]
examples:
  flag: ["Tuyên truyền về [[binh dang gioi]] tại xã."]
  pass: ["Tuyên truyền về bình quân thu nhập."]
""",
        encoding="utf-8",
    )
    report = review_text("Tuyên truyền binh dang gioi và bình đằng giới.", rules=[rules])
    hits = [(f.text, f.confidence) for f in report.findings if f.rule_id == "GM-TER-902"]
    # A folded match that is not the exact spelling gets a lower confidence.
    assert [t for t, _ in hits] == ["binh dang gioi", "bình đằng giới"]
    assert all(c < 0.9 for _, c in hits)
    exact = review_text("Tuyên truyền bình đẳng giới.", rules=[rules]).findings
    assert [f.confidence for f in exact if f.rule_id == "GM-TER-902"] == [0.9]
