"""Per-document suppression: silenced by rule id, with a reason that stays in the output."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from gender_mainstream import review_text
from gender_mainstream.errors import RuleError
from gender_mainstream.suppress import SuppressEntry, load_suppressions
from test_cli import SAMPLE, cli

TEXT = (
    "KẾ HOẠCH\nTuyển dụng năm 2025\nI. NỘI DUNG\n"
    "1. Vị trí bảo vệ: chỉ tuyển nam, tuổi từ 20 đến 40.\n"
    "2. Vị trí lái xe: chỉ tuyển nam.\n"
)


def _file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bo-qua.yaml"
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


def test_suppressed_finding_moves_to_suppressed_with_its_reason() -> None:
    entry = SuppressEntry(rule="GM-DIS-001", reason="Đã giải trình: theo yêu cầu của Thông tư X")
    plain = review_text(TEXT)
    report = review_text(TEXT, suppress=[entry])
    dis = [f for f in plain.findings if f.rule_id == "GM-DIS-001"]
    assert len(dis) == 2
    assert not [f for f in report.findings if f.rule_id == "GM-DIS-001"]
    assert [(s.rule_id, s.text, s.reason) for s in report.suppressed] == [
        ("GM-DIS-001", "chỉ tuyển nam", entry.reason),
        ("GM-DIS-001", "chỉ tuyển nam", entry.reason),
    ]
    assert [s.fingerprint for s in report.suppressed] == [f.fingerprint for f in dis]
    wire = report.wire()
    assert wire["suppressed"][0]["reason"] == entry.reason


def test_section_narrows_a_suppression_to_one_clause() -> None:
    entry = SuppressEntry(rule="GM-DIS-001", reason="Vị trí bảo vệ: đã giải trình", section="I.1")
    report = review_text(TEXT, suppress=[entry])
    kept = [f for f in report.findings if f.rule_id == "GM-DIS-001"]
    assert [f.location.section for f in kept] == ["I.2"]
    assert [s.location.section for s in report.suppressed] == ["I.1"]


def test_cli_suppress_changes_exit_status_and_records_the_reason(tmp_path: Path) -> None:
    sup = _file(
        tmp_path,
        """
        schema_version: 1
        suppress:
          - rule: GM-DIS-001
            text: chỉ tuyển nam
            reason: "Đơn vị đã giải trình căn cứ tại văn bản số 12/GT"
        """,
    )
    assert cli("review", str(SAMPLE)).returncode == 1
    proc = cli("review", str(SAMPLE), "--suppress", str(sup), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert "GM-DIS-001" not in {f["rule_id"] for f in data["findings"]}
    assert data["suppressed"][0]["rule_id"] == "GM-DIS-001"
    assert data["suppressed"][0]["reason"].startswith("Đơn vị đã giải trình")
    text = cli("review", str(SAMPLE), "--suppress", str(sup)).stdout
    assert "bỏ qua GM-DIS-001" in text and text.rstrip().endswith("; 1 suppressed")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("schema_version: 1\nsuppress:\n  - rule: GM-DIS-001\n", "GM-E211"),
        ("schema_version: 1\nsuppress:\n  - rule: DIS1\n    reason: lý do đủ dài\n", "GM-E211"),
        ("schema_version: 1\nsuppress: [\n", "GM-E210"),
    ],
)
def test_bad_suppression_file_is_one_line_exit_two(tmp_path: Path, body: str, code: str) -> None:
    sup = tmp_path / "bad.yaml"
    sup.write_text(body, encoding="utf-8")
    with pytest.raises(RuleError) as exc:
        load_suppressions(sup)
    assert exc.value.code == code
    proc = cli("review", str(SAMPLE), "--suppress", str(sup))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "bad.yaml" in proc.stderr
    assert "Traceback" not in proc.stderr
