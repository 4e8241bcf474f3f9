"""The one place that maps a rule `type` to its schema and its engine module.

Adding a rule type: write `checks/<type>.py` (a checker class), add its schema class to
`checks/schema.py`, and add one line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gender_mainstream.checks.schema import (
    ConditionalRule,
    LexiconRule,
    NumericRule,
    PatternRule,
    RequireRule,
    RuleBase,
)

__all__ = ["RULE_TYPES", "RuleType"]


@dataclass(frozen=True)
class RuleType:
    """A rule type: its schema class and where its checker lives (imported lazily)."""

    schema: type[RuleBase]
    checker: str  # "module:Class", imported only when a pack is compiled

    def load_checker(self) -> Any:
        """Import and return the checker class."""
        import importlib

        module, _, name = self.checker.partition(":")
        return getattr(importlib.import_module(module), name)


RULE_TYPES: dict[str, RuleType] = {
    "lexicon": RuleType(LexiconRule, "gender_mainstream.checks.lexicon:LexiconChecker"),
    "pattern": RuleType(PatternRule, "gender_mainstream.checks.pattern:PatternChecker"),
    "numeric": RuleType(NumericRule, "gender_mainstream.checks.numeric:NumericChecker"),
    "require": RuleType(RequireRule, "gender_mainstream.checks.require:RequireChecker"),
    "conditional": RuleType(
        ConditionalRule, "gender_mainstream.checks.conditional:ConditionalChecker"
    ),
}
