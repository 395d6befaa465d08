"""API endpoints for profiles, career histories, skills, goals and offers."""

import datetime as dt
from typing import Annotated

from ninja import Field, Query, Router, Schema, Status

from deskmate.core.api_types import LEFT_OUT, Id, Limit, Offset
from deskmate.people import selectors, services
from deskmate.people.models import Member

router = Router(tags=["people"])


class PositionOut(Schema):
    id: int
    organisation: str = Field(..., alias="organisation.name")
    unit: str | None = Field(None, alias="unit.name")
    title: str
    start: dt.date
    end: dt.date | None
    location: str
    description: str
    source: str


class PositionIn(Schema):
    organisation: str
    unit: str = ""
    title: str
    start: dt.date
    end: dt.date | None = None
    location: str = ""
    description: str = ""


class EducationOut(Schema):
    id: int
    school: str = Field(..., alias="school.name")
    degree: str
    field: str
    start: dt.date | None
    end: dt.date | None
    source: str


class EducationIn(Schema):
    school: str
    degree: str = ""
    field: str = ""
    start: dt.date | None = None
    end: dt.date | None = None


class SkillOut(Schema):
    id: int
    name: str = Field(..., alias="skill.name")


class SkillIn(Schema):
    name: str


class GoalOut(Schema):
    id: int
    text: str
    target_role: str
    target_skill: str | None = Field(None, alias="target_skill.name")


class GoalIn(Schema):
    text: str
    target_role: str = ""
    target_skill: str = ""


class OfferOut(Schema):
    id: int
    text: str


class OfferIn(Schema):
    text: str


class MemberSummary(Schema):
    id: int
    name: str
    headline: str
    location: str
    open_to_mentoring: bool
    wants_copilot: bool


class ProfileOut(MemberSummary):
    first_name: str
    last_name: str
    pronouns: str
    industry: str
    time_zone: str
    about: str
    visibility: str
    mentee_capacity: int
    positions: list[PositionOut]
    education: list[EducationOut]
    skills: list[SkillOut]
    goals: list[GoalOut]
    offers: list[OfferOut]

    @staticmethod
    def resolve_positions(member):
        return list(selectors.positions_of(member))

    @staticmethod
    def resolve_education(member):
        return list(selectors.education_of(member))

    @staticmethod
    def resolve_skills(member):
        return list(selectors.skills_of(member))

    @staticmethod
    def resolve_goals(member):
        return list(selectors.goals_of(member))

    @staticmethod
    def resolve_offers(member):
        return list(selectors.offers_of(member))


class OwnProfileOut(ProfileOut):
    email: str
    role: str

    @staticmethod
    def resolve_email(member):
        return member.user.email


class ProfilePatch(Schema):
    """Only the fields sent change; none may be null (send "" to clear a text)."""

    first_name: Annotated[str, Field(min_length=1)] = LEFT_OUT
    last_name: str = LEFT_OUT
    headline: str = LEFT_OUT
    location: str = LEFT_OUT
    industry: str = LEFT_OUT
    about: str = LEFT_OUT
    pronouns: str = LEFT_OUT
    #: An IANA zone name, or "" for the site's zone.
    time_zone: str = LEFT_OUT
    visibility: Member.Visibility = LEFT_OUT
    open_to_mentoring: bool = LEFT_OUT
    # The column's range: a small positive integer.
    mentee_capacity: Annotated[int, Field(ge=0, le=32767)] = LEFT_OUT
    wants_copilot: bool = LEFT_OUT


@router.get("/me", response=OwnProfileOut, summary="Your own profile and history")
def me(request):
    return request.auth


@router.patch("/me", response=OwnProfileOut, summary="Change your profile")
def me_update(request, payload: ProfilePatch):
    member = request.auth
    services.profile_update(member=member, actor=member, **payload.dict(exclude_unset=True))
    return member


@router.get("/members", response=list[MemberSummary], summary="Members whose profiles you may see")
def member_list(request, q: str = "", limit: Limit = 50):
    return list(selectors.member_search(request.auth, q[:100], min(max(limit, 1), 200)))


#: A search word of the directory: at most 100 characters, no NUL (which no database stores).
SearchText = Annotated[str, Field(max_length=100, pattern=r"^[^\x00]*$")]


class DirectoryQuery(Schema):
    """The People page's filters, each optional and each narrowing the list."""

    q: SearchText = Field("", description="Words of the name")
    skill: SearchText = ""
    organisation: SearchText = ""
    unit: SearchText = Field("", description="Team or department")
    school: SearchText = ""
    graduation_year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    open_to_mentoring: bool = False
    wants_copilot: bool = False
    offset: Offset = 0
    limit: Annotated[int, Field(ge=1, le=100)] = selectors.DIRECTORY_PAGE_SIZE


class DirectoryPage(Schema):
    count: int
    offset: int
    limit: int
    results: list[MemberSummary]


@router.get(
    "/people",
    response=DirectoryPage,
    summary="The People directory: search and filters over the members you may see",
)
def people_directory(request, filters: Query[DirectoryQuery]):
    chosen = filters.dict()
    offset, limit = chosen.pop("offset"), chosen.pop("limit")
    members = selectors.member_directory(request.auth, chosen)
    return {
        "count": members.count(),
        "offset": offset,
        "limit": limit,
        "results": list(members[offset : offset + limit]),
    }


@router.get("/members/{member_id}", response=ProfileOut, summary="One member's profile")
def member_detail(request, member_id: Id):
    return selectors.access_member(request.auth, member_id)


@router.get("/me/positions", response=list[PositionOut])
def position_list(request):
    return list(selectors.positions_of(request.auth))


@router.post("/me/positions", response={201: PositionOut})
def position_create(request, payload: PositionIn):
    return Status(
        201, services.position_create(member=request.auth, actor=request.auth, **payload.dict())
    )


@router.put("/me/positions/{position_id}", response=PositionOut)
def position_update(request, position_id: Id, payload: PositionIn):
    position = selectors.access_position(request.auth, position_id)
    return services.position_update(position=position, actor=request.auth, **payload.dict())


@router.delete("/me/positions/{position_id}", response={204: None})
def position_delete(request, position_id: Id):
    services.position_delete(
        position=selectors.access_position(request.auth, position_id), actor=request.auth
    )
    return Status(204, None)


@router.get("/me/education", response=list[EducationOut])
def education_list(request):
    return list(selectors.education_of(request.auth))


@router.post("/me/education", response={201: EducationOut})
def education_create(request, payload: EducationIn):
    return Status(
        201, services.education_create(member=request.auth, actor=request.auth, **payload.dict())
    )


@router.put("/me/education/{education_id}", response=EducationOut)
def education_update(request, education_id: Id, payload: EducationIn):
    education = selectors.access_education(request.auth, education_id)
    return services.education_update(education=education, actor=request.auth, **payload.dict())


@router.delete("/me/education/{education_id}", response={204: None})
def education_delete(request, education_id: Id):
    services.education_delete(
        education=selectors.access_education(request.auth, education_id), actor=request.auth
    )
    return Status(204, None)


@router.get("/me/skills", response=list[SkillOut])
def skill_list(request):
    return list(selectors.skills_of(request.auth))


@router.post("/me/skills", response={201: SkillOut})
def skill_add(request, payload: SkillIn):
    return Status(
        201, services.skill_add(member=request.auth, actor=request.auth, name=payload.name)
    )


@router.delete("/me/skills/{member_skill_id}", response={204: None})
def skill_remove(request, member_skill_id: Id):
    services.skill_remove(
        member_skill=selectors.access_member_skill(request.auth, member_skill_id),
        actor=request.auth,
    )
    return Status(204, None)


@router.get("/me/goals", response=list[GoalOut])
def goal_list(request):
    return list(selectors.goals_of(request.auth))


@router.post("/me/goals", response={201: GoalOut})
def goal_create(request, payload: GoalIn):
    return Status(
        201, services.goal_create(member=request.auth, actor=request.auth, **payload.dict())
    )


@router.put("/me/goals/{goal_id}", response=GoalOut)
def goal_update(request, goal_id: Id, payload: GoalIn):
    goal = selectors.access_goal(request.auth, goal_id)
    return services.goal_update(goal=goal, actor=request.auth, **payload.dict())


@router.delete("/me/goals/{goal_id}", response={204: None})
def goal_delete(request, goal_id: Id):
    services.goal_delete(goal=selectors.access_goal(request.auth, goal_id), actor=request.auth)
    return Status(204, None)


@router.get("/me/offers", response=list[OfferOut])
def offer_list(request):
    return list(selectors.offers_of(request.auth))


@router.post("/me/offers", response={201: OfferOut})
def offer_create(request, payload: OfferIn):
    return Status(
        201, services.offer_create(member=request.auth, actor=request.auth, text=payload.text)
    )


@router.delete("/me/offers/{offer_id}", response={204: None})
def offer_delete(request, offer_id: Id):
    services.offer_delete(offer=selectors.access_offer(request.auth, offer_id), actor=request.auth)
    return Status(204, None)
