"""API endpoints for programmes: the same services and access rules as the pages.

Coordinators manage programmes; a member sees the programmes open to them and
their own application; anyone else gets a 404 for a programme's management
endpoints, as if it did not exist.
"""

import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from ninja import Field, Router, Schema, Status

from deskmate.core.api_types import Id, IdList
from deskmate.limits.guards import ApiLimit
from deskmate.mentoring.models import Cadence
from deskmate.programmes import attributes, publishing, reports, selectors, services
from deskmate.programmes.models import MAX_CAPACITY, MatchRun, PairRule, Programme

router = Router(tags=["programmes"])

Capacity = Annotated[int, Field(ge=1, le=MAX_CAPACITY)]
#: A topic's rank: 1 for a first choice, 2 for a second…; 0 for chosen without a rank.
TopicRank = Annotated[int, Field(ge=0, le=100)]


class PersonOut(Schema):
    id: int
    name: str


class ProgrammeIn(Schema):
    name: str
    kind: Programme.Kind = Programme.Kind.ONE_TO_ONE
    description: str = ""
    questions: list[str] = []
    topics: list[str] = []
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    enrolment_opens_on: dt.date | None = None
    enrolment_closes_on: dt.date | None = None
    open_signup: bool = True
    capacity_per_mentor: Capacity = 1
    avoid_reporting_line: bool = True
    avoid_same_unit: bool = False
    organisation_rule: Programme.OrganisationRule = Programme.OrganisationRule.ANY
    tie_weight: float = Field(0.0, ge=-1.0, le=1.0)
    mentor_weight: float = Field(0.5, ge=0.0, le=1.0)
    proposing: Programme.Proposing = Programme.Proposing.MENTEES
    default_cadence: Cadence = Cadence.FORTNIGHTLY
    milestones: list[str] = []


class ProgrammeOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    description: str
    questions: list[str]
    topics: list[str]
    starts_on: dt.date | None
    ends_on: dt.date | None
    enrolment_opens_on: dt.date | None
    enrolment_closes_on: dt.date | None
    enrolment_open: bool
    open_signup: bool
    capacity_per_mentor: int
    avoid_reporting_line: bool
    avoid_same_unit: bool
    organisation_rule: str
    tie_weight: float
    mentor_weight: float
    proposing: str
    default_cadence: str
    milestones: list[str]

    @staticmethod
    def resolve_milestones(programme):
        return [line.strip() for line in programme.milestone_template.splitlines() if line.strip()]

    @staticmethod
    def resolve_questions(programme):
        return programme.question_list

    @staticmethod
    def resolve_enrolment_open(programme):
        return programme.enrolment_is_open()


class ApplicationIn(Schema):
    role: str
    capacity: Capacity | None = None
    goals: str = ""
    answers: dict[str, str] = {}
    topics: dict[str, TopicRank] = {}
    mentor_preferences: IdList = []
    #: Mentors: the mentees they would like, best first (left as it is when not given).
    mentee_preferences: IdList | None = None


class RankingIn(Schema):
    mentee_ids: IdList


class ApplicationOut(Schema):
    id: int
    member: PersonOut
    role: str
    status: str
    source: str
    capacity: int | None
    goals: str
    answers: dict[str, str]
    topics: dict[str, int]
    mentor_preferences: list[int]
    mentee_preferences: list[int]
    created_at: dt.datetime


class RunIn(Schema):
    method: str = "optimal"
    #: Stable runs: "mentees" or "mentors" propose; the programme's setting when not given.
    proposing: str | None = None
    new_round: bool = False


class PairOut(Schema):
    mentee: PersonOut
    mentor: PersonOut
    score: float
    fit: float
    tie_strength: float
    topic_agreement: float
    preference_rank: int | None
    reasons: list[str]
    pinned: bool
    carried: bool
    mentorship_id: int | None


class RunSummary(Schema):
    id: int
    method: str
    status: str
    round: int
    progress: int
    created_at: dt.datetime
    finished_at: dt.datetime | None
    published_at: dt.datetime | None


class RunOut(RunSummary):
    parameters: dict
    metrics: dict
    warnings: list[str]
    error: str
    pairs: list[PairOut]
    #: Each quota of an optimal run: what it says, where it binds, its cost and the words.
    quotas: list[dict]
    #: Each rule with the pairs it rules out, each preference with the pairs it raises.
    rules: list[dict]
    #: The integer programme's relative optimality gap (null without quotas).
    optimality_gap: float | None

    @staticmethod
    def resolve_pairs(run):
        return list(selectors.pairs_of(run))

    @staticmethod
    def resolve_quotas(run):
        return run.metrics.get("quotas", [])

    @staticmethod
    def resolve_rules(run):
        return run.metrics.get("rules", [])

    @staticmethod
    def resolve_optimality_gap(run):
        return run.metrics.get("optimality_gap")


class RuleIn(Schema):
    mentee_id: Id
    mentor_id: Id
    kind: PairRule.Kind
    #: Why (shown before anyone pins a forbidden pair).
    reason: str = Field("", max_length=300)
    #: A pin over a forbid is answered 409 with the forbid's reason unless this is true.
    confirm: bool = False


class RuleOut(Schema):
    id: int
    mentee: PersonOut
    mentor: PersonOut
    kind: str
    reason: str


class ForbidOut(Schema):
    id: int
    reason: str
    created_at: dt.datetime


class PinQuestionOut(Schema):
    detail: str
    code: str
    forbid: ForbidOut


class RefusedOut(Schema):
    detail: str


class PublishIn(Schema):
    #: Publishing starts only when this is true, after reading the confirmation.
    confirm: bool = False


class SampleEmailOut(Schema):
    role: str
    name: str
    subject: str
    body: str


class PublicationOut(Schema):
    id: int
    status: str
    progress: int
    created_at: dt.datetime
    finished_at: dt.datetime | None
    summary: dict
    error: str


class PublishPreviewOut(Schema):
    pairs: int
    kept: int
    mentees: int
    mentors: int
    newcomers: int
    unmatched: int
    samples: list[SampleEmailOut]
    publication: PublicationOut | None
    emails: dict | None


class InvitationOut(Schema):
    id: int
    email: str
    name: str
    status: str
    sends: int
    created_at: dt.datetime
    last_sent_at: dt.datetime


class AtRiskOut(Schema):
    mentorship_id: int
    people: list[PersonOut]
    reasons: list[str]


class NudgeOut(Schema):
    told: int


class AttributeIn(Schema):
    name: str
    #: "text", "number" or "category".
    kind: str = attributes.TEXT
    #: "application", or a profile field: "organisation", "unit", "school", "location".
    source: str = attributes.APPLICATION


class AttributeOut(Schema):
    name: str
    kind: str
    source: str


class AttributeRuleIn(Schema):
    attribute: str
    #: must_share, must_not_share, minimum, prefer_same or prefer_different.
    kind: str
    #: A minimum's lowest value let in.
    threshold: float | None = None
    #: A preference's weight, 0 to 1.
    weight: float | None = None


class AttributeRuleOut(Schema):
    id: int
    attribute: str
    kind: str
    threshold: float | None
    weight: float | None
    words: str

    @staticmethod
    def resolve_words(rule):
        return attributes.rule_title(rule)


class QuotaIn(Schema):
    attribute: str
    #: at_most, at_least_share or min_distinct.
    kind: str
    #: at_most: the most matched mentees per value; min_distinct: K, 2 or more.
    limit: int | None = None
    #: at_least_share: the group's value and its least share of the matched mentees, 0 to 1.
    value: str = ""
    share: float | None = None


class QuotaOut(Schema):
    id: int
    attribute: str
    kind: str
    limit: int | None
    value: str
    share: float | None
    words: str

    @staticmethod
    def resolve_words(quota):
        return attributes.quota_words(quota)


def _programme(request, programme_id: Id) -> Programme:
    return selectors.access_programme(request.auth, programme_id)


@router.get("/programmes", response=list[ProgrammeOut], summary="Programmes you may see")
def programme_list(request):
    return list(selectors.programmes_visible_to(request.auth))


@router.post(
    "/programmes", response={201: ProgrammeOut}, summary="Create a programme (coordinators)"
)
def programme_create(request, payload: ProgrammeIn):
    fields = payload.dict()
    fields["questions"] = "\n".join(q.strip() for q in fields["questions"] if q.strip())
    fields["milestone_template"] = "\n".join(
        m.strip() for m in fields.pop("milestones") if m.strip()
    )
    return Status(201, services.programme_create(actor=request.auth, **fields))


@router.get("/programmes/{programme_id}", response=ProgrammeOut)
def programme_detail(request, programme_id: Id):
    return _programme(request, programme_id)


@router.get(
    "/programmes/{programme_id}/applications",
    response=list[ApplicationOut],
    summary="Applications (coordinators)",
)
def application_list(request, programme_id: Id):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    return list(selectors.applications_of(programme))


@router.post(
    "/programmes/{programme_id}/applications",
    response={201: ApplicationOut},
    summary="Apply, or change your application",
)
def application_submit(request, programme_id: Id, payload: ApplicationIn):
    programme = _programme(request, programme_id)
    return Status(
        201,
        services.application_submit(
            programme=programme, member=request.auth, actor=request.auth, **payload.dict()
        ),
    )


@router.get(
    "/programmes/{programme_id}/application",
    response=ApplicationOut,
    summary="Your own application",
)
def own_application(request, programme_id: Id):
    programme = _programme(request, programme_id)
    application = selectors.own_application(request.auth, programme)
    if application is None:
        raise Http404("You have not applied to this programme.")
    return application


@router.post(
    "/programmes/{programme_id}/application/ranking",
    response=ApplicationOut,
    summary="Mentors: rank the programme's mentees, best first",
)
def mentee_ranking(request, programme_id: Id, payload: RankingIn):
    programme = selectors.access_programme(request.auth, programme_id)
    application = selectors.access_own_mentor_application(request.auth, programme)
    return services.mentee_ranking_set(
        application=application, actor=request.auth, mentee_ids=payload.mentee_ids
    )


@router.get(
    "/programmes/{programme_id}/rules", response=list[RuleOut], summary="Pinned and forbidden pairs"
)
def rule_list(request, programme_id: Id):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    return list(selectors.pair_rules_of(programme))


@router.post(
    "/programmes/{programme_id}/rules",
    response={201: RuleOut, 409: PinQuestionOut},
    summary="Pin or forbid a pair (a pin over a forbid asks first: 409 unless confirmed)",
)
def rule_set(request, programme_id: Id, payload: RuleIn):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    try:
        rule = services.pair_rule_set(
            programme=programme,
            actor=request.auth,
            mentee=selectors.access_applicant(request.auth, programme, payload.mentee_id),
            mentor=selectors.access_applicant(request.auth, programme, payload.mentor_id),
            kind=payload.kind,
            reason=payload.reason,
            confirmed=payload.confirm,
        )
    except services.PinOverForbid as question:
        return Status(
            409,
            {"detail": question.messages[0], "code": "pin_over_forbid", "forbid": question.rule},
        )
    return Status(201, rule)


@router.delete("/programmes/{programme_id}/rules/{rule_id}", response={204: None})
def rule_remove(request, programme_id: Id, rule_id: Id):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    services.pair_rule_remove(
        rule=selectors.access_pair_rule(request.auth, programme, rule_id), actor=request.auth
    )
    return Status(204, None)


@router.get(
    "/programmes/{programme_id}/attributes",
    response=list[AttributeOut],
    summary="Attributes applications carry (coordinators)",
)
def attribute_list(request, programme_id: Id):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    return [vars(item) for item in attributes.declared(programme).values()]


@router.post(
    "/programmes/{programme_id}/attributes",
    response={201: AttributeOut},
    summary="Declare an attribute",
)
def attribute_declare(request, programme_id: Id, payload: AttributeIn):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    attribute = services.attribute_declare(
        programme=programme, actor=request.auth, **payload.dict()
    )
    return Status(201, vars(attribute))


@router.get(
    "/programmes/{programme_id}/attribute-rules",
    response=list[AttributeRuleOut],
    summary="Rules and preferences on attributes",
)
def attribute_rule_list(request, programme_id: Id):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    return list(selectors.attribute_rules_of(programme))


@router.post(
    "/programmes/{programme_id}/attribute-rules",
    response={201: AttributeRuleOut},
    summary="Add a rule or a weighted preference on an attribute",
)
def attribute_rule_add(request, programme_id: Id, payload: AttributeRuleIn):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    rule = services.attribute_rule_add(programme=programme, actor=request.auth, **payload.dict())
    return Status(201, rule)


@router.delete("/programmes/{programme_id}/attribute-rules/{rule_id}", response={204: None})
def attribute_rule_remove(request, programme_id: Id, rule_id: Id):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    services.attribute_rule_remove(
        rule=selectors.access_attribute_rule(request.auth, programme, rule_id), actor=request.auth
    )
    return Status(204, None)


class CoordinatorIn(Schema):
    member_id: Id


@router.get(
    "/programmes/{programme_id}/coordinators",
    response=list[PersonOut],
    summary="Who runs the programme (its coordinators)",
)
def coordinator_list(request, programme_id: Id):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    return list(selectors.coordinators_of(programme))


@router.post(
    "/programmes/{programme_id}/coordinators",
    response={201: list[PersonOut]},
    summary="Add a coordinator to the programme",
)
def coordinator_add(request, programme_id: Id, payload: CoordinatorIn):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    member = selectors.access_member_to_coordinate(request.auth, programme, payload.member_id)
    services.programme_coordinator_add(programme=programme, actor=request.auth, member=member)
    return Status(201, list(selectors.coordinators_of(programme)))


@router.delete("/programmes/{programme_id}/coordinators/{member_id}", response={204: None})
def coordinator_remove(request, programme_id: Id, member_id: Id):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    member = selectors.access_programme_coordinator(request.auth, programme, member_id)
    services.programme_coordinator_remove(programme=programme, actor=request.auth, member=member)
    return Status(204, None)


@router.get("/programmes/{programme_id}/quotas", response=list[QuotaOut], summary="Quotas")
def quota_list(request, programme_id: Id):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    return list(selectors.quotas_of(programme))


@router.post(
    "/programmes/{programme_id}/quotas",
    response={201: QuotaOut},
    summary="Add a quota over the matched mentees of optimal runs",
)
def quota_add(request, programme_id: Id, payload: QuotaIn):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    quota = services.quota_add(programme=programme, actor=request.auth, **payload.dict())
    return Status(201, quota)


@router.delete("/programmes/{programme_id}/quotas/{quota_id}", response={204: None})
def quota_remove(request, programme_id: Id, quota_id: Id):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    services.quota_remove(
        quota=selectors.access_quota(request.auth, programme, quota_id), actor=request.auth
    )
    return Status(204, None)


@router.get("/programmes/{programme_id}/runs", response=list[RunSummary], summary="Match runs")
def run_list(request, programme_id: Id):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    return list(selectors.runs_of(programme))


@router.post(
    "/programmes/{programme_id}/runs",
    response={201: RunOut, 202: RunOut},
    summary="Run the matching",
)
def run_start(request, programme_id: Id, payload: RunIn):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    run = services.match_run_start(
        programme=programme,
        actor=request.auth,
        method=payload.method,
        proposing=payload.proposing,
        new_round=payload.new_round,
    )
    return Status(201 if run.is_finished else 202, run)


@router.get(
    "/programmes/{programme_id}/runs/{run_id}",
    response=RunOut,
    summary="A run: pairs, reasons and metrics",
)
def run_detail(request, programme_id: Id, run_id: Id):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    return selectors.access_run(request.auth, programme, run_id)


def _preview_out(run) -> dict:
    publication = selectors.publication_of(run)
    out: dict = {
        "pairs": 0,
        "kept": 0,
        "mentees": 0,
        "mentors": 0,
        "newcomers": 0,
        "unmatched": 0,
        "samples": [],
        "publication": publication,
        "emails": None,
    }
    if publication is not None and publication.status != "failed":
        out["emails"] = publishing.delivery_progress(run)
    elif run.status == MatchRun.Status.DONE:
        preview = publishing.publication_preview(run)
        out.update(vars(preview))
        out["newcomers"] = len(preview.newcomers)
        out["samples"] = [vars(sample) for sample in preview.samples]
    return out


@router.get(
    "/programmes/{programme_id}/runs/{run_id}/publish",
    response=PublishPreviewOut,
    summary="What publishing a run will do (counts, sample e-mails), or how far it has gone",
)
def run_publish_preview(request, programme_id: Id, run_id: Id):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    return _preview_out(selectors.access_run(request.auth, programme, run_id))


@router.post(
    "/programmes/{programme_id}/runs/{run_id}/publish",
    response={202: PublicationOut, 409: RefusedOut},
    summary="Publish a run's matches in the background (after reading the preview)",
)
def run_publish(request, programme_id: Id, run_id: Id, payload: PublishIn):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    run = selectors.access_run(request.auth, programme, run_id)
    if not payload.confirm:
        raise ValidationError({"confirm": services.PUBLISH_UNCONFIRMED})
    try:
        publication = services.match_run_publish_queue(run=run, actor=request.auth)
    except services.PublishRefused as error:
        return Status(409, {"detail": error.messages[0]})
    return Status(202, publication)


@router.get(
    "/programmes/{programme_id}/invitations",
    response=list[InvitationOut],
    summary="Invitations with name and status: sent, opened, joined or declined",
)
def invitation_list(request, programme_id: Id):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    return [
        {**_invitation_fields(row.invitation), "name": row.name, "status": row.status}
        for row in selectors.invitations_of(programme)
    ]


def _invitation_fields(invitation) -> dict:
    return {
        name: getattr(invitation, name)
        for name in ("id", "email", "sends", "created_at", "last_sent_at")
    }


@router.post(
    "/programmes/{programme_id}/invitations/{invitation_id}/resend",
    response=InvitationOut,
    summary="Send an invitation again",
    throttle=[ApiLimit("invitations")],
)
def invitation_resend(request, programme_id: Id, invitation_id: Id):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    invitation = services.invitation_resend(
        invitation=selectors.access_invitation(request.auth, programme, invitation_id),
        actor=request.auth,
    )
    row = selectors.invitation_row(invitation)
    return {**_invitation_fields(row.invitation), "name": row.name, "status": row.status}


@router.get(
    "/programmes/{programme_id}/at-risk",
    response=list[AtRiskOut],
    summary="Pairs at risk, each with its reasons in words",
)
def at_risk_list(request, programme_id: Id):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    return [
        {
            "mentorship_id": pair.mentorship.pk,
            "people": [pair.mentorship.requester, pair.mentorship.recipient],
            "reasons": list(pair.reasons),
        }
        for pair in reports.pairs_at_risk(programme)
    ]


@router.post(
    "/programmes/{programme_id}/at-risk/{mentorship_id}/nudge",
    response=NudgeOut,
    summary="Nudge a pair at risk (both are told, as each chose; once a day)",
    throttle=[ApiLimit("nudges")],
)
def pair_nudge(request, programme_id: Id, mentorship_id: Id):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    mentorship = selectors.access_programme_mentorship(request.auth, programme, mentorship_id)
    told = services.pair_nudge(programme=programme, mentorship=mentorship, actor=request.auth)
    return {"told": told}


@router.get(
    "/programmes/{programme_id}/report",
    response=dict,
    summary="Programme health: counts and aggregates",
)
def report(request, programme_id: Id):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    return reports.programme_health(programme)


@router.get("/programmes/{programme_id}/report.csv", summary="The programme report as CSV")
def report_csv(request, programme_id: Id):
    programme = selectors.access_managed_programme(request.auth, programme_id)
    response = HttpResponse(
        reports.report_csv(programme, request.auth), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-report.csv"'
    return response
