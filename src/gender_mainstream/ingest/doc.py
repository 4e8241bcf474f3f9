"""Legacy Word 97-2003 .doc: converted to .docx by LibreOffice when it is installed.

Optional by design: the core install needs no LibreOffice. The conversion runs `soffice
--headless` in a throw-away profile and cache directory (LibreOffice otherwise writes into
the user's home), with a time limit, on a copy of the input in a temporary folder, so the
input file is never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from gender_mainstream.errors import LegacyWordError

__all__ = ["convert_doc_to_docx", "soffice_path"]

TIMEOUT_S = 120


def soffice_path() -> str | None:
    """Return the LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_doc_to_docx(data: bytes, path: str) -> bytes:
    """Return the bytes of a .docx converted from the .doc bytes `data`.

    Raises:
        LegacyWordError: LibreOffice is missing or the conversion failed.

    """
    exe = soffice_path()
    if exe is None:
        raise LegacyWordError(path)
    with tempfile.TemporaryDirectory(prefix="gm-soffice-") as tmp:
        src = Path(tmp) / "input.doc"
        src.write_bytes(data)
        out_dir = Path(tmp) / "out"
        out_dir.mkdir()
        env = dict(os.environ)
        env["HOME"] = tmp
        env["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        env["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        cmd = [
            exe,
            f"-env:UserInstallation=file://{tmp}/profile",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out_dir),
            str(src),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S, env=env, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise LegacyWordError(path, type(exc).__name__) from exc
        result = out_dir / "input.docx"
        if proc.returncode != 0 or not result.exists():
            detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise LegacyWordError(path, detail[-1] if detail else f"exit {proc.returncode}")
        return result.read_bytes()
