"""Batch robustness: file names that are not UTF-8, --password, absurd timeouts, results lines
that are JSON but not records, output folders of another run, and resume by absolute path."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from docgen import write_pdf
from gender_mainstream.batch import (
    MAX_TIMEOUT_S,
    BatchOptions,
    read_results,
    review_one,
    run_batch,
    scan_results,
    write_summaries,
)
from gender_mainstream.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "corpora" / "ke-hoach-viec-lam-xa-an-binh-2025.txt"
PARAS = [line.strip() for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
CLI = [sys.executable, "-m", "gender_mainstream"]
BAD_NAME = b"\xff\xfe.txt"  # Windows-1252 bytes: not UTF-8


def _docs(folder: Path, n: int) -> list[Path]:
    """`n` different plans (the sample plus a numbered line, so each has its own SHA-256)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SAMPLE.read_text(encoding="utf-8")
    paths = []
    for i in range(n):
        p = folder / f"van-ban-{i}.txt"
        p.write_text(f"{text}\nGhi chú số {i}.\n", encoding="utf-8")
        paths.append(p)
    return paths


def _summary_rows(out: Path) -> list[dict[str, str]]:
    with (out / "summary.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _bad_name_file(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    name = os.fsdecode(os.fsencode(str(folder)) + b"/" + BAD_NAME)
    try:
        shutil.copy(SAMPLE, name)
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system does not take file names that are not UTF-8")
    return Path(name)


# --- B8: a file name that is not valid UTF-8 ----------------------------------------------------


def test_a_name_that_is_not_utf8_is_reviewed_written_and_skipped_on_resume(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox"
    bad = _bad_name_file(inbox)
    _docs(inbox, 1)
    out = tmp_path / "out"
    summary = run_batch([inbox], out, jobs=1)
    assert (summary.found, summary.reviewed, summary.failed) == (2, 2, 0)

    raw = (out / "results.jsonl").read_bytes()
    raw.decode("utf-8")  # strict UTF-8 throughout: any JSON tool reads it
    records, dropped = read_results(out / "results.jsonl")
    assert dropped == 0 and len(records) == 2
    (rec,) = [r for r in records if "abspath_hex" in r["batch"]]
    shown = str(inbox / "\\xff\\xfe.txt")
    assert rec["batch"]["path"] == shown and rec["document"]["path"] == shown
    assert rec["batch"]["ok"] is True and rec["findings"]
    # The exact bytes of the name are kept, so the record still names the file on disk.
    assert bytes.fromhex(rec["batch"]["abspath_hex"]) == os.fsencode(bad)  # tmp_path is absolute
    assert (out / rec["batch"]["html"]).read_text(encoding="utf-8").count("\\xff\\xfe") >= 1

    rows = _summary_rows(out)
    assert sorted(r["path"] for r in rows) == sorted([shown, str(inbox / "van-ban-0.txt")])
    with (out / "findings.csv").open(encoding="utf-8-sig") as fh:
        assert any(r["path"] == shown for r in csv.DictReader(fh))
    assert shown in (out / "dashboard.html").read_text(encoding="utf-8")

    again = run_batch([inbox], out, jobs=1, resume=True)
    assert (again.found, again.skipped, again.reviewed, again.torn_lines_dropped) == (2, 2, 0, 0)
    assert len(read_results(out / "results.jsonl")[0]) == 2


def test_summaries_survive_a_surrogate_read_back_from_results(tmp_path: Path) -> None:
    """A results line written by another tool with a lone-surrogate escape ("\\udcff")."""
    out = tmp_path / "out"
    out.mkdir()
    record = {
        "document": {"path": "a\udcff.txt", "format": "txt"},
        "findings": [
            {"rule_id": "GM-DIS-001", "category": "dis", "severity": "error", "text": "x\udcfe"}
        ],
        "batch": {"path": "a\udcff.txt", "sha256": None, "ok": True},
    }
    (out / "results.jsonl").write_text(json.dumps(record) + "\n", encoding="ascii")
    write_summaries(out)
    rows = _summary_rows(out)
    assert [r["path"] for r in rows] == ["a\\xff.txt"]
    assert "a\\xff.txt" in (out / "dashboard.html").read_text(encoding="utf-8")
    with (out / "findings.csv").open(encoding="utf-8-sig") as fh:
        assert [r["text"] for r in csv.DictReader(fh)] == ["x\\xfe"]


def test_cli_batch_of_a_bad_name_exits_0_and_resumes(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    _bad_name_file(inbox)
    run = [*CLI, "batch", str(inbox), "-o", str(tmp_path / "o"), "--jobs", "1"]
    first = subprocess.run(run, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    assert "1 documents found, 0 already done, 1 reviewed" in first.stdout
    again = subprocess.run([*run, "--resume"], capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    assert "1 documents found, 1 already done, 0 reviewed" in again.stdout


# --- B12: --password -------------------------------------------------------------------------


def test_the_password_reaches_the_reader(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    write_pdf(PARAS, docs / "mat.pdf", encrypt_password="THEPASS")
    locked = run_batch([docs], tmp_path / "locked", jobs=1)
    assert locked.errors_by_code == {"GM-E121": 1}
    out = tmp_path / "open"
    opened = run_batch(
        [docs], out, jobs=1, options=BatchOptions(out_dir=str(out), password="THEPASS")
    )
    assert (opened.reviewed, opened.failed) == (1, 0)
    (record,) = read_results(out / "results.jsonl")[0]
    assert record["document"]["format"] == "pdf" and record["findings"]
    assert "THEPASS" not in repr(BatchOptions(out_dir="o", password="THEPASS"))


# --- B14: absurd timeouts ----------------------------------------------------------------------


@pytest.mark.parametrize("bad", [math.nan, -1.0, -math.inf, "10"])
def test_a_nan_negative_or_non_number_timeout_is_refused(bad: Any) -> None:
    with pytest.raises(ValueError, match="timeout"):
        BatchOptions(out_dir="o", timeout_s=bad)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        (math.inf, None),
        (1e12, None),
        (MAX_TIMEOUT_S * 2, None),
        (0, None),
        (None, None),
        (MAX_TIMEOUT_S, MAX_TIMEOUT_S),
        (5, 5),
        (0.5, 0.5),
    ],
)
def test_a_huge_timeout_means_no_limit(given: float | None, kept: float | None) -> None:
    assert BatchOptions(out_dir="o", timeout_s=given).timeout_s == kept


def test_documents_are_reviewed_with_an_infinite_timeout(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (path,) = _docs(docs, 1)
    out = tmp_path / "out"
    summary = run_batch(
        [docs], out, jobs=1, options=BatchOptions(out_dir=str(out), timeout_s=math.inf)
    )
    assert (summary.reviewed, summary.failed, summary.errors_by_code) == (1, 0, {})
    # Even an options object that skipped the check (unpickled, say) does not overflow the alarm.
    options = BatchOptions(out_dir=str(tmp_path / "direct"), timeout_s=5, html=False)
    object.__setattr__(options, "timeout_s", 1e12)
    record = review_one(str(path), None, options)
    assert record["batch"]["ok"] is True and not record["errors"]


# --- B15: lines of results.jsonl that are JSON but not records ---------------------------------

_NOT_RECORDS = [
    "null",
    "42",
    '"x"',
    "[]",
    "{}",
    '{"batch": null}',
    '{"batch": {"sha256": null}}',
    '{"batch": {"path": 123, "sha256": null}}',
    '{"batch": {"path": "a.txt", "sha256": [1]}}',
    '{"batch": {"path": "a.txt", "sha256": null}, "findings": "x"}',
    '{"batch": {"path": "a.txt", "sha256": null}, "findings": [{"rule_id": 1}]}',
    '{"batch": {"path": "a.txt", "sha256": null}, "document": []}',
    "[" * 100_000,
    "{" * 50_000 + "}" * 50_000,
]


def test_resume_skips_lines_that_are_not_records_and_names_them(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _docs(docs, 3)
    out = tmp_path / "out"
    run_batch([docs], out, jobs=1)
    results = out / "results.jsonl"
    good = results.read_text(encoding="utf-8").splitlines()
    assert len(good) == 3
    lines = [good[0], *_NOT_RECORDS, good[1], good[2]]
    results.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bad_numbers = list(range(2, 2 + len(_NOT_RECORDS)))

    scan = scan_results(results)
    assert len(scan.records) == 3 and scan.dropped_lines == bad_numbers
    assert read_results(results) == (scan.records, len(_NOT_RECORDS))

    progress = io.StringIO()
    summary = run_batch([docs], out, jobs=1, resume=True, progress=progress)
    assert (summary.found, summary.skipped, summary.reviewed) == (3, 3, 0)
    assert summary.torn_lines_dropped == len(_NOT_RECORDS)
    assert summary.dropped_lines == bad_numbers
    warning = progress.getvalue()
    assert f"skipped {len(_NOT_RECORDS)} line(s)" in warning and "line 2, 3, 4" in warning
    # No phantom row for "{}" or any other non-record.
    rows = _summary_rows(out)
    assert sorted(r["path"] for r in rows) == sorted(str(p) for p in docs.glob("*.txt"))


def test_a_record_damaged_into_a_non_record_is_reviewed_again(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _docs(docs, 2)
    out = tmp_path / "out"
    run_batch([docs], out, jobs=1)
    results = out / "results.jsonl"
    first, second = results.read_text(encoding="utf-8").splitlines()
    damaged = json.loads(first)
    damaged["findings"] = "x"
    results.write_text(json.dumps(damaged) + "\n" + second + "\n", encoding="utf-8")
    summary = run_batch([docs], out, jobs=1, resume=True)
    assert (summary.skipped, summary.reviewed, summary.dropped_lines) == (1, 1, [1])
    assert len(_summary_rows(out)) == 2


def test_cli_resume_over_non_record_lines_exits_0(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _docs(docs, 2)
    out = tmp_path / "o"
    run_batch([docs], out, jobs=1)
    results = out / "results.jsonl"
    first, second = results.read_text(encoding="utf-8").splitlines()
    results.write_text(f"{first}\nnull\n{'[' * 100_000}\n{second}\n", encoding="utf-8")
    proc = subprocess.run(
        [*CLI, "batch", str(docs), "-o", str(out), "--resume", "--jobs", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "2 documents found, 2 already done, 0 reviewed" in proc.stdout
    assert "line 2, 3" in proc.stderr and "Traceback" not in proc.stderr


# --- an output folder of another run -----------------------------------------------------------


@pytest.mark.parametrize("leftover", ["summary.csv", "findings.csv", "dashboard.html", "reports"])
def test_a_folder_with_outputs_is_not_overwritten_without_resume(
    tmp_path: Path, leftover: str
) -> None:
    docs = tmp_path / "docs"
    _docs(docs, 1)
    out = tmp_path / "out"
    out.mkdir()
    target = out / leftover
    if leftover == "reports":
        target.mkdir()
        (target / "keep.html").write_text("mine", encoding="utf-8")
    else:
        target.write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match=leftover) as info:
        run_batch([docs], out, jobs=1)
    assert "--resume" in info.value.line() and info.value.exit_code == 2
    assert not (out / "results.jsonl").exists()
    assert (target / "keep.html" if leftover == "reports" else target).read_text() == "mine"
    summary = run_batch([docs], out, jobs=1, resume=True)  # asked for: goes on
    assert summary.reviewed == 1


def test_an_empty_or_unrelated_folder_is_fine(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _docs(docs, 1)
    (docs / "notes.md").write_text("x", encoding="utf-8")
    assert run_batch([docs], docs, jobs=1).reviewed == 1  # OUTDIR = the input folder, once
    with pytest.raises(InputError):
        run_batch([docs], docs, jobs=1)


# --- resume by absolute path -------------------------------------------------------------------


def test_resume_matches_relative_and_absolute_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _docs(tmp_path / "RB", 3)
    out = tmp_path / "out"
    assert run_batch(["RB"], out, jobs=1).reviewed == 3
    records, _ = read_results(out / "results.jsonl")
    assert {r["batch"]["path"] for r in records} == {f"RB/van-ban-{i}.txt" for i in range(3)}
    assert {r["batch"]["abspath"] for r in records} == {
        str(tmp_path / "RB" / f"van-ban-{i}.txt") for i in range(3)
    }
    again = run_batch([str(tmp_path / "RB")], out, jobs=1, resume=True)
    assert (again.found, again.skipped, again.reviewed) == (3, 3, 0)
    # The same folder named twice, relative and absolute, is one set of files.
    both = run_batch(["RB", str(tmp_path / "RB"), "./RB/"], out, jobs=1, resume=True)
    assert (both.found, both.skipped) == (3, 3)
    assert len(_summary_rows(out)) == 3


def test_resume_matches_records_written_before_abspath(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _docs(tmp_path / "RB", 2)
    out = tmp_path / "out"
    run_batch(["RB"], out, jobs=1)
    results = out / "results.jsonl"
    old = []
    for line in results.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        del record["batch"]["abspath"]  # as written by the earlier version
        old.append(json.dumps(record, ensure_ascii=False))
    results.write_text("\n".join(old) + "\n", encoding="utf-8")
    changed = tmp_path / "RB" / "van-ban-1.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "chỉ tuyển nam.\n", encoding="utf-8")
    summary = run_batch([str(tmp_path / "RB")], out, jobs=1, resume=True)
    assert (summary.skipped, summary.reviewed) == (1, 1)
    rows = _summary_rows(out)
    # One row per file: the edited file's new (absolute-path) review replaces its old one.
    assert sorted(r["path"] for r in rows) == sorted(
        ["RB/van-ban-0.txt", str(tmp_path / "RB" / "van-ban-1.txt")]
    )
