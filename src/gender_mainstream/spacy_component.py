"""A spaCy pipeline component, for drafters whose own tools already run spaCy.

    nlp = spacy.blank("vi")
    nlp.add_pipe("gender_mainstream")          # found through the spacy_factories entry point
    doc = nlp(text)
    doc._.gm_findings                          # list[Finding], as in the review JSON
    doc.spans["gender_mainstream"]             # the flagged spans, labelled with the rule id

The component reviews `doc.text` with the same pipeline as the CLI (normalization, structure,
the whole pack), so findings are identical; offsets in `Finding.location` are offsets in
`doc.text`. Document-level findings (a missing scorecard element) have no span and appear
only in `doc._.gm_findings`; the full report is in `doc._.gm_report`.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc

from gender_mainstream.checks.loader import RulePack, load_rules
from gender_mainstream.model import Finding
from gender_mainstream.pipeline import review_text

__all__ = ["SPAN_KEY", "GenderMainstreamComponent", "findings_of", "make_component"]

SPAN_KEY = "gender_mainstream"

for _name in ("gm_findings", "gm_report"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class GenderMainstreamComponent:
    """Reviews each Doc and attaches findings, spans and the report."""

    def __init__(self, rules: RulePack) -> None:
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        """Review the text of `doc` and attach the results."""
        report = review_text(doc.text, rules=self.rules)
        doc._.gm_report = report
        doc._.gm_findings = report.findings
        spans = []
        for f in report.findings:
            start, end = f.location.start, f.location.end
            if start is None or end is None:
                continue
            span = doc.char_span(start, end, label=f.rule_id, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[SPAN_KEY] = spans
        return doc


@Language.factory(
    "gender_mainstream",
    default_config={"rules": []},
    assigns=["doc._.gm_findings", "doc._.gm_report"],
)
def make_component(nlp: Language, name: str, rules: Sequence[str]) -> GenderMainstreamComponent:
    """Build the component; `rules` are extra rule folders layered over the built-in pack."""
    del nlp, name
    return GenderMainstreamComponent(load_rules(list(rules)))


def findings_of(doc: Doc) -> list[Finding]:
    """Return the findings attached to a Doc (empty if the component has not run)."""
    found: list[Finding] | None = doc._.gm_findings
    return list(found or [])
