"""Outputs that would destroy an input or cannot be written, odd option values, odd texts.

Each case is one a tester found crashing (exit 3) or silently losing data; each must now end
in one clear line and exit 2, or in a normal review.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gender_mainstream import review_file
from gender_mainstream.ingest import read_bytes
from test_bad_input import assert_one_error_line, assert_reviewed, run_cli, sha256

PLAN = "KẾ HOẠCH\nTuyển dụng lao động năm 2025\nChỉ tuyển nam giới vào vị trí bảo vệ.\n"


def _plan(tmp_path: Path, name: str = "p.txt") -> Path:
    path = tmp_path / name
    path.write_text(PLAN, encoding="utf-8")
    return path


def _batch(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gender_mainstream", "batch", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "extra",
    [["-o", "{same}"], ["--format", "html", "-o", "{same}"], ["--annotate", "{link}"]],
    ids=["text-to-input", "html-to-input", "annotate-to-hard-link"],
)
def test_an_output_that_is_the_input_is_refused_and_the_input_kept(
    tmp_path: Path, extra: list[str]
) -> None:
    src = _plan(tmp_path)
    link = tmp_path / "link.txt"
    os.link(src, link)
    before = sha256(src)
    args = [a.format(same=src, link=link) for a in extra]
    proc = run_cli(str(src), *args, cwd=tmp_path)
    out = link if "--annotate" in extra else src
    assert_one_error_line(proc, out, "GM-E150", ("input file", "choose another output path"))
    assert sha256(src) == before


def test_an_output_in_a_missing_folder_or_on_a_folder_is_refused_before_review(
    tmp_path: Path,
) -> None:
    src = _plan(tmp_path)
    missing = tmp_path / "nodir" / "x.json"
    proc = run_cli(str(src), "--format", "json", "-o", str(missing), cwd=tmp_path)
    assert_one_error_line(proc, missing, "GM-E150", ("does not exist", "create it"))
    proc = run_cli(str(src), "-o", str(tmp_path), cwd=tmp_path)
    assert_one_error_line(proc, tmp_path, "GM-E150", ("is a folder",))


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("flag", ["-o", "--annotate"])
def test_a_full_disk_is_one_line_not_an_internal_error(tmp_path: Path, flag: str) -> None:
    src = _plan(tmp_path)
    proc = run_cli(str(src), flag, "/dev/full", cwd=tmp_path)
    line = assert_one_error_line(proc, Path("/dev/full"), "GM-E150", ("cannot be written",))
    assert "No space left" in line


def test_batch_refuses_a_file_as_its_folder_and_absurd_options(tmp_path: Path) -> None:
    src = _plan(tmp_path)
    proc = _batch(str(src), "-o", str(src), cwd=tmp_path)
    assert proc.returncode == 2 and "[GM-E150]" in proc.stderr and "is a file" in proc.stderr
    for option, value, words in (
        ("--timeout", "nan", "--timeout must be"),
        ("--timeout", "-5", "--timeout must be"),
        ("--jobs", "0", "--jobs must be at least 1"),
    ):
        proc = _batch(str(src), "-o", str(tmp_path / "out"), option, value, cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        assert words in proc.stderr
        assert "Traceback" not in proc.stderr


def test_batch_timeout_inf_means_no_limit(tmp_path: Path) -> None:
    src = _plan(tmp_path)
    out = tmp_path / "out"
    proc = _batch(str(src), "-o", str(out), "--timeout", "inf", "--jobs", "1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    record = json.loads((out / "results.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert record["batch"]["ok"] is True
    assert [f["rule_id"] for f in record["findings"]].count("GM-DIS-001") == 1


def test_a_generous_max_bytes_reads_a_small_file(tmp_path: Path) -> None:
    src = _plan(tmp_path)
    assert_reviewed(run_cli(str(src), "--max-bytes", "100G", cwd=tmp_path))


def test_a_symlink_loop_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    proc = run_cli(str(tmp_path / "a.txt"), cwd=tmp_path)
    assert_one_error_line(proc, tmp_path / "a.txt", "GM-E102", ("points back to itself",))


@pytest.mark.parametrize(
    "head",
    [b"BM01/TD\n", "Ghi chú: bản scan lưu dạng %PDF-A trong hồ sơ.\n".encode()],
    ids=["form-code-BM", "mentions-PDF-A"],
)
def test_texts_that_look_like_magic_numbers_are_read_as_texts(head: bytes) -> None:
    raw = read_bytes(head + PLAN.encode(), "x.txt")
    assert raw.format.value == "txt"
    assert "Chỉ tuyển nam giới" in raw.text


def test_a_bitmap_is_still_an_image() -> None:
    bmp = b"BM" + (70).to_bytes(4, "little") + b"\0\0\0\0" + (54).to_bytes(4, "little")
    with pytest.raises(Exception, match="is an image"):
        read_bytes(bmp + b"\0" * 56, "x.txt")


def test_a_utf8_text_with_a_bad_byte_is_reviewed_with_a_warning(tmp_path: Path) -> None:
    data = PLAN.encode()
    path = tmp_path / "bad.txt"
    path.write_bytes(data[:12] + b"\xff" + data[12:])
    report = review_file(path)
    assert [f.rule_id for f in report.findings].count("GM-DIS-001") == 1
    warning = next(e for e in report.errors if e.code == "GM-W112")
    assert "first at byte 12" in warning.message


def test_a_paragraph_repeating_a_provision_gets_a_bounded_number_of_findings(
    tmp_path: Path,
) -> None:
    path = tmp_path / "long.txt"
    path.write_text("KẾ HOẠCH\nTuyển dụng\n" + "Chỉ tuyển nam. " * 2000 + "\n", encoding="utf-8")
    found = [f for f in review_file(path).findings if f.rule_id == "GM-DIS-001"]
    assert len(found) == 20
    assert found[0].text == "Chỉ tuyển nam"
