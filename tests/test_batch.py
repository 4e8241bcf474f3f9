"""Batch review: one record per file whatever it holds, kill-safe resume, same results at any
parallelism, on a Dask cluster too, OCR of scans, and the summaries."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from docgen import write_docx, write_pdf
from gender_mainstream.batch import (
    TOO_SLOW,
    WORKER_DIED,
    BatchOptions,
    read_results,
    run_batch,
)
from gender_mainstream.errors import InputError
from test_bad_input import CASES, Case

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
SAMPLE = CORPORA / "ke-hoach-viec-lam-xa-an-binh-2025.txt"
CLI = [sys.executable, "-m", "gender_mainstream"]
_SLOW_CASES = {"text-50mb-over-default-limit", "missing", "directory"}


def _stable(record: dict[str, Any]) -> dict[str, Any]:
    """A record without what changes from run to run (timings, memory)."""
    out = {k: v for k, v in record.items() if k != "batch"}
    out["path"] = record["batch"]["path"]
    return out


def _by_path(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["batch"]["path"]: _stable(r) for r in records}


def _copy_corpus(dest: Path, limit: int | None = None) -> Path:
    files = sorted(CORPORA.rglob("*.txt"))[:limit]
    for f in files:
        target = dest / f.relative_to(CORPORA)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(f, target)
    return dest


def test_good_and_bad_files_each_get_one_record(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLE, inbox / "ke-hoach.txt")
    write_docx(SAMPLE.read_text(encoding="utf-8").splitlines(), inbox / "ke-hoach.docx")
    write_pdf(
        [ln for ln in SAMPLE.read_text(encoding="utf-8").splitlines() if ln.strip()],
        inbox / "ke-hoach.pdf",
    )
    expected: dict[str, Case] = {}
    for case in CASES:
        if case.id in _SLOW_CASES or case.cli_args:
            continue
        sub = inbox / case.id
        sub.mkdir()
        path = case.make(sub)
        expected[str(path)] = case
    missing = tmp_path / "khong-co.txt"
    summary = run_batch([inbox, missing], tmp_path / "out", jobs=2)
    records, torn = read_results(tmp_path / "out" / "results.jsonl")
    assert torn == 0
    paths = [r["batch"]["path"] for r in records]
    assert len(paths) == len(set(paths)) == 3 + len(expected) + 1 == summary.reviewed
    by_path = {r["batch"]["path"]: r for r in records}
    for name in ("ke-hoach.txt", "ke-hoach.docx", "ke-hoach.pdf"):
        r = by_path[str(inbox / name)]
        assert r["batch"]["ok"] and "GM-DIS-001" in {f["rule_id"] for f in r["findings"]}
    for path, case in expected.items():
        r = by_path[path]
        assert not r["batch"]["ok"], case.id
        codes = [e["code"] for e in r["errors"]]
        if not case.no_soffice:  # a fake .doc meets LibreOffice here and is refused otherwise
            assert codes == [case.error.code], (case.id, codes)
        assert r["errors"][0]["message"].startswith(path)
    assert by_path[str(missing)]["errors"][0]["code"] == "GM-E101"
    assert summary.failed == len(expected) + 1


def test_jobs_two_gives_the_same_results_as_jobs_one(tmp_path: Path) -> None:
    docs = _copy_corpus(tmp_path / "docs", limit=20)
    run_batch([docs], tmp_path / "one", jobs=1)
    run_batch([docs], tmp_path / "two", jobs=2)
    one, _ = read_results(tmp_path / "one" / "results.jsonl")
    two, _ = read_results(tmp_path / "two" / "results.jsonl")
    assert len(one) == 20
    assert _by_path(one) == _by_path(two)


def test_killed_run_resumes_to_the_uninterrupted_result(tmp_path: Path) -> None:
    docs = _copy_corpus(tmp_path / "docs")
    n_docs = len(list(docs.rglob("*.txt")))
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [*CLI, "batch", str(docs), "-o", str(out), "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    results = out / "results.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if results.exists() and results.read_bytes().count(b"\n") >= 8:
            break
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole group: parent and workers, mid-write
    proc.wait()
    partial, _ = read_results(results)
    assert 8 <= len(partial) < n_docs
    with results.open("ab") as fh:  # as if the kill had come in the middle of a write
        fh.write(b'{"schema_version": "1", "tool": {"na')
    with pytest.raises(InputError):  # an earlier run is never appended to by accident
        run_batch([docs], out)
    summary = run_batch([docs], out, resume=True, jobs=2)
    assert summary.torn_lines_dropped == 1
    assert summary.skipped == len(partial) and summary.reviewed == n_docs - len(partial)
    resumed, torn = read_results(results)
    assert torn == 0
    assert sorted(r["batch"]["path"] for r in resumed) == sorted(
        str(p) for p in docs.rglob("*.txt")
    )
    run_batch([docs], tmp_path / "whole", jobs=1)
    whole, _ = read_results(tmp_path / "whole" / "results.jsonl")
    assert _by_path(resumed) == _by_path(whole)
    # Resuming a finished run does nothing; a changed file is reviewed again.
    again = run_batch([docs], out, resume=True)
    assert (again.skipped, again.reviewed) == (n_docs, 0)
    changed = next(iter(sorted(docs.rglob("*.txt"))))
    changed.write_text(changed.read_text(encoding="utf-8") + "\nchỉ tuyển nam.\n", encoding="utf-8")
    assert run_batch([docs], out, resume=True).reviewed == 1
    with (out / "summary.csv").open(encoding="utf-8-sig") as fh:
        rows = {r["path"]: r for r in csv.DictReader(fh)}
    assert len(rows) == n_docs  # the edited file's newest review replaces its old one
    assert rows[str(changed)]["sha256"] != _by_path(whole)[str(changed)]["document"]["sha256"]


def test_summaries_and_dashboard(tmp_path: Path) -> None:
    docs = _copy_corpus(tmp_path / "docs", limit=11)
    shutil.copy(SAMPLE, docs / "ke-hoach-viec-lam-xa-an-binh-2025.txt")
    (docs / "hong.pdf").write_bytes(b"%PDF-1.4 truncated")
    out = tmp_path / "out"
    run_batch([docs], out, jobs=2)
    records, _ = read_results(out / "results.jsonl")
    with (out / "summary.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(records) == 13
    bad = next(r for r in rows if r["path"].endswith("hong.pdf"))
    assert bad["ok"] == "False" and bad["error_code"] == "GM-E120"
    good = next(r for r in rows if r["path"].endswith("ke-hoach-viec-lam-xa-an-binh-2025.txt"))
    assert good["doc_type"] == "ke_hoach" and int(good["error"]) >= 1
    assert (out / good["html"]).is_file()
    with (out / "findings.csv").open(encoding="utf-8-sig") as fh:
        findings = list(csv.DictReader(fh))
    assert len(findings) == sum(len(r["findings"]) for r in records)
    page = (out / "dashboard.html").read_text(encoding="utf-8")
    assert page.count("<svg") >= 5 and "Văn bản cần rà soát trước" in page
    assert f'href="{good["html"]}"' in page


def test_boilerplate_is_grouped(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    for i in range(4):  # the same template issued four times by one xã
        (docs / f"ke-hoach-{i}.txt").write_text(
            text.replace("86/KH-UBND", f"{86 + i}/KH-UBND"), encoding="utf-8"
        )
    run_batch([docs], tmp_path / "out", jobs=1)
    with (tmp_path / "out" / "findings.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    groups = {r["boilerplate_group"] for r in rows if r["rule_id"] == "GM-DIS-001"}
    assert len(groups) == 1 and "" not in groups
    page = (tmp_path / "out" / "dashboard.html").read_text(encoding="utf-8")
    assert "Nội dung lặp lại theo mẫu" in page and "chỉ tuyển nam" in page


def test_dask_local_cluster_gives_the_same_results(tmp_path: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    from gender_mainstream.batch_dask import dask_executor

    docs = _copy_corpus(tmp_path / "docs", limit=8)
    run_batch([docs], tmp_path / "local", jobs=1)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        summary = run_batch(
            [docs],
            tmp_path / "dask",
            options=BatchOptions(out_dir=str(tmp_path / "dask")),
            executor=dask_executor(client=client),
        )
    assert summary.reviewed == 8
    local, _ = read_results(tmp_path / "local" / "results.jsonl")
    remote, _ = read_results(tmp_path / "dask" / "results.jsonl")
    assert _by_path(local) == _by_path(remote)


def _scan_pdf(path: Path, lines: list[str]) -> Path:
    """A PDF whose only page is a picture of Vietnamese text (no text layer)."""
    from PIL import Image, ImageDraw, ImageFont

    from docgen import font_path

    img = Image.new("L", (2480, 1200), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(font_path()), 44)
    for i, line in enumerate(lines):
        draw.text((150, 150 + i * 90), line, fill=0, font=font)
    img.save(path, "PDF", resolution=300.0)
    return path


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_ocr_reads_a_scan_and_lowers_confidence(tmp_path: Path) -> None:
    from gender_mainstream.ingest.ocr import ocr_available

    if ocr_available() is not None:
        pytest.skip(str(ocr_available()))
    docs = tmp_path / "docs"
    docs.mkdir()
    _scan_pdf(
        docs / "scan.pdf",
        [
            "KẾ HOẠCH",
            "Tuyển dụng lao động năm 2025",
            "1. Vị trí bảo vệ: chỉ tuyển nam, tuổi từ 20 đến 40.",
        ],
    )
    plain = run_batch([docs], tmp_path / "plain")
    (record,) = read_results(tmp_path / "plain" / "results.jsonl")[0]
    assert plain.failed == 1 and record["errors"][0]["code"] == "GM-E130"
    run_batch(
        [docs], tmp_path / "ocr", options=BatchOptions(out_dir=str(tmp_path / "ocr"), ocr=True)
    )
    (record,) = read_results(tmp_path / "ocr" / "results.jsonl")[0]
    assert record["batch"]["ok"]
    assert any(e["code"] == "GM-W131" for e in record["errors"])
    (f,) = [f for f in record["findings"] if f["rule_id"] == "GM-DIS-001"]
    assert f["text"].lower() == "chỉ tuyển nam" and f["confidence"] < 0.9


def test_cli_batch_prints_the_summary_and_refuses_bad_options(tmp_path: Path) -> None:
    docs = _copy_corpus(tmp_path / "docs", limit=3)
    run = [*CLI, "batch", str(docs), "-o", str(tmp_path / "o")]
    proc = subprocess.run([*run, "--jobs", "1"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "3 documents found, 0 already done, 3 reviewed" in proc.stdout
    again = subprocess.run([*run, "--jobs", "1"], capture_output=True, text=True, check=False)
    assert again.returncode == 2 and "--resume" in again.stderr and "Traceback" not in again.stderr
    dask = subprocess.run([*run, "--executor", "dask"], capture_output=True, text=True, check=False)
    assert dask.returncode == 2 and "--scheduler" in dask.stderr
    json.loads((tmp_path / "o" / "results.jsonl").read_text(encoding="utf-8").splitlines()[0])


def _children() -> list[int]:
    """The worker processes of this test process (not multiprocessing's resource tracker)."""
    me = os.getpid()
    try:
        pids = Path(f"/proc/{me}/task/{me}/children").read_text().split()
    except OSError:
        return []
    out = []
    for pid in map(int, pids):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"resource_tracker" not in cmd:
            out.append(pid)
    return out


def _kill_workers(
    stop: threading.Event, results: Path, after_lines: int, once: bool, killed: list[int]
) -> None:
    while not stop.is_set():
        if results.exists() and results.read_bytes().count(b"\n") >= after_lines:
            for pid in _children():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)  # what the out-of-memory killer does
                    killed.append(pid)
                if once and killed:
                    return
        time.sleep(0.002)


def _batch_while_killing(
    docs: Path, out: Path, *, after_lines: int, once: bool, jobs: int = 2
) -> Any:
    """Run a batch while a thread SIGKILLs its workers (once, or all the time)."""
    stop = threading.Event()
    killed: list[int] = []
    killer = threading.Thread(
        target=_kill_workers,
        args=(stop, out / "results.jsonl", after_lines, once, killed),
        daemon=True,
    )
    killer.start()
    try:
        return run_batch([docs], out, jobs=jobs)
    finally:
        stop.set()
        killer.join()
        assert killed, "no worker was killed: the test did not test anything"


needs_proc = pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
    reason="needs Linux /proc children lists",
)


@needs_proc
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_killed_worker_costs_no_document(tmp_path: Path, jobs: int) -> None:
    # --jobs 1 too: its worker is a process of its own, so the run survives it.
    docs = _copy_corpus(tmp_path / "docs", limit=24)
    out = tmp_path / "out"
    summary = _batch_while_killing(docs, out, after_lines=2, once=True, jobs=jobs)
    records, torn = read_results(out / "results.jsonl")
    assert torn == 0 and summary.reviewed == len(records) == 24
    # The documents in flight when the worker died were reviewed again, alone: all fine.
    assert all(r["batch"]["ok"] for r in records), [r["errors"] for r in records]
    assert sorted(r["batch"]["path"] for r in records) == sorted(map(str, docs.rglob("*.txt")))


@needs_proc
def test_a_file_that_always_kills_its_worker_gets_an_error_record(tmp_path: Path) -> None:
    docs = _copy_corpus(tmp_path / "docs", limit=6)
    out = tmp_path / "out"
    summary = _batch_while_killing(docs, out, after_lines=0, once=False)
    records, _ = read_results(out / "results.jsonl")
    assert summary.reviewed == len(records) == 6
    assert len({r["batch"]["path"] for r in records}) == 6
    died = [r for r in records if not r["batch"]["ok"]]
    assert died and all(r["errors"][0]["code"] == WORKER_DIED for r in died)
    assert "died" in died[0]["errors"][0]["message"]
    assert died[0]["errors"][0]["message"].startswith(died[0]["batch"]["path"])
    assert all(r["batch"]["ok"] for r in records if r not in died)
    assert summary.errors_by_code == {WORKER_DIED: len(died)}


def test_cli_batch_reports_an_unreachable_scheduler_in_one_line(tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    docs = _copy_corpus(tmp_path / "docs", limit=1)
    proc = subprocess.run(
        # tcp port 9 is the discard service: nothing listens there
        [
            *CLI,
            "batch",
            str(docs),
            "-o",
            str(tmp_path / "o"),
            "--executor",
            "dask",
            "--scheduler",
            "tcp://127.0.0.1:9",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "GM-E140" in lines[0] and "dask scheduler" in lines[0]
    assert lines[0].startswith("gender-mainstream: error: tcp://127.0.0.1:9: cannot reach")


def test_a_document_over_the_time_limit_is_stopped_and_recorded(tmp_path: Path) -> None:
    docs = _copy_corpus(tmp_path / "docs", limit=2)
    out = tmp_path / "out"
    summary = run_batch(
        [docs], out, options=BatchOptions(out_dir=str(out), timeout_s=0.001), jobs=1
    )
    records, _ = read_results(out / "results.jsonl")
    assert summary.errors_by_code == {TOO_SLOW: 2}
    msg = records[0]["errors"][0]["message"]
    assert msg.startswith(records[0]["batch"]["path"]) and "--timeout" in msg
    # The alarm is gone afterwards: a normal run in the same process is untouched.
    again = run_batch([docs], tmp_path / "again", jobs=1)
    assert again.failed == 0 and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_ctrl_c_keeps_finished_results_and_says_how_to_go_on(tmp_path: Path) -> None:
    docs = _copy_corpus(tmp_path / "docs")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [*CLI, "batch", str(docs), "-o", str(out), "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    results = out / "results.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if results.exists() and results.read_bytes().count(b"\n") >= 3:
            break
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends to the terminal's process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    kept, torn = read_results(results)
    last = err.strip().splitlines()[-1]
    assert last == (
        f"gender-mainstream: error: interrupted: {len(kept)} finished document(s) kept in "
        f"{results}; run the same command with --resume to go on"
    )
    assert "Traceback" not in err and torn == 0
    summary = run_batch([docs], out, resume=True, jobs=1)
    assert summary.skipped == len(kept) and summary.skipped + summary.reviewed == summary.found
