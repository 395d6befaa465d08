"""Import uploads are capped while they stream in, on the page and in the API."""

import io

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from deskmate.limits.uploads import CHUNK_SIZE, FORM_ALLOWANCE
from deskmate.network.models import Contact, ImportJob
from deskmate.people.models import Position
from tests.importing.archives import build_linkedin_zip
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
LIMIT = 64 * 1024
REFUSED = "The upload is larger than the 64 KiB limit for imports; nothing was saved."


class WatchedBody(io.BytesIO):
    """A request body that notes how much was read and how much sat in temporary files."""

    def __init__(self, data: bytes, temp_dir):
        super().__init__(data)
        self.temp_dir = temp_dir
        self.bytes_read = 0
        self.most_on_disk = 0

    def read(self, size=-1):
        on_disk = sum(path.stat().st_size for path in self.temp_dir.iterdir())
        self.most_on_disk = max(self.most_on_disk, on_disk)
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


@pytest.fixture
def capped(settings, tmp_path):
    settings.IMPORT_MAX_UPLOAD_BYTES = LIMIT
    # Every upload goes to a temporary file in a folder the test watches.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return tmp_path


def multipart(fields: dict) -> bytes:
    return encode_multipart(BOUNDARY, fields)


def stream(client, path: str, body: WatchedBody, size: int):
    # The body is handed to the server as a stream, as a real client sends it.
    return client.generic(
        "POST", path, b"x" * size, content_type=MULTIPART_CONTENT, **{"wsgi.input": body}
    )


def upload_body(field: str, size: int, kind: str = "") -> bytes:
    file = io.BytesIO(b"PK" + b"\x00" * (size - 2))
    file.name = "big.zip"
    fields = {field: file}
    if kind:
        fields["kind"] = kind
    return multipart(fields)


def rows():
    return (ImportJob.objects.count(), Position.objects.count(), Contact.objects.count())


def test_page_upload_over_the_cap_stops_while_streaming(capped, as_mentee):
    # Declared length within the allowance for the form around the file, the file itself over.
    data = upload_body("linkedin-archive", LIMIT + FORM_ALLOWANCE // 2, kind="linkedin")
    body = WatchedBody(data, capped)
    response = stream(as_mentee, reverse("imports"), body, len(data))
    assert response.status_code == 413
    assert REFUSED in response.content.decode()
    assert body.bytes_read < len(data)
    assert body.bytes_read <= LIMIT + 2 * CHUNK_SIZE
    assert body.most_on_disk <= LIMIT + CHUNK_SIZE
    assert list(capped.iterdir()) == []
    assert rows() == (0, 0, 0)


def test_declared_length_over_the_cap_is_refused_unread(capped, mentee):
    data = upload_body("file", 4 * LIMIT, kind="linkedin")
    body = WatchedBody(data, capped)
    response = stream(bearer(mentee), "/api/v1/imports", body, len(data))
    assert (response.status_code, response.json()) == (413, {"detail": REFUSED})
    assert body.bytes_read == 0
    assert rows() == (0, 0, 0)


def test_api_upload_over_the_cap_stops_while_streaming(capped, mentee):
    data = upload_body("file", LIMIT + FORM_ALLOWANCE // 2, kind="linkedin")
    body = WatchedBody(data, capped)
    response = stream(bearer(mentee), "/api/v1/imports", body, len(data))
    assert (response.status_code, response.json()) == (413, {"detail": REFUSED})
    assert body.bytes_read <= LIMIT + 2 * CHUNK_SIZE < len(data)
    assert body.most_on_disk <= LIMIT + CHUNK_SIZE
    assert rows() == (0, 0, 0)


def test_upload_within_the_cap_is_queued(capped, mentee):
    archive = build_linkedin_zip()
    assert len(archive) < LIMIT
    data = multipart({"kind": "linkedin", "file": _named(archive)})
    body = WatchedBody(data, capped)
    response = stream(bearer(mentee), "/api/v1/imports", body, len(data))
    assert response.status_code == 202, response.content
    job = ImportJob.objects.get()
    assert (job.owner, job.file_size, bytes(job.payload)) == (mentee, len(archive), archive)


def test_stranger_is_refused_before_the_cap_matters(capped, mentee, stranger):
    job = ImportJob.objects.create(owner=mentee, kind="linkedin", file_name="maya.zip")
    assert bearer(stranger).get(f"/api/v1/imports/{job.pk}").status_code == 404
    assert ImportJob.objects.count() == 1


def _named(data: bytes):
    file = io.BytesIO(data)
    file.name = "li.zip"
    return file
