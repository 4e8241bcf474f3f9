"""Bad input, end to end: every file the tool cannot review is refused with one clear line.

Each case goes through the library (`review_file` raises the right `InputError` subclass,
whose message names the file and the fix) and through the command line run as a real
subprocess (exit code 2, exactly one line on stderr naming the file and what to do, no
traceback anywhere, the input file byte-for-byte unchanged). Every input is built inside
the test in `tmp_path`; no binary fixture is committed.

Files whose content is readable but whose name lies (a PDF called .docx) are reviewed, not
refused: the format is read from the content, and a GM-W140 warning says to rename them.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import gender_mainstream as gm
from docgen import font_path, write_docx, write_pdf, write_txt
from gender_mainstream.errors import (
    DamagedFileError,
    EmptyFileError,
    EncryptedFileError,
    FileMissingError,
    FilePermissionError,
    FileTooLargeError,
    InputError,
    LegacyWordError,
    NeedsOcrError,
    NotAFileError,
    UnsafeFileError,
    UnsupportedFormatError,
)

SAMPLE = Path(__file__).resolve().parents[1] / "corpora" / "ke-hoach-viec-lam-xa-an-binh-2025.txt"
PARAS = [line.strip() for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
PROG_PREFIX = "gender-mainstream: "
MIB = 1024 * 1024
SEED = 20250312
PASSWORD = "THEPASS"
CLI_TIMEOUT_S = 120


# ---------------------------------------------------------------------------- helpers


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(MIB), b""):
            h.update(chunk)
    return h.hexdigest()


def snapshot(path: Path) -> object:
    """What must not change: the file's bytes, or for a directory its listing."""
    if path.is_dir():
        return ("dir", sorted(p.name for p in path.iterdir()))
    if path.is_file():
        return ("file", sha256(path))
    if path.exists():
        return ("other", path.stat().st_mode)
    return ("absent",)


def run_cli(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    prefix: list[str] | None = None,
) -> subprocess.CompletedProcess[str]:
    cmd = [*(prefix or []), sys.executable, "-m", "gender_mainstream", "review", *args]
    return subprocess.run(
        cmd,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=CLI_TIMEOUT_S,
        check=False,
    )


def assert_no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stdout, proc.stdout
    assert "Traceback" not in proc.stderr, proc.stderr


def assert_one_error_line(
    proc: subprocess.CompletedProcess[str], path: Path, code: str, hints: tuple[str, ...]
) -> str:
    """Exit 2, one stderr line naming the file, the code and the fix; no traceback."""
    assert_no_traceback(proc)
    assert proc.returncode == 2, (proc.returncode, proc.stderr, proc.stdout[-2000:])
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, f"expected one stderr line, got {len(lines)}:\n{proc.stderr}"
    line = lines[0]
    assert line.startswith(PROG_PREFIX + "error: "), line
    assert str(path) in line, line
    assert f"[{code}]" in line, line
    for hint in hints:
        assert hint.lower() in line.lower(), f"{hint!r} not in {line!r}"
    return line


def assert_reviewed(proc: subprocess.CompletedProcess[str]) -> None:
    assert_no_traceback(proc)
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr)


def no_soffice_env(tmp_path: Path) -> dict[str, str]:
    """The current environment with a PATH where neither soffice nor libreoffice exists."""
    empty = tmp_path / "empty-bin"
    empty.mkdir(exist_ok=True)
    env = dict(os.environ)
    env["PATH"] = str(empty)
    assert shutil.which("soffice", path=env["PATH"]) is None
    assert shutil.which("libreoffice", path=env["PATH"]) is None
    return env


# ---------------------------------------------------------------------------- file builders


def make_png(path: Path, seed: int = SEED) -> Path:
    """A 'scan': white page with a letterhead box, a seal and bars where lines of text were."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    img = Image.new("RGB", (850, 1100), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((60, 50, 790, 150), outline="black", width=3)
    draw.ellipse((560, 820, 760, 1020), outline="red", width=6)
    for y in range(200, 780, 28):
        draw.rectangle((80, y, 80 + rng.randint(300, 690), y + 12), fill="black")
    img.save(path, format="PNG")
    return path


def _fpdf():
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("vn", "", str(font_path()))
    return pdf


def make_scanned_pdf(path: Path) -> Path:
    pdf = _fpdf()
    pdf.add_page()
    pdf.image(str(make_png(path.with_suffix(".png"))), x=10, y=10, w=190)
    pdf.output(str(path))
    path.with_suffix(".png").unlink()
    return path


def make_text_then_scan_pdf(path: Path) -> tuple[Path, int]:
    """Page 1 has a text layer; page 2 is only an image. Returns (path, image page number)."""
    pdf = _fpdf()
    pdf.add_page()
    pdf.set_font("vn", size=11)
    for text in PARAS[:12]:
        pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    image_page = pdf.page_no()
    pdf.image(str(make_png(path.with_suffix(".png"))), x=10, y=10, w=190)
    pdf.output(str(path))
    path.with_suffix(".png").unlink()
    return path, image_page


def make_random(path: Path) -> Path:
    path.write_bytes(random.Random(SEED).randbytes(64 * 1024))
    return path


def make_truncated_pdf(path: Path) -> Path:
    full = write_pdf(PARAS, path.with_name("full.pdf"), repeat=3)
    data = full.read_bytes()
    full.unlink()
    path.write_bytes(data[: len(data) // 2])
    return path


_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def make_zip_bomb(path: Path, megabytes: int = 300) -> Path:
    """A .docx whose word/document.xml inflates to `megabytes` MB, streamed in 1 MB writes."""
    paragraph = "<w:p><w:r><w:t>Phụ nữ và nam giới bình đẳng</w:t></w:r></w:p>".encode()
    chunk = paragraph * (MIB // len(paragraph))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        with zf.open("word/document.xml", "w") as fh:
            fh.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w='
                b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            )
            written = 0
            while written < megabytes * 1000 * 1000:
                fh.write(chunk)
                written += len(chunk)
            fh.write(b"</w:body></w:document>")
    assert path.stat().st_size < 2 * MIB, path.stat().st_size  # small on disk: a bomb
    return path


def make_zip_bomb_100(path: Path) -> Path:
    """Under the total-size limit, but with an expansion ratio no Word document has."""
    return make_zip_bomb(path, megabytes=100)


def make_docx_without_document_xml(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("docProps/core.xml", b'<?xml version="1.0"?><coreProperties/>')
        zf.writestr("notes.txt", "Kế hoạch giải quyết việc làm năm 2025\n".encode())
    return path


def make_docx_malformed_xml(path: Path) -> Path:
    good = write_docx(PARAS, path.with_name("good-source.docx"))
    source = good.read_bytes()
    good.unlink()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as src,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as out,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2]  # cut mid-element: not well-formed XML
            out.writestr(info, data)
    return path


def make_legacy_doc(path: Path) -> Path:
    """An OLE compound file header with a WordDocument stream name, as Word 97-2003 writes."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(0x18) + b"\x3e\x00\x03\x00\xfe\xff"
    header = header.ljust(512, b"\x00")
    directory = "Root Entry".encode("utf-16-le").ljust(128, b"\x00")
    directory += "WordDocument".encode("utf-16-le").ljust(128, b"\x00")
    directory += "1Table".encode("utf-16-le").ljust(128, b"\x00")
    path.write_bytes((header + directory).ljust(8192, b"\x00"))
    return path


def make_encrypted_docx(path: Path) -> Path:
    """What Word writes for a password-protected .docx: an OLE file with EncryptedPackage."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(0x18) + b"\x3e\x00\x04\x00\xfe\xff"
    header = header.ljust(512, b"\x00")
    directory = "Root Entry".encode("utf-16-le").ljust(128, b"\x00")
    directory += "EncryptionInfo".encode("utf-16-le").ljust(128, b"\x00")
    directory += "EncryptedPackage".encode("utf-16-le").ljust(128, b"\x00")
    path.write_bytes((header + directory).ljust(8192, b"\x00"))
    return path


def make_encrypted_pdf(path: Path) -> Path:
    return write_pdf(PARAS, path, encrypt_password=PASSWORD)


def make_text_of_size(path: Path, size: int) -> Path:
    """A real UTF-8 text file of exactly `size` bytes, written in 1 MB pieces."""
    chunk = ("\n".join(PARAS) + "\n").encode("utf-8")
    chunk = chunk * (MIB // len(chunk) + 1)
    with path.open("wb") as fh:
        left = size
        while left:
            piece = chunk[: min(left, len(chunk))]
            fh.write(piece)
            left -= len(piece)
    assert path.stat().st_size == size
    return path


def make_padded_text(path: Path, size: int) -> Path:
    """The sample document padded with blank lines to exactly `size` bytes.

    Used where the file must be reviewed: the limit is about bytes, and reviewing megabytes of
    real prose would make the test slow without testing anything more about the limit.
    """
    data = SAMPLE.read_bytes()
    pad = size - len(data)
    line = b" " * 99 + b"\n"
    data += line * (pad // len(line)) + b"\n" * (pad % len(line))
    path.write_bytes(data)
    assert path.stat().st_size == size
    return path


# ---------------------------------------------------------------------------- refused inputs


@dataclass(frozen=True)
class Case:
    """One bad input: how to build it, and what the library and the CLI must say."""

    id: str
    make: Callable[[Path], Path]
    error: type[InputError]
    hints: tuple[str, ...]  # lower-case substrings of the message: the problem and the fix
    cli_args: tuple[str, ...] = ()
    api_kwargs: dict[str, object] = field(default_factory=dict)
    no_soffice: bool = False
    max_seconds: float | None = None  # the library must refuse it this fast
    delete_after: bool = False


def _missing(tmp: Path) -> Path:
    return tmp / "khong-co-file.txt"


def _directory(tmp: Path) -> Path:
    d = tmp / "ho-so.docx"
    d.mkdir()
    (d / "inside.txt").write_text("Kế hoạch\n", encoding="utf-8")
    return d


def _fifo(tmp: Path) -> Path:
    """A named pipe: opening it for reading would block until a writer comes."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("os.mkfifo is not available on this platform")
    p = tmp / "ong.txt"
    os.mkfifo(p)
    return p


def _empty(name: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        p = tmp / name
        p.write_bytes(b"")
        return p

    return make


def _named(name: str, builder: Callable[[Path], Path]) -> Callable[[Path], Path]:
    return lambda tmp: builder(tmp / name)


CASES = [
    Case("missing", _missing, FileMissingError, ("no such file", "check the path")),
    Case("directory", _directory, NotAFileError, ("is a directory", "give a file")),
    Case(
        "named-pipe",
        _fifo,
        NotAFileError,
        ("device, socket or pipe", "give a regular .txt, .docx or .pdf file"),
    ),
    *(
        Case(
            f"empty{ext}",
            _empty(f"rong{ext}"),
            EmptyFileError,
            ("empty (0 bytes)", "check that the right file"),
        )
        for ext in (".txt", ".docx", ".pdf")
    ),
    *(
        Case(
            f"random-bytes{ext}",
            _named(f"ngau-nhien{ext}", make_random),
            UnsupportedFormatError,
            ("binary data", "save the document as .docx, .pdf or utf-8 .txt"),
        )
        for ext in (".txt", ".pdf", ".docx")
    ),
    Case(
        "encrypted-pdf-no-password",
        _named("mat.pdf", make_encrypted_pdf),
        EncryptedFileError,
        ("password-protected", "--password"),
    ),
    Case(
        "encrypted-pdf-wrong-password",
        _named("mat.pdf", make_encrypted_pdf),
        EncryptedFileError,
        ("wrong", "--password"),
        cli_args=("--password", "not-" + PASSWORD),
        api_kwargs={"password": "not-" + PASSWORD},
    ),
    Case(
        "encrypted-docx",
        _named("mat.docx", make_encrypted_docx),
        EncryptedFileError,
        ("word document is password-protected", "remove the password in word"),
    ),
    Case(
        "truncated-pdf",
        _named("cat-doi.pdf", make_truncated_pdf),
        DamagedFileError,
        ("truncated", "re-export"),
    ),
    Case(
        "scanned-pdf",
        _named("ban-scan.pdf", make_scanned_pdf),
        NeedsOcrError,
        ("scanned pdf", "needs ocr", "rerun with --ocr"),
    ),
    Case(
        "docx-zip-bomb-300mb",
        _named("bom.docx", make_zip_bomb),
        UnsafeFileError,
        ("refused before parsing", "re-save"),
        max_seconds=1.0,
    ),
    Case(
        "docx-zip-bomb-ratio",
        _named("bom-ti-le.docx", make_zip_bomb_100),
        UnsafeFileError,
        ("refused before parsing", "expands", "re-save"),
        max_seconds=1.0,
    ),
    Case(
        "docx-without-document-xml",
        _named("thieu.docx", make_docx_without_document_xml),
        DamagedFileError,
        ("word/document.xml", "re-save"),
    ),
    Case(
        "docx-malformed-xml",
        _named("hong-xml.docx", make_docx_malformed_xml),
        DamagedFileError,
        ("malformed xml", "re-save"),
    ),
    Case(
        "legacy-doc-without-libreoffice",
        _named("cu.doc", make_legacy_doc),
        LegacyWordError,
        ("legacy word", "save it as .docx", "install libreoffice"),
        no_soffice=True,
    ),
    Case(
        "text-50mb-over-default-limit",
        lambda tmp: make_text_of_size(tmp / "lon.txt", 50 * MIB),
        FileTooLargeError,
        ("over the limit of 33,554,432 bytes", "--max-bytes"),
        delete_after=True,
    ),
    Case(
        "text-3mb-over-max-bytes-2M",
        lambda tmp: make_padded_text(tmp / "vua.txt", 3 * MIB),
        FileTooLargeError,
        ("over the limit of 2,097,152 bytes", "--max-bytes"),
        cli_args=("--max-bytes", "2M"),
        api_kwargs={"max_bytes": 2 * MIB},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_api_refuses_bad_input(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = case.make(tmp_path)
    try:
        if case.no_soffice:
            monkeypatch.setenv("PATH", no_soffice_env(tmp_path)["PATH"])
        if case.error is UnsafeFileError:
            # "Refused before parsing": python-docx must never be asked to open the package.
            import docx

            def must_not_parse(*_args: object, **_kwargs: object) -> None:
                raise AssertionError("python-docx was called on a zip bomb")

            monkeypatch.setattr(docx, "Document", must_not_parse)
        before = snapshot(path)
        start = time.perf_counter()
        with pytest.raises(InputError) as info:
            gm.review_file(path, **case.api_kwargs)  # type: ignore[arg-type]
        elapsed = time.perf_counter() - start
        exc = info.value
        assert type(exc) is case.error, f"{type(exc).__name__}: {exc}"
        assert exc.code == case.error.code
        assert exc.exit_code == 2
        assert exc.path == str(path)
        message = str(exc)
        assert "\n" not in message
        assert message.startswith(f"{path}: "), message
        assert message.endswith(f"[{case.error.code}]"), message
        assert exc.fix and exc.fix in message
        for hint in case.hints:
            assert hint in message.lower(), f"{hint!r} not in {message!r}"
        if case.max_seconds is not None:
            assert elapsed < case.max_seconds, f"took {elapsed:.2f} s to refuse"
        assert snapshot(path) == before
    finally:
        if case.delete_after:
            path.unlink(missing_ok=True)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_cli_refuses_bad_input(case: Case, tmp_path: Path) -> None:
    path = case.make(tmp_path)
    try:
        env = no_soffice_env(tmp_path) if case.no_soffice else None
        before = snapshot(path)
        listing = sorted(p.name for p in tmp_path.iterdir())
        proc = run_cli(str(path), *case.cli_args, cwd=tmp_path, env=env)
        assert_one_error_line(proc, path, case.error.code, case.hints)
        assert snapshot(path) == before
        # Nothing written next to the input (no converted copy, no temp file left behind).
        assert sorted(p.name for p in tmp_path.iterdir()) == listing
    finally:
        if case.delete_after:
            path.unlink(missing_ok=True)


def test_cli_json_records_the_refusal(tmp_path: Path) -> None:
    """With --format json a refused file still gets a report object carrying the error."""
    path = make_truncated_pdf(tmp_path / "cat-doi.pdf")
    proc = run_cli(str(path), "--format", "json", cwd=tmp_path)
    assert_one_error_line(proc, path, DamagedFileError.code, ("truncated",))
    report = json.loads(proc.stdout)
    assert report["document"]["path"] == str(path)
    assert report["findings"] == []
    [error] = report["errors"]
    assert error["level"] == "error"
    assert error["code"] == DamagedFileError.code
    assert str(path) in error["message"]


# ---------------------------------------------------------------------------- permission denied


def _drop_read_override(tmp_path: Path) -> list[str]:
    """Return the command prefix under which a chmod-000 file cannot be read, or skip.

    As root, chmod 000 does not stop reads; setpriv drops CAP_DAC_OVERRIDE and
    CAP_DAC_READ_SEARCH for the child so the permission bits apply. The prefix is checked to
    really give EACCES on this machine before it is trusted.
    """
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root and setpriv (util-linux) is not installed")
        prefix = [
            setpriv,
            "--inh-caps=-all",
            "--bounding-set=-dac_override,-dac_read_search",
        ]
    else:
        prefix = []
    probe = tmp_path / "probe.txt"
    probe.write_text("x", encoding="utf-8")
    probe.chmod(0)
    try:
        proc = subprocess.run(
            [*prefix, sys.executable, "-c", "import sys; open(sys.argv[1], 'rb').read()", probe],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        probe.chmod(0o644)
        probe.unlink()
    if proc.returncode == 0 or "PermissionError" not in proc.stderr:
        pytest.skip(
            f"cannot make a file unreadable here (prefix {prefix!r} still reads a chmod-000 "
            f"file: rc={proc.returncode}, {proc.stderr.strip()[-200:]!r})"
        )
    return prefix


@pytest.fixture
def unreadable(tmp_path: Path) -> Iterator[tuple[Path, list[str], str]]:
    """A chmod-000 text file, the prefix that makes that mode bite, and the file's sha256."""
    prefix = _drop_read_override(tmp_path)
    path = write_txt(PARAS, tmp_path / "khong-doc-duoc.txt")
    digest = sha256(path)
    path.chmod(0)
    yield path, prefix, digest
    path.chmod(0o644)


_API_PROBE = """
import sys
import gender_mainstream as gm
try:
    gm.review_file(sys.argv[1])
except gm.InputError as exc:
    print(type(exc).__name__)
    print(exc.path)
    print(exc)
    sys.exit(0)
print("reviewed without error")
sys.exit(1)
"""


def test_api_permission_denied(unreadable: tuple[Path, list[str], str]) -> None:
    path, prefix, before = unreadable
    proc = subprocess.run(
        [*prefix, sys.executable, "-c", _API_PROBE, str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=CLI_TIMEOUT_S,
        check=False,
    )
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    name, exc_path, message = proc.stdout.splitlines()
    assert name == "FilePermissionError"
    assert exc_path == str(path)
    assert message.startswith(f"{path}: permission denied"), message
    assert "chmod +r" in message
    assert message.endswith(f"[{FilePermissionError.code}]")
    assert path.stat().st_mode & 0o777 == 0
    path.chmod(0o644)
    assert sha256(path) == before


def test_cli_permission_denied(unreadable: tuple[Path, list[str], str]) -> None:
    path, prefix, before = unreadable
    proc = run_cli(str(path), cwd=path.parent, prefix=prefix)
    assert_one_error_line(proc, path, FilePermissionError.code, ("permission denied", "chmod +r"))
    path.chmod(0o644)
    assert sha256(path) == before


# ---------------------------------------------------------------------------- reviewed anyway


def _pdf_named_docx(tmp: Path) -> Path:
    return write_pdf(PARAS, tmp / "that-ra-la-pdf.docx")


def _docx_named_pdf(tmp: Path) -> Path:
    return write_docx(PARAS, tmp / "that-ra-la-docx.pdf")


RENAMED = [
    pytest.param(_pdf_named_docx, "pdf", id="pdf-renamed-docx"),
    pytest.param(_docx_named_pdf, "docx", id="docx-renamed-pdf"),
]


@pytest.mark.parametrize(("make", "real"), RENAMED)
def test_api_reviews_renamed_file_by_content(
    make: Callable[[Path], Path], real: str, tmp_path: Path
) -> None:
    path = make(tmp_path)
    before = sha256(path)
    report = gm.review_file(path)
    assert report.document.format.value == real
    assert report.findings, "the sample document yields findings in any format"
    [warning] = [e for e in report.errors if e.code == "GM-W140"]
    assert warning.level == "warning"
    assert "rename" in warning.message
    assert f".{real}" in warning.message
    assert sha256(path) == before


@pytest.mark.parametrize(("make", "real"), RENAMED)
def test_cli_reviews_renamed_file_with_one_warning(
    make: Callable[[Path], Path], real: str, tmp_path: Path
) -> None:
    path = make(tmp_path)
    before = sha256(path)
    proc = run_cli(str(path), "--format", "json", cwd=tmp_path)
    assert_reviewed(proc)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(PROG_PREFIX + "warning: "), lines[0]
    assert str(path) in lines[0]
    assert "rename" in lines[0]
    report = json.loads(proc.stdout)
    assert report["document"]["format"] == real
    assert "GM-W140" in [e["code"] for e in report["errors"]]
    assert sha256(path) == before


def test_api_encrypted_pdf_with_password(tmp_path: Path) -> None:
    path = make_encrypted_pdf(tmp_path / "mat.pdf")
    before = sha256(path)
    report = gm.review_file(path, password=PASSWORD)
    assert report.document.format.value == "pdf"
    assert report.findings
    assert sha256(path) == before


def test_cli_encrypted_pdf_with_password(tmp_path: Path) -> None:
    path = make_encrypted_pdf(tmp_path / "mat.pdf")
    before = sha256(path)
    proc = run_cli(str(path), "--password", PASSWORD, "--format", "json", cwd=tmp_path)
    assert_reviewed(proc)
    assert proc.stderr == ""
    report = json.loads(proc.stdout)
    assert report["document"]["format"] == "pdf"
    assert report["findings"]
    assert sha256(path) == before


def test_api_pdf_with_one_scanned_page(tmp_path: Path) -> None:
    path, image_page = make_text_then_scan_pdf(tmp_path / "mot-trang-scan.pdf")
    assert image_page == 2
    report = gm.review_file(path)
    assert report.document.pages == 2
    [w130] = [e for e in report.errors if e.code == "GM-W130"]
    assert w130.page == image_page
    assert w130.level == "warning"
    assert "ocr" in w130.message.lower()


def test_cli_pdf_with_one_scanned_page(tmp_path: Path) -> None:
    path, image_page = make_text_then_scan_pdf(tmp_path / "mot-trang-scan.pdf")
    before = sha256(path)
    proc = run_cli(str(path), "--format", "json", cwd=tmp_path)
    assert_reviewed(proc)
    report = json.loads(proc.stdout)
    assert [(e["code"], e["page"]) for e in report["errors"]] == [("GM-W130", image_page)]
    assert sha256(path) == before


def test_api_max_bytes_lets_a_smaller_file_through(tmp_path: Path) -> None:
    path = make_padded_text(tmp_path / "vua.txt", 3 * MIB)
    with pytest.raises(FileTooLargeError):
        gm.review_file(path, max_bytes=2 * MIB)
    report = gm.review_file(path, max_bytes=4 * MIB)
    assert report.document.format.value == "txt"
    assert report.findings


def test_cli_max_bytes_lets_a_smaller_file_through(tmp_path: Path) -> None:
    path = make_padded_text(tmp_path / "vua.txt", 3 * MIB)
    before = sha256(path)
    proc = run_cli(str(path), "--max-bytes", "4M", "--format", "json", cwd=tmp_path)
    assert_reviewed(proc)
    assert proc.stderr == ""
    assert json.loads(proc.stdout)["findings"]
    assert sha256(path) == before


# ---------------------------------------------------------------------------- several files


def test_cli_several_files_good_and_bad(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    shutil.copyfile(SAMPLE, good)
    missing = tmp_path / "missing.txt"
    bad = make_random(tmp_path / "bad.pdf")
    good2 = write_docx(PARAS, tmp_path / "good2.docx")
    before = {p: snapshot(p) for p in (good, missing, bad, good2)}

    names = ["good.txt", "missing.txt", "bad.pdf", "good2.docx"]
    proc = run_cli(*names, "--format", "json", cwd=tmp_path)

    assert_no_traceback(proc)
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert len(lines) == 2, proc.stderr
    assert lines[0].startswith(PROG_PREFIX + "error: missing.txt: ")
    assert f"[{FileMissingError.code}]" in lines[0]
    assert lines[1].startswith(PROG_PREFIX + "error: bad.pdf: ")
    assert f"[{UnsupportedFormatError.code}]" in lines[1]

    objects = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["document"]["path"] for o in objects] == names
    ok_txt, ko_missing, ko_bad, ok_docx = objects
    for ok, fmt in ((ok_txt, "txt"), (ok_docx, "docx")):
        assert ok["findings"], ok["document"]["path"]
        assert ok["document"]["format"] == fmt
        assert ok["document"]["sha256"]
        assert ok["document"]["doc_type"] == "ke_hoach"
        assert not [e for e in ok["errors"] if e["level"] == "error"]
    for ko, code in ((ko_missing, FileMissingError.code), (ko_bad, UnsupportedFormatError.code)):
        assert ko["findings"] == []
        [error] = ko["errors"]
        assert error["level"] == "error"
        assert error["code"] == code
        assert ko["document"]["path"] in error["message"]
    assert {p: snapshot(p) for p in before} == before


def test_cli_text_output_has_no_traceback_for_bad_input(tmp_path: Path) -> None:
    """Default text output, several bad files: one line each, nothing else on stderr."""
    empty = _empty("rong.txt")(tmp_path)
    rand = make_random(tmp_path / "ngau-nhien.docx")
    proc = run_cli(str(empty), str(rand), cwd=tmp_path)
    assert_no_traceback(proc)
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert len(lines) == 2, proc.stderr
    assert str(empty) in lines[0]
    assert str(rand) in lines[1]
