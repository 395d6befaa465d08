"""Reads about people, each scoped to what the viewer may see.

One access rule per object kind lives here; views fetch through these
helpers and never by id on the model directly.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from deskmate.core.sql import column, fetch, one_of, table
from deskmate.network.models import Tie
from deskmate.people.models import (
    ApiToken,
    Education,
    Goal,
    Member,
    MemberSkill,
    Offer,
    Position,
    User,
)

MEMBER_NOT_FOUND = "No such member, or their profile is not visible to you."
NOT_FOUND = "Not found, or not yours to change."


def member_for_user(user) -> Member | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.member
    except Member.DoesNotExist:
        return None


def _tie_exists(viewer: Member) -> Q:
    """Members who share a workplace or school with the viewer: tie evidence both can see.

    Contacts, interactions and mutual contacts never count: they come from one
    member's own imports or log, and would let anyone open a profile by
    uploading an address book that names it.
    """
    tie_low = Tie.objects.filter(member_low=viewer, member_high=OuterRef("pk"), shared_history=True)
    tie_high = Tie.objects.filter(
        member_high=viewer, member_low=OuterRef("pk"), shared_history=True
    )
    return Q(Exists(tie_low)) | Q(Exists(tie_high))


def members_visible_to(viewer: Member) -> QuerySet[Member]:
    """Every member whose profile the viewer may open."""
    members = Member.objects.select_related("user").filter(user__is_active=True)
    if viewer.is_coordinator:
        return members
    return members.filter(
        Q(pk=viewer.pk)
        | Q(visibility=Member.Visibility.COMMUNITY)
        | (Q(visibility=Member.Visibility.TIES) & _tie_exists(viewer))
    )


def visible_member_ids(viewer: Member, member_ids) -> set[int]:
    """Which of ``member_ids`` the viewer may open: the rule of :func:`members_visible_to`, in one statement.

    For pages that check a hundred members at once (suggestions), where
    building the ORM query would cost more than running it. Tests hold it
    equal to :func:`members_visible_to`.
    """
    ids = list(dict.fromkeys(int(member_id) for member_id in member_ids))
    if not ids:
        return set()
    member, user = f"m.{column(Member, 'id')}", column(User, "id")
    active = f"JOIN {table(User)} u ON u.{user} = m.{column(Member, 'user')} WHERE u.{column(User, 'is_active')}"
    condition, params = one_of(member, ids)
    sql = f"SELECT {member} FROM {table(Member)} m {active} AND {condition}"
    if not viewer.is_coordinator:
        low, high = column(Tie, "member_low"), column(Tie, "member_high")
        shared = f"t.{column(Tie, 'shared_history')}"
        visibility = f"m.{column(Member, 'visibility')}"
        sql += (
            f" AND ({member} = %s OR {visibility} = %s OR ({visibility} = %s AND ("
            f"EXISTS (SELECT 1 FROM {table(Tie)} t WHERE t.{low} = %s AND t.{high} = {member} AND {shared})"
            f" OR EXISTS (SELECT 1 FROM {table(Tie)} t WHERE t.{high} = %s AND t.{low} = {member} AND {shared}))))"
        )
        params += [viewer.pk, Member.Visibility.COMMUNITY.value, Member.Visibility.TIES.value] + [
            viewer.pk
        ] * 2
    return {member_id for (member_id,) in fetch(sql, params)}


def member_can_view(viewer: Member | None, member: Member) -> bool:
    if viewer is None:
        return False
    return members_visible_to(viewer).filter(pk=member.pk).exists()


def access_member(viewer: Member, member_id: int) -> Member:
    """The member with this id if the viewer may see their profile; 404 otherwise."""
    try:
        return members_visible_to(viewer).get(pk=member_id)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise Http404(MEMBER_NOT_FOUND) from None


def _access_own(model, viewer: Member, object_id: int):
    """An object of the viewer's own; admins may reach any member's."""
    objects = model.objects.all()
    if not viewer.is_admin:
        objects = objects.filter(member=viewer)
    try:
        return objects.get(pk=object_id)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def access_position(viewer: Member, position_id: int) -> Position:
    return _access_own(Position, viewer, position_id)


def access_education(viewer: Member, education_id: int) -> Education:
    return _access_own(Education, viewer, education_id)


def access_goal(viewer: Member, goal_id: int) -> Goal:
    return _access_own(Goal, viewer, goal_id)


def access_offer(viewer: Member, offer_id: int) -> Offer:
    return _access_own(Offer, viewer, offer_id)


def access_member_skill(viewer: Member, member_skill_id: int) -> MemberSkill:
    return _access_own(MemberSkill, viewer, member_skill_id)


def access_api_token(viewer: Member, token_id: int) -> ApiToken:
    return _access_own(ApiToken, viewer, token_id)


def positions_of(member: Member) -> QuerySet[Position]:
    return member.positions.select_related("organisation", "unit").order_by("-start", "-id")


def education_of(member: Member) -> QuerySet[Education]:
    return member.education.select_related("school").order_by("-start", "-id")


def skills_of(member: Member) -> QuerySet[MemberSkill]:
    return member.skills.select_related("skill").order_by("skill__name")


def goals_of(member: Member) -> QuerySet[Goal]:
    return member.goals.select_related("target_skill")


def offers_of(member: Member) -> QuerySet[Offer]:
    return member.offers.all()


#: How many members one page of the People directory lists.
DIRECTORY_PAGE_SIZE = 25


def _has(model, **lookups) -> Exists:
    return Exists(model.objects.filter(member=OuterRef("pk"), **lookups))


def member_directory(viewer: Member, filters: dict) -> QuerySet[Member]:
    """Members the viewer may open, narrowed by the People page's filters (``DirectoryForm``).

    Each filter on a member's history is an ``EXISTS``, so a member with two
    matching positions is listed once and counted once.
    """
    members = members_visible_to(viewer)
    for word in (filters.get("q") or "").split()[:5]:
        members = members.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if filters.get("skill"):
        members = members.filter(_has(MemberSkill, skill__name__icontains=filters["skill"]))
    if filters.get("organisation"):
        members = members.filter(
            _has(Position, organisation__name__icontains=filters["organisation"])
        )
    if filters.get("unit"):
        members = members.filter(_has(Position, unit__name__icontains=filters["unit"]))
    school, year = filters.get("school"), filters.get("graduation_year")
    if school or year:
        studied = {"school__name__icontains": school} if school else {}
        if year:
            studied["end__year"] = year
        members = members.filter(_has(Education, **studied))
    if filters.get("open_to_mentoring"):
        members = members.filter(open_to_mentoring=True)
    if filters.get("wants_copilot"):
        members = members.filter(wants_copilot=True)
    return members.order_by("last_name", "first_name", "id")


def member_search(viewer: Member, text: str = "", limit: int = 50) -> QuerySet[Member]:
    members = members_visible_to(viewer)
    for word in text.split()[:5]:
        members = members.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(headline__icontains=word)
        )
    return members.order_by("last_name", "first_name", "id")[:limit]
