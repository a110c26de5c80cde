"""PDF through LibreOffice headless: the DOCX converted, so both print the same.

Each call gets its own temporary directory and LibreOffice user profile
(``-env:UserInstallation``), so concurrent conversions never share a lock,
and a time limit; any failure raises ``PdfUnavailable`` with a message the
admin can show as it is.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..document import ReportDocument

TIMEOUT_SECONDS = 60
BINARIES = ("soffice", "libreoffice")

NOT_INSTALLED = (
    "Máy chủ chưa cài LibreOffice nên chưa xuất được PDF. "
    "Hãy tải bản DOCX rồi chuyển sang PDF bằng Word hoặc LibreOffice, "
    "hoặc đề nghị quản trị hệ thống cài gói libreoffice-writer."
)
FAILED = "Chuyển báo cáo sang PDF không thành công ({reason}). Hãy tải bản DOCX và thử lại sau."


class PdfUnavailable(Exception):
    """The PDF could not be made; ``str(error)`` is a Vietnamese message for the user."""


def find_libreoffice() -> str | None:
    for name in BINARIES:
        path = shutil.which(name)
        if path:
            return path
    return None


def render_pdf(doc: ReportDocument) -> bytes:
    from .docx import render_docx

    return docx_to_pdf(render_docx(doc))


def docx_to_pdf(data: bytes, *, timeout: float = TIMEOUT_SECONDS) -> bytes:
    binary = find_libreoffice()
    if binary is None:
        raise PdfUnavailable(NOT_INSTALLED)
    with tempfile.TemporaryDirectory(prefix="tuyengiao-pdf-") as tmp:
        work = Path(tmp)
        source = work / "bao-cao.docx"
        source.write_bytes(data)
        outdir = work / "out"
        outdir.mkdir()
        profile = work / "profile"
        command = [
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(outdir),
            str(source),
        ]
        env = {**os.environ, "HOME": str(work), "LC_ALL": "C.UTF-8"}
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=work,
                env=env,
                start_new_session=True,
            )
        except OSError as error:
            raise PdfUnavailable(FAILED.format(reason=f"không chạy được LibreOffice: {error.strerror}")) from error
        try:
            _stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            _kill_group(process)
            raise PdfUnavailable(FAILED.format(reason=f"quá {int(timeout)} giây")) from error
        except BaseException:  # the worker's time limit, a signal: leave no LibreOffice behind
            _kill_group(process)
            raise
        result = outdir / "bao-cao.pdf"
        if process.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            detail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"mã lỗi {process.returncode}"]
            raise PdfUnavailable(FAILED.format(reason=f"LibreOffice báo: {detail[0][:200]}"))
        return result.read_bytes()


def _kill_group(process: subprocess.Popen) -> None:
    """LibreOffice starts a child (soffice.bin): end the whole process group we created."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()
