"""API endpoints for contacts and imports."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from deskmate.network import selectors, services
from deskmate.network.models import ImportJob
from deskmate.network.views import ADMINS_ONLY

router = Router(tags=["network"])


class ContactOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    profile_url: str
    organisation: str
    title: str
    connected_on: dt.date | None
    member_id: int | None
    source: str


class ImportJobOut(Schema):
    id: int
    kind: str
    status: str
    file_name: str
    file_size: int
    progress: int
    summary: dict
    errors: list[str]
    created_at: dt.datetime
    finished_at: dt.datetime | None


@router.get("/me/contacts", response=list[ContactOut], summary="Your contacts (private to you)")
def contact_list(request, offset: int = 0, limit: int = 100):
    offset, limit = max(offset, 0), min(max(limit, 1), 1000)
    return list(selectors.contacts_of(request.auth)[offset : offset + limit])


@router.get("/imports", response=list[ImportJobOut], summary="Your imports, newest first")
def import_list(request):
    return list(selectors.import_jobs_of(request.auth)[:100])


@router.get("/imports/{job_id}", response=ImportJobOut, summary="One of your imports and its outcome")
def import_detail(request, job_id: int):
    return selectors.access_import_job(request.auth, job_id)


@router.post(
    "/imports",
    response={202: ImportJobOut},
    summary="Upload a file to import (linkedin: a .zip archive; vcard: a .vcf file; people: CSV/XLSX, admins only)",
)
def import_create(request, kind: Form[ImportJob.Kind], file: File[UploadedFile]):
    if kind == ImportJob.Kind.PEOPLE and not request.auth.is_admin:
        raise PermissionDenied(ADMINS_ONLY)
    job = services.import_job_create(
        owner=request.auth, kind=kind, file_name=file.name, payload=services.upload_read_bounded(file)
    )
    return Status(202, job)
