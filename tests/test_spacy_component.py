"""The spaCy component gives the same findings as the CLI, on spaCy's own Doc."""

from __future__ import annotations

import subprocess
import sys

import spacy

from gender_mainstream import review_text
from gender_mainstream.spacy_component import SPAN_KEY, findings_of

TEXT = (
    "KẾ HOẠCH\nTuyển dụng lao động năm 2025\nI. NỘI DUNG\n"
    "1. Vị trí bảo vệ: chỉ tuyển nam, tuổi từ 20 đến 40.\n"
    "2. Hỗ trợ hộ có người chồng là trụ cột gia đình.\n"
)


def _nlp() -> spacy.language.Language:
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "spacy.Tokenizer.v1"}}})
    nlp.add_pipe("gender_mainstream")
    return nlp


def test_component_attaches_the_same_findings_as_review_text() -> None:
    doc = _nlp()(TEXT)
    expected = review_text(TEXT).findings
    assert [(f.rule_id, f.text) for f in findings_of(doc)] == [
        (f.rule_id, f.text) for f in expected
    ]
    spans = doc.spans[SPAN_KEY]
    assert [(s.label_, s.text) for s in spans] == [
        ("GM-DIS-001", "chỉ tuyển nam"),
        ("GM-STE-003", "trụ cột gia đình"),
    ]
    assert doc._.gm_report.document.doc_type == "ke_hoach"


def test_clean_text_has_no_findings_and_empty_spans() -> None:
    doc = _nlp()("Tổ chức hội nghị tổng kết công tác năm 2025.")
    assert findings_of(doc) == []
    assert list(doc.spans[SPAN_KEY]) == []


def test_factory_is_found_without_importing_the_package() -> None:
    code = (
        "import spacy, sys\n"
        "tok = {'@tokenizers': 'spacy.Tokenizer.v1'}\n"
        "nlp = spacy.blank('vi', config={'nlp': {'tokenizer': tok}})\n"
        "nlp.add_pipe('gender_mainstream')\n"
        "doc = nlp('Vị trí bảo vệ: chỉ tuyển nam.')\n"
        "print([s.text for s in doc.spans['gender_mainstream']])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['chỉ tuyển nam']"
