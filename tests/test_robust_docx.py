"""Robustness of the Word reader and the annotator on odd but real .docx packages.

Nested tables are read once each (tester's B1), a broken package is GM-E120 naming the file and
never an internal error (B4), Strict Open XML is GM-E110, a .docm/.dotx renamed .docx is read
(B16), a document whose only text is in headers and footers gets its comment somewhere real
(B6), and a legacy .doc can be annotated (B7).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import time
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from gender_mainstream import parse_file, review_document
from gender_mainstream.errors import (
    DamagedFileError,
    InputError,
    LegacyWordError,
    UnsupportedFormatError,
)
from gender_mainstream.ingest import read_raw
from gender_mainstream.ingest.docx import read_docx
from gender_mainstream.report.annotate import ANCHOR_TEXT, AUTHOR, annotate_docx
from test_cli import cli

BODY = [
    "ỦY BAN NHÂN DÂN XÃ AN BÌNH",
    "Số: 86/KH-UBND",
    "An Bình, ngày 12 tháng 3 năm 2025",
    "KẾ HOẠCH",
    "Tuyển dụng lao động năm 2025",
    "I. MỤC ĐÍCH",
    "1. Tạo việc làm cho người lao động.",
    "II. NỘI DUNG",
    "1. Vị trí bảo vệ: chỉ tuyển nam giới.",
    "2. Phụ nữ là trụ cột gia đình.",
    "III. TỔ CHỨC THỰC HIỆN",
    "Ủy ban nhân dân xã tổ chức thực hiện.",
]
RANGE_RE = re.compile(
    r'<w:commentRangeStart w:id="(\d+)"/>(.*?)<w:commentRangeEnd w:id="\1"/>', re.S
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOTX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"


def _plan(path: Path) -> Path:
    d = docx.Document()
    for line in BODY:
        d.add_paragraph(line)
    d.save(str(path))
    return path


def _rewrite(
    src: Path,
    dst: Path,
    mutate: Callable[[str, bytes], bytes | None],
    extra: dict[str, bytes] | None = None,
) -> Path:
    """Copy the package `src` to `dst`, passing each part through `mutate` (None drops it)."""
    zin = zipfile.ZipFile(src)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name in zin.namelist():
            blob = mutate(name, zin.read(name))
            if blob is not None:
                out.writestr(name, blob)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a duplicate entry is what some cases want
            for name, blob in (extra or {}).items():
                out.writestr(name, blob)
    dst.write_bytes(buf.getvalue())
    return dst


def _anchored(path: Path) -> dict[int, str]:
    """Return comment id -> the text between its range markers."""
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    return {
        int(m.group(1)): "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", m.group(2)))
        for m in RANGE_RE.finditer(xml)
    }


def _blocks(path: Path) -> list[tuple[str, str, int | None, int | None, int | None, int | None]]:
    raw = read_docx(path.read_bytes(), str(path))
    return [
        (raw.text[b.start : b.end], b.kind, b.table, b.row, b.cell, b.paragraph) for b in raw.blocks
    ]


# --- B1: nested tables ---------------------------------------------------------------------


def _nested(path: Path, depth: int) -> Path:
    d = docx.Document()
    d.add_paragraph("KẾ HOẠCH")
    cell = d.add_table(rows=1, cols=1).cell(0, 0)
    for i in range(depth):
        cell.paragraphs[0].text = f"Mức {i}"
        cell = cell.add_table(rows=1, cols=1).cell(0, 0)
    cell.paragraphs[0].text = "Sâu nhất: chỉ tuyển nam giới"
    d.save(str(path))
    return path


def test_nested_tables_read_each_paragraph_once_in_reading_order(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Trước bảng")
    outer = d.add_table(rows=2, cols=2)
    a = outer.cell(0, 0)
    a.paragraphs[0].text = "A1"
    inner = a.add_table(rows=2, cols=2)
    inner.cell(0, 0).paragraphs[0].text = "A-in-11"
    inner.cell(0, 1).paragraphs[0].text = "A-in-12"
    deep = inner.cell(1, 0).add_table(rows=1, cols=2)  # below the cell's first paragraph
    inner.cell(1, 0).paragraphs[0].text = "A-in-21"
    deep.cell(0, 0).paragraphs[0].text = "A-deep-1"
    deep.cell(0, 1).paragraphs[0].text = "A-deep-2"
    inner.cell(1, 1).paragraphs[0].text = "A-in-22"
    a.add_paragraph("A2 sau bảng lồng")
    outer.cell(0, 1).paragraphs[0].text = "B1"
    outer.cell(1, 0).paragraphs[0].text = "C1"
    outer.cell(1, 1).paragraphs[0].text = "D1"
    d.add_paragraph("Giữa hai bảng")
    d.add_table(rows=1, cols=1).cell(0, 0).paragraphs[0].text = "Bảng 2"
    path = tmp_path / "nested.docx"
    d.save(str(path))

    # A nested table's paragraphs are located at the outer cell that holds them, numbered
    # through that cell in reading order.
    assert _blocks(path) == [
        ("Trước bảng", "paragraph", None, None, None, 1),
        ("A1", "cell", 1, 1, 1, 1),
        ("A-in-11", "cell", 1, 1, 1, 2),
        ("A-in-12", "cell", 1, 1, 1, 3),
        ("A-in-21", "cell", 1, 1, 1, 4),
        ("A-deep-1", "cell", 1, 1, 1, 5),
        ("A-deep-2", "cell", 1, 1, 1, 6),
        ("", "cell", 1, 1, 1, 7),  # Word's mandatory paragraph after a nested table
        ("A-in-22", "cell", 1, 1, 1, 8),
        ("", "cell", 1, 1, 1, 9),
        ("A2 sau bảng lồng", "cell", 1, 1, 1, 10),
        ("B1", "cell", 1, 1, 2, 1),
        ("C1", "cell", 1, 2, 1, 1),
        ("D1", "cell", 1, 2, 2, 1),
        ("Giữa hai bảng", "paragraph", None, None, None, 2),
        ("Bảng 2", "cell", 2, 1, 1, 1),
    ]


@pytest.mark.parametrize("depth", [1, 2, 5])
def test_nested_table_finding_is_reported_and_annotated_once(tmp_path: Path, depth: int) -> None:
    src = _nested(tmp_path / f"nested{depth}.docx", depth)
    texts = [t for t, *_ in _blocks(src)]
    assert texts.count("Sâu nhất: chỉ tuyển nam giới") == 1
    # Every paragraph once: the text ones, and the empty one Word requires after each table.
    assert sorted(texts) == sorted(
        ["KẾ HOẠCH", *(f"Mức {i}" for i in range(depth)), "Sâu nhất: chỉ tuyển nam giới"]
        + [""] * depth
    )
    document = parse_file(src)
    report = review_document(document)
    hits = [f for f in report.findings if f.rule_id == "GM-DIS-001"]
    assert len(hits) == 1
    loc = hits[0].location
    assert (loc.table, loc.row, loc.cell, loc.paragraph) == (1, 1, 1, depth + 1)
    out = tmp_path / "out.docx"
    result = annotate_docx(document, report, src, out)
    anchored = list(_anchored(out).values())
    assert anchored.count("chỉ tuyển nam giới") == 1
    assert len(docx.Document(str(out)).comments) == result.anchored + 1


@pytest.mark.parametrize("depth", [12, 40])
def test_deeply_nested_tables_parse_in_well_under_a_second(tmp_path: Path, depth: int) -> None:
    src = _nested(tmp_path / "deep.docx", depth)
    t0 = time.perf_counter()
    raw = read_raw(src)
    elapsed = time.perf_counter() - t0
    assert elapsed < 0.5, f"{elapsed:.2f}s"
    assert len(raw.blocks) == 2 + 2 * depth  # + the empty paragraph after each nested table
    assert raw.text.count("chỉ tuyển nam giới") == 1
    deepest = next(b for b in raw.blocks if raw.text[b.start : b.end].startswith("Sâu nhất"))
    assert (deepest.table, deepest.row, deepest.cell, deepest.paragraph) == (1, 1, 1, depth + 1)


# --- B4: damaged packages --------------------------------------------------------------------


def _no_body(n: str, b: bytes) -> bytes:
    return re.sub(rb"<w:body>.*</w:body>", b"", b, flags=re.S) if n == "word/document.xml" else b


DAMAGED: dict[str, tuple[Callable[[str, bytes], bytes | None], dict[str, bytes]]] = {
    "no_body": (_no_body, {}),
    "root_other": (
        lambda n, b: b'<?xml version="1.0"?><foo/>' if n == "word/document.xml" else b,
        {},
    ),
    "rels_badroot": (
        lambda n, b: b'<?xml version="1.0"?><Relationships/>' if n == "_rels/.rels" else b,
        {},
    ),
    "types_badroot": (lambda n, b: b"<Types/>" if n == "[Content_Types].xml" else b, {}),
    "duplicate_entry": (lambda n, b: b, {"word/document.xml": b"<bad/>"}),
    "styles_missing": (lambda n, b: None if n == "word/styles.xml" else b, {}),
    "main_type_garbage": (
        lambda n, b: (
            b.replace(DOCX_MAIN.encode(), b"text/plain") if n == "[Content_Types].xml" else b
        ),
        {},
    ),
    "malformed_xml": (
        lambda n, b: b[: len(b) // 2] if n == "word/document.xml" else b,
        {},
    ),
}


@pytest.mark.parametrize("case", sorted(DAMAGED))
def test_damaged_package_is_gm_e120_naming_the_file(tmp_path: Path, case: str) -> None:
    mutate, extra = DAMAGED[case]
    bad = _rewrite(_plan(tmp_path / "plan.docx"), tmp_path / f"hỏng {case}.docx", mutate, extra)
    with pytest.raises(DamagedFileError) as info:
        parse_file(bad)
    err = info.value
    assert err.code == "GM-E120" and err.exit_code == 2
    assert str(bad) in err.line()
    assert "BytesIO" not in err.line() and "\n" not in err.line()


def _corrupt_member(src: Path, dst: Path, member: str) -> Path:
    """Overwrite the middle of `member`'s compressed bytes, leaving the zip directory intact."""
    data = bytearray(src.read_bytes())
    info = zipfile.ZipFile(src).getinfo(member)
    name_len, extra_len = (
        int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little"),
        int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little"),
    )
    start = info.header_offset + 30 + name_len + extra_len
    mid = start + info.compress_size // 2
    data[mid : mid + 16] = b"\xff" * 16
    dst.write_bytes(bytes(data))
    return dst


@pytest.mark.parametrize("main", [DOCX_MAIN, "docm"])
@pytest.mark.parametrize("member", ["word/document.xml", "word/styles.xml", "docProps/app.xml"])
def test_corrupt_compressed_data_is_gm_e120(tmp_path: Path, main: str, member: str) -> None:
    src = _plan(tmp_path / "plan.docx")
    if main == "docm":
        src = _as_docm(src, tmp_path / "plan-m.docx", DOCM_MAIN)
    bad = _corrupt_member(src, tmp_path / "corrupt.docx", member)
    with pytest.raises(DamagedFileError) as info:
        parse_file(bad)
    assert info.value.code == "GM-E120" and str(bad) in info.value.line()


def test_cli_damaged_docx_among_good_files_exits_2_and_reviews_the_others(
    tmp_path: Path,
) -> None:
    good = _plan(tmp_path / "plan.docx")
    bad = _rewrite(good, tmp_path / "no_body.docx", _no_body)
    txt = tmp_path / "plan.txt"
    txt.write_text("\n".join(BODY) + "\n", encoding="utf-8")
    proc = cli("review", "--format", "json", str(txt), str(bad), str(good))
    assert proc.returncode == 2, proc.stderr
    assert "internal error" not in proc.stderr
    assert f"{bad}: " in proc.stderr and "[GM-E120]" in proc.stderr
    reports = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(reports) == 3
    assert reports[0]["findings"] and reports[2]["findings"]


def test_strict_open_xml_is_unsupported_with_the_fix(tmp_path: Path) -> None:
    strict_w = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
    transitional_w = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    strict_rel = b"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
    transitional_rel = (
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    )

    def strict(n: str, b: bytes) -> bytes:
        if n == "_rels/.rels":
            return b.replace(transitional_rel, strict_rel)
        return b.replace(transitional_w, strict_w) if n.startswith("word/") else b

    def strict_ns_only(n: str, b: bytes) -> bytes:
        return b.replace(transitional_w, strict_w) if n == "word/document.xml" else b

    plan = _plan(tmp_path / "plan.docx")
    for name, mutate in (("strict.docx", strict), ("strict_ns.docx", strict_ns_only)):
        bad = _rewrite(plan, tmp_path / name, mutate)
        with pytest.raises(UnsupportedFormatError) as info:
            parse_file(bad)
        assert info.value.code == "GM-E110"
        assert str(bad) in info.value.line() and "Strict Open XML" in info.value.problem
        assert "save it as a normal .docx in Word" in info.value.fix


# --- B16: macro-enabled documents and templates --------------------------------------------

VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"


def _as_docm(plan: Path, dst: Path, main: str) -> Path:
    def mutate(n: str, b: bytes) -> bytes:
        if n == "[Content_Types].xml":
            b = b.replace(DOCX_MAIN.encode(), main.encode())
            return b.replace(
                b"</Types>",
                b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                b"</Types>",
            )
        if n == "word/_rels/document.xml.rels":
            return b.replace(
                b"</Relationships>",
                f'<Relationship Id="rIdVba" Type="{VBA_REL}" Target="vbaProject.bin"/>'.encode()
                + b"</Relationships>",
            )
        return b

    return _rewrite(plan, dst, mutate, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0fake-vba"})


@pytest.mark.parametrize(
    ("main", "what"), [(DOCM_MAIN, "macro-enabled (.docm)"), (DOTX_MAIN, "template (.dotx)")]
)
def test_docm_or_template_renamed_docx_is_read_and_annotated(
    tmp_path: Path, main: str, what: str
) -> None:
    src = _as_docm(_plan(tmp_path / "plan.docx"), tmp_path / "macro.docx", main)
    document = parse_file(src)
    assert [p.text for p in document.paragraphs][:2] == BODY[:2]
    notes = [i for i in document.errors if i.code == "GM-W113"]
    assert len(notes) == 1 and what in notes[0].message
    report = review_document(document)
    spans = sorted(f.text for f in report.findings if f.text is not None)
    assert "chỉ tuyển nam giới" in " ".join(spans)

    out = tmp_path / "annotated.docx"
    result = annotate_docx(document, report, src, out)
    with zipfile.ZipFile(out) as z:
        types = z.read("[Content_Types].xml").decode()
        assert DOCX_MAIN in types and main not in types  # a plain .docx Word will open
        assert not any("vbaProject" in n for n in z.namelist())
    assert len(docx.Document(str(out)).comments) == result.anchored + 1
    assert result.anchored == len(spans)


def test_macro_enabled_docx_from_the_cli_is_not_called_damaged(tmp_path: Path) -> None:
    src = _as_docm(_plan(tmp_path / "plan.docx"), tmp_path / "macro.docx", DOCM_MAIN)
    proc = cli("review", "-q", "--fail-on", "never", str(src))
    assert proc.returncode == 0, proc.stderr
    assert "damaged" not in proc.stderr and "BytesIO" not in proc.stderr


# --- B6: text only in headers and footers --------------------------------------------------


def _headers_only(path: Path, empty_body_paragraphs: int = 0) -> Path:
    d = docx.Document()
    for _ in range(empty_body_paragraphs):
        d.add_paragraph("")
    d.sections[0].header.paragraphs[0].text = "ỦY BAN NHÂN DÂN XÃ AN BÌNH — chỉ tuyển nam"
    d.sections[0].footer.paragraphs[0].text = "Phụ nữ là trụ cột gia đình"
    d.save(str(path))
    return path


@pytest.mark.parametrize("empty_paragraphs", [0, 3])
def test_annotate_headers_only_writes_the_comment_it_counts(
    tmp_path: Path, empty_paragraphs: int
) -> None:
    src = _headers_only(tmp_path / "headers_only.docx", empty_paragraphs)
    document = parse_file(src)
    report = review_document(document)
    located = [f for f in report.findings if f.text is not None]
    assert located and all(f.location.part in ("header", "footer") for f in located)
    out = tmp_path / "hdr.docx"
    result = annotate_docx(document, report, src, out)
    assert result.anchored == 0
    assert result.on_title == len(report.findings)

    comments = docx.Document(str(out)).comments
    assert len(comments) == 1
    (comment,) = comments
    assert comment.author == AUTHOR
    for f in report.findings:
        assert f.rule_id in comment.text
    assert list(_anchored(out).values()) == [ANCHOR_TEXT]
    body = docx.Document(str(out)).paragraphs
    assert body[0].text == ANCHOR_TEXT and len(body) == empty_paragraphs + 1


def test_annotate_title_in_a_table_cell_gets_the_summary(tmp_path: Path) -> None:
    d = docx.Document()
    t = d.add_table(rows=1, cols=1)
    t.cell(0, 0).paragraphs[0].text = "KẾ HOẠCH"
    t.cell(0, 0).add_paragraph("Tuyển dụng lao động năm 2025")
    for line in BODY[5:]:
        d.add_paragraph(line)
    src = tmp_path / "title_in_table.docx"
    d.save(str(src))
    document = parse_file(src)
    report = review_document(document)
    out = tmp_path / "out.docx"
    result = annotate_docx(document, report, src, out)
    assert len(docx.Document(str(out)).comments) == result.anchored + 1
    assert ANCHOR_TEXT not in _anchored(out).values()


def test_annotate_a_docx_changed_since_review_writes_a_fresh_copy(tmp_path: Path) -> None:
    src = _plan(tmp_path / "plan.docx")
    document = parse_file(src)
    report = review_document(document)
    d = docx.Document(str(src))
    d.paragraphs[0].insert_paragraph_before("Dòng mới chèn sau khi rà soát")
    d.save(str(src))
    out = tmp_path / "out.docx"
    result = annotate_docx(document, report, src, out)
    anchored = _anchored(out).values()
    assert "chỉ tuyển nam giới" in " ".join(anchored)
    assert len(docx.Document(str(out)).comments) == result.anchored + 1
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert "Dòng mới chèn sau khi rà soát" not in texts  # the reviewed text, not the new one


# --- B7: legacy .doc -------------------------------------------------------------------------


def _to_doc(src: Path, tmp_path: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: .doc files cannot be made or read")
    outdir = tmp_path / "doc"
    proc = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(outdir),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    doc = outdir / f"{src.stem}.doc"
    if proc.returncode != 0 or not doc.is_file():
        pytest.skip(f"LibreOffice could not write a .doc here: {proc.stderr.strip()[-200:]}")
    return doc


def test_annotate_legacy_doc_comments_the_converted_document(tmp_path: Path) -> None:
    doc = _to_doc(_plan(tmp_path / "plan.docx"), tmp_path)
    assert doc.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    before = doc.read_bytes()
    document = parse_file(doc)
    report = review_document(document)
    spans = [f.text for f in report.findings if f.text is not None]
    assert spans
    out = tmp_path / "gop-y.docx"
    result = annotate_docx(document, report, doc, out)
    assert doc.read_bytes() == before
    assert result.anchored == len(spans)
    assert sorted(t for t in _anchored(out).values() if t in spans) == sorted(spans)
    assert len(docx.Document(str(out)).comments) == result.anchored + 1

    proc = cli("review", str(doc), "--annotate", str(tmp_path / "cli.docx"), "--fail-on", "never")
    assert proc.returncode == 0, proc.stderr
    assert "internal error" not in proc.stderr and (tmp_path / "cli.docx").is_file()


def test_annotate_legacy_doc_without_libreoffice_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = _to_doc(_plan(tmp_path / "plan.docx"), tmp_path)
    document = parse_file(doc)
    report = review_document(document)
    monkeypatch.setattr("gender_mainstream.ingest.doc.soffice_path", lambda: None)
    with pytest.raises(LegacyWordError) as info:
        annotate_docx(document, report, doc, tmp_path / "out.docx")
    assert isinstance(info.value, InputError) and str(doc) in info.value.line()
