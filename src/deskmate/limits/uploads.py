"""The import routes' byte cap, enforced while the upload streams in.

For a POST to one of ``settings.IMPORT_UPLOAD_PATHS`` the middleware refuses
a body whose declared length is over the cap before reading any of it, and
otherwise parses the body itself with :class:`BoundedUploadHandler` first in
line: the handler counts the file bytes as they arrive and stops the upload
the moment they pass the cap, before the next chunk reaches a temporary
file.  Either way the answer is 413 with the cap named, and nothing is kept.
The rest of the request (CSRF, the view) then reads the already parsed form.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.http import JsonResponse
from django.shortcuts import render

from deskmate.importing.safety import format_size

UPLOAD_OVER_LIMIT = "The upload is larger than the {limit} limit for imports; nothing was saved."
#: Room for the form's other fields and the multipart headers around the file.
FORM_ALLOWANCE = 64 * 1024
#: Bytes read from the client at a time, so the cap is never passed by more than this.
CHUNK_SIZE = 16 * 1024


class UploadOverLimit(Exception):
    """The upload passed the cap; raised from inside the multipart parser."""


class BoundedUploadHandler(FileUploadHandler):
    """First in the chain of upload handlers: passes chunks on until the cap is passed."""

    chunk_size = CHUNK_SIZE

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None) -> None:
        if content_length > self.limit + FORM_ALLOWANCE:
            raise UploadOverLimit
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            raise UploadOverLimit
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _discard_partial_files(request) -> None:
    """Close what the handlers behind ours had begun: a temporary file goes with its close."""
    for handler in request.upload_handlers:
        partial = getattr(handler, "file", None)
        if partial is not None and not isinstance(handler, BoundedUploadHandler):
            partial.close()


def _over_limit(request, limit: int):
    message = UPLOAD_OVER_LIMIT.format(limit=format_size(limit))
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return render(request, "limits/too_large.html", {"message": message}, status=413)


class UploadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path_info in settings.IMPORT_UPLOAD_PATHS:
            limit = settings.IMPORT_MAX_UPLOAD_BYTES
            if _declared_length(request) > limit + FORM_ALLOWANCE:
                return _over_limit(request, limit)
            request.upload_handlers.insert(0, BoundedUploadHandler(request, limit=limit))
            try:
                # Parse now, while the handler is in place; the view reads the parsed form.
                _ = request.POST
            except UploadOverLimit:
                _discard_partial_files(request)
                return _over_limit(request, limit)
        return self.get_response(request)
