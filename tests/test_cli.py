"""The CLI and JSON contracts of DESIGN.md §3 (tools outside this repo read them)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import gender_mainstream

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpora" / "ke-hoach-viec-lam-xa-an-binh-2025.txt"


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gender_mainstream", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def test_review_json_follows_the_report_contract() -> None:
    proc = cli("review", str(SAMPLE), "--format", "json")
    assert proc.returncode == 1  # an error-severity finding, default --fail-on error
    data = json.loads(proc.stdout)
    assert list(data) == [
        "schema_version",
        "tool",
        "document",
        "findings",
        "scorecard",
        "suppressed",
        "errors",
    ]
    assert data["schema_version"] == "1"
    assert data["tool"]["name"] == "gender-mainstream"
    assert data["tool"]["version"] == gender_mainstream.__version__
    assert data["tool"]["rules_version"]
    doc = data["document"]
    for key in (
        "path",
        "format",
        "sha256",
        "doc_type",
        "number",
        "issuer",
        "date",
        "title",
        "pages",
        "gender_relevant",
        "topics",
    ):
        assert key in doc
    assert (doc["format"], doc["doc_type"], doc["number"], doc["date"]) == (
        "txt",
        "ke_hoach",
        "86/KH-UBND",
        "2025-03-12",
    )
    assert len(doc["sha256"]) == 64
    finding = next(f for f in data["findings"] if f["rule_id"] == "GM-DIS-001")
    assert set(finding) == {
        "rule_id",
        "category",
        "severity",
        "confidence",
        "message",
        "text",
        "location",
        "legal_basis",
        "suggestion",
        "fingerprint",
        "excerpt",  # additive to §3.2: the surrounding sentence
    }
    assert finding["text"] == "chỉ tuyển nam"
    ex = finding["excerpt"]
    assert ex["text"][ex["start"] : ex["end"]] == "chỉ tuyển nam"
    assert ex["text"].startswith("a) Vị trí bảo vệ")
    loc = finding["location"]
    for key in ("page", "paragraph", "section", "line", "start", "end"):
        assert key in loc
    assert loc["section"] == "II.1.2.a"
    assert SAMPLE.read_text(encoding="utf-8")[loc["start"] : loc["end"]] == "chỉ tuyển nam"
    assert all(set(b) == {"citation", "url"} for b in finding["legal_basis"])
    assert [s["id"] for s in data["scorecard"]] == [
        "gender_issue",
        "impact_forecast",
        "responsibility",
        "resources",
        "sex_disaggregated_data",
        "monitoring",
    ]
    assert all(
        s["status"] in ("met", "partial", "missing", "not_applicable") for s in data["scorecard"]
    )
    assert data["errors"] == []


def test_fingerprints_are_stable_across_runs_and_unique() -> None:
    a = json.loads(cli("review", str(SAMPLE), "--format", "json").stdout)
    b = json.loads(cli("review", str(SAMPLE), "--format", "json").stdout)
    fa = [f["fingerprint"] for f in a["findings"]]
    assert fa == [f["fingerprint"] for f in b["findings"]]
    assert len(set(fa)) == len(fa)


@pytest.mark.parametrize(
    ("fail_on", "code"), [("error", 1), ("warning", 1), ("info", 1), ("never", 0)]
)
def test_fail_on_controls_exit_code(fail_on: str, code: int) -> None:
    assert cli("review", str(SAMPLE), "--fail-on", fail_on, "-q").returncode == code


def test_warning_only_document_passes_default_fail_on(tmp_path: Path) -> None:
    path = tmp_path / "canh-bao.txt"
    path.write_text(
        "Hỗ trợ hộ có người chồng là trụ cột gia đình bị mất việc làm.\n", encoding="utf-8"
    )
    assert cli("review", str(path)).returncode == 0
    assert cli("review", str(path), "--fail-on", "warning").returncode == 1


def test_clean_document_exits_zero_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "sach.txt"
    path.write_text("Tổ chức hội nghị tổng kết công tác năm 2025.\n", encoding="utf-8")
    proc = cli("review", str(path))
    assert proc.returncode == 0
    assert proc.stdout.strip().endswith("0 findings (0 error, 0 warning, 0 info) in 1 file")


def test_text_output_groups_by_section_with_basis_and_suggestion() -> None:
    proc = cli("review", str(SAMPLE))
    out = proc.stdout
    assert "[II.1.2.a]" in out and "[II.3]" in out
    assert 'GM-DIS-001  mục II.1.2.a, đoạn 26, dòng 37: "chỉ tuyển nam"' in out
    assert "Căn cứ: Khoản 1 Điều 13" in out and "Gợi ý:" in out
    data = json.loads(cli("review", str(SAMPLE), "--format", "json").stdout)
    sev = [f["severity"] for f in data["findings"]]
    summary = (
        f"{len(sev)} findings ({sev.count('error')} error, {sev.count('warning')} warning, "
        f"{sev.count('info')} info) in 1 file"
    )
    assert sev.count("error") == 1 and out.rstrip().endswith(summary)
    # Document-level findings sit under the section they concern, with no quoted text.
    assert "GM-MAI-002  mục I:" in out
    assert "\033[" not in out  # no colour when not a terminal


def test_output_file_option(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    proc = cli("review", str(SAMPLE), "--format", "json", "-o", str(out))
    assert proc.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["document"]["number"] == "86/KH-UBND"


def test_parse_json_follows_the_document_contract() -> None:
    proc = cli("parse", str(SAMPLE), "--format", "json")
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert data["schema_version"] == "1"
    for key in ("metadata", "basis", "sections", "signature", "recipients", "errors"):
        assert key in data
    assert data["metadata"]["number"] == "86/KH-UBND"
    first = data["sections"][0]
    assert (first["number"], first["title"], first["path"]) == ("I", "MỤC ĐÍCH, YÊU CẦU", "I")
    assert [c["path"] for c in first["children"]] == ["I.1", "I.2"]
    para = first["children"][0]["paragraphs"][1]
    assert para["text"].startswith("- Tạo việc làm mới")
    assert para["location"]["line"] is not None
    assert data["signature"] == {
        "authority": "TM. ỦY BAN NHÂN DÂN",
        "capacity": "KT. CHỦ TỊCH",
        "position": "PHÓ CHỦ TỊCH",
        "signer": "Trần Thị Hồng Nhung",
    }
    assert data["recipients"][-1] == "Lưu: VT"


def test_rules_list_json_and_explain() -> None:
    rows = json.loads(cli("rules", "list", "--format", "json").stdout)
    assert rows and all(
        {"id", "category", "severity", "legal_basis", "status", "examples"} <= set(r) for r in rows
    )
    assert all(r["examples"]["flag"] >= 1 and r["examples"]["pass"] >= 1 for r in rows)
    proc = cli("rules", "explain", "GM-DIS-001")
    assert proc.returncode == 0 and "## Why it matters" in proc.stdout
    missing = cli("rules", "explain", "GM-XXX-999")
    assert missing.returncode == 2 and "no rule with id GM-XXX-999" in missing.stderr


def test_rules_test_runs_all_examples() -> None:
    proc = cli("rules", "test")
    assert proc.returncode == 0
    assert proc.stdout.strip().endswith("examples passed")


def test_invalid_user_rules_folder_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "r"
    bad.mkdir()
    (bad / "GM-TER-900-x.yaml").write_text("schema_version: 1\nid: GM-TER-900\n", encoding="utf-8")
    proc = cli("review", str(SAMPLE), "--rules", str(bad))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "GM-TER-900-x.yaml" in lines[0] and "Traceback" not in proc.stderr


def test_help_version_and_no_command() -> None:
    assert cli("--help").returncode == 0
    assert gender_mainstream.__version__ in cli("--version").stdout
    assert cli().returncode == 2


def test_public_api_is_sorted_and_complete() -> None:
    names = gender_mainstream.__all__
    assert len(names) == len(set(names))  # order is kept by ruff (RUF022)
    assert set(names) == set(gender_mainstream._LAZY) | {"__version__"}
    for name in names:
        assert getattr(gender_mainstream, name) is not None
    assert {
        "review_file",
        "review_text",
        "parse_file",
        "Report",
        "Document",
        "Finding",
        "InputError",
        "RuleError",
    } <= set(names)


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [
        ("html", "<!DOCTYPE html>"),
        ("md", "# Kế hoạch số 86/KH-UBND"),
        ("csv", "\ufeffpath,doc_type"),
        ("sarif", '"version": "2.1.0"'),
        ("opinion", "# Ý KIẾN THẨM ĐỊNH"),
    ],
)
def test_review_formats_from_the_command_line(fmt: str, marker: str, tmp_path: Path) -> None:
    out = tmp_path / f"r.{fmt}"
    proc = cli("review", str(SAMPLE), "--format", fmt, "-o", str(out))
    assert proc.returncode == 1  # the sample has an error-level finding
    assert out.read_text(encoding="utf-8").startswith(marker) or marker in out.read_text(
        encoding="utf-8"
    )


def test_opinion_as_word_and_one_file_only(tmp_path: Path) -> None:
    out = tmp_path / "y-kien.docx"
    proc = cli("review", str(SAMPLE), "--format", "opinion", "-o", str(out), "--fail-on", "never")
    assert proc.returncode == 0 and out.read_bytes()[:2] == b"PK"
    two = cli("review", str(SAMPLE), str(SAMPLE), "--format", "opinion")
    assert two.returncode == 2 and "exactly one FILE" in two.stderr
    ann = cli("review", str(SAMPLE), str(SAMPLE), "--annotate", str(tmp_path / "a.docx"))
    assert ann.returncode == 2 and "exactly one FILE" in ann.stderr
