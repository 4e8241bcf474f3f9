"""gender-mainstream: review Vietnamese government documents for gender mainstreaming.

Drafters import it::

    from gender_mainstream import review_file
    report = review_file("du-thao-ke-hoach.docx")
    for f in report.findings:
        print(f.location.section, f.severity, f.message)

The flow is ingest -> normalize -> structure -> nlp -> checks -> report; every finding points
back at the original file (page, paragraph, line, character offsets).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from gender_mainstream._version import __version__

if TYPE_CHECKING:
    from gender_mainstream.batch import BatchOptions, BatchSummary, read_results, run_batch
    from gender_mainstream.checks.loader import RulePack, load_rules
    from gender_mainstream.errors import (
        DamagedFileError,
        EmptyFileError,
        EncryptedFileError,
        FileMissingError,
        FilePermissionError,
        FileTooLargeError,
        GenderMainstreamError,
        InputError,
        InternalError,
        LegacyWordError,
        NeedsOcrError,
        NotAFileError,
        RuleError,
        UnsafeFileError,
        UnsupportedFormatError,
    )
    from gender_mainstream.model import (
        Category,
        DocIssue,
        Document,
        Evidence,
        Excerpt,
        Finding,
        LegalBasis,
        Location,
        Metadata,
        Paragraph,
        Report,
        ScoreItem,
        Section,
        Sentence,
        Severity,
        Signature,
        SourceFormat,
        Suppression,
        ToolInfo,
    )
    from gender_mainstream.pipeline import (
        parse_file,
        parse_text,
        review_document,
        review_file,
        review_text,
    )

# Names are imported on first use (PEP 562), so `gender-mainstream --help` does not pay for
# pydantic, PyYAML and the readers.
_LAZY: dict[str, str] = {
    "BatchOptions": "gender_mainstream.batch",
    "BatchSummary": "gender_mainstream.batch",
    "read_results": "gender_mainstream.batch",
    "run_batch": "gender_mainstream.batch",
    "Category": "gender_mainstream.model",
    "DamagedFileError": "gender_mainstream.errors",
    "DocIssue": "gender_mainstream.model",
    "Document": "gender_mainstream.model",
    "EmptyFileError": "gender_mainstream.errors",
    "EncryptedFileError": "gender_mainstream.errors",
    "Evidence": "gender_mainstream.model",
    "Excerpt": "gender_mainstream.model",
    "FileMissingError": "gender_mainstream.errors",
    "FilePermissionError": "gender_mainstream.errors",
    "FileTooLargeError": "gender_mainstream.errors",
    "Finding": "gender_mainstream.model",
    "GenderMainstreamError": "gender_mainstream.errors",
    "InputError": "gender_mainstream.errors",
    "InternalError": "gender_mainstream.errors",
    "LegacyWordError": "gender_mainstream.errors",
    "LegalBasis": "gender_mainstream.model",
    "load_rules": "gender_mainstream.checks.loader",
    "Location": "gender_mainstream.model",
    "Metadata": "gender_mainstream.model",
    "NeedsOcrError": "gender_mainstream.errors",
    "NotAFileError": "gender_mainstream.errors",
    "Paragraph": "gender_mainstream.model",
    "parse_file": "gender_mainstream.pipeline",
    "parse_text": "gender_mainstream.pipeline",
    "Report": "gender_mainstream.model",
    "review_document": "gender_mainstream.pipeline",
    "review_file": "gender_mainstream.pipeline",
    "review_text": "gender_mainstream.pipeline",
    "RuleError": "gender_mainstream.errors",
    "RulePack": "gender_mainstream.checks.loader",
    "ScoreItem": "gender_mainstream.model",
    "Section": "gender_mainstream.model",
    "Sentence": "gender_mainstream.model",
    "Severity": "gender_mainstream.model",
    "Signature": "gender_mainstream.model",
    "SourceFormat": "gender_mainstream.model",
    "Suppression": "gender_mainstream.model",
    "ToolInfo": "gender_mainstream.model",
    "UnsafeFileError": "gender_mainstream.errors",
    "UnsupportedFormatError": "gender_mainstream.errors",
}

__all__ = [
    "BatchOptions",
    "BatchSummary",
    "Category",
    "DamagedFileError",
    "DocIssue",
    "Document",
    "EmptyFileError",
    "EncryptedFileError",
    "Evidence",
    "Excerpt",
    "FileMissingError",
    "FilePermissionError",
    "FileTooLargeError",
    "Finding",
    "GenderMainstreamError",
    "InputError",
    "InternalError",
    "LegacyWordError",
    "LegalBasis",
    "Location",
    "Metadata",
    "NeedsOcrError",
    "NotAFileError",
    "Paragraph",
    "Report",
    "RuleError",
    "RulePack",
    "ScoreItem",
    "Section",
    "Sentence",
    "Severity",
    "Signature",
    "SourceFormat",
    "Suppression",
    "ToolInfo",
    "UnsafeFileError",
    "UnsupportedFormatError",
    "__version__",
    "load_rules",
    "parse_file",
    "parse_text",
    "read_results",
    "review_document",
    "review_file",
    "review_text",
    "run_batch",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'gender_mainstream' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
