"""What every rule-type module provides, and what it hands back to the engine."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from gender_mainstream.checks.context import Context
from gender_mainstream.checks.schema import RuleBase
from gender_mainstream.nlp import AnalyzedDoc

__all__ = ["Checker", "CheckerFactory", "Hit"]


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule firing: a span of Document.text, or a whole section/document (start None).

    `section` locates document-level hits; `confidence` multiplies the rule's own;
    `values` fill placeholders in the message ({match} is always the matched text).
    """

    rule_id: str
    start: int | None
    end: int | None
    paragraph: int | None = None
    section: str | None = None
    confidence: float = 1.0
    values: dict[str, str] = field(default_factory=dict)


class Checker(Protocol):
    """A compiled set of rules of one type. Compile in __init__, match in `check`."""

    def check(self, adoc: AnalyzedDoc) -> Iterable[Hit]:
        """Yield every hit of the rules this checker holds."""
        ...


class CheckerFactory(Protocol):
    """Builds a checker from all rules of its type at once (so they share one matcher)."""

    def __call__(
        self, specs: list[RuleBase], vocab: dict[str, list[str]], context: Context
    ) -> Checker:
        """Compile the specs."""
        ...
