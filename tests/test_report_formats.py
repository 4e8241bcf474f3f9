"""Every output format, from the same Report: golden files, completeness, escaping.

Golden files live in tests/golden/. After an intended change to a format or to the rule pack,
refresh them with

    GM_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_report_formats.py

and read the diff before committing it.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from gender_mainstream import load_rules, parse_file, review_document, review_text
from gender_mainstream.model import Report
from gender_mainstream.report.csvout import CSV_COLUMNS, render_csv
from gender_mainstream.report.html import render_html
from gender_mainstream.report.markdown import render_markdown
from gender_mainstream.report.opinion import render_opinion_markdown, write_opinion_docx
from gender_mainstream.report.sarif import render_sarif
from gender_mainstream.report.text import render_text

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
DOCS = {
    "an-binh": ROOT / "corpora" / "ke-hoach-viec-lam-xa-an-binh-2025.txt",
    "tuyen-dung": ROOT / "corpora" / "quyet-dinh-quy-dinh-tuyen-dung-lao-dong-hop-dong-2025.txt",
}
PACK = load_rules()


def _report(key: str) -> Report:
    path = DOCS[key]
    report = review_document(parse_file(path), rules=PACK)
    # Golden files must not depend on where the checkout is.
    report.document.path = path.relative_to(ROOT).as_posix()
    return report


def _render(fmt: str, report: Report) -> str:
    if fmt == "txt":
        return render_text([report])
    if fmt == "json":
        return json.dumps(report.wire(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        return render_html([report])
    if fmt == "md":
        return render_markdown([report])
    if fmt == "csv":
        return render_csv([report])
    if fmt == "sarif":
        return json.dumps(render_sarif([report], PACK), ensure_ascii=False, indent=2) + "\n"
    assert fmt == "opinion.md"
    return render_opinion_markdown(report, PACK)


FORMATS = ["txt", "json", "html", "md", "csv", "sarif", "opinion.md"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", sorted(DOCS))
def test_golden(key: str, fmt: str) -> None:
    text = _render(fmt, _report(key))
    path = GOLDEN / f"{key}.{fmt}"
    if os.environ.get("GM_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    expected = path.read_bytes().decode("utf-8") if path.is_file() else ""
    assert text == expected, f"{path.name} differs: rerun with GM_UPDATE_GOLDEN=1 and read the diff"


@pytest.mark.parametrize("key", sorted(DOCS))
def test_every_finding_appears_in_every_format(key: str) -> None:
    report = _report(key)
    assert report.findings
    rendered = {fmt: _render(fmt, report) for fmt in FORMATS}
    for f in report.findings:
        for fmt, text in rendered.items():
            if fmt in ("json", "csv", "sarif"):
                assert f.fingerprint in text, (fmt, f.rule_id)
            else:
                assert f.rule_id in text or f.message[:60] in text, (fmt, f.rule_id)
            if f.text is not None and fmt not in ("md",):  # md escapes markup characters
                assert f.text in text, (fmt, f.text)


def test_csv_has_bom_header_and_one_row_per_finding() -> None:
    report = _report("an-binh")
    text = render_csv([report])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == CSV_COLUMNS
    assert len(rows) - 1 == len(report.findings)
    by_rule = {r[4]: r for r in rows[1:]}
    assert by_rule["GM-DIS-001"][CSV_COLUMNS.index("text")] == "chỉ tuyển nam"
    assert by_rule["GM-DIS-001"][CSV_COLUMNS.index("section")] == "II.1.2.a"


def test_sarif_is_well_formed() -> None:
    report = _report("an-binh")
    log = render_sarif([report], PACK)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(rules) == len(PACK.rules)
    assert run["artifacts"][0]["hashes"]["sha-256"] == report.document.sha256
    source = DOCS["an-binh"].read_text(encoding="utf-8")
    assert len(run["results"]) == len(report.findings)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["partialFingerprints"]["genderMainstream/v1"]
        region = result["locations"][0]["physicalLocation"].get("region")
        if region is not None:  # span findings: the region is the text in the file
            a = region["charOffset"]
            assert source[a : a + region["charLength"]] == region["snippet"]["text"]
            assert source.count("\n", 0, a) + 1 == region["startLine"]
    dis = next(r for r in rules if r["id"] == "GM-DIS-001")
    assert dis["properties"]["legal_basis"] and dis["help"]["text"]


def test_html_escapes_hostile_document_text() -> None:
    hostile = (
        "Vị trí bảo vệ: chỉ tuyển nam <script>alert(1)</script> "
        '"><img src=x onerror=alert(2)> {{7*7}} ${{x}}.\n'
    )
    report = review_text(hostile)
    assert [f.rule_id for f in report.findings] == ["GM-DIS-001"]
    page = render_html([report])
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    assert "{{7*7}}" in page  # shown as text; no template engine ever reads the page
    assert "Content-Security-Policy" in page and "http" not in page.split("<body>")[0].replace(
        "http-equiv", ""
    )


def test_html_of_several_documents_has_one_section_each() -> None:
    page = render_html([_report("an-binh"), _report("tuyen-dung")])
    assert page.count('<section class="doc"') == 2


def test_opinion_follows_the_four_points(tmp_path: Path) -> None:
    report = _report("an-binh")
    md = render_opinion_markdown(report, PACK)
    for heading in (
        "## 1. Về việc xác định vấn đề giới",
        "## 2. Về việc bảo đảm các nguyên tắc cơ bản về bình đẳng giới",
        "## 3. Về tính khả thi của việc giải quyết vấn đề giới",
        "## 4. Về việc thực hiện trình tự, thủ tục lồng ghép vấn đề bình đẳng giới",
    ):
        assert heading in md
    # The discrimination finding is under point 2, with its legal basis.
    point2 = md.split("## 2.")[1].split("## 3.")[0]
    assert "“chỉ tuyển nam”" in point2 and "Điều 13" in point2
    assert "chưa xác định vấn đề giới" in md.split("## 1.")[1].split("## 2.")[0]
    out = tmp_path / "y-kien.docx"
    write_opinion_docx(report, out, PACK)
    import docx

    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    assert paragraphs[0] == "Ý KIẾN THẨM ĐỊNH VỀ VIỆC LỒNG GHÉP VẤN ĐỀ BÌNH ĐẲNG GIỚI"
    assert "2. Về việc bảo đảm các nguyên tắc cơ bản về bình đẳng giới" in paragraphs
    assert any("“chỉ tuyển nam”" in p for p in paragraphs)


def test_opinion_of_a_document_unrelated_to_gender_says_so() -> None:
    report = review_text(
        "QUYẾT ĐỊNH\nVề việc công bố danh mục thủ tục hành chính lĩnh vực đường bộ\n"
        "Điều 1. Công bố 12 thủ tục hành chính.\n"
    )
    md = render_opinion_markdown(report, PACK)
    assert "không điều chỉnh vấn đề có liên quan đến bình đẳng giới" in md
    assert "## 1." not in md
