"""The batch-summary notebook runs on a real batch and agrees with the dashboard."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from gender_mainstream.batch import read_results, run_batch

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("pandas")
pytest.importorskip("matplotlib")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "batch_summary.ipynb"


def _outputs(nb: object, kind: str) -> list[str]:
    found = []
    for cell in nb.cells:  # type: ignore[attr-defined]
        for out in cell.get("outputs", []):
            if kind == "stream" and out.get("output_type") == "stream":
                found.append(out["text"])
            elif kind in out.get("data", {}):
                found.append(out["data"][kind])
    return found


def test_notebook_draws_the_charts_and_ranks_like_the_dashboard(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for f in sorted((ROOT / "corpora").glob("*.txt")):
        shutil.copy(f, docs / f.name)
    (docs / "hong.docx").write_bytes(b"PK\x03\x04 not really a docx")
    out = tmp_path / "out"
    run_batch([docs], out, jobs=1)
    records, _ = read_results(out / "results.jsonl")
    n_findings = sum(len(r["findings"]) for r in records)

    nb = nbformat.read(NOTEBOOK, as_version=4)
    os.environ["GM_BATCH_DIR"] = str(out)
    try:
        nbclient.NotebookClient(
            nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
        ).execute()
    finally:
        del os.environ["GM_BATCH_DIR"]

    first = _outputs(nb, "stream")[0]
    assert first.startswith(
        f"{len(records)} records (0 torn lines skipped), {len(records)} documents, "
        f"{len(records) - 1} readable, {n_findings} findings"
    )
    charts = sorted(p.name for p in (out / "charts").iterdir())
    assert charts == [
        "findings_by_category_and_rule.png",
        "findings_by_year_type_issuer.png",
        "scorecard_by_year.png",
        "scorecard_shares.png",
    ]
    assert all((out / "charts" / c).read_bytes().startswith(b"\x89PNG") for c in charts)
    assert len(_outputs(nb, "image/png")) == 4

    # The notebook's "review first" table starts with the dashboard's first document.
    dashboard = (out / "dashboard.html").read_text(encoding="utf-8")
    table = dashboard.split("Văn bản cần rà soát trước", 1)[1]
    top = re.search(r"<tr><td>1</td><td><a href=\"[^\"]+\">([^<]+)</a>", table)
    assert top is not None
    ranked = next(h for h in _outputs(nb, "text/html") if "missing_elements" in h)
    first_row = re.search(r"<tbody>\s*<tr>\s*<th>\d+</th>\s*<td>([^<]+)</td>", ranked)
    assert first_row is not None and first_row.group(1) == top.group(1)
    # The unreadable file is counted under its error code.
    assert any("GM-E1" in h and "documents" in h for h in _outputs(nb, "text/html"))
