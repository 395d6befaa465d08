"""API endpoints for contacts and imports."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from deskmate.core.api_types import Id, Limit, Offset
from deskmate.engine.ranking import SuggestionFilter
from deskmate.limits.guards import ApiLimit
from deskmate.network import selectors, services
from deskmate.network.models import ImportJob, Interaction
from deskmate.network.network_map import network_map_for
from deskmate.network.suggestions import suggestions_for
from deskmate.network.views import ADMINS_ONLY
from deskmate.people.selectors import access_member

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

    @staticmethod
    def resolve_member_id(contact):
        # Only a member the viewer may see is named; anyone else is an outside contact.
        return contact.shown_member.pk if contact.shown_member else None


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
def contact_list(request, offset: Offset = 0, limit: Limit = 100):
    offset, limit = max(offset, 0), min(max(limit, 1), 1000)
    return selectors.contacts_shown_to(
        request.auth, selectors.contacts_of(request.auth)[offset : offset + limit]
    )


@router.get("/imports", response=list[ImportJobOut], summary="Your imports, newest first")
def import_list(request):
    return list(selectors.import_jobs_of(request.auth)[:100])


@router.get(
    "/imports/{job_id}", response=ImportJobOut, summary="One of your imports and its outcome"
)
def import_detail(request, job_id: Id):
    return selectors.access_import_job(request.auth, job_id)


@router.post(
    "/imports",
    response={202: ImportJobOut},
    throttle=[ApiLimit("imports")],
    summary="Upload a file to import (linkedin: a .zip archive; vcard: a .vcf file; people: CSV/XLSX, admins only)",
)
def import_create(request, kind: Form[ImportJob.Kind], file: File[UploadedFile]):
    if kind == ImportJob.Kind.PEOPLE and not request.auth.is_admin:
        raise PermissionDenied(ADMINS_ONLY)
    job = services.import_job_create(
        owner=request.auth,
        kind=kind,
        file_name=file.name,
        payload=services.upload_read_bounded(file),
    )
    return Status(202, job)


class SuggestionOut(Schema):
    member_id: int
    name: str
    headline: str
    score: float
    fit: float
    tie_strength: float
    goal_ids: list[int]
    reasons: list[str]


def _suggestions(
    request,
    *,
    copilots,
    goal,
    current_colleagues,
    former_colleagues,
    alumni,
    contacts,
    open_now,
    limit,
):
    filters = SuggestionFilter(
        goal=goal,
        current_colleagues=current_colleagues,
        former_colleagues=former_colleagues,
        alumni=alumni,
        contacts=contacts,
        open_now=open_now,
    )
    return [
        SuggestionOut(
            member_id=item.member.pk,
            name=item.member.name,
            headline=item.member.headline,
            score=round(item.score, 4),
            fit=round(item.fit, 4),
            tie_strength=round(item.tie_strength, 4),
            goal_ids=list(item.goals),
            reasons=list(item.reasons),
        )
        for item in suggestions_for(
            request.auth, copilots=copilots, filters=filters, limit=min(max(limit, 1), 50)
        )
    ]


@router.get(
    "/suggestions/mentors",
    response=list[SuggestionOut],
    summary="Who could mentor you, with reasons",
)
def mentor_suggestions(
    request,
    goal: Id | None = None,
    current_colleagues: bool = False,
    former_colleagues: bool = False,
    alumni: bool = False,
    contacts: bool = False,
    open_now: bool = False,
    limit: Limit = 20,
):
    return _suggestions(
        request,
        copilots=False,
        goal=goal,
        current_colleagues=current_colleagues,
        former_colleagues=former_colleagues,
        alumni=alumni,
        contacts=contacts,
        open_now=open_now,
        limit=limit,
    )


@router.get(
    "/suggestions/copilots",
    response=list[SuggestionOut],
    summary="Peers at your stage, with reasons",
)
def copilot_suggestions(
    request,
    current_colleagues: bool = False,
    former_colleagues: bool = False,
    alumni: bool = False,
    contacts: bool = False,
    limit: Limit = 20,
):
    return _suggestions(
        request,
        copilots=True,
        goal=None,
        current_colleagues=current_colleagues,
        former_colleagues=former_colleagues,
        alumni=alumni,
        contacts=contacts,
        open_now=False,
        limit=limit,
    )


@router.get(
    "/me/ties",
    summary="Your ties: the people you share a tie with, by strength, with what you may see",
)
def my_ties(request):
    return network_map_for(request.auth, size=500)


class InteractionIn(Schema):
    member_id: Id
    kind: Interaction.Kind
    happened_on: dt.date | None = None
    note: str = ""


class InteractionOut(Schema):
    id: int
    other_id: int
    kind: str
    happened_on: dt.date
    note: str


@router.get(
    "/me/interactions",
    response=list[InteractionOut],
    summary="Interactions you logged (private to you)",
)
def interaction_list(request):
    return list(selectors.interactions_logged_by(request.auth)[:500])


@router.post(
    "/me/interactions", response={201: InteractionOut}, summary="Log an interaction with a member"
)
def interaction_create(request, payload: InteractionIn):
    other = access_member(request.auth, payload.member_id)
    return Status(
        201,
        services.interaction_log(
            logged_by=request.auth,
            other=other,
            kind=payload.kind,
            happened_on=payload.happened_on,
            note=payload.note,
        ),
    )


@router.delete("/me/interactions/{interaction_id}", response={204: None})
def interaction_remove(request, interaction_id: Id):
    services.interaction_delete(
        interaction=selectors.access_interaction(request.auth, interaction_id), actor=request.auth
    )
    return Status(204, None)


class IntroductionIn(Schema):
    target_id: Id
    introducer_id: Id
    message: str


class IntroductionOut(Schema):
    id: int
    requester_id: int
    introducer_id: int
    target_id: int
    status: str
    created_at: dt.datetime


class IntroductionAnswer(Schema):
    agree: bool
    note: str = ""


@router.get(
    "/introductions", response=list[IntroductionOut], summary="Introductions you are part of"
)
def introduction_list(request):
    return list(selectors.introductions_involving(request.auth))


@router.post(
    "/introductions",
    response={201: IntroductionOut},
    summary="Ask a mutual contact for an introduction",
)
def introduction_create(request, payload: IntroductionIn):
    target = access_member(request.auth, payload.target_id)
    introducer = access_member(request.auth, payload.introducer_id)
    return Status(
        201,
        services.introduction_request(
            requester=request.auth, introducer=introducer, target=target, message=payload.message
        ),
    )


@router.post("/introductions/{introduction_id}/answer", response=IntroductionOut)
def introduction_answer(request, introduction_id: Id, payload: IntroductionAnswer):
    introduction = selectors.access_introduction(request.auth, introduction_id)
    return services.introduction_answer(
        introduction=introduction, actor=request.auth, agree=payload.agree, note=payload.note
    )
