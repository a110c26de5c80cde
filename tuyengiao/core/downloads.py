"""Safe headers on every file the app sends: uploaded documents, media, exports.

`DownloadHeadersMiddleware` sits right after SecurityHeadersMiddleware (so it
sees responses first and the page policy is not applied to files). It acts on
responses that carry a `Content-Disposition` (Wagtail's /documents/<id>/<name>
serve view, the public documents pages' `?tai=`/`?xem=`, report, XLSX and audit
exports) and on everything under MEDIA_URL (images, when Django serves media):

- `X-Content-Type-Options: nosniff`, and the Content-Type the view chose
  (Wagtail's comes from WAGTAILDOCS_CONTENT_TYPES, see settings);
- files downloaded or shown outside a page: `Content-Security-Policy: sandbox;
  default-src 'none'` — even if a browser rendered one, nothing in it runs,
  nothing loads and it gets no origin;
- only PDFs open in the browser (WAGTAILDOCS_INLINE_CONTENT_TYPES), and only when
  the bytes really start as a PDF (files stored before uploads were checked
  included): `default-src 'none'; frame-ancestors 'self'` without `sandbox`,
  because Chrome's and Safari's PDF viewers refuse to draw inside a sandboxed
  document, which would break the "Xem trước" frames of articles and
  documents. JavaScript inside a PDF runs in the viewer's own sandbox, not in
  the portal's origin (Wagtail's security notes say the same). Anything else
  asked inline becomes an attachment;
- a `Content-Disposition` whose file name is not plain ASCII is rewritten as
  RFC 6266/5987: `attachment; filename="Bao_cao.pdf"; filename*=UTF-8''B%C3%A1o_c%C3%A1o.pdf`.
"""

from __future__ import annotations

import re
from email.header import decode_header, make_header
from urllib.parse import quote

from django.conf import settings

FILE_POLICY = "sandbox; default-src 'none'"
INLINE_PDF_POLICY = "default-src 'none'; frame-ancestors 'self'"
SAFE_MEDIA_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "image/avif")
FILENAME = re.compile(r'filename="?([^";]*)"?', re.IGNORECASE)


class DownloadHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.media_prefix = settings.MEDIA_URL if settings.MEDIA_URL.startswith("/") else None

    def __call__(self, request):
        response = self.get_response(request)
        disposition = response.get("Content-Disposition")
        is_media = bool(self.media_prefix) and request.path_info.startswith(self.media_prefix)
        if disposition is None and not (is_media and response.status_code == 200):
            return response
        secure_file_response(response, disposition=disposition or "", is_media=is_media)
        return response


def secure_file_response(response, *, disposition: str, is_media: bool = False) -> None:
    response["X-Content-Type-Options"] = "nosniff"
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    inline = not disposition.lower().startswith("attachment")
    if inline and content_type == "application/pdf" and _starts_as_pdf(response):
        response["Content-Security-Policy"] = INLINE_PDF_POLICY
        return
    response["Content-Security-Policy"] = FILE_POLICY
    if is_media and content_type in SAFE_MEDIA_TYPES:
        return  # an image opened on its own: shown, sandboxed
    if inline:
        if content_type == "application/pdf":  # said PDF, is not: never rendered
            response["Content-Type"] = "application/octet-stream"
        disposition = "attachment" + disposition[len("inline") :] if disposition else "attachment"
    response["Content-Disposition"] = _rfc6266(disposition)


def attachment_header(filename: str, *, inline: bool = False) -> str:
    """`attachment; filename="<ASCII>"; filename*=UTF-8''<percent-encoded>` (the second only when needed)."""
    from unidecode import unidecode

    ascii_name = re.sub(r'[^\x20-\x7e]|["\\]', "_", unidecode(filename)) or "tep"
    header = f'{"inline" if inline else "attachment"}; filename="{ascii_name}"'
    if ascii_name != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def _rfc6266(disposition: str) -> str:
    """The header as sent when it is ASCII; otherwise (a raw or RFC 2047-encoded name) rebuilt."""
    text = disposition
    if "=?" in text:  # Django MIME-encodes a header value that is not Latin-1
        try:
            text = str(make_header(decode_header(text)))
        except (ValueError, LookupError):
            text = "attachment"
    if text.isascii() and "=?" not in text:
        return text
    inline = text.lower().startswith("inline")
    match = FILENAME.search(text)
    return attachment_header(match.group(1), inline=inline) if match else ("inline" if inline else "attachment")


def _starts_as_pdf(response) -> bool:
    """The first KB of a file response holds `%PDF-` (streams are put back where they were)."""
    stream = getattr(response, "file_to_stream", None)
    if stream is not None and hasattr(stream, "seek") and hasattr(stream, "tell"):
        try:
            position = stream.tell()
            head = stream.read(1024)
            stream.seek(position)
        except (OSError, ValueError):
            return False
        return isinstance(head, bytes) and b"%PDF-" in head
    if not getattr(response, "streaming", False):
        return b"%PDF-" in response.content[:1024]
    return False
