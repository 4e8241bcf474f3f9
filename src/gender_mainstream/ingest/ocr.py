"""OCR of scanned PDF pages with Tesseract (optional: Debian's tesseract-ocr-vie).

Only pages without a text layer are rendered (300 dpi, grey) and passed to the `tesseract`
program with the Vietnamese model. OMP_THREAD_LIMIT=1 keeps one OCR to one core: a batch runs
in parallel across processes instead. Nothing is sent anywhere.

A page larger than a poster is rendered at a lower resolution, so that no image exceeds
OCR_MAX_SIDE_PX on a side or OCR_MAX_PIXELS in all; a page that would then fall below
OCR_MIN_DPI (a page box metres wide, which a 300 dpi render would make a multi-gigabyte image)
is not rendered at all. Such a page, and a page on which Tesseract itself fails or times out,
raises `OcrPageError`: the reader records it against that page, since installing Tesseract is
not the fix. Only a missing program or missing Vietnamese data raises `OcrUnavailableError`.
"""

from __future__ import annotations

import functools
import io
import math
import os
import shutil
import subprocess
from typing import Any

from gender_mainstream.errors import InputError

__all__ = [
    "OCR_DPI",
    "OcrPageError",
    "OcrUnavailableError",
    "ocr_available",
    "ocr_dpi",
    "ocr_page",
]

OCR_DPI = 300
OCR_TIMEOUT_S = 300  # one page; a scan that takes longer is damaged or absurdly large
OCR_MAX_SIDE_PX = 10_000  # an A0 sheet at 300 dpi is 9,933 x 14,043 px
OCR_MAX_PIXELS = 40_000_000  # 40 MB of grey; Tesseract needs several times that
OCR_MIN_DPI = 100  # below this, body text is under 15 px high and not worth reading
_DATA_PROBLEMS = ("failed loading language", "error opening data file", "could not initialize")


class OcrUnavailableError(InputError):
    """OCR was asked for but Tesseract with Vietnamese data is not installed."""

    code = "GM-E131"

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(
            path,
            f"OCR was requested but {detail}",
            "install it (Debian: apt install tesseract-ocr tesseract-ocr-vie) or run without --ocr",
        )


class OcrPageError(InputError):
    """One scanned page cannot be read by OCR: it is too large, or Tesseract failed on it."""

    code = "GM-E132"

    def __init__(self, path: str, page_no: int, reason: str, fix: str | None = None) -> None:
        self.page_no = page_no
        self.reason = reason
        super().__init__(
            path,
            f"page {page_no} cannot be read by OCR ({reason})",
            fix or "review that page by hand, or the original document (.docx)",
        )


def ocr_dpi(width_pt: float, height_pt: float) -> float:
    """Return the resolution (dpi) to render a page of this size (points) at for OCR.

    OCR_DPI, or less for a page so large that OCR_DPI would exceed OCR_MAX_SIDE_PX or
    OCR_MAX_PIXELS.
    """
    w_in, h_in = max(width_pt, 1.0) / 72, max(height_pt, 1.0) / 72
    return min(
        float(OCR_DPI),
        OCR_MAX_SIDE_PX / max(w_in, h_in),
        math.sqrt(OCR_MAX_PIXELS / (w_in * h_in)),
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
        OcrPageError: this page is too large to render, or Tesseract failed or timed out on it.

    """
    problem = ocr_available()
    if problem is not None:
        raise OcrUnavailableError(path, problem)
    width, height = (float(v) for v in page.get_size())
    dpi = ocr_dpi(width, height)
    if dpi < OCR_MIN_DPI:
        raise OcrPageError(
            path,
            page_no,
            f"the page is {width / 72 * 2.54:,.0f} x {height / 72 * 2.54:,.0f} cm, too large to "
            f"OCR: it would be read at {dpi:.0f} dpi",
            "scan or export the page at its real paper size (A4, A3), or review it by hand",
        )
    image = page.render(scale=dpi / 72, grayscale=True).to_pil()
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    del image
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        proc = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", "vie", "--psm", "6", "--dpi", str(round(dpi))],
            input=buf.getvalue(),
            capture_output=True,
            timeout=OCR_TIMEOUT_S,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise OcrPageError(
            path, page_no, f"tesseract took over {OCR_TIMEOUT_S} s and was stopped"
        ) from None
    except OSError as exc:  # the program went away since ocr_available() looked
        raise OcrUnavailableError(path, f"tesseract does not run ({exc})") from exc
    if proc.returncode != 0:
        err = " ".join(proc.stderr.decode(errors="replace").split())
        if any(p in err.lower() for p in _DATA_PROBLEMS):
            raise OcrUnavailableError(
                path, f"tesseract cannot load its Vietnamese data ({err[:120]})"
            )
        raise OcrPageError(
            path, page_no, f"tesseract failed with exit code {proc.returncode}: {err[:160]}"
        )
    return proc.stdout.decode("utf-8", errors="replace")
