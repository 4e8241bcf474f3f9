"""The rule-file schema: one pydantic model per rule type, unknown keys rejected.

Every rule file holds one rule (`schema_version: 1`); the file name starts with its id. The
`type` key picks the engine module; everything else is that type's schema. Examples are part
of the schema, not an afterthought: a rule without a flag and a pass example does not load.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gender_mainstream.model import Category, LegalBasis, Severity

__all__ = [
    "MARK_RE",
    "Examples",
    "LexiconRule",
    "RuleBase",
    "RuleStatus",
    "VocabFile",
]

RuleStatus = Literal["preview", "stable", "deprecated", "removed"]
ID_RE = r"^GM-[A-Z]{3}-\d{3}$"
MARK_RE = re.compile(r"\[\[(.+?)\]\]", re.S)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Examples(_Strict):
    """Executable examples: `flag` texts mark the expected span with [[…]]."""

    flag: list[str] = Field(default_factory=list)
    pass_: list[str] = Field(default_factory=list, alias="pass")
    todo_flag: list[str] = Field(default_factory=list)
    todo_pass: list[str] = Field(default_factory=list)

    @field_validator("flag", "todo_flag")
    @classmethod
    def _has_marker(cls, texts: list[str]) -> list[str]:
        for text in texts:
            if MARK_RE.search(text) is None:
                raise ValueError(f"flag example has no [[marked span]]: {text[:60]!r}")
        return texts

    @field_validator("pass_", "todo_pass")
    @classmethod
    def _no_marker(cls, texts: list[str]) -> list[str]:
        for text in texts:
            if "[[" in text:
                raise ValueError(f"pass example must not mark a span: {text[:60]!r}")
        return texts


class LegalRef(_Strict):
    """A citation with the dates it was in force (None: open-ended)."""

    citation: str = Field(min_length=5)
    url: str | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None

    def to_basis(self) -> LegalBasis:
        """Return the model object used in findings."""
        return LegalBasis(
            citation=self.citation,
            url=self.url,
            effective_from=self.effective_from,
            effective_to=self.effective_to,
        )


class RuleBase(_Strict):
    """Keys every rule has, whatever its type."""

    schema_version: Literal[1]
    id: str = Field(pattern=ID_RE)
    name: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    status: RuleStatus = "stable"
    category: Category
    severity: Severity
    confidence: float = Field(default=0.9, ge=0.0, le=1.0)
    message: str = Field(min_length=10)
    description: str = ""
    legal_basis: list[LegalRef] = Field(default_factory=list)
    suggestion: str | None = None
    replace: str | None = Field(
        default=None, description="direct replacement for the matched text, if there is one"
    )
    examples: Examples

    @model_validator(mode="after")
    def _examples_present(self) -> RuleBase:
        if self.status != "removed" and (not self.examples.flag or not self.examples.pass_):
            raise ValueError("a rule needs at least one 'flag' and one 'pass' example")
        return self


class LexiconRule(RuleBase):
    """Phrases matched on canonical words (punctuation between words ignored).

    `case: smart` (the default) lets a lower-case phrase match a capitalised word only where
    capitals mean nothing (sentence start, after ':', headings in capitals), so "nam" does
    not match "Việt Nam" or "ông Nam". `exceptions` are phrases that overlap a match and cancel
    it ("Việt Nam", "Nam Định" for a phrase ending in "nam"); `unless` are phrases anywhere in
    the same sentence that cancel it;
    `unless_near` cancel it only within `near_window` words before it (a "không" right in
    front negates, one clause away it does not). Entries starting with '@' name a vocabulary
    file in rules/vocab/.
    """

    type: Literal["lexicon"]
    terms: list[str] = Field(min_length=1)
    fold: bool = False
    case: Literal["smart", "sensitive", "insensitive"] = "smart"
    exceptions: list[str] = Field(default_factory=list)
    unless: list[str] = Field(default_factory=list)
    unless_near: list[str] = Field(default_factory=list)
    near_window: int = Field(default=4, ge=1, le=30)

    @field_validator("terms")
    @classmethod
    def _terms_nonempty(cls, terms: list[str]) -> list[str]:
        for t in terms:
            if not t.strip() or t.startswith("@"):
                raise ValueError(f"a term must be a phrase, not {t!r}")
        return terms


RuleSpec = Annotated[LexiconRule, Field(discriminator="type")]


class VocabFile(_Strict):
    """A shared list of phrases (place names, negation cues) referenced as '@name'."""

    schema_version: Literal[1]
    name: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    description: str = ""
    phrases: list[str] = Field(min_length=1)


class PackFile(_Strict):
    """`pack.yaml` of a rule folder: its version, and rules it switches off."""

    schema_version: Literal[1]
    name: str
    version: str = "0"
    description: str = ""
    disable: list[str] = Field(default_factory=list)
