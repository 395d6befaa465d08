"""API endpoints for contacts and imports."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from deskmate.core.api_types import Id, Limit, Offset
from deskmate.engine.ranking import SuggestionFilter
from deskmate.importing import people_mapping
from deskmate.importing.people_mapping import PeopleMapping as ColumnMapping
from deskmate.limits.guards import ApiLimit
from deskmate.network import confirmations, identities, selectors, services
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
    #: A people file's header, first rows and guessed fields (the mapping step).
    preview: dict
    #: The mapping it is read through, once confirmed (or taken from a saved one).
    mapping: dict
    saved_mapping_id: int | None
    #: A refused people file still held: ``POST /imports/{id}/mapping`` maps it again.
    can_remap: bool


class MappingIn(Schema):
    #: File column → field (see ``GET /people-mappings/fields``); columns left out are ignored.
    columns: dict[str, str]
    organisation: str = ""
    school: str = ""
    date_order: str = ""


class ImportMappingIn(MappingIn):
    #: Keep the mapping under this name for the next file with the same columns.
    save_as: str = ""


class PeopleMappingIn(MappingIn):
    name: str


class PeopleMappingOut(Schema):
    id: int
    name: str
    columns: list[str]
    fields: dict[str, str]
    organisation: str
    school: str
    date_order: str
    created_at: dt.datetime
    updated_at: dt.datetime


def _column_mapping(body: MappingIn) -> ColumnMapping:
    return ColumnMapping(
        columns=dict(body.columns),
        organisation=body.organisation,
        school=body.school,
        date_order=body.date_order,
    )


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
def import_create(
    request,
    kind: Form[ImportJob.Kind],
    file: File[UploadedFile],
    use_vouches: Form[bool] = False,
):
    if kind == ImportJob.Kind.PEOPLE and not request.auth.is_admin:
        raise PermissionDenied(ADMINS_ONLY)
    job = services.import_job_create(
        owner=request.auth,
        kind=kind,
        file_name=file.name,
        payload=services.upload_read_bounded(file),
        use_vouches=use_vouches,
    )
    return Status(202, job)


@router.post(
    "/imports/{job_id}/mapping",
    response={202: ImportJobOut},
    summary=(
        "Confirm the columns of a people file waiting for its mapping, or map a refused one "
        "again; the import is queued"
    ),
)
def import_map(request, job_id: Id, body: ImportMappingIn):
    job = selectors.access_people_import_job(request.auth, job_id)
    job = services.people_import_map(
        job=job, actor=request.auth, mapping=_column_mapping(body), save_as=body.save_as
    )
    return Status(202, job)


class ConfirmationsIn(Schema):
    #: Entry number (from 1, in ``summary.to_confirm`` order) → ``merge`` or ``keep_both``.
    decisions: dict[str, str]


@router.post(
    "/imports/{job_id}/confirmations",
    response=ImportJobOut,
    summary="Answer the entries an import left waiting: merge each into the stored one, or keep both",
)
def import_confirm(request, job_id: Id, body: ConfirmationsIn):
    job = selectors.access_import_job(request.auth, job_id)
    return confirmations.import_confirm(job=job, actor=request.auth, decisions=body.decisions)


class MatchAnswersIn(Schema):
    #: Match number (from 1, in ``summary.possible_matches`` order) → ``same`` or ``different``.
    answers: dict[str, str]


@router.post(
    "/imports/{job_id}/matches",
    response=ImportJobOut,
    summary=(
        "Answer an import's possible matches, all at once: each person in the file is the "
        "member named (same) or someone else (different)"
    ),
)
def import_matches_answer(request, job_id: Id, body: MatchAnswersIn):
    job = selectors.access_import_job(request.auth, job_id)
    return identities.import_matches_answer(job=job, actor=request.auth, answers=body.answers)


@router.get(
    "/people-mappings/fields",
    response=dict[str, str],
    summary="The fields a people file's column can be mapped to",
)
def people_mapping_fields(request):
    return dict(people_mapping.FIELDS)


@router.get(
    "/people-mappings",
    response=list[PeopleMappingOut],
    summary="Saved people-file mappings (admins only)",
)
def people_mapping_list(request):
    if not request.auth.is_admin:
        raise PermissionDenied(ADMINS_ONLY)
    return list(selectors.people_mappings_for(request.auth))


@router.get("/people-mappings/{mapping_id}", response=PeopleMappingOut, summary="A saved mapping")
def people_mapping_detail(request, mapping_id: Id):
    return selectors.access_people_mapping(request.auth, mapping_id)


@router.put(
    "/people-mappings/{mapping_id}",
    response=PeopleMappingOut,
    summary="Rename a saved mapping or change its fields",
)
def people_mapping_put(request, mapping_id: Id, body: PeopleMappingIn):
    saved = selectors.access_people_mapping(request.auth, mapping_id)
    return services.people_mapping_update(
        saved=saved, actor=request.auth, name=body.name, mapping=_column_mapping(body)
    )


@router.delete("/people-mappings/{mapping_id}", response={204: None}, summary="Delete a mapping")
def people_mapping_remove(request, mapping_id: Id):
    saved = selectors.access_people_mapping(request.auth, mapping_id)
    services.people_mapping_delete(saved=saved, actor=request.auth)
    return Status(204, None)


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
    logged_by_id: int
    other_id: int
    kind: str
    happened_on: dt.date
    note: str
    #: Seen by both members (a vouch from a LinkedIn import).
    shared: bool
    skill: str


@router.get(
    "/me/interactions",
    response=list[InteractionOut],
    summary="Interactions you logged (private to you), and vouches shared with you",
)
def interaction_list(request):
    return list(selectors.interactions_seen_by(request.auth)[:500])


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
