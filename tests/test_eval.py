"""The evaluation corpus, its gold files, and the accuracy the pack must keep on it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gender_mainstream.errors import RuleError
from gender_mainstream.evaluate import evaluate, load_gold, render_eval
from gender_mainstream.model import SCORE_ELEMENTS
from gender_mainstream.normalize import canonicalize

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
GOLD = sorted(CORPORA.rglob("*.gold.yaml"))


def _key(text: str) -> str:
    return " ".join(canonicalize(text).lower().split())


def _spans(haystack: str, needle: str) -> list[tuple[int, int]]:
    out, i = [], haystack.find(needle)
    while i >= 0:
        out.append((i, i + len(needle)))
        i = haystack.find(needle, i + 1)
    return out


def test_corpus_has_at_least_fifteen_annotated_documents() -> None:
    assert len(GOLD) >= 15
    documents = {p.relative_to(CORPORA) for p in CORPORA.rglob("*.txt")}
    # every document has gold, and every gold file names a document beside it
    assert {p.parent.relative_to(CORPORA) / load_gold(p).document for p in GOLD} == documents


@pytest.mark.parametrize(
    "path", GOLD, ids=[str(p.relative_to(CORPORA)).removesuffix(".gold.yaml") for p in GOLD]
)
def test_gold_file_is_consistent_with_its_document(path: Path) -> None:
    gold = load_gold(path)
    text = _key((path.parent / gold.document).read_text(encoding="utf-8"))
    assert set(gold.scorecard) == set(SCORE_ELEMENTS)
    flagged: list[tuple[int, int]] = []
    for f in gold.findings:
        if f.text is not None:
            spans = _spans(text, _key(f.text))
            assert spans, f"gold finding not in the document: {f.text!r}"
            flagged.extend(spans)
    for m in gold.must_not_flag:
        spans = _spans(text, _key(m.text))
        assert spans, f"must-not-flag span not in the document: {m.text!r}"
        for a, b in spans:
            assert not any(a < d and c < b for c, d in flagged), f"overlaps a finding: {m.text!r}"
    if not gold.gender_relevant:
        assert set(gold.scorecard.values()) == {"not_applicable"}
        assert not [f for f in gold.findings if f.category == "mainstreaming"]


def test_pack_keeps_its_accuracy_on_the_corpus() -> None:
    result = evaluate(CORPORA)
    overall = result.overall
    report = render_eval(result, verbose=True)
    assert overall.precision >= 0.90, report
    assert overall.recall >= 0.85, report
    assert result.scorecard_accuracy >= 0.85, report
    assert result.must_not_flag_hits == [], report
    assert result.relevance_correct == result.documents, report


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def test_scoring_counts_matches_misses_and_must_not_flag(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "tb.txt",
        """
        THÔNG BÁO
        Tuyển dụng nhân viên bảo vệ năm 2025
        1. Vị trí bảo vệ: chỉ tuyển nam, tuổi từ 20 đến 40.
        2. Vị trí tạp vụ: người dự tuyển phải là nữ.
        3. Ứng viên có quốc tịch Việt Nam.
        """,
    )
    _write(
        tmp_path,
        "tb.gold.yaml",
        """
        schema_version: 1
        document: tb.txt
        doc_type: thong_bao
        gender_relevant: true
        findings:
          - {category: discrimination, text: "chỉ tuyển nam"}
          - {category: stereotype, text: "tuổi từ 20 đến 40"}
        must_not_flag:
          - {text: "người dự tuyển phải là nữ"}
        scorecard:
          gender_issue: missing
          impact_forecast: missing
          responsibility: missing
          resources: missing
          sex_disaggregated_data: missing
          monitoring: missing
        """,
    )
    result = evaluate(tmp_path)
    disc = result.categories["discrimination"]
    # Two discrimination findings; one matches gold, the other sits in a must-not-flag span.
    assert (disc.gold, disc.predicted, disc.true_positive) == (1, 2, 1)
    assert result.categories["stereotype"].recall == 0.0
    assert result.false_negatives == ["tb.txt: stereotype 'tuổi từ 20 đến 40'"]
    assert len(result.must_not_flag_hits) == 1
    assert "người dự tuyển phải là nữ" in result.must_not_flag_hits[0]
    assert (result.scorecard_correct, result.scorecard_total) == (6, 6)
    assert result.doc_type_correct == 1


def test_span_edges_are_matched_leniently(tmp_path: Path) -> None:
    _write(tmp_path, "a.txt", "Trưởng thôn được bầu ra trong số những nam giới có uy tín.\n")
    _write(
        tmp_path,
        "a.gold.yaml",
        """
        schema_version: 1
        document: a.txt
        gender_relevant: true
        findings:
          - {category: discrimination, text: "trong số những nam giới có uy tín"}
        scorecard: {gender_issue: missing, impact_forecast: missing, responsibility: missing,
                    resources: missing, sex_disaggregated_data: missing, monitoring: missing}
        """,
    )
    result = evaluate(tmp_path)
    assert result.categories["discrimination"].true_positive == 1, render_eval(result, verbose=True)


@pytest.mark.parametrize(
    ("finding", "problem"),
    [
        ("{category: stereotype}", "either `text`"),
        ('{category: stereotype, element: resources, text: "x"}', "either `text`"),
        ("{category: stereotype, element: resources}", "are mainstreaming"),
        ('{category: sexism, text: "x"}', "category"),
    ],
)
def test_invalid_gold_files_are_refused_with_the_reason(
    tmp_path: Path, finding: str, problem: str
) -> None:
    _write(tmp_path, "a.txt", "Văn bản.\n")
    _write(
        tmp_path,
        "a.gold.yaml",
        f"""
        schema_version: 1
        document: a.txt
        gender_relevant: false
        findings: [{finding}]
        scorecard: {{gender_issue: missing, impact_forecast: missing, responsibility: missing,
                    resources: missing, sex_disaggregated_data: missing, monitoring: missing}}
        """,
    )
    with pytest.raises(RuleError) as exc:
        evaluate(tmp_path)
    assert problem in str(exc.value) and "a.gold.yaml" in str(exc.value)
