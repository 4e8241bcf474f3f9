"""SARIF 2.1.0: findings for code-review and issue tools that read static-analysis results.

One run for the whole invocation: the rule pack as `tool.driver.rules` (help text, legal
basis, category), each reviewed file as an artifact (with its SHA-256), each finding as a
result with its region (line and character offsets for text files) and the finding's stable
fingerprint, so a tool can tell a new finding from one seen before.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gender_mainstream._version import __version__
from gender_mainstream.checks.loader import RulePack
from gender_mainstream.model import Finding, Report
from gender_mainstream.report.labels import CATEGORY_NAMES

__all__ = ["SARIF_SCHEMA", "render_sarif"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str | None) -> str:
    if not path:
        return "stdin"
    p = Path(path)
    return p.as_posix() if not p.is_absolute() else p.as_uri()


def _rule(spec: Any) -> dict[str, Any]:
    basis = [
        {
            "citation": ref.citation,
            "effective_from": ref.effective_from.isoformat() if ref.effective_from else None,
            "effective_to": ref.effective_to.isoformat() if ref.effective_to else None,
        }
        for ref in spec.legal_basis
    ]
    help_md = (spec.description or spec.message).strip()
    help_text = " ".join(help_md.replace("#", "").split())
    return {
        "id": spec.id,
        "name": spec.name,
        "shortDescription": {"text": spec.message.replace("'{match}'", "…")},
        "fullDescription": {"text": help_text[:1000]},
        "help": {
            "text": help_text + (f" Gợi ý: {spec.suggestion}" if spec.suggestion else ""),
            "markdown": help_md + (f"\n\n**Gợi ý:** {spec.suggestion}" if spec.suggestion else ""),
        },
        "defaultConfiguration": {"level": _LEVEL[spec.severity.value]},
        "properties": {
            "category": spec.category.value,
            "category_vi": CATEGORY_NAMES[spec.category.value],
            "legal_basis": basis,
            "tags": ["gender", spec.category.value],
        },
    }


def _result(f: Finding, uri: str, index: int, fmt: str | None) -> dict[str, Any]:
    loc = f.location
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "index": index}}
    if f.text is not None and loc.start is not None and loc.end is not None:
        region: dict[str, Any] = {
            "charOffset": loc.start,
            "charLength": loc.end - loc.start,
            "snippet": {"text": f.text},
        }
        if fmt == "txt" and loc.line is not None:
            region["startLine"] = loc.line
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if loc.section:
        location["logicalLocations"] = [{"name": loc.section, "kind": "section"}]
    text = f.message
    if f.suggestion:
        text += f" Gợi ý: {f.suggestion}"
    return {
        "ruleId": f.rule_id,
        "level": _LEVEL[f.severity.value],
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {"genderMainstream/v1": f.fingerprint},
        "properties": {
            "category": f.category.value,
            "confidence": f.confidence,
            "page": loc.page,
            "paragraph": loc.paragraph,
            "line": loc.line,
            "legal_basis": [b.citation for b in f.legal_basis],
        },
    }


def render_sarif(reports: Sequence[Report], pack: RulePack) -> dict[str, Any]:
    """Return the SARIF log (a JSON-ready dict) for the reports."""
    rules = [_rule(spec) for spec in pack.rules]
    index = {r["id"]: i for i, r in enumerate(rules)}
    artifacts: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for n, report in enumerate(reports):
        m = report.document
        uri = _uri(m.path)
        artifact: dict[str, Any] = {"location": {"uri": uri}}
        if m.sha256:
            artifact["hashes"] = {"sha-256": m.sha256}
        if m.format is not None:
            artifact["mimeType"] = {
                "txt": "text/plain",
                "pdf": "application/pdf",
                "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            }.get(m.format.value, "application/octet-stream")
        artifacts.append(artifact)
        fmt = m.format.value if m.format is not None else None
        for f in report.findings:
            result = _result(f, uri, n, fmt)
            if f.rule_id in index:
                result["ruleIndex"] = index[f.rule_id]
            results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "gender-mainstream",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                        "properties": {"rules_version": pack.version},
                    }
                },
                "artifacts": artifacts,
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
