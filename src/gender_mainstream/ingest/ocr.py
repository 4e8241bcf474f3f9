"""OCR of scanned PDF pages with Tesseract (optional: Debian's tesseract-ocr-vie).

Only pages without a text layer are rendered (300 dpi, grey) and passed to the `tesseract`
program with the Vietnamese model. OMP_THREAD_LIMIT=1 keeps one OCR to one core: a batch runs
in parallel across processes instead. Nothing is sent anywhere.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
from typing import Any

from gender_mainstream.errors import InputError

__all__ = ["OCR_DPI", "OcrUnavailableError", "ocr_available", "ocr_page"]

OCR_DPI = 300
OCR_TIMEOUT_S = 300  # one page; a scan that takes longer is damaged or absurdly large


class OcrUnavailableError(InputError):
    """OCR was asked for but Tesseract with Vietnamese data is not installed."""

    code = "GM-E131"

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(
            path,
            f"OCR was requested but {detail}",
            "install it (Debian: apt install tesseract-ocr tesseract-ocr-vie) or run without --ocr",
        )


@functools.cache
def ocr_available() -> str | None:
    """Return why OCR cannot run here, or None when it can (asked once per process)."""
    exe = shutil.which("tesseract")
    if exe is None:
        return "the tesseract program is not installed"
    try:
        langs = subprocess.run(
            [exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        ).stdout.split()
    except (OSError, subprocess.TimeoutExpired):
        return "tesseract does not run"
    if "vie" not in langs:
        return "tesseract has no Vietnamese data (tesseract-ocr-vie)"
    return None


def ocr_page(page: Any, path: str, page_no: int) -> str:
    """Return the text of one rendered PDF page.

    Raises:
        OcrUnavailableError: Tesseract or its Vietnamese data is missing.

    """
    problem = ocr_available()
    if problem is not None:
        raise OcrUnavailableError(path, problem)
    image = page.render(scale=OCR_DPI / 72, grayscale=True).to_pil()
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        proc = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", "vie", "--psm", "6", "--dpi", str(OCR_DPI)],
            input=buf.getvalue(),
            capture_output=True,
            timeout=OCR_TIMEOUT_S,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise OcrUnavailableError(
            path, f"tesseract took over {OCR_TIMEOUT_S} s on page {page_no} and was stopped"
        ) from None
    if proc.returncode != 0:
        raise OcrUnavailableError(
            path,
            f"tesseract failed on page {page_no} ({proc.stderr.decode(errors='replace')[:120]})",
        )
    return proc.stdout.decode("utf-8", errors="replace")
