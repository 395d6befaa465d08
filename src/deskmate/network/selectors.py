"""Reads about the network, scoped to the viewer: contacts and imports are private to their owner."""

from django.db.models import QuerySet
from django.http import Http404

from deskmate.network.models import Contact, ImportJob
from deskmate.people.models import Member

IMPORT_NOT_FOUND = "No such import, or it is not yours."


def contacts_of(viewer: Member) -> QuerySet[Contact]:
    return Contact.objects.filter(owner=viewer).select_related("member")


def import_jobs_of(viewer: Member) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(owner=viewer).defer("payload")


def access_import_job(viewer: Member, job_id: int) -> ImportJob:
    try:
        return import_jobs_of(viewer).get(pk=job_id)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404(IMPORT_NOT_FOUND) from None
