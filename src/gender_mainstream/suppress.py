"""Per-document suppression: a reviewer silences a finding by rule id, and must say why.

Suppressed findings are not dropped: the report lists them under `suppressed` with the reason,
so the decision stays auditable. A suppression file is YAML::

    schema_version: 1
    suppress:
      - rule: GM-DIS-001
        reason: "Vị trí bảo vệ có yêu cầu riêng theo Thông tư …"
        text: "chỉ tuyển nam"      # optional: only findings whose text contains this
        section: "II.1.2.a"        # optional: only in this section
        document: "*.docx"         # optional: file-name pattern or sha256 (batch runs)
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gender_mainstream.errors import RuleError
from gender_mainstream.model import Finding, Metadata, Suppression

__all__ = ["SuppressEntry", "apply_suppressions", "load_suppressions"]


class SuppressEntry(BaseModel):
    """One suppression: which findings, and the reviewer's reason."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str = Field(pattern=r"^GM-[A-Z]{3}-\d{3}$")
    reason: str = Field(min_length=5, description="why the finding does not apply (required)")
    text: str | None = None
    section: str | None = None
    document: str | None = None

    def matches(self, finding: Finding, meta: Metadata) -> bool:
        """Return True if this entry silences the finding in this document."""
        if finding.rule_id != self.rule:
            return False
        if self.text is not None and (
            finding.text is None or self.text.lower() not in finding.text.lower()
        ):
            return False
        if self.section is not None and finding.location.section != self.section:
            return False
        if self.document is not None:
            name = Path(meta.path or "").name
            if self.document != meta.sha256 and not fnmatch.fnmatch(name, self.document):
                return False
        return True


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1]
    suppress: list[SuppressEntry]


def load_suppressions(path: str | Path) -> list[SuppressEntry]:
    """Read a suppression file.

    Raises:
        RuleError: the file is missing, not YAML, or an entry lacks a reason.

    """
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(
            p, f"cannot read the suppression file ({exc})", "fix the file or the path", "GM-E210"
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleError(
            p, f"{where}invalid YAML ({problem})", "fix the YAML syntax", "GM-E210"
        ) from exc
    try:
        return _File.model_validate(data).suppress
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        raise RuleError(
            p,
            f"invalid suppression at {where}: {err['msg']}",
            "each entry needs 'rule' and a 'reason' of a few words",
            "GM-E211",
        ) from exc


def apply_suppressions(
    findings: list[Finding], meta: Metadata, entries: Sequence[SuppressEntry]
) -> tuple[list[Finding], list[Suppression]]:
    """Split findings into (kept, suppressed with their reasons)."""
    kept: list[Finding] = []
    suppressed: list[Suppression] = []
    for f in findings:
        entry = next((e for e in entries if e.matches(f, meta)), None)
        if entry is None:
            kept.append(f)
        else:
            suppressed.append(
                Suppression(
                    rule_id=f.rule_id,
                    reason=entry.reason,
                    fingerprint=f.fingerprint,
                    text=f.text,
                    location=f.location,
                )
            )
    return kept, suppressed
