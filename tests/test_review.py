"""The review engine's judgements: time, relevance, scorecard, context, numbers, macros."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gender_mainstream import load_rules, parse_text, review_text
from gender_mainstream.checks.numeric import sex_ages
from gender_mainstream.errors import RuleError
from gender_mainstream.model import Report, Severity
from gender_mainstream.nlp import analyze


def _doc(date: str, body: str, kind: str = "QUYẾT ĐỊNH") -> str:
    return (
        "ỦY BAN NHÂN DÂN TỈNH AN THẠNH\n"
        "Số: 15/2011/QĐ-UBND\n"
        f"An Thạnh, ngày {date}\n"
        f"{kind}\nVề một số chính sách\n" + textwrap.dedent(body).strip() + "\n"
    )


def _status(report: Report) -> dict[str, str]:
    return {s.id: s.status for s in report.scorecard}


# --- time-aware legal basis -----------------------------------------------------------


def test_working_age_60_55_is_info_in_2009_and_warning_in_2025() -> None:
    body = (
        "Điều 1. Đối tượng là người trong độ tuổi lao động "
        "(nam từ 15 đến 60 tuổi, nữ từ 15 đến 55 tuổi)."
    )
    old = review_text(_doc("10 tháng 6 năm 2009", body))
    new = review_text(_doc("10 tháng 6 năm 2025", body))
    f_old = next(f for f in old.findings if f.rule_id == "GM-PRO-007")
    f_new = next(f for f in new.findings if f.rule_id == "GM-PRO-007")
    assert (f_old.severity, f_new.severity) == (Severity.INFO, Severity.WARNING)
    assert "ban hành ngày 10/06/2009" in f_old.message
    # The 2009 text is judged by the code of its time, with today's law named as current.
    assert any("10/2012/QH13" in b.citation for b in f_old.legal_basis) is False  # not yet in force
    assert any(b.citation.endswith("(quy định hiện hành)") for b in f_old.legal_basis)
    assert [b.citation for b in f_new.legal_basis if "45/2019/QH14" in b.citation]


def test_five_year_age_gap_is_outdated_before_2021_and_discrimination_after() -> None:
    body = "Điều 2. Tuổi bổ nhiệm lần đầu: nam không quá 55 tuổi, nữ không quá 50 tuổi."
    old = {f.rule_id: f for f in review_text(_doc("12 tháng 5 năm 2011", body)).findings}
    new = {f.rule_id: f for f in review_text(_doc("12 tháng 5 năm 2024", body)).findings}
    assert "GM-PRO-008" in old and "GM-DIS-012" not in old
    assert old["GM-PRO-008"].severity == Severity.INFO
    assert "GM-DIS-012" in new and "GM-PRO-008" not in new
    assert new["GM-DIS-012"].text == "nam không quá 55 tuổi, nữ không quá 50 tuổi"


def test_outdated_agency_is_flagged_only_after_the_2025_reorganisation() -> None:
    body = (
        "Điều 3. Giao Sở Lao động - Thương binh và Xã hội chủ trì theo dõi công tác bình đẳng giới."
    )
    old = review_text(_doc("12 tháng 5 năm 2024", body)).findings
    new = review_text(_doc("12 tháng 5 năm 2025", body)).findings
    # A 2024 text named the agency of its day; its gender task is only noted for amendment.
    assert [(f.rule_id, f.severity) for f in old if f.category == "procedure"] == [
        ("GM-PRO-018", Severity.INFO)
    ]
    other = "Điều 3. Giao Sở Lao động - Thương binh và Xã hội tổng hợp số người tham gia bảo hiểm."
    assert not [
        f
        for f in review_text(_doc("12 tháng 5 năm 2024", other)).findings
        if f.category == "procedure"
    ]
    assert [(f.rule_id, f.severity) for f in new if f.category == "procedure"] == [
        ("GM-PRO-005", Severity.WARNING)
    ]


def _undated(body: str) -> str:
    # A copy whose header (number, place and date) was cut, as in crawled archives.
    return "QUYẾT ĐỊNH\nVề một số chính sách\n" + textwrap.dedent(body).strip() + "\n"


def test_an_undated_text_is_dated_by_the_newest_dates_it_cites() -> None:
    body = """
    Căn cứ Quyết định số 555/2007/QĐ-TTg ngày 30/5/2007 của Thủ tướng Chính phủ;
    Căn cứ Nghị định số 55/2009/NĐ-CP ngày 03/6/2009 của Chính phủ;
    Điều 1. Giao Sở Lao động - Thương binh và Xã hội chủ trì theo dõi công tác bình đẳng giới.
    """
    findings = [f for f in review_text(_undated(body)).findings if f.rule_id == "GM-PRO-003"]
    assert [f.severity for f in findings] == [Severity.INFO]
    assert "mốc thời gian muộn nhất nêu trong văn bản là năm 2009" in findings[0].message
    # The same text with a 2025 header is judged as a 2025 text.
    dated = review_text(_doc("12 tháng 5 năm 2025", body)).findings
    assert [f.severity for f in dated if f.rule_id == "GM-PRO-003"] == [Severity.WARNING]
    # A newer citation moves the estimate past the repeal: a warning again.
    newer = body + "Căn cứ Nghị định số 120/2025/NĐ-CP ngày 11/6/2025 của Chính phủ;\n"
    assert [
        f.severity for f in review_text(_undated(newer)).findings if f.rule_id == "GM-PRO-003"
    ] == [Severity.WARNING]


def test_one_citation_does_not_date_a_pasted_clause() -> None:
    clause = "Căn cứ Nghị định số 55/2009/NĐ-CP, giao Sở Lao động - Thương binh và Xã hội theo dõi."
    findings = [f for f in review_text(clause).findings if f.category == "procedure"]
    assert findings and all(f.severity == Severity.WARNING for f in findings)
    assert not any("không ghi ngày" in f.message for f in findings)


# --- relevance and the scorecard --------------------------------------------------------

PLAN = """
KẾ HOẠCH
Hỗ trợ học nghề cho lao động nông thôn năm 2026
I. THỰC TRẠNG
{issue}
II. NỘI DUNG
1. Mở 05 lớp đào tạo nghề cho 150 lao động nông thôn{target}.
III. KINH PHÍ
{funding}
IV. TỔ CHỨC THỰC HIỆN
1. Phòng Văn hóa - Xã hội chủ trì tổ chức các lớp học; {task}
2. Đề nghị Hội Liên hiệp Phụ nữ xã phối hợp tuyên truyền.
{report}
"""


def _plan(**parts: str) -> Report:
    values = {"issue": "", "target": "", "funding": "", "task": "", "report": ""} | parts
    return review_text(textwrap.dedent(PLAN).format(**values))


def test_bare_plan_is_relevant_with_partial_and_missing_elements() -> None:
    report = _plan(
        issue="Lao động nông thôn thiếu việc làm ổn định.", funding="Từ nguồn hợp pháp khác."
    )
    assert report.document.gender_relevant is True
    assert _status(report) == {
        "gender_issue": "missing",
        "impact_forecast": "missing",
        "responsibility": "partial",
        "resources": "partial",
        "sex_disaggregated_data": "missing",
        "monitoring": "missing",
    }
    mai = {f.rule_id for f in report.findings if f.category == "mainstreaming"}
    assert {"GM-MAI-002", "GM-MAI-005", "GM-MAI-006"} <= mai
    assert all(f.text is None and f.location.section for f in report.findings if f.rule_id in mai)


def test_mainstreamed_plan_meets_every_element_it_addresses() -> None:
    report = _plan(
        issue="Lao động nữ chiếm 58% lao động nông nghiệp nhưng mới chiếm 31% số học viên.",
        target=", trong đó lao động nữ chiếm ít nhất 50%",
        funding="Kinh phí hỗ trợ lao động nữ học nghề là 120 triệu đồng.",
        task="theo dõi số học viên nữ, nam; hỗ trợ lao động nữ tham gia",
        report="3. Báo cáo kết quả, trong đó nêu số lượt nữ, nam tham gia, trước ngày 15/12/2026.",
    )
    assert _status(report) == {
        "gender_issue": "met",
        "impact_forecast": "missing",
        "responsibility": "met",
        "resources": "met",
        "sex_disaggregated_data": "met",
        "monitoring": "met",
    }


def test_organisation_name_alone_is_not_a_gender_task() -> None:
    # "Hội Liên hiệp Phụ nữ … phối hợp" holds "phụ nữ" and "phối hợp", but assigns no gender task.
    report = _plan(issue="Lao động nông thôn thiếu việc làm.")
    assert _status(report)["responsibility"] == "partial"


def test_one_figure_by_sex_is_partial_two_or_a_target_is_met() -> None:
    one = _plan(issue="Năm 2025 có 312 học viên, trong đó 87% là nữ.")
    two = _plan(
        issue="Năm 2025 có 312 học viên, trong đó 87% là nữ. "
        "Có 40 người là nam giới học nghề cơ khí."
    )
    target = _plan(target=", trong đó lao động nữ chiếm ít nhất 50%")
    assert [_status(r)["sex_disaggregated_data"] for r in (one, two, target)] == [
        "partial",
        "met",
        "met",
    ]


def test_administrative_text_is_not_relevant_and_gets_not_applicable() -> None:
    text = _doc(
        "12 tháng 5 năm 2025",
        """
        Về việc công bố danh mục thủ tục hành chính lĩnh vực đường bộ
        Điều 1. Công bố kèm theo Quyết định này 12 thủ tục hành chính.
        Điều 2. Giao Sở Xây dựng cập nhật trên Cổng dịch vụ công; bà Nguyễn Thị Nữ phụ trách.
        """,
    )
    report = review_text(text)
    assert report.document.gender_relevant is False
    assert set(_status(report).values()) == {"not_applicable"}
    assert [f for f in report.findings if f.category == "mainstreaming"] == []


def test_a_text_that_treats_the_sexes_apart_is_gender_relevant() -> None:
    text = _doc(
        "12 tháng 5 năm 2025",
        """
        Về việc kiện toàn Tổ công nghệ số cộng đồng
        Điều 1. Kiện toàn Tổ công nghệ số cộng đồng tại các thôn.
        Điều 2. Thành viên ưu tiên là đoàn viên thanh niên nam.
        """,
    )
    report = review_text(text)
    assert "GM-DIS-002" in {f.rule_id for f in report.findings}
    assert report.document.gender_relevant is True
    assert "not_applicable" not in set(_status(report).values())


# --- context -----------------------------------------------------------------------------


def test_list_items_inherit_the_prohibition_of_their_lead_in() -> None:
    items = "a) Chỉ tuyển nam vào vị trí kế toán;\nb) Ưu tiên nam khi xét nâng lương.\n"
    text = "Nghiêm cấm các hành vi sau:\n" + items
    assert review_text(text).findings == []
    alone = "Quy định tuyển dụng:\n" + items
    assert [f.rule_id for f in review_text(alone).findings] == ["GM-DIS-001", "GM-DIS-002"]


def test_lead_in_of_items_and_table_rows() -> None:
    doc = parse_text(
        "Không xem xét bổ nhiệm các trường hợp sau:\n"
        "a) Đang bị kỷ luật;\n"
        "b) Đang nghỉ chế độ thai sản.\n"
        "Bảng tiêu chuẩn:\n"
        "| Vị trí | Yêu cầu |\n"
        "| Bảo vệ | Nam, cao từ 1m65 |\n"
    )
    adoc = analyze(doc, with_fold=False)
    texts = [p.text for p in doc.paragraphs]
    item = texts.index("b) Đang nghỉ chế độ thai sản.")
    row = texts.index("| Bảo vệ | Nam, cao từ 1m65 |")
    assert [texts[q] for q in adoc.lead_in(item)] == ["Không xem xét bổ nhiệm các trường hợp sau:"]
    assert [texts[q] for q in adoc.lead_in(row)] == ["| Vị trí | Yêu cầu |", "Bảng tiêu chuẩn:"]
    findings = review_text(
        "Không xem xét bổ nhiệm các trường hợp sau:\n"
        "a) Đang bị kỷ luật;\nb) Đang nghỉ chế độ thai sản.\n"
    ).findings
    assert [(f.rule_id, f.text) for f in findings] == [("GM-DIS-019", "Đang nghỉ chế độ thai sản")]


@pytest.mark.parametrize(
    "text",
    [
        "Ông Nguyễn Văn Nam, Trưởng thôn, được giao chỉ tuyển Nam Định làm điểm.",
        "Trong 25 học viên tham gia có 12 học viên là nữ.",
        "Khắc phục tình trạng chỉ tuyển nam ở một số doanh nghiệp.",
        "Lao động nữ mang thai từ tháng thứ 7 không được làm việc ban đêm.",
        "Ưu tiên nữ trong trường hợp có đủ điều kiện, tiêu chuẩn như nam.",
    ],
)
def test_near_misses_are_not_flagged(text: str) -> None:
    assert [(f.rule_id, f.text) for f in review_text(text).findings] == []


# --- numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "bands"),
    [
        ("nam từ 18 đến 45 tuổi, nữ từ 18 đến 40 tuổi", [("m", 18, 45), ("f", 18, 40)]),
        (
            "từ 15 đến 60 tuổi đối với nam, từ 15 đến 55 tuổi đối với nữ",
            [("m", 15, 60), ("f", 15, 55)],
        ),
        ("độ tuổi: dưới 45 (nam) hoặc dưới 40 (nữ)", [("m", None, 45), ("f", None, 40)]),
        ("độ tuổi: nam 18 - 45, nữ 18 - 40", [("m", 18, 45), ("f", 18, 40)]),
        ("có 45 nam và 40 nữ tham gia, tuổi trung bình 30", []),
        ("nam 60 tuổi trở lên được miễn phí, phụ nữ có thai được ưu tiên", [("m", 60, None)]),
    ],
)
def test_sex_ages(sentence: str, bands: list[tuple[str, int | None, int | None]]) -> None:
    assert [(b.sex, b.low, b.high) for b in sex_ages(sentence)] == bands


def test_age_limits_on_separate_list_items_are_compared() -> None:
    text = (
        "Độ tuổi tại thời điểm nộp hồ sơ:\n"
        "- Lao động nam: từ đủ 18 tuổi đến hết 40 tuổi;\n"
        "- Lao động nữ: từ đủ 18 tuổi đến hết 35 tuổi.\n"
    )
    (finding,) = review_text(text).findings
    assert (finding.rule_id, finding.text) == (
        "GM-DIS-012",
        "Lao động nữ: từ đủ 18 tuổi đến hết 35 tuổi",
    )
    assert "nam (18–40 tuổi) và nữ (18–35 tuổi)" in finding.message


# --- user rule folders: macros and requires ---------------------------------------------------


def _rule(folder: Path, body: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "GM-USR-001-demo.yaml").write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")


RULE = """
schema_version: 1
id: GM-USR-001
name: demo
type: pattern
category: discrimination
severity: warning
message: "Điều kiện '{{match}}' theo giới tính."
legal_basis: [{{citation: "Điều 13 Luật Bình đẳng giới số 73/2006/QH11"}}]
suggestion: "Bỏ điều kiện."
patterns:
  - regex: "{regex}"
    anchors: [{anchor}]
requires: [điều kiện]
examples:
  flag: ["Điều kiện: [[thợ lặn nam]]."]
  pass: ["Có 3 thợ lặn nam trong đội."]
"""


def test_user_rule_uses_macros_and_requires(tmp_path: Path) -> None:
    (tmp_path / "macros.yaml").write_text(
        'schema_version: 1\nmacros:\n  JOB: "thợ lặn|thợ hàn"\n', encoding="utf-8"
    )
    _rule(tmp_path, RULE.format(regex="(?:{{JOB}})\\\\s+(?P<sex>{{MALE}})", anchor="thợ"))
    pack = load_rules([tmp_path])
    rule = pack.get("GM-USR-001")
    assert "thợ lặn|thợ hàn" in rule.patterns[0].regex  # type: ignore[attr-defined]
    assert [
        f.text
        for f in review_text("Điều kiện: thợ lặn nam.", rules=pack).findings
        if f.rule_id == "GM-USR-001"
    ] == ["thợ lặn nam"]
    assert not [
        f
        for f in review_text("Có 3 thợ lặn nam trong đội.", rules=pack).findings
        if f.rule_id == "GM-USR-001"
    ]


def test_unknown_macro_is_a_rule_error_with_a_guess(tmp_path: Path) -> None:
    _rule(tmp_path, RULE.format(regex="(?:{{PERSN}})\\\\s+nam", anchor="nam"))
    with pytest.raises(RuleError) as exc:
        load_rules([tmp_path])
    assert exc.value.code == "GM-E212"
    assert "unknown macro {{PERSN}}" in str(exc.value) and "did you mean {{PERSON}}" in str(
        exc.value
    )


# --- ages split by sex in table columns ---------------------------------------------------


def test_age_columns_of_a_word_table_are_compared_row_by_row(tmp_path: Path) -> None:
    import docx

    from gender_mainstream import review_file

    d = docx.Document()
    d.add_paragraph("Điều 3. Độ tuổi cử đi đào tạo")
    d.add_paragraph("Cán bộ được cử đi học có độ tuổi không quá:")
    table = d.add_table(rows=3, cols=3)
    rows = [
        ("Trình độ", "Tuổi tối đa (nam)", "Tuổi tối đa (nữ)"),
        ("Thạc sĩ", "40", "35"),
        ("Tiến sĩ", "45", "40"),
    ]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    stats = d.add_table(rows=2, cols=3)  # counts by sex under an age heading: statistics
    for c, value in enumerate(("Nhóm tuổi", "Nam", "Nữ")):
        stats.cell(0, c).text = value
    for c, value in enumerate(("18 - 30", "45", "40")):
        stats.cell(1, c).text = value
    path = tmp_path / "tuoi.docx"
    d.save(str(path))
    found = [f for f in review_file(path).findings if f.rule_id == "GM-DIS-012"]
    assert [f.text for f in found] == ["Tuổi tối đa (nữ)"]
    assert (found[0].location.table, found[0].location.row, found[0].location.cell) == (1, 1, 3)
    assert "nam (tối đa 40 tuổi) và nữ (tối đa 35 tuổi)" in found[0].message
