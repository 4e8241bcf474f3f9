"""One self-contained HTML page per review: metadata, scorecard, findings, filters.

Everything the page needs is inline (CSS, a few lines of script); it makes no request, so it
works from a USB stick on an offline machine. Every piece of document text goes through
`html.escape`, and the Content-Security-Policy forbids anything that is not inline, so a
document holding "<script>" or '"><img onerror=…>' shows those characters and nothing else.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from gender_mainstream.model import Finding, Report
from gender_mainstream.report.labels import (
    CATEGORY_NAMES,
    ELEMENT_NAMES,
    SEVERITY_NAMES,
    STATUS_NAMES,
    TYPE_NAMES,
    report_title,
    topics_text,
    where,
)

__all__ = ["render_html"]

_CSS = """
:root{--err:#b3261e;--warn:#a15c00;--info:#00639b;--ok:#1b6e2e;--part:#8a6d00;--miss:#b3261e;
--na:#5f6368;--line:#d9dce1;--bg:#f7f8fa}
*{box-sizing:border-box}body{font:15px/1.5 "Segoe UI",Arial,"Noto Sans",sans-serif;margin:0;
color:#1d1f23;background:var(--bg)}header,main{max-width:1080px;margin:0 auto;padding:0 20px}
header{padding-top:18px}h1{font-size:21px;margin:6px 0}h2{font-size:18px;margin:26px 0 8px;
border-bottom:2px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px;
color:#3c4043}.doc{background:#fff;border:1px solid var(--line);border-radius:8px;padding:4px 18px
16px;margin:18px 0}table{border-collapse:collapse;width:100%;background:#fff}
td,th{border:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef0f3;font-weight:600}.meta td:first-child{width:180px;color:#5f6368}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:13px;font-weight:600;
color:#fff;white-space:nowrap}.s-error{background:var(--err)}.s-warning{background:var(--warn)}
.s-info{background:var(--info)}.st-met{background:var(--ok)}.st-partial{background:var(--part)}
.st-missing{background:var(--miss)}.st-not_applicable{background:var(--na)}
.finding{border:1px solid var(--line);border-left:5px solid var(--info);border-radius:6px;
padding:8px 12px;margin:8px 0;background:#fff}.finding.error{border-left-color:var(--err)}
.finding.warning{border-left-color:var(--warn)}.rid{font-family:monospace;font-size:13px}
.where{color:#5f6368;font-size:13px}.excerpt{background:#f4f5f7;border-radius:4px;padding:6px 8px;
margin:6px 0}mark{background:#ffe08a;padding:0 1px}.basis,.fix{font-size:14px;margin:4px 0}
.fix{color:#1b4d2e}.filters{position:sticky;top:0;background:var(--bg);padding:8px 0;
border-bottom:1px solid var(--line);z-index:1}.filters label{margin-right:14px;white-space:nowrap}
.count{color:#5f6368;font-size:13px;margin-left:8px}.ev{font-size:14px;margin:4px 0}
.hidden{display:none}footer{max-width:1080px;margin:24px auto;padding:0 20px;color:#5f6368;
font-size:13px}a{color:#0b57d0}
"""

_JS = """
(function(){
  var boxes=document.querySelectorAll('.filters input[type=checkbox]');
  function apply(){
    var on={};boxes.forEach(function(b){on[b.name+':'+b.value]=b.checked;});
    var shown=0;
    document.querySelectorAll('.finding').forEach(function(f){
      var vis=on['category:'+f.dataset.category]!==false
        &&on['severity:'+f.dataset.severity]!==false;
      f.classList.toggle('hidden',!vis);if(vis){shown++;}
    });
    document.querySelectorAll('.section').forEach(function(s){
      s.classList.toggle('hidden',s.querySelectorAll('.finding:not(.hidden)').length===0);
    });
    var c=document.getElementById('shown');if(c){c.textContent=String(shown);}
  }
  boxes.forEach(function(b){b.addEventListener('change',apply);});
  apply();
})();
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _excerpt(f: Finding) -> str:
    ex = f.excerpt
    if ex is None or not (0 <= ex.start <= ex.end <= len(ex.text)):
        return f'<div class="excerpt"><mark>{_e(f.text or "")}</mark></div>'
    return (
        f'<div class="excerpt">{_e(ex.text[: ex.start])}<mark>{_e(ex.text[ex.start : ex.end])}'
        f"</mark>{_e(ex.text[ex.end :])}</div>"
    )


def _finding(f: Finding) -> str:
    sev = f.severity.value
    cat = f.category.value
    out = [
        f'<div class="finding {sev}" data-category="{cat}" data-severity="{sev}" '
        f'id="f-{_e(f.fingerprint)}">',
        f'<div><span class="badge s-{sev}">{_e(SEVERITY_NAMES[sev])}</span> '
        f'<span class="rid">{_e(f.rule_id)}</span> · {_e(CATEGORY_NAMES[cat])} '
        f'<span class="where">— {_e(where(f))}</span></div>',
    ]
    if f.text is not None:
        out.append(_excerpt(f))
    out.append(f"<div>{_e(f.message)}</div>")
    if f.legal_basis:
        items = "; ".join(_e(b.citation) for b in f.legal_basis)
        out.append(f'<div class="basis"><b>Căn cứ:</b> {items}</div>')
    if f.suggestion:
        out.append(f'<div class="fix"><b>Gợi ý sửa:</b> {_e(f.suggestion)}</div>')
    out.append("</div>")
    return "\n".join(out)


def _scorecard(report: Report, n: int) -> str:
    meta = report.document
    if not report.scorecard:
        return ""
    relevance = (
        "Văn bản có liên quan đến bình đẳng giới"
        + (f" (chủ đề: {_e(topics_text(meta.topics))})" if meta.topics else "")
        if meta.gender_relevant
        else "Văn bản không liên quan đến bình đẳng giới: các tiêu chí không áp dụng"
    )
    rows = []
    evidence = []
    for item in report.scorecard:
        links = []
        for i, ev in enumerate(item.evidence, start=1):
            anchor = f"ev-{n}-{item.id}-{i}"
            links.append(f'<a href="#{anchor}">[{i}]</a>')
            loc = ev.location
            place = f"mục {loc.section}" if loc.section else ""
            evidence.append(
                f'<div class="ev" id="{anchor}"><b>{_e(ELEMENT_NAMES[item.id])} [{i}]</b> '
                f'<span class="where">{_e(place)}</span>: {_e(ev.text)}</div>'
            )
        rows.append(
            f'<tr><td>{_e(ELEMENT_NAMES[item.id])}</td><td><span class="badge st-{item.status}">'
            f"{_e(STATUS_NAMES[item.status])}</span></td><td>{' '.join(links) or '—'}</td></tr>"
        )
    return (
        "<h2>Lồng ghép vấn đề bình đẳng giới (Điều 21 Luật Bình đẳng giới)</h2>"
        f"<p>{relevance}.</p>"
        '<table class="scorecard"><tr><th>Tiêu chí</th><th>Đánh giá</th><th>Căn cứ trong văn bản'
        "</th></tr>" + "".join(rows) + "</table>" + "".join(evidence)
    )


def _metadata(report: Report) -> str:
    m = report.document
    rows = [
        ("Tệp", m.path),
        ("Loại văn bản", TYPE_NAMES.get(m.doc_type or "", m.doc_type)),
        ("Số, ký hiệu", m.number),
        ("Cơ quan ban hành", m.issuer),
        ("Địa danh, ngày", ", ".join(x for x in (m.place, m.date and m.date.isoformat()) if x)),
        ("Trích yếu", m.title),
        ("Số trang", m.pages),
        ("Mã SHA-256", m.sha256),
    ]
    body = "".join(
        f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in rows if v not in (None, "")
    )
    return f'<table class="meta">{body}</table>'


def _filters(reports: Sequence[Report]) -> str:
    cats = sorted({f.category.value for r in reports for f in r.findings})
    sevs = [
        s
        for s in ("error", "warning", "info")
        if any(f.severity.value == s for r in reports for f in r.findings)
    ]
    total = sum(len(r.findings) for r in reports)
    boxes = [
        f'<label><input type="checkbox" name="category" value="{c}" checked> '
        f"{_e(CATEGORY_NAMES[c])}</label>"
        for c in cats
    ] + [
        f'<label><input type="checkbox" name="severity" value="{s}" checked> '
        f"{_e(SEVERITY_NAMES[s])}</label>"
        for s in sevs
    ]
    return (
        f'<div class="filters">Lọc: {"".join(boxes)}'
        f'<span class="count">đang hiển thị <span id="shown">{total}</span>/{total} phát hiện'
        "</span></div>"
    )


def _document(report: Report, n: int) -> str:
    out = [f'<section class="doc" id="doc-{n}">', f"<h1>{_e(report_title(report))}</h1>"]
    out.append(_metadata(report))
    for issue in report.errors:
        out.append(f'<p class="where">⚠ {_e(issue.code)}: {_e(issue.message)}</p>')
    out.append(_scorecard(report, n))
    out.append(f"<h2>Phát hiện ({len(report.findings)})</h2>")
    if not report.findings:
        out.append("<p>Không có phát hiện.</p>")
    groups: dict[str, list[Finding]] = {}
    for f in sorted(report.findings, key=lambda f: f.location.start or -1):
        groups.setdefault(f.location.section or "", []).append(f)
    for section, findings in groups.items():
        title = f"Mục {section}" if section else "Toàn văn bản"
        out.append(f'<div class="section"><h3>{_e(title)}</h3>')
        out.extend(_finding(f) for f in findings)
        out.append("</div>")
    if report.suppressed:
        out.append(f"<h2>Đã bỏ qua theo tệp loại trừ ({len(report.suppressed)})</h2><ul>")
        out.extend(
            f"<li><span class=rid>{_e(s.rule_id)}</span> {_e(s.text or '')} — {_e(s.reason)}</li>"
            for s in report.suppressed
        )
        out.append("</ul>")
    out.append("</section>")
    return "\n".join(out)


def render_html(reports: Sequence[Report], *, title: str | None = None) -> str:
    """Render one or more reports as a single offline HTML page."""
    heading = title or (
        report_title(reports[0]) if len(reports) == 1 else f"Kết quả rà soát {len(reports)} văn bản"
    )
    tool = reports[0].tool if reports else None
    body = "\n".join(_document(r, n) for n, r in enumerate(reports, start=1))
    footer = (
        f"Tạo bởi {_e(tool.name)} {_e(tool.version)}, bộ quy tắc {_e(tool.rules_version)}. "
        "Kết quả rà soát tự động để cán bộ thẩm định tham khảo, kiểm tra lại."
        if tool
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
        f"<title>{_e(heading)}</title><style>{_CSS}</style></head><body>"
        f"<header><div class=where>Rà soát lồng ghép giới — gender-mainstream</div>"
        f"{_filters(reports)}</header><main>{body}</main><footer>{footer}</footer>"
        f"<script>{_JS}</script></body></html>\n"
    )
