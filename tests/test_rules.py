"""Every rule's own examples, run through the real pipeline; plus lints of the rule files."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from gender_mainstream.checks.loader import builtin_rules_dir, load_rules
from gender_mainstream.checks.registry import RULE_TYPES
from gender_mainstream.checks.selftest import run_rule_examples
from gender_mainstream.errors import RuleError

PACK = load_rules()
RULE_FILES = sorted(
    p
    for p in builtin_rules_dir().rglob("*.yaml")
    if p.parent.name != "vocab" and p.name not in ("pack.yaml", "topics.yaml", "macros.yaml")
)


@pytest.mark.parametrize("rule_id", [r.id for r in PACK.rules])
def test_rule_examples(rule_id: str) -> None:
    results = run_rule_examples(PACK, PACK.get(rule_id))
    failures = [f"{r.kind}: {r.text!r}: {r.detail}" for r in results if not r.ok]
    assert not failures, "\n".join(failures)


def test_every_rule_file_is_loaded_once_and_named_by_id() -> None:
    ids = [r.id for r in PACK.rules]
    assert len(ids) == len(set(ids))
    assert len(RULE_FILES) == len(PACK.rules) + len(PACK.disabled)
    for path in RULE_FILES:
        assert any(path.stem.startswith(i) for i in ids + PACK.disabled), path


def test_every_registered_type_has_a_rule_with_examples() -> None:
    used = {getattr(r, "type", None) for r in PACK.rules}
    assert set(RULE_TYPES) <= used


def test_rule_texts_are_nfc() -> None:
    for path in builtin_rules_dir().rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), path


def test_no_term_is_listed_by_two_rules() -> None:
    seen: dict[str, str] = {}
    for rule in PACK.rules:
        for term in getattr(rule, "terms", []):
            key = " ".join(term.lower().split())
            assert key not in seen, f"{term!r} in {rule.id} and {seen[key]}"
            seen[key] = rule.id


def test_every_active_rule_cites_law_and_suggests_a_fix() -> None:
    for rule in PACK.rules:
        assert rule.legal_basis, rule.id
        assert rule.suggestion, rule.id
        assert rule.description.count("## ") >= 3, rule.id


# --- loader errors: file, line, key, what is allowed ---------------------------------------

_GOOD = """schema_version: 1
id: GM-TER-900
name: sample
type: lexicon
category: terminology
severity: info
message: "Thuật ngữ '{match}' cần thay."
terms: ["anh em công nhân viên"]
examples:
  flag: ["Chăm lo [[anh em công nhân viên]]."]
  pass: ["Chăm lo người lao động."]
"""


def _write(tmp_path: Path, text: str, name: str = "GM-TER-900-sample.yaml") -> Path:
    d = tmp_path / "user-rules"
    d.mkdir(exist_ok=True)
    (d / name).write_text(text, encoding="utf-8")
    return d


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        (_GOOD.replace("terms:", "termz:"), None, "line 8: unknown key 'termz'"),
        (_GOOD.replace("severity: info", "severity: fatal"), None, "line 6: key 'severity'"),
        (
            _GOOD.replace("type: lexicon", "type: regexx"),
            None,
            "line 4: unknown rule type 'regexx'",
        ),
        (
            _GOOD.replace("[[anh em công nhân viên]]", "anh em công nhân viên"),
            None,
            "needs a [[marked span]]",
        ),
        (
            _GOOD.replace('  pass: ["Chăm lo người lao động."]\n', ""),
            None,
            "at least one 'flag' and one 'pass'",
        ),
        (_GOOD, "GM-TER-999-other.yaml", "does not start with the rule id GM-TER-900"),
        (_GOOD.replace("terms:", "unless: ['@nope']\nterms:"), None, "unknown vocabulary '@nope'"),
        ("id: [unclosed", None, "invalid YAML"),
    ],
)
def test_rule_file_errors_name_file_line_and_key(
    tmp_path: Path, text: str, name: str | None, expected: str
) -> None:
    folder = _write(tmp_path, text, name or "GM-TER-900-sample.yaml")
    with pytest.raises(RuleError) as err:
        load_rules([folder])
    message = err.value.line()
    assert expected in message
    assert "\n" not in message


def test_user_folder_adds_overrides_and_disables(tmp_path: Path) -> None:
    folder = _write(tmp_path, _GOOD)
    override = _GOOD.replace("GM-TER-900", "GM-STE-004").replace("sample", "weaker-sex-terms")
    override = override.replace("category: terminology", "category: stereotype")
    (folder / "GM-STE-004-weaker-sex-terms.yaml").write_text(override, encoding="utf-8")
    (folder / "pack.yaml").write_text(
        "schema_version: 1\nname: so-tu-phap\nversion: '3'\ndisable: [GM-TER-001]\n",
        encoding="utf-8",
    )
    pack = load_rules([folder])
    ids = {r.id for r in pack.rules}
    assert "GM-TER-900" in ids and "GM-TER-001" not in ids
    assert pack.get("GM-STE-004").terms == ["anh em công nhân viên"]  # type: ignore[attr-defined]
    assert pack.version.startswith(PACK.version + "+so-tu-phap-3")


def test_rule_catalogue_is_up_to_date() -> None:
    from gender_mainstream.catalogue import render_catalogue

    path = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
    assert path.read_text(encoding="utf-8") == render_catalogue(PACK), (
        "docs/rules.md is stale: run `make docs`"
    )
    text = path.read_text(encoding="utf-8")
    assert all(f"### {r.id} `{r.name}`" in text for r in PACK.rules)
