"""The rule-file schema: one pydantic model per rule type, unknown keys rejected.

Every rule file holds one rule (`schema_version: 1`); the file name starts with its id. The
`type` key picks the engine module; everything else is that type's schema. Examples are part
of the schema, not an afterthought: a rule without a flag and a pass example does not load.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gender_mainstream.model import Category, LegalBasis, Severity
from gender_mainstream.model.finding import ScoreElement

__all__ = [
    "MARK_RE",
    "Condition",
    "ConditionalRule",
    "Examples",
    "LexiconRule",
    "MacrosFile",
    "NumericRule",
    "PatternRule",
    "RequireRule",
    "RuleBase",
    "RuleStatus",
    "SpanRule",
    "TopicsFile",
    "VocabFile",
]

RuleStatus = Literal["preview", "stable", "deprecated", "removed"]
ID_RE = r"^GM-[A-Z]{3}-\d{3}$"
MARK_RE = re.compile(r"\[\[(.+?)\]\]", re.S)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Examples(_Strict):
    """Executable examples: `flag` texts mark the expected span with [[…]].

    Document-scope rules (require, conditional) flag a whole document: their flag examples
    have no marker and expect one finding without a span.
    """

    flag: list[str] = Field(default_factory=list)
    pass_: list[str] = Field(default_factory=list, alias="pass")
    todo_flag: list[str] = Field(default_factory=list)
    todo_pass: list[str] = Field(default_factory=list)

    @field_validator("pass_", "todo_pass")
    @classmethod
    def _no_marker(cls, texts: list[str]) -> list[str]:
        for text in texts:
            if "[[" in text:
                raise ValueError(f"pass example must not mark a span: {text[:60]!r}")
        return texts


class LegalRef(_Strict):
    """A citation with the dates it was in force (None: open-ended)."""

    citation: str = Field(min_length=5, description="article, clause and instrument, in Vietnamese")
    url: str | None = Field(default=None, description="link to the official text (never fetched)")
    effective_from: dt.date | None = Field(default=None, description="first day in force")
    effective_to: dt.date | None = Field(default=None, description="last day in force")

    def to_basis(self) -> LegalBasis:
        """Return the model object used in findings."""
        return LegalBasis(
            citation=self.citation,
            url=self.url,
            effective_from=self.effective_from,
            effective_to=self.effective_to,
        )


DocType = str  # ke_hoach, nghi_quyet, quyet_dinh, … (see markers.DOC_TYPES)


class RuleBase(_Strict):
    """Keys every rule has, whatever its type.

    `unlawful_from` makes a rule time-aware: a document dated before that day was judged by
    the law of its time, so its finding becomes an `info` "outdated, amend on review" note;
    `applies_from` skips documents dated before a reform altogether.
    `doc_types` / `skip_doc_types` limit a rule to some kinds of document. `element` ties a
    mainstreaming rule to the scorecard element it evaluates.
    """

    schema_version: Literal[1]
    id: str = Field(pattern=ID_RE, description="stable id GM-XXX-nnn; never reused")
    name: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", description="kebab-case slug")
    status: RuleStatus = Field(
        default="stable", description="preview, stable, deprecated, or removed (switched off)"
    )
    category: Category = Field(
        description="discrimination, stereotype, mainstreaming, procedure or terminology"
    )
    severity: Severity = Field(description="error, warning or info")
    confidence: float = Field(default=0.9, ge=0.0, le=1.0, description="reported with findings")
    message: str = Field(
        min_length=10, description="Vietnamese; {match} is replaced by the flagged text"
    )
    description: str = Field(
        default="",
        description="Markdown: What it flags / Why it matters / Use instead / Legal basis",
    )
    legal_basis: list[LegalRef] = Field(
        default_factory=list, description="citations with their dates in force"
    )
    suggestion: str | None = Field(
        default=None, description="how to fix, in administrative register"
    )
    replace: str | None = Field(
        default=None, description="direct replacement for the matched text, if there is one"
    )
    unlawful_from: dt.date | None = Field(
        default=None, description="documents dated earlier get an info 'outdated' finding"
    )
    applies_from: dt.date | None = Field(
        default=None, description="skip documents dated before this day (a later reform)"
    )
    applies_until: dt.date | None = Field(
        default=None,
        description="only documents dated up to this day (a rule about an old legal regime); "
        "undated documents are skipped",
    )
    doc_types: list[DocType] | None = Field(
        default=None, description="only these document types (ke_hoach, nghi_quyet, …)"
    )
    skip_doc_types: list[DocType] = Field(
        default_factory=list, description="never these document types"
    )
    element: ScoreElement | None = Field(
        default=None, description="the scorecard element a mainstreaming rule evaluates"
    )
    examples: Examples = Field(description="flag: and pass: texts, run by `rules test`")

    @property
    def document_scope(self) -> bool:
        """True for rules whose findings concern the whole document (no span)."""
        return False

    @model_validator(mode="after")
    def _examples_present(self) -> RuleBase:
        if self.status != "removed" and (not self.examples.flag or not self.examples.pass_):
            raise ValueError("a rule needs at least one 'flag' and one 'pass' example")
        for text in self.examples.flag + self.examples.todo_flag:
            marked = MARK_RE.search(text) is not None
            if marked == self.document_scope:
                need = (
                    "no [[marker]] (document-level finding)"
                    if self.document_scope
                    else ("a [[marked span]]")
                )
                raise ValueError(f"flag example needs {need}: {text[:60]!r}")
        return self


class SpanRule(RuleBase):
    """Context shared by every rule that flags a span of text.

    `case: smart` (the default) lets a lower-case phrase match a capitalised word only where
    capitals mean nothing (sentence start, after ':', headings in capitals), so "nam" does
    not match "Việt Nam" or "ông Nam". `exceptions` are phrases that overlap a match and cancel
    it ("Việt Nam", "Nam Định" for a phrase ending in "nam"); `unless` are phrases anywhere in
    the same sentence that cancel it; `unless_near` cancel it only within `near_window` words
    before it (a "không" right in front negates, one clause away it does not);
    `unless_section` cancels it inside sections whose titles contain one of the phrases (a
    report's "thực trạng, tồn tại, hạn chế" describes problems, it does not endorse them);
    `unless_title` cancels it in a document whose title (trích yếu) holds one (the ages of
    the Luật Dân quân tự vệ, restated in a text about selecting militia, are the law's own).
    Entries starting with '@' name a vocabulary file in rules/vocab/. An `unless` phrase
    starting with '~' cancels only in its own sentence, never from a list's lead-in.
    """

    case: Literal["smart", "sensitive", "insensitive"] = Field(
        default="smart", description="how capitals in the text may match lower-case phrases"
    )
    exceptions: list[str] = Field(
        default_factory=list, description="phrases overlapping a match that cancel it"
    )
    unless: list[str] = Field(
        default_factory=list, description="phrases anywhere in the sentence that cancel a match"
    )
    unless_near: list[str] = Field(
        default_factory=list, description="phrases just before a match that cancel it"
    )
    near_window: int = Field(
        default=4, ge=1, le=30, description="words before a match searched for unless_near"
    )
    unless_section: list[str] = Field(
        default_factory=list, description="section title phrases where the rule is silent"
    )
    unless_title: list[str] = Field(
        default_factory=list, description="document title phrases where the rule is silent"
    )
    requires: list[str] = Field(
        default_factory=list,
        description="the sentence must also contain one of these (a condition word, a list "
        "label) for a match to count",
    )
    max_per_paragraph: int | None = Field(
        default=None,
        ge=1,
        description="report a clause once, not once per matching phrase (per paragraph)",
    )
    max_per_document: int | None = Field(
        default=None,
        ge=1,
        description="report a repeated name once per document, with the count of the others",
    )


class Fuzzy(_Strict):
    """Second-stage typo tolerance for long key terms (rapidfuzz ratio on candidate windows)."""

    min_score: float = Field(
        default=92.0, ge=85.0, le=100.0, description="rapidfuzz ratio a variant must reach"
    )
    min_length: int = Field(default=10, ge=6, description="shortest term (characters) checked")


class LexiconRule(SpanRule):
    """Phrases matched on canonical words (punctuation between words ignored)."""

    type: Literal["lexicon"]
    terms: list[str] = Field(min_length=1, description="the phrases to flag")
    fold: bool = Field(
        default=False, description="also match without diacritics and with đ/d folded"
    )
    fuzzy: Fuzzy | None = Field(default=None, description="typo tolerance: {min_score, min_length}")
    only_variants: bool = Field(
        default=False, description="flag only inexact matches (a misspelt or unaccented term)"
    )

    @field_validator("terms")
    @classmethod
    def _terms_nonempty(cls, terms: list[str]) -> list[str]:
        for t in terms:
            if not t.strip() or t.startswith("@"):
                raise ValueError(f"a term must be a phrase, not {t!r}")
        return terms


class RegexPattern(_Strict):
    """A Unicode regex run on the lower-cased canonical sentence (write it in lower case).

    `anchors` are words of which the sentence must contain at least one before the regex is
    tried at all (they keep a pack of many patterns fast). The named group `sex`, when
    present, is where smart case applies ("nam" but not "Nam Định").
    """

    regex: str = Field(description="Unicode regex, lower case, with optional named groups")
    anchors: list[str] = Field(
        min_length=1, description="words the sentence must contain for the regex to be tried"
    )
    also: list[str] = Field(
        default_factory=list,
        description="and one of these words too ('@vocabulary' allowed): a second filter, "
        "e.g. the sex words a pattern cannot match without",
    )
    requires: list[str] = Field(
        default_factory=list,
        description="this pattern counts only if the sentence or its list lead-in / table "
        "header holds one of these ('@vocabulary' allowed)",
    )

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        import regex as re2

        try:
            re2.compile(value)
        except re2.error as exc:
            raise ValueError(f"invalid regex: {exc}") from exc
        return value


class TokenPattern(_Strict):
    """A spaCy Matcher pattern over syllable tokens (NORM = canonical lower case)."""

    tokens: list[dict[str, Any]] = Field(
        min_length=1, description="spaCy Matcher token dicts (NORM, IN, OP, …)"
    )
    anchors: list[str] = Field(default_factory=list, description="as for regex patterns")


class PatternRule(SpanRule):
    """Regex or token patterns, for phrasings that vary."""

    type: Literal["pattern"]
    patterns: list[RegexPattern | TokenPattern] = Field(
        min_length=1, description="any of them matching flags the span"
    )
    span: str | None = Field(
        default=None, description="named regex group that is the finding's span (default: all)"
    )


class NumericRule(SpanRule):
    """Quantities tied to sex, extracted and compared.

    kind `sex_difference`: ages (or other numbers) stated separately for men and women in one
    sentence; `mode: differs` flags different bounds (ignoring the `pairs` listed, e.g. the
    legal retirement ages), `mode: mirrors` flags exactly the (men, women) bounds listed in
    `pairs` (e.g. the repealed 60/55 working age). kind `target`: a local target compared
    with the national one for the same indicator and year.
    """

    type: Literal["numeric"]
    kind: Literal["sex_difference", "target"] = Field(description="see above")
    mode: Literal["differs", "mirrors", "gap"] = Field(
        default="differs",
        description="sex_difference: flag any difference, listed pairs, or a gap of `gap` years",
    )
    gap: int | None = Field(default=None, description="mode gap: men's bound minus women's")
    lawful_gap: int | None = Field(
        default=None,
        description="mode differs: a gap of this many years is not flagged in documents dated "
        "up to `lawful_until` (it followed the retirement ages of the time)",
    )
    lawful_until: dt.date | None = Field(default=None, description="see lawful_gap")
    lawful_gap_unless: list[str] = Field(
        default_factory=list,
        description="words (lower case) that keep the gap unlawful even then: training ages "
        "were equal by law from 2007 (Luật Bình đẳng giới Điều 14)",
    )
    unit: Literal["age", "percent"] = Field(default="age", description="what is compared")
    pairs: list[tuple[int, int]] = Field(
        default_factory=list, description="(men, women) bounds: ignored or flagged, per mode"
    )
    anchors: list[str] = Field(
        default_factory=list, description="words the sentence must contain to be examined"
    )
    indicator: str | None = Field(default=None, description="kind target: regex of the indicator")
    value_regex: str | None = Field(
        default=None, description="kind target: regex with one group for the value (default: a %)"
    )
    direction: Literal["at_least", "at_most"] = Field(
        default="at_least",
        description="target: whether the national figure is a floor or a ceiling",
    )
    national: dict[int, float] = Field(
        default_factory=dict, description="target: national figure by milestone year"
    )


class Condition(_Strict):
    """A sentence that must exist: every group matches (a group is any of its phrases).

    Group items are phrases, '@vocabulary' names, or 're:<regex>' (on lower-cased text).
    `sections`, if given, restricts the search to sections whose title chain contains one of
    those phrases.
    """

    sentence: list[list[str]] = Field(
        min_length=1, description="groups; every group must match, any item of a group does"
    )
    sections: list[str] | None = Field(
        default=None, description="only in sections whose titles hold one of these"
    )
    if_topics: list[str] | None = Field(
        default=None, description="the condition counts only in documents about these topics"
    )
    if_title: list[str] | None = Field(
        default=None,
        description="the condition counts only when the document's title has one of these",
    )
    within: Literal["sentence", "paragraph"] = Field(
        default="sentence",
        description="where the groups must meet: one sentence, or one paragraph (a numbered "
        "item that names an agency, then its tasks after semicolons)",
    )
    min_count: int = Field(
        default=1, ge=1, description="how many sentences or paragraphs must satisfy it"
    )
    in_basis: bool = Field(
        default=False,
        description="also count the preamble (căn cứ, xét, theo đề nghị): a draft resolution's "
        "'Xét … Báo cáo lồng ghép vấn đề bình đẳng giới' shows the gender report exists",
    )


class RequireRule(RuleBase):
    """Required content: status `met`, `partial` or `missing` from evidence conditions.

    A finding is raised when the status is `missing` for a document the rule applies to:
    `relevant_only` documents judged gender-relevant, of the listed `doc_types` (or normative
    documents when `normative` is true).
    """

    type: Literal["require"]
    met: list[Condition] = Field(min_length=1, description="any of these: the element is met")
    partial: list[Condition] = Field(
        default_factory=list, description="else any of these: the element is partial"
    )
    relevant_only: bool = Field(
        default=True, description="flag only documents judged gender-relevant"
    )
    normative: bool = Field(
        default=False, description="flag only normative documents (or the listed doc_types)"
    )
    locate_in: list[str] = Field(
        default_factory=list, description="section title phrases where the gap is reported"
    )

    @property
    def document_scope(self) -> bool:
        """Require rules flag whole documents."""
        return True


class ConditionalRule(RuleBase):
    """If the document is about one of `if_topics`, one of `then` must be present."""

    type: Literal["conditional"]
    if_topics: list[str] = Field(min_length=1, description="topics from topics.yaml")
    then: list[Condition] = Field(min_length=1, description="any of these must be present")
    relevant_only: bool = Field(
        default=True, description="flag only documents judged gender-relevant"
    )
    normative: bool = Field(
        default=False, description="flag only normative documents (or the listed doc_types)"
    )
    locate_in: list[str] = Field(
        default_factory=list, description="section title phrases where the gap is reported"
    )

    @property
    def document_scope(self) -> bool:
        """Conditional rules flag whole documents."""
        return True


class MacrosFile(_Strict):
    """`macros.yaml`: named regex pieces that pattern rules write as {{NAME}}.

    One definition of "a person" or "a sex word" serves every rule, so widening it ("người
    học", "đoàn viên") widens them all. A macro may use macros defined before it.
    """

    schema_version: Literal[1]
    macros: dict[str, str] = Field(min_length=1)

    @field_validator("macros")
    @classmethod
    def _names(cls, macros: dict[str, str]) -> dict[str, str]:
        for name in macros:
            if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
                raise ValueError(f"macro names are UPPER_CASE: {name!r}")
        return macros


class VocabFile(_Strict):
    """A shared list of phrases (place names, negation cues) referenced as '@name'."""

    schema_version: Literal[1]
    name: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    description: str = ""
    phrases: list[str] = Field(min_length=1)


class Topic(_Strict):
    """A subject a document can be about, told by its phrases."""

    phrases: list[str] = Field(min_length=1)
    gender_relevant: bool = True
    min_score: int = Field(default=3, ge=1)


class TopicsFile(_Strict):
    """`topics.yaml`: what documents are about, for relevance and conditional rules."""

    schema_version: Literal[1]
    gender_terms: list[str] = Field(min_length=1)
    gender_threshold: int = Field(
        default=3, ge=1, description="sentences speaking of gender that make a text relevant"
    )
    body_share: float = Field(
        default=0.0,
        ge=0.0,
        le=0.5,
        description="a topic absent from the title must fill this share of the body's sentences",
    )
    names: list[str] = Field(
        default_factory=list,
        description="names holding gendered words (Hội Liên hiệp Phụ nữ): words inside them "
        "count neither for relevance nor for mainstreaming conditions",
    )
    administrative_titles: list[str] = Field(default_factory=list)
    topics: dict[str, Topic] = Field(min_length=1)


class PackFile(_Strict):
    """`pack.yaml` of a rule folder: its version, and rules it switches off."""

    schema_version: Literal[1]
    name: str
    version: str = "0"
    description: str = ""
    disable: list[str] = Field(default_factory=list)
