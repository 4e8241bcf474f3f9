"""A draft of the gender part of an appraisal opinion (ý kiến thẩm định), Markdown or Word.

The justice office's opinion must answer the four points of Luật Bình đẳng giới Điều 21
khoản 3 (NĐ 48/2009 Điều 11): is a gender issue identified; are the principles of gender
equality respected; are the proposed solutions feasible; was the mainstreaming procedure of
khoản 1 followed. Each point gets a sentence chosen by the scorecard, the evidence found in the
draft, the findings that bear on it with their legal basis, and a request to the drafting
agency — in the register of an official opinion, to be checked and edited by the reviewer.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from gender_mainstream.checks.loader import RulePack
from gender_mainstream.model import Category, Finding, Report, ScoreItem
from gender_mainstream.report.labels import document_heading, topics_text, where

__all__ = ["Opinion", "build_opinion", "render_opinion_markdown", "write_opinion_docx"]


@dataclass
class Point:
    """One of the four points: a judgement, the evidence and the findings behind it."""

    title: str
    judgement: str
    evidence: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    request: str | None = None


@dataclass
class Opinion:
    """The draft opinion, format-neutral."""

    heading: str
    intro: str
    points: list[Point]
    conclusion: list[str]


_PRINCIPLE_CATEGORIES = {Category.DISCRIMINATION, Category.STEREOTYPE, Category.TERMINOLOGY}
_PROCEDURE_RULES_ON_PRINCIPLES = {"GM-PRO-001", "GM-PRO-002"}  # sex-based measures: Điều 19


def _status(report: Report, element: str) -> ScoreItem | None:
    return next((s for s in report.scorecard if s.id == element), None)


def _evidence(item: ScoreItem | None, limit: int = 3) -> list[str]:
    if item is None:
        return []
    out = []
    for ev in item.evidence[:limit]:
        place = f"mục {ev.location.section}: " if ev.location.section else ""
        out.append(f"{place}“{ev.text.strip()}”")
    return out


def _finding_line(f: Finding) -> str:
    quote = f"“{f.text}” ({where(f)}): " if f.text else f"({where(f)}) "
    line = quote + f.message
    if f.legal_basis:
        line += " Căn cứ: " + "; ".join(b.citation for b in f.legal_basis) + "."
    if f.suggestion:
        line += " Đề nghị: " + f.suggestion
    return line


_ISSUE = {
    "met": "Dự thảo đã xác định được vấn đề giới trong lĩnh vực điều chỉnh, có số liệu, "
    "thông tin minh chứng.",
    "partial": "Dự thảo mới đề cập bình đẳng giới ở mức nguyên tắc, mục tiêu chung; chưa xác "
    "định rõ vấn đề giới cụ thể (khoảng cách giữa nữ và nam, nguyên nhân) trong lĩnh vực "
    "điều chỉnh.",
    "missing": "Dự thảo chưa xác định vấn đề giới trong lĩnh vực điều chỉnh.",
}
_FEASIBLE = {
    ("met", "met"): "Dự thảo đã quy định trách nhiệm của cơ quan, tổ chức và nguồn lực để "
    "giải quyết vấn đề giới.",
}


def _feasibility(resp: str, res: str) -> str:
    if (resp, res) in _FEASIBLE:
        return _FEASIBLE[(resp, res)]
    parts = []
    parts.append(
        "trách nhiệm giải quyết vấn đề giới đã được giao"
        if resp == "met"
        else "chưa giao rõ trách nhiệm giải quyết vấn đề giới (mới phân công chung)"
        if resp == "partial"
        else "chưa quy định trách nhiệm giải quyết vấn đề giới"
    )
    parts.append(
        "nguồn lực đã được bố trí"
        if res == "met"
        else "nguồn lực mới được nêu chung, chưa gắn với hoạt động về giới"
        if res == "partial"
        else "chưa xác định nguồn lực"
    )
    return "Về tính khả thi: " + "; ".join(parts) + "."


def _elements(report: Report, pack: RulePack | None) -> dict[str, str | None]:
    """Map each mainstreaming finding's rule to the scorecard element it concerns."""
    if pack is None:
        from gender_mainstream.checks.loader import load_rules

        pack = load_rules()
    return {f.rule_id: getattr(pack.by_id.get(f.rule_id), "element", None) for f in report.findings}


_POINT_OF = {
    "gender_issue": 1,
    "responsibility": 3,
    "resources": 3,
    "impact_forecast": 4,
    "sex_disaggregated_data": 4,
    "monitoring": 4,
}


def build_opinion(report: Report, pack: RulePack | None = None) -> Opinion:
    """Assemble the four points from the report (no new checks are run)."""
    m = report.document
    element = _elements(report, pack)

    def mainstreaming(point: int) -> list[str]:
        # Document-level gaps go to the point of their element; span findings (targets below
        # the national ones) to feasibility.
        return [
            _finding_line(f)
            for f in report.findings
            if f.category == Category.MAINSTREAMING
            and _POINT_OF.get(element.get(f.rule_id) or "", 3) == point
        ]

    heading = "Ý KIẾN THẨM ĐỊNH VỀ VIỆC LỒNG GHÉP VẤN ĐỀ BÌNH ĐẲNG GIỚI"
    subject = document_heading(m) + (f" “{m.title}”" if m.title else "")
    if not m.gender_relevant:
        intro = (
            f"Qua nghiên cứu dự thảo {subject}, cơ quan thẩm định nhận thấy dự thảo không điều "
            "chỉnh vấn đề có liên quan đến bình đẳng giới; do đó không đặt ra yêu cầu lồng ghép "
            "vấn đề bình đẳng giới theo khoản 1 Điều 21 Luật Bình đẳng giới."
        )
    else:
        topics = f" (lĩnh vực: {topics_text(m.topics)})" if m.topics else ""
        intro = (
            f"Dự thảo {subject} có nội dung liên quan đến bình đẳng giới{topics}. Theo khoản 3 "
            "Điều 21 Luật Bình đẳng giới và Điều 11 Nghị định số 48/2009/NĐ-CP, cơ quan thẩm định "
            "có ý kiến về việc lồng ghép vấn đề bình đẳng giới trong dự thảo như sau:"
        )
    by_cat: dict[Category, list[Finding]] = {}
    for f in report.findings:
        by_cat.setdefault(f.category, []).append(f)

    issue = _status(report, "gender_issue")
    p1 = Point(
        "1. Về việc xác định vấn đề giới",
        _ISSUE.get(issue.status if issue else "", "Không áp dụng."),
        _evidence(issue),
        mainstreaming(1),
        None
        if issue is None or issue.status == "met"
        else "Đề nghị cơ quan chủ trì soạn thảo bổ sung phân tích thực trạng, nêu rõ vấn đề giới "
        "(có số liệu tách biệt theo giới tính) trong lĩnh vực dự thảo điều chỉnh.",
    )
    principle = [
        f
        for f in report.findings
        if f.category in _PRINCIPLE_CATEGORIES or f.rule_id in _PROCEDURE_RULES_ON_PRINCIPLES
    ]
    n_disc = sum(f.category == Category.DISCRIMINATION for f in principle)
    p2 = Point(
        "2. Về việc bảo đảm các nguyên tắc cơ bản về bình đẳng giới",
        (
            "Chưa phát hiện quy định phân biệt đối xử về giới hoặc nội dung mang định kiến giới "
            "trong dự thảo."
            if not principle
            else f"Dự thảo còn {len(principle)} nội dung cần xem xét theo nguyên tắc tại Điều 6 "
            "Luật Bình đẳng giới"
            + (
                f", trong đó {n_disc} nội dung có dấu hiệu phân biệt đối xử về giới"
                if n_disc
                else ""
            )
            + ":"
        ),
        [],
        [_finding_line(f) for f in principle],
        None
        if not principle
        else "Đề nghị cơ quan chủ trì soạn thảo chỉnh lý các nội dung trên; biện pháp thúc đẩy "
        "bình đẳng giới chỉ được áp dụng khi có căn cứ tại văn bản của Quốc hội, Ủy ban Thường vụ "
        "Quốc hội, Chính phủ (khoản 3 Điều 19 Luật Bình đẳng giới).",
    )
    resp, res = _status(report, "responsibility"), _status(report, "resources")
    data, mon = _status(report, "sex_disaggregated_data"), _status(report, "monitoring")
    feasibility = mainstreaming(3)
    p3 = Point(
        "3. Về tính khả thi của việc giải quyết vấn đề giới",
        _feasibility(resp.status if resp else "missing", res.status if res else "missing"),
        _evidence(resp, 2) + _evidence(res, 2),
        feasibility,
        None
        if (resp and resp.status == "met" and res and res.status == "met")
        else "Đề nghị quy định rõ cơ quan chịu trách nhiệm và bố trí nguồn lực cho các hoạt động "
        "giải quyết vấn đề giới đã xác định.",
    )
    impact = _status(report, "impact_forecast")
    procedure = [
        f
        for f in by_cat.get(Category.PROCEDURE, [])
        if f.rule_id not in _PROCEDURE_RULES_ON_PRINCIPLES
    ]
    other_gaps = mainstreaming(4)
    done = impact is not None and impact.status == "met"
    p4 = Point(
        "4. Về việc thực hiện trình tự, thủ tục lồng ghép vấn đề bình đẳng giới",
        (
            "Hồ sơ dự thảo đã có đánh giá, dự báo tác động của văn bản đối với nữ và nam."
            if done
            else "Hồ sơ dự thảo chưa thể hiện việc dự báo tác động của văn bản đối với nữ và nam "
            "(điểm b khoản 1 Điều 21 Luật Bình đẳng giới)."
        )
        + (
            ""
            if data is None
            else " Số liệu, chỉ tiêu tách biệt theo giới tính: "
            + {"met": "đã có", "partial": "mới có một phần", "missing": "chưa có"}.get(
                data.status, "không áp dụng"
            )
            + "."
        )
        + (
            ""
            if mon is None
            else " Cơ chế theo dõi, báo cáo về giới: "
            + {"met": "đã có", "partial": "mới quy định chung", "missing": "chưa có"}.get(
                mon.status, "không áp dụng"
            )
            + "."
        ),
        _evidence(impact, 2) + _evidence(data, 2),
        other_gaps + [_finding_line(f) for f in procedure],
        None
        if done and not procedure
        else "Đề nghị bổ sung báo cáo lồng ghép vấn đề bình đẳng giới, số liệu tách biệt theo "
        "giới tính vào hồ sơ dự thảo; cập nhật căn cứ pháp lý và cơ quan có thẩm quyền theo quy "
        "định hiện hành.",
    )
    points = [p1, p2, p3, p4] if m.gender_relevant else [p2] if principle else []
    requests = [p.request for p in points if p.request]
    conclusion = (
        ["Dự thảo cơ bản bảo đảm yêu cầu lồng ghép vấn đề bình đẳng giới."]
        if not requests
        else [
            "Đề nghị cơ quan chủ trì soạn thảo tiếp thu, chỉnh lý dự thảo theo các ý kiến nêu "
            "trên trước khi trình cấp có thẩm quyền xem xét, quyết định."
        ]
    )
    if report.suppressed:
        conclusion.append(
            f"({len(report.suppressed)} nội dung đã được cán bộ thẩm định xem xét và bỏ qua có "
            "lý do, không nêu trong ý kiến này.)"
        )
    return Opinion(heading, intro, points, conclusion)


def render_opinion_markdown(report: Report, pack: RulePack | None = None) -> str:
    """Return the draft opinion as Markdown."""
    op = build_opinion(report, pack)
    out = [f"# {op.heading}", "", op.intro, ""]
    for p in op.points:
        out += [f"## {p.title}", "", p.judgement, ""]
        if p.evidence:
            out.append("Nội dung trong dự thảo:")
            out += [f"- {e}" for e in p.evidence]
            out.append("")
        if p.findings:
            out += [f"- {f}" for f in p.findings]
            out.append("")
        if p.request:
            out += [p.request, ""]
    out += ["## Kết luận", "", *op.conclusion, ""]
    out.append(
        "_Dự thảo ý kiến do công cụ gender-mainstream lập từ kết quả rà soát tự động; cán bộ "
        "thẩm định kiểm tra, chỉnh sửa trước khi sử dụng._"
    )
    return "\n".join(out) + "\n"


def write_opinion_docx(report: Report, path: str | Path, pack: RulePack | None = None) -> None:
    """Write the draft opinion as a Word document (Times New Roman 14, as official texts use)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    op = build_opinion(report, pack)
    d = docx.Document()
    style = d.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    title = d.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(op.heading)
    run.bold = True
    d.add_paragraph(op.intro)
    for p in op.points:
        d.add_paragraph().add_run(p.title).bold = True
        d.add_paragraph(p.judgement)
        if p.evidence:
            d.add_paragraph("Nội dung trong dự thảo:")
            for e in p.evidence:
                d.add_paragraph(e, style="List Bullet")
        for f in p.findings:
            d.add_paragraph(f, style="List Bullet")
        if p.request:
            d.add_paragraph(p.request)
    d.add_paragraph().add_run("Kết luận").bold = True
    for c in op.conclusion:
        d.add_paragraph(c)
    note = d.add_paragraph()
    note.add_run(
        "Dự thảo ý kiến do công cụ gender-mainstream lập từ kết quả rà soát tự động; cán bộ thẩm "
        "định kiểm tra, chỉnh sửa trước khi sử dụng."
    ).italic = True
    # Built in memory, written in one call: a full disk then fails on a plain write, not
    # inside the zip writer (whose clean-up would print a traceback).
    buffer = io.BytesIO()
    d.save(buffer)
    Path(path).write_bytes(buffer.getvalue())
