"""Findings, the scorecard and the review report: the §3.2 JSON contract, as pydantic models."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gender_mainstream.model.document import DocIssue, Location, Metadata

REPORT_SCHEMA_VERSION: Literal["1"] = "1"


class Severity(StrEnum):
    """How much a finding matters; `--fail-on` compares against this order."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """Return 0 for info, 1 for warning, 2 for error."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Category(StrEnum):
    """What kind of problem a finding reports."""

    DISCRIMINATION = "discrimination"
    STEREOTYPE = "stereotype"
    MAINSTREAMING = "mainstreaming"
    PROCEDURE = "procedure"
    TERMINOLOGY = "terminology"


class LegalBasis(BaseModel):
    """One citation. The effective dates let a review judge a text by the law of its day."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    citation: str
    url: str | None = None
    effective_from: date | None = None
    effective_to: date | None = Field(
        default=None, description="last day in force; None while still in force"
    )

    def in_force_on(self, day: date | None) -> bool:
        """Return True if this provision was in force on `day` (unknown day: assume today)."""
        if day is None:
            return self.effective_to is None
        if self.effective_from is not None and day < self.effective_from:
            return False
        return not (self.effective_to is not None and day > self.effective_to)


class Excerpt(BaseModel):
    """The sentence around a finding, with the finding's place in it (for reports)."""

    text: str
    start: int = Field(ge=0, description="offset of the finding's text in `text`")
    end: int = Field(ge=0)


class Finding(BaseModel):
    """One review finding: what, where, why (legal basis) and how to fix it."""

    rule_id: str
    category: Category
    severity: Severity
    confidence: float = Field(ge=0.0, le=1.0)
    message: str
    text: str | None = Field(
        description="the document's own (normalized) text; None if document-level"
    )
    location: Location
    legal_basis: list[LegalBasis] = Field(default_factory=list)
    suggestion: str | None = None
    fingerprint: str = ""
    # Additive to the §3.2 keys: the surrounding sentence, for reports that show context.
    excerpt: Excerpt | None = None

    def wire(self) -> dict[str, Any]:
        """Return the JSON object of the §3.2 contract (legal basis as citation + url)."""
        data = self.model_dump(mode="json", exclude={"legal_basis"})
        data["legal_basis"] = [{"citation": b.citation, "url": b.url} for b in self.legal_basis]
        return data


ScoreStatus = Literal["met", "partial", "missing", "not_applicable"]
ScoreElement = Literal[
    "gender_issue",
    "impact_forecast",
    "responsibility",
    "resources",
    "sex_disaggregated_data",
    "monitoring",
]
SCORE_ELEMENTS: tuple[ScoreElement, ...] = (
    "gender_issue",
    "impact_forecast",
    "responsibility",
    "resources",
    "sex_disaggregated_data",
    "monitoring",
)


class Evidence(BaseModel):
    """A span of the document that supports a scorecard status."""

    text: str
    location: Location


class ScoreItem(BaseModel):
    """One element of the mainstreaming scorecard (Luật BĐG Đ21 k1, plus data and monitoring)."""

    id: ScoreElement
    status: ScoreStatus
    evidence: list[Evidence] = Field(default_factory=list)


class ToolInfo(BaseModel):
    """Which tool and which rule pack produced a report."""

    name: str = "gender-mainstream"
    version: str
    rules_version: str


class Suppression(BaseModel):
    """A finding a reviewer chose to silence, kept in the output with the reason given."""

    rule_id: str
    reason: str
    fingerprint: str
    text: str | None = None
    location: Location | None = None


class Report(BaseModel):
    """The review of one document (or the error record of a file that could not be read)."""

    schema_version: Literal["1"] = REPORT_SCHEMA_VERSION
    tool: ToolInfo
    document: Metadata
    findings: list[Finding] = Field(default_factory=list)
    scorecard: list[ScoreItem] = Field(default_factory=list)
    suppressed: list[Suppression] = Field(default_factory=list)
    errors: list[DocIssue] = Field(default_factory=list)

    def wire(self) -> dict[str, Any]:
        """Return the §3.2 JSON object."""
        doc = self.document.model_dump(mode="json", include=_WIRE_DOCUMENT_KEYS)
        return {
            "schema_version": self.schema_version,
            "tool": self.tool.model_dump(mode="json"),
            "document": {k: doc.get(k) for k in _WIRE_DOCUMENT_ORDER},
            "findings": [f.wire() for f in self.findings],
            "scorecard": [s.model_dump(mode="json") for s in self.scorecard],
            "suppressed": [s.model_dump(mode="json") for s in self.suppressed],
            "errors": [e.model_dump(mode="json") for e in self.errors],
        }

    def max_severity(self) -> Severity | None:
        """Return the highest severity among the findings, or None when there are none."""
        if not self.findings:
            return None
        return max((f.severity for f in self.findings), key=lambda s: s.rank)


_WIRE_DOCUMENT_ORDER = (
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
    # Additive to the §3.2 keys: useful to batch summaries, ignored by older readers.
    "place",
    "normative",
    "encoding",
)
_WIRE_DOCUMENT_KEYS = set(_WIRE_DOCUMENT_ORDER)
