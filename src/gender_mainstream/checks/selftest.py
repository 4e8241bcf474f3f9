"""Run every rule's own examples through the real pipeline (LanguageTool-style self-test).

- each `flag` example gives exactly one finding of its rule, spanning the [[marked]] text;
- each `pass` example gives none;
- if the rule has a `replace` text, the flag example with the replacement applied passes;
- `todo_flag` / `todo_pass` record known gaps: they must still fail, so that fixing one
  forces it to be promoted to a real example.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gender_mainstream.checks.loader import RulePack, split_marked
from gender_mainstream.checks.schema import RuleBase

__all__ = ["ExampleResult", "run_examples", "run_rule_examples"]


@dataclass(frozen=True)
class ExampleResult:
    """The outcome of one example."""

    rule_id: str
    kind: str  # flag | pass | fixed | todo_flag | todo_pass
    text: str
    ok: bool
    detail: str = ""


def _spans(
    pack: RulePack, rule_id: str, text: str
) -> list[tuple[int | None, int | None, str | None]]:
    from gender_mainstream.pipeline import review_text

    report = review_text(text, rules=pack, path=f"<example of {rule_id}>")
    return [
        (f.location.start, f.location.end, f.text) for f in report.findings if f.rule_id == rule_id
    ]


def run_rule_examples(pack: RulePack, rule: RuleBase) -> list[ExampleResult]:
    """Check one rule's examples; the rule runs alone so other rules cannot interfere."""
    single = pack.subset([rule.id])
    out: list[ExampleResult] = []
    for example in rule.examples.flag:
        text, marked = split_marked(example)
        got = _spans(single, rule.id, text)
        spans = [(a, b) for a, b, _ in got]
        if rule.document_scope:  # one finding about the whole document, no span
            marked = [(None, None)]  # type: ignore[list-item]
        ok = spans == marked
        detail = (
            "" if ok else f"expected {[text[a:b] for a, b in marked]}, got {[t for _, _, t in got]}"
        )
        out.append(ExampleResult(rule.id, "flag", example, ok, detail))
        if rule.replace and len(marked) == 1:
            a, b = marked[0]
            fixed = text[:a] + rule.replace + text[b:]
            again = _spans(single, rule.id, fixed)
            out.append(
                ExampleResult(
                    rule.id,
                    "fixed",
                    fixed,
                    not again,
                    "" if not again else "replacement is flagged again",
                )
            )
    for example in rule.examples.pass_:
        got = _spans(single, rule.id, example)
        out.append(
            ExampleResult(
                rule.id,
                "pass",
                example,
                not got,
                "" if not got else f"flagged {[t for _, _, t in got]}",
            )
        )
    for example in rule.examples.todo_flag:
        text, marked = split_marked(example)
        if rule.document_scope:
            marked = [(None, None)]  # type: ignore[list-item]
        fixed_now = [(a, b) for a, b, _ in _spans(single, rule.id, text)] == marked
        out.append(
            ExampleResult(
                rule.id,
                "todo_flag",
                example,
                not fixed_now,
                "" if not fixed_now else "now flagged correctly: move it to 'flag'",
            )
        )
    for example in rule.examples.todo_pass:
        fixed_now = not _spans(single, rule.id, example)
        out.append(
            ExampleResult(
                rule.id,
                "todo_pass",
                example,
                not fixed_now,
                "" if not fixed_now else "no longer flagged: move it to 'pass'",
            )
        )
    return out


def run_examples(pack: RulePack, only: Sequence[str] | None = None) -> list[ExampleResult]:
    """Check the examples of every rule in `pack` (or only the rules with these ids)."""
    results: list[ExampleResult] = []
    for rule in pack.rules:
        if only is not None and rule.id not in only:
            continue
        results.extend(run_rule_examples(pack, rule))
    return results
