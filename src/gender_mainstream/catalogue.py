"""The rule catalogue (docs/rules.md), generated from the rule files and the schema.

Written from data so it cannot drift: a test regenerates it and compares. The format reference
comes from the pydantic models' field descriptions, the rule entries from the rule files.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from pydantic import BaseModel

from gender_mainstream.checks.loader import RulePack
from gender_mainstream.checks.registry import RULE_TYPES
from gender_mainstream.checks.schema import (
    MARK_RE,
    Condition,
    Examples,
    LegalRef,
    RegexPattern,
    RuleBase,
    SpanRule,
    TokenPattern,
)
from gender_mainstream.model import Category

__all__ = ["render_catalogue"]

_CATEGORY_TITLES = {
    Category.DISCRIMINATION: "Discrimination (phân biệt đối xử về giới)",
    Category.STEREOTYPE: "Stereotypes (định kiến giới)",
    Category.MAINSTREAMING: "Mainstreaming (lồng ghép vấn đề bình đẳng giới)",
    Category.PROCEDURE: "Procedure and competence (thẩm quyền, căn cứ)",
    Category.TERMINOLOGY: "Terminology (thuật ngữ)",
}


def _doc(model: type[BaseModel]) -> str:
    return " ".join((model.__doc__ or "").split())


def _type_name(annotation: Any) -> str:
    text = repr(annotation) if not isinstance(annotation, type) else annotation.__name__
    text = re.sub(r"\b(?:typing|datetime|gender_mainstream\.[\w.]+)\.", "", text)
    return text.replace("NoneType", "None").replace("<class '", "").replace("'>", "")


def _fields(model: type[BaseModel], skip: set[str]) -> list[str]:
    rows = ["| key | type | default | meaning |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        key = info.alias or name
        default = (
            "required" if info.is_required() else repr(info.get_default(call_default_factory=True))
        )
        desc = " ".join((info.description or "").split())
        type_text = _type_name(info.annotation).replace("|", "\\|")
        default = default.replace("|", "\\|")
        rows.append(f"| `{key}` | `{type_text}` | {default} | {desc} |")
    return rows


def _format_reference() -> list[str]:
    base = set(RuleBase.model_fields)
    span = set(SpanRule.model_fields) - base
    out = [
        "## Rule file format",
        "",
        "One rule per YAML file, named `<id>-<name>.yaml`, in any sub-folder of a rule folder "
        "(`vocab/` holds shared phrase lists, referenced as `@name`; `topics.yaml` says what "
        "documents are about; `pack.yaml` names the pack and may `disable` rules by id). A user "
        "folder given with `--rules DIR` is layered over the built-in pack: a rule with the same "
        "id replaces it, `status: removed` or `disable:` switches it off. Unknown keys are "
        "refused with the line number and a suggestion.",
        "",
        f"### Keys of every rule\n\n{_doc(RuleBase)}",
        "",
        *_fields(RuleBase, skip=set()),
        "",
        f"`legal_basis` entries: {_doc(LegalRef)}",
        "",
        *_fields(LegalRef, skip=set()),
        "",
        f"`examples`: {_doc(Examples)}",
        "",
        f"### Keys of span rules (lexicon, pattern, numeric)\n\n{_doc(SpanRule)}",
        "",
        *_fields(SpanRule, skip=base),
        "",
    ]
    for name, rule_type in RULE_TYPES.items():
        schema = rule_type.schema
        out += [f"### `type: {name}`", "", _doc(schema), "", *_fields(schema, skip=base | span)]
        out.append("")
        if name == "pattern":
            out += [f"A regex pattern: {_doc(RegexPattern)}", "", *_fields(RegexPattern, set())]
            out += ["", f"A token pattern: {_doc(TokenPattern)}", "", *_fields(TokenPattern, set())]
            out.append("")
        if name in ("require", "conditional"):
            out += [f"A condition: {_doc(Condition)}", "", *_fields(Condition, set()), ""]
    return out


def _heading_down(markdown: str) -> str:
    """Shift a rule description's '## X' headings under the rule's own heading."""
    return re.sub(r"^## (.*)$", r"\n#### \1\n", markdown.strip(), flags=re.M).strip()


def _dates(ref: LegalRef) -> str:
    if ref.effective_from and ref.effective_to:
        return f" (in force {ref.effective_from:%d/%m/%Y} – {ref.effective_to:%d/%m/%Y})"
    if ref.effective_from:
        return f" (in force from {ref.effective_from:%d/%m/%Y})"
    if ref.effective_to:
        return f" (in force until {ref.effective_to:%d/%m/%Y})"
    return ""


def _example(text: str) -> str:
    one = " ".join(text.split())
    return MARK_RE.sub(lambda m: f"**{m.group(1)}**", one)


def _rule(rule: RuleBase) -> list[str]:
    status = "" if rule.status == "stable" else f", {rule.status}"
    out = [
        f"### {rule.id} `{rule.name}`",
        "",
        f"*{rule.severity.value}, {rule.type}{status}* · message: {rule.message}",  # type: ignore[attr-defined]
        "",
    ]
    if rule.description:
        out += [_heading_down(rule.description), ""]
    if rule.legal_basis:
        out.append("Legal basis:")
        out += [f"- {ref.citation}{_dates(ref)}" for ref in rule.legal_basis]
        out.append("")
    if rule.unlawful_from:
        out += [
            f"Documents dated before {rule.unlawful_from:%d/%m/%Y} get an `info` finding "
            "(lawful then, to amend on review).",
            "",
        ]
    if rule.suggestion:
        out += [f"Suggestion: {rule.suggestion}", ""]
    out.append("Examples:")
    out += [f"- flag: {_example(t)}" for t in rule.examples.flag]
    out += [f"- pass: {_example(t)}" for t in rule.examples.pass_]
    out.append("")
    return out


def render_catalogue(pack: RulePack) -> str:
    """Return docs/rules.md for a pack."""
    by_cat = Counter(r.category for r in pack.rules)
    by_type = Counter(r.type for r in pack.rules)  # type: ignore[attr-defined]
    out = [
        "# Rule catalogue",
        "",
        "<!-- Generated by `gender-mainstream rules docs -o docs/rules.md` from rules/ and the "
        "rule schema. Do not edit by hand: tests/test_rules.py fails when it is out of date. -->",
        "",
        f"Pack version {pack.version}: {len(pack.rules)} rules — "
        + ", ".join(f"{by_cat[c]} {c.value}" for c in Category if by_cat[c])
        + "; by type "
        + ", ".join(f"{n} {t}" for t, n in sorted(by_type.items()))
        + ".",
        "",
        "Every rule carries its own examples; `gender-mainstream rules test` runs them all and "
        "`gender-mainstream rules explain ID` prints one rule.",
        "",
        "## Contents",
        "",
    ]
    for cat in Category:
        rules = [r for r in pack.rules if r.category == cat]
        if rules:
            out.append(f"- {_CATEGORY_TITLES[cat]}: " + ", ".join(r.id for r in rules))
    out.append("- [Rule file format](#rule-file-format)")
    out.append("")
    for cat in Category:
        rules = sorted((r for r in pack.rules if r.category == cat), key=lambda r: r.id)
        if not rules:
            continue
        out += [f"## {_CATEGORY_TITLES[cat]}", ""]
        for rule in rules:
            out += _rule(rule)
    out += _format_reference()
    return "\n".join(out).rstrip() + "\n"
