"""The batch summaries: summary.csv, findings.csv and an offline dashboard.html with charts.

Charts are inline SVG drawn here (no chart library, no network). Findings that repeat word
for word across many documents of one issuer — a template's boilerplate — are grouped once,
with the number of documents, instead of being listed hundreds of times.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gender_mainstream.report.csvout import (
    CSV_COLUMNS,
    as_text,
    clean_text,
    finding_row,
    write_rows,
)
from gender_mainstream.report.labels import (
    CATEGORY_NAMES,
    ELEMENT_NAMES,
    SEVERITY_NAMES,
    TYPE_NAMES,
)

__all__ = ["BOILERPLATE_MIN_DOCS", "summary_rows", "write_dashboard_files"]

BOILERPLATE_MIN_DOCS = 3
_ELEMENTS = list(ELEMENT_NAMES)
_CATEGORIES = list(CATEGORY_NAMES)


def _e(x: object) -> str:
    return html.escape(str(x), quote=True)


def _year(record: dict[str, Any]) -> str:
    date = (record.get("document") or {}).get("date")
    return str(date)[:4] if date else "không rõ"


def _label(value: Any) -> str:
    """Return a document field as text (a hand-edited record may hold a list or a number)."""
    return str(as_text(value))


def summary_rows(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per document: metadata, relevance, scorecard, counts."""
    rows = []
    for r in records:
        d = r.get("document") or {}
        b = r.get("batch") or {}
        findings = r.get("findings") or []
        sev = Counter(f["severity"] for f in findings)
        cat = Counter(f["category"] for f in findings)
        score = {s["id"]: s["status"] for s in r.get("scorecard") or []}
        errors = r.get("errors") or []
        topics = d.get("topics") or []
        row: dict[str, Any] = {
            "path": _label(b.get("path") or d.get("path")),
            "sha256": as_text(b.get("sha256") or d.get("sha256")),
            "ok": bool(b.get("ok", d.get("format") is not None)),
            "error_code": next((e["code"] for e in errors if e.get("level") == "error"), ""),
            "format": _label(d.get("format")),
            "doc_type": _label(d.get("doc_type")),
            "number": _label(d.get("number")),
            "date": _label(d.get("date")),
            "year": _year(r) if d.get("date") else "",
            "issuer": _label(d.get("issuer")),
            "title": _label(d.get("title")),
            "pages": as_text(d.get("pages") or ""),
            "gender_relevant": d.get("gender_relevant"),
            "topics": ";".join(map(_label, topics if isinstance(topics, list) else [topics])),
        }
        for el in _ELEMENTS:
            row[el] = score.get(el, "")
        row["findings"] = len(findings)
        for s in ("error", "warning", "info"):
            row[s] = sev.get(s, 0)
        for c in _CATEGORIES:
            row[c] = cat.get(c, 0)
        row["html"] = b.get("html") or ""
        row["seconds"] = b.get("seconds", "")
        rows.append(row)
    return rows


def _boilerplate(records: Sequence[dict[str, Any]]) -> dict[tuple[str, str, str], set[str]]:
    """(issuer, rule, text) -> documents, for findings repeated across documents of an issuer."""
    seen: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for r in records:
        issuer = _label((r.get("document") or {}).get("issuer")).upper()
        path = _label((r.get("batch") or {}).get("path") or (r.get("document") or {}).get("path"))
        for f in r.get("findings") or []:
            text = " ".join(_label(f.get("text") or f.get("message")).lower().split())
            seen[(issuer, f["rule_id"], text)].add(path)
    return {k: v for k, v in seen.items() if len(v) >= BOILERPLATE_MIN_DOCS}


def _findings_rows(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    groups = _boilerplate(records)
    group_id = {k: f"B{i + 1}" for i, k in enumerate(sorted(groups))}
    rows = []
    for r in records:
        d = r.get("document") or {}
        issuer = _label(d.get("issuer")).upper()
        path = _label((r.get("batch") or {}).get("path") or d.get("path"))
        for f in r.get("findings") or []:
            text = " ".join(_label(f.get("text") or f.get("message")).lower().split())
            row = finding_row(d, f)
            row.update(
                path=path,
                issuer=_label(d.get("issuer")),
                boilerplate_group=group_id.get((issuer, f["rule_id"], text), ""),
            )
            rows.append(row)
    return rows


# --- SVG charts ------------------------------------------------------------------------------


def _svg_open(title: str, width: int, height: int) -> str:
    return (
        f'<svg role="img" aria-label="{_e(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
    )


def _bars(
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    unit: str = "",
    width: int = 520,
    label_w: int = 220,
) -> str:
    """Draw a horizontal bar chart as inline SVG (long labels cut to fit, whole on hover)."""
    if not items:
        return f"<h3>{_e(title)}</h3><p class=muted>Không có dữ liệu.</p>"
    top = max(v for _, v in items) or 1
    row_h = 22
    parts = [_svg_open(title, width, row_h * len(items) + 8)]
    for i, (label, value) in enumerate(items):
        y = 4 + i * row_h
        w = (width - label_w - 60) * value / top
        fits = int(label_w / (8.2 if label.isupper() else 6.4))  # 12 px glyphs, with marks
        short = label if len(label) <= fits else label[: fits - 1] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"<title>{_e(label)}</title>{_e(short)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 7}" '
            f'fill="#3b6fb6" rx="2"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="12">'
            f"{value:g}{_e(unit)}</text>"
        )
    parts.append("</svg>")
    return f"<h3>{_e(title)}</h3>" + "".join(parts)


def _stacked(title: str, rows: Sequence[tuple[str, dict[str, float]]], width: int = 620) -> str:
    """Share of documents by status, one stacked bar per scorecard element."""
    colors = {"met": "#1b6e2e", "partial": "#c89b00", "missing": "#b3261e"}
    names = {"met": "Đã có", "partial": "Có một phần", "missing": "Chưa có"}
    row_h, label_w = 24, 260
    height = row_h * len(rows) + 30
    parts = [_svg_open(title, width, height)]
    for i, (label, shares) in enumerate(rows):
        y = 4 + i * row_h
        x = float(label_w)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{_e(label)}</text>"
        )
        for status in ("met", "partial", "missing"):
            w = (width - label_w - 20) * shares.get(status, 0.0)
            if w > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
                    f'fill="{colors[status]}"><title>{names[status]}: '
                    f"{shares[status] * 100:.0f}%</title></rect>"
                )
                if w > 30:
                    parts.append(
                        f'<text x="{x + 4:.1f}" y="{y + 15}" font-size="11" fill="#fff">'
                        f"{shares[status] * 100:.0f}%</text>"
                    )
                x += w
    legend_y = height - 10
    lx = label_w
    for status in ("met", "partial", "missing"):
        parts.append(
            f'<rect x="{lx}" y="{legend_y - 9}" width="10" height="10" fill="{colors[status]}"/>'
            f'<text x="{lx + 14}" y="{legend_y}" font-size="11">{names[status]}</text>'
        )
        lx += 110
    parts.append("</svg>")
    return f"<h3>{_e(title)}</h3>" + "".join(parts)


_CSS = """
body{font:14px/1.45 "Segoe UI",Arial,"Noto Sans",sans-serif;margin:0;color:#1d1f23;
background:#f7f8fa}main{max-width:1180px;margin:0 auto;padding:12px 20px}h1{font-size:22px}
h2{font-size:18px;border-bottom:2px solid #d9dce1;padding-bottom:4px;margin-top:28px}
h3{font-size:14px;margin:14px 0 4px}
.grid{display:flex;flex-wrap:wrap;gap:18px}.card{background:#fff;border:1px solid #d9dce1;
border-radius:8px;padding:8px 14px}.kpi{font-size:26px;font-weight:600}.muted{color:#5f6368}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
td,th{border:1px solid #d9dce1;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#eef0f3}a{color:#0b57d0}
"""


def _dashboard(records: Sequence[dict[str, Any]], rows: Sequence[dict[str, Any]]) -> str:
    ok = [r for r in rows if r["ok"]]
    relevant = [r for r in ok if r["gender_relevant"]]
    findings = [f for r in records for f in r.get("findings") or []]
    cat = Counter(f["category"] for f in findings)
    rule = Counter(f["rule_id"] for f in findings)
    sev = Counter(f["severity"] for f in findings)
    by_year: Counter[str] = Counter()
    by_issuer: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    for r, row in zip(records, rows, strict=True):
        n = row["findings"]
        by_year[_year(r)] += n
        by_issuer[row["issuer"] or "không rõ"] += n
        by_type[TYPE_NAMES.get(row["doc_type"], row["doc_type"] or "không rõ")] += n
    shares = []
    for el in _ELEMENTS:
        statuses = Counter(r[el] for r in relevant)
        total = sum(statuses[s] for s in ("met", "partial", "missing")) or 1
        shares.append(
            (ELEMENT_NAMES[el], {s: statuses[s] / total for s in ("met", "partial", "missing")})
        )
    # Review first: errors, then warnings, then missing scorecard elements.
    ranked = sorted(
        ok,
        key=lambda r: (
            -r["error"],
            -r["warning"],
            -sum(r[el] == "missing" for el in _ELEMENTS),
            r["path"] or "",
        ),
    )
    groups = _boilerplate(records)
    kpis = [
        ("Văn bản", len(rows)),
        ("Đọc được", len(ok)),
        ("Không đọc được", len(rows) - len(ok)),
        ("Liên quan đến giới", len(relevant)),
        ("Phát hiện", len(findings)),
        ("Lỗi", sev.get("error", 0)),
    ]
    out = [
        "<!DOCTYPE html><html lang=vi><head><meta charset=utf-8>",
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>Tổng hợp rà soát {len(rows)} văn bản</title>",
        f"<style>{_CSS}</style></head><body><main>",
        f"<h1>Tổng hợp rà soát lồng ghép giới — {len(rows)} văn bản</h1><div class=grid>",
    ]
    out += [
        f"<div class=card><div class=muted>{_e(k)}</div><div class=kpi>{v}</div></div>"
        for k, v in kpis
    ]
    out.append("</div><h2>Phát hiện</h2><div class=grid><div class=card>")
    out.append(_bars("Theo nhóm", [(CATEGORY_NAMES.get(k, k), v) for k, v in cat.most_common()]))
    out.append("</div><div class=card>")
    out.append(_bars("Theo quy tắc (20 quy tắc nhiều nhất)", rule.most_common(20)))
    out.append("</div><div class=card>")
    out.append(_bars("Theo năm ban hành", sorted(by_year.items())))
    out.append("</div><div class=card>")
    out.append(_bars("Theo loại văn bản", [(k, v) for k, v in by_type.most_common() if v]))
    out.append("</div><div class=card>")
    out.append(
        _bars(
            "Theo cơ quan ban hành (15 cơ quan nhiều nhất)",
            by_issuer.most_common(15),
            width=700,
            label_w=380,
        )
    )
    out.append("</div></div><h2>Lồng ghép giới trong các văn bản có liên quan</h2><div class=card>")
    out.append(
        _stacked(f"Tỷ lệ {len(relevant)} văn bản liên quan đến giới đáp ứng từng tiêu chí", shares)
    )
    out.append(
        "</div><h2>Văn bản cần rà soát trước</h2><table><tr><th>#</th><th>Văn bản</th>"
        "<th>Loại, số</th><th>Ngày</th><th>Lỗi</th><th>Cảnh báo</th><th>Tiêu chí thiếu</th></tr>"
    )
    for i, r in enumerate(ranked[:25], start=1):
        missing = sum(r[el] == "missing" for el in _ELEMENTS)
        link = f'<a href="{_e(r["html"])}">{_e(r["path"])}</a>' if r["html"] else _e(r["path"])
        out.append(
            f"<tr><td>{i}</td><td>{link}</td>"
            f"<td>{_e(TYPE_NAMES.get(r['doc_type'], r['doc_type']))} "
            f"{_e(r['number'])}</td><td>{_e(r['date'])}</td><td>{r['error']}</td>"
            f"<td>{r['warning']}</td><td>{missing}</td></tr>"
        )
    out.append("</table>")
    if groups:
        out.append(
            f"<h2>Nội dung lặp lại theo mẫu (từ {BOILERPLATE_MIN_DOCS} văn bản cùng cơ quan)</h2>"
            "<table><tr><th>Cơ quan</th><th>Quy tắc</th><th>Nội dung</th><th>Số văn bản</th></tr>"
        )
        for (issuer, rid, text), docs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            out.append(
                f"<tr><td>{_e(issuer or 'không rõ')}</td><td>{_e(rid)}</td>"
                f"<td>{_e(text[:160])}</td><td>{len(docs)}</td></tr>"
            )
        out.append("</table>")
    out.append(
        "<h2>Tất cả văn bản</h2><table><tr><th>Văn bản</th><th>Loại</th><th>Số</th>"
        "<th>Ngày</th><th>Cơ quan</th><th>Liên quan giới</th><th>Phát hiện</th>"
        "<th>Lỗi đọc</th></tr>"
    )
    for r in rows:
        link = f'<a href="{_e(r["html"])}">{_e(r["path"])}</a>' if r["html"] else _e(r["path"])
        rel = "" if not r["ok"] else ("có" if r["gender_relevant"] else "không")
        out.append(
            f"<tr><td>{link}</td><td>{_e(TYPE_NAMES.get(r['doc_type'], r['doc_type']))}</td>"
            f"<td>{_e(r['number'])}</td><td>{_e(r['date'])}</td><td>{_e(r['issuer'])}</td>"
            f"<td>{rel}</td><td>{r['findings']}</td><td>{_e(r['error_code'])}</td></tr>"
        )
    out.append(
        "</table><p class=muted>Mức độ: "
        + ", ".join(f"{SEVERITY_NAMES[s]} {sev.get(s, 0)}" for s in ("error", "warning", "info"))
        + ".</p></main></body></html>\n"
    )
    return "\n".join(out)


SUMMARY_COLUMNS = [
    "path",
    "sha256",
    "ok",
    "error_code",
    "format",
    "doc_type",
    "number",
    "date",
    "year",
    "issuer",
    "title",
    "pages",
    "gender_relevant",
    "topics",
    *_ELEMENTS,
    "findings",
    "error",
    "warning",
    "info",
    *_CATEGORIES,
    "html",
    "seconds",
]
FINDINGS_COLUMNS = [*CSV_COLUMNS[:4], "issuer", *CSV_COLUMNS[4:], "boilerplate_group"]


def write_dashboard_files(records: Sequence[dict[str, Any]], out_dir: Path) -> None:
    r"""Write summary.csv, findings.csv and dashboard.html (each atomically).

    The records are result records as `batch.read_results` returns them (dicts with a `batch`
    object). A path that is not valid UTF-8 is shown with its bytes as `\xNN`.
    """
    rows = summary_rows(records)
    files = {
        "summary.csv": write_rows(rows, SUMMARY_COLUMNS),
        "findings.csv": write_rows(_findings_rows(records), FINDINGS_COLUMNS),
        "dashboard.html": clean_text(_dashboard(records, rows)),
    }
    for name, text in files.items():
        tmp = out_dir / f".{name}.tmp"
        tmp.write_text(text, encoding="utf-8", newline="")
        tmp.replace(out_dir / name)
